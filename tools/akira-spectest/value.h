/*
 * value.h - wast2json values ({"type": "i32", "value": "4294967295"}) for akira-spectest.
 *
 * wast2json writes integers as unsigned decimal strings of their bits, floats as the
 * unsigned decimal of their bit pattern (or "nan:canonical" / "nan:arithmetic" in
 * results), references as "null" or, for externref, a host reference number. A v128
 * is {"type": "v128", "lane_type": "i8".."f64", "value": [one such string per lane]},
 * where each float lane of a result may be a NaN pattern of its own.
 */
#ifndef AKIRA_SPEC_VALUE_H
#define AKIRA_SPEC_VALUE_H

#include "json.h"

#include <akira/wasm.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an expected result accepts. */
typedef enum akira_spec_expect_kind {
    AKIRA_SPEC_EXPECT_EXACT,          /* these bits (floats compared bitwise) */
    AKIRA_SPEC_EXPECT_NAN_CANONICAL,  /* a NaN with only the quiet bit of the payload */
    AKIRA_SPEC_EXPECT_NAN_ARITHMETIC, /* a NaN with the quiet bit set */
    AKIRA_SPEC_EXPECT_NONNULL_REF,    /* any non-null reference (funcref without value) */
} akira_spec_expect_kind;

typedef struct akira_spec_value {
    uint8_t type; /* AW_I32 ... AW_EXTERNREF, AW_V128 */
    akira_spec_expect_kind expect;
    aw_val val;
    /* v128: the bytes (lanes little-endian), the lane width in bytes, whether lanes are
     * floats, and per lane what it accepts (EXACT or a NaN pattern) */
    uint8_t v128[16];
    uint8_t lane_size;
    bool lane_float;
    akira_spec_expect_kind lane_expect[16];
} akira_spec_value;

/* The host reference for externref number `n`: distinct from NULL and from the
 * reference of every other number. */
void *akira_spec_value_extern_ref(uint64_t n);

/* Parse one value object. `as_result` allows the NaN patterns and a missing value.
 * False (with a reason in `why`) if it is not a value this runner understands. */
bool akira_spec_value_parse(const akira_spec_json *obj, bool as_result, akira_spec_value *out,
                            char *why, size_t why_size);

/* Whether `got` (of the expected value's type) satisfies `want`. */
bool akira_spec_value_matches(const akira_spec_value *want, aw_val got);
/* The same for a v128 result given as its 16 bytes. */
bool akira_spec_value_matches_v128(const akira_spec_value *want, const uint8_t got[16]);

/* Write `v` of `type` as "i32:4294967295" (bits as unsigned decimal, floats also as
 * a number, refs as null or a pointer) into buf. */
void akira_spec_value_format(uint8_t type, aw_val v, char *buf, size_t size);

/* A v128 result as "v128:i32x4:1 2 3 4" in the expected value's lane shape. */
void akira_spec_value_format_v128(const akira_spec_value *want, const uint8_t got[16], char *buf,
                                  size_t size);

/* The same for an expected value ("f32:nan:canonical" for a pattern). */
void akira_spec_value_format_expected(const akira_spec_value *want, char *buf, size_t size);

#endif /* AKIRA_SPEC_VALUE_H */

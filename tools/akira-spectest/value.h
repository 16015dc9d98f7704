/*
 * value.h - wast2json values ({"type": "i32", "value": "4294967295"}) for akira-spectest.
 *
 * wast2json writes integers as unsigned decimal strings of their bits, floats as the
 * unsigned decimal of their bit pattern (or "nan:canonical" / "nan:arithmetic" in
 * results), references as "null" or, for externref, a host reference number.
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
    uint8_t type; /* AW_I32 ... AW_EXTERNREF, or AW_V128 (never run) */
    akira_spec_expect_kind expect;
    aw_val val;
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

/* Write `v` of `type` as "i32:4294967295" (bits as unsigned decimal, floats also as
 * a number, refs as null or a pointer) into buf. */
void akira_spec_value_format(uint8_t type, aw_val v, char *buf, size_t size);

/* The same for an expected value ("f32:nan:canonical" for a pattern). */
void akira_spec_value_format_expected(const akira_spec_value *want, char *buf, size_t size);

#endif /* AKIRA_SPEC_VALUE_H */

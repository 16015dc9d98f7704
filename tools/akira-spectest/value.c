/* value.c - wast2json values: parse, compare (NaN patterns), format. */
#include "value.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Host references are addresses inside no object: offsets from a private anchor
 * would be undefined behaviour past its end, so they are built from integers. */
void *akira_spec_value_extern_ref(uint64_t n)
{
    return (void *)(uintptr_t)(n + 1);
}

static bool type_of(const char *name, uint8_t *type)
{
    static const struct {
        const char *name;
        uint8_t type;
    } types[] = {{"i32", AW_I32},
                 {"i64", AW_I64},
                 {"f32", AW_F32},
                 {"f64", AW_F64},
                 {"v128", AW_V128},
                 {"funcref", AW_FUNCREF},
                 {"externref", AW_EXTERNREF}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(name, types[i].name) == 0) {
            *type = types[i].type;
            return true;
        }
    return false;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (*s < '0' || *s > '9') return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max) return false;
    *out = v;
    return true;
}

bool akira_spec_value_parse(const akira_spec_json *obj, bool as_result, akira_spec_value *out,
                            char *why, size_t why_size)
{
    const char *tname = akira_spec_json_get_str(obj, "type");
    memset(out, 0, sizeof *out);
    if (!tname || !type_of(tname, &out->type)) {
        snprintf(why, why_size, "unknown value type '%s'", tname ? tname : "?");
        return false;
    }
    if (out->type == AW_V128) return true; /* carried only to be skipped */
    const akira_spec_json *jv = akira_spec_json_get(obj, "value");
    if (!jv) {
        if (as_result && (out->type == AW_FUNCREF || out->type == AW_EXTERNREF)) {
            out->expect = AKIRA_SPEC_EXPECT_NONNULL_REF;
            return true;
        }
        snprintf(why, why_size, "%s value missing", tname);
        return false;
    }
    if (jv->kind != AKIRA_SPEC_JSON_STRING) {
        snprintf(why, why_size, "%s value is not a string", tname);
        return false;
    }
    const char *s = jv->str;
    uint64_t bits;
    switch (out->type) {
    case AW_I32:
    case AW_F32:
        if (out->type == AW_F32 && as_result && strcmp(s, "nan:canonical") == 0) {
            out->expect = AKIRA_SPEC_EXPECT_NAN_CANONICAL;
            return true;
        }
        if (out->type == AW_F32 && as_result && strcmp(s, "nan:arithmetic") == 0) {
            out->expect = AKIRA_SPEC_EXPECT_NAN_ARITHMETIC;
            return true;
        }
        if (!parse_u64(s, UINT32_MAX, &bits)) break;
        out->val.u64 = 0;
        out->val.u32 = (uint32_t)bits; /* f32 travels as its bits */
        return true;
    case AW_I64:
    case AW_F64:
        if (out->type == AW_F64 && as_result && strcmp(s, "nan:canonical") == 0) {
            out->expect = AKIRA_SPEC_EXPECT_NAN_CANONICAL;
            return true;
        }
        if (out->type == AW_F64 && as_result && strcmp(s, "nan:arithmetic") == 0) {
            out->expect = AKIRA_SPEC_EXPECT_NAN_ARITHMETIC;
            return true;
        }
        if (!parse_u64(s, UINT64_MAX, &bits)) break;
        out->val.u64 = bits;
        return true;
    case AW_FUNCREF:
        /* A script can name no function value, only null. */
        if (strcmp(s, "null") != 0) break;
        out->val.ref = NULL;
        return true;
    case AW_EXTERNREF:
        if (strcmp(s, "null") == 0) {
            out->val.ref = NULL;
            return true;
        }
        if (!parse_u64(s, UINT32_MAX, &bits)) break;
        out->val.ref = akira_spec_value_extern_ref(bits);
        return true;
    }
    snprintf(why, why_size, "bad %s value '%s'", tname, s);
    return false;
}

bool akira_spec_value_matches(const akira_spec_value *want, aw_val got)
{
    uint64_t bits = want->type == AW_F32 ? got.u32 : got.u64;
    uint64_t exp_mask = want->type == AW_F32 ? 0x7f800000u : 0x7ff0000000000000u;
    uint64_t quiet = want->type == AW_F32 ? 0x00400000u : 0x0008000000000000u;
    uint64_t payload = want->type == AW_F32 ? 0x007fffffu : 0x000fffffffffffffu;
    switch (want->expect) {
    case AKIRA_SPEC_EXPECT_NAN_CANONICAL:
        return (bits & exp_mask) == exp_mask && (bits & payload) == quiet;
    case AKIRA_SPEC_EXPECT_NAN_ARITHMETIC:
        return (bits & exp_mask) == exp_mask && (bits & quiet) != 0;
    case AKIRA_SPEC_EXPECT_NONNULL_REF: return got.ref != NULL;
    case AKIRA_SPEC_EXPECT_EXACT: break;
    }
    switch (want->type) {
    case AW_I32:
    case AW_F32: return got.u32 == want->val.u32;
    case AW_I64:
    case AW_F64: return got.u64 == want->val.u64;
    default: return got.ref == want->val.ref;
    }
}

static const char *type_name(uint8_t type)
{
    switch (type) {
    case AW_I32: return "i32";
    case AW_I64: return "i64";
    case AW_F32: return "f32";
    case AW_F64: return "f64";
    case AW_V128: return "v128";
    case AW_FUNCREF: return "funcref";
    case AW_EXTERNREF: return "externref";
    default: return "?";
    }
}

void akira_spec_value_format(uint8_t type, aw_val v, char *buf, size_t size)
{
    const char *t = type_name(type);
    switch (type) {
    case AW_I32: snprintf(buf, size, "%s:%" PRIu32, t, v.u32); break;
    case AW_I64: snprintf(buf, size, "%s:%" PRIu64, t, v.u64); break;
    case AW_F32: snprintf(buf, size, "%s:%" PRIu32 " (%.9g)", t, v.u32, (double)v.f32); break;
    case AW_F64: snprintf(buf, size, "%s:%" PRIu64 " (%.17g)", t, v.u64, v.f64); break;
    default:
        if (v.ref)
            snprintf(buf, size, "%s:%p", t, v.ref);
        else
            snprintf(buf, size, "%s:null", t);
    }
}

void akira_spec_value_format_expected(const akira_spec_value *want, char *buf, size_t size)
{
    const char *t = type_name(want->type);
    switch (want->expect) {
    case AKIRA_SPEC_EXPECT_NAN_CANONICAL: snprintf(buf, size, "%s:nan:canonical", t); break;
    case AKIRA_SPEC_EXPECT_NAN_ARITHMETIC: snprintf(buf, size, "%s:nan:arithmetic", t); break;
    case AKIRA_SPEC_EXPECT_NONNULL_REF: snprintf(buf, size, "%s:non-null", t); break;
    case AKIRA_SPEC_EXPECT_EXACT: akira_spec_value_format(want->type, want->val, buf, size); break;
    }
}

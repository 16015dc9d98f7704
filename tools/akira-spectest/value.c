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

/* A NaN pattern ("nan:canonical", "nan:arithmetic") in `s`, allowed for a float. */
static bool nan_pattern(const char *s, bool allowed, akira_spec_expect_kind *out)
{
    if (!allowed) return false;
    if (strcmp(s, "nan:canonical") == 0) {
        *out = AKIRA_SPEC_EXPECT_NAN_CANONICAL;
        return true;
    }
    if (strcmp(s, "nan:arithmetic") == 0) {
        *out = AKIRA_SPEC_EXPECT_NAN_ARITHMETIC;
        return true;
    }
    return false;
}

static bool parse_v128(const akira_spec_json *obj, bool as_result, akira_spec_value *out, char *why,
                       size_t why_size)
{
    static const struct {
        const char *name;
        uint8_t size;
        bool fl;
    } shapes[] = {{"i8", 1, false},  {"i16", 2, false}, {"i32", 4, false},
                  {"i64", 8, false}, {"f32", 4, true},  {"f64", 8, true}};
    const char *lt = akira_spec_json_get_str(obj, "lane_type");
    const akira_spec_json *jv = akira_spec_json_get(obj, "value");
    for (size_t k = 0; lt && k < sizeof shapes / sizeof shapes[0]; k++) {
        if (strcmp(lt, shapes[k].name) != 0) continue;
        out->lane_size = shapes[k].size;
        out->lane_float = shapes[k].fl;
        uint32_t lanes = 16u / out->lane_size;
        if (!jv || jv->kind != AKIRA_SPEC_JSON_ARRAY || jv->len != lanes) break;
        for (uint32_t i = 0; i < lanes; i++) {
            const akira_spec_json *e = &jv->items[i];
            uint64_t bits;
            if (e->kind != AKIRA_SPEC_JSON_STRING) goto bad;
            if (nan_pattern(e->str, as_result && out->lane_float, &out->lane_expect[i])) continue;
            uint64_t max = out->lane_size == 8 ? UINT64_MAX : (1ull << (8 * out->lane_size)) - 1;
            if (!parse_u64(e->str, max, &bits)) goto bad;
            for (uint32_t b = 0; b < out->lane_size; b++)
                out->v128[i * out->lane_size + b] = (uint8_t)(bits >> (8 * b));
        }
        return true;
    }
bad:
    snprintf(why, why_size, "bad v128 value (lane type '%s')", lt ? lt : "?");
    return false;
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
    if (out->type == AW_V128) return parse_v128(obj, as_result, out, why, why_size);
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
        if (nan_pattern(s, as_result && out->type == AW_F32, &out->expect)) return true;
        if (!parse_u64(s, UINT32_MAX, &bits)) break;
        out->val.u64 = 0;
        out->val.u32 = (uint32_t)bits; /* f32 travels as its bits */
        return true;
    case AW_I64:
    case AW_F64:
        if (nan_pattern(s, as_result && out->type == AW_F64, &out->expect)) return true;
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

bool akira_spec_value_matches_v128(const akira_spec_value *want, const uint8_t got[16])
{
    uint32_t n = want->lane_size, lanes = 16u / n;
    for (uint32_t i = 0; i < lanes; i++) {
        if (want->lane_expect[i] == AKIRA_SPEC_EXPECT_EXACT) {
            if (memcmp(got + i * n, want->v128 + i * n, n) != 0) return false;
            continue;
        }
        /* a NaN pattern on a float lane: the scalar check on the lane's bits */
        akira_spec_value lane = {.type = n == 4 ? AW_F32 : AW_F64, .expect = want->lane_expect[i]};
        aw_val v = {.u64 = 0};
        memcpy(&v, got + i * n, n);
        if (!akira_spec_value_matches(&lane, v)) return false;
    }
    return true;
}

void akira_spec_value_format_v128(const akira_spec_value *want, const uint8_t got[16], char *buf,
                                  size_t size)
{
    static const char *const names[2][9] = {
        {NULL, "i8x16", "i16x8", NULL, "i32x4", NULL, NULL, NULL, "i64x2"},
        {NULL, NULL, NULL, NULL, "f32x4", NULL, NULL, NULL, "f64x2"}};
    uint32_t n = want->lane_size ? want->lane_size : 4;
    const char *shape = names[want->lane_float][n];
    size_t used = (size_t)snprintf(buf, size, "v128:%s:", shape ? shape : "i32x4");
    for (uint32_t i = 0; i < 16u / n && used < size; i++) {
        uint64_t bits = 0;
        for (uint32_t b = 0; b < n; b++)
            bits |= (uint64_t)got[i * n + b] << (8 * b);
        used += (size_t)snprintf(buf + used, size - used, i ? " %" PRIu64 : "%" PRIu64, bits);
    }
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
    case AKIRA_SPEC_EXPECT_EXACT:
        if (want->type != AW_V128) {
            akira_spec_value_format(want->type, want->val, buf, size);
            break;
        }
        akira_spec_value_format_v128(want, want->v128, buf, size);
        /* lanes with a NaN pattern: name it instead of the zero bytes parsed for it */
        for (uint32_t i = 0; i < 16u / want->lane_size; i++)
            if (want->lane_expect[i] != AKIRA_SPEC_EXPECT_EXACT) {
                size_t used = strlen(buf);
                snprintf(buf + used, size - used, " [lane %u: nan:%s]", (unsigned)i,
                         want->lane_expect[i] == AKIRA_SPEC_EXPECT_NAN_CANONICAL ? "canonical"
                                                                                 : "arithmetic");
            }
        break;
    }
}

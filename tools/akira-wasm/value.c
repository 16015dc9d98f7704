/*
 * value.c - parse and print Wasm values for --invoke.
 */
#include "value.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool parse_int(const char *s, int bits, uint64_t *out)
{
    char *end;
    errno = 0;
    uint64_t max = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
    if (*s == '-') {
        long long v = strtoll(s, &end, 0);
        if (errno || *end || end == s) return false;
        if (bits < 64 && v < -(1ll << (bits - 1))) return false;
        *out = (uint64_t)v & max;
    } else {
        unsigned long long v = strtoull(s, &end, 0);
        if (errno || *end || end == s || v > max) return false;
        *out = v;
    }
    return true;
}

bool akira_cli_value_parse(uint8_t type, const char *s, aw_val *out)
{
    char *end;
    uint64_t u;
    memset(out, 0, sizeof *out);
    switch (type) {
    case AW_I32:
        if (!parse_int(s, 32, &u)) return false;
        out->u32 = (uint32_t)u;
        return true;
    case AW_I64:
        if (!parse_int(s, 64, &u)) return false;
        out->u64 = u;
        return true;
    case AW_F32: out->f32 = strtof(s, &end); return end != s && *end == '\0';
    case AW_F64: out->f64 = strtod(s, &end); return end != s && *end == '\0';
    case AW_FUNCREF:
    case AW_EXTERNREF: out->ref = NULL; return strcmp(s, "null") == 0;
    default: return false;
    }
}

const char *akira_cli_value_type_name(uint8_t type)
{
    switch (type) {
    case AW_I32: return "i32";
    case AW_I64: return "i64";
    case AW_F32: return "f32";
    case AW_F64: return "f64";
    case AW_FUNCREF: return "funcref";
    case AW_EXTERNREF: return "externref";
    case AW_V128: return "v128";
    default: return "?";
    }
}

void akira_cli_value_print(FILE *out, uint8_t type, aw_val v)
{
    switch (type) {
    case AW_I32: fprintf(out, "i32:%" PRId32 "\n", v.i32); break;
    case AW_I64: fprintf(out, "i64:%" PRId64 "\n", v.i64); break;
    case AW_F32: fprintf(out, "f32:%.9g\n", (double)v.f32); break;
    case AW_F64: fprintf(out, "f64:%.17g\n", v.f64); break;
    case AW_FUNCREF:
    case AW_EXTERNREF:
        if (v.ref)
            fprintf(out, "%s:%p\n", type == AW_FUNCREF ? "funcref" : "externref", v.ref);
        else
            fprintf(out, "%s:null\n", type == AW_FUNCREF ? "funcref" : "externref");
        break;
    default: fprintf(out, "type 0x%02x: no text form\n", type); break;
    }
}

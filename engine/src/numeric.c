/*
 * numeric.c - float helpers and float -> integer truncations per the Wasm spec.
 */
#include "numeric.h"

#include <math.h>

/* Round half to even using only exact operations: x - floor(x) is exact for every
 * float, so this does not depend on the rounding mode. Values of magnitude >= 2^23
 * (2^52) are already integers; NaN goes through arithmetic to come out quiet. */
float aw_f32_nearest(float x)
{
    if (x != x) return x + x;
    if (!(fabsf(x) < 8388608.0f)) return x;
    float r = floorf(x);
    float d = x - r;
    if (d > 0.5f || (d == 0.5f && fmodf(r, 2.0f) != 0.0f)) r += 1.0f;
    return copysignf(r, x); /* keeps -0 for -0.5 < x <= -0 */
}

double aw_f64_nearest(double x)
{
    if (x != x) return x + x;
    if (!(fabs(x) < 4503599627370496.0)) return x;
    double r = floor(x);
    double d = x - r;
    if (d > 0.5 || (d == 0.5 && fmod(r, 2.0) != 0.0)) r += 1.0;
    return copysign(r, x);
}

/* libm may return a signalling NaN unchanged; Wasm wants an arithmetic (quiet) one. */
float aw_f32_ceil(float x)
{
    return x != x ? x + x : ceilf(x);
}

float aw_f32_floor(float x)
{
    return x != x ? x + x : floorf(x);
}

float aw_f32_trunc(float x)
{
    return x != x ? x + x : truncf(x);
}

double aw_f64_ceil(double x)
{
    return x != x ? x + x : ceil(x);
}

double aw_f64_floor(double x)
{
    return x != x ? x + x : floor(x);
}

double aw_f64_trunc(double x)
{
    return x != x ? x + x : trunc(x);
}

/* The bounds below are the first values outside each range, all exactly representable
 * as doubles; truncation toward zero stays in range strictly between them. */
aw_trap aw_trunc_i32_s(double x, int32_t *out)
{
    if (x != x) return AW_TRAP_INVALID_CONVERSION;
    if (!(x > -2147483649.0 && x < 2147483648.0)) return AW_TRAP_INT_OVERFLOW;
    *out = (int32_t)x;
    return AW_TRAP_NONE;
}

aw_trap aw_trunc_i32_u(double x, uint32_t *out)
{
    if (x != x) return AW_TRAP_INVALID_CONVERSION;
    if (!(x > -1.0 && x < 4294967296.0)) return AW_TRAP_INT_OVERFLOW;
    *out = (uint32_t)x;
    return AW_TRAP_NONE;
}

aw_trap aw_trunc_i64_s(double x, int64_t *out)
{
    if (x != x) return AW_TRAP_INVALID_CONVERSION;
    if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0)) return AW_TRAP_INT_OVERFLOW;
    *out = (int64_t)x;
    return AW_TRAP_NONE;
}

aw_trap aw_trunc_i64_u(double x, uint64_t *out)
{
    if (x != x) return AW_TRAP_INVALID_CONVERSION;
    if (!(x > -1.0 && x < 18446744073709551616.0)) return AW_TRAP_INT_OVERFLOW;
    *out = (uint64_t)x;
    return AW_TRAP_NONE;
}

int32_t aw_trunc_sat_i32_s(double x)
{
    if (x != x) return 0;
    if (x <= -2147483649.0) return INT32_MIN;
    if (x >= 2147483648.0) return INT32_MAX;
    return (int32_t)x;
}

uint32_t aw_trunc_sat_i32_u(double x)
{
    if (x != x || x <= -1.0) return 0;
    if (x >= 4294967296.0) return UINT32_MAX;
    return (uint32_t)x;
}

int64_t aw_trunc_sat_i64_s(double x)
{
    if (x != x) return 0;
    if (x < -9223372036854775808.0) return INT64_MIN;
    if (x >= 9223372036854775808.0) return INT64_MAX;
    return (int64_t)x;
}

uint64_t aw_trunc_sat_i64_u(double x)
{
    if (x != x || x <= -1.0) return 0;
    if (x >= 18446744073709551616.0) return UINT64_MAX;
    return (uint64_t)x;
}

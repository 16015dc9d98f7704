/*
 * numeric.h - WebAssembly numeric semantics that C does not give directly
 * (engine-private). Used by the interpreter; pure functions, no state.
 *
 * Why these exist: C leaves shifts by >= width, INT_MIN / -1, out-of-range float to
 * int casts and fmin/fmax of signed zeros undefined or different from Wasm, and libm's
 * rint depends on the current rounding mode. Everything here is exact per the spec.
 */
#ifndef AW_NUMERIC_H
#define AW_NUMERIC_H

#include <stdbool.h>
#include <math.h>
#include <stdint.h>

#include "akira/wasm.h"

static inline uint32_t aw_clz32(uint32_t x)
{
#ifdef __GNUC__
    return x ? (uint32_t)__builtin_clz(x) : 32;
#else
    uint32_t n = 0;
    if (!x) return 32;
    while (!(x & 0x80000000u))
        x <<= 1, n++;
    return n;
#endif
}

static inline uint64_t aw_clz64(uint64_t x)
{
#ifdef __GNUC__
    return x ? (uint64_t)__builtin_clzll(x) : 64;
#else
    return (x >> 32) ? aw_clz32((uint32_t)(x >> 32)) : 32 + aw_clz32((uint32_t)x);
#endif
}

static inline uint32_t aw_ctz32(uint32_t x)
{
#ifdef __GNUC__
    return x ? (uint32_t)__builtin_ctz(x) : 32;
#else
    uint32_t n = 0;
    if (!x) return 32;
    while (!(x & 1))
        x >>= 1, n++;
    return n;
#endif
}

static inline uint64_t aw_ctz64(uint64_t x)
{
#ifdef __GNUC__
    return x ? (uint64_t)__builtin_ctzll(x) : 64;
#else
    return (uint32_t)x ? aw_ctz32((uint32_t)x) : 32 + aw_ctz32((uint32_t)(x >> 32));
#endif
}

static inline uint32_t aw_popcnt32(uint32_t x)
{
#ifdef __GNUC__
    return (uint32_t)__builtin_popcount(x);
#else
    uint32_t n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
#endif
}

static inline uint64_t aw_popcnt64(uint64_t x)
{
    return aw_popcnt32((uint32_t)x) + aw_popcnt32((uint32_t)(x >> 32));
}

static inline uint32_t aw_rotl32(uint32_t x, uint32_t k)
{
    k &= 31;
    return (x << k) | (x >> ((32 - k) & 31));
}

static inline uint32_t aw_rotr32(uint32_t x, uint32_t k)
{
    k &= 31;
    return (x >> k) | (x << ((32 - k) & 31));
}

static inline uint64_t aw_rotl64(uint64_t x, uint64_t k)
{
    k &= 63;
    return (x << k) | (x >> ((64 - k) & 63));
}

static inline uint64_t aw_rotr64(uint64_t x, uint64_t k)
{
    k &= 63;
    return (x >> k) | (x << ((64 - k) & 63));
}

/* Arithmetic right shift without relying on implementation-defined >> of negatives. */
static inline uint32_t aw_shr_s32(uint32_t x, uint32_t k)
{
    k &= 31;
    return (x >> k) | ((x & 0x80000000u) ? ~(0xffffffffu >> k) : 0);
}

static inline uint64_t aw_shr_s64(uint64_t x, uint64_t k)
{
    k &= 63;
    return (x >> k) | ((x >> 63) ? ~(UINT64_MAX >> k) : 0);
}

/* min/max: any NaN operand gives NaN (a + b quiets it), and -0 < +0, which fmin/fmax
 * do not promise. Inline with sqrt: they sit in hot float loops. */
static inline float aw_f32_min(float a, float b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? a : b; /* equal: only the zeros' signs differ */
    return a < b ? a : b;
}

static inline float aw_f32_max(float a, float b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? b : a;
    return a > b ? a : b;
}

static inline double aw_f64_min(double a, double b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? a : b;
    return a < b ? a : b;
}

static inline double aw_f64_max(double a, double b)
{
    if (a != a || b != b) return a + b;
    if (a == b) return signbit(a) ? b : a;
    return a > b ? a : b;
}

static inline float aw_f32_sqrt(float x)
{
    return x != x ? x + x : sqrtf(x);
}

static inline double aw_f64_sqrt(double x)
{
    return x != x ? x + x : sqrt(x);
}

/* Float operations whose Wasm result differs from a plain C expression. NaN results
 * are produced by arithmetic on the NaN operand, so they come out quiet (an
 * "arithmetic NaN") as the spec requires. */
float aw_f32_nearest(float x);
double aw_f64_nearest(double x);
float aw_f32_ceil(float x);
float aw_f32_floor(float x);
float aw_f32_trunc(float x);
double aw_f64_ceil(double x);
double aw_f64_floor(double x);
double aw_f64_trunc(double x);

/* Trapping float -> integer truncation: AW_TRAP_NONE and *out, or
 * AW_TRAP_INVALID_CONVERSION (NaN) / AW_TRAP_INT_OVERFLOW (out of range). The f32
 * forms take the f32 widened to double: exact, so the same bounds apply. */
aw_trap aw_trunc_i32_s(double x, int32_t *out);
aw_trap aw_trunc_i32_u(double x, uint32_t *out);
aw_trap aw_trunc_i64_s(double x, int64_t *out);
aw_trap aw_trunc_i64_u(double x, uint64_t *out);

/* Saturating truncation (NaN -> 0, clamped to the integer range). */
int32_t aw_trunc_sat_i32_s(double x);
uint32_t aw_trunc_sat_i32_u(double x);
int64_t aw_trunc_sat_i64_s(double x);
uint64_t aw_trunc_sat_i64_u(double x);

#endif /* AW_NUMERIC_H */

/*
 * Interpreter tests on hand-assembled code: the numeric semantics of each op class
 * exactly as the Wasm spec fixes them (traps, masks, signed zeros, NaN payloads,
 * rounding), memory bounds, branches, calls and the traps of indirect calls.
 * Built twice: with computed-goto dispatch and with the switch (AW_NO_COMPUTED_GOTO).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exec_util.h"

enum { R = AW_OP_RETURN };

typedef struct result {
    aw_status st;
    aw_trap trap;
    aw_val v;
} result;

/* Run one function of hand-built code with two 64-bit parameters and one result. */
static result run(const uint32_t *w, uint32_t n, uint32_t nlocals, uint32_t frame, aw_val a,
                  aw_val b)
{
    hb h = {0};
    hb_type(&h, 0, "(II)I");
    hb_func(&h, 0, 0, w, n, nlocals, frame);
    aw_store *s = aw_store_new(NULL);
    assert_non_null(s);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, hb_module(&h), NULL, 0, &err);
    assert_non_null(inst);
    aw_val args[2] = {a, b};
    result r = {0};
    r.st = aw_call(s, hb_fn(inst, 0), args, 2, &r.v, 1, &err);
    r.trap = err.trap;
    if (r.st == AW_ERR_TRAP) assert_string_equal(err.msg, aw_trap_str(err.trap));
    aw_store_delete(s);
    return r;
}

static result bin(aw_op op, aw_val a, aw_val b)
{
    const uint32_t w[] = {op, 2, 0, 1, R, 2, 1};
    return run(w, 7, 2, 3, a, b);
}

static result un(aw_op op, aw_val a)
{
    const uint32_t w[] = {op, 2, 0, R, 2, 1};
    return run(w, 6, 2, 3, a, (aw_val){0});
}

static aw_val I32(int32_t x)
{
    aw_val v = {.u64 = 0xdeadbeef00000000u}; /* upper half is garbage for i32 */
    v.i32 = x;
    return v;
}
static aw_val I64(int64_t x)
{
    return (aw_val){.i64 = x};
}
static aw_val F32(float x)
{
    aw_val v = {.u64 = 0};
    v.f32 = x;
    return v;
}
static aw_val F32B(uint32_t bits)
{
    aw_val v = {.u64 = 0};
    v.u32 = bits;
    return v;
}
static aw_val F64(double x)
{
    return (aw_val){.f64 = x};
}

static int32_t ok32(result r)
{
    assert_int_equal(r.st, AW_OK);
    return r.v.i32;
}
static int64_t ok64(result r)
{
    assert_int_equal(r.st, AW_OK);
    return r.v.i64;
}
static void traps(result r, aw_trap t)
{
    assert_int_equal(r.st, AW_ERR_TRAP);
    assert_int_equal(r.trap, t);
}

static void test_division(void **state)
{
    (void)state;
    traps(bin(AW_OP_I32_DIV_S, I32(INT32_MIN), I32(-1)), AW_TRAP_INT_OVERFLOW);
    traps(bin(AW_OP_I32_DIV_S, I32(1), I32(0)), AW_TRAP_DIV_ZERO);
    traps(bin(AW_OP_I32_REM_U, I32(1), I32(0)), AW_TRAP_DIV_ZERO);
    assert_int_equal(ok32(bin(AW_OP_I32_REM_S, I32(INT32_MIN), I32(-1))), 0);
    assert_int_equal(ok32(bin(AW_OP_I32_REM_S, I32(-7), I32(2))), -1);
    assert_int_equal(ok32(bin(AW_OP_I32_DIV_S, I32(-7), I32(2))), -3);
    assert_int_equal((uint32_t)ok32(bin(AW_OP_I32_DIV_U, I32(-1), I32(2))), 0x7fffffffu);
    traps(bin(AW_OP_I64_DIV_S, I64(INT64_MIN), I64(-1)), AW_TRAP_INT_OVERFLOW);
    traps(bin(AW_OP_I64_REM_S, I64(5), I64(0)), AW_TRAP_DIV_ZERO);
    assert_int_equal(ok64(bin(AW_OP_I64_REM_S, I64(INT64_MIN), I64(-1))), 0);
    assert_int_equal(ok64(bin(AW_OP_I64_DIV_U, I64(-1), I64(2))), INT64_MAX);
}

static void test_shifts_and_rotations_mask_the_count(void **state)
{
    (void)state;
    assert_int_equal(ok32(bin(AW_OP_I32_SHL, I32(1), I32(33))), 2);
    assert_int_equal(ok32(bin(AW_OP_I32_SHR_S, I32(INT32_MIN), I32(31))), -1);
    assert_int_equal(ok32(bin(AW_OP_I32_SHR_U, I32(INT32_MIN), I32(63))), 1);
    assert_int_equal(ok32(bin(AW_OP_I32_ROTL, I32((int32_t)0x80000001u), I32(1))), 3);
    assert_int_equal((uint32_t)ok32(bin(AW_OP_I32_ROTR, I32(1), I32(33))), 0x80000000u);
    assert_int_equal(ok32(bin(AW_OP_I32_ROTL, I32(0x1234), I32(0))), 0x1234);
    assert_int_equal(ok64(bin(AW_OP_I64_ROTL, I64(1), I64(65))), 2);
    assert_int_equal(ok64(bin(AW_OP_I64_SHR_S, I64(INT64_MIN), I64(64))), INT64_MIN);
    assert_int_equal(ok64(bin(AW_OP_I64_SHR_S, I64(-8), I64(1))), -4);
    assert_int_equal(ok64(bin(AW_OP_I64_SHL, I64(1), I64(127))), INT64_MIN);
}

static void test_bit_counts(void **state)
{
    (void)state;
    assert_int_equal(ok32(un(AW_OP_I32_CLZ, I32(0))), 32);
    assert_int_equal(ok32(un(AW_OP_I32_CTZ, I32(0))), 32);
    assert_int_equal(ok32(un(AW_OP_I32_CLZ, I32(1))), 31);
    assert_int_equal(ok32(un(AW_OP_I32_POPCNT, I32(-1))), 32);
    assert_int_equal(ok64(un(AW_OP_I64_CLZ, I64(1))), 63);
    assert_int_equal(ok64(un(AW_OP_I64_CTZ, I64(0))), 64);
    assert_int_equal(ok64(un(AW_OP_I64_POPCNT, I64(-1))), 64);
    assert_int_equal(ok32(un(AW_OP_I32_EXTEND8_S, I32(0x80))), -128);
    assert_int_equal(ok64(un(AW_OP_I64_EXTEND32_S, I64(0xffffffffll))), -1);
    assert_int_equal(ok64(un(AW_OP_I64_EXTEND_I32_U, I32(-1))), 0xffffffffll);
    assert_int_equal(ok64(un(AW_OP_I64_EXTEND_I32_S, I32(-1))), -1);
}

static void test_min_max_order_zeros_and_propagate_nan(void **state)
{
    (void)state;
    result r = bin(AW_OP_F32_MIN, F32(0.0f), F32(-0.0f));
    assert_int_equal(r.v.u32, 0x80000000u);
    r = bin(AW_OP_F32_MAX, F32(-0.0f), F32(0.0f));
    assert_int_equal(r.v.u32, 0);
    r = bin(AW_OP_F32_MIN, F32B(0x7fa00000u), F32(1.0f)); /* signalling NaN in */
    assert_true(isnan(r.v.f32));
    assert_true(r.v.u32 & 0x00400000u); /* arithmetic (quiet) NaN out */
    r = bin(AW_OP_F64_MAX, F64(-0.0), F64(0.0));
    assert_int_equal(r.v.u64, 0);
    r = bin(AW_OP_F64_MIN, F64(0.0), F64(-0.0));
    assert_int_equal(r.v.u64, 0x8000000000000000u);
    r = bin(AW_OP_F64_MAX, F64(1.0), F64(NAN));
    assert_true(isnan(r.v.f64));
    assert_true(bin(AW_OP_F64_MIN, F64(-1.0), F64(2.0)).v.f64 == -1.0);
}

static void test_nearest_rounds_half_to_even(void **state)
{
    (void)state;
    const double in[] = {0.5, 1.5, 2.5, -1.5, -2.5, 3.7, 4503599627370497.0};
    const double out[] = {0.0, 2.0, 2.0, -2.0, -2.0, 4.0, 4503599627370497.0};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        assert_true(un(AW_OP_F64_NEAREST, F64(in[i])).v.f64 == out[i]);
        if (fabs(in[i]) < 1e7)
            assert_true(un(AW_OP_F32_NEAREST, F32((float)in[i])).v.f32 == (float)out[i]);
    }
    assert_int_equal(un(AW_OP_F64_NEAREST, F64(-0.5)).v.u64, 0x8000000000000000u);
    assert_int_equal(un(AW_OP_F32_NEAREST, F32(-0.25f)).v.u32, 0x80000000u);
    assert_true(un(AW_OP_F32_NEAREST, F32(8388609.0f)).v.f32 == 8388609.0f);
    assert_true(un(AW_OP_F32_CEIL, F32(-0.5f)).v.u32 == 0x80000000u);
    assert_true(un(AW_OP_F64_FLOOR, F64(-0.5)).v.f64 == -1.0);
    assert_true(un(AW_OP_F64_TRUNC, F64(-1.7)).v.f64 == -1.0);
    assert_true(un(AW_OP_F64_SQRT, F64(2.25)).v.f64 == 1.5);
}

static void test_truncation_traps_at_the_exact_boundaries(void **state)
{
    (void)state;
    assert_int_equal(ok32(un(AW_OP_I32_TRUNC_F64_S, F64(2147483647.9))), INT32_MAX);
    traps(un(AW_OP_I32_TRUNC_F64_S, F64(2147483648.0)), AW_TRAP_INT_OVERFLOW);
    assert_int_equal(ok32(un(AW_OP_I32_TRUNC_F64_S, F64(-2147483648.9))), INT32_MIN);
    traps(un(AW_OP_I32_TRUNC_F64_S, F64(-2147483649.0)), AW_TRAP_INT_OVERFLOW);
    traps(un(AW_OP_I32_TRUNC_F64_S, F64(NAN)), AW_TRAP_INVALID_CONVERSION);
    traps(un(AW_OP_I32_TRUNC_F32_U, F32(NAN)), AW_TRAP_INVALID_CONVERSION);
    assert_int_equal(ok32(un(AW_OP_I32_TRUNC_F64_U, F64(-0.9))), 0);
    traps(un(AW_OP_I32_TRUNC_F64_U, F64(-1.0)), AW_TRAP_INT_OVERFLOW);
    traps(un(AW_OP_I32_TRUNC_F32_U, F32(4294967296.0f)), AW_TRAP_INT_OVERFLOW);
    assert_int_equal(ok64(un(AW_OP_I64_TRUNC_F32_S, F32(-9223372036854775808.0f))), INT64_MIN);
    traps(un(AW_OP_I64_TRUNC_F32_S, F32(9223372036854775808.0f)), AW_TRAP_INT_OVERFLOW);
    traps(un(AW_OP_I64_TRUNC_F64_U, F64(18446744073709551616.0)), AW_TRAP_INT_OVERFLOW);
    assert_int_equal((uint64_t)ok64(un(AW_OP_I64_TRUNC_F64_U, F64(18446744073709549568.0))),
                     18446744073709549568u);
}

static void test_saturating_truncation(void **state)
{
    (void)state;
    assert_int_equal(ok32(un(AW_OP_I32_TRUNC_SAT_F64_S, F64(NAN))), 0);
    assert_int_equal(ok32(un(AW_OP_I32_TRUNC_SAT_F64_S, F64(1e10))), INT32_MAX);
    assert_int_equal(ok32(un(AW_OP_I32_TRUNC_SAT_F32_S, F32(-1e10f))), INT32_MIN);
    assert_int_equal(ok32(un(AW_OP_I32_TRUNC_SAT_F32_U, F32(-5.0f))), 0);
    assert_int_equal((uint32_t)ok32(un(AW_OP_I32_TRUNC_SAT_F64_U, F64(5e9))), UINT32_MAX);
    assert_int_equal((uint64_t)ok64(un(AW_OP_I64_TRUNC_SAT_F64_U, F64(1e20))), UINT64_MAX);
    assert_int_equal(ok64(un(AW_OP_I64_TRUNC_SAT_F32_S, F32(-1e30f))), INT64_MIN);
    assert_int_equal(ok64(un(AW_OP_I64_TRUNC_SAT_F64_S, F64(-3.9))), -3);
}

static void test_u64_to_f32_rounds_once(void **state)
{
    (void)state;
    /* 2^53 + 2^29 + 1: just above half an f32 ulp, so it rounds up. Going through
     * f64 first would round twice and land on 2^53. */
    aw_val v = I64(0x0020000020000001ll);
    assert_int_equal(un(AW_OP_F32_CONVERT_I64_U, v).v.u32, 0x5a000001u);
    assert_int_equal(un(AW_OP_F32_CONVERT_I64_S, v).v.u32, 0x5a000001u);
    assert_true(un(AW_OP_F32_CONVERT_I64_U, I64(-1)).v.f32 == 18446744073709551616.0f);
    assert_true(un(AW_OP_F64_CONVERT_I64_U, I64(-1)).v.f64 == 18446744073709551616.0);
    assert_true(un(AW_OP_F64_CONVERT_I32_U, I32(-1)).v.f64 == 4294967295.0);
    assert_true(un(AW_OP_F32_CONVERT_I32_S, I32(-3)).v.f32 == -3.0f);
}

static void test_sign_ops_are_bit_operations(void **state)
{
    (void)state;
    assert_int_equal(un(AW_OP_F32_NEG, F32B(0x7fa00001u)).v.u32, 0xffa00001u);
    assert_int_equal(un(AW_OP_F32_ABS, F32B(0xffa00001u)).v.u32, 0x7fa00001u);
    assert_int_equal(un(AW_OP_F64_NEG, I64(0x7ff4000000000001ll)).v.u64, 0xfff4000000000001u);
    assert_int_equal(bin(AW_OP_F32_COPYSIGN, F32B(0x7fa00001u), F32(-1.0f)).v.u32, 0xffa00001u);
    assert_int_equal(bin(AW_OP_F64_COPYSIGN, F64(-2.0), F64(0.0)).v.u64, 0x4000000000000000u);
}

static void test_comparisons_with_nan_are_false(void **state)
{
    (void)state;
    assert_int_equal(ok32(bin(AW_OP_F64_EQ, F64(NAN), F64(NAN))), 0);
    assert_int_equal(ok32(bin(AW_OP_F64_NE, F64(NAN), F64(NAN))), 1);
    assert_int_equal(ok32(bin(AW_OP_F32_LT, F32(NAN), F32(1.0f))), 0);
    assert_int_equal(ok32(bin(AW_OP_F32_GE, F32(1.0f), F32(NAN))), 0);
    assert_int_equal(ok32(bin(AW_OP_F32_EQ, F32(0.0f), F32(-0.0f))), 1);
    assert_int_equal(ok32(bin(AW_OP_I32_LT_S, I32(-1), I32(0))), 1);
    assert_int_equal(ok32(bin(AW_OP_I32_LT_U, I32(-1), I32(0))), 0);
    assert_int_equal(ok32(bin(AW_OP_I64_GE_U, I64(-1), I64(0))), 1);
    assert_int_equal(ok32(un(AW_OP_I64_EQZ, I64(1ll << 40))), 0);
}

/* [store i32 b at a, offset 1] then [load8_u / load at a + 1]: little-endian, unaligned,
 * bounds computed in 64 bits. */
static void test_memory_little_endian_and_bounds(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t w[] = {
        AW_OP_I32_STORE, 0, 1, 1,    /* mem[a+1] = b */
        AW_OP_I32_LOAD8_U, 2, 0, 1,  /* s2 = mem8[a+1] */
        AW_OP_I64_LOAD16_S, 3, 0, 3, /* s3 = sext(mem16[a+3]) */
        AW_OP_I64_ADD, 2, 2, 3,      /* s2 = s2 + s3 (64-bit) */
        R, 2, 1};
    // clang-format on
    result r = run(w, sizeof w / 4, 2, 4, I32(1), I32(0x80113344));
    assert_int_equal(r.st, AW_OK);
    assert_int_equal(r.v.i64, 0x44 + (int16_t)0x8011);
    /* last four bytes of the 64 KiB page: a + 1 = 65532 fits, 65533 does not */
    assert_int_equal(run(w, sizeof w / 4, 2, 4, I32(65531), I32(7)).st, AW_OK);
    const uint32_t st[] = {AW_OP_I32_STORE, 0, 1, 1, R, 0, 1};
    assert_int_equal(run(st, 7, 2, 2, I32(65531), I32(7)).st, AW_OK);
    traps(run(st, 7, 2, 2, I32(65532), I32(7)), AW_TRAP_MEMORY_OOB);
    traps(run(w, sizeof w / 4, 2, 4, I32(65532), I32(7)), AW_TRAP_MEMORY_OOB);
    /* address + offset past 4 GiB must not wrap to a small address */
    const uint32_t wrap[] = {AW_OP_I32_LOAD, 2, 0, 0xffffffffu, R, 2, 1};
    traps(run(wrap, 7, 2, 3, I32(1), I32(0)), AW_TRAP_MEMORY_OOB);
}

/* memory.grow and memory.size, and the declared maximum of 2 pages. */
static void test_memory_grow(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t w[] = {
        AW_OP_MEMORY_GROW, 2, 0,          /* s2 = grow(s0) */
        AW_OP_MEMORY_SIZE, 3,             /* s3 = pages */
        AW_OP_I32_STORE8, 1, 1, 65536,    /* into the new page */
        AW_OP_I32_LOAD8_U, 1, 1, 65536,
        AW_OP_I32_ADD, 2, 2, 3,
        R, 2, 1};
    // clang-format on
    result r = run(w, sizeof w / 4, 2, 4, I32(1), I32(9));
    assert_int_equal(ok32(r), 1 + 2); /* old size 1, new size 2 */
    const uint32_t w2[] = {AW_OP_MEMORY_GROW, 2, 0, R, 2, 1};
    assert_int_equal(ok32(run(w2, 6, 2, 3, I32(2), I32(0))), -1); /* past the maximum */
    assert_int_equal(ok32(run(w2, 6, 2, 3, I32(0), I32(0))), 1);
}

/* sum = 0; do { sum += n; n--; } while (n); with BR_IF_BACK, and BR_TABLE clamping. */
static void test_loop_and_br_table(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t loop[] = {
        AW_OP_CONST32, 3, 1,    /* 0: s3 = 1 */
        AW_OP_I32_ADD, 2, 2, 0, /* 3: sum += n */
        AW_OP_I32_SUB, 0, 0, 3, /* 7: n -= 1 */
        AW_OP_BR_IF_BACK, 0, 3, /* 11: loop while n */
        R, 2, 1};
    // clang-format on
    assert_int_equal(ok32(run(loop, sizeof loop / 4, 3, 4, I32(100), I32(0))), 5050);
    /* targets: idx 0 -> 9, idx 1 -> 15, default -> 21 */
    // clang-format off
    const uint32_t bt[] = {
        AW_OP_BR_TABLE, 0, 2, 9, 15, 21,
        AW_OP_UNREACHABLE, AW_OP_UNREACHABLE, AW_OP_UNREACHABLE,
        AW_OP_CONST32, 2, 10, R, 2, 1, /* 9 */
        AW_OP_CONST32, 2, 11, R, 2, 1, /* 15 */
        AW_OP_CONST32, 2, 12, R, 2, 1, /* 21 */
    };
    // clang-format on
    assert_int_equal(ok32(run(bt, sizeof bt / 4, 2, 3, I32(0), I32(0))), 10);
    assert_int_equal(ok32(run(bt, sizeof bt / 4, 2, 3, I32(1), I32(0))), 11);
    assert_int_equal(ok32(run(bt, sizeof bt / 4, 2, 3, I32(2), I32(0))), 12);
    assert_int_equal(ok32(run(bt, sizeof bt / 4, 2, 3, I32(-1), I32(0))), 12);
    const uint32_t sel[] = {AW_OP_SELECT, 2, 0, 1, 1, R, 2, 1};
    assert_int_equal(ok64(run(sel, 8, 2, 3, I64(5), I64(1))), 5);
    /* the condition is the i32 in the low half: 1 << 32 is false */
    assert_int_equal(ok64(run(sel, 8, 2, 3, I64(5), I64(1ll << 32))), 1ll << 32);
}

/* fac(n) = n < 2 ? 1 : n * fac(n - 1), recursive through CALL; frame: n, tmp, cond,
 * and the callee's argument slot 3. */
static void test_recursive_calls(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t code[] = {
        AW_OP_CONST64, 1, 2, 0,     /* 0: s1 = 2 */
        AW_OP_I64_LT_S, 2, 0, 1,    /* 4: s2 = n < 2 */
        AW_OP_BR_UNLESS, 2, 17,     /* 8 */
        AW_OP_CONST64, 0, 1, 0,     /* 11: s0 = 1 */
        AW_OP_BR, 32,               /* 15 */
        AW_OP_CONST64, 1, 1, 0,     /* 17: s1 = 1 */
        AW_OP_I64_SUB, 3, 0, 1,     /* 21: s3 = n - 1, the callee's argument slot */
        AW_OP_CALL, 0, 3,           /* 25: s3 = fac(s3) */
        AW_OP_I64_MUL, 0, 0, 3,     /* 28: s0 = n * s3 */
        R, 0, 1};                   /* 32 */
    // clang-format on
    hb h = {0};
    hb_type(&h, 0, "(I)I");
    hb_func(&h, 0, 0, code, sizeof code / 4, 1, 4);
    aw_store *s = aw_store_new(NULL);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, hb_module(&h), NULL, 0, &err);
    assert_non_null(inst);
    aw_val a = I64(20), r;
    assert_int_equal(aw_call(s, hb_fn(inst, 0), &a, 1, &r, 1, &err), AW_OK);
    assert_int_equal(r.i64, 2432902008176640000ll);
    uint32_t slots, depth;
    aw_store_stack_peak(s, &slots, &depth);
    assert_int_equal(depth, 20);      /* 19 nested calls + the entry sentinel */
    assert_true(slots >= 19 * 3 + 4); /* each frame starts 3 slots up */
    /* argument count checked */
    assert_int_equal(aw_call(s, hb_fn(inst, 0), NULL, 0, &r, 1, &err), AW_ERR_ARGS);
    aw_store_delete(s);
}

/* f(n) = f(n + 1) forever: the call depth limit traps and the store stays usable. */
static void test_call_depth_exhaustion(void **state)
{
    (void)state;
    const uint32_t w[] = {AW_OP_CALL, 0, 0, R, 0, 1};
    hb h = {0};
    hb_type(&h, 0, "(I)I");
    hb_func(&h, 0, 0, w, 6, 1, 1);
    aw_config cfg = {.max_call_depth = 500};
    aw_store *s = aw_store_new(&cfg);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, hb_module(&h), NULL, 0, &err);
    aw_val a = I64(0), r;
    assert_int_equal(aw_call(s, hb_fn(inst, 0), &a, 1, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_STACK_EXHAUSTED);
    assert_string_equal(err.msg, "call stack exhausted");
    uint32_t depth;
    aw_store_stack_peak(s, NULL, &depth);
    assert_int_equal(depth, 500);
    /* value stack exhaustion: each call 999 slots up, in a 4000-slot stack */
    const uint32_t up[] = {AW_OP_CALL, 0, 999, R, 0, 1};
    hb h2 = {0};
    hb_type(&h2, 0, "(I)I");
    hb_func(&h2, 0, 0, up, 6, 1, 1000);
    aw_config cfg2 = {.stack_slots = 4000};
    aw_store *s2 = aw_store_new(&cfg2);
    inst = aw_instantiate(s2, hb_module(&h2), NULL, 0, &err);
    assert_int_equal(aw_call(s2, hb_fn(inst, 0), &a, 1, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_STACK_EXHAUSTED);
    aw_store_stack_peak(s2, NULL, &depth);
    assert_true(depth < 10);
    aw_store_delete(s2);
    /* the first store still runs code after its trap */
    const uint32_t ok[] = {R, 0, 1};
    hb h3 = {0};
    hb_type(&h3, 0, "(I)I");
    hb_func(&h3, 0, 0, ok, 3, 1, 1);
    inst = aw_instantiate(s, hb_module(&h3), NULL, 0, &err);
    a = I64(77);
    assert_int_equal(aw_call(s, hb_fn(inst, 0), &a, 1, &r, 1, &err), AW_OK);
    assert_int_equal(r.i64, 77);
    aw_store_delete(s);
}

/* call_indirect through table 0: f1 is (I)I, f2 is ()I. */
static void test_call_indirect_traps(void **state)
{
    (void)state;
    const uint32_t caller[] = {AW_OP_COPY, 2, 0, AW_OP_CALL_INDIRECT, 0, 0, 1, 2, R, 2, 1};
    const uint32_t f1[] = {AW_OP_I64_ADD, 0, 0, 0, R, 0, 1};
    const uint32_t f2[] = {AW_OP_CONST64, 0, 5, 0, R, 0, 1};
    hb h = {0};
    hb_type(&h, 0, "(I)I");
    hb_type(&h, 1, "(II)I");
    hb_type(&h, 2, "()I");
    hb_func(&h, 0, 1, caller, 11, 2, 3); /* (arg, index) */
    hb_func(&h, 1, 0, f1, 7, 1, 1);
    hb_func(&h, 2, 2, f2, 7, 0, 1);
    aw_store *s = aw_store_new(NULL);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, hb_module(&h), NULL, 0, &err);
    aw_table *t = inst->tables[0];
    assert_true(aw_table_set(t, 0, (aw_val){.ref = hb_fn(inst, 1)}));
    assert_true(aw_table_set(t, 1, (aw_val){.ref = hb_fn(inst, 2)}));
    aw_val args[2] = {I64(21), I64(0)}, r;
    assert_int_equal(aw_call(s, hb_fn(inst, 0), args, 2, &r, 1, &err), AW_OK);
    assert_int_equal(r.i64, 42);
    args[1] = I64(1);
    assert_int_equal(aw_call(s, hb_fn(inst, 0), args, 2, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_INDIRECT_TYPE);
    args[1] = I64(2);
    assert_int_equal(aw_call(s, hb_fn(inst, 0), args, 2, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_UNINITIALIZED);
    args[1] = I64(4);
    assert_int_equal(aw_call(s, hb_fn(inst, 0), args, 2, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_UNDEFINED_ELEMENT);
    assert_string_equal(err.msg, "undefined element");
    aw_store_delete(s);
}

/* table.grow / fill / get / size and the out-of-bounds table trap. */
static void test_table_ops(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t w[] = {
        AW_OP_REF_FUNC, 2, 0,         /* s2 = ref to f0 */
        AW_OP_TABLE_GROW, 3, 0, 2, 0, /* s3 = grow(table0, init s2, n = s0) */
        AW_OP_TABLE_FILL, 0, 1, 2, 0, /* fill(table0, at s1, s2, n = s0) */
        AW_OP_TABLE_GET, 2, 0, 1,     /* s2 = table0[s1] */
        AW_OP_REF_IS_NULL, 2, 2,      /* s2 = s2 == null */
        AW_OP_TABLE_SIZE, 1, 0,       /* s1 = size */
        AW_OP_I32_ADD, 2, 2, 3,
        AW_OP_I32_ADD, 2, 2, 1,
        R, 2, 1};
    // clang-format on
    /* table has max 4: growing by 0 returns 4; fill 0 at 1; get [1] is null -> 1 */
    assert_int_equal(ok32(run(w, sizeof w / 4, 2, 4, I32(0), I32(1))), 1 + 4 + 4);
    traps(run(w, sizeof w / 4, 2, 4, I32(0), I32(4)), AW_TRAP_TABLE_OOB);
    /* growing past the maximum gives -1, and fill of 1 at 3 is then in bounds */
    assert_int_equal(ok32(run(w, sizeof w / 4, 2, 4, I32(1), I32(3))), 0 + -1 + 4);
}

/* global.get/set: the global keeps its value between calls of the same instance. */
static void test_globals(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t w[] = {
        AW_OP_GLOBAL_GET, 2, 0,  /* s2 = g0 */
        AW_OP_I64_ADD, 3, 2, 0,  /* s3 = g0 + a */
        AW_OP_GLOBAL_SET, 0, 3,  /* g0 = s3 */
        R, 2, 1};                /* the old value */
    // clang-format on
    hb h = {0};
    hb_type(&h, 0, "(II)I");
    hb_func(&h, 0, 0, w, sizeof w / 4, 2, 4);
    aw_store *s = aw_store_new(NULL);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, hb_module(&h), NULL, 0, &err);
    assert_non_null(inst);
    aw_val args[2] = {I64(2), I64(0)}, r;
    assert_int_equal(aw_call(s, hb_fn(inst, 0), args, 2, &r, 1, &err), AW_OK);
    assert_int_equal(r.i64, 40);
    assert_int_equal(aw_call(s, hb_fn(inst, 0), args, 2, &r, 1, &err), AW_OK);
    assert_int_equal(r.i64, 42);
    aw_store_delete(s);
}

/* memory.fill then an overlapping memory.copy, read back as one i64; bounds traps. */
static void test_memory_fill_and_copy(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t w[] = {
        AW_OP_CONST32, 2, 10,              /* s2 = 10 */
        AW_OP_CONST32, 3, 12,              /* s3 = 12 */
        AW_OP_MEMORY_FILL, 2, 0, 1,        /* fill(10, a, n = b) */
        AW_OP_CONST32, 0, 3,               /* s0 = 3 */
        AW_OP_MEMORY_COPY, 3, 2, 0,        /* copy(12 <- 10, 3): overlapping */
        AW_OP_CONST32, 2, 8,
        AW_OP_I64_LOAD, 2, 2, 0,           /* s2 = mem64[8] */
        R, 2, 1};
    // clang-format on
    result r = run(w, sizeof w / 4, 2, 4, I32(0xab), I32(2));
    /* fill 10-11; copy 10-12 (ab ab 00) to 12-14: bytes 8..15 = 00 00 ab ab ab ab 00 00 */
    assert_int_equal(ok64(r), 0x0000abababab0000ll);
    const uint32_t fill[] = {AW_OP_MEMORY_FILL, 0, 0, 1, R, 0, 1};
    traps(run(fill, 7, 2, 2, I32(65535), I32(2)), AW_TRAP_MEMORY_OOB);
    assert_int_equal(run(fill, 7, 2, 2, I32(65536), I32(0)).st, AW_OK); /* empty, at the end */
    traps(run(fill, 7, 2, 2, I32(65537), I32(0)), AW_TRAP_MEMORY_OOB);
    const uint32_t copy[] = {AW_OP_MEMORY_COPY, 0, 1, 1, R, 0, 1};
    traps(run(copy, 7, 2, 2, I32(0), I32(65535)), AW_TRAP_MEMORY_OOB); /* source 65535 + 65535 */
}

/* Pairs (code.h AW_PAIRS): every one does X and then Y, a trap in Y comes after X's
 * effect, and a branch to Y runs Y alone. Words of Y follow X's as in single code. */
static void test_pairs_do_both_halves(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t mem[] = {
        AW_OP_I32_STORE_COPY, 0, 1, 0, AW_OP_COPY, 2, 0,              /* mem[a] = b; s2 = a */
        AW_OP_I32_LOAD_I32_STORE, 3, 2, 0, AW_OP_I32_STORE, 2, 3, 4,  /* mem[a + 4] = mem[a] */
        AW_OP_I32_LOAD_I32_LOAD8_U, 3, 2, 4, AW_OP_I32_LOAD8_U, 4, 2, 5,
        AW_OP_I32_MUL_I32_ADD, 3, 3, 1, AW_OP_I32_ADD, 3, 3, 4,       /* b * b + byte 1 of b */
        R, 3, 1};
    // clang-format on
    assert_int_equal(ok32(run(mem, sizeof mem / 4, 5, 5, I32(0), I32(0x1234))),
                     0x1234 * 0x1234 + 0x12);
    /* the store of the second pair is past the end; its load was not */
    traps(run(mem, sizeof mem / 4, 5, 5, I32(65529), I32(1)), AW_TRAP_MEMORY_OOB);
    // clang-format off
    const uint32_t loop[] = {
        AW_OP_CONST32_COPY, 2, 0, AW_OP_COPY, 3, 2,                       /* 0: s2 = s3 = 0 */
        AW_OP_I32_ADD_I_I32_ADD_I, 2, 2, 1, AW_OP_I32_ADD_I, 3, 3, 3,    /* 6: s2++, 10: s3 += 3 */
        AW_OP_I32_ADD_I, 0, 0, (uint32_t)-1,                              /* 14: n-- */
        AW_OP_COPY_BR_IF_BACK, 4, 0, AW_OP_BR_IF_BACK, 4, 10,             /* 18: back to the Y */
        AW_OP_I32_ADD_I32_ADD_I, 2, 2, 3, AW_OP_I32_ADD_I, 2, 2, 100,     /* s2 + s3 + 100 */
        R, 2, 1};
    // clang-format on
    assert_int_equal(ok32(run(loop, sizeof loop / 4, 5, 5, I32(10), I32(0))), 1 + 30 + 100);
    // clang-format off
    const uint32_t cmp[] = {
        AW_OP_I32_XOR_I32_AND_I, 2, 0, 1, AW_OP_I32_AND_I, 2, 2, 0xff,          /* 0 */
        AW_OP_I32_AND_I_BR_I32_EQ_I, 3, 0, 0xf0, AW_OP_BR_I32_EQ_I, 3, 0x30, 27, /* 8 */
        AW_OP_COPY_BR_I32_NE_I, 4, 1, AW_OP_BR_I32_NE_I, 4, 7, 27,              /* 16 */
        AW_OP_I32_ADD_I, 2, 2, 1000,                                            /* 23 */
        R, 2, 1};                                                               /* 27 */
    // clang-format on
    assert_int_equal(ok32(run(cmp, sizeof cmp / 4, 5, 5, I32(0x35), I32(7))), 0x32);
    assert_int_equal(ok32(run(cmp, sizeof cmp / 4, 5, 5, I32(0x15), I32(7))), 0x12 + 1000);
    assert_int_equal(ok32(run(cmp, sizeof cmp / 4, 5, 5, I32(0x15), I32(8))), 0x1d);
    // clang-format off
    const uint32_t bytes[] = {
        AW_OP_I32_STORE, 0, 1, 0,                                                  /* 0 */
        AW_OP_I32_ADD_I_I32_LOAD8_U, 2, 0, 0, AW_OP_I32_LOAD8_U, 3, 2, 1,          /* 4 */
        AW_OP_COPY_I32_LOAD, 4, 0, AW_OP_I32_LOAD, 4, 4, 0,                        /* 12 */
        AW_OP_I32_LOAD8_U_BR_I32_EQ_I, 2, 0, 0, AW_OP_BR_I32_EQ_I, 2, 0x44, 31,    /* 19 */
        AW_OP_I32_ADD_I, 3, 3, 1000,                                               /* 27 */
        AW_OP_I32_ADD, 3, 3, 4,                                                    /* 31 */
        R, 3, 1};
    // clang-format on
    assert_int_equal(ok32(run(bytes, sizeof bytes / 4, 5, 5, I32(0), I32(0x11223344))),
                     0x33 + 0x11223344);
    assert_int_equal(ok32(run(bytes, sizeof bytes / 4, 5, 5, I32(0), I32(0x11223345))),
                     0x33 + 1000 + 0x11223345);
    /* a list walk: mem[8] = 16, mem[16] = 0 */
    // clang-format off
    const uint32_t walk[] = {
        AW_OP_I32_STORE, 0, 1, 0,                                     /* 0 */
        AW_OP_I32_ADD_I, 2, 2, 1,                                     /* 4: count++ */
        AW_OP_I32_LOAD_BR_IF_BACK, 0, 0, 0, AW_OP_BR_IF_BACK, 0, 4,   /* 8: p = *p while p */
        R, 2, 1};
    // clang-format on
    assert_int_equal(ok32(run(walk, sizeof walk / 4, 5, 5, I32(8), I32(16))), 2);
    traps(run(walk, sizeof walk / 4, 5, 5, I32(8), I32(65533)), AW_TRAP_MEMORY_OOB);
}

/* The second round of pairs (bit fields, CRC steps, returns, f64 multiply-add). */
static void test_more_pairs_do_both_halves(void **state)
{
    (void)state;
    // clang-format off
    const uint32_t bits[] = {
        AW_OP_I32_ADD_I_I32_AND_I, 2, 0, 1, AW_OP_I32_AND_I, 3, 2, 0xff,          /* 0 */
        AW_OP_I32_XOR_I_I32_SHR_U_I, 4, 1, 0xf0, AW_OP_I32_SHR_U_I, 4, 4, 4,      /* 8 */
        AW_OP_I32_SHL_I_I32_ADD, 5, 3, 2, AW_OP_I32_ADD, 5, 5, 4,                 /* 16 */
        AW_OP_I32_SHR_U_AND_I_I32_XOR_I, 6, 0, 8, 0xff, AW_OP_I32_XOR_I, 6, 6, 0x55, /* 24 */
        AW_OP_SELECT_I32_SHR_U_AND_I, 7, 5, 6, 1, AW_OP_I32_SHR_U_AND_I, 7, 7, 1, 0xffff, /* 33 */
        AW_OP_I32_AND_I_BR_I32_EQ, 2, 0, 3, AW_OP_BR_I32_EQ, 2, 1, 55,            /* 43 */
        AW_OP_I32_ADD_I, 7, 7, 1000,                                              /* 51 */
        AW_OP_I32_XOR_RETURN, 7, 7, 5, R, 7, 1};                                  /* 55 */
    // clang-format on
    assert_int_equal(ok32(run(bits, sizeof bits / 4, 8, 8, I32(0x1234), I32(3))), 1210);
    assert_int_equal(ok32(run(bits, sizeof bits / 4, 8, 8, I32(0x1237), I32(3))), 152);
    assert_int_equal(ok32(run(bits, sizeof bits / 4, 8, 8, I32(0x1234), I32(0))), 192);
    // clang-format off
    const uint32_t mem[] = {
        AW_OP_I32_ADD_I_I32_STORE, 2, 0, 4, AW_OP_I32_STORE, 2, 1, 0,             /* mem[a + 4] = b */
        AW_OP_I32_LOAD_I32_ADD_I, 3, 2, 0, AW_OP_I32_ADD_I, 3, 3, 7,              /* b + 7 */
        AW_OP_I32_LOAD16_U_I32_LOAD16_U, 4, 2, 0, AW_OP_I32_LOAD16_U, 5, 2, 2,
        AW_OP_I32_LOAD16_U_I32_MUL, 6, 2, 0, AW_OP_I32_MUL, 6, 6, 5,              /* lo * hi */
        AW_OP_I32_ADD_RETURN, 6, 6, 3, R, 6, 1};
    // clang-format on
    assert_int_equal(ok32(run(mem, sizeof mem / 4, 7, 7, I32(100), I32(0x00050007))),
                     7 * 5 + 0x00050007 + 7);
    /* the store of the first pair is past the end, after its add */
    traps(run(mem, sizeof mem / 4, 7, 7, I32(65530), I32(1)), AW_TRAP_MEMORY_OOB);
    const uint32_t fma[] = {AW_OP_F64_MUL_F64_ADD,
                            2,
                            0,
                            1,
                            AW_OP_F64_ADD,
                            2,
                            2,
                            0,
                            AW_OP_F64_ADD_F64_MUL,
                            3,
                            2,
                            1,
                            AW_OP_F64_MUL,
                            3,
                            3,
                            0,
                            R,
                            3,
                            1};
    /* b[i] = (a[i] ^ k) + i as memops compiles it: s0 = i, s1 = k, a at 16, b at 32 */
    // clang-format off
    const uint32_t bytes[] = {
        AW_OP_I32_STORE8, 0, 1, 17,                                                /* a[1] = k */
        AW_OP_I32_ADD_I_I32_LOAD8_U_I, 2, 0, 1, AW_OP_I32_LOAD8_U_I, 3, 2, 16, 0,  /* a[i + 1] */
        AW_OP_I32_LOAD8_U_I_I32_XOR, 4, 0, 0, 16, AW_OP_I32_XOR, 4, 4, 3,          /* a[i] ^ a[i+1] */
        AW_OP_I32_XOR_I32_ADD_ADD_I, 5, 4, 1, AW_OP_I32_ADD_ADD_I, 5, 5, 0, 1,     /* ^ k, + i + 1 */
        AW_OP_I32_ADD_ADD_I_I32_STORE8, 6, 5, 2, 0, AW_OP_I32_STORE8, 0, 6, 32,    /* + (i + 1) into b[i] */
        AW_OP_I32_STORE8_I32_ADD_I, 0, 6, 33, AW_OP_I32_ADD_I, 7, 6, 0x100,        /* b[i + 1] = */
        AW_OP_I32_LOAD16_U, 7, 0, 32,                                              /* b[i..i+1] */
        R, 7, 1};
    // clang-format on
    /* i = 0, k = 0x5a: a[1] = 0x5a, a[0] = 0: (0 ^ 0x5a) ^ 0x5a = 0, + i + 1 = 1, + (i + 1)
     * = 2 into b[0] and b[1] */
    assert_int_equal(ok32(run(bytes, sizeof bytes / 4, 8, 8, I32(0), I32(0x5a))), 0x0202);
    /* a store as the first of a pair: in bounds at the last byte, a trap one past it */
    const uint32_t st8[] = {AW_OP_I32_STORE8_I32_ADD_I, 0, 1, 0, AW_OP_I32_ADD_I, 2, 1, 5, R, 2, 1};
    assert_int_equal(ok32(run(st8, sizeof st8 / 4, 3, 3, I32(65535), I32(1))), 6);
    traps(run(st8, sizeof st8 / 4, 3, 3, I32(65536), I32(1)), AW_TRAP_MEMORY_OOB);
    result r;
    /* nbody's f64 steps: products, differences, stores and loads through memory */
    // clang-format off
    const uint32_t body[] = {
        AW_OP_CONST32, 2, 64,                                                /* 0: s2 = 64 */
        AW_OP_F64_MUL_F64_MUL, 3, 0, 1, AW_OP_F64_MUL, 4, 3, 0,              /* 3: ab, aba */
        AW_OP_F64_MUL_F64_SUB, 5, 0, 0, AW_OP_F64_SUB, 5, 5, 1,              /* 11: aa - b */
        AW_OP_F64_SUB_I64_STORE, 6, 5, 1, AW_OP_I64_STORE, 2, 6, 0,          /* 19: [64] */
        AW_OP_F64_ADD_I64_STORE, 7, 4, 5, AW_OP_I64_STORE, 2, 7, 8,          /* 27: [72] */
        AW_OP_I64_LOAD_F64_ADD, 8, 2, 0, AW_OP_F64_ADD, 8, 8, 7,             /* 35 */
        AW_OP_F64_MUL_I64_LOAD, 9, 8, 0, AW_OP_I64_LOAD, 3, 2, 8,            /* 43 */
        AW_OP_I32_ADD_I_F64_MUL, 2, 2, 1, AW_OP_F64_MUL, 9, 9, 3,            /* 51: s2 = 65 */
        AW_OP_I64_STORE_I32_ADD_I, 2, 9, 7, AW_OP_I32_ADD_I, 2, 2, 0,        /* 59: [72] */
        AW_OP_I64_LOAD, 9, 2, 7, R, 9, 1};
    // clang-format on
    /* a = 1.5, b = 2: [64] = 0.25 - 2, [72] = 4.5 + 0.25; (-1.75 + 4.75) * 1.5 * 4.75 */
    r = run(body, sizeof body / 4, 10, 10, F64(1.5), F64(2.0));
    assert_int_equal(r.st, AW_OK);
    assert_true(r.v.f64 == 21.375);
    /* the loops workload's Collatz step: x even ? x >> 1 : (3x + 1) & 0xffffffff, then
     * a xorshift step of the result */
    // clang-format off
    const uint32_t collatz[] = {
        AW_OP_I64_AND_I_I64_EQZ, 2, 0, 1, 0, AW_OP_I64_EQZ, 3, 2,                     /* 0 */
        AW_OP_I64_SHR_U_I_I64_MUL_I, 4, 0, 1, 0, AW_OP_I64_MUL_I, 5, 0, 3, 0,         /* 8 */
        AW_OP_I64_ADD_I_I64_AND_I, 5, 5, 1, 0, AW_OP_I64_AND_I, 6, 5, 0xffffffffu, 0, /* 18 */
        AW_OP_I64_EQZ_SELECT, 7, 1, AW_OP_SELECT, 8, 4, 6, 3,                         /* 28 */
        AW_OP_I32_SHL_I_I32_XOR, 9, 8, 3, AW_OP_I32_XOR, 9, 9, 8,                     /* 36 */
        AW_OP_I64_EXTEND_I32_U, 10, 9, R, 10, 1};
    // clang-format on
    assert_int_equal(ok64(run(collatz, sizeof collatz / 4, 11, 11, I64(6), I64(0))), 27);
    assert_int_equal(ok64(run(collatz, sizeof collatz / 4, 11, 11, I64(7), I64(0))), 166);
    /* a > b ? a - b : b - a */
    const uint32_t dist[] = {AW_OP_I32_SUB_I32_SUB,
                             2,
                             0,
                             1,
                             AW_OP_I32_SUB,
                             3,
                             1,
                             0,
                             AW_OP_I32_GT_U_SELECT,
                             4,
                             0,
                             1,
                             AW_OP_SELECT,
                             5,
                             2,
                             3,
                             4,
                             R,
                             5,
                             1};
    assert_int_equal(ok32(run(dist, sizeof dist / 4, 6, 6, I32(9), I32(4))), 5);
    assert_int_equal(ok32(run(dist, sizeof dist / 4, 6, 6, I32(4), I32(9))), 5);
    assert_int_equal(ok32(run(dist, sizeof dist / 4, 6, 6, I32(-1), I32(1))), -2);
    r = run(fma, sizeof fma / 4, 4, 4, F64(1.5), F64(2.0));
    assert_int_equal(r.st, AW_OK);
    assert_true(r.v.f64 == (1.5 * 2.0 + 1.5 + 2.0) * 1.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_division),
        cmocka_unit_test(test_shifts_and_rotations_mask_the_count),
        cmocka_unit_test(test_bit_counts),
        cmocka_unit_test(test_min_max_order_zeros_and_propagate_nan),
        cmocka_unit_test(test_nearest_rounds_half_to_even),
        cmocka_unit_test(test_truncation_traps_at_the_exact_boundaries),
        cmocka_unit_test(test_saturating_truncation),
        cmocka_unit_test(test_u64_to_f32_rounds_once),
        cmocka_unit_test(test_sign_ops_are_bit_operations),
        cmocka_unit_test(test_comparisons_with_nan_are_false),
        cmocka_unit_test(test_memory_little_endian_and_bounds),
        cmocka_unit_test(test_memory_grow),
        cmocka_unit_test(test_loop_and_br_table),
        cmocka_unit_test(test_recursive_calls),
        cmocka_unit_test(test_call_depth_exhaustion),
        cmocka_unit_test(test_call_indirect_traps),
        cmocka_unit_test(test_table_ops),
        cmocka_unit_test(test_globals),
        cmocka_unit_test(test_memory_fill_and_copy),
        cmocka_unit_test(test_pairs_do_both_halves),
        cmocka_unit_test(test_more_pairs_do_both_halves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

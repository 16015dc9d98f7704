/* --invoke argument parsing and result printing (tools/akira-wasm/value.c): the full
 * signed and unsigned range of each integer width, rejection past it, floats, refs. */
#include "../../tools/akira-wasm/value.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static bool parse(uint8_t t, const char *s, aw_val *v)
{
    return akira_cli_value_parse(t, s, v);
}

static void test_i32_range(void **state)
{
    (void)state;
    aw_val v;
    assert_true(parse(AW_I32, "42", &v));
    assert_int_equal(v.i32, 42);
    assert_true(parse(AW_I32, "-2147483648", &v));
    assert_int_equal(v.i32, INT32_MIN);
    assert_true(parse(AW_I32, "4294967295", &v)); /* unsigned spelling of -1 */
    assert_int_equal(v.i32, -1);
    assert_true(parse(AW_I32, "0xff", &v));
    assert_int_equal(v.i32, 255);
    assert_false(parse(AW_I32, "4294967296", &v));
    assert_false(parse(AW_I32, "-2147483649", &v));
    assert_false(parse(AW_I32, "12abc", &v));
    assert_false(parse(AW_I32, "", &v));
}

static void test_i64_range(void **state)
{
    (void)state;
    aw_val v;
    assert_true(parse(AW_I64, "18446744073709551615", &v));
    assert_true(v.u64 == UINT64_MAX);
    assert_true(parse(AW_I64, "-9223372036854775808", &v));
    assert_true(v.i64 == INT64_MIN);
    assert_false(parse(AW_I64, "18446744073709551616", &v));
    assert_false(parse(AW_I64, "-9223372036854775809", &v));
}

static void test_floats(void **state)
{
    (void)state;
    aw_val v;
    assert_true(parse(AW_F32, "1.5", &v));
    assert_true(v.f32 == 1.5f);
    assert_true(parse(AW_F64, "-0x1p-2", &v));
    assert_true(v.f64 == -0.25);
    assert_true(parse(AW_F64, "nan", &v));
    assert_true(isnan(v.f64));
    assert_true(parse(AW_F32, "-inf", &v));
    assert_true(isinf(v.f32) && v.f32 < 0);
    assert_false(parse(AW_F64, "1.5x", &v));
}

static void test_refs(void **state)
{
    (void)state;
    aw_val v;
    assert_true(parse(AW_FUNCREF, "null", &v));
    assert_null(v.ref);
    assert_true(parse(AW_EXTERNREF, "null", &v));
    assert_false(parse(AW_EXTERNREF, "0", &v));
    assert_false(parse(AW_V128, "0", &v)); /* no text form until SIMD exists */
}

static void expect_print(uint8_t t, aw_val v, const char *want)
{
    char buf[128] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    akira_cli_value_print(f, t, v);
    fclose(f);
    assert_string_equal(buf, want);
}

static void test_print(void **state)
{
    (void)state;
    expect_print(AW_I32, (aw_val){.i32 = -1}, "i32:-1\n");
    expect_print(AW_I64, (aw_val){.i64 = INT64_MIN}, "i64:-9223372036854775808\n");
    expect_print(AW_F32, (aw_val){.f32 = 0.1f}, "f32:0.100000001\n"); /* round-trips */
    expect_print(AW_F64, (aw_val){.f64 = 0.1}, "f64:0.10000000000000001\n");
    expect_print(AW_FUNCREF, (aw_val){.ref = NULL}, "funcref:null\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i32_range), cmocka_unit_test(test_i64_range),
        cmocka_unit_test(test_floats),    cmocka_unit_test(test_refs),
        cmocka_unit_test(test_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * akira-spectest's JSON reader and value rules: what the runner relies on to read
 * wast2json's output right (escapes, names with NUL, nesting, errors) and to judge
 * results (bit-exact floats, NaN classes, i64 as unsigned decimal, references).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "value.h"

static akira_spec_json *parse(const char *text)
{
    char why[96];
    return akira_spec_json_parse(text, strlen(text), why, sizeof why);
}

static void test_document_shape(void **state)
{
    (void)state;
    akira_spec_json *d = parse(" {\"commands\": [ {\"type\": \"module\", \"line\": 3},"
                               " {\"type\": \"register\", \"ok\": true, \"x\": null} ],"
                               " \"n\": -1.5e2 } ");
    assert_non_null(d);
    const akira_spec_json *cmds = akira_spec_json_get(d, "commands");
    assert_non_null(cmds);
    assert_int_equal(cmds->kind, AKIRA_SPEC_JSON_ARRAY);
    assert_int_equal(cmds->len, 2);
    assert_string_equal(akira_spec_json_get_str(&cmds->items[0], "type"), "module");
    assert_true(akira_spec_json_get(&cmds->items[0], "line")->number == 3);
    assert_true(akira_spec_json_get(&cmds->items[1], "ok")->boolean);
    assert_int_equal(akira_spec_json_get(&cmds->items[1], "x")->kind, AKIRA_SPEC_JSON_NULL);
    assert_true(akira_spec_json_get(d, "n")->number == -150.0);
    assert_null(akira_spec_json_get(d, "missing"));
    assert_null(akira_spec_json_get_str(d, "n")); /* not a string */
    akira_spec_json_free(d);
}

static void test_string_escapes(void **state)
{
    (void)state;
    /* names.wast's exports: NUL, surrogate pairs, every short escape */
    akira_spec_json *d = parse("{\"f\": \"a\\u0000b\", \"g\": \"\\ud83d\\ude00\\u00e9\","
                               " \"h\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}");
    assert_non_null(d);
    const akira_spec_json *f = akira_spec_json_get(d, "f");
    assert_int_equal(f->len, 3);
    assert_memory_equal(f->str, "a\0b", 3);
    assert_string_equal(akira_spec_json_get_str(d, "g"), "\xf0\x9f\x98\x80\xc3\xa9");
    assert_string_equal(akira_spec_json_get_str(d, "h"), "\"\\/\b\f\n\r\t");
    akira_spec_json_free(d);
}

static void test_bad_documents_fail_with_a_line(void **state)
{
    (void)state;
    const char *bad[] = {
        "",        "{",         "{\"a\" 1}",        "[1,]", "{\"a\": \"x}", "{\"a\": tru}", "[1] 2",
        "\"\\q\"", "\"\\u12\"", "{\"a\": \"\x01\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char why[96] = "";
        assert_null(akira_spec_json_parse(bad[i], strlen(bad[i]), why, sizeof why));
        assert_true(strncmp(why, "line ", 5) == 0);
    }
    char why[96] = "";
    assert_null(akira_spec_json_parse("{\n\"a\":\n}", 8, why, sizeof why));
    assert_true(strncmp(why, "line 3:", 7) == 0);
    /* nesting is bounded (no deep recursion on hostile input) */
    char deep[200];
    memset(deep, '[', sizeof deep);
    assert_null(akira_spec_json_parse(deep, sizeof deep, why, sizeof why));
    assert_non_null(strstr(why, "nested deeper"));
}

static akira_spec_value value(const char *type, const char *v, bool as_result, bool *ok)
{
    char text[128], why[96];
    if (v)
        snprintf(text, sizeof text, "{\"type\": \"%s\", \"value\": \"%s\"}", type, v);
    else
        snprintf(text, sizeof text, "{\"type\": \"%s\"}", type);
    akira_spec_json *d = parse(text);
    akira_spec_value out;
    *ok = akira_spec_value_parse(d, as_result, &out, why, sizeof why);
    akira_spec_json_free(d);
    return out;
}

static void test_values_parse_as_bits(void **state)
{
    (void)state;
    bool ok;
    akira_spec_value v = value("i32", "4294967295", false, &ok);
    assert_true(ok);
    assert_int_equal(v.val.i32, -1);
    v = value("i64", "18446744073709551615", false, &ok);
    assert_true(ok);
    assert_true(v.val.i64 == -1);
    v = value("f32", "1065353216", false, &ok);
    assert_true(ok && v.val.f32 == 1.0f);
    v = value("f64", "4607182418800017408", false, &ok);
    assert_true(ok && v.val.f64 == 1.0);
    v = value("externref", "0", false, &ok);
    assert_true(ok && v.val.ref != NULL &&
                v.val.ref != value("externref", "1", false, &ok).val.ref);
    v = value("funcref", "null", false, &ok);
    assert_true(ok && v.val.ref == NULL);
    /* out of range, not numbers, patterns where a concrete value is needed */
    value("i32", "4294967296", false, &ok);
    assert_false(ok);
    value("i64", "18446744073709551616", false, &ok);
    assert_false(ok);
    value("i32", "-1", false, &ok);
    assert_false(ok);
    value("f32", "nan:canonical", false, &ok);
    assert_false(ok);
    value("f32", "", false, &ok);
    assert_false(ok);
    value("i31", "0", false, &ok);
    assert_false(ok);
    value("i32", NULL, true, &ok);
    assert_false(ok);
}

static void test_results_match_by_class(void **state)
{
    (void)state;
    bool ok;
    akira_spec_value canon = value("f32", "nan:canonical", true, &ok);
    assert_true(ok);
    akira_spec_value arith = value("f32", "nan:arithmetic", true, &ok);
    assert_true(ok);
    aw_val got = {.u64 = 0};
    got.u32 = 0x7fc00000; /* canonical, either sign */
    assert_true(akira_spec_value_matches(&canon, got) && akira_spec_value_matches(&arith, got));
    got.u32 = 0xffc00000;
    assert_true(akira_spec_value_matches(&canon, got));
    got.u32 = 0x7fe00000; /* arithmetic, not canonical */
    assert_false(akira_spec_value_matches(&canon, got));
    assert_true(akira_spec_value_matches(&arith, got));
    got.u32 = 0x7fa00000; /* signalling */
    assert_false(akira_spec_value_matches(&arith, got));
    got.u32 = 0x7f800000; /* infinity */
    assert_false(akira_spec_value_matches(&arith, got));

    akira_spec_value dcanon = value("f64", "nan:canonical", true, &ok);
    got.u64 = 0x7ff8000000000000u;
    assert_true(akira_spec_value_matches(&dcanon, got));
    got.u64 = 0x7ff8000000000001u;
    assert_false(akira_spec_value_matches(&dcanon, got));

    /* floats compare by bits: -0 is not +0, one NaN is not another */
    akira_spec_value zero = value("f32", "0", true, &ok);
    got.u32 = 0x80000000;
    assert_false(akira_spec_value_matches(&zero, got));
    got.u32 = 0;
    assert_true(akira_spec_value_matches(&zero, got));

    akira_spec_value anyref = value("funcref", NULL, true, &ok);
    assert_true(ok);
    got.ref = NULL;
    assert_false(akira_spec_value_matches(&anyref, got));
    got.ref = &ok;
    assert_true(akira_spec_value_matches(&anyref, got));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_shape),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_bad_documents_fail_with_a_line),
        cmocka_unit_test(test_values_parse_as_bits),
        cmocka_unit_test(test_results_match_by_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

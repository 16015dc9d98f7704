/*
 * Tokenizer: how a typed line becomes argv.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <akira/shell.h>

static int split(const char *text, char *buf, char **argv, int max)
{
    strcpy(buf, text);
    return akira_shell_tokenize(buf, argv, max);
}

static void test_words_and_blanks(void **state)
{
    (void)state;
    char buf[128];
    char *argv[8];
    assert_int_equal(split("  log   level\thttp  debug ", buf, argv, 8), 4);
    assert_string_equal(argv[0], "log");
    assert_string_equal(argv[1], "level");
    assert_string_equal(argv[2], "http");
    assert_string_equal(argv[3], "debug");
    assert_int_equal(split("", buf, argv, 8), 0);
    assert_int_equal(split("   \t ", buf, argv, 8), 0);
}

static void test_double_quotes(void **state)
{
    (void)state;
    char buf[128];
    char *argv[8];
    assert_int_equal(split("fs write /a \"hello world\"", buf, argv, 8), 4);
    assert_string_equal(argv[3], "hello world");
    /* escapes inside double quotes */
    assert_int_equal(split("echo \"say \\\"hi\\\" \\\\ \\n\"", buf, argv, 8), 2);
    assert_string_equal(argv[1], "say \"hi\" \\ \\n");
    /* empty quoted word is a word */
    assert_int_equal(split("set key \"\"", buf, argv, 8), 3);
    assert_string_equal(argv[2], "");
}

static void test_single_quotes_and_joining(void **state)
{
    (void)state;
    char buf[128];
    char *argv[8];
    assert_int_equal(split("a 'x \"y\" \\z' b", buf, argv, 8), 3);
    assert_string_equal(argv[1], "x \"y\" \\z");
    assert_string_equal(argv[2], "b");
    assert_int_equal(split("pre\"fix suf\"fix next", buf, argv, 8), 2);
    assert_string_equal(argv[0], "prefix suffix");
    assert_string_equal(argv[1], "next");
}

static void test_backslash_outside_quotes(void **state)
{
    (void)state;
    char buf[128];
    char *argv[8];
    assert_int_equal(split("a\\ b c", buf, argv, 8), 2);
    assert_string_equal(argv[0], "a b");
    assert_string_equal(argv[1], "c");
}

static void test_errors(void **state)
{
    (void)state;
    char buf[128];
    char *argv[3];
    assert_int_equal(split("say \"open", buf, argv, 3), AKIRA_EINVAL);
    assert_int_equal(split("say 'open", buf, argv, 3), AKIRA_EINVAL);
    assert_int_equal(split("trailing\\", buf, argv, 3), AKIRA_EINVAL);
    assert_int_equal(split("a b c", buf, argv, 3), 3);
    assert_int_equal(split("a b c d", buf, argv, 3), AKIRA_ETOOBIG);
}

static void test_number_arguments(void **state)
{
    (void)state;
    uint32_t v = 77;
    assert_int_equal(akira_shell_arg_u32("0", 0, 10, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(akira_shell_arg_u32("4294967295", 0, UINT32_MAX, &v), 0);
    assert_int_equal(v, UINT32_MAX);
    v = 77;
    assert_int_equal(akira_shell_arg_u32("4294967296", 0, UINT32_MAX, &v), AKIRA_EINVAL);
    assert_int_equal(akira_shell_arg_u32("-1", 0, 10, &v), AKIRA_EINVAL);
    assert_int_equal(akira_shell_arg_u32(" 1", 0, 10, &v), AKIRA_EINVAL);
    assert_int_equal(akira_shell_arg_u32("0x10", 0, 100, &v), AKIRA_EINVAL);
    assert_int_equal(akira_shell_arg_u32("12ms", 0, 100, &v), AKIRA_EINVAL);
    assert_int_equal(akira_shell_arg_u32("", 0, 100, &v), AKIRA_EINVAL);
    assert_int_equal(akira_shell_arg_u32("11", 0, 10, &v), AKIRA_EINVAL);
    assert_int_equal(akira_shell_arg_u32("4", 5, 10, &v), AKIRA_EINVAL);
    assert_int_equal(v, 77); /* untouched on error */
}

/* Random lines of the characters that matter: never a crash, and every word lies
 * inside the line buffer, so handlers can trust argv. */
static void test_random_lines(void **state)
{
    (void)state;
    static const char alphabet[] = "ab \t\"'\\";
    char line[64];
    char *argv[8];
    srand(7);
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)rand() % (sizeof(line) - 1);
        for (size_t i = 0; i < n; i++)
            line[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
        line[n] = '\0';
        int argc = akira_shell_tokenize(line, argv, 8);
        assert_true(argc == AKIRA_EINVAL || argc == AKIRA_ETOOBIG || (argc >= 0 && argc <= 8));
        for (int i = 0; i < argc; i++) {
            assert_true(argv[i] >= line && argv[i] <= line + n);
            assert_true(argv[i] + strlen(argv[i]) <= line + n);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_blanks),
        cmocka_unit_test(test_double_quotes),
        cmocka_unit_test(test_single_quotes_and_joining),
        cmocka_unit_test(test_backslash_outside_quotes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_number_arguments),
        cmocka_unit_test(test_random_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

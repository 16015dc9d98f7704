/*
 * native_sim command line: what the firmware accepts and what it refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <akira/err.h>
#include <akira/log.h>
#include <akira/native_sim.h>

static char err[160];

static int parse(struct akira_board_options *o, int argc, char **argv)
{
    return akira_board_options_parse(o, argc, argv, err, sizeof(err));
}

#define ARGV(...)     ((char *[]){"akiraos", __VA_ARGS__, NULL})
#define ARGC(...)     ((int)(sizeof((char *[]){"akiraos", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, ...) parse((o), ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void test_defaults(void **state)
{
    (void)state;
    struct akira_board_options o;
    char *argv[] = {"akiraos", NULL};
    assert_int_equal(parse(&o, 1, argv), 0);
    assert_null(o.flash_path);
    assert_int_equal(o.http_port, AKIRA_BOARD_HTTP_PORT_DEFAULT);
    assert_int_equal(o.shell_port, AKIRA_BOARD_SHELL_PORT_DEFAULT);
    assert_int_equal(o.log_level, -1);
    assert_false(o.help);
}

static void test_all_options_both_forms(void **state)
{
    (void)state;
    struct akira_board_options o;
    assert_int_equal(PARSE(&o, "--flash", "/tmp/f.img", "--http-port", "80", "--shell-port=65535",
                           "--log-level=dbg"),
                     0);
    assert_string_equal(o.flash_path, "/tmp/f.img");
    assert_int_equal(o.http_port, 80);
    assert_int_equal(o.shell_port, 65535);
    assert_int_equal(o.log_level, AKIRA_LOG_DEBUG);
    assert_int_equal(PARSE(&o, "--flash=x.img", "--log-level", "none", "-h"), 0);
    assert_string_equal(o.flash_path, "x.img");
    assert_int_equal(o.log_level, AKIRA_LOG_NONE);
    assert_true(o.help);
    /* the last of a repeated option wins */
    assert_int_equal(PARSE(&o, "--http-port", "1", "--http-port", "2"), 0);
    assert_int_equal(o.http_port, 2);
}

static void expect_refused(struct akira_board_options *o, int argc, char **argv, const char *reason)
{
    o->http_port = 4242;
    assert_int_equal(parse(o, argc, argv), AKIRA_EINVAL);
    assert_non_null(strstr(err, reason));
    assert_int_equal(o->http_port, 4242); /* *out untouched on error */
}

static void test_refusals(void **state)
{
    (void)state;
    struct akira_board_options o;
    expect_refused(&o, ARGC("--http-port", "0"), ARGV("--http-port", "0"), "not a port");
    expect_refused(&o, ARGC("--http-port", "65536"), ARGV("--http-port", "65536"), "not a port");
    expect_refused(&o, ARGC("--shell-port", "-1"), ARGV("--shell-port", "-1"), "not a port");
    expect_refused(&o, ARGC("--shell-port", "22x"), ARGV("--shell-port", "22x"), "not a port");
    expect_refused(&o, ARGC("--http-port="), ARGV("--http-port="), "not a port");
    expect_refused(&o, ARGC("--http-port"), ARGV("--http-port"), "needs a value");
    expect_refused(&o, ARGC("--log-level", "loud"), ARGV("--log-level", "loud"), "not a level");
    expect_refused(&o, ARGC("--flash", ""), ARGV("--flash", ""), "needs a file name");
    expect_refused(&o, ARGC("--fla"), ARGV("--fla"), "unknown option");
    expect_refused(&o, ARGC("--help=1"), ARGV("--help=1"), "takes no value");
    expect_refused(&o, ARGC("image.img"), ARGV("image.img"), "unexpected argument");
}

static void test_usage_mentions_every_option(void **state)
{
    (void)state;
    const char *u = akira_board_usage();
    const char *names[] = {"--flash", "--http-port", "--shell-port", "--log-level", "--help"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_non_null(strstr(u, names[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_all_options_both_forms),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_usage_mentions_every_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

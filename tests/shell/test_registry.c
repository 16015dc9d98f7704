/*
 * Command registry and dispatch: commands registered with the macro in this file are
 * found through the linker section, subcommands are selected, argument bounds and
 * usage errors are enforced before a handler runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <akira/shell.h>

#include "fake_io.h"

static int calls;
static int last_argc;
static char last_args[256];

static int record(struct akira_shell *sh, int argc, char **argv)
{
    (void)sh;
    calls++;
    last_argc = argc;
    last_args[0] = '\0';
    for (int i = 0; i < argc; i++) {
        strcat(last_args, argv[i]);
        strcat(last_args, "|");
    }
    return 0;
}

static int reject(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_shell_puts(sh, "bad value\n");
    return AKIRA_EINVAL;
}

static int fail_io(struct akira_shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    (void)argv;
    return AKIRA_EIO;
}

static int bye(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_shell_exit_request(sh, AKIRA_SHELL_EXIT_POWEROFF);
    return 0;
}

AKIRA_SHELL_SUBCMDS(level_sub,
                    AKIRA_SHELL_CMD("set", "set a level", "MODULE LEVEL", record, NULL, 2, 2),
                    AKIRA_SHELL_CMD("list", "list levels", NULL, record, NULL, 0, 0));
AKIRA_SHELL_SUBCMDS(tlog_sub, AKIRA_SHELL_CMD("level", "levels", NULL, NULL, level_sub, 0, 0),
                    AKIRA_SHELL_CMD("clear", "clear", NULL, record, NULL, 0, 0));

AKIRA_SHELL_CMD_REGISTER(tlog, "tlog", "log with subcommands", "[N]", record, tlog_sub, 0, 1);
AKIRA_SHELL_CMD_REGISTER(group, "group", "group only", NULL, NULL, level_sub, 0, 0);
AKIRA_SHELL_CMD_REGISTER(echo, "echo", "print words", "WORDS...", record, NULL, 1,
                         AKIRA_SHELL_ARGS_ANY);
AKIRA_SHELL_CMD_REGISTER(zap, "zap", "rejects", "VALUE", reject, NULL, 1, 1);
AKIRA_SHELL_CMD_REGISTER(aaa, "aaa", "fails", NULL, fail_io, NULL, 0, 0);
AKIRA_SHELL_CMD_REGISTER(bye, "bye", "ends the session", NULL, bye, NULL, 0, 0);

static struct fake_io fio;
static struct akira_shell sh;

static int setup(void **state)
{
    (void)state;
    fake_io_init(&fio, "", 0, false);
    akira_shell_init(&sh, &fio.io, "t> ");
    calls = 0;
    last_argc = 0;
    last_args[0] = '\0';
    return 0;
}

static void test_section_holds_every_registration(void **state)
{
    (void)state;
    assert_int_equal(akira_shell_cmd_count(), 6);
    assert_int_equal(akira_shell_registry_check(NULL), 0);
    assert_non_null(akira_shell_cmd_find("echo"));
    assert_string_equal(akira_shell_cmd_find("tlog")->help, "log with subcommands");
    assert_null(akira_shell_cmd_find("ech"));
    assert_null(akira_shell_cmd_find("nope"));
}

static void test_name_order(void **state)
{
    (void)state;
    const char *expect[] = {"aaa", "bye", "echo", "group", "tlog", "zap"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(akira_shell_cmd_at(i)->name, expect[i]);
    assert_null(akira_shell_cmd_at(6));
}

static void test_dispatch_with_args_and_quotes(void **state)
{
    (void)state;
    assert_int_equal(akira_shell_execute(&sh, "echo a \"b c\" d"), 0);
    assert_int_equal(calls, 1);
    assert_string_equal(last_args, "echo|a|b c|d|");
    assert_int_equal(akira_shell_execute(&sh, "   "), 0);
    assert_int_equal(calls, 1);
}

static void test_subcommands(void **state)
{
    (void)state;
    assert_int_equal(akira_shell_execute(&sh, "tlog level set http debug"), 0);
    assert_string_equal(last_args, "set|http|debug|");
    assert_int_equal(akira_shell_execute(&sh, "tlog clear"), 0);
    assert_string_equal(last_args, "clear|");
    /* a word that is no subcommand goes to the command's own handler */
    assert_int_equal(akira_shell_execute(&sh, "tlog 5"), 0);
    assert_string_equal(last_args, "tlog|5|");
    assert_int_equal(akira_shell_subcmd_find(akira_shell_cmd_find("tlog"), "clear")->handler,
                     record);
    assert_null(akira_shell_subcmd_find(akira_shell_cmd_find("echo"), "x"));
}

static void test_unknown_command_prints_usage(void **state)
{
    (void)state;
    assert_int_equal(akira_shell_execute(&sh, "frobnicate 1 2"), AKIRA_ENOENT);
    assert_non_null(strstr(fio.out, "frobnicate: unknown command"));
    assert_non_null(strstr(fio.out, "usage:"));
    assert_int_equal(calls, 0);
}

static void test_argument_bounds_stop_the_handler(void **state)
{
    (void)state;
    assert_int_equal(akira_shell_execute(&sh, "echo"), AKIRA_EINVAL);
    assert_non_null(strstr(fio.out, "usage: echo WORDS..."));
    fake_io_clear_output(&fio);
    assert_int_equal(akira_shell_execute(&sh, "tlog level set http"), AKIRA_EINVAL);
    assert_non_null(strstr(fio.out, "usage: tlog level set MODULE LEVEL"));
    assert_int_equal(akira_shell_execute(&sh, "tlog 1 2"), AKIRA_EINVAL);
    assert_int_equal(calls, 0);
}

static void test_group_without_handler(void **state)
{
    (void)state;
    assert_int_equal(akira_shell_execute(&sh, "group"), AKIRA_EINVAL);
    assert_non_null(strstr(fio.out, "missing subcommand"));
    assert_non_null(strstr(fio.out, "usage: group {set|list} ..."));
    fake_io_clear_output(&fio);
    assert_int_equal(akira_shell_execute(&sh, "tlog level bogus"), AKIRA_EINVAL);
    assert_non_null(strstr(fio.out, "unknown subcommand 'bogus'"));
    assert_int_equal(calls, 0);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A command that runs alone and has subcommands gets one usage line, not two. */
static void test_usage_is_one_line(void **state)
{
    (void)state;
    akira_shell_usage_print(&sh, "tlog", akira_shell_cmd_find("tlog"));
    assert_string_equal(fio.out, "usage: tlog [N]\n");
    fake_io_clear_output(&fio);
    static const struct akira_shell_cmd bare =
        AKIRA_SHELL_CMD("keys", "list", NULL, record, level_sub, 0, 0);
    akira_shell_usage_print(&sh, "keys", &bare);
    assert_int_equal(count_of(fio.out, "usage:"), 1);
    assert_string_equal(fio.out, "usage: keys [{set|list} ...]\n");
    fake_io_clear_output(&fio);
    assert_int_equal(akira_shell_execute(&sh, "group"), AKIRA_EINVAL);
    assert_int_equal(count_of(fio.out, "usage:"), 1);
}

static void test_handler_errors(void **state)
{
    (void)state;
    assert_int_equal(akira_shell_execute(&sh, "zap 7"), AKIRA_EINVAL);
    assert_non_null(strstr(fio.out, "bad value\nusage: zap VALUE\n"));
    fake_io_clear_output(&fio);
    assert_int_equal(akira_shell_execute(&sh, "aaa"), AKIRA_EIO);
    assert_non_null(strstr(fio.out, "aaa: "));
}

static void test_tokenizer_errors_run_nothing(void **state)
{
    (void)state;
    assert_int_equal(akira_shell_execute(&sh, "echo \"open"), AKIRA_EINVAL);
    assert_int_equal(akira_shell_execute(&sh, "echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"),
                     AKIRA_ETOOBIG);
    assert_int_equal(calls, 0);
}

static void test_session_runs_lines_until_exit(void **state)
{
    (void)state;
    static const char script[] = "echo one\nnope\necho two\nbye\necho never\n";
    fake_io_set_input(&fio, script, strlen(script));
    assert_int_equal(akira_shell_run(&sh), AKIRA_SHELL_EXIT_POWEROFF);
    assert_int_equal(calls, 2);
    assert_string_equal(last_args, "echo|two|");
    /* the rest of the input is left unread for the next session */
    assert_int_equal(akira_shell_run(&sh), AKIRA_SHELL_EXIT_EOF);
    assert_int_equal(calls, 3);
    assert_int_equal(sh.last_status, 0);
}

static void test_session_completion(void **state)
{
    (void)state;
    static const char keys[] = "tl\t le\t s\t http x\r";
    fake_io_init(&fio, keys, strlen(keys), true);
    akira_shell_init(&sh, &fio.io, "t> ");
    assert_int_equal(akira_shell_run(&sh), AKIRA_SHELL_EXIT_EOF);
    assert_int_equal(calls, 1);
    assert_string_equal(last_args, "set|http|x|");
    /* the prompt is shown on a terminal */
    assert_non_null(strstr(fio.out, "t> "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_section_holds_every_registration, setup),
        cmocka_unit_test_setup(test_name_order, setup),
        cmocka_unit_test_setup(test_dispatch_with_args_and_quotes, setup),
        cmocka_unit_test_setup(test_subcommands, setup),
        cmocka_unit_test_setup(test_unknown_command_prints_usage, setup),
        cmocka_unit_test_setup(test_argument_bounds_stop_the_handler, setup),
        cmocka_unit_test_setup(test_group_without_handler, setup),
        cmocka_unit_test_setup(test_usage_is_one_line, setup),
        cmocka_unit_test_setup(test_handler_errors, setup),
        cmocka_unit_test_setup(test_tokenizer_errors_run_nothing, setup),
        cmocka_unit_test_setup(test_session_runs_lines_until_exit, setup),
        cmocka_unit_test_setup(test_session_completion, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

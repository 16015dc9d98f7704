/*
 * Line editor: key sequences in, finished lines and history out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <akira/shell_edit.h>

#include "fake_io.h"

#define UP    "\x1b[A"
#define DOWN  "\x1b[B"
#define RIGHT "\x1b[C"
#define LEFT  "\x1b[D"
#define DEL   "\x1b[3~"
#define BS    "\x7f"
#define C_A   "\x01"
#define C_C   "\x03"
#define C_D   "\x04"
#define C_E   "\x05"
#define C_K   "\x0b"
#define C_U   "\x15"
#define C_W   "\x17"

static struct fake_io fio;
static struct akira_shell_edit ed;

/* Completion candidates: commands at the start of a line, subcommands after "log". */
static const char *complete(void *ctx, const char *prefix, size_t prefix_len, size_t index)
{
    (void)ctx;
    static const char *const top[] = {"help", "hello", "version", "log", NULL};
    static const char *const log_sub[] = {"level", "clear", NULL};
    if (prefix_len == 0) return index < 4 ? top[index] : NULL;
    if (prefix_len == 4 && memcmp(prefix, "log ", 4) == 0) return index < 2 ? log_sub[index] : NULL;
    return NULL;
}

static void setup_editor(const char *in, size_t len, bool interactive)
{
    fake_io_init(&fio, in, len, interactive);
    akira_shell_edit_init(&ed, &fio.io, complete, NULL);
}

/* Reads the next line; the test fails on EOF. */
static const char *next_line(void)
{
    assert_int_equal(akira_shell_edit_readline(&ed, "> "), AKIRA_SHELL_EDIT_LINE);
    return akira_shell_edit_line(&ed);
}

static void expect_lines(const char *in, const char *const *lines, bool interactive)
{
    setup_editor(in, strlen(in), interactive);
    for (size_t i = 0; lines[i]; i++)
        assert_string_equal(next_line(), lines[i]);
    assert_int_equal(akira_shell_edit_readline(&ed, "> "), AKIRA_SHELL_EDIT_EOF);
}

#define LINES(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_plain_input_no_echo(void **state)
{
    (void)state;
    expect_lines("version\nuptime\r\n\nps", LINES("version", "uptime", "", "ps"), false);
    /* no prompt, no echo, no escape codes on a pipe */
    assert_int_equal(fio.out_len, 0);
    /* control bytes are dropped, tabs are spaces */
    expect_lines("a\x01"
                 "b\tc\x7f\n",
                 LINES("ab c"), false);
    /* EOF stays EOF */
    assert_int_equal(akira_shell_edit_readline(&ed, "> "), AKIRA_SHELL_EDIT_EOF);
}

static void test_plain_overflow_is_flagged(void **state)
{
    (void)state;
    char in[400];
    memset(in, 'x', 300);
    strcpy(in + 300, "\nok\n");
    setup_editor(in, strlen(in), false);
    next_line();
    assert_true(akira_shell_edit_overflowed(&ed));
    assert_string_equal(next_line(), "ok");
    assert_false(akira_shell_edit_overflowed(&ed));
    /* the cut line is not in the history */
    assert_string_equal(akira_shell_history_get(&ed.history, 0), "ok");
    assert_null(akira_shell_history_get(&ed.history, 1));
}

static void test_interactive_echo_and_prompt(void **state)
{
    (void)state;
    expect_lines("abc\r", LINES("abc"), true);
    assert_non_null(strstr(fio.out, "> abc\r\n"));
}

static void test_cursor_moves_and_insert(void **state)
{
    (void)state;
    expect_lines("ac" LEFT "b\r", LINES("abc"), true);
    expect_lines("bc" C_A "a" C_E "d\r", LINES("abcd"), true);
    expect_lines("ac" LEFT LEFT LEFT RIGHT "b" RIGHT RIGHT "d\r", LINES("abcd"), true);
    /* Home/End in their several encodings; modifier parameters ignored */
    expect_lines("bc\x1bOHa\x1bOFd\r", LINES("abcd"), true);
    expect_lines("bc\x1b[1~a\x1b[4~d\r", LINES("abcd"), true);
    expect_lines("bc\x1b[Ha\x1b[Fd\r", LINES("abcd"), true);
    expect_lines("ac" C_A "\x1b[1;5Cb\r", LINES("abc"), true);
}

static void test_kill_keys(void **state)
{
    (void)state;
    expect_lines("hello world" C_A RIGHT RIGHT RIGHT RIGHT RIGHT C_K "\r", LINES("hello"), true);
    expect_lines("hello world" LEFT LEFT LEFT LEFT LEFT C_U "\r", LINES("world"), true);
    expect_lines("log level http" C_W "\r", LINES("log level "), true);
    /* kill at the ends changes nothing */
    expect_lines("abc" C_K C_A C_U "\r", LINES("abc"), true);
}

static void test_backspace_and_delete(void **state)
{
    (void)state;
    expect_lines("abx" BS "c\r", LINES("abc"), true);
    expect_lines("abxc" LEFT BS "\r", LINES("abc"), true);
    expect_lines("abxc" LEFT "\x08\r", LINES("abc"), true);
    expect_lines("abxc" LEFT LEFT DEL "\r", LINES("abc"), true);
    expect_lines("abxc" LEFT LEFT C_D "\r", LINES("abc"), true);
    /* at the limits nothing happens */
    expect_lines("abc" DEL C_A BS "\r", LINES("abc"), true);
}

static void test_history_recall(void **state)
{
    (void)state;
    expect_lines("one\rtwo\r" UP UP "\r", LINES("one", "two", "one"), true);
    /* Down past the newest entry brings back what was being typed */
    expect_lines("one\rdraft" UP DOWN "\r", LINES("one", "draft"), true);
    /* Up past the oldest stays on the oldest; editing a recalled line */
    expect_lines("one\rtwo\r" UP UP UP "!\r", LINES("one", "two", "one!"), true);
    assert_string_equal(akira_shell_history_get(&ed.history, 0), "one!");
    assert_string_equal(akira_shell_history_get(&ed.history, 1), "two");
    assert_string_equal(akira_shell_history_get(&ed.history, 2), "one");
    /* Ctrl-P / Ctrl-N are the same keys */
    expect_lines("a\rb\r\x10\x10\x0e\r", LINES("a", "b", "b"), true);
}

static void test_history_rules(void **state)
{
    (void)state;
    struct akira_shell_history h;
    memset(&h, 0, sizeof(h));
    assert_false(akira_shell_history_add(&h, ""));
    assert_true(akira_shell_history_add(&h, "ps"));
    assert_false(akira_shell_history_add(&h, "ps"));
    assert_true(akira_shell_history_add(&h, "mem"));
    assert_true(akira_shell_history_add(&h, "ps"));
    assert_string_equal(akira_shell_history_get(&h, 0), "ps");
    assert_string_equal(akira_shell_history_get(&h, 1), "mem");
    assert_string_equal(akira_shell_history_get(&h, 2), "ps");
    assert_null(akira_shell_history_get(&h, 3));
    /* Lines that set or show secrets are never kept (issue 21): the saved history is in
     * settings and Up shows it to the next person at the console. */
    assert_false(akira_shell_history_add(&h, "keys add dev 00112233"));
    assert_false(akira_shell_history_add(&h, "  keys   unsigned on"));
    assert_false(akira_shell_history_add(&h, "http token"));
    assert_false(akira_shell_history_add(&h, "settings set akira/http/token 0123abcd"));
    assert_false(akira_shell_history_add(&h, "settings set akira/security/keys/x 00"));
    assert_false(akira_shell_history_add(&h, "settings set akira/shell/history x"));
    assert_true(akira_shell_history_add(&h, "settings set akira/x y"));
    assert_true(akira_shell_history_add(&h, "settings set app/demo/x hi"));
    assert_true(akira_shell_history_add(&h, "keysmith"));
    assert_string_equal(akira_shell_history_get(&h, 1), "settings set app/demo/x hi");
    assert_string_equal(akira_shell_history_get(&h, 2), "settings set akira/x y");
    assert_string_equal(akira_shell_history_get(&h, 3), "ps");

    /* the ring keeps the newest DEPTH lines */
    memset(&h, 0, sizeof(h));
    char line[16];
    for (int i = 0; i < AKIRA_SHELL_HISTORY_DEPTH + 8; i++) {
        snprintf(line, sizeof(line), "cmd%d", i);
        akira_shell_history_add(&h, line);
    }
    assert_int_equal(h.count, AKIRA_SHELL_HISTORY_DEPTH);
    snprintf(line, sizeof(line), "cmd%d", AKIRA_SHELL_HISTORY_DEPTH + 7);
    assert_string_equal(akira_shell_history_get(&h, 0), line);
    assert_string_equal(akira_shell_history_get(&h, AKIRA_SHELL_HISTORY_DEPTH - 1), "cmd8");
    assert_null(akira_shell_history_get(&h, AKIRA_SHELL_HISTORY_DEPTH));
}

static char hooked[4][32];
static int hook_calls;

static void history_hook(void *user, const char *line)
{
    assert_ptr_equal(user, &hook_calls);
    if (hook_calls < 4) snprintf(hooked[hook_calls], sizeof(hooked[0]), "%s", line);
    hook_calls++;
}

static void test_history_hook_and_restore(void **state)
{
    (void)state;
    /* plain input records history too (a restored history must be reachable later) */
    setup_editor("ps\n\nps\nmem\n", 11, false);
    hook_calls = 0;
    akira_shell_edit_history_hook_set(&ed, history_hook, &hook_calls);
    while (akira_shell_edit_readline(&ed, "> ") == AKIRA_SHELL_EDIT_LINE) {
    }
    assert_int_equal(hook_calls, 2);
    assert_string_equal(hooked[0], "ps");
    assert_string_equal(hooked[1], "mem");

    /* a restored history is recalled with Up */
    static const char keys[] = UP UP "\r";
    setup_editor(keys, strlen(keys), true);
    akira_shell_history_add(&ed.history, "saved-old");
    akira_shell_history_add(&ed.history, "saved-new");
    assert_string_equal(next_line(), "saved-old");
}

static void test_tab_completion(void **state)
{
    (void)state;
    /* a unique match completes and adds a space */
    expect_lines("ver\t\r", LINES("version "), true);
    /* subcommands after a command */
    expect_lines("log le\t\r", LINES("log level "), true);
    /* several matches: the common prefix first, then the list */
    expect_lines("he\t\r", LINES("hel"), true);
    expect_lines("hel\t\r", LINES("hel"), true);
    assert_non_null(strstr(fio.out, "help  hello  "));
    /* no match: unchanged, bell */
    expect_lines("xyz\t\r", LINES("xyz"), true);
    assert_non_null(strchr(fio.out, '\a'));
    /* nothing to complete after a command without subcommands */
    expect_lines("version x\t\r", LINES("version x"), true);
    /* completion in the middle of the line works on the word before the cursor */
    expect_lines("ve 1" LEFT LEFT "\t\r", LINES("version 1"), true);
}

static void test_ctrl_c_and_ctrl_d(void **state)
{
    (void)state;
    expect_lines("abc" C_C "d\r", LINES("d"), true);
    assert_non_null(strstr(fio.out, "^C"));
    setup_editor("ab" C_D, 3, true);
    assert_int_equal(akira_shell_edit_readline(&ed, "> "), AKIRA_SHELL_EDIT_EOF);
    setup_editor(C_D "x\r", 3, true);
    assert_int_equal(akira_shell_edit_readline(&ed, "> "), AKIRA_SHELL_EDIT_EOF);
}

static void test_line_endings(void **state)
{
    (void)state;
    /* CR LF and CR NUL count once; a lone LF counts too */
    setup_editor("a\r\nb\r\0c\nd\r", 10, true);
    assert_string_equal(next_line(), "a");
    assert_string_equal(next_line(), "b");
    assert_string_equal(next_line(), "c");
    assert_string_equal(next_line(), "d");
    assert_int_equal(akira_shell_edit_readline(&ed, "> "), AKIRA_SHELL_EDIT_EOF);
}

static void test_interactive_line_limit(void **state)
{
    (void)state;
    char in[400];
    memset(in, 'y', 300);
    strcpy(in + 300, "\r");
    setup_editor(in, strlen(in), true);
    const char *line = next_line();
    assert_int_equal(strlen(line), AKIRA_SHELL_LINE_MAX - 1);
    assert_false(akira_shell_edit_overflowed(&ed));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_input_no_echo),
        cmocka_unit_test(test_plain_overflow_is_flagged),
        cmocka_unit_test(test_interactive_echo_and_prompt),
        cmocka_unit_test(test_cursor_moves_and_insert),
        cmocka_unit_test(test_kill_keys),
        cmocka_unit_test(test_backspace_and_delete),
        cmocka_unit_test(test_history_recall),
        cmocka_unit_test(test_history_rules),
        cmocka_unit_test(test_history_hook_and_restore),
        cmocka_unit_test(test_tab_completion),
        cmocka_unit_test(test_ctrl_c_and_ctrl_d),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_interactive_line_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The shell stream service through the transport interface, without any socket: the
 * token first (wrong ones delayed, three end the stream), then commands; typed-ahead
 * input blocks the link while a command runs (back-pressure); the session limit;
 * stopping the service hangs every link up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/mutex.h>
#include <akira/shell.h>
#include <akira/thread.h>
#include <akira/transport.h>

#include "connectivity_priv.h"

static int cmd_say(struct akira_shell *sh, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        akira_shell_print(sh, "%s%s", argv[i], i + 1 < argc ? " " : "\n");
    return 0;
}

static int cmd_nap(struct akira_shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    (void)argv;
    akira_sleep_ms(300);
    return 0;
}

static int cmd_bye(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_shell_exit_request(sh, AKIRA_SHELL_EXIT_POWEROFF); /* as `poweroff` does */
    return 0;
}

AKIRA_SHELL_CMD_REGISTER(bye, "bye", "end the session as poweroff", NULL, cmd_bye, NULL, 0, 0);
AKIRA_SHELL_CMD_REGISTER(say, "say", "print the words", "WORDS...", cmd_say, NULL, 1, 8);
AKIRA_SHELL_CMD_REGISTER(nap, "nap", "sleep 300 ms", NULL, cmd_nap, NULL, 0, 0);

struct link {
    akira_mutex_t *m;
    char out[8192];
    size_t len;
    int hangups;
};

static int link_reply(void *l, const void *data, size_t len)
{
    struct link *k = l;
    akira_mutex_lock(k->m, AKIRA_FOREVER);
    if (k->len + len < sizeof(k->out)) {
        memcpy(k->out + k->len, data, len);
        k->len += len;
        k->out[k->len] = '\0';
    }
    akira_mutex_unlock(k->m);
    return 0;
}

static void link_hangup(void *l)
{
    struct link *k = l;
    akira_mutex_lock(k->m, AKIRA_FOREVER);
    k->hangups++;
    akira_mutex_unlock(k->m);
}

static bool wait_out(struct link *k, const char *needle, uint32_t ms)
{
    uint64_t end = akira_uptime_ms() + ms;
    for (;;) {
        akira_mutex_lock(k->m, AKIRA_FOREVER);
        bool found = strstr(k->out, needle) != NULL;
        akira_mutex_unlock(k->m);
        if (found) return true;
        if (akira_uptime_ms() > end) return false;
        akira_sleep_ms(5);
    }
}

static struct akira_transport_stream_info info_for(struct link *k)
{
    return (struct akira_transport_stream_info){
        .kind = AKIRA_TRANSPORT_KIND_SHELL,
        .transport = "test",
        .peer = "here",
        .length = AKIRA_TRANSPORT_LENGTH_UNKNOWN,
        .reply = link_reply,
        .hangup = link_hangup,
        .link = k,
    };
}

static struct akira_shell_service *svc;
static int exits;
static void on_exit_cb(enum akira_shell_exit why)
{
    if (why == AKIRA_SHELL_EXIT_POWEROFF) exits++;
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(akira_kernel_init(), 0);
    struct akira_shell_service_config cfg = {
        .sessions = 2,
        .login_timeout_ms = 2000,
        .idle_timeout_ms = 5000,
        .fail_delay_ms = 100,
        .login_busy_ms = 300,
        .on_exit = on_exit_cb,
    };
    assert_int_equal(akira_shell_service_start(&svc, &cfg, "tok123"), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_shell_service_stop(svc);
    akira_shell_service_destroy(svc);
    return akira_kernel_shutdown();
}

static void test_login_and_commands(void **state)
{
    (void)state;
    struct link k = {0};
    assert_int_equal(akira_mutex_create(&k.m), 0);
    struct akira_transport_stream st;
    struct akira_transport_stream_info info = info_for(&k);
    assert_int_equal(akira_transport_stream_open(&st, &info), 0);
    assert_true(wait_out(&k, "token: ", 1000));
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_transport_stream_write(&st, "nope\r\n", 6), 0);
    assert_true(wait_out(&k, "wrong token\r\n", 1000));
    assert_true(akira_uptime_ms() - t0 >= 90);
    assert_int_equal(akira_transport_stream_write(&st, "tok123\r\nsay hello  world\r\n", 26), 0);
    assert_true(wait_out(&k, "ok: ", 1000));
    assert_true(wait_out(&k, "hello world\r\n", 1000));
    /* an exit command ends the session: the link is hung up and the board told */
    assert_int_equal(akira_transport_stream_write(&st, "bye\n", 4), 0);
    for (int i = 0; i < 100 && k.hangups == 0; i++)
        akira_sleep_ms(5);
    assert_int_equal(k.hangups, 1);
    assert_int_equal(exits, 1);
    /* the session is over: more input is refused */
    assert_int_equal(akira_transport_stream_write(&st, "say x\n", 6), AKIRA_ECANCELED);
    assert_int_equal(akira_transport_stream_close(&st, 0, NULL, 0), 0);
    akira_mutex_destroy(k.m);
}

static void test_three_wrong_tokens(void **state)
{
    (void)state;
    struct link k = {0};
    assert_int_equal(akira_mutex_create(&k.m), 0);
    struct akira_transport_stream st;
    struct akira_transport_stream_info info = info_for(&k);
    assert_int_equal(akira_transport_stream_open(&st, &info), 0);
    assert_int_equal(akira_transport_stream_write(&st, "a\nb\nc\nbye\n", 10), 0);
    for (int i = 0; i < 200 && k.hangups == 0; i++)
        akira_sleep_ms(5);
    assert_int_equal(k.hangups, 1);
    assert_int_equal(exits, 1); /* bye was never run */
    assert_int_equal(akira_transport_stream_close(&st, 0, NULL, 0), 0);
    akira_mutex_destroy(k.m);
}

/* Both sessions taken, one by a client that never types the token: a new stream is
 * refused, and ends that pending login once it is login_busy_ms old (never a young one,
 * never a logged-in session), so the link's retry gets in. */
static void test_pending_login_yields(void **state)
{
    (void)state;
    struct link a = {0}, b = {0}, c = {0};
    assert_int_equal(akira_mutex_create(&a.m), 0);
    assert_int_equal(akira_mutex_create(&b.m), 0);
    assert_int_equal(akira_mutex_create(&c.m), 0);
    struct akira_transport_stream sa, sb, sc;
    struct akira_transport_stream_info ia = info_for(&a), ib = info_for(&b), ic = info_for(&c);
    assert_int_equal(akira_transport_stream_open(&sa, &ia), 0);
    assert_int_equal(akira_transport_stream_open(&sb, &ib), 0);
    assert_true(wait_out(&b, "token: ", 1000));
    assert_int_equal(akira_transport_stream_write(&sa, "tok123\n", 7), 0);
    assert_true(wait_out(&a, "ok: ", 1000));
    assert_int_equal(akira_transport_stream_write(&sb, "to", 2), 0); /* b types */
    /* b is young and typing: refused, nobody ended */
    assert_int_equal(akira_transport_stream_open(&sc, &ic), AKIRA_EBUSY);
    akira_sleep_ms(100);
    assert_int_equal(a.hangups + b.hangups, 0);
    /* b has sat at the prompt past 300 ms: the next try ends it, not a */
    akira_sleep_ms(250);
    assert_int_equal(akira_transport_stream_open(&sc, &ic), AKIRA_EBUSY);
    for (int i = 0; i < 200 && b.hangups == 0; i++)
        akira_sleep_ms(5);
    assert_int_equal(b.hangups, 1);
    assert_true(wait_out(&b, "login too slow", 1000));
    assert_int_equal(a.hangups, 0);
    /* its token now comes too late */
    assert_int_equal(akira_transport_stream_write(&sb, "tok123\n", 7), AKIRA_ECANCELED);
    assert_int_equal(akira_transport_stream_close(&sb, 0, NULL, 0), 0);
    assert_int_equal(akira_transport_stream_open(&sc, &ic), 0);
    assert_true(wait_out(&c, "token: ", 1000));
    /* a still works */
    assert_int_equal(akira_transport_stream_write(&sa, "say still\n", 10), 0);
    assert_true(wait_out(&a, "still\r\n", 1000));
    assert_int_equal(akira_transport_stream_close(&sa, AKIRA_ECONNRESET, NULL, 0), 0);
    assert_int_equal(akira_transport_stream_close(&sc, AKIRA_ECONNRESET, NULL, 0), 0);
    akira_mutex_destroy(a.m);
    akira_mutex_destroy(b.m);
    akira_mutex_destroy(c.m);
}

/* Idle clients (connected, never a byte) cannot keep the shell from one who logs in: a
 * new stream ends the oldest idle pending login at once, and the slot is kept for that
 * stream's link, so another client cannot take it before the link's retry. */
static void test_idle_login_yields_at_once(void **state)
{
    (void)state;
    struct link a = {0}, b = {0}, c = {0}, d = {0};
    assert_int_equal(akira_mutex_create(&a.m), 0);
    assert_int_equal(akira_mutex_create(&b.m), 0);
    assert_int_equal(akira_mutex_create(&c.m), 0);
    assert_int_equal(akira_mutex_create(&d.m), 0);
    struct akira_transport_stream sa, sb, sc, sd;
    struct akira_transport_stream_info ia = info_for(&a), ib = info_for(&b), ic = info_for(&c),
                                       id = info_for(&d);
    assert_int_equal(akira_transport_stream_open(&sa, &ia), 0);
    assert_int_equal(akira_transport_stream_open(&sb, &ib), 0);
    assert_true(wait_out(&b, "token: ", 1000));
    /* both idle: c ends a (the oldest idle one) at once */
    assert_int_equal(akira_transport_stream_open(&sc, &ic), AKIRA_EBUSY);
    for (int i = 0; i < 200 && a.hangups == 0; i++)
        akira_sleep_ms(5);
    assert_int_equal(a.hangups, 1);
    assert_int_equal(b.hangups, 0);
    assert_int_equal(akira_transport_stream_close(&sa, 0, NULL, 0), 0);
    /* a's slot is c's: d does not get it (and ends b, the next idle one, for itself) */
    assert_int_equal(akira_transport_stream_open(&sd, &id), AKIRA_EBUSY);
    assert_int_equal(akira_transport_stream_open(&sc, &ic), 0);
    assert_int_equal(akira_transport_stream_write(&sc, "tok123\nsay in\n", 14), 0);
    assert_true(wait_out(&c, "in\r\n", 1000));
    for (int i = 0; i < 200 && b.hangups == 0; i++)
        akira_sleep_ms(5);
    assert_int_equal(akira_transport_stream_close(&sb, 0, NULL, 0), 0);
    assert_int_equal(akira_transport_stream_open(&sd, &id), 0);
    assert_int_equal(akira_transport_stream_close(&sc, AKIRA_ECONNRESET, NULL, 0), 0);
    assert_int_equal(akira_transport_stream_close(&sd, AKIRA_ECONNRESET, NULL, 0), 0);
    akira_mutex_destroy(a.m);
    akira_mutex_destroy(b.m);
    akira_mutex_destroy(c.m);
    akira_mutex_destroy(d.m);
}

static void test_backpressure_and_limit(void **state)
{
    (void)state;
    struct link a = {0}, b = {0}, c = {0};
    assert_int_equal(akira_mutex_create(&a.m), 0);
    assert_int_equal(akira_mutex_create(&b.m), 0);
    assert_int_equal(akira_mutex_create(&c.m), 0);
    struct akira_transport_stream sa, sb, sc;
    struct akira_transport_stream_info ia = info_for(&a), ib = info_for(&b), ic = info_for(&c);
    assert_int_equal(akira_transport_stream_open(&sa, &ia), 0);
    assert_int_equal(akira_transport_stream_open(&sb, &ib), 0);
    assert_int_equal(akira_transport_stream_write(&sa, "tok123\nnap\n", 11), 0);
    assert_true(wait_out(&a, "ok: ", 1000));
    assert_int_equal(akira_transport_stream_write(&sb, "t", 1), 0);       /* typing: kept */
    assert_int_equal(akira_transport_stream_open(&sc, &ic), AKIRA_EBUSY); /* 2 sessions */
    ic.reply = NULL;
    assert_int_equal(akira_transport_handler_set(AKIRA_TRANSPORT_KIND_SHELL,
                                                 &(struct akira_transport_handler){0}),
                     AKIRA_EINVAL);
    /* while `nap` runs, 600 typed-ahead bytes do not fit the input ring: the link's
     * write returns only once the session has read them */
    static char lines[600];
    for (int i = 0; i < 600; i += 6)
        memcpy(lines + i, "say x\n", 6);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_transport_stream_write(&sa, lines, sizeof(lines)), 0);
    assert_true(akira_uptime_ms() - t0 >= 150);
    /* stopping the service hangs both links up */
    akira_shell_service_stop(svc);
    for (int i = 0; i < 200 && (a.hangups == 0 || b.hangups == 0); i++)
        akira_sleep_ms(5);
    assert_int_equal(a.hangups, 1);
    assert_int_equal(b.hangups, 1);
    assert_int_equal(akira_transport_stream_close(&sa, 0, NULL, 0), 0);
    assert_int_equal(akira_transport_stream_close(&sb, 0, NULL, 0), 0);
    assert_int_equal(akira_transport_stream_open(&sc, &ia), AKIRA_ECANCELED);
    akira_mutex_destroy(a.m);
    akira_mutex_destroy(b.m);
    akira_mutex_destroy(c.m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_and_commands),
        cmocka_unit_test(test_three_wrong_tokens),
        cmocka_unit_test(test_pending_login_yields),
        cmocka_unit_test(test_idle_login_yields_at_once),
        cmocka_unit_test(test_backpressure_and_limit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

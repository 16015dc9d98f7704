/*
 * Hostile apps (issue 5 item 9): each runs beside a well-behaved app ("responder");
 * each must end with a clear error for itself alone, and the responder must keep
 * running and answering afterwards.
 *
 * Built twice: test_hostile_runtime on the interpreter, test_hostile_aot_runtime
 * (HOSTILE_AOT) with every app carrying native code, which must then run on it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <akira/app_log.h>
#include <akira/app_manager.h>
#include <akira/err.h>
#include <akira/kernel.h>

#include "mgr_util.h"

static struct test_app responder, hostile;

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false);
    struct akira_appmgr_config cfg = {.watchdog_ms = 300, .stop_grace_ms = 200};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    test_app_load(&responder, "responder", "responder", NULL);
    test_app_add(&responder);
    assert_int_equal(akira_app_start("responder"), 0);
    assert_true(test_responder_answers("responder", 2000));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_appmgr_deinit();
    test_app_free(&responder);
    test_app_free(&hostile);
    return 0;
}

/* Runs `file` as app "hostile" until it is idle; returns its info. */
static struct akira_app_info run_hostile(const char *file, const char *manifest_extra)
{
    test_app_load(&hostile, file, "hostile", manifest_extra);
    test_app_add(&hostile);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_int_equal(akira_app_wait_idle("hostile", 5000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hostile", &info), 0);
#ifdef HOSTILE_AOT
    assert_string_equal(info.tier, "aot x86_64");
#else
    assert_string_equal(info.tier, "interp");
#endif
    /* The other app is untouched and still answers. */
    struct akira_app_info r;
    assert_int_equal(akira_app_info("responder", &r), 0);
    assert_int_equal(r.state, AKIRA_APP_RUNNING);
    assert_true(test_responder_answers("responder", 2000));
    return info;
}

static void test_out_of_bounds_pointers(void **state)
{
    (void)state;
    struct akira_app_info info = run_hostile("oob", NULL);
    /* Every wild pointer came back as EFAULT: the app ran to its end. */
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 0);
    assert_int_equal(info.stats.traps, 0);
    assert_true(test_wait_log("hostile", "oob: 0 calls not refused", 100));
}

static void test_infinite_loop_watchdog(void **state)
{
    (void)state;
    struct akira_app_info info = run_hostile("spin", NULL);
    assert_int_equal(info.state, AKIRA_APP_FAILED);
    assert_int_equal(info.reason, AKIRA_APP_REASON_WATCHDOG);
    assert_string_equal(akira_app_reason_name(info.reason), "watchdog");
    assert_int_equal(info.stats.traps, 1);
    assert_true(info.stats.cpu_us >= 1000); /* its thread was charged for the spinning */
}

static void test_deep_recursion(void **state)
{
    (void)state;
    struct akira_app_info info = run_hostile("recurse", NULL);
    assert_int_equal(info.state, AKIRA_APP_FAILED);
    assert_int_equal(info.reason, AKIRA_APP_REASON_TRAP);
    assert_string_equal(info.detail, "call stack exhausted");
}

static void test_memory_bomb(void **state)
{
    (void)state;
    struct akira_app_info info =
        run_hostile("bomb", "capabilities: memory\nmemory_quota: 256K\nheap_size: 16K\n");
    assert_int_equal(info.state, AKIRA_APP_FAILED);
    assert_int_equal(info.reason, AKIRA_APP_REASON_QUOTA);
    assert_true(info.stats.mem_peak <= 256u * 1024u);
    assert_true(info.stats.mem_peak > 128u * 1024u); /* it did get memory up to the quota */
    /* memory.grow said -1 and the heap said 0, before the app trapped on its own. */
    assert_true(test_wait_log("hostile", "bomb: ", 100));
    assert_true(test_wait_log("hostile", "heap blocks, then refused", 100));
    assert_non_null(strstr(info.detail, "memory_quota"));
}

static void test_call_without_capability(void **state)
{
    (void)state;
    test_app_load(&hostile, "nocap", "hostile", NULL);
    test_app_add(&hostile);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(test_wait_log("hostile", "alloc -9", 2000));
    assert_int_equal(akira_app_resume("hostile"), 0);
    assert_true(test_wait_log("hostile", "timer -9", 2000));
    assert_true(test_wait_log("hostile", "denied: timer_start needs capability 'timer'", 100));
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_RUNNING); /* denied, not killed */
    assert_int_equal(info.stats.denied_calls, 2);
    assert_true(test_responder_answers("responder", 2000));

    /* Granted at run time: the next call goes through. */
    assert_int_equal(akira_app_caps_grant("hostile", AKIRA_CAP_TIMER), 0);
    assert_int_equal(akira_app_resume("hostile"), 0);
    assert_true(test_wait_log("hostile", "timer 1", 2000));
    /* Revoked again: denied again at the next call. */
    assert_int_equal(akira_app_caps_revoke("hostile", AKIRA_CAP_TIMER), 0);
    assert_int_equal(akira_app_resume("hostile"), 0);
    assert_true(test_wait_state("hostile", AKIRA_APP_RUNNING, 100));
    assert_int_equal(akira_app_wait_idle("hostile", 100), AKIRA_ETIMEDOUT);
    assert_int_equal(akira_app_info("hostile", &info), 0);
    for (int i = 0; i < 200 && info.stats.denied_calls < 3; i++) {
        akira_sleep_ms(5);
        akira_app_info("hostile", &info);
    }
    assert_int_equal(info.stats.denied_calls, 3);
    assert_int_equal(akira_app_stop("hostile"), 0);
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 0); /* it saw STOP and returned */
}

static void test_missing_import(void **state)
{
    (void)state;
    struct akira_app_info info = run_hostile("missing", NULL);
    assert_int_equal(info.state, AKIRA_APP_FAILED);
    assert_int_equal(info.reason, AKIRA_APP_REASON_MISSING_IMPORT);
    assert_string_equal(info.detail, "missing import akira.format_flash");
}

/* Issue 21: an app with no capability logging as fast as it can is rate-limited per
 * app: lines are dropped with a count, the count is reported in its log and in app
 * info, and C1 controls in its text (raw and UTF-8 encoded) are neutralised. */
static void test_log_flood(void **state)
{
    (void)state;
    struct akira_app_info info = run_hostile("logflood", NULL);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_true(test_wait_log("hostile", "flood done in", 100));
    assert_true(test_wait_log("hostile", "log lines dropped (rate limit", 100));
    /* 20000 lines were logged: the burst and a few more passed, the rest were counted. */
    assert_true(info.stats.log_dropped > 20000 - 2 * AKIRA_APP_LOG_BURST - 100);
    assert_true(info.stats.log_dropped <= 20000);
    /* The line with C1 controls: CSI raw (9B) and encoded (C2 9B), NEL (C2 85) are '?',
     * the e-acute (C3 A9) is kept. */
    assert_true(test_wait_log("hostile", "c1:?31m raw, ?31m utf8, ? nel, \xc3\xa9 kept", 100));
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    while (akira_app_log_next("hostile", &cur, &ln) == 0)
        for (const unsigned char *p = (const unsigned char *)ln.text; *p; p++) {
            assert_false(*p >= 0x80 && *p <= 0x9F &&
                         (p == (const unsigned char *)ln.text || p[-1] == 0xC2 || p[-1] < 0xC2));
        }
}

/* Issue 21: revoking `timer` stops a running periodic timer (not only later calls). */
static void test_timer_revoke_stops_ticks(void **state)
{
    (void)state;
    test_app_load(&hostile, "ticker", "hostile", "capabilities: timer\n");
    test_app_add(&hostile);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(test_wait_log("hostile", "tick 3", 3000));
    assert_int_equal(akira_app_caps_revoke("hostile", AKIRA_CAP_TIMER), 0);
    akira_sleep_ms(300); /* a tick already queued or firing may still land */
    uint64_t cur = 0, last = 0;
    struct akira_app_log_line ln;
    while (akira_app_log_next("hostile", &cur, &ln) == 0)
        last = ln.seq;
    akira_sleep_ms(800); /* 8 periods */
    cur = last;
    assert_int_equal(akira_app_log_next("hostile", &cur, &ln), AKIRA_ENOENT);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_RUNNING);
    assert_int_equal(info.stats.events_dropped, 0);
    assert_true(test_responder_answers("responder", 2000));
    assert_int_equal(akira_app_stop("hostile"), 0);
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_out_of_bounds_pointers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_infinite_loop_watchdog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_recursion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_bomb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_call_without_capability, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_flood, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_revoke_stops_ticks, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

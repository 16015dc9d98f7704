/*
 * IPC API (issue 5 item 5): pub/sub between WASM apps and from native code. Each case
 * runs beside another app that must keep answering: denied without the capability,
 * every pointer, length and topic checked, a slow subscriber that never blocks a
 * publisher and has its drops counted, subscriptions gone when the app stops.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/app_ipc.h>
#include <akira/app_manager.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/thread.h>

#include "mgr_util.h"

static struct test_app apps[2];

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false);
    struct akira_appmgr_config cfg = {.stop_grace_ms = 200};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_appmgr_deinit();
    test_app_free(&apps[0]);
    test_app_free(&apps[1]);
    return 0;
}

static void start_responder(void)
{
    test_app_load(&apps[0], "responder", "responder", NULL);
    test_app_add(&apps[0]);
    assert_int_equal(akira_app_start("responder"), 0);
    assert_true(test_responder_answers("responder", 2000));
}

static size_t subs_of(const char *app, struct akira_ipc_sub_info *out, size_t max)
{
    struct akira_ipc_sub_info all[AKIRA_IPC_SUBS_MAX];
    size_t n = akira_ipc_list(all, AKIRA_IPC_SUBS_MAX), k = 0;
    for (size_t i = 0; i < n && i < AKIRA_IPC_SUBS_MAX; i++)
        if (strcmp(all[i].app, app) == 0 && k < max) out[k++] = all[i];
    return k;
}

static void test_denied_without_capability(void **state)
{
    (void)state;
    start_responder();
    test_app_load(&apps[1], "ipc_calls", "hostile", NULL);
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_int_equal(akira_app_wait_idle("hostile", 5000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 5);
    assert_int_equal(info.stats.denied_calls, 5);
    assert_true(test_wait_log("hostile", "ipc: denied 5 of 5", 100));
    assert_true(test_wait_log("hostile", "needs capability 'ipc'", 100));
    assert_int_equal(akira_ipc_list(NULL, 0), 0); /* nothing was subscribed */
    assert_true(test_responder_answers("responder", 2000));
}

static void test_bounds_topics_and_cleanup(void **state)
{
    (void)state;
    start_responder();
    test_app_load(&apps[1], "ipc_calls", "hostile",
                  "capabilities: ipc\nipc_subscribe: *\nipc_publish: probe, echo/reply\n");
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(test_wait_log("hostile", "ipc: 0 calls not refused", 3000));
    /* Nothing it did broke anything: it still answers, and so does the other app. */
    int reply = akira_ipc_native_subscribe("echo/reply");
    assert_true(reply > 0);
    assert_int_equal(akira_ipc_publish("echo", "hello", 5), 1);
    assert_true(test_wait_log("hostile", "ipc: echoed 5 bytes", 2000));
    /* Its answer reaches a native subscriber, byte for byte. */
    char got[16] = "";
    int n = AKIRA_EAGAIN;
    for (int i = 0; i < 200 && n == AKIRA_EAGAIN; i++) {
        n = akira_ipc_native_recv(reply, got, sizeof(got));
        if (n == AKIRA_EAGAIN) akira_sleep_ms(5);
    }
    assert_int_equal(n, 5);
    assert_memory_equal(got, "hello", 5);
    assert_int_equal(akira_ipc_native_unsubscribe(reply), 0);
    assert_true(test_responder_answers("responder", 2000));
    struct akira_ipc_sub_info subs[8];
    assert_int_equal(subs_of("hostile", subs, 8), 3); /* probe, the 31-byte one, echo */
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.stats.traps, 0);
    assert_int_equal(info.stats.denied_calls, 0);
    /* Stopping it ends its subscriptions: nobody is left to publish to. */
    assert_int_equal(akira_app_stop("hostile"), 0);
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 0); /* the count of calls not refused */
    assert_int_equal(akira_ipc_list(NULL, 0), 0);
    assert_int_equal(akira_ipc_publish("echo", "hello", 5), 0);
    /* A restart subscribes afresh. */
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(test_wait_log("hostile", "ipc: 0 calls not refused", 3000));
    assert_true(test_wait_state("hostile", AKIRA_APP_RUNNING, 1000));
    akira_sleep_ms(50);
    assert_int_equal(subs_of("hostile", subs, 8), 3);
}

/* ipc_slow subscribed to "flood", then ipc_flood (its manifest's IPC lines given) run
 * to its end; returns the flood app's info. */
static struct akira_app_info slow_then_flood(const char *flood_ipc)
{
    char m[96];
    snprintf(m, sizeof m, "capabilities: ipc\n%s", flood_ipc);
    test_app_load(&apps[0], "ipc_slow", "slow", "capabilities: ipc\nipc_subscribe: flood\n");
    test_app_add(&apps[0]);
    test_app_load(&apps[1], "ipc_flood", "flood", m);
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("slow"), 0);
    assert_true(test_wait_log("slow", "slow: subscribed", 2000));
    assert_int_equal(akira_app_start("flood"), 0);
    assert_int_equal(akira_app_wait_idle("flood", 5000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("flood", &info), 0);
    return info;
}

static void test_slow_subscriber_never_blocks_publisher(void **state)
{
    (void)state;
    /* 1000 messages at a subscriber that reads nothing: the publisher finishes. */
    struct akira_app_info info = slow_then_flood("ipc_publish: flood\n");
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 0);
    assert_true(test_wait_log("flood", "flood: published 1000, reached 8,", 100));
    /* The figure (not asserted: timing is bench/ material): how long 1000 publishes took. */
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    while (akira_app_log_next("flood", &cur, &ln) == 0)
        if (strstr(ln.text, "flood: published")) print_message("%s\n", ln.text);
    /* The subscriber's queue holds the first 8; the other 992 are counted as its drops. */
    struct akira_ipc_sub_info s[4];
    assert_int_equal(subs_of("slow", s, 4), 1);
    assert_string_equal(s[0].topic, "flood");
    assert_int_equal(s[0].queued, AKIRA_IPC_QUEUE_DEPTH);
    assert_int_equal(s[0].delivered, 8);
    assert_int_equal(s[0].dropped, 992);
    assert_int_equal(akira_ipc_app_dropped("slow"), 992);
    assert_int_equal(akira_ipc_app_dropped("flood"), 0);
    /* The slow one is alive and gets the oldest 8 intact. */
    assert_int_equal(akira_app_resume("slow"), 0);
    assert_true(test_wait_log("slow", "slow: got 8, dropped 992, last 8", 2000));
    /* Room again: a native publish reaches it. */
    uint32_t seven = 7;
    assert_int_equal(akira_ipc_publish("flood", &seven, 4), 1);
    assert_int_equal(akira_app_resume("slow"), 0);
    assert_true(test_wait_log("slow", "slow: got 1, dropped 992, last 7", 2000));
    /* Its drops outlive the subscription (shown per app). */
    assert_int_equal(akira_app_stop("slow"), 0);
    assert_int_equal(akira_ipc_list(NULL, 0), 0);
    assert_int_equal(akira_ipc_app_dropped("slow"), 992);
}

/* Issue 21, topic squatting: an app publishes and subscribes only on the topics its
 * manifest lists; anything else is EACCES, counted and logged, and reaches nobody. */
static void test_topic_ownership(void **state)
{
    (void)state;
    /* A publisher squatting on "flood", which its manifest does not give it. */
    struct akira_app_info info = slow_then_flood("ipc_publish: other, fl/*\n");
    assert_int_equal(info.exit_code, AKIRA_EACCES); /* its first publish */
    assert_int_equal(info.stats.denied_calls, 1);
    assert_true(test_wait_log(
        "flood", "denied: ipc publish on flood is not in the manifest's ipc_publish", 100));
    struct akira_ipc_sub_info s[4];
    assert_int_equal(subs_of("slow", s, 4), 1);
    assert_int_equal(s[0].delivered, 0);
    assert_int_equal(akira_app_stop("slow"), 0);
    /* A subscriber listening where it may not: refused (the app takes EACCES on its
     * first subscription for a missing capability and ends). */
    assert_int_equal(akira_appmgr_remove("flood"), 0);
    test_app_free(&apps[1]);
    test_app_load(&apps[1], "ipc_calls", "hostile", "capabilities: ipc\nipc_subscribe: echo\n");
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_int_equal(akira_app_wait_idle("hostile", 5000), 0);
    assert_true(test_wait_log(
        "hostile", "denied: ipc subscribe to probe is not in the manifest's ipc_subscribe", 100));
    assert_int_equal(akira_ipc_list(NULL, 0), 0);
    /* Allowed to listen everywhere but to answer only on probe: its replies on
     * echo/reply go nowhere. */
    assert_int_equal(akira_appmgr_remove("hostile"), 0);
    test_app_free(&apps[1]);
    test_app_load(&apps[1], "ipc_calls", "hostile",
                  "capabilities: ipc\nipc_subscribe: *\nipc_publish: probe\n");
    test_app_add(&apps[1]);
    int reply = akira_ipc_native_subscribe("echo/reply");
    assert_true(reply > 0);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(test_wait_log("hostile", "ipc: 0 calls not refused", 3000));
    assert_true(test_wait_state("hostile", AKIRA_APP_RUNNING, 1000));
    akira_sleep_ms(100); /* its own calls are done: it waits for events */
    assert_int_equal(akira_app_info("hostile", &info), 0);
    uint64_t denied = info.stats.denied_calls;
    int reached = 0;
    for (int i = 0; i < 200 && reached == 0; i++) {
        reached = akira_ipc_publish("echo", "hello", 5);
        if (reached == 0) akira_sleep_ms(10);
    }
    assert_int_equal(reached, 1);
    assert_true(test_wait_log("hostile", "ipc: echoed 5 bytes", 2000));
    assert_int_equal(akira_app_info("hostile", &info), 0);
    for (int i = 0; i < 100 && info.stats.denied_calls == denied; i++) {
        akira_sleep_ms(5);
        akira_app_info("hostile", &info);
    }
    assert_int_equal(info.stats.denied_calls, denied + 1); /* the reply on echo/reply */
    char got[16];
    assert_int_equal(akira_ipc_native_recv(reply, got, sizeof(got)), AKIRA_EAGAIN);
    assert_int_equal(akira_ipc_native_unsubscribe(reply), 0);
    assert_int_equal(akira_app_stop("hostile"), 0);
}

static void test_native_subscriber(void **state)
{
    (void)state;
    int a = akira_ipc_native_subscribe("flood");
    int b = akira_ipc_native_subscribe("other");
    assert_true(a > 0 && b > 0 && a != b);
    assert_int_equal(akira_ipc_native_subscribe("third"), AKIRA_ENOSPC);
    assert_int_equal(akira_ipc_native_subscribe("Bad"), AKIRA_EINVAL);
    test_app_load(&apps[1], "ipc_flood", "flood", "capabilities: ipc\nipc_publish: flood\n");
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("flood"), 0);
    assert_int_equal(akira_app_wait_idle("flood", 5000), 0);
    assert_true(test_wait_log("flood", "flood: published 1000, reached 8,", 100));
    /* The oldest 8 in order; a short buffer keeps the message; then empty. */
    uint32_t v;
    assert_int_equal(akira_ipc_native_recv(a, &v, 3), AKIRA_ERANGE);
    for (uint32_t i = 1; i <= 8; i++) {
        assert_int_equal(akira_ipc_native_recv(a, &v, sizeof(v)), 4);
        assert_int_equal(v, i);
    }
    assert_int_equal(akira_ipc_native_recv(a, &v, sizeof(v)), AKIRA_EAGAIN);
    assert_int_equal(akira_ipc_native_recv(b, &v, sizeof(v)), AKIRA_EAGAIN);
    struct akira_ipc_sub_info s[4];
    assert_int_equal(subs_of("system", s, 4), 2);
    assert_int_equal(s[0].dropped + s[1].dropped, 992);
    assert_int_equal(akira_ipc_native_unsubscribe(a), 0);
    assert_int_equal(akira_ipc_native_unsubscribe(a), AKIRA_ENOENT);
    assert_int_equal(akira_ipc_native_recv(a, &v, sizeof(v)), AKIRA_ENOENT);
    assert_int_equal(akira_ipc_native_unsubscribe(b), 0);
    assert_int_equal(akira_ipc_list(NULL, 0), 0);
}

/* An app built for upstream AkiraOS (compat manifest) publishes up to 256 bytes; a
 * subscriber whose ring holds 128-byte messages (ours, native) drops the longer ones
 * and counts them; our own apps stay at 128. */
static void test_compat_message_size(void **state)
{
    (void)state;
    int a = akira_ipc_native_subscribe("big");
    assert_true(a > 0);
    test_app_load(&apps[1], "ipc_big", "big", "capabilities: ipc\nipc_publish: big\n");
    apps[1].m.compat = true;
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("big"), 0);
    assert_int_equal(akira_app_wait_idle("big", 5000), 0);
    char want[64];
    snprintf(want, sizeof want, "big: 128 1, 200 0, 256 0, 257 %d", AKIRA_ETOOBIG);
    assert_true(test_wait_log("big", want, 100));
    static uint8_t buf[AKIRA_IPC_COMPAT_MSG_MAX];
    assert_int_equal(akira_ipc_native_recv(a, buf, sizeof buf), 128);
    assert_int_equal(buf[127], 127);
    assert_int_equal(akira_ipc_native_recv(a, buf, sizeof buf), AKIRA_EAGAIN);
    struct akira_ipc_sub_info s[2];
    assert_int_equal(subs_of("system", s, 2), 1);
    assert_int_equal(s[0].dropped, 2);
    assert_int_equal(akira_ipc_native_unsubscribe(a), 0);
    assert_int_equal(akira_appmgr_remove("big"), 0);
    test_app_free(&apps[1]);
    /* the same app with our manifest: 128 bytes at most */
    test_app_load(&apps[1], "ipc_big", "big", "capabilities: ipc\nipc_publish: big\n");
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("big"), 0);
    assert_int_equal(akira_app_wait_idle("big", 5000), 0);
    snprintf(want, sizeof want, "big: 128 0, 200 %d, 256 %d, 257 %d", AKIRA_ETOOBIG, AKIRA_ETOOBIG,
             AKIRA_ETOOBIG);
    assert_true(test_wait_log("big", want, 100));
}

static void test_native_publish_checks(void **state)
{
    (void)state;
    assert_int_equal(akira_ipc_publish("nobody/listens", "x", 1), 0);
    assert_int_equal(akira_ipc_publish("", "x", 1), AKIRA_EINVAL);
    assert_int_equal(akira_ipc_publish("a//b", "x", 1), AKIRA_EINVAL);
    assert_int_equal(akira_ipc_publish("/a", "x", 1), AKIRA_EINVAL);
    assert_int_equal(akira_ipc_publish("a/", "x", 1), AKIRA_EINVAL);
    assert_int_equal(akira_ipc_publish("A", "x", 1), AKIRA_EINVAL);
    assert_int_equal(akira_ipc_publish("0123456789012345678901234567890", "x", 1), 0);
    assert_int_equal(akira_ipc_publish("01234567890123456789012345678901", "x", 1),
                     AKIRA_ENAMETOOLONG);
    static uint8_t big[AKIRA_IPC_MSG_MAX + 1];
    assert_int_equal(akira_ipc_publish("t", big, AKIRA_IPC_MSG_MAX), 0);
    assert_int_equal(akira_ipc_publish("t", big, AKIRA_IPC_MSG_MAX + 1), AKIRA_ETOOBIG);
    assert_int_equal(akira_ipc_publish("t", NULL, 0), 0);
    assert_int_equal(akira_ipc_publish("t", NULL, 1), AKIRA_EINVAL);
    assert_int_equal(akira_ipc_publish(NULL, "x", 1), AKIRA_EINVAL);
    assert_int_equal(akira_ipc_topic_check("sensor/temp-1_a", 15), 0);
    assert_int_equal(akira_ipc_topic_check("a.b", 3), 0); /* upstream's akira.lifecycle */
    assert_int_equal(akira_ipc_topic_check("a+b", 3), AKIRA_EINVAL);
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_denied_without_capability, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounds_topics_and_cleanup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_subscriber_never_blocks_publisher, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_topic_ownership, setup, teardown),
        cmocka_unit_test_setup_teardown(test_native_subscriber, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compat_message_size, setup, teardown),
        cmocka_unit_test(test_native_publish_checks),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

/*
 * App manager with real apps: states, start/stop (also of a looping app), the running
 * limit, event delivery to a handler, the app heap, restart policy with backoff,
 * autostart, stats, upgrade and remove rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <akira/app_manager.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/heap.h>
#include <akira/kernel.h>
#include <akira/thread.h>
#include <akira/watchdog.h>

#include "mgr_util.h"

static struct test_app apps[3];

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false);
    struct akira_appmgr_config cfg = {.watchdog_ms = 5000, .stop_grace_ms = 1000};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_appmgr_deinit();
    for (int i = 0; i < 3; i++)
        test_app_free(&apps[i]);
    return 0;
}

/* Start `name` and wait for its run to end: it must fail with reason r (*info: its
 * info then). */
static void start_expect_failure(const char *name, enum akira_app_reason r,
                                 struct akira_app_info *info)
{
    assert_int_equal(akira_app_start(name), 0);
    assert_int_equal(akira_app_wait_idle(name, 2000), 0);
    assert_int_equal(akira_app_info(name, info), 0);
    assert_int_equal(info->state, AKIRA_APP_FAILED);
    assert_int_equal(info->reason, r);
}

static void test_start_stop_states(void **state)
{
    (void)state;
    test_app_load(&apps[0], "responder", "r0", NULL);
    test_app_add(&apps[0]);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("r0", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_INSTALLED);
    assert_string_equal(akira_app_state_name(info.state), "installed");
    assert_int_equal(akira_app_stop("r0"), AKIRA_ESTATE);
    assert_int_equal(akira_app_start("nope"), AKIRA_ENOENT);

    assert_int_equal(akira_app_start("r0"), 0);
    assert_int_equal(akira_app_start("r0"), AKIRA_EBUSY);
    assert_true(test_responder_answers("r0", 2000));
    assert_true(test_responder_answers("r0", 2000));
    assert_int_equal(akira_app_info("r0", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_RUNNING);
    assert_true(info.stats.native_calls >= 4);      /* waits and printfs */
    assert_true(info.stats.mem_used > 64u * 1024u); /* one page and more */
    assert_int_equal(info.stats.starts, 1);

    /* A well-behaved app sees STOP and returns its answer count. */
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_app_stop("r0"), 0);
    assert_true(akira_uptime_ms() - t0 < 500); /* well inside the grace: it returned on STOP */
    assert_int_equal(akira_app_info("r0", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 2);
    assert_int_equal(info.stats.mem_used, 0);
    assert_true(info.stats.mem_peak > 64u * 1024u);

    /* And starts again from scratch. */
    assert_int_equal(akira_app_start("r0"), 0);
    assert_true(test_responder_answers("r0", 2000));
    assert_int_equal(akira_app_info("r0", &info), 0);
    assert_int_equal(info.stats.starts, 2);
}

static void test_stop_looping_app(void **state)
{
    (void)state;
    test_app_load(&apps[0], "spin", "spin", NULL);
    test_app_add(&apps[0]);
    assert_int_equal(akira_app_start("spin"), 0);
    assert_true(test_wait_log("spin", "spinning", 2000));
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_app_stop("spin"), 0);
    uint64_t took = akira_uptime_ms() - t0;
    assert_true(took >= 990 && took < 3000); /* grace, then the engine interrupt */
    struct akira_app_info info;
    assert_int_equal(akira_app_info("spin", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_string_equal(info.detail, "stopped");
    assert_int_equal(info.stats.traps, 0); /* a stop is not a failure */
}

static void test_running_limit(void **state)
{
    (void)state;
    const char *names[3] = {"r0", "r1", "r2"};
    for (int i = 0; i < 3; i++) {
        test_app_load(&apps[i], "responder", names[i], NULL);
        test_app_add(&apps[i]);
    }
    assert_int_equal(akira_app_start("r0"), 0);
    assert_int_equal(akira_app_start("r1"), 0);
    assert_int_equal(akira_app_start("r2"), AKIRA_ENOSPC);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("r2", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_INSTALLED);
    assert_true(test_responder_answers("r0", 2000));
    assert_true(test_responder_answers("r1", 2000));
    /* A slot frees when one stops. */
    assert_int_equal(akira_app_stop("r0"), 0);
    assert_int_equal(akira_app_start("r2"), 0);
    assert_true(test_responder_answers("r2", 2000));
    /* Running apps cannot be replaced or removed. */
    assert_int_equal(akira_appmgr_add(&apps[1].m, test_app_read, &apps[1], apps[1].size, false),
                     AKIRA_EBUSY);
    assert_int_equal(akira_appmgr_remove("r1"), AKIRA_EBUSY);
    assert_int_equal(akira_appmgr_remove("r0"), 0);
    assert_int_equal(akira_app_info("r0", &info), AKIRA_ENOENT);
    struct akira_app_info list[8];
    assert_int_equal(akira_app_list(list, 8), 2);
}

static void test_event_handler(void **state)
{
    (void)state;
    test_app_load(&apps[0], "handler", "handler", "capabilities: timer\n");
    test_app_add(&apps[0]);
    assert_int_equal(akira_app_start("handler"), 0);
    assert_true(test_wait_log("handler", "event 1", 2000)); /* START, after main returned */
    /* The third event; the timer may have fired more often under load. */
    assert_true(test_wait_log("handler", "tick 1 fired ", 2000));
    assert_int_equal(akira_app_pause("handler"), 0);
    assert_true(test_wait_log("handler", "event 3", 2000));
    /* Paused shows in its state until it is resumed (issue 21). */
    struct akira_app_info info;
    assert_int_equal(akira_app_info("handler", &info), 0);
    assert_true(info.paused);
    assert_string_equal(akira_app_info_state(&info), "paused");
    assert_int_equal(akira_app_resume("handler"), 0);
    assert_true(test_wait_log("handler", "event 4", 2000));
    assert_int_equal(akira_app_info("handler", &info), 0);
    assert_false(info.paused);
    assert_string_equal(akira_app_info_state(&info), "running");
    assert_int_equal(akira_app_pause("handler"), 0);
    assert_int_equal(akira_app_stop("handler"), 0);
    assert_true(test_wait_log("handler", "event 2", 100)); /* STOP reached the handler */
    assert_int_equal(akira_app_info("handler", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_false(info.paused); /* a stopped app is not paused */
    assert_string_equal(akira_app_info_state(&info), "stopped");
    assert_int_equal(info.exit_code, 1); /* main returned its timer id */
}

static void test_app_heap(void **state)
{
    (void)state;
    test_app_load(&apps[0], "heap", "heap", "capabilities: memory\nheap_size: 8K\n");
    test_app_add(&apps[0]);
    assert_int_equal(akira_app_start("heap"), 0);
    assert_int_equal(akira_app_wait_idle("heap", 2000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("heap", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    /* 8 KiB of blocks: one of 1000 B (1024 with rounding) still held, 7 more fit. */
    assert_int_equal(info.exit_code, 107);
}

static void test_restart_policy_backoff(void **state)
{
    (void)state;
    test_app_load(&apps[0], "recurse", "crash", "restart: on-failure max_retries=3 delay_ms=40\n");
    test_app_add(&apps[0]);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_app_start("crash"), 0);
    assert_int_equal(akira_app_wait_idle("crash", 5000), 0);
    uint64_t took = akira_uptime_ms() - t0;
    struct akira_app_info info;
    assert_int_equal(akira_app_info("crash", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_FAILED);
    assert_int_equal(info.reason, AKIRA_APP_REASON_TRAP);
    assert_int_equal(info.stats.restarts, 3);
    assert_int_equal(info.stats.starts, 4);
    assert_int_equal(info.stats.traps, 4);
    assert_int_equal(info.retries, 3);
    assert_true(took >= 40 + 80 + 160); /* the delay doubles after each retry */
    assert_true(test_wait_log("crash", "restart 3 of 3 in 160 ms", 100));

    /* A start by hand begins a new series of retries. */
    assert_int_equal(akira_app_start("crash"), 0);
    assert_true(test_wait_log("crash", "restart 1 of 3 in 40 ms", 2000));
    /* Stop during the backoff cancels the pending restart at once. */
    assert_int_equal(akira_app_info("crash", &info), 0);
    t0 = akira_uptime_ms();
    assert_int_equal(akira_app_stop("crash"), 0);
    assert_true(akira_uptime_ms() - t0 <
                500); /* no grace to wait: the restart sleep ends at once */
    assert_int_equal(akira_app_info("crash", &info), 0);
    assert_false(info.restart_pending);
    assert_int_equal(akira_app_start("nope"), AKIRA_ENOENT);
}

static void test_autostart(void **state)
{
    (void)state;
    test_app_load(&apps[0], "responder", "auto", "autostart: true\n");
    test_app_load(&apps[1], "responder", "manual", NULL);
    test_app_add(&apps[0]);
    test_app_add(&apps[1]);
    assert_int_equal(akira_appmgr_autostart(), 1);
    assert_true(test_responder_answers("auto", 2000));
    struct akira_app_info info;
    assert_int_equal(akira_app_info("manual", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_INSTALLED);
}

static void test_bad_module_and_quota(void **state)
{
    (void)state;
    test_app_load(&apps[0], "responder", "broken", NULL);
    apps[0].bytes[apps[0].size / 2] ^= 0xff; /* somewhere in the code */
    apps[0].size -= 7;                       /* and cut short */
    test_app_add(&apps[0]);
    struct akira_app_info info;
    start_expect_failure("broken", AKIRA_APP_REASON_BAD_MODULE, &info);

    /* A heap that does not fit beside the module's memory and stack. */
    test_app_load(&apps[1], "heap", "greedy",
                  "capabilities: memory\nmemory_quota: 128K\nstack_size: 4K\nheap_size: 60K\n");
    test_app_add(&apps[1]);
    start_expect_failure("greedy", AKIRA_APP_REASON_QUOTA, &info);
    assert_true(info.stats.mem_peak <= 128u * 1024u);
}

/* The size of a thread's stack, from the registry. */
static size_t thread_stack_of(const char *tname)
{
    struct akira_thread_info ti[32];
    size_t n = akira_thread_list(ti, 32);
    for (size_t i = 0; i < n && i < 32; i++)
        if (strcmp(ti[i].name, tname) == 0) return ti[i].stack_size;
    return 0;
}

/* thread_stack (docs/aot.md): the app's thread gets it, and a stack above the
 * default is charged to memory_quota for the whole run; one that does not fit beside
 * what the run needs refuses the start with the reason, and nothing stays charged. */
static void test_thread_stack(void **state)
{
    (void)state;
    struct akira_app_info info;
    test_app_load(&apps[0], "responder", "small", "thread_stack: 16K\n");
    test_app_add(&apps[0]);
    size_t charged;
    assert_int_equal(akira_app_thread_stack(&apps[0].m, &charged), AKIRA_THREAD_STACK_DEFAULT);
    assert_int_equal(charged, 0); /* not above the default: the system's, as before */
    test_app_load(&apps[1], "responder", "big", "thread_stack: 160K\n");
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_thread_stack(&apps[1].m, &charged), 160u * 1024u);
    assert_int_equal(charged, 160u * 1024u);

    assert_int_equal(akira_app_start("big"), 0);
    assert_true(test_responder_answers("big", 2000));
    assert_int_equal(thread_stack_of("app:big"), 160u * 1024u);
    assert_int_equal(akira_app_info("big", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_RUNNING);
    assert_true(info.stats.mem_used >= 160u * 1024u + 64u * 1024u); /* stack and memory */
    assert_int_equal(akira_app_stop("big"), 0);
    assert_int_equal(akira_app_info("big", &info), 0);
    assert_int_equal(info.stats.mem_used, 0);

    assert_int_equal(akira_app_start("small"), 0);
    assert_true(test_responder_answers("small", 2000));
    assert_int_equal(thread_stack_of("app:small"), AKIRA_THREAD_STACK_DEFAULT);
    assert_int_equal(akira_app_info("small", &info), 0);
    assert_true(info.stats.mem_used < 128u * 1024u); /* nothing charged for the stack */
    assert_int_equal(akira_app_stop("small"), 0);

    /* 176K passes the manifest's sum (stack_size 16K + one page + 176K = memory_quota),
     * but the module and the store do not fit beside it. */
    test_app_load(&apps[2], "responder", "tight", "thread_stack: 176K\n");
    test_app_add(&apps[2]);
    start_expect_failure("tight", AKIRA_APP_REASON_QUOTA, &info);
    if (!strstr(info.detail, "memory_quota (262144 bytes, thread_stack 180224 of it)"))
        fail_msg("detail: %s", info.detail);
    assert_int_equal(info.stats.mem_used, 0);
    assert_true(info.stats.mem_peak <= 256u * 1024u);
}

#if defined(__x86_64__)
/* Native code recurses on the app thread's stack: the runtime's budget for it follows
 * thread_stack. deep's `probe` goes down to 4096 levels (returning 0 after the last):
 * past what the default stack gives native code (32 KiB, less the 8 KiB reserve),
 * within what 512K gives. */
static void test_thread_stack_aot_depth(void **state)
{
    (void)state;
    struct akira_app_info info;
    test_app_load(&apps[0], "deep.aot", "shallow", "entry: probe\n");
    test_app_add(&apps[0]);
    test_app_load(&apps[1], "deep.aot", "deeper",
                  "entry: probe\nmemory_quota: 1M\nthread_stack: 512K\n");
    test_app_add(&apps[1]);
    start_expect_failure("shallow", AKIRA_APP_REASON_TRAP, &info);
    assert_string_equal(info.tier, "aot x86_64");
    assert_string_equal(info.detail, "call stack exhausted");
    assert_int_equal(akira_app_start("deeper"), 0);
    assert_int_equal(akira_app_wait_idle("deeper", 5000), 0);
    assert_int_equal(akira_app_info("deeper", &info), 0);
    assert_string_equal(info.tier, "aot x86_64");
    if (info.state != AKIRA_APP_STOPPED) fail_msg("deeper: %s", info.detail);
    assert_int_equal(info.exit_code, 0); /* all 4096 levels (its lines pass the rate limit) */
}
#endif

/* No manifest entry and neither _start nor main: the message names both candidates. */
static void test_no_entry(void **state)
{
    (void)state;
    test_app_load(&apps[0], "noentry", "noentry", NULL);
    test_app_add(&apps[0]);
    struct akira_app_info info;
    start_expect_failure("noentry", AKIRA_APP_REASON_NO_ENTRY, &info);
    assert_string_equal(info.detail, "no export _start or main");
}

static void test_wasi_program(void **state)
{
    (void)state;
    test_app_load(&apps[0], "wasi_hello", "wasi", NULL);
    test_app_add(&apps[0]);
    assert_int_equal(akira_app_start("wasi"), 0);
    assert_int_equal(akira_app_wait_idle("wasi", 2000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("wasi", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED); /* proc_exit is an exit */
    assert_int_equal(info.exit_code, 3);
    assert_string_equal(info.detail, "exited 3");
    assert_int_equal(info.stats.traps, 0);
    assert_true(test_wait_log("wasi", "hello from wasi 42", 100));
    assert_true(test_wait_log("wasi", "two lines", 100));
    assert_true(test_wait_log("wasi", "in one write", 100));
    assert_true(test_wait_log("wasi", "to stderr", 100));
    /* wasi-libc writes a line as two iovecs (buffer, then the rest): still one line,
     * and no empty ones. */
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    int lines = 0;
    while (akira_app_log_next("wasi", &cur, &ln) == 0) {
        assert_true(ln.text[0] != '\0');
        lines++;
    }
    assert_int_equal(lines, 4);
}

/* An app that ends by itself leaves no thread (and so no stack) behind while it does
 * not run: its thread frees itself, without a stop or another start to join it. */
static void test_ended_app_frees_its_thread(void **state)
{
    (void)state;
    test_app_load(&apps[0], "wasi_hello", "wasi", NULL);
    test_app_add(&apps[0]);
    size_t before = akira_thread_list(NULL, 0);
    assert_int_equal(akira_app_start("wasi"), 0);
    assert_int_equal(akira_app_wait_idle("wasi", 2000), 0);
    size_t now = before + 1;
    for (int i = 0; i < 200 && now > before; i++) {
        akira_sleep_ms(10); /* the thread returns just after it said it ended */
        now = akira_thread_list(NULL, 0);
    }
    assert_int_equal(now, before);
    /* It starts again as before. */
    assert_int_equal(akira_app_start("wasi"), 0);
    assert_int_equal(akira_app_wait_idle("wasi", 2000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("wasi", &info), 0);
    assert_int_equal(info.stats.starts, 2);
    assert_int_equal(akira_app_stop("wasi"), AKIRA_ESTATE);
}

/* wasi-libc's malloc takes all memory above __heap_base at its first call, the app
 * heap's pages too: both would hand out the same bytes. Refused, with the reason. */
static void test_wasi_with_heap_size_refused(void **state)
{
    (void)state;
    test_app_load(&apps[0], "wasi_hello", "wasi", "heap_size: 16K\n");
    test_app_add(&apps[0]);
    struct akira_app_info info;
    start_expect_failure("wasi", AKIRA_APP_REASON_BAD_MODULE, &info);
    assert_non_null(strstr(info.detail, "heap_size"));
    assert_non_null(strstr(info.detail, "wasi"));
    assert_false(test_wait_log("wasi", "hello from wasi", 50)); /* it never ran */
}

static void test_timer_never_waits_for_app(void **state)
{
    (void)state;
    test_app_load(&apps[0], "slow", "slow", "capabilities: timer\n");
    test_app_add(&apps[0]);
    assert_int_equal(akira_app_start("slow"), 0);
    assert_int_equal(akira_app_wait_idle("slow", 3000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("slow", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    /* START took one place: 15 timer events queued, the rest dropped and counted. */
    assert_true(test_wait_log("slow", "queued 15 dropped", 100));
    assert_true(info.exit_code > 50);
    assert_int_equal(info.stats.events_dropped, (uint32_t)info.exit_code);
}

static void test_health_channel(void **state)
{
    (void)state;
    /* The health thread is a fed channel of the kernel watchdog service. */
    akira_sleep_ms(120);
    struct akira_wdt_channel_info ch[AKIRA_WDT_MAX_CHANNELS];
    size_t n = akira_wdt_list(ch, AKIRA_WDT_MAX_CHANNELS);
    bool found = false;
    for (size_t i = 0; i < n && i < AKIRA_WDT_MAX_CHANNELS; i++) {
        if (strcmp(ch[i].name, "app-health") != 0) continue;
        found = true;
        assert_false(ch[i].expired);
        assert_true(ch[i].margin_ms > 500);
    }
    assert_true(found);
}

/* An installed app's entry (manifest, log ring, event queue, run context) comes from
 * the manager's pool (PSRAM on an MCU), not from internal RAM, and goes back there
 * when the app is removed; its log ring works from there. */
static void test_entries_in_pool(void **state)
{
    (void)state;
    akira_appmgr_deinit();
    static _Alignas(16) unsigned char region[1u << 20];
    akira_heap_t *pool;
    assert_int_equal(akira_heap_create(&pool, region, sizeof(region)), 0);
    struct akira_appmgr_config cfg = {.watchdog_ms = 5000, .stop_grace_ms = 1000, .pool = pool};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    struct akira_heap_stats before, installed, after;
    akira_heap_stats_get(pool, &before);
    test_app_load(&apps[0], "responder", "r0", NULL);
    test_app_add(&apps[0]);
    akira_heap_stats_get(pool, &installed);
    assert_true(installed.used_bytes - before.used_bytes >= akira_appmgr_entry_bytes());
    assert_int_equal(installed.alloc_count, before.alloc_count + 1);

    assert_int_equal(akira_app_start("r0"), 0);
    assert_true(test_responder_answers("r0", 2000));
    assert_int_equal(akira_app_stop("r0"), 0);
    uint64_t cursor = 0;
    struct akira_app_log_line line;
    assert_int_equal(akira_app_log_next("r0", &cursor, &line), 0);

    assert_int_equal(akira_appmgr_remove("r0"), 0);
    akira_heap_stats_get(pool, &after);
    assert_int_equal(after.used_bytes, before.used_bytes);
    assert_int_equal(akira_app_log_next("r0", &cursor, &line), AKIRA_ENOENT);
    akira_appmgr_deinit();
    akira_heap_destroy(pool);
    struct akira_appmgr_config plain = {.watchdog_ms = 5000, .stop_grace_ms = 1000};
    assert_int_equal(akira_appmgr_init(&plain), 0); /* for teardown */
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_start_stop_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_looping_app, setup, teardown),
        cmocka_unit_test_setup_teardown(test_running_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_heap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_policy_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autostart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_module_and_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wasi_program, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ended_app_frees_its_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_never_waits_for_app, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wasi_with_heap_size_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_in_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_stack, setup, teardown),
#if defined(__x86_64__)
        cmocka_unit_test_setup_teardown(test_thread_stack_aot_depth, setup, teardown),
#endif
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

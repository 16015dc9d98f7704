/*
 * The SDK examples (sdk/examples, packed by akira_app() into build/apps) installed in
 * the app store and run by the app manager, as a user of `make run` sees them:
 * hello greets and stops; counter counts its runs across restarts, reboots and
 * upgrades, and starts over after an uninstall; ping and pong do 5 IPC round trips;
 * blink-timer toggles every 500 ms until stopped. Autostart brings up hello and
 * counter at boot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>

#include "mgr_util.h"

static struct akira_sim_flash fl;

/* Storage, app store and manager up, with the apps the store holds: a boot. */
static void boot(void)
{
    struct akira_storage_report rep;
    assert_int_equal(akira_storage_init(&fl.dev, &rep), 0);
    assert_int_equal(akira_appstore_init(), 0);
    struct akira_appmgr_config cfg = {.stop_grace_ms = 200};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    assert_true(akira_appmgr_sync_store() >= 0);
}

static void shutdown(void)
{
    akira_appmgr_deinit();
    akira_appstore_deinit();
    akira_storage_deinit();
}

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false);
    /* RAM flash: it keeps its bytes across shutdown() and boot() until closed. */
    assert_int_equal(akira_sim_flash_open(&fl, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                                          AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                          AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE),
                     0);
    boot();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    shutdown();
    akira_sim_flash_close(&fl);
    return 0;
}

/* Install build/apps/<name>.wasm the way `app install` does: streamed in 1 KiB pieces. */
static void install(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.wasm", APP_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("%s is missing: the SDK examples were not built", path);
    struct akira_appstore_writer w;
    assert_int_equal(akira_appstore_install_begin(&w, 0), 0);
    uint8_t buf[1024];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        assert_int_equal(akira_appstore_install_write(&w, buf, n), 0);
    fclose(f);
    struct akira_app_record r;
    struct akira_manifest_error e;
    int rc = akira_app_install_finish(&w, &r, &e);
    if (rc != 0) fail_msg("install %s: %s: %s: %s", name, akira_err_str(rc), e.field, e.reason);
    assert_string_equal(r.manifest.name, name);
}

static bool wait_log_or_dump(const char *name, const char *needle, int ms)
{
    if (test_wait_log(name, needle, ms)) return true;
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    while (akira_app_log_next(name, &cur, &ln) == 0)
        print_message("%s: %s\n", name, ln.text);
    return false;
}

/* The newest line of name's log contains needle (not some older run's line). */
static bool last_line_has(const char *name, const char *needle)
{
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    char last[sizeof(ln.text)] = "";
    while (akira_app_log_next(name, &cur, &ln) == 0)
        memcpy(last, ln.text, sizeof(last));
    if (strstr(last, needle)) return true;
    print_message("%s: last line \"%s\", expected \"%s\"\n", name, last, needle);
    return false;
}

static void run_to_end(const char *name, int32_t exit_code)
{
    assert_int_equal(akira_app_start(name), 0);
    assert_int_equal(akira_app_wait_idle(name, 5000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info(name, &info), 0);
    if (info.state != AKIRA_APP_STOPPED)
        fail_msg("%s: %s (%s)", name, akira_app_state_name(info.state), info.detail);
    assert_int_equal(info.exit_code, exit_code);
}

static void test_hello(void **state)
{
    (void)state;
    install("hello");
    run_to_end("hello", 0);
    assert_true(wait_log_or_dump("hello", "Hello from AkiraOS!", 100));
}

static void test_counter_survives_restarts_reboots_and_upgrades(void **state)
{
    (void)state;
    install("counter");
    run_to_end("counter", 0);
    assert_true(last_line_has("counter", "run 1 (history.txt 6 bytes)"));
    run_to_end("counter", 0);
    assert_true(last_line_has("counter", "run 2 (history.txt 12 bytes)"));
    /* A reboot: everything down and up again from flash; autostart runs it. */
    shutdown();
    boot();
    assert_int_equal(akira_appmgr_autostart(), 1);
    assert_int_equal(akira_app_wait_idle("counter", 5000), 0);
    assert_true(last_line_has("counter", "run 3 (history.txt 18 bytes)"));
    /* An upgrade (same name, installed again) keeps the app's data. */
    install("counter");
    run_to_end("counter", 0);
    assert_true(last_line_has("counter", "run 4 (history.txt 24 bytes)"));
    /* Uninstall removes it; a fresh install starts from 1. */
    assert_int_equal(akira_app_uninstall("counter"), 0);
    install("counter");
    run_to_end("counter", 0);
    assert_true(last_line_has("counter", "run 1 (history.txt 6 bytes)"));
}

static void test_ping_pong_round_trips(void **state)
{
    (void)state;
    install("ping");
    install("pong");
    assert_int_equal(akira_app_start("pong"), 0);
    assert_true(wait_log_or_dump("pong", "listening on ping", 2000));
    run_to_end("ping", 0);
    assert_true(wait_log_or_dump("ping", "done, 5 round trips", 100));
    for (int i = 1; i <= 5; i++) {
        char line[32];
        snprintf(line, sizeof(line), "round trip %d: seq", i);
        assert_true(wait_log_or_dump("ping", line, 100));
    }
    assert_int_equal(test_log_count("ping", "nobody listens"), 0);
    assert_true(wait_log_or_dump("pong", "answered 5", 100));
    assert_int_equal(test_log_count("pong", "answered 6"), 0);
    /* pong keeps running for the next ping. */
    struct akira_app_info info;
    assert_int_equal(akira_app_info("pong", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_RUNNING);
    run_to_end("ping", 0);
    assert_true(wait_log_or_dump("pong", "answered 10", 1000));
    assert_int_equal(akira_app_stop("pong"), 0);
    /* Without pong nobody answers; ping says so and keeps trying until stopped. */
    assert_int_equal(akira_app_start("ping"), 0);
    assert_true(wait_log_or_dump("ping", "nobody listens on ping (start pong)", 2000));
    assert_int_equal(akira_app_stop("ping"), 0);
    assert_int_equal(akira_app_info("ping", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
}

static void test_blink_timer_periodic(void **state)
{
    (void)state;
    install("blink-timer");
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_app_start("blink-timer"), 0);
    assert_true(wait_log_or_dump("blink-timer", "timer 1 every 500 ms", 2000));
    assert_true(wait_log_or_dump("blink-timer", "led on (tick 1)", 2000));
    assert_true(wait_log_or_dump("blink-timer", "led off (tick 2)", 2000));
    assert_true(wait_log_or_dump("blink-timer", "led on (tick 3)", 2000));
    /* Periodic, not a burst: three ticks take about 1.5 s. */
    assert_true(akira_uptime_ms() - t0 >= 1400);
    assert_int_equal(akira_app_stop("blink-timer"), 0);
    assert_true(wait_log_or_dump("blink-timer", "stopped after", 100));
    struct akira_app_info info;
    assert_int_equal(akira_app_info("blink-timer", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.stats.traps, 0);
}

static void test_autostart_at_boot(void **state)
{
    (void)state;
    const char *all[] = {"hello", "counter", "ping", "pong", "blink-timer"};
    for (size_t i = 0; i < 5; i++)
        install(all[i]);
    shutdown();
    boot();
    /* hello and counter say autostart: true; the others wait to be started. */
    assert_int_equal(akira_appmgr_autostart(), 2);
    assert_int_equal(akira_app_wait_idle("hello", 5000), 0);
    assert_int_equal(akira_app_wait_idle("counter", 5000), 0);
    assert_true(wait_log_or_dump("hello", "Hello from AkiraOS!", 100));
    assert_true(wait_log_or_dump("counter", "run 1", 100));
    struct akira_app_info info;
    assert_int_equal(akira_app_info("blink-timer", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_INSTALLED);
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counter_survives_restarts_reboots_and_upgrades, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ping_pong_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blink_timer_periodic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autostart_at_boot, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

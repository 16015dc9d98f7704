/*
 * Hostile apps against the shared flash (issue 21 items 1 and 2), each beside the
 * responder that must keep answering: a file-creation bomb, a settings-record bomb and
 * a write-wear loop. Each must end with a clear error for itself alone (EQUOTA at its
 * own limits, EAGAIN once its write budget is spent, the log saying why), while
 * another app and the system still create and write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/app_storage.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>

#include "mgr_util.h"

static struct akira_sim_flash fl;
static struct test_app responder, hostile, victim;

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false);
    struct akira_storage_report rep;
    assert_int_equal(akira_sim_flash_open(&fl, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                                          AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                          AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE),
                     0);
    assert_int_equal(akira_storage_init(&fl.dev, &rep), 0);
    struct akira_appmgr_config cfg = {.stop_grace_ms = 200};
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
    akira_storage_deinit();
    akira_sim_flash_close(&fl);
    test_app_free(&responder);
    test_app_free(&hostile);
    test_app_free(&victim);
    return 0;
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

/* Lines of name's log that contain needle. */
static int log_count(const char *name, const char *needle)
{
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    int n = 0;
    while (akira_app_log_next(name, &cur, &ln) == 0)
        n += strstr(ln.text, needle) != NULL;
    return n;
}

/* The system (root view) still creates and writes a file, and sets a key. */
static void system_still_writes(const char *path)
{
    struct akira_fs root;
    struct akira_fs_file f;
    akira_storage_lock();
    akira_fs_root_view(akira_storage_fs(), &root);
    assert_int_equal(akira_fs_open(&root, path, AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &f), 0);
    assert_int_equal(akira_fs_write(&f, "system", 6), 6);
    assert_int_equal(akira_fs_close(&f), 0);
    assert_int_equal(akira_settings_set(akira_storage_settings(), "akira/test/after", "1", 1), 0);
    akira_storage_unlock();
}

static void run(struct test_app *app, const char *file, const char *name, const char *manifest)
{
    test_app_load(app, file, name, manifest);
    test_app_add(app);
    assert_int_equal(akira_app_start(name), 0);
}

static void test_file_bomb_is_contained(void **state)
{
    (void)state;
    run(&hostile, "file_bomb", "hostile", "capabilities: storage\nflash_write_burst: 1M\n");
    /* Its own limit (the board's default), not the volume's 253 free entries. */
    char want[64];
    snprintf(want, sizeof(want), "file_bomb: %d entries, then %d", AKIRA_BOARD_APP_FILES_DEFAULT,
             AKIRA_EQUOTA);
    assert_true(wait_log_or_dump("hostile", want, 20000));
    struct akira_app_storage_stats s;
    assert_int_equal(akira_app_storage_stats("hostile", NULL, &s), 0);
    assert_int_equal(s.files, AKIRA_BOARD_APP_FILES_DEFAULT);
    /* Every one-byte file is charged its data block, index block and entry. */
    assert_true(s.fs_charged >= s.files * AKIRA_FS_META_COST +
                                    (s.files - s.files / 8) * 2 * AKIRA_BOARD_FLASH_SECTOR_SIZE);
    assert_true(test_responder_answers("responder", 2000));
    system_still_writes("system.txt");
    assert_int_equal(akira_app_stop("hostile"), 0);
    /* Another app gets all of its own share (the manifest asks the board's maximum). */
    run(&victim, "file_bomb", "victim",
        "capabilities: storage\nstorage_files: 24\nflash_write_burst: 1M\n");
    snprintf(want, sizeof(want), "file_bomb: %d entries, then %d", 24, AKIRA_EQUOTA);
    assert_true(wait_log_or_dump("victim", want, 20000));
    system_still_writes("system2.txt");
    assert_true(test_responder_answers("responder", 2000));
}

static void test_settings_bomb_is_contained(void **state)
{
    (void)state;
    run(&hostile, "settings_bomb", "hostile",
        "capabilities: storage\nsettings_keys: 32\nflash_write_burst: 1M\n");
    /* 32 keys of 24-byte records, then each grown to a 280-byte record while the
     * 2048 bytes of its share last: 768 + 5 * 256. */
    assert_true(
        wait_log_or_dump("hostile", "settings_bomb: 32 keys, then -22; 5 grown, then -22", 20000));
    struct akira_app_storage_stats s;
    assert_int_equal(akira_app_storage_stats("hostile", NULL, &s), 0);
    assert_int_equal(s.keys, 32);
    assert_int_equal(s.settings_bytes, 2048);
    assert_true(test_responder_answers("responder", 2000));
    system_still_writes("system.txt");
    assert_int_equal(akira_app_stop("hostile"), 0);
    /* Another app's keys are its own. */
    run(&victim, "settings_bomb", "victim", "capabilities: storage\n");
    char want[80];
    snprintf(want, sizeof(want), "settings_bomb: %d keys, then %d",
             AKIRA_BOARD_APP_SETTINGS_KEYS_DEFAULT, AKIRA_EQUOTA);
    assert_true(wait_log_or_dump("victim", want, 20000));
}

static void test_wear_loop_is_contained(void **state)
{
    (void)state;
    struct akira_flash_area fa;
    struct akira_flash_wear before, after;
    assert_int_equal(akira_flash_area_open(AKIRA_PART_SETTINGS, false, &fa), 0);
    assert_int_equal(akira_flash_area_wear(&fa, &before), 0);
    run(&hostile, "wear_loop", "wearer", "capabilities: storage\n");
    assert_true(wait_log_or_dump("wearer", "wear_loop: 50 of 50 retries refused", 30000));
    /* Both loops stopped at its budget (EAGAIN), after about a burst's worth. */
    assert_true(wait_log_or_dump("wearer", "then -7 -7", 100));
    struct akira_app_storage_stats s;
    assert_int_equal(akira_app_storage_stats("wearer", NULL, &s), 0);
    assert_true(s.denied >= 100);
    assert_true(s.wear >= AKIRA_BOARD_APP_FLASH_BURST_DEFAULT / 2);
    assert_true(s.wear <= AKIRA_BOARD_APP_FLASH_BURST_DEFAULT + 64u * 1024u);
    /* The settings sectors (the system's keys live there) were hardly erased. */
    assert_int_equal(akira_flash_area_wear(&fa, &after), 0);
    assert_true(after.total - before.total <= 1);
    /* The log says why, once for the whole burst of refusals. */
    assert_int_equal(log_count("wearer", "flash write budget spent"), 1);
    assert_true(test_responder_answers("responder", 2000));
    system_still_writes("system.txt");
    /* Another app has its own budget. */
    assert_int_equal(akira_app_stop("wearer"), 0);
    run(&victim, "settings_bomb", "victim", "capabilities: storage\n");
    assert_true(wait_log_or_dump("victim", "settings_bomb: 16 keys, then -22", 20000));
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_bomb_is_contained, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings_bomb_is_contained, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wear_loop_is_contained, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

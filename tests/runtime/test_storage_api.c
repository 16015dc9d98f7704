/*
 * Storage API (issue 5 item 5): an app's own files and settings keys, called from a
 * WASM app beside another app that must keep answering. With the hostile storage apps
 * of issue 21: a file bomb, a settings-record bomb and a write-wear loop. Denied without the
 * capability; path escapes, wild pointers, bad handles, the handle limit, the key
 * share and the file quota refused; nothing lands outside the app's directory and
 * namespace; handles left open are closed (synced) when it ends; uninstall's removal
 * takes its data and only its data.
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

/* On failure, show what the app said (its own expect() lines name the call). */
static bool wait_log_or_dump(const char *name, const char *needle, int ms)
{
    if (test_wait_log(name, needle, ms)) return true;
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    while (akira_app_log_next(name, &cur, &ln) == 0)
        print_message("%s: %s\n", name, ln.text);
    return false;
}

static void test_denied_without_capability(void **state)
{
    (void)state;
    test_app_load(&hostile, "storage_calls", "hostile", NULL);
    test_app_add(&hostile);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_int_equal(akira_app_wait_idle("hostile", 5000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 13);
    assert_int_equal(info.stats.denied_calls, 13);
    assert_true(wait_log_or_dump("hostile", "storage: denied 13 of 13", 100));
    /* It touched nothing: not even its directory was made. */
    akira_storage_lock();
    struct akira_fs root;
    struct akira_fs_stat st;
    akira_fs_root_view(akira_storage_fs(), &root);
    assert_int_equal(akira_fs_stat(&root, "apps/hostile", &st), AKIRA_ENOENT);
    akira_storage_unlock();
    assert_true(test_responder_answers("responder", 2000));
}

static int count_keys(void *ctx, const char *key, const void *val, size_t len)
{
    (void)key, (void)val, (void)len;
    (*(int *)ctx)++;
    return 0;
}

static int keys_under(const char *prefix)
{
    int n = 0;
    akira_storage_lock();
    assert_int_equal(akira_settings_foreach(akira_storage_settings(), prefix, count_keys, &n), 0);
    akira_storage_unlock();
    return n;
}

/* Names in a directory of the root view, joined by ','. */
static void list_dir(const char *path, char *out, size_t cap)
{
    struct akira_fs root;
    struct akira_fs_dir d;
    struct akira_fs_stat st;
    out[0] = '\0';
    akira_storage_lock();
    akira_fs_root_view(akira_storage_fs(), &root);
    assert_int_equal(akira_fs_opendir(&root, path, &d), 0);
    while (akira_fs_readdir(&d, &st) == 1) {
        if (out[0]) strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, st.name, cap - strlen(out) - 1);
    }
    akira_storage_unlock();
}

static void test_hostile_calls_stay_inside(void **state)
{
    (void)state;
    char before[8] = "", after[8] = "";
    akira_storage_lock();
    int blen = akira_settings_get(akira_storage_settings(), "akira/security/allow_unsigned", before,
                                  sizeof(before));
    akira_storage_unlock();
    test_app_load(&hostile, "storage_calls", "hostile",
                  "capabilities: storage\nflash_write_burst: 1M\n");
    test_app_add(&hostile);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(wait_log_or_dump("hostile", "storage: 0 calls not refused", 20000));
    assert_true(test_responder_answers("responder", 2000));
    assert_int_equal(akira_app_resume("hostile"), 0);
    /* Flash charged: notes.txt (13 bytes) and open.txt (9, unsynced) a data block, an
     * index block and an entry each; sub, sub/inner and h1..h4 an entry each. */
    assert_true(wait_log_or_dump("hostile", "storage: usage 16896", 2000));

    /* Nothing outside /apps/hostile and app/hostile/. */
    char names[256];
    list_dir("/", names, sizeof(names));
    assert_string_equal(names, "apps");
    list_dir("apps", names, sizeof(names));
    assert_string_equal(names, "hostile");
    list_dir("apps/hostile", names, sizeof(names));
    assert_non_null(strstr(names, "notes.txt"));
    assert_non_null(strstr(names, "sub"));
    assert_null(strstr(names, "escape"));
    assert_int_equal(keys_under("app/"), 15); /* 16 minus the one it deleted */
    assert_int_equal(keys_under("app/hostile/"), 15);
    akira_storage_lock();
    int alen = akira_settings_get(akira_storage_settings(), "akira/security/allow_unsigned", after,
                                  sizeof(after));
    char v[8];
    assert_int_equal(
        akira_settings_get(akira_storage_settings(), "app/hostile/greeting", v, sizeof(v)), 3);
    akira_storage_unlock();
    assert_int_equal(alen, blen);
    assert_memory_equal(before, after, sizeof(before));
    assert_memory_equal(v, "hey", 3);

    /* The file it left open is closed and durable once it ends. */
    assert_int_equal(akira_app_stop("hostile"), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.exit_code, 0);
    assert_int_equal(info.stats.traps, 0);
    akira_storage_lock();
    struct akira_fs root;
    struct akira_fs_stat st;
    akira_fs_root_view(akira_storage_fs(), &root);
    assert_int_equal(akira_fs_stat(&root, "apps/hostile/open.txt", &st), 0);
    assert_int_equal(st.size, 9);
    assert_int_equal(akira_fs_unlink(&root, "apps/hostile/open.txt"), 0); /* not busy */
    akira_storage_unlock();
    assert_true(test_responder_answers("responder", 2000));
}

static void put_file(const char *path, const char *text)
{
    struct akira_fs root;
    struct akira_fs_file f;
    akira_storage_lock();
    akira_fs_root_view(akira_storage_fs(), &root);
    assert_int_equal(akira_fs_open(&root, path, AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &f), 0);
    assert_int_equal(akira_fs_write(&f, text, strlen(text)), (int)strlen(text));
    assert_int_equal(akira_fs_close(&f), 0);
    akira_storage_unlock();
}

static void test_remove_takes_only_that_apps_data(void **state)
{
    (void)state;
    /* Data of "hostile" (made by the app) and of two neighbours with similar names. */
    test_app_load(&hostile, "storage_calls", "hostile",
                  "capabilities: storage\nflash_write_burst: 1M\n");
    test_app_add(&hostile);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(wait_log_or_dump("hostile", "storage: 0 calls not refused", 20000));
    assert_int_equal(akira_app_stop("hostile"), 0);
    struct akira_fs root;
    akira_storage_lock();
    akira_fs_root_view(akira_storage_fs(), &root);
    assert_int_equal(akira_fs_mkdir(&root, "apps/hostile2"), 0);
    assert_int_equal(akira_settings_set(akira_storage_settings(), "app/hostile2/k", "1", 1), 0);
    assert_int_equal(akira_settings_set(akira_storage_settings(), "app/hostilex/k", "1", 1), 0);
    akira_storage_unlock();
    put_file("apps/hostile2/keep.txt", "keep");
    assert_int_equal(akira_app_storage_remove("hostile"), 0);
    char names[256];
    list_dir("apps", names, sizeof(names));
    assert_string_equal(names, "hostile2");
    assert_int_equal(keys_under("app/hostile/"), 0);
    assert_int_equal(keys_under("app/hostile2/"), 1);
    assert_int_equal(keys_under("app/hostilex/"), 1);
    list_dir("apps/hostile2", names, sizeof(names));
    assert_string_equal(names, "keep.txt");
    /* Again: nothing left, still fine. Bad names are refused. */
    assert_int_equal(akira_app_storage_remove("hostile"), 0);
    assert_int_equal(akira_app_storage_remove("../apps"), AKIRA_EINVAL);
    assert_int_equal(akira_app_storage_remove(""), AKIRA_EINVAL);
    assert_int_equal(akira_app_storage_remove("a/b"), AKIRA_EINVAL);
    list_dir("apps", names, sizeof(names));
    assert_string_equal(names, "hostile2");
    /* The app starts over with an empty directory. */
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(wait_log_or_dump("hostile", "storage: 0 calls not refused", 20000));
    assert_true(test_responder_answers("responder", 2000));
}

/* Storage down (a failed mount at boot): calls that need it get ENODEV, path checks
 * still come first, and nothing traps. */
static void test_storage_down(void **state)
{
    (void)state;
    akira_storage_deinit();
    test_app_load(&hostile, "storage_calls", "hostile",
                  "capabilities: storage\nflash_write_burst: 1M\n");
    test_app_add(&hostile);
    assert_int_equal(akira_app_start("hostile"), 0);
    assert_true(wait_log_or_dump("hostile", "calls not refused", 5000));
    /* The log ring keeps the newest lines: the last calls of the run. */
    assert_true(wait_log_or_dump("hostile", "storage: delete gave -18, expected 0", 100));
    assert_true(wait_log_or_dump("hostile", "storage: unlink fill.bin gave -18, expected 0", 100));
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hostile", &info), 0);
    assert_int_equal(info.stats.traps, 0);
    assert_true(test_responder_answers("responder", 2000));
    struct akira_storage_report rep;
    assert_int_equal(akira_app_stop("hostile"), 0);
    assert_int_equal(akira_storage_init(&fl.dev, &rep), 0); /* for teardown */
}

/* The system (root view) still creates and writes a file, and sets a key. */
static void system_still_writes(const char *path)
{
    put_file(path, "system");
    akira_storage_lock();
    assert_int_equal(akira_settings_set(akira_storage_settings(), "akira/test/after", "1", 1), 0);
    akira_storage_unlock();
}

static void run(struct test_app *app, const char *file, const char *name, const char *manifest)
{
    test_app_load(app, file, name, manifest);
    test_app_add(app);
    assert_int_equal(akira_app_start(name), 0);
}

/* Hostile-app suite, issue 21 items 1 and 2: a file-creation bomb and a settings-record
 * bomb stop at the app's own limits with EQUOTA; another app still gets all of its
 * own share, the system still writes, the responder still answers. */
static void test_storage_bombs_are_contained(void **state)
{
    (void)state;
    run(&hostile, "storage_bomb", "bomber",
        "capabilities: storage\nsettings_keys: 32\nflash_write_burst: 1M\n");
    /* Its own limit (the board's default), not the volume's 253 free entries. */
    char want[80];
    snprintf(want, sizeof(want), "file_bomb: %d entries, then %d", AKIRA_BOARD_APP_FILES_DEFAULT,
             AKIRA_EQUOTA);
    assert_true(wait_log_or_dump("bomber", want, 20000));
    /* 32 keys of 24-byte records ("app/bomber/k0" + 1 byte), then grown to 280-byte
     * records while the 2048 bytes of its share last: 768 + 5 * 256. */
    assert_true(
        wait_log_or_dump("bomber", "settings_bomb: 32 keys, then -22; 5 grown, then -22", 20000));
    struct akira_app_storage_stats s;
    assert_int_equal(akira_app_storage_stats("bomber", NULL, &s), 0);
    assert_int_equal(s.files, AKIRA_BOARD_APP_FILES_DEFAULT);
    /* Every one-byte file is charged its data block, index block and entry. */
    assert_int_equal(s.fs_charged, s.files * AKIRA_FS_META_COST +
                                       (s.files - s.files / 8) * 2 * AKIRA_BOARD_FLASH_SECTOR_SIZE);
    assert_int_equal(s.keys, 32);
    assert_int_equal(s.settings_bytes, AKIRA_BOARD_APP_SETTINGS_BYTES);
    assert_true(test_responder_answers("responder", 2000));
    system_still_writes("system.txt");
    assert_int_equal(akira_app_stop("bomber"), 0);
    /* Another app gets all of its own share (here the board's most files). */
    run(&victim, "storage_bomb", "victim",
        "capabilities: storage\nstorage_files: 24\nflash_write_burst: 1M\n");
    assert_true(wait_log_or_dump("victim", "file_bomb: 24 entries, then -22", 20000));
    assert_true(
        wait_log_or_dump("victim", "settings_bomb: 16 keys, then -22; 6 grown, then -22", 20000));
    system_still_writes("system2.txt");
    assert_true(test_responder_answers("responder", 2000));
}

/* Hostile-app suite, issue 21 item 2: a loop of settings writes and file rewrites is
 * refused with EAGAIN once its write budget is spent, the log says why once, the
 * settings sectors (the system's keys) are hardly erased, others keep writing. */
static void test_wear_loop_is_contained(void **state)
{
    (void)state;
    struct akira_flash_area fa;
    struct akira_flash_wear before, after;
    assert_int_equal(akira_flash_area_open(AKIRA_PART_SETTINGS, false, &fa), 0);
    assert_int_equal(akira_flash_area_wear(&fa, &before), 0);
    /* The default burst, a 4 KiB/s refill: the loop itself takes milliseconds, the
     * pause below a few seconds. */
    run(&hostile, "wear_loop", "wearer", "capabilities: storage\nflash_write_rate: 4K\n");
    assert_true(wait_log_or_dump("wearer", "retries refused", 30000));
    /* Both loops stopped at its budget (EAGAIN), after about a burst's worth. */
    assert_true(wait_log_or_dump("wearer", "then -7 -7", 100));
    struct akira_app_storage_stats s;
    assert_int_equal(akira_app_storage_stats("wearer", NULL, &s), 0);
    assert_true(s.denied >= 50); /* the retries: refused while in debt (timing-tolerant) */
    assert_true(s.wear >= AKIRA_BOARD_APP_FLASH_BURST_DEFAULT / 2);
    assert_true(s.wear <= AKIRA_BOARD_APP_FLASH_BURST_DEFAULT + 64u * 1024u);
    assert_int_equal(akira_flash_area_wear(&fa, &after), 0);
    assert_true(after.total - before.total <= 1);
    /* The log says why, once for the whole burst of refusals. */
    assert_int_equal(test_log_count("wearer", "flash write budget spent"), 1);
    /* The budget refills at its rate: after a pause the app writes again. */
    assert_true(s.budget > -32 * 1024); /* in debt by about one call at most */
    akira_sleep_ms((uint32_t)((s.budget < 0 ? -s.budget : 0) * 1000 / (4 * 1024)) + 500);
    assert_int_equal(akira_app_resume("wearer"), 0);
    assert_true(wait_log_or_dump("wearer", "wear_loop: after a pause, set gave 0", 2000));
    assert_true(test_responder_answers("responder", 2000));
    system_still_writes("system.txt");
    /* Another app has its own budget. */
    assert_int_equal(akira_app_stop("wearer"), 0);
    run(&victim, "storage_bomb", "victim", "capabilities: storage\n");
    assert_true(wait_log_or_dump("victim", "settings_bomb: 16 keys, then -22", 20000));
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_denied_without_capability, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_calls_stay_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_takes_only_that_apps_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_bombs_are_contained, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wear_loop_is_contained, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

/* The `settings` and `fs` shell commands on the storage service (RAM chip), and the
 * console history saved in settings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/shell.h>
#include <akira/shell_history_store.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>

#include "nor_check.h"

#include "../shell/fake_io.h"

static struct akira_sim_flash chip;
static struct nor_check chk; /* the storage's flash: NOR semantics checked */
static struct fake_io fio;
static struct akira_shell sh;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(nor_check_sim_open(&chk, &chip, "flash0", AKIRA_BOARD_FLASH_SIZE,
                                        AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                        AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE),
                     AKIRA_OK);
    assert_int_equal(akira_storage_init(&chk.dev, NULL), AKIRA_OK);
    fake_io_init(&fio, "", 0, false);
    akira_shell_init(&sh, &fio.io, "akira> ");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_storage_deinit();
    NOR_CHECK_CLEAN(&chk);
    nor_check_fini(&chk);
    akira_sim_flash_close(&chip);
    return 0;
}

/* Runs one line with a fresh output buffer; returns its status. */
static int run(const char *line)
{
    fake_io_clear_output(&fio);
    return akira_shell_execute(&sh, line);
}

static int count_keys(const char *prefix);

static void test_settings_set_get_list_delete(void **state)
{
    (void)state;
    assert_int_equal(run("settings set akira/name my  device \"two  spaces\""), 0);
    assert_string_equal(fio.out, "");
    assert_int_equal(run("settings get akira/name"), 0);
    assert_string_equal(fio.out, "my device two  spaces\n");
    assert_int_equal(run("settings set app/demo/color blue"), 0);
    assert_int_equal(run("settings list app/"), 0);
    assert_string_equal(fio.out, "app/demo/color = blue\n-- 1 key\n");
    assert_int_equal(run("settings list"), 0);
    assert_non_null(strstr(fio.out, "akira/name = my device two  spaces\n"));
    assert_non_null(strstr(fio.out, "-- 2 keys\n"));
    assert_int_equal(run("settings delete akira/name"), 0);
    assert_int_equal(run("settings get akira/name"), AKIRA_ENOENT);
    assert_string_equal(fio.out, "settings get: ENOENT (no such object)\n");
    assert_int_equal(run("settings delete akira/name"), AKIRA_ENOENT);
    assert_int_equal(count_keys(""), 1);
}

static int count_one(void *ctx, const char *key, const void *val, size_t len)
{
    (void)key;
    (void)val;
    (void)len;
    (*(int *)ctx)++;
    return 0;
}

static int count_keys(const char *prefix)
{
    int n = 0;
    akira_storage_lock();
    assert_int_equal(akira_settings_foreach(akira_storage_settings(), prefix, count_one, &n), 0);
    akira_storage_unlock();
    return n;
}

static void test_settings_bad_arguments_change_nothing(void **state)
{
    (void)state;
    assert_int_equal(run("settings set akira/keep one"), 0);
    static const char *const bad[] = {
        "settings set badkey x",
        "settings set akira//x y",
        "settings set akira/keep",
        "settings set \"akira/a b\" y",
        "settings get",
        "settings get nokey",
        "settings delete app/",
        "settings list a b",
        "settings",
        "settings frob akira/keep",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(run(bad[i]), AKIRA_EINVAL);
        assert_non_null(strstr(fio.out, "usage: settings"));
    }
    char key[AKIRA_SETTINGS_KEY_MAX + 64] = "settings set akira/";
    memset(key + strlen(key), 'k', AKIRA_SETTINGS_KEY_MAX);
    strcat(key, " v");
    assert_int_equal(run(key), AKIRA_EINVAL);
    assert_non_null(strstr(fio.out, "key longer than 64 bytes"));
    assert_int_equal(count_keys(""), 1);
    assert_int_equal(run("settings get akira/keep"), 0);
    assert_string_equal(fio.out, "one\n");
}

static void test_settings_binary_values_are_escaped(void **state)
{
    (void)state;
    static const uint8_t val[] = {'A', 0x00, 0x01, '\\', 0xff, '\n', '\t', 'z'};
    akira_storage_lock();
    assert_int_equal(akira_settings_set(akira_storage_settings(), "akira/bin", val, sizeof val), 0);
    assert_int_equal(akira_settings_set(akira_storage_settings(), "akira/empty", "", 0), 0);
    akira_storage_unlock();
    assert_int_equal(run("settings get akira/bin"), 0);
    assert_string_equal(fio.out, "A\\x00\\x01\\\\\\xff\\n\\tz\n");
    assert_int_equal(run("settings get akira/empty"), 0);
    assert_string_equal(fio.out, "\n");
    assert_int_equal(run("settings list akira/bin"), 0);
    assert_string_equal(fio.out, "akira/bin = A\\x00\\x01\\\\\\xff\\n\\tz\n-- 1 key\n");
}

static void test_fs_commands(void **state)
{
    (void)state;
    assert_int_equal(run("fs mkdir /logs"), 0);
    assert_int_equal(run("fs write /logs/a.txt hello   \"big  world\""), 0);
    assert_int_equal(run("fs cat /logs/a.txt"), 0);
    assert_string_equal(fio.out, "hello big  world\n"); /* newline added for display */
    assert_int_equal(run("fs write /logs/a.txt short"), 0);
    assert_int_equal(run("fs cat /logs/a.txt"), 0);
    assert_string_equal(fio.out, "short\n"); /* replaced, not overlaid */
    assert_int_equal(run("fs ls /logs"), 0);
    assert_string_equal(fio.out, "f          5  a.txt\n-- 1 entry\n");
    assert_int_equal(run("fs ls"), 0);
    assert_string_equal(fio.out, "d          -  logs/\n-- 1 entry\n");
    assert_int_equal(run("fs ls /logs/a.txt"), 0);
    assert_string_equal(fio.out, "f          5  a.txt\n");
    assert_int_equal(run("fs rm /logs"), AKIRA_ENOTEMPTY); /* issue 21: said EBUSY */
    assert_string_equal(fio.out, "fs rm: ENOTEMPTY (directory not empty)\n");
    assert_int_equal(run("fs rm /logs/a.txt"), 0);
    assert_int_equal(run("fs rm /logs"), 0);
    assert_int_equal(run("fs ls"), 0);
    assert_string_equal(fio.out, "-- 0 entries\n");
}

static void test_fs_binary_file_is_escaped(void **state)
{
    (void)state;
    struct akira_fs fs;
    struct akira_fs_file f;
    static const uint8_t data[] = {'l', '1', '\n', 0x1b, '[', '2', 'J', 0x00, 0x80, '\t', 'x'};
    akira_storage_lock();
    akira_fs_root_view(akira_storage_fs(), &fs);
    assert_int_equal(akira_fs_open(&fs, "/bin", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &f), 0);
    assert_int_equal(akira_fs_write(&f, data, sizeof data), (int)sizeof data);
    assert_int_equal(akira_fs_close(&f), 0);
    akira_storage_unlock();
    assert_int_equal(run("fs cat /bin"), 0);
    /* lines and tabs kept, an escape sequence never reaches the terminal */
    assert_string_equal(fio.out, "l1\n\\x1b[2J\\x00\\x80\tx\n");
}

/* A file longer than the command's read buffer comes out whole, in order. */
static void test_fs_cat_long_file(void **state)
{
    (void)state;
    struct akira_fs fs;
    struct akira_fs_file f;
    static char data[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)('a' + i % 26);
    data[sizeof data - 1] = '\n';
    akira_storage_lock();
    akira_fs_root_view(akira_storage_fs(), &fs);
    assert_int_equal(akira_fs_open(&fs, "/long", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &f), 0);
    assert_int_equal(akira_fs_write(&f, data, sizeof data), (int)sizeof data);
    assert_int_equal(akira_fs_close(&f), 0);
    akira_storage_unlock();
    assert_int_equal(run("fs cat /long"), 0);
    assert_int_equal(fio.out_len, sizeof data);
    assert_memory_equal(fio.out, data, sizeof data);
}

static void test_fs_bad_arguments_change_nothing(void **state)
{
    (void)state;
    assert_int_equal(run("fs write /keep original"), 0);
    assert_int_equal(run("fs write /nodir/f text"), AKIRA_ENOENT);
    assert_string_equal(fio.out, "fs write: ENOENT (no such object)\n");
    assert_int_equal(run("fs write /x"), AKIRA_EINVAL);
    assert_non_null(strstr(fio.out, "usage: fs write PATH TEXT"));
    assert_int_equal(run("fs mkdir /a/../b"), AKIRA_EINVAL);
    assert_int_equal(run("fs mkdir /keep"), AKIRA_EEXIST);
    assert_int_equal(run("fs write /keep/sub x"), AKIRA_EINVAL); /* not a directory */
    assert_int_equal(run("fs cat /"), AKIRA_EINVAL);             /* a directory */
    assert_int_equal(run("fs cat /nope"), AKIRA_ENOENT);
    assert_int_equal(run("fs rm /nope"), AKIRA_ENOENT);
    assert_int_equal(run("fs ls /nope"), AKIRA_ENOENT);
    assert_int_equal(run("fs df extra"), AKIRA_EINVAL);
    char name[80] = "fs mkdir /";
    memset(name + strlen(name), 'n', AKIRA_FS_NAME_MAX + 1);
    assert_int_equal(run(name), AKIRA_ENAMETOOLONG);
    assert_int_equal(run("fs ls"), 0);
    assert_string_equal(fio.out, "f          8  keep\n-- 1 entry\n");
    assert_int_equal(run("fs cat /keep"), 0);
    assert_string_equal(fio.out, "original\n");
}

static void test_fs_df(void **state)
{
    (void)state;
    assert_int_equal(run("fs df"), 0);
    unsigned used, freek, total, blocks, bs, inodes, imax;
    assert_int_equal(sscanf(fio.out,
                            "fs: %u KiB used, %u KiB free, %u KiB total (%u blocks of %u bytes)\n"
                            "inodes: %u used of %u",
                            &used, &freek, &total, &blocks, &bs, &inodes, &imax),
                     7);
    assert_int_equal(used + freek, total);
    assert_int_equal(total, blocks * bs / 1024);
    assert_int_equal(inodes, 1); /* the root */
    /* the simulated chip counts erases: both partitions report a spread */
    assert_non_null(strstr(fio.out, "erases fs        min "));
    assert_non_null(strstr(fio.out, "(704 sectors, since boot)"));
    assert_non_null(strstr(fio.out, "erases settings  min "));
    assert_int_equal(run("fs write /f x"), 0);
    assert_int_equal(run("fs df"), 0);
    unsigned used2, inodes2;
    assert_int_equal(sscanf(fio.out, "fs: %u KiB used", &used2), 1);
    assert_non_null(strstr(fio.out, "inodes: 2 used"));
    (void)inodes2;
    assert_true(used2 > used);
    /* One line per app directory (issue 21): entries, flash charged, keys, wear. */
    assert_null(strstr(fio.out, "app "));
    assert_int_equal(run("fs mkdir /apps"), 0);
    assert_int_equal(run("fs mkdir /apps/demo"), 0);
    assert_int_equal(run("fs write /apps/demo/a.txt hello"), 0);
    assert_int_equal(run("settings set app/demo/k v"), 0);
    assert_int_equal(run("fs df"), 0);
    assert_non_null(strstr(fio.out,
                           "app demo               1 files,    8 KiB flash,  1 keys; wear 0 KiB "
                           "(~0 erases), 0 refused\n"));
}

static void test_commands_without_storage(void **state)
{
    (void)state;
    akira_storage_deinit();
    assert_int_equal(run("settings get akira/x"), AKIRA_ENODEV);
    assert_string_equal(fio.out, "settings get: ENODEV (no such device)\n");
    assert_int_equal(run("settings set akira/x 1"), AKIRA_ENODEV);
    assert_int_equal(run("settings list"), AKIRA_ENODEV);
    assert_int_equal(run("fs ls"), AKIRA_ENODEV);
    assert_int_equal(run("fs write /f x"), AKIRA_ENODEV);
    assert_int_equal(run("fs df"), AKIRA_ENODEV);
    assert_int_equal(akira_storage_init(&chk.dev, NULL), AKIRA_OK); /* for teardown */
}

/* --- history ---------------------------------------------------------------------- */

/* Types lines at an interactive editor attached to the store. */
static void type_lines(struct akira_shell_edit *ed, struct fake_io *io, const char *keys)
{
    (void)io;
    akira_shell_edit_begin(ed, "> ");
    for (const char *k = keys; *k; k++) {
        if (akira_shell_edit_feed(ed, (unsigned char)*k) == AKIRA_SHELL_EDIT_LINE) {
            (void)akira_shell_edit_line(ed);
            akira_shell_edit_begin(ed, "> ");
        }
    }
}

static int saved(char *buf, size_t cap)
{
    akira_storage_lock();
    int n = akira_settings_get(akira_storage_settings(), AKIRA_SHELL_HISTORY_KEY, buf, cap - 1);
    akira_storage_unlock();
    if (n >= 0) buf[n] = '\0';
    return n;
}

static void test_history_saved_and_restored(void **state)
{
    (void)state;
    static struct fake_io io;
    static struct akira_shell_edit ed;
    struct akira_shell_history_store hs;
    char buf[AKIRA_SETTINGS_VALUE_MAX + 1];
    fake_io_init(&io, "", 0, true);
    akira_shell_edit_init(&ed, &io.io, NULL, NULL);
    assert_int_equal(akira_shell_history_store_attach(&hs, akira_storage_settings(), &ed), 0);
    type_lines(&ed, &io, "uptime\rps\rps\r\rsettings list akira/\r");
    assert_int_equal(saved(buf, sizeof buf), 31);
    assert_string_equal(buf, "uptime\nps\nsettings list akira/\n");

    /* next boot: a new editor gets the lines back, newest first */
    akira_storage_deinit();
    assert_int_equal(akira_storage_init(&chk.dev, NULL), AKIRA_OK);
    akira_shell_edit_init(&ed, &io.io, NULL, NULL);
    assert_int_equal(akira_shell_history_store_attach(&hs, akira_storage_settings(), &ed), 3);
    assert_string_equal(akira_shell_history_get(&ed.history, 0), "settings list akira/");
    assert_string_equal(akira_shell_history_get(&ed.history, 2), "uptime");
    assert_null(akira_shell_history_get(&ed.history, 3));
    /* restoring wrote nothing; the next line appends to the restored lines */
    type_lines(&ed, &io, "version\r");
    assert_int_equal(saved(buf, sizeof buf), 39);
    assert_string_equal(buf, "uptime\nps\nsettings list akira/\nversion\n");
}

static void test_history_bounded(void **state)
{
    (void)state;
    static struct fake_io io;
    static struct akira_shell_edit ed;
    struct akira_shell_history_store hs;
    char buf[AKIRA_SETTINGS_VALUE_MAX + 1], line[300];
    fake_io_init(&io, "", 0, true);
    akira_shell_edit_init(&ed, &io.io, NULL, NULL);
    assert_int_equal(akira_shell_history_store_attach(&hs, akira_storage_settings(), &ed), 0);
    for (int i = 0; i < 40; i++) {
        snprintf(line, sizeof line, "sleep %d\r", i);
        type_lines(&ed, &io, line);
    }
    assert_true(saved(buf, sizeof buf) > 0);
    char want[512] = "";
    for (int i = 40 - AKIRA_SHELL_HISTORY_SAVED; i < 40; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "sleep %d\n", i);
    assert_string_equal(buf, want);

    /* long lines: the newest that fit in one value, never a cut line */
    for (int i = 0; i < 6; i++) {
        memset(line, 'a' + i, 200);
        line[200] = '\r';
        line[201] = '\0';
        type_lines(&ed, &io, line);
    }
    int n = saved(buf, sizeof buf);
    assert_int_equal(n, 5 * 201); /* 5 lines of 200 + '\n' fit in 1024, 6 do not */
    assert_int_equal(buf[0], 'b');
    assert_int_equal(buf[n - 2], 'f');
}

static void test_history_hand_set_value_read_safely(void **state)
{
    (void)state;
    static struct fake_io io;
    static struct akira_shell_edit ed;
    struct akira_shell_history_store hs;
    static const char val[] = "ok one\n\n\x1b[2Jbad\nbad\x01too\nlast";
    akira_storage_lock();
    assert_int_equal(
        akira_settings_set(akira_storage_settings(), AKIRA_SHELL_HISTORY_KEY, val, sizeof val - 1),
        0);
    akira_storage_unlock();
    fake_io_init(&io, "", 0, true);
    akira_shell_edit_init(&ed, &io.io, NULL, NULL);
    assert_int_equal(akira_shell_history_store_attach(&hs, akira_storage_settings(), &ed), 2);
    assert_string_equal(akira_shell_history_get(&ed.history, 0), "last");
    assert_string_equal(akira_shell_history_get(&ed.history, 1), "ok one");
    assert_int_equal(akira_shell_history_store_attach(NULL, akira_storage_settings(), &ed),
                     AKIRA_EINVAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_settings_set_get_list_delete),
        T(test_settings_bad_arguments_change_nothing),
        T(test_settings_binary_values_are_escaped),
        T(test_fs_commands),
        T(test_fs_binary_file_is_escaped),
        T(test_fs_cat_long_file),
        T(test_fs_bad_arguments_change_nothing),
        T(test_fs_df),
        T(test_commands_without_storage),
        T(test_history_saved_and_restored),
        T(test_history_bounded),
        T(test_history_hand_set_value_read_safely),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

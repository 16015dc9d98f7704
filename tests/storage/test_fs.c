/* File system: every call, bad input, full volume, views and quotas, corruption. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/fs.h>
#include <akira/sim_flash.h>

#include "nor_check.h"

#include <stdio.h>
#include <string.h>

#define SS    4096u
#define NSECT 64u

static struct akira_sim_flash f; /* tests corrupt it directly through f.dev */
static struct nor_check chk;     /* the file system's flash: NOR semantics checked */
static struct akira_flash_area fa;
static struct akira_fs_vol vol;
static struct akira_fs fs;

static int setup(void **state)
{
    (void)state;
    if (nor_check_sim_open(&chk, &f, "t", NSECT * SS, SS, 4)) return -1;
    if (akira_flash_area_from_range(&chk.dev, "fs", 0, NSECT * SS, true, &fa)) return -1;
    if (akira_fs_format(&vol, &fa)) return -1;
    akira_fs_root_view(&vol, &fs);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    NOR_CHECK_CLEAN(&chk);
    nor_check_fini(&chk);
    akira_sim_flash_close(&f);
    return 0;
}

/* Unmount and mount again, as after a reboot. */
static void remount(void)
{
    akira_fs_unmount(&vol);
    assert_int_equal(akira_fs_mount(&vol, &fa), AKIRA_OK);
}

static void put(const char *path, const void *data, size_t len)
{
    struct akira_fs_file h;
    assert_int_equal(
        akira_fs_open(&fs, path, AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE | AKIRA_FS_O_TRUNC, &h),
        AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, data, len), (int)len);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
}

static int get(const struct akira_fs *v, const char *path, void *buf, size_t cap)
{
    struct akira_fs_file h;
    int err = akira_fs_open(v, path, AKIRA_FS_O_READ, &h);
    if (err) return err;
    int n = akira_fs_read(&h, buf, cap);
    akira_fs_close(&h);
    return n;
}

static void test_blank_area_is_not_a_fs(void **state)
{
    (void)state;
    struct akira_sim_flash g;
    struct nor_check gc;
    struct akira_flash_area ga, ro;
    struct akira_fs_vol v2;
    assert_int_equal(nor_check_sim_open(&gc, &g, "g", NSECT * SS, SS, 4), AKIRA_OK);
    assert_int_equal(akira_flash_area_from_range(&gc.dev, "fs", 0, NSECT * SS, true, &ga),
                     AKIRA_OK);
    assert_int_equal(akira_fs_mount(&v2, &ga), AKIRA_ECORRUPT);
    assert_int_equal(akira_fs_format(&v2, &ga), AKIRA_OK);
    assert_int_equal(akira_fs_mount(&v2, &ga), AKIRA_OK);
    assert_int_equal(akira_flash_area_from_range(&gc.dev, "fs", 0, 4 * SS, true, &ga), AKIRA_OK);
    assert_int_equal(akira_fs_format(&v2, &ga), AKIRA_EINVAL); /* too small */
    assert_int_equal(akira_flash_area_from_range(&gc.dev, "fs", 0, NSECT * SS, false, &ro),
                     AKIRA_OK);
    assert_int_equal(akira_fs_mount(&v2, &ro), AKIRA_EINVAL);
    NOR_CHECK_CLEAN(&gc);
    nor_check_fini(&gc);
    akira_sim_flash_close(&g);
}

static void test_write_read_persist(void **state)
{
    (void)state;
    char buf[64];
    put("/hello.txt", "hello world", 11);
    assert_int_equal(get(&fs, "/hello.txt", buf, sizeof buf), 11);
    remount();
    memset(buf, 0, sizeof buf);
    assert_int_equal(get(&fs, "hello.txt", buf, sizeof buf), 11); /* leading '/' optional */
    assert_memory_equal(buf, "hello world", 11);
    struct akira_fs_stat st;
    assert_int_equal(akira_fs_stat(&fs, "/hello.txt", &st), AKIRA_OK);
    assert_int_equal(st.type, AKIRA_FS_TYPE_FILE);
    assert_int_equal(st.size, 11);
    assert_string_equal(st.name, "hello.txt");
    assert_int_equal(akira_fs_stat(&fs, "/nope", &st), AKIRA_ENOENT);
    assert_int_equal(get(&fs, "/nope", buf, sizeof buf), AKIRA_ENOENT);
}

static void test_seek_overwrite_and_gap(void **state)
{
    (void)state;
    struct akira_fs_file h;
    static uint8_t big[3 * SS], back[3 * SS + 100];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 13);
    assert_int_equal(akira_fs_open(&fs, "/f", AKIRA_FS_O_RDWR | AKIRA_FS_O_CREATE, &h), AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, big, sizeof big), (int)sizeof big);
    assert_int_equal(akira_fs_tell(&h), (int)sizeof big);
    /* Overwrite across a block boundary. */
    assert_int_equal(akira_fs_seek(&h, (int32_t)SS - 2, AKIRA_FS_SEEK_SET), (int)SS - 2);
    assert_int_equal(akira_fs_write(&h, "ABCD", 4), 4);
    memcpy(big + SS - 2, "ABCD", 4);
    assert_int_equal(akira_fs_seek(&h, 0, AKIRA_FS_SEEK_SET), 0);
    assert_int_equal(akira_fs_read(&h, back, sizeof back), (int)sizeof big);
    assert_memory_equal(back, big, sizeof big);
    assert_int_equal(akira_fs_read(&h, back, 10), 0); /* end of file */
    /* Seek past the end and write: the gap reads as zeros. */
    assert_int_equal(akira_fs_seek(&h, 10, AKIRA_FS_SEEK_END), (int)sizeof big + 10);
    assert_int_equal(akira_fs_write(&h, "Z", 1), 1);
    assert_int_equal(akira_fs_size(&h), (int)sizeof big + 11);
    assert_int_equal(akira_fs_seek(&h, -11, AKIRA_FS_SEEK_CUR), (int)sizeof big);
    assert_int_equal(akira_fs_read(&h, back, 11), 11);
    for (int i = 0; i < 10; i++)
        assert_int_equal(back[i], 0);
    assert_int_equal(back[10], 'Z');
    assert_int_equal(akira_fs_seek(&h, -1, AKIRA_FS_SEEK_SET), AKIRA_EINVAL);
    assert_int_equal(akira_fs_seek(&h, 0, (enum akira_fs_whence)7), AKIRA_EINVAL);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    remount();
    assert_int_equal(get(&fs, "/f", back, sizeof back), (int)sizeof big + 11);
    assert_memory_equal(back, big, sizeof big);
}

static void test_small_appends_cost_little(void **state)
{
    (void)state;
    struct akira_fs_file h;
    struct akira_sim_flash_stats s;
    char line[32];
    static char back[200 * 32];
    size_t total = 0;
    assert_int_equal(
        akira_fs_open(&fs, "/log", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE | AKIRA_FS_O_APPEND, &h),
        AKIRA_OK);
    akira_sim_flash_stats_reset(&f);
    for (int i = 0; i < 200; i++) {
        int n = snprintf(line, sizeof line, "line %d\n", i);
        assert_int_equal(akira_fs_write(&h, line, (size_t)n), n);
        assert_int_equal(akira_fs_sync(&h), AKIRA_OK);
        total += (size_t)n;
    }
    akira_sim_flash_stats_get(&f, &s);
    /* Appends go into the erased tail of the last block, and only a metadata record
     * per sync: far less than a block per sync. */
    assert_true(s.bytes_written < 200 * 200);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    remount();
    assert_int_equal(get(&fs, "/log", back, sizeof back), (int)total);
    assert_memory_equal(back + total - 9, "line 199\n", 9);
}

static void test_truncate(void **state)
{
    (void)state;
    struct akira_fs_file h;
    static uint8_t data[2 * SS + 10], back[3 * SS];
    memset(data, 0x5A, sizeof data);
    put("/t", data, sizeof data);
    struct akira_fs_info before, after;
    assert_int_equal(akira_fs_info(&vol, &before), AKIRA_OK);
    assert_int_equal(akira_fs_open(&fs, "/t", AKIRA_FS_O_RDWR, &h), AKIRA_OK);
    assert_int_equal(akira_fs_truncate(&h, 100), AKIRA_OK);
    assert_int_equal(akira_fs_size(&h), 100);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_info(&vol, &after), AKIRA_OK);
    assert_int_equal(after.blocks_free, before.blocks_free + 2); /* two data blocks freed */
    remount();
    assert_int_equal(get(&fs, "/t", back, sizeof back), 100);
    /* Grow: zeros. */
    assert_int_equal(akira_fs_open(&fs, "/t", AKIRA_FS_O_RDWR, &h), AKIRA_OK);
    assert_int_equal(akira_fs_truncate(&h, 5000), AKIRA_OK);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(get(&fs, "/t", back, sizeof back), 5000);
    assert_int_equal(back[99], 0x5A);
    assert_int_equal(back[100], 0);
    assert_int_equal(back[4999], 0);
    /* O_TRUNC empties. */
    assert_int_equal(akira_fs_open(&fs, "/t", AKIRA_FS_O_WRITE | AKIRA_FS_O_TRUNC, &h), AKIRA_OK);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(get(&fs, "/t", back, sizeof back), 0);
}

struct names {
    int n;
    char name[16][AKIRA_FS_NAME_MAX + 1];
    int type[16];
};

static void list(const char *path, struct names *out)
{
    struct akira_fs_dir d;
    struct akira_fs_stat st;
    out->n = 0;
    assert_int_equal(akira_fs_opendir(&fs, path, &d), AKIRA_OK);
    int r;
    while ((r = akira_fs_readdir(&d, &st)) == 1) {
        strcpy(out->name[out->n], st.name);
        out->type[out->n++] = st.type;
    }
    assert_int_equal(r, 0);
}

static void test_directories(void **state)
{
    (void)state;
    struct names l;
    assert_int_equal(akira_fs_mkdir(&fs, "/a"), AKIRA_OK);
    assert_int_equal(akira_fs_mkdir(&fs, "/a/b"), AKIRA_OK);
    assert_int_equal(akira_fs_mkdir(&fs, "/a"), AKIRA_EEXIST);
    assert_int_equal(akira_fs_mkdir(&fs, "/x/y"), AKIRA_ENOENT);
    put("/a/b/file", "1", 1);
    put("/a/top", "2", 1);
    assert_int_equal(akira_fs_mkdir(&fs, "/a/top/sub"), AKIRA_EINVAL); /* a file is no dir */
    remount();
    list("/a", &l);
    assert_int_equal(l.n, 2);
    list("/a/b", &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.name[0], "file");
    assert_int_equal(l.type[0], AKIRA_FS_TYPE_FILE);
    struct akira_fs_dir d;
    assert_int_equal(akira_fs_opendir(&fs, "/a/top", &d), AKIRA_EINVAL);
    assert_int_equal(akira_fs_opendir(&fs, "/none", &d), AKIRA_ENOENT);
    struct akira_fs_file h;
    assert_int_equal(akira_fs_open(&fs, "/a", AKIRA_FS_O_READ, &h), AKIRA_EINVAL);
    /* Remove: only empty directories. */
    assert_int_equal(akira_fs_unlink(&fs, "/a/b"), AKIRA_ENOTEMPTY);
    assert_int_equal(akira_fs_unlink(&fs, "/a/b/file"), AKIRA_OK);
    assert_int_equal(akira_fs_unlink(&fs, "/a/b"), AKIRA_OK);
    assert_int_equal(akira_fs_unlink(&fs, "/a/b"), AKIRA_ENOENT);
    assert_int_equal(akira_fs_unlink(&fs, "/"), AKIRA_EINVAL);
    remount();
    list("/a", &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.name[0], "top");
}

static void test_unlink_frees_and_open_is_busy(void **state)
{
    (void)state;
    static uint8_t data[5 * SS];
    struct akira_fs_info a, b;
    struct akira_fs_file h;
    assert_int_equal(akira_fs_info(&vol, &a), AKIRA_OK);
    put("/big", data, sizeof data);
    assert_int_equal(akira_fs_info(&vol, &b), AKIRA_OK);
    assert_int_equal(b.blocks_free, a.blocks_free - 6); /* 5 data + 1 index */
    assert_int_equal(akira_fs_open(&fs, "/big", AKIRA_FS_O_READ, &h), AKIRA_OK);
    assert_int_equal(akira_fs_unlink(&fs, "/big"), AKIRA_EBUSY);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_unlink(&fs, "/big"), AKIRA_OK);
    assert_int_equal(akira_fs_info(&vol, &b), AKIRA_OK);
    assert_int_equal(b.blocks_free, a.blocks_free);
    remount();
    assert_int_equal(akira_fs_info(&vol, &b), AKIRA_OK);
    assert_int_equal(b.blocks_free, a.blocks_free);
}

static void test_rename(void **state)
{
    (void)state;
    char buf[8];
    put("/a", "AAA", 3);
    put("/b", "BB", 2);
    assert_int_equal(akira_fs_mkdir(&fs, "/d"), AKIRA_OK);
    assert_int_equal(akira_fs_rename(&fs, "/a", "/d/a2"), AKIRA_OK);
    assert_int_equal(get(&fs, "/a", buf, sizeof buf), AKIRA_ENOENT);
    assert_int_equal(get(&fs, "/d/a2", buf, sizeof buf), 3);
    /* Over an existing file: replaced. */
    assert_int_equal(akira_fs_rename(&fs, "/b", "/d/a2"), AKIRA_OK);
    remount();
    assert_int_equal(get(&fs, "/d/a2", buf, sizeof buf), 2);
    assert_memory_equal(buf, "BB", 2);
    assert_int_equal(get(&fs, "/b", buf, sizeof buf), AKIRA_ENOENT);
    /* Directory into itself, type mismatch, missing source, root. */
    assert_int_equal(akira_fs_mkdir(&fs, "/d/sub"), AKIRA_OK);
    assert_int_equal(akira_fs_rename(&fs, "/d", "/d/sub/x"), AKIRA_EINVAL);
    assert_int_equal(akira_fs_rename(&fs, "/d/a2", "/d/sub"), AKIRA_EEXIST);
    assert_int_equal(akira_fs_rename(&fs, "/zz", "/yy"), AKIRA_ENOENT);
    assert_int_equal(akira_fs_rename(&fs, "/", "/r"), AKIRA_EINVAL);
    assert_int_equal(akira_fs_rename(&fs, "/d/a2", "/nodir/x"), AKIRA_ENOENT);
    /* Whole directory moves with its contents. */
    assert_int_equal(akira_fs_rename(&fs, "/d", "/e"), AKIRA_OK);
    assert_int_equal(get(&fs, "/e/a2", buf, sizeof buf), 2);
}

static void test_bad_names(void **state)
{
    (void)state;
    struct akira_fs_file h;
    char longname[AKIRA_FS_NAME_MAX + 3], longpath[AKIRA_FS_PATH_MAX + 10];
    memset(longname, 'n', sizeof longname);
    longname[0] = '/';
    longname[AKIRA_FS_NAME_MAX + 2] = '\0';
    assert_int_equal(akira_fs_open(&fs, longname, AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h),
                     AKIRA_ENAMETOOLONG);
    longname[AKIRA_FS_NAME_MAX + 1] = '\0'; /* exactly the limit */
    assert_int_equal(akira_fs_open(&fs, longname, AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h),
                     AKIRA_OK);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    memset(longpath, 'a', sizeof longpath);
    for (size_t i = 0; i < sizeof longpath; i += 10)
        longpath[i] = '/';
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(akira_fs_mkdir(&fs, longpath), AKIRA_ENAMETOOLONG);
    assert_int_equal(akira_fs_mkdir(&fs, "/a/../b"), AKIRA_EINVAL);
    assert_int_equal(akira_fs_mkdir(&fs, "/./b"), AKIRA_EINVAL);
    assert_int_equal(akira_fs_mkdir(&fs, "/bad\x01name"), AKIRA_EINVAL);
    assert_int_equal(akira_fs_mkdir(&fs, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_fs_open(&fs, "/x", 0, &h), AKIRA_EINVAL);
    assert_int_equal(akira_fs_open(NULL, "/x", AKIRA_FS_O_READ, &h), AKIRA_EINVAL);
    assert_int_equal(akira_fs_stat(&fs, "/", NULL), AKIRA_EINVAL);
    assert_int_equal(akira_fs_info(&vol, NULL), AKIRA_EINVAL);
    struct akira_fs_dir d = {0};
    assert_int_equal(akira_fs_readdir(&d, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_fs_open(&fs, "/x", AKIRA_FS_O_READ | 0x100, &h), AKIRA_EINVAL);
    assert_int_equal(akira_fs_open(&fs, "/x", AKIRA_FS_O_READ | AKIRA_FS_O_CREATE, &h),
                     AKIRA_EINVAL);
}

static void test_handle_modes(void **state)
{
    (void)state;
    struct akira_fs_file h;
    char buf[4];
    put("/m", "abc", 3);
    assert_int_equal(akira_fs_open(&fs, "/m", AKIRA_FS_O_READ, &h), AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, "x", 1), AKIRA_EACCES);
    assert_int_equal(akira_fs_truncate(&h, 0), AKIRA_EACCES);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_close(&h), AKIRA_EINVAL); /* closed twice */
    assert_int_equal(akira_fs_read(&h, buf, 1), AKIRA_EINVAL);
    assert_int_equal(akira_fs_open(&fs, "/m", AKIRA_FS_O_WRITE, &h), AKIRA_OK);
    assert_int_equal(akira_fs_read(&h, buf, 1), AKIRA_EACCES);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(
        akira_fs_open(&fs, "/m", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE | AKIRA_FS_O_EXCL, &h),
        AKIRA_EEXIST);
    /* Two handles on one file share its contents. */
    struct akira_fs_file w, r;
    assert_int_equal(akira_fs_open(&fs, "/m", AKIRA_FS_O_WRITE | AKIRA_FS_O_APPEND, &w), AKIRA_OK);
    assert_int_equal(akira_fs_open(&fs, "/m", AKIRA_FS_O_READ, &r), AKIRA_OK);
    assert_int_equal(akira_fs_write(&w, "d", 1), 1);
    assert_int_equal(akira_fs_read(&r, buf, 4), 4);
    assert_memory_equal(buf, "abcd", 4);
    assert_int_equal(akira_fs_close(&w), AKIRA_OK);
    assert_int_equal(akira_fs_close(&r), AKIRA_OK);
    /* Too many distinct open files. */
    struct akira_fs_file hs[AKIRA_FS_OPEN_MAX + 1];
    char name[16];
    for (int i = 0; i <= AKIRA_FS_OPEN_MAX; i++) {
        snprintf(name, sizeof name, "/o%d", i);
        int err = akira_fs_open(&fs, name, AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &hs[i]);
        assert_int_equal(err, i < AKIRA_FS_OPEN_MAX ? AKIRA_OK : AKIRA_EBUSY);
    }
    for (int i = 0; i < AKIRA_FS_OPEN_MAX; i++)
        assert_int_equal(akira_fs_close(&hs[i]), AKIRA_OK);
}

static void test_unsynced_write_is_dropped_by_a_reboot(void **state)
{
    (void)state;
    struct akira_fs_file h;
    char buf[16];
    put("/u", "synced", 6);
    assert_int_equal(akira_fs_open(&fs, "/u", AKIRA_FS_O_RDWR, &h), AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, "UNSYNCED-MORE", 13), 13);
    /* Power goes: no close, no unmount. */
    assert_int_equal(akira_fs_mount(&vol, &fa), AKIRA_OK);
    assert_int_equal(get(&fs, "/u", buf, sizeof buf), 6);
    assert_memory_equal(buf, "synced", 6);
    /* And the volume takes new writes over the dropped ones. */
    put("/u", "again", 5);
    remount();
    assert_int_equal(get(&fs, "/u", buf, sizeof buf), 5);
}

static void test_full_volume(void **state)
{
    (void)state;
    static uint8_t chunk[SS];
    struct akira_fs_file h;
    struct akira_fs_info info;
    char buf[4];
    memset(chunk, 0x33, sizeof chunk);
    put("/keep", "kkk", 3);
    assert_int_equal(akira_fs_open(&fs, "/fill", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h),
                     AKIRA_OK);
    int err, written = 0;
    while ((err = akira_fs_write(&h, chunk, sizeof chunk)) == (int)sizeof chunk)
        written++;
    assert_int_equal(err, AKIRA_ENOSPC);
    assert_true(written > 40);
    /* Even full, sync needs a block for the index: free one by truncating. */
    assert_int_equal(akira_fs_truncate(&h, (uint32_t)(written - 2) * SS), AKIRA_OK);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    remount();
    assert_int_equal(get(&fs, "/keep", buf, sizeof buf), 3);
    assert_int_equal(akira_fs_unlink(&fs, "/fill"), AKIRA_OK);
    assert_int_equal(akira_fs_info(&vol, &info), AKIRA_OK);
    assert_int_equal(info.blocks_free, info.blocks_total - 2); /* /keep: data + index */
}

static void test_too_many_files(void **state)
{
    (void)state;
    struct akira_fs_file h;
    char name[24];
    int i, err = 0;
    for (i = 0; i < AKIRA_FS_INODES_MAX + 5; i++) {
        snprintf(name, sizeof name, "/n%d", i);
        err = akira_fs_open(&fs, name, AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h);
        if (err) break;
        assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    }
    assert_int_equal(err, AKIRA_ENOSPC);
    assert_int_equal(i, AKIRA_FS_INODES_MAX - 2); /* root and superblock take two ids */
    remount();
    struct akira_fs_stat st;
    assert_int_equal(akira_fs_stat(&fs, "/n0", &st), AKIRA_OK);
    snprintf(name, sizeof name, "/n%d", i - 1);
    assert_int_equal(akira_fs_stat(&fs, name, &st), AKIRA_OK);
}

static void test_app_views_and_quota(void **state)
{
    (void)state;
    struct akira_fs app, other;
    struct akira_fs_file h;
    struct akira_fs_stat st;
    struct akira_fs_usage u;
    static uint8_t data[3000];
    char buf[8];
    /* Room for one file of one block: its data block, its index block, its entry. */
    const uint32_t q = 2 * SS + AKIRA_FS_META_COST;
    assert_int_equal(akira_fs_app_view(&vol, "clock", q, 0, &app), AKIRA_OK);
    assert_int_equal(akira_fs_app_view(&vol, "other", 0, 0, &other), AKIRA_OK);
    put("/secret", "s", 1);
    /* The view's "/" is /apps/clock: the volume's files are out of sight. */
    assert_int_equal(akira_fs_stat(&app, "/secret", &st), AKIRA_ENOENT);
    assert_int_equal(akira_fs_stat(&app, "../secret", &st), AKIRA_EINVAL);
    assert_int_equal(akira_fs_stat(&app, "/../../secret", &st), AKIRA_EINVAL);
    assert_int_equal(akira_fs_unlink(&app, "/"), AKIRA_EINVAL);
    assert_int_equal(akira_fs_rename(&app, "/", "/x"), AKIRA_EINVAL);
    assert_int_equal(akira_fs_open(&app, "/data", AKIRA_FS_O_RDWR | AKIRA_FS_O_CREATE, &h),
                     AKIRA_OK);
    assert_int_equal(akira_fs_usage(&app), AKIRA_FS_META_COST); /* the entry alone */
    /* Whole blocks are charged, not bytes (issue 21): the first byte takes a data and
     * an index block, the rest of the block is free, the next block is refused. */
    assert_int_equal(akira_fs_write(&h, data, sizeof data), (int)sizeof data);
    assert_int_equal(akira_fs_usage(&app), q);
    assert_int_equal(akira_fs_write(&h, data, SS - sizeof data), (int)(SS - sizeof data));
    assert_int_equal(akira_fs_write(&h, data, 1), AKIRA_EQUOTA);
    assert_int_equal(akira_fs_truncate(&h, SS + 1), AKIRA_EQUOTA);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_usage_get(&app, &u), AKIRA_OK);
    assert_int_equal(u.bytes, SS);
    assert_int_equal(u.charged, q);
    assert_int_equal(u.inodes, 1);
    assert_int_equal(akira_fs_usage(&other), 0);
    /* A new entry costs its metadata record: refused at the quota, file or directory. */
    assert_int_equal(akira_fs_mkdir(&app, "/sub"), AKIRA_EQUOTA);
    assert_int_equal(akira_fs_open(&app, "/y", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h),
                     AKIRA_EQUOTA);
    assert_int_equal(akira_fs_stat(&app, "/y", &st), AKIRA_ENOENT);
    /* Rewriting synced bytes copies their block first: that copy is charged too, an
     * append into the block's erased tail is not. */
    assert_int_equal(akira_fs_unlink(&app, "/data"), AKIRA_OK);
    assert_int_equal(akira_fs_usage(&app), 0);
    assert_int_equal(akira_fs_open(&app, "/data", AKIRA_FS_O_RDWR | AKIRA_FS_O_CREATE, &h),
                     AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, data, 100), 100);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_open(&app, "/data", AKIRA_FS_O_RDWR, &h), AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, "x", 1), AKIRA_EQUOTA);
    assert_int_equal(akira_fs_seek(&h, 0, AKIRA_FS_SEEK_END), 100);
    assert_int_equal(akira_fs_write(&h, "x", 1), 1);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_unlink(&app, "/data"), AKIRA_OK);
    assert_int_equal(akira_fs_usage(&app), 0);
    /* Subdirectories count too; another app's quota is its own. */
    assert_int_equal(akira_fs_mkdir(&app, "/sub"), AKIRA_OK);
    assert_int_equal(akira_fs_open(&app, "/sub/x", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h),
                     AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, "x", 1), AKIRA_EQUOTA); /* 2 entries + 2 blocks */
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    put("/apps/clock/sub/x", "hi", 2); /* the system sees inside app dirs, unbounded */
    remount();
    assert_int_equal(akira_fs_app_view(&vol, "clock", q, 0, &app), AKIRA_OK);
    assert_int_equal(get(&app, "/sub/x", buf, sizeof buf), 2);
    assert_int_equal(akira_fs_usage(&app), 2 * SS + 2 * AKIRA_FS_META_COST);
    assert_int_equal(akira_fs_app_view(&vol, "..", 0, 0, &app), AKIRA_EINVAL);
    assert_int_equal(akira_fs_app_view(&vol, "a/b", 0, 0, &app), AKIRA_EINVAL);
}

/* A bounded number of files and directories per view (issue 21): the view at its
 * limit gets EQUOTA, another view and the system carry on. */
static void test_app_view_entry_limit(void **state)
{
    (void)state;
    struct akira_fs a, b;
    struct akira_fs_file h;
    assert_int_equal(akira_fs_app_view(&vol, "a", 0, 3, &a), AKIRA_OK);
    assert_int_equal(akira_fs_app_view(&vol, "b", 0, 3, &b), AKIRA_OK);
    assert_int_equal(akira_fs_mkdir(&a, "/d"), AKIRA_OK);
    assert_int_equal(akira_fs_open(&a, "/d/f", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h), AKIRA_OK);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_open(&a, "/g", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h), AKIRA_OK);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_open(&a, "/h", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h),
                     AKIRA_EQUOTA);
    assert_int_equal(akira_fs_mkdir(&a, "/e"), AKIRA_EQUOTA);
    /* Existing files still open and grow; a rename makes no entry. */
    assert_int_equal(akira_fs_open(&a, "/g", AKIRA_FS_O_WRITE, &h), AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, "more", 4), 4);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    assert_int_equal(akira_fs_rename(&a, "/g", "/d/g"), AKIRA_OK);
    /* The other view and the system are not affected. */
    put("/apps/b/one", "1", 1);
    assert_int_equal(akira_fs_mkdir(&b, "/x"), AKIRA_OK);
    assert_int_equal(akira_fs_open(&b, "/x/y", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h), AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, "y", 1), 1);
    assert_int_equal(akira_fs_close(&h), AKIRA_OK);
    put("/system.cfg", "s", 1);
    /* Removing one frees its place. */
    assert_int_equal(akira_fs_unlink(&a, "/d/f"), AKIRA_OK);
    assert_int_equal(akira_fs_mkdir(&a, "/e"), AKIRA_OK);
}

static void test_corruption_in_metadata_and_data_area(void **state)
{
    (void)state;
    static uint8_t junk[SS];
    char buf[8];
    for (size_t i = 0; i < SS; i++)
        junk[i] = (uint8_t)(i * 31 + 7);
    put("/a", "aaaa", 4);
    put("/b", "bbbb", 4);
    /* Garbage over a spare metadata sector and over free data blocks. */
    assert_int_equal(akira_flash_write(&f.dev, 2 * SS, junk, SS), AKIRA_OK);
    for (uint32_t s = 30; s < 40; s++)
        assert_int_equal(akira_flash_write(&f.dev, s * SS, junk, SS), AKIRA_OK);
    remount();
    assert_int_equal(get(&fs, "/a", buf, sizeof buf), 4);
    /* The allocator erases garbage blocks before use. */
    static uint8_t data[20 * SS];
    memset(data, 0x11, sizeof data);
    put("/c", data, sizeof data);
    remount();
    static uint8_t back[20 * SS];
    assert_int_equal(get(&fs, "/c", back, sizeof back), (int)sizeof data);
    assert_memory_equal(back, data, sizeof data);
    assert_int_equal(get(&fs, "/b", buf, sizeof buf), 4);
}

static void test_unmount_and_calls_after(void **state)
{
    (void)state;
    struct akira_fs_file h;
    assert_int_equal(akira_fs_open(&fs, "/z", AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE, &h), AKIRA_OK);
    assert_int_equal(akira_fs_write(&h, "zz", 2), 2);
    assert_int_equal(akira_fs_unmount(&vol), AKIRA_OK); /* syncs /z */
    assert_int_equal(akira_fs_write(&h, "zz", 2), AKIRA_EINVAL);
    assert_int_equal(akira_fs_mkdir(&fs, "/q"), AKIRA_EINVAL);
    assert_int_equal(akira_fs_mount(&vol, &fa), AKIRA_OK);
    struct akira_fs_stat st;
    assert_int_equal(akira_fs_stat(&fs, "/z", &st), AKIRA_OK);
    assert_int_equal(st.size, 2);
}

/* Read everything reachable, recursively; return the number of entries seen. */
static int walk(const char *dir, int depth)
{
    struct akira_fs_dir d;
    struct akira_fs_stat st;
    char path[AKIRA_FS_PATH_MAX + 1];
    static uint8_t buf[4096];
    int seen = 0;
    if (depth > 8 || akira_fs_opendir(&fs, dir, &d)) return 0;
    while (akira_fs_readdir(&d, &st) == 1) {
        seen++;
        snprintf(path, sizeof path, "%s/%s", dir, st.name);
        if (st.type == AKIRA_FS_TYPE_DIR) {
            seen += walk(path, depth + 1);
        } else {
            struct akira_fs_file h;
            if (akira_fs_open(&fs, path, AKIRA_FS_O_RDWR, &h) == AKIRA_OK) {
                while (akira_fs_read(&h, buf, sizeof buf) > 0) {
                }
                akira_fs_write(&h, "x", 1);
                akira_fs_close(&h);
            }
        }
    }
    return seen;
}

/* Random damage anywhere in the partition (bits cleared, as a failing chip or a bad
 * write would): mount either refuses with AKIRA_ECORRUPT or gives a volume on which
 * every call behaves (ASan/UBSan watch the memory side). */
static void test_random_damage_never_crashes(void **state)
{
    (void)state;
    uint32_t r = 99;
    int refused = 0, walked = 0;
    static uint8_t data[3 * SS];
    memset(data, 0x77, sizeof data);
    for (int round = 0; round < 150; round++) {
        assert_int_equal(akira_fs_format(&vol, &fa), AKIRA_OK);
        assert_int_equal(akira_fs_mkdir(&fs, "/d"), AKIRA_OK);
        put("/d/a", data, sizeof data);
        put("/b", data, 100);
        put("/d/c", data, 2 * SS + 5);
        akira_fs_unmount(&vol);
        for (int k = 0; k < 1 + round % 20; k++) {
            r = r * 1103515245u + 12345u;
            /* Mostly the metadata sectors, where damage matters most. */
            uint32_t span = round % 3 == 0 ? NSECT * SS : round % 3 == 1 ? 1024 : 4 * SS;
            uint32_t off = (r >> 8) % span / 4 * 4;
            uint8_t mask[4] = {(uint8_t)(r >> 3), (uint8_t)(r >> 11), (uint8_t)(r >> 19),
                               (uint8_t)(r >> 27)};
            uint8_t cur[4];
            assert_int_equal(akira_flash_read(&f.dev, off, cur, 4), AKIRA_OK);
            for (int i = 0; i < 4; i++)
                cur[i] &= mask[i];
            assert_int_equal(akira_flash_write(&f.dev, off, cur, 4), AKIRA_OK);
        }
        int err = akira_fs_mount(&vol, &fa);
        if (err == AKIRA_ECORRUPT) {
            refused++;
            continue;
        }
        assert_int_equal(err, AKIRA_OK);
        walked += walk("", 0) > 0;
        put("/new", "n", 1);
        assert_int_equal(akira_fs_mount(&vol, &fa), AKIRA_OK);
        char b[2];
        assert_int_equal(get(&fs, "/new", b, sizeof b), 1);
    }
    print_message("damaged volumes: %d refused, %d mounted with entries to walk\n", refused,
                  walked);
    assert_true(walked > 50); /* the damage did not simply make every mount fail */
}

/* Dynamic wear levelling: one small file rewritten over and over wears every data
 * block about equally (copy-on-write into the next free block), reboots included, and
 * a file that never changes stays where it is. RAM is the volume struct, whatever the
 * file sizes. */
static void test_rewrites_spread_wear(void **state)
{
    (void)state;
    char data[100];
    memset(data, 's', sizeof data);
    put("/static", data, sizeof data);
    struct akira_fs_stat st;
    assert_int_equal(akira_fs_stat(&fs, "/static", &st), AKIRA_OK);
    const uint32_t meta = NSECT / 16 < 4 ? 4 : NSECT / 16; /* metadata sectors (docs) */
    for (int i = 0; i < 1500; i++) {
        snprintf(data, sizeof data, "version %d", i);
        put("/hot", data, strlen(data) + 1);
        if (i % 300 == 299) remount();
    }
    uint32_t min = UINT32_MAX, max = 0, never = 0;
    for (uint32_t s = meta; s < NSECT; s++) {
        uint32_t n = akira_sim_flash_erase_count(&f, s * SS);
        if (n == 0) {
            never++;
            continue;
        }
        if (n < min) min = n;
        if (n > max) max = n;
    }
    /* 1500 syncs of a one-block file (data + index block each) over 60 blocks: about
     * 50 erases per block; only the blocks of /static are never erased again. */
    print_message("data block erases: min %u, max %u, %u never erased\n", min, max, never);
    assert_true(never <= 2);
    assert_true(min >= 40);
    assert_true(max - min <= 3);
    char back[100];
    assert_int_equal(get(&fs, "/static", back, sizeof back), 100);
    assert_int_equal(back[99], 's');
    assert_int_equal(get(&fs, "/hot", back, sizeof back), 13);
    assert_string_equal(back, "version 1499");
    /* fixed RAM: a volume never needs more than its struct (no allocation in the fs) */
    assert_true(sizeof(struct akira_fs_vol) <= 32 * 1024);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_blank_area_is_not_a_fs),
        T(test_write_read_persist),
        T(test_seek_overwrite_and_gap),
        T(test_small_appends_cost_little),
        T(test_truncate),
        T(test_directories),
        T(test_unlink_frees_and_open_is_busy),
        T(test_rename),
        T(test_bad_names),
        T(test_handle_modes),
        T(test_unsynced_write_is_dropped_by_a_reboot),
        T(test_full_volume),
        T(test_too_many_files),
        T(test_app_views_and_quota),
        T(test_app_view_entry_limit),
        T(test_corruption_in_metadata_and_data_area),
        T(test_unmount_and_calls_after),
        T(test_random_damage_never_crashes),
        T(test_rewrites_spread_wear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Settings: every call, bad input, full store, corruption and garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/settings.h>
#include <akira/sim_flash.h>

#include "nor_check.h"

#include <stdio.h>
#include <string.h>

#define SS    4096u
#define NSECT 6u

static struct akira_sim_flash f; /* tests corrupt it directly through f.dev */
static struct nor_check chk;     /* the settings' flash: NOR semantics checked */
static struct akira_flash_area fa;
static struct akira_settings st;

static int setup(void **state)
{
    (void)state;
    if (nor_check_sim_open(&chk, &f, "t", NSECT * SS, SS, 4)) return -1;
    if (akira_flash_area_from_range(&chk.dev, "settings", 0, NSECT * SS, true, &fa)) return -1;
    return akira_settings_mount(&st, &fa);
}

static int teardown(void **state)
{
    (void)state;
    NOR_CHECK_CLEAN(&chk);
    nor_check_fini(&chk);
    akira_sim_flash_close(&f);
    return 0;
}

static void remount(void)
{
    memset(&st, 0xA5, sizeof st);
    assert_int_equal(akira_settings_mount(&st, &fa), AKIRA_OK);
}

static void test_set_get_delete_persist(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(akira_settings_set(&st, "akira/name", "dev1", 4), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "app/clock/tz", "UTC", 3), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "akira/empty", "", 0), AKIRA_OK);
    assert_int_equal(akira_settings_get(&st, "akira/name", buf, sizeof buf), 4);
    assert_memory_equal(buf, "dev1", 4);
    assert_int_equal(akira_settings_set(&st, "akira/name", "dev22", 5), AKIRA_OK);
    remount();
    assert_int_equal(akira_settings_get(&st, "akira/name", buf, sizeof buf), 5);
    assert_memory_equal(buf, "dev22", 5);
    assert_int_equal(akira_settings_get(&st, "akira/empty", buf, sizeof buf), 0);
    assert_int_equal(akira_settings_get(&st, "app/clock/tz", buf, 2), AKIRA_ERANGE);
    assert_int_equal(akira_settings_delete(&st, "app/clock/tz"), AKIRA_OK);
    assert_int_equal(akira_settings_get(&st, "app/clock/tz", buf, sizeof buf), AKIRA_ENOENT);
    assert_int_equal(akira_settings_delete(&st, "app/clock/tz"), AKIRA_ENOENT);
    assert_int_equal(akira_settings_delete(&st, "akira/never"), AKIRA_ENOENT);
    remount();
    assert_int_equal(akira_settings_get(&st, "app/clock/tz", buf, sizeof buf), AKIRA_ENOENT);
    /* Set after delete brings it back. */
    assert_int_equal(akira_settings_set(&st, "app/clock/tz", "CET", 3), AKIRA_OK);
    assert_int_equal(akira_settings_get(&st, "app/clock/tz", buf, sizeof buf), 3);
}

static void test_same_value_costs_no_write(void **state)
{
    (void)state;
    struct akira_sim_flash_stats a, b;
    assert_int_equal(akira_settings_set(&st, "akira/x", "1", 1), AKIRA_OK);
    akira_sim_flash_stats_get(&f, &a);
    assert_int_equal(akira_settings_set(&st, "akira/x", "1", 1), AKIRA_OK);
    akira_sim_flash_stats_get(&f, &b);
    assert_int_equal(a.writes, b.writes);
}

static void test_bad_keys_and_values(void **state)
{
    (void)state;
    char longkey[AKIRA_SETTINGS_KEY_MAX + 8];
    static uint8_t big[AKIRA_SETTINGS_VALUE_MAX + 1];
    memset(longkey, 'a', sizeof longkey);
    memcpy(longkey, "akira/", 6);
    longkey[AKIRA_SETTINGS_KEY_MAX + 1] = '\0';
    assert_int_equal(akira_settings_set(&st, longkey, "v", 1), AKIRA_ENAMETOOLONG);
    longkey[AKIRA_SETTINGS_KEY_MAX] = '\0';
    assert_int_equal(akira_settings_set(&st, longkey, "v", 1), AKIRA_OK);
    const char *bad[] = {"",       "name",      "akira",      "akira/",  "akira//x", "app/x",
                         "app//k", "akira/a b", "akira/\x01", "other/x", "akira/x/"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(akira_settings_set(&st, bad[i], "v", 1), AKIRA_EINVAL);
        assert_int_equal(akira_settings_key_check(bad[i]), AKIRA_EINVAL);
    }
    assert_int_equal(akira_settings_set(&st, NULL, "v", 1), AKIRA_EINVAL);
    assert_int_equal(akira_settings_set(&st, "akira/v", NULL, 1), AKIRA_EINVAL);
    assert_int_equal(akira_settings_get(&st, "akira/v", NULL, 4), AKIRA_EINVAL);
    assert_int_equal(akira_settings_foreach(&st, "akira/", NULL, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_settings_mount(&st, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_settings_set(&st, "akira/v", big, sizeof big), AKIRA_ETOOBIG);
    assert_int_equal(akira_settings_set(&st, "akira/v", big, sizeof big - 1), AKIRA_OK);
    assert_int_equal(akira_settings_get(&st, "akira/v", big, sizeof big), (int)sizeof big - 1);
}

struct list {
    int n;
    char keys[16][AKIRA_SETTINGS_KEY_MAX + 1];
};

static int collect(void *ctx, const char *key, const void *val, size_t len)
{
    struct list *l = ctx;
    (void)val;
    (void)len;
    strcpy(l->keys[l->n++], key);
    return 0;
}

static int has(const struct list *l, const char *key)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->keys[i], key) == 0) return 1;
    return 0;
}

static void test_foreach_prefix(void **state)
{
    (void)state;
    struct list l = {0};
    assert_int_equal(akira_settings_set(&st, "app/a/k1", "1", 1), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "app/a/k2", "2", 1), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "app/a/k1", "3", 1), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "app/b/k1", "4", 1), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "akira/z", "5", 1), AKIRA_OK);
    assert_int_equal(akira_settings_delete(&st, "app/a/k2"), AKIRA_OK);
    assert_int_equal(akira_settings_foreach(&st, "app/a/", collect, &l), AKIRA_OK);
    assert_int_equal(l.n, 1); /* k1 once despite two records; k2 deleted */
    assert_true(has(&l, "app/a/k1"));
    l.n = 0;
    assert_int_equal(akira_settings_foreach(&st, NULL, collect, &l), AKIRA_OK);
    assert_int_equal(l.n, 3);
    assert_true(has(&l, "app/b/k1") && has(&l, "akira/z"));
}

/* Many rewrites force rotations; everything survives and wear is spread. */
static void test_gc_keeps_data_and_spreads_wear(void **state)
{
    (void)state;
    char key[32], val[200], buf[200];
    for (int round = 0; round < 200; round++) {
        for (int k = 0; k < 8; k++) {
            snprintf(key, sizeof key, "akira/k%d", k);
            memset(val, 'a' + (round + k) % 26, sizeof val);
            assert_int_equal(akira_settings_set(&st, key, val, 100 + k), AKIRA_OK);
        }
    }
    assert_true(akira_settings_gc_count(&st) > 2 * NSECT);
    remount();
    for (int k = 0; k < 8; k++) {
        snprintf(key, sizeof key, "akira/k%d", k);
        assert_int_equal(akira_settings_get(&st, key, buf, sizeof buf), 100 + k);
        assert_int_equal(buf[0], 'a' + (199 + k) % 26);
    }
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint32_t s = 0; s < NSECT; s++) {
        uint32_t c = akira_sim_flash_erase_count(&f, s * SS);
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
    }
    assert_true(hi - lo <= 1);
}

static void test_full_store_reports_enospc_and_keeps_data(void **state)
{
    (void)state;
    static uint8_t val[1000];
    char key[32], buf[8];
    int i, err = 0;
    for (i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "akira/big%d", i);
        memset(val, i, sizeof val);
        err = akira_settings_set(&st, key, val, sizeof val);
        if (err) break;
    }
    assert_int_equal(err, AKIRA_ENOSPC);
    assert_true(i >= 10); /* (NSECT - 1) sectors of ~3 records each */
    /* Retrying does not rotate the ring again: no erase until something is deleted. */
    struct akira_sim_flash_stats a, b;
    akira_sim_flash_stats_get(&f, &a);
    assert_int_equal(akira_settings_set(&st, key, val, sizeof val), AKIRA_ENOSPC);
    akira_sim_flash_stats_get(&f, &b);
    assert_int_equal(a.erases, b.erases);
    remount();
    for (int j = 0; j < i; j++) {
        snprintf(key, sizeof key, "akira/big%d", j);
        assert_int_equal(akira_settings_get(&st, key, val, sizeof val), (int)sizeof val);
        assert_int_equal(val[0], (uint8_t)j);
    }
    /* Deleting frees room again. */
    assert_int_equal(akira_settings_delete(&st, "akira/big0"), AKIRA_OK);
    assert_int_equal(akira_settings_delete(&st, "akira/big1"), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "akira/small", "x", 1), AKIRA_OK);
    assert_int_equal(akira_settings_get(&st, "akira/small", buf, sizeof buf), 1);
}

static void test_corrupt_record_is_skipped(void **state)
{
    (void)state;
    char buf[16];
    assert_int_equal(akira_settings_set(&st, "akira/a", "old", 3), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "akira/a", "new", 3), AKIRA_OK);
    assert_int_equal(akira_settings_set(&st, "akira/b", "bee", 3), AKIRA_OK);
    /* Flip bits in the value of the second record (clearing bits is what the chip
     * allows): find "new" in the raw sectors. */
    uint8_t raw[SS];
    int found = 0;
    for (uint32_t s = 0; s < NSECT && !found; s++) {
        assert_int_equal(akira_flash_read(&f.dev, s * SS, raw, SS), AKIRA_OK);
        for (uint32_t i = 0; i + 4 <= SS; i += 4) {
            if (memcmp(raw + i, "new", 3) == 0 || memcmp(raw + i + 1, "new", 3) == 0 ||
                memcmp(raw + i + 2, "new", 3) == 0 || memcmp(raw + i + 3, "new", 3) == 0) {
                uint8_t z[4] = {0, 0, 0, 0};
                assert_int_equal(akira_flash_write(&f.dev, s * SS + i, z, 4), AKIRA_OK);
                found = 1;
                break;
            }
        }
    }
    assert_true(found);
    remount();
    /* The damaged record is ignored: the key reads its previous value, the record
     * after it is intact. */
    assert_int_equal(akira_settings_get(&st, "akira/a", buf, sizeof buf), 3);
    assert_memory_equal(buf, "old", 3);
    assert_int_equal(akira_settings_get(&st, "akira/b", buf, sizeof buf), 3);
    assert_int_equal(akira_settings_set(&st, "akira/c", "sea", 3), AKIRA_OK);
    remount();
    assert_int_equal(akira_settings_get(&st, "akira/c", buf, sizeof buf), 3);
}

static void test_garbage_sector_and_garbage_partition(void **state)
{
    (void)state;
    char buf[16];
    static uint8_t junk[SS];
    for (uint32_t i = 0; i < SS; i++)
        junk[i] = (uint8_t)(i * 7 + 3);
    assert_int_equal(akira_settings_set(&st, "akira/keep", "yes", 3), AKIRA_OK);
    /* Garbage in a sector the store does not use (the spare). */
    assert_int_equal(akira_flash_write(&f.dev, 3 * SS, junk, SS), AKIRA_OK);
    remount();
    assert_int_equal(akira_settings_get(&st, "akira/keep", buf, sizeof buf), 3);
    /* Garbage after the last record of the active sector. */
    assert_int_equal(akira_flash_write(&f.dev, SS - 64, junk, 64), AKIRA_OK);
    remount();
    assert_int_equal(akira_settings_get(&st, "akira/keep", buf, sizeof buf), 3);
    for (int i = 0; i < 60; i++)
        assert_int_equal(akira_settings_set(&st, "akira/more", junk + i, 200), AKIRA_OK);
    remount();
    assert_int_equal(akira_settings_get(&st, "akira/keep", buf, sizeof buf), 3);
    /* A partition of nothing but garbage still mounts, empty. */
    for (uint32_t s = 0; s < NSECT; s++) {
        assert_int_equal(akira_flash_erase(&f.dev, s * SS, SS), AKIRA_OK);
        assert_int_equal(akira_flash_write(&f.dev, s * SS, junk, SS), AKIRA_OK);
    }
    remount();
    assert_int_equal(akira_settings_get(&st, "akira/keep", buf, sizeof buf), AKIRA_ENOENT);
    assert_int_equal(akira_settings_set(&st, "akira/keep", "again", 5), AKIRA_OK);
    remount();
    assert_int_equal(akira_settings_get(&st, "akira/keep", buf, sizeof buf), 5);
}

static void test_format_and_bad_area(void **state)
{
    (void)state;
    char buf[8];
    struct akira_flash_area small, ro;
    assert_int_equal(akira_settings_set(&st, "akira/a", "1", 1), AKIRA_OK);
    assert_int_equal(akira_settings_format(&st), AKIRA_OK);
    assert_int_equal(akira_settings_get(&st, "akira/a", buf, sizeof buf), AKIRA_ENOENT);
    assert_int_equal(akira_flash_area_from_range(&chk.dev, "s", 0, 2 * SS, true, &small), AKIRA_OK);
    struct akira_settings other;
    assert_int_equal(akira_settings_mount(&other, &small), AKIRA_EINVAL);
    assert_int_equal(akira_flash_area_from_range(&chk.dev, "s", 0, NSECT * SS, false, &ro),
                     AKIRA_OK);
    assert_int_equal(akira_settings_mount(&other, &ro), AKIRA_EINVAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_set_get_delete_persist),
        T(test_same_value_costs_no_write),
        T(test_bad_keys_and_values),
        T(test_foreach_prefix),
        T(test_gc_keeps_data_and_spreads_wear),
        T(test_full_store_reports_enospc_and_keeps_data),
        T(test_corrupt_record_is_skipped),
        T(test_garbage_sector_and_garbage_partition),
        T(test_format_and_bad_area),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

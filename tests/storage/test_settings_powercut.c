/*
 * Settings under power cuts: a seeded workload of sets and deletes runs against a
 * model; power is cut at every flash write/erase index in turn (clean and torn). After
 * each cut the store must mount, every key must read its last acknowledged value, and
 * the key of the interrupted call must read its old or its new value.
 */
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
#define NSECT 4u
#define NKEYS 12
#define NOPS  400
#define VMAX  300

struct val {
    int present;
    uint16_t len;
    uint8_t data[VMAX];
};

struct model {
    struct val v[NKEYS];
};

static uint32_t rng;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void key_of(int k, char *buf)
{
    snprintf(buf, 32, k % 2 ? "akira/key%d" : "app/demo/key%d", k);
}

/* Runs the workload until done or until a call fails. Returns the index of the failed
 * op or NOPS; *model holds the acknowledged state, *inflight the failed op's target. */
static int run_workload(struct akira_settings *st, struct model *m, int *inflight_key,
                        struct val *inflight_new)
{
    char key[32];
    rng = 12345;
    memset(m, 0, sizeof *m);
    for (int op = 0; op < NOPS; op++) {
        int k = (int)(rnd() % NKEYS);
        key_of(k, key);
        struct val nv = {0};
        int err;
        if (rnd() % 6 == 0) {
            err = akira_settings_delete(st, key);
            if (err == AKIRA_ENOENT && !m->v[k].present) err = 0;
        } else {
            nv.present = 1;
            nv.len = (uint16_t)(rnd() % VMAX);
            for (int i = 0; i < nv.len; i++)
                nv.data[i] = (uint8_t)rnd();
            err = akira_settings_set(st, key, nv.data, nv.len);
        }
        if (err) {
            *inflight_key = k;
            *inflight_new = nv;
            return op;
        }
        m->v[k] = nv;
    }
    return NOPS;
}

static int same(const struct val *v, int got, const uint8_t *buf)
{
    if (!v->present) return got == AKIRA_ENOENT;
    return got == v->len && memcmp(buf, v->data, v->len) == 0;
}

static void check(struct akira_settings *st, const struct model *m, int inflight_key,
                  const struct val *inflight_new)
{
    char key[32];
    static uint8_t buf[AKIRA_SETTINGS_VALUE_MAX];
    for (int k = 0; k < NKEYS; k++) {
        key_of(k, key);
        int got = akira_settings_get(st, key, buf, sizeof buf);
        if (k == inflight_key) {
            assert_true(same(&m->v[k], got, buf) || same(inflight_new, got, buf));
        } else {
            if (!same(&m->v[k], got, buf)) fail_msg("key %s lost its acknowledged value", key);
        }
    }
}

static int cut_in_mount;

static void cut_everywhere(enum akira_sim_cut_mode mode)
{
    struct akira_sim_flash f;
    struct nor_check chk; /* every write and erase checked for NOR semantics */
    struct akira_flash_area fa;
    struct akira_settings st;
    static struct model m;
    struct val nv;
    int ik = -1;

    /* Count the flash operations of one uninterrupted run. */
    assert_int_equal(akira_sim_flash_open(&f, "t", NULL, NSECT * SS, SS, 4), AKIRA_OK);
    nor_check_init(&chk, "t", &f.dev);
    assert_int_equal(akira_flash_area_from_range(&chk.dev, "s", 0, NSECT * SS, true, &fa),
                     AKIRA_OK);
    assert_int_equal(akira_settings_mount(&st, &fa), AKIRA_OK);
    akira_sim_flash_stats_reset(&f);
    assert_int_equal(run_workload(&st, &m, &ik, &nv), NOPS);
    struct akira_sim_flash_stats s;
    akira_sim_flash_stats_get(&f, &s);
    uint64_t total = s.writes + s.erases;
    print_message("%llu flash writes+erases in the workload\n", (unsigned long long)total);
    assert_true(akira_settings_gc_count(&st) >=
                3 * NSECT); /* the workload wraps the ring 3 times */
    NOR_CHECK_CLEAN(&chk);
    nor_check_fini(&chk);
    akira_sim_flash_close(&f);

    for (uint64_t cut = 1; cut <= total; cut++) {
        assert_int_equal(akira_sim_flash_open(&f, "t", NULL, NSECT * SS, SS, 4), AKIRA_OK);
        nor_check_init(&chk, "t", &f.dev);
        akira_sim_flash_seed(&f, (uint32_t)cut);
        assert_int_equal(akira_flash_area_from_range(&chk.dev, "s", 0, NSECT * SS, true, &fa),
                         AKIRA_OK);
        assert_int_equal(akira_settings_mount(&st, &fa), AKIRA_OK);
        akira_sim_flash_cut_after(&f, cut, mode);
        ik = -1;
        int stopped = run_workload(&st, &m, &ik, &nv);
        assert_true(stopped < NOPS);
        akira_sim_flash_reboot(&f);
        /* Power may fail again while the mount repairs things: a second cut at one of
         * the mount's first flash operations, then a clean mount. */
        akira_sim_flash_cut_after(&f, 1 + cut % 4, mode);
        int first = akira_settings_mount(&st, &fa);
        assert_true(first == AKIRA_OK || first == AKIRA_EIO);
        cut_in_mount += first == AKIRA_EIO;
        akira_sim_flash_reboot(&f);
        if (akira_settings_mount(&st, &fa) != AKIRA_OK)
            fail_msg("no mount after a cut at flash op %llu", (unsigned long long)cut);
        check(&st, &m, ik, &nv);
        /* Still writable, and a second mount agrees. */
        assert_int_equal(akira_settings_set(&st, "akira/after", "cut", 3), AKIRA_OK);
        assert_int_equal(akira_settings_mount(&st, &fa), AKIRA_OK);
        char b[4];
        assert_int_equal(akira_settings_get(&st, "akira/after", b, sizeof b), 3);
        NOR_CHECK_CLEAN(&chk);
        nor_check_fini(&chk);
        akira_sim_flash_close(&f);
    }
    print_message("%d of the mounts after a cut were cut again while repairing\n", cut_in_mount);
}

__attribute__((unused)) static void test_cut_clean(void **state)
{
    (void)state;
    cut_everywhere(AKIRA_SIM_CUT_CLEAN);
}

__attribute__((unused)) static void test_cut_torn(void **state)
{
    (void)state;
    cut_everywhere(AKIRA_SIM_CUT_TORN);
}

/* One executable per mode (POWERCUT_PART 1..2, see CMakeLists.txt), so that each
 * CTest test stays short under the sanitizers. */
#ifndef POWERCUT_PART
#define POWERCUT_PART 0
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#if POWERCUT_PART == 0 || POWERCUT_PART == 1
        cmocka_unit_test(test_cut_clean),
#endif
#if POWERCUT_PART == 0 || POWERCUT_PART == 2
        cmocka_unit_test(test_cut_torn),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

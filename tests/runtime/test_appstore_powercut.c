/*
 * The app store under power cuts: fixed workloads of installs, upgrades and
 * uninstalls (with few apps, and with a full store) run against a model; power is cut at every
 * flash write/erase index in turn (clean and torn). After each cut the store must mount (a second
 * cut during the repair included), every app must be in its last acknowledged version with its
 * exact bytes, the app of the interrupted call in its old or its new state, and the
 * store must still take an install.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/sim_flash.h>

#include "pkg_build.h"

#define SS      4096u
#define SLOT_SS 3u /* header + 2 data sectors: packages up to 8 KiB */
#define AREA    (AKIRA_BOARD_APP_SLOTS * SLOT_SS * SS)
#define NAPPS   10
#define MAXV    4

static const char *const names[NAPPS] = {"alpha", "beta", "gamma", "delta", "epsilon",
                                         "zeta",  "eta",  "theta", "iota",  "kappa"};

enum op_kind { INSTALL, UNINSTALL };
struct op {
    enum op_kind kind;
    int app;
    int version; /* INSTALL: the version written */
    int expect;  /* the acknowledged answer: AKIRA_OK, or AKIRA_ENOSPC (store full) */
};

/* Three apps: new installs, upgrades, uninstalls, reinstall after uninstall. */
static const struct op ops_few[] = {
    {INSTALL, 0, 1, 0},   {INSTALL, 1, 1, 0}, {INSTALL, 0, 2, 0}, {INSTALL, 2, 1, 0},
    {UNINSTALL, 1, 0, 0}, {INSTALL, 2, 2, 0}, {INSTALL, 1, 2, 0}, {UNINSTALL, 0, 0, 0},
    {INSTALL, 1, 3, 0},   {INSTALL, 0, 3, 0}, {INSTALL, 2, 3, 0}, {UNINSTALL, 2, 0, 0},
};

/* A full store: 8 installed, a 9th refused, upgrades through the spare slot, a
 * place freed and taken again. */
static const struct op ops_full[] = {
    {INSTALL, 0, 1, 0}, {INSTALL, 1, 1, 0}, {INSTALL, 2, 1, 0},
    {INSTALL, 3, 1, 0}, {INSTALL, 4, 1, 0}, {INSTALL, 5, 1, 0},
    {INSTALL, 6, 1, 0}, {INSTALL, 7, 1, 0}, {INSTALL, 8, 1, AKIRA_ENOSPC},
    {INSTALL, 3, 2, 0}, {INSTALL, 7, 2, 0}, {UNINSTALL, 0, 0, 0},
    {INSTALL, 8, 1, 0}, {INSTALL, 8, 2, 0}, {INSTALL, 9, 1, AKIRA_ENOSPC},
    {INSTALL, 3, 3, 0},
};

static const struct op *ops;
static int NOPS;

static uint8_t pkgs[NAPPS][MAXV][8192];
static size_t pkg_len[NAPPS][MAXV];

static void build_packages(void)
{
    for (int a = 0; a < NAPPS; a++) {
        for (int v = 1; v < MAXV; v++) {
            char m[96];
            snprintf(m, sizeof m, "name: %s\nversion: %d\n", names[a], v);
            size_t pad = 700 + (size_t)v * 1900 + (size_t)(a % 3) * 211; /* 1 or 2 chunks */
            pkg_len[a][v] = pb_package(pkgs[a][v], m, pad, (uint8_t)(a * 16 + v));
            assert_true(pkg_len[a][v] <= (SLOT_SS - 1) * SS);
        }
    }
}

static int do_install(const uint8_t *p, size_t len)
{
    struct akira_appstore_writer w;
    int rc = akira_appstore_install_begin(&w, (uint32_t)len);
    for (size_t off = 0; !rc && off < len; off += 1000)
        rc = akira_appstore_install_write(&w, p + off, len - off < 1000 ? len - off : 1000);
    if (!rc) return akira_appstore_install_finish(&w, NULL, NULL);
    akira_appstore_install_abort(&w);
    return rc;
}

/* Runs ops until one fails. Returns the failed op's index (or NOPS); model[] holds
 * the acknowledged version of each app (0: not installed). */
static int run_workload(int model[NAPPS])
{
    memset(model, 0, sizeof(int) * NAPPS);
    for (int i = 0; i < NOPS; i++) {
        const struct op *o = &ops[i];
        int rc = o->kind == INSTALL
                     ? do_install(pkgs[o->app][o->version], pkg_len[o->app][o->version])
                     : akira_appstore_uninstall(names[o->app]);
        if (rc != o->expect) return i;
        if (rc == AKIRA_OK) model[o->app] = o->kind == INSTALL ? o->version : 0;
    }
    return NOPS;
}

/* Version of app a in the store, its bytes checked; 0 when absent. */
static int stored_version(int a)
{
    struct akira_app_record r;
    int rc = akira_appstore_find(names[a], &r);
    if (rc == AKIRA_ENOENT) return 0;
    assert_int_equal(rc, AKIRA_OK);
    int v = r.manifest.version[0] - '0';
    assert_true(v >= 1 && v < MAXV);
    assert_int_equal(r.size, pkg_len[a][v]);
    static uint8_t back[8192];
    assert_int_equal(akira_appstore_read(&r, 0, back, r.size), AKIRA_OK);
    assert_memory_equal(back, pkgs[a][v], r.size);
    return v;
}

static void cut_everywhere(const struct op *workload, int nops, enum akira_sim_cut_mode mode)
{
    ops = workload;
    NOPS = nops;
    static struct akira_sim_flash f;
    struct akira_flash_area fa;
    int model[NAPPS];
    build_packages();

    assert_int_equal(akira_sim_flash_open(&f, "t", NULL, AREA, SS, 4), AKIRA_OK);
    assert_int_equal(akira_flash_area_from_range(&f.dev, "a", 0, AREA, true, &fa), AKIRA_OK);
    assert_int_equal(akira_appstore_init_area(&fa), AKIRA_OK);
    assert_int_equal(akira_appstore_capacity(), (SLOT_SS - 1) * SS);
    akira_sim_flash_stats_reset(&f);
    assert_int_equal(run_workload(model), NOPS);
    struct akira_sim_flash_stats s;
    akira_sim_flash_stats_get(&f, &s);
    uint64_t total = s.writes + s.erases;
    print_message("%llu flash writes+erases in the workload\n", (unsigned long long)total);
    akira_sim_flash_close(&f);

    int cut_in_mount = 0;
    for (uint64_t cut = 1; cut <= total; cut++) {
        assert_int_equal(akira_sim_flash_open(&f, "t", NULL, AREA, SS, 4), AKIRA_OK);
        akira_sim_flash_seed(&f, (uint32_t)cut);
        assert_int_equal(akira_flash_area_from_range(&f.dev, "a", 0, AREA, true, &fa), AKIRA_OK);
        assert_int_equal(akira_appstore_init_area(&fa), AKIRA_OK);
        akira_sim_flash_cut_after(&f, cut, mode);
        int stopped = run_workload(model);
        /* All ops can succeed when the cut hits the old version's erase after an
         * upgrade's commit: the upgrade is durable and says so; the mount erases. */
        assert_true(akira_sim_flash_is_cut(&f));
        akira_sim_flash_reboot(&f);
        /* Power may fail again while the mount repairs. */
        akira_sim_flash_cut_after(&f, 1, mode);
        int first = akira_appstore_init_area(&fa);
        assert_true(first == AKIRA_OK || first == AKIRA_EIO);
        cut_in_mount += first == AKIRA_EIO;
        akira_sim_flash_cut_after(&f, 0, mode);
        akira_sim_flash_reboot(&f);
        if (akira_appstore_init_area(&fa) != AKIRA_OK)
            fail_msg("no mount after a cut at flash op %llu", (unsigned long long)cut);
        const struct op *o = stopped < NOPS ? &ops[stopped] : NULL;
        for (int a = 0; a < NAPPS; a++) {
            int v = stored_version(a);
            bool inflight = o && a == o->app && o->expect == AKIRA_OK;
            int after = inflight && o->kind == INSTALL ? o->version : 0;
            bool ok = v == model[a] || (inflight && v == after);
            if (!ok)
                fail_msg("cut at op %llu (during op %d): %s is version %d, want %d%s",
                         (unsigned long long)cut, stopped, names[a], v, model[a],
                         inflight ? " or the op's result" : "");
        }
        assert_true(akira_appstore_count() <= AKIRA_BOARD_APPS_INSTALLED_MAX);
        /* Still usable: an install (refused only by a full store) and a mount that
         * agrees. */
        bool full = akira_appstore_count() == AKIRA_BOARD_APPS_INSTALLED_MAX && !stored_version(0);
        assert_int_equal(do_install(pkgs[0][3], pkg_len[0][3]), full ? AKIRA_ENOSPC : AKIRA_OK);
        assert_int_equal(akira_appstore_init_area(&fa), AKIRA_OK);
        assert_int_equal(stored_version(0), full ? 0 : 3);
        akira_appstore_deinit();
        akira_sim_flash_close(&f);
    }
    print_message("%d of the mounts after a cut were cut again while repairing\n", cut_in_mount);
}

#define FEW  ops_few, (int)(sizeof ops_few / sizeof ops_few[0])
#define FULL ops_full, (int)(sizeof ops_full / sizeof ops_full[0])

__attribute__((unused)) static void test_cut_clean(void **state)
{
    (void)state;
    cut_everywhere(FEW, AKIRA_SIM_CUT_CLEAN);
}

__attribute__((unused)) static void test_cut_torn(void **state)
{
    (void)state;
    cut_everywhere(FEW, AKIRA_SIM_CUT_TORN);
}

__attribute__((unused)) static void test_full_cut_clean(void **state)
{
    (void)state;
    cut_everywhere(FULL, AKIRA_SIM_CUT_CLEAN);
}

__attribute__((unused)) static void test_full_cut_torn(void **state)
{
    (void)state;
    cut_everywhere(FULL, AKIRA_SIM_CUT_TORN);
}

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
#if POWERCUT_PART == 0 || POWERCUT_PART == 3
        cmocka_unit_test(test_full_cut_clean),
#endif
#if POWERCUT_PART == 0 || POWERCUT_PART == 4
        cmocka_unit_test(test_full_cut_torn),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

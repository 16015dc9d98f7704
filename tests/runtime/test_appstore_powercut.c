/*
 * The app store under power cuts: a fixed workload of installs, upgrades and
 * uninstalls runs against a model; power is cut at every flash write/erase index in
 * turn (clean and torn). After each cut the store must mount (a second cut during
 * the repair included), every app must be in its last acknowledged version with its
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
#define NAPPS   3
#define MAXV    4

static const char *const names[NAPPS] = {"alpha", "beta", "gamma"};

enum op_kind { INSTALL, UNINSTALL };
struct op {
    enum op_kind kind;
    int app;
    int version; /* INSTALL: the version written */
};

/* Covers: new installs, upgrades, uninstalls, reinstall after uninstall. */
static const struct op ops[] = {
    {INSTALL, 0, 1},   {INSTALL, 1, 1}, {INSTALL, 0, 2}, {INSTALL, 2, 1},
    {UNINSTALL, 1, 0}, {INSTALL, 2, 2}, {INSTALL, 1, 2}, {UNINSTALL, 0, 0},
    {INSTALL, 1, 3},   {INSTALL, 0, 3}, {INSTALL, 2, 3}, {UNINSTALL, 2, 0},
};
#define NOPS ((int)(sizeof ops / sizeof ops[0]))

static uint8_t pkgs[NAPPS][MAXV][8192];
static size_t pkg_len[NAPPS][MAXV];

static void build_packages(void)
{
    for (int a = 0; a < NAPPS; a++) {
        for (int v = 1; v < MAXV; v++) {
            char m[96];
            snprintf(m, sizeof m, "name: %s\nversion: %d\n", names[a], v);
            size_t pad = 700 + (size_t)v * 1900 + (size_t)a * 211; /* 1 or 2 chunks */
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
        if (rc) return i;
        model[o->app] = o->kind == INSTALL ? o->version : 0;
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

static void cut_everywhere(enum akira_sim_cut_mode mode)
{
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
        assert_true(stopped < NOPS);
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
        const struct op *o = &ops[stopped];
        for (int a = 0; a < NAPPS; a++) {
            int v = stored_version(a);
            int after = o->kind == INSTALL ? o->version : 0;
            bool ok = v == model[a] || (a == o->app && v == after);
            if (!ok)
                fail_msg("cut at op %llu (during op %d): %s is version %d, want %d%s",
                         (unsigned long long)cut, stopped, names[a], v, model[a],
                         a == o->app ? " or the op's result" : "");
        }
        assert_true(akira_appstore_count() <= AKIRA_BOARD_APPS_INSTALLED_MAX);
        /* Still usable: an install and a mount that agrees. */
        assert_int_equal(do_install(pkgs[0][3], pkg_len[0][3]), AKIRA_OK);
        assert_int_equal(akira_appstore_init_area(&fa), AKIRA_OK);
        assert_int_equal(stored_version(0), 3);
        akira_appstore_deinit();
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

/*
 * The app store on the board's flash map: install, upgrade, uninstall, list, info,
 * the flash reader, remount, and every refusal leaving the store as it was.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/package.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>
#include <akira/trust.h>
#include <akira/wasm.h>

#include "pkg_build.h"
#include "store_fixture.h"

static struct akira_sim_flash fl;
static uint8_t pkg[240 * 1024];

static int setup(void **state)
{
    (void)state;
    store_open(&fl);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(&fl);
    return 0;
}

/* Each test starts on an empty store. */
static int fresh(void **state)
{
    (void)state;
    store_empty();
    akira_storage_lock();
    akira_settings_delete(akira_storage_settings(), AKIRA_TRUST_ALLOW_UNSIGNED);
    akira_storage_unlock();
    return 0;
}

static size_t make(const char *name, const char *version, size_t pad)
{
    char m[128];
    snprintf(m, sizeof m, "name: %s\nversion: %s\n", name, version);
    return pb_package(pkg, m, pad, (uint8_t)(version[0] * 7 + name[0]));
}

static int install(const uint8_t *p, size_t len, size_t piece, struct akira_app_record *rec,
                   struct akira_manifest_error *e)
{
    return store_install(p, len, piece, rec, e);
}

static void expect_bytes(const char *name, const uint8_t *want, size_t len)
{
    struct akira_app_record r;
    assert_int_equal(akira_appstore_find(name, &r), AKIRA_OK);
    assert_int_equal(r.size, len);
    static uint8_t back[sizeof pkg];
    /* Odd-sized reads at odd offsets, like the engine's. */
    for (uint32_t off = 0; off < len;) {
        uint32_t k = (uint32_t)(len - off < 777 ? len - off : 777);
        assert_int_equal(akira_appstore_read(&r, off, back + off, k), AKIRA_OK);
        off += k;
    }
    assert_memory_equal(back, want, len);
    assert_int_equal(akira_appstore_read(&r, (uint32_t)len - 1, back, 2), AKIRA_EINVAL);
    /* The same through a reference (slot and sequence only), as the app manager keeps. */
    struct akira_appstore_ref ref = {r.slot, r.seq};
    memset(back, 0, len);
    assert_int_equal(akira_appstore_ref_read(&ref, 0, back, (uint32_t)len), AKIRA_OK);
    assert_memory_equal(back, want, len);
    assert_int_equal(akira_appstore_ref_read(&ref, (uint32_t)len - 1, back, 2), AKIRA_EINVAL);
}

static void test_install_find_read(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    size_t n = make("hello", "1.0", 5000);
    assert_int_equal(install(pkg, n, 100, &r, &e), AKIRA_OK);
    assert_string_equal(r.manifest.name, "hello");
    assert_string_equal(r.manifest.version, "1.0");
    assert_int_equal(r.size, n);
    assert_false(r.is_signed);
    assert_string_equal(r.key_name, "");
    assert_int_equal(akira_appstore_count(), 1);
    expect_bytes("hello", pkg, n);
    assert_int_equal(akira_appstore_find("nope", &r), AKIRA_ENOENT);
    /* The engine loads it from flash through the store's reader. */
    assert_int_equal(akira_appstore_find("hello", &r), AKIRA_OK);
    aw_error err;
    aw_module *m = aw_module_load(NULL, akira_appstore_read, &r, r.size, &err);
    assert_non_null(m);
    aw_module_delete(m);
    /* It is still there after a remount (a reboot). */
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    expect_bytes("hello", pkg, n);
}

static void test_upgrade_keeps_one(void **state)
{
    (void)state;
    struct akira_app_record r1, r2, r;
    size_t n = make("app", "1", 3000);
    assert_int_equal(install(pkg, n, 4096, &r1, NULL), AKIRA_OK);
    n = make("other", "1", 100);
    assert_int_equal(install(pkg, n, 4096, NULL, NULL), AKIRA_OK);
    n = make("app", "2", 9000);
    assert_int_equal(install(pkg, n, 1, &r2, NULL), AKIRA_OK);
    assert_true(r2.seq > r1.seq);
    assert_int_not_equal(r2.slot, r1.slot);
    assert_int_equal(akira_appstore_count(), 2);
    assert_int_equal(akira_appstore_find("app", &r), AKIRA_OK);
    assert_string_equal(r.manifest.version, "2");
    expect_bytes("app", pkg, n);
    /* A reader on the old version's record fails instead of reading another app. */
    uint8_t b[4];
    assert_int_equal(akira_appstore_read(&r1, 0, b, 4), AKIRA_ENOENT);
    struct akira_appstore_ref old_ref = {r1.slot, r1.seq};
    assert_int_equal(akira_appstore_ref_read(&old_ref, 0, b, 4), AKIRA_ENOENT);
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_count(), 2);
    assert_int_equal(akira_appstore_find("app", &r), AKIRA_OK);
    assert_string_equal(r.manifest.version, "2");
}

static int collect(void *ctx, const struct akira_app_record *r)
{
    char *names = ctx;
    strcat(names, r->manifest.name);
    strcat(names, " ");
    return 0;
}

static void test_full_store(void **state)
{
    (void)state;
    char name[16];
    struct akira_manifest_error e;
    for (int i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        snprintf(name, sizeof name, "app%d", i);
        size_t n = make(name, "1", 1000 + (size_t)i * 100);
        assert_int_equal(install(pkg, n, 512, NULL, NULL), AKIRA_OK);
    }
    assert_int_equal(akira_appstore_count(), AKIRA_BOARD_APPS_INSTALLED_MAX);
    /* A 9th app is refused and nothing changes. */
    size_t n = make("ninth", "1", 100);
    assert_int_equal(install(pkg, n, 512, NULL, &e), AKIRA_ENOSPC);
    assert_string_equal(e.field, "store");
    assert_int_equal(akira_appstore_count(), AKIRA_BOARD_APPS_INSTALLED_MAX);
    /* Upgrades still work with every place taken, repeatedly (the spare slot moves). */
    for (int round = 0; round < 3; round++) {
        char v[4];
        snprintf(v, sizeof v, "%d", round + 2);
        n = make("app3", v, 2000 + (size_t)round);
        assert_int_equal(install(pkg, n, 700, NULL, NULL), AKIRA_OK);
        expect_bytes("app3", pkg, n);
    }
    assert_int_equal(akira_appstore_count(), AKIRA_BOARD_APPS_INSTALLED_MAX);
    /* List, in install order: app3 was upgraded last. */
    char names[256] = "";
    assert_int_equal(akira_appstore_foreach(collect, names), AKIRA_OK);
    assert_string_equal(names, "app0 app1 app2 app4 app5 app6 app7 app3 ");
    /* Uninstall one and the 9th fits. */
    assert_int_equal(akira_appstore_uninstall("app5"), AKIRA_OK);
    assert_int_equal(akira_appstore_uninstall("app5"), AKIRA_ENOENT);
    n = make("ninth", "1", 100);
    assert_int_equal(install(pkg, n, 512, NULL, NULL), AKIRA_OK);
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_count(), AKIRA_BOARD_APPS_INSTALLED_MAX);
    assert_int_equal(akira_appstore_find("app5", &(struct akira_app_record){0}), AKIRA_ENOENT);
}

/* A refused install leaves the store exactly as it was. */
static void refused(const uint8_t *p, size_t len, int code, const char *field)
{
    int before = akira_appstore_count();
    struct akira_manifest_error e;
    int rc = install(p, len, 300, NULL, &e);
    if (rc != code || strcmp(e.field, field) != 0)
        fail_msg("got %d '%s: %s', want %d '%s'", rc, e.field, e.reason, code, field);
    assert_int_equal(akira_appstore_count(), before);
}

static void test_refusals(void **state)
{
    (void)state;
    size_t n = make("keep", "1", 2000);
    assert_int_equal(install(pkg, n, 999, NULL, NULL), AKIRA_OK);
    static uint8_t keep[8192];
    memcpy(keep, pkg, n);
    size_t keep_n = n;

    /* Truncated upload: half of a package (announced size unknown). */
    n = make("trunc", "1", 3000);
    struct akira_appstore_writer w;
    struct akira_manifest_error e;
    assert_int_equal(akira_appstore_install_begin(&w, 0), AKIRA_OK);
    assert_int_equal(akira_appstore_install_write(&w, pkg, n / 2), AKIRA_OK);
    assert_int_equal(akira_appstore_install_finish(&w, NULL, &e), AKIRA_EFORMAT);
    assert_string_equal(e.field, "module");
    /* Truncated against the announced size. */
    assert_int_equal(akira_appstore_install_begin(&w, (uint32_t)n), AKIRA_OK);
    assert_int_equal(akira_appstore_install_write(&w, pkg, n - 1), AKIRA_OK);
    assert_int_equal(akira_appstore_install_finish(&w, NULL, &e), AKIRA_EFORMAT);
    assert_non_null(strstr(e.reason, "announced"));
    /* Garbage and empty uploads. */
    static uint8_t junk[5000];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 131 + 7);
    refused(junk, sizeof junk, AKIRA_ENOEXEC, "module");
    assert_int_equal(akira_appstore_install_begin(&w, 0), AKIRA_OK);
    assert_int_equal(akira_appstore_install_finish(&w, NULL, &e), AKIRA_EFORMAT);
    /* A bad manifest names its field. */
    n = pb_package(pkg, "name: Bad Name\nversion: 1\n", 10, 0);
    refused(pkg, n, AKIRA_EFORMAT, "name");
    n = pb_package(pkg, "name: ok\nversion: 1\ncapabilities: teleport\n", 10, 0);
    refused(pkg, n, AKIRA_EFORMAT, "capabilities");
    /* A manifest on a module the engine cannot decode (a broken type section). */
    n = pb_header(pkg);
    memcpy(pkg + n, "\x01\x03\x01\x61\x00", 5);
    n = pb_custom(pkg, n + 5, AKIRA_MANIFEST_SECTION, "name: x\nversion: 1\n", 19, 0);
    refused(pkg, n, AKIRA_ENOEXEC, "module");
    /* A named entry the module does not export (it exports "run"). */
    n = pb_package(pkg, "name: ok\nversion: 1\nentry: main\n", 10, 0);
    refused(pkg, n, AKIRA_EFORMAT, "entry");
    n = pb_package(pkg, "name: ok\nversion: 1\nentry: run\n", 10, 0);
    struct akira_app_record er;
    assert_int_equal(install(pkg, n, 300, &er, NULL), AKIRA_OK);
    assert_string_equal(er.manifest.entry, "run");
    assert_int_equal(akira_appstore_uninstall("ok"), AKIRA_OK);
    /* Signed by a key the device does not trust. */
    uint8_t pub[32], sk[64];
    assert_int_equal(akira_package_keygen(pub, sk), AKIRA_OK);
    n = pb_sign(pkg, make("signed", "1", 100), sk);
    refused(pkg, n, AKIRA_ESIG, "signature");
    /* Too big: by the hint at once, by the bytes when the hint is missing. */
    uint32_t cap = akira_appstore_capacity();
    assert_int_equal(cap, AKIRA_BOARD_APP_SLOT_SIZE - AKIRA_BOARD_FLASH_SECTOR_SIZE);
    assert_int_equal(akira_appstore_install_begin(&w, cap + 1), AKIRA_ETOOBIG);
    assert_int_equal(akira_appstore_install_begin(&w, 0), AKIRA_OK);
    static uint8_t zeros[4096];
    int rc = AKIRA_OK;
    uint32_t sent = 0;
    while (rc == AKIRA_OK && sent <= cap) {
        rc = akira_appstore_install_write(&w, zeros, sizeof zeros);
        sent += sizeof zeros;
    }
    assert_int_equal(rc, AKIRA_ETOOBIG);
    /* The writer is finished: further calls say so. */
    assert_int_equal(akira_appstore_install_write(&w, zeros, 1), AKIRA_ESTATE);
    assert_int_equal(akira_appstore_install_finish(&w, NULL, &e), AKIRA_ESTATE);
    /* Abort: nothing visible, and the slot is reusable. */
    for (int i = 0; i < 20; i++) {
        assert_int_equal(akira_appstore_install_begin(&w, 0), AKIRA_OK);
        assert_int_equal(akira_appstore_install_write(&w, keep, 100), AKIRA_OK);
        akira_appstore_install_abort(&w);
        akira_appstore_install_abort(&w);
    }
    assert_int_equal(akira_appstore_uninstall("trunc"), AKIRA_ENOENT);
    assert_int_equal(akira_appstore_uninstall(NULL), AKIRA_EINVAL);
    /* Through all of it the installed app stayed intact, also after a remount. */
    assert_int_equal(akira_appstore_count(), 1);
    expect_bytes("keep", keep, keep_n);
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_count(), 1);
    expect_bytes("keep", keep, keep_n);
}

static void test_signed_install(void **state)
{
    (void)state;
    uint8_t pub[32], sk[64];
    assert_int_equal(akira_package_keygen(pub, sk), AKIRA_OK);
    akira_storage_lock();
    assert_int_equal(akira_trust_key_add(akira_storage_settings(), "vendor", pub), AKIRA_OK);
    assert_int_equal(akira_trust_set_allow_unsigned(akira_storage_settings(), false), AKIRA_OK);
    akira_storage_unlock();
    struct akira_app_record r;
    struct akira_manifest_error e;
    size_t n = make("plain", "1", 100);
    assert_int_equal(install(pkg, n, 64, &r, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "unsigned"));
    n = pb_sign(pkg, make("sig", "1", 20000), sk);
    assert_int_equal(install(pkg, n, 333, &r, &e), AKIRA_OK);
    assert_true(r.is_signed);
    assert_string_equal(r.key_name, "vendor");
    /* Tampered in transit: one byte of the padding. */
    pkg[5000] ^= 0x04;
    assert_int_equal(install(pkg, n, 333, &r, &e), AKIRA_ESIG);
    pkg[5000] ^= 0x04;
    /* The signer's name survives a remount. */
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_find("sig", &r), AKIRA_OK);
    assert_true(r.is_signed);
    assert_string_equal(r.key_name, "vendor");
    akira_storage_lock();
    assert_int_equal(akira_trust_key_remove(akira_storage_settings(), "vendor"), AKIRA_OK);
    akira_storage_unlock();
}

static void test_largest_app(void **state)
{
    (void)state;
    uint32_t cap = akira_appstore_capacity();
    assert_true(cap >= 200 * 1024);
    /* A package of exactly the capacity: the pad makes up the difference. */
    size_t base = make("big", "1", 0);
    size_t n = make("big", "1", cap - base - 8); /* + the pad section header */
    assert_int_equal(n, cap);
    assert_int_equal(install(pkg, n, 1500, NULL, NULL), AKIRA_OK);
    expect_bytes("big", pkg, n);
}

static void test_not_initialised(void **state)
{
    (void)state;
    akira_appstore_deinit();
    struct akira_appstore_writer w;
    struct akira_app_record r;
    assert_int_equal(akira_appstore_install_begin(&w, 0), AKIRA_ESTATE);
    assert_int_equal(akira_appstore_find("x", &r), AKIRA_ESTATE);
    assert_int_equal(akira_appstore_uninstall("x"), AKIRA_ESTATE);
    assert_int_equal(akira_appstore_count(), AKIRA_ESTATE);
    assert_int_equal(akira_appstore_capacity(), 0);
    /* Areas the store cannot use: read-only, or slots under two sectors. */
    struct akira_flash_area fa;
    assert_int_equal(akira_flash_area_open(AKIRA_PART_APPSTORE, false, &fa), AKIRA_OK);
    assert_int_equal(akira_appstore_init_area(&fa), AKIRA_EINVAL);
    assert_int_equal(akira_flash_area_from_range(&fl.dev, "tiny", AKIRA_BOARD_PART_SCRATCH_OFFSET,
                                                 AKIRA_BOARD_APP_SLOTS * 4096u * 2u - 4096u, true,
                                                 &fa),
                     AKIRA_OK);
    assert_int_equal(akira_appstore_init_area(&fa), AKIRA_EINVAL);
    assert_int_equal(akira_appstore_init_area(NULL), AKIRA_EINVAL);
    /* A writer from before a remount is dead after it. */
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_install_begin(&w, 0), AKIRA_OK);
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_install_write(&w, "x", 1), AKIRA_ESTATE);
}

/* Installs from several threads at once (each its own app, upgraded repeatedly) while
 * another thread lists and reads: every install lands, every read is whole. */
#define TH_APPS   3
#define TH_ROUNDS 6
static uint8_t th_pkg[TH_APPS][TH_ROUNDS][6000];
static size_t th_len[TH_APPS][TH_ROUNDS];

static void *installer(void *arg)
{
    int a = (int)(intptr_t)arg;
    for (int v = 0; v < TH_ROUNDS; v++) {
        struct akira_appstore_writer w;
        int rc = akira_appstore_install_begin(&w, (uint32_t)th_len[a][v]);
        for (size_t off = 0; !rc && off < th_len[a][v]; off += 97) {
            size_t k = th_len[a][v] - off < 97 ? th_len[a][v] - off : 97;
            rc = akira_appstore_install_write(&w, th_pkg[a][v] + off, k);
        }
        if (!rc) rc = akira_appstore_install_finish(&w, NULL, NULL);
        if (rc) return (void *)(intptr_t)rc;
    }
    return NULL;
}

static int read_whole(void *ctx, const struct akira_app_record *r)
{
    static uint8_t b[6000];
    int *reads = ctx;
    int rc = akira_appstore_read((void *)r, 0, b, r->size);
    /* A version replaced meanwhile reads ENOENT, never another app's bytes. */
    if (rc == AKIRA_ENOENT) return 0;
    if (rc) return rc;
    int a = r->manifest.name[1] - '0', v = r->manifest.version[0] - '0';
    if (r->size != th_len[a][v] || memcmp(b, th_pkg[a][v], r->size) != 0) return -1000;
    (*reads)++;
    return 0;
}

static void test_threads(void **state)
{
    (void)state;
    for (int a = 0; a < TH_APPS; a++) {
        for (int v = 0; v < TH_ROUNDS; v++) {
            char m[64];
            snprintf(m, sizeof m, "name: t%d\nversion: %d\n", a, v);
            th_len[a][v] = pb_package(th_pkg[a][v], m, 1000 + (size_t)(a * 1000 + v * 500),
                                      (uint8_t)(a * 10 + v));
        }
    }
    pthread_t th[TH_APPS];
    for (int a = 0; a < TH_APPS; a++)
        assert_int_equal(pthread_create(&th[a], NULL, installer, (void *)(intptr_t)a), 0);
    int reads = 0, rounds = 0, rc = 0;
    for (; rounds < 200 && rc == 0; rounds++)
        rc = akira_appstore_foreach(read_whole, &reads);
    assert_int_equal(rc, 0);
    for (int a = 0; a < TH_APPS; a++) {
        void *ret;
        assert_int_equal(pthread_join(th[a], &ret), 0);
        assert_null(ret);
    }
    assert_int_equal(akira_appstore_count(), TH_APPS);
    char name[8];
    for (int a = 0; a < TH_APPS; a++) {
        snprintf(name, sizeof name, "t%d", a);
        expect_bytes(name, th_pkg[a][TH_ROUNDS - 1], th_len[a][TH_ROUNDS - 1]);
    }
    assert_true(sizeof(struct akira_appstore_writer) <= 300); /* bounded RAM per upload */
}

/* A flash error during uninstall (power comes back without a reboot): the app is gone
 * from view at once, and the next store operation finishes the erase, so a remount
 * does not bring it back. */
static void test_uninstall_flash_error(void **state)
{
    (void)state;
    struct akira_app_record r;
    size_t n = make("gone", "1", 500);
    assert_int_equal(install(pkg, n, 512, NULL, NULL), AKIRA_OK);
    n = make("stays", "1", 500);
    assert_int_equal(install(pkg, n, 512, NULL, NULL), AKIRA_OK);
    akira_sim_flash_cut_after(&fl, 1, AKIRA_SIM_CUT_CLEAN);
    assert_int_equal(akira_appstore_uninstall("gone"), AKIRA_EIO);
    akira_sim_flash_reboot(&fl);
    assert_int_equal(akira_appstore_find("gone", &r), AKIRA_ENOENT);
    assert_int_equal(akira_appstore_count(), 1);
    /* An upgrade of the other app retries the erase (it also takes a free slot, which
     * the hidden one is not). */
    n = make("stays", "2", 700);
    assert_int_equal(install(pkg, n, 512, NULL, NULL), AKIRA_OK);
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_find("gone", &r), AKIRA_ENOENT);
    assert_int_equal(akira_appstore_count(), 1);
    expect_bytes("stays", pkg, n);
}

/* install() with the owner's force flags. */
static int install_forced(const uint8_t *p, size_t len, uint32_t flags,
                          struct akira_manifest_error *e)
{
    struct akira_appstore_writer w;
    int rc = akira_appstore_install_begin(&w, (uint32_t)len);
    if (rc) return rc;
    akira_appstore_install_allow(&w, flags);
    rc = akira_appstore_install_write(&w, p, len);
    if (rc) return rc;
    return akira_appstore_install_finish(&w, NULL, e);
}

static void expect_installed(const char *name, const char *version, const char *key_name)
{
    struct akira_app_record r;
    assert_int_equal(akira_appstore_find(name, &r), AKIRA_OK);
    assert_string_equal(r.manifest.version, version);
    assert_string_equal(r.key_name, key_name);
    assert_int_equal(r.is_signed, key_name[0] != '\0');
}

/* Issue 21: an upgrade is tied to the installed app's signer and version. A signed app
 * is never replaced by an unsigned or differently signed package, nor by a lower
 * version, unless the owner forces it (re-key, downgrade). */
static void test_upgrade_signer_and_version(void **state)
{
    (void)state;
    uint8_t pub[32], sk[64], pub2[32], sk2[64];
    assert_int_equal(akira_package_keygen(pub, sk), AKIRA_OK);
    assert_int_equal(akira_package_keygen(pub2, sk2), AKIRA_OK);
    akira_storage_lock();
    akira_trust_key_remove(akira_storage_settings(), "vendor");
    akira_trust_key_remove(akira_storage_settings(), "other");
    assert_int_equal(akira_trust_key_add(akira_storage_settings(), "vendor", pub), AKIRA_OK);
    assert_int_equal(akira_trust_key_add(akira_storage_settings(), "other", pub2), AKIRA_OK);
    akira_storage_unlock();
    struct akira_manifest_error e;
    size_t n = pb_sign(pkg, make("app", "2.9", 300), sk);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_OK);
    /* Unsigned with the same name (unsigned apps are allowed here): refused. */
    n = make("app", "3.0", 300);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_ESIG);
    assert_string_equal(e.field, "signature");
    assert_non_null(strstr(e.reason, "vendor"));
    assert_non_null(strstr(e.reason, "unsigned"));
    /* Signed by another trusted key: refused too. */
    n = pb_sign(pkg, make("app", "3.0", 300), sk2);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "another key"));
    expect_installed("app", "2.9", "vendor");
    /* The same signer, a lower version: refused; the same version: a reinstall. */
    n = pb_sign(pkg, make("app", "2.10.0", 300), sk);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_OK); /* 2.10 > 2.9 */
    n = pb_sign(pkg, make("app", "2.9", 300), sk);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_EPERM);
    assert_string_equal(e.field, "version");
    n = pb_sign(pkg, make("app", "2.10", 300), sk);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_EPERM); /* 2.10 < 2.10.0 */
    n = pb_sign(pkg, make("app", "2.10.0", 300), sk);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_OK);
    expect_installed("app", "2.10.0", "vendor");
    /* The rule holds after a reboot (the signer is read back from flash). */
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    n = pb_sign(pkg, make("app", "9", 300), sk2);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_ESIG);
    /* The owner re-keys: allowed, and from then on the new key is the one. */
    assert_int_equal(install_forced(pkg, n, AKIRA_APPSTORE_REKEY, &e), AKIRA_OK);
    expect_installed("app", "9", "other");
    n = pb_sign(pkg, make("app", "10", 300), sk);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_ESIG);
    /* The owner downgrades: allowed with the flag only (re-key does not imply it). */
    n = pb_sign(pkg, make("app", "1", 300), sk2);
    assert_int_equal(install_forced(pkg, n, AKIRA_APPSTORE_REKEY, &e), AKIRA_EPERM);
    assert_int_equal(install_forced(pkg, n, AKIRA_APPSTORE_DOWNGRADE, &e), AKIRA_OK);
    expect_installed("app", "1", "other");
    /* An unsigned app may become signed (a stricter rule), never the reverse. */
    n = make("plain", "1", 300);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_OK);
    n = make("plain", "2", 300);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_OK);
    n = pb_sign(pkg, make("plain", "3", 300), sk);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_OK);
    expect_installed("plain", "3", "vendor");
    n = make("plain", "4", 300);
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_ESIG);
    expect_installed("plain", "3", "vendor");
    akira_storage_lock();
    akira_trust_key_remove(akira_storage_settings(), "vendor");
    akira_trust_key_remove(akira_storage_settings(), "other");
    akira_storage_unlock();
}

/* Appends section `id` with `len` bytes of body. */
static size_t sec(uint8_t *out, size_t at, uint8_t id, const uint8_t *body, size_t len)
{
    out[at++] = id;
    at += pb_leb(out + at, (uint32_t)len);
    memcpy(out + at, body, len);
    return at + len;
}

/* Issue 21: what a started app would fail on is refused at install: imports this
 * firmware cannot bind (all named), capabilities no API module serves. */
static void test_install_checks_imports_and_caps(void **state)
{
    (void)state;
    /* Imports wasi sock_open (a WasmEdge extension, not WASI preview 1) and
     * akira.teleport; exports run. */
    static const uint8_t types[] = {2,    0x60, 9,    0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7E,
                                    0x7E, 0x7F, 0x7F, 1,    0x7F, 0x60, 0,    1,    0x7F};
    static const uint8_t imports[] = {
        2,   22,  'w', 'a', 's', 'i', '_', 's', 'n', 'a', 'p', 's', 'h', 'o', 't', '_', 'p', 'r',
        'e', 'v', 'i', 'e', 'w', '1', 9,   's', 'o', 'c', 'k', '_', 'o', 'p', 'e', 'n', 0,   0,
        5,   'a', 'k', 'i', 'r', 'a', 8,   't', 'e', 'l', 'e', 'p', 'o', 'r', 't', 0,   1};
    static const uint8_t funcs[] = {1, 1};
    static const uint8_t exports[] = {1, 3, 'r', 'u', 'n', 0, 2};
    static const uint8_t code[] = {1, 4, 0, 0x41, 0x2A, 0x0B};
    size_t n = pb_header(pkg);
    n = sec(pkg, n, 1, types, sizeof types);
    n = sec(pkg, n, 2, imports, sizeof imports);
    n = sec(pkg, n, 3, funcs, sizeof funcs);
    n = sec(pkg, n, 7, exports, sizeof exports);
    n = sec(pkg, n, 10, code, sizeof code);
    const char *m = "name: wasiapp\nversion: 1\n";
    n = pb_custom(pkg, n, AKIRA_MANIFEST_SECTION, m, strlen(m), 0);
    struct akira_manifest_error e;
    assert_int_equal(install(pkg, n, 300, NULL, &e), AKIRA_ENOEXEC);
    assert_string_equal(e.field, "imports");
    assert_non_null(strstr(e.reason, "wasi_snapshot_preview1.sock_open"));
    assert_non_null(strstr(e.reason, "akira.teleport"));
    assert_int_equal(akira_appstore_count(), 0);
    /* Capability names without an API module on this firmware (ble and mesh come from
     * connectivity/, registered at boot by the device, not in this test). */
    static const char *const none[] = {"ble", "mesh"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        char text[96];
        snprintf(text, sizeof text, "name: caps\nversion: 1\ncapabilities: timer, %s\n", none[i]);
        n = pb_package(pkg, text, 10, 0);
        assert_int_equal(install(pkg, n, 300, NULL, &e), AKIRA_ENOTSUP);
        assert_string_equal(e.field, "capabilities");
        assert_non_null(strstr(e.reason, none[i]));
    }
    n = pb_package(pkg, "name: caps\nversion: 1\ncapabilities: timer, ipc, net\n", 10, 0);
    assert_int_equal(install(pkg, n, 300, NULL, &e), AKIRA_OK);
    /* The display, input and ui modules exist on this firmware (docs/display.md). */
    n = pb_package(pkg, "name: gui\nversion: 1\ncapabilities: display, input, ui\n", 10, 0);
    assert_int_equal(install(pkg, n, 300, NULL, &e), AKIRA_OK);
}

/* A module of `nfuncs` small functions (each `i32.const 42; i32.const 1; i32.add`),
 * exporting the first as run, with `manifest`. Returns its size. */
static size_t many_functions(uint8_t *out, uint32_t nfuncs, const char *manifest)
{
    static const uint8_t types[] = {1, 0x60, 0, 1, 0x7F};
    static const uint8_t exports[] = {1, 3, 'r', 'u', 'n', 0, 0};
    size_t n = pb_header(out);
    n = sec(out, n, 1, types, sizeof types);
    uint8_t leb[5];
    size_t ln = pb_leb(leb, nfuncs);
    out[n++] = 3; /* function section: count, then a type index 0 each */
    n += pb_leb(out + n, (uint32_t)(ln + nfuncs));
    memcpy(out + n, leb, ln);
    n += ln;
    memset(out + n, 0, nfuncs);
    n += nfuncs;
    n = sec(out, n, 7, exports, sizeof exports);
    static const uint8_t body[] = {7, 0, 0x41, 0x2A, 0x41, 0x01, 0x6A, 0x0B};
    out[n++] = 10;
    n += pb_leb(out + n, (uint32_t)(ln + nfuncs * sizeof body));
    memcpy(out + n, leb, ln);
    n += ln;
    for (uint32_t i = 0; i < nfuncs; i++, n += sizeof body)
        memcpy(out + n, body, sizeof body);
    return pb_custom(out, n, AKIRA_MANIFEST_SECTION, manifest, strlen(manifest), 0);
}

/* Issue 21: install-time validation loads the module under the app's memory_quota, as
 * a start does (it took 32 MB for a 200 KB module without a bound). */
static void test_install_load_bounded(void **state)
{
    (void)state;
    const uint32_t nfuncs = 23000;
    struct akira_manifest_error e;
    size_t n =
        many_functions(pkg, nfuncs, "name: big\nversion: 1\nmemory_quota: 80K\nstack_size: 4K\n");
    assert_true(n > 200 * 1000 && n <= akira_appstore_capacity());
    assert_int_equal(install(pkg, n, 4096, NULL, &e), AKIRA_EQUOTA);
    assert_string_equal(e.field, "memory_quota");
    size_t small_peak = akira_appstore_last_check_peak();
    assert_true(small_peak <= 80u * 1024u);
    assert_int_equal(akira_appstore_count(), 0);
    /* With the largest quota the board allows it loads, and took no more than that. */
    char m[128];
    snprintf(m, sizeof m, "name: big\nversion: 1\nmemory_quota: %u\n",
             (unsigned)AKIRA_BOARD_APP_MEM_QUOTA_MAX);
    n = many_functions(pkg, nfuncs, m);
    int rc = install(pkg, n, 4096, NULL, &e);
    size_t peak = akira_appstore_last_check_peak();
    print_message("%zu-byte module, %u functions: install load took at most %zu bytes "
                  "(quota %u): %s\n",
                  n, nfuncs, peak, (unsigned)AKIRA_BOARD_APP_MEM_QUOTA_MAX, akira_err_str(rc));
    assert_true(peak <= AKIRA_BOARD_APP_MEM_QUOTA_MAX);
    assert_true(rc == AKIRA_OK || (rc == AKIRA_EQUOTA && strcmp(e.field, "memory_quota") == 0));
}

/* Where the installed package's bytes sit in the chip (a RAM-backed sim flash). */
static uint8_t *in_chip(const uint8_t *p, size_t len)
{
    uint8_t *part = fl.mem + AKIRA_BOARD_PART_APPSTORE_OFFSET;
    uint8_t *at = memmem(part, AKIRA_BOARD_PART_APPSTORE_SIZE, p, len);
    assert_non_null(at);
    return at;
}

/* A byte of an installed app flips on the flash (bit rot), in each of its three chunks
 * in turn: the next mount reports the app corrupt and does not load it, so it is
 * neither listed nor readable; the other app is untouched. The bytes flipped are in
 * the package's padding, so the package still parses: only the chunk CRCs see it.
 * Flipped back, the app is whole again. */
static void test_flipped_byte_at_rest(void **state)
{
    (void)state;
    struct akira_app_record r;
    size_t n = make("fine", "1", 3000);
    assert_int_equal(install(pkg, n, 1000, NULL, NULL), AKIRA_OK);
    n = make("rot", "1", 9000);
    assert_int_equal(install(pkg, n, 1000, NULL, NULL), AKIRA_OK);
    assert_true(n > 8300 && n < 3 * 4096);
    uint8_t *chip = in_chip(pkg, n);
    const size_t where[] = {2000, 4200, 8300};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        chip[where[i]] ^= 0x10;
        assert_int_equal(akira_appstore_init(), AKIRA_OK);
        assert_int_equal(akira_appstore_corrupt_count(), 1);
        assert_int_equal(akira_appstore_find("rot", &r), AKIRA_ENOENT);
        assert_int_equal(akira_appstore_count(), 1);
        assert_int_equal(akira_appstore_find("fine", &r), AKIRA_OK);
        chip[where[i]] ^= 0x10;
        assert_int_equal(akira_appstore_init(), AKIRA_OK);
        assert_int_equal(akira_appstore_corrupt_count(), 0);
        expect_bytes("rot", pkg, n);
    }
    /* Left corrupt, it is gone at the mount, and a reinstall takes its place. */
    chip[5000] ^= 0x01;
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_corrupt_count(), 1);
    assert_int_equal(install(pkg, n, 1000, NULL, NULL), AKIRA_OK);
    expect_bytes("rot", pkg, n);
}

/* The chip programs one bit wrong (a weak cell that reports success) during an
 * install, at each bit-clearing write of the install in turn: package data, chunk
 * CRCs, the commit record. The read-back catches every one: the install fails with
 * ECORRUPT and nothing is installed, also after a remount. Past the install's last
 * write, the same install succeeds. */
static void test_weak_bit_during_install(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    size_t n = make("weak", "1", 5000);
    uint64_t faults = 0;
    for (uint64_t k = 1;; k++) {
        struct akira_sim_flash_stats before, after;
        akira_sim_flash_stats_get(&fl, &before);
        akira_sim_flash_weak_bit_after(&fl, k);
        int rc = install(pkg, n, 700, NULL, &e);
        akira_sim_flash_weak_bit_after(&fl, 0);
        akira_sim_flash_stats_get(&fl, &after);
        if (after.weak_bits == before.weak_bits) {
            assert_int_equal(rc, AKIRA_OK);
            break;
        }
        faults++;
        if (rc != AKIRA_ECORRUPT || strcmp(e.field, "store") != 0)
            fail_msg("weak bit at write %llu of the install: got %d '%s: %s'",
                     (unsigned long long)k, rc, rc ? e.field : "", rc ? e.reason : "");
        assert_int_equal(akira_appstore_find("weak", &r), AKIRA_ENOENT);
        assert_int_equal(akira_appstore_init(), AKIRA_OK);
        assert_int_equal(akira_appstore_find("weak", &r), AKIRA_ENOENT);
        assert_int_equal(akira_appstore_corrupt_count(), 0);
    }
    /* 256-byte data writes, two chunk CRCs and the record */
    assert_true(faults >= n / AKIRA_APPSTORE_WBUF + 3);
    expect_bytes("weak", pkg, n);
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    expect_bytes("weak", pkg, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_install_find_read, fresh),
        cmocka_unit_test_setup(test_upgrade_keeps_one, fresh),
        cmocka_unit_test_setup(test_full_store, fresh),
        cmocka_unit_test_setup(test_refusals, fresh),
        cmocka_unit_test_setup(test_signed_install, fresh),
        cmocka_unit_test_setup(test_largest_app, fresh),
        cmocka_unit_test_setup(test_not_initialised, fresh),
        cmocka_unit_test_setup(test_threads, fresh),
        cmocka_unit_test_setup(test_uninstall_flash_error, fresh),
        cmocka_unit_test_setup(test_upgrade_signer_and_version, fresh),
        cmocka_unit_test_setup(test_install_checks_imports_and_caps, fresh),
        cmocka_unit_test_setup(test_install_load_bounded, fresh),
        cmocka_unit_test_setup(test_flipped_byte_at_rest, fresh),
        cmocka_unit_test_setup(test_weak_bit_during_install, fresh),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

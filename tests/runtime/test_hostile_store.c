/*
 * Hostile uploads (issue 5 item 9) through the app store into the manager: a forged
 * signature, a truncated upload, a 9th install. Each is refused with a clear error and
 * changes nothing, while an installed app keeps running and answering. Also: the
 * manager follows the store (sync at boot, upgrade of a running app, uninstall).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/package.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>
#include <akira/trust.h>

#include "mgr_util.h"
#include "pkg_build.h"

static struct akira_sim_flash fl;
static uint8_t pkg[64 * 1024];
static struct test_app responder, spin;

/* responder/spin bytes + a manifest section: a package as `akira pack` makes it. */
static size_t package(const struct test_app *app, const char *manifest)
{
    assert_true(app->size + strlen(manifest) + 200 < sizeof(pkg));
    memcpy(pkg, app->bytes, app->size);
    return pb_custom(pkg, app->size, AKIRA_MANIFEST_SECTION, manifest, strlen(manifest), 0);
}

static int install(const uint8_t *p, size_t len, struct akira_manifest_error *e)
{
    struct akira_appstore_writer w;
    int rc = akira_appstore_install_begin(&w, (uint32_t)len);
    for (size_t off = 0; rc == 0 && off < len; off += 1000)
        rc = akira_appstore_install_write(&w, p + off, len - off < 1000 ? len - off : 1000);
    return rc ? rc : akira_app_install_finish(&w, NULL, e);
}

static int setup(void **state)
{
    (void)state;
    akira_log_sink_enable(false);
    struct akira_storage_report r;
    assert_int_equal(akira_sim_flash_open(&fl, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                                          AKIRA_BOARD_FLASH_SECTOR_SIZE,
                                          AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE),
                     0);
    assert_int_equal(akira_storage_init(&fl.dev, &r), 0);
    assert_int_equal(akira_appstore_init(), 0);
    struct akira_appmgr_config cfg = {.watchdog_ms = 300, .stop_grace_ms = 200};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    test_app_load(&responder, "responder", "responder", NULL);
    test_app_load(&spin, "spin", "spin", NULL);
    struct akira_manifest_error e;
    size_t n = package(&responder, "name: responder\nversion: 1\n");
    assert_int_equal(install(pkg, n, &e), 0);
    assert_int_equal(akira_app_start("responder"), 0);
    assert_true(test_responder_answers("responder", 2000));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_appmgr_deinit();
    akira_appstore_deinit();
    akira_storage_deinit();
    akira_sim_flash_close(&fl);
    test_app_free(&responder);
    test_app_free(&spin);
    return 0;
}

static void still_fine(void)
{
    assert_true(test_responder_answers("responder", 2000));
    assert_int_equal(akira_appstore_count(), 1);
    struct akira_app_info list[8];
    assert_int_equal(akira_app_list(list, 8), 1);
}

static void test_forged_signature(void **state)
{
    (void)state;
    uint8_t pub[32], sk[64], forger_pub[32], forger_sk[64];
    assert_int_equal(akira_package_keygen(pub, sk), 0);
    assert_int_equal(akira_package_keygen(forger_pub, forger_sk), 0);
    akira_storage_lock();
    assert_int_equal(akira_trust_key_add(akira_storage_settings(), "vendor", pub), 0);
    akira_storage_unlock();
    struct akira_manifest_error e;
    /* Signed by a key the device does not trust. */
    size_t n = pb_sign(pkg, package(&spin, "name: spin\nversion: 1\n"), forger_sk);
    assert_int_equal(install(pkg, n, &e), AKIRA_ESIG);
    assert_string_equal(e.field, "signature");
    /* Signed by the vendor, then altered: one byte of the code. */
    n = pb_sign(pkg, package(&spin, "name: spin\nversion: 1\n"), sk);
    pkg[spin.size / 2] ^= 0x01;
    assert_int_equal(install(pkg, n, &e), AKIRA_ESIG);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("spin", &info), AKIRA_ENOENT);
    still_fine();
    /* The genuine package installs and shows as signed. */
    pkg[spin.size / 2] ^= 0x01;
    assert_int_equal(install(pkg, n, &e), 0);
    assert_int_equal(akira_app_info("spin", &info), 0);
    assert_true(info.is_signed);
}

/* Issue 21: an unsigned or differently signed package with an installed signed app's
 * name, or an older version, is refused; the installed app and its data stay. */
static void test_hijack_and_downgrade(void **state)
{
    (void)state;
    uint8_t pub[32], sk[64], other_pub[32], other_sk[64];
    assert_int_equal(akira_package_keygen(pub, sk), 0);
    assert_int_equal(akira_package_keygen(other_pub, other_sk), 0);
    akira_storage_lock();
    akira_trust_key_remove(akira_storage_settings(), "vendor");
    akira_trust_key_remove(akira_storage_settings(), "other");
    assert_int_equal(akira_trust_key_add(akira_storage_settings(), "vendor", pub), 0);
    assert_int_equal(akira_trust_key_add(akira_storage_settings(), "other", other_pub), 0);
    akira_storage_unlock();
    struct akira_manifest_error e;
    size_t n = pb_sign(pkg, package(&spin, "name: spin\nversion: 2\n"), sk);
    assert_int_equal(install(pkg, n, &e), 0);
    akira_storage_lock();
    assert_int_equal(akira_settings_set(akira_storage_settings(), "app/spin/secret", "s3", 2), 0);
    akira_storage_unlock();
    /* Unsigned (unsigned apps are allowed on this board), another trusted key, older. */
    n = package(&spin, "name: spin\nversion: 3\n");
    assert_int_equal(install(pkg, n, &e), AKIRA_ESIG);
    n = pb_sign(pkg, package(&spin, "name: spin\nversion: 3\n"), other_sk);
    assert_int_equal(install(pkg, n, &e), AKIRA_ESIG);
    n = pb_sign(pkg, package(&spin, "name: spin\nversion: 1\n"), sk);
    assert_int_equal(install(pkg, n, &e), AKIRA_EPERM);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("spin", &info), 0);
    assert_string_equal(info.manifest.version, "2");
    assert_true(info.is_signed);
    char v[8];
    akira_storage_lock();
    assert_int_equal(akira_settings_get(akira_storage_settings(), "app/spin/secret", v, sizeof v),
                     2);
    akira_storage_unlock();
    assert_true(test_responder_answers("responder", 2000));
    /* The genuine upgrade goes through and keeps the data. */
    n = pb_sign(pkg, package(&spin, "name: spin\nversion: 3\n"), sk);
    assert_int_equal(install(pkg, n, &e), 0);
    akira_storage_lock();
    assert_int_equal(akira_settings_get(akira_storage_settings(), "app/spin/secret", v, sizeof v),
                     2);
    akira_storage_unlock();
}

static void test_truncated_upload(void **state)
{
    (void)state;
    size_t n = package(&spin, "name: spin\nversion: 1\n");
    struct akira_appstore_writer w;
    struct akira_manifest_error e;
    /* The connection drops after half: the sender's finish sees a short package. */
    assert_int_equal(akira_appstore_install_begin(&w, (uint32_t)n), 0);
    assert_int_equal(akira_appstore_install_write(&w, pkg, n / 2), 0);
    int rc = akira_app_install_finish(&w, NULL, &e);
    assert_true(rc < 0);
    printf("truncated upload: %s: %s: %s\n", akira_err_str(rc), e.field, e.reason);
    /* Or it never finishes: the writer is aborted. */
    assert_int_equal(akira_appstore_install_begin(&w, (uint32_t)n), 0);
    assert_int_equal(akira_appstore_install_write(&w, pkg, n - 10), 0);
    akira_appstore_install_abort(&w);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("spin", &info), AKIRA_ENOENT);
    still_fine();
}

static void test_ninth_install(void **state)
{
    (void)state;
    struct akira_manifest_error e;
    for (int i = 1; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        char m[64];
        snprintf(m, sizeof(m), "name: app%d\nversion: 1\n", i);
        assert_int_equal(install(pkg, package(&spin, m), &e), 0);
    }
    assert_int_equal(akira_appstore_count(), AKIRA_BOARD_APPS_INSTALLED_MAX);
    size_t n = package(&spin, "name: ninth\nversion: 1\n");
    assert_int_equal(install(pkg, n, &e), AKIRA_ENOSPC);
    struct akira_app_info info, list[AKIRA_BOARD_APPS_INSTALLED_MAX + 1];
    assert_int_equal(akira_app_info("ninth", &info), AKIRA_ENOENT);
    assert_int_equal(akira_app_list(list, AKIRA_BOARD_APPS_INSTALLED_MAX + 1),
                     AKIRA_BOARD_APPS_INSTALLED_MAX);
    assert_true(test_responder_answers("responder", 2000));
    /* An upgrade still works with 8 installed (the store's spare slot). */
    n = package(&spin, "name: app1\nversion: 2\n");
    assert_int_equal(install(pkg, n, &e), 0);
    assert_int_equal(akira_app_info("app1", &info), 0);
    assert_string_equal(info.manifest.version, "2");
}

static void test_store_follows(void **state)
{
    (void)state;
    struct akira_manifest_error e;
    /* Upgrade of the running app: stopped, replaced, started again, answers. */
    size_t n = package(&responder, "name: responder\nversion: 2\n");
    assert_int_equal(install(pkg, n, &e), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("responder", &info), 0);
    assert_string_equal(info.manifest.version, "2");
    assert_true(test_responder_answers("responder", 2000));
    /* After a "reboot" the manager learns the apps from the store again. */
    akira_appmgr_deinit();
    struct akira_appmgr_config cfg = {.watchdog_ms = 300, .stop_grace_ms = 200};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    assert_int_equal(akira_appstore_init(), 0);
    assert_int_equal(akira_appmgr_sync_store(), 1);
    assert_int_equal(akira_app_start("responder"), 0);
    assert_true(test_responder_answers("responder", 2000));
    /* Uninstall stops it and removes it from both. */
    assert_int_equal(akira_app_uninstall("responder"), 0);
    assert_int_equal(akira_app_info("responder", &info), AKIRA_ENOENT);
    assert_int_equal(akira_appstore_count(), 0);
    assert_int_equal(akira_app_uninstall("responder"), AKIRA_ENOENT);
}

int main(void)
{
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forged_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hijack_and_downgrade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_upload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ninth_install, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_follows, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

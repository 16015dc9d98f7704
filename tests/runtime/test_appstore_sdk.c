/*
 * Packages built by the SDK helpers (sdk/cmake/akira_app.cmake and sdk/akira-app.sh)
 * install into the app store and the engine loads and runs them from flash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>
#include <akira/trust.h>
#include <akira/wasm.h>

#include "store_fixture.h"

static struct akira_sim_flash fl;

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("%s is missing: the SDK build did not run", path);
    static uint8_t buf[256 * 1024];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

static int install_file(const char *path, struct akira_app_record *r,
                        struct akira_manifest_error *e)
{
    size_t n;
    uint8_t *p = slurp(path, &n);
    struct akira_appstore_writer w;
    int rc = akira_appstore_install_begin(&w, (uint32_t)n);
    if (!rc) rc = akira_appstore_install_write(&w, p, n);
    if (!rc) return akira_appstore_install_finish(&w, r, e);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    store_open(&fl);
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(&fl);
    return 0;
}

static void test_cmake_freestanding(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    if (install_file(SDK_HELLO, &r, &e) != AKIRA_OK) fail_msg("%s: %s", e.field, e.reason);
    assert_string_equal(r.manifest.name, "sdk-hello");
    assert_string_equal(r.manifest.entry, "answer");
    assert_int_equal(r.manifest.caps, AKIRA_CAP_TIMER);
    assert_false(r.is_signed);
    /* Load from flash through the store's reader and run the export. */
    aw_error err;
    aw_module *m = aw_module_load(NULL, akira_appstore_read, &r, r.size, &err);
    assert_non_null(m);
    aw_store *s = aw_store_new(NULL);
    aw_instance *inst = aw_instantiate(s, m, NULL, 0, &err);
    assert_non_null(inst);
    aw_func *f = aw_instance_func(inst, "answer");
    assert_non_null(f);
    aw_val arg = {.i32 = 2}, res;
    assert_int_equal(aw_call(s, f, &arg, 1, &res, 1, &err), AW_OK);
    assert_int_equal(res.i32, 42);
    /* C that compiles to memset/memcpy links without libc and does what C says. */
    f = aw_instance_func(inst, "fill_copy");
    assert_non_null(f);
    aw_val args[2] = {{.i32 = 150}, {.i32 = 3}};
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_OK);
    assert_int_equal(res.i32, 450);
    aw_store_delete(s);
    aw_module_delete(m);
}

static void test_cmake_wasi_signed(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    /* Unsigned apps off: only the key the build signed with lets it in. */
    akira_storage_lock();
    assert_int_equal(akira_trust_set_allow_unsigned(akira_storage_settings(), false), AKIRA_OK);
    akira_storage_unlock();
    assert_int_equal(install_file(SDK_WASI, &r, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "unknown key"));
    size_t n;
    char hex[65];
    memcpy(hex, slurp(SDK_PUB, &n), 64);
    hex[64] = '\0';
    uint8_t pub[32];
    assert_int_equal(akira_trust_pub_from_hex(hex, pub), AKIRA_OK);
    akira_storage_lock();
    assert_int_equal(akira_trust_key_add(akira_storage_settings(), "sdk", pub), AKIRA_OK);
    akira_storage_unlock();
    if (install_file(SDK_WASI, &r, &e) != AKIRA_OK) fail_msg("%s: %s", e.field, e.reason);
    assert_string_equal(r.manifest.name, "sdk-wasi");
    assert_true(r.manifest.autostart);
    assert_true(r.is_signed);
    assert_string_equal(r.key_name, "sdk");
    /* The WASI module imports wasi_snapshot_preview1 and exports _start. */
    aw_error err;
    aw_module *m = aw_module_load(NULL, akira_appstore_read, &r, r.size, &err);
    assert_non_null(m);
    aw_module_delete(m);
    akira_storage_lock();
    assert_int_equal(akira_trust_set_allow_unsigned(akira_storage_settings(), true), AKIRA_OK);
    akira_storage_unlock();
}

static void test_shell_script(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    /* The same freestanding source and manifest through sdk/akira-app.sh: an upgrade
     * of sdk-hello by name. */
    if (install_file(SDK_SH, &r, &e) != AKIRA_OK) fail_msg("%s: %s", e.field, e.reason);
    assert_string_equal(r.manifest.name, "sdk-hello");
    assert_int_equal(akira_appstore_count(), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmake_freestanding),
        cmocka_unit_test(test_cmake_wasi_signed),
        cmocka_unit_test(test_shell_script),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

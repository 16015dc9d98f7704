/*
 * Upstream AkiraOS's .akpkg with its sig.ed25519 (docs/compat.md, "Packages"): the
 * signature is checked against the device's trusted keys (akira/trust.h) as the store
 * installs the package; a signed package installs as signed by that key (and keeps
 * it across a remount and for upgrades), a bad or unknown signature is refused with
 * the field "signature" whatever allow_unsigned says, an unsigned package follows
 * allow_unsigned.
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
#include <akira/compat.h>
#include <akira/err.h>
#include <akira/package.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>
#include <akira/trust.h>

#include "akpkg_build.h"
#include "pkg_build.h"
#include "store_fixture.h"

static struct akira_sim_flash fl;
static uint8_t pub_a[32], sk_a[64], pub_b[32], sk_b[64];

static int setup(void **state)
{
    (void)state;
    store_open(&fl);
    assert_int_equal(akira_package_keygen(pub_a, sk_a), AKIRA_OK);
    assert_int_equal(akira_package_keygen(pub_b, sk_b), AKIRA_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(&fl);
    return 0;
}

/* An empty store, key A trusted as "vendor", unsigned packages refused. */
static int fresh(void **state)
{
    (void)state;
    store_empty();
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    (void)akira_trust_key_remove(st, "vendor");
    (void)akira_trust_key_remove(st, "other");
    assert_int_equal(akira_trust_key_add(st, "vendor", pub_a), AKIRA_OK);
    assert_int_equal(akira_trust_set_allow_unsigned(st, false), AKIRA_OK);
    akira_storage_unlock();
    return 0;
}

static void allow_unsigned(bool on)
{
    akira_storage_lock();
    assert_int_equal(akira_trust_set_allow_unsigned(akira_storage_settings(), on), AKIRA_OK);
    akira_storage_unlock();
}

/* ---------------------------------------------------------------- packages */

static uint8_t tarbuf[64 * 1024], gz[64 * 1024];

/* The members as a gzip tar into gz; its length. */
static size_t akpkg(const struct akpkg_member *m, size_t n)
{
    size_t len = akpkg_build(m, n, tarbuf, sizeof tarbuf, gz, sizeof gz);
    assert_true(len > 0);
    return len;
}

static uint8_t wasm[256];
static size_t wasm_len;

static const char *manifest_json(const char *name, const char *version)
{
    static char j[256];
    snprintf(j, sizeof j,
             "{\"name\": \"%s\", \"version\": \"%s\", \"abi\": \"1.0\",\n"
             " \"capabilities\": [\"timer\"]}\n",
             name, version);
    return j;
}

/* sig.ed25519 for app.wasm + manifest.json under sk: the Ed25519ph signature of the
 * module upstream's embed_manifest.py makes of them. */
static void sign(const char *json, const uint8_t *sk, uint8_t sig[64])
{
    static uint8_t mod[4096];
    memcpy(mod, wasm, wasm_len);
    size_t n = pb_custom(mod, wasm_len, AKIRA_COMPAT_MANIFEST_SECTION, json, strlen(json), 0);
    uint8_t payload[AKIRA_PKG_SIG_PAYLOAD_LEN];
    assert_int_equal(akira_package_sign(mod, n, sk, payload), AKIRA_OK);
    memcpy(sig, payload + AKIRA_PKG_KEY_ID_LEN, 64);
}

static int install(const uint8_t *p, size_t len, struct akira_app_record *rec,
                   struct akira_manifest_error *e)
{
    return store_install(p, len, 100, rec, e);
}

/* A package of app `name` signed with sk (NULL: unsigned), the manifest as given. */
static size_t build(const char *json, const uint8_t *sk_for, const char *json_signed)
{
    static uint8_t sig[64];
    struct akpkg_member m[3] = {
        {"./manifest.json", json, strlen(json)},
        {"./app.wasm", wasm, wasm_len},
        {"./sig.ed25519", sig, sizeof sig},
    };
    if (sk_for) sign(json_signed ? json_signed : json, sk_for, sig);
    return akpkg(m, sk_for ? 3 : 2);
}

/* ------------------------------------------------------------------- tests */

static void test_signed_installs_as_signed(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    const char *j = manifest_json("signed", "1.0");
    size_t n = build(j, sk_a, NULL);
    int rc = install(gz, n, &r, &e);
    if (rc) fail_msg("%s: %s", e.field, e.reason);
    assert_true(r.is_signed);
    assert_string_equal(r.key_name, "vendor");
    assert_true(r.manifest.compat);
    /* kept across a remount */
    assert_int_equal(akira_appstore_init(), AKIRA_OK);
    assert_int_equal(akira_appstore_find("signed", &r), AKIRA_OK);
    assert_true(r.is_signed);
    assert_string_equal(r.key_name, "vendor");
    /* Its upgrade must come from the same key (our upgrade rule applies to it). */
    allow_unsigned(true);
    j = manifest_json("signed", "1.1");
    n = build(j, NULL, NULL);
    assert_int_equal(install(gz, n, &r, &e), AKIRA_ESIG);
    assert_string_equal(e.field, "signature");
    assert_non_null(strstr(e.reason, "unsigned"));
    akira_storage_lock();
    assert_int_equal(akira_trust_key_add(akira_storage_settings(), "other", pub_b), AKIRA_OK);
    akira_storage_unlock();
    n = build(j, sk_b, NULL);
    assert_int_equal(install(gz, n, &r, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "signed by another key"));
    n = build(j, sk_a, NULL);
    rc = install(gz, n, &r, &e);
    if (rc) fail_msg("%s: %s", e.field, e.reason);
    assert_string_equal(r.manifest.version, "1.1");
    assert_string_equal(r.key_name, "vendor");
}

/* The members in another order (signature first, manifest last) verify the same. */
static void test_member_order(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    const char *j = manifest_json("order", "1.0");
    uint8_t sig[64];
    sign(j, sk_a, sig);
    struct akpkg_member m[3] = {
        {"sig.ed25519", sig, sizeof sig},
        {"app.wasm", wasm, wasm_len},
        {"manifest.json", j, strlen(j)},
    };
    size_t n = akpkg(m, 3);
    int rc = install(gz, n, &r, &e);
    if (rc) fail_msg("%s: %s", e.field, e.reason);
    assert_true(r.is_signed);
}

/* A changed byte, another key's signature, a short signature: refused, even while
 * unsigned packages are allowed, and nothing installed. */
static void test_bad_signatures_refused(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    allow_unsigned(true);
    /* the manifest changed after signing (a capability added) */
    const char *signed_json = manifest_json("bad", "1.0");
    char tampered[256];
    snprintf(tampered, sizeof tampered, "%s", signed_json);
    memcpy(strstr(tampered, "\"timer\""), "\"i2c\"  ", 7);
    size_t n = build(tampered, sk_a, signed_json);
    assert_int_equal(install(gz, n, &r, &e), AKIRA_ESIG);
    assert_string_equal(e.field, "signature");
    assert_non_null(strstr(e.reason, "matches no trusted key"));
    /* a key the device does not trust */
    n = build(signed_json, sk_b, NULL);
    assert_int_equal(install(gz, n, &r, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "matches no trusted key"));
    /* zeros */
    static const uint8_t zeros[64];
    struct akpkg_member m[3] = {
        {"manifest.json", signed_json, strlen(signed_json)},
        {"app.wasm", wasm, wasm_len},
        {"sig.ed25519", zeros, sizeof zeros},
    };
    n = akpkg(m, 3);
    assert_int_equal(install(gz, n, &r, &e), AKIRA_ESIG);
    /* not 64 bytes */
    m[2].len = 63;
    n = akpkg(m, 3);
    assert_int_equal(install(gz, n, &r, &e), AKIRA_ESIG);
    assert_string_equal(e.field, "signature");
    assert_non_null(strstr(e.reason, "not 64 bytes"));
    static uint8_t longer[100];
    m[2].data = longer;
    m[2].len = sizeof longer;
    n = akpkg(m, 3);
    assert_int_equal(install(gz, n, &r, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "not 64 bytes"));
    assert_int_equal(akira_appstore_find("bad", &r), AKIRA_ENOENT);
    assert_int_equal(akira_appstore_count(), 0);
}

/* No sig.ed25519: the unsigned policy. */
static void test_unsigned_follows_policy(void **state)
{
    (void)state;
    struct akira_app_record r;
    struct akira_manifest_error e;
    const char *j = manifest_json("plain", "1.0");
    size_t n = build(j, NULL, NULL);
    assert_int_equal(install(gz, n, &r, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "unsigned"));
    allow_unsigned(true);
    int rc = install(gz, n, &r, &e);
    if (rc) fail_msg("%s: %s", e.field, e.reason);
    assert_false(r.is_signed);
    assert_string_equal(r.key_name, "");
}

int main(void)
{
    wasm_len = pb_code(wasm, pb_header(wasm));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_signed_installs_as_signed, fresh),
        cmocka_unit_test_setup(test_member_order, fresh),
        cmocka_unit_test_setup(test_bad_signatures_refused, fresh),
        cmocka_unit_test_setup(test_unsigned_follows_policy, fresh),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

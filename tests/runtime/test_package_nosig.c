/*
 * The signature backend of builds without a crypto library (runtime/src/sig/none.c, the
 * one mps2_an386 links): every signature operation answers AKIRA_ENOTSUP, the trust
 * policy refuses a signed package with that reason whatever allow_unsigned says, and
 * unsigned packages follow allow_unsigned as with libsodium. This executable links the
 * package, trust and manifest code with sig/none.c instead of akira_runtime.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/package.h>
#include <akira/settings.h>
#include <akira/sim_flash.h>
#include <akira/trust.h>

#include "pkg_build.h"

#define MANI "name: demo\nversion: 1.0\n"

static uint8_t buf[4096];

static void test_backend_refuses(void **state)
{
    (void)state;
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN] = {1}, sk[AKIRA_PKG_SECKEY_LEN] = {2};
    uint8_t id[AKIRA_PKG_KEY_ID_LEN], payload[AKIRA_PKG_SIG_PAYLOAD_LEN];
    assert_false(akira_package_sig_supported());
    assert_int_equal(akira_package_key_id(pub, id), AKIRA_ENOTSUP);
    assert_int_equal(akira_package_keygen(pub, sk), AKIRA_ENOTSUP);
    assert_int_equal(akira_package_sign(buf, 8, sk, payload), AKIRA_ENOTSUP);
}

static int check(struct akira_settings *s, const uint8_t *p, size_t n,
                 struct akira_manifest_error *e)
{
    struct akira_package pkg;
    struct akira_package_buf b = {p, n};
    char key[AKIRA_TRUST_KEY_NAME_MAX + 1];
    assert_int_equal(akira_package_scan(akira_package_buf_read, &b, (uint32_t)n, &pkg, NULL),
                     AKIRA_OK);
    return akira_trust_check(s, akira_package_buf_read, &b, &pkg, key, e);
}

static void test_trust_without_crypto(void **state)
{
    (void)state;
    static struct akira_sim_flash fl;
    static struct akira_settings st;
    struct akira_flash_area fa;
    assert_int_equal(akira_sim_flash_open(&fl, "t", NULL, 4 * 4096, 4096, 4), AKIRA_OK);
    assert_int_equal(akira_flash_area_from_range(&fl.dev, "s", 0, 4 * 4096, true, &fa), AKIRA_OK);
    assert_int_equal(akira_settings_mount(&st, &fa), AKIRA_OK);
    /* A trusted key in settings changes nothing: it cannot be checked here. */
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN] = {7};
    assert_int_equal(akira_trust_key_add(&st, "dev", pub), AKIRA_OK);

    struct akira_manifest_error e;
    size_t un = pb_package(buf, MANI, 100, 1);
    assert_int_equal(check(&st, buf, un, &e), AKIRA_OK);

    /* Signed (a well-formed signature section: the scan accepts it, nothing verifies it). */
    size_t sn = pb_custom(buf, un, AKIRA_SIGNATURE_SECTION, NULL, AKIRA_PKG_SIG_PAYLOAD_LEN, 0);
    assert_int_equal(check(&st, buf, sn, &e), AKIRA_ESIG);
    assert_string_equal(e.field, "signature");
    assert_non_null(strstr(e.reason, "cannot check signatures"));

    /* Unsigned with allow_unsigned off: refused for that reason, as with libsodium. */
    assert_int_equal(akira_trust_set_allow_unsigned(&st, false), AKIRA_OK);
    assert_int_equal(check(&st, buf, un, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "unsigned"));
    akira_sim_flash_close(&fl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backend_refuses),
        cmocka_unit_test(test_trust_without_crypto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

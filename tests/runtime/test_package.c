/*
 * Package scan, signatures and the trust policy: what a device accepts and refuses,
 * and why.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/package.h>
#include <akira/settings.h>
#include <akira/sim_flash.h>
#include <akira/trust.h>

#include "pkg_build.h"

#define MANI "name: hello\nversion: 1.2\ncapabilities: timer\n"

static uint8_t buf[16384];

static int scan(const uint8_t *p, size_t n, struct akira_package *pkg,
                struct akira_manifest_error *e)
{
    struct akira_package_buf b = {p, n};
    return akira_package_scan(akira_package_buf_read, &b, (uint32_t)n, pkg, e);
}

static void test_scan_unsigned(void **state)
{
    (void)state;
    size_t n = pb_package(buf, MANI, 1000, 0xAB);
    struct akira_package pkg;
    struct akira_manifest_error e;
    assert_int_equal(scan(buf, n, &pkg, &e), AKIRA_OK);
    assert_string_equal(pkg.manifest.name, "hello");
    assert_int_equal(pkg.manifest.caps, AKIRA_CAP_TIMER);
    assert_false(pkg.is_signed);
    assert_int_equal(pkg.size, n);
    assert_int_equal(pkg.sig_section_offset, n);
    assert_int_equal(pkg.manifest_len, strlen(MANI));
    assert_memory_equal(buf + pkg.manifest_offset, MANI, strlen(MANI));
}

struct bad_case {
    const char *what;
    int code;
    const char *field;
};

static void expect(const uint8_t *p, size_t n, int code, const char *field, const char *what)
{
    struct akira_package pkg;
    struct akira_manifest_error e;
    int rc = scan(p, n, &pkg, &e);
    if (rc != code || strcmp(e.field, field) != 0)
        fail_msg("%s: got %d '%s: %s', want %d '%s'", what, rc, e.field, e.reason, code, field);
}

/* The section writer `akira pack` uses gives the bytes the test builder gives, for a
 * one-byte and a two-byte LEB128 size, and the result scans as a package. */
static void test_section_put(void **state)
{
    (void)state;
    static uint8_t a[4096], b[4096];
    static char text[300];
    memset(text, '#', sizeof text - 1);
    memcpy(text, "name: hello\nversion: 1\n", 23);
    for (size_t len = 23; len < sizeof text; len += 250) {
        size_t at = pb_code(a, pb_header(a));
        memcpy(b, a, at);
        size_t na = akira_package_section_put(a, at, AKIRA_MANIFEST_SECTION, text, len);
        size_t nb = pb_custom(b, at, AKIRA_MANIFEST_SECTION, text, len, 0);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        struct akira_package pkg;
        struct akira_manifest_error e;
        assert_int_equal(scan(a, na, &pkg, &e), AKIRA_OK);
        assert_int_equal(pkg.manifest_len, len);
    }
}

static void test_scan_refusals(void **state)
{
    (void)state;
    size_t n;
    /* Not wasm at all. */
    expect((const uint8_t *)"hello world", 11, AKIRA_ENOEXEC, "module", "text");
    expect(buf, 0, AKIRA_ENOEXEC, "module", "empty");
    /* Valid module, no manifest. */
    n = pb_code(buf, pb_header(buf));
    expect(buf, n, AKIRA_EFORMAT, "manifest", "no manifest");
    /* Two manifests. */
    n = pb_package(buf, MANI, 0, 0);
    n = pb_custom(buf, n, AKIRA_MANIFEST_SECTION, MANI, strlen(MANI), 0);
    expect(buf, n, AKIRA_EFORMAT, "manifest", "two manifests");
    /* A manifest error names its key. */
    n = pb_package(buf, "name: hello\nversion: 1\nmemory_quota: 1K\n", 0, 0);
    expect(buf, n, AKIRA_ERANGE, "memory_quota", "bad quota");
    n = pb_package(buf, "version: 1\n", 0, 0);
    expect(buf, n, AKIRA_EFORMAT, "name", "no name");
    /* A manifest over the limit. */
    static char big[AKIRA_MANIFEST_MAX + 10];
    memset(big, '#', sizeof big - 1);
    n = pb_custom(buf, pb_header(buf), AKIRA_MANIFEST_SECTION, big, sizeof big - 1, 0);
    /* Reported as a manifest error, not ETOOBIG ("larger than an app slot", issue 21). */
    expect(buf, n, AKIRA_EFORMAT, "manifest", "big manifest");
    {
        struct akira_package pkg;
        struct akira_manifest_error me;
        assert_int_equal(scan(buf, n, &pkg, &me), AKIRA_EFORMAT);
        assert_non_null(strstr(me.reason, "a manifest has at most 2048"));
    }
    /* A section whose length runs past the end. */
    n = pb_package(buf, MANI, 100, 0);
    buf[n++] = 0x00;
    buf[n++] = 0x7F; /* 127 bytes claimed, none there */
    expect(buf, n, AKIRA_EFORMAT, "module", "overlong section");
    /* A length that is not LEB128 (five continuation bytes). */
    n = pb_package(buf, MANI, 0, 0);
    memcpy(buf + n, "\x00\xFF\xFF\xFF\xFF\xFF", 6);
    expect(buf, n + 6, AKIRA_EFORMAT, "module", "bad leb");
    /* A custom section whose name runs past the section. */
    n = pb_package(buf, MANI, 0, 0);
    memcpy(buf + n,
           "\x00\x02\x05"
           "ab",
           5);
    expect(buf, n + 5, AKIRA_EFORMAT, "module", "bad name length");
    /* A signature that is not last, and one of the wrong size. */
    uint8_t pay[AKIRA_PKG_SIG_PAYLOAD_LEN] = {0};
    n = pb_package(buf, MANI, 0, 0);
    n = pb_custom(buf, n, AKIRA_SIGNATURE_SECTION, pay, sizeof pay, 0);
    n = pb_custom(buf, n, "later", "x", 1, 0);
    expect(buf, n, AKIRA_EFORMAT, "signature", "signature not last");
    n = pb_package(buf, MANI, 0, 0);
    n = pb_custom(buf, n, AKIRA_SIGNATURE_SECTION, pay, sizeof pay - 1, 0);
    expect(buf, n, AKIRA_EFORMAT, "signature", "short signature");
    /* Every truncation of a good package is refused, never read past its end. */
    n = pb_package(buf, MANI, 300, 0x11);
    for (size_t cut = 0; cut < n; cut++) {
        struct akira_package pkg;
        if (scan(buf, cut, &pkg, NULL) == AKIRA_OK)
            fail_msg("accepted a cut at %zu of %zu", cut, n);
    }
}

static int failing_read(void *ctx, uint32_t off, void *b, uint32_t len)
{
    (void)ctx;
    (void)b;
    (void)len;
    return off >= 8 ? -1 : (memcpy(b, buf + off, len), 0);
}

static void test_reader_failure(void **state)
{
    (void)state;
    size_t n = pb_package(buf, MANI, 10, 0);
    struct akira_package pkg;
    struct akira_manifest_error e;
    assert_int_equal(akira_package_scan(failing_read, NULL, (uint32_t)n, &pkg, &e), AKIRA_EIO);
}

static uint8_t pub[AKIRA_PKG_PUBKEY_LEN], sk[AKIRA_PKG_SECKEY_LEN];
static uint8_t pub2[AKIRA_PKG_PUBKEY_LEN], sk2[AKIRA_PKG_SECKEY_LEN];

static int setup_keys(void **state)
{
    (void)state;
    assert_int_equal(akira_package_keygen(pub, sk), AKIRA_OK);
    assert_int_equal(akira_package_keygen(pub2, sk2), AKIRA_OK);
    return 0;
}

static void test_sign_verify(void **state)
{
    (void)state;
    size_t n = pb_package(buf, MANI, 3000, 0x5A);
    size_t signed_len = n;
    n = pb_sign(buf, n, sk);
    assert_int_equal(n, signed_len + 1 + 1 + 1 + strlen(AKIRA_SIGNATURE_SECTION) + 72);
    struct akira_package pkg;
    struct akira_package_buf b = {buf, n};
    assert_int_equal(scan(buf, n, &pkg, NULL), AKIRA_OK);
    assert_true(pkg.is_signed);
    assert_int_equal(pkg.sig_section_offset, signed_len);
    uint8_t id[AKIRA_PKG_KEY_ID_LEN];
    akira_package_key_id(pub, id);
    assert_memory_equal(pkg.key_id, id, sizeof id);
    assert_int_equal(akira_package_verify(akira_package_buf_read, &b, &pkg, pub), AKIRA_OK);
    /* The other key is not the signer. */
    assert_int_equal(akira_package_verify(akira_package_buf_read, &b, &pkg, pub2), AKIRA_ESIG);
    /* A forged key id pointing at key 2 does not help either. */
    struct akira_package forged = pkg;
    akira_package_key_id(pub2, forged.key_id);
    assert_int_equal(akira_package_verify(akira_package_buf_read, &b, &forged, pub2), AKIRA_ESIG);
    /* Flipping any single byte anywhere is caught, by the scan or by the signature. */
    for (size_t i = 0; i < n; i += (i < 200 ? 1 : 37)) {
        buf[i] ^= 0x01;
        struct akira_package t;
        int rc = scan(buf, n, &t, NULL);
        if (rc == AKIRA_OK && t.is_signed) {
            struct akira_package_buf tb = {buf, n};
            rc = akira_package_verify(akira_package_buf_read, &tb, &t, pub);
        } else if (rc == AKIRA_OK) {
            rc = AKIRA_ESIG; /* the flip renamed the signature section: now unsigned */
        }
        if (rc == AKIRA_OK) fail_msg("a flipped byte at %zu of %zu passed verification", i, n);
        buf[i] ^= 0x01;
    }
    assert_int_equal(akira_package_verify(akira_package_buf_read, &b, &pkg, pub), AKIRA_OK);
    /* An unsigned package has nothing to verify. */
    assert_int_equal(scan(buf, signed_len, &pkg, NULL), AKIRA_OK);
    assert_int_equal(akira_package_verify(akira_package_buf_read, &b, &pkg, pub), AKIRA_ESTATE);
}

/* Settings on a small simulated flash for the trust tests. */
static struct akira_sim_flash fl;
static struct akira_settings st;

static void settings_up(void)
{
    struct akira_flash_area fa;
    assert_int_equal(akira_sim_flash_open(&fl, "t", NULL, 4 * 4096, 4096, 4), AKIRA_OK);
    assert_int_equal(akira_flash_area_from_range(&fl.dev, "s", 0, 4 * 4096, true, &fa), AKIRA_OK);
    assert_int_equal(akira_settings_mount(&st, &fa), AKIRA_OK);
}

static int count_key(void *ctx, const char *name, const uint8_t p[AKIRA_PKG_PUBKEY_LEN])
{
    (void)name;
    (void)p;
    (*(int *)ctx)++;
    return 0;
}

static void test_trust_keys(void **state)
{
    (void)state;
    settings_up();
    char hex[65];
    uint8_t back[AKIRA_PKG_PUBKEY_LEN];
    akira_trust_pub_to_hex(pub, hex);
    assert_int_equal(strlen(hex), 64);
    assert_int_equal(akira_trust_pub_from_hex(hex, back), AKIRA_OK);
    assert_memory_equal(back, pub, sizeof back);
    assert_int_equal(akira_trust_pub_from_hex("abc", back), AKIRA_EFORMAT);
    hex[10] = 'g';
    assert_int_equal(akira_trust_pub_from_hex(hex, back), AKIRA_EFORMAT);

    assert_int_equal(akira_trust_key_add(&st, "dev", pub), AKIRA_OK);
    assert_int_equal(akira_trust_key_add(&st, "dev", pub), AKIRA_OK); /* same again */
    assert_int_equal(akira_trust_key_add(&st, "dev", pub2), AKIRA_EEXIST);
    assert_int_equal(akira_trust_key_add(&st, "", pub2), AKIRA_EINVAL);
    assert_int_equal(akira_trust_key_add(&st, "a/b", pub2), AKIRA_EINVAL);
    assert_int_equal(akira_trust_key_add(&st, "0123456789012345678901234567890123", pub2),
                     AKIRA_EINVAL);
    assert_int_equal(akira_trust_key_add(&st, "Release.2", pub2), AKIRA_OK);
    int n = 0;
    assert_int_equal(akira_trust_key_foreach(&st, count_key, &n), AKIRA_OK);
    assert_int_equal(n, 2);
    uint8_t id[AKIRA_PKG_KEY_ID_LEN], got[AKIRA_PKG_PUBKEY_LEN];
    char name[AKIRA_TRUST_KEY_NAME_MAX + 1];
    akira_package_key_id(pub2, id);
    assert_int_equal(akira_trust_key_find(&st, id, name, got), AKIRA_OK);
    assert_string_equal(name, "Release.2");
    assert_memory_equal(got, pub2, sizeof got);
    assert_int_equal(akira_trust_key_remove(&st, "Release.2"), AKIRA_OK);
    assert_int_equal(akira_trust_key_remove(&st, "Release.2"), AKIRA_ENOENT);
    assert_int_equal(akira_trust_key_find(&st, id, name, got), AKIRA_ENOENT);
    akira_sim_flash_close(&fl);
}

static int check(struct akira_settings *s, const uint8_t *p, size_t n, char *key,
                 struct akira_manifest_error *e)
{
    struct akira_package pkg;
    struct akira_package_buf b = {p, n};
    assert_int_equal(scan(p, n, &pkg, NULL), AKIRA_OK);
    return akira_trust_check(s, akira_package_buf_read, &b, &pkg, key, e);
}

static void test_trust_policy(void **state)
{
    (void)state;
    settings_up();
    char key[AKIRA_TRUST_KEY_NAME_MAX + 1];
    struct akira_manifest_error e;
    size_t un = pb_package(buf, MANI, 500, 1);
    /* Unsigned: allowed by the board default (no setting, or no settings at all). */
    assert_true(akira_trust_allow_unsigned(&st));
    assert_int_equal(check(&st, buf, un, key, &e), AKIRA_OK);
    assert_string_equal(key, "");
    assert_int_equal(check(NULL, buf, un, key, &e), AKIRA_OK);
    assert_int_equal(akira_trust_set_allow_unsigned(&st, false), AKIRA_OK);
    assert_false(akira_trust_allow_unsigned(&st));
    assert_int_equal(check(&st, buf, un, key, &e), AKIRA_ESIG);
    assert_string_equal(e.field, "signature");
    assert_non_null(strstr(e.reason, "unsigned"));
    /* Signed by a key the device does not know: refused whatever the switch says. */
    size_t sn = pb_sign(buf, un, sk);
    assert_int_equal(check(&st, buf, sn, key, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "unknown key"));
    assert_int_equal(akira_trust_set_allow_unsigned(&st, true), AKIRA_OK);
    assert_int_equal(check(&st, buf, sn, key, &e), AKIRA_ESIG);
    /* Known key: accepted, and the signer is named. */
    assert_int_equal(akira_trust_key_add(&st, "dev", pub), AKIRA_OK);
    assert_int_equal(akira_trust_set_allow_unsigned(&st, false), AKIRA_OK);
    assert_int_equal(check(&st, buf, sn, key, &e), AKIRA_OK);
    assert_string_equal(key, "dev");
    /* One tampered byte in the code: refused with the reason. */
    buf[25] ^= 0x80;
    assert_int_equal(check(&st, buf, sn, key, &e), AKIRA_ESIG);
    assert_non_null(strstr(e.reason, "does not match"));
    buf[25] ^= 0x80;
    /* An unreadable switch value counts as off. */
    assert_int_equal(akira_settings_set(&st, AKIRA_TRUST_ALLOW_UNSIGNED, "maybe", 5), AKIRA_OK);
    assert_false(akira_trust_allow_unsigned(&st));
    /* So does one too long for the reader's buffer (it failed open to the board's
     * default), and one that only starts like an allow word. */
    assert_int_equal(akira_settings_set(&st, AKIRA_TRUST_ALLOW_UNSIGNED, "on-please-no", 12),
                     AKIRA_OK);
    assert_false(akira_trust_allow_unsigned(&st));
    assert_int_equal(check(&st, buf, un, key, &e), AKIRA_ESIG);
    assert_int_equal(akira_settings_set(&st, AKIRA_TRUST_ALLOW_UNSIGNED, "1x", 2), AKIRA_OK);
    assert_false(akira_trust_allow_unsigned(&st));
    assert_int_equal(akira_settings_set(&st, AKIRA_TRUST_ALLOW_UNSIGNED, "allow", 5), AKIRA_OK);
    assert_true(akira_trust_allow_unsigned(&st));
    assert_int_equal(akira_settings_set(&st, AKIRA_TRUST_ALLOW_UNSIGNED, "on", 2), AKIRA_OK);
    assert_true(akira_trust_allow_unsigned(&st));
    akira_sim_flash_close(&fl);
}

/* Random damage to a good package (bytes flipped, lengths rewritten, cut short):
 * the scan answers OK or an error, never reads outside the file (the sanitizers
 * watch) and never reports a manifest outside the file. */
static void test_scan_random_damage(void **state)
{
    (void)state;
    static uint8_t good[2048], bad[2048];
    size_t n = pb_package(good, MANI, 200, 0x42);
    n = pb_custom(good, n, "other", "xyz", 3, 0);
    uint32_t rng = 2463534242u;
    int ok = 0;
    for (int round = 0; round < 20000; round++) {
        memcpy(bad, good, n);
        size_t len = n;
        int edits = 1 + (int)(rng % 4);
        for (int k = 0; k < edits; k++) {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            bad[rng % len] = (uint8_t)(rng >> 8);
        }
        if (rng % 5 == 0) len = rng % n;
        /* An exact-size heap copy so that any over-read is caught. */
        uint8_t *heap = malloc(len ? len : 1);
        memcpy(heap, bad, len);
        struct akira_package pkg;
        int rc = scan(heap, len, &pkg, NULL);
        if (rc == AKIRA_OK) {
            ok++;
            assert_true(pkg.manifest_offset + pkg.manifest_len <= len);
            assert_true(pkg.sig_section_offset <= len);
        }
        free(heap);
    }
    print_message("%d of 20000 damaged packages still scan (damage in padding)\n", ok);
}

/* Random text through the manifest parser: never crashes, and anything it accepts
 * formats and parses back to the same manifest. */
static void test_manifest_random_text(void **state)
{
    (void)state;
    static const char *const pieces[] = {"name: a\n",
                                         "version: 1\n",
                                         "capabilities: timer,ipc\n",
                                         "memory_quota: 96K\n",
                                         "restart: on-failure max_retries=7\n",
                                         "\xc3\xa9",
                                         ":",
                                         "\n",
                                         " ",
                                         "#",
                                         "\r\n",
                                         "stack_size: 8K\n",
                                         "heap_size: 1\n",
                                         "description: x\n",
                                         "\xff",
                                         "\0",
                                         "entry: e\n"};
    uint32_t rng = 99u;
    char text[600];
    int accepted = 0;
    for (int round = 0; round < 20000; round++) {
        /* Half the texts start valid, so that many survive the random tail. */
        size_t len = round % 2 ? 0 : strlen("name: a\nversion: 1\n");
        memcpy(text, "name: a\nversion: 1\n", len);
        int k = (int)(rng % 6);
        for (int i = 0; i < k; i++) {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            const char *p = pieces[rng % (sizeof pieces / sizeof pieces[0])];
            size_t pl = p[0] ? strlen(p) : 1;
            memcpy(text + len, p, pl);
            len += pl;
        }
        rng ^= rng << 13;
        struct akira_manifest m, back;
        struct akira_manifest_error e;
        if (akira_manifest_parse(text, len, &m, &e) != AKIRA_OK) {
            assert_true(e.field[0] != '\0');
            continue;
        }
        char out[AKIRA_MANIFEST_MAX];
        int n = akira_manifest_format(&m, out, sizeof out);
        assert_true(n > 0);
        assert_int_equal(akira_manifest_parse(out, (size_t)n, &back, NULL), AKIRA_OK);
        assert_memory_equal(&m, &back, sizeof m);
        accepted++;
    }
    print_message("%d of 20000 random texts were manifests\n", accepted);
    assert_true(accepted > 20); /* the round trip was exercised */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_unsigned),        cmocka_unit_test(test_section_put),
        cmocka_unit_test(test_scan_refusals),        cmocka_unit_test(test_reader_failure),
        cmocka_unit_test(test_sign_verify),          cmocka_unit_test(test_trust_keys),
        cmocka_unit_test(test_trust_policy),         cmocka_unit_test(test_scan_random_damage),
        cmocka_unit_test(test_manifest_random_text),
    };
    return cmocka_run_group_tests(tests, setup_keys, NULL);
}

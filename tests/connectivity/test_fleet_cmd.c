/* Fleet commands (akira/fleet.h): the message split, the fields per op, the flat JSON
 * reader, data messages, ids and tags, and the Ed25519 check (a signature by another
 * key, or over other bytes, fails). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include <akira/err.h>
#include <akira/fleet.h>

static unsigned char pk[32], sk[64];

/* json + '\n' + hex signature by sk into out. */
static size_t make(char *out, size_t cap, const char *json)
{
    unsigned char sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)json, strlen(json), sk);
    char hex[129];
    sodium_bin2hex(hex, sizeof(hex), sig, 64);
    return (size_t)snprintf(out, cap, "%s\n%s", json, hex);
}

static int setup(void **state)
{
    (void)state;
    unsigned char seed[32] = {1};
    assert_true(sodium_init() >= 0);
    crypto_sign_seed_keypair(pk, sk, seed);
    return 0;
}

static int noop(void *ctx, const char *k, const char *v, size_t vl, bool is_str)
{
    (void)ctx, (void)k, (void)v, (void)vl, (void)is_str;
    return 0;
}

static void test_parse_ops(void **state)
{
    (void)state;
    char m[512];
    struct akira_fleet_cmd c;
    size_t n = make(m, sizeof(m),
                    "{\"id\":\"c-1\",\"ts\":1796652000123,\"op\":\"start\",\"app\":\"hello\"}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), 0);
    assert_int_equal(c.op, AKIRA_FLEET_OP_START);
    assert_string_equal(c.id, "c-1");
    assert_string_equal(c.app, "hello");
    assert_true(c.ts == 1796652000123ull);
    assert_false(c.has_to);
    assert_int_equal(akira_fleet_cmd_verify(&c, pk), 0);

    n = make(m, sizeof(m),
             "{\"id\":\"i\",\"ts\":2,\"op\":\"install\",\"name\":\"a\",\"size\":5000,\"chunks\":2,"
             "\"sha256\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\","
             "\"to\":\"dev-1\"}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), 0);
    assert_int_equal(c.op, AKIRA_FLEET_OP_INSTALL);
    assert_int_equal(c.size, 5000);
    assert_int_equal(c.sha256[1], 0x11);
    assert_string_equal(c.to, "dev-1");
    /* chunks must be ceil(size / 4096). */
    n = make(m, sizeof(m),
             "{\"id\":\"i\",\"ts\":2,\"op\":\"install\",\"name\":\"a\",\"size\":5000,\"chunks\":3,"
             "\"sha256\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), AKIRA_EINVAL);
    n = make(m, sizeof(m),
             "{\"id\":\"s\",\"ts\":3,\"op\":\"set\",\"key\":\"app/x/y\",\"value\":\"a\\\"b\"}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), 0);
    assert_string_equal(c.value, "a\"b");
    n = make(m, sizeof(m), "{\"id\":\"s\",\"ts\":3,\"op\":\"reboot\"}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), AKIRA_ENOTSUP);
    n = make(m, sizeof(m), "{\"id\":\"s\",\"op\":\"status\"}"); /* no ts */
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), AKIRA_EINVAL);
    n = make(m, sizeof(m), "{\"id\":\"bad id\",\"ts\":1,\"op\":\"status\"}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), AKIRA_EINVAL);
    n = make(m, sizeof(m), "{\"id\":\"x\",\"ts\":-1,\"op\":\"status\"}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), AKIRA_EINVAL);
    /* A NUL inside a number (found by fuzz_mqtt): not a number. */
    static const char nul[] = "{\"id\":\"x\",\"ts\":1\0,\"op\":\"status\"}";
    assert_int_equal(akira_fleet_json_each(nul, sizeof(nul) - 1, noop, NULL), AKIRA_EFORMAT);
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)nul, sizeof(nul) - 1, &c),
                     AKIRA_EFORMAT);
    n = make(m, sizeof(m), "{\"id\":\"x\",\"ts\":1,\"op\":\"status\",\"n\":{\"a\":1}}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), AKIRA_EINVAL);
}

static void test_signature(void **state)
{
    (void)state;
    char m[512];
    struct akira_fleet_cmd c;
    size_t n = make(m, sizeof(m), "{\"id\":\"c\",\"ts\":5,\"op\":\"status\"}");
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), 0);
    assert_int_equal(akira_fleet_cmd_verify(&c, pk), 0);
    /* Another key. */
    unsigned char pk2[32], sk2[64], seed[32] = {2};
    crypto_sign_seed_keypair(pk2, sk2, seed);
    assert_int_equal(akira_fleet_cmd_verify(&c, pk2), AKIRA_ESIG);
    /* One byte of the JSON changed after signing (ts 5 -> 6). */
    char *t = strstr(m, "5");
    *t = '6';
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), 0);
    assert_int_equal(akira_fleet_cmd_verify(&c, pk), AKIRA_ESIG);
    /* No signature line, a short one, a non-hex one. */
    const char *nosig = "{\"id\":\"c\",\"ts\":5,\"op\":\"status\"}";
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)nosig, strlen(nosig), &c),
                     AKIRA_EFORMAT);
    assert_string_equal(c.id, "c"); /* still read, for the result */
    m[n - 1] = '\0';
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n - 1, &c), AKIRA_EFORMAT);
    m[n - 1] = 'g';
    assert_int_equal(akira_fleet_cmd_parse((const uint8_t *)m, n, &c), AKIRA_EFORMAT);
}

static void test_data_and_names(void **state)
{
    (void)state;
    uint8_t m[5 + 3 + 4 + 3] = {'A', 'K', 'D', '1', 3, 'c', '-', '1', 2, 0, 0, 0, 'x', 'y', 'z'};
    const char *id;
    size_t il, dl;
    uint32_t idx;
    const uint8_t *d;
    assert_true(akira_fleet_is_data(m, sizeof(m)));
    assert_int_equal(akira_fleet_data_parse(m, sizeof(m), &id, &il, &idx, &d, &dl), 0);
    assert_int_equal(il, 3);
    assert_int_equal(idx, 2);
    assert_int_equal(dl, 3);
    m[4] = 40; /* id longer than the message */
    assert_int_equal(akira_fleet_data_parse(m, sizeof(m), &id, &il, &idx, &d, &dl), AKIRA_EFORMAT);
    assert_true(akira_fleet_id_ok("akira-1a2b3c4d"));
    assert_false(akira_fleet_id_ok("Akira"));
    assert_false(akira_fleet_id_ok("a/b"));
    assert_false(akira_fleet_id_ok("abcdefghijabcdefghijabcdefghijabc"));
    assert_true(akira_fleet_tags_ok(""));
    assert_true(akira_fleet_tags_ok("lab,floor-2"));
    assert_false(akira_fleet_tags_ok("lab,,x"));
    assert_false(akira_fleet_tags_ok("a,b,c,d,e,f,g,h,i"));
    assert_false(akira_fleet_tags_ok("UPPER"));
    assert_true(akira_fleet_key_name_ok("Fleet_1.pub"));
    assert_false(akira_fleet_key_name_ok("a/b"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ops),
        cmocka_unit_test(test_signature),
        cmocka_unit_test(test_data_and_names),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

/*
 * Upstream AkiraOS manifests (".akira.manifest" JSON, akira/compat.h): every mapped
 * field, upstream's tolerated syntax, every error naming its field, capability strings
 * that grant nothing reported, and the package scan taking the section (first wins,
 * ours wins over it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/compat.h>
#include <akira/err.h>
#include <akira/manifest.h>
#include <akira/package.h>

static int parse(const char *json, struct akira_manifest *m, struct akira_manifest_error *e)
{
    struct akira_package_buf b = {(const uint8_t *)json, strlen(json)};
    return akira_compat_manifest_parse(akira_package_buf_read, &b, 0, (uint32_t)b.size, m, e);
}

static void expect_error(const char *json, int code, const char *field, const char *reason_part)
{
    struct akira_manifest m;
    struct akira_manifest_error e;
    int rc = parse(json, &m, &e);
    if (rc != code || strcmp(e.field, field) != 0 || !strstr(e.reason, reason_part))
        fail_msg("%s: got %d %s: %s", json, rc, e.field, e.reason);
}

static void test_fields(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    const char *j = "{\n \"name\": \"tetris\", \"version\": \"1.2.0\",\n"
                    " \"description\": \"Tetris \\\"game\\\"\", \"icon\": \"AAAA\",\n"
                    " \"memory_quota\": 65536, \"abi\": \"1.0\", \"min_akiraos_version\": "
                    "\"1.6.0\",\n \"capabilities\": [\"display.write\", \"input.read\", "
                    "\"gpio.*\", \"app.switch\", \"storage.*\", \"crypto\", \"spi\",],\n"
                    " \"commands\": [{\"name\": \"x\", \"args\": [1, 2, {\"a\": null}]}],\n}";
    assert_int_equal(parse(j, &m, &e), AKIRA_OK);
    assert_true(m.compat);
    assert_string_equal(m.name, "tetris");
    assert_string_equal(m.version, "1.2.0");
    assert_int_equal(m.heap_size, 65536);
    assert_int_equal(m.memory_quota, 256 * 1024 + 65536);
    assert_int_equal(m.caps,
                     AKIRA_CAP_DISPLAY | AKIRA_CAP_INPUT | AKIRA_CAP_GPIO | AKIRA_CAP_STORAGE);
    assert_int_equal(m.gpio_pins, 0xFFFFFFFFu);
    uint64_t want = AKIRA_UP_BIT(AKIRA_UP_CAP_DISPLAY_WRITE) |
                    AKIRA_UP_BIT(AKIRA_UP_CAP_INPUT_READ) | AKIRA_UP_BIT(AKIRA_UP_CAP_GPIO_READ) |
                    AKIRA_UP_BIT(AKIRA_UP_CAP_GPIO_WRITE) | AKIRA_UP_BIT(AKIRA_UP_CAP_APP_SWITCH) |
                    AKIRA_UP_BIT(AKIRA_UP_CAP_STORAGE_READ) |
                    AKIRA_UP_BIT(AKIRA_UP_CAP_STORAGE_WRITE) | AKIRA_UP_BIT(AKIRA_UP_CAP_CRYPTO);
    assert_true(m.compat_caps == want);
    /* Strings that grant nothing here are kept for the install report. */
    assert_string_equal(m.compat_ignored, "crypto, spi");

    /* ble and ble.scan grant our ble (the natives check upstream's bits), hid our hid;
     * ble.spam grants nothing (not bound by design, docs/compat.md). */
    assert_int_equal(parse("{\"name\":\"b\",\"version\":\"1\",\"capabilities\":[\"ble.scan\","
                           "\"hid\",\"ble.spam\"]}",
                           &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.caps, AKIRA_CAP_BLE | AKIRA_CAP_HID);
    assert_true(m.compat_caps ==
                (AKIRA_UP_BIT(AKIRA_UP_CAP_BLE_SCAN) | AKIRA_UP_BIT(AKIRA_UP_CAP_HID) |
                 AKIRA_UP_BIT(AKIRA_UP_CAP_BLE_SPAM)));
    assert_string_equal(m.compat_ignored, "ble.spam");
    assert_int_equal(
        parse("{\"name\":\"b\",\"version\":\"1\",\"capabilities\":[\"bt.*\"]}", &m, &e), AKIRA_OK);
    assert_int_equal(m.caps, AKIRA_CAP_BLE | AKIRA_CAP_HID);

    /* i2c (and hw.*): every address of upstream's buses 0 and 1, no other bus. */
    assert_int_equal(parse("{\"name\":\"s\",\"version\":\"1\",\"capabilities\":[\"i2c\"]}", &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.caps, AKIRA_CAP_I2C);
    assert_true(akira_manifest_i2c_allowed(&m, "i2c0", 0x00));
    assert_true(akira_manifest_i2c_allowed(&m, "i2c0", 0x76));
    assert_true(akira_manifest_i2c_allowed(&m, "i2c1", 0x7f));
    assert_false(akira_manifest_i2c_allowed(&m, "i2c2", 0x76));
    assert_int_equal(
        parse("{\"name\":\"s\",\"version\":\"1\",\"capabilities\":[\"hw.*\"]}", &m, &e), AKIRA_OK);
    assert_true(akira_manifest_i2c_allowed(&m, "i2c0", 0x6a));

    /* No memory_quota: upstream's 64 KiB instance heap. No abi: legacy 1.x. */
    assert_int_equal(parse("{\"name\":\"a\",\"version\":\"1\"}", &m, &e), AKIRA_OK);
    assert_int_equal(m.heap_size, AKIRA_COMPAT_HEAP_DEFAULT);
    assert_int_equal(m.caps, 0);
    assert_string_equal(m.compat_ignored, "");

    /* Network policy onto net_hosts; deny_all drops the capability. */
    assert_int_equal(parse("{\"name\":\"n\",\"version\":\"1\",\"capabilities\":[\"network.use\"],"
                           "\"network_policy\":{\"allowed_hosts\":[\"127.0.0.1\",\"localhost\"],"
                           "\"allowed_ports\":[8080,0]}}",
                           &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.caps, AKIRA_CAP_NET);
    assert_int_equal(m.n_net_hosts, 2); /* 127.0.0.1:8080, 127.0.0.1:*; localhost is the same */
    assert_int_equal(parse("{\"name\":\"n\",\"version\":\"1\",\"capabilities\":[\"network.*\"],"
                           "\"network_policy\":{\"deny_all\":true}}",
                           &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.caps, 0);
    assert_true(m.compat_caps == 0);

    /* "*": every capability this firmware serves. */
    assert_int_equal(parse("{\"name\":\"s\",\"version\":\"1\",\"capabilities\":[\"*\"]}", &m, &e),
                     AKIRA_OK);
    assert_true(m.caps & AKIRA_CAP_DISPLAY);
    assert_true((m.caps & (AKIRA_CAP_BLE | AKIRA_CAP_HID)) == (AKIRA_CAP_BLE | AKIRA_CAP_HID));
    assert_true(m.compat_caps & AKIRA_UP_BIT(AKIRA_UP_CAP_BLE_SCAN));
    assert_true(m.compat_caps & AKIRA_UP_BIT(AKIRA_UP_CAP_APP_CONTROL));
    assert_true(m.caps & AKIRA_CAP_RF);

    /* rf.transceive: our rf with every channel but BLE's advertising ones and the
     * mesh's; mesh: our mesh on one topic, the app's name. */
    assert_int_equal(parse("{\"name\":\"radio\",\"version\":\"1\",\"capabilities\":"
                           "[\"rf.transceive\",\"mesh\"]}",
                           &m, &e),
                     AKIRA_OK);
    assert_int_equal(m.caps, AKIRA_CAP_RF | AKIRA_CAP_MESH);
    assert_true(m.compat_caps == (AKIRA_UP_BIT(AKIRA_UP_CAP_RF) | AKIRA_UP_BIT(AKIRA_UP_CAP_MESH)));
    assert_string_equal(m.compat_ignored, "");
    for (uint32_t ch = 0; ch <= AKIRA_MANIFEST_RF_CHANNEL_MAX; ch++)
        assert_int_equal(akira_manifest_rf_channel_allowed(&m, ch),
                         ch != 2 && ch != 26 && ch != 40 && ch != 80);
    assert_int_equal(m.n_mesh_topics, 1);
    assert_true(akira_manifest_mesh_topic_allowed(&m, "radio", 5));
    assert_false(akira_manifest_mesh_topic_allowed(&m, "radio2", 6));
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"version\":\"1\"}", AKIRA_EFORMAT, "name", "required");
    expect_error("{\"name\":\"a\"}", AKIRA_EFORMAT, "version", "required");
    expect_error("{\"name\":\"Tetris Game\",\"version\":\"1\"}", AKIRA_EFORMAT, "name", "");
    expect_error("{\"name\":\"a\\nversion: 9\",\"version\":\"1\"}", AKIRA_EFORMAT, "name",
                 "control character");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"abi\":\"2.0\"}", AKIRA_EFORMAT, "abi",
                 "ABI 2.0");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"abi\":\"one\"}", AKIRA_EFORMAT, "abi",
                 "MAJOR.MINOR");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"min_akiraos_version\":\"1.7.0\"}",
                 AKIRA_EFORMAT, "min_akiraos_version", "newer");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"min_akiraos_version\":\"x\"}", AKIRA_EFORMAT,
                 "min_akiraos_version", "A.B.C");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"memory_quota\":-5}", AKIRA_EFORMAT,
                 "memory_quota", "unsigned");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"memory_quota\":4194304}", AKIRA_ERANGE,
                 "memory_quota", "exceeds");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"capabilities\":\"display.write\"}",
                 AKIRA_EFORMAT, "capabilities", "array");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"capabilities\":[\"network.use\"],"
                 "\"network_policy\":{\"allowed_hosts\":[\"example.com\"]}}",
                 AKIRA_EFORMAT, "network_policy", "IPv4");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"network_policy\":{\"deny_all\":maybe}}",
                 AKIRA_EFORMAT, "network_policy", "true or false");
    expect_error("{\"name\":\"a\",\"version\":\"1\"", AKIRA_EFORMAT, "manifest", "not closed");
    expect_error("[1]", AKIRA_EFORMAT, "manifest", "JSON object");
    expect_error("{\"name\":\"a\",\"version\":\"1\"} x", AKIRA_EFORMAT, "manifest", "after");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"x\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}",
                 AKIRA_EFORMAT, "x", "deeper");
    expect_error("{\"name\":\"a\",\"version\":\"1\",\"d\":\"\\u0041\"}", AKIRA_EFORMAT, "d",
                 "escape");
}

/* A module: header, the given custom sections (name, payload) in order. */
static size_t module(uint8_t *out, const char *const *names, const char *const *payloads, int n)
{
    static const uint8_t hdr[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    memcpy(out, hdr, 8);
    size_t at = 8;
    for (int i = 0; i < n; i++)
        at = akira_package_section_put(out, at, names[i], payloads[i], strlen(payloads[i]));
    return at;
}

static void test_package_scan(void **state)
{
    (void)state;
    static uint8_t buf[8192];
    struct akira_package pkg;
    struct akira_manifest_error e;
    const char *up1 = "{\"name\":\"first\",\"version\":\"1\"}";
    const char *up2 = "{\"name\":\"second\",\"version\":\"1\"}";
    const char *ours = "name: ours\nversion: 2\n";
    const char *n1[] = {".akira.manifest", ".akira.manifest"};
    const char *p1[] = {up1, up2};
    size_t len = module(buf, n1, p1, 2);
    struct akira_package_buf b = {buf, len};
    assert_int_equal(akira_package_scan(akira_package_buf_read, &b, (uint32_t)len, &pkg, &e),
                     AKIRA_OK);
    assert_string_equal(pkg.manifest.name, "first");
    assert_true(pkg.manifest.compat);
    const char *n2[] = {".akira.manifest", "akira-manifest"};
    const char *p2[] = {up1, ours};
    b.size = len = module(buf, n2, p2, 2);
    assert_int_equal(akira_package_scan(akira_package_buf_read, &b, (uint32_t)len, &pkg, &e),
                     AKIRA_OK);
    assert_string_equal(pkg.manifest.name, "ours");
    assert_false(pkg.manifest.compat);
    /* A bad JSON manifest fails the scan with its field. */
    const char *p3[] = {"{\"name\":\"x\"}"};
    b.size = len = module(buf, n1, p3, 1);
    assert_int_equal(akira_package_scan(akira_package_buf_read, &b, (uint32_t)len, &pkg, &e),
                     AKIRA_EFORMAT);
    assert_string_equal(e.field, "version");
    /* Larger than our text manifest may be: an icon of 5.5 KB is skipped. */
    static char big[7000];
    int n = snprintf(big, sizeof big, "{\"name\":\"icon\",\"version\":\"1\",\"icon\":\"");
    memset(big + n, 'A', 5500);
    strcpy(big + n + 5500, "\"}");
    const char *p4[] = {big};
    b.size = len = module(buf, n1, p4, 1);
    assert_int_equal(akira_package_scan(akira_package_buf_read, &b, (uint32_t)len, &pkg, &e),
                     AKIRA_OK);
    assert_string_equal(pkg.manifest.name, "icon");
}

static void test_errno(void **state)
{
    (void)state;
    assert_int_equal(akira_compat_errno(AKIRA_EBUSY), -16);
    assert_int_equal(akira_compat_errno(AKIRA_EACCES), -1);
    assert_int_equal(akira_compat_errno(AKIRA_EINVAL), -22);
    assert_int_equal(akira_compat_errno(AKIRA_EFAULT), -14);
    assert_int_equal(akira_compat_errno(AKIRA_ENOENT), -2);
    assert_int_equal(akira_compat_errno(AKIRA_ENOTEMPTY), -90);
    assert_int_equal(akira_compat_errno(5), 5);
}

/* mqtt and crypto map onto our capabilities only once the env module says it serves
 * them (connectivity/src/env_compat.c, at boot); before, and on a board without it, the
 * strings grant nothing and are reported. */
static void test_served_caps(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    const char *j = "{\"name\":\"h\",\"version\":\"1\",\"capabilities\":[\"mqtt.*\",\"crypto\"]}";
    assert_int_equal(parse(j, &m, &e), AKIRA_OK);
    assert_int_equal(m.caps, 0);
    assert_string_equal(m.compat_ignored, "mqtt.*, crypto");
    assert_true(m.compat_caps ==
                (AKIRA_UP_BIT(AKIRA_UP_CAP_MQTT) | AKIRA_UP_BIT(AKIRA_UP_CAP_CRYPTO)));
    akira_compat_caps_serve(AKIRA_CAP_CRYPTO | AKIRA_CAP_DISPLAY); /* not display's to add */
    assert_int_equal(parse(j, &m, &e), AKIRA_OK);
    assert_int_equal(m.caps, AKIRA_CAP_CRYPTO);
    assert_string_equal(m.compat_ignored, "mqtt.*");
    akira_compat_caps_serve(AKIRA_CAP_MQTT);
    assert_int_equal(parse(j, &m, &e), AKIRA_OK);
    assert_int_equal(m.caps, AKIRA_CAP_MQTT | AKIRA_CAP_CRYPTO);
    assert_string_equal(m.compat_ignored, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),       cmocka_unit_test(test_errors),
        cmocka_unit_test(test_package_scan), cmocka_unit_test(test_errno),
        cmocka_unit_test(test_served_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Manifest keys that narrow the hardware and network capabilities (issue 7): gpio_pins,
 * i2c, uart, pwm, sensors, net_hosts. Each key parsed into what the API modules check,
 * every bad item refused naming the key, lists absent meaning nothing allowed, and the
 * canonical text parsing back to the same manifest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/err.h>
#include <akira/manifest.h>

static int parse_extra(const char *extra, struct akira_manifest *m, struct akira_manifest_error *e)
{
    char text[4096];
    snprintf(text, sizeof text,
             "name: hw456789012345678901234567890\nversion: v2345678901234567890123\n%s", extra);
    return akira_manifest_parse(text, strlen(text), m, e);
}

static void test_absent_lists_allow_nothing(void **state)
{
    (void)state;
    struct akira_manifest m;
    assert_int_equal(parse_extra("capabilities: gpio, i2c, uart, pwm, sensor, net\n", &m, NULL), 0);
    for (uint32_t pin = 0; pin < 40; pin++)
        assert_false(akira_manifest_gpio_allowed(&m, pin));
    assert_false(akira_manifest_i2c_allowed(&m, "i2c0", 0x76));
    assert_false(akira_manifest_uart_allowed(&m, "uart0"));
    assert_false(akira_manifest_pwm_allowed(&m, "pwm0", 0));
    assert_false(akira_manifest_sensor_allowed(&m, "bme280"));
    const uint8_t lo[4] = {127, 0, 0, 1};
    assert_false(akira_manifest_host_allowed(&m, lo, 80));
    /* Empty values are lists of nothing, too. */
    assert_int_equal(parse_extra("gpio_pins:\ni2c:\nuart:\npwm:\nsensors:\nnet_hosts:\n", &m, NULL),
                     0);
    assert_int_equal(m.gpio_pins, 0);
    assert_int_equal(m.n_i2c + m.n_uarts + m.n_pwm + m.n_sensors + m.n_net_hosts, 0);
}

static void test_every_list(void **state)
{
    (void)state;
    struct akira_manifest m;
    struct akira_manifest_error e;
    int rc = parse_extra("capabilities: gpio\ngpio_pins: 2,13, 20-23 ,31\n"
                         "i2c: i2c0:0x76, i2c0:0x6A,i2c1:17\nuart: uart0, uart1\n"
                         "pwm: pwm0:0-3, pwm0:7, pwm1:0\nsensors: bme280,lsm6ds3\n"
                         "net_hosts: 127.0.0.1:8080, localhost:*, 10.1.2.3:65535\n",
                         &m, &e);
    if (rc) fail_msg("%s: %s", e.field, e.reason);
    assert_int_equal(m.gpio_pins, (1u << 2) | (1u << 13) | (0xfu << 20) | (1u << 31));
    assert_true(akira_manifest_gpio_allowed(&m, 21));
    assert_false(akira_manifest_gpio_allowed(&m, 24));
    assert_false(akira_manifest_gpio_allowed(&m, 32));
    assert_int_equal(m.n_i2c, 3);
    assert_true(akira_manifest_i2c_allowed(&m, "i2c0", 0x76));
    assert_true(akira_manifest_i2c_allowed(&m, "i2c0", 0x6a));
    assert_true(akira_manifest_i2c_allowed(&m, "i2c1", 17));
    assert_false(akira_manifest_i2c_allowed(&m, "i2c1", 0x76));
    assert_false(akira_manifest_i2c_allowed(&m, "i2c0", 0x77));
    assert_true(akira_manifest_uart_allowed(&m, "uart1"));
    assert_false(akira_manifest_uart_allowed(&m, "uart2"));
    assert_int_equal(m.n_pwm, 2);
    assert_int_equal(m.pwm[0].channels, 0x8f);
    assert_true(akira_manifest_pwm_allowed(&m, "pwm0", 3));
    assert_false(akira_manifest_pwm_allowed(&m, "pwm0", 4));
    assert_true(akira_manifest_pwm_allowed(&m, "pwm0", 7));
    assert_false(akira_manifest_pwm_allowed(&m, "pwm1", 1));
    assert_false(akira_manifest_pwm_allowed(&m, "pwm0", 40));
    assert_true(akira_manifest_sensor_allowed(&m, "lsm6ds3"));
    assert_false(akira_manifest_sensor_allowed(&m, "bme"));
    const uint8_t lo[4] = {127, 0, 0, 1}, ten[4] = {10, 1, 2, 3}, other[4] = {127, 0, 0, 2};
    assert_int_equal(m.n_net_hosts, 3);
    assert_true(akira_manifest_host_allowed(&m, lo, 8080));
    assert_true(akira_manifest_host_allowed(&m, lo, 1)); /* localhost:* */
    assert_true(akira_manifest_host_allowed(&m, ten, 65535));
    assert_false(akira_manifest_host_allowed(&m, ten, 8080));
    assert_false(akira_manifest_host_allowed(&m, other, 8080));
}

static void expect_error(const char *extra, int code, const char *field)
{
    struct akira_manifest m;
    struct akira_manifest_error e;
    int rc = parse_extra(extra, &m, &e);
    if (rc != code) fail_msg("'%s' gave %d, expected %d", extra, rc, code);
    assert_string_equal(e.field, field);
    assert_true(strlen(e.reason) > 0);
}

/* BUS:* grants every address of that bus (upstream's `i2c`), no other bus; it and an
 * address of the same bus together are an error; it survives format and parse. */
static void test_i2c_whole_bus(void **state)
{
    (void)state;
    struct akira_manifest m, back;
    struct akira_manifest_error e;
    int rc = parse_extra("capabilities: i2c\ni2c: i2c0:*, i2c1:0x10\n", &m, &e);
    if (rc) fail_msg("%s: %s", e.field, e.reason);
    assert_int_equal(m.n_i2c, 2);
    assert_true(akira_manifest_i2c_allowed(&m, "i2c0", 0x00));
    assert_true(akira_manifest_i2c_allowed(&m, "i2c0", 0x6a));
    assert_true(akira_manifest_i2c_allowed(&m, "i2c0", 0x7f));
    assert_true(akira_manifest_i2c_allowed(&m, "i2c1", 0x10));
    assert_false(akira_manifest_i2c_allowed(&m, "i2c1", 0x11));
    assert_false(akira_manifest_i2c_allowed(&m, "i2c2", 0x10));
    char text[AKIRA_MANIFEST_MAX];
    int n = akira_manifest_format(&m, text, sizeof text);
    assert_true(n > 0);
    assert_non_null(strstr(text, "i2c: i2c0:*, i2c1:0x10\n"));
    assert_int_equal(akira_manifest_parse(text, (size_t)n, &back, NULL), 0);
    assert_memory_equal(back.i2c, m.i2c, sizeof m.i2c);
    expect_error("i2c: i2c0:*, i2c0:*\n", AKIRA_EFORMAT, "i2c");
    expect_error("i2c: i2c0:*, i2c0:0x76\n", AKIRA_EFORMAT, "i2c");
    expect_error("i2c: i2c0:0x76, i2c0:*\n", AKIRA_EFORMAT, "i2c");
    expect_error("i2c: i2c0:**\n", AKIRA_EFORMAT, "i2c");
    expect_error("i2c: *:*\n", AKIRA_EFORMAT, "i2c");
}

static void test_bad_items_name_the_key(void **state)
{
    (void)state;
    expect_error("gpio_pins: 32\n", AKIRA_ERANGE, "gpio_pins");
    expect_error("gpio_pins: 5-2\n", AKIRA_EFORMAT, "gpio_pins");
    expect_error("gpio_pins: 1,,2\n", AKIRA_EFORMAT, "gpio_pins");
    expect_error("gpio_pins: 1,\n", AKIRA_EFORMAT, "gpio_pins");
    expect_error("gpio_pins: x\n", AKIRA_EFORMAT, "gpio_pins");
    expect_error("gpio_pins: 1-3,2\n", AKIRA_EFORMAT, "gpio_pins"); /* twice */
    expect_error("gpio_pins: -1\n", AKIRA_EFORMAT, "gpio_pins");
    expect_error("gpio_pins: 1\ngpio_pins: 2\n", AKIRA_EFORMAT, "gpio_pins");
    expect_error("i2c: i2c0\n", AKIRA_EFORMAT, "i2c");
    expect_error("i2c: i2c0:0x80\n", AKIRA_ERANGE, "i2c");
    expect_error("i2c: I2C0:0x10\n", AKIRA_EFORMAT, "i2c");
    expect_error("i2c: :0x10\n", AKIRA_EFORMAT, "i2c");
    expect_error("i2c: i2c0:\n", AKIRA_EFORMAT, "i2c");
    expect_error("i2c: i2c0:0x10, i2c0:16\n", AKIRA_EFORMAT, "i2c"); /* same target */
    expect_error("i2c: a:1,a:2,a:3,a:4,a:5,a:6,a:7,a:8,a:9\n", AKIRA_ERANGE, "i2c");
    expect_error("i2c: a_very_long_bus_name:1\n", AKIRA_EFORMAT, "i2c");
    expect_error("uart: uart0, uart0\n", AKIRA_EFORMAT, "uart");
    expect_error("uart: u-0\n", AKIRA_EFORMAT, "uart");
    expect_error("uart: a,b,c,d,e\n", AKIRA_ERANGE, "uart");
    expect_error("pwm: pwm0\n", AKIRA_EFORMAT, "pwm");
    expect_error("pwm: pwm0:0-16\n", AKIRA_ERANGE, "pwm");
    expect_error("pwm: pwm0:0-3, pwm0:3\n", AKIRA_EFORMAT, "pwm");
    expect_error("pwm: a:0,b:0,c:0,d:0,e:0\n", AKIRA_ERANGE, "pwm");
    expect_error("sensors: bme280, bme280\n", AKIRA_EFORMAT, "sensors");
    expect_error("sensors: 9axis\n", AKIRA_EFORMAT, "sensors");
    expect_error("net_hosts: example.com:80\n", AKIRA_EFORMAT, "net_hosts");
    expect_error("net_hosts: *:80\n", AKIRA_EFORMAT, "net_hosts");
    expect_error("net_hosts: 127.0.0.1\n", AKIRA_EFORMAT, "net_hosts");
    expect_error("net_hosts: 127.0.0.1:0\n", AKIRA_ERANGE, "net_hosts");
    expect_error("net_hosts: 127.0.0.1:65536\n", AKIRA_ERANGE, "net_hosts");
    expect_error("net_hosts: 127.0.0.1:0x50\n", AKIRA_EFORMAT, "net_hosts");
    expect_error("net_hosts: 256.0.0.1:80\n", AKIRA_EFORMAT, "net_hosts");
    expect_error("net_hosts: 127.0.0:80\n", AKIRA_EFORMAT, "net_hosts");
    expect_error("net_hosts: 127.0.0.1.5:80\n", AKIRA_EFORMAT, "net_hosts");
    expect_error("net_hosts: 127.00.0.1:80\n", AKIRA_EFORMAT, "net_hosts");
    expect_error("net_hosts: 127.0.0.1:80, localhost:80\n", AKIRA_EFORMAT, "net_hosts");
    /* Addresses that are not one remote host (issue 21): 0.0.0.0 reaches the device's own
     * services on Linux, like the loopback aliases; broadcast and multicast reach many. */
    expect_error("net_hosts: 0.0.0.0:8080\n", AKIRA_EINVAL, "net_hosts");
    expect_error("net_hosts: 0.1.2.3:*\n", AKIRA_EINVAL, "net_hosts");
    expect_error("net_hosts: 127.0.0.2:80\n", AKIRA_EINVAL, "net_hosts");
    expect_error("net_hosts: 127.1.0.1:80\n", AKIRA_EINVAL, "net_hosts");
    expect_error("net_hosts: 255.255.255.255:9\n", AKIRA_EINVAL, "net_hosts");
    expect_error("net_hosts: 224.0.0.1:5353\n", AKIRA_EINVAL, "net_hosts");
    expect_error("net_hosts: 239.255.255.250:1900\n", AKIRA_EINVAL, "net_hosts");
    expect_error("net_hosts: 240.0.0.1:80\n", AKIRA_EINVAL, "net_hosts");
}

#define D32  "ddddddddddddddddddddddddddddddd "
#define D127 D32 D32 D32 "ddddddddddddddddddddddddddddddd"
#define A63  D32 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void test_round_trip(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "gpio_pins: 0-31\n",
        "gpio_pins: 0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30\ni2c: i2c0:0x76\n",
        "capabilities: gpio, i2c, uart, pwm, sensor, power, net\ngpio_pins: 2,13,20-23\n"
        "i2c: i2c0:0x76, i2c0:0x6a\nuart: uart0\npwm: pwm0:0-3, pwm1:5\n"
        "sensors: bme280, lsm6ds3\nnet_hosts: 127.0.0.1:8080, localhost:*\n",
        /* every list at its longest */
        "i2c: abcdefghijklmno:0x01, abcdefghijklmno:0x02, abcdefghijklmno:0x03, "
        "abcdefghijklmno:0x04, abcdefghijklmno:0x05, abcdefghijklmno:0x06, "
        "abcdefghijklmno:0x07, abcdefghijklmno:0x08\n"
        "uart: abcdefghijklmn1, abcdefghijklmn2, abcdefghijklmn3, abcdefghijklmn4\n"
        "pwm: abcdefghijklmn1:0, abcdefghijklmn1:2, abcdefghijklmn1:4, abcdefghijklmn1:6, "
        "abcdefghijklmn1:8, abcdefghijklmn1:10, abcdefghijklmn1:12, abcdefghijklmn1:14, "
        "abcdefghijklmn2:0, abcdefghijklmn2:2, abcdefghijklmn2:4, abcdefghijklmn2:6, "
        "abcdefghijklmn2:8, abcdefghijklmn2:10, abcdefghijklmn2:12, abcdefghijklmn2:14, "
        "abcdefghijklmn3:0, abcdefghijklmn3:2, abcdefghijklmn3:4, abcdefghijklmn3:6, "
        "abcdefghijklmn3:8, abcdefghijklmn3:10, abcdefghijklmn3:12, abcdefghijklmn3:14, "
        "abcdefghijklmn4:0, abcdefghijklmn4:2, abcdefghijklmn4:4, abcdefghijklmn4:6, "
        "abcdefghijklmn4:8, abcdefghijklmn4:10, abcdefghijklmn4:12, abcdefghijklmn4:14"
        "\n"
        "sensors: abcdefghijklmn1, abcdefghijklmn2, abcdefghijklmn3, abcdefghijklmn4\n"
        "ipc_publish: t234567890123456789012345678901, t234567890123456789012345678902, "
        "t234567890123456789012345678903, t234567890123456789012345678904\n"
        "ipc_subscribe: t234567890123456789012345678901, t234567890123456789012345678902, "
        "t234567890123456789012345678903, t23456789012345678901234567890/*\n"
        "net_hosts: 223.255.255.254:65535, 1.2.3.4:*, 1.2.3.5:1, 1.2.3.6:2, 1.2.3.7:3, "
        "1.2.3.8:4, 1.2.3.9:5, 1.2.3.10:6\n"
        "gpio_pins: 0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30\n"
        "capabilities: memory,timer,ipc,storage,gpio,i2c,uart,pwm,sensor,power,net,display,"
        "input,ble,rf\n"
        "entry: e12345678901234567890123456789012345678901234567890123456789012\n"
        "description: " D127 "\nauthor: " A63 "\n"
        "restart: on-failure max_retries=100 delay_ms=3600000\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct akira_manifest m, back;
        struct akira_manifest_error e;
        memset(&m, 0, sizeof m);
        memset(&back, 0, sizeof back);
        if (parse_extra(cases[i], &m, &e)) fail_msg("case %zu: %s: %s", i, e.field, e.reason);
        char text[AKIRA_MANIFEST_MAX];
        int n = akira_manifest_format(&m, text, sizeof text);
        assert_true(n > 0); /* AKIRA_MANIFEST_MAX is enough for the longest manifest */
        if (akira_manifest_parse(text, (size_t)n, &back, &e))
            fail_msg("formatted text does not parse: %s: %s\n%s", e.field, e.reason, text);
        assert_memory_equal(&m, &back, sizeof m);
    }
    /* A manifest without lists formats as before: no hardware keys at all. */
    struct akira_manifest m;
    char text[AKIRA_MANIFEST_MAX];
    assert_int_equal(parse_extra("", &m, NULL), 0);
    assert_true(akira_manifest_format(&m, text, sizeof text) > 0);
    assert_null(strstr(text, "gpio_pins"));
    assert_null(strstr(text, "net_hosts"));
    /* localhost is kept as its address. */
    assert_int_equal(parse_extra("net_hosts: localhost:80\n", &m, NULL), 0);
    assert_true(akira_manifest_format(&m, text, sizeof text) > 0);
    assert_non_null(strstr(text, "net_hosts: 127.0.0.1:80\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absent_lists_allow_nothing),
        cmocka_unit_test(test_every_list),
        cmocka_unit_test(test_i2c_whole_bus),
        cmocka_unit_test(test_bad_items_name_the_key),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

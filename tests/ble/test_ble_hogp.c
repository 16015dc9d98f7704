/* HID over GATT: the device's services, the HID host decoding reports into key codes,
 * mouse and gamepad values, boot protocol, LEDs; the report map parser on bad maps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "akira/ble_hogp.h"
#include "akira/hid_manager.h"
#include "ble_test_env.h"

#define A    E.link.host[0]
#define B    E.link.host[1]
#define CONN E.link.conn[0]

static akira_hogp_t *dev;
static akira_hid_host_t *hh;
static int ready_err = -1000;
static struct {
    uint16_t code;
    bool down;
} keys[32];
static int n_keys;
static int mouse_calls, mdx, mdy, mwheel;
static uint8_t mbuttons;
static int usage_calls;
static int32_t pad_x, pad_btn1;
static uint8_t leds_seen = 0xff;
static uint8_t proto_seen = 0xff;

static void on_ready(void *u, uint16_t conn, int err)
{
    (void)u;
    (void)conn;
    ready_err = err;
}
static void on_key(void *u, uint16_t conn, uint16_t code, bool down)
{
    (void)u;
    (void)conn;
    if (n_keys < 32) {
        keys[n_keys].code = code;
        keys[n_keys].down = down;
        n_keys++;
    }
}
static void on_mouse(void *u, uint16_t conn, uint8_t b, int32_t dx, int32_t dy, int32_t w)
{
    (void)u;
    (void)conn;
    mouse_calls++;
    mbuttons = b;
    mdx = dx;
    mdy = dy;
    mwheel = w;
}
static void on_usage(void *u, uint16_t conn, uint16_t page, uint16_t usage, int32_t v)
{
    (void)u;
    (void)conn;
    usage_calls++;
    if (page == 1 && usage == 0x30) pad_x = v;
    if (page == 9 && usage == 1) pad_btn1 = v;
}
static void on_leds(void *u, uint16_t conn, uint8_t l)
{
    (void)u;
    (void)conn;
    leds_seen = l;
}
static void on_proto(void *u, uint16_t conn, uint8_t m)
{
    (void)u;
    (void)conn;
    proto_seen = m;
}
static void hook(uint16_t conn, uint16_t handle, const uint8_t *d, size_t n)
{
    if (hh) akira_hid_host_notification(hh, conn, handle, d, n);
}

static const akira_hid_host_cb_t hcb = {on_ready, on_key, on_mouse, on_usage, NULL};

static int setup(void **state)
{
    (void)state;
    fake_init(&E.link);
    env_hosts(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    akira_hogp_cfg_t cfg = {
        .kinds = AKIRA_HOGP_KEYBOARD | AKIRA_HOGP_MOUSE | AKIRA_HOGP_GAMEPAD,
        .manufacturer = "Akira",
        .vendor_id = 0x1209,
        .product_id = 0x0001,
        .battery = 90,
        .leds = on_leds,
        .protocol = on_proto,
    };
    assert_int_equal(akira_hogp_create(B, &cfg, &dev), AKIRA_OK);
    E.notify_hook = hook;
    fake_connect(&E.link);
    fake_pump(&E.link);
    n_keys = 0;
    mouse_calls = usage_calls = 0;
    ready_err = -1000;
    leds_seen = proto_seen = 0xff;
    hh = NULL;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_hid_host_destroy(hh);
    hh = NULL;
    env_teardown();
    akira_hogp_destroy(dev);
    return 0;
}

static void pair(void)
{
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].pair_reason, 0);
    assert_int_equal(E.side[0].sec_level, AKIRA_BLE_SEC_ENC);
}

static void test_keyboard_report_protocol(void **state)
{
    (void)state;
    pair();
    assert_int_equal(akira_hid_host_start(A, CONN, false, &hcb, &hh), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(ready_err, 0);
    const akira_hid_map_t *m = akira_hid_host_map(hh);
    assert_non_null(m);
    assert_true(m->uses_ids);

    /* shift + 'a', then 'a' + 'b', then nothing */
    const uint8_t k1[6] = {0x04};
    assert_int_equal(akira_hogp_keyboard(dev, 0x02, k1), AKIRA_OK);
    fake_pump(&E.link);
    const uint8_t k2[6] = {0x04, 0x05};
    assert_int_equal(akira_hogp_keyboard(dev, 0x00, k2), AKIRA_OK);
    fake_pump(&E.link);
    const uint8_t k3[6] = {0};
    assert_int_equal(akira_hogp_keyboard(dev, 0x00, k3), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(n_keys, 6);
    assert_int_equal(keys[0].code, 0xe1);
    assert_true(keys[0].down);
    assert_int_equal(keys[1].code, 0x04);
    assert_true(keys[1].down);
    assert_int_equal(keys[2].code, 0xe1); /* shift released */
    assert_false(keys[2].down);
    assert_int_equal(keys[3].code, 0x05);
    assert_true(keys[3].down);
    assert_false(keys[4].down);
    assert_false(keys[5].down);

    /* mouse and gamepad reports of the same map */
    assert_int_equal(akira_hogp_mouse(dev, 0x01, -5, 7, 1), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(mouse_calls, 1);
    assert_int_equal(mbuttons, 1);
    assert_int_equal(mdx, -5);
    assert_int_equal(mdy, 7);
    assert_int_equal(mwheel, 1);
    assert_int_equal(akira_hogp_gamepad(dev, 0x0001, -100, 0, 0, 0), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(pad_x, -100);
    assert_int_equal(pad_btn1, 1);
    assert_int_equal(usage_calls, 16 + 4);

    /* LEDs: the host writes the output report */
    assert_int_equal(akira_hid_host_set_leds(hh, 0x02), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(leds_seen, 0x02);
    /* battery level is readable and notifies */
    assert_int_equal(akira_hogp_battery(dev, 55), AKIRA_OK);
    assert_int_equal(akira_hogp_battery(dev, 101), AKIRA_EINVAL);
}

static void test_keyboard_boot_protocol(void **state)
{
    (void)state;
    pair();
    assert_int_equal(akira_hid_host_start(A, CONN, true, &hcb, &hh), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(ready_err, 0);
    assert_int_equal(proto_seen, AKIRA_HOGP_PROTOCOL_BOOT);
    const uint8_t k[6] = {0x1e, 0x1f}; /* '1', '2' */
    assert_int_equal(akira_hogp_keyboard(dev, 0x01, k), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(n_keys, 3);
    assert_int_equal(keys[0].code, 0xe0);
    assert_int_equal(keys[1].code, 0x1e);
    assert_int_equal(keys[2].code, 0x1f);
    assert_int_equal(akira_hid_host_set_leds(hh, 0x01), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(leds_seen, 0x01);
}

static void test_needs_encryption(void **state)
{
    (void)state;
    /* without pairing, the HID service's reports are out of reach */
    assert_int_equal(akira_hid_host_start(A, CONN, false, &hcb, &hh), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(ready_err, AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN);
    const uint8_t k[6] = {0x04};
    assert_int_equal(akira_hogp_keyboard(dev, 0, k), AKIRA_OK); /* nobody subscribed */
    fake_pump(&E.link);
    assert_int_equal(n_keys, 0);
}

static void test_report_map_parser(void **state)
{
    (void)state;
    size_t len;
    const uint8_t *map = akira_hogp_report_map(dev, &len);
    akira_hid_map_t m;
    assert_int_equal(akira_hid_map_parse(&m, map, len), AKIRA_OK);
    /* modifiers, keys, buttons, x/y/wheel, pad buttons, pad axes */
    assert_int_equal(m.n_fields, 6);
    /* every truncation of the map is refused or parsed, never read past */
    for (size_t n = 0; n < len; n++) {
        akira_err_t e = akira_hid_map_parse(&m, map, n);
        assert_true(e == AKIRA_OK || e == AKIRA_EFORMAT || e == AKIRA_ENOSPC);
    }
    static const uint8_t unbalanced[] = {0xa1, 0x01, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02};
    assert_int_equal(akira_hid_map_parse(&m, unbalanced, sizeof unbalanced), AKIRA_EFORMAT);
    static const uint8_t zero_size[] = {0x75, 0x00, 0x95, 0x01, 0x81, 0x02};
    assert_int_equal(akira_hid_map_parse(&m, zero_size, sizeof zero_size), AKIRA_EFORMAT);
    static const uint8_t huge[] = {0x75, 0x20, 0x95, 0xff, 0x81, 0x02};
    assert_int_equal(akira_hid_map_parse(&m, huge, sizeof huge), AKIRA_ENOSPC);
    static const uint8_t pop[] = {0xb4};
    assert_int_equal(akira_hid_map_parse(&m, pop, 1), AKIRA_EFORMAT);
    uint8_t many[200];
    size_t n = 0;
    for (int i = 0; i < 33; i++) {
        many[n++] = 0x75;
        many[n++] = 0x01;
        many[n++] = 0x95;
        many[n++] = 0x01;
        many[n++] = 0x81;
        many[n++] = 0x02;
    }
    assert_int_equal(akira_hid_map_parse(&m, many, n), AKIRA_ENOSPC);
    /* a report shorter than its fields */
    assert_int_equal(akira_hid_map_parse(&m, map, len), AKIRA_OK);
    const uint8_t shortrep[3] = {AKIRA_HOGP_ID_KEYBOARD, 0, 0};
    assert_int_equal(akira_hid_report_decode(&m, shortrep, 3, NULL, NULL), AKIRA_EFORMAT);
    const uint8_t noid[3] = {9, 0, 0};
    assert_int_equal(akira_hid_report_decode(&m, noid, 3, NULL, NULL), AKIRA_ENOENT);
}

static void test_ascii(void **state)
{
    (void)state;
    uint8_t c;
    bool sh;
    assert_int_equal(akira_hid_ascii_to_key('a', &c, &sh), AKIRA_OK);
    assert_int_equal(c, 0x04);
    assert_false(sh);
    assert_int_equal(akira_hid_ascii_to_key('Z', &c, &sh), AKIRA_OK);
    assert_int_equal(c, 0x1d);
    assert_true(sh);
    assert_int_equal(akira_hid_ascii_to_key('0', &c, &sh), AKIRA_OK);
    assert_int_equal(c, 0x27);
    assert_int_equal(akira_hid_ascii_to_key('!', &c, &sh), AKIRA_OK);
    assert_int_equal(c, 0x1e);
    assert_true(sh);
    assert_int_equal(akira_hid_ascii_to_key(')', &c, &sh), AKIRA_OK);
    assert_int_equal(c, 0x27);
    assert_int_equal(akira_hid_ascii_to_key('?', &c, &sh), AKIRA_OK);
    assert_int_equal(c, 0x38);
    assert_true(sh);
    assert_int_equal(akira_hid_ascii_to_key('\x01', &c, &sh), AKIRA_ENOENT);
    assert_int_equal(akira_hid_ascii_to_key('\0', &c, &sh), AKIRA_ENOENT);
}

/* The HID manager as the HID host of a keyboard node: typed text arrives as key codes. */
static void test_manager_host(void **state)
{
    (void)state;
    pair();
    assert_int_equal(akira_hid_manager_attach(A), AKIRA_OK);
    assert_int_equal(akira_hid_manager_attach(A), AKIRA_EEXIST);
    E.notify_hook = NULL;
    struct akira_hid_host *none = NULL;
    (void)none;
    assert_int_equal(akira_hid_manager_connect(CONN, false), AKIRA_OK);
    assert_int_equal(akira_hid_manager_connect(CONN, false), AKIRA_EBUSY);
    E.notify_hook = akira_hid_manager_notification;
    fake_pump(&E.link);
    assert_int_equal(akira_hid_manager_host_state(), 1);
    /* "Hi" typed on the device: shift+h, release, i, release */
    const uint8_t h[6] = {0x0b}, i[6] = {0x0c}, none6[6] = {0};
    akira_hogp_keyboard(dev, 0x02, h);
    akira_hogp_keyboard(dev, 0, none6);
    akira_hogp_keyboard(dev, 0, i);
    akira_hogp_keyboard(dev, 0, none6);
    fake_pump(&E.link);
    static const struct {
        uint16_t code;
        bool down;
    } want[] = {{0xe1, 1}, {0x0b, 1}, {0xe1, 0}, {0x0b, 0}, {0x0c, 1}, {0x0c, 0}};
    for (size_t k = 0; k < 6; k++) {
        uint16_t code;
        bool down;
        assert_int_equal(akira_hid_manager_next_key(&code, &down), AKIRA_OK);
        assert_int_equal(code, want[k].code);
        assert_int_equal(down, want[k].down);
    }
    uint16_t code;
    bool down;
    assert_int_equal(akira_hid_manager_next_key(&code, &down), AKIRA_ENOENT);
    akira_hid_manager_stop();
}

/* The HID manager as the device: akira_hid_manager_type() reaches a HID host. */
static void test_manager_device(void **state)
{
    (void)state;
    /* a second HOGP on B would duplicate services: use a fresh pair of hosts */
    env_teardown();
    akira_hogp_destroy(dev);
    dev = NULL;
    fake_init(&E.link);
    env_hosts(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    akira_hogp_cfg_t cfg = {.kinds = AKIRA_HOGP_KEYBOARD, .battery = 100};
    assert_int_equal(akira_hid_manager_type("x"), AKIRA_ESTATE);
    assert_int_equal(akira_hid_manager_start(B, &cfg), AKIRA_OK);
    E.notify_hook = hook;
    fake_connect(&E.link);
    fake_pump(&E.link);
    pair();
    assert_int_equal(akira_hid_host_start(A, CONN, false, &hcb, &hh), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(ready_err, 0);
    n_keys = 0;
    assert_int_equal(akira_hid_manager_type("aB1"), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(akira_hid_manager_type("\x01"), AKIRA_ENOENT);
    assert_int_equal(akira_hid_manager_mouse(0, 1, 1, 0), AKIRA_ENOTSUP); /* keyboard only */
    /* a down, a up, shift down, b down, shift up, b up, 1 down, 1 up */
    assert_int_equal(n_keys, 8);
    assert_int_equal(keys[0].code, 0x04);
    assert_int_equal(keys[2].code, 0xe1);
    assert_int_equal(keys[3].code, 0x05);
    assert_int_equal(keys[6].code, 0x1e);
    assert_true(keys[6].down);
    akira_hid_manager_stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keyboard_report_protocol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyboard_boot_protocol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs_encryption, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_map_parser, setup, teardown),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test_setup_teardown(test_manager_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manager_device, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

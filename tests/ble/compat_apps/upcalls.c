/* Every env BLE and HID function with good and bad arguments, upstream style
 * (tests/ble/compat_ble_e2e.py, scenario calls); each result logged as `name: value`.
 * Built four more times: -DTHIEF (another app's handles and UUID, HID held by
 * another app), -DNOCAP (no ble, ble.scan, hid), -DNOSCAN (ble without ble.scan),
 * -DNOBLE (ble.scan without ble). The plain build ends by passing a UUID string out of
 * its memory, which traps it as upstream's engine would. */
#include "up_ble.h"

/* One line each 50 ms: the app log's rate (20 lines a second) keeps every one. */
#define R(name, expr) (printf("%s: %d\n", name, (int)(expr)), delay(50000))
#define SVC           "8a5e0101-2f3c-4d1e-9b7a-6c5d4e3f2a10"
#define SVC2          "8a5e0102-2f3c-4d1e-9b7a-6c5d4e3f2a10"
#define CHR           "8a5e0103-2f3c-4d1e-9b7a-6c5d4e3f2a10"
#define ESS           "0000181a-0000-1000-8000-00805f9b34fb" /* the device's own */
#define OOB           ((void *)0x7ffffff0)
#define RW            (UP_BLE_READ | UP_BLE_WRITE | UP_BLE_NOTIFY)

static unsigned char buf[64] __attribute__((unused));
static up_scan_report_t rep __attribute__((unused));

#if defined(NOCAP) || defined(NOSCAN) || defined(NOBLE)
int main(void)
{
    R("ble_init", ble_init());
    R("ble_service_create", ble_service_create(SVC));
    R("ble_scan_start", ble_scan_start(0));
    R("ble_scan_pop", ble_scan_pop(&rep, sizeof rep));
    R("ble_scan_stop", ble_scan_stop());
    R("hid_enable", hid_enable());
    R("hid_key_press", hid_key_press(4));
    printf("denied done\n");
    return 0;
}
#elif defined(THIEF)
int main(void)
{
    R("ble_init", ble_init());
    /* upcalls holds the first place: its service and characteristic handles are 0 */
    R("thief_char_write", ble_char_write(0, buf, 1));
    R("thief_char_read", ble_char_read(0, buf, 8));
    R("thief_add_char", ble_service_add_char(0, 0));
    R("thief_add_service", ble_add_service(0));
    R("thief_set_adv", ble_set_advertised_service(0));
    R("thief_free_place", ble_add_service(12)); /* a place nobody holds */
    int s = ble_service_create(SVC), c = ble_char_create(CHR, RW, 8);
    R("thief_own_handles", s >= 4 && c >= 8);
    R("thief_add_own_char", ble_service_add_char(s, c));
    R("thief_same_uuid", ble_add_service(s)); /* upcalls serves it */
    R("thief_hid_enable", hid_enable());      /* upcalls has HID */
    printf("thief done\n");
    return 0;
}
#else
int main(void)
{
    /* ---- BLE ---- */
    R("ble_init", ble_init());
    R("ble_set_local_name", ble_set_local_name("upcalls"));
    R("ble_set_local_name_long", ble_set_local_name("a-name-of-thirty-bytes-is-long"));
    R("ble_set_local_name_empty", ble_set_local_name(""));
    R("ble_service_create_bad", ble_service_create("8a5e0101-2f3c-4d1e-9b7a-6c5d4e3f2a1"));
    R("ble_service_create_nothex", ble_service_create("8a5e0101-2f3c-4d1e-9b7a-6c5d4e3f2a1x"));
    int s = ble_service_create(SVC), s2 = ble_service_create(SVC2), s3 = ble_service_create(ESS);
    printf("svc_handles: %d\n", s == 0 && s2 == 1 && s3 == 2);
    R("ble_service_create", ble_service_create(SVC2));
    R("ble_service_create_full", ble_service_create(SVC2));
    R("ble_char_create_bad_props", ble_char_create(CHR, 0x41, 20));
    R("ble_char_create_no_props", ble_char_create(CHR, 0, 20));
    R("ble_char_create_zero_len", ble_char_create(CHR, RW, 0));
    R("ble_char_create_long", ble_char_create(CHR, RW, 65));
    R("ble_char_create_bad_uuid", ble_char_create("180d", RW, 20));
    int c = ble_char_create(CHR, RW, 20);
    int c3 = ble_char_create(CHR, UP_BLE_READ, 4);
    int lone = ble_char_create(CHR, UP_BLE_READ, 4);
    printf("chr_handles: %d\n", c == 0 && c3 == 1 && lone == 2);
    R("ble_service_add_char", ble_service_add_char(s, c));
    R("ble_service_add_char_twice", ble_service_add_char(s, c));
    R("ble_service_add_char_bad_char", ble_service_add_char(s, 99));
    R("ble_service_add_char_bad_svc", ble_service_add_char(-1, c3));
    R("ble_add_service_empty", ble_add_service(s2));
    R("ble_add_service_bad", ble_add_service(99));
    R("ble_add_service", ble_add_service(s));
    R("ble_add_service_twice", ble_add_service(s));
    R("ble_service_add_char_added", ble_service_add_char(s, lone));
    R("ble_service_add_char_ess", ble_service_add_char(s3, c3));
    R("ble_add_service_system_uuid", ble_add_service(s3));
    R("ble_set_advertised_service_bad", ble_set_advertised_service(99));
    R("ble_set_advertised_service", ble_set_advertised_service(s));
    R("ble_advertise", ble_advertise());
    R("ble_stop_advertise", ble_stop_advertise());
    R("ble_is_connected", ble_is_connected());
    R("ble_char_write", ble_char_write(c, (const unsigned char *)"hello", 5));
    R("ble_char_write_oob", ble_char_write(c, OOB, 32));
    R("ble_char_write_long", ble_char_write(c, buf, 21));
    R("ble_char_write_bad", ble_char_write(99, buf, 1));
    R("ble_char_write_unattached", ble_char_write(lone, buf, 1));
    R("ble_char_read", ble_char_read(c, buf, sizeof buf));
    printf("ble_char_read_value: %d\n", buf[0] == 'h' && buf[4] == 'o');
    R("ble_char_read_short", ble_char_read(c, buf, 2));
    R("ble_char_read_oob", ble_char_read(c, OOB, 32));
    R("ble_char_read_bad", ble_char_read(-5, buf, 4));
    R("ble_event_pop_short", ble_event_pop(buf, 3));
    R("ble_event_pop_oob", ble_event_pop(OOB, 64));
    R("ble_event_pop", ble_event_pop(buf, sizeof buf));
    R("ble_scan_start", ble_scan_start(0));
    R("ble_scan_start_twice", ble_scan_start(1));
    R("ble_scan_pop_short", ble_scan_pop(&rep, 58));
    R("ble_scan_pop_oob", ble_scan_pop(OOB, 59));
    R("ble_scan_stop", ble_scan_stop());
    R("ble_deinit", ble_deinit());
    R("ble_char_read_after_deinit", ble_char_read(c, buf, 4));
    /* Again for upcalls-thief: a registered service with handles 0 and 0. */
    s = ble_service_create(SVC);
    c = ble_char_create(CHR, RW, 20);
    ble_service_add_char(s, c);
    R("ble_add_service_again", ble_add_service(s));

    /* ---- HID ---- */
    R("hid_key_press_disabled", hid_key_press(4));
    R("hid_set_transport_usb", hid_set_transport(UP_HID_TR_USB));
    R("hid_set_transport_bad", hid_set_transport(7));
    R("hid_set_transport", hid_set_transport(UP_HID_TR_BLE));
    R("hid_set_device_types_zero", hid_set_device_types(0));
    R("hid_set_device_types_bad", hid_set_device_types(8));
    R("hid_set_device_types",
      hid_set_device_types(UP_HID_KEYBOARD | UP_HID_MOUSE | UP_HID_GAMEPAD));
    R("hid_enable", hid_enable());
    R("hid_set_device_types_enabled", hid_set_device_types(UP_HID_KEYBOARD));
    R("hid_set_transport_enabled", hid_set_transport(UP_HID_TR_BLE));
    R("hid_is_connected", hid_is_connected());
    R("hid_key_press_bad", hid_key_press(3));
    R("hid_key_press", hid_key_press(4));
    R("hid_key_release", hid_key_release(4));
    for (int k = 4; k < 10; k++)
        hid_key_press(k);
    R("hid_key_press_seventh", hid_key_press(10));
    R("hid_key_release_all", hid_key_release_all());
    R("hid_set_modifiers_bad", hid_set_modifiers(0x100));
    R("hid_set_modifiers", hid_set_modifiers(0x02));
    hid_key_release_all();
    R("hid_type_string", hid_type_string("ok"));
    R("hid_type_string_untypable", hid_type_string("\x01"));
    R("hid_gamepad_press", hid_gamepad_press(1));
    R("hid_gamepad_press_bad", hid_gamepad_press(0x10000));
    R("hid_gamepad_release", hid_gamepad_release(1));
    R("hid_gamepad_set_axis", hid_gamepad_set_axis(0, 1000));
    R("hid_gamepad_set_axis_fifth", hid_gamepad_set_axis(4, 0));
    R("hid_gamepad_set_axis_bad", hid_gamepad_set_axis(6, 0));
    R("hid_gamepad_set_axis_range", hid_gamepad_set_axis(0, 40000));
    R("hid_gamepad_set_dpad", hid_gamepad_set_dpad(0));
    R("hid_gamepad_set_dpad_north", hid_gamepad_set_dpad(1));
    R("hid_gamepad_set_dpad_bad", hid_gamepad_set_dpad(9));
    R("hid_gamepad_reset", hid_gamepad_reset());
    R("hid_gamepad_send_report", hid_gamepad_send_report(1, 0, 100, -100, 0, 0, 0, 0));
    R("hid_gamepad_send_report_hat", hid_gamepad_send_report(1, 2, 0, 0, 0, 0, 0, 0));
    R("hid_gamepad_send_report_a4", hid_gamepad_send_report(1, 0, 0, 0, 0, 0, 5, 0));
    R("hid_gamepad_send_report_bad", hid_gamepad_send_report(0x10000, 0, 0, 0, 0, 0, 0, 0));
    R("hid_mouse_move", hid_mouse_move(10, 10));
    R("hid_mouse_move_bad", hid_mouse_move(200, 0));
    R("hid_mouse_btn_press", hid_mouse_btn_press(1));
    R("hid_mouse_btn_press_bad", hid_mouse_btn_press(8));
    R("hid_mouse_btn_release", hid_mouse_btn_release(1));
    R("hid_mouse_scroll", hid_mouse_scroll(-1));
    R("hid_mouse_scroll_bad", hid_mouse_scroll(300));
    R("hid_consumer_send", hid_consumer_send(0xCD));
    R("hid_consumer_send_bad", hid_consumer_send(-1));
    R("hid_send_raw_report", hid_send_raw_report(1, buf, 8));
    R("hid_send_raw_report_oob", hid_send_raw_report(1, OOB, 32));
    R("hid_send_raw_report_long", hid_send_raw_report(1, buf, 65));
    R("hid_action_register", hid_action_register("copy", 0x01, 0x06));
    R("hid_action_register_long", hid_action_register("a-sixteen-chars!", 0, 4));
    R("hid_action_register_bad_key", hid_action_register("k", 0, 0));
    char n[2] = {'a', 0};
    for (int i = 0; i < 7; i++, n[0]++)
        hid_action_register(n, 0, 4);
    R("hid_action_register_full", hid_action_register("more", 0, 4));
    R("hid_action_register_replace", hid_action_register("copy", 0x01, 0x19));
    R("hid_action_trigger", hid_action_trigger("copy"));
    R("hid_action_trigger_unknown", hid_action_trigger("nope"));
    R("hid_disable", hid_disable());
    R("hid_key_press_after_disable", hid_key_press(4));
    R("hid_init_usb", hid_init(UP_HID_TR_USB, UP_HID_KEYBOARD));
    R("hid_init", hid_init(UP_HID_TR_BLE, UP_HID_KEYBOARD));
    R("hid_mouse_move_not_enabled_type", hid_mouse_move(1, 1));
    printf("calls ready\n");
    /* upthief tries this app's handles meanwhile */
    for (int i = 0; i < 300; i++)
        delay(20000);
    printf("calls trap next\n");
    ble_service_create((const char *)0x7ffffff0);
    printf("not reached\n");
    return 0;
}
#endif

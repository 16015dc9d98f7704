/* The BLE and HID imports of upstream AkiraOS's "env" ABI that the compatibility test
 * apps of tests/ble/ use, declared from the facts in docs/compat.md (names, argument
 * types, results). Written here; upstream's SDK header is not used. Built with
 * upstream's flags (tests/ble/CMakeLists.txt), every function below becomes an import of
 * module "env". */
#ifndef UP_BLE_H
#define UP_BLE_H

#include "../../runtime/compat_apps/up_env.h"

int ble_init(void);
int ble_deinit(void);
int ble_set_local_name(const char *name);
int ble_service_create(const char *uuid128_str);
int ble_char_create(const char *uuid128_str, int props, int max_len);
int ble_service_add_char(int svc_h, int char_h);
int ble_add_service(int svc_h);
int ble_set_advertised_service(int svc_h);
int ble_advertise(void);
int ble_stop_advertise(void);
int ble_is_connected(void);
int ble_char_write(int char_h, const unsigned char *data, u32 len);
int ble_char_read(int char_h, unsigned char *buf, u32 len);
int ble_event_pop(unsigned char *buf, u32 len);
int ble_scan_start(int active);
int ble_scan_stop(void);
int ble_scan_pop(void *buf, u32 len);

#define UP_BLE_READ         0x02
#define UP_BLE_WRITE_WO_RSP 0x04
#define UP_BLE_WRITE        0x08
#define UP_BLE_NOTIFY       0x10
#define UP_BLE_INDICATE     0x20
#define UP_BLE_EV_NONE      0
#define UP_BLE_EV_CONNECTED 1
#define UP_BLE_EV_DISCONN   2
#define UP_BLE_EV_WRITTEN   3

/* akira_ble_scan_report_t: 59 bytes. */
typedef struct {
    unsigned char addr[6];
    signed char rssi;
    char name[20];
    unsigned char adv_len;
    unsigned char adv_data[31];
} up_scan_report_t;

int hid_enable(void);
int hid_disable(void);
int hid_is_connected(void);
int hid_key_press(int keycode);
int hid_key_release(int keycode);
int hid_key_release_all(void);
int hid_type_string(const char *str);
int hid_set_modifiers(int mod_mask);
int hid_gamepad_press(int btn_mask);
int hid_gamepad_release(int btn_mask);
int hid_gamepad_set_axis(int axis, int value);
int hid_gamepad_set_dpad(int direction);
int hid_gamepad_reset(void);
int hid_gamepad_send_report(int buttons, int hat, int a0, int a1, int a2, int a3, int a4, int a5);
int hid_mouse_move(int dx, int dy);
int hid_mouse_btn_press(int button);
int hid_mouse_btn_release(int button);
int hid_mouse_scroll(int delta);
int hid_consumer_send(int usage_code);
int hid_send_raw_report(int report_id, const unsigned char *data, u32 len);
int hid_action_register(const char *name, int modifier, int keycode);
int hid_action_trigger(const char *name);
int hid_set_transport(int transport);
int hid_set_device_types(int types);
int hid_init(int transport, int device_types);

#define UP_HID_TR_NONE  0
#define UP_HID_TR_BLE   1
#define UP_HID_TR_USB   2
#define UP_HID_KEYBOARD 1
#define UP_HID_GAMEPAD  2
#define UP_HID_MOUSE    4

#endif /* UP_BLE_H */

/* An app in upstream AkiraOS's style (tests/ble/compat_ble_e2e.py, scenario gatt): a
 * GATT peripheral with one service whose characteristic is readable, writable and
 * notifies; what a peer writes comes back upper-cased as a notification. It scans and
 * reports a few advertisers, and once a HID host has subscribed it types as a keyboard
 * and moves the mouse. It owns its loop (events and scan reports polled, delay in
 * microseconds) for at most a minute. Every result is logged. */
#include "up_ble.h"

#define SVC           "8a5e0001-2f3c-4d1e-9b7a-6c5d4e3f2a10"
#define CHR           "8a5e0002-2f3c-4d1e-9b7a-6c5d4e3f2a10"
#define R(name, expr) printf("upgatt: %s %d\n", name, (int)(expr))

static unsigned char ev[4 + 32];
static up_scan_report_t rep;

int main(void)
{
    R("init", ble_init());
    R("name", ble_set_local_name("upgatt"));
    int s = ble_service_create(SVC);
    int c = ble_char_create(CHR, UP_BLE_READ | UP_BLE_WRITE | UP_BLE_NOTIFY, 20);
    printf("upgatt: handles %d %d\n", s, c);
    R("add_char", ble_service_add_char(s, c));
    R("add_service", ble_add_service(s));
    R("set_adv", ble_set_advertised_service(s));
    R("value", ble_char_write(c, (const unsigned char *)"hello", 5));
    R("advertise", ble_advertise());
    R("scan", ble_scan_start(1));
    R("hid", hid_init(UP_HID_TR_BLE, UP_HID_KEYBOARD | UP_HID_MOUSE));
    int scans = 0, typed = 0;
    for (int t = 0; t < 3000; t++) {
        int e;
        while ((e = ble_event_pop(ev, sizeof ev)) > 0) {
            if (e == UP_BLE_EV_CONNECTED) printf("upgatt: connected %d\n", ble_is_connected());
            if (e == UP_BLE_EV_DISCONN) printf("upgatt: disconnected\n");
            if (e != UP_BLE_EV_WRITTEN) continue;
            int len = ev[2] | ev[3] << 8;
            char txt[33];
            unsigned char up[32];
            for (int i = 0; i < len; i++) {
                txt[i] = (char)ev[4 + i];
                up[i] = (unsigned char)toupper(ev[4 + i]);
            }
            txt[len] = 0;
            printf("upgatt: written h=%d len=%d '%s'\n", ev[1], len, txt);
            R("notified", ble_char_write(c, up, (u32)len));
            unsigned char back[33] = {0};
            int n = ble_char_read(c, back, 32);
            printf("upgatt: value '%s' %d\n", (const char *)back, n);
        }
        while (scans < 3 && ble_scan_pop(&rep, sizeof rep) == 1) {
            char name[21];
            for (int i = 0; i < 20; i++)
                name[i] = rep.name[i];
            name[20] = 0;
            printf("upgatt: report %02x:%02x:%02x:%02x:%02x:%02x rssi %d len %d name '%s'\n",
                   rep.addr[5], rep.addr[4], rep.addr[3], rep.addr[2], rep.addr[1], rep.addr[0],
                   rep.rssi, rep.adv_len, name);
            if (++scans == 3) R("scan_stop", ble_scan_stop());
        }
        if (!typed && hid_is_connected() == 1) {
            typed = 1;
            delay(500000); /* the host reads the rest of the map first */
            R("type", hid_type_string("Hi!"));
            R("enter", hid_key_press(0x28));
            R("enter_up", hid_key_release(0x28));
            R("action", hid_action_register("tab", 0, 0x2B));
            R("trigger", hid_action_trigger("tab"));
            R("mouse", hid_mouse_move(10, -5));
            R("click", hid_mouse_btn_press(1));
            R("click_up", hid_mouse_btn_release(1));
            R("consumer", hid_consumer_send(0xCD));
            printf("upgatt: hid done\n");
        }
        delay(20000);
    }
    return 0;
}

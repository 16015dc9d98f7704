/* Every import of the SDK's ble.h and hid.h, called once (never run: test_api_ble only
 * checks that it binds): each declaration names an entry of the ble or hid module with
 * the same signature. */
#include <akira/akira.h>

__attribute__((export_name("use_all"))) int use_all(void)
{
    int sum = 0;
    sum += (int)akira_ble_adv_start(0, 0, 0, 0, 0);
    sum += (int)akira_ble_adv_stop();
    sum += (int)akira_ble_scan_start(0);
    sum += (int)akira_ble_scan_stop();
    sum += (int)akira_ble_next(0, 0);
    sum += (int)akira_ble_svc_add(0, 0);
    sum += (int)akira_ble_svc_remove(0);
    sum += (int)akira_ble_chr_set(0, 0, 0, 0);
    sum += (int)akira_ble_chr_get(0, 0, 0, 0);
    sum += (int)akira_ble_notify(0, 0, 0, 0);
    sum += (int)akira_ble_connect(0, 0);
    sum += (int)akira_ble_disconnect(0);
    sum += (int)akira_ble_discover(0, 0, 0, 0, 0, 0);
    sum += (int)akira_ble_read(0, 0, 0, 0);
    sum += (int)akira_ble_write(0, 0, 0, 0);
    sum += (int)akira_ble_subscribe(0, 0, 0);
    sum += (int)akira_hid_keyboard(0, 0);
    sum += (int)akira_hid_mouse(0, 0, 0, 0);
    sum += (int)akira_hid_gamepad(0, 0, 0, 0, 0);
    return sum;
}

/* The device's Bluetooth for the app API modules ble and hid (akira/api_ble.h): the BT
 * manager's host and advertising set, and the link layer. */
#include <akira/api_ble.h>
#include <akira/bt.h>
#include <akira/bt_host.h>

const struct akira_api_ble_ops akira_api_ble_device_ops = {
    .host = akira_bt_host,
    .listen = akira_bt_host_listen,
    .own_adv = akira_bt_adv_params,
    .adv_start = akira_ble_ctrl_adv_start,
    .scan_start = akira_ble_ctrl_scan_start,
    .scan_stop = akira_ble_ctrl_scan_stop,
    .connect = akira_ble_ctrl_connect,
    .connect_cancel = akira_ble_ctrl_connect_cancel,
    .conns = akira_ble_ctrl_conns,
};

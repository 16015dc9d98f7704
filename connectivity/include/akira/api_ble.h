/*
 * api_ble.h - the app API modules "ble" and "hid" (docs/runtime_api.md), which live in
 * connectivity/ because the runtime cannot include the BLE host: a board registers
 * them at boot with akira_bridge_register() (akira_api_ble_register()) before the first
 * app starts. Without Bluetooth (no --radio) every call answers AKIRA_ENODEV.
 *
 * Bounds (all apps together, fixed tables, nothing allocated): AKIRA_API_BLE_APPS apps
 * using the module at once, AKIRA_API_BLE_SVC_MAX app services on the device, each
 * with AKIRA_API_BLE_CHR_MAX characteristics of AKIRA_API_BLE_VAL_MAX bytes at most.
 */
#ifndef AKIRA_API_BLE_H
#define AKIRA_API_BLE_H

#include <stddef.h>
#include <stdint.h>

#include <akira/ble_ctrl.h>
#include <akira/ble_host.h>
#include <akira/bridge.h>

#define AKIRA_API_BLE_APPS      4u
#define AKIRA_API_BLE_SVC_MAX   4u
#define AKIRA_API_BLE_CHR_MAX   4u
#define AKIRA_API_BLE_VAL_MAX   64u
#define AKIRA_API_BLE_RING      8u   /* records (scan reports, writes, notifications) per app */
#define AKIRA_API_BLE_ITEMS     16u  /* discovery results per call */
#define AKIRA_API_BLE_RW_MAX    128u /* bytes of one GATT client read or write */
#define AKIRA_API_BLE_ROTATE_MS 100u /* the advertising sets take turns this often */
/* Notifications an app may send: a burst of this many, then one per
 * AKIRA_API_BLE_NOTIFY_MS (AKIRA_EAGAIN beyond). */
#define AKIRA_API_BLE_NOTIFY_BURST 16u
#define AKIRA_API_BLE_NOTIFY_MS    10u

extern const struct akira_bridge_module akira_api_ble;
extern const struct akira_bridge_module akira_api_hid;
/* Upstream AkiraOS's ble_*, ble_scan_* and hid_* (import module "env", docs/compat.md):
 * compat_ble.c and compat_hid.c, registered with the modules above. */
extern const struct akira_bridge_module akira_api_compat_ble;
extern const struct akira_bridge_module akira_api_compat_ble_scan;
extern const struct akira_bridge_module akira_api_compat_hid;

/* What the modules use of the device's Bluetooth: its host and the controller. A
 * member that is NULL (or a host() that answers NULL) makes the calls needing it
 * answer AKIRA_ENODEV. */
struct akira_api_ble_ops {
    akira_ble_host_t *(*host)(void);
    /* One receiver of the host's connected/disconnected/subscribed/notification. */
    void (*listen)(const akira_ble_host_cb_t *cb, void *user);
    /* The device's own advertising set, which takes turns with the apps' sets. */
    akira_err_t (*own_adv)(struct akira_ble_adv_params *out);
    akira_err_t (*adv_start)(const struct akira_ble_adv_params *p);
    akira_err_t (*scan_start)(bool active, akira_ble_scan_cb_t cb, void *user);
    akira_err_t (*scan_stop)(void);
    akira_err_t (*connect)(const akira_ble_addr_t *peer, const akira_ble_conn_params_t *params);
    akira_err_t (*connect_cancel)(void);
    size_t (*conns)(struct akira_ble_conn_info *out, size_t max);
};

/* The device's: the BT manager's host and advertising set, the link layer
 * (api_ble_device.c). */
extern const struct akira_api_ble_ops akira_api_ble_device_ops;

/* Register the modules (akira_bridge_register: ble, hid and the env ones) on these ops, and hook
 * them to the host's and the HID manager's events. 0 or the first registration's error (the ops are
 * replaced anyway: a test registers once and changes them). */
int akira_api_ble_register(const struct akira_api_ble_ops *ops);

/* Bytes of RAM the modules' tables take, and the part one app service takes. */
size_t akira_api_ble_ram(size_t *per_service, size_t *per_app);
/* Bytes of RAM the hid module's table takes. */
size_t akira_api_hid_ram(void);
/* Bytes of an app's quota the env modules' BLE and HID state takes (once the app
 * calls them), and the RAM of their tables. */
size_t akira_compat_ble_app_ram(void);
size_t akira_compat_hid_app_ram(void);

#endif /* AKIRA_API_BLE_H */

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

#include <akira/ble_host.h>
#include <akira/bridge.h>

#define AKIRA_API_BLE_APPS     4u
#define AKIRA_API_BLE_SVC_MAX  4u
#define AKIRA_API_BLE_CHR_MAX  4u
#define AKIRA_API_BLE_VAL_MAX  64u
#define AKIRA_API_BLE_RING     8u  /* records (scan reports, writes, notifications) per app */
#define AKIRA_API_BLE_ITEMS    16u /* discovery results per call */
#define AKIRA_API_BLE_RW_MAX   128u /* bytes of one GATT client read or write */
#define AKIRA_API_BLE_ROTATE_MS 100u /* the advertising sets take turns this often */
/* Notifications an app may send: a burst of this many, then one per
 * AKIRA_API_BLE_NOTIFY_MS (AKIRA_EAGAIN beyond). */
#define AKIRA_API_BLE_NOTIFY_BURST 16u
#define AKIRA_API_BLE_NOTIFY_MS    10u

extern const struct akira_bridge_module akira_api_ble;
extern const struct akira_bridge_module akira_api_hid;

/* Register both modules (akira_bridge_register) and hook them to the BT host's and the
 * HID manager's events. 0 or the first registration's error. */
int akira_api_ble_register(void);

/* The host the module serves: the device's (akira_bt_host()) unless a test set one
 * with akira_api_ble_use_host (NULL: back to the device's). */
void akira_api_ble_use_host(akira_ble_host_t *h);

/* Bytes of RAM the modules' tables take, and the part one app service takes. */
size_t akira_api_ble_ram(size_t *per_service, size_t *per_app);

#endif /* AKIRA_API_BLE_H */

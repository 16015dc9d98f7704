/*
 * bt_host.h - the device's BLE host on the link layer (docs/ble_host.md): bonds in the
 * device's settings, the GAP service with the device's name, the Environmental Sensing
 * service (0x181A) with the BME280's temperature, humidity and pressure, and the HID
 * manager's notifications. Started by the BT manager once the link layer runs; the
 * shell's `gatt` command is its client side.
 */
#ifndef AKIRA_BT_HOST_H
#define AKIRA_BT_HOST_H

#include <stdbool.h>

#include "akira/ble_host.h"

/** Create the host on the running link layer. AKIRA_EEXIST when it runs. */
akira_err_t akira_bt_host_start(const char *name);
void akira_bt_host_stop(void);
/** Pairings ended since start; the last one's SMP reason (0: success) and bond. */
uint32_t akira_bt_host_pairings(uint8_t *last_reason, bool *last_bonded);
/** The device's host (NULL before start). */
akira_ble_host_t *akira_bt_host(void);

/** One more receiver of the host's connected, disconnected, subscribed, notification
 *  and indicate_done events, called after the BT host's own handling, under the host's
 *  lock: the app API module "ble" and the BLE transport (akira/ble_transport.h), two at
 *  most; called at start-up (a receiver stays for good; the same cb again only changes
 *  its user; NULL is ignored). */
void akira_bt_host_listen(const akira_ble_host_cb_t *cb, void *user);

/* Environmental Sensing characteristic values, GATT format (little endian):
 * temperature 0x2A6E sint16 0.01 degC, humidity 0x2A6F uint16 0.01 %,
 * pressure 0x2A6D uint32 0.1 Pa. */
#define AKIRA_BT_UUID_ESS         0x181a
#define AKIRA_BT_UUID_TEMPERATURE 0x2a6e
#define AKIRA_BT_UUID_HUMIDITY    0x2a6f
#define AKIRA_BT_UUID_PRESSURE    0x2a6d

#endif /* AKIRA_BT_HOST_H */

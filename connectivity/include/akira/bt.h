/*
 * BT manager (docs/ble.md): brings the BLE link layer up on the board's radio and
 * advertises the device (connectable, its name in the advertising data), with the
 * shell's `bt` command on top. The host (GATT, SMP, HID) plugs into the link layer
 * through akira/ble_ll.h.
 */
#ifndef AKIRA_BT_H
#define AKIRA_BT_H

#include <stddef.h>

#include <akira/err.h>

/* Starts the link layer on akira_radio_default() and advertises "akira-<node id>".
 * AKIRA_ENODEV without a radio. detail (cap bytes) gets the address and name. */
akira_err_t akira_bt_start(char *detail, size_t cap);

struct akira_ble_adv_params;
/* The device's own advertising set (apps' sets take turns with it: api_ble.c).
 * AKIRA_ENODEV before akira_bt_start. */
akira_err_t akira_bt_adv_params(struct akira_ble_adv_params *out);

/* The advertised name ("" before akira_bt_start). */
const char *akira_bt_name(void);

#endif /* AKIRA_BT_H */

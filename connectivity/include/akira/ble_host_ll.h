/*
 * ble_host_ll.h - the device's BLE host bound to the link layer (ble_ll.h).
 * Called once by the BT manager at start; adv_report is the BT manager's business and
 * is not routed through here.
 */
#ifndef AKIRA_BLE_HOST_LL_H
#define AKIRA_BLE_HOST_LL_H

#include "akira/ble_host.h"
#include "akira/ble_ll.h"

/** Fill cfg's lower ops and own address from the link layer, create the host and
 *  register it with the link layer. AKIRA_EEXIST when one is running. */
akira_err_t akira_ble_host_ll_start(akira_ble_host_cfg_t *cfg, akira_ble_host_t **out);
/** Unregister and destroy it. */
void akira_ble_host_ll_stop(void);

#endif /* AKIRA_BLE_HOST_LL_H */

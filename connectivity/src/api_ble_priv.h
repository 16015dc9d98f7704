/* Shared by the app API modules ble and hid (api_ble.c, api_hid.c): the one module
 * lock, the i32 result, the host they serve. Not a public header. */
#ifndef AKIRA_API_BLE_PRIV_H
#define AKIRA_API_BLE_PRIV_H

#include <akira/api_ble.h>

/* The modules' lock (made at first use); false when it cannot be made. Callbacks take
 * it inside the host's lock: never call the host or the controller while holding it. */
bool api_ble_lock(void);
void api_ble_unlock(void);
/* The host of the registered ops, or NULL. */
akira_ble_host_t *api_ble_host(void);
/* Hook the hid module to the HID manager's LED reports (at registration). */
void api_hid_attach(void);

static inline aw_status api_ble_ret(aw_val *io, int32_t v)
{
    io[0].i32 = v;
    return AW_OK;
}

#endif /* AKIRA_API_BLE_PRIV_H */

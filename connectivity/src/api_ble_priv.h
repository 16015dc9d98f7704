/* Shared by the app API modules ble and hid (api_ble.c, api_hid.c): the one module
 * lock, the i32 result, the host they serve. Not a public header. */
#ifndef AKIRA_API_BLE_PRIV_H
#define AKIRA_API_BLE_PRIV_H

#include <akira/api_ble.h>
#include <akira/compat.h>

/* The modules' lock (made at first use); false when it cannot be made. Callbacks take
 * it inside the host's lock: never call the host or the controller while holding it. */
bool api_ble_lock(void);
void api_ble_unlock(void);
/* The host of the registered ops, or NULL. */
akira_ble_host_t *api_ble_host(void);
/* Hook the hid module to the HID manager's LED reports (at registration). */
void api_hid_attach(void);

/* ---- for the env module of upstream's ABI (compat_ble.c, compat_hid.c) ---- */

/* A record of an app's ring (kinds API_BLE_K_*). */
#define API_BLE_K_SCAN       1u
#define API_BLE_K_WRITE      2u /* handle: service << 8 | characteristic */
#define API_BLE_K_CONNECTED  4u /* only for an app that joined with api_ble_join */
#define API_BLE_K_DISCONNECT 5u
struct api_ble_rec {
    uint8_t kind, type;
    int8_t rssi;
    uint8_t addr_type;
    uint16_t conn, handle;
    uint8_t addr[6];
    uint16_t len;
    uint8_t data[AKIRA_API_BLE_VAL_MAX];
};

struct api_ble_chr_def {
    akira_ble_uuid_t uuid;
    uint8_t props;   /* AKIRA_BLE_CHR_* */
    uint8_t max_len; /* 1..AKIRA_API_BLE_VAL_MAX */
};

/* The app's slot, whose ring then also gets its connections and disconnections (and
 * keeps two places free of scan reports). 0 or AKIRA_ENODEV / AKIRA_ENOSPC. */
int api_ble_join(struct akira_app_ctx *app);
/* The "ble" module's calls on host buffers, with their checks and results: a service
 * (its index; no manifest check: the caller decides), removal, a value set, read, or
 * set and sent to the subscribers (how many, AKIRA_EAGAIN past the rate). */
int api_ble_svc_add_defs(struct akira_app_ctx *app, const akira_ble_uuid_t *su,
                         const struct api_ble_chr_def *defs, size_t n);
int api_ble_svc_remove(struct akira_app_ctx *app, uint32_t svc);
int api_ble_chr_store(struct akira_app_ctx *app, uint32_t svc, uint32_t chr, const uint8_t *d,
                      size_t len);
int api_ble_chr_load(struct akira_app_ctx *app, uint32_t svc, uint32_t chr, uint8_t *d, size_t cap);
int api_ble_notify_val(struct akira_app_ctx *app, uint32_t svc, uint32_t chr, const uint8_t *val,
                       size_t len);
/* The app's advertising set (NULL: none), its scanning (AKIRA_EBUSY: already on). */
int api_ble_adv_set(struct akira_app_ctx *app, const struct akira_ble_adv_params *p);
int api_ble_scan_set(struct akira_app_ctx *app, bool on);
/* Take the app's oldest record whose kind is in the mask (bit 1 << kind): 1, 0 when
 * none, or an error. */
int api_ble_take(struct akira_app_ctx *app, uint32_t kinds, struct api_ble_rec *out);
/* The device's connections (handles), at most max. */
size_t api_ble_conns(uint16_t *out, size_t max);

/* The env modules' results: our code rc (< 0) as upstream's negative errno
 * (akira_compat_errno), or a count as it is; upstream's errno value directly; the
 * trap for a `$` string outside the app's memory (as upstream's engine traps). */
static inline aw_status compat_up_ret(aw_val *io, int32_t rc)
{
    io[0].i32 = rc < 0 ? akira_compat_errno(rc) : rc;
    return AW_OK;
}
static inline aw_status compat_up_err(aw_val *io, int up_errno)
{
    io[0].i32 = -up_errno;
    return AW_OK;
}
static inline aw_status compat_up_trap(struct akira_app_ctx *app)
{
    aw_store_set_trap_msg(app->store, "out of bounds memory access (env native argument)");
    return AW_ERR_TRAP;
}

static inline aw_status api_ble_ret(aw_val *io, int32_t v)
{
    io[0].i32 = v;
    return AW_OK;
}

#endif /* AKIRA_API_BLE_PRIV_H */

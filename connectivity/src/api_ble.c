/*
 * API module "ble" (capability "ble"; docs/runtime_api.md, sdk/include/akira/ble.h):
 * an app's advertising set, scanning, GATT services it serves, and a GATT client.
 *
 *   ble_adv_start(type, data, len, rsp, rsp_len) -> i32   the app's advertising set
 *   ble_adv_stop() -> i32
 *   ble_scan_start(active) -> i32    manifest `ble_scan: true`; reports into the ring
 *   ble_scan_stop() -> i32
 *   ble_next(out, cap) -> i32        take the oldest record (scan report, write,
 *                                    notification): its size, or EAGAIN
 *   ble_svc_add(def, len) -> i32     a service whose UUID the manifest's ble_services
 *                                    names: its id, EACCES, EBUSY (another app has it)
 *   ble_svc_remove(svc) -> i32
 *   ble_chr_set(svc, chr, data, len) -> i32   the value peers read
 *   ble_chr_get(svc, chr, buf, cap) -> i32    the value (as a peer last wrote it)
 *   ble_notify(svc, chr, data, len) -> i32    set, notify/indicate the subscribers:
 *                                             how many, or EAGAIN (rate)
 *   ble_connect(addr, timeout_ms) -> i32      central: the connection handle
 *   ble_disconnect(conn) -> i32               one the app opened
 *   ble_discover(conn, what, start, end, out, cap) -> i32   items found
 *   ble_read(conn, handle, buf, cap) -> i32   bytes read (or the peer's ATT error > 0
 *                                             as AKIRA_EIO)
 *   ble_write(conn, handle, data, len) -> i32
 *   ble_subscribe(conn, cccd, value) -> i32
 *
 * Advertising: the device advertises its own set (bt_manager.c); each app with a set
 * adds one, and while any app set exists the controller's one advertiser takes the sets
 * in turn, AKIRA_API_BLE_ROTATE_MS each (like extended advertising's sets, on legacy
 * PDUs). The device's set stays in the rotation, so it stays connectable.
 *
 * Threads and locks: natives run on the app's thread, host callbacks under the host's
 * lock on the link layer's thread, scan reports on the link layer's thread. The
 * modules' lock (api_ble_lock, shared with hid) is taken inside the host's lock by the
 * callbacks, so a native never calls the host or the controller while it holds it.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include <akira/api_ble.h>
#include <akira/ble_ctrl.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/event.h>
#include <akira/hid_manager.h>
#include <akira/log.h>
#include <akira/manifest.h>
#include <akira/mutex.h>
#include <akira/timer.h>

#include "api_ble_priv.h"

AKIRA_LOG_MODULE_REGISTER(api_ble);

/* ABI constants (sdk/include/akira/ble.h). */
#define EV_BLE         14u /* AKIRA_EVENT_BLE */
#define K_SCAN         API_BLE_K_SCAN
#define K_WRITE        API_BLE_K_WRITE
#define K_SUBSCRIBE    3u
#define K_CONNECTED    API_BLE_K_CONNECTED
#define K_DISCONNECT   API_BLE_K_DISCONNECT
#define K_NOTIFY       6u
#define REC_HDR        16u
#define REC_SIZE       (REC_HDR + AKIRA_API_BLE_VAL_MAX)
#define DEF_HDR        20u
#define CHR_DEF        20u
#define ITEM_SIZE      24u
#define WAIT_STEP_MS   5u
#define GATT_WAIT_MS   10000u
#define CONNECT_MAX_MS 30000

struct app_svc {
    struct akira_app_ctx *owner; /* NULL: free */
    bool live;                   /* in the host's table */
    uint8_t uuid128[16];
    akira_ble_gatt_svc_t svc;
    akira_ble_gatt_chr_t chrs[AKIRA_API_BLE_CHR_MAX];
    uint16_t vh[AKIRA_API_BLE_CHR_MAX];
    uint8_t max_len[AKIRA_API_BLE_CHR_MAX], len[AKIRA_API_BLE_CHR_MAX];
    uint8_t val[AKIRA_API_BLE_CHR_MAX][AKIRA_API_BLE_VAL_MAX];
};

struct app_slot {
    struct akira_app_ctx *app; /* NULL: free */
    bool adv, scanning;
    bool links; /* the env module's app: connections and disconnections as records too */
    struct akira_ble_adv_params adv_params;
    uint16_t conns[AKIRA_BLE_HOST_MAX_CONN]; /* opened by the app; 0xffff: none */
    struct api_ble_rec ring[AKIRA_API_BLE_RING];
    uint8_t head, n;
    uint32_t dropped;
    uint32_t tokens;
    uint64_t refill_ms;
    /* The GATT client procedure or connection the app waits for. */
    _Atomic bool done;
    int err;
    size_t got;
    _Atomic int proc_conn; /* the connection of the procedure waited for (-1: none) */
    bool connecting;
    akira_ble_addr_t peer;
    int conn;
    uint8_t buf[AKIRA_API_BLE_RW_MAX];
    uint8_t items[AKIRA_API_BLE_ITEMS][ITEM_SIZE];
    uint8_t nitems;
};

static struct {
    _Atomic(akira_mutex_t *) mutex;
    const struct akira_api_ble_ops *ops;
    struct app_slot apps[AKIRA_API_BLE_APPS];
    struct app_svc svcs[AKIRA_API_BLE_SVC_MAX];
    akira_timer_t *rotate;
    uint8_t turn;
    bool scanning;
} M;

/* --- helpers ------------------------------------------------------------------------ */

#define ret    api_ble_ret
#define lock   api_ble_lock
#define unlock api_ble_unlock

bool api_ble_lock(void)
{
    akira_mutex_t *m = atomic_load(&M.mutex);
    if (!m) {
        akira_mutex_t *mine;
        if (akira_mutex_create(&mine) != 0) return false;
        if (atomic_compare_exchange_strong(&M.mutex, &m, mine))
            m = mine;
        else
            akira_mutex_destroy(mine);
    }
    akira_mutex_lock(m, AKIRA_FOREVER);
    return true;
}

void api_ble_unlock(void)
{
    akira_mutex_unlock(atomic_load(&M.mutex));
}

static akira_ble_host_t *host(void)
{
    return M.ops && M.ops->host ? M.ops->host() : NULL;
}

akira_ble_host_t *api_ble_host(void)
{
    return host();
}

/* An op of the controller, or AKIRA_ENODEV when there is none. */
#define OP(name, ...) (M.ops && M.ops->name ? M.ops->name(__VA_ARGS__) : AKIRA_ENODEV)

/* The app's slot (lock held); a new one when create. NULL when none is free. */
static struct app_slot *slot_of(struct akira_app_ctx *app, bool create)
{
    struct app_slot *free_slot = NULL;
    for (size_t i = 0; i < AKIRA_API_BLE_APPS; i++) {
        if (M.apps[i].app == app) return &M.apps[i];
        if (!M.apps[i].app && !free_slot) free_slot = &M.apps[i];
    }
    if (!create || !free_slot) return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    free_slot->app = app;
    free_slot->tokens = AKIRA_API_BLE_NOTIFY_BURST;
    free_slot->refill_ms = akira_uptime_ms();
    free_slot->proc_conn = -1;
    for (size_t i = 0; i < AKIRA_BLE_HOST_MAX_CONN; i++)
        free_slot->conns[i] = 0xffff;
    return free_slot;
}

/* Enter a native: the lock and the app's slot, or an error for the app. */
static int enter(struct akira_app_ctx *app, struct app_slot **s)
{
    if (!host()) return AKIRA_ENODEV;
    if (!lock()) return AKIRA_ENOMEM;
    *s = slot_of(app, true);
    if (!*s) {
        unlock();
        return AKIRA_ENOSPC;
    }
    return 0;
}

static void post(struct akira_app_ctx *app, uint32_t a, uint32_t b, uint32_t c)
{
    struct akira_event e = {EV_BLE, a, b, c};
    akira_evq_post(app->evq, &e);
}

/* Queue a record for the app (lock held): false when its ring is full (dropped). */
static bool push(struct app_slot *s, const struct api_ble_rec *r)
{
    if (s->n == AKIRA_API_BLE_RING) {
        s->dropped++;
        return false;
    }
    s->ring[(s->head + s->n++) % AKIRA_API_BLE_RING] = *r;
    return true;
}

static bool owns_conn(const struct app_slot *s, uint16_t conn)
{
    for (size_t i = 0; i < AKIRA_BLE_HOST_MAX_CONN; i++)
        if (s->conns[i] == conn) return true;
    return false;
}

/* Whether d[0..len) is a list of well-formed AD structures (length, type, data). */
static bool ad_valid(const uint8_t *d, size_t len)
{
    for (size_t i = 0; i < len; i += (size_t)d[i] + 1)
        if (d[i] == 0 || i + 1 + d[i] > len) return false;
    return true;
}

/* --- advertising -------------------------------------------------------------------- */

/* The next set in the rotation: the device's, then each app's. */
static void rotate_fn(akira_timer_t *t, void *user)
{
    (void)t;
    (void)user;
    struct akira_ble_adv_params p;
    if (!lock()) return;
    bool found = false;
    for (unsigned k = 0; k <= AKIRA_API_BLE_APPS && !found; k++) {
        M.turn = (uint8_t)((M.turn + 1) % (AKIRA_API_BLE_APPS + 1));
        if (M.turn == 0) {
            found = OP(own_adv, &p) == AKIRA_OK;
        } else if (M.apps[M.turn - 1].app && M.apps[M.turn - 1].adv) {
            p = M.apps[M.turn - 1].adv_params;
            found = true;
        }
    }
    unlock();
    if (found) OP(adv_start, &p);
}

/* Start or stop the rotation after a change of the app sets (lock not held). */
static void rotation_update(void)
{
    if (!lock()) return;
    bool any = false;
    for (size_t i = 0; i < AKIRA_API_BLE_APPS; i++)
        any |= M.apps[i].app && M.apps[i].adv;
    bool timer = M.rotate || (any && akira_timer_create(&M.rotate, rotate_fn, NULL) == 0);
    unlock();
    if (any) {
        if (!timer) return;
        akira_timer_start(M.rotate, AKIRA_API_BLE_ROTATE_MS, AKIRA_API_BLE_ROTATE_MS);
        rotate_fn(NULL, NULL);
    } else {
        if (M.rotate) akira_timer_stop(M.rotate);
        struct akira_ble_adv_params p;
        if (OP(own_adv, &p) == AKIRA_OK) OP(adv_start, &p);
    }
}

static aw_status api_adv_start(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t type = io[0].u32, len = io[2].u32, rlen = io[4].u32;
    if (type != AKIRA_BLE_ADV_IND && type != AKIRA_BLE_ADV_NONCONN_IND &&
        type != AKIRA_BLE_ADV_SCAN_IND)
        return ret(io, AKIRA_EINVAL);
    if (len > AKIRA_BLE_AD_MAX || rlen > AKIRA_BLE_AD_MAX) return ret(io, AKIRA_ETOOBIG);
    const uint8_t *d = akira_bridge_mem(app, io[1].u32, len);
    const uint8_t *r = akira_bridge_mem(app, io[3].u32, rlen);
    if (!d || !r) return ret(io, AKIRA_EFAULT);
    struct akira_ble_adv_params p = {.type = (uint8_t)type,
                                     .interval_ms = 100,
                                     .data_len = (uint8_t)len,
                                     .scan_rsp_len = (uint8_t)rlen};
    memcpy(p.data, d, len);
    memcpy(p.scan_rsp, r, rlen);
    /* The AD structures must be well formed (the controller's own check). */
    if (!ad_valid(p.data, p.data_len) || !ad_valid(p.scan_rsp, rlen)) return ret(io, AKIRA_EINVAL);
    if (!M.ops || !M.ops->adv_start || !M.ops->own_adv) return ret(io, AKIRA_ENODEV);
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return ret(io, rc);
    s->adv_params = p;
    s->adv = true;
    unlock();
    rotation_update();
    return ret(io, 0);
}

/* Set the app's advertising or scanning flag (the bool at `field` in its slot) and
 * update the controller: 0, or AKIRA_ESTATE to stop what was not on. */
static aw_status set_flag(struct akira_app_ctx *app, aw_val *io, size_t field, bool on,
                          void (*update)(void))
{
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return ret(io, rc);
    bool *f = (bool *)((char *)s + field);
    bool was = *f;
    *f = on;
    unlock();
    if (was != on) update();
    return ret(io, on || was ? 0 : AKIRA_ESTATE);
}

static aw_status api_adv_stop(struct akira_app_ctx *app, aw_val *io)
{
    return set_flag(app, io, offsetof(struct app_slot, adv), false, rotation_update);
}

/* --- scanning ----------------------------------------------------------------------- */

static void on_scan(const akira_ble_addr_t *addr, uint8_t type, int8_t rssi, const uint8_t *data,
                    size_t len, void *user)
{
    (void)user;
    if (!lock()) return;
    struct api_ble_rec r = {.kind = K_SCAN, .type = type, .rssi = rssi, .addr_type = addr->type};
    memcpy(r.addr, addr->a, 6);
    r.len = (uint16_t)(len > AKIRA_API_BLE_VAL_MAX ? AKIRA_API_BLE_VAL_MAX : len);
    memcpy(r.data, data, r.len);
    for (size_t i = 0; i < AKIRA_API_BLE_APPS; i++) {
        struct app_slot *s = &M.apps[i];
        if (!s->app || !s->scanning) continue;
        /* An env app's ring keeps two places for its writes and links: a busy air does
         * not crowd them out. */
        if (s->links && s->n >= AKIRA_API_BLE_RING - 2) {
            s->dropped++;
            continue;
        }
        bool was_empty = s->n == 0;
        /* One event when the ring stops being empty: the app drains it with ble_next. */
        if (push(s, &r) && was_empty) post(s->app, K_SCAN << 24, s->n, 0);
    }
    unlock();
}

/* Scan while any app scans (lock not held). */
static void scan_update(void)
{
    if (!lock()) return;
    bool any = false;
    for (size_t i = 0; i < AKIRA_API_BLE_APPS; i++)
        any |= M.apps[i].app && M.apps[i].scanning;
    bool was = M.scanning;
    M.scanning = any;
    unlock();
    if (any && !was) OP(scan_start, false, on_scan, NULL);
    if (!any && was) OP(scan_stop);
}

static aw_status api_scan_start(struct akira_app_ctx *app, aw_val *io)
{
    if (!app->manifest || !app->manifest->ble_scan) return ret(io, AKIRA_EACCES);
    if (!M.ops || !M.ops->scan_start) return ret(io, AKIRA_ENODEV);
    if (io[0].i32 != 0) return ret(io, AKIRA_ENOTSUP); /* passive only: one scan for all */
    return set_flag(app, io, offsetof(struct app_slot, scanning), true, scan_update);
}

static aw_status api_scan_stop(struct akira_app_ctx *app, aw_val *io)
{
    return set_flag(app, io, offsetof(struct app_slot, scanning), false, scan_update);
}

static aw_status api_next(struct akira_app_ctx *app, aw_val *io)
{
    if (io[1].u32 < REC_SIZE) return ret(io, AKIRA_EINVAL);
    uint8_t *out = akira_bridge_mem(app, io[0].u32, REC_SIZE);
    if (!out) return ret(io, AKIRA_EFAULT);
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return ret(io, rc);
    if (s->n == 0) {
        unlock();
        return ret(io, AKIRA_EAGAIN);
    }
    struct api_ble_rec r = s->ring[s->head];
    s->head = (uint8_t)((s->head + 1) % AKIRA_API_BLE_RING);
    s->n--;
    unlock();
    /* The record as the SDK's struct akira_ble_record lays it out (little endian). */
    out[0] = r.kind;
    out[1] = r.type;
    out[2] = (uint8_t)r.rssi;
    out[3] = r.addr_type;
    out[4] = (uint8_t)r.conn;
    out[5] = (uint8_t)(r.conn >> 8);
    out[6] = (uint8_t)r.handle;
    out[7] = (uint8_t)(r.handle >> 8);
    memcpy(out + 8, r.addr, 6);
    out[14] = (uint8_t)r.len;
    out[15] = (uint8_t)(r.len >> 8);
    memcpy(out + REC_HDR, r.data, r.len);
    memset(out + REC_HDR + r.len, 0, AKIRA_API_BLE_VAL_MAX - r.len);
    return ret(io, (int32_t)REC_SIZE);
}

/* --- GATT server -------------------------------------------------------------------- */

static int chr_read(void *user, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    uintptr_t id = (uintptr_t)user;
    struct app_svc *v = &M.svcs[id >> 8];
    unsigned c = id & 0xff;
    if (!lock()) return -AKIRA_BLE_ATT_ERR_UNLIKELY;
    int n = akira_ble_gatt_read_bytes(v->val[c], v->len[c], off, buf, cap);
    unlock();
    return n;
}

static int chr_write(void *user, uint16_t conn, uint16_t off, const uint8_t *data, size_t len)
{
    uintptr_t id = (uintptr_t)user;
    unsigned si = (unsigned)(id >> 8), c = id & 0xff;
    struct app_svc *v = &M.svcs[si];
    if (!lock()) return -AKIRA_BLE_ATT_ERR_UNLIKELY;
    int rc = 0;
    if (off > v->max_len[c]) {
        rc = -AKIRA_BLE_ATT_ERR_INVALID_OFFSET;
    } else if (off + len > v->max_len[c]) {
        rc = -AKIRA_BLE_ATT_ERR_INVALID_ATTR_LEN;
    } else if (v->owner) {
        memcpy(v->val[c] + off, data, len);
        v->len[c] = (uint8_t)(off + len);
        for (size_t i = 0; i < AKIRA_API_BLE_APPS; i++) {
            struct app_slot *s = &M.apps[i];
            if (s->app != v->owner) continue;
            struct api_ble_rec r = {
                .kind = K_WRITE, .conn = conn, .handle = (uint16_t)(si << 8 | c)};
            r.len = v->len[c];
            memcpy(r.data, v->val[c], r.len);
            push(s, &r);
            post(s->app, K_WRITE << 24 | si << 8 | c, conn, r.len);
        }
    }
    unlock();
    return rc;
}

/* Add the app's service: its UUID su and n characteristics (checked here). The index
 * of the service, or AKIRA_EINVAL, AKIRA_EBUSY (an app serves the UUID), AKIRA_ENOSPC,
 * the host's error. */
int api_ble_svc_add_defs(struct akira_app_ctx *app, const akira_ble_uuid_t *su,
                         const struct api_ble_chr_def *defs, size_t n)
{
    if (n == 0 || n > AKIRA_API_BLE_CHR_MAX || (su->len != 2 && su->len != 16)) return AKIRA_EINVAL;
    uint8_t u128[16];
    akira_manifest_uuid128(su->b, su->len, u128);
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return rc;
    struct app_svc *v = NULL;
    size_t si = 0;
    for (size_t i = 0; i < AKIRA_API_BLE_SVC_MAX; i++) {
        if (M.svcs[i].owner && memcmp(M.svcs[i].uuid128, u128, 16) == 0) {
            unlock();
            return AKIRA_EBUSY; /* another app (or this one) serves it */
        }
        if (!M.svcs[i].owner && !v) {
            v = &M.svcs[i];
            si = i;
        }
    }
    if (!v) {
        unlock();
        return AKIRA_ENOSPC;
    }
    memset(v, 0, sizeof *v);
    v->owner = app; /* reserved: nobody else takes the slot or the UUID meanwhile */
    memcpy(v->uuid128, u128, 16);
    v->svc = (akira_ble_gatt_svc_t){.uuid = *su, .chrs = v->chrs, .n_chrs = n};
    for (unsigned c = 0; c < n && rc == 0; c++) {
        const struct api_ble_chr_def *cd = &defs[c];
        akira_ble_gatt_chr_t *ch = &v->chrs[c];
        uint8_t props =
            cd->props & (AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_WRITE | AKIRA_BLE_CHR_WRITE_NO_RSP |
                         AKIRA_BLE_CHR_NOTIFY | AKIRA_BLE_CHR_INDICATE);
        if ((cd->uuid.len != 2 && cd->uuid.len != 16) || props != cd->props || props == 0 ||
            cd->max_len == 0 || cd->max_len > AKIRA_API_BLE_VAL_MAX)
            rc = AKIRA_EINVAL;
        ch->uuid = cd->uuid;
        ch->props = props;
        ch->read = (props & AKIRA_BLE_CHR_READ) ? chr_read : NULL;
        ch->write = (props & (AKIRA_BLE_CHR_WRITE | AKIRA_BLE_CHR_WRITE_NO_RSP)) ? chr_write : NULL;
        ch->user = (void *)(uintptr_t)(si << 8 | c);
        v->max_len[c] = cd->max_len;
    }
    unlock();
    if (rc == 0) rc = akira_ble_gatts_add(host(), &v->svc, v->vh);
    lock();
    if (rc) {
        v->owner = NULL;
    } else {
        v->live = true;
    }
    unlock();
    if (rc == 0)
        akira_bridge_log(app, AKIRA_LOG_INFO, "ble: service %zu added (handles %u..)", si,
                         (unsigned)(v->vh[0] - 2));
    return rc ? rc : (int32_t)si;
}

static bool uuid_from_app(const uint8_t *p, akira_ble_uuid_t *u)
{
    uint8_t len = p[16];
    if (len != 2 && len != 16) return false;
    u->len = len;
    memcpy(u->b, p, len);
    return true;
}

static aw_status api_svc_add(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[1].u32;
    if (len < DEF_HDR || len > DEF_HDR + AKIRA_API_BLE_CHR_MAX * CHR_DEF)
        return ret(io, AKIRA_EINVAL);
    const uint8_t *d = akira_bridge_mem(app, io[0].u32, len);
    if (!d) return ret(io, AKIRA_EFAULT);
    uint8_t def[DEF_HDR + AKIRA_API_BLE_CHR_MAX * CHR_DEF];
    memcpy(def, d, len); /* a copy: the app's memory may move once we call out */
    akira_ble_uuid_t su;
    uint8_t n = def[17];
    if (!uuid_from_app(def, &su) || n == 0 || n > AKIRA_API_BLE_CHR_MAX ||
        len < DEF_HDR + (uint32_t)n * CHR_DEF)
        return ret(io, AKIRA_EINVAL);
    if (!akira_manifest_ble_service_allowed(app->manifest, su.b, su.len)) {
        akira_bridge_log(app, AKIRA_LOG_WARN,
                         "ble: service UUID not in the manifest's ble_services");
        return ret(io, AKIRA_EACCES);
    }
    struct api_ble_chr_def defs[AKIRA_API_BLE_CHR_MAX];
    for (unsigned c = 0; c < n; c++) {
        const uint8_t *cd = def + DEF_HDR + c * CHR_DEF;
        if (!uuid_from_app(cd, &defs[c].uuid)) return ret(io, AKIRA_EINVAL);
        defs[c].props = cd[17];
        defs[c].max_len = cd[18];
    }
    return ret(io, api_ble_svc_add_defs(app, &su, defs, n));
}

/* The app's service svc and characteristic chr (lock held), or NULL. */
static struct app_svc *svc_of(struct akira_app_ctx *app, uint32_t svc, uint32_t chr)
{
    if (svc >= AKIRA_API_BLE_SVC_MAX) return NULL;
    struct app_svc *v = &M.svcs[svc];
    if (v->owner != app || !v->live || chr >= v->svc.n_chrs) return NULL;
    return v;
}

/* Take the service out of the host's table and free it (lock not held). */
static void svc_release(struct app_svc *v)
{
    akira_ble_host_t *h = host();
    if (h) akira_ble_gatts_remove(h, &v->svc);
    lock();
    v->live = false;
    v->owner = NULL;
    unlock();
}

int api_ble_svc_remove(struct akira_app_ctx *app, uint32_t svc)
{
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return rc;
    struct app_svc *v = svc_of(app, svc, 0);
    if (v) v->live = false; /* no more calls on it while it goes */
    unlock();
    if (!v) return AKIRA_ENOENT;
    svc_release(v);
    return 0;
}

static aw_status api_svc_remove(struct akira_app_ctx *app, aw_val *io)
{
    return ret(io, api_ble_svc_remove(app, io[0].u32));
}

/* Enter on characteristic chr of the app's service svc: the service with the lock
 * held, or NULL with *rc set (lock not held). */
static struct app_svc *chr_enter(struct akira_app_ctx *app, uint32_t svc, uint32_t chr, int *rc)
{
    struct app_slot *s;
    *rc = enter(app, &s);
    if (*rc) return NULL;
    struct app_svc *v = svc_of(app, svc, chr);
    if (!v) {
        unlock();
        *rc = AKIRA_ENOENT;
    }
    return v;
}

int api_ble_chr_store(struct akira_app_ctx *app, uint32_t svc, uint32_t c, const uint8_t *d,
                      size_t len)
{
    if (len > AKIRA_API_BLE_VAL_MAX) return AKIRA_ETOOBIG;
    int rc;
    struct app_svc *v = chr_enter(app, svc, c, &rc);
    if (!v) return rc;
    if (len > v->max_len[c]) {
        rc = AKIRA_ETOOBIG;
    } else {
        memcpy(v->val[c], d, len);
        v->len[c] = (uint8_t)len;
    }
    unlock();
    return rc;
}

static aw_status api_chr_set(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[3].u32;
    if (len > AKIRA_API_BLE_VAL_MAX) return ret(io, AKIRA_ETOOBIG);
    const uint8_t *d = akira_bridge_mem(app, io[2].u32, len);
    if (!d) return ret(io, AKIRA_EFAULT);
    return ret(io, api_ble_chr_store(app, io[0].u32, io[1].u32, d, len));
}

int api_ble_chr_load(struct akira_app_ctx *app, uint32_t svc, uint32_t c, uint8_t *d, size_t cap)
{
    int rc;
    struct app_svc *v = chr_enter(app, svc, c, &rc);
    if (!v) return rc;
    rc = v->len[c] < cap ? v->len[c] : (int)cap;
    memcpy(d, v->val[c], (size_t)rc);
    unlock();
    return rc;
}

static aw_status api_chr_get(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t cap = io[3].u32;
    uint8_t *d = akira_bridge_mem(app, io[2].u32, cap);
    if (!d) return ret(io, AKIRA_EFAULT);
    return ret(io, api_ble_chr_load(app, io[0].u32, io[1].u32, d, cap));
}

static aw_status api_notify(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[3].u32;
    if (len > AKIRA_API_BLE_VAL_MAX) return ret(io, AKIRA_ETOOBIG);
    const uint8_t *d = akira_bridge_mem(app, io[2].u32, len);
    if (!d) return ret(io, AKIRA_EFAULT);
    uint8_t val[AKIRA_API_BLE_VAL_MAX];
    memcpy(val, d, len);
    return ret(io, api_ble_notify_val(app, io[0].u32, io[1].u32, val, len));
}

int api_ble_notify_val(struct akira_app_ctx *app, uint32_t svc, uint32_t c, const uint8_t *val,
                       size_t len)
{
    if (len > AKIRA_API_BLE_VAL_MAX) return AKIRA_ETOOBIG;
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return rc;
    struct app_svc *v = svc_of(app, svc, c);
    uint16_t vh = 0;
    uint8_t props = 0;
    if (!v) {
        rc = AKIRA_ENOENT;
    } else if (!(v->chrs[c].props & (AKIRA_BLE_CHR_NOTIFY | AKIRA_BLE_CHR_INDICATE))) {
        rc = AKIRA_ENOTSUP;
    } else if (len > v->max_len[c]) {
        rc = AKIRA_ETOOBIG;
    } else {
        /* The rate: a token per call, AKIRA_API_BLE_NOTIFY_BURST at most, one back every
         * AKIRA_API_BLE_NOTIFY_MS. */
        uint64_t now = akira_uptime_ms();
        uint64_t back = (now - s->refill_ms) / AKIRA_API_BLE_NOTIFY_MS;
        if (back) {
            s->tokens = (uint32_t)(s->tokens + back > AKIRA_API_BLE_NOTIFY_BURST
                                       ? AKIRA_API_BLE_NOTIFY_BURST
                                       : s->tokens + back);
            s->refill_ms += back * AKIRA_API_BLE_NOTIFY_MS;
        }
        if (s->tokens == 0) {
            rc = AKIRA_EAGAIN;
        } else {
            s->tokens--;
            memcpy(v->val[c], val, len);
            v->len[c] = (uint8_t)len;
            vh = v->vh[c];
            props = v->chrs[c].props;
        }
    }
    unlock();
    if (rc) return rc;
    /* To every subscriber, notification or indication as each asked. */
    akira_ble_host_t *h = host();
    int sent = 0;
    struct akira_ble_conn_info info[AKIRA_BLE_LL_CONN_MAX];
    size_t nc = M.ops && M.ops->conns ? M.ops->conns(info, AKIRA_BLE_LL_CONN_MAX) : 0;
    if (nc > AKIRA_BLE_LL_CONN_MAX) nc = AKIRA_BLE_LL_CONN_MAX;
    for (size_t i = 0; i < nc; i++) {
        uint16_t sub = akira_ble_gatts_subscription(h, info[i].handle, vh);
        akira_err_t e = AKIRA_ESTATE;
        if ((sub & 1) && (props & AKIRA_BLE_CHR_NOTIFY))
            e = akira_ble_gatts_notify(h, info[i].handle, vh, val, len);
        else if ((sub & 2) && (props & AKIRA_BLE_CHR_INDICATE))
            e = akira_ble_gatts_indicate(h, info[i].handle, vh, val, len);
        sent += e == AKIRA_OK;
    }
    return sent;
}

/* --- GATT client -------------------------------------------------------------------- */

/* Wait (the app's thread, lock not held) until s->done, the app stops or ms pass. */
static aw_status wait_done(struct akira_app_ctx *app, struct app_slot *s, uint32_t ms, int *rc)
{
    akira_bridge_wait_begin(app);
    uint32_t waited = 0;
    while (!atomic_load(&s->done) && waited < ms) {
        if (akira_evq_sleep(app->evq, WAIT_STEP_MS) != 0) break; /* stopping */
        waited += WAIT_STEP_MS;
    }
    *rc = atomic_load(&s->done) ? 0 : AKIRA_ETIMEDOUT;
    return akira_bridge_wait_end(app);
}

static void on_gattc_done(void *user, uint16_t conn, int err, size_t len)
{
    struct app_slot *s = user;
    /* A procedure an ended app gave up on (its connections are closed) is not the one
     * the slot's new app waits for. */
    if (conn != s->proc_conn) return;
    s->err = err;
    s->got = len;
    atomic_store(&s->done, true);
}

static void on_item(void *user, uint16_t conn, const akira_ble_gattc_item_t *it)
{
    struct app_slot *s = user;
    if (conn != s->proc_conn || s->nitems >= AKIRA_API_BLE_ITEMS) return;
    uint8_t *o = s->items[s->nitems++];
    memset(o, 0, ITEM_SIZE);
    o[0] = it->kind;
    o[1] = it->props;
    o[2] = (uint8_t)it->handle;
    o[3] = (uint8_t)(it->handle >> 8);
    o[4] = (uint8_t)it->end;
    o[5] = (uint8_t)(it->end >> 8);
    o[6] = it->uuid.len;
    memcpy(o + 8, it->uuid.b, it->uuid.len);
}

/* Start a client procedure for the app on conn: the slot, with done cleared. */
static int client_begin(struct akira_app_ctx *app, uint16_t conn, struct app_slot **out)
{
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return rc;
    if (!owns_conn(s, conn)) rc = AKIRA_ENOTCONN; /* only connections the app opened */
    atomic_store(&s->done, false);
    s->proc_conn = conn;
    s->nitems = 0;
    s->got = 0;
    s->err = 0;
    unlock();
    *out = s;
    return rc;
}

/* The app's error for a finished procedure: a peer's ATT error (> 0) is AKIRA_EIO. */
static int client_err(int err)
{
    return err > 0 ? AKIRA_EIO : err;
}

static aw_status api_connect(struct akira_app_ctx *app, aw_val *io)
{
    const uint8_t *a = akira_bridge_mem(app, io[0].u32, 7);
    int32_t ms = io[1].i32;
    if (!a) return ret(io, AKIRA_EFAULT);
    if (ms <= 0 || ms > CONNECT_MAX_MS) return ret(io, AKIRA_EINVAL);
    akira_ble_addr_t peer = {.type = a[6]};
    memcpy(peer.a, a, 6);
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return ret(io, rc);
    size_t free_i = AKIRA_BLE_HOST_MAX_CONN;
    for (size_t i = 0; i < AKIRA_BLE_HOST_MAX_CONN; i++)
        if (s->conns[i] == 0xffff) free_i = i;
    if (free_i == AKIRA_BLE_HOST_MAX_CONN || s->connecting) {
        unlock();
        return ret(io, AKIRA_EBUSY);
    }
    s->connecting = true;
    s->peer = peer;
    s->conn = -1;
    atomic_store(&s->done, false);
    unlock();
    rc = OP(connect, &peer, NULL);
    if (rc == 0) {
        aw_status st = wait_done(app, s, (uint32_t)ms, &rc);
        if (st != AW_OK) return st;
    }
    lock();
    s->connecting = false;
    int conn = s->conn;
    if (rc == 0 && conn >= 0) s->conns[free_i] = (uint16_t)conn;
    unlock();
    if (rc == AKIRA_ETIMEDOUT) OP(connect_cancel);
    return ret(io, rc ? rc : conn);
}

static aw_status api_disconnect(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t conn = io[0].u32;
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return ret(io, rc);
    bool mine = conn < 0xffff && owns_conn(s, (uint16_t)conn);
    unlock();
    if (!mine) return ret(io, AKIRA_ENOTCONN);
    return ret(io, akira_ble_host_disconnect(host(), (uint16_t)conn, AKIRA_BLE_REASON_REMOTE_USER));
}

static aw_status api_discover(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t conn = io[0].u32, what = io[1].u32, start = io[2].u32, end = io[3].u32,
             cap = io[5].u32;
    if (what < 1 || what > 3 || conn > 0xfffe || start == 0 || start > end || end > 0xffff)
        return ret(io, AKIRA_EINVAL);
    if (cap > AKIRA_API_BLE_ITEMS) cap = AKIRA_API_BLE_ITEMS;
    if (!akira_bridge_mem(app, io[4].u32, cap * ITEM_SIZE)) return ret(io, AKIRA_EFAULT);
    struct app_slot *s;
    int rc = client_begin(app, (uint16_t)conn, &s);
    if (rc) return ret(io, rc);
    akira_ble_host_t *h = host();
    uint16_t c = (uint16_t)conn;
    if (what == 1)
        rc = akira_ble_gattc_discover_services(h, c, NULL, on_item, on_gattc_done, s);
    else if (what == 2)
        rc = akira_ble_gattc_discover_chrs(h, c, (uint16_t)start, (uint16_t)end, on_item,
                                           on_gattc_done, s);
    else
        rc = akira_ble_gattc_discover_dscs(h, c, (uint16_t)start, (uint16_t)end, on_item,
                                           on_gattc_done, s);
    if (rc == 0) {
        aw_status st = wait_done(app, s, GATT_WAIT_MS, &rc);
        if (st != AW_OK) return st;
    }
    if (rc) return ret(io, rc);
    if (s->err && s->err != AKIRA_BLE_ATT_ERR_ATTR_NOT_FOUND) return ret(io, client_err(s->err));
    uint32_t n = s->nitems < cap ? s->nitems : cap;
    uint8_t *out = akira_bridge_mem(app, io[4].u32, cap * ITEM_SIZE);
    if (!out) return ret(io, AKIRA_EFAULT);
    memcpy(out, s->items, n * ITEM_SIZE);
    return ret(io, (int32_t)n);
}

static aw_status api_read(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t conn = io[0].u32, handle = io[1].u32, cap = io[3].u32;
    if (conn > 0xfffe || handle == 0 || handle > 0xffff) return ret(io, AKIRA_EINVAL);
    if (cap > AKIRA_API_BLE_RW_MAX) cap = AKIRA_API_BLE_RW_MAX;
    if (!akira_bridge_mem(app, io[2].u32, cap)) return ret(io, AKIRA_EFAULT);
    struct app_slot *s;
    int rc = client_begin(app, (uint16_t)conn, &s);
    if (rc) return ret(io, rc);
    rc = akira_ble_gattc_read(host(), (uint16_t)conn, (uint16_t)handle, s->buf, cap, on_gattc_done,
                              s);
    if (rc == 0) {
        aw_status st = wait_done(app, s, GATT_WAIT_MS, &rc);
        if (st != AW_OK) return st;
    }
    if (rc) return ret(io, rc);
    if (s->err) return ret(io, client_err(s->err));
    uint8_t *out = akira_bridge_mem(app, io[2].u32, cap);
    if (!out) return ret(io, AKIRA_EFAULT);
    memcpy(out, s->buf, s->got);
    return ret(io, (int32_t)s->got);
}

static aw_status api_write(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t conn = io[0].u32, handle = io[1].u32, len = io[3].u32;
    if (conn > 0xfffe || handle == 0 || handle > 0xffff) return ret(io, AKIRA_EINVAL);
    if (len > AKIRA_API_BLE_RW_MAX) return ret(io, AKIRA_ETOOBIG);
    const uint8_t *d = akira_bridge_mem(app, io[2].u32, len);
    if (!d) return ret(io, AKIRA_EFAULT);
    struct app_slot *s;
    int rc = client_begin(app, (uint16_t)conn, &s);
    if (rc) return ret(io, rc);
    memcpy(s->buf, d, len);
    rc = akira_ble_gattc_write(host(), (uint16_t)conn, (uint16_t)handle, s->buf, len, on_gattc_done,
                               s);
    if (rc == 0) {
        aw_status st = wait_done(app, s, GATT_WAIT_MS, &rc);
        if (st != AW_OK) return st;
    }
    return ret(io, rc ? rc : client_err(s->err));
}

static aw_status api_subscribe(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t conn = io[0].u32, handle = io[1].u32, value = io[2].u32;
    if (conn > 0xfffe || handle == 0 || handle > 0xffff || value > 3) return ret(io, AKIRA_EINVAL);
    struct app_slot *s;
    int rc = client_begin(app, (uint16_t)conn, &s);
    if (rc) return ret(io, rc);
    rc = akira_ble_gattc_subscribe(host(), (uint16_t)conn, (uint16_t)handle, (uint16_t)value,
                                   on_gattc_done, s);
    if (rc == 0) {
        aw_status st = wait_done(app, s, GATT_WAIT_MS, &rc);
        if (st != AW_OK) return st;
    }
    return ret(io, rc ? rc : client_err(s->err));
}

/* --- the host's events ------------------------------------------------------------- */

static void ev_connected(void *u, uint16_t conn, uint8_t role, const akira_ble_addr_t *peer)
{
    (void)u;
    if (!lock()) return;
    for (size_t i = 0; i < AKIRA_API_BLE_APPS; i++) {
        struct app_slot *s = &M.apps[i];
        if (!s->app) continue;
        if (s->connecting && role == AKIRA_BLE_ROLE_CENTRAL && memcmp(s->peer.a, peer->a, 6) == 0) {
            s->conn = conn;
            atomic_store(&s->done, true);
        }
        post(s->app, K_CONNECTED << 24, conn, role);
        if (s->links) push(s, &(struct api_ble_rec){.kind = K_CONNECTED, .conn = conn});
    }
    unlock();
}

static void ev_disconnected(void *u, uint16_t conn, uint8_t reason)
{
    (void)u;
    if (!lock()) return;
    for (size_t i = 0; i < AKIRA_API_BLE_APPS; i++) {
        struct app_slot *s = &M.apps[i];
        if (!s->app) continue;
        for (size_t k = 0; k < AKIRA_BLE_HOST_MAX_CONN; k++)
            if (s->conns[k] == conn) s->conns[k] = 0xffff;
        post(s->app, K_DISCONNECT << 24, conn, reason);
        if (s->links) push(s, &(struct api_ble_rec){.kind = K_DISCONNECT, .conn = conn});
    }
    unlock();
}

static void ev_subscribed(void *u, uint16_t conn, uint16_t vh, uint16_t value)
{
    (void)u;
    if (!lock()) return;
    for (size_t si = 0; si < AKIRA_API_BLE_SVC_MAX; si++) {
        struct app_svc *v = &M.svcs[si];
        if (!v->owner || !v->live) continue;
        for (size_t c = 0; c < v->svc.n_chrs; c++)
            if (v->vh[c] == vh) post(v->owner, K_SUBSCRIBE << 24 | si << 8 | c, conn, value);
    }
    unlock();
}

static void ev_notification(void *u, uint16_t conn, uint16_t handle, const uint8_t *d, size_t n,
                            bool ind)
{
    (void)u;
    if (!lock()) return;
    for (size_t i = 0; i < AKIRA_API_BLE_APPS; i++) {
        struct app_slot *s = &M.apps[i];
        if (!s->app || !owns_conn(s, conn)) continue;
        struct api_ble_rec r = {.kind = K_NOTIFY, .type = ind, .conn = conn, .handle = handle};
        r.len = (uint16_t)(n > AKIRA_API_BLE_VAL_MAX ? AKIRA_API_BLE_VAL_MAX : n);
        memcpy(r.data, d, r.len);
        if (push(s, &r)) post(s->app, K_NOTIFY << 24, conn, handle);
    }
    unlock();
}

static const akira_ble_host_cb_t listener = {
    .connected = ev_connected,
    .disconnected = ev_disconnected,
    .subscribed = ev_subscribed,
    .notification = ev_notification,
};

/* --- for the env module (compat_ble.c) -------------------------------------------- */

int api_ble_join(struct akira_app_ctx *app)
{
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return rc;
    s->links = true;
    unlock();
    return 0;
}

int api_ble_adv_set(struct akira_app_ctx *app, const struct akira_ble_adv_params *p)
{
    if (!M.ops || !M.ops->adv_start || !M.ops->own_adv) return AKIRA_ENODEV;
    if (p && (!ad_valid(p->data, p->data_len) || !ad_valid(p->scan_rsp, p->scan_rsp_len)))
        return AKIRA_EINVAL;
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return rc;
    bool was = s->adv;
    if (p) s->adv_params = *p;
    s->adv = p != NULL;
    unlock();
    if (p || was) rotation_update();
    return 0;
}

int api_ble_scan_set(struct akira_app_ctx *app, bool on)
{
    if (on && (!M.ops || !M.ops->scan_start)) return AKIRA_ENODEV;
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return rc;
    bool was = s->scanning;
    s->scanning = on;
    unlock();
    if (was != on) scan_update();
    return was && on ? AKIRA_EBUSY : 0;
}

int api_ble_take(struct akira_app_ctx *app, uint32_t kinds, struct api_ble_rec *out)
{
    struct app_slot *s;
    int rc = enter(app, &s);
    if (rc) return rc;
    int got = 0;
    for (uint8_t k = 0; k < s->n && !got; k++) {
        struct api_ble_rec *r = &s->ring[(s->head + k) % AKIRA_API_BLE_RING];
        if (!(kinds & (1u << r->kind))) continue;
        *out = *r;
        /* Close the gap: the younger records move one place towards the head. */
        for (uint8_t j = k; j + 1 < s->n; j++)
            s->ring[(s->head + j) % AKIRA_API_BLE_RING] =
                s->ring[(s->head + j + 1) % AKIRA_API_BLE_RING];
        s->n--;
        got = 1;
    }
    unlock();
    return got;
}

size_t api_ble_conns(uint16_t *out, size_t max)
{
    struct akira_ble_conn_info info[AKIRA_BLE_LL_CONN_MAX];
    size_t nc = M.ops && M.ops->conns ? M.ops->conns(info, AKIRA_BLE_LL_CONN_MAX) : 0;
    if (nc > AKIRA_BLE_LL_CONN_MAX) nc = AKIRA_BLE_LL_CONN_MAX;
    if (nc > max) nc = max;
    for (size_t i = 0; i < nc; i++)
        out[i] = info[i].handle;
    return nc;
}

/* --- the app's end ------------------------------------------------------------------ */

static void ble_app_end(struct akira_app_ctx *app)
{
    if (!lock()) return;
    struct app_slot *s = slot_of(app, false);
    struct app_svc *mine[AKIRA_API_BLE_SVC_MAX];
    size_t nm = 0;
    for (size_t i = 0; i < AKIRA_API_BLE_SVC_MAX; i++)
        if (M.svcs[i].owner == app) {
            M.svcs[i].live = false;
            mine[nm++] = &M.svcs[i];
        }
    uint16_t conns[AKIRA_BLE_HOST_MAX_CONN];
    bool adv = false, scan = false, connecting = false;
    if (s) {
        memcpy(conns, s->conns, sizeof conns);
        adv = s->adv;
        scan = s->scanning;
        connecting = s->connecting;
        s->app = NULL; /* no more events for it */
    }
    unlock();
    for (size_t i = 0; i < nm; i++)
        svc_release(mine[i]);
    if (!s) return;
    if (adv) rotation_update();
    if (scan) scan_update();
    if (connecting) OP(connect_cancel); /* a connection it was still opening */
    akira_ble_host_t *h = host();
    for (size_t k = 0; k < AKIRA_BLE_HOST_MAX_CONN && h; k++)
        if (conns[k] != 0xffff)
            akira_ble_host_disconnect(h, conns[k], AKIRA_BLE_REASON_REMOTE_USER);
    if (nm || adv || scan)
        akira_bridge_log(app, AKIRA_LOG_INFO, "ble: released %zu service(s)%s%s", nm,
                         adv ? ", advertising" : "", scan ? ", scanning" : "");
}

/* clang-format off */
static const struct akira_bridge_entry entries[] = {
    {"ble_adv_start",  "(iiiii)i",  AKIRA_CAP_BLE, api_adv_start},
    {"ble_adv_stop",   "()i",       AKIRA_CAP_BLE, api_adv_stop},
    {"ble_scan_start", "(i)i",      AKIRA_CAP_BLE, api_scan_start},
    {"ble_scan_stop",  "()i",       AKIRA_CAP_BLE, api_scan_stop},
    {"ble_next",       "(ii)i",     AKIRA_CAP_BLE, api_next},
    {"ble_svc_add",    "(ii)i",     AKIRA_CAP_BLE, api_svc_add},
    {"ble_svc_remove", "(i)i",      AKIRA_CAP_BLE, api_svc_remove},
    {"ble_chr_set",    "(iiii)i",   AKIRA_CAP_BLE, api_chr_set},
    {"ble_chr_get",    "(iiii)i",   AKIRA_CAP_BLE, api_chr_get},
    {"ble_notify",     "(iiii)i",   AKIRA_CAP_BLE, api_notify},
    {"ble_connect",    "(ii)i",     AKIRA_CAP_BLE, api_connect},
    {"ble_disconnect", "(i)i",      AKIRA_CAP_BLE, api_disconnect},
    {"ble_discover",   "(iiiiii)i", AKIRA_CAP_BLE, api_discover},
    {"ble_read",       "(iiii)i",   AKIRA_CAP_BLE, api_read},
    {"ble_write",      "(iiii)i",   AKIRA_CAP_BLE, api_write},
    {"ble_subscribe",  "(iii)i",    AKIRA_CAP_BLE, api_subscribe},
};
/* clang-format on */

const struct akira_bridge_module akira_api_ble = {
    .name = "ble",
    .entries = entries,
    .count = sizeof entries / sizeof entries[0],
    .app_end = ble_app_end,
};

size_t akira_api_ble_ram(size_t *per_service, size_t *per_app)
{
    if (per_service) *per_service = sizeof(struct app_svc);
    if (per_app) *per_app = sizeof(struct app_slot);
    return sizeof M;
}

int akira_api_ble_register(const struct akira_api_ble_ops *ops)
{
    M.ops = ops;
    if (ops && ops->listen) ops->listen(&listener, NULL);
    api_hid_attach();
    const struct akira_bridge_module *mods[] = {&akira_api_ble, &akira_api_hid,
                                                &akira_api_compat_ble, &akira_api_compat_ble_scan,
                                                &akira_api_compat_hid};
    int first = 0;
    for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
        int rc = akira_bridge_register(mods[i]);
        if (rc && !first) first = rc;
    }
    return first;
}

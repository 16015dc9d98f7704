/*
 * API modules "compat_ble" and "compat_ble_scan": upstream AkiraOS's ble_* and
 * ble_scan_* natives (import module "env", akira/compat.h, docs/compat.md) over the
 * app API module "ble" (api_ble.c: its service table, advertising rotation, scanning,
 * notification rate and release at the app's end).
 *
 * Upstream's model: an app creates services and characteristics by UUID text, gets
 * small handles, attaches characteristics to services, registers a service, advertises
 * it, polls events (connected, disconnected, a characteristic written) and scan
 * reports. Here the staging (UUIDs, properties, lengths, attachments) is the app's own
 * state, allocated from its quota at its first call, and a registered service becomes
 * one of the "ble" module's app services. Handles name the app: service handle = slot
 * x COMPAT_BLE_SVCS + index, characteristic handle = slot x COMPAT_BLE_CHRS + index,
 * so another app's handle is recognised (-EPERM) and an unused one is -EINVAL.
 *
 * Which UUIDs: our own apps list theirs in the manifest (`ble_services`); upstream's
 * manifest has no such list, so an upstream app may serve any UUID that neither the
 * system (GAP, GATT, HID, Battery, Device Information, Environmental Sensing, the
 * management service) nor another app serves: -EBUSY otherwise.
 *
 * Capabilities: upstream's `ble` and `ble.scan` both grant our `ble` (the bridge's
 * check, and `app caps NAME revoke ble`); each native then checks upstream's own bit,
 * `ble` for ble_* (-EPERM), `ble.scan` for ble_scan_* (-EACCES, as upstream). Results are
 * upstream's negative errno values (akira_compat_errno); a `$` string out of the app's memory
 * traps, as upstream's engine does; raw pointers get -EFAULT.
 */
#include <stdatomic.h>
#include <string.h>

#include <akira/compat.h>
#include <akira/log.h>
#include <akira/quota.h>

#include "api_ble_priv.h"

#define SLOTS           AKIRA_API_BLE_APPS
#define COMPAT_BLE_SVCS 4u  /* services an app creates */
#define COMPAT_BLE_CHRS 8u  /* characteristics an app creates */
#define NAME_MAX_       29u /* ble_set_local_name: at most 29 bytes */
#define UUID_TEXT       36u
#define EVENT_HDR       4u
#define SCAN_REPORT     59u /* akira_ble_scan_report_t */
#define SCAN_NAME       20u
#define SCAN_ADV        31u
#define UP_EV_CONNECTED 1
#define UP_EV_DISCONN   2
#define UP_EV_WRITTEN   3
#define PROPS_ALL                                                                                  \
    (AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_WRITE_NO_RSP | AKIRA_BLE_CHR_WRITE |                       \
     AKIRA_BLE_CHR_NOTIFY | AKIRA_BLE_CHR_INDICATE)

/* One app's staging and handles (from its quota). */
struct cb_app {
    char name[NAME_MAX_ + 1];
    int8_t adv_svc; /* the advertised service's index, -1: none */
    bool adv;
    struct cb_svc {
        bool used, added;
        int8_t api_svc; /* the "ble" module's service index once added */
        uint8_t nchr;
        uint8_t chr[AKIRA_API_BLE_CHR_MAX]; /* characteristic indexes, in order */
        akira_ble_uuid_t uuid;
    } svc[COMPAT_BLE_SVCS];
    struct cb_chr {
        bool used;
        int8_t svc;  /* attached to, -1: not yet */
        uint8_t pos; /* its place in the service */
        uint8_t props, max_len;
        akira_ble_uuid_t uuid;
    } chr[COMPAT_BLE_CHRS];
};

static struct {
    struct akira_app_ctx *app[SLOTS];
    struct cb_app *st[SLOTS];
} C;

/* Whether the app's upstream manifest asked for any of `bits` (AKIRA_UP_BIT); a denial
 * is counted and logged like the bridge's. */
static bool compat_up_allowed(struct akira_app_ctx *app, uint64_t bits, const char *fn)
{
    if (app->manifest && (app->manifest->compat_caps & bits)) return true;
    uint_fast64_t n = atomic_fetch_add_explicit(&app->denied_calls, 1, memory_order_relaxed) + 1;
    if (n <= 8 || n % 64 == 0)
        akira_bridge_log(app, AKIRA_LOG_WARN,
                         "denied: %s needs an upstream capability the app's manifest does not "
                         "ask for (%llu denied)",
                         fn, (unsigned long long)n);
    return false;
}

/* The app's slot index (lock held), made (with its state from the quota) when create:
 * -1 when none is free or the quota has no room. */
static int slot_of(struct akira_app_ctx *app, bool create)
{
    int free_i = -1;
    for (int i = 0; i < (int)SLOTS; i++) {
        if (C.app[i] == app) return i;
        if (!C.app[i] && free_i < 0) free_i = i;
    }
    if (!create || free_i < 0) return -1;
    struct cb_app *s = akira_quota_realloc(app->quota, NULL, 0, sizeof *s);
    if (!s) return -1;
    memset(s, 0, sizeof *s);
    s->adv_svc = -1;
    C.app[free_i] = app;
    C.st[free_i] = s;
    return free_i;
}

/* Enter a native: the lock and the app's state; else an upstream errno (> 0). */
static int enter(struct akira_app_ctx *app, int *slot)
{
    if (!api_ble_host()) return AKIRA_UP_ENODEV;
    if (!api_ble_lock()) return AKIRA_UP_ENOMEM;
    *slot = slot_of(app, true);
    if (*slot < 0) {
        api_ble_unlock();
        return AKIRA_UP_ENOMEM;
    }
    return 0;
}

/* A handle of the app's (lock held): its index, or -EPERM (another app's) / -EINVAL. */
static int handle_idx(int slot, int32_t h, uint32_t per, bool chr)
{
    if (h < 0 || (uint32_t)h >= SLOTS * per) return AKIRA_EINVAL;
    uint32_t owner = (uint32_t)h / per, i = (uint32_t)h % per;
    if ((int)owner != slot) return C.app[owner] ? AKIRA_EPERM : AKIRA_EINVAL;
    struct cb_app *s = C.st[slot];
    bool used = chr ? s->chr[i].used : s->svc[i].used;
    return used ? (int)i : AKIRA_EINVAL;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" as a 128-bit UUID (bytes little endian, as on
 * air). */
static bool uuid_parse(const char *t, size_t len, akira_ble_uuid_t *u)
{
    if (len != UUID_TEXT) return false;
    uint8_t be[16];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (t[i] != '-') return false;
            continue;
        }
        char c = t[i];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0) return false;
        if (n % 2 == 0)
            be[n / 2] = (uint8_t)(v << 4);
        else
            be[n / 2] |= (uint8_t)v;
        n++;
    }
    u->len = 16;
    for (size_t i = 0; i < 16; i++)
        u->b[i] = be[15 - i];
    return true;
}

/* A `$` UUID argument: 0 with *u, a trap status in *st (out of memory), or -EINVAL. */
static int uuid_arg(struct akira_app_ctx *app, uint32_t ptr, akira_ble_uuid_t *u, aw_status *st)
{
    size_t len;
    *st = AW_OK;
    /* Longer than a UUID is -EINVAL, but only a string leaving memory traps. */
    if (!akira_bridge_cstr(app, ptr, UINT32_MAX - 1u, &len)) {
        *st = compat_up_trap(app);
        return -1;
    }
    const char *t = akira_bridge_cstr(app, ptr, UUID_TEXT, &len);
    return t && uuid_parse(t, len, u) ? 0 : AKIRA_EINVAL;
}

#define REQUIRE(app, io, cap, err, fn)                                                             \
    do {                                                                                           \
        if (!compat_up_allowed((app), AKIRA_UP_BIT(AKIRA_UP_CAP_##cap), (fn)))                     \
            return compat_up_err((io), (err));                                                     \
    } while (0)
#define REQUIRE_BLE(fn)  REQUIRE(app, io, BLE, AKIRA_UP_EPERM, fn)
#define REQUIRE_SCAN(fn) REQUIRE(app, io, BLE_SCAN, AKIRA_UP_EACCES, fn)

/* ------------------------------------------------------------------------- natives */

static aw_status up_init(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_init");
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    api_ble_unlock();
    return compat_up_ret(io, api_ble_join(app));
}

/* Release what the app holds in the "ble" module and its staging (lock not held). */
static void release(struct akira_app_ctx *app)
{
    int svcs[COMPAT_BLE_SVCS], n = 0;
    bool adv = false;
    if (!api_ble_lock()) return;
    int slot = slot_of(app, false);
    if (slot >= 0) {
        struct cb_app *s = C.st[slot];
        for (size_t i = 0; i < COMPAT_BLE_SVCS; i++)
            if (s->svc[i].added) svcs[n++] = s->svc[i].api_svc;
        adv = s->adv;
        memset(s, 0, sizeof *s);
        s->adv_svc = -1;
    }
    api_ble_unlock();
    for (int i = 0; i < n; i++)
        api_ble_svc_remove(app, (uint32_t)svcs[i]);
    if (adv) api_ble_adv_set(app, NULL);
    api_ble_scan_set(app, false);
}

static aw_status up_deinit(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_deinit");
    if (!api_ble_host()) return compat_up_err(io, AKIRA_UP_ENODEV);
    release(app);
    return compat_up_ret(io, 0);
}

static aw_status up_set_local_name(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_set_local_name");
    size_t len;
    if (!akira_bridge_cstr(app, io[0].u32, UINT32_MAX - 1u, &len)) return compat_up_trap(app);
    if (len == 0 || len > NAME_MAX_) return compat_up_err(io, AKIRA_UP_EINVAL);
    const char *name = akira_bridge_cstr(app, io[0].u32, NAME_MAX_, &len);
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    memcpy(C.st[slot]->name, name, len);
    C.st[slot]->name[len] = 0;
    api_ble_unlock();
    return compat_up_ret(io, 0);
}

static aw_status up_service_create(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_service_create");
    akira_ble_uuid_t u;
    aw_status st;
    int rc = uuid_arg(app, io[0].u32, &u, &st);
    if (st != AW_OK) return st;
    if (rc) return compat_up_ret(io, rc);
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    struct cb_app *s = C.st[slot];
    rc = AKIRA_ENOMEM;
    for (size_t i = 0; i < COMPAT_BLE_SVCS; i++)
        if (!s->svc[i].used) {
            s->svc[i] = (struct cb_svc){.used = true, .api_svc = -1, .uuid = u};
            rc = (int)(slot * COMPAT_BLE_SVCS + i);
            break;
        }
    api_ble_unlock();
    return compat_up_ret(io, rc);
}

static aw_status up_char_create(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_char_create");
    akira_ble_uuid_t u;
    aw_status st;
    int rc = uuid_arg(app, io[0].u32, &u, &st);
    if (st != AW_OK) return st;
    int32_t props = io[1].i32, max_len = io[2].i32;
    if (rc) return compat_up_ret(io, rc);
    if (props <= 0 || (props & ~PROPS_ALL) || max_len < 1 || max_len > (int)AKIRA_API_BLE_VAL_MAX)
        return compat_up_err(io, AKIRA_UP_EINVAL);
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    struct cb_app *s = C.st[slot];
    rc = AKIRA_ENOMEM;
    for (size_t i = 0; i < COMPAT_BLE_CHRS; i++)
        if (!s->chr[i].used) {
            s->chr[i] = (struct cb_chr){.used = true,
                                        .svc = -1,
                                        .props = (uint8_t)props,
                                        .max_len = (uint8_t)max_len,
                                        .uuid = u};
            rc = (int)(slot * COMPAT_BLE_CHRS + i);
            break;
        }
    api_ble_unlock();
    return compat_up_ret(io, rc);
}

static aw_status up_service_add_char(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_service_add_char");
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    int si = handle_idx(slot, io[0].i32, COMPAT_BLE_SVCS, false);
    int ci = handle_idx(slot, io[1].i32, COMPAT_BLE_CHRS, true);
    int rc = si < 0 ? si : ci < 0 ? ci : 0;
    if (rc == 0) {
        struct cb_svc *v = &C.st[slot]->svc[si];
        struct cb_chr *c = &C.st[slot]->chr[ci];
        if (v->added || c->svc >= 0)
            rc = AKIRA_EBUSY; /* registered already, or in a service */
        else if (v->nchr == AKIRA_API_BLE_CHR_MAX)
            rc = AKIRA_ENOMEM;
        else {
            c->svc = (int8_t)si;
            c->pos = v->nchr;
            v->chr[v->nchr++] = (uint8_t)ci;
        }
    }
    api_ble_unlock();
    return compat_up_ret(io, rc);
}

static aw_status up_add_service(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_add_service");
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    int si = handle_idx(slot, io[0].i32, COMPAT_BLE_SVCS, false);
    struct cb_app *s = C.st[slot];
    int rc = si;
    struct api_ble_chr_def defs[AKIRA_API_BLE_CHR_MAX];
    akira_ble_uuid_t u;
    size_t n = 0;
    if (si >= 0) {
        struct cb_svc *v = &s->svc[si];
        n = v->nchr;
        u = v->uuid;
        rc = v->added ? AKIRA_EBUSY : n == 0 ? AKIRA_EINVAL : 0;
        for (size_t k = 0; k < n; k++) {
            const struct cb_chr *c = &s->chr[v->chr[k]];
            defs[k] = (struct api_ble_chr_def){c->uuid, c->props, c->max_len};
        }
    }
    api_ble_unlock();
    if (rc) return compat_up_ret(io, rc);
    /* A UUID the system or another app serves is not the app's to take. */
    if (akira_ble_gatts_has_service(api_ble_host(), &u)) {
        akira_bridge_log(app, AKIRA_LOG_WARN, "ble: service UUID already served on this device");
        return compat_up_err(io, AKIRA_UP_EBUSY);
    }
    rc = api_ble_svc_add_defs(app, &u, defs, n);
    if (rc < 0) return compat_up_ret(io, rc);
    if (api_ble_lock()) {
        /* The app's state stays while it runs (freed only at its end). */
        s->svc[si].added = true;
        s->svc[si].api_svc = (int8_t)rc;
        api_ble_unlock();
    }
    return compat_up_ret(io, 0);
}

static aw_status up_set_advertised_service(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_set_advertised_service");
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    int si = handle_idx(slot, io[0].i32, COMPAT_BLE_SVCS, false);
    if (si >= 0) C.st[slot]->adv_svc = (int8_t)si;
    api_ble_unlock();
    return compat_up_ret(io, si < 0 ? si : 0);
}

/* The advertising set: flags, the advertised service's 128-bit UUID; the local name in
 * the scan response. */
static void adv_params(const struct cb_app *s, struct akira_ble_adv_params *p)
{
    memset(p, 0, sizeof *p);
    p->type = AKIRA_BLE_ADV_IND;
    p->interval_ms = 100;
    uint8_t *d = p->data;
    size_t n = 0;
    d[n++] = 2;
    d[n++] = 0x01; /* Flags: LE General Discoverable, BR/EDR not supported */
    d[n++] = 0x06;
    if (s->adv_svc >= 0) {
        const akira_ble_uuid_t *u = &s->svc[s->adv_svc].uuid;
        d[n++] = (uint8_t)(u->len + 1);
        d[n++] = 0x07; /* Complete List of 128-bit Service UUIDs */
        memcpy(d + n, u->b, u->len);
        n += u->len;
    }
    p->data_len = (uint8_t)n;
    size_t nl = strlen(s->name);
    if (nl) {
        p->scan_rsp[0] = (uint8_t)(nl + 1);
        p->scan_rsp[1] = 0x09; /* Complete Local Name */
        memcpy(p->scan_rsp + 2, s->name, nl);
        p->scan_rsp_len = (uint8_t)(nl + 2);
    }
}

static aw_status up_advertise(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_advertise");
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    struct akira_ble_adv_params p;
    adv_params(C.st[slot], &p);
    C.st[slot]->adv = true;
    api_ble_unlock();
    return compat_up_ret(io, api_ble_adv_set(app, &p));
}

static aw_status up_stop_advertise(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_stop_advertise");
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    C.st[slot]->adv = false;
    api_ble_unlock();
    return compat_up_ret(io, api_ble_adv_set(app, NULL));
}

static aw_status up_is_connected(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_is_connected");
    uint16_t h[AKIRA_BLE_LL_CONN_MAX];
    if (!api_ble_host()) return compat_up_err(io, AKIRA_UP_ENODEV);
    return compat_up_ret(io, api_ble_conns(h, AKIRA_BLE_LL_CONN_MAX) > 0);
}

/* A characteristic handle of the app's, registered: its service and place, or -errno. */
static int chr_target(struct akira_app_ctx *app, int32_t h, uint32_t *svc, uint32_t *pos,
                      uint8_t *props)
{
    int slot, e = enter(app, &slot);
    if (e) return e == AKIRA_UP_ENODEV ? AKIRA_ENODEV : AKIRA_ENOMEM;
    int ci = handle_idx(slot, h, COMPAT_BLE_CHRS, true);
    if (ci >= 0) {
        const struct cb_chr *c = &C.st[slot]->chr[ci];
        if (c->svc < 0 || !C.st[slot]->svc[c->svc].added) {
            ci = AKIRA_EINVAL; /* not in a registered service */
        } else {
            *svc = (uint32_t)C.st[slot]->svc[c->svc].api_svc;
            *pos = c->pos;
            *props = c->props;
        }
    }
    api_ble_unlock();
    return ci < 0 ? ci : 0;
}

static aw_status up_char_write(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_char_write");
    uint32_t len = io[2].u32;
    const uint8_t *d = akira_bridge_mem(app, io[1].u32, len);
    if (!d) return compat_up_err(io, AKIRA_UP_EFAULT);
    if (len > AKIRA_API_BLE_VAL_MAX) return compat_up_err(io, AKIRA_UP_EINVAL);
    uint8_t val[AKIRA_API_BLE_VAL_MAX];
    memcpy(val, d, len);
    uint32_t svc, pos;
    uint8_t props;
    int rc = chr_target(app, io[0].i32, &svc, &pos, &props);
    if (rc) return compat_up_ret(io, rc);
    if (props & (AKIRA_BLE_CHR_NOTIFY | AKIRA_BLE_CHR_INDICATE)) {
        rc = api_ble_notify_val(app, svc, pos, val, len);
        if (rc > 0) rc = 0;
    } else {
        rc = api_ble_chr_store(app, svc, pos, val, len);
    }
    if (rc == AKIRA_ETOOBIG) rc = AKIRA_EINVAL;
    return compat_up_ret(io, rc);
}

static aw_status up_char_read(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_char_read");
    uint32_t len = io[2].u32;
    if (!akira_bridge_mem(app, io[1].u32, len)) return compat_up_err(io, AKIRA_UP_EFAULT);
    uint32_t svc, pos;
    uint8_t props;
    int rc = chr_target(app, io[0].i32, &svc, &pos, &props);
    if (rc) return compat_up_ret(io, rc);
    uint8_t val[AKIRA_API_BLE_VAL_MAX];
    rc = api_ble_chr_load(app, svc, pos, val, len < sizeof val ? len : sizeof val);
    uint8_t *out = akira_bridge_mem(app, io[1].u32, len);
    if (rc > 0 && out) memcpy(out, val, (size_t)rc);
    return compat_up_ret(io, rc);
}

static aw_status up_event_pop(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_BLE("ble_event_pop");
    uint32_t len = io[1].u32;
    if (!akira_bridge_mem(app, io[0].u32, len)) return compat_up_err(io, AKIRA_UP_EFAULT);
    if (len < EVENT_HDR) return compat_up_err(io, AKIRA_UP_EINVAL);
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    api_ble_unlock();
    int rc = api_ble_join(app); /* from now on links are recorded */
    if (rc) return compat_up_ret(io, rc);
    struct api_ble_rec r;
    rc = api_ble_take(
        app, 1u << API_BLE_K_WRITE | 1u << API_BLE_K_CONNECTED | 1u << API_BLE_K_DISCONNECT, &r);
    if (rc <= 0) return compat_up_ret(io, rc);
    uint8_t ev[EVENT_HDR + AKIRA_API_BLE_VAL_MAX] = {0};
    size_t n = EVENT_HDR;
    if (r.kind == API_BLE_K_WRITE) {
        /* The written characteristic's upstream handle. */
        ev[0] = UP_EV_WRITTEN;
        ev[1] = 0xff;
        if (api_ble_lock()) {
            const struct cb_app *s = C.st[slot];
            for (size_t i = 0; i < COMPAT_BLE_CHRS; i++) {
                const struct cb_chr *c = &s->chr[i];
                if (c->used && c->svc >= 0 && s->svc[c->svc].added &&
                    (uint32_t)s->svc[c->svc].api_svc == (uint32_t)(r.handle >> 8) &&
                    c->pos == (r.handle & 0xff))
                    ev[1] = (uint8_t)(slot * COMPAT_BLE_CHRS + i);
            }
            api_ble_unlock();
        }
        uint16_t dl = (uint16_t)(r.len < len - EVENT_HDR ? r.len : len - EVENT_HDR);
        ev[2] = (uint8_t)dl;
        ev[3] = (uint8_t)(dl >> 8);
        memcpy(ev + EVENT_HDR, r.data, dl);
        n += dl;
    } else {
        ev[0] = r.kind == API_BLE_K_CONNECTED ? UP_EV_CONNECTED : UP_EV_DISCONN;
    }
    uint8_t *out = akira_bridge_mem(app, io[0].u32, len);
    if (!out) return compat_up_err(io, AKIRA_UP_EFAULT);
    memcpy(out, ev, n);
    return compat_up_ret(io, ev[0]);
}

/* ---------------------------------------------------------------------- scanning */

static aw_status up_scan_start(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_SCAN("ble_scan_start");
    int slot, e = enter(app, &slot);
    if (e) return compat_up_err(io, e);
    api_ble_unlock();
    /* Passive whatever `active` asks: one scan serves every app (docs/compat.md). */
    return compat_up_ret(io, api_ble_scan_set(app, true));
}

static aw_status up_scan_stop(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_SCAN("ble_scan_stop");
    if (!api_ble_host()) return compat_up_err(io, AKIRA_UP_ENODEV);
    return compat_up_ret(io, api_ble_scan_set(app, false));
}

/* The name an advertiser gives (Complete or Shortened Local Name), cut to 19 bytes. */
static void ad_name(const uint8_t *d, size_t len, char *name)
{
    for (size_t i = 0; i + 1 < len && d[i];) {
        size_t l = d[i];
        if (i + 1 + l > len) break;
        if ((d[i + 1] == 0x09 || d[i + 1] == 0x08) && l > 1) {
            size_t n = l - 1 < SCAN_NAME - 1 ? l - 1 : SCAN_NAME - 1;
            memcpy(name, d + i + 2, n);
            name[n] = 0;
            if (d[i + 1] == 0x09) return;
        }
        i += l + 1;
    }
}

static aw_status up_scan_pop(struct akira_app_ctx *app, aw_val *io)
{
    REQUIRE_SCAN("ble_scan_pop");
    uint32_t len = io[1].u32;
    if (!akira_bridge_mem(app, io[0].u32, len)) return compat_up_err(io, AKIRA_UP_EFAULT);
    if (len < SCAN_REPORT) return compat_up_err(io, AKIRA_UP_EINVAL);
    if (!api_ble_host()) return compat_up_err(io, AKIRA_UP_ENODEV);
    struct api_ble_rec r;
    int rc = api_ble_take(app, 1u << API_BLE_K_SCAN, &r);
    if (rc <= 0) return compat_up_ret(io, rc);
    uint8_t rep[SCAN_REPORT] = {0};
    memcpy(rep, r.addr, 6);
    rep[6] = (uint8_t)r.rssi;
    size_t al = r.len < SCAN_ADV ? r.len : SCAN_ADV;
    ad_name(r.data, al, (char *)rep + 7);
    rep[7 + SCAN_NAME] = (uint8_t)al;
    memcpy(rep + 8 + SCAN_NAME, r.data, al);
    uint8_t *out = akira_bridge_mem(app, io[0].u32, SCAN_REPORT);
    if (!out) return compat_up_err(io, AKIRA_UP_EFAULT);
    memcpy(out, rep, SCAN_REPORT);
    return compat_up_ret(io, 1);
}

/* ------------------------------------------------------------------- the app's end */

static void cb_app_end(struct akira_app_ctx *app)
{
    /* The "ble" module's app_end (registered first, so run before this one) removes
     * the app's services and stops its advertising and scanning; calling it here
     * would give the ended app a slot again. Only the staging goes. */
    if (!api_ble_lock()) return;
    int slot = slot_of(app, false);
    struct cb_app *s = slot >= 0 ? C.st[slot] : NULL;
    if (slot >= 0) C.app[slot] = NULL, C.st[slot] = NULL;
    api_ble_unlock();
    if (s) akira_quota_realloc(app->quota, s, sizeof *s, 0);
}

/* clang-format off */
static const struct akira_bridge_entry entries[] = {
    {"ble_init",                   "()i",   AKIRA_CAP_BLE, up_init},
    {"ble_deinit",                 "()i",   AKIRA_CAP_BLE, up_deinit},
    {"ble_set_local_name",         "(i)i",  AKIRA_CAP_BLE, up_set_local_name},
    {"ble_service_create",         "(i)i",  AKIRA_CAP_BLE, up_service_create},
    {"ble_char_create",            "(iii)i", AKIRA_CAP_BLE, up_char_create},
    {"ble_service_add_char",       "(ii)i", AKIRA_CAP_BLE, up_service_add_char},
    {"ble_add_service",            "(i)i",  AKIRA_CAP_BLE, up_add_service},
    {"ble_set_advertised_service", "(i)i",  AKIRA_CAP_BLE, up_set_advertised_service},
    {"ble_advertise",              "()i",   AKIRA_CAP_BLE, up_advertise},
    {"ble_stop_advertise",         "()i",   AKIRA_CAP_BLE, up_stop_advertise},
    {"ble_is_connected",           "()i",   AKIRA_CAP_BLE, up_is_connected},
    {"ble_char_write",             "(iii)i", AKIRA_CAP_BLE, up_char_write},
    {"ble_char_read",              "(iii)i", AKIRA_CAP_BLE, up_char_read},
    {"ble_event_pop",              "(ii)i", AKIRA_CAP_BLE, up_event_pop},
};
static const struct akira_bridge_entry scan_entries[] = {
    {"ble_scan_start", "(i)i",  AKIRA_CAP_BLE, up_scan_start},
    {"ble_scan_stop",  "()i",   AKIRA_CAP_BLE, up_scan_stop},
    {"ble_scan_pop",   "(ii)i", AKIRA_CAP_BLE, up_scan_pop},
};
/* clang-format on */

const struct akira_bridge_module akira_api_compat_ble = {
    .name = "compat_ble",
    .entries = entries,
    .count = sizeof entries / sizeof entries[0],
    .app_end = cb_app_end,
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

const struct akira_bridge_module akira_api_compat_ble_scan = {
    .name = "compat_ble_scan",
    .entries = scan_entries,
    .count = sizeof scan_entries / sizeof scan_entries[0],
    .import_module = "env",
    .denied_result = -AKIRA_UP_EACCES, /* upstream's ble_scan_* answer -EACCES */
};

size_t akira_compat_ble_app_ram(void)
{
    return sizeof(struct cb_app);
}

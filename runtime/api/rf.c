/*
 * API module "rf": raw packets on the board's packet radio (akira/rf_radio.h: radio1 on
 * native_sim), capability "rf", narrowed to the manifest's `rf_channels`.
 *
 *   rf_configure(channel i32, rate i32, tx_dbm i32) -> i32
 *        0 | EINVAL (channel > 125, rate not 0..2, power out of -40..20) | EACCES (channel
 *        not in rf_channels) | ENODEV (no radio) | EBUSY (the mesh or another app holds it)
 *   rf_send(buf i32, len i32) -> i32
 *        0 | EFAULT | EINVAL (len 0) | ETOOBIG (len > 255) | ESTATE (not configured)
 *        | EBUSY (the channel stayed busy: listen-before-talk gave up) | EIO
 *   rf_recv(buf i32, cap i32, info i32, timeout_ms i32) -> i32
 *        length | EAGAIN (timeout 0, nothing queued) | ETIMEDOUT | ERANGE (cap smaller
 *        than the packet: it stays queued) | EFAULT | EINVAL (timeout not 0..60000)
 *        | ESTATE; info (8 bytes) = {rssi i8, lqi u8, channel u8, 0, time_ms u32}
 *   rf_release() -> i32                         0 | ENOENT (not held)
 *   rf_dropped() -> i32                         packets lost to a full queue | ESTATE
 *
 * The first rf_configure claims the transceiver for the app (one app at a time, and
 * not while AkiraMesh runs on it: EBUSY, and the log names the holder); it is tuned to
 * 2400 + channel MHz with the RF access address, the receiver on. Each packet heard is
 * queued (RF_QUEUE of them; when full the newest is dropped and counted) and posts
 * AKIRA_EVENT_RF {a = length, b = RSSI (dBm, signed), c = link quality 0..255}; the
 * event only wakes the app, the packet waits in the queue. rf_send waits for a clear
 * channel (energy below LBT_DBM) a few times before it gives up, and for the air time
 * of the previous packet. The claim ends with rf_release or when the app stops; then
 * the mesh may come back (akira_rf_waiter_set). Upstream's rf_* of import module "env"
 * (compat_rf.c) use the same claim, tuning and queue through rf_priv.h.
 */
#include <akira/condvar.h>
#include <akira/thread.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/radio.h>
#include <akira/event.h>
#include <akira/random.h>
#include <akira/rf_radio.h>

#include "hw_util.h"
#include "rf_priv.h"

#define RF_QUEUE       8u
#define RF_PAYLOAD_MAX 255u
#define RF_ACCESS      0x52464150u /* "PAFR": not the mesh's, not BLE's */
#define RF_CHAN_BASE   2400u
#define LBT_DBM        (-80)
#define LBT_TRIES      5
#define RECV_MAX_MS    60000
#define WAIT_SLICE_MS  100 /* a waiting recv looks at the stop request this often */
#define TX_GUARD_US    300u

struct rf_pkt {
    uint8_t len, lqi, channel;
    int8_t rssi;
    uint32_t time_ms;
    uint8_t data[RF_PAYLOAD_MAX];
};

static struct hw_lock lock;
static struct {
    akira_condvar_t *cv;
    /* the claim (any user of the transceiver) */
    char owner[AKIRA_RF_OWNER_MAX + 1];
    void (*waiter)(void);
    /* the app holding it through this module */
    struct akira_app_ctx *app;
    const struct akira_device *dev;
    uint8_t channel, rate;
    uint64_t tx_free_us;
    struct rf_pkt q[RF_QUEUE];
    unsigned head, count;
    uint32_t dropped;
} rf;

const struct akira_device *akira_rf_radio(void)
{
    const struct akira_device *d = akira_device_get("radio1");
    return d && akira_device_is_ready(d) ? d : akira_radio_default();
}

int akira_rf_claim(const char *owner, char *holder, size_t holder_len)
{
    if (!owner || !owner[0] || strlen(owner) > AKIRA_RF_OWNER_MAX) return AKIRA_EINVAL;
    if (!akira_rf_radio()) return AKIRA_ENODEV;
    if (!hw_lock(&lock)) return AKIRA_ENOMEM;
    int rc = 0;
    if (!rf.owner[0])
        strcpy(rf.owner, owner);
    else if (strcmp(rf.owner, owner) != 0)
        rc = AKIRA_EBUSY;
    if (rc && holder && holder_len) snprintf(holder, holder_len, "%s", rf.owner);
    hw_unlock(&lock);
    return rc;
}

/* Ends owner's claim; the waiter's function when it ended, else NULL. */
static void (*unclaim(const char *owner))(void)
{
    if (!owner || !hw_lock(&lock)) return NULL;
    bool ended = rf.owner[0] && strcmp(rf.owner, owner) == 0;
    if (ended) rf.owner[0] = '\0';
    void (*waiter)(void) = ended ? rf.waiter : NULL;
    hw_unlock(&lock);
    return waiter;
}

void akira_rf_unclaim(const char *owner)
{
    unclaim(owner);
}

bool akira_rf_holder(char *out, size_t cap)
{
    if (!hw_lock(&lock)) return false;
    bool held = rf.owner[0] != '\0';
    if (held && out && cap) snprintf(out, cap, "%s", rf.owner);
    hw_unlock(&lock);
    return held;
}

void akira_rf_waiter_set(void (*fn)(void))
{
    if (!hw_lock(&lock)) return;
    rf.waiter = fn;
    hw_unlock(&lock);
}

static void owner_of(struct akira_app_ctx *app, char out[AKIRA_RF_OWNER_MAX + 1])
{
    snprintf(out, AKIRA_RF_OWNER_MAX + 1, "app %s", app->name ? app->name : "?");
}

/* The radio's receive thread (its "interrupt"): queue and wake, never block long. The
 * module lock is a mutex, which native_sim's receive thread may take; a port whose
 * radio calls back from a real interrupt needs this queue behind an IRQ-safe lock. */
static void on_rx(const struct akira_device *dev, const struct akira_radio_frame *f, void *user)
{
    (void)dev;
    (void)user;
    if (f->len == 0 || f->len > RF_PAYLOAD_MAX || !hw_lock(&lock)) return;
    struct akira_app_ctx *app = rf.app;
    bool queued = false;
    if (app && rf.count < RF_QUEUE) {
        struct rf_pkt *p = &rf.q[(rf.head + rf.count++) % RF_QUEUE];
        p->len = (uint8_t)f->len;
        p->rssi = f->rssi_dbm;
        p->lqi = f->lqi;
        p->channel = rf.channel;
        p->time_ms = (uint32_t)(f->timestamp_us / 1000u);
        memcpy(p->data, f->data, f->len);
        queued = true;
        akira_condvar_broadcast(rf.cv);
    } else if (app) {
        rf.dropped++;
    }
    hw_unlock(&lock);
    if (queued) {
        struct akira_event e = {AKIRA_EVENT_RF, f->len, (uint32_t)(int32_t)f->rssi_dbm, f->lqi};
        akira_evq_post(app->evq, &e);
    }
}

/* Gives the transceiver up, and the app's claim (also one a failed configure left). */
static void release(struct akira_app_ctx *app)
{
    if (!hw_lock(&lock)) return;
    const struct akira_device *dev = rf.app == app ? rf.dev : NULL;
    if (dev) {
        rf.app = NULL;
        rf.count = 0;
        rf.dropped = 0;
    }
    hw_unlock(&lock);
    if (dev) {
        akira_radio_callback_set(dev, NULL, NULL); /* returns once on_rx is not running */
        akira_radio_rx_enable(dev, false);
    }
    char owner[AKIRA_RF_OWNER_MAX + 1];
    owner_of(app, owner);
    void (*waiter)(void) = unclaim(owner);
    if (waiter) waiter();
}

int akira_rf_app_tune(struct akira_app_ctx *app, uint32_t ch, uint8_t rate, int8_t dbm)
{
    if (ch > AKIRA_MANIFEST_RF_CHANNEL_MAX || rate >= AKIRA_RADIO_RATE_COUNT_ ||
        dbm < AKIRA_RADIO_TX_POWER_MIN || dbm > AKIRA_RADIO_TX_POWER_MAX)
        return AKIRA_EINVAL;
    if (!akira_manifest_rf_channel_allowed(app->manifest, ch))
        return hw_deny(app, "rf channel %u is not in the manifest's rf_channels", (unsigned)ch);
    const struct akira_device *dev = akira_rf_radio();
    if (!dev) return AKIRA_ENODEV;
    char owner[AKIRA_RF_OWNER_MAX + 1], holder[AKIRA_RF_OWNER_MAX + 1];
    owner_of(app, owner);
    int rc = akira_rf_claim(owner, holder, sizeof holder);
    if (rc == AKIRA_EBUSY)
        akira_bridge_log(app, AKIRA_LOG_WARN, "rf: %s is held by %s", dev->name, holder);
    if (rc) return rc;
    if (!hw_lock(&lock)) return AKIRA_ENOMEM;
    if (!rf.cv && akira_condvar_create(&rf.cv) != 0) rc = AKIRA_ENOMEM;
    if (!rc) {
        rf.app = app;
        rf.dev = dev;
        rf.channel = (uint8_t)ch;
        rf.rate = rate;
        rf.count = 0; /* packets of the old channel go */
    }
    hw_unlock(&lock);
    struct akira_radio_config cfg = {(uint16_t)(RF_CHAN_BASE + ch), rate, dbm, RF_ACCESS};
    if (!rc) rc = akira_radio_configure(dev, &cfg);
    if (!rc) rc = akira_radio_callback_set(dev, on_rx, NULL);
    if (!rc) rc = akira_radio_rx_enable(dev, true);
    if (rc) release(app);
    return rc;
}

static aw_status api_configure(struct akira_app_ctx *app, aw_val *io)
{
    int32_t ch = io[0].i32, rate = io[1].i32, dbm = io[2].i32;
    static const uint8_t rates[] = {AKIRA_RADIO_RF_250K, AKIRA_RADIO_RF_1M, AKIRA_RADIO_RF_2M};
    if (ch < 0 || ch > (int32_t)AKIRA_MANIFEST_RF_CHANNEL_MAX || rate < 0 || rate > 2 ||
        dbm < AKIRA_RADIO_TX_POWER_MIN || dbm > AKIRA_RADIO_TX_POWER_MAX)
        return hw_ret(io, AKIRA_EINVAL);
    return hw_ret(io, akira_rf_app_tune(app, (uint32_t)ch, rates[rate], (int8_t)dbm));
}

bool akira_rf_app_holds(struct akira_app_ctx *app)
{
    if (!hw_lock(&lock)) return false;
    bool h = rf.app == app;
    hw_unlock(&lock);
    return h;
}

int akira_rf_app_send(struct akira_app_ctx *app, const uint8_t *p, uint32_t len)
{
    if (len == 0) return AKIRA_EINVAL;
    if (len > RF_PAYLOAD_MAX) return AKIRA_ETOOBIG;
    if (!akira_rf_app_holds(app)) return AKIRA_ESTATE;
    const struct akira_device *dev = rf.dev; /* set while the app holds it (its thread) */
    /* A frame sent before the last one's air time ended would overlap it on the air. */
    uint64_t now = akira_uptime_us();
    if (now < rf.tx_free_us) akira_sleep_us((uint32_t)(rf.tx_free_us - now));
    int rc = 0;
    for (int i = 0; i < LBT_TRIES; i++) {
        rc = akira_radio_cca(dev, LBT_DBM);
        if (rc != 0) break;
        uint8_t r = 0;
        akira_random_fill(&r, 1);
        akira_sleep_ms(1u + r % 4u);
    }
    if (rc < 0) return rc;
    if (rc == 0) return AKIRA_EBUSY;
    rc = akira_radio_send(dev, p, len);
    /* preamble and access address (5 bytes at 1M/250K, 6 at 2M), the frame, 8 bits each */
    uint32_t kbps = rf.rate == AKIRA_RADIO_RF_250K ? 250u
                    : rf.rate == AKIRA_RADIO_RF_2M ? 2000u
                                                   : 1000u;
    rf.tx_free_us = akira_uptime_us() + (uint64_t)(6u + len) * 8000u / kbps + TX_GUARD_US;
    return rc;
}

static aw_status api_send(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[1].u32;
    const uint8_t *p = akira_bridge_mem(app, io[0].u32, len);
    if (!p) return hw_ret(io, AKIRA_EFAULT);
    return hw_ret(io, akira_rf_app_send(app, p, len));
}

int akira_rf_app_energy(struct akira_app_ctx *app, int8_t *dbm)
{
    if (!akira_rf_app_holds(app)) return AKIRA_ESTATE;
    return akira_radio_energy(rf.dev, dbm);
}

aw_status akira_rf_app_recv(struct akira_app_ctx *app, uint8_t *buf, uint32_t cap, uint8_t info[8],
                            uint32_t timeout_ms, int32_t *out)
{
    if (!hw_lock(&lock)) {
        *out = AKIRA_ENOMEM;
        return AW_OK;
    }
    int rc = rf.app == app ? 0 : AKIRA_ESTATE;
    bool waited = false;
    uint64_t until = akira_uptime_us() + (uint64_t)timeout_ms * 1000u;
    while (rc == 0 && rf.app == app && rf.count == 0) {
        uint64_t now = akira_uptime_us();
        if (timeout_ms == 0)
            rc = AKIRA_EAGAIN;
        else if (now >= until || atomic_load(&app->stopping))
            rc = AKIRA_ETIMEDOUT;
        if (rc) break;
        if (!waited) akira_bridge_wait_begin(app);
        waited = true;
        uint64_t slice = now + WAIT_SLICE_MS * 1000u;
        akira_condvar_wait_until(rf.cv, atomic_load(&lock.m), slice < until ? slice : until);
    }
    if (rc == 0 && rf.app != app) rc = AKIRA_ESTATE;
    if (rc == 0) {
        const struct rf_pkt *p = &rf.q[rf.head];
        if (p->len > cap) {
            rc = AKIRA_ERANGE;
        } else {
            memcpy(buf, p->data, p->len);
            info[0] = (uint8_t)p->rssi;
            info[1] = p->lqi;
            info[2] = p->channel;
            info[3] = 0;
            hw_put_u32(info + 4, p->time_ms);
            rc = p->len;
            rf.head = (rf.head + 1) % RF_QUEUE;
            rf.count--;
        }
    }
    hw_unlock(&lock);
    *out = rc;
    return waited ? akira_bridge_wait_end(app) : AW_OK;
}

static aw_status api_recv(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t cap = io[1].u32;
    int32_t timeout = io[3].i32;
    uint8_t *buf = akira_bridge_mem(app, io[0].u32, cap);
    uint8_t *info = akira_bridge_mem(app, io[2].u32, 8);
    if (!buf || !info) return hw_ret(io, AKIRA_EFAULT);
    if (timeout < 0 || timeout > RECV_MAX_MS) return hw_ret(io, AKIRA_EINVAL);
    return akira_rf_app_recv(app, buf, cap, info, (uint32_t)timeout, &io[0].i32);
}

void akira_rf_app_release(struct akira_app_ctx *app)
{
    release(app);
}

static aw_status api_release(struct akira_app_ctx *app, aw_val *io)
{
    if (!akira_rf_app_holds(app)) return hw_ret(io, AKIRA_ENOENT);
    release(app);
    return hw_ret(io, 0);
}

static aw_status api_dropped(struct akira_app_ctx *app, aw_val *io)
{
    if (!hw_lock(&lock)) return hw_ret(io, AKIRA_ENOMEM);
    int32_t n =
        rf.app == app ? (int32_t)(rf.dropped > INT32_MAX ? INT32_MAX : rf.dropped) : AKIRA_ESTATE;
    hw_unlock(&lock);
    return hw_ret(io, n);
}

static void rf_app_end(struct akira_app_ctx *app)
{
    if (atomic_load(&lock.m)) release(app);
}

static const struct akira_bridge_entry entries[] = {
    {"rf_configure", "(iii)i", AKIRA_CAP_RF, api_configure},
    {"rf_send", "(ii)i", AKIRA_CAP_RF, api_send},
    {"rf_recv", "(iiii)i", AKIRA_CAP_RF, api_recv},
    {"rf_release", "()i", AKIRA_CAP_RF, api_release},
    {"rf_dropped", "()i", AKIRA_CAP_RF, api_dropped},
};

const struct akira_bridge_module akira_api_rf = {
    .name = "rf",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = rf_app_end,
};

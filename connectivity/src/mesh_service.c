/*
 * The device's AkiraMesh node on the board's radio (akira/mesh_service.h): a thread
 * that feeds the node received frames and the clock, listen-before-talk on transmit,
 * the key and the frame counter's high-water mark in settings, and the waits of
 * callers (send until acknowledged, ping until answered).
 */
#include <akira/mesh_service.h>

#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/drivers/radio.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/random.h>
#include <akira/rf_radio.h>
#include <akira/settings.h>
#include <akira/storage.h>
#include <akira/thread.h>
#include <akira/transport.h>

#include "mesh_tunnel.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

#define POLL_MS    10     /* longest the thread sleeps: sends from others go out then */
#define CTR_STEP   65536u /* frames between two writes of the counter's mark */
#define LBT_DBM    (-80)  /* busy above this */
#define LBT_TRIES  4
#define WAITERS    4
#define PENDING    4 /* messages for port receivers, between node and receiver */
#define PING_MAGIC 0x474E4950u
/* air time at 1 Mbit/s: preamble, access address, the frame */
#define AIRTIME_US(len) ((uint64_t)(1u + 4u + (len)) * 8u)
#define TX_GUARD_US     300u

struct waiter {
    bool used, done;
    uint16_t dst, seq;
    int status;
};

struct pending {
    uint8_t port, hops;
    uint16_t origin, dst, len;
    uint8_t data[AKIRA_MESH_MSG_MAX];
};

static struct {
    akira_mutex_t *lock;   /* the node and everything here */
    akira_mutex_t *updown; /* one bring-up or take-down at a time */
    akira_condvar_t *cv;
    akira_thread_t *thread;
    const struct akira_device *radio;
    bool registered, started, running, stopping;
    uint32_t mark;
    uint64_t tx_free_us; /* the last frame's air time ends */
    struct akira_mesh_node node;
    struct waiter waiters[WAITERS];
    struct pending pending[PENDING]; /* a ring: receivers see messages in arrival order */
    unsigned pend_head, pend_count;
    /* ping: the answer awaited (one ping at a time) */
    bool ping_wait, ping_done;
    uint16_t ping_from;
    uint32_t ping_token;
    uint8_t ping_hops;
    akira_mesh_service_sent_fn sent_fn;
    void *sent_ctx;
    akira_mesh_service_rx_fn port_fn[AKIRA_MESH_PORT_USER];
    void *port_ctx[AKIRA_MESH_PORT_USER];
} m;

static int settings_read(const char *key, void *buf, size_t len)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int n = st ? akira_settings_get(st, key, buf, len) : AKIRA_ENODEV;
    akira_storage_unlock();
    return n;
}

static int settings_write(const char *key, const void *buf, size_t len)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_set(st, key, buf, len) : AKIRA_ENODEV;
    akira_storage_unlock();
    return rc;
}

/* Listen before talk: a few short random waits while someone else is on the air. */
static int link_send(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    /* The radio takes a frame at once and puts it on the air for its air time: a second
     * frame sent before that ended would overlap the first (and both be lost). */
    uint64_t now = akira_uptime_us();
    if (now < m.tx_free_us) akira_sleep_us((uint32_t)(m.tx_free_us - now));
    for (int i = 0; i < LBT_TRIES; i++) {
        if (akira_radio_cca(m.radio, LBT_DBM) != 0) break;
        uint8_t r = 0;
        akira_random_fill(&r, 1);
        akira_sleep_ms(1u + r % 3u);
    }
    int rc = akira_radio_send(m.radio, frame, len);
    m.tx_free_us = akira_uptime_us() + AIRTIME_US(len) + TX_GUARD_US;
    return rc;
}

static void on_deliver(void *ctx, uint16_t origin, uint16_t dst, uint8_t port, const uint8_t *data,
                       size_t len, uint8_t hops)
{
    (void)ctx;
    if (port == AKIRA_MESH_PORT_PONG) {
        uint32_t token = len >= 4 ? (uint32_t)data[0] | ((uint32_t)data[1] << 8) |
                                        ((uint32_t)data[2] << 16) | ((uint32_t)data[3] << 24)
                                  : 0;
        if (m.ping_wait && origin == m.ping_from && token == m.ping_token) {
            m.ping_done = true;
            m.ping_hops = hops;
            akira_condvar_broadcast(m.cv);
        }
        return;
    }
    if (port == AKIRA_MESH_PORT_TEXT) {
        AKIRA_LOG_INF("mesh: text from %u (%u hops): %.*s", origin, hops, (int)len,
                      (const char *)data);
        return;
    }
    if (port >= AKIRA_MESH_PORT_USER || !m.port_fn[port]) return;
    if (m.pend_count < PENDING) {
        struct pending *p = &m.pending[(m.pend_head + m.pend_count++) % PENDING];
        p->port = port;
        p->hops = hops;
        p->origin = origin;
        p->dst = dst;
        p->len = (uint16_t)len;
        memcpy(p->data, data, len);
        return;
    }
    AKIRA_LOG_WRN("mesh: message from %u to port %u dropped (receivers busy)", origin, port);
}

static void on_sent(void *ctx, uint16_t dst, uint16_t seq, int status)
{
    (void)ctx;
    if (m.sent_fn) m.sent_fn(m.sent_ctx, dst, seq, status);
    for (int i = 0; i < WAITERS; i++) {
        struct waiter *w = &m.waiters[i];
        if (w->used && !w->done && w->dst == dst && w->seq == seq) {
            w->done = true;
            w->status = status;
            akira_condvar_broadcast(m.cv);
        }
    }
}

/* Moves the counter's stored mark ahead of the counter (lock held). */
static void counter_mark(void)
{
    if (m.node.counter - (m.mark - CTR_STEP) < CTR_STEP - 1024u) return;
    uint32_t next = m.mark + CTR_STEP;
    if (settings_write(AKIRA_MESH_CTR_KEY, &next, sizeof(next)) == 0) m.mark = next;
}

static void dispatch_pending(void)
{
    for (;;) {
        static struct pending p; /* mesh thread only */
        akira_mutex_lock(m.lock, AKIRA_FOREVER);
        bool got = m.pend_count > 0;
        if (got) {
            p = m.pending[m.pend_head];
            m.pend_head = (m.pend_head + 1) % PENDING;
            m.pend_count--;
        }
        akira_mesh_service_rx_fn fn = got ? m.port_fn[p.port] : NULL;
        void *ctx = got ? m.port_ctx[p.port] : NULL;
        akira_mutex_unlock(m.lock);
        if (!got) return;
        if (fn) fn(ctx, p.origin, p.dst, p.data, p.len, p.hops);
    }
}

static int mesh_thread(void *arg)
{
    (void)arg;
    static struct akira_radio_frame f;
    for (;;) {
        akira_mutex_lock(m.lock, AKIRA_FOREVER);
        bool stop = m.stopping;
        uint64_t now = akira_uptime_ms();
        uint64_t due = akira_mesh_next_deadline(&m.node);
        akira_mutex_unlock(m.lock);
        if (stop) break;
        int32_t wait = due <= now ? 0 : (due - now > POLL_MS ? POLL_MS : (int32_t)(due - now));
        int rc = akira_radio_recv(m.radio, &f, wait);
        akira_mutex_lock(m.lock, AKIRA_FOREVER);
        now = akira_uptime_ms();
        if (rc == 0) akira_mesh_input(&m.node, f.data, f.len, f.rssi_dbm, now);
        akira_mesh_tick(&m.node, now);
        counter_mark();
        akira_mutex_unlock(m.lock);
        dispatch_pending();
        if (rc < 0 && rc != AKIRA_ETIMEDOUT && rc != AKIRA_EAGAIN) akira_sleep_ms(POLL_MS);
    }
    return 0;
}

/* The node and its thread on the tuned radio. */
static int mesh_node_start(uint16_t id, const uint8_t key[AKIRA_MESH_KEY_LEN])
{
    /* the counter starts at the stored mark, and the mark moves on before any frame */
    uint32_t mark = 0;
    if (settings_read(AKIRA_MESH_CTR_KEY, &mark, sizeof(mark)) != (int)sizeof(mark)) mark = 0;
    uint32_t next = mark + CTR_STEP;
    int rc = settings_write(AKIRA_MESH_CTR_KEY, &next, sizeof(next));
    if (rc) return rc;
    struct akira_mesh_config c = {.id = id,
                                  .net_id = AKIRA_MESH_NET_ID,
                                  .counter_start = mark,
                                  .hello_ms = 2000,
                                  .ack_ms = 150,
                                  .e2e_ms = 6000,
                                  .rreq_ms = 2000,
                                  .jitter_ms = 15,
                                  .retries = 7,
                                  .attempts = 6};
    memcpy(c.key, key, AKIRA_MESH_KEY_LEN);
    akira_random_fill(&c.seed, sizeof(c.seed));
    struct akira_mesh_link link = {link_send, NULL, AKIRA_MESH_MTU_MAX};
    struct akira_mesh_callbacks cb = {on_deliver, on_sent, NULL};
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    rc = akira_mesh_init(&m.node, &c, &link, &cb, akira_uptime_ms());
    m.mark = next;
    m.stopping = false;
    akira_mutex_unlock(m.lock);
    memset(c.key, 0, sizeof(c.key));
    if (rc) return rc;
    return akira_thread_create(&m.thread, "mesh", mesh_thread, NULL, 0, 0);
}

/* Brings the node up on the stored key (updown held); AKIRA_ENOENT when there is none
 * (mesh off), AKIRA_EBUSY when an app holds the radio. */
static int mesh_up_locked(void)
{
    if (m.running) return 0;
    uint8_t key[AKIRA_MESH_KEY_LEN];
    if (settings_read(AKIRA_MESH_KEY_KEY, key, sizeof(key)) != (int)sizeof(key))
        return AKIRA_ENOENT;
    char holder[AKIRA_RF_OWNER_MAX + 1];
    int rc = akira_rf_claim("mesh", holder, sizeof holder);
    if (rc == AKIRA_EBUSY)
        AKIRA_LOG_WRN("mesh: %s is held by %s: mesh down until it is released", m.radio->name,
                      holder);
    if (rc) return rc;
    struct akira_radio_info info = {0};
    rc = akira_radio_info_get(m.radio, &info);
    uint16_t id = (uint16_t)info.node_id; /* radio1 is --radio-node + 65536 */
    struct akira_radio_config rc_cfg = {AKIRA_MESH_FREQ_MHZ, AKIRA_RADIO_RF_1M, info.tx_power_dbm,
                                        AKIRA_MESH_ACCESS};
    if (!rc) rc = id == 0 || id == AKIRA_MESH_ADDR_BCAST ? AKIRA_ERANGE : 0;
    if (!rc) rc = akira_radio_configure(m.radio, &rc_cfg);
    if (!rc) rc = akira_radio_rx_enable(m.radio, true);
    if (!rc) rc = mesh_node_start(id, key);
    memset(key, 0, sizeof(key));
    if (rc) {
        akira_radio_rx_enable(m.radio, false);
        akira_rf_unclaim("mesh");
        return rc;
    }
    m.running = true;
    AKIRA_LOG_INF("mesh: node %u up on %u MHz", id, AKIRA_MESH_FREQ_MHZ);
    return 0;
}

static int mesh_up(void)
{
    akira_mutex_lock(m.updown, AKIRA_FOREVER);
    int rc = mesh_up_locked();
    akira_mutex_unlock(m.updown);
    return rc;
}

static void mesh_down_locked(void)
{
    if (!m.running) return;
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    m.stopping = true;
    akira_condvar_broadcast(m.cv);
    akira_mutex_unlock(m.lock);
    akira_thread_join(m.thread, AKIRA_FOREVER, NULL);
    m.thread = NULL;
    m.running = false;
    akira_radio_rx_enable(m.radio, false);
    akira_rf_unclaim("mesh");
}

static void mesh_down(void)
{
    akira_mutex_lock(m.updown, AKIRA_FOREVER);
    mesh_down_locked();
    akira_mutex_unlock(m.updown);
}

/* The radio's claim ended (an app released it): back up when the transport runs. */
static void on_radio_free(void)
{
    if (!m.started || m.running) return;
    int rc = mesh_up();
    if (rc && rc != AKIRA_ENOENT && rc != AKIRA_EBUSY)
        AKIRA_LOG_ERR("mesh: not back up: %s", akira_err_str(rc));
}

static int transport_start(void *ctx)
{
    (void)ctx;
    m.started = true;
    int rc = mesh_up();
    if (rc == AKIRA_ENOENT) {
        AKIRA_LOG_INF("mesh: no network key (`mesh key`): mesh off");
        return 0;
    }
    return rc == AKIRA_EBUSY ? 0 : rc; /* up when the app releases the radio */
}

static void transport_stop(void *ctx)
{
    (void)ctx;
    m.started = false;
    mesh_down();
}

static const struct akira_transport mesh_transport = {"mesh", transport_start, transport_stop,
                                                      NULL};

int akira_mesh_service_register(void)
{
    /* A board with two transceivers gives the second to raw RF and the mesh (the BLE
     * link layer owns the first, docs/ble.md); one with a single radio gives it. */
    m.radio = akira_rf_radio();
    if (!m.radio) return 0; /* no radio: no mesh */
    if (!m.lock) {
        int rc = akira_mutex_create(&m.lock);
        if (!rc) rc = akira_mutex_create(&m.updown);
        if (!rc) rc = akira_condvar_create(&m.cv);
        if (rc) return rc;
    }
    int rc = akira_mesh_tunnel_start();
    if (!rc) rc = akira_transport_register(&mesh_transport);
    if (!rc) {
        m.registered = true;
        akira_rf_waiter_set(on_radio_free);
    }
    return rc;
}

void akira_mesh_service_unregister(void)
{
    if (!m.registered) return;
    akira_rf_waiter_set(NULL);
    mesh_down();
    akira_mesh_tunnel_stop();
    akira_transport_unregister(&mesh_transport);
    m.registered = false;
}

int akira_mesh_service_key_set(const uint8_t key[AKIRA_MESH_KEY_LEN])
{
    if (!key) return AKIRA_EINVAL;
    int rc = settings_write(AKIRA_MESH_KEY_KEY, key, AKIRA_MESH_KEY_LEN);
    if (rc || !m.registered) return rc;
    akira_mutex_lock(m.updown, AKIRA_FOREVER);
    mesh_down_locked();
    rc = mesh_up_locked();
    akira_mutex_unlock(m.updown);
    return rc;
}

int akira_mesh_service_status(struct akira_mesh_service_status *out)
{
    if (!out) return AKIRA_EINVAL;
    memset(out, 0, sizeof(*out));
    if (!m.radio) return AKIRA_ENODEV;
    out->node_bytes = sizeof(m.node);
    if (!m.running) return 0;
    struct akira_mesh_neighbour_info nb[AKIRA_MESH_NBR_MAX];
    struct akira_mesh_route_info r[AKIRA_MESH_ROUTE_MAX];
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    out->running = true;
    out->id = m.node.cfg.id;
    out->stats = m.node.stats;
    out->neighbours = akira_mesh_neighbours(&m.node, nb, AKIRA_MESH_NBR_MAX);
    out->routes = akira_mesh_routes(&m.node, r, AKIRA_MESH_ROUTE_MAX);
    akira_mutex_unlock(m.lock);
    return 0;
}

size_t akira_mesh_service_neighbours(struct akira_mesh_neighbour_info *out, size_t max)
{
    if (!m.running) return 0;
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    size_t k = akira_mesh_neighbours(&m.node, out, max);
    akira_mutex_unlock(m.lock);
    return k;
}

size_t akira_mesh_service_routes(struct akira_mesh_route_info *out, size_t max)
{
    if (!m.running) return 0;
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    size_t k = akira_mesh_routes(&m.node, out, max);
    akira_mutex_unlock(m.lock);
    return k;
}

static uint64_t deadline_of(int32_t timeout_ms)
{
    return akira_uptime_us() + (uint64_t)timeout_ms * 1000u;
}

int akira_mesh_service_send(uint16_t dst, uint8_t port, const void *data, size_t len,
                            int32_t timeout_ms)
{
    if (!m.running) return AKIRA_ESTATE;
    if (timeout_ms < 0) return AKIRA_EINVAL;
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    int rc = akira_mesh_send(&m.node, dst, port, data, len, akira_uptime_ms());
    if (rc < 0 || dst == AKIRA_MESH_ADDR_BCAST || timeout_ms == 0) {
        akira_mutex_unlock(m.lock);
        return rc < 0 ? rc : 0;
    }
    struct waiter *w = NULL;
    for (int i = 0; i < WAITERS && !w; i++)
        if (!m.waiters[i].used) w = &m.waiters[i];
    if (!w) { /* sent, but nobody can wait for it */
        akira_mutex_unlock(m.lock);
        return AKIRA_EBUSY;
    }
    *w = (struct waiter){true, false, dst, (uint16_t)rc, 0};
    uint64_t until = deadline_of(timeout_ms);
    while (!w->done && !m.stopping)
        if (akira_condvar_wait_until(m.cv, m.lock, until) == AKIRA_ETIMEDOUT) break;
    rc = w->done ? w->status : (m.stopping ? AKIRA_ECANCELED : AKIRA_ETIMEDOUT);
    w->used = false;
    akira_mutex_unlock(m.lock);
    return rc;
}

int akira_mesh_service_ping(uint16_t dst, int32_t timeout_ms, uint32_t *rtt_ms, uint8_t *hops)
{
    if (!m.running) return AKIRA_ESTATE;
    if (timeout_ms <= 0) return AKIRA_EINVAL;
    uint8_t payload[8];
    uint32_t token = 0;
    akira_random_fill(&token, sizeof(token));
    for (int i = 0; i < 4; i++)
        payload[i] = (uint8_t)(token >> (8 * i));
    for (int i = 0; i < 4; i++)
        payload[4 + i] = (uint8_t)(PING_MAGIC >> (8 * i));
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    if (m.ping_wait) {
        akira_mutex_unlock(m.lock);
        return AKIRA_EBUSY;
    }
    uint64_t t0 = akira_uptime_us();
    int rc = akira_mesh_send(&m.node, dst, AKIRA_MESH_PORT_PING, payload, sizeof(payload),
                             akira_uptime_ms());
    if (rc < 0) {
        akira_mutex_unlock(m.lock);
        return rc;
    }
    m.ping_wait = true;
    m.ping_done = false;
    m.ping_from = dst;
    m.ping_token = token;
    uint64_t until = deadline_of(timeout_ms);
    while (!m.ping_done && !m.stopping)
        if (akira_condvar_wait_until(m.cv, m.lock, until) == AKIRA_ETIMEDOUT) break;
    rc = m.ping_done ? 0 : AKIRA_ETIMEDOUT;
    if (rtt_ms) *rtt_ms = (uint32_t)((akira_uptime_us() - t0) / 1000u);
    if (hops) *hops = m.ping_hops;
    m.ping_wait = false;
    akira_mutex_unlock(m.lock);
    return rc;
}

int akira_mesh_service_post(uint16_t dst, uint8_t port, const void *data, size_t len)
{
    if (!m.running) return AKIRA_ESTATE;
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    int rc = akira_mesh_send(&m.node, dst, port, data, len, akira_uptime_ms());
    akira_mutex_unlock(m.lock);
    return rc;
}

void akira_mesh_service_sent_set(akira_mesh_service_sent_fn fn, void *ctx)
{
    if (!m.lock) {
        m.sent_fn = fn;
        m.sent_ctx = ctx;
        return;
    }
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    m.sent_fn = fn;
    m.sent_ctx = ctx;
    akira_mutex_unlock(m.lock);
}

uint16_t akira_mesh_service_id(void)
{
    return m.running ? m.node.cfg.id : 0;
}

int akira_mesh_service_port_set(uint8_t port, akira_mesh_service_rx_fn fn, void *ctx)
{
    if (port >= AKIRA_MESH_PORT_USER || port <= AKIRA_MESH_PORT_PONG ||
        port == AKIRA_MESH_PORT_TEXT)
        return AKIRA_EINVAL;
    if (!m.lock) { /* at boot, before the service: nothing runs yet */
        if (fn && m.port_fn[port]) return AKIRA_EBUSY;
        m.port_fn[port] = fn;
        m.port_ctx[port] = ctx;
        return 0;
    }
    akira_mutex_lock(m.lock, AKIRA_FOREVER);
    int rc = 0;
    if (fn && m.port_fn[port])
        rc = AKIRA_EBUSY;
    else {
        m.port_fn[port] = fn;
        m.port_ctx[port] = ctx;
    }
    akira_mutex_unlock(m.lock);
    return rc;
}

/* MQTT 3.1.1 client (akira/mqtt.h): one thread, one connection, fixed RAM. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mqtt.h>
#include <akira/mqtt_codec.h>
#include <akira/mutex.h>
#include <akira/random.h>
#include <akira/thread.h>

AKIRA_LOG_MODULE_REGISTER(mqtt);

#define TICK_MS       250
#define CONNECT_MS    5000
#define CONNACK_MS    10000
#define SEND_MS       5000
#define KEEPALIVE_DEF 30

struct inflight {
    bool used;
    uint16_t id;
    uint16_t len;
    uint8_t pkt[AKIRA_MQTT_QOS1_PACKET_MAX];
};

struct sub {
    bool used;
    uint8_t qos;
    char filter[AKIRA_MQTT_FILTER_MAX];
};

struct akira_mqtt {
    struct akira_mqtt_config cfg;
    const struct akira_mqtt_transport *tr;
    char client_id[AKIRA_MQTT_ID_MAX], user[AKIRA_MQTT_ID_MAX], password[AKIRA_MQTT_ID_MAX];
    char will_topic[AKIRA_MQTT_WILL_TOPIC_MAX];
    uint8_t will[AKIRA_MQTT_WILL_MAX];
    akira_mutex_t *lock;
    akira_condvar_t *room; /* an inflight slot was freed */
    akira_thread_t *thread;
    _Atomic(akira_thread_t *) self; /* the client thread, as it sees itself */
    atomic_bool stop;
    atomic_bool broken; /* a send failed: the thread closes and reconnects */
    void *conn;         /* set while connected; closed only by the thread */
    bool connected;
    uint16_t next_id;
    uint64_t last_tx_ms, last_rx_ms;
    struct akira_mqtt_stats st;
    /* Farewell of akira_mqtt_stop (valid while stop joins). */
    const char *bye_topic;
    const void *bye_payload;
    size_t bye_len;
    struct inflight inflight[AKIRA_MQTT_INFLIGHT_MAX];
    struct sub subs[AKIRA_MQTT_SUBS_MAX];
    size_t rx_len;
    uint8_t rx[AKIRA_MQTT_RX_MAX];
    uint8_t tx[AKIRA_MQTT_TX_MAX];
};

/* ---- plain TCP ------------------------------------------------------------------- */

static int tcp_connect(void **conn, const struct akira_net_addr *addr, int32_t timeout_ms)
{
    akira_sock_t *s = NULL;
    int rc = akira_net_tcp_connect(&s, addr, timeout_ms);
    *conn = s;
    return rc;
}

static int tcp_send_all(void *conn, const void *buf, size_t len, int32_t timeout_ms)
{
    return akira_net_send_all(conn, buf, len, timeout_ms);
}

static int tcp_recv(void *conn, void *buf, size_t cap, int32_t timeout_ms)
{
    return akira_net_recv(conn, buf, cap, timeout_ms);
}

static void tcp_close(void *conn)
{
    akira_net_close(conn);
}

const struct akira_mqtt_transport akira_mqtt_tcp = {tcp_connect, tcp_send_all, tcp_recv, tcp_close};

/* ---- sending (lock held) ------------------------------------------------------------ */

static int send_locked(struct akira_mqtt *c, const uint8_t *buf, size_t len)
{
    if (!c->connected) return AKIRA_ENOTCONN;
    int rc = c->tr->send_all(c->conn, buf, len, SEND_MS);
    if (rc) {
        AKIRA_LOG_WRN("send failed (%s): reconnecting", akira_err_str(rc));
        c->connected = false; /* no more sends on it; the thread closes it */
        atomic_store(&c->broken, true);
        return rc;
    }
    c->st.tx_bytes += len;
    c->last_tx_ms = akira_uptime_ms();
    return 0;
}

static uint16_t next_id_locked(struct akira_mqtt *c)
{
    for (;;) {
        if (++c->next_id == 0) c->next_id = 1;
        bool used = false;
        for (size_t i = 0; i < AKIRA_MQTT_INFLIGHT_MAX; i++)
            used |= c->inflight[i].used && c->inflight[i].id == c->next_id;
        if (!used) return c->next_id;
    }
}

static int send_sub_locked(struct akira_mqtt *c, const struct sub *s)
{
    const char *f[1] = {s->filter};
    int n = akira_mqtt_encode_subscribe(c->tx, sizeof(c->tx), next_id_locked(c), f, &s->qos, 1);
    return n < 0 ? n : send_locked(c, c->tx, (size_t)n);
}

/* ---- public calls -------------------------------------------------------------------- */

size_t akira_mqtt_bytes(void)
{
    return sizeof(struct akira_mqtt);
}

static bool in_thread(struct akira_mqtt *c)
{
    return akira_thread_current() == atomic_load(&c->self);
}

int akira_mqtt_publish(struct akira_mqtt *c, const char *topic, const void *payload, size_t len,
                       uint8_t qos, bool retain, int32_t timeout_ms)
{
    if (!c || !topic || qos > 1 || (len && !payload)) return AKIRA_EINVAL;
    size_t tl = strlen(topic);
    if (tl == 0 || tl > 65535) return AKIRA_EINVAL;
    struct akira_mqtt_publish p = {.topic = {topic, (uint16_t)tl},
                                   .payload = payload,
                                   .len = len,
                                   .qos = qos,
                                   .retain = retain};
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    int rc;
    if (qos == 0) {
        int n = akira_mqtt_encode_publish(c->tx, sizeof(c->tx), &p);
        rc = n == AKIRA_ERANGE ? AKIRA_ETOOBIG : n < 0 ? n : send_locked(c, c->tx, (size_t)n);
        if (!rc) c->st.tx_msgs++;
        akira_mutex_unlock(c->lock);
        return rc;
    }
    uint64_t deadline = timeout_ms > 0 ? akira_uptime_us() + (uint64_t)timeout_ms * 1000 : 0;
    struct inflight *slot = NULL;
    for (;;) {
        for (size_t i = 0; i < AKIRA_MQTT_INFLIGHT_MAX && !slot; i++)
            if (!c->inflight[i].used) slot = &c->inflight[i];
        if (slot || timeout_ms == 0 || in_thread(c) || atomic_load(&c->stop)) break;
        if (akira_condvar_wait_until(c->room, c->lock, deadline) == AKIRA_ETIMEDOUT) break;
    }
    if (!slot) {
        akira_mutex_unlock(c->lock);
        return AKIRA_EBUSY;
    }
    p.packet_id = next_id_locked(c);
    int n = akira_mqtt_encode_publish(slot->pkt, sizeof(slot->pkt), &p);
    if (n < 0) {
        akira_mutex_unlock(c->lock);
        return n == AKIRA_ERANGE ? AKIRA_ETOOBIG : n;
    }
    slot->used = true;
    slot->id = p.packet_id;
    slot->len = (uint16_t)n;
    c->st.inflight++;
    rc = 0;
    if (c->connected) {
        rc = send_locked(c, slot->pkt, slot->len);
        if (!rc) c->st.tx_msgs++;
    }
    akira_mutex_unlock(c->lock);
    return rc == AKIRA_ENOTCONN ? 0 : rc; /* queued: sent again at the next connect */
}

int akira_mqtt_subscribe(struct akira_mqtt *c, const char *filter, uint8_t qos)
{
    if (!c || !filter || qos > 1) return AKIRA_EINVAL;
    size_t fl = strlen(filter);
    if (fl >= AKIRA_MQTT_FILTER_MAX || !akira_mqtt_filter_ok(filter, fl)) return AKIRA_EINVAL;
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    struct sub *free_slot = NULL;
    int rc = 0;
    for (size_t i = 0; i < AKIRA_MQTT_SUBS_MAX; i++) {
        if (c->subs[i].used && !strcmp(c->subs[i].filter, filter)) rc = AKIRA_EEXIST;
        if (!c->subs[i].used && !free_slot) free_slot = &c->subs[i];
    }
    if (!rc && !free_slot) rc = AKIRA_ENOSPC;
    if (!rc) {
        free_slot->used = true;
        free_slot->qos = qos;
        memcpy(free_slot->filter, filter, fl + 1);
        if (c->connected) (void)send_sub_locked(c, free_slot); /* else at the next connect */
    }
    akira_mutex_unlock(c->lock);
    return rc;
}

int akira_mqtt_unsubscribe(struct akira_mqtt *c, const char *filter)
{
    if (!c || !filter) return AKIRA_EINVAL;
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    int rc = AKIRA_ENOENT;
    for (size_t i = 0; i < AKIRA_MQTT_SUBS_MAX; i++) {
        if (!c->subs[i].used || strcmp(c->subs[i].filter, filter)) continue;
        c->subs[i].used = false;
        rc = 0;
        if (c->connected) {
            const char *f[1] = {filter};
            int n = akira_mqtt_encode_unsubscribe(c->tx, sizeof(c->tx), next_id_locked(c), f, 1);
            if (n > 0) (void)send_locked(c, c->tx, (size_t)n);
        }
    }
    akira_mutex_unlock(c->lock);
    return rc;
}

void akira_mqtt_stats(struct akira_mqtt *c, struct akira_mqtt_stats *out)
{
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    *out = c->st;
    out->connected = c->connected;
    akira_mutex_unlock(c->lock);
    out->stack_used = akira_thread_stack_used(c->thread);
}

/* ---- the client thread --------------------------------------------------------------- */

/* One whole received packet. Returns 0, or an error that closes the connection. */
static int handle(struct akira_mqtt *c, const uint8_t *pkt, size_t len)
{
    struct akira_mqtt_packet p;
    if (akira_mqtt_decode(pkt, len, &p)) {
        AKIRA_LOG_WRN("malformed packet (type %u, %u bytes) from the broker: closing", pkt[0] >> 4,
                      (unsigned)len);
        return AKIRA_EFORMAT;
    }
    switch (p.type) {
    case AKIRA_MQTT_PUBLISH: {
        const struct akira_mqtt_publish *m = &p.u.publish;
        if (m->qos > 1) {
            AKIRA_LOG_WRN("QoS 2 PUBLISH (not supported): closing");
            return AKIRA_EFORMAT;
        }
        akira_mutex_lock(c->lock, AKIRA_FOREVER);
        c->st.rx_msgs++;
        akira_mutex_unlock(c->lock);
        if (c->cfg.on_message)
            c->cfg.on_message(c->cfg.ctx, m->topic.p, m->topic.len, m->payload, m->len, m->retain);
        if (m->qos == 1) {
            uint8_t ack[4];
            int n = akira_mqtt_encode_ack(ack, sizeof(ack), AKIRA_MQTT_PUBACK, m->packet_id);
            akira_mutex_lock(c->lock, AKIRA_FOREVER);
            int rc = send_locked(c, ack, (size_t)n);
            akira_mutex_unlock(c->lock);
            return rc;
        }
        return 0;
    }
    case AKIRA_MQTT_PUBACK:
        akira_mutex_lock(c->lock, AKIRA_FOREVER);
        for (size_t i = 0; i < AKIRA_MQTT_INFLIGHT_MAX; i++) {
            if (c->inflight[i].used && c->inflight[i].id == p.u.packet_id) {
                c->inflight[i].used = false;
                c->st.inflight--;
                akira_condvar_broadcast(c->room);
            }
        }
        akira_mutex_unlock(c->lock);
        return 0;
    case AKIRA_MQTT_SUBACK:
        for (size_t i = 0; i < p.u.suback.n; i++)
            if (p.u.suback.rcs[i] == 0x80) AKIRA_LOG_WRN("the broker refused a subscription");
        return 0;
    case AKIRA_MQTT_UNSUBACK:
    case AKIRA_MQTT_PINGRESP: return 0;
    default:
        AKIRA_LOG_WRN("unexpected packet type %u from the broker: closing", (unsigned)p.type);
        return AKIRA_EFORMAT;
    }
}

/* Handles the whole packets in rx (the first one only when want_connack). Returns 0,
 * 1 when a CONNACK was taken (its rc in *connack), or an error that closes. */
static int drain(struct akira_mqtt *c, bool want_connack, int *connack, bool *sp)
{
    size_t off = 0;
    int rc = 0;
    while (off < c->rx_len) {
        size_t hdr;
        uint32_t rem;
        int fr = akira_mqtt_frame(c->rx + off, c->rx_len - off, &hdr, &rem);
        if (fr == AKIRA_EAGAIN) break;
        if (fr || hdr + rem > AKIRA_MQTT_RX_MAX) {
            AKIRA_LOG_WRN("%s packet from the broker: closing",
                          fr ? "bad remaining length in a" : "too large a");
            rc = AKIRA_EFORMAT;
            break;
        }
        if (c->rx_len - off < hdr + rem) break;
        c->last_rx_ms = akira_uptime_ms();
        if (want_connack) {
            struct akira_mqtt_packet p;
            if (akira_mqtt_decode(c->rx + off, hdr + rem, &p) || p.type != AKIRA_MQTT_CONNACK) {
                AKIRA_LOG_WRN("the broker's first packet is not a CONNACK: closing");
                rc = AKIRA_EFORMAT;
                break;
            }
            *connack = p.u.connack.rc;
            *sp = p.u.connack.session_present;
            off += hdr + rem;
            rc = 1;
            break;
        }
        rc = handle(c, c->rx + off, hdr + rem);
        off += hdr + rem;
        if (rc) break;
    }
    if (rc < 0) {
        c->rx_len = 0;
        return rc;
    }
    memmove(c->rx, c->rx + off, c->rx_len - off);
    c->rx_len -= off;
    return rc;
}

/* Reads more into rx; returns bytes, 0 on timeout, or a negative error (closed: EIO). */
static int rx_more(struct akira_mqtt *c, void *conn, int32_t timeout_ms)
{
    int n = c->tr->recv(conn, c->rx + c->rx_len, sizeof(c->rx) - c->rx_len, timeout_ms);
    if (n == AKIRA_ETIMEDOUT || n == AKIRA_EAGAIN) return 0;
    if (n == 0) return AKIRA_ECONNRESET;
    if (n < 0) return n;
    c->rx_len += (size_t)n;
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    c->st.rx_bytes += (size_t)n;
    akira_mutex_unlock(c->lock);
    return n;
}

static void tick(struct akira_mqtt *c, bool connected)
{
    if (c->cfg.on_tick) c->cfg.on_tick(c->cfg.ctx, connected);
}

static const char *connack_str(int rc)
{
    static const char *const s[] = {"accepted",    "bad protocol",  "client id refused",
                                    "unavailable", "bad user/pass", "not authorised"};
    return rc >= 0 && rc <= 5 ? s[rc] : "unknown refusal";
}

/* Connect, run until the connection breaks or stop. Returns true when a CONNACK was
 * accepted (the back-off restarts at its minimum). */
static bool session(struct akira_mqtt *c)
{
    void *conn = NULL;
    char addr[AKIRA_NET_ADDR_STR_MAX];
    akira_net_addr_format(&c->cfg.broker, addr, sizeof(addr));
    int rc = c->tr->connect(&conn, &c->cfg.broker, CONNECT_MS);
    if (rc) {
        AKIRA_LOG_WRN("broker %s: %s", addr, akira_err_str(rc));
        return false;
    }
    struct akira_mqtt_connect cp = {
        .client_id = {c->client_id, (uint16_t)strlen(c->client_id)},
        .clean_session = c->cfg.clean_session,
        .keepalive_s = c->cfg.keepalive_s,
    };
    if (c->cfg.user) cp.user = (struct akira_mqtt_str){c->user, (uint16_t)strlen(c->user)};
    if (c->cfg.password)
        cp.password = (struct akira_mqtt_str){c->password, (uint16_t)strlen(c->password)};
    if (c->cfg.will_topic) {
        cp.will = true;
        cp.will_topic = (struct akira_mqtt_str){c->will_topic, (uint16_t)strlen(c->will_topic)};
        cp.will_payload = c->will;
        cp.will_len = (uint16_t)c->cfg.will_len;
        cp.will_qos = c->cfg.will_qos;
        cp.will_retain = c->cfg.will_retain;
    }
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    int n = akira_mqtt_encode_connect(c->tx, sizeof(c->tx), &cp);
    rc = n < 0 ? n : c->tr->send_all(conn, c->tx, (size_t)n, SEND_MS);
    akira_mutex_unlock(c->lock);
    c->rx_len = 0;
    int connack = -1;
    bool sp = false;
    uint64_t end = akira_uptime_ms() + CONNACK_MS;
    while (!rc && connack < 0 && !atomic_load(&c->stop)) {
        if (akira_uptime_ms() > end) {
            rc = AKIRA_ETIMEDOUT;
            break;
        }
        rc = rx_more(c, conn, TICK_MS);
        if (rc > 0) rc = drain(c, true, &connack, &sp);
        rc = rc > 0 ? 0 : rc;
    }
    if (rc || connack != 0) {
        if (rc)
            AKIRA_LOG_WRN("broker %s: no CONNACK (%s)", addr, akira_err_str(rc));
        else if (connack > 0)
            AKIRA_LOG_WRN("broker %s refused the connection: %s", addr, connack_str(connack));
        c->tr->close(conn);
        akira_mutex_lock(c->lock, AKIRA_FOREVER);
        c->st.connect_fails++;
        akira_mutex_unlock(c->lock);
        return false;
    }
    /* Connected: subscriptions, then the unacknowledged QoS 1 messages with DUP. */
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    c->conn = conn;
    c->connected = true;
    atomic_store(&c->broken, false);
    c->st.connects++;
    c->last_rx_ms = c->last_tx_ms = akira_uptime_ms();
    AKIRA_LOG_INF("connected to %s as %s (session %s)", addr, c->client_id, sp ? "resumed" : "new");
    for (size_t i = 0; i < AKIRA_MQTT_SUBS_MAX; i++)
        if (c->subs[i].used) (void)send_sub_locked(c, &c->subs[i]);
    for (size_t i = 0; i < AKIRA_MQTT_INFLIGHT_MAX; i++) {
        struct inflight *f = &c->inflight[i];
        if (!f->used) continue;
        f->pkt[0] |= 0x08; /* DUP */
        if (!send_locked(c, f->pkt, f->len)) c->st.retransmits++;
    }
    akira_mutex_unlock(c->lock);
    if (c->cfg.on_connect) c->cfg.on_connect(c->cfg.ctx, sp);
    uint64_t ka_ms = (uint64_t)c->cfg.keepalive_s * 1000;
    uint8_t ping[2];
    (void)akira_mqtt_encode_empty(ping, sizeof(ping), AKIRA_MQTT_PINGREQ);
    while (!atomic_load(&c->stop) && !atomic_load(&c->broken)) {
        rc = rx_more(c, conn, TICK_MS);
        if (rc > 0) rc = drain(c, false, NULL, NULL);
        if (rc < 0) {
            if (rc == AKIRA_EFORMAT) {
                akira_mutex_lock(c->lock, AKIRA_FOREVER);
                c->st.malformed++;
                akira_mutex_unlock(c->lock);
            } else {
                AKIRA_LOG_WRN("connection to %s lost (%s)", addr, akira_err_str(rc));
            }
            break;
        }
        uint64_t now = akira_uptime_ms();
        if (now - c->last_rx_ms > ka_ms + ka_ms / 2) {
            AKIRA_LOG_WRN("broker %s silent for %u ms: taken for dead", addr,
                          (unsigned)(now - c->last_rx_ms));
            akira_mutex_lock(c->lock, AKIRA_FOREVER);
            c->st.dead_broker++;
            akira_mutex_unlock(c->lock);
            break;
        }
        if (now - c->last_tx_ms >= ka_ms) {
            akira_mutex_lock(c->lock, AKIRA_FOREVER);
            (void)send_locked(c, ping, sizeof(ping));
            akira_mutex_unlock(c->lock);
        }
        tick(c, true);
    }
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    if (atomic_load(&c->stop) && c->connected) {
        if (c->bye_topic) {
            struct akira_mqtt_publish p = {.topic = {c->bye_topic, (uint16_t)strlen(c->bye_topic)},
                                           .payload = c->bye_payload,
                                           .len = c->bye_len,
                                           .retain = true};
            n = akira_mqtt_encode_publish(c->tx, sizeof(c->tx), &p);
            if (n > 0) (void)send_locked(c, c->tx, (size_t)n);
        }
        n = akira_mqtt_encode_empty(c->tx, sizeof(c->tx), AKIRA_MQTT_DISCONNECT);
        (void)send_locked(c, c->tx, (size_t)n);
    }
    c->connected = false;
    c->conn = NULL;
    c->tr->close(conn);
    akira_condvar_broadcast(c->room);
    akira_mutex_unlock(c->lock);
    return true;
}

static int client_thread(void *arg)
{
    struct akira_mqtt *c = arg;
    atomic_store(&c->self, akira_thread_current());
    uint32_t backoff = 0;
    while (!atomic_load(&c->stop)) {
        if (session(c)) backoff = 0;
        if (atomic_load(&c->stop)) break;
        backoff = akira_mqtt_backoff_next(backoff, c->cfg.backoff_min_ms, c->cfg.backoff_max_ms);
        uint32_t r = 0;
        (void)akira_random_fill(&r, sizeof(r));
        uint32_t wait = akira_mqtt_backoff_jitter(backoff, r);
        akira_mutex_lock(c->lock, AKIRA_FOREVER);
        c->st.next_backoff_ms = wait;
        akira_mutex_unlock(c->lock);
        AKIRA_LOG_INF("reconnecting in %u ms", (unsigned)wait);
        uint64_t end = akira_uptime_ms() + wait;
        while (!atomic_load(&c->stop) && akira_uptime_ms() < end) {
            akira_sleep_ms(TICK_MS);
            tick(c, false);
        }
    }
    return 0;
}

static bool copy_str(char *dst, size_t cap, const char *src)
{
    if (!src) {
        dst[0] = '\0';
        return true;
    }
    size_t n = strlen(src);
    if (n >= cap) return false;
    memcpy(dst, src, n + 1);
    return true;
}

int akira_mqtt_start(struct akira_mqtt **out, const struct akira_mqtt_config *cfg)
{
    if (!out || !cfg || !cfg->client_id || !cfg->client_id[0]) return AKIRA_EINVAL;
    if (cfg->will_topic && (cfg->will_qos > 1 || cfg->will_len > AKIRA_MQTT_WILL_MAX ||
                            (cfg->will_len && !cfg->will_payload) || !cfg->will_topic[0] ||
                            strpbrk(cfg->will_topic, "+#") ||
                            !akira_mqtt_utf8_ok(cfg->will_topic, strlen(cfg->will_topic))))
        return AKIRA_EINVAL;
    if (cfg->password && !cfg->user) return AKIRA_EINVAL;
    struct akira_mqtt *c = calloc(1, sizeof(*c));
    if (!c) return AKIRA_ENOMEM;
    c->cfg = *cfg;
    if (!copy_str(c->client_id, sizeof(c->client_id), cfg->client_id) ||
        !copy_str(c->user, sizeof(c->user), cfg->user) ||
        !copy_str(c->password, sizeof(c->password), cfg->password) ||
        !copy_str(c->will_topic, sizeof(c->will_topic), cfg->will_topic)) {
        free(c);
        return AKIRA_EINVAL;
    }
    if (cfg->will_len) memcpy(c->will, cfg->will_payload, cfg->will_len);
    c->tr = cfg->transport ? cfg->transport : &akira_mqtt_tcp;
    if (!c->cfg.keepalive_s) c->cfg.keepalive_s = KEEPALIVE_DEF;
    if (!c->cfg.backoff_min_ms) c->cfg.backoff_min_ms = AKIRA_MQTT_BACKOFF_MIN_MS;
    if (!c->cfg.backoff_max_ms) c->cfg.backoff_max_ms = AKIRA_MQTT_BACKOFF_MAX_MS;
    int rc = akira_mutex_create(&c->lock);
    if (!rc) rc = akira_condvar_create(&c->room);
    if (!rc)
        rc = akira_thread_create(&c->thread, "mqtt", client_thread, c, AKIRA_PRIO_DEFAULT,
                                 AKIRA_MQTT_STACK_SIZE > AKIRA_THREAD_STACK_MIN
                                     ? AKIRA_MQTT_STACK_SIZE
                                     : AKIRA_THREAD_STACK_MIN);
    if (rc) {
        if (c->room) akira_condvar_destroy(c->room);
        if (c->lock) akira_mutex_destroy(c->lock);
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void akira_mqtt_stop(struct akira_mqtt *c, const char *topic_before, const void *payload_before,
                     size_t len_before)
{
    if (!c) return;
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    c->bye_topic = topic_before;
    c->bye_payload = payload_before;
    c->bye_len = len_before;
    atomic_store(&c->stop, true);
    akira_condvar_broadcast(c->room);
    akira_mutex_unlock(c->lock);
    akira_thread_join(c->thread, AKIRA_FOREVER, NULL);
    akira_condvar_destroy(c->room);
    akira_mutex_destroy(c->lock);
    free(c);
}

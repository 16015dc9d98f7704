/*
 * The BLE link layer (controller): ble_ll.h towards the host, ble_ctrl.h for control,
 * a radio of akira/drivers/radio.h below (docs/ble.md).
 *
 * One thread runs everything that touches the radio, in time order: the connection
 * events of every connection (central: at its anchor; peripheral: a receive window
 * around the expected anchor, re-synchronised on each packet from the central), the
 * advertising events (ADV PDU on 37, 38, 39, each followed by a short listen for
 * SCAN_REQ / CONNECT_IND), and between them scanning on one advertising channel at a
 * time. The timing is the specification's in its structure (anchor, interval, channel
 * selection #1, SN/NESN, supervision timeout) with windows wide enough for processes
 * scheduled by a busy host: the inter-frame space is milliseconds, not 150 us.
 *
 * State is guarded by one lock; the thread drops it while it waits on the radio and
 * while it calls the host (events are queued and dispatched without the lock).
 */
#include <stddef.h>
#include <string.h>

#include <akira/ble_ctrl.h>
#include <akira/ble_ll.h>
#include <akira/clock.h>
#include <akira/drivers/radio.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/random.h>
#include <akira/sem.h>
#include <akira/thread.h>

#include "ll_pdu.h"

AKIRA_LOG_MODULE_REGISTER(ble_ll);

#define ADV_LISTEN_MS 20 /* an advertiser listens this long after each ADV PDU */
/* An answer (SCAN_REQ, CONNECT_IND) later than this after the ADV PDU arrived would
 * miss the advertiser's listening: the scanner waits for the next one instead. */
#define ANSWER_MAX_US  ((ADV_LISTEN_MS - 5) * 1000u)
#define SCAN_RSP_MS    15 /* a scanner waits this long for a SCAN_RSP */
#define RSP_TIMEOUT_MS 20 /* within an event, the wait for the peer's next PDU */
#define EXCHANGES_MAX  8  /* PDU pairs per connection event */
#define SCAN_WINDOW_MS 60 /* per advertising channel */
#define SCANNED_MAX    32 /* addresses a scan sent SCAN_REQ to */
#define CTRLQ          6
#define EVQ            12
#define OCTETS_MAX     AKIRA_BLE_LL_DATA_MAX

_Static_assert(2 + OCTETS_MAX + 4 + 3 <= AKIRA_RADIO_FRAME_MAX,
               "an encrypted PDU of the largest payload with its CRC fits a radio frame");

struct pdu {
    uint8_t llid;
    uint8_t len;
    uint8_t data[OCTETS_MAX + 4]; /* + MIC */
};

/* A control PDU waiting to go (the longest, ENC_REQ, has 23 bytes). */
struct ctrl_pdu {
    uint8_t len;
    uint8_t data[27];
};

struct conn {
    bool used;
    uint16_t handle;
    uint8_t role;
    bool established;
    akira_ble_addr_t peer;
    /* from CONNECT_IND */
    uint32_t aa, crc_init;
    uint8_t chm[5], used_ch[37], n_used, hop, last_unmapped;
    akira_ble_conn_params_t params;
    uint16_t counter;
    uint64_t anchor_us, first_extra_us, last_rx_us;
    /* acknowledgement */
    uint8_t sn, nesn;
    bool tx_unacked;
    struct pdu last;   /* sent, as on air (encrypted) */
    uint8_t last_ctrl; /* opcode of last if it is a control PDU, else 0xFF */
    /* queues: control PDUs first, then the host's data */
    struct ctrl_pdu ctrlq[CTRLQ];
    uint8_t ctrl_head, ctrl_n;
    struct pdu txq[AKIRA_BLE_LL_TXQ];
    uint8_t tx_head, tx_n;
    /* procedures */
    bool version_sent;
    uint8_t peer_version;
    uint16_t tx_octets, rx_octets;
    uint8_t close_reason; /* nonzero: close after this event */
    bool term_sent;       /* TERMINATE_IND queued: close when acknowledged */
    bool peer_term;       /* the peer sent TERMINATE_IND: acknowledge it, then close */
    uint8_t term_reason;
    /* connection update and channel map procedures: take effect at the event whose
     * counter is the instant */
    bool upd_pending, chm_pending;
    uint16_t upd_instant, chm_instant;
    struct ll_conn_req upd; /* win_size, win_offset, interval, latency, timeout */
    uint8_t chm_new[5];
    /* encryption */
    bool enc_proc, enc_rx, enc_tx, ltk_wait;
    uint8_t ltk[16], sk[16], iv[8], skdm[8], skds[8], rand[8];
    uint16_t ediv;
    uint64_t tx_ctr, rx_ctr;
    /* stats */
    int8_t rssi;
    uint32_t events, rx_pdus, rx_crc, retx;
    uint32_t rx_data; /* payload bytes of data PDUs received */
};

enum evt_kind { EV_CONN, EV_DISC, EV_ACL, EV_ENC, EV_LTK, EV_ADV };

struct evt {
    uint8_t kind;
    uint16_t conn;
    uint8_t a, b; /* role / reason / llid / pdu type */
    int8_t rssi;
    akira_err_t status;
    akira_ble_addr_t addr;
    akira_ble_conn_params_t params;
    uint16_t ediv;
    uint8_t rand[8];
    uint8_t len;
    uint8_t data[OCTETS_MAX];
};

static struct {
    akira_mutex_t *lock;
    akira_sem_t *wake;
    const struct akira_device *radio;
    bool running;
    akira_ble_addr_t addr;
    const akira_ble_host_ops_t *host;
    /* advertising */
    bool adv_on;
    struct akira_ble_adv_params adv;
    uint64_t adv_next_us;
    /* scanning / initiating */
    bool scan_on, scan_active;
    akira_ble_scan_cb_t scan_cb;
    void *scan_user;
    uint8_t scan_ch;
    uint64_t scan_switch_us;
    akira_ble_addr_t scanned[SCANNED_MAX];
    uint8_t n_scanned;
    bool init_on;
    akira_ble_addr_t init_peer;
    akira_ble_conn_params_t init_params;
    /* connections */
    struct conn conns[AKIRA_BLE_LL_CONN_MAX];
    uint16_t next_handle;
    /* host events waiting for dispatch */
    struct evt evq[EVQ];
    uint8_t ev_head, ev_n;
    struct akira_ble_ctrl_status st;
} ll;

static void lock(void)
{
    akira_mutex_lock(ll.lock, AKIRA_FOREVER);
}

static void unlock(void)
{
    akira_mutex_unlock(ll.lock);
}

static uint64_t now_us(void)
{
    return akira_uptime_us();
}

static struct evt *ev_push(uint8_t kind, uint16_t conn)
{
    if (ll.ev_n == EVQ) return NULL;
    struct evt *e = &ll.evq[(ll.ev_head + ll.ev_n++) % EVQ];
    memset(e, 0, offsetof(struct evt, data));
    e->kind = kind;
    e->conn = conn;
    return e;
}

/* Calls the host for every queued event; called with the lock held, drops it. */
static void ev_dispatch(void)
{
    while (ll.ev_n > 0) {
        struct evt e = ll.evq[ll.ev_head];
        ll.ev_head = (ll.ev_head + 1) % EVQ;
        ll.ev_n--;
        const akira_ble_host_ops_t *h = ll.host;
        akira_ble_scan_cb_t scb = ll.scan_cb;
        void *suser = ll.scan_user;
        unlock();
        switch (e.kind) {
        case EV_CONN:
            if (h && h->connected) h->connected(e.conn, e.a, &e.addr, &e.params);
            break;
        case EV_DISC:
            if (h && h->disconnected) h->disconnected(e.conn, e.b);
            break;
        case EV_ACL:
            if (h && h->acl_received) h->acl_received(e.conn, e.a, e.data, e.len);
            break;
        case EV_ENC:
            if (h && h->encryption_changed) h->encryption_changed(e.conn, e.status);
            break;
        case EV_LTK:
            if (h && h->ltk_request) h->ltk_request(e.conn, e.rand, e.ediv);
            break;
        case EV_ADV:
            if (scb) scb(&e.addr, e.b, e.rssi, e.data, e.len, suser);
            if (h && h->adv_report) h->adv_report(&e.addr, e.b, e.rssi, e.data, e.len);
            break;
        default: break;
        }
        lock();
    }
}

static struct conn *conn_of(uint16_t handle)
{
    for (int i = 0; i < AKIRA_BLE_LL_CONN_MAX; i++)
        if (ll.conns[i].used && ll.conns[i].handle == handle) return &ll.conns[i];
    return NULL;
}

static struct conn *conn_alloc(void)
{
    for (int i = 0; i < AKIRA_BLE_LL_CONN_MAX; i++) {
        struct conn *c = &ll.conns[i];
        if (c->used) continue;
        memset(c, 0, sizeof(*c));
        c->used = true;
        c->handle = ll.next_handle++;
        if (ll.next_handle > 0x0EFF) ll.next_handle = 0;
        c->tx_octets = c->rx_octets = 27;
        c->last_ctrl = 0xFF;
        return c;
    }
    return NULL;
}

static void conn_close(struct conn *c, uint8_t reason)
{
    char a[18];
    akira_ble_addr_format(&c->peer, a);
    AKIRA_LOG_INF("conn %u with %s closed: reason 0x%02x", c->handle, a, reason);
    struct evt *e = ev_push(EV_DISC, c->handle);
    if (e) e->b = reason;
    c->used = false;
    ll.st.conns--;
}

static uint32_t interval_us(const struct conn *c)
{
    return (uint32_t)c->params.interval_1250us * 1250u;
}

/* Receive window half-width of a peripheral: a quarter of the interval plus 2 ms. */
static uint32_t widen_us(const struct conn *c)
{
    return interval_us(c) / 4 + 2000;
}

/* Air time on the LE 1M PHY: preamble, access address, PDU and CRC. */
static uint32_t airtime_us(size_t frame_len)
{
    return (uint32_t)((1 + 4 + frame_len) * 8);
}

static int radio_tune(uint8_t ch, uint32_t aa)
{
    struct akira_radio_config cfg = {akira_radio_ble_channel_freq(ch), AKIRA_RADIO_BLE_1M, 0, aa};
    struct akira_radio_info info;
    if (akira_radio_info_get(ll.radio, &info) == 0) cfg.tx_power_dbm = info.tx_power_dbm;
    return akira_radio_configure(ll.radio, &cfg);
}

/* Sends header + payload with its CRC (at most 2 + 251 + MIC: the frame fits). */
static void radio_tx(const uint8_t *pdu, size_t len, uint32_t crc_init)
{
    uint8_t f[AKIRA_RADIO_FRAME_MAX];
    if (len + 3 > sizeof(f)) return;
    memcpy(f, pdu, len);
    uint32_t crc = ll_crc24(crc_init, pdu, len);
    f[len] = (uint8_t)crc;
    f[len + 1] = (uint8_t)(crc >> 8);
    f[len + 2] = (uint8_t)(crc >> 16);
    akira_radio_send(ll.radio, f, len + 3);
}

/* Waits (lock dropped) until deadline for a frame whose length and CRC are right;
 * returns its PDU length (header + payload) or a negative error. */
static int radio_rx(struct akira_radio_frame *f, uint64_t deadline, uint32_t crc_init)
{
    for (;;) {
        uint64_t t = now_us();
        if (t >= deadline) return AKIRA_ETIMEDOUT;
        int32_t ms = (int32_t)((deadline - t + 999) / 1000);
        unlock();
        int rc = akira_radio_recv(ll.radio, f, ms);
        lock();
        if (rc == AKIRA_ETIMEDOUT) continue;
        if (rc < 0) return rc;
        if (f->len < 5 || (size_t)f->data[1] + 5 != f->len) {
            ll.st.rx_bad++;
            continue;
        }
        size_t n = f->len - 3u;
        uint32_t crc = ll_crc24(crc_init, f->data, n);
        if (f->data[n] != (uint8_t)crc || f->data[n + 1] != (uint8_t)(crc >> 8) ||
            f->data[n + 2] != (uint8_t)(crc >> 16)) {
            ll.st.rx_bad++;
            continue;
        }
        return (int)n;
    }
}

/* ---- connections ---- */

static bool ctrl_push(struct conn *c, const uint8_t *pdu, uint8_t len)
{
    if (c->ctrl_n == CTRLQ || len > sizeof(c->ctrlq[0].data)) return false;
    struct ctrl_pdu *p = &c->ctrlq[(c->ctrl_head + c->ctrl_n++) % CTRLQ];
    p->len = len;
    memcpy(p->data, pdu, len);
    return true;
}

static void ctrl_simple(struct conn *c, uint8_t op, uint8_t arg, bool with_arg)
{
    uint8_t p[2] = {op, arg};
    ctrl_push(c, p, with_arg ? 2 : 1);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void ctrl_version(struct conn *c)
{
    uint8_t p[6] = {LL_VERSION_IND, LL_VERSION_NR};
    put16(p + 2, LL_COMPANY_ID);
    put16(p + 4, LL_SUBVERSION_NR);
    if (ctrl_push(c, p, 6)) c->version_sent = true;
}

static void ctrl_features(struct conn *c, uint8_t op)
{
    uint8_t p[9] = {op, (uint8_t)LL_FEATURES};
    ctrl_push(c, p, 9);
}

static void ctrl_length(struct conn *c, uint8_t op)
{
    uint8_t p[9] = {op};
    put16(p + 1, OCTETS_MAX); /* MaxRxOctets */
    put16(p + 3, 2120);       /* MaxRxTime, us at 1M */
    put16(p + 5, OCTETS_MAX); /* MaxTxOctets */
    put16(p + 7, 2120);
    ctrl_push(c, p, 9);
}

static void enc_failed(struct conn *c, akira_err_t why)
{
    c->enc_proc = false;
    c->ltk_wait = false;
    struct evt *e = ev_push(EV_ENC, c->handle);
    if (e) e->status = why;
}

/* The peripheral's side of LL_CONNECTION_UPDATE_IND and LL_CHANNEL_MAP_IND: checked,
 * then pending until the event of the instant. Parameters out of range are refused
 * (counted, the connection keeps its own); an instant already passed ends the
 * connection (0x28), as the specification says. */
static void on_instant_ind(struct conn *c, const uint8_t *p)
{
    uint8_t op = p[0];
    if (c->role != AKIRA_BLE_ROLE_PERIPHERAL ||
        (op == LL_CONNECTION_UPDATE_IND && c->upd_pending) ||
        (op == LL_CHANNEL_MAP_IND && c->chm_pending)) {
        ctrl_simple(c, LL_UNKNOWN_RSP, op, true); /* only the central sends them, one each */
        return;
    }
    /* the same checks as a CONNECT_IND's, on the connection with the new values */
    struct ll_conn_req cur = {.aa = c->aa,
                              .hop = c->hop,
                              .interval = c->params.interval_1250us,
                              .latency = c->params.latency,
                              .timeout = c->params.timeout_10ms},
                       r;
    memcpy(cur.chm, c->chm, 5);
    uint16_t instant;
    if (!ll_instant_ind_parse(p, &cur, &r, &instant)) {
        ll.st.rx_bad++;
        AKIRA_LOG_WRN("conn %u: %s refused: parameters out of range", c->handle,
                      op == LL_CONNECTION_UPDATE_IND ? "connection update" : "channel map");
        return;
    }
    if (ll_instant_passed(c->counter, instant)) {
        AKIRA_LOG_WRN("conn %u: instant %u passed (event %u)", c->handle, instant, c->counter);
        c->close_reason = AKIRA_BLE_REASON_INSTANT_PASSED;
        return;
    }
    if (op == LL_CONNECTION_UPDATE_IND) {
        c->upd = r;
        c->upd_instant = instant;
        c->upd_pending = true;
    } else {
        memcpy(c->chm_new, r.chm, 5);
        c->chm_instant = instant;
        c->chm_pending = true;
    }
}

/* Moves a connection to its next event: the counter, the anchor at the interval, and
 * at the instant the pending update (the anchor moves by the window offset, the
 * peripheral widens its first window by the window size, the new interval, latency and
 * timeout hold from there) and channel map (the instant's event already hops on it). */
static void next_event(struct conn *c)
{
    c->counter++;
    c->anchor_us += interval_us(c);
    if (c->chm_pending && c->counter == c->chm_instant) {
        c->chm_pending = false;
        memcpy(c->chm, c->chm_new, 5);
        c->n_used = ll_chm_used(c->chm, c->used_ch);
        AKIRA_LOG_INF("conn %u: channel map %02x%02x%02x%02x%02x (%u channels) from event %u",
                      c->handle, c->chm[4], c->chm[3], c->chm[2], c->chm[1], c->chm[0], c->n_used,
                      c->counter);
    }
    if (c->upd_pending && c->counter == c->upd_instant) {
        c->upd_pending = false;
        c->anchor_us += (uint64_t)c->upd.win_offset * 1250u;
        if (c->role == AKIRA_BLE_ROLE_PERIPHERAL)
            c->first_extra_us = (uint64_t)c->upd.win_size * 1250u;
        c->params.interval_1250us = c->upd.interval;
        c->params.latency = c->upd.latency;
        c->params.timeout_10ms = c->upd.timeout;
        c->last_rx_us = now_us(); /* the supervision timer restarts at the instant */
        AKIRA_LOG_INF("conn %u: interval %u.%02u ms, timeout %u ms from event %u", c->handle,
                      c->upd.interval * 125 / 100, c->upd.interval * 125 % 100,
                      c->upd.timeout * 10u, c->counter);
    }
}

/* A control PDU from the peer (decrypted). */
static void on_ctrl(struct conn *c, const uint8_t *p, uint8_t len)
{
    uint8_t op = p[0];
    int want = ll_ctrl_len(op);
    if (want < 0) {
        ctrl_simple(c, LL_UNKNOWN_RSP, op, true);
        return;
    }
    if (len != 1 + want) {
        ll.st.rx_bad++; /* a known opcode with a wrong length: refused */
        ctrl_simple(c, LL_UNKNOWN_RSP, op, true);
        return;
    }
    switch (op) {
    case LL_TERMINATE_IND:
        c->close_reason = p[1] ? p[1] : AKIRA_BLE_REASON_REMOTE_USER;
        c->peer_term = true;
        break;
    case LL_VERSION_IND:
        c->peer_version = p[1];
        if (!c->version_sent) ctrl_version(c);
        break;
    case LL_FEATURE_REQ:
    case LL_PERIPHERAL_FEATURE_REQ: ctrl_features(c, LL_FEATURE_RSP); break;
    case LL_FEATURE_RSP: break;
    case LL_LENGTH_REQ:
    case LL_LENGTH_RSP: {
        uint16_t peer_rx = get16(p + 1), peer_tx = get16(p + 5);
        if (peer_rx < 27 || peer_tx < 27) {
            ll.st.rx_bad++;
            break;
        }
        c->tx_octets = peer_rx < OCTETS_MAX ? peer_rx : OCTETS_MAX;
        c->rx_octets = peer_tx < OCTETS_MAX ? peer_tx : OCTETS_MAX;
        if (op == LL_LENGTH_REQ) ctrl_length(c, LL_LENGTH_RSP);
        break;
    }
    case LL_ENC_REQ: /* peripheral: Rand, EDIV, SKDm, IVm */
        if (c->role != AKIRA_BLE_ROLE_PERIPHERAL || c->enc_proc) {
            ctrl_simple(c, LL_UNKNOWN_RSP, op, true);
            break;
        }
        memcpy(c->rand, p + 1, 8);
        c->ediv = get16(p + 9);
        memcpy(c->skdm, p + 11, 8);
        memcpy(c->iv, p + 19, 4);
        akira_random_fill(c->skds, 8);
        akira_random_fill(c->iv + 4, 4);
        {
            uint8_t r[13] = {LL_ENC_RSP};
            memcpy(r + 1, c->skds, 8);
            memcpy(r + 9, c->iv + 4, 4);
            ctrl_push(c, r, 13);
        }
        c->enc_proc = true;
        c->ltk_wait = true;
        {
            struct evt *e = ev_push(EV_LTK, c->handle);
            if (e) {
                memcpy(e->rand, c->rand, 8);
                e->ediv = c->ediv;
            }
        }
        if (!ll.host || !ll.host->ltk_request)
            AKIRA_LOG_INF("conn %u: LTK request (no host; `bt ltk` answers)", c->handle);
        break;
    case LL_ENC_RSP: /* central: SKDs, IVs */
        if (c->role != AKIRA_BLE_ROLE_CENTRAL || !c->enc_proc) break;
        memcpy(c->skds, p + 1, 8);
        memcpy(c->iv + 4, p + 9, 4);
        if (ll_session_key(c->ltk, c->skdm, c->skds, c->sk) != 0) enc_failed(c, AKIRA_EIO);
        break;
    case LL_START_ENC_REQ: /* central: from now on both directions are encrypted */
        if (c->role != AKIRA_BLE_ROLE_CENTRAL || !c->enc_proc) break;
        c->enc_rx = c->enc_tx = true;
        c->tx_ctr = c->rx_ctr = 0;
        ctrl_simple(c, LL_START_ENC_RSP, 0, false);
        break;
    case LL_START_ENC_RSP:
        if (!c->enc_proc) break;
        if (c->role == AKIRA_BLE_ROLE_PERIPHERAL) {
            c->enc_tx = true;
            ctrl_simple(c, LL_START_ENC_RSP, 0, false);
        }
        c->enc_proc = false;
        AKIRA_LOG_INF("conn %u: encrypted", c->handle);
        {
            struct evt *e = ev_push(EV_ENC, c->handle);
            if (e) e->status = AKIRA_OK;
        }
        break;
    case LL_REJECT_IND:
    case LL_REJECT_EXT_IND:
        if (c->enc_proc) {
            AKIRA_LOG_INF("conn %u: encryption rejected (0x%02x)", c->handle,
                          op == LL_REJECT_IND ? p[1] : p[2]);
            enc_failed(c, AKIRA_EAUTH);
        }
        break;
    case LL_CONNECTION_UPDATE_IND:
    case LL_CHANNEL_MAP_IND: on_instant_ind(c, p); break;
    case LL_UNKNOWN_RSP: break;
    default: ctrl_simple(c, LL_UNKNOWN_RSP, op, true); break; /* pause encryption */
    }
}

/* The next PDU to send: the unacknowledged one again, else a control PDU, else data
 * (not during the encryption procedure), else an empty PDU. */
static void next_pdu(struct conn *c)
{
    if (c->tx_unacked) {
        c->retx++;
        return;
    }
    if (c->ctrl_n > 0) {
        struct ctrl_pdu *q = &c->ctrlq[c->ctrl_head];
        c->ctrl_head = (c->ctrl_head + 1) % CTRLQ;
        c->ctrl_n--;
        c->last.llid = LL_LLID_CTRL;
        c->last.len = q->len;
        memcpy(c->last.data, q->data, q->len);
    } else if (c->tx_n > 0 && !c->enc_proc) {
        struct pdu *q = &c->txq[c->tx_head];
        if (q->len > c->tx_octets) { /* longer than negotiated: the rest goes as CONT */
            c->last.llid = q->llid;
            c->last.len = (uint8_t)c->tx_octets;
            memcpy(c->last.data, q->data, c->tx_octets);
            q->len = (uint8_t)(q->len - c->tx_octets);
            memmove(q->data, q->data + c->tx_octets, q->len);
            q->llid = AKIRA_BLE_LLID_CONT;
        } else {
            c->last = *q;
            c->tx_head = (c->tx_head + 1) % AKIRA_BLE_LL_TXQ;
            c->tx_n--;
        }
    } else {
        c->last.llid = AKIRA_BLE_LLID_CONT;
        c->last.len = 0;
    }
    c->last_ctrl = c->last.llid == LL_LLID_CTRL ? c->last.data[0] : 0xFF;
    if (c->last_ctrl == LL_START_ENC_REQ) { /* peripheral: receive encrypted from now */
        c->enc_rx = true;
        c->tx_ctr = c->rx_ctr = 0;
    }
    if (c->enc_tx && c->last.len > 0) {
        uint8_t dir = c->role == AKIRA_BLE_ROLE_CENTRAL ? 1 : 0;
        ll_ccm_encrypt(c->sk, c->iv, c->tx_ctr++, dir, c->last.llid, c->last.data, c->last.len);
        c->last.len = (uint8_t)(c->last.len + 4);
    }
    c->tx_unacked = true;
}

static void conn_send(struct conn *c)
{
    next_pdu(c);
    uint8_t f[2 + OCTETS_MAX + 4];
    bool md = c->ctrl_n > 0 || (c->tx_n > 0 && !c->enc_proc);
    f[0] =
        (uint8_t)(c->last.llid | (c->nesn ? LL_NESN : 0) | (c->sn ? LL_SN : 0) | (md ? LL_MD : 0));
    f[1] = c->last.len;
    memcpy(f + 2, c->last.data, c->last.len);
    radio_tx(f, 2u + c->last.len, c->crc_init);
}

/* A PDU from the peer (CRC good). Returns whether the peer has more data (MD). */
static bool conn_rx(struct conn *c, struct akira_radio_frame *f, size_t n)
{
    uint8_t h = f->data[0], len = f->data[1];
    c->rx_pdus++;
    c->rssi = f->rssi_dbm;
    c->last_rx_us = now_us();
    c->established = true;
    if (((h & LL_NESN) ? 1 : 0) != c->sn && c->tx_unacked) { /* our PDU got through */
        c->tx_unacked = false;
        c->sn ^= 1;
        if (c->last_ctrl == LL_TERMINATE_IND) c->close_reason = AKIRA_BLE_REASON_LOCAL_HOST;
    }
    uint8_t llid = h & LL_LLID_MASK;
    if (((h & LL_SN) ? 1 : 0) != c->nesn) return (h & LL_MD) != 0; /* a repeat */
    if (llid == 0 || (size_t)len + 2 != n) {
        ll.st.rx_bad++;
        c->nesn ^= 1; /* acknowledged and dropped: a reserved LLID */
        return (h & LL_MD) != 0;
    }
    uint8_t buf[OCTETS_MAX + 4];
    memcpy(buf, f->data + 2, len);
    bool was_enc = c->enc_rx; /* START_ENC_REQ turns it on for the PDUs after itself */
    if (was_enc && len > 0) {
        uint8_t dir = c->role == AKIRA_BLE_ROLE_CENTRAL ? 0 : 1;
        if (len < 5 || ll_ccm_decrypt(c->sk, c->iv, c->rx_ctr, dir, h, buf, len) != 0) {
            AKIRA_LOG_WRN("conn %u: MIC failure", c->handle);
            c->close_reason = AKIRA_BLE_REASON_MIC_FAILURE;
            return false;
        }
        len = (uint8_t)(len - 4);
    }
    if (len > c->rx_octets && llid != LL_LLID_CTRL) {
        ll.st.rx_bad++; /* longer than negotiated: acknowledged and dropped */
        c->nesn ^= 1;
        if (was_enc) c->rx_ctr++;
        return (h & LL_MD) != 0;
    }
    if (llid == LL_LLID_CTRL) {
        if (len == 0 || c->ctrl_n == CTRLQ) return (h & LL_MD) != 0; /* not acked: again later */
        on_ctrl(c, buf, len);
    } else if (len > 0 || llid == AKIRA_BLE_LLID_START) {
        struct evt *e = ev_push(EV_ACL, c->handle);
        if (!e) return (h & LL_MD) != 0; /* host queue full: not acknowledged, sent again */
        c->rx_data += len;
        e->a = llid;
        e->len = len;
        memcpy(e->data, buf, len);
    }
    c->nesn ^= 1;
    if (was_enc && f->data[1] > 0) c->rx_ctr++;
    return (h & LL_MD) != 0;
}

static bool has_more(const struct conn *c)
{
    return c->ctrl_n > 0 || (c->tx_n > 0 && !c->enc_proc) || c->tx_unacked;
}

static void conn_event(struct conn *c)
{
    uint8_t ch = ll_chsel1(&c->last_unmapped, c->hop, c->chm, c->used_ch, c->n_used);
    radio_tune(ch, c->aa);
    akira_radio_rx_enable(ll.radio, true);
    struct akira_radio_frame f;
    c->events++;
    if (c->role == AKIRA_BLE_ROLE_CENTRAL) {
        for (int i = 0; i < EXCHANGES_MAX && c->used && !c->close_reason; i++) {
            conn_send(c);
            int n = radio_rx(&f, now_us() + RSP_TIMEOUT_MS * 1000u, c->crc_init);
            if (n < 0) break;
            bool peer_md = conn_rx(c, &f, (size_t)n);
            if (c->peer_term) conn_send(c); /* the acknowledgement of TERMINATE_IND */
            if (!peer_md && !has_more(c)) break;
        }
    } else {
        uint64_t deadline = c->anchor_us + widen_us(c) + c->first_extra_us;
        for (int i = 0; i < EXCHANGES_MAX && !c->close_reason; i++) {
            int n = radio_rx(&f, deadline, c->crc_init);
            if (n < 0) break;
            if (i == 0) { /* re-synchronise on the central's first packet */
                c->anchor_us = f.timestamp_us - airtime_us(f.len);
                c->first_extra_us = 0;
            }
            bool peer_md = conn_rx(c, &f, (size_t)n);
            if (c->close_reason == AKIRA_BLE_REASON_MIC_FAILURE) break;
            conn_send(c);
            if (!peer_md && !has_more(c)) break;
            deadline = now_us() + RSP_TIMEOUT_MS * 1000u;
        }
    }
    akira_radio_rx_enable(ll.radio, false);
    next_event(c);
    if (c->close_reason) {
        conn_close(c, c->close_reason);
        return;
    }
    uint64_t t = now_us();
    if (!c->established) {
        if (c->counter >= 6) conn_close(c, AKIRA_BLE_REASON_FAILED_TO_ESTABLISH);
    } else if (t - c->last_rx_us > (uint64_t)c->params.timeout_10ms * 10000u) {
        /* our TERMINATE_IND went unacknowledged for a supervision timeout: it is over
         * all the same, as our host asked */
        conn_close(c, c->term_sent ? AKIRA_BLE_REASON_LOCAL_HOST : AKIRA_BLE_REASON_CONN_TIMEOUT);
    }
}

/* ---- advertising ---- */

static bool addr_eq(const akira_ble_addr_t *a, const akira_ble_addr_t *b)
{
    return a->type == b->type && memcmp(a->a, b->a, 6) == 0;
}

/* Advertising pauses while a peripheral connection exists, and while scanning or
 * initiating: one radio cannot listen on a scan channel while it advertises, and two
 * nodes doing both at the same interval can stay deaf to each other for seconds. */
static bool adv_paused(void);

static bool peripheral_conn_exists(void)
{
    for (int i = 0; i < AKIRA_BLE_LL_CONN_MAX; i++)
        if (ll.conns[i].used && ll.conns[i].role == AKIRA_BLE_ROLE_PERIPHERAL) return true;
    return false;
}

static void conn_setup(struct conn *c, const struct ll_conn_req *r, const akira_ble_addr_t *peer)
{
    c->peer = *peer;
    c->aa = r->aa;
    c->crc_init = r->crc_init;
    memcpy(c->chm, r->chm, 5);
    c->n_used = ll_chm_used(c->chm, c->used_ch);
    c->hop = r->hop;
    c->params.interval_1250us = r->interval;
    c->params.latency = r->latency;
    c->params.timeout_10ms = r->timeout;
    ll.st.conns++;
    char a[18];
    akira_ble_addr_format(peer, a);
    AKIRA_LOG_INF("conn %u: connected to %s as %s, interval %u.%02u ms, timeout %u ms", c->handle,
                  a, c->role == AKIRA_BLE_ROLE_CENTRAL ? "central" : "peripheral",
                  r->interval * 125 / 100, r->interval * 125 % 100, r->timeout * 10u);
    struct evt *e = ev_push(EV_CONN, c->handle);
    if (e) {
        e->a = c->role;
        e->addr = *peer;
        e->params = c->params;
    }
}

static bool adv_paused(void)
{
    return peripheral_conn_exists() || ll.scan_on || ll.init_on;
}

/* A CONNECT_IND for us while advertising connectable: 0, or refused. */
static int accept_connect(const struct ll_adv_pdu *p, uint64_t rx_us)
{
    struct ll_conn_req r;
    ll_conn_req_parse(p->data, &r);
    if (!ll_conn_req_valid(&r)) {
        ll.st.conn_refused++;
        AKIRA_LOG_WRN("CONNECT_IND refused: parameters out of range");
        return AKIRA_EINVAL;
    }
    struct conn *c = conn_alloc();
    if (!c) {
        ll.st.conn_refused++;
        return AKIRA_ENOSPC;
    }
    c->role = AKIRA_BLE_ROLE_PERIPHERAL;
    conn_setup(c, &r, &p->a);
    /* transmit window: 1.25 ms + WinOffset after the CONNECT_IND, WinSize long */
    c->anchor_us = rx_us + 1250u + r.win_offset * 1250u;
    c->first_extra_us = r.win_size * 1250u;
    c->last_rx_us = rx_us;
    return 0;
}

/* One advertising event; it ends early (skipping channels) rather than run into a
 * connection event due at limit. */
static void adv_event(uint64_t limit)
{
    uint8_t pdu[2 + 6 + AKIRA_BLE_AD_MAX], rsp[2 + 6 + AKIRA_BLE_AD_MAX];
    size_t n = ll_adv_build(pdu, ll.adv.type, &ll.addr, NULL, ll.adv.data, ll.adv.data_len);
    size_t rn =
        ll_adv_build(rsp, LL_SCAN_RSP, &ll.addr, NULL, ll.adv.scan_rsp, ll.adv.scan_rsp_len);
    bool connectable = ll.adv.type == AKIRA_BLE_ADV_IND;
    bool scannable = connectable || ll.adv.type == AKIRA_BLE_ADV_SCAN_IND;
    ll.st.adv_events++;
    for (uint8_t ch = 37; ch <= 39 && ll.adv_on; ch++) {
        if (now_us() + 2000 > limit) break;
        radio_tune(ch, AKIRA_RADIO_BLE_ADV_AA);
        if (scannable) akira_radio_rx_enable(ll.radio, true);
        radio_tx(pdu, n, LL_CRC_INIT_ADV);
        if (!scannable) continue;
        uint64_t deadline = now_us() + ADV_LISTEN_MS * 1000u;
        if (deadline > limit) deadline = limit;
        struct akira_radio_frame f;
        int len;
        while ((len = radio_rx(&f, deadline, LL_CRC_INIT_ADV)) >= 0) {
            struct ll_adv_pdu p;
            if (ll_adv_parse(f.data, (size_t)len, &p) != 0) {
                ll.st.rx_bad++;
                continue;
            }
            if ((p.type != LL_SCAN_REQ && p.type != LL_CONNECT_IND) || !addr_eq(&p.peer, &ll.addr))
                continue;
            if (p.type == LL_SCAN_REQ) {
                radio_tx(rsp, rn, LL_CRC_INIT_ADV);
                break;
            }
            if (connectable && accept_connect(&p, f.timestamp_us) == 0) {
                akira_radio_rx_enable(ll.radio, false);
                return; /* advertising pauses while the connection exists */
            }
        }
        akira_radio_rx_enable(ll.radio, false);
    }
    uint8_t jitter = 0;
    akira_random_fill(&jitter, 1);
    ll.adv_next_us = now_us() + ll.adv.interval_ms * 1000u + (jitter % 11) * 1000u;
}

/* ---- scanning and initiating ---- */

/* Advertisers whose SCAN_RSP came in this scan (one SCAN_REQ each is enough; one that
 * went unanswered is sent again at a later ADV PDU). */
static bool scanned_before(const akira_ble_addr_t *a)
{
    for (uint8_t i = 0; i < ll.n_scanned; i++)
        if (addr_eq(&ll.scanned[i], a)) return true;
    return false;
}

static void scanned_add(const akira_ble_addr_t *a)
{
    if (ll.n_scanned < SCANNED_MAX && !scanned_before(a)) ll.scanned[ll.n_scanned++] = *a;
}

static void report(const struct ll_adv_pdu *p, int8_t rssi)
{
    if (!ll.scan_on) return;
    struct evt *e = ev_push(EV_ADV, 0);
    if (!e) return;
    e->addr = p->a;
    e->b = p->type;
    e->rssi = rssi;
    e->len = (uint8_t)p->data_len;
    if (p->data_len) memcpy(e->data, p->data, p->data_len);
}

static uint32_t random_aa(void)
{
    uint32_t aa;
    do {
        akira_random_fill(&aa, sizeof(aa));
    } while (!ll_aa_valid(aa));
    return aa;
}

static void initiate(const struct ll_adv_pdu *p, uint8_t ch)
{
    struct conn *c = conn_alloc();
    if (!c) {
        ll.init_on = false;
        return;
    }
    struct ll_conn_req r = {0};
    r.aa = random_aa();
    akira_random_fill(&r.crc_init, 3);
    r.crc_init &= 0xFFFFFF;
    r.win_size = 4;   /* 5 ms */
    r.win_offset = 8; /* 10 ms: room for the advertiser to get the CONNECT_IND */
    r.interval = ll.init_params.interval_1250us;
    r.latency = ll.init_params.latency;
    r.timeout = ll.init_params.timeout_10ms;
    memset(r.chm, 0xFF, 4);
    r.chm[4] = 0x1F;
    uint8_t h = 0;
    akira_random_fill(&h, 1);
    r.hop = (uint8_t)(5 + h % 12);
    r.sca = 0;
    uint8_t pdu[2 + LL_CONNECT_IND_LEN], lldata[22];
    ll_conn_req_build(lldata, &r);
    size_t n = ll_adv_build(pdu, LL_CONNECT_IND, &ll.addr, &p->a, lldata, sizeof(lldata));
    radio_tune(ch, AKIRA_RADIO_BLE_ADV_AA);
    radio_tx(pdu, n, LL_CRC_INIT_ADV);
    uint64_t t = now_us();
    c->role = AKIRA_BLE_ROLE_CENTRAL;
    conn_setup(c, &r, &p->a);
    c->anchor_us = t + airtime_us(n + 3) + 1250u + r.win_offset * 1250u + 1250u;
    c->last_rx_us = t;
    ll.init_on = false;
    /* the central opens the version, feature and length exchanges */
    ctrl_version(c);
    ctrl_features(c, LL_FEATURE_REQ);
    ctrl_length(c, LL_LENGTH_REQ);
}

/* Returns true when it sent a CONNECT_IND (the scan window ends: a connection starts). */
static bool on_adv_heard(struct akira_radio_frame *f, int len, uint8_t ch)
{
    struct ll_adv_pdu p;
    if (ll_adv_parse(f->data, (size_t)len, &p) != 0) {
        ll.st.rx_bad++;
        return false;
    }
    ll.st.rx_adv++;
    bool adv = p.type == LL_ADV_IND || p.type == LL_ADV_NONCONN_IND || p.type == LL_ADV_SCAN_IND ||
               p.type == LL_ADV_DIRECT_IND;
    if (!adv) return false;
    if (p.data_len && !ll_ad_valid(p.data, p.data_len)) {
        ll.st.rx_bad++;
        return false;
    }
    report(&p, f->rssi_dbm);
    bool to_us = p.type == LL_ADV_DIRECT_IND && addr_eq(&p.peer, &ll.addr);
    if (now_us() - f->timestamp_us > ANSWER_MAX_US) return false; /* too late to answer */
    if (ll.init_on && addr_eq(&p.a, &ll.init_peer) && (p.type == LL_ADV_IND || to_us)) {
        initiate(&p, ch);
        return true;
    }
    if (!ll.scan_on || !ll.scan_active || (p.type != LL_ADV_IND && p.type != LL_ADV_SCAN_IND))
        return false;
    if (scanned_before(&p.a)) return false;
    uint8_t req[14];
    size_t n = ll_adv_build(req, LL_SCAN_REQ, &ll.addr, &p.a, NULL, 0);
    radio_tx(req, n, LL_CRC_INIT_ADV);
    uint64_t deadline = now_us() + SCAN_RSP_MS * 1000u;
    int rl;
    while ((rl = radio_rx(f, deadline, LL_CRC_INIT_ADV)) >= 0) {
        struct ll_adv_pdu r;
        if (ll_adv_parse(f->data, (size_t)rl, &r) != 0 || r.type != LL_SCAN_RSP ||
            !addr_eq(&r.a, &p.a))
            continue;
        if (r.data_len && !ll_ad_valid(r.data, r.data_len)) {
            ll.st.rx_bad++;
            break;
        }
        report(&r, f->rssi_dbm);
        scanned_add(&r.a);
        break;
    }
    return false;
}

/* Listens on the current scan channel until `until`. */
static void scan_listen(uint64_t until)
{
    uint64_t t = now_us();
    if (t >= ll.scan_switch_us) {
        ll.scan_ch = ll.scan_ch >= 39 || ll.scan_ch < 37 ? 37 : ll.scan_ch + 1;
        ll.scan_switch_us = t + SCAN_WINDOW_MS * 1000u;
    }
    if (until > ll.scan_switch_us) until = ll.scan_switch_us;
    radio_tune(ll.scan_ch, AKIRA_RADIO_BLE_ADV_AA);
    akira_radio_rx_enable(ll.radio, true);
    struct akira_radio_frame f;
    int len;
    while ((ll.scan_on || ll.init_on) && (len = radio_rx(&f, until, LL_CRC_INIT_ADV)) >= 0) {
        if (on_adv_heard(&f, len, ll.scan_ch)) break;
        if (ll.ev_n > 0) break; /* hand the reports over */
    }
    akira_radio_rx_enable(ll.radio, false);
}

/* ---- the thread ---- */

static uint64_t conn_due(const struct conn *c)
{
    if (c->role == AKIRA_BLE_ROLE_CENTRAL) return c->anchor_us;
    uint64_t w = widen_us(c);
    return c->anchor_us > w ? c->anchor_us - w : 0;
}

static int ll_thread(void *arg)
{
    (void)arg;
    lock();
    for (;;) {
        ev_dispatch();
        uint64_t t = now_us();
        struct conn *next = NULL;
        for (int i = 0; i < AKIRA_BLE_LL_CONN_MAX; i++)
            if (ll.conns[i].used && (!next || conn_due(&ll.conns[i]) < conn_due(next)))
                next = &ll.conns[i];
        if (next && conn_due(next) <= t) {
            /* a peripheral that is late past its window, or a central that is late by
             * a whole interval, skips to the event it can still make */
            while (next->role == AKIRA_BLE_ROLE_PERIPHERAL &&
                   next->anchor_us + widen_us(next) + next->first_extra_us < t) {
                next->first_extra_us = 0;
                (void)ll_chsel1(&next->last_unmapped, next->hop, next->chm, next->used_ch,
                                next->n_used);
                next_event(next);
            }
            conn_event(next);
            continue;
        }
        bool adv = ll.adv_on && !adv_paused();
        if (adv && ll.adv_next_us <= t) {
            adv_event(next ? conn_due(next) : UINT64_MAX);
            continue;
        }
        uint64_t until = t + 50000;
        if (next && conn_due(next) < until) until = conn_due(next);
        if (adv && ll.adv_next_us < until) until = ll.adv_next_us;
        if (ll.scan_on || ll.init_on) {
            scan_listen(until);
            continue;
        }
        unlock();
        if (until - t < 1000)
            akira_sleep_us((uint32_t)(until - t));
        else
            akira_sem_take(ll.wake, (int32_t)((until - t) / 1000u));
        lock();
    }
    return 0;
}

static void wake(void)
{
    akira_sem_give(ll.wake);
}

/* ---- ble_ctrl.h ---- */

akira_err_t akira_ble_ctrl_start(const struct akira_device *radio)
{
    if (!radio || !akira_device_is_ready(radio)) return AKIRA_ENODEV;
    if (ll.running) return AKIRA_EBUSY;
    struct akira_radio_info info;
    int rc = akira_radio_info_get(radio, &info);
    if (rc != 0) return rc;
    if ((rc = akira_mutex_create(&ll.lock)) != 0) return rc;
    if ((rc = akira_sem_create(&ll.wake, 0, 1)) != 0) return rc;
    ll.radio = radio;
    ll.addr.type = 1; /* static random: the two top bits set */
    ll.addr.a[0] = (uint8_t)info.node_id;
    ll.addr.a[1] = (uint8_t)(info.node_id >> 8);
    ll.addr.a[2] = (uint8_t)(info.node_id >> 16);
    ll.addr.a[3] = (uint8_t)(info.node_id >> 24);
    ll.addr.a[5] = 0xC0;
    ll.scan_ch = 37;
    akira_thread_t *t;
    rc = akira_thread_create(&t, "ble_ll", ll_thread, NULL, 2, 0);
    if (rc != 0) return rc;
    akira_thread_detach(t);
    ll.running = true;
    ll.st.running = true;
    char a[18];
    akira_ble_addr_format(&ll.addr, a);
    AKIRA_LOG_INF("link layer up, address %s (random static)", a);
    return AKIRA_OK;
}

akira_err_t akira_ble_ctrl_adv_start(const struct akira_ble_adv_params *p)
{
    if (!ll.running) return AKIRA_ENODEV;
    if (!p || (p->type != AKIRA_BLE_ADV_IND && p->type != AKIRA_BLE_ADV_NONCONN_IND &&
               p->type != AKIRA_BLE_ADV_SCAN_IND))
        return AKIRA_EINVAL;
    if (p->interval_ms < 20 || p->interval_ms > 10240 || p->data_len > AKIRA_BLE_AD_MAX ||
        p->scan_rsp_len > AKIRA_BLE_AD_MAX || !ll_ad_valid(p->data, p->data_len) ||
        !ll_ad_valid(p->scan_rsp, p->scan_rsp_len))
        return AKIRA_EINVAL;
    lock();
    ll.adv = *p;
    ll.adv_on = true;
    ll.adv_next_us = now_us();
    unlock();
    wake();
    return AKIRA_OK;
}

akira_err_t akira_ble_ctrl_adv_stop(void)
{
    if (!ll.running) return AKIRA_ENODEV;
    lock();
    ll.adv_on = false;
    unlock();
    return AKIRA_OK;
}

akira_err_t akira_ble_ctrl_scan_start(bool active, akira_ble_scan_cb_t cb, void *user)
{
    if (!ll.running) return AKIRA_ENODEV;
    lock();
    ll.scan_on = true;
    ll.scan_active = active;
    ll.scan_cb = cb;
    ll.scan_user = user;
    ll.n_scanned = 0;
    unlock();
    wake();
    return AKIRA_OK;
}

akira_err_t akira_ble_ctrl_scan_stop(void)
{
    if (!ll.running) return AKIRA_ENODEV;
    lock();
    ll.scan_on = false;
    ll.scan_cb = NULL;
    unlock();
    return AKIRA_OK;
}

akira_err_t akira_ble_ctrl_connect(const akira_ble_addr_t *peer,
                                   const akira_ble_conn_params_t *params)
{
    if (!ll.running) return AKIRA_ENODEV;
    if (!peer) return AKIRA_EINVAL;
    akira_ble_conn_params_t p = {40, 0, 400};
    if (params) p = *params;
    struct ll_conn_req probe = {.aa = 0x71764129u,
                                .win_size = 1,
                                .interval = p.interval_1250us,
                                .latency = p.latency,
                                .timeout = p.timeout_10ms,
                                .chm = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F},
                                .hop = 5};
    if (!ll_conn_req_valid(&probe)) return AKIRA_EINVAL;
    lock();
    akira_err_t rc = AKIRA_OK;
    if (ll.init_on) {
        rc = AKIRA_EBUSY;
    } else if (ll.st.conns >= AKIRA_BLE_LL_CONN_MAX) {
        rc = AKIRA_ENOSPC;
    } else {
        ll.init_on = true;
        ll.init_peer = *peer;
        ll.init_params = p;
    }
    unlock();
    wake();
    return rc;
}

/* Central: queue the indication with an instant EVENTS_AHEAD events from now. */
#define EVENTS_AHEAD 8

akira_err_t akira_ble_ctrl_conn_update(uint16_t handle, const akira_ble_conn_params_t *params)
{
    if (!ll.running) return AKIRA_ENODEV;
    if (!params) return AKIRA_EINVAL;
    lock();
    struct conn *c = conn_of(handle);
    akira_err_t rc = AKIRA_OK;
    struct ll_conn_req r = {0};
    if (!c) {
        rc = AKIRA_ENOTCONN;
    } else if (c->role != AKIRA_BLE_ROLE_CENTRAL) {
        rc = AKIRA_EPERM;
    } else if (c->upd_pending || c->ctrl_n == CTRLQ) {
        rc = AKIRA_EBUSY;
    } else {
        r.aa = c->aa;
        r.hop = c->hop;
        memcpy(r.chm, c->chm, 5);
        r.interval = params->interval_1250us;
        r.latency = params->latency;
        r.timeout = params->timeout_10ms;
        r.win_size = 1;
        r.win_offset = 0;
        if (!ll_conn_req_valid(&r)) rc = AKIRA_EINVAL;
    }
    if (rc == AKIRA_OK) {
        uint16_t instant = (uint16_t)(c->counter + EVENTS_AHEAD);
        uint8_t pdu[12] = {LL_CONNECTION_UPDATE_IND, r.win_size};
        put16(pdu + 2, r.win_offset);
        put16(pdu + 4, r.interval);
        put16(pdu + 6, r.latency);
        put16(pdu + 8, r.timeout);
        put16(pdu + 10, instant);
        ctrl_push(c, pdu, sizeof(pdu));
        c->upd = r;
        c->upd_instant = instant;
        c->upd_pending = true;
    }
    unlock();
    return rc;
}

akira_err_t akira_ble_ctrl_channel_map(uint16_t handle, const uint8_t chm[5])
{
    if (!ll.running) return AKIRA_ENODEV;
    uint8_t used[37];
    if (!chm || (chm[4] & 0xE0) || ll_chm_used(chm, used) < 2) return AKIRA_EINVAL;
    lock();
    struct conn *c = conn_of(handle);
    akira_err_t rc = !c                                     ? AKIRA_ENOTCONN
                     : c->role != AKIRA_BLE_ROLE_CENTRAL    ? AKIRA_EPERM
                     : c->chm_pending || c->ctrl_n == CTRLQ ? AKIRA_EBUSY
                                                            : AKIRA_OK;
    if (rc == AKIRA_OK) {
        uint16_t instant = (uint16_t)(c->counter + EVENTS_AHEAD);
        uint8_t pdu[8] = {LL_CHANNEL_MAP_IND};
        memcpy(pdu + 1, chm, 5);
        put16(pdu + 6, instant);
        ctrl_push(c, pdu, sizeof(pdu));
        memcpy(c->chm_new, chm, 5);
        c->chm_instant = instant;
        c->chm_pending = true;
    }
    unlock();
    return rc;
}

akira_err_t akira_ble_ctrl_connect_cancel(void)
{
    if (!ll.running) return AKIRA_ENODEV;
    lock();
    bool was = ll.init_on;
    ll.init_on = false;
    unlock();
    return was ? AKIRA_OK : AKIRA_ESTATE;
}

size_t akira_ble_ctrl_conns(struct akira_ble_conn_info *out, size_t max)
{
    if (!ll.running) return 0;
    size_t n = 0;
    lock();
    for (int i = 0; i < AKIRA_BLE_LL_CONN_MAX; i++) {
        const struct conn *c = &ll.conns[i];
        if (!c->used) continue;
        if (out && n < max) {
            struct akira_ble_conn_info *o = &out[n];
            memset(o, 0, sizeof(*o));
            o->handle = c->handle;
            o->role = c->role;
            o->established = c->established;
            o->encrypted = c->enc_rx && c->enc_tx;
            o->peer = c->peer;
            o->params = c->params;
            o->rssi_dbm = c->rssi;
            o->tx_octets = c->tx_octets;
            o->rx_octets = c->rx_octets;
            o->peer_version = c->peer_version;
            o->events = c->events;
            o->rx_pdus = c->rx_pdus;
            o->rx_crc_errors = c->rx_crc;
            o->tx_retransmits = c->retx;
            o->rx_data_bytes = c->rx_data;
        }
        n++;
    }
    unlock();
    return n;
}

akira_err_t akira_ble_ctrl_status(struct akira_ble_ctrl_status *out)
{
    if (!out) return AKIRA_EINVAL;
    if (!ll.running) {
        memset(out, 0, sizeof(*out));
        return AKIRA_ENODEV;
    }
    lock();
    *out = ll.st;
    out->addr = ll.addr;
    out->advertising = ll.adv_on && !adv_paused();
    out->scanning = ll.scan_on;
    out->initiating = ll.init_on;
    unlock();
    return AKIRA_OK;
}

size_t akira_ble_ctrl_ram(size_t *per_conn)
{
    if (per_conn) *per_conn = sizeof(struct conn);
    return sizeof(ll);
}

/* ---- ble_ll.h ---- */

void akira_ble_ll_set_host(const akira_ble_host_ops_t *ops)
{
    if (!ll.running) {
        ll.host = ops;
        return;
    }
    lock();
    ll.host = ops;
    unlock();
}

akira_err_t akira_ble_ll_acl_send(uint16_t conn, uint8_t llid, const uint8_t *data, size_t len)
{
    if (len > AKIRA_BLE_LL_DATA_MAX) return AKIRA_ETOOBIG;
    if ((llid != AKIRA_BLE_LLID_START && llid != AKIRA_BLE_LLID_CONT) || (len && !data))
        return AKIRA_EINVAL;
    if (!ll.running) return AKIRA_ENOTCONN;
    lock();
    struct conn *c = conn_of(conn);
    akira_err_t rc = AKIRA_OK;
    if (!c || c->term_sent) {
        rc = AKIRA_ENOTCONN;
    } else if (c->tx_n == AKIRA_BLE_LL_TXQ) {
        rc = AKIRA_EAGAIN;
    } else {
        struct pdu *p = &c->txq[(c->tx_head + c->tx_n++) % AKIRA_BLE_LL_TXQ];
        p->llid = llid;
        p->len = (uint8_t)len;
        if (len) memcpy(p->data, data, len);
    }
    unlock();
    return rc;
}

akira_err_t akira_ble_ll_encrypt_start(uint16_t conn, const uint8_t ltk[16], const uint8_t rand[8],
                                       uint16_t ediv)
{
    if (!ltk || !rand) return AKIRA_EINVAL;
    if (!ll.running) return AKIRA_ENOTCONN;
    lock();
    struct conn *c = conn_of(conn);
    akira_err_t rc = AKIRA_OK;
    if (!c) {
        rc = AKIRA_ENOTCONN;
    } else if (c->role != AKIRA_BLE_ROLE_CENTRAL) {
        rc = AKIRA_EPERM;
    } else if (c->enc_proc || c->enc_tx) {
        rc = AKIRA_EBUSY; /* refreshing a key (pause encryption) is not built */
    } else {
        memcpy(c->ltk, ltk, 16);
        memcpy(c->rand, rand, 8);
        c->ediv = ediv;
        akira_random_fill(c->skdm, 8);
        akira_random_fill(c->iv, 4);
        uint8_t p[23] = {LL_ENC_REQ};
        memcpy(p + 1, rand, 8);
        put16(p + 9, ediv);
        memcpy(p + 11, c->skdm, 8);
        memcpy(p + 19, c->iv, 4);
        if (ctrl_push(c, p, 23))
            c->enc_proc = true;
        else
            rc = AKIRA_EAGAIN;
    }
    unlock();
    return rc;
}

akira_err_t akira_ble_ll_ltk_reply(uint16_t conn, const uint8_t ltk[16])
{
    if (!ll.running) return AKIRA_ENOTCONN;
    lock();
    struct conn *c = conn_of(conn);
    akira_err_t rc = AKIRA_OK;
    if (!c) {
        rc = AKIRA_ENOTCONN;
    } else if (!c->ltk_wait) {
        rc = AKIRA_ESTATE;
    } else {
        c->ltk_wait = false;
        if (!ltk) {
            c->enc_proc = false;
            ctrl_simple(c, LL_REJECT_IND, 0x06, true); /* PIN or Key Missing */
            struct evt *e = ev_push(EV_ENC, c->handle);
            if (e) e->status = AKIRA_EAUTH;
        } else if (ll_session_key(ltk, c->skdm, c->skds, c->sk) != 0) {
            rc = AKIRA_EIO;
        } else {
            memcpy(c->ltk, ltk, 16);
            ctrl_simple(c, LL_START_ENC_REQ, 0, false);
        }
    }
    unlock();
    return rc;
}

akira_err_t akira_ble_ll_disconnect(uint16_t conn, uint8_t reason)
{
    if (!ll.running) return AKIRA_ENOTCONN;
    lock();
    struct conn *c = conn_of(conn);
    akira_err_t rc = AKIRA_OK;
    if (!c) {
        rc = AKIRA_ENOTCONN;
    } else if (!c->term_sent) {
        c->term_sent = true;
        c->term_reason = reason;
        c->tx_n = 0; /* nothing after TERMINATE_IND */
        if (!ctrl_push(c, (uint8_t[]){LL_TERMINATE_IND, reason}, 2)) c->close_reason = reason;
    }
    unlock();
    return rc;
}

akira_err_t akira_ble_ll_own_addr(akira_ble_addr_t *out)
{
    if (!out) return AKIRA_EINVAL;
    if (!ll.running) return AKIRA_ENODEV;
    *out = ll.addr;
    return AKIRA_OK;
}

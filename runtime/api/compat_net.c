/*
 * API module "compat_net": upstream AkiraOS's network natives ("env" import module,
 * akira/compat.h, docs/compat.md) over our net module (runtime/api/net.c, whose
 * hw_net_* do the work: the manifest's net_hosts, at most 4 sockets per app, every
 * socket closed at the app's end). Upstream's capability denial here is -EACCES.
 *
 * Upstream's model: a socket's data goes through two rings in the app's memory (bound
 * with net_tx_bind / net_rx_bind; 16-byte header write_idx, read_idx, capacity, flags,
 * then capacity bytes of messages framed as u16 LE length + payload, indices growing
 * without bound, position = index mod capacity) and the app learns what happened from
 * net_event_pop ({u8 type, u8 handle, u16 LE extra}). Here the rings are served on the
 * app's own thread, at each net_tx_flush and net_event_pop (upstream's poll thread
 * serves them every 10 ms): the TX ring's whole messages are sent, what arrived is
 * framed into the RX ring while it has room, and the events are queued then. The
 * app's indices are checked before use (a used count over the capacity or a message
 * longer than what is queued is an ERROR event, -EINVAL, and the ring is emptied);
 * the capacity is the one written at bind, whatever the app writes there later.
 *
 * net_connect takes a dotted IPv4 address or "localhost" (there is no DNS here) and
 * connects before it returns (TCP: a waiting call of at most 5 s), then queues
 * CONNECTED, or ERROR with upstream's errno in extra (ECONNREFUSED 111, ETIMEDOUT
 * 116); a host the manifest does not allow is -EACCES at once. net_bind and net_listen
 * are not bound: apps do not listen on this firmware (docs/hw_api.md, net_hosts).
 */
#include <akira/net.h>

#include "compat_priv.h"

#define RING_HDR       16u
#define CONNECT_MS     5000
#define CHUNK          512u /* bytes moved per socket call; UDP datagrams at most this */
#define PUMP_MSGS      16u  /* messages moved per ring per call */
#define UP_TCP         0
#define UP_UDP         1
#define OUR_TCP        1
#define OUR_UDP        2
#define UP_IP_TEXT_MIN 16u
#define UP_EVENT_SIZE  4u

enum { EV_NONE, EV_CONNECTED, EV_DISCONNECTED, EV_DATA_READY, EV_ACCEPT, EV_ERROR };

static bool net_allowed(struct akira_app_ctx *app, const char *fn)
{
    return compat_allowed(app, UPBIT(NETWORK), fn);
}

#define NET_REQUIRE(app, io, fn)                                                                   \
    do {                                                                                           \
        if (!net_allowed((app), (fn))) return hw_ret((io), -AKIRA_UP_EACCES);                      \
    } while (0)

static void push(struct akira_compat_app *s, uint8_t type, int32_t h, uint16_t extra)
{
    if (s->net_ev_count == COMPAT_NET_EVENTS) {
        s->net_ev_dropped++;
        return;
    }
    uint32_t i = (s->net_ev_head + s->net_ev_count++) % COMPAT_NET_EVENTS;
    s->net_ev[i].type = type;
    s->net_ev[i].handle = (uint8_t)h;
    s->net_ev[i].extra = extra;
}

/* The app's socket for upstream's handle h, or NULL. */
static struct akira_compat_app *sock_state(struct akira_app_ctx *app, int32_t h)
{
    struct akira_compat_app *s = compat_state(app);
    if (!s || h < 1 || h > (int32_t)COMPAT_NET_SOCKS || !s->net[h - 1].type) return NULL;
    return s;
}

/* ------------------------------------------------------------------ rings */

/* A bound ring's header and data in app memory (NULL when unbound or gone). */
struct ring {
    uint8_t *hdr, *data;
    uint32_t cap, w, r;
};

static bool ring_get(struct akira_app_ctx *app, uint32_t off, uint32_t total, struct ring *g)
{
    if (!total) return false;
    g->hdr = akira_bridge_mem(app, off, total);
    if (!g->hdr) return false;
    g->data = g->hdr + RING_HDR;
    g->cap = total - RING_HDR;
    g->w = hw_get_u32(g->hdr);
    g->r = hw_get_u32(g->hdr + 4);
    return true;
}

static void ring_copy_out(const struct ring *g, uint32_t idx, uint8_t *dst, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        dst[i] = g->data[(idx + i) % g->cap];
}

static void ring_copy_in(struct ring *g, uint32_t idx, const uint8_t *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        g->data[(idx + i) % g->cap] = src[i];
}

/* The ring's indices do not hold together: an ERROR event and the ring emptied. */
static void ring_broken(struct akira_compat_app *s, int32_t h, struct ring *g, bool tx)
{
    push(s, EV_ERROR, h, AKIRA_UP_EINVAL);
    if (tx) {
        hw_put_u32(g->hdr + 4, g->w);
        s->net[h - 1].tx_sent = 0;
    } else {
        hw_put_u32(g->hdr, g->r);
    }
}

/* The socket failed or the peer went: its event, once; the socket stays open until
 * net_close. */
static void ended(struct akira_compat_app *s, int32_t h, int rc)
{
    s->net[h - 1].ended = true;
    if (rc == 0 || rc == AKIRA_ECONNRESET)
        push(s, EV_DISCONNECTED, h, 0);
    else
        push(s, EV_ERROR, h, (uint16_t)-akira_compat_errno(rc));
}

/* Sends the TX ring's whole messages while the socket takes them. */
static void pump_tx(struct akira_app_ctx *app, struct akira_compat_app *s, int32_t h)
{
    struct ring g;
    struct compat_net_sock *n = &s->net[h - 1];
    if (!n->connected || n->ended || !ring_get(app, n->tx_off, n->tx_total, &g)) return;
    for (uint32_t k = 0; k < PUMP_MSGS; k++) {
        uint32_t used = g.w - g.r;
        if (used > g.cap) return ring_broken(s, h, &g, true);
        if (used < 2) return;
        uint8_t lb[2];
        ring_copy_out(&g, g.r, lb, 2);
        uint32_t len = (uint32_t)lb[0] | (uint32_t)lb[1] << 8;
        /* (a length the app changed under a message half sent is broken too) */
        if (2u + len > used || n->tx_sent > len) return ring_broken(s, h, &g, true);
        uint8_t buf[CHUNK];
        int rc;
        if (n->type == OUR_UDP) {
            if (len > CHUNK) {
                push(s, EV_ERROR, h, AKIRA_UP_EMSGSIZE); /* dropped */
                rc = (int)len;
            } else {
                ring_copy_out(&g, g.r + 2, buf, len);
                rc = hw_net_send(app, h, buf, len);
            }
            if (rc >= 0) n->tx_sent = len;
        } else {
            uint32_t part = len - n->tx_sent > CHUNK ? CHUNK : len - n->tx_sent;
            ring_copy_out(&g, g.r + 2 + n->tx_sent, buf, part);
            rc = part ? hw_net_send(app, h, buf, part) : 0;
            if (rc > 0) n->tx_sent += (uint32_t)rc;
        }
        if (rc == AKIRA_EAGAIN) return; /* the rest at the next call */
        if (rc < 0) return ended(s, h, rc);
        if (n->tx_sent == len) {
            g.r += 2u + len;
            n->tx_sent = 0;
            hw_put_u32(g.hdr + 4, g.r);
        }
    }
}

/* Frames what arrived into the RX ring while it has room; DATA_READY when any did. */
static void pump_rx(struct akira_app_ctx *app, struct akira_compat_app *s, int32_t h)
{
    struct ring g;
    struct compat_net_sock *n = &s->net[h - 1];
    if (!n->connected || n->ended || !ring_get(app, n->rx_off, n->rx_total, &g)) return;
    uint32_t got = 0;
    for (uint32_t k = 0; k < PUMP_MSGS; k++) {
        uint32_t used = g.w - g.r;
        if (used > g.cap) {
            ring_broken(s, h, &g, false);
            break;
        }
        uint32_t room = g.cap - used;
        /* a datagram needs room for the largest one; a stream takes what fits */
        if (room < 3u || (n->type == OUR_UDP && room < 2u + CHUNK)) break;
        uint32_t want = room - 2u > CHUNK ? CHUNK : room - 2u;
        uint8_t buf[CHUNK];
        int rc = hw_net_recv(app, h, buf, want);
        if (rc == AKIRA_EAGAIN) break;
        if (rc < 0 || (rc == 0 && n->type == OUR_TCP)) {
            ended(s, h, rc);
            break;
        }
        uint8_t lb[2] = {(uint8_t)rc, (uint8_t)((uint32_t)rc >> 8)};
        ring_copy_in(&g, g.w, lb, 2);
        ring_copy_in(&g, g.w + 2, buf, (uint32_t)rc);
        g.w += 2u + (uint32_t)rc;
        got += (uint32_t)rc;
        hw_put_u32(g.hdr, g.w);
    }
    if (got) push(s, EV_DATA_READY, h, (uint16_t)(got > 0xFFFF ? 0xFFFF : got));
}

/* ------------------------------------------------------------------ natives */

static aw_status up_open(struct akira_app_ctx *app, aw_val *io)
{
    NET_REQUIRE(app, io, "net_open");
    int32_t type = io[0].i32;
    if (type != UP_TCP && type != UP_UDP) return hw_ret(io, -AKIRA_UP_EINVAL);
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    int h = hw_net_socket(app, type == UP_TCP ? OUR_TCP : OUR_UDP);
    if (h < 0) return compat_ret(io, h == AKIRA_ENOSPC ? AKIRA_ENOMEM : h);
    memset(&s->net[h - 1], 0, sizeof s->net[0]);
    s->net[h - 1].type = (uint8_t)(type == UP_TCP ? OUR_TCP : OUR_UDP);
    return hw_ret(io, h);
}

static aw_status up_connect(struct akira_app_ctx *app, aw_val *io)
{
    int32_t h = io[0].i32, port = io[2].i32;
    size_t len;
    const char *host = akira_bridge_cstr(app, io[1].u32, UINT32_MAX - 1u, &len);
    if (!host) return compat_oob(app);
    NET_REQUIRE(app, io, "net_connect");
    struct akira_compat_app *s = sock_state(app, h);
    if (!s) return hw_ret(io, -AKIRA_UP_EBADF);
    struct akira_net_addr to;
    if (port < 1 || port > 65535 || len > 63 ||
        akira_net_addr_parse(strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, (uint16_t)port,
                             &to) != 0)
        return hw_ret(io, -AKIRA_UP_EINVAL); /* no DNS here: an address or localhost */
    if (s->net[h - 1].connected) return hw_ret(io, -AKIRA_UP_EINVAL);
    aw_status st;
    int rc = hw_net_connect(app, h, &to, CONNECT_MS, &st);
    if (st != AW_OK) return st;
    if (rc == AKIRA_EACCES) return hw_ret(io, -AKIRA_UP_EACCES);
    if (rc == AKIRA_EINVAL || rc == AKIRA_ENOENT) return compat_ret(io, rc);
    if (rc == 0) {
        s->net[h - 1].connected = true;
        push(s, EV_CONNECTED, h, 0);
    } else {
        s->net[h - 1].ended = true;
        push(s, EV_ERROR, h, (uint16_t)-akira_compat_errno(rc));
    }
    return hw_ret(io, 0);
}

static aw_status up_close(struct akira_app_ctx *app, aw_val *io)
{
    NET_REQUIRE(app, io, "net_close");
    int32_t h = io[0].i32;
    struct akira_compat_app *s = sock_state(app, h);
    if (!s) return hw_ret(io, -AKIRA_UP_EBADF);
    int rc = hw_net_close(app, h);
    memset(&s->net[h - 1], 0, sizeof s->net[0]);
    return compat_ret(io, rc);
}

/* net_tx_bind / net_rx_bind: the ring's memory (raw pointer: -EFAULT outside memory);
 * the host writes the capacity and starts it empty. */
static aw_status ring_bind(struct akira_app_ctx *app, aw_val *io, bool tx)
{
    NET_REQUIRE(app, io, tx ? "net_tx_bind" : "net_rx_bind");
    int32_t h = io[0].i32, total = io[2].i32;
    struct akira_compat_app *s = sock_state(app, h);
    if (!s) return hw_ret(io, -AKIRA_UP_EBADF);
    if (total <= (int32_t)RING_HDR) return hw_ret(io, -AKIRA_UP_EINVAL);
    uint8_t *p = akira_bridge_mem(app, io[1].u32, (uint32_t)total);
    if (!p) return hw_ret(io, -AKIRA_UP_EFAULT);
    memset(p, 0, RING_HDR);
    hw_put_u32(p + 8, (uint32_t)total - RING_HDR);
    if (tx) {
        s->net[h - 1].tx_off = io[1].u32;
        s->net[h - 1].tx_total = (uint32_t)total;
        s->net[h - 1].tx_sent = 0;
    } else {
        s->net[h - 1].rx_off = io[1].u32;
        s->net[h - 1].rx_total = (uint32_t)total;
    }
    return hw_ret(io, 0);
}

COMPAT_WRAP(up_tx_bind, ring_bind, true)
COMPAT_WRAP(up_rx_bind, ring_bind, false)

static aw_status up_tx_flush(struct akira_app_ctx *app, aw_val *io)
{
    NET_REQUIRE(app, io, "net_tx_flush");
    int32_t h = io[0].i32;
    struct akira_compat_app *s = sock_state(app, h);
    if (!s) return hw_ret(io, -AKIRA_UP_EBADF);
    if (!s->net[h - 1].connected || s->net[h - 1].ended) return hw_ret(io, -AKIRA_UP_ENOTCONN);
    pump_tx(app, s, h);
    return hw_ret(io, 0);
}

static aw_status up_event_pop(struct akira_app_ctx *app, aw_val *io)
{
    NET_REQUIRE(app, io, "net_event_pop");
    int32_t len = io[1].i32;
    if (len < (int32_t)UP_EVENT_SIZE) return hw_ret(io, -AKIRA_UP_EINVAL);
    uint8_t *out = akira_bridge_mem(app, io[0].u32, (uint32_t)len);
    if (!out) return hw_ret(io, -AKIRA_UP_EFAULT);
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    for (int32_t h = 1; h <= (int32_t)COMPAT_NET_SOCKS; h++) {
        if (!s->net[h - 1].type) continue;
        pump_tx(app, s, h);
        pump_rx(app, s, h);
    }
    if (!s->net_ev_count) return hw_ret(io, EV_NONE);
    const struct compat_net_event *e = &s->net_ev[s->net_ev_head];
    out[0] = e->type;
    out[1] = e->handle;
    out[2] = (uint8_t)e->extra;
    out[3] = (uint8_t)(e->extra >> 8);
    s->net_ev_head = (s->net_ev_head + 1) % COMPAT_NET_EVENTS;
    s->net_ev_count--;
    return hw_ret(io, out[0]);
}

/* net_get_ip: this firmware does not tell apps the device's address; -ENODATA is
 * upstream's answer when it has none. */
static aw_status up_get_ip(struct akira_app_ctx *app, aw_val *io)
{
    NET_REQUIRE(app, io, "net_get_ip");
    int32_t len = io[1].i32;
    if (len < (int32_t)UP_IP_TEXT_MIN) return hw_ret(io, -AKIRA_UP_EINVAL);
    if (!akira_bridge_mem(app, io[0].u32, (uint32_t)len)) return hw_ret(io, -AKIRA_UP_EFAULT);
    return hw_ret(io, -AKIRA_UP_ENODATA);
}

static const struct akira_bridge_entry entries[] = {
    {"net_open", "(i)i", AKIRA_CAP_NET, up_open},
    {"net_connect", "(iii)i", AKIRA_CAP_NET, up_connect},
    {"net_close", "(i)i", AKIRA_CAP_NET, up_close},
    {"net_tx_bind", "(iii)i", AKIRA_CAP_NET, up_tx_bind},
    {"net_rx_bind", "(iii)i", AKIRA_CAP_NET, up_rx_bind},
    {"net_tx_flush", "(i)i", AKIRA_CAP_NET, up_tx_flush},
    {"net_event_pop", "(ii)i", AKIRA_CAP_NET, up_event_pop},
    {"net_get_ip", "(ii)i", AKIRA_CAP_NET, up_get_ip},
};

const struct akira_bridge_module akira_api_compat_net = {
    .name = "compat_net",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EACCES,
};

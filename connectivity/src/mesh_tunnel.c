/*
 * Device management across the mesh (docs/mesh.md, "Management tunnel"): a byte
 * stream between two nodes on port AKIRA_MESH_PORT_MGMT, carried in mesh messages
 * with credit-based flow control (one message in flight each way), so the HTTP API of
 * a node several hops away is served exactly as over TCP or the serial link.
 *
 *  - every node serves one stream at a time with an HTTP instance of its device API
 *    (no socket, like the serial link), same routes, token and limits;
 *  - a gateway node (one with sockets) relays one TCP connection at a time from a
 *    loopback port to a node: `mesh proxy NODE` prints the port, and any HTTP client
 *    (the `akira` CLI, curl) talks to the far node through it.
 *
 * Message: u8 op, u16 session, then data (OPEN, DATA, CREDIT, CLOSE).
 */
#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/http.h>
#include <akira/log.h>
#include <akira/mesh_service.h>
#include <akira/mutex.h>
#include <akira/random.h>
#include <akira/thread.h>
#if AKIRA_CONNECTIVITY_NET
#include <akira/net.h>
#endif

#include "connectivity_priv.h"
#include "mesh_tunnel.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

enum { OP_OPEN = 1, OP_DATA = 2, OP_CREDIT = 3, OP_CLOSE = 4 };

#define HDR       3u
#define CHUNK     208u  /* one fragment: a message is one frame on each hop */
#define SEND_MS   40000 /* one message acknowledged end to end (all its attempts) */
#define CREDIT_MS 30000 /* the far end took the last one */
#define IDLE_MS   30000 /* the HTTP instance's head and idle timeouts */

struct endpoint {
    bool active, credit, peer_closed, broken;
    uint16_t peer, sid;
    uint16_t rx_len, rx_off;
    uint8_t rx[CHUNK];
};

static struct {
    akira_mutex_t *lock;
    akira_condvar_t *cv;
    struct akira_http_server *api;
    struct endpoint server; /* a stream this node serves */
    akira_thread_t *server_thread;
    bool stopping;
#if AKIRA_CONNECTIVITY_NET
    struct endpoint proxy; /* the relayed connection of `mesh proxy` */
    akira_thread_t *proxy_thread;
    akira_sock_t *listener;
    uint16_t proxy_node, proxy_port;
#endif
} t;

static int msg_send(uint16_t to, uint8_t op, uint16_t sid, const void *data, size_t len,
                    int32_t timeout_ms)
{
    uint8_t buf[AKIRA_MESH_MSG_MAX];
    buf[0] = op;
    buf[1] = (uint8_t)sid;
    buf[2] = (uint8_t)(sid >> 8);
    if (len) memcpy(buf + HDR, data, len);
    /* queue-only sends (from the mesh thread, or credits) retry while the queues are full */
    for (int i = 0;; i++) {
        int rc = akira_mesh_service_send(to, AKIRA_MESH_PORT_MGMT, buf, HDR + len, timeout_ms);
        if (rc != AKIRA_ENOSPC || i >= 50) return rc;
        akira_sleep_ms(20);
    }
}

/* --- one end of a stream (lock held where noted) ------------------------------------ */

static void ep_start(struct endpoint *e, uint16_t peer, uint16_t sid)
{
    memset(e, 0, sizeof(*e));
    e->active = true;
    e->credit = true;
    e->peer = peer;
    e->sid = sid;
}

/* A message for e (lock held). */
static void ep_rx(struct endpoint *e, uint8_t op, const uint8_t *data, size_t len)
{
    if (op == OP_DATA) {
        if (e->rx_len || len == 0) {
            e->broken = true; /* the peer sent without credit */
        } else {
            memcpy(e->rx, data, len);
            e->rx_len = (uint16_t)len;
            e->rx_off = 0;
        }
    } else if (op == OP_CREDIT) {
        e->credit = true;
    } else if (op == OP_CLOSE) {
        e->peer_closed = true;
    }
    akira_condvar_broadcast(t.cv);
}

/* Up to cap bytes: the count, 0 when the peer closed, AKIRA_ETIMEDOUT, AKIRA_ECONNRESET. */
static int ep_read(struct endpoint *e, void *buf, size_t cap, int32_t timeout_ms)
{
    akira_mutex_lock(t.lock, AKIRA_FOREVER);
    uint64_t until = akira_uptime_us() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000u;
    while (!e->rx_len && !e->peer_closed && !e->broken && !t.stopping) {
        if (timeout_ms == 0 || akira_condvar_wait_until(t.cv, t.lock, until) == AKIRA_ETIMEDOUT) {
            akira_mutex_unlock(t.lock);
            return AKIRA_ETIMEDOUT;
        }
    }
    int rc;
    bool credit = false;
    if (e->rx_len) {
        size_t left = (size_t)e->rx_len - e->rx_off;
        size_t n = left < cap ? left : cap;
        memcpy(buf, e->rx + e->rx_off, n);
        e->rx_off = (uint16_t)(e->rx_off + n);
        if (e->rx_off == e->rx_len) {
            e->rx_len = 0;
            credit = true;
        }
        rc = (int)n;
    } else {
        rc = e->peer_closed ? 0 : AKIRA_ECONNRESET;
    }
    uint16_t peer = e->peer, sid = e->sid;
    akira_mutex_unlock(t.lock);
    if (credit && msg_send(peer, OP_CREDIT, sid, NULL, 0, 0) < 0) {
        akira_mutex_lock(t.lock, AKIRA_FOREVER);
        e->broken = true;
        akira_mutex_unlock(t.lock);
    }
    return rc;
}

/* All len bytes (0) or AKIRA_ECONNRESET / AKIRA_ETIMEDOUT. */
static int ep_write(struct endpoint *e, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        akira_mutex_lock(t.lock, AKIRA_FOREVER);
        uint64_t until = akira_uptime_us() + (uint64_t)CREDIT_MS * 1000u;
        while (!e->credit && !e->broken && !e->peer_closed && !t.stopping)
            if (akira_condvar_wait_until(t.cv, t.lock, until) == AKIRA_ETIMEDOUT) break;
        bool ok = e->credit && !e->broken && !e->peer_closed && !t.stopping;
        e->credit = false;
        uint16_t peer = e->peer, sid = e->sid;
        akira_mutex_unlock(t.lock);
        if (!ok) return AKIRA_ECONNRESET;
        size_t n = len < CHUNK ? len : CHUNK;
        int rc = msg_send(peer, OP_DATA, sid, p, n, SEND_MS);
        if (rc < 0) {
            akira_mutex_lock(t.lock, AKIRA_FOREVER);
            e->broken = true;
            akira_mutex_unlock(t.lock);
            return rc == AKIRA_ETIMEDOUT ? rc : AKIRA_ECONNRESET;
        }
        p += n;
        len -= n;
    }
    return 0;
}

/* --- the served side ------------------------------------------------------------------ */

static int io_recv(void *ctx, void *buf, size_t cap, int32_t timeout_ms)
{
    return ep_read(ctx, buf, cap, timeout_ms);
}

static int io_send(void *ctx, const void *buf, size_t len, int32_t timeout_ms)
{
    (void)timeout_ms;
    return ep_write(ctx, buf, len);
}

static int server_main(void *arg)
{
    (void)arg;
    char peer[16];
    snprintf(peer, sizeof(peer), "mesh:%u", t.server.peer);
    static const struct akira_http_io io = {io_recv, io_send};
    akira_http_server_serve_io(t.api, &io, &t.server, peer);
    akira_mutex_lock(t.lock, AKIRA_FOREVER);
    bool tell = !t.server.peer_closed && !t.server.broken;
    uint16_t to = t.server.peer, sid = t.server.sid;
    akira_mutex_unlock(t.lock);
    if (tell) msg_send(to, OP_CLOSE, sid, NULL, 0, 0);
    akira_mutex_lock(t.lock, AKIRA_FOREVER);
    t.server.active = false;
    akira_mutex_unlock(t.lock);
    return 0;
}

static void on_message(void *ctx, uint16_t origin, uint16_t dst, const uint8_t *data, size_t len,
                       uint8_t hops)
{
    (void)hops;
    (void)ctx;
    if (dst != akira_mesh_service_id() || len < HDR) return;
    uint8_t op = data[0];
    uint16_t sid = (uint16_t)(data[1] | (data[2] << 8));
    akira_mutex_lock(t.lock, AKIRA_FOREVER);
#if AKIRA_CONNECTIVITY_NET
    if (t.proxy.active && t.proxy.peer == origin && t.proxy.sid == sid) {
        ep_rx(&t.proxy, op, data + HDR, len - HDR);
        akira_mutex_unlock(t.lock);
        return;
    }
#endif
    if (t.server.active && t.server.peer == origin && t.server.sid == sid) {
        ep_rx(&t.server, op, data + HDR, len - HDR);
        akira_mutex_unlock(t.lock);
        return;
    }
    bool busy = t.server.active || t.stopping;
    if (op == OP_OPEN && !busy) {
        if (t.server_thread) { /* the last session's thread has ended */
            akira_thread_join(t.server_thread, AKIRA_FOREVER, NULL);
            t.server_thread = NULL;
        }
        ep_start(&t.server, origin, sid);
        int rc = akira_thread_create(&t.server_thread, "mesh-mgmt", server_main, NULL, 0, 0);
        if (rc) t.server.active = false;
        akira_mutex_unlock(t.lock);
        if (rc)
            msg_send(origin, OP_CLOSE, sid, NULL, 0, 0);
        else
            AKIRA_LOG_INF("mesh: management session from node %u", origin);
        return;
    }
    akira_mutex_unlock(t.lock);
    if (op == OP_OPEN) msg_send(origin, OP_CLOSE, sid, NULL, 0, 0); /* one at a time */
}

/* --- the gateway side ------------------------------------------------------------------- */

#if AKIRA_CONNECTIVITY_NET
static void relay(akira_sock_t *s)
{
    uint16_t sid = 0;
    akira_random_fill(&sid, sizeof(sid));
    akira_mutex_lock(t.lock, AKIRA_FOREVER);
    ep_start(&t.proxy, t.proxy_node, sid);
    akira_mutex_unlock(t.lock);
    if (msg_send(t.proxy_node, OP_OPEN, sid, NULL, 0, SEND_MS) < 0) {
        AKIRA_LOG_WRN("mesh proxy: node %u unreachable", t.proxy_node);
        goto out;
    }
    static uint8_t buf[CHUNK];
    bool sock_open = true;
    for (;;) {
        /* far end to the socket */
        int n = ep_read(&t.proxy, buf, sizeof(buf), sock_open ? 20 : 1000);
        if (n > 0 && akira_net_send_all(s, buf, (size_t)n, IDLE_MS) < 0) break;
        if (n == 0 || n == AKIRA_ECONNRESET) break;
        if (!sock_open) continue;
        /* the socket to the far end, when it can take more */
        akira_mutex_lock(t.lock, AKIRA_FOREVER);
        bool credit = t.proxy.credit;
        bool stop = t.stopping;
        akira_mutex_unlock(t.lock);
        if (stop) break;
        if (!credit) continue;
        struct akira_net_pollfd pfd = {s, AKIRA_NET_POLL_IN, 0};
        if (akira_net_poll(&pfd, 1, 20) <= 0) continue;
        int r = akira_net_recv(s, buf, sizeof(buf), AKIRA_NO_WAIT);
        if (r > 0) {
            if (ep_write(&t.proxy, buf, (size_t)r) < 0) break;
        } else if (r == 0 || r == AKIRA_ECONNRESET) {
            sock_open = false; /* the client is done sending: wait for the answer */
        }
    }
out:
    akira_mutex_lock(t.lock, AKIRA_FOREVER);
    bool tell = !t.proxy.peer_closed;
    t.proxy.active = false;
    akira_mutex_unlock(t.lock);
    if (tell) msg_send(t.proxy_node, OP_CLOSE, sid, NULL, 0, 0);
}

static int proxy_main(void *arg)
{
    (void)arg;
    for (;;) {
        akira_sock_t *s = NULL;
        int rc = akira_net_accept(t.listener, &s, NULL, 200);
        if (rc == AKIRA_ECANCELED || t.stopping) {
            akira_net_close(s);
            break;
        }
        if (rc) continue;
        relay(s);
        akira_net_close(s);
    }
    return 0;
}

int akira_mesh_tunnel_proxy(uint16_t node, uint16_t *port)
{
    if (!t.lock || !port) return AKIRA_ESTATE;
    if (t.proxy_thread) {
        if (t.proxy_node != node) return AKIRA_EBUSY;
        *port = t.proxy_port;
        return 0;
    }
    struct akira_net_addr a = akira_net_addr_loopback(0), got;
    int rc = akira_net_tcp_listen(&t.listener, &a, 1);
    if (!rc) rc = akira_net_local_addr(t.listener, &got);
    if (rc) {
        akira_net_close(t.listener);
        t.listener = NULL;
        return rc;
    }
    t.proxy_node = node;
    t.proxy_port = got.port;
    rc = akira_thread_create(&t.proxy_thread, "mesh-proxy", proxy_main, NULL, 0, 0);
    if (rc) {
        akira_net_close(t.listener);
        t.listener = NULL;
        return rc;
    }
    *port = t.proxy_port;
    return 0;
}
#else
int akira_mesh_tunnel_proxy(uint16_t node, uint16_t *port)
{
    (void)node;
    (void)port;
    return AKIRA_ENOTSUP;
}
#endif

int akira_mesh_tunnel_start(void)
{
    int rc = 0;
    if (!t.lock) {
        rc = akira_mutex_create(&t.lock);
        if (!rc) rc = akira_condvar_create(&t.cv);
        if (rc) return rc;
    }
    t.stopping = false;
    rc = akira_connectivity_stream_api_create(&t.api, IDLE_MS);
    if (!rc) rc = akira_mesh_service_port_set(AKIRA_MESH_PORT_MGMT, on_message, NULL);
    return rc;
}

void akira_mesh_tunnel_stop(void)
{
    if (!t.lock) return;
    akira_mesh_service_port_set(AKIRA_MESH_PORT_MGMT, NULL, NULL);
    akira_mutex_lock(t.lock, AKIRA_FOREVER);
    t.stopping = true;
    akira_condvar_broadcast(t.cv);
    akira_mutex_unlock(t.lock);
#if AKIRA_CONNECTIVITY_NET
    if (t.proxy_thread) {
        akira_net_shutdown(t.listener);
        akira_thread_join(t.proxy_thread, AKIRA_FOREVER, NULL);
        t.proxy_thread = NULL;
        akira_net_close(t.listener);
        t.listener = NULL;
    }
#endif
    if (t.server_thread) {
        akira_thread_join(t.server_thread, AKIRA_FOREVER, NULL);
        t.server_thread = NULL;
    }
    akira_http_server_destroy(t.api);
    t.api = NULL;
}

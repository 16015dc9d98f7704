/*
 * API module "net": TCP and UDP sockets on the host network, capability "net",
 * narrowed to the manifest's `net_hosts`.
 *
 *   net_socket(type i32) -> i32            handle 1..AKIRA_API_SOCKETS_MAX | EINVAL (type
 *                                          not 1 TCP / 2 UDP) | ENOSPC (the app holds 4)
 *   net_connect(h i32, ip i32, port i32, timeout_ms i32) -> i32
 *        ip is a.b.c.d as (a << 24 | b << 16 | c << 8 | d). TCP: connects, waiting at most
 *        timeout_ms (1..10000; a waiting call). UDP: binds an ephemeral port and fixes
 *        the one peer it sends to and accepts datagrams from. 0 | EINVAL | EACCES
 *        (endpoint not in net_hosts) | ECONNREFUSED | ETIMEDOUT | ESTATE (already
 *        connected) | ENOENT (no such handle)
 *   net_send(h i32, buf i32, len i32) -> i32
 *        bytes queued (TCP: 1..len; UDP: one datagram of len <= 1472) | EAGAIN |
 *        ENOTCONN | ECONNRESET | ETOOBIG | EFAULT | ENOENT
 *   net_recv(h i32, buf i32, cap i32) -> i32
 *        bytes (UDP: one datagram, cut to cap) | 0 (TCP: the peer closed) | EAGAIN |
 *        ENOTCONN | ECONNRESET | EFAULT | ENOENT
 *   net_close(h i32) -> i32                0 | ENOENT
 *
 * Nothing but connect waits. Readiness comes as AKIRA_EVENT_NET {a = handle, b =
 * bits: 1 readable (data or the peer's close), 2 writable, 4 error/hang-up}: a poller
 * (a kernel timer every AKIRA_API_NET_POLL_MS from the app's first socket to its end) posts
 * "readable" once, and again only after the app has called net_recv; "writable" once
 * after connect and after a send that gave EAGAIN. So an app that reacts to each event
 * never sees a flood. Datagrams from any other sender are dropped unread. Sockets are
 * closed when the app ends (and the poller is stopped first).
 */
#include <akira/event.h>
#include <akira/net.h>
#include <akira/timer.h>

#include "hw_util.h"

#define AKIRA_API_SOCKETS_MAX  4u
#define AKIRA_API_NET_POLL_MS  10u
#define CONNECT_TIMEOUT_MAX_MS 10000
#define UDP_MAX                1472u
#define IO_MAX                 4096u /* bytes moved per send/recv call */

enum { TYPE_TCP = 1, TYPE_UDP = 2 };

struct net_sock {
    int type;                   /* 0: free */
    akira_sock_t *sock;         /* NULL until connected */
    struct akira_net_addr peer; /* UDP: the only peer */
    bool want_in, want_out, err_sent;
};

struct net_app {
    struct akira_app_ctx *app; /* NULL: free */
    akira_mutex_t *lock;       /* the table below, against the poller */
    akira_timer_t *poller;
    struct net_sock socks[AKIRA_API_SOCKETS_MAX];
};

static struct hw_lock lock; /* the slot table */
static struct net_app slots[AKIRA_BOARD_APPS_INSTALLED_MAX];

/* On the kernel timer thread: must not block, so poll without waiting and skip a round
 * when the app's thread holds the table. */
static void poll_app(akira_timer_t *t, void *user)
{
    (void)t;
    struct net_app *na = user;
    if (akira_mutex_lock(na->lock, AKIRA_NO_WAIT) != 0) return;
    struct akira_net_pollfd fds[AKIRA_API_SOCKETS_MAX];
    for (size_t i = 0; i < AKIRA_API_SOCKETS_MAX; i++) {
        struct net_sock *s = &na->socks[i];
        fds[i].sock = s->sock;
        fds[i].events = (uint8_t)((s->want_in ? AKIRA_NET_POLL_IN : 0) |
                                  (s->want_out ? AKIRA_NET_POLL_OUT : 0));
        if (!fds[i].events && s->err_sent) fds[i].sock = NULL;
        fds[i].revents = 0;
    }
    if (akira_net_poll(fds, AKIRA_API_SOCKETS_MAX, AKIRA_NO_WAIT) > 0) {
        for (size_t i = 0; i < AKIRA_API_SOCKETS_MAX; i++) {
            struct net_sock *s = &na->socks[i];
            uint32_t bits = fds[i].revents & (fds[i].events | AKIRA_NET_POLL_ERR);
            if (s->err_sent) bits &= ~AKIRA_NET_POLL_ERR;
            if (!bits) continue;
            if (bits & AKIRA_NET_POLL_IN) s->want_in = false;
            if (bits & AKIRA_NET_POLL_OUT) s->want_out = false;
            if (bits & AKIRA_NET_POLL_ERR) s->err_sent = true;
            struct akira_event e = {AKIRA_EVENT_NET, (uint32_t)i + 1, bits, 0};
            akira_evq_post(na->app->evq, &e);
        }
    }
    akira_mutex_unlock(na->lock);
}

/* The app's slot; with make, created (lock and poller) when missing. */
static struct net_app *app_slot(struct akira_app_ctx *app, bool make, int *rc)
{
    struct net_app *na = NULL, *free_slot = NULL;
    *rc = 0;
    if (!hw_lock(&lock)) {
        *rc = AKIRA_ENOMEM;
        return NULL;
    }
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX && !na; i++) {
        if (slots[i].app == app)
            na = &slots[i];
        else if (!slots[i].app && !free_slot)
            free_slot = &slots[i];
    }
    if (!na && make) {
        if (!free_slot) {
            *rc = AKIRA_ENOSPC;
        } else if ((*rc = akira_mutex_create(&free_slot->lock)) == 0) {
            if ((*rc = akira_timer_create(&free_slot->poller, poll_app, free_slot)) != 0 ||
                (free_slot->app = app,
                 (*rc = akira_timer_start(free_slot->poller, AKIRA_API_NET_POLL_MS,
                                          AKIRA_API_NET_POLL_MS)) != 0)) {
                akira_timer_destroy(free_slot->poller);
                akira_mutex_destroy(free_slot->lock);
                memset(free_slot, 0, sizeof(*free_slot));
            } else {
                na = free_slot;
            }
        }
    }
    if (!na && !make && *rc == 0) *rc = AKIRA_ENOENT;
    hw_unlock(&lock);
    return na;
}

/* The socket of handle h with the app's table locked (unlock with na->lock). */
static struct net_sock *sock_of(struct akira_app_ctx *app, int32_t h, struct net_app **out)
{
    int rc;
    if (h < 1 || h > (int32_t)AKIRA_API_SOCKETS_MAX) return NULL;
    struct net_app *na = app_slot(app, false, &rc);
    if (!na) return NULL;
    akira_mutex_lock(na->lock, AKIRA_FOREVER);
    struct net_sock *s = &na->socks[h - 1];
    if (!s->type) {
        akira_mutex_unlock(na->lock);
        return NULL;
    }
    *out = na;
    return s;
}

int hw_net_socket(struct akira_app_ctx *app, int32_t type)
{
    if (type != TYPE_TCP && type != TYPE_UDP) return AKIRA_EINVAL;
    int rc;
    struct net_app *na = app_slot(app, true, &rc);
    if (!na) return rc;
    akira_mutex_lock(na->lock, AKIRA_FOREVER);
    int32_t h = AKIRA_ENOSPC;
    for (size_t i = 0; i < AKIRA_API_SOCKETS_MAX && h < 0; i++) {
        if (na->socks[i].type) continue;
        memset(&na->socks[i], 0, sizeof(na->socks[i]));
        na->socks[i].type = type;
        h = (int32_t)i + 1;
    }
    akira_mutex_unlock(na->lock);
    return h;
}

static aw_status api_socket(struct akira_app_ctx *app, aw_val *io)
{
    return hw_ret(io, hw_net_socket(app, io[0].i32));
}

int hw_net_connect(struct akira_app_ctx *app, int32_t h, const struct akira_net_addr *to,
                   int32_t timeout, aw_status *st)
{
    *st = AW_OK;
    if (to->port < 1 || timeout < 1 || timeout > CONNECT_TIMEOUT_MAX_MS) return AKIRA_EINVAL;
    if (!akira_manifest_host_allowed(app->manifest, to->ip, to->port))
        return hw_deny(app, "net %u.%u.%u.%u:%u is not in the manifest's net_hosts", to->ip[0],
                       to->ip[1], to->ip[2], to->ip[3], to->port);
    struct net_app *na;
    struct net_sock *s = sock_of(app, h, &na);
    if (!s) return AKIRA_ENOENT;
    int type = s->type;
    bool busy = s->sock != NULL;
    akira_mutex_unlock(na->lock);
    if (busy) return AKIRA_ESTATE;
    /* Connect without the table lock (it waits); only this thread changes the slot. */
    akira_sock_t *sock = NULL;
    int rc;
    if (type == TYPE_TCP) {
        akira_bridge_wait_begin(app);
        rc = akira_net_tcp_connect(&sock, to, timeout);
        *st = akira_bridge_wait_end(app);
    } else {
        struct akira_net_addr any = akira_net_addr_any(0);
        rc = akira_net_udp_open(&sock, &any);
    }
    if (rc == 0) {
        akira_mutex_lock(na->lock, AKIRA_FOREVER);
        s->sock = sock;
        s->peer = *to;
        s->want_in = true;
        s->want_out = true;
        akira_mutex_unlock(na->lock);
    }
    return rc;
}

static aw_status api_connect(struct akira_app_ctx *app, aw_val *io)
{
    int32_t port = io[2].i32;
    uint32_t ip = io[1].u32;
    struct akira_net_addr to = {
        {(uint8_t)(ip >> 24), (uint8_t)(ip >> 16), (uint8_t)(ip >> 8), (uint8_t)ip},
        (uint16_t)port};
    if (port < 1 || port > 65535) return hw_ret(io, AKIRA_EINVAL);
    aw_status st;
    io[0].i32 = hw_net_connect(app, io[0].i32, &to, io[3].i32, &st);
    return st;
}

int hw_net_send(struct akira_app_ctx *app, int32_t h, const void *p, uint32_t len)
{
    struct net_app *na;
    struct net_sock *s = sock_of(app, h, &na);
    if (!s) return AKIRA_ENOENT;
    int rc;
    if (!s->sock) {
        rc = AKIRA_ENOTCONN;
    } else if (s->type == TYPE_UDP) {
        rc = len > UDP_MAX ? AKIRA_ETOOBIG
                           : akira_net_sendto(s->sock, p, len, &s->peer, AKIRA_NO_WAIT);
    } else {
        rc = akira_net_send(s->sock, p, len > IO_MAX ? IO_MAX : len, AKIRA_NO_WAIT);
    }
    if (rc == AKIRA_EAGAIN) s->want_out = true;
    akira_mutex_unlock(na->lock);
    return rc;
}

static aw_status api_send(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[2].u32;
    const void *p = akira_bridge_mem(app, io[1].u32, len);
    if (!p) return hw_ret(io, AKIRA_EFAULT);
    return hw_ret(io, hw_net_send(app, io[0].i32, p, len));
}

int hw_net_recv(struct akira_app_ctx *app, int32_t h, void *p, uint32_t cap)
{
    struct net_app *na;
    struct net_sock *s = sock_of(app, h, &na);
    if (!s) return AKIRA_ENOENT;
    int rc;
    if (!s->sock) {
        rc = AKIRA_ENOTCONN;
    } else if (s->type == TYPE_UDP) {
        struct akira_net_addr from;
        do {
            rc = akira_net_recvfrom(s->sock, p, cap, &from, AKIRA_NO_WAIT);
        } while (rc >= 0 && (memcmp(from.ip, s->peer.ip, 4) != 0 || from.port != s->peer.port));
    } else {
        rc = akira_net_recv(s->sock, p, cap > IO_MAX ? IO_MAX : cap, AKIRA_NO_WAIT);
    }
    s->want_in = true; /* the next arrival (or what is left) is signalled again */
    akira_mutex_unlock(na->lock);
    return rc;
}

static aw_status api_recv(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t cap = io[2].u32;
    void *p = akira_bridge_mem(app, io[1].u32, cap);
    if (!p) return hw_ret(io, AKIRA_EFAULT);
    return hw_ret(io, hw_net_recv(app, io[0].i32, p, cap));
}

int hw_net_close(struct akira_app_ctx *app, int32_t h)
{
    struct net_app *na;
    struct net_sock *s = sock_of(app, h, &na);
    if (!s) return AKIRA_ENOENT;
    /* The poller takes the lock before touching a socket, so closing under it is the
     * last use of the socket. */
    akira_net_close(s->sock);
    memset(s, 0, sizeof(*s));
    akira_mutex_unlock(na->lock);
    return 0;
}

static aw_status api_close(struct akira_app_ctx *app, aw_val *io)
{
    return hw_ret(io, hw_net_close(app, io[0].i32));
}

static void net_app_end(struct akira_app_ctx *app)
{
    int rc;
    if (!atomic_load(&lock.m)) return;
    struct net_app *na = app_slot(app, false, &rc);
    if (!na) return;
    akira_timer_destroy(na->poller); /* returns once poll_app is not running */
    for (size_t i = 0; i < AKIRA_API_SOCKETS_MAX; i++)
        akira_net_close(na->socks[i].sock);
    akira_mutex_destroy(na->lock);
    if (hw_lock(&lock)) {
        memset(na, 0, sizeof(*na));
        hw_unlock(&lock);
    }
}

static const struct akira_bridge_entry entries[] = {
    {"net_socket", "(i)i", AKIRA_CAP_NET, api_socket},
    {"net_connect", "(iiii)i", AKIRA_CAP_NET, api_connect},
    {"net_send", "(iii)i", AKIRA_CAP_NET, api_send},
    {"net_recv", "(iii)i", AKIRA_CAP_NET, api_recv},
    {"net_close", "(i)i", AKIRA_CAP_NET, api_close},
};

const struct akira_bridge_module akira_api_net = {
    .name = "net",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = net_app_end,
};

/*
 * The TCP link for shell streams (`--shell-port`): each connection opens a stream of
 * kind AKIRA_TRANSPORT_KIND_SHELL and pushes what it receives into it; the service's
 * output goes back through reply. One thread per connection, a fixed number at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/mutex.h>
#include <akira/net.h>
#include <akira/thread.h>
#include <akira/tls.h>
#include <akira/transport.h>

#include "connectivity_priv.h"

#define CONNS_MAX 12

struct tcp_conn {
    struct akira_tcp_shell *srv;
    akira_thread_t *thread;
    akira_sock_t *sock;
    struct akira_tls_conn *tls; /* the session on sock (a TLS shell), else NULL */
    bool used, finished;        /* under srv->lock */
    bool got_bytes;             /* under srv->lock: the peer sent something */
    uint64_t opened_ms;
    char peer[AKIRA_NET_ADDR_STR_MAX];
};

struct akira_tcp_shell {
    akira_sock_t *listener;
    akira_thread_t *acceptor;
    akira_mutex_t *lock;
    struct akira_tls_server *tls; /* NULL: plain TCP */
    struct tcp_conn conns[CONNS_MAX];
};

/* The connection's bytes, in clear or through its TLS session. */
static int link_send(struct tcp_conn *c, const void *data, size_t len, int32_t timeout_ms)
{
    return c->tls ? akira_tls_send_all(c->tls, data, len, timeout_ms)
                  : akira_net_send_all(c->sock, data, len, timeout_ms);
}

static int link_recv(struct tcp_conn *c, void *buf, size_t cap, int32_t timeout_ms)
{
    return c->tls ? akira_tls_recv(c->tls, buf, cap, timeout_ms)
                  : akira_net_recv(c->sock, buf, cap, timeout_ms);
}

static int tcp_reply(void *link, const void *data, size_t len)
{
    struct tcp_conn *c = link;
    return link_send(c, data, len, 10000);
}

static void tcp_hangup(void *link)
{
    struct tcp_conn *c = link;
    akira_net_shutdown(c->sock);
}

static int conn_main(void *arg)
{
    struct tcp_conn *c = arg;
    struct akira_transport_stream st;
    struct akira_transport_stream_info info = {
        .kind = AKIRA_TRANSPORT_KIND_SHELL,
        .transport = "tcp",
        .peer = c->peer,
        .length = AKIRA_TRANSPORT_LENGTH_UNKNOWN,
        .reply = tcp_reply,
        .hangup = tcp_hangup,
        .link = c,
    };
    /* What a client sends at once (a script's token) is read before the stream opens
     * and handed over right after, so its session never looks idle. */
    unsigned char first[256];
    int nfirst = 0;
    if (c->srv->tls) {
        /* The handshake first (10 s at most); a failure is logged by the TLS layer. */
        nfirst = akira_tls_server_accept(c->srv->tls, &c->tls, c->sock, 10000);
        if (nfirst) {
            akira_mutex_lock(c->srv->lock, AKIRA_FOREVER);
            c->finished = true;
            akira_mutex_unlock(c->srv->lock);
            return 0;
        }
        info.transport = "tls";
    }
    nfirst = link_recv(c, first, sizeof(first), 100);
    int rc =
        nfirst < 0 && nfirst != AKIRA_ETIMEDOUT ? nfirst : akira_transport_stream_open(&st, &info);
    /* Busy: the service may just have ended a session stuck at its token prompt for
     * us; its slot is free once that link has closed (a few ms). */
    for (int i = 0; rc == AKIRA_EBUSY && i < 20; i++) {
        akira_sleep_ms(100);
        rc = akira_transport_stream_open(&st, &info);
    }
    if (rc) {
        const char *msg =
            rc == AKIRA_EBUSY ? "too many shell sessions\r\n" : "shell not available\r\n";
        (void)link_send(c, msg, strlen(msg), 1000);
    } else {
        int status = 0;
        unsigned char buf[256];
        if (nfirst > 0) {
            akira_mutex_lock(c->srv->lock, AKIRA_FOREVER);
            c->got_bytes = true;
            akira_mutex_unlock(c->srv->lock);
            status = akira_transport_stream_write(&st, first, (size_t)nfirst);
        }
        for (; status == 0;) {
            int n = link_recv(c, buf, sizeof(buf), AKIRA_FOREVER);
            if (n <= 0) {
                status = n == 0 ? 0 : n;
                break;
            }
            if (!c->got_bytes) {
                akira_mutex_lock(c->srv->lock, AKIRA_FOREVER);
                c->got_bytes = true;
                akira_mutex_unlock(c->srv->lock);
            }
            rc = akira_transport_stream_write(&st, buf, (size_t)n);
            if (rc) {
                status = rc;
                break;
            }
        }
        akira_net_shutdown(c->sock);
        akira_transport_stream_close(&st, status ? status : AKIRA_ECONNRESET, NULL, 0);
    }
    akira_tls_close(c->tls); /* the socket stays for reap() */
    c->tls = NULL;
    akira_mutex_lock(c->srv->lock, AKIRA_FOREVER);
    c->finished = true;
    akira_mutex_unlock(c->srv->lock);
    return 0;
}

/* Joins finished connections (all of them with `all`) and frees their slots. */
static void reap(struct akira_tcp_shell *srv, bool all)
{
    for (int i = 0; i < CONNS_MAX; i++) {
        struct tcp_conn *c = &srv->conns[i];
        akira_mutex_lock(srv->lock, AKIRA_FOREVER);
        bool join = c->used && (c->finished || all);
        akira_mutex_unlock(srv->lock);
        if (!join) continue;
        akira_thread_join(c->thread, AKIRA_FOREVER, NULL);
        akira_net_close(c->sock);
        akira_mutex_lock(srv->lock, AKIRA_FOREVER);
        c->used = false;
        c->sock = NULL;
        akira_mutex_unlock(srv->lock);
    }
}

/* A free connection slot (marked used). When all are taken, the oldest connection
 * whose peer sent no byte in its first second is hung up for it (idle clients cannot
 * keep the shell from someone who logs in), waiting up to 1.5 s for one; NULL if none
 * comes free. */
static struct tcp_conn *take_slot(struct akira_tcp_shell *srv)
{
    bool hung_up = false;
    for (int tries = 0; tries < 150; tries++) {
        reap(srv, false);
        struct tcp_conn *slot = NULL, *idle = NULL;
        akira_mutex_lock(srv->lock, AKIRA_FOREVER);
        uint64_t now = akira_uptime_ms();
        for (int i = 0; i < CONNS_MAX && !slot; i++) {
            struct tcp_conn *c = &srv->conns[i];
            if (!c->used)
                slot = c;
            else if (!c->finished && !c->got_bytes && now - c->opened_ms >= 1000 &&
                     (!idle || c->opened_ms < idle->opened_ms))
                idle = c;
        }
        if (slot) {
            memset(slot, 0, sizeof(*slot));
            slot->srv = srv;
            slot->used = true;
            slot->opened_ms = now;
        } else if (idle && !hung_up) {
            akira_net_shutdown(idle->sock);
            hung_up = true;
        }
        akira_mutex_unlock(srv->lock);
        if (slot) return slot;
        akira_sleep_ms(10);
    }
    return NULL;
}

static int acceptor(void *arg)
{
    struct akira_tcp_shell *srv = arg;
    for (;;) {
        akira_sock_t *sock;
        struct akira_net_addr peer;
        int rc = akira_net_accept(srv->listener, &sock, &peer, AKIRA_FOREVER);
        if (rc == AKIRA_ECANCELED) return 0;
        if (rc < 0) {
            akira_sleep_ms(10);
            continue;
        }
        struct tcp_conn *slot = take_slot(srv);
        if (slot) {
            akira_mutex_lock(srv->lock, AKIRA_FOREVER);
            slot->sock = sock;
            akira_net_addr_format(&peer, slot->peer, sizeof(slot->peer));
            akira_mutex_unlock(srv->lock);
        }
        if (!slot) {
            static const char busy[] = "too many shell sessions\r\n";
            (void)akira_net_send(sock, busy, sizeof(busy) - 1, AKIRA_NO_WAIT);
            akira_net_close(sock);
            continue;
        }
        rc = akira_thread_create(&slot->thread, "shell-tcp", conn_main, slot, AKIRA_PRIO_DEFAULT,
                                 AKIRA_THREAD_STACK_MIN);
        if (rc) {
            akira_net_close(sock);
            akira_mutex_lock(srv->lock, AKIRA_FOREVER);
            slot->used = false;
            akira_mutex_unlock(srv->lock);
        }
    }
}

int akira_tcp_shell_start(struct akira_tcp_shell **out, const struct akira_net_addr *addr,
                          struct akira_tls_server *tls)
{
    if (!out || !addr) return AKIRA_EINVAL;
    struct akira_tcp_shell *srv = calloc(1, sizeof(*srv));
    if (!srv) return AKIRA_ENOMEM;
    srv->tls = tls;
    int rc = akira_mutex_create(&srv->lock);
    if (!rc) rc = akira_net_tcp_listen(&srv->listener, addr, 8);
    if (!rc)
        rc = akira_thread_create(&srv->acceptor, "shell-accept", acceptor, srv, AKIRA_PRIO_DEFAULT,
                                 AKIRA_THREAD_STACK_MIN);
    if (rc) {
        akira_net_close(srv->listener);
        if (srv->lock) akira_mutex_destroy(srv->lock);
        free(srv);
        return rc;
    }
    *out = srv;
    return 0;
}

int akira_tcp_shell_addr(const struct akira_tcp_shell *s, struct akira_net_addr *out)
{
    return akira_net_local_addr(s->listener, out);
}

void akira_tcp_shell_stop(struct akira_tcp_shell *srv)
{
    if (!srv) return;
    akira_net_shutdown(srv->listener);
    akira_thread_join(srv->acceptor, AKIRA_FOREVER, NULL);
    akira_mutex_lock(srv->lock, AKIRA_FOREVER);
    for (int i = 0; i < CONNS_MAX; i++)
        if (srv->conns[i].used) akira_net_shutdown(srv->conns[i].sock);
    akira_mutex_unlock(srv->lock);
    reap(srv, true);
    akira_net_close(srv->listener);
    akira_mutex_destroy(srv->lock);
    free(srv);
}

/*
 * The HTTP server on TCP (akira/http.h): listener, accept thread, worker pool and the
 * graceful stop. Each worker serves its connection through the socket as the
 * connection's io (http_server.c has no socket code).
 */
#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/tls.h>

#include "http_priv.h"

AKIRA_LOG_MODULE_DECLARE(http);

static int tcp_recv(void *ctx, void *buf, size_t cap, int32_t timeout_ms)
{
    struct http_conn *c = ctx;
    return akira_net_recv(c->sock, buf, cap, timeout_ms);
}

static int tcp_send(void *ctx, const void *buf, size_t len, int32_t timeout_ms)
{
    struct http_conn *c = ctx;
    return akira_net_send_all(c->sock, buf, len, timeout_ms);
}

static const struct akira_http_io tcp_io = {tcp_recv, tcp_send};

/* HTTPS: the same HTTP code on the connection's TLS session. */
static int tls_recv(void *ctx, void *buf, size_t cap, int32_t timeout_ms)
{
    struct http_conn *c = ctx;
    return akira_tls_recv(c->tls, buf, cap, timeout_ms);
}

static int tls_send(void *ctx, const void *buf, size_t len, int32_t timeout_ms)
{
    struct http_conn *c = ctx;
    return akira_tls_send_all(c->tls, buf, len, timeout_ms);
}

static const struct akira_http_io tls_io = {tls_recv, tls_send};

/* HTTPS: the handshake starts once the client's first bytes are there. Until then a
 * silent connection holds its worker only as a silent plain one does: up to
 * head_timeout_ms, or idle_busy_timeout_ms while others wait for a worker, or until
 * the server stops. */
static bool hello_arrives(struct http_conn *c)
{
    struct akira_http_server *s = c->srv;
    uint64_t t0 = akira_uptime_ms();
    for (;;) {
        struct akira_net_pollfd p = {.sock = c->sock, .events = AKIRA_NET_POLL_IN};
        int rc = akira_net_poll(&p, 1, 100);
        if (rc > 0) return true;
        if (rc != AKIRA_ETIMEDOUT && rc != AKIRA_EAGAIN) return false;
        uint64_t spent = akira_uptime_ms() - t0;
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        bool stop = s->stopping;
        akira_mutex_unlock(s->lock);
        if (stop || spent >= s->cfg.head_timeout_ms ||
            (spent >= s->cfg.idle_busy_timeout_ms && http_pressed(s)))
            return false;
    }
}

static int worker(void *arg)
{
    struct http_conn *c = arg;
    struct akira_http_server *s = c->srv;
    c->io = s->cfg.tls ? &tls_io : &tcp_io;
    c->io_ctx = c;
    for (;;) {
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        while (s->q_count == 0 && !s->stopping)
            akira_condvar_wait(s->cv, s->lock, AKIRA_FOREVER);
        if (s->q_count == 0) {
            akira_mutex_unlock(s->lock);
            return 0;
        }
        c->sock = s->queue[s->q_head];
        struct akira_net_addr peer = s->queue_peer[s->q_head];
        s->q_head = (s->q_head + 1) % s->ring;
        s->q_count--;
        s->active++;
        akira_mutex_unlock(s->lock);

        memcpy(c->peer_ip, peer.ip, 4);
        akira_net_addr_format(&peer, c->peer, sizeof(c->peer));
        /* The handshake: stop() may shut the socket down meanwhile (it stays ours). */
        int hs = !s->cfg.tls         ? 0
                 : !hello_arrives(c) ? AKIRA_ETIMEDOUT
                                     : akira_tls_server_accept(s->cfg.tls, &c->tls, c->sock,
                                                               (int32_t)s->cfg.head_timeout_ms);
        if (hs == 0) http_serve(c);

        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        akira_sock_t *sock = c->sock;
        c->sock = NULL;
        c->waiting = false;
        s->active--;
        akira_mutex_unlock(s->lock);
        akira_tls_close(c->tls);
        c->tls = NULL;
        akira_net_close(sock);
    }
}

static void refuse_busy(akira_sock_t *sock)
{
    static const char body[] = "{\"error\":\"too many connections\",\"status\":503}";
    char msg[256];
    int n = snprintf(msg, sizeof(msg),
                     "HTTP/1.1 503 Service Unavailable\r\nServer: AkiraOS\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nRetry-After: 1\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     sizeof(body) - 1, body);
    /* Never waits: a client that does not read its 503 just loses it. */
    if (n > 0) (void)akira_net_send(sock, msg, (size_t)n, AKIRA_NO_WAIT);
    akira_net_shutdown(sock);
    akira_net_close(sock);
}

static int acceptor(void *arg)
{
    struct akira_http_server *s = arg;
    for (;;) {
        akira_sock_t *sock;
        struct akira_net_addr peer;
        int rc = akira_net_accept(s->listener, &sock, &peer, AKIRA_FOREVER);
        if (rc == AKIRA_ECANCELED) return 0;
        if (rc < 0) {
            /* Out of sockets or memory: the connection stays queued in the stack;
             * give the workers time to free some. */
            akira_sleep_ms(10);
            continue;
        }
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        s->stats.accepted++;
        bool full = s->stopping || s->q_count >= s->cfg.queue + (s->cfg.workers - s->active);
        if (full) {
            s->stats.rejected_busy++;
        } else {
            unsigned tail = (s->q_head + s->q_count) % s->ring;
            s->queue[tail] = sock;
            s->queue_peer[tail] = peer;
            s->q_count++;
            akira_condvar_signal(s->cv);
        }
        akira_mutex_unlock(s->lock);
        if (full && s->cfg.tls) akira_net_close(sock);
        if (full && !s->cfg.tls) refuse_busy(sock);
    }
}

int akira_http_server_start(struct akira_http_server *s)
{
    if (!s) return AKIRA_EINVAL;
    if (s->started) return AKIRA_ESTATE;
    s->stop = akira_http_server_stop;
    int rc = akira_net_tcp_listen(&s->listener, &s->cfg.addr, 64);
    if (rc) return rc;
    s->stopping = false;
    s->started = true;
    unsigned made = 0;
    for (; made < s->cfg.workers; made++) {
        char name[AKIRA_THREAD_NAME_MAX];
        snprintf(name, sizeof(name), "http%u", made);
        rc = akira_thread_create(&s->conns[made].thread, name, worker, &s->conns[made],
                                 AKIRA_PRIO_DEFAULT, HTTP_WORKER_STACK);
        if (rc) break;
    }
    if (!rc)
        rc = akira_thread_create(&s->acceptor, "http-accept", acceptor, s, AKIRA_PRIO_DEFAULT,
                                 AKIRA_THREAD_STACK_MIN);
    if (rc) {
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        s->stopping = true;
        akira_condvar_broadcast(s->cv);
        akira_mutex_unlock(s->lock);
        for (unsigned i = 0; i < made; i++)
            akira_thread_join(s->conns[i].thread, AKIRA_FOREVER, NULL);
        akira_net_close(s->listener);
        s->listener = NULL;
        s->started = false;
        return rc;
    }
    struct akira_net_addr a;
    char as[AKIRA_NET_ADDR_STR_MAX] = "?";
    if (akira_net_local_addr(s->listener, &a) == 0) akira_net_addr_format(&a, as, sizeof(as));
    AKIRA_LOG_INF("listening on %s, %u workers", as, s->cfg.workers);
    return 0;
}

int akira_http_server_addr(const struct akira_http_server *s, struct akira_net_addr *out)
{
    if (!s || !out || !s->listener) return AKIRA_ESTATE;
    return akira_net_local_addr(s->listener, out);
}

void akira_http_server_stop(struct akira_http_server *s, uint32_t grace_ms)
{
    if (!s || !s->started) return;
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    s->stopping = true;
    akira_condvar_broadcast(s->cv);
    for (unsigned i = 0; i < s->cfg.workers; i++)
        if (s->conns[i].sock && s->conns[i].waiting) akira_net_shutdown(s->conns[i].sock);
    akira_mutex_unlock(s->lock);
    akira_net_shutdown(s->listener);
    akira_thread_join(s->acceptor, AKIRA_FOREVER, NULL);

    /* Requests in progress finish (their connection closes after the response). */
    uint64_t until = akira_uptime_ms() + grace_ms;
    for (;;) {
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        unsigned active = s->active;
        /* Queued connections are not served any more: a worker that drains the
         * queue would start new requests. */
        while (s->q_count) {
            akira_net_close(s->queue[s->q_head]);
            s->q_head = (s->q_head + 1) % s->ring;
            s->q_count--;
        }
        if (active == 0 || akira_uptime_ms() >= until) {
            for (unsigned i = 0; i < s->cfg.workers; i++)
                if (s->conns[i].sock) akira_net_shutdown(s->conns[i].sock);
            akira_mutex_unlock(s->lock);
            break;
        }
        akira_mutex_unlock(s->lock);
        akira_sleep_ms(5);
    }
    for (unsigned i = 0; i < s->cfg.workers; i++)
        akira_thread_join(s->conns[i].thread, AKIRA_FOREVER, NULL);
    akira_net_close(s->listener);
    s->listener = NULL;
    s->started = false;
    AKIRA_LOG_INF("stopped");
}

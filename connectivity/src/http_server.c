/*
 * HTTP server core: configuration, the per-connection request loop and the request
 * accessors, on a connection's io (see akira/http.h for the model and the limits). No
 * socket here: http_listen.c is the TCP part (listener, accept thread, worker pool), so
 * a board without a network serves the API over another link (akira_http_server_serve_io).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/json.h>
#include <akira/log.h>
#include <akira/transport.h>

#include "http_priv.h"

AKIRA_LOG_MODULE_REGISTER(http);

struct akira_http_config akira_http_config_default(struct akira_net_addr addr)
{
    return (struct akira_http_config){
        .addr = addr,
        .workers = 8,
        .queue = 16,
        .head_max = 4096,
        .head_timeout_ms = 10000,
        .idle_timeout_ms = 10000,
        .idle_busy_timeout_ms = 1000,
        .body_min_rate = 1024,
        .body_rate_grace_ms = 1000,
        .body_max_default = 64 * 1024,
        .auth_failures_free = 3,
        .auth_lock_ms = 1000,
        .auth_lock_max_ms = 60000,
        .auth_global_free = 16,
    };
}

int akira_http_server_create(struct akira_http_server **out, const struct akira_http_config *cfg)
{
    if (!out || !cfg || cfg->workers < 1 || cfg->workers > AKIRA_HTTP_WORKERS_MAX ||
        cfg->queue < 1 || cfg->head_max < 256 || cfg->head_timeout_ms == 0 ||
        cfg->idle_timeout_ms == 0 || cfg->idle_timeout_ms > INT32_MAX ||
        cfg->idle_busy_timeout_ms > cfg->idle_timeout_ms || cfg->auth_failures_free < 1 ||
        cfg->auth_lock_ms == 0 || cfg->auth_lock_max_ms < cfg->auth_lock_ms ||
        cfg->auth_global_free < 1) {
        return AKIRA_EINVAL;
    }
    struct akira_http_server *s = calloc(1, sizeof(*s));
    if (!s) return AKIRA_ENOMEM;
    s->cfg = *cfg;
    s->conns = calloc(cfg->workers, sizeof(*s->conns));
    /* Room for the waiting connections plus one per idle worker: a burst of connects
     * that free workers are about to take must not be refused. */
    s->ring = cfg->queue + cfg->workers;
    s->queue = calloc(s->ring, sizeof(*s->queue));
    s->queue_peer = calloc(s->ring, sizeof(*s->queue_peer));
    int rc = (s->conns && s->queue && s->queue_peer) ? 0 : AKIRA_ENOMEM;
    for (unsigned i = 0; !rc && i < cfg->workers; i++) {
        s->conns[i].srv = s;
        s->conns[i].head = malloc(cfg->head_max);
        if (!s->conns[i].head) rc = AKIRA_ENOMEM;
    }
    if (!rc) rc = akira_mutex_create(&s->lock);
    if (!rc) rc = akira_condvar_create(&s->cv);
    if (rc) {
        akira_http_server_destroy(s);
        return rc;
    }
    s->stats.bytes_per_connection = sizeof(struct http_conn) + cfg->head_max + HTTP_WORKER_STACK;
    *out = s;
    return 0;
}

int akira_http_route_add(struct akira_http_server *s, const struct akira_http_route *r)
{
    if (!s || !r || !r->method || !r->handler || !http_route_pattern_ok(r->pattern))
        return AKIRA_EINVAL;
    if (s->started) return AKIRA_EBUSY;
    for (unsigned i = 0; i < s->nroutes; i++) {
        if (strcmp(s->routes[i].method, r->method) == 0 &&
            strcmp(s->routes[i].pattern, r->pattern) == 0)
            return AKIRA_EEXIST;
    }
    if (s->nroutes == AKIRA_HTTP_ROUTES_MAX) return AKIRA_ENOSPC;
    s->routes[s->nroutes++] = *r;
    return 0;
}

int akira_http_server_token_set(struct akira_http_server *s, const char *token)
{
    if (!s || !token) return AKIRA_EINVAL;
    size_t n = strlen(token);
    if (n == 0 || n >= AKIRA_HTTP_TOKEN_MAX) return AKIRA_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (token[i] <= 0x20 || token[i] >= 0x7f) return AKIRA_EINVAL;
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    memcpy(s->token, token, n + 1);
    akira_mutex_unlock(s->lock);
    return 0;
}

/* --- Requests --------------------------------------------------------------------- */

const char *akira_http_req_method(const struct akira_http_req *r)
{
    return r->c->parser.method;
}

const char *akira_http_req_path(const struct akira_http_req *r)
{
    return r->path;
}

const char *akira_http_req_query(const struct akira_http_req *r)
{
    return r->query;
}

bool akira_http_query_u64(const char *q, const char *name, uint64_t *out)
{
    size_t n = strlen(name);
    for (const char *p = q; p && *p; p = strchr(p, '&'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, n) != 0 || p[n] != '=') continue;
        const char *s = p + n + 1;
        uint64_t v = 0;
        if (*s < '0' || *s > '9') return false;
        for (; *s >= '0' && *s <= '9'; s++) {
            uint64_t d = (uint64_t)(*s - '0');
            if (v > (UINT64_MAX - d) / 10) return false; /* v * 10 + d would wrap */
            v = v * 10 + d;
        }
        if (*s && *s != '&') return false;
        *out = v;
        return true;
    }
    return true;
}

const char *akira_http_req_param(const struct akira_http_req *r, const char *name)
{
    size_t n = strlen(name);
    for (unsigned i = 0; i < r->nparams; i++)
        if (r->param_name_len[i] == n && memcmp(r->param_name[i], name, n) == 0) return r->param[i];
    return NULL;
}

const char *akira_http_req_header(const struct akira_http_req *r, const char *name)
{
    return akira_http_parser_header(&r->c->parser, name);
}

const char *akira_http_req_peer(const struct akira_http_req *r)
{
    return r->c->peer;
}

uint64_t akira_http_req_body_length(const struct akira_http_req *r)
{
    const struct akira_http_parser *p = &r->c->parser;
    if (p->body == AKIRA_HTTP_BODY_CHUNKED) return AKIRA_TRANSPORT_LENGTH_UNKNOWN;
    return p->body == AKIRA_HTTP_BODY_LENGTH ? p->content_length : 0;
}

int http_conn_send(struct http_conn *c, const void *buf, size_t len)
{
    return c->io->send(c->io_ctx, buf, len, (int32_t)c->srv->cfg.idle_timeout_ms);
}

/* Reads more bytes from the connection into c->in (only when it is used up). */
static int fill(struct http_conn *c, int32_t timeout_ms)
{
    int n = c->io->recv(c->io_ctx, c->in, sizeof(c->in), timeout_ms);
    if (n <= 0) return n == 0 ? AKIRA_ECONNRESET : n;
    c->in_off = 0;
    c->in_len = (size_t)n;
    return n;
}

/* Connections wait for a worker that none of the busy ones is about to free. */
bool http_pressed(struct akira_http_server *s)
{
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    bool p = s->q_count > s->cfg.workers - s->active;
    akira_mutex_unlock(s->lock);
    return p;
}

/* fill() for up to wait_ms, but a silence longer than idle_busy_timeout_ms ends it
 * early (AKIRA_ETIMEDOUT) while connections wait for a worker (or, with on_stop, when
 * the server stops): a slow client holds a worker only while nobody else needs it. */
static int fill_yielding(struct http_conn *c, uint32_t wait_ms, bool on_stop)
{
    struct akira_http_server *s = c->srv;
    uint64_t t0 = akira_uptime_ms();
    for (;;) {
        uint64_t spent = akira_uptime_ms() - t0;
        if (spent >= wait_ms) return AKIRA_ETIMEDOUT;
        int32_t slice = (int32_t)(wait_ms - spent);
        if (slice > 100) slice = 100;
        int rc = fill(c, slice);
        if (rc != AKIRA_ETIMEDOUT) return rc;
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        bool busy = s->q_count > s->cfg.workers - s->active || (on_stop && s->stopping);
        akira_mutex_unlock(s->lock);
        if (busy && akira_uptime_ms() - t0 >= s->cfg.idle_busy_timeout_ms) return AKIRA_ETIMEDOUT;
    }
}

/* A body slower than the minimum rate while others wait for a worker. */
static bool body_too_slow(struct http_conn *c, const struct akira_http_req *r)
{
    const struct akira_http_config *cfg = &c->srv->cfg;
    uint64_t spent = akira_uptime_ms() - r->body_t0_ms;
    if (!cfg->body_min_rate || spent <= cfg->body_rate_grace_ms) return false;
    uint64_t due = (uint64_t)cfg->body_min_rate * (spent - cfg->body_rate_grace_ms) / 1000u;
    return r->body_bytes < due && http_pressed(c->srv);
}

int akira_http_req_body_read(struct akira_http_req *r, void *buf, size_t cap)
{
    struct http_conn *c = r->c;
    if (!buf || cap == 0) return AKIRA_EINVAL;
    if (r->body_done) return 0;
    if (r->body_err) return r->body_err;
    if (c->parser.expect_continue && !r->continue_sent && !r->responded) {
        r->continue_sent = true;
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        int rc = http_conn_send(c, cont, sizeof(cont) - 1);
        if (rc) return r->body_err = rc;
    }
    if (!r->body_t0_ms) r->body_t0_ms = akira_uptime_ms();
    for (;;) {
        size_t avail = c->in_len - c->in_off;
        size_t used;
        struct akira_http_event ev;
        akira_http_parser_feed(&c->parser, c->in + c->in_off, avail < cap ? avail : cap, &used,
                               &ev);
        c->in_off += used;
        switch (ev.type) {
        case AKIRA_HTTP_EV_BODY:
            memcpy(buf, ev.data, ev.len);
            r->body_bytes += ev.len;
            return (int)ev.len;
        case AKIRA_HTTP_EV_DONE: r->body_done = true; return 0;
        case AKIRA_HTTP_EV_ERROR:
            r->close_after = true;
            return r->body_err = ev.status == 413 ? AKIRA_ETOOBIG : AKIRA_EFORMAT;
        default: break;
        }
        if (c->in_off < c->in_len) continue;
        if (body_too_slow(c, r)) {
            AKIRA_LOG_WRN("%s %s from %s: body slower than %" PRIu32
                          " bytes/s while others wait: ended",
                          c->parser.method, r->path, c->peer, c->srv->cfg.body_min_rate);
            r->close_after = true;
            return r->body_err = AKIRA_ETIMEDOUT;
        }
        int rc = fill_yielding(c, c->srv->cfg.idle_timeout_ms, false);
        if (rc < 0) {
            r->close_after = true;
            return r->body_err = rc;
        }
    }
}

int akira_http_req_wait(struct akira_http_req *r, uint32_t ms)
{
    struct http_conn *c = r->c;
    struct akira_http_server *s = c->srv;
    r->close_after = true; /* what the client sends now is not read as a request */
    uint64_t t0 = akira_uptime_ms();
    for (;;) {
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        bool stop = s->stopping;
        akira_mutex_unlock(s->lock);
        if (stop) return AKIRA_ECANCELED;
        uint64_t spent = akira_uptime_ms() - t0;
        if (spent >= ms) return 0;
        int32_t slice = (int32_t)(ms - spent);
        if (slice > 100) slice = 100; /* look at the stop flag again */
        int n = c->io->recv(c->io_ctx, c->in, sizeof(c->in), slice);
        if (n == 0) return AKIRA_ECONNRESET;
        if (n < 0 && n != AKIRA_ETIMEDOUT) return AKIRA_ECONNRESET;
        c->in_off = c->in_len = 0; /* discarded */
    }
}

/* --- Connection loop ---------------------------------------------------------------- */

/* A response outside any handler (parse errors, routing, auth): JSON, then close
 * unless keep says otherwise. */
static void answer(struct http_conn *c, int status, const char *reason, const char *extra,
                   bool close)
{
    struct akira_http_req *r = &c->req;
    if (close) r->close_after = true;
    char body[256];
    struct akira_json w;
    akira_json_init(&w, body, sizeof(body), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "error", reason);
    akira_json_kv_int(&w, "status", status);
    akira_json_obj_end(&w);
    if (akira_json_end(&w) != 0) w.len = 0;
    http_resp_raw(r, status, "application/json", extra, body, w.len);
}

/* The request whose head is in c->parser: route, check, run. Returns true when the
 * connection may carry another request. */
static bool handle(struct http_conn *c)
{
    struct akira_http_server *s = c->srv;
    struct akira_http_req *r = &c->req;
    struct akira_http_parser *p = &c->parser;
    char *target = (char *)p->target; /* in c->head, ours to cut */
    char *q = strchr(target, '?');
    r->query = "";
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    r->path = target;
    if (p->body == AKIRA_HTTP_BODY_NONE ||
        (p->body == AKIRA_HTTP_BODY_LENGTH && p->content_length == 0)) {
        size_t used;
        struct akira_http_event ev;
        akira_http_parser_feed(p, NULL, 0, &used, &ev);
        r->body_done = ev.type == AKIRA_HTTP_EV_DONE;
    }
    const char *reason;
    char allow[64];
    int status = http_route_match(s, r, p->method, &reason, allow, sizeof(allow));
    if (status) {
        char extra[sizeof(allow) + 16] = "";
        if (status == 405) snprintf(extra, sizeof(extra), "Allow: %s\r\n", allow);
        answer(c, status, reason, extra[0] ? extra : NULL, false);
        return http_keep_alive(r) && !r->close_after;
    }
    const struct akira_http_route *rt = r->route;
    bool need_token =
        rt->auth || (!rt->always_open && s->cfg.reads_need_token && s->cfg.reads_need_token());
    if (need_token) {
        unsigned retry = 0;
        status = http_auth_check(s, c, &retry);
        if (status == 429) {
            char extra[40];
            snprintf(extra, sizeof(extra), "Retry-After: %u\r\n", retry);
            answer(c, 429, "too many authentication failures; retry later", extra, false);
            return !r->close_after;
        }
        if (status) {
            AKIRA_LOG_WRN("%s %s from %s: bad or missing token", p->method, r->path, c->peer);
            answer(c, 401, "missing or wrong token", "WWW-Authenticate: Bearer\r\n", false);
            return !r->close_after;
        }
    }
    uint64_t max = rt->body_max ? rt->body_max : s->cfg.body_max_default;
    if (p->body == AKIRA_HTTP_BODY_LENGTH && p->content_length > max) {
        char why[80];
        snprintf(why, sizeof(why), "body too large for this endpoint (at most %llu bytes)",
                 (unsigned long long)max);
        answer(c, 413, why, NULL, true);
        return false;
    }
    akira_http_parser_body_limit(p, max);
    int rc = rt->handler(r, rt->ctx);
    if (r->streaming) {
        /* A handler that began a streamed body and returned without ending it: the
         * body is cut, so the client must not reuse the connection. */
        r->close_after = true;
        return false;
    }
    if (!r->responded) {
        if (rc < 0) {
            int st = r->body_err == AKIRA_ETOOBIG ? 413 : akira_http_status_from_err(rc);
            char msg[96];
            snprintf(msg, sizeof(msg), "%s", akira_err_str(rc));
            akira_http_resp_error(r, st, msg);
        } else {
            http_resp_raw(r, 204, NULL, NULL, NULL, 0);
        }
    }
    return !r->close_after;
}

/* Serves one connection until it closes, fails, times out or the server stops. */
void http_serve(struct http_conn *c)
{
    struct akira_http_server *s = c->srv;
    const struct akira_http_config *cfg = &s->cfg;
    akira_http_parser_init(&c->parser, c->head, cfg->head_max);
    c->in_off = c->in_len = 0;
    for (;;) {
        memset(&c->req, 0, sizeof(c->req));
        c->req.c = c;
        uint64_t head_start = 0; /* uptime of this request's first byte, 0 before it */
        for (;;) {
            if (c->in_off < c->in_len) {
                if (!head_start) head_start = akira_uptime_ms();
                size_t used;
                struct akira_http_event ev;
                akira_http_parser_feed(&c->parser, c->in + c->in_off, c->in_len - c->in_off, &used,
                                       &ev);
                c->in_off += used;
                if (ev.type == AKIRA_HTTP_EV_HEAD) break;
                if (ev.type == AKIRA_HTTP_EV_ERROR) {
                    akira_mutex_lock(s->lock, AKIRA_FOREVER);
                    s->stats.bad_requests++;
                    akira_mutex_unlock(s->lock);
                    answer(c, ev.status, ev.reason, NULL, true);
                    return;
                }
                continue;
            }
            int32_t wait;
            if (!head_start) {
                /* Between requests: an idle keep-alive connection the stop may close. */
                akira_mutex_lock(s->lock, AKIRA_FOREVER);
                bool stop = s->stopping;
                c->waiting = !stop;
                akira_mutex_unlock(s->lock);
                if (stop) return;
                wait = (int32_t)cfg->idle_timeout_ms;
            } else {
                /* A head trickling in (slowloris) keeps its worker for head_timeout_ms
                 * only while nobody waits; when others do, it must be complete within
                 * idle_busy_timeout_ms of its first byte (a real client sends its head
                 * in one go), so a few slow clients cannot hold every worker. */
                uint64_t spent = akira_uptime_ms() - head_start;
                uint32_t limit = cfg->head_timeout_ms;
                if (cfg->idle_busy_timeout_ms < limit && http_pressed(s))
                    limit = cfg->idle_busy_timeout_ms;
                if (spent >= limit) {
                    akira_mutex_lock(s->lock, AKIRA_FOREVER);
                    s->stats.dropped_timeout++;
                    akira_mutex_unlock(s->lock);
                    answer(c, 408, "request head not received in time", NULL, true);
                    return;
                }
                wait = (int32_t)(limit - spent);
                if (wait > (int32_t)cfg->idle_timeout_ms) wait = (int32_t)cfg->idle_timeout_ms;
                if (wait > 100) wait = 100; /* look at the queue again */
            }
            int rc;
            if (!head_start) {
                /* Silent connections (idle keep-alive, or a flood of connects that
                 * send nothing) give their worker up after idle_busy_timeout_ms when
                 * others wait in the queue, not after the full idle timeout. */
                rc = fill_yielding(c, (uint32_t)wait, true);
                akira_mutex_lock(s->lock, AKIRA_FOREVER);
                c->waiting = false;
                akira_mutex_unlock(s->lock);
            } else {
                rc = fill(c, wait);
            }
            if (rc == AKIRA_ETIMEDOUT && head_start) continue; /* the head check above */
            if (rc < 0) {
                if (rc == AKIRA_ETIMEDOUT) {
                    akira_mutex_lock(s->lock, AKIRA_FOREVER);
                    s->stats.dropped_timeout++;
                    akira_mutex_unlock(s->lock);
                }
                return;
            }
        }
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        s->stats.requests++;
        akira_mutex_unlock(s->lock);
        if (!handle(c)) return;
        akira_http_parser_reset(&c->parser);
    }
}

int akira_http_server_serve_io(struct akira_http_server *s, const struct akira_http_io *io,
                               void *ctx, const char *peer)
{
    if (!s || !io || !io->recv || !io->send) return AKIRA_EINVAL;
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    /* A started server's workers own its connection slots. */
    int rc = s->started || s->conns[0].io ? AKIRA_ESTATE : 0;
    struct http_conn *c = &s->conns[0];
    if (!rc) {
        c->io = io;
        c->io_ctx = ctx;
        s->stats.accepted++;
        s->active++;
    }
    akira_mutex_unlock(s->lock);
    if (rc) return rc;
    memset(c->peer_ip, 0, sizeof(c->peer_ip));
    snprintf(c->peer, sizeof(c->peer), "%s", peer ? peer : "stream");
    http_serve(c);
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    c->io = NULL;
    c->io_ctx = NULL;
    s->active--;
    akira_mutex_unlock(s->lock);
    return 0;
}

void akira_http_server_destroy(struct akira_http_server *s)
{
    if (!s) return;
    if (s->started) s->stop(s, 0); /* the listener's stop (http_listen.c) */
    if (s->conns)
        for (unsigned i = 0; i < s->cfg.workers; i++)
            free(s->conns[i].head);
    free(s->conns);
    free(s->queue);
    free(s->queue_peer);
    if (s->cv) akira_condvar_destroy(s->cv);
    if (s->lock) akira_mutex_destroy(s->lock);
    free(s);
}

void akira_http_server_stats(const struct akira_http_server *s, struct akira_http_stats *out)
{
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    *out = s->stats;
    out->active = s->active;
    akira_mutex_unlock(s->lock);
}

/* HTTP server internals shared by connectivity/src/http_*.c (not a public header). */
#ifndef AKIRA_HTTP_PRIV_H
#define AKIRA_HTTP_PRIV_H

#include <akira/condvar.h>
#include <akira/http.h>
#include <akira/http_parser.h>
#include <akira/mutex.h>
#include <akira/thread.h>

#define HTTP_IN_BUF       2048 /* socket reads land here; the parser reads from it */
#define HTTP_OUT_BUF      1536 /* response head (+ a small body in the same send) */
#define HTTP_AUTH_SLOTS   16   /* addresses whose auth failures are remembered */
#define HTTP_AUTH_GOOD    4    /* addresses that logged in lately: spared the global back-off */
#define HTTP_WORKER_STACK AKIRA_THREAD_STACK_MIN

struct http_conn;

struct akira_http_req {
    struct http_conn *c;
    const struct akira_http_route *route;
    const char *path, *query;
    const char *param_name[AKIRA_HTTP_PARAMS_MAX];
    size_t param_name_len[AKIRA_HTTP_PARAMS_MAX];
    char param[AKIRA_HTTP_PARAMS_MAX][AKIRA_HTTP_PARAM_MAX];
    unsigned nparams;
    bool responded, streaming, body_done, continue_sent, close_after;
    int body_err;
    uint64_t body_t0_ms, body_bytes; /* when the body was first asked for, bytes since */
};

/* One worker and the connection it serves. */
struct http_conn {
    struct akira_http_server *srv;
    akira_thread_t *thread;
    akira_sock_t *sock;         /* under srv->lock */
    struct akira_tls_conn *tls; /* the TLS session on sock (cfg.tls), else NULL */
    /* A stream that is not a socket (akira_http_server_serve_io), else NULL. */
    const struct akira_http_io *io;
    void *io_ctx;
    bool waiting; /* between requests, nothing of the next one read (srv->lock) */
    char peer[AKIRA_NET_ADDR_STR_MAX];
    uint8_t peer_ip[4];
    size_t in_off, in_len;
    struct akira_http_parser parser;
    struct akira_http_req req;
    char *head; /* cfg.head_max bytes */
    uint8_t in[HTTP_IN_BUF];
    char out[HTTP_OUT_BUF];
};

struct auth_slot {
    uint8_t ip[4];
    bool used;
    unsigned failures;
    uint64_t last_ms, locked_until_ms;
};

struct akira_http_server {
    struct akira_http_config cfg;
    struct akira_http_route routes[AKIRA_HTTP_ROUTES_MAX];
    unsigned nroutes;
    akira_mutex_t *lock;
    akira_condvar_t *cv;
    akira_sock_t *listener;
    akira_thread_t *acceptor;
    struct http_conn *conns; /* cfg.workers */
    akira_sock_t **queue;    /* ring of `ring` accepted sockets */
    unsigned ring;           /* cfg.queue + cfg.workers */
    struct akira_net_addr *queue_peer;
    unsigned q_head, q_count;
    bool started, stopping;
    unsigned active;
    char token[AKIRA_HTTP_TOKEN_MAX];
    struct auth_slot auth[HTTP_AUTH_SLOTS];
    struct auth_slot good[HTTP_AUTH_GOOD]; /* last_ms: the last login */
    struct auth_slot global;               /* failures of all addresses together */
    struct akira_http_stats stats;
    /* Set by akira_http_server_start (http_listen.c): destroy stops a started server
     * through it, so the core needs no socket code. */
    void (*stop)(struct akira_http_server *s, uint32_t grace_ms);
};

/* http_route.c: the route for method + path, filling req's params. Returns 0, or the
 * HTTP status to answer (404 no such path, 405 path without that method, 400 bad
 * parameter) with a reason. On 405, allow (allow_cap bytes) holds the path's methods
 * ("GET, PUT") for the Allow header RFC 9110 15.5.6 requires. */
int http_route_match(struct akira_http_server *s, struct akira_http_req *req, const char *method,
                     const char **reason, char *allow, size_t allow_cap);
/* A pattern's syntax check for route_add. */
bool http_route_pattern_ok(const char *pattern);

/* http_auth.c: 0 when the request carries the token; else the status to answer
 * (401, or 429 while the peer is locked out, *retry_s its Retry-After). */
int http_auth_check(struct akira_http_server *s, struct http_conn *c, unsigned *retry_s);

/* http_server.c: serves one connection (c->io set) until it closes, fails, times out
 * or the server stops. */
void http_serve(struct http_conn *c);
/* http_server.c: connections wait for a worker that none of the busy ones is about to
 * free. */
bool http_pressed(struct akira_http_server *s);
/* http_server.c: len bytes to the peer (its socket or its io), within the idle
 * timeout. */
int http_conn_send(struct http_conn *c, const void *buf, size_t len);

/* http_resp.c: a response head + body; extra_headers may be NULL. */
int http_resp_raw(struct akira_http_req *r, int status, const char *content_type,
                  const char *extra_headers, const void *body, size_t len);
/* Whether the connection stays open after this response (decided when it is sent). */
bool http_keep_alive(struct akira_http_req *r);

#endif /* AKIRA_HTTP_PRIV_H */

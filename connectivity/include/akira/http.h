/*
 * HTTP/1.1 server on the kernel socket API (akira/net.h), for the device API.
 *
 * Model: one accept thread and a fixed pool of worker threads; a worker owns one
 * connection at a time, from its first byte to its close, and runs the route
 * handlers on its own stack. Accepted connections wait in a bounded queue for a free
 * worker; when the queue is full a new connection gets 503 at once and is closed, so
 * a flood of connections costs the device nothing but the accept. The pool size is
 * the number of connections served at once (default 8). A thread pool rather than an
 * event loop because handlers block (flash writes of an upload, settings) and a
 * worker's state is then just its stack; the price is RAM per connection: the
 * worker's stack plus its buffers (docs/connectivity.md has the figures).
 *
 * Limits, so that no client can hold the server: the head (request line + headers)
 * must fit head_max bytes (431/414) and arrive within head_timeout_ms of the request's
 * first byte, or within idle_busy_timeout_ms of it while others wait for a worker (a
 * slowloris client is dropped, and a few of them cannot hold every worker); any gap longer than
 * idle_timeout_ms while reading a body or waiting for the next keep-alive request closes the
 * connection; a body over the route's body_max is refused with 413 before it is read;
 * a keep-alive connection is closed after its response while other connections wait
 * in the queue, and a connection silent for idle_busy_timeout_ms (before its request
 * or inside its body) gives its worker up when others wait, so idle or trickling
 * clients cannot starve active ones.
 *
 * Errors are JSON: {"error": "<reason>", "status": N}.
 *
 * Threads: configure (routes, token) before akira_http_server_start; handlers run on
 * worker threads, several at once.
 */
#ifndef AKIRA_HTTP_H
#define AKIRA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/net.h>

#define AKIRA_HTTP_ROUTES_MAX  40
#define AKIRA_HTTP_PARAMS_MAX  4   /* {name} segments in one pattern */
#define AKIRA_HTTP_PARAM_MAX   128 /* bytes of one decoded {name} value incl. NUL */
#define AKIRA_HTTP_TOKEN_MAX   64  /* bytes of the bearer token incl. NUL */
#define AKIRA_HTTP_WORKERS_MAX 32

struct akira_http_server;
struct akira_http_req;
struct akira_tls_server;

struct akira_http_config {
    struct akira_net_addr addr;    /* where to listen (port 0: any free port) */
    unsigned workers;              /* connections served at once, 1..WORKERS_MAX (8) */
    unsigned queue;                /* accepted connections waiting for a worker (16) */
    size_t head_max;               /* request head limit in bytes (4096) */
    uint32_t head_timeout_ms;      /* time for a whole head (10000) */
    uint32_t idle_timeout_ms;      /* longest silence inside a request or between (10000) */
    uint32_t idle_busy_timeout_ms; /* silence that ends a request while others queue (1000) */
    /* While connections wait for a worker, a request body that has come slower than
     * body_min_rate bytes/s (1024) since body_rate_grace_ms (1000) after it began is
     * ended (408): a token holder dripping bytes just under the silence limit on every
     * worker cannot keep a status request waiting more than a second or two. */
    uint32_t body_min_rate;
    uint32_t body_rate_grace_ms;
    uint64_t body_max_default; /* body limit of routes that set none (64 KiB) */
    /* Auth failures from one address before it is slowed down (3), and the first
     * lock-out; each further failure doubles it, up to auth_lock_max_ms. */
    unsigned auth_failures_free;
    uint32_t auth_lock_ms;     /* 1000 */
    uint32_t auth_lock_max_ms; /* 60000 */
    /* Failures from all addresses together (16) before a global back-off: then every
     * address that has not logged in lately waits auth_lock_ms, doubling with each
     * further failure up to auth_lock_max_ms, so rotating more addresses than the
     * per-address table holds does not buy more guesses. The count restarts after
     * auth_lock_max_ms without a failure. */
    unsigned auth_global_free;
    /* When set and returning true, routes without auth need the token too (GET
     * /api/status, /api/logs, ...), except those marked always_open (the dashboard's
     * page, which holds no device data). Called on every request: keep it cheap. */
    bool (*reads_need_token)(void);
    /* Non-NULL: HTTPS. Every accepted connection is a TLS session with this server
     * (akira/tls.h; its handshake must end within head_timeout_ms), which stays the
     * caller's: destroy it after the HTTP server. A connection refused for lack of a
     * worker is closed without an answer (a 503 in clear would not reach a TLS
     * client). */
    struct akira_tls_server *tls;
};

/* The defaults above, listening on addr. */
struct akira_http_config akira_http_config_default(struct akira_net_addr addr);

/* A route handler: reads the body (if it wants it) and sends exactly one response
 * with the calls below. Its return value is only logged; if it returns without a
 * response the server answers 500 (a negative return) or 204. */
typedef int (*akira_http_handler_fn)(struct akira_http_req *req, void *ctx);

struct akira_http_route {
    const char *method; /* "GET", "PUT", ... */
    /* "/api/apps/{name}": literal segments and {name} ones (one segment each); a last
     * segment {name*} takes the rest of the path, slashes included. */
    const char *pattern;
    bool auth;         /* needs "Authorization: Bearer <token>" (401/429 otherwise) */
    bool always_open;  /* never needs the token, whatever reads_need_token says */
    uint64_t body_max; /* 0: the config's default */
    akira_http_handler_fn handler;
    void *ctx;
};

/* Makes a server (not listening yet). AKIRA_EINVAL for a bad config, AKIRA_ENOMEM. */
int akira_http_server_create(struct akira_http_server **out, const struct akira_http_config *cfg);
/* Adds a route (copied; strings must stay valid). A {name} segment matches one
 * non-empty path segment. AKIRA_EINVAL (bad pattern), AKIRA_EEXIST (same method and
 * pattern), AKIRA_ENOSPC, AKIRA_EBUSY (already started). */
int akira_http_route_add(struct akira_http_server *s, const struct akira_http_route *r);
/* The token routes with auth need (printable ASCII, 1..AKIRA_HTTP_TOKEN_MAX-1 bytes).
 * Until one is set, every auth route answers 401. Any thread, any time. */
int akira_http_server_token_set(struct akira_http_server *s, const char *token);
/* Binds, listens and starts the threads. AKIRA_EBUSY (port in use), AKIRA_ESTATE. */
int akira_http_server_start(struct akira_http_server *s);
/* The bound address (after start; the real port when 0 was asked). */
int akira_http_server_addr(const struct akira_http_server *s, struct akira_net_addr *out);
/* Graceful shutdown: stops accepting, closes idle connections, lets requests in
 * progress finish for up to grace_ms, then cuts the rest, and joins every thread.
 * The server can then be destroyed. Safe to call when not started. */
void akira_http_server_stop(struct akira_http_server *s, uint32_t grace_ms);
void akira_http_server_destroy(struct akira_http_server *s);

struct akira_http_stats {
    uint64_t accepted, requests, rejected_busy, dropped_timeout, bad_requests, auth_failures;
    unsigned active;             /* connections being served now */
    size_t bytes_per_connection; /* buffers + worker stack reserved per connection */
};
void akira_http_server_stats(const struct akira_http_server *s, struct akira_http_stats *out);

/* A byte stream that is not a TCP socket (the serial management link), served with the
 * same routes, token and limits as the network. */
struct akira_http_io {
    /* Up to cap bytes within timeout_ms: the count, 0 when the peer closed, or an
     * akira_err_t (AKIRA_ETIMEDOUT when nothing came). */
    int (*recv)(void *ctx, void *buf, size_t cap, int32_t timeout_ms);
    /* All len bytes (0) or an akira_err_t. */
    int (*send)(void *ctx, const void *buf, size_t len, int32_t timeout_ms);
};
/* Serves the requests arriving on io, on the caller's thread, until the peer closes,
 * an error or timeout (the config's limits apply), or a request asks to close. For a
 * server that is never started (no socket): it uses the first connection slot, so one
 * stream at a time (AKIRA_ESTATE when started or busy). peer names it in logs; the
 * auth slow-down counts all streams as one peer (0.0.0.0). Returns 0 when done. */
int akira_http_server_serve_io(struct akira_http_server *s, const struct akira_http_io *io,
                               void *ctx, const char *peer);

/* --- For handlers ------------------------------------------------------------- */

const char *akira_http_req_method(const struct akira_http_req *r);
/* The path without the query, percent-decoded segments not applied ("/api/x"). */
const char *akira_http_req_path(const struct akira_http_req *r);
/* The query string after '?', or "" . */
const char *akira_http_req_query(const struct akira_http_req *r);
/* The decimal value of `name=` in a query string (as akira_http_req_query gives it)
 * into *out. True when it is a number that fits 64 bits, and when the name is absent
 * (*out unchanged); false for anything else ("after=", "after=1x", overflow). */
bool akira_http_query_u64(const char *query, const char *name, uint64_t *out);
/* A {name} value, percent-decoded; the server already refused (400) values that are
 * not UTF-8, hold control bytes or '/' (a {name*} value: empty segments), or are (have
 * a segment) "." or "..". NULL if no such name. */
const char *akira_http_req_param(const struct akira_http_req *r, const char *name);
const char *akira_http_req_header(const struct akira_http_req *r, const char *name);
/* The peer as "a.b.c.d:port". */
const char *akira_http_req_peer(const struct akira_http_req *r);
/* The body length when announced by Content-Length, else AKIRA_TRANSPORT_LENGTH_UNKNOWN
 * (UINT64_MAX) for chunked, 0 for none. */
uint64_t akira_http_req_body_length(const struct akira_http_req *r);
/* Reads the next 1..cap bytes of the body; 0 at its end. Errors: AKIRA_ETIMEDOUT (idle
 * timeout), AKIRA_ECONNRESET (client gone or body truncated), AKIRA_EFORMAT (bad
 * chunked framing), AKIRA_ETOOBIG (over the route's limit). After an error the
 * handler answers (or just returns) and the connection is closed. Sends
 * "100 Continue" first when the client asked for it. */
int akira_http_req_body_read(struct akira_http_req *r, void *buf, size_t cap);

/* A whole response: status, content type, body. 0 or the send error. */
int akira_http_resp_send(struct akira_http_req *r, int status, const char *content_type,
                         const void *body, size_t len);
/* akira_http_resp_send with more header lines (each ending in CRLF; NULL: none). */
int akira_http_resp_send_headers(struct akira_http_req *r, int status, const char *content_type,
                                 const char *extra_headers, const void *body, size_t len);
/* {"error": msg, "status": status}. */
int akira_http_resp_error(struct akira_http_req *r, int status, const char *msg);
/* A streamed response (chunked transfer coding): begin, any number of writes, end. */
int akira_http_resp_begin(struct akira_http_req *r, int status, const char *content_type);
int akira_http_resp_write(struct akira_http_req *r, const void *data, size_t len);
int akira_http_resp_end(struct akira_http_req *r);
/* For a streamed response that waits between writes (server push): waits up to ms.
 * 0 when the time passed with the client still there; AKIRA_ECONNRESET when it closed
 * (or failed), AKIRA_ECANCELED when the server is stopping. Bytes the client sends
 * meanwhile are discarded, and the connection is closed after this response. */
int akira_http_req_wait(struct akira_http_req *r, uint32_t ms);
/* A flush callback for akira/json.h that writes into a streamed response. */
int akira_http_resp_json_flush(void *req, const char *buf, size_t len);

/* --- Streams into transport handlers --------------------------------------------- */

/* A route handler (use it as akira_http_route.handler with ctx pointing to one of
 * these) that carries the request body into the transport handler of `kind`
 * (akira/transport.h): the body is read and handed over in pieces of at most
 * AKIRA_TRANSPORT_CHUNK_MAX bytes, each only after the handler took the previous one,
 * so the client is slowed to the handler's pace and nothing is buffered. Answers:
 * ok_status (200 when 0) with {"kind","name","bytes","result"} when the handler's
 * close succeeded; 503 when no service handles the kind; the handler's refusal or
 * failure mapped with akira_http_status_from_err; 408/400/413 for a body that did not
 * arrive whole (the handler's close then gets that error, so it can undo). */
struct akira_http_stream_route {
    int kind;               /* enum akira_transport_kind */
    const char *name_param; /* the {name} parameter passed as the stream's name, or NULL */
    int ok_status;
};
int akira_http_stream_handler(struct akira_http_req *r, void *ctx);

/* The request body into an open transport stream, piece by piece (each taken before
 * the next is read). Returns 0 when it all went in, the handler's write error, or the
 * body's read error (negative). For handlers that open the stream themselves. */
struct akira_transport_stream;
int akira_http_req_body_stream(struct akira_http_req *r, struct akira_transport_stream *st);
/* The stream description of a request whose route needs the token: kind, "http", the
 * peer, the body's length, authenticated (the server checked the token). */
struct akira_transport_stream_info;
void akira_http_req_stream_info(struct akira_http_req *r, int kind,
                                struct akira_transport_stream_info *out);

/* 0..15 for a hex digit (either case), else -1 (percent-decoding). */
int akira_http_hex_digit(char c);

/* The standard reason phrase ("Not Found"), "Unknown" for others. */
const char *akira_http_status_text(int status);
/* The HTTP status for an akira_err_t (ENOENT 404, EINVAL/EFORMAT 400, EACCES/EPERM 403,
 * EAUTH 401, ETOOBIG 413, EBUSY 409, ENOSPC 507, ENOTSUP 501, others 500). */
int akira_http_status_from_err(int err);

#endif /* AKIRA_HTTP_H */

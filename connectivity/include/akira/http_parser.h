/*
 * HTTP/1.1 request parser: incremental, pure (no I/O, no allocation, no clock), so the
 * server, the unit tests and the fuzzer drive the same code.
 *
 * The caller feeds whatever bytes arrived; each call consumes some of them and
 * reports one event: the head is complete (method, target, headers available), a
 * piece of body (pointing into the caller's input, never copied), the request is
 * complete, or an error with the HTTP status to answer. Bodies with Content-Length
 * and chunked bodies come out the same way, in pieces no larger than what was fed, so
 * no caller ever needs a whole body in RAM. After AKIRA_HTTP_EV_DONE the caller
 * answers and calls akira_http_parser_reset(); the bytes it did not consume yet are
 * the next (pipelined) request.
 *
 * Only the head is copied, into the buffer the caller gives at init: its size is the
 * header limit (request line + headers + the blank line; 431 past it). Strictness, to
 * leave no room for request smuggling: lines end in CRLF, no folded headers, no space
 * before a colon, one Content-Length (or identical duplicates), not both
 * Content-Length and Transfer-Encoding, and "chunked" is the only transfer coding.
 *
 * One parser per connection; not thread-safe.
 */
#ifndef AKIRA_HTTP_PARSER_H
#define AKIRA_HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_HTTP_HEADERS_MAX    32 /* header lines per request; 431 past it */
#define AKIRA_HTTP_CHUNK_LINE_MAX 64 /* a chunk-size line incl. extensions; 400 past it */

enum akira_http_event_type {
    AKIRA_HTTP_EV_NEED_MORE, /* everything fed was consumed; feed more */
    AKIRA_HTTP_EV_HEAD,      /* head complete: method, target, headers readable */
    AKIRA_HTTP_EV_BODY,      /* ev.data/ev.len: the next piece of the body */
    AKIRA_HTTP_EV_DONE,      /* request complete (body fully read) */
    AKIRA_HTTP_EV_ERROR,     /* ev.status and ev.reason; the connection must close */
};

struct akira_http_event {
    enum akira_http_event_type type;
    const uint8_t *data; /* BODY: points into the input of this call */
    size_t len;
    int status;         /* ERROR: 400, 413, 414, 431, 501, 505 */
    const char *reason; /* ERROR: one line for the JSON error, static string */
};

enum akira_http_body_kind {
    AKIRA_HTTP_BODY_NONE,
    AKIRA_HTTP_BODY_LENGTH,
    AKIRA_HTTP_BODY_CHUNKED,
};

struct akira_http_parser {
    /* Public after AKIRA_HTTP_EV_HEAD, valid until reset (strings live in head_buf). */
    const char *method;             /* e.g. "GET": a token, case-sensitive */
    const char *target;             /* the request target as sent: "/api/x?y" */
    int version_minor;              /* 0 or 1 (HTTP/1.0, HTTP/1.1) */
    bool keep_alive;                /* the client allows another request after this one */
    bool expect_continue;           /* "Expect: 100-continue" was sent */
    enum akira_http_body_kind body; /* how the body is framed */
    uint64_t content_length;        /* BODY_LENGTH: the announced length */
    uint64_t body_received;         /* body bytes reported so far */

    /* Private. */
    char *head_buf;
    size_t head_cap, head_len, line_start;
    const char *hdr_name[AKIRA_HTTP_HEADERS_MAX];
    const char *hdr_value[AKIRA_HTTP_HEADERS_MAX];
    unsigned hdr_count;
    uint64_t body_max, chunk_left;
    int state;
    char chunk_line[AKIRA_HTTP_CHUNK_LINE_MAX];
    size_t chunk_line_len;
    size_t trailer_bytes, line_len;
    bool prev_cr;
    int err_status;
    const char *err_reason;
};

/* Prepares p for a new connection; head_buf (head_cap bytes, at least 64) holds the
 * head of each request and must outlive p. */
void akira_http_parser_init(struct akira_http_parser *p, char *head_buf, size_t head_cap);
/* Ready for the next request on the same connection (after DONE). */
void akira_http_parser_reset(struct akira_http_parser *p);
/* After HEAD: refuse bodies longer than max with 413 (a Content-Length over it fails
 * at the next feed, a chunked body when its total passes it). Default: no limit. */
void akira_http_parser_body_limit(struct akira_http_parser *p, uint64_t max);

/* Consumes bytes from data[0..len) and reports one event; *used (always set) tells
 * how many were consumed. Call again with the rest while the event is not NEED_MORE.
 * After ERROR every later call reports the same error. len may be 0 (gives the
 * pending event if any, else NEED_MORE). */
void akira_http_parser_feed(struct akira_http_parser *p, const uint8_t *data, size_t len,
                            size_t *used, struct akira_http_event *ev);

/* After HEAD: the value of the first header called name (case-insensitive), with
 * surrounding blanks removed, or NULL. */
const char *akira_http_parser_header(const struct akira_http_parser *p, const char *name);

#endif /* AKIRA_HTTP_PARSER_H */

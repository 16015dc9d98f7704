/* Responses: whole, streamed (chunked), JSON errors; status texts and mapping. */
#include <stdio.h>
#include <string.h>

#include <akira/err.h>
#include <akira/json.h>

#include "http_priv.h"

const char *akira_http_status_text(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return "Unknown";
    }
}

int akira_http_status_from_err(int err)
{
    switch (err) {
    case AKIRA_ENOENT: return 404;
    case AKIRA_EINVAL:
    case AKIRA_EFORMAT:
    case AKIRA_ENAMETOOLONG:
    case AKIRA_ERANGE: return 400;
    case AKIRA_EACCES:
    case AKIRA_EPERM: return 403;
    case AKIRA_EAUTH: return 401;
    case AKIRA_ETOOBIG: return 413;
    case AKIRA_EBUSY:
    case AKIRA_EEXIST:
    case AKIRA_ESTATE: return 409;
    case AKIRA_ENOSPC:
    case AKIRA_EQUOTA: return 507;
    case AKIRA_ENOTSUP: return 501;
    case AKIRA_ETIMEDOUT: return 408;
    default: return 500;
    }
}

bool http_keep_alive(struct akira_http_req *r)
{
    struct http_conn *c = r->c;
    struct akira_http_server *s = c->srv;
    if (r->close_after || !c->parser.keep_alive || !r->body_done) return false;
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    /* Others waiting for a worker: this client reconnects and queues like them. */
    bool keep = !s->stopping && s->q_count <= s->cfg.workers - s->active;
    akira_mutex_unlock(s->lock);
    return keep;
}

static int send_all(struct http_conn *c, const void *buf, size_t len)
{
    return http_conn_send(c, buf, len);
}

/* Formats the status line and headers into c->out; returns its length or -1.
 * extra: more header lines, each ending in CRLF. */
static int head(struct akira_http_req *r, int status, const char *ctype, const char *extra,
                const char *framing)
{
    struct http_conn *c = r->c;
    bool keep = http_keep_alive(r);
    if (!keep) r->close_after = true;
    size_t cap = sizeof(c->out), n = 0;
    int k = snprintf(c->out, cap, "HTTP/1.1 %d %s\r\nServer: AkiraOS\r\nConnection: %s\r\n", status,
                     akira_http_status_text(status), keep ? "keep-alive" : "close");
    if (k < 0 || (size_t)k >= cap) return -1;
    n = (size_t)k;
    const char *parts[][3] = {
        {ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : ""},
        {framing, framing[0] ? "\r\n" : "", ""},
        {extra ? extra : "", "\r\n", ""},
    };
    for (size_t i = 0; i < 3; i++) {
        k = snprintf(c->out + n, cap - n, "%s%s%s", parts[i][0], parts[i][1], parts[i][2]);
        if (k < 0 || (size_t)k >= cap - n) return -1;
        n += (size_t)k;
    }
    return (int)n;
}

int http_resp_raw(struct akira_http_req *r, int status, const char *ctype, const char *extra,
                  const void *body, size_t len)
{
    struct http_conn *c = r->c;
    if (r->responded) return AKIRA_ESTATE;
    r->responded = true;
    char framing[48];
    snprintf(framing, sizeof(framing), "Content-Length: %zu", len);
    int n = head(r, status, ctype, extra, framing);
    if (n < 0) return AKIRA_ERANGE;
    if (len <= sizeof(c->out) - (size_t)n) {
        if (len) memcpy(c->out + n, body, len); /* a 204 or 304 has no body (NULL) */
        return send_all(c, c->out, (size_t)n + len);
    }
    int rc = send_all(c, c->out, (size_t)n);
    return rc ? rc : send_all(c, body, len);
}

int akira_http_resp_send(struct akira_http_req *r, int status, const char *ctype, const void *body,
                         size_t len)
{
    return http_resp_raw(r, status, ctype, NULL, body, len);
}

int akira_http_resp_send_headers(struct akira_http_req *r, int status, const char *ctype,
                                 const char *extra_headers, const void *body, size_t len)
{
    return http_resp_raw(r, status, ctype, extra_headers, body, len);
}

int akira_http_resp_error(struct akira_http_req *r, int status, const char *msg)
{
    char buf[256];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "error", msg ? msg : akira_http_status_text(status));
    akira_json_kv_int(&w, "status", status);
    akira_json_obj_end(&w);
    if (akira_json_end(&w) != 0) return AKIRA_ERANGE;
    return akira_http_resp_send(r, status, "application/json", buf, w.len);
}

int akira_http_resp_begin(struct akira_http_req *r, int status, const char *ctype)
{
    struct http_conn *c = r->c;
    if (r->responded) return AKIRA_ESTATE;
    r->responded = true;
    r->streaming = true;
    /* An HTTP/1.0 client knows no chunked coding: the body then ends at the close. */
    bool chunked = c->parser.version_minor == 1;
    if (!chunked) r->close_after = true;
    int n = head(r, status, ctype, NULL, chunked ? "Transfer-Encoding: chunked" : "");
    if (n < 0) return AKIRA_ERANGE;
    return send_all(c, c->out, (size_t)n);
}

int akira_http_resp_write(struct akira_http_req *r, const void *data, size_t len)
{
    struct http_conn *c = r->c;
    if (!r->streaming) return AKIRA_ESTATE;
    if (len == 0) return 0; /* a zero-size chunk would end the body */
    if (c->parser.version_minor == 0) return send_all(c, data, len);
    char sz[20];
    int n = snprintf(sz, sizeof(sz), "%zx\r\n", len);
    int rc = send_all(c, sz, (size_t)n);
    if (!rc) rc = send_all(c, data, len);
    if (!rc) rc = send_all(c, "\r\n", 2);
    return rc;
}

int akira_http_resp_end(struct akira_http_req *r)
{
    if (!r->streaming) return AKIRA_ESTATE;
    r->streaming = false;
    if (r->c->parser.version_minor == 0) return 0;
    return send_all(r->c, "0\r\n\r\n", 5);
}

int akira_http_resp_json_flush(void *req, const char *buf, size_t len)
{
    return akira_http_resp_write(req, buf, len);
}

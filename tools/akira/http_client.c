/* HTTP/1.1 client of the `akira` tool (see http_client.h). */
#define _POSIX_C_SOURCE 200809L
#include "http_client.h"
#include "tls_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define HC_RESPONSE_MAX (4u << 20) /* device answers are a few KiB; this is a guard */
#define HC_SEND_CHUNK   16384u
#define HC_CONTINUE_MS  1000

static void seterr(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

int hc_url_parse(const char *url, struct hc_url *out, char *err, size_t cap)
{
    const char *p = url;
    memset(out, 0, sizeof(*out));
    if (strncmp(p, "http://", 7) == 0) {
        p += 7;
    } else if (strncmp(p, "https://", 8) == 0) {
        p += 8;
        out->tls = true;
    } else if (strstr(p, "://")) {
        seterr(err, cap, "%s: only http:// and https:// URLs are supported", url);
        return -1;
    }
    const char *end = p + strcspn(p, "/");
    const char *colon = memchr(p, ':', (size_t)(end - p));
    const char *host_end = colon ? colon : end;
    size_t hn = (size_t)(host_end - p);
    if (hn == 0 || hn >= sizeof(out->host)) {
        seterr(err, cap, "%s: no host in URL", url);
        return -1;
    }
    memcpy(out->host, p, hn);
    out->host[hn] = '\0';
    snprintf(out->port, sizeof(out->port), out->tls ? "443" : "80");
    if (colon) {
        size_t pn = (size_t)(end - colon - 1);
        char *e;
        long port = pn && pn < sizeof(out->port) ? strtol(colon + 1, &e, 10) : -1;
        if (port <= 0 || port > 65535 || e != end) {
            seterr(err, cap, "%s: bad port", url);
            return -1;
        }
        snprintf(out->port, sizeof(out->port), "%ld", port);
    }
    if (*end && strcmp(end, "/") != 0) {
        seterr(err, cap, "%s: a device URL has no path (http://host:port)", url);
        return -1;
    }
    return 0;
}

void hc_response_free(struct hc_response *r)
{
    free(r->body);
    r->body = NULL;
    r->len = 0;
}

static int connect_to(const struct hc_url *u, int timeout_ms, char *err, size_t cap)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
    int g = getaddrinfo(u->host, u->port, &hints, &res);
    if (g) {
        seterr(err, cap, "%s: %s", u->host, gai_strerror(g));
        return -1;
    }
    int fd = -1, why = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            why = errno;
            continue;
        }
        int fl = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc < 0 && errno == EINPROGRESS) {
            struct pollfd pfd = {fd, POLLOUT, 0};
            rc = poll(&pfd, 1, timeout_ms);
            if (rc == 0) {
                why = ETIMEDOUT;
                rc = -1;
            } else if (rc > 0) {
                socklen_t sl = sizeof(why);
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &why, &sl);
                rc = why ? -1 : 0;
            } else {
                why = errno;
            }
        } else if (rc < 0) {
            why = errno;
        }
        if (rc == 0) {
            fcntl(fd, F_SETFL, fl);
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        seterr(err, cap, "connect to %s:%s: %s", u->host, u->port, strerror(why));
        return -1;
    }
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return fd;
}

/* The TCP connection of hc_request as an hc_conn. */
static int tcp_send_all(void *ctx, const void *data, size_t len)
{
    int fd = *(int *)ctx;
    const char *p = data;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static ssize_t tcp_recv(void *ctx, void *buf, size_t cap)
{
    int fd = *(int *)ctx;
    for (;;) {
        ssize_t n = recv(fd, buf, cap, 0);
        if (n < 0 && errno == EINTR) continue;
        return n;
    }
}

static int tcp_readable(void *ctx, int ms)
{
    struct pollfd pfd = {*(int *)ctx, POLLIN, 0};
    int rc;
    do {
        rc = poll(&pfd, 1, ms);
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
}

struct rbuf {
    char *d;
    size_t len, cap;
};

/* Reads what is there (blocking up to the connection's timeout): 1 got bytes, 0 EOF,
 * -1 error. */
static int read_some(const struct hc_conn *c, struct rbuf *b)
{
    if (b->cap - b->len < 4096) {
        if (b->cap >= HC_RESPONSE_MAX) {
            errno = EMSGSIZE;
            return -1;
        }
        size_t cap = b->cap ? 2 * b->cap : 8192;
        char *d = realloc(b->d, cap + 1);
        if (!d) return -1;
        b->d = d;
        b->cap = cap;
    }
    ssize_t n = c->recv(c->ctx, b->d + b->len, b->cap - b->len);
    if (n < 0) return -1;
    b->len += (size_t)n;
    b->d[b->len] = '\0';
    return n > 0;
}

/* Length of a complete head at the start of b (through CRLF CRLF), or 0. */
static size_t head_len(const struct rbuf *b)
{
    if (!b->d) return 0;
    const char *e = strstr(b->d, "\r\n\r\n");
    return e ? (size_t)(e - b->d) + 4 : 0;
}

static int status_of(const char *head)
{
    int major, minor, status;
    if (sscanf(head, "HTTP/%d.%d %d", &major, &minor, &status) != 3) return -1;
    return status >= 100 && status <= 599 ? status : -1;
}

/* Drops leading interim (1xx) heads from b; returns the final head's length, or 0 if
 * it has not arrived whole yet. */
static size_t skip_interim(struct rbuf *b)
{
    for (;;) {
        size_t h = head_len(b);
        if (!h) return 0;
        int st = status_of(b->d);
        if (st < 100 || st >= 200) return h;
        memmove(b->d, b->d + h, b->len - h + 1);
        b->len -= h;
    }
}

/* A header's value in head (case-insensitive name), copied to out. */
static bool header(const char *head, size_t hlen, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p && (size_t)(p - head) < hlen;
         p = strstr(p, "\r\n")) {
        p += 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t vl = strcspn(v, "\r\n");
            while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                vl--;
            snprintf(out, cap, "%.*s", (int)vl, v);
            return true;
        }
    }
    return false;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Turns b (a whole response) into out. 0 or -1. */
static int decode(struct rbuf *b, struct hc_response *out, char *err, size_t cap)
{
    size_t h = skip_interim(b);
    if (!h) {
        seterr(err, cap, "the device closed the connection without a complete answer");
        return -1;
    }
    out->status = status_of(b->d);
    if (out->status < 0) {
        seterr(err, cap, "not an HTTP answer");
        return -1;
    }
    char v[64];
    const char *body = b->d + h;
    size_t avail = b->len - h;
    char *res = malloc(avail + 1);
    if (!res) {
        seterr(err, cap, "out of memory");
        return -1;
    }
    size_t n = 0;
    if (header(b->d, h, "Transfer-Encoding", v, sizeof(v)) && strcasecmp(v, "chunked") == 0) {
        const char *p = body, *end = body + avail;
        for (;;) {
            /* The size is the device's word: hex digits only (strtoul would take a
             * sign), and checked against what arrived without an overflowing sum. */
            size_t sz = 0;
            const char *e = p;
            for (int d; e < end && (d = hex_digit(*e)) >= 0; e++) {
                if (sz > (SIZE_MAX >> 4)) goto bad_chunk;
                sz = sz * 16 + (size_t)d;
            }
            const char *line_end = strstr(p, "\r\n");
            if (!line_end || line_end >= end) goto truncated;
            if (e == p || (e != line_end && *e != ';')) goto bad_chunk;
            p = line_end + 2;
            if (sz == 0) break;
            size_t left = (size_t)(end - p);
            if (sz > left || left - sz < 2) goto truncated;
            if (p[sz] != '\r' || p[sz + 1] != '\n') goto bad_chunk;
            memcpy(res + n, p, sz);
            n += sz;
            p += sz + 2;
        }
    } else if (header(b->d, h, "Content-Length", v, sizeof(v))) {
        unsigned long long cl = strtoull(v, NULL, 10);
        if (cl > avail) goto truncated;
        memcpy(res, body, (size_t)cl);
        n = (size_t)cl;
    } else {
        memcpy(res, body, avail);
        n = avail;
    }
    res[n] = '\0';
    out->body = res;
    out->len = n;
    return 0;
truncated:
    free(res);
    seterr(err, cap, "the device's answer was cut short");
    return -1;
bad_chunk:
    free(res);
    seterr(err, cap, "the device's answer has a malformed chunk");
    return -1;
}

/* Streams the body; stops early (returns 1) when the device answered meanwhile or
 * closed, 0 when all was sent, -1 on a read error of the file. */
static int send_body(const struct hc_conn *c, const struct hc_request *req, char *err, size_t cap)
{
    static char chunk[HC_SEND_CHUNK];
    uint64_t sent = 0;
    if (req->progress) req->progress(req->progress_ctx, 0, req->body_len);
    while (sent < req->body_len) {
        size_t want =
            req->body_len - sent < HC_SEND_CHUNK ? (size_t)(req->body_len - sent) : HC_SEND_CHUNK;
        size_t got = fread(chunk, 1, want, req->body);
        if (got == 0) {
            seterr(err, cap, "reading the file: %s",
                   ferror(req->body) ? strerror(errno) : "it shrank");
            return -1;
        }
        if (c->send_all(c->ctx, chunk, got)) return 1; /* refused midway: read the answer */
        sent += got;
        if (req->progress) req->progress(req->progress_ctx, sent, req->body_len);
    }
    return 0;
}

int hc_request(const struct hc_url *u, const struct hc_request *req, struct hc_response *out,
               char *err, size_t cap)
{
    memset(out, 0, sizeof(*out));
    int tmo = req->timeout_ms > 0 ? req->timeout_ms : 10000;
    int fd = connect_to(u, tmo, err, cap);
    if (fd < 0) return -1;
    char what[300];
    snprintf(what, sizeof(what), "%s:%s", u->host, u->port);
    struct hc_conn c = {tcp_send_all, tcp_recv, tcp_readable, &fd, what};
    struct tc *t = NULL;
    if (u->tls) {
        uint8_t seen[TC_FP_LEN];
        int changed = 0;
        t = tc_open(fd, u->host, u->pinned ? u->pin : NULL, seen, &changed, err, cap);
        out->fp_changed = changed;
        if (!t && !changed) {
            close(fd);
            return -1;
        }
        out->fp_seen = true;
        memcpy(out->fp, seen, sizeof(seen));
        if (!t) {
            close(fd);
            return -1;
        }
        c = tc_conn(t, what);
    }
    bool changed = out->fp_changed, seen = out->fp_seen;
    uint8_t fp[TC_FP_LEN];
    memcpy(fp, out->fp, sizeof(fp));
    int rc = hc_request_over(&c, req, out, err, cap);
    out->fp_changed = changed; /* hc_request_over starts *out afresh */
    out->fp_seen = seen;
    memcpy(out->fp, fp, sizeof(fp));
    tc_close(t);
    close(fd);
    return rc;
}

int hc_request_over(const struct hc_conn *c, const struct hc_request *req, struct hc_response *out,
                    char *err, size_t cap)
{
    memset(out, 0, sizeof(*out));
    char head[1024];
    int hn = snprintf(head, sizeof(head),
                      "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
                      "User-Agent: akira\r\n",
                      req->method, req->path, c->what);
    if (req->token)
        hn += snprintf(head + hn, sizeof(head) - (size_t)hn, "Authorization: Bearer %s\r\n",
                       req->token);
    if (req->body)
        hn += snprintf(head + hn, sizeof(head) - (size_t)hn,
                       "Content-Type: application/wasm\r\nContent-Length: %llu\r\n"
                       "Expect: 100-continue\r\n",
                       (unsigned long long)req->body_len);
    else if (!strcmp(req->method, "POST") || !strcmp(req->method, "PUT"))
        hn += snprintf(head + hn, sizeof(head) - (size_t)hn, "Content-Length: 0\r\n");
    hn += snprintf(head + hn, sizeof(head) - (size_t)hn, "\r\n");
    struct rbuf b = {0};
    int rc = -1;
    if ((size_t)hn >= sizeof(head)) {
        seterr(err, cap, "request too long");
        goto out;
    }
    if (c->send_all(c->ctx, head, (size_t)hn)) {
        seterr(err, cap, "sending to %s: %s", c->what, strerror(errno));
        goto out;
    }
    bool final_early = false;
    if (req->body) {
        /* Wait for 100 Continue or a refusal; a server that says nothing gets the body
         * after a second (RFC 9110 allows either). */
        if (c->readable(c->ctx, HC_CONTINUE_MS)) {
            while (!head_len(&b)) {
                int r = read_some(c, &b);
                if (r <= 0) break;
            }
            int st = head_len(&b) ? status_of(b.d) : -1;
            if (st >= 200)
                final_early = true;
            else if (st >= 100)
                skip_interim(&b);
        }
        if (!final_early) {
            int s = send_body(c, req, err, cap);
            if (s < 0) goto out;
        }
    }
    for (;;) {
        int r = read_some(c, &b);
        if (r == 0) break;
        if (r < 0) {
            if (errno == ECONNRESET && head_len(&b)) break; /* answered, then reset */
            seterr(err, cap, "reading the answer from %s: %s", c->what,
                   errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno));
            goto out;
        }
    }
    rc = decode(&b, out, err, cap);
out:
    free(b.d);
    return rc;
}

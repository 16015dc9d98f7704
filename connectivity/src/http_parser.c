/*
 * HTTP/1.1 request parser (see akira/http_parser.h). Pure: bytes in, events out.
 */
#include <akira/http_parser.h>

#include <string.h>

enum {
    S_HEAD,       /* reading the request line and headers into head_buf */
    S_AFTER_HEAD, /* HEAD reported; the next feed starts the body */
    S_BODY_LEN,   /* Content-Length body */
    S_CHUNK_SIZE, /* a chunk-size line */
    S_CHUNK_DATA, /* chunk_left bytes of chunk data */
    S_CHUNK_CRLF, /* the CRLF after chunk data */
    S_TRAILER,    /* trailer lines after the last chunk, up to the blank line */
    S_DONE,       /* DONE reported; waiting for reset */
    S_ERROR,
};

static void error(struct akira_http_parser *p, int status, const char *reason)
{
    p->state = S_ERROR;
    p->err_status = status;
    p->err_reason = reason;
}

void akira_http_parser_reset(struct akira_http_parser *p)
{
    char *buf = p->head_buf;
    size_t cap = p->head_cap;
    memset(p, 0, sizeof(*p));
    p->head_buf = buf;
    p->head_cap = cap;
    p->body_max = UINT64_MAX;
    p->state = S_HEAD;
}

void akira_http_parser_init(struct akira_http_parser *p, char *head_buf, size_t head_cap)
{
    p->head_buf = head_buf;
    p->head_cap = head_cap;
    akira_http_parser_reset(p);
}

void akira_http_parser_body_limit(struct akira_http_parser *p, uint64_t max)
{
    p->body_max = max;
}

static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower(*a) != lower(*b)) return false;
    return *a == *b;
}

const char *akira_http_parser_header(const struct akira_http_parser *p, const char *name)
{
    for (unsigned i = 0; i < p->hdr_count; i++)
        if (ieq(p->hdr_name[i], name)) return p->hdr_value[i];
    return NULL;
}

/* "METHOD SP /target SP HTTP/1.x" (line NUL-terminated, CRLF removed). */
static void request_line(struct akira_http_parser *p, char *line)
{
    char *s = line;
    while (is_tchar((unsigned char)*s))
        s++;
    if (s == line || *s != ' ') return error(p, 400, "bad request line (method)");
    *s++ = '\0';
    p->method = line;
    char *target = s;
    while ((unsigned char)*s > 0x20 && (unsigned char)*s < 0x7f)
        s++;
    if (s == target || *s != ' ') return error(p, 400, "bad request line (target)");
    if (target[0] != '/') return error(p, 400, "request target must be an absolute path");
    *s++ = '\0';
    p->target = target;
    if (strncmp(s, "HTTP/", 5) != 0 || !(s[5] >= '0' && s[5] <= '9') || s[6] != '.' ||
        !(s[7] >= '0' && s[7] <= '9') || s[8] != '\0') {
        return error(p, 400, "bad request line (version)");
    }
    if (s[5] != '1' || (s[7] != '0' && s[7] != '1'))
        return error(p, 505, "HTTP version not supported");
    p->version_minor = s[7] - '0';
}

static void header_line(struct akira_http_parser *p, char *line)
{
    if (line[0] == ' ' || line[0] == '\t') return error(p, 400, "folded header line");
    char *s = line;
    while (is_tchar((unsigned char)*s))
        s++;
    if (s == line || *s != ':') return error(p, 400, "bad header name");
    *s++ = '\0';
    while (*s == ' ' || *s == '\t')
        s++;
    char *value = s;
    char *end = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f) return error(p, 400, "control byte in header");
        if (c != ' ' && c != '\t') end = s + 1;
    }
    *end = '\0';
    if (p->hdr_count == AKIRA_HTTP_HEADERS_MAX) return error(p, 431, "too many headers");
    p->hdr_name[p->hdr_count] = line;
    p->hdr_value[p->hdr_count] = value;
    p->hdr_count++;
}

/* Does the comma-separated list v hold token t (case-insensitive)? */
static bool list_has(const char *v, const char *t)
{
    size_t tl = strlen(t);
    while (*v) {
        while (*v == ' ' || *v == '\t' || *v == ',')
            v++;
        const char *w = v;
        while (*v && *v != ',' && *v != ' ' && *v != '\t')
            v++;
        if ((size_t)(v - w) == tl) {
            size_t i = 0;
            while (i < tl && lower(w[i]) == t[i])
                i++;
            if (i == tl) return true;
        }
        while (*v && *v != ',')
            v++;
    }
    return false;
}

/* The blank line: decide framing and persistence from the headers. */
static void head_complete(struct akira_http_parser *p)
{
    const char *cl = NULL;
    const char *te = NULL;
    bool close = false, keep = false;
    for (unsigned i = 0; i < p->hdr_count; i++) {
        const char *n = p->hdr_name[i], *v = p->hdr_value[i];
        if (ieq(n, "content-length")) {
            if (cl && strcmp(cl, v) != 0) return error(p, 400, "conflicting Content-Length");
            cl = v;
        } else if (ieq(n, "transfer-encoding")) {
            if (te) return error(p, 501, "only one Transfer-Encoding: chunked is supported");
            te = v;
        } else if (ieq(n, "connection")) {
            close = close || list_has(v, "close");
            keep = keep || list_has(v, "keep-alive");
        } else if (ieq(n, "expect")) {
            if (ieq(v, "100-continue")) p->expect_continue = true;
        }
    }
    if (cl && te) return error(p, 400, "both Content-Length and Transfer-Encoding");
    if (te) {
        if (!ieq(te, "chunked")) return error(p, 501, "transfer coding not supported");
        p->body = AKIRA_HTTP_BODY_CHUNKED;
    } else if (cl) {
        uint64_t v = 0;
        const char *s = cl;
        if (!*s) return error(p, 400, "bad Content-Length");
        for (; *s; s++) {
            if (*s < '0' || *s > '9') return error(p, 400, "bad Content-Length");
            if (v > (UINT64_MAX - 9) / 10) return error(p, 400, "Content-Length too large");
            v = v * 10 + (uint64_t)(*s - '0');
        }
        p->body = AKIRA_HTTP_BODY_LENGTH;
        p->content_length = v;
    }
    p->keep_alive = p->version_minor == 1 ? !close : (keep && !close);
    p->state = S_AFTER_HEAD;
}

/* Copies head bytes until a line ends, then parses it. Returns bytes consumed. */
static size_t feed_head(struct akira_http_parser *p, const uint8_t *d, size_t len)
{
    size_t i = 0;
    while (i < len && p->state == S_HEAD) {
        uint8_t c = d[i++];
        /* Garbage (a TLS hello, binary) is refused at its first byte, not after a
         * head's worth of it. */
        if (!p->method && (c < 0x20 || c > 0x7e) && c != '\r' && c != '\n') {
            error(p, 400, "bad request line (not HTTP)");
            break;
        }
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
            error(p, 400, "control byte in head");
            break;
        }
        if (p->head_len == p->head_cap) {
            error(p, p->method ? 431 : 414,
                  p->method ? "request head too large" : "request line too long");
            break;
        }
        p->head_buf[p->head_len++] = (char)c;
        if (c != '\n') continue;
        size_t ll = p->head_len - p->line_start; /* incl. LF */
        if (ll < 2 || p->head_buf[p->head_len - 2] != '\r') {
            error(p, 400, "line not ended by CRLF");
            break;
        }
        char *line = p->head_buf + p->line_start;
        p->head_buf[p->head_len - 2] = '\0';
        if (ll == 2) {
            if (!p->method) {
                /* Blank lines before a request are tolerated (RFC 9112 2.2): they are
                 * what a client leaves after a body it sent with an extra CRLF. */
                p->head_len = p->line_start = 0;
                continue;
            }
            head_complete(p);
            break;
        }
        for (char *s = line; *s; s++) {
            if (*s == '\r') {
                error(p, 400, "bare CR in head");
                return i;
            }
        }
        if (!p->method)
            request_line(p, line);
        else
            header_line(p, line);
        p->line_start = p->head_len;
    }
    return i;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static void chunk_size_line(struct akira_http_parser *p)
{
    /* chunk_line holds the line without CRLF, NUL-terminated. */
    const char *s = p->chunk_line;
    uint64_t v = 0;
    int h, digits = 0;
    while ((h = hexval(*s)) >= 0) {
        if (v >> 59) return error(p, 400, "chunk size too large");
        v = v * 16 + (uint64_t)h;
        s++;
        digits++;
    }
    if (digits == 0) return error(p, 400, "bad chunk size");
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s && *s != ';') return error(p, 400, "bad chunk size");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f) return error(p, 400, "bad chunk extension");
    }
    if (v == 0) {
        p->state = S_TRAILER;
        p->line_len = 0;
        p->prev_cr = false;
        return;
    }
    if (v > p->body_max - p->body_received) return error(p, 413, "body too large");
    p->chunk_left = v;
    p->state = S_CHUNK_DATA;
}

void akira_http_parser_feed(struct akira_http_parser *p, const uint8_t *d, size_t len, size_t *used,
                            struct akira_http_event *ev)
{
    size_t i = 0;
    memset(ev, 0, sizeof(*ev));
    for (;;) {
        switch (p->state) {
        case S_HEAD:
            i += feed_head(p, d + i, len - i);
            if (p->state == S_AFTER_HEAD) {
                ev->type = AKIRA_HTTP_EV_HEAD;
                *used = i;
                return;
            }
            if (p->state == S_HEAD) goto need_more;
            break;
        case S_AFTER_HEAD:
            if (p->body == AKIRA_HTTP_BODY_CHUNKED) {
                p->state = S_CHUNK_SIZE;
            } else if (p->body == AKIRA_HTTP_BODY_LENGTH && p->content_length > 0) {
                if (p->content_length > p->body_max) {
                    error(p, 413, "body too large");
                    break;
                }
                p->state = S_BODY_LEN;
            } else {
                p->state = S_DONE;
            }
            break;
        case S_BODY_LEN: {
            uint64_t left = p->content_length - p->body_received;
            if (left == 0) {
                p->state = S_DONE;
                break;
            }
            if (i == len) goto need_more;
            size_t n = len - i < left ? len - i : (size_t)left;
            ev->type = AKIRA_HTTP_EV_BODY;
            ev->data = d + i;
            ev->len = n;
            p->body_received += n;
            *used = i + n;
            return;
        }
        case S_CHUNK_SIZE:
            while (i < len && p->state == S_CHUNK_SIZE) {
                char c = (char)d[i++];
                if (c == '\n') {
                    if (p->chunk_line_len == 0 || p->chunk_line[p->chunk_line_len - 1] != '\r') {
                        error(p, 400, "chunk size line not ended by CRLF");
                        break;
                    }
                    p->chunk_line[p->chunk_line_len - 1] = '\0';
                    p->chunk_line_len = 0;
                    chunk_size_line(p);
                } else if (p->chunk_line_len == AKIRA_HTTP_CHUNK_LINE_MAX - 1) {
                    error(p, 400, "chunk size line too long");
                } else if (c == '\0') {
                    error(p, 400, "NUL byte in chunk size line");
                } else {
                    p->chunk_line[p->chunk_line_len++] = c;
                }
            }
            if (p->state == S_CHUNK_SIZE) goto need_more;
            break;
        case S_CHUNK_DATA: {
            if (i == len) goto need_more;
            size_t n = len - i < p->chunk_left ? len - i : (size_t)p->chunk_left;
            ev->type = AKIRA_HTTP_EV_BODY;
            ev->data = d + i;
            ev->len = n;
            p->body_received += n;
            p->chunk_left -= n;
            if (p->chunk_left == 0) {
                p->state = S_CHUNK_CRLF;
                p->chunk_line_len = 0;
            }
            *used = i + n;
            return;
        }
        case S_CHUNK_CRLF:
            while (i < len && p->state == S_CHUNK_CRLF) {
                char want = p->chunk_line_len == 0 ? '\r' : '\n';
                if ((char)d[i++] != want) {
                    error(p, 400, "chunk data not followed by CRLF");
                    break;
                }
                if (++p->chunk_line_len == 2) {
                    p->chunk_line_len = 0;
                    p->state = S_CHUNK_SIZE;
                }
            }
            if (p->state == S_CHUNK_CRLF) goto need_more;
            break;
        case S_TRAILER:
            while (i < len && p->state == S_TRAILER) {
                char c = (char)d[i++];
                if (++p->trailer_bytes > p->head_cap) {
                    error(p, 431, "trailer too large");
                    break;
                }
                if (c == '\n') {
                    if (!p->prev_cr) {
                        error(p, 400, "trailer line not ended by CRLF");
                        break;
                    }
                    if (p->line_len == 1) p->state = S_DONE; /* just the CR: blank line */
                    p->line_len = 0;
                    p->prev_cr = false;
                } else if (c == '\0') {
                    error(p, 400, "NUL byte in trailer");
                } else {
                    p->prev_cr = c == '\r';
                    p->line_len++;
                }
            }
            if (p->state == S_TRAILER) goto need_more;
            break;
        case S_DONE:
            ev->type = AKIRA_HTTP_EV_DONE;
            *used = i;
            return;
        case S_ERROR:
        default:
            ev->type = AKIRA_HTTP_EV_ERROR;
            ev->status = p->err_status;
            ev->reason = p->err_reason;
            *used = i;
            return;
        }
    }
need_more:
    ev->type = AKIRA_HTTP_EV_NEED_MORE;
    *used = i;
}

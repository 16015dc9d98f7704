/* Streaming JSON writer (see akira/json.h). */
#include <akira/json.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/err.h>

void akira_json_init(struct akira_json *w, char *buf, size_t cap, akira_json_flush_fn flush,
                     void *ctx)
{
    memset(w, 0, sizeof(*w));
    w->buf = buf;
    w->cap = cap;
    w->flush = flush;
    w->ctx = ctx;
    if (!buf || cap < 8) w->err = AKIRA_EINVAL;
}

static void put(struct akira_json *w, const char *s, size_t n)
{
    while (n > 0 && !w->err) {
        if (w->len == w->cap) {
            if (!w->flush) {
                w->err = AKIRA_ERANGE;
                return;
            }
            int rc = w->flush(w->ctx, w->buf, w->len);
            if (rc < 0) {
                w->err = rc;
                return;
            }
            w->len = 0;
        }
        size_t room = w->cap - w->len;
        size_t k = n < room ? n : room;
        memcpy(w->buf + w->len, s, k);
        w->len += k;
        s += k;
        n -= k;
    }
}

/* Before any value: the comma, and the check that a key precedes it in an object. */
static bool value_prefix(struct akira_json *w)
{
    if (w->err) return false;
    if (w->in_object[w->depth] && !w->after_key) {
        w->err = AKIRA_EINVAL;
        return false;
    }
    if (!w->after_key && w->depth == 0 && w->need_comma[0]) {
        w->err = AKIRA_EINVAL; /* a second top-level value */
        return false;
    }
    if (!w->after_key && w->need_comma[w->depth]) put(w, ",", 1);
    w->need_comma[w->depth] = true;
    w->after_key = false;
    return !w->err;
}

static void open_(struct akira_json *w, char c, bool object)
{
    if (!value_prefix(w)) return;
    if (w->depth == AKIRA_JSON_DEPTH_MAX) {
        w->err = AKIRA_EOVERFLOW;
        return;
    }
    put(w, &c, 1);
    w->depth++;
    w->need_comma[w->depth] = false;
    w->in_object[w->depth] = object;
}

static void close_(struct akira_json *w, char c, bool object)
{
    if (w->err) return;
    if (w->depth == 0 || w->in_object[w->depth] != object || w->after_key) {
        w->err = AKIRA_EINVAL;
        return;
    }
    w->depth--;
    put(w, &c, 1);
}

void akira_json_obj_begin(struct akira_json *w)
{
    open_(w, '{', true);
}

void akira_json_obj_end(struct akira_json *w)
{
    close_(w, '}', true);
}

void akira_json_arr_begin(struct akira_json *w)
{
    open_(w, '[', false);
}

void akira_json_arr_end(struct akira_json *w)
{
    close_(w, ']', false);
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if ill-formed. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t min, cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, min = 0x80, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, min = 0x800, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

static void string_(struct akira_json *w, const char *s, size_t n)
{
    put(w, "\"", 1);
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* run: bytes since the last escape, written in one go */
    while (i < n && !w->err) {
        unsigned char c = p[i];
        const char *esc = NULL;
        char ubuf[8];
        size_t l = 1;
        if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c == '\n') {
            esc = "\\n";
        } else if (c == '\r') {
            esc = "\\r";
        } else if (c == '\t') {
            esc = "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(ubuf, sizeof(ubuf), "\\u%04x", c);
            esc = ubuf;
        } else if (c >= 0x80) {
            l = utf8_len(p + i, n - i);
            if (l == 0) {
                esc = "\xef\xbf\xbd"; /* U+FFFD for each ill-formed byte */
                l = 1;
            }
        }
        if (esc) {
            put(w, (const char *)p + i - run, run);
            put(w, esc, strlen(esc));
            run = 0;
        } else {
            run += l;
        }
        i += l;
    }
    put(w, (const char *)p + i - run, run);
    put(w, "\"", 1);
}

void akira_json_key(struct akira_json *w, const char *key)
{
    if (w->err) return;
    if (!w->in_object[w->depth] || w->after_key || !key) {
        w->err = AKIRA_EINVAL;
        return;
    }
    if (w->need_comma[w->depth]) put(w, ",", 1);
    w->need_comma[w->depth] = true;
    string_(w, key, strlen(key));
    put(w, ":", 1);
    w->after_key = true;
}

void akira_json_strn(struct akira_json *w, const char *s, size_t n)
{
    if (!value_prefix(w)) return;
    string_(w, s ? s : "", s ? n : 0);
}

void akira_json_str(struct akira_json *w, const char *s)
{
    akira_json_strn(w, s, s ? strlen(s) : 0);
}

static void raw_value(struct akira_json *w, const char *s)
{
    if (!value_prefix(w)) return;
    put(w, s, strlen(s));
}

void akira_json_int(struct akira_json *w, int64_t v)
{
    char b[24];
    snprintf(b, sizeof(b), "%" PRId64, v);
    raw_value(w, b);
}

void akira_json_uint(struct akira_json *w, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof(b), "%" PRIu64, v);
    raw_value(w, b);
}

void akira_json_bool(struct akira_json *w, bool v)
{
    raw_value(w, v ? "true" : "false");
}

void akira_json_null(struct akira_json *w)
{
    raw_value(w, "null");
}

void akira_json_kv_str(struct akira_json *w, const char *key, const char *s)
{
    akira_json_key(w, key);
    akira_json_str(w, s);
}

void akira_json_kv_int(struct akira_json *w, const char *key, int64_t v)
{
    akira_json_key(w, key);
    akira_json_int(w, v);
}

void akira_json_kv_uint(struct akira_json *w, const char *key, uint64_t v)
{
    akira_json_key(w, key);
    akira_json_uint(w, v);
}

void akira_json_kv_bool(struct akira_json *w, const char *key, bool v)
{
    akira_json_key(w, key);
    akira_json_bool(w, v);
}

int akira_json_end(struct akira_json *w)
{
    if (w->err) return w->err;
    if (w->depth != 0 || w->after_key) return w->err = AKIRA_EINVAL;
    if (w->flush) {
        if (w->len) {
            int rc = w->flush(w->ctx, w->buf, w->len);
            if (rc < 0) return w->err = rc;
        }
        w->len = 0;
    } else if (w->len < w->cap) {
        w->buf[w->len] = '\0';
    }
    return 0;
}

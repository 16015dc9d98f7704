/* Route patterns ("/api/settings/{key}") and {name} parameter decoding. */
#include <string.h>

#include "http_priv.h"

bool http_route_pattern_ok(const char *p)
{
    if (!p || p[0] != '/') return false;
    const char *start = p;
    unsigned params = 0;
    while (*p == '/') {
        p++;
        const char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - seg);
        if (n == 0) return *p == '\0' && seg == start + 1; /* only "/" itself */
        if (seg[0] == '{') {
            if (n < 3 || seg[n - 1] != '}' || ++params > AKIRA_HTTP_PARAMS_MAX) return false;
            /* {name*} takes the rest of the path: last segment only. */
            if (seg[n - 2] == '*' && (n < 4 || *p != '\0')) return false;
            for (size_t i = 1; i + 1 < n; i++)
                if (seg[i] == '{' || seg[i] == '}' || (seg[i] == '*' && i + 2 != n)) return false;
        } else {
            for (size_t i = 0; i < n; i++)
                if (seg[i] == '{' || seg[i] == '}') return false;
        }
    }
    return *p == '\0';
}

int akira_http_hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += len;
    }
    return true;
}

/* Decodes one path segment into out; NULL on success or the reason it is refused. */
static const char *param_decode(const char *seg, size_t n, char *out, size_t cap, bool tail)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)seg[i];
        if (tail && c == '/') {
            /* A separator of a {name*} value: its segments obey the same rules. */
            if (o == 0 || out[o - 1] == '/') return "empty segment in name";
            out[o] = '\0';
            const char *last = strrchr(out, '/');
            last = last ? last + 1 : out;
            if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0) return "'.' or '..' in name";
            if (o + 1 >= cap) return "name too long";
            out[o++] = '/';
            continue;
        }
        if (c == '%') {
            if (i + 2 >= n || akira_http_hex_digit(seg[i + 1]) < 0 ||
                akira_http_hex_digit(seg[i + 2]) < 0)
                return "bad percent-encoding in path";
            c = akira_http_hex_digit(seg[i + 1]) * 16 + akira_http_hex_digit(seg[i + 2]);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f) return "control byte in name";
        if (c == '/') return "'/' in name";
        if (o + 1 >= cap) return "name too long";
        out[o++] = (char)c;
    }
    out[o] = '\0';
    if (o == 0 || out[o - 1] == '/') return "empty name";
    const char *last = tail ? strrchr(out, '/') : NULL;
    last = last ? last + 1 : out;
    if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0) return "'.' or '..' in name";
    if (!utf8_ok((const unsigned char *)out, o)) return "name is not UTF-8";
    return NULL;
}

/* Matches path against pattern; on success fills req's params (decoded). Returns 1
 * match, 0 no match, -1 the path matches but a parameter is refused (*reason). */
static int match(const char *pattern, const char *path, struct akira_http_req *req,
                 const char **reason)
{
    const char *p = pattern, *s = path;
    unsigned np = 0;
    for (;;) {
        if (*p == '\0' || *s == '\0') {
            if (*p != *s) return 0;
            break;
        }
        if (*p != '/' || *s != '/') return 0;
        p++, s++;
        const char *ps = p, *ss = s;
        while (*p && *p != '/')
            p++;
        while (*s && *s != '/')
            s++;
        size_t pn = (size_t)(p - ps), sn = (size_t)(s - ss);
        bool tail = pn >= 4 && ps[0] == '{' && ps[pn - 2] == '*';
        if (tail) {
            while (*s)
                s++; /* the rest of the path */
            sn = (size_t)(s - ss);
        }
        if (pn && ps[0] == '{') {
            if (sn == 0) return 0;
            req->param_name[np] = ps + 1;
            req->param_name_len[np] = pn - 2 - (tail ? 1 : 0);
            const char *why = param_decode(ss, sn, req->param[np], sizeof(req->param[np]), tail);
            np++;
            if (why) {
                *reason = why;
                req->nparams = np;
                return -1;
            }
        } else if (pn != sn || memcmp(ps, ss, pn) != 0) {
            return 0;
        }
    }
    req->nparams = np;
    return 1;
}

/* Appends method to the comma-separated list in allow (cap bytes) unless it is there;
 * a method that does not fit is left out rather than cut. */
static void allow_add(char *allow, size_t cap, const char *method)
{
    size_t n = strlen(allow), m = strlen(method);
    for (const char *p = allow; (p = strstr(p, method)) != NULL; p += m)
        if ((p == allow || p[-1] == ' ') && (p[m] == ',' || p[m] == '\0')) return;
    if (n + (n ? 2 : 0) + m + 1 > cap) return;
    if (n) memcpy(allow + n, ", ", 2), n += 2;
    memcpy(allow + n, method, m + 1);
}

int http_route_match(struct akira_http_server *s, struct akira_http_req *req, const char *method,
                     const char **reason, char *allow, size_t allow_cap)
{
    int status = 404;
    *reason = "no such endpoint";
    if (allow_cap) allow[0] = '\0';
    for (unsigned i = 0; i < s->nroutes; i++) {
        const struct akira_http_route *r = &s->routes[i];
        const char *why = NULL;
        int m = match(r->pattern, req->path, req, &why);
        if (m == 0) continue;
        if (strcmp(r->method, method) != 0) {
            if (status == 404) {
                status = 405;
                *reason = "method not allowed on this endpoint";
            }
            if (allow_cap) allow_add(allow, allow_cap, r->method);
            continue;
        }
        if (m < 0) {
            *reason = why;
            return 400;
        }
        req->route = r;
        return 0;
    }
    return status;
}

/* json.c - recursive-descent JSON reader (see json.h). */
#include "json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct parser {
    const char *p, *end, *start;
    char *why;
    size_t why_size;
    bool failed;
} parser;

static unsigned line_of(const parser *ps)
{
    unsigned line = 1;
    for (const char *q = ps->start; q < ps->p; q++)
        if (*q == '\n') line++;
    return line;
}

static bool fail(parser *ps, const char *fmt, ...)
{
    if (!ps->failed && ps->why && ps->why_size) {
        int n = snprintf(ps->why, ps->why_size, "line %u: ", line_of(ps));
        if (n >= 0 && (size_t)n < ps->why_size) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(ps->why + n, ps->why_size - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    ps->failed = true;
    return false;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool literal(parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character '%c'", *ps->p);
    ps->p += n;
    return true;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Decodes the string at ps->p (just past the opening quote). An escape never makes
 * the text longer than its source (\uXXXX is 6 bytes for at most 3; a surrogate pair
 * 12 for 4), so the source length bounds the buffer. */
static bool parse_string(parser *ps, char **out, size_t *out_len)
{
    const char *q = ps->p;
    while (q < ps->end && *q != '"') {
        if (*q == '\\') q++;
        q++;
    }
    if (q >= ps->end) return fail(ps, "unterminated string");
    char *buf = malloc((size_t)(q - ps->p) + 1);
    if (!buf) return fail(ps, "out of memory");
    size_t n = 0;
    while (*ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) {
            free(buf);
            return fail(ps, "control character in string");
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            continue;
        }
        char e = *ps->p++;
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            int hi = ps->end - ps->p >= 4 ? hex4(ps->p) : -1;
            if (hi < 0) {
                free(buf);
                return fail(ps, "bad \\u escape");
            }
            ps->p += 4;
            uint32_t cp = (uint32_t)hi;
            if (hi >= 0xd800 && hi < 0xdc00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
                ps->p[1] == 'u') {
                int lo = hex4(ps->p + 2);
                if (lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
                    ps->p += 6;
                }
            }
            n += put_utf8(buf + n, cp);
            break;
        }
        default: free(buf); return fail(ps, "bad escape '\\%c'", e);
        }
    }
    ps->p++; /* closing quote */
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return true;
}

static bool parse_value(parser *ps, akira_spec_json *v, int depth);

/* Appends one zeroed element to a growing array of `size`-byte elements. */
static void *grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        void *na = realloc(*arr, nc * size);
        if (!na) return NULL;
        *arr = na;
        *cap = nc;
    }
    void *slot = (char *)*arr + n * size;
    memset(slot, 0, size);
    return slot;
}

static bool parse_array(parser *ps, akira_spec_json *v, int depth)
{
    size_t cap = 0;
    v->kind = AKIRA_SPEC_JSON_ARRAY;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return true;
    }
    for (;;) {
        akira_spec_json *item = grow((void **)&v->items, &cap, v->len, sizeof *item);
        if (!item) return fail(ps, "out of memory");
        v->len++;
        if (!parse_value(ps, item, depth + 1)) return false;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return true;
        }
        return fail(ps, "expected ',' or ']'");
    }
}

static bool parse_object(parser *ps, akira_spec_json *v, int depth)
{
    size_t cap = 0;
    v->kind = AKIRA_SPEC_JSON_OBJECT;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return true;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') return fail(ps, "expected a member name");
        ps->p++;
        akira_spec_json_member *m = grow((void **)&v->members, &cap, v->len, sizeof *m);
        if (!m) return fail(ps, "out of memory");
        v->len++;
        if (!parse_string(ps, &m->key, &m->key_len)) return false;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') return fail(ps, "expected ':'");
        ps->p++;
        if (!parse_value(ps, &m->value, depth + 1)) return false;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return true;
        }
        return fail(ps, "expected ',' or '}'");
    }
}

static bool parse_number(parser *ps, akira_spec_json *v)
{
    const char *q = ps->p;
    if (q < ps->end && *q == '-') q++;
    if (q >= ps->end || *q < '0' || *q > '9') return fail(ps, "bad number");
    while (q < ps->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
                           *q == '+' || *q == '-'))
        q++;
    char tmp[64];
    size_t n = (size_t)(q - ps->p);
    if (n >= sizeof tmp) return fail(ps, "number too long");
    memcpy(tmp, ps->p, n);
    tmp[n] = '\0';
    char *endp;
    v->kind = AKIRA_SPEC_JSON_NUMBER;
    v->number = strtod(tmp, &endp);
    if (*endp) return fail(ps, "bad number '%s'", tmp);
    ps->p = q;
    return true;
}

static bool parse_value(parser *ps, akira_spec_json *v, int depth)
{
    if (depth > MAX_DEPTH) return fail(ps, "nested deeper than %d", MAX_DEPTH);
    skip_ws(ps);
    if (ps->p >= ps->end) return fail(ps, "unexpected end");
    switch (*ps->p) {
    case '{': ps->p++; return parse_object(ps, v, depth);
    case '[': ps->p++; return parse_array(ps, v, depth);
    case '"':
        ps->p++;
        v->kind = AKIRA_SPEC_JSON_STRING;
        return parse_string(ps, &v->str, &v->len);
    case 't':
        v->kind = AKIRA_SPEC_JSON_BOOL;
        v->boolean = true;
        return literal(ps, "true");
    case 'f': v->kind = AKIRA_SPEC_JSON_BOOL; return literal(ps, "false");
    case 'n': v->kind = AKIRA_SPEC_JSON_NULL; return literal(ps, "null");
    default: return parse_number(ps, v);
    }
}

static void free_inner(akira_spec_json *v)
{
    if (v->kind == AKIRA_SPEC_JSON_STRING) free(v->str);
    if (v->kind == AKIRA_SPEC_JSON_ARRAY) {
        for (size_t i = 0; i < v->len; i++)
            free_inner(&v->items[i]);
        free(v->items);
    }
    if (v->kind == AKIRA_SPEC_JSON_OBJECT) {
        for (size_t i = 0; i < v->len; i++) {
            free(v->members[i].key);
            free_inner(&v->members[i].value);
        }
        free(v->members);
    }
}

akira_spec_json *akira_spec_json_parse(const char *text, size_t len, char *why, size_t why_size)
{
    parser ps = {text, text + len, text, why, why_size, false};
    akira_spec_json *root = calloc(1, sizeof *root);
    if (!root) {
        if (why && why_size) snprintf(why, why_size, "out of memory");
        return NULL;
    }
    if (parse_value(&ps, root, 0)) {
        skip_ws(&ps);
        if (ps.p != ps.end) fail(&ps, "content after the document");
    }
    if (ps.failed) {
        akira_spec_json_free(root);
        return NULL;
    }
    return root;
}

void akira_spec_json_free(akira_spec_json *v)
{
    if (!v) return;
    free_inner(v);
    free(v);
}

const akira_spec_json *akira_spec_json_get(const akira_spec_json *obj, const char *key)
{
    if (!obj || obj->kind != AKIRA_SPEC_JSON_OBJECT) return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < obj->len; i++)
        if (obj->members[i].key_len == n && memcmp(obj->members[i].key, key, n) == 0)
            return &obj->members[i].value;
    return NULL;
}

const char *akira_spec_json_get_str(const akira_spec_json *obj, const char *key)
{
    const akira_spec_json *v = akira_spec_json_get(obj, key);
    return v && v->kind == AKIRA_SPEC_JSON_STRING ? v->str : NULL;
}

/* JSON reader of the `akira` tool (see json_read.h). Recursive descent, depth-bounded;
 * strings decoded into one buffer as large as the input (a decoded string is never
 * longer than its escaped form). */
#include "json_read.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JR_DEPTH_MAX 32

struct jr_in {
    const char *s, *end;
    char *out; /* next free byte of doc->strings */
    struct jr_doc *doc;
};

static void ws(struct jr_in *in)
{
    while (in->s < in->end && (*in->s == ' ' || *in->s == '\t' || *in->s == '\n' || *in->s == '\r'))
        in->s++;
}

static long node_new(struct jr_in *in)
{
    struct jr_doc *d = in->doc;
    if (d->count == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        struct jr_node *n = realloc(d->nodes, cap * sizeof(*n));
        if (!n) return -1;
        d->nodes = n;
        d->cap = cap;
    }
    memset(&d->nodes[d->count], 0, sizeof(d->nodes[0]));
    return (long)d->count++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_utf8(struct jr_in *in, uint32_t cp)
{
    if (cp < 0x80) {
        *in->out++ = (char)cp;
    } else if (cp < 0x800) {
        *in->out++ = (char)(0xc0 | (cp >> 6));
        *in->out++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *in->out++ = (char)(0xe0 | (cp >> 12));
        *in->out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *in->out++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *in->out++ = (char)(0xf0 | (cp >> 18));
        *in->out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
        *in->out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *in->out++ = (char)(0x80 | (cp & 0x3f));
    }
}

/* A string at in->s (the opening quote); returns its decoded text or NULL. */
static char *string(struct jr_in *in)
{
    if (in->s >= in->end || *in->s != '"') return NULL;
    in->s++;
    char *start = in->out;
    while (in->s < in->end && *in->s != '"') {
        char c = *in->s++;
        if ((unsigned char)c < 0x20) return NULL;
        if (c != '\\') {
            *in->out++ = c;
            continue;
        }
        if (in->s >= in->end) return NULL;
        c = *in->s++;
        switch (c) {
        case '"': *in->out++ = '"'; break;
        case '\\': *in->out++ = '\\'; break;
        case '/': *in->out++ = '/'; break;
        case 'b': *in->out++ = '\b'; break;
        case 'f': *in->out++ = '\f'; break;
        case 'n': *in->out++ = '\n'; break;
        case 'r': *in->out++ = '\r'; break;
        case 't': *in->out++ = '\t'; break;
        case 'u': {
            if (in->end - in->s < 4) return NULL;
            uint32_t cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexval(in->s[i]);
                if (h < 0) return NULL;
                cp = cp * 16 + (uint32_t)h;
            }
            in->s += 4;
            /* A surrogate pair when both halves are there; a lone half as U+FFFD. */
            if (cp >= 0xd800 && cp < 0xdc00 && in->end - in->s >= 6 && in->s[0] == '\\' &&
                in->s[1] == 'u') {
                uint32_t lo = 0;
                int ok = 1;
                for (int i = 0; i < 4 && ok; i++) {
                    int h = hexval(in->s[2 + i]);
                    ok = h >= 0;
                    lo = lo * 16 + (uint32_t)(h < 0 ? 0 : h);
                }
                if (ok && lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    in->s += 6;
                }
            }
            if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
            put_utf8(in, cp);
            break;
        }
        default: return NULL;
        }
    }
    if (in->s >= in->end) return NULL;
    in->s++;
    *in->out++ = '\0';
    return start;
}

static long value(struct jr_in *in, int depth);

/* Appends child to the list of parent (prev: the last child so far, or -1). */
static void link_child(struct jr_doc *d, long parent, long prev, long child)
{
    if (prev < 0)
        d->nodes[parent].first = (size_t)child;
    else
        d->nodes[prev].next = (size_t)child;
}

static long container(struct jr_in *in, int depth, bool obj)
{
    long self = node_new(in);
    if (self < 0) return -1;
    in->doc->nodes[self].type = obj ? JR_OBJ : JR_ARR;
    in->s++;
    ws(in);
    char close = obj ? '}' : ']';
    if (in->s < in->end && *in->s == close) {
        in->s++;
        return self;
    }
    long prev = -1;
    for (;;) {
        ws(in);
        char *key = NULL;
        if (obj) {
            key = string(in);
            if (!key) return -1;
            ws(in);
            if (in->s >= in->end || *in->s != ':') return -1;
            in->s++;
        }
        long child = value(in, depth + 1);
        if (child < 0) return -1;
        in->doc->nodes[child].key = key;
        link_child(in->doc, self, prev, child);
        prev = child;
        ws(in);
        if (in->s < in->end && *in->s == ',') {
            in->s++;
            continue;
        }
        if (in->s < in->end && *in->s == close) {
            in->s++;
            return self;
        }
        return -1;
    }
}

static bool word(struct jr_in *in, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(in->end - in->s) < n || memcmp(in->s, w, n) != 0) return false;
    in->s += n;
    return true;
}

static long value(struct jr_in *in, int depth)
{
    if (depth > JR_DEPTH_MAX) return -1;
    ws(in);
    if (in->s >= in->end) return -1;
    char c = *in->s;
    if (c == '{' || c == '[') return container(in, depth, c == '{');
    long self = node_new(in);
    if (self < 0) return -1;
    struct jr_node *n = &in->doc->nodes[self];
    if (c == '"') {
        char *s = string(in);
        if (!s) return -1;
        n = &in->doc->nodes[self];
        n->type = JR_STR;
        n->str = s;
    } else if (word(in, "true") || word(in, "false")) {
        n->type = JR_BOOL;
        n->boolean = in->s[-1] == 'e' && in->s[-2] == 'u';
    } else if (word(in, "null")) {
        n->type = JR_NULL;
    } else {
        char buf[64];
        size_t k = 0;
        while (in->s < in->end && k < sizeof(buf) - 1 && strchr("+-0123456789.eE", *in->s))
            buf[k++] = *in->s++;
        buf[k] = '\0';
        char *endp;
        n->num = strtod(buf, &endp);
        if (k == 0 || *endp) return -1;
        n->type = JR_NUM;
    }
    return self;
}

int jr_parse(struct jr_doc *doc, const char *text, size_t len)
{
    memset(doc, 0, sizeof(*doc));
    doc->strings = malloc(len + 1);
    if (!doc->strings) return -1;
    struct jr_in in = {text, text + len, doc->strings, doc};
    long root = value(&in, 0);
    ws(&in);
    if (root != 0 || in.s != in.end) {
        jr_free(doc);
        return -1;
    }
    return 0;
}

void jr_free(struct jr_doc *doc)
{
    free(doc->nodes);
    free(doc->strings);
    memset(doc, 0, sizeof(*doc));
}

const struct jr_node *jr_first(const struct jr_doc *d, const struct jr_node *n)
{
    if (!n || (n->type != JR_ARR && n->type != JR_OBJ) || !n->first) return NULL;
    return &d->nodes[n->first];
}

const struct jr_node *jr_next(const struct jr_doc *d, const struct jr_node *n)
{
    return n && n->next ? &d->nodes[n->next] : NULL;
}

const struct jr_node *jr_get(const struct jr_doc *d, const struct jr_node *obj, const char *key)
{
    if (!obj || obj->type != JR_OBJ) return NULL;
    for (const struct jr_node *c = jr_first(d, obj); c; c = jr_next(d, c))
        if (c->key && strcmp(c->key, key) == 0) return c;
    return NULL;
}

const char *jr_str(const struct jr_doc *d, const struct jr_node *obj, const char *key,
                   const char *def)
{
    const struct jr_node *n = jr_get(d, obj, key);
    return n && n->type == JR_STR ? n->str : def;
}

double jr_num(const struct jr_doc *d, const struct jr_node *obj, const char *key, double def)
{
    const struct jr_node *n = jr_get(d, obj, key);
    return n && n->type == JR_NUM ? n->num : def;
}

bool jr_bool(const struct jr_doc *d, const struct jr_node *obj, const char *key, bool def)
{
    const struct jr_node *n = jr_get(d, obj, key);
    return n && n->type == JR_BOOL ? n->boolean : def;
}

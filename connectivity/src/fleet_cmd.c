/* Fleet commands: parsing and signature check (akira/fleet.h, docs/fleet.md). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <akira/err.h>
#include <akira/fleet.h>

#define JSON_VAL_MAX 512u

static bool charset_ok(const char *s, size_t min, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n < min || n > max) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(extra, c))) return false;
    }
    return true;
}

bool akira_fleet_id_ok(const char *s)
{
    return s && charset_ok(s, 1, AKIRA_FLEET_ID_MAX, "-");
}

bool akira_fleet_key_name_ok(const char *s)
{
    return s && charset_ok(s, 1, AKIRA_FLEET_KEY_NAME_MAX, "-_.ABCDEFGHIJKLMNOPQRSTUVWXYZ");
}

bool akira_fleet_tags_ok(const char *s)
{
    if (!s) return false;
    if (!*s) return true;
    size_t count = 0;
    for (const char *p = s;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || n > AKIRA_FLEET_TAG_MAX || ++count > AKIRA_FLEET_TAGS_MAX) return false;
        for (size_t i = 0; i < n; i++)
            if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
                return false;
        if (!e) return true;
        p = e + 1;
    }
}

/* ---- flat JSON ------------------------------------------------------------------ */

struct jp {
    const char *s;
    size_t len, i;
};

static void ws(struct jp *p)
{
    while (p->i < p->len && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i])
        p->i++;
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A string at p->i (the opening quote) into out (cap bytes, NUL-terminated). */
static int jstr(struct jp *p, char *out, size_t cap, size_t *olen)
{
    if (p->i >= p->len || p->s[p->i] != '"') return AKIRA_EFORMAT;
    p->i++;
    size_t n = 0;
    while (p->i < p->len) {
        unsigned char c = (unsigned char)p->s[p->i++];
        if (c == '"') {
            out[n] = '\0';
            *olen = n;
            return 0;
        }
        if (c < 0x20) return AKIRA_EFORMAT;
        if (c == '\\') {
            if (p->i >= p->len) return AKIRA_EFORMAT;
            char e = p->s[p->i++];
            switch (e) {
            case '"':
            case '\\':
            case '/': c = (unsigned char)e; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                if (p->len - p->i < 4) return AKIRA_EFORMAT;
                int v = 0;
                for (int k = 0; k < 4; k++) {
                    int h = hexv(p->s[p->i++]);
                    if (h < 0) return AKIRA_EFORMAT;
                    v = v << 4 | h;
                }
                if (v == 0 || v > 0x7F) return AKIRA_EFORMAT;
                c = (unsigned char)v;
                break;
            }
            default: return AKIRA_EFORMAT;
            }
        }
        if (n + 1 >= cap) return AKIRA_ETOOBIG;
        out[n++] = (char)c;
    }
    return AKIRA_EFORMAT;
}

int akira_fleet_json_each(const char *json, size_t len,
                          int (*fn)(void *ctx, const char *key, const char *val, size_t vlen,
                                    bool is_str),
                          void *ctx)
{
    if (!json || !fn) return AKIRA_EINVAL;
    struct jp p = {json, len, 0};
    char key[64], val[JSON_VAL_MAX + 1];
    size_t kl, vl;
    ws(&p);
    if (p.i >= p.len || json[p.i++] != '{') return AKIRA_EFORMAT;
    ws(&p);
    if (p.i < p.len && json[p.i] == '}') {
        p.i++;
    } else {
        for (;;) {
            ws(&p);
            int rc = jstr(&p, key, sizeof(key), &kl);
            if (rc) return rc == AKIRA_ETOOBIG ? AKIRA_EFORMAT : rc;
            ws(&p);
            if (p.i >= p.len || json[p.i++] != ':') return AKIRA_EFORMAT;
            ws(&p);
            if (p.i >= p.len) return AKIRA_EFORMAT;
            bool is_str = json[p.i] == '"';
            if (is_str) {
                rc = jstr(&p, val, sizeof(val), &vl);
                if (rc) return rc;
            } else {
                size_t st = p.i;
                while (p.i < p.len && ((json[p.i] && strchr("-+.eE", json[p.i])) ||
                                       (json[p.i] >= '0' && json[p.i] <= '9') ||
                                       (json[p.i] >= 'a' && json[p.i] <= 'z')))
                    p.i++;
                vl = p.i - st;
                if (vl == 0) return AKIRA_EFORMAT; /* an object, array, or junk */
                if (vl > JSON_VAL_MAX) return AKIRA_ETOOBIG;
                memcpy(val, json + st, vl);
                val[vl] = '\0';
                bool num = val[0] == '-' || (val[0] >= '0' && val[0] <= '9');
                if (!num && strcmp(val, "true") && strcmp(val, "false") && strcmp(val, "null"))
                    return AKIRA_EFORMAT;
            }
            rc = fn(ctx, key, val, vl, is_str);
            if (rc) return rc;
            ws(&p);
            if (p.i >= p.len) return AKIRA_EFORMAT;
            char c = json[p.i++];
            if (c == '}') break;
            if (c != ',') return AKIRA_EFORMAT;
        }
    }
    ws(&p);
    return p.i == p.len ? 0 : AKIRA_EFORMAT;
}

/* ---- commands -------------------------------------------------------------------- */

/* clang-format off */
static const struct { const char *name; enum akira_fleet_op op; } ops[] = {
    {"install", AKIRA_FLEET_OP_INSTALL}, {"start", AKIRA_FLEET_OP_START},
    {"stop", AKIRA_FLEET_OP_STOP},       {"uninstall", AKIRA_FLEET_OP_UNINSTALL},
    {"set", AKIRA_FLEET_OP_SET},         {"status", AKIRA_FLEET_OP_STATUS},
    {"ota", AKIRA_FLEET_OP_OTA},
};
/* clang-format on */

/* A decimal integer 0..max. */
static bool uint_of(const char *v, bool is_str, uint64_t max, uint64_t *out)
{
    if (is_str || !*v || strlen(v) > 20) return false;
    uint64_t x = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        uint64_t d = (uint64_t)(*p - '0');
        if (x > (UINT64_MAX - d) / 10) return false;
        x = x * 10 + d;
    }
    if (x > max) return false;
    *out = x;
    return true;
}

static bool copy_field(char *dst, size_t cap, const char *v, size_t vl, bool is_str)
{
    if (!is_str || vl == 0 || vl >= cap) return false;
    memcpy(dst, v, vl + 1);
    return true;
}

struct parse_ctx {
    struct akira_fleet_cmd *c;
    bool has_ts, has_size, has_chunks, has_key, has_value;
};

static int field(void *ctx, const char *k, const char *v, size_t vl, bool is_str)
{
    struct parse_ctx *pc = ctx;
    struct akira_fleet_cmd *c = pc->c;
    uint64_t x;
    if (!strcmp(k, "id")) {
        if (!copy_field(c->id, sizeof(c->id), v, vl, is_str)) return AKIRA_EINVAL;
        for (size_t i = 0; i < vl; i++) {
            char ch = v[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
                c->id[0] = '\0';
                return AKIRA_EINVAL;
            }
        }
    } else if (!strcmp(k, "ts")) {
        if (!uint_of(v, is_str, UINT64_MAX, &c->ts)) return AKIRA_EINVAL;
        pc->has_ts = true;
    } else if (!strcmp(k, "op")) {
        if (!copy_field(c->op_name, sizeof(c->op_name), v, vl, is_str)) return AKIRA_EINVAL;
    } else if (!strcmp(k, "to")) {
        if (!copy_field(c->to, sizeof(c->to), v, vl, is_str)) return AKIRA_EINVAL;
        c->has_to = true;
    } else if (!strcmp(k, "app")) {
        if (!copy_field(c->app, sizeof(c->app), v, vl, is_str)) return AKIRA_EINVAL;
    } else if (!strcmp(k, "name")) {
        if (!copy_field(c->name, sizeof(c->name), v, vl, is_str)) return AKIRA_EINVAL;
    } else if (!strcmp(k, "size")) {
        if (!uint_of(v, is_str, UINT32_MAX, &x) || x == 0) return AKIRA_EINVAL;
        c->size = (uint32_t)x;
        pc->has_size = true;
    } else if (!strcmp(k, "chunks")) {
        if (!uint_of(v, is_str, UINT32_MAX, &x) || x == 0) return AKIRA_EINVAL;
        c->chunks = (uint32_t)x;
        pc->has_chunks = true;
    } else if (!strcmp(k, "sha256")) {
        if (!is_str || vl != 64) return AKIRA_EINVAL;
        for (size_t i = 0; i < 32; i++) {
            int hi = hexv(v[2 * i]), lo = hexv(v[2 * i + 1]);
            if (hi < 0 || lo < 0) return AKIRA_EINVAL;
            c->sha256[i] = (uint8_t)(hi << 4 | lo);
        }
        c->has_sha = true;
    } else if (!strcmp(k, "key")) {
        if (!copy_field(c->key, sizeof(c->key), v, vl, is_str)) return AKIRA_EINVAL;
        pc->has_key = true;
    } else if (!strcmp(k, "value")) {
        if (!is_str || vl >= sizeof(c->value)) return AKIRA_EINVAL;
        memcpy(c->value, v, vl + 1);
        pc->has_value = true;
    }
    /* Other members are ignored (a newer sender's extras). */
    return 0;
}

int akira_fleet_cmd_parse(const uint8_t *msg, size_t len, struct akira_fleet_cmd *out)
{
    if (!msg || !out) return AKIRA_EINVAL;
    memset(out, 0, sizeof(*out));
    const uint8_t *nl = memchr(msg, '\n', len);
    size_t jl = nl ? (size_t)(nl - msg) : len;
    out->json = (const char *)msg;
    out->json_len = jl;
    struct parse_ctx pc = {.c = out};
    int jrc = akira_fleet_json_each((const char *)msg, jl, field, &pc);
    /* The signature: 128 hex digits, then nothing or one newline. */
    if (!nl) return AKIRA_EFORMAT;
    size_t sl = len - jl - 1;
    if (sl == 129 && nl[129] == '\n') sl = 128;
    if (sl != 128) return AKIRA_EFORMAT;
    for (size_t i = 0; i < 64; i++) {
        int hi = hexv((char)nl[1 + 2 * i]), lo = hexv((char)nl[2 + 2 * i]);
        if (hi < 0 || lo < 0) return AKIRA_EFORMAT;
        out->sig[i] = (uint8_t)(hi << 4 | lo);
    }
    if (jrc) return AKIRA_EINVAL;
    if (!out->id[0] || !pc.has_ts || !out->op_name[0]) return AKIRA_EINVAL;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (!strcmp(ops[i].name, out->op_name)) out->op = ops[i].op;
    switch (out->op) {
    case AKIRA_FLEET_OP_NONE: return AKIRA_ENOTSUP;
    case AKIRA_FLEET_OP_INSTALL:
        if (!out->name[0]) return AKIRA_EINVAL;
        /* fall through */
    case AKIRA_FLEET_OP_OTA:
        if (!pc.has_size || !pc.has_chunks || !out->has_sha) return AKIRA_EINVAL;
        /* Every chunk but the last is full: the count must fit the size. */
        if (out->chunks != (out->size + AKIRA_FLEET_CHUNK_MAX - 1) / AKIRA_FLEET_CHUNK_MAX)
            return AKIRA_EINVAL;
        return 0;
    case AKIRA_FLEET_OP_START:
    case AKIRA_FLEET_OP_STOP:
    case AKIRA_FLEET_OP_UNINSTALL: return out->app[0] ? 0 : AKIRA_EINVAL;
    case AKIRA_FLEET_OP_SET: return pc.has_key && pc.has_value ? 0 : AKIRA_EINVAL;
    case AKIRA_FLEET_OP_STATUS: return 0;
    }
    return AKIRA_ENOTSUP;
}

int akira_fleet_cmd_verify(const struct akira_fleet_cmd *cmd, const uint8_t pub[32])
{
    if (!cmd || !pub || !cmd->json) return AKIRA_EINVAL;
    if (sodium_init() < 0) return AKIRA_ENOTSUP;
    return crypto_sign_verify_detached(cmd->sig, (const unsigned char *)cmd->json, cmd->json_len,
                                       pub) == 0
               ? 0
               : AKIRA_ESIG;
}

bool akira_fleet_is_data(const uint8_t *msg, size_t len)
{
    return msg && len >= 4 && !memcmp(msg, AKIRA_FLEET_DATA_MAGIC, 4);
}

int akira_fleet_data_parse(const uint8_t *msg, size_t len, const char **id, size_t *id_len,
                           uint32_t *index, const uint8_t **data, size_t *data_len)
{
    if (!akira_fleet_is_data(msg, len) || len < 5) return AKIRA_EFORMAT;
    size_t il = msg[4];
    if (il == 0 || il > 32 || len < 5 + il + 4) return AKIRA_EFORMAT;
    const uint8_t *q = msg + 5 + il;
    size_t dl = len - 5 - il - 4;
    if (dl > AKIRA_FLEET_CHUNK_MAX) return AKIRA_EFORMAT;
    *id = (const char *)msg + 5;
    *id_len = il;
    *index = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
    *data = q + 4;
    *data_len = dl;
    return 0;
}

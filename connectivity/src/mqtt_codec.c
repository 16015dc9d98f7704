/* MQTT 3.1.1 packet encoder and decoder (akira/mqtt_codec.h). */
#include <string.h>

#include <akira/err.h>
#include <akira/mqtt_codec.h>

/* ---- strings and topics ---------------------------------------------------------- */

bool akira_mqtt_utf8_ok(const char *str, size_t len)
{
    const uint8_t *s = (const uint8_t *)str;
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c == 0) return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (len - i - 1 < n) return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;
        i += n + 1;
    }
    return true;
}

bool akira_mqtt_filter_ok(const char *f, size_t len)
{
    if (!f || len == 0 || len > 65535 || !akira_mqtt_utf8_ok(f, len)) return false;
    for (size_t i = 0; i < len; i++) {
        bool level_start = i == 0 || f[i - 1] == '/';
        bool level_end = i + 1 == len || f[i + 1] == '/';
        if (f[i] == '+' && !(level_start && level_end)) return false;
        if (f[i] == '#' && !(level_start && i + 1 == len)) return false;
    }
    return true;
}

bool akira_mqtt_topic_match(const char *filter, const char *topic, size_t tlen)
{
    size_t fi = 0, ti = 0, flen = strlen(filter);
    if (tlen > 0 && topic[0] == '$' && flen > 0 && (filter[0] == '+' || filter[0] == '#'))
        return false;
    for (;;) {
        if (fi < flen && filter[fi] == '#') return true; /* the rest, parent level included */
        if (fi < flen && filter[fi] == '+') {
            while (ti < tlen && topic[ti] != '/')
                ti++;
            fi++;
        } else {
            while (fi < flen && ti < tlen && filter[fi] != '/' && topic[ti] != '/') {
                if (filter[fi] != topic[ti]) return false;
                fi++;
                ti++;
            }
            if (fi < flen && filter[fi] != '/') return false;
            if (ti < tlen && topic[ti] != '/') return false;
        }
        if (fi == flen && ti == tlen) return true;
        if (fi == flen || ti == tlen) {
            /* "a/#" matches "a" too: the filter has "/#" left and the topic ended. */
            return ti == tlen && flen - fi == 2 && filter[fi] == '/' && filter[fi + 1] == '#';
        }
        fi++; /* both at '/' */
        ti++;
    }
}

/* ---- back-off ---------------------------------------------------------------------- */

uint32_t akira_mqtt_backoff_next(uint32_t prev_ms, uint32_t min_ms, uint32_t max_ms)
{
    if (prev_ms < min_ms) return min_ms;
    if (prev_ms >= max_ms / 2) return max_ms;
    return prev_ms * 2;
}

uint32_t akira_mqtt_backoff_jitter(uint32_t d_ms, uint32_t random)
{
    uint32_t half = d_ms / 2;
    return half + (d_ms - half ? random % (d_ms - half + 1) : 0);
}

/* ---- encoding -------------------------------------------------------------------- */

int akira_mqtt_remlen_encode(uint32_t v, uint8_t out[4])
{
    if (v > AKIRA_MQTT_REMLEN_MAX) return AKIRA_EINVAL;
    int n = 0;
    do {
        uint8_t b = v % 128;
        v /= 128;
        out[n++] = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v);
    return n;
}

struct wr {
    uint8_t *p;
    size_t cap, len;
    bool over;
};

static void put(struct wr *w, const void *d, size_t n)
{
    if (w->over || w->cap - w->len < n) {
        w->over = true;
        return;
    }
    if (n) memcpy(w->p + w->len, d, n);
    w->len += n;
}

static void put8(struct wr *w, uint8_t v)
{
    put(w, &v, 1);
}

static void put16(struct wr *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(w, b, 2);
}

static void put_str(struct wr *w, const void *s, size_t n)
{
    put16(w, (uint16_t)n);
    put(w, s, n);
}

/* Writes the fixed header for a body of `rem` bytes; the body follows with put. */
static int head(struct wr *w, uint8_t first, size_t rem)
{
    uint8_t l[4];
    if (rem > AKIRA_MQTT_REMLEN_MAX) return AKIRA_EINVAL;
    int n = akira_mqtt_remlen_encode((uint32_t)rem, l);
    put8(w, first);
    put(w, l, (size_t)n);
    return 0;
}

static int done(const struct wr *w)
{
    return w->over ? AKIRA_ERANGE : (int)w->len;
}

int akira_mqtt_encode_connect(uint8_t *buf, size_t cap, const struct akira_mqtt_connect *c)
{
    if (!buf || !c || (c->client_id.len > 0 && !c->client_id.p)) return AKIRA_EINVAL;
    if (c->will && (c->will_qos > 1 || !c->will_topic.p ||
                    !akira_mqtt_utf8_ok(c->will_topic.p, c->will_topic.len)))
        return AKIRA_EINVAL;
    if (!c->user.p && c->password.p) return AKIRA_EINVAL; /* 3.1.2.9 */
    size_t rem = 10 + 2 + c->client_id.len;
    uint8_t fl = c->clean_session ? 0x02 : 0;
    if (c->will) {
        rem += 2 + (size_t)c->will_topic.len + 2 + c->will_len;
        fl |= (uint8_t)(0x04 | c->will_qos << 3 | (c->will_retain ? 0x20 : 0));
    }
    if (c->user.p) {
        rem += 2 + (size_t)c->user.len;
        fl |= 0x80;
    }
    if (c->password.p) {
        rem += 2 + (size_t)c->password.len;
        fl |= 0x40;
    }
    struct wr w = {buf, cap, 0, false};
    head(&w, AKIRA_MQTT_CONNECT << 4, rem);
    put_str(&w, "MQTT", 4);
    put8(&w, 4); /* protocol level 3.1.1 */
    put8(&w, fl);
    put16(&w, c->keepalive_s);
    put_str(&w, c->client_id.p, c->client_id.len);
    if (c->will) {
        put_str(&w, c->will_topic.p, c->will_topic.len);
        put_str(&w, c->will_payload, c->will_len);
    }
    if (c->user.p) put_str(&w, c->user.p, c->user.len);
    if (c->password.p) put_str(&w, c->password.p, c->password.len);
    return done(&w);
}

int akira_mqtt_encode_connack(uint8_t *buf, size_t cap, bool session_present, uint8_t rc)
{
    if (!buf) return AKIRA_EINVAL;
    struct wr w = {buf, cap, 0, false};
    head(&w, AKIRA_MQTT_CONNACK << 4, 2);
    put8(&w, session_present ? 1 : 0);
    put8(&w, rc);
    return done(&w);
}

int akira_mqtt_encode_publish(uint8_t *buf, size_t cap, const struct akira_mqtt_publish *p)
{
    if (!buf || !p || !p->topic.p || p->topic.len == 0 || p->qos > 1) return AKIRA_EINVAL;
    if (p->len && !p->payload) return AKIRA_EINVAL;
    if (!akira_mqtt_utf8_ok(p->topic.p, p->topic.len) || memchr(p->topic.p, '+', p->topic.len) ||
        memchr(p->topic.p, '#', p->topic.len))
        return AKIRA_EINVAL;
    if (p->qos && p->packet_id == 0) return AKIRA_EINVAL;
    size_t rem = 2 + (size_t)p->topic.len + (p->qos ? 2 : 0) + p->len;
    uint8_t first = (uint8_t)(AKIRA_MQTT_PUBLISH << 4 | (p->dup ? 0x08 : 0) | p->qos << 1 |
                              (p->retain ? 1 : 0));
    struct wr w = {buf, cap, 0, false};
    if (head(&w, first, rem)) return AKIRA_EINVAL;
    put_str(&w, p->topic.p, p->topic.len);
    if (p->qos) put16(&w, p->packet_id);
    put(&w, p->payload, p->len);
    return done(&w);
}

int akira_mqtt_encode_ack(uint8_t *buf, size_t cap, enum akira_mqtt_type type, uint16_t id)
{
    if (!buf || id == 0) return AKIRA_EINVAL;
    if (type != AKIRA_MQTT_PUBACK && type != AKIRA_MQTT_PUBREC && type != AKIRA_MQTT_PUBREL &&
        type != AKIRA_MQTT_PUBCOMP && type != AKIRA_MQTT_UNSUBACK)
        return AKIRA_EINVAL;
    struct wr w = {buf, cap, 0, false};
    head(&w, (uint8_t)(type << 4 | (type == AKIRA_MQTT_PUBREL ? 0x02 : 0)), 2);
    put16(&w, id);
    return done(&w);
}

static int encode_sub(uint8_t *buf, size_t cap, enum akira_mqtt_type type, uint16_t id,
                      const char *const *filters, const uint8_t *qos, size_t n)
{
    if (!buf || !filters || id == 0 || n == 0 || n > AKIRA_MQTT_FILTERS_MAX) return AKIRA_EINVAL;
    size_t rem = 2;
    for (size_t i = 0; i < n; i++) {
        size_t fl = filters[i] ? strlen(filters[i]) : 0;
        if (!akira_mqtt_filter_ok(filters[i], fl)) return AKIRA_EINVAL;
        if (qos && qos[i] > 1) return AKIRA_EINVAL;
        rem += 2 + fl + (type == AKIRA_MQTT_SUBSCRIBE ? 1 : 0);
    }
    struct wr w = {buf, cap, 0, false};
    head(&w, (uint8_t)(type << 4 | 0x02), rem);
    put16(&w, id);
    for (size_t i = 0; i < n; i++) {
        put_str(&w, filters[i], strlen(filters[i]));
        if (type == AKIRA_MQTT_SUBSCRIBE) put8(&w, qos ? qos[i] : 0);
    }
    return done(&w);
}

int akira_mqtt_encode_subscribe(uint8_t *buf, size_t cap, uint16_t id, const char *const *filters,
                                const uint8_t *qos, size_t n)
{
    return encode_sub(buf, cap, AKIRA_MQTT_SUBSCRIBE, id, filters, qos, n);
}

int akira_mqtt_encode_unsubscribe(uint8_t *buf, size_t cap, uint16_t id, const char *const *filters,
                                  size_t n)
{
    return encode_sub(buf, cap, AKIRA_MQTT_UNSUBSCRIBE, id, filters, NULL, n);
}

int akira_mqtt_encode_suback(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *rcs, size_t n)
{
    if (!buf || !rcs || id == 0 || n == 0) return AKIRA_EINVAL;
    struct wr w = {buf, cap, 0, false};
    if (head(&w, AKIRA_MQTT_SUBACK << 4, 2 + n)) return AKIRA_EINVAL;
    put16(&w, id);
    put(&w, rcs, n);
    return done(&w);
}

int akira_mqtt_encode_empty(uint8_t *buf, size_t cap, enum akira_mqtt_type type)
{
    if (!buf || (type != AKIRA_MQTT_PINGREQ && type != AKIRA_MQTT_PINGRESP &&
                 type != AKIRA_MQTT_DISCONNECT))
        return AKIRA_EINVAL;
    struct wr w = {buf, cap, 0, false};
    head(&w, (uint8_t)(type << 4), 0);
    return done(&w);
}

/* ---- decoding -------------------------------------------------------------------- */

int akira_mqtt_frame(const uint8_t *buf, size_t len, size_t *hdr, uint32_t *rem)
{
    if (!buf || !hdr || !rem) return AKIRA_EINVAL;
    uint32_t v = 0;
    for (size_t i = 1; i <= 4; i++) {
        if (i >= len) return AKIRA_EAGAIN;
        v |= (uint32_t)(buf[i] & 0x7F) << (7 * (i - 1));
        if (!(buf[i] & 0x80)) {
            *hdr = i + 1;
            *rem = v;
            return 0;
        }
    }
    return AKIRA_EFORMAT; /* a fifth length byte */
}

struct rd {
    const uint8_t *p;
    size_t len, off;
    bool bad;
};

static uint8_t get8(struct rd *r)
{
    if (r->bad || r->off + 1 > r->len) {
        r->bad = true;
        return 0;
    }
    return r->p[r->off++];
}

static uint16_t get16(struct rd *r)
{
    uint16_t hi = get8(r);
    return (uint16_t)(hi << 8 | get8(r));
}

/* A length-prefixed field; utf8: checked as MQTT UTF-8. */
static struct akira_mqtt_str get_str(struct rd *r, bool utf8)
{
    struct akira_mqtt_str s = {NULL, 0};
    uint16_t n = get16(r);
    if (r->bad || r->len - r->off < n) {
        r->bad = true;
        return s;
    }
    s.p = (const char *)r->p + r->off;
    s.len = n;
    r->off += n;
    if (utf8 && !akira_mqtt_utf8_ok(s.p, n)) r->bad = true;
    return s;
}

static int decode_connect(struct rd *r, struct akira_mqtt_connect *c)
{
    struct akira_mqtt_str proto = get_str(r, true);
    uint8_t level = get8(r), fl = get8(r);
    c->keepalive_s = get16(r);
    if (r->bad || proto.len != 4 || memcmp(proto.p, "MQTT", 4) || level != 4 || (fl & 1))
        return AKIRA_EFORMAT;
    c->clean_session = fl & 0x02;
    c->will = fl & 0x04;
    c->will_qos = (fl >> 3) & 3;
    c->will_retain = fl & 0x20;
    if (c->will_qos == 3 || (!c->will && (c->will_qos || c->will_retain))) return AKIRA_EFORMAT;
    if (!(fl & 0x80) && (fl & 0x40)) return AKIRA_EFORMAT;
    c->client_id = get_str(r, true);
    if (c->will) {
        c->will_topic = get_str(r, true);
        struct akira_mqtt_str wp = get_str(r, false);
        c->will_payload = (const uint8_t *)wp.p;
        c->will_len = wp.len;
    }
    if (fl & 0x80) c->user = get_str(r, true);
    if (fl & 0x40) c->password = get_str(r, false);
    return r->bad || r->off != r->len ? AKIRA_EFORMAT : 0;
}

static int decode_publish(struct rd *r, uint8_t flags, struct akira_mqtt_publish *p)
{
    p->dup = flags & 0x08;
    p->qos = (flags >> 1) & 3;
    p->retain = flags & 1;
    if (p->qos == 3 || (p->qos == 0 && p->dup)) return AKIRA_EFORMAT;
    p->topic = get_str(r, true);
    if (r->bad || p->topic.len == 0 || memchr(p->topic.p, '+', p->topic.len) ||
        memchr(p->topic.p, '#', p->topic.len))
        return AKIRA_EFORMAT;
    if (p->qos) {
        p->packet_id = get16(r);
        if (r->bad || p->packet_id == 0) return AKIRA_EFORMAT;
    }
    p->payload = r->p + r->off;
    p->len = r->len - r->off;
    return 0;
}

static int decode_sub(struct rd *r, bool with_qos, struct akira_mqtt_packet *out)
{
    out->u.sub.packet_id = get16(r);
    if (r->bad || out->u.sub.packet_id == 0) return AKIRA_EFORMAT;
    size_t n = 0;
    while (r->off < r->len) {
        if (n == AKIRA_MQTT_FILTERS_MAX) return AKIRA_EFORMAT;
        struct akira_mqtt_str f = get_str(r, true);
        if (r->bad || !akira_mqtt_filter_ok(f.p, f.len)) return AKIRA_EFORMAT;
        out->u.sub.filters[n] = f;
        if (with_qos) {
            uint8_t q = get8(r);
            if (r->bad || q > 2) return AKIRA_EFORMAT;
            out->u.sub.qos[n] = q;
        }
        n++;
    }
    out->u.sub.n = n;
    return n ? 0 : AKIRA_EFORMAT;
}

int akira_mqtt_decode(const uint8_t *pkt, size_t len, struct akira_mqtt_packet *out)
{
    if (!pkt || !out) return AKIRA_EINVAL;
    size_t hdr;
    uint32_t rem;
    int rc = akira_mqtt_frame(pkt, len, &hdr, &rem);
    if (rc == AKIRA_EAGAIN) return AKIRA_EFORMAT;
    if (rc) return rc;
    if (hdr + rem != len) return AKIRA_EFORMAT;
    memset(out, 0, sizeof(*out));
    out->type = (enum akira_mqtt_type)(pkt[0] >> 4);
    out->flags = pkt[0] & 0x0F;
    struct rd r = {pkt + hdr, rem, 0, false};
    /* Reserved flags (2.2.2): 0010 for PUBREL, SUBSCRIBE, UNSUBSCRIBE; 0000 otherwise. */
    uint8_t want = 0;
    switch (out->type) {
    case AKIRA_MQTT_PUBREL:
    case AKIRA_MQTT_SUBSCRIBE:
    case AKIRA_MQTT_UNSUBSCRIBE: want = 0x02; break;
    case AKIRA_MQTT_PUBLISH: want = out->flags; break;
    default: break;
    }
    if (out->flags != want) return AKIRA_EFORMAT;
    switch (out->type) {
    case AKIRA_MQTT_CONNECT: return decode_connect(&r, &out->u.connect);
    case AKIRA_MQTT_CONNACK: {
        if (rem != 2) return AKIRA_EFORMAT;
        uint8_t sp = get8(&r);
        if (sp > 1) return AKIRA_EFORMAT;
        out->u.connack.session_present = sp;
        out->u.connack.rc = get8(&r);
        return 0;
    }
    case AKIRA_MQTT_PUBLISH: return decode_publish(&r, out->flags, &out->u.publish);
    case AKIRA_MQTT_PUBACK:
    case AKIRA_MQTT_PUBREC:
    case AKIRA_MQTT_PUBREL:
    case AKIRA_MQTT_PUBCOMP:
    case AKIRA_MQTT_UNSUBACK:
        if (rem != 2) return AKIRA_EFORMAT;
        out->u.packet_id = get16(&r);
        return out->u.packet_id ? 0 : AKIRA_EFORMAT;
    case AKIRA_MQTT_SUBSCRIBE: return decode_sub(&r, true, out);
    case AKIRA_MQTT_UNSUBSCRIBE: return decode_sub(&r, false, out);
    case AKIRA_MQTT_SUBACK:
        if (rem < 3) return AKIRA_EFORMAT;
        out->u.suback.packet_id = get16(&r);
        out->u.suback.rcs = r.p + 2;
        out->u.suback.n = rem - 2;
        for (size_t i = 0; i < out->u.suback.n; i++) {
            uint8_t c = out->u.suback.rcs[i];
            if (c > 2 && c != 0x80) return AKIRA_EFORMAT;
        }
        return out->u.suback.packet_id ? 0 : AKIRA_EFORMAT;
    case AKIRA_MQTT_PINGREQ:
    case AKIRA_MQTT_PINGRESP:
    case AKIRA_MQTT_DISCONNECT: return rem == 0 ? 0 : AKIRA_EFORMAT;
    default: return AKIRA_EFORMAT; /* 0 and 15 are reserved */
    }
}

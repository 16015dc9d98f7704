/*
 * Manifest text <-> struct akira_manifest (akira/manifest.h).
 *
 * One pass over the lines, no allocation: each line is cut into key and value in
 * place (pointer + length), the key selects a field parser, and every failure fills
 * the caller's error with the field it belongs to, so a developer sees which line of
 * the manifest to fix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/manifest.h>

#include "utf8.h"

#define DEFAULT_MEMORY_QUOTA (256u * 1024u)
#define DEFAULT_STACK_SIZE   (16u * 1024u)
#define STACK_MIN            (4u * 1024u)
#define STACK_MAX            (256u * 1024u)
#define DEFAULT_MAX_RETRIES  3u
#define MAX_RETRIES_MAX      100u
#define DEFAULT_DELAY_MS     1000u
#define DELAY_MS_MAX         3600000u
#define WASM_PAGE            65536u

struct span {
    const char *p;
    size_t n;
};

static int fail(struct akira_manifest_error *err, int code, const char *field, size_t flen,
                const char *fmt, ...)
{
    if (err) {
        if (flen >= sizeof err->field) flen = sizeof err->field - 1;
        memcpy(err->field, field, flen);
        err->field[flen] = '\0';
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->reason, sizeof err->reason, fmt, ap);
        va_end(ap);
    }
    return code;
}

#define FAIL(err, code, field, ...) fail(err, code, field, strlen(field), __VA_ARGS__)

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static struct span trim(struct span s)
{
    while (s.n && is_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && is_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

static bool span_is(struct span s, const char *lit)
{
    return strlen(lit) == s.n && memcmp(s.p, lit, s.n) == 0;
}

static int copy_text(struct span v, char *dst, size_t max, const char *field,
                     struct akira_manifest_error *err)
{
    if (v.n > max) return FAIL(err, AKIRA_EFORMAT, field, "longer than %zu bytes (%zu)", max, v.n);
    memcpy(dst, v.p, v.n);
    dst[v.n] = '\0';
    return AKIRA_OK;
}

/* Visible ASCII without spaces: versions and export names. */
static int copy_token(struct span v, char *dst, size_t max, const char *field,
                      struct akira_manifest_error *err)
{
    if (v.n == 0) return FAIL(err, AKIRA_EFORMAT, field, "empty value");
    for (size_t i = 0; i < v.n; i++) {
        unsigned char c = (unsigned char)v.p[i];
        if (c <= 0x20 || c >= 0x7F)
            return FAIL(err, AKIRA_EFORMAT, field, "only visible ASCII without spaces allowed");
    }
    return copy_text(v, dst, max, field, err);
}

static int parse_name(struct span v, struct akira_manifest *m, struct akira_manifest_error *err)
{
    if (v.n == 0) return FAIL(err, AKIRA_EFORMAT, "name", "empty value");
    if (v.n > AKIRA_APP_NAME_MAX)
        return FAIL(err, AKIRA_EFORMAT, "name", "longer than %u characters",
                    (unsigned)AKIRA_APP_NAME_MAX);
    if (v.p[0] < 'a' || v.p[0] > 'z')
        return FAIL(err, AKIRA_EFORMAT, "name", "must start with a letter a-z");
    for (size_t i = 0; i < v.n; i++) {
        char c = v.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return FAIL(err, AKIRA_EFORMAT, "name", "'%c' not allowed (only a-z 0-9 _ -)", c);
    }
    return copy_text(v, m->name, AKIRA_APP_NAME_MAX, "name", err);
}

/* Decimal with an optional K or M (binary) suffix. */
static int parse_size(struct span v, uint32_t lo, uint32_t hi, uint32_t *out, const char *field,
                      struct akira_manifest_error *err)
{
    uint64_t mult = 1;
    if (v.n && (v.p[v.n - 1] == 'K' || v.p[v.n - 1] == 'k')) {
        mult = 1024;
        v.n--;
    } else if (v.n && (v.p[v.n - 1] == 'M' || v.p[v.n - 1] == 'm')) {
        mult = 1024 * 1024;
        v.n--;
    }
    if (v.n == 0) return FAIL(err, AKIRA_EFORMAT, field, "not a number");
    uint64_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return FAIL(err, AKIRA_EFORMAT, field, "not a number (digits, then K or M)");
        n = n * 10 + (uint64_t)(v.p[i] - '0');
        if (n > UINT32_MAX) return FAIL(err, AKIRA_ERANGE, field, "number too large");
    }
    n *= mult;
    if (n < lo || n > hi)
        return FAIL(err, AKIRA_ERANGE, field, "%llu outside %u..%u", (unsigned long long)n,
                    (unsigned)lo, (unsigned)hi);
    *out = (uint32_t)n;
    return AKIRA_OK;
}

static int parse_caps(struct span v, struct akira_manifest *m, struct akira_manifest_error *err)
{
    m->caps = 0;
    if (v.n == 0) return AKIRA_OK;
    size_t start = 0;
    for (size_t i = 0; i <= v.n; i++) {
        if (i < v.n && v.p[i] != ',') continue;
        struct span item = trim((struct span){v.p + start, i - start});
        if (item.n == 0) return FAIL(err, AKIRA_EFORMAT, "capabilities", "empty name in the list");
        akira_caps_t bit = akira_cap_from_name(item.p, item.n);
        if (!bit)
            return FAIL(err, AKIRA_EFORMAT, "capabilities", "unknown capability '%.*s'",
                        (int)(item.n > 40 ? 40 : item.n), item.p);
        m->caps |= bit;
        start = i + 1;
    }
    return AKIRA_OK;
}

static int parse_restart(struct span v, struct akira_manifest *m, struct akira_manifest_error *err)
{
    struct span word[3];
    size_t nw = 0;
    size_t i = 0;
    while (i < v.n) {
        while (i < v.n && is_space(v.p[i]))
            i++;
        if (i == v.n) break;
        size_t s = i;
        while (i < v.n && !is_space(v.p[i]))
            i++;
        if (nw == 3) return FAIL(err, AKIRA_EFORMAT, "restart", "too many words");
        word[nw++] = (struct span){v.p + s, i - s};
    }
    if (nw == 0) return FAIL(err, AKIRA_EFORMAT, "restart", "empty value (never or on-failure)");
    if (span_is(word[0], "never")) {
        if (nw > 1) return FAIL(err, AKIRA_EFORMAT, "restart", "'never' takes no options");
        m->restart = AKIRA_RESTART_NEVER;
        return AKIRA_OK;
    }
    if (!span_is(word[0], "on-failure"))
        return FAIL(err, AKIRA_EFORMAT, "restart", "must be never or on-failure");
    m->restart = AKIRA_RESTART_ON_FAILURE;
    bool seen_retries = false, seen_delay = false;
    for (size_t w = 1; w < nw; w++) {
        struct span opt = word[w];
        const char *eq = memchr(opt.p, '=', opt.n);
        if (!eq)
            return FAIL(err, AKIRA_EFORMAT, "restart",
                        "option without '=' (max_retries=N, delay_ms=N)");
        struct span k = {opt.p, (size_t)(eq - opt.p)};
        struct span val = {eq + 1, opt.n - k.n - 1};
        int rc;
        if (span_is(k, "max_retries") && !seen_retries) {
            seen_retries = true;
            rc = parse_size(val, 0, MAX_RETRIES_MAX, &m->restart_max_retries, "restart", err);
        } else if (span_is(k, "delay_ms") && !seen_delay) {
            seen_delay = true;
            rc = parse_size(val, 0, DELAY_MS_MAX, &m->restart_delay_ms, "restart", err);
        } else {
            return FAIL(err, AKIRA_EFORMAT, "restart", "unknown or repeated option '%.*s'",
                        (int)(k.n > 40 ? 40 : k.n), k.p);
        }
        if (rc) return rc;
    }
    return AKIRA_OK;
}

/* --- hardware and network lists ------------------------------------------------- */

/* Calls item() for each comma-separated item of v (trimmed, never empty). */
static int each_item(struct span v, const char *field, struct akira_manifest_error *err,
                     int (*item)(struct span it, struct akira_manifest *m,
                                 struct akira_manifest_error *err),
                     struct akira_manifest *m)
{
    if (v.n == 0) return AKIRA_OK;
    size_t start = 0;
    for (size_t i = 0; i <= v.n; i++) {
        if (i < v.n && v.p[i] != ',') continue;
        struct span it = trim((struct span){v.p + start, i - start});
        if (it.n == 0) return FAIL(err, AKIRA_EFORMAT, field, "empty item in the list");
        int rc = item(it, m, err);
        if (rc) return rc;
        start = i + 1;
    }
    return AKIRA_OK;
}

/* Decimal or 0x hex, at most max. */
static int parse_num(struct span v, uint32_t max, uint32_t *out, const char *field,
                     struct akira_manifest_error *err)
{
    unsigned base = 10;
    if (v.n > 2 && v.p[0] == '0' && (v.p[1] == 'x' || v.p[1] == 'X')) {
        base = 16;
        v.p += 2;
        v.n -= 2;
    }
    if (v.n == 0 || v.n > 10)
        return FAIL(err, AKIRA_EFORMAT, field, "'%.*s' is not a number", (int)v.n, v.p);
    uint64_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        char c = v.p[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            d = (unsigned)(c - 'A' + 10);
        } else {
            return FAIL(err, AKIRA_EFORMAT, field, "'%.*s' is not a number",
                        (int)(v.n > 20 ? 20 : v.n), v.p);
        }
        n = n * base + d;
    }
    if (n > max)
        return FAIL(err, AKIRA_ERANGE, field, "%llu is more than %u", (unsigned long long)n,
                    (unsigned)max);
    *out = (uint32_t)n;
    return AKIRA_OK;
}

/* `a` or `a-b` within 0..top: *lo and *hi. */
static int parse_range(struct span v, uint32_t top, uint32_t *lo_out, uint32_t *hi_out,
                       const char *field, struct akira_manifest_error *err)
{
    const char *dash = memchr(v.p, '-', v.n);
    uint32_t lo, hi;
    int rc;
    if (dash) {
        struct span a = trim((struct span){v.p, (size_t)(dash - v.p)});
        struct span b = trim((struct span){dash + 1, v.n - (size_t)(dash - v.p) - 1});
        if ((rc = parse_num(a, top, &lo, field, err)) != 0) return rc;
        if ((rc = parse_num(b, top, &hi, field, err)) != 0) return rc;
        if (lo > hi) return FAIL(err, AKIRA_EFORMAT, field, "range %u-%u runs backwards", lo, hi);
    } else {
        if ((rc = parse_num(v, top, &lo, field, err)) != 0) return rc;
        hi = lo;
    }
    *lo_out = lo;
    *hi_out = hi;
    return AKIRA_OK;
}

/* `a` or `a-b` within 0..top (at most 31) as a mask. */
static int parse_bit_range(struct span v, uint32_t top, uint32_t *mask, const char *field,
                           struct akira_manifest_error *err)
{
    uint32_t lo, hi;
    int rc = parse_range(v, top, &lo, &hi, field, err);
    if (rc) return rc;
    uint32_t bits = (uint32_t)(((1ull << (hi + 1)) - 1) & ~((1ull << lo) - 1));
    if (*mask & bits) return FAIL(err, AKIRA_EFORMAT, field, "'%.*s' given twice", (int)v.n, v.p);
    *mask |= bits;
    return AKIRA_OK;
}

static int copy_dev(struct span v, char *dst, const char *field, struct akira_manifest_error *err)
{
    if (v.n == 0) return FAIL(err, AKIRA_EFORMAT, field, "empty device name");
    if (v.n > AKIRA_MANIFEST_DEV_NAME_MAX)
        return FAIL(err, AKIRA_EFORMAT, field, "device name longer than %u characters",
                    (unsigned)AKIRA_MANIFEST_DEV_NAME_MAX);
    if (v.p[0] < 'a' || v.p[0] > 'z')
        return FAIL(err, AKIRA_EFORMAT, field, "device name must start with a letter a-z");
    for (size_t i = 0; i < v.n; i++) {
        char c = v.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return FAIL(err, AKIRA_EFORMAT, field, "'%c' not allowed in a device name", c);
    }
    memcpy(dst, v.p, v.n);
    dst[v.n] = '\0';
    return AKIRA_OK;
}

/* Splits "a:b" at its last ':' into trimmed halves. */
static int split_colon(struct span v, struct span *a, struct span *b, const char *field,
                       const char *form, struct akira_manifest_error *err)
{
    const char *c = NULL;
    for (size_t i = 0; i < v.n; i++)
        if (v.p[i] == ':') c = v.p + i;
    if (!c)
        return FAIL(err, AKIRA_EFORMAT, field, "'%.*s' is not %s", (int)(v.n > 40 ? 40 : v.n), v.p,
                    form);
    *a = trim((struct span){v.p, (size_t)(c - v.p)});
    *b = trim((struct span){c + 1, v.n - (size_t)(c - v.p) - 1});
    return AKIRA_OK;
}

static int gpio_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    return parse_bit_range(it, 31, &m->gpio_pins, "gpio_pins", err);
}

static int i2c_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    struct span a, b;
    struct akira_manifest_i2c e;
    uint32_t addr = AKIRA_MANIFEST_I2C_ANY;
    memset(&e, 0, sizeof e);
    int rc = split_colon(it, &a, &b, "i2c", "BUS:ADDR or BUS:*", err);
    if (!rc) rc = copy_dev(a, e.bus, "i2c", err);
    if (!rc && !span_is(b, "*")) rc = parse_num(b, 0x7f, &addr, "i2c", err);
    if (rc) return rc;
    e.addr = (uint8_t)addr;
    for (unsigned i = 0; i < m->n_i2c; i++) {
        if (strcmp(m->i2c[i].bus, e.bus) != 0) continue;
        if (m->i2c[i].addr == e.addr)
            return e.addr == AKIRA_MANIFEST_I2C_ANY
                       ? FAIL(err, AKIRA_EFORMAT, "i2c", "%s:* given twice", e.bus)
                       : FAIL(err, AKIRA_EFORMAT, "i2c", "%s:0x%02x given twice", e.bus, addr);
        if (m->i2c[i].addr == AKIRA_MANIFEST_I2C_ANY || e.addr == AKIRA_MANIFEST_I2C_ANY)
            return FAIL(err, AKIRA_EFORMAT, "i2c", "%s:* and an address of %s: %s:* covers it",
                        e.bus, e.bus, e.bus);
    }
    if (m->n_i2c == AKIRA_MANIFEST_I2C_MAX)
        return FAIL(err, AKIRA_ERANGE, "i2c", "more than %u items",
                    (unsigned)AKIRA_MANIFEST_I2C_MAX);
    m->i2c[m->n_i2c++] = e;
    return AKIRA_OK;
}

static int name_item(struct span it, char (*names)[AKIRA_MANIFEST_DEV_NAME_MAX + 1], uint8_t *n,
                     unsigned max, const char *field, struct akira_manifest_error *err)
{
    char dev[AKIRA_MANIFEST_DEV_NAME_MAX + 1] = {
        0}; /* copied whole: no stack bytes after the NUL */
    int rc = copy_dev(it, dev, field, err);
    if (rc) return rc;
    for (unsigned i = 0; i < *n; i++)
        if (strcmp(names[i], dev) == 0)
            return FAIL(err, AKIRA_EFORMAT, field, "%s given twice", dev);
    if (*n == max) return FAIL(err, AKIRA_ERANGE, field, "more than %u items", max);
    memcpy(names[(*n)++], dev, sizeof dev);
    return AKIRA_OK;
}

static int uart_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    return name_item(it, m->uarts, &m->n_uarts, AKIRA_MANIFEST_UARTS_MAX, "uart", err);
}

static int sensor_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    return name_item(it, m->sensors, &m->n_sensors, AKIRA_MANIFEST_SENSORS_MAX, "sensors", err);
}

static int pwm_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    struct span a, b;
    char dev[AKIRA_MANIFEST_DEV_NAME_MAX + 1] = {0}; /* copied whole, as in name_item */
    int rc = split_colon(it, &a, &b, "pwm", "DEV:CHANNELS", err);
    if (!rc) rc = copy_dev(a, dev, "pwm", err);
    if (rc) return rc;
    struct akira_manifest_pwm *e = NULL;
    for (unsigned i = 0; i < m->n_pwm && !e; i++)
        if (strcmp(m->pwm[i].dev, dev) == 0) e = &m->pwm[i];
    if (!e) {
        if (m->n_pwm == AKIRA_MANIFEST_PWM_MAX)
            return FAIL(err, AKIRA_ERANGE, "pwm", "more than %u devices",
                        (unsigned)AKIRA_MANIFEST_PWM_MAX);
        e = &m->pwm[m->n_pwm];
        memcpy(e->dev, dev, sizeof dev);
    }
    uint32_t mask = e->channels;
    if ((rc = parse_bit_range(b, AKIRA_MANIFEST_PWM_CHANNEL_MAX, &mask, "pwm", err)) != 0)
        return rc;
    if (e == &m->pwm[m->n_pwm]) m->n_pwm++;
    e->channels = mask;
    return AKIRA_OK;
}

/* Addresses that are not one host: 0.0.0.0 (any local address, which reaches this
 * device's own services on Linux), "this network", broadcast, multicast, reserved, and
 * loopback aliases other than 127.0.0.1 (they too reach the device itself). NULL for a
 * plain unicast address. */
static const char *host_special(const uint8_t ip[4])
{
    if (ip[0] == 0) return ip[1] | ip[2] | ip[3] ? "\"this network\" (0.0.0.0/8)" : "unspecified";
    if (ip[0] == 127 && !(ip[1] == 0 && ip[2] == 0 && ip[3] == 1))
        return "a loopback alias (only 127.0.0.1 is allowed)";
    if (ip[0] == 255 && ip[1] == 255 && ip[2] == 255 && ip[3] == 255) return "broadcast";
    if (ip[0] >= 224 && ip[0] <= 239) return "multicast";
    if (ip[0] >= 240) return "reserved (240.0.0.0/4)";
    return NULL;
}

static int host_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    struct span a, b;
    struct akira_manifest_host h;
    memset(&h, 0, sizeof h);
    int rc = split_colon(it, &a, &b, "net_hosts", "HOST:PORT", err);
    if (rc) return rc;
    if (span_is(a, "localhost")) {
        h.ip[0] = 127;
        h.ip[3] = 1;
    } else {
        /* Four decimal numbers 0..255 without leading zeros; no names (no DNS). */
        size_t pos = 0;
        for (int i = 0; i < 4; i++) {
            size_t s = pos;
            while (pos < a.n && a.p[pos] >= '0' && a.p[pos] <= '9')
                pos++;
            size_t len = pos - s;
            bool sep_ok = i < 3 ? (pos < a.n && a.p[pos] == '.') : pos == a.n;
            uint32_t byte = 0;
            for (size_t k = s; k < pos && len <= 3; k++)
                byte = byte * 10 + (uint32_t)(a.p[k] - '0');
            if (len == 0 || len > 3 || (len > 1 && a.p[s] == '0') || !sep_ok || byte > 255)
                return FAIL(err, AKIRA_EFORMAT, "net_hosts",
                            "'%.*s' is not a dotted IPv4 address or localhost",
                            (int)(a.n > 40 ? 40 : a.n), a.p);
            h.ip[i] = (uint8_t)byte;
            pos++;
        }
    }
    const char *special = host_special(h.ip);
    if (special)
        return FAIL(err, AKIRA_EINVAL, "net_hosts", "'%.*s' is %s, not a host an app may name",
                    (int)(a.n > 20 ? 20 : a.n), a.p, special);
    if (span_is(b, "*")) {
        h.port = 0;
    } else {
        uint32_t port;
        if (b.n > 2 && b.p[0] == '0' && (b.p[1] == 'x' || b.p[1] == 'X'))
            return FAIL(err, AKIRA_EFORMAT, "net_hosts", "port must be decimal or *");
        if ((rc = parse_num(b, 65535, &port, "net_hosts", err)) != 0) return rc;
        if (port == 0) return FAIL(err, AKIRA_ERANGE, "net_hosts", "port 0 (use * for any port)");
        h.port = (uint16_t)port;
    }
    for (unsigned i = 0; i < m->n_net_hosts; i++)
        if (memcmp(&m->net_hosts[i], &h, sizeof h) == 0)
            return FAIL(err, AKIRA_EFORMAT, "net_hosts", "'%.*s' given twice",
                        (int)(it.n > 40 ? 40 : it.n), it.p);
    if (m->n_net_hosts == AKIRA_MANIFEST_NET_HOSTS_MAX)
        return FAIL(err, AKIRA_ERANGE, "net_hosts", "more than %u items",
                    (unsigned)AKIRA_MANIFEST_NET_HOSTS_MAX);
    m->net_hosts[m->n_net_hosts++] = h;
    return AKIRA_OK;
}

int akira_manifest_topic_check(const char *topic, size_t len)
{
    if (len == 0) return AKIRA_EINVAL;
    if (len > AKIRA_MANIFEST_TOPIC_MAX) return AKIRA_ENAMETOOLONG;
    if (topic[0] == '/' || topic[len - 1] == '/') return AKIRA_EINVAL;
    for (size_t i = 0; i < len; i++) {
        char c = topic[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  c == '/' || c == '.'; /* upstream AkiraOS's topics: akira.lifecycle */
        if (!ok) return AKIRA_EINVAL;
        if (c == '/' && topic[i + 1] == '/') return AKIRA_EINVAL; /* i + 1 < len here */
    }
    return 0;
}

/* Whether topic[0..len) lies under prefix p[0..plen): p itself or p/... */
static bool topic_under(const char *topic, size_t len, const char *p, size_t plen)
{
    return len >= plen && memcmp(topic, p, plen) == 0 && (len == plen || topic[plen] == '/');
}

static bool topic_reserved(const char *topic, size_t len)
{
    return topic_under(topic, len, AKIRA_IPC_SYSTEM_PREFIX, strlen(AKIRA_IPC_SYSTEM_PREFIX));
}

/* Whether pattern (an ipc_publish/ipc_subscribe item) covers topic[0..len). */
static bool topic_match(const char *pattern, const char *topic, size_t len)
{
    size_t n = strlen(pattern);
    if (n == 1 && pattern[0] == '*') return true;
    if (n >= 2 && pattern[n - 1] == '*')
        return len > n - 2 && topic_under(topic, len, pattern, n - 2) && len != n - 2;
    return n == len && memcmp(pattern, topic, len) == 0;
}

static int topic_item(struct span it, char (*list)[AKIRA_MANIFEST_TOPIC_MAX + 3], uint8_t *n,
                      bool publish, const char *field, struct akira_manifest_error *err)
{
    struct span t = it;
    bool star = it.n == 1 && it.p[0] == '*';
    bool prefix = it.n >= 3 && it.p[it.n - 1] == '*' && it.p[it.n - 2] == '/';
    if (prefix) t.n -= 2;
    if (!star) {
        int rc = akira_manifest_topic_check(t.p, t.n);
        if (rc)
            return FAIL(err, rc == AKIRA_ENAMETOOLONG ? AKIRA_ERANGE : AKIRA_EFORMAT, field,
                        "'%.*s' is not a topic, PREFIX/* or *", (int)(it.n > 40 ? 40 : it.n), it.p);
        if (publish && topic_reserved(t.p, t.n))
            return FAIL(err, AKIRA_EINVAL, field, "topics under %s/ are the system's",
                        AKIRA_IPC_SYSTEM_PREFIX);
    }
    for (unsigned i = 0; i < *n; i++)
        if (span_is(it, list[i]))
            return FAIL(err, AKIRA_EFORMAT, field, "'%.*s' given twice", (int)it.n, it.p);
    if (*n == AKIRA_MANIFEST_TOPICS_MAX)
        return FAIL(err, AKIRA_ERANGE, field, "more than %u items",
                    (unsigned)AKIRA_MANIFEST_TOPICS_MAX);
    memcpy(list[*n], it.p, it.n);
    list[(*n)++][it.n] = '\0';
    return AKIRA_OK;
}

static int ipc_pub_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    return topic_item(it, m->ipc_pub, &m->n_ipc_pub, true, "ipc_publish", err);
}

static int mqtt_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    return topic_item(it, m->mqtt_topics, &m->n_mqtt_topics, false, "mqtt_topics", err);
}

static int ipc_sub_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    return topic_item(it, m->ipc_sub, &m->n_ipc_sub, false, "ipc_subscribe", err);
}

/* The Bluetooth base UUID 0000xxxx-0000-1000-8000-00805F9B34FB, little endian. */
static const uint8_t ble_base[16] = {0xfb, 0x34, 0x9b, 0x5f, 0x80, 0x00, 0x00, 0x80,
                                     0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

bool akira_manifest_uuid128(const uint8_t *uuid, size_t len, uint8_t out[16])
{
    if (len == 16) {
        memcpy(out, uuid, 16);
        return true;
    }
    if (len != 2) return false;
    memcpy(out, ble_base, 16);
    out[12] = uuid[0];
    out[13] = uuid[1];
    return true;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* `181a` or `12345678-1234-5678-9abc-def012345678` as 16 bytes little endian. */
static bool parse_uuid(struct span it, uint8_t out[16])
{
    uint8_t be[16];
    size_t nd = 0;
    if (it.n == 4) {
        for (size_t i = 0; i < 4; i++)
            if (hex_digit(it.p[i]) < 0) return false;
        uint8_t u16[2] = {(uint8_t)(hex_digit(it.p[2]) << 4 | hex_digit(it.p[3])),
                          (uint8_t)(hex_digit(it.p[0]) << 4 | hex_digit(it.p[1]))};
        return akira_manifest_uuid128(u16, 2, out);
    }
    if (it.n != 36) return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash) {
            if (it.p[i] != '-') return false;
            continue;
        }
        int d = hex_digit(it.p[i]);
        if (d < 0) return false;
        if (nd % 2 == 0)
            be[nd / 2] = (uint8_t)(d << 4);
        else
            be[nd / 2] |= (uint8_t)d;
        nd++;
    }
    for (size_t i = 0; i < 16; i++)
        out[i] = be[15 - i];
    return true;
}

static int ble_service_item(struct span it, struct akira_manifest *m,
                            struct akira_manifest_error *err)
{
    uint8_t u[16];
    if (!parse_uuid(it, u))
        return FAIL(err, AKIRA_EFORMAT, "ble_services",
                    "'%.*s' is not a UUID (4 hex digits or 8-4-4-4-12)",
                    (int)(it.n > 40 ? 40 : it.n), it.p);
    for (unsigned i = 0; i < m->n_ble_services; i++)
        if (memcmp(m->ble_services[i], u, 16) == 0)
            return FAIL(err, AKIRA_EFORMAT, "ble_services", "'%.*s' given twice", (int)it.n, it.p);
    if (m->n_ble_services == AKIRA_MANIFEST_BLE_SERVICES_MAX)
        return FAIL(err, AKIRA_ERANGE, "ble_services", "more than %u items",
                    (unsigned)AKIRA_MANIFEST_BLE_SERVICES_MAX);
    memcpy(m->ble_services[m->n_ble_services++], u, 16);
    return AKIRA_OK;
}

/* `rf_channels`: channel numbers and ranges of AKIRA_MANIFEST_RF_CHANNEL_MAX + 1 bits. */
static int rf_item(struct span it, struct akira_manifest *m, struct akira_manifest_error *err)
{
    uint32_t lo, hi;
    int rc = parse_range(it, AKIRA_MANIFEST_RF_CHANNEL_MAX, &lo, &hi, "rf_channels", err);
    if (rc) return rc;
    for (uint32_t c = lo; c <= hi; c++)
        if (m->rf_channels[c / 32] & (1u << (c % 32)))
            return FAIL(err, AKIRA_EFORMAT, "rf_channels", "channel %u given twice", (unsigned)c);
    for (uint32_t c = lo; c <= hi; c++)
        m->rf_channels[c / 32] |= 1u << (c % 32);
    return AKIRA_OK;
}

static int mesh_topic_item(struct span it, struct akira_manifest *m,
                           struct akira_manifest_error *err)
{
    return topic_item(it, m->mesh_topics, &m->n_mesh_topics, false, "mesh_topics", err);
}

enum key_id {
    K_NAME,
    K_VERSION,
    K_ENTRY,
    K_CAPS,
    K_QUOTA,
    K_STACK,
    K_HEAP,
    K_AUTOSTART,
    K_RESTART,
    K_DESC,
    K_AUTHOR,
    K_GPIO_PINS,
    K_I2C,
    K_UART,
    K_PWM,
    K_SENSORS,
    K_NET_HOSTS,
    K_STORAGE_FILES,
    K_SETTINGS_KEYS,
    K_FLASH_RATE,
    K_FLASH_BURST,
    K_IPC_PUB,
    K_IPC_SUB,
    K_MQTT_TOPICS,
    K_TIER,
    K_BLE_SERVICES,
    K_BLE_SCAN,
    K_RF_CHANNELS,
    K_MESH_TOPICS,
    K_THREAD_STACK,
    K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "name",
    "version",
    "entry",
    "capabilities",
    "memory_quota",
    "stack_size",
    "heap_size",
    "autostart",
    "restart",
    "description",
    "author",
    "gpio_pins",
    "i2c",
    "uart",
    "pwm",
    "sensors",
    "net_hosts",
    "storage_files",
    "settings_keys",
    "flash_write_rate",
    "flash_write_burst",
    "ipc_publish",
    "ipc_subscribe",
    "mqtt_topics",
    "tier",
    "ble_services",
    "ble_scan",
    "rf_channels",
    "mesh_topics",
    "thread_stack",
};

static int parse_bool(struct span v, bool *out, const char *field, struct akira_manifest_error *err)
{
    if (!span_is(v, "true") && !span_is(v, "false"))
        return FAIL(err, AKIRA_EFORMAT, field, "must be true or false");
    *out = span_is(v, "true");
    return AKIRA_OK;
}

/* Kept in KiB (a hole of struct akira_manifest's layout: the struct is per installed
 * app and did not grow); the bounds are the board's. */
static int parse_thread_stack(struct span v, struct akira_manifest *m,
                              struct akira_manifest_error *err)
{
    _Static_assert(AKIRA_BOARD_APP_THREAD_STACK_MAX / 1024u <= UINT16_MAX, "KiB in 16 bits");
    uint32_t bytes;
    int rc = parse_size(v, AKIRA_BOARD_APP_THREAD_STACK_MIN, AKIRA_BOARD_APP_THREAD_STACK_MAX,
                        &bytes, "thread_stack", err);
    if (rc) return rc;
    if (bytes % 1024u)
        return FAIL(err, AKIRA_ERANGE, "thread_stack", "%u is not a whole number of KiB",
                    (unsigned)bytes);
    m->thread_stack_kib = (uint16_t)(bytes / 1024u);
    return AKIRA_OK;
}

static int parse_value(enum key_id k, struct span v, struct akira_manifest *m,
                       struct akira_manifest_error *err)
{
    switch (k) {
    case K_NAME: return parse_name(v, m, err);
    case K_VERSION: return copy_token(v, m->version, AKIRA_APP_VERSION_MAX, "version", err);
    case K_ENTRY: return copy_token(v, m->entry, AKIRA_APP_ENTRY_MAX, "entry", err);
    case K_CAPS: return parse_caps(v, m, err);
    case K_QUOTA:
        return parse_size(v, AKIRA_BOARD_APP_MEM_QUOTA_MIN, AKIRA_BOARD_APP_MEM_QUOTA_MAX,
                          &m->memory_quota, "memory_quota", err);
    case K_STACK: return parse_size(v, STACK_MIN, STACK_MAX, &m->stack_size, "stack_size", err);
    case K_HEAP:
        return parse_size(v, 0, AKIRA_BOARD_APP_MEM_QUOTA_MAX, &m->heap_size, "heap_size", err);
    case K_THREAD_STACK: return parse_thread_stack(v, m, err);
    case K_AUTOSTART: return parse_bool(v, &m->autostart, "autostart", err);
    case K_RESTART: return parse_restart(v, m, err);
    case K_DESC: return copy_text(v, m->description, AKIRA_APP_DESC_MAX, "description", err);
    case K_AUTHOR: return copy_text(v, m->author, AKIRA_APP_AUTHOR_MAX, "author", err);
    case K_TIER:
        if (span_is(v, "interp"))
            m->force_interp = true;
        else if (span_is(v, "auto"))
            m->force_interp = false;
        else
            return FAIL(err, AKIRA_EFORMAT, "tier", "must be auto or interp");
        return AKIRA_OK;
    case K_GPIO_PINS: return each_item(v, "gpio_pins", err, gpio_item, m);
    case K_I2C: return each_item(v, "i2c", err, i2c_item, m);
    case K_UART: return each_item(v, "uart", err, uart_item, m);
    case K_PWM: return each_item(v, "pwm", err, pwm_item, m);
    case K_SENSORS: return each_item(v, "sensors", err, sensor_item, m);
    case K_NET_HOSTS: return each_item(v, "net_hosts", err, host_item, m);
    case K_STORAGE_FILES:
        return parse_size(v, AKIRA_BOARD_APP_FILES_MIN, AKIRA_BOARD_APP_FILES_MAX,
                          &m->storage_files, "storage_files", err);
    case K_SETTINGS_KEYS:
        return parse_size(v, AKIRA_BOARD_APP_SETTINGS_KEYS_MIN, AKIRA_BOARD_APP_SETTINGS_KEYS_MAX,
                          &m->settings_keys, "settings_keys", err);
    case K_FLASH_RATE:
        return parse_size(v, AKIRA_BOARD_APP_FLASH_RATE_MIN, AKIRA_BOARD_APP_FLASH_RATE_MAX,
                          &m->flash_write_rate, "flash_write_rate", err);
    case K_FLASH_BURST:
        return parse_size(v, AKIRA_BOARD_APP_FLASH_BURST_MIN, AKIRA_BOARD_APP_FLASH_BURST_MAX,
                          &m->flash_write_burst, "flash_write_burst", err);
    case K_IPC_PUB: return each_item(v, "ipc_publish", err, ipc_pub_item, m);
    case K_IPC_SUB: return each_item(v, "ipc_subscribe", err, ipc_sub_item, m);
    case K_BLE_SERVICES: return each_item(v, "ble_services", err, ble_service_item, m);
    case K_BLE_SCAN: return parse_bool(v, &m->ble_scan, "ble_scan", err);
    case K_MQTT_TOPICS: return each_item(v, "mqtt_topics", err, mqtt_item, m);
    case K_RF_CHANNELS: return each_item(v, "rf_channels", err, rf_item, m);
    case K_MESH_TOPICS: return each_item(v, "mesh_topics", err, mesh_topic_item, m);
    case K_COUNT: break;
    }
    return AKIRA_EINVAL;
}

static void set_defaults(struct akira_manifest *m)
{
    memset(m, 0, sizeof *m);
    m->memory_quota = DEFAULT_MEMORY_QUOTA;
    m->stack_size = DEFAULT_STACK_SIZE;
    m->restart = AKIRA_RESTART_NEVER;
    m->restart_max_retries = DEFAULT_MAX_RETRIES;
    m->restart_delay_ms = DEFAULT_DELAY_MS;
}

static int line_fail(struct akira_manifest_error *err, int code, unsigned line, const char *why)
{
    char field[16];
    snprintf(field, sizeof field, "line %u", line);
    return fail(err, code, field, strlen(field), "%s", why);
}

int akira_manifest_parse(const char *text, size_t len, struct akira_manifest *out,
                         struct akira_manifest_error *err)
{
    if (err) {
        err->field[0] = '\0';
        err->reason[0] = '\0';
    }
    if (!out || (!text && len)) return FAIL(err, AKIRA_EINVAL, "manifest", "no text");
    if (len > AKIRA_MANIFEST_MAX)
        return FAIL(err, AKIRA_ETOOBIG, "manifest", "%zu bytes, at most %u", len,
                    (unsigned)AKIRA_MANIFEST_MAX);
    set_defaults(out);
    bool seen[K_COUNT] = {false};
    unsigned line = 0;
    size_t pos = 0;
    while (pos < len) {
        line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        struct span ln = {text + pos, end - pos};
        pos = nl ? end + 1 : len;
        if (ln.n && ln.p[ln.n - 1] == '\r') ln.n--;
        for (size_t i = 0; i < ln.n;) {
            unsigned char c = (unsigned char)ln.p[i];
            if (c < 0x20 && c != '\t')
                return line_fail(err, AKIRA_EFORMAT, line, "control character in the text");
            uint32_t cp;
            size_t u = akira_rt_utf8_seq((const unsigned char *)ln.p + i, ln.n - i, &cp);
            if (!u) return line_fail(err, AKIRA_EFORMAT, line, "text is not UTF-8");
            i += u;
        }
        ln = trim(ln);
        if (ln.n == 0 || ln.p[0] == '#') continue;
        const char *colon = memchr(ln.p, ':', ln.n);
        if (!colon) return line_fail(err, AKIRA_EFORMAT, line, "no ':' between key and value");
        struct span key = trim((struct span){ln.p, (size_t)(colon - ln.p)});
        struct span val = trim((struct span){colon + 1, (size_t)(ln.p + ln.n - colon - 1)});
        if (key.n == 0) return line_fail(err, AKIRA_EFORMAT, line, "empty key before ':'");
        enum key_id k = K_COUNT;
        for (int i = 0; i < K_COUNT; i++) {
            if (span_is(key, key_names[i])) k = (enum key_id)i;
        }
        if (k == K_COUNT) return fail(err, AKIRA_EFORMAT, key.p, key.n, "unknown key");
        if (seen[k]) return FAIL(err, AKIRA_EFORMAT, key_names[k], "given twice");
        seen[k] = true;
        int rc = parse_value(k, val, out, err);
        if (rc) return rc;
    }
    if (!seen[K_NAME]) return FAIL(err, AKIRA_EFORMAT, "name", "required key missing");
    if (!seen[K_VERSION]) return FAIL(err, AKIRA_EFORMAT, "version", "required key missing");
    uint64_t need = (uint64_t)out->stack_size + out->heap_size + WASM_PAGE +
                    (uint64_t)out->thread_stack_kib * 1024u;
    if (need > out->memory_quota)
        return FAIL(err, AKIRA_ERANGE, "memory_quota",
                    "%u is less than stack_size + heap_size + one 64 KiB page%s (%llu)",
                    (unsigned)out->memory_quota, out->thread_stack_kib ? " + thread_stack" : "",
                    (unsigned long long)need);
    return AKIRA_OK;
}

/* Sizes as the shortest exact form: 65536 -> "64K". */
static void fmt_size(uint32_t v, char *buf, size_t cap)
{
    if (v && v % (1024u * 1024u) == 0) {
        snprintf(buf, cap, "%uM", (unsigned)(v / (1024u * 1024u)));
    } else if (v && v % 1024u == 0) {
        snprintf(buf, cap, "%uK", (unsigned)(v / 1024u));
    } else {
        snprintf(buf, cap, "%u", (unsigned)v);
    }
}

struct out {
    char *buf;
    size_t cap;
    size_t len;
    bool overflow;
};

static void emit(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->overflow = true;
        return;
    }
    if ((size_t)n >= room) o->overflow = true; /* truncated, or no room for the NUL */
    o->len += (size_t)n;
}

/* A mask as items `a` and `a-b`, comma separated. */
static void emit_mask(struct out *o, const char *prefix, uint32_t mask, const char **sep)
{
    for (uint32_t i = 0; i < 32; i++) {
        if (!(mask & (1u << i))) continue;
        uint32_t j = i;
        while (j + 1 < 32 && (mask & (1u << (j + 1))))
            j++;
        if (j == i) {
            emit(o, "%s%s%u", *sep, prefix, (unsigned)i);
        } else {
            emit(o, "%s%s%u-%u", *sep, prefix, (unsigned)i, (unsigned)j);
        }
        *sep = ", ";
        i = j;
    }
}

static void emit_hw(struct out *o, const struct akira_manifest *m)
{
    const char *sep = " ";
    if (m->gpio_pins) {
        emit(o, "gpio_pins:");
        emit_mask(o, "", m->gpio_pins, &sep);
        emit(o, "\n");
    }
    if (m->n_i2c) {
        emit(o, "i2c:");
        for (unsigned i = 0; i < m->n_i2c; i++) {
            if (m->i2c[i].addr == AKIRA_MANIFEST_I2C_ANY)
                emit(o, "%s%s:*", i ? ", " : " ", m->i2c[i].bus);
            else
                emit(o, "%s%s:0x%02x", i ? ", " : " ", m->i2c[i].bus, (unsigned)m->i2c[i].addr);
        }
        emit(o, "\n");
    }
    if (m->n_uarts) {
        emit(o, "uart:");
        for (unsigned i = 0; i < m->n_uarts; i++)
            emit(o, "%s%s", i ? ", " : " ", m->uarts[i]);
        emit(o, "\n");
    }
    if (m->n_pwm) {
        emit(o, "pwm:");
        sep = " ";
        for (unsigned i = 0; i < m->n_pwm; i++) {
            char prefix[AKIRA_MANIFEST_DEV_NAME_MAX + 2];
            snprintf(prefix, sizeof prefix, "%s:", m->pwm[i].dev);
            emit_mask(o, prefix, m->pwm[i].channels, &sep);
        }
        emit(o, "\n");
    }
    if (m->n_sensors) {
        emit(o, "sensors:");
        for (unsigned i = 0; i < m->n_sensors; i++)
            emit(o, "%s%s", i ? ", " : " ", m->sensors[i]);
        emit(o, "\n");
    }
    if (m->n_net_hosts) {
        emit(o, "net_hosts:");
        for (unsigned i = 0; i < m->n_net_hosts; i++) {
            const struct akira_manifest_host *h = &m->net_hosts[i];
            emit(o, "%s%u.%u.%u.%u:", i ? ", " : " ", h->ip[0], h->ip[1], h->ip[2], h->ip[3]);
            if (h->port) {
                emit(o, "%u", (unsigned)h->port);
            } else {
                emit(o, "*");
            }
        }
        emit(o, "\n");
    }
    for (int pub = 1; pub >= 0; pub--) {
        uint8_t n = pub ? m->n_ipc_pub : m->n_ipc_sub;
        if (!n) continue;
        emit(o, "%s:", pub ? "ipc_publish" : "ipc_subscribe");
        for (unsigned i = 0; i < n && i < AKIRA_MANIFEST_TOPICS_MAX; i++)
            emit(o, "%s%s", i ? ", " : " ", pub ? m->ipc_pub[i] : m->ipc_sub[i]);
        emit(o, "\n");
    }
    if (m->n_ble_services) {
        emit(o, "ble_services:");
        for (unsigned i = 0; i < m->n_ble_services && i < AKIRA_MANIFEST_BLE_SERVICES_MAX; i++) {
            const uint8_t *u = m->ble_services[i];
            emit(o, "%s", i ? ", " : " ");
            if (memcmp(u, ble_base, 12) == 0 && u[14] == 0 && u[15] == 0) {
                emit(o, "%02x%02x", u[13], u[12]);
                continue;
            }
            for (int k = 15; k >= 0; k--)
                emit(o, "%02x%s", u[k], (k == 12 || k == 10 || k == 8 || k == 6) ? "-" : "");
        }
        emit(o, "\n");
    }
    if (m->ble_scan) emit(o, "ble_scan: true\n");
    if (m->n_mqtt_topics) {
        emit(o, "mqtt_topics:");
        for (unsigned i = 0; i < m->n_mqtt_topics && i < AKIRA_MANIFEST_TOPICS_MAX; i++)
            emit(o, "%s%s", i ? ", " : " ", m->mqtt_topics[i]);
        emit(o, "\n");
    }
    bool any_rf = false;
    for (unsigned w = 0; w < 4; w++)
        any_rf = any_rf || m->rf_channels[w];
    if (any_rf) {
        emit(o, "rf_channels:");
        sep = " ";
        for (uint32_t c = 0; c <= AKIRA_MANIFEST_RF_CHANNEL_MAX; c++) {
            if (!akira_manifest_rf_channel_allowed(m, c)) continue;
            uint32_t e = c;
            while (e < AKIRA_MANIFEST_RF_CHANNEL_MAX && akira_manifest_rf_channel_allowed(m, e + 1))
                e++;
            emit(o, e == c ? "%s%u" : "%s%u-%u", sep, (unsigned)c, (unsigned)e);
            sep = ", ";
            c = e;
        }
        emit(o, "\n");
    }
    if (m->n_mesh_topics) {
        emit(o, "mesh_topics:");
        for (unsigned i = 0; i < m->n_mesh_topics && i < AKIRA_MANIFEST_TOPICS_MAX; i++)
            emit(o, "%s%s", i ? ", " : " ", m->mesh_topics[i]);
        emit(o, "\n");
    }
}

int akira_manifest_format(const struct akira_manifest *m, char *buf, size_t cap)
{
    if (!m || (!buf && cap)) return AKIRA_EINVAL;
    struct out o = {buf, cap, 0, false};
    char a[16], b[16], c[16];
    emit(&o, "name: %s\nversion: %s\n", m->name, m->version);
    if (m->entry[0]) emit(&o, "entry: %s\n", m->entry);
    emit(&o, "capabilities:");
    const char *sep = " ";
    for (uint32_t i = 0; i < AKIRA_CAP_COUNT_; i++) {
        if (m->caps & (1u << i)) {
            emit(&o, "%s%s", sep, akira_cap_name(1u << i));
            sep = ", ";
        }
    }
    fmt_size(m->memory_quota, a, sizeof a);
    fmt_size(m->stack_size, b, sizeof b);
    fmt_size(m->heap_size, c, sizeof c);
    emit(&o, "\nmemory_quota: %s\nstack_size: %s\nheap_size: %s\nautostart: %s\n", a, b, c,
         m->autostart ? "true" : "false");
    if (m->restart == AKIRA_RESTART_ON_FAILURE) {
        emit(&o, "restart: on-failure max_retries=%u delay_ms=%u\n",
             (unsigned)m->restart_max_retries, (unsigned)m->restart_delay_ms);
    } else {
        emit(&o, "restart: never\n");
    }
    emit(&o, "description:%s%s\nauthor:%s%s\n", m->description[0] ? " " : "", m->description,
         m->author[0] ? " " : "", m->author);
    if (m->storage_files) emit(&o, "storage_files: %u\n", (unsigned)m->storage_files);
    if (m->settings_keys) emit(&o, "settings_keys: %u\n", (unsigned)m->settings_keys);
    if (m->flash_write_rate) emit(&o, "flash_write_rate: %u\n", (unsigned)m->flash_write_rate);
    if (m->flash_write_burst) emit(&o, "flash_write_burst: %u\n", (unsigned)m->flash_write_burst);
    if (m->force_interp) emit(&o, "tier: interp\n");
    if (m->thread_stack_kib) {
        fmt_size(m->thread_stack_kib * 1024u, a, sizeof a);
        emit(&o, "thread_stack: %s\n", a);
    }
    emit_hw(&o, m);
    if (o.overflow || o.len > (size_t)INT32_MAX) return AKIRA_ERANGE;
    return (int)o.len;
}

bool akira_manifest_gpio_allowed(const struct akira_manifest *m, uint32_t pin)
{
    if (!m) return false; /* an instance without a manifest is allowed nothing */
    return pin < 32 && (m->gpio_pins & (1u << pin));
}

bool akira_manifest_i2c_allowed(const struct akira_manifest *m, const char *bus, uint32_t addr)
{
    if (!m) return false; /* an instance without a manifest is allowed nothing */
    for (unsigned i = 0; i < m->n_i2c && i < AKIRA_MANIFEST_I2C_MAX; i++)
        if ((m->i2c[i].addr == addr || m->i2c[i].addr == AKIRA_MANIFEST_I2C_ANY) &&
            strcmp(m->i2c[i].bus, bus) == 0)
            return true;
    return false;
}

bool akira_manifest_uart_allowed(const struct akira_manifest *m, const char *dev)
{
    if (!m) return false; /* an instance without a manifest is allowed nothing */
    for (unsigned i = 0; i < m->n_uarts && i < AKIRA_MANIFEST_UARTS_MAX; i++)
        if (strcmp(m->uarts[i], dev) == 0) return true;
    return false;
}

bool akira_manifest_pwm_allowed(const struct akira_manifest *m, const char *dev, uint32_t channel)
{
    if (!m) return false; /* an instance without a manifest is allowed nothing */
    for (unsigned i = 0; i < m->n_pwm && i < AKIRA_MANIFEST_PWM_MAX; i++)
        if (strcmp(m->pwm[i].dev, dev) == 0)
            return channel < 32 && (m->pwm[i].channels & (1u << channel));
    return false;
}

bool akira_manifest_sensor_allowed(const struct akira_manifest *m, const char *dev)
{
    if (!m) return false; /* an instance without a manifest is allowed nothing */
    for (unsigned i = 0; i < m->n_sensors && i < AKIRA_MANIFEST_SENSORS_MAX; i++)
        if (strcmp(m->sensors[i], dev) == 0) return true;
    return false;
}

bool akira_manifest_host_allowed(const struct akira_manifest *m, const uint8_t ip[4], uint16_t port)
{
    if (!m) return false;
    for (unsigned i = 0; i < m->n_net_hosts && i < AKIRA_MANIFEST_NET_HOSTS_MAX; i++) {
        const struct akira_manifest_host *h = &m->net_hosts[i];
        if (memcmp(h->ip, ip, 4) == 0 && (h->port == 0 || h->port == port)) return true;
    }
    return false;
}

bool akira_manifest_ble_service_allowed(const struct akira_manifest *m, const uint8_t *uuid,
                                        size_t len)
{
    uint8_t u[16];
    if (!m || !uuid || !akira_manifest_uuid128(uuid, len, u)) return false;
    for (unsigned i = 0; i < m->n_ble_services && i < AKIRA_MANIFEST_BLE_SERVICES_MAX; i++)
        if (memcmp(m->ble_services[i], u, 16) == 0) return true;
    return false;
}

bool akira_manifest_topic_allowed(const struct akira_manifest *m, bool publish, const char *topic,
                                  size_t len)
{
    if (!m || !topic) return false; /* an instance without a manifest is allowed nothing */
    if (publish && topic_reserved(topic, len)) return false;
    uint8_t n = publish ? m->n_ipc_pub : m->n_ipc_sub;
    for (unsigned i = 0; i < n && i < AKIRA_MANIFEST_TOPICS_MAX; i++)
        if (topic_match(publish ? m->ipc_pub[i] : m->ipc_sub[i], topic, len)) return true;
    return false;
}

bool akira_manifest_mqtt_allowed(const struct akira_manifest *m, const char *topic, size_t len)
{
    if (!m || !topic) return false;
    if (len >= 2 && topic[len - 1] == '*' && topic[len - 2] == '/') {
        /* A subscription to everything below X: an item must cover all of it. */
        for (unsigned i = 0; i < m->n_mqtt_topics && i < AKIRA_MANIFEST_TOPICS_MAX; i++) {
            const char *it = m->mqtt_topics[i];
            size_t n = strlen(it);
            if (n == 1 && it[0] == '*') return true;
            if (n >= 2 && it[n - 1] == '*' && topic_under(topic, len - 2, it, n - 2)) return true;
        }
        return false;
    }
    for (unsigned i = 0; i < m->n_mqtt_topics && i < AKIRA_MANIFEST_TOPICS_MAX; i++)
        if (topic_match(m->mqtt_topics[i], topic, len)) return true;
    return false;
}

bool akira_manifest_rf_channel_allowed(const struct akira_manifest *m, uint32_t channel)
{
    if (!m || channel > AKIRA_MANIFEST_RF_CHANNEL_MAX) return false;
    return (m->rf_channels[channel / 32] >> (channel % 32)) & 1u;
}

bool akira_manifest_mesh_topic_allowed(const struct akira_manifest *m, const char *topic,
                                       size_t len)
{
    if (!m || !topic) return false; /* an instance without a manifest is allowed nothing */
    for (unsigned i = 0; i < m->n_mesh_topics && i < AKIRA_MANIFEST_TOPICS_MAX; i++)
        if (topic_match(m->mesh_topics[i], topic, len)) return true;
    return false;
}

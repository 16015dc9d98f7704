/* Per-app log ring (akira/app_log.h). */
#include <string.h>

#include <akira/app_log.h>
#include <akira/clock.h>
#include <akira/err.h>

#include "utf8.h"

int akira_app_log_init(struct akira_app_log *l)
{
    memset(l, 0, sizeof(*l));
    l->credit_ms = INT64_MIN; /* a full bucket at the first line */
    return akira_mutex_create(&l->lock);
}

void akira_app_log_deinit(struct akira_app_log *l)
{
    akira_mutex_destroy(l->lock);
    l->lock = NULL;
}

size_t akira_app_log_sanitize(char *s, size_t len)
{
    /* A line is one line: an app must not forge others on the console, nor send the
     * terminal escape sequences (ESC, or CSI as C1 0x9B, raw or UTF-8 encoded). */
    unsigned char *p = (unsigned char *)s;
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = akira_rt_utf8_seq(p + i, len - i, &cp);
        bool control = (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
        if (n == 0 || control) {
            p[out++] = '?';
            i += n ? n : 1;
        } else {
            memmove(p + out, p + i, n);
            out += n;
            i += n;
        }
    }
    if (out < len) p[out] = '\0';
    return out;
}

enum { REC_HEAD = 8 }; /* level, length, uptime_ms in 6 bytes */

/* Bytes [off, off+n) of the ring (offsets wrap) to or from buf. */
static void ring_put(struct akira_app_log *l, size_t off, const void *buf, size_t n)
{
    off %= AKIRA_APP_LOG_BYTES;
    size_t first = n < AKIRA_APP_LOG_BYTES - off ? n : AKIRA_APP_LOG_BYTES - off;
    memcpy(l->ring + off, buf, first);
    memcpy(l->ring, (const uint8_t *)buf + first, n - first);
}

static void ring_get(const struct akira_app_log *l, size_t off, void *buf, size_t n)
{
    off %= AKIRA_APP_LOG_BYTES;
    size_t first = n < AKIRA_APP_LOG_BYTES - off ? n : AKIRA_APP_LOG_BYTES - off;
    memcpy(buf, l->ring + off, first);
    memcpy((uint8_t *)buf + first, l->ring, n - first);
}

/* Bytes of the kept line at offset off. */
static size_t rec_size(const struct akira_app_log *l, size_t off)
{
    return REC_HEAD + l->ring[(off + 1) % AKIRA_APP_LOG_BYTES];
}

void akira_app_log_write(struct akira_app_log *l, enum akira_log_level level, const char *text,
                         size_t len)
{
    char line[AKIRA_APP_LOG_LINE_MAX];
    if (len >= AKIRA_APP_LOG_LINE_MAX) len = AKIRA_APP_LOG_LINE_MAX - 1;
    memcpy(line, text, len);
    len = akira_app_log_sanitize(line, len);
    uint64_t ms = akira_uptime_ms();
    uint8_t head[REC_HEAD] = {(uint8_t)level, (uint8_t)len};
    for (int i = 0; i < 6; i++)
        head[2 + i] = (uint8_t)(ms >> (8 * i));
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    /* the oldest lines make room */
    while (l->count &&
           (l->count >= AKIRA_APP_LOG_LINES || l->used + REC_HEAD + len > AKIRA_APP_LOG_BYTES)) {
        size_t n = rec_size(l, l->head);
        l->head = (uint16_t)((l->head + n) % AKIRA_APP_LOG_BYTES);
        l->used = (uint16_t)(l->used - n);
        l->count--;
    }
    ring_put(l, (size_t)l->head + l->used, head, REC_HEAD);
    ring_put(l, (size_t)l->head + l->used + REC_HEAD, line, len);
    l->used = (uint16_t)(l->used + REC_HEAD + len);
    l->count++;
    l->written++;
    akira_mutex_unlock(l->lock);
}

bool akira_app_log_admit(struct akira_app_log *l, uint64_t *unreported)
{
    const int64_t per_line = 1000 / (int64_t)AKIRA_APP_LOG_RATE; /* ms one line of credit */
    int64_t now = (int64_t)akira_uptime_ms();
    bool ok;
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    /* The bucket is full (BURST lines) when credit_ms is BURST lines of time behind. */
    int64_t full = now - (int64_t)AKIRA_APP_LOG_BURST * per_line;
    if (l->credit_ms < full) l->credit_ms = full;
    ok = l->credit_ms + per_line <= now;
    if (ok) {
        l->credit_ms += per_line;
        *unreported = l->unreported;
        l->unreported = 0;
    } else {
        l->dropped++;
        l->unreported++;
        *unreported = 0;
    }
    akira_mutex_unlock(l->lock);
    return ok;
}

uint64_t akira_app_log_dropped(struct akira_app_log *l)
{
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    uint64_t n = l->dropped;
    akira_mutex_unlock(l->lock);
    return n;
}

int akira_app_log_read(struct akira_app_log *l, uint64_t *cursor, struct akira_app_log_line *out)
{
    int rc = AKIRA_ENOENT;
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    uint64_t seq = l->written - l->count + 1; /* of the oldest kept line */
    size_t off = l->head;
    for (uint32_t k = 0; k < l->count; k++, seq++) {
        if (seq > *cursor) {
            uint8_t head[REC_HEAD];
            ring_get(l, off, head, REC_HEAD);
            memset(out, 0, sizeof(*out));
            out->seq = seq;
            out->level = (enum akira_log_level)head[0];
            for (int i = 0; i < 6; i++)
                out->uptime_ms |= (uint64_t)head[2 + i] << (8 * i);
            ring_get(l, off + REC_HEAD, out->text, head[1]);
            out->text[head[1]] = '\0';
            *cursor = seq;
            rc = 0;
            break;
        }
        off += rec_size(l, off);
    }
    akira_mutex_unlock(l->lock);
    return rc;
}

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

void akira_app_log_write(struct akira_app_log *l, enum akira_log_level level, const char *text,
                         size_t len)
{
    if (len >= AKIRA_APP_LOG_LINE_MAX) len = AKIRA_APP_LOG_LINE_MAX - 1;
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    struct akira_app_log_line *ln = &l->lines[l->written % AKIRA_APP_LOG_LINES];
    ln->seq = ++l->written;
    ln->uptime_ms = akira_uptime_ms();
    ln->level = level;
    memcpy(ln->text, text, len);
    len = akira_app_log_sanitize(ln->text, len);
    ln->text[len] = '\0';
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
    uint64_t oldest = l->written > AKIRA_APP_LOG_LINES ? l->written - AKIRA_APP_LOG_LINES + 1 : 1;
    uint64_t next = *cursor + 1 > oldest ? *cursor + 1 : oldest;
    if (next <= l->written) {
        *out = l->lines[(next - 1) % AKIRA_APP_LOG_LINES];
        *cursor = next;
        rc = 0;
    }
    akira_mutex_unlock(l->lock);
    return rc;
}

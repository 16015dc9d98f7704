/* Per-app log ring (akira/app_log.h). */
#include <string.h>

#include <akira/app_log.h>
#include <akira/clock.h>
#include <akira/err.h>

int akira_app_log_init(struct akira_app_log *l)
{
    memset(l, 0, sizeof(*l));
    return akira_mutex_create(&l->lock);
}

void akira_app_log_deinit(struct akira_app_log *l)
{
    akira_mutex_destroy(l->lock);
    l->lock = NULL;
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
    /* A line is one line: an app must not forge others on the console. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        ln->text[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
    }
    ln->text[len] = '\0';
    akira_mutex_unlock(l->lock);
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

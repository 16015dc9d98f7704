/*
 * Per-app log ring: the last AKIRA_APP_LOG_LINES lines an app logged (common API
 * `log`/`printf`), kept per installed app across restarts so `app logs NAME` can show
 * why it failed. Each line is also written to the system log tagged with the app's name.
 *
 * Thread-safe (one small lock per ring): the app's thread writes, the shell reads.
 */
#ifndef AKIRA_APP_LOG_H
#define AKIRA_APP_LOG_H

#include <stddef.h>
#include <stdint.h>

#include <akira/log.h>
#include <akira/mutex.h>

#define AKIRA_APP_LOG_LINES    16u
#define AKIRA_APP_LOG_LINE_MAX 100u /* bytes incl. NUL; longer lines are cut */

struct akira_app_log_line {
    uint64_t seq; /* 1, 2, ... over the ring's life */
    uint64_t uptime_ms;
    enum akira_log_level level;
    char text[AKIRA_APP_LOG_LINE_MAX];
};

struct akira_app_log {
    akira_mutex_t *lock;
    uint64_t written; /* == seq of the newest line */
    struct akira_app_log_line lines[AKIRA_APP_LOG_LINES];
};

/* 0 or AKIRA_ENOMEM. */
int akira_app_log_init(struct akira_app_log *l);
void akira_app_log_deinit(struct akira_app_log *l);

/* Append text[0..len) (cut at the line size, control characters shown as '?'). */
void akira_app_log_write(struct akira_app_log *l, enum akira_log_level level, const char *text,
                         size_t len);

/* The oldest line with seq > *cursor (start with 0); sets *cursor. 0 or AKIRA_ENOENT. */
int akira_app_log_read(struct akira_app_log *l, uint64_t *cursor, struct akira_app_log_line *out);

#endif /* AKIRA_APP_LOG_H */

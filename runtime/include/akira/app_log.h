/*
 * Per-app log ring: the last lines an app logged (common API `log`/`printf`), up to
 * AKIRA_APP_LOG_LINES of them as fit in AKIRA_APP_LOG_BYTES, kept per installed app
 * across restarts so `app logs NAME` can show why it failed. Each line is also written to the
 * system log tagged with the app's name.
 *
 * Thread-safe (one small lock per ring): the app's thread writes, the shell reads.
 */
#ifndef AKIRA_APP_LOG_H
#define AKIRA_APP_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/log.h>
#include <akira/mutex.h>

/* RAM budget: the last 48 lines, as many of them as fit in 2 KiB of text (each line
 * takes its length + 8 bytes: level, length, 48-bit uptime): 2 KiB + 48 B per installed
 * app. That is all 48 lines of up to 34 characters, and at least the last 19 lines
 * when every line has the longest length (99 bytes). Enough to see what an app did
 * before it failed (16 lines were not); a fixed 120-byte slot per line (5.6 KiB) is
 * what it replaced: most of that was padding of short lines. */
#define AKIRA_APP_LOG_LINES    48u
#define AKIRA_APP_LOG_BYTES    2048u
#define AKIRA_APP_LOG_LINE_MAX 100u /* bytes incl. NUL; longer lines are cut */
/* What an app may log: a burst of AKIRA_APP_LOG_BURST lines, then AKIRA_APP_LOG_RATE
 * lines a second; lines beyond are dropped and counted, and the next line that passes
 * is preceded by "N log lines dropped (rate limit)". An app cannot flood the system
 * log, the console or the CPU with logging. */
#define AKIRA_APP_LOG_BURST 64u
#define AKIRA_APP_LOG_RATE  20u

struct akira_app_log_line {
    uint64_t seq; /* 1, 2, ... over the ring's life */
    uint64_t uptime_ms;
    enum akira_log_level level;
    char text[AKIRA_APP_LOG_LINE_MAX];
};

struct akira_app_log {
    akira_mutex_t *lock;
    uint64_t written;    /* == seq of the newest line */
    uint64_t dropped;    /* lines the rate limit dropped, over the ring's life */
    uint64_t unreported; /* of them, not yet reported by a "dropped" line */
    int64_t credit_ms;   /* rate limit: the bucket holds (now - credit_ms) * RATE / 1000 */
    /* The kept lines, oldest first, from byte `head` on, wrapping at the end: each
     * [level, length, uptime_ms as 6 bytes little-endian, text without its NUL]. */
    uint16_t head;  /* offset of the oldest kept line */
    uint16_t used;  /* bytes the kept lines take */
    uint16_t count; /* lines kept (their seqs are written - count + 1 .. written) */
    uint8_t ring[AKIRA_APP_LOG_BYTES];
};

/* 0 or AKIRA_ENOMEM. */
int akira_app_log_init(struct akira_app_log *l);
void akira_app_log_deinit(struct akira_app_log *l);

/* Append text[0..len) (cut at the line size, control characters shown as '?'). */
void akira_app_log_write(struct akira_app_log *l, enum akira_log_level level, const char *text,
                         size_t len);

/* The rate limit: whether the app may log one more line now (false: dropped and
 * counted). When it may and lines were dropped before, *unreported is how many (to be
 * reported first), else 0. */
bool akira_app_log_admit(struct akira_app_log *l, uint64_t *unreported);

/* Lines the rate limit dropped so far. */
uint64_t akira_app_log_dropped(struct akira_app_log *l);

/*
 * Make app text safe for a console and a log, in place: C0 controls (but tab), DEL,
 * C1 controls as raw bytes 0x80..0x9F or UTF-8 encoded (U+0080..U+009F, C2 80..C2 9F)
 * and any byte that is not part of valid UTF-8 become '?' (an encoded C1 control is
 * one '?'). Other UTF-8 text is kept. Returns the new length (<= len).
 */
size_t akira_app_log_sanitize(char *s, size_t len);

/* The oldest line with seq > *cursor (start with 0); sets *cursor. 0 or AKIRA_ENOENT. */
int akira_app_log_read(struct akira_app_log *l, uint64_t *cursor, struct akira_app_log_line *out);

#endif /* AKIRA_APP_LOG_H */

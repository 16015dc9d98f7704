/*
 * Wall-clock time: an offset on top of the monotonic uptime (akira/clock.h), set by
 * SNTP (akira/sntp.h) or by hand (shell `time set`). Timers, timeouts and log ordering
 * stay on the uptime; the wall clock only labels things (log entries in /api/logs,
 * the device certificate's notBefore, `time`). A jump of the wall clock changes no
 * timer. docs/tls.md ("Time").
 *
 * The time zone is a fixed offset from UTC in the setting AKIRA_TIME_TZ_KEY
 * ("+01:00", "-05:30", "Z"; absent: UTC), applied when times are shown.
 */
#ifndef AKIRA_WALLTIME_H
#define AKIRA_WALLTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_TIME_SNTP_KEY "akira/time/sntp" /* "a.b.c.d:port" of the SNTP server */
#define AKIRA_TIME_TZ_KEY   "akira/time/tz"   /* "+HH:MM" / "-HH:MM" / "Z" */
#define AKIRA_TIME_STR_MAX  32                /* "2026-12-07T15:04:05.123+01:00" + NUL */

/* Sets the clock: unix_ms is "now". AKIRA_EINVAL before 2020 or after 2200 (a clock
 * that far off is a bug, not a time). source ("sntp 127.0.0.1:123", "shell") is kept
 * for `time`. */
int akira_walltime_set(int64_t unix_ms, const char *source);
/* Now, as Unix milliseconds. AKIRA_ENOENT while the clock was never set. */
int akira_walltime_now(int64_t *unix_ms);
/* The Unix milliseconds of an uptime (a log entry's), AKIRA_ENOENT when unset. */
int akira_walltime_at_uptime(uint64_t uptime_ms, int64_t *unix_ms);
/* When and from where it was last set (uptime ms, source), false when never. */
bool akira_walltime_last_set(uint64_t *uptime_ms, char *source, size_t cap);
/* Forgets the time (tests, `time clear`). */
void akira_walltime_clear(void);

/* "+01:00" -> 60, "-05:30" -> -330, "Z"/"UTC"/"+00:00" -> 0; -14:00..+14:00.
 * AKIRA_EINVAL otherwise. */
int akira_walltime_tz_parse(const char *s, int *minutes);
/* The zone from settings (0 when absent or malformed). */
int akira_walltime_tz(void);
/* A Unix time (seconds) as a UTC calendar date and time (proleptic Gregorian). */
struct akira_civil {
    int year;
    unsigned month, day, hour, min, sec; /* 1..12, 1..31, 0..23, 0..59, 0..59 */
};
void akira_walltime_civil(int64_t unix_s, struct akira_civil *out);
/* unix_ms in the zone tz_min as ISO 8601 with milliseconds and the offset. Returns the
 * length, or AKIRA_ERANGE. */
int akira_walltime_format(int64_t unix_ms, int tz_min, char *buf, size_t cap);

#endif /* AKIRA_WALLTIME_H */

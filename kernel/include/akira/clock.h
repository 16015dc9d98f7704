/*
 * Uptime clock and the timeout convention of every blocking kernel call.
 *
 * Uptime is monotonic (never jumps with wall-clock changes) and starts near 0 when the
 * process (POSIX port) or the device (embedded ports) starts. Any thread may call these.
 */
#ifndef AKIRA_CLOCK_H
#define AKIRA_CLOCK_H

#include <stdint.h>

/* Timeouts are int32_t milliseconds: a positive value waits at most that long,
 * AKIRA_NO_WAIT returns AKIRA_EAGAIN at once instead of blocking, AKIRA_FOREVER waits
 * without limit. Other negative values are AKIRA_EINVAL. */
#define AKIRA_NO_WAIT ((int32_t)0)
#define AKIRA_FOREVER ((int32_t)-1)

/* Milliseconds since boot. */
uint64_t akira_uptime_ms(void);

/* Microseconds since boot (same origin as akira_uptime_ms). */
uint64_t akira_uptime_us(void);

#endif /* AKIRA_CLOCK_H */

/* POSIX port internals shared by the port's files. */
#ifndef AKIRA_POSIX_PORT_H
#define AKIRA_POSIX_PORT_H

#include <stdint.h>
#include <time.h>

/* Absolute CLOCK_MONOTONIC time for an uptime in microseconds (for *_clocklock and
 * condition variables on the monotonic clock). */
struct timespec akira_posix_mono_from_uptime_us(uint64_t uptime_us);

#endif /* AKIRA_POSIX_PORT_H */

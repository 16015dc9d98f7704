/* Uptime on POSIX: CLOCK_MONOTONIC relative to an origin taken at process start. */
#include <pthread.h>
#include <time.h>

#include <akira/clock.h>

#include "port.h"

static uint64_t origin_ns;
static pthread_once_t origin_once = PTHREAD_ONCE_INIT;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void origin_set(void)
{
    origin_ns = mono_ns();
}

/* Take the origin before main so that uptime counts from process start, not from the
 * first caller. */
__attribute__((constructor)) static void origin_early(void)
{
    pthread_once(&origin_once, origin_set);
}

uint64_t akira_uptime_us(void)
{
    pthread_once(&origin_once, origin_set);
    return (mono_ns() - origin_ns) / 1000u;
}

uint64_t akira_uptime_ms(void)
{
    return akira_uptime_us() / 1000u;
}

struct timespec akira_posix_mono_from_uptime_us(uint64_t uptime_us)
{
    pthread_once(&origin_once, origin_set);
    uint64_t ns = origin_ns + uptime_us * 1000u;
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                          .tv_nsec = (long)(ns % 1000000000u)};
    return ts;
}

/* The akira/clock.h timeout convention, turned into absolute deadlines once so that
 * retried waits (spurious wake-ups) never extend the total wait. */
#include <akira/clock.h>
#include <akira/err.h>

#include "kernel_internal.h"

int akira_timeout_deadline(int32_t timeout_ms, uint64_t *deadline_us, int *forever)
{
    *forever = 0;
    if (timeout_ms == AKIRA_FOREVER) {
        *forever = 1;
        *deadline_us = UINT64_MAX;
        return 0;
    }
    if (timeout_ms < 0) return AKIRA_EINVAL;
    *deadline_us = akira_uptime_us() + (uint64_t)timeout_ms * 1000u;
    return 0;
}

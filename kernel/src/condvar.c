/* The ports' common part of akira/condvar.h: a relative wait is an absolute one. */
#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>

#include "kernel_internal.h"

int akira_condvar_wait(akira_condvar_t *cv, akira_mutex_t *m, int32_t timeout_ms)
{
    if (timeout_ms == AKIRA_NO_WAIT) return AKIRA_EAGAIN;
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    return akira_condvar_wait_until(cv, m, deadline);
}

/*
 * Mutex: mutual exclusion between threads.
 *
 * Recursive: the owner may lock again and must unlock as many times. Only the owner may
 * unlock (others get AKIRA_EPERM). No priority inheritance on POSIX; the Cortex-M port
 * lends a waiter's priority to the owner (and along a chain of owners). Objects are created
 * on the heap; every function except create/destroy may be called from any thread.
 */
#ifndef AKIRA_MUTEX_H
#define AKIRA_MUTEX_H

#include <stdint.h>

#include <akira/clock.h>

typedef struct akira_mutex akira_mutex_t;

/* Returns 0 and *out, or AKIRA_ENOMEM. */
int akira_mutex_create(akira_mutex_t **out);

/* Free a mutex nobody holds or waits for. NULL is ignored. */
void akira_mutex_destroy(akira_mutex_t *m);

/* Lock, waiting up to timeout_ms (akira/clock.h). 0, AKIRA_ETIMEDOUT, AKIRA_EAGAIN
 * (AKIRA_NO_WAIT and held by another thread), AKIRA_EINVAL (bad timeout). */
int akira_mutex_lock(akira_mutex_t *m, int32_t timeout_ms);

/* Release one level of locking. 0 or AKIRA_EPERM (caller is not the owner). */
int akira_mutex_unlock(akira_mutex_t *m);

#endif /* AKIRA_MUTEX_H */

/*
 * Condition variable, paired with an akira_mutex_t.
 *
 * The waiter must hold the mutex exactly once (not recursively): waiting releases it
 * and re-acquires it before returning, also on timeout. Wake-ups can be spurious, so
 * always wait in a loop that re-checks the condition.
 */
#ifndef AKIRA_CONDVAR_H
#define AKIRA_CONDVAR_H

#include <stdint.h>

#include <akira/mutex.h>

typedef struct akira_condvar akira_condvar_t;

/* Returns 0 and *out, or AKIRA_ENOMEM. */
int akira_condvar_create(akira_condvar_t **out);

/* Free a condvar nobody waits on. NULL is ignored. */
void akira_condvar_destroy(akira_condvar_t *cv);

/* Wait until signalled or timeout_ms (akira/clock.h) passes. 0, AKIRA_ETIMEDOUT,
 * AKIRA_EAGAIN (AKIRA_NO_WAIT), AKIRA_EINVAL. */
int akira_condvar_wait(akira_condvar_t *cv, akira_mutex_t *m, int32_t timeout_ms);

/* Wait with an absolute deadline in microseconds of uptime (akira_uptime_us). Used to
 * keep one deadline over several wake-ups. 0 or AKIRA_ETIMEDOUT. */
int akira_condvar_wait_until(akira_condvar_t *cv, akira_mutex_t *m, uint64_t deadline_us);

/* Wake one waiter / all waiters. Caller may or may not hold the mutex. */
void akira_condvar_signal(akira_condvar_t *cv);
void akira_condvar_broadcast(akira_condvar_t *cv);

#endif /* AKIRA_CONDVAR_H */

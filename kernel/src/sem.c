/* Counting semaphore built on the port's mutex and condition variable. */
#include <stdlib.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/mutex.h>
#include <akira/sem.h>

#include "kernel_internal.h"

struct akira_sem {
    akira_mutex_t *lock;
    akira_condvar_t *cv;
    uint32_t count;
    uint32_t limit;
};

int akira_sem_create(akira_sem_t **out, uint32_t initial, uint32_t limit)
{
    if (out == NULL || limit == 0 || initial > limit) return AKIRA_EINVAL;
    struct akira_sem *s = calloc(1, sizeof(*s));
    if (s == NULL) return AKIRA_ENOMEM;
    if (akira_mutex_create(&s->lock) != 0 || akira_condvar_create(&s->cv) != 0) {
        akira_mutex_destroy(s->lock);
        free(s);
        return AKIRA_ENOMEM;
    }
    s->count = initial;
    s->limit = limit;
    *out = s;
    return 0;
}

void akira_sem_destroy(akira_sem_t *s)
{
    if (s == NULL) return;
    akira_condvar_destroy(s->cv);
    akira_mutex_destroy(s->lock);
    free(s);
}

void akira_sem_give(akira_sem_t *s)
{
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    if (s->count < s->limit) {
        s->count++;
        akira_condvar_signal(s->cv);
    }
    akira_mutex_unlock(s->lock);
}

int akira_sem_take(akira_sem_t *s, int32_t timeout_ms)
{
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    int rc = 0;
    while (s->count == 0) {
        if (timeout_ms == AKIRA_NO_WAIT) {
            rc = AKIRA_EAGAIN;
            break;
        }
        if (akira_condvar_wait_until(s->cv, s->lock, deadline) == AKIRA_ETIMEDOUT &&
            s->count == 0) {
            rc = AKIRA_ETIMEDOUT;
            break;
        }
    }
    if (rc == 0) s->count--;
    akira_mutex_unlock(s->lock);
    return rc;
}

uint32_t akira_sem_count(akira_sem_t *s)
{
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    uint32_t c = s->count;
    akira_mutex_unlock(s->lock);
    return c;
}

void akira_sem_reset(akira_sem_t *s)
{
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    s->count = 0;
    akira_mutex_unlock(s->lock);
}

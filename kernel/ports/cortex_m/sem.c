/*
 * Counting semaphore of the Cortex-M port (akira/sem.h), built on the scheduler's wait
 * queues with interrupts masked instead of a mutex and a condition variable.
 *
 * Why not the portable one (kernel/src/sem.c): interrupt handlers give semaphores (the
 * UART's receive interrupt wakes the serial link's reader), and a mutex taken in an
 * interrupt handler blocks whatever thread the interrupt came in on when the mutex is
 * held - the idle thread too, which leaves the scheduler with no ready thread. Here a
 * give never waits: it hands the unit to the most urgent waiter or adds it to the count.
 */
#include <stdlib.h>

#include <akira/clock.h>
#include <akira/cortex_m.h>
#include <akira/err.h>
#include <akira/sem.h>

#include "kernel_internal.h"
#include "port.h"

struct akira_sem {
    uint32_t count;
    uint32_t limit;
    struct akira_cm_waitq q; /* takers waiting for a unit */
};

int akira_sem_create(akira_sem_t **out, uint32_t initial, uint32_t limit)
{
    if (out == NULL || limit == 0 || initial > limit) return AKIRA_EINVAL;
    struct akira_sem *s = calloc(1, sizeof(*s));
    if (s == NULL) return AKIRA_ENOMEM;
    s->count = initial;
    s->limit = limit;
    *out = s;
    return 0;
}

void akira_sem_destroy(akira_sem_t *s)
{
    free(s);
}

/* Threads and interrupt handlers. */
void akira_sem_give(akira_sem_t *s)
{
    uint32_t key = akira_cm_irq_lock();
    if (s->q.head)
        cm_wake_locked(cm_waitq_best_locked(&s->q), 0); /* the unit goes to it directly */
    else if (s->count < s->limit)
        s->count++;
    akira_cm_irq_unlock(key);
}

int akira_sem_take(akira_sem_t *s, int32_t timeout_ms)
{
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    uint32_t key = akira_cm_irq_lock();
    if (s->count > 0) {
        s->count--;
        akira_cm_irq_unlock(key);
        return 0;
    }
    if (timeout_ms == AKIRA_NO_WAIT) {
        akira_cm_irq_unlock(key);
        return AKIRA_EAGAIN;
    }
    cm_block_locked(&s->q, forever ? CM_NO_TIMEOUT : cm_tick_for_deadline(deadline));
    akira_cm_irq_unlock(key);
    /* 0: a give handed us its unit; AKIRA_ETIMEDOUT: the timeout list woke us. */
    return cm_current->wait_rc;
}

uint32_t akira_sem_count(akira_sem_t *s)
{
    return __atomic_load_n(&s->count, __ATOMIC_RELAXED);
}

void akira_sem_reset(akira_sem_t *s)
{
    uint32_t key = akira_cm_irq_lock();
    s->count = 0;
    akira_cm_irq_unlock(key);
}

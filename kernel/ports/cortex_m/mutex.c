/*
 * Recursive mutex with priority inheritance, and the condition variable, on the
 * Cortex-M scheduler.
 *
 * Inheritance: a thread that blocks on a mutex lends its priority to the owner, and on
 * along the chain when that owner itself waits for a mutex. An owner's effective
 * priority is always its own or that of the most urgent thread waiting for any mutex
 * it holds, recomputed when it releases one or when a waiter gives up (timeout).
 * Unlock hands the mutex directly to the most urgent waiter, so a thread that timed out
 * never receives it.
 */
#include <stdlib.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/mutex.h>

#include "kernel_internal.h"
#include "port.h"

struct akira_condvar {
    struct akira_cm_waitq q;
};

static void held_push(struct akira_thread *t, struct akira_mutex *m)
{
    m->held_next = t->held;
    t->held = m;
}

static void held_drop(struct akira_thread *t, struct akira_mutex *m)
{
    for (struct akira_mutex **pp = &t->held; *pp; pp = &(*pp)->held_next) {
        if (*pp == m) {
            *pp = m->held_next;
            break;
        }
    }
    m->held_next = NULL;
}

/* Own priority or that of the most urgent waiter on a held mutex; then along the
 * chain of mutexes the thread itself waits for. */
void cm_prio_recompute_locked(struct akira_thread *t)
{
    while (t) {
        uint8_t p = t->base_prio;
        for (struct akira_mutex *m = t->held; m; m = m->held_next)
            for (struct akira_thread *w = m->q.head; w; w = w->q_next)
                if (w->prio < p) p = w->prio;
        if (p == t->prio) return;
        cm_set_prio_locked(t, p);
        t = t->waiting_mutex ? t->waiting_mutex->owner : NULL;
    }
}

int akira_mutex_create(akira_mutex_t **out)
{
    if (out == NULL) return AKIRA_EINVAL;
    struct akira_mutex *m = calloc(1, sizeof(*m));
    if (m == NULL) return AKIRA_ENOMEM;
    *out = m;
    return 0;
}

void akira_mutex_destroy(akira_mutex_t *m)
{
    free(m);
}

int akira_mutex_lock(akira_mutex_t *m, int32_t timeout_ms)
{
    struct akira_thread *cur = cm_current;
    uint32_t key = akira_cm_irq_lock();
    if (m->owner == NULL) {
        m->owner = cur;
        m->count = 1;
        held_push(cur, m);
        akira_cm_irq_unlock(key);
        return 0;
    }
    if (m->owner == cur) {
        m->count++;
        akira_cm_irq_unlock(key);
        return 0;
    }
    akira_cm_irq_unlock(key);
    if (timeout_ms == AKIRA_NO_WAIT) return AKIRA_EAGAIN;
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;

    key = akira_cm_irq_lock();
    if (m->owner == NULL) { /* released meanwhile */
        m->owner = cur;
        m->count = 1;
        held_push(cur, m);
        akira_cm_irq_unlock(key);
        return 0;
    }
    cur->waiting_mutex = m;
    cm_block_locked(&m->q, forever ? CM_NO_TIMEOUT : cm_tick_for_deadline(deadline));
    /* Lend our priority along the chain of owners. */
    for (struct akira_thread *o = m->owner; o && cur->prio < o->prio;) {
        cm_set_prio_locked(o, cur->prio);
        o = o->waiting_mutex ? o->waiting_mutex->owner : NULL;
    }
    akira_cm_irq_unlock(key);
    /* Runs again once handed the mutex or timed out. */
    key = akira_cm_irq_lock();
    cur->waiting_mutex = NULL;
    int rc = cur->wait_rc;
    if (rc != 0 && m->owner) cm_prio_recompute_locked(m->owner);
    akira_cm_irq_unlock(key);
    return rc;
}

void cm_mutex_release_locked(struct akira_mutex *m)
{
    struct akira_thread *cur = m->owner;
    held_drop(cur, m);
    struct akira_thread *next = m->q.head ? cm_waitq_best_locked(&m->q) : NULL;
    if (next) {
        m->owner = next;
        m->count = 1;
        next->waiting_mutex = NULL;
        cm_wake_locked(next, 0); /* leaves m->q first, so it no longer counts below */
        held_push(next, m);
        cm_prio_recompute_locked(next);
    } else {
        m->owner = NULL;
        m->count = 0;
    }
    cm_prio_recompute_locked(cur);
}

int akira_mutex_unlock(akira_mutex_t *m)
{
    uint32_t key = akira_cm_irq_lock();
    if (m->owner != cm_current) {
        akira_cm_irq_unlock(key);
        return AKIRA_EPERM;
    }
    if (--m->count == 0) cm_mutex_release_locked(m);
    akira_cm_irq_unlock(key);
    return 0;
}

int akira_condvar_create(akira_condvar_t **out)
{
    if (out == NULL) return AKIRA_EINVAL;
    struct akira_condvar *cv = calloc(1, sizeof(*cv));
    if (cv == NULL) return AKIRA_ENOMEM;
    *out = cv;
    return 0;
}

void akira_condvar_destroy(akira_condvar_t *cv)
{
    free(cv);
}

int akira_condvar_wait_until(akira_condvar_t *cv, akira_mutex_t *m, uint64_t deadline_us)
{
    struct akira_thread *cur = cm_current;
    uint32_t key = akira_cm_irq_lock();
    if (m->owner != cur) {
        akira_cm_irq_unlock(key);
        return AKIRA_EPERM;
    }
    /* Release and start waiting in one step: a signal between them cannot be lost. */
    uint32_t depth = m->count;
    m->count = 0;
    cm_mutex_release_locked(m);
    cm_block_locked(&cv->q, cm_tick_for_deadline(deadline_us));
    akira_cm_irq_unlock(key);
    int rc = cur->wait_rc;
    akira_mutex_lock(m, AKIRA_FOREVER);
    m->count = depth;
    return rc;
}

int akira_condvar_wait(akira_condvar_t *cv, akira_mutex_t *m, int32_t timeout_ms)
{
    if (timeout_ms == AKIRA_NO_WAIT) return AKIRA_EAGAIN;
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    return akira_condvar_wait_until(cv, m, deadline);
}

void akira_condvar_signal(akira_condvar_t *cv)
{
    uint32_t key = akira_cm_irq_lock();
    if (cv->q.head) cm_wake_locked(cm_waitq_best_locked(&cv->q), 0);
    akira_cm_irq_unlock(key);
}

void akira_condvar_broadcast(akira_condvar_t *cv)
{
    uint32_t key = akira_cm_irq_lock();
    while (cv->q.head)
        cm_wake_locked(cv->q.head, 0);
    akira_cm_irq_unlock(key);
}

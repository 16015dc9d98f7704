/*
 * Work queues. One lock guards all queues and items: an item can move between queues
 * (reschedule) and cancel finds the queue through the item, so a per-queue lock would
 * need a second lookup under race; contention is low (submit/cancel are short).
 */
#include <stdbool.h>
#include <stdlib.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/mutex.h>
#include <akira/thread.h>
#include <akira/work.h>

#include "kernel_internal.h"

#define W_QUEUED  1u /* in the FIFO */
#define W_DELAYED 2u /* in the delayed list */

/* "Running" is not a flag in the item: after its handler returns the queue thread
 * never touches the item again, so a handler may free or reuse its own item. */

struct akira_workq {
    akira_condvar_t *wake;          /* new runnable or delayed work, or stop */
    akira_condvar_t *done;          /* a handler returned */
    struct akira_work *head, *tail; /* FIFO */
    struct akira_work *delayed;     /* sorted by due_us */
    struct akira_work *running;
    akira_thread_t *thread;
    bool stopping;
    akira_workq_t *next_q; /* all live queues, for "is this item running?" */
};

static akira_once_t wk_once = AKIRA_ONCE_INIT;
static akira_mutex_t *wk_lock;
static akira_workq_t *sysq;
static akira_workq_t *queues;

static void wk_init(void)
{
    if (akira_mutex_create(&wk_lock) != 0) __builtin_trap();
}

static void wk_ready(void)
{
    akira_once(&wk_once, wk_init);
}

static void set_flags(struct akira_work *w, uint32_t f)
{
    __atomic_store_n(&w->flags, f, __ATOMIC_RELEASE);
}

static uint32_t get_flags(const struct akira_work *w)
{
    return __atomic_load_n(&w->flags, __ATOMIC_ACQUIRE);
}

void akira_work_init(struct akira_work *w, akira_work_fn fn)
{
    w->fn = fn;
    w->next = NULL;
    w->queue = NULL;
    w->due_us = 0;
    set_flags(w, 0);
}

/* ---- list helpers, under wk_lock ---- */

static void fifo_push(akira_workq_t *q, struct akira_work *w)
{
    w->next = NULL;
    if (q->tail)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
    set_flags(w, get_flags(w) | W_QUEUED);
}

static void fifo_remove(akira_workq_t *q, struct akira_work *w)
{
    struct akira_work *prev = NULL;
    for (struct akira_work *i = q->head; i; prev = i, i = i->next) {
        if (i != w) continue;
        if (prev)
            prev->next = w->next;
        else
            q->head = w->next;
        if (q->tail == w) q->tail = prev;
        break;
    }
    w->next = NULL;
    set_flags(w, get_flags(w) & ~W_QUEUED);
}

static void delayed_insert(akira_workq_t *q, struct akira_work *w)
{
    struct akira_work **p = &q->delayed;
    while (*p && (*p)->due_us <= w->due_us)
        p = &(*p)->next;
    w->next = *p;
    *p = w;
    set_flags(w, get_flags(w) | W_DELAYED);
}

static void delayed_remove(akira_workq_t *q, struct akira_work *w)
{
    for (struct akira_work **p = &q->delayed; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    w->next = NULL;
    set_flags(w, get_flags(w) & ~W_DELAYED);
}

/* Take w off whatever list it is on. */
static void unqueue(struct akira_work *w)
{
    uint32_t f = get_flags(w);
    if (f & W_QUEUED) fifo_remove(w->queue, w);
    if (f & W_DELAYED) delayed_remove(w->queue, w);
}

static void promote_due(akira_workq_t *q, uint64_t now)
{
    while (q->delayed && q->delayed->due_us <= now) {
        struct akira_work *w = q->delayed;
        q->delayed = w->next;
        set_flags(w, get_flags(w) & ~W_DELAYED);
        fifo_push(q, w);
    }
}

/* ---- the queue thread ---- */

static int workq_thread(void *arg)
{
    akira_workq_t *q = arg;
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    for (;;) {
        promote_due(q, akira_uptime_us());
        struct akira_work *w = q->head;
        if (w) {
            fifo_remove(q, w);
            q->running = w;
            akira_work_fn fn = w->fn;
            akira_mutex_unlock(wk_lock);
            fn(w);
            akira_mutex_lock(wk_lock, AKIRA_FOREVER);
            q->running = NULL;
            akira_condvar_broadcast(q->done);
            continue;
        }
        if (q->stopping) break;
        akira_condvar_wait_until(q->wake, wk_lock, q->delayed ? q->delayed->due_us : UINT64_MAX);
    }
    /* Not yet due at stop: dropped, as documented. */
    while (q->delayed)
        delayed_remove(q, q->delayed);
    akira_mutex_unlock(wk_lock);
    return 0;
}

/* ---- submit / cancel ---- */

static akira_workq_t *resolve(akira_workq_t *q)
{
    return q ? q : sysq;
}

/* Shared by submit and submit_delayed. Under wk_lock. */
static int submit_locked(akira_workq_t *q, struct akira_work *w, uint32_t delay_ms, bool move)
{
    if (q == NULL || q->stopping) return AKIRA_ESTATE;
    uint32_t f = get_flags(w);
    if (f & (W_QUEUED | W_DELAYED)) {
        if (!move) return w->queue == q ? 0 : AKIRA_EBUSY;
        unqueue(w);
    }
    w->queue = q;
    if (delay_ms == 0) {
        fifo_push(q, w);
    } else {
        w->due_us = akira_uptime_us() + (uint64_t)delay_ms * 1000u;
        delayed_insert(q, w);
    }
    akira_condvar_signal(q->wake);
    return 1;
}

int akira_work_submit_delayed(akira_workq_t *q, struct akira_work *w, uint32_t delay_ms)
{
    if (w == NULL || w->fn == NULL) return AKIRA_EINVAL;
    wk_ready();
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    int rc = submit_locked(resolve(q), w, delay_ms, false);
    akira_mutex_unlock(wk_lock);
    return rc;
}

int akira_work_submit(akira_workq_t *q, struct akira_work *w)
{
    return akira_work_submit_delayed(q, w, 0);
}

int akira_work_reschedule(akira_workq_t *q, struct akira_work *w, uint32_t delay_ms)
{
    if (w == NULL || w->fn == NULL) return AKIRA_EINVAL;
    wk_ready();
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    int rc = submit_locked(resolve(q), w, delay_ms, true);
    akira_mutex_unlock(wk_lock);
    return rc;
}

/* The queue whose thread runs w's handler right now, or NULL. Under wk_lock. */
static akira_workq_t *running_on(const struct akira_work *w)
{
    for (akira_workq_t *q = queues; q; q = q->next_q)
        if (q->running == w) return q;
    return NULL;
}

int akira_work_cancel(struct akira_work *w)
{
    if (w == NULL) return AKIRA_EINVAL;
    wk_ready();
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    unqueue(w);
    int rc = running_on(w) ? AKIRA_EBUSY : 0;
    akira_mutex_unlock(wk_lock);
    return rc;
}

int akira_work_cancel_sync(struct akira_work *w)
{
    if (w == NULL) return AKIRA_EINVAL;
    wk_ready();
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    unqueue(w);
    int rc = 0;
    akira_workq_t *q;
    while ((q = running_on(w)) != NULL) {
        if (akira_thread_current() == q->thread) {
            rc = AKIRA_EDEADLK;
            break;
        }
        akira_condvar_wait_until(q->done, wk_lock, UINT64_MAX);
    }
    akira_mutex_unlock(wk_lock);
    return rc;
}

bool akira_work_is_pending(const struct akira_work *w)
{
    return (get_flags(w) & (W_QUEUED | W_DELAYED)) != 0;
}

bool akira_work_is_running(const struct akira_work *w)
{
    wk_ready();
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    bool running = running_on(w) != NULL;
    akira_mutex_unlock(wk_lock);
    return running;
}

/* ---- queues ---- */

int akira_workq_create(akira_workq_t **out, const char *name, int priority, size_t stack_size)
{
    if (out == NULL) return AKIRA_EINVAL;
    wk_ready();
    akira_workq_t *q = calloc(1, sizeof(*q));
    if (q == NULL) return AKIRA_ENOMEM;
    if (akira_condvar_create(&q->wake) != 0 || akira_condvar_create(&q->done) != 0) {
        akira_condvar_destroy(q->wake);
        free(q);
        return AKIRA_ENOMEM;
    }
    /* Hold the lock so the thread cannot look at q before q->thread is set. */
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    int rc = akira_thread_create(&q->thread, name ? name : "workq", workq_thread, q, priority,
                                 stack_size);
    if (rc == 0) {
        q->next_q = queues;
        queues = q;
    }
    akira_mutex_unlock(wk_lock);
    if (rc != 0) {
        akira_condvar_destroy(q->done);
        akira_condvar_destroy(q->wake);
        free(q);
        return rc;
    }
    *out = q;
    return 0;
}

void akira_workq_destroy(akira_workq_t *q)
{
    if (q == NULL) return;
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    q->stopping = true;
    akira_condvar_signal(q->wake);
    akira_mutex_unlock(wk_lock);
    akira_thread_join(q->thread, AKIRA_FOREVER, NULL);
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    for (akira_workq_t **p = &queues; *p; p = &(*p)->next_q) {
        if (*p == q) {
            *p = q->next_q;
            break;
        }
    }
    akira_mutex_unlock(wk_lock);
    akira_condvar_destroy(q->done);
    akira_condvar_destroy(q->wake);
    free(q);
}

struct barrier {
    struct akira_work work;
    bool ran;
    akira_workq_t *q;
};

static void barrier_fn(struct akira_work *w)
{
    struct barrier *b = (struct barrier *)w;
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    b->ran = true;
    akira_mutex_unlock(wk_lock);
}

int akira_workq_drain(akira_workq_t *q)
{
    wk_ready();
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    q = resolve(q);
    if (q == NULL || q->stopping) {
        akira_mutex_unlock(wk_lock);
        return AKIRA_ESTATE;
    }
    if (akira_thread_current() == q->thread) {
        akira_mutex_unlock(wk_lock);
        return AKIRA_EDEADLK;
    }
    /* A barrier item behind everything that is runnable now: when it has run, so has
     * all of that. */
    promote_due(q, akira_uptime_us());
    struct barrier b = {.ran = false, .q = q};
    akira_work_init(&b.work, barrier_fn);
    b.work.queue = q;
    fifo_push(q, &b.work);
    akira_condvar_signal(q->wake);
    while (!b.ran || q->running == &b.work)
        akira_condvar_wait_until(q->done, wk_lock, UINT64_MAX);
    akira_mutex_unlock(wk_lock);
    return 0;
}

akira_workq_t *akira_workq_system(void)
{
    wk_ready();
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    akira_workq_t *q = sysq;
    akira_mutex_unlock(wk_lock);
    return q;
}

int akira_workq_system_start(void)
{
    akira_workq_t *q;
    int rc = akira_workq_create(&q, "sysworkq", AKIRA_PRIO_DEFAULT, AKIRA_BOARD_STACK_SYSWORKQ);
    if (rc != 0) return rc;
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    sysq = q;
    akira_mutex_unlock(wk_lock);
    return 0;
}

void akira_workq_system_stop(void)
{
    wk_ready();
    akira_mutex_lock(wk_lock, AKIRA_FOREVER);
    akira_workq_t *q = sysq;
    sysq = NULL;
    akira_mutex_unlock(wk_lock);
    akira_workq_destroy(q);
}

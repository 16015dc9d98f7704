/*
 * Software timers served by one thread. Armed timers sit in a list sorted by deadline;
 * the thread sleeps on a condition variable until the earliest deadline or until the
 * list changes, and runs callbacks with the lock released.
 */
#include <stdbool.h>
#include <stdlib.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/mutex.h>
#include <akira/thread.h>
#include <akira/timer.h>

#include "kernel_internal.h"

struct akira_timer {
    akira_timer_fn fn;
    void *user;
    uint64_t deadline_us;
    uint64_t period_us;
    bool armed;
    uint32_t status; /* expiries since start / last status read */
    uint32_t fired;  /* expiries since start */
    struct akira_timer *next;
};

static akira_once_t tm_once = AKIRA_ONCE_INIT;
static akira_mutex_t *tm_lock;
static akira_condvar_t *tm_wake; /* list changed or stop requested */
static akira_condvar_t *tm_done; /* a callback returned */
static struct akira_timer *tm_head;
static struct akira_timer *tm_current; /* whose callback runs now */
static akira_thread_t *tm_thread;
static bool tm_stop;

static void tm_init(void)
{
    if (akira_mutex_create(&tm_lock) != 0 || akira_condvar_create(&tm_wake) != 0 ||
        akira_condvar_create(&tm_done) != 0)
        __builtin_trap();
}

static void tm_ready(void)
{
    akira_once(&tm_once, tm_init);
}

/* List operations under tm_lock. */
static void list_remove(struct akira_timer *t)
{
    for (struct akira_timer **p = &tm_head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            t->next = NULL;
            return;
        }
    }
}

static void list_insert(struct akira_timer *t)
{
    struct akira_timer **p = &tm_head;
    /* After equal deadlines: timers started first fire first. */
    while (*p && (*p)->deadline_us <= t->deadline_us)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
}

static int timer_thread(void *arg)
{
    (void)arg;
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    while (!tm_stop) {
        struct akira_timer *t = tm_head;
        if (t == NULL) {
            akira_condvar_wait_until(tm_wake, tm_lock, UINT64_MAX);
            continue;
        }
        uint64_t now = akira_uptime_us();
        if (t->deadline_us > now) {
            akira_condvar_wait_until(tm_wake, tm_lock, t->deadline_us);
            continue;
        }
        tm_head = t->next;
        t->next = NULL;
        uint32_t expiries = 1;
        if (t->period_us) {
            t->deadline_us += t->period_us;
            while (t->deadline_us <= now) { /* fell behind: count, don't replay */
                t->deadline_us += t->period_us;
                expiries++;
            }
            list_insert(t);
        } else {
            t->armed = false;
        }
        t->status += expiries;
        t->fired += expiries;
        tm_current = t;
        akira_timer_fn fn = t->fn;
        void *user = t->user;
        akira_mutex_unlock(tm_lock);
        fn(t, user);
        akira_mutex_lock(tm_lock, AKIRA_FOREVER);
        tm_current = NULL;
        akira_condvar_broadcast(tm_done);
    }
    akira_mutex_unlock(tm_lock);
    return 0;
}

int akira_timer_subsys_start(void)
{
    tm_ready();
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    if (tm_thread != NULL) {
        akira_mutex_unlock(tm_lock);
        return AKIRA_EBUSY;
    }
    tm_stop = false;
    int rc = akira_thread_create(&tm_thread, "timer", timer_thread, NULL, AKIRA_PRIO_HIGHEST,
                                 AKIRA_BOARD_STACK_TIMER);
    if (rc != 0) tm_thread = NULL;
    akira_mutex_unlock(tm_lock);
    return rc;
}

void akira_timer_subsys_stop(void)
{
    tm_ready();
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    akira_thread_t *th = tm_thread;
    tm_stop = true;
    akira_condvar_broadcast(tm_wake);
    akira_mutex_unlock(tm_lock);
    if (th == NULL) return;
    akira_thread_join(th, AKIRA_FOREVER, NULL);
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    tm_thread = NULL;
    while (tm_head) { /* nothing will serve them any more */
        tm_head->armed = false;
        struct akira_timer *n = tm_head->next;
        tm_head->next = NULL;
        tm_head = n;
    }
    akira_mutex_unlock(tm_lock);
}

int akira_timer_create(akira_timer_t **out, akira_timer_fn fn, void *user)
{
    if (out == NULL || fn == NULL) return AKIRA_EINVAL;
    tm_ready();
    struct akira_timer *t = calloc(1, sizeof(*t));
    if (t == NULL) return AKIRA_ENOMEM;
    t->fn = fn;
    t->user = user;
    *out = t;
    return 0;
}

void akira_timer_destroy(akira_timer_t *t)
{
    if (t == NULL) return;
    akira_timer_stop(t);
    free(t);
}

int akira_timer_start(akira_timer_t *t, uint32_t delay_ms, uint32_t period_ms)
{
    if (t == NULL) return AKIRA_EINVAL;
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    if (tm_thread == NULL || tm_stop) {
        akira_mutex_unlock(tm_lock);
        return AKIRA_ESTATE;
    }
    if (t->armed) list_remove(t);
    t->deadline_us = akira_uptime_us() + (uint64_t)delay_ms * 1000u;
    t->period_us = (uint64_t)period_ms * 1000u;
    t->status = 0;
    t->fired = 0;
    t->armed = true;
    list_insert(t);
    akira_condvar_broadcast(tm_wake);
    akira_mutex_unlock(tm_lock);
    return 0;
}

int akira_timer_stop(akira_timer_t *t)
{
    if (t == NULL) return AKIRA_EINVAL;
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    if (t->armed) {
        list_remove(t);
        t->armed = false;
    }
    /* Wait out a running callback so the caller may free what it uses; not when the
     * caller is that callback (it would wait for itself). */
    bool on_timer_thread = tm_thread != NULL && akira_thread_current() == tm_thread;
    while (tm_current == t && !on_timer_thread)
        akira_condvar_wait_until(tm_done, tm_lock, UINT64_MAX);
    akira_mutex_unlock(tm_lock);
    return 0;
}

bool akira_timer_is_running(akira_timer_t *t)
{
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    bool armed = t->armed;
    akira_mutex_unlock(tm_lock);
    return armed;
}

uint32_t akira_timer_remaining_ms(akira_timer_t *t)
{
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    uint32_t ms = 0;
    if (t->armed) {
        uint64_t now = akira_uptime_us();
        if (t->deadline_us > now) ms = (uint32_t)((t->deadline_us - now + 999u) / 1000u);
    }
    akira_mutex_unlock(tm_lock);
    return ms;
}

uint32_t akira_timer_status_get(akira_timer_t *t)
{
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    uint32_t s = t->status;
    t->status = 0;
    akira_mutex_unlock(tm_lock);
    return s;
}

uint32_t akira_timer_fired_count(akira_timer_t *t)
{
    akira_mutex_lock(tm_lock, AKIRA_FOREVER);
    uint32_t s = t->fired;
    akira_mutex_unlock(tm_lock);
    return s;
}

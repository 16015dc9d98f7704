/*
 * Threads on POSIX: pthreads on stacks the kernel maps itself, so that it can put a
 * guard page below each stack and measure the high-water mark by scanning for the fill
 * pattern. A registry (doubly linked list under one lock) backs `ps`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/thread.h>

#include "kernel_internal.h"
#include "port.h"

#define STACK_FILL 0xA5u

struct akira_thread {
    pthread_t pt;
    uint32_t id;
    char name[AKIRA_THREAD_NAME_MAX];
    _Atomic int priority;
    _Atomic int state;
    akira_thread_fn fn;
    void *arg;
    int exit_status;
    bool finished; /* under reg_lock */
    bool detached; /* under reg_lock */
    bool joining;  /* under reg_lock: a joiner owns the handle */
    bool adopted;  /* main thread: not ours to join or unmap */
    void *map;     /* guard page + stack */
    size_t map_size;
    unsigned char *stack; /* lowest usable byte */
    size_t stack_size;
    struct akira_thread *prev, *next;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reg_cond; /* a thread finished; CLOCK_MONOTONIC */
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static struct akira_thread *reg_head, *reg_tail;
static uint32_t next_id = 1;
static _Thread_local struct akira_thread *self;

static void reg_init(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&reg_cond, &ca);
    pthread_condattr_destroy(&ca);
}

/* Both under reg_lock. */
static void reg_add(struct akira_thread *t)
{
    t->id = next_id++;
    t->prev = reg_tail;
    t->next = NULL;
    if (reg_tail)
        reg_tail->next = t;
    else
        reg_head = t;
    reg_tail = t;
}

static void reg_remove(struct akira_thread *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        reg_head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        reg_tail = t->prev;
}

static void thread_free(struct akira_thread *t)
{
    if (t->map) munmap(t->map, t->map_size);
    free(t);
}

/* Runs when the body returns or calls akira_thread_exit (as a cleanup handler). */
static void thread_finish(void *p)
{
    struct akira_thread *t = p;
    pthread_mutex_lock(&reg_lock);
    atomic_store(&t->state, AKIRA_THREAD_DEAD);
    t->finished = true;
    pthread_cond_broadcast(&reg_cond);
    pthread_mutex_unlock(&reg_lock);
}

static void *thread_entry(void *p)
{
    struct akira_thread *t = p;
    self = t;
    char short_name[16]; /* Linux limits thread names to 15 chars */
    memcpy(short_name, t->name, sizeof(short_name) - 1);
    short_name[sizeof(short_name) - 1] = '\0';
    pthread_setname_np(pthread_self(), short_name);
    pthread_cleanup_push(thread_finish, t);
    t->exit_status = t->fn(t->arg);
    pthread_cleanup_pop(1);
    return NULL;
}

void akira_thread_exit(int status)
{
    struct akira_thread *t = self;
    if (t == NULL || t->adopted) abort(); /* contract violation: not a kernel thread */
    t->exit_status = status;
    pthread_exit(NULL); /* runs thread_finish through the cleanup handler */
}

static size_t page_size(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    return ps > 0 ? (size_t)ps : 4096u;
}

int akira_thread_create_in(akira_thread_t **out, const char *name, akira_thread_fn fn, void *arg,
                           int priority, size_t stack_size, struct akira_heap *heap)
{
    (void)heap; /* host stacks are mapped here, each with its guard page */
    return akira_thread_create(out, name, fn, arg, priority, stack_size);
}

int akira_thread_create(akira_thread_t **out, const char *name, akira_thread_fn fn, void *arg,
                        int priority, size_t stack_size)
{
    if (out == NULL || fn == NULL || priority < AKIRA_PRIO_HIGHEST || priority > AKIRA_PRIO_LOWEST)
        return AKIRA_EINVAL;
    pthread_once(&reg_once, reg_init);
    akira_thread_reap();

    size_t ps = page_size();
    if (stack_size < AKIRA_THREAD_STACK_MIN) stack_size = AKIRA_THREAD_STACK_MIN;
    if (stack_size > SIZE_MAX / 2) return AKIRA_EINVAL;
    stack_size = (stack_size + ps - 1) / ps * ps;

    struct akira_thread *t = calloc(1, sizeof(*t));
    if (t == NULL) return AKIRA_ENOMEM;
    t->map_size = stack_size + ps;
    t->map = mmap(NULL, t->map_size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (t->map == MAP_FAILED) {
        t->map = NULL;
        free(t);
        return AKIRA_ENOMEM;
    }
    /* The stack grows down: the guard goes at the lowest address. */
    mprotect(t->map, ps, PROT_NONE);
    t->stack = (unsigned char *)t->map + ps;
    t->stack_size = stack_size;
    memset(t->stack, STACK_FILL, stack_size);
    t->fn = fn;
    t->arg = arg;
    atomic_store(&t->priority, priority);
    atomic_store(&t->state, AKIRA_THREAD_RUNNING);

    pthread_mutex_lock(&reg_lock);
    reg_add(t);
    if (name != NULL)
        snprintf(t->name, sizeof(t->name), "%s", name);
    else
        snprintf(t->name, sizeof(t->name), "thread-%u", (unsigned)t->id);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, t->stack, stack_size);
    int rc = pthread_create(&t->pt, &attr, thread_entry, t);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        reg_remove(t);
        pthread_mutex_unlock(&reg_lock);
        thread_free(t);
        return rc == EAGAIN ? AKIRA_EAGAIN : AKIRA_ENOMEM;
    }
    pthread_mutex_unlock(&reg_lock);
    *out = t;
    return 0;
}

int akira_thread_join(akira_thread_t *t, int32_t timeout_ms, int *status)
{
    if (t == NULL || t->adopted) return AKIRA_EINVAL;
    if (t == self) return AKIRA_EDEADLK;
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;

    pthread_mutex_lock(&reg_lock);
    if (t->detached || t->joining) {
        pthread_mutex_unlock(&reg_lock);
        return AKIRA_EINVAL;
    }
    if (!t->finished && timeout_ms == AKIRA_NO_WAIT) {
        pthread_mutex_unlock(&reg_lock);
        return AKIRA_EAGAIN;
    }
    enum akira_thread_state prev = akira_thread_state_enter(AKIRA_THREAD_BLOCKED);
    struct timespec ts = akira_posix_mono_from_uptime_us(deadline);
    while (!t->finished) {
        int rc = forever ? pthread_cond_wait(&reg_cond, &reg_lock)
                         : pthread_cond_timedwait(&reg_cond, &reg_lock, &ts);
        if (rc == ETIMEDOUT && !t->finished) {
            akira_thread_state_restore(prev);
            pthread_mutex_unlock(&reg_lock);
            return AKIRA_ETIMEDOUT;
        }
    }
    t->joining = true;
    reg_remove(t);
    pthread_mutex_unlock(&reg_lock);
    /* The body is done; this only waits for the pthread to leave its stack. */
    pthread_join(t->pt, NULL);
    akira_thread_state_restore(prev);
    if (status) *status = t->exit_status;
    thread_free(t);
    return 0;
}

int akira_thread_detach(akira_thread_t *t)
{
    if (t == NULL || t->adopted) return AKIRA_EINVAL;
    pthread_mutex_lock(&reg_lock);
    if (t->detached || t->joining) {
        pthread_mutex_unlock(&reg_lock);
        return AKIRA_EINVAL;
    }
    t->detached = true;
    pthread_mutex_unlock(&reg_lock);
    /* A thread cannot unmap the stack it runs on, so finished detached threads are
     * joined and freed later by akira_thread_reap. */
    akira_thread_reap();
    return 0;
}

void akira_thread_reap(void)
{
    pthread_once(&reg_once, reg_init);
    for (;;) {
        pthread_mutex_lock(&reg_lock);
        struct akira_thread *t = reg_head;
        while (t && !(t->detached && t->finished && t != self))
            t = t->next;
        if (t) reg_remove(t);
        pthread_mutex_unlock(&reg_lock);
        if (t == NULL) return;
        pthread_join(t->pt, NULL);
        thread_free(t);
    }
}

akira_thread_t *akira_thread_current(void)
{
    return self;
}

const char *akira_thread_name(const akira_thread_t *t)
{
    return t ? t->name : "?";
}

int akira_thread_priority(const akira_thread_t *t)
{
    return atomic_load(&((akira_thread_t *)t)->priority);
}

int akira_thread_priority_set(akira_thread_t *t, int priority)
{
    if (t == NULL || priority < AKIRA_PRIO_HIGHEST || priority > AKIRA_PRIO_LOWEST)
        return AKIRA_EINVAL;
    atomic_store(&t->priority, priority);
    return 0;
}

uint32_t akira_thread_id(const akira_thread_t *t)
{
    return t->id;
}

enum akira_thread_state akira_thread_state_enter(enum akira_thread_state s)
{
    if (self == NULL) return AKIRA_THREAD_RUNNING;
    return (enum akira_thread_state)atomic_exchange(&self->state, (int)s);
}

void akira_thread_state_restore(enum akira_thread_state prev)
{
    if (self != NULL) atomic_store(&self->state, (int)prev);
}

static void sleep_until_mono(struct timespec ts)
{
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

void akira_sleep_us(uint32_t us)
{
    enum akira_thread_state prev = akira_thread_state_enter(AKIRA_THREAD_SLEEPING);
    sleep_until_mono(akira_posix_mono_from_uptime_us(akira_uptime_us() + us));
    akira_thread_state_restore(prev);
}

void akira_sleep_ms(uint32_t ms)
{
    enum akira_thread_state prev = akira_thread_state_enter(AKIRA_THREAD_SLEEPING);
    sleep_until_mono(akira_posix_mono_from_uptime_us(akira_uptime_us() + (uint64_t)ms * 1000u));
    akira_thread_state_restore(prev);
}

void akira_yield(void)
{
    sched_yield();
}

/* Reads another thread's live stack, including bytes ASan marks as redzones and words
 * TSan sees as racing (both on purpose: the scan is a statistical snapshot),
 * so it must not be instrumented. Volatile keeps the compiler from turning the loop
 * into an instrumented library call. */
__attribute__((no_sanitize("address", "thread"))) static size_t
stack_scan(const struct akira_thread *t)
{
    if (t->stack == NULL) return 0;
    const volatile unsigned char *p = t->stack;
    size_t i = 0;
    while (i < t->stack_size && p[i] == STACK_FILL)
        i++;
    return t->stack_size - i;
}

size_t akira_thread_stack_used(const akira_thread_t *t)
{
    return t ? stack_scan(t) : 0;
}

/* Under reg_lock with t not finished, so its pthread still exists. */
static uint64_t cpu_time_us(const struct akira_thread *t)
{
    clockid_t cid;
    struct timespec ts;
    if (pthread_getcpuclockid(t->pt, &cid) != 0 || clock_gettime(cid, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t akira_thread_cpu_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

size_t akira_thread_list(struct akira_thread_info *out, size_t max)
{
    pthread_once(&reg_once, reg_init);
    akira_thread_reap();
    size_t n = 0;
    pthread_mutex_lock(&reg_lock);
    for (struct akira_thread *t = reg_head; t; t = t->next, n++) {
        if (n >= max || out == NULL) continue;
        struct akira_thread_info *i = &out[n];
        i->id = t->id;
        memcpy(i->name, t->name, sizeof(i->name));
        i->priority = atomic_load(&t->priority);
        i->state = (enum akira_thread_state)atomic_load(&t->state);
        i->stack_size = t->stack_size;
        /* The stack stays mapped while registered: freeing requires reg_lock. */
        i->stack_used_max = stack_scan(t);
        i->cpu_time_us = t->finished ? 0 : cpu_time_us(t);
    }
    pthread_mutex_unlock(&reg_lock);
    return n;
}

int akira_thread_adopt_main(void)
{
    pthread_once(&reg_once, reg_init);
    if (self != NULL) return 0;
    struct akira_thread *t = calloc(1, sizeof(*t));
    if (t == NULL) return AKIRA_ENOMEM;
    t->pt = pthread_self();
    t->adopted = true;
    snprintf(t->name, sizeof(t->name), "main");
    atomic_store(&t->priority, AKIRA_PRIO_DEFAULT);
    atomic_store(&t->state, AKIRA_THREAD_RUNNING);
    /* The main stack was not filled with the pattern, so only its size is known. */
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *addr;
        size_t size;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) t->stack_size = size;
        pthread_attr_destroy(&attr);
    }
    pthread_mutex_lock(&reg_lock);
    reg_add(t);
    pthread_mutex_unlock(&reg_lock);
    self = t;
    return 0;
}

void akira_thread_release_main(void)
{
    struct akira_thread *t = self;
    if (t == NULL || !t->adopted) return;
    pthread_mutex_lock(&reg_lock);
    reg_remove(t);
    pthread_mutex_unlock(&reg_lock);
    self = NULL;
    free(t);
}

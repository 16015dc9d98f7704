/*
 * Threads on Cortex-M: each thread owns one block from the C heap holding an MPU guard
 * (AKIRA_CM_GUARD_SIZE bytes, no access while the thread runs) and its stack, painted
 * with a pattern so `ps` can find the deepest byte ever used. The registry (for `ps`,
 * join, reaping) is changed only by threads, with preemption off; the scheduler's
 * queues by anyone with interrupts masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/heap.h>
#include <akira/thread.h>

#include "kernel_internal.h"
#include "port.h"

#define STACK_FILL            0xA5u
#define XPSR_THUMB            0x01000000u
#define EXC_RETURN_THREAD_PSP 0xFFFFFFFDu

static struct akira_thread *reg_head, *reg_tail;
static uint32_t next_id = 1;

void cm_ready_new_locked(struct akira_thread *t);
void cm_exit_locked(struct akira_thread *t);

static void reg_add(struct akira_thread *t)
{
    akira_cm_sched_lock();
    t->id = next_id++;
    t->reg_prev = reg_tail;
    t->reg_next = NULL;
    if (reg_tail)
        reg_tail->reg_next = t;
    else
        reg_head = t;
    reg_tail = t;
    akira_cm_sched_unlock();
}

static void reg_remove(struct akira_thread *t)
{
    akira_cm_sched_lock();
    if (t->reg_prev)
        t->reg_prev->reg_next = t->reg_next;
    else
        reg_head = t->reg_next;
    if (t->reg_next)
        t->reg_next->reg_prev = t->reg_prev;
    else
        reg_tail = t->reg_prev;
    akira_cm_sched_unlock();
}

static void thread_entry(struct akira_thread *t)
{
    akira_thread_exit(t->fn(t->arg));
}

extern const uint8_t __tdata_start[], __tdata_end[], __tls_size[];
#define TLS_HEADER 8u

/* Allocate guard + stack + TLS block (from `heap`, else the C heap), paint the stack,
 * set up the thread-local variables and build the first frame so that PendSV
 * "returns" into thread_entry(t). */
static int thread_init(struct akira_thread *t, size_t stack_size, akira_heap_t *heap)
{
    stack_size = (stack_size + 7u) & ~(size_t)7u;
    size_t tls_size = TLS_HEADER + (((size_t)__tls_size + 7u) & ~(size_t)7u);
    size_t block = stack_size + 2u * AKIRA_CM_GUARD_SIZE + tls_size;
    t->alloc = heap ? akira_heap_alloc(heap, block) : malloc(block);
    if (t->alloc == NULL) return AKIRA_ENOMEM;
    t->heap = heap;
    uintptr_t guard =
        ((uintptr_t)t->alloc + AKIRA_CM_GUARD_SIZE - 1u) & ~(uintptr_t)(AKIRA_CM_GUARD_SIZE - 1u);
    t->stack = (uint8_t *)guard + AKIRA_CM_GUARD_SIZE;
    t->stack_size = stack_size;
    memset(t->stack, STACK_FILL, stack_size);
    t->tls = t->stack + stack_size;
    size_t tdata = (size_t)(__tdata_end - __tdata_start);
    memset(t->tls, 0, tls_size);
    memcpy(t->tls + TLS_HEADER, __tdata_start, tdata);

    uint32_t *sp = (uint32_t *)(t->stack + stack_size);
    *--sp = XPSR_THUMB;
    *--sp = (uint32_t)thread_entry; /* pc */
    *--sp = 0;                      /* lr: thread_entry never returns */
    *--sp = 0;                      /* r12 */
    *--sp = 0;                      /* r3 */
    *--sp = 0;                      /* r2 */
    *--sp = 0;                      /* r1 */
    *--sp = (uint32_t)t;            /* r0 */
    *--sp = EXC_RETURN_THREAD_PSP;  /* no FP context yet */
    for (int i = 0; i < 8; i++)
        *--sp = 0; /* r4-r11 */
    t->sp = sp;
    return 0;
}

static struct akira_thread *thread_new(const char *name, akira_thread_fn fn, void *arg,
                                       int priority, size_t stack_size, akira_heap_t *heap,
                                       bool registered)
{
    struct akira_thread *t = calloc(1, sizeof(*t));
    if (t == NULL) return NULL;
    if (thread_init(t, stack_size, heap) != 0) {
        free(t);
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
    t->prio = t->base_prio = (uint8_t)priority;
    t->wake_tick = CM_NO_TIMEOUT;
    if (registered) reg_add(t);
    if (name != NULL)
        snprintf(t->name, sizeof(t->name), "%s", name);
    else
        snprintf(t->name, sizeof(t->name), "thread-%u", (unsigned)t->id);
    return t;
}

static void thread_free(struct akira_thread *t)
{
    if (t->heap)
        akira_heap_free(t->heap, t->alloc);
    else
        free(t->alloc);
    free(t);
}

int akira_thread_create(akira_thread_t **out, const char *name, akira_thread_fn fn, void *arg,
                        int priority, size_t stack_size)
{
    return akira_thread_create_in(out, name, fn, arg, priority, stack_size, NULL);
}

int akira_thread_create_in(akira_thread_t **out, const char *name, akira_thread_fn fn, void *arg,
                           int priority, size_t stack_size, struct akira_heap *heap)
{
    if (out == NULL || fn == NULL || priority < AKIRA_PRIO_HIGHEST || priority > AKIRA_PRIO_LOWEST)
        return AKIRA_EINVAL;
    akira_thread_reap();
    if (stack_size == 0) stack_size = AKIRA_THREAD_STACK_DEFAULT;
    if (stack_size < AKIRA_THREAD_STACK_MIN) stack_size = AKIRA_THREAD_STACK_MIN;
    if (stack_size > 1024u * 1024u) return AKIRA_EINVAL;
    struct akira_thread *t = thread_new(name, fn, arg, priority, stack_size, heap, true);
    if (t == NULL) return AKIRA_ENOMEM;
    *out = t;
    uint32_t key = akira_cm_irq_lock();
    cm_ready_new_locked(t);
    akira_cm_irq_unlock(key);
    return 0;
}

void akira_thread_exit(int status)
{
    struct akira_thread *t = cm_current;
    uint32_t key = akira_cm_irq_lock();
    t->exit_status = status;
    t->finished = true;
    while (t->joiners.head)
        cm_wake_locked(t->joiners.head, 0);
    cm_exit_locked(t);
    akira_cm_irq_unlock(key);
    for (;;) {
    }
}

int akira_thread_join(akira_thread_t *t, int32_t timeout_ms, int *status)
{
    if (t == NULL || t->adopted) return AKIRA_EINVAL;
    if (t == cm_current) return AKIRA_EDEADLK;
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    uint64_t wake = forever ? CM_NO_TIMEOUT : cm_tick_for_deadline(deadline);

    uint32_t key = akira_cm_irq_lock();
    if (t->detached || t->joining) {
        akira_cm_irq_unlock(key);
        return AKIRA_EINVAL;
    }
    while (!t->finished) {
        if (timeout_ms == AKIRA_NO_WAIT) {
            akira_cm_irq_unlock(key);
            return AKIRA_EAGAIN;
        }
        cm_block_locked(&t->joiners, wake);
        akira_cm_irq_unlock(key);
        int rc = cm_current->wait_rc;
        key = akira_cm_irq_lock();
        if (rc == AKIRA_ETIMEDOUT && !t->finished) {
            akira_cm_irq_unlock(key);
            return AKIRA_ETIMEDOUT;
        }
    }
    t->joining = true;
    akira_cm_irq_unlock(key);
    /* Dead and switched out (its last PendSV already ran): the stack is free. */
    reg_remove(t);
    if (status) *status = t->exit_status;
    thread_free(t);
    return 0;
}

int akira_thread_detach(akira_thread_t *t)
{
    if (t == NULL || t->adopted) return AKIRA_EINVAL;
    uint32_t key = akira_cm_irq_lock();
    if (t->detached || t->joining) {
        akira_cm_irq_unlock(key);
        return AKIRA_EINVAL;
    }
    t->detached = true;
    akira_cm_irq_unlock(key);
    akira_thread_reap();
    return 0;
}

void akira_thread_reap(void)
{
    for (;;) {
        akira_cm_sched_lock();
        struct akira_thread *t = reg_head;
        while (t && !(t->detached && t->finished && t != cm_current))
            t = t->reg_next;
        if (t) reg_remove(t);
        akira_cm_sched_unlock();
        if (t == NULL) return;
        thread_free(t);
    }
}

akira_thread_t *akira_thread_current(void)
{
    struct akira_thread *t = cm_current;
    /* As on every port: the main thread is the kernel's once akira_kernel_init adopted
     * it (until shutdown); before that it is not a kernel thread to its callers. */
    return (t->is_main && !t->adopted) ? NULL : t;
}

const char *akira_thread_name(const akira_thread_t *t)
{
    return t ? t->name : "?";
}

int akira_thread_priority(const akira_thread_t *t)
{
    return t->base_prio;
}

int akira_thread_priority_set(akira_thread_t *t, int priority)
{
    if (t == NULL || priority < AKIRA_PRIO_HIGHEST || priority > AKIRA_PRIO_LOWEST)
        return AKIRA_EINVAL;
    uint32_t key = akira_cm_irq_lock();
    t->base_prio = (uint8_t)priority;
    cm_prio_recompute_locked(t);
    akira_cm_irq_unlock(key);
    return 0;
}

uint32_t akira_thread_id(const akira_thread_t *t)
{
    return t->id;
}

/* The registry shows the scheduler's own view (running, blocked, sleeping, dead), so
 * the portable code's hints are only passed back. */
enum akira_thread_state akira_thread_state_enter(enum akira_thread_state s)
{
    (void)s;
    return AKIRA_THREAD_RUNNING;
}

void akira_thread_state_restore(enum akira_thread_state prev)
{
    (void)prev;
}

static enum akira_thread_state shown_state(const struct akira_thread *t)
{
    switch (t->run_state) {
    case CM_READY: return AKIRA_THREAD_RUNNING;
    case CM_WAIT: return t->waitq ? AKIRA_THREAD_BLOCKED : AKIRA_THREAD_SLEEPING;
    default: return AKIRA_THREAD_DEAD;
    }
}

static void sleep_until_us(uint64_t deadline_us)
{
    uint64_t wake = cm_tick_for_deadline(deadline_us);
    uint32_t key = akira_cm_irq_lock();
    cm_block_locked(NULL, wake);
    akira_cm_irq_unlock(key);
}

void akira_sleep_us(uint32_t us)
{
    sleep_until_us(akira_uptime_us() + us);
}

void akira_sleep_ms(uint32_t ms)
{
    sleep_until_us(akira_uptime_us() + (uint64_t)ms * 1000u);
}

void akira_yield(void)
{
    uint32_t key = akira_cm_irq_lock();
    cm_yield_locked();
    akira_cm_irq_unlock(key);
}

static size_t stack_scan(const struct akira_thread *t)
{
    if (t->stack == NULL) return 0;
    const volatile uint8_t *p = t->stack;
    size_t i = 0;
    while (i < t->stack_size && p[i] == STACK_FILL)
        i++;
    return t->stack_size - i;
}

size_t akira_thread_stack_used(const akira_thread_t *t)
{
    return t ? stack_scan(t) : 0;
}

uint64_t akira_thread_cpu_us(void)
{
    uint64_t now = akira_uptime_us();
    akira_cm_sched_lock();
    struct akira_thread *t = cm_current;
    uint64_t us = t ? t->cpu_us + (now - t->ran_since_us) : 0;
    akira_cm_sched_unlock();
    return us;
}

size_t akira_thread_list(struct akira_thread_info *out, size_t max)
{
    akira_thread_reap();
    size_t n = 0;
    uint64_t now = akira_uptime_us();
    akira_cm_sched_lock();
    for (struct akira_thread *t = reg_head; t; t = t->reg_next, n++) {
        if (n >= max || out == NULL) continue;
        struct akira_thread_info *i = &out[n];
        i->id = t->id;
        memcpy(i->name, t->name, sizeof(i->name));
        i->priority = t->base_prio;
        i->state = shown_state(t);
        i->stack_size = t->stack_size;
        i->stack_used_max = stack_scan(t);
        i->cpu_time_us =
            t->finished ? 0 : t->cpu_us + (t == cm_current ? now - t->ran_since_us : 0);
    }
    akira_cm_sched_unlock();
    return n;
}

/* The main thread runs on the scheduler from the start (akira_cm_start); adopting it
 * names it in the registry and makes it the caller's akira_thread_current. */
int akira_thread_adopt_main(void)
{
    struct akira_thread *t = cm_current;
    if (!t->is_main || t->adopted) return 0;
    t->adopted = true;
    reg_add(t);
    return 0;
}

void akira_thread_release_main(void)
{
    struct akira_thread *t = cm_current;
    if (!t->is_main || !t->adopted) return;
    reg_remove(t);
    t->adopted = false;
}

const char *akira_cm_guard_owner(uint32_t addr)
{
    for (struct akira_thread *t = reg_head; t; t = t->reg_next) {
        uint32_t lo = (uint32_t)t->stack - AKIRA_CM_GUARD_SIZE;
        if (t->stack && addr >= lo && addr < (uint32_t)t->stack) return t->name;
    }
    return NULL;
}

/* ---- start: the idle thread and main ---- */

static int idle_fn(void *arg)
{
    (void)arg;
    for (;;)
        __asm__ volatile("wfi");
    return 0;
}

static int (*boot_main)(void);

static int main_fn(void *arg)
{
    (void)arg;
    return boot_main();
}

struct akira_thread *cm_thread_boot(int (*fn)(void), size_t main_stack)
{
    boot_main = fn;
    struct akira_thread *idle =
        thread_new("idle", idle_fn, NULL, AKIRA_PRIO_LOWEST, 512, NULL, true);
    struct akira_thread *m =
        thread_new("main", main_fn, NULL, AKIRA_PRIO_DEFAULT, main_stack, NULL, false);
    if (idle == NULL || m == NULL) return NULL;
    m->is_main = true;
    idle->prio = idle->base_prio = CM_PRIO_IDLE;
    uint32_t key = akira_cm_irq_lock();
    cm_ready_new_locked(idle);
    cm_ready_new_locked(m);
    akira_cm_irq_unlock(key);
    return m;
}

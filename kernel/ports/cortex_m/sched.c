/*
 * The scheduler: fixed priorities (0 most urgent .. AKIRA_PRIO_LOWEST, plus the idle
 * thread below them), FIFO among equals with a CM_SLICE_TICKS time slice, preemption
 * as soon as a more urgent thread becomes ready. Ready threads sit in one FIFO per
 * level; the running thread stays at the head of its level. A waiting thread is in at
 * most one wait queue and, when its wait has a limit, in the timeout list sorted by
 * wake tick. All of it is guarded by masking interrupts; the switch itself happens in
 * PendSV (switch.S), the least urgent exception, once interrupts are unmasked.
 */
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>

#include "kernel_internal.h"
#include "port.h"

/* The reset handler's context, never resumed; current until the first switch so that
 * thread-local variables work from the first instruction. */
static uint8_t boot_tls[128] __attribute__((aligned(8)));
static struct akira_thread boot_ctx = {.tls = boot_tls, .run_state = CM_DEAD, .prio = CM_PRIO_IDLE};
struct akira_thread *volatile cm_current = &boot_ctx;

static struct akira_cm_waitq ready[CM_PRIO_LEVELS];
static uint64_t ready_mask; /* bit p set: ready[p] not empty */
static struct akira_thread *timeouts;
static volatile uint32_t sched_locked; /* akira_cm_sched_lock depth */
static bool switch_deferred;

/* ---- queues ---- */

static void q_append(struct akira_cm_waitq *q, struct akira_thread *t)
{
    t->q_next = NULL;
    t->q_prev = q->tail;
    if (q->tail)
        q->tail->q_next = t;
    else
        q->head = t;
    q->tail = t;
}

static void q_remove(struct akira_cm_waitq *q, struct akira_thread *t)
{
    if (t->q_prev)
        t->q_prev->q_next = t->q_next;
    else
        q->head = t->q_next;
    if (t->q_next)
        t->q_next->q_prev = t->q_prev;
    else
        q->tail = t->q_prev;
    t->q_next = t->q_prev = NULL;
}

static void ready_add(struct akira_thread *t)
{
    q_append(&ready[t->prio], t);
    ready_mask |= 1ull << t->prio;
}

static void ready_del(struct akira_thread *t)
{
    q_remove(&ready[t->prio], t);
    if (ready[t->prio].head == NULL) ready_mask &= ~(1ull << t->prio);
}

static struct akira_thread *ready_best(void)
{
    /* The idle thread is always ready, so the mask is never empty. */
    return ready[__builtin_ctzll(ready_mask)].head;
}

struct akira_thread *cm_waitq_best_locked(const struct akira_cm_waitq *q)
{
    struct akira_thread *best = q->head;
    for (struct akira_thread *t = q->head; t; t = t->q_next)
        if (t->prio < best->prio) best = t;
    return best;
}

static void timeout_add(struct akira_thread *t)
{
    struct akira_thread **pp = &timeouts;
    while (*pp && (*pp)->wake_tick <= t->wake_tick)
        pp = &(*pp)->t_next;
    t->t_next = *pp;
    *pp = t;
}

static void timeout_del(struct akira_thread *t)
{
    for (struct akira_thread **pp = &timeouts; *pp; pp = &(*pp)->t_next) {
        if (*pp == t) {
            *pp = t->t_next;
            break;
        }
    }
    t->t_next = NULL;
}

/* ---- switching ---- */

static void pend_switch(void)
{
    CM_ICSR = CM_ICSR_PENDSVSET;
}

void cm_resched_locked(void)
{
    struct akira_thread *cur = cm_current;
    if (cur == &boot_ctx) return; /* not started yet */
    if (cur->run_state != CM_READY || ready_best() != cur) {
        if (sched_locked)
            switch_deferred = true;
        else
            pend_switch();
    }
}

void cm_block_locked(struct akira_cm_waitq *q, uint64_t wake_tick)
{
    struct akira_thread *t = cm_current;
    ready_del(t);
    t->run_state = CM_WAIT;
    t->wait_rc = 0;
    t->waitq = q;
    if (q) q_append(q, t);
    t->wake_tick = wake_tick;
    if (wake_tick != CM_NO_TIMEOUT) timeout_add(t);
    pend_switch();
}

void cm_wake_locked(struct akira_thread *t, int rc)
{
    if (t->run_state != CM_WAIT) return;
    if (t->waitq) q_remove(t->waitq, t);
    t->waitq = NULL;
    if (t->wake_tick != CM_NO_TIMEOUT) timeout_del(t);
    t->wake_tick = CM_NO_TIMEOUT;
    t->wait_rc = rc;
    t->run_state = CM_READY;
    t->slice = 0;
    ready_add(t);
    cm_resched_locked();
}

void cm_set_prio_locked(struct akira_thread *t, uint8_t prio)
{
    if (t->prio == prio) return;
    if (t->run_state == CM_READY) {
        ready_del(t);
        t->prio = prio;
        ready_add(t);
    } else {
        t->prio = prio;
    }
    cm_resched_locked();
}

/* Stack guard of the thread about to run: MPU region 0, no access, never executable. */
static void guard_set(const struct akira_thread *t)
{
    volatile uint32_t *mpu = (volatile uint32_t *)0xE000ED98u; /* RNR, RBAR, RASR */
    mpu[0] = 0;
    if (t->stack == NULL) {
        mpu[2] = 0;
        return;
    }
    uint32_t base = (uint32_t)t->stack - AKIRA_CM_GUARD_SIZE;
    uint32_t size_field = (uint32_t)(__builtin_ctz(AKIRA_CM_GUARD_SIZE) - 1) << 1;
    mpu[1] = base;
    mpu[2] = (1u << 28) /* XN */ | (0u << 24) /* AP: no access */ | size_field | 1u;
}

/* Called by PendSV with interrupts masked: account CPU time, pick the next thread. */
struct akira_thread *cm_switch(void)
{
    struct akira_thread *cur = cm_current;
    if (sched_locked && cur->run_state == CM_READY) {
        switch_deferred = true;
        return cur;
    }
    struct akira_thread *next = ready_best();
    if (next != cur) {
        uint64_t now = akira_uptime_us();
        cur->cpu_us += now - cur->ran_since_us;
        next->ran_since_us = now;
        next->slice = 0;
        guard_set(next);
        cm_current = next;
    }
    return next;
}

void cm_yield_locked(void)
{
    /* To the back of its level: equals run first, less urgent ones still wait. */
    struct akira_thread *t = cm_current;
    ready_del(t);
    ready_add(t);
    cm_resched_locked();
}

void akira_cm_sched_lock(void)
{
    uint32_t key = akira_cm_irq_lock();
    sched_locked++;
    akira_cm_irq_unlock(key);
}

void akira_cm_sched_unlock(void)
{
    uint32_t key = akira_cm_irq_lock();
    if (sched_locked > 0 && --sched_locked == 0 && switch_deferred) {
        switch_deferred = false;
        pend_switch();
    }
    akira_cm_irq_unlock(key);
}

/* ---- the tick (from SysTick_Handler in clock.c) ---- */

void cm_tick_locked(uint64_t now_tick)
{
    while (timeouts && timeouts->wake_tick <= now_tick)
        cm_wake_locked(timeouts, AKIRA_ETIMEDOUT);
    struct akira_thread *cur = cm_current;
    if (cur && cur->run_state == CM_READY && ready[cur->prio].head != ready[cur->prio].tail &&
        ++cur->slice >= CM_SLICE_TICKS) {
        /* Time slice over and an equal is waiting: go to the back of the level. */
        cur->slice = 0;
        ready_del(cur);
        ready_add(cur);
    }
    cm_resched_locked();
}

/* ---- ISR-safe signal ---- */

void akira_cm_signal_raise(struct akira_cm_signal *s)
{
    uint32_t key = akira_cm_irq_lock();
    struct akira_thread *t = s->q.head ? cm_waitq_best_locked(&s->q) : NULL;
    if (t)
        cm_wake_locked(t, 0);
    else
        s->raised = 1;
    akira_cm_irq_unlock(key);
}

int akira_cm_signal_wait(struct akira_cm_signal *s, int32_t timeout_ms)
{
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    uint32_t key = akira_cm_irq_lock();
    if (s->raised) {
        s->raised = 0;
        akira_cm_irq_unlock(key);
        return 0;
    }
    if (timeout_ms == AKIRA_NO_WAIT) {
        akira_cm_irq_unlock(key);
        return AKIRA_EAGAIN;
    }
    cm_block_locked(&s->q, forever ? CM_NO_TIMEOUT : cm_tick_for_deadline(deadline));
    akira_cm_irq_unlock(key);
    return cm_current->wait_rc;
}

/* ---- start ---- */

void cm_launch(uint32_t *psp) __attribute__((noreturn));
void cm_clock_start(uint32_t cpu_hz);
struct akira_thread *cm_thread_boot(int (*main_fn)(void), size_t main_stack);

static uint32_t boot_stack[128] __attribute__((aligned(8)));

void akira_cm_start(int (*main_fn)(void), size_t main_stack, uint32_t cpu_hz)
{
    for (int i = 0; i < CM_PRIO_LEVELS; i++)
        ready[i].head = ready[i].tail = NULL;
    struct akira_thread *first = cm_thread_boot(main_fn, main_stack);
    if (first == NULL) akira_cm_reset();
    /* MPU on with the default map for privileged code; region 0 is the stack guard. */
    volatile uint32_t *mpu_ctrl = (volatile uint32_t *)0xE000ED94u;
    *mpu_ctrl = (1u << 2) /* PRIVDEFENA */ | 1u;
    /* MemManage, BusFault and UsageFault get their own handlers. */
    CM_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18);
    CM_SHPR3 = (CM_SHPR3 & 0x0000FFFFu) | ((uint32_t)CM_PRIO_PENDSV << 16) |
               ((uint32_t)CM_PRIO_SYSTICK << 24);
    cm_clock_start(cpu_hz);
    pend_switch();
    cm_launch(boot_stack + sizeof(boot_stack) / sizeof(boot_stack[0]));
}

void cm_ready_new_locked(struct akira_thread *t)
{
    t->run_state = CM_READY;
    t->wake_tick = CM_NO_TIMEOUT;
    ready_add(t);
    cm_resched_locked();
}

void cm_exit_locked(struct akira_thread *t)
{
    ready_del(t);
    t->run_state = CM_DEAD;
    pend_switch();
}

void akira_cm_reset(void)
{
    __asm__ volatile("dsb" ::: "memory");
    CM_AIRCR = CM_AIRCR_RESET;
    __asm__ volatile("dsb" ::: "memory");
    for (;;) {
    }
}

const char *akira_cm_current_name(void)
{
    struct akira_thread *t = cm_current;
    return (t && t != &boot_ctx) ? t->name : NULL;
}

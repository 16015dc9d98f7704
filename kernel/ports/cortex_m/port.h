/*
 * Cortex-M port internals shared by the port's files: the thread control block and the
 * scheduler primitives. Every cm_* function below whose name ends in _locked must be
 * called with interrupts masked (akira_cm_irq_lock).
 */
#ifndef AKIRA_CM_PORT_H
#define AKIRA_CM_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/cortex_m.h>
#include <akira/thread.h>

#define CM_PRIO_LEVELS (AKIRA_PRIO_LOWEST + 2) /* + the idle thread's level */
#define CM_PRIO_IDLE   (AKIRA_PRIO_LOWEST + 1)
#define CM_TICK_HZ     1000u
#define CM_SLICE_TICKS 10u /* time slice among equal priorities, ms */
#define CM_NO_TIMEOUT  UINT64_MAX

enum cm_run_state {
    CM_READY, /* running or in the ready queue */
    CM_WAIT,  /* in a wait queue and/or the timeout list */
    CM_DEAD,
};

struct akira_mutex;

struct akira_thread {
    uint32_t *sp; /* saved PSP; first member, switch.S relies on it */
    uint8_t *tls; /* thread pointer (TLS block); second member, __aeabi_read_tp */
    uint32_t id;
    char name[AKIRA_THREAD_NAME_MAX];
    uint8_t prio;      /* effective (raised by priority inheritance) */
    uint8_t base_prio; /* as created / set */
    uint8_t run_state; /* enum cm_run_state */
    bool detached, joining, adopted, finished;
    bool is_main; /* the boot thread: in the registry only while adopted */
    akira_thread_fn fn;
    void *arg;
    int exit_status;
    uint8_t *stack; /* lowest usable byte (just above the guard) */
    size_t stack_size;
    void *alloc;             /* block holding guard + stack, NULL for static ones */
    struct akira_heap *heap; /* where alloc came from; NULL: the C heap */
    /* registry */
    struct akira_thread *reg_prev, *reg_next;
    /* ready queue or one wait queue */
    struct akira_thread *q_prev, *q_next;
    struct akira_cm_waitq *waitq;
    /* timeout list (sorted by wake_tick) */
    struct akira_thread *t_next;
    uint64_t wake_tick;
    int wait_rc;
    struct akira_mutex *waiting_mutex; /* for priority inheritance chains */
    struct akira_mutex *held;          /* mutexes this thread owns */
    struct akira_cm_waitq joiners;
    uint32_t slice;
    uint64_t cpu_us;
    uint64_t ran_since_us;
};

struct akira_mutex {
    struct akira_thread *owner;
    uint32_t count;
    struct akira_cm_waitq q;
    struct akira_mutex *held_next;
};

extern struct akira_thread *volatile cm_current;

/* Tick count since start (1 kHz). */
uint64_t cm_ticks(void);
/* First tick at or after an uptime deadline in us (CM_NO_TIMEOUT stays). */
uint64_t cm_tick_for_deadline(uint64_t deadline_us);

/* Block the current thread on q (may be NULL: a plain sleep) until woken or until
 * wake_tick (CM_NO_TIMEOUT: no limit). The switch happens when the caller unmasks
 * interrupts; afterwards current->wait_rc holds 0 (woken) or AKIRA_ETIMEDOUT. */
void cm_block_locked(struct akira_cm_waitq *q, uint64_t wake_tick);
/* Make a waiting thread ready with wait result rc. */
void cm_wake_locked(struct akira_thread *t, int rc);
/* The most urgent waiter of q (first among equals), or NULL. */
struct akira_thread *cm_waitq_best_locked(const struct akira_cm_waitq *q);
/* Change a thread's effective priority, keeping queues in order. */
void cm_set_prio_locked(struct akira_thread *t, uint8_t prio);
/* Put the current thread behind the other ready threads of its level. */
void cm_yield_locked(void);
/* Ask for a context switch if a more urgent thread than the current one is ready. */
void cm_resched_locked(void);

/* Mutex internals for the condition variable and priority inheritance (mutex.c). */
void cm_mutex_release_locked(struct akira_mutex *m);
void cm_prio_recompute_locked(struct akira_thread *t);

#endif /* AKIRA_CM_PORT_H */

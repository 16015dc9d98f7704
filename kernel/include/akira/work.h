/*
 * Work queues: a thread that runs submitted work items one after another, in FIFO
 * order (Zephyr k_work). Delayed work enters the FIFO when its delay has passed.
 *
 * Work items are caller-owned memory (usually embedded in a bigger struct; recover it
 * with a container_of in the handler) and must stay valid while pending. The queue
 * never touches an item after its handler returned, so a handler may resubmit, reuse
 * or free its own item. An item is on at most one queue at a time.
 *
 * akira_kernel_init starts the system work queue ("sysworkq"); pass NULL as the queue
 * to use it.
 */
#ifndef AKIRA_WORK_H
#define AKIRA_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct akira_work;
typedef struct akira_workq akira_workq_t;

typedef void (*akira_work_fn)(struct akira_work *w);

/* Fields are private to the work queue; initialise with akira_work_init. */
struct akira_work {
    akira_work_fn fn;
    struct akira_work *next;
    akira_workq_t *queue;
    uint64_t due_us; /* delayed: when it becomes runnable */
    uint32_t flags;
};

/* Prepare w to run fn. Must not be called on a pending or running item. */
void akira_work_init(struct akira_work *w, akira_work_fn fn);

/* Queue w to run as soon as the queue gets to it (q NULL: system queue).
 * Returns 1 if queued, 0 if it was already pending (unchanged, runs once), or
 * AKIRA_ESTATE (queue stopped / system queue not started), AKIRA_EBUSY (pending on
 * another queue). Any thread may call, including handlers. */
int akira_work_submit(akira_workq_t *q, struct akira_work *w);

/* Queue w to run after delay_ms (0 behaves like akira_work_submit). Same returns; if w
 * is already pending its schedule is unchanged. */
int akira_work_submit_delayed(akira_workq_t *q, struct akira_work *w, uint32_t delay_ms);

/* Like submit_delayed, but a pending w is moved to the new due time. Returns 1. */
int akira_work_reschedule(akira_workq_t *q, struct akira_work *w, uint32_t delay_ms);

/* Remove w if pending. Returns 0 when w is now neither pending nor running,
 * AKIRA_EBUSY when its handler is running right now (it was not re-queued). */
int akira_work_cancel(struct akira_work *w);

/* Cancel and wait until a running handler returned. Not from w's own handler
 * (AKIRA_EDEADLK). Returns 0. */
int akira_work_cancel_sync(struct akira_work *w);

/* True while queued or delayed (not while running). */
bool akira_work_is_pending(const struct akira_work *w);

/* True while its handler runs. */
bool akira_work_is_running(const struct akira_work *w);

/* Start a queue served by a new thread. stack_size 0: default. Returns 0 and *out,
 * AKIRA_EINVAL, AKIRA_ENOMEM. */
int akira_workq_create(akira_workq_t **out, const char *name, int priority, size_t stack_size);

/* Stop the queue: items already runnable (due) still run, delayed items that are not
 * yet due are dropped (no longer pending), then the thread is joined and q freed.
 * Not from q's own handlers. */
void akira_workq_destroy(akira_workq_t *q);

/* Block until every item that is runnable now (queued, or delayed and already due) has
 * run; q NULL: system queue. Returns 0, AKIRA_EDEADLK from one of q's own handlers,
 * AKIRA_ESTATE if q is stopping (or the system queue is not running). */
int akira_workq_drain(akira_workq_t *q);

/* The system work queue, NULL before akira_kernel_init / after shutdown. */
akira_workq_t *akira_workq_system(void);

#endif /* AKIRA_WORK_H */

/* Bounded message queue: a ring of fixed-size slots under one mutex, with one
 * condition variable per direction so producers only wake consumers and vice versa. */
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/msgq.h>
#include <akira/mutex.h>

#include "kernel_internal.h"

struct akira_msgq {
    akira_mutex_t *lock;
    akira_condvar_t *not_full;
    akira_condvar_t *not_empty;
    size_t msg_size;
    uint32_t max;
    uint32_t head; /* next slot to read */
    uint32_t used;
    unsigned char *buf;
};

int akira_msgq_create(akira_msgq_t **out, size_t msg_size, uint32_t max_msgs)
{
    if (out == NULL || msg_size == 0 || max_msgs == 0 || msg_size > SIZE_MAX / max_msgs)
        return AKIRA_EINVAL;
    struct akira_msgq *q = calloc(1, sizeof(*q));
    if (q == NULL) return AKIRA_ENOMEM;
    q->buf = malloc(msg_size * max_msgs);
    if (q->buf == NULL || akira_mutex_create(&q->lock) != 0 ||
        akira_condvar_create(&q->not_full) != 0 || akira_condvar_create(&q->not_empty) != 0) {
        akira_condvar_destroy(q->not_full);
        akira_mutex_destroy(q->lock);
        free(q->buf);
        free(q);
        return AKIRA_ENOMEM;
    }
    q->msg_size = msg_size;
    q->max = max_msgs;
    *out = q;
    return 0;
}

void akira_msgq_destroy(akira_msgq_t *q)
{
    if (q == NULL) return;
    akira_condvar_destroy(q->not_empty);
    akira_condvar_destroy(q->not_full);
    akira_mutex_destroy(q->lock);
    free(q->buf);
    free(q);
}

/* Wait on cv while cond_full_or_empty holds; common to put and get. */
static int wait_while(akira_msgq_t *q, akira_condvar_t *cv, int want_space, int32_t timeout_ms,
                      uint64_t deadline)
{
    for (;;) {
        int blocked = want_space ? q->used == q->max : q->used == 0;
        if (!blocked) return 0;
        if (timeout_ms == AKIRA_NO_WAIT) return AKIRA_EAGAIN;
        if (akira_condvar_wait_until(cv, q->lock, deadline) == AKIRA_ETIMEDOUT) {
            blocked = want_space ? q->used == q->max : q->used == 0;
            if (blocked) return AKIRA_ETIMEDOUT;
        }
    }
}

int akira_msgq_put(akira_msgq_t *q, const void *msg, int32_t timeout_ms)
{
    if (q == NULL || msg == NULL) return AKIRA_EINVAL;
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    int rc = wait_while(q, q->not_full, 1, timeout_ms, deadline);
    if (rc == 0) {
        uint32_t tail = (q->head + q->used) % q->max;
        memcpy(q->buf + (size_t)tail * q->msg_size, msg, q->msg_size);
        q->used++;
        akira_condvar_signal(q->not_empty);
    }
    akira_mutex_unlock(q->lock);
    return rc;
}

int akira_msgq_get(akira_msgq_t *q, void *msg, int32_t timeout_ms)
{
    if (q == NULL || msg == NULL) return AKIRA_EINVAL;
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    int rc = wait_while(q, q->not_empty, 0, timeout_ms, deadline);
    if (rc == 0) {
        memcpy(msg, q->buf + (size_t)q->head * q->msg_size, q->msg_size);
        q->head = (q->head + 1) % q->max;
        q->used--;
        akira_condvar_signal(q->not_full);
    }
    akira_mutex_unlock(q->lock);
    return rc;
}

int akira_msgq_peek(akira_msgq_t *q, void *msg)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    int rc = AKIRA_ENOENT;
    if (q->used > 0) {
        memcpy(msg, q->buf + (size_t)q->head * q->msg_size, q->msg_size);
        rc = 0;
    }
    akira_mutex_unlock(q->lock);
    return rc;
}

void akira_msgq_purge(akira_msgq_t *q)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    q->used = 0;
    q->head = 0;
    akira_condvar_broadcast(q->not_full);
    akira_mutex_unlock(q->lock);
}

uint32_t akira_msgq_num_used(akira_msgq_t *q)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    uint32_t n = q->used;
    akira_mutex_unlock(q->lock);
    return n;
}

uint32_t akira_msgq_num_free(akira_msgq_t *q)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    uint32_t n = q->max - q->used;
    akira_mutex_unlock(q->lock);
    return n;
}

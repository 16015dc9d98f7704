/* Per-app bounded event queue (akira/event.h). */
#include <stddef.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/event.h>

int akira_evq_init(struct akira_evq *q)
{
    *q = (struct akira_evq){0};
    int rc = akira_mutex_create(&q->lock);
    if (rc != 0) return rc;
    rc = akira_condvar_create(&q->nonempty);
    if (rc != 0) {
        akira_mutex_destroy(q->lock);
        q->lock = NULL;
    }
    return rc;
}

void akira_evq_deinit(struct akira_evq *q)
{
    akira_condvar_destroy(q->nonempty);
    akira_mutex_destroy(q->lock);
    q->nonempty = NULL;
    q->lock = NULL;
}

int akira_evq_post(struct akira_evq *q, const struct akira_event *e)
{
    int rc = 0;
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    if (q->closed) {
        rc = AKIRA_ESTATE;
    } else if (q->count >= (e->type == AKIRA_EVENT_STOP ? AKIRA_EVQ_SLOTS : AKIRA_EVQ_DEPTH)) {
        q->drops++;
        rc = AKIRA_ENOSPC;
    } else {
        q->ring[(q->head + q->count) % AKIRA_EVQ_SLOTS] = *e;
        q->count++;
        akira_condvar_signal(q->nonempty);
    }
    akira_mutex_unlock(q->lock);
    return rc;
}

int akira_evq_wait(struct akira_evq *q, struct akira_event *out, int32_t timeout_ms)
{
    if (timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    /* One deadline across spurious wake-ups. */
    uint64_t deadline = timeout_ms > 0 ? akira_uptime_us() + (uint64_t)timeout_ms * 1000u : 0;
    int rc = 0;
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    while (q->count == 0) {
        if (q->closed) {
            rc = AKIRA_EINTR;
            break;
        }
        if (timeout_ms == AKIRA_NO_WAIT) {
            rc = AKIRA_EAGAIN;
            break;
        }
        int w = timeout_ms == AKIRA_FOREVER
                    ? akira_condvar_wait(q->nonempty, q->lock, AKIRA_FOREVER)
                    : akira_condvar_wait_until(q->nonempty, q->lock, deadline);
        if (w == AKIRA_ETIMEDOUT && q->count == 0) {
            rc = AKIRA_ETIMEDOUT;
            break;
        }
    }
    if (rc == 0) {
        *out = q->ring[q->head];
        q->head = (q->head + 1) % AKIRA_EVQ_SLOTS;
        q->count--;
    }
    akira_mutex_unlock(q->lock);
    return rc;
}

int akira_evq_sleep(struct akira_evq *q, uint32_t ms)
{
    uint64_t deadline = akira_uptime_us() + (uint64_t)ms * 1000u;
    int rc = 0;
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    while (!q->closed) {
        if (akira_condvar_wait_until(q->nonempty, q->lock, deadline) == AKIRA_ETIMEDOUT) break;
    }
    if (q->closed) rc = AKIRA_EINTR;
    akira_mutex_unlock(q->lock);
    return rc;
}

void akira_evq_close(struct akira_evq *q)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    q->closed = true;
    akira_condvar_broadcast(q->nonempty);
    akira_mutex_unlock(q->lock);
}

void akira_evq_reset(struct akira_evq *q)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    q->closed = false;
    q->head = 0;
    q->count = 0;
    akira_mutex_unlock(q->lock);
}

bool akira_evq_closed(struct akira_evq *q)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    bool closed = q->closed;
    akira_mutex_unlock(q->lock);
    return closed;
}

uint32_t akira_evq_drops(struct akira_evq *q)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    uint32_t n = q->drops;
    akira_mutex_unlock(q->lock);
    return n;
}

uint32_t akira_evq_count(struct akira_evq *q)
{
    akira_mutex_lock(q->lock, AKIRA_FOREVER);
    uint32_t n = q->count;
    akira_mutex_unlock(q->lock);
    return n;
}

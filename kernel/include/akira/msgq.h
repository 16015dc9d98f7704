/*
 * Message queue: a bounded FIFO of fixed-size messages copied in and out (Zephyr
 * k_msgq). Any number of producers and consumers; messages come out in the order they
 * went in.
 */
#ifndef AKIRA_MSGQ_H
#define AKIRA_MSGQ_H

#include <stddef.h>
#include <stdint.h>

#include <akira/clock.h>

typedef struct akira_msgq akira_msgq_t;

/* A queue of up to max_msgs messages of msg_size bytes each (both >= 1). Returns 0
 * and *out, AKIRA_EINVAL, or AKIRA_ENOMEM. */
int akira_msgq_create(akira_msgq_t **out, size_t msg_size, uint32_t max_msgs);

/* Free a queue nobody waits on; queued messages are discarded. NULL is ignored. */
void akira_msgq_destroy(akira_msgq_t *q);

/* Copy msg_size bytes from msg to the tail, waiting up to timeout_ms while full.
 * 0, AKIRA_EAGAIN (full, AKIRA_NO_WAIT), AKIRA_ETIMEDOUT, AKIRA_EINVAL. */
int akira_msgq_put(akira_msgq_t *q, const void *msg, int32_t timeout_ms);

/* Move the head message into msg, waiting up to timeout_ms while empty.
 * 0, AKIRA_EAGAIN (empty, AKIRA_NO_WAIT), AKIRA_ETIMEDOUT, AKIRA_EINVAL. */
int akira_msgq_get(akira_msgq_t *q, void *msg, int32_t timeout_ms);

/* Copy the head message without removing it. 0 or AKIRA_ENOENT (empty). */
int akira_msgq_peek(akira_msgq_t *q, void *msg);

/* Discard all queued messages and wake blocked producers. */
void akira_msgq_purge(akira_msgq_t *q);

uint32_t akira_msgq_num_used(akira_msgq_t *q);
uint32_t akira_msgq_num_free(akira_msgq_t *q);

#endif /* AKIRA_MSGQ_H */

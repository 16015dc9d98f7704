/*
 * Counting semaphore with a limit (Zephyr k_sem): give adds one up to the limit, take
 * removes one, waiting while the count is 0. Any thread may give or take; give never
 * blocks, so it is the way to signal from callbacks, timer handlers and (on the
 * Cortex-M port, whose semaphore masks interrupts instead of taking a mutex:
 * ports/cortex_m/sem.c) interrupt handlers.
 */
#ifndef AKIRA_SEM_H
#define AKIRA_SEM_H

#include <stdint.h>

#include <akira/clock.h>

typedef struct akira_sem akira_sem_t;

/* initial <= limit, limit >= 1. Returns 0 and *out, AKIRA_EINVAL or AKIRA_ENOMEM. */
int akira_sem_create(akira_sem_t **out, uint32_t initial, uint32_t limit);

/* Free a semaphore nobody waits on. NULL is ignored. */
void akira_sem_destroy(akira_sem_t *s);

/* Add one (no effect at the limit: the give is lost, as in Zephyr) and wake a taker. */
void akira_sem_give(akira_sem_t *s);

/* Take one, waiting up to timeout_ms (akira/clock.h). 0, AKIRA_ETIMEDOUT, AKIRA_EAGAIN
 * (AKIRA_NO_WAIT and count 0), AKIRA_EINVAL. */
int akira_sem_take(akira_sem_t *s, int32_t timeout_ms);

/* Current count. */
uint32_t akira_sem_count(akira_sem_t *s);

/* Set the count to 0; waiters keep waiting. */
void akira_sem_reset(akira_sem_t *s);

#endif /* AKIRA_SEM_H */

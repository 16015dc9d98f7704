/*
 * Software timers: one-shot or periodic, with the callback run on the kernel's timer
 * thread ("timer", started by akira_kernel_init).
 *
 * Callbacks run one at a time on that thread, so they must be short and must not block
 * (give a semaphore or submit work to a work queue instead). A periodic timer is
 * re-armed from its previous deadline, not from when the callback ran, so it does not
 * drift; if the timer thread falls behind by whole periods, the missed expiries are
 * counted in the status but the callback runs once.
 */
#ifndef AKIRA_TIMER_H
#define AKIRA_TIMER_H

#include <stdbool.h>
#include <stdint.h>

typedef struct akira_timer akira_timer_t;

typedef void (*akira_timer_fn)(akira_timer_t *t, void *user);

/* Returns 0 and *out (stopped), AKIRA_EINVAL (fn NULL) or AKIRA_ENOMEM. */
int akira_timer_create(akira_timer_t **out, akira_timer_fn fn, void *user);

/* Stop t (as akira_timer_stop) and free it. NULL is ignored. Not from t's callback. */
void akira_timer_destroy(akira_timer_t *t);

/* (Re)start: first expiry after delay_ms, then every period_ms (0 = one-shot).
 * Restarting a running timer replaces its schedule and clears its status.
 * 0, AKIRA_ESTATE (timer thread not running: akira_kernel_init not called). */
int akira_timer_start(akira_timer_t *t, uint32_t delay_ms, uint32_t period_ms);

/* Stop t. When this returns, no callback of t will start any more, and unless the
 * caller is t's own callback, none is still running. Stopping a stopped timer is 0. */
int akira_timer_stop(akira_timer_t *t);

/* True while t is armed (a one-shot is disarmed once it fired). */
bool akira_timer_is_running(akira_timer_t *t);

/* Milliseconds to the next expiry, 0 if stopped. */
uint32_t akira_timer_remaining_ms(akira_timer_t *t);

/* Number of expiries since the last start or the last call to this function (which
 * resets it to 0). */
uint32_t akira_timer_status_get(akira_timer_t *t);

/* Expiries since the last start, not reset by reading. */
uint32_t akira_timer_fired_count(akira_timer_t *t);

#endif /* AKIRA_TIMER_H */

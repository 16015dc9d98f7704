/*
 * AkiraOS app SDK - module "timer": one-shot and periodic timers, capability "timer".
 *
 * A timer posts AKIRA_EVENT_TIMER {a = id, b = times fired} to the app's event queue
 * (akira/lifecycle.h) at each expiry; a periodic timer never waits for the app, so a
 * slow app sees drops (akira_event_dropped) instead of a backlog. At most 8 per app;
 * all are cancelled when the app ends. Without the capability: AKIRA_EACCES.
 */
#ifndef AKIRA_SDK_TIMER_H
#define AKIRA_SDK_TIMER_H

#include <akira/common.h>

/* First expiry after delay_ms, then every period_ms (0: once). The timer id (1..8),
 * AKIRA_EINVAL (negative), AKIRA_ENOSPC (8 in use), AKIRA_EACCES. */
AKIRA_IMPORT("timer_start") int32_t akira_timer_start(int32_t delay_ms, int32_t period_ms);
/* Cancel a timer: 0, AKIRA_ENOENT, AKIRA_EACCES. */
AKIRA_IMPORT("timer_stop") int32_t akira_timer_stop(int32_t id);

#endif /* AKIRA_SDK_TIMER_H */

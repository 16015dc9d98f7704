/*
 * AkiraOS app SDK - module "lifecycle": events. No capability needed.
 *
 * The system tells an app what happens through events in a per-app queue of 16: the
 * first is AKIRA_EVENT_START; AKIRA_EVENT_STOP asks the app to finish (it has half a
 * second before it is ended); PAUSE and RESUME ask it to idle and continue; timers and
 * IPC add theirs. When the queue is full new events are dropped and counted.
 *
 * Two ways to receive them:
 *   - poll or wait from the app's own loop (akira_event_poll / akira_event_wait);
 *   - export a handler and return from the entry:
 *         __attribute__((export_name("on_event")))
 *         void on_event(uint32_t type, uint32_t a, uint32_t b, uint32_t c);
 *     The runtime then calls it for each event until STOP (delivered last) or a stop.
 * Waiting counts as idle for the watchdog; running 2 s without waiting ends the app.
 */
#ifndef AKIRA_SDK_LIFECYCLE_H
#define AKIRA_SDK_LIFECYCLE_H

#include <akira/common.h>

enum {
    AKIRA_EVENT_START = 1,
    AKIRA_EVENT_STOP = 2,
    AKIRA_EVENT_PAUSE = 3,
    AKIRA_EVENT_RESUME = 4,
    AKIRA_EVENT_TIMER = 5, /* a = timer id, b = times it fired */
    AKIRA_EVENT_IPC = 6,
};

struct akira_event {
    uint32_t type;
    uint32_t a, b, c;
};

/* Take the oldest event without waiting: 1 (ev filled), 0 (none), AKIRA_EFAULT. */
AKIRA_IMPORT("event_poll") int32_t akira_event_poll(struct akira_event *ev);

/* Wait up to timeout_ms (-1: forever) for an event: 1 (ev filled), 0 (timed out),
 * AKIRA_EINVAL, AKIRA_EFAULT. */
AKIRA_IMPORT("event_wait") int32_t akira_event_wait(struct akira_event *ev, int32_t timeout_ms);

/* Events dropped so far because the queue was full. */
AKIRA_IMPORT("event_dropped") int32_t akira_event_dropped(void);

#endif /* AKIRA_SDK_LIFECYCLE_H */

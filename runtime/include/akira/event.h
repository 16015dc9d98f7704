/*
 * Per-app event queue: how the system tells an app that something happened.
 *
 * Each running app has one bounded queue (AKIRA_EVQ_DEPTH events). Producers are the
 * app manager (lifecycle: start, stop request, pause, resume), kernel timer callbacks
 * (timer API) and, later, IPC and storage notifications. A producer never blocks: when
 * the queue is full the event is dropped and the queue's drop counter grows, so a slow
 * app can never stall a timer thread or a publisher. One slot beyond the depth is kept
 * for STOP, so a flood of timer or IPC events cannot make an app miss its stop request
 * (a STOP is dropped only when one is already waiting there). The one consumer is the app's own
 * thread, through the lifecycle API (`event_poll`, `event_wait`) or the manager's
 * delivery to the app's exported `on_event` handler.
 *
 * An event is four 32-bit words; `type` says what the other three mean (the table of
 * types below is stable: it is part of the app ABI, docs/runtime_api.md). New
 * producers append types.
 *
 * Thread-safety: post, close and the counters from any thread (not from a signal
 * handler); wait from one consumer thread at a time.
 */
#ifndef AKIRA_EVENT_H
#define AKIRA_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/condvar.h>
#include <akira/mutex.h>

#define AKIRA_EVQ_DEPTH 16u
#define AKIRA_EVQ_SLOTS (AKIRA_EVQ_DEPTH + 1u) /* the extra one only for STOP */

enum akira_event_type {
    AKIRA_EVENT_NONE = 0,
    AKIRA_EVENT_START = 1,   /* the app was started (first event it sees) */
    AKIRA_EVENT_STOP = 2,    /* stop requested: finish and return within the grace time */
    AKIRA_EVENT_PAUSE = 3,   /* go idle (stop drawing, slow timers) until RESUME */
    AKIRA_EVENT_RESUME = 4,  /* continue after PAUSE */
    AKIRA_EVENT_TIMER = 5,   /* a = timer id, b = times it fired so far */
    AKIRA_EVENT_IPC = 6,     /* reserved for the IPC module */
    AKIRA_EVENT_STORAGE = 7, /* reserved for the storage module */
    AKIRA_EVENT_GPIO = 8,    /* a = pin, b = level after the edge */
    AKIRA_EVENT_UART = 9,    /* a = uart handle, b = AKIRA_UART_EVT_* bits */
    AKIRA_EVENT_NET = 10,    /* a = socket handle, b = AKIRA_NET_POLL_* readiness bits */
    AKIRA_EVENT_INPUT = 11,  /* a = kind << 16 | button << 8 | pressed, b = x, c = y */
    AKIRA_EVENT_UI = 12,     /* a = ui event << 24 | widget type << 16 | widget id, b = value,
                                c = x << 16 | y (touch point, 16 bits each) */
    AKIRA_EVENT_FOCUS = 13,  /* a = 1: the app owns the display now, 0: it lost it */
    AKIRA_EVENT_MQTT = 14    /* a = mqtt subscription id, b = message length (mqtt_recv) */
};

struct akira_event {
    uint32_t type; /* enum akira_event_type */
    uint32_t a, b, c;
};

struct akira_evq {
    akira_mutex_t *lock;
    akira_condvar_t *nonempty;
    struct akira_event ring[AKIRA_EVQ_SLOTS];
    uint32_t head;  /* index of the oldest event */
    uint32_t count; /* events queued */
    uint32_t drops; /* events refused because the queue was full */
    bool closed;    /* wait returns AKIRA_EINTR once empty */
};

/* Create the lock and condvar; the queue starts empty and open. 0 or AKIRA_ENOMEM. */
int akira_evq_init(struct akira_evq *q);
/* Free what init made. No thread may wait on it or post to it any more. */
void akira_evq_deinit(struct akira_evq *q);

/* Queue one event without blocking. 0, or AKIRA_ENOSPC (queue full: dropped and
 * counted) or AKIRA_ESTATE (closed: not counted). */
int akira_evq_post(struct akira_evq *q, const struct akira_event *e);

/*
 * Take the oldest event, waiting up to timeout_ms (akira/clock.h convention). Returns
 * 0 with *out filled, AKIRA_EAGAIN (AKIRA_NO_WAIT and empty), AKIRA_ETIMEDOUT, or
 * AKIRA_EINTR when the queue was closed and holds nothing more.
 */
int akira_evq_wait(struct akira_evq *q, struct akira_event *out, int32_t timeout_ms);

/* Sleep ms milliseconds without taking events, or until the queue is closed (stop):
 * 0 after the full time, AKIRA_EINTR when closed. For the common API's delay. */
int akira_evq_sleep(struct akira_evq *q, uint32_t ms);

/* Refuse new events and wake the waiter (events already queued can still be taken).
 * Used by stop so that a blocked app returns at once. */
void akira_evq_close(struct akira_evq *q);
/* Open again and empty it (a restart begins with a fresh queue; drops are kept). */
void akira_evq_reset(struct akira_evq *q);

bool akira_evq_closed(struct akira_evq *q);
uint32_t akira_evq_drops(struct akira_evq *q);
uint32_t akira_evq_count(struct akira_evq *q);

#endif /* AKIRA_EVENT_H */

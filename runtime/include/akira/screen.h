/*
 * The screen service: who owns the display, and the one thread that draws the UI and
 * routes input.
 *
 * One app at a time owns the display: the foreground app. It is chosen from the
 * launcher, with `app focus NAME` (akira_screen_focus), or, when nobody owns the
 * display, by the app's first display or UI call after its start (so an app started
 * from the shell shows itself). The foreground app's raw drawing goes to a back buffer
 * that display_flush (or the auto-flush 50 ms after its last draw) puts on the panel;
 * its widgets live on its own UI screen. Every other app draws into nothing and gets
 * AKIRA_EBUSY. When no app owns the display, the system screen shows: the launcher
 * (ui layer) listing the installed apps, which starts and stops them.
 *
 * Input: the service reads the input device; events go to the foreground app (its
 * event queue, AKIRA_EVENT_INPUT, when it holds the `input` capability; its widgets)
 * or to the launcher. Gaining and losing the display is an AKIRA_EVENT_FOCUS event.
 *
 * Memory: the back buffer (width x height RGB565) and the UI's draw band come from the
 * pool given at start (the app heap pool: PSRAM on the reference hardware); every
 * widget an app makes is charged to the app's quota and to a UI budget per app
 * (AKIRA_SCREEN_APP_UI_BUDGET), and freed when the app ends.
 *
 * Threads: start/stop from the board's boot thread; the rest from any thread.
 */
#ifndef AKIRA_SCREEN_H
#define AKIRA_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/heap.h>

#define AKIRA_SCREEN_APP_UI_BUDGET (64u * 1024u) /* widget bytes one app may hold */
#define AKIRA_SCREEN_BAND_ROWS     16u           /* rows of the UI's draw band */
#define AKIRA_SCREEN_AUTOFLUSH_MS  50u

struct akira_screen_config {
    akira_heap_t *pool; /* back buffer and band; NULL: the C library (tests) */
};

/* Finds the board's display and input devices, shows the launcher and starts the
 * thread. 0, AKIRA_ENODEV (no ready display), AKIRA_ENOMEM, AKIRA_EBUSY (running). */
int akira_screen_start(const struct akira_screen_config *cfg);
/* Stops the thread and frees what start made (apps must be stopped first). */
void akira_screen_stop(void);

/* Give the display to running app `name`, or to the system screen (NULL or "").
 * 0, AKIRA_ENOENT (no such running app), AKIRA_EACCES (it holds neither `display` nor
 * `ui`), AKIRA_ENODEV (service not running). */
int akira_screen_focus(const char *name);
/* The foreground app's name into buf ("" for the system screen); AKIRA_ENODEV. */
int akira_screen_focus_get(char *buf, size_t cap);

struct akira_screen_stats {
    uint64_t draws;        /* raw drawing calls that drew */
    uint64_t busy;         /* drawing calls refused: not the foreground app */
    uint64_t flushes;      /* back-buffer flushes to the panel */
    uint64_t ui_refreshes; /* UI redraw passes that flushed something */
    uint64_t inputs;       /* input events routed */
    uint32_t back_bytes;   /* RAM of the back buffer */
    uint32_t band_bytes;   /* RAM of the UI's draw band */
    uint32_t state_bytes;  /* the service's own state (static), the ui context included */
};
int akira_screen_stats_get(struct akira_screen_stats *out);

/* Waits until the service thread has routed every queued input event and redrawn
 * (tests and `input` scripts that snapshot right after acting). 0 or AKIRA_ETIMEDOUT. */
int akira_screen_settle(int32_t timeout_ms);

#endif /* AKIRA_SCREEN_H */

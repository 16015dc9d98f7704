/*
 * API module "timer": one-shot and periodic timers delivered as events, capability
 * "timer".
 *
 *   timer_start(delay_ms i32, period_ms i32) -> i32
 *        timer id (1..AKIRA_APP_TIMERS_MAX) | EINVAL (negative times) | ENOSPC (all in use)
 *        First fires after delay_ms, then every period_ms (0: once). Each expiry posts
 *        AKIRA_EVENT_TIMER {a = id, b = expiries so far}; when the app does not keep up
 *        the queue drops events and counts them (event_dropped), the timer never waits.
 *   timer_stop(id i32) -> i32     0 | ENOENT (no such timer of this app)
 *
 * Timers belong to the instance: they are destroyed when it ends. Revoking `timer`
 * (shell `app caps NAME revoke timer`) stops the app's running timers at their next
 * expiry: no event is posted after the revoke takes effect.
 */
#include <stdatomic.h>

#include <akira/bridge.h>
#include <akira/err.h>

/* On the kernel timer thread: must not block, so it only posts. */
static void timer_fired(akira_timer_t *t, void *user)
{
    struct akira_app_timer *slot = user;
    /* `timer` revoked while it runs: the timer stops (for good; the slot stays the
     * app's until it ends), and nothing more is delivered. */
    if (!(atomic_load(&slot->app->caps) & AKIRA_CAP_TIMER)) {
        akira_timer_stop(t);
        return;
    }
    struct akira_event e = {AKIRA_EVENT_TIMER, slot->id, akira_timer_fired_count(t), 0};
    akira_evq_post(slot->app->evq, &e);
}

static aw_status api_timer_start(struct akira_app_ctx *app, aw_val *io)
{
    int32_t delay = io[0].i32, period = io[1].i32;
    if (delay < 0 || period < 0) {
        io[0].i32 = AKIRA_EINVAL;
        return AW_OK;
    }
    struct akira_app_timer *slot = NULL;
    for (uint32_t i = 0; i < AKIRA_APP_TIMERS_MAX && !slot; i++)
        if (!app->timers[i].timer) slot = &app->timers[i];
    if (!slot) {
        io[0].i32 = AKIRA_ENOSPC;
        return AW_OK;
    }
    slot->app = app;
    slot->id = (uint32_t)(slot - app->timers) + 1;
    int rc = akira_timer_create(&slot->timer, timer_fired, slot);
    if (rc == 0) {
        rc = akira_timer_start(slot->timer, (uint32_t)delay, (uint32_t)period);
        if (rc != 0) {
            akira_timer_destroy(slot->timer);
            slot->timer = NULL;
        }
    }
    io[0].i32 = rc == 0 ? (int32_t)slot->id : rc;
    return AW_OK;
}

static aw_status api_timer_stop(struct akira_app_ctx *app, aw_val *io)
{
    int32_t id = io[0].i32;
    if (id < 1 || id > (int32_t)AKIRA_APP_TIMERS_MAX || !app->timers[id - 1].timer) {
        io[0].i32 = AKIRA_ENOENT;
        return AW_OK;
    }
    akira_timer_destroy(app->timers[id - 1].timer);
    app->timers[id - 1].timer = NULL;
    io[0].i32 = 0;
    return AW_OK;
}

static void timer_app_end(struct akira_app_ctx *app)
{
    for (uint32_t i = 0; i < AKIRA_APP_TIMERS_MAX; i++) {
        akira_timer_destroy(app->timers[i].timer);
        app->timers[i].timer = NULL;
    }
}

static const struct akira_bridge_entry entries[] = {
    {"timer_start", "(ii)i", AKIRA_CAP_TIMER, api_timer_start},
    {"timer_stop", "(i)i", AKIRA_CAP_TIMER, api_timer_stop},
};

const struct akira_bridge_module akira_api_timer = {
    .name = "timer",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = timer_app_end,
};

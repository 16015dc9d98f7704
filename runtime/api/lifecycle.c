/*
 * API module "lifecycle": the app's events (start, stop request, pause, resume, timer
 * and, later, IPC). No capability needed.
 *
 *   event_poll(ev i32) -> i32              1 event written to ev | 0 none | EFAULT
 *   event_wait(ev i32, timeout_ms i32) -> i32
 *                                          1 | 0 timed out | EINVAL | EFAULT
 *   event_dropped() -> i32                 events dropped so far because the queue was full
 *
 * ev points at 16 bytes in app memory: four little-endian u32 {type, a, b, c}
 * (struct akira_event). It is checked before an event is taken, so a bad pointer
 * loses nothing. timeout_ms: -1 waits forever, 0 does not wait.
 *
 * An app that exports `on_event(type, a, b, c)` gets its events delivered by the app
 * manager after its entry returns instead (app_manager.h).
 */
#include <string.h>

#include <akira/bridge.h>
#include <akira/clock.h>
#include <akira/err.h>

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_event(uint8_t *p, const struct akira_event *e)
{
    put_u32(p, e->type);
    put_u32(p + 4, e->a);
    put_u32(p + 8, e->b);
    put_u32(p + 12, e->c);
}

static aw_status api_event_poll(struct akira_app_ctx *app, aw_val *io)
{
    uint8_t *p = akira_bridge_mem(app, io[0].u32, 16);
    if (!p) {
        io[0].i32 = AKIRA_EFAULT;
        return AW_OK;
    }
    struct akira_event e;
    int rc = akira_evq_wait(app->evq, &e, AKIRA_NO_WAIT);
    if (rc == 0) put_event(p, &e);
    io[0].i32 = rc == 0 ? 1 : 0;
    if (rc == AKIRA_EINTR) return akira_bridge_wait_end(app); /* closed: being stopped */
    return AW_OK;
}

static aw_status api_event_wait(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t ptr = io[0].u32;
    int32_t timeout = io[1].i32;
    if (timeout < AKIRA_FOREVER) {
        io[0].i32 = AKIRA_EINVAL;
        return AW_OK;
    }
    if (!akira_bridge_mem(app, ptr, 16)) {
        io[0].i32 = AKIRA_EFAULT;
        return AW_OK;
    }
    struct akira_event e;
    akira_bridge_wait_begin(app);
    int rc = akira_evq_wait(app->evq, &e, timeout);
    aw_status st = akira_bridge_wait_end(app);
    if (rc == 0) {
        /* Re-translate: nothing can have grown the memory, but the contract says a
         * host pointer lives only until the app runs again. */
        uint8_t *p = akira_bridge_mem(app, ptr, 16);
        if (p) put_event(p, &e);
    }
    io[0].i32 = rc == 0 ? 1 : 0;
    return st;
}

static aw_status api_event_dropped(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t n = akira_evq_drops(app->evq);
    io[0].i32 = n > INT32_MAX ? INT32_MAX : (int32_t)n;
    return AW_OK;
}

static const struct akira_bridge_entry entries[] = {
    {"event_poll", "(i)i", AKIRA_CAP_NONE, api_event_poll},
    {"event_wait", "(ii)i", AKIRA_CAP_NONE, api_event_wait},
    {"event_dropped", "()i", AKIRA_CAP_NONE, api_event_dropped},
};

const struct akira_bridge_module akira_api_lifecycle = {
    .name = "lifecycle",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
};

/*
 * API module "input": the buttons and the touch panel, capability "input", only for
 * the app in front (a background app cannot watch what the user types).
 *
 *   input_state(out i32) -> i32    0, out = {buttons u32 (bit 1 << button held),
 *                                  x i32, y i32, touching u32} | EFAULT | EBUSY | ENODEV
 *
 * Presses, releases and touches arrive as events in the app's queue (lifecycle API)
 * while it is in front: AKIRA_EVENT_INPUT, a = kind << 16 | button << 8 | pressed
 * (kind 1 button, 2 touch), b = x, c = y. Buttons: up 0, down 1, left 2, right 3,
 * select 4, back 5, a 6, b 7.
 */
#include <akira/drivers/input.h>

#include "hw_util.h"
#include "screen_priv.h"

static aw_status api_state(struct akira_app_ctx *app, aw_val *io)
{
    if (!akira_bridge_mem(app, io[0].u32, 16)) return hw_ret(io, AKIRA_EFAULT);
    struct scr_app *s;
    int rc = scr_enter(app, &s, SCR_TAKE);
    if (rc) return hw_ret(io, rc);
    bool front = scr_in_front(s);
    scr_leave();
    if (!front) return hw_ret(io, AKIRA_EBUSY);
    struct akira_input_state st;
    rc = akira_input_state_get(akira_input_default(), &st);
    if (rc) return hw_ret(io, rc);
    uint8_t *out = akira_bridge_mem(app, io[0].u32, 16);
    hw_put_u32(out, st.buttons);
    hw_put_u32(out + 4, (uint32_t)(int32_t)st.x);
    hw_put_u32(out + 8, (uint32_t)(int32_t)st.y);
    hw_put_u32(out + 12, st.touching);
    return hw_ret(io, 0);
}

static const struct akira_bridge_entry entries[] = {
    {"input_state", "(i)i", AKIRA_CAP_INPUT, api_state},
};

const struct akira_bridge_module akira_api_input = {
    .name = "input",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
};

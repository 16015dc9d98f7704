/*
 * API module "compat_power": upstream AkiraOS's battery readings ("env" import module,
 * akira/compat.h, docs/compat.md) over our power module's (runtime/api/power.c,
 * hw_power_battery). Upstream's mode and wake calls (power_get_mode, power_set_mode,
 * power_wake_on_gpio, power_wake_on_timer, power_set_low_power) are not bound: sleep
 * here is the system's decision, never an app's.
 */
#include <akira/drivers/power.h>

#include "compat_priv.h"

#define UP_BATTERY_STATUS_SIZE 12u
#define UP_BATTERY_CHARGING    1u
#define UP_BATTERY_LOW         2u
#define UP_BATTERY_LOW_PERCENT 10u /* LOW at or below this charge */

static aw_status up_level(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(POWER_READ), "power_get_battery_level");
    struct akira_power_battery b;
    int rc = hw_power_battery(&b);
    return rc ? compat_ret(io, rc) : hw_ret(io, b.percent);
}

/* power_get_battery_status: [0] percent, [1] flags, [4..7] mV, [8..11] mA (> 0
 * charging), little-endian; the buffer traps outside memory, as upstream's `*~`. */
static aw_status up_status(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[1].u32;
    uint8_t *out = len ? akira_bridge_mem(app, io[0].u32, len) : NULL;
    if (len && !out) return compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(POWER_READ), "power_get_battery_status");
    if (!out || len < UP_BATTERY_STATUS_SIZE) return hw_ret(io, -AKIRA_UP_EINVAL);
    struct akira_power_battery b;
    int rc = hw_power_battery(&b);
    if (rc) return compat_ret(io, rc);
    memset(out, 0, UP_BATTERY_STATUS_SIZE);
    out[0] = b.percent;
    out[1] = (uint8_t)((b.state == AKIRA_POWER_CHARGING ? UP_BATTERY_CHARGING : 0u) |
                       (b.percent <= UP_BATTERY_LOW_PERCENT ? UP_BATTERY_LOW : 0u));
    hw_put_u32(out + 4, b.voltage_mv);
    hw_put_u32(out + 8, (uint32_t)b.current_ma);
    return hw_ret(io, 0);
}

static const struct akira_bridge_entry entries[] = {
    {"power_get_battery_level", "()i", AKIRA_CAP_POWER, up_level},
    {"power_get_battery_status", "(ii)i", AKIRA_CAP_POWER, up_status},
};

const struct akira_bridge_module akira_api_compat_power = {
    .name = "compat_power",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

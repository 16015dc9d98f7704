/*
 * API module "power": the battery and sleep requests, capability "power" (no list:
 * the board has one power supply).
 *
 *   power_battery(out i32) -> i32     0, out = {voltage_mv u32, percent u32,
 *                                     current_ma i32 (> 0 charging), state u32} | EFAULT
 *   power_level() -> i32              state of charge 0..100
 *   power_charging() -> i32           0 discharging, 1 charging, 2 full
 *   power_sleep(mode i32, ms i32) -> i32
 *        0 after ms milliseconds of light sleep | EINVAL (ms outside 1..60000, unknown
 *        mode) | EPERM (mode 1, deep sleep: it resets the device, a system decision)
 *
 * Every call can also give ENODEV (no power device ready). The sleep is requested from
 * the driver in slices of at most 100 ms and counts as waiting (watchdog), so a stop
 * request ends it within a slice and the app then ends there.
 */
#include <akira/drivers/driver.h>
#include <akira/drivers/power.h>

#include "hw_util.h"

#define SLEEP_MAX_MS   60000
#define SLEEP_SLICE_MS 100u

static void take_first(const struct akira_device *dev, void *user)
{
    const struct akira_device **first = user;
    if (!*first) *first = dev;
}

static const struct akira_device *power_dev(void)
{
    const struct akira_device *dev = akira_driver_get(AKIRA_DRIVER_POWER, "power0");
    if (!dev) akira_driver_foreach(AKIRA_DRIVER_POWER, take_first, &dev);
    return dev && akira_device_is_ready(dev) ? dev : NULL;
}

int hw_power_battery(struct akira_power_battery *b)
{
    const struct akira_device *dev = power_dev();
    return dev ? akira_power_battery_get(dev, b) : AKIRA_ENODEV;
}

static aw_status api_battery(struct akira_app_ctx *app, aw_val *io)
{
    uint8_t *out = akira_bridge_mem(app, io[0].u32, 16);
    if (!out) return hw_ret(io, AKIRA_EFAULT);
    struct akira_power_battery b;
    int rc = hw_power_battery(&b);
    if (rc == 0) {
        hw_put_u32(out, b.voltage_mv);
        hw_put_u32(out + 4, b.percent);
        hw_put_u32(out + 8, (uint32_t)b.current_ma);
        hw_put_u32(out + 12, (uint32_t)b.state);
    }
    return hw_ret(io, rc);
}

static aw_status api_level(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    struct akira_power_battery b;
    int rc = hw_power_battery(&b);
    return hw_ret(io, rc ? rc : (int32_t)b.percent);
}

static aw_status api_charging(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    struct akira_power_battery b;
    int rc = hw_power_battery(&b);
    return hw_ret(io, rc ? rc : (int32_t)b.state);
}

static aw_status api_sleep(struct akira_app_ctx *app, aw_val *io)
{
    int32_t mode = io[0].i32, ms = io[1].i32;
    if (mode == AKIRA_POWER_SLEEP_DEEP) return hw_ret(io, AKIRA_EPERM);
    if (mode != AKIRA_POWER_SLEEP_LIGHT || ms < 1 || ms > SLEEP_MAX_MS)
        return hw_ret(io, AKIRA_EINVAL);
    const struct akira_device *dev = power_dev();
    if (!dev) return hw_ret(io, AKIRA_ENODEV);
    int rc = 0;
    akira_bridge_wait_begin(app);
    for (uint32_t left = (uint32_t)ms; left > 0 && rc == 0 && !atomic_load(&app->stopping);) {
        uint32_t slice = left < SLEEP_SLICE_MS ? left : SLEEP_SLICE_MS;
        rc = akira_power_sleep_request(dev, AKIRA_POWER_SLEEP_LIGHT, slice);
        left -= slice;
    }
    aw_status st = akira_bridge_wait_end(app);
    io[0].i32 = rc;
    return st;
}

static const struct akira_bridge_entry entries[] = {
    {"power_battery", "(i)i", AKIRA_CAP_POWER, api_battery},
    {"power_level", "()i", AKIRA_CAP_POWER, api_level},
    {"power_charging", "()i", AKIRA_CAP_POWER, api_charging},
    {"power_sleep", "(ii)i", AKIRA_CAP_POWER, api_sleep},
};

const struct akira_bridge_module akira_api_power = {
    .name = "power",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
};

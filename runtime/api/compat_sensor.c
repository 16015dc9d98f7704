/*
 * API module "compat_sensor": upstream AkiraOS's sensor_read ("env" import module,
 * akira/compat.h, docs/compat.md). Upstream asks each sensor of the board in turn for
 * a channel (Zephyr's channel numbers) and answers the first value times 1000, or
 * INT32_MIN when no sensor has it. Upstream's capability sensor.read covers every
 * sensor, so the board's sensors are all asked (our manifest's `sensors` list is for
 * our own API).
 */
#include <akira/drivers/driver.h>
#include <akira/drivers/sensor.h>

#include "compat_priv.h"

#define UP_SENSOR_ERROR INT32_MIN

/* Upstream's channel id -> ours, -1 for none. */
static int our_channel(int32_t up)
{
    switch (up) {
    case 0: return AKIRA_SENSOR_CHAN_ACCEL_X;
    case 1: return AKIRA_SENSOR_CHAN_ACCEL_Y;
    case 2: return AKIRA_SENSOR_CHAN_ACCEL_Z;
    case 4: return AKIRA_SENSOR_CHAN_GYRO_X;
    case 5: return AKIRA_SENSOR_CHAN_GYRO_Y;
    case 6: return AKIRA_SENSOR_CHAN_GYRO_Z;
    case 12: return AKIRA_SENSOR_CHAN_DIE_TEMP;
    case 13: return AKIRA_SENSOR_CHAN_AMBIENT_TEMP;
    case 14: return AKIRA_SENSOR_CHAN_PRESS;
    case 16: return AKIRA_SENSOR_CHAN_HUMIDITY;
    default: return -1;
    }
}

struct ask {
    struct akira_app_ctx *app;
    enum akira_sensor_channel chan;
    bool found;
    int32_t milli;
};

static void ask_one(const struct akira_device *dev, void *user)
{
    struct ask *a = user;
    if (a->found || !(akira_sensor_channels(dev) & (1u << a->chan))) return;
    if (akira_sensor_sample_fetch(dev) != 0) return;
    struct akira_sensor_value v;
    if (akira_sensor_channel_get(dev, a->chan, &v) != 0) return;
    int64_t m = (int64_t)v.val1 * 1000 + v.val2 / 1000;
    a->milli = (int32_t)(m > INT32_MAX ? INT32_MAX : m <= INT32_MIN ? INT32_MIN + 1 : m);
    a->found = true;
}

static aw_status up_sensor_read(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(SENSOR_READ), "sensor_read");
    int ch = our_channel(io[0].i32);
    if (ch < 0) return hw_ret(io, UP_SENSOR_ERROR);
    struct ask a = {app, (enum akira_sensor_channel)ch, false, 0};
    akira_bridge_wait_begin(app);
    akira_driver_foreach(AKIRA_DRIVER_SENSOR, ask_one, &a);
    aw_status st = akira_bridge_wait_end(app);
    io[0].i32 = a.found ? a.milli : UP_SENSOR_ERROR;
    return st;
}

static const struct akira_bridge_entry entries[] = {
    {"sensor_read", "(i)i", AKIRA_CAP_SENSOR, up_sensor_read},
};

const struct akira_bridge_module akira_api_compat_sensor = {
    .name = "compat_sensor",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

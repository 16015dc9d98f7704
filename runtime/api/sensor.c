/*
 * API module "sensor": the board's sensors by device name, capability "sensor",
 * narrowed to the manifest's `sensors` list.
 *
 *   sensor_channels(name i32, name_len i32) -> i32       bit n = channel n exists
 *   sensor_fetch(name i32, name_len i32) -> i32          0 | errors below
 *   sensor_get(name i32, name_len i32, chan i32, out i32) -> i32
 *        0, out = {val1 i32, val2 i32} (integer part, millionths, same sign)
 *   sensor_attr_set(name i32, name_len i32, chan i32, attr i32, val1 i32, val2 i32) -> i32
 *
 * Channels and attributes are the driver's numbers (akira/drivers/sensor.h: 0 ambient
 * temperature C, 1 pressure kPa, 2 humidity %, 3-5 acceleration m/s^2, 6-8 angular
 * rate rad/s, 9 die temperature C; attributes 0 full scale, 1 sampling frequency Hz).
 * Errors: EFAULT (name or out outside memory), EINVAL (bad name, channel or attribute
 * number, |val2| >= 1000000 or val2 of the wrong sign), EACCES (not in the manifest),
 * ENODEV (no such sensor), ENOTSUP (the sensor has no such channel), ESTATE (get before
 * any fetch), EIO/ETIMEDOUT (the chip). fetch waits for the conversion (a few ms) as a
 * waiting call. Samples live in the driver and are shared: an app sees the latest
 * fetch by anyone. Nothing is held between calls.
 */
#include <akira/drivers/driver.h>
#include <akira/drivers/sensor.h>

#include "hw_util.h"

static int sensor_of(struct akira_app_ctx *app, aw_val *io, const struct akira_device **out)
{
    char name[AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    int rc = hw_dev_name(app, io[0].u32, io[1].u32, name);
    if (rc) return rc;
    if (!akira_manifest_sensor_allowed(app->manifest, name))
        return hw_deny(app, "sensor %s is not in the manifest's sensors list", name);
    *out = akira_driver_get(AKIRA_DRIVER_SENSOR, name);
    return *out && akira_device_is_ready(*out) ? 0 : AKIRA_ENODEV;
}

static aw_status api_channels(struct akira_app_ctx *app, aw_val *io)
{
    const struct akira_device *dev;
    int rc = sensor_of(app, io, &dev);
    return hw_ret(io, rc ? rc : (int32_t)akira_sensor_channels(dev));
}

static aw_status api_fetch(struct akira_app_ctx *app, aw_val *io)
{
    const struct akira_device *dev;
    int rc = sensor_of(app, io, &dev);
    if (rc) return hw_ret(io, rc);
    akira_bridge_wait_begin(app);
    rc = akira_sensor_sample_fetch(dev);
    aw_status st = akira_bridge_wait_end(app);
    io[0].i32 = rc;
    return st;
}

static aw_status api_get(struct akira_app_ctx *app, aw_val *io)
{
    uint8_t *out = akira_bridge_mem(app, io[3].u32, 8);
    if (!out) return hw_ret(io, AKIRA_EFAULT);
    const struct akira_device *dev;
    int rc = sensor_of(app, io, &dev);
    if (rc) return hw_ret(io, rc);
    int32_t chan = io[2].i32;
    if (chan < 0 || chan >= AKIRA_SENSOR_CHAN_COUNT_) return hw_ret(io, AKIRA_EINVAL);
    struct akira_sensor_value v;
    rc = akira_sensor_channel_get(dev, (enum akira_sensor_channel)chan, &v);
    if (rc == 0) {
        hw_put_u32(out, (uint32_t)v.val1);
        hw_put_u32(out + 4, (uint32_t)v.val2);
    }
    return hw_ret(io, rc);
}

static aw_status api_attr_set(struct akira_app_ctx *app, aw_val *io)
{
    const struct akira_device *dev;
    int rc = sensor_of(app, io, &dev);
    if (rc) return hw_ret(io, rc);
    int32_t chan = io[2].i32, attr = io[3].i32;
    struct akira_sensor_value v = {io[4].i32, io[5].i32};
    if (chan < 0 || chan >= AKIRA_SENSOR_CHAN_COUNT_ || attr < 0 ||
        attr >= AKIRA_SENSOR_ATTR_COUNT_ || v.val2 <= -1000000 || v.val2 >= 1000000 ||
        (v.val1 > 0 && v.val2 < 0) || (v.val1 < 0 && v.val2 > 0))
        return hw_ret(io, AKIRA_EINVAL);
    return hw_ret(io, akira_sensor_attr_set(dev, (enum akira_sensor_channel)chan,
                                            (enum akira_sensor_attr)attr, &v));
}

static const struct akira_bridge_entry entries[] = {
    {"sensor_channels", "(ii)i", AKIRA_CAP_SENSOR, api_channels},
    {"sensor_fetch", "(ii)i", AKIRA_CAP_SENSOR, api_fetch},
    {"sensor_get", "(iiii)i", AKIRA_CAP_SENSOR, api_get},
    {"sensor_attr_set", "(iiiiii)i", AKIRA_CAP_SENSOR, api_attr_set},
};

const struct akira_bridge_module akira_api_sensor = {
    .name = "sensor",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
};

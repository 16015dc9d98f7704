/*
 * Sensor class helpers: channel names and units, fixed-point values, read-all.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/drivers/sensor.h>

static const struct {
    const char *name, *unit;
} chans[AKIRA_SENSOR_CHAN_COUNT_] = {
    [AKIRA_SENSOR_CHAN_AMBIENT_TEMP] = {"ambient_temp", "C"},
    [AKIRA_SENSOR_CHAN_PRESS] = {"press", "kPa"},
    [AKIRA_SENSOR_CHAN_HUMIDITY] = {"humidity", "%RH"},
    [AKIRA_SENSOR_CHAN_ACCEL_X] = {"accel_x", "m/s2"},
    [AKIRA_SENSOR_CHAN_ACCEL_Y] = {"accel_y", "m/s2"},
    [AKIRA_SENSOR_CHAN_ACCEL_Z] = {"accel_z", "m/s2"},
    [AKIRA_SENSOR_CHAN_GYRO_X] = {"gyro_x", "rad/s"},
    [AKIRA_SENSOR_CHAN_GYRO_Y] = {"gyro_y", "rad/s"},
    [AKIRA_SENSOR_CHAN_GYRO_Z] = {"gyro_z", "rad/s"},
    [AKIRA_SENSOR_CHAN_DIE_TEMP] = {"die_temp", "C"},
};

const char *akira_sensor_channel_name(enum akira_sensor_channel chan)
{
    return (unsigned)chan < AKIRA_SENSOR_CHAN_COUNT_ ? chans[chan].name : "?";
}

const char *akira_sensor_channel_unit(enum akira_sensor_channel chan)
{
    return (unsigned)chan < AKIRA_SENSOR_CHAN_COUNT_ ? chans[chan].unit : "?";
}

int akira_sensor_channel_from_name(const char *name)
{
    if (name == NULL) return AKIRA_EINVAL;
    for (int i = 0; i < AKIRA_SENSOR_CHAN_COUNT_; i++)
        if (strcmp(chans[i].name, name) == 0) return i;
    return AKIRA_EINVAL;
}

struct akira_sensor_value akira_sensor_value_from_micro(int64_t micro)
{
    /* C division truncates toward zero, so both parts carry the value's sign. */
    struct akira_sensor_value v = {(int32_t)(micro / 1000000), (int32_t)(micro % 1000000)};
    return v;
}

int64_t akira_sensor_value_to_micro(const struct akira_sensor_value *v)
{
    return (int64_t)v->val1 * 1000000 + v->val2;
}

char *akira_sensor_value_format(const struct akira_sensor_value *v, char *buf, size_t size)
{
    int64_t m = akira_sensor_value_to_micro(v);
    uint64_t a = m < 0 ? (uint64_t)(-(m + 1)) + 1u : (uint64_t)m;
    snprintf(buf, size, "%s%" PRIu64 ".%06" PRIu64, m < 0 ? "-" : "", a / 1000000u, a % 1000000u);
    return buf;
}

int akira_sensor_read_all(const struct akira_device *dev, struct akira_sensor_reading *out,
                          size_t max)
{
    if (out == NULL && max > 0) return AKIRA_EINVAL;
    int rc = akira_sensor_sample_fetch(dev);
    if (rc != 0) return rc;
    uint32_t mask = akira_sensor_channels(dev);
    size_t n = 0;
    for (int c = 0; c < AKIRA_SENSOR_CHAN_COUNT_ && n < max; c++) {
        if (!(mask & (1u << c))) continue;
        rc = akira_sensor_channel_get(dev, (enum akira_sensor_channel)c, &out[n].value);
        if (rc != 0) return rc;
        out[n].chan = (enum akira_sensor_channel)c;
        n++;
    }
    return (int)n;
}

/*
 * Sensor driver class (Zephyr-like): fetch a sample, then read it channel by channel.
 *
 * sample_fetch makes the sensor measure every channel it has and keeps the result in
 * the driver; channel_get converts the kept sample, so the channels of one fetch
 * belong together (temperature and pressure of the same instant). Values are
 * fixed-point: val1 the integer part, val2 the fraction in millionths, both with the
 * sign of the value (-1.5 is {-1, -500000}). Units are Zephyr's:
 *   AMBIENT_TEMP, DIE_TEMP  degrees Celsius
 *   PRESS                   kilopascal
 *   HUMIDITY                percent relative humidity
 *   ACCEL_X/Y/Z             metres per second squared
 *   GYRO_X/Y/Z              radians per second
 *
 * Threads: any thread; fetch blocks for the conversion time (a few ms) and for the
 * bus; a driver serialises its own calls. Errors: AKIRA_EINVAL (channel number out of
 * range), AKIRA_ENOTSUP (this sensor has no such channel or attribute), AKIRA_ESTATE
 * (channel_get before any successful fetch), AKIRA_EIO / AKIRA_ETIMEDOUT (the chip did
 * not answer or finish), AKIRA_ENODEV (not ready).
 */
#ifndef AKIRA_DRIVERS_SENSOR_H
#define AKIRA_DRIVERS_SENSOR_H

#include <stddef.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

enum akira_sensor_channel {
    AKIRA_SENSOR_CHAN_AMBIENT_TEMP = 0,
    AKIRA_SENSOR_CHAN_PRESS,
    AKIRA_SENSOR_CHAN_HUMIDITY,
    AKIRA_SENSOR_CHAN_ACCEL_X,
    AKIRA_SENSOR_CHAN_ACCEL_Y,
    AKIRA_SENSOR_CHAN_ACCEL_Z,
    AKIRA_SENSOR_CHAN_GYRO_X,
    AKIRA_SENSOR_CHAN_GYRO_Y,
    AKIRA_SENSOR_CHAN_GYRO_Z,
    AKIRA_SENSOR_CHAN_DIE_TEMP,
    AKIRA_SENSOR_CHAN_COUNT_
};

/* Attributes for attr_set. FULL_SCALE: the largest magnitude to measure, in the
 * channel's unit (accel in m/s^2, gyro in rad/s; any axis sets all three); the driver
 * picks the smallest range that covers it (AKIRA_ERANGE when none does).
 * SAMPLING_FREQUENCY: in Hz, rounded up to a rate the chip has. */
enum akira_sensor_attr {
    AKIRA_SENSOR_ATTR_FULL_SCALE = 0,
    AKIRA_SENSOR_ATTR_SAMPLING_FREQUENCY,
    AKIRA_SENSOR_ATTR_COUNT_
};

struct akira_sensor_value {
    int32_t val1; /* integer part */
    int32_t val2; /* millionths, same sign as val1 (|val2| < 1000000) */
};

struct akira_sensor_api {
    /* Bit n set: channel n exists on this sensor. */
    uint32_t (*channels)(const struct akira_device *dev);
    int (*sample_fetch)(const struct akira_device *dev);
    int (*channel_get)(const struct akira_device *dev, enum akira_sensor_channel chan,
                       struct akira_sensor_value *val);
    /* May be NULL: no settable attributes. */
    int (*attr_set)(const struct akira_device *dev, enum akira_sensor_channel chan,
                    enum akira_sensor_attr attr, const struct akira_sensor_value *val);
};

static inline const struct akira_sensor_api *akira_sensor_api_of_(const struct akira_device *dev)
{
    return (dev && akira_device_is_ready(dev)) ? (const struct akira_sensor_api *)dev->api : NULL;
}

static inline uint32_t akira_sensor_channels(const struct akira_device *dev)
{
    const struct akira_sensor_api *api = akira_sensor_api_of_(dev);
    return api ? api->channels(dev) : 0;
}

static inline int akira_sensor_sample_fetch(const struct akira_device *dev)
{
    const struct akira_sensor_api *api = akira_sensor_api_of_(dev);
    return api ? api->sample_fetch(dev) : AKIRA_ENODEV;
}

static inline int akira_sensor_channel_get(const struct akira_device *dev,
                                           enum akira_sensor_channel chan,
                                           struct akira_sensor_value *val)
{
    const struct akira_sensor_api *api = akira_sensor_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if ((unsigned)chan >= AKIRA_SENSOR_CHAN_COUNT_ || !val) return AKIRA_EINVAL;
    if (!(api->channels(dev) & (1u << chan))) return AKIRA_ENOTSUP;
    return api->channel_get(dev, chan, val);
}

static inline int akira_sensor_attr_set(const struct akira_device *dev,
                                        enum akira_sensor_channel chan, enum akira_sensor_attr attr,
                                        const struct akira_sensor_value *val)
{
    const struct akira_sensor_api *api = akira_sensor_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if ((unsigned)chan >= AKIRA_SENSOR_CHAN_COUNT_ || (unsigned)attr >= AKIRA_SENSOR_ATTR_COUNT_ ||
        !val)
        return AKIRA_EINVAL;
    if (!api->attr_set || !(api->channels(dev) & (1u << chan))) return AKIRA_ENOTSUP;
    return api->attr_set(dev, chan, attr, val);
}

/* --- helpers (kernel/src/drivers/sensor.c) ---------------------------------------- */

/* "ambient_temp", "press", ... ("?" for a bad number); and the unit ("C", "kPa", ...). */
const char *akira_sensor_channel_name(enum akira_sensor_channel chan);
const char *akira_sensor_channel_unit(enum akira_sensor_channel chan);
/* The channel called name, or AKIRA_EINVAL. */
int akira_sensor_channel_from_name(const char *name);

/* A value from millionths (e.g. 25080000 -> {25, 80000}) and back. */
struct akira_sensor_value akira_sensor_value_from_micro(int64_t micro);
int64_t akira_sensor_value_to_micro(const struct akira_sensor_value *v);
/* "-1.500000" style text into buf (at least 24 bytes for any value); returns buf. */
char *akira_sensor_value_format(const struct akira_sensor_value *v, char *buf, size_t size);

struct akira_sensor_reading {
    enum akira_sensor_channel chan;
    struct akira_sensor_value value;
};

/* Fetch once and get every channel the sensor has, in channel order, into out[0..max).
 * Returns the number of readings stored, or a negative akira_err_t from the fetch.
 * This is what listings (shell `sensor read`, HTTP GET /api/sensors) use. */
int akira_sensor_read_all(const struct akira_device *dev, struct akira_sensor_reading *out,
                          size_t max);

#endif /* AKIRA_DRIVERS_SENSOR_H */

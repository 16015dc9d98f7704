/*
 * AkiraOS app SDK - module "sensor": sensors by device name, capability "sensor",
 * only those the manifest's `sensors:` line names (e.g. `sensors: bme280, lsm6ds3`).
 *
 * Fetch makes the sensor measure all its channels (waiting a few ms); get reads one
 * channel of the latest fetch as fixed point: val1 the integer part, val2 millionths
 * with the same sign (-1.5 is {-1, -500000}). Errors: AKIRA_EFAULT, AKIRA_EINVAL (name,
 * channel or attribute number, val2 out of range), AKIRA_EACCES, AKIRA_ENODEV,
 * AKIRA_ENOTSUP (the sensor has no such channel), AKIRA_ESTATE (get before any fetch),
 * AKIRA_EIO / AKIRA_ETIMEDOUT (the chip).
 */
#ifndef AKIRA_SDK_SENSOR_H
#define AKIRA_SDK_SENSOR_H

#include <akira/common.h>

enum {
    AKIRA_SENSOR_AMBIENT_TEMP = 0, /* C */
    AKIRA_SENSOR_PRESS = 1,        /* kPa */
    AKIRA_SENSOR_HUMIDITY = 2,     /* % RH */
    AKIRA_SENSOR_ACCEL_X = 3,      /* m/s^2 */
    AKIRA_SENSOR_ACCEL_Y = 4,
    AKIRA_SENSOR_ACCEL_Z = 5,
    AKIRA_SENSOR_GYRO_X = 6, /* rad/s */
    AKIRA_SENSOR_GYRO_Y = 7,
    AKIRA_SENSOR_GYRO_Z = 8,
    AKIRA_SENSOR_DIE_TEMP = 9, /* C */
};

enum {
    AKIRA_SENSOR_ATTR_FULL_SCALE = 0,         /* largest magnitude, in the channel's unit */
    AKIRA_SENSOR_ATTR_SAMPLING_FREQUENCY = 1, /* Hz */
};

struct akira_sensor_value {
    int32_t val1;
    int32_t val2;
};

/* Bit n set: the sensor has channel n. */
AKIRA_IMPORT("sensor_channels") int32_t akira_sensor_channels(const char *name, uint32_t len);
AKIRA_IMPORT("sensor_fetch") int32_t akira_sensor_fetch(const char *name, uint32_t len);
AKIRA_IMPORT("sensor_get")
int32_t akira_sensor_get(const char *name, uint32_t len, int32_t chan,
                         struct akira_sensor_value *out);
AKIRA_IMPORT("sensor_attr_set")
int32_t akira_sensor_attr_set(const char *name, uint32_t len, int32_t chan, int32_t attr,
                              int32_t val1, int32_t val2);

#endif /* AKIRA_SDK_SENSOR_H */

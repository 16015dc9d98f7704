/*
 * ST LSM6DS3 (3-axis accelerometer + 3-axis gyroscope + die temperature) sensor
 * driver, portable: only the I2C class API touches the chip. Instance like bme280.h
 * with struct akira_lsm6ds3_config / _data and akira_lsm6ds3_init / akira_lsm6ds3_api.
 *
 * Init checks WHO_AM_I (0x69), soft-resets, sets block data update and register
 * auto-increment (CTRL3_C), then both sensors at 104 Hz with the configured full
 * scales. A fetch reads temperature, gyro and accel outputs in one 14-byte burst.
 * Scaling is the datasheet's sensitivity table (mechanical characteristics):
 *   accel  +-2/4/8/16 g     0.061/0.122/0.244/0.488 mg/LSB
 *   gyro   125/245/500/1000/2000 dps  4.375/8.75/17.5/35/70 mdps/LSB
 *   temperature 16 LSB/C, 0 LSB = 25 C.
 */
#ifndef AKIRA_DRIVERS_LSM6DS3_H
#define AKIRA_DRIVERS_LSM6DS3_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/drivers/sensor.h>

#define AKIRA_LSM6DS3_WHO_AM_I_VALUE 0x69

#define AKIRA_LSM6DS3_REG_WHO_AM_I   0x0F
#define AKIRA_LSM6DS3_REG_CTRL1_XL   0x10 /* ODR_XL[7:4] FS_XL[3:2] */
#define AKIRA_LSM6DS3_REG_CTRL2_G    0x11 /* ODR_G[7:4] FS_G[3:2] FS_125[1] */
#define AKIRA_LSM6DS3_REG_CTRL3_C    0x12 /* BOOT[7] BDU[6] IF_INC[2] SW_RESET[0] */
#define AKIRA_LSM6DS3_REG_STATUS     0x1E /* TDA[2] GDA[1] XLDA[0] */
#define AKIRA_LSM6DS3_REG_OUT_TEMP_L 0x20
#define AKIRA_LSM6DS3_REG_OUTX_L_G   0x22
#define AKIRA_LSM6DS3_REG_OUTX_L_XL  0x28
#define AKIRA_LSM6DS3_CTRL3_BDU      (1u << 6)
#define AKIRA_LSM6DS3_CTRL3_IF_INC   (1u << 2)
#define AKIRA_LSM6DS3_CTRL3_SW_RESET (1u << 0)

struct akira_lsm6ds3_config {
    const char *bus;
    uint16_t addr;        /* 0x6A (SA0 low) or 0x6B */
    uint8_t accel_fs_g;   /* 2, 4, 8 or 16 */
    uint16_t gyro_fs_dps; /* 125, 245, 500, 1000 or 2000 */
};

struct akira_lsm6ds3_data {
    const struct akira_device *bus;
    uint8_t accel_fs_g;
    uint16_t gyro_fs_dps;
    bool have_sample;
    int16_t raw_temp, raw_gyro[3], raw_accel[3];
    struct akira_mutex *lock; /* created at init */
};

int akira_lsm6ds3_init(const struct akira_device *dev);
extern const struct akira_sensor_api akira_lsm6ds3_api;

/* Sensitivity for a full scale: micro-g per LSB (61 for 2 g ...) and micro-dps per LSB
 * (4375 for 125 dps ...); 0 for a full scale the chip does not have. */
uint32_t akira_lsm6ds3_accel_ug_per_lsb(unsigned fs_g);
uint32_t akira_lsm6ds3_gyro_udps_per_lsb(unsigned fs_dps);
/* The FS_XL / FS_G(+FS_125) register bits for a full scale; -1 if none. */
int akira_lsm6ds3_accel_fs_bits(unsigned fs_g);
int akira_lsm6ds3_gyro_fs_bits(unsigned fs_dps);

/* Raw output to micro-units: m/s^2, rad/s, C. */
int64_t akira_lsm6ds3_accel_micro(int16_t raw, unsigned fs_g);
int64_t akira_lsm6ds3_gyro_micro(int16_t raw, unsigned fs_dps);
int64_t akira_lsm6ds3_temp_micro(int16_t raw);

#endif /* AKIRA_DRIVERS_LSM6DS3_H */

/*
 * Bosch BME280 (temperature, pressure, humidity) sensor driver, portable: it talks to
 * the chip only through the I2C class API, so any board that has the chip on a bus
 * defines an instance:
 *
 *   static const struct akira_bme280_config cfg = {.bus = "i2c0", .addr = 0x76};
 *   static struct akira_bme280_data data;
 *   AKIRA_DRIVER_DEFINE(my_bme, AKIRA_DRIVER_SENSOR, "bme280", akira_bme280_init, &data,
 *                       &cfg, AKIRA_INIT_APPLICATION, 50, &akira_bme280_api);
 *
 * (after the bus's level/priority). Init checks the chip id (0x60), soft-resets, reads
 * the trimming values and sets oversampling x1 for all three, filter off, sleep mode.
 * Each fetch runs one forced-mode measurement and waits for it (about 10 ms at most).
 * The integer compensation is the datasheet's (section 4.2.3): temperature in 0.01 C,
 * pressure in Q24.8 Pa (64-bit version), humidity in Q22.10 %RH.
 */
#ifndef AKIRA_DRIVERS_BME280_H
#define AKIRA_DRIVERS_BME280_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/drivers/sensor.h>

#define AKIRA_BME280_CHIP_ID 0x60

/* Register map (datasheet section 5.3). */
#define AKIRA_BME280_REG_CALIB00      0x88 /* ..0xA1: dig_T1..dig_P9, 0xA1 dig_H1 */
#define AKIRA_BME280_REG_ID           0xD0
#define AKIRA_BME280_REG_RESET        0xE0 /* write AKIRA_BME280_RESET_WORD */
#define AKIRA_BME280_REG_CALIB26      0xE1 /* ..0xE7: dig_H2..dig_H6 */
#define AKIRA_BME280_REG_CTRL_HUM     0xF2
#define AKIRA_BME280_REG_STATUS       0xF3
#define AKIRA_BME280_REG_CTRL_MEAS    0xF4
#define AKIRA_BME280_REG_CONFIG       0xF5
#define AKIRA_BME280_REG_PRESS_MSB    0xF7 /* ..0xFE: press[3], temp[3], hum[2] */
#define AKIRA_BME280_RESET_WORD       0xB6
#define AKIRA_BME280_STATUS_MEASURING (1u << 3)
#define AKIRA_BME280_STATUS_IM_UPDATE (1u << 0)
#define AKIRA_BME280_MODE_SLEEP       0x0
#define AKIRA_BME280_MODE_FORCED      0x1
#define AKIRA_BME280_MODE_NORMAL      0x3

/* Trimming values as the datasheet names them (table 16). */
struct akira_bme280_calib {
    uint16_t dig_T1;
    int16_t dig_T2, dig_T3;
    uint16_t dig_P1;
    int16_t dig_P2, dig_P3, dig_P4, dig_P5, dig_P6, dig_P7, dig_P8, dig_P9;
    uint8_t dig_H1;
    int16_t dig_H2;
    uint8_t dig_H3;
    int16_t dig_H4, dig_H5;
    int8_t dig_H6;
};

struct akira_bme280_config {
    const char *bus; /* name of the I2C bus device */
    uint16_t addr;   /* 0x76 (SDO low) or 0x77 */
};

/* Driver state; zero-initialised storage, owned by the driver. */
struct akira_bme280_data {
    const struct akira_device *bus;
    struct akira_bme280_calib calib;
    bool have_sample;
    int32_t temp_centi;       /* 0.01 C */
    uint32_t press_q248;      /* Pa in Q24.8 */
    uint32_t hum_q2210;       /* %RH in Q22.10 */
    struct akira_mutex *lock; /* created at init */
};

int akira_bme280_init(const struct akira_device *dev);
extern const struct akira_sensor_api akira_bme280_api;

/* Trimming values from the raw bytes of 0x88..0xA1 (26 bytes) and 0xE1..0xE7 (7). */
void akira_bme280_calib_parse(struct akira_bme280_calib *c, const uint8_t lo[26],
                              const uint8_t hi[7]);

/* Datasheet compensation. t_fine is the fine temperature the other two need. */
int32_t akira_bme280_compensate_temp(const struct akira_bme280_calib *c, int32_t adc_T,
                                     int32_t *t_fine);
uint32_t akira_bme280_compensate_press(const struct akira_bme280_calib *c, int32_t adc_P,
                                       int32_t t_fine);
uint32_t akira_bme280_compensate_hum(const struct akira_bme280_calib *c, int32_t adc_H,
                                     int32_t t_fine);

#endif /* AKIRA_DRIVERS_BME280_H */

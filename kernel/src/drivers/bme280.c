/*
 * Bosch BME280 driver over the I2C class API. The compensation follows the datasheet's
 * integer formulas (section 4.2.3); intermediate products are computed in 64 bits and
 * shifts of possibly negative values are written as multiplications, so the results
 * equal the datasheet's wherever its 32-bit arithmetic does not overflow, and no
 * operation is undefined in C.
 */
#include <string.h>

#include <akira/clock.h>
#include <akira/drivers/bme280.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/i2c.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/thread.h>

AKIRA_LOG_MODULE_REGISTER(bme280);

#define MEASURE_TIMEOUT_MS 50 /* forced x1/x1/x1 takes 9.3 ms at most (datasheet 9.1) */
#define RESET_TIMEOUT_MS   20
#define OSRS_X1            1u
#define CTRL_MEAS_SLEEP    ((OSRS_X1 << 5) | (OSRS_X1 << 2) | AKIRA_BME280_MODE_SLEEP)
#define CTRL_MEAS_FORCED   ((OSRS_X1 << 5) | (OSRS_X1 << 2) | AKIRA_BME280_MODE_FORCED)

static uint16_t le16(const uint8_t *b)
{
    return (uint16_t)(b[0] | (b[1] << 8));
}

void akira_bme280_calib_parse(struct akira_bme280_calib *c, const uint8_t lo[26],
                              const uint8_t hi[7])
{
    c->dig_T1 = le16(lo + 0);
    c->dig_T2 = (int16_t)le16(lo + 2);
    c->dig_T3 = (int16_t)le16(lo + 4);
    c->dig_P1 = le16(lo + 6);
    c->dig_P2 = (int16_t)le16(lo + 8);
    c->dig_P3 = (int16_t)le16(lo + 10);
    c->dig_P4 = (int16_t)le16(lo + 12);
    c->dig_P5 = (int16_t)le16(lo + 14);
    c->dig_P6 = (int16_t)le16(lo + 16);
    c->dig_P7 = (int16_t)le16(lo + 18);
    c->dig_P8 = (int16_t)le16(lo + 20);
    c->dig_P9 = (int16_t)le16(lo + 22);
    c->dig_H1 = lo[25]; /* lo[24] is 0xA0, not a trimming value */
    c->dig_H2 = (int16_t)le16(hi + 0);
    c->dig_H3 = hi[2];
    /* H4 and H5 are 12-bit signed values sharing register 0xE5's two nibbles. */
    c->dig_H4 = (int16_t)((int8_t)hi[3] * 16 + (hi[4] & 0x0F));
    c->dig_H5 = (int16_t)((int8_t)hi[5] * 16 + (hi[4] >> 4));
    c->dig_H6 = (int8_t)hi[6];
}

int32_t akira_bme280_compensate_temp(const struct akira_bme280_calib *c, int32_t adc_T,
                                     int32_t *t_fine)
{
    int64_t d1 = (adc_T >> 3) - (int64_t)c->dig_T1 * 2;
    int64_t var1 = (d1 * c->dig_T2) >> 11;
    int64_t d2 = (adc_T >> 4) - (int64_t)c->dig_T1;
    int64_t var2 = (((d2 * d2) >> 12) * c->dig_T3) >> 14;
    int32_t tf = (int32_t)(var1 + var2);
    if (t_fine) *t_fine = tf;
    return (int32_t)(((int64_t)tf * 5 + 128) >> 8);
}

uint32_t akira_bme280_compensate_press(const struct akira_bme280_calib *c, int32_t adc_P,
                                       int32_t t_fine)
{
    int64_t var1 = (int64_t)t_fine - 128000;
    int64_t var2 = var1 * var1 * c->dig_P6;
    var2 += var1 * c->dig_P5 * ((int64_t)1 << 17);
    var2 += (int64_t)c->dig_P4 * ((int64_t)1 << 35);
    var1 = ((var1 * var1 * c->dig_P3) >> 8) + var1 * c->dig_P2 * ((int64_t)1 << 12);
    var1 = ((((int64_t)1 << 47) + var1) * c->dig_P1) >> 33;
    if (var1 == 0) return 0; /* the datasheet's guard against dividing by zero */
    int64_t p = 1048576 - (int64_t)adc_P;
    p = ((p * ((int64_t)1 << 31) - var2) * 3125) / var1;
    var1 = ((int64_t)c->dig_P9 * (p >> 13) * (p >> 13)) >> 25;
    var2 = ((int64_t)c->dig_P8 * p) >> 19;
    p = ((p + var1 + var2) >> 8) + (int64_t)c->dig_P7 * 16;
    return (uint32_t)p;
}

uint32_t akira_bme280_compensate_hum(const struct akira_bme280_calib *c, int32_t adc_H,
                                     int32_t t_fine)
{
    int64_t v = (int64_t)t_fine - 76800;
    int64_t a =
        (((int64_t)adc_H * 16384 - (int64_t)c->dig_H4 * 1048576 - c->dig_H5 * v) + 16384) >> 15;
    int64_t b = (((((v * c->dig_H6) >> 10) * (((v * c->dig_H3) >> 11) + 32768)) >> 10) + 2097152) *
                    c->dig_H2 +
                8192;
    v = a * (b >> 14);
    v -= ((((v >> 15) * (v >> 15)) >> 7) * c->dig_H1) >> 4;
    if (v < 0) v = 0;
    if (v > 419430400) v = 419430400;
    return (uint32_t)(v >> 12);
}

static int reg_read(const struct akira_device *dev, uint8_t reg, uint8_t *buf, uint32_t len)
{
    const struct akira_bme280_config *cfg = dev->config;
    struct akira_bme280_data *d = dev->data;
    return akira_i2c_burst_read(d->bus, cfg->addr, reg, buf, len);
}

static int reg_write(const struct akira_device *dev, uint8_t reg, uint8_t value)
{
    const struct akira_bme280_config *cfg = dev->config;
    struct akira_bme280_data *d = dev->data;
    return akira_i2c_reg_write_byte(d->bus, cfg->addr, reg, value);
}

/* Polls the status register until none of mask's bits is set. */
static int wait_status_clear(const struct akira_device *dev, uint8_t mask, uint32_t timeout_ms)
{
    uint64_t end = akira_uptime_ms() + timeout_ms;
    for (;;) {
        uint8_t st;
        int rc = reg_read(dev, AKIRA_BME280_REG_STATUS, &st, 1);
        if (rc != 0) return rc;
        if (!(st & mask)) return 0;
        if (akira_uptime_ms() >= end) return AKIRA_ETIMEDOUT;
        akira_sleep_ms(1);
    }
}

int akira_bme280_init(const struct akira_device *dev)
{
    const struct akira_bme280_config *cfg = dev->config;
    struct akira_bme280_data *d = dev->data;
    if (!cfg || !d || cfg->addr > AKIRA_I2C_ADDR_MAX) return AKIRA_EINVAL;
    d->bus = akira_driver_get(AKIRA_DRIVER_I2C, cfg->bus);
    if (!d->bus || !akira_device_is_ready(d->bus)) return AKIRA_ENODEV;
    uint8_t id;
    int rc = reg_read(dev, AKIRA_BME280_REG_ID, &id, 1);
    if (rc != 0) return AKIRA_ENODEV; /* nobody acknowledged the address */
    if (id != AKIRA_BME280_CHIP_ID) {
        AKIRA_LOG_ERR("%s: chip id 0x%02x, not a BME280", dev->name, id);
        return AKIRA_ENODEV;
    }
    rc = reg_write(dev, AKIRA_BME280_REG_RESET, AKIRA_BME280_RESET_WORD);
    if (rc == 0) {
        akira_sleep_ms(2); /* start-up time after reset, datasheet table 1 */
        rc = wait_status_clear(dev, AKIRA_BME280_STATUS_IM_UPDATE, RESET_TIMEOUT_MS);
    }
    uint8_t lo[26], hi[7];
    if (rc == 0) rc = reg_read(dev, AKIRA_BME280_REG_CALIB00, lo, sizeof(lo));
    if (rc == 0) rc = reg_read(dev, AKIRA_BME280_REG_CALIB26, hi, sizeof(hi));
    if (rc == 0) rc = reg_write(dev, AKIRA_BME280_REG_CTRL_HUM, OSRS_X1);
    if (rc == 0) rc = reg_write(dev, AKIRA_BME280_REG_CONFIG, 0x00);
    if (rc == 0) rc = reg_write(dev, AKIRA_BME280_REG_CTRL_MEAS, CTRL_MEAS_SLEEP);
    if (rc != 0) return rc;
    akira_bme280_calib_parse(&d->calib, lo, hi);
    d->have_sample = false;
    return akira_mutex_create(&d->lock);
}

static uint32_t bme280_channels(const struct akira_device *dev)
{
    (void)dev;
    return (1u << AKIRA_SENSOR_CHAN_AMBIENT_TEMP) | (1u << AKIRA_SENSOR_CHAN_PRESS) |
           (1u << AKIRA_SENSOR_CHAN_HUMIDITY);
}

static int bme280_fetch(const struct akira_device *dev)
{
    struct akira_bme280_data *d = dev->data;
    akira_mutex_lock(d->lock, AKIRA_FOREVER);
    /* ctrl_hum only takes effect with the following ctrl_meas write (datasheet 5.4.3). */
    int rc = reg_write(dev, AKIRA_BME280_REG_CTRL_HUM, OSRS_X1);
    if (rc == 0) rc = reg_write(dev, AKIRA_BME280_REG_CTRL_MEAS, CTRL_MEAS_FORCED);
    if (rc == 0) rc = wait_status_clear(dev, AKIRA_BME280_STATUS_MEASURING, MEASURE_TIMEOUT_MS);
    uint8_t b[8];
    if (rc == 0) rc = reg_read(dev, AKIRA_BME280_REG_PRESS_MSB, b, sizeof(b));
    if (rc == 0) {
        int32_t adc_P = (int32_t)(((uint32_t)b[0] << 12) | ((uint32_t)b[1] << 4) | (b[2] >> 4));
        int32_t adc_T = (int32_t)(((uint32_t)b[3] << 12) | ((uint32_t)b[4] << 4) | (b[5] >> 4));
        int32_t adc_H = (int32_t)(((uint32_t)b[6] << 8) | b[7]);
        /* 0x80000 / 0x8000 are the "measurement skipped" values. */
        if (adc_T == 0x80000 || adc_P == 0x80000 || adc_H == 0x8000) {
            rc = AKIRA_EIO;
        } else {
            int32_t t_fine;
            d->temp_centi = akira_bme280_compensate_temp(&d->calib, adc_T, &t_fine);
            d->press_q248 = akira_bme280_compensate_press(&d->calib, adc_P, t_fine);
            d->hum_q2210 = akira_bme280_compensate_hum(&d->calib, adc_H, t_fine);
            d->have_sample = true;
        }
    }
    akira_mutex_unlock(d->lock);
    return rc;
}

static int bme280_get(const struct akira_device *dev, enum akira_sensor_channel chan,
                      struct akira_sensor_value *val)
{
    struct akira_bme280_data *d = dev->data;
    akira_mutex_lock(d->lock, AKIRA_FOREVER);
    int rc = 0;
    int64_t micro = 0;
    if (!d->have_sample) {
        rc = AKIRA_ESTATE;
    } else if (chan == AKIRA_SENSOR_CHAN_AMBIENT_TEMP) {
        micro = (int64_t)d->temp_centi * 10000;
    } else if (chan == AKIRA_SENSOR_CHAN_PRESS) {
        micro = (int64_t)d->press_q248 * 1000 / 256; /* Pa/256 -> micro-kPa (mPa) */
    } else if (chan == AKIRA_SENSOR_CHAN_HUMIDITY) {
        micro = (int64_t)d->hum_q2210 * 1000000 / 1024;
    } else {
        rc = AKIRA_ENOTSUP;
    }
    akira_mutex_unlock(d->lock);
    if (rc == 0) *val = akira_sensor_value_from_micro(micro);
    return rc;
}

const struct akira_sensor_api akira_bme280_api = {
    .channels = bme280_channels,
    .sample_fetch = bme280_fetch,
    .channel_get = bme280_get,
    .attr_set = NULL,
};

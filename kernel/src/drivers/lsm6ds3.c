/*
 * ST LSM6DS3 driver over the I2C class API. Sensitivities and register encodings are
 * the datasheet's (tables "Mechanical characteristics" and CTRL1_XL / CTRL2_G).
 */
#include <akira/clock.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/i2c.h>
#include <akira/drivers/lsm6ds3.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/thread.h>

AKIRA_LOG_MODULE_REGISTER(lsm6ds3);

#define ODR_104HZ       0x4u /* ODR code in bits [7:4] */
#define DATA_TIMEOUT_MS 50   /* several periods at 104 Hz */
#define STATUS_XLDA     (1u << 0)
#define STATUS_GDA      (1u << 1)

static const struct {
    unsigned fs;
    uint32_t sens;
    uint8_t bits;
} accel_fs[] = {{2, 61, 0x0}, {4, 122, 0x8}, {8, 244, 0xC}, {16, 488, 0x4}},
  gyro_fs[] = {{125, 4375, 0x2},
               {245, 8750, 0x0},
               {500, 17500, 0x4},
               {1000, 35000, 0x8},
               {2000, 70000, 0xC}};
#define N_ACCEL (sizeof(accel_fs) / sizeof(accel_fs[0]))
#define N_GYRO  (sizeof(gyro_fs) / sizeof(gyro_fs[0]))

/* Output data rates in Hz x10 by ODR code 1..10 (code 0 is power-down). */
static const uint32_t odr_dhz[] = {125, 260, 520, 1040, 2080, 4160, 8330, 16600, 33300, 66600};

uint32_t akira_lsm6ds3_accel_ug_per_lsb(unsigned fs_g)
{
    for (size_t i = 0; i < N_ACCEL; i++)
        if (accel_fs[i].fs == fs_g) return accel_fs[i].sens;
    return 0;
}

uint32_t akira_lsm6ds3_gyro_udps_per_lsb(unsigned fs_dps)
{
    for (size_t i = 0; i < N_GYRO; i++)
        if (gyro_fs[i].fs == fs_dps) return gyro_fs[i].sens;
    return 0;
}

int akira_lsm6ds3_accel_fs_bits(unsigned fs_g)
{
    for (size_t i = 0; i < N_ACCEL; i++)
        if (accel_fs[i].fs == fs_g) return accel_fs[i].bits;
    return -1;
}

int akira_lsm6ds3_gyro_fs_bits(unsigned fs_dps)
{
    for (size_t i = 0; i < N_GYRO; i++)
        if (gyro_fs[i].fs == fs_dps) return gyro_fs[i].bits;
    return -1;
}

int64_t akira_lsm6ds3_accel_micro(int16_t raw, unsigned fs_g)
{
    /* micro-g times standard gravity 9.80665 m/s^2 */
    return (int64_t)raw * akira_lsm6ds3_accel_ug_per_lsb(fs_g) * 980665 / 100000;
}

int64_t akira_lsm6ds3_gyro_micro(int16_t raw, unsigned fs_dps)
{
    /* micro-dps times pi/180 (0.0174533) */
    return (int64_t)raw * akira_lsm6ds3_gyro_udps_per_lsb(fs_dps) * 174533 / 10000000;
}

int64_t akira_lsm6ds3_temp_micro(int16_t raw)
{
    return 25000000 + (int64_t)raw * 62500; /* 16 LSB/C around 25 C */
}

static int reg_read(const struct akira_device *dev, uint8_t reg, uint8_t *buf, uint32_t len)
{
    const struct akira_lsm6ds3_config *cfg = dev->config;
    struct akira_lsm6ds3_data *d = dev->data;
    return akira_i2c_burst_read(d->bus, cfg->addr, reg, buf, len);
}

static int reg_write(const struct akira_device *dev, uint8_t reg, uint8_t value)
{
    const struct akira_lsm6ds3_config *cfg = dev->config;
    struct akira_lsm6ds3_data *d = dev->data;
    return akira_i2c_reg_write_byte(d->bus, cfg->addr, reg, value);
}

/* Rewrites the low nibble (full scale) of a CTRL register, keeping its ODR. */
static int ctrl_fs_write(const struct akira_device *dev, uint8_t reg, uint8_t bits)
{
    uint8_t v;
    int rc = reg_read(dev, reg, &v, 1);
    return rc ? rc : reg_write(dev, reg, (uint8_t)((v & 0xF0) | bits));
}

static int ctrl_odr_write(const struct akira_device *dev, uint8_t reg, uint8_t code)
{
    uint8_t v;
    int rc = reg_read(dev, reg, &v, 1);
    return rc ? rc : reg_write(dev, reg, (uint8_t)((v & 0x0F) | (code << 4)));
}

int akira_lsm6ds3_init(const struct akira_device *dev)
{
    const struct akira_lsm6ds3_config *cfg = dev->config;
    struct akira_lsm6ds3_data *d = dev->data;
    if (!cfg || !d || cfg->addr > AKIRA_I2C_ADDR_MAX) return AKIRA_EINVAL;
    int xl = akira_lsm6ds3_accel_fs_bits(cfg->accel_fs_g);
    int g = akira_lsm6ds3_gyro_fs_bits(cfg->gyro_fs_dps);
    if (xl < 0 || g < 0) return AKIRA_EINVAL;
    d->bus = akira_driver_get(AKIRA_DRIVER_I2C, cfg->bus);
    if (!d->bus || !akira_device_is_ready(d->bus)) return AKIRA_ENODEV;
    uint8_t id;
    if (reg_read(dev, AKIRA_LSM6DS3_REG_WHO_AM_I, &id, 1) != 0) return AKIRA_ENODEV;
    if (id != AKIRA_LSM6DS3_WHO_AM_I_VALUE) {
        AKIRA_LOG_ERR("%s: WHO_AM_I 0x%02x, not an LSM6DS3", dev->name, id);
        return AKIRA_ENODEV;
    }
    int rc = reg_write(dev, AKIRA_LSM6DS3_REG_CTRL3_C, AKIRA_LSM6DS3_CTRL3_SW_RESET);
    for (int tries = 0; rc == 0; tries++) {
        uint8_t c3;
        rc = reg_read(dev, AKIRA_LSM6DS3_REG_CTRL3_C, &c3, 1);
        if (rc != 0 || !(c3 & AKIRA_LSM6DS3_CTRL3_SW_RESET)) break;
        if (tries == 10) rc = AKIRA_ETIMEDOUT;
        akira_sleep_ms(1);
    }
    if (rc == 0)
        rc = reg_write(dev, AKIRA_LSM6DS3_REG_CTRL3_C,
                       AKIRA_LSM6DS3_CTRL3_BDU | AKIRA_LSM6DS3_CTRL3_IF_INC);
    if (rc == 0) rc = reg_write(dev, AKIRA_LSM6DS3_REG_CTRL1_XL, (uint8_t)(ODR_104HZ << 4 | xl));
    if (rc == 0) rc = reg_write(dev, AKIRA_LSM6DS3_REG_CTRL2_G, (uint8_t)(ODR_104HZ << 4 | g));
    if (rc != 0) return rc;
    d->accel_fs_g = cfg->accel_fs_g;
    d->gyro_fs_dps = cfg->gyro_fs_dps;
    d->have_sample = false;
    return akira_mutex_create(&d->lock);
}

static uint32_t lsm_channels(const struct akira_device *dev)
{
    (void)dev;
    uint32_t m = 1u << AKIRA_SENSOR_CHAN_DIE_TEMP;
    for (int c = AKIRA_SENSOR_CHAN_ACCEL_X; c <= AKIRA_SENSOR_CHAN_GYRO_Z; c++)
        m |= 1u << c;
    return m;
}

static int16_t s16le(const uint8_t *b)
{
    return (int16_t)(uint16_t)(b[0] | (b[1] << 8));
}

static int lsm_fetch(const struct akira_device *dev)
{
    struct akira_lsm6ds3_data *d = dev->data;
    akira_mutex_lock(d->lock, AKIRA_FOREVER);
    /* Wait for a sample of both sensors newer than the last one read. */
    uint64_t end = akira_uptime_ms() + DATA_TIMEOUT_MS;
    int rc;
    for (;;) {
        uint8_t st;
        rc = reg_read(dev, AKIRA_LSM6DS3_REG_STATUS, &st, 1);
        if (rc != 0 || (st & (STATUS_XLDA | STATUS_GDA)) == (STATUS_XLDA | STATUS_GDA)) break;
        if (akira_uptime_ms() >= end) {
            rc = AKIRA_ETIMEDOUT;
            break;
        }
        akira_sleep_ms(1);
    }
    uint8_t b[14]; /* OUT_TEMP_L .. OUTZ_H_XL, one burst thanks to IF_INC */
    if (rc == 0) rc = reg_read(dev, AKIRA_LSM6DS3_REG_OUT_TEMP_L, b, sizeof(b));
    if (rc == 0) {
        d->raw_temp = s16le(b);
        for (int i = 0; i < 3; i++) {
            d->raw_gyro[i] = s16le(b + 2 + 2 * i);
            d->raw_accel[i] = s16le(b + 8 + 2 * i);
        }
        d->have_sample = true;
    }
    akira_mutex_unlock(d->lock);
    return rc;
}

static int lsm_get(const struct akira_device *dev, enum akira_sensor_channel chan,
                   struct akira_sensor_value *val)
{
    struct akira_lsm6ds3_data *d = dev->data;
    akira_mutex_lock(d->lock, AKIRA_FOREVER);
    int rc = 0;
    int64_t micro = 0;
    if (!d->have_sample)
        rc = AKIRA_ESTATE;
    else if (chan >= AKIRA_SENSOR_CHAN_ACCEL_X && chan <= AKIRA_SENSOR_CHAN_ACCEL_Z)
        micro = akira_lsm6ds3_accel_micro(d->raw_accel[chan - AKIRA_SENSOR_CHAN_ACCEL_X],
                                          d->accel_fs_g);
    else if (chan >= AKIRA_SENSOR_CHAN_GYRO_X && chan <= AKIRA_SENSOR_CHAN_GYRO_Z)
        micro =
            akira_lsm6ds3_gyro_micro(d->raw_gyro[chan - AKIRA_SENSOR_CHAN_GYRO_X], d->gyro_fs_dps);
    else if (chan == AKIRA_SENSOR_CHAN_DIE_TEMP)
        micro = akira_lsm6ds3_temp_micro(d->raw_temp);
    else
        rc = AKIRA_ENOTSUP;
    akira_mutex_unlock(d->lock);
    if (rc == 0) *val = akira_sensor_value_from_micro(micro);
    return rc;
}

static int set_full_scale(const struct akira_device *dev, bool accel, int64_t micro)
{
    struct akira_lsm6ds3_data *d = dev->data;
    if (micro < 0) micro = -micro;
    if (accel) {
        for (size_t i = 0; i < N_ACCEL; i++) {
            if ((int64_t)accel_fs[i].fs * 9806650 < micro) continue;
            int rc = ctrl_fs_write(dev, AKIRA_LSM6DS3_REG_CTRL1_XL, accel_fs[i].bits);
            if (rc == 0) d->accel_fs_g = (uint8_t)accel_fs[i].fs;
            return rc;
        }
    } else {
        for (size_t i = 0; i < N_GYRO; i++) {
            /* full scale in micro-rad/s: dps * pi/180 * 1e6 */
            if ((int64_t)gyro_fs[i].fs * 17454 < micro) continue; /* pi/180 rounded up */
            int rc = ctrl_fs_write(dev, AKIRA_LSM6DS3_REG_CTRL2_G, gyro_fs[i].bits);
            if (rc == 0) d->gyro_fs_dps = gyro_fs[i].fs;
            return rc;
        }
    }
    return AKIRA_ERANGE;
}

static int set_odr(const struct akira_device *dev, bool accel, int64_t micro_hz)
{
    size_t n = accel ? 10 : 8; /* the gyroscope stops at 1.66 kHz */
    if (micro_hz <= 0)
        return ctrl_odr_write(dev, accel ? AKIRA_LSM6DS3_REG_CTRL1_XL : AKIRA_LSM6DS3_REG_CTRL2_G,
                              0);
    for (size_t i = 0; i < n; i++)
        if ((int64_t)odr_dhz[i] * 100000 >= micro_hz)
            return ctrl_odr_write(dev,
                                  accel ? AKIRA_LSM6DS3_REG_CTRL1_XL : AKIRA_LSM6DS3_REG_CTRL2_G,
                                  (uint8_t)(i + 1));
    return AKIRA_ERANGE;
}

static int lsm_attr_set(const struct akira_device *dev, enum akira_sensor_channel chan,
                        enum akira_sensor_attr attr, const struct akira_sensor_value *val)
{
    struct akira_lsm6ds3_data *d = dev->data;
    if (chan == AKIRA_SENSOR_CHAN_DIE_TEMP) return AKIRA_ENOTSUP;
    bool accel = chan <= AKIRA_SENSOR_CHAN_ACCEL_Z;
    int64_t micro = akira_sensor_value_to_micro(val);
    akira_mutex_lock(d->lock, AKIRA_FOREVER);
    int rc = attr == AKIRA_SENSOR_ATTR_FULL_SCALE ? set_full_scale(dev, accel, micro)
                                                  : set_odr(dev, accel, micro);
    akira_mutex_unlock(d->lock);
    return rc;
}

const struct akira_sensor_api akira_lsm6ds3_api = {
    .channels = lsm_channels,
    .sample_fetch = lsm_fetch,
    .channel_get = lsm_get,
    .attr_set = lsm_attr_set,
};

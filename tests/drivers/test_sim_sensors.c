/*
 * The portable bme280 and lsm6ds3 sensor drivers on native_sim's i2c0, end to end:
 * the signal set on the bench comes back through the chip model's raw registers and
 * the driver's integer compensation / datasheet scaling, for several operating points
 * and every full scale; scripted and seeded signals are reproducible; bad channels
 * and attributes are refused.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/i2c.h>
#include <akira/drivers/lsm6ds3.h>
#include <akira/drivers/sensor.h>
#include <akira/sim_devices.h>

#include "drv_test.h"

static const struct akira_device *bme, *lsm;

static int setup(void **state)
{
    if (drv_boot_group_sensors(state) != 0) return -1;
    bme = akira_driver_get(AKIRA_DRIVER_SENSOR, "bme280");
    lsm = akira_driver_get(AKIRA_DRIVER_SENSOR, "lsm6ds3");
    return bme && lsm ? 0 : -1;
}

static double get(const struct akira_device *dev, enum akira_sensor_channel c)
{
    struct akira_sensor_value v;
    assert_int_equal(akira_sensor_channel_get(dev, c, &v), 0);
    assert_true(v.val2 > -1000000 && v.val2 < 1000000);
    assert_true((v.val1 >= 0 && v.val2 >= 0) || (v.val1 <= 0 && v.val2 <= 0));
    return (double)akira_sensor_value_to_micro(&v) / 1e6;
}

static void test_get_before_fetch_and_bad_channels(void **state)
{
    (void)state;
    struct akira_sensor_value v;
    assert_int_equal(akira_sensor_channel_get(bme, AKIRA_SENSOR_CHAN_AMBIENT_TEMP, &v),
                     AKIRA_ESTATE);
    assert_int_equal(akira_sensor_channel_get(lsm, AKIRA_SENSOR_CHAN_ACCEL_X, &v), AKIRA_ESTATE);
    assert_int_equal(akira_sensor_channel_get(bme, AKIRA_SENSOR_CHAN_COUNT_, &v), AKIRA_EINVAL);
    assert_int_equal(akira_sensor_channel_get(bme, (enum akira_sensor_channel) - 1, &v),
                     AKIRA_EINVAL);
    assert_int_equal(akira_sensor_channel_get(bme, AKIRA_SENSOR_CHAN_ACCEL_X, &v), AKIRA_ENOTSUP);
    assert_int_equal(akira_sensor_channel_get(lsm, AKIRA_SENSOR_CHAN_PRESS, &v), AKIRA_ENOTSUP);
    assert_int_equal(akira_sensor_channel_get(bme, AKIRA_SENSOR_CHAN_PRESS, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_sensor_sample_fetch(NULL), AKIRA_ENODEV);
    assert_int_equal(akira_driver_foreach(AKIRA_DRIVER_SENSOR, NULL, NULL), 2);
}

static void test_bme280_follows_signal(void **state)
{
    (void)state;
    const double T[] = {-10.0, 0.0, 25.08, 41.3};
    const double P[] = {80000.0, 95000.5, 101325.0, 105000.0};
    const double H[] = {10.0, 35.5, 60.0, 90.0};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_TEMP, T[i]), 0);
        assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_PRESS, P[i]), 0);
        assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_HUM, H[i]), 0);
        assert_int_equal(akira_sensor_sample_fetch(bme), 0);
        /* resolutions: 0.01 C, 1/256 Pa, 1/1024 %RH, plus the model's 20/16-bit ADC */
        assert_true(fabs(get(bme, AKIRA_SENSOR_CHAN_AMBIENT_TEMP) - T[i]) <= 0.011);
        assert_true(fabs(get(bme, AKIRA_SENSOR_CHAN_PRESS) * 1000.0 - P[i]) <= 1.0);
        assert_true(fabs(get(bme, AKIRA_SENSOR_CHAN_HUMIDITY) - H[i]) <= 0.05);
    }
    struct akira_sensor_reading r[AKIRA_SENSOR_CHAN_COUNT_];
    assert_int_equal(akira_sensor_read_all(bme, r, AKIRA_SENSOR_CHAN_COUNT_), 3);
    assert_int_equal(r[0].chan, AKIRA_SENSOR_CHAN_AMBIENT_TEMP);
    assert_int_equal(r[2].chan, AKIRA_SENSOR_CHAN_HUMIDITY);
}

static void test_bme280_script_and_seeded_walk(void **state)
{
    (void)state;
    const double s[3] = {20.0, 21.0, 22.5};
    assert_int_equal(akira_sim_signal_script(AKIRA_SIM_SIG_TEMP, s, 3), 0);
    const double want[4] = {20.0, 21.0, 22.5, 22.5}; /* the last value repeats */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(akira_sensor_sample_fetch(bme), 0);
        assert_true(fabs(get(bme, AKIRA_SENSOR_CHAN_AMBIENT_TEMP) - want[i]) <= 0.011);
    }
    double first[8], again[8];
    for (int run = 0; run < 2; run++) {
        assert_int_equal(akira_sim_signal_walk(AKIRA_SIM_SIG_TEMP, 42, 20.0, 0.5), 0);
        for (int i = 0; i < 8; i++) {
            assert_int_equal(akira_sensor_sample_fetch(bme), 0);
            (run ? again : first)[i] = get(bme, AKIRA_SENSOR_CHAN_AMBIENT_TEMP);
        }
    }
    assert_memory_equal(first, again, sizeof(first));
    bool moved = false;
    for (int i = 0; i < 8; i++) {
        assert_true(fabs(first[i] - 20.0) <= 0.5 * (i + 1) + 0.011);
        if (fabs(first[i] - 20.0) > 0.02) moved = true;
    }
    assert_true(moved);
    /* out-of-range settings are refused and change nothing */
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_TEMP, 200.0), AKIRA_EINVAL);
    assert_int_equal(akira_sim_signal_walk(AKIRA_SIM_SIG_TEMP, 1, 20.0, 0.0), AKIRA_EINVAL);
    assert_int_equal(akira_sim_signal_script(AKIRA_SIM_SIG_TEMP, s, 0), AKIRA_EINVAL);
    struct akira_sim_signal_info in;
    assert_int_equal(akira_sim_signal_info(AKIRA_SIM_SIG_TEMP, &in), 0);
    assert_int_equal(in.mode, AKIRA_SIM_SIGNAL_WALK);
    assert_int_equal(in.seed, 42);
}

static void set_full_scale(enum akira_sensor_channel c, double v, int want)
{
    struct akira_sensor_value fs = akira_sensor_value_from_micro((int64_t)llround(v * 1e6));
    assert_int_equal(akira_sensor_attr_set(lsm, c, AKIRA_SENSOR_ATTR_FULL_SCALE, &fs), want);
}

static int16_t raw_reg(uint8_t reg)
{
    const struct akira_device *bus = akira_driver_get(AKIRA_DRIVER_I2C, "i2c0");
    uint8_t b[2];
    assert_int_equal(akira_i2c_burst_read(bus, AKIRA_SIM_LSM6DS3_ADDR, reg, b, 2), 0);
    return (int16_t)(uint16_t)(b[0] | b[1] << 8);
}

static void test_lsm6ds3_accel_every_full_scale(void **state)
{
    (void)state;
    const double g = 9.80665;
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_ACCEL_X, -0.5 * g), 0);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_ACCEL_Y, 0.0), 0);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_ACCEL_Z, g), 0);
    const unsigned fs[4] = {2, 4, 8, 16};
    const double mg_per_lsb[4] = {0.061, 0.122, 0.244, 0.488}; /* datasheet */
    for (int i = 0; i < 4; i++) {
        set_full_scale(AKIRA_SENSOR_CHAN_ACCEL_X, fs[i] * g, 0);
        assert_int_equal(akira_sensor_sample_fetch(lsm), 0);
        assert_int_equal(akira_sensor_sample_fetch(lsm), 0); /* a sample at the new scale */
        double lsb = mg_per_lsb[i] * 1e-3 * g;
        /* the chip's register holds 1 g / sensitivity */
        assert_int_equal(raw_reg(AKIRA_LSM6DS3_REG_OUTX_L_XL + 4),
                         (int)lround(1000.0 / mg_per_lsb[i]));
        assert_true(fabs(get(lsm, AKIRA_SENSOR_CHAN_ACCEL_Z) - g) <= lsb);
        assert_true(fabs(get(lsm, AKIRA_SENSOR_CHAN_ACCEL_X) + 0.5 * g) <= lsb);
        assert_true(fabs(get(lsm, AKIRA_SENSOR_CHAN_ACCEL_Y)) <= lsb);
    }
    /* 3 g does not fit +-2 g: the output saturates */
    set_full_scale(AKIRA_SENSOR_CHAN_ACCEL_Z, 2 * g, 0);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_ACCEL_Z, 3 * g), 0);
    assert_int_equal(akira_sensor_sample_fetch(lsm), 0);
    assert_int_equal(akira_sensor_sample_fetch(lsm), 0);
    assert_int_equal(raw_reg(AKIRA_LSM6DS3_REG_OUTX_L_XL + 4), 32767);
    set_full_scale(AKIRA_SENSOR_CHAN_ACCEL_Z, 17 * g, AKIRA_ERANGE);
    set_full_scale(AKIRA_SENSOR_CHAN_DIE_TEMP, 1, AKIRA_ENOTSUP);
    akira_sim_signal_const(AKIRA_SIM_SIG_ACCEL_Z, g);
}

static void test_lsm6ds3_gyro_every_full_scale_and_temp(void **state)
{
    (void)state;
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_GYRO_X, 100.0), 0);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_GYRO_Y, -50.0), 0);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_GYRO_Z, 0.0), 0);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_IMU_TEMP, 30.0), 0);
    const unsigned fs[5] = {125, 245, 500, 1000, 2000};
    const double mdps_per_lsb[5] = {4.375, 8.75, 17.5, 35.0, 70.0}; /* datasheet */
    const double rad = M_PI / 180.0;
    for (int i = 0; i < 5; i++) {
        set_full_scale(AKIRA_SENSOR_CHAN_GYRO_X, fs[i] * rad, 0);
        assert_int_equal(akira_sensor_sample_fetch(lsm), 0);
        assert_int_equal(akira_sensor_sample_fetch(lsm), 0);
        double lsb = mdps_per_lsb[i] * 1e-3 * rad;
        assert_int_equal(raw_reg(AKIRA_LSM6DS3_REG_OUTX_L_G),
                         (int)lround(100000.0 / mdps_per_lsb[i]));
        assert_true(fabs(get(lsm, AKIRA_SENSOR_CHAN_GYRO_X) - 100.0 * rad) <= lsb + 2e-6);
        assert_true(fabs(get(lsm, AKIRA_SENSOR_CHAN_GYRO_Y) + 50.0 * rad) <= lsb + 2e-6);
    }
    assert_true(fabs(get(lsm, AKIRA_SENSOR_CHAN_DIE_TEMP) - 30.0) <= 1.0 / 16);
    struct akira_sensor_reading r[AKIRA_SENSOR_CHAN_COUNT_];
    assert_int_equal(akira_sensor_read_all(lsm, r, AKIRA_SENSOR_CHAN_COUNT_), 7);
    assert_int_equal(r[6].chan, AKIRA_SENSOR_CHAN_DIE_TEMP);
}

static void test_value_helpers(void **state)
{
    (void)state;
    struct akira_sensor_value v = akira_sensor_value_from_micro(-1500000);
    assert_int_equal(v.val1, -1);
    assert_int_equal(v.val2, -500000);
    char buf[32];
    assert_string_equal(akira_sensor_value_format(&v, buf, sizeof(buf)), "-1.500000");
    v = akira_sensor_value_from_micro(-250000);
    assert_string_equal(akira_sensor_value_format(&v, buf, sizeof(buf)), "-0.250000");
    assert_int_equal(akira_sensor_channel_from_name("press"), AKIRA_SENSOR_CHAN_PRESS);
    assert_int_equal(akira_sensor_channel_from_name("nope"), AKIRA_EINVAL);
    assert_string_equal(akira_sensor_channel_unit(AKIRA_SENSOR_CHAN_GYRO_Z), "rad/s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_before_fetch_and_bad_channels),
        cmocka_unit_test(test_bme280_follows_signal),
        cmocka_unit_test(test_bme280_script_and_seeded_walk),
        cmocka_unit_test(test_lsm6ds3_accel_every_full_scale),
        cmocka_unit_test(test_lsm6ds3_gyro_every_full_scale_and_temp),
        cmocka_unit_test(test_value_helpers),
    };
    return cmocka_run_group_tests(tests, setup, drv_shutdown_group);
}

/*
 * native_sim i2c0 and its chip models at register level, as a driver sees them:
 * NACK on an absent address, bad arguments refused, the BME280's id, reset, trimming
 * bytes, (register, value) pair writes, forced and normal modes, skipped
 * measurements; the LSM6DS3's WHO_AM_I, auto-increment on and off (CTRL3_C IF_INC),
 * software reset, data-ready bits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/drivers/bme280.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/i2c.h>
#include <akira/drivers/lsm6ds3.h>
#include <akira/sim_devices.h>

#include "drv_test.h"

#define BME AKIRA_SIM_BME280_ADDR
#define LSM AKIRA_SIM_LSM6DS3_ADDR

static const struct akira_device *bus;

static int setup(void **state)
{
    if (drv_boot_group(state) != 0) return -1;
    bus = akira_driver_get(AKIRA_DRIVER_I2C, "i2c0");
    return bus ? 0 : -1;
}

static uint8_t rd(uint16_t addr, uint8_t reg)
{
    uint8_t v = 0xEE;
    assert_int_equal(akira_i2c_reg_read_byte(bus, addr, reg, &v), 0);
    return v;
}

static void wr(uint16_t addr, uint8_t reg, uint8_t v)
{
    assert_int_equal(akira_i2c_reg_write_byte(bus, addr, reg, v), 0);
}

static void test_nack_and_bad_arguments(void **state)
{
    (void)state;
    uint8_t b[2] = {0};
    assert_int_equal(akira_i2c_burst_read(bus, 0x50, 0, b, 2), AKIRA_EIO);
    assert_int_equal(akira_i2c_write(bus, b, 1, 0x50), AKIRA_EIO);
    assert_int_equal(akira_i2c_write(bus, NULL, 0, 0x50), AKIRA_EIO); /* probe */
    assert_int_equal(akira_i2c_write(bus, NULL, 0, BME), 0);
    assert_int_equal(akira_i2c_read(bus, b, 1, 0x80), AKIRA_EINVAL);
    assert_int_equal(akira_i2c_transfer(bus, NULL, 1, BME), AKIRA_EINVAL);
    struct akira_i2c_msg m = {NULL, 4, AKIRA_I2C_MSG_READ};
    assert_int_equal(akira_i2c_transfer(bus, &m, 1, BME), AKIRA_EINVAL);
    m.buf = b;
    assert_int_equal(akira_i2c_transfer(bus, &m, 0, BME), AKIRA_EINVAL);
    assert_int_equal(akira_i2c_read(NULL, b, 1, BME), AKIRA_ENODEV);
}

static void test_bme280_id_trimming_reset(void **state)
{
    (void)state;
    assert_int_equal(rd(BME, AKIRA_BME280_REG_ID), 0x60);
    wr(BME, AKIRA_BME280_REG_ID, 0x12); /* read-only */
    assert_int_equal(rd(BME, AKIRA_BME280_REG_ID), 0x60);
    uint8_t c[26];
    assert_int_equal(akira_i2c_burst_read(bus, BME, 0x88, c, sizeof(c)), 0);
    assert_int_equal(c[0] | c[1] << 8, 27504);            /* dig_T1 */
    assert_int_equal((int16_t)(c[4] | c[5] << 8), -1000); /* dig_T3 */
    assert_int_equal(c[6] | c[7] << 8, 36477);            /* dig_P1 */
    /* a pair write: two registers in one message */
    uint8_t pairs[4] = {AKIRA_BME280_REG_CTRL_HUM, 0x03, AKIRA_BME280_REG_CONFIG, 0xA0};
    assert_int_equal(akira_i2c_write(bus, pairs, 4, BME), 0);
    assert_int_equal(rd(BME, AKIRA_BME280_REG_CTRL_HUM), 0x03);
    assert_int_equal(rd(BME, AKIRA_BME280_REG_CONFIG), 0xA0);
    /* a wrong reset word does nothing, 0xB6 resets */
    wr(BME, AKIRA_BME280_REG_RESET, 0x55);
    assert_int_equal(rd(BME, AKIRA_BME280_REG_CONFIG), 0xA0);
    wr(BME, AKIRA_BME280_REG_RESET, AKIRA_BME280_RESET_WORD);
    assert_int_equal(rd(BME, AKIRA_BME280_REG_CONFIG), 0x00);
    assert_int_equal(rd(BME, AKIRA_BME280_REG_CTRL_HUM), 0x00);
    uint8_t d[8];
    assert_int_equal(akira_i2c_burst_read(bus, BME, 0xF7, d, 8), 0);
    const uint8_t reset_vals[8] = {0x80, 0, 0, 0x80, 0, 0, 0x80, 0};
    assert_memory_equal(d, reset_vals, 8);
    assert_int_equal(akira_i2c_burst_read(bus, BME, 0x88, c, 2), 0); /* trimming kept */
    assert_int_equal(c[0] | c[1] << 8, 27504);
}

/* Raw temperature in the data registers. */
static int32_t adc_T(void)
{
    uint8_t d[3];
    assert_int_equal(akira_i2c_burst_read(bus, BME, 0xFA, d, 3), 0);
    return (int32_t)((uint32_t)d[0] << 12 | (uint32_t)d[1] << 4 | d[2] >> 4);
}

static void test_bme280_forced_mode(void **state)
{
    (void)state;
    wr(BME, AKIRA_BME280_REG_RESET, AKIRA_BME280_RESET_WORD);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_TEMP, 25.08), 0);
    /* x16 everywhere: 113 ms at most (appendix 9.1), long enough that the test sees
     * the measuring bit even on a loaded machine */
    wr(BME, AKIRA_BME280_REG_CTRL_HUM, 0x05);
    wr(BME, AKIRA_BME280_REG_CTRL_MEAS, 0xB5); /* T x16, P x16, forced */
    assert_true(rd(BME, AKIRA_BME280_REG_STATUS) & AKIRA_BME280_STATUS_MEASURING);
    assert_int_equal(adc_T(), 0x80000); /* no result before the end */
    for (int i = 0; i < 200 && (rd(BME, AKIRA_BME280_REG_STATUS) & AKIRA_BME280_STATUS_MEASURING);
         i++)
        akira_sleep_ms(2);
    assert_false(rd(BME, AKIRA_BME280_REG_STATUS) & AKIRA_BME280_STATUS_MEASURING);
    assert_int_equal(rd(BME, AKIRA_BME280_REG_CTRL_MEAS) & 3, 0); /* back to sleep */
    /* The raw value is what the datasheet's example chip would give for 25.08 C. */
    uint8_t lo[26], hi[7];
    akira_i2c_burst_read(bus, BME, 0x88, lo, 26);
    akira_i2c_burst_read(bus, BME, 0xE1, hi, 7);
    struct akira_bme280_calib cal;
    akira_bme280_calib_parse(&cal, lo, hi);
    int32_t raw = adc_T();
    assert_int_equal(akira_bme280_compensate_temp(&cal, raw, NULL), 2508);
    assert_in_range(raw, 519888 - 300, 519888 + 300);
}

static void test_bme280_normal_mode_and_skipped(void **state)
{
    (void)state;
    wr(BME, AKIRA_BME280_REG_RESET, AKIRA_BME280_RESET_WORD);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_TEMP, 10.0), 0);
    wr(BME, AKIRA_BME280_REG_CONFIG, 0x00);    /* t_sb 0.5 ms */
    wr(BME, AKIRA_BME280_REG_CTRL_MEAS, 0x27); /* normal */
    for (int i = 0; i < 50 && adc_T() == 0x80000; i++)
        akira_sleep_ms(2);
    assert_int_not_equal(adc_T(), 0x80000);
    assert_int_equal(rd(BME, AKIRA_BME280_REG_CTRL_MEAS) & 3, 3); /* stays in normal */
    int32_t at10 = adc_T();
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_TEMP, 30.0), 0);
    for (int i = 0; i < 50 && adc_T() == at10; i++)
        akira_sleep_ms(2);
    assert_true(adc_T() > at10); /* follows the signal without being asked */
    /* osrs_p = 0: pressure skipped, its register holds 0x80000 */
    wr(BME, AKIRA_BME280_REG_CTRL_MEAS, 0x20 | 0x01);
    akira_sleep_ms(15);
    uint8_t p[3];
    akira_i2c_burst_read(bus, BME, 0xF7, p, 3);
    assert_int_equal(p[0] << 12 | p[1] << 4 | p[2] >> 4, 0x80000);
    wr(BME, AKIRA_BME280_REG_RESET, AKIRA_BME280_RESET_WORD);
}

static void test_lsm6ds3_registers(void **state)
{
    (void)state;
    wr(LSM, AKIRA_LSM6DS3_REG_CTRL3_C, AKIRA_LSM6DS3_CTRL3_SW_RESET);
    assert_int_equal(rd(LSM, AKIRA_LSM6DS3_REG_WHO_AM_I), 0x69);
    assert_int_equal(rd(LSM, AKIRA_LSM6DS3_REG_CTRL3_C), 0x04); /* IF_INC after reset */
    /* multi-byte write with auto-increment: CTRL1_XL then CTRL2_G */
    uint8_t w[3] = {AKIRA_LSM6DS3_REG_CTRL1_XL, 0x48, 0x34};
    assert_int_equal(akira_i2c_write(bus, w, 3, LSM), 0);
    uint8_t r[3];
    assert_int_equal(akira_i2c_burst_read(bus, LSM, AKIRA_LSM6DS3_REG_CTRL1_XL, r, 3), 0);
    assert_int_equal(r[0], 0x48);
    assert_int_equal(r[1], 0x34);
    assert_int_equal(r[2], 0x04);
    /* IF_INC off: a burst reads the same register again and again */
    wr(LSM, AKIRA_LSM6DS3_REG_CTRL3_C, 0x00);
    assert_int_equal(akira_i2c_burst_read(bus, LSM, AKIRA_LSM6DS3_REG_WHO_AM_I, r, 3), 0);
    assert_int_equal(r[0], 0x69);
    assert_int_equal(r[1], 0x69);
    assert_int_equal(r[2], 0x69);
    /* software reset: defaults back, the bit clears itself */
    wr(LSM, AKIRA_LSM6DS3_REG_CTRL3_C, AKIRA_LSM6DS3_CTRL3_SW_RESET);
    assert_int_equal(rd(LSM, AKIRA_LSM6DS3_REG_CTRL3_C), 0x04);
    assert_int_equal(rd(LSM, AKIRA_LSM6DS3_REG_CTRL1_XL), 0x00);
    wr(LSM, AKIRA_LSM6DS3_REG_WHO_AM_I, 0); /* read-only */
    assert_int_equal(rd(LSM, AKIRA_LSM6DS3_REG_WHO_AM_I), 0x69);
}

static void test_lsm6ds3_data_ready_and_outputs(void **state)
{
    (void)state;
    wr(LSM, AKIRA_LSM6DS3_REG_CTRL3_C, AKIRA_LSM6DS3_CTRL3_SW_RESET);
    akira_sleep_ms(20);
    assert_int_equal(rd(LSM, AKIRA_LSM6DS3_REG_STATUS) & 3, 0); /* both powered down */
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_ACCEL_X, -9.80665), 0);
    /* 12.5 Hz, 2 g: a new sample only every 80 ms, so the test sees XLDA clear after
     * its read even on a loaded machine */
    wr(LSM, AKIRA_LSM6DS3_REG_CTRL1_XL, 0x10);
    int st = 0;
    for (int i = 0; i < 200 && !(st & 1); i++, akira_sleep_ms(2))
        st = rd(LSM, AKIRA_LSM6DS3_REG_STATUS);
    assert_true(st & 1);  /* XLDA */
    assert_false(st & 2); /* gyro still off */
    uint8_t x[2];
    assert_int_equal(akira_i2c_burst_read(bus, LSM, AKIRA_LSM6DS3_REG_OUTX_L_XL, x, 2), 0);
    int16_t raw = (int16_t)(uint16_t)(x[0] | x[1] << 8);
    assert_int_equal(raw, -16393);                       /* -1 g / 0.061 mg */
    assert_false(rd(LSM, AKIRA_LSM6DS3_REG_STATUS) & 1); /* read clears XLDA */
    wr(LSM, AKIRA_LSM6DS3_REG_CTRL3_C, AKIRA_LSM6DS3_CTRL3_SW_RESET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nack_and_bad_arguments),
        cmocka_unit_test(test_bme280_id_trimming_reset),
        cmocka_unit_test(test_bme280_forced_mode),
        cmocka_unit_test(test_bme280_normal_mode_and_skipped),
        cmocka_unit_test(test_lsm6ds3_registers),
        cmocka_unit_test(test_lsm6ds3_data_ready_and_outputs),
    };
    return cmocka_run_group_tests(tests, setup, drv_shutdown_group);
}

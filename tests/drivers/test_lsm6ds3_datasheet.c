/*
 * LSM6DS3 scaling against the datasheet's sensitivity table: linear acceleration
 * 0.061 / 0.122 / 0.244 / 0.488 mg/LSB at +-2 / 4 / 8 / 16 g, angular rate 4.375 /
 * 8.75 / 17.50 / 35 / 70 mdps/LSB at 125 / 245 / 500 / 1000 / 2000 dps, temperature
 * 16 LSB/C with 0 LSB at 25 C; and the CTRL register encodings of the full scales.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/drivers/lsm6ds3.h>

static void test_accel_sensitivity_table(void **state)
{
    (void)state;
    assert_int_equal(akira_lsm6ds3_accel_ug_per_lsb(2), 61);
    assert_int_equal(akira_lsm6ds3_accel_ug_per_lsb(4), 122);
    assert_int_equal(akira_lsm6ds3_accel_ug_per_lsb(8), 244);
    assert_int_equal(akira_lsm6ds3_accel_ug_per_lsb(16), 488);
    assert_int_equal(akira_lsm6ds3_accel_ug_per_lsb(3), 0);
    /* FS_XL: 00 = 2 g, 01 = 16 g, 10 = 4 g, 11 = 8 g (bits 3:2) */
    assert_int_equal(akira_lsm6ds3_accel_fs_bits(2), 0x0);
    assert_int_equal(akira_lsm6ds3_accel_fs_bits(16), 0x4);
    assert_int_equal(akira_lsm6ds3_accel_fs_bits(4), 0x8);
    assert_int_equal(akira_lsm6ds3_accel_fs_bits(8), 0xC);
    assert_int_equal(akira_lsm6ds3_accel_fs_bits(32), -1);
}

static void test_gyro_sensitivity_table(void **state)
{
    (void)state;
    assert_int_equal(akira_lsm6ds3_gyro_udps_per_lsb(125), 4375);
    assert_int_equal(akira_lsm6ds3_gyro_udps_per_lsb(245), 8750);
    assert_int_equal(akira_lsm6ds3_gyro_udps_per_lsb(500), 17500);
    assert_int_equal(akira_lsm6ds3_gyro_udps_per_lsb(1000), 35000);
    assert_int_equal(akira_lsm6ds3_gyro_udps_per_lsb(2000), 70000);
    assert_int_equal(akira_lsm6ds3_gyro_udps_per_lsb(250), 0);
    /* FS_G bits 3:2 (245, 500, 1000, 2000), FS_125 bit 1 */
    assert_int_equal(akira_lsm6ds3_gyro_fs_bits(245), 0x0);
    assert_int_equal(akira_lsm6ds3_gyro_fs_bits(500), 0x4);
    assert_int_equal(akira_lsm6ds3_gyro_fs_bits(1000), 0x8);
    assert_int_equal(akira_lsm6ds3_gyro_fs_bits(2000), 0xC);
    assert_int_equal(akira_lsm6ds3_gyro_fs_bits(125), 0x2);
}

static void test_conversions(void **state)
{
    (void)state;
    /* 16393 LSB at 2 g = 999.973 mg = 9.80639 m/s^2 */
    assert_in_range(akira_lsm6ds3_accel_micro(16393, 2), 9806380, 9806400);
    /* full negative range at 16 g: -32768 * 0.488 mg = -15.991 g = -156.816 m/s^2 */
    assert_in_range(-akira_lsm6ds3_accel_micro(-32768, 16), 156815000, 156817000);
    /* 11429 LSB at 245 dps = 100.00 dps = 1.74533 rad/s */
    assert_in_range(akira_lsm6ds3_gyro_micro(11429, 245), 1745300, 1745400);
    assert_in_range(-akira_lsm6ds3_gyro_micro(-28571, 2000), 34906000, 34907000); /* 2000 dps */
    assert_int_equal(akira_lsm6ds3_temp_micro(0), 25000000);
    assert_int_equal(akira_lsm6ds3_temp_micro(80), 30000000);
    assert_int_equal(akira_lsm6ds3_temp_micro(-16), 24000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accel_sensitivity_table),
        cmocka_unit_test(test_gyro_sensitivity_table),
        cmocka_unit_test(test_conversions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * BME280 integer compensation against the worked example Bosch publishes with the
 * compensation formulas (BMP280/BME280 datasheets, "computation example"): trimming
 * values dig_T1..dig_P9 below, raw adc_T = 519888 and adc_P = 415148 give t_fine =
 * 128422, T = 25.08 C and p = 100653 Pa (100653.27 Pa in double precision; the 64-bit
 * integer version lands within a few hundredths of that).
 * Also: the trimming bytes parse as table 16 lays them out, humidity stays in
 * 0..100 % and follows its raw value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/drivers/bme280.h>

static const struct akira_bme280_calib ex = {
    .dig_T1 = 27504,
    .dig_T2 = 26435,
    .dig_T3 = -1000,
    .dig_P1 = 36477,
    .dig_P2 = -10685,
    .dig_P3 = 3024,
    .dig_P4 = 2855,
    .dig_P5 = 140,
    .dig_P6 = -7,
    .dig_P7 = 15500,
    .dig_P8 = -14600,
    .dig_P9 = 6000,
    .dig_H1 = 75,
    .dig_H2 = 362,
    .dig_H3 = 0,
    .dig_H4 = 313,
    .dig_H5 = 50,
    .dig_H6 = 30,
};

static void test_temperature_example(void **state)
{
    (void)state;
    int32_t t_fine = 0;
    assert_int_equal(akira_bme280_compensate_temp(&ex, 519888, &t_fine), 2508);
    assert_int_equal(t_fine, 128422);
}

static void test_pressure_example(void **state)
{
    (void)state;
    int32_t t_fine;
    akira_bme280_compensate_temp(&ex, 519888, &t_fine);
    uint32_t p = akira_bme280_compensate_press(&ex, 415148, t_fine);
    assert_int_equal(p / 256, 100653);
    /* fraction within 0.05 Pa of the double-precision .27 (0.22..0.32 of 256) */
    assert_in_range(p % 256, 56, 82);
}

static void test_pressure_guard_and_direction(void **state)
{
    (void)state;
    int32_t t_fine;
    akira_bme280_compensate_temp(&ex, 519888, &t_fine);
    /* Pressure falls as its raw value rises (p = 1048576 - adc_P ...). */
    assert_true(akira_bme280_compensate_press(&ex, 415148 + 1000, t_fine) <
                akira_bme280_compensate_press(&ex, 415148, t_fine));
    struct akira_bme280_calib zero = ex;
    zero.dig_P1 = 0; /* the formula's division-by-zero guard answers 0 */
    assert_int_equal(akira_bme280_compensate_press(&zero, 415148, t_fine), 0);
}

static void test_humidity_bounded_and_monotonic(void **state)
{
    (void)state;
    int32_t t_fine;
    akira_bme280_compensate_temp(&ex, 519888, &t_fine);
    uint32_t prev = 0;
    for (int32_t adc = 20000; adc <= 40000; adc += 1000) {
        uint32_t h = akira_bme280_compensate_hum(&ex, adc, t_fine);
        assert_true(h >= prev);
        assert_true(h <= 100u * 1024u);
        prev = h;
    }
    assert_int_equal(akira_bme280_compensate_hum(&ex, 0, t_fine), 0);
    assert_int_equal(akira_bme280_compensate_hum(&ex, 65535, t_fine), 100u * 1024u);
}

static void test_calib_parse_layout(void **state)
{
    (void)state;
    /* Bytes as the chip stores ex: little-endian words from 0x88, H1 at 0xA1, then
     * 0xE1..0xE7 with H4/H5 sharing 0xE5. */
    uint8_t lo[26] = {0}, hi[7];
    const uint16_t w[12] = {27504, 26435, (uint16_t)-1000, 36477, (uint16_t)-10685, 3024,
                            2855,  140,   (uint16_t)-7,    15500, (uint16_t)-14600, 6000};
    for (int i = 0; i < 12; i++) {
        lo[2 * i] = (uint8_t)w[i];
        lo[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    lo[25] = 75;
    hi[0] = 362 & 0xFF;
    hi[1] = 362 >> 8;
    hi[2] = 0;
    hi[3] = 313 >> 4;                        /* H4[11:4] */
    hi[4] = (313 & 0xF) | ((50 & 0xF) << 4); /* H4[3:0], H5[3:0] */
    hi[5] = 50 >> 4;                         /* H5[11:4] */
    hi[6] = 30;
    struct akira_bme280_calib c;
    akira_bme280_calib_parse(&c, lo, hi);
#define SAME(f) assert_int_equal(c.f, ex.f)
    SAME(dig_T1), SAME(dig_T2), SAME(dig_T3), SAME(dig_P1), SAME(dig_P2), SAME(dig_P3);
    SAME(dig_P4), SAME(dig_P5), SAME(dig_P6), SAME(dig_P7), SAME(dig_P8), SAME(dig_P9);
    SAME(dig_H1), SAME(dig_H2), SAME(dig_H3), SAME(dig_H4), SAME(dig_H5), SAME(dig_H6);
#undef SAME
    /* Negative H4 (sign in 0xE4) */
    hi[3] = 0xFF;
    hi[4] = 0x0E | (hi[4] & 0xF0);
    akira_bme280_calib_parse(&c, lo, hi);
    assert_int_equal(c.dig_H4, -2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temperature_example),
        cmocka_unit_test(test_pressure_example),
        cmocka_unit_test(test_pressure_guard_and_direction),
        cmocka_unit_test(test_humidity_bounded_and_monotonic),
        cmocka_unit_test(test_calib_parse_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * native_sim power0 through the power class API: the battery's voltage and charge
 * fall monotonically under a constant load and drop at once when a load is added;
 * they rise while charging until the charger terminates (FULL); the percentage
 * follows the charge; sleep requests block for their time, deep sleep is not there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/clock.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/power.h>
#include <akira/sim_devices.h>

#include "drv_test.h"

static const struct akira_device *pw;

static int setup(void **state)
{
    if (drv_boot_group(state) != 0) return -1;
    pw = akira_driver_get(AKIRA_DRIVER_POWER, "power0");
    if (!pw) return -1;
    /* A fixed CPU load, so only the test's loads change the picture. */
    return akira_sim_power_load_set(AKIRA_SIM_LOAD_CPU, 20);
}

static struct akira_power_battery bat(void)
{
    struct akira_power_battery b;
    assert_int_equal(akira_power_battery_get(pw, &b), 0);
    return b;
}

static void test_discharge_monotonic_under_load(void **state)
{
    (void)state;
    akira_sim_power_charger_set(false);
    assert_int_equal(akira_sim_power_soc_set(90), 0);
    assert_int_equal(akira_sim_power_load_set(AKIRA_SIM_LOAD_EXTRA, 200), 0);
    struct akira_power_battery first = bat(), prev = first;
    assert_int_equal(first.state, AKIRA_POWER_DISCHARGING);
    assert_true(first.current_ma < -200);
    for (int i = 0; i < 60; i++) {
        akira_sim_power_advance(5 * 60 * 1000); /* 5 minutes */
        struct akira_power_battery b = bat();
        assert_true(b.voltage_mv <= prev.voltage_mv);
        assert_true(b.percent <= prev.percent);
        prev = b;
    }
    /* 5 h at ~245 mA from 90 % of 1200 mAh: close to empty */
    assert_true(prev.percent < 10);
    assert_true(prev.voltage_mv < first.voltage_mv - 300);
    assert_true(prev.voltage_mv >= 2500);
}

static void test_load_step_drops_voltage_at_once(void **state)
{
    (void)state;
    akira_sim_power_charger_set(false);
    assert_int_equal(akira_sim_power_soc_set(60), 0);
    assert_int_equal(akira_sim_power_load_set(AKIRA_SIM_LOAD_EXTRA, 0), 0);
    struct akira_power_battery idle = bat();
    assert_int_equal(akira_sim_power_load_set(AKIRA_SIM_LOAD_RADIO, 500), 0);
    struct akira_power_battery busy = bat();
    assert_true(busy.voltage_mv + 50 < idle.voltage_mv); /* 500 mA through the cell's R */
    assert_int_equal(busy.percent, idle.percent);
    assert_int_equal(akira_sim_power_load_set(AKIRA_SIM_LOAD_RADIO, 0), 0);
    assert_int_equal(akira_sim_power_load_set(AKIRA_SIM_LOAD_EXTRA, 5001), AKIRA_EINVAL);
    assert_int_equal(akira_sim_power_load_set(AKIRA_SIM_LOAD_COUNT_, 1), AKIRA_EINVAL);
}

static void test_charge_rises_until_full(void **state)
{
    (void)state;
    assert_int_equal(akira_sim_power_soc_set(20), 0);
    struct akira_power_battery before = bat();
    akira_sim_power_charger_set(true);
    struct akira_power_battery prev = bat();
    assert_int_equal(prev.state, AKIRA_POWER_CHARGING);
    assert_true(prev.current_ma > 0);
    assert_true(prev.voltage_mv > before.voltage_mv);
    int i;
    for (i = 0; i < 200 && prev.state == AKIRA_POWER_CHARGING; i++) {
        akira_sim_power_advance(5 * 60 * 1000);
        struct akira_power_battery b = bat();
        assert_true(b.percent >= prev.percent);
        if (b.state == AKIRA_POWER_CHARGING) assert_true(b.voltage_mv + 1 >= prev.voltage_mv);
        prev = b;
    }
    assert_int_equal(prev.state, AKIRA_POWER_FULL);
    assert_true(prev.percent >= 97);
    assert_in_range(prev.voltage_mv, 4150, 4200);
    akira_sim_power_charger_set(false);
    assert_int_equal(bat().state, AKIRA_POWER_DISCHARGING);
}

static void test_percentage_and_curve_ends(void **state)
{
    (void)state;
    akira_sim_power_charger_set(false);
    struct akira_sim_battery_info in;
    assert_int_equal(akira_sim_power_soc_set(100), 0);
    akira_sim_power_info(&in);
    assert_true(in.ocv_mv > 4199 && in.ocv_mv < 4201);
    assert_int_equal(bat().percent, 100);
    assert_int_equal(akira_sim_power_soc_set(50), 0);
    akira_sim_power_info(&in);
    assert_true(in.ocv_mv > 3700 && in.ocv_mv < 3900); /* the plateau */
    assert_int_equal(bat().percent, 50);
    assert_int_equal(akira_sim_power_soc_set(0), 0);
    akira_sim_power_info(&in);
    assert_true(in.ocv_mv > 2999 && in.ocv_mv < 3001);
    assert_int_equal(akira_sim_power_soc_set(101), AKIRA_EINVAL);
    assert_int_equal(akira_power_battery_get(pw, NULL), AKIRA_EINVAL);
    akira_sim_power_soc_set(85);
}

static void test_sleep_requests(void **state)
{
    (void)state;
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_power_sleep_request(pw, AKIRA_POWER_SLEEP_LIGHT, 30), 0);
    assert_true(akira_uptime_ms() - t0 >= 30);
    assert_int_equal(akira_power_sleep_request(pw, AKIRA_POWER_SLEEP_DEEP, 30), AKIRA_ENOTSUP);
    assert_int_equal(akira_power_sleep_request(pw, AKIRA_POWER_SLEEP_LIGHT, 0), AKIRA_EINVAL);
    assert_int_equal(akira_power_sleep_request(pw, (enum akira_power_sleep_mode)5, 10),
                     AKIRA_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discharge_monotonic_under_load),
        cmocka_unit_test(test_load_step_drops_voltage_at_once),
        cmocka_unit_test(test_charge_rises_until_full),
        cmocka_unit_test(test_percentage_and_curve_ends),
        cmocka_unit_test(test_sleep_requests),
    };
    return cmocka_run_group_tests(tests, setup, drv_shutdown_group);
}

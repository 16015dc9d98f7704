/*
 * native_sim pwm0 through the PWM class API: settings read back and show as duty,
 * every out-of-range channel, period and pulse refused without changing anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/pwm.h>
#include <akira/sim_devices.h>

#include "drv_test.h"

static const struct akira_device *pwm;

static int setup(void **state)
{
    if (drv_boot_group(state) != 0) return -1;
    pwm = akira_driver_get(AKIRA_DRIVER_PWM, "pwm0");
    return pwm ? 0 : -1;
}

static void test_set_get_duty(void **state)
{
    (void)state;
    assert_int_equal(akira_pwm_channel_count(pwm), AKIRA_SIM_PWM_CHANNELS);
    uint32_t per = 1, pul = 1;
    assert_int_equal(akira_pwm_get(pwm, 3, &per, &pul), 0);
    assert_int_equal(per, 0); /* never set: off */
    assert_int_equal(pul, 0);
    assert_int_equal(akira_sim_pwm_duty_ppm(3), 0);
    assert_int_equal(akira_pwm_set(pwm, 3, 20000000, 1500000), 0); /* servo: 1.5 ms of 20 */
    assert_int_equal(akira_pwm_get(pwm, 3, &per, &pul), 0);
    assert_int_equal(per, 20000000);
    assert_int_equal(pul, 1500000);
    assert_int_equal(akira_sim_pwm_duty_ppm(3), 75000);
    assert_int_equal(akira_pwm_set(pwm, 0, 1000, 1000), 0);
    assert_int_equal(akira_sim_pwm_duty_ppm(0), 1000000);
    assert_int_equal(akira_pwm_set(pwm, 0, 1000, 0), 0);
    assert_int_equal(akira_sim_pwm_duty_ppm(0), 0);
    assert_int_equal(akira_pwm_set(pwm, 7, 1000000000, 250000000), 0);
    assert_int_equal(akira_sim_pwm_duty_ppm(7), 250000);
}

static void test_bad_settings_change_nothing(void **state)
{
    (void)state;
    assert_int_equal(akira_pwm_set(pwm, 3, 20000000, 1500000), 0);
    assert_int_equal(akira_pwm_set(pwm, 8, 20000, 1000), AKIRA_EINVAL);
    assert_int_equal(akira_pwm_set(pwm, 3, 999, 0), AKIRA_EINVAL);
    assert_int_equal(akira_pwm_set(pwm, 3, 1000000001, 0), AKIRA_EINVAL);
    assert_int_equal(akira_pwm_set(pwm, 3, 20000, 20001), AKIRA_EINVAL);
    uint32_t per, pul;
    assert_int_equal(akira_pwm_get(pwm, 8, &per, &pul), AKIRA_EINVAL);
    assert_int_equal(akira_pwm_get(pwm, 3, NULL, &pul), AKIRA_EINVAL);
    assert_int_equal(akira_pwm_get(pwm, 3, &per, &pul), 0);
    assert_int_equal(per, 20000000);
    assert_int_equal(pul, 1500000);
    assert_int_equal(akira_sim_pwm_duty_ppm(8), -1);
    assert_int_equal(akira_pwm_set(NULL, 0, 1000, 0), AKIRA_ENODEV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_get_duty),
        cmocka_unit_test(test_bad_settings_change_nothing),
    };
    return cmocka_run_group_tests(tests, setup, drv_shutdown_group);
}

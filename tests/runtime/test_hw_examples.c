/*
 * The hardware SDK examples (issue 7 item 4) run from their packages with their own
 * manifests, their effect observed from the outside through sim_devices.h and the
 * driver APIs: blink toggles gpio0 pin 13, weather logs and publishes plausible BME280
 * readings, echo gets its lines back through uart0's loopback, fader ramps pwm0
 * channel 0. (http-get runs in test_net_api.c against a server on loopback.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/clock.h>
#include <akira/device.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/sim_devices.h>
#include <akira/thread.h>

#include "hw_test_util.h"

static struct test_app apps[2];

static int setup(void **state)
{
    (void)state;
    struct akira_appmgr_config cfg = {.stop_grace_ms = 300};
    return akira_appmgr_init(&cfg);
}

static int teardown(void **state)
{
    (void)state;
    akira_appmgr_deinit();
    test_app_free(&apps[0]);
    test_app_free(&apps[1]);
    return 0;
}

static void test_blink_toggles_pin_13(void **state)
{
    (void)state;
    const struct akira_device *gpio = akira_driver_get(AKIRA_DRIVER_GPIO, "gpio0");
    hw_example_add(&apps[0], "blink");
    assert_int_equal(akira_app_start("blink"), 0);
    hw_expect_log("blink", "blinking pin 13", 2000);
    /* Sample the pin: it is an output and takes both levels, changing a few times. */
    int changes = 0, last = -1, seen[2] = {0, 0};
    for (uint64_t end = akira_uptime_ms() + 1500; akira_uptime_ms() < end && changes < 4;) {
        int v = akira_gpio_get(gpio, 13);
        assert_true(v == 0 || v == 1);
        seen[v] = 1;
        if (last >= 0 && v != last) changes++;
        last = v;
        akira_sleep_ms(10);
    }
    assert_true(seen[0] && seen[1]);
    assert_true(changes >= 3);
    hw_expect_log("blink", "led on", 100);
    hw_expect_log("blink", "led off", 100);
    struct akira_gpio_port_info pi;
    assert_int_equal(akira_gpio_port_info(gpio, &pi), 0);
    assert_true(pi.outputs & (1u << 13));
    assert_int_equal(akira_app_stop("blink"), 0);
    hw_expect_log("blink", "stopped after", 1000);
    assert_int_equal(akira_gpio_port_info(gpio, &pi), 0);
    assert_false(pi.outputs & (1u << 13)); /* released at the stop */
}

static void test_weather_logs_and_publishes(void **state)
{
    (void)state;
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_TEMP, 21.5), 0);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_PRESS, 101325.0), 0);
    assert_int_equal(akira_sim_signal_const(AKIRA_SIM_SIG_HUM, 45.0), 0);
    test_app_load(&apps[1], "hw_listen", "listen", "capabilities: ipc\nipc_subscribe: weather\n");
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("listen"), 0);
    hw_expect_log("listen", "listen: subscribed 1", 2000);
    hw_example_add(&apps[0], "weather");
    assert_int_equal(akira_app_start("weather"), 0);
    hw_expect_log("weather", "weather 2: ", 3500);
    /* Each logged reading is the set value within the BME280's rounding. */
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    int readings = 0;
    while (akira_app_log_next("weather", &cur, &ln) == 0) {
        unsigned n;
        double t, p, h;
        if (sscanf(ln.text, "weather %u: T=%lfC P=%lfkPa H=%lf%%", &n, &t, &p, &h) != 4) continue;
        readings++;
        assert_true(t > 21.4 && t < 21.6);
        assert_true(p > 101.2 && p < 101.45);
        assert_true(h > 44.5 && h < 45.5);
    }
    assert_true(readings >= 2);
    /* The same text went out on IPC. */
    hw_expect_log("listen", "listen: T=21.", 1000);
    hw_expect_log("listen", "kPa H=4", 1000);
}

static void test_echo_round_trips_on_uart0(void **state)
{
    (void)state;
    hw_example_add(&apps[0], "echo");
    assert_int_equal(akira_app_start("echo"), 0);
    hw_expect_log("echo", "echo: got back 'hello 1'", 2000);
    hw_expect_log("echo", "echo: got back 'hello 5'", 2000);
    hw_expect_log("echo", "echo: 5 round trips", 1000);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("echo", &info), 0);
    assert_int_equal(info.stats.traps, 0);
}

static void test_fader_ramps_pwm0_channel_0(void **state)
{
    (void)state;
    hw_example_add(&apps[0], "fader");
    assert_int_equal(akira_app_start("fader"), 0);
    /* Duty rises step by step from 0 to full and comes back down. */
    int32_t last = -1, top = 0, rises = 0, falls = 0;
    for (uint64_t end = akira_uptime_ms() + 3000; akira_uptime_ms() < end && falls < 3;) {
        int32_t d = akira_sim_pwm_duty_ppm(0);
        assert_true(d >= 0 && d <= 1000000);
        if (last >= 0 && d > last) rises++;
        if (last >= 0 && d < last && top == 1000000) falls++;
        if (d > top) top = d;
        last = d;
        akira_sleep_ms(15);
    }
    assert_true(rises >= 5);
    assert_int_equal(top, 1000000);
    assert_true(falls >= 3);
    hw_expect_log("fader", "fader: duty 50%", 100);
    hw_expect_log("fader", "fader: duty 100%", 100);
    assert_int_equal(akira_app_stop("fader"), 0);
    assert_int_equal(akira_sim_pwm_duty_ppm(0), 0); /* turned off at the stop */
}

int main(void)
{
    akira_log_sink_enable(false);
    assert_int_equal(akira_kernel_init(), 0);
    assert_int_equal(akira_device_init_all(AKIRA_INIT_POST_KERNEL), 0);
    assert_int_equal(akira_device_init_all(AKIRA_INIT_APPLICATION), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_blink_toggles_pin_13, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weather_logs_and_publishes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_round_trips_on_uart0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fader_ramps_pwm0_channel_0, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

/*
 * Hardware API modules from a WASM app (issue 7 items 3 and 6): gpio, i2c, uart, pwm,
 * sensor, power and the net module's checks, each beside another app that must keep
 * answering. Denied without the capability; with it, everything outside the
 * manifest's lists denied, every bad number and wild pointer refused, the allowed
 * calls working on the native_sim devices; what the app held released at its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/device.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/drivers/pwm.h>
#include <akira/drivers/uart.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/sim_devices.h>

#include "hw_test_util.h"

#define HW_MANIFEST                                                                                \
    "capabilities: gpio, i2c, uart, pwm, sensor, power, net\ngpio_pins: 2,5,13\n"                  \
    "i2c: i2c0:0x76, i2c0:0x50, i2c3:0x10\nuart: uart0, uart7\npwm: pwm0:0-3, pwm5:0\n"            \
    "sensors: bme280, nosuch2\nnet_hosts: 127.0.0.1:9\n"

static struct test_app apps[3];

static int setup(void **state)
{
    (void)state;
    struct akira_appmgr_config cfg = {.stop_grace_ms = 300};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    test_app_load(&apps[0], "responder", "responder", NULL);
    test_app_add(&apps[0]);
    assert_int_equal(akira_app_start("responder"), 0);
    assert_true(test_responder_answers("responder", 2000));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_appmgr_deinit();
    test_app_free(&apps[0]);
    test_app_free(&apps[1]);
    test_app_free(&apps[2]);
    return 0;
}

static void test_denied_without_capabilities(void **state)
{
    (void)state;
    /* The lists alone grant nothing: the capability is needed too. */
    test_app_load(&apps[1], "hw_calls", "hw",
                  "gpio_pins: 2,13\ni2c: i2c0:0x76\nuart: uart0\npwm: pwm0:0-3\n"
                  "sensors: bme280\nnet_hosts: 127.0.0.1:9\n");
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("hw"), 0);
    assert_int_equal(akira_app_wait_idle("hw", 5000), 0);
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hw", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 25);
    assert_int_equal(info.stats.denied_calls, 27); /* the two probes and the 25 */
    assert_int_equal(info.stats.traps, 0);
    assert_true(test_wait_log("hw", "hw: denied 25 of 25", 100));
    assert_true(test_wait_log("hw", "needs capability 'gpio'", 100));
    assert_true(test_wait_log("hw", "needs capability 'net'", 100));
    assert_true(test_responder_answers("responder", 2000));
}

static void test_lists_numbers_pointers_and_release(void **state)
{
    (void)state;
    const struct akira_device *gpio = akira_driver_get(AKIRA_DRIVER_GPIO, "gpio0");
    const struct akira_device *uart0 = akira_driver_get(AKIRA_DRIVER_UART, "uart0");
    assert_non_null(gpio);
    assert_non_null(uart0);
    const struct akira_device *pwm0 = akira_driver_get(AKIRA_DRIVER_PWM, "pwm0");
    assert_non_null(pwm0);
    assert_int_equal(akira_sim_gpio_drive(13, AKIRA_SIM_GPIO_FLOAT), 0);
    /* Set up by someone else (as the shell would): pin 5 high, pwm0 channel 2 at 50 %.
     * The app's refused calls on them must leave them so, even after its stop. */
    assert_int_equal(akira_gpio_configure(gpio, 5, AKIRA_GPIO_OUTPUT | AKIRA_GPIO_OUTPUT_INIT_HIGH),
                     0);
    assert_int_equal(akira_pwm_set(pwm0, 2, 1000000, 500000), 0);
    /* The battery the app reads: 80 % and on the charger. */
    assert_int_equal(akira_sim_power_soc_set(80.0), 0);
    akira_sim_power_charger_set(true);
    test_app_load(&apps[1], "hw_calls", "hw", HW_MANIFEST);
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("hw"), 0);
    if (!test_wait_log("hw", "hw: 0 calls not as expected", 5000)) {
        uint64_t cur = 0;
        struct akira_app_log_line ln;
        while (akira_app_log_next("hw", &cur, &ln) == 0)
            print_message("  %s\n", ln.text);
        fail_msg("the app's checks failed (its log above)");
    }
    assert_true(test_wait_state("hw", AKIRA_APP_RUNNING, 1000));
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    unsigned pct = 0, st = 9;
    int level = -1;
    while (akira_app_log_next("hw", &cur, &ln) == 0)
        if (sscanf(ln.text, "hw: battery %u%% state %u level %d", &pct, &st, &level) == 3) break;
    assert_true(pct >= 79 && pct <= 81);
    assert_int_equal(st, 1); /* charging */
    assert_true(level >= 79 && level <= 81);
    akira_sim_power_charger_set(false);
    /* What it did is on the devices: pin 2 driven high, pwm0 channel 1 at 25 %. */
    struct akira_gpio_port_info pi;
    assert_int_equal(akira_gpio_port_info(gpio, &pi), 0);
    assert_true(pi.outputs & (1u << 2));
    assert_int_equal(akira_gpio_get(gpio, 2), 1);
    assert_int_equal(akira_sim_pwm_duty_ppm(1), 250000);
    /* Edges on its input pin arrive as events. */
    assert_int_equal(akira_sim_gpio_drive(13, 1), 0);
    assert_true(test_wait_log("hw", "hw: gpio event pin 13 level 1", 2000));
    assert_int_equal(akira_sim_gpio_drive(13, 0), 0);
    assert_true(test_wait_log("hw", "hw: gpio event pin 13 level 0", 2000));
    assert_true(test_responder_answers("responder", 2000));
    struct akira_app_info info;
    assert_int_equal(akira_app_info("hw", &info), 0);
    /* Its 15 calls outside the lists are counted, the first ones logged saying what
     * was asked (gpio 4, i2c 3, uart 1, then pwm, sensor, net). */
    assert_int_equal(info.stats.denied_calls, 15);
    assert_int_equal(info.stats.traps, 0);
    assert_true(test_wait_log("hw", "denied: gpio0 pin 3 is not in the manifest's gpio_pins", 100));
    assert_true(
        test_wait_log("hw", "denied: i2c i2c0:0x77 is not in the manifest's i2c list", 100));
    assert_true(test_wait_log("hw", "denied: uart uart1 is not in the manifest's uart list", 100));
    /* The 8th is logged, then only every 64th: a looping app cannot flood the log. */
    assert_false(test_wait_log("hw", "denied: pwm pwm0:4", 10));

    /* Stopped: its pins are disconnected, its interrupt off, its channel off. */
    assert_int_equal(akira_app_stop("hw"), 0);
    assert_int_equal(akira_app_info("hw", &info), 0);
    assert_int_equal(info.state, AKIRA_APP_STOPPED);
    assert_int_equal(info.exit_code, 0);
    assert_int_equal(akira_gpio_port_info(gpio, &pi), 0);
    assert_false(pi.outputs & (1u << 2));
    assert_false(pi.inputs & (1u << 13));
    assert_false(pi.int_mask & (1u << 13));
    assert_int_equal(akira_sim_pwm_duty_ppm(1), 0);
    /* What it was refused is as it was. */
    assert_true(pi.outputs & (1u << 5));
    assert_int_equal(akira_gpio_get(gpio, 5), 1);
    assert_int_equal(akira_sim_pwm_duty_ppm(2), 500000);
    /* A second run claims everything afresh and passes again: uart0, which the first
     * run held open to its end, was closed at the stop. */
    assert_int_equal(akira_app_start("hw"), 0);
    assert_true(test_wait_log("hw", "hw: 0 calls not as expected", 5000));
    assert_true(test_responder_answers("responder", 2000));
    assert_int_equal(akira_app_stop("hw"), 0);
    assert_int_equal(akira_gpio_configure(gpio, 5, 0), 0);
    assert_int_equal(akira_pwm_set(pwm0, 2, 1000000, 0), 0);
}

static void test_claims_between_apps(void **state)
{
    (void)state;
    /* Two apps with the same lists: the first one's pins and channel are its own. */
    assert_int_equal(akira_app_stop("responder"), 0);
    test_app_load(&apps[1], "hw_calls", "hw", HW_MANIFEST);
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("hw"), 0);
    hw_expect_log("hw", "hw: 0 calls not as expected", 5000);
    test_app_load(&apps[2], "hw_calls", "hw-two", HW_MANIFEST);
    test_app_add(&apps[2]);
    assert_int_equal(akira_app_start("hw-two"), 0);
    hw_expect_log("hw-two", "hw: gpio 2 output high gave -5, expected 0", 5000);
    hw_expect_log("hw-two", "hw: gpio 13 input gave -5, expected 0", 5000);
    /* Without uart0 its loopback check waits for bytes that never come (1 s). */
    hw_expect_log("hw-two", "hw: pwm0.1 set gave -5, expected 0", 5000);
    /* The first app holds uart0 open. */
    hw_expect_log("hw-two", "hw: uart0 open gave -5, expected 1", 5000);
    /* The first app keeps what it holds; once it stops the second can take it. */
    assert_int_equal(akira_sim_pwm_duty_ppm(1), 250000);
    assert_int_equal(akira_app_stop("hw-two"), 0);
    assert_int_equal(akira_app_stop("hw"), 0);
    assert_int_equal(akira_app_start("hw-two"), 0);
    hw_expect_log("hw-two", "hw: 0 calls not as expected", 5000);
    assert_int_equal(akira_app_stop("hw-two"), 0);
}

int main(void)
{
    akira_log_sink_enable(false);
    assert_int_equal(akira_kernel_init(), 0);
    /* The board's devices, as the firmware brings them up (sensors at APPLICATION). */
    assert_int_equal(akira_device_init_all(AKIRA_INIT_POST_KERNEL), 0);
    assert_int_equal(akira_device_init_all(AKIRA_INIT_APPLICATION), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_denied_without_capabilities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists_numbers_pointers_and_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claims_between_apps, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

/*
 * native_sim gpio0 through the GPIO class API: pin checks, pulls, outputs, inputs
 * driven from outside, edge interrupts delivered to callbacks from the board's
 * interrupt thread, callback removal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/sim_devices.h>

#include "drv_test.h"

static const struct akira_device *port;

static int setup(void **state)
{
    if (drv_boot_group(state) != 0) return -1;
    port = akira_driver_get(AKIRA_DRIVER_GPIO, "gpio0");
    return port ? 0 : -1;
}

static void test_class_and_info(void **state)
{
    (void)state;
    assert_null(akira_driver_get(AKIRA_DRIVER_I2C, "gpio0"));
    assert_int_equal(akira_driver_class_of(port), AKIRA_DRIVER_GPIO);
    struct akira_gpio_port_info in;
    assert_int_equal(akira_gpio_port_info(port, &in), 0);
    assert_int_equal(in.pin_count, 32);
    assert_int_equal(akira_gpio_port_info(port, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_gpio_get(NULL, 0), AKIRA_ENODEV);
}

static void test_bad_pins_and_flags(void **state)
{
    (void)state;
    assert_int_equal(akira_gpio_configure(port, 32, AKIRA_GPIO_INPUT), AKIRA_EINVAL);
    assert_int_equal(akira_gpio_get(port, 32), AKIRA_EINVAL);
    assert_int_equal(akira_gpio_set(port, 200, 1), AKIRA_EINVAL);
    assert_int_equal(akira_gpio_toggle(port, 32), AKIRA_EINVAL);
    assert_int_equal(akira_gpio_interrupt_configure(port, 32, AKIRA_GPIO_INT_EDGE_BOTH),
                     AKIRA_EINVAL);
    assert_int_equal(akira_gpio_interrupt_configure(port, 1, (enum akira_gpio_int_mode)7),
                     AKIRA_EINVAL);
    assert_int_equal(akira_gpio_configure(port, 1, AKIRA_GPIO_INPUT | AKIRA_GPIO_OUTPUT),
                     AKIRA_EINVAL);
    assert_int_equal(
        akira_gpio_configure(port, 1, AKIRA_GPIO_INPUT | AKIRA_GPIO_PULL_UP | AKIRA_GPIO_PULL_DOWN),
        AKIRA_EINVAL);
    assert_int_equal(akira_gpio_configure(port, 1, AKIRA_GPIO_INPUT | AKIRA_GPIO_OUTPUT_INIT_HIGH),
                     AKIRA_EINVAL);
    assert_int_equal(akira_gpio_configure(port, 1, 1u << 20), AKIRA_EINVAL);
    assert_int_equal(akira_sim_gpio_drive(32, 1), AKIRA_EINVAL);
    assert_int_equal(akira_sim_gpio_drive(1, 2), AKIRA_EINVAL);
}

static void test_inputs_pulls_and_drive(void **state)
{
    (void)state;
    assert_int_equal(akira_gpio_configure(port, 2, AKIRA_GPIO_INPUT), 0);
    assert_int_equal(akira_gpio_get(port, 2), 0); /* floating reads 0 */
    assert_int_equal(akira_gpio_configure(port, 2, AKIRA_GPIO_INPUT | AKIRA_GPIO_PULL_UP), 0);
    assert_int_equal(akira_gpio_get(port, 2), 1);
    assert_int_equal(akira_sim_gpio_drive(2, 0), 0); /* a button to ground */
    assert_int_equal(akira_gpio_get(port, 2), 0);
    assert_int_equal(akira_sim_gpio_drive(2, AKIRA_SIM_GPIO_FLOAT), 0);
    assert_int_equal(akira_gpio_get(port, 2), 1);
    assert_int_equal(akira_gpio_configure(port, 2, AKIRA_GPIO_INPUT | AKIRA_GPIO_PULL_DOWN), 0);
    assert_int_equal(akira_gpio_get(port, 2), 0);
    assert_int_equal(akira_sim_gpio_drive(2, 1), 0);
    assert_int_equal(akira_gpio_get(port, 2), 1);
    /* an input is not settable */
    assert_int_equal(akira_gpio_set(port, 2, 0), AKIRA_ESTATE);
    assert_int_equal(akira_gpio_toggle(port, 2), AKIRA_ESTATE);
    assert_int_equal(akira_gpio_get(port, 2), 1);
    akira_sim_gpio_drive(2, AKIRA_SIM_GPIO_FLOAT);
}

static void test_outputs(void **state)
{
    (void)state;
    assert_int_equal(akira_gpio_configure(port, 7, AKIRA_GPIO_OUTPUT_HIGH), 0);
    assert_int_equal(akira_gpio_get(port, 7), 1);
    assert_int_equal(akira_gpio_set(port, 7, 0), 0);
    assert_int_equal(akira_gpio_get(port, 7), 0);
    assert_int_equal(akira_gpio_toggle(port, 7), 0);
    assert_int_equal(akira_gpio_get(port, 7), 1);
    /* something outside pulling on an output does not change what it drives */
    assert_int_equal(akira_sim_gpio_drive(7, 0), 0);
    assert_int_equal(akira_gpio_get(port, 7), 1);
    struct akira_gpio_port_info in;
    akira_gpio_port_info(port, &in);
    assert_true(in.outputs & (1u << 7));
    assert_false(in.inputs & (1u << 7));
    assert_true(in.levels & (1u << 7));
    akira_sim_gpio_drive(7, AKIRA_SIM_GPIO_FLOAT);
    assert_int_equal(akira_gpio_configure(port, 7, AKIRA_GPIO_OUTPUT_LOW), 0);
    assert_int_equal(akira_gpio_get(port, 7), 0);
}

static atomic_int calls_a, calls_b;
static _Atomic uint32_t pins_a;

static void handler_a(const struct akira_device *p, struct akira_gpio_callback *cb, uint32_t pins)
{
    assert_ptr_equal(p, port);
    (void)cb;
    atomic_fetch_or(&pins_a, pins);
    atomic_fetch_add(&calls_a, 1);
}

static void handler_b(const struct akira_device *p, struct akira_gpio_callback *cb, uint32_t pins)
{
    (void)p;
    (void)cb;
    (void)pins;
    atomic_fetch_add(&calls_b, 1);
}

/* Enough time for the interrupt thread to have delivered anything pending. */
static void settle(void)
{
    akira_sleep_ms(30);
}

static void test_edge_interrupts(void **state)
{
    (void)state;
    static struct akira_gpio_callback a, b;
    akira_gpio_init_callback(&a, handler_a, 1u << 5);
    akira_gpio_init_callback(&b, handler_b, 1u << 6);
    assert_int_equal(akira_gpio_add_callback(port, &a), 0);
    assert_int_equal(akira_gpio_add_callback(port, &a), AKIRA_EEXIST);
    assert_int_equal(akira_gpio_add_callback(port, &b), 0);
    assert_int_equal(akira_gpio_configure(port, 5, AKIRA_GPIO_INPUT), 0);
    assert_int_equal(akira_gpio_interrupt_configure(port, 5, AKIRA_GPIO_INT_EDGE_RISING), 0);

    assert_int_equal(akira_sim_gpio_drive(5, 1), 0); /* rising */
    assert_true(drv_wait_count(&calls_a, 1, 2000));
    assert_int_equal(atomic_load(&pins_a), 1u << 5);
    assert_int_equal(akira_sim_gpio_drive(5, 0), 0); /* falling: not asked for */
    settle();
    assert_int_equal(atomic_load(&calls_a), 1);
    assert_int_equal(atomic_load(&calls_b), 0); /* b wants pin 6 only */

    assert_int_equal(akira_gpio_interrupt_configure(port, 5, AKIRA_GPIO_INT_EDGE_FALLING), 0);
    akira_sim_gpio_drive(5, 1);
    settle();
    assert_int_equal(atomic_load(&calls_a), 1);
    akira_sim_gpio_drive(5, 0);
    assert_true(drv_wait_count(&calls_a, 2, 2000));

    assert_int_equal(akira_gpio_interrupt_configure(port, 5, AKIRA_GPIO_INT_EDGE_BOTH), 0);
    akira_sim_gpio_drive(5, 1);
    assert_true(drv_wait_count(&calls_a, 3, 2000));
    akira_sim_gpio_drive(5, 0);
    assert_true(drv_wait_count(&calls_a, 4, 2000));

    /* an output pin's own edges interrupt too */
    assert_int_equal(akira_gpio_configure(port, 6, AKIRA_GPIO_OUTPUT_LOW), 0);
    assert_int_equal(akira_gpio_interrupt_configure(port, 6, AKIRA_GPIO_INT_EDGE_BOTH), 0);
    assert_int_equal(akira_gpio_toggle(port, 6), 0);
    assert_true(drv_wait_count(&calls_b, 1, 2000));

    /* disabled: no call */
    assert_int_equal(akira_gpio_interrupt_configure(port, 5, AKIRA_GPIO_INT_DISABLE), 0);
    akira_sim_gpio_drive(5, 1);
    settle();
    assert_int_equal(atomic_load(&calls_a), 4);

    /* removed: no call, and removing twice is an error */
    assert_int_equal(akira_gpio_interrupt_configure(port, 5, AKIRA_GPIO_INT_EDGE_BOTH), 0);
    assert_int_equal(akira_gpio_remove_callback(port, &a), 0);
    assert_int_equal(akira_gpio_remove_callback(port, &a), AKIRA_ENOENT);
    akira_sim_gpio_drive(5, 0);
    settle();
    assert_int_equal(atomic_load(&calls_a), 4);
    assert_int_equal(akira_gpio_remove_callback(port, &b), 0);
    assert_int_equal(akira_gpio_add_callback(port, NULL), AKIRA_EINVAL);
    akira_gpio_interrupt_configure(port, 5, AKIRA_GPIO_INT_DISABLE);
    akira_gpio_interrupt_configure(port, 6, AKIRA_GPIO_INT_DISABLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_and_info),         cmocka_unit_test(test_bad_pins_and_flags),
        cmocka_unit_test(test_inputs_pulls_and_drive), cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_edge_interrupts),
    };
    return cmocka_run_group_tests(tests, setup, drv_shutdown_group);
}

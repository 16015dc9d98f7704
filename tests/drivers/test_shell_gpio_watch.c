/*
 * `gpio watch` beside another user of a pin's interrupt (an app's gpio_irq goes
 * through the same driver call): watching logs the edges without changing the pin's
 * mode, and `gpio watch off` turns off only the interrupts the shell turned on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/shell.h>
#include <akira/sim_devices.h>

#include "../shell/fake_io.h"
#include "drv_test.h"

static const struct akira_device *port;
static struct fake_io fio;
static struct akira_shell sh;
static atomic_int rising; /* edges seen by the pin's own user */

static void on_edge(const struct akira_device *dev, struct akira_gpio_callback *cb, uint32_t pins)
{
    (void)dev, (void)cb;
    if (pins & (1u << 6)) atomic_fetch_add(&rising, 1);
}

static int run(const char *line)
{
    fake_io_clear_output(&fio);
    return akira_shell_execute(&sh, line);
}

static void test_watch_keeps_another_users_interrupt(void **state)
{
    (void)state;
    struct akira_gpio_callback cb;
    assert_int_equal(akira_gpio_configure(port, 6, AKIRA_GPIO_INPUT), 0);
    assert_int_equal(akira_gpio_configure(port, 7, AKIRA_GPIO_INPUT), 0);
    akira_gpio_init_callback(&cb, on_edge, 1u << 6);
    assert_int_equal(akira_gpio_add_callback(port, &cb), 0);
    assert_int_equal(akira_gpio_interrupt_configure(port, 6, AKIRA_GPIO_INT_EDGE_RISING), 0);

    assert_int_equal(run("gpio watch 6 7"), 0);
    assert_non_null(strstr(fio.out, "pin 6: interrupt already on"));
    /* Pin 6 still interrupts on rising edges only. */
    assert_int_equal(akira_sim_gpio_drive(6, 1), 0);
    assert_true(drv_wait_count(&rising, 1, 2000));
    assert_int_equal(akira_sim_gpio_drive(6, 0), 0);
    akira_sleep_ms(50);
    assert_int_equal(atomic_load(&rising), 1);

    assert_int_equal(run("gpio watch off"), 0);
    struct akira_gpio_port_info in;
    assert_int_equal(akira_gpio_port_info(port, &in), 0);
    assert_true(in.int_mask & (1u << 6));  /* its user's, left on */
    assert_false(in.int_mask & (1u << 7)); /* the shell's, turned off */
    assert_int_equal(akira_sim_gpio_drive(6, 1), 0);
    assert_true(drv_wait_count(&rising, 2, 2000));

    assert_int_equal(akira_gpio_remove_callback(port, &cb), 0);
    assert_int_equal(akira_gpio_interrupt_configure(port, 6, AKIRA_GPIO_INT_DISABLE), 0);
    assert_int_equal(akira_sim_gpio_drive(6, AKIRA_SIM_GPIO_FLOAT), 0);
}

int main(void)
{
    if (drv_boot(false) != 0) return 1;
    port = akira_driver_get(AKIRA_DRIVER_GPIO, "gpio0");
    if (!port) return 1;
    fake_io_init(&fio, "", 0, false);
    akira_shell_init(&sh, &fio.io, "akira> ");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watch_keeps_another_users_interrupt),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

/*
 * mps2_an386: UART1 as a device of the uart class (akira/drivers/uart.h) on the CMSDK
 * UART driver. run.sh (mode uart1) feeds "ping" into QEMU's second serial port: the
 * bytes arrive by interrupt (RX_READY) and are read back; a write is drained by the TX
 * interrupt (TX_DONE).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/device.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/uart.h>
#include <akira/err.h>
#include <akira/thread.h>

static volatile uint32_t events;

static void on_event(const struct akira_device *dev, uint32_t ev, void *user)
{
    (void)dev;
    (void)user;
    events |= ev;
}

static void test_uart1_rx_and_tx(void **state)
{
    (void)state;
    assert_int_equal(akira_device_init_all(AKIRA_INIT_POST_KERNEL), 0);
    const struct akira_device *u = akira_driver_get(AKIRA_DRIVER_UART, "uart1");
    assert_non_null(u);
    assert_null(akira_driver_get(AKIRA_DRIVER_UART, "uart0")); /* the console's */
    assert_int_equal(akira_uart_callback_set(u, on_event, NULL), 0);

    char got[8] = {0};
    size_t n = 0;
    uint64_t until = akira_uptime_ms() + 5000;
    while (n < 4 && akira_uptime_ms() < until) {
        int r = akira_uart_read(u, (uint8_t *)got + n, 4 - n);
        if (r > 0)
            n += (size_t)r;
        else
            akira_sleep_ms(5);
    }
    assert_int_equal(n, 4);
    assert_memory_equal(got, "ping", 4);
    assert_true(events & AKIRA_UART_EVT_RX_READY);
    assert_int_equal(akira_uart_read(u, (uint8_t *)got, 1), AKIRA_EAGAIN);

    events = 0;
    assert_int_equal(akira_uart_write(u, (const uint8_t *)"pong\n", 5), 5);
    until = akira_uptime_ms() + 5000;
    while (!(events & AKIRA_UART_EVT_TX_DONE) && akira_uptime_ms() < until)
        akira_sleep_ms(5);
    assert_true(events & AKIRA_UART_EVT_TX_DONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uart1_rx_and_tx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

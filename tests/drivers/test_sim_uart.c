/*
 * native_sim UARTs through the UART class API: uart0's loopback with RX_READY /
 * TX_DONE / RX_OVERRUN events and non-blocking EAGAIN; uart1's bytes crossing a real
 * host pty in both directions.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/uart.h>
#include <akira/sim_devices.h>

#include "drv_test.h"

static const struct akira_device *u0, *u1;
static atomic_int rx_events, tx_events, overruns;

static void cb(const struct akira_device *dev, uint32_t ev, void *user)
{
    assert_ptr_equal(user, &rx_events);
    (void)dev;
    if (ev & AKIRA_UART_EVT_RX_READY) atomic_fetch_add(&rx_events, 1);
    if (ev & AKIRA_UART_EVT_TX_DONE) atomic_fetch_add(&tx_events, 1);
    if (ev & AKIRA_UART_EVT_RX_OVERRUN) atomic_fetch_add(&overruns, 1);
}

static int setup(void **state)
{
    if (drv_boot_group(state) != 0) return -1;
    u0 = akira_driver_get(AKIRA_DRIVER_UART, "uart0");
    u1 = akira_driver_get(AKIRA_DRIVER_UART, "uart1");
    return u0 && u1 ? 0 : -1;
}

/* Reads from a UART until n bytes came or limit_ms passed. */
static size_t read_n(const struct akira_device *u, uint8_t *buf, size_t n, unsigned limit_ms)
{
    size_t got = 0;
    for (unsigned t = 0; got < n && t < limit_ms; t += 2) {
        int r = akira_uart_read(u, buf + got, n - got);
        if (r > 0)
            got += (size_t)r;
        else
            akira_sleep_ms(2);
    }
    return got;
}

static void test_bad_arguments_and_empty(void **state)
{
    (void)state;
    uint8_t b[4];
    assert_int_equal(akira_uart_read(u0, b, sizeof(b)), AKIRA_EAGAIN);
    assert_int_equal(akira_uart_read(u0, NULL, 4), AKIRA_EINVAL);
    assert_int_equal(akira_uart_write(u0, NULL, 4), AKIRA_EINVAL);
    assert_int_equal(akira_uart_write(u0, b, 0), 0);
    assert_int_equal(akira_uart_read(u0, b, 0), 0);
    assert_int_equal(akira_uart_write(NULL, b, 1), AKIRA_ENODEV);
}

static void test_loopback_with_events(void **state)
{
    (void)state;
    assert_int_equal(akira_uart_callback_set(u0, cb, &rx_events), 0);
    const char msg[] = "hello, akira";
    assert_int_equal(akira_uart_write(u0, (const uint8_t *)msg, sizeof(msg)), (int)sizeof(msg));
    assert_true(drv_wait_count(&rx_events, 1, 2000));
    assert_true(drv_wait_count(&tx_events, 1, 2000));
    uint8_t got[64];
    assert_int_equal(read_n(u0, got, sizeof(msg), 2000), sizeof(msg));
    assert_memory_equal(got, msg, sizeof(msg));
    assert_int_equal(akira_uart_read(u0, got, 1), AKIRA_EAGAIN);
    assert_int_equal(atomic_load(&overruns), 0);
}

static void test_overrun_keeps_the_oldest(void **state)
{
    (void)state;
    uint8_t big[512];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)i;
    size_t sent = 0;
    while (sent < sizeof(big)) {
        int w = akira_uart_write(u0, big + sent, sizeof(big) - sent);
        if (w > 0)
            sent += (size_t)w;
        else
            akira_sleep_ms(1);
    }
    /* RX fills up with those 512 bytes nobody reads (TX is first in, first out), so
     * whatever comes next is lost. */
    const uint8_t more[8] = {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
    int w = AKIRA_EAGAIN;
    for (int t = 0; t < 1000 && w == AKIRA_EAGAIN; t++) { /* TX may still be full */
        w = akira_uart_write(u0, more, sizeof(more));
        if (w == AKIRA_EAGAIN) akira_sleep_ms(2);
    }
    assert_true(w > 0);
    assert_true(drv_wait_count(&overruns, 1, 2000));
    uint8_t got[600];
    size_t n = read_n(u0, got, sizeof(got), 200);
    assert_int_equal(n, 512);
    assert_memory_equal(got, big, 512);
    assert_int_equal(akira_uart_callback_set(u0, NULL, NULL), 0);
}

static void test_pty_both_ways(void **state)
{
    (void)state;
    const char *path = akira_sim_uart1_pty_path();
    assert_non_null(path);
    assert_true(strncmp(path, "/dev/", 5) == 0);
    int fd = open(path, O_RDWR | O_NOCTTY);
    assert_true(fd >= 0);
    const char out[] = "to the host\n";
    assert_int_equal(akira_uart_write(u1, (const uint8_t *)out, strlen(out)), (int)strlen(out));
    char got[64] = {0};
    size_t n = 0;
    for (int t = 0; t < 100 && n < strlen(out); t++) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 20) == 1) {
            ssize_t r = read(fd, got + n, sizeof(got) - 1 - n);
            if (r > 0) n += (size_t)r;
        }
    }
    assert_int_equal(n, strlen(out));
    assert_string_equal(got, out); /* raw line: no CR added */
    const char in[] = "from the host";
    assert_int_equal(write(fd, in, strlen(in)), (ssize_t)strlen(in));
    uint8_t rx[64];
    assert_int_equal(read_n(u1, rx, strlen(in), 2000), strlen(in));
    assert_memory_equal(rx, in, strlen(in));
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_arguments_and_empty),
        cmocka_unit_test(test_loopback_with_events),
        cmocka_unit_test(test_overrun_keeps_the_oldest),
        cmocka_unit_test(test_pty_both_ways),
    };
    return cmocka_run_group_tests(tests, setup, drv_shutdown_group);
}

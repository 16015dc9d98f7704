/*
 * UART1 (0x40005000) and UART2 (0x40006000) as devices "uart1"/"uart2" of the uart
 * driver class (akira/drivers/uart.h), on the CMSDK UART driver (uart.c). QEMU connects
 * them to its second and third -serial. UART0 is the console's and not in the class.
 */
#include <akira/cortex_m.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/uart.h>
#include <akira/err.h>

#include "uart.h"

static struct cmsdk_uart uart1_dev = {.base = 0x40005000u, .irq_rx = 2, .irq_tx = 3};
static struct cmsdk_uart uart2_dev = {.base = 0x40006000u, .irq_rx = 4, .irq_tx = 5};

/* ---- the uart class ---- */

static struct cmsdk_uart *uart_of(const struct akira_device *dev)
{
    return (struct cmsdk_uart *)dev->data;
}

static int uart_init(const struct akira_device *dev)
{
    cmsdk_uart_hw_init(uart_of(dev));
    return 0;
}

static int uart_write(const struct akira_device *dev, const uint8_t *buf, size_t len)
{
    struct cmsdk_uart *u = uart_of(dev);
    size_t n = 0;
    uint32_t key = akira_cm_irq_lock();
    while (n < len) {
        uint16_t next = (uint16_t)((u->tx_head + 1u) % CMSDK_UART_RING);
        if (next == u->tx_tail) break;
        u->tx[u->tx_head] = buf[n++];
        u->tx_head = next;
    }
    if (n > 0) cmsdk_uart_tx_start(u);
    akira_cm_irq_unlock(key);
    return n > 0 ? (int)n : AKIRA_EAGAIN;
}

static int uart_read(const struct akira_device *dev, uint8_t *buf, size_t len)
{
    int n = cmsdk_uart_rx_take(uart_of(dev), buf, len);
    return n > 0 ? n : AKIRA_EAGAIN;
}

static int uart_callback_set(const struct akira_device *dev, akira_uart_callback_t cb, void *user)
{
    struct cmsdk_uart *u = uart_of(dev);
    uint32_t key = akira_cm_irq_lock();
    u->cb = cb;
    u->user = user;
    akira_cm_irq_unlock(key);
    return 0;
}

static const struct akira_uart_api uart_api = {uart_write, uart_read, uart_callback_set};

AKIRA_DRIVER_DEFINE(mps2_uart1, AKIRA_DRIVER_UART, "uart1", uart_init, &uart1_dev, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &uart_api);
AKIRA_DRIVER_DEFINE(mps2_uart2, AKIRA_DRIVER_UART, "uart2", uart_init, &uart2_dev, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &uart_api);

/* ---- interrupt lines ---- */

void board_uart1_rx_irq(void)
{
    cmsdk_uart_rx_irq(&uart1_dev, AKIRA_DEVICE_GET(mps2_uart1));
}

void board_uart1_tx_irq(void)
{
    cmsdk_uart_tx_irq(&uart1_dev, AKIRA_DEVICE_GET(mps2_uart1));
}

void board_uart2_rx_irq(void)
{
    cmsdk_uart_rx_irq(&uart2_dev, AKIRA_DEVICE_GET(mps2_uart2));
}

void board_uart2_tx_irq(void)
{
    cmsdk_uart_tx_irq(&uart2_dev, AKIRA_DEVICE_GET(mps2_uart2));
}

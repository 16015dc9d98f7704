/*
 * CMSDK APB UART driver (ARM DDI 0479, as QEMU's cmsdk-apb-uart models it): receive by
 * interrupt into a ring buffer, transmit from a ring buffer by the TX interrupt.
 *
 * UART0 (0x40004000) is the console: kernel output is polled on it (also from fault
 * handlers) and its input wakes the shell (console.c). The other UARTs are devices of
 * the uart driver class (uart_dev.c).
 */
#include <string.h>

#include <akira/board_config.h>
#include <akira/cortex_m.h>
#include <akira/drivers/uart.h>
#include <akira/err.h>

#include "board.h"
#include "uart.h"

#define UART_DATA     0x00u
#define UART_STATE    0x04u
#define UART_CTRL     0x08u
#define UART_INT      0x0Cu /* read: status, write 1: clear */
#define UART_BAUDDIV  0x10u
#define STATE_TXFULL  (1u << 0)
#define STATE_RXFULL  (1u << 1)
#define CTRL_TX_EN    (1u << 0)
#define CTRL_RX_EN    (1u << 1)
#define CTRL_TX_INTEN (1u << 2)
#define CTRL_RX_INTEN (1u << 3)
#define INT_TX        (1u << 0)
#define INT_RX        (1u << 1)
#define BAUD          115200u

#define REG(u, off) (*(volatile uint32_t *)((u)->base + (off)))

struct cmsdk_uart uart0_dev = {.base = 0x40004000u, .irq_rx = 0, .irq_tx = 1};

void cmsdk_uart_poll_init(struct cmsdk_uart *u)
{
    REG(u, UART_CTRL) = 0;
    REG(u, UART_BAUDDIV) = AKIRA_BOARD_CPU_HZ / BAUD;
    REG(u, UART_INT) = INT_TX | INT_RX;
    REG(u, UART_CTRL) = CTRL_TX_EN | CTRL_RX_EN;
}

void cmsdk_uart_hw_init(struct cmsdk_uart *u)
{
    cmsdk_uart_poll_init(u);
    REG(u, UART_CTRL) = CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_INTEN;
    /* Reading DATA makes QEMU offer input again: bytes that arrived while the receiver
     * was off would otherwise wait for the next keystroke. (On hardware: discards a
     * stale byte.) */
    (void)REG(u, UART_DATA);
    akira_cm_irq_enable(u->irq_rx, CM_PRIO_IRQ);
    akira_cm_irq_enable(u->irq_tx, CM_PRIO_IRQ);
}

int cmsdk_uart_poll_in(struct cmsdk_uart *u)
{
    if (!(REG(u, UART_STATE) & STATE_RXFULL)) return -1;
    return (int)(REG(u, UART_DATA) & 0xFFu);
}

void cmsdk_uart_poll_out(struct cmsdk_uart *u, uint8_t c)
{
    while (REG(u, UART_STATE) & STATE_TXFULL) {
    }
    REG(u, UART_DATA) = c;
}

int cmsdk_uart_rx_take(struct cmsdk_uart *u, uint8_t *buf, size_t len)
{
    size_t n = 0;
    uint32_t key = akira_cm_irq_lock();
    while (n < len && u->rx_tail != u->rx_head) {
        buf[n++] = u->rx[u->rx_tail];
        u->rx_tail = (uint16_t)((u->rx_tail + 1u) % CMSDK_UART_RING);
    }
    akira_cm_irq_unlock(key);
    return (int)n;
}

void cmsdk_uart_rx_irq(struct cmsdk_uart *u, const struct akira_device *dev)
{
    REG(u, UART_INT) = INT_RX;
    uint32_t events = 0;
    while (REG(u, UART_STATE) & STATE_RXFULL) {
        uint8_t c = (uint8_t)REG(u, UART_DATA);
        uint16_t next = (uint16_t)((u->rx_head + 1u) % CMSDK_UART_RING);
        if (next == u->rx_tail) {
            u->overruns++;
            events |= AKIRA_UART_EVT_RX_OVERRUN;
            continue;
        }
        u->rx[u->rx_head] = c;
        u->rx_head = next;
        events |= AKIRA_UART_EVT_RX_READY;
    }
    akira_cm_signal_raise(&u->rx_signal);
    if (u->cb && events) u->cb(dev, events, u->user);
}

/* Move bytes from the ring into the transmitter while it takes them. Interrupts
 * masked. */
void cmsdk_uart_tx_pump(struct cmsdk_uart *u)
{
    while (u->tx_tail != u->tx_head && !(REG(u, UART_STATE) & STATE_TXFULL)) {
        REG(u, UART_DATA) = u->tx[u->tx_tail];
        u->tx_tail = (uint16_t)((u->tx_tail + 1u) % CMSDK_UART_RING);
    }
}

void cmsdk_uart_tx_start(struct cmsdk_uart *u)
{
    REG(u, UART_CTRL) |= CTRL_TX_INTEN;
    cmsdk_uart_tx_pump(u);
}

void cmsdk_uart_tx_irq(struct cmsdk_uart *u, const struct akira_device *dev)
{
    REG(u, UART_INT) = INT_TX;
    cmsdk_uart_tx_pump(u);
    if (u->tx_tail == u->tx_head && (REG(u, UART_CTRL) & CTRL_TX_INTEN)) {
        REG(u, UART_CTRL) &= ~CTRL_TX_INTEN;
        if (u->cb) u->cb(dev, AKIRA_UART_EVT_TX_DONE, u->user);
    }
}

/* UART0 is the console's: its transmitter is polled. */
void board_uart0_rx_irq(void)
{
    cmsdk_uart_rx_irq(&uart0_dev, NULL);
}

void board_uart0_tx_irq(void)
{
    REG(&uart0_dev, UART_INT) = INT_TX;
}

/* CMSDK APB UART instances of the board (uart.c). */
#ifndef AKIRA_MPS2_UART_H
#define AKIRA_MPS2_UART_H

#include <stddef.h>
#include <stdint.h>

#include <akira/cortex_m.h>
#include <akira/drivers/uart.h>

#define CMSDK_UART_RING 256u

struct cmsdk_uart {
    uint32_t base;
    uint8_t irq_rx, irq_tx;
    uint8_t rx[CMSDK_UART_RING];
    volatile uint16_t rx_head, rx_tail; /* ISR writes head, readers tail */
    uint8_t tx[CMSDK_UART_RING];
    volatile uint16_t tx_head, tx_tail;
    volatile uint32_t overruns;
    akira_uart_callback_t cb;
    void *user;
    struct akira_cm_signal rx_signal; /* raised on every receive interrupt */
};

extern struct cmsdk_uart uart0_dev;

void cmsdk_uart_hw_init(struct cmsdk_uart *u);
void cmsdk_uart_poll_out(struct cmsdk_uart *u, uint8_t c);
/* Without interrupts (the bootloader): transmitter and receiver on; a received byte
 * or -1. */
void cmsdk_uart_poll_init(struct cmsdk_uart *u);
int cmsdk_uart_poll_in(struct cmsdk_uart *u);
/* Interrupt work: receive into the ring (events to the callback with dev), transmit
 * from the ring. */
void cmsdk_uart_rx_irq(struct cmsdk_uart *u, const struct akira_device *dev);
void cmsdk_uart_tx_irq(struct cmsdk_uart *u, const struct akira_device *dev);
/* Move ring bytes into the transmitter (interrupts masked). */
void cmsdk_uart_tx_pump(struct cmsdk_uart *u);
/* Queue is not empty: start interrupt-driven transmission (interrupts masked). */
void cmsdk_uart_tx_start(struct cmsdk_uart *u);
/* Bytes taken from the receive ring (0..len). */
int cmsdk_uart_rx_take(struct cmsdk_uart *u, uint8_t *buf, size_t len);

#endif /* AKIRA_MPS2_UART_H */

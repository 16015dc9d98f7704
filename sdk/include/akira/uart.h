/*
 * AkiraOS app SDK - module "uart": non-blocking byte streams, capability "uart", only
 * on the UARTs the manifest's `uart:` line names (e.g. `uart: uart0`).
 *
 * Open a UART to get a handle (1 or 2; a UART is held by one app at a time). Reads
 * and writes never wait: they move what fits now (at most 1024 bytes a call) and say
 * how many, or AKIRA_EAGAIN. AKIRA_EVENT_UART {a = handle, b = AKIRA_UART_EVT_* bits}
 * tells when to read again, when the transmit buffer drained, and when received bytes
 * were lost. Handles are closed when the app ends.
 */
#ifndef AKIRA_SDK_UART_H
#define AKIRA_SDK_UART_H

#include <akira/common.h>

#define AKIRA_EVENT_UART 9

#define AKIRA_UART_EVT_RX_READY   (1u << 0)
#define AKIRA_UART_EVT_TX_DONE    (1u << 1)
#define AKIRA_UART_EVT_RX_OVERRUN (1u << 2)

/* A handle, AKIRA_EFAULT, AKIRA_EINVAL (name), AKIRA_EACCES, AKIRA_ENODEV, AKIRA_EBUSY
 * (another app holds it), AKIRA_ENOSPC (two open). */
AKIRA_IMPORT("uart_open") int32_t akira_uart_open(const char *name, uint32_t name_len);
/* Bytes queued (0 for len 0), AKIRA_EAGAIN (buffer full), AKIRA_ENOENT (handle),
 * AKIRA_EFAULT. */
AKIRA_IMPORT("uart_write") int32_t akira_uart_write(int32_t h, const void *buf, uint32_t len);
/* Bytes received, AKIRA_EAGAIN (none yet), AKIRA_ENOENT, AKIRA_EFAULT. */
AKIRA_IMPORT("uart_read") int32_t akira_uart_read(int32_t h, void *buf, uint32_t cap);
/* 0, AKIRA_ENOENT. */
AKIRA_IMPORT("uart_close") int32_t akira_uart_close(int32_t h);

#endif /* AKIRA_SDK_UART_H */

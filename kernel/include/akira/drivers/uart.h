/*
 * UART driver class: buffered, non-blocking byte streams with events (Zephyr's
 * interrupt-driven model behind ring buffers).
 *
 * write copies bytes into the driver's transmit buffer and returns at once; the
 * hardware drains it. read takes bytes the hardware has put in the receive buffer.
 * Neither blocks. The callback tells when to read again (RX_READY), when the transmit
 * buffer is empty again (TX_DONE), and when received bytes were lost because the
 * receive buffer was full (RX_OVERRUN).
 *
 * Threads: read/write from any thread (one reader and one writer at a time make
 * sense). The callback runs in interrupt context (on native_sim: the board's UART
 * thread); it may call read and write, must not block.
 * Errors: AKIRA_EAGAIN (nothing could be moved: buffer empty on read, full on write),
 * AKIRA_EINVAL (NULL buffer with a length), AKIRA_ENODEV (not ready), AKIRA_EIO
 * (the line is gone, e.g. the host side of a pty failed).
 */
#ifndef AKIRA_DRIVERS_UART_H
#define AKIRA_DRIVERS_UART_H

#include <stddef.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

#define AKIRA_UART_EVT_RX_READY   (1u << 0)
#define AKIRA_UART_EVT_TX_DONE    (1u << 1)
#define AKIRA_UART_EVT_RX_OVERRUN (1u << 2)

typedef void (*akira_uart_callback_t)(const struct akira_device *dev, uint32_t events, void *user);

struct akira_uart_api {
    /* Bytes accepted (1..len), 0 for len 0, or AKIRA_EAGAIN when the buffer is full. */
    int (*write)(const struct akira_device *dev, const uint8_t *buf, size_t len);
    /* Bytes copied (1..len), 0 for len 0, or AKIRA_EAGAIN when nothing was received. */
    int (*read)(const struct akira_device *dev, uint8_t *buf, size_t len);
    /* One callback per UART; NULL removes it. After the call returns the old callback
     * is not running. */
    int (*callback_set)(const struct akira_device *dev, akira_uart_callback_t cb, void *user);
};

static inline const struct akira_uart_api *akira_uart_api_of_(const struct akira_device *dev)
{
    return (dev && akira_device_is_ready(dev)) ? (const struct akira_uart_api *)dev->api : NULL;
}

static inline int akira_uart_write(const struct akira_device *dev, const uint8_t *buf, size_t len)
{
    const struct akira_uart_api *api = akira_uart_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (len > 0 && !buf) return AKIRA_EINVAL;
    return len == 0 ? 0 : api->write(dev, buf, len);
}

static inline int akira_uart_read(const struct akira_device *dev, uint8_t *buf, size_t len)
{
    const struct akira_uart_api *api = akira_uart_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (len > 0 && !buf) return AKIRA_EINVAL;
    return len == 0 ? 0 : api->read(dev, buf, len);
}

static inline int akira_uart_callback_set(const struct akira_device *dev, akira_uart_callback_t cb,
                                          void *user)
{
    const struct akira_uart_api *api = akira_uart_api_of_(dev);
    return api ? api->callback_set(dev, cb, user) : AKIRA_ENODEV;
}

#endif /* AKIRA_DRIVERS_UART_H */

/*
 * API module "uart": non-blocking byte streams on the board's UARTs, capability "uart",
 * narrowed to the manifest's `uart` list.
 *
 *   uart_open(name i32, name_len i32) -> i32   handle 1..AKIRA_API_UARTS_MAX | EFAULT |
 *                                               EINVAL | EACCES | ENODEV | EBUSY | ENOSPC
 *   uart_write(h i32, buf i32, len i32) -> i32  bytes accepted (0 for len 0) | EAGAIN
 *                                               (transmit buffer full) | ENOENT | EFAULT
 *   uart_read(h i32, buf i32, cap i32) -> i32   bytes received | EAGAIN (nothing yet)
 *   uart_close(h i32) -> i32                    0 | ENOENT
 *
 * A UART is held by one app at a time (EBUSY for the second): opening installs the
 * driver callback that posts AKIRA_EVENT_UART {a = handle, b = AKIRA_UART_EVT_* bits:
 * 1 data to read, 2 transmit buffer empty, 4 received bytes were lost}. Neither read
 * nor write ever waits. A handle that is not open is ENOENT; pointers outside memory
 * EFAULT (checked before any byte moves, so nothing is lost). Each call moves at most
 * AKIRA_API_UART_CHUNK bytes (the result says how many). When the app ends its UARTs
 * are closed and their callbacks removed.
 */
#include <akira/drivers/driver.h>
#include <akira/drivers/uart.h>
#include <akira/event.h>

#include "hw_util.h"

#define AKIRA_API_UARTS_MAX  2u
#define AKIRA_API_UART_CHUNK 1024u

struct uart_open {
    struct akira_app_ctx *app; /* NULL: free */
    const struct akira_device *dev;
    uint32_t handle;
};

static struct hw_lock lock;
static struct uart_open opens[AKIRA_BOARD_APPS_INSTALLED_MAX * AKIRA_API_UARTS_MAX];
#define NOPENS (sizeof(opens) / sizeof(opens[0]))

/* On the board's UART thread: posts only. */
static void on_uart(const struct akira_device *dev, uint32_t events, void *user)
{
    (void)dev;
    struct uart_open *o = user;
    struct akira_event e = {AKIRA_EVENT_UART, o->handle, events, 0};
    akira_evq_post(o->app->evq, &e);
}

int hw_uart_open(struct akira_app_ctx *app, const char *name)
{
    if (!akira_manifest_uart_allowed(app->manifest, name))
        return hw_deny(app, "uart %s is not in the manifest's uart list", name);
    const struct akira_device *dev = akira_driver_get(AKIRA_DRIVER_UART, name);
    if (!dev || !akira_device_is_ready(dev)) return AKIRA_ENODEV;
    if (!hw_lock(&lock)) return AKIRA_ENOMEM;
    struct uart_open *slot = NULL;
    uint32_t used = 0; /* handles of this app in use, bit h */
    int rc = 0;
    for (size_t i = 0; i < NOPENS; i++) {
        struct uart_open *o = &opens[i];
        if (!o->app) {
            if (!slot) slot = o;
        } else {
            if (o->dev == dev) rc = AKIRA_EBUSY;
            if (o->app == app) used |= 1u << o->handle;
        }
    }
    uint32_t h = 1;
    while (h <= AKIRA_API_UARTS_MAX && (used & (1u << h)))
        h++;
    if (rc == 0 && (!slot || h > AKIRA_API_UARTS_MAX)) rc = AKIRA_ENOSPC;
    if (rc == 0) {
        *slot = (struct uart_open){app, dev, h};
        /* Bytes that arrived before the open belong to nobody: drop them. */
        uint8_t junk[64];
        while (akira_uart_read(dev, junk, sizeof junk) > 0) {
        }
        rc = akira_uart_callback_set(dev, on_uart, slot);
        if (rc) memset(slot, 0, sizeof(*slot));
    }
    hw_unlock(&lock);
    return rc ? rc : (int)h;
}

static aw_status api_open(struct akira_app_ctx *app, aw_val *io)
{
    char name[AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    int rc = hw_dev_name(app, io[0].u32, io[1].u32, name);
    return hw_ret(io, rc ? rc : hw_uart_open(app, name));
}

/* The device of app's handle h, or NULL. */
static const struct akira_device *dev_of(struct akira_app_ctx *app, int32_t h)
{
    const struct akira_device *dev = NULL;
    if (h < 1 || h > (int32_t)AKIRA_API_UARTS_MAX || !hw_lock(&lock)) return NULL;
    for (size_t i = 0; i < NOPENS; i++)
        if (opens[i].app == app && opens[i].handle == (uint32_t)h) dev = opens[i].dev;
    hw_unlock(&lock);
    return dev;
}

static aw_status api_write(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[2].u32;
    const uint8_t *p = akira_bridge_mem(app, io[1].u32, len);
    if (!p) return hw_ret(io, AKIRA_EFAULT);
    const struct akira_device *dev = dev_of(app, io[0].i32);
    if (!dev) return hw_ret(io, AKIRA_ENOENT);
    if (len > AKIRA_API_UART_CHUNK) len = AKIRA_API_UART_CHUNK;
    return hw_ret(io, akira_uart_write(dev, p, len));
}

static aw_status api_read(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t cap = io[2].u32;
    uint8_t *p = akira_bridge_mem(app, io[1].u32, cap);
    if (!p) return hw_ret(io, AKIRA_EFAULT);
    const struct akira_device *dev = dev_of(app, io[0].i32);
    if (!dev) return hw_ret(io, AKIRA_ENOENT);
    if (cap > AKIRA_API_UART_CHUNK) cap = AKIRA_API_UART_CHUNK;
    return hw_ret(io, akira_uart_read(dev, p, cap));
}

/* Under the lock. */
static void close_one(struct uart_open *o)
{
    akira_uart_callback_set(o->dev, NULL, NULL); /* returns once on_uart is not running */
    memset(o, 0, sizeof(*o));
}

static aw_status api_close(struct akira_app_ctx *app, aw_val *io)
{
    int32_t h = io[0].i32;
    int rc = AKIRA_ENOENT;
    if (!hw_lock(&lock)) return hw_ret(io, AKIRA_ENOMEM);
    for (size_t i = 0; i < NOPENS; i++) {
        if (opens[i].app == app && h >= 1 && opens[i].handle == (uint32_t)h) {
            close_one(&opens[i]);
            rc = 0;
        }
    }
    hw_unlock(&lock);
    return hw_ret(io, rc);
}

static void uart_app_end(struct akira_app_ctx *app)
{
    if (!atomic_load(&lock.m) || !hw_lock(&lock)) return;
    for (size_t i = 0; i < NOPENS; i++)
        if (opens[i].app == app) close_one(&opens[i]);
    hw_unlock(&lock);
}

static const struct akira_bridge_entry entries[] = {
    {"uart_open", "(ii)i", AKIRA_CAP_UART, api_open},
    {"uart_write", "(iii)i", AKIRA_CAP_UART, api_write},
    {"uart_read", "(iii)i", AKIRA_CAP_UART, api_read},
    {"uart_close", "(i)i", AKIRA_CAP_UART, api_close},
};

const struct akira_bridge_module akira_api_uart = {
    .name = "uart",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = uart_app_end,
};

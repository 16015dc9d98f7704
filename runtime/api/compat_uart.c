/*
 * API module "compat_uart": upstream AkiraOS's uart_* ("env" import module,
 * akira/compat.h, docs/compat.md) over our uart module (runtime/api/uart.c, whose
 * functions do the work with its manifest check, one app per UART and the close at the
 * app's end). Upstream's port 0 is our "uart1" and port 1 "uart2" (its uart0 is the
 * console); the handle is the port number. Neither read nor write waits: a read with
 * nothing received is 0 (as upstream's), a write the transmit buffer cannot take is
 * -EAGAIN (upstream's polls out every byte).
 */
#include "compat_priv.h"

#define UP_UART_PORTS 2

/* Our uart native `name` for upstream's handle in io[0] (its other arguments as ours);
 * a port the app has not opened is -EBADF. */
static aw_status on_port(struct akira_app_ctx *app, aw_val *io, const char *name,
                         const struct akira_bridge_entry **cache, int32_t *rc)
{
    struct akira_compat_app *s = compat_state(app);
    int32_t port = io[0].i32;
    if (!s) {
        *rc = AKIRA_ENOMEM;
        return AW_OK;
    }
    if (port < 0 || port >= UP_UART_PORTS || !s->uart_h[port]) {
        *rc = AKIRA_ENOENT;
        return AW_OK;
    }
    aw_val a[3] = {{.u32 = s->uart_h[port]}, io[1], io[2]};
    return compat_call(app, name, cache, a, rc);
}

static aw_status up_open(struct akira_app_ctx *app, aw_val *io)
{
    int32_t port = io[0].i32;
    COMPAT_REQUIRE(app, io, UPBIT(UART), "uart_open");
    if (port < 0 || port >= UP_UART_PORTS || io[1].i32 <= 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    if (s->uart_h[port]) return hw_ret(io, -AKIRA_UP_EBUSY);
    char name[8];
    snprintf(name, sizeof name, "uart%d", (int)port + 1);
    int rc = hw_uart_open(app, name);
    if (rc < 0) return compat_ret(io, rc);
    s->uart_h[port] = (uint8_t)rc;
    return hw_ret(io, port);
}

/* uart_write and uart_read: the buffer traps outside memory, as upstream's `*~`. */
static aw_status rw(struct akira_app_ctx *app, aw_val *io, bool write)
{
    static const struct akira_bridge_entry *wcache, *rcache;
    if (io[2].u32 && !akira_bridge_mem(app, io[1].u32, io[2].u32)) return compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(UART), write ? "uart_write" : "uart_read");
    int32_t rc;
    aw_status st =
        on_port(app, io, write ? "uart_write" : "uart_read", write ? &wcache : &rcache, &rc);
    if (st != AW_OK) return st;
    if (rc == AKIRA_ENOENT) return hw_ret(io, -AKIRA_UP_EBADF);
    if (rc == AKIRA_EAGAIN && !write) return hw_ret(io, 0);
    return compat_ret(io, rc);
}

COMPAT_WRAP(up_write, rw, true)
COMPAT_WRAP(up_read, rw, false)

static aw_status up_close(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *cache;
    COMPAT_REQUIRE(app, io, UPBIT(UART), "uart_close");
    int32_t rc;
    aw_status st = on_port(app, io, "uart_close", &cache, &rc);
    if (st != AW_OK) return st;
    if (rc == AKIRA_ENOENT) return hw_ret(io, -AKIRA_UP_EBADF);
    if (rc == 0) compat_state(app)->uart_h[io[0].i32] = 0;
    return compat_ret(io, rc);
}

static const struct akira_bridge_entry entries[] = {
    {"uart_open", "(ii)i", AKIRA_CAP_UART, up_open},
    {"uart_write", "(iii)i", AKIRA_CAP_UART, up_write},
    {"uart_read", "(iii)i", AKIRA_CAP_UART, up_read},
    {"uart_close", "(i)i", AKIRA_CAP_UART, up_close},
};

const struct akira_bridge_module akira_api_compat_uart = {
    .name = "compat_uart",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

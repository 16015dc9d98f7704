/*
 * Private to the env API modules (runtime/api/compat_*.c): upstream AkiraOS's natives
 * (akira/compat.h). The per-app state they share, upstream's capability check and the
 * conversion of our results to upstream's errno values. Not a public header.
 */
#ifndef AKIRA_API_COMPAT_PRIV_H
#define AKIRA_API_COMPAT_PRIV_H

#include <akira/compat.h>

#include "hw_util.h"

#define COMPAT_INPUT_QUEUE 16u /* upstream's input event queue depth */
#define COMPAT_GPIO_PINS   49u /* upstream's pin numbers 0..48 (ESP32-S3) */
#define COMPAT_NET_SOCKS   4u  /* our net module's sockets per app */
#define COMPAT_NET_EVENTS  16u /* net_event_pop's queue */

/* What the env modules keep for one app, from its quota at its first call that needs
 * it, freed when the instance ends (compat_core's app_end). */
struct akira_compat_app {
    uint64_t alarm_ms; /* rtc_set_alarm deadline (uptime ms), 0: none */
    char line[96];     /* putchar's line so far */
    uint32_t line_len;
    /* input_poll_event's edge queue, fed from the button state seen at each input call */
    uint32_t seen_buttons;
    struct {
        uint32_t id, pressed;
    } q[COMPAT_INPUT_QUEUE];
    uint32_t q_head, q_count;
    /* msg_*: our IPC subscription id (0: none) for each topic the app subscribed */
    uint32_t sub_id[4];
    char sub_topic[4][32];
    /* uart_*: our uart handle for upstream's port 0 and 1 (0: not open) */
    uint8_t uart_h[2];
    /* gpio_configure's flags per pin (0: not configured) */
    uint8_t pin_flags[COMPAT_GPIO_PINS];
    /* net_*: per socket of ours (handle = index + 1; type 0: not open) its rings in app
     * memory (offset and total size, 0: not bound) and where its sending stands */
    struct compat_net_sock {
        uint8_t type; /* 1 TCP, 2 UDP (ours) */
        bool connected, ended;
        uint32_t tx_off, tx_total, rx_off, rx_total;
        uint32_t tx_sent; /* bytes of the current TX message already sent */
    } net[COMPAT_NET_SOCKS];
    struct compat_net_event {
        uint8_t type, handle;
        uint16_t extra;
    } net_ev[COMPAT_NET_EVENTS];
    uint32_t net_ev_head, net_ev_count, net_ev_dropped;
    /* rf_*: the radio settings the app chose (compat_rf.c), applied when it tunes */
    struct compat_rf {
        bool set; /* false: the defaults are not filled in yet */
        uint8_t channel, rate;
        int8_t dbm;
    } rf;
};

/* The app's state, made on first use; NULL when its quota has no room. */
struct akira_compat_app *compat_state(struct akira_app_ctx *app);

/* Whether the app's upstream manifest asked for any of `bits` (AKIRA_UP_BIT); counted and
 * logged like a capability denial when not. */
bool compat_allowed(struct akira_app_ctx *app, uint64_t bits, const char *fn);

/* Sets the i32 result to our code `rc` as upstream's value (negative errno) and returns
 * AW_OK. */
static inline aw_status compat_ret(aw_val *io, int32_t rc)
{
    io[0].i32 = akira_compat_errno(rc);
    return AW_OK;
}

/* A trap for a pointer out of the app's memory, where upstream's engine traps (its
 * signature-checked `*` and `$` arguments). */
aw_status compat_oob(struct akira_app_ctx *app);

/* Our native `name` of module "akira" (looked up once into *cache) with args; its i32
 * result, our code, in *rc (AKIRA_ENOTSUP when this firmware lacks it). Returns the
 * native's status (a trap when the app is being stopped). */
aw_status compat_call(struct akira_app_ctx *app, const char *name,
                      const struct akira_bridge_entry **cache, aw_val *args, int32_t *rc);

/* A native that is impl(app, io, extra arguments...). */
#define COMPAT_WRAP(fn, impl, ...)                                                                 \
    static aw_status fn(struct akira_app_ctx *app, aw_val *io)                                     \
    {                                                                                              \
        return impl(app, io, __VA_ARGS__);                                                         \
    }

#define UPBIT(c) AKIRA_UP_BIT(AKIRA_UP_CAP_##c)
#define COMPAT_REQUIRE(app, io, bits, fn)                                                          \
    do {                                                                                           \
        if (!compat_allowed((app), (bits), (fn))) return hw_ret((io), -AKIRA_UP_EPERM);            \
    } while (0)

#endif /* AKIRA_API_COMPAT_PRIV_H */

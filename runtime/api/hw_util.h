/*
 * Private helpers of the hardware and network API modules (runtime/api/{gpio,i2c,
 * uart,pwm,sensor,power,net}.c): a module lock made on first use, per-app state slots,
 * and device names read from app memory. Not a public header.
 */
#ifndef AKIRA_API_HW_UTIL_H
#define AKIRA_API_HW_UTIL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/bridge.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/manifest.h>
#include <akira/mutex.h>

/* A module lock, created on first use (the kernel is up by the first app call); two
 * threads racing to make it keep one. Held only for table updates, never across a
 * driver call that blocks. */
struct hw_lock {
    _Atomic(akira_mutex_t *) m;
};

static inline bool hw_lock(struct hw_lock *l)
{
    akira_mutex_t *m = atomic_load(&l->m);
    if (!m) {
        akira_mutex_t *mine;
        if (akira_mutex_create(&mine) != 0) return false;
        if (atomic_compare_exchange_strong(&l->m, &m, mine)) {
            m = mine;
        } else {
            akira_mutex_destroy(mine);
        }
    }
    return akira_mutex_lock(m, AKIRA_FOREVER) == 0;
}

static inline void hw_unlock(struct hw_lock *l)
{
    akira_mutex_unlock(atomic_load(&l->m));
}

/* A device name from app memory (ptr, len) into out (NUL-terminated): 0, AKIRA_EFAULT
 * (outside memory) or AKIRA_EINVAL (empty, longer than a manifest device name, or a
 * NUL inside). */
static inline int hw_dev_name(struct akira_app_ctx *app, uint32_t ptr, uint32_t len,
                              char out[AKIRA_MANIFEST_DEV_NAME_MAX + 1])
{
    const char *p = akira_bridge_mem(app, ptr, len);
    if (!p) return AKIRA_EFAULT;
    if (len == 0 || len > AKIRA_MANIFEST_DEV_NAME_MAX || memchr(p, '\0', len)) return AKIRA_EINVAL;
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

/* A call the capability allows but the manifest's list does not (a pin, address,
 * channel, sensor or host it does not name): counted with the capability denials and
 * logged like them (the first 8, then every 64th, so a looping app cannot flood the
 * log), saying what was asked and which key lacks it. Returns AKIRA_EACCES. */
static inline int hw_deny(struct akira_app_ctx *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int hw_deny(struct akira_app_ctx *app, const char *fmt, ...)
{
    uint_fast64_t n = atomic_fetch_add_explicit(&app->denied_calls, 1, memory_order_relaxed) + 1;
    if (n <= 8 || n % 64 == 0) {
        char what[96];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        akira_bridge_log(app, AKIRA_LOG_WARN, "denied: %s (%llu denied)", what,
                         (unsigned long long)n);
    }
    return AKIRA_EACCES;
}

static inline void hw_put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* uart.c's uart_open for a device name held by the host (the env module's ports):
 * handle 1.. or our error. */
int hw_uart_open(struct akira_app_ctx *app, const char *name);

/* i2c.c's transaction on a bus named by the host (the env module's buses): the
 * manifest check, then wlen bytes of w written and rlen read into r (host buffers;
 * wlen up to 257: a register byte and 256 of data). 0 or our error; *st is the
 * waiting call's status (a trap when the app is being stopped). */
int hw_i2c_transfer(struct akira_app_ctx *app, const char *bus, int32_t addr, uint8_t *w,
                    uint32_t wlen, uint8_t *r, uint32_t rlen, aw_status *st);

/* net.c's sockets for the env module, with host buffers: socket (type 1 TCP, 2 UDP:
 * handle 1.. or our error), connect (the manifest's net_hosts check; TCP waits at most
 * timeout ms, *st the waiting call's status), send and recv (never wait; as net_send
 * and net_recv), close. The sockets are the app's in our net module: its limits, its
 * poller, closed at the app's end. */
struct akira_net_addr;
int hw_net_socket(struct akira_app_ctx *app, int32_t type);
int hw_net_connect(struct akira_app_ctx *app, int32_t h, const struct akira_net_addr *to,
                   int32_t timeout, aw_status *st);
int hw_net_send(struct akira_app_ctx *app, int32_t h, const void *p, uint32_t len);
int hw_net_recv(struct akira_app_ctx *app, int32_t h, void *p, uint32_t cap);
int hw_net_close(struct akira_app_ctx *app, int32_t h);

/* common.c's printf formatter: the format at fmt_ptr (at most 256 bytes) with the
 * wasm32 variadic argument area at ap, into out (cap bytes, NUL-terminated, cut to
 * fit). The full length, or AKIRA_EFAULT / AKIRA_EINVAL. */
int hw_format(struct akira_app_ctx *app, uint32_t fmt_ptr, uint32_t ap, char *out, size_t cap);

/* pwm.c's pwm_set for a device name held by the host: 0 or our error. */
int hw_pwm_set(struct akira_app_ctx *app, const char *name, int32_t ch, uint32_t period_ns,
               uint32_t pulse_ns);

/* power.c's battery reading: 0 and *b, or our error (ENODEV: no power device). */
struct akira_power_battery;
int hw_power_battery(struct akira_power_battery *b);

static inline uint32_t hw_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Sets the i32 result and returns AW_OK (the common exit of a native). */
static inline aw_status hw_ret(aw_val *io, int32_t v)
{
    io[0].i32 = v;
    return AW_OK;
}

#endif /* AKIRA_API_HW_UTIL_H */

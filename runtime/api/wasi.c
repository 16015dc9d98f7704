/*
 * API module "wasi": the subset of WASI preview 1 (import module
 * "wasi_snapshot_preview1") that a wasi-libc program needs to print and exit, so apps
 * built with the SDK's WASI option run as AkiraOS apps. No capability needed: it
 * reaches nothing the common module does not.
 *
 * Results are WASI errno values (0 success, 8 EBADF, 21 EFAULT, 28 EINVAL, 58 ENOTSUP,
 * 70 ESPIPE), as wasi-libc expects, not akira_err_t codes.
 *
 *   fd_write(fd, iovs, n, nwritten)   fd 1 and 2: each line goes to the app's log
 *                                     (info for stdout, warn for stderr); others EBADF
 *   fd_read(fd, iovs, n, nread)       fd 0: end of file (an app has no console); EBADF
 *   fd_close(fd) fd_seek(...)         0..2: nothing to close / ESPIPE; others EBADF
 *   fd_fdstat_get(fd, stat)           0..2: a character device
 *   args_sizes_get, args_get, environ_sizes_get, environ_get: none
 *   clock_time_get(id, prec, time)    monotonic: uptime in ns; realtime and CPU clocks:
 *                                     ENOTSUP (the kernel has no wall clock yet)
 *   sched_yield()                     gives the CPU away
 *   proc_exit(code)                   ends the app: STOPPED with that exit code
 * Anything else of WASI is not provided: such an app fails to start with a message
 * naming the import.
 */
#include <stdio.h>
#include <string.h>

#include <akira/bridge.h>
#include <akira/clock.h>
#include <akira/thread.h>

enum {
    WASI_ESUCCESS = 0,
    WASI_EBADF = 8,
    WASI_EFAULT = 21,
    WASI_EINVAL = 28,
    WASI_ENOTSUP = 58,
    WASI_ESPIPE = 70,
};

#define WASI_FILETYPE_CHARACTER_DEVICE 2u
#define WASI_CLOCK_MONOTONIC           1u

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Stores a u32 result at app address ptr: false when out of bounds. */
static bool out_u32(struct akira_app_ctx *app, uint32_t ptr, uint32_t v)
{
    uint8_t *p = akira_bridge_mem(app, ptr, 4);
    if (p) put_u32(p, v);
    return p != NULL;
}

/* Log text as lines; a line longer than the ring's line is cut there. */
/* Appends len bytes to the line being built in line[*used] and logs each completed
 * line; a line longer than the buffer is cut (the log keeps that much of it anyway). */
static void log_bytes(struct akira_app_ctx *app, enum akira_log_level level, char *line,
                      size_t *used, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            akira_bridge_app_log(app, level, line, *used);
            *used = 0;
        } else if (*used < AKIRA_APP_LOG_LINE_MAX - 1) {
            line[(*used)++] = s[i];
        }
    }
}

static aw_status wasi_fd_write(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t fd = io[0].u32, iovs = io[1].u32, n = io[2].u32, out = io[3].u32;
    if (fd != 1 && fd != 2) {
        io[0].i32 = WASI_EBADF;
        return AW_OK;
    }
    /* Check the whole request before logging anything of it. */
    if (n > 1024) { /* IOV_MAX */
        io[0].i32 = WASI_EINVAL;
        return AW_OK;
    }
    const uint8_t *vec = akira_bridge_mem(app, iovs, n * 8u);
    if (!vec || !akira_bridge_mem(app, out, 4)) {
        io[0].i32 = WASI_EFAULT;
        return AW_OK;
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!akira_bridge_mem(app, get_u32(vec + 8 * i), get_u32(vec + 8 * i + 4))) {
            io[0].i32 = WASI_EFAULT;
            return AW_OK;
        }
    }
    /* The iovecs of one call are one stream: wasi-libc writes a line as its buffer
     * and the rest in two iovecs, which must stay one log line. */
    enum akira_log_level level = fd == 1 ? AKIRA_LOG_INFO : AKIRA_LOG_WARN;
    char line[AKIRA_APP_LOG_LINE_MAX];
    size_t used = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = get_u32(vec + 8 * i + 4);
        const char *buf = akira_bridge_mem(app, get_u32(vec + 8 * i), len);
        log_bytes(app, level, line, &used, buf, len);
        total += len;
    }
    if (used > 0) akira_bridge_app_log(app, level, line, used);
    out_u32(app, out, total > UINT32_MAX ? UINT32_MAX : (uint32_t)total);
    io[0].i32 = WASI_ESUCCESS;
    return AW_OK;
}

static aw_status wasi_fd_read(struct akira_app_ctx *app, aw_val *io)
{
    if (io[0].u32 != 0) {
        io[0].i32 = WASI_EBADF;
        return AW_OK;
    }
    io[0].i32 = out_u32(app, io[3].u32, 0) ? WASI_ESUCCESS : WASI_EFAULT;
    return AW_OK;
}

static aw_status wasi_fd_close(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    io[0].i32 = io[0].u32 <= 2 ? WASI_ESUCCESS : WASI_EBADF;
    return AW_OK;
}

static aw_status wasi_fd_seek(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    io[0].i32 = io[0].u32 <= 2 ? WASI_ESPIPE : WASI_EBADF;
    return AW_OK;
}

static aw_status wasi_fd_fdstat_get(struct akira_app_ctx *app, aw_val *io)
{
    if (io[0].u32 > 2) {
        io[0].i32 = WASI_EBADF;
        return AW_OK;
    }
    uint8_t *st = akira_bridge_mem(app, io[1].u32, 24);
    if (!st) {
        io[0].i32 = WASI_EFAULT;
        return AW_OK;
    }
    memset(st, 0, 24);
    st[0] = WASI_FILETYPE_CHARACTER_DEVICE;
    /* Rights: fd_read (bit 1) for stdin, fd_write (bit 6) for stdout/stderr. */
    put_u64(st + 8, io[0].u32 == 0 ? 1u << 1 : 1u << 6);
    io[0].i32 = WASI_ESUCCESS;
    return AW_OK;
}

/* args_sizes_get / environ_sizes_get: zero entries, zero bytes. */
static aw_status wasi_sizes_none(struct akira_app_ctx *app, aw_val *io)
{
    bool ok = out_u32(app, io[0].u32, 0) && out_u32(app, io[1].u32, 0);
    io[0].i32 = ok ? WASI_ESUCCESS : WASI_EFAULT;
    return AW_OK;
}

/* args_get / environ_get with zero entries: nothing to write. */
static aw_status wasi_get_none(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    io[0].i32 = WASI_ESUCCESS;
    return AW_OK;
}

static aw_status wasi_clock_time_get(struct akira_app_ctx *app, aw_val *io)
{
    if (io[0].u32 != WASI_CLOCK_MONOTONIC) {
        io[0].i32 = io[0].u32 <= 3 ? WASI_ENOTSUP : WASI_EINVAL;
        return AW_OK;
    }
    uint8_t *p = akira_bridge_mem(app, io[2].u32, 8);
    if (p) put_u64(p, akira_uptime_us() * 1000u);
    io[0].i32 = p ? WASI_ESUCCESS : WASI_EFAULT;
    return AW_OK;
}

static aw_status wasi_sched_yield(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    akira_yield();
    io[0].i32 = WASI_ESUCCESS;
    return AW_OK;
}

static aw_status wasi_proc_exit(struct akira_app_ctx *app, aw_val *io)
{
    app->exited = true;
    app->exit_code = io[0].i32;
    char msg[32];
    snprintf(msg, sizeof(msg), "exit %d", (int)io[0].i32);
    aw_store_set_trap_msg(app->store, msg);
    return AW_ERR_TRAP; /* the only way to unwind the app; the manager reads `exited` */
}

static const struct akira_bridge_entry entries[] = {
    {"fd_write", "(iiii)i", AKIRA_CAP_NONE, wasi_fd_write},
    {"fd_read", "(iiii)i", AKIRA_CAP_NONE, wasi_fd_read},
    {"fd_close", "(i)i", AKIRA_CAP_NONE, wasi_fd_close},
    {"fd_seek", "(iIii)i", AKIRA_CAP_NONE, wasi_fd_seek},
    {"fd_fdstat_get", "(ii)i", AKIRA_CAP_NONE, wasi_fd_fdstat_get},
    {"args_sizes_get", "(ii)i", AKIRA_CAP_NONE, wasi_sizes_none},
    {"args_get", "(ii)i", AKIRA_CAP_NONE, wasi_get_none},
    {"environ_sizes_get", "(ii)i", AKIRA_CAP_NONE, wasi_sizes_none},
    {"environ_get", "(ii)i", AKIRA_CAP_NONE, wasi_get_none},
    {"clock_time_get", "(iIi)i", AKIRA_CAP_NONE, wasi_clock_time_get},
    {"sched_yield", "()i", AKIRA_CAP_NONE, wasi_sched_yield},
    {"proc_exit", "(i)", AKIRA_CAP_NONE, wasi_proc_exit},
};

const struct akira_bridge_module akira_api_wasi = {
    .name = "wasi",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "wasi_snapshot_preview1",
};

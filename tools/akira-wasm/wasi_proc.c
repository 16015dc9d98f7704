/*
 * wasi_proc.c - WASI process functions: arguments, environment, clocks, randomness,
 * poll_oneoff, sched_yield and proc_exit.
 */
#include "wasi_mem.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* args_get / environ_get: an array of guest pointers into one buffer of NUL-terminated
 * strings, both sized by the matching *_sizes_get call the app made first. */
static uint16_t put_strings(aw_instance *c, int n, char **strs, uint32_t ptrs, uint32_t buf)
{
    for (int i = 0; i < n; i++) {
        size_t len = strlen(strs[i]) + 1;
        uint8_t *dst = wasi_ptr(c, buf, len);
        if (!dst || !wasi_put32(c, ptrs + 4u * (uint32_t)i, buf)) return WASI_EFAULT;
        memcpy(dst, strs[i], len);
        buf += (uint32_t)len;
    }
    return WASI_ESUCCESS;
}

static uint16_t put_sizes(aw_instance *c, int n, char **strs, uint32_t count, uint32_t size)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += strlen(strs[i]) + 1;
    if (total > UINT32_MAX) return WASI_EOVERFLOW;
    if (!wasi_put32(c, count, (uint32_t)n) || !wasi_put32(c, size, (uint32_t)total))
        return WASI_EFAULT;
    return WASI_ESUCCESS;
}

static aw_status args_get(aw_instance *c, void *user, aw_val *io)
{
    akira_cli_wasi *w = user;
    return wasi_ret(io, put_strings(c, w->argc, w->argv, io[0].u32, io[1].u32));
}

static aw_status args_sizes_get(aw_instance *c, void *user, aw_val *io)
{
    akira_cli_wasi *w = user;
    return wasi_ret(io, put_sizes(c, w->argc, w->argv, io[0].u32, io[1].u32));
}

static aw_status environ_get(aw_instance *c, void *user, aw_val *io)
{
    akira_cli_wasi *w = user;
    return wasi_ret(io, put_strings(c, w->envc, w->envp, io[0].u32, io[1].u32));
}

static aw_status environ_sizes_get(aw_instance *c, void *user, aw_val *io)
{
    akira_cli_wasi *w = user;
    return wasi_ret(io, put_sizes(c, w->envc, w->envp, io[0].u32, io[1].u32));
}

static bool host_clock(uint32_t id, clockid_t *out)
{
    switch (id) {
    case 0: *out = CLOCK_REALTIME; return true;
    case 1: *out = CLOCK_MONOTONIC; return true;
    case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case 3: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
    }
}

static uint64_t ts_ns(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

static aw_status clock_res_get(aw_instance *c, void *user, aw_val *io)
{
    (void)user;
    clockid_t id;
    struct timespec ts;
    if (!host_clock(io[0].u32, &id)) return wasi_ret(io, WASI_EINVAL);
    if (clock_getres(id, &ts) != 0) return wasi_ret(io, akira_cli_wasi_errno(errno));
    return wasi_ret(io, wasi_put64(c, io[1].u32, ts_ns(&ts)) ? 0 : WASI_EFAULT);
}

static aw_status clock_time_get(aw_instance *c, void *user, aw_val *io)
{
    (void)user; /* io[1] is the precision hint, which the host clocks ignore */
    clockid_t id;
    struct timespec ts;
    if (!host_clock(io[0].u32, &id)) return wasi_ret(io, WASI_EINVAL);
    if (clock_gettime(id, &ts) != 0) return wasi_ret(io, akira_cli_wasi_errno(errno));
    return wasi_ret(io, wasi_put64(c, io[2].u32, ts_ns(&ts)) ? 0 : WASI_EFAULT);
}

static aw_status random_get(aw_instance *c, void *user, aw_val *io)
{
    (void)user;
    uint32_t len = io[1].u32;
    uint8_t *p = wasi_ptr(c, io[0].u32, len);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return wasi_ret(io, akira_cli_wasi_errno(errno));
        }
        p += n;
        len -= (uint32_t)n;
    }
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status sched_yield_(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    (void)user;
    sched_yield();
    return wasi_ret(io, WASI_ESUCCESS);
}

/* proc_exit unwinds the whole wasm call: it traps with a host trap, and the runner
 * looks at w->exited before reporting a trap. */
static aw_status proc_exit(aw_instance *c, void *user, aw_val *io)
{
    akira_cli_wasi *w = user;
    w->exited = true;
    w->exit_code = io[0].u32;
    aw_store_set_trap_msg(aw_instance_store(c), "proc_exit");
    return AW_ERR_TRAP;
}

/* ---- poll_oneoff ----------------------------------------------------------------- */

#define SUB_SIZE   48
#define EVENT_SIZE 32
#define MAX_SUBS   64 /* bounds the host arrays; libc's sleep uses one subscription */

enum { EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };

static void put_event(uint8_t *ev, uint64_t userdata, uint16_t err, uint8_t type, uint64_t nbytes,
                      uint16_t flags)
{
    memset(ev, 0, EVENT_SIZE);
    wasi_st64(ev, userdata);
    wasi_st16(ev + 8, err);
    ev[10] = type;
    wasi_st64(ev + 16, nbytes);
    wasi_st16(ev + 24, flags);
}

/* Clock subscriptions become the poll() timeout; fd subscriptions become pollfds. When
 * the earliest clock fires first, every clock subscription due by then is reported. */
static aw_status poll_oneoff(aw_instance *c, void *user, aw_val *io)
{
    akira_cli_wasi *w = user;
    uint32_t in = io[0].u32, out = io[1].u32, nsubs = io[2].u32, nevents_ptr = io[3].u32;
    if (nsubs == 0 || nsubs > MAX_SUBS) return wasi_ret(io, WASI_EINVAL);
    const uint8_t *subs = wasi_ptr(c, in, (uint64_t)nsubs * SUB_SIZE);
    uint8_t *evs = wasi_ptr(c, out, (uint64_t)nsubs * EVENT_SIZE);
    if (!subs || !evs || !wasi_ptr(c, nevents_ptr, 4)) return wasi_ret(io, WASI_EFAULT);

    struct pollfd pfd[MAX_SUBS];
    uint32_t pfd_sub[MAX_SUBS];
    uint64_t deadline[MAX_SUBS]; /* monotonic ns for clock subs, UINT64_MAX otherwise */
    nfds_t npfd = 0;
    uint64_t earliest = UINT64_MAX;
    uint32_t nev = 0;
    struct timespec now_ts;
    clock_gettime(CLOCK_MONOTONIC, &now_ts);
    uint64_t now = ts_ns(&now_ts);

    for (uint32_t i = 0; i < nsubs; i++) {
        const uint8_t *s = subs + (size_t)i * SUB_SIZE;
        uint64_t ud = wasi_ld64(s);
        deadline[i] = UINT64_MAX;
        if (s[8] == EV_CLOCK) {
            uint32_t id = wasi_ld32(s + 16);
            uint64_t timeout = wasi_ld64(s + 24);
            bool abstime = (s[40] & 1) != 0;
            clockid_t hid;
            if (!host_clock(id, &hid)) {
                put_event(evs + (size_t)nev++ * EVENT_SIZE, ud, WASI_EINVAL, EV_CLOCK, 0, 0);
                continue;
            }
            uint64_t rel = timeout;
            if (abstime) {
                struct timespec t;
                clock_gettime(hid, &t);
                rel = timeout > ts_ns(&t) ? timeout - ts_ns(&t) : 0;
            }
            deadline[i] = rel > UINT64_MAX - now ? UINT64_MAX - 1 : now + rel;
            if (deadline[i] < earliest) earliest = deadline[i];
        } else if (s[8] == EV_FD_READ || s[8] == EV_FD_WRITE) {
            akira_cli_fd *f = akira_cli_wasi_fd_get(w, wasi_ld32(s + 16));
            if (!f) {
                put_event(evs + (size_t)nev++ * EVENT_SIZE, ud, WASI_EBADF, s[8], 0, 0);
                continue;
            }
            pfd[npfd] =
                (struct pollfd){.fd = f->host, .events = s[8] == EV_FD_READ ? POLLIN : POLLOUT};
            pfd_sub[npfd++] = i;
        } else {
            put_event(evs + (size_t)nev++ * EVENT_SIZE, ud, WASI_EINVAL, s[8], 0, 0);
        }
    }

    if (nev == 0) {
        for (;;) {
            int timeout_ms = -1;
            if (earliest != UINT64_MAX) {
                clock_gettime(CLOCK_MONOTONIC, &now_ts);
                now = ts_ns(&now_ts);
                uint64_t left = earliest > now ? earliest - now : 0;
                uint64_t ms = (left + 999999) / 1000000; /* never wake before the deadline */
                timeout_ms = ms > 1000000000 ? 1000000000 : (int)ms;
            }
            int r = poll(pfd, npfd, timeout_ms);
            if (r < 0) /* EINTR too: Ctrl-C must not wait out the sleep (wasi.h) */
                return akira_cli_wasi_fail(w, c, io, errno);
            for (nfds_t k = 0; k < npfd; k++) {
                if (!pfd[k].revents) continue;
                const uint8_t *s = subs + (size_t)pfd_sub[k] * SUB_SIZE;
                uint16_t flags = (pfd[k].revents & POLLHUP) ? 1 : 0; /* fd_readwrite_hangup */
                uint16_t err = (pfd[k].revents & (POLLERR | POLLNVAL)) ? WASI_EIO : 0;
                put_event(evs + (size_t)nev++ * EVENT_SIZE, wasi_ld64(s), err, s[8], 0, flags);
            }
            clock_gettime(CLOCK_MONOTONIC, &now_ts);
            now = ts_ns(&now_ts);
            for (uint32_t i = 0; i < nsubs; i++) {
                if (deadline[i] == UINT64_MAX || deadline[i] > now) continue;
                const uint8_t *s = subs + (size_t)i * SUB_SIZE;
                put_event(evs + (size_t)nev++ * EVENT_SIZE, wasi_ld64(s), 0, EV_CLOCK, 0, 0);
            }
            if (nev > 0) break;
        }
    }
    wasi_put32(c, nevents_ptr, nev);
    return wasi_ret(io, WASI_ESUCCESS);
}

const akira_cli_wasi_entry akira_cli_wasi_proc_entries[] = {
    {"args_get", "(ii)i", args_get},
    {"args_sizes_get", "(ii)i", args_sizes_get},
    {"environ_get", "(ii)i", environ_get},
    {"environ_sizes_get", "(ii)i", environ_sizes_get},
    {"clock_res_get", "(ii)i", clock_res_get},
    {"clock_time_get", "(iIi)i", clock_time_get},
    {"random_get", "(ii)i", random_get},
    {"sched_yield", "()i", sched_yield_},
    {"proc_exit", "(i)", proc_exit},
    {"poll_oneoff", "(iiii)i", poll_oneoff},
    {NULL, NULL, NULL},
};

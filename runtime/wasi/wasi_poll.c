/*
 * poll_oneoff: clock subscriptions become the backend's wait timeout, fd
 * subscriptions its pollfds. When the earliest clock fires first, every clock
 * subscription due by then is reported. The subscription layout differs between the
 * previews (wasi_p0.c), the events do not.
 */
#include "wasi_priv.h"

#define EVENT_SIZE 32
/* Bounds the arrays below, which live on the app's thread stack (4 KiB on small
 * boards): libc's sleep uses one subscription, its poll() one per fd and a clock. */
#define MAX_SUBS 32

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

static int now_of(struct akira_wasi *w, uint32_t id, uint64_t *ns)
{
    return w->ops->clock ? w->ops->clock(w->be, id, false, ns) : WASI_EINVAL;
}

aw_status wasi_poll(struct akira_wasi *w, aw_val *io, uint32_t sub_size, uint32_t clock_at)
{
    aw_instance *c = w->caller;
    uint32_t in = io[0].u32, out = io[1].u32, nsubs = io[2].u32, nevents_ptr = io[3].u32;
    if (nsubs == 0 || nsubs > MAX_SUBS) return wasi_ret(io, WASI_EINVAL);
    const uint8_t *subs = wasi_ptr(c, in, (uint64_t)nsubs * sub_size);
    uint8_t *evs = wasi_ptr(c, out, (uint64_t)nsubs * EVENT_SIZE);
    if (!subs || !evs || !wasi_ptr(c, nevents_ptr, 4)) return wasi_ret(io, WASI_EFAULT);
    if (!w->ops->poll) return wasi_ret(io, WASI_ENOSYS);

    struct akira_wasi_pollfd pfd[MAX_SUBS];
    uint8_t pfd_sub[MAX_SUBS];
    uint64_t deadline[MAX_SUBS]; /* monotonic ns for clock subs, UINT64_MAX otherwise */
    uint32_t npfd = 0, nev = 0;
    uint64_t earliest = UINT64_MAX, now = 0;
    int e = now_of(w, WASI_CLOCK_MONOTONIC, &now);
    if (e) return wasi_ret(io, e);

    for (uint32_t i = 0; i < nsubs; i++) {
        const uint8_t *s = subs + (size_t)i * sub_size;
        uint64_t ud = wasi_ld64(s);
        deadline[i] = UINT64_MAX;
        if (s[8] == EV_CLOCK) {
            const uint8_t *cl = s + clock_at;
            uint32_t id = wasi_ld32(cl);
            uint64_t timeout = wasi_ld64(cl + 8), t = 0;
            bool abstime = (cl[24] & 1) != 0;
            if (id > WASI_CLOCK_THREAD || now_of(w, id, &t) != 0) {
                put_event(evs + (size_t)nev++ * EVENT_SIZE, ud, WASI_EINVAL, EV_CLOCK, 0, 0);
                continue;
            }
            uint64_t rel = abstime ? (timeout > t ? timeout - t : 0) : timeout;
            deadline[i] = rel > UINT64_MAX - 1 - now ? UINT64_MAX - 1 : now + rel;
            if (deadline[i] < earliest) earliest = deadline[i];
        } else if (s[8] == EV_FD_READ || s[8] == EV_FD_WRITE) {
            struct akira_wasi_fd *f = wasi_fd(w, wasi_ld32(s + 16), 0, &e);
            if (!f) {
                put_event(evs + (size_t)nev++ * EVENT_SIZE, ud, WASI_EBADF, s[8], 0, 0);
                continue;
            }
            pfd[npfd] = (struct akira_wasi_pollfd){.fd = f, .write = s[8] == EV_FD_WRITE};
            pfd_sub[npfd++] = (uint8_t)i;
        } else {
            put_event(evs + (size_t)nev++ * EVENT_SIZE, ud, WASI_EINVAL, s[8], 0, 0);
        }
    }

    while (nev == 0) {
        if ((e = now_of(w, WASI_CLOCK_MONOTONIC, &now))) return wasi_ret(io, e);
        uint64_t left = earliest == UINT64_MAX ? UINT64_MAX : earliest > now ? earliest - now : 0;
        e = w->ops->poll(w->be, pfd, npfd, left);
        if (e) return wasi_ret(io, e); /* a trap when the wait was cut short to end the app */
        for (uint32_t k = 0; k < npfd; k++) {
            if (!pfd[k].ready) continue;
            const uint8_t *s = subs + (size_t)pfd_sub[k] * sub_size;
            put_event(evs + (size_t)nev++ * EVENT_SIZE, wasi_ld64(s), pfd[k].err, s[8], 0,
                      pfd[k].hangup ? 1 : 0); /* nbytes unknown; fd_readwrite_hangup */
        }
        if ((e = now_of(w, WASI_CLOCK_MONOTONIC, &now))) return wasi_ret(io, e);
        for (uint32_t i = 0; i < nsubs; i++) {
            if (deadline[i] == UINT64_MAX || deadline[i] > now) continue;
            const uint8_t *s = subs + (size_t)i * sub_size;
            put_event(evs + (size_t)nev++ * EVENT_SIZE, wasi_ld64(s), 0, EV_CLOCK, 0, 0);
        }
    }
    wasi_put32(c, nevents_ptr, nev);
    return wasi_ret(io, 0);
}

/* Preview 1: 48-byte subscriptions, the clock's id at 16. */
aw_status akira_wasi_poll_oneoff(aw_instance *c, void *user, aw_val *io)
{
    return wasi_poll(wasi_enter(c, user), io, 48, 16);
}

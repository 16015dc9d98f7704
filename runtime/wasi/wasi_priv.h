/*
 * Private to runtime/wasi/: guest memory access and the helpers every WASI function
 * shares. Guest structures are little-endian and need not be aligned for the host,
 * so loads and stores go byte by byte.
 */
#ifndef AKIRA_WASI_PRIV_H
#define AKIRA_WASI_PRIV_H

#include <akira/wasi_core.h>

#include <string.h>

/* Host pointer to guest range [addr, addr+len) of the caller's memory 0, or NULL when
 * any of it is outside (or there is no memory). A zero-length range needs only a valid
 * start. */
static inline uint8_t *wasi_ptr(aw_instance *caller, uint32_t addr, uint64_t len)
{
    aw_memory *mem = caller ? aw_instance_memory(caller, 0) : NULL;
    if (!mem) return NULL;
    if (len == 0) {
        static uint8_t empty;
        return (uint64_t)addr <= aw_memory_size(mem) ? &empty : NULL;
    }
    return aw_memory_ptr(mem, addr, len);
}

static inline uint32_t wasi_ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t wasi_ld64(const uint8_t *p)
{
    return (uint64_t)wasi_ld32(p) | (uint64_t)wasi_ld32(p + 4) << 32;
}

static inline void wasi_st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void wasi_st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void wasi_st64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline bool wasi_put32(aw_instance *c, uint32_t addr, uint32_t v)
{
    uint8_t *p = wasi_ptr(c, addr, 4);
    if (p) wasi_st32(p, v);
    return p != NULL;
}

static inline bool wasi_put64(aw_instance *c, uint32_t addr, uint64_t v)
{
    uint8_t *p = wasi_ptr(c, addr, 8);
    if (p) wasi_st64(p, v);
    return p != NULL;
}

/* The answer of a host function: a backend result r (0, a WASI errno, or
 * AKIRA_WASI_TRAP) in io[0]; a trap ends the app. */
static inline aw_status wasi_ret(aw_val *io, int r)
{
    if (r == AKIRA_WASI_TRAP) return AW_ERR_TRAP;
    io[0].i32 = r;
    return AW_OK;
}

/* Entry of every host function: the context, with the caller recorded. */
static inline struct akira_wasi *wasi_enter(aw_instance *caller, void *user)
{
    struct akira_wasi *w = user;
    w->caller = caller;
    return w;
}

/* The open guest fd `fd` holding every right in `need`, or NULL with *err EBADF (not
 * open) or ENOTCAPABLE (opened without the right). */
struct akira_wasi_fd *wasi_fd(struct akira_wasi *w, uint32_t fd, uint64_t need, int *err);

/* Guest iovec list (iovs, n) as host iovecs in out[WASI_MAX_IOVS], every buffer
 * bounds-checked; a longer list is cut (a short read/write, which WASI allows).
 * 0 or WASI_EFAULT. */
#define WASI_MAX_IOVS 32 /* on the app's thread stack; wasi-libc sends 1 to 3 */
int wasi_gather(aw_instance *c, uint32_t iovs, uint32_t n, struct akira_wasi_iov *out,
                uint32_t *count);

/* path_filestat_get's lookup (wasi_path.c). */
int wasi_path_stat(struct akira_wasi *w, uint32_t fd, uint32_t flags, uint32_t path, uint32_t len,
                   struct akira_wasi_stat *st);

/* fd_filestat_get / path_filestat_get for both previews: `put` writes the filestat in
 * the preview's layout of `size` bytes (0, or an errno when a field does not fit). */
typedef int (*wasi_put_filestat)(uint8_t *p, const struct akira_wasi_stat *st);
aw_status wasi_fd_filestat(aw_instance *c, void *user, aw_val *io, uint32_t size,
                           wasi_put_filestat put);
aw_status wasi_path_filestat(aw_instance *c, void *user, aw_val *io, uint32_t size,
                             wasi_put_filestat put);

/* fstflags: atim 1, atim_now 2, mtim 4, mtim_now 8; "set" and "now" exclude. */
static inline bool wasi_fst_ok(uint32_t fst)
{
    return !(((fst & 1) && (fst & 2)) || ((fst & 4) && (fst & 8)) || (fst & ~15u));
}
/* fd_seek with a preview-1 whence. */
int wasi_seek(struct akira_wasi *w, uint32_t fd, int64_t off, uint32_t whence, uint32_t out);

/* poll_oneoff with the subscription layout of a preview: its size, and the offset of
 * the clock id (timeout, precision and flags follow at +8, +16, +24). */
aw_status wasi_poll(struct akira_wasi *w, aw_val *io, uint32_t sub_size, uint32_t clock_at);

#endif /* AKIRA_WASI_PRIV_H */

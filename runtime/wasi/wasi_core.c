/*
 * The WASI context, its descriptor table, the import tables, and the process
 * functions: arguments, environment, clocks, randomness, yield and exit.
 */
#include "wasi_priv.h"

void akira_wasi_init(struct akira_wasi *w, const struct akira_wasi_ops *ops, void *be,
                     struct akira_wasi_fd *fds, uint32_t nfds, char *scratch, uint32_t path_max)
{
    memset(w, 0, sizeof *w);
    w->ops = ops;
    w->be = be;
    w->fds = fds;
    w->nfds = nfds;
    w->scratch = scratch;
    w->path_max = path_max;
    for (uint32_t i = 0; i < nfds; i++)
        fds[i] = (struct akira_wasi_fd){.h = -1};
}

int akira_wasi_fd_add(struct akira_wasi *w, int32_t h, uint8_t type, uint64_t rights,
                      uint64_t inherit, uint16_t fdflags)
{
    for (uint32_t i = 0; i < w->nfds; i++) {
        if (w->fds[i].h >= 0) continue;
        w->fds[i] = (struct akira_wasi_fd){
            .h = h, .type = type, .fdflags = fdflags, .rights = rights, .inherit = inherit};
        return (int)i;
    }
    return -1;
}

void akira_wasi_close_all(struct akira_wasi *w)
{
    for (uint32_t i = 0; i < w->nfds; i++) {
        if (w->fds[i].h < 0) continue;
        if (w->ops->close) w->ops->close(w->be, &w->fds[i]);
        w->fds[i] = (struct akira_wasi_fd){.h = -1};
    }
}

struct akira_wasi_fd *wasi_fd(struct akira_wasi *w, uint32_t fd, uint64_t need, int *err)
{
    if (fd >= w->nfds || w->fds[fd].h < 0) {
        *err = WASI_EBADF;
        return NULL;
    }
    if ((w->fds[fd].rights & need) != need) {
        *err = WASI_ENOTCAPABLE;
        return NULL;
    }
    *err = 0;
    return &w->fds[fd];
}

int wasi_gather(aw_instance *c, uint32_t iovs, uint32_t n, struct akira_wasi_iov *out,
                uint32_t *count)
{
    if (n > WASI_MAX_IOVS) n = WASI_MAX_IOVS;
    const uint8_t *g = wasi_ptr(c, iovs, (uint64_t)n * 8);
    if (!g) return WASI_EFAULT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = wasi_ld32(g + 8 * i), len = wasi_ld32(g + 8 * i + 4);
        uint8_t *p = wasi_ptr(c, buf, len);
        if (!p) return WASI_EFAULT;
        out[i] = (struct akira_wasi_iov){.buf = p, .len = len};
    }
    *count = n;
    return 0;
}

/* ---- arguments and environment ---------------------------------------------------- */

/* args_get / environ_get: an array of guest pointers into one buffer of NUL-terminated
 * strings, both sized by the matching *_sizes_get call the app made first. */
static int put_strings(aw_instance *c, uint32_t n, char *const *strs, uint32_t ptrs, uint32_t buf)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(strs[i]) + 1;
        uint8_t *dst = wasi_ptr(c, buf, len);
        if (!dst || !wasi_put32(c, ptrs + 4u * i, buf)) return WASI_EFAULT;
        memcpy(dst, strs[i], len);
        buf += (uint32_t)len;
    }
    return 0;
}

static int put_sizes(aw_instance *c, uint32_t n, char *const *strs, uint32_t count, uint32_t size)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += strlen(strs[i]) + 1;
    if (total > UINT32_MAX) return WASI_EOVERFLOW;
    if (!wasi_put32(c, count, n) || !wasi_put32(c, size, (uint32_t)total)) return WASI_EFAULT;
    return 0;
}

aw_status akira_wasi_args_get(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    return wasi_ret(io, put_strings(c, w->argc, w->argv, io[0].u32, io[1].u32));
}

aw_status akira_wasi_args_sizes_get(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    return wasi_ret(io, put_sizes(c, w->argc, w->argv, io[0].u32, io[1].u32));
}

aw_status akira_wasi_environ_get(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    return wasi_ret(io, put_strings(c, w->envc, w->envp, io[0].u32, io[1].u32));
}

aw_status akira_wasi_environ_sizes_get(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    return wasi_ret(io, put_sizes(c, w->envc, w->envp, io[0].u32, io[1].u32));
}

/* ---- clocks, randomness, scheduling, exit ----------------------------------------- */

static aw_status clock_get(aw_instance *c, void *user, aw_val *io, bool res, uint32_t out)
{
    struct akira_wasi *w = wasi_enter(c, user);
    uint64_t ns = 0;
    if (!wasi_ptr(c, out, 8)) return wasi_ret(io, WASI_EFAULT);
    if (io[0].u32 > WASI_CLOCK_THREAD) return wasi_ret(io, WASI_EINVAL);
    int r = w->ops->clock ? w->ops->clock(w->be, io[0].u32, res, &ns) : WASI_EINVAL;
    if (r == 0) wasi_put64(c, out, ns);
    return wasi_ret(io, r);
}

aw_status akira_wasi_clock_res_get(aw_instance *c, void *user, aw_val *io)
{
    return clock_get(c, user, io, true, io[1].u32);
}

/* io[1] is the precision hint, which no backend needs. */
aw_status akira_wasi_clock_time_get(aw_instance *c, void *user, aw_val *io)
{
    return clock_get(c, user, io, false, io[2].u32);
}

aw_status akira_wasi_random_get(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    uint8_t *p = wasi_ptr(c, io[0].u32, io[1].u32);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    if (!w->ops->random) return wasi_ret(io, WASI_ENOSYS);
    return wasi_ret(io, io[1].u32 ? w->ops->random(w->be, p, io[1].u32) : 0);
}

aw_status akira_wasi_sched_yield(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    if (w->ops->yield) w->ops->yield(w->be);
    return wasi_ret(io, 0);
}

/* proc_exit unwinds the whole call with a trap; the embedder looks at w->exited
 * before reporting a trap. */
aw_status akira_wasi_proc_exit(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    w->exited = true;
    w->exit_code = io[0].u32;
    aw_store_set_trap_msg(aw_instance_store(c), "proc_exit");
    return AW_ERR_TRAP;
}

/* No signals in a sandbox: ENOSYS by design (wasi-libc's raise() reports it). */
aw_status akira_wasi_proc_raise(aw_instance *c, void *user, aw_val *io)
{
    wasi_enter(c, user);
    return wasi_ret(io, WASI_ENOSYS);
}

/* ---- the import tables ------------------------------------------------------------- */

#define ENTRY_(name, sig, fn) {#name, sig, fn},
static const struct akira_wasi_func p1_funcs[] = {AKIRA_WASI_P1_LIST(ENTRY_){NULL, NULL, NULL}};
static const struct akira_wasi_func p0_funcs[] = {AKIRA_WASI_P0_LIST(ENTRY_){NULL, NULL, NULL}};
#undef ENTRY_

const struct akira_wasi_func *akira_wasi_find(const char *module, const char *name)
{
    const struct akira_wasi_func *t = strcmp(module, AKIRA_WASI_P1) == 0   ? p1_funcs
                                      : strcmp(module, AKIRA_WASI_P0) == 0 ? p0_funcs
                                                                           : NULL;
    for (; t && t->name; t++)
        if (strcmp(t->name, name) == 0) return t;
    return NULL;
}

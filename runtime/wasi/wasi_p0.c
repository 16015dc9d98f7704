/*
 * Preview 0 ("wasi_unstable"): the translations of what differs from preview 1
 * (akira/wasi_core.h lists the differences, from the WASI repository's
 * legacy/preview0 witx). Each one decodes or encodes the preview-0 layout around the
 * preview-1 implementation; every other preview-0 import is the preview-1 function.
 */
#include "wasi_priv.h"

/* whence: cur 0, end 1, set 2 in preview 0. */
aw_status akira_wasi_p0_fd_seek(aw_instance *c, void *user, aw_val *io)
{
    static const uint8_t to_p1[] = {WASI_WHENCE_CUR, WASI_WHENCE_END, WASI_WHENCE_SET};
    struct akira_wasi *w = wasi_enter(c, user);
    if (io[2].u32 > 2) return wasi_ret(io, WASI_EINVAL);
    return wasi_ret(io, wasi_seek(w, io[0].u32, io[1].i64, to_p1[io[2].u32], io[3].u32));
}

/* filestat: 56 bytes, nlink a u32 at 20, then size, atim, mtim, ctim at 24..48. */
static int put_filestat_p0(uint8_t *p, const struct akira_wasi_stat *st)
{
    if (st->nlink > UINT32_MAX) return WASI_EOVERFLOW;
    memset(p, 0, 56);
    wasi_st64(p, st->dev);
    wasi_st64(p + 8, st->ino);
    p[16] = st->type;
    wasi_st32(p + 20, (uint32_t)st->nlink);
    wasi_st64(p + 24, st->size);
    wasi_st64(p + 32, st->atim);
    wasi_st64(p + 40, st->mtim);
    wasi_st64(p + 48, st->ctim);
    return 0;
}

aw_status akira_wasi_p0_fd_filestat_get(aw_instance *c, void *user, aw_val *io)
{
    return wasi_fd_filestat(c, user, io, 56, put_filestat_p0);
}

aw_status akira_wasi_p0_path_filestat_get(aw_instance *c, void *user, aw_val *io)
{
    return wasi_path_filestat(c, user, io, 56, put_filestat_p0);
}

/* Subscriptions of 56 bytes: the clock's `identifier` at 16 puts its id at 24. */
aw_status akira_wasi_p0_poll_oneoff(aw_instance *c, void *user, aw_val *io)
{
    return wasi_poll(wasi_enter(c, user), io, 56, 24);
}

/* The same fdstat, with the rights preview 0 knows (no sock_accept). */
aw_status akira_wasi_p0_fd_fdstat_get(aw_instance *c, void *user, aw_val *io)
{
    uint32_t at = io[1].u32;
    aw_status s = akira_wasi_fd_fdstat_get(c, user, io);
    uint8_t *p = wasi_ptr(c, at, 24);
    if (s == AW_OK && io[0].i32 == 0 && p) {
        wasi_st64(p + 8, wasi_ld64(p + 8) & WASI_RIGHTS_P0_ALL);
        wasi_st64(p + 16, wasi_ld64(p + 16) & WASI_RIGHTS_P0_ALL);
    }
    return s;
}

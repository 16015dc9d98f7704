/*
 * WASI descriptor functions: read/write/seek/stat/readdir/flags/rights on guest fds,
 * and the socket calls on sockets a backend handed over.
 */
#include "wasi_priv.h"

/* The open guest fd io[0] as `f` holding the rights in `need`, else return the error. */
#define NEED_FD(f, w, io, need)                                                                    \
    int err_;                                                                                      \
    struct akira_wasi_fd *f = wasi_fd((w), io[0].u32, (need), &err_);                              \
    if (!f) return wasi_ret(io, err_)

/* An optional backend op: NULL answers `none`. */
#define OP(w, name, none, ...) ((w)->ops->name ? (w)->ops->name((w)->be, __VA_ARGS__) : (none))

/* Shared body of fd_read/fd_write/fd_pread/fd_pwrite. `offset` < 0: current position. */
static aw_status rw(aw_instance *c, void *user, aw_val *io, bool write, int64_t offset,
                    uint32_t result_ptr)
{
    struct akira_wasi *w = wasi_enter(c, user);
    uint64_t need =
        (write ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ) | (offset >= 0 ? WASI_RIGHT_FD_SEEK : 0);
    NEED_FD(f, w, io, need);
    if (f->type == WASI_FILETYPE_DIRECTORY) return wasi_ret(io, WASI_EISDIR);
    struct akira_wasi_iov v[WASI_MAX_IOVS];
    uint32_t n = 0, done = 0;
    int e = wasi_gather(c, io[1].u32, io[2].u32, v, &n);
    if (e) return wasi_ret(io, e);
    if (!wasi_ptr(c, result_ptr, 4)) return wasi_ret(io, WASI_EFAULT);
    e = OP(w, rw, WASI_ENOTSUP, f, write, v, n, offset, &done);
    if (e == 0) wasi_put32(c, result_ptr, done);
    return wasi_ret(io, e);
}

aw_status akira_wasi_fd_write(aw_instance *c, void *user, aw_val *io)
{
    return rw(c, user, io, true, -1, io[3].u32);
}

aw_status akira_wasi_fd_read(aw_instance *c, void *user, aw_val *io)
{
    return rw(c, user, io, false, -1, io[3].u32);
}

aw_status akira_wasi_fd_pwrite(aw_instance *c, void *user, aw_val *io)
{
    if (io[3].i64 < 0) return wasi_ret(io, WASI_EINVAL);
    return rw(c, user, io, true, io[3].i64, io[4].u32);
}

aw_status akira_wasi_fd_pread(aw_instance *c, void *user, aw_val *io)
{
    if (io[3].i64 < 0) return wasi_ret(io, WASI_EINVAL);
    return rw(c, user, io, false, io[3].i64, io[4].u32);
}

int wasi_seek(struct akira_wasi *w, uint32_t fd, int64_t off, uint32_t whence, uint32_t out)
{
    /* lseek(fd, 0, SEEK_CUR) is how libc asks for the position: fd_tell's right */
    bool tell = off == 0 && whence == WASI_WHENCE_CUR;
    int e;
    struct akira_wasi_fd *f = wasi_fd(w, fd, tell ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK, &e);
    if (!f) return e;
    if (whence > WASI_WHENCE_END) return WASI_EINVAL;
    if (!wasi_ptr(w->caller, out, 8)) return WASI_EFAULT;
    uint64_t pos = 0;
    e = OP(w, seek, WASI_ESPIPE, f, off, (int)whence, &pos);
    if (e == 0) wasi_put64(w->caller, out, pos);
    return e;
}

aw_status akira_wasi_fd_seek(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    return wasi_ret(io, wasi_seek(w, io[0].u32, io[1].i64, io[2].u32, io[3].u32));
}

aw_status akira_wasi_fd_tell(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, WASI_RIGHT_FD_TELL);
    if (!wasi_ptr(c, io[1].u32, 8)) return wasi_ret(io, WASI_EFAULT);
    uint64_t pos = 0;
    int e = OP(w, seek, WASI_ESPIPE, f, 0, WASI_WHENCE_CUR, &pos);
    if (e == 0) wasi_put64(c, io[1].u32, pos);
    return wasi_ret(io, e);
}

aw_status akira_wasi_fd_close(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, 0);
    int e = OP(w, close, 0, f);
    *f = (struct akira_wasi_fd){.h = -1}; /* released even when the backend's sync failed */
    return wasi_ret(io, e);
}

static aw_status sync(aw_instance *c, void *user, aw_val *io, bool data_only)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, data_only ? WASI_RIGHT_FD_DATASYNC : WASI_RIGHT_FD_SYNC);
    return wasi_ret(io, OP(w, sync, 0, f, data_only));
}

aw_status akira_wasi_fd_sync(aw_instance *c, void *user, aw_val *io)
{
    return sync(c, user, io, false);
}

aw_status akira_wasi_fd_datasync(aw_instance *c, void *user, aw_val *io)
{
    return sync(c, user, io, true);
}

aw_status akira_wasi_fd_fdstat_get(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, 0);
    uint8_t *p = wasi_ptr(c, io[1].u32, 24);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    uint16_t flags = f->fdflags;
    if (w->ops->get_flags) {
        int e = w->ops->get_flags(w->be, f, &flags);
        if (e) return wasi_ret(io, e);
    }
    memset(p, 0, 24);
    p[0] = f->type;
    wasi_st16(p + 2, flags);
    wasi_st64(p + 8, f->rights);
    wasi_st64(p + 16, f->inherit);
    return wasi_ret(io, 0);
}

aw_status akira_wasi_fd_fdstat_set_flags(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, WASI_RIGHT_FD_FDSTAT_SET_FLAGS);
    uint32_t want = io[1].u32;
    /* Only append and nonblock can change on an open descriptor; the sync flags are
     * chosen at open time, so asking for them here is refused. */
    if (want & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK)) return wasi_ret(io, WASI_ENOTSUP);
    int e = OP(w, set_flags, WASI_ENOTSUP, f, (uint16_t)want);
    if (e == 0)
        f->fdflags = (uint16_t)((f->fdflags & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK)) | want);
    return wasi_ret(io, e);
}

/* Rights can only be dropped, never regained (ENOTCAPABLE for any new bit). */
aw_status akira_wasi_fd_fdstat_set_rights(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, 0);
    uint64_t base = io[1].u64, inh = io[2].u64;
    if ((base & ~f->rights) || (inh & ~f->inherit)) return wasi_ret(io, WASI_ENOTCAPABLE);
    f->rights = base;
    f->inherit = inh;
    return wasi_ret(io, 0);
}

/* Preview 1's filestat: 64 bytes, nlink a u64. */
static int put_filestat(uint8_t *p, const struct akira_wasi_stat *st)
{
    memset(p, 0, 64);
    wasi_st64(p, st->dev);
    wasi_st64(p + 8, st->ino);
    p[16] = st->type;
    wasi_st64(p + 24, st->nlink);
    wasi_st64(p + 32, st->size);
    wasi_st64(p + 40, st->atim);
    wasi_st64(p + 48, st->mtim);
    wasi_st64(p + 56, st->ctim);
    return 0;
}

aw_status wasi_fd_filestat(aw_instance *c, void *user, aw_val *io, uint32_t size,
                           wasi_put_filestat put)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, WASI_RIGHT_FD_FILESTAT_GET);
    uint8_t *p = wasi_ptr(c, io[1].u32, size);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    struct akira_wasi_stat st;
    memset(&st, 0, sizeof st);
    int e = OP(w, fstat, WASI_ENOTSUP, f, &st);
    return wasi_ret(io, e ? e : put(p, &st));
}

aw_status wasi_path_filestat(aw_instance *c, void *user, aw_val *io, uint32_t size,
                             wasi_put_filestat put)
{
    struct akira_wasi *w = wasi_enter(c, user);
    uint8_t *p = wasi_ptr(c, io[4].u32, size);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    struct akira_wasi_stat st;
    int e = wasi_path_stat(w, io[0].u32, io[1].u32, io[2].u32, io[3].u32, &st);
    return wasi_ret(io, e ? e : put(p, &st));
}

aw_status akira_wasi_fd_filestat_get(aw_instance *c, void *user, aw_val *io)
{
    return wasi_fd_filestat(c, user, io, 64, put_filestat);
}

aw_status akira_wasi_path_filestat_get(aw_instance *c, void *user, aw_val *io)
{
    return wasi_path_filestat(c, user, io, 64, put_filestat);
}

aw_status akira_wasi_fd_filestat_set_size(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, WASI_RIGHT_FD_FILESTAT_SET_SIZE);
    if (io[1].i64 < 0) return wasi_ret(io, WASI_EINVAL);
    return wasi_ret(io, OP(w, set_size, WASI_ENOTSUP, f, io[1].u64));
}

aw_status akira_wasi_fd_filestat_set_times(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, WASI_RIGHT_FD_FILESTAT_SET_TIMES);
    if (!wasi_fst_ok(io[3].u32)) return wasi_ret(io, WASI_EINVAL);
    return wasi_ret(io, OP(w, fd_times, WASI_ENOTSUP, f, io[1].u64, io[2].u64, io[3].u32));
}

aw_status akira_wasi_fd_advise(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, WASI_RIGHT_FD_ADVISE);
    if (io[3].u32 > 5 || io[1].i64 < 0 || io[2].i64 < 0) return wasi_ret(io, WASI_EINVAL);
    /* advice is a hint: a backend without a use for it has nothing to do */
    return wasi_ret(io, OP(w, advise, 0, f, io[1].u64, io[2].u64, io[3].u32));
}

aw_status akira_wasi_fd_allocate(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, WASI_RIGHT_FD_ALLOCATE);
    if (io[1].i64 < 0 || io[2].i64 <= 0) return wasi_ret(io, WASI_EINVAL);
    return wasi_ret(io, OP(w, allocate, WASI_ENOTSUP, f, io[1].u64, io[2].u64));
}

aw_status akira_wasi_fd_prestat_get(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, 0);
    if (!f->name) return wasi_ret(io, WASI_EBADF); /* libc stops scanning here */
    uint8_t *p = wasi_ptr(c, io[1].u32, 8);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    memset(p, 0, 8); /* tag 0: directory */
    wasi_st32(p + 4, (uint32_t)strlen(f->name));
    return wasi_ret(io, 0);
}

aw_status akira_wasi_fd_prestat_dir_name(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, 0);
    if (!f->name) return wasi_ret(io, WASI_EBADF);
    size_t len = strlen(f->name);
    if (io[2].u32 < len) return wasi_ret(io, WASI_ENAMETOOLONG);
    uint8_t *p = wasi_ptr(c, io[1].u32, len);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    memcpy(p, f->name, len);
    return wasi_ret(io, 0);
}

/* Entries from `cookie` on, each a 24-byte dirent and its name; the cookie of an
 * entry is its index + 1. A truncated last entry fills the buffer: the app sees
 * bufused == buf_len and asks again from that entry's cookie with a larger buffer. */
aw_status akira_wasi_fd_readdir(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    NEED_FD(f, w, io, WASI_RIGHT_FD_READDIR);
    uint32_t buf_len = io[2].u32, used_ptr = io[4].u32;
    uint64_t cookie = io[3].u64;
    uint8_t *out = wasi_ptr(c, io[1].u32, buf_len);
    if (!out || !wasi_ptr(c, used_ptr, 4)) return wasi_ret(io, WASI_EFAULT);
    if (f->type != WASI_FILETYPE_DIRECTORY) return wasi_ret(io, WASI_ENOTDIR);
    if (!w->ops->readdir) return wasi_ret(io, WASI_ENOTSUP);
    uint32_t used = 0;
    while (used < buf_len) {
        struct akira_wasi_dirent de = {0};
        uint8_t hdr[24];
        /* the name goes straight into the guest buffer after its header */
        uint32_t room = buf_len - used > sizeof hdr ? buf_len - used - (uint32_t)sizeof hdr : 0;
        char *name = (char *)out + used + (buf_len - used > sizeof hdr ? sizeof hdr : 0);
        int e = w->ops->readdir(w->be, f, cookie, &de, name, room);
        if (e == AKIRA_WASI_END) break;
        if (e) return wasi_ret(io, e);
        cookie++;
        memset(hdr, 0, sizeof hdr);
        wasi_st64(hdr, cookie);
        wasi_st64(hdr + 8, de.ino);
        wasi_st32(hdr + 16, de.namlen);
        hdr[20] = de.type;
        uint32_t n = buf_len - used < sizeof hdr ? buf_len - used : (uint32_t)sizeof hdr;
        memcpy(out + used, hdr, n);
        used += n;
        n = de.namlen < buf_len - used ? de.namlen : buf_len - used;
        used += n;
    }
    wasi_put32(c, used_ptr, used);
    return wasi_ret(io, 0);
}

aw_status akira_wasi_fd_renumber(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    int e;
    struct akira_wasi_fd *from = wasi_fd(w, io[0].u32, 0, &e);
    struct akira_wasi_fd *to = wasi_fd(w, io[1].u32, 0, &e);
    if (!from || !to) return wasi_ret(io, WASI_EBADF);
    if (from == to) return wasi_ret(io, 0);
    if (w->ops->close) w->ops->close(w->be, to);
    *to = *from;
    *from = (struct akira_wasi_fd){.h = -1};
    return wasi_ret(io, 0);
}

/* ---- sockets ------------------------------------------------------------------------ */

static struct akira_wasi_fd *sock_fd(struct akira_wasi *w, uint32_t fd, uint64_t need, int *e)
{
    struct akira_wasi_fd *f = wasi_fd(w, fd, need, e);
    if (f && f->type != WASI_FILETYPE_SOCKET_STREAM) {
        *e = WASI_ENOTSOCK;
        return NULL;
    }
    return f;
}

/* sock_recv(fd, iovs, iovs_len, riflags, *datalen, *roflags) */
aw_status akira_wasi_sock_recv(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    int e;
    struct akira_wasi_fd *f = sock_fd(w, io[0].u32, WASI_RIGHT_FD_READ, &e);
    if (!f) return wasi_ret(io, e);
    if (io[3].u32 & ~3u) return wasi_ret(io, WASI_EINVAL); /* recv_peek 1, recv_waitall 2 */
    struct akira_wasi_iov v[WASI_MAX_IOVS];
    uint32_t n = 0, done = 0;
    uint16_t ro = 0;
    if ((e = wasi_gather(c, io[1].u32, io[2].u32, v, &n))) return wasi_ret(io, e);
    uint8_t *rop = wasi_ptr(c, io[5].u32, 2);
    if (!wasi_ptr(c, io[4].u32, 4) || !rop) return wasi_ret(io, WASI_EFAULT);
    e = OP(w, sock_recv, WASI_ENOSYS, f, v, n, io[3].u32, &done, &ro);
    if (e == 0) {
        wasi_put32(c, io[4].u32, done);
        wasi_st16(rop, ro);
    }
    return wasi_ret(io, e);
}

/* sock_send(fd, iovs, iovs_len, siflags, *datalen) */
aw_status akira_wasi_sock_send(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    int e;
    struct akira_wasi_fd *f = sock_fd(w, io[0].u32, WASI_RIGHT_FD_WRITE, &e);
    if (!f) return wasi_ret(io, e);
    struct akira_wasi_iov v[WASI_MAX_IOVS];
    uint32_t n = 0, done = 0;
    if ((e = wasi_gather(c, io[1].u32, io[2].u32, v, &n))) return wasi_ret(io, e);
    if (!wasi_ptr(c, io[4].u32, 4)) return wasi_ret(io, WASI_EFAULT);
    e = OP(w, sock_send, WASI_ENOSYS, f, v, n, &done);
    if (e == 0) wasi_put32(c, io[4].u32, done);
    return wasi_ret(io, e);
}

/* sock_shutdown(fd, sdflags): rd 1, wr 2 */
aw_status akira_wasi_sock_shutdown(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    int e;
    struct akira_wasi_fd *f = sock_fd(w, io[0].u32, WASI_RIGHT_SOCK_SHUTDOWN, &e);
    if (!f) return wasi_ret(io, e);
    if (io[1].u32 == 0 || io[1].u32 > 3) return wasi_ret(io, WASI_EINVAL);
    return wasi_ret(io, OP(w, sock_shutdown, WASI_ENOSYS, f, io[1].u32));
}

/* sock_accept(fd, fdflags, *fd): the connection inherits the listener's rights. */
aw_status akira_wasi_sock_accept(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    int e;
    struct akira_wasi_fd *f = sock_fd(w, io[0].u32, WASI_RIGHT_SOCK_ACCEPT, &e);
    if (!f) return wasi_ret(io, e);
    if (io[1].u32 & ~(uint32_t)WASI_FDFLAG_NONBLOCK) return wasi_ret(io, WASI_EINVAL);
    if (!wasi_ptr(c, io[2].u32, 4)) return wasi_ret(io, WASI_EFAULT);
    struct akira_wasi_fd conn = {.h = -1};
    e = OP(w, sock_accept, WASI_ENOSYS, f, (uint16_t)io[1].u32, &conn);
    if (e) return wasi_ret(io, e);
    int g = akira_wasi_fd_add(w, conn.h, WASI_FILETYPE_SOCKET_STREAM, f->rights, f->inherit,
                              (uint16_t)io[1].u32);
    if (g < 0) {
        w->ops->close(w->be, &conn);
        return wasi_ret(io, WASI_ENFILE);
    }
    w->fds[g].aux = conn.aux;
    wasi_put32(c, io[2].u32, (uint32_t)g);
    return wasi_ret(io, 0);
}

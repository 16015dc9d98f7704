/*
 * wasi_fd.c - WASI descriptor functions: read/write/seek/stat/readdir on guest fds.
 */
#include "wasi_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* The open guest fd io[0] as `f`, holding every right in `need`: EBADF when it is not
 * open, ENOTCAPABLE when it was opened (or preopened, for stdio) without the right. */
#define NEED_FD(f, w, io, need)                                                                    \
    akira_cli_fd *f = akira_cli_wasi_fd_get((w), io[0].u32);                                       \
    if (!f) return wasi_ret(io, WASI_EBADF);                                                       \
    if ((f->rights_base & (need)) != (need)) return wasi_ret(io, WASI_ENOTCAPABLE)

#define GET_FD(f, w, io) NEED_FD(f, w, io, 0)

/* Shared body of fd_read/fd_write/fd_pread/fd_pwrite. `offset` < 0: current position. */
static aw_status rw(aw_instance *c, akira_cli_wasi *w, aw_val *io, bool write, int64_t offset,
                    uint32_t result_ptr)
{
    uint64_t need =
        (write ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ) | (offset >= 0 ? WASI_RIGHT_FD_SEEK : 0);
    NEED_FD(f, w, io, need);
    if (f->filetype == WASI_FILETYPE_DIRECTORY) return wasi_ret(io, WASI_EISDIR);
    struct iovec v[AKIRA_CLI_MAX_IOVS];
    int n = 0;
    uint16_t e = akira_cli_wasi_gather(c, io[1].u32, io[2].u32, v, &n);
    if (e) return wasi_ret(io, e);
    if (!wasi_ptr(c, result_ptr, 4)) return wasi_ret(io, WASI_EFAULT);
    ssize_t r; /* not retried on EINTR: Ctrl-C must end a blocked read (wasi.h) */
    if (offset < 0)
        r = write ? writev(f->host, v, n) : readv(f->host, v, n);
    else
        r = write ? pwritev(f->host, v, n, offset) : preadv(f->host, v, n, offset);
    if (r < 0) return akira_cli_wasi_fail(w, c, io, errno);
    wasi_put32(c, result_ptr, (uint32_t)r);
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_write(aw_instance *c, void *user, aw_val *io)
{
    return rw(c, user, io, true, -1, io[3].u32);
}

static aw_status fd_read(aw_instance *c, void *user, aw_val *io)
{
    return rw(c, user, io, false, -1, io[3].u32);
}

static aw_status fd_pwrite(aw_instance *c, void *user, aw_val *io)
{
    if (io[3].i64 < 0) return wasi_ret(io, WASI_EINVAL);
    return rw(c, user, io, true, io[3].i64, io[4].u32);
}

static aw_status fd_pread(aw_instance *c, void *user, aw_val *io)
{
    if (io[3].i64 < 0) return wasi_ret(io, WASI_EINVAL);
    return rw(c, user, io, false, io[3].i64, io[4].u32);
}

static aw_status fd_seek(aw_instance *c, void *user, aw_val *io)
{
    /* lseek(fd, 0, SEEK_CUR) is how libc asks for the position: fd_tell's right */
    bool tell = io[1].i64 == 0 && io[2].u32 == 1;
    NEED_FD(f, (akira_cli_wasi *)user, io, tell ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK);
    static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    if (io[2].u32 > 2) return wasi_ret(io, WASI_EINVAL);
    if (!wasi_ptr(c, io[3].u32, 8)) return wasi_ret(io, WASI_EFAULT);
    off_t r = lseek(f->host, (off_t)io[1].i64, whence[io[2].u32]);
    if (r < 0) return wasi_ret(io, akira_cli_wasi_errno(errno));
    wasi_put64(c, io[3].u32, (uint64_t)r);
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_tell(aw_instance *c, void *user, aw_val *io)
{
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_TELL);
    if (!wasi_ptr(c, io[1].u32, 8)) return wasi_ret(io, WASI_EFAULT);
    off_t r = lseek(f->host, 0, SEEK_CUR);
    if (r < 0) return wasi_ret(io, akira_cli_wasi_errno(errno));
    wasi_put64(c, io[1].u32, (uint64_t)r);
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_close(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    GET_FD(f, (akira_cli_wasi *)user, io);
    akira_cli_wasi_fd_release(f);
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_sync(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_SYNC);
    return wasi_ret(io, fsync(f->host) == 0 ? 0 : akira_cli_wasi_errno(errno));
}

static aw_status fd_datasync(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_DATASYNC);
    return wasi_ret(io, fdatasync(f->host) == 0 ? 0 : akira_cli_wasi_errno(errno));
}

static aw_status fd_fdstat_get(aw_instance *c, void *user, aw_val *io)
{
    GET_FD(f, (akira_cli_wasi *)user, io);
    uint8_t *p = wasi_ptr(c, io[1].u32, 24);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    int fl = fcntl(f->host, F_GETFL);
    uint16_t flags = f->fdflags & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK);
    if (fl >= 0 && (fl & O_APPEND)) flags |= WASI_FDFLAG_APPEND;
    if (fl >= 0 && (fl & O_NONBLOCK)) flags |= WASI_FDFLAG_NONBLOCK;
    memset(p, 0, 24);
    p[0] = f->filetype;
    wasi_st16(p + 2, flags);
    wasi_st64(p + 8, f->rights_base);
    wasi_st64(p + 16, f->rights_inheriting);
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_fdstat_set_flags(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_FDSTAT_SET_FLAGS);
    uint32_t want = io[1].u32;
    /* Only append and nonblock can change on an open host descriptor; the sync flags
     * can only be chosen at open time, so asking for them here is refused. */
    if (want & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK)) return wasi_ret(io, WASI_ENOTSUP);
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0) return wasi_ret(io, akira_cli_wasi_errno(errno));
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (want & WASI_FDFLAG_APPEND) fl |= O_APPEND;
    if (want & WASI_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
    if (fcntl(f->host, F_SETFL, fl) < 0) return wasi_ret(io, akira_cli_wasi_errno(errno));
    f->fdflags = (uint16_t)((f->fdflags & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK)) | want);
    return wasi_ret(io, WASI_ESUCCESS);
}

static uint64_t ts_ns(struct timespec ts)
{
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void akira_cli_wasi_put_filestat(uint8_t *p, const struct stat *st)
{
    memset(p, 0, 64);
    wasi_st64(p, (uint64_t)st->st_dev);
    wasi_st64(p + 8, (uint64_t)st->st_ino);
    p[16] = akira_cli_wasi_filetype(st->st_mode);
    wasi_st64(p + 24, (uint64_t)st->st_nlink);
    wasi_st64(p + 32, (uint64_t)st->st_size);
    wasi_st64(p + 40, ts_ns(st->st_atim));
    wasi_st64(p + 48, ts_ns(st->st_mtim));
    wasi_st64(p + 56, ts_ns(st->st_ctim));
}

/* Rights can only be dropped, never regained (ENOTCAPABLE for any new bit). */
static aw_status fd_fdstat_set_rights(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    GET_FD(f, (akira_cli_wasi *)user, io);
    uint64_t base = io[1].u64, inh = io[2].u64;
    if ((base & ~f->rights_base) || (inh & ~f->rights_inheriting))
        return wasi_ret(io, WASI_ENOTCAPABLE);
    f->rights_base = base;
    f->rights_inheriting = inh;
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_filestat_get(aw_instance *c, void *user, aw_val *io)
{
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_FILESTAT_GET);
    uint8_t *p = wasi_ptr(c, io[1].u32, 64);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    struct stat st;
    if (fstat(f->host, &st) != 0) return wasi_ret(io, akira_cli_wasi_errno(errno));
    akira_cli_wasi_put_filestat(p, &st);
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_filestat_set_size(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_FILESTAT_SET_SIZE);
    if (io[1].i64 < 0) return wasi_ret(io, WASI_EINVAL);
    return wasi_ret(io,
                    ftruncate(f->host, (off_t)io[1].i64) == 0 ? 0 : akira_cli_wasi_errno(errno));
}

static aw_status fd_prestat_get(aw_instance *c, void *user, aw_val *io)
{
    GET_FD(f, (akira_cli_wasi *)user, io);
    if (!f->preopen_name) return wasi_ret(io, WASI_EBADF); /* libc stops scanning here */
    uint8_t *p = wasi_ptr(c, io[1].u32, 8);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    memset(p, 0, 8); /* tag 0: directory */
    wasi_st32(p + 4, (uint32_t)strlen(f->preopen_name));
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_prestat_dir_name(aw_instance *c, void *user, aw_val *io)
{
    GET_FD(f, (akira_cli_wasi *)user, io);
    if (!f->preopen_name) return wasi_ret(io, WASI_EBADF);
    size_t len = strlen(f->preopen_name);
    if (io[2].u32 < len) return wasi_ret(io, WASI_ENAMETOOLONG);
    uint8_t *p = wasi_ptr(c, io[1].u32, len);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    memcpy(p, f->preopen_name, len);
    return wasi_ret(io, WASI_ESUCCESS);
}

static uint8_t dirent_type(unsigned char t)
{
    switch (t) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

/* The cookie is the index of the next entry: portable, and it survives the app
 * re-reading from the last complete entry after a truncated one. */
static aw_status fd_readdir(aw_instance *c, void *user, aw_val *io)
{
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_READDIR);
    uint32_t buf = io[1].u32, buf_len = io[2].u32, used_ptr = io[4].u32;
    uint64_t cookie = io[3].u64;
    uint8_t *out = wasi_ptr(c, buf, buf_len);
    if (!out || !wasi_ptr(c, used_ptr, 4)) return wasi_ret(io, WASI_EFAULT);
    if (f->filetype != WASI_FILETYPE_DIRECTORY) return wasi_ret(io, WASI_ENOTDIR);
    if (!f->dir) {
        int d = fcntl(f->host, F_DUPFD_CLOEXEC, 0);
        if (d < 0) return wasi_ret(io, akira_cli_wasi_errno(errno));
        f->dir = fdopendir(d);
        if (!f->dir) {
            int e = errno;
            close(d);
            return wasi_ret(io, akira_cli_wasi_errno(e));
        }
        f->dir_pos = 0;
    }
    if (cookie != f->dir_pos) {
        rewinddir(f->dir);
        f->dir_pos = 0;
        while (f->dir_pos < cookie && readdir(f->dir))
            f->dir_pos++;
    }
    uint32_t used = 0;
    while (used < buf_len) {
        errno = 0;
        struct dirent *de = readdir(f->dir);
        if (!de) {
            if (errno) return wasi_ret(io, akira_cli_wasi_errno(errno));
            break;
        }
        f->dir_pos++;
        uint8_t hdr[24];
        size_t namlen = strlen(de->d_name);
        memset(hdr, 0, sizeof hdr);
        wasi_st64(hdr, f->dir_pos);
        wasi_st64(hdr + 8, (uint64_t)de->d_ino);
        wasi_st32(hdr + 16, (uint32_t)namlen);
        hdr[20] = dirent_type(de->d_type);
        /* A truncated last entry fills the buffer; the app sees bufused == buf_len and
         * asks again from that entry's cookie with a larger buffer. */
        size_t n = sizeof hdr < buf_len - used ? sizeof hdr : buf_len - used;
        memcpy(out + used, hdr, n);
        used += (uint32_t)n;
        n = namlen < buf_len - used ? namlen : buf_len - used;
        memcpy(out + used, de->d_name, n);
        used += (uint32_t)n;
    }
    wasi_put32(c, used_ptr, used);
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status fd_advise(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_ADVISE);
    static const int advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                 POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
    if (io[3].u32 > 5 || io[1].i64 < 0 || io[2].i64 < 0) return wasi_ret(io, WASI_EINVAL);
    int r = posix_fadvise(f->host, (off_t)io[1].i64, (off_t)io[2].i64, advice[io[3].u32]);
    return wasi_ret(io, akira_cli_wasi_errno(r)); /* returns the error, not -1 */
}

static aw_status fd_allocate(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_ALLOCATE);
    if (io[1].i64 < 0 || io[2].i64 <= 0) return wasi_ret(io, WASI_EINVAL);
    int r = posix_fallocate(f->host, (off_t)io[1].i64, (off_t)io[2].i64);
    return wasi_ret(io, akira_cli_wasi_errno(r));
}

int akira_cli_wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec *ts)
{
    /* fstflags: atim 1, atim_now 2, mtim 4, mtim_now 8; "set" and "now" exclude */
    if (((flags & 1) && (flags & 2)) || ((flags & 4) && (flags & 8)) || (flags & ~15u)) return -1;
    uint64_t t[2] = {atim, mtim};
    for (int i = 0; i < 2; i++) {
        uint32_t f = flags >> (2 * i);
        if (f & 1)
            ts[i] = (struct timespec){.tv_sec = (time_t)(t[i] / 1000000000u),
                                      .tv_nsec = (long)(t[i] % 1000000000u)};
        else
            ts[i] = (struct timespec){.tv_sec = 0, .tv_nsec = (f & 2) ? UTIME_NOW : UTIME_OMIT};
    }
    return 0;
}

static aw_status fd_filestat_set_times(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    NEED_FD(f, (akira_cli_wasi *)user, io, WASI_RIGHT_FD_FILESTAT_SET_TIMES);
    struct timespec ts[2];
    if (akira_cli_wasi_times(io[1].u64, io[2].u64, io[3].u32, ts) != 0)
        return wasi_ret(io, WASI_EINVAL);
    return wasi_ret(io, futimens(f->host, ts) == 0 ? 0 : akira_cli_wasi_errno(errno));
}

static aw_status fd_renumber(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    akira_cli_wasi *w = user;
    akira_cli_fd *from = akira_cli_wasi_fd_get(w, io[0].u32);
    akira_cli_fd *to = akira_cli_wasi_fd_get(w, io[1].u32);
    if (!from || !to) return wasi_ret(io, WASI_EBADF);
    if (from == to) return wasi_ret(io, WASI_ESUCCESS);
    akira_cli_wasi_fd_release(to);
    *to = *from;
    *from = (akira_cli_fd){.host = -1};
    return wasi_ret(io, WASI_ESUCCESS);
}

const akira_cli_wasi_entry akira_cli_wasi_fd_entries[] = {
    {"fd_write", "(iiii)i", fd_write},
    {"fd_read", "(iiii)i", fd_read},
    {"fd_pwrite", "(iiiIi)i", fd_pwrite},
    {"fd_pread", "(iiiIi)i", fd_pread},
    {"fd_seek", "(iIii)i", fd_seek},
    {"fd_tell", "(ii)i", fd_tell},
    {"fd_close", "(i)i", fd_close},
    {"fd_sync", "(i)i", fd_sync},
    {"fd_datasync", "(i)i", fd_datasync},
    {"fd_fdstat_get", "(ii)i", fd_fdstat_get},
    {"fd_fdstat_set_flags", "(ii)i", fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "(iII)i", fd_fdstat_set_rights},
    {"fd_filestat_get", "(ii)i", fd_filestat_get},
    {"fd_filestat_set_size", "(iI)i", fd_filestat_set_size},
    {"fd_prestat_get", "(ii)i", fd_prestat_get},
    {"fd_prestat_dir_name", "(iii)i", fd_prestat_dir_name},
    {"fd_readdir", "(iiiIi)i", fd_readdir},
    {"fd_renumber", "(ii)i", fd_renumber},
    {"fd_advise", "(iIIi)i", fd_advise},
    {"fd_allocate", "(iII)i", fd_allocate},
    {"fd_filestat_set_times", "(iIIi)i", fd_filestat_set_times},
    {NULL, NULL, NULL},
};

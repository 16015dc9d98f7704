/*
 * wasi_host.c - the host backend of the WASI implementation (akira/wasi_core.h):
 * POSIX calls on the directories granted with --dir, the host's stdio, clocks,
 * getrandom and poll, and sockets handed over as stdio (inetd style).
 */
#define _GNU_SOURCE /* accept4: the accepted socket is close-on-exec atomically */
#include "wasi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef O_PATH
#define O_PATH O_RDONLY
#endif

static uint8_t filetype(unsigned mode)
{
    if (S_ISREG(mode)) return WASI_FILETYPE_REGULAR_FILE;
    if (S_ISDIR(mode)) return WASI_FILETYPE_DIRECTORY;
    if (S_ISCHR(mode)) return WASI_FILETYPE_CHARACTER_DEVICE;
    if (S_ISBLK(mode)) return WASI_FILETYPE_BLOCK_DEVICE;
    if (S_ISLNK(mode)) return WASI_FILETYPE_SYMBOLIC_LINK;
    if (S_ISSOCK(mode)) return WASI_FILETYPE_SOCKET_STREAM;
    return WASI_FILETYPE_UNKNOWN; /* FIFOs have no WASI type */
}

static int wasi_errno(int e)
{
    switch (e) {
    case 0: return WASI_ESUCCESS;
    case E2BIG: return WASI_E2BIG;
    case EACCES: return WASI_EACCES;
    case EAGAIN: return WASI_EAGAIN;
    case EBADF: return WASI_EBADF;
    case EBUSY: return WASI_EBUSY;
    case EDQUOT: return WASI_EDQUOT;
    case EEXIST: return WASI_EEXIST;
    case EFAULT: return WASI_EFAULT;
    case EFBIG: return WASI_EFBIG;
    case EINTR: return WASI_EINTR;
    case EINVAL: return WASI_EINVAL;
    case EIO: return WASI_EIO;
    case EISDIR: return WASI_EISDIR;
    case ELOOP: return WASI_ELOOP;
    case EMFILE: return WASI_EMFILE;
    case EMLINK: return WASI_EMLINK;
    case ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case ENFILE: return WASI_ENFILE;
    case ENOENT: return WASI_ENOENT;
    case ENOMEM: return WASI_ENOMEM;
    case ENOSPC: return WASI_ENOSPC;
    case ENOSYS: return WASI_ENOSYS;
    case ENOTDIR: return WASI_ENOTDIR;
    case ENOTSOCK: return WASI_ENOTSOCK;
    case ENOTEMPTY: return WASI_ENOTEMPTY;
    case ENOTSUP: return WASI_ENOTSUP;
    case ENOTTY: return WASI_ENOTTY;
    case ENXIO: return WASI_ENXIO;
    case EOVERFLOW: return WASI_EOVERFLOW;
    case EPERM: return WASI_EPERM;
    case EPIPE: return WASI_EPIPE;
    case ERANGE: return WASI_ERANGE;
    case EROFS: return WASI_EROFS;
    case ESPIPE: return WASI_ESPIPE;
    case EXDEV: return WASI_EXDEV;
    default: return WASI_EIO;
    }
}

/* A failed blocking call: a trap when Ctrl-C cut it short (wasi.h), else the errno. */
static int fail(akira_cli_wasi *w, int e)
{
    if (e == EINTR && w->interrupted && *w->interrupted) {
        aw_store_set_trap_msg(aw_instance_store(w->core.caller), "interrupted");
        return AKIRA_WASI_TRAP;
    }
    return wasi_errno(e);
}

/* Marks the runner's own stdio in fd->aux: never closed by the app. */
static char stdio_mark;

/* ---- paths ------------------------------------------------------------------------ */

/* The directory holding the last component of canonical `path` below dir, opened
 * one component at a time with O_NOFOLLOW (so a symlink swapped in fails), in *out
 * (close it), and that component in leaf ("." for "": the directory itself). */
static int walk(struct akira_wasi_fd *dir, const char *path, int *out, char *leaf)
{
    int d = fcntl(dir->h, F_DUPFD_CLOEXEC, 0);
    if (d < 0) return wasi_errno(errno);
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n > NAME_MAX) {
            close(d);
            return WASI_ENAMETOOLONG;
        }
        memcpy(leaf, p, n);
        leaf[n] = '\0';
        if (!slash) break;
        int next = openat(d, leaf, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(d);
        if (next < 0) return wasi_errno(e);
        d = next;
        p = slash + 1;
    }
    if (leaf[0] == '\0') strcpy(leaf, ".");
    *out = d;
    return 0;
}

/* Declares d and leaf for (dir, path), or returns the walk's error. */
#define WALK(dir, path, d, leaf)                                                                   \
    int d;                                                                                         \
    char leaf[NAME_MAX + 1];                                                                       \
    do {                                                                                           \
        int e_ = walk((dir), (path), &d, leaf);                                                    \
        if (e_) return e_;                                                                         \
    } while (0)

/* The result of a *at() call r, closing d. */
static int done(int d, int r)
{
    int e = r < 0 ? errno : 0;
    close(d);
    return wasi_errno(e);
}

static uint64_t ts_ns(struct timespec ts)
{
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void to_stat(const struct stat *s, struct akira_wasi_stat *st)
{
    *st = (struct akira_wasi_stat){
        .type = filetype(s->st_mode),
        .dev = (uint64_t)s->st_dev,
        .ino = (uint64_t)s->st_ino,
        .nlink = (uint64_t)s->st_nlink,
        .size = (uint64_t)s->st_size,
        .atim = ts_ns(s->st_atim),
        .mtim = ts_ns(s->st_mtim),
        .ctim = ts_ns(s->st_ctim),
    };
}

static int h_stat(void *be, struct akira_wasi_fd *dir, const char *path, struct akira_wasi_stat *st)
{
    (void)be;
    WALK(dir, path, d, leaf);
    struct stat s;
    int r = fstatat(d, leaf, &s, AT_SYMLINK_NOFOLLOW);
    if (r == 0) to_stat(&s, st);
    return done(d, r);
}

static int h_readlink(void *be, struct akira_wasi_fd *dir, const char *path, char *buf, size_t cap,
                      size_t *len)
{
    (void)be;
    WALK(dir, path, d, leaf);
    ssize_t n = readlinkat(d, leaf, buf, cap);
    if (n >= 0) *len = (size_t)n;
    return done(d, n < 0 ? -1 : 0);
}

static int h_open(void *be, struct akira_wasi_fd *dir, const char *path,
                  const struct akira_wasi_open *o, struct akira_wasi_fd *out)
{
    (void)be;
    /* O_NOFOLLOW always: a symlink the app asked to follow was resolved by the core. */
    int flags = O_CLOEXEC | O_NOFOLLOW;
    if (o->oflags & WASI_OFLAG_DIRECTORY)
        flags |= O_DIRECTORY | O_RDONLY;
    else if (o->write)
        flags |= o->read ? O_RDWR : O_WRONLY;
    else
        flags |= O_RDONLY;
    if (o->oflags & WASI_OFLAG_CREAT) flags |= O_CREAT;
    if (o->oflags & WASI_OFLAG_EXCL) flags |= O_EXCL;
    if (o->oflags & WASI_OFLAG_TRUNC) flags |= O_TRUNC;
    if (o->fdflags & WASI_FDFLAG_APPEND) flags |= O_APPEND;
    if (o->fdflags & WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
    if (o->fdflags & WASI_FDFLAG_DSYNC) flags |= O_DSYNC;
    if (o->fdflags & (WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC)) flags |= O_SYNC;
    WALK(dir, path, d, leaf);
    int h = openat(d, leaf, flags, 0666);
    int e = errno;
    close(d);
    if (h < 0) return wasi_errno(e);
    struct stat s;
    if (fstat(h, &s) != 0) {
        e = errno;
        close(h);
        return wasi_errno(e);
    }
    out->h = h;
    out->type = filetype(s.st_mode);
    return 0;
}

static int h_mkdir(void *be, struct akira_wasi_fd *dir, const char *path)
{
    (void)be;
    WALK(dir, path, d, leaf);
    return done(d, mkdirat(d, leaf, 0777));
}

static int h_rmdir(void *be, struct akira_wasi_fd *dir, const char *path)
{
    (void)be;
    WALK(dir, path, d, leaf);
    return done(d, unlinkat(d, leaf, AT_REMOVEDIR));
}

static int h_unlink(void *be, struct akira_wasi_fd *dir, const char *path)
{
    (void)be;
    WALK(dir, path, d, leaf);
    return done(d, unlinkat(d, leaf, 0));
}

/* rename / link: both ends walked, then one call. */
static int two(struct akira_wasi_fd *d1, const char *p1, struct akira_wasi_fd *d2, const char *p2,
               bool is_link)
{
    WALK(d1, p1, a, la);
    int b;
    char lb[NAME_MAX + 1];
    int e = walk(d2, p2, &b, lb);
    if (e) {
        close(a);
        return e;
    }
    int r = is_link ? linkat(a, la, b, lb, 0) : renameat(a, la, b, lb);
    e = r < 0 ? errno : 0;
    close(a);
    close(b);
    return wasi_errno(e);
}

static int h_rename(void *be, struct akira_wasi_fd *d1, const char *p1, struct akira_wasi_fd *d2,
                    const char *p2)
{
    (void)be;
    return two(d1, p1, d2, p2, false);
}

static int h_link(void *be, struct akira_wasi_fd *d1, const char *p1, struct akira_wasi_fd *d2,
                  const char *p2)
{
    (void)be;
    return two(d1, p1, d2, p2, true);
}

static int h_symlink(void *be, const char *target, struct akira_wasi_fd *dir, const char *path)
{
    (void)be;
    WALK(dir, path, d, leaf);
    return done(d, symlinkat(target, d, leaf));
}

/* Host timestamps from WASI (atim, mtim, fstflags; checked by the core). */
static void times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec *ts)
{
    uint64_t t[2] = {atim, mtim};
    for (int i = 0; i < 2; i++) {
        uint32_t f = fst >> (2 * i);
        if (f & 1)
            ts[i] = (struct timespec){.tv_sec = (time_t)(t[i] / 1000000000u),
                                      .tv_nsec = (long)(t[i] % 1000000000u)};
        else
            ts[i] = (struct timespec){.tv_sec = 0, .tv_nsec = (f & 2) ? UTIME_NOW : UTIME_OMIT};
    }
}

static int h_path_times(void *be, struct akira_wasi_fd *dir, const char *path, uint64_t atim,
                        uint64_t mtim, uint32_t fst)
{
    (void)be;
    struct timespec ts[2];
    times(atim, mtim, fst, ts);
    WALK(dir, path, d, leaf);
    return done(d, utimensat(d, leaf, ts, AT_SYMLINK_NOFOLLOW));
}

/* ---- descriptors ---------------------------------------------------------------------- */

/* The core's iovecs as host ones (the core passes at most 32). */
static uint32_t to_iovec(const struct akira_wasi_iov *v, uint32_t n, struct iovec *iv)
{
    if (n > 32) n = 32;
    for (uint32_t i = 0; i < n; i++)
        iv[i] = (struct iovec){.iov_base = v[i].buf, .iov_len = v[i].len};
    return n;
}

static int h_close(void *be, struct akira_wasi_fd *f)
{
    (void)be;
    if (f->aux == &stdio_mark) return 0; /* the runner keeps its own stdio */
    if (f->aux) closedir(f->aux);        /* closes its own dup of the descriptor */
    return close(f->h) == 0 ? 0 : wasi_errno(errno);
}

static int h_rw(void *be, struct akira_wasi_fd *f, bool write, const struct akira_wasi_iov *v,
                uint32_t n, int64_t off, uint32_t *done_out)
{
    struct iovec iv[32];
    n = to_iovec(v, n, iv);
    ssize_t r; /* not retried on EINTR: Ctrl-C must end a blocked read (wasi.h) */
    if (off < 0)
        r = write ? writev(f->h, iv, (int)n) : readv(f->h, iv, (int)n);
    else
        r = write ? pwritev(f->h, iv, (int)n, off) : preadv(f->h, iv, (int)n, off);
    if (r < 0) return fail(be, errno);
    *done_out = (uint32_t)r;
    return 0;
}

static int h_seek(void *be, struct akira_wasi_fd *f, int64_t off, int whence, uint64_t *pos)
{
    (void)be;
    static const int host[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    off_t r = lseek(f->h, (off_t)off, host[whence]);
    if (r < 0) return wasi_errno(errno);
    *pos = (uint64_t)r;
    return 0;
}

static int h_fstat(void *be, struct akira_wasi_fd *f, struct akira_wasi_stat *st)
{
    (void)be;
    struct stat s;
    if (fstat(f->h, &s) != 0) return wasi_errno(errno);
    to_stat(&s, st);
    return 0;
}

static int h_set_size(void *be, struct akira_wasi_fd *f, uint64_t size)
{
    (void)be;
    return ftruncate(f->h, (off_t)size) == 0 ? 0 : wasi_errno(errno);
}

static int h_sync(void *be, struct akira_wasi_fd *f, bool data_only)
{
    (void)be;
    return (data_only ? fdatasync(f->h) : fsync(f->h)) == 0 ? 0 : wasi_errno(errno);
}

static int h_get_flags(void *be, struct akira_wasi_fd *f, uint16_t *flags)
{
    (void)be;
    int fl = fcntl(f->h, F_GETFL);
    *flags = f->fdflags & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK);
    if (fl >= 0 && (fl & O_APPEND)) *flags |= WASI_FDFLAG_APPEND;
    if (fl >= 0 && (fl & O_NONBLOCK)) *flags |= WASI_FDFLAG_NONBLOCK;
    return 0;
}

static int h_set_flags(void *be, struct akira_wasi_fd *f, uint16_t want)
{
    (void)be;
    int fl = fcntl(f->h, F_GETFL);
    if (fl < 0) return wasi_errno(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (want & WASI_FDFLAG_APPEND) fl |= O_APPEND;
    if (want & WASI_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
    return fcntl(f->h, F_SETFL, fl) < 0 ? wasi_errno(errno) : 0;
}

static int h_advise(void *be, struct akira_wasi_fd *f, uint64_t off, uint64_t len, uint32_t advice)
{
    (void)be;
    static const int host[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                               POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
    return wasi_errno(posix_fadvise(f->h, (off_t)off, (off_t)len, host[advice]));
}

static int h_allocate(void *be, struct akira_wasi_fd *f, uint64_t off, uint64_t len)
{
    (void)be;
    return wasi_errno(posix_fallocate(f->h, (off_t)off, (off_t)len)); /* the error, not -1 */
}

static int h_fd_times(void *be, struct akira_wasi_fd *f, uint64_t atim, uint64_t mtim, uint32_t fst)
{
    (void)be;
    struct timespec ts[2];
    times(atim, mtim, fst, ts);
    return futimens(f->h, ts) == 0 ? 0 : wasi_errno(errno);
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

/* The stream is opened lazily on a dup of the descriptor; aux_pos is the index of the
 * entry it returns next, so reading on from the last cookie costs nothing. */
static int h_readdir(void *be, struct akira_wasi_fd *f, uint64_t cookie,
                     struct akira_wasi_dirent *de, char *name, size_t cap)
{
    (void)be;
    if (f->aux == &stdio_mark) return WASI_ENOTDIR;
    DIR *dir = f->aux;
    if (!dir) {
        int d = fcntl(f->h, F_DUPFD_CLOEXEC, 0);
        if (d < 0) return wasi_errno(errno);
        if (!(dir = fdopendir(d))) {
            int e = errno;
            close(d);
            return wasi_errno(e);
        }
        f->aux = dir;
        f->aux_pos = 0;
    }
    if (cookie != f->aux_pos) {
        rewinddir(dir);
        f->aux_pos = 0;
        while (f->aux_pos < cookie && readdir(dir))
            f->aux_pos++;
    }
    errno = 0;
    struct dirent *ent = readdir(dir);
    if (!ent) return errno ? wasi_errno(errno) : AKIRA_WASI_END;
    f->aux_pos++;
    size_t n = strlen(ent->d_name);
    memcpy(name, ent->d_name, n < cap ? n : cap);
    *de = (struct akira_wasi_dirent){
        .ino = (uint64_t)ent->d_ino, .type = dirent_type(ent->d_type), .namlen = (uint32_t)n};
    return 0;
}

/* ---- clocks, randomness, waiting ------------------------------------------------------- */

static int h_clock(void *be, uint32_t id, bool res, uint64_t *ns)
{
    (void)be;
    static const clockid_t host[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                     CLOCK_THREAD_CPUTIME_ID};
    struct timespec ts;
    if (id > 3) return WASI_EINVAL;
    if ((res ? clock_getres(host[id], &ts) : clock_gettime(host[id], &ts)) != 0)
        return wasi_errno(errno);
    *ns = ts_ns(ts);
    return 0;
}

static int h_random(void *be, uint8_t *p, uint32_t len)
{
    (void)be;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return wasi_errno(errno);
        }
        p += n;
        len -= (uint32_t)n;
    }
    return 0;
}

static void h_yield(void *be)
{
    (void)be;
    sched_yield();
}

static int h_poll(void *be, struct akira_wasi_pollfd *fds, uint32_t n, uint64_t timeout_ns)
{
    struct pollfd pfd[32];
    if (n > 32) n = 32;
    for (uint32_t i = 0; i < n; i++)
        pfd[i] = (struct pollfd){.fd = fds[i].fd->h, .events = fds[i].write ? POLLOUT : POLLIN};
    uint64_t ms = timeout_ns == UINT64_MAX ? UINT64_MAX : (timeout_ns + 999999) / 1000000;
    int timeout = ms > 1000000000 ? (timeout_ns == UINT64_MAX ? -1 : 1000000000) : (int)ms;
    int r = poll(pfd, n, timeout); /* EINTR too: Ctrl-C must not wait out the sleep */
    if (r < 0) return fail(be, errno);
    for (uint32_t i = 0; i < n; i++) {
        if (!pfd[i].revents) continue;
        fds[i].ready = true;
        fds[i].hangup = (pfd[i].revents & POLLHUP) != 0;
        fds[i].err = (pfd[i].revents & (POLLERR | POLLNVAL)) ? WASI_EIO : 0;
    }
    return 0;
}

/* ---- sockets ------------------------------------------------------------------------- */

static int h_sock_recv(void *be, struct akira_wasi_fd *f, const struct akira_wasi_iov *v,
                       uint32_t n, uint32_t riflags, uint32_t *done_out, uint16_t *roflags)
{
    struct iovec iv[32];
    n = to_iovec(v, n, iv);
    struct msghdr msg = {.msg_iov = iv, .msg_iovlen = n};
    int flags = ((riflags & 1) ? MSG_PEEK : 0) | ((riflags & 2) ? MSG_WAITALL : 0);
    ssize_t r = recvmsg(f->h, &msg, flags); /* not retried on EINTR (wasi.h) */
    if (r < 0) return fail(be, errno);
    *done_out = (uint32_t)r;
    *roflags = (msg.msg_flags & MSG_TRUNC) ? 1 : 0; /* data_truncated */
    return 0;
}

static int h_sock_send(void *be, struct akira_wasi_fd *f, const struct akira_wasi_iov *v,
                       uint32_t n, uint32_t *done_out)
{
    struct iovec iv[32];
    n = to_iovec(v, n, iv);
    struct msghdr msg = {.msg_iov = iv, .msg_iovlen = n};
    ssize_t r = sendmsg(f->h, &msg, MSG_NOSIGNAL);
    if (r < 0) return fail(be, errno);
    *done_out = (uint32_t)r;
    return 0;
}

static int h_sock_shutdown(void *be, struct akira_wasi_fd *f, uint32_t how)
{
    (void)be;
    static const int host[] = {-1, SHUT_RD, SHUT_WR, SHUT_RDWR};
    return shutdown(f->h, host[how]) == 0 ? 0 : wasi_errno(errno);
}

static int h_sock_accept(void *be, struct akira_wasi_fd *f, uint16_t fdflags,
                         struct akira_wasi_fd *out)
{
    int flags = SOCK_CLOEXEC | ((fdflags & WASI_FDFLAG_NONBLOCK) ? SOCK_NONBLOCK : 0);
    int h = accept4(f->h, NULL, NULL, flags);
    if (h < 0) return fail(be, errno);
    out->h = h;
    return 0;
}

static const struct akira_wasi_ops host_ops = {
    .stat = h_stat,
    .readlink = h_readlink,
    .open = h_open,
    .mkdir = h_mkdir,
    .rmdir = h_rmdir,
    .unlink = h_unlink,
    .rename = h_rename,
    .link = h_link,
    .symlink = h_symlink,
    .path_times = h_path_times,
    .close = h_close,
    .rw = h_rw,
    .seek = h_seek,
    .fstat = h_fstat,
    .set_size = h_set_size,
    .sync = h_sync,
    .get_flags = h_get_flags,
    .set_flags = h_set_flags,
    .advise = h_advise,
    .allocate = h_allocate,
    .fd_times = h_fd_times,
    .readdir = h_readdir,
    .clock = h_clock,
    .random = h_random,
    .yield = h_yield,
    .poll = h_poll,
    .sock_recv = h_sock_recv,
    .sock_send = h_sock_send,
    .sock_shutdown = h_sock_shutdown,
    .sock_accept = h_sock_accept,
};

/* ---- the context ----------------------------------------------------------------------- */

/* stdio is a stream the user set up, whatever it is redirected from or to: the app may
 * read, write, poll and stat it, but not seek, truncate, preallocate or retime the
 * user's file behind it (an app could otherwise fallocate gigabytes through
 * `> out.txt`). Without seek/tell a terminal is also what libc's isatty() expects. */
#define STDIO_RIGHTS                                                                               \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS |                   \
     WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_FILESTAT_GET |                    \
     WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_SOCK_SHUTDOWN | WASI_RIGHT_SOCK_ACCEPT)

int akira_cli_wasi_init(akira_cli_wasi *w, int argc, char **argv, int envc, char **envp, int ndirs,
                        char **dirs, char *msg, size_t msglen)
{
    memset(w->names, 0, sizeof w->names);
    w->interrupted = NULL;
    akira_wasi_init(&w->core, &host_ops, w, w->fds, AKIRA_CLI_MAX_FDS, w->scratch, PATH_MAX);
    w->core.argc = (uint32_t)argc;
    w->core.argv = argv;
    w->core.envc = (uint32_t)envc;
    w->core.envp = envp;
    for (int fd = 0; fd < 3; fd++) {
        struct stat st;
        uint8_t type = fstat(fd, &st) == 0 ? filetype(st.st_mode) : WASI_FILETYPE_UNKNOWN;
        akira_wasi_fd_add(&w->core, fd, type, STDIO_RIGHTS, 0, 0);
        w->fds[fd].aux = &stdio_mark;
    }
    for (int i = 0; i < ndirs; i++) {
        /* HOST::GUEST names the preopen GUEST; plain HOST keeps its own name */
        const char *sep = strstr(dirs[i], "::");
        char *host = sep ? strndup(dirs[i], (size_t)(sep - dirs[i])) : strdup(dirs[i]);
        const char *guest = sep ? sep + 2 : dirs[i];
        int h = host && *guest ? open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        if (h < 0) {
            snprintf(msg, msglen, "--dir %s: %s", dirs[i],
                     !host     ? "out of memory"
                     : !*guest ? "empty guest name"
                               : strerror(errno));
            free(host);
            akira_cli_wasi_free(w);
            return -1;
        }
        free(host);
        int g = akira_wasi_fd_add(&w->core, h, WASI_FILETYPE_DIRECTORY, WASI_RIGHTS_ALL,
                                  WASI_RIGHTS_ALL, 0);
        char *name = g >= 0 ? strdup(guest) : NULL;
        if (!name) {
            if (g < 0) close(h);
            snprintf(msg, msglen, "out of memory");
            akira_cli_wasi_free(w);
            return -1;
        }
        w->names[g] = name;
        w->fds[g].name = name;
    }
    return 0;
}

void akira_cli_wasi_free(akira_cli_wasi *w)
{
    akira_wasi_close_all(&w->core);
    for (uint32_t i = 0; i < AKIRA_CLI_MAX_FDS; i++) {
        free(w->names[i]);
        w->names[i] = NULL;
    }
}

int akira_cli_wasi_imports(akira_cli_wasi *w, aw_store *s, const aw_module *m, aw_import **out,
                           char *msg, size_t msglen)
{
    uint32_t n = aw_module_import_count(m);
    aw_import *imps = calloc(n ? n : 1, sizeof *imps);
    if (!imps) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        aw_extern_desc d;
        if (!aw_module_import(m, i, &d)) {
            snprintf(msg, msglen, "import %u cannot be described", i);
            goto fail;
        }
        const struct akira_wasi_func *e =
            d.kind == AW_EXTERN_FUNC ? akira_wasi_find(d.module, d.name) : NULL;
        if (!e) {
            static const char *const kinds[] = {"func", "table", "memory", "global"};
            snprintf(msg, msglen,
                     "unknown import %s.%s (%s): akira-wasm provides only "
                     "wasi_snapshot_preview1 and wasi_unstable functions",
                     d.module, d.name, (unsigned)d.kind < 4 ? kinds[d.kind] : "?");
            goto fail;
        }
        aw_func *f = aw_host_func_new(s, e->sig, e->fn, &w->core);
        if (!f) {
            snprintf(msg, msglen, "out of memory binding %s.%s", d.module, d.name);
            goto fail;
        }
        imps[i] = (aw_import){
            .module = d.module, .name = d.name, .ext = {.kind = AW_EXTERN_FUNC, .of.func = f}};
    }
    *out = imps;
    return 0;
fail:
    free(imps);
    return -1;
}

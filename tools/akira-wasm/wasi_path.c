/*
 * wasi_path.c - WASI path functions, confined to the directory of their base fd.
 *
 * The host kernel never resolves more than one component of an app's path: the walk
 * below opens each directory with openat(O_NOFOLLOW) relative to the previous one and
 * keeps the chain on a stack. `..` pops the stack and fails with ENOTCAPABLE at the
 * base; a symlink is read (readlinkat) and its target spliced into the rest of the path,
 * so it is confined the same way, and an absolute target is refused. A component that
 * turns into a symlink between our check and the open fails (ENOTDIR for a directory
 * opened O_DIRECTORY|O_NOFOLLOW, ELOOP for the final open), so a racing host process
 * cannot redirect the walk either.
 */
#include "wasi_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef O_PATH
#define O_PATH O_RDONLY
#endif

#define MAX_DEPTH 256 /* directories held open during one walk */
#define MAX_LINKS 32  /* symlinks followed in one walk (POSIX SYMLOOP_MAX is >= 8) */

typedef struct walk {
    int fds[MAX_DEPTH];
    int depth;
    char name[NAME_MAX + 1]; /* last component, "." for the directory itself */
    bool must_dir;           /* the path ended with '/' */
} walk;

static void walk_close(walk *wk)
{
    while (wk->depth > 0)
        close(wk->fds[--wk->depth]);
}

/* The directory holding the last component (valid after a successful resolve). */
static int walk_dir(const walk *wk)
{
    return wk->fds[wk->depth - 1];
}

/* Replace buf (holding `rest`, the part after the symlink) by target + "/" + rest. */
static uint16_t splice(char **buf, const char *target, size_t tlen, const char *rest)
{
    size_t rlen = strlen(rest);
    if (tlen + 1 + rlen >= PATH_MAX) return WASI_ENAMETOOLONG;
    char *n = malloc(tlen + rlen + 2);
    if (!n) return WASI_ENOMEM;
    memcpy(n, target, tlen);
    n[tlen] = '/';
    memcpy(n + tlen + 1, rest, rlen + 1);
    free(*buf);
    *buf = n;
    return WASI_ESUCCESS;
}

static uint16_t resolve_walk(walk *wk, char **bufp, bool follow)
{
    char *p = *bufp;
    int links = 0;
    for (;;) {
        while (*p == '/')
            p++;
        char *end = strchr(p, '/');
        size_t clen = end ? (size_t)(end - p) : strlen(p);
        const char *after = end ? end : p + clen;
        while (*after == '/')
            after++;
        bool last = *after == '\0';
        if (clen == 0) { /* only reachable for a path of slashes after a symlink */
            strcpy(wk->name, ".");
            return WASI_ESUCCESS;
        }
        if (clen > NAME_MAX) return WASI_ENAMETOOLONG;
        char comp[NAME_MAX + 1];
        memcpy(comp, p, clen);
        comp[clen] = '\0';
        p = (char *)after;

        if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
            if (comp[1] == '.') {
                if (wk->depth == 1) return WASI_ENOTCAPABLE; /* above the base */
                close(wk->fds[--wk->depth]);
            }
            if (last) {
                strcpy(wk->name, ".");
                return WASI_ESUCCESS;
            }
            continue;
        }
        if (last && !follow && !wk->must_dir) {
            strcpy(wk->name, comp);
            return WASI_ESUCCESS;
        }
        struct stat st;
        if (fstatat(walk_dir(wk), comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (last && errno == ENOENT) { /* a name to create */
                strcpy(wk->name, comp);
                return WASI_ESUCCESS;
            }
            return akira_cli_wasi_errno(errno);
        }
        if (S_ISLNK(st.st_mode)) {
            if (++links > MAX_LINKS) return WASI_ELOOP;
            char target[PATH_MAX];
            ssize_t t = readlinkat(walk_dir(wk), comp, target, sizeof target);
            if (t < 0) return akira_cli_wasi_errno(errno);
            if (t == 0 || (size_t)t >= sizeof target) return WASI_ENAMETOOLONG;
            if (target[0] == '/') return WASI_ENOTCAPABLE;
            uint16_t e = splice(bufp, target, (size_t)t, p);
            if (e) return e;
            p = *bufp;
            continue;
        }
        if (last) {
            strcpy(wk->name, comp);
            return WASI_ESUCCESS;
        }
        if (wk->depth == MAX_DEPTH) return WASI_ENAMETOOLONG;
        int d = openat(walk_dir(wk), comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (d < 0) return akira_cli_wasi_errno(errno);
        wk->fds[wk->depth++] = d;
    }
}

/* Resolve guest path [addr, addr+len) against guest directory fd `dirfd`. On success
 * the caller owns wk (walk_close it) and acts on (walk_dir(wk), wk->name). */
static uint16_t resolve(aw_instance *c, akira_cli_wasi *w, uint32_t dirfd, uint32_t addr,
                        uint32_t len, bool follow, walk *wk)
{
    wk->depth = 0;
    wk->must_dir = false;
    akira_cli_fd *f = akira_cli_wasi_fd_get(w, dirfd);
    if (!f) return WASI_EBADF;
    if (f->filetype != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
    const char *g = (const char *)wasi_ptr(c, addr, len);
    if (!g) return WASI_EFAULT;
    if (len == 0) return WASI_ENOENT;
    if (len >= PATH_MAX) return WASI_ENAMETOOLONG;
    if (memchr(g, '\0', len)) return WASI_EINVAL;
    if (g[0] == '/') return WASI_ENOTCAPABLE;
    char *buf = malloc(len + 1);
    if (!buf) return WASI_ENOMEM;
    memcpy(buf, g, len);
    buf[len] = '\0';
    while (len > 1 && buf[len - 1] == '/') {
        buf[--len] = '\0';
        wk->must_dir = true;
    }
    int base = fcntl(f->host, F_DUPFD_CLOEXEC, 0);
    if (base < 0) {
        free(buf);
        return akira_cli_wasi_errno(errno);
    }
    wk->fds[wk->depth++] = base;
    uint16_t e = resolve_walk(wk, &buf, follow);
    free(buf);
    if (e) walk_close(wk);
    return e;
}

#define LOOKUP_SYMLINK_FOLLOW 1u

enum { OFLAG_CREAT = 1, OFLAG_DIRECTORY = 2, OFLAG_EXCL = 4, OFLAG_TRUNC = 8 };

#define RIGHTS_WRITE ((1ull << 6) | (1ull << 8) | (1ull << 22)) /* write, allocate, set_size */

static aw_status path_open(aw_instance *c, void *user, aw_val *io)
{
    akira_cli_wasi *w = user;
    uint32_t oflags = io[4].u32, fdflags = io[7].u32, fd_ptr = io[8].u32;
    uint64_t base = io[5].u64, inheriting = io[6].u64;
    if (!wasi_ptr(c, fd_ptr, 4)) return wasi_ret(io, WASI_EFAULT);
    walk wk;
    uint16_t e = resolve(c, w, io[0].u32, io[2].u32, io[3].u32,
                         (io[1].u32 & LOOKUP_SYMLINK_FOLLOW) != 0, &wk);
    if (e) return wasi_ret(io, e);

    /* O_NOFOLLOW always: a symlink the app asked to follow was resolved by the walk. */
    int flags = O_CLOEXEC | O_NOFOLLOW;
    bool write = (base & RIGHTS_WRITE) != 0;
    bool read = (base & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)) != 0;
    if (oflags & OFLAG_DIRECTORY) {
        flags |= O_DIRECTORY | O_RDONLY;
    } else if (write) {
        flags |= read ? O_RDWR : O_WRONLY;
    } else {
        flags |= O_RDONLY;
    }
    if (wk.must_dir) flags |= O_DIRECTORY;
    if (oflags & OFLAG_CREAT) flags |= O_CREAT;
    if (oflags & OFLAG_EXCL) flags |= O_EXCL;
    if (oflags & OFLAG_TRUNC) flags |= O_TRUNC;
    if (fdflags & WASI_FDFLAG_APPEND) flags |= O_APPEND;
    if (fdflags & WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
    if (fdflags & WASI_FDFLAG_DSYNC) flags |= O_DSYNC;
    if (fdflags & (WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC)) flags |= O_SYNC;

    int h = openat(walk_dir(&wk), wk.name, flags, 0666);
    int err = errno;
    walk_close(&wk);
    if (h < 0) return wasi_ret(io, akira_cli_wasi_errno(err));
    struct stat st;
    if (fstat(h, &st) != 0) {
        err = errno;
        close(h);
        return wasi_ret(io, akira_cli_wasi_errno(err));
    }
    akira_cli_fd *parent = akira_cli_wasi_fd_get(w, io[0].u32);
    int g = akira_cli_wasi_fd_add(w, h, akira_cli_wasi_filetype(st.st_mode),
                                  base & parent->rights_inheriting,
                                  inheriting & parent->rights_inheriting, (uint16_t)fdflags);
    if (g < 0) {
        close(h);
        return wasi_ret(io, WASI_ENFILE);
    }
    wasi_put32(c, fd_ptr, (uint32_t)g);
    return wasi_ret(io, WASI_ESUCCESS);
}

static aw_status path_filestat_get(aw_instance *c, void *user, aw_val *io)
{
    uint8_t *p = wasi_ptr(c, io[4].u32, 64);
    if (!p) return wasi_ret(io, WASI_EFAULT);
    walk wk;
    uint16_t e = resolve(c, user, io[0].u32, io[2].u32, io[3].u32,
                         (io[1].u32 & LOOKUP_SYMLINK_FOLLOW) != 0, &wk);
    if (e) return wasi_ret(io, e);
    struct stat st;
    int r = fstatat(walk_dir(&wk), wk.name, &st, AT_SYMLINK_NOFOLLOW);
    int err = errno;
    walk_close(&wk);
    if (r != 0) return wasi_ret(io, akira_cli_wasi_errno(err));
    akira_cli_wasi_put_filestat(p, &st);
    return wasi_ret(io, WASI_ESUCCESS);
}

/* path_create_directory, path_remove_directory, path_unlink_file: (fd, path, len). */
enum { OP_MKDIR, OP_RMDIR, OP_UNLINK };

static aw_status path_op(aw_instance *c, akira_cli_wasi *w, aw_val *io, int op)
{
    walk wk;
    uint16_t e = resolve(c, w, io[0].u32, io[1].u32, io[2].u32, false, &wk);
    if (e) return wasi_ret(io, e);
    int r;
    switch (op) {
    case OP_MKDIR: r = mkdirat(walk_dir(&wk), wk.name, 0777); break;
    case OP_RMDIR: r = unlinkat(walk_dir(&wk), wk.name, AT_REMOVEDIR); break;
    default:
        /* unlinking "dir/" names a directory: refuse like POSIX does */
        if (wk.must_dir) {
            r = -1;
            errno = ENOTDIR;
        } else {
            r = unlinkat(walk_dir(&wk), wk.name, 0);
        }
        break;
    }
    int err = errno;
    walk_close(&wk);
    return wasi_ret(io, r == 0 ? WASI_ESUCCESS : akira_cli_wasi_errno(err));
}

static aw_status path_create_directory(aw_instance *c, void *user, aw_val *io)
{
    return path_op(c, user, io, OP_MKDIR);
}

static aw_status path_remove_directory(aw_instance *c, void *user, aw_val *io)
{
    return path_op(c, user, io, OP_RMDIR);
}

static aw_status path_unlink_file(aw_instance *c, void *user, aw_val *io)
{
    return path_op(c, user, io, OP_UNLINK);
}

static aw_status path_rename(aw_instance *c, void *user, aw_val *io)
{
    walk from, to;
    uint16_t e = resolve(c, user, io[0].u32, io[1].u32, io[2].u32, false, &from);
    if (e) return wasi_ret(io, e);
    e = resolve(c, user, io[3].u32, io[4].u32, io[5].u32, false, &to);
    if (e) {
        walk_close(&from);
        return wasi_ret(io, e);
    }
    int r = renameat(walk_dir(&from), from.name, walk_dir(&to), to.name);
    int err = errno;
    walk_close(&from);
    walk_close(&to);
    return wasi_ret(io, r == 0 ? WASI_ESUCCESS : akira_cli_wasi_errno(err));
}

static aw_status path_filestat_set_times(aw_instance *c, void *user, aw_val *io)
{
    struct timespec ts[2];
    if (akira_cli_wasi_times(io[4].u64, io[5].u64, io[6].u32, ts) != 0)
        return wasi_ret(io, WASI_EINVAL);
    walk wk;
    uint16_t e = resolve(c, user, io[0].u32, io[2].u32, io[3].u32,
                         (io[1].u32 & LOOKUP_SYMLINK_FOLLOW) != 0, &wk);
    if (e) return wasi_ret(io, e);
    int r = utimensat(walk_dir(&wk), wk.name, ts, AT_SYMLINK_NOFOLLOW);
    int err = errno;
    walk_close(&wk);
    return wasi_ret(io, r == 0 ? WASI_ESUCCESS : akira_cli_wasi_errno(err));
}

static aw_status path_readlink(aw_instance *c, void *user, aw_val *io)
{
    uint32_t buf_len = io[4].u32;
    uint8_t *buf = wasi_ptr(c, io[3].u32, buf_len);
    if (!buf || !wasi_ptr(c, io[5].u32, 4)) return wasi_ret(io, WASI_EFAULT);
    walk wk;
    uint16_t e = resolve(c, user, io[0].u32, io[1].u32, io[2].u32, false, &wk);
    if (e) return wasi_ret(io, e);
    char target[PATH_MAX];
    ssize_t n = readlinkat(walk_dir(&wk), wk.name, target, sizeof target);
    int err = errno;
    walk_close(&wk);
    if (n < 0) return wasi_ret(io, akira_cli_wasi_errno(err));
    uint32_t len = (uint64_t)n < buf_len ? (uint32_t)n : buf_len; /* truncates, as POSIX */
    memcpy(buf, target, len);
    wasi_put32(c, io[5].u32, len);
    return wasi_ret(io, WASI_ESUCCESS);
}

/* The link's text is the app's business, but an absolute target could never be
 * followed inside the sandbox and would point host processes outside it: refused. */
static aw_status path_symlink(aw_instance *c, void *user, aw_val *io)
{
    uint32_t tlen = io[1].u32;
    const char *t = (const char *)wasi_ptr(c, io[0].u32, tlen);
    if (!t) return wasi_ret(io, WASI_EFAULT);
    if (tlen == 0 || memchr(t, '\0', tlen)) return wasi_ret(io, WASI_EINVAL);
    if (tlen >= PATH_MAX) return wasi_ret(io, WASI_ENAMETOOLONG);
    if (t[0] == '/') return wasi_ret(io, WASI_ENOTCAPABLE);
    char target[PATH_MAX];
    memcpy(target, t, tlen);
    target[tlen] = '\0';
    walk wk;
    uint16_t e = resolve(c, user, io[2].u32, io[3].u32, io[4].u32, false, &wk);
    if (e) return wasi_ret(io, e);
    int r = symlinkat(target, walk_dir(&wk), wk.name);
    int err = errno;
    walk_close(&wk);
    return wasi_ret(io, r == 0 ? WASI_ESUCCESS : akira_cli_wasi_errno(err));
}

static aw_status path_link(aw_instance *c, void *user, aw_val *io)
{
    walk from, to;
    uint16_t e = resolve(c, user, io[0].u32, io[2].u32, io[3].u32,
                         (io[1].u32 & LOOKUP_SYMLINK_FOLLOW) != 0, &from);
    if (e) return wasi_ret(io, e);
    e = resolve(c, user, io[4].u32, io[5].u32, io[6].u32, false, &to);
    if (e) {
        walk_close(&from);
        return wasi_ret(io, e);
    }
    int r = linkat(walk_dir(&from), from.name, walk_dir(&to), to.name, 0);
    int err = errno;
    walk_close(&from);
    walk_close(&to);
    return wasi_ret(io, r == 0 ? WASI_ESUCCESS : akira_cli_wasi_errno(err));
}

const akira_cli_wasi_entry akira_cli_wasi_path_entries[] = {
    {"path_open", "(iiiiiIIii)i", path_open},
    {"path_filestat_get", "(iiiii)i", path_filestat_get},
    {"path_create_directory", "(iii)i", path_create_directory},
    {"path_remove_directory", "(iii)i", path_remove_directory},
    {"path_unlink_file", "(iii)i", path_unlink_file},
    {"path_rename", "(iiiiii)i", path_rename},
    {"path_filestat_set_times", "(iiiiIIi)i", path_filestat_set_times},
    {"path_readlink", "(iiiiii)i", path_readlink},
    {"path_symlink", "(iiiii)i", path_symlink},
    {"path_link", "(iiiiiii)i", path_link},
    {NULL, NULL, NULL},
};

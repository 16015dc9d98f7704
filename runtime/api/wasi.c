/*
 * API module "wasi": WASI preview 1 (import module "wasi_snapshot_preview1"; preview 0
 * is module "wasi0", runtime/api/wasi0.c) for apps, so wasi-libc programs run as
 * AkiraOS apps. The implementation is the one akira-wasm runs (akira/wasi_core.h,
 * runtime/wasi/: every preview-1 function, the sandbox's path resolution, poll_oneoff);
 * this file is its device backend:
 *
 *  - fd 0: end of file (an app has no console); fd 1 and 2: the app's log, one line per
 *    line (info for stdout, warn for stderr).
 *  - fd 3, preopened as "/" (so "/f", "f" and "./f" all reach it), only when the app
 *    holds the storage capability (checked again at every file call: a revoke answers
 *    ENOTCAPABLE): the app's own directory /apps/<name>, the same files the storage
 *    module sees (akira/app_storage.h). Files and directories count against its quota:
 *    a create, mkdir, write or truncate past it fails with EDQUOT (a full flash with
 *    ENOSPC) and changes nothing; the app and the device keep running. Calls that may
 *    program the flash are charged to the app's write budget (EAGAIN once it is spent).
 *    The file system has no symlinks, hard links or timestamps: path_symlink,
 *    path_link, fd_allocate, fd_fdstat_set_flags and the set_times calls answer
 *    ENOTSUP, path_readlink EINVAL (nothing is a link), times read as 0; names are at
 *    most AKIRA_FS_NAME_MAX bytes, guest paths AKIRA_APP_PATH_MAX.
 *  - Clocks: monotonic is the uptime; realtime is the same count, since the device has
 *    no wall clock: it reads as 1970-01-01T00:00:00Z plus the uptime. Resolution 1 us.
 *    The CPU-time clocks answer EINVAL (not kept).
 *  - random_get: the kernel's random source (akira_random_fill).
 *  - poll_oneoff: fds are always ready (files, stdin at its end, the log); a clock
 *    sleeps on the app's event queue, so stopping the app ends the wait.
 *  - args and environment: none.
 *
 * Bounds: the state (about 2 KiB) comes from the app's memory quota at its first WASI
 * call (ENOMEM when it does not fit); 12 descriptors, at most AKIRA_APP_FILES_MAX files
 * and 3 directories open besides the preopen (EMFILE past them).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_storage.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/fs.h>
#include <akira/random.h>
#include <akira/storage.h>
#include <akira/thread.h>

#include "wasi_dev.h"

#define DEV_FILES AKIRA_APP_FILES_MAX
#define DEV_DIRS  4u /* slot 0 is the preopen */
#define DEV_FDS   (3u + DEV_DIRS + DEV_FILES + 1u)
#define PATH_BUF  (AKIRA_APP_PATH_MAX + 1u)
#define FULL_BUF  (AKIRA_FS_PATH_MAX + 1u)

/* Backend handles: stdio 0..2, then files and directories by slot. */
#define H_FILE 16
#define H_DIR  32

struct akira_wasi_app {
    struct akira_wasi core;
    struct akira_app_ctx *app;
    bool have_view;
    struct akira_fs view;
    struct akira_wasi_fd fds[DEV_FDS];
    struct akira_fs_file files[DEV_FILES]; /* obj == NULL: free */
    uint64_t file_ino[DEV_FILES];
    bool dir_used[DEV_DIRS];
    char dirs[DEV_DIRS][PATH_BUF]; /* relative to the app's directory, "" for itself */
    char scratch[4 * PATH_BUF];
};

static int werr(int rc)
{
    switch (rc) {
    case 0: return 0;
    case AKIRA_ENOENT: return WASI_ENOENT;
    case AKIRA_EEXIST: return WASI_EEXIST;
    case AKIRA_EINVAL: return WASI_EINVAL;
    case AKIRA_ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case AKIRA_ENOSPC: return WASI_ENOSPC;
    case AKIRA_EQUOTA: return WASI_EDQUOT;
    case AKIRA_EBUSY: return WASI_EBUSY;
    case AKIRA_ENOTEMPTY: return WASI_ENOTEMPTY;
    case AKIRA_EACCES: return WASI_EACCES;
    case AKIRA_ETOOBIG: return WASI_EFBIG;
    case AKIRA_ENODEV: return WASI_ENODEV;
    case AKIRA_EAGAIN: return WASI_EAGAIN;
    case AKIRA_ENOMEM: return WASI_ENOMEM;
    default: return WASI_EIO;
    }
}

/* A stable inode number for a path (FNV-1a; never 0, which wasi-libc reads as none). */
static uint64_t ino_of(const char *p)
{
    uint64_t h = 1469598103934665603ull;
    for (; *p; p++) {
        h ^= (uint8_t)*p;
        h *= 1099511628211ull;
    }
    return h | 1;
}

/* The file-system path of canonical `path` below directory fd `dir`: "/" for the
 * app's directory itself. */
static int join(struct akira_wasi_app *s, const struct akira_wasi_fd *dir, const char *path,
                char *out)
{
    if (dir->h < H_DIR || dir->h >= H_DIR + (int32_t)DEV_DIRS) return WASI_ENOTDIR;
    const char *base = s->dirs[dir->h - H_DIR];
    int n = snprintf(out, FULL_BUF, "%s%s%s", base, base[0] && path[0] ? "/" : "", path);
    if (n < 0 || (unsigned)n >= FULL_BUF) return WASI_ENAMETOOLONG;
    if (n == 0) strcpy(out, "/");
    return 0;
}

static bool is_root(const char *full)
{
    return strcmp(full, "/") == 0;
}

/* Take the storage lock and the app's view for a file call. write_call names a call
 * that may program the flash: it must fit the write budget (its cost is charged by
 * fs_end). A revoked storage capability ends every file call but close. */
static int fs_begin(struct akira_wasi_app *s, const char *write_call, uint64_t *w0)
{
    if (!(atomic_load(&s->app->caps) & AKIRA_CAP_STORAGE)) return WASI_ENOTCAPABLE;
    if (write_call) {
        int64_t avail = akira_app_storage_budget_check(s->app, write_call);
        if (avail < 0) return werr((int)avail);
    }
    akira_storage_lock();
    *w0 = akira_storage_wear();
    if (!s->have_view) {
        struct akira_fs_vol *vol = akira_storage_fs();
        struct akira_app_storage_limits l;
        akira_app_storage_limits(s->app->manifest, &l);
        int rc = vol ? akira_fs_app_view(vol, s->app->name, l.fs_quota, (uint16_t)l.files, &s->view)
                     : AKIRA_ENODEV;
        if (rc != 0) {
            akira_storage_unlock();
            return werr(rc);
        }
        s->have_view = true;
    }
    return 0;
}

static int fs_end(struct akira_wasi_app *s, uint64_t w0, int result)
{
    uint64_t cost = akira_storage_wear() - w0;
    akira_storage_unlock();
    akira_app_storage_budget_charge(s->app->name, cost);
    return result;
}

static uint8_t type_of(enum akira_fs_type t)
{
    return t == AKIRA_FS_TYPE_DIR ? WASI_FILETYPE_DIRECTORY : WASI_FILETYPE_REGULAR_FILE;
}

/* akira_fs_stat under the lock, the root included. */
static int stat_full(struct akira_wasi_app *s, const char *full, struct akira_fs_stat *fst)
{
    if (is_root(full)) {
        *fst = (struct akira_fs_stat){.type = AKIRA_FS_TYPE_DIR};
        return 0;
    }
    return akira_fs_stat(&s->view, full, fst);
}

/* ---- paths ---------------------------------------------------------------------------- */

static int d_stat(void *be, struct akira_wasi_fd *dir, const char *path, struct akira_wasi_stat *st)
{
    struct akira_wasi_app *s = be;
    char full[FULL_BUF];
    uint64_t w0;
    int e = join(s, dir, path, full);
    if (e || (e = fs_begin(s, NULL, &w0))) return e;
    struct akira_fs_stat fst;
    int rc = stat_full(s, full, &fst);
    fs_end(s, w0, 0);
    if (rc != 0) return werr(rc);
    *st = (struct akira_wasi_stat){
        .type = type_of(fst.type), .dev = 1, .ino = ino_of(full), .nlink = 1, .size = fst.size};
    return 0;
}

static int d_open(void *be, struct akira_wasi_fd *dir, const char *path,
                  const struct akira_wasi_open *o, struct akira_wasi_fd *out)
{
    struct akira_wasi_app *s = be;
    char full[FULL_BUF];
    uint64_t w0;
    bool writes = o->write || (o->oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC));
    int e = join(s, dir, path, full);
    if (e || (e = fs_begin(s, writes ? "path_open" : NULL, &w0))) return e;
    struct akira_fs_stat fst;
    int rc = stat_full(s, full, &fst);
    if (rc == 0 && fst.type == AKIRA_FS_TYPE_DIR) {
        uint32_t i = 1;
        while (i < DEV_DIRS && s->dir_used[i])
            i++;
        if ((o->oflags & WASI_OFLAG_CREAT) && (o->oflags & WASI_OFLAG_EXCL))
            e = WASI_EEXIST;
        else if (o->write || (o->oflags & WASI_OFLAG_TRUNC))
            e = WASI_EISDIR;
        else if (i == DEV_DIRS)
            e = WASI_EMFILE;
        const char *rel = is_root(full) ? "" : full;
        if (!e && strlen(rel) >= PATH_BUF) e = WASI_ENAMETOOLONG;
        if (e) return fs_end(s, w0, e);
        s->dir_used[i] = true;
        memcpy(s->dirs[i], rel, strlen(rel) + 1);
        out->h = H_DIR + (int32_t)i;
        out->type = WASI_FILETYPE_DIRECTORY;
        return fs_end(s, w0, 0);
    }
    if (o->oflags & WASI_OFLAG_DIRECTORY) return fs_end(s, w0, rc == 0 ? WASI_ENOTDIR : werr(rc));
    uint32_t i = 0;
    while (i < DEV_FILES && s->files[i].obj)
        i++;
    if (i == DEV_FILES) return fs_end(s, w0, WASI_EMFILE);
    uint32_t flags = (o->read || !o->write ? AKIRA_FS_O_READ : 0) |
                     (o->write ? AKIRA_FS_O_WRITE : 0) |
                     (o->oflags & WASI_OFLAG_CREAT ? AKIRA_FS_O_CREATE : 0) |
                     (o->oflags & WASI_OFLAG_EXCL ? AKIRA_FS_O_EXCL : 0) |
                     (o->oflags & WASI_OFLAG_TRUNC ? AKIRA_FS_O_TRUNC : 0) |
                     (o->fdflags & WASI_FDFLAG_APPEND ? AKIRA_FS_O_APPEND : 0);
    rc = akira_fs_open(&s->view, full, flags, &s->files[i]);
    if (rc != 0) return fs_end(s, w0, werr(rc));
    s->file_ino[i] = ino_of(full);
    out->h = H_FILE + (int32_t)i;
    out->type = WASI_FILETYPE_REGULAR_FILE;
    return fs_end(s, w0, 0);
}

/* mkdir, rmdir and unlink: the type is checked first, as POSIX reports it. */
enum { OP_MKDIR, OP_RMDIR, OP_UNLINK };

static int path_op(struct akira_wasi_app *s, struct akira_wasi_fd *dir, const char *path, int op)
{
    static const char *const calls[] = {"path_create_directory", "path_remove_directory",
                                        "path_unlink_file"};
    char full[FULL_BUF];
    uint64_t w0;
    int e = join(s, dir, path, full);
    if (e || (e = fs_begin(s, calls[op], &w0))) return e;
    if (is_root(full)) return fs_end(s, w0, op == OP_MKDIR ? WASI_EEXIST : WASI_EBUSY);
    if (op == OP_MKDIR) return fs_end(s, w0, werr(akira_fs_mkdir(&s->view, full)));
    struct akira_fs_stat fst;
    int rc = akira_fs_stat(&s->view, full, &fst);
    if (rc == 0 && op == OP_RMDIR && fst.type != AKIRA_FS_TYPE_DIR)
        e = WASI_ENOTDIR;
    else if (rc == 0 && op == OP_UNLINK && fst.type == AKIRA_FS_TYPE_DIR)
        e = WASI_EISDIR;
    else
        e = werr(rc == 0 ? akira_fs_unlink(&s->view, full) : rc);
    return fs_end(s, w0, e);
}

static int d_mkdir(void *be, struct akira_wasi_fd *dir, const char *path)
{
    return path_op(be, dir, path, OP_MKDIR);
}

static int d_rmdir(void *be, struct akira_wasi_fd *dir, const char *path)
{
    return path_op(be, dir, path, OP_RMDIR);
}

static int d_unlink(void *be, struct akira_wasi_fd *dir, const char *path)
{
    return path_op(be, dir, path, OP_UNLINK);
}

static int d_rename(void *be, struct akira_wasi_fd *d1, const char *p1, struct akira_wasi_fd *d2,
                    const char *p2)
{
    struct akira_wasi_app *s = be;
    char from[FULL_BUF], to[FULL_BUF];
    uint64_t w0;
    int e = join(s, d1, p1, from);
    if (e || (e = join(s, d2, p2, to)) || (e = fs_begin(s, "path_rename", &w0))) return e;
    if (is_root(from) || is_root(to)) return fs_end(s, w0, WASI_EBUSY);
    return fs_end(s, w0, werr(akira_fs_rename(&s->view, from, to)));
}

/* ---- descriptors ------------------------------------------------------------------------ */

static struct akira_fs_file *file_of(struct akira_wasi_app *s, const struct akira_wasi_fd *f)
{
    int32_t i = f->h - H_FILE;
    return i >= 0 && i < (int32_t)DEV_FILES && s->files[i].obj ? &s->files[i] : NULL;
}

static int d_close(void *be, struct akira_wasi_fd *f)
{
    struct akira_wasi_app *s = be;
    struct akira_fs_file *file = file_of(s, f);
    if (f->h >= H_DIR && f->h < H_DIR + (int32_t)DEV_DIRS) s->dir_used[f->h - H_DIR] = false;
    if (!file) return 0;
    /* never refused (the handle must go); the commit's wear is charged */
    akira_storage_lock();
    uint64_t w0 = akira_storage_wear();
    int rc = akira_fs_close(file);
    file->obj = NULL; /* released even when the sync failed (akira/fs.h) */
    return fs_end(s, w0, werr(rc));
}

/* Appends len bytes to the line in line[*used] and logs each completed line; a line
 * longer than the buffer is cut (the log keeps that much of it anyway). */
static void log_bytes(struct akira_app_ctx *app, enum akira_log_level level, char *line,
                      size_t *used, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            akira_bridge_app_log(app, level, line, *used);
            *used = 0;
        } else if (*used < AKIRA_APP_LOG_LINE_MAX - 1) {
            line[(*used)++] = (char)p[i];
        }
    }
}

static int d_rw(void *be, struct akira_wasi_fd *f, bool write, const struct akira_wasi_iov *v,
                uint32_t n, int64_t off, uint32_t *done)
{
    struct akira_wasi_app *s = be;
    uint64_t total = 0;
    if (f->h <= 2) {  /* rights keep reads off stdout and writes off stdin */
        if (!write) { /* stdin: at its end */
            *done = 0;
            return 0;
        }
        /* The iovecs of one call are one stream: wasi-libc writes a line as its buffer
         * and the rest in two iovecs, which must stay one log line. */
        enum akira_log_level level = f->h == 1 ? AKIRA_LOG_INFO : AKIRA_LOG_WARN;
        char line[AKIRA_APP_LOG_LINE_MAX];
        size_t used = 0;
        for (uint32_t i = 0; i < n; i++) {
            log_bytes(s->app, level, line, &used, v[i].buf, v[i].len);
            total += v[i].len;
        }
        if (used > 0) akira_bridge_app_log(s->app, level, line, used);
        *done = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
        return 0;
    }
    struct akira_fs_file *file = file_of(s, f);
    if (!file) return WASI_EBADF;
    if (off > INT32_MAX) return write ? WASI_EFBIG : 0; /* past the largest file */
    uint64_t w0;
    int e = fs_begin(s, write ? "fd_write" : NULL, &w0);
    if (e) return e;
    int saved = off >= 0 ? akira_fs_tell(file) : 0;
    int rc = off >= 0 ? akira_fs_seek(file, (int32_t)off, AKIRA_FS_SEEK_SET) : 0;
    for (uint32_t i = 0; rc >= 0 && i < n; i++) {
        if (v[i].len == 0) continue;
        size_t len = v[i].len > INT32_MAX ? INT32_MAX : v[i].len;
        rc = write ? akira_fs_write(file, v[i].buf, len) : akira_fs_read(file, v[i].buf, len);
        if (rc > 0) total += (uint32_t)rc;
        if (rc >= 0 && (size_t)rc < len) break; /* end of file, or the space ran out */
    }
    if (off >= 0 && saved >= 0) akira_fs_seek(file, saved, AKIRA_FS_SEEK_SET);
    /* what was moved counts; an error is reported only when nothing was */
    if (rc < 0 && total == 0) return fs_end(s, w0, werr(rc));
    *done = (uint32_t)total;
    return fs_end(s, w0, 0);
}

static int d_seek(void *be, struct akira_wasi_fd *f, int64_t off, int whence, uint64_t *pos)
{
    struct akira_wasi_app *s = be;
    struct akira_fs_file *file = file_of(s, f);
    if (!file) return WASI_ESPIPE;
    if (off > INT32_MAX || off < INT32_MIN) return WASI_EINVAL;
    uint64_t w0;
    int e = fs_begin(s, NULL, &w0);
    if (e) return e;
    int rc = akira_fs_seek(file, (int32_t)off, (enum akira_fs_whence)whence);
    if (rc >= 0) *pos = (uint64_t)rc;
    return fs_end(s, w0, rc < 0 ? werr(rc) : 0);
}

static int d_fstat(void *be, struct akira_wasi_fd *f, struct akira_wasi_stat *st)
{
    struct akira_wasi_app *s = be;
    *st = (struct akira_wasi_stat){.type = f->type, .dev = 1, .nlink = 1};
    if (f->h >= H_DIR) {
        st->ino = ino_of(s->dirs[f->h - H_DIR]);
        return 0;
    }
    struct akira_fs_file *file = file_of(s, f);
    if (!file) return 0; /* stdio */
    uint64_t w0;
    int e = fs_begin(s, NULL, &w0);
    if (e) return e;
    int size = akira_fs_size(file);
    st->size = size > 0 ? (uint64_t)size : 0;
    st->ino = s->file_ino[f->h - H_FILE];
    return fs_end(s, w0, size < 0 ? werr(size) : 0);
}

static int d_set_size(void *be, struct akira_wasi_fd *f, uint64_t size)
{
    struct akira_wasi_app *s = be;
    struct akira_fs_file *file = file_of(s, f);
    if (!file) return WASI_EINVAL;
    if (size > UINT32_MAX) return WASI_EFBIG;
    uint64_t w0;
    int e = fs_begin(s, "fd_filestat_set_size", &w0);
    if (e) return e;
    return fs_end(s, w0, werr(akira_fs_truncate(file, (uint32_t)size)));
}

static int d_sync(void *be, struct akira_wasi_fd *f, bool data_only)
{
    (void)data_only;
    struct akira_wasi_app *s = be;
    struct akira_fs_file *file = file_of(s, f);
    if (!file) return 0; /* the log and directories: nothing pending */
    uint64_t w0;
    int e = fs_begin(s, NULL, &w0);
    if (e) return e;
    return fs_end(s, w0, werr(akira_fs_sync(file)));
}

/* Entry number `cookie` of the directory: the file system lists in slot order. */
static int d_readdir(void *be, struct akira_wasi_fd *f, uint64_t cookie,
                     struct akira_wasi_dirent *de, char *name, size_t cap)
{
    struct akira_wasi_app *s = be;
    char dir[FULL_BUF], entry[FULL_BUF];
    uint64_t w0;
    int e = join(s, f, "", dir);
    if (e || (e = fs_begin(s, NULL, &w0))) return e;
    struct akira_fs_dir d;
    struct akira_fs_stat fst;
    int rc = akira_fs_opendir(&s->view, dir, &d);
    for (uint64_t i = 0; rc >= 0 && i <= cookie; i++)
        if ((rc = akira_fs_readdir(&d, &fst)) == 0) break;
    fs_end(s, w0, 0);
    if (rc < 0) return werr(rc);
    if (rc == 0) return AKIRA_WASI_END;
    size_t n = strlen(fst.name);
    memcpy(name, fst.name, n < cap ? n : cap);
    int len = snprintf(entry, sizeof entry, "%s%s%s", is_root(dir) ? "" : dir,
                       is_root(dir) ? "" : "/", fst.name);
    *de = (struct akira_wasi_dirent){
        .ino = len > 0 ? ino_of(entry) : 1, .type = type_of(fst.type), .namlen = (uint32_t)n};
    return 0;
}

/* ---- clocks, randomness, waiting ------------------------------------------------------- */

static int d_clock(void *be, uint32_t id, bool res, uint64_t *ns)
{
    (void)be;
    if (id != WASI_CLOCK_REALTIME && id != WASI_CLOCK_MONOTONIC) return WASI_EINVAL;
    *ns = res ? 1000u : akira_uptime_us() * 1000u;
    return 0;
}

static int d_random(void *be, uint8_t *buf, uint32_t len)
{
    (void)be;
    return akira_random_fill(buf, len) == 0 ? 0 : WASI_EIO;
}

static void d_yield(void *be)
{
    (void)be;
    akira_yield();
}

static int d_poll(void *be, struct akira_wasi_pollfd *fds, uint32_t n, uint64_t timeout_ns)
{
    struct akira_wasi_app *s = be;
    for (uint32_t i = 0; i < n; i++)
        fds[i].ready = true; /* files, stdin at its end and the log never block */
    if (n > 0 || timeout_ns == 0) return 0;
    uint64_t ms = timeout_ns / 1000000u + (timeout_ns % 1000000u != 0);
    akira_bridge_wait_begin(s->app);
    akira_evq_sleep(s->app->evq, ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms);
    return akira_bridge_wait_end(s->app) == AW_OK ? 0 : AKIRA_WASI_TRAP;
}

static const struct akira_wasi_ops dev_ops = {
    .stat = d_stat,
    .open = d_open,
    .mkdir = d_mkdir,
    .rmdir = d_rmdir,
    .unlink = d_unlink,
    .rename = d_rename,
    .close = d_close,
    .rw = d_rw,
    .seek = d_seek,
    .fstat = d_fstat,
    .set_size = d_set_size,
    .sync = d_sync,
    .readdir = d_readdir,
    .clock = d_clock,
    .random = d_random,
    .yield = d_yield,
    .poll = d_poll,
};

/* ---- the per-app state -------------------------------------------------------------------- */

#define STDIN_RIGHTS                                                                               \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE)
#define STDOUT_RIGHTS                                                                              \
    (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE |             \
     WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC)
#define DIR_RIGHTS (WASI_RIGHTS_ALL & ~(WASI_RIGHT_SOCK_SHUTDOWN | WASI_RIGHT_SOCK_ACCEPT))

static struct akira_wasi_app *state_of(struct akira_app_ctx *app)
{
    if (app->wasi) return app->wasi;
    struct akira_wasi_app *s = akira_quota_realloc(app->quota, NULL, 0, sizeof(*s));
    if (!s) return NULL;
    memset(s, 0, sizeof(*s));
    s->app = app;
    akira_wasi_init(&s->core, &dev_ops, s, s->fds, DEV_FDS, s->scratch, PATH_BUF);
    akira_wasi_fd_add(&s->core, 0, WASI_FILETYPE_CHARACTER_DEVICE, STDIN_RIGHTS, 0, 0);
    akira_wasi_fd_add(&s->core, 1, WASI_FILETYPE_CHARACTER_DEVICE, STDOUT_RIGHTS, 0, 0);
    akira_wasi_fd_add(&s->core, 2, WASI_FILETYPE_CHARACTER_DEVICE, STDOUT_RIGHTS, 0, 0);
    if (atomic_load(&app->caps) & AKIRA_CAP_STORAGE) {
        s->dir_used[0] = true; /* dirs[0] = "": the app's directory */
        int fd =
            akira_wasi_fd_add(&s->core, H_DIR, WASI_FILETYPE_DIRECTORY, DIR_RIGHTS, DIR_RIGHTS, 0);
        s->fds[fd].name = "/";
    }
    app->wasi = s;
    return s;
}

aw_status akira_api_wasi_call(struct akira_app_ctx *app, aw_host_fn fn, aw_val *io)
{
    struct akira_wasi_app *s = state_of(app);
    if (!s) {
        io[0].i32 = WASI_ENOMEM;
        return AW_OK;
    }
    aw_status st = fn(app->inst, &s->core, io);
    if (s->core.exited) { /* proc_exit: the manager reads `exited` */
        app->exited = true;
        app->exit_code = (int32_t)s->core.exit_code;
        char msg[32];
        snprintf(msg, sizeof(msg), "exit %d", (int)app->exit_code);
        aw_store_set_trap_msg(app->store, msg);
    }
    return st;
}

/* Close what the instance left open (each file close syncs: its data is durable) and
 * give the state back to the quota. */
static void wasi_app_end(struct akira_app_ctx *app)
{
    struct akira_wasi_app *s = app->wasi;
    if (!s) return;
    akira_wasi_close_all(&s->core);
    app->wasi = NULL;
    akira_quota_realloc(app->quota, s, sizeof(*s), 0);
}

AKIRA_API_WASI_ENTRIES(AKIRA_WASI_P1_LIST);

const struct akira_bridge_module akira_api_wasi = {
    .name = "wasi",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = wasi_app_end,
    .import_module = AKIRA_WASI_P1,
};

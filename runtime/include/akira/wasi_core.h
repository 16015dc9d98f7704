/*
 * The one WASI implementation: preview 1 ("wasi_snapshot_preview1") and preview 0
 * ("wasi_unstable") over a file-system backend.
 *
 * Who uses it: the host runner akira-wasm (tools/akira-wasm/wasi_host.c: a host
 * directory through POSIX *at() calls) and the device's API module "wasi"
 * (runtime/api/wasi.c: the app's own storage directory, under its quota). This file
 * and runtime/wasi/ hold everything that is WASI: the ABI (argument decoding, guest
 * structure layouts, bounds checks of every pointer), the descriptor table and its
 * rights, path resolution (which is where the sandbox lives), poll_oneoff's clock and
 * fd logic, and the preview-0 translation layer. The backend only performs one
 * operation on an already-resolved path or an open handle. It depends on the engine
 * only and makes no OS call, so it builds for every board.
 *
 * Path resolution (wasi_path.c): a guest path is resolved relative to a directory fd
 * one component at a time. "." is skipped, ".." pops a component and fails with
 * ENOTCAPABLE above the fd's directory, an absolute path is ENOTCAPABLE, a symlink
 * (ops->readlink) has its target spliced into the rest of the path and is resolved
 * the same way (an absolute target is ENOTCAPABLE), and a trailing '/' demands a
 * directory. The backend then gets a canonical path: components joined by '/', none
 * of them ".", ".." or a symlink except perhaps the last (the op decides whether to
 * follow it: never, since the core already did when asked), "" for the directory
 * itself. A backend must still not follow a symlink anywhere in it (a host process
 * may swap one in after the check): its walk fails instead.
 *
 * Preview 0 (wasi_p0.c) differs from preview 1 in three places, from the WASI
 * repository's legacy/preview0 witx: fd_seek's whence (cur 0, end 1, set 2 instead of
 * set 0, cur 1, end 2); filestat (56 bytes: nlink is a u32 at offset 20, size at 24,
 * times at 32/40/48, instead of 64 bytes with a u64 nlink at 24); and the clock
 * subscription of poll_oneoff (an extra u64 `identifier` at 16 moves id, timeout,
 * precision and flags 8 bytes on: 56-byte subscriptions instead of 48). It has no
 * sock_accept, and rights stop at sock_shutdown (bit 28). Everything else is the
 * same function.
 *
 * Threads: one context serves one instance on the thread calling into it.
 */
#ifndef AKIRA_WASI_CORE_H
#define AKIRA_WASI_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/wasm.h>

/* WASI errno values (the same numbering in preview 0 and 1). */
enum {
    WASI_ESUCCESS = 0,
    WASI_E2BIG = 1,
    WASI_EACCES = 2,
    WASI_EAGAIN = 6,
    WASI_EBADF = 8,
    WASI_EBUSY = 10,
    WASI_EDQUOT = 19,
    WASI_EEXIST = 20,
    WASI_EFAULT = 21,
    WASI_EFBIG = 22,
    WASI_EINTR = 27,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_EISDIR = 31,
    WASI_ELOOP = 32,
    WASI_EMFILE = 33,
    WASI_EMLINK = 34,
    WASI_ENAMETOOLONG = 37,
    WASI_ENFILE = 41,
    WASI_ENODEV = 43,
    WASI_ENOENT = 44,
    WASI_ENOMEM = 48,
    WASI_ENOSPC = 51,
    WASI_ENOSYS = 52,
    WASI_ENOTDIR = 54,
    WASI_ENOTEMPTY = 55,
    WASI_ENOTSOCK = 57,
    WASI_ENOTSUP = 58,
    WASI_ENOTTY = 59,
    WASI_ENXIO = 60,
    WASI_EOVERFLOW = 61,
    WASI_EPERM = 63,
    WASI_EPIPE = 64,
    WASI_ERANGE = 68,
    WASI_EROFS = 69,
    WASI_ESPIPE = 70,
    WASI_EXDEV = 75,
    WASI_ENOTCAPABLE = 76,
};

/* What a backend op returns besides 0 and a WASI errno. */
#define AKIRA_WASI_END  (-1) /* readdir: no entry at that cookie */
#define AKIRA_WASI_TRAP (-2) /* the backend set the store's trap message: end the app */

enum {
    WASI_FILETYPE_UNKNOWN = 0,
    WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4,
    WASI_FILETYPE_SOCKET_STREAM = 6,
    WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

#define WASI_RIGHT_FD_DATASYNC           (1ull << 0)
#define WASI_RIGHT_FD_READ               (1ull << 1)
#define WASI_RIGHT_FD_SEEK               (1ull << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS   (1ull << 3)
#define WASI_RIGHT_FD_SYNC               (1ull << 4)
#define WASI_RIGHT_FD_TELL               (1ull << 5)
#define WASI_RIGHT_FD_WRITE              (1ull << 6)
#define WASI_RIGHT_FD_ADVISE             (1ull << 7)
#define WASI_RIGHT_FD_ALLOCATE           (1ull << 8)
#define WASI_RIGHT_FD_READDIR            (1ull << 14)
#define WASI_RIGHT_FD_FILESTAT_GET       (1ull << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE  (1ull << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES (1ull << 23)
#define WASI_RIGHT_POLL_FD_READWRITE     (1ull << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN         (1ull << 28)
#define WASI_RIGHT_SOCK_ACCEPT           (1ull << 29)
#define WASI_RIGHTS_ALL                  ((1ull << 30) - 1)
#define WASI_RIGHTS_P0_ALL               ((1ull << 29) - 1) /* preview 0 has no sock_accept */

#define WASI_FDFLAG_APPEND   1u
#define WASI_FDFLAG_DSYNC    2u
#define WASI_FDFLAG_NONBLOCK 4u
#define WASI_FDFLAG_RSYNC    8u
#define WASI_FDFLAG_SYNC     16u

#define WASI_OFLAG_CREAT     1u
#define WASI_OFLAG_DIRECTORY 2u
#define WASI_OFLAG_EXCL      4u
#define WASI_OFLAG_TRUNC     8u

/* Preview-1 whence; preview 0 is translated before the backend sees it. */
enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };

enum { WASI_CLOCK_REALTIME, WASI_CLOCK_MONOTONIC, WASI_CLOCK_PROCESS, WASI_CLOCK_THREAD };

/* One guest descriptor. `h` and `aux` belong to the backend. */
struct akira_wasi_fd {
    int32_t h;        /* backend handle; -1: this guest fd is free */
    uint8_t type;     /* WASI_FILETYPE_* */
    uint16_t fdflags; /* as opened / last set (the backend may report live ones) */
    uint64_t rights;  /* base rights */
    uint64_t inherit; /* inheriting rights */
    const char *name; /* preopened directories: the guest name; else NULL */
    void *aux;        /* backend state (e.g. a directory stream) */
    uint64_t aux_pos; /* backend state (e.g. the stream's position) */
};

struct akira_wasi_stat {
    uint8_t type;
    uint64_t dev, ino, nlink, size, atim, mtim, ctim;
};

struct akira_wasi_iov {
    uint8_t *buf;
    uint32_t len;
};

struct akira_wasi_dirent {
    uint64_t ino;
    uint8_t type;
    uint32_t namlen; /* the whole name's length, even when cut to the buffer */
};

/* path_open's request, after the rights check. */
struct akira_wasi_open {
    uint32_t oflags;  /* WASI_OFLAG_* (DIRECTORY also when the path ended in '/') */
    uint16_t fdflags; /* WASI_FDFLAG_* */
    bool read, write; /* the access the rights ask for */
};

/* One fd subscription of poll_oneoff, for ops->poll. */
struct akira_wasi_pollfd {
    struct akira_wasi_fd *fd;
    bool write;   /* fd_write subscription (else fd_read) */
    bool ready;   /* out */
    bool hangup;  /* out: fd_readwrite_hangup */
    uint16_t err; /* out: an error to report in the event */
};

/*
 * The backend. Every op returns 0, a WASI errno, or AKIRA_WASI_TRAP; an op that is NULL
 * answers ENOTSUP (files) or ENOSYS (the rest) by design. Path ops get (dir, path):
 * dir is the directory's descriptor, path canonical as said above.
 */
struct akira_wasi_ops {
    int (*stat)(void *be, struct akira_wasi_fd *dir, const char *path, struct akira_wasi_stat *st);
    int (*readlink)(void *be, struct akira_wasi_fd *dir, const char *path, char *buf, size_t cap,
                    size_t *len);
    /* Open: fill out->h, out->type (and aux); the core fills the rest. */
    int (*open)(void *be, struct akira_wasi_fd *dir, const char *path,
                const struct akira_wasi_open *o, struct akira_wasi_fd *out);
    int (*mkdir)(void *be, struct akira_wasi_fd *dir, const char *path);
    int (*rmdir)(void *be, struct akira_wasi_fd *dir, const char *path);
    int (*unlink)(void *be, struct akira_wasi_fd *dir, const char *path);
    int (*rename)(void *be, struct akira_wasi_fd *d1, const char *p1, struct akira_wasi_fd *d2,
                  const char *p2);
    int (*link)(void *be, struct akira_wasi_fd *d1, const char *p1, struct akira_wasi_fd *d2,
                const char *p2);
    int (*symlink)(void *be, const char *target, struct akira_wasi_fd *dir, const char *path);
    int (*path_times)(void *be, struct akira_wasi_fd *dir, const char *path, uint64_t atim,
                      uint64_t mtim, uint32_t fst);

    int (*close)(void *be, struct akira_wasi_fd *f);
    /* off < 0: at (and moving) the current position. */
    int (*rw)(void *be, struct akira_wasi_fd *f, bool write, const struct akira_wasi_iov *v,
              uint32_t n, int64_t off, uint32_t *done);
    int (*seek)(void *be, struct akira_wasi_fd *f, int64_t off, int whence, uint64_t *pos);
    int (*fstat)(void *be, struct akira_wasi_fd *f, struct akira_wasi_stat *st);
    int (*set_size)(void *be, struct akira_wasi_fd *f, uint64_t size);
    int (*sync)(void *be, struct akira_wasi_fd *f, bool data_only);
    int (*get_flags)(void *be, struct akira_wasi_fd *f, uint16_t *fdflags);
    int (*set_flags)(void *be, struct akira_wasi_fd *f, uint16_t fdflags);
    int (*advise)(void *be, struct akira_wasi_fd *f, uint64_t off, uint64_t len, uint32_t advice);
    int (*allocate)(void *be, struct akira_wasi_fd *f, uint64_t off, uint64_t len);
    int (*fd_times)(void *be, struct akira_wasi_fd *f, uint64_t atim, uint64_t mtim, uint32_t fst);
    /* The entry at `cookie` (0 first, then each entry's cookie + 1): its name cut to
     * cap bytes in name; AKIRA_WASI_END past the last. */
    int (*readdir)(void *be, struct akira_wasi_fd *f, uint64_t cookie, struct akira_wasi_dirent *de,
                   char *name, size_t cap);

    /* res: the resolution instead of the time. EINVAL for a clock it lacks. */
    int (*clock)(void *be, uint32_t id, bool res, uint64_t *ns);
    int (*random)(void *be, uint8_t *buf, uint32_t len);
    void (*yield)(void *be);
    /* Wait until one of fds[0..n) is ready or timeout_ns passes (UINT64_MAX: no
     * timeout); mark the ready ones. n may be 0 (a plain sleep). */
    int (*poll)(void *be, struct akira_wasi_pollfd *fds, uint32_t n, uint64_t timeout_ns);

    /* Sockets handed over as stdio (NULL on a backend without). */
    int (*sock_recv)(void *be, struct akira_wasi_fd *f, const struct akira_wasi_iov *v, uint32_t n,
                     uint32_t riflags, uint32_t *done, uint16_t *roflags);
    int (*sock_send)(void *be, struct akira_wasi_fd *f, const struct akira_wasi_iov *v, uint32_t n,
                     uint32_t *done);
    int (*sock_shutdown)(void *be, struct akira_wasi_fd *f, uint32_t how);
    int (*sock_accept)(void *be, struct akira_wasi_fd *f, uint16_t fdflags,
                       struct akira_wasi_fd *out);
};

/* One instance's WASI state. */
struct akira_wasi {
    const struct akira_wasi_ops *ops;
    void *be;
    uint32_t argc, envc;
    char *const *argv;         /* borrowed, valid for the context's lifetime */
    char *const *envp;         /* "K=V" */
    struct akira_wasi_fd *fds; /* the table, nfds entries (fixed: bounded) */
    uint32_t nfds;
    char *scratch;       /* 4 * path_max bytes for path resolution */
    uint32_t path_max;   /* bytes in a guest path (and a canonical one) */
    aw_instance *caller; /* the instance of the call in progress (for backends' traps) */
    bool exited;         /* proc_exit was called ... */
    uint32_t exit_code;  /* ... with this status */
};

/* Set up an empty table over fds[nfds] (scratch: 4 * path_max bytes). */
void akira_wasi_init(struct akira_wasi *w, const struct akira_wasi_ops *ops, void *be,
                     struct akira_wasi_fd *fds, uint32_t nfds, char *scratch, uint32_t path_max);

/* A free guest fd for backend handle h: its number, or -1 when the table is full. */
int akira_wasi_fd_add(struct akira_wasi *w, int32_t h, uint8_t type, uint64_t rights,
                      uint64_t inherit, uint16_t fdflags);

/* Close every open fd through ops->close. */
void akira_wasi_close_all(struct akira_wasi *w);

/*
 * The imports: X(name, signature, implementation) for every function of each module,
 * one list the core's tables and the device's bridge entries are both made from. Each
 * implementation is an aw_host_fn whose user pointer is the struct akira_wasi.
 * proc_raise answers ENOSYS by design (no signals); so does every sock_* on a backend
 * without sockets (ENOTSOCK on a descriptor that is not one).
 */
#define AKIRA_WASI_COMMON_LIST(X)                                                                  \
    X(args_get, "(ii)i", akira_wasi_args_get)                                                      \
    X(args_sizes_get, "(ii)i", akira_wasi_args_sizes_get)                                          \
    X(environ_get, "(ii)i", akira_wasi_environ_get)                                                \
    X(environ_sizes_get, "(ii)i", akira_wasi_environ_sizes_get)                                    \
    X(clock_res_get, "(ii)i", akira_wasi_clock_res_get)                                            \
    X(clock_time_get, "(iIi)i", akira_wasi_clock_time_get)                                         \
    X(fd_advise, "(iIIi)i", akira_wasi_fd_advise)                                                  \
    X(fd_allocate, "(iII)i", akira_wasi_fd_allocate)                                               \
    X(fd_close, "(i)i", akira_wasi_fd_close)                                                       \
    X(fd_datasync, "(i)i", akira_wasi_fd_datasync)                                                 \
    X(fd_fdstat_set_flags, "(ii)i", akira_wasi_fd_fdstat_set_flags)                                \
    X(fd_fdstat_set_rights, "(iII)i", akira_wasi_fd_fdstat_set_rights)                             \
    X(fd_filestat_set_size, "(iI)i", akira_wasi_fd_filestat_set_size)                              \
    X(fd_filestat_set_times, "(iIIi)i", akira_wasi_fd_filestat_set_times)                          \
    X(fd_pread, "(iiiIi)i", akira_wasi_fd_pread)                                                   \
    X(fd_prestat_get, "(ii)i", akira_wasi_fd_prestat_get)                                          \
    X(fd_prestat_dir_name, "(iii)i", akira_wasi_fd_prestat_dir_name)                               \
    X(fd_pwrite, "(iiiIi)i", akira_wasi_fd_pwrite)                                                 \
    X(fd_read, "(iiii)i", akira_wasi_fd_read)                                                      \
    X(fd_readdir, "(iiiIi)i", akira_wasi_fd_readdir)                                               \
    X(fd_renumber, "(ii)i", akira_wasi_fd_renumber)                                                \
    X(fd_sync, "(i)i", akira_wasi_fd_sync)                                                         \
    X(fd_tell, "(ii)i", akira_wasi_fd_tell)                                                        \
    X(fd_write, "(iiii)i", akira_wasi_fd_write)                                                    \
    X(path_create_directory, "(iii)i", akira_wasi_path_create_directory)                           \
    X(path_filestat_set_times, "(iiiiIIi)i", akira_wasi_path_filestat_set_times)                   \
    X(path_link, "(iiiiiii)i", akira_wasi_path_link)                                               \
    X(path_open, "(iiiiiIIii)i", akira_wasi_path_open)                                             \
    X(path_readlink, "(iiiiii)i", akira_wasi_path_readlink)                                        \
    X(path_remove_directory, "(iii)i", akira_wasi_path_remove_directory)                           \
    X(path_rename, "(iiiiii)i", akira_wasi_path_rename)                                            \
    X(path_symlink, "(iiiii)i", akira_wasi_path_symlink)                                           \
    X(path_unlink_file, "(iii)i", akira_wasi_path_unlink_file)                                     \
    X(proc_exit, "(i)", akira_wasi_proc_exit)                                                      \
    X(proc_raise, "(i)i", akira_wasi_proc_raise)                                                   \
    X(sched_yield, "()i", akira_wasi_sched_yield)                                                  \
    X(random_get, "(ii)i", akira_wasi_random_get)                                                  \
    X(sock_recv, "(iiiiii)i", akira_wasi_sock_recv)                                                \
    X(sock_send, "(iiiii)i", akira_wasi_sock_send)                                                 \
    X(sock_shutdown, "(ii)i", akira_wasi_sock_shutdown)

/* Preview 1: the common functions, its own layouts, and sock_accept. */
#define AKIRA_WASI_P1_LIST(X)                                                                      \
    AKIRA_WASI_COMMON_LIST(X)                                                                      \
    X(fd_fdstat_get, "(ii)i", akira_wasi_fd_fdstat_get)                                            \
    X(fd_filestat_get, "(ii)i", akira_wasi_fd_filestat_get)                                        \
    X(fd_seek, "(iIii)i", akira_wasi_fd_seek)                                                      \
    X(path_filestat_get, "(iiiii)i", akira_wasi_path_filestat_get)                                 \
    X(poll_oneoff, "(iiii)i", akira_wasi_poll_oneoff)                                              \
    X(sock_accept, "(iii)i", akira_wasi_sock_accept)

/* Preview 0: the common functions and the translations of what differs. */
#define AKIRA_WASI_P0_LIST(X)                                                                      \
    AKIRA_WASI_COMMON_LIST(X)                                                                      \
    X(fd_fdstat_get, "(ii)i", akira_wasi_p0_fd_fdstat_get)                                         \
    X(fd_filestat_get, "(ii)i", akira_wasi_p0_fd_filestat_get)                                     \
    X(fd_seek, "(iIii)i", akira_wasi_p0_fd_seek)                                                   \
    X(path_filestat_get, "(iiiii)i", akira_wasi_p0_path_filestat_get)                              \
    X(poll_oneoff, "(iiii)i", akira_wasi_p0_poll_oneoff)

#define AKIRA_WASI_DECLARE_(name, sig, fn)                                                         \
    aw_status fn(aw_instance *caller, void *user, aw_val *io);
AKIRA_WASI_P1_LIST(AKIRA_WASI_DECLARE_)
aw_status akira_wasi_p0_fd_fdstat_get(aw_instance *caller, void *user, aw_val *io);
aw_status akira_wasi_p0_fd_filestat_get(aw_instance *caller, void *user, aw_val *io);
aw_status akira_wasi_p0_fd_seek(aw_instance *caller, void *user, aw_val *io);
aw_status akira_wasi_p0_path_filestat_get(aw_instance *caller, void *user, aw_val *io);
aw_status akira_wasi_p0_poll_oneoff(aw_instance *caller, void *user, aw_val *io);
#undef AKIRA_WASI_DECLARE_

/* One WASI import as a table entry. */
struct akira_wasi_func {
    const char *name;
    const char *sig;
    aw_host_fn fn;
};

#define AKIRA_WASI_P1 "wasi_snapshot_preview1"
#define AKIRA_WASI_P0 "wasi_unstable"

/* The function for import (module, name), or NULL: module AKIRA_WASI_P1 or _P0. */
const struct akira_wasi_func *akira_wasi_find(const char *module, const char *name);

#endif /* AKIRA_WASI_CORE_H */

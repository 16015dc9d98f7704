/*
 * wasi.h - WASI preview1 ("wasi_snapshot_preview1") for akira-wasm, the host CLI.
 *
 * One akira_cli_wasi serves one instance on one thread (the thread calling aw_call).
 * It owns a table of guest file descriptors: 0..2 are the host's stdio, 3.. are the
 * preopened --dir directories, the rest are opened by the app through path_open.
 * Files are reached only below a preopen: every path is resolved component by
 * component with openat(O_NOFOLLOW) (wasi_path.c), so `..`, absolute paths and
 * symlinks cannot leave the directory tree the user granted.
 *
 * Every pointer and length the app passes is translated through aw_memory_ptr(), so a
 * hostile app gets EFAULT (21), never a host access outside its linear memory.
 *
 * Blocking: calls block the calling thread like their POSIX counterparts (fd_read on a
 * terminal, poll_oneoff sleeping). The runner's SIGINT handler is installed without
 * SA_RESTART, so Ctrl-C ends a blocked call with EINTR; when the runner's `interrupted`
 * flag says it was Ctrl-C, the call traps the app at once ("interrupted") instead of
 * returning to it, since the engine notices its own interrupt flag only at its next
 * fuel check, which a short-lived app may never reach.
 */
#ifndef AKIRA_CLI_WASI_H
#define AKIRA_CLI_WASI_H

#include <akira/wasm.h>

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* WASI errno values used by the host side (preview1 numbering). */
enum {
    WASI_ESUCCESS = 0,
    WASI_E2BIG = 1,
    WASI_EACCES = 2,
    WASI_EAGAIN = 6,
    WASI_EBADF = 8,
    WASI_EBUSY = 10,
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
    WASI_ENOENT = 44,
    WASI_ENOMEM = 48,
    WASI_ENOSPC = 51,
    WASI_ENOSYS = 52,
    WASI_ENOTSOCK = 57,
    WASI_ENOTDIR = 54,
    WASI_ENOTEMPTY = 55,
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

/* File types (preview1 filetype). */
enum {
    WASI_FILETYPE_UNKNOWN = 0,
    WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4,
    WASI_FILETYPE_SOCKET_STREAM = 6,
    WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* Rights: each fd function needs its bit in the fd's rights_base (libc also reads them:
 * isatty() is "character device without seek/tell"). */
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
#define WASI_RIGHTS_ALL                  ((1ull << 30) - 1)

/* fdflags */
#define WASI_FDFLAG_APPEND   1u
#define WASI_FDFLAG_DSYNC    2u
#define WASI_FDFLAG_NONBLOCK 4u
#define WASI_FDFLAG_RSYNC    8u
#define WASI_FDFLAG_SYNC     16u

typedef struct akira_cli_fd {
    int host;         /* host descriptor; -1: this guest fd is free */
    uint8_t filetype; /* WASI_FILETYPE_* */
    bool own_host;    /* close `host` on fd_close (false for stdio) */
    uint16_t fdflags;
    uint64_t rights_base;
    uint64_t rights_inheriting;
    char *preopen_name; /* non-NULL for preopened directories */
    DIR *dir;           /* fd_readdir stream, opened lazily on a dup of `host` */
    uint64_t dir_pos;   /* index of the entry `dir` will return next */
} akira_cli_fd;

typedef struct akira_cli_wasi {
    int argc;
    char **argv; /* borrowed from the caller, valid for the context's lifetime */
    int envc;
    char **envp; /* "K=V" strings, borrowed */
    akira_cli_fd *fds;
    uint32_t nfds;
    bool exited;                              /* proc_exit was called */
    const volatile sig_atomic_t *interrupted; /* set by the runner's SIGINT handler; or NULL */
    uint32_t exit_code;
} akira_cli_wasi;

/* Set up stdio and preopen each of `dirs` as fd 3, 4, ...: "HOST" (guest name HOST) or
 * "HOST::GUEST". Returns 0, or -1 with a message in `msg` (a directory cannot be
 * opened, an empty guest name). */
int akira_cli_wasi_init(akira_cli_wasi *w, int argc, char **argv, int envc, char **envp, int ndirs,
                        char **dirs, char *msg, size_t msglen);

/* Close every host descriptor the context opened and free its memory. */
void akira_cli_wasi_free(akira_cli_wasi *w);

/* Build the import list of `m` in store `s`: each wasi_snapshot_preview1 function the
 * module imports is bound to its host implementation. On success *out is an array of
 * aw_module_import_count(m) entries (free() it after instantiation). An import this
 * runner does not provide fails with -1 and a message naming it in `msg`. */
int akira_cli_wasi_imports(akira_cli_wasi *w, aw_store *s, const aw_module *m, aw_import **out,
                           char *msg, size_t msglen);

/* ---- internal: shared by wasi_*.c ------------------------------------------------ */

/* One host implementation: name, signature string (aw_host_func_new format), entry. */
typedef struct akira_cli_wasi_entry {
    const char *name;
    const char *sig;
    aw_host_fn fn;
} akira_cli_wasi_entry;

extern const akira_cli_wasi_entry akira_cli_wasi_proc_entries[];
extern const akira_cli_wasi_entry akira_cli_wasi_fd_entries[];
extern const akira_cli_wasi_entry akira_cli_wasi_path_entries[];
extern const akira_cli_wasi_entry akira_cli_wasi_sock_entries[];

/* The answer to a failed host call: a trap when it was cut short by Ctrl-C (EINTR with
 * *w->interrupted set), else the WASI errno of `host_errno` in io[0]. */
aw_status akira_cli_wasi_fail(akira_cli_wasi *w, aw_instance *caller, aw_val *io, int host_errno);

/* Guest iovec list (iovs, n) as host iovecs in out[AKIRA_CLI_MAX_IOVS], every buffer
 * bounds-checked; a longer list is cut (a short read/write, which WASI allows).
 * Returns 0 or WASI_EFAULT. */
#define AKIRA_CLI_MAX_IOVS 64
struct iovec;
uint16_t akira_cli_wasi_gather(aw_instance *caller, uint32_t iovs, uint32_t n, struct iovec *out,
                               int *count);

/* Host errno to WASI errno. */
uint16_t akira_cli_wasi_errno(int host_errno);

/* The guest fd entry `fd`, or NULL when it is not open. */
akira_cli_fd *akira_cli_wasi_fd_get(akira_cli_wasi *w, uint32_t fd);

/* Allocate a guest fd for `host` (taken over: closed by fd_close). Returns the guest
 * fd number, or -1 when the table cannot grow. */
int akira_cli_wasi_fd_add(akira_cli_wasi *w, int host, uint8_t filetype, uint64_t rights_base,
                          uint64_t rights_inheriting, uint16_t fdflags);

/* Release guest fd `fd`: closes its host descriptor and directory stream. */
void akira_cli_wasi_fd_release(akira_cli_fd *f);

/* Write a 64-byte WASI filestat for `st` at `p` (fd_filestat_get, path_filestat_get). */
struct stat;
void akira_cli_wasi_put_filestat(uint8_t *p, const struct stat *st);

/* Host timestamps for futimens/utimensat from WASI (atim, mtim, fstflags). Returns
 * -1 when the flags contradict each other (EINVAL). */
int akira_cli_wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec *ts);

/* The WASI filetype of a host stat mode. */
uint8_t akira_cli_wasi_filetype(unsigned mode);

#endif /* AKIRA_CLI_WASI_H */

/*
 * wasi.h - WASI for akira-wasm, the host CLI: the shared implementation
 * (akira/wasi_core.h, runtime/wasi/) over a backend of POSIX calls on host directories
 * granted with --dir (wasi_host.c).
 *
 * One akira_cli_wasi serves one instance on one thread (the thread calling aw_call).
 * Guest fds 0..2 are the host's stdio, 3.. the preopened --dir directories, the rest
 * are opened by the app through path_open (at most AKIRA_CLI_MAX_FDS in all). The core
 * hands the backend canonical paths (no ".", "..", or symlink but perhaps the last
 * component); the backend walks them with openat(O_NOFOLLOW) from the directory's
 * descriptor, so a symlink swapped in by another process during the walk fails
 * (ENOTDIR / ELOOP) instead of escaping.
 *
 * Blocking: calls block the calling thread like their POSIX counterparts. The
 * runner's SIGINT handler is installed without SA_RESTART, so Ctrl-C ends a blocked
 * call with EINTR; when `interrupted` says it was Ctrl-C, the call traps the app at
 * once ("interrupted") instead of returning to it, since the engine notices its own
 * interrupt flag only at its next fuel check, which a short-lived app may never reach.
 */
#ifndef AKIRA_CLI_WASI_H
#define AKIRA_CLI_WASI_H

#include <akira/wasi_core.h>
#include <akira/wasm.h>

#include <limits.h>
#include <signal.h>
#include <stddef.h>

#define AKIRA_CLI_MAX_FDS 1024 /* guest descriptors: a leaking app cannot eat host RAM */

typedef struct akira_cli_wasi {
    struct akira_wasi core;
    const volatile sig_atomic_t *interrupted; /* set by the runner's SIGINT handler; or NULL */
    struct akira_wasi_fd fds[AKIRA_CLI_MAX_FDS];
    char *names[AKIRA_CLI_MAX_FDS]; /* preopen names, owned */
    char scratch[4 * PATH_MAX];
} akira_cli_wasi;

/* Set up stdio and preopen each of `dirs` as fd 3, 4, ...: "HOST" (guest name HOST) or
 * "HOST::GUEST". Returns 0, or -1 with a message in `msg` (a directory cannot be
 * opened, an empty guest name). */
int akira_cli_wasi_init(akira_cli_wasi *w, int argc, char **argv, int envc, char **envp, int ndirs,
                        char **dirs, char *msg, size_t msglen);

/* Close every host descriptor the context opened and free its memory. */
void akira_cli_wasi_free(akira_cli_wasi *w);

/* Build the import list of `m` in store `s`: each wasi_snapshot_preview1 or
 * wasi_unstable function the module imports is bound to the implementation. On
 * success *out is an array of aw_module_import_count(m) entries (free() it after
 * instantiation). An import this runner does not provide fails with -1 and a message
 * naming it in `msg`. */
int akira_cli_wasi_imports(akira_cli_wasi *w, aw_store *s, const aw_module *m, aw_import **out,
                           char *msg, size_t msglen);

#endif /* AKIRA_CLI_WASI_H */

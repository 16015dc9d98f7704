/*
 * wasi_ctx.c - the WASI context: descriptor table, preopens, import binding, errno map.
 */
#include "wasi_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

uint8_t akira_cli_wasi_filetype(unsigned mode)
{
    if (S_ISREG(mode)) return WASI_FILETYPE_REGULAR_FILE;
    if (S_ISDIR(mode)) return WASI_FILETYPE_DIRECTORY;
    if (S_ISCHR(mode)) return WASI_FILETYPE_CHARACTER_DEVICE;
    if (S_ISBLK(mode)) return WASI_FILETYPE_BLOCK_DEVICE;
    if (S_ISLNK(mode)) return WASI_FILETYPE_SYMBOLIC_LINK;
    if (S_ISSOCK(mode)) return WASI_FILETYPE_SOCKET_STREAM;
    return WASI_FILETYPE_UNKNOWN; /* FIFOs have no WASI type */
}

uint16_t akira_cli_wasi_errno(int e)
{
    switch (e) {
    case 0: return WASI_ESUCCESS;
    case E2BIG: return WASI_E2BIG;
    case EACCES: return WASI_EACCES;
    case EAGAIN: return WASI_EAGAIN;
    case EBADF: return WASI_EBADF;
    case EBUSY: return WASI_EBUSY;
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

aw_status akira_cli_wasi_fail(akira_cli_wasi *w, aw_instance *caller, aw_val *io, int host_errno)
{
    if (host_errno == EINTR && w->interrupted && *w->interrupted) {
        aw_store_set_trap_msg(aw_instance_store(caller), "interrupted");
        return AW_ERR_TRAP;
    }
    io[0].i32 = akira_cli_wasi_errno(host_errno);
    return AW_OK;
}

akira_cli_fd *akira_cli_wasi_fd_get(akira_cli_wasi *w, uint32_t fd)
{
    if (fd >= w->nfds || w->fds[fd].host < 0) return NULL;
    return &w->fds[fd];
}

int akira_cli_wasi_fd_add(akira_cli_wasi *w, int host, uint8_t filetype, uint64_t rights_base,
                          uint64_t rights_inheriting, uint16_t fdflags)
{
    uint32_t i = 0;
    while (i < w->nfds && w->fds[i].host >= 0)
        i++;
    if (i == w->nfds) {
        /* Guest fds are i32 handles; a bound keeps a leaking app from eating host RAM. */
        if (w->nfds >= 4096) return -1;
        uint32_t n = w->nfds ? w->nfds * 2 : 8;
        akira_cli_fd *t = realloc(w->fds, n * sizeof *t);
        if (!t) return -1;
        for (uint32_t j = w->nfds; j < n; j++)
            t[j] = (akira_cli_fd){.host = -1};
        w->fds = t;
        w->nfds = n;
    }
    w->fds[i] = (akira_cli_fd){
        .host = host,
        .filetype = filetype,
        .own_host = true,
        .fdflags = fdflags,
        .rights_base = rights_base,
        .rights_inheriting = rights_inheriting,
    };
    return (int)i;
}

void akira_cli_wasi_fd_release(akira_cli_fd *f)
{
    if (f->dir) closedir(f->dir); /* closes its own dup of the descriptor */
    if (f->own_host && f->host >= 0) close(f->host);
    free(f->preopen_name);
    *f = (akira_cli_fd){.host = -1};
}

/* stdio is a stream the user set up, whatever it is redirected from or to: the app may
 * read, write, poll and stat it, but not seek, truncate, preallocate or retime the
 * user's file behind it (an app could otherwise fallocate gigabytes through
 * `> out.txt`). Without seek/tell a terminal is also what libc's isatty() expects. */
#define STDIO_RIGHTS                                                                               \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS |                   \
     WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_FILESTAT_GET |                    \
     WASI_RIGHT_POLL_FD_READWRITE | (1ull << 28) | (1ull << 29)) /* sock_shutdown, _accept */

int akira_cli_wasi_init(akira_cli_wasi *w, int argc, char **argv, int envc, char **envp, int ndirs,
                        char **dirs, char *msg, size_t msglen)
{
    memset(w, 0, sizeof *w);
    w->argc = argc;
    w->argv = argv;
    w->envc = envc;
    w->envp = envp;
    for (int fd = 0; fd < 3; fd++) {
        struct stat st;
        uint8_t type =
            fstat(fd, &st) == 0 ? akira_cli_wasi_filetype(st.st_mode) : WASI_FILETYPE_UNKNOWN;
        if (akira_cli_wasi_fd_add(w, fd, type, STDIO_RIGHTS, 0, 0) != fd) {
            snprintf(msg, msglen, "out of memory");
            akira_cli_wasi_free(w);
            return -1;
        }
        w->fds[fd].own_host = false; /* the runner keeps its own stdio */
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
        int g = akira_cli_wasi_fd_add(w, h, WASI_FILETYPE_DIRECTORY, WASI_RIGHTS_ALL,
                                      WASI_RIGHTS_ALL, 0);
        char *name = g >= 0 ? strdup(guest) : NULL;
        if (!name) {
            if (g < 0) close(h);
            snprintf(msg, msglen, "out of memory");
            akira_cli_wasi_free(w);
            return -1;
        }
        w->fds[g].preopen_name = name;
    }
    return 0;
}

void akira_cli_wasi_free(akira_cli_wasi *w)
{
    for (uint32_t i = 0; i < w->nfds; i++)
        if (w->fds[i].host >= 0) akira_cli_wasi_fd_release(&w->fds[i]);
    free(w->fds);
    w->fds = NULL;
    w->nfds = 0;
}

static const akira_cli_wasi_entry *find_entry(const char *name)
{
    const akira_cli_wasi_entry *tables[] = {akira_cli_wasi_proc_entries, akira_cli_wasi_fd_entries,
                                            akira_cli_wasi_path_entries,
                                            akira_cli_wasi_sock_entries};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const akira_cli_wasi_entry *e = tables[t]; e->name; e++)
            if (strcmp(e->name, name) == 0) return e;
    return NULL;
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
        const akira_cli_wasi_entry *e = NULL;
        if (d.kind == AW_EXTERN_FUNC && strcmp(d.module, "wasi_snapshot_preview1") == 0)
            e = find_entry(d.name);
        if (!e) {
            static const char *const kinds[] = {"func", "table", "memory", "global"};
            snprintf(msg, msglen,
                     "unknown import %s.%s (%s): akira-wasm provides only "
                     "wasi_snapshot_preview1 functions",
                     d.module, d.name, (unsigned)d.kind < 4 ? kinds[d.kind] : "?");
            goto fail;
        }
        aw_func *f = aw_host_func_new(s, e->sig, e->fn, w);
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

uint16_t akira_cli_wasi_gather(aw_instance *c, uint32_t iovs, uint32_t n, struct iovec *out,
                               int *count)
{
    if (n > AKIRA_CLI_MAX_IOVS) n = AKIRA_CLI_MAX_IOVS;
    const uint8_t *g = wasi_ptr(c, iovs, (uint64_t)n * 8);
    if (!g) return WASI_EFAULT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = wasi_ld32(g + 8 * i), len = wasi_ld32(g + 8 * i + 4);
        uint8_t *p = wasi_ptr(c, buf, len);
        if (!p) return WASI_EFAULT;
        out[i] = (struct iovec){.iov_base = p, .iov_len = len};
    }
    *count = (int)n;
    return WASI_ESUCCESS;
}

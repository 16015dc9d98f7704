/*
 * WASI path functions, confined to the directory of their base fd (the sandbox; the
 * rules are in akira/wasi_core.h). resolve() turns a guest path into a canonical one
 * for the backend, one component at a time, asking the backend only to stat and to
 * read symlinks on paths it has already made canonical.
 */
#include "wasi_priv.h"

#define MAX_LINKS 32  /* symlinks followed in one resolution (POSIX SYMLOOP_MAX >= 8) */
#define NAME_MAX_ 255 /* bytes in one component, whatever the backend allows */

/* Scratch buffers, path_max bytes each: two canonical paths (rename, link), the rest
 * of the path being resolved, a symlink's target. */
enum { BUF_A, BUF_B, BUF_REST, BUF_LINK };

static char *buf(struct akira_wasi *w, int which)
{
    return w->scratch + (size_t)which * w->path_max;
}

/* The resolution of one guest path. */
struct resolved {
    struct akira_wasi_fd *dir;
    char *path;    /* canonical, relative to dir; "" for dir itself */
    bool must_dir; /* the guest path ended with '/' */
};

/* Replace rest (holding `after`, what follows the symlink) by target + "/" + after. */
static int splice(struct akira_wasi *w, const char *target, size_t tlen, const char *after)
{
    char *rest = buf(w, BUF_REST), *tmp = buf(w, BUF_LINK);
    size_t alen = strlen(after);
    if (tlen + 1 + alen >= w->path_max) return WASI_ENAMETOOLONG;
    memmove(tmp + tlen + 1, after, alen + 1); /* after may live in rest: move it first */
    memmove(tmp, target, tlen);
    tmp[tlen] = '/';
    memcpy(rest, tmp, tlen + 1 + alen + 1);
    return 0;
}

static int walk(struct akira_wasi *w, struct resolved *r, bool follow)
{
    char *p = buf(w, BUF_REST), *canon = r->path;
    size_t clen = 0;
    int links = 0;
    canon[0] = '\0';
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0') return 0; /* "a/." or "a/..": the directory itself */
        char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *after = p + n;
        while (*after == '/')
            after++;
        bool last = *after == '\0';
        if (n == 1 && p[0] == '.') {
            p = after;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (clen == 0) return WASI_ENOTCAPABLE; /* above the base */
            while (clen > 0 && canon[clen - 1] != '/')
                clen--;
            clen = clen > 0 ? clen - 1 : 0; /* the '/' before it */
            canon[clen] = '\0';
            p = after;
            continue;
        }
        if (n > NAME_MAX_) return WASI_ENAMETOOLONG;
        size_t base = clen;
        if (clen + (clen > 0) + n >= w->path_max) return WASI_ENAMETOOLONG;
        if (clen > 0) canon[clen++] = '/';
        memcpy(canon + clen, p, n);
        clen += n;
        canon[clen] = '\0';
        if (last && !follow && !r->must_dir) return 0;

        struct akira_wasi_stat st = {0};
        int e = w->ops->stat ? w->ops->stat(w->be, r->dir, canon, &st) : WASI_ENOTSUP;
        if (e == WASI_ENOENT && last) return 0; /* a name to create */
        if (e) return e;
        if (st.type == WASI_FILETYPE_SYMBOLIC_LINK) {
            if (++links > MAX_LINKS) return WASI_ELOOP;
            char *target = buf(w, BUF_LINK);
            size_t tlen = 0;
            e = w->ops->readlink
                    ? w->ops->readlink(w->be, r->dir, canon, target, w->path_max, &tlen)
                    : WASI_EINVAL;
            if (e) return e;
            if (tlen == 0 || tlen >= w->path_max) return WASI_ENAMETOOLONG;
            if (target[0] == '/') return WASI_ENOTCAPABLE;
            clen = base; /* the link itself is replaced by its target */
            canon[clen] = '\0';
            if ((e = splice(w, target, tlen, after))) return e;
            p = buf(w, BUF_REST);
            continue;
        }
        if (last) return 0;
        if (st.type != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
        p = after;
    }
}

/* Resolve guest path [addr, addr+len) against guest directory fd `fd` into r, the
 * canonical path in scratch buffer `which` (BUF_A or BUF_B). */
static int resolve(struct akira_wasi *w, uint32_t fd, uint32_t addr, uint32_t len, bool follow,
                   int which, struct resolved *r)
{
    int e;
    r->dir = wasi_fd(w, fd, 0, &e);
    r->path = buf(w, which);
    r->must_dir = false;
    if (!r->dir) return e;
    if (r->dir->type != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
    const char *g = (const char *)wasi_ptr(w->caller, addr, len);
    if (!g) return WASI_EFAULT;
    if (len == 0) return WASI_ENOENT;
    if (len >= w->path_max) return WASI_ENAMETOOLONG;
    if (memchr(g, '\0', len)) return WASI_EINVAL;
    if (g[0] == '/') return WASI_ENOTCAPABLE;
    char *rest = buf(w, BUF_REST);
    memcpy(rest, g, len);
    rest[len] = '\0';
    while (len > 1 && rest[len - 1] == '/') {
        rest[--len] = '\0';
        r->must_dir = true;
    }
    return walk(w, r, follow);
}

#define LOOKUP_SYMLINK_FOLLOW 1u
#define RIGHTS_WRITE                                                                               \
    (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE)

/* An optional backend op: NULL answers `none`. */
#define OP(w, name, none, ...) ((w)->ops->name ? (w)->ops->name((w)->be, __VA_ARGS__) : (none))

aw_status akira_wasi_path_open(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    uint32_t oflags = io[4].u32, fdflags = io[7].u32, fd_ptr = io[8].u32;
    uint64_t base = io[5].u64, inheriting = io[6].u64;
    if (!wasi_ptr(c, fd_ptr, 4)) return wasi_ret(io, WASI_EFAULT);
    if (oflags & ~15u) return wasi_ret(io, WASI_EINVAL);
    struct resolved r;
    int e = resolve(w, io[0].u32, io[2].u32, io[3].u32, (io[1].u32 & LOOKUP_SYMLINK_FOLLOW) != 0,
                    BUF_A, &r);
    if (e) return wasi_ret(io, e);
    struct akira_wasi_open o = {
        .oflags = oflags | (r.must_dir ? WASI_OFLAG_DIRECTORY : 0),
        .fdflags = (uint16_t)fdflags,
        .read = (base & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)) != 0,
        .write = (base & RIGHTS_WRITE) != 0,
    };
    if ((o.oflags & WASI_OFLAG_DIRECTORY) && (o.oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC)))
        return wasi_ret(io, WASI_EINVAL);
    struct akira_wasi_fd opened = {.h = -1};
    e = OP(w, open, WASI_ENOTSUP, r.dir, r.path, &o, &opened);
    if (e) return wasi_ret(io, e);
    int g = akira_wasi_fd_add(w, opened.h, opened.type, base & r.dir->inherit,
                              inheriting & r.dir->inherit, (uint16_t)fdflags);
    if (g < 0) {
        w->ops->close(w->be, &opened);
        return wasi_ret(io, WASI_EMFILE);
    }
    w->fds[g].aux = opened.aux;
    w->fds[g].aux_pos = opened.aux_pos;
    wasi_put32(c, fd_ptr, (uint32_t)g);
    return wasi_ret(io, 0);
}

int wasi_path_stat(struct akira_wasi *w, uint32_t fd, uint32_t flags, uint32_t path, uint32_t len,
                   struct akira_wasi_stat *st)
{
    struct resolved r;
    int e = resolve(w, fd, path, len, (flags & LOOKUP_SYMLINK_FOLLOW) != 0, BUF_A, &r);
    if (e) return e;
    memset(st, 0, sizeof *st);
    e = OP(w, stat, WASI_ENOTSUP, r.dir, r.path, st);
    if (e == 0 && r.must_dir && st->type != WASI_FILETYPE_DIRECTORY) e = WASI_ENOTDIR;
    return e;
}

/* path_create_directory, path_remove_directory, path_unlink_file: (fd, path, len). */
enum { OP_MKDIR, OP_RMDIR, OP_UNLINK };

static aw_status path_op(aw_instance *c, void *user, aw_val *io, int op)
{
    struct akira_wasi *w = wasi_enter(c, user);
    struct resolved r;
    int e = resolve(w, io[0].u32, io[1].u32, io[2].u32, false, BUF_A, &r);
    if (e) return wasi_ret(io, e);
    switch (op) {
    case OP_MKDIR: e = OP(w, mkdir, WASI_ENOTSUP, r.dir, r.path); break;
    case OP_RMDIR: e = OP(w, rmdir, WASI_ENOTSUP, r.dir, r.path); break;
    default:
        /* unlinking "dir/" names a directory: refused like POSIX does */
        e = r.must_dir ? WASI_ENOTDIR : OP(w, unlink, WASI_ENOTSUP, r.dir, r.path);
        break;
    }
    return wasi_ret(io, e);
}

aw_status akira_wasi_path_create_directory(aw_instance *c, void *user, aw_val *io)
{
    return path_op(c, user, io, OP_MKDIR);
}

aw_status akira_wasi_path_remove_directory(aw_instance *c, void *user, aw_val *io)
{
    return path_op(c, user, io, OP_RMDIR);
}

aw_status akira_wasi_path_unlink_file(aw_instance *c, void *user, aw_val *io)
{
    return path_op(c, user, io, OP_UNLINK);
}

aw_status akira_wasi_path_rename(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    struct resolved from, to;
    int e = resolve(w, io[0].u32, io[1].u32, io[2].u32, false, BUF_A, &from);
    if (e == 0) e = resolve(w, io[3].u32, io[4].u32, io[5].u32, false, BUF_B, &to);
    if (e == 0) e = OP(w, rename, WASI_ENOTSUP, from.dir, from.path, to.dir, to.path);
    return wasi_ret(io, e);
}

aw_status akira_wasi_path_link(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    struct resolved from, to;
    int e = resolve(w, io[0].u32, io[2].u32, io[3].u32, (io[1].u32 & LOOKUP_SYMLINK_FOLLOW) != 0,
                    BUF_A, &from);
    if (e == 0) e = resolve(w, io[4].u32, io[5].u32, io[6].u32, false, BUF_B, &to);
    if (e == 0) e = OP(w, link, WASI_ENOTSUP, from.dir, from.path, to.dir, to.path);
    return wasi_ret(io, e);
}

aw_status akira_wasi_path_filestat_set_times(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    uint32_t fst = io[6].u32;
    if (!wasi_fst_ok(fst)) return wasi_ret(io, WASI_EINVAL);
    struct resolved r;
    int e = resolve(w, io[0].u32, io[2].u32, io[3].u32, (io[1].u32 & LOOKUP_SYMLINK_FOLLOW) != 0,
                    BUF_A, &r);
    if (e == 0) e = OP(w, path_times, WASI_ENOTSUP, r.dir, r.path, io[4].u64, io[5].u64, fst);
    return wasi_ret(io, e);
}

aw_status akira_wasi_path_readlink(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    uint32_t buf_len = io[4].u32;
    uint8_t *out = wasi_ptr(c, io[3].u32, buf_len);
    if (!out || !wasi_ptr(c, io[5].u32, 4)) return wasi_ret(io, WASI_EFAULT);
    struct resolved r;
    int e = resolve(w, io[0].u32, io[1].u32, io[2].u32, false, BUF_A, &r);
    if (e) return wasi_ret(io, e);
    size_t n = 0; /* cut to the buffer, as POSIX readlink does */
    e = OP(w, readlink, WASI_EINVAL, r.dir, r.path, (char *)out, buf_len, &n);
    if (e == 0) wasi_put32(c, io[5].u32, (uint32_t)(n < buf_len ? n : buf_len));
    return wasi_ret(io, e);
}

/* The link's text is the app's business, but an absolute target could never be
 * followed inside the sandbox and would point host processes outside it: refused. */
aw_status akira_wasi_path_symlink(aw_instance *c, void *user, aw_val *io)
{
    struct akira_wasi *w = wasi_enter(c, user);
    uint32_t tlen = io[1].u32;
    const char *t = (const char *)wasi_ptr(c, io[0].u32, tlen);
    if (!t) return wasi_ret(io, WASI_EFAULT);
    if (tlen == 0 || memchr(t, '\0', tlen)) return wasi_ret(io, WASI_EINVAL);
    if (tlen >= w->path_max) return wasi_ret(io, WASI_ENAMETOOLONG);
    if (t[0] == '/') return wasi_ret(io, WASI_ENOTCAPABLE);
    char *target = buf(w, BUF_B);
    memcpy(target, t, tlen);
    target[tlen] = '\0';
    struct resolved r;
    int e = resolve(w, io[2].u32, io[3].u32, io[4].u32, false, BUF_A, &r);
    if (e == 0) e = OP(w, symlink, WASI_ENOTSUP, target, r.dir, r.path);
    return wasi_ret(io, e);
}

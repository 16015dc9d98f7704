/*
 * API module "compat_storage": upstream AkiraOS's storage_* and settings_* ("env"
 * import module, akira/compat.h, docs/compat.md) over our storage module
 * (runtime/api/storage.c, whose natives do the work with the same sandbox, quotas and
 * write budget): the app's own directory and its own settings keys.
 */
#include <akira/fs.h>

#include "compat_priv.h"

#define UP_STORAGE_READ   0
#define UP_STORAGE_WRITE  1
#define UP_STORAGE_APPEND 2
#define UP_STORAGE_RDWR   3
#define PATH_MAX_UP       255u

#define CALL(app, name, args, rc)                                                                  \
    do {                                                                                           \
        static const struct akira_bridge_entry *cache_;                                            \
        aw_status st_ = compat_call((app), (name), &cache_, (args), &(rc));                        \
        if (st_ != AW_OK) return st_;                                                              \
    } while (0)

/* A path or key argument (`$`): trap outside memory; *len its length. */
#define STR_ARG(var, app, ptr, len)                                                                \
    size_t len;                                                                                    \
    const char *var = akira_bridge_cstr((app), (ptr), UINT32_MAX - 1u, &len);                      \
    if (!var) return compat_oob(app)

/* Upstream refuses ".." with -EACCES (ours would say EINVAL). */
static bool has_dotdot(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '.' && p[i + 1] == '.' && (i == 0 || p[i - 1] == '/') &&
            (i + 2 == n || p[i + 2] == '/'))
            return true;
    return false;
}

static aw_status up_open(struct akira_app_ctx *app, aw_val *io)
{
    STR_ARG(path, app, io[0].u32, len);
    int32_t flags = io[1].i32;
    static const uint32_t ours[] = {
        [UP_STORAGE_READ] = AKIRA_FS_O_READ,
        [UP_STORAGE_WRITE] = AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE | AKIRA_FS_O_TRUNC,
        [UP_STORAGE_APPEND] = AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE | AKIRA_FS_O_APPEND,
        [UP_STORAGE_RDWR] = AKIRA_FS_O_RDWR | AKIRA_FS_O_CREATE,
    };
    if (flags < 0 || flags > UP_STORAGE_RDWR) return hw_ret(io, -AKIRA_UP_EINVAL);
    COMPAT_REQUIRE(app, io, flags == UP_STORAGE_READ ? UPBIT(STORAGE_READ) : UPBIT(STORAGE_WRITE),
                   "storage_open");
    if (has_dotdot(path, len)) return hw_ret(io, -AKIRA_UP_EACCES);
    if (len > PATH_MAX_UP) return hw_ret(io, -AKIRA_UP_EINVAL);
    aw_val a[3] = {{.u32 = io[0].u32}, {.u32 = (uint32_t)len}, {.u32 = ours[flags]}};
    int32_t rc;
    CALL(app, "fs_open", a, rc);
    return compat_ret(io, rc);
}

/* storage_read/write and fs_read/write: `bits` the capability, `fn` the name. */
static aw_status rw(struct akira_app_ctx *app, aw_val *io, bool write, uint64_t bits,
                    const char *fn)
{
    uint32_t n = io[2].u32;
    if (n && !akira_bridge_mem(app, io[1].u32, n)) return compat_oob(app);
    COMPAT_REQUIRE(app, io, bits, fn);
    if (io[2].i32 < 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    aw_val a[3] = {io[0], io[1], io[2]};
    int32_t rc;
    if (write)
        CALL(app, "fs_write", a, rc);
    else
        CALL(app, "fs_read", a, rc);
    return rc == AKIRA_ENOENT ? hw_ret(io, -AKIRA_UP_EBADF) : compat_ret(io, rc);
}

COMPAT_WRAP(up_read, rw, false, UPBIT(STORAGE_READ), "storage_read")
COMPAT_WRAP(up_write, rw, true, UPBIT(STORAGE_WRITE), "storage_write")
COMPAT_WRAP(up_fs_read, rw, false, UPBIT(FS_READ), "fs_read")
COMPAT_WRAP(up_fs_write, rw, true, UPBIT(FS_WRITE), "fs_write")

static aw_status up_close(struct akira_app_ctx *app, aw_val *io)
{
    if (!compat_allowed(app, UPBIT(STORAGE_READ) | UPBIT(STORAGE_WRITE), "storage_close"))
        return AW_OK;
    aw_val a[1] = {io[0]};
    int32_t rc;
    CALL(app, "fs_close", a, rc);
    (void)rc; /* void in upstream's ABI */
    return AW_OK;
}

/* storage_delete, fs_unlink and fs_mkdir: a path to our native `name`; `bits` the
 * capability, `fn` upstream's name. */
static aw_status path_call(struct akira_app_ctx *app, aw_val *io, const char *name,
                           const struct akira_bridge_entry **cache, uint64_t bits, const char *fn)
{
    STR_ARG(path, app, io[0].u32, len);
    COMPAT_REQUIRE(app, io, bits, fn);
    if (has_dotdot(path, len)) return hw_ret(io, -AKIRA_UP_EACCES);
    aw_val a[2] = {{.u32 = io[0].u32}, {.u32 = (uint32_t)len}};
    int32_t rc;
    aw_status st = compat_call(app, name, cache, a, &rc);
    return st != AW_OK ? st : compat_ret(io, rc);
}

#define PATH_CALL(fn, name, bits, up_name)                                                         \
    static aw_status fn(struct akira_app_ctx *app, aw_val *io)                                     \
    {                                                                                              \
        static const struct akira_bridge_entry *cache;                                             \
        return path_call(app, io, name, &cache, bits, up_name);                                    \
    }

PATH_CALL(up_delete, "fs_unlink", UPBIT(STORAGE_WRITE), "storage_delete")
PATH_CALL(up_fs_unlink, "fs_unlink", UPBIT(FS_WRITE), "fs_unlink")
PATH_CALL(up_fs_mkdir, "fs_mkdir", UPBIT(FS_WRITE), "fs_mkdir")

/* storage_list and fs_readdir: names one per line, NUL-terminated; bytes used with the
 * NUL. */
static aw_status list(struct akira_app_ctx *app, aw_val *io, uint64_t bits, const char *fn)
{
    STR_ARG(path, app, io[0].u32, len);
    uint32_t bp = io[1].u32, cap = io[2].u32;
    char *buf = cap ? akira_bridge_mem(app, bp, cap) : NULL;
    if (cap && !buf) return compat_oob(app);
    COMPAT_REQUIRE(app, io, bits, fn);
    if (!buf) return hw_ret(io, -AKIRA_UP_EINVAL);
    if (has_dotdot(path, len)) return hw_ret(io, -AKIRA_UP_EACCES);
    /* "" and "/" are the app's own directory (our fs_list: dlen 0) */
    uint32_t dlen = (len == 0 || (len == 1 && path[0] == '/')) ? 0 : (uint32_t)len;
    uint32_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0;; i++) {
        if (cap - used < 3) break;
        aw_val a[5] = {{.u32 = io[0].u32},
                       {.u32 = dlen},
                       {.u32 = i},
                       {.u32 = bp + used},
                       {.u32 = cap - used - 1}};
        int32_t rc;
        CALL(app, "fs_list", a, rc);
        if (rc == 0 || rc == AKIRA_ERANGE) break;
        if (rc < 0) return compat_ret(io, rc);
        used += (uint32_t)rc;
        buf[used++] = '\n';
        buf[used] = '\0';
    }
    return hw_ret(io, (int32_t)used + 1);
}

COMPAT_WRAP(up_list, list, UPBIT(STORAGE_READ), "storage_list")
COMPAT_WRAP(up_fs_readdir, list, UPBIT(FS_READ), "fs_readdir")

/* ----------------------------------------------------------------- fs_* */

/* Upstream's fs_open flags (READ 0, WRITE 1, APPEND 2, RDWR 4, CREATE 8, TRUNC 16). */
#define UP_FS_WRITE  0x01u
#define UP_FS_APPEND 0x02u
#define UP_FS_RDWR   0x04u
#define UP_FS_CREATE 0x08u
#define UP_FS_TRUNC  0x10u
#define UP_FS_KNOWN  0x1fu
#define UP_STAT_SIZE 16u

static aw_status up_fs_open(struct akira_app_ctx *app, aw_val *io)
{
    STR_ARG(path, app, io[0].u32, len);
    uint32_t f = io[1].u32;
    if (f & ~UP_FS_KNOWN) return hw_ret(io, -AKIRA_UP_EINVAL);
    bool writes = f != 0;
    COMPAT_REQUIRE(app, io, writes ? UPBIT(FS_WRITE) : UPBIT(FS_READ), "fs_open");
    if (has_dotdot(path, len)) return hw_ret(io, -AKIRA_UP_EACCES);
    if (len > PATH_MAX_UP) return hw_ret(io, -AKIRA_UP_EINVAL);
    uint32_t ours = (f & UP_FS_RDWR)                     ? AKIRA_FS_O_RDWR
                    : (f & (UP_FS_WRITE | UP_FS_APPEND)) ? AKIRA_FS_O_WRITE
                                                         : AKIRA_FS_O_READ;
    if (f & UP_FS_APPEND) ours |= AKIRA_FS_O_APPEND;
    if (f & UP_FS_CREATE) ours |= AKIRA_FS_O_CREATE;
    if (f & UP_FS_TRUNC) ours |= AKIRA_FS_O_TRUNC;
    aw_val a[3] = {{.u32 = io[0].u32}, {.u32 = (uint32_t)len}, {.u32 = ours}};
    int32_t rc;
    CALL(app, "fs_open", a, rc);
    return compat_ret(io, rc);
}

/* An fd call (`name` of ours with io's arguments): an fd unknown to the app is -EBADF. */
static aw_status fd_call(struct akira_app_ctx *app, aw_val *io, const char *name,
                         const struct akira_bridge_entry **cache)
{
    int32_t rc;
    aw_status st = compat_call(app, name, cache, io, &rc);
    if (st != AW_OK) return st;
    return rc == AKIRA_ENOENT ? hw_ret(io, -AKIRA_UP_EBADF) : compat_ret(io, rc);
}

static aw_status up_fs_close(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *cache;
    COMPAT_REQUIRE(app, io, UPBIT(FS_READ) | UPBIT(FS_WRITE), "fs_close");
    return fd_call(app, io, "fs_close", &cache);
}

static aw_status up_fs_seek(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *cache;
    COMPAT_REQUIRE(app, io, UPBIT(FS_READ) | UPBIT(FS_WRITE), "fs_seek");
    return fd_call(app, io, "fs_seek", &cache);
}

static aw_status up_fs_tell(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *cache;
    COMPAT_REQUIRE(app, io, UPBIT(FS_READ) | UPBIT(FS_WRITE), "fs_tell");
    aw_val a[3] = {io[0], {.i32 = 0}, {.i32 = AKIRA_FS_SEEK_CUR}};
    aw_status st = fd_call(app, a, "fs_seek", &cache);
    io[0] = a[0];
    return st;
}

/* fs_stat: upstream's packed 16 bytes {u32 size, u8 type (0 file, 1 dir), 3 pad,
 * u64 mtime_ms}; our file system keeps no times (mtime 0). */
static aw_status up_fs_stat(struct akira_app_ctx *app, aw_val *io)
{
    STR_ARG(path, app, io[0].u32, len);
    uint8_t *out = akira_bridge_mem(app, io[1].u32, UP_STAT_SIZE);
    if (!out) return compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(FS_READ), "fs_stat");
    if (has_dotdot(path, len)) return hw_ret(io, -AKIRA_UP_EACCES);
    aw_val a[3] = {{.u32 = io[0].u32}, {.u32 = (uint32_t)len}, {.u32 = io[1].u32}};
    int32_t rc;
    CALL(app, "fs_stat", a, rc); /* ours: {u32 type (1 file, 2 dir), u32 size} */
    if (rc != 0) return compat_ret(io, rc);
    uint32_t type = hw_get_u32(out), size = hw_get_u32(out + 4);
    memset(out, 0, UP_STAT_SIZE);
    hw_put_u32(out, size);
    out[4] = type == 2 ? 1 : 0;
    return hw_ret(io, 0);
}

static aw_status up_settings_get(struct akira_app_ctx *app, aw_val *io)
{
    STR_ARG(key, app, io[0].u32, klen);
    (void)key;
    uint32_t bp = io[1].u32, cap = io[2].u32;
    char *buf = cap ? akira_bridge_mem(app, bp, cap) : NULL;
    if (io[2].i32 > 0 && !buf) return compat_oob(app);
    COMPAT_REQUIRE(app, io, UPBIT(SETTINGS), "settings_get");
    if (io[2].i32 <= 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    aw_val a[4] = {{.u32 = io[0].u32}, {.u32 = (uint32_t)klen}, {.u32 = bp}, {.u32 = cap - 1}};
    int32_t rc;
    CALL(app, "settings_get", a, rc);
    if (rc < 0) return rc == AKIRA_ERANGE ? hw_ret(io, -AKIRA_UP_EINVAL) : compat_ret(io, rc);
    buf[rc] = '\0'; /* upstream: a NUL-terminated value, 0 on success */
    return hw_ret(io, 0);
}

static aw_status up_settings_set(struct akira_app_ctx *app, aw_val *io)
{
    STR_ARG(key, app, io[0].u32, klen);
    STR_ARG(val, app, io[1].u32, vlen);
    (void)key;
    (void)val;
    COMPAT_REQUIRE(app, io, UPBIT(SETTINGS), "settings_set");
    aw_val a[4] = {
        {.u32 = io[0].u32}, {.u32 = (uint32_t)klen}, {.u32 = io[1].u32}, {.u32 = (uint32_t)vlen}};
    int32_t rc;
    CALL(app, "settings_set", a, rc);
    return compat_ret(io, rc);
}

static aw_status up_settings_delete(struct akira_app_ctx *app, aw_val *io)
{
    STR_ARG(key, app, io[0].u32, klen);
    (void)key;
    COMPAT_REQUIRE(app, io, UPBIT(SETTINGS), "settings_delete");
    aw_val a[2] = {{.u32 = io[0].u32}, {.u32 = (uint32_t)klen}};
    int32_t rc;
    CALL(app, "settings_delete", a, rc);
    return compat_ret(io, rc);
}

static const struct akira_bridge_entry entries[] = {
    {"storage_open", "(ii)i", AKIRA_CAP_STORAGE, up_open},
    {"storage_read", "(iii)i", AKIRA_CAP_STORAGE, up_read},
    {"storage_write", "(iii)i", AKIRA_CAP_STORAGE, up_write},
    {"storage_close", "(i)", AKIRA_CAP_STORAGE, up_close},
    {"storage_delete", "(i)i", AKIRA_CAP_STORAGE, up_delete},
    {"storage_list", "(iii)i", AKIRA_CAP_STORAGE, up_list},
    {"fs_open", "(ii)i", AKIRA_CAP_STORAGE, up_fs_open},
    {"fs_close", "(i)i", AKIRA_CAP_STORAGE, up_fs_close},
    {"fs_read", "(iii)i", AKIRA_CAP_STORAGE, up_fs_read},
    {"fs_write", "(iii)i", AKIRA_CAP_STORAGE, up_fs_write},
    {"fs_seek", "(iii)i", AKIRA_CAP_STORAGE, up_fs_seek},
    {"fs_tell", "(i)i", AKIRA_CAP_STORAGE, up_fs_tell},
    {"fs_stat", "(ii)i", AKIRA_CAP_STORAGE, up_fs_stat},
    {"fs_unlink", "(i)i", AKIRA_CAP_STORAGE, up_fs_unlink},
    {"fs_mkdir", "(i)i", AKIRA_CAP_STORAGE, up_fs_mkdir},
    {"fs_readdir", "(iii)i", AKIRA_CAP_STORAGE, up_fs_readdir},
    {"settings_get", "(iii)i", AKIRA_CAP_STORAGE, up_settings_get},
    {"settings_set", "(ii)i", AKIRA_CAP_STORAGE, up_settings_set},
    {"settings_delete", "(i)i", AKIRA_CAP_STORAGE, up_settings_delete},
};

const struct akira_bridge_module akira_api_compat_storage = {
    .name = "compat_storage",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

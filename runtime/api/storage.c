/*
 * API module "storage": the app's own files and settings keys (akira/app_storage.h),
 * capability "storage".
 *
 *   fs_open(path i32, plen i32, flags i32) -> i32    fd (1..AKIRA_APP_FILES_MAX)
 *        | EINVAL (path, flags) | ENAMETOOLONG | EFAULT | ENOENT | EEXIST
 *        | ENOSPC (no fd free) | EBUSY (the volume's open files) | ENODEV (no storage)
 *   fs_read(fd i32, buf i32, len i32) -> i32         bytes read (0: end of file)
 *   fs_write(fd i32, buf i32, len i32) -> i32        bytes written | EQUOTA | ENOSPC
 *   fs_seek(fd i32, off i32, whence i32) -> i32      new position
 *   fs_close(fd i32) -> i32                          0 (synced) | ENOENT
 *   fs_unlink(path i32, plen i32) -> i32             0 | ENOENT | EBUSY (open)
 *   fs_mkdir(path i32, plen i32) -> i32              0 | EEXIST
 *   fs_stat(path i32, plen i32, st i32) -> i32       0, st = {u32 type (1 file, 2 dir),
 *                                                    u32 size}
 *   fs_list(dir i32, dlen i32, index i32, name i32, cap i32) -> i32
 *        length of entry `index`'s name, written NUL-terminated | 0 past the last
 *        | ERANGE (cap too small); dlen 0 lists the app's own directory
 *   fs_usage() -> i32                                bytes the app's files use
 *   settings_get(key i32, klen i32, buf i32, cap i32) -> i32   value length | ENOENT
 *        | ERANGE
 *   settings_set(key i32, klen i32, val i32, vlen i32) -> i32  0 | ETOOBIG | EQUOTA
 *   settings_delete(key i32, klen i32) -> i32                  0 | ENOENT
 *
 * fds are per app; an fd from one app means nothing to another. Every range is
 * checked against app memory before the file system or the settings store is called;
 * host pointers into app memory stay valid for the call because only the app's own
 * thread can grow its memory.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_storage.h>
#include <akira/bridge.h>
#include <akira/err.h>
#include <akira/manifest.h>
#include <akira/mutex.h>
#include <akira/storage.h>

#define KEY_PREFIX_MAX (4 + AKIRA_APP_NAME_MAX + 1) /* "app/" name "/" */
#define STATES_MAX     16u

/* What the module holds for one running instance; allocated from its quota on first
 * use. Touched only on that app's thread, except the table slot (table lock). */
struct app_files {
    struct akira_app_ctx *app;
    bool have_view;
    struct akira_fs view;
    struct akira_fs_file files[AKIRA_APP_FILES_MAX]; /* obj == NULL: free */
};

static _Atomic(akira_mutex_t *) table_lock_;
static struct app_files *states[STATES_MAX];

static akira_mutex_t *table_lock(void)
{
    akira_mutex_t *m = atomic_load(&table_lock_);
    if (m) return m;
    akira_mutex_t *mine;
    if (akira_mutex_create(&mine) != 0) return NULL;
    if (!atomic_compare_exchange_strong(&table_lock_, &m, mine)) {
        akira_mutex_destroy(mine);
        return m;
    }
    return mine;
}

/* The app's state, made when create is set. NULL when it has none or none fits
 * (*rc = AKIRA_EQUOTA / AKIRA_ENOSPC / AKIRA_ENOMEM). */
static struct app_files *state_of(struct akira_app_ctx *app, bool create, int *rc)
{
    akira_mutex_t *m = table_lock();
    if (!m) {
        *rc = AKIRA_ENOMEM;
        return NULL;
    }
    akira_mutex_lock(m, AKIRA_FOREVER);
    struct app_files *found = NULL;
    size_t free_slot = STATES_MAX;
    for (size_t i = 0; i < STATES_MAX && !found; i++) {
        if (states[i] && states[i]->app == app)
            found = states[i];
        else if (!states[i] && free_slot == STATES_MAX)
            free_slot = i;
    }
    if (!found && create) {
        if (free_slot == STATES_MAX) {
            *rc = AKIRA_ENOSPC;
        } else if (!(found = akira_quota_realloc(app->quota, NULL, 0, sizeof(*found)))) {
            *rc = AKIRA_EQUOTA;
        } else {
            memset(found, 0, sizeof(*found));
            found->app = app;
            states[free_slot] = found;
        }
    }
    akira_mutex_unlock(m);
    return found;
}

/* The app's view of the file system, under the storage lock (held by the caller). */
static int view_of(struct app_files *st, const struct akira_fs **out)
{
    if (!st->have_view) {
        struct akira_fs_vol *vol = akira_storage_fs();
        if (!vol) return AKIRA_ENODEV;
        int rc = akira_fs_app_view(vol, st->app->name, AKIRA_APP_FS_QUOTA, &st->view);
        if (rc != 0) return rc;
        st->have_view = true;
    }
    *out = &st->view;
    return 0;
}

/* An app path (len bytes at app address ptr) checked and copied NUL-terminated into
 * out[AKIRA_APP_PATH_MAX + 1]. */
static int app_path(struct akira_app_ctx *app, uint32_t ptr, uint32_t len, char *out)
{
    const char *p = akira_bridge_mem(app, ptr, len);
    if (!p) return AKIRA_EFAULT;
    if (len == 0 || p[0] == '/') return AKIRA_EINVAL;
    if (len > AKIRA_APP_PATH_MAX) return AKIRA_ENAMETOOLONG;
    size_t seg = 0;
    for (uint32_t i = 0; i <= len; i++) {
        if (i == len || p[i] == '/') {
            const char *s = p + i - seg;
            if (seg == 0) return AKIRA_EINVAL; /* "a//b" or a trailing '/' */
            if ((seg == 1 && s[0] == '.') || (seg == 2 && s[0] == '.' && s[1] == '.'))
                return AKIRA_EINVAL;
            if (seg > AKIRA_FS_NAME_MAX) return AKIRA_ENAMETOOLONG;
            seg = 0;
            continue;
        }
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c >= 0x7F || c == '\\') return AKIRA_EINVAL;
        seg++;
    }
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

/* The settings key app/<name>/<key> for an app key (len bytes at ptr). */
static int app_key(struct akira_app_ctx *app, uint32_t ptr, uint32_t len, char *out)
{
    const char *k = akira_bridge_mem(app, ptr, len);
    if (!k) return AKIRA_EFAULT;
    if (len == 0) return AKIRA_EINVAL;
    int pre = snprintf(out, AKIRA_SETTINGS_KEY_MAX + 1, "app/%s/", app->name);
    if (pre < 0 || (size_t)pre + len > AKIRA_SETTINGS_KEY_MAX) return AKIRA_ENAMETOOLONG;
    if (memchr(k, '\0', len)) return AKIRA_EINVAL;
    memcpy(out + pre, k, len);
    out[pre + len] = '\0';
    /* "." and ".." mean nothing to the store, but refusing them keeps keys readable as
     * paths and leaves no doubt that nothing climbs out of app/<name>/. */
    for (const char *s = out + pre; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) return AKIRA_EINVAL;
        s += n + (e != NULL);
    }
    return akira_settings_key_check(out);
}

#define RETURN(v)                                                                                  \
    do {                                                                                           \
        io[0].i32 = (v);                                                                           \
        return AW_OK;                                                                              \
    } while (0)

static aw_status api_fs_open(struct akira_app_ctx *app, aw_val *io)
{
    char path[AKIRA_APP_PATH_MAX + 1];
    uint32_t flags = io[2].u32;
    int rc = app_path(app, io[0].u32, io[1].u32, path);
    if (rc != 0) RETURN(rc);
    struct app_files *st = state_of(app, true, &rc);
    if (!st) RETURN(rc);
    uint32_t fd = 0;
    for (uint32_t i = 0; i < AKIRA_APP_FILES_MAX && !fd; i++)
        if (!st->files[i].obj) fd = i + 1;
    if (!fd) RETURN(AKIRA_ENOSPC);
    const struct akira_fs *view;
    akira_storage_lock();
    rc = view_of(st, &view);
    if (rc == 0) rc = akira_fs_open(view, path, flags, &st->files[fd - 1]);
    akira_storage_unlock();
    if (rc != 0) st->files[fd - 1].obj = NULL;
    RETURN(rc == 0 ? (int32_t)fd : rc);
}

/* The open file behind fd, or NULL. */
static struct akira_fs_file *file_of(struct akira_app_ctx *app, int32_t fd)
{
    int rc;
    struct app_files *st = state_of(app, false, &rc);
    if (!st || fd < 1 || fd > (int32_t)AKIRA_APP_FILES_MAX || !st->files[fd - 1].obj) return NULL;
    return &st->files[fd - 1];
}

static aw_status api_fs_read(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[2].u32;
    void *buf = akira_bridge_mem(app, io[1].u32, len);
    if (!buf) RETURN(AKIRA_EFAULT);
    struct akira_fs_file *f = file_of(app, io[0].i32);
    if (!f) RETURN(AKIRA_ENOENT);
    if (len > INT32_MAX) len = INT32_MAX;
    akira_storage_lock();
    int rc = akira_fs_read(f, buf, len);
    akira_storage_unlock();
    RETURN(rc);
}

static aw_status api_fs_write(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[2].u32;
    const void *buf = akira_bridge_mem(app, io[1].u32, len);
    if (!buf) RETURN(AKIRA_EFAULT);
    struct akira_fs_file *f = file_of(app, io[0].i32);
    if (!f) RETURN(AKIRA_ENOENT);
    if (len > INT32_MAX) len = INT32_MAX;
    akira_storage_lock();
    int rc = akira_fs_write(f, buf, len);
    akira_storage_unlock();
    RETURN(rc);
}

static aw_status api_fs_seek(struct akira_app_ctx *app, aw_val *io)
{
    int32_t off = io[1].i32, whence = io[2].i32;
    if (whence < AKIRA_FS_SEEK_SET || whence > AKIRA_FS_SEEK_END) RETURN(AKIRA_EINVAL);
    struct akira_fs_file *f = file_of(app, io[0].i32);
    if (!f) RETURN(AKIRA_ENOENT);
    akira_storage_lock();
    int rc = akira_fs_seek(f, off, (enum akira_fs_whence)whence);
    akira_storage_unlock();
    RETURN(rc);
}

static aw_status api_fs_close(struct akira_app_ctx *app, aw_val *io)
{
    struct akira_fs_file *f = file_of(app, io[0].i32);
    if (!f) RETURN(AKIRA_ENOENT);
    akira_storage_lock();
    int rc = akira_fs_close(f);
    akira_storage_unlock();
    f->obj = NULL; /* released even when the sync failed (akira/fs.h) */
    RETURN(rc);
}

/* fs_unlink / fs_mkdir: one path, one call. */
static aw_status path_op(struct akira_app_ctx *app, aw_val *io,
                         int (*op)(const struct akira_fs *, const char *))
{
    char path[AKIRA_APP_PATH_MAX + 1];
    int rc = app_path(app, io[0].u32, io[1].u32, path);
    if (rc != 0) RETURN(rc);
    struct app_files *st = state_of(app, true, &rc);
    if (!st) RETURN(rc);
    const struct akira_fs *view;
    akira_storage_lock();
    rc = view_of(st, &view);
    if (rc == 0) rc = op(view, path);
    akira_storage_unlock();
    RETURN(rc);
}

static aw_status api_fs_unlink(struct akira_app_ctx *app, aw_val *io)
{
    return path_op(app, io, akira_fs_unlink);
}

static aw_status api_fs_mkdir(struct akira_app_ctx *app, aw_val *io)
{
    return path_op(app, io, akira_fs_mkdir);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static aw_status api_fs_stat(struct akira_app_ctx *app, aw_val *io)
{
    char path[AKIRA_APP_PATH_MAX + 1];
    uint8_t *out = akira_bridge_mem(app, io[2].u32, 8);
    if (!out) RETURN(AKIRA_EFAULT);
    int rc = app_path(app, io[0].u32, io[1].u32, path);
    if (rc != 0) RETURN(rc);
    struct app_files *st = state_of(app, true, &rc);
    if (!st) RETURN(rc);
    const struct akira_fs *view;
    struct akira_fs_stat fst;
    akira_storage_lock();
    rc = view_of(st, &view);
    if (rc == 0) rc = akira_fs_stat(view, path, &fst);
    akira_storage_unlock();
    if (rc != 0) RETURN(rc);
    put_u32(out, (uint32_t)fst.type);
    put_u32(out + 4, fst.size);
    RETURN(0);
}

static aw_status api_fs_list(struct akira_app_ctx *app, aw_val *io)
{
    char path[AKIRA_APP_PATH_MAX + 1] = "/"; /* "/" is the view's root: the app's dir */
    uint32_t dlen = io[1].u32, cap = io[4].u32;
    int32_t index = io[2].i32;
    char *name = akira_bridge_mem(app, io[3].u32, cap);
    if (!name) RETURN(AKIRA_EFAULT);
    if (index < 0) RETURN(AKIRA_EINVAL);
    int rc = dlen ? app_path(app, io[0].u32, dlen, path) : 0;
    if (rc != 0) RETURN(rc);
    struct app_files *st = state_of(app, true, &rc);
    if (!st) RETURN(rc);
    const struct akira_fs *view;
    struct akira_fs_dir d;
    struct akira_fs_stat fst;
    akira_storage_lock();
    rc = view_of(st, &view);
    if (rc == 0) rc = akira_fs_opendir(view, path, &d);
    for (int32_t i = 0; rc == 0 && i <= index; i++) {
        rc = akira_fs_readdir(&d, &fst);
        rc = rc == 1 ? (i == index ? 1 : 0) : (rc == 0 ? 2 : rc);
    }
    akira_storage_unlock();
    if (rc < 0) RETURN(rc);
    if (rc == 2) RETURN(0); /* past the last entry */
    size_t n = strlen(fst.name);
    if (n + 1 > cap) RETURN(AKIRA_ERANGE);
    memcpy(name, fst.name, n + 1);
    RETURN((int32_t)n);
}

static aw_status api_fs_usage(struct akira_app_ctx *app, aw_val *io)
{
    int rc;
    struct app_files *st = state_of(app, true, &rc);
    if (!st) RETURN(rc);
    const struct akira_fs *view;
    akira_storage_lock();
    rc = view_of(st, &view);
    uint32_t used = rc == 0 ? akira_fs_usage(view) : 0;
    akira_storage_unlock();
    RETURN(rc == 0 ? (int32_t)used : rc);
}

static aw_status api_settings_get(struct akira_app_ctx *app, aw_val *io)
{
    char key[AKIRA_SETTINGS_KEY_MAX + 1];
    uint32_t cap = io[3].u32;
    void *buf = akira_bridge_mem(app, io[2].u32, cap);
    if (!buf) RETURN(AKIRA_EFAULT);
    int rc = app_key(app, io[0].u32, io[1].u32, key);
    if (rc != 0) RETURN(rc);
    akira_storage_lock();
    struct akira_settings *s = akira_storage_settings();
    rc = s ? akira_settings_get(s, key, buf, cap) : AKIRA_ENODEV;
    akira_storage_unlock();
    RETURN(rc);
}

static int count_key(void *ctx, const char *key, const void *val, size_t len)
{
    (void)key, (void)val, (void)len;
    (*(uint32_t *)ctx)++;
    return 0;
}

static aw_status api_settings_set(struct akira_app_ctx *app, aw_val *io)
{
    char key[AKIRA_SETTINGS_KEY_MAX + 1];
    uint32_t vlen = io[3].u32;
    const void *val = akira_bridge_mem(app, io[2].u32, vlen);
    if (!val) RETURN(AKIRA_EFAULT);
    int rc = app_key(app, io[0].u32, io[1].u32, key);
    if (rc != 0) RETURN(rc);
    if (vlen > AKIRA_APP_SETTINGS_VALUE_MAX) RETURN(AKIRA_ETOOBIG);
    akira_storage_lock();
    struct akira_settings *s = akira_storage_settings();
    char probe;
    rc = s ? akira_settings_get(s, key, &probe, 0) : AKIRA_ENODEV;
    if (rc == AKIRA_ENOENT) {
        /* A new key: only while the app holds fewer than its share. */
        char prefix[KEY_PREFIX_MAX + 1];
        snprintf(prefix, sizeof(prefix), "app/%s/", app->name);
        uint32_t n = 0;
        rc = akira_settings_foreach(s, prefix, count_key, &n);
        if (rc == 0 && n >= AKIRA_APP_SETTINGS_KEYS_MAX) rc = AKIRA_EQUOTA;
    } else if (rc == AKIRA_ERANGE) {
        rc = 0; /* exists, with a value */
    }
    if (rc >= 0) rc = akira_settings_set(s, key, val, vlen);
    akira_storage_unlock();
    RETURN(rc);
}

static aw_status api_settings_delete(struct akira_app_ctx *app, aw_val *io)
{
    char key[AKIRA_SETTINGS_KEY_MAX + 1];
    int rc = app_key(app, io[0].u32, io[1].u32, key);
    if (rc != 0) RETURN(rc);
    akira_storage_lock();
    struct akira_settings *s = akira_storage_settings();
    rc = s ? akira_settings_delete(s, key) : AKIRA_ENODEV;
    akira_storage_unlock();
    RETURN(rc);
}

/* Close what the instance left open (each close syncs: its data is durable) and free
 * its state. */
static void storage_app_end(struct akira_app_ctx *app)
{
    akira_mutex_t *m = atomic_load(&table_lock_);
    if (!m) return;
    struct app_files *st = NULL;
    akira_mutex_lock(m, AKIRA_FOREVER);
    for (size_t i = 0; i < STATES_MAX && !st; i++) {
        if (states[i] && states[i]->app == app) {
            st = states[i];
            states[i] = NULL;
        }
    }
    akira_mutex_unlock(m);
    if (!st) return;
    akira_storage_lock();
    for (uint32_t i = 0; i < AKIRA_APP_FILES_MAX; i++)
        if (st->files[i].obj) akira_fs_close(&st->files[i]);
    akira_storage_unlock();
    akira_quota_realloc(app->quota, st, sizeof(*st), 0);
}

/* Remove one entry below the view's root, descending into the first directory that
 * is not empty: 1 when something was removed, 0 when the root is empty, or an error.
 * path has AKIRA_FS_PATH_MAX + 1 bytes. Storage lock held. */
static int remove_one(const struct akira_fs *view, char *path)
{
    size_t len = 0;
    for (;;) {
        struct akira_fs_dir d;
        struct akira_fs_stat st;
        int rc = akira_fs_opendir(view, len ? path : "/", &d);
        if (rc == 0) rc = akira_fs_readdir(&d, &st);
        if (rc <= 0) return rc;
        size_t n = strlen(st.name);
        if (len + 1 + n > AKIRA_FS_PATH_MAX) return AKIRA_ENAMETOOLONG;
        if (len) path[len++] = '/';
        memcpy(path + len, st.name, n + 1);
        len += n;
        rc = akira_fs_unlink(view, path);
        if (rc == 0) return 1;
        if (st.type != AKIRA_FS_TYPE_DIR) return rc;
        /* A directory that is not empty: go down and clear it first. */
    }
}

struct key_batch {
    char keys[8][AKIRA_SETTINGS_KEY_MAX + 1];
    uint32_t n;
};

static int collect_key(void *ctx, const char *key, const void *val, size_t len)
{
    (void)val, (void)len;
    struct key_batch *b = ctx;
    if (b->n == 8) return 1;
    strncpy(b->keys[b->n], key, AKIRA_SETTINGS_KEY_MAX);
    b->keys[b->n][AKIRA_SETTINGS_KEY_MAX] = '\0';
    b->n++;
    return 0;
}

int akira_app_storage_remove(const char *name)
{
    struct akira_manifest_error e;
    char text[32 + AKIRA_APP_NAME_MAX];
    struct akira_manifest m;
    /* The manifest's rule for names is the one rule: no '/', no "..", bounded. */
    if (!name ||
        snprintf(text, sizeof(text), "name: %s\nversion: 1\n", name) >= (int)sizeof(text) ||
        akira_manifest_parse(text, strlen(text), &m, &e) != 0 || strcmp(m.name, name) != 0)
        return AKIRA_EINVAL;
    akira_storage_lock();
    struct akira_fs_vol *vol = akira_storage_fs();
    struct akira_settings *s = akira_storage_settings();
    int rc = vol && s ? 0 : AKIRA_ENODEV;
    struct akira_fs root;
    if (rc == 0) {
        akira_fs_root_view(vol, &root);
        char dir[8 + AKIRA_APP_NAME_MAX];
        snprintf(dir, sizeof(dir), "apps/%s", name);
        struct akira_fs_stat st;
        if (akira_fs_stat(&root, dir, &st) == 0) {
            struct akira_fs view = root;
            rc = akira_fs_app_view(vol, name, 0, &view);
            char path[AKIRA_FS_PATH_MAX + 1];
            while (rc == 0 && (rc = remove_one(&view, path)) == 1)
                rc = 0;
            if (rc == 0) rc = akira_fs_unlink(&root, dir);
        }
    }
    char prefix[KEY_PREFIX_MAX + 1];
    snprintf(prefix, sizeof(prefix), "app/%s/", name);
    while (rc == 0) {
        struct key_batch b;
        b.n = 0;
        rc = akira_settings_foreach(s, prefix, collect_key, &b);
        if (rc < 0) break;
        rc = 0;
        if (b.n == 0) break;
        for (uint32_t i = 0; i < b.n && rc == 0; i++) {
            rc = akira_settings_delete(s, b.keys[i]);
            if (rc == AKIRA_ENOENT) rc = 0;
        }
    }
    akira_storage_unlock();
    return rc;
}

static const struct akira_bridge_entry entries[] = {
    {"fs_open", "(iii)i", AKIRA_CAP_STORAGE, api_fs_open},
    {"fs_read", "(iii)i", AKIRA_CAP_STORAGE, api_fs_read},
    {"fs_write", "(iii)i", AKIRA_CAP_STORAGE, api_fs_write},
    {"fs_seek", "(iii)i", AKIRA_CAP_STORAGE, api_fs_seek},
    {"fs_close", "(i)i", AKIRA_CAP_STORAGE, api_fs_close},
    {"fs_unlink", "(ii)i", AKIRA_CAP_STORAGE, api_fs_unlink},
    {"fs_mkdir", "(ii)i", AKIRA_CAP_STORAGE, api_fs_mkdir},
    {"fs_stat", "(iii)i", AKIRA_CAP_STORAGE, api_fs_stat},
    {"fs_list", "(iiiii)i", AKIRA_CAP_STORAGE, api_fs_list},
    {"fs_usage", "()i", AKIRA_CAP_STORAGE, api_fs_usage},
    {"settings_get", "(iiii)i", AKIRA_CAP_STORAGE, api_settings_get},
    {"settings_set", "(iiii)i", AKIRA_CAP_STORAGE, api_settings_set},
    {"settings_delete", "(ii)i", AKIRA_CAP_STORAGE, api_settings_delete},
};

const struct akira_bridge_module akira_api_storage = {
    .name = "storage",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = storage_app_end,
    .import_module = NULL, /* "akira" */
};

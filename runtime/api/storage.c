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
 *                                                    | ENOTEMPTY
 *   fs_mkdir(path i32, plen i32) -> i32              0 | EEXIST | EQUOTA
 *   fs_stat(path i32, plen i32, st i32) -> i32       0, st = {u32 type (1 file, 2 dir),
 *                                                    u32 size}
 *   fs_list(dir i32, dlen i32, index i32, name i32, cap i32) -> i32
 *        length of entry `index`'s name, written NUL-terminated | 0 past the last
 *        | ERANGE (cap too small); dlen 0 lists the app's own directory
 *   fs_usage() -> i32                                flash bytes the app's files are
 *                                                    charged (what its quota counts)
 *   settings_get(key i32, klen i32, buf i32, cap i32) -> i32   value length | ENOENT
 *        | ERANGE
 *   settings_set(key i32, klen i32, val i32, vlen i32) -> i32  0 | ETOOBIG | EQUOTA
 *   settings_delete(key i32, klen i32) -> i32                  0 | ENOENT
 *
 * Limits (docs/storage.md, "Apps on a shared flash"): files and directories
 * (manifest `storage_files`) and their flash cost (AKIRA_BOARD_APP_FS_QUOTA), settings
 * keys (`settings_keys`) and their records' bytes (AKIRA_BOARD_APP_SETTINGS_BYTES):
 * EQUOTA past them. The write budget (`flash_write_rate` / `flash_write_burst`, a token
 * bucket per app name in wear-weighted bytes, akira_storage_wear()): every call that
 * may program the flash is charged what it made the device program; once the bucket
 * is empty, open for writing, write, unlink, mkdir and settings set/delete return
 * EAGAIN until it refills (close never is refused: it releases the handle), and the
 * app's log says why, at most once every 5 s. A write is cut to what the bucket holds
 * (at least one block), so a call runs into debt by at most about one block.
 *
 * fds are per app; an fd from one app means nothing to another. Every range is
 * checked against app memory before the file system or the settings store is called;
 * host pointers into app memory stay valid for the call because only the app's own
 * thread can grow its memory.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_storage.h>
#include <akira/app_table.h>
#include <akira/board_config.h>
#include <akira/bridge.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/manifest.h>
#include <akira/mutex.h>
#include <akira/storage.h>

#define KEY_PREFIX_MAX (4 + AKIRA_APP_NAME_MAX + 1) /* "app/" name "/" */
#define STATES_MAX     16u
#define WEAR_MAX       (AKIRA_BOARD_APPS_INSTALLED_MAX + AKIRA_BOARD_APPS_RUNNING_MAX)
#define NOTE_EVERY_MS  5000u

/* Every installed app at its limits leaves the system room: file-system entries (ids
 * 0 and 1 are the superblock and the root, one is /apps), blocks, settings bytes. */
_Static_assert(AKIRA_BOARD_APPS_INSTALLED_MAX *(AKIRA_BOARD_APP_FILES_MAX + 1) + 1 + 40 <=
                   AKIRA_FS_INODES_MAX - 2,
               "apps at their file limits leave the system fewer than 40 entries");
_Static_assert((uint64_t)AKIRA_BOARD_APPS_INSTALLED_MAX *AKIRA_BOARD_APP_FS_QUOTA <=
                   (uint64_t)AKIRA_BOARD_PART_FS_SIZE * 3 / 4,
               "apps at their quota take more than 3/4 of the file system");
_Static_assert(AKIRA_BOARD_APPS_INSTALLED_MAX *AKIRA_BOARD_APP_SETTINGS_BYTES <=
                   AKIRA_BOARD_PART_SETTINGS_SIZE / 4,
               "apps at their settings share take more than 1/4 of the settings partition");
_Static_assert(AKIRA_BOARD_APP_SETTINGS_KEYS_MAX *(8u + AKIRA_SETTINGS_KEY_MAX +
                                                   AKIRA_APP_SETTINGS_VALUE_MAX) >=
                   AKIRA_BOARD_APP_SETTINGS_BYTES,
               "the settings byte share is below what the key limit allows anyway");

/* The write budget of one app name, kept from its first storage call to the next
 * boot (so a restart does not refill it). */
struct app_wear {
    char name[AKIRA_APP_NAME_MAX + 1]; /* "": free */
    bool fresh;                        /* not refilled yet: starts full */
    int64_t tokens;                    /* wear-weighted bytes; below 0: in debt */
    uint64_t refill_us;                /* tokens are as of this uptime */
    uint64_t wear;                     /* charged since boot */
    uint64_t denied;                   /* calls refused since boot */
    uint64_t note_ms;                  /* last note in the app's log */
    uint32_t unnoted;                  /* refused since that note */
    uint64_t used_ms;                  /* last use: the slot reused first is the oldest */
};
static struct app_wear wear_table[WEAR_MAX];

/* What the module holds for one running instance; allocated from its quota on first
 * use. Touched only on that app's thread, except the table slot (table lock). */
struct app_files {
    struct akira_app_ctx *app;
    bool have_view;
    struct akira_fs view;
    struct akira_fs_file files[AKIRA_APP_FILES_MAX]; /* obj == NULL: free */
};

static _Atomic(akira_mutex_t *) table_lock_;
AKIRA_APP_TABLE_STATE(struct app_files);
static void *states[STATES_MAX]; /* struct app_files (akira/app_table.h) */

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
 * (*rc = AKIRA_ENOENT / AKIRA_EQUOTA / AKIRA_ENOSPC / AKIRA_ENOMEM). */
static struct app_files *state_of(struct akira_app_ctx *app, bool create, int *rc)
{
    akira_mutex_t *m = table_lock();
    if (!m) {
        *rc = AKIRA_ENOMEM;
        return NULL;
    }
    akira_mutex_lock(m, AKIRA_FOREVER);
    struct app_files *found =
        akira_app_table_get(states, STATES_MAX, app, sizeof(*found), create, rc);
    akira_mutex_unlock(m);
    return found;
}

/* The app's view of the file system, under the storage lock (held by the caller). */
static int view_of(struct app_files *st, const struct akira_fs **out)
{
    if (!st->have_view) {
        struct akira_fs_vol *vol = akira_storage_fs();
        if (!vol) return AKIRA_ENODEV;
        struct akira_app_storage_limits l;
        akira_app_storage_limits(st->app->manifest, &l);
        int rc = akira_fs_app_view(vol, st->app->name, l.fs_quota, (uint16_t)l.files, &st->view);
        if (rc != 0) return rc;
        st->have_view = true;
    }
    *out = &st->view;
    return 0;
}

void akira_app_storage_limits(const struct akira_manifest *m, struct akira_app_storage_limits *out)
{
    out->files = m && m->storage_files ? m->storage_files : AKIRA_BOARD_APP_FILES_DEFAULT;
    out->fs_quota = AKIRA_BOARD_APP_FS_QUOTA;
    out->keys = m && m->settings_keys ? m->settings_keys : AKIRA_BOARD_APP_SETTINGS_KEYS_DEFAULT;
    out->settings_bytes = AKIRA_BOARD_APP_SETTINGS_BYTES;
    out->rate = m && m->flash_write_rate ? m->flash_write_rate : AKIRA_BOARD_APP_FLASH_RATE_DEFAULT;
    out->burst =
        m && m->flash_write_burst ? m->flash_write_burst : AKIRA_BOARD_APP_FLASH_BURST_DEFAULT;
}

/* The wear entry of name (table lock held); made when create is set, in a free slot
 * or else the one used longest ago. */
static struct app_wear *wear_of(const char *name, bool create)
{
    struct app_wear *free_w = NULL, *oldest = &wear_table[0];
    for (size_t i = 0; i < WEAR_MAX; i++) {
        struct app_wear *w = &wear_table[i];
        if (w->name[0] && strcmp(w->name, name) == 0) return w;
        if (!w->name[0] && !free_w) free_w = w;
        if (w->used_ms < oldest->used_ms) oldest = w;
    }
    if (!create) return NULL;
    struct app_wear *w = free_w ? free_w : oldest;
    memset(w, 0, sizeof(*w));
    snprintf(w->name, sizeof(w->name), "%s", name);
    w->fresh = true;
    return w;
}

/* Bring the bucket up to now: rate bytes per second, at most burst. */
static void wear_refill(struct app_wear *w, const struct akira_app_storage_limits *l)
{
    uint64_t now = akira_uptime_us();
    if (w->fresh) {
        w->fresh = false;
        w->tokens += l->burst; /* charges made before the first check stay */
        w->refill_us = now;
    }
    uint64_t add = (now - w->refill_us) * l->rate / 1000000u;
    if (add > 0) {
        w->tokens += (int64_t)add;
        w->refill_us += add * 1000000u / l->rate;
    }
    if (w->tokens >= (int64_t)l->burst) {
        w->tokens = l->burst;
        w->refill_us = now;
    }
    w->used_ms = now / 1000u;
}

/* What the app may spend now (> 0), or AKIRA_EAGAIN when its budget is spent: then
 * the refusal is counted and, at most every NOTE_EVERY_MS, the app's log (and the
 * system log) says why. */
int64_t akira_app_storage_budget_check(struct akira_app_ctx *app, const char *call)
{
    struct akira_app_storage_limits l;
    akira_app_storage_limits(app->manifest, &l);
    akira_mutex_t *m = table_lock();
    if (!m) return AKIRA_ENOMEM;
    akira_mutex_lock(m, AKIRA_FOREVER);
    struct app_wear *w = wear_of(app->name, true);
    wear_refill(w, &l);
    int64_t avail = w->tokens;
    uint32_t refused = 0;
    if (avail <= 0) {
        w->denied++;
        w->unnoted++;
        uint64_t now = akira_uptime_ms();
        if (w->note_ms == 0 || now - w->note_ms >= NOTE_EVERY_MS) {
            w->note_ms = now ? now : 1;
            refused = w->unnoted;
            w->unnoted = 0;
        }
    }
    akira_mutex_unlock(m);
    if (avail > 0) return avail;
    if (refused)
        akira_bridge_log(app, AKIRA_LOG_WARN,
                         "storage: %s refused (EAGAIN): flash write budget spent (%" PRIu32
                         " B/s, burst %" PRIu32 " B; flash_write_rate in the manifest); %" PRIu32
                         " refused since the last note",
                         call, l.rate, l.burst, refused);
    return AKIRA_EAGAIN;
}

/* Charge what an operation made the device program (akira_storage_wear() after minus
 * before, taken under the storage lock). */
void akira_app_storage_budget_charge(const char *name, uint64_t cost)
{
    akira_mutex_t *m = table_lock();
    if (!m || cost == 0) return;
    akira_mutex_lock(m, AKIRA_FOREVER);
    struct app_wear *w = wear_of(name, true);
    w->tokens -= (int64_t)cost;
    w->wear += cost;
    akira_mutex_unlock(m);
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
    if (flags & (AKIRA_FS_O_WRITE | AKIRA_FS_O_CREATE | AKIRA_FS_O_TRUNC)) {
        int64_t avail = akira_app_storage_budget_check(app, "fs_open");
        if (avail < 0) RETURN((int32_t)avail);
    }
    const struct akira_fs *view;
    akira_storage_lock();
    uint64_t w0 = akira_storage_wear();
    rc = view_of(st, &view);
    if (rc == 0) rc = akira_fs_open(view, path, flags, &st->files[fd - 1]);
    uint64_t cost = akira_storage_wear() - w0;
    akira_storage_unlock();
    akira_app_storage_budget_charge(app->name, cost);
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
    int64_t avail = akira_app_storage_budget_check(app, "fs_write");
    if (avail < 0) RETURN((int32_t)avail);
    /* No more than the budget holds (a short write, as on a full volume); at least a
     * block, so a small budget still moves. */
    if ((uint64_t)avail < len)
        len =
            avail < AKIRA_BOARD_FLASH_SECTOR_SIZE ? AKIRA_BOARD_FLASH_SECTOR_SIZE : (uint32_t)avail;
    if (len > io[2].u32) len = io[2].u32;
    akira_storage_lock();
    uint64_t w0 = akira_storage_wear();
    int rc = akira_fs_write(f, buf, len);
    uint64_t cost = akira_storage_wear() - w0;
    akira_storage_unlock();
    akira_app_storage_budget_charge(app->name, cost);
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
    /* Never refused by the budget: the handle must be released; the commit's wear is
     * charged (the bucket may go into debt by one commit). */
    akira_storage_lock();
    uint64_t w0 = akira_storage_wear();
    int rc = akira_fs_close(f);
    uint64_t cost = akira_storage_wear() - w0;
    akira_storage_unlock();
    akira_app_storage_budget_charge(app->name, cost);
    f->obj = NULL; /* released even when the sync failed (akira/fs.h) */
    RETURN(rc);
}

/* fs_unlink / fs_mkdir: one path, one call. */
static aw_status path_op(struct akira_app_ctx *app, aw_val *io, const char *call,
                         int (*op)(const struct akira_fs *, const char *))
{
    char path[AKIRA_APP_PATH_MAX + 1];
    int rc = app_path(app, io[0].u32, io[1].u32, path);
    if (rc != 0) RETURN(rc);
    struct app_files *st = state_of(app, true, &rc);
    if (!st) RETURN(rc);
    int64_t avail = akira_app_storage_budget_check(app, call);
    if (avail < 0) RETURN((int32_t)avail);
    const struct akira_fs *view;
    akira_storage_lock();
    uint64_t w0 = akira_storage_wear();
    rc = view_of(st, &view);
    if (rc == 0) rc = op(view, path);
    uint64_t cost = akira_storage_wear() - w0;
    akira_storage_unlock();
    akira_app_storage_budget_charge(app->name, cost);
    RETURN(rc);
}

static aw_status api_fs_unlink(struct akira_app_ctx *app, aw_val *io)
{
    return path_op(app, io, "fs_unlink", akira_fs_unlink);
}

static aw_status api_fs_mkdir(struct akira_app_ctx *app, aw_val *io)
{
    return path_op(app, io, "fs_mkdir", akira_fs_mkdir);
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

/* An app's settings keys, the flash bytes their records take, and the value length of
 * one key (-1: absent). */
struct settings_share {
    const struct akira_settings *s;
    const char *key;
    uint32_t keys, bytes;
    int old_len;
};

static int share_visit(void *ctx, const char *key, const void *val, size_t len)
{
    (void)val;
    struct settings_share *sh = ctx;
    sh->keys++;
    sh->bytes += akira_settings_record_cost(sh->s, strlen(key), len);
    if (strcmp(key, sh->key) == 0) sh->old_len = (int)len;
    return 0;
}

/* Storage lock held. */
static int settings_share_of(struct akira_settings *s, const char *app, const char *key,
                             struct settings_share *out)
{
    char prefix[KEY_PREFIX_MAX + 1];
    snprintf(prefix, sizeof(prefix), "app/%s/", app);
    *out = (struct settings_share){s, key, 0, 0, -1};
    return akira_settings_foreach(s, prefix, share_visit, out);
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
    int64_t avail = akira_app_storage_budget_check(app, "settings_set");
    if (avail < 0) RETURN((int32_t)avail);
    struct akira_app_storage_limits l;
    akira_app_storage_limits(app->manifest, &l);
    akira_storage_lock();
    uint64_t w0 = akira_storage_wear();
    struct akira_settings *s = akira_storage_settings();
    struct settings_share sh;
    rc = s ? settings_share_of(s, app->name, key, &sh) : AKIRA_ENODEV;
    if (rc == 0) {
        /* The share counts keys and what their records really take on the flash; a
         * new value replaces the old record's cost. */
        size_t klen = strlen(key);
        uint64_t old =
            sh.old_len >= 0 ? akira_settings_record_cost(s, klen, (size_t)sh.old_len) : 0;
        uint64_t after = (uint64_t)sh.bytes + akira_settings_record_cost(s, klen, vlen) - old;
        if ((sh.old_len < 0 && sh.keys >= l.keys) || after > l.settings_bytes) rc = AKIRA_EQUOTA;
    }
    if (rc == 0) rc = akira_settings_set(s, key, val, vlen);
    uint64_t cost = akira_storage_wear() - w0;
    akira_storage_unlock();
    akira_app_storage_budget_charge(app->name, cost);
    RETURN(rc);
}

static aw_status api_settings_delete(struct akira_app_ctx *app, aw_val *io)
{
    char key[AKIRA_SETTINGS_KEY_MAX + 1];
    int rc = app_key(app, io[0].u32, io[1].u32, key);
    if (rc != 0) RETURN(rc);
    int64_t avail = akira_app_storage_budget_check(app, "settings_delete");
    if (avail < 0) RETURN((int32_t)avail);
    akira_storage_lock();
    uint64_t w0 = akira_storage_wear();
    struct akira_settings *s = akira_storage_settings();
    rc = s ? akira_settings_delete(s, key) : AKIRA_ENODEV;
    uint64_t cost = akira_storage_wear() - w0;
    akira_storage_unlock();
    akira_app_storage_budget_charge(app->name, cost);
    RETURN(rc);
}

/* Close what the instance left open (each close syncs: its data is durable) and free
 * its state. */
static void storage_app_end(struct akira_app_ctx *app)
{
    akira_mutex_t *m = atomic_load(&table_lock_);
    if (!m) return;
    akira_mutex_lock(m, AKIRA_FOREVER);
    struct app_files *st = akira_app_table_take(states, STATES_MAX, app);
    akira_mutex_unlock(m);
    if (!st) return;
    akira_storage_lock();
    uint64_t w0 = akira_storage_wear();
    for (uint32_t i = 0; i < AKIRA_APP_FILES_MAX; i++)
        if (st->files[i].obj) akira_fs_close(&st->files[i]);
    uint64_t cost = akira_storage_wear() - w0;
    akira_storage_unlock();
    akira_app_storage_budget_charge(app->name, cost);
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

/* The manifest's rule for names is the one rule: no '/', no "..", bounded. */
static bool app_name_ok(const char *name)
{
    struct akira_manifest_error e;
    char text[32 + AKIRA_APP_NAME_MAX];
    struct akira_manifest m;
    return name &&
           snprintf(text, sizeof(text), "name: %s\nversion: 1\n", name) < (int)sizeof(text) &&
           akira_manifest_parse(text, strlen(text), &m, &e) == 0 && strcmp(m.name, name) == 0;
}

int akira_app_storage_remove(const char *name)
{
    if (!app_name_ok(name)) return AKIRA_EINVAL;
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
            rc = akira_fs_app_view(vol, name, 0, 0, &view);
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

int akira_app_storage_stats(const char *name, const struct akira_manifest *m,
                            struct akira_app_storage_stats *out)
{
    if (!out || !app_name_ok(name)) return AKIRA_EINVAL;
    memset(out, 0, sizeof(*out));
    akira_app_storage_limits(m, &out->limits);
    akira_storage_lock();
    struct akira_fs_vol *vol = akira_storage_fs();
    struct akira_settings *s = akira_storage_settings();
    if (vol) {
        struct akira_fs root, view;
        struct akira_fs_stat st;
        struct akira_fs_usage u;
        char dir[8 + AKIRA_APP_NAME_MAX];
        snprintf(dir, sizeof(dir), "apps/%s", name);
        akira_fs_root_view(vol, &root);
        /* Only an existing directory: a view would make it. */
        if (akira_fs_stat(&root, dir, &st) == 0 && st.type == AKIRA_FS_TYPE_DIR &&
            akira_fs_app_view(vol, name, 0, 0, &view) == 0 && akira_fs_usage_get(&view, &u) == 0) {
            out->files = u.inodes;
            out->fs_bytes = u.bytes;
            out->fs_charged = u.charged;
        }
    }
    struct settings_share sh;
    if (s && settings_share_of(s, name, "", &sh) == 0) {
        out->keys = sh.keys;
        out->settings_bytes = sh.bytes;
    }
    akira_storage_unlock();
    akira_mutex_t *lk = table_lock();
    if (!lk) return 0;
    akira_mutex_lock(lk, AKIRA_FOREVER);
    struct app_wear *w = wear_of(name, false);
    if (w) {
        wear_refill(w, &out->limits);
        out->budget = w->tokens;
        out->wear = w->wear;
        out->denied = w->denied;
    } else {
        out->budget = out->limits.burst;
    }
    akira_mutex_unlock(lk);
    return 0;
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

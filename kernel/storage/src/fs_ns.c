/*
 * File system name space: path resolution inside a view, directories, create, remove,
 * rename, stat, and per-app views with their quota.
 */
#include "fs_priv.h"

#include <akira/err.h>

#include <string.h>

int fs_resolve(const struct akira_fs *fs, const char *path, uint16_t *parent, const char **name,
               size_t *name_len, uint16_t *id);
int fs_create(const struct akira_fs *fs, uint16_t parent, const char *name, size_t len,
              uint8_t type, uint16_t *id);

static bool view_ok(const struct akira_fs *fs)
{
    return fs && fs->vol && fs->vol->mounted && fs->root < AKIRA_FS_INODES_MAX &&
           fs->vol->ino[fs->root].loc && fs->vol->ino[fs->root].type == AKIRA_FS_TYPE_DIR;
}

/* One path component: 1..AKIRA_FS_NAME_MAX printable bytes, not "." or "..". */
static int name_check(const char *s, size_t len)
{
    if (len == 0) return AKIRA_EINVAL;
    if (len > AKIRA_FS_NAME_MAX) return AKIRA_ENAMETOOLONG;
    if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.')) return AKIRA_EINVAL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F || s[i] == '/') return AKIRA_EINVAL;
    return AKIRA_OK;
}

int fs_lookup(struct akira_fs_vol *v, uint16_t dir, const char *name, size_t len, uint16_t *id)
{
    uint8_t h = fs_name_hash(name, len);
    for (uint16_t i = FS_ROOT_ID + 1; i < AKIRA_FS_INODES_MAX; i++) {
        const struct akira_fs_inode_ *in = &v->ino[i];
        if (!in->loc || in->parent != dir || in->hash != h) continue;
        struct fs_meta m;
        int err = fs_meta_read(v, i, &m);
        if (err) return err;
        if (m.name_len == len && memcmp(m.name, name, len) == 0) {
            *id = i;
            return AKIRA_OK;
        }
    }
    return AKIRA_ENOENT;
}

/*
 * Walk path from the view's root. On success *id is the target. On AKIRA_ENOENT for
 * the last component only, *parent, *name and *name_len say where it would be created
 * (*parent is FS_NONE when a directory on the way is missing).
 */
int fs_resolve(const struct akira_fs *fs, const char *path, uint16_t *parent, const char **name,
               size_t *name_len, uint16_t *id)
{
    *parent = FS_NONE;
    *name = NULL;
    *name_len = 0;
    if (!view_ok(fs) || !path) return AKIRA_EINVAL;
    if (strnlen(path, AKIRA_FS_PATH_MAX + 1) > AKIRA_FS_PATH_MAX) return AKIRA_ENAMETOOLONG;
    /* Every component is checked before any lookup, so a bad path fails the same way
     * whatever exists (a view learns nothing about names it cannot reach). */
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        if (p > s) {
            int err = name_check(s, (size_t)(p - s));
            if (err) return err;
        }
    }
    struct akira_fs_vol *v = fs->vol;
    uint16_t cur = fs->root;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p) break;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - s);
        int err;
        if (v->ino[cur].type != AKIRA_FS_TYPE_DIR) return AKIRA_EINVAL;
        uint16_t child;
        err = fs_lookup(v, cur, s, len, &child);
        if (err == AKIRA_ENOENT) {
            const char *q = p;
            while (*q == '/')
                q++;
            if (!*q) {
                *parent = cur;
                *name = s;
                *name_len = len;
            }
            return AKIRA_ENOENT;
        }
        if (err) return err;
        *parent = cur;
        *name = s;
        *name_len = len;
        cur = child;
    }
    *id = cur;
    return AKIRA_OK;
}

/* AKIRA_EQUOTA when one more entry would pass the view's limits. */
static int create_allowed(const struct akira_fs *fs)
{
    struct akira_fs_usage u;
    if (!fs->quota && !fs->max_inodes) return AKIRA_OK;
    int err = akira_fs_usage_get(fs, &u);
    if (err) return err;
    if (fs->max_inodes && u.inodes >= fs->max_inodes) return AKIRA_EQUOTA;
    if (fs->quota && (uint64_t)u.charged + AKIRA_FS_META_COST > fs->quota) return AKIRA_EQUOTA;
    return AKIRA_OK;
}

int fs_create(const struct akira_fs *fs, uint16_t parent, const char *name, size_t len,
              uint8_t type, uint16_t *id)
{
    struct akira_fs_vol *v = fs->vol;
    int err = name_check(name, len);
    if (err) return err;
    if (v->ino[parent].type != AKIRA_FS_TYPE_DIR) return AKIRA_EINVAL;
    err = create_allowed(fs);
    if (err) return err;
    err = fs_inode_alloc(v, id);
    if (err) return err;
    struct fs_meta m = {.type = type, .name_len = (uint8_t)len, .parent = parent, .index = FS_NONE};
    memcpy(m.name, name, len);
    return fs_meta_write(v, *id, &m);
}

int akira_fs_mkdir(const struct akira_fs *fs, const char *path)
{
    uint16_t parent, id;
    const char *name;
    size_t len;
    int err = fs_resolve(fs, path, &parent, &name, &len, &id);
    if (err == AKIRA_OK) return AKIRA_EEXIST;
    if (err != AKIRA_ENOENT || parent == FS_NONE) return err;
    return fs_create(fs, parent, name, len, AKIRA_FS_TYPE_DIR, &id);
}

static bool dir_empty(const struct akira_fs_vol *v, uint16_t dir)
{
    for (uint16_t i = FS_ROOT_ID + 1; i < AKIRA_FS_INODES_MAX; i++)
        if (v->ino[i].loc && v->ino[i].parent == dir) return false;
    return true;
}

/* Delete inode id (checked removable) and release its blocks. */
static int remove_inode(struct akira_fs_vol *v, uint16_t id)
{
    struct fs_meta m;
    int err = fs_meta_read(v, id, &m);
    if (err) return err;
    err = fs_meta_delete(v, id);
    if (err) return err;
    if (m.type == AKIRA_FS_TYPE_FILE && m.index != FS_NONE) fs_free_file_blocks(v, m.index, m.size);
    return AKIRA_OK;
}

static int removable(const struct akira_fs *fs, uint16_t id)
{
    struct akira_fs_vol *v = fs->vol;
    if (id == fs->root || id == FS_ROOT_ID) return AKIRA_EINVAL;
    if (v->ino[id].type == AKIRA_FS_TYPE_DIR && !dir_empty(v, id)) return AKIRA_ENOTEMPTY;
    if (fs_obj_find(v, id)) return AKIRA_EBUSY;
    return AKIRA_OK;
}

int akira_fs_unlink(const struct akira_fs *fs, const char *path)
{
    uint16_t parent, id;
    const char *name;
    size_t len;
    int err = fs_resolve(fs, path, &parent, &name, &len, &id);
    if (err) return err;
    err = removable(fs, id);
    return err ? err : remove_inode(fs->vol, id);
}

static bool is_within(const struct akira_fs_vol *v, uint16_t id, uint16_t ancestor)
{
    for (int depth = 0; depth < AKIRA_FS_INODES_MAX && id; depth++) {
        if (id == ancestor) return true;
        if (id == FS_ROOT_ID) return false;
        id = v->ino[id].parent;
    }
    return false;
}

int akira_fs_rename(const struct akira_fs *fs, const char *from, const char *to)
{
    uint16_t sp, sid, dp, did = 0;
    const char *sn, *dn;
    size_t sl, dl;
    int err = fs_resolve(fs, from, &sp, &sn, &sl, &sid);
    if (err) return err;
    struct akira_fs_vol *v = fs->vol;
    if (sid == fs->root || sid == FS_ROOT_ID) return AKIRA_EINVAL;
    err = fs_resolve(fs, to, &dp, &dn, &dl, &did);
    if (err == AKIRA_ENOENT && dp != FS_NONE) {
        did = 0;
    } else if (err) {
        return err;
    } else if (did == sid) {
        return AKIRA_OK;
    } else {
        if (v->ino[did].type != v->ino[sid].type) return AKIRA_EEXIST;
        err = removable(fs, did);
        if (err) return err;
    }
    /* A directory cannot move below itself. */
    if (v->ino[sid].type == AKIRA_FS_TYPE_DIR && is_within(v, dp, sid)) return AKIRA_EINVAL;
    struct fs_meta m;
    err = fs_meta_read(v, sid, &m);
    if (err) return err;
    m.parent = dp;
    m.name_len = (uint8_t)dl;
    memcpy(m.name, dn, dl);
    m.name[dl] = '\0';
    /* The moved entry's record is the commit point; the replaced one's deletion
     * follows and is redone at mount if a cut comes between. */
    err = fs_meta_write(v, sid, &m);
    if (err) return err;
    return did ? remove_inode(v, did) : AKIRA_OK;
}

static void fill_stat(struct akira_fs_vol *v, uint16_t id, const struct fs_meta *m,
                      struct akira_fs_stat *st)
{
    struct akira_fs_obj_ *o = fs_obj_find(v, id);
    st->type = (enum akira_fs_type)m->type;
    st->size = m->type == AKIRA_FS_TYPE_FILE ? (o ? o->size : m->size) : 0;
    memcpy(st->name, m->name, m->name_len + 1u);
}

int akira_fs_stat(const struct akira_fs *fs, const char *path, struct akira_fs_stat *st)
{
    uint16_t parent, id;
    const char *name;
    size_t len;
    if (!st) return AKIRA_EINVAL;
    int err = fs_resolve(fs, path, &parent, &name, &len, &id);
    if (err) return err;
    struct fs_meta m;
    err = fs_meta_read(fs->vol, id, &m);
    if (err) return err;
    fill_stat(fs->vol, id, &m, st);
    return AKIRA_OK;
}

int akira_fs_opendir(const struct akira_fs *fs, const char *path, struct akira_fs_dir *d)
{
    uint16_t parent, id;
    const char *name;
    size_t len;
    if (!d) return AKIRA_EINVAL;
    int err = fs_resolve(fs, path, &parent, &name, &len, &id);
    if (err) return err;
    if (fs->vol->ino[id].type != AKIRA_FS_TYPE_DIR) return AKIRA_EINVAL;
    d->fs = *fs;
    d->dir = id;
    d->next = FS_ROOT_ID + 1;
    return AKIRA_OK;
}

int akira_fs_readdir(struct akira_fs_dir *d, struct akira_fs_stat *st)
{
    if (!d || !st || !view_ok(&d->fs)) return AKIRA_EINVAL;
    struct akira_fs_vol *v = d->fs.vol;
    while (d->next < AKIRA_FS_INODES_MAX) {
        uint16_t i = d->next++;
        if (!v->ino[i].loc || v->ino[i].parent != d->dir) continue;
        struct fs_meta m;
        int err = fs_meta_read(v, i, &m);
        if (err) return err;
        fill_stat(v, i, &m, st);
        return 1;
    }
    return 0;
}

void akira_fs_root_view(struct akira_fs_vol *vol, struct akira_fs *out)
{
    out->vol = vol;
    out->root = FS_ROOT_ID;
    out->quota = 0;
}

int akira_fs_app_view(struct akira_fs_vol *vol, const char *app, uint32_t quota,
                      uint16_t max_inodes, struct akira_fs *out)
{
    struct akira_fs root;
    uint16_t apps, id;
    if (!vol || !vol->mounted || !app || !out) return AKIRA_EINVAL;
    int err = name_check(app, strnlen(app, AKIRA_FS_NAME_MAX + 1));
    if (err) return err;
    akira_fs_root_view(vol, &root);
    err = fs_lookup(vol, FS_ROOT_ID, "apps", 4, &apps);
    if (err == AKIRA_ENOENT)
        err = fs_create(&root, FS_ROOT_ID, "apps", 4, AKIRA_FS_TYPE_DIR, &apps);
    if (err) return err;
    if (vol->ino[apps].type != AKIRA_FS_TYPE_DIR) return AKIRA_EEXIST;
    err = fs_lookup(vol, apps, app, strlen(app), &id);
    if (err == AKIRA_ENOENT) err = fs_create(&root, apps, app, strlen(app), AKIRA_FS_TYPE_DIR, &id);
    if (err) return err;
    if (vol->ino[id].type != AKIRA_FS_TYPE_DIR) return AKIRA_EEXIST;
    out->vol = vol;
    out->root = id;
    out->quota = quota;
    out->max_inodes = max_inodes;
    return AKIRA_OK;
}

int akira_fs_usage_get(const struct akira_fs *fs, struct akira_fs_usage *out)
{
    if (!view_ok(fs) || !out) return AKIRA_EINVAL;
    struct akira_fs_vol *v = fs->vol;
    uint64_t bytes = 0, charged = 0;
    uint32_t inodes = 0;
    for (uint16_t i = FS_ROOT_ID + 1; i < AKIRA_FS_INODES_MAX; i++) {
        if (!v->ino[i].loc || i == fs->root || !is_within(v, i, fs->root)) continue;
        inodes++;
        charged += AKIRA_FS_META_COST;
        if (v->ino[i].type != AKIRA_FS_TYPE_FILE) continue;
        struct akira_fs_obj_ *o = fs_obj_find(v, i);
        bytes += o ? o->size : v->ino[i].size;
        charged += (uint64_t)fs_file_blocks_held(v, i) * v->bs;
    }
    out->bytes = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
    out->charged = charged > UINT32_MAX ? UINT32_MAX : (uint32_t)charged;
    out->inodes = inodes;
    return AKIRA_OK;
}

uint32_t akira_fs_usage(const struct akira_fs *fs)
{
    struct akira_fs_usage u;
    return akira_fs_usage_get(fs, &u) == AKIRA_OK ? u.charged : 0;
}

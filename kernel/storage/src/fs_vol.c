/*
 * File system volume: mount/format, the metadata records, the inode table and the
 * block allocator.
 */
#include "fs_priv.h"

#include <akira/err.h>

#include <string.h>

#define FS_MAGIC   0x53464B41u /* "AKFS": the metadata log's sector magic */
#define SB_VERSION 1u
#define META_HDR   16u

_Static_assert(sizeof(struct kvlog) <= sizeof(((struct akira_fs_vol *)0)->log),
               "akira_fs_vol.log is too small for the metadata log");
_Static_assert(AKIRA_FS_INODES_MAX < FS_NONE && AKIRA_FS_BLOCKS_MAX < FS_NONE, "16-bit ids");
_Static_assert(AKIRA_FS_BLOCKS_MAX % 8 == 0, "the block bitmaps are whole bytes");
/* The largest metadata record, padded to the largest write block the log accepts (16). */
_Static_assert((KVLOG_HDR_SIZE + 2 + META_HDR + AKIRA_FS_NAME_MAX + 15) / 16 * 16 <=
                   AKIRA_FS_META_COST,
               "AKIRA_FS_META_COST is less than a metadata record");

uint8_t fs_name_hash(const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    return (uint8_t)(h ^ h >> 8 ^ h >> 16 ^ h >> 24);
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static int decode_meta(const uint8_t *b, uint32_t len, struct fs_meta *m)
{
    if (len < META_HDR) return AKIRA_ECORRUPT;
    m->type = b[0];
    m->name_len = b[1];
    m->parent = get16(b + 2);
    m->size = get32(b + 4);
    m->index = get16(b + 8);
    m->txn = get32(b + 12);
    if (m->name_len > AKIRA_FS_NAME_MAX || META_HDR + m->name_len != len ||
        (m->type != AKIRA_FS_TYPE_FILE && m->type != AKIRA_FS_TYPE_DIR))
        return AKIRA_ECORRUPT;
    memcpy(m->name, b + META_HDR, m->name_len);
    m->name[m->name_len] = '\0';
    return AKIRA_OK;
}

static void id_key(uint16_t id, uint8_t key[2])
{
    put16(key, id);
}

int fs_meta_read(struct akira_fs_vol *v, uint16_t id, struct fs_meta *m)
{
    struct kvlog_rec rec;
    uint8_t buf[META_HDR + AKIRA_FS_NAME_MAX];
    if (id >= AKIRA_FS_INODES_MAX || !v->ino[id].loc) return AKIRA_ENOENT;
    int err = kvlog_load(fs_log(v), v->ino[id].loc, &rec);
    if (err) return err;
    if (rec.val_len > sizeof buf) return AKIRA_ECORRUPT;
    err = kvlog_read_value(fs_log(v), &rec, buf, rec.val_len);
    if (err) return err;
    return decode_meta(buf, rec.val_len, m);
}

int fs_meta_write(struct akira_fs_vol *v, uint16_t id, const struct fs_meta *m)
{
    uint8_t buf[META_HDR + AKIRA_FS_NAME_MAX], key[2];
    kvlog_loc_t loc;
    buf[0] = m->type;
    buf[1] = m->name_len;
    put16(buf + 2, m->parent);
    put32(buf + 4, m->size);
    put16(buf + 8, m->index);
    put16(buf + 10, 0);
    put32(buf + 12, v->txn + 1);
    memcpy(buf + META_HDR, m->name, m->name_len);
    id_key(id, key);
    int err = kvlog_append(fs_log(v), key, 2, 0, buf, (uint16_t)(META_HDR + m->name_len), &loc);
    if (err) return err;
    struct akira_fs_inode_ *in = &v->ino[id];
    v->txn++;
    in->loc = loc;
    in->txn = v->txn;
    in->size = m->size;
    in->parent = m->parent;
    in->type = m->type;
    in->hash = fs_name_hash(m->name, m->name_len);
    return AKIRA_OK;
}

int fs_meta_delete(struct akira_fs_vol *v, uint16_t id)
{
    uint8_t key[2];
    id_key(id, key);
    int err = kvlog_append(fs_log(v), key, 2, KVLOG_FLAG_DELETED, NULL, 0, NULL);
    if (err) return err;
    memset(&v->ino[id], 0, sizeof v->ino[id]);
    return AKIRA_OK;
}

int fs_inode_alloc(struct akira_fs_vol *v, uint16_t *id)
{
    for (uint16_t i = FS_ROOT_ID + 1; i < AKIRA_FS_INODES_MAX; i++) {
        if (!v->ino[i].loc) {
            *id = i;
            return AKIRA_OK;
        }
    }
    return AKIRA_ENOSPC;
}

/* --- Blocks -------------------------------------------------------------------- */

static bool bit(const uint8_t *map, uint16_t b)
{
    return map[b / 8] & (1u << (b % 8));
}

static void bit_set(uint8_t *map, uint16_t b, bool on)
{
    if (on)
        map[b / 8] |= (uint8_t)(1u << (b % 8));
    else
        map[b / 8] &= (uint8_t) ~(1u << (b % 8));
}

bool fs_blk_used(const struct akira_fs_vol *v, uint16_t b)
{
    return b < v->nblocks && bit(v->used, b);
}

bool fs_blk_fresh(const struct akira_fs_vol *v, uint16_t b)
{
    return b < v->nblocks && bit(v->fresh, b);
}

uint32_t fs_blk_off(const struct akira_fs_vol *v, uint16_t b)
{
    return (uint32_t)b * v->bs;
}

static void mark_used(struct akira_fs_vol *v, uint16_t b)
{
    if (b < v->nblocks && !bit(v->used, b)) {
        bit_set(v->used, b, true);
        v->free_blocks--;
    }
}

/* Next-fit from a cursor that keeps moving: every free block gets its turn before
 * any block is reused, which spreads erases over all free blocks (dynamic wear
 * levelling); the start point varies per boot. */
int fs_blk_alloc(struct akira_fs_vol *v, uint16_t *out)
{
    for (uint32_t i = 0; i < v->nblocks; i++) {
        uint16_t b = (uint16_t)((v->cursor + i) % v->nblocks);
        if (bit(v->used, b)) continue;
        if (!akira_flash_area_is_erased(&v->data, fs_blk_off(v, b), v->bs)) {
            int err = akira_flash_area_erase(&v->data, fs_blk_off(v, b), v->bs);
            if (err) return err;
        }
        mark_used(v, b);
        v->blk_allocs++;
        bit_set(v->fresh, b, true);
        v->cursor = (uint32_t)(b + 1) % v->nblocks;
        *out = b;
        return AKIRA_OK;
    }
    return AKIRA_ENOSPC;
}

void fs_blk_free(struct akira_fs_vol *v, uint16_t b)
{
    if (b >= v->nblocks || !bit(v->used, b)) return;
    bit_set(v->used, b, false);
    bit_set(v->fresh, b, false);
    v->free_blocks++;
}

void fs_blk_settle(struct akira_fs_vol *v, uint16_t b)
{
    if (b < v->nblocks) bit_set(v->fresh, b, false);
}

int fs_index_read(struct akira_fs_vol *v, uint16_t index, uint32_t first, uint32_t n, uint16_t *out)
{
    uint8_t buf[128];
    while (n > 0) {
        uint32_t k = n < sizeof buf / 2 ? n : (uint32_t)sizeof buf / 2;
        int err = akira_flash_area_read(&v->data, fs_blk_off(v, index) + first * 2, buf, k * 2);
        if (err) return err;
        for (uint32_t i = 0; i < k; i++)
            out[i] = get16(buf + 2 * i);
        out += k;
        first += k;
        n -= k;
    }
    return AKIRA_OK;
}

static uint32_t blocks_for(const struct akira_fs_vol *v, uint32_t size)
{
    return (uint32_t)(((uint64_t)size + v->bs - 1) / v->bs);
}

/* Visit the data blocks of a committed file. */
static void file_blocks(struct akira_fs_vol *v, uint16_t index, uint32_t size,
                        void (*fn)(struct akira_fs_vol *, uint16_t))
{
    uint16_t chunk[64];
    if (index >= v->nblocks) return;
    uint32_t n = blocks_for(v, size);
    if (n > v->idx_per_block) n = v->idx_per_block;
    for (uint32_t i = 0; i < n; i += 64) {
        uint32_t k = n - i < 64 ? n - i : 64;
        if (fs_index_read(v, index, i, k, chunk) != AKIRA_OK) return;
        for (uint32_t j = 0; j < k; j++)
            fn(v, chunk[j]);
    }
    fn(v, index);
}

void fs_free_file_blocks(struct akira_fs_vol *v, uint16_t index, uint32_t size)
{
    file_blocks(v, index, size, fs_blk_free);
}

/* --- Mount ----------------------------------------------------------------------- */

static bool hook_is_live(void *ctx, const struct kvlog_rec *rec)
{
    struct akira_fs_vol *v = ctx;
    if (rec->key_len != 2) return false;
    uint16_t id = get16(rec->key);
    return id < AKIRA_FS_INODES_MAX && v->ino[id].loc == rec->loc;
}

static void hook_moved(void *ctx, const struct kvlog_rec *rec, kvlog_loc_t nl)
{
    struct akira_fs_vol *v = ctx;
    uint16_t id = get16(rec->key);
    if (id < AKIRA_FS_INODES_MAX) v->ino[id].loc = nl;
}

struct sb {
    uint32_t magic, bs, nblocks;
    uint16_t version, meta_sectors;
};

static uint32_t meta_sectors_for(uint32_t nsect)
{
    uint32_t m = nsect / 16;
    return m < 4 ? 4 : m > 32 ? 32 : m;
}

static int split_areas(struct akira_fs_vol *v, const struct akira_flash_area *fa,
                       struct akira_flash_area *meta)
{
    if (!fa || !fa->writable) return AKIRA_EINVAL;
    uint32_t nsect = fa->size / fa->sector_size;
    if (nsect < 8) return AKIRA_EINVAL;
    uint32_t m = meta_sectors_for(nsect);
    int err =
        akira_flash_area_from_range(fa->dev, fa->name, fa->offset, m * fa->sector_size, true, meta);
    if (!err)
        err = akira_flash_area_from_range(fa->dev, fa->name, fa->offset + m * fa->sector_size,
                                          (nsect - m) * fa->sector_size, true, &v->data);
    if (err) return err;
    v->bs = fa->sector_size;
    v->nblocks = nsect - m;
    if (v->nblocks > AKIRA_FS_BLOCKS_MAX) v->nblocks = AKIRA_FS_BLOCKS_MAX;
    v->idx_per_block = v->bs / 2 < AKIRA_FS_FILE_BLOCKS_MAX ? v->bs / 2 : AKIRA_FS_FILE_BLOCKS_MAX;
    return AKIRA_OK;
}

static int walk_visit(void *ctx, const struct kvlog_rec *rec)
{
    struct akira_fs_vol *v = ctx;
    if (rec->key_len != 2) return 0;
    uint16_t id = get16(rec->key);
    if (id >= AKIRA_FS_INODES_MAX) return 0;
    struct akira_fs_inode_ *in = &v->ino[id];
    memset(in, 0, sizeof *in);
    if (rec->flags & KVLOG_FLAG_DELETED) return 0;
    in->loc = rec->loc;
    if (id == FS_SB_ID) return 0;
    uint8_t buf[META_HDR + AKIRA_FS_NAME_MAX];
    struct fs_meta m;
    if (rec->val_len > sizeof buf || kvlog_read_value(fs_log(v), rec, buf, rec->val_len) ||
        decode_meta(buf, rec->val_len, &m)) {
        in->loc = 0; /* unreadable: as if absent */
        return 0;
    }
    in->size = m.size;
    in->parent = m.parent;
    in->txn = m.txn;
    if (m.txn > v->txn) v->txn = m.txn;
    in->type = m.type;
    in->hash = fs_name_hash(m.name, m.name_len);
    return 0;
}

static int check_sb(struct akira_fs_vol *v, uint32_t meta_sectors)
{
    struct kvlog_rec rec;
    uint8_t b[16];
    if (!v->ino[FS_SB_ID].loc) return AKIRA_ECORRUPT;
    int err = kvlog_load(fs_log(v), v->ino[FS_SB_ID].loc, &rec);
    if (err) return err;
    if (rec.val_len != sizeof b) return AKIRA_ECORRUPT;
    err = kvlog_read_value(fs_log(v), &rec, b, sizeof b);
    if (err) return err;
    if (get32(b) != FS_MAGIC || get16(b + 4) != SB_VERSION || get16(b + 6) != meta_sectors ||
        get32(b + 8) != v->bs || get32(b + 12) != v->nblocks)
        return AKIRA_ECORRUPT;
    if (!v->ino[FS_ROOT_ID].loc || v->ino[FS_ROOT_ID].type != AKIRA_FS_TYPE_DIR)
        return AKIRA_ECORRUPT;
    return AKIRA_OK;
}

/* A rename over an existing entry writes the moved entry's record, then deletes the
 * replaced entry; a cut between the two leaves two entries with one name. The one
 * with the older commit number is the replaced one: finish its deletion. (Record
 * locations cannot order them: garbage collection copies records forward.) */
static int finish_renames(struct akira_fs_vol *v)
{
    for (uint16_t a = FS_ROOT_ID + 1; a < AKIRA_FS_INODES_MAX; a++) {
        for (uint16_t b = a + 1; b < AKIRA_FS_INODES_MAX && v->ino[a].loc; b++) {
            struct akira_fs_inode_ *ia = &v->ino[a], *ib = &v->ino[b];
            if (!ib->loc || ia->parent != ib->parent || ia->hash != ib->hash) continue;
            struct fs_meta ma, mb;
            if (fs_meta_read(v, a, &ma) || fs_meta_read(v, b, &mb)) continue;
            if (strcmp(ma.name, mb.name) != 0) continue;
            int err = fs_meta_delete(v, ia->txn < ib->txn ? a : b);
            if (err) return err;
        }
    }
    return AKIRA_OK;
}

static void mark_used_cb(struct akira_fs_vol *v, uint16_t b)
{
    mark_used(v, b);
}

int akira_fs_mount(struct akira_fs_vol *v, const struct akira_flash_area *fa)
{
    struct akira_flash_area meta;
    if (!v) return AKIRA_EINVAL;
    memset(v, 0, sizeof *v);
    int err = split_areas(v, fa, &meta);
    if (err) return err;
    struct kvlog_hooks hooks = {hook_is_live, hook_moved, v};
    err = kvlog_mount(fs_log(v), &meta, FS_MAGIC, &hooks);
    if (err) return err;
    err = kvlog_walk(fs_log(v), walk_visit, v);
    if (err) return err;
    err = check_sb(v, meta.size / meta.sector_size);
    if (err) return err;
    err = finish_renames(v);
    if (err) return err;
    v->free_blocks = v->nblocks;
    for (uint16_t id = FS_ROOT_ID + 1; id < AKIRA_FS_INODES_MAX; id++) {
        struct fs_meta m;
        if (!v->ino[id].loc || v->ino[id].type != AKIRA_FS_TYPE_FILE) continue;
        if (fs_meta_read(v, id, &m)) continue;
        if (m.index != FS_NONE) file_blocks(v, m.index, m.size, mark_used_cb);
    }
    v->cursor = (uint32_t)((fs_log(v)->max_seq * 2654435761u) % v->nblocks);
    v->mounted = true;
    return AKIRA_OK;
}

int akira_fs_format(struct akira_fs_vol *v, const struct akira_flash_area *fa)
{
    struct akira_flash_area meta;
    uint8_t sb[16];
    if (!v) return AKIRA_EINVAL;
    memset(v, 0, sizeof *v);
    int err = split_areas(v, fa, &meta);
    if (err) return err;
    err = kvlog_mount(fs_log(v), &meta, FS_MAGIC, NULL);
    if (!err) err = kvlog_format(fs_log(v));
    if (err) return err;
    /* Root first, superblock last: a cut in between leaves no file system, and the
     * next format starts over. */
    struct fs_meta root = {.type = AKIRA_FS_TYPE_DIR, .index = FS_NONE};
    err = fs_meta_write(v, FS_ROOT_ID, &root);
    if (err) return err;
    put32(sb, FS_MAGIC);
    put16(sb + 4, SB_VERSION);
    put16(sb + 6, meta.size / meta.sector_size);
    put32(sb + 8, v->bs);
    put32(sb + 12, v->nblocks);
    uint8_t key[2];
    id_key(FS_SB_ID, key);
    err = kvlog_append(fs_log(v), key, 2, 0, sb, sizeof sb, NULL);
    if (err) return err;
    return akira_fs_mount(v, fa);
}

int akira_fs_unmount(struct akira_fs_vol *v)
{
    int first = AKIRA_OK;
    if (!v || !v->mounted) return AKIRA_EINVAL;
    for (int i = 0; i < AKIRA_FS_OPEN_MAX; i++) {
        if (v->obj[i].id) {
            int err = fs_obj_commit(v, &v->obj[i]);
            if (err && !first) first = err;
            v->obj[i].id = 0;
        }
    }
    v->mounted = false;
    return first;
}

int akira_fs_info(const struct akira_fs_vol *v, struct akira_fs_info *info)
{
    if (!v || !info || !v->mounted) return AKIRA_EINVAL;
    info->block_size = v->bs;
    info->blocks_total = v->nblocks;
    info->blocks_free = v->free_blocks;
    info->inodes_max = AKIRA_FS_INODES_MAX - 1;
    info->inodes_used = 0;
    for (int i = FS_ROOT_ID; i < AKIRA_FS_INODES_MAX; i++)
        info->inodes_used += v->ino[i].loc != 0;
    return AKIRA_OK;
}

uint64_t akira_fs_wear(const struct akira_fs_vol *v)
{
    if (!v || !v->mounted) return 0;
    const struct kvlog *log = (const struct kvlog *)(const void *)v->log;
    return v->blk_allocs * v->bs + log->programmed;
}

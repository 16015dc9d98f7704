/*
 * File contents: copy-on-write block writes, the commit (sync) and the file handle
 * calls. The rule that keeps synced data safe: a block the last commit can see is
 * never modified inside the part the commit can see; new bytes go into its erased
 * tail (appends) or into a fresh copy of the block.
 */
#include "fs_priv.h"

#include <akira/err.h>

#include <string.h>

#define CHUNK 256u

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static uint32_t nblocks_of(const struct akira_fs_vol *v, uint32_t size)
{
    return (uint32_t)(((uint64_t)size + v->bs - 1) / v->bs);
}

struct akira_fs_obj_ *fs_obj_find(struct akira_fs_vol *v, uint16_t id)
{
    for (int i = 0; i < AKIRA_FS_OPEN_MAX; i++)
        if (v->obj[i].id == id) return &v->obj[i];
    return NULL;
}

/*
 * Program [from, to) of block `dst` with: bytes of `src` block (if not FS_NONE) below
 * `src_valid`, overlaid by data at [doff, doff + dlen). Bytes at or past `end` (the
 * new valid length) are left erased. Whole write blocks are programmed, so bytes
 * before `from` in the first write block are rewritten with what the flash already
 * holds there (rewriting a value sets no bit).
 */
static int compose(struct akira_fs_vol *v, uint16_t dst, uint16_t src, uint32_t src_valid,
                   uint32_t from, uint32_t end, uint32_t doff, const uint8_t *data, uint32_t dlen)
{
    uint8_t buf[CHUNK];
    uint32_t wbs = v->data.write_block_size;
    uint32_t c = from / wbs * wbs;
    uint32_t stop = (end + wbs - 1) / wbs * wbs;
    while (c < stop) {
        uint32_t n = min_u32(CHUNK, stop - c);
        int err;
        if (src == dst) {
            err = akira_flash_area_read(&v->data, fs_blk_off(v, dst) + c, buf, n);
        } else {
            memset(buf, 0xFF, n);
            uint32_t keep = src_valid > c ? min_u32(src_valid - c, n) : 0;
            err = keep && src != FS_NONE
                      ? akira_flash_area_read(&v->data, fs_blk_off(v, src) + c, buf, keep)
                      : AKIRA_OK;
        }
        if (err) return err;
        /* Overlay the new bytes falling into this chunk. */
        uint32_t lo = c > doff ? c : doff, hi = min_u32(c + n, doff + dlen);
        if (lo < hi) memcpy(buf + (lo - c), data + (lo - doff), hi - lo);
        /* A fresh block stays erased past the new end; in place, what the flash holds
         * there is rewritten as it is. */
        if (src != dst && end < c + n)
            memset(buf + (end > c ? end - c : 0), 0xFF, c + n - (end > c ? end : c));
        err = akira_flash_area_write(&v->data, fs_blk_off(v, dst) + c, buf, n);
        if (err) return err;
        c += n;
    }
    return AKIRA_OK;
}

/* Write data at file offset pos (pos <= o->size: callers fill gaps first). */
static int obj_write(struct akira_fs_vol *v, struct akira_fs_obj_ *o, uint32_t pos,
                     const uint8_t *data, uint32_t len, uint32_t *done)
{
    *done = 0;
    while (len > 0) {
        uint32_t bi = pos / v->bs, boff = pos % v->bs;
        uint32_t n = min_u32(len, v->bs - boff);
        if (bi >= v->idx_per_block) return AKIRA_ETOOBIG;
        uint16_t cur = o->idx[bi];
        uint32_t bstart = bi * v->bs;
        uint32_t valid = o->size > bstart ? min_u32(o->size - bstart, v->bs) : 0;
        uint32_t end = boff + n > valid ? boff + n : valid;
        /* What the last commit can see of this block must stay as it is. */
        uint32_t committed = (cur != FS_NONE && !fs_blk_fresh(v, cur) && o->csize > bstart)
                                 ? min_u32(o->csize - bstart, v->bs)
                                 : 0;
        int err;
        if (cur != FS_NONE && boff >= committed &&
            akira_flash_area_is_erased(&v->data, fs_blk_off(v, cur) + boff, n)) {
            err = compose(v, cur, cur, 0, boff, boff + n, boff, data, n);
        } else {
            uint16_t nb;
            err = fs_blk_alloc(v, &nb);
            if (!err) {
                err = compose(v, nb, cur, valid, 0, end, boff, data, n);
                if (err) fs_blk_free(v, nb);
            }
            if (!err) {
                if (cur != FS_NONE && fs_blk_fresh(v, cur)) fs_blk_free(v, cur);
                o->idx[bi] = nb;
            }
        }
        /* Out of space part way: report what was written. */
        if (err) return (*done && err == AKIRA_ENOSPC) ? AKIRA_OK : err;
        pos += n;
        data += n;
        len -= n;
        *done += n;
        if (pos > o->size) o->size = pos;
        o->dirty = true;
    }
    return AKIRA_OK;
}

static const uint8_t zeros[CHUNK];

/* Extend the file with zeros up to `to`. */
static int obj_fill(struct akira_fs_vol *v, struct akira_fs_obj_ *o, uint32_t to)
{
    while (o->size < to) {
        uint32_t done, n = min_u32(CHUNK, to - o->size);
        int err = obj_write(v, o, o->size, zeros, n, &done);
        if (err) return err;
        if (done < n) return AKIRA_ENOSPC;
    }
    return AKIRA_OK;
}

static void obj_shrink(struct akira_fs_vol *v, struct akira_fs_obj_ *o, uint32_t size)
{
    for (uint32_t i = nblocks_of(v, size); i < nblocks_of(v, o->size); i++) {
        if (o->idx[i] != FS_NONE && fs_blk_fresh(v, o->idx[i])) fs_blk_free(v, o->idx[i]);
        o->idx[i] = FS_NONE;
    }
    o->size = size;
    o->dirty = true;
}

/* Write the index for the object's current blocks; *out gets the block holding it. */
static int write_index(struct akira_fs_vol *v, struct akira_fs_obj_ *o, uint16_t *out)
{
    uint32_t nb = nblocks_of(v, o->size), ob = nblocks_of(v, o->csize);
    uint16_t old[64];
    uint8_t raw[CHUNK];
    if (nb == 0) {
        *out = FS_NONE;
        return AKIRA_OK;
    }
    /* Append in place when the committed entries are all unchanged and the slots for
     * the new ones are still erased. */
    bool in_place = o->cindex != FS_NONE && nb >= ob;
    for (uint32_t i = 0; in_place && i < ob; i += 64) {
        uint32_t k = min_u32(64, ob - i);
        int err = fs_index_read(v, o->cindex, i, k, old);
        if (err) return err;
        for (uint32_t j = 0; j < k; j++)
            if (old[j] != o->idx[i + j]) in_place = false;
    }
    uint16_t dst = o->cindex;
    uint32_t first = ob;
    if (in_place &&
        !akira_flash_area_is_erased(&v->data, fs_blk_off(v, dst) + 2 * ob, 2 * (nb - ob)))
        in_place = false;
    if (in_place && nb == ob) {
        /* Same blocks as committed (e.g. an append inside the last block). */
        *out = dst;
        return AKIRA_OK;
    }
    if (!in_place) {
        int err = fs_blk_alloc(v, &dst);
        if (err) return err;
        first = 0;
    }
    /* Entries [first, nb) as little-endian u16, in whole write blocks. */
    uint32_t wbs = v->data.write_block_size;
    uint32_t byte = first * 2 / wbs * wbs, stop = (nb * 2 + wbs - 1) / wbs * wbs;
    while (byte < stop) {
        uint32_t n = min_u32(sizeof raw, stop - byte);
        int err = akira_flash_area_read(&v->data, fs_blk_off(v, dst) + byte, raw, n);
        if (err) return err;
        for (uint32_t b = byte; b < byte + n; b += 2) {
            uint32_t e = b / 2;
            if (e >= first && e < nb) {
                raw[b - byte] = (uint8_t)o->idx[e];
                raw[b - byte + 1] = (uint8_t)(o->idx[e] >> 8);
            }
        }
        err = akira_flash_area_write(&v->data, fs_blk_off(v, dst) + byte, raw, n);
        if (err) return err;
        byte += n;
    }
    *out = dst;
    return AKIRA_OK;
}

int fs_obj_commit(struct akira_fs_vol *v, struct akira_fs_obj_ *o)
{
    struct fs_meta m;
    uint16_t index, old[64];
    if (!o->dirty) return AKIRA_OK;
    int err = fs_meta_read(v, o->id, &m);
    if (err) return err;
    err = write_index(v, o, &index);
    if (err) return err;
    m.size = o->size;
    m.index = index;
    err = fs_meta_write(v, o->id, &m); /* the commit point */
    if (err) {
        if (index != FS_NONE && index != o->cindex) fs_blk_free(v, index);
        return err;
    }
    /* Blocks only the old version used are free now. */
    uint32_t nb = nblocks_of(v, o->size), ob = nblocks_of(v, o->csize);
    if (o->cindex != FS_NONE) {
        for (uint32_t i = 0; i < ob; i += 64) {
            uint32_t k = min_u32(64, ob - i);
            if (fs_index_read(v, o->cindex, i, k, old)) break;
            for (uint32_t j = 0; j < k; j++)
                if (i + j >= nb || o->idx[i + j] != old[j]) fs_blk_free(v, old[j]);
        }
        if (index != o->cindex) fs_blk_free(v, o->cindex);
    }
    for (uint32_t i = 0; i < nb; i++)
        fs_blk_settle(v, o->idx[i]);
    if (index != FS_NONE) fs_blk_settle(v, index);
    o->csize = o->size;
    o->cindex = index;
    o->dirty = false;
    return AKIRA_OK;
}

/* Forget unsynced changes (their blocks were never referenced by a commit). */
static void obj_drop(struct akira_fs_vol *v, struct akira_fs_obj_ *o)
{
    for (uint32_t i = 0; i < AKIRA_FS_FILE_BLOCKS_MAX; i++)
        if (o->idx[i] != FS_NONE && fs_blk_fresh(v, o->idx[i])) fs_blk_free(v, o->idx[i]);
    o->id = 0;
}

static int obj_get(struct akira_fs_vol *v, uint16_t id, struct akira_fs_obj_ **out)
{
    struct akira_fs_obj_ *o = fs_obj_find(v, id), *free_slot = NULL;
    if (o) {
        o->refs++;
        *out = o;
        return AKIRA_OK;
    }
    for (int i = 0; i < AKIRA_FS_OPEN_MAX && !free_slot; i++)
        if (!v->obj[i].id) free_slot = &v->obj[i];
    if (!free_slot) return AKIRA_EBUSY;
    struct fs_meta m;
    int err = fs_meta_read(v, id, &m);
    if (err) return err;
    o = free_slot;
    for (uint32_t i = 0; i < AKIRA_FS_FILE_BLOCKS_MAX; i++)
        o->idx[i] = FS_NONE;
    uint32_t nb = nblocks_of(v, m.size);
    if (nb > v->idx_per_block || (nb && m.index == FS_NONE)) return AKIRA_ECORRUPT;
    if (nb) {
        err = fs_index_read(v, m.index, 0, nb, o->idx);
        if (err) return err;
    }
    o->id = id;
    o->refs = 1;
    o->dirty = false;
    o->size = o->csize = m.size;
    o->cindex = m.index;
    *out = o;
    return AKIRA_OK;
}

/* --- Handle calls ------------------------------------------------------------------ */

int fs_resolve(const struct akira_fs *fs, const char *path, uint16_t *parent, const char **name,
               size_t *name_len, uint16_t *id);
int fs_create(const struct akira_fs *fs, uint16_t parent, const char *name, size_t len,
              uint8_t type, uint16_t *id);

static bool handle_ok(const struct akira_fs_file *f)
{
    return f && f->obj && f->obj->id && f->fs.vol && f->fs.vol->mounted;
}

uint32_t fs_file_blocks_held(struct akira_fs_vol *v, uint16_t id)
{
    struct akira_fs_obj_ *o = fs_obj_find(v, id);
    if (!o) {
        uint32_t size = v->ino[id].size;
        return nblocks_of(v, size) + (size > 0);
    }
    uint32_t nb = nblocks_of(v, o->size), held = nblocks_of(v, o->csize);
    held += o->cindex != FS_NONE || nb > 0; /* the committed index, or the one sync makes */
    for (uint32_t i = 0; i < nb && i < AKIRA_FS_FILE_BLOCKS_MAX; i++)
        held += o->idx[i] != FS_NONE && fs_blk_fresh(v, o->idx[i]);
    return held;
}

/* Blocks that writing [from, to) would take on top of what the file holds, decided as
 * obj_write decides: a block the last commit can see is copied, a fresh block or the
 * erased tail of a committed one is written in place; plus the index block a file
 * without blocks will need. */
static uint32_t blocks_needed(struct akira_fs_vol *v, struct akira_fs_obj_ *o, uint32_t from,
                              uint32_t to)
{
    uint32_t n = 0;
    for (uint32_t bi = from / v->bs; from < to && bi <= (to - 1) / v->bs; bi++) {
        if (bi >= v->idx_per_block) break;
        uint16_t cur = o->idx[bi];
        uint32_t bstart = bi * v->bs;
        if (cur != FS_NONE && fs_blk_fresh(v, cur)) continue;
        uint32_t committed =
            (cur != FS_NONE && o->csize > bstart) ? min_u32(o->csize - bstart, v->bs) : 0;
        uint32_t boff = from > bstart ? from - bstart : 0;
        uint32_t len = min_u32(to - bstart, v->bs) - boff;
        if (cur != FS_NONE && boff >= committed &&
            akira_flash_area_is_erased(&v->data, fs_blk_off(v, cur) + boff, len))
            continue;
        n++;
    }
    if (from < to && nblocks_of(v, o->size) == 0 && o->cindex == FS_NONE) n++;
    return n;
}

/* AKIRA_EQUOTA when writing [from, to) would take the view past its quota: what the
 * view's entries hold plus the blocks this write needs. */
static int quota_check(const struct akira_fs_file *f, uint32_t from, uint32_t to)
{
    if (!f->fs.quota || to <= from) return AKIRA_OK;
    struct akira_fs_usage u;
    int err = akira_fs_usage_get(&f->fs, &u);
    if (err) return err;
    uint64_t need = (uint64_t)blocks_needed(f->fs.vol, f->obj, from, to) * f->fs.vol->bs;
    if (need && u.charged + need > f->fs.quota) return AKIRA_EQUOTA;
    return AKIRA_OK;
}

int akira_fs_open(const struct akira_fs *fs, const char *path, uint32_t flags,
                  struct akira_fs_file *f)
{
    uint16_t parent, id;
    const char *name;
    size_t len;
    if (!fs || !fs->vol || !fs->vol->mounted || !f || !(flags & AKIRA_FS_O_RDWR) ||
        (flags & ~0x3Fu))
        return AKIRA_EINVAL;
    memset(f, 0, sizeof *f);
    struct akira_fs_vol *v = fs->vol;
    int err = fs_resolve(fs, path, &parent, &name, &len, &id);
    if (err == AKIRA_ENOENT && (flags & AKIRA_FS_O_CREATE) && len > 0 && parent != FS_NONE) {
        if (!(flags & AKIRA_FS_O_WRITE)) return AKIRA_EINVAL;
        err = fs_create(fs, parent, name, len, AKIRA_FS_TYPE_FILE, &id);
        if (err) return err;
    } else if (err) {
        return err;
    } else if ((flags & AKIRA_FS_O_CREATE) && (flags & AKIRA_FS_O_EXCL)) {
        return AKIRA_EEXIST;
    }
    if (v->ino[id].type != AKIRA_FS_TYPE_FILE) return AKIRA_EINVAL;
    if ((flags & AKIRA_FS_O_TRUNC) && !(flags & AKIRA_FS_O_WRITE)) return AKIRA_EINVAL;
    err = obj_get(v, id, &f->obj);
    if (err) return err;
    f->fs = *fs;
    f->flags = flags;
    if (flags & AKIRA_FS_O_TRUNC) obj_shrink(v, f->obj, 0);
    return AKIRA_OK;
}

int akira_fs_read(struct akira_fs_file *f, void *buf, size_t len)
{
    if (!handle_ok(f) || (len && !buf)) return AKIRA_EINVAL;
    if (!(f->flags & AKIRA_FS_O_READ)) return AKIRA_EACCES;
    struct akira_fs_vol *v = f->fs.vol;
    struct akira_fs_obj_ *o = f->obj;
    uint8_t *out = buf;
    if (len > INT32_MAX) len = INT32_MAX;
    uint32_t got = 0;
    while (got < len && f->pos < o->size) {
        uint32_t bi = f->pos / v->bs, boff = f->pos % v->bs;
        uint32_t n = min_u32((uint32_t)len - got, min_u32(v->bs - boff, o->size - f->pos));
        int err =
            o->idx[bi] == FS_NONE
                ? (memset(out + got, 0, n), AKIRA_OK)
                : akira_flash_area_read(&v->data, fs_blk_off(v, o->idx[bi]) + boff, out + got, n);
        if (err) return err;
        got += n;
        f->pos += n;
    }
    return (int)got;
}

int akira_fs_write(struct akira_fs_file *f, const void *buf, size_t len)
{
    if (!handle_ok(f) || (len && !buf)) return AKIRA_EINVAL;
    if (!(f->flags & AKIRA_FS_O_WRITE)) return AKIRA_EACCES;
    struct akira_fs_vol *v = f->fs.vol;
    struct akira_fs_obj_ *o = f->obj;
    if (f->flags & AKIRA_FS_O_APPEND) f->pos = o->size;
    if (len > INT32_MAX) len = INT32_MAX;
    if ((uint64_t)f->pos + len > (uint64_t)v->idx_per_block * v->bs) return AKIRA_ETOOBIG;
    int err = quota_check(f, f->pos < o->size ? f->pos : o->size, f->pos + (uint32_t)len);
    if (err) return err;
    if (f->pos > o->size) {
        err = obj_fill(v, o, f->pos);
        if (err) return err;
    }
    uint32_t done;
    err = obj_write(v, o, f->pos, buf, (uint32_t)len, &done);
    f->pos += done;
    return err ? err : (int)done;
}

int akira_fs_seek(struct akira_fs_file *f, int32_t off, enum akira_fs_whence whence)
{
    if (!handle_ok(f)) return AKIRA_EINVAL;
    int64_t base = whence == AKIRA_FS_SEEK_SET   ? 0
                   : whence == AKIRA_FS_SEEK_CUR ? (int64_t)f->pos
                   : whence == AKIRA_FS_SEEK_END ? (int64_t)f->obj->size
                                                 : -1;
    if (base < 0) return AKIRA_EINVAL;
    int64_t np = base + off;
    if (np < 0 || np > INT32_MAX) return AKIRA_EINVAL;
    f->pos = (uint32_t)np;
    return (int)np;
}

int akira_fs_tell(const struct akira_fs_file *f)
{
    return handle_ok(f) ? (int)f->pos : AKIRA_EINVAL;
}

int akira_fs_size(const struct akira_fs_file *f)
{
    return handle_ok(f) ? (int)f->obj->size : AKIRA_EINVAL;
}

int akira_fs_truncate(struct akira_fs_file *f, uint32_t size)
{
    if (!handle_ok(f)) return AKIRA_EINVAL;
    if (!(f->flags & AKIRA_FS_O_WRITE)) return AKIRA_EACCES;
    struct akira_fs_vol *v = f->fs.vol;
    if ((uint64_t)size > (uint64_t)v->idx_per_block * v->bs) return AKIRA_ETOOBIG;
    if (size > f->obj->size) {
        int err = quota_check(f, f->obj->size, size);
        return err ? err : obj_fill(v, f->obj, size);
    }
    if (size < f->obj->size) obj_shrink(v, f->obj, size);
    return AKIRA_OK;
}

int akira_fs_sync(struct akira_fs_file *f)
{
    if (!handle_ok(f)) return AKIRA_EINVAL;
    return fs_obj_commit(f->fs.vol, f->obj);
}

int akira_fs_close(struct akira_fs_file *f)
{
    if (!handle_ok(f)) return AKIRA_EINVAL;
    struct akira_fs_vol *v = f->fs.vol;
    struct akira_fs_obj_ *o = f->obj;
    int err = fs_obj_commit(v, o);
    if (--o->refs == 0) {
        if (err) obj_drop(v, o);
        o->id = 0;
    }
    f->obj = NULL;
    return err;
}

/*
 * kvlog: append-only key/value log in a ring of flash sectors (see kvlog.h and
 * docs/storage.md for the format and why every power cut leaves it mountable).
 */
#include "le.h"
#include "kvlog.h"

#include <akira/err.h>

#include <string.h>

#define SECT_HDR_BYTES 12u
#define REC_BUF_MAX    (KVLOG_HDR_SIZE + KVLOG_KEY_MAX + KVLOG_VALUE_MAX + 16u)

static const uint32_t crc_nibble[16] = {
    0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
    0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t kvlog_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
    }
    return ~crc;
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
    return (v + a - 1) / a * a;
}

static uint32_t sect_off(const struct kvlog *log, uint32_t s)
{
    return s * log->fa.sector_size;
}

static uint32_t rec_len(const struct kvlog *log, uint32_t key_len, uint32_t val_len)
{
    return align_up(KVLOG_HDR_SIZE + key_len + val_len, log->fa.write_block_size);
}

static int read_sect_hdr(struct kvlog *log, uint32_t s, uint32_t *seq)
{
    uint8_t h[SECT_HDR_BYTES];
    int err = akira_flash_area_read(&log->fa, sect_off(log, s), h, sizeof h);
    if (err) return err;
    *seq = 0;
    if (akira_le_get32(h) == log->magic && akira_le_get32(h + 8) == kvlog_crc32(0, h, 8) &&
        akira_le_get32(h + 4) != 0)
        *seq = akira_le_get32(h + 4);
    return AKIRA_OK;
}

/* Erase a sector so that an erase cut halfway can never leave a header that still
 * reads valid over half-erased records: the header is zeroed first. */
static int sect_erase(struct kvlog *log, uint32_t s)
{
    uint8_t z[SECT_HDR_BYTES + 16];
    uint8_t h[SECT_HDR_BYTES];
    uint32_t off = sect_off(log, s);
    int err = akira_flash_area_read(&log->fa, off, h, sizeof h);
    if (err) return err;
    if (akira_le_get32(h) == log->magic) {
        memset(z, 0, sizeof z);
        err = akira_flash_area_write(&log->fa, off, z, log->hdr_size);
        if (err) return err;
    }
    err = akira_flash_area_erase(&log->fa, off, log->fa.sector_size);
    if (err) return err;
    log->seq[s] = 0;
    log->end[s] = 0;
    return AKIRA_OK;
}

static int sect_start(struct kvlog *log, uint32_t s, uint32_t seq)
{
    uint8_t h[SECT_HDR_BYTES + 16];
    memset(h, 0xFF, sizeof h);
    akira_le_put32(h, log->magic);
    akira_le_put32(h + 4, seq);
    akira_le_put32(h + 8, kvlog_crc32(0, h, 8));
    int err = akira_flash_area_write(&log->fa, sect_off(log, s), h, log->hdr_size);
    log->programmed += log->hdr_size;
    if (err) return err;
    log->seq[s] = seq;
    log->end[s] = log->hdr_size;
    log->active = s;
    if (seq > log->max_seq) log->max_seq = seq;
    return AKIRA_OK;
}

/* Offset just past the last byte of sector s that is not 0xFF. */
static int last_written(struct kvlog *log, uint32_t s, uint32_t *out)
{
    uint8_t buf[256];
    uint32_t ss = log->fa.sector_size;
    for (uint32_t top = ss; top > 0;) {
        uint32_t n = top < sizeof buf ? top : (uint32_t)sizeof buf;
        int err = akira_flash_area_read(&log->fa, sect_off(log, s) + top - n, buf, n);
        if (err) return err;
        for (uint32_t i = n; i > 0; i--) {
            if (buf[i - 1] != 0xFF) {
                *out = top - n + i;
                return AKIRA_OK;
            }
        }
        top -= n;
    }
    *out = 0;
    return AKIRA_OK;
}

/* CRC of a record's header fields, key and value, read back from flash. */
static int rec_crc(struct kvlog *log, uint32_t base, const uint8_t *hdr, uint32_t key_len,
                   uint32_t val_len, uint32_t *crc)
{
    uint8_t buf[128];
    uint32_t c = kvlog_crc32(0, hdr, 4);
    uint32_t left = key_len + val_len, at = base + KVLOG_HDR_SIZE;
    while (left > 0) {
        uint32_t n = left < sizeof buf ? left : (uint32_t)sizeof buf;
        int err = akira_flash_area_read(&log->fa, at, buf, n);
        if (err) return err;
        c = kvlog_crc32(c, buf, n);
        at += n;
        left -= n;
    }
    *crc = c;
    return AKIRA_OK;
}

/*
 * Walk the records of sector s in [header, limit). A record is valid when its lengths
 * are in range and its CRC matches. Anything else is skipped: by its stated length when
 * the lengths are plausible (a torn record), else one write block at a time until a
 * valid record shows up again (garbage). Returns the visitor's nonzero value or an
 * error; *stop gets the offset where the walk ended.
 *
 * With want set, only records of that key are checked and visited: the walk steps over
 * every plausible record by its stated length whether its CRC holds or not, so the
 * other records' CRCs cannot change where it goes, and a lookup skips computing them.
 */
static int scan_sector_key(struct kvlog *log, uint32_t s, uint32_t limit, const void *want,
                           uint8_t want_len, kvlog_visit_fn fn, void *ctx, uint32_t *stop)
{
    uint32_t ss = log->fa.sector_size, wbs = log->fa.write_block_size;
    uint32_t p = log->hdr_size;
    struct kvlog_rec rec;
    while (p < limit && p + KVLOG_HDR_SIZE <= ss) {
        uint8_t h[KVLOG_HDR_SIZE];
        uint32_t base = sect_off(log, s) + p;
        int err = akira_flash_area_read(&log->fa, base, h, sizeof h);
        if (err) return err;
        uint32_t val_len = (uint32_t)h[0] | (uint32_t)h[1] << 8, key_len = h[2];
        uint32_t len = rec_len(log, key_len, val_len);
        if (key_len == 0 || key_len > KVLOG_KEY_MAX || val_len > KVLOG_VALUE_MAX || p + len > ss) {
            p += wbs;
            continue;
        }
        if (want) {
            if (key_len != want_len) {
                p += len;
                continue;
            }
            err = akira_flash_area_read(&log->fa, base + KVLOG_HDR_SIZE, rec.key, key_len);
            if (err) return err;
            if (memcmp(rec.key, want, want_len) != 0) {
                p += len;
                continue;
            }
        }
        uint32_t crc;
        err = rec_crc(log, base, h, key_len, val_len, &crc);
        if (err) return err;
        if (crc == akira_le_get32(h + 4) && fn) {
            rec.loc = KVLOG_LOC(s, p);
            rec.val_len = (uint16_t)val_len;
            rec.key_len = (uint8_t)key_len;
            rec.flags = h[3];
            if (!want) {
                err = akira_flash_area_read(&log->fa, base + KVLOG_HDR_SIZE, rec.key, key_len);
                if (err) return err;
            }
            int r = fn(ctx, &rec);
            if (r) return r;
        }
        p += len;
    }
    if (stop) *stop = p;
    return AKIRA_OK;
}

static int scan_sector(struct kvlog *log, uint32_t s, uint32_t limit, kvlog_visit_fn fn, void *ctx,
                       uint32_t *stop)
{
    return scan_sector_key(log, s, limit, NULL, 0, fn, ctx, stop);
}

/* i-th sector from the newest (i = 0 is the active one); ring order is sequence order. */
static uint32_t nth_newest(const struct kvlog *log, uint32_t i)
{
    return (log->active + log->nsect - i) % log->nsect;
}

struct find_ctx {
    const void *key;
    uint8_t key_len;
    bool found;
    struct kvlog_rec *out;
};

static int find_visit(void *ctx, const struct kvlog_rec *rec)
{
    struct find_ctx *f = ctx;
    if (rec->key_len == f->key_len && memcmp(rec->key, f->key, f->key_len) == 0) {
        *f->out = *rec;
        f->found = true;
    }
    return 0;
}

int kvlog_find(struct kvlog *log, const void *key, uint8_t key_len, struct kvlog_rec *out)
{
    struct find_ctx f = {key, key_len, false, out};
    for (uint32_t i = 0; i < log->nsect; i++) {
        uint32_t s = nth_newest(log, i);
        if (!log->seq[s]) continue;
        int err = scan_sector_key(log, s, log->end[s], key, key_len, find_visit, &f, NULL);
        if (err) return err;
        if (f.found) return AKIRA_OK;
    }
    return AKIRA_ENOENT;
}

int kvlog_walk(struct kvlog *log, kvlog_visit_fn fn, void *ctx)
{
    for (uint32_t i = log->nsect; i-- > 0;) {
        uint32_t s = nth_newest(log, i);
        if (!log->seq[s]) continue;
        int r = scan_sector(log, s, log->end[s], fn, ctx, NULL);
        if (r) return r;
    }
    return AKIRA_OK;
}

int kvlog_load(struct kvlog *log, kvlog_loc_t loc, struct kvlog_rec *out)
{
    uint8_t h[KVLOG_HDR_SIZE];
    uint32_t s = KVLOG_LOC_SECT(loc), off = KVLOG_LOC_OFF(loc);
    if (s >= log->nsect || off + KVLOG_HDR_SIZE > log->fa.sector_size) return AKIRA_EINVAL;
    int err = akira_flash_area_read(&log->fa, sect_off(log, s) + off, h, sizeof h);
    if (err) return err;
    out->loc = loc;
    out->val_len = (uint16_t)(h[0] | h[1] << 8);
    out->key_len = h[2];
    out->flags = h[3];
    if (out->key_len == 0 || out->key_len > KVLOG_KEY_MAX || out->val_len > KVLOG_VALUE_MAX)
        return AKIRA_ECORRUPT;
    return akira_flash_area_read(&log->fa, sect_off(log, s) + off + KVLOG_HDR_SIZE, out->key,
                                 out->key_len);
}

int kvlog_read_value(struct kvlog *log, const struct kvlog_rec *rec, void *buf, uint16_t cap)
{
    uint32_t n = rec->val_len < cap ? rec->val_len : cap;
    uint32_t off = sect_off(log, KVLOG_LOC_SECT(rec->loc)) + KVLOG_LOC_OFF(rec->loc);
    return akira_flash_area_read(&log->fa, off + KVLOG_HDR_SIZE + rec->key_len, buf, n);
}

uint32_t kvlog_free_in_active(const struct kvlog *log)
{
    return log->fa.sector_size - log->end[log->active];
}

static int write_record(struct kvlog *log, const void *key, uint8_t key_len, uint8_t flags,
                        const void *val, uint16_t val_len, kvlog_loc_t *loc_out)
{
    uint8_t buf[REC_BUF_MAX];
    uint32_t len = rec_len(log, key_len, val_len);
    uint32_t s = log->active, p = log->end[s];
    memset(buf, 0xFF, len);
    akira_le_put16(buf, val_len);
    buf[2] = key_len;
    buf[3] = flags;
    memcpy(buf + KVLOG_HDR_SIZE, key, key_len);
    if (val_len) memcpy(buf + KVLOG_HDR_SIZE + key_len, val, val_len);
    uint32_t crc = kvlog_crc32(0, buf, 4);
    crc = kvlog_crc32(crc, buf + KVLOG_HDR_SIZE, key_len + (uint32_t)val_len);
    akira_le_put32(buf + 4, crc);
    /* One program call for the whole record: a cut leaves a prefix, which the CRC
     * rejects, and the space it used is skipped by its length. */
    int err = akira_flash_area_write(&log->fa, sect_off(log, s) + p, buf, len);
    /* Even a failed write may have programmed part of the space: never reuse it. */
    log->end[s] = p + len;
    log->programmed += len;
    if (err) return err;
    if (loc_out) *loc_out = KVLOG_LOC(s, p);
    return AKIRA_OK;
}

static bool default_is_live(struct kvlog *log, const struct kvlog_rec *rec)
{
    struct kvlog_rec cur;
    if (kvlog_find(log, rec->key, rec->key_len, &cur) != AKIRA_OK) return false;
    return cur.loc == rec->loc;
}

struct copy_ctx {
    struct kvlog *log;
    bool use_hooks;
    int err;
};

static int copy_visit(void *ctx, const struct kvlog_rec *rec)
{
    struct copy_ctx *c = ctx;
    struct kvlog *log = c->log;
    /* The oldest sector holds nothing older, so a deletion marker that is still the
     * newest record of its key has nothing left to hide and is dropped. */
    if (rec->flags & KVLOG_FLAG_DELETED) return 0;
    bool live = c->use_hooks && log->hooks.is_live ? log->hooks.is_live(log->hooks.ctx, rec)
                                                   : default_is_live(log, rec);
    if (!live) return 0;
    uint8_t val[KVLOG_VALUE_MAX];
    int err = kvlog_read_value(log, rec, val, rec->val_len);
    kvlog_loc_t nl;
    if (!err) err = write_record(log, rec->key, rec->key_len, rec->flags, val, rec->val_len, &nl);
    if (err) {
        c->err = err;
        return 1;
    }
    if (c->use_hooks && log->hooks.moved) log->hooks.moved(log->hooks.ctx, rec, nl);
    return 0;
}

/* Make the spare the active sector and empty the oldest one into it. */
static int rotate(struct kvlog *log, bool use_hooks)
{
    uint32_t next = (log->active + 1) % log->nsect;
    uint32_t old = (next + 1) % log->nsect;
    int err;
    if (!akira_flash_area_is_erased(&log->fa, sect_off(log, next), log->fa.sector_size)) {
        err = sect_erase(log, next);
        if (err) return err;
    }
    err = sect_start(log, next, log->max_seq + 1);
    if (err) return err;
    log->gc_count++;
    if (old == next || !log->seq[old]) return AKIRA_OK;
    struct copy_ctx c = {log, use_hooks, 0};
    err = scan_sector(log, old, log->end[old], copy_visit, &c, NULL);
    if (c.err) return c.err;
    if (err < 0) return err;
    return sect_erase(log, old);
}

int kvlog_format(struct kvlog *log)
{
    for (uint32_t s = 0; s < log->nsect; s++) {
        if (!akira_flash_area_is_erased(&log->fa, sect_off(log, s), log->fa.sector_size)) {
            int err = sect_erase(log, s);
            if (err) return err;
        }
        log->seq[s] = 0;
        log->end[s] = 0;
    }
    log->max_seq = 0;
    return sect_start(log, 0, 1);
}

int kvlog_mount(struct kvlog *log, const struct akira_flash_area *fa, uint32_t magic,
                const struct kvlog_hooks *hooks)
{
    if (!log || !fa || !fa->writable) return AKIRA_EINVAL;
    memset(log, 0, sizeof *log);
    log->fa = *fa;
    log->magic = magic;
    log->nsect = fa->size / fa->sector_size;
    log->hdr_size = align_up(SECT_HDR_BYTES, fa->write_block_size);
    if (log->nsect < 3 || log->nsect > KVLOG_MAX_SECTORS || fa->sector_size > 0x10000 ||
        fa->write_block_size > 16 ||
        rec_len(log, KVLOG_KEY_MAX, KVLOG_VALUE_MAX) + log->hdr_size > fa->sector_size)
        return AKIRA_EINVAL;

    bool any = false;
    for (uint32_t s = 0; s < log->nsect; s++) {
        int err = read_sect_hdr(log, s, &log->seq[s]);
        if (err) return err;
        if (log->seq[s] && (!any || log->seq[s] > log->max_seq)) {
            log->max_seq = log->seq[s];
            log->active = s;
        }
        any |= log->seq[s] != 0;
    }
    int err;
    if (!any) {
        err = kvlog_format(log);
        if (err) return err;
    } else {
        for (uint32_t s = 0; s < log->nsect; s++) {
            uint32_t last, stop;
            if (!log->seq[s]) continue;
            err = last_written(log, s, &last);
            if (!err) err = scan_sector(log, s, last, NULL, NULL, &stop);
            if (err) return err;
            log->end[s] = stop;
        }
        uint32_t next = (log->active + 1) % log->nsect;
        if (log->seq[next]) {
            /* The sector after the newest still holds data: a rotation was cut before
             * the oldest sector was erased. The newest sector holds only copies of it
             * (appends wait until a rotation is complete), so drop them and redo the
             * rotation from the previous sector. */
            uint32_t prev = (log->active + log->nsect - 1) % log->nsect;
            err = sect_erase(log, log->active);
            if (err) return err;
            log->active = prev;
            if (!log->seq[prev]) {
                /* Cannot happen in a ring we wrote; still, never write over data. */
                return AKIRA_ECORRUPT;
            }
            err = rotate(log, false);
            if (err) return err;
        } else if (!akira_flash_area_is_erased(fa, sect_off(log, next), fa->sector_size)) {
            /* A cut erase left the spare half done. */
            err = sect_erase(log, next);
            if (err) return err;
        }
    }
    if (hooks) log->hooks = *hooks;
    return AKIRA_OK;
}

int kvlog_append(struct kvlog *log, const void *key, uint8_t key_len, uint8_t flags,
                 const void *val, uint16_t val_len, kvlog_loc_t *loc_out)
{
    if (key_len == 0 || key_len > KVLOG_KEY_MAX) return AKIRA_ENAMETOOLONG;
    if (val_len > KVLOG_VALUE_MAX) return AKIRA_ETOOBIG;
    /* A value leaves room for one deletion marker behind it. Every sector then holds at
     * most sector - reserve bytes of values (copies are a subset of a sector's values),
     * so right after a rotation a deletion always fits: a full store can still be
     * emptied. */
    uint32_t need = rec_len(log, key_len, val_len);
    bool del = flags & KVLOG_FLAG_DELETED;
    if (!del) need += rec_len(log, KVLOG_KEY_MAX, 0);
    /* After a full turn of the ring found no room, only a deletion can make some: do
     * not wear every sector again for each retry of a value that cannot fit. */
    if (!del && log->full_need && need >= log->full_need) return AKIRA_ENOSPC;
    for (uint32_t tries = 0; kvlog_free_in_active(log) < need; tries++) {
        if (tries >= log->nsect - 1) {
            if (!log->full_need || need < log->full_need) log->full_need = need;
            return AKIRA_ENOSPC;
        }
        int err = rotate(log, true);
        if (err) return err;
    }
    int err = write_record(log, key, key_len, flags, val, val_len, loc_out);
    if (!err && del) log->full_need = 0;
    return err;
}

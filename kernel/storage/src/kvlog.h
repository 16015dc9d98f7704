/*
 * kvlog: the append-only, CRC-checked key/value log that settings and the file
 * system's metadata share (private to kernel/storage). docs/storage.md gives the
 * on-flash format and the power-loss argument.
 *
 * The area is a ring of sectors. The sector with the highest sequence number is the
 * active one and takes appends; the sector after it in the ring is always kept erased
 * (the spare). When a record does not fit, the spare becomes active and the live
 * records of the oldest sector (the one after the new active) are copied into it, then
 * the oldest is erased and becomes the spare.
 *
 * Not thread-safe: callers hold their own lock. RAM: two words per sector.
 */
#ifndef AKIRA_STORAGE_KVLOG_H
#define AKIRA_STORAGE_KVLOG_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/flash_map.h>

#define KVLOG_MAX_SECTORS 64
#define KVLOG_KEY_MAX     64
#define KVLOG_VALUE_MAX   1024
#define KVLOG_HDR_SIZE    8u /* record header: val_len u16, key_len u8, flags u8, crc32 */

#define KVLOG_FLAG_DELETED 0x01u

/* Location of a record: sector index << 16 | offset in sector. */
typedef uint32_t kvlog_loc_t;
#define KVLOG_LOC(s, off)   (((uint32_t)(s) << 16) | (uint32_t)(off))
#define KVLOG_LOC_SECT(loc) ((loc) >> 16)
#define KVLOG_LOC_OFF(loc)  ((loc)&0xFFFFu)

struct kvlog_rec {
    kvlog_loc_t loc;
    uint16_t val_len;
    uint8_t key_len;
    uint8_t flags;
    uint8_t key[KVLOG_KEY_MAX];
};

struct kvlog;

/* Optional hooks for a user that indexes the log in RAM (the file system): is_live says
 * whether the record at rec->loc is the current one for its key; moved reports that GC
 * copied it to new_loc. Without hooks the log answers is_live by scanning. */
struct kvlog_hooks {
    bool (*is_live)(void *ctx, const struct kvlog_rec *rec);
    void (*moved)(void *ctx, const struct kvlog_rec *rec, kvlog_loc_t new_loc);
    void *ctx;
};

struct kvlog {
    struct akira_flash_area fa;
    uint32_t magic;
    uint32_t nsect;
    uint32_t hdr_size; /* sector header, rounded to the write block */
    uint32_t active;
    uint32_t max_seq;
    uint32_t seq[KVLOG_MAX_SECTORS]; /* 0: not a data sector (erased or garbage) */
    uint32_t end[KVLOG_MAX_SECTORS]; /* first offset of the erased tail */
    struct kvlog_hooks hooks;
    uint64_t gc_count;
    uint64_t programmed; /* bytes written since mount: records, GC copies, headers */
    uint32_t full_need;  /* a value this big found no room after a full turn; 0: none */
};

/*
 * Mount the log on `fa` (writable, 3 to KVLOG_MAX_SECTORS sectors, sectors up to
 * 64 KiB). `magic` tells this log's sectors from another user's. An area with no
 * valid sector is formatted. An interrupted garbage collection is finished.
 * Errors: AKIRA_EINVAL (geometry), AKIRA_EIO (flash).
 */
int kvlog_mount(struct kvlog *log, const struct akira_flash_area *fa, uint32_t magic,
                const struct kvlog_hooks *hooks);

/* Erase the whole area and start an empty log. */
int kvlog_format(struct kvlog *log);

/*
 * Append a record (value, or a deletion marker when flags has KVLOG_FLAG_DELETED).
 * Durable when it returns AKIRA_OK. *loc_out (optional) gets its location.
 * AKIRA_ENOSPC when the live data leaves no room even after a full rotation,
 * AKIRA_ETOOBIG / AKIRA_ENAMETOOLONG for over-long values and keys.
 */
int kvlog_append(struct kvlog *log, const void *key, uint8_t key_len, uint8_t flags,
                 const void *val, uint16_t val_len, kvlog_loc_t *loc_out);

/* Newest record for key. AKIRA_ENOENT when none (a deletion marker is returned as a
 * record with KVLOG_FLAG_DELETED). */
int kvlog_find(struct kvlog *log, const void *key, uint8_t key_len, struct kvlog_rec *out);

/* Load the header and key of the record at loc (as given by kvlog_append or a walk). */
int kvlog_load(struct kvlog *log, kvlog_loc_t loc, struct kvlog_rec *out);

/* Read up to cap bytes of the value of the record at loc. */
int kvlog_read_value(struct kvlog *log, const struct kvlog_rec *rec, void *buf, uint16_t cap);

/* Visit every valid record, oldest first (sectors by sequence, records by offset).
 * The visitor returns nonzero to stop; that value is returned. */
typedef int (*kvlog_visit_fn)(void *ctx, const struct kvlog_rec *rec);
int kvlog_walk(struct kvlog *log, kvlog_visit_fn fn, void *ctx);

/* Bytes free in the active sector and over the whole log's non-spare sectors. */
uint32_t kvlog_free_in_active(const struct kvlog *log);

uint32_t kvlog_crc32(uint32_t crc, const void *data, size_t len);

#endif /* AKIRA_STORAGE_KVLOG_H */

/*
 * A power-safe file system for app data and logs, on the "fs" partition.
 *
 * Guarantees (the argument is in docs/storage.md):
 *  - it always mounts after a power cut at any instant;
 *  - a file's contents as of its last akira_fs_sync()/akira_fs_close() that returned
 *    AKIRA_OK survive any later cut; a write not yet synced leaves, after a cut, the
 *    file exactly as it was at the last sync or exactly as at the new sync, never a mix;
 *  - mkdir, unlink, rename and create are atomic;
 *  - wear is levelled dynamically (copy-on-write into the least recently used free
 *    block); RAM use is fixed by the limits below and independent of file sizes.
 *
 * Layout: the first sectors hold the metadata log (one CRC-checked record per file or
 * directory, appended copy-on-write, garbage-collected by sector rotation); the rest
 * are data blocks of one sector each. A file is an index block (a list of its data
 * blocks) plus its data blocks; changing a file writes new blocks, then appends the
 * file's new record, which is the single atomic commit point.
 *
 * Views: every call takes a `struct akira_fs`, a view rooted at a directory. The
 * system uses the volume's root view; an app gets a view rooted at /apps/<name> with a
 * quota of flash bytes and a limit on its files and directories. The quota charges
 * what an entry really costs on the flash (akira_fs_usage_get): whole blocks held
 * (data, index, copies not yet synced) and one metadata record per file and
 * directory. Paths are resolved inside the view: a leading '/' is the view's root,
 * "." and ".." are rejected (AKIRA_EINVAL), so no path escapes a view.
 *
 * Threads: a volume is not thread-safe; callers serialise (one lock per volume).
 * Errors: AKIRA_ENOENT (no such path), AKIRA_EEXIST, AKIRA_EINVAL (bad path, "..",
 * not a directory, is a directory, bad flags), AKIRA_ENAMETOOLONG (a name over
 * AKIRA_FS_NAME_MAX or a path over AKIRA_FS_PATH_MAX), AKIRA_ENOSPC (no free block,
 * metadata full, too many files), AKIRA_EQUOTA (the view's quota), AKIRA_EBUSY (open
 * file removed, too many open files), AKIRA_ENOTEMPTY (directory to remove or replace
 * has entries), AKIRA_EACCES (write on a read-only handle),
 * AKIRA_ETOOBIG (file over the largest size), AKIRA_ECORRUPT (mount: no file system),
 * AKIRA_EIO (flash).
 */
#ifndef AKIRA_FS_H
#define AKIRA_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/board_config.h>
#include <akira/flash_map.h>

#define AKIRA_FS_NAME_MAX   32  /* bytes in one path component */
#define AKIRA_FS_PATH_MAX   255 /* bytes in a whole path */
#define AKIRA_FS_INODES_MAX 256 /* files + directories, root included */
#define AKIRA_FS_OPEN_MAX   6   /* distinct files open at once */
/* Data blocks a volume can have, and of one file: the volume's block bitmaps and each
 * open file's block index are sized by them (an open file holds 2 bytes per block in
 * RAM). A board whose file system is smaller sizes them to it in its board_config.h
 * (AKIRA_BOARD_FS_BLOCKS_MAX, AKIRA_BOARD_FS_FILE_BLOCKS_MAX): neither changes the
 * format on flash, only the largest volume and file this build can use. */
#ifdef AKIRA_BOARD_FS_BLOCKS_MAX
#define AKIRA_FS_BLOCKS_MAX AKIRA_BOARD_FS_BLOCKS_MAX
#else
#define AKIRA_FS_BLOCKS_MAX 4096
#endif
#ifdef AKIRA_BOARD_FS_FILE_BLOCKS_MAX
#define AKIRA_FS_FILE_BLOCKS_MAX AKIRA_BOARD_FS_FILE_BLOCKS_MAX
#else
#define AKIRA_FS_FILE_BLOCKS_MAX 2048
#endif

enum akira_fs_type { AKIRA_FS_TYPE_FILE = 1, AKIRA_FS_TYPE_DIR = 2 };

/* Open flags. */
#define AKIRA_FS_O_READ   0x01u
#define AKIRA_FS_O_WRITE  0x02u
#define AKIRA_FS_O_RDWR   (AKIRA_FS_O_READ | AKIRA_FS_O_WRITE)
#define AKIRA_FS_O_CREATE 0x04u /* create if missing */
#define AKIRA_FS_O_EXCL   0x08u /* with CREATE: fail with AKIRA_EEXIST if it exists */
#define AKIRA_FS_O_TRUNC  0x10u /* empty it on open */
#define AKIRA_FS_O_APPEND 0x20u /* every write goes to the end */

enum akira_fs_whence { AKIRA_FS_SEEK_SET, AKIRA_FS_SEEK_CUR, AKIRA_FS_SEEK_END };

struct akira_fs_stat {
    enum akira_fs_type type;
    uint32_t size; /* bytes (files; 0 for directories) */
    char name[AKIRA_FS_NAME_MAX + 1];
};

struct akira_fs_info {
    uint32_t block_size;
    uint32_t blocks_total;
    uint32_t blocks_free;
    uint32_t inodes_used;
    uint32_t inodes_max;
};

/* --- Private state, sized here so that callers can allocate it statically ---------- */
struct akira_fs_inode_ {
    uint32_t loc; /* metadata record location, 0: free id */
    uint32_t size;
    uint32_t txn; /* commit number of the record: orders duplicates after a cut */
    uint16_t parent;
    uint8_t type;
    uint8_t hash;
};

struct akira_fs_obj_ {
    uint16_t id; /* 0: slot free */
    uint16_t refs;
    bool dirty;
    uint32_t size;   /* current, unsynced included */
    uint32_t csize;  /* as committed */
    uint16_t cindex; /* committed index block */
    uint16_t idx[AKIRA_FS_FILE_BLOCKS_MAX];
};

struct akira_fs_vol {
    _Alignas(8) unsigned char log[640];
    struct akira_flash_area data;
    uint32_t bs, nblocks, cursor, free_blocks, idx_per_block, txn;
    bool mounted;
    uint64_t blk_allocs; /* blocks handed out since mount: each one is (or will be) erased */
    uint8_t used[AKIRA_FS_BLOCKS_MAX / 8];
    uint8_t fresh[AKIRA_FS_BLOCKS_MAX / 8];
    struct akira_fs_inode_ ino[AKIRA_FS_INODES_MAX];
    struct akira_fs_obj_ obj[AKIRA_FS_OPEN_MAX];
};
/* ------------------------------------------------------------------------------------ */

/* A view: a volume seen from one directory, with optional limits (0: none). */
struct akira_fs {
    struct akira_fs_vol *vol;
    uint16_t root;
    uint16_t max_inodes; /* files + directories below root */
    uint32_t quota;      /* flash bytes charged (akira_fs_usage_get's `charged`) */
};

/* What the entries below a view's root cost. */
struct akira_fs_usage {
    uint32_t bytes;   /* sum of the files' sizes */
    uint32_t charged; /* whole blocks held (data, index, unsynced copies) x block size,
                       * + AKIRA_FS_META_COST per file and directory: what quota counts */
    uint32_t inodes;  /* files and directories (the root itself not counted) */
};

struct akira_fs_file {
    struct akira_fs fs;
    struct akira_fs_obj_ *obj; /* NULL when closed */
    uint32_t pos;
    uint32_t flags;
};

struct akira_fs_dir {
    struct akira_fs fs;
    uint16_t dir;
    uint16_t next;
};

/*
 * Mount the volume on a writable area (sector-sized blocks, at least 8 sectors).
 * AKIRA_ECORRUPT when the area holds no file system: call akira_fs_format() then.
 * Finishes any rename interrupted by a cut. Blocks on flash I/O (reads every file's
 * index once).
 */
int akira_fs_mount(struct akira_fs_vol *vol, const struct akira_flash_area *fa);

/* Make an empty file system on the area (cheap: data blocks are erased when first
 * used). The volume is mounted afterwards. */
int akira_fs_format(struct akira_fs_vol *vol, const struct akira_flash_area *fa);

/* Sync every open file and detach. Open handles become invalid. */
int akira_fs_unmount(struct akira_fs_vol *vol);

/* The whole volume. */
void akira_fs_root_view(struct akira_fs_vol *vol, struct akira_fs *out);

/* A view rooted at /apps/<app> (created if missing) charging at most quota bytes of
 * flash and holding at most max_inodes files and directories (0 = unlimited). app is
 * a single path component. Past either limit a create, mkdir, write or truncate fails
 * with AKIRA_EQUOTA and changes nothing; other views are unaffected. */
int akira_fs_app_view(struct akira_fs_vol *vol, const char *app, uint32_t quota,
                      uint16_t max_inodes, struct akira_fs *out);

/* The cost of what lies below the view's root. AKIRA_EINVAL for a bad view. */
int akira_fs_usage_get(const struct akira_fs *fs, struct akira_fs_usage *out);
/* Its `charged` figure: what the view's quota counts (0 for a bad view). */
uint32_t akira_fs_usage(const struct akira_fs *fs);

/* Flash bytes the volume has consumed since mount: blocks handed out (each costs an
 * erase sooner or later) times the block size, plus bytes programmed into the
 * metadata log (records, the copies its garbage collection makes, sector headers).
 * Erases follow at one per block size of it: the wear figure for write budgets. */
uint64_t akira_fs_wear(const struct akira_fs_vol *vol);

/* Flash bytes one metadata record may take: what a file or directory is charged for
 * its entry on top of its blocks. */
#define AKIRA_FS_META_COST 64u

int akira_fs_open(const struct akira_fs *fs, const char *path, uint32_t flags,
                  struct akira_fs_file *f);
/* Bytes read (0 at end of file) or an error. */
int akira_fs_read(struct akira_fs_file *f, void *buf, size_t len);
/* Bytes written (all of len unless space ran out part way) or an error. Writing past
 * the end fills the gap with zeros. Not durable until sync/close. */
int akira_fs_write(struct akira_fs_file *f, const void *buf, size_t len);
/* New position or an error; seeking past the end is allowed. */
int akira_fs_seek(struct akira_fs_file *f, int32_t off, enum akira_fs_whence whence);
int akira_fs_tell(const struct akira_fs_file *f);
int akira_fs_size(const struct akira_fs_file *f);
int akira_fs_truncate(struct akira_fs_file *f, uint32_t size);
/* Make the file's current contents durable (the atomic commit). */
int akira_fs_sync(struct akira_fs_file *f);
/* Sync and release the handle (released even when the sync fails). */
int akira_fs_close(struct akira_fs_file *f);

int akira_fs_mkdir(const struct akira_fs *fs, const char *path);
/* Remove a file or an empty directory. */
int akira_fs_unlink(const struct akira_fs *fs, const char *path);
/* Move/rename; an existing destination of the same type (an empty directory) is
 * replaced atomically. */
int akira_fs_rename(const struct akira_fs *fs, const char *from, const char *to);
int akira_fs_stat(const struct akira_fs *fs, const char *path, struct akira_fs_stat *st);

int akira_fs_opendir(const struct akira_fs *fs, const char *path, struct akira_fs_dir *d);
/* 1 and *st for the next entry, 0 at the end, or an error. Entries come in creation-
 * slot order; entries added or removed while reading may or may not be seen. */
int akira_fs_readdir(struct akira_fs_dir *d, struct akira_fs_stat *st);

int akira_fs_info(const struct akira_fs_vol *vol, struct akira_fs_info *info);

#endif /* AKIRA_FS_H */

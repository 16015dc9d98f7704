/*
 * File system internals shared by fs_vol.c (volume, metadata, blocks), fs_file.c
 * (file contents) and fs_ns.c (paths, directories, views).
 */
#ifndef AKIRA_STORAGE_FS_PRIV_H
#define AKIRA_STORAGE_FS_PRIV_H

#include <akira/fs.h>

#include "kvlog.h"

#define FS_NONE    0xFFFFu /* no block */
#define FS_ROOT_ID 1u
#define FS_SB_ID   0u /* the superblock record's key */

/* Decoded metadata record of one inode. */
struct fs_meta {
    uint8_t type;
    uint8_t name_len;
    uint16_t parent;
    uint32_t size;
    uint16_t index;
    uint32_t txn; /* set by fs_meta_write: the volume's next commit number */
    char name[AKIRA_FS_NAME_MAX + 1];
};

static inline struct kvlog *fs_log(struct akira_fs_vol *v)
{
    return (struct kvlog *)(void *)v->log;
}

uint8_t fs_name_hash(const char *name, size_t len);

/* Metadata records. */
int fs_meta_read(struct akira_fs_vol *v, uint16_t id, struct fs_meta *m);
int fs_meta_write(struct akira_fs_vol *v, uint16_t id, const struct fs_meta *m);
int fs_meta_delete(struct akira_fs_vol *v, uint16_t id);
int fs_inode_alloc(struct akira_fs_vol *v, uint16_t *id);

/* Blocks. */
bool fs_blk_used(const struct akira_fs_vol *v, uint16_t b);
bool fs_blk_fresh(const struct akira_fs_vol *v, uint16_t b);
int fs_blk_alloc(struct akira_fs_vol *v, uint16_t *b);
void fs_blk_free(struct akira_fs_vol *v, uint16_t b);
void fs_blk_settle(struct akira_fs_vol *v, uint16_t b); /* fresh -> committed */
uint32_t fs_blk_off(const struct akira_fs_vol *v, uint16_t b);
int fs_index_read(struct akira_fs_vol *v, uint16_t index, uint32_t first, uint32_t n,
                  uint16_t *out);
/* Free the blocks of a committed file (after its record is gone). */
void fs_free_file_blocks(struct akira_fs_vol *v, uint16_t index, uint32_t size);

/* Open files. */
struct akira_fs_obj_ *fs_obj_find(struct akira_fs_vol *v, uint16_t id);
int fs_obj_commit(struct akira_fs_vol *v, struct akira_fs_obj_ *o);
/* Blocks file `id` holds now: its committed data and index blocks, the fresh copies of
 * unsynced writes and the index block it will need at sync (what a quota charges). */
uint32_t fs_file_blocks_held(struct akira_fs_vol *v, uint16_t id);

/* Paths. */
int fs_lookup(struct akira_fs_vol *v, uint16_t dir, const char *name, size_t len, uint16_t *id);

#endif /* AKIRA_STORAGE_FS_PRIV_H */

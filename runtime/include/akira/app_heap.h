/*
 * The app heap: blocks the memory API hands out inside the app's own linear memory.
 *
 * At start the app manager grows the app's linear memory by heap_size (rounded up to
 * whole 64 KiB pages; the grow is charged to memory_quota) and gives that region to
 * this allocator. Addresses returned are app addresses (offsets in linear memory), so
 * the app uses them like any pointer. The bookkeeping (two bitmaps, one bit per 32-byte
 * granule: "in use" and "starts a block") lives outside linear memory, so a buggy or
 * hostile app cannot corrupt it, and is charged to the quota too.
 *
 * First fit, O(region / 32) per call: meant for a few dozen blocks in tens of KiB.
 * Used only from the app's own thread (no lock).
 */
#ifndef AKIRA_APP_HEAP_H
#define AKIRA_APP_HEAP_H

#include <stdint.h>

#include <akira/quota.h>

#define AKIRA_APP_HEAP_GRANULE 32u

struct akira_app_heap {
    uint32_t base;     /* app address of the first granule */
    uint32_t granules; /* 0: no heap (heap_size 0) */
    uint32_t *in_use;  /* bitmap */
    uint32_t *starts;  /* bitmap: first granule of a block */
    uint32_t used;     /* bytes in blocks (whole granules) */
    uint32_t peak;
    uint32_t blocks;
};

/* Manage [base, base + size) of linear memory. size 0 makes an empty heap (every alloc
 * fails). 0, or AKIRA_EQUOTA when the bitmaps do not fit the quota. */
int akira_app_heap_init(struct akira_app_heap *h, struct akira_quota *q, uint32_t base,
                        uint32_t size);
void akira_app_heap_deinit(struct akira_app_heap *h, struct akira_quota *q);

/* A block of at least size bytes, aligned to 32; its app address, or 0 when size is 0
 * or no run of free granules is long enough. */
uint32_t akira_app_heap_alloc(struct akira_app_heap *h, uint32_t size);

/* Free the block starting at addr. 0, or AKIRA_EINVAL when addr is not the start of a
 * live block (double free, interior or foreign pointer): nothing changes. */
int akira_app_heap_free(struct akira_app_heap *h, uint32_t addr);

/* The size of the block starting at addr: its whole granules in bytes (at least what
 * was asked), or 0 when addr is not the start of a live block. O(block / 32). */
uint32_t akira_app_heap_block_size(const struct akira_app_heap *h, uint32_t addr);

#endif /* AKIRA_APP_HEAP_H */

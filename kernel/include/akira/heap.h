/*
 * Heap allocator over a memory region the caller provides (Zephyr k_heap); used for
 * pools such as the app heap sized like the ESP32-S3's PSRAM.
 *
 * The heap's bookkeeping lives at the start of the region itself, so creating a heap
 * needs no other memory except its lock. Allocation is good-fit over segregated free
 * lists (power-of-two size classes) with immediate coalescing of neighbours, so freeing
 * everything always gives back one block the size of the heap. Blocks carry boundary
 * tags; freeing a pointer that is not a live block of this heap (double free, foreign
 * or interior pointer) is detected in O(1) and refused with AKIRA_EINVAL.
 *
 * All functions are thread-safe. Payloads are aligned to AKIRA_HEAP_ALIGN.
 */
#ifndef AKIRA_HEAP_H
#define AKIRA_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_HEAP_ALIGN (2 * sizeof(void *))

typedef struct akira_heap akira_heap_t;

/* Smallest region akira_heap_create accepts. */
#define AKIRA_HEAP_MIN_SIZE 1024

/*
 * Make a heap in mem[0..size). mem must stay valid and untouched by others until
 * akira_heap_destroy. Returns 0 and *out, AKIRA_EINVAL (NULL or size below
 * AKIRA_HEAP_MIN_SIZE), AKIRA_ENOMEM (lock).
 */
int akira_heap_create(akira_heap_t **out, void *mem, size_t size);

/* Release the heap's lock; the region is the caller's again. Outstanding blocks are
 * simply forgotten. NULL is ignored. */
void akira_heap_destroy(akira_heap_t *h);

/* size bytes aligned to AKIRA_HEAP_ALIGN, or NULL (size 0 or no fitting block; the
 * failure is counted). */
void *akira_heap_alloc(akira_heap_t *h, size_t size);

/* size bytes aligned to align (a power of two), or NULL. */
void *akira_heap_aligned_alloc(akira_heap_t *h, size_t align, size_t size);

/* Like akira_heap_alloc, zero-filled; NULL also if n * size overflows. */
void *akira_heap_calloc(akira_heap_t *h, size_t n, size_t size);

/* Free a block. NULL is 0. AKIRA_EINVAL if p is not a live block of h (nothing is
 * changed then). */
int akira_heap_free(akira_heap_t *h, void *p);

/* C realloc semantics: p NULL allocates, size 0 frees and returns NULL; on failure
 * returns NULL and p is untouched. Grows in place when the next block is free. */
void *akira_heap_realloc(akira_heap_t *h, void *p, size_t size);

/* Usable size of a live block (>= the size asked for), 0 if p is not one. */
size_t akira_heap_usable_size(akira_heap_t *h, const void *p);

struct akira_heap_stats {
    size_t total_bytes;     /* region size minus the heap's own bookkeeping */
    size_t used_bytes;      /* bytes in allocated blocks, including block headers */
    size_t free_bytes;      /* total_bytes - used_bytes */
    size_t peak_used_bytes; /* maximum of used_bytes since create */
    size_t largest_free;    /* biggest payload one akira_heap_alloc can return now */
    size_t alloc_count;     /* live allocations */
    uint64_t total_allocs;  /* successful allocations since create */
    uint64_t failures;      /* allocations that returned NULL */
};
void akira_heap_stats_get(akira_heap_t *h, struct akira_heap_stats *out);

/* Walk every block and check all invariants (tags, free lists, counters). 0 or
 * AKIRA_ECORRUPT. O(blocks); for tests and diagnostics. */
int akira_heap_check(akira_heap_t *h);

/* ---- the system heap (malloc) of the port ---- */

struct akira_sys_heap_stats {
    size_t total_bytes;   /* obtained from the OS (arena + mmapped) */
    size_t used_bytes;    /* in live allocations */
    size_t free_bytes;    /* held but free */
    size_t mmapped_bytes; /* part of total in large mmapped blocks */
};

/* System heap figures for the shell's `mem`. POSIX: glibc mallinfo2 (under ASan the
 * sanitizer's allocator answers, and may report zeros). 0 or AKIRA_ENOTSUP. */
int akira_sys_heap_stats(struct akira_sys_heap_stats *out);

#endif /* AKIRA_HEAP_H */

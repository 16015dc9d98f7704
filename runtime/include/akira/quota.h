/*
 * Per-app memory quota: every byte the runtime spends for an app is charged to it.
 *
 * One quota per app, limit = the manifest's memory_quota. The engine allocates the app's
 * module, store, operand stack, frame stack, linear memory (and every memory.grow)
 * through akira_quota_realloc, installed as the aw_config realloc hook with the quota
 * as its ctx; the app heap (memory API) lives inside linear memory and is charged by
 * the grow that makes room for it. A request that would take `used` past `limit` is
 * refused: the engine then fails cleanly (memory.grow returns -1, instantiation fails
 * with AW_ERR_NOMEM) and the refusal is counted.
 *
 * The operand stack starts small and grows on demand up to the app's stack_size: the
 * bytes it has not taken yet stay set aside (akira_quota_set_stack), counted as used
 * by every other request, so linear memory can never take what the stack may need;
 * the stack's own allocations (akira_quota_stack_realloc, the aw_config stack_realloc
 * hook) draw on them. The pool gives only what the stack really holds.
 *
 * Bytes come from `pool` (the board's app heap pool, akira/heap.h) or, when pool is
 * NULL, from the C library (unit tests, host tools).
 *
 * Thread-safety: charge/release/realloc from the app's thread; the counters may be read
 * from any thread (atomics). The pool has its own lock.
 */
#ifndef AKIRA_QUOTA_H
#define AKIRA_QUOTA_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/heap.h>

struct akira_quota {
    size_t limit;
    akira_heap_t *pool;
    atomic_size_t used;
    atomic_size_t peak;
    atomic_uint refused;      /* requests refused because of the limit or an empty pool */
    size_t stack_cap;         /* bytes set aside for the operand stack */
    atomic_size_t stack_held; /* of them allocated (in `used`) */
};

/* Start with nothing charged. */
void akira_quota_init(struct akira_quota *q, size_t limit, akira_heap_t *pool);

/* Account n more bytes: 0, or AKIRA_EQUOTA (nothing charged) when used + n > limit. */
int akira_quota_charge(struct akira_quota *q, size_t n);
/* Give back n bytes charged before. */
void akira_quota_release(struct akira_quota *q, size_t n);

/* aw_realloc_fn over a struct akira_quota (ctx): charges the growth before allocating,
 * releases what shrinks or is freed. NULL when refused (quota or pool exhausted). */
void *akira_quota_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size);

/* Set aside `bytes` for the operand stack (0: none), before the store is made. */
void akira_quota_set_stack(struct akira_quota *q, size_t bytes);
/* aw_realloc_fn for the operand stack (aw_config.stack_realloc): its growth draws on the
 * bytes set aside first, anything past them is charged as usual. */
void *akira_quota_stack_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size);

/* Bytes charged: allocated, plus what is still set aside for the operand stack. */
size_t akira_quota_used(const struct akira_quota *q);
size_t akira_quota_peak(const struct akira_quota *q);

#endif /* AKIRA_QUOTA_H */

/* Per-app memory quota and the engine's charged allocator (akira/quota.h). */
#include <stdlib.h>

#include <akira/err.h>
#include <akira/quota.h>

void akira_quota_init(struct akira_quota *q, size_t limit, akira_heap_t *pool)
{
    q->limit = limit;
    q->pool = pool;
    atomic_init(&q->used, 0);
    atomic_init(&q->peak, 0);
    atomic_init(&q->refused, 0);
}

int akira_quota_charge(struct akira_quota *q, size_t n)
{
    /* Only the app's own thread charges, so load + store is enough; the atomics are
     * there for readers on other threads (shell, stats). */
    size_t used = atomic_load_explicit(&q->used, memory_order_relaxed);
    if (n > q->limit || used > q->limit - n) {
        atomic_fetch_add_explicit(&q->refused, 1, memory_order_relaxed);
        return AKIRA_EQUOTA;
    }
    used += n;
    atomic_store_explicit(&q->used, used, memory_order_relaxed);
    if (used > atomic_load_explicit(&q->peak, memory_order_relaxed))
        atomic_store_explicit(&q->peak, used, memory_order_relaxed);
    return 0;
}

void akira_quota_release(struct akira_quota *q, size_t n)
{
    size_t used = atomic_load_explicit(&q->used, memory_order_relaxed);
    atomic_store_explicit(&q->used, n > used ? 0 : used - n, memory_order_relaxed);
}

void *akira_quota_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
    struct akira_quota *q = ctx;
    if (new_size == 0) {
        if (ptr) {
            if (q->pool)
                akira_heap_free(q->pool, ptr);
            else
                free(ptr);
            akira_quota_release(q, old_size);
        }
        return NULL;
    }
    if (new_size > old_size && akira_quota_charge(q, new_size - old_size) != 0) return NULL;
    void *p = q->pool ? akira_heap_realloc(q->pool, ptr, new_size) : realloc(ptr, new_size);
    if (!p) {
        if (new_size > old_size) {
            akira_quota_release(q, new_size - old_size);
            atomic_fetch_add_explicit(&q->refused, 1, memory_order_relaxed);
        }
        return NULL;
    }
    if (new_size < old_size) akira_quota_release(q, old_size - new_size);
    return p;
}

size_t akira_quota_used(const struct akira_quota *q)
{
    return atomic_load_explicit(&q->used, memory_order_relaxed);
}

size_t akira_quota_peak(const struct akira_quota *q)
{
    return atomic_load_explicit(&q->peak, memory_order_relaxed);
}

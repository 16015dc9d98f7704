/* Per-app memory quota and the engine's charged allocator (akira/quota.h). */
#include <stdbool.h>
#include <stdlib.h>

#include <akira/err.h>
#include <akira/quota.h>

void akira_quota_init(struct akira_quota *q, size_t limit, akira_heap_t *pool)
{
    q->limit = limit;
    q->pool = pool;
    q->stack_cap = 0;
    atomic_init(&q->used, 0);
    atomic_init(&q->peak, 0);
    atomic_init(&q->refused, 0);
    atomic_init(&q->stack_held, 0);
}

/* What is still set aside for the operand stack once it holds `held` bytes. */
static size_t aside(const struct akira_quota *q, size_t held)
{
    return q->stack_cap > held ? q->stack_cap - held : 0;
}

/* Charge n bytes, `stack` of them the operand stack's. */
static int charge(struct akira_quota *q, size_t n, size_t stack)
{
    /* Only the app's own thread charges, so load + store is enough; the atomics are
     * there for readers on other threads (shell, stats). */
    size_t used = atomic_load_explicit(&q->used, memory_order_relaxed);
    size_t held = atomic_load_explicit(&q->stack_held, memory_order_relaxed) + stack;
    size_t rest = aside(q, held);
    if (n > q->limit || rest > q->limit - n || used > q->limit - n - rest) {
        atomic_fetch_add_explicit(&q->refused, 1, memory_order_relaxed);
        return AKIRA_EQUOTA;
    }
    used += n;
    atomic_store_explicit(&q->used, used, memory_order_relaxed);
    atomic_store_explicit(&q->stack_held, held, memory_order_relaxed);
    if (used + rest > atomic_load_explicit(&q->peak, memory_order_relaxed))
        atomic_store_explicit(&q->peak, used + rest, memory_order_relaxed);
    return 0;
}

static void release(struct akira_quota *q, size_t n, size_t stack)
{
    size_t used = atomic_load_explicit(&q->used, memory_order_relaxed);
    size_t held = atomic_load_explicit(&q->stack_held, memory_order_relaxed);
    atomic_store_explicit(&q->used, n > used ? 0 : used - n, memory_order_relaxed);
    atomic_store_explicit(&q->stack_held, stack > held ? 0 : held - stack, memory_order_relaxed);
}

int akira_quota_charge(struct akira_quota *q, size_t n)
{
    return charge(q, n, 0);
}

void akira_quota_release(struct akira_quota *q, size_t n)
{
    release(q, n, 0);
}

void akira_quota_set_stack(struct akira_quota *q, size_t bytes)
{
    q->stack_cap = bytes;
}

static void *quota_realloc(struct akira_quota *q, void *ptr, size_t old_size, size_t new_size,
                           bool stack)
{
    if (new_size == 0) {
        if (ptr) {
            if (q->pool)
                akira_heap_free(q->pool, ptr);
            else
                free(ptr);
            release(q, old_size, stack ? old_size : 0);
        }
        return NULL;
    }
    size_t grow = new_size > old_size ? new_size - old_size : 0;
    if (grow && charge(q, grow, stack ? grow : 0) != 0) return NULL;
    void *p = q->pool ? akira_heap_realloc(q->pool, ptr, new_size) : realloc(ptr, new_size);
    if (!p) {
        if (grow) {
            release(q, grow, stack ? grow : 0);
            atomic_fetch_add_explicit(&q->refused, 1, memory_order_relaxed);
        }
        return NULL;
    }
    if (new_size < old_size) release(q, old_size - new_size, stack ? old_size - new_size : 0);
    return p;
}

void *akira_quota_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
    return quota_realloc(ctx, ptr, old_size, new_size, false);
}

void *akira_quota_stack_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
    return quota_realloc(ctx, ptr, old_size, new_size, true);
}

size_t akira_quota_used(const struct akira_quota *q)
{
    return atomic_load_explicit(&q->used, memory_order_relaxed) +
           aside(q, atomic_load_explicit(&q->stack_held, memory_order_relaxed));
}

size_t akira_quota_peak(const struct akira_quota *q)
{
    return atomic_load_explicit(&q->peak, memory_order_relaxed);
}

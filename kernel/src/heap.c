/*
 * Heap over a caller-given region: boundary-tagged blocks, segregated free lists by
 * power-of-two class (good fit), immediate coalescing.
 *
 * Layout: [struct akira_heap][block][block]...[end tag]. Every block starts with a
 * header holding its own size (low bit: in use) and the size of the block before it,
 * so both neighbours are found in O(1). The end tag is a zero-size "used" header that
 * stops coalescing at the end. Free blocks keep their list links in their payload.
 */
#include <stdbool.h>
#include <string.h>

#include <akira/err.h>
#include <akira/heap.h>
#include <akira/mutex.h>

/* Under AddressSanitizer, free payloads (beyond the list links) are poisoned, so code
 * that keeps using a block after freeing it is caught like with malloc. */
#if defined(__SANITIZE_ADDRESS__)
#define HEAP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_ASAN 1
#endif
#endif
#ifdef HEAP_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct blk {
    size_t prev_size; /* size of the block just below, 0 for the first */
    size_t size;      /* whole block incl. header; bit 0 = in use */
};

struct free_links {
    struct blk *next, *prev;
};

#define HDR       sizeof(struct blk)
#define ALIGN     AKIRA_HEAP_ALIGN
#define USED      ((size_t)1)
#define MIN_BLOCK (HDR + sizeof(struct free_links))
#define NBINS     (sizeof(size_t) * 8)

_Static_assert(HDR % ALIGN == 0, "headers keep payloads aligned");
_Static_assert(MIN_BLOCK % ALIGN == 0, "split remainders stay aligned");

struct akira_heap {
    akira_mutex_t *lock;
    struct blk *first;
    struct blk *end; /* the end tag */
    struct blk *bins[NBINS];
    size_t nonempty; /* bit i set when bins[i] is not empty */
    size_t total, used, peak, count;
    uint64_t allocs, failures;
};

static size_t bsize(const struct blk *b)
{
    return b->size & ~USED;
}

static bool bused(const struct blk *b)
{
    return (b->size & USED) != 0;
}

static struct blk *bnext(const struct blk *b)
{
    return (struct blk *)((char *)b + bsize(b));
}

static struct blk *bprev(const struct blk *b)
{
    return (struct blk *)((char *)b - b->prev_size);
}

static struct free_links *links(struct blk *b)
{
    return (struct free_links *)(b + 1);
}

static unsigned bin_of(size_t size)
{
    return (unsigned)(NBINS - 1 - (unsigned)__builtin_clzl(size));
}

/* Every free block passes through bin_insert and every block leaving the free lists
 * through bin_remove, so these two keep the sanitizer's view exact. */
static void bin_insert(akira_heap_t *h, struct blk *b)
{
    POISON((char *)b + MIN_BLOCK, bsize(b) - MIN_BLOCK);
    unsigned i = bin_of(bsize(b));
    struct free_links *l = links(b);
    l->prev = NULL;
    l->next = h->bins[i];
    if (l->next) links(l->next)->prev = b;
    h->bins[i] = b;
    h->nonempty |= (size_t)1 << i;
}

static void bin_remove(akira_heap_t *h, struct blk *b)
{
    unsigned i = bin_of(bsize(b));
    struct free_links *l = links(b);
    if (l->prev)
        links(l->prev)->next = l->next;
    else
        h->bins[i] = l->next;
    if (l->next) links(l->next)->prev = l->prev;
    if (h->bins[i] == NULL) h->nonempty &= ~((size_t)1 << i);
    UNPOISON(b, bsize(b));
}

/* Set b's size (keeping flags given) and fix the following block's back link. */
static void bset(struct blk *b, size_t size, bool used)
{
    b->size = size | (used ? USED : 0);
    bnext(b)->prev_size = size;
}

/* Turn the tail of used-or-being-allocated block b beyond `keep` bytes into a free
 * block (merged with a free successor) if it is big enough to stand alone. */
static void split_tail(akira_heap_t *h, struct blk *b, size_t keep)
{
    size_t size = bsize(b);
    if (size - keep < MIN_BLOCK) return;
    bset(b, keep, bused(b));
    struct blk *rest = bnext(b);
    rest->prev_size = keep;
    size_t rest_size = size - keep;
    struct blk *after = (struct blk *)((char *)rest + rest_size);
    if (!bused(after)) {
        bin_remove(h, after);
        rest_size += bsize(after);
        after->size = 0; /* scribble the absorbed header: a stale free of it fails */
    }
    bset(rest, rest_size, false);
    bin_insert(h, rest);
}

/* Bytes of block needed for a payload of size, or 0 on overflow. */
static size_t need_for(size_t size)
{
    if (size > SIZE_MAX - HDR - ALIGN) return 0;
    size_t n = (size + HDR + ALIGN - 1) & ~(ALIGN - 1);
    return n < MIN_BLOCK ? MIN_BLOCK : n;
}

static void account_alloc(akira_heap_t *h, struct blk *b)
{
    h->used += bsize(b);
    if (h->used > h->peak) h->peak = h->used;
    h->count++;
    h->allocs++;
}

int akira_heap_create(akira_heap_t **out, void *mem, size_t size)
{
    if (out == NULL || mem == NULL || size < AKIRA_HEAP_MIN_SIZE) return AKIRA_EINVAL;
    uintptr_t start = ((uintptr_t)mem + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    uintptr_t end = ((uintptr_t)mem + size) & ~(uintptr_t)(ALIGN - 1);
    size_t ctl = (sizeof(struct akira_heap) + ALIGN - 1) & ~(ALIGN - 1);
    if (end - start < ctl + MIN_BLOCK + HDR) return AKIRA_EINVAL;

    akira_heap_t *h = (akira_heap_t *)start;
    memset(h, 0, sizeof(*h));
    if (akira_mutex_create(&h->lock) != 0) return AKIRA_ENOMEM;
    h->first = (struct blk *)(start + ctl);
    h->end = (struct blk *)(end - HDR);
    h->total = (size_t)((char *)h->end - (char *)h->first);
    h->first->prev_size = 0;
    h->end->size = 0 | USED;
    bset(h->first, h->total, false);
    bin_insert(h, h->first);
    *out = h;
    return 0;
}

void akira_heap_destroy(akira_heap_t *h)
{
    if (h == NULL) return;
    akira_mutex_destroy(h->lock);
    h->lock = NULL;
    UNPOISON(h->first, (size_t)((char *)h->end - (char *)h->first));
}

/* First fitting block in size order classes, or NULL. Under the lock. */
static struct blk *find_fit(akira_heap_t *h, size_t need)
{
    unsigned i = bin_of(need);
    for (struct blk *b = h->bins[i]; b; b = links(b)->next)
        if (bsize(b) >= need) return b;
    size_t higher = i + 1 < NBINS ? h->nonempty & ~(((size_t)1 << (i + 1)) - 1) : 0;
    if (higher == 0) return NULL;
    return h->bins[__builtin_ctzl(higher)];
}

void *akira_heap_alloc(akira_heap_t *h, size_t size)
{
    if (h == NULL) return NULL;
    akira_mutex_lock(h->lock, AKIRA_FOREVER);
    size_t need = size ? need_for(size) : 0;
    struct blk *b = need ? find_fit(h, need) : NULL;
    if (b == NULL) {
        h->failures++;
        akira_mutex_unlock(h->lock);
        return NULL;
    }
    bin_remove(h, b);
    b->size |= USED;
    split_tail(h, b, need);
    account_alloc(h, b);
    akira_mutex_unlock(h->lock);
    return b + 1;
}

/* Where in free block b an aligned payload of `need` block bytes could start; returns
 * the offset of the new block from b (0 or >= MIN_BLOCK), or SIZE_MAX if it won't fit. */
static size_t aligned_offset(const struct blk *b, size_t align, size_t need)
{
    uintptr_t payload = (uintptr_t)(b + 1);
    uintptr_t a = (payload + align - 1) & ~(uintptr_t)(align - 1);
    /* A lead gap must become a free block of its own. */
    if (a != payload && a - payload < MIN_BLOCK)
        a = (payload + MIN_BLOCK + align - 1) & ~(uintptr_t)(align - 1);
    size_t off = (size_t)(a - payload);
    if (off > bsize(b) || bsize(b) - off < need) return SIZE_MAX;
    return off;
}

void *akira_heap_aligned_alloc(akira_heap_t *h, size_t align, size_t size)
{
    if (align == 0 || (align & (align - 1)) != 0) return NULL;
    if (align <= ALIGN) return akira_heap_alloc(h, size);
    if (h == NULL) return NULL;
    akira_mutex_lock(h->lock, AKIRA_FOREVER);
    size_t need = size ? need_for(size) : 0;
    struct blk *b = NULL;
    size_t off = SIZE_MAX;
    for (unsigned i = need ? bin_of(need) : NBINS; i < NBINS && off == SIZE_MAX; i++)
        for (b = h->bins[i]; b; b = links(b)->next)
            if ((off = aligned_offset(b, align, need)) != SIZE_MAX) break;
    if (off == SIZE_MAX) {
        h->failures++;
        akira_mutex_unlock(h->lock);
        return NULL;
    }
    bin_remove(h, b);
    if (off > 0) {
        /* Keep the lead as a free block; its lower neighbour is used (free blocks never
         * touch), so no merge is needed. */
        size_t total = bsize(b);
        bset(b, off, false);
        bin_insert(h, b);
        b = bnext(b);
        b->prev_size = off;
        bset(b, total - off, true);
    } else {
        b->size |= USED;
    }
    split_tail(h, b, need);
    account_alloc(h, b);
    akira_mutex_unlock(h->lock);
    return b + 1;
}

void *akira_heap_calloc(akira_heap_t *h, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        if (h) {
            akira_mutex_lock(h->lock, AKIRA_FOREVER);
            h->failures++;
            akira_mutex_unlock(h->lock);
        }
        return NULL;
    }
    void *p = akira_heap_alloc(h, n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

/* The block of p if p is a live allocation of h, else NULL. O(1): range, alignment,
 * in-use bit, and both neighbours' tags must agree. Under the lock. A bad pointer may
 * point into a free (poisoned) payload, so this reads raw memory, without helpers and
 * without sanitizer checks. */
__attribute__((no_sanitize("address"))) static struct blk *live_block(akira_heap_t *h,
                                                                      const void *p)
{
    uintptr_t u = (uintptr_t)p;
    if (u < (uintptr_t)(h->first + 1) || u >= (uintptr_t)h->end || (u & (ALIGN - 1)) != 0)
        return NULL;
    struct blk *b = (struct blk *)p - 1;
    size_t raw = b->size, s = raw & ~USED;
    if (!(raw & USED) || s < MIN_BLOCK || (s & (ALIGN - 1)) != 0 ||
        s > (size_t)((char *)h->end - (char *)b))
        return NULL;
    if (((struct blk *)((char *)b + s))->prev_size != s) return NULL;
    if (b == h->first) return b->prev_size == 0 ? b : NULL;
    size_t ps = b->prev_size;
    if (ps == 0 || ps > (size_t)((char *)b - (char *)h->first)) return NULL;
    return (((struct blk *)((char *)b - ps))->size & ~USED) == ps ? b : NULL;
}

/* Free block b (already validated) and merge it with free neighbours. */
static void release(akira_heap_t *h, struct blk *b)
{
    h->used -= bsize(b);
    h->count--;
    size_t size = bsize(b);
    b->size = size; /* clear USED first: any stale copy of this header reads "free" */
    struct blk *next = bnext(b);
    if (!bused(next)) {
        bin_remove(h, next);
        size += bsize(next);
        next->size = 0;
    }
    if (b != h->first && !bused(bprev(b))) {
        struct blk *prev = bprev(b);
        bin_remove(h, prev);
        size += bsize(prev);
        b->size = 0;
        b = prev;
    }
    bset(b, size, false);
    bin_insert(h, b);
}

int akira_heap_free(akira_heap_t *h, void *p)
{
    if (p == NULL) return 0;
    if (h == NULL) return AKIRA_EINVAL;
    akira_mutex_lock(h->lock, AKIRA_FOREVER);
    struct blk *b = live_block(h, p);
    if (b) release(h, b);
    akira_mutex_unlock(h->lock);
    return b ? 0 : AKIRA_EINVAL;
}

void *akira_heap_realloc(akira_heap_t *h, void *p, size_t size)
{
    if (p == NULL) return akira_heap_alloc(h, size);
    if (size == 0) {
        akira_heap_free(h, p);
        return NULL;
    }
    if (h == NULL) return NULL;
    akira_mutex_lock(h->lock, AKIRA_FOREVER);
    struct blk *b = live_block(h, p);
    size_t need = need_for(size);
    if (b == NULL || need == 0) {
        if (b) h->failures++;
        akira_mutex_unlock(h->lock);
        return NULL;
    }
    size_t old = bsize(b);
    struct blk *next = bnext(b);
    if (need > old && !bused(next) && old + bsize(next) >= need) {
        bin_remove(h, next);
        bset(b, old + bsize(next), true);
        next->size = 0;
    }
    if (bsize(b) >= need) {
        split_tail(h, b, need);
        h->used = h->used - old + bsize(b);
        if (h->used > h->peak) h->peak = h->used;
        akira_mutex_unlock(h->lock);
        return p;
    }
    akira_mutex_unlock(h->lock);

    /* Move: allocate, copy, free. The old block stays valid meanwhile (it is ours). */
    void *n = akira_heap_alloc(h, size);
    if (n == NULL) return NULL;
    memcpy(n, p, old - HDR < size ? old - HDR : size);
    akira_mutex_lock(h->lock, AKIRA_FOREVER);
    release(h, b);
    h->allocs--; /* a move is not a new allocation for the statistics */
    akira_mutex_unlock(h->lock);
    return n;
}

size_t akira_heap_usable_size(akira_heap_t *h, const void *p)
{
    if (h == NULL || p == NULL) return 0;
    akira_mutex_lock(h->lock, AKIRA_FOREVER);
    struct blk *b = live_block(h, p);
    size_t n = b ? bsize(b) - HDR : 0;
    akira_mutex_unlock(h->lock);
    return n;
}

void akira_heap_stats_get(akira_heap_t *h, struct akira_heap_stats *out)
{
    akira_mutex_lock(h->lock, AKIRA_FOREVER);
    out->total_bytes = h->total;
    out->used_bytes = h->used;
    out->free_bytes = h->total - h->used;
    out->peak_used_bytes = h->peak;
    out->alloc_count = h->count;
    out->total_allocs = h->allocs;
    out->failures = h->failures;
    size_t largest = 0;
    if (h->nonempty) {
        unsigned top = NBINS - 1 - (unsigned)__builtin_clzl(h->nonempty);
        for (struct blk *b = h->bins[top]; b; b = links(b)->next)
            if (bsize(b) > largest) largest = bsize(b);
    }
    out->largest_free = largest ? largest - HDR : 0;
    akira_mutex_unlock(h->lock);
}

int akira_heap_check(akira_heap_t *h)
{
    akira_mutex_lock(h->lock, AKIRA_FOREVER);
    int rc = AKIRA_ECORRUPT;
    size_t used = 0, count = 0, free_blocks = 0, prev_size = 0, sum = 0;
    bool prev_free = false;
    struct blk *b = h->first;
    while (b != h->end) {
        size_t s = bsize(b);
        if (b > h->end || s < MIN_BLOCK || (s & (ALIGN - 1)) || b->prev_size != prev_size) goto out;
        if (bused(b)) {
            used += s;
            count++;
            prev_free = false;
        } else {
            if (prev_free) goto out; /* two free neighbours: a missed coalesce */
            free_blocks++;
            prev_free = true;
        }
        sum += s;
        prev_size = s;
        b = bnext(b);
    }
    if (b->prev_size != prev_size || sum != h->total || used != h->used || count != h->count)
        goto out;
    size_t listed = 0;
    for (unsigned i = 0; i < NBINS; i++) {
        if (((h->nonempty >> i) & 1) != (h->bins[i] != NULL)) goto out;
        struct blk *prev = NULL;
        for (struct blk *f = h->bins[i]; f; prev = f, f = links(f)->next) {
            if (bused(f) || bin_of(bsize(f)) != i || links(f)->prev != prev) goto out;
            if (++listed > free_blocks) goto out;
        }
    }
    if (listed == free_blocks) rc = 0;
out:
    akira_mutex_unlock(h->lock);
    return rc;
}

/* The app heap inside linear memory, bookkeeping outside it (akira/app_heap.h). */
#include <string.h>

#include <akira/app_heap.h>
#include <akira/err.h>

static inline int bit_get(const uint32_t *m, uint32_t i)
{
    return (m[i / 32] >> (i % 32)) & 1u;
}

static inline void bit_put(uint32_t *m, uint32_t i, int v)
{
    if (v)
        m[i / 32] |= 1u << (i % 32);
    else
        m[i / 32] &= ~(1u << (i % 32));
}

int akira_app_heap_init(struct akira_app_heap *h, struct akira_quota *q, uint32_t base,
                        uint32_t size)
{
    memset(h, 0, sizeof(*h));
    /* Address 0 means "no block" to the app: never hand it out. */
    if (base == 0 && size >= AKIRA_APP_HEAP_GRANULE) {
        base = AKIRA_APP_HEAP_GRANULE;
        size -= AKIRA_APP_HEAP_GRANULE;
    }
    uint32_t granules = size / AKIRA_APP_HEAP_GRANULE;
    if (granules == 0) return 0;
    size_t words = (granules + 31u) / 32u;
    uint32_t *maps = akira_quota_realloc(q, NULL, 0, 2 * words * sizeof(uint32_t));
    if (!maps) return AKIRA_EQUOTA;
    memset(maps, 0, 2 * words * sizeof(uint32_t));
    h->in_use = maps;
    h->starts = maps + words;
    h->base = base;
    h->granules = granules;
    return 0;
}

void akira_app_heap_deinit(struct akira_app_heap *h, struct akira_quota *q)
{
    if (h->in_use) {
        size_t words = (h->granules + 31u) / 32u;
        akira_quota_realloc(q, h->in_use, 2 * words * sizeof(uint32_t), 0);
    }
    memset(h, 0, sizeof(*h));
}

uint32_t akira_app_heap_alloc(struct akira_app_heap *h, uint32_t size)
{
    if (size == 0 || h->granules == 0) return 0;
    uint32_t need = size / AKIRA_APP_HEAP_GRANULE + (size % AKIRA_APP_HEAP_GRANULE != 0);
    if (need > h->granules) return 0;
    uint32_t run = 0;
    for (uint32_t i = 0; i < h->granules; i++) {
        /* Skip whole busy words quickly. */
        if (run == 0 && i % 32 == 0 && h->in_use[i / 32] == 0xFFFFFFFFu) {
            i += 31;
            continue;
        }
        run = bit_get(h->in_use, i) ? 0 : run + 1;
        if (run == need) {
            uint32_t first = i + 1 - need;
            for (uint32_t g = first; g <= i; g++)
                bit_put(h->in_use, g, 1);
            bit_put(h->starts, first, 1);
            h->used += need * AKIRA_APP_HEAP_GRANULE;
            if (h->used > h->peak) h->peak = h->used;
            h->blocks++;
            return h->base + first * AKIRA_APP_HEAP_GRANULE;
        }
    }
    return 0;
}

/* The granule of a block's start, or UINT32_MAX when addr is none. */
static uint32_t block_start(const struct akira_app_heap *h, uint32_t addr)
{
    if (h->granules == 0 || addr < h->base || (addr - h->base) % AKIRA_APP_HEAP_GRANULE != 0)
        return UINT32_MAX;
    uint32_t g = (addr - h->base) / AKIRA_APP_HEAP_GRANULE;
    return g < h->granules && bit_get(h->starts, g) ? g : UINT32_MAX;
}

uint32_t akira_app_heap_block_size(const struct akira_app_heap *h, uint32_t addr)
{
    uint32_t g = block_start(h, addr);
    if (g == UINT32_MAX) return 0;
    uint32_t n = 1;
    while (g + n < h->granules && bit_get(h->in_use, g + n) && !bit_get(h->starts, g + n))
        n++;
    return n * AKIRA_APP_HEAP_GRANULE;
}

int akira_app_heap_free(struct akira_app_heap *h, uint32_t addr)
{
    uint32_t g = block_start(h, addr);
    if (g == UINT32_MAX) return AKIRA_EINVAL;
    bit_put(h->starts, g, 0);
    do {
        bit_put(h->in_use, g, 0);
        h->used -= AKIRA_APP_HEAP_GRANULE;
        g++;
    } while (g < h->granules && bit_get(h->in_use, g) && !bit_get(h->starts, g));
    h->blocks--;
    return 0;
}

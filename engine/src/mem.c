/*
 * mem.c - allocation through the embedder's hook.
 */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static void *libc_realloc(void *ctx, void *p, size_t old_size, size_t new_size)
{
    (void)ctx;
    (void)old_size;
    if (new_size == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, new_size);
}

void *aw_mem_realloc(const aw_config *cfg, void *p, size_t old_size, size_t new_size)
{
    if (cfg && cfg->realloc)
        return cfg->realloc(cfg->alloc_ctx, p, old_size, new_size);
    return libc_realloc(NULL, p, old_size, new_size);
}

void *aw_mem_zalloc(const aw_config *cfg, size_t n)
{
    if (n == 0)
        n = 1;
    void *p = aw_mem_realloc(cfg, NULL, 0, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *aw_mem_calloc(const aw_config *cfg, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return aw_mem_zalloc(cfg, count * size);
}

void aw_mem_free(const aw_config *cfg, void *p, size_t size)
{
    if (p) /* zero-size allocations were made as one byte, see aw_mem_zalloc */
        aw_mem_realloc(cfg, p, size ? size : 1, 0);
}

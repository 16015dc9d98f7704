/*
 * mem.h - every allocation of the engine goes through the config's realloc hook, so
 * the embedder can charge it to an app (engine-private).
 */
#ifndef AW_MEM_H
#define AW_MEM_H

#include "akira/wasm.h"

/* The hook to use for `cfg` (the C library's when cfg->realloc is NULL). */
void *aw_mem_realloc(const aw_config *cfg, void *p, size_t old_size, size_t new_size);

/* Zeroed allocation of n bytes; NULL when refused or when n overflowed. */
void *aw_mem_zalloc(const aw_config *cfg, size_t n);

/* Zeroed array of count * size bytes; NULL on overflow or refusal. */
void *aw_mem_calloc(const aw_config *cfg, size_t count, size_t size);

void aw_mem_free(const aw_config *cfg, void *p, size_t size);

#endif /* AW_MEM_H */

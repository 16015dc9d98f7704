/*
 * AkiraOS app SDK - module "memory": the app heap, capability "memory".
 *
 * The heap is heap_size bytes (manifest) inside the app's linear memory, charged to its
 * memory_quota, managed by the system (its bookkeeping is out of the app's reach).
 * Without the capability each call returns AKIRA_EACCES. For freestanding apps: an app
 * linked with wasi-libc has malloc, whose region would overlap this heap, so such an
 * app with heap_size > 0 is refused at start (FAILED, bad module).
 */
#ifndef AKIRA_SDK_MEMORY_H
#define AKIRA_SDK_MEMORY_H

#include <stddef.h>

#include <akira/common.h>

/* A block of size bytes aligned to 32: its address (> 0), 0 when the heap has no room,
 * or AKIRA_EACCES. */
AKIRA_IMPORT("mem_alloc") int32_t akira_mem_alloc(uint32_t size);
/* Free a block from akira_mem_alloc: 0, AKIRA_EINVAL (not a live block), AKIRA_EACCES. */
AKIRA_IMPORT("mem_free") int32_t akira_mem_free(void *ptr);
/* Bytes in blocks now, or AKIRA_EACCES. */
AKIRA_IMPORT("mem_used") int32_t akira_mem_used(void);

/* malloc-like: NULL when refused for any reason. */
static inline void *akira_malloc(size_t size)
{
    int32_t p = akira_mem_alloc((uint32_t)size);
    return p > 0 ? (void *)(uintptr_t)p : (void *)0;
}

#endif /* AKIRA_SDK_MEMORY_H */

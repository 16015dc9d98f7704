/*
 * Cortex-M port: executable memory (akira/exec_mem.h) from the system heap. The M4's
 * default memory map lets code run from SRAM (the MPU's only region is the running
 * thread's stack guard), and there is no cache: sealing is a barrier, so the writes of
 * the image are complete before its first instruction is fetched. There is no W^X on
 * this core: the image is written once, by the loader, before it is sealed.
 */
#include <malloc.h>
#include <stdlib.h>

#include <akira/err.h>
#include <akira/exec_mem.h>

void *akira_exec_alloc(void *ctx, size_t size, size_t align)
{
    (void)ctx;
    if (size == 0 || align > 4096) return NULL;
    return memalign(align < 8 ? 8 : align, size);
}

int akira_exec_seal(void *ctx, void *p, size_t size)
{
    (void)ctx, (void)p, (void)size;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    return AKIRA_OK;
}

void akira_exec_free(void *ctx, void *p, size_t size)
{
    (void)ctx, (void)size;
    free(p);
}

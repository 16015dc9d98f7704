/*
 * Cortex-M port: executable memory (akira/exec_mem.h) from the system heap. The M4's
 * default memory map lets code run from SRAM (the MPU's only region is the running
 * thread's stack guard), and there is no cache: sealing is a barrier, so the writes of
 * the image are complete before its first instruction is fetched. There is no W^X on
 * this core: the image is written once, by the loader, before it is sealed. Images can
 * also run in place where the Code region maps flash (akira_exec_in_place).
 */
#include <malloc.h>
#include <stdint.h>
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

/* The ARMv7-M default memory map's Code region (0x00000000-0x1FFFFFFF: flash, and on
 * mps2_an386 the code SRAM holding flash0) is executable; the firmware's MPU makes part
 * of it read-only but never execute-never. Nothing is cached, so no barrier is due. */
const void *akira_exec_in_place(const void *p, size_t size)
{
    uintptr_t a = (uintptr_t)p;
    if (!p || a >= 0x20000000u || size > 0x20000000u - a) return NULL;
    return p;
}

void akira_exec_free(void *ctx, void *p, size_t size)
{
    (void)ctx, (void)size;
    free(p);
}

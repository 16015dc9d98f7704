/*
 * System heap on Cortex-M: newlib's malloc over the RAM between the end of .bss and
 * the main stack (the board's _sbrk hands it out, bounded). Figures from mallinfo();
 * the allocator is made thread-safe by turning preemption off around it (it never
 * blocks), see __malloc_lock below.
 */
#include <malloc.h>

#include <akira/err.h>
#include <akira/heap.h>

#include "port.h"

/* Bytes the board's _sbrk may still hand out. */
size_t akira_cm_sbrk_left(void);

int akira_sys_heap_stats(struct akira_sys_heap_stats *out)
{
    if (out == NULL) return AKIRA_EINVAL;
    struct mallinfo mi = mallinfo();
    size_t left = akira_cm_sbrk_left();
    out->mmapped_bytes = 0;
    out->total_bytes = (size_t)mi.arena + left;
    out->used_bytes = (size_t)mi.uordblks;
    out->free_bytes = (size_t)mi.fordblks + left;
    return 0;
}

/* newlib's allocator lock (recursive by contract). */
struct _reent;
void __malloc_lock(struct _reent *r)
{
    (void)r;
    akira_cm_sched_lock();
}

void __malloc_unlock(struct _reent *r)
{
    (void)r;
    akira_cm_sched_unlock();
}

/* System heap figures from glibc's allocator. */
#define _GNU_SOURCE
#include <malloc.h>

#include <akira/err.h>
#include <akira/heap.h>

int akira_sys_heap_stats(struct akira_sys_heap_stats *out)
{
    if (out == NULL) return AKIRA_EINVAL;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    out->mmapped_bytes = mi.hblkhd;
    out->total_bytes = mi.arena + mi.hblkhd;
    out->used_bytes = mi.uordblks + mi.hblkhd;
    out->free_bytes = mi.fordblks;
    return 0;
#else
    (void)out;
    return AKIRA_ENOTSUP;
#endif
}

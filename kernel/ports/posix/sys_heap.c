/* System heap figures from glibc's allocator. */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>

#include <akira/err.h>
#include <akira/heap.h>

/* One caller at a time: glibc's mallinfo2() initialises the allocator on its first call
 * (ptmalloc_init) without a lock, and when nothing has used glibc's malloc yet (under
 * AddressSanitizer, whose malloc replaces it) two HTTP workers answering /api/status at
 * once both ran that initialisation while the other walked the half-made bins (a SEGV
 * in mallinfo2, seen in http_e2e_flood). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int akira_sys_heap_stats(struct akira_sys_heap_stats *out)
{
    if (out == NULL) return AKIRA_EINVAL;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    pthread_mutex_lock(&lock);
    struct mallinfo2 mi = mallinfo2();
    pthread_mutex_unlock(&lock);
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

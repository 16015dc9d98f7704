/*
 * POSIX port: executable memory (akira/exec_mem.h) from anonymous mappings, writable
 * until sealed, then read + execute only.
 */
#include <sys/mman.h>
#include <unistd.h>

#include <akira/err.h>
#include <akira/exec_mem.h>

static size_t page_round(size_t n)
{
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    return (n + ps - 1) / ps * ps;
}

void *akira_exec_alloc(void *ctx, size_t size, size_t align)
{
    (void)ctx;
    if (size == 0 || align > (size_t)sysconf(_SC_PAGESIZE)) return NULL;
    void *p =
        mmap(NULL, page_round(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

const void *akira_exec_in_place(const void *p, size_t size)
{
    (void)p, (void)size;
    return NULL;
}

int akira_exec_seal(void *ctx, void *p, size_t size)
{
    (void)ctx;
    return mprotect(p, page_round(size), PROT_READ | PROT_EXEC) == 0 ? AKIRA_OK : AKIRA_EIO;
}

void akira_exec_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    if (p) munmap(p, page_round(size));
}

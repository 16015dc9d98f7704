/* The app heap: blocks are usable memory, free gives them back, past heap_size gives 0. */
#include <akira/memory.h>

__attribute__((export_name("main"))) int main(void)
{
    char *a = akira_malloc(1000), *b = akira_malloc(1000);
    if (!a || !b || a == b) return 1;
    for (int i = 0; i < 1000; i++)
        a[i] = (char)i, b[i] = (char)~i;
    for (int i = 0; i < 1000; i++)
        if (a[i] != (char)i) return 2;
    if (akira_mem_free(a) != 0) return 3;
    if (akira_mem_free(a) != AKIRA_EINVAL) return 4;      /* double free refused */
    if (akira_mem_free(b + 32) != AKIRA_EINVAL) return 5; /* interior pointer refused */
    int n = 0;
    while (akira_mem_alloc(1024) > 0)
        n++;
    akira_printf("heap: %d more KiB blocks\n", n);
    return 100 + n;
}

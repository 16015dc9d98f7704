/* grow: allocates 64 KiB blocks until malloc fails; under --max-memory the limit is a
 * NULL from malloc (memory.grow answering -1), not a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chained so that the compiler cannot drop the allocations as unused. */
static void *volatile last;

int main(void)
{
    size_t blocks = 0;
    for (;;) {
        void **p = malloc(64 * 1024);
        if (!p) break;
        memset(p, 0xa5, 64 * 1024); /* really touch it */
        *p = last;
        last = p;
        if (++blocks == 100000) break;
    }
    printf("%s\n", blocks >= 14 && blocks < 16 ? "about 1 MiB" : "unexpected");
    printf("blocks=%zu\n", blocks);
    return 0;
}

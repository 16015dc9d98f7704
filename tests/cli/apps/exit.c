/* exit: the app's exit status becomes the runner's (exit() calls proc_exit, also from
 * deep inside the program, with stdout flushed first). */
#include <stdio.h>
#include <stdlib.h>

static void deep(int n, int status)
{
    if (n == 0) {
        printf("exiting with %d\n", status);
        exit(status);
    }
    deep(n - 1, status);
}

int main(int argc, char **argv)
{
    deep(10, argc > 1 ? atoi(argv[1]) : 0);
    return 99; /* not reached */
}

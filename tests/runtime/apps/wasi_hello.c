/* A wasi-libc program (printf, stderr, exit status) run as an AkiraOS app. */
#include <stdio.h>
#include <time.h>

int main(void)
{
    struct timespec a, b;
    if (clock_gettime(CLOCK_MONOTONIC, &a) != 0) return 10;
    printf("hello from wasi %d\n", 42);
    printf("two lines\nin one write\n");
    fprintf(stderr, "to stderr\n");
    if (clock_gettime(CLOCK_MONOTONIC, &b) != 0 || b.tv_sec < a.tv_sec) return 11;
    return 3;
}

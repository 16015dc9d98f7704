/*
 * native_main.c - the native side of the engine benchmark: the same workload C file
 * built with the host compiler at -O2, timed in-process like the wasm runners.
 *
 *   bench_native_<name> [REPS]   prints "checksum=<u32> median_ms=<t> min_ms=<t>"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint32_t bench(void);

/* CPU time of this (single-threaded) process: on a machine shared with builds, time
 * spent descheduled would otherwise count against whichever runner it hit. */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1 || reps > 100) reps = 5;
    double t[100];
    uint32_t sum = 0;
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        sum = bench();
        t[i] = now_ms() - t0;
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp);
    printf("checksum=%u median_ms=%.2f min_ms=%.2f\n", sum, t[reps / 2], t[0]);
    return 0;
}

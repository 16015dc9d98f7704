/* fib: recursive Fibonacci, a call/return microbenchmark (two calls per level). */
#include "bench.h"

static NOINLINE uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

uint32_t bench(void)
{
    return fib(32);
}

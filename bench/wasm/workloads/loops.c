/* loops: tight integer loops - a sieve of Eratosthenes, Collatz chain lengths and a
 * xorshift mix - no calls, mostly locals, compares and branches. */
#include "bench.h"

/* The Cortex-M bench image (bench/mcu) builds it smaller, to fit its internal RAM. */
#ifndef SIEVE
#define SIEVE 200000
#endif

static uint8_t composite[SIEVE];

static uint32_t sieve(void)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < SIEVE; i++)
        composite[i] = 0;
    for (uint32_t i = 2; i < SIEVE; i++) {
        if (composite[i]) continue;
        count++;
        for (uint32_t j = i * 2; j < SIEVE; j += i)
            composite[j] = 1;
    }
    return count;
}

static uint32_t collatz(uint32_t limit)
{
    uint32_t best = 0, best_n = 0;
    for (uint32_t n = 1; n < limit; n++) {
        uint64_t x = n;
        uint32_t steps = 0;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            steps++;
        }
        if (steps > best) best = steps, best_n = n;
    }
    return best * 1000003u + best_n;
}

static uint32_t xorshift(uint32_t rounds)
{
    uint32_t x = 2463534242u, acc = 0;
    for (uint32_t i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        acc += x % 1009;
    }
    return acc;
}

uint32_t bench(void)
{
    uint32_t h = 0;
    for (int r = 0; r < 2; r++)
        h = h * 31 + sieve();
    h = h * 31 + collatz(50000);
    h = h * 31 + xorshift(2000000);
    return h;
}

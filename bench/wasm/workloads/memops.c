/* memops: bulk memory - memcpy/memset (memory.copy / memory.fill in wasm, built with
 * -mbulk-memory) over 64 KiB blocks, and a byte-wise transform loop the compiler cannot
 * turn into a library call. */
#include "bench.h"

/* A power of two of at least 4 KiB; the Cortex-M bench image (bench/mcu) builds it
 * smaller, to fit its internal RAM. */
#ifndef BLOCK
#define BLOCK (64 * 1024)
#endif

static uint8_t a[BLOCK], b[BLOCK];

uint32_t bench(void)
{
    uint32_t h = 0;
    for (uint32_t i = 0; i < BLOCK; i++)
        a[i] = (uint8_t)(i * 7 + 3);
    for (int r = 0; r < 1500; r++) {
        __builtin_memset(b, r & 0xff, BLOCK / 2);
        __builtin_memcpy(b + BLOCK / 2, a + (r & 1023), BLOCK / 2 - 1024);
        __builtin_memmove(a + 1, a, BLOCK - 1);
        h += b[r & (BLOCK - 1)] + a[(r * 13) & (BLOCK - 1)];
    }
    for (int r = 0; r < 100; r++) {
        uint8_t k = (uint8_t)r;
        for (uint32_t i = 0; i < BLOCK; i++)
            b[i] = (uint8_t)(a[i] ^ k) + (uint8_t)i;
        h = h * 33 + b[(r * 97) & (BLOCK - 1)];
    }
    return h;
}

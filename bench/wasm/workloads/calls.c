/* calls: call-heavy code - small non-inlined functions with several arguments and
 * indirect calls through a function table (call_indirect in wasm). */
#include "bench.h"

static NOINLINE uint32_t f_add(uint32_t a, uint32_t b, uint32_t c)
{
    return a + b + c;
}

static NOINLINE uint32_t f_mix(uint32_t a, uint32_t b, uint32_t c)
{
    return (a ^ b) * 3 + c;
}

static NOINLINE uint32_t f_rot(uint32_t a, uint32_t b, uint32_t c)
{
    return ((a << (b & 15)) | (a >> (16 - (b & 15)))) + c;
}

static NOINLINE uint32_t f_sel(uint32_t a, uint32_t b, uint32_t c)
{
    return a > b ? a - b + c : b - a + c;
}

typedef uint32_t (*op_fn)(uint32_t, uint32_t, uint32_t);
static op_fn volatile_table[4] = {f_add, f_mix, f_rot, f_sel};

static NOINLINE uint32_t step(uint32_t x, uint32_t i)
{
    return f_add(x, i, 1) ^ f_sel(x, i, 2);
}

uint32_t bench(void)
{
    op_fn *volatile table = volatile_table; /* keeps the calls indirect */
    uint32_t x = 1;
    for (uint32_t i = 0; i < 2000000; i++) {
        x = table[i & 3](x, i, 7);
        x = step(x, i);
    }
    return x;
}

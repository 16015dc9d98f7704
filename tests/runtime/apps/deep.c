/* Deep recursion that ends: main goes down 8, 16, ... 256 levels, logs "deep: N
 * levels" after each depth reached, then "deep: done" and returns 0. Every level keeps
 * a frame (the result is not an accumulator; on Cortex-M the AOT code's frame is 32
 * bytes). On the AOT tier of an MCU the native stack bounds the depth: with the board's
 * default thread stack it traps "call stack exhausted" on the way, with
 * `thread_stack: 16K` it ends (docs/aot.md). The entry `probe` (manifest `entry:
 * probe`) goes on in steps of 16 up to 4096 levels, to measure how deep a stack lets
 * it go. */
#include <akira/common.h>

static volatile int bottom = 0;

__attribute__((noinline)) static int down(int n)
{
    if (n == bottom) return 1;
    /* not an accumulator (no + or * of the call's result alone): neither clang nor the
     * C compiler of akira-aot can make it a loop */
    return (down(n - 1) * 3) ^ n;
}

static int levels(int step, int last)
{
    int sum = 0;
    for (int depth = step; depth <= last; depth += step) {
        sum += down(depth);
        akira_printf("deep: %d levels\n", depth);
    }
    akira_printf("deep: done (%d)\n", sum & 0xff);
    return 0;
}

__attribute__((export_name("main"))) int main(void)
{
    return levels(8, 256);
}

__attribute__((export_name("probe"))) int probe(void)
{
    return levels(16, 4096);
}

/* Hostile: endless work made of calls only, without a loop: a ternary tree of calls 20
 * deep (3^20 calls, the stack never deeper than 20 frames: within the 1 KiB of native
 * stack an MCU app's AOT code gets). On the AOT tier only the checks at function entries
 * can stop it (the watchdog's interrupt). */
#include <akira/common.h>

static volatile int seed = 1;

__attribute__((noinline)) static int tree(int n)
{
    if (n == 0) return seed;
    /* no call's result is an accumulator: clang cannot turn any into a loop */
    return tree(n - 1) * 3 + tree(n - 1) * 5 + tree(n - 1) * 7;
}

__attribute__((export_name("main"))) int main(void)
{
    akira_printf("calling\n");
    return tree(20);
}

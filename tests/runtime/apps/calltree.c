/* Hostile: endless work made of calls only, without a loop: a binary tree of calls 48
 * deep (2^48 calls, the stack never deeper than 48 frames). On the AOT tier only the
 * checks at function entries can stop it (the watchdog's interrupt). */
#include <akira/common.h>

static volatile int seed = 1;

__attribute__((noinline)) static int tree(int n)
{
    if (n == 0) return seed;
    /* neither call's result is an accumulator: clang cannot turn either into a loop */
    return tree(n - 1) * 3 + tree(n - 1) * 5;
}

__attribute__((export_name("main"))) int main(void)
{
    akira_printf("calling\n");
    return tree(48);
}

/* Hostile: unbounded recursion (call stack exhausted). The depth test keeps clang from
 * seeing the infinite recursion; it never ends in practice. */
#include <akira/common.h>

static volatile int limit = 0x7fffffff;

__attribute__((noinline)) static int down(int n)
{
    if (n == limit) return 0;
    return down(n + 1) * 3 + n; /* not an accumulator: clang cannot make it a loop */
}

__attribute__((export_name("main"))) int main(void)
{
    return down(0);
}

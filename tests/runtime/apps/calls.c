/* Bench: n native calls through the bridge against an empty loop of n iterations. */
#include <akira/common.h>

__attribute__((export_name("loop_empty"))) int loop_empty(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++) s += i;
    return s;
}

__attribute__((export_name("loop_calls"))) int loop_calls(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++) s += (int)akira_uptime_ms();
    return s;
}

__attribute__((export_name("main"))) int main(void)
{
    return 0;
}

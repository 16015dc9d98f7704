/* Bench app: n native calls through the bridge (mem_used: capability "memory", the
 * cheapest native) against an empty loop of n iterations. */
#include <akira/memory.h>

__attribute__((export_name("loop_empty"))) int loop_empty(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += i;
    return s;
}

__attribute__((export_name("loop_calls"))) int loop_calls(int n)
{
    volatile int s = 0;
    for (int i = 0; i < n; i++)
        s += i + akira_mem_used();
    return s;
}

__attribute__((export_name("main"))) int main(void)
{
    return 0;
}

/* Makes the app stay RUNNING after main (the manager delivers events to it). */
__attribute__((export_name("on_event"))) void on_event(int type, int a, int b, int c)
{
    (void)type, (void)a, (void)b, (void)c;
}

/* Hostile: an endless loop whose every iteration calls a function that calls (on the
 * AOT tier for Cortex-M its header has no poll of its own: the callee's entry check
 * stops it, docs/aot.md); spinleaf.c is the same loop calling a leaf, which keeps it. */
#include <akira/common.h>

static volatile unsigned sink;

__attribute__((noinline)) static void leaf(unsigned v)
{
    sink = v;
}

#ifndef SPIN_LEAF
__attribute__((noinline)) static void step(unsigned v)
{
    leaf(v);
    leaf(v * 3);
}
#define CALLEE step
#else
#define CALLEE leaf
#endif

__attribute__((export_name("main"))) int main(void)
{
    akira_printf("spinning with calls\n");
    for (unsigned n = 0;; n++)
        CALLEE(n);
}

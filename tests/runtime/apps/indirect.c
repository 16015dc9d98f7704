/* call_indirect on the AOT tier (docs/aot.md): calls through a table of function
 * pointers (the inline check and a direct call), then one through a pointer of the wrong
 * signature, which traps "indirect call type mismatch" as on the interpreter. */
#include <akira/common.h>

typedef unsigned (*op1)(unsigned);
typedef unsigned (*op2)(unsigned, unsigned);

__attribute__((noinline)) static unsigned inc(unsigned v)
{
    return v + 1;
}

__attribute__((noinline)) static unsigned dbl(unsigned v)
{
    return v * 2;
}

__attribute__((noinline)) static unsigned hash(unsigned v)
{
    return v * 2654435761u + 7;
}

__attribute__((noinline)) static unsigned add(unsigned a, unsigned b)
{
    return a + b;
}

static op1 volatile ops[3] = {inc, dbl, hash};
static op2 volatile two = add;

__attribute__((export_name("main"))) int main(void)
{
    unsigned x = 1;
    for (unsigned i = 0; i < 1000; i++)
        x = ops[i % 3](x);
    akira_printf("indirect: %u\n", x);
    op1 wrong = (op1)(void *)two;
    akira_printf("not reached: %u\n", wrong(x));
    return 0;
}

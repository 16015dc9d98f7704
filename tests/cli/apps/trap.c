/* trap: each kind of fault stops the app with a trap the runner names; output written
 * before the fault is not lost. */
#include <stdio.h>
#include <string.h>

static volatile int zero = 0;

/* Unbounded recursion through a volatile pointer, so the compiler cannot turn it into
 * a loop: every level is a real wasm call frame. */
static int recurse(int n);
static int (*volatile recurse_ptr)(int) = recurse;

static int recurse(int n)
{
    return recurse_ptr(n + 1) + 1;
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "div";
    printf("before %s\n", kind);
    fflush(stdout);
    if (strcmp(kind, "div") == 0) return 10 / zero;
    if (strcmp(kind, "unreachable") == 0) __builtin_trap();
    if (strcmp(kind, "oob") == 0) return *(volatile int *)(0xfffffff0u + (unsigned)zero);
    if (strcmp(kind, "stack") == 0) return recurse(0);
    return 0;
}

/* A WASI app built by the SDK (wasi-libc: printf, main). */
#include <stdio.h>

int main(void)
{
    printf("hello from %s\n", "wasi");
    return 0;
}

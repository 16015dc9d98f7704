/* spin: a runaway loop with no system calls; only an interrupt (SIGINT) can stop it. */
#include <stdio.h>

int main(void)
{
    volatile unsigned n = 0;
    printf("spinning\n");
    fflush(stdout);
    for (;;)
        n++;
}

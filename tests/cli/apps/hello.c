/* hello: stdout and stderr reach the host's, in order, with line buffering. */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    fprintf(stderr, "to stderr\n");
    return 0;
}

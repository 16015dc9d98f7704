/* args: argv and the environment arrive exactly as given on the command line, and
 * nothing of the host's environment leaks in. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        printf("env %s\n", *e);
    const char *v = getenv("GREETING");
    printf("GREETING=%s\n", v ? v : "(unset)");
    return 0;
}

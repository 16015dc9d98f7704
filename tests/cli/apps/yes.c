/* yes: writes lines until its reader goes away; a closed pipe must be an EPIPE error
 * the app sees (and reports), not a signal that kills the runner. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    for (long i = 0; i < 10000000; i++) {
        if (write(1, "y\n", 2) != 2) {
            fprintf(stderr, "write failed: %s\n", strerror(errno));
            return 3;
        }
    }
    return 0;
}

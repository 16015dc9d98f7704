/* wasi_revoke: opens a file in its directory, sleeps while the test revokes its
 * storage capability, then tries again: every file call is refused from then on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    FILE *f = fopen("r.txt", "w");
    printf("before revoke: %s\n", f ? "ok" : strerror(errno));
    if (f) fclose(f);
    sleep(3); /* the test revokes meanwhile */
    f = fopen("r.txt", "r");
    printf("after revoke: %s\n", f ? "opened" : strerror(errno));
    if (f) fclose(f);
    return 0;
}

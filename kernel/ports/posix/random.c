/* POSIX port of akira/random.h: the host kernel's CSPRNG through getrandom(). */
#include <akira/random.h>

#include <errno.h>
#include <sys/random.h>

#include <akira/err.h>

int akira_random_fill(void *buf, size_t len)
{
    if (!buf && len) return AKIRA_EINVAL;
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return AKIRA_EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * akira/random.h on Cortex-M. The mps2 boards have no random number generator, so the
 * port reads the host's /dev/urandom through semihosting: the board under QEMU plays a
 * device with a TRNG. Without a host to answer (no semihosting) this is AKIRA_ENOTSUP,
 * never a predictable fallback.
 */
#include <akira/random.h>

#include <akira/err.h>
#include <akira/semihost.h>

int akira_random_fill(void *buf, size_t len)
{
    if (!buf && len) return AKIRA_EINVAL;
    if (len == 0) return 0;
    int fd = akira_semihost_open("/dev/urandom", AKIRA_SH_MODE_RB);
    if (fd < 0) return AKIRA_ENOTSUP;
    int rc = akira_semihost_read(fd, buf, len);
    akira_semihost_close(fd);
    return rc == 0 ? 0 : AKIRA_EIO;
}

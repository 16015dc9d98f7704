/*
 * The flash image file behind --flash: created erased (all 0xFF) when absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/native_sim.h>

static int write_erased(int fd, size_t size)
{
    static unsigned char chunk[64 * 1024];
    memset(chunk, AKIRA_BOARD_FLASH_ERASED_VALUE, sizeof(chunk));
    size_t done = 0;
    while (done < size) {
        size_t n = size - done < sizeof(chunk) ? size - done : sizeof(chunk);
        ssize_t w = write(fd, chunk, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return AKIRA_EIO;
        done += (size_t)w;
    }
    return fsync(fd) == 0 ? 0 : AKIRA_EIO;
}

int akira_board_flash_image_prepare(const char *path, size_t size, bool *created)
{
    *created = false;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode) || (size_t)st.st_size != size) return AKIRA_EINVAL;
        return 0;
    }
    if (errno != ENOENT) return AKIRA_EIO;

    /* Build the image under a temporary name and rename it into place: a crash
     * mid-way must not leave a short image that the next boot would reject. */
    char tmp[4096];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp)) return AKIRA_EINVAL;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return AKIRA_EIO;
    int rc = write_erased(fd, size);
    if (close(fd) != 0 && rc == 0) rc = AKIRA_EIO;
    if (rc == 0 && rename(tmp, path) != 0) rc = AKIRA_EIO;
    if (rc != 0) {
        unlink(tmp);
        return rc;
    }
    *created = true;
    return 0;
}

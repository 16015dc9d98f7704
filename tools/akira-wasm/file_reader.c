/*
 * file_reader.c - pread-backed module reader.
 */
#include "file_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int akira_cli_file_open(akira_cli_file *f, const char *path, char *msg, size_t msglen)
{
    f->bytes_read = 0;
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        snprintf(msg, msglen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)UINT32_MAX) {
        snprintf(msg, msglen, "%s: not a regular file below 4 GiB", path);
        close(f->fd);
        f->fd = -1;
        return -1;
    }
    f->size = (uint32_t)st.st_size;
    return 0;
}

int akira_cli_file_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
    akira_cli_file *f = ctx;
    uint8_t *p = buf;
    f->bytes_read += len;
    while (len > 0) {
        ssize_t n = pread(f->fd, p, len, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1; /* error, or the file shrank under us */
        p += n;
        offset += (uint32_t)n;
        len -= (uint32_t)n;
    }
    return 0;
}

void akira_cli_file_close(akira_cli_file *f)
{
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
}

/*
 * The flash image file behind --flash: created erased (all 0xFF) when absent, and
 * locked for this process so that a second akiraos on the same file is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/native_sim.h>

/* The locked descriptor, open until exit. Close-on-exec: a reboot's exec drops the
 * lock and the new image takes it again. */
static int lock_fd = -1;

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

static int say(char *why, size_t cap, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int say(char *why, size_t cap, int rc, const char *fmt, ...)
{
    if (why && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* Lock the open image fd: exclusive, without waiting. */
static int lock_image(int fd, const char *path, char *why, size_t cap)
{
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK)
            return say(why, cap, AKIRA_EBUSY,
                       "%s is in use by another akiraos process: stop it, or give this one "
                       "another --flash file",
                       path);
        return say(why, cap, AKIRA_EIO, "cannot lock %s: %s", path, strerror(errno));
    }
    return 0;
}

/* Create the erased image under a temporary name, locked, and link it into place only
 * if nothing is there yet: a crash never leaves a short image, and of two processes
 * creating the same image at once exactly one gets it. Returns 0 with *fd open and
 * locked, AKIRA_EEXIST when another process created it first, or an error. */
static int create_image(const char *path, size_t size, int *fd, char *why, size_t cap)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp)) return say(why, cap, AKIRA_EINVAL, "path too long");
    int f = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (f < 0) return say(why, cap, AKIRA_EIO, "cannot create %s: %s", tmp, strerror(errno));
    int rc = lock_image(f, tmp, why, cap);
    if (rc == 0) rc = write_erased(f, size);
    if (rc == 0 && link(tmp, path) != 0) {
        rc = errno == EEXIST
                 ? AKIRA_EEXIST
                 : say(why, cap, AKIRA_EIO, "cannot create %s: %s", path, strerror(errno));
    }
    unlink(tmp);
    if (rc != 0) {
        close(f);
        return rc;
    }
    *fd = f;
    return 0;
}

int akira_board_flash_image_prepare(const char *path, size_t size, bool *created, char *why,
                                    size_t cap)
{
    *created = false;
    if (why && cap) why[0] = '\0';
    if (lock_fd >= 0) return say(why, cap, AKIRA_EBUSY, "an image is already open");
    /* A few rounds: another process may create or replace the file between our steps. */
    for (int round = 0; round < 8; round++) {
        struct stat st, now;
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
            return say(why, cap, AKIRA_EINVAL, "%s is not a regular file", path);
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            int rc = create_image(path, size, &fd, why, cap);
            if (rc == AKIRA_EEXIST) continue;
            if (rc != 0) return rc;
            *created = true;
            lock_fd = fd;
            return 0;
        }
        if (fd < 0) return say(why, cap, AKIRA_EIO, "cannot open %s: %s", path, strerror(errno));
        int rc = lock_image(fd, path, why, cap);
        if (rc == 0 && fstat(fd, &st) != 0)
            rc = say(why, cap, AKIRA_EIO, "cannot stat %s: %s", path, strerror(errno));
        if (rc == 0 && !S_ISREG(st.st_mode))
            rc = say(why, cap, AKIRA_EINVAL, "%s is not a regular file", path);
        if (rc == 0 && (uint64_t)st.st_size != size)
            rc = say(why, cap, AKIRA_EINVAL,
                     "%s has the wrong size: expected %zu bytes, the file has %lld (refused, "
                     "left as it is)",
                     path, size, (long long)st.st_size);
        if (rc != 0) {
            close(fd);
            return rc;
        }
        /* Locked what is still at path, not a file replaced meanwhile. */
        if (stat(path, &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino) {
            lock_fd = fd;
            return 0;
        }
        close(fd);
    }
    return say(why, cap, AKIRA_EBUSY, "%s keeps changing under us", path);
}

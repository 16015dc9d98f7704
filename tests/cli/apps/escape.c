/* escape: nothing outside the preopened directory (argv[1]) can be read, written,
 * created, renamed or removed: not with "..", not with absolute paths, not through
 * symlinks (the test script plants "abs_link" -> /etc and "up_link" -> ..). Each attempt
 * must fail with an errno; paths that stay inside must still work. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "box.h"

static int escaped;

static void blocked(const char *what, int rc)
{
    if (rc >= 0) {
        printf("ESCAPED: %s\n", what);
        escaped = 1;
    } else {
        printf("blocked %s: %s\n", what, strerror(errno));
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    base = argv[1];
    struct stat st;

    blocked("open ../outside.txt", open(at("../outside.txt"), O_RDONLY));
    blocked("open sub/../../outside.txt", open(at("sub/../../outside.txt"), O_RDONLY));
    blocked("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    blocked("open abs_link/passwd", open(at("abs_link/passwd"), O_RDONLY));
    blocked("open up_link/outside.txt", open(at("up_link/outside.txt"), O_RDONLY));
    blocked("stat ../outside.txt", stat(at("../outside.txt"), &st));
    blocked("create ../evil.txt", open(at("../evil.txt"), O_WRONLY | O_CREAT, 0644));
    blocked("create up_link/evil.txt", open(at("up_link/evil.txt"), O_WRONLY | O_CREAT, 0644));
    blocked("mkdir ../evil", mkdir(at("../evil"), 0755));
    blocked("rename inside.txt ../evil.txt", rename(at("inside.txt"), at("../evil.txt")));
    blocked("unlink ../outside.txt", unlink(at("../outside.txt")));
    blocked("rmdir ..", rmdir(at("..")));
    /* links the app makes itself are confined the same way */
    if (symlink("..", at("made_up")) != 0) printf("symlink made_up: %s\n", strerror(errno));
    blocked("open made_up/outside.txt", open(at("made_up/outside.txt"), O_RDONLY));
    blocked("link ../outside.txt", link(at("../outside.txt"), at("stolen")));
    /* every way a libc may spell "..", and symlinks in intermediate components that
     * climb out directly, through a chain of links, or to an absolute target */
    blocked("open ./../outside.txt", open(at("./../outside.txt"), O_RDONLY));
    blocked("open sub/./../../outside.txt", open(at("sub/./../../outside.txt"), O_RDONLY));
    blocked("open sub/../sub/../../outside.txt",
            open(at("sub/../sub/../../outside.txt"), O_RDONLY));
    blocked("open ..//outside.txt", open(at("..//outside.txt"), O_RDONLY));
    blocked("stat up_link/", stat(at("up_link/"), &st));
    blocked("open sub/deep_link/outside.txt", open(at("sub/deep_link/outside.txt"), O_RDONLY));
    blocked("open chain_link/outside.txt", open(at("chain_link/outside.txt"), O_RDONLY));
    blocked("open sub/abs_link2/passwd", open(at("sub/abs_link2/passwd"), O_RDONLY));
    blocked("create sub/deep_link/evil.txt",
            open(at("sub/deep_link/evil.txt"), O_WRONLY | O_CREAT, 0644));

    /* Straight to the host, past libc's own preopen matching. */
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(3, 0, "/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    printf("path_open(3, \"/etc/passwd\"): errno %d\n", e);
    if (e == 0) escaped = 1;
    e = __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "abs_link", 0, __WASI_RIGHTS_FD_READ,
                         0, 0, &fd);
    printf("path_open(3, \"abs_link\"): errno %d\n", e);
    if (e == 0) escaped = 1;
    e = __wasi_path_open(3, 0, "up_link/outside.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    printf("path_open(3, \"up_link/outside.txt\"): errno %d\n", e);
    if (e == 0) escaped = 1;
    /* A buffer past the end of linear memory is refused (EFAULT), never dereferenced. */
    __wasi_ciovec_t iov = {(const uint8_t *)0xfffffff0u, 64};
    __wasi_size_t written = 0;
    e = __wasi_fd_write(1, &iov, 1, &written);
    printf("fd_write(<bad buffer>): errno %d\n", e);
    if (e == 0) escaped = 1;

    /* Malformed paths are refused with the POSIX errno, inside the sandbox too. */
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = '\0';
    blocked("open loop_a/x (symlink loop)", open(at("loop_a/x"), O_RDONLY));
    blocked("open inside.txt/ (file as dir)", open(at("inside.txt/"), O_RDONLY));
    blocked("open 256-char name", open(at(longname), O_RDONLY | O_CREAT, 0644));

    /* Staying inside still works, including through an inside symlink. */
    FILE *f = fopen(at("sub/../inside.txt"), "r");
    char buf[64] = "";
    if (f) {
        if (!fgets(buf, sizeof buf, f)) buf[0] = '\0';
        fclose(f);
    }
    printf("inside via sub/..: %s", f ? buf : "FAILED\n");
    f = fopen(at("in_link"), "r");
    buf[0] = '\0';
    if (f) {
        if (!fgets(buf, sizeof buf, f)) buf[0] = '\0';
        fclose(f);
    }
    printf("inside via in_link: %s", f ? buf : "FAILED\n");
    return escaped;
}

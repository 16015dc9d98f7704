/* p0_abi: the preview-0 functions whose ABI differs from preview 1, called straight
 * through "wasi_unstable" imports (the rest of the program is an ordinary preview-1
 * wasi-libc program): fd_seek's whence (cur 0, end 1, set 2), the 56-byte filestat
 * with a u32 nlink at 20, and poll_oneoff's 56-byte clock subscription whose clock id
 * sits at 24 behind the `identifier` field. Each check prints ok or FAIL; argv[1] is
 * the preopened directory, fd 3. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define P0(name) __attribute__((import_module("wasi_unstable"), import_name(#name)))

P0(fd_seek) uint16_t p0_fd_seek(uint32_t fd, int64_t off, uint32_t whence, uint64_t *pos);
P0(fd_filestat_get) uint16_t p0_fd_filestat_get(uint32_t fd, uint8_t *st);
P0(path_filestat_get)
uint16_t p0_path_filestat_get(uint32_t fd, uint32_t flags, const char *path, uint32_t len,
                              uint8_t *st);
P0(poll_oneoff) uint16_t p0_poll_oneoff(const uint8_t *in, uint8_t *out, uint32_t n, uint32_t *nev);
P0(fd_fdstat_get) uint16_t p0_fd_fdstat_get(uint32_t fd, uint8_t *st);
P0(path_open)
uint16_t p0_path_open(uint32_t fd, uint32_t dirflags, const char *path, uint32_t len,
                      uint32_t oflags, uint64_t base, uint64_t inherit, uint32_t fdflags,
                      uint32_t *out);
P0(fd_write) uint16_t p0_fd_write(uint32_t fd, const void *iovs, uint32_t n, uint32_t *written);

static int failed;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    failed |= !ok;
}

static uint64_t ld(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void st64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int main(void)
{
    uint32_t fd = 0, n = 0;
    uint16_t e = p0_path_open(3, 0, "p0.txt", 6, 1 | 8 /* creat, trunc */,
                              (1u << 1) | (1u << 2) | (1u << 6) | (1u << 21), 0, 0, &fd);
    check("path_open", e == 0);
    if (e) return 1;
    struct {
        const void *buf;
        uint32_t len;
    } iov = {"0123456789", 10};
    check("fd_write 10 bytes", p0_fd_write(fd, &iov, 1, &n) == 0 && n == 10);

    uint64_t pos = 99;
    check("seek set(2) +2 -> 2", p0_fd_seek(fd, 2, 2, &pos) == 0 && pos == 2);
    check("seek cur(0) +1 -> 3", p0_fd_seek(fd, 1, 0, &pos) == 0 && pos == 3);
    check("seek end(1) -4 -> 6", p0_fd_seek(fd, -4, 1, &pos) == 0 && pos == 6);
    check("seek whence 3 -> EINVAL", p0_fd_seek(fd, 0, 3, &pos) == __WASI_ERRNO_INVAL);

    uint8_t st[64];
    memset(st, 0xAA, sizeof st);
    e = p0_fd_filestat_get(fd, st);
    check("fd_filestat_get", e == 0);
    check("  filetype at 16 is regular", st[16] == 4);
    check("  nlink u32 at 20 is 1", ld(st + 20, 4) == 1);
    check("  size at 24 is 10", ld(st + 24, 8) == 10);
    __wasi_filestat_t p1;
    check("  times at 32/40/48 as preview 1 reads them",
          __wasi_fd_filestat_get(fd, &p1) == 0 && ld(st + 32, 8) == p1.atim &&
              ld(st + 40, 8) == p1.mtim && ld(st + 48, 8) == p1.ctim && ld(st + 8, 8) == p1.ino);
    check("  56 bytes only", ld(st + 56, 8) == 0xAAAAAAAAAAAAAAAAull);
    memset(st, 0xAA, sizeof st);
    e = p0_path_filestat_get(3, 0, "p0.txt", 6, st);
    check("path_filestat_get", e == 0 && st[16] == 4 && ld(st + 20, 4) == 1 &&
                                   ld(st + 24, 8) == 10 && ld(st + 56, 8) == 0xAAAAAAAAAAAAAAAAull);
    uint8_t fs[24];
    check("fd_fdstat_get has no sock_accept right",
          p0_fd_fdstat_get(3, fs) == 0 && fs[0] == 3 && (ld(fs + 8, 8) >> 29) == 0);

    /* one clock subscription, preview-0 layout: userdata, tag 0 at 8, identifier at 16,
     * clock id at 24, timeout at 32, precision at 40, flags at 48 */
    uint8_t sub[56], ev[32];
    memset(sub, 0, sizeof sub);
    memset(ev, 0, sizeof ev);
    st64(sub, 0x1234);
    st64(sub + 16, 0x5555);  /* identifier: a preview-1 reader takes it for the id */
    sub[24] = 1;             /* monotonic */
    st64(sub + 32, 2000000); /* 2 ms */
    n = 0;
    e = p0_poll_oneoff(sub, ev, 1, &n);
    check("poll_oneoff clock", e == 0 && n == 1);
    check("  event userdata, no error, clock type",
          ld(ev, 8) == 0x1234 && ld(ev + 8, 2) == 0 && ev[10] == 0);
    return failed;
}

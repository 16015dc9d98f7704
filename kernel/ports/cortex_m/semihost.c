/* Arm semihosting calls (see akira/semihost.h). */
#include <akira/semihost.h>

#include <string.h>

#define SYS_OPEN                     0x01
#define SYS_CLOSE                    0x02
#define SYS_WRITE                    0x05
#define SYS_READ                     0x06
#define SYS_SEEK                     0x0A
#define SYS_FLEN                     0x0C
#define SYS_GET_CMDLINE              0x15
#define SYS_EXIT_EXTENDED            0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int call(int op, void *arg)
{
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int akira_semihost_open(const char *path, int mode)
{
    uint32_t a[3] = {(uint32_t)path, (uint32_t)mode, (uint32_t)strlen(path)};
    return call(SYS_OPEN, a);
}

int akira_semihost_close(int fd)
{
    uint32_t a[1] = {(uint32_t)fd};
    return call(SYS_CLOSE, a);
}

/* SYS_WRITE/SYS_READ answer the number of bytes NOT transferred. */
int akira_semihost_write(int fd, const void *buf, size_t len)
{
    uint32_t a[3] = {(uint32_t)fd, (uint32_t)buf, (uint32_t)len};
    return call(SYS_WRITE, a) == 0 ? 0 : -1;
}

int akira_semihost_read(int fd, void *buf, size_t len)
{
    uint32_t a[3] = {(uint32_t)fd, (uint32_t)buf, (uint32_t)len};
    return call(SYS_READ, a) == 0 ? 0 : -1;
}

int akira_semihost_seek(int fd, uint32_t pos)
{
    uint32_t a[2] = {(uint32_t)fd, pos};
    return call(SYS_SEEK, a) == 0 ? 0 : -1;
}

long akira_semihost_flen(int fd)
{
    uint32_t a[1] = {(uint32_t)fd};
    return call(SYS_FLEN, a);
}

int akira_semihost_cmdline(char *buf, size_t cap)
{
    if (cap == 0) return -1;
    uint32_t a[2] = {(uint32_t)buf, (uint32_t)cap};
    if (call(SYS_GET_CMDLINE, a) != 0) {
        buf[0] = '\0';
        return -1;
    }
    buf[cap - 1] = '\0';
    return 0;
}

void akira_semihost_exit(int status)
{
    uint32_t a[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    for (;;)
        call(SYS_EXIT_EXTENDED, a);
}

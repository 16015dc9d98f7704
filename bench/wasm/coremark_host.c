/*
 * The host side of CoreMark's port for `make bench` (bench/wasm): the port itself is
 * bench/mcu/coremark (core_portme.c/.h, shared with the Cortex-M image); this file gives
 * it the clock and the console it imports there. Ticks are microseconds of the process's
 * CPU time (CM_TICKS_PER_SEC=1000000), so a loaded machine does not charge a runner for
 * time it spent descheduled.
 *  - native (cc -O2): clock_gettime(CLOCK_PROCESS_CPUTIME_ID) and putchar;
 *  - wasm32 (clang -nostdlib): WASI preview 1's clock_time_get (process CPU-time clock)
 *    and fd_write to stdout, and a `_start`, so the same module runs as a WASI command on
 *    akira-wasm and on wasm3.
 * CoreMark is built with -Dmain=coremark_main (as on the MCU).
 */
#undef main /* -Dmain=coremark_main is for core_main.c */
int coremark_main(void);
unsigned cm_cycles(void);
void cm_putc(int c);

#ifdef __wasm__
typedef unsigned long long u64;

__attribute__((import_module("wasi_snapshot_preview1"), import_name("clock_time_get"))) int
wasi_clock_time_get(int clock, u64 precision, u64 *time);
struct ciovec {
    const void *buf;
    unsigned long len;
};
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write"))) int
wasi_fd_write(int fd, const struct ciovec *iov, int n, unsigned long *written);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_exit"))) void
wasi_proc_exit(int code);

unsigned cm_cycles(void)
{
    u64 ns = 0;
    wasi_clock_time_get(2 /* process CPU time */, 1000, &ns);
    return (unsigned)(ns / 1000u);
}

static char line[128];
static unsigned long used;

static void flush(void)
{
    struct ciovec v = {line, used};
    unsigned long n = 0;
    if (used) wasi_fd_write(1, &v, 1, &n);
    used = 0;
}

void cm_putc(int c)
{
    line[used++] = (char)c;
    if (c == '\n' || used == sizeof line) flush();
}

void _start(void)
{
    int rc = coremark_main();
    flush();
    if (rc) wasi_proc_exit(rc);
}
#else
#include <stdio.h>
#include <time.h>

unsigned cm_cycles(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (unsigned)((unsigned long long)t.tv_sec * 1000000u +
                      (unsigned long long)t.tv_nsec / 1000u);
}

void cm_putc(int c)
{
    putchar(c);
}

int main(void)
{
    return coremark_main();
}
#endif

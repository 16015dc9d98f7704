/*
 * CoreMark porting layer (see core_portme.h): timing on the board's cycle counter, a
 * printf subset (%d %u %lu %s %x with width and zero fill, all CoreMark prints), the
 * performance-run seeds and the iteration count from the build (-DITERATIONS=N).
 */
#include <stdarg.h>

#include "coremark.h"

volatile ee_s32 seed1_volatile = 0x0;
volatile ee_s32 seed2_volatile = 0x0;
volatile ee_s32 seed3_volatile = 0x66;
volatile ee_s32 seed4_volatile = ITERATIONS;
volatile ee_s32 seed5_volatile = 0;
ee_u32 default_num_contexts = 1;

static CORETIMETYPE start_time_val, stop_time_val;

void start_time(void)
{
    start_time_val = cm_cycles();
}

void stop_time(void)
{
    stop_time_val = cm_cycles();
}

CORE_TICKS get_time(void)
{
    return stop_time_val - start_time_val;
}

/* The board's 25 MHz ticks by default (bench/wasm's host build counts microseconds);
 * whole seconds are enough for CoreMark's own report. */
#ifndef CM_TICKS_PER_SEC
#define CM_TICKS_PER_SEC 25000000u
#endif
secs_ret time_in_secs(CORE_TICKS ticks)
{
    return ticks / CM_TICKS_PER_SEC;
}

void portable_init(core_portable *p, int *argc, char *argv[])
{
    (void)argc;
    (void)argv;
    p->portable_id = 1;
}

void portable_fini(core_portable *p)
{
    p->portable_id = 0;
}

static void put_uint(unsigned long v, unsigned base, int width, char pad)
{
    char buf[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    while (n < width--)
        cm_putc(pad);
    while (n)
        cm_putc(buf[--n]);
}

int ee_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            cm_putc(*p);
            continue;
        }
        p++;
        char pad = ' ';
        if (*p == '0') {
            pad = '0';
            p++;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int is_long = 0;
        if (*p == 'l') {
            is_long = 1;
            p++;
        }
        switch (*p) {
        case 'd': {
            long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) {
                cm_putc('-');
                v = -v;
            }
            put_uint((unsigned long)v, 10, width, pad);
            break;
        }
        case 'u':
            put_uint(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, width, pad);
            break;
        case 'x':
            put_uint(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, width, pad);
            break;
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                cm_putc(*s);
            break;
        case '%': cm_putc('%'); break;
        default: cm_putc('?'); break;
        }
    }
    va_end(ap);
    return 0;
}

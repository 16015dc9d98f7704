/*
 * C99 length modifiers for Debian's newlib, which is built without
 * _WANT_IO_C99_FORMATS: its printf family prints "%zu" as "zu". The firmware links with
 * --wrap for each printf-family function it uses; the wrappers rewrite the format for
 * this ABI (size_t and ptrdiff_t are int-sized, intmax_t is long long, char arguments
 * arrive promoted to int) and call newlib's own function. Conversions are otherwise
 * unchanged. A format too long for the rewrite buffer is passed through as it is.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(size_t) == sizeof(int) && sizeof(ptrdiff_t) == sizeof(int),
               "z and t are dropped: size_t/ptrdiff_t must be int-sized");
_Static_assert(sizeof(intmax_t) == sizeof(long long), "j becomes ll");

#define FMT_MAX 256

/* Rewrite fmt into out; false if it does not fit (then fmt is used unchanged). */
static bool rewrite(const char *fmt, char *out)
{
    size_t o = 0;
    for (const char *p = fmt; *p;) {
        if (o + 3 >= FMT_MAX) return false;
        if (*p != '%') {
            out[o++] = *p++;
            continue;
        }
        out[o++] = *p++;
        if (*p == '%') {
            out[o++] = *p++;
            continue;
        }
        /* flags, width, precision */
        while (*p && strchr("-+ #0123456789.*", *p)) {
            if (o + 3 >= FMT_MAX) return false;
            out[o++] = *p++;
        }
        if (*p == 'z' || *p == 't') {
            p++;
        } else if (*p == 'j') {
            out[o++] = 'l';
            out[o++] = 'l';
            p++;
        } else if (p[0] == 'h' && p[1] == 'h') {
            out[o++] = 'h';
            p += 2;
        }
    }
    out[o] = '\0';
    return true;
}

int __real_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int __real_vfprintf(FILE *f, const char *fmt, va_list ap);

int __wrap_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    char f[FMT_MAX];
    return __real_vsnprintf(buf, size, rewrite(fmt, f) ? f : fmt, ap);
}

int __wrap_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = __wrap_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_vsprintf(char *buf, const char *fmt, va_list ap)
{
    return __wrap_vsnprintf(buf, SIZE_MAX / 2, fmt, ap);
}

int __wrap_sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = __wrap_vsnprintf(buf, SIZE_MAX / 2, fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_vfprintf(FILE *stream, const char *fmt, va_list ap)
{
    char f[FMT_MAX];
    return __real_vfprintf(stream, rewrite(fmt, f) ? f : fmt, ap);
}

int __wrap_fprintf(FILE *stream, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = __wrap_vfprintf(stream, fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_vprintf(const char *fmt, va_list ap)
{
    return __wrap_vfprintf(stdout, fmt, ap);
}

int __wrap_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = __wrap_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

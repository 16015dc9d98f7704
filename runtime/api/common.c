/*
 * API module "common": log, printf, delay, uptime. No capability needed.
 *
 *   log(level i32, ptr i32, len i32) -> i32       0 | EINVAL | EFAULT
 *   printf(fmt i32, args i32) -> i32              chars formatted | EINVAL | EFAULT
 *   delay(ms i32) -> i32                          0 | EINVAL
 *   uptime_ms() -> i64
 *
 * printf is the C variadic call as clang lowers it for wasm32: fmt is a NUL-terminated
 * string in linear memory, args points at the packed argument area (each argument at
 * its natural alignment: int, long, pointers 4 bytes; long long and double 8). The
 * format is parsed here and each argument is read from app memory with a bounds check,
 * so a bad pointer or a `%s` of a wild pointer gives EFAULT, never a crash.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <akira/bridge.h>
#include <akira/err.h>
#include <akira/log.h>

#include "hw_util.h"

AKIRA_LOG_MODULE_REGISTER(app);

#define FMT_MAX 256u /* longest format string accepted */
#define STR_MAX 256u /* longest %s argument accepted */

static aw_status api_log(struct akira_app_ctx *app, aw_val *io)
{
    int32_t level = io[0].i32;
    uint32_t ptr = io[1].u32, len = io[2].u32;
    if (level < AKIRA_LOG_ERROR || level > AKIRA_LOG_DEBUG) {
        io[0].i32 = AKIRA_EINVAL;
        return AW_OK;
    }
    const char *s = akira_bridge_mem(app, ptr, len);
    if (!s) {
        io[0].i32 = AKIRA_EFAULT;
        return AW_OK;
    }
    akira_bridge_app_log(app, (enum akira_log_level)level, s, len);
    io[0].i32 = 0;
    return AW_OK;
}

/* Reads the next argument of `size` bytes (4 or 8, aligned to size) from the area. */
static int arg_next(struct akira_app_ctx *app, uint32_t *ap, uint32_t size, uint64_t *out)
{
    uint32_t at = (*ap + size - 1) & ~(size - 1);
    if (at < *ap) return AKIRA_EFAULT;
    const uint8_t *p = akira_bridge_mem(app, at, size);
    if (!p) return AKIRA_EFAULT;
    uint64_t v = 0;
    for (uint32_t i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i); /* little endian */
    *out = v;
    *ap = at + size;
    return 0;
}

/* Appends one conversion to out[*n..cap). `spec` is the host format of it. */
static void emit(char *out, size_t cap, size_t *n, const char *spec, ...)
    __attribute__((format(printf, 4, 5)));
static void emit(char *out, size_t cap, size_t *n, const char *spec, ...)
{
    va_list ap;
    va_start(ap, spec);
    int w = vsnprintf(out + (*n < cap ? *n : cap - 1), *n < cap ? cap - *n : 1, spec, ap);
    va_end(ap);
    if (w > 0) *n += (size_t)w;
}

/* Formats fmt with the app's arguments into out (cut at cap - 1). Returns the length
 * the whole output has, or a negative error. */
static int format_app(struct akira_app_ctx *app, const char *fmt, size_t flen, uint32_t ap,
                      char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < flen; i++) {
        if (fmt[i] != '%') {
            if (n < cap - 1) {
                out[n] = fmt[i];
                out[n + 1] = '\0';
            }
            n++;
            continue;
        }
        /* %[flags][width][.precision][length]conv, rebuilt for the host. */
        char spec[32];
        size_t s = 0;
        spec[s++] = '%';
        i++;
        while (i < flen && strchr("-+ #0", fmt[i]) && s < 8)
            spec[s++] = fmt[i++];
        for (int d = 0; i < flen && fmt[i] >= '0' && fmt[i] <= '9'; i++)
            if (d++ < 3) spec[s++] = fmt[i];
        if (i < flen && fmt[i] == '.') {
            spec[s++] = fmt[i++];
            for (int d = 0; i < flen && fmt[i] >= '0' && fmt[i] <= '9'; i++)
                if (d++ < 3) spec[s++] = fmt[i];
        }
        int longs = 0;  /* 0: int, 2: long long (8 bytes); h, hh, l, z, j, t are 4 on wasm32
                           except j (intmax_t, 8) */
        int shorts = 0; /* h: the value is converted to short, hh: to char (C 7.21.6.1) */
        while (i < flen && strchr("hlzjt", fmt[i])) {
            if (fmt[i] == 'l') longs++;
            if (fmt[i] == 'h') shorts++;
            if (fmt[i] == 'j') longs = 2;
            i++;
        }
        if (i >= flen) return AKIRA_EINVAL;
        char conv = fmt[i];
        uint64_t v;
        int rc;
        switch (conv) {
        case '%': emit(out, cap, &n, "%%"); break;
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        case 'c': {
            uint32_t size = longs >= 2 && conv != 'c' ? 8 : 4;
            if ((rc = arg_next(app, &ap, size, &v)) != 0) return rc;
            memcpy(spec + s, conv == 'c' ? "c" : "ll", conv == 'c' ? 2 : 3);
            if (conv != 'c') {
                spec[s + 2] = conv;
                spec[s + 3] = '\0';
            }
            int sign = conv == 'd' || conv == 'i';
            if (size == 4 && shorts == 1)
                v = sign ? (uint64_t)(int64_t)(int16_t)v : (uint16_t)v;
            else if (size == 4 && shorts >= 2)
                v = sign ? (uint64_t)(int64_t)(int8_t)v : (uint8_t)v;
            if (conv == 'c')
                emit(out, cap, &n, spec, (int)(v & 0xff));
            else if (sign)
                emit(out, cap, &n, spec, size == 8 ? (long long)(int64_t)v : (long long)(int32_t)v);
            else
                emit(out, cap, &n, spec,
                     size == 8 ? (unsigned long long)v : (unsigned long long)(uint32_t)v);
            break;
        }
        case 'p':
            if ((rc = arg_next(app, &ap, 4, &v)) != 0) return rc;
            emit(out, cap, &n, "0x%08" PRIx32, (uint32_t)v);
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
            if ((rc = arg_next(app, &ap, 8, &v)) != 0) return rc;
            double d;
            memcpy(&d, &v, sizeof(d));
            spec[s] = conv;
            spec[s + 1] = '\0';
            emit(out, cap, &n, spec, d);
            break;
        }
        case 's': {
            if ((rc = arg_next(app, &ap, 4, &v)) != 0) return rc;
            size_t slen;
            const char *str = akira_bridge_cstr(app, (uint32_t)v, STR_MAX, &slen);
            if (!str) return AKIRA_EFAULT;
            spec[s] = 's';
            spec[s + 1] = '\0';
            emit(out, cap, &n, spec, str);
            break;
        }
        default: return AKIRA_EINVAL; /* '*' widths, %n and unknown conversions */
        }
    }
    return n > INT32_MAX ? AKIRA_EOVERFLOW : (int)n;
}

int hw_format(struct akira_app_ctx *app, uint32_t fmt_ptr, uint32_t ap, char *out, size_t cap)
{
    size_t flen;
    const char *fmt = akira_bridge_cstr(app, fmt_ptr, FMT_MAX, &flen);
    if (!fmt) return AKIRA_EFAULT;
    return format_app(app, fmt, flen, ap, out, cap);
}

static aw_status api_printf(struct akira_app_ctx *app, aw_val *io)
{
    size_t flen;
    const char *fmt = akira_bridge_cstr(app, io[0].u32, FMT_MAX, &flen);
    if (!fmt) {
        io[0].i32 = AKIRA_EFAULT;
        return AW_OK;
    }
    char out[AKIRA_APP_LOG_LINE_MAX * 2];
    int n = format_app(app, fmt, flen, io[1].u32, out, sizeof(out));
    if (n >= 0) {
        /* One log line per output line; a trailing newline ends the last one. */
        const char *p = out, *end = out + strlen(out);
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            akira_bridge_app_log(app, AKIRA_LOG_INFO, p, len);
            p += len + (nl != NULL);
        }
    }
    io[0].i32 = n;
    return AW_OK;
}

static aw_status api_delay(struct akira_app_ctx *app, aw_val *io)
{
    int32_t ms = io[0].i32;
    if (ms < 0) {
        io[0].i32 = AKIRA_EINVAL;
        return AW_OK;
    }
    akira_bridge_wait_begin(app);
    akira_evq_sleep(app->evq, (uint32_t)ms);
    io[0].i32 = 0;
    return akira_bridge_wait_end(app);
}

static aw_status api_uptime_ms(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    io[0].i64 = (int64_t)akira_uptime_ms();
    return AW_OK;
}

static const struct akira_bridge_entry entries[] = {
    {"log", "(iii)i", AKIRA_CAP_NONE, api_log},
    {"printf", "(ii)i", AKIRA_CAP_NONE, api_printf},
    {"delay", "(i)i", AKIRA_CAP_NONE, api_delay},
    {"uptime_ms", "()I", AKIRA_CAP_NONE, api_uptime_ms},
};

const struct akira_bridge_module akira_api_common = {
    .name = "common",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
};

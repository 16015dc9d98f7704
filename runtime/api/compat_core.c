/*
 * API module "compat_core": upstream AkiraOS's "env" natives that need no device
 * (akira/compat.h, docs/compat.md): logging and the microsecond delay, the libc-style
 * helpers upstream's engine supplies to apps built with -nostdlib, the app heap
 * (mem_alloc), polling timers, the RTC, and the app calls (app_list, app_switch, ...).
 *
 * Results are upstream's: negative errno values (-EPERM for a capability the app's
 * upstream manifest lacks), 0 / counts / addresses as upstream documents. Where
 * upstream's engine traps (a `$` or `*` argument outside memory, a libc call reading
 * past it) the app traps here too.
 */
#include <ctype.h>

#include <akira/app_manager.h>
#include <akira/thread.h>
#include <akira/work.h>

#include <akira/log.h>

#include "compat_priv.h"

AKIRA_LOG_MODULE_REGISTER(compat);

#define TIMERS_MAX    16u /* all apps together (upstream: 8 per firmware) */
#define LOG_MAX       255u
#define ALLOC_MAX     (16u * 1024u * 1024u)
#define SWITCH_DELAY  200u /* ms, as upstream */
#define SWITCH_TRIES  50u  /* the caller has 50 x 100 ms to return from main */
#define STR_UNBOUNDED (UINT32_MAX - 1u)
#define FORMAT_MAX    1024u /* most characters sprintf and snprintf write, with the NUL */

/* --------------------------------------------------------------- shared helpers */

struct akira_compat_app *compat_state(struct akira_app_ctx *app)
{
    if (!app->compat) {
        struct akira_compat_app *s = akira_quota_realloc(app->quota, NULL, 0, sizeof *s);
        if (!s) return NULL;
        memset(s, 0, sizeof *s);
        app->compat = s;
    }
    return app->compat;
}

bool compat_allowed(struct akira_app_ctx *app, uint64_t bits, const char *fn)
{
    if (app->manifest && (app->manifest->compat_caps & bits)) return true;
    hw_deny(app, "%s needs an upstream capability the app's manifest does not ask for", fn);
    return false;
}

aw_status compat_call(struct akira_app_ctx *app, const char *name,
                      const struct akira_bridge_entry **cache, aw_val *args, int32_t *rc)
{
    if (!*cache) *cache = akira_bridge_find(AKIRA_BRIDGE_IMPORT_MODULE, name);
    if (!*cache) {
        *rc = AKIRA_ENOTSUP;
        return AW_OK;
    }
    aw_status st = (*cache)->fn(app, args);
    *rc = args[0].i32;
    return st;
}

aw_status compat_oob(struct akira_app_ctx *app)
{
    aw_store_set_trap_msg(app->store, "out of bounds memory access (env native argument)");
    return AW_ERR_TRAP;
}

/* A NUL-terminated string argument (`$`): trap when it leaves memory. */
static const char *str_arg(struct akira_app_ctx *app, uint32_t ptr, uint32_t max, size_t *len)
{
    return akira_bridge_cstr(app, ptr, max, len);
}

#define STR_OR_TRAP(var, app, ptr, max, len)                                                       \
    const char *var = str_arg((app), (ptr), (max), (len));                                         \
    if (!var) return compat_oob(app)

/* ------------------------------------------------------------ logging, timing */

static aw_status up_printf_native(struct akira_app_ctx *app, aw_val *io)
{
    if (io[0].u32 == 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    size_t len;
    STR_OR_TRAP(s, app, io[0].u32, STR_UNBOUNDED, &len);
    akira_bridge_app_log(app, AKIRA_LOG_INFO, s, len > LOG_MAX ? LOG_MAX : len);
    return hw_ret(io, 0);
}

/* Sleeps `us` microseconds; a stop ends the wait. Whole milliseconds sleep on the app's
 * event queue (a stop wakes it), the rest in the kernel's microsecond sleep. */
static aw_status up_delay(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t us = io[0].u32;
    akira_bridge_wait_begin(app);
    if (us >= 1000u) akira_evq_sleep(app->evq, us / 1000u);
    if (us % 1000u) akira_sleep_us(us % 1000u);
    if (us == 0) akira_yield();
    io[0].i32 = 0;
    return akira_bridge_wait_end(app);
}

/* printf(fmt, va): our common module's formatter (its conversions are a superset of
 * upstream's), one log line per line, the result as upstream (chars or -EINVAL). */
static aw_status up_printf(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *ours;
    if (!akira_bridge_cstr(app, io[0].u32, STR_UNBOUNDED, &(size_t){0})) return compat_oob(app);
    int32_t rc;
    aw_status st = compat_call(app, "printf", &ours, io, &rc);
    if (st == AW_OK && rc < 0) io[0].i32 = akira_compat_errno(rc);
    return st;
}

static aw_status up_puts(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(s, app, io[0].u32, STR_UNBOUNDED, &len);
    akira_bridge_app_log(app, AKIRA_LOG_INFO, s, len > LOG_MAX ? LOG_MAX : len);
    return hw_ret(io, (int32_t)(len > LOG_MAX ? LOG_MAX : len) + 1);
}

/* putchar: characters gather into a line (the app's compat state), logged at a newline
 * or when the line is full. */
static aw_status up_putchar(struct akira_app_ctx *app, aw_val *io)
{
    char c = (char)io[0].u32;
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    if (c != '\n') s->line[s->line_len++] = c;
    if (c == '\n' || s->line_len == sizeof s->line) {
        akira_bridge_app_log(app, AKIRA_LOG_INFO, s->line, s->line_len);
        s->line_len = 0;
    }
    return hw_ret(io, (int32_t)(uint8_t)c);
}

/* ------------------------------------------------------------------- libc */

/* The range [ptr, ptr + len) of app memory or a trap (len 0 is always fine). */
#define RANGE_OR_TRAP(var, app, ptr, len)                                                          \
    uint8_t *var = (len) ? akira_bridge_mem((app), (ptr), (len)) : (uint8_t *)&(uint8_t){0};       \
    if (!var) return compat_oob(app)

static aw_status up_memcpy(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t n = io[2].u32;
    RANGE_OR_TRAP(d, app, io[0].u32, n);
    RANGE_OR_TRAP(s, app, io[1].u32, n);
    if (n) memmove(d, s, n); /* overlap is the app's bug; never the host's */
    return AW_OK;            /* io[0] = dst already */
}

static aw_status up_memset(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t n = io[2].u32;
    RANGE_OR_TRAP(d, app, io[0].u32, n);
    if (n) memset(d, (int)(io[1].u32 & 0xFF), n);
    return AW_OK;
}

static aw_status up_memcmp(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t n = io[2].u32;
    RANGE_OR_TRAP(a, app, io[0].u32, n);
    RANGE_OR_TRAP(b, app, io[1].u32, n);
    return hw_ret(io, n ? memcmp(a, b, n) : 0);
}

static aw_status up_memchr(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t n = io[2].u32;
    RANGE_OR_TRAP(a, app, io[0].u32, n);
    const uint8_t *p = n ? memchr(a, (int)(io[1].u32 & 0xFF), n) : NULL;
    io[0].u32 = p ? io[0].u32 + (uint32_t)(p - a) : 0;
    return AW_OK;
}

static aw_status up_strlen(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(s, app, io[0].u32, STR_UNBOUNDED, &len);
    (void)s;
    io[0].u32 = (uint32_t)len;
    return AW_OK;
}

static aw_status up_strcmp(struct akira_app_ctx *app, aw_val *io)
{
    size_t la, lb;
    STR_OR_TRAP(a, app, io[0].u32, STR_UNBOUNDED, &la);
    STR_OR_TRAP(b, app, io[1].u32, STR_UNBOUNDED, &lb);
    return hw_ret(io, strcmp(a, b));
}

/* The first n bytes of a string (stopping at its NUL) or a trap. */
static const char *str_n(struct akira_app_ctx *app, uint32_t ptr, uint32_t n, size_t *len)
{
    uint32_t i = 0;
    for (; i < n; i++) {
        const char *c = akira_bridge_mem(app, ptr + i, 1);
        if (!c || ptr + i < ptr) return NULL;
        if (!*c) break;
    }
    *len = i;
    return n ? akira_bridge_mem(app, ptr, i ? i : 1) : "";
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* strncmp, and strncasecmp (fold: ASCII letters compared as lower case). */
static aw_status ncmp(struct akira_app_ctx *app, aw_val *io, bool fold)
{
    size_t la, lb;
    const char *a = str_n(app, io[0].u32, io[2].u32, &la);
    const char *b = str_n(app, io[1].u32, io[2].u32, &lb);
    if (!a || !b) return compat_oob(app);
    size_t n = la < lb ? la : lb;
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++)
        r = fold ? lower((uint8_t)a[i]) - lower((uint8_t)b[i]) : (uint8_t)a[i] - (uint8_t)b[i];
    if (r == 0 && la != lb) {
        int c = la < lb ? (uint8_t)b[la] : (uint8_t)a[lb];
        c = fold ? lower(c) : c;
        r = la < lb ? -c : c;
    }
    return hw_ret(io, r);
}

COMPAT_WRAP(up_strncmp, ncmp, false)
COMPAT_WRAP(up_strncasecmp, ncmp, true)

static aw_status up_strcpy(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(s, app, io[1].u32, STR_UNBOUNDED, &len);
    RANGE_OR_TRAP(d, app, io[0].u32, (uint32_t)len + 1u);
    memmove(d, s, len + 1);
    return AW_OK;
}

static aw_status up_strncpy(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t n = io[2].u32;
    size_t len;
    const char *s = str_n(app, io[1].u32, n, &len);
    if (!s) return compat_oob(app);
    RANGE_OR_TRAP(d, app, io[0].u32, n);
    if (n) {
        memmove(d, s, len);
        memset(d + len, 0, n - len);
    }
    return AW_OK;
}

static aw_status up_strchr(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(s, app, io[0].u32, STR_UNBOUNDED, &len);
    char c = (char)io[1].u32;
    const char *p = c ? memchr(s, c, len) : s + len;
    io[0].u32 = p ? io[0].u32 + (uint32_t)(p - s) : 0;
    return AW_OK;
}

static aw_status up_atoi(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(s, app, io[0].u32, STR_UNBOUNDED, &len);
    int64_t v = 0;
    size_t i = 0;
    while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    bool neg = i < len && s[i] == '-';
    if (i < len && (s[i] == '-' || s[i] == '+')) i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        if (v < (int64_t)INT32_MAX + 1) v = v * 10 + (s[i] - '0');
    v = neg ? -v : v;
    return hw_ret(io, (int32_t)(v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v));
}

/* snprintf / vsnprintf (dst, size, fmt, args): our formatter into at most
 * FORMAT_MAX - 1 characters and a NUL, cut to size; the full length (C's answer), or
 * -1 for a format we refuse. dst traps outside memory. */
static aw_status format_to(struct akira_app_ctx *app, aw_val *io, uint32_t dst, uint32_t size,
                           uint32_t fmt, uint32_t ap, bool bounded)
{
    if (!akira_bridge_cstr(app, fmt, STR_UNBOUNDED, &(size_t){0})) return compat_oob(app);
    char out[FORMAT_MAX];
    int n = hw_format(app, fmt, ap, out, sizeof out);
    if (n < 0 || (!bounded && (uint32_t)n >= sizeof out)) return hw_ret(io, -1);
    uint32_t put = (uint32_t)n < sizeof out ? (uint32_t)n : (uint32_t)sizeof out - 1;
    if (bounded) {
        if (size == 0) return hw_ret(io, n);
        if (put > size - 1) put = size - 1;
    }
    RANGE_OR_TRAP(d, app, dst, put + 1u);
    memcpy(d, out, put);
    d[put] = '\0';
    return hw_ret(io, n);
}

static aw_status up_snprintf(struct akira_app_ctx *app, aw_val *io)
{
    return format_to(app, io, io[0].u32, io[1].u32, io[2].u32, io[3].u32, true);
}

static aw_status up_sprintf(struct akira_app_ctx *app, aw_val *io)
{
    return format_to(app, io, io[0].u32, 0, io[1].u32, io[2].u32, false);
}

static aw_status up_strstr(struct akira_app_ctx *app, aw_val *io)
{
    size_t lh, ln;
    STR_OR_TRAP(h, app, io[0].u32, STR_UNBOUNDED, &lh);
    STR_OR_TRAP(n, app, io[1].u32, STR_UNBOUNDED, &ln);
    const char *p = strstr(h, n);
    io[0].u32 = p ? io[0].u32 + (uint32_t)(p - h) : 0;
    return AW_OK;
}

/* strspn (accept) and strcspn (reject). */
static aw_status span(struct akira_app_ctx *app, aw_val *io, bool accept)
{
    size_t la, lb;
    STR_OR_TRAP(a, app, io[0].u32, STR_UNBOUNDED, &la);
    STR_OR_TRAP(b, app, io[1].u32, STR_UNBOUNDED, &lb);
    io[0].u32 = (uint32_t)(accept ? strspn(a, b) : strcspn(a, b));
    return AW_OK;
}

COMPAT_WRAP(up_strspn, span, true)
COMPAT_WRAP(up_strcspn, span, false)

/* strtol / strtoul (s, endptr, base): C's rules for base 0 and 2..36, saturating; the
 * end pointer (when not 0) is stored as an app address and traps outside memory. */
static aw_status to_number(struct akira_app_ctx *app, aw_val *io, bool is_signed)
{
    size_t len;
    STR_OR_TRAP(s, app, io[0].u32, STR_UNBOUNDED, &len);
    uint32_t endp = io[1].u32;
    int32_t base = io[2].i32;
    uint8_t *ep = NULL;
    if (endp) {
        ep = akira_bridge_mem(app, endp, 4);
        if (!ep) return compat_oob(app);
    }
    uint32_t end = io[0].u32;
    int64_t v = 0;
    if (base == 0 || (base >= 2 && base <= 36)) {
        size_t i = 0;
        while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
            i++;
        bool neg = i < len && s[i] == '-';
        if (i < len && (s[i] == '-' || s[i] == '+')) i++;
        int b = base;
        bool hex_prefix = i + 1 < len && s[i] == '0' && (s[i + 1] | 0x20) == 'x';
        if ((b == 0 || b == 16) && hex_prefix && i + 2 < len && isxdigit((unsigned char)s[i + 2])) {
            i += 2;
            b = 16;
        } else if (b == 0) {
            b = i < len && s[i] == '0' ? 8 : 10;
        }
        uint64_t acc = 0;
        bool any = false;
        for (; i < len; i++) {
            int c = (unsigned char)s[i], d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                d = (c | 0x20) - 'a' + 10;
            else
                break;
            if (d >= b) break;
            any = true;
            if (acc <= UINT32_MAX) acc = acc * (uint64_t)b + (uint64_t)d;
        }
        if (any) {
            end = io[0].u32 + (uint32_t)i;
            if (is_signed) {
                int64_t lim = neg ? (int64_t)INT32_MAX + 1 : INT32_MAX;
                v = acc > (uint64_t)lim ? lim : (int64_t)acc;
                v = neg ? -v : v;
            } else {
                v = acc > UINT32_MAX
                        ? (int64_t)UINT32_MAX
                        : (int64_t)(neg ? (uint32_t)(0u - (uint32_t)acc) : (uint32_t)acc);
            }
        }
    }
    if (ep) hw_put_u32(ep, end);
    io[0].u32 = (uint32_t)v;
    return AW_OK;
}

COMPAT_WRAP(up_strtol, to_number, true)
COMPAT_WRAP(up_strtoul, to_number, false)

/* Whether s[0..n) starts with the lower-case word w, in any case. */
static bool word_at(const char *s, size_t n, const char *w)
{
    size_t k = 0;
    for (; w[k]; k++)
        if (k >= n || (s[k] | 0x20) != w[k]) return false;
    return true;
}

/* 10^e for 0 <= e, by squaring (within a few units in the last place). */
static double pow10_(uint32_t e)
{
    double r = 1.0, b = 10.0;
    for (; e && r < 1e308 * 10.0; e >>= 1, b *= b)
        if (e & 1u) r *= b;
    return r;
}

/* strtod(s, endptr): C's decimal form (sign, digits, '.', digits, e/E exponent) and
 * inf, infinity, nan (any case); no hexadecimal floats. Past 19 significant digits the
 * rest only scale; the result is within a few units in the last place of the nearest
 * double, +-HUGE_VAL beyond the range, 0 below it. The end pointer as strtol's. */
static aw_status up_strtod(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(s, app, io[0].u32, STR_UNBOUNDED, &len);
    uint8_t *ep = NULL;
    if (io[1].u32 && !(ep = akira_bridge_mem(app, io[1].u32, 4))) return compat_oob(app);
    size_t i = 0, end = 0;
    while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    bool neg = i < len && s[i] == '-';
    if (i < len && (s[i] == '-' || s[i] == '+')) i++;
    double v = 0.0;
    if (word_at(s + i, len - i, "inf")) {
        v = __builtin_inf();
        end = i + (word_at(s + i, len - i, "infinity") ? 8 : 3);
    } else if (word_at(s + i, len - i, "nan")) {
        v = __builtin_nan("");
        end = i + 3;
    } else {
        uint64_t mant = 0;
        int64_t exp10 = 0;
        unsigned sig = 0;
        bool any = false, dot = false;
        for (; i < len; i++) {
            char c = s[i];
            if (c == '.' && !dot) {
                dot = true;
                continue;
            }
            if (c < '0' || c > '9') break;
            any = true;
            if (sig < 19) {
                mant = mant * 10u + (uint64_t)(c - '0');
                if (mant) sig++;
                if (dot) exp10--;
            } else if (!dot) {
                exp10++;
            }
        }
        if (any) {
            end = i;
            if (i < len && (s[i] | 0x20) == 'e') {
                size_t k = i + 1;
                bool eneg = k < len && s[k] == '-';
                if (k < len && (s[k] == '-' || s[k] == '+')) k++;
                int64_t e = 0;
                bool edig = false;
                for (; k < len && s[k] >= '0' && s[k] <= '9'; k++) {
                    edig = true;
                    if (e < 100000) e = e * 10 + (s[k] - '0');
                }
                if (edig) {
                    exp10 += eneg ? -e : e;
                    end = k;
                }
            }
            v = (double)mant;
            if (mant && exp10 > 0) v = exp10 > 400 ? __builtin_inf() : v * pow10_((uint32_t)exp10);
            if (mant && exp10 < 0) {
                /* two steps keep 10^-e inside the range of a double */
                uint32_t e = exp10 < -800 ? 800u : (uint32_t)-exp10;
                v = e > 300 ? v / pow10_(300) / pow10_(e - 300) : v / pow10_(e);
            }
        }
    }
    if (neg) v = -v;
    if (ep) hw_put_u32(ep, end ? io[0].u32 + (uint32_t)end : io[0].u32);
    io[0].f64 = v;
    return AW_OK;
}

/* The ctype set of upstream's engine, for the C locale. */
enum ctype_op {
    C_ALNUM,
    C_ALPHA,
    C_DIGIT,
    C_XDIGIT,
    C_SPACE,
    C_UPPER,
    C_LOWER,
    C_GRAPH,
    C_TOLOWER,
    C_TOUPPER
};

static aw_status ctype(struct akira_app_ctx *app, aw_val *io, enum ctype_op op)
{
    (void)app;
    int32_t c = io[0].i32;
    bool ascii = c >= 0 && c <= 127;
    int r;
    switch (op) {
    case C_ALNUM: r = ascii && isalnum(c); break;
    case C_ALPHA: r = ascii && isalpha(c); break;
    case C_DIGIT: r = ascii && isdigit(c); break;
    case C_XDIGIT: r = ascii && isxdigit(c); break;
    case C_SPACE: r = ascii && isspace(c); break;
    case C_UPPER: r = ascii && isupper(c); break;
    case C_LOWER: r = ascii && islower(c); break;
    case C_GRAPH: r = ascii && isgraph(c); break;
    case C_TOLOWER: r = ascii ? tolower(c) : c; break;
    default: r = ascii ? toupper(c) : c; break;
    }
    return hw_ret(io, r);
}

COMPAT_WRAP(up_isalnum, ctype, C_ALNUM)
COMPAT_WRAP(up_isalpha, ctype, C_ALPHA)
COMPAT_WRAP(up_isdigit, ctype, C_DIGIT)
COMPAT_WRAP(up_isxdigit, ctype, C_XDIGIT)
COMPAT_WRAP(up_isspace, ctype, C_SPACE)
COMPAT_WRAP(up_isupper, ctype, C_UPPER)
COMPAT_WRAP(up_islower, ctype, C_LOWER)
COMPAT_WRAP(up_isgraph, ctype, C_GRAPH)
COMPAT_WRAP(up_tolower, ctype, C_TOLOWER)
COMPAT_WRAP(up_toupper, ctype, C_TOUPPER)

/* ---------------------------------------------------------------- app heap */

static aw_status up_mem_alloc(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t size = io[0].u32;
    io[0].u32 = size == 0 || size > ALLOC_MAX ? 0 : akira_app_heap_alloc(&app->heap, size);
    return AW_OK;
}

static aw_status up_calloc(struct akira_app_ctx *app, aw_val *io)
{
    uint64_t size = (uint64_t)io[0].u32 * io[1].u32;
    uint32_t p =
        size == 0 || size > ALLOC_MAX ? 0 : akira_app_heap_alloc(&app->heap, (uint32_t)size);
    uint8_t *h = p ? akira_bridge_mem(app, p, (uint32_t)size) : NULL;
    if (h) memset(h, 0, (size_t)size);
    io[0].u32 = h ? p : 0;
    return AW_OK;
}

static aw_status up_mem_free(struct akira_app_ctx *app, aw_val *io)
{
    /* 0 is ignored; an address that is no live block changes nothing (upstream: the
     * heap's own check). */
    if (io[0].u32) (void)akira_app_heap_free(&app->heap, io[0].u32);
    return AW_OK;
}

/* realloc(p, size) as C's: p 0 is malloc; size 0 frees p and answers 0; a block that
 * holds size already stays where it is; else a new block gets the old bytes and the
 * old one is freed; no room (or p not a live block) answers 0 and p stays as it was. */
static aw_status up_realloc(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t p = io[0].u32, size = io[1].u32;
    if (p == 0)
        return hw_ret(io, size == 0 || size > ALLOC_MAX
                              ? 0
                              : (int32_t)akira_app_heap_alloc(&app->heap, size));
    uint32_t old = akira_app_heap_block_size(&app->heap, p);
    if (size == 0) {
        if (old) (void)akira_app_heap_free(&app->heap, p);
        return hw_ret(io, 0);
    }
    if (old == 0 || size > ALLOC_MAX) return hw_ret(io, 0);
    if (size <= old) return hw_ret(io, (int32_t)p);
    uint32_t n = akira_app_heap_alloc(&app->heap, size);
    uint8_t *to = n ? akira_bridge_mem(app, n, old) : NULL;
    const uint8_t *from = akira_bridge_mem(app, p, old);
    if (!to || !from) {
        if (n) (void)akira_app_heap_free(&app->heap, n);
        return hw_ret(io, 0);
    }
    memcpy(to, from, old); /* blocks never overlap */
    (void)akira_app_heap_free(&app->heap, p);
    return hw_ret(io, (int32_t)n);
}

/* exit(code): the app ends with its code, as WASI proc_exit (`app info`: "exited N");
 * upstream's engine ends the instance there too. */
static aw_status up_exit(struct akira_app_ctx *app, aw_val *io)
{
    app->exited = true;
    app->exit_code = io[0].i32;
    char msg[32];
    snprintf(msg, sizeof msg, "exit %d", (int)app->exit_code);
    aw_store_set_trap_msg(app->store, msg);
    return AW_ERR_TRAP;
}

/* abort(): the app fails, reason trap, saying so. C's abort takes nothing (what a C
 * app imports); upstream's engine registers emscripten's abort(i32), which a C app's
 * import does not match, so there the call traps as an unlinked import. */
static aw_status up_abort(struct akira_app_ctx *app, aw_val *io)
{
    (void)io;
    aw_store_set_trap_msg(app->store, "the app called abort()");
    return AW_ERR_TRAP;
}

/* ------------------------------------------------------------------ timers */

static struct {
    struct hw_lock lock;
    struct {
        struct akira_app_ctx *owner; /* NULL: free */
        bool running;
        uint64_t start_us, acc_us;
    } t[TIMERS_MAX];
} T;

static aw_status up_timer_create(struct akira_app_ctx *app, aw_val *io)
{
    if (!hw_lock(&T.lock)) return hw_ret(io, -AKIRA_UP_ENOMEM);
    int32_t h = -AKIRA_UP_ENOMEM;
    for (uint32_t i = 0; i < TIMERS_MAX && h < 0; i++)
        if (!T.t[i].owner) {
            T.t[i].owner = app;
            T.t[i].running = false;
            T.t[i].start_us = T.t[i].acc_us = 0;
            h = (int32_t)i;
        }
    hw_unlock(&T.lock);
    return hw_ret(io, h);
}

/* With the lock: 0 when the handle is the app's, else -EINVAL / -EPERM. */
static int32_t timer_check(struct akira_app_ctx *app, int32_t h)
{
    if (h < 0 || (uint32_t)h >= TIMERS_MAX || !T.t[h].owner) return -AKIRA_UP_EINVAL;
    return T.t[h].owner == app ? 0 : -AKIRA_UP_EPERM;
}

enum timer_op { T_START, T_STOP, T_ELAPSED, T_FREE };

static aw_status timer_do(struct akira_app_ctx *app, aw_val *io, enum timer_op op)
{
    int32_t h = io[0].i32;
    if (!hw_lock(&T.lock)) return hw_ret(io, -AKIRA_UP_EINVAL);
    int32_t rc = timer_check(app, h);
    uint64_t now = akira_uptime_us();
    if (rc == 0) {
        switch (op) {
        case T_START:
            T.t[h].running = true;
            T.t[h].start_us = now;
            T.t[h].acc_us = 0;
            break;
        case T_STOP:
            if (T.t[h].running) T.t[h].acc_us += now - T.t[h].start_us;
            T.t[h].running = false;
            break;
        case T_ELAPSED: {
            uint64_t us = T.t[h].acc_us + (T.t[h].running ? now - T.t[h].start_us : 0);
            rc = (int32_t)((us / 1000u) & 0x7FFFFFFFu);
            break;
        }
        case T_FREE: T.t[h].owner = NULL; break;
        }
    }
    hw_unlock(&T.lock);
    return hw_ret(io, rc);
}

COMPAT_WRAP(up_timer_start, timer_do, T_START)
COMPAT_WRAP(up_timer_stop, timer_do, T_STOP)
COMPAT_WRAP(up_timer_elapsed, timer_do, T_ELAPSED)
COMPAT_WRAP(up_timer_free, timer_do, T_FREE)

/* --------------------------------------------------------------------- RTC */

/* Unix time at uptime 0, in ms; 0 while nobody set the clock (the device has no wall
 * clock: upstream answers 0 then too). */
static _Atomic int64_t epoch_ms;

static aw_status up_rtc_get_unix_time(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(RTC_READ), "rtc_get_unix_time");
    int64_t e = atomic_load(&epoch_ms);
    return hw_ret(io, e ? (int32_t)((e + (int64_t)akira_uptime_ms()) / 1000) : 0);
}

static aw_status up_rtc_get_uptime_ms(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(RTC_READ), "rtc_get_uptime_ms");
    return hw_ret(io, (int32_t)(akira_uptime_ms() & 0x7FFFFFFFu));
}

static aw_status up_rtc_set_unix_time(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(RTC_WRITE), "rtc_set_unix_time");
    if (io[0].i32 <= 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    atomic_store(&epoch_ms, (int64_t)io[0].i32 * 1000 - (int64_t)akira_uptime_ms());
    return hw_ret(io, 0);
}

static aw_status up_rtc_set_alarm(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(RTC_WRITE), "rtc_set_alarm");
    if (io[0].i32 <= 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    s->alarm_ms = (uint64_t)io[0].i32;
    return hw_ret(io, 0);
}

static aw_status up_rtc_alarm_fired(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(RTC_READ), "rtc_alarm_fired");
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    bool fired = s->alarm_ms && akira_uptime_ms() >= s->alarm_ms;
    if (fired) s->alarm_ms = 0;
    return hw_ret(io, fired ? 1 : 0);
}

/* -------------------------------------------------------------------- apps */

enum { UP_NEW = 0, UP_INSTALLED, UP_RUNNING, UP_STOPPED, UP_ERROR, UP_FAILED };

static int up_state(const struct akira_app_info *i)
{
    switch (i->state) {
    case AKIRA_APP_INSTALLED: return UP_INSTALLED;
    case AKIRA_APP_LOADED:
    case AKIRA_APP_RUNNING: return UP_RUNNING;
    case AKIRA_APP_STOPPED: return UP_STOPPED;
    case AKIRA_APP_FAILED: return UP_FAILED;
    }
    return UP_ERROR;
}

static const char *const up_state_word[] = {"NEW",     "INSTALLED", "RUNNING",
                                            "STOPPED", "ERROR",     "FAILED"};

#define APP_INFO_BITS (UPBIT(APP_INFO) | UPBIT(APP_CONTROL))

static aw_status up_app_get_status(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(name, app, io[0].u32, AKIRA_APP_NAME_MAX + 1u, &len);
    COMPAT_REQUIRE(app, io, APP_INFO_BITS, "app_get_status");
    struct akira_app_info *info = akira_quota_realloc(app->quota, NULL, 0, sizeof *info);
    if (!info) return hw_ret(io, -AKIRA_UP_ENOMEM);
    int rc = akira_app_info(name, info);
    int32_t r = rc ? akira_compat_errno(rc) : up_state(info);
    akira_quota_realloc(app->quota, info, sizeof *info, 0);
    return hw_ret(io, r);
}

static aw_status up_app_list(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t ptr = io[0].u32, cap = io[1].u32;
    COMPAT_REQUIRE(app, io, APP_INFO_BITS, "app_list");
    char *buf = cap ? akira_bridge_mem(app, ptr, cap) : NULL;
    if (!buf) return hw_ret(io, -AKIRA_UP_EINVAL);
    size_t max = AKIRA_BOARD_APPS_INSTALLED_MAX;
    struct akira_app_info *info = akira_quota_realloc(app->quota, NULL, 0, max * sizeof *info);
    if (!info) return hw_ret(io, -AKIRA_UP_ENOMEM);
    size_t n = akira_app_list(info, max);
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + used, cap - used, "%s:%s\n", info[i].manifest.name,
                         up_state_word[up_state(&info[i])]);
        if (w < 0 || (size_t)w >= cap - used) {
            buf[used] = '\0'; /* only whole lines */
            break;
        }
        used += (size_t)w;
    }
    akira_quota_realloc(app->quota, info, max * sizeof *info, 0);
    return hw_ret(io, (int32_t)n);
}

static aw_status up_app_get_self_name(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t cap = io[1].u32;
    COMPAT_REQUIRE(app, io, APP_INFO_BITS, "app_get_self_name");
    if (cap < 2) return hw_ret(io, -AKIRA_UP_EINVAL);
    char *buf = akira_bridge_mem(app, io[0].u32, cap);
    if (!buf) return hw_ret(io, -AKIRA_UP_EINVAL);
    int n = snprintf(buf, cap, "%s", app->name);
    return hw_ret(io, n < 0 ? 0 : (int32_t)((size_t)n < cap ? (size_t)n : cap - 1));
}

static aw_status up_app_start(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(name, app, io[0].u32, AKIRA_APP_NAME_MAX + 1u, &len);
    COMPAT_REQUIRE(app, io, UPBIT(APP_CONTROL), "app_start");
    int rc = akira_app_start(name);
    return hw_ret(io, rc == AKIRA_ENOSPC ? -AKIRA_UP_EBUSY : akira_compat_errno(rc));
}

static aw_status up_app_stop(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(name, app, io[0].u32, AKIRA_APP_NAME_MAX + 1u, &len);
    COMPAT_REQUIRE(app, io, UPBIT(APP_CONTROL), "app_stop");
    if (strcmp(name, app->name) == 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    return compat_ret(io, akira_app_stop(name));
}

/* app_switch: the target starts once the caller has returned from main (it has up to
 * SWITCH_TRIES x 100 ms), on the system work queue; the last call wins. */
static struct {
    struct hw_lock lock;
    struct akira_work work;
    bool inited;
    char from[AKIRA_APP_NAME_MAX + 1], to[AKIRA_APP_NAME_MAX + 1];
    uint32_t tries;
} SW;

static void switch_work(struct akira_work *w)
{
    char from[sizeof SW.from], to[sizeof SW.to];
    if (!hw_lock(&SW.lock)) return;
    memcpy(from, SW.from, sizeof from);
    memcpy(to, SW.to, sizeof to);
    uint32_t tries = SW.tries++;
    hw_unlock(&SW.lock);
    struct akira_app_info info;
    if (akira_app_info(from, &info) == 0 &&
        (info.state == AKIRA_APP_RUNNING || info.state == AKIRA_APP_LOADED) &&
        tries < SWITCH_TRIES) {
        akira_work_submit_delayed(akira_workq_system(), w, 100);
        return;
    }
    int rc = akira_app_start(to);
    if (rc) AKIRA_LOG_WRN("app_switch %s -> %s: %s", from, to, akira_err_str(rc));
}

static aw_status up_app_switch(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    STR_OR_TRAP(name, app, io[0].u32, AKIRA_APP_NAME_MAX + 1u, &len);
    COMPAT_REQUIRE(app, io, UPBIT(APP_SWITCH) | UPBIT(APP_CONTROL), "app_switch");
    if (strcmp(name, app->name) == 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    struct akira_app_info *info = akira_quota_realloc(app->quota, NULL, 0, sizeof *info);
    if (!info) return hw_ret(io, -AKIRA_UP_ENOMEM);
    int rc = akira_app_info(name, info);
    akira_quota_realloc(app->quota, info, sizeof *info, 0);
    if (rc) return compat_ret(io, rc);
    if (!hw_lock(&SW.lock)) return hw_ret(io, -AKIRA_UP_ENOMEM);
    if (!SW.inited) {
        akira_work_init(&SW.work, switch_work);
        SW.inited = true;
    }
    snprintf(SW.from, sizeof SW.from, "%s", app->name);
    snprintf(SW.to, sizeof SW.to, "%s", name);
    SW.tries = 0;
    hw_unlock(&SW.lock);
    rc = akira_work_reschedule(akira_workq_system(), &SW.work, SWITCH_DELAY);
    return hw_ret(io, rc ? -AKIRA_UP_EBUSY : 0);
}

/* ------------------------------------------ modules akira_log and akira_time */

static aw_status log_at(struct akira_app_ctx *app, aw_val *io, enum akira_log_level level)
{
    size_t len;
    STR_OR_TRAP(s, app, io[0].u32, STR_UNBOUNDED, &len);
    akira_bridge_app_log(app, level, s, len > LOG_MAX ? LOG_MAX : len);
    return AW_OK;
}

COMPAT_WRAP(up_log_debug, log_at, AKIRA_LOG_DEBUG)
COMPAT_WRAP(up_log_info, log_at, AKIRA_LOG_INFO)
COMPAT_WRAP(up_log_error, log_at, AKIRA_LOG_ERROR)

static aw_status up_get_time_ms(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    io[0].i64 = (int64_t)akira_uptime_ms();
    return AW_OK;
}

/* sleep_ms: 1..3 599 999 ms, other values ignored (as upstream). */
static aw_status up_sleep_ms(struct akira_app_ctx *app, aw_val *io)
{
    int32_t ms = io[0].i32;
    if (ms < 1 || ms > 3599999) return AW_OK;
    akira_bridge_wait_begin(app);
    akira_evq_sleep(app->evq, (uint32_t)ms);
    return akira_bridge_wait_end(app);
}

static const struct akira_bridge_entry log_entries[] = {
    {"log_debug", "(i)", AKIRA_CAP_NONE, up_log_debug},
    {"log_info", "(i)", AKIRA_CAP_NONE, up_log_info},
    {"log_error", "(i)", AKIRA_CAP_NONE, up_log_error},
};

const struct akira_bridge_module akira_api_compat_log = {
    .name = "compat_log",
    .entries = log_entries,
    .count = sizeof(log_entries) / sizeof(log_entries[0]),
    .import_module = "akira_log",
};

static const struct akira_bridge_entry time_entries[] = {
    {"get_time_ms", "()I", AKIRA_CAP_NONE, up_get_time_ms},
    {"sleep_ms", "(i)", AKIRA_CAP_NONE, up_sleep_ms},
};

const struct akira_bridge_module akira_api_compat_time = {
    .name = "compat_time",
    .entries = time_entries,
    .count = sizeof(time_entries) / sizeof(time_entries[0]),
    .import_module = "akira_time",
};

/* ------------------------------------------------------------------ the end */

static void core_app_end(struct akira_app_ctx *app)
{
    if (atomic_load(&T.lock.m) && hw_lock(&T.lock)) {
        for (uint32_t i = 0; i < TIMERS_MAX; i++)
            if (T.t[i].owner == app) T.t[i].owner = NULL;
        hw_unlock(&T.lock);
    }
    if (app->compat) akira_quota_realloc(app->quota, app->compat, sizeof *app->compat, 0);
    app->compat = NULL;
}

static const struct akira_bridge_entry entries[] = {
    {"printf_native", "(i)i", AKIRA_CAP_NONE, up_printf_native},
    {"delay", "(i)i", AKIRA_CAP_NONE, up_delay},
    {"printf", "(ii)i", AKIRA_CAP_NONE, up_printf},
    {"puts", "(i)i", AKIRA_CAP_NONE, up_puts},
    {"putchar", "(i)i", AKIRA_CAP_NONE, up_putchar},
    {"memcpy", "(iii)i", AKIRA_CAP_NONE, up_memcpy},
    {"memmove", "(iii)i", AKIRA_CAP_NONE, up_memcpy},
    {"memset", "(iii)i", AKIRA_CAP_NONE, up_memset},
    {"memcmp", "(iii)i", AKIRA_CAP_NONE, up_memcmp},
    {"memchr", "(iii)i", AKIRA_CAP_NONE, up_memchr},
    {"strlen", "(i)i", AKIRA_CAP_NONE, up_strlen},
    {"strcmp", "(ii)i", AKIRA_CAP_NONE, up_strcmp},
    {"strncmp", "(iii)i", AKIRA_CAP_NONE, up_strncmp},
    {"strcpy", "(ii)i", AKIRA_CAP_NONE, up_strcpy},
    {"strncpy", "(iii)i", AKIRA_CAP_NONE, up_strncpy},
    {"strchr", "(ii)i", AKIRA_CAP_NONE, up_strchr},
    {"atoi", "(i)i", AKIRA_CAP_NONE, up_atoi},
    {"vprintf", "(ii)i", AKIRA_CAP_NONE, up_printf},
    {"snprintf", "(iiii)i", AKIRA_CAP_NONE, up_snprintf},
    {"vsnprintf", "(iiii)i", AKIRA_CAP_NONE, up_snprintf},
    {"sprintf", "(iii)i", AKIRA_CAP_NONE, up_sprintf},
    {"vsprintf", "(iii)i", AKIRA_CAP_NONE, up_sprintf},
    {"strstr", "(ii)i", AKIRA_CAP_NONE, up_strstr},
    {"strspn", "(ii)i", AKIRA_CAP_NONE, up_strspn},
    {"strcspn", "(ii)i", AKIRA_CAP_NONE, up_strcspn},
    {"strncasecmp", "(iii)i", AKIRA_CAP_NONE, up_strncasecmp},
    {"strtol", "(iii)i", AKIRA_CAP_NONE, up_strtol},
    {"strtoul", "(iii)i", AKIRA_CAP_NONE, up_strtoul},
    {"isalnum", "(i)i", AKIRA_CAP_NONE, up_isalnum},
    {"isalpha", "(i)i", AKIRA_CAP_NONE, up_isalpha},
    {"isdigit", "(i)i", AKIRA_CAP_NONE, up_isdigit},
    {"isxdigit", "(i)i", AKIRA_CAP_NONE, up_isxdigit},
    {"isspace", "(i)i", AKIRA_CAP_NONE, up_isspace},
    {"isupper", "(i)i", AKIRA_CAP_NONE, up_isupper},
    {"islower", "(i)i", AKIRA_CAP_NONE, up_islower},
    {"isgraph", "(i)i", AKIRA_CAP_NONE, up_isgraph},
    {"tolower", "(i)i", AKIRA_CAP_NONE, up_tolower},
    {"toupper", "(i)i", AKIRA_CAP_NONE, up_toupper},
    {"malloc", "(i)i", AKIRA_CAP_NONE, up_mem_alloc},
    {"calloc", "(ii)i", AKIRA_CAP_NONE, up_calloc},
    {"free", "(i)", AKIRA_CAP_NONE, up_mem_free},
    {"realloc", "(ii)i", AKIRA_CAP_NONE, up_realloc},
    {"strtod", "(ii)F", AKIRA_CAP_NONE, up_strtod},
    {"exit", "(i)", AKIRA_CAP_NONE, up_exit},
    {"abort", "()", AKIRA_CAP_NONE, up_abort},
    {"mem_alloc", "(i)i", AKIRA_CAP_NONE, up_mem_alloc},
    {"mem_free", "(i)", AKIRA_CAP_NONE, up_mem_free},
    {"timer_create", "()i", AKIRA_CAP_TIMER, up_timer_create},
    {"timer_start", "(i)i", AKIRA_CAP_TIMER, up_timer_start},
    {"timer_stop", "(i)i", AKIRA_CAP_TIMER, up_timer_stop},
    {"timer_elapsed", "(i)i", AKIRA_CAP_TIMER, up_timer_elapsed},
    {"timer_free", "(i)i", AKIRA_CAP_TIMER, up_timer_free},
    {"rtc_get_unix_time", "()i", AKIRA_CAP_NONE, up_rtc_get_unix_time},
    {"rtc_get_uptime_ms", "()i", AKIRA_CAP_NONE, up_rtc_get_uptime_ms},
    {"rtc_set_unix_time", "(i)i", AKIRA_CAP_NONE, up_rtc_set_unix_time},
    {"rtc_set_alarm", "(i)i", AKIRA_CAP_NONE, up_rtc_set_alarm},
    {"rtc_alarm_fired", "()i", AKIRA_CAP_NONE, up_rtc_alarm_fired},
    {"app_get_status", "(i)i", AKIRA_CAP_NONE, up_app_get_status},
    {"app_list", "(ii)i", AKIRA_CAP_NONE, up_app_list},
    {"app_get_self_name", "(ii)i", AKIRA_CAP_NONE, up_app_get_self_name},
    {"app_start", "(i)i", AKIRA_CAP_NONE, up_app_start},
    {"app_stop", "(i)i", AKIRA_CAP_NONE, up_app_stop},
    {"app_switch", "(i)i", AKIRA_CAP_NONE, up_app_switch},
};

const struct akira_bridge_module akira_api_compat_core = {
    .name = "compat_core",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = core_app_end,
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

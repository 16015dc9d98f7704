/* Wall-clock time on top of the uptime (akira/walltime.h). */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/settings.h>
#include <akira/storage.h>
#include <akira/walltime.h>

#define UNIX_2020_MS 1577836800000LL
#define UNIX_2200_MS 7258118400000LL

/* Unix ms = uptime ms + offset; valid once set. */
static _Atomic int64_t offset_ms;
static atomic_bool valid;
static atomic_flag source_lock = ATOMIC_FLAG_INIT;
static char source_str[48];
static uint64_t set_at_ms;

static void src_lock(void)
{
    while (atomic_flag_test_and_set_explicit(&source_lock, memory_order_acquire)) {
    }
}

static void src_unlock(void)
{
    atomic_flag_clear_explicit(&source_lock, memory_order_release);
}

int akira_walltime_set(int64_t unix_ms, const char *source)
{
    if (unix_ms < UNIX_2020_MS || unix_ms > UNIX_2200_MS) return AKIRA_EINVAL;
    uint64_t up = akira_uptime_ms();
    atomic_store(&offset_ms, unix_ms - (int64_t)up);
    atomic_store(&valid, true);
    src_lock();
    snprintf(source_str, sizeof(source_str), "%s", source ? source : "?");
    set_at_ms = up;
    src_unlock();
    return 0;
}

int akira_walltime_at_uptime(uint64_t uptime_ms, int64_t *unix_ms)
{
    if (!atomic_load(&valid)) return AKIRA_ENOENT;
    *unix_ms = (int64_t)uptime_ms + atomic_load(&offset_ms);
    return 0;
}

int akira_walltime_now(int64_t *unix_ms)
{
    return akira_walltime_at_uptime(akira_uptime_ms(), unix_ms);
}

bool akira_walltime_last_set(uint64_t *uptime_ms, char *source, size_t cap)
{
    if (!atomic_load(&valid)) return false;
    src_lock();
    if (uptime_ms) *uptime_ms = set_at_ms;
    if (source && cap) snprintf(source, cap, "%s", source_str);
    src_unlock();
    return true;
}

void akira_walltime_clear(void)
{
    atomic_store(&valid, false);
}

int akira_walltime_tz_parse(const char *s, int *minutes)
{
    if (!s || !minutes) return AKIRA_EINVAL;
    if (!strcmp(s, "Z") || !strcmp(s, "UTC")) {
        *minutes = 0;
        return 0;
    }
    /* [+-]HH:MM exactly. */
    if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return AKIRA_EINVAL;
    for (int i = 1; i < 6; i++)
        if (i != 3 && (s[i] < '0' || s[i] > '9')) return AKIRA_EINVAL;
    int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
    if (m > 59 || h * 60 + m > 14 * 60) return AKIRA_EINVAL;
    *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

int akira_walltime_tz(void)
{
    char buf[16];
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int n = st ? akira_settings_get(st, AKIRA_TIME_TZ_KEY, buf, sizeof(buf) - 1) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (n < 0) return 0;
    buf[n] = '\0';
    int tz = 0;
    return akira_walltime_tz_parse(buf, &tz) ? 0 : tz;
}

/* Days since 1970-01-01 to a civil date: the well-known era-of-400-years method. */
void akira_walltime_civil(int64_t unix_s, struct akira_civil *out)
{
    int64_t days = unix_s / 86400, sod = unix_s % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    out->day = doy - (153 * mp + 2) / 5 + 1;
    out->month = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int)(yoe + era * 400 + (out->month <= 2));
    out->hour = (unsigned)(sod / 3600);
    out->min = (unsigned)(sod / 60 % 60);
    out->sec = (unsigned)(sod % 60);
}

int akira_walltime_format(int64_t unix_ms, int tz_min, char *buf, size_t cap)
{
    int64_t local = unix_ms + (int64_t)tz_min * 60000;
    int64_t ms = local % 1000, s = local / 1000;
    if (ms < 0) {
        ms += 1000;
        s--;
    }
    struct akira_civil c;
    akira_walltime_civil(s, &c);
    unsigned tz = (unsigned)(tz_min < 0 ? -tz_min : tz_min);
    char zone[8] = "Z";
    if (tz_min)
        snprintf(zone, sizeof(zone), "%c%02u:%02u", tz_min < 0 ? '-' : '+', tz / 60 % 100, tz % 60);
    int n = snprintf(buf, cap, "%04d-%02u-%02uT%02u:%02u:%02u.%03d%s", c.year, c.month, c.day,
                     c.hour, c.min, c.sec, (int)ms, zone);
    if (n < 0 || (size_t)n >= cap) {
        if (cap) buf[0] = '\0';
        return AKIRA_ERANGE;
    }
    return n;
}

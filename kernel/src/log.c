/*
 * Log core: level filtering, the RAM ring of entries, readers, and the sink.
 *
 * The ring is a static array indexed by seq % capacity, so the newest entry for a
 * sequence number is found in O(1) and readers need no per-reader state in the log.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>

#include "kernel_internal.h"

/* The linker defines these around the "akira_log_mod" section; weak so that a
 * program without any module still links (both are then NULL). */
extern struct akira_log_module __start_akira_log_mod[] __attribute__((weak));
extern struct akira_log_module __stop_akira_log_mod[] __attribute__((weak));

static _Atomic int default_level = AKIRA_LOG_LEVEL_DEFAULT;

static akira_once_t log_once = AKIRA_ONCE_INIT;
static akira_mutex_t *ring_lock;
static akira_condvar_t *ring_cv; /* broadcast on every write, for akira_log_wait */
static akira_mutex_t *sink_lock;

/* Two rings, one sequence: the system's own records, and the tagged records written
 * for guests (apps), so that no amount of app logging pushes a system warning out.
 * Each ring holds its entries in seq order at positions first..next-1 (mod cap). */
struct ring {
    struct akira_log_entry *e;
    uint32_t cap;
    uint64_t first, next; /* positions, not seqs; under ring_lock */
};
static struct akira_log_entry sys_entries[AKIRA_LOG_RING_ENTRIES];
static struct akira_log_entry guest_entries[AKIRA_LOG_GUEST_RING_ENTRIES];
static struct ring rings[2] = {{sys_entries, AKIRA_LOG_RING_ENTRIES, 0, 0},
                               {guest_entries, AKIRA_LOG_GUEST_RING_ENTRIES, 0, 0}};
static uint64_t next_seq = 1; /* under ring_lock */
static uint64_t dropped;

static void ring_put(struct ring *r, const struct akira_log_entry *e)
{
    if (r->next - r->first == r->cap) {
        r->first++;
        dropped++;
    }
    r->e[r->next++ % r->cap] = *e;
}

/* Position of the oldest entry of r with seq > after (r->next when none). */
static uint64_t ring_after(const struct ring *r, uint64_t after)
{
    uint64_t lo = r->first, hi = r->next;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (r->e[mid % r->cap].seq > after)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static akira_log_sink_fn sink_fn; /* under sink_lock; NULL = console */
static void *sink_user;
static _Atomic bool sink_on = true;
static _Thread_local bool in_sink;

static void log_init(void)
{
    /* Without these the log cannot work at all; failing loudly beats losing logs. */
    if (akira_mutex_create(&ring_lock) != 0 || akira_condvar_create(&ring_cv) != 0 ||
        akira_mutex_create(&sink_lock) != 0) {
        static const char msg[] = "log: out of memory at init\n";
        akira_port_console_write(msg, sizeof(msg) - 1);
        __builtin_trap();
    }
}

static void log_ready(void)
{
    akira_once(&log_once, log_init);
}

static int module_level(const struct akira_log_module *m)
{
    int l = __atomic_load_n(&m->level, __ATOMIC_RELAXED);
    return l < 0 ? atomic_load_explicit(&default_level, memory_order_relaxed) : l;
}

bool akira_log_enabled(const struct akira_log_module *m, enum akira_log_level level)
{
    if (level <= AKIRA_LOG_NONE) return false;
    return (int)level <= module_level(m);
}

static void console_sink(const struct akira_log_entry *e)
{
    char line[AKIRA_LOG_MSG_MAX + AKIRA_LOG_MODULE_NAME_MAX + 40];
    int n = akira_log_format(e, line, sizeof(line) - 1);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof(line) - 1 ? (size_t)n : sizeof(line) - 2;
    line[len++] = '\n';
    akira_port_console_write(line, len);
}

static void log_record(const struct akira_log_module *m, const char *tag,
                       enum akira_log_level level, const char *fmt, va_list ap)
{
    if (m == NULL || !akira_log_enabled(m, level)) return;
    log_ready();
    struct akira_log_entry e;
    e.level = level;
    e.uptime_ms = akira_uptime_ms();
    snprintf(e.module, sizeof(e.module), "%s", tag ? tag : m->name);
    vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
    size_t len = strlen(e.msg);
    while (len > 0 && (e.msg[len - 1] == '\n' || e.msg[len - 1] == '\r'))
        e.msg[--len] = '\0';

    akira_mutex_lock(ring_lock, AKIRA_FOREVER);
    e.seq = next_seq++;
    ring_put(&rings[tag ? 1 : 0], &e);
    akira_condvar_broadcast(ring_cv);
    akira_mutex_unlock(ring_lock);

    /* A sink that logs would recurse forever; its messages stay in the ring only. */
    if (in_sink || !atomic_load(&sink_on)) return;
    akira_mutex_lock(sink_lock, AKIRA_FOREVER);
    in_sink = true;
    if (sink_fn)
        sink_fn(&e, sink_user);
    else
        console_sink(&e);
    in_sink = false;
    akira_mutex_unlock(sink_lock);
}

void akira_log_vwrite(const struct akira_log_module *m, enum akira_log_level level, const char *fmt,
                      va_list ap)
{
    log_record(m, NULL, level, fmt, ap);
}

void akira_log_write_tagged(const struct akira_log_module *m, const char *tag,
                            enum akira_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_record(m, tag, level, fmt, ap);
    va_end(ap);
}

void akira_log_write(const struct akira_log_module *m, enum akira_log_level level, const char *fmt,
                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    akira_log_vwrite(m, level, fmt, ap);
    va_end(ap);
}

static struct akira_log_module *module_find(const char *name)
{
    if (name == NULL || __start_akira_log_mod == NULL) return NULL;
    for (struct akira_log_module *m = __start_akira_log_mod; m < __stop_akira_log_mod; m++)
        if (strcmp(m->name, name) == 0) return m;
    return NULL;
}

/* Takes int: enums may be unsigned (short enums on ARM EABI), so a range check on the
 * enum type itself could be folded away. */
static bool level_valid(int level)
{
    return level >= AKIRA_LOG_NONE && level <= AKIRA_LOG_DEBUG;
}

int akira_log_level_set(const char *name, enum akira_log_level level)
{
    if (!level_valid((int)level)) return AKIRA_EINVAL;
    struct akira_log_module *m = module_find(name);
    if (m == NULL) return AKIRA_ENOENT;
    __atomic_store_n(&m->level, (int)level, __ATOMIC_RELAXED);
    return 0;
}

int akira_log_level_reset(const char *name)
{
    struct akira_log_module *m = module_find(name);
    if (m == NULL) return AKIRA_ENOENT;
    __atomic_store_n(&m->level, -1, __ATOMIC_RELAXED);
    return 0;
}

int akira_log_level_get(const char *name)
{
    struct akira_log_module *m = module_find(name);
    return m ? module_level(m) : AKIRA_ENOENT;
}

int akira_log_default_level_set(enum akira_log_level level)
{
    if (!level_valid((int)level)) return AKIRA_EINVAL;
    atomic_store(&default_level, (int)level);
    return 0;
}

enum akira_log_level akira_log_default_level_get(void)
{
    return (enum akira_log_level)atomic_load(&default_level);
}

size_t akira_log_module_foreach(akira_log_module_cb cb, void *user)
{
    if (__start_akira_log_mod == NULL) return 0;
    size_t n = 0;
    for (struct akira_log_module *m = __start_akira_log_mod; m < __stop_akira_log_mod; m++, n++) {
        if (cb == NULL) continue;
        bool follows = __atomic_load_n(&m->level, __ATOMIC_RELAXED) < 0;
        cb(m->name, (enum akira_log_level)module_level(m), follows, user);
    }
    return n;
}

const char *akira_log_level_name(enum akira_log_level level)
{
    switch (level) {
    case AKIRA_LOG_NONE: return "none";
    case AKIRA_LOG_ERROR: return "err";
    case AKIRA_LOG_WARN: return "wrn";
    case AKIRA_LOG_INFO: return "inf";
    case AKIRA_LOG_DEBUG: return "dbg";
    }
    return "?";
}

int akira_log_level_parse(const char *s)
{
    static const struct {
        const char *name;
        enum akira_log_level level;
    } names[] = {
        {"none", AKIRA_LOG_NONE},   {"off", AKIRA_LOG_NONE},  {"err", AKIRA_LOG_ERROR},
        {"error", AKIRA_LOG_ERROR}, {"wrn", AKIRA_LOG_WARN},  {"warn", AKIRA_LOG_WARN},
        {"inf", AKIRA_LOG_INFO},    {"info", AKIRA_LOG_INFO}, {"dbg", AKIRA_LOG_DEBUG},
        {"debug", AKIRA_LOG_DEBUG},
    };
    if (s == NULL) return AKIRA_EINVAL;
    if (s[0] >= '0' && s[0] <= '4' && s[1] == '\0') return s[0] - '0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i].name) == 0) return (int)names[i].level;
    return AKIRA_EINVAL;
}

int akira_log_read(uint64_t *cursor, struct akira_log_entry *out)
{
    if (cursor == NULL || out == NULL) return AKIRA_EINVAL;
    log_ready();
    akira_mutex_lock(ring_lock, AKIRA_FOREVER);
    const struct akira_log_entry *best = NULL;
    for (size_t i = 0; i < 2; i++) {
        const struct ring *r = &rings[i];
        uint64_t pos = ring_after(r, *cursor);
        if (pos < r->next && (!best || r->e[pos % r->cap].seq < best->seq))
            best = &r->e[pos % r->cap];
    }
    int rc = AKIRA_ENOENT;
    if (best) {
        *out = *best;
        *cursor = best->seq;
        rc = 0;
    }
    akira_mutex_unlock(ring_lock);
    return rc;
}

int akira_log_wait(uint64_t after, int32_t timeout_ms)
{
    uint64_t deadline;
    int forever;
    if (akira_timeout_deadline(timeout_ms, &deadline, &forever) != 0) return AKIRA_EINVAL;
    log_ready();
    akira_mutex_lock(ring_lock, AKIRA_FOREVER);
    int rc = 0;
    while (next_seq <= after + 1) {
        if (timeout_ms == AKIRA_NO_WAIT) {
            rc = AKIRA_EAGAIN;
            break;
        }
        if (akira_condvar_wait_until(ring_cv, ring_lock, deadline) == AKIRA_ETIMEDOUT &&
            next_seq <= after + 1) {
            rc = AKIRA_ETIMEDOUT;
            break;
        }
    }
    akira_mutex_unlock(ring_lock);
    return rc;
}

void akira_log_stats_get(struct akira_log_stats *out)
{
    log_ready();
    akira_mutex_lock(ring_lock, AKIRA_FOREVER);
    out->written = next_seq - 1;
    out->dropped = dropped;
    out->count = 0;
    out->first_seq = 0;
    for (size_t i = 0; i < 2; i++) {
        const struct ring *r = &rings[i];
        out->count += (uint32_t)(r->next - r->first);
        if (r->next > r->first && (!out->first_seq || r->e[r->first % r->cap].seq < out->first_seq))
            out->first_seq = r->e[r->first % r->cap].seq;
    }
    out->capacity = AKIRA_LOG_RING_ENTRIES + AKIRA_LOG_GUEST_RING_ENTRIES;
    akira_mutex_unlock(ring_lock);
}

void akira_log_clear(void)
{
    log_ready();
    akira_mutex_lock(ring_lock, AKIRA_FOREVER);
    for (size_t i = 0; i < 2; i++)
        rings[i].first = rings[i].next;
    akira_mutex_unlock(ring_lock);
}

int akira_log_format(const struct akira_log_entry *e, char *buf, size_t size)
{
    return snprintf(buf, size, "[%8llu.%03u] <%s> %s: %s",
                    (unsigned long long)(e->uptime_ms / 1000u), (unsigned)(e->uptime_ms % 1000u),
                    akira_log_level_name(e->level), e->module, e->msg);
}

void akira_log_sink_set(akira_log_sink_fn sink, void *user)
{
    log_ready();
    akira_mutex_lock(sink_lock, AKIRA_FOREVER);
    sink_fn = sink;
    sink_user = user;
    akira_mutex_unlock(sink_lock);
}

void akira_log_sink_enable(bool enable)
{
    atomic_store(&sink_on, enable);
}

/*
 * Logging: leveled, per-module, timestamped messages kept in a RAM ring buffer and
 * copied to one output sink.
 *
 * Usage in a source file:
 *     #include <akira/log.h>
 *     AKIRA_LOG_MODULE_REGISTER(http);      // exactly once in the whole program
 *     ...
 *     AKIRA_LOG_INF("listening on port %d", port);
 * Other files of the same module use AKIRA_LOG_MODULE_DECLARE(http) instead. Registering
 * the same name twice is a link error (duplicate symbol), which is intended.
 *
 * Levels: a message is kept when its level <= the module's level. Each module starts at
 * "follow the global default" (AKIRA_LOG_LEVEL_DEFAULT, settable at run time); a level
 * set by name overrides the default for that module only.
 *
 * Every kept message goes (1) into a ring buffer, always, and (2) to the sink. There are
 * two rings: the system's (AKIRA_LOG_RING_ENTRIES entries) and one for tagged records
 * written on behalf of guests such as apps (AKIRA_LOG_GUEST_RING_ENTRIES), so a
 * flooding app overwrites only other app lines, never the system's warnings. When a
 * ring is full its oldest entry is overwritten and the "dropped" counter grows.
 * Readers see one stream in sequence order across both rings. Each entry carries a sequence number
 * (1, 2, 3, ... with no gaps over the life of the process), so a reader that remembers the last
 * number it saw can ask for "everything after N" and detect what it missed.
 *
 * All functions are thread-safe. Messages longer than AKIRA_LOG_MSG_MAX - 1 bytes are
 * truncated. Logging never blocks on a reader; the sink is called outside the ring lock
 * but serialized (one line at a time), so a slow sink slows loggers, not readers.
 * Calling the log from inside the sink is allowed: that message goes into the ring but
 * is not passed to the sink again (no recursion).
 */
#ifndef AKIRA_LOG_H
#define AKIRA_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/clock.h>

enum akira_log_level {
    AKIRA_LOG_NONE = 0, /* as a module level: silence the module */
    AKIRA_LOG_ERROR = 1,
    AKIRA_LOG_WARN = 2,
    AKIRA_LOG_INFO = 3,
    AKIRA_LOG_DEBUG = 4,
};

#define AKIRA_LOG_LEVEL_DEFAULT AKIRA_LOG_INFO /* global default at boot */
/* Entries kept in RAM (~160 bytes each). A port may override it for the whole build
 * (compile definition), never per file. */
#ifndef AKIRA_LOG_RING_ENTRIES
#define AKIRA_LOG_RING_ENTRIES 256
#endif
/* Entries kept for tagged records (akira_log_write_tagged: apps' lines), in a ring of
 * their own so that guests cannot push the system's records out of the system ring. */
#ifndef AKIRA_LOG_GUEST_RING_ENTRIES
#define AKIRA_LOG_GUEST_RING_ENTRIES 64
#endif
#define AKIRA_LOG_MSG_MAX         120 /* bytes per message incl. NUL */
#define AKIRA_LOG_MODULE_NAME_MAX 16  /* bytes per module name incl. NUL */

/* A module descriptor. Defined by AKIRA_LOG_MODULE_REGISTER in a dedicated linker
 * section ("akira_log_mod") so the log can find all modules by name without a
 * registration call. Fields are private to the log: use the functions below. */
struct akira_log_module {
    const char *name;
    int level; /* -1: follow the global default; else an akira_log_level */
};

#define AKIRA_LOG_MODULE_REGISTER(mod)                                                             \
    struct akira_log_module akira_log_module_##mod                                                 \
        __attribute__((used, section("akira_log_mod"), aligned(sizeof(void *)))) = {#mod, -1};     \
    static struct akira_log_module *const akira_log_self_ __attribute__((unused)) =                \
        &akira_log_module_##mod

#define AKIRA_LOG_MODULE_DECLARE(mod)                                                              \
    extern struct akira_log_module akira_log_module_##mod;                                         \
    static struct akira_log_module *const akira_log_self_ __attribute__((unused)) =                \
        &akira_log_module_##mod

/* True if a message of `level` from module `m` would be kept. Cheap (two loads). */
bool akira_log_enabled(const struct akira_log_module *m, enum akira_log_level level);

/* Record one message (printf format). Prefer the macros below, which skip formatting
 * when the level is filtered out. */
void akira_log_write(const struct akira_log_module *m, enum akira_log_level level, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
void akira_log_vwrite(const struct akira_log_module *m, enum akira_log_level level, const char *fmt,
                      va_list ap);

/* Record a message under another tag than the module's name (e.g. an app's name for
 * the runtime's "app" module), filtered by module m's level. The tag is cut to
 * AKIRA_LOG_MODULE_NAME_MAX - 1 bytes; NULL means m's name. */
void akira_log_write_tagged(const struct akira_log_module *m, const char *tag,
                            enum akira_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define AKIRA_LOG_AT_(lvl, ...)                                                                    \
    do {                                                                                           \
        if (akira_log_enabled(akira_log_self_, (lvl)))                                             \
            akira_log_write(akira_log_self_, (lvl), __VA_ARGS__);                                  \
    } while (0)
#define AKIRA_LOG_ERR(...) AKIRA_LOG_AT_(AKIRA_LOG_ERROR, __VA_ARGS__)
#define AKIRA_LOG_WRN(...) AKIRA_LOG_AT_(AKIRA_LOG_WARN, __VA_ARGS__)
#define AKIRA_LOG_INF(...) AKIRA_LOG_AT_(AKIRA_LOG_INFO, __VA_ARGS__)
#define AKIRA_LOG_DBG(...) AKIRA_LOG_AT_(AKIRA_LOG_DEBUG, __VA_ARGS__)

/* ---- levels ---- */

/* Set module `name`'s level. AKIRA_ENOENT if no module has that name, AKIRA_EINVAL if
 * level is not an akira_log_level. */
int akira_log_level_set(const char *name, enum akira_log_level level);

/* Make module `name` follow the global default again. AKIRA_ENOENT if unknown. */
int akira_log_level_reset(const char *name);

/* Current effective level of module `name` (>= 0), or AKIRA_ENOENT. */
int akira_log_level_get(const char *name);

/* Global default level used by every module without its own level. */
int akira_log_default_level_set(enum akira_log_level level);
enum akira_log_level akira_log_default_level_get(void);

/* Calls cb once per registered module, in link order, with its effective level and
 * whether it follows the default. Returns the number of modules. cb must not call
 * akira_log_level_set (the module table is not locked; levels are read atomically). */
typedef void (*akira_log_module_cb)(const char *name, enum akira_log_level level,
                                    bool follows_default, void *user);
size_t akira_log_module_foreach(akira_log_module_cb cb, void *user);

/* Name of a level: "err", "wrn", "inf", "dbg", "none"; "?" for others. */
const char *akira_log_level_name(enum akira_log_level level);

/* Parse "err"/"error", "wrn"/"warn", "inf"/"info", "dbg"/"debug", "none" or a digit
 * 0..4. Returns the level or AKIRA_EINVAL. */
int akira_log_level_parse(const char *s);

/* ---- entries, ring buffer and readers ---- */

struct akira_log_entry {
    uint64_t seq;       /* 1, 2, 3, ... in write order */
    uint64_t uptime_ms; /* when it was written */
    enum akira_log_level level;
    char module[AKIRA_LOG_MODULE_NAME_MAX];
    char msg[AKIRA_LOG_MSG_MAX]; /* NUL-terminated, no trailing newline */
};

/*
 * Copy the oldest entry still in the ring whose seq > *cursor into *out and set
 * *cursor = out->seq. Start with *cursor = 0 to read from the oldest entry. Returns 0,
 * or AKIRA_ENOENT when there is no newer entry. If out->seq > old *cursor + 1 the
 * entries in between were overwritten before this reader got them.
 */
int akira_log_read(uint64_t *cursor, struct akira_log_entry *out);

/* Block until an entry with seq > after exists or timeout_ms passes (akira/clock.h
 * convention). Returns 0 when one exists, AKIRA_ETIMEDOUT, or AKIRA_EAGAIN with
 * AKIRA_NO_WAIT. For "follow" readers (shell `log -f`). */
int akira_log_wait(uint64_t after, int32_t timeout_ms);

struct akira_log_stats {
    uint64_t written;   /* entries ever written (== seq of the newest) */
    uint64_t dropped;   /* entries overwritten in the ring */
    uint64_t first_seq; /* oldest seq still in the ring (0 if empty) */
    uint32_t capacity;  /* AKIRA_LOG_RING_ENTRIES + AKIRA_LOG_GUEST_RING_ENTRIES */
    uint32_t count;     /* entries currently in the ring */
};
void akira_log_stats_get(struct akira_log_stats *out);

/* Empty the ring (sequence numbers continue; dropped is not changed). */
void akira_log_clear(void);

/* Format an entry as one line, the form the console shows:
 *   "[    1234.567] <inf> http: listening on port 80"
 * (seconds.milliseconds of uptime). Always NUL-terminates when size > 0; returns the
 * length snprintf would produce. */
int akira_log_format(const struct akira_log_entry *e, char *buf, size_t size);

/* ---- output sink ---- */

/* The sink receives every kept entry, serialized, on the logging thread. NULL
 * (default) prints akira_log_format lines to stdout. Set by the board at boot; the
 * user pointer is passed back unchanged. */
typedef void (*akira_log_sink_fn)(const struct akira_log_entry *e, void *user);
void akira_log_sink_set(akira_log_sink_fn sink, void *user);

/* Stop (false) or resume (true) sink output; the ring keeps recording. Useful for
 * tests and for a shell that owns the console. */
void akira_log_sink_enable(bool enable);

#endif /* AKIRA_LOG_H */

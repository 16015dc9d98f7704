/*
 * Native bridge: how a WebAssembly app calls into AkiraOS.
 *
 * One table, split by API module (runtime/api/<module>.c, one struct
 * akira_bridge_module each, listed in runtime/src/bridge.c): every entry names the
 * import (module "akira", name), its engine signature string (akira/wasm.h), the one
 * capability bit it needs (akira/caps.h, AKIRA_CAP_NONE for none) and the native
 * function. At instantiation akira_bridge_bind() resolves each of the app's imports
 * against the table; an import nobody provides fails the start with a message naming
 * it (and so does a provided name with another signature).
 *
 * Every bound import becomes a host function whose user pointer is a binding {entry,
 * app}. The call path is: count the call, one AND of the entry's bit against the app's
 * current mask (so a revoke takes effect at the next call), then the native function.
 * A denied call does not reach the module: the app gets AKIRA_EACCES as its i32 (or
 * i64) result, the denial is counted, logged in the app's log ring and the system log,
 * and nothing traps.
 *
 * Native functions receive the app context and the io slots (arguments in, results
 * out). Every pointer and length from the app goes through akira_bridge_mem() (or
 * _cstr) before use: NULL means out of bounds and the function returns AKIRA_EFAULT.
 * A host pointer is valid only until the app's memory grows, i.e. until the function
 * returns to the app or calls back into it.
 *
 * Threads: natives run on the app's own thread. The context's counters and mask are
 * atomics because the shell and the health thread read (and grant/revoke writes) them.
 * The ABI seen by apps is documented in docs/runtime_api.md.
 */
#ifndef AKIRA_BRIDGE_H
#define AKIRA_BRIDGE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/app_heap.h>
#include <akira/app_log.h>
#include <akira/caps.h>
#include <akira/event.h>
#include <akira/quota.h>
#include <akira/timer.h>
#include <akira/wasm.h>

#define AKIRA_BRIDGE_IMPORT_MODULE "akira"
#define AKIRA_APP_TIMERS_MAX       8u

struct akira_app_ctx;
struct akira_manifest;

/* A native function: arguments in io[0..], results written to io[0..]. Returns AW_OK,
 * or AW_ERR_TRAP after aw_store_set_trap_msg() to end the app (used only when the app
 * is being stopped: bad input from the app is an error code, never a trap). */
typedef aw_status (*akira_native_fn)(struct akira_app_ctx *app, aw_val *io);

struct akira_bridge_entry {
    const char *name;      /* import name inside module "akira" */
    const char *signature; /* engine signature string, e.g. "(ii)i" */
    akira_caps_t cap;      /* one bit, or AKIRA_CAP_NONE */
    akira_native_fn fn;
};

struct akira_bridge_module {
    const char *name; /* API module, e.g. "timer" (for messages and docs) */
    const struct akira_bridge_entry *entries;
    size_t count;
    /* Called when an instance ends (stop, trap, exit), on the app's thread after the
     * last call: release what the module holds for the app. May be NULL. */
    void (*app_end)(struct akira_app_ctx *app);
    /* Import module of its entries; NULL: AKIRA_BRIDGE_IMPORT_MODULE ("akira"). */
    const char *import_module;
    /* The i32 result of a call the capability check denies; 0: AKIRA_EACCES. (The env
     * modules of upstream's ABI answer upstream's -EPERM, akira/compat.h.) */
    int32_t denied_result;
};

struct akira_app_timer {
    akira_timer_t *timer; /* NULL: slot free */
    struct akira_app_ctx *app;
    uint32_t id;
};

/* What the bridge and the API modules know about one running instance. Owned by the
 * app manager; lives from before instantiation until after the instance is deleted. */
struct akira_app_ctx {
    const char *name;
    const struct akira_manifest *manifest; /* the app's, for the modules' narrowing lists */
    _Atomic akira_caps_t caps;             /* the instance's mask: grant/revoke store here */
    aw_store *store;
    aw_instance *inst;
    aw_memory *mem; /* the app's memory 0, NULL when it has none */
    struct akira_quota *quota;
    struct akira_evq *evq;
    struct akira_app_log *log;
    struct akira_app_heap heap;
    struct akira_app_timer timers[AKIRA_APP_TIMERS_MAX];
    /* Bindings made by akira_bridge_bind, freed by akira_bridge_unbind. */
    struct akira_bridge_binding *bindings;
    uint32_t nbindings;
    atomic_uint_fast64_t native_calls;
    atomic_uint_fast64_t denied_calls;
    /* Uptime (us) since the app runs without waiting; 0 while it waits in a blocking
     * call. The health thread interrupts it when this is older than its budget. */
    atomic_uint_fast64_t running_since_us;
    atomic_bool stopping;            /* stop requested: blocking calls return at once */
    struct akira_wasi_app *wasi;     /* the WASI modules' state (runtime/api/wasi.c), NULL
                                      * until the app's first WASI call */
    struct akira_compat_app *compat; /* the env modules' state (runtime/api/compat_*.c),
                                      * NULL until the app's first call that needs it */
    bool exited;                     /* the app asked to end (WASI proc_exit) ... */
    int32_t exit_code;               /* ... with this code */
};

struct akira_bridge_binding {
    const struct akira_bridge_entry *entry;
    struct akira_app_ctx *app;
    int32_t denied_result; /* the module's (AKIRA_EACCES when it names none) */
};

/* How many modules layers above the runtime may add (akira_bridge_register): ble, hid,
 * mesh, mqtt and upstream's env modules (BLE, HID, mesh; mqtt and crypto), with room.
 * A place is one pointer. */
#define AKIRA_BRIDGE_REGISTERED_MAX 12u

/*
 * Add an API module that lives in a layer above the runtime (connectivity/: the ble,
 * hid, mesh and mqtt modules, whose services the runtime cannot include). Called at
 * boot, on the boot thread, before the first app starts (the table is not locked:
 * apps read it while they bind); `m` and its entries must stay valid for ever. The
 * module then behaves exactly like a built-in one: the same capability check, the
 * same app_end call when an instance ends. Returns 0, AKIRA_EINVAL (NULL), AKIRA_EEXIST
 * (the module, or one of its import names, is already there) or AKIRA_ENOSPC (more
 * than AKIRA_BRIDGE_REGISTERED_MAX).
 */
int akira_bridge_register(const struct akira_bridge_module *m);

/* The entry for import (module, name), or NULL. */
const struct akira_bridge_entry *akira_bridge_find(const char *module, const char *name);

/* Calls fn for every entry of every module (docs, shell, tests). Returns the count. */
size_t akira_bridge_foreach(void (*fn)(const struct akira_bridge_module *m,
                                       const struct akira_bridge_entry *e, void *user),
                            void *user);

/*
 * Resolve every import of `m` for `app` (whose store, quota and caps are set): builds
 * host functions in app->store and an import array for aw_instantiate(). *imports is
 * allocated from the app's quota; free it with akira_bridge_imports_free() after
 * instantiation. Returns 0, AKIRA_ENOENT (an import nobody provides; `why` names it:
 * "missing import akira.foo"), AKIRA_EFORMAT (a provided name with another signature,
 * or an import of a table, memory or global) or AKIRA_EQUOTA.
 */
int akira_bridge_bind(struct akira_app_ctx *app, const aw_module *m, aw_import **imports,
                      uint32_t *nimports, char *why, size_t why_len);
void akira_bridge_imports_free(struct akira_app_ctx *app, aw_import *imports, uint32_t n);

/* Whether every import of `m` can be bound (the same rules as akira_bridge_bind, no
 * store needed): the app store checks it at install. Returns 0 or the first import's
 * error; `why` lists every import that cannot be bound, "; " between them, cut to
 * why_len. */
int akira_bridge_check_imports(const aw_module *m, char *why, size_t why_len);

/* The capabilities some API module of this firmware needs (the others, e.g. `display`
 * before a display module exists, would grant nothing: the store refuses them). */
akira_caps_t akira_bridge_caps_provided(void);

/* After the instance is gone: run every module's app_end and free the bindings. */
void akira_bridge_unbind(struct akira_app_ctx *app);

/* The host pointer for app range [ptr, ptr + len), or NULL when any byte is outside
 * the app's memory (or it has none). */
static inline void *akira_bridge_mem(struct akira_app_ctx *app, uint32_t ptr, uint32_t len)
{
    return app->mem ? aw_memory_ptr(app->mem, ptr, len) : NULL;
}

/* A NUL-terminated string at app address ptr, at most max bytes before the NUL: the
 * host pointer and *len, or NULL when it leaves memory or is longer. */
const char *akira_bridge_cstr(struct akira_app_ctx *app, uint32_t ptr, uint32_t max, size_t *len);

/* Around anything that blocks (event wait, delay, blocking APIs): while waiting the app
 * does not count against its watchdog budget. wait_end returns AW_ERR_TRAP (message
 * set) when the app is being stopped and its grace time is over (queue closed), so that
 * the native returns it and the app ends. */
void akira_bridge_wait_begin(struct akira_app_ctx *app);
aw_status akira_bridge_wait_end(struct akira_app_ctx *app);

/* A line the app itself logs (common log/printf, WASI stdout/stderr): through the
 * app's rate limit (akira/app_log.h), then akira_bridge_log. */
void akira_bridge_app_log(struct akira_app_ctx *app, enum akira_log_level level, const char *text,
                          size_t len);

/* Write to the app's log ring and to the system log tagged with the app's name. */
void akira_bridge_log(struct akira_app_ctx *app, enum akira_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The API modules (runtime/api/), in the order the table searches them. */
extern const struct akira_bridge_module akira_api_common;
extern const struct akira_bridge_module akira_api_lifecycle;
extern const struct akira_bridge_module akira_api_memory;
extern const struct akira_bridge_module akira_api_timer;
extern const struct akira_bridge_module akira_api_wasi;
extern const struct akira_bridge_module akira_api_wasi0;
extern const struct akira_bridge_module akira_api_ipc;
extern const struct akira_bridge_module akira_api_storage;
extern const struct akira_bridge_module akira_api_gpio;
extern const struct akira_bridge_module akira_api_i2c;
extern const struct akira_bridge_module akira_api_uart;
extern const struct akira_bridge_module akira_api_pwm;
extern const struct akira_bridge_module akira_api_sensor;
extern const struct akira_bridge_module akira_api_power;
extern const struct akira_bridge_module akira_api_net;
extern const struct akira_bridge_module akira_api_display;
extern const struct akira_bridge_module akira_api_input;
extern const struct akira_bridge_module akira_api_ui;
extern const struct akira_bridge_module akira_api_rf;
/* Upstream AkiraOS's "env" ABI (akira/compat.h), one module per subsystem. */
extern const struct akira_bridge_module akira_api_compat_core;
extern const struct akira_bridge_module akira_api_compat_log;
extern const struct akira_bridge_module akira_api_compat_time;
extern const struct akira_bridge_module akira_api_compat_display;
extern const struct akira_bridge_module akira_api_compat_sensor;
extern const struct akira_bridge_module akira_api_compat_ipc;
extern const struct akira_bridge_module akira_api_compat_i2c;
extern const struct akira_bridge_module akira_api_compat_net;
extern const struct akira_bridge_module akira_api_compat_storage;
extern const struct akira_bridge_module akira_api_compat_uart;
extern const struct akira_bridge_module akira_api_compat_pwm;
extern const struct akira_bridge_module akira_api_compat_power;
extern const struct akira_bridge_module akira_api_compat_rf;

#endif /* AKIRA_BRIDGE_H */

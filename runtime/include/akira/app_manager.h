/*
 * App manager: runs installed apps, each in its own kernel thread, sandboxed and
 * accounted.
 *
 * Life of an app (enum akira_app_state):
 *   INSTALLED  registered (from the app store at boot or after an install), never run
 *              since.
 *   LOADED     its thread is loading the module through the reader, binding its
 *              imports and instantiating it.
 *   RUNNING    its entry (manifest `entry`, else "_start", else "main"; type () or
 *              ()->i32) runs. When the entry returns and the app exports
 *              `on_event(type, a, b, c)`, the manager keeps it RUNNING and calls that
 *              handler for each event (akira/event.h) until a STOP event or a stop.
 *              A paused app (akira_app_pause, until akira_app_resume) is RUNNING
 *              with `paused` set and shows as "paused" (akira_app_info_state).
 *   STOPPED    it returned (exit code kept) or was stopped.
 *   FAILED     it could not start or ended badly; `reason` says why: the trap, the
 *              watchdog, the quota, a missing import, a bad module, no entry.
 * A FAILED app whose manifest says `restart: on-failure` is started again after
 * delay_ms, doubled after each retry, at most max_retries times (counted since the last
 * start by hand); while it waits it keeps its running slot and shows restart_pending.
 *
 * Limits: at most AKIRA_BOARD_APPS_RUNNING_MAX apps run at once (a further start gets
 * AKIRA_ENOSPC); every byte the engine allocates for an app, its operand stack, its
 * linear memory and its app heap are charged to its memory_quota (akira/quota.h).
 *
 * Watchdog: an app that runs for more than the watchdog budget without returning or
 * waiting (event_wait, delay, any blocking call) is interrupted by the health thread
 * and marked FAILED with reason watchdog. The health thread itself is a channel of the
 * kernel watchdog service, which feeds the hardware watchdog while it is healthy.
 *
 * Stop: posts a STOP event, gives the app stop_grace_ms to return, then wakes any wait
 * and interrupts the engine (which also ends an app stuck in a loop), and joins its
 * thread. Stop therefore returns within grace + a few ms whatever the app does.
 *
 * Threads: every function here may be called from any thread except an app's own
 * (the shell, HTTP, boot); they are serialized internally. Each blocks at most for a
 * stop (above). init/deinit from the board only.
 */
#ifndef AKIRA_APP_MANAGER_H
#define AKIRA_APP_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/app_log.h>
#include <akira/caps.h>
#include <akira/heap.h>
#include <akira/manifest.h>
#include <akira/wasm.h>

enum akira_app_state {
    AKIRA_APP_INSTALLED = 0,
    AKIRA_APP_LOADED,
    AKIRA_APP_RUNNING,
    AKIRA_APP_STOPPED,
    AKIRA_APP_FAILED,
};

enum akira_app_reason {
    AKIRA_APP_REASON_NONE = 0,
    AKIRA_APP_REASON_TRAP,           /* detail: the trap message */
    AKIRA_APP_REASON_WATCHDOG,       /* ran past its budget without waiting */
    AKIRA_APP_REASON_QUOTA,          /* memory_quota refused what it needed */
    AKIRA_APP_REASON_MISSING_IMPORT, /* detail names the import */
    AKIRA_APP_REASON_BAD_MODULE,     /* the module did not load (reader, decode, validate) */
    AKIRA_APP_REASON_NO_ENTRY,       /* no entry export of a usable type */
};

struct akira_appmgr_config {
    akira_heap_t *pool;        /* app memory and the installed apps' entries; NULL: the C heap */
    uint32_t watchdog_ms;      /* budget without waiting; 0: AKIRA_APP_WATCHDOG_MS */
    uint32_t stop_grace_ms;    /* 0: AKIRA_APP_STOP_GRACE_MS */
    uint32_t health_period_ms; /* 0: AKIRA_APP_HEALTH_PERIOD_MS */
};

#define AKIRA_APP_WATCHDOG_MS      2000u
#define AKIRA_APP_STOP_GRACE_MS    500u
#define AKIRA_APP_HEALTH_PERIOD_MS 50u
#define AKIRA_APP_DETAIL_MAX       96u

struct akira_app_stats {
    uint64_t cpu_us;       /* CPU time of the app's thread, all runs */
    uint64_t native_calls; /* all runs */
    uint64_t denied_calls; /* all runs */
    size_t mem_used;       /* bytes charged now (0 when not running): allocated, plus the
                              part of stack_size the operand stack has not taken yet */
    size_t stack_held;     /* operand stack allocated now (grows on demand to stack_size) */
    size_t mem_peak;       /* highest charge of any run */
    uint32_t traps;
    uint32_t restarts; /* automatic restarts (restart policy) */
    uint32_t starts;   /* runs begun, by hand, autostart or policy */
    uint32_t events_dropped;
    uint64_t log_dropped;     /* log lines the app's rate limit dropped (akira/app_log.h) */
    size_t thread_stack_used; /* high-water mark of the app thread's stack (running) */
};

struct akira_app_info {
    struct akira_manifest manifest;
    enum akira_app_state state;
    enum akira_app_reason reason;
    char detail[AKIRA_APP_DETAIL_MAX]; /* why it failed or stopped, "" if nothing to say */
    akira_caps_t caps;                 /* the mask in force (manifest +grants -revokes) */
    uint32_t module_size;
    bool is_signed;
    bool restart_pending; /* FAILED, waiting for its next automatic start */
    bool paused;          /* RUNNING, and paused by app pause until app resume */
    uint32_t retries;     /* automatic restarts since the last start by hand */
    int32_t exit_code;    /* entry's result when it returned one */
    char tier[32];        /* of the current or last run: "aot x86_64", "interp", ...; "" never */
    bool force_interp;    /* akira_app_force_interp in force (the manifest's tier aside) */
    struct akira_app_stats stats;
};

/* Called after every state change of an app (on the thread that changed it, no lock
 * held): how upstream AkiraOS apps hear of them (runtime/api/compat_ipc.c publishes
 * "akira.lifecycle"). One hook; setting it again replaces it. */
typedef void (*akira_appmgr_state_fn)(const char *name, enum akira_app_state s);
void akira_appmgr_state_hook_set(akira_appmgr_state_fn fn);

/* Start the manager and its health thread. 0, AKIRA_EBUSY (already), AKIRA_ENOMEM,
 * or the watchdog channel's error. The kernel must be running. */
int akira_appmgr_init(const struct akira_appmgr_config *cfg);

/* Stop every app (as akira_app_stop), stop the health thread, forget all apps. */
void akira_appmgr_deinit(void);

/*
 * Make an installed app known, or replace an app of the same name that is not running
 * (an upgrade: state back to INSTALLED, caps from the new manifest, logs kept). The
 * module is read through read(read_ctx, ...) whenever the app starts; read_ctx must
 * stay valid until akira_appmgr_remove. 0, AKIRA_EBUSY (that name runs), AKIRA_ENOSPC
 * (AKIRA_BOARD_APPS_INSTALLED_MAX known), AKIRA_EINVAL.
 */
int akira_appmgr_add(const struct akira_manifest *m, aw_read_fn read, void *read_ctx, uint32_t size,
                     bool is_signed);

/* Forget an app. 0, AKIRA_ENOENT, AKIRA_EBUSY (running: stop it first). */
int akira_appmgr_remove(const char *name);

/* Start every app whose manifest says autostart (boot). Returns how many started; each
 * failure is logged. */
int akira_appmgr_autostart(void);

/* Start `name` in a new thread; returns once the thread exists (loading goes on in it:
 * watch the state). 0, AKIRA_ENOENT, AKIRA_EBUSY (already running), AKIRA_ENOSPC
 * (AKIRA_BOARD_APPS_RUNNING_MAX running), AKIRA_ENOMEM. A start by hand resets the
 * retry count. */
int akira_app_start(const char *name);

/* Stop `name` (see above); also cancels a pending restart. 0, AKIRA_ENOENT,
 * AKIRA_ESTATE (not running). */
int akira_app_stop(const char *name);

/* Post PAUSE / RESUME to a running app. 0, AKIRA_ENOENT, AKIRA_ESTATE, AKIRA_ENOSPC
 * (its queue is full). */
int akira_app_pause(const char *name);
int akira_app_resume(const char *name);

/* Run `name` on the interpreter from its next start even when its package carries
 * native code (on = true), or let it use the native code again (on = false). Kept
 * until the manager restarts. 0 or AKIRA_ENOENT. */
int akira_app_force_interp(const char *name, bool on);

/* Change the capability mask; a running app sees it at its next native call. Kept
 * until the app is upgraded or the manager restarts. 0, AKIRA_ENOENT, AKIRA_EINVAL
 * (undefined bits). */
int akira_app_caps_grant(const char *name, akira_caps_t bits);
int akira_app_caps_revoke(const char *name, akira_caps_t bits);

/* The native stack of the thread an app with manifest m runs on: its thread_stack, at
 * least the kernel's default for app threads (AKIRA_THREAD_STACK_DEFAULT). *charged
 * (may be NULL) gets what of it memory_quota pays: all of it when it is above that
 * default (an MCU then takes it from the app heap pool), else 0 (the system's). */
size_t akira_app_thread_stack(const struct akira_manifest *m, size_t *charged);

/* Snapshot of one app / all apps (out[0..max), returns the number known). */
int akira_app_info(const char *name, struct akira_app_info *out);
size_t akira_app_list(struct akira_app_info *out, size_t max);
/* The installed apps' names (out[0..max), returns the number known): with
 * akira_app_info one at a time, a listing that holds one snapshot on its stack instead
 * of AKIRA_BOARD_APPS_INSTALLED_MAX of them (about 1.7 KB each on Cortex-M). */
size_t akira_app_names(char (*out)[AKIRA_APP_NAME_MAX + 1], size_t max);

/* Read the app's log ring: the oldest line with seq > *cursor (start at 0). 0,
 * AKIRA_ENOENT (no such app or no newer line). Waits for a start/stop/remove in
 * progress (so the ring cannot go away under the reader). */
int akira_app_log_next(const char *name, uint64_t *cursor, struct akira_app_log_line *out);

/* Block until `name`'s thread has ended (it is STOPPED or FAILED and no restart is
 * pending), or timeout_ms passes (tests, scripts). 0, AKIRA_ETIMEDOUT, AKIRA_ENOENT. */
int akira_app_wait_idle(const char *name, int32_t timeout_ms);

/* Block until `name` is RUNNING (its entry or handler runs or waits), or timeout_ms
 * passes. 0, AKIRA_ETIMEDOUT, AKIRA_ENOENT, AKIRA_ESTATE (its thread ended first). */
int akira_app_wait_running(const char *name, int32_t timeout_ms);

/* Start `name` (akira_app_start) and wait up to timeout_ms until it runs or its start
 * failed, so the caller can say what happened. 0: it runs (or ran and ended, or is
 * still loading at the timeout); AKIRA_ENOEXEC: it failed before it ran (out->state is
 * FAILED, out->reason and out->detail say why); else akira_app_start's errors. out (may
 * be NULL) gets the app's info after the wait, taken before any other operation on the
 * app (start, stop, install, uninstall are serialised: the wait holds them off). */
int akira_app_start_wait(const char *name, int32_t timeout_ms, struct akira_app_info *out);

/* akira_app_stop, and out (may be NULL) the app's info right after it, before any other
 * operation on the app. */
int akira_app_stop_info(const char *name, struct akira_app_info *out);

/* Bytes of the manager's entry for one installed app (manifest, log ring, event queue,
 * instance context), allocated from cfg.pool (the C heap without one) when the app is
 * added, freed when it is removed; besides what a run charges to the app's quota. */
size_t akira_appmgr_entry_bytes(void);

/* ---- with the app store (app_manager_store.c) ------------------------------------
 * What the board, the shell and HTTP use: the manager's view follows the store. */
struct akira_appstore_writer;
struct akira_app_record;
struct akira_manifest_error;

/* Register every app installed in the store (boot, after akira_appstore_init). Returns
 * how many, or the first akira_appmgr_add error. */
int akira_appmgr_sync_store(void);

/* Finish a streamed install (akira_appstore_install_finish) and register the app. An
 * upgrade of a running app stops it first and starts the new version after. Same
 * errors as the store's finish (err names the field), then those of add/start. */
int akira_app_install_finish(struct akira_appstore_writer *w, struct akira_app_record *out,
                             struct akira_manifest_error *err);

/*
 * Install a package of `size` bytes read through `read` (an aw_read_fn: any offset, so
 * the package is scanned first, then streamed in 1 KiB pieces) unless the store holds
 * an app of that name already, whatever its version (a user's own app of that name is
 * theirs): then AKIRA_EEXIST with *out that app's record and nothing written. Else as
 * akira_app_install_finish. For boards installing files at boot (native_sim's --install,
 * mps2_an386's through semihosting).
 */
int akira_app_install_reader(aw_read_fn read, void *ctx, uint32_t size,
                             struct akira_app_record *out, struct akira_manifest_error *err);

/* Stop (if running), forget, and remove from the store. 0, AKIRA_ENOENT, store errors. */
int akira_app_uninstall(const char *name);

const char *akira_app_state_name(enum akira_app_state s); /* "installed", ... */
/* The state an app shows (shell, HTTP): its state's name, but "paused" for a RUNNING
 * app that was paused (akira_app_pause) and not resumed since. */
const char *akira_app_info_state(const struct akira_app_info *i);
const char *akira_app_reason_name(enum akira_app_reason r); /* "trap", "watchdog", ... */

#endif /* AKIRA_APP_MANAGER_H */

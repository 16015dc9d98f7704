/* App manager internals shared by app_manager*.c (not a public header). */
#ifndef AKIRA_APP_MANAGER_PRIV_H
#define AKIRA_APP_MANAGER_PRIV_H

#include <stdatomic.h>

#include <akira/app_manager.h>
#include <akira/board_config.h>
#include <akira/bridge.h>
#include <akira/condvar.h>
#include <akira/event.h>
#include <akira/mutex.h>
#include <akira/quota.h>
#include <akira/thread.h>

/* One installed app. Allocated at akira_appmgr_add from the app heap pool (PSRAM on an
 * MCU: the manifest and the log ring are cold, and even the run's context is touched
 * far less than the app's linear memory, which lives there too), or from the C heap
 * when the manager has no pool; freed at remove. */
struct akira_app {
    struct akira_manifest m;
    aw_read_fn read;
    void *read_ctx;
    uint32_t size;
    bool is_signed;
    akira_caps_t caps; /* mask given to each new instance */

    /* Under mgr.lock. */
    enum akira_app_state state;
    enum akira_app_reason reason;
    char detail[AKIRA_APP_DETAIL_MAX];
    bool active;            /* its thread runs (holds a running slot) */
    bool restart_pending;   /* thread sleeps before a restart */
    bool paused;            /* PAUSE posted, no RESUME since (cleared by every run) */
    bool stop_req;          /* a stop is in progress */
    bool wd_fired;          /* the health thread interrupted this run */
    akira_thread_t *thread; /* to join (also once it finished by itself) */
    uint32_t retries;
    int32_t exit_code;
    struct akira_app_stats acc; /* totals of finished runs */
    char tier[32];              /* of the current or last run (akira_app_info.tier) */
    bool force_interp;          /* akira_app_force_interp */

    /* Persistent across runs; the running instance points at them. */
    struct akira_app_log log;
    struct akira_evq evq;
    struct akira_quota quota;
    struct akira_app_ctx ctx; /* valid while active; ctx.store under mgr.lock */
};

struct akira_appmgr {
    bool up;
    struct akira_appmgr_config cfg;
    akira_mutex_t *lock; /* app fields marked above; held briefly, also by app threads */
    /* Serializes start/stop/add/remove, and whole installs/upgrades/uninstalls around
     * them (recursive; never taken by app threads). */
    akira_mutex_t *op_lock;
    akira_condvar_t *changed; /* broadcast on every state change */
    /* NULL: free. Set and cleared under lock (and op_lock), so a reader holding either
     * sees an entry that stays allocated. */
    struct akira_app *apps[AKIRA_BOARD_APPS_INSTALLED_MAX];
    akira_thread_t *health;
    atomic_bool health_stop;
    int wdt_channel;
};

extern struct akira_appmgr akira_mgr;

/* app_manager_run.c: the body of an app's thread (arg: struct akira_app *). */
int akira_appmgr_thread(void *arg);
/* Set state (and reason/detail) under mgr.lock and wake waiters. */
void akira_appmgr_set_state(struct akira_app *a, enum akira_app_state s, enum akira_app_reason r,
                            const char *detail);

/* Empty the app's queue and post START: before each run, under mgr.lock, so that a
 * STOP posted by a stop that follows is never lost. */
void akira_appmgr_fresh_queue(struct akira_app *a);

/* app_manager_health.c */
int akira_appmgr_health_start(void);
void akira_appmgr_health_stop(void);

#endif /* AKIRA_APP_MANAGER_PRIV_H */

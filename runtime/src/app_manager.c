/* App manager: the table of installed apps and the operations on them
 * (akira/app_manager.h). The app threads are in app_manager_run.c, the watchdog in
 * app_manager_health.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>

#include "app_manager_priv.h"

AKIRA_LOG_MODULE_REGISTER(appmgr);

struct akira_appmgr akira_mgr;

static struct akira_app *find(const char *name)
{
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++)
        if (akira_mgr.apps[i] && strcmp(akira_mgr.apps[i]->m.name, name) == 0)
            return akira_mgr.apps[i];
    return NULL;
}

/* An entry from the app heap pool (or the C heap without one), zeroed. */
static struct akira_app *entry_alloc(void)
{
    akira_heap_t *pool = akira_mgr.cfg.pool;
    return pool ? akira_heap_calloc(pool, 1, sizeof(struct akira_app))
                : calloc(1, sizeof(struct akira_app));
}

static void entry_free(struct akira_app *a)
{
    if (!a) return;
    if (akira_mgr.cfg.pool)
        akira_heap_free(akira_mgr.cfg.pool, a);
    else
        free(a);
}

static void lock(void)
{
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
}

static void unlock(void)
{
    akira_mutex_unlock(akira_mgr.lock);
}

int akira_appmgr_init(const struct akira_appmgr_config *cfg)
{
    if (akira_mgr.up) return AKIRA_EBUSY;
    memset(&akira_mgr, 0, sizeof(akira_mgr));
    akira_mgr.cfg = cfg ? *cfg : (struct akira_appmgr_config){0};
    if (!akira_mgr.cfg.watchdog_ms) akira_mgr.cfg.watchdog_ms = AKIRA_APP_WATCHDOG_MS;
    if (!akira_mgr.cfg.stop_grace_ms) akira_mgr.cfg.stop_grace_ms = AKIRA_APP_STOP_GRACE_MS;
    if (!akira_mgr.cfg.health_period_ms)
        akira_mgr.cfg.health_period_ms = AKIRA_APP_HEALTH_PERIOD_MS;
    int rc = akira_mutex_create(&akira_mgr.lock);
    if (rc == 0) rc = akira_mutex_create(&akira_mgr.op_lock);
    if (rc == 0) rc = akira_condvar_create(&akira_mgr.changed);
    if (rc == 0) rc = akira_appmgr_health_start();
    if (rc != 0) {
        akira_condvar_destroy(akira_mgr.changed);
        akira_mutex_destroy(akira_mgr.op_lock);
        akira_mutex_destroy(akira_mgr.lock);
        memset(&akira_mgr, 0, sizeof(akira_mgr));
        return rc;
    }
    akira_mgr.up = true;
    return 0;
}

/* Join a thread that finished by itself (op_lock held). */
static void reap(struct akira_app *a)
{
    lock();
    akira_thread_t *t = !a->active ? a->thread : NULL;
    if (t) a->thread = NULL;
    unlock();
    if (t) akira_thread_join(t, AKIRA_FOREVER, NULL);
}

/* Stop a running app (op_lock held): STOP event, grace, then wake and interrupt until
 * its thread is gone. */
static int stop_locked(struct akira_app *a)
{
    lock();
    if (!a->active) {
        unlock();
        reap(a);
        return AKIRA_ESTATE;
    }
    a->stop_req = true;
    atomic_store(&a->ctx.stopping, true);
    akira_thread_t *t = a->thread;
    a->thread = NULL;
    bool pending = a->restart_pending;
    unlock();
    struct akira_event stop = {AKIRA_EVENT_STOP, 0, 0, 0};
    akira_evq_post(&a->evq, &stop);
    /* Waiting to restart: nothing to finish, end the wait now. */
    if (pending) akira_evq_close(&a->evq);
    int rc = akira_thread_join(t, (int32_t)akira_mgr.cfg.stop_grace_ms, NULL);
    while (rc == AKIRA_ETIMEDOUT) {
        /* Repeated because the thread may be between runs (no store yet). */
        akira_evq_close(&a->evq);
        lock();
        if (a->ctx.store) aw_store_interrupt(a->ctx.store);
        unlock();
        rc = akira_thread_join(t, 20, NULL);
    }
    lock();
    a->stop_req = false;
    if (a->state == AKIRA_APP_LOADED || a->state == AKIRA_APP_RUNNING) {
        a->state = AKIRA_APP_STOPPED;
        a->reason = AKIRA_APP_REASON_NONE;
    }
    akira_condvar_broadcast(akira_mgr.changed);
    unlock();
    return 0;
}

void akira_appmgr_deinit(void)
{
    if (!akira_mgr.up) return;
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        struct akira_app *a = akira_mgr.apps[i];
        if (!a) continue;
        stop_locked(a);
        lock();
        akira_mgr.apps[i] = NULL;
        unlock();
        akira_evq_deinit(&a->evq);
        akira_app_log_deinit(&a->log);
        entry_free(a);
    }
    akira_mutex_unlock(akira_mgr.op_lock);
    akira_appmgr_health_stop();
    akira_condvar_destroy(akira_mgr.changed);
    akira_mutex_destroy(akira_mgr.op_lock);
    akira_mutex_destroy(akira_mgr.lock);
    memset(&akira_mgr, 0, sizeof(akira_mgr));
}

int akira_appmgr_add(const struct akira_manifest *m, aw_read_fn read, void *read_ctx, uint32_t size,
                     bool is_signed)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    if (!m || !read || !m->name[0]) return AKIRA_EINVAL;
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    int rc = 0, free_i = -1;
    struct akira_app *a = find(m->name);
    if (a) {
        reap(a);
        lock();
        if (a->active) rc = AKIRA_EBUSY;
        unlock();
    } else {
        for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX && free_i < 0; i++)
            if (!akira_mgr.apps[i]) free_i = (int)i;
        a = free_i < 0 ? NULL : entry_alloc();
        if (free_i < 0) {
            rc = AKIRA_ENOSPC;
        } else if (!a) {
            rc = AKIRA_ENOMEM;
        } else {
            rc = akira_app_log_init(&a->log);
            if (rc == 0) {
                rc = akira_evq_init(&a->evq);
                if (rc != 0) akira_app_log_deinit(&a->log);
            }
            if (rc != 0) {
                entry_free(a);
                a = NULL;
            }
        }
    }
    if (rc == 0) {
        lock();
        a->m = *m;
        a->read = read;
        a->read_ctx = read_ctx;
        a->size = size;
        a->is_signed = is_signed;
        a->caps = m->caps;
        a->state = AKIRA_APP_INSTALLED;
        a->reason = AKIRA_APP_REASON_NONE;
        a->detail[0] = '\0';
        a->retries = 0;
        if (free_i >= 0) akira_mgr.apps[free_i] = a;
        unlock();
    }
    akira_mutex_unlock(akira_mgr.op_lock);
    return rc;
}

int akira_appmgr_remove(const char *name)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    int rc = 0;
    struct akira_app *a = find(name);
    if (!a) {
        rc = AKIRA_ENOENT;
    } else {
        reap(a);
        lock();
        if (a->active) {
            rc = AKIRA_EBUSY;
        } else {
            for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++)
                if (akira_mgr.apps[i] == a) akira_mgr.apps[i] = NULL;
        }
        unlock();
        if (rc == 0) {
            akira_evq_deinit(&a->evq);
            akira_app_log_deinit(&a->log);
            entry_free(a);
        }
    }
    akira_mutex_unlock(akira_mgr.op_lock);
    return rc;
}

void akira_appmgr_fresh_queue(struct akira_app *a)
{
    akira_evq_reset(&a->evq);
    struct akira_event start = {AKIRA_EVENT_START, 0, 0, 0};
    akira_evq_post(&a->evq, &start);
}

size_t akira_app_thread_stack(const struct akira_manifest *m, size_t *charged)
{
    size_t want = m ? (size_t)m->thread_stack_kib * 1024u : 0;
    bool above = want > AKIRA_THREAD_STACK_DEFAULT;
    if (charged) *charged = above ? want : 0;
    return above ? want : AKIRA_THREAD_STACK_DEFAULT;
}

static int start_locked(struct akira_app *a)
{
    reap(a);
    lock();
    if (a->active) {
        unlock();
        return AKIRA_EBUSY;
    }
    size_t running = 0;
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++)
        running += akira_mgr.apps[i] && akira_mgr.apps[i]->active;
    if (running >= AKIRA_BOARD_APPS_RUNNING_MAX) {
        unlock();
        AKIRA_LOG_WRN("%s: not started, %d apps already running (board limit)", a->m.name,
                      AKIRA_BOARD_APPS_RUNNING_MAX);
        return AKIRA_ENOSPC;
    }
    a->active = true;
    a->retries = 0;
    a->stop_req = false;
    a->state = AKIRA_APP_LOADED;
    a->reason = AKIRA_APP_REASON_NONE;
    a->detail[0] = '\0';
    akira_appmgr_fresh_queue(a);
    unlock();
    char tname[AKIRA_THREAD_NAME_MAX];
    snprintf(tname, sizeof(tname), "app:%.27s", a->m.name);
    akira_thread_t *t;
    /* A stack above the default comes from the app heap pool (charged to the app's
     * quota by its run), never from the system's memory. */
    size_t charged, stack = akira_app_thread_stack(&a->m, &charged);
    int rc = akira_thread_create_in(&t, tname, akira_appmgr_thread, a, AKIRA_PRIO_DEFAULT + 2,
                                    stack, charged ? akira_mgr.cfg.pool : NULL);
    lock();
    if (rc == 0 && !a->active) {
        /* The run already ended (it found no thread to detach): it frees itself. */
        akira_thread_detach(t);
    } else if (rc == 0) {
        a->thread = t;
    } else {
        a->active = false;
        a->state = AKIRA_APP_FAILED;
        if (charged && rc == AKIRA_ENOMEM)
            snprintf(a->detail, sizeof(a->detail),
                     "no thread: thread_stack %zu bytes, no room in the app heap pool", stack);
        else
            snprintf(a->detail, sizeof(a->detail), "no thread: %s", akira_err_str(rc));
    }
    akira_condvar_broadcast(akira_mgr.changed);
    unlock();
    return rc;
}

int akira_app_start(const char *name)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    struct akira_app *a = find(name);
    int rc = a ? start_locked(a) : AKIRA_ENOENT;
    akira_mutex_unlock(akira_mgr.op_lock);
    return rc;
}

int akira_app_stop(const char *name)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    struct akira_app *a = find(name);
    int rc = a ? stop_locked(a) : AKIRA_ENOENT;
    akira_mutex_unlock(akira_mgr.op_lock);
    return rc;
}

int akira_appmgr_autostart(void)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    int started = 0;
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
        struct akira_app *a = akira_mgr.apps[i];
        if (a && a->m.autostart) {
            int rc = start_locked(a);
            if (rc == 0)
                started++;
            else
                AKIRA_LOG_ERR("autostart %s: %s", a->m.name, akira_err_str(rc));
        }
        akira_mutex_unlock(akira_mgr.op_lock);
    }
    return started;
}

static int post(const char *name, uint32_t type)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    /* op_lock keeps the entry from being removed (and freed) before the post. */
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    lock();
    struct akira_app *a = find(name);
    int rc = !a ? AKIRA_ENOENT : !a->active ? AKIRA_ESTATE : 0;
    unlock();
    if (rc == 0) {
        struct akira_event e = {type, 0, 0, 0};
        rc = akira_evq_post(&a->evq, &e);
    }
    if (rc == 0) {
        lock();
        a->paused = type == AKIRA_EVENT_PAUSE;
        akira_condvar_broadcast(akira_mgr.changed);
        unlock();
    }
    akira_mutex_unlock(akira_mgr.op_lock);
    return rc;
}

int akira_app_pause(const char *name)
{
    return post(name, AKIRA_EVENT_PAUSE);
}

int akira_app_resume(const char *name)
{
    return post(name, AKIRA_EVENT_RESUME);
}

static int caps_change(const char *name, akira_caps_t bits, bool grant)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    if (bits & ~AKIRA_CAP_ALL_) return AKIRA_EINVAL;
    lock();
    struct akira_app *a = find(name);
    akira_caps_t now = 0;
    if (a) {
        a->caps = grant ? a->caps | bits : a->caps & ~bits;
        now = a->caps;
        /* The running instance reads its mask at every native call. */
        if (a->active) atomic_store(&a->ctx.caps, a->caps);
    }
    unlock();
    if (a)
        AKIRA_LOG_INF("%s: capabilities %s 0x%x, now 0x%x", name, grant ? "granted" : "revoked",
                      (unsigned)bits, (unsigned)now);
    return a ? 0 : AKIRA_ENOENT;
}

int akira_app_force_interp(const char *name, bool on)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    lock();
    struct akira_app *a = find(name);
    if (a) a->force_interp = on;
    unlock();
    if (a)
        AKIRA_LOG_INF("%s: %s from its next start", name, on ? "interpreter forced" : "tier auto");
    return a ? 0 : AKIRA_ENOENT;
}

int akira_app_caps_grant(const char *name, akira_caps_t bits)
{
    return caps_change(name, bits, true);
}

int akira_app_caps_revoke(const char *name, akira_caps_t bits)
{
    return caps_change(name, bits, false);
}

/* mgr.lock held. Returns the id of the app's live thread (0: none) for thread_stats. */
static uint32_t fill_info(struct akira_app *a, struct akira_app_info *out)
{
    memset(out, 0, sizeof(*out));
    out->manifest = a->m;
    out->state = a->state;
    out->reason = a->reason;
    memcpy(out->detail, a->detail, sizeof(out->detail));
    out->caps = a->caps;
    out->module_size = a->size;
    out->is_signed = a->is_signed;
    out->restart_pending = a->restart_pending;
    out->paused = a->paused && a->active && a->state == AKIRA_APP_RUNNING;
    out->retries = a->retries;
    out->exit_code = a->exit_code;
    memcpy(out->tier, a->tier, sizeof(out->tier));
    out->force_interp = a->force_interp;
    out->stats = a->acc;
    out->stats.events_dropped = akira_evq_drops(&a->evq);
    out->stats.log_dropped = akira_app_log_dropped(&a->log);
    if (!a->active) return 0;
    out->stats.native_calls += atomic_load(&a->ctx.native_calls);
    out->stats.denied_calls += atomic_load(&a->ctx.denied_calls);
    out->stats.mem_used = akira_quota_used(&a->quota);
    out->stats.stack_held = atomic_load(&a->quota.stack_held);
    if (akira_quota_peak(&a->quota) > out->stats.mem_peak)
        out->stats.mem_peak = akira_quota_peak(&a->quota);
    return a->thread ? akira_thread_id(a->thread) : 0;
}

/* The live run's CPU time and stack from the thread registry, outside mgr.lock: the
 * registry scans every stack, which must not hold up the app threads or the health
 * thread. */
static void thread_stats(uint32_t id, struct akira_app_info *out)
{
    if (id == 0) return;
    struct akira_thread_info ti[24];
    size_t n = akira_thread_list(ti, 24);
    for (size_t i = 0; i < n && i < 24; i++) {
        if (ti[i].id != id) continue;
        out->stats.cpu_us += ti[i].cpu_time_us;
        out->stats.thread_stack_used = ti[i].stack_used_max;
    }
}

int akira_app_info(const char *name, struct akira_app_info *out)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    lock();
    struct akira_app *a = find(name);
    uint32_t id = a ? fill_info(a, out) : 0;
    unlock();
    thread_stats(id, out);
    return a ? 0 : AKIRA_ENOENT;
}

size_t akira_app_list(struct akira_app_info *out, size_t max)
{
    if (!akira_mgr.up) return 0;
    size_t n = 0;
    uint32_t ids[AKIRA_BOARD_APPS_INSTALLED_MAX];
    lock();
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        if (!akira_mgr.apps[i]) continue;
        if (n < max) ids[n] = fill_info(akira_mgr.apps[i], &out[n]);
        n++;
    }
    unlock();
    for (size_t i = 0; i < n && i < max; i++)
        thread_stats(ids[i], &out[i]);
    return n;
}

size_t akira_app_names(char (*out)[AKIRA_APP_NAME_MAX + 1], size_t max)
{
    if (!akira_mgr.up) return 0;
    size_t n = 0;
    lock();
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        if (!akira_mgr.apps[i]) continue;
        if (n < max) snprintf(out[n], AKIRA_APP_NAME_MAX + 1, "%s", akira_mgr.apps[i]->m.name);
        n++;
    }
    unlock();
    return n;
}

int akira_app_log_next(const char *name, uint64_t *cursor, struct akira_app_log_line *out)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    /* op_lock keeps the entry (and its ring) from being removed while it is read. */
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    lock();
    struct akira_app *a = find(name);
    unlock();
    int rc = a ? akira_app_log_read(&a->log, cursor, out) : AKIRA_ENOENT;
    akira_mutex_unlock(akira_mgr.op_lock);
    return rc;
}

/* Wait on `changed` until done(a) or the app's thread ended. */
static int wait_for(const char *name, int32_t timeout_ms, bool (*done)(const struct akira_app *a))
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    uint64_t deadline = akira_uptime_us() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000u;
    int rc = 0;
    lock();
    for (;;) {
        struct akira_app *a = find(name);
        if (!a) {
            rc = AKIRA_ENOENT;
            break;
        }
        if (done(a)) break;
        if (!a->active) {
            rc = AKIRA_ESTATE;
            break;
        }
        if (timeout_ms == AKIRA_FOREVER)
            akira_condvar_wait(akira_mgr.changed, akira_mgr.lock, AKIRA_FOREVER);
        else if (akira_condvar_wait_until(akira_mgr.changed, akira_mgr.lock, deadline) ==
                 AKIRA_ETIMEDOUT) {
            rc = AKIRA_ETIMEDOUT;
            break;
        }
    }
    unlock();
    return rc;
}

static bool is_idle(const struct akira_app *a)
{
    /* Its thread is gone: no run and no restart can follow. */
    return !a->active;
}

static bool is_running(const struct akira_app *a)
{
    return a->active && a->state == AKIRA_APP_RUNNING;
}

int akira_app_wait_idle(const char *name, int32_t timeout_ms)
{
    return wait_for(name, timeout_ms, is_idle);
}

int akira_app_wait_running(const char *name, int32_t timeout_ms)
{
    return wait_for(name, timeout_ms, is_running);
}

int akira_app_start_wait(const char *name, int32_t timeout_ms, struct akira_app_info *out)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    /* The wait is inside the operation lock: the answer is this start's outcome, not a
     * state another client's stop or upgrade made meanwhile. App threads never take
     * the lock, so the wait ends. */
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    int rc = akira_app_start(name);
    bool ran = rc == 0 && akira_app_wait_running(name, timeout_ms) == 0;
    struct akira_app_info info;
    if (rc == 0) rc = akira_app_info(name, &info);
    akira_mutex_unlock(akira_mgr.op_lock);
    if (rc != 0) return rc;
    if (out) *out = info;
    /* Seen running: started, whatever came after. Else a FAILED app never got to run
     * (a missing import, a bad module, no entry, the quota, a trap in its start). */
    return !ran && info.state == AKIRA_APP_FAILED ? AKIRA_ENOEXEC : 0;
}

int akira_app_stop_info(const char *name, struct akira_app_info *out)
{
    if (!akira_mgr.up) return AKIRA_ESTATE;
    akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
    int rc = akira_app_stop(name);
    if (rc == 0 && out) rc = akira_app_info(name, out);
    akira_mutex_unlock(akira_mgr.op_lock);
    return rc;
}

size_t akira_appmgr_entry_bytes(void)
{
    return sizeof(struct akira_app);
}

const char *akira_app_state_name(enum akira_app_state s)
{
    static const char *const names[] = {"installed", "loaded", "running", "stopped", "failed"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *akira_app_info_state(const struct akira_app_info *i)
{
    return i->paused ? "paused" : akira_app_state_name(i->state);
}

const char *akira_app_reason_name(enum akira_app_reason r)
{
    static const char *const names[] = {"none",           "trap",       "watchdog", "quota",
                                        "missing import", "bad module", "no entry"};
    return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/*
 * The app manager on top of the app store: installed apps are registered with a
 * reference to their store slot as the module reader's context. The references live
 * here, one per manager entry, so a reader context outlives every run of the app.
 */
#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/app_storage.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/package.h>

#include "app_manager_priv.h"

AKIRA_LOG_MODULE_DECLARE(appmgr);

/* Two reader contexts per app: the one in use and the one an upgrade switches to, so
 * the context a running app reads through is never overwritten under it. Only the slot
 * and sequence (the manager keeps its own copy of the manifest). */
struct app_ref {
    bool used;
    char name[AKIRA_APP_NAME_MAX + 1];
    struct akira_appstore_ref ref;
};
static struct app_ref refs[2 * AKIRA_BOARD_APPS_INSTALLED_MAX];

static struct app_ref *ref_for(const char *name)
{
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
        if (refs[i].used && strcmp(refs[i].name, name) == 0) return &refs[i];
    return NULL;
}

static struct app_ref *ref_new(const struct akira_app_record *r)
{
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        if (!refs[i].used) {
            refs[i].used = true;
            snprintf(refs[i].name, sizeof(refs[i].name), "%s", r->manifest.name);
            refs[i].ref = (struct akira_appstore_ref){r->slot, r->seq};
            return &refs[i];
        }
    }
    return NULL;
}

static void ref_drop(struct app_ref *r)
{
    if (r) r->used = false;
}

/* Register r, replacing the reader context of an older version. */
static int add_record(const struct akira_app_record *r)
{
    struct app_ref *old = ref_for(r->manifest.name);
    struct app_ref *ref = ref_new(r);
    if (!ref) return AKIRA_ENOSPC;
    int rc =
        akira_appmgr_add(&r->manifest, akira_appstore_ref_read, &ref->ref, r->size, r->is_signed);
    if (rc != 0) {
        ref_drop(ref);
        return rc;
    }
    ref_drop(old);
    return 0;
}

static int sync_one(void *ctx, const struct akira_app_record *r)
{
    int *count = ctx;
    int rc = add_record(r);
    if (rc != 0) {
        AKIRA_LOG_ERR("app %s: not registered: %s", r->manifest.name, akira_err_str(rc));
        return rc;
    }
    (*count)++;
    return 0;
}

int akira_appmgr_sync_store(void)
{
    int count = 0;
    int rc = akira_appstore_foreach(sync_one, &count);
    return rc < 0 ? rc : count;
}

static void ops_lock(void)
{
    if (akira_mgr.up) akira_mutex_lock(akira_mgr.op_lock, AKIRA_FOREVER);
}

static void ops_unlock(void)
{
    if (akira_mgr.up) akira_mutex_unlock(akira_mgr.op_lock);
}

/* Before an upgrade's commit (which erases the old version's slot): stop the old
 * version if it runs, and also join a thread that is just ending. */
struct upgrade {
    bool known, was_running;
    char name[sizeof(((struct akira_manifest *)0)->name)];
};

static int before_commit(void *ctx, const struct akira_manifest *m)
{
    struct upgrade *u = ctx;
    struct akira_app_info info;
    snprintf(u->name, sizeof(u->name), "%s", m->name);
    u->known = akira_app_info(m->name, &info) == 0;
    if (!u->known) return 0;
    u->was_running =
        info.state == AKIRA_APP_LOADED || info.state == AKIRA_APP_RUNNING || info.restart_pending;
    (void)akira_app_stop(m->name); /* AKIRA_ESTATE when not running: fine */
    return 0;
}

/*
 * One app's install, upgrade, start, stop and uninstall are one serialised state
 * machine: the manager's operation lock (recursive) is held from before the store's
 * commit to the registration and the restart, so a start or a stop from another client
 * comes before or after the whole upgrade, never in between. The old version is
 * stopped before the commit erases its slot (it was stopped after, so a run loading
 * meanwhile read an erased slot and a start racing the upgrade left the manager with
 * the old record: "module read failed" until reboot).
 */
int akira_app_install_finish(struct akira_appstore_writer *w, struct akira_app_record *out,
                             struct akira_manifest_error *err)
{
    struct akira_app_record r;
    struct upgrade u = {.known = false};
    ops_lock();
    int rc = akira_appstore_install_finish_hook(w, before_commit, &u, &r, err);
    if (rc != 0) {
        /* Refused: the old version (if stopped for the commit) runs again. */
        if (u.was_running) (void)akira_app_start(u.name);
        ops_unlock();
        return rc;
    }
    if (out) *out = r;
    rc = add_record(&r);
    int start_rc = rc == 0 && u.was_running ? akira_app_start(r.manifest.name) : 0;
    ops_unlock();
    if (rc != 0) {
        AKIRA_LOG_ERR("app %s %s installed, not registered until reboot: %s", r.manifest.name,
                      r.manifest.version, akira_err_str(rc));
        return rc;
    }
    /* Installed either way: a restart that failed shows in the app's state. */
    if (start_rc != 0)
        AKIRA_LOG_WRN("app %s: upgraded, not restarted: %s", r.manifest.name,
                      akira_err_str(start_rc));
    if (r.manifest.compat && r.manifest.compat_ignored[0])
        AKIRA_LOG_WRN("app %s: capabilities that grant nothing on this firmware: %s",
                      r.manifest.name, r.manifest.compat_ignored);
    AKIRA_LOG_INF("app %s %s installed (%u bytes, %s)%s", r.manifest.name, r.manifest.version,
                  (unsigned)r.size, r.is_signed ? "signed" : "unsigned",
                  u.was_running && start_rc == 0 ? ", restarted" : "");
    return 0;
}

int akira_app_install_reader(aw_read_fn read, void *ctx, uint32_t size,
                             struct akira_app_record *out, struct akira_manifest_error *err)
{
    struct akira_package pkg;
    struct akira_app_record rec;
    int rc = akira_package_scan(read, ctx, size, &pkg, err);
    if (rc != 0) return rc;
    if (akira_appstore_find(pkg.manifest.name, &rec) == 0) {
        if (out) *out = rec;
        return AKIRA_EEXIST;
    }
    struct akira_appstore_writer w;
    rc = akira_appstore_install_begin(&w, size);
    if (rc != 0) return rc;
    uint8_t piece[1024];
    for (uint32_t off = 0; off < size;) {
        uint32_t n = size - off < sizeof(piece) ? size - off : (uint32_t)sizeof(piece);
        rc = read(ctx, off, piece, n);
        if (rc == 0) rc = akira_appstore_install_write(&w, piece, n);
        if (rc != 0) {
            akira_appstore_install_abort(&w);
            return rc < 0 ? rc : AKIRA_EIO;
        }
        off += n;
    }
    return akira_app_install_finish(&w, out, err);
}

static int uninstall_locked(const char *name)
{
    struct akira_app_info info;
    bool known = akira_app_info(name, &info) == 0;
    if (known) akira_app_stop(name); /* AKIRA_ESTATE when it was not running: fine */
    /* Its files and settings keys go first (an upgrade keeps them, an uninstall does
     * not): a cut or an error part way leaves the app installed, and uninstalling it
     * again finishes the job. */
    struct akira_app_record rec;
    if (akira_appstore_find(name, &rec) == 0) {
        int rc = akira_app_storage_remove(name);
        if (rc != 0) return rc;
    }
    if (known) {
        int rc = akira_appmgr_remove(name);
        if (rc != 0) return rc;
        ref_drop(ref_for(name));
    }
    return akira_appstore_uninstall(name);
}

int akira_app_uninstall(const char *name)
{
    ops_lock();
    int rc = uninstall_locked(name);
    ops_unlock();
    return rc;
}

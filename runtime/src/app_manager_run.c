/*
 * One app's thread: load, bind, instantiate, run, deliver events, tear down, and the
 * restart policy. Everything the run allocates is charged to the app's quota and freed
 * before the thread ends, whatever way the run ended.
 */
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>

#include "app_aot.h"
#include "app_manager_priv.h"

AKIRA_LOG_MODULE_DECLARE(appmgr);

#define PAGE 65536u

static _Atomic(akira_appmgr_state_fn) state_hook;

void akira_appmgr_state_hook_set(akira_appmgr_state_fn fn)
{
    atomic_store(&state_hook, fn);
}

/* The app thread's ordinary path formats no text with the printf family: glibc's
 * vfprintf alone takes about 1.5 KB of the thread's stack (native_sim), more than the
 * rest of a start. Bounded copies and one integer instead; failures still format. */
static void copy_str(char *dst, size_t n, const char *src)
{
    size_t len = strnlen(src, n - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* `prefix` and v in decimal. */
static void put_int(char *dst, size_t n, const char *prefix, int32_t v)
{
    char digits[12];
    size_t k = 0, len = strnlen(prefix, n - 1);
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    do {
        digits[k++] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u);
    if (v < 0) digits[k++] = '-';
    memcpy(dst, prefix, len);
    while (k && len < n - 1)
        dst[len++] = digits[--k];
    dst[len] = '\0';
}

void akira_appmgr_set_state(struct akira_app *a, enum akira_app_state s, enum akira_app_reason r,
                            const char *detail)
{
    char name[AKIRA_APP_NAME_MAX + 1];
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    a->state = s;
    a->reason = r;
    copy_str(a->detail, sizeof(a->detail), detail ? detail : "");
    memcpy(name, a->m.name, sizeof name);
    akira_condvar_broadcast(akira_mgr.changed);
    akira_mutex_unlock(akira_mgr.lock);
    akira_appmgr_state_fn hook = atomic_load(&state_hook);
    if (hook) hook(name, s);
}

static void fail(struct akira_app *a, enum akira_app_reason r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct akira_app *a, enum akira_app_reason r, const char *fmt, ...)
{
    char detail[AKIRA_APP_DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    akira_bridge_log(&a->ctx, AKIRA_LOG_ERROR, "failed (%s): %s", akira_app_reason_name(r), detail);
    akira_appmgr_set_state(a, AKIRA_APP_FAILED, r, detail);
}

/* What of the app thread's stack its quota pays (akira_app_thread_stack). */
static size_t thread_stack_charged(const struct akira_app *a)
{
    size_t ts = akira_app_thread_stack(&a->m, NULL);
    return ts > AKIRA_THREAD_STACK_DEFAULT ? ts : 0;
}

/* `what` did not fit the quota; the message names the thread stack when it is charged
 * (on the failure path only: the ordinary path's stack does not pay for the text). */
__attribute__((noinline)) static void fail_quota(struct akira_app *a, const char *what,
                                                 const char *msg)
{
    size_t charged = thread_stack_charged(a);
    char with[48] = "";
    if (charged) snprintf(with, sizeof(with), ", thread_stack %zu of it", charged);
    fail(a, AKIRA_APP_REASON_QUOTA, "%s does not fit memory_quota (%" PRIu32 " bytes%s)%s%s", what,
         a->m.memory_quota, with, msg ? ": " : "", msg ? msg : "");
}

/* The entry function: the manifest's, else _start, else main; type () or ()->i32. */
static aw_func *find_entry(struct akira_app *a, aw_instance *inst, const char **name)
{
    const char *ours[3] = {a->m.entry[0] ? a->m.entry : "_start", a->m.entry[0] ? NULL : "main",
                           NULL};
    /* An upstream AkiraOS app (akira/compat.h): the names its runtime tries, in its order
     * (__main_argc_argv is called with argc = 0, argv = 0). */
    static const char *const upstream[5] = {"main", "__main_argc_argv", "_main", "_start", NULL};
    const char *const *cands = a->m.compat ? upstream : ours;
    *name = cands[0]; /* what a "no export" message names first */
    for (int i = 0; cands[i]; i++) {
        aw_func *f = aw_instance_func(inst, cands[i]);
        if (f) {
            *name = cands[i];
            return f;
        }
    }
    return NULL;
}

/* Whether the module imports anything from WASI, i.e. was linked with wasi-libc. */
static bool imports_wasi(const aw_module *m)
{
    for (uint32_t i = 0; i < aw_module_import_count(m); i++) {
        aw_extern_desc d;
        aw_module_import(m, i, &d);
        if (strcmp(d.module, "wasi_snapshot_preview1") == 0) return true;
    }
    return false;
}

/* How a trap of this run is reported: a stop, the watchdog, the quota, or the trap. */
static void ended_by_trap(struct akira_app *a, const aw_error *err)
{
    if (a->ctx.exited) { /* WASI proc_exit: an exit, not a failure */
        char detail[32];
        put_int(detail, sizeof(detail), "exited ", a->ctx.exit_code);
        akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
        a->exit_code = a->ctx.exit_code;
        akira_mutex_unlock(akira_mgr.lock);
        akira_appmgr_set_state(a, AKIRA_APP_STOPPED, AKIRA_APP_REASON_NONE, detail);
        return;
    }
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    bool stop = a->stop_req, wd = a->wd_fired;
    if (!stop) a->acc.traps++;
    akira_mutex_unlock(akira_mgr.lock);
    if (stop) {
        akira_appmgr_set_state(a, AKIRA_APP_STOPPED, AKIRA_APP_REASON_NONE, "stopped");
        return;
    }
    if (wd) {
        fail(a, AKIRA_APP_REASON_WATCHDOG, "ran %" PRIu32 " ms without waiting",
             akira_mgr.cfg.watchdog_ms);
    } else if (atomic_load(&a->quota.refused) > 0) {
        fail(a, AKIRA_APP_REASON_QUOTA,
             "%s after an allocation past memory_quota (%" PRIu32 " bytes)", err->msg,
             a->m.memory_quota);
    } else {
        fail(a, AKIRA_APP_REASON_TRAP, "%s", err->msg);
    }
}

/* Deliver queued events to the exported handler until STOP or a stop. */
static aw_status event_loop(struct akira_app *a, aw_func *handler, aw_error *err)
{
    struct akira_app_ctx *ctx = &a->ctx;
    for (;;) {
        struct akira_event e;
        akira_bridge_wait_begin(ctx);
        int rc = akira_evq_wait(&a->evq, &e, AKIRA_FOREVER);
        atomic_store(&ctx->running_since_us, akira_uptime_us());
        if (rc != 0) return AW_OK; /* closed: stop */
        aw_val args[4] = {{.u32 = e.type}, {.u32 = e.a}, {.u32 = e.b}, {.u32 = e.c}};
        aw_val res[1];
        uint32_t nres = strcmp(aw_func_signature(handler), "(iiii)i") == 0 ? 1 : 0;
        aw_status st = aw_call(ctx->store, handler, args, 4, res, nres, err);
        if (st != AW_OK) return st;
        if (e.type == AKIRA_EVENT_STOP) return AW_OK;
    }
}

static void set_tier(struct akira_app *a, const char *tier)
{
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    copy_str(a->tier, sizeof(a->tier), tier);
    akira_mutex_unlock(akira_mgr.lock);
}

/* The tier of this run: the package's native code for this board when it has some,
 * the interpreter is not forced, and the engine accepts it (hash, ABI, target,
 * checksum) within the app's memory quota; otherwise the interpreter, with a log line
 * saying why. */
static void choose_tier(struct akira_app *a, aw_module *mod)
{
    char name[48], why[AKIRA_APP_DETAIL_MAX];
    uint32_t off, len;
    const char *target = aw_aot_target();
    bool forced = a->m.force_interp || a->force_interp;
    bool have = false;
    if (target) {
        copy_str(name, sizeof(name), AKIRA_AOT_SECTION_PREFIX);
        copy_str(name + strlen(name), sizeof(name) - strlen(name), target);
        have = aw_module_custom_section(mod, name, &off, &len);
    }
    if (have && forced) {
        akira_bridge_log(&a->ctx, AKIRA_LOG_INFO, "native code present, interpreter forced");
    } else if (have && akira_app_aot_attach(&a->quota, mod, a->read, a->read_ctx, off, len, why,
                                            sizeof(why)) != 0) {
        akira_bridge_log(&a->ctx, AKIRA_LOG_WARN,
                         "native code refused (%s), running on the interpreter", why);
    } else if (have && why[0]) {
        akira_bridge_log(&a->ctx, AKIRA_LOG_INFO, "native code copied to RAM (%s)", why);
    }
    set_tier(a, aw_module_tier(mod));
}

/* One run, from loading to teardown. Leaves the state STOPPED or FAILED. */
static void run_once(struct akira_app *a)
{
    struct akira_app_ctx *ctx = &a->ctx;
    akira_quota_init(&a->quota, a->m.memory_quota, akira_mgr.cfg.pool);
    aw_module *mod = NULL;
    aw_store *store = NULL;
    aw_error err = {0};
    char why[AKIRA_APP_DETAIL_MAX];

    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    memset(ctx, 0, sizeof(*ctx));
    ctx->name = a->m.name;
    ctx->manifest = &a->m;
    atomic_store(&ctx->caps, a->caps);
    atomic_store(&ctx->stopping, a->stop_req);
    ctx->quota = &a->quota;
    ctx->evq = &a->evq;
    ctx->log = &a->log;
    a->wd_fired = false;
    a->paused = false; /* a new run starts unpaused */
    a->exit_code = 0;
    a->acc.starts++;
    akira_mutex_unlock(akira_mgr.lock);
    akira_appmgr_set_state(a, AKIRA_APP_LOADED, AKIRA_APP_REASON_NONE, NULL);

    /* A thread stack above the board's default is the app's: charged first, for the
     * whole run (its bytes come from the pool when the thread is made, and go back when
     * it is freed). Nothing is allocated yet if it does not fit. Recomputed where it is
     * used (a value kept across the run would cost every app's thread stack). */
    if (akira_quota_charge(&a->quota, thread_stack_charged(a)) != 0) {
        fail_quota(a, "thread_stack", NULL);
        return;
    }

    aw_config cfg = {
        .realloc = akira_quota_realloc,
        .alloc_ctx = &a->quota,
        .max_memory_pages = a->m.memory_quota / PAGE,
        .stack_slots = a->m.stack_size / 8u,
    };
    mod = aw_module_load(&cfg, a->read, a->read_ctx, a->size, &err);
    if (!mod) {
        if (err.status == AW_ERR_NOMEM)
            fail_quota(a, "module", NULL);
        else
            fail(a, AKIRA_APP_REASON_BAD_MODULE, "%s (section %s, offset %" PRIu32 ")", err.msg,
                 err.section, err.offset);
        goto out;
    }
    choose_tier(a, mod);
    /* The app heap is the pages grown past the app's memory before its entry runs;
     * wasi-libc's malloc takes everything above __heap_base up to the memory's size at
     * its first call, those pages included, so both would hand out the same bytes. */
    if (a->m.heap_size > 0 && imports_wasi(mod)) {
        fail(a, AKIRA_APP_REASON_BAD_MODULE,
             "heap_size %" PRIu32
             ": wasi-libc's malloc would share the app heap (use malloc, heap_size 0)",
             a->m.heap_size);
        goto out;
    }
    /* native code for guard pages needs its memory in reserved address space (charged
     * to the quota page by page as it grows) */
    aw_vmem vmem;
    if (strcmp(aw_module_tier(mod), "interp") != 0) {
        cfg.vmem = akira_app_aot_vmem(&a->quota, &vmem);
        cfg.async_intr = akira_app_aot_async_intr();
    }
    /* the operand stack grows on demand up to stack_size; what it has not taken yet
     * stays set aside in the quota, so nothing else can take it */
    cfg.stack_realloc = akira_quota_stack_realloc;
    akira_quota_set_stack(&a->quota, a->m.stack_size);
    store = aw_store_new(&cfg);
    /* native code may use the app thread's stack but half of the default one (the
     * runtime's own frames and the host functions it calls): half of the default stack,
     * and all that the manifest's thread_stack adds */
    if (store)
        aw_store_set_native_stack(store, akira_app_thread_stack(&a->m, NULL) -
                                             AKIRA_THREAD_STACK_DEFAULT / 2);
    if (!store) {
        fail_quota(a, "store", NULL);
        goto out;
    }
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    ctx->store = store;
    akira_mutex_unlock(akira_mgr.lock);

    aw_import *imports;
    uint32_t nimports;
    int rc = akira_bridge_bind(ctx, mod, &imports, &nimports, why, sizeof(why));
    if (rc != 0) {
        fail(a, rc == AKIRA_EQUOTA ? AKIRA_APP_REASON_QUOTA : AKIRA_APP_REASON_MISSING_IMPORT, "%s",
             why);
        goto out;
    }
    /* Running from here: the start function runs inside aw_instantiate. */
    atomic_store(&ctx->running_since_us, akira_uptime_us());
    aw_instance *inst = aw_instantiate(store, mod, imports, nimports, &err);
    akira_bridge_imports_free(ctx, imports, nimports);
    if (!inst) {
        atomic_store(&ctx->running_since_us, 0);
        if (err.status == AW_ERR_TRAP)
            ended_by_trap(a, &err);
        else if (err.status == AW_ERR_NOMEM || err.status == AW_ERR_LIMIT)
            fail_quota(a, "instance", err.msg);
        else
            fail(a, AKIRA_APP_REASON_MISSING_IMPORT, "%s", err.msg);
        goto out;
    }
    ctx->inst = inst;
    ctx->mem = aw_instance_memory(inst, 0);
    if (strcmp(aw_instance_tier(inst), aw_module_tier(mod)) != 0) {
        /* the code needs guard pages and the port could not reserve them, or it needs
         * asynchronous interruption and the port offers none */
        akira_bridge_log(ctx, AKIRA_LOG_WARN,
                         cfg.async_intr ? "native code needs a guard-page memory, none "
                                          "reserved: interpreter"
                                        : "native code needs asynchronous interruption, "
                                          "which this port lacks: interpreter");
        set_tier(a, aw_instance_tier(inst));
    }

    if (a->m.heap_size > 0 && ctx->mem) {
        uint32_t pages = (a->m.heap_size + PAGE - 1) / PAGE;
        /* An upstream app declares exactly the pages it uses; its heap lies beyond
         * them (as upstream's engine places its app heap). */
        int32_t old =
            a->m.compat ? aw_memory_grow_host(ctx->mem, pages) : aw_memory_grow(ctx->mem, pages);
        if (old < 0 ||
            akira_app_heap_init(&ctx->heap, &a->quota, (uint32_t)old * PAGE, a->m.heap_size) != 0) {
            atomic_store(&ctx->running_since_us, 0);
            fail(a, AKIRA_APP_REASON_QUOTA,
                 "heap_size %" PRIu32 " does not fit memory_quota (%" PRIu32 " bytes)",
                 a->m.heap_size, a->m.memory_quota);
            goto out;
        }
    }

    const char *entry_name;
    aw_func *entry = find_entry(a, inst, &entry_name);
    const char *sig = entry ? aw_func_signature(entry) : "";
    bool argc_argv = a->m.compat && strcmp(sig, "(ii)i") == 0;
    if (!entry || (strcmp(sig, "()") != 0 && strcmp(sig, "()i") != 0 && !argc_argv)) {
        atomic_store(&ctx->running_since_us, 0);
        if (entry)
            fail(a, AKIRA_APP_REASON_NO_ENTRY, "entry %s has type %s, not () or ()->i32",
                 entry_name, sig);
        else
            fail(a, AKIRA_APP_REASON_NO_ENTRY, "no export %s%s", entry_name,
                 a->m.compat     ? ", __main_argc_argv, _main or _start"
                 : a->m.entry[0] ? ""
                                 : " or main");
        goto out;
    }
    akira_appmgr_set_state(a, AKIRA_APP_RUNNING, AKIRA_APP_REASON_NONE, NULL);
    aw_val res[1] = {{0}};
    aw_val args[2] = {{0}, {0}};
    bool has_result = strchr(sig, ')')[1] == 'i';
    aw_status st = aw_call(store, entry, args, argc_argv ? 2 : 0, res, has_result ? 1 : 0, &err);
    if (st == AW_OK) {
        akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
        a->exit_code = has_result ? res[0].i32 : 0;
        akira_mutex_unlock(akira_mgr.lock);
        aw_func *handler = aw_instance_func(inst, "on_event");
        const char *hs = handler ? aw_func_signature(handler) : "";
        if (handler && (strcmp(hs, "(iiii)") == 0 || strcmp(hs, "(iiii)i") == 0))
            st = event_loop(a, handler, &err);
    }
    atomic_store(&ctx->running_since_us, 0);
    if (st == AW_OK) {
        char detail[48];
        put_int(detail, sizeof(detail), "returned ", a->exit_code);
        akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
        bool stop = a->stop_req;
        akira_mutex_unlock(akira_mgr.lock);
        akira_appmgr_set_state(a, AKIRA_APP_STOPPED, AKIRA_APP_REASON_NONE,
                               stop ? "stopped" : detail);
    } else if (st == AW_ERR_TRAP) {
        ended_by_trap(a, &err);
    } else {
        fail(a, AKIRA_APP_REASON_TRAP, "%s: %s", aw_status_str(st), err.msg);
    }

out:
    /* Teardown in reverse; the health thread must not touch the store once it goes. */
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    ctx->store = NULL;
    akira_mutex_unlock(akira_mgr.lock);
    akira_bridge_unbind(ctx);
    akira_app_heap_deinit(&ctx->heap, &a->quota);
    if (store) aw_store_delete(store);
    akira_quota_set_stack(&a->quota, 0);
    if (mod) aw_module_delete(mod);
    akira_quota_release(&a->quota, thread_stack_charged(a));
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    a->acc.native_calls += atomic_load(&ctx->native_calls);
    a->acc.denied_calls += atomic_load(&ctx->denied_calls);
    if (akira_quota_peak(&a->quota) > a->acc.mem_peak)
        a->acc.mem_peak = akira_quota_peak(&a->quota);
    ctx->inst = NULL;
    ctx->mem = NULL;
    akira_mutex_unlock(akira_mgr.lock);
}

int akira_appmgr_thread(void *arg)
{
    struct akira_app *a = arg;
    for (;;) {
        run_once(a);
        akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
        bool again = !a->stop_req && a->state == AKIRA_APP_FAILED &&
                     a->m.restart == AKIRA_RESTART_ON_FAILURE &&
                     a->retries < a->m.restart_max_retries;
        uint64_t delay = 0;
        if (again) {
            /* delay_ms, doubled after each retry, capped at an hour. */
            delay = a->m.restart_delay_ms;
            for (uint32_t i = 0; i < a->retries && delay < 3600000u; i++)
                delay *= 2;
            if (delay > 3600000u) delay = 3600000u;
            a->retries++;
            a->restart_pending = true;
            akira_condvar_broadcast(akira_mgr.changed);
        }
        akira_mutex_unlock(akira_mgr.lock);
        if (!again) break;
        akira_bridge_log(&a->ctx, AKIRA_LOG_WARN, "restart %" PRIu32 " of %" PRIu32 " in %llu ms",
                         a->retries, a->m.restart_max_retries, (unsigned long long)delay);
        /* A stop closes the queue, which ends this sleep at once. */
        int slept = akira_evq_sleep(&a->evq, (uint32_t)delay);
        akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
        a->restart_pending = false;
        bool stop = a->stop_req || slept != 0;
        if (!stop) {
            a->acc.restarts++;
            akira_appmgr_fresh_queue(a);
        }
        akira_condvar_broadcast(akira_mgr.changed);
        akira_mutex_unlock(akira_mgr.lock);
        if (stop) break;
    }
    uint64_t cpu = akira_thread_cpu_us();
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    a->acc.cpu_us += cpu;
    a->active = false;
    /* Nobody joins this thread yet (a stop takes a->thread before it joins): it frees
     * itself, so an app that ended holds no stack while it does not run. */
    if (a->thread) {
        a->thread = NULL;
        akira_thread_detach(akira_thread_current());
    }
    akira_condvar_broadcast(akira_mgr.changed);
    akira_mutex_unlock(akira_mgr.lock);
    return 0;
}

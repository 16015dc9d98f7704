/* Native bridge: the import table, binding at instantiation, the checked call path
 * (akira/bridge.h). */
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/bridge.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>

AKIRA_LOG_MODULE_REGISTER(bridge);
/* The apps' own lines go under module "app" (registered in api/common.c). */
extern struct akira_log_module akira_log_module_app;

/* Every API module. A new module appends its line (and its extern in bridge.h). */
static const struct akira_bridge_module *const modules[] = {
    &akira_api_common, &akira_api_lifecycle, &akira_api_memory, &akira_api_timer, &akira_api_wasi,
    &akira_api_ipc,    &akira_api_storage,   &akira_api_gpio,   &akira_api_i2c,   &akira_api_uart,
    &akira_api_pwm,    &akira_api_sensor,    &akira_api_power,  &akira_api_net,
};
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

static const char *import_module(const struct akira_bridge_module *m)
{
    return m->import_module ? m->import_module : AKIRA_BRIDGE_IMPORT_MODULE;
}

const struct akira_bridge_entry *akira_bridge_find(const char *module, const char *name)
{
    for (size_t m = 0; m < NMODULES; m++)
        for (size_t i = 0; m < NMODULES && strcmp(import_module(modules[m]), module) == 0 &&
                           i < modules[m]->count;
             i++)
            if (strcmp(modules[m]->entries[i].name, name) == 0) return &modules[m]->entries[i];
    return NULL;
}

size_t akira_bridge_foreach(void (*fn)(const struct akira_bridge_module *m,
                                       const struct akira_bridge_entry *e, void *user),
                            void *user)
{
    size_t n = 0;
    for (size_t m = 0; m < NMODULES; m++)
        for (size_t i = 0; i < modules[m]->count; i++, n++)
            if (fn) fn(modules[m], &modules[m]->entries[i], user);
    return n;
}

/* The result type letter of a signature string, 0 for none. */
static char result_type(const char *sig)
{
    const char *p = strchr(sig, ')');
    return p && p[1] ? p[1] : 0;
}

static aw_status bridge_deny(const struct akira_bridge_binding *b, aw_val *io)
{
    struct akira_app_ctx *app = b->app;
    uint_fast64_t n = atomic_fetch_add_explicit(&app->denied_calls, 1, memory_order_relaxed) + 1;
    /* Every denial is counted; the log shows the first ones and then every 64th, so a
     * hostile app looping on a denied call cannot flood the log. */
    if (n <= 8 || n % 64 == 0) {
        const char *cap = akira_cap_name(b->entry->cap);
        akira_bridge_log(app, AKIRA_LOG_WARN, "denied: %s needs capability '%s' (%llu denied)",
                         b->entry->name, cap ? cap : "?", (unsigned long long)n);
    }
    switch (result_type(b->entry->signature)) {
    case 'i': io[0].i32 = AKIRA_EACCES; break;
    case 'I': io[0].i64 = AKIRA_EACCES; break;
    default: break;
    }
    return AW_OK;
}

/* The host function behind every bound import. */
static aw_status bridge_call(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller;
    const struct akira_bridge_binding *b = user;
    struct akira_app_ctx *app = b->app;
    /* Only this thread writes the counter: a relaxed load and store, no locked add. */
    atomic_store_explicit(&app->native_calls,
                          atomic_load_explicit(&app->native_calls, memory_order_relaxed) + 1,
                          memory_order_relaxed);
    /* The capability check: one AND of the entry's bit against the current mask. */
    if (b->entry->cap & ~atomic_load_explicit(&app->caps, memory_order_relaxed))
        return bridge_deny(b, io);
    return b->entry->fn(app, io);
}

int akira_bridge_bind(struct akira_app_ctx *app, const aw_module *m, aw_import **imports,
                      uint32_t *nimports, char *why, size_t why_len)
{
    uint32_t n = aw_module_import_count(m);
    *imports = NULL;
    *nimports = 0;
    if (why_len) why[0] = '\0';
    if (n == 0) return 0;
    aw_import *imp = akira_quota_realloc(app->quota, NULL, 0, n * sizeof(*imp));
    struct akira_bridge_binding *bind = akira_quota_realloc(app->quota, NULL, 0, n * sizeof(*bind));
    if (!imp || !bind) {
        if (imp) akira_quota_realloc(app->quota, imp, n * sizeof(*imp), 0);
        if (bind) akira_quota_realloc(app->quota, bind, n * sizeof(*bind), 0);
        snprintf(why, why_len, "no quota for %" PRIu32 " imports", n);
        return AKIRA_EQUOTA;
    }
    int rc = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        aw_extern_desc d;
        aw_module_import(m, i, &d);
        const struct akira_bridge_entry *e =
            d.kind == AW_EXTERN_FUNC ? akira_bridge_find(d.module, d.name) : NULL;
        if (d.kind != AW_EXTERN_FUNC) {
            snprintf(why, why_len, "import %s.%s: only functions are provided", d.module, d.name);
            rc = AKIRA_EFORMAT;
        } else if (!e) {
            snprintf(why, why_len, "missing import %s.%s", d.module, d.name);
            rc = AKIRA_ENOENT;
        } else if (strcmp(e->signature, d.signature) != 0) {
            snprintf(why, why_len, "import %s.%s has signature %s, the system provides %s",
                     d.module, d.name, d.signature, e->signature);
            rc = AKIRA_EFORMAT;
        } else {
            bind[i] = (struct akira_bridge_binding){e, app};
            aw_func *f = aw_host_func_new(app->store, e->signature, bridge_call, &bind[i]);
            if (!f) {
                snprintf(why, why_len, "no quota to bind %s.%s", d.module, d.name);
                rc = AKIRA_EQUOTA;
            } else {
                imp[i] = (aw_import){d.module, d.name, {.kind = AW_EXTERN_FUNC, .of.func = f}};
            }
        }
    }
    if (rc != 0) {
        akira_quota_realloc(app->quota, imp, n * sizeof(*imp), 0);
        akira_quota_realloc(app->quota, bind, n * sizeof(*bind), 0);
        return rc;
    }
    app->bindings = bind;
    app->nbindings = n;
    *imports = imp;
    *nimports = n;
    return 0;
}

void akira_bridge_imports_free(struct akira_app_ctx *app, aw_import *imports, uint32_t n)
{
    if (imports) akira_quota_realloc(app->quota, imports, n * sizeof(*imports), 0);
}

void akira_bridge_unbind(struct akira_app_ctx *app)
{
    for (size_t m = 0; m < NMODULES; m++)
        if (modules[m]->app_end) modules[m]->app_end(app);
    if (app->bindings)
        akira_quota_realloc(app->quota, app->bindings, app->nbindings * sizeof(*app->bindings), 0);
    app->bindings = NULL;
    app->nbindings = 0;
}

const char *akira_bridge_cstr(struct akira_app_ctx *app, uint32_t ptr, uint32_t max, size_t *len)
{
    if (!app->mem) return NULL;
    uint64_t size = aw_memory_size(app->mem);
    if (ptr >= size) return NULL;
    uint64_t avail = size - ptr;
    uint32_t span = avail > (uint64_t)max + 1 ? max + 1 : (uint32_t)avail;
    const char *s = aw_memory_ptr(app->mem, ptr, span);
    if (!s) return NULL;
    const char *nul = memchr(s, '\0', span);
    if (!nul) return NULL;
    *len = (size_t)(nul - s);
    return s;
}

void akira_bridge_wait_begin(struct akira_app_ctx *app)
{
    atomic_store_explicit(&app->running_since_us, 0, memory_order_relaxed);
}

aw_status akira_bridge_wait_end(struct akira_app_ctx *app)
{
    atomic_store_explicit(&app->running_since_us, akira_uptime_us(), memory_order_relaxed);
    /* During the stop's grace time the app still runs (it may be handling STOP); once
     * the grace is over the queue is closed and every blocking call ends the app. */
    if (atomic_load_explicit(&app->stopping, memory_order_relaxed) && akira_evq_closed(app->evq)) {
        aw_store_set_trap_msg(app->store, "app stopped");
        return AW_ERR_TRAP;
    }
    return AW_OK;
}

void akira_bridge_log(struct akira_app_ctx *app, enum akira_log_level level, const char *fmt, ...)
{
    char line[AKIRA_APP_LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
    /* The text is the app's: a newline, carriage return or escape in it would let it
     * forge console lines of other modules (or rewrite the terminal), so every control
     * character becomes '?' before the system log sees it (the ring does the same).
     * A trailing newline only ends the line: it goes. */
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) line[i] = '?';
    }
    if (app->log) akira_app_log_write(app->log, level, line, len);
    if (akira_log_enabled(&akira_log_module_app, level))
        akira_log_write_tagged(&akira_log_module_app, app->name, level, "%s", line);
}

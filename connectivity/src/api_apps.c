/*
 * The app endpoints: list, install (a package streamed into the app-upload service),
 * start, stop, uninstall, logs. Responses are streamed with the JSON writer, so an
 * answer never needs more than the writer's buffer; a worker holds one app's info at a
 * time on its stack.
 */
#include <stdio.h>
#include <string.h>

#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/http.h>
#include <akira/json.h>
#include <akira/log.h>
#include <akira/transport.h>

#include "api_apps.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

/* The manifest's rule for a name: [a-z][a-z0-9_-]{0,30}. Anything else cannot be an
 * installed app, so it is refused before the manager is asked. */
static bool app_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > AKIRA_APP_NAME_MAX || s[0] < 'a' || s[0] > 'z') return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* The {name} of the request, or NULL with a 400 sent. */
static const char *name_checked(struct akira_http_req *r)
{
    const char *name = akira_http_req_param(r, "name");
    if (app_name_ok(name)) return name;
    akira_http_resp_error(r, 400,
                          name && strlen(name) > AKIRA_APP_NAME_MAX
                              ? "app name too long (at most 31 characters)"
                              : "not an app name (a-z first, then a-z, 0-9, '_', '-')");
    return NULL;
}

static void json_caps(struct akira_json *w, akira_caps_t caps)
{
    akira_json_arr_begin(w);
    for (unsigned i = 0; i < AKIRA_CAP_COUNT_; i++) {
        const char *n = (caps >> i) & 1u ? akira_cap_name((akira_caps_t)1u << i) : NULL;
        if (n) akira_json_str(w, n);
    }
    akira_json_arr_end(w);
}

/* One app: the manifest, the manager's view (i, NULL when the manager does not know
 * it) and the store's (rec, NULL when not in the store). */
static void json_app(struct akira_json *w, const struct akira_manifest *m,
                     const struct akira_app_info *i, const struct akira_app_record *rec)
{
    akira_json_obj_begin(w);
    akira_json_kv_str(w, "name", m->name);
    akira_json_kv_str(w, "version", m->version);
    if (m->description[0]) akira_json_kv_str(w, "description", m->description);
    if (m->author[0]) akira_json_kv_str(w, "author", m->author);
    akira_json_kv_str(w, "state", i ? akira_app_info_state(i) : "unregistered");
    if (i && i->state == AKIRA_APP_FAILED)
        akira_json_kv_str(w, "reason", akira_app_reason_name(i->reason));
    if (i && i->detail[0]) akira_json_kv_str(w, "detail", i->detail);
    if (i && i->restart_pending) akira_json_kv_bool(w, "restart_pending", true);
    if (i && i->state == AKIRA_APP_STOPPED) akira_json_kv_int(w, "exit_code", i->exit_code);
    bool is_signed = rec ? rec->is_signed : (i && i->is_signed);
    akira_json_kv_bool(w, "signed", is_signed);
    if (rec && rec->is_signed) akira_json_kv_str(w, "signer", rec->key_name);
    akira_json_key(w, "caps");
    json_caps(w, i ? i->caps : m->caps);
    akira_json_kv_uint(w, "memory_quota", m->memory_quota);
    akira_json_kv_uint(w, "stack_size", m->stack_size);
    akira_json_kv_uint(w, "heap_size", m->heap_size);
    akira_json_kv_uint(w, "thread_stack", akira_app_thread_stack(m, NULL));
    akira_json_kv_bool(w, "autostart", m->autostart);
    akira_json_kv_str(w, "restart",
                      m->restart == AKIRA_RESTART_ON_FAILURE ? "on-failure" : "never");
    akira_json_kv_uint(w, "size", rec ? rec->size : (i ? i->module_size : 0));
    if (i) {
        const struct akira_app_stats *s = &i->stats;
        akira_json_key(w, "stats");
        akira_json_obj_begin(w);
        akira_json_kv_uint(w, "cpu_us", s->cpu_us);
        akira_json_kv_uint(w, "native_calls", s->native_calls);
        akira_json_kv_uint(w, "denied_calls", s->denied_calls);
        akira_json_kv_uint(w, "mem_used", s->mem_used);
        akira_json_kv_uint(w, "mem_peak", s->mem_peak);
        akira_json_kv_uint(w, "traps", s->traps);
        akira_json_kv_uint(w, "starts", s->starts);
        akira_json_kv_uint(w, "restarts", s->restarts);
        akira_json_kv_uint(w, "events_dropped", s->events_dropped);
        akira_json_kv_uint(w, "log_dropped", s->log_dropped);
        akira_json_obj_end(w);
    }
    akira_json_obj_end(w);
}

/* The whole answer for one app, streamed; snap: the manager's view taken when the
 * operation answered here ended (NULL: now). */
static int send_app_as(struct akira_http_req *r, int status, const char *name,
                       const struct akira_app_info *snap)
{
    struct akira_app_info info;
    struct akira_app_record rec;
    bool known = snap ? (info = *snap, true) : akira_app_info(name, &info) == 0;
    bool stored = akira_appstore_find(name, &rec) == 0;
    /* The store's record only when it is the version the snapshot shows. */
    if (stored && known && strcmp(rec.manifest.version, info.manifest.version) != 0) stored = false;
    if (!known && !stored) return akira_http_resp_error(r, 404, "no such app");
    int rc = akira_http_resp_begin(r, status, "application/json");
    if (rc) return rc;
    char buf[512];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    json_app(&w, known ? &info.manifest : &rec.manifest, known ? &info : NULL,
             stored ? &rec : NULL);
    rc = akira_json_end(&w);
    if (rc) return rc; /* the body is cut: the server closes the connection */
    return akira_http_resp_end(r);
}

static int send_app(struct akira_http_req *r, int status, const char *name)
{
    return send_app_as(r, status, name, NULL);
}

static int list_one(void *ctx, const struct akira_app_record *rec)
{
    struct akira_json *w = ctx;
    struct akira_app_info info;
    bool known = akira_app_info(rec->manifest.name, &info) == 0;
    json_app(w, &rec->manifest, known ? &info : NULL, rec);
    return w->err;
}

static int apps_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    int rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) return rc;
    char buf[512];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_json_obj_begin(&w);
    akira_json_key(&w, "apps");
    akira_json_arr_begin(&w);
    akira_appstore_foreach(list_one, &w);
    akira_json_arr_end(&w);
    akira_json_kv_uint(&w, "installed_max", AKIRA_BOARD_APPS_INSTALLED_MAX);
    akira_json_kv_uint(&w, "running_max", AKIRA_BOARD_APPS_RUNNING_MAX);
    akira_json_kv_uint(&w, "package_max", akira_appstore_capacity());
    akira_json_obj_end(&w);
    rc = akira_json_end(&w);
    if (rc) return rc;
    return akira_http_resp_end(r);
}

static int app_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *name = name_checked(r);
    return name ? send_app(r, 200, name) : 0;
}

/* What an install's failure means to the client. */
static int upload_status(int err)
{
    switch (err) {
    case AKIRA_EFORMAT:
    case AKIRA_ERANGE:
    case AKIRA_EINVAL:
    case AKIRA_ENOEXEC:
    case AKIRA_ENAMETOOLONG:
    case AKIRA_ECONNRESET: return 400;
    case AKIRA_ESIG: return 403;
    case AKIRA_ETIMEDOUT: return 408;
    case AKIRA_EBUSY: return 409;
    case AKIRA_ETOOBIG: return 413;
    case AKIRA_ENOSPC: return 507;
    default: return akira_http_status_from_err(err);
    }
}

/* {"error": "field: reason", "status": N, "field": "field"}: the field on its own so
 * a client can point at the manifest line without parsing the message. */
static int upload_error(struct akira_http_req *r, int status, const char *msg)
{
    /* An unknown signer: say how to trust the key, not only that it is unknown. */
    char hinted[256];
    if (status == 403 && strstr(msg, "unknown key")) {
        snprintf(hinted, sizeof(hinted),
                 "%s; to trust it: `akira keys add NAME KEY.pub` (PUT /api/keys/NAME) or "
                 "`keys add NAME HEX` on the console",
                 msg);
        msg = hinted;
    }
    char field[40] = "";
    const char *colon = strstr(msg, ": ");
    if (colon && (size_t)(colon - msg) < sizeof(field))
        snprintf(field, sizeof(field), "%.*s", (int)(colon - msg), msg);
    char out[512];
    struct akira_json w;
    akira_json_init(&w, out, sizeof(out), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "error", msg);
    akira_json_kv_int(&w, "status", status);
    if (field[0]) akira_json_kv_str(&w, "field", field);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, status, "install refused");
    return akira_http_resp_send(r, status, "application/json", out, w.len);
}

static int open_status(int err, const char **msg)
{
    switch (err) {
    case AKIRA_ENOENT: *msg = "upload: the app upload service is not running"; return 503;
    case AKIRA_ESTATE: *msg = "store: the app store is not mounted"; return 503;
    case AKIRA_EBUSY: *msg = "upload: another upload is in progress, retry"; return 503;
    case AKIRA_EFORMAT: *msg = "upload: empty body (an app package is required)"; return 400;
    case AKIRA_ETOOBIG: *msg = "upload: package larger than an app slot"; return 413;
    case AKIRA_ENOSPC: *msg = "store: no free app slot"; return 507;
    default: *msg = akira_err_str(err); return upload_status(err);
    }
}

/* POST /api/apps: the body goes to the APP_UPLOAD stream handler in the transport's
 * pieces; each is taken (written to flash) before the next is read, so the client is
 * slowed to the flash and the device holds one piece. */
static int apps_post(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    /* ?rekey=1 / ?downgrade=1: the owner (a token holder) forces a new signer or a
     * lower version on an upgrade (the store logs it). */
    uint64_t rekey = 0, downgrade = 0;
    if (!akira_http_query_u64(akira_http_req_query(r), "rekey", &rekey) ||
        !akira_http_query_u64(akira_http_req_query(r), "downgrade", &downgrade) || rekey > 1 ||
        downgrade > 1)
        return upload_error(r, 400, "upload: rekey and downgrade must be 0 or 1");
    /* The route needs the token: the server checked it. */
    struct akira_transport_stream_info info;
    akira_http_req_stream_info(r, AKIRA_TRANSPORT_KIND_APP_UPLOAD, &info);
    info.install_flags =
        (rekey ? AKIRA_APPSTORE_REKEY : 0u) | (downgrade ? AKIRA_APPSTORE_DOWNGRADE : 0u);
    struct akira_transport_stream st;
    int rc = akira_transport_stream_open(&st, &info);
    if (rc) {
        const char *msg;
        int status = open_status(rc, &msg);
        return upload_error(r, status, msg); /* body unread: the server closes */
    }
    int err = akira_http_req_body_stream(r, &st);
    char result[160] = "";
    rc = akira_transport_stream_close(&st, err, result, sizeof(result));
    if (err || rc < 0) {
        int e = err ? err : rc;
        if (e == AKIRA_ETOOBIG) {
            /* A chunked body past the slot: say the limit, not only where it stopped. */
            snprintf(result, sizeof(result),
                     "upload: package larger than an app slot (at most %lu bytes)",
                     (unsigned long)akira_appstore_capacity());
        }
        return upload_error(r, upload_status(e), result[0] ? result : akira_err_str(e));
    }
    char *version = strchr(result, ' ');
    if (version) *version++ = '\0';
    AKIRA_LOG_INF("app %s %s installed over http by %s (%llu bytes)", result,
                  version ? version : "?", akira_http_req_peer(r), (unsigned long long)st.received);
    struct akira_app_info now;
    if (!version) return send_app(r, 201, result);
    /* Described from this one snapshot: a second look could already see the version
     * another client installed meanwhile. */
    if (akira_app_info(result, &now) == 0 && strcmp(now.manifest.version, version) == 0)
        return send_app_as(r, 201, result, &now);
    /* Installed, then replaced or removed by another client before this answer: say
     * so rather than describe the other version. */
    char out[160];
    struct akira_json w;
    akira_json_init(&w, out, sizeof(out), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "name", result);
    akira_json_kv_str(&w, "version", version);
    akira_json_kv_str(&w, "state", "replaced");
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 201, "application/json", out, w.len);
}

static int app_start(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *name = name_checked(r);
    if (!name) return 0;
    /* Loading goes on in the app's thread: answer once it runs (or failed to), so the
     * answer says what happened. */
    struct akira_app_info info;
    int rc = akira_app_start_wait(name, 2000, &info);
    switch (rc) {
    case 0: break;
    case AKIRA_ENOENT: return akira_http_resp_error(r, 404, "no such app");
    case AKIRA_EBUSY: return akira_http_resp_error(r, 409, "already running");
    case AKIRA_ENOSPC: {
        char msg[64];
        snprintf(msg, sizeof(msg), "%d apps are running already (the board's limit)",
                 AKIRA_BOARD_APPS_RUNNING_MAX);
        return akira_http_resp_error(r, 409, msg);
    }
    case AKIRA_ENOMEM: return akira_http_resp_error(r, 503, "out of memory");
    case AKIRA_ENOEXEC: {
        char msg[160];
        snprintf(msg, sizeof(msg), "start failed: %s%s%s", akira_app_reason_name(info.reason),
                 info.detail[0] ? ": " : "", info.detail);
        AKIRA_LOG_WRN("app %s: %s (started over http by %s)", name, msg, akira_http_req_peer(r));
        return akira_http_resp_error(r, 422, msg);
    }
    default: return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    }
    AKIRA_LOG_INF("app %s started over http by %s", name, akira_http_req_peer(r));
    return send_app_as(r, 200, name, &info);
}

static int app_stop(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *name = name_checked(r);
    if (!name) return 0;
    struct akira_app_info info;
    int rc = akira_app_stop_info(name, &info);
    if (rc == AKIRA_ENOENT) return akira_http_resp_error(r, 404, "no such app");
    if (rc == AKIRA_ESTATE) return akira_http_resp_error(r, 409, "not running");
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("app %s stopped over http by %s", name, akira_http_req_peer(r));
    return send_app_as(r, 200, name, &info);
}

static int app_delete(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *name = name_checked(r);
    if (!name) return 0;
    int rc = akira_app_uninstall(name);
    if (rc == AKIRA_ENOENT) return akira_http_resp_error(r, 404, "no such app");
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("app %s uninstalled over http by %s", name, akira_http_req_peer(r));
    return akira_connectivity_resp_removed(r, name);
}

int akira_connectivity_resp_removed(struct akira_http_req *r, const char *name)
{
    char out[128];
    struct akira_json w;
    akira_json_init(&w, out, sizeof(out), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "name", name);
    akira_json_kv_bool(&w, "removed", true);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 200, "application/json", out, w.len);
}

/* GET /api/apps/{name}/logs[?after=SEQ&limit=N]: the app's log ring, oldest first. */
static int app_logs(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *name = name_checked(r);
    if (!name) return 0;
    uint64_t cursor = 0, limit = AKIRA_APP_LOG_LINES;
    if (!akira_http_query_u64(akira_http_req_query(r), "after", &cursor) ||
        !akira_http_query_u64(akira_http_req_query(r), "limit", &limit))
        return akira_http_resp_error(r, 400, "after and limit must be decimal numbers");
    struct akira_app_info info;
    if (akira_app_info(name, &info) != 0) return akira_http_resp_error(r, 404, "no such app");
    int rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) return rc;
    char buf[512];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "name", name);
    /* The state from before the lines are read: an ended app's answer holds its last
     * lines, so a follower can stop at the first answer that says it ended. */
    akira_json_kv_str(&w, "state", akira_app_info_state(&info));
    if (info.restart_pending) akira_json_kv_bool(&w, "restart_pending", true);
    akira_json_key(&w, "lines");
    akira_json_arr_begin(&w);
    struct akira_app_log_line line;
    for (uint64_t k = 0; k < limit && akira_app_log_next(name, &cursor, &line) == 0; k++) {
        akira_json_obj_begin(&w);
        akira_json_kv_uint(&w, "seq", line.seq);
        akira_json_kv_uint(&w, "uptime_ms", line.uptime_ms);
        akira_json_kv_str(&w, "level", akira_log_level_name(line.level));
        akira_json_kv_str(&w, "text", line.text);
        akira_json_obj_end(&w);
    }
    akira_json_arr_end(&w);
    akira_json_kv_uint(&w, "next", cursor);
    akira_json_obj_end(&w);
    rc = akira_json_end(&w);
    if (rc) return rc;
    return akira_http_resp_end(r);
}

/* PUT (grant) and DELETE (revoke) /api/apps/{name}/caps/{cap}: the mask in force
 * changes at once (a running app sees it at its next native call), until the app is
 * upgraded or the device restarts; answers with APP. */
static int app_caps(struct akira_http_req *r, void *ctx)
{
    bool grant = ctx != NULL;
    const char *name = name_checked(r);
    if (!name) return 0;
    const char *cap = akira_http_req_param(r, "cap");
    akira_caps_t bit = akira_cap_from_name(cap, strlen(cap));
    if (!bit) return akira_http_resp_error(r, 400, "no such capability");
    int rc = grant ? akira_app_caps_grant(name, bit) : akira_app_caps_revoke(name, bit);
    if (rc == AKIRA_ENOENT) return akira_http_resp_error(r, 404, "no such app");
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("app %s: capability %s %s over http by %s", name, cap,
                  grant ? "granted" : "revoked", akira_http_req_peer(r));
    return send_app(r, 200, name);
}

static int status_one(void *ctx, const struct akira_app_record *rec)
{
    struct akira_json *w = ctx;
    struct akira_app_info info;
    if (akira_app_info(rec->manifest.name, &info) == 0 &&
        (info.state == AKIRA_APP_LOADED || info.state == AKIRA_APP_RUNNING))
        akira_json_str(w, rec->manifest.name);
    return w->err;
}

void akira_connectivity_status_apps(struct akira_json *w)
{
    akira_json_key(w, "apps");
    akira_json_obj_begin(w);
    akira_json_kv_int(w, "installed", akira_appstore_count());
    akira_json_key(w, "running");
    akira_json_arr_begin(w);
    akira_appstore_foreach(status_one, w);
    akira_json_arr_end(w);
    akira_json_obj_end(w);
}

int akira_connectivity_app_routes(struct akira_http_server *s)
{
    /* A Content-Length over a slot is refused (413) before a byte of it is read. */
    uint32_t cap = akira_appstore_capacity();
    const struct akira_http_route routes[] = {
        {.method = "GET", .pattern = "/api/apps", .handler = apps_get},
        {.method = "POST",
         .pattern = "/api/apps",
         .auth = true,
         .body_max = cap,
         .handler = apps_post},
        {.method = "GET", .pattern = "/api/apps/{name}", .handler = app_get},
        {.method = "DELETE", .pattern = "/api/apps/{name}", .auth = true, .handler = app_delete},
        {.method = "POST", .pattern = "/api/apps/{name}/start", .auth = true, .handler = app_start},
        {.method = "POST", .pattern = "/api/apps/{name}/stop", .auth = true, .handler = app_stop},
        {.method = "GET", .pattern = "/api/apps/{name}/logs", .handler = app_logs},
        {.method = "PUT",
         .pattern = "/api/apps/{name}/caps/{cap}",
         .auth = true,
         .handler = app_caps,
         .ctx = (void *)1},
        {.method = "DELETE",
         .pattern = "/api/apps/{name}/caps/{cap}",
         .auth = true,
         .handler = app_caps},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        int rc = akira_http_route_add(s, &routes[i]);
        if (rc) return rc;
    }
    return 0;
}

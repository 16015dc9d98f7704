/*
 * The device API endpoints that need no runtime: GET /api/status, GET /api/logs,
 * GET and PUT /api/settings/{key*}.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/flash_map.h>
#include <akira/heap.h>
#include <akira/http.h>
#include <akira/json.h>
#include <akira/log.h>
#include <akira/walltime.h>
#include <akira/settings.h>
#include <akira/shell_history_store.h>
#include <akira/storage.h>

#include "api_apps.h"
#include "connectivity_priv.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

void akira_connectivity_json_memory(struct akira_json *w)
{
    struct akira_sys_heap_stats hs;
    akira_json_key(w, "memory");
    akira_json_obj_begin(w);
    if (akira_sys_heap_stats(&hs) == 0) {
        akira_json_kv_uint(w, "heap_total", hs.total_bytes);
        akira_json_kv_uint(w, "heap_used", hs.used_bytes);
        akira_json_kv_uint(w, "heap_free", hs.free_bytes);
    }
    akira_json_obj_end(w);
}

void akira_connectivity_json_fs(struct akira_json *w)
{
    akira_storage_lock();
    struct akira_fs_vol *vol = akira_storage_fs();
    struct akira_fs_info fi;
    if (vol && akira_fs_info(vol, &fi) == 0) {
        akira_json_key(w, "fs");
        akira_json_obj_begin(w);
        akira_json_kv_uint(w, "total", (uint64_t)fi.block_size * fi.blocks_total);
        akira_json_kv_uint(w, "free", (uint64_t)fi.block_size * fi.blocks_free);
        akira_json_obj_end(w);
    }
    akira_storage_unlock();
}

static int status_get(struct akira_http_req *r, void *ctx)
{
    const struct akira_connectivity_config *cfg = ctx;
    char buf[512];
    struct akira_json w;
    int rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) return rc;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "version", cfg->version);
    akira_json_kv_str(&w, "board", cfg->board);
    akira_json_kv_uint(&w, "uptime_ms", akira_uptime_ms());
    /* The wall clock (when set) and TLS: what `akira device add` pins. */
    int64_t now_ms;
    char tbuf[AKIRA_TIME_STR_MAX];
    if (akira_walltime_now(&now_ms) == 0 &&
        akira_walltime_format(now_ms, akira_walltime_tz(), tbuf, sizeof(tbuf)) > 0)
        akira_json_kv_str(&w, "time", tbuf);
    char fp[96];
    if (akira_connectivity_tls_fingerprint(fp, sizeof(fp)) == 0) {
        akira_json_key(&w, "tls");
        akira_json_obj_begin(&w);
        akira_json_kv_str(&w, "fingerprint", fp);
        akira_json_kv_uint(&w, "https_port", akira_connectivity_https_port());
        akira_json_kv_uint(&w, "shell_tls_port", akira_connectivity_shell_tls_port());
        akira_json_kv_bool(&w, "plain", akira_connectivity_plain_on());
        akira_json_obj_end(&w);
    }
    akira_connectivity_status_apps(&w);
    akira_connectivity_json_memory(&w);
    akira_json_key(&w, "flash");
    akira_json_obj_begin(&w);
    akira_json_key(&w, "partitions");
    akira_json_arr_begin(&w);
    for (int id = 0; cfg->list_partitions && id < AKIRA_PART_COUNT; id++) {
        struct akira_flash_area fa;
        if (akira_flash_area_open((enum akira_flash_part_id)id, false, &fa) != 0) continue;
        akira_json_obj_begin(&w);
        akira_json_kv_str(&w, "name", fa.name);
        akira_json_kv_uint(&w, "offset", fa.offset);
        akira_json_kv_uint(&w, "size", fa.size);
        akira_json_obj_end(&w);
    }
    akira_json_arr_end(&w);
    akira_connectivity_json_fs(&w);
    akira_json_obj_end(&w);
    akira_json_obj_end(&w);
    rc = akira_json_end(&w);
    if (rc) return rc; /* the body is cut: the server closes the connection */
    return akira_http_resp_end(r);
}

void akira_connectivity_json_log_entry(struct akira_json *w, const struct akira_log_entry *e)
{
    akira_json_obj_begin(w);
    akira_json_kv_uint(w, "seq", e->seq);
    akira_json_kv_uint(w, "uptime_ms", e->uptime_ms);
    int64_t at;
    char t[AKIRA_TIME_STR_MAX];
    if (akira_walltime_at_uptime(e->uptime_ms, &at) == 0 &&
        akira_walltime_format(at, akira_walltime_tz(), t, sizeof(t)) > 0)
        akira_json_kv_str(w, "time", t);
    akira_json_kv_str(w, "level", akira_log_level_name(e->level));
    akira_json_kv_str(w, "module", e->module);
    akira_json_kv_str(w, "msg", e->msg);
    akira_json_obj_end(w);
}

static int logs_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    uint64_t cursor = 0, limit = AKIRA_LOG_RING_ENTRIES;
    if (!akira_http_query_u64(akira_http_req_query(r), "after", &cursor) ||
        !akira_http_query_u64(akira_http_req_query(r), "limit", &limit)) {
        return akira_http_resp_error(r, 400, "after and limit must be decimal numbers");
    }
    int rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) return rc;
    char buf[512];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_json_obj_begin(&w);
    akira_json_key(&w, "entries");
    akira_json_arr_begin(&w);
    struct akira_log_entry e;
    for (uint64_t n = 0; n < limit && akira_log_read(&cursor, &e) == 0; n++)
        akira_connectivity_json_log_entry(&w, &e);
    akira_json_arr_end(&w);
    akira_json_kv_uint(&w, "next", cursor);
    akira_json_obj_end(&w);
    rc = akira_json_end(&w);
    if (rc) return rc;
    return akira_http_resp_end(r);
}

bool akira_connectivity_key_secret(const char *key)
{
    /* The shell history holds every command typed at the console. */
    return strcmp(key, AKIRA_HTTP_TOKEN_KEY) == 0 || strcmp(key, AKIRA_SHELL_HISTORY_KEY) == 0 ||
           strncmp(key, AKIRA_SECRET_PREFIX, strlen(AKIRA_SECRET_PREFIX)) == 0 ||
           strcmp(key, "akira/security") == 0;
}

/* The key checks both methods share; 0 or the response already sent. */
static int key_checked(struct akira_http_req *r, const char **out)
{
    const char *key = akira_http_req_param(r, "key");
    int rc = akira_settings_key_check(key);
    if (rc) {
        akira_http_resp_error(r, rc == AKIRA_ENAMETOOLONG ? 414 : 400,
                              rc == AKIRA_ENAMETOOLONG ? "key too long" : "not a settings key");
        return -1;
    }
    if (akira_connectivity_key_secret(key)) {
        akira_http_resp_error(r, 403, "secret key");
        return -1;
    }
    *out = key;
    return 0;
}

static bool utf8_text(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == 0) return false;
        if (c < 0x80) continue;
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (c < 0xc2 || c > 0xf4 || i + len > n) return false;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80) return false;
        if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0) ||
            (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90))
            return false;
        i += len - 1;
    }
    return true;
}

static int settings_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *key;
    if (key_checked(r, &key)) return 0;
    unsigned char val[AKIRA_SETTINGS_VALUE_MAX];
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int n = st ? akira_settings_get(st, key, val, sizeof(val)) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (n == AKIRA_ENOENT) return akira_http_resp_error(r, 404, "no such key");
    if (n == AKIRA_ENODEV) return akira_http_resp_error(r, 503, "settings are not available");
    if (n < 0) return akira_http_resp_error(r, 500, akira_err_str(n));
    char buf[2 * AKIRA_SETTINGS_VALUE_MAX + 256];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "key", key);
    /* Text comes back as text; anything else as hex, so no byte is lost. */
    if (utf8_text(val, (size_t)n)) {
        akira_json_key(&w, "value");
        akira_json_strn(&w, (const char *)val, (size_t)n);
        akira_json_kv_str(&w, "encoding", "utf-8");
    } else {
        char hex[2 * AKIRA_SETTINGS_VALUE_MAX + 1];
        for (int i = 0; i < n; i++)
            snprintf(hex + 2 * i, 3, "%02x", val[i]);
        hex[2 * n] = '\0';
        akira_json_kv_str(&w, "value", hex);
        akira_json_kv_str(&w, "encoding", "hex");
    }
    akira_json_kv_int(&w, "length", n);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 200, "application/json", buf, w.len);
}

#define STR_(x)        #x
#define STR(x)         STR_(x)
#define VALUE_TOO_LONG "value too long (at most " STR(AKIRA_SETTINGS_VALUE_MAX) " bytes)"

static int settings_put(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *key;
    if (key_checked(r, &key)) return 0;
    /* The value is small (AKIRA_SETTINGS_VALUE_MAX): it is read whole, then stored in
     * one set, so a cut connection changes nothing. */
    unsigned char val[AKIRA_SETTINGS_VALUE_MAX];
    size_t len = 0;
    for (;;) {
        int n = akira_http_req_body_read(r, val + len, sizeof(val) - len);
        if (n == 0) break;
        if (n == AKIRA_ETOOBIG) return akira_http_resp_error(r, 413, VALUE_TOO_LONG);
        if (n < 0)
            return akira_http_resp_error(r, n == AKIRA_ETIMEDOUT ? 408 : 400, "body not received");
        len += (size_t)n;
        if (len == sizeof(val)) {
            /* Full: the body must end here. */
            unsigned char extra;
            n = akira_http_req_body_read(r, &extra, 1);
            if (n == 0) break;
            return akira_http_resp_error(r, 413, VALUE_TOO_LONG);
        }
    }
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_set(st, key, val, len) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc == AKIRA_ENODEV) return akira_http_resp_error(r, 503, "settings are not available");
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("settings %s set over http by %s (%zu bytes)", key, akira_http_req_peer(r), len);
    if (strcmp(key, AKIRA_HTTP_READ_AUTH_KEY) == 0) akira_connectivity_read_auth_load();
    char buf[256];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "key", key);
    akira_json_kv_uint(&w, "length", len);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 200, "application/json", buf, w.len);
}

/* --- reads that need the token (setting akira/http/read_auth) ---------------------- */

static atomic_bool reads_need_token;

static bool reads_need_token_get(void)
{
    return atomic_load(&reads_need_token);
}

void akira_connectivity_read_auth_load(void)
{
    char v[8];
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int n = st ? akira_settings_get(st, AKIRA_HTTP_READ_AUTH_KEY, v, sizeof(v)) : AKIRA_ENODEV;
    akira_storage_unlock();
    bool on = n == 1 && v[0] == '1';
    if (atomic_exchange(&reads_need_token, on) != on)
        AKIRA_LOG_INF("reading the device API %s", on ? "needs the token" : "is open");
}

bool (*akira_connectivity_read_auth_fn(void))(void)
{
    return reads_need_token_get;
}

/* --- GET /api/settings[?prefix=P&after=KEY]: the keys, sorted, a page at a time ---- */

#define SETTINGS_PAGE 24

struct settings_page {
    const char *after;
    char key[SETTINGS_PAGE][AKIRA_SETTINGS_KEY_MAX + 1];
    uint16_t len[SETTINGS_PAGE];
    unsigned n;
    bool more;
};

/* Keeps the SETTINGS_PAGE smallest keys above `after`, in order. */
static int settings_page_visit(void *ctx, const char *key, const void *val, size_t len)
{
    (void)val;
    struct settings_page *pg = ctx;
    if (pg->after[0] && strcmp(key, pg->after) <= 0) return 0;
    unsigned at = pg->n;
    while (at > 0 && strcmp(key, pg->key[at - 1]) < 0)
        at--;
    if (at == SETTINGS_PAGE) {
        pg->more = true;
        return 0;
    }
    if (pg->n == SETTINGS_PAGE) {
        pg->more = true; /* the largest falls off the page */
        pg->n--;
    }
    memmove(pg->key[at + 1], pg->key[at], (pg->n - at) * sizeof(pg->key[0]));
    memmove(&pg->len[at + 1], &pg->len[at], (pg->n - at) * sizeof(pg->len[0]));
    snprintf(pg->key[at], sizeof(pg->key[at]), "%s", key);
    pg->len[at] = (uint16_t)len;
    pg->n++;
    return 0;
}

/* The value of `name=` in a query (percent-encoded text kept as it is) into out. */
static void query_text(const char *q, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    out[0] = '\0';
    for (const char *p = q; p && *p; p = strchr(p, '&'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, n) != 0 || p[n] != '=') continue;
        size_t k = 0;
        for (const char *v = p + n + 1; *v && *v != '&' && k + 1 < cap; v++) {
            int hi, lo;
            if (*v == '%' && v[1] && v[2] && (hi = akira_http_hex_digit(v[1])) >= 0 &&
                (lo = akira_http_hex_digit(v[2])) >= 0) {
                out[k++] = (char)(hi * 16 + lo);
                v += 2;
            } else {
                out[k++] = *v;
            }
        }
        out[k] = '\0';
        return;
    }
}

static int settings_list(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    char prefix[AKIRA_SETTINGS_KEY_MAX + 1], after[AKIRA_SETTINGS_KEY_MAX + 1];
    query_text(akira_http_req_query(r), "prefix", prefix, sizeof(prefix));
    query_text(akira_http_req_query(r), "after", after, sizeof(after));
    struct settings_page pg;
    pg.after = after;
    pg.n = 0;
    pg.more = false;
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_foreach(st, prefix, settings_page_visit, &pg) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc == AKIRA_ENODEV) return akira_http_resp_error(r, 503, "settings are not available");
    if (rc) return akira_http_resp_error(r, 500, akira_err_str(rc));
    rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) return rc;
    char buf[512];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_json_obj_begin(&w);
    akira_json_key(&w, "keys");
    akira_json_arr_begin(&w);
    for (unsigned i = 0; i < pg.n; i++) {
        akira_json_obj_begin(&w);
        akira_json_kv_str(&w, "key", pg.key[i]);
        akira_json_kv_uint(&w, "length", pg.len[i]);
        if (akira_connectivity_key_secret(pg.key[i])) akira_json_kv_bool(&w, "secret", true);
        akira_json_obj_end(&w);
    }
    akira_json_arr_end(&w);
    akira_json_kv_bool(&w, "more", pg.more);
    akira_json_obj_end(&w);
    rc = akira_json_end(&w);
    if (rc) return rc;
    return akira_http_resp_end(r);
}

static int settings_delete(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *key;
    if (key_checked(r, &key)) return 0;
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_delete(st, key) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc == AKIRA_ENOENT) return akira_http_resp_error(r, 404, "no such key");
    if (rc == AKIRA_ENODEV) return akira_http_resp_error(r, 503, "settings are not available");
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("settings %s deleted over http by %s", key, akira_http_req_peer(r));
    if (strcmp(key, AKIRA_HTTP_READ_AUTH_KEY) == 0) akira_connectivity_read_auth_load();
    return akira_connectivity_resp_removed(r, key);
}

int akira_connectivity_api_routes(struct akira_http_server *s,
                                  const struct akira_connectivity_config *cfg)
{
    const struct akira_http_route routes[] = {
        {.method = "GET", .pattern = "/api/status", .handler = status_get, .ctx = (void *)cfg},
        {.method = "GET", .pattern = "/api/logs", .handler = logs_get},
        /* Apps' settings are their data: reading them needs the token too. */
        {.method = "GET", .pattern = "/api/settings/{key*}", .auth = true, .handler = settings_get},
        {.method = "GET", .pattern = "/api/settings", .auth = true, .handler = settings_list},
        {.method = "DELETE",
         .pattern = "/api/settings/{key*}",
         .auth = true,
         .handler = settings_delete},
        {.method = "PUT",
         .pattern = "/api/settings/{key*}",
         .auth = true,
         .body_max = AKIRA_SETTINGS_VALUE_MAX,
         .handler = settings_put},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        int rc = akira_http_route_add(s, &routes[i]);
        if (rc) return rc;
    }
    return 0;
}

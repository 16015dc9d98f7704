/*
 * The app signing keys the device trusts (akira/trust.h), over HTTP, as the console's
 * `keys` command has them:
 *   GET    /api/keys         {"keys":[{"name","key_id","key"}],"allow_unsigned":bool}
 *   PUT    /api/keys/{name}  body: the 64 hex digits of `akira keygen`'s NAME.pub
 *   DELETE /api/keys/{name}  stop trusting it (apps it signed stay installed)
 * Changes need the token. Public keys are not secrets: listing needs none.
 */
#include <stdio.h>
#include <string.h>

#include <akira/err.h>
#include <akira/http.h>
#include <akira/json.h>
#include <akira/log.h>
#include <akira/storage.h>
#include <akira/trust.h>

#include "api_apps.h"
#include "connectivity_priv.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

static void key_id_hex(const uint8_t pub[AKIRA_PKG_PUBKEY_LEN],
                       char out[2 * AKIRA_PKG_KEY_ID_LEN + 1])
{
    uint8_t id[AKIRA_PKG_KEY_ID_LEN];
    akira_package_key_id(pub, id);
    for (unsigned i = 0; i < AKIRA_PKG_KEY_ID_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", id[i]);
}

static void json_key(struct akira_json *w, const char *name,
                     const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    char id[2 * AKIRA_PKG_KEY_ID_LEN + 1], hex[2 * AKIRA_PKG_PUBKEY_LEN + 1];
    key_id_hex(pub, id);
    akira_trust_pub_to_hex(pub, hex);
    akira_json_obj_begin(w);
    akira_json_kv_str(w, "name", name);
    akira_json_kv_str(w, "key_id", id);
    akira_json_kv_str(w, "key", hex);
    akira_json_obj_end(w);
}

static int list_one(void *ctx, const char *name, const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    struct akira_json *w = ctx;
    json_key(w, name, pub);
    return w->err;
}

static int keys_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    if (!st) {
        akira_storage_unlock();
        return akira_http_resp_error(r, 503, "settings are not available");
    }
    int rc = akira_http_resp_begin(r, 200, "application/json");
    if (rc) {
        akira_storage_unlock();
        return rc;
    }
    char buf[512];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), akira_http_resp_json_flush, r);
    akira_json_obj_begin(&w);
    akira_json_key(&w, "keys");
    akira_json_arr_begin(&w);
    akira_trust_key_foreach(st, list_one, &w);
    akira_json_arr_end(&w);
    akira_json_kv_bool(&w, "allow_unsigned", akira_trust_allow_unsigned(st));
    akira_json_obj_end(&w);
    akira_storage_unlock();
    rc = akira_json_end(&w);
    if (rc) return rc;
    return akira_http_resp_end(r);
}

static int keys_put(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *name = akira_http_req_param(r, "name");
    char body[2 * AKIRA_PKG_PUBKEY_LEN + 8];
    size_t len = 0;
    for (;;) {
        int n = akira_http_req_body_read(r, body + len, sizeof(body) - 1 - len);
        if (n == 0) break;
        if (n < 0)
            return akira_http_resp_error(r, n == AKIRA_ETIMEDOUT ? 408 : 400, "body not received");
        len += (size_t)n;
        if (len == sizeof(body) - 1)
            return akira_http_resp_error(r, 400, "the key must be 64 hex digits (NAME.pub)");
    }
    /* NAME.pub as `akira keygen` writes it: the hex digits and a newline. */
    while (len && (body[len - 1] == '\n' || body[len - 1] == '\r' || body[len - 1] == ' '))
        len--;
    body[len] = '\0';
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN];
    if (akira_trust_pub_from_hex(body, pub) != AKIRA_OK)
        return akira_http_resp_error(r, 400, "the key must be 64 hex digits (NAME.pub)");
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_trust_key_add(st, name, pub) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc == AKIRA_ENODEV) return akira_http_resp_error(r, 503, "settings are not available");
    if (rc == AKIRA_EINVAL)
        return akira_http_resp_error(r, 400, "a key name is 1-31 of A-Z a-z 0-9 _ . -");
    if (rc == AKIRA_EEXIST) {
        char msg[96];
        snprintf(msg, sizeof(msg), "'%s' holds another key: delete it first", name);
        return akira_http_resp_error(r, 409, msg);
    }
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("trusting key '%s' (set over http by %s)", name, akira_http_req_peer(r));
    char out[256];
    struct akira_json w;
    akira_json_init(&w, out, sizeof(out), NULL, NULL);
    json_key(&w, name, pub);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 201, "application/json", out, w.len);
}

static int keys_delete(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *name = akira_http_req_param(r, "name");
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_trust_key_remove(st, name) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc == AKIRA_ENODEV) return akira_http_resp_error(r, 503, "settings are not available");
    if (rc == AKIRA_ENOENT || rc == AKIRA_EINVAL)
        return akira_http_resp_error(r, 404, "no such key");
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("no longer trusting key '%s' (removed over http by %s)", name,
                  akira_http_req_peer(r));
    return akira_connectivity_resp_removed(r, name);
}

int akira_connectivity_key_routes(struct akira_http_server *s)
{
    const struct akira_http_route routes[] = {
        {.method = "GET", .pattern = "/api/keys", .handler = keys_get},
        {.method = "PUT",
         .pattern = "/api/keys/{name}",
         .auth = true,
         .body_max = 256,
         .handler = keys_put},
        {.method = "DELETE", .pattern = "/api/keys/{name}", .auth = true, .handler = keys_delete},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        int rc = akira_http_route_add(s, &routes[i]);
        if (rc) return rc;
    }
    return 0;
}

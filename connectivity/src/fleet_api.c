/* The fleet's HTTP routes (docs/fleet.md "Enrolment over HTTP"): what `akira fleet
 * enroll` uses. GET /api/fleet, PUT /api/fleet, DELETE /api/fleet/keys/{name}; all
 * need the device token. */
#include <stdio.h>
#include <string.h>

#include <akira/err.h>
#include <akira/fleet.h>
#include <akira/json.h>
#include <akira/log.h>
#include <akira/trust.h>

#include "api_apps.h"
#include "connectivity_priv.h"

AKIRA_LOG_MODULE_DECLARE(fleet);

static int key_name(void *ctx, const char *name, const uint8_t pub[32])
{
    (void)pub;
    akira_json_str(ctx, name);
    return 0;
}

static int fleet_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    struct akira_fleet_status s;
    int rc = akira_fleet_status(&s);
    if (rc) return akira_http_resp_error(r, 503, "the fleet agent is not available");
    char buf[768];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "id", s.id);
    akira_json_kv_str(&w, "broker", s.broker);
    akira_json_kv_str(&w, "tags", s.tags);
    akira_json_kv_bool(&w, "running", s.running);
    akira_json_kv_bool(&w, "connected", s.connected);
    akira_json_kv_uint(&w, "last_ts", s.last_ts);
    akira_json_kv_uint(&w, "cmds_ok", s.cmds_ok);
    akira_json_kv_uint(&w, "cmds_refused", s.cmds_refused);
    akira_json_key(&w, "keys");
    akira_json_arr_begin(&w);
    (void)akira_fleet_keys_foreach(key_name, &w);
    akira_json_arr_end(&w);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return akira_http_resp_error(r, 500, "response too large");
    return akira_http_resp_send(r, 200, "application/json", buf, w.len);
}

struct put_req {
    bool has_broker, has_id, has_tags, has_key_name, has_key;
    char broker[32], id[AKIRA_FLEET_ID_MAX + 1], tags[160], key_name[AKIRA_FLEET_KEY_NAME_MAX + 1];
    uint8_t pub[32];
    const char *bad; /* the member that is wrong */
};

static bool take(char *dst, size_t cap, const char *v, size_t vl, bool is_str)
{
    if (!is_str || vl >= cap) return false;
    memcpy(dst, v, vl + 1);
    return true;
}

static int put_member(void *ctx, const char *k, const char *v, size_t vl, bool is_str)
{
    struct put_req *p = ctx;
    bool ok = true;
    if (!strcmp(k, "broker"))
        ok = p->has_broker = take(p->broker, sizeof(p->broker), v, vl, is_str);
    else if (!strcmp(k, "id"))
        ok = (p->has_id = take(p->id, sizeof(p->id), v, vl, is_str)) && akira_fleet_id_ok(p->id);
    else if (!strcmp(k, "tags"))
        ok = (p->has_tags = take(p->tags, sizeof(p->tags), v, vl, is_str)) &&
             akira_fleet_tags_ok(p->tags);
    else if (!strcmp(k, "key_name"))
        ok = (p->has_key_name = take(p->key_name, sizeof(p->key_name), v, vl, is_str)) &&
             akira_fleet_key_name_ok(p->key_name);
    else if (!strcmp(k, "key"))
        ok = (p->has_key = is_str && vl == 64) && akira_trust_pub_from_hex(v, p->pub) == AKIRA_OK;
    else
        ok = false;
    if (!ok) p->bad = k;
    return ok ? 0 : AKIRA_EINVAL;
}

static int fleet_put(struct akira_http_req *r, void *ctx)
{
    char body[512];
    int n = akira_connectivity_small_body(r, body, sizeof(body));
    if (n < 0) return n == AKIRA_ECANCELED ? 0 : n;
    struct put_req p;
    memset(&p, 0, sizeof(p));
    int rc = akira_fleet_json_each(body, (size_t)n, put_member, &p);
    char msg[128];
    if (rc) {
        snprintf(msg, sizeof(msg), "%s%s",
                 p.bad ? "bad member: " : "the body is not a flat JSON object", p.bad ? p.bad : "");
        return akira_http_resp_error(r, 400, msg);
    }
    if (p.has_key != p.has_key_name)
        return akira_http_resp_error(r, 400, "key and key_name go together");
    if (p.has_broker && strcmp(p.broker, "off")) {
        /* Checked before anything is stored: all or nothing. */
        char *colon = strrchr(p.broker, ':');
        struct akira_net_addr a;
        unsigned port = 0;
        bool ok = colon && sscanf(colon + 1, "%5u", &port) == 1 && port > 0 && port < 65536;
        if (ok) {
            *colon = '\0';
            ok = akira_net_addr_parse(p.broker, (uint16_t)port, &a) == 0;
            *colon = ':';
        }
        if (!ok) return akira_http_resp_error(r, 400, "broker: a.b.c.d:port or off");
    }
    rc = 0;
    if (!rc && p.has_key) rc = akira_fleet_trust(p.key_name, p.pub);
    if (!rc && p.has_id) rc = akira_fleet_set_id(p.id);
    if (!rc && p.has_tags) rc = akira_fleet_set_tags(p.tags);
    if (!rc && p.has_broker) rc = akira_fleet_set_broker(p.broker);
    if (rc == AKIRA_ENOSPC)
        return akira_http_resp_error(r, 409, "4 fleet keys already: untrust one");
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("fleet settings changed over http by %s", akira_http_req_peer(r));
    /* A new key applies to the next command; the rest is the connection's. */
    rc = p.has_broker || p.has_id || p.has_tags ? akira_fleet_restart() : 0;
    if (rc) return akira_http_resp_error(r, 500, akira_err_str(rc));
    return fleet_get(r, ctx);
}

static int fleet_key_delete(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    const char *name = akira_http_req_param(r, "name");
    int rc = akira_fleet_untrust(name);
    if (rc == AKIRA_ENOENT || rc == AKIRA_EINVAL)
        return akira_http_resp_error(r, 404, "no such key");
    if (rc) return akira_http_resp_error(r, akira_http_status_from_err(rc), akira_err_str(rc));
    AKIRA_LOG_INF("fleet key '%s' removed over http by %s", name, akira_http_req_peer(r));
    return akira_connectivity_resp_removed(r, name);
}

int akira_connectivity_fleet_routes(struct akira_http_server *s)
{
    const struct akira_http_route routes[] = {
        {.method = "GET", .pattern = "/api/fleet", .auth = true, .handler = fleet_get},
        {.method = "PUT",
         .pattern = "/api/fleet",
         .auth = true,
         .body_max = 512,
         .handler = fleet_put},
        {.method = "DELETE",
         .pattern = "/api/fleet/keys/{name}",
         .auth = true,
         .handler = fleet_key_delete},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        int rc = akira_http_route_add(s, &routes[i]);
        if (rc) return rc;
    }
    return 0;
}

/* The fleet agent (akira/fleet.h, docs/fleet.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <akira/api_mqtt.h>
#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/clock.h>
#include <akira/env_compat.h>
#include <akira/err.h>
#include <akira/fleet.h>
#include <akira/json.h>
#include <akira/log.h>
#include <akira/mqtt.h>
#include <akira/mqtt_tls.h>
#include <akira/mutex.h>
#include <akira/ota.h>
#include <akira/random.h>
#include <akira/settings.h>
#include <akira/storage.h>
#include <akira/tls.h>
#include <akira/transport.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_REGISTER(fleet);

#define TOPIC_MAX    (7 + AKIRA_FLEET_ID_MAX + 12)
#define JSON_MAX     AKIRA_MQTT_QOS1_PACKET_MAX
#define TELEM_DEF_S  10u
#define APPS_POLL_MS 1000u
#define PUB_WAIT_MS  5000
/* An app's calls wait this long for a restart in progress (which may itself wait for
 * that app to stop: a command's `stop` on the MQTT thread). */
#define APP_LOCK_MS 1000
/* The apps' filters: the mqtt module's and the env module's (upstream's mqtt_subscribe
 * and its lights), all apps together. With the command topic they fit the client's
 * table (akira/mqtt.h). */
#define APP_FILTERS (AKIRA_API_MQTT_SUBS_MAX + AKIRA_ENV_MQTT_SUBS_MAX)
_Static_assert(1u + APP_FILTERS <= AKIRA_MQTT_SUBS_MAX, "the apps' filters fit the client");

struct install {
    bool active;
    char cmd_id[33];
    uint32_t size, chunks, next, got;
    uint8_t sha[32];
    uint64_t last_ms;
    crypto_hash_sha256_state h;
    bool ota; /* a firmware image into the OTA manager's stream, not an app */
    struct akira_appstore_writer w;
    struct akira_transport_stream st;
};

static struct {
    akira_mutex_t *restart_lock; /* start/stop/restart, one at a time */
    struct akira_mqtt *mqtt;
    struct akira_tls_client_opts tls; /* the broker's check with akira/fleet/tls = 1 */
    bool running;
    char id[AKIRA_FLEET_ID_MAX + 1];
    char tags[AKIRA_FLEET_TAGS_MAX * (AKIRA_FLEET_TAG_MAX + 1)];
    char broker[32];
    char t_status[TOPIC_MAX], t_apps[TOPIC_MAX], t_telem[TOPIC_MAX], t_log[TOPIC_MAX],
        t_cmd[TOPIC_MAX], t_result[TOPIC_MAX], t_app_prefix[TOPIC_MAX];
    /* The last will: {"id","online":false,"tags":[...]} (tags quoted: 3 bytes more each). */
    char offline[64 + AKIRA_FLEET_ID_MAX + AKIRA_FLEET_TAGS_MAX * (AKIRA_FLEET_TAG_MAX + 3)];
    size_t offline_len;
    /* The MQTT thread's own (callbacks), read by status() without a lock: counters. */
    uint64_t last_ts;
    uint32_t cmds_ok, cmds_refused;
    uint32_t telem_s;
    uint64_t next_telem_ms, next_apps_ms, log_cursor, log_window_ms;
    uint32_t log_in_window, log_dropped;
    uint32_t apps_sig;
    struct install inst;
    struct akira_app_info info; /* scratch for one app's info */
    /* The apps' subscriptions, as full filters (under filters_lock, which is taken
     * after restart_lock when both are). */
    akira_mutex_t *filters_lock;
    char app_filters[APP_FILTERS][AKIRA_MQTT_FILTER_MAX];
    char json[JSON_MAX];
} F;

/* ---- settings ------------------------------------------------------------------------ */

static int setting_get(const char *key, char *buf, size_t cap)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int n = st ? akira_settings_get(st, key, buf, cap - 1) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (n < 0) {
        buf[0] = '\0';
        return n;
    }
    buf[n] = '\0';
    return n;
}

static int setting_set(const char *key, const void *val, size_t len)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_set(st, key, val, len) : AKIRA_ENODEV;
    akira_storage_unlock();
    return rc;
}

static int setting_delete(const char *key)
{
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc = st ? akira_settings_delete(st, key) : AKIRA_ENODEV;
    akira_storage_unlock();
    return rc;
}

struct key_copy {
    char name[AKIRA_FLEET_KEY_NAME_MAX + 1];
    uint8_t pub[32];
};

struct key_list {
    struct key_copy k[AKIRA_FLEET_KEYS_MAX];
    size_t n;
};

static int key_collect(void *ctx, const char *key, const void *val, size_t len)
{
    struct key_list *l = ctx;
    const char *name = key + strlen(AKIRA_FLEET_KEYS_PREFIX);
    if (len != 32 || !akira_fleet_key_name_ok(name) || l->n == AKIRA_FLEET_KEYS_MAX) return 0;
    memcpy(l->k[l->n].name, name, strlen(name) + 1);
    memcpy(l->k[l->n].pub, val, 32);
    l->n++;
    return 0;
}

/* The trusted keys, copied out (the callers run without the storage lock). */
static int keys_load(struct key_list *l)
{
    l->n = 0;
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc =
        st ? akira_settings_foreach(st, AKIRA_FLEET_KEYS_PREFIX, key_collect, l) : AKIRA_ENODEV;
    akira_storage_unlock();
    return rc;
}

int akira_fleet_id(char out[AKIRA_FLEET_ID_MAX + 1])
{
    char buf[AKIRA_FLEET_ID_MAX + 8];
    int n = setting_get(AKIRA_FLEET_ID_KEY, buf, sizeof(buf));
    if (n > 0 && akira_fleet_id_ok(buf)) {
        memcpy(out, buf, (size_t)n + 1);
        return 0;
    }
    if (n == AKIRA_ENODEV) return n;
    uint32_t r;
    int rc = akira_random_fill(&r, sizeof(r));
    if (rc) return rc;
    snprintf(buf, sizeof(buf), "akira-%08" PRIx32, r);
    rc = setting_set(AKIRA_FLEET_ID_KEY, buf, strlen(buf));
    if (rc) return rc;
    AKIRA_LOG_INF("device id %s made", buf);
    memcpy(out, buf, strlen(buf) + 1);
    return 0;
}

int akira_fleet_set_broker(const char *s)
{
    if (!s) return AKIRA_EINVAL;
    if (!strcmp(s, "off")) {
        int rc = setting_delete(AKIRA_FLEET_BROKER_KEY);
        return rc == AKIRA_ENOENT ? 0 : rc;
    }
    const char *colon = strrchr(s, ':');
    char ip[16];
    if (!colon || (size_t)(colon - s) >= sizeof(ip)) return AKIRA_EINVAL;
    memcpy(ip, s, (size_t)(colon - s));
    ip[colon - s] = '\0';
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    struct akira_net_addr a;
    if (!colon[1] || *end || port == 0 || port > 65535 ||
        akira_net_addr_parse(ip, (uint16_t)port, &a))
        return AKIRA_EINVAL;
    return setting_set(AKIRA_FLEET_BROKER_KEY, s, strlen(s));
}

int akira_fleet_set_id(const char *id)
{
    if (!akira_fleet_id_ok(id)) return AKIRA_EINVAL;
    return setting_set(AKIRA_FLEET_ID_KEY, id, strlen(id));
}

int akira_fleet_set_tags(const char *tags)
{
    if (!akira_fleet_tags_ok(tags)) return AKIRA_EINVAL;
    return setting_set(AKIRA_FLEET_TAGS_KEY, tags, strlen(tags));
}

int akira_fleet_trust(const char *name, const uint8_t pub[32])
{
    if (!akira_fleet_key_name_ok(name) || !pub) return AKIRA_EINVAL;
    struct key_list l;
    int rc = keys_load(&l);
    if (rc) return rc;
    bool there = false;
    for (size_t i = 0; i < l.n; i++)
        there |= !strcmp(l.k[i].name, name);
    if (!there && l.n == AKIRA_FLEET_KEYS_MAX) return AKIRA_ENOSPC;
    char key[AKIRA_SETTINGS_KEY_MAX + 1];
    snprintf(key, sizeof(key), "%s%s", AKIRA_FLEET_KEYS_PREFIX, name);
    return setting_set(key, pub, 32);
}

int akira_fleet_untrust(const char *name)
{
    if (!akira_fleet_key_name_ok(name)) return AKIRA_EINVAL;
    char key[AKIRA_SETTINGS_KEY_MAX + 1];
    snprintf(key, sizeof(key), "%s%s", AKIRA_FLEET_KEYS_PREFIX, name);
    return setting_delete(key);
}

int akira_fleet_keys_foreach(int (*fn)(void *ctx, const char *name, const uint8_t pub[32]),
                             void *ctx)
{
    struct key_list l;
    int rc = keys_load(&l);
    for (size_t i = 0; !rc && i < l.n; i++)
        rc = fn(ctx, l.k[i].name, l.k[i].pub);
    return rc;
}

/* ---- what the device publishes --------------------------------------------------------- */

static void json_tags(struct akira_json *w)
{
    akira_json_key(w, "tags");
    akira_json_arr_begin(w);
    for (const char *p = F.tags; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        akira_json_strn(w, p, n);
        p += n + (e ? 1 : 0);
    }
    akira_json_arr_end(w);
}

struct app_count {
    int installed, running;
};

static int count_app(void *ctx, const struct akira_app_record *r)
{
    struct app_count *c = ctx;
    c->installed++;
    if (!akira_app_info(r->manifest.name, &F.info) && F.info.state == AKIRA_APP_RUNNING)
        c->running++;
    return 0;
}

static int publish_json(const char *topic, struct akira_json *w, uint8_t qos, bool retain)
{
    if (akira_json_end(w)) return AKIRA_ETOOBIG;
    int rc = akira_mqtt_publish(F.mqtt, topic, F.json, w->len, qos, retain, PUB_WAIT_MS);
    if (rc && rc != AKIRA_ENOTCONN) AKIRA_LOG_WRN("publish %s: %s", topic, akira_err_str(rc));
    return rc;
}

static void publish_status(void)
{
    const struct akira_connectivity_config *cfg = akira_connectivity_config_get();
    struct app_count ac = {0, 0};
    (void)akira_appstore_foreach(count_app, &ac);
    struct akira_json w;
    akira_json_init(&w, F.json, sizeof(F.json), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "id", F.id);
    akira_json_kv_bool(&w, "online", true);
    akira_json_kv_str(&w, "board", cfg->board ? cfg->board : "");
    akira_json_kv_str(&w, "version", cfg->version ? cfg->version : "");
    json_tags(&w);
    akira_json_kv_uint(&w, "uptime_ms", akira_uptime_ms());
    akira_json_kv_int(&w, "apps_installed", ac.installed);
    akira_json_kv_int(&w, "apps_running", ac.running);
    akira_json_obj_end(&w);
    (void)publish_json(F.t_status, &w, 1, true);
}

struct apps_json {
    struct akira_json *w;
    uint32_t sig; /* FNV-1a of names and states: tells a change */
};

static uint32_t fnv(uint32_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return (h ^ 0xFF) * 16777619u;
}

static int app_entry(void *ctx, const struct akira_app_record *r)
{
    struct apps_json *a = ctx;
    const char *state =
        akira_app_info(r->manifest.name, &F.info) ? "installed" : akira_app_info_state(&F.info);
    a->sig = fnv(fnv(a->sig, r->manifest.name), state);
    if (a->w) {
        akira_json_obj_begin(a->w);
        akira_json_kv_str(a->w, "name", r->manifest.name);
        akira_json_kv_str(a->w, "version", r->manifest.version);
        akira_json_kv_str(a->w, "state", state);
        akira_json_obj_end(a->w);
    }
    return 0;
}

static void publish_apps(void)
{
    struct akira_json w;
    akira_json_init(&w, F.json, sizeof(F.json), NULL, NULL);
    struct apps_json a = {&w, 2166136261u};
    akira_json_arr_begin(&w);
    (void)akira_appstore_foreach(app_entry, &a);
    akira_json_arr_end(&w);
    if (!publish_json(F.t_apps, &w, 1, true)) F.apps_sig = a.sig;
}

static void publish_telemetry(void)
{
    struct akira_mqtt_stats ms;
    akira_mqtt_stats(F.mqtt, &ms);
    struct app_count ac = {0, 0};
    (void)akira_appstore_foreach(count_app, &ac);
    struct akira_json w;
    akira_json_init(&w, F.json, sizeof(F.json), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_uint(&w, "uptime_ms", akira_uptime_ms());
    akira_json_kv_int(&w, "apps_running", ac.running);
    akira_json_kv_uint(&w, "mqtt_rx", ms.rx_msgs);
    akira_json_kv_uint(&w, "mqtt_tx", ms.tx_msgs);
    akira_json_kv_uint(&w, "mqtt_connects", ms.connects);
    akira_json_kv_uint(&w, "log_dropped", F.log_dropped);
    akira_json_obj_end(&w);
    (void)publish_json(F.t_telem, &w, 0, false);
}

/* "EACCES" of akira_err_str's "EACCES (access denied)": the name alone. */
static void err_name(int err, char *out, size_t cap)
{
    const char *s = akira_err_str(err);
    size_t n = strcspn(s, " ");
    if (n >= cap) n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* The result of command id: err 0 for ok. app: the app it concerns, or NULL. */
static void result(const char *id, int err, const char *detail, const char *app)
{
    if (err) {
        F.cmds_refused++;
        AKIRA_LOG_WRN("command %s: %s (%s)", id[0] ? id : "?", akira_err_str(err), detail);
    } else {
        F.cmds_ok++;
        AKIRA_LOG_INF("command %s: ok%s%s", id, app ? " " : "", app ? app : "");
    }
    struct akira_json w;
    akira_json_init(&w, F.json, sizeof(F.json), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "cmd", id);
    akira_json_kv_bool(&w, "ok", err == 0);
    if (err) {
        char name[24];
        err_name(err, name, sizeof(name));
        akira_json_kv_str(&w, "error", name);
        akira_json_kv_str(&w, "detail", detail);
    }
    if (app) akira_json_kv_str(&w, "app", app);
    akira_json_obj_end(&w);
    (void)publish_json(F.t_result, &w, 1, false);
}

/* ---- commands --------------------------------------------------------------------------- */

/* Drops the install or OTA in progress: nothing committed, the slot not pending. */
static void install_drop(int err)
{
    if (F.inst.ota)
        (void)akira_transport_stream_close(&F.inst.st, err, NULL, 0);
    else
        akira_appstore_install_abort(&F.inst.w);
    F.inst.active = false;
}

static void install_abort(int err, const char *detail)
{
    if (!F.inst.active) return;
    install_drop(err);
    result(F.inst.cmd_id, err, detail, NULL);
}

static bool signed_by_trusted(const struct akira_fleet_cmd *c, bool *any_key)
{
    struct key_list l;
    *any_key = false;
    if (keys_load(&l)) return false;
    *any_key = l.n > 0;
    for (size_t i = 0; i < l.n; i++)
        if (akira_fleet_cmd_verify(c, l.k[i].pub) == 0) return true;
    return false;
}

static void run_set(const struct akira_fleet_cmd *c)
{
    if (!strncmp(c->key, "akira/security/", 15) ||
        !strncmp(c->key, AKIRA_FLEET_KEYS_PREFIX, strlen(AKIRA_FLEET_KEYS_PREFIX)) ||
        !strcmp(c->key, AKIRA_FLEET_TS_KEY)) {
        result(c->id, AKIRA_EACCES, "this setting cannot be set over the fleet", NULL);
        return;
    }
    int rc = akira_settings_key_check(c->key);
    if (!rc) rc = setting_set(c->key, c->value, strlen(c->value));
    result(c->id, rc, rc ? "setting not stored" : "", NULL);
}

static void run_install(const struct akira_fleet_cmd *c)
{
    struct install *in = &F.inst;
    in->ota = c->op == AKIRA_FLEET_OP_OTA;
    int rc;
    if (in->ota) {
        /* The OTA manager's own stream (as POST /api/ota): it writes the secondary
         * slot as the bytes come and verifies the image at the close. */
        struct akira_transport_stream_info info = {.kind = AKIRA_TRANSPORT_KIND_OTA,
                                                   .transport = "fleet",
                                                   .peer = F.broker,
                                                   .length = c->size,
                                                   .authenticated = true};
        rc = akira_transport_stream_open(&in->st, &info);
        if (rc) {
            result(c->id, rc, rc == AKIRA_ENOENT ? "no OTA manager on this device" : "OTA refused",
                   NULL);
            return;
        }
    } else {
        rc = akira_appstore_install_begin(&in->w, c->size);
        if (rc) {
            result(c->id, rc, "install refused by the app store", c->name);
            return;
        }
    }
    memcpy(in->cmd_id, c->id, sizeof(in->cmd_id));
    in->size = c->size;
    in->chunks = c->chunks;
    in->next = in->got = 0;
    memcpy(in->sha, c->sha256, 32);
    crypto_hash_sha256_init(&in->h);
    in->last_ms = akira_uptime_ms();
    in->active = true;
    AKIRA_LOG_INF("command %s: %s %s (%u bytes in %u chunks)", c->id,
                  in->ota ? "firmware" : "installing", in->ota ? "image" : c->name,
                  (unsigned)c->size, (unsigned)c->chunks);
}

static void run_command(const uint8_t *msg, size_t len)
{
    struct akira_fleet_cmd c;
    int prc = akira_fleet_cmd_parse(msg, len, &c);
    if (F.inst.active) install_abort(AKIRA_ECANCELED, "another command came before the last chunk");
    bool any_key;
    if (prc == AKIRA_EFORMAT || !signed_by_trusted(&c, &any_key)) {
        result(c.id, AKIRA_EACCES,
               prc == AKIRA_EFORMAT ? "no signature"
               : any_key            ? "bad signature"
                                    : "no trusted fleet key (fleet trust)",
               NULL);
        return;
    }
    if (prc == AKIRA_ENOTSUP) {
        result(c.id, AKIRA_ENOTSUP, "unknown op", NULL);
        return;
    }
    if (prc) {
        result(c.id, AKIRA_EINVAL, "malformed command (fields missing or out of range)", NULL);
        return;
    }
    if (c.has_to && strcmp(c.to, F.id)) {
        result(c.id, AKIRA_EACCES, "addressed to another device (to)", NULL);
        return;
    }
    if (c.ts <= F.last_ts) {
        result(c.id, AKIRA_EACCES, "replay: ts not after the last accepted command", NULL);
        return;
    }
    /* Stored before the command runs: a cut during it never lets the same ts in again. */
    char ts[24];
    snprintf(ts, sizeof(ts), "%" PRIu64, c.ts);
    int rc = setting_set(AKIRA_FLEET_TS_KEY, ts, strlen(ts));
    if (rc) {
        result(c.id, rc, "could not store ts", NULL);
        return;
    }
    F.last_ts = c.ts;
    switch (c.op) {
    case AKIRA_FLEET_OP_START:
        rc = akira_app_start(c.app);
        result(c.id, rc, "app start failed", c.app);
        break;
    case AKIRA_FLEET_OP_STOP:
        rc = akira_app_stop(c.app);
        result(c.id, rc, "app stop failed", c.app);
        break;
    case AKIRA_FLEET_OP_UNINSTALL:
        rc = akira_app_uninstall(c.app);
        result(c.id, rc, "app uninstall failed", c.app);
        break;
    case AKIRA_FLEET_OP_SET: run_set(&c); return;
    case AKIRA_FLEET_OP_STATUS:
        publish_status();
        publish_apps();
        result(c.id, 0, "", NULL);
        return;
    case AKIRA_FLEET_OP_INSTALL:
    case AKIRA_FLEET_OP_OTA: run_install(&c); return;
    default: result(c.id, AKIRA_ENOTSUP, "unknown op", NULL); return;
    }
    publish_apps();
}

static void run_chunk(const uint8_t *msg, size_t len)
{
    const char *id;
    size_t il, dl;
    uint32_t index;
    const uint8_t *data;
    struct install *in = &F.inst;
    if (akira_fleet_data_parse(msg, len, &id, &il, &index, &data, &dl)) {
        install_abort(AKIRA_EIO, "malformed data message");
        AKIRA_LOG_WRN("malformed data message (%u bytes) ignored", (unsigned)len);
        return;
    }
    if (!in->active || il != strlen(in->cmd_id) || memcmp(id, in->cmd_id, il)) {
        AKIRA_LOG_WRN("data chunk %u of command %.*s: no such install in progress", (unsigned)index,
                      (int)il, id);
        return;
    }
    in->last_ms = akira_uptime_ms();
    if (index != in->next) {
        install_abort(AKIRA_EIO, "chunk out of order");
        return;
    }
    if (dl > in->size - in->got) {
        install_abort(AKIRA_EIO, "more data than the signed size");
        return;
    }
    int rc = in->ota ? akira_transport_stream_write(&in->st, data, dl)
                     : akira_appstore_install_write(&in->w, data, dl);
    if (rc) {
        if (in->ota) (void)akira_transport_stream_close(&in->st, rc, NULL, 0);
        in->active = false; /* the store ended its writer itself */
        result(in->cmd_id, rc, in->ota ? "OTA write refused" : "app store write failed", NULL);
        return;
    }
    crypto_hash_sha256_update(&in->h, data, dl);
    in->got += (uint32_t)dl;
    if (++in->next < in->chunks) return;
    uint8_t sha[32];
    crypto_hash_sha256_final(&in->h, sha);
    if (in->got != in->size) {
        install_abort(AKIRA_EIO, "size differs from the signed size");
        return;
    }
    if (sodium_memcmp(sha, in->sha, 32) != 0) {
        install_abort(AKIRA_EIO, "sha256 differs from the signed sha256: nothing installed");
        return;
    }
    if (in->ota) {
        char text[128] = "";
        in->active = false;
        rc = akira_transport_stream_close(&in->st, 0, text, sizeof(text));
        result(in->cmd_id, rc < 0 ? rc : 0, rc < 0 ? (text[0] ? text : "image refused") : "", NULL);
        if (rc >= 0) {
            AKIRA_LOG_INF("firmware pending: %s; rebooting into it", text);
            int rb = akira_ota_reboot(); /* in 200 ms: the result goes out first */
            if (rb)
                AKIRA_LOG_WRN("no reboot on this board (%s): reboot by hand", akira_err_str(rb));
        }
        return;
    }
    struct akira_app_record rec;
    struct akira_manifest_error err;
    memset(&err, 0, sizeof(err));
    in->active = false;
    rc = akira_app_install_finish(&in->w, &rec, &err);
    if (rc) {
        char detail[160];
        snprintf(detail, sizeof(detail), "install refused: %s %s",
                 err.field[0] ? err.field : "store", err.reason);
        result(in->cmd_id, rc, detail, NULL);
        return;
    }
    result(in->cmd_id, 0, "", rec.manifest.name);
    publish_apps();
    publish_status();
}

/* ---- MQTT callbacks (the client's thread) ------------------------------------------------ */

static void on_message(void *ctx, const char *topic, size_t tl, const uint8_t *payload, size_t len,
                       bool retained)
{
    (void)ctx;
    size_t pl = strlen(F.t_app_prefix);
    if (tl > pl && !memcmp(topic, F.t_app_prefix, pl)) {
        const char *app = topic + pl, *slash = memchr(app, '/', tl - pl);
        if (!slash || (size_t)(slash - app) > AKIRA_APP_NAME_MAX) return;
        char name[AKIRA_APP_NAME_MAX + 1];
        memcpy(name, app, (size_t)(slash - app));
        name[slash - app] = '\0';
        size_t rl = tl - pl - (size_t)(slash - app) - 1;
        akira_api_mqtt_deliver(name, slash + 1, rl, payload, len);
        akira_env_mqtt_deliver(name, slash + 1, rl, payload, len);
        return;
    }
    if (tl != strlen(F.t_cmd) || memcmp(topic, F.t_cmd, tl)) return;
    if (retained) {
        AKIRA_LOG_WRN("retained message on the command topic ignored");
        return;
    }
    if (akira_fleet_is_data(payload, len))
        run_chunk(payload, len);
    else
        run_command(payload, len);
}

static void on_connect(void *ctx, bool session_present)
{
    (void)ctx;
    (void)session_present;
    struct akira_log_stats ls;
    akira_log_stats_get(&ls);
    F.log_cursor = ls.written; /* log lines from now on */
    publish_status();
    publish_apps();
    F.next_telem_ms = akira_uptime_ms() + (uint64_t)F.telem_s * 1000;
}

static void publish_logs(uint64_t now)
{
    if (now - F.log_window_ms >= 1000) {
        F.log_window_ms = now;
        F.log_in_window = 0;
    }
    struct akira_log_entry e;
    while (akira_log_read(&F.log_cursor, &e) == 0) {
        if (F.log_in_window >= AKIRA_FLEET_LOG_PER_S) {
            F.log_dropped++;
            continue;
        }
        char line[AKIRA_LOG_MSG_MAX + 48];
        int n = akira_log_format(&e, line, sizeof(line));
        if (n < 0) continue;
        if ((size_t)n >= sizeof(line)) n = (int)sizeof(line) - 1;
        if (akira_mqtt_publish(F.mqtt, F.t_log, line, (size_t)n, 0, false, 0)) break;
        F.log_in_window++;
    }
}

static void on_tick(void *ctx, bool connected)
{
    (void)ctx;
    uint64_t now = akira_uptime_ms();
    if (F.inst.active && now - F.inst.last_ms > AKIRA_FLEET_CHUNK_TIMEOUT_MS)
        install_abort(AKIRA_ETIMEDOUT, "no chunk for 60 s: nothing installed");
    if (!connected) return;
    if (now >= F.next_telem_ms) {
        F.next_telem_ms = now + (uint64_t)F.telem_s * 1000;
        publish_telemetry();
    }
    if (now >= F.next_apps_ms) {
        F.next_apps_ms = now + APPS_POLL_MS;
        struct apps_json a = {NULL, 2166136261u};
        (void)akira_appstore_foreach(app_entry, &a);
        if (a.sig != F.apps_sig) {
            publish_apps();
            publish_status();
        }
    }
    publish_logs(now);
}

/* ---- start, stop ------------------------------------------------------------------------- */

/* The broker's check for MQTT over TLS, from the settings: a CA, a pin or both (no
 * "trust anything": neither is AKIRA_EINVAL and the agent stays off, logged). The
 * buffers are static: the client reads them at every reconnect. */
static int tls_opts_load(struct akira_tls_client_opts *o)
{
    static uint8_t ca[AKIRA_FLEET_TLS_CA_MAX + 1];
    static char name[64];
    char pin[AKIRA_TLS_FP_HEX_MAX];
    memset(o, 0, sizeof(*o));
    int n = setting_get(AKIRA_FLEET_TLS_CA_KEY, (char *)ca, sizeof(ca));
    if (n > 0) {
        o->ca_pem = ca;
        /* PEM: mbedTLS wants the terminating NUL counted; DER: the bytes as they are. */
        o->ca_len = (size_t)n + (memchr(ca, '-', (size_t)n) ? 1u : 0u);
    }
    if (setting_get(AKIRA_FLEET_TLS_PIN_KEY, pin, sizeof(pin)) > 0) {
        if (akira_tls_fp_parse(pin, o->pin_sha256) != 0) {
            AKIRA_LOG_ERR("setting %s is not a SHA-256 fingerprint", AKIRA_FLEET_TLS_PIN_KEY);
            return AKIRA_EINVAL;
        }
        o->pin = true;
    }
    if (setting_get(AKIRA_FLEET_TLS_NAME_KEY, name, sizeof(name)) > 0) o->server_name = name;
    if (!o->ca_pem && !o->pin) {
        AKIRA_LOG_ERR("TLS to the broker needs %s or %s: not connecting", AKIRA_FLEET_TLS_CA_KEY,
                      AKIRA_FLEET_TLS_PIN_KEY);
        return AKIRA_EINVAL;
    }
    return 0;
}

static int fleet_start_locked(void)
{
    if (F.running) return 0;
    char broker[32];
    if (setting_get(AKIRA_FLEET_BROKER_KEY, broker, sizeof(broker)) <= 0) {
        AKIRA_LOG_INF("off (no broker: fleet broker ADDR:PORT)");
        return 0;
    }
    char *colon = strrchr(broker, ':');
    struct akira_mqtt_config mc = {0};
    if (!colon) return AKIRA_EINVAL;
    *colon = '\0';
    unsigned long port = strtoul(colon + 1, NULL, 10);
    if (port == 0 || port > 65535 || akira_net_addr_parse(broker, (uint16_t)port, &mc.broker)) {
        AKIRA_LOG_ERR("setting %s is not ADDR:PORT", AKIRA_FLEET_BROKER_KEY);
        return AKIRA_EINVAL;
    }
    *colon = ':';
    int rc = akira_fleet_id(F.id);
    if (rc) return rc;
    (void)setting_get(AKIRA_FLEET_TAGS_KEY, F.tags, sizeof(F.tags));
    if (!akira_fleet_tags_ok(F.tags)) F.tags[0] = '\0';
    char num[24];
    F.last_ts = setting_get(AKIRA_FLEET_TS_KEY, num, sizeof(num)) > 0 ? strtoull(num, NULL, 10) : 0;
    F.telem_s = setting_get(AKIRA_FLEET_TELEM_KEY, num, sizeof(num)) > 0
                    ? (uint32_t)strtoul(num, NULL, 10)
                    : TELEM_DEF_S;
    if (F.telem_s == 0 || F.telem_s > 86400) F.telem_s = TELEM_DEF_S;
    snprintf(F.broker, sizeof(F.broker), "%s", broker);
    snprintf(F.t_status, TOPIC_MAX, "akira/%s/status", F.id);
    snprintf(F.t_apps, TOPIC_MAX, "akira/%s/apps", F.id);
    snprintf(F.t_telem, TOPIC_MAX, "akira/%s/telemetry", F.id);
    snprintf(F.t_log, TOPIC_MAX, "akira/%s/log", F.id);
    snprintf(F.t_cmd, TOPIC_MAX, "akira/%s/cmd", F.id);
    snprintf(F.t_result, TOPIC_MAX, "akira/%s/result", F.id);
    snprintf(F.t_app_prefix, TOPIC_MAX, "akira/%s/app/", F.id);
    /* The will carries the tags as at connect: a deploy to a group (akira fleet --tag)
     * reaches its offline members, whose commands the broker queues. */
    struct akira_json w;
    akira_json_init(&w, F.offline, sizeof(F.offline), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "id", F.id);
    akira_json_kv_bool(&w, "online", false);
    json_tags(&w);
    akira_json_obj_end(&w);
    if (akira_json_end(&w)) return AKIRA_ERANGE;
    F.offline_len = w.len;
    F.apps_sig = 0;
    F.next_apps_ms = 0;
    mc.client_id = F.id;
    /* Broker credentials, when the broker asks for them (the password is a secret). */
    static char user[AKIRA_MQTT_ID_MAX], password[AKIRA_MQTT_ID_MAX];
    if (setting_get(AKIRA_FLEET_USER_KEY, user, sizeof(user)) > 0) {
        mc.user = user;
        if (setting_get(AKIRA_FLEET_PASSWORD_KEY, password, sizeof(password)) > 0)
            mc.password = password;
    }
    mc.clean_session = false; /* the broker queues commands while the device is away */
    mc.keepalive_s = 30;
    if (setting_get(AKIRA_FLEET_KEEPALIVE_KEY, num, sizeof(num)) > 0) {
        unsigned long ka = strtoul(num, NULL, 10);
        if (ka >= 2 && ka <= 3600) mc.keepalive_s = (uint16_t)ka;
    }
    mc.will_topic = F.t_status;
    mc.will_payload = F.offline;
    mc.will_len = F.offline_len;
    mc.will_qos = 1;
    mc.will_retain = true;
    if (setting_get(AKIRA_FLEET_TLS_KEY, num, sizeof(num)) > 0 && strcmp(num, "1") == 0) {
        rc = tls_opts_load(&F.tls);
        if (rc) return rc;
        mc.transport = &akira_mqtt_tls;
        mc.transport_ctx = &F.tls;
    }
    mc.on_message = on_message;
    mc.on_connect = on_connect;
    mc.on_tick = on_tick;
    rc = akira_mqtt_start(&F.mqtt, &mc);
    if (!rc) rc = akira_mqtt_subscribe(F.mqtt, F.t_cmd, 1);
    akira_mutex_lock(F.filters_lock, AKIRA_FOREVER);
    for (size_t i = 0; !rc && i < APP_FILTERS; i++)
        if (F.app_filters[i][0]) rc = akira_mqtt_subscribe(F.mqtt, F.app_filters[i], 1);
    akira_mutex_unlock(F.filters_lock);
    if (rc) {
        akira_mqtt_stop(F.mqtt, NULL, NULL, 0);
        F.mqtt = NULL;
        return rc;
    }
    F.running = true;
    AKIRA_LOG_INF("device %s, broker %s", F.id, F.broker);
    return 0;
}

static void fleet_stop_locked(void)
{
    if (!F.running) return;
    akira_mqtt_stop(F.mqtt, F.t_status, F.offline, F.offline_len);
    F.mqtt = NULL;
    if (F.inst.active) install_drop(AKIRA_ECANCELED);
    F.running = false;
}

static int fleet_start(void *ctx)
{
    (void)ctx;
    akira_mutex_lock(F.restart_lock, AKIRA_FOREVER);
    int rc = fleet_start_locked();
    akira_mutex_unlock(F.restart_lock);
    if (rc) AKIRA_LOG_ERR("not started: %s", akira_err_str(rc));
    return 0; /* the other services run without the fleet */
}

static void fleet_stop(void *ctx)
{
    (void)ctx;
    akira_mutex_lock(F.restart_lock, AKIRA_FOREVER);
    fleet_stop_locked();
    akira_mutex_unlock(F.restart_lock);
}

int akira_fleet_restart(void)
{
    if (!F.restart_lock) return AKIRA_ESTATE;
    akira_mutex_lock(F.restart_lock, AKIRA_FOREVER);
    fleet_stop_locked();
    int rc = fleet_start_locked();
    akira_mutex_unlock(F.restart_lock);
    return rc;
}

int akira_fleet_status(struct akira_fleet_status *out)
{
    if (!out) return AKIRA_EINVAL;
    memset(out, 0, sizeof(*out));
    if (!F.restart_lock) return AKIRA_ESTATE;
    akira_mutex_lock(F.restart_lock, AKIRA_FOREVER);
    out->running = F.running;
    if (F.running) {
        struct akira_mqtt_stats ms;
        akira_mqtt_stats(F.mqtt, &ms);
        out->connected = ms.connected;
        out->rx_msgs = ms.rx_msgs;
        out->tx_msgs = ms.tx_msgs;
        out->connects = ms.connects;
        out->inflight = ms.inflight;
        out->next_backoff_ms = ms.next_backoff_ms;
        out->stack_used = ms.stack_used;
        memcpy(out->id, F.id, sizeof(out->id));
        memcpy(out->tags, F.tags, sizeof(out->tags));
        memcpy(out->broker, F.broker, sizeof(out->broker));
    } else {
        (void)akira_fleet_id(out->id);
        (void)setting_get(AKIRA_FLEET_TAGS_KEY, out->tags, sizeof(out->tags));
        (void)setting_get(AKIRA_FLEET_BROKER_KEY, out->broker, sizeof(out->broker));
    }
    out->last_ts = F.last_ts;
    out->cmds_ok = F.cmds_ok;
    out->cmds_refused = F.cmds_refused;
    out->client_bytes = akira_mqtt_bytes();
    out->agent_bytes = sizeof(F);
    out->app_api_bytes = akira_api_mqtt_bytes();
    akira_mutex_unlock(F.restart_lock);
    return 0;
}

/* akira/<id>/app/<app>/<topic>, with a final "/" "*" as "/#". */
static int app_full(char *out, size_t cap, const char *app, const char *topic)
{
    size_t tl = strlen(topic);
    bool all = tl >= 2 && topic[tl - 1] == '*';
    int n = snprintf(out, cap, "%s%s/%.*s%s", F.t_app_prefix, app, (int)(all ? tl - 1 : tl), topic,
                     all ? "#" : "");
    return n < 0 || (size_t)n >= cap ? AKIRA_ENAMETOOLONG : 0;
}

int akira_fleet_app_publish(const char *app, const char *topic, const void *data, size_t len,
                            bool qos1, bool retain)
{
    if (!app || !topic || !F.restart_lock) return AKIRA_EINVAL;
    if (akira_mutex_lock(F.restart_lock, APP_LOCK_MS)) return AKIRA_ENOTCONN; /* a restart */
    char full[AKIRA_MQTT_FILTER_MAX];
    int rc = !F.running ? AKIRA_ENOTCONN : app_full(full, sizeof(full), app, topic);
    if (!rc) rc = akira_mqtt_publish(F.mqtt, full, data, len, qos1 ? 1 : 0, retain, 1000);
    akira_mutex_unlock(F.restart_lock);
    return rc;
}

int akira_fleet_app_subscribe(const char *app, const char *topic, bool on)
{
    if (!app || !topic || !F.restart_lock) return AKIRA_EINVAL;
    char full[AKIRA_MQTT_FILTER_MAX];
    bool locked = akira_mutex_lock(F.restart_lock, APP_LOCK_MS) == 0;
    /* The prefix is the same across restarts once the id is set: built without the
     * lock when it could not be had. */
    int rc = !F.t_app_prefix[0] ? AKIRA_ESTATE : app_full(full, sizeof(full), app, topic);
    if (!rc && on && !locked) rc = AKIRA_EBUSY;
    if (!rc && on && !F.running) rc = AKIRA_ESTATE;
    akira_mutex_lock(F.filters_lock, AKIRA_FOREVER);
    size_t slot = APP_FILTERS;
    for (size_t i = 0; !rc && i < APP_FILTERS; i++) {
        if (on ? !F.app_filters[i][0] : !strcmp(F.app_filters[i], full)) {
            slot = i;
            break;
        }
    }
    if (!rc && slot == APP_FILTERS) rc = on ? AKIRA_ENOSPC : AKIRA_ENOENT;
    if (!rc && on) {
        rc = akira_mqtt_subscribe(F.mqtt, full, 1);
        if (!rc) memcpy(F.app_filters[slot], full, strlen(full) + 1);
    } else if (!rc) {
        /* Forgotten at once; the broker is told when the client can be reached (a
         * restart in progress makes a new client without it anyway). */
        F.app_filters[slot][0] = '\0';
        if (locked && F.running) (void)akira_mqtt_unsubscribe(F.mqtt, full);
    }
    akira_mutex_unlock(F.filters_lock);
    if (locked) akira_mutex_unlock(F.restart_lock);
    return rc;
}

bool akira_fleet_app_connected(void)
{
    if (!F.restart_lock || akira_mutex_lock(F.restart_lock, APP_LOCK_MS)) return false;
    bool up = false;
    if (F.running) {
        struct akira_mqtt_stats ms;
        akira_mqtt_stats(F.mqtt, &ms);
        up = ms.connected;
    }
    akira_mutex_unlock(F.restart_lock);
    return up;
}

int akira_fleet_app_topic(const char *app, const char *topic, char *out, size_t cap)
{
    if (!app || !topic || !out || !F.t_app_prefix[0]) return AKIRA_ESTATE;
    int n = snprintf(out, cap, "%s%s/%s", F.t_app_prefix, app, topic);
    return n < 0 || (size_t)n >= cap ? AKIRA_ENAMETOOLONG : 0;
}

/* [A-Za-z0-9_-]{1,max}: a Home Assistant node or object id. */
static bool ha_id_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

int akira_fleet_ha_discovery(const char *component, const char *app, const char *object_id,
                             const void *config, size_t len)
{
    if (!component || !app || !object_id || !F.restart_lock) return AKIRA_EINVAL;
    if (!ha_id_ok(component, 16) || !ha_id_ok(app, AKIRA_APP_NAME_MAX) ||
        !ha_id_ok(object_id, AKIRA_FLEET_HA_OBJECT_MAX))
        return AKIRA_EINVAL;
    if (akira_mutex_lock(F.restart_lock, APP_LOCK_MS)) return AKIRA_ENOTCONN;
    char topic[AKIRA_MQTT_FILTER_MAX];
    int rc = AKIRA_ENOTCONN;
    if (F.running) {
        /* The device id holds no '_': <id>_<app> names one app of one device. */
        int n = snprintf(topic, sizeof(topic), "%s/%s/%s_%s/%s/config", AKIRA_FLEET_HA_PREFIX,
                         component, F.id, app, object_id);
        rc = n < 0 || (size_t)n >= sizeof(topic)
                 ? AKIRA_ENAMETOOLONG
                 : akira_mqtt_publish(F.mqtt, topic, config, len, 1, true, 1000);
    }
    akira_mutex_unlock(F.restart_lock);
    return rc;
}

static const struct akira_transport fleet_transport = {"fleet", fleet_start, fleet_stop, NULL};

int akira_fleet_register(void)
{
    if (!F.restart_lock) {
        int rc = akira_mutex_create(&F.restart_lock);
        if (!rc) rc = akira_mutex_create(&F.filters_lock);
        if (rc) return rc;
    }
    return akira_transport_register(&fleet_transport);
}

void akira_fleet_unregister(void)
{
    akira_transport_unregister(&fleet_transport);
}

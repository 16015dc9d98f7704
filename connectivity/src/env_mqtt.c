/*
 * Upstream AkiraOS's mqtt_* and ha_light_* natives (docs/compat.md "MQTT and Home
 * Assistant") over the fleet agent's MQTT connection (akira/fleet.h).
 *
 * Scoping: upstream has one device-wide MQTT service and no per-app topic list (its
 * manifests have no mqtt_topics). Here an app's topic T is always
 * akira/<device>/app/<app>/T, as for our own mqtt module: an app reaches only its own
 * subtree (`+` and `#` in a filter stay inside it), so two apps cannot read or spoof
 * each other's messages. The one topic outside it an app's call reaches is its light's
 * Home Assistant discovery config, homeassistant/light/<device>_<app>/<object>/config,
 * made by the fleet agent from checked ids (akira_fleet_ha_discovery); the light's
 * state and command topics are in the app's subtree (light/<object>/state, .../set),
 * which the config names to Home Assistant.
 *
 * Per app (from its quota at its first subscribe, freed at its end): its filters
 * (AKIRA_ENV_MQTT_APP_SUBS; AKIRA_ENV_MQTT_SUBS_MAX for all apps together, as they take
 * places of the fleet's table) and one queue of AKIRA_ENV_MQTT_QUEUE messages (topic
 * cut to AKIRA_ENV_MQTT_TOPIC_MAX, payload to AKIRA_ENV_MQTT_MSG_MAX as upstream keeps
 * them; when full the oldest is dropped, as upstream's queue does). mqtt_poll takes the
 * oldest message; ha_light_poll the oldest on its light's command topic, leaving the
 * others queued.
 *
 * Blocking polls wait in 10 ms steps on the app's event queue (akira_evq_sleep: a stop
 * wakes it) between akira_bridge_wait_begin/end, so the watchdog does not count the wait
 * and a stopped app's poll returns at once.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/app_table.h>
#include <akira/board_config.h>
#include <akira/clock.h>
#include <akira/env_compat.h>
#include <akira/err.h>
#include <akira/fleet.h>
#include <akira/mutex.h>

#include "env_compat_priv.h"

#define TOPIC_MAX   AKIRA_ENV_MQTT_TOPIC_MAX
#define MSG_MAX     AKIRA_ENV_MQTT_MSG_MAX
#define QDEPTH      AKIRA_ENV_MQTT_QUEUE
#define APP_SUBS    AKIRA_ENV_MQTT_APP_SUBS
#define POLL_MS     10u
#define STR_ANY     (UINT32_MAX - 1u)
#define NAME_MAX_HA 64u /* bytes of a light's name */
#define OBJ_MAX     AKIRA_FLEET_HA_OBJECT_MAX
#define SLOTS       AKIRA_BOARD_APPS_RUNNING_MAX

struct emsg {
    uint16_t len;
    char topic[TOPIC_MAX + 1];
    uint8_t data[MSG_MAX];
};

struct session {
    struct akira_app_ctx *app;
    char subs[APP_SUBS][TOPIC_MAX + 1]; /* relative filters, "" free */
    unsigned head, count;
    uint32_t dropped;
    struct emsg ring[QDEPTH];
};

static akira_mutex_t *lock_;
AKIRA_APP_TABLE_STATE(struct session);
static void *sessions[SLOTS]; /* struct session (akira/app_table.h) */
static unsigned nsubs;        /* filters of all sessions */

int akira_env_mqtt_init(void)
{
    return lock_ ? 0 : akira_mutex_create(&lock_);
}

/* The app's session (lock held); made from its quota when make. NULL and *rc: EAGAIN
 * (none), ENOSPC or ENOMEM (the quota). */
static struct session *session_of(struct akira_app_ctx *app, bool make, int *rc)
{
    struct session *s = akira_app_table_get(sessions, SLOTS, app, sizeof(*s), make, rc);
    if (*rc == AKIRA_ENOENT) *rc = AKIRA_EAGAIN;
    if (*rc == AKIRA_EQUOTA) *rc = AKIRA_ENOMEM;
    return s;
}

/* MQTT's filter match: `+` one level, `#` (last) this level and all below. */
static bool match(const char *f, const char *t, size_t tl)
{
    size_t i = 0;
    for (;;) {
        if (f[0] == '#' && f[1] == '\0') return true;
        size_t fl = strcspn(f, "/");
        size_t ll = 0;
        while (i + ll < tl && t[i + ll] != '/')
            ll++;
        if (!(fl == 1 && f[0] == '+') && (fl != ll || memcmp(f, t + i, ll) != 0)) return false;
        i += ll;
        f += fl;
        if (*f == '\0') return i == tl;
        if (i == tl) return f[0] == '/' && f[1] == '#' && f[2] == '\0'; /* "a/#" matches "a" */
        f++;
        i++;
    }
}

/* A topic (filter when wild) of the app: 1..TOPIC_MAX bytes, no '*' (our mqtt module's
 * PREFIX/ `*`), and the wildcards only where MQTT allows them (none in a name). */
static bool topic_ok(const char *t, size_t n, bool wild)
{
    if (n == 0 || n > TOPIC_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == '*' || (unsigned char)c < 0x20) return false;
        if (c == '+' || c == '#') {
            bool alone = (i == 0 || t[i - 1] == '/') && (i + 1 == n || t[i + 1] == '/');
            if (!wild || !alone || (c == '#' && i + 1 != n)) return false;
        }
    }
    return true;
}

void akira_env_mqtt_deliver(const char *app, const char *topic, size_t tlen, const uint8_t *data,
                            size_t len)
{
    if (!lock_ || tlen > TOPIC_MAX) return;
    akira_mutex_lock(lock_, AKIRA_FOREVER);
    for (size_t i = 0; i < SLOTS; i++) {
        struct session *s = sessions[i];
        if (!s || strcmp(s->app->name, app) != 0) continue;
        bool hit = false;
        for (unsigned k = 0; k < APP_SUBS && !hit; k++)
            hit = s->subs[k][0] && match(s->subs[k], topic, tlen);
        if (!hit) continue;
        if (s->count == QDEPTH) { /* upstream's queue drops its oldest */
            s->head = (s->head + 1) % QDEPTH;
            s->count--;
            s->dropped++;
        }
        struct emsg *m = &s->ring[(s->head + s->count++) % QDEPTH];
        memcpy(m->topic, topic, tlen);
        m->topic[tlen] = '\0';
        m->len = (uint16_t)(len > MSG_MAX ? MSG_MAX : len);
        if (m->len) memcpy(m->data, data, m->len);
    }
    akira_mutex_unlock(lock_);
}

/* A `$` argument: NULL (0, upstream's NULL: *rc = -EINVAL), a trap when it leaves
 * memory (*trap), else the host string and its length. */
static const char *str_arg(struct akira_app_ctx *app, uint32_t ptr, size_t *len, bool *trap)
{
    *trap = false;
    if (ptr == 0) return NULL;
    const char *s = akira_bridge_cstr(app, ptr, STR_ANY, len);
    *trap = s == NULL;
    return s;
}

/* Subscribes the app to filter t (checked): 0 or our error. */
static int sub_add(struct akira_app_ctx *app, const char *t)
{
    int rc = 0;
    akira_mutex_lock(lock_, AKIRA_FOREVER);
    struct session *s = session_of(app, true, &rc);
    int slot = -1;
    bool dup = false;
    for (unsigned k = 0; s && k < APP_SUBS && !dup; k++) {
        dup = strcmp(s->subs[k], t) == 0;
        if (!s->subs[k][0] && slot < 0) slot = (int)k;
    }
    if (s && !dup) {
        if (slot < 0 || nsubs >= AKIRA_ENV_MQTT_SUBS_MAX) {
            rc = AKIRA_ENOSPC;
        } else { /* reserved now; released below when the fleet refuses it */
            snprintf(s->subs[slot], sizeof(s->subs[slot]), "%s", t);
            nsubs++;
        }
    }
    akira_mutex_unlock(lock_);
    if (rc || dup) return rc;
    /* The fleet's calls are made without this lock (its thread delivers under it). */
    rc = akira_fleet_app_subscribe(app->name, t, true);
    if (rc) {
        akira_mutex_lock(lock_, AKIRA_FOREVER);
        s->subs[slot][0] = '\0';
        nsubs--;
        akira_mutex_unlock(lock_);
        /* No broker set: upstream's "not connected" (its service keeps the filter for a
         * later connect; here a broker set later does not know it). */
        if (rc == AKIRA_ESTATE) rc = AKIRA_ENOTCONN;
    }
    return rc;
}

aw_status akira_env_mqtt_publish(struct akira_app_ctx *app, aw_val *io)
{
    size_t tl;
    bool trap;
    int32_t len = io[2].i32;
    const char *t = str_arg(app, io[0].u32, &tl, &trap);
    if (trap || (len > 0 && !env_in(app, io[1].u32, (uint32_t)len))) return env_oob(app);
    if (!t || len < 0 || !topic_ok(t, tl, false)) return env_ret(io, -AKIRA_UP_EINVAL);
    if ((uint32_t)len > AKIRA_ENV_MQTT_PUB_MAX) return env_ret(io, -AKIRA_UP_EMSGSIZE);
    if (!akira_fleet_app_connected()) return env_ret(io, -AKIRA_UP_ENOTCONN);
    char topic[TOPIC_MAX + 1];
    memcpy(topic, t, tl + 1);
    const void *data = len ? akira_bridge_mem(app, io[1].u32, (uint32_t)len) : "";
    return env_err(io, akira_fleet_app_publish(app->name, topic, data, (size_t)len, io[3].i32 >= 1,
                                               io[4].i32 != 0));
}

aw_status akira_env_mqtt_subscribe(struct akira_app_ctx *app, aw_val *io)
{
    size_t tl;
    bool trap;
    const char *t = str_arg(app, io[0].u32, &tl, &trap);
    if (trap) return env_oob(app);
    if (!t || !topic_ok(t, tl, true)) return env_ret(io, -AKIRA_UP_EINVAL);
    char topic[TOPIC_MAX + 1];
    memcpy(topic, t, tl + 1);
    int rc = sub_add(app, topic);
    if (!rc && !akira_fleet_app_connected()) rc = AKIRA_ENOTCONN; /* kept: made at connect */
    return env_err(io, rc);
}

/* Takes the oldest queued message of the app whose topic is `want` (any when NULL)
 * into *out. Lock held. */
static bool take(struct session *s, const char *want, struct emsg *out)
{
    for (unsigned i = 0; s && i < s->count; i++) {
        struct emsg *m = &s->ring[(s->head + i) % QDEPTH];
        if (want && strcmp(m->topic, want) != 0) continue;
        *out = *m;
        for (unsigned k = i; k + 1 < s->count; k++) /* close the gap, keeping the order */
            s->ring[(s->head + k) % QDEPTH] = s->ring[(s->head + k + 1) % QDEPTH];
        s->count--;
        return true;
    }
    return false;
}

/* Waits up to timeout_ms (< 0: for ever when forever, else not at all) for a message
 * on `want` (NULL: any). AW_OK with *got; a trap status when the app is ended. */
static aw_status wait_msg(struct akira_app_ctx *app, const char *want, int32_t timeout_ms,
                          bool forever, struct emsg *m, bool *got)
{
    uint64_t end = akira_uptime_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        int rc;
        akira_mutex_lock(lock_, AKIRA_FOREVER);
        *got = take(session_of(app, false, &rc), want, m);
        akira_mutex_unlock(lock_);
        if (*got) return AW_OK;
        bool wait = timeout_ms > 0 ? akira_uptime_ms() < end : timeout_ms < 0 && forever;
        if (!wait || atomic_load(&app->stopping)) return AW_OK;
        akira_bridge_wait_begin(app);
        akira_evq_sleep(app->evq, POLL_MS);
        aw_status st = akira_bridge_wait_end(app);
        if (st != AW_OK) return st;
    }
}

aw_status akira_env_mqtt_poll(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t tp = io[0].u32, pp = io[2].u32;
    int32_t tcap = io[1].i32, pcap = io[3].i32;
    /* `*~`: upstream's engine checks each range (a negative length is a huge one). */
    if (!env_in(app, tp, (uint32_t)tcap) || !env_in(app, pp, (uint32_t)pcap)) return env_oob(app);
    if (!tp || !pp || tcap <= 0 || pcap <= 0) return env_ret(io, -AKIRA_UP_EINVAL);
    struct emsg m;
    bool got;
    aw_status st = wait_msg(app, NULL, io[4].i32, true, &m, &got);
    if (st != AW_OK) return st;
    if (!got) return env_ret(io, -AKIRA_UP_EAGAIN);
    char *topic = akira_bridge_mem(app, tp, (uint32_t)tcap);
    uint8_t *payload = akira_bridge_mem(app, pp, (uint32_t)pcap);
    size_t tn = strlen(m.topic);
    if (tn > (size_t)tcap - 1) tn = (size_t)tcap - 1;
    memcpy(topic, m.topic, tn);
    topic[tn] = '\0';
    size_t pn = m.len < (uint32_t)pcap ? m.len : (size_t)pcap;
    if (pn) memcpy(payload, m.data, pn);
    return env_ret(io, (int32_t)pn);
}

aw_status akira_env_mqtt_connected(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    return env_ret(io, akira_fleet_app_connected() ? 1 : 0);
}

/* ----------------------------------------------------------- Home Assistant light */

/* A light's object id, [A-Za-z0-9_-]{1,32} (Home Assistant's id characters). */
static bool object_ok(const char *s, size_t n)
{
    if (n == 0 || n > OBJ_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

/* The object id argument: the host string, or NULL with the i32 result set / trap. */
static const char *object_arg(struct akira_app_ctx *app, aw_val *io, uint32_t ptr, aw_status *st)
{
    size_t n;
    bool trap;
    const char *s = str_arg(app, ptr, &n, &trap);
    *st = trap ? env_oob(app) : env_ret(io, -AKIRA_UP_EINVAL);
    return s && object_ok(s, n) ? s : NULL;
}

aw_status akira_env_ha_light_register(struct akira_app_ctx *app, aw_val *io)
{
    size_t nl;
    bool trap;
    aw_status st;
    const char *name = str_arg(app, io[1].u32, &nl, &trap);
    if (trap) return env_oob(app);
    const char *obj = object_arg(app, io, io[0].u32, &st);
    if (!obj) return st;
    if (!name || nl == 0 || nl > NAME_MAX_HA) return env_ret(io, -AKIRA_UP_EINVAL);
    char ename[2 * NAME_MAX_HA + 1]; /* the name as a JSON string's content */
    size_t e = 0;
    for (size_t i = 0; i < nl; i++) {
        if ((unsigned char)name[i] < 0x20) return env_ret(io, -AKIRA_UP_EINVAL);
        if (name[i] == '"' || name[i] == '\\') ename[e++] = '\\';
        ename[e++] = name[i];
    }
    ename[e] = '\0';
    char id[AKIRA_FLEET_ID_MAX + 1], set[24 + OBJ_MAX], cmd_t[128], state_t[128];
    int rc = akira_fleet_id(id);
    snprintf(set, sizeof(set), "light/%s/set", obj);
    if (!rc) rc = akira_fleet_app_topic(app->name, set, cmd_t, sizeof(cmd_t));
    snprintf(set, sizeof(set), "light/%s/state", obj);
    if (!rc) rc = akira_fleet_app_topic(app->name, set, state_t, sizeof(state_t));
    if (rc == AKIRA_ESTATE) rc = AKIRA_ENOTCONN; /* the agent never ran: no broker */
    if (rc) return env_err(io, rc);
    /* Home Assistant's MQTT light, JSON schema, brightness and RGB. */
    char cfg[768];
    int n = snprintf(cfg, sizeof(cfg),
                     "{\"name\":\"%s\",\"unique_id\":\"%s_%s_%s\",\"schema\":\"json\","
                     "\"command_topic\":\"%s\",\"state_topic\":\"%s\",\"brightness\":true,"
                     "\"supported_color_modes\":[\"rgb\"],"
                     "\"device\":{\"identifiers\":[\"akira_%s\"],\"name\":\"AkiraOS %s\","
                     "\"manufacturer\":\"AkiraOS\",\"model\":\"AkiraOS\"}}",
                     ename, id, app->name, obj, cmd_t, state_t, id, id);
    if (n < 0 || (size_t)n >= sizeof(cfg)) return env_ret(io, -AKIRA_UP_ENOMEM);
    if (!akira_fleet_app_connected()) return env_ret(io, -AKIRA_UP_ENOTCONN);
    rc = akira_fleet_ha_discovery("light", app->name, obj, cfg, (size_t)n);
    snprintf(set, sizeof(set), "light/%s/set", obj);
    if (!rc) rc = sub_add(app, set);
    return env_err(io, rc);
}

aw_status akira_env_ha_light_report(struct akira_app_ctx *app, aw_val *io)
{
    aw_status st;
    const char *obj = object_arg(app, io, io[0].u32, &st);
    if (!obj) return st;
    char topic[24 + OBJ_MAX], js[128];
    snprintf(topic, sizeof(topic), "light/%s/state", obj);
    int n = io[1].i32
                ? snprintf(js, sizeof(js),
                           "{\"state\":\"ON\",\"brightness\":%d,\"color_mode\":\"rgb\","
                           "\"color\":{\"r\":%d,\"g\":%d,\"b\":%d}}",
                           io[2].i32 & 0xFF, io[3].i32 & 0xFF, io[4].i32 & 0xFF, io[5].i32 & 0xFF)
                : snprintf(js, sizeof(js), "{\"state\":\"OFF\"}");
    if (!akira_fleet_app_connected()) return env_ret(io, -AKIRA_UP_ENOTCONN);
    return env_err(io, akira_fleet_app_publish(app->name, topic, js, (size_t)n, false, true));
}

aw_status akira_env_ha_light_poll(struct akira_app_ctx *app, aw_val *io)
{
    aw_status st;
    size_t n;
    bool trap;
    const char *s = str_arg(app, io[0].u32, &n, &trap);
    if (trap) return env_oob(app);
    for (int i = 1; i <= 5; i++) /* the five int pointers (`*`) */
        if (io[i].u32 && !env_in(app, io[i].u32, 4)) return env_oob(app);
    const char *obj = object_arg(app, io, io[0].u32, &st);
    if (!obj) return st;
    for (int i = 1; i <= 5; i++)
        if (!io[i].u32) return env_ret(io, -AKIRA_UP_EINVAL);
    char want[24 + OBJ_MAX];
    snprintf(want, sizeof(want), "light/%s/set", obj);
    (void)s;
    struct emsg m;
    bool got;
    /* upstream: a timeout <= 0 looks once, without waiting */
    st = wait_msg(app, want, io[6].i32, false, &m, &got);
    if (st != AW_OK || !got) return st != AW_OK ? st : env_ret(io, 0);
    int v[5];
    int fields = akira_env_ha_parse((const char *)m.data, m.len, &v[0], &v[1], &v[2], &v[3], &v[4]);
    /* state -> on, brightness, color -> r, g, b: only what the command holds */
    static const int bit[5] = {1, 2, 4, 4, 4};
    for (int i = 0; i < 5; i++) {
        if (!(fields & bit[i])) continue;
        int32_t x = v[i];
        memcpy(akira_bridge_mem(app, io[1 + i].u32, 4), &x, 4);
    }
    return env_ret(io, fields);
}

void akira_env_mqtt_app_end(struct akira_app_ctx *app)
{
    if (!lock_) return;
    char subs[APP_SUBS][TOPIC_MAX + 1];
    unsigned n = 0;
    akira_mutex_lock(lock_, AKIRA_FOREVER);
    struct session *s = akira_app_table_take(sessions, SLOTS, app);
    for (unsigned k = 0; s && k < APP_SUBS; k++)
        if (s->subs[k][0]) memcpy(subs[n++], s->subs[k], sizeof(subs[0]));
    nsubs -= n;
    if (s) akira_quota_realloc(app->quota, s, sizeof(*s), 0);
    akira_mutex_unlock(lock_);
    for (unsigned k = 0; k < n; k++)
        (void)akira_fleet_app_subscribe(app->name, subs[k], false);
}

/* -------------------------------------------------------- the command's JSON */

struct jp {
    const char *p, *end;
};

static void ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool lit(struct jp *j, char c)
{
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return true;
    }
    return false;
}

/* A string into out (cut to cap - 1; escapes kept as the escaped character). */
static bool jstr(struct jp *j, char *out, size_t cap)
{
    size_t n = 0;
    if (!lit(j, '"')) return false;
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if (c == '\\') {
            if (j->p >= j->end) return false;
            c = *j->p++;
        }
        if (n + 1 < cap) out[n++] = c;
    }
    if (cap) out[n] = '\0';
    return lit(j, '"');
}

/* A number (its integer part, saturated to 0..100000; a fraction or exponent skipped). */
static bool jnum(struct jp *j, long *out)
{
    ws(j);
    bool neg = j->p < j->end && *j->p == '-';
    if (neg) j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') return false;
    long v = 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        if (v < 100000) v = v * 10 + (*j->p - '0');
        j->p++;
    }
    while (j->p < j->end && (strchr(".eE+-", *j->p) || (*j->p >= '0' && *j->p <= '9')))
        j->p++;
    *out = neg ? -v : v;
    return true;
}

static bool jskip(struct jp *j, int depth)
{
    ws(j);
    if (j->p >= j->end || depth > 8) return false;
    char c = *j->p;
    if (c == '"') return jstr(j, NULL, 0);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        if (lit(j, close)) return true;
        do {
            if (c == '{' && (!jstr(j, NULL, 0) || !lit(j, ':'))) return false;
            if (!jskip(j, depth + 1)) return false;
        } while (lit(j, ','));
        return lit(j, close);
    }
    long v;
    if (c == '-' || (c >= '0' && c <= '9')) return jnum(j, &v);
    while (j->p < j->end && *j->p >= 'a' && *j->p <= 'z') /* true, false, null */
        j->p++;
    return true;
}

static int clamp255(long v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (int)v;
}

int akira_env_ha_parse(const char *json, size_t len, int *on, int *brightness, int *r, int *g,
                       int *b)
{
    struct jp j = {json, json + len};
    int fields = 0, v_on = 0, v_bri = 0, rgb[3] = {0, 0, 0};
    char key[16], val[8];
    if (!lit(&j, '{') || lit(&j, '}')) return 0;
    do {
        if (!jstr(&j, key, sizeof(key)) || !lit(&j, ':')) return 0;
        ws(&j);
        long v;
        if (!strcmp(key, "state") && j.p < j.end && *j.p == '"') {
            if (!jstr(&j, val, sizeof(val))) return 0;
            if (!strcmp(val, "ON") || !strcmp(val, "OFF")) {
                v_on = val[1] == 'N';
                fields |= 1;
            }
        } else if (!strcmp(key, "brightness") && j.p < j.end &&
                   (*j.p == '-' || (*j.p >= '0' && *j.p <= '9'))) {
            if (!jnum(&j, &v)) return 0;
            v_bri = clamp255(v);
            fields |= 2;
        } else if (!strcmp(key, "color") && j.p < j.end && *j.p == '{') {
            int c[3] = {0, 0, 0}, have = 0;
            j.p++;
            if (!lit(&j, '}')) {
                do {
                    char k[8];
                    if (!jstr(&j, k, sizeof(k)) || !lit(&j, ':')) return 0;
                    int idx = !strcmp(k, "r") ? 0 : !strcmp(k, "g") ? 1 : !strcmp(k, "b") ? 2 : -1;
                    ws(&j);
                    bool number = j.p < j.end && (*j.p == '-' || (*j.p >= '0' && *j.p <= '9'));
                    if (idx >= 0 && number) {
                        if (!jnum(&j, &v)) return 0;
                        c[idx] = clamp255(v);
                        have |= 1 << idx;
                    } else if (!jskip(&j, 1)) {
                        return 0;
                    }
                } while (lit(&j, ','));
                if (!lit(&j, '}')) return 0;
            }
            if (have == 7) {
                memcpy(rgb, c, sizeof(rgb));
                fields |= 4;
            }
        } else if (!jskip(&j, 0)) {
            return 0;
        }
    } while (lit(&j, ','));
    if (!lit(&j, '}')) return 0;
    ws(&j);
    if (j.p != j.end) return 0; /* one object, nothing after it */
    if (fields & 1) *on = v_on;
    if (fields & 2) *brightness = v_bri;
    if (fields & 4) {
        *r = rgb[0];
        *g = rgb[1];
        *b = rgb[2];
    }
    return fields;
}

/*
 * API module "mqtt" (capability "mqtt", docs/runtime_api.md, docs/fleet.md): an app
 * publishes and subscribes through the fleet's MQTT connection, under its own prefix
 * akira/<device>/app/<app>/, on the topics its manifest's mqtt_topics covers.
 *
 *   mqtt_publish(topic i32, tlen i32, data i32, len i32, flags i32) -> i32
 *        0 | EINVAL (topic syntax, flags) | EFAULT | EACCES (not in mqtt_topics)
 *        | ETOOBIG (over AKIRA_API_MQTT_MSG_MAX) | ENOTCONN (the fleet is not connected)
 *        flags: bit 0 = QoS 1, bit 1 = retain
 *   mqtt_subscribe(topic i32, tlen i32) -> i32   subscription id (1..) | EINVAL | EFAULT
 *        | EACCES | EEXIST | ENOSPC | ESTATE (the fleet is off). A topic, or PREFIX/ `*`
 *        for everything below PREFIX.
 *   mqtt_unsubscribe(id i32) -> i32              0 | ENOENT
 *   mqtt_recv(id i32, buf i32, cap i32) -> i32   the oldest message's length (copied)
 *        | EAGAIN (none) | ERANGE (cap too small: it stays queued) | EFAULT | ENOENT
 *
 * A message that arrives posts AKIRA_EVENT_MQTT (a = id, b = length) and waits in the
 * subscription's ring (AKIRA_API_MQTT_QUEUE messages; more are dropped and counted).
 * Every subscription of an app is removed when it ends (app_end).
 */
#include <string.h>

#include <akira/bridge.h>
#include <akira/err.h>
#include <akira/fleet.h>
#include <akira/manifest.h>
#include <akira/mutex.h>

#include <akira/api_mqtt.h>

struct msg {
    uint32_t len;
    uint8_t data[AKIRA_API_MQTT_MSG_MAX];
};

struct sub {
    struct akira_app_ctx *app; /* NULL: free */
    uint32_t id;
    char topic[AKIRA_MANIFEST_TOPIC_MAX + 3];
    uint32_t head, count, dropped;
    struct msg ring[AKIRA_API_MQTT_QUEUE];
};

static akira_mutex_t *lock_;
static struct sub subs[AKIRA_API_MQTT_SUBS_MAX];
static uint32_t next_id;

/* A topic as the app names it: the manifest's topic syntax, or PREFIX/ `*`. */
static int topic_ok(const char *t, size_t n)
{
    if (n >= 3 && t[n - 1] == '*' && t[n - 2] == '/') n -= 2;
    return akira_manifest_topic_check(t, n);
}

static const char *app_topic(struct akira_app_ctx *app, uint32_t ptr, uint32_t len, int *err)
{
    const char *t = akira_bridge_mem(app, ptr, len);
    if (!t) {
        *err = AKIRA_EFAULT;
        return NULL;
    }
    if (len > AKIRA_MANIFEST_TOPIC_MAX + 2 || topic_ok(t, len)) {
        *err = AKIRA_EINVAL;
        return NULL;
    }
    if (!akira_manifest_mqtt_allowed(app->manifest, t, len)) {
        akira_bridge_log(app, AKIRA_LOG_WARN, "mqtt: '%.*s' is not in mqtt_topics", (int)len, t);
        *err = AKIRA_EACCES;
        return NULL;
    }
    return t;
}

static aw_status api_publish(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t tp = io[0].u32, tl = io[1].u32, dp = io[2].u32, dl = io[3].u32, flags = io[4].u32;
    int err = 0;
    const char *t = app_topic(app, tp, tl, &err);
    const void *data = akira_bridge_mem(app, dp, dl);
    if (!t) {
        io[0].i32 = err;
    } else if (!data && dl) {
        io[0].i32 = AKIRA_EFAULT;
    } else if (flags > 3 || (tl >= 1 && t[tl - 1] == '*')) {
        io[0].i32 = AKIRA_EINVAL;
    } else if (dl > AKIRA_API_MQTT_MSG_MAX) {
        io[0].i32 = AKIRA_ETOOBIG;
    } else {
        char topic[AKIRA_MANIFEST_TOPIC_MAX + 3];
        memcpy(topic, t, tl);
        topic[tl] = '\0';
        io[0].i32 = akira_fleet_app_publish(app->name, topic, data, dl, flags & 1, flags & 2);
    }
    return AW_OK;
}

static aw_status api_subscribe(struct akira_app_ctx *app, aw_val *io)
{
    int err = 0;
    uint32_t tl = io[1].u32;
    const char *t = app_topic(app, io[0].u32, tl, &err);
    if (!t) {
        io[0].i32 = err;
        return AW_OK;
    }
    char topic[AKIRA_MANIFEST_TOPIC_MAX + 3];
    memcpy(topic, t, tl);
    topic[tl] = '\0';
    akira_mutex_lock(lock_, AKIRA_FOREVER);
    struct sub *free_slot = NULL;
    int rc = 0;
    for (size_t i = 0; i < AKIRA_API_MQTT_SUBS_MAX; i++) {
        if (subs[i].app == app && !strcmp(subs[i].topic, topic)) rc = AKIRA_EEXIST;
        if (!subs[i].app && !free_slot) free_slot = &subs[i];
    }
    if (!rc && !free_slot) rc = AKIRA_ENOSPC;
    if (!rc) { /* reserved, with no id yet: nothing is delivered to it */
        memset(free_slot, 0, sizeof(*free_slot));
        free_slot->app = app;
        memcpy(free_slot->topic, topic, tl + 1);
    }
    akira_mutex_unlock(lock_);
    /* The fleet's calls are made without this lock (its thread delivers under it). */
    if (!rc) rc = akira_fleet_app_subscribe(app->name, topic, true);
    if (free_slot) {
        akira_mutex_lock(lock_, AKIRA_FOREVER);
        if (rc) {
            free_slot->app = NULL;
        } else {
            if (++next_id > 0x7FFFFFFF) next_id = 1;
            free_slot->id = next_id;
            rc = (int)next_id;
        }
        akira_mutex_unlock(lock_);
    }
    io[0].i32 = rc;
    return AW_OK;
}

static struct sub *find(struct akira_app_ctx *app, int32_t id)
{
    for (size_t i = 0; i < AKIRA_API_MQTT_SUBS_MAX; i++)
        if (subs[i].app == app && subs[i].id && (int32_t)subs[i].id == id) return &subs[i];
    return NULL;
}

/* Frees the app's subscription id (every one with id 0) and tells the fleet after the
 * lock is released. Returns how many were removed. */
static int drop(struct akira_app_ctx *app, int32_t id)
{
    char topics[AKIRA_API_MQTT_SUBS_MAX][AKIRA_MANIFEST_TOPIC_MAX + 3];
    int n = 0;
    akira_mutex_lock(lock_, AKIRA_FOREVER);
    for (size_t i = 0; i < AKIRA_API_MQTT_SUBS_MAX; i++) {
        struct sub *s = &subs[i];
        if (s->app != app || !s->id || (id && (int32_t)s->id != id)) continue;
        memcpy(topics[n++], s->topic, sizeof(s->topic));
        s->app = NULL;
    }
    akira_mutex_unlock(lock_);
    for (int i = 0; i < n; i++)
        (void)akira_fleet_app_subscribe(app->name, topics[i], false);
    return n;
}

static aw_status api_unsubscribe(struct akira_app_ctx *app, aw_val *io)
{
    io[0].i32 = io[0].i32 > 0 && drop(app, io[0].i32) ? 0 : AKIRA_ENOENT;
    return AW_OK;
}

static aw_status api_recv(struct akira_app_ctx *app, aw_val *io)
{
    int32_t id = io[0].i32;
    uint32_t cap = io[2].u32;
    uint8_t *buf = akira_bridge_mem(app, io[1].u32, cap);
    if (!buf && cap) {
        io[0].i32 = AKIRA_EFAULT;
        return AW_OK;
    }
    akira_mutex_lock(lock_, AKIRA_FOREVER);
    struct sub *s = find(app, id);
    int rc;
    if (!s) {
        rc = AKIRA_ENOENT;
    } else if (!s->count) {
        rc = AKIRA_EAGAIN;
    } else {
        struct msg *m = &s->ring[s->head];
        if (m->len > cap) {
            rc = AKIRA_ERANGE;
        } else {
            if (m->len) memcpy(buf, m->data, m->len);
            rc = (int)m->len;
            s->head = (s->head + 1) % AKIRA_API_MQTT_QUEUE;
            s->count--;
        }
    }
    akira_mutex_unlock(lock_);
    io[0].i32 = rc;
    return AW_OK;
}

static bool covers(const char *pattern, const char *topic, size_t len)
{
    size_t n = strlen(pattern);
    if (n >= 2 && pattern[n - 1] == '*')
        return len > n - 1 && !memcmp(pattern, topic, n - 1); /* "x/" then more */
    return n == len && !memcmp(pattern, topic, len);
}

void akira_api_mqtt_deliver(const char *app, const char *topic, size_t tlen, const uint8_t *data,
                            size_t len)
{
    if (!lock_) return;
    akira_mutex_lock(lock_, AKIRA_FOREVER);
    for (size_t i = 0; i < AKIRA_API_MQTT_SUBS_MAX; i++) {
        struct sub *s = &subs[i];
        if (!s->app || !s->id || strcmp(s->app->name, app) || !covers(s->topic, topic, tlen))
            continue;
        if (s->count == AKIRA_API_MQTT_QUEUE || len > AKIRA_API_MQTT_MSG_MAX) {
            s->dropped++;
            continue;
        }
        struct msg *m = &s->ring[(s->head + s->count) % AKIRA_API_MQTT_QUEUE];
        m->len = (uint32_t)len;
        if (len) memcpy(m->data, data, len);
        s->count++;
        struct akira_event e = {AKIRA_EVENT_MQTT, s->id, (uint32_t)len, 0};
        akira_evq_post(s->app->evq, &e);
    }
    akira_mutex_unlock(lock_);
}

static void mqtt_app_end(struct akira_app_ctx *app)
{
    if (lock_) (void)drop(app, 0);
}

static const struct akira_bridge_entry entries[] = {
    {"mqtt_publish", "(iiiii)i", AKIRA_CAP_MQTT, api_publish},
    {"mqtt_subscribe", "(ii)i", AKIRA_CAP_MQTT, api_subscribe},
    {"mqtt_unsubscribe", "(i)i", AKIRA_CAP_MQTT, api_unsubscribe},
    {"mqtt_recv", "(iii)i", AKIRA_CAP_MQTT, api_recv},
};

static const struct akira_bridge_module mqtt_module = {
    .name = "mqtt",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = mqtt_app_end,
};

int akira_api_mqtt_register(void)
{
    if (!lock_) {
        int rc = akira_mutex_create(&lock_);
        if (rc) return rc;
    }
    return akira_bridge_register(&mqtt_module);
}

size_t akira_api_mqtt_bytes(void)
{
    return sizeof(subs);
}

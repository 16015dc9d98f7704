/*
 * API module "ipc": publish/subscribe topics between apps (akira/app_ipc.h), capability
 * "ipc".
 *
 *   ipc_subscribe(topic i32, len i32) -> i32
 *        subscription id (1..AKIRA_IPC_SUBS_PER_APP) | EINVAL | ENAMETOOLONG (topic)
 *        | EFAULT | EACCES (not in ipc_subscribe) | EEXIST (already subscribed) | ENOSPC (app or
 * system table full) | EQUOTA (its ring does not fit memory_quota) ipc_unsubscribe(id i32) -> i32
 * 0 | ENOENT ipc_publish(topic i32, tlen i32, data i32, len i32) -> i32 subscribers reached (>= 0)
 * | EINVAL | ENAMETOOLONG | EFAULT | ETOOBIG | EACCES (not in ipc_publish) ipc_recv(id i32, buf
 * i32, cap i32) -> i32 message length (copied to buf) | EAGAIN (none waiting) | ERANGE (cap smaller
 *        than the next message: it stays queued) | EFAULT | ENOENT
 *   ipc_dropped(id i32) -> i32                messages dropped for it so far | ENOENT
 *
 * Every range the app passes is checked against its memory before anything is taken
 * or queued, so a bad pointer loses no message. Then the topic must be covered by the
 * manifest's ipc_subscribe / ipc_publish list (akira/manifest.h; topics under "sys/"
 * are never an app's to publish on): else EACCES, counted and logged. The app's memory cannot move
 * during a call (only its own thread grows it), so copies into it under the IPC lock are safe.
 */
#include <stdatomic.h>
#include <string.h>

#include <akira/app_ipc.h>
#include <akira/bridge.h>
#include <akira/err.h>
#include <akira/manifest.h>
#include <akira/mutex.h>

/* One message of a ring: its length, then msg_max bytes (the subscriber's size). */
#define MSG_HDR        4u
#define SLOT_SIZE(max) (MSG_HDR + (max))
#define RING_SIZE(max) (AKIRA_IPC_QUEUE_DEPTH * SLOT_SIZE(max))

struct ipc_sub {
    struct akira_app_ctx *app; /* NULL: a native subscriber (native_pool) */
    uint32_t id;
    char topic[AKIRA_IPC_TOPIC_MAX + 1];
    uint32_t head, count;
    uint32_t msg_max; /* AKIRA_IPC_MSG_MAX, or AKIRA_IPC_COMPAT_MSG_MAX for an env app */
    uint64_t delivered, dropped;
    uint8_t *ring; /* AKIRA_IPC_QUEUE_DEPTH slots, allocated with the subscription */
};

/* The largest message an app may publish and its subscriptions hold: upstream's 256
 * bytes for apps with an upstream manifest (akira/compat.h), ours otherwise. */
static uint32_t app_msg_max(const struct akira_app_ctx *app)
{
    return app && app->manifest && app->manifest->compat ? AKIRA_IPC_COMPAT_MSG_MAX
                                                         : AKIRA_IPC_MSG_MAX;
}

static uint8_t *slot_at(const struct ipc_sub *s, uint32_t i)
{
    return s->ring + (size_t)(i % AKIRA_IPC_QUEUE_DEPTH) * SLOT_SIZE(s->msg_max);
}

/* Drops of ended subscriptions, per app name, so the per-app figure survives a stop. */
struct drop_history {
    char app[AKIRA_APP_NAME_MAX + 1];
    uint64_t dropped;
};

static _Atomic(akira_mutex_t *) ipc_lock_;
static struct ipc_sub *subs[AKIRA_IPC_SUBS_MAX];
static struct drop_history history[2 * AKIRA_IPC_SUBS_MAX];
/* Native subscribers have no quota to charge: their rings are static. */
static struct ipc_sub native_pool[AKIRA_IPC_NATIVE_SUBS_MAX];
static uint8_t native_rings[AKIRA_IPC_NATIVE_SUBS_MAX][RING_SIZE(AKIRA_IPC_MSG_MAX)];
static bool native_used[AKIRA_IPC_NATIVE_SUBS_MAX];

/* The lock is made on first use (the kernel must be up by then); two threads racing
 * to make it keep one. */
static akira_mutex_t *ipc_lock(void)
{
    akira_mutex_t *m = atomic_load(&ipc_lock_);
    if (m) return m;
    akira_mutex_t *mine;
    if (akira_mutex_create(&mine) != 0) return NULL;
    if (!atomic_compare_exchange_strong(&ipc_lock_, &m, mine)) {
        akira_mutex_destroy(mine);
        return m;
    }
    return mine;
}

static bool lock(void)
{
    akira_mutex_t *m = ipc_lock();
    return m && akira_mutex_lock(m, AKIRA_FOREVER) == 0;
}

static void unlock(void)
{
    akira_mutex_unlock(atomic_load(&ipc_lock_));
}

_Static_assert(AKIRA_IPC_TOPIC_MAX == AKIRA_MANIFEST_TOPIC_MAX, "one topic size");

int akira_ipc_topic_check(const char *topic, size_t len)
{
    return akira_manifest_topic_check(topic, len);
}

/* A topic the manifest's list does not cover (topic ownership, issue 21): counted and
 * logged like a capability denial (the first 8, then every 64th). AKIRA_EACCES. */
static int topic_denied(struct akira_app_ctx *app, bool publish, const char *topic, size_t len)
{
    uint_fast64_t n = atomic_fetch_add_explicit(&app->denied_calls, 1, memory_order_relaxed) + 1;
    if (n <= 8 || n % 64 == 0)
        akira_bridge_log(app, AKIRA_LOG_WARN,
                         "denied: ipc %s %.*s is not in the manifest's %s (%llu denied)",
                         publish ? "publish on" : "subscribe to", (int)len, topic,
                         publish ? "ipc_publish" : "ipc_subscribe", (unsigned long long)n);
    return AKIRA_EACCES;
}

static bool topic_is(const struct ipc_sub *s, const char *topic, size_t len)
{
    return strlen(s->topic) == len && memcmp(s->topic, topic, len) == 0;
}

/* Queue one message for every subscriber of topic. Lock held. */
static int deliver(const char *topic, size_t tlen, const void *data, size_t len)
{
    int reached = 0;
    for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX; i++) {
        struct ipc_sub *s = subs[i];
        if (!s || !topic_is(s, topic, tlen)) continue;
        /* A full ring, or a message longer than this subscriber takes (an env app's
         * 256 bytes to one of ours): dropped for it alone. */
        if (s->count == AKIRA_IPC_QUEUE_DEPTH || len > s->msg_max) {
            s->dropped++;
            continue;
        }
        uint8_t *m = slot_at(s, s->head + s->count);
        uint32_t l32 = (uint32_t)len;
        memcpy(m, &l32, MSG_HDR);
        if (len) memcpy(m + MSG_HDR, data, len);
        s->count++;
        s->delivered++;
        reached++;
        /* The event only wakes the app; the message itself waits in the ring, so a
         * full event queue loses a wake-up, never the message. */
        struct akira_event e = {AKIRA_EVENT_IPC, s->id, (uint32_t)len, 0};
        if (s->app) akira_evq_post(s->app->evq, &e);
    }
    return reached;
}

int akira_ipc_publish(const char *topic, const void *data, size_t len)
{
    if (!topic) return AKIRA_EINVAL;
    size_t tlen = strnlen(topic, AKIRA_IPC_TOPIC_MAX + 1);
    int rc = akira_ipc_topic_check(topic, tlen);
    if (rc != 0) return rc;
    if (len > AKIRA_IPC_MSG_MAX) return AKIRA_ETOOBIG;
    if (len && !data) return AKIRA_EINVAL;
    if (!lock()) return AKIRA_ENOMEM;
    rc = deliver(topic, tlen, data, len);
    unlock();
    return rc;
}

static struct ipc_sub *find_sub(struct akira_app_ctx *app, int32_t id)
{
    for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX; i++)
        if (subs[i] && subs[i]->app == app && (int32_t)subs[i]->id == id) return subs[i];
    return NULL;
}

static void history_add(const char *app, uint64_t dropped)
{
    struct drop_history *free_slot = NULL;
    for (size_t i = 0; i < sizeof(history) / sizeof(history[0]); i++) {
        if (history[i].app[0] == '\0') {
            if (!free_slot) free_slot = &history[i];
        } else if (strcmp(history[i].app, app) == 0) {
            history[i].dropped += dropped;
            return;
        }
    }
    if (!free_slot) return; /* more app names than slots: the live figures stay right */
    strncpy(free_slot->app, app, AKIRA_APP_NAME_MAX);
    free_slot->dropped = dropped;
}

/* Remove subscription slot i. Lock held; runs on the owning app's thread (quota). */
static void sub_remove(size_t i)
{
    struct ipc_sub *s = subs[i];
    subs[i] = NULL;
    if (s->app) {
        if (s->dropped) history_add(s->app->name, s->dropped);
        akira_quota_realloc(s->app->quota, s, sizeof(*s) + RING_SIZE(s->msg_max), 0);
    } else {
        native_used[s - native_pool] = false;
    }
}

/* Take the oldest message of s into buf[0..cap). Lock held. */
static int take(struct ipc_sub *s, void *buf, size_t cap)
{
    if (s->count == 0) return AKIRA_EAGAIN;
    const uint8_t *m = slot_at(s, s->head);
    uint32_t len;
    memcpy(&len, m, MSG_HDR);
    if (len > cap) return AKIRA_ERANGE;
    if (len) memcpy(buf, m + MSG_HDR, len);
    s->head = (s->head + 1) % AKIRA_IPC_QUEUE_DEPTH;
    s->count--;
    return (int)len;
}

/* A valid topic in app memory: its host pointer, or NULL with *rc set. */
static const char *app_topic(struct akira_app_ctx *app, uint32_t ptr, uint32_t len, int *rc)
{
    if (len > AKIRA_IPC_TOPIC_MAX) {
        /* Even an overlong name must lie in memory: a wild pointer is EFAULT first. */
        *rc = akira_bridge_mem(app, ptr, len) ? AKIRA_ENAMETOOLONG : AKIRA_EFAULT;
        return NULL;
    }
    const char *t = akira_bridge_mem(app, ptr, len);
    if (!t) {
        *rc = AKIRA_EFAULT;
        return NULL;
    }
    *rc = akira_ipc_topic_check(t, len);
    return *rc == 0 ? t : NULL;
}

static aw_status api_subscribe(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[1].u32;
    int rc;
    const char *topic = app_topic(app, io[0].u32, len, &rc);
    if (!topic) {
        io[0].i32 = rc;
        return AW_OK;
    }
    if (!akira_manifest_topic_allowed(app->manifest, false, topic, len)) {
        io[0].i32 = topic_denied(app, false, topic, len);
        return AW_OK;
    }
    if (!lock()) {
        io[0].i32 = AKIRA_ENOMEM;
        return AW_OK;
    }
    size_t free_slot = AKIRA_IPC_SUBS_MAX;
    uint32_t used_ids = 0; /* bit id-1 set when the app uses id */
    rc = 0;
    for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX; i++) {
        struct ipc_sub *s = subs[i];
        if (!s) {
            if (free_slot == AKIRA_IPC_SUBS_MAX) free_slot = i;
        } else if (s->app == app) {
            used_ids |= 1u << (s->id - 1);
            if (topic_is(s, topic, len)) rc = AKIRA_EEXIST;
        }
    }
    uint32_t id = 1;
    while (id <= AKIRA_IPC_SUBS_PER_APP && (used_ids & (1u << (id - 1))))
        id++;
    if (rc == 0 && (id > AKIRA_IPC_SUBS_PER_APP || free_slot == AKIRA_IPC_SUBS_MAX))
        rc = AKIRA_ENOSPC;
    struct ipc_sub *s = NULL;
    uint32_t max = app_msg_max(app);
    if (rc == 0) {
        s = akira_quota_realloc(app->quota, NULL, 0, sizeof(*s) + RING_SIZE(max));
        if (!s) rc = AKIRA_EQUOTA;
    }
    if (rc == 0) {
        memset(s, 0, sizeof(*s));
        s->msg_max = max;
        s->ring = (uint8_t *)(s + 1);
        s->app = app;
        s->id = id;
        memcpy(s->topic, topic, len);
        subs[free_slot] = s;
    }
    unlock();
    io[0].i32 = rc == 0 ? (int32_t)id : rc;
    return AW_OK;
}

static aw_status api_unsubscribe(struct akira_app_ctx *app, aw_val *io)
{
    int32_t id = io[0].i32;
    int rc = AKIRA_ENOENT;
    if (lock()) {
        for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX; i++) {
            if (subs[i] && subs[i]->app == app && (int32_t)subs[i]->id == id) {
                sub_remove(i);
                rc = 0;
                break;
            }
        }
        unlock();
    }
    io[0].i32 = rc;
    return AW_OK;
}

static aw_status api_publish(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t tlen = io[1].u32, dptr = io[2].u32, len = io[3].u32;
    int rc;
    const char *topic = app_topic(app, io[0].u32, tlen, &rc);
    if (!topic) {
        io[0].i32 = rc;
        return AW_OK;
    }
    const void *data = akira_bridge_mem(app, dptr, len);
    if (!data) {
        io[0].i32 = AKIRA_EFAULT;
        return AW_OK;
    }
    if (len > app_msg_max(app)) {
        io[0].i32 = AKIRA_ETOOBIG;
        return AW_OK;
    }
    if (!akira_manifest_topic_allowed(app->manifest, true, topic, tlen)) {
        io[0].i32 = topic_denied(app, true, topic, tlen);
        return AW_OK;
    }
    if (!lock()) {
        io[0].i32 = AKIRA_ENOMEM;
        return AW_OK;
    }
    io[0].i32 = deliver(topic, tlen, data, len);
    unlock();
    return AW_OK;
}

static aw_status api_recv(struct akira_app_ctx *app, aw_val *io)
{
    int32_t id = io[0].i32;
    uint32_t ptr = io[1].u32, cap = io[2].u32;
    uint8_t *buf = akira_bridge_mem(app, ptr, cap);
    if (!buf) {
        io[0].i32 = AKIRA_EFAULT;
        return AW_OK;
    }
    if (!lock()) {
        io[0].i32 = AKIRA_ENOMEM;
        return AW_OK;
    }
    struct ipc_sub *s = find_sub(app, id);
    int rc = s ? take(s, buf, cap) : AKIRA_ENOENT;
    unlock();
    io[0].i32 = rc;
    return AW_OK;
}

static aw_status api_dropped(struct akira_app_ctx *app, aw_val *io)
{
    int32_t id = io[0].i32;
    int64_t n = AKIRA_ENOENT;
    if (lock()) {
        struct ipc_sub *s = find_sub(app, id);
        if (s) n = s->dropped > INT32_MAX ? INT32_MAX : (int64_t)s->dropped;
        unlock();
    }
    io[0].i32 = (int32_t)n;
    return AW_OK;
}

static void ipc_app_end(struct akira_app_ctx *app)
{
    if (!atomic_load(&ipc_lock_)) return; /* never used: nothing to drop */
    if (!lock()) return;
    for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX; i++)
        if (subs[i] && subs[i]->app == app) sub_remove(i);
    unlock();
}

int akira_ipc_native_subscribe(const char *topic)
{
    if (!topic) return AKIRA_EINVAL;
    size_t len = strnlen(topic, AKIRA_IPC_TOPIC_MAX + 1);
    int rc = akira_ipc_topic_check(topic, len);
    if (rc != 0) return rc;
    if (!lock()) return AKIRA_ENOMEM;
    size_t slot = AKIRA_IPC_SUBS_MAX, pool = AKIRA_IPC_NATIVE_SUBS_MAX;
    for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX && slot == AKIRA_IPC_SUBS_MAX; i++)
        if (!subs[i]) slot = i;
    for (size_t i = 0; i < AKIRA_IPC_NATIVE_SUBS_MAX && pool == AKIRA_IPC_NATIVE_SUBS_MAX; i++)
        if (!native_used[i]) pool = i;
    if (slot == AKIRA_IPC_SUBS_MAX || pool == AKIRA_IPC_NATIVE_SUBS_MAX) {
        rc = AKIRA_ENOSPC;
    } else {
        struct ipc_sub *s = &native_pool[pool];
        memset(s, 0, sizeof(*s));
        s->msg_max = AKIRA_IPC_MSG_MAX;
        s->ring = native_rings[pool];
        s->id = (uint32_t)pool + 1;
        memcpy(s->topic, topic, len);
        native_used[pool] = true;
        subs[slot] = s;
        rc = (int)s->id;
    }
    unlock();
    return rc;
}

int akira_ipc_native_recv(int id, void *buf, size_t cap)
{
    if (cap && !buf) return AKIRA_EINVAL;
    if (!lock()) return AKIRA_ENOMEM;
    struct ipc_sub *s = find_sub(NULL, id);
    int rc = s ? take(s, buf, cap) : AKIRA_ENOENT;
    unlock();
    return rc;
}

int akira_ipc_native_unsubscribe(int id)
{
    if (!lock()) return AKIRA_ENOMEM;
    int rc = AKIRA_ENOENT;
    for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX && rc != 0; i++) {
        if (subs[i] && !subs[i]->app && (int)subs[i]->id == id) {
            sub_remove(i);
            rc = 0;
        }
    }
    unlock();
    return rc;
}

size_t akira_ipc_list(struct akira_ipc_sub_info *out, size_t max)
{
    size_t n = 0;
    if (!lock()) return 0;
    for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX; i++) {
        const struct ipc_sub *s = subs[i];
        if (!s) continue;
        if (n < max) {
            struct akira_ipc_sub_info *o = &out[n];
            memset(o, 0, sizeof(*o));
            strncpy(o->app, s->app ? s->app->name : "system", AKIRA_APP_NAME_MAX);
            memcpy(o->topic, s->topic, sizeof(o->topic));
            o->id = s->id;
            o->queued = s->count;
            o->delivered = s->delivered;
            o->dropped = s->dropped;
        }
        n++;
    }
    unlock();
    return n;
}

uint64_t akira_ipc_app_dropped(const char *name)
{
    uint64_t n = 0;
    if (!name || !lock()) return 0;
    for (size_t i = 0; i < AKIRA_IPC_SUBS_MAX; i++)
        if (subs[i] && subs[i]->app && strcmp(subs[i]->app->name, name) == 0) n += subs[i]->dropped;
    for (size_t i = 0; i < sizeof(history) / sizeof(history[0]); i++)
        if (strcmp(history[i].app, name) == 0) n += history[i].dropped;
    unlock();
    return n;
}

static const struct akira_bridge_entry entries[] = {
    {"ipc_subscribe", "(ii)i", AKIRA_CAP_IPC, api_subscribe},
    {"ipc_unsubscribe", "(i)i", AKIRA_CAP_IPC, api_unsubscribe},
    {"ipc_publish", "(iiii)i", AKIRA_CAP_IPC, api_publish},
    {"ipc_recv", "(iii)i", AKIRA_CAP_IPC, api_recv},
    {"ipc_dropped", "(i)i", AKIRA_CAP_IPC, api_dropped},
};

const struct akira_bridge_module akira_api_ipc = {
    .name = "ipc",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = ipc_app_end,
    .import_module = NULL, /* "akira" */
};

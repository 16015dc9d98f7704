/*
 * API module "mesh": apps on different nodes talk across AkiraMesh the way IPC connects
 * apps on one node (docs/runtime_api.md "mesh"), capability "mesh", narrowed to the
 * manifest's `mesh_topics`. Added to the bridge at boot (akira_mesh_api_register).
 *
 *   mesh_id() -> i32                       this node's id | ESTATE (mesh down)
 *   mesh_subscribe(topic i32, len i32) -> i32
 *        subscription id 1..4 | EINVAL/ENAMETOOLONG (topic) | EFAULT | EACCES (not in
 *        mesh_topics) | EEXIST | ENOSPC (4 held) | EQUOTA
 *   mesh_send(dst i32, topic i32, tlen i32, data i32, len i32) -> i32
 *        unicast (dst 1..0xFFFE): its sequence number (>= 0), the end of which comes as
 *        AKIRA_EVENT_MESH {a = 2, b = seq, c = status}; broadcast (dst 0xFFFF): 0.
 *        EINVAL (dst 0) | EFAULT | ETOOBIG (len > 256) | EACCES (topic) | ESTATE (mesh
 *        down) | EBUSY (4 unicasts of this app await their end) | ENOSPC (the node's
 *        queues are full: retry) | EQUOTA
 *   mesh_recv(buf i32, cap i32, info i32) -> i32
 *        length | EAGAIN (none) | ERANGE (cap too small: it stays queued) | EFAULT;
 *        info (40 bytes) = {origin u16, hops u8, broadcast u8, subscription u8,
 *        topic length u8, 0 u16, topic [32]}
 *   mesh_neighbours(buf i32, max i32) -> i32
 *        neighbours (all of them; the first max are written, 8 bytes each: id u16,
 *        rssi i8, lq_in u8, lq_out u8, 0, cost u16 in 1/16) | EFAULT | EINVAL
 *   mesh_dropped() -> i32                  messages lost to this app's full queue
 *
 * On the air a message is AKIRA_MESH_PORT_APP with `topic length (1), topic, data`.
 * A message for a subscribed topic is queued for each subscribing app (QDEPTH per app;
 * when full the new one is dropped and counted) and posts AKIRA_EVENT_MESH {a = 1,
 * b = subscription id, c = length}; the event only wakes the app. Every pointer is
 * checked before anything is sent or taken. An app's state (its queue, about 2.5 KiB)
 * comes from its memory_quota at its first subscribe or send and is freed when it ends.
 * Upstream's mesh_* of import module "env" (compat_mesh.c, registered with this module)
 * use the same sessions through api_mesh_priv.h, on one topic: the app's name.
 */
#include <stdatomic.h>
#include <string.h>

#include <akira/app_table.h>
#include <akira/board_config.h>
#include <akira/bridge.h>
#include <akira/err.h>
#include <akira/manifest.h>
#include <akira/mesh_service.h>
#include <akira/mutex.h>

#include "api_mesh_priv.h"

#define SUBS     4u
#define QDEPTH   8u
#define MSG_MAX  256u /* app bytes of one message (AKIRA_MESH_APP_MSG_MAX in the SDK) */
#define TOPIC    AKIRA_MANIFEST_TOPIC_MAX
#define INFLIGHT 4u
#define NBR_SIZE 8u
#define INFO_LEN 40u
#define SLOTS    AKIRA_BOARD_APPS_RUNNING_MAX

_Static_assert(1u + TOPIC + MSG_MAX <= AKIRA_MESH_MSG_MAX, "an app message fits a mesh message");

struct amsg {
    uint16_t origin, len;
    uint8_t hops, bcast, sub, tlen;
    char topic[TOPIC];
    uint8_t data[MSG_MAX];
};

struct session {
    struct akira_app_ctx *app;
    char subs[SUBS][TOPIC + 1]; /* "" : free */
    unsigned head, count;
    uint32_t dropped;
    struct inflight {
        bool used;
        uint16_t dst, seq;
    } inflight[INFLIGHT];
    struct amsg ring[QDEPTH];
};

static _Atomic(akira_mutex_t *) lock_;
AKIRA_APP_TABLE_STATE(struct session);
static void *sessions[SLOTS]; /* struct session (akira/app_table.h) */

static bool lock(void)
{
    akira_mutex_t *m = atomic_load(&lock_);
    if (!m) {
        akira_mutex_t *mine;
        if (akira_mutex_create(&mine) != 0) return false;
        if (atomic_compare_exchange_strong(&lock_, &m, mine)) {
            m = mine;
        } else {
            akira_mutex_destroy(mine);
        }
    }
    return akira_mutex_lock(m, AKIRA_FOREVER) == 0;
}

static void unlock(void)
{
    akira_mutex_unlock(atomic_load(&lock_));
}

static aw_status ret(aw_val *io, int32_t v)
{
    io[0].i32 = v;
    return AW_OK;
}

/* The app's session (lock held), made from its quota when make; NULL and *rc. */
static struct session *session_of(struct akira_app_ctx *app, bool make, int *rc)
{
    return akira_app_table_get(sessions, SLOTS, app, sizeof(struct session), make, rc);
}

/* A topic (host bytes) checked and allowed: 0 or our code (the denial counted). */
static int topic_allowed(struct akira_app_ctx *app, const char *t, size_t len)
{
    int rc = akira_manifest_topic_check(t, len);
    if (rc) return rc;
    if (!akira_manifest_mesh_topic_allowed(app->manifest, t, len)) {
        uint_fast64_t n =
            atomic_fetch_add_explicit(&app->denied_calls, 1, memory_order_relaxed) + 1;
        if (n <= 8 || n % 64 == 0)
            akira_bridge_log(app, AKIRA_LOG_WARN,
                             "denied: mesh topic %.*s is not in the manifest's mesh_topics "
                             "(%llu denied)",
                             (int)len, t, (unsigned long long)n);
        return AKIRA_EACCES;
    }
    return 0;
}

/* The mesh thread, node unlocked: one app message for this node. */
static void on_message(void *ctx, uint16_t origin, uint16_t dst, const uint8_t *data, size_t len,
                       uint8_t hops)
{
    (void)ctx;
    if (len < 1) return;
    size_t tlen = data[0];
    if (tlen == 0 || tlen > TOPIC || 1 + tlen > len || len - 1 - tlen > MSG_MAX) return;
    const char *topic = (const char *)data + 1;
    if (akira_manifest_topic_check(topic, tlen) != 0 || !lock()) return;
    size_t n = len - 1 - tlen;
    for (size_t i = 0; i < SLOTS; i++) {
        struct session *s = sessions[i];
        for (unsigned k = 0; s && k < SUBS; k++) {
            if (strlen(s->subs[k]) != tlen || memcmp(s->subs[k], topic, tlen) != 0) continue;
            if (s->count == QDEPTH) {
                s->dropped++;
                break;
            }
            struct amsg *m = &s->ring[(s->head + s->count++) % QDEPTH];
            m->origin = origin;
            m->len = (uint16_t)n;
            m->hops = hops;
            m->bcast = dst == AKIRA_MESH_ADDR_BCAST;
            m->sub = (uint8_t)(k + 1);
            m->tlen = (uint8_t)tlen;
            memcpy(m->topic, topic, tlen);
            memcpy(m->data, data + 1 + tlen, n);
            struct akira_event e = {AKIRA_EVENT_MESH, 1, k + 1, (uint32_t)n};
            akira_evq_post(s->app->evq, &e);
            break;
        }
    }
    unlock();
}

/* The mesh thread, node locked: a unicast ended. */
static void on_sent(void *ctx, uint16_t dst, uint16_t seq, int status)
{
    (void)ctx;
    if (!lock()) return;
    for (size_t i = 0; i < SLOTS; i++) {
        struct session *s = sessions[i];
        for (unsigned k = 0; s && k < INFLIGHT; k++) {
            if (!s->inflight[k].used || s->inflight[k].dst != dst || s->inflight[k].seq != seq)
                continue;
            s->inflight[k].used = false;
            struct akira_event e = {AKIRA_EVENT_MESH, 2, seq, (uint32_t)(int32_t)status};
            akira_evq_post(s->app->evq, &e);
        }
    }
    unlock();
}

static aw_status api_id(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    uint16_t id = akira_mesh_service_id();
    return ret(io, id ? (int32_t)id : AKIRA_ESTATE);
}

int akira_mesh_api_join(struct akira_app_ctx *app, const char *t, size_t len)
{
    int rc = topic_allowed(app, t, len);
    if (rc) return rc;
    if (!lock()) return AKIRA_ENOMEM;
    struct session *s = session_of(app, true, &rc);
    int id = 0;
    for (unsigned k = 0; s && k < SUBS; k++) {
        if (!s->subs[k][0] && !id) id = (int)k + 1;
        if (strlen(s->subs[k]) == len && memcmp(s->subs[k], t, len) == 0) rc = AKIRA_EEXIST;
    }
    if (s && !rc && !id) rc = AKIRA_ENOSPC;
    if (s && !rc) memcpy(s->subs[id - 1], t, len); /* zeroed when it was freed */
    unlock();
    return rc ? rc : id;
}

static aw_status api_subscribe(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[1].u32;
    const char *t = akira_bridge_mem(app, io[0].u32, len);
    return ret(io, t ? akira_mesh_api_join(app, t, len) : AKIRA_EFAULT);
}

int akira_mesh_api_post(struct akira_app_ctx *app, uint32_t dst, const char *t, size_t tlen,
                        const uint8_t *data, size_t len)
{
    int rc = topic_allowed(app, t, tlen);
    if (rc) return rc;
    if (dst == 0 || dst > AKIRA_MESH_ADDR_BCAST) return AKIRA_EINVAL;
    if (len > MSG_MAX) return AKIRA_ETOOBIG;
    bool bcast = dst == AKIRA_MESH_ADDR_BCAST;
    int slot = -1;
    if (!bcast) { /* a place for its end, before it goes */
        if (!lock()) return AKIRA_ENOMEM;
        struct session *s = session_of(app, true, &rc);
        for (unsigned k = 0; s && k < INFLIGHT && slot < 0; k++)
            if (!s->inflight[k].used) slot = (int)k;
        if (s && slot < 0) rc = AKIRA_EBUSY;
        unlock();
        if (rc) return rc;
    }
    uint8_t frame[1 + TOPIC + MSG_MAX]; /* the node copies it */
    frame[0] = (uint8_t)tlen;
    memcpy(frame + 1, t, tlen);
    memcpy(frame + 1 + tlen, data, len);
    /* not under the lock: the node's lock is taken before ours (on_sent) */
    rc = akira_mesh_service_post((uint16_t)dst, AKIRA_MESH_PORT_APP, frame, 1 + tlen + len);
    if (rc < 0 || bcast) return rc < 0 ? rc : 0;
    if (lock()) {
        int unused;
        struct session *s = session_of(app, false, &unused);
        if (s) s->inflight[slot] = (struct inflight){true, (uint16_t)dst, (uint16_t)rc};
        unlock();
    }
    return rc;
}

static aw_status api_send(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t tlen = io[2].u32, len = io[4].u32;
    const uint8_t *data = akira_bridge_mem(app, io[3].u32, len);
    const char *t = akira_bridge_mem(app, io[1].u32, tlen);
    if (!data || !t) return ret(io, AKIRA_EFAULT);
    return ret(io, akira_mesh_api_post(app, io[0].u32, t, tlen, data, len));
}

int akira_mesh_api_take(struct akira_app_ctx *app, uint8_t *buf, size_t cap, uint8_t *info)
{
    if (!lock()) return AKIRA_ENOMEM;
    int rc;
    struct session *s = session_of(app, false, &rc);
    rc = !s || s->count == 0 ? AKIRA_EAGAIN : 0;
    if (!rc) {
        const struct amsg *m = &s->ring[s->head];
        if (m->len > cap) {
            rc = AKIRA_ERANGE;
        } else {
            memcpy(buf, m->data, m->len);
            memset(info, 0, INFO_LEN);
            info[0] = (uint8_t)m->origin;
            info[1] = (uint8_t)(m->origin >> 8);
            info[2] = m->hops;
            info[3] = m->bcast;
            info[4] = m->sub;
            info[5] = m->tlen;
            memcpy(info + 8, m->topic, m->tlen);
            rc = m->len;
            s->head = (s->head + 1) % QDEPTH;
            s->count--;
        }
    }
    unlock();
    return rc;
}

static aw_status api_recv(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t cap = io[1].u32;
    uint8_t *buf = akira_bridge_mem(app, io[0].u32, cap);
    uint8_t *info = akira_bridge_mem(app, io[2].u32, INFO_LEN);
    if (!buf || !info) return ret(io, AKIRA_EFAULT);
    return ret(io, akira_mesh_api_take(app, buf, cap, info));
}

static aw_status api_neighbours(struct akira_app_ctx *app, aw_val *io)
{
    int32_t max = io[1].i32;
    if (max < 0 || max > (int32_t)AKIRA_MESH_NBR_MAX) return ret(io, AKIRA_EINVAL);
    uint8_t *out = akira_bridge_mem(app, io[0].u32, (uint32_t)max * NBR_SIZE);
    if (!out) return ret(io, AKIRA_EFAULT);
    struct akira_mesh_neighbour_info nb[AKIRA_MESH_NBR_MAX];
    size_t n = akira_mesh_service_neighbours(nb, AKIRA_MESH_NBR_MAX);
    for (size_t i = 0; i < n && i < (size_t)max; i++) {
        uint8_t *p = out + i * NBR_SIZE;
        p[0] = (uint8_t)nb[i].id;
        p[1] = (uint8_t)(nb[i].id >> 8);
        p[2] = (uint8_t)nb[i].rssi;
        p[3] = nb[i].lq_in;
        p[4] = nb[i].lq_out;
        p[5] = 0;
        p[6] = (uint8_t)nb[i].cost;
        p[7] = (uint8_t)(nb[i].cost >> 8);
    }
    return ret(io, (int32_t)n);
}

static aw_status api_dropped(struct akira_app_ctx *app, aw_val *io)
{
    if (!lock()) return ret(io, AKIRA_ENOMEM);
    int rc;
    struct session *s = session_of(app, false, &rc);
    int32_t n = s ? (int32_t)(s->dropped > INT32_MAX ? INT32_MAX : s->dropped) : 0;
    unlock();
    return ret(io, n);
}

void akira_mesh_api_leave(struct akira_app_ctx *app)
{
    if (!atomic_load(&lock_) || !lock()) return;
    akira_app_table_release(sessions, SLOTS, app, sizeof(struct session));
    unlock();
}

static const struct akira_bridge_entry entries[] = {
    {"mesh_id", "()i", AKIRA_CAP_MESH, api_id},
    {"mesh_subscribe", "(ii)i", AKIRA_CAP_MESH, api_subscribe},
    {"mesh_send", "(iiiii)i", AKIRA_CAP_MESH, api_send},
    {"mesh_recv", "(iii)i", AKIRA_CAP_MESH, api_recv},
    {"mesh_neighbours", "(ii)i", AKIRA_CAP_MESH, api_neighbours},
    {"mesh_dropped", "()i", AKIRA_CAP_MESH, api_dropped},
};

static const struct akira_bridge_module module = {
    .name = "mesh",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = akira_mesh_api_leave,
};

int akira_mesh_api_register(void)
{
    static bool done;
    if (done) return 0;
    int rc = akira_bridge_register(&module);
    if (!rc) rc = akira_bridge_register(&akira_compat_mesh_module);
    if (!rc) rc = akira_mesh_service_port_set(AKIRA_MESH_PORT_APP, on_message, NULL);
    if (!rc) akira_mesh_service_sent_set(on_sent, NULL);
    if (!rc) done = true;
    return rc;
}

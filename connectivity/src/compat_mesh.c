/*
 * API module "compat_mesh": upstream AkiraOS's AkiraMesh natives (`mesh_*` of import
 * module "env", capability `mesh`, docs/compat.md "Mesh") over our mesh module's
 * sessions (api_mesh.c through api_mesh_priv.h), registered with it at boot.
 *
 * Upstream's app runs the node; here the node is the device's (its id the radio's, its
 * key the owner's), so mesh_init only checks its arguments and mesh_start joins the
 * app to the mesh under one topic, its own name (the upstream manifest's `mesh` maps
 * to `mesh_topics: <name>`): the same app on other nodes hears it. Upstream's 8-byte
 * node id is ours, big-endian, in its last two bytes (the first six 0). Results are
 * upstream's negative errno values; a pointer of a `$` argument outside memory traps,
 * the raw `i` pointers are -EFAULT.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <akira/bridge.h>
#include <akira/clock.h>
#include <akira/compat.h>
#include <akira/err.h>
#include <akira/mesh_service.h>
#include <akira/rf_radio.h>

#include "api_mesh_priv.h"

#define ID_LEN      8u
#define NAME_MAX_   31u  /* upstream's char name[32] */
#define PAYLOAD_MAX 200u /* upstream's mesh payload */
#define NODE_SIZE   52u  /* upstream's akira_mesh_node_t */
#define NODES_MAX   64u
#define STATS_WORDS 6u
#define POLL_MS     10u
#define ROLE_MAX    2 /* NODE 0, GATEWAY 1, PROVISIONER 2 */
#define HOPS_MAX    255

static aw_status up(aw_val *io, int32_t v)
{
    io[0].i32 = v;
    return AW_OK;
}

static aw_status up_err(aw_val *io, int rc)
{
    /* the mesh down (our ESTATE) is upstream's "not connected" */
    return up(io, rc == AKIRA_ESTATE ? -AKIRA_UP_ENOTCONN : akira_compat_errno(rc));
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void id_put(uint8_t *p, uint16_t id)
{
    memset(p, 0, ID_LEN);
    p[6] = (uint8_t)(id >> 8);
    p[7] = (uint8_t)id;
}

/* Our node id of upstream's 8 bytes, or 0 when they name no node of ours. */
static uint16_t id_get(const uint8_t *p)
{
    for (unsigned i = 0; i < 6; i++)
        if (p[i]) return 0;
    uint16_t id = (uint16_t)(p[6] << 8 | p[7]);
    return id == AKIRA_MESH_ADDR_BCAST ? 0 : id;
}

static aw_status up_mesh_init(struct akira_app_ctx *app, aw_val *io)
{
    int32_t node = io[0].i32, role = io[2].i32;
    size_t len;
    const char *name = akira_bridge_cstr(app, io[1].u32, UINT32_MAX - 1u, &len);
    if (!name) { /* upstream's `$`: the engine traps */
        aw_store_set_trap_msg(app->store, "out of bounds memory access (env native argument)");
        return AW_ERR_TRAP;
    }
    if (node < 0 || node > 255 || role < 0 || role > ROLE_MAX || len > NAME_MAX_)
        return up(io, -AKIRA_UP_EINVAL);
    struct akira_mesh_service_status st;
    int rc = akira_mesh_service_status(&st);
    return rc ? up_err(io, rc) : up(io, 0);
}

static aw_status up_mesh_start(struct akira_app_ctx *app, aw_val *io)
{
    struct akira_mesh_service_status st;
    int rc = akira_mesh_service_status(&st);
    if (rc) return up_err(io, rc);
    if (!st.running) {
        char holder[AKIRA_RF_OWNER_MAX + 1];
        if (akira_rf_holder(holder, sizeof holder) && strcmp(holder, "mesh") != 0) {
            akira_bridge_log(app, AKIRA_LOG_WARN, "mesh: the radio is held by %s", holder);
            return up(io, -AKIRA_UP_EBUSY);
        }
        return up(io, -AKIRA_UP_ENOTCONN); /* no network key stored */
    }
    rc = akira_mesh_api_join(app, app->name, strlen(app->name));
    return rc == AKIRA_EEXIST || rc > 0 ? up(io, 0) : up_err(io, rc);
}

static aw_status up_mesh_stop(struct akira_app_ctx *app, aw_val *io)
{
    akira_mesh_api_leave(app);
    return up(io, 0);
}

static aw_status post(struct akira_app_ctx *app, aw_val *io, uint32_t dst, uint32_t data,
                      uint32_t len)
{
    const uint8_t *p = akira_bridge_mem(app, data, len);
    if (!p) return up(io, -AKIRA_UP_EFAULT);
    if (len == 0) return up(io, -AKIRA_UP_EINVAL);
    if (len > PAYLOAD_MAX) return up(io, -AKIRA_UP_EMSGSIZE);
    int rc = akira_mesh_api_post(app, dst, app->name, strlen(app->name), p, len);
    return rc < 0 ? up_err(io, rc) : up(io, 0);
}

static aw_status up_mesh_send(struct akira_app_ctx *app, aw_val *io)
{
    const uint8_t *dest = akira_bridge_mem(app, io[0].u32, ID_LEN);
    if (!dest || !akira_bridge_mem(app, io[1].u32, io[2].u32)) return up(io, -AKIRA_UP_EFAULT);
    uint16_t dst = id_get(dest);
    if (!dst) return up(io, -AKIRA_UP_EINVAL);
    return post(app, io, dst, io[1].u32, io[2].u32);
}

static aw_status up_mesh_broadcast(struct akira_app_ctx *app, aw_val *io)
{
    int32_t hops = io[2].i32;
    if (hops < 0 || hops > HOPS_MAX) return up(io, -AKIRA_UP_EINVAL);
    /* our mesh's own hop limit applies to every flood */
    return post(app, io, AKIRA_MESH_ADDR_BCAST, io[0].u32, io[1].u32);
}

static aw_status up_mesh_recv_pop(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t cap = io[2].u32, timeout = io[3].u32;
    uint8_t *src = akira_bridge_mem(app, io[0].u32, ID_LEN);
    uint8_t *buf = akira_bridge_mem(app, io[1].u32, cap);
    if (!src || !buf) return up(io, -AKIRA_UP_EFAULT);
    uint64_t end = akira_uptime_ms() + timeout;
    for (;;) {
        uint8_t info[AKIRA_MESH_API_INFO_LEN];
        int rc = akira_mesh_api_take(app, buf, cap, info);
        if (rc >= 0) {
            id_put(src, (uint16_t)(info[0] | info[1] << 8));
            return up(io, rc);
        }
        if (rc == AKIRA_ERANGE) return up(io, -AKIRA_UP_EMSGSIZE);
        if (rc != AKIRA_EAGAIN) return up_err(io, rc);
        if (timeout == 0 || akira_uptime_ms() >= end) return up(io, -AKIRA_UP_ENOMSG);
        akira_bridge_wait_begin(app);
        akira_evq_sleep(app->evq, POLL_MS);
        aw_status st = akira_bridge_wait_end(app);
        if (st != AW_OK) return st;
        if (atomic_load(&app->stopping)) return up(io, -AKIRA_UP_ENOMSG);
        /* the pointers stay valid: the app's memory does not grow while it waits here */
    }
}

/* One upstream node record: id, name "node-<id>", role NODE, hops, RSSI, link quality,
 * last seen (ms ago). */
static void node_put(uint8_t *p, uint16_t id, uint8_t hops, int8_t rssi, uint8_t lqi,
                     uint32_t age_ms)
{
    memset(p, 0, NODE_SIZE);
    id_put(p, id);
    char name[16];
    snprintf(name, sizeof name, "node-%u", (unsigned)id);
    memcpy(p + 8, name, strlen(name));
    /* role (i32 at 40) 0: NODE */
    p[44] = hops;
    p[45] = (uint8_t)rssi;
    p[46] = lqi;
    put_u32(p + 48, age_ms);
}

static aw_status up_mesh_get_nodes(struct akira_app_ctx *app, aw_val *io)
{
    int32_t max = io[1].i32;
    if (max < 0) return up(io, -AKIRA_UP_EINVAL);
    if ((uint32_t)max > NODES_MAX) max = NODES_MAX;
    uint8_t *out = akira_bridge_mem(app, io[0].u32, (uint32_t)max * NODE_SIZE);
    if (!out) return up(io, -AKIRA_UP_EFAULT);
    struct akira_mesh_neighbour_info nb[AKIRA_MESH_NBR_MAX];
    struct akira_mesh_route_info rt[AKIRA_MESH_ROUTE_MAX];
    size_t nn = akira_mesh_service_neighbours(nb, AKIRA_MESH_NBR_MAX);
    size_t nr = akira_mesh_service_routes(rt, AKIRA_MESH_ROUTE_MAX);
    int32_t n = 0;
    for (size_t i = 0; i < nn && n < max; i++, n++)
        node_put(out + (size_t)n * NODE_SIZE, nb[i].id, 1, nb[i].rssi, nb[i].lq_in, nb[i].age_ms);
    for (size_t i = 0; i < nr && n < max; i++) {
        bool known = !rt[i].valid;
        for (size_t k = 0; k < nn && !known; k++)
            known = nb[k].id == rt[i].dst;
        if (known) continue;
        node_put(out + (size_t)n * NODE_SIZE, rt[i].dst, rt[i].hops, 0, 0, 0);
        n++;
    }
    return up(io, n);
}

static aw_status up_mesh_get_stats(struct akira_app_ctx *app, aw_val *io)
{
    uint8_t *out = akira_bridge_mem(app, io[0].u32, STATS_WORDS * 4u);
    if (!out) return up(io, -AKIRA_UP_EFAULT);
    struct akira_mesh_service_status st;
    int rc = akira_mesh_service_status(&st);
    if (rc) return up_err(io, rc);
    const struct akira_mesh_stats *s = &st.stats;
    uint32_t w[STATS_WORDS] = {s->tx_data,
                               s->rx_frames,
                               s->forwarded,
                               s->delivered,
                               s->tx_errors + s->no_route + s->txq_full,
                               (uint32_t)st.neighbours};
    for (unsigned i = 0; i < STATS_WORDS; i++)
        put_u32(out + 4 * i, w[i]);
    return up(io, 0);
}

static const struct akira_bridge_entry entries[] = {
    {"mesh_init", "(iiii)i", AKIRA_CAP_MESH, up_mesh_init},
    {"mesh_start", "()i", AKIRA_CAP_MESH, up_mesh_start},
    {"mesh_stop", "()i", AKIRA_CAP_MESH, up_mesh_stop},
    {"mesh_send", "(iii)i", AKIRA_CAP_MESH, up_mesh_send},
    {"mesh_broadcast", "(iii)i", AKIRA_CAP_MESH, up_mesh_broadcast},
    {"mesh_recv_pop", "(iiii)i", AKIRA_CAP_MESH, up_mesh_recv_pop},
    {"mesh_get_nodes", "(ii)i", AKIRA_CAP_MESH, up_mesh_get_nodes},
    {"mesh_get_stats", "(i)i", AKIRA_CAP_MESH, up_mesh_get_stats},
};

/* The session is the mesh module's: its app_end ends it. */
const struct akira_bridge_module akira_compat_mesh_module = {
    .name = "compat_mesh",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

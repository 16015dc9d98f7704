/*
 * The device's AkiraMesh (docs/mesh.md): one mesh node on the board's radio
 * (drivers/radio.h), run by a thread of its own. It comes up with the connectivity
 * services when the board has a radio and a network key is stored (`mesh key`), and
 * goes down with them.
 *
 * The key lives in settings under AKIRA_MESH_KEY_KEY (a secret: never served by the
 * API). The frame counter's high-water mark lives under AKIRA_MESH_CTR_KEY, moved on
 * in steps of 65536 frames, so no counter value is used twice under one key across
 * reboots. The node id is the radio's (its id on the medium, or its hardware id).
 * The radio is claimed for the mesh while it runs (akira/rf_radio.h): an app holding it
 * for raw RF keeps the mesh down until the app releases it, then the mesh comes up.
 *
 * Threads: every call below may come from any thread.
 */
#ifndef AKIRA_MESH_SERVICE_H
#define AKIRA_MESH_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/mesh.h>

#define AKIRA_MESH_KEY_KEY  "akira/security/mesh/key"
#define AKIRA_MESH_CTR_KEY  "akira/mesh/counter"
#define AKIRA_MESH_NET_ID   0x4Bu
#define AKIRA_MESH_FREQ_MHZ 2440u
#define AKIRA_MESH_ACCESS   0x4D455348u /* "MESH" */

/* Registers the mesh transport (started with the others by akira_transport_start_all)
 * when the board has a radio. Boot thread. */
int akira_mesh_service_register(void);
void akira_mesh_service_unregister(void);

/* Stores a new network key (restarts the mesh on it when the transport is up). */
int akira_mesh_service_key_set(const uint8_t key[AKIRA_MESH_KEY_LEN]);

struct akira_mesh_service_status {
    bool running;
    uint16_t id;
    size_t neighbours, routes;
    size_t node_bytes; /* RAM of the node's state */
    struct akira_mesh_stats stats;
};
/* AKIRA_ENODEV without a radio. */
int akira_mesh_service_status(struct akira_mesh_service_status *out);
size_t akira_mesh_service_neighbours(struct akira_mesh_neighbour_info *out, size_t max);
size_t akira_mesh_service_routes(struct akira_mesh_route_info *out, size_t max);

/* This node's id, 0 while the mesh is down. */
uint16_t akira_mesh_service_id(void);

/* Sends and waits for the end-to-end acknowledgement (unicast) up to timeout_ms:
 * 0, AKIRA_ENOTCONN (no route), AKIRA_ETIMEDOUT, AKIRA_ESTATE (mesh down), or
 * akira_mesh_send's errors. A broadcast returns once queued. */
int akira_mesh_service_send(uint16_t dst, uint8_t port, const void *data, size_t len,
                            int32_t timeout_ms);
/* Pings dst and waits for the answer: its round trip in ms and the hops it came back
 * over, or an error as for akira_mesh_service_send. */
int akira_mesh_service_ping(uint16_t dst, int32_t timeout_ms, uint32_t *rtt_ms, uint8_t *hops);

/* A receiver of one port (AKIRA_MESH_PORT_APP, AKIRA_MESH_PORT_MGMT): called on the
 * mesh thread with the node unlocked; it may call akira_mesh_service_send only with
 * timeout 0 (queue and return). One per port; NULL removes. */
typedef void (*akira_mesh_service_rx_fn)(void *ctx, uint16_t origin, uint16_t dst,
                                         const uint8_t *data, size_t len, uint8_t hops);
int akira_mesh_service_port_set(uint8_t port, akira_mesh_service_rx_fn fn, void *ctx);

/* Queues a message and returns at once: its sequence number (>= 0) for a unicast, whose
 * end comes to the sent observer; 0 for a broadcast. Errors as akira_mesh_send's, or
 * AKIRA_ESTATE (mesh down). */
int akira_mesh_service_post(uint16_t dst, uint8_t port, const void *data, size_t len);
/* Told of the end of every unicast (dst, seq, status as for akira_mesh_service_send) on
 * the mesh thread with the node locked: it must not call into the mesh service. One
 * observer (the app API); NULL removes. */
typedef void (*akira_mesh_service_sent_fn)(void *ctx, uint16_t dst, uint16_t seq, int status);
void akira_mesh_service_sent_set(akira_mesh_service_sent_fn fn, void *ctx);

/* The app API module "mesh" (connectivity/src/api_mesh.c, docs/runtime_api.md): added to
 * the native bridge at boot, before the first app starts (akira_bridge_register). */
int akira_mesh_api_register(void);

#endif /* AKIRA_MESH_SERVICE_H */

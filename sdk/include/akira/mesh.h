/*
 * AkiraOS app SDK - module "mesh": messages to apps on other devices across AkiraMesh
 * (docs/mesh.md), capability "mesh", only on the topics the manifest's `mesh_topics:`
 * line covers (e.g. `mesh_topics: chat`; an item PREFIX/ followed by * covers every
 * topic below PREFIX).
 *
 * Like IPC between devices: an app subscribes to topics; a message sent on a topic to
 * one node (its id) or to every node (AKIRA_MESH_BROADCAST) is queued for each app
 * there subscribed to it and posts AKIRA_EVENT_MESH {a = AKIRA_MESH_EVT_MESSAGE,
 * b = subscription id, c = length}; take it with akira_mesh_recv (read until
 * AKIRA_EAGAIN: the event may be dropped, never the message while the queue of 8 has
 * room; beyond that it is dropped and counted, akira_mesh_dropped). A unicast is
 * acknowledged end to end: its end posts AKIRA_EVENT_MESH {a = AKIRA_MESH_EVT_SENT,
 * b = its sequence number, c = 0 delivered, or (int32_t)c = AKIRA_ETIMEDOUT /
 * AKIRA_ENOTCONN (no route)}. A broadcast is not acknowledged.
 *
 * The app's state (queue of 8 messages, 4 subscriptions) costs about 2.5 KiB of its
 * memory_quota from its first subscribe or send; it ends when the app stops.
 */
#ifndef AKIRA_SDK_MESH_H
#define AKIRA_SDK_MESH_H

#include <akira/common.h>

#define AKIRA_EVENT_MESH       18
#define AKIRA_MESH_EVT_MESSAGE 1
#define AKIRA_MESH_EVT_SENT    2
#define AKIRA_MESH_BROADCAST   0xFFFF
#define AKIRA_MESH_MSG_MAX     256 /* bytes of data in one message */
#define AKIRA_MESH_TOPIC_MAX   31

/* Who sent a received message, and on which topic. */
struct akira_mesh_info {
    uint16_t origin; /* the sender's node id */
    uint8_t hops;    /* hops it came over */
    uint8_t broadcast;
    uint8_t sub; /* the subscription id */
    uint8_t topic_len;
    uint16_t reserved;
    char topic[AKIRA_MESH_TOPIC_MAX + 1]; /* not NUL-terminated when 31 long */
};

/* One neighbour (akira_mesh_neighbours). */
struct akira_mesh_neighbour {
    uint16_t id;
    int8_t rssi_dbm;
    uint8_t lq_in, lq_out; /* 0..255: share of beacons heard each way */
    uint8_t reserved;
    uint16_t cost; /* expected transmissions x 16 (16: a perfect link) */
};

/* This node's id (1..65534), AKIRA_ESTATE (the mesh is down: no key, or no radio). */
AKIRA_IMPORT("mesh_id") int32_t akira_mesh_id(void);

/* Receive messages on topic[0..len): the subscription id (1..4), AKIRA_EINVAL /
 * AKIRA_ENAMETOOLONG (topic), AKIRA_EFAULT, AKIRA_EACCES (not in mesh_topics),
 * AKIRA_EEXIST, AKIRA_ENOSPC, AKIRA_EQUOTA. */
AKIRA_IMPORT("mesh_subscribe") int32_t akira_mesh_subscribe(const char *topic, uint32_t len);

/* Send data[0..len) (len <= 256) on topic to node dst, or AKIRA_MESH_BROADCAST: the
 * unicast's sequence number (>= 0), 0 for a broadcast, AKIRA_EINVAL, AKIRA_EFAULT,
 * AKIRA_ETOOBIG, AKIRA_EACCES, AKIRA_ESTATE (mesh down), AKIRA_EBUSY (4 unicasts await
 * their end), AKIRA_ENOSPC (the node's queues are full: retry later). Never waits. */
AKIRA_IMPORT("mesh_send")
int32_t akira_mesh_send(uint32_t dst, const char *topic, uint32_t tlen, const void *data,
                        uint32_t len);

/* Take the oldest message: its length, AKIRA_EAGAIN, AKIRA_ERANGE (cap too small: it
 * stays queued), AKIRA_EFAULT. */
AKIRA_IMPORT("mesh_recv")
int32_t akira_mesh_recv(void *buf, uint32_t cap, struct akira_mesh_info *info);

/* The neighbours: how many there are (up to 16); the first max are written to out. */
AKIRA_IMPORT("mesh_neighbours")
int32_t akira_mesh_neighbours(struct akira_mesh_neighbour *out, int32_t max);

/* Messages dropped because this app's queue was full. */
AKIRA_IMPORT("mesh_dropped") int32_t akira_mesh_dropped(void);

#endif /* AKIRA_SDK_MESH_H */

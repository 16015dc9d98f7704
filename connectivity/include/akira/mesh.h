/*
 * AkiraMesh: a self-healing mesh between devices over a packet radio (docs/mesh.md).
 *
 * One node is a state machine with bounded tables and no OS calls: the caller feeds it
 * received frames (akira_mesh_input) and the time (akira_mesh_tick, in milliseconds of
 * any monotonic clock), and it transmits through a small link interface (send one frame
 * of at most mtu bytes). The device runs it over drivers/radio.h (connectivity/src/
 * mesh_service.c); the unit tests run many nodes in one process over a simulated lossy
 * medium.
 *
 * What it does: neighbour discovery with link quality (HELLO), flooding with a TTL and a
 * duplicate cache (broadcasts), on-demand routes for unicast in the manner of AODV
 * (RREQ/RREP/RERR with destination sequence numbers), hop-by-hop acknowledgement and
 * retries, an end-to-end acknowledgement with resend and route repair, fragmentation of
 * messages up to AKIRA_MESH_MSG_MAX bytes, every frame authenticated and encrypted with
 * the network key (ChaCha20-Poly1305 from libsodium) and replay protection per neighbour.
 *
 * Threads: a node is not thread-safe; one thread (or one lock) owns it. Callbacks run
 * inside akira_mesh_input/tick/send and must not call back into the same node, except
 * akira_mesh_send from `deliver`.
 */
#ifndef AKIRA_MESH_H
#define AKIRA_MESH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_MESH_ADDR_BCAST 0xFFFFu /* every node; not a valid node id */
#define AKIRA_MESH_KEY_LEN    32u
#define AKIRA_MESH_MTU_MAX    255u /* the largest frame a link carries */
#define AKIRA_MESH_MTU_MIN    64u
#define AKIRA_MESH_MSG_MAX    1024u /* the largest message (fragmented on the air) */
#define AKIRA_MESH_FRAG_MAX   16u
#define AKIRA_MESH_NBR_MAX    16u /* neighbour table */
#define AKIRA_MESH_ROUTE_MAX  32u /* route table */
#define AKIRA_MESH_DUP_MAX    64u /* duplicate cache (floods, fragments, RREQs) */
#define AKIRA_MESH_TXQ_MAX    12u /* frames queued for (re)transmission */
#define AKIRA_MESH_OUT_MAX    4u  /* unicast messages awaiting their end-to-end ack */
#define AKIRA_MESH_RX_MAX     2u  /* messages being reassembled */
#define AKIRA_MESH_RETRY_MAX  7u  /* hop-by-hop retries, at most */

/* Ports: what a message is for. The mesh answers PING itself (with PONG, same bytes). */
enum akira_mesh_port {
    AKIRA_MESH_PORT_PING = 0,
    AKIRA_MESH_PORT_PONG = 1,
    AKIRA_MESH_PORT_MGMT = 2, /* device management (connectivity/src/mesh_service.c) */
    AKIRA_MESH_PORT_APP = 3,  /* app messages: the `mesh` API's topic + bytes */
    AKIRA_MESH_PORT_TEXT = 4, /* shell `mesh send` */
    AKIRA_MESH_PORT_USER = 16 /* ports from here up are free */
};

struct akira_mesh_link {
    /* Transmits one frame of len <= mtu bytes (to every node in range). 0, or a negative
     * akira_err_t (the mesh counts the failure; hop-by-hop retries recover). */
    int (*send)(void *ctx, const uint8_t *frame, size_t len);
    void *ctx;
    uint16_t mtu; /* AKIRA_MESH_MTU_MIN..AKIRA_MESH_MTU_MAX */
};

struct akira_mesh_callbacks {
    /* A whole message for this node (dst = its id or AKIRA_MESH_ADDR_BCAST). */
    void (*deliver)(void *ctx, uint16_t origin, uint16_t dst, uint8_t port, const uint8_t *data,
                    size_t len, uint8_t hops);
    /* A unicast message from akira_mesh_send ended: status 0 (the destination
     * acknowledged it), AKIRA_ENOTCONN (no route found), AKIRA_ETIMEDOUT (no ack). */
    void (*sent)(void *ctx, uint16_t dst, uint16_t seq, int status);
    void *ctx;
};

struct akira_mesh_config {
    uint16_t id;    /* 1..0xFFFE, unique in the network */
    uint8_t net_id; /* frames of another net id are dropped unread */
    uint8_t key[AKIRA_MESH_KEY_LEN];
    /* First frame counter. Counters must never repeat under one key: a device keeps
     * a boot epoch in settings and starts at epoch << 20. */
    uint32_t counter_start;
    uint32_t seed; /* jitter and ids; any value */
    /* Timers in ms (0: the default in brackets). */
    uint32_t hello_ms;  /* neighbour beacon period [10000]; dead after 4 periods */
    uint32_t ack_ms;    /* hop-by-hop ack wait [60] */
    uint32_t e2e_ms;    /* end-to-end ack wait before a resend [2000] */
    uint32_t rreq_ms;   /* route request wait before a retry [1000] */
    uint32_t route_ms;  /* an unused route expires [300000] */
    uint32_t jitter_ms; /* flood rebroadcast jitter [20] */
    uint8_t retries;    /* hop-by-hop retries [5], at most AKIRA_MESH_RETRY_MAX */
    uint8_t attempts;   /* end-to-end sends of a message [4] */
    uint8_t ttl;        /* hops [16] */
};

struct akira_mesh_stats {
    uint32_t tx_frames, tx_errors, tx_ctrl, tx_data, tx_retries;
    uint32_t rx_frames, rx_bad_net, rx_bad_auth, rx_replay, rx_malformed, rx_not_mine, rx_dup;
    uint32_t forwarded, delivered, link_breaks, no_route, txq_full;
    uint32_t rreq_sent, rrep_sent, rerr_sent, hello_sent, ack_sent;
};

struct akira_mesh_neighbour_info {
    uint16_t id;
    int8_t rssi;     /* dBm, averaged */
    uint8_t lq_in;   /* 0..255: share of its beacons we hear */
    uint8_t lq_out;  /* 0..255: share of ours it hears (from its beacons) */
    uint16_t cost;   /* link cost (16 = perfect) */
    uint32_t age_ms; /* since last heard */
};

struct akira_mesh_route_info {
    uint16_t dst, next_hop;
    uint32_t seq;
    uint8_t hops;
    uint16_t metric;
    bool valid;
};

/* ---- the node's state: sized for static allocation; fields are private ---- */
#define AKIRA_MESH_INNER_MAX (AKIRA_MESH_MTU_MAX - 10u - 16u)

struct akira_mesh_nbr_ {
    uint16_t id;
    bool used, hello_known, heard_since_hello;
    int8_t rssi;
    uint8_t lq_in, lq_out, tick_misses;
    uint16_t hello_seq;
    uint64_t last_heard;
    uint32_t replay_top;
    uint64_t replay_bits;
};

struct akira_mesh_route_ {
    uint16_t dst, next_hop;
    uint32_t seq;
    uint8_t hops;
    bool used, valid;
    uint16_t metric;
    uint64_t expires;
};

struct akira_mesh_dup_ {
    uint16_t origin, seq;
    uint16_t aux;
    uint16_t best; /* RREQ: the best metric answered */
    uint8_t kind;
};

struct akira_mesh_txq_ {
    bool used, need_ack;
    uint8_t tries, nctr, len;
    uint16_t next_hop;
    uint64_t due;
    uint32_t ctrs[AKIRA_MESH_RETRY_MAX + 1];
    uint8_t buf[AKIRA_MESH_INNER_MAX];
};

struct akira_mesh_out_ {
    bool used;
    uint8_t state, attempt, tries, next_frag, nfrag, port;
    uint16_t dst, seq, len;
    uint64_t deadline;
    uint8_t data[AKIRA_MESH_MSG_MAX];
};

struct akira_mesh_rx_ {
    bool used;
    uint16_t origin, dst, seq, total;
    uint8_t nfrag, port, hops;
    uint32_t have;
    uint64_t touched;
    uint8_t data[AKIRA_MESH_MSG_MAX];
};

struct akira_mesh_node {
    struct akira_mesh_config cfg;
    struct akira_mesh_link link;
    struct akira_mesh_callbacks cb;
    struct akira_mesh_stats stats;
    uint32_t counter, own_seq, rng;
    uint16_t msg_seq, rreq_id, hello_seq, frag_payload;
    unsigned dup_next;
    uint64_t now, next_hello, hold_until;
    struct akira_mesh_nbr_ nbr[AKIRA_MESH_NBR_MAX];
    struct akira_mesh_route_ route[AKIRA_MESH_ROUTE_MAX];
    struct akira_mesh_dup_ dup[AKIRA_MESH_DUP_MAX];
    struct akira_mesh_txq_ txq[AKIRA_MESH_TXQ_MAX];
    struct akira_mesh_out_ out[AKIRA_MESH_OUT_MAX];
    struct akira_mesh_rx_ rx[AKIRA_MESH_RX_MAX];
};

/* Starts a node at time now (nothing is sent until the first tick). AKIRA_EINVAL for an
 * id of 0 or 0xFFFF, an mtu out of range, a missing link->send; AKIRA_ENOTSUP when the
 * crypto library cannot start. */
int akira_mesh_init(struct akira_mesh_node *n, const struct akira_mesh_config *cfg,
                    const struct akira_mesh_link *link, const struct akira_mesh_callbacks *cb,
                    uint64_t now);

/* One frame from the link, with the RSSI it arrived at. 0 when it was taken; a negative
 * akira_err_t says why it was dropped (AKIRA_EFORMAT malformed, AKIRA_EAUTH wrong key or
 * tampered, AKIRA_EEXIST replayed or duplicate, AKIRA_ENOENT another net or not for us).
 * Nothing is kept of a refused frame except a counter. */
int akira_mesh_input(struct akira_mesh_node *n, const uint8_t *frame, size_t len, int8_t rssi,
                     uint64_t now);

/* Runs what is due at now (beacons, retries, timeouts). */
void akira_mesh_tick(struct akira_mesh_node *n, uint64_t now);
/* When the next tick has something to do (ms, same clock). */
uint64_t akira_mesh_next_deadline(const struct akira_mesh_node *n);

/* Sends len bytes (<= AKIRA_MESH_MSG_MAX) to node dst on port. dst AKIRA_MESH_ADDR_BCAST
 * floods them to every node (no acknowledgement; 0 when queued). A unicast returns its
 * sequence number (>= 0) and ends with the `sent` callback. AKIRA_ENOSPC when the
 * queues are full (retry later), AKIRA_ETOOBIG, AKIRA_EINVAL. */
int akira_mesh_send(struct akira_mesh_node *n, uint16_t dst, uint8_t port, const void *data,
                    size_t len, uint64_t now);

size_t akira_mesh_neighbours(const struct akira_mesh_node *n, struct akira_mesh_neighbour_info *out,
                             size_t max);
size_t akira_mesh_routes(const struct akira_mesh_node *n, struct akira_mesh_route_info *out,
                         size_t max);
const struct akira_mesh_stats *akira_mesh_stats(const struct akira_mesh_node *n);

#endif /* AKIRA_MESH_H */

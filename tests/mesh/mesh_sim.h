/* A simulated radio medium for AkiraMesh nodes in one process: nodes at positions, a
 * range, a loss rate per frame and per receiver, a fixed air time of 1 ms (frames sent
 * in the same ms overlap: they collide at a receiver that hears both, and a node is
 * deaf while it sends), simulated time in ms. Deterministic for a seed. Shared by the unit tests
 * and bench/mesh. */
#ifndef MESH_SIM_H
#define MESH_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/mesh.h>

#define SIM_MSG_MAX 4096
#define SIM_AIR     256 /* transmissions remembered for the collision check */

struct sim;

struct sim_node {
    struct akira_mesh_node mesh;
    struct sim *sim;
    unsigned index;
    uint16_t id;
    double x, y;
    bool alive;
    uint8_t key[AKIRA_MESH_KEY_LEN];
    uint32_t epoch;
    /* what this node received */
    unsigned delivered, pongs;
    uint16_t last_origin;
    uint8_t last_port;
    size_t last_len;
    uint8_t last_data[AKIRA_MESH_MSG_MAX];
    unsigned sent_ok, sent_fail;
};

struct sim_tx {
    uint64_t start, id;
    unsigned sender;
};

struct sim_event {
    uint64_t at, tx;
    unsigned to;
    int8_t rssi;
    uint8_t len;
    uint8_t frame[AKIRA_MESH_MTU_MAX];
};

struct sim {
    struct sim_node *nodes;
    unsigned count;
    double range, loss;
    uint64_t now;
    uint32_t rng;
    struct sim_event *ev;
    size_t nev, cap;
    struct akira_mesh_config base;
    uint16_t mtu;
    /* measured messages: sent time by id, delivered once */
    uint64_t msg_sent_at[SIM_MSG_MAX];
    bool msg_done[SIM_MSG_MAX];
    unsigned msg_sent, msg_delivered, msg_dups;
    uint64_t lat_sum, lat_max;
    unsigned lat_hops_sum;
    uint64_t frames;   /* frames put on the air */
    uint64_t collided; /* receptions lost to overlap or half duplex */
    bool collisions;   /* model them (default on) */
    struct sim_tx air[SIM_AIR];
    unsigned air_next;
    uint64_t tx_ids;
    /* the last frame a node (tap_node) transmitted */
    int tap_node;
    uint8_t tap[AKIRA_MESH_MTU_MAX];
    size_t tap_len;
    unsigned tap_count;
};

/* count nodes, all at (0,0) until placed; fast timers for simulation. */
void sim_init(struct sim *s, unsigned count, uint32_t seed, double loss, double range);
void sim_free(struct sim *s);
void sim_place(struct sim *s, unsigned i, double x, double y);
void sim_grid(struct sim *s, unsigned cols); /* spacing 1 */
void sim_line(struct sim *s);                /* spacing 1 */
void sim_random(struct sim *s, double side); /* uniform in a square, connected */
/* Starts every node (ids 1..count). */
void sim_start(struct sim *s);
void sim_start_node(struct sim *s, unsigned i);
void sim_kill(struct sim *s, unsigned i);
void sim_run(struct sim *s, uint64_t ms);
/* A measured unicast message (payload carries an id); returns akira_mesh_send's result. */
int sim_send_measured(struct sim *s, unsigned from, unsigned to, size_t len);
uint32_t sim_rand(struct sim *s);
bool sim_connected(const struct sim *s);

#endif

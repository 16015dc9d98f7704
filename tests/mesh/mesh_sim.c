/* The simulated medium of mesh_sim.h. */
#include "mesh_sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AIR_MS 1 /* a frame's air time: frames sent in the same ms overlap */

uint32_t sim_rand(struct sim *s)
{
    uint32_t x = s->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return s->rng = x;
}

static double dist(const struct sim_node *a, const struct sim_node *b)
{
    return hypot(a->x - b->x, a->y - b->y);
}

static int link_send(void *ctx, const uint8_t *frame, size_t len)
{
    struct sim_node *me = ctx;
    struct sim *s = me->sim;
    if (!me->alive) return -1;
    s->frames++;
    struct sim_tx *tx = &s->air[s->air_next++ % SIM_AIR];
    tx->sender = me->index;
    tx->start = s->now;
    tx->id = ++s->tx_ids;
    if ((int)me->index == s->tap_node) {
        memcpy(s->tap, frame, len);
        s->tap_len = len;
        s->tap_count++;
    }
    for (unsigned i = 0; i < s->count; i++) {
        struct sim_node *o = &s->nodes[i];
        if (o == me) continue;
        double d = dist(me, o);
        if (d > s->range) continue;
        if ((sim_rand(s) % 100000u) < (uint32_t)(s->loss * 100000.0)) continue;
        if (s->nev == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 256;
            s->ev = realloc(s->ev, s->cap * sizeof(*s->ev));
        }
        struct sim_event *e = &s->ev[s->nev++];
        e->at = s->now + AIR_MS;
        e->to = i;
        e->tx = tx->id;
        e->rssi = (int8_t)(-40 - (int)(d * 20));
        e->len = (uint8_t)len;
        memcpy(e->frame, frame, len);
    }
    return 0;
}

/* The medium's physics: a receiver that was sending itself while the frame was on
 * the air is deaf to it (half duplex), and two frames it hears at once collide. */
static bool garbled(const struct sim *s, const struct sim_event *e)
{
    if (!s->collisions) return false;
    uint64_t start = e->at - AIR_MS;
    for (unsigned k = 0; k < SIM_AIR; k++) {
        const struct sim_tx *t = &s->air[k];
        if (!t->id || t->id == e->tx || t->start != start) continue;
        if (t->sender == e->to) return true;
        if (dist(&s->nodes[t->sender], &s->nodes[e->to]) <= s->range) return true;
    }
    return false;
}

static void on_deliver(void *ctx, uint16_t origin, uint16_t dst, uint8_t port, const uint8_t *data,
                       size_t len, uint8_t hops)
{
    struct sim_node *me = ctx;
    struct sim *s = me->sim;
    (void)dst;
    me->delivered++;
    me->last_origin = origin;
    me->last_port = port;
    me->last_len = len;
    memcpy(me->last_data, data, len);
    if (port == AKIRA_MESH_PORT_PONG) me->pongs++;
    if (port == AKIRA_MESH_PORT_USER && len >= 4) {
        uint32_t id = (uint32_t)data[0] | ((uint32_t)data[1] << 8) | ((uint32_t)data[2] << 16) |
                      ((uint32_t)data[3] << 24);
        if (id < SIM_MSG_MAX) {
            if (s->msg_done[id]) {
                s->msg_dups++;
            } else {
                s->msg_done[id] = true;
                s->msg_delivered++;
                uint64_t lat = s->now - s->msg_sent_at[id];
                s->lat_sum += lat;
                if (lat > s->lat_max) s->lat_max = lat;
                s->lat_hops_sum += hops;
            }
        }
    }
}

static void on_sent(void *ctx, uint16_t dst, uint16_t seq, int status)
{
    struct sim_node *me = ctx;
    (void)dst;
    (void)seq;
    if (status == 0)
        me->sent_ok++;
    else
        me->sent_fail++;
}

void sim_init(struct sim *s, unsigned count, uint32_t seed, double loss, double range)
{
    memset(s, 0, sizeof(*s));
    s->nodes = calloc(count, sizeof(*s->nodes));
    s->count = count;
    s->rng = seed ? seed : 1;
    s->loss = loss;
    s->range = range;
    s->mtu = AKIRA_MESH_MTU_MAX;
    s->tap_node = -1;
    s->now = 1000;
    s->collisions = true;
    struct akira_mesh_config *c = &s->base;
    c->net_id = 7;
    for (unsigned i = 0; i < AKIRA_MESH_KEY_LEN; i++)
        c->key[i] = (uint8_t)(0x40 + i);
    c->hello_ms = 1000;
    c->ack_ms = 20;
    c->e2e_ms = 1500;
    c->rreq_ms = 400;
    c->jitter_ms = 30;
    c->retries = 5;
    c->attempts = 4;
    for (unsigned i = 0; i < count; i++) {
        s->nodes[i].sim = s;
        s->nodes[i].index = i;
        s->nodes[i].id = (uint16_t)(i + 1);
        memcpy(s->nodes[i].key, c->key, AKIRA_MESH_KEY_LEN);
    }
}

void sim_free(struct sim *s)
{
    free(s->nodes);
    free(s->ev);
}

void sim_place(struct sim *s, unsigned i, double x, double y)
{
    s->nodes[i].x = x;
    s->nodes[i].y = y;
}

void sim_grid(struct sim *s, unsigned cols)
{
    for (unsigned i = 0; i < s->count; i++)
        sim_place(s, i, i % cols, i / cols);
}

void sim_line(struct sim *s)
{
    for (unsigned i = 0; i < s->count; i++)
        sim_place(s, i, i, 0);
}

bool sim_connected(const struct sim *s)
{
    bool seen[256] = {false};
    unsigned stack[256], sp = 0, got = 1;
    seen[0] = true;
    stack[sp++] = 0;
    while (sp) {
        unsigned a = stack[--sp];
        for (unsigned b = 0; b < s->count; b++) {
            if (seen[b] || dist(&s->nodes[a], &s->nodes[b]) > s->range) continue;
            seen[b] = true;
            got++;
            stack[sp++] = b;
        }
    }
    return got == s->count;
}

void sim_random(struct sim *s, double side)
{
    do {
        for (unsigned i = 0; i < s->count; i++)
            sim_place(s, i, side * (sim_rand(s) % 10000) / 10000.0,
                      side * (sim_rand(s) % 10000) / 10000.0);
    } while (!sim_connected(s));
}

void sim_start_node(struct sim *s, unsigned i)
{
    struct sim_node *n = &s->nodes[i];
    struct akira_mesh_config c = s->base;
    c.id = n->id;
    memcpy(c.key, n->key, AKIRA_MESH_KEY_LEN);
    c.seed = sim_rand(s);
    c.counter_start = (n->epoch++) << 20;
    struct akira_mesh_link l = {link_send, n, s->mtu};
    struct akira_mesh_callbacks cb = {on_deliver, on_sent, n};
    n->alive = akira_mesh_init(&n->mesh, &c, &l, &cb, s->now) == 0;
}

void sim_start(struct sim *s)
{
    for (unsigned i = 0; i < s->count; i++)
        sim_start_node(s, i);
}

void sim_kill(struct sim *s, unsigned i)
{
    s->nodes[i].alive = false;
}

void sim_run(struct sim *s, uint64_t ms)
{
    uint64_t end = s->now + ms;
    for (;;) {
        uint64_t t = end + 1;
        for (size_t e = 0; e < s->nev; e++)
            if (s->ev[e].at < t) t = s->ev[e].at;
        for (unsigned i = 0; i < s->count; i++) {
            if (!s->nodes[i].alive) continue;
            uint64_t d = akira_mesh_next_deadline(&s->nodes[i].mesh);
            if (d < t) t = d;
        }
        if (t > end) break;
        if (t > s->now) s->now = t;
        /* deliver what arrives now, in the order sent */
        size_t e = 0;
        while (e < s->nev) {
            if (s->ev[e].at > s->now) {
                e++;
                continue;
            }
            struct sim_event ev = s->ev[e];
            memmove(&s->ev[e], &s->ev[e + 1], (s->nev - e - 1) * sizeof(*s->ev));
            s->nev--;
            struct sim_node *n = &s->nodes[ev.to];
            if (garbled(s, &ev)) {
                s->collided++;
                continue;
            }
            if (n->alive) akira_mesh_input(&n->mesh, ev.frame, ev.len, ev.rssi, s->now);
        }
        for (unsigned i = 0; i < s->count; i++)
            if (s->nodes[i].alive && akira_mesh_next_deadline(&s->nodes[i].mesh) <= s->now)
                akira_mesh_tick(&s->nodes[i].mesh, s->now);
    }
    s->now = end;
}

int sim_send_measured(struct sim *s, unsigned from, unsigned to, size_t len)
{
    uint8_t buf[AKIRA_MESH_MSG_MAX];
    unsigned id = s->msg_sent;
    if (id >= SIM_MSG_MAX || len < 4 || len > sizeof(buf)) return -1;
    memset(buf, (int)(id & 0xFF), len);
    buf[0] = (uint8_t)id;
    buf[1] = (uint8_t)(id >> 8);
    buf[2] = buf[3] = 0;
    int rc = akira_mesh_send(&s->nodes[from].mesh, s->nodes[to].id, AKIRA_MESH_PORT_USER, buf, len,
                             s->now);
    if (rc >= 0) {
        s->msg_sent_at[id] = s->now;
        s->msg_sent++;
    }
    return rc;
}

/* AkiraMesh neighbours: who is in range, how well (beacon reception both ways, RSSI),
 * and the replay window of each neighbour's frame counter. */
#include "mesh_priv.h"

#include <string.h>

#define LQ_START      192u /* an unknown link: assume 75 % until beacons tell */
#define REPLAY_WINDOW 64u

struct akira_mesh_nbr_ *mesh_nbr_find(struct akira_mesh_node *n, uint16_t id)
{
    for (unsigned i = 0; i < AKIRA_MESH_NBR_MAX; i++)
        if (n->nbr[i].used && n->nbr[i].id == id) return &n->nbr[i];
    return NULL;
}

/* An authenticated frame from id: its entry, made if new. A full table gives up the
 * neighbour heard least recently (its routes go with it). */
struct akira_mesh_nbr_ *mesh_nbr_touch(struct akira_mesh_node *n, uint16_t id, int8_t rssi)
{
    struct akira_mesh_nbr_ *nb = mesh_nbr_find(n, id);
    if (!nb) {
        struct akira_mesh_nbr_ *oldest = NULL;
        for (unsigned i = 0; i < AKIRA_MESH_NBR_MAX && !nb; i++) {
            if (!n->nbr[i].used)
                nb = &n->nbr[i];
            else if (!oldest || n->nbr[i].last_heard < oldest->last_heard)
                oldest = &n->nbr[i];
        }
        if (!nb) {
            mesh_nbr_lost(n, oldest->id);
            nb = oldest;
        }
        memset(nb, 0, sizeof(*nb));
        nb->used = true;
        nb->id = id;
        nb->lq_in = nb->lq_out = LQ_START;
        nb->rssi = rssi;
    }
    nb->rssi = (int8_t)((nb->rssi * 3 + rssi) / 4);
    nb->last_heard = n->now;
    return nb;
}

bool mesh_nbr_replay_ok(const struct akira_mesh_nbr_ *nb, uint32_t ctr)
{
    if (!nb || nb->replay_bits == 0) return true;
    if (mesh_seq_newer(ctr, nb->replay_top)) return true;
    uint32_t back = nb->replay_top - ctr;
    if (back >= REPLAY_WINDOW) return false;
    return !(nb->replay_bits & ((uint64_t)1 << back));
}

void mesh_nbr_replay_mark(struct akira_mesh_nbr_ *nb, uint32_t ctr)
{
    if (nb->replay_bits == 0) {
        nb->replay_top = ctr;
        nb->replay_bits = 1;
    } else if (mesh_seq_newer(ctr, nb->replay_top)) {
        uint32_t shift = ctr - nb->replay_top;
        nb->replay_bits = shift >= REPLAY_WINDOW ? 0 : nb->replay_bits << shift;
        nb->replay_bits |= 1;
        nb->replay_top = ctr;
    } else {
        nb->replay_bits |= (uint64_t)1 << (nb->replay_top - ctr);
    }
}

/* Expected transmissions (ETX = 1 / (p_in * p_out)) in 1/16ths: 16 for a perfect link. */
uint16_t mesh_nbr_cost(const struct akira_mesh_nbr_ *nb)
{
    uint32_t prod = (uint32_t)nb->lq_in * nb->lq_out;
    if (prod == 0) return MESH_COST_MAX;
    uint32_t c = (16u * 255u * 255u + prod - 1) / prod;
    return (uint16_t)(c > MESH_COST_MAX ? MESH_COST_MAX : c);
}

static uint8_t lq_step(uint8_t lq, bool got)
{
    return (uint8_t)((lq * 7u + (got ? 255u : 0u) + 4u) / 8u);
}

/* A beacon: count the ones missed since the last (the inbound quality) and read what
 * the neighbour says it hears of ours (the outbound quality). */
void mesh_nbr_hello_rx(struct akira_mesh_node *n, struct akira_mesh_nbr_ *nb, const uint8_t *p,
                       size_t len)
{
    uint16_t seq = mesh_get16(p + MESH_H_SEQ);
    if (nb->hello_known) {
        uint16_t gap = (uint16_t)(seq - nb->hello_seq);
        if (gap == 0 || gap > 0x8000u) return; /* old or repeated */
        /* the periods mesh_nbr_tick already counted as silent are not counted twice */
        unsigned missed = gap - 1u, counted = nb->tick_misses;
        for (unsigned i = counted; i < missed && i < 8; i++)
            nb->lq_in = lq_step(nb->lq_in, false);
    }
    nb->hello_known = true;
    nb->hello_seq = seq;
    nb->heard_since_hello = true;
    nb->tick_misses = 0;
    nb->lq_in = lq_step(nb->lq_in, true);
    size_t cnt = p[MESH_H_N];
    bool listed = false;
    for (size_t i = 0; i < cnt && MESH_H_LEN + (i + 1) * MESH_H_ENTRY <= len; i++) {
        const uint8_t *e = p + MESH_H_LEN + i * MESH_H_ENTRY;
        if (mesh_get16(e) == n->cfg.id) {
            nb->lq_out = e[2];
            listed = true;
        }
    }
    /* not listed: it has not heard our beacons lately (or its list was full) */
    if (!listed && cnt < AKIRA_MESH_NBR_MAX) nb->lq_out = lq_step(nb->lq_out, false);
}

void mesh_nbr_lost(struct akira_mesh_node *n, uint16_t id)
{
    struct akira_mesh_nbr_ *nb = mesh_nbr_find(n, id);
    if (nb) nb->used = false;
    mesh_route_drop_via(n, id);
}

static void hello_send(struct akira_mesh_node *n)
{
    uint8_t p[MESH_H_LEN + AKIRA_MESH_NBR_MAX * MESH_H_ENTRY];
    size_t cnt = 0;
    size_t room = (n->link.mtu - MESH_OVERHEAD - MESH_H_LEN) / MESH_H_ENTRY;
    for (unsigned i = 0; i < AKIRA_MESH_NBR_MAX && cnt < room; i++) {
        const struct akira_mesh_nbr_ *nb = &n->nbr[i];
        if (!nb->used || !nb->hello_known) continue;
        uint8_t *e = p + MESH_H_LEN + cnt * MESH_H_ENTRY;
        mesh_put16(e, nb->id);
        e[2] = nb->lq_in ? nb->lq_in : 1;
        cnt++;
    }
    p[0] = MESH_T_HELLO;
    p[MESH_H_N] = (uint8_t)cnt;
    mesh_put16(p + MESH_H_SEQ, ++n->hello_seq);
    if (mesh_tx_now(n, AKIRA_MESH_ADDR_BCAST, p, MESH_H_LEN + cnt * MESH_H_ENTRY, NULL) == 0) {
        n->stats.hello_sent++;
        n->stats.tx_ctrl++;
    }
}

/* Once per beacon period: a neighbour silent for a whole period loses inbound quality,
 * one silent for four periods is gone. */
void mesh_nbr_tick(struct akira_mesh_node *n)
{
    if (n->now < n->next_hello) return;
    if (n->now < n->hold_until) { /* our last frame is still on the air */
        n->next_hello = n->hold_until;
        return;
    }
    uint32_t period = n->cfg.hello_ms;
    for (unsigned i = 0; i < AKIRA_MESH_NBR_MAX; i++) {
        struct akira_mesh_nbr_ *nb = &n->nbr[i];
        if (!nb->used) continue;
        if (n->now - nb->last_heard > 4ull * period) {
            n->stats.link_breaks++;
            mesh_nbr_lost(n, nb->id);
            continue;
        }
        if (!nb->heard_since_hello && nb->hello_known) {
            nb->lq_in = lq_step(nb->lq_in, false);
            if (nb->tick_misses < 255) nb->tick_misses++;
        }
        nb->heard_since_hello = false;
    }
    hello_send(n);
    /* +-10 % so that neighbours drift apart instead of colliding every period */
    uint32_t j = period / 5 ? mesh_rand(n) % (period / 5) : 0;
    n->next_hello = n->now + period - period / 10 + j;
}

size_t akira_mesh_neighbours(const struct akira_mesh_node *n, struct akira_mesh_neighbour_info *out,
                             size_t max)
{
    size_t k = 0;
    for (unsigned i = 0; i < AKIRA_MESH_NBR_MAX && k < max; i++) {
        const struct akira_mesh_nbr_ *nb = &n->nbr[i];
        if (!nb->used) continue;
        out[k].id = nb->id;
        out[k].rssi = nb->rssi;
        out[k].lq_in = nb->lq_in;
        out[k].lq_out = nb->lq_out;
        out[k].cost = mesh_nbr_cost(nb);
        out[k].age_ms = (uint32_t)(n->now - nb->last_heard);
        k++;
    }
    return k;
}

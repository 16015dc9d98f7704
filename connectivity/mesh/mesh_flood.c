/* AkiraMesh flooding: the duplicate cache (a ring of what was seen lately) and the
 * rebroadcast of floods (broadcast messages, route requests) with a TTL and jitter. */
#include "mesh_priv.h"

#include <string.h>

#include <akira/err.h>

struct akira_mesh_dup_ *mesh_dup_find(struct akira_mesh_node *n, uint8_t kind, uint16_t origin,
                                      uint16_t seq, uint16_t aux)
{
    for (unsigned i = 0; i < AKIRA_MESH_DUP_MAX; i++) {
        struct akira_mesh_dup_ *d = &n->dup[i];
        if (d->kind == kind && d->origin == origin && d->seq == seq && d->aux == aux) return d;
    }
    return NULL;
}

/* The ring forgets the oldest entry: a copy that comes back after AKIRA_MESH_DUP_MAX
 * newer ones is taken as new (its TTL bounds how often). */
struct akira_mesh_dup_ *mesh_dup_add(struct akira_mesh_node *n, uint8_t kind, uint16_t origin,
                                     uint16_t seq, uint16_t aux)
{
    struct akira_mesh_dup_ *d = &n->dup[n->dup_next];
    n->dup_next = (n->dup_next + 1) % AKIRA_MESH_DUP_MAX;
    memset(d, 0, sizeof(*d));
    d->kind = kind;
    d->origin = origin;
    d->seq = seq;
    d->aux = aux;
    d->best = MESH_METRIC_MAX;
    return d;
}

/* Queues the flood for everyone in range after a random delay, one hop further. */
int mesh_flood_relay(struct akira_mesh_node *n, const uint8_t *p, size_t len)
{
    if (p[MESH_R_TTL] <= 1) return 0;
    uint8_t copy[AKIRA_MESH_INNER_MAX];
    memcpy(copy, p, len);
    copy[MESH_R_TTL]--;
    if (copy[MESH_R_HOPS] < 255) copy[MESH_R_HOPS]++;
    uint32_t j = n->cfg.jitter_ms ? mesh_rand(n) % n->cfg.jitter_ms : 0;
    return mesh_txq_push(n, AKIRA_MESH_ADDR_BCAST, false, copy, len, n->now + 1 + j);
}

/* A broadcast message fragment: delivered once, relayed once. */
void mesh_flood_rx(struct akira_mesh_node *n, uint8_t *p, size_t len)
{
    uint16_t origin = mesh_get16(p + MESH_R_ORIGIN), seq = mesh_get16(p + MESH_R_SEQ);
    if (origin == n->cfg.id || mesh_dup_find(n, DUP_BCAST, origin, seq, p[MESH_D_FRAG])) {
        n->stats.rx_dup++;
        return;
    }
    mesh_dup_add(n, DUP_BCAST, origin, seq, p[MESH_D_FRAG]);
    mesh_xfer_reassemble(n, p, len);
    if (mesh_flood_relay(n, p, len) == 0 && p[MESH_R_TTL] > 1) n->stats.forwarded++;
}

/* AkiraMesh routes, on demand in the manner of AODV (RFC 3561): a route request floods
 * out, the target answers along the reverse path, destination sequence numbers keep the
 * routes loop-free and fresh; a broken link invalidates what went through it and the
 * origin of a lost frame hears of it by a route error. The metric is the sum of the
 * links' expected transmission counts (ETX), so good links win over short lossy ones. */
#include "mesh_priv.h"

#include <string.h>

#include <akira/err.h>

struct akira_mesh_route_ *mesh_route_get(struct akira_mesh_node *n, uint16_t dst)
{
    for (unsigned i = 0; i < AKIRA_MESH_ROUTE_MAX; i++) {
        struct akira_mesh_route_ *r = &n->route[i];
        if (r->used && r->valid && r->dst == dst) return r;
    }
    return NULL;
}

static struct akira_mesh_route_ *route_entry(struct akira_mesh_node *n, uint16_t dst, bool make)
{
    struct akira_mesh_route_ *free_e = NULL, *victim = NULL;
    for (unsigned i = 0; i < AKIRA_MESH_ROUTE_MAX; i++) {
        struct akira_mesh_route_ *r = &n->route[i];
        if (r->used && r->dst == dst) return r;
        if (!r->used) {
            if (!free_e) free_e = r;
        } else if (!victim || (!r->valid && victim->valid) ||
                   (r->valid == victim->valid && r->expires < victim->expires)) {
            victim = r;
        }
    }
    if (!make) return NULL;
    struct akira_mesh_route_ *r = free_e ? free_e : victim;
    if (r->used && r->valid) mesh_xfer_route_lost(n, r->dst);
    memset(r, 0, sizeof(*r));
    r->used = true;
    r->dst = dst;
    return r;
}

/* RFC 3561 6.2: a fresher sequence number, or the same with a better metric, or a route
 * we had lost with at least the sequence number we knew. */
bool mesh_route_update(struct akira_mesh_node *n, uint16_t dst, uint16_t via, uint32_t seq,
                       uint8_t hops, uint16_t metric)
{
    if (dst == n->cfg.id) return false;
    struct akira_mesh_route_ *r = route_entry(n, dst, false);
    bool fresh =
        !r || mesh_seq_newer(seq, r->seq) || (seq == r->seq && (!r->valid || metric < r->metric));
    if (!fresh) {
        if (r->valid && r->next_hop == via) r->expires = n->now + n->cfg.route_ms;
        return false;
    }
    bool was_valid = r && r->valid;
    if (!r) r = route_entry(n, dst, true);
    r->next_hop = via;
    r->seq = seq;
    r->hops = hops;
    r->metric = metric;
    r->valid = true;
    r->expires = n->now + n->cfg.route_ms;
    if (!was_valid) mesh_xfer_route_ready(n, dst);
    return true;
}

void mesh_route_drop_via(struct akira_mesh_node *n, uint16_t via)
{
    for (unsigned i = 0; i < AKIRA_MESH_ROUTE_MAX; i++) {
        struct akira_mesh_route_ *r = &n->route[i];
        if (!r->used || !r->valid || r->next_hop != via) continue;
        r->valid = false;
        r->seq++; /* RFC 3561 6.11: what we knew of it is stale now */
        mesh_xfer_route_lost(n, r->dst);
    }
}

static uint16_t metric_add(uint16_t a, uint16_t b)
{
    uint32_t s = (uint32_t)a + b;
    return (uint16_t)(s > MESH_METRIC_MAX ? MESH_METRIC_MAX : s);
}

static uint16_t link_cost(struct akira_mesh_node *n, uint16_t from)
{
    struct akira_mesh_nbr_ *nb = mesh_nbr_find(n, from);
    return nb ? mesh_nbr_cost(nb) : MESH_COST_MAX;
}

void mesh_routed_header(const struct akira_mesh_node *n, uint8_t *p, uint8_t type, uint16_t dst,
                        uint16_t seq)
{
    p[MESH_R_TYPE] = type;
    p[MESH_R_FLAGS] = 0;
    mesh_put16(p + MESH_R_ORIGIN, n->cfg.id);
    mesh_put16(p + MESH_R_DST, dst);
    p[MESH_R_TTL] = n->cfg.ttl;
    p[MESH_R_HOPS] = 0;
    mesh_put16(p + MESH_R_SEQ, seq);
}

void mesh_route_discover(struct akira_mesh_node *n, uint16_t target)
{
    uint8_t p[MESH_Q_LEN];
    n->own_seq++;
    uint16_t id = ++n->rreq_id;
    mesh_routed_header(n, p, MESH_T_RREQ, AKIRA_MESH_ADDR_BCAST, id);
    mesh_put32(p + MESH_Q_OSEQ, n->own_seq);
    mesh_put16(p + MESH_Q_TARGET, target);
    struct akira_mesh_route_ *r = route_entry(n, target, false);
    mesh_put32(p + MESH_Q_TSEQ, r ? r->seq : 0);
    p[MESH_Q_TFLAGS] = r ? 1 : 0;
    mesh_put16(p + MESH_Q_METRIC, 0);
    mesh_dup_add(n, DUP_RREQ, n->cfg.id, id, 0);
    if (mesh_txq_push(n, AKIRA_MESH_ADDR_BCAST, false, p, sizeof(p), n->now) == 0) {
        n->stats.rreq_sent++;
        n->stats.tx_ctrl++;
    }
}

static void rrep_send(struct akira_mesh_node *n, uint16_t to, uint16_t rreq_id)
{
    uint8_t p[MESH_P_LEN];
    mesh_routed_header(n, p, MESH_T_RREP, to, rreq_id);
    mesh_put32(p + MESH_P_TSEQ, n->own_seq);
    mesh_put16(p + MESH_P_METRIC, 0);
    if (mesh_route_forward(n, p, sizeof(p)) == 0) {
        n->stats.rrep_sent++;
        n->stats.tx_ctrl++;
    }
}

void mesh_route_rreq_rx(struct akira_mesh_node *n, uint16_t from, uint8_t *p, size_t len)
{
    uint16_t origin = mesh_get16(p + MESH_R_ORIGIN), id = mesh_get16(p + MESH_R_SEQ);
    uint16_t target = mesh_get16(p + MESH_Q_TARGET);
    if (origin == n->cfg.id) return;
    uint8_t hops = (uint8_t)(p[MESH_R_HOPS] + 1u);
    uint16_t metric = metric_add(mesh_get16(p + MESH_Q_METRIC), link_cost(n, from));
    mesh_route_update(n, origin, from, mesh_get32(p + MESH_Q_OSEQ), hops, metric);
    struct akira_mesh_dup_ *d = mesh_dup_find(n, DUP_RREQ, origin, id, 0);
    if (d && (target != n->cfg.id || metric >= d->best)) {
        n->stats.rx_dup++;
        return;
    }
    if (!d) d = mesh_dup_add(n, DUP_RREQ, origin, id, 0);
    if (target == n->cfg.id) {
        /* a later copy over a better path gets its own reply: the first copy is the
         * fastest, not always the best */
        d->best = metric;
        uint32_t tseq = mesh_get32(p + MESH_Q_TSEQ);
        if (p[MESH_Q_TFLAGS] && mesh_seq_newer(tseq, n->own_seq)) n->own_seq = tseq;
        n->own_seq++;
        rrep_send(n, origin, id);
        return;
    }
    p[MESH_R_HOPS] = (uint8_t)(hops - 1u); /* mesh_flood_relay adds this hop */
    mesh_put16(p + MESH_Q_METRIC, metric);
    mesh_flood_relay(n, p, len);
}

void mesh_route_rrep_rx(struct akira_mesh_node *n, uint16_t from, uint8_t *p, size_t len)
{
    uint16_t target = mesh_get16(p + MESH_R_ORIGIN), dst = mesh_get16(p + MESH_R_DST);
    uint8_t hops = (uint8_t)(p[MESH_R_HOPS] + 1u);
    uint16_t metric = metric_add(mesh_get16(p + MESH_P_METRIC), link_cost(n, from));
    mesh_route_update(n, target, from, mesh_get32(p + MESH_P_TSEQ), hops, metric);
    if (dst == n->cfg.id) return;
    mesh_put16(p + MESH_P_METRIC, metric);
    mesh_route_relay(n, p, len);
}

static void rerr_send(struct akira_mesh_node *n, uint16_t to, uint16_t unreachable)
{
    if (to == n->cfg.id) return;
    uint8_t p[MESH_E_LEN];
    mesh_routed_header(n, p, MESH_T_RERR, to, 0);
    struct akira_mesh_route_ *r = route_entry(n, unreachable, false);
    mesh_put16(p + MESH_E_UNREACH, unreachable);
    mesh_put32(p + MESH_E_USEQ, r ? r->seq : 0);
    if (mesh_route_forward(n, p, sizeof(p)) == 0) {
        n->stats.rerr_sent++;
        n->stats.tx_ctrl++;
    }
}

void mesh_route_rerr_rx(struct akira_mesh_node *n, uint16_t from, uint8_t *p, size_t len)
{
    uint16_t u = mesh_get16(p + MESH_E_UNREACH), dst = mesh_get16(p + MESH_R_DST);
    uint32_t useq = mesh_get32(p + MESH_E_USEQ);
    struct akira_mesh_route_ *r = mesh_route_get(n, u);
    if (r && r->next_hop == from) {
        r->valid = false;
        r->seq = mesh_seq_newer(useq, r->seq) ? useq : r->seq + 1;
        mesh_xfer_route_lost(n, u);
    }
    if (dst != n->cfg.id) mesh_route_relay(n, p, len);
}

/* A unicast frame that the next hop never acknowledged: the link is broken. Routes over
 * it go, and the origin of the frame hears that its destination is unreachable. */
void mesh_route_broken(struct akira_mesh_node *n, uint16_t via, const uint8_t *p, size_t len)
{
    (void)len;
    struct akira_mesh_nbr_ *nb = mesh_nbr_find(n, via);
    if (nb && nb->lq_out > 4) nb->lq_out = (uint8_t)(nb->lq_out * 3u / 4u);
    /* Heard during the retries: the neighbour is alive and the link only lossy. Its
     * routes stay (finding new ones floods a lossy network and fails more often than
     * the end-to-end resend, which gets this frame through). */
    uint64_t window = (uint64_t)n->cfg.ack_ms * 2u * (n->cfg.retries + 1u);
    if (nb && n->now - nb->last_heard < window) return;
    n->stats.link_breaks++;
    mesh_route_drop_via(n, via);
    if (p[0] == MESH_T_DATA || p[0] == MESH_T_EACK)
        rerr_send(n, mesh_get16(p + MESH_R_ORIGIN), mesh_get16(p + MESH_R_DST));
}

/* Sends a routed frame toward its destination, hop-by-hop acknowledged. */
int mesh_route_forward(struct akira_mesh_node *n, uint8_t *p, size_t len)
{
    struct akira_mesh_route_ *r = mesh_route_get(n, mesh_get16(p + MESH_R_DST));
    if (!r) {
        n->stats.no_route++;
        return AKIRA_ENOTCONN;
    }
    r->expires = n->now + n->cfg.route_ms;
    return mesh_txq_push(n, r->next_hop, true, p, len, n->now);
}

/* Passes on a routed frame of someone else's, one hop further. */
int mesh_route_relay(struct akira_mesh_node *n, uint8_t *p, size_t len)
{
    if (p[MESH_R_TTL] <= 1) return AKIRA_ERANGE;
    p[MESH_R_TTL]--;
    if (p[MESH_R_HOPS] < 255) p[MESH_R_HOPS]++;
    int rc = mesh_route_forward(n, p, len);
    if (rc == 0) {
        n->stats.forwarded++;
    } else if (rc == AKIRA_ENOTCONN && (p[0] == MESH_T_DATA || p[0] == MESH_T_EACK)) {
        rerr_send(n, mesh_get16(p + MESH_R_ORIGIN), mesh_get16(p + MESH_R_DST));
    }
    return rc;
}

void mesh_route_tick(struct akira_mesh_node *n)
{
    for (unsigned i = 0; i < AKIRA_MESH_ROUTE_MAX; i++) {
        struct akira_mesh_route_ *r = &n->route[i];
        if (r->used && r->valid && r->expires <= n->now) r->valid = false;
    }
}

size_t akira_mesh_routes(const struct akira_mesh_node *n, struct akira_mesh_route_info *out,
                         size_t max)
{
    size_t k = 0;
    for (unsigned i = 0; i < AKIRA_MESH_ROUTE_MAX && k < max; i++) {
        const struct akira_mesh_route_ *r = &n->route[i];
        if (!r->used) continue;
        out[k].dst = r->dst;
        out[k].next_hop = r->next_hop;
        out[k].seq = r->seq;
        out[k].hops = r->hops;
        out[k].metric = r->metric;
        out[k].valid = r->valid;
        k++;
    }
    return k;
}

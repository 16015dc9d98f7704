/* AkiraMesh node: configuration, the receive path (open, replay check, structural
 * check, link acknowledgement, dispatch by type) and the clock. */
#include "mesh_priv.h"

#include <string.h>

#include <akira/err.h>

static void defaults(struct akira_mesh_config *c)
{
    if (!c->hello_ms) c->hello_ms = 10000;
    if (!c->ack_ms) c->ack_ms = 60;
    if (!c->e2e_ms) c->e2e_ms = 2000;
    if (!c->rreq_ms) c->rreq_ms = 1000;
    if (!c->route_ms) c->route_ms = 300000;
    if (!c->jitter_ms) c->jitter_ms = 20;
    if (!c->retries) c->retries = 5;
    if (c->retries > AKIRA_MESH_RETRY_MAX) c->retries = AKIRA_MESH_RETRY_MAX;
    if (!c->attempts) c->attempts = 4;
    if (!c->ttl) c->ttl = 16;
}

int akira_mesh_init(struct akira_mesh_node *n, const struct akira_mesh_config *cfg,
                    const struct akira_mesh_link *link, const struct akira_mesh_callbacks *cb,
                    uint64_t now)
{
    if (!n || !cfg || !link || !link->send || cfg->id == 0 || cfg->id == AKIRA_MESH_ADDR_BCAST ||
        link->mtu < AKIRA_MESH_MTU_MIN || link->mtu > AKIRA_MESH_MTU_MAX)
        return AKIRA_EINVAL;
    if (mesh_crypto_init() < 0) return AKIRA_ENOTSUP;
    memset(n, 0, sizeof(*n));
    n->cfg = *cfg;
    defaults(&n->cfg);
    n->link = *link;
    if (cb) n->cb = *cb;
    n->counter = cfg->counter_start;
    n->rng = cfg->seed ^ (0x9E3779B9u * cfg->id);
    if (!n->rng) n->rng = 1;
    n->frag_payload = (uint16_t)(link->mtu - MESH_OVERHEAD - MESH_D_LEN);
    n->now = now;
    /* the first beacon soon, at a random moment, so nodes started together spread out */
    n->next_hello = now + 1 + mesh_rand(n) % (n->cfg.hello_ms / 4 + 1);
    return 0;
}

uint32_t mesh_rand(struct akira_mesh_node *n)
{
    uint32_t x = n->rng; /* xorshift32: jitter only, nothing secret */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    n->rng = x;
    return x;
}

int mesh_tx_now(struct akira_mesh_node *n, uint16_t link_dst, const uint8_t *inner, size_t len,
                uint32_t *ctr)
{
    uint8_t frame[AKIRA_MESH_MTU_MAX];
    if (n->counter == n->cfg.counter_start - 1u) return AKIRA_EOVERFLOW; /* never reuse */
    struct mesh_outer h = {n->cfg.net_id, n->cfg.id, link_dst, n->counter};
    int flen = mesh_frame_seal(n->cfg.key, &h, inner, len, frame, n->link.mtu);
    if (flen < 0) return flen;
    n->counter++;
    if (ctr) *ctr = h.counter;
    int rc = n->link.send(n->link.ctx, frame, (size_t)flen);
    if (rc < 0) {
        n->stats.tx_errors++;
        return rc;
    }
    n->stats.tx_frames++;
    /* one frame on the air at a time: nothing else goes out in the same millisecond */
    if (n->hold_until < n->now + 1) n->hold_until = n->now + 1;
    return 0;
}

static void ack_send(struct akira_mesh_node *n, uint16_t to, uint32_t ctr)
{
    uint8_t p[MESH_A_LEN];
    p[0] = MESH_T_ACK;
    mesh_put32(p + MESH_A_CTR, ctr);
    if (mesh_tx_now(n, to, p, sizeof(p), NULL) == 0) {
        n->stats.ack_sent++;
        n->stats.tx_ctrl++;
    }
}

int akira_mesh_input(struct akira_mesh_node *n, const uint8_t *frame, size_t len, int8_t rssi,
                     uint64_t now)
{
    if (!n) return AKIRA_EINVAL;
    if (now > n->now) n->now = now;
    struct mesh_outer h;
    if (mesh_frame_peek(frame, len, &h) < 0) {
        n->stats.rx_malformed++;
        return AKIRA_EFORMAT;
    }
    if (h.net_id != n->cfg.net_id) {
        n->stats.rx_bad_net++;
        return AKIRA_ENOENT;
    }
    if (h.src == n->cfg.id || (h.dst != n->cfg.id && h.dst != AKIRA_MESH_ADDR_BCAST)) {
        n->stats.rx_not_mine++;
        return AKIRA_ENOENT;
    }
    uint8_t p[AKIRA_MESH_MTU_MAX];
    size_t plen = 0;
    if (mesh_frame_open(n->cfg.key, frame, len, &h, p, &plen) < 0) {
        n->stats.rx_bad_auth++;
        return AKIRA_EAUTH;
    }
    struct akira_mesh_nbr_ *nb = mesh_nbr_find(n, h.src);
    if (!mesh_nbr_replay_ok(nb, h.counter)) {
        n->stats.rx_replay++;
        return AKIRA_EEXIST;
    }
    nb = mesh_nbr_touch(n, h.src, rssi);
    mesh_nbr_replay_mark(nb, h.counter);
    if (mesh_inner_check(p, plen) < 0) {
        n->stats.rx_malformed++;
        return AKIRA_EFORMAT;
    }
    n->stats.rx_frames++;
    uint8_t type = p[0];
    bool unicast_routed =
        type == MESH_T_DATA || type == MESH_T_EACK || type == MESH_T_RREP || type == MESH_T_RERR;
    if (unicast_routed) {
        if (h.dst != n->cfg.id) { /* a routed frame is always sent to one next hop */
            n->stats.rx_malformed++;
            return AKIRA_EFORMAT;
        }
        ack_send(n, h.src, h.counter);
    } else if (type != MESH_T_ACK && h.dst != AKIRA_MESH_ADDR_BCAST) {
        n->stats.rx_malformed++;
        return AKIRA_EFORMAT;
    }
    switch (type) {
    case MESH_T_HELLO: mesh_nbr_hello_rx(n, nb, p, plen); break;
    case MESH_T_ACK: mesh_txq_ack(n, h.src, mesh_get32(p + MESH_A_CTR)); break;
    case MESH_T_RREQ: mesh_route_rreq_rx(n, h.src, p, plen); break;
    case MESH_T_RREP: mesh_route_rrep_rx(n, h.src, p, plen); break;
    case MESH_T_RERR: mesh_route_rerr_rx(n, h.src, p, plen); break;
    case MESH_T_BCAST: mesh_flood_rx(n, p, plen); break;
    case MESH_T_DATA: mesh_xfer_data_rx(n, p, plen); break;
    case MESH_T_EACK: mesh_xfer_eack_rx(n, p, plen); break;
    default: break;
    }
    return 0;
}

void akira_mesh_tick(struct akira_mesh_node *n, uint64_t now)
{
    if (now > n->now) n->now = now;
    mesh_nbr_tick(n);
    mesh_route_tick(n);
    mesh_xfer_tick(n);
    mesh_txq_tick(n);
}

uint64_t akira_mesh_next_deadline(const struct akira_mesh_node *n)
{
    uint64_t t = n->next_hello;
    for (unsigned i = 0; i < AKIRA_MESH_TXQ_MAX; i++) {
        if (!n->txq[i].used) continue;
        uint64_t d = n->txq[i].due > n->hold_until ? n->txq[i].due : n->hold_until;
        if (d < t) t = d;
    }
    for (unsigned i = 0; i < AKIRA_MESH_OUT_MAX; i++) {
        const struct akira_mesh_out_ *o = &n->out[i];
        if (!o->used) continue;
        uint64_t d = o->state == OUT_SENDING ? n->now + 1 : o->deadline;
        if (d < t) t = d;
    }
    return t;
}

const struct akira_mesh_stats *akira_mesh_stats(const struct akira_mesh_node *n)
{
    return &n->stats;
}

/* AkiraMesh transfer: the transmit queue with hop-by-hop acknowledgement and retries,
 * fragmentation and reassembly, and the source's store of unicast messages that are
 * resent (over a repaired route if need be) until the destination acknowledges them
 * end to end. */
#include "mesh_priv.h"

#include <string.h>

#include <akira/err.h>

#define RREQ_TRIES   3u
#define TXQ_RESERVED 2u /* slots a source leaves to relayed frames */

/* ---- transmit queue ---- */

unsigned mesh_txq_free(const struct akira_mesh_node *n)
{
    unsigned k = 0;
    for (unsigned i = 0; i < AKIRA_MESH_TXQ_MAX; i++)
        k += !n->txq[i].used;
    return k;
}

int mesh_txq_push(struct akira_mesh_node *n, uint16_t next_hop, bool need_ack, const uint8_t *p,
                  size_t len, uint64_t due)
{
    if (len > sizeof(n->txq[0].buf) || len + MESH_OVERHEAD > n->link.mtu) return AKIRA_ETOOBIG;
    for (unsigned i = 0; i < AKIRA_MESH_TXQ_MAX; i++) {
        struct akira_mesh_txq_ *t = &n->txq[i];
        if (t->used) continue;
        t->used = true;
        t->need_ack = need_ack;
        t->tries = 0;
        t->nctr = 0;
        t->next_hop = next_hop;
        t->due = due;
        t->len = (uint8_t)len;
        memcpy(t->buf, p, len);
        return 0;
    }
    n->stats.txq_full++;
    return AKIRA_ENOSPC;
}

void mesh_txq_ack(struct akira_mesh_node *n, uint16_t from, uint32_t ctr)
{
    for (unsigned i = 0; i < AKIRA_MESH_TXQ_MAX; i++) {
        struct akira_mesh_txq_ *t = &n->txq[i];
        if (!t->used || !t->need_ack || t->next_hop != from) continue;
        for (unsigned k = 0; k < t->nctr; k++) {
            if (t->ctrs[k] == ctr) {
                t->used = false;
                n->hold_until = 0; /* the medium is ours again */
                return;
            }
        }
    }
}

/* One frame per call, the one due first. After a unicast frame the node holds its
 * next transmission until the ack came or a share of the ack wait passed: a
 * half-duplex radio that sent the next frame at once would be deaf to that ack. */
void mesh_txq_tick(struct akira_mesh_node *n)
{
    if (n->now < n->hold_until) return;
    struct akira_mesh_txq_ *t = NULL;
    for (unsigned i = 0; i < AKIRA_MESH_TXQ_MAX; i++) {
        struct akira_mesh_txq_ *c = &n->txq[i];
        if (c->used && c->due <= n->now && (!t || c->due < t->due)) t = c;
    }
    if (!t) return;
    if (!t->need_ack) {
        t->used = false;
        mesh_tx_now(n, t->next_hop, t->buf, t->len, NULL);
        if (t->buf[0] == MESH_T_BCAST) n->stats.tx_data++;
        return;
    }
    if (t->tries > n->cfg.retries) {
        uint8_t copy[AKIRA_MESH_INNER_MAX];
        size_t len = t->len;
        memcpy(copy, t->buf, len);
        t->used = false;
        mesh_route_broken(n, t->next_hop, copy, len);
        return;
    }
    uint32_t ctr = 0;
    int rc = mesh_tx_now(n, t->next_hop, t->buf, t->len, &ctr);
    if (rc == 0 && t->nctr < AKIRA_MESH_RETRY_MAX + 1) t->ctrs[t->nctr++] = ctr;
    if (t->tries > 0) n->stats.tx_retries++;
    if (t->buf[0] == MESH_T_DATA) n->stats.tx_data++;
    t->tries++;
    /* a random share of the wait, so two senders that collided do not collide again */
    uint32_t a = n->cfg.ack_ms;
    t->due = n->now + a + mesh_rand(n) % (a / 2 + 1);
    n->hold_until = n->now + a / 4 + 1;
}

/* ---- fragments ---- */

static size_t frag_count(const struct akira_mesh_node *n, size_t len)
{
    return len == 0 ? 1 : (len + n->frag_payload - 1) / n->frag_payload;
}

static size_t frag_build(const struct akira_mesh_node *n, uint8_t *p, uint8_t type, uint16_t dst,
                         uint16_t seq, uint8_t attempt, uint8_t port, const uint8_t *data,
                         size_t total, unsigned frag)
{
    size_t nfrag = frag_count(n, total);
    size_t off = (size_t)frag * n->frag_payload;
    size_t chunk = total - off < n->frag_payload ? total - off : n->frag_payload;
    mesh_routed_header(n, p, type, dst, seq);
    p[MESH_R_FLAGS] = attempt & MESH_ATTEMPT_MASK;
    p[MESH_D_FRAG] = (uint8_t)frag;
    p[MESH_D_NFRAG] = (uint8_t)nfrag;
    p[MESH_D_PORT] = port;
    mesh_put16(p + MESH_D_TOTAL, (uint16_t)total);
    if (chunk) memcpy(p + MESH_D_LEN, data + off, chunk);
    return MESH_D_LEN + chunk;
}

static void eack_send(struct akira_mesh_node *n, uint16_t to, uint16_t seq)
{
    uint8_t p[MESH_R_LEN];
    mesh_routed_header(n, p, MESH_T_EACK, to, seq);
    if (mesh_route_forward(n, p, sizeof(p)) == AKIRA_ENOTCONN) mesh_route_discover(n, to);
}

static void deliver(struct akira_mesh_node *n, struct akira_mesh_rx_ *r)
{
    n->stats.delivered++;
    if (r->port == AKIRA_MESH_PORT_PING && r->dst == n->cfg.id) {
        akira_mesh_send(n, r->origin, AKIRA_MESH_PORT_PONG, r->data, r->total, n->now);
        return;
    }
    if (n->cb.deliver)
        n->cb.deliver(n->cb.ctx, r->origin, r->dst, r->port, r->data, r->total, r->hops);
}

void mesh_xfer_reassemble(struct akira_mesh_node *n, const uint8_t *p, size_t len)
{
    uint16_t origin = mesh_get16(p + MESH_R_ORIGIN), dst = mesh_get16(p + MESH_R_DST);
    uint16_t seq = mesh_get16(p + MESH_R_SEQ), total = mesh_get16(p + MESH_D_TOTAL);
    uint8_t frag = p[MESH_D_FRAG], nfrag = p[MESH_D_NFRAG];
    bool bcast = dst == AKIRA_MESH_ADDR_BCAST;
    if (mesh_dup_find(n, DUP_DELIVERED, origin, seq, bcast)) {
        n->stats.rx_dup++;
        if (!bcast) eack_send(n, origin, seq); /* our ack was lost: say it again */
        return;
    }
    struct akira_mesh_rx_ *r = NULL, *oldest = NULL;
    for (unsigned i = 0; i < AKIRA_MESH_RX_MAX && !r; i++) {
        struct akira_mesh_rx_ *s = &n->rx[i];
        if (s->used && s->origin == origin && s->dst == dst && s->seq == seq)
            r = s;
        else if (!oldest || !s->used || (oldest->used && s->touched < oldest->touched))
            oldest = s;
    }
    if (!r) {
        r = oldest;
        memset(r, 0, offsetof(struct akira_mesh_rx_, data));
        r->used = true;
        r->origin = origin;
        r->dst = dst;
        r->seq = seq;
        r->total = total;
        r->nfrag = nfrag;
        r->port = p[MESH_D_PORT];
    }
    if (r->total != total || r->nfrag != nfrag) {
        n->stats.rx_malformed++;
        return;
    }
    r->touched = n->now;
    if (p[MESH_R_HOPS] + 1u > r->hops) r->hops = (uint8_t)(p[MESH_R_HOPS] + 1u);
    size_t chunk = len - MESH_D_LEN;
    size_t off = frag + 1u < nfrag ? (size_t)frag * chunk : total - chunk;
    memcpy(r->data + off, p + MESH_D_LEN, chunk);
    r->have |= (uint32_t)1 << frag;
    if (r->have != ((nfrag == 32 ? 0u : (uint32_t)1 << nfrag) - 1u)) return;
    r->used = false;
    mesh_dup_add(n, DUP_DELIVERED, origin, seq, bcast);
    if (!bcast) eack_send(n, origin, seq);
    deliver(n, r);
}

void mesh_xfer_data_rx(struct akira_mesh_node *n, const uint8_t *p, size_t len)
{
    uint16_t origin = mesh_get16(p + MESH_R_ORIGIN), dst = mesh_get16(p + MESH_R_DST);
    if (origin == n->cfg.id) return;
    if (dst == n->cfg.id) {
        mesh_xfer_reassemble(n, p, len);
        return;
    }
    /* a retry whose ack was lost comes again: relay each fragment of an attempt once */
    uint16_t seq = mesh_get16(p + MESH_R_SEQ);
    uint16_t aux = (uint16_t)(p[MESH_D_FRAG] | ((p[MESH_R_FLAGS] & MESH_ATTEMPT_MASK) << 8));
    if (mesh_dup_find(n, DUP_FWD, origin, seq, aux)) {
        n->stats.rx_dup++;
        return;
    }
    mesh_dup_add(n, DUP_FWD, origin, seq, aux);
    uint8_t copy[AKIRA_MESH_INNER_MAX];
    memcpy(copy, p, len);
    mesh_route_relay(n, copy, len);
}

/* ---- the source's messages ---- */

static void out_end(struct akira_mesh_node *n, struct akira_mesh_out_ *o, int status)
{
    o->used = false;
    if (n->cb.sent) n->cb.sent(n->cb.ctx, o->dst, o->seq, status);
}

static void out_wait_route(struct akira_mesh_node *n, struct akira_mesh_out_ *o)
{
    o->state = OUT_WAIT_ROUTE;
    o->tries = 1;
    o->deadline = n->now + n->cfg.rreq_ms;
    /* one request per destination at a time */
    for (unsigned i = 0; i < AKIRA_MESH_OUT_MAX; i++) {
        const struct akira_mesh_out_ *x = &n->out[i];
        if (x != o && x->used && x->dst == o->dst && x->state == OUT_WAIT_ROUTE) {
            o->deadline = x->deadline;
            return;
        }
    }
    mesh_route_discover(n, o->dst);
}

static void out_pump(struct akira_mesh_node *n, struct akira_mesh_out_ *o)
{
    while (o->state == OUT_SENDING && o->next_frag < o->nfrag) {
        if (mesh_txq_free(n) <= TXQ_RESERVED) return;
        uint8_t p[AKIRA_MESH_INNER_MAX];
        size_t len = frag_build(n, p, MESH_T_DATA, o->dst, o->seq, o->attempt, o->port, o->data,
                                o->len, o->next_frag);
        int rc = mesh_route_forward(n, p, len);
        if (rc == AKIRA_ENOTCONN) {
            out_wait_route(n, o);
            return;
        }
        if (rc < 0) return;
        o->next_frag++;
    }
    if (o->state == OUT_SENDING) {
        o->state = OUT_WAIT_ACK;
        o->deadline = n->now + n->cfg.e2e_ms;
    }
}

static void out_retry(struct akira_mesh_node *n, struct akira_mesh_out_ *o)
{
    if (++o->attempt >= n->cfg.attempts) {
        out_end(n, o, AKIRA_ETIMEDOUT);
        return;
    }
    o->next_frag = 0;
    if (mesh_route_get(n, o->dst)) {
        o->state = OUT_SENDING;
        out_pump(n, o);
    } else {
        out_wait_route(n, o);
    }
}

void mesh_xfer_route_ready(struct akira_mesh_node *n, uint16_t dst)
{
    for (unsigned i = 0; i < AKIRA_MESH_OUT_MAX; i++) {
        struct akira_mesh_out_ *o = &n->out[i];
        if (!o->used || o->dst != dst || o->state != OUT_WAIT_ROUTE) continue;
        o->state = OUT_SENDING;
        o->next_frag = 0;
        out_pump(n, o);
    }
}

/* The route broke under a message: send it again over a new one. */
void mesh_xfer_route_lost(struct akira_mesh_node *n, uint16_t dst)
{
    for (unsigned i = 0; i < AKIRA_MESH_OUT_MAX; i++) {
        struct akira_mesh_out_ *o = &n->out[i];
        if (o->used && o->dst == dst && o->state != OUT_WAIT_ROUTE) out_retry(n, o);
    }
}

void mesh_xfer_eack_rx(struct akira_mesh_node *n, const uint8_t *p, size_t len)
{
    uint16_t origin = mesh_get16(p + MESH_R_ORIGIN), dst = mesh_get16(p + MESH_R_DST);
    if (dst != n->cfg.id) {
        uint8_t copy[MESH_R_LEN];
        memcpy(copy, p, len);
        mesh_route_relay(n, copy, len);
        return;
    }
    uint16_t seq = mesh_get16(p + MESH_R_SEQ);
    for (unsigned i = 0; i < AKIRA_MESH_OUT_MAX; i++) {
        struct akira_mesh_out_ *o = &n->out[i];
        if (o->used && o->dst == origin && o->seq == seq) out_end(n, o, 0);
    }
}

void mesh_xfer_tick(struct akira_mesh_node *n)
{
    for (unsigned i = 0; i < AKIRA_MESH_OUT_MAX; i++) {
        struct akira_mesh_out_ *o = &n->out[i];
        if (!o->used) continue;
        if (o->state == OUT_SENDING) {
            out_pump(n, o);
        } else if (o->deadline <= n->now) {
            if (o->state == OUT_WAIT_ACK) {
                out_retry(n, o);
            } else if (o->tries >= RREQ_TRIES) {
                out_end(n, o, AKIRA_ENOTCONN);
            } else {
                o->tries++;
                o->deadline = n->now + (uint64_t)n->cfg.rreq_ms * o->tries;
                mesh_route_discover(n, o->dst);
            }
        }
    }
    for (unsigned i = 0; i < AKIRA_MESH_RX_MAX; i++) {
        struct akira_mesh_rx_ *r = &n->rx[i];
        if (r->used && n->now - r->touched > 2ull * n->cfg.e2e_ms) r->used = false;
    }
}

int akira_mesh_send(struct akira_mesh_node *n, uint16_t dst, uint8_t port, const void *data,
                    size_t len, uint64_t now)
{
    if (!n || (len && !data) || dst == 0 || dst == n->cfg.id) return AKIRA_EINVAL;
    if (len > AKIRA_MESH_MSG_MAX || frag_count(n, len) > AKIRA_MESH_FRAG_MAX) return AKIRA_ETOOBIG;
    if (now > n->now) n->now = now;
    if (dst == AKIRA_MESH_ADDR_BCAST) {
        size_t nfrag = frag_count(n, len);
        if (mesh_txq_free(n) < nfrag + TXQ_RESERVED) return AKIRA_ENOSPC;
        uint16_t seq = ++n->msg_seq;
        for (unsigned f = 0; f < nfrag; f++) {
            uint8_t p[AKIRA_MESH_INNER_MAX];
            size_t plen = frag_build(n, p, MESH_T_BCAST, dst, seq, 0, port, data, len, f);
            mesh_txq_push(n, AKIRA_MESH_ADDR_BCAST, false, p, plen, n->now);
        }
        return 0;
    }
    struct akira_mesh_out_ *o = NULL;
    for (unsigned i = 0; i < AKIRA_MESH_OUT_MAX && !o; i++)
        if (!n->out[i].used) o = &n->out[i];
    if (!o) return AKIRA_ENOSPC;
    memset(o, 0, offsetof(struct akira_mesh_out_, data));
    o->used = true;
    o->dst = dst;
    o->port = port;
    o->seq = ++n->msg_seq;
    o->len = (uint16_t)len;
    o->nfrag = (uint8_t)frag_count(n, len);
    if (len) memcpy(o->data, data, len);
    if (mesh_route_get(n, dst)) {
        o->state = OUT_SENDING;
        out_pump(n, o);
    } else {
        out_wait_route(n, o);
    }
    return o->seq;
}

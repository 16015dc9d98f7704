/* The stand-in link layer of fake_link.h. */
#include "fake_link.h"

#include <stdlib.h>
#include <string.h>

#include "akira/ble_host_ll.h"
#include "akira/ble_ll.h"

enum { K_ACL = 1, K_LTK_REQ, K_ENC, K_DISC };

struct side_ctx {
    struct fake_link *l;
    int side;
};
static struct side_ctx ctxs[2];
static struct fake_link *ll_link; /* the link whose side 0 is on ble_ll.h */
static const akira_ble_host_ops_t *ll_ops;

static void push(struct fake_link *l, uint8_t to, uint8_t kind, uint8_t llid, const uint8_t *d,
                 size_t n)
{
    if (l->qn == FAKE_QMAX) abort(); /* the test drives too much without pumping */
    struct fake_msg *m = &l->q[(l->qh + l->qn++) % FAKE_QMAX];
    m->to = to;
    m->kind = kind;
    m->llid = llid;
    m->len = (uint16_t)n;
    if (n) memcpy(m->data, d, n);
}

static void capture(struct fake_link *l, int s, uint8_t llid, const uint8_t *d, size_t n)
{
    if (llid == AKIRA_BLE_LLID_START) l->rx_len[s] = 0;
    if (l->rx_len[s] + n > sizeof(l->rx[s])) return;
    memcpy(l->rx[s] + l->rx_len[s], d, n);
    l->rx_len[s] = (uint16_t)(l->rx_len[s] + n);
    if (l->rx_len[s] >= 4 && l->rx_len[s] == 4 + (l->rx[s][0] | (l->rx[s][1] << 8))) {
        struct fake_pdu *p = &l->sent[s][l->n_sent[s] % FAKE_CAP];
        p->len = (uint16_t)(l->rx_len[s] - 4);
        p->cid = (uint16_t)(l->rx[s][2] | (l->rx[s][3] << 8));
        memcpy(p->data, l->rx[s] + 4, p->len);
        l->n_sent[s]++;
    }
}

static akira_err_t side_send(struct fake_link *l, int s, uint16_t conn, uint8_t llid,
                             const uint8_t *d, size_t n)
{
    if (!l->connected || conn != l->conn[s]) return AKIRA_ENOTCONN;
    if (n > AKIRA_BLE_LL_DATA_MAX) return AKIRA_ETOOBIG;
    if (l->eagain_left) {
        l->eagain_left--;
        return AKIRA_EAGAIN;
    }
    l->sends[s]++;
    capture(l, s, llid, d, n);
    push(l, (uint8_t)!s, K_ACL, llid, d, n);
    return AKIRA_OK;
}

static akira_err_t side_encrypt(struct fake_link *l, int s, uint16_t conn, const uint8_t ltk[16])
{
    if (!l->connected || conn != l->conn[s]) return AKIRA_ENOTCONN;
    if (s != 0) return AKIRA_EPERM; /* only the central starts encryption */
    memcpy(l->central_ltk, ltk, 16);
    l->enc_pending = true;
    push(l, 1, K_LTK_REQ, 0, NULL, 0);
    return AKIRA_OK;
}

static akira_err_t side_ltk(struct fake_link *l, int s, uint16_t conn, const uint8_t *ltk)
{
    if (!l->connected || conn != l->conn[s] || s != 1 || !l->enc_pending) return AKIRA_ESTATE;
    l->enc_pending = false;
    if (!ltk) { /* negative reply: the central hears "key missing" */
        uint8_t st = 1;
        push(l, 0, K_ENC, 0, &st, 1);
        return AKIRA_OK;
    }
    if (memcmp(ltk, l->central_ltk, 16) != 0) { /* keys differ: the first PDU fails its MIC */
        push(l, 0, K_DISC, AKIRA_BLE_REASON_MIC_FAILURE, NULL, 0);
        push(l, 1, K_DISC, AKIRA_BLE_REASON_MIC_FAILURE, NULL, 0);
        return AKIRA_OK;
    }
    uint8_t ok = 0;
    push(l, 0, K_ENC, 0, &ok, 1);
    push(l, 1, K_ENC, 0, &ok, 1);
    return AKIRA_OK;
}

static akira_err_t side_disc(struct fake_link *l, int s, uint16_t conn, uint8_t reason)
{
    if (!l->connected || conn != l->conn[s]) return AKIRA_ENOTCONN;
    (void)reason;
    push(l, (uint8_t)s, K_DISC, AKIRA_BLE_REASON_LOCAL_HOST, NULL, 0);
    push(l, (uint8_t)!s, K_DISC, AKIRA_BLE_REASON_REMOTE_USER, NULL, 0);
    return AKIRA_OK;
}

static akira_err_t op_send(void *ctx, uint16_t conn, uint8_t llid, const uint8_t *d, size_t n)
{
    struct side_ctx *c = ctx;
    return side_send(c->l, c->side, conn, llid, d, n);
}
static akira_err_t op_encrypt(void *ctx, uint16_t conn, const uint8_t ltk[16],
                              const uint8_t rand[8], uint16_t ediv)
{
    (void)rand;
    (void)ediv;
    struct side_ctx *c = ctx;
    return side_encrypt(c->l, c->side, conn, ltk);
}
static akira_err_t op_ltk(void *ctx, uint16_t conn, const uint8_t *ltk)
{
    struct side_ctx *c = ctx;
    return side_ltk(c->l, c->side, conn, ltk);
}
static akira_err_t op_disc(void *ctx, uint16_t conn, uint8_t reason)
{
    struct side_ctx *c = ctx;
    return side_disc(c->l, c->side, conn, reason);
}

akira_ble_host_lower_t fake_lower(struct fake_link *l, int side)
{
    ctxs[side].l = l;
    ctxs[side].side = side;
    return (akira_ble_host_lower_t){op_send, op_encrypt, op_ltk, op_disc, &ctxs[side]};
}

void fake_init(struct fake_link *l)
{
    memset(l, 0, sizeof(*l));
    l->conn[0] = 0x0001;
    l->conn[1] = 0x0040;
    l->addr[0] = (akira_ble_addr_t){0, {0x11, 0x22, 0x33, 0x44, 0x55, 0x66}};
    l->addr[1] = (akira_ble_addr_t){1, {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xc6}};
}

/* ---- side 0 through ble_ll.h ---- */

void fake_use_ll(struct fake_link *l)
{
    ll_link = l;
}

void akira_ble_ll_set_host(const akira_ble_host_ops_t *ops)
{
    ll_ops = ops;
}
akira_err_t akira_ble_ll_acl_send(uint16_t conn, uint8_t llid, const uint8_t *data, size_t len)
{
    return side_send(ll_link, 0, conn, llid, data, len);
}
akira_err_t akira_ble_ll_encrypt_start(uint16_t conn, const uint8_t ltk[16], const uint8_t rand[8],
                                       uint16_t ediv)
{
    (void)rand;
    (void)ediv;
    return side_encrypt(ll_link, 0, conn, ltk);
}
akira_err_t akira_ble_ll_ltk_reply(uint16_t conn, const uint8_t ltk[16])
{
    return side_ltk(ll_link, 0, conn, ltk);
}
akira_err_t akira_ble_ll_disconnect(uint16_t conn, uint8_t reason)
{
    return side_disc(ll_link, 0, conn, reason);
}
akira_err_t akira_ble_ll_own_addr(akira_ble_addr_t *out)
{
    *out = ll_link->addr[0];
    return AKIRA_OK;
}

static bool via_ll(struct fake_link *l, int s)
{
    return s == 0 && ll_link == l && ll_ops;
}

/* ---- delivery ---- */

void fake_connect(struct fake_link *l)
{
    l->connected = true;
    static const akira_ble_conn_params_t params = {24, 0, 400};
    for (int s = 0; s < 2; s++) {
        uint8_t role = s == 0 ? AKIRA_BLE_ROLE_CENTRAL : AKIRA_BLE_ROLE_PERIPHERAL;
        if (via_ll(l, s))
            ll_ops->connected(l->conn[s], role, &l->addr[!s], &params);
        else
            akira_ble_host_on_connected(l->host[s], l->conn[s], role, &l->addr[!s]);
    }
}

static void deliver(struct fake_link *l, const struct fake_msg *m)
{
    int s = m->to;
    if (!l->connected && m->kind != K_DISC) return;
    if (l->mute[s] && m->kind == K_ACL) return;
    switch (m->kind) {
    case K_ACL:
        if (via_ll(l, s))
            ll_ops->acl_received(l->conn[s], m->llid, m->data, m->len);
        else
            akira_ble_host_on_acl(l->host[s], l->conn[s], m->llid, m->data, m->len);
        break;
    case K_LTK_REQ: {
        static const uint8_t zero8[8];
        akira_ble_host_on_ltk_request(l->host[s], l->conn[s], zero8, 0);
        break;
    }
    case K_ENC: {
        akira_err_t st = m->data[0] ? AKIRA_EAUTH : AKIRA_OK;
        if (via_ll(l, s))
            ll_ops->encryption_changed(l->conn[s], st);
        else
            akira_ble_host_on_encryption(l->host[s], l->conn[s], st);
        break;
    }
    case K_DISC:
        l->connected = false; /* from the first report on, the link takes nothing */
        if (via_ll(l, s))
            ll_ops->disconnected(l->conn[s], m->llid);
        else
            akira_ble_host_on_disconnected(l->host[s], l->conn[s], m->llid);
        break;
    }
}

void fake_pump(struct fake_link *l)
{
    for (unsigned guard = 0; guard < 100000; guard++) {
        if (!l->qn) {
            /* Anything the hosts still hold (EAGAIN) goes out on the next poll. */
            bool more = l->eagain_left != 0;
            for (int s = 0; s < 2; s++) {
                unsigned before = l->sends[s];
                if (l->host[s]) akira_ble_host_poll(l->host[s], 0);
                more |= l->sends[s] != before;
            }
            if (!more) return;
            continue;
        }
        struct fake_msg m = l->q[l->qh];
        l->qh = (l->qh + 1) % FAKE_QMAX;
        l->qn--;
        deliver(l, &m);
    }
    abort(); /* the hosts never went quiet */
}

void fake_disconnect(struct fake_link *l, uint8_t reason)
{
    push(l, 0, K_DISC, reason, NULL, 0);
    push(l, 1, K_DISC, reason, NULL, 0);
    fake_pump(l);
}

void fake_inject_ll(struct fake_link *l, int to, uint8_t llid, const uint8_t *d, size_t n)
{
    push(l, (uint8_t)to, K_ACL, llid, d, n);
    fake_pump(l);
}

void fake_inject(struct fake_link *l, int to, uint16_t cid, const uint8_t *p, size_t n)
{
    uint8_t b[AKIRA_BLE_LL_DATA_MAX];
    if (n + 4 > sizeof b) abort();
    b[0] = (uint8_t)n;
    b[1] = (uint8_t)(n >> 8);
    b[2] = (uint8_t)cid;
    b[3] = (uint8_t)(cid >> 8);
    memcpy(b + 4, p, n);
    fake_inject_ll(l, to, AKIRA_BLE_LLID_START, b, n + 4);
}

const struct fake_pdu *fake_last(struct fake_link *l, int side, uint16_t cid)
{
    unsigned n = l->n_sent[side], lo = n > FAKE_CAP ? n - FAKE_CAP : 0;
    for (unsigned i = n; i > lo; i--) {
        const struct fake_pdu *p = &l->sent[side][(i - 1) % FAKE_CAP];
        if (p->cid == cid) return p;
    }
    return NULL;
}

void fake_clear(struct fake_link *l)
{
    l->n_sent[0] = l->n_sent[1] = 0;
}

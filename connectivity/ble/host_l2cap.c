/*
 * L2CAP in basic mode over LE: reassembly of LL fragments (LLID start/continue) into
 * PDUs with the length checks, fragmentation into the connection's queue, the fixed
 * channels (ATT, signaling, SMP) and the LE signaling channel's refusals.
 */
#include "host_priv.h"

#define SIG_CMD_REJECT         0x01
#define SIG_DISCONN_REQ        0x06
#define SIG_CONN_PARAM_REQ     0x12
#define SIG_CONN_PARAM_RSP     0x13
#define SIG_LE_CREDIT_REQ      0x14
#define SIG_LE_CREDIT_RSP      0x15
#define SIG_REJ_NOT_UNDERSTOOD 0x0000
#define SIG_REJ_INVALID_CID    0x0002

static void drop(akira_ble_host_t *h, struct ble_conn *c)
{
    h->stats.l2cap_dropped++;
    c->rx_active = false;
    c->rx_len = 0;
}

static void sig_reply(akira_ble_host_t *h, struct ble_conn *c, uint8_t code, uint8_t id,
                      const uint8_t *data, uint16_t len)
{
    uint8_t p[4 + 12];
    p[0] = code;
    p[1] = id;
    ble_put16(p + 2, len);
    if (len) memcpy(p + 4, data, len);
    ble_l2cap_send(h, c, AKIRA_BLE_CID_SIG, p, 4u + len);
}

static void sig_reject(akira_ble_host_t *h, struct ble_conn *c, uint8_t id, uint16_t reason,
                       const uint8_t *extra, uint16_t n)
{
    uint8_t d[6];
    ble_put16(d, reason);
    if (n) memcpy(d + 2, extra, n);
    sig_reply(h, c, SIG_CMD_REJECT, id, d, (uint16_t)(2 + n));
}

static void sig_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len < 4) {
        h->stats.l2cap_dropped++;
        return;
    }
    uint8_t code = p[0], id = p[1];
    uint16_t dlen = ble_get16(p + 2);
    if (id == 0) { /* identifier 0 is never valid */
        h->stats.l2cap_dropped++;
        return;
    }
    if (dlen != len - 4) {
        h->stats.l2cap_dropped++;
        sig_reject(h, c, id, SIG_REJ_NOT_UNDERSTOOD, NULL, 0);
        return;
    }
    const uint8_t *d = p + 4;
    switch (code) {
    case SIG_CMD_REJECT:
    case SIG_CONN_PARAM_RSP: return; /* nothing of ours is outstanding */
    case SIG_CONN_PARAM_REQ:
        if (c->role == AKIRA_BLE_ROLE_CENTRAL && dlen == 8) {
            /* The link layer contract has no parameter update: refuse it, as allowed. */
            uint8_t r[2];
            ble_put16(r, 0x0001);
            sig_reply(h, c, SIG_CONN_PARAM_RSP, id, r, 2);
            return;
        }
        break;
    case SIG_LE_CREDIT_REQ:
        if (dlen == 10) { /* no dynamic channels: SPSM not supported */
            uint8_t r[10] = {0};
            ble_put16(r + 8, 0x0002);
            sig_reply(h, c, SIG_LE_CREDIT_RSP, id, r, 10);
            return;
        }
        break;
    case SIG_DISCONN_REQ:
        if (dlen == 4) { /* reject with the CIDs it named: none of ours is dynamic */
            uint8_t ex[4] = {d[0], d[1], d[2], d[3]};
            sig_reject(h, c, id, SIG_REJ_INVALID_CID, ex, 4);
            return;
        }
        break;
    default: break;
    }
    h->stats.l2cap_dropped++;
    sig_reject(h, c, id, SIG_REJ_NOT_UNDERSTOOD, NULL, 0);
}

static void deliver(akira_ble_host_t *h, struct ble_conn *c)
{
    uint16_t plen = ble_get16(c->rx), cid = ble_get16(c->rx + 2);
    c->rx_active = false;
    c->rx_len = 0;
    const uint8_t *p = c->rx + BLE_L2CAP_HDR;
    switch (cid) {
    case AKIRA_BLE_CID_ATT: ble_att_rx(h, c, p, plen); break;
    case AKIRA_BLE_CID_SIG: sig_rx(h, c, p, plen); break;
    case AKIRA_BLE_CID_SMP: ble_smp_rx(h, c, p, plen); break;
    default: h->stats.l2cap_dropped++; break; /* no such channel: discarded (Vol 3 Part A) */
    }
}

void ble_l2cap_rx(akira_ble_host_t *h, struct ble_conn *c, uint8_t llid, const uint8_t *d,
                  size_t len)
{
    if (len > AKIRA_BLE_LL_DATA_MAX) {
        drop(h, c);
        return;
    }
    if (llid == AKIRA_BLE_LLID_START) {
        if (c->rx_active) h->stats.l2cap_dropped++; /* an unfinished PDU is abandoned */
        c->rx_active = false;
        c->rx_len = 0;
        if (len < BLE_L2CAP_HDR) {
            drop(h, c);
            return;
        }
        uint32_t need = BLE_L2CAP_HDR + (uint32_t)ble_get16(d);
        if (need > sizeof(c->rx) || len > need) {
            /* Larger than any PDU we accept, or more bytes than it says: refused whole
             * (its continuation fragments find no PDU and are dropped too). */
            drop(h, c);
            return;
        }
        c->rx_need = (uint16_t)need;
        c->rx_active = true;
    } else if (llid == AKIRA_BLE_LLID_CONT) {
        if (!c->rx_active) {
            if (len) h->stats.l2cap_dropped++; /* orphan (empty ones are LL keep-alives) */
            return;
        }
        if (c->rx_len + len > c->rx_need) {
            drop(h, c);
            return;
        }
    } else {
        drop(h, c);
        return;
    }
    memcpy(c->rx + c->rx_len, d, len);
    c->rx_len = (uint16_t)(c->rx_len + len);
    if (c->rx_len == c->rx_need) deliver(h, c);
}

static size_t queue_cost(akira_ble_host_t *h, size_t len)
{
    size_t total = BLE_L2CAP_HDR + len;
    size_t n = (total + h->frag - 1) / h->frag;
    return total + 2 * n;
}

bool ble_l2cap_room(akira_ble_host_t *h, struct ble_conn *c, size_t len)
{
    return c->tx_len + queue_cost(h, len) <= sizeof(c->tx);
}

akira_err_t ble_l2cap_send(akira_ble_host_t *h, struct ble_conn *c, uint16_t cid,
                           const uint8_t *payload, size_t len)
{
    if (len > AKIRA_BLE_ATT_MTU_MAX) return AKIRA_ETOOBIG;
    if (!ble_l2cap_room(h, c, len)) return AKIRA_EAGAIN;
    uint8_t hdr[BLE_L2CAP_HDR];
    ble_put16(hdr, (uint16_t)len);
    ble_put16(hdr + 2, cid);
    size_t total = BLE_L2CAP_HDR + len, at = 0;
    while (at < total) {
        size_t n = total - at < h->frag ? total - at : h->frag;
        uint8_t *r = c->tx + c->tx_len;
        r[0] = at == 0 ? AKIRA_BLE_LLID_START : AKIRA_BLE_LLID_CONT;
        r[1] = (uint8_t)n;
        for (size_t i = 0; i < n; i++) {
            size_t k = at + i;
            r[2 + i] = k < BLE_L2CAP_HDR ? hdr[k] : payload[k - BLE_L2CAP_HDR];
        }
        c->tx_len = (uint16_t)(c->tx_len + 2 + n);
        at += n;
    }
    ble_l2cap_flush(h, c);
    return AKIRA_OK;
}

void ble_l2cap_flush(akira_ble_host_t *h, struct ble_conn *c)
{
    while (c->tx_len) {
        uint8_t n = c->tx[1];
        akira_err_t rc = h->cfg.lower.acl_send(h->cfg.lower.ctx, c->handle, c->tx[0], c->tx + 2, n);
        if (rc == AKIRA_EAGAIN) return; /* the next poll retries */
        if (rc != AKIRA_OK) {           /* the link is gone: its disconnect follows */
            c->tx_len = 0;
            return;
        }
        c->tx_len = (uint16_t)(c->tx_len - 2 - n);
        memmove(c->tx, c->tx + 2 + n, c->tx_len);
    }
}

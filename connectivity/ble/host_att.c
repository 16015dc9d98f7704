/*
 * ATT server side: every request and command of the protocol (Core Vol 3 Part F 3.4),
 * with the error each malformed or refused one gets; PDUs for the client side go to
 * host_gatt_client.c.
 */
#include "host_priv.h"

#define OP_ERROR_RSP      0x01
#define OP_MTU_REQ        0x02
#define OP_MTU_RSP        0x03
#define OP_FIND_INFO_REQ  0x04
#define OP_FIND_INFO_RSP  0x05
#define OP_FIND_TYPE_REQ  0x06
#define OP_FIND_TYPE_RSP  0x07
#define OP_READ_TYPE_REQ  0x08
#define OP_READ_TYPE_RSP  0x09
#define OP_READ_REQ       0x0a
#define OP_READ_RSP       0x0b
#define OP_READ_BLOB_REQ  0x0c
#define OP_READ_BLOB_RSP  0x0d
#define OP_READ_MULT_REQ  0x0e
#define OP_READ_MULT_RSP  0x0f
#define OP_READ_GROUP_REQ 0x10
#define OP_READ_GROUP_RSP 0x11
#define OP_WRITE_REQ      0x12
#define OP_WRITE_RSP      0x13
#define OP_PREP_WRITE_REQ 0x16
#define OP_PREP_WRITE_RSP 0x17
#define OP_EXEC_WRITE_REQ 0x18
#define OP_EXEC_WRITE_RSP 0x19
#define OP_CONFIRM        0x1e
#define OP_READ_MVAR_REQ  0x20
#define OP_READ_MVAR_RSP  0x21
#define OP_WRITE_CMD      0x52
#define OP_SIGNED_WRITE   0xd2
#define ATT_CMD_FLAG      0x40

void ble_att_error(akira_ble_host_t *h, struct ble_conn *c, uint8_t req, uint16_t handle,
                   uint8_t code)
{
    uint8_t p[5] = {OP_ERROR_RSP, req, 0, 0, code};
    ble_put16(p + 2, handle);
    h->stats.att_errors++;
    ble_l2cap_send(h, c, AKIRA_BLE_CID_ATT, p, sizeof p);
}

static void reply(akira_ble_host_t *h, struct ble_conn *c, size_t len)
{
    ble_l2cap_send(h, c, AKIRA_BLE_CID_ATT, h->pdu, len);
}

/* Reads a 2- or 16-byte UUID of a request's tail; false for any other length. */
static bool uuid_from(const uint8_t *p, size_t n, akira_ble_uuid_t *u)
{
    if (n != 2 && n != 16) return false;
    u->len = (uint8_t)n;
    memcpy(u->b, p, n);
    return true;
}

/* start/end of a handle range request; the error when they are not a valid range. */
static bool range_ok(akira_ble_host_t *h, struct ble_conn *c, uint8_t op, uint16_t s, uint16_t e)
{
    if (s == 0 || s > e) {
        ble_att_error(h, c, op, s, AKIRA_BLE_ATT_ERR_INVALID_HANDLE);
        return false;
    }
    return true;
}

/* The next handle in hd..e whose attribute has this type; 0 when none. */
static uint16_t next_of_type(akira_ble_host_t *h, uint32_t hd, uint16_t e,
                             const akira_ble_uuid_t *type)
{
    for (; hd <= e && hd <= h->n_attrs; hd++) {
        akira_ble_uuid_t u;
        const struct ble_attr *a = ble_gatts_attr(h, (uint16_t)hd);
        if (!a) continue; /* a removed service's hole */
        ble_gatts_type(a, &u);
        if (akira_ble_uuid_eq(&u, type)) return (uint16_t)hd;
    }
    return 0;
}

static void mtu_req(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len != 3) {
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    uint16_t client = ble_get16(p + 1);
    if (client < AKIRA_BLE_ATT_MTU_MIN) client = AKIRA_BLE_ATT_MTU_MIN;
    h->pdu[0] = OP_MTU_RSP;
    ble_put16(h->pdu + 1, AKIRA_BLE_ATT_MTU_MAX);
    reply(h, c, 3); /* sent in the old MTU, which 3 bytes always fit */
    uint16_t mtu = client < AKIRA_BLE_ATT_MTU_MAX ? client : AKIRA_BLE_ATT_MTU_MAX;
    if (mtu != c->mtu) {
        c->mtu = mtu;
        if (h->cfg.cb.mtu_changed) h->cfg.cb.mtu_changed(h->cfg.cb_user, c->handle, mtu);
    }
}

static void find_info(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len != 5) {
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    uint16_t s = ble_get16(p + 1), e = ble_get16(p + 3);
    if (!range_ok(h, c, p[0], s, e)) return;
    size_t at = 2, fmt = 0;
    for (uint32_t hd = s; hd <= e && hd <= h->n_attrs; hd++) {
        akira_ble_uuid_t u;
        const struct ble_attr *a = ble_gatts_attr(h, (uint16_t)hd);
        if (!a) continue; /* a removed service's hole */
        ble_gatts_type(a, &u);
        size_t f = u.len == 2 ? 1 : 2;
        if (fmt && f != fmt) break;
        if (at + 2 + u.len > c->mtu) break;
        fmt = f;
        ble_put16(h->pdu + at, (uint16_t)hd);
        memcpy(h->pdu + at + 2, u.b, u.len);
        at += 2 + u.len;
    }
    if (!fmt) {
        ble_att_error(h, c, p[0], s, AKIRA_BLE_ATT_ERR_ATTR_NOT_FOUND);
        return;
    }
    h->pdu[0] = OP_FIND_INFO_RSP;
    h->pdu[1] = (uint8_t)fmt;
    reply(h, c, at);
}

static void find_type(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len < 7) {
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    uint16_t s = ble_get16(p + 1), e = ble_get16(p + 3);
    if (!range_ok(h, c, p[0], s, e)) return;
    akira_ble_uuid_t type = AKIRA_BLE_UUID16(ble_get16(p + 5));
    const uint8_t *val = p + 7;
    size_t vlen = len - 7, at = 1;
    uint8_t v[AKIRA_BLE_ATT_MTU_MAX];
    for (uint32_t hd = s; (hd = next_of_type(h, hd, e, &type)) != 0; hd++) {
        const struct ble_attr *a = ble_gatts_attr(h, (uint16_t)hd);
        int n = ble_gatts_read(h, c, (uint16_t)hd, 0, v, sizeof v);
        if (n < 0 || (size_t)n != vlen || memcmp(v, val, vlen) != 0) continue;
        if (at + 4 > c->mtu) break;
        ble_put16(h->pdu + at, (uint16_t)hd);
        ble_put16(h->pdu + at + 2, a->kind == ATTR_SVC ? a->end : (uint16_t)hd);
        at += 4;
        if (a->kind == ATTR_SVC) hd = a->end;
    }
    if (at == 1) {
        ble_att_error(h, c, p[0], s, AKIRA_BLE_ATT_ERR_ATTR_NOT_FOUND);
        return;
    }
    h->pdu[0] = OP_FIND_TYPE_RSP;
    reply(h, c, at);
}

/* Read By Type and Read By Group Type share this walk. */
static void read_type(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len,
                      bool group)
{
    akira_ble_uuid_t type;
    if ((len != 7 && len != 21) || !uuid_from(p + 5, len - 5, &type)) {
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    uint16_t s = ble_get16(p + 1), e = ble_get16(p + 3);
    if (!range_ok(h, c, p[0], s, e)) return;
    if (group) {
        akira_ble_uuid_t pri = AKIRA_BLE_UUID16(AKIRA_BLE_UUID_PRIMARY_SERVICE);
        akira_ble_uuid_t sec = AKIRA_BLE_UUID16(AKIRA_BLE_UUID_SECONDARY_SERVICE);
        if (!akira_ble_uuid_eq(&type, &pri) && !akira_ble_uuid_eq(&type, &sec)) {
            ble_att_error(h, c, p[0], s, AKIRA_BLE_ATT_ERR_UNSUPP_GROUP_TYPE);
            return;
        }
    }
    size_t hdr = group ? 4 : 2, at = 2, elen = 0;
    bool answered = false;
    size_t vmax = c->mtu - 2 - hdr;
    if (vmax > 253 - hdr) vmax = 253 - hdr; /* the length octet's limit */
    uint8_t v[AKIRA_BLE_ATT_MTU_MAX];
    for (uint32_t hd = s; (hd = next_of_type(h, hd, e, &type)) != 0; hd++) {
        const struct ble_attr *a = ble_gatts_attr(h, (uint16_t)hd);
        int n = ble_gatts_read(h, c, (uint16_t)hd, 0, v, vmax);
        if (n < 0) {
            if (elen == 0) {
                ble_att_error(h, c, p[0], (uint16_t)hd, (uint8_t)-n);
                answered = true;
            }
            break; /* the first unreadable one ends the list; alone it is the answer */
        }
        size_t el = hdr + (size_t)n;
        if (elen && el != elen) break;
        if (at + el > c->mtu) break;
        elen = el;
        ble_put16(h->pdu + at, (uint16_t)hd);
        if (group) ble_put16(h->pdu + at + 2, a->end);
        memcpy(h->pdu + at + hdr, v, (size_t)n);
        at += el;
        if (group && a->kind == ATTR_SVC) hd = a->end;
    }
    if (!elen) {
        if (!answered) ble_att_error(h, c, p[0], s, AKIRA_BLE_ATT_ERR_ATTR_NOT_FOUND);
        return;
    }
    h->pdu[0] = group ? OP_READ_GROUP_RSP : OP_READ_TYPE_RSP;
    h->pdu[1] = (uint8_t)elen;
    reply(h, c, at);
}

static void read_one(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len,
                     bool blob)
{
    if (len != (blob ? 5u : 3u)) {
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    uint16_t hd = ble_get16(p + 1), off = blob ? ble_get16(p + 3) : 0;
    uint8_t v[AKIRA_BLE_ATT_MTU_MAX];
    int n = ble_gatts_read(h, c, hd, off, v, (size_t)c->mtu - 1);
    if (n < 0) {
        ble_att_error(h, c, p[0], hd, (uint8_t)-n);
        return;
    }
    h->pdu[0] = blob ? OP_READ_BLOB_RSP : OP_READ_RSP;
    memcpy(h->pdu + 1, v, (size_t)n);
    reply(h, c, 1 + (size_t)n);
}

static void read_multiple(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len,
                          bool variable)
{
    if (len < 5 || (len - 1) % 2) {
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    size_t at = 1;
    uint8_t v[AKIRA_BLE_ATT_MTU_MAX];
    for (size_t i = 1; i < len; i += 2) {
        uint16_t hd = ble_get16(p + i);
        int n = ble_gatts_read(h, c, hd, 0, v, sizeof v);
        if (n < 0) {
            ble_att_error(h, c, p[0], hd, (uint8_t)-n);
            return;
        }
        size_t room = c->mtu > at ? c->mtu - at : 0;
        if (variable) {
            if (room < 2) break;
            ble_put16(h->pdu + at, (uint16_t)n);
            at += 2;
            room -= 2;
        }
        size_t k = (size_t)n < room ? (size_t)n : room;
        memcpy(h->pdu + at, v, k);
        at += k;
    }
    h->pdu[0] = variable ? OP_READ_MVAR_RSP : OP_READ_MULT_RSP;
    reply(h, c, at);
}

static void write_req(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len,
                      bool cmd)
{
    if (len < 3) {
        if (!cmd) ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    uint16_t hd = ble_get16(p + 1);
    int e = ble_gatts_write(h, c, hd, 0, p + 3, len - 3, cmd);
    if (cmd) return; /* commands never answer */
    if (e < 0) {
        ble_att_error(h, c, p[0], hd, (uint8_t)-e);
        return;
    }
    h->pdu[0] = OP_WRITE_RSP;
    reply(h, c, 1);
}

static void prepare_write(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len < 5) {
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    uint16_t hd = ble_get16(p + 1);
    int e = ble_gatts_write_check(h, c, hd, false);
    if (e < 0) {
        ble_att_error(h, c, p[0], hd, (uint8_t)-e);
        return;
    }
    size_t n = len - 5;
    if (c->prep_len + 6 + n > sizeof(c->prep)) {
        ble_att_error(h, c, p[0], hd, AKIRA_BLE_ATT_ERR_PREP_QUEUE_FULL);
        return;
    }
    uint8_t *r = c->prep + c->prep_len;
    memcpy(r, p + 1, 4); /* handle, offset */
    ble_put16(r + 4, (uint16_t)n);
    memcpy(r + 6, p + 5, n);
    c->prep_len = (uint16_t)(c->prep_len + 6 + n);
    memcpy(h->pdu, p, len);
    h->pdu[0] = OP_PREP_WRITE_RSP;
    reply(h, c, len);
}

static void execute_write(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len != 2 || p[1] > 1) {
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    if (p[1] == 1) {
        for (size_t at = 0; at < c->prep_len;) {
            const uint8_t *r = c->prep + at;
            uint16_t hd = ble_get16(r), off = ble_get16(r + 2), n = ble_get16(r + 4);
            int e = ble_gatts_write(h, c, hd, off, r + 6, n, false);
            if (e < 0) {
                c->prep_len = 0;
                ble_att_error(h, c, p[0], hd, (uint8_t)-e);
                return;
            }
            at += 6u + n;
        }
    }
    c->prep_len = 0;
    h->pdu[0] = OP_EXEC_WRITE_RSP;
    reply(h, c, 1);
}

static void confirmation(akira_ble_host_t *h, struct ble_conn *c, size_t len)
{
    if (len != 1 || !c->ind_pending) return; /* an unexpected one is ignored */
    c->ind_pending = false;
    if (h->cfg.cb.indicate_done)
        h->cfg.cb.indicate_done(h->cfg.cb_user, c->handle, c->ind_handle, AKIRA_OK);
}

void ble_att_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len == 0 || c->att_dead) return;
    if (len > c->mtu) {
        /* Longer than the MTU in force: invalid; requests get told, the rest dropped. */
        h->stats.l2cap_dropped++;
        if (!(p[0] & ATT_CMD_FLAG) && (p[0] & 1) == 0 && p[0] != OP_CONFIRM)
            ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
        return;
    }
    switch (p[0]) {
    case OP_MTU_REQ: mtu_req(h, c, p, len); return;
    case OP_FIND_INFO_REQ: find_info(h, c, p, len); return;
    case OP_FIND_TYPE_REQ: find_type(h, c, p, len); return;
    case OP_READ_TYPE_REQ: read_type(h, c, p, len, false); return;
    case OP_READ_REQ: read_one(h, c, p, len, false); return;
    case OP_READ_BLOB_REQ: read_one(h, c, p, len, true); return;
    case OP_READ_MULT_REQ: read_multiple(h, c, p, len, false); return;
    case OP_READ_GROUP_REQ: read_type(h, c, p, len, true); return;
    case OP_WRITE_REQ: write_req(h, c, p, len, false); return;
    case OP_WRITE_CMD: write_req(h, c, p, len, true); return;
    case OP_PREP_WRITE_REQ: prepare_write(h, c, p, len); return;
    case OP_EXEC_WRITE_REQ: execute_write(h, c, p, len); return;
    case OP_READ_MVAR_REQ: read_multiple(h, c, p, len, true); return;
    case OP_CONFIRM: confirmation(h, c, len); return;
    case OP_SIGNED_WRITE: return; /* no CSRK is distributed: unsupported commands are ignored */
    default: break;
    }
    if (ble_gattc_rx(h, c, p, len)) return;
    /* An unknown request is answered; unknown commands and stray responses are not. */
    /* Requests have even opcodes without the command flag; responses are odd. */
    if (!(p[0] & ATT_CMD_FLAG) && !(p[0] & 1))
        ble_att_error(h, c, p[0], 0, AKIRA_BLE_ATT_ERR_REQ_NOT_SUPPORTED);
}

void ble_att_disconnected(akira_ble_host_t *h, struct ble_conn *c)
{
    if (c->ind_pending && h->cfg.cb.indicate_done)
        h->cfg.cb.indicate_done(h->cfg.cb_user, c->handle, c->ind_handle, AKIRA_ENOTCONN);
    c->ind_pending = false;
    ble_gattc_fail(h, c, AKIRA_ENOTCONN);
}

void ble_att_poll(akira_ble_host_t *h, struct ble_conn *c)
{
    /* A transaction unanswered for 30 s ends ATT on this link (Vol 3 Part F 3.3.3). */
    if (c->ind_pending) {
        if (!c->ind_deadline)
            c->ind_deadline = h->now + BLE_ATT_TIMEOUT_MS;
        else if (h->now >= c->ind_deadline) {
            c->ind_pending = false;
            c->att_dead = true;
            if (h->cfg.cb.indicate_done)
                h->cfg.cb.indicate_done(h->cfg.cb_user, c->handle, c->ind_handle, AKIRA_ETIMEDOUT);
        }
    }
    if (c->gattc.req_op) {
        if (!c->gattc.deadline)
            c->gattc.deadline = h->now + BLE_ATT_TIMEOUT_MS;
        else if (h->now >= c->gattc.deadline) {
            c->att_dead = true;
            ble_gattc_fail(h, c, AKIRA_ETIMEDOUT);
        }
    }
}

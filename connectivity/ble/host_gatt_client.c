/*
 * GATT client: MTU exchange, primary service discovery (all or by UUID), characteristic
 * and descriptor discovery, read (long with Read Blob), write (long with Prepare and
 * Execute Write), write without response, subscribe; notifications and indications.
 * One procedure per connection at a time; every response is checked before it is used.
 */
#include "host_priv.h"

static struct ble_conn *conn_for_proc(akira_ble_host_t *h, uint16_t conn, akira_err_t *rc)
{
    struct ble_conn *c = ble_conn_find(h, conn);
    if (!c)
        *rc = AKIRA_ENOTCONN;
    else if (c->att_dead)
        *rc = AKIRA_ESTATE;
    else if (c->gattc.proc != GATTC_NONE)
        *rc = AKIRA_EBUSY;
    else
        *rc = AKIRA_OK;
    return *rc == AKIRA_OK ? c : NULL;
}

static akira_err_t request(akira_ble_host_t *h, struct ble_conn *c, size_t len)
{
    akira_err_t rc = ble_l2cap_send(h, c, AKIRA_BLE_CID_ATT, h->pdu, len);
    if (rc == AKIRA_OK) {
        c->gattc.req_op = h->pdu[0];
        c->gattc.deadline = 0;
    }
    return rc;
}

static void finish(akira_ble_host_t *h, struct ble_conn *c, int err)
{
    (void)h;
    struct ble_gattc g = c->gattc;
    memset(&c->gattc, 0, sizeof(c->gattc));
    if (g.done) g.done(g.user, c->handle, err, g.len);
}

void ble_gattc_fail(akira_ble_host_t *h, struct ble_conn *c, int err)
{
    if (c->gattc.proc != GATTC_NONE) finish(h, c, err);
}

/* Sends the next request of the procedure in c->gattc, or finishes it. */
static void next(akira_ble_host_t *h, struct ble_conn *c)
{
    struct ble_gattc *g = &c->gattc;
    uint8_t *p = h->pdu;
    size_t n = 0;
    if (g->proc != GATTC_WRITE_LONG && g->proc != GATTC_READ && g->proc != GATTC_MTU &&
        g->proc != GATTC_WRITE && (g->start == 0 || g->start > g->end)) {
        finish(h, c, 0); /* the range is walked */
        return;
    }
    switch (g->proc) {
    case GATTC_SVC_ALL:
        p[0] = 0x10;
        ble_put16(p + 1, g->start);
        ble_put16(p + 3, g->end);
        ble_put16(p + 5, AKIRA_BLE_UUID_PRIMARY_SERVICE);
        n = 7;
        break;
    case GATTC_SVC_UUID:
        p[0] = 0x06;
        ble_put16(p + 1, g->start);
        ble_put16(p + 3, g->end);
        ble_put16(p + 5, AKIRA_BLE_UUID_PRIMARY_SERVICE);
        memcpy(p + 7, g->uuid.b, g->uuid.len);
        n = 7u + g->uuid.len;
        break;
    case GATTC_CHRS:
        p[0] = 0x08;
        ble_put16(p + 1, g->start);
        ble_put16(p + 3, g->end);
        ble_put16(p + 5, AKIRA_BLE_UUID_CHARACTERISTIC);
        n = 7;
        break;
    case GATTC_DSCS:
        p[0] = 0x04;
        ble_put16(p + 1, g->start);
        ble_put16(p + 3, g->end);
        n = 5;
        break;
    case GATTC_READ:
        p[0] = g->offset ? 0x0c : 0x0a;
        ble_put16(p + 1, g->handle);
        ble_put16(p + 3, g->offset);
        n = g->offset ? 5 : 3;
        break;
    case GATTC_WRITE_LONG: {
        if (g->offset >= g->cap) { /* every part is queued: execute */
            p[0] = 0x18;
            p[1] = 1;
            n = 2;
            break;
        }
        size_t part = g->cap - g->offset;
        if (part > (size_t)c->mtu - 5) part = (size_t)c->mtu - 5;
        p[0] = 0x16;
        ble_put16(p + 1, g->handle);
        ble_put16(p + 3, g->offset);
        memcpy(p + 5, g->wdata + g->offset, part);
        n = 5 + part;
        break;
    }
    default: finish(h, c, AKIRA_ESTATE); return;
    }
    akira_err_t rc = request(h, c, n);
    if (rc != AKIRA_OK) finish(h, c, rc);
}

static akira_err_t start(akira_ble_host_t *h, struct ble_conn *c, uint8_t proc,
                         akira_ble_gattc_item_fn item, akira_ble_gattc_done_fn done, void *user)
{
    (void)h;
    struct ble_gattc *g = &c->gattc;
    g->proc = proc;
    g->item = item;
    g->done = done;
    g->user = user;
    return AKIRA_OK;
}

akira_err_t akira_ble_gattc_exchange_mtu(akira_ble_host_t *h, uint16_t conn,
                                         akira_ble_gattc_done_fn done, void *user)
{
    akira_err_t rc;
    ble_lock(h);
    struct ble_conn *c = conn_for_proc(h, conn, &rc);
    if (c) {
        start(h, c, GATTC_MTU, NULL, done, user);
        h->pdu[0] = 0x02;
        ble_put16(h->pdu + 1, AKIRA_BLE_ATT_MTU_MAX);
        rc = request(h, c, 3);
        if (rc != AKIRA_OK) memset(&c->gattc, 0, sizeof(c->gattc));
    }
    ble_unlock(h);
    return rc;
}

static akira_err_t walk(akira_ble_host_t *h, uint16_t conn, uint8_t proc, uint16_t s, uint16_t e,
                        const akira_ble_uuid_t *uuid, akira_ble_gattc_item_fn item,
                        akira_ble_gattc_done_fn done, void *user)
{
    if (!item || s == 0 || s > e) return AKIRA_EINVAL;
    if (uuid && uuid->len != 2 && uuid->len != 16) return AKIRA_EINVAL;
    akira_err_t rc;
    ble_lock(h);
    struct ble_conn *c = conn_for_proc(h, conn, &rc);
    if (c) {
        start(h, c, proc, item, done, user);
        c->gattc.start = s;
        c->gattc.end = e;
        if (uuid) c->gattc.uuid = *uuid;
        /* The first request's failure is the caller's answer, not a done callback. */
        c->gattc.done = NULL;
        next(h, c);
        if (c->gattc.proc == GATTC_NONE) {
            rc = AKIRA_EIO;
        } else {
            c->gattc.done = done;
        }
    }
    ble_unlock(h);
    return rc;
}

akira_err_t akira_ble_gattc_discover_services(akira_ble_host_t *h, uint16_t conn,
                                              const akira_ble_uuid_t *uuid,
                                              akira_ble_gattc_item_fn item,
                                              akira_ble_gattc_done_fn done, void *user)
{
    return walk(h, conn, uuid ? GATTC_SVC_UUID : GATTC_SVC_ALL, 1, 0xffff, uuid, item, done, user);
}

akira_err_t akira_ble_gattc_discover_chrs(akira_ble_host_t *h, uint16_t conn, uint16_t s,
                                          uint16_t e, akira_ble_gattc_item_fn item,
                                          akira_ble_gattc_done_fn done, void *user)
{
    return walk(h, conn, GATTC_CHRS, s, e, NULL, item, done, user);
}

akira_err_t akira_ble_gattc_discover_dscs(akira_ble_host_t *h, uint16_t conn, uint16_t s,
                                          uint16_t e, akira_ble_gattc_item_fn item,
                                          akira_ble_gattc_done_fn done, void *user)
{
    return walk(h, conn, GATTC_DSCS, s, e, NULL, item, done, user);
}

akira_err_t akira_ble_gattc_read(akira_ble_host_t *h, uint16_t conn, uint16_t handle, uint8_t *buf,
                                 size_t cap, akira_ble_gattc_done_fn done, void *user)
{
    if (!handle || (cap && !buf)) return AKIRA_EINVAL;
    akira_err_t rc;
    ble_lock(h);
    struct ble_conn *c = conn_for_proc(h, conn, &rc);
    if (c) {
        start(h, c, GATTC_READ, NULL, done, user);
        c->gattc.handle = handle;
        c->gattc.buf = buf;
        c->gattc.cap = cap;
        h->pdu[0] = 0x0a;
        ble_put16(h->pdu + 1, handle);
        rc = request(h, c, 3);
        if (rc != AKIRA_OK) memset(&c->gattc, 0, sizeof(c->gattc));
    }
    ble_unlock(h);
    return rc;
}

akira_err_t akira_ble_gattc_write(akira_ble_host_t *h, uint16_t conn, uint16_t handle,
                                  const uint8_t *data, size_t len, akira_ble_gattc_done_fn done,
                                  void *user)
{
    if (!handle || (len && !data) || len > 0xffff) return AKIRA_EINVAL;
    akira_err_t rc;
    ble_lock(h);
    struct ble_conn *c = conn_for_proc(h, conn, &rc);
    if (c) {
        c->gattc.handle = handle;
        c->gattc.wdata = data;
        c->gattc.cap = len;
        if (len <= (size_t)c->mtu - 3) {
            start(h, c, GATTC_WRITE, NULL, done, user);
            h->pdu[0] = 0x12;
            ble_put16(h->pdu + 1, handle);
            memcpy(h->pdu + 3, data, len);
            rc = request(h, c, 3 + len);
            if (rc != AKIRA_OK) memset(&c->gattc, 0, sizeof(c->gattc));
        } else {
            start(h, c, GATTC_WRITE_LONG, NULL, NULL, user);
            next(h, c);
            if (c->gattc.proc == GATTC_NONE)
                rc = AKIRA_EIO;
            else
                c->gattc.done = done;
        }
    }
    ble_unlock(h);
    return rc;
}

akira_err_t akira_ble_gattc_write_cmd(akira_ble_host_t *h, uint16_t conn, uint16_t handle,
                                      const uint8_t *data, size_t len)
{
    if (!handle || (len && !data)) return AKIRA_EINVAL;
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    akira_err_t rc = AKIRA_OK;
    if (!c)
        rc = AKIRA_ENOTCONN;
    else if (len > (size_t)c->mtu - 3)
        rc = AKIRA_ETOOBIG;
    else {
        h->pdu[0] = 0x52;
        ble_put16(h->pdu + 1, handle);
        memcpy(h->pdu + 3, data, len);
        rc = ble_l2cap_send(h, c, AKIRA_BLE_CID_ATT, h->pdu, 3 + len);
    }
    ble_unlock(h);
    return rc;
}

akira_err_t akira_ble_gattc_subscribe(akira_ble_host_t *h, uint16_t conn, uint16_t cccd_handle,
                                      uint16_t value, akira_ble_gattc_done_fn done, void *user)
{
    /* The bytes go out before this returns (copied into the link's queue). */
    uint8_t v[2];
    ble_put16(v, value);
    return akira_ble_gattc_write(h, conn, cccd_handle, v, 2, done, user);
}

/* ---- responses ---- */

static void item_out(struct ble_conn *c, akira_ble_gattc_item_t *it)
{
    if (c->gattc.item) c->gattc.item(c->gattc.user, c->handle, it);
}

static bool uuid_in(const uint8_t *p, size_t n, akira_ble_uuid_t *u)
{
    if (n != 2 && n != 16) return false;
    u->len = (uint8_t)n;
    memcpy(u->b, p, n);
    return true;
}

/* A discovery response; returns the next start handle, 0 when malformed. */
static uint32_t disc_rsp(struct ble_conn *c, const uint8_t *p, size_t len)
{
    struct ble_gattc *g = &c->gattc;
    uint32_t last = 0;
    akira_ble_gattc_item_t it;
    if (g->proc == GATTC_SVC_ALL) {
        if (len < 2) return 0;
        size_t el = p[1];
        if ((el != 6 && el != 20) || (len - 2) % el || len == 2) return 0;
        for (size_t at = 2; at < len; at += el) {
            memset(&it, 0, sizeof it);
            it.kind = AKIRA_BLE_GATTC_SERVICE;
            it.handle = ble_get16(p + at);
            it.end = ble_get16(p + at + 2);
            uuid_in(p + at + 4, el - 4, &it.uuid);
            if (it.handle < g->start || it.end < it.handle || it.handle <= last) return 0;
            item_out(c, &it);
            last = it.end;
        }
    } else if (g->proc == GATTC_SVC_UUID) {
        if (len < 5 || (len - 1) % 4) return 0;
        for (size_t at = 1; at < len; at += 4) {
            memset(&it, 0, sizeof it);
            it.kind = AKIRA_BLE_GATTC_SERVICE;
            it.handle = ble_get16(p + at);
            it.end = ble_get16(p + at + 2);
            it.uuid = g->uuid;
            if (it.handle < g->start || it.end < it.handle || it.handle <= last) return 0;
            item_out(c, &it);
            last = it.end;
        }
    } else if (g->proc == GATTC_CHRS) {
        if (len < 2) return 0;
        size_t el = p[1];
        if ((el != 7 && el != 21) || (len - 2) % el || len == 2) return 0;
        for (size_t at = 2; at < len; at += el) {
            memset(&it, 0, sizeof it);
            it.kind = AKIRA_BLE_GATTC_CHARACTERISTIC;
            it.handle = ble_get16(p + at);
            it.props = p[at + 2];
            it.end = ble_get16(p + at + 3);
            uuid_in(p + at + 5, el - 5, &it.uuid);
            if (it.handle < g->start || it.handle > g->end || it.handle <= last) return 0;
            item_out(c, &it);
            last = it.handle;
        }
    } else if (g->proc == GATTC_DSCS) {
        if (len < 2 || (p[1] != 1 && p[1] != 2)) return 0;
        size_t el = p[1] == 1 ? 4 : 18;
        if ((len - 2) % el || len == 2) return 0;
        for (size_t at = 2; at < len; at += el) {
            memset(&it, 0, sizeof it);
            it.kind = AKIRA_BLE_GATTC_DESCRIPTOR;
            it.handle = ble_get16(p + at);
            uuid_in(p + at + 2, el - 2, &it.uuid);
            if (it.handle < g->start || it.handle > g->end || it.handle <= last) return 0;
            item_out(c, &it);
            last = it.handle;
        }
    }
    return last + 1;
}

static void notify_in(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (p[0] == 0x23) { /* Multiple Handle Value Notification: (handle, length, value)* */
        for (size_t at = 1; at + 4 <= len;) {
            uint16_t hd = ble_get16(p + at), n = ble_get16(p + at + 2);
            if (at + 4 + n > len) return; /* a length that lies ends the walk */
            if (h->cfg.cb.notification)
                h->cfg.cb.notification(h->cfg.cb_user, c->handle, hd, p + at + 4, n, false);
            at += 4u + n;
        }
        return;
    }
    if (len < 3) return;
    bool ind = p[0] == 0x1d;
    if (h->cfg.cb.notification)
        h->cfg.cb.notification(h->cfg.cb_user, c->handle, ble_get16(p + 1), p + 3, len - 3, ind);
    if (ind) {
        struct ble_conn *still = ble_conn_find(h, c->handle);
        uint8_t cf = 0x1e;
        if (still) ble_l2cap_send(h, still, AKIRA_BLE_CID_ATT, &cf, 1);
    }
}

bool ble_gattc_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    uint8_t op = p[0];
    if (op == 0x1b || op == 0x1d || op == 0x23) {
        notify_in(h, c, p, len);
        return true;
    }
    if (!(op & 1) || op > 0x21) return false; /* not a response */
    struct ble_gattc *g = &c->gattc;
    if (!g->req_op) {
        h->stats.l2cap_dropped++; /* a response nobody asked for */
        return true;
    }
    if (op == 0x01) {
        if (len != 5 || p[1] != g->req_op) {
            h->stats.l2cap_dropped++;
            return true;
        }
        g->req_op = 0;
        uint8_t code = p[4];
        bool walk_end = code == AKIRA_BLE_ATT_ERR_ATTR_NOT_FOUND &&
                        (g->proc == GATTC_SVC_ALL || g->proc == GATTC_SVC_UUID ||
                         g->proc == GATTC_CHRS || g->proc == GATTC_DSCS);
        if (g->proc == GATTC_WRITE_LONG && g->offset < g->cap) {
            /* Drop what the server queued, then report the error. */
            g->offset = 0xffff;
            g->len = code;
            h->pdu[0] = 0x18;
            h->pdu[1] = 0;
            if (request(h, c, 2) != AKIRA_OK) finish(h, c, code);
            return true;
        }
        finish(h, c, walk_end ? 0 : code);
        return true;
    }
    if (op != g->req_op + 1) {
        h->stats.l2cap_dropped++;
        return true;
    }
    g->req_op = 0;
    switch (g->proc) {
    case GATTC_MTU: {
        if (len != 3) {
            finish(h, c, AKIRA_EFORMAT);
            return true;
        }
        uint16_t srv = ble_get16(p + 1);
        if (srv < AKIRA_BLE_ATT_MTU_MIN) srv = AKIRA_BLE_ATT_MTU_MIN;
        c->mtu = srv < AKIRA_BLE_ATT_MTU_MAX ? srv : AKIRA_BLE_ATT_MTU_MAX;
        if (h->cfg.cb.mtu_changed) h->cfg.cb.mtu_changed(h->cfg.cb_user, c->handle, c->mtu);
        finish(h, c, 0);
        return true;
    }
    case GATTC_SVC_ALL:
    case GATTC_SVC_UUID:
    case GATTC_CHRS:
    case GATTC_DSCS: {
        uint32_t nx = disc_rsp(c, p, len);
        if (!c->used || c->gattc.proc == GATTC_NONE) return true; /* the item callback ended it */
        if (nx == 0) {
            finish(h, c, AKIRA_EFORMAT);
            return true;
        }
        if (nx > 0xffff) {
            finish(h, c, 0);
            return true;
        }
        g->start = (uint16_t)nx;
        next(h, c);
        return true;
    }
    case GATTC_READ: {
        size_t n = len - 1, room = g->cap - g->len;
        if (n > room) n = room;
        memcpy(g->buf + g->len, p + 1, n);
        g->len += n;
        /* A full response means there may be more (Read Blob), unless buf is full. */
        if (len - 1 == (size_t)c->mtu - 1 && g->len < g->cap && g->len <= 0xffff) {
            g->offset = (uint16_t)g->len;
            next(h, c);
        } else {
            finish(h, c, 0);
        }
        return true;
    }
    case GATTC_WRITE: finish(h, c, 0); return true;
    case GATTC_WRITE_LONG: {
        if (op == 0x19) {
            int err = g->offset == 0xffff ? (int)g->len : 0;
            g->len = 0;
            finish(h, c, err);
            return true;
        }
        /* The echo must match what we sent, else the queue is cancelled. */
        size_t part = g->cap - g->offset;
        if (part > (size_t)c->mtu - 5) part = (size_t)c->mtu - 5;
        if (len != 5 + part || ble_get16(p + 1) != g->handle || ble_get16(p + 3) != g->offset ||
            memcmp(p + 5, g->wdata + g->offset, part) != 0) {
            g->offset = 0xffff;
            g->len = (size_t)AKIRA_BLE_ATT_ERR_UNLIKELY;
            h->pdu[0] = 0x18;
            h->pdu[1] = 0;
            if (request(h, c, 2) != AKIRA_OK) finish(h, c, AKIRA_EFORMAT);
            return true;
        }
        g->offset = (uint16_t)(g->offset + part);
        next(h, c);
        return true;
    }
    default: finish(h, c, AKIRA_ESTATE); return true;
    }
}

/*
 * GATT server: the bounded attribute table built from service definitions, reads and
 * writes with the properties and security checks, CCCDs per connection, notifications
 * and indications.
 */
#include "host_priv.h"

const struct ble_attr *ble_gatts_attr(akira_ble_host_t *h, uint16_t handle)
{
    if (handle == 0 || handle > h->n_attrs || h->attrs[handle - 1].kind == ATTR_FREE) return NULL;
    return &h->attrs[handle - 1];
}

void ble_gatts_type(const struct ble_attr *a, akira_ble_uuid_t *out)
{
    switch (a->kind) {
    case ATTR_SVC:
        *out = AKIRA_BLE_UUID16(((const akira_ble_gatt_svc_t *)a->def)->secondary
                                    ? AKIRA_BLE_UUID_SECONDARY_SERVICE
                                    : AKIRA_BLE_UUID_PRIMARY_SERVICE);
        break;
    case ATTR_CHR: *out = AKIRA_BLE_UUID16(AKIRA_BLE_UUID_CHARACTERISTIC); break;
    case ATTR_VAL: *out = ((const akira_ble_gatt_chr_t *)a->def)->uuid; break;
    case ATTR_CCCD: *out = AKIRA_BLE_UUID16(AKIRA_BLE_UUID_CCCD); break;
    default: *out = ((const akira_ble_gatt_dsc_t *)a->def)->uuid; break;
    }
}

static bool uuid_ok(const akira_ble_uuid_t *u)
{
    return u->len == 2 || u->len == 16;
}

akira_err_t akira_ble_gatts_add(akira_ble_host_t *h, const akira_ble_gatt_svc_t *svc,
                                uint16_t *value_handles)
{
    if (!h || !svc || !uuid_ok(&svc->uuid) || (svc->n_chrs && !svc->chrs)) return AKIRA_EINVAL;
    size_t need = 1, cccds = 0;
    for (size_t i = 0; i < svc->n_chrs; i++) {
        const akira_ble_gatt_chr_t *ch = &svc->chrs[i];
        if (!uuid_ok(&ch->uuid) || (ch->n_dscs && !ch->dscs)) return AKIRA_EINVAL;
        if ((ch->props & AKIRA_BLE_CHR_READ) && !ch->read) return AKIRA_EINVAL;
        if ((ch->props & (AKIRA_BLE_CHR_WRITE | AKIRA_BLE_CHR_WRITE_NO_RSP)) && !ch->write)
            return AKIRA_EINVAL;
        for (size_t k = 0; k < ch->n_dscs; k++)
            if (!uuid_ok(&ch->dscs[k].uuid)) return AKIRA_EINVAL;
        bool sub = ch->props & (AKIRA_BLE_CHR_NOTIFY | AKIRA_BLE_CHR_INDICATE);
        need += 2 + (sub ? 1 : 0) + ch->n_dscs;
        cccds += sub;
    }
    ble_lock(h);
    /* The first run of `need` free handles: a hole a removed service left, or the end
     * of the table; and free CCCD slots. */
    size_t at = 0, run = 0, free_cccd = 0;
    for (size_t i = 0; i < h->n_attrs && run < need; i++) {
        run = h->attrs[i].kind == ATTR_FREE ? run + 1 : 0;
        if (run == 1) at = i;
    }
    if (run < need) {
        at = run ? at : h->n_attrs;
        run = need;
    }
    for (size_t i = 0; i < AKIRA_BLE_GATT_MAX_CCCD; i++)
        free_cccd += i >= h->n_cccd || h->cccd_handle[i] == 0;
    if (at + need > AKIRA_BLE_GATT_MAX_ATTRS || free_cccd < cccds) {
        ble_unlock(h);
        return AKIRA_ENOSPC;
    }
    size_t n = at;
    struct ble_attr *s = &h->attrs[n++];
    *s = (struct ble_attr){.kind = ATTR_SVC, .cccd = 0xff, .def = svc};
    for (size_t i = 0; i < svc->n_chrs; i++) {
        const akira_ble_gatt_chr_t *ch = &svc->chrs[i];
        uint16_t vh = (uint16_t)(n + 2);
        uint8_t ci = 0xff;
        if (ch->props & (AKIRA_BLE_CHR_NOTIFY | AKIRA_BLE_CHR_INDICATE)) {
            for (ci = 0; ci < h->n_cccd && h->cccd_handle[ci] != 0; ci++)
                ;
            if (ci == h->n_cccd) h->n_cccd++;
            h->cccd_handle[ci] = vh;
            for (size_t k = 0; k < AKIRA_BLE_HOST_MAX_CONN; k++)
                h->conns[k].cccd[ci] = 0;
        }
        h->attrs[n++] = (struct ble_attr){.kind = ATTR_CHR, .cccd = 0xff, .end = vh, .def = ch};
        h->attrs[n++] = (struct ble_attr){.kind = ATTR_VAL, .cccd = ci, .def = ch};
        if (ci != 0xff) h->attrs[n++] = (struct ble_attr){.kind = ATTR_CCCD, .cccd = ci, .def = ch};
        for (size_t k = 0; k < ch->n_dscs; k++)
            h->attrs[n++] = (struct ble_attr){.kind = ATTR_DSC, .cccd = 0xff, .def = &ch->dscs[k]};
        if (value_handles) value_handles[i] = vh;
    }
    s->end = (uint16_t)n;
    if (n > h->n_attrs) h->n_attrs = (uint16_t)n;
    ble_unlock(h);
    return AKIRA_OK;
}

bool akira_ble_gatts_has_service(akira_ble_host_t *h, const akira_ble_uuid_t *uuid)
{
    if (!h || !uuid) return false;
    bool found = false;
    ble_lock(h);
    for (size_t i = 0; i < h->n_attrs && !found; i++)
        if (h->attrs[i].kind == ATTR_SVC)
            found = akira_ble_uuid_eq(&((const akira_ble_gatt_svc_t *)h->attrs[i].def)->uuid, uuid);
    ble_unlock(h);
    return found;
}

akira_err_t akira_ble_gatts_remove(akira_ble_host_t *h, const akira_ble_gatt_svc_t *svc)
{
    if (!h || !svc) return AKIRA_EINVAL;
    ble_lock(h);
    size_t i = 0;
    while (i < h->n_attrs && !(h->attrs[i].kind == ATTR_SVC && h->attrs[i].def == svc))
        i++;
    if (i == h->n_attrs) {
        ble_unlock(h);
        return AKIRA_ENOENT;
    }
    uint16_t first = (uint16_t)(i + 1), last = h->attrs[i].end;
    for (size_t k = i; k < last; k++) {
        struct ble_attr *a = &h->attrs[k];
        if (a->kind == ATTR_VAL && a->cccd != 0xff) h->cccd_handle[a->cccd] = 0;
        *a = (struct ble_attr){.kind = ATTR_FREE, .cccd = 0xff};
    }
    /* An indication in flight on a removed value is not waited for any longer. */
    for (size_t k = 0; k < AKIRA_BLE_HOST_MAX_CONN; k++) {
        struct ble_conn *c = &h->conns[k];
        if (c->used && c->ind_pending && c->ind_handle >= first && c->ind_handle <= last)
            c->ind_pending = false;
    }
    while (h->n_attrs > 0 && h->attrs[h->n_attrs - 1].kind == ATTR_FREE)
        h->n_attrs--;
    while (h->n_cccd > 0 && h->cccd_handle[h->n_cccd - 1] == 0)
        h->n_cccd--;
    ble_unlock(h);
    return AKIRA_OK;
}

/* The error for a link whose security is below what perm asks of this access. */
static int security_check(akira_ble_host_t *h, struct ble_conn *c, uint8_t perm, bool write)
{
    uint8_t enc = write ? AKIRA_BLE_PERM_WRITE_ENC : AKIRA_BLE_PERM_READ_ENC;
    uint8_t auth = write ? AKIRA_BLE_PERM_WRITE_AUTHEN : AKIRA_BLE_PERM_READ_AUTHEN;
    if (!(perm & (enc | auth))) return 0;
    if (!c->encrypted) {
        /* With a key to encrypt with the client should encrypt; without one, pair. */
        return ble_bond_find(h, &c->peer) ? -AKIRA_BLE_ATT_ERR_INSUFF_ENC
                                          : -AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN;
    }
    if ((perm & auth) && c->sec_level < AKIRA_BLE_SEC_AUTHEN)
        return -AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN;
    return 0;
}

int akira_ble_gatt_read_bytes(const void *value, size_t len, uint16_t offset, uint8_t *buf,
                              size_t cap)
{
    if (offset > len) return -AKIRA_BLE_ATT_ERR_INVALID_OFFSET;
    size_t n = len - offset < cap ? len - offset : cap;
    memcpy(buf, (const uint8_t *)value + offset, n);
    return (int)n;
}

int ble_gatts_read(akira_ble_host_t *h, struct ble_conn *c, uint16_t handle, uint16_t offset,
                   uint8_t *buf, size_t cap)
{
    const struct ble_attr *a = ble_gatts_attr(h, handle);
    if (!a) return -AKIRA_BLE_ATT_ERR_INVALID_HANDLE;
    uint8_t v[19];
    switch (a->kind) {
    case ATTR_SVC: {
        const akira_ble_gatt_svc_t *s = a->def;
        return akira_ble_gatt_read_bytes(s->uuid.b, s->uuid.len, offset, buf, cap);
    }
    case ATTR_CHR: {
        const akira_ble_gatt_chr_t *ch = a->def;
        v[0] = ch->props;
        ble_put16(v + 1, a->end);
        memcpy(v + 3, ch->uuid.b, ch->uuid.len);
        return akira_ble_gatt_read_bytes(v, 3u + ch->uuid.len, offset, buf, cap);
    }
    case ATTR_VAL: {
        const akira_ble_gatt_chr_t *ch = a->def;
        if (!(ch->props & AKIRA_BLE_CHR_READ)) return -AKIRA_BLE_ATT_ERR_READ_NOT_PERMITTED;
        int e = security_check(h, c, ch->perm, false);
        if (e) return e;
        int n = ch->read(ch->user, c->handle, offset, buf, cap);
        return n > (int)cap ? -AKIRA_BLE_ATT_ERR_UNLIKELY : n;
    }
    case ATTR_CCCD: {
        const akira_ble_gatt_chr_t *ch = a->def;
        int e = security_check(h, c, ch->perm, false);
        if (e) return e;
        ble_put16(v, c->cccd[a->cccd]);
        return akira_ble_gatt_read_bytes(v, 2, offset, buf, cap);
    }
    default: {
        const akira_ble_gatt_dsc_t *d = a->def;
        if (!d->read) return -AKIRA_BLE_ATT_ERR_READ_NOT_PERMITTED;
        int e = security_check(h, c, d->perm, false);
        if (e) return e;
        int n = d->read(d->user, c->handle, offset, buf, cap);
        return n > (int)cap ? -AKIRA_BLE_ATT_ERR_UNLIKELY : n;
    }
    }
}

int ble_gatts_write_check(akira_ble_host_t *h, struct ble_conn *c, uint16_t handle, bool cmd)
{
    const struct ble_attr *a = ble_gatts_attr(h, handle);
    if (!a) return -AKIRA_BLE_ATT_ERR_INVALID_HANDLE;
    switch (a->kind) {
    case ATTR_VAL: {
        const akira_ble_gatt_chr_t *ch = a->def;
        uint8_t need = cmd ? AKIRA_BLE_CHR_WRITE_NO_RSP : AKIRA_BLE_CHR_WRITE;
        if (!(ch->props & need)) return -AKIRA_BLE_ATT_ERR_WRITE_NOT_PERMIT;
        return security_check(h, c, ch->perm, true);
    }
    case ATTR_CCCD: {
        const akira_ble_gatt_chr_t *ch = a->def;
        /* Subscribing asks what reading the value asks. */
        uint8_t p =
            (uint8_t)(((ch->perm & AKIRA_BLE_PERM_READ_ENC) ? AKIRA_BLE_PERM_WRITE_ENC : 0) |
                      ((ch->perm & AKIRA_BLE_PERM_READ_AUTHEN) ? AKIRA_BLE_PERM_WRITE_AUTHEN : 0));
        return security_check(h, c, p, true);
    }
    case ATTR_DSC: {
        const akira_ble_gatt_dsc_t *d = a->def;
        if (!d->write) return -AKIRA_BLE_ATT_ERR_WRITE_NOT_PERMIT;
        return security_check(h, c, d->perm, true);
    }
    default: return -AKIRA_BLE_ATT_ERR_WRITE_NOT_PERMIT;
    }
}

int ble_gatts_write(akira_ble_host_t *h, struct ble_conn *c, uint16_t handle, uint16_t offset,
                    const uint8_t *data, size_t len, bool cmd)
{
    int e = ble_gatts_write_check(h, c, handle, cmd);
    if (e) return e;
    const struct ble_attr *a = ble_gatts_attr(h, handle);
    if (a->kind == ATTR_CCCD) {
        const akira_ble_gatt_chr_t *ch = a->def;
        if (offset) return -AKIRA_BLE_ATT_ERR_INVALID_OFFSET;
        if (len != 2) return -AKIRA_BLE_ATT_ERR_INVALID_ATTR_LEN;
        uint16_t v = ble_get16(data);
        uint16_t allowed = (uint16_t)(((ch->props & AKIRA_BLE_CHR_NOTIFY) ? 1 : 0) |
                                      ((ch->props & AKIRA_BLE_CHR_INDICATE) ? 2 : 0));
        if (v & ~allowed) return -AKIRA_BLE_ATT_ERR_VALUE_NOT_ALLOWED;
        c->cccd[a->cccd] = v;
        if (h->cfg.cb.subscribed)
            h->cfg.cb.subscribed(h->cfg.cb_user, c->handle, h->cccd_handle[a->cccd], v);
        return 0;
    }
    if (a->kind == ATTR_VAL) {
        const akira_ble_gatt_chr_t *ch = a->def;
        return ch->write(ch->user, c->handle, offset, data, len);
    }
    const akira_ble_gatt_dsc_t *d = a->def;
    return d->write(d->user, c->handle, offset, data, len);
}

static int cccd_of(akira_ble_host_t *h, uint16_t value_handle)
{
    const struct ble_attr *a = ble_gatts_attr(h, value_handle);
    if (!a || a->kind != ATTR_VAL || a->cccd == 0xff) return -1;
    return a->cccd;
}

static akira_err_t send_value(akira_ble_host_t *h, struct ble_conn *c, uint8_t op, uint16_t handle,
                              const uint8_t *data, size_t len)
{
    size_t max = (size_t)c->mtu - 3;
    if (len > max) len = max;
    h->pdu[0] = op;
    ble_put16(h->pdu + 1, handle);
    memcpy(h->pdu + 3, data, len);
    return ble_l2cap_send(h, c, AKIRA_BLE_CID_ATT, h->pdu, 3 + len);
}

akira_err_t akira_ble_gatts_notify(akira_ble_host_t *h, uint16_t conn, uint16_t value_handle,
                                   const uint8_t *data, size_t len)
{
    if (!h || (len && !data)) return AKIRA_EINVAL;
    ble_lock(h);
    int ci = cccd_of(h, value_handle);
    akira_err_t rc = AKIRA_OK;
    if (ci < 0) {
        rc = AKIRA_ENOENT;
    } else if (conn == AKIRA_BLE_CONN_ALL) {
        for (size_t i = 0; i < AKIRA_BLE_HOST_MAX_CONN; i++) {
            struct ble_conn *c = &h->conns[i];
            if (!c->used || c->att_dead || !(c->cccd[ci] & 1)) continue;
            akira_err_t e = send_value(h, c, 0x1b, value_handle, data, len);
            if (e != AKIRA_OK) rc = e;
        }
    } else {
        struct ble_conn *c = ble_conn_find(h, conn);
        if (!c)
            rc = AKIRA_ENOTCONN;
        else if (!(c->cccd[ci] & 1) || c->att_dead)
            rc = AKIRA_ESTATE;
        else
            rc = send_value(h, c, 0x1b, value_handle, data, len);
    }
    ble_unlock(h);
    return rc;
}

akira_err_t akira_ble_gatts_indicate(akira_ble_host_t *h, uint16_t conn, uint16_t value_handle,
                                     const uint8_t *data, size_t len)
{
    if (!h || (len && !data)) return AKIRA_EINVAL;
    ble_lock(h);
    int ci = cccd_of(h, value_handle);
    struct ble_conn *c = ble_conn_find(h, conn);
    akira_err_t rc;
    if (ci < 0)
        rc = AKIRA_ENOENT;
    else if (!c)
        rc = AKIRA_ENOTCONN;
    else if (!(c->cccd[ci] & 2) || c->att_dead)
        rc = AKIRA_ESTATE;
    else if (c->ind_pending)
        rc = AKIRA_EBUSY;
    else {
        rc = send_value(h, c, 0x1d, value_handle, data, len);
        if (rc == AKIRA_OK) {
            c->ind_pending = true;
            c->ind_handle = value_handle;
            c->ind_deadline = 0;
        }
    }
    ble_unlock(h);
    return rc;
}

uint16_t akira_ble_gatts_subscription(akira_ble_host_t *h, uint16_t conn, uint16_t value_handle)
{
    ble_lock(h);
    int ci = cccd_of(h, value_handle);
    struct ble_conn *c = ble_conn_find(h, conn);
    uint16_t v = (ci >= 0 && c) ? c->cccd[ci] : 0;
    ble_unlock(h);
    return v;
}

/* The BLE host's instance: connections, the link layer's events, polling. */
#include <stdlib.h>
#include <string.h>

#include "host_priv.h"

static const uint8_t base_uuid[16] = {0xfb, 0x34, 0x9b, 0x5f, 0x80, 0x00, 0x00, 0x80,
                                      0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

static void uuid_full(const akira_ble_uuid_t *u, uint8_t out[16])
{
    if (u->len == 16) {
        memcpy(out, u->b, 16);
        return;
    }
    memcpy(out, base_uuid, 16);
    out[12] = u->b[0];
    out[13] = u->b[1];
}

bool akira_ble_uuid_eq(const akira_ble_uuid_t *a, const akira_ble_uuid_t *b)
{
    if ((a->len != 2 && a->len != 16) || (b->len != 2 && b->len != 16)) return false;
    uint8_t x[16], y[16];
    uuid_full(a, x);
    uuid_full(b, y);
    return memcmp(x, y, 16) == 0;
}

void ble_lock(akira_ble_host_t *h)
{
    akira_mutex_lock(h->lock, -1);
}

void ble_unlock(akira_ble_host_t *h)
{
    akira_mutex_unlock(h->lock);
}

struct ble_conn *ble_conn_find(akira_ble_host_t *h, uint16_t conn)
{
    for (size_t i = 0; i < AKIRA_BLE_HOST_MAX_CONN; i++)
        if (h->conns[i].used && h->conns[i].handle == conn) return &h->conns[i];
    return NULL;
}

akira_err_t akira_ble_host_create(const akira_ble_host_cfg_t *cfg, akira_ble_host_t **out)
{
    if (!cfg || !out || !cfg->lower.acl_send) return AKIRA_EINVAL;
    if (cfg->ll_payload && (cfg->ll_payload < 27 || cfg->ll_payload > AKIRA_BLE_LL_DATA_MAX))
        return AKIRA_EINVAL;
    if (cfg->io_cap > AKIRA_BLE_IO_KEYBOARD_DISPLAY) return AKIRA_EINVAL;
    akira_ble_host_t *h = calloc(1, sizeof(*h));
    if (!h) return AKIRA_ENOMEM;
    if (akira_mutex_create(&h->lock) != 0) {
        free(h);
        return AKIRA_ENOMEM;
    }
    h->cfg = *cfg;
    h->frag = cfg->ll_payload ? cfg->ll_payload : 27;
    ble_bonds_load(h);
    *out = h;
    return AKIRA_OK;
}

void akira_ble_host_destroy(akira_ble_host_t *h)
{
    if (!h) return;
    akira_mutex_destroy(h->lock);
    memset(h, 0, sizeof(*h)); /* keys */
    free(h);
}

size_t akira_ble_host_ram_bytes(size_t *per_conn)
{
    if (per_conn) *per_conn = sizeof(struct ble_conn);
    return sizeof(struct akira_ble_host);
}

void akira_ble_host_on_connected(akira_ble_host_t *h, uint16_t conn, uint8_t role,
                                 const akira_ble_addr_t *peer)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    if (!c)
        for (size_t i = 0; i < AKIRA_BLE_HOST_MAX_CONN && !c; i++)
            if (!h->conns[i].used) c = &h->conns[i];
    if (!c) {
        /* More links than the host has room for: refuse this one. */
        ble_unlock(h);
        h->cfg.lower.disconnect(h->cfg.lower.ctx, conn, AKIRA_BLE_REASON_LOCAL_HOST);
        return;
    }
    memset(c, 0, sizeof(*c));
    c->used = true;
    c->handle = conn;
    c->role = role;
    c->peer = *peer;
    c->mtu = AKIRA_BLE_ATT_MTU_MIN;
    c->sec_level = AKIRA_BLE_SEC_NONE;
    if (h->cfg.cb.connected) h->cfg.cb.connected(h->cfg.cb_user, conn, role, peer);
    ble_unlock(h);
}

void akira_ble_host_on_disconnected(akira_ble_host_t *h, uint16_t conn, uint8_t reason)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    if (c) {
        ble_smp_disconnected(h, c);
        ble_att_disconnected(h, c);
        memset(c, 0, sizeof(*c));
        if (h->cfg.cb.disconnected) h->cfg.cb.disconnected(h->cfg.cb_user, conn, reason);
    }
    ble_unlock(h);
}

void akira_ble_host_on_acl(akira_ble_host_t *h, uint16_t conn, uint8_t llid, const uint8_t *data,
                           size_t len)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    if (c) {
        ble_l2cap_rx(h, c, llid, data, len);
        /* The PDU may have been freed by a callback that disconnected. */
        c = ble_conn_find(h, conn);
        if (c) ble_l2cap_flush(h, c);
    }
    ble_unlock(h);
}

void akira_ble_host_on_encryption(akira_ble_host_t *h, uint16_t conn, akira_err_t status)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    if (c) ble_smp_encryption(h, c, status);
    ble_unlock(h);
}

void akira_ble_host_on_ltk_request(akira_ble_host_t *h, uint16_t conn, const uint8_t rand[8],
                                   uint16_t ediv)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    if (c)
        ble_smp_ltk_request(h, c, rand, ediv);
    else
        h->cfg.lower.ltk_reply(h->cfg.lower.ctx, conn, NULL);
    ble_unlock(h);
}

void akira_ble_host_poll(akira_ble_host_t *h, uint64_t now_ms)
{
    ble_lock(h);
    h->now = now_ms;
    for (size_t i = 0; i < AKIRA_BLE_HOST_MAX_CONN; i++) {
        struct ble_conn *c = &h->conns[i];
        if (!c->used) continue;
        ble_l2cap_flush(h, c);
        ble_att_poll(h, c);
        if (c->used) ble_smp_poll(h, c);
    }
    ble_unlock(h);
}

void akira_ble_host_stats(akira_ble_host_t *h, akira_ble_host_stats_t *out)
{
    ble_lock(h);
    *out = h->stats;
    ble_unlock(h);
}

akira_err_t akira_ble_host_conn_info(akira_ble_host_t *h, uint16_t conn, uint8_t *role,
                                     akira_ble_addr_t *peer, uint16_t *mtu, uint8_t *sec_level)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    if (c) {
        if (role) *role = c->role;
        if (peer) *peer = c->peer;
        if (mtu) *mtu = c->mtu;
        if (sec_level) *sec_level = c->sec_level;
    }
    ble_unlock(h);
    return c ? AKIRA_OK : AKIRA_ENOTCONN;
}

akira_err_t akira_ble_host_disconnect(akira_ble_host_t *h, uint16_t conn, uint8_t reason)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    ble_unlock(h);
    if (!c) return AKIRA_ENOTCONN;
    return h->cfg.lower.disconnect(h->cfg.lower.ctx, conn, reason);
}

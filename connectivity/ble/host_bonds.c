/*
 * Bonds: the keys of paired peers, in RAM (bounded table) and, when the host has a
 * settings store, under "akira/bt/bond/<address><type>" so they survive a reboot.
 * Lookup resolves a peer's resolvable private address with the IRKs it distributed.
 */
#include <stdio.h>

#include "akira/settings.h"
#include "host_crypto.h"
#include "host_priv.h"

#define BOND_PREFIX  "akira/bt/bond/"
#define IRK_KEY      "akira/bt/irk"
#define BOND_VERSION 1
#define BOND_BYTES   42 /* version, type, addr[6], flags, key size, ltk[16], irk[16] */

static void slock(akira_ble_host_t *h)
{
    if (h->cfg.settings_lock) h->cfg.settings_lock();
}

static void sunlock(akira_ble_host_t *h)
{
    if (h->cfg.settings_unlock) h->cfg.settings_unlock();
}

static void bond_key(const akira_ble_addr_t *a, char out[32])
{
    snprintf(out, 32, BOND_PREFIX "%02x%02x%02x%02x%02x%02x%u", a->a[5], a->a[4], a->a[3], a->a[2],
             a->a[1], a->a[0], a->type);
}

static void encode(const akira_ble_bond_t *b, uint8_t v[BOND_BYTES])
{
    v[0] = BOND_VERSION;
    v[1] = b->addr.type;
    memcpy(v + 2, b->addr.a, 6);
    v[8] = (uint8_t)((b->authenticated ? 1 : 0) | (b->has_irk ? 2 : 0));
    v[9] = b->key_size;
    memcpy(v + 10, b->ltk, 16);
    memcpy(v + 26, b->irk, 16);
}

static bool decode(const uint8_t *v, size_t len, akira_ble_bond_t *b)
{
    if (len != BOND_BYTES || v[0] != BOND_VERSION || v[1] > 1 || v[9] < 7 || v[9] > 16)
        return false;
    memset(b, 0, sizeof(*b));
    b->addr.type = v[1];
    memcpy(b->addr.a, v + 2, 6);
    b->authenticated = v[8] & 1;
    b->has_irk = v[8] & 2;
    b->key_size = v[9];
    memcpy(b->ltk, v + 10, 16);
    memcpy(b->irk, v + 26, 16);
    return true;
}

static int load_one(void *ctx, const char *key, const void *val, size_t len)
{
    (void)key;
    akira_ble_host_t *h = ctx;
    if (h->n_bonds < AKIRA_BLE_BOND_MAX && decode(val, len, &h->bonds[h->n_bonds])) h->n_bonds++;
    return 0; /* a record we cannot read is skipped, not fatal */
}

void ble_bonds_load(akira_ble_host_t *h)
{
    h->n_bonds = 0;
    bool have_irk = false;
    if (!h->cfg.settings) {
        ble_crypto_random(h->irk, 16);
        return;
    }
    slock(h);
    akira_settings_foreach(h->cfg.settings, BOND_PREFIX, load_one, h);
    have_irk = akira_settings_get(h->cfg.settings, IRK_KEY, h->irk, 16) == 16;
    if (!have_irk) {
        ble_crypto_random(h->irk, 16);
        akira_settings_set(h->cfg.settings, IRK_KEY, h->irk, 16);
    }
    sunlock(h);
}

const uint8_t *ble_local_irk(akira_ble_host_t *h)
{
    return h->irk;
}

static bool same(const akira_ble_addr_t *a, const akira_ble_addr_t *b)
{
    return a->type == b->type && memcmp(a->a, b->a, 6) == 0;
}

const akira_ble_bond_t *ble_bond_find(akira_ble_host_t *h, const akira_ble_addr_t *peer)
{
    for (size_t i = 0; i < h->n_bonds; i++)
        if (same(&h->bonds[i].addr, peer)) return &h->bonds[i];
    /* A resolvable private address: prand in the top 3 bytes (top bits 01), hash below. */
    if (peer->type == 1 && (peer->a[5] & 0xc0) == 0x40) {
        for (size_t i = 0; i < h->n_bonds; i++) {
            uint8_t hash[3];
            if (!h->bonds[i].has_irk) continue;
            if (ble_crypto_ah(h->bonds[i].irk, peer->a + 3, hash) == AKIRA_OK &&
                memcmp(hash, peer->a, 3) == 0)
                return &h->bonds[i];
        }
    }
    return NULL;
}

akira_err_t ble_bond_store(akira_ble_host_t *h, const akira_ble_bond_t *b)
{
    size_t i = 0;
    while (i < h->n_bonds && !same(&h->bonds[i].addr, &b->addr))
        i++;
    if (i == h->n_bonds && h->n_bonds == AKIRA_BLE_BOND_MAX) return AKIRA_ENOSPC;
    if (h->cfg.settings) {
        char key[32];
        uint8_t v[BOND_BYTES];
        bond_key(&b->addr, key);
        encode(b, v);
        slock(h);
        int rc = akira_settings_set(h->cfg.settings, key, v, sizeof v);
        sunlock(h);
        memset(v, 0, sizeof v);
        if (rc != 0) return (akira_err_t)rc;
    }
    h->bonds[i] = *b;
    if (i == h->n_bonds) h->n_bonds++;
    return AKIRA_OK;
}

size_t akira_ble_bonds(akira_ble_host_t *h, akira_ble_bond_t *out, size_t cap)
{
    ble_lock(h);
    size_t n = h->n_bonds;
    for (size_t i = 0; out && i < n && i < cap; i++)
        out[i] = h->bonds[i];
    ble_unlock(h);
    return n;
}

akira_err_t akira_ble_bond_forget(akira_ble_host_t *h, const akira_ble_addr_t *addr)
{
    ble_lock(h);
    akira_err_t rc = addr ? AKIRA_ENOENT : AKIRA_OK;
    for (size_t i = 0; i < h->n_bonds;) {
        if (addr && !same(&h->bonds[i].addr, addr)) {
            i++;
            continue;
        }
        if (h->cfg.settings) {
            char key[32];
            bond_key(&h->bonds[i].addr, key);
            slock(h);
            int e = akira_settings_delete(h->cfg.settings, key);
            sunlock(h);
            if (e != 0 && e != AKIRA_ENOENT) {
                rc = (akira_err_t)e;
                break;
            }
        }
        h->bonds[i] = h->bonds[--h->n_bonds];
        memset(&h->bonds[h->n_bonds], 0, sizeof(h->bonds[0]));
        rc = AKIRA_OK;
    }
    ble_unlock(h);
    return rc;
}

/*
 * The SMP of a build without the crypto library (the Cortex-M build: Debian ships no
 * mbedTLS for arm-none-eabi). Pairing is refused the way the specification lets a
 * device refuse it, encryption requests get the negative reply, and the API says
 * AKIRA_ENOTSUP. Attributes that need encryption are then out of reach, as they must be.
 */
#include "host_priv.h"

void ble_smp_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len == 0) return;
    if (p[0] == 0x05 || p[0] == 0x0e) return; /* Pairing Failed, Keypress: nothing to answer */
    uint8_t r[2] = {0x05, AKIRA_BLE_SMP_ERR_PAIRING_NOT_SUPP};
    h->stats.smp_failed++;
    ble_l2cap_send(h, c, AKIRA_BLE_CID_SMP, r, 2);
}

void ble_smp_encryption(akira_ble_host_t *h, struct ble_conn *c, akira_err_t status)
{
    (void)h;
    (void)c;
    (void)status;
}

void ble_smp_ltk_request(akira_ble_host_t *h, struct ble_conn *c, const uint8_t rand[8],
                         uint16_t ediv)
{
    (void)rand;
    (void)ediv;
    h->cfg.lower.ltk_reply(h->cfg.lower.ctx, c->handle, NULL);
}

void ble_smp_poll(akira_ble_host_t *h, struct ble_conn *c)
{
    (void)h;
    (void)c;
}

void ble_smp_disconnected(akira_ble_host_t *h, struct ble_conn *c)
{
    (void)h;
    (void)c;
}

akira_err_t akira_ble_smp_start(akira_ble_host_t *h, uint16_t conn)
{
    (void)h;
    (void)conn;
    return AKIRA_ENOTSUP;
}

akira_err_t akira_ble_smp_passkey_reply(akira_ble_host_t *h, uint16_t conn, uint32_t passkey)
{
    (void)h;
    (void)conn;
    (void)passkey;
    return AKIRA_ENOTSUP;
}

akira_err_t akira_ble_smp_confirm_reply(akira_ble_host_t *h, uint16_t conn, bool match)
{
    (void)h;
    (void)conn;
    (void)match;
    return AKIRA_ENOTSUP;
}

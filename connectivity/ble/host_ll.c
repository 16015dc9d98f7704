/*
 * The device's one host on the link layer of ble_ll.h: the host's lower ops call the
 * akira_ble_ll_* functions, and the link layer's callbacks feed the host.
 */
#include "akira/ble_host_ll.h"

static akira_ble_host_t *the_host;

static akira_err_t ll_send(void *ctx, uint16_t conn, uint8_t llid, const uint8_t *d, size_t n)
{
    (void)ctx;
    return akira_ble_ll_acl_send(conn, llid, d, n);
}

static akira_err_t ll_encrypt(void *ctx, uint16_t conn, const uint8_t ltk[16],
                              const uint8_t rand[8], uint16_t ediv)
{
    (void)ctx;
    return akira_ble_ll_encrypt_start(conn, ltk, rand, ediv);
}

static akira_err_t ll_ltk(void *ctx, uint16_t conn, const uint8_t *ltk)
{
    (void)ctx;
    return akira_ble_ll_ltk_reply(conn, ltk);
}

static akira_err_t ll_disconnect(void *ctx, uint16_t conn, uint8_t reason)
{
    (void)ctx;
    return akira_ble_ll_disconnect(conn, reason);
}

static void on_connected(uint16_t conn, uint8_t role, const akira_ble_addr_t *peer,
                         const akira_ble_conn_params_t *params)
{
    (void)params;
    if (the_host) akira_ble_host_on_connected(the_host, conn, role, peer);
}

static void on_disconnected(uint16_t conn, uint8_t reason)
{
    if (the_host) akira_ble_host_on_disconnected(the_host, conn, reason);
}

static void on_acl(uint16_t conn, uint8_t llid, const uint8_t *data, size_t len)
{
    if (the_host) akira_ble_host_on_acl(the_host, conn, llid, data, len);
}

static void on_encryption(uint16_t conn, akira_err_t status)
{
    if (the_host) akira_ble_host_on_encryption(the_host, conn, status);
}

static void on_ltk_request(uint16_t conn, const uint8_t rand[8], uint16_t ediv)
{
    if (the_host)
        akira_ble_host_on_ltk_request(the_host, conn, rand, ediv);
    else
        akira_ble_ll_ltk_reply(conn, NULL);
}

static const akira_ble_host_ops_t ops = {
    .connected = on_connected,
    .disconnected = on_disconnected,
    .acl_received = on_acl,
    .encryption_changed = on_encryption,
    .ltk_request = on_ltk_request,
};

akira_err_t akira_ble_host_ll_start(akira_ble_host_cfg_t *cfg, akira_ble_host_t **out)
{
    if (!cfg || !out) return AKIRA_EINVAL;
    if (the_host) return AKIRA_EEXIST;
    cfg->lower = (akira_ble_host_lower_t){
        .acl_send = ll_send,
        .encrypt_start = ll_encrypt,
        .ltk_reply = ll_ltk,
        .disconnect = ll_disconnect,
    };
    akira_err_t rc = akira_ble_ll_own_addr(&cfg->own_addr);
    if (rc != AKIRA_OK) return rc;
    rc = akira_ble_host_create(cfg, out);
    if (rc != AKIRA_OK) return rc;
    the_host = *out;
    akira_ble_ll_set_host(&ops);
    return AKIRA_OK;
}

void akira_ble_host_ll_stop(void)
{
    akira_ble_ll_set_host(NULL);
    akira_ble_host_destroy(the_host);
    the_host = NULL;
}

/*
 * SMP: LE Secure Connections pairing (just works, numeric comparison, passkey entry;
 * Core Vol 3 Part H 2.3.5.6, 3.5), key distribution (identity keys), bonding, and
 * encryption with a bond's LTK on reconnection. Legacy pairing is refused (SC-only
 * mode): its keys are breakable by anyone who heard the pairing.
 */
#include "host_crypto.h"
#include "host_priv.h"

#define SMP_PAIRING_REQ  0x01
#define SMP_PAIRING_RSP  0x02
#define SMP_CONFIRM      0x03
#define SMP_RANDOM       0x04
#define SMP_FAILED       0x05
#define SMP_ENC_INFO     0x06
#define SMP_CENTRAL_ID   0x07
#define SMP_ID_INFO      0x08
#define SMP_ID_ADDR_INFO 0x09
#define SMP_SIGN_INFO    0x0a
#define SMP_SECURITY_REQ 0x0b
#define SMP_PUBLIC_KEY   0x0c
#define SMP_DHKEY_CHECK  0x0d
#define SMP_KEYPRESS     0x0e

#define AUTH_BONDING 0x01
#define AUTH_MITM    0x04
#define AUTH_SC      0x08
#define DIST_ID_KEY  0x02

enum {
    ST_IDLE = 0,
    ST_WAIT_RSP,
    ST_WAIT_PK,
    ST_WAIT_CONFIRM,
    ST_WAIT_RANDOM,
    ST_WAIT_DHCHECK,
    ST_WAIT_ENC,
    ST_KEYDIST
};
enum { M_JW = 0, M_NC, M_PK_I_DISP, M_PK_R_DISP, M_PK_BOTH };

/* [initiator IO][responder IO] -> method (Vol 3 Part H table 2.8, LE SC). */
static const uint8_t method_table[5][5] = {
    {M_JW, M_JW, M_PK_I_DISP, M_JW, M_PK_I_DISP},
    {M_JW, M_NC, M_PK_I_DISP, M_JW, M_NC},
    {M_PK_R_DISP, M_PK_R_DISP, M_PK_BOTH, M_JW, M_PK_R_DISP},
    {M_JW, M_JW, M_JW, M_JW, M_JW},
    {M_PK_R_DISP, M_NC, M_PK_I_DISP, M_JW, M_NC},
};

static void send(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    c->smp.deadline = 0; /* the 30 s timer restarts with every command queued */
    ble_l2cap_send(h, c, AKIRA_BLE_CID_SMP, p, len);
}

static void send16(akira_ble_host_t *h, struct ble_conn *c, uint8_t code, const uint8_t v[16])
{
    uint8_t p[17];
    p[0] = code;
    memcpy(p + 1, v, 16);
    send(h, c, p, sizeof p);
}

static void wipe(struct ble_smp *s)
{
    memset(s, 0, sizeof(*s));
}

static void fail(akira_ble_host_t *h, struct ble_conn *c, uint8_t reason, bool tell_peer)
{
    if (tell_peer) {
        uint8_t p[2] = {SMP_FAILED, reason};
        send(h, c, p, 2);
    }
    bool active = c->smp.state != ST_IDLE;
    wipe(&c->smp);
    h->stats.smp_failed++;
    if (active && h->cfg.cb.pairing_complete)
        h->cfg.cb.pairing_complete(h->cfg.cb_user, c->handle, reason, false);
}

static void addr7(const akira_ble_addr_t *a, uint8_t out[7])
{
    memcpy(out, a->a, 6);
    out[6] = a->type;
}

static void initiator_responder(akira_ble_host_t *h, struct ble_conn *c, uint8_t a[7], uint8_t b[7])
{
    if (c->smp.initiator) {
        addr7(&h->cfg.own_addr, a);
        addr7(&c->peer, b);
    } else {
        addr7(&c->peer, a);
        addr7(&h->cfg.own_addr, b);
    }
}

static bool local_displays(const struct ble_smp *s)
{
    return (s->method == M_PK_I_DISP && s->initiator) ||
           (s->method == M_PK_R_DISP && !s->initiator);
}

static bool passkey_method(const struct ble_smp *s)
{
    return s->method >= M_PK_I_DISP;
}

/* The initiator's and the responder's public key X coordinates. */
static const uint8_t *pka(const struct ble_smp *s)
{
    return s->initiator ? s->pk : s->peer_pk;
}
static const uint8_t *pkb(const struct ble_smp *s)
{
    return s->initiator ? s->peer_pk : s->pk;
}

static uint8_t ri(const struct ble_smp *s)
{
    return (uint8_t)(0x80 | ((s->passkey >> s->round) & 1));
}

static uint8_t our_authreq(akira_ble_host_t *h)
{
    return (uint8_t)((h->cfg.bondable ? AUTH_BONDING : 0) | (h->cfg.mitm ? AUTH_MITM : 0) |
                     AUTH_SC);
}

/* Decide the method from both IO capabilities; false when our MITM need is unmet. */
static bool choose_method(akira_ble_host_t *h, struct ble_smp *s)
{
    uint8_t ia = s->preq[1], ra = s->pres[1];
    bool mitm = (s->preq[3] | s->pres[3]) & AUTH_MITM;
    s->method = mitm ? method_table[ia][ra] : M_JW;
    s->authenticated = s->method != M_JW;
    s->bonding = (s->preq[3] & AUTH_BONDING) && (s->pres[3] & AUTH_BONDING);
    return !(h->cfg.mitm && !s->authenticated);
}

static void send_public_key(akira_ble_host_t *h, struct ble_conn *c)
{
    uint8_t p[65];
    p[0] = SMP_PUBLIC_KEY;
    memcpy(p + 1, c->smp.pk, 64);
    send(h, c, p, sizeof p);
}

/* Passkey round: send our confirm value for this round. */
static bool send_passkey_confirm(akira_ble_host_t *h, struct ble_conn *c)
{
    struct ble_smp *s = &c->smp;
    uint8_t *n = s->initiator ? s->na : s->nb;
    uint8_t cf[16];
    if (ble_crypto_random(n, 16) != AKIRA_OK ||
        ble_crypto_f4(s->pk, s->peer_pk, n, ri(s), cf) != AKIRA_OK)
        return false;
    send16(h, c, SMP_CONFIRM, cf);
    return true;
}

static void mask_ltk(struct ble_smp *s)
{
    for (size_t i = s->key_size; i < 16; i++)
        s->ltk[i] = 0;
}

/* MacKey and LTK from the DHKey, then the check value Ea (initiator) or Eb. */
static bool check_value(akira_ble_host_t *h, struct ble_conn *c, bool ours, uint8_t out[16])
{
    struct ble_smp *s = &c->smp;
    uint8_t a[7], b[7], r[16] = {0};
    initiator_responder(h, c, a, b);
    if (ble_crypto_f5(s->dhkey, s->na, s->nb, a, b, s->mackey, s->ltk) != AKIRA_OK) return false;
    if (passkey_method(s)) {
        r[0] = (uint8_t)s->passkey;
        r[1] = (uint8_t)(s->passkey >> 8);
        r[2] = (uint8_t)(s->passkey >> 16);
    }
    const uint8_t ioa[3] = {s->preq[1], s->preq[2], s->preq[3]};
    const uint8_t iob[3] = {s->pres[1], s->pres[2], s->pres[3]};
    /* Ea = f6(MacKey, Na, Nb, rb, IOcapA, A, B); Eb = f6(MacKey, Nb, Na, ra, IOcapB, B, A) */
    bool ea = s->initiator == ours;
    akira_err_t e = ea ? ble_crypto_f6(s->mackey, s->na, s->nb, r, ioa, a, b, out)
                       : ble_crypto_f6(s->mackey, s->nb, s->na, r, iob, b, a, out);
    mask_ltk(s);
    return e == AKIRA_OK;
}

static void initiator_dhkey_check(akira_ble_host_t *h, struct ble_conn *c)
{
    uint8_t ea[16];
    if (!check_value(h, c, true, ea)) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    send16(h, c, SMP_DHKEY_CHECK, ea);
    c->smp.state = ST_WAIT_DHCHECK;
    c->smp.user_confirmed = true; /* Ea is out: Eb may come */
}

/* Responder: Ea arrived and the user (if asked) agreed: check it, answer Eb. */
static void responder_dhkey_check(akira_ble_host_t *h, struct ble_conn *c)
{
    struct ble_smp *s = &c->smp;
    uint8_t ea[16], eb[16];
    if (!check_value(h, c, false, ea) || !check_value(h, c, true, eb)) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    if (memcmp(ea, s->remote_ea, 16) != 0) {
        fail(h, c, AKIRA_BLE_SMP_ERR_DHKEY_CHECK_FAILED, true);
        return;
    }
    send16(h, c, SMP_DHKEY_CHECK, eb);
    s->state = ST_WAIT_ENC; /* the central starts encryption with the LTK */
}

/* Public keys exchanged: authentication stage 1 begins. */
static void stage1(akira_ble_host_t *h, struct ble_conn *c)
{
    struct ble_smp *s = &c->smp;
    if (passkey_method(s)) {
        s->round = 0;
        if (local_displays(s)) {
            uint32_t r;
            if (ble_crypto_random(&r, sizeof r) != AKIRA_OK) {
                fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
                return;
            }
            s->passkey = r % 1000000u;
            s->passkey_known = true;
            if (h->cfg.cb.passkey_display)
                h->cfg.cb.passkey_display(h->cfg.cb_user, c->handle, s->passkey);
        } else if (h->cfg.cb.passkey_entry) {
            h->cfg.cb.passkey_entry(h->cfg.cb_user, c->handle);
        } else {
            fail(h, c, AKIRA_BLE_SMP_ERR_PASSKEY_ENTRY_FAILED, true);
            return;
        }
        s->state = ST_WAIT_CONFIRM;
        if (s->initiator && s->passkey_known && !send_passkey_confirm(h, c))
            fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    s->state = ST_WAIT_CONFIRM;
    if (!s->initiator) { /* JW/NC: the responder commits to Nb first */
        uint8_t cf[16];
        if (ble_crypto_random(s->nb, 16) != AKIRA_OK ||
            ble_crypto_f4(s->pk, s->peer_pk, s->nb, 0, cf) != AKIRA_OK) {
            fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
            return;
        }
        send16(h, c, SMP_CONFIRM, cf);
        s->state = ST_WAIT_RANDOM;
    }
}

static void start_keys(akira_ble_host_t *h, struct ble_conn *c);

static void pairing_req(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p)
{
    struct ble_smp *s = &c->smp;
    if (c->role != AKIRA_BLE_ROLE_PERIPHERAL) {
        fail(h, c, AKIRA_BLE_SMP_ERR_CMD_NOT_SUPP, true);
        return;
    }
    if (s->state != ST_IDLE) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    if (p[1] > AKIRA_BLE_IO_KEYBOARD_DISPLAY || p[2] > 1) {
        fail(h, c, AKIRA_BLE_SMP_ERR_INVALID_PARAMS, true);
        return;
    }
    if (!(p[3] & AUTH_SC)) {
        fail(h, c, AKIRA_BLE_SMP_ERR_AUTH_REQUIREMENTS, true);
        return;
    }
    if (p[4] < 7 || p[4] > 16) {
        fail(h, c, AKIRA_BLE_SMP_ERR_ENC_KEY_SIZE, true);
        return;
    }
    wipe(s);
    s->initiator = false;
    memcpy(s->preq, p, 7);
    uint8_t dist = h->cfg.bondable ? DIST_ID_KEY : 0;
    uint8_t rsp[7] = {SMP_PAIRING_RSP,        h->cfg.io_cap,         0, our_authreq(h), 16,
                      (uint8_t)(p[5] & dist), (uint8_t)(p[6] & dist)};
    memcpy(s->pres, rsp, 7);
    s->key_size = p[4];
    if (!choose_method(h, s)) {
        fail(h, c, AKIRA_BLE_SMP_ERR_AUTH_REQUIREMENTS, true);
        return;
    }
    if (ble_crypto_p256_keypair(s->sk, s->pk) != AKIRA_OK) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    send(h, c, rsp, 7);
    s->state = ST_WAIT_PK;
}

static void pairing_rsp(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p)
{
    struct ble_smp *s = &c->smp;
    if (p[1] > AKIRA_BLE_IO_KEYBOARD_DISPLAY || p[2] > 1 || (p[5] & ~s->preq[5]) ||
        (p[6] & ~s->preq[6])) {
        fail(h, c, AKIRA_BLE_SMP_ERR_INVALID_PARAMS, true);
        return;
    }
    if (!(p[3] & AUTH_SC)) {
        fail(h, c, AKIRA_BLE_SMP_ERR_AUTH_REQUIREMENTS, true);
        return;
    }
    if (p[4] < 7 || p[4] > 16) {
        fail(h, c, AKIRA_BLE_SMP_ERR_ENC_KEY_SIZE, true);
        return;
    }
    memcpy(s->pres, p, 7);
    s->key_size = p[4];
    if (!choose_method(h, s)) {
        fail(h, c, AKIRA_BLE_SMP_ERR_AUTH_REQUIREMENTS, true);
        return;
    }
    if (ble_crypto_p256_keypair(s->sk, s->pk) != AKIRA_OK) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    send_public_key(h, c);
    s->state = ST_WAIT_PK;
}

static void public_key(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p)
{
    struct ble_smp *s = &c->smp;
    memcpy(s->peer_pk, p + 1, 64);
    /* A key off the curve, or our own key reflected, ends the pairing. */
    if (memcmp(s->peer_pk, s->pk, 64) == 0 ||
        ble_crypto_p256_dhkey(s->sk, s->peer_pk, s->dhkey) != AKIRA_OK) {
        fail(h, c, AKIRA_BLE_SMP_ERR_DHKEY_CHECK_FAILED, true);
        return;
    }
    if (!s->initiator) send_public_key(h, c);
    stage1(h, c);
}

static void confirm(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p)
{
    struct ble_smp *s = &c->smp;
    if (s->state != ST_WAIT_CONFIRM || (s->initiator && passkey_method(s) && !s->passkey_known) ||
        (!s->initiator && !passkey_method(s))) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    memcpy(s->confirm, p + 1, 16);
    if (s->initiator) {
        if (!passkey_method(s) && ble_crypto_random(s->na, 16) != AKIRA_OK) {
            fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
            return;
        }
        send16(h, c, SMP_RANDOM, s->na);
        s->state = ST_WAIT_RANDOM;
        return;
    }
    /* Responder, passkey entry: answer when the passkey is known. */
    s->have_remote_confirm = true;
    if (s->passkey_known) {
        if (!send_passkey_confirm(h, c)) {
            fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
            return;
        }
        s->state = ST_WAIT_RANDOM;
    }
}

static void random_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p)
{
    struct ble_smp *s = &c->smp;
    if (s->state != ST_WAIT_RANDOM) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    uint8_t expect[16];
    uint8_t z = passkey_method(s) ? ri(s) : 0;
    if (s->initiator) {
        memcpy(s->nb, p + 1, 16);
        if (ble_crypto_f4(s->peer_pk, s->pk, s->nb, z, expect) != AKIRA_OK ||
            memcmp(expect, s->confirm, 16) != 0) {
            fail(h, c, AKIRA_BLE_SMP_ERR_CONFIRM_FAILED, true);
            return;
        }
        if (passkey_method(s)) {
            if (++s->round < 20) {
                s->state = ST_WAIT_CONFIRM;
                if (!send_passkey_confirm(h, c)) fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
                return;
            }
            initiator_dhkey_check(h, c);
            return;
        }
        if (s->method == M_NC) {
            uint32_t v;
            if (ble_crypto_g2(pka(s), pkb(s), s->na, s->nb, &v) != AKIRA_OK) {
                fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
                return;
            }
            s->state = ST_WAIT_DHCHECK; /* after the user says the numbers match */
            if (h->cfg.cb.numeric_compare)
                h->cfg.cb.numeric_compare(h->cfg.cb_user, c->handle, v);
            else
                fail(h, c, AKIRA_BLE_SMP_ERR_NUMERIC_COMP_FAILED, true);
            return;
        }
        initiator_dhkey_check(h, c);
        return;
    }
    /* Responder. */
    memcpy(s->na, p + 1, 16);
    if (passkey_method(s)) {
        if (ble_crypto_f4(s->peer_pk, s->pk, s->na, z, expect) != AKIRA_OK ||
            memcmp(expect, s->confirm, 16) != 0) {
            fail(h, c, AKIRA_BLE_SMP_ERR_CONFIRM_FAILED, true);
            return;
        }
        send16(h, c, SMP_RANDOM, s->nb);
        s->have_remote_confirm = false;
        s->state = ++s->round < 20 ? ST_WAIT_CONFIRM : ST_WAIT_DHCHECK;
        return;
    }
    send16(h, c, SMP_RANDOM, s->nb);
    s->state = ST_WAIT_DHCHECK;
    if (s->method == M_NC) {
        uint32_t v;
        if (ble_crypto_g2(pka(s), pkb(s), s->na, s->nb, &v) != AKIRA_OK) {
            fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
            return;
        }
        if (h->cfg.cb.numeric_compare)
            h->cfg.cb.numeric_compare(h->cfg.cb_user, c->handle, v);
        else
            fail(h, c, AKIRA_BLE_SMP_ERR_NUMERIC_COMP_FAILED, true);
    } else {
        s->user_confirmed = true;
    }
}

static void dhkey_check(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p)
{
    struct ble_smp *s = &c->smp;
    if (s->state != ST_WAIT_DHCHECK || s->have_remote_ea) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    if (s->initiator) {
        uint8_t eb[16];
        if (!s->user_confirmed) { /* Eb before our Ea */
            fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
            return;
        }
        if (!check_value(h, c, false, eb)) {
            fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
            return;
        }
        if (memcmp(eb, p + 1, 16) != 0) {
            fail(h, c, AKIRA_BLE_SMP_ERR_DHKEY_CHECK_FAILED, true);
            return;
        }
        static const uint8_t zero8[8];
        s->state = ST_WAIT_ENC;
        if (h->cfg.lower.encrypt_start(h->cfg.lower.ctx, c->handle, s->ltk, zero8, 0) != AKIRA_OK)
            fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    memcpy(s->remote_ea, p + 1, 16);
    s->have_remote_ea = true;
    if (s->user_confirmed || passkey_method(s)) responder_dhkey_check(h, c);
}

static void complete(akira_ble_host_t *h, struct ble_conn *c)
{
    struct ble_smp *s = &c->smp;
    bool bonded = false;
    if (s->bonding && h->cfg.bondable) {
        akira_ble_bond_t b;
        memset(&b, 0, sizeof b);
        b.addr = s->peer_id.a[0] | s->peer_id.a[1] | s->peer_id.a[2] | s->peer_id.a[3] |
                         s->peer_id.a[4] | s->peer_id.a[5]
                     ? s->peer_id
                     : c->peer;
        memcpy(b.ltk, s->ltk, 16);
        memcpy(b.irk, s->peer_irk, 16);
        b.has_irk = s->have_peer_irk;
        b.authenticated = s->authenticated;
        b.key_size = s->key_size;
        bonded = ble_bond_store(h, &b) == AKIRA_OK;
    }
    wipe(s);
    if (h->cfg.cb.pairing_complete)
        h->cfg.cb.pairing_complete(h->cfg.cb_user, c->handle, 0, bonded);
}

static void send_keys(akira_ble_host_t *h, struct ble_conn *c)
{
    struct ble_smp *s = &c->smp;
    if (s->local_dist & DIST_ID_KEY) {
        send16(h, c, SMP_ID_INFO, ble_local_irk(h));
        uint8_t p[8] = {SMP_ID_ADDR_INFO, h->cfg.own_addr.type};
        memcpy(p + 2, h->cfg.own_addr.a, 6);
        send(h, c, p, sizeof p);
    }
    s->local_dist = 0;
}

static void start_keys(akira_ble_host_t *h, struct ble_conn *c)
{
    struct ble_smp *s = &c->smp;
    /* SC: the LTK is derived, never sent; we distribute identity keys only. */
    uint8_t init = s->pres[5] & DIST_ID_KEY, resp = s->pres[6] & DIST_ID_KEY;
    s->local_dist = s->initiator ? init : resp;
    s->remote_dist = s->initiator ? resp : init;
    s->state = ST_KEYDIST;
    if (!s->initiator) send_keys(h, c); /* the responder goes first */
    if (!s->remote_dist) {
        if (s->initiator) send_keys(h, c);
        complete(h, c);
    }
}

static void key_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p)
{
    struct ble_smp *s = &c->smp;
    if (s->state != ST_KEYDIST || !(s->remote_dist & DIST_ID_KEY)) {
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
        return;
    }
    if (p[0] == SMP_ID_INFO) {
        memcpy(s->peer_irk, p + 1, 16);
        s->have_peer_irk = true;
        return;
    }
    if (!s->have_peer_irk || p[1] > 1) { /* Identity Address Info follows the IRK */
        fail(h, c, AKIRA_BLE_SMP_ERR_INVALID_PARAMS, true);
        return;
    }
    s->peer_id.type = p[1];
    memcpy(s->peer_id.a, p + 2, 6);
    s->remote_dist &= (uint8_t)~DIST_ID_KEY;
    if (!s->remote_dist) {
        if (s->initiator) send_keys(h, c);
        complete(h, c);
    }
}

static void security_req(akira_ble_host_t *h, struct ble_conn *c)
{
    if (c->role != AKIRA_BLE_ROLE_CENTRAL) {
        fail(h, c, AKIRA_BLE_SMP_ERR_CMD_NOT_SUPP, true);
        return;
    }
    if (c->smp.state != ST_IDLE || c->encrypted) return; /* already on it */
    akira_ble_smp_start(h, c->handle);
}

void ble_smp_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *p, size_t len)
{
    if (len == 0) return;
    /* Every command has one length (Vol 3 Part H 3.5-3.6): anything else is refused
     * before a handler sees it. */
    static const uint8_t lengths[] = {0, 7, 7, 17, 17, 2, 17, 11, 17, 8, 17, 2, 65, 17, 2};
    if (p[0] < sizeof lengths && len != lengths[p[0]]) {
        if (p[0] == SMP_FAILED && c->smp.state == ST_IDLE) return;
        fail(h, c, AKIRA_BLE_SMP_ERR_INVALID_PARAMS, true);
        return;
    }
    c->smp.deadline = 0;
    switch (p[0]) {
    case SMP_PAIRING_REQ: pairing_req(h, c, p); return;
    case SMP_PAIRING_RSP:
        if (c->smp.state != ST_WAIT_RSP) break;
        pairing_rsp(h, c, p);
        return;
    case SMP_PUBLIC_KEY:
        if (c->smp.state != ST_WAIT_PK) break;
        public_key(h, c, p);
        return;
    case SMP_CONFIRM: confirm(h, c, p); return;
    case SMP_RANDOM: random_rx(h, c, p); return;
    case SMP_DHKEY_CHECK: dhkey_check(h, c, p); return;
    case SMP_FAILED:
        if (c->smp.state == ST_IDLE) return;
        fail(h, c, p[1], false);
        return;
    case SMP_ID_INFO:
    case SMP_ID_ADDR_INFO: key_rx(h, c, p); return;
    case SMP_SECURITY_REQ: security_req(h, c); return;
    case SMP_KEYPRESS: return; /* we never ask for keypress notifications */
    case SMP_ENC_INFO:
    case SMP_CENTRAL_ID:
    case SMP_SIGN_INFO: break; /* never negotiated in SC-only mode */
    default: fail(h, c, AKIRA_BLE_SMP_ERR_CMD_NOT_SUPP, true); return;
    }
    fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
}

void ble_smp_encryption(akira_ble_host_t *h, struct ble_conn *c, akira_err_t status)
{
    struct ble_smp *s = &c->smp;
    bool pairing = s->state == ST_WAIT_ENC;
    if (status != AKIRA_OK) {
        c->encrypted = false;
        c->sec_level = AKIRA_BLE_SEC_NONE;
        if (h->cfg.cb.security_changed)
            h->cfg.cb.security_changed(h->cfg.cb_user, c->handle, c->sec_level, status);
        if (pairing) fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, false);
        return;
    }
    c->encrypted = true;
    bool auth;
    if (pairing) {
        auth = s->authenticated;
    } else {
        const akira_ble_bond_t *b = ble_bond_find(h, &c->peer);
        auth = b && b->authenticated;
    }
    c->sec_level = auth ? AKIRA_BLE_SEC_AUTHEN : AKIRA_BLE_SEC_ENC;
    if (h->cfg.cb.security_changed)
        h->cfg.cb.security_changed(h->cfg.cb_user, c->handle, c->sec_level, AKIRA_OK);
    if (pairing) start_keys(h, c);
}

void ble_smp_ltk_request(akira_ble_host_t *h, struct ble_conn *c, const uint8_t rand[8],
                         uint16_t ediv)
{
    static const uint8_t zero8[8];
    const uint8_t *ltk = NULL;
    /* SC keys have EDIV 0 and Rand 0; anything else would be a legacy key we never made. */
    if (ediv == 0 && memcmp(rand, zero8, 8) == 0) {
        if (c->smp.state == ST_WAIT_ENC) {
            ltk = c->smp.ltk;
        } else {
            const akira_ble_bond_t *b = ble_bond_find(h, &c->peer);
            if (b) ltk = b->ltk;
        }
    }
    h->cfg.lower.ltk_reply(h->cfg.lower.ctx, c->handle, ltk);
}

void ble_smp_poll(akira_ble_host_t *h, struct ble_conn *c)
{
    struct ble_smp *s = &c->smp;
    if (s->state == ST_IDLE) return;
    if (!s->deadline)
        s->deadline = h->now + BLE_SMP_TIMEOUT_MS;
    else if (h->now >= s->deadline)
        fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, false); /* SMP timeout (Vol 3 Part H 3.4) */
}

void ble_smp_disconnected(akira_ble_host_t *h, struct ble_conn *c)
{
    if (c->smp.state != ST_IDLE) fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, false);
}

akira_err_t akira_ble_smp_start(akira_ble_host_t *h, uint16_t conn)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    akira_err_t rc = AKIRA_OK;
    if (!c) {
        rc = AKIRA_ENOTCONN;
    } else if (c->smp.state != ST_IDLE) {
        rc = AKIRA_EBUSY;
    } else if (c->role == AKIRA_BLE_ROLE_PERIPHERAL) {
        uint8_t p[2] = {SMP_SECURITY_REQ, our_authreq(h)};
        send(h, c, p, 2);
    } else {
        const akira_ble_bond_t *b = ble_bond_find(h, &c->peer);
        if (b) {
            static const uint8_t zero8[8];
            rc = h->cfg.lower.encrypt_start(h->cfg.lower.ctx, conn, b->ltk, zero8, 0);
        } else {
            struct ble_smp *s = &c->smp;
            wipe(s);
            s->initiator = true;
            uint8_t dist = h->cfg.bondable ? DIST_ID_KEY : 0;
            uint8_t req[7] = {SMP_PAIRING_REQ, h->cfg.io_cap, 0, our_authreq(h), 16, dist, dist};
            memcpy(s->preq, req, 7);
            s->state = ST_WAIT_RSP;
            send(h, c, req, 7);
        }
    }
    ble_unlock(h);
    return rc;
}

akira_err_t akira_ble_smp_passkey_reply(akira_ble_host_t *h, uint16_t conn, uint32_t passkey)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    akira_err_t rc = AKIRA_OK;
    if (!c) {
        rc = AKIRA_ENOTCONN;
    } else if (c->smp.state != ST_WAIT_CONFIRM || !passkey_method(&c->smp) ||
               c->smp.passkey_known || local_displays(&c->smp)) {
        rc = AKIRA_ESTATE;
    } else if (passkey > 999999) {
        fail(h, c, AKIRA_BLE_SMP_ERR_PASSKEY_ENTRY_FAILED, true);
        rc = AKIRA_EINVAL;
    } else {
        struct ble_smp *s = &c->smp;
        s->passkey = passkey;
        s->passkey_known = true;
        if (s->initiator || s->have_remote_confirm) {
            if (!send_passkey_confirm(h, c))
                fail(h, c, AKIRA_BLE_SMP_ERR_UNSPECIFIED, true);
            else if (!s->initiator)
                s->state = ST_WAIT_RANDOM;
        }
    }
    ble_unlock(h);
    return rc;
}

akira_err_t akira_ble_smp_confirm_reply(akira_ble_host_t *h, uint16_t conn, bool match)
{
    ble_lock(h);
    struct ble_conn *c = ble_conn_find(h, conn);
    akira_err_t rc = AKIRA_OK;
    if (!c) {
        rc = AKIRA_ENOTCONN;
    } else if (c->smp.state != ST_WAIT_DHCHECK || c->smp.method != M_NC || c->smp.user_confirmed) {
        rc = AKIRA_ESTATE;
    } else if (!match) {
        fail(h, c, AKIRA_BLE_SMP_ERR_NUMERIC_COMP_FAILED, true);
    } else {
        c->smp.user_confirmed = true;
        if (c->smp.initiator)
            initiator_dhkey_check(h, c);
        else if (c->smp.have_remote_ea)
            responder_dhkey_check(h, c);
    }
    ble_unlock(h);
    return rc;
}

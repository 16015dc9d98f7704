/* BLE host SMP: the crypto toolbox against the specification's sample data, pairing
 * (just works, passkey right and wrong, numeric comparison), bonds in settings and
 * their use on reconnection, malformed SMP input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ble_test_env.h"
#include "host_crypto.h"
#include "p256.h"

#define A    E.link.host[0]
#define B    E.link.host[1]
#define CONN E.link.conn[0]

/* Core Vol 3 Part H Appendix D sample data, little endian as on air. */
static const uint8_t debug_sk[32] = {
    0xbd, 0x1a, 0x3c, 0xcd, 0xa6, 0xb8, 0x99, 0x58, 0x99, 0xb7, 0x40, 0xeb, 0x7b, 0x60, 0xff, 0x4a,
    0x50, 0x3f, 0x10, 0xd2, 0xe3, 0xb3, 0xc9, 0x74, 0x38, 0x5f, 0xc5, 0xa3, 0xd4, 0xf6, 0x49, 0x3f};
static const uint8_t debug_pk[64] = {
    0xe6, 0x9d, 0x35, 0x0e, 0x48, 0x01, 0x03, 0xcc, 0xdb, 0xfd, 0xf4, 0xac, 0x11, 0x91, 0xf4, 0xef,
    0xb9, 0xa5, 0xf9, 0xe9, 0xa7, 0x83, 0x2c, 0x5e, 0x2c, 0xbe, 0x97, 0xf2, 0xd2, 0x03, 0xb0, 0x20,
    0x8b, 0xd2, 0x89, 0x15, 0xd0, 0x8e, 0x1c, 0x74, 0x24, 0x30, 0xed, 0x8f, 0xc2, 0x45, 0x63, 0x76,
    0x5c, 0x15, 0x52, 0x5a, 0xbf, 0x9a, 0x32, 0x63, 0x6d, 0xeb, 0x2a, 0x65, 0x49, 0x9c, 0x80, 0xdc};
static const uint8_t u[32] = {0xe6, 0x9d, 0x35, 0x0e, 0x48, 0x01, 0x03, 0xcc, 0xdb, 0xfd, 0xf4,
                              0xac, 0x11, 0x91, 0xf4, 0xef, 0xb9, 0xa5, 0xf9, 0xe9, 0xa7, 0x83,
                              0x2c, 0x5e, 0x2c, 0xbe, 0x97, 0xf2, 0xd2, 0x03, 0xb0, 0x20};
static const uint8_t v[32] = {0xfd, 0xc5, 0x7f, 0xf4, 0x49, 0xdd, 0x4f, 0x6b, 0xfb, 0x7c, 0x9d,
                              0xf1, 0xc2, 0x9a, 0xcb, 0x59, 0x2a, 0xe7, 0xd4, 0xee, 0xfb, 0xfc,
                              0x0a, 0x90, 0x9a, 0xbb, 0xf6, 0x32, 0x3d, 0x8b, 0x18, 0x55};
static const uint8_t x[16] = {0xab, 0xae, 0x2b, 0x71, 0xec, 0xb2, 0xff, 0xff,
                              0x3e, 0x73, 0x77, 0xd1, 0x54, 0x84, 0xcb, 0xd5};
static const uint8_t y[16] = {0xcf, 0xc4, 0x3d, 0xff, 0xf7, 0x83, 0x65, 0x21,
                              0x6e, 0x5f, 0xa7, 0x25, 0xcc, 0xe7, 0xe8, 0xa6};

static void test_f4(void **state)
{
    (void)state;
    static const uint8_t exp[16] = {0x2d, 0x87, 0x74, 0xa9, 0xbe, 0xa1, 0xed, 0xf1,
                                    0x1c, 0xbd, 0xa9, 0x07, 0xf1, 0x16, 0xc9, 0xf2};
    uint8_t out[16];
    assert_int_equal(ble_crypto_f4(u, v, x, 0, out), AKIRA_OK);
    assert_memory_equal(out, exp, 16);
}

static void test_f5(void **state)
{
    (void)state;
    static const uint8_t w[32] = {0x98, 0xa6, 0xbf, 0x73, 0xf3, 0x34, 0x8d, 0x86, 0xf1, 0x66, 0xf8,
                                  0xb4, 0x13, 0x6b, 0x79, 0x99, 0x9b, 0x7d, 0x39, 0x0a, 0xa6, 0x10,
                                  0x10, 0x34, 0x05, 0xad, 0xc8, 0x57, 0xa3, 0x34, 0x02, 0xec};
    static const uint8_t a1[7] = {0xce, 0xbf, 0x37, 0x37, 0x12, 0x56, 0x00};
    static const uint8_t a2[7] = {0xc1, 0xcf, 0x2d, 0x70, 0x13, 0xa7, 0x00};
    static const uint8_t ltk[16] = {0x38, 0x0a, 0x75, 0x94, 0xb5, 0x22, 0x05, 0x98,
                                    0x23, 0xcd, 0xd7, 0x69, 0x11, 0x79, 0x86, 0x69};
    static const uint8_t mackey[16] = {0x20, 0x6e, 0x63, 0xce, 0x20, 0x6a, 0x3f, 0xfd,
                                       0x02, 0x4a, 0x08, 0xa1, 0x76, 0xf1, 0x65, 0x29};
    uint8_t mk[16], lk[16];
    assert_int_equal(ble_crypto_f5(w, x, y, a1, a2, mk, lk), AKIRA_OK);
    assert_memory_equal(mk, mackey, 16);
    assert_memory_equal(lk, ltk, 16);
}

static void test_f6(void **state)
{
    (void)state;
    static const uint8_t w[16] = {0x20, 0x6e, 0x63, 0xce, 0x20, 0x6a, 0x3f, 0xfd,
                                  0x02, 0x4a, 0x08, 0xa1, 0x76, 0xf1, 0x65, 0x29};
    static const uint8_t r[16] = {0xc8, 0x0f, 0x2d, 0x0c, 0xd2, 0x42, 0xda, 0x08,
                                  0x54, 0xbb, 0x53, 0xb4, 0x3b, 0x34, 0xa3, 0x12};
    static const uint8_t io[3] = {0x02, 0x01, 0x01};
    static const uint8_t a1[7] = {0xce, 0xbf, 0x37, 0x37, 0x12, 0x56, 0x00};
    static const uint8_t a2[7] = {0xc1, 0xcf, 0x2d, 0x70, 0x13, 0xa7, 0x00};
    static const uint8_t exp[16] = {0x61, 0x8f, 0x95, 0xda, 0x09, 0x0b, 0x6c, 0xd2,
                                    0xc5, 0xe8, 0xd0, 0x9c, 0x98, 0x73, 0xc4, 0xe3};
    uint8_t out[16];
    assert_int_equal(ble_crypto_f6(w, x, y, r, io, a1, a2, out), AKIRA_OK);
    assert_memory_equal(out, exp, 16);
}

static void test_g2(void **state)
{
    (void)state;
    uint32_t val;
    assert_int_equal(ble_crypto_g2(u, v, x, y, &val), AKIRA_OK);
    assert_int_equal(val, 0x2f9ed5ba % 1000000);
}

static void test_ah(void **state)
{
    (void)state;
    static const uint8_t irk[16] = {0x9b, 0x7d, 0x39, 0x0a, 0xa6, 0x10, 0x10, 0x34,
                                    0x05, 0xad, 0xc8, 0x57, 0xa3, 0x34, 0x02, 0xec};
    static const uint8_t r[3] = {0x94, 0x81, 0x70};
    static const uint8_t exp[3] = {0xaa, 0xfb, 0x0d};
    uint8_t out[3];
    assert_int_equal(ble_crypto_ah(irk, r, out), AKIRA_OK);
    assert_memory_equal(out, exp, 3);
}

static void test_p256(void **state)
{
    (void)state;
    uint8_t pk[64];
    assert_int_equal(ble_crypto_p256_public(debug_sk, pk), AKIRA_OK);
    assert_memory_equal(pk, debug_pk, 64);
    uint8_t ska[32], pka[64], skb[32], pkb[64], d1[32], d2[32];
    assert_int_equal(ble_crypto_p256_keypair(ska, pka), AKIRA_OK);
    assert_int_equal(ble_crypto_p256_keypair(skb, pkb), AKIRA_OK);
    assert_int_equal(ble_crypto_p256_dhkey(ska, pkb, d1), AKIRA_OK);
    assert_int_equal(ble_crypto_p256_dhkey(skb, pka, d2), AKIRA_OK);
    assert_memory_equal(d1, d2, 32);
    pkb[40] ^= 1; /* off the curve */
    assert_int_equal(ble_crypto_p256_dhkey(ska, pkb, d1), AKIRA_EINVAL);
}

/* The shared key pair helper's other form (upstream's env ABI, crypto_p256_keygen): SEC1
 * uncompressed, big endian; the same keys as the SMP's little-endian ones. */
static void test_p256_sec1(void **state)
{
    (void)state;
    uint8_t sk[32], pk[65], again[65], sk_le[32], pk_le[64];
    assert_int_equal(akira_p256_keypair(AKIRA_P256_SEC1, sk, pk), AKIRA_OK);
    assert_int_equal(pk[0], 0x04);
    assert_int_equal(akira_p256_public(AKIRA_P256_SEC1, sk, again), AKIRA_OK);
    assert_memory_equal(pk, again, 65);
    for (size_t i = 0; i < 32; i++)
        sk_le[i] = sk[31 - i];
    assert_int_equal(ble_crypto_p256_public(sk_le, pk_le), AKIRA_OK);
    for (size_t i = 0; i < 32; i++) {
        assert_int_equal(pk_le[i], pk[32 - i]);      /* X */
        assert_int_equal(pk_le[32 + i], pk[64 - i]); /* Y */
    }
}

/* ---- pairing ---- */

static int setup_store(void **state)
{
    (void)state;
    fake_init(&E.link);
    env_setup_store();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    env_teardown();
    return 0;
}

static void up(uint8_t io0, uint8_t io1, bool mitm)
{
    env_hosts(io0, io1, mitm);
    env_db();
    fake_connect(&E.link);
    fake_pump(&E.link);
}

static int read_enc(uint16_t handle)
{
    uint8_t buf[32];
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_read(A, CONN, handle, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_true(r.done);
    return r.err;
}

static void test_just_works_and_bond(void **state)
{
    (void)state;
    up(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    assert_int_equal(read_enc(E.h_enc), AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN);
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    for (int s = 0; s < 2; s++) {
        assert_int_equal(E.side[s].pair_done, 1);
        assert_int_equal(E.side[s].pair_reason, 0);
        assert_true(E.side[s].bonded);
        assert_int_equal(E.side[s].sec_level, AKIRA_BLE_SEC_ENC);
    }
    assert_int_equal(read_enc(E.h_enc), 0);
    /* just works is not authenticated */
    assert_int_equal(read_enc(E.h_auth), AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN);
    akira_ble_bond_t b[2];
    assert_int_equal(akira_ble_bonds(A, b, 2), 1);
    assert_memory_equal(b[0].addr.a, E.link.addr[1].a, 6);
    assert_true(b[0].has_irk);
    akira_ble_bond_t pb;
    assert_int_equal(akira_ble_bonds(B, &pb, 1), 1);
    assert_memory_equal(pb.ltk, b[0].ltk, 16);
    assert_false(pb.authenticated);

    /* reboot both: the bonds come back from settings and encrypt without pairing */
    fake_disconnect(&E.link, AKIRA_BLE_REASON_CONN_TIMEOUT);
    akira_ble_host_destroy(A);
    akira_ble_host_destroy(B);
    up(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    assert_int_equal(akira_ble_bonds(A, NULL, 0), 1);
    /* the server knows a key for this client: "encrypt", not "pair" */
    assert_int_equal(read_enc(E.h_enc), AKIRA_BLE_ATT_ERR_INSUFF_ENC);
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].pair_done, 0); /* no pairing: the stored LTK was used */
    assert_int_equal(E.side[0].sec_level, AKIRA_BLE_SEC_ENC);
    assert_int_equal(E.side[1].sec_level, AKIRA_BLE_SEC_ENC);
    assert_int_equal(read_enc(E.h_enc), 0);

    /* the peripheral forgets the bond: encryption fails, the central is told */
    fake_disconnect(&E.link, AKIRA_BLE_REASON_CONN_TIMEOUT);
    assert_int_equal(akira_ble_bond_forget(B, NULL), AKIRA_OK);
    assert_int_equal(akira_ble_bonds(B, NULL, 0), 0);
    akira_ble_host_destroy(B);
    E.link.host[1] = NULL;
    akira_ble_host_destroy(A);
    up(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    assert_int_equal(akira_ble_bonds(B, NULL, 0), 0); /* gone from settings too */
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].sec_err, AKIRA_EAUTH);
    assert_int_equal(E.side[0].sec_level, AKIRA_BLE_SEC_NONE);
    /* forgetting the stale bond lets the central pair again */
    assert_int_equal(akira_ble_bond_forget(A, &E.link.addr[1]), AKIRA_OK);
    assert_int_equal(akira_ble_bond_forget(A, &E.link.addr[1]), AKIRA_ENOENT);
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].pair_done, 1);
    assert_int_equal(E.side[0].pair_reason, 0);
    assert_int_equal(read_enc(E.h_enc), 0);
}

static void passkey_run(uint32_t delta)
{
    /* central: keyboard; peripheral: display */
    up(AKIRA_BLE_IO_KEYBOARD_ONLY, AKIRA_BLE_IO_DISPLAY_ONLY, true);
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    assert_true(E.side[0].entry_asked);
    uint32_t pk = E.side[1].displayed;
    assert_true(pk <= 999999);
    assert_int_equal(akira_ble_smp_passkey_reply(B, E.link.conn[1], pk), AKIRA_ESTATE);
    assert_int_equal(akira_ble_smp_passkey_reply(A, CONN, (pk + delta) % 1000000), AKIRA_OK);
    fake_pump(&E.link);
}

static void test_passkey_right(void **state)
{
    (void)state;
    passkey_run(0);
    for (int s = 0; s < 2; s++) {
        assert_int_equal(E.side[s].pair_done, 1);
        assert_int_equal(E.side[s].pair_reason, 0);
        assert_int_equal(E.side[s].sec_level, AKIRA_BLE_SEC_AUTHEN);
    }
    assert_int_equal(read_enc(E.h_auth), 0);
    akira_ble_bond_t b;
    assert_int_equal(akira_ble_bonds(B, &b, 1), 1);
    assert_true(b.authenticated);
}

static void test_passkey_wrong(void **state)
{
    (void)state;
    passkey_run(1); /* differs in bit 0: the first round already fails */
    /* the responder itself found the central's commitment wrong and said so */
    const struct fake_pdu *f = fake_last(&E.link, 1, AKIRA_BLE_CID_SMP);
    assert_non_null(f);
    assert_int_equal(f->len, 2);
    assert_int_equal(f->data[0], 0x05);
    assert_int_equal(f->data[1], AKIRA_BLE_SMP_ERR_CONFIRM_FAILED);
    for (int s = 0; s < 2; s++) {
        assert_int_equal(E.side[s].pair_done, 1);
        assert_int_equal(E.side[s].pair_reason, AKIRA_BLE_SMP_ERR_CONFIRM_FAILED);
        assert_int_equal(E.side[s].sec_changes, 0);
    }
    assert_int_equal(akira_ble_bonds(A, NULL, 0), 0);
    assert_int_equal(read_enc(E.h_enc), AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN);
}

static void test_passkey_wrong_late(void **state)
{
    (void)state;
    passkey_run(1u << 19); /* differs in the last bit only: round 20 fails */
    assert_int_equal(E.side[0].pair_reason, AKIRA_BLE_SMP_ERR_CONFIRM_FAILED);
    assert_int_equal(E.side[1].pair_reason, AKIRA_BLE_SMP_ERR_CONFIRM_FAILED);
    assert_int_equal(E.side[1].sec_changes, 0);
}

static void test_numeric_comparison(void **state)
{
    (void)state;
    up(AKIRA_BLE_IO_DISPLAY_YESNO, AKIRA_BLE_IO_DISPLAY_YESNO, true);
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    assert_true(E.side[0].compared);
    assert_int_equal(E.side[0].compared, E.side[1].compared);
    assert_int_equal(akira_ble_smp_confirm_reply(B, E.link.conn[1], true), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[1].pair_done, 0); /* waits for the central's user */
    assert_int_equal(akira_ble_smp_confirm_reply(A, CONN, true), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].pair_reason, 0);
    assert_int_equal(E.side[1].pair_reason, 0);
    assert_int_equal(E.side[0].sec_level, AKIRA_BLE_SEC_AUTHEN);
}

static void test_security_request(void **state)
{
    (void)state;
    up(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    assert_int_equal(akira_ble_smp_start(B, E.link.conn[1]), AKIRA_OK); /* Security Request */
    fake_pump(&E.link);
    assert_int_equal(E.side[0].pair_done, 1);
    assert_int_equal(E.side[1].sec_level, AKIRA_BLE_SEC_ENC);
}

/* Inject an SMP PDU into the peripheral; expect Pairing Failed with reason. */
static void expect_failed(const uint8_t *p, size_t n, uint8_t reason)
{
    fake_clear(&E.link);
    fake_inject(&E.link, 1, AKIRA_BLE_CID_SMP, p, n);
    const struct fake_pdu *r = fake_last(&E.link, 1, AKIRA_BLE_CID_SMP);
    assert_non_null(r);
    assert_int_equal(r->len, 2);
    assert_int_equal(r->data[0], 0x05);
    assert_int_equal(r->data[1], reason);
}

static void test_malformed_smp(void **state)
{
    (void)state;
    up(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    E.link.mute[0] = true; /* the central host does not hear the peripheral's answers */
    const uint8_t short_req[] = {0x01, 0x03, 0x00, 0x09, 0x10};
    expect_failed(short_req, sizeof short_req, AKIRA_BLE_SMP_ERR_INVALID_PARAMS);
    const uint8_t legacy[] = {0x01, 0x03, 0x00, 0x01, 0x10, 0x00, 0x00};
    expect_failed(legacy, 7, AKIRA_BLE_SMP_ERR_AUTH_REQUIREMENTS);
    const uint8_t small_key[] = {0x01, 0x03, 0x00, 0x09, 0x06, 0x00, 0x00};
    expect_failed(small_key, 7, AKIRA_BLE_SMP_ERR_ENC_KEY_SIZE);
    const uint8_t bad_io[] = {0x01, 0x07, 0x00, 0x09, 0x10, 0x00, 0x00};
    expect_failed(bad_io, 7, AKIRA_BLE_SMP_ERR_INVALID_PARAMS);
    const uint8_t unknown[] = {0x2f, 0x00};
    expect_failed(unknown, 2, AKIRA_BLE_SMP_ERR_CMD_NOT_SUPP);
    const uint8_t early_random[17] = {0x04};
    expect_failed(early_random, 17, AKIRA_BLE_SMP_ERR_UNSPECIFIED);
    const uint8_t legacy_key[17] = {0x06};
    expect_failed(legacy_key, 17, AKIRA_BLE_SMP_ERR_UNSPECIFIED);
    const uint8_t sec_req[2] = {0x0b, 0x09};
    expect_failed(sec_req, 2, AKIRA_BLE_SMP_ERR_CMD_NOT_SUPP); /* only a central takes it */

    /* a good request, then a public key off the curve */
    const uint8_t good[] = {0x01, 0x03, 0x00, 0x09, 0x10, 0x00, 0x00};
    fake_clear(&E.link);
    fake_inject(&E.link, 1, AKIRA_BLE_CID_SMP, good, 7);
    const struct fake_pdu *r = fake_last(&E.link, 1, AKIRA_BLE_CID_SMP);
    assert_non_null(r);
    assert_int_equal(r->data[0], 0x02);
    uint8_t pk[65] = {0x0c};
    memcpy(pk + 1, debug_pk, 64);
    pk[1] ^= 0x55;
    expect_failed(pk, 65, AKIRA_BLE_SMP_ERR_DHKEY_CHECK_FAILED);
    /* a public key of the wrong length in the right state */
    fake_inject(&E.link, 1, AKIRA_BLE_CID_SMP, good, 7);
    expect_failed(pk, 40, AKIRA_BLE_SMP_ERR_INVALID_PARAMS);
    /* a PDU longer than any SMP command */
    uint8_t huge[80] = {0x0c};
    expect_failed(huge, sizeof huge, AKIRA_BLE_SMP_ERR_INVALID_PARAMS);
    akira_ble_host_stats_t st;
    akira_ble_host_stats(B, &st);
    assert_true(st.smp_failed >= 11);
    /* after all that, a real pairing still works */
    E.link.mute[0] = false;
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].pair_reason, 0);
    assert_int_equal(E.side[1].sec_level, AKIRA_BLE_SEC_ENC);
}

static void test_smp_timeout(void **state)
{
    (void)state;
    up(AKIRA_BLE_IO_KEYBOARD_ONLY, AKIRA_BLE_IO_DISPLAY_ONLY, true);
    assert_int_equal(akira_ble_smp_start(A, CONN), AKIRA_OK);
    fake_pump(&E.link);
    /* nobody types the passkey (the pump's polls armed the timer at time 0) */
    akira_ble_host_poll(A, 29999);
    assert_int_equal(E.side[0].pair_done, 0);
    akira_ble_host_poll(A, 30000);
    assert_int_equal(E.side[0].pair_done, 1);
    assert_int_equal(E.side[0].pair_reason, AKIRA_BLE_SMP_ERR_UNSPECIFIED);
    assert_int_equal(akira_ble_smp_passkey_reply(A, CONN, 1), AKIRA_ESTATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f4),
        cmocka_unit_test(test_f5),
        cmocka_unit_test(test_f6),
        cmocka_unit_test(test_g2),
        cmocka_unit_test(test_ah),
        cmocka_unit_test(test_p256),
        cmocka_unit_test(test_p256_sec1),
        cmocka_unit_test_setup_teardown(test_just_works_and_bond, setup_store, teardown),
        cmocka_unit_test_setup_teardown(test_passkey_right, setup_store, teardown),
        cmocka_unit_test_setup_teardown(test_passkey_wrong, setup_store, teardown),
        cmocka_unit_test_setup_teardown(test_passkey_wrong_late, setup_store, teardown),
        cmocka_unit_test_setup_teardown(test_numeric_comparison, setup_store, teardown),
        cmocka_unit_test_setup_teardown(test_security_request, setup_store, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_smp, setup_store, teardown),
        cmocka_unit_test_setup_teardown(test_smp_timeout, setup_store, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

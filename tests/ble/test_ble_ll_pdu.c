/* BLE link-layer PDU formats and link encryption (connectivity/ble/ll_pdu.c, ll_crypto.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ll_pdu.h"

static void crc24_of_an_advertising_pdu(void **state)
{
    (void)state;
    /* ADV_IND from C0:00:00:00:00:01 with no data; the CRC tshark accepts as correct */
    const uint8_t pdu[] = {0x40, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0xC0};
    assert_int_equal(ll_crc24(LL_CRC_INIT_ADV, pdu, sizeof(pdu)), 0xBEF306);
    /* another init value gives another CRC; one flipped bit too */
    assert_int_not_equal(ll_crc24(0x123456, pdu, sizeof(pdu)), 0xBEF306);
    uint8_t bad[sizeof(pdu)];
    memcpy(bad, pdu, sizeof(pdu));
    bad[5] ^= 0x10;
    assert_int_not_equal(ll_crc24(LL_CRC_INIT_ADV, bad, sizeof(bad)), 0xBEF306);
}

static void adv_build_and_parse(void **state)
{
    (void)state;
    akira_ble_addr_t a = {1, {1, 2, 3, 4, 5, 0xC6}}, b = {0, {9, 8, 7, 6, 5, 4}};
    const uint8_t ad[] = {2, 0x01, 0x06, 4, 0x09, 'a', 'k', 'i'};
    uint8_t pdu[64];
    size_t n = ll_adv_build(pdu, LL_ADV_IND, &a, NULL, ad, sizeof(ad));
    assert_int_equal(n, 2 + 6 + sizeof(ad));
    assert_int_equal(pdu[0], 0x40); /* ADV_IND, TxAdd random */
    struct ll_adv_pdu p;
    assert_int_equal(ll_adv_parse(pdu, n, &p), 0);
    assert_int_equal(p.type, LL_ADV_IND);
    assert_memory_equal(p.a.a, a.a, 6);
    assert_int_equal(p.a.type, 1);
    assert_int_equal(p.data_len, sizeof(ad));
    size_t l;
    const uint8_t *name = akira_ble_ad_find(p.data, p.data_len, 0x09, &l);
    assert_non_null(name);
    assert_int_equal(l, 3);
    assert_memory_equal(name, "aki", 3);
    /* SCAN_REQ: two addresses, RxAdd from the second */
    n = ll_adv_build(pdu, LL_SCAN_REQ, &b, &a, NULL, 0);
    assert_int_equal(n, 14);
    assert_int_equal(pdu[0], 0x83);
    assert_int_equal(ll_adv_parse(pdu, n, &p), 0);
    assert_memory_equal(p.peer.a, a.a, 6);
    assert_int_equal(p.peer.type, 1);
}

static void adv_parse_refuses_malformed(void **state)
{
    (void)state;
    struct ll_adv_pdu p;
    uint8_t pdu[64] = {0x00, 0x06, 1, 2, 3, 4, 5, 6};
    assert_int_equal(ll_adv_parse(pdu, 1, &p), AKIRA_EFORMAT);
    pdu[1] = 7; /* length says 7, 6 bytes follow */
    assert_int_equal(ll_adv_parse(pdu, 8, &p), AKIRA_EFORMAT);
    pdu[1] = 5; /* ADV_IND shorter than its address */
    assert_int_equal(ll_adv_parse(pdu, 7, &p), AKIRA_EFORMAT);
    pdu[1] = 38; /* data longer than 31 */
    assert_int_equal(ll_adv_parse(pdu, 40, &p), AKIRA_EFORMAT);
    pdu[0] = LL_CONNECT_IND;
    pdu[1] = 33; /* CONNECT_IND is exactly 34 */
    assert_int_equal(ll_adv_parse(pdu, 35, &p), AKIRA_EFORMAT);
    pdu[0] = LL_SCAN_REQ;
    pdu[1] = 13;
    assert_int_equal(ll_adv_parse(pdu, 15, &p), AKIRA_EFORMAT);
    pdu[0] = 0x0F; /* reserved type */
    pdu[1] = 6;
    assert_int_equal(ll_adv_parse(pdu, 8, &p), AKIRA_EFORMAT);
    /* AD structures whose length runs past the data */
    const uint8_t bad_ad[] = {2, 0x01, 0x06, 9, 0x09, 'x'};
    assert_false(ll_ad_valid(bad_ad, sizeof(bad_ad)));
    size_t l;
    assert_null(akira_ble_ad_find(bad_ad, sizeof(bad_ad), 0x09, &l));
    const uint8_t padded[] = {2, 0x01, 0x06, 0, 0, 0};
    assert_true(ll_ad_valid(padded, sizeof(padded)));
}

static struct ll_conn_req good_req(void)
{
    struct ll_conn_req r = {.aa = 0x5B2D8BEF,
                            .crc_init = 0x1D5FD3,
                            .win_size = 4,
                            .win_offset = 8,
                            .interval = 40,
                            .latency = 0,
                            .timeout = 400,
                            .chm = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F},
                            .hop = 9,
                            .sca = 0};
    return r;
}

static void connect_ind_round_trip_and_validation(void **state)
{
    (void)state;
    struct ll_conn_req r = good_req(), back;
    uint8_t d[22];
    ll_conn_req_build(d, &r);
    assert_int_equal(d[0], 0xEF);
    assert_int_equal(d[10], 40);
    assert_int_equal(d[21], 9);
    ll_conn_req_parse(d, &back);
    assert_memory_equal(&back.chm, &r.chm, 5);
    assert_int_equal(back.aa, r.aa);
    assert_int_equal(back.crc_init, r.crc_init);
    assert_int_equal(back.timeout, 400);
    assert_true(ll_conn_req_valid(&back));
    struct ll_conn_req x;
    x = r, x.interval = 5;
    assert_false(ll_conn_req_valid(&x));
    x = r, x.interval = 3201;
    assert_false(ll_conn_req_valid(&x));
    x = r, x.hop = 4;
    assert_false(ll_conn_req_valid(&x));
    x = r, x.hop = 17;
    assert_false(ll_conn_req_valid(&x));
    x = r, memset(x.chm, 0, 5), x.chm[0] = 1; /* one channel */
    assert_false(ll_conn_req_valid(&x));
    x = r, x.chm[4] = 0x3F; /* channel 37 is not a data channel */
    assert_false(ll_conn_req_valid(&x));
    x = r, x.timeout = 10; /* 100 ms <= 2 * 50 ms */
    assert_false(ll_conn_req_valid(&x));
    x = r, x.win_size = 0;
    assert_false(ll_conn_req_valid(&x));
    x = r, x.win_offset = 41;
    assert_false(ll_conn_req_valid(&x));
    x = r, x.aa = 0x8E89BED6;
    assert_false(ll_conn_req_valid(&x));
}

/* LL_CONNECTION_UPDATE_IND and LL_CHANNEL_MAP_IND as the peripheral checks them. */
static void instant_indications(void **state)
{
    (void)state;
    const struct ll_conn_req cur = {.aa = 0x5B2D8BEF,
                                    .interval = 40,
                                    .timeout = 400,
                                    .chm = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F},
                                    .hop = 7};
    struct ll_conn_req out;
    uint16_t instant;
    /* WinSize 2, WinOffset 3, Interval 24 (30 ms), Latency 0, Timeout 200, Instant 0x1234 */
    uint8_t upd[12] = {LL_CONNECTION_UPDATE_IND, 2, 3, 0, 24, 0, 0, 0, 200, 0, 0x34, 0x12};
    assert_int_equal(ll_ctrl_len(upd[0]), 11);
    assert_true(ll_instant_ind_parse(upd, &cur, &out, &instant));
    assert_int_equal(instant, 0x1234);
    assert_int_equal(out.interval, 24);
    assert_int_equal(out.timeout, 200);
    assert_int_equal(out.win_size, 2);
    assert_int_equal(out.win_offset, 3);
    assert_int_equal(out.hop, 7);
    assert_int_equal(out.aa, cur.aa);
    uint8_t bad[12];
    memcpy(bad, upd, 12), bad[4] = 5; /* interval under 7.5 ms */
    assert_false(ll_instant_ind_parse(bad, &cur, &out, &instant));
    memcpy(bad, upd, 12), bad[8] = 5; /* timeout 50 ms <= 2 x 30 ms */
    assert_false(ll_instant_ind_parse(bad, &cur, &out, &instant));
    memcpy(bad, upd, 12), bad[1] = 9; /* window of 9 x 1.25 ms */
    assert_false(ll_instant_ind_parse(bad, &cur, &out, &instant));
    memcpy(bad, upd, 12), bad[2] = 25; /* window offset past the interval */
    assert_false(ll_instant_ind_parse(bad, &cur, &out, &instant));
    memcpy(bad, upd, 12), bad[6] = 0xF4, bad[7] = 0x01; /* latency 500 */
    assert_false(ll_instant_ind_parse(bad, &cur, &out, &instant));

    uint8_t map[8] = {LL_CHANNEL_MAP_IND, 0x03, 0x0C, 0, 0, 0, 0xFF, 0xFF};
    assert_int_equal(ll_ctrl_len(map[0]), 7);
    assert_true(ll_instant_ind_parse(map, &cur, &out, &instant));
    assert_int_equal(instant, 0xFFFF);
    assert_memory_equal(out.chm, map + 1, 5);
    assert_int_equal(out.interval, cur.interval);
    uint8_t one[8] = {LL_CHANNEL_MAP_IND, 0x01, 0, 0, 0, 0, 0, 0}; /* one channel */
    assert_false(ll_instant_ind_parse(one, &cur, &out, &instant));
    uint8_t adv[8] = {LL_CHANNEL_MAP_IND, 0xFF, 0, 0, 0, 0x20, 0, 0}; /* channel 37 */
    assert_false(ll_instant_ind_parse(adv, &cur, &out, &instant));
    uint8_t term[2] = {LL_TERMINATE_IND, 0x13};
    assert_false(ll_instant_ind_parse(term, &cur, &out, &instant));

    /* instants: ahead up to 32766 events (across the wrap), passed from 32767 on */
    assert_false(ll_instant_passed(100, 108));
    assert_true(ll_instant_passed(100, 100)); /* the event it came in: too late */
    assert_false(ll_instant_passed(100, 101));
    assert_true(ll_instant_passed(100, 99));
    assert_false(ll_instant_passed(65530, 4));
    assert_true(ll_instant_passed(4, 65530));
    assert_false(ll_instant_passed(0, 32766));
    assert_true(ll_instant_passed(0, 32767));
}

static void access_address_rules(void **state)
{
    (void)state;
    assert_true(ll_aa_valid(0x5B2D8BEF));
    assert_false(ll_aa_valid(0x8E89BED6));         /* the advertising one */
    assert_false(ll_aa_valid(0x8E89BED6 ^ 0x100)); /* one bit from it */
    assert_false(ll_aa_valid(0x55555555));         /* all octets equal */
    assert_false(ll_aa_valid(0x5B2D807F));         /* seven ones in a row */
    assert_false(ll_aa_valid(0x032D8BEF));         /* top six bits 000000: no transition */
}

static void channel_selection_1(void **state)
{
    (void)state;
    uint8_t all[5] = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, used[37];
    uint8_t n = ll_chm_used(all, used), last = 0;
    assert_int_equal(n, 37);
    const uint8_t want[] = {7, 14, 21, 28, 35, 5, 12, 19};
    for (size_t i = 0; i < sizeof(want); i++)
        assert_int_equal(ll_chsel1(&last, 7, all, used, n), want[i]);
    /* channels 0..9 only: unmapped channels outside remap to used[unmapped % 10] */
    uint8_t ten[5] = {0xFF, 0x03, 0, 0, 0};
    n = ll_chm_used(ten, used);
    assert_int_equal(n, 10);
    last = 0;
    assert_int_equal(ll_chsel1(&last, 7, ten, used, n), 7);
    assert_int_equal(ll_chsel1(&last, 7, ten, used, n), 4); /* 14 -> 14 % 10 */
    assert_int_equal(ll_chsel1(&last, 7, ten, used, n), 1); /* 21 -> 1 */
    assert_int_equal(last, 21);
}

static void control_lengths(void **state)
{
    (void)state;
    assert_int_equal(ll_ctrl_len(LL_TERMINATE_IND), 1);
    assert_int_equal(ll_ctrl_len(LL_ENC_REQ), 22);
    assert_int_equal(ll_ctrl_len(LL_ENC_RSP), 12);
    assert_int_equal(ll_ctrl_len(LL_VERSION_IND), 5);
    assert_int_equal(ll_ctrl_len(LL_LENGTH_REQ), 8);
    assert_int_equal(ll_ctrl_len(0x7F), -1);
}

static void le_hex(uint8_t *out, const char *msb_first, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(msb_first + 2 * i, "%2x", &v);
        out[n - 1 - i] = (uint8_t)v;
    }
}

/* The specification's sample data (Vol 6 Part C, encryption sample data). */
static void session_key_and_ccm_sample_data(void **state)
{
    (void)state;
    uint8_t ltk[16], skdm[8], skds[8], sk[16], iv[8];
    le_hex(ltk, "4C68384139F574D836BCF34E9DFB01BF", 16);
    le_hex(skdm, "ACBDCEDFE0F10213", 8);
    le_hex(skds, "0213243546576879", 8);
    le_hex(iv, "BADCAB24", 4);
    le_hex(iv + 4, "DEAFBABE", 4);
    assert_int_equal(ll_session_key(ltk, skdm, skds, sk), 0);
    const uint8_t want_sk[16] = {0x66, 0xC6, 0xC2, 0x27, 0x8E, 0x3B, 0x8E, 0x05,
                                 0x3E, 0x7E, 0xA3, 0x26, 0x52, 0x1B, 0xAD, 0x99};
    assert_memory_equal(sk, want_sk, 16);
    /* LL_START_ENC_RSP, central to peripheral, packet counter 0: 0F 05 9F CD A7 F4 48 */
    uint8_t p[8] = {0x06};
    assert_int_equal(ll_ccm_encrypt(sk, iv, 0, 1, 0x0F, p, 1), 0);
    const uint8_t want[5] = {0x9F, 0xCD, 0xA7, 0xF4, 0x48};
    assert_memory_equal(p, want, 5);
    /* and back; SN/NESN/MD bits are not authenticated, the LLID is */
    assert_int_equal(ll_ccm_decrypt(sk, iv, 0, 1, 0x0F ^ 0x1C, p, 5), 0);
    assert_int_equal(p[0], 0x06);
    assert_int_equal(ll_ccm_encrypt(sk, iv, 0, 1, 0x0F, p, 1), 0);
    assert_int_equal(ll_ccm_decrypt(sk, iv, 0, 1, 0x0E, p, 5), AKIRA_EAUTH);
    assert_int_equal(ll_ccm_encrypt(sk, iv, 0, 1, 0x0F, p, 1), 0);
    /* another counter or direction fails the MIC: no replay, no reflection */
    assert_int_equal(ll_ccm_decrypt(sk, iv, 1, 1, 0x0F, p, 5), AKIRA_EAUTH);
    assert_int_equal(ll_ccm_encrypt(sk, iv, 0, 1, 0x0F, p, 1), 0);
    assert_int_equal(ll_ccm_decrypt(sk, iv, 0, 0, 0x0F, p, 5), AKIRA_EAUTH);
    assert_int_equal(ll_ccm_decrypt(sk, iv, 0, 0, 0x0F, p, 3), AKIRA_EAUTH);
}

static void addresses_print_and_parse(void **state)
{
    (void)state;
    akira_ble_addr_t a;
    assert_int_equal(akira_ble_addr_parse("C0:00:00:00:12:ab", &a), 0);
    assert_int_equal(a.a[0], 0xAB);
    assert_int_equal(a.a[1], 0x12);
    assert_int_equal(a.a[5], 0xC0);
    assert_int_equal(a.type, 1);
    char s[18];
    akira_ble_addr_format(&a, s);
    assert_string_equal(s, "C0:00:00:00:12:AB");
    assert_int_equal(akira_ble_addr_parse("C0:00:00:00:12", &a), AKIRA_EINVAL);
    assert_int_equal(akira_ble_addr_parse("C0-00:00:00:12:AB", &a), AKIRA_EINVAL);
    assert_int_equal(akira_ble_addr_parse("G0:00:00:00:12:AB", &a), AKIRA_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc24_of_an_advertising_pdu),
        cmocka_unit_test(adv_build_and_parse),
        cmocka_unit_test(adv_parse_refuses_malformed),
        cmocka_unit_test(connect_ind_round_trip_and_validation),
        cmocka_unit_test(instant_indications),
        cmocka_unit_test(access_address_rules),
        cmocka_unit_test(channel_selection_1),
        cmocka_unit_test(control_lengths),
        cmocka_unit_test(session_key_and_ccm_sample_data),
        cmocka_unit_test(addresses_print_and_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

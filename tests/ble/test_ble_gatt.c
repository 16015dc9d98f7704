/* BLE host: L2CAP, ATT and GATT between two hosts on a fake link; hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "akira/ble_host_ll.h"
#include "ble_test_env.h"

#define A    E.link.host[0]
#define B    E.link.host[1]
#define CONN E.link.conn[0]

static int setup(void **state)
{
    (void)state;
    fake_init(&E.link);
    env_hosts(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    env_db();
    fake_connect(&E.link);
    fake_pump(&E.link);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    env_teardown();
    return 0;
}

static void mtu(void)
{
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_exchange_mtu(A, CONN, env_done_cb, &r), AKIRA_OK);
    fake_pump(&E.link);
    assert_true(r.done);
    assert_int_equal(r.err, 0);
}

static void test_discovery(void **state)
{
    (void)state;
    assert_int_equal(E.side[0].connected, 1);
    assert_int_equal(E.side[1].connected, 1);
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_discover_services(A, CONN, NULL, env_item_cb, env_done_cb, &r),
                     AKIRA_OK);
    assert_int_equal(akira_ble_gattc_read(A, CONN, 1, NULL, 0, NULL, NULL), AKIRA_EBUSY);
    fake_pump(&E.link);
    assert_true(r.done);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.n_items, 2);
    akira_ble_uuid_t gap = AKIRA_BLE_UUID16(0x1800);
    assert_true(akira_ble_uuid_eq(&r.items[0].uuid, &gap));
    assert_int_equal(r.items[0].handle, 1);
    assert_int_equal(r.items[0].end, 3);
    assert_int_equal(r.items[1].uuid.len, 16);
    assert_int_equal(r.items[1].uuid.b[15], 0x10);
    uint16_t s = r.items[1].handle, e = r.items[1].end;
    assert_int_equal(e, E.h_auth);

    /* by UUID */
    struct result u = {0};
    akira_ble_uuid_t want = r.items[1].uuid;
    assert_int_equal(
        akira_ble_gattc_discover_services(A, CONN, &want, env_item_cb, env_done_cb, &u), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(u.err, 0);
    assert_int_equal(u.n_items, 1);
    assert_int_equal(u.items[0].handle, s);
    assert_int_equal(u.items[0].end, e);

    /* characteristics: declarations, properties and value handles */
    struct result c = {0};
    assert_int_equal(akira_ble_gattc_discover_chrs(A, CONN, s, e, env_item_cb, env_done_cb, &c),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(c.err, 0);
    assert_int_equal(c.n_items, 5);
    assert_int_equal(c.items[0].end, E.h_long);
    assert_int_equal(c.items[1].end, E.h_rw);
    assert_int_equal(c.items[2].end, E.h_notify);
    assert_int_equal(c.items[2].props,
                     AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_NOTIFY | AKIRA_BLE_CHR_INDICATE);
    assert_int_equal(c.items[3].uuid.len, 2);

    /* descriptors of the notify characteristic: its CCCD */
    struct result d = {0};
    assert_int_equal(akira_ble_gattc_discover_dscs(A, CONN, (uint16_t)(E.h_notify + 1),
                                                   (uint16_t)(E.h_notify + 1), env_item_cb,
                                                   env_done_cb, &d),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(d.n_items, 1);
    akira_ble_uuid_t cccd = AKIRA_BLE_UUID16(0x2902);
    assert_true(akira_ble_uuid_eq(&d.items[0].uuid, &cccd));
}

static void test_read_write(void **state)
{
    (void)state;
    uint8_t buf[400];
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_name, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.len, 10);
    assert_memory_equal(buf, "akira-test", 10);

    /* long read: 300 bytes at MTU 23 take Read + 14 Read Blob */
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_long, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.len, 300);
    for (int i = 0; i < 300; i++)
        assert_int_equal(buf[i], (uint8_t)i);
    /* a buffer shorter than the value stops the read there */
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_long, buf, 30, env_done_cb, &r), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.len, 30);

    /* write request, then read back */
    memset(&r, 0, sizeof r);
    assert_int_equal(
        akira_ble_gattc_write(A, CONN, E.h_rw, (const uint8_t *)"abc", 3, env_done_cb, &r),
        AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    assert_int_equal(E.rw_len, 3);
    assert_memory_equal(E.rw, "abc", 3);

    /* write command */
    assert_int_equal(akira_ble_gattc_write_cmd(A, CONN, E.h_rw, (const uint8_t *)"xy", 2),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_memory_equal(E.rw, "xy", 2);
    assert_int_equal(akira_ble_gattc_write_cmd(A, CONN, E.h_rw, buf, 21), AKIRA_ETOOBIG);

    /* long write: 100 bytes at MTU 23 through Prepare/Execute */
    uint8_t big[100];
    for (int i = 0; i < 100; i++)
        big[i] = (uint8_t)(200 - i);
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_write(A, CONN, E.h_rw, big, sizeof big, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    assert_int_equal(E.rw_len, 100);
    assert_memory_equal(E.rw, big, 100);

    /* a refused write comes back as the ATT error */
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_write(A, CONN, E.h_name, big, 2, env_done_cb, &r), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, AKIRA_BLE_ATT_ERR_WRITE_NOT_PERMIT);
    /* a long write refused: the server's queue is cancelled */
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_write(A, CONN, E.h_long, big, sizeof big, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, AKIRA_BLE_ATT_ERR_WRITE_NOT_PERMIT);
    assert_memory_equal(E.rw, big, 100);

    /* descriptor read */
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_dsc, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.len, 8);
    assert_memory_equal(buf, "rw value", 8);
}

static void test_mtu(void **state)
{
    (void)state;
    uint16_t m0, m1;
    mtu();
    assert_int_equal(akira_ble_host_conn_info(A, CONN, NULL, NULL, &m0, NULL), AKIRA_OK);
    assert_int_equal(akira_ble_host_conn_info(B, E.link.conn[1], NULL, NULL, &m1, NULL), AKIRA_OK);
    assert_int_equal(m0, AKIRA_BLE_ATT_MTU_MAX);
    assert_int_equal(m1, AKIRA_BLE_ATT_MTU_MAX);
    /* the long read now takes two round trips: 246 + 54 */
    uint8_t buf[400];
    struct result r = {0};
    fake_clear(&E.link);
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_long, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.len, 300);
    assert_int_equal(E.link.n_sent[0], 2);
    assert_int_equal(akira_ble_host_conn_info(A, 0x7777, NULL, NULL, NULL, NULL), AKIRA_ENOTCONN);
}

static void test_notify_indicate(void **state)
{
    (void)state;
    const uint8_t v[3] = {1, 2, 3};
    assert_int_equal(akira_ble_gatts_notify(B, E.link.conn[1], E.h_notify, v, 3), AKIRA_ESTATE);
    assert_int_equal(akira_ble_gatts_notify(B, E.link.conn[1], E.h_rw, v, 3), AKIRA_ENOENT);
    struct result r = {0};
    assert_int_equal(
        akira_ble_gattc_subscribe(A, CONN, (uint16_t)(E.h_notify + 1), 3, env_done_cb, &r),
        AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    assert_int_equal(E.side[1].subs, 1);
    assert_int_equal(akira_ble_gatts_subscription(B, E.link.conn[1], E.h_notify), 3);
    assert_int_equal(akira_ble_gatts_notify(B, AKIRA_BLE_CONN_ALL, E.h_notify, v, 3), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].notifies, 1);
    assert_int_equal(E.side[0].notify_handle, E.h_notify);
    assert_int_equal(E.side[0].notify_len, 3);
    assert_false(E.side[0].notify_ind);
    /* notifications are cut to MTU-3 */
    uint8_t big[100] = {0};
    assert_int_equal(akira_ble_gatts_notify(B, E.link.conn[1], E.h_notify, big, 100), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].notify_len, 20);
    /* indication: one at a time, confirmed */
    assert_int_equal(akira_ble_gatts_indicate(B, E.link.conn[1], E.h_notify, v, 3), AKIRA_OK);
    assert_int_equal(akira_ble_gatts_indicate(B, E.link.conn[1], E.h_notify, v, 3), AKIRA_EBUSY);
    fake_pump(&E.link);
    assert_true(E.side[0].notify_ind);
    assert_int_equal(E.side[1].ind_done, 1);
    assert_int_equal(E.side[1].ind_err, AKIRA_OK);
    assert_int_equal(akira_ble_gatts_indicate(B, E.link.conn[1], E.h_notify, v, 3), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[1].ind_done, 2);
    /* a CCCD value the characteristic cannot do is refused */
    memset(&r, 0, sizeof r);
    assert_int_equal(
        akira_ble_gattc_subscribe(A, CONN, (uint16_t)(E.h_notify + 1), 4, env_done_cb, &r),
        AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, AKIRA_BLE_ATT_ERR_VALUE_NOT_ALLOWED);
}

/* Inject one ATT PDU into side 1 and check the Error Response it gets. */
static void expect_error(const uint8_t *req, size_t n, uint16_t handle, uint8_t code)
{
    fake_clear(&E.link);
    fake_inject(&E.link, 1, AKIRA_BLE_CID_ATT, req, n);
    const struct fake_pdu *p = fake_last(&E.link, 1, AKIRA_BLE_CID_ATT);
    assert_non_null(p);
    assert_int_equal(p->len, 5);
    assert_int_equal(p->data[0], 0x01);
    assert_int_equal(p->data[1], req[0]);
    assert_int_equal(p->data[2] | (p->data[3] << 8), handle);
    assert_int_equal(p->data[4], code);
}

static void expect_silence(const uint8_t *req, size_t n)
{
    fake_clear(&E.link);
    fake_inject(&E.link, 1, AKIRA_BLE_CID_ATT, req, n);
    assert_null(fake_last(&E.link, 1, AKIRA_BLE_CID_ATT));
}

static void test_hostile_att(void **state)
{
    (void)state;
    const uint8_t rd0[] = {0x0a, 0x00, 0x00};
    expect_error(rd0, 3, 0, AKIRA_BLE_ATT_ERR_INVALID_HANDLE);
    const uint8_t rdff[] = {0x0a, 0xff, 0xff};
    expect_error(rdff, 3, 0xffff, AKIRA_BLE_ATT_ERR_INVALID_HANDLE);
    const uint8_t rdshort[] = {0x0a, 0x01};
    expect_error(rdshort, 2, 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
    const uint8_t rdlong[] = {0x0a, 0x01, 0x00, 0x00};
    expect_error(rdlong, 4, 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
    const uint8_t fi_rev[] = {0x04, 0x05, 0x00, 0x01, 0x00};
    expect_error(fi_rev, 5, 5, AKIRA_BLE_ATT_ERR_INVALID_HANDLE);
    const uint8_t fi_zero[] = {0x04, 0x00, 0x00, 0xff, 0xff};
    expect_error(fi_zero, 5, 0, AKIRA_BLE_ATT_ERR_INVALID_HANDLE);
    const uint8_t fi_none[] = {0x04, 0x00, 0x10, 0xff, 0xff};
    expect_error(fi_none, 5, 0x1000, AKIRA_BLE_ATT_ERR_ATTR_NOT_FOUND);
    const uint8_t grp_bad[] = {0x10, 0x01, 0x00, 0xff, 0xff, 0x03, 0x28};
    expect_error(grp_bad, 7, 1, AKIRA_BLE_ATT_ERR_UNSUPP_GROUP_TYPE);
    const uint8_t type_len[] = {0x08, 0x01, 0x00, 0xff, 0xff, 0x03};
    expect_error(type_len, 6, 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
    const uint8_t unknown_req[] = {0x24, 0x00};
    expect_error(unknown_req, 2, 0, AKIRA_BLE_ATT_ERR_REQ_NOT_SUPPORTED);
    const uint8_t unknown_cmd[] = {0x7e, 0x00};
    expect_silence(unknown_cmd, 2);
    const uint8_t signed_cmd[] = {0xd2, 0x05, 0x00, 1, 2, 3};
    expect_silence(signed_cmd, sizeof signed_cmd);
    const uint8_t stray_rsp[] = {0x0b, 0x01};
    expect_silence(stray_rsp, 2);

    uint8_t w[8] = {0x12};
    w[1] = (uint8_t)E.h_name;
    expect_error(w, 4, E.h_name, AKIRA_BLE_ATT_ERR_WRITE_NOT_PERMIT);
    w[1] = 0x01; /* the service declaration */
    expect_error(w, 4, 1, AKIRA_BLE_ATT_ERR_WRITE_NOT_PERMIT);
    uint8_t cccd3[] = {0x12, (uint8_t)(E.h_notify + 1), 0, 1, 0, 0};
    expect_error(cccd3, sizeof cccd3, E.h_notify + 1, AKIRA_BLE_ATT_ERR_INVALID_ATTR_LEN);
    uint8_t enc[] = {0x0a, (uint8_t)E.h_enc, 0};
    expect_error(enc, 3, E.h_enc, AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN);
    uint8_t blob[] = {0x0c, (uint8_t)E.h_name, 0, 11, 0};
    expect_error(blob, 5, E.h_name, AKIRA_BLE_ATT_ERR_INVALID_OFFSET);
    uint8_t exec_bad[] = {0x18, 0x02};
    expect_error(exec_bad, 2, 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
    uint8_t mult_odd[] = {0x0e, 0x01, 0x00, 0x02};
    expect_error(mult_odd, 4, 0, AKIRA_BLE_ATT_ERR_INVALID_PDU);
    uint8_t mult_bad[] = {0x0e, 0x01, 0x00, 0x99, 0x00};
    expect_error(mult_bad, 5, 0x99, AKIRA_BLE_ATT_ERR_INVALID_HANDLE);
    /* a Read By Type whose first match is unreadable answers that match's error */
    uint8_t rbt[] = {0x08, (uint8_t)E.h_enc, 0, 0xff, 0xff, 0x38, 0x2a};
    expect_error(rbt, 7, E.h_enc, AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN);

    /* Prepare Write queue: bounded */
    uint8_t prep[22] = {0x16, (uint8_t)E.h_rw, 0};
    int full = 0;
    for (int i = 0; i < 40 && !full; i++) {
        prep[3] = (uint8_t)(i * 17);
        fake_clear(&E.link);
        fake_inject(&E.link, 1, AKIRA_BLE_CID_ATT, prep, sizeof prep);
        const struct fake_pdu *p = fake_last(&E.link, 1, AKIRA_BLE_CID_ATT);
        assert_non_null(p);
        if (p->data[0] == 0x01) {
            assert_int_equal(p->data[4], AKIRA_BLE_ATT_ERR_PREP_QUEUE_FULL);
            full = i;
        } else {
            assert_int_equal(p->data[0], 0x17);
            assert_memory_equal(p->data + 1, prep + 1, sizeof prep - 1);
        }
    }
    assert_int_equal(full, AKIRA_BLE_ATT_PREP_MAX / (6 + 17));
    uint8_t cancel[] = {0x18, 0x00};
    fake_inject(&E.link, 1, AKIRA_BLE_CID_ATT, cancel, 2);
    assert_int_equal(fake_last(&E.link, 1, AKIRA_BLE_CID_ATT)->data[0], 0x19);
    assert_memory_equal(E.rw, "hello", 5); /* cancelled: nothing written */

    akira_ble_host_stats_t st;
    akira_ble_host_stats(B, &st);
    assert_true(st.att_errors >= 20);
    /* and the server still answers a good request */
    uint8_t ok[] = {0x0a, (uint8_t)E.h_name, 0};
    fake_clear(&E.link);
    fake_inject(&E.link, 1, AKIRA_BLE_CID_ATT, ok, 3);
    assert_int_equal(fake_last(&E.link, 1, AKIRA_BLE_CID_ATT)->data[0], 0x0b);
}

static void test_l2cap_lies(void **state)
{
    (void)state;
    akira_ble_host_stats_t st0, st;
    akira_ble_host_stats(B, &st0);
    uint8_t req[] = {0x0a, (uint8_t)E.h_name, 0};
    /* Each lie is refused as it arrives (the counter moves at once, by one). */
    unsigned drops = st0.l2cap_dropped;
#define LIE(llid, bytes, n)                                                                        \
    do {                                                                                           \
        fake_inject_ll(&E.link, 1, llid, bytes, n);                                                \
        akira_ble_host_stats(B, &st);                                                              \
        assert_int_equal(st.l2cap_dropped, ++drops);                                               \
    } while (0)
    /* length says 1000: larger than any PDU we take; its continuation is an orphan */
    uint8_t big[] = {0xe8, 0x03, 0x04, 0x00, 0x0a, (uint8_t)E.h_name, 0};
    fake_clear(&E.link);
    LIE(AKIRA_BLE_LLID_START, big, sizeof big);
    uint8_t cont[20] = {0};
    LIE(AKIRA_BLE_LLID_CONT, cont, sizeof cont);
    /* length says 2, the fragment carries 3 */
    uint8_t over[] = {0x02, 0x00, 0x04, 0x00, 0x0a, (uint8_t)E.h_name, 0};
    LIE(AKIRA_BLE_LLID_START, over, sizeof over);
    /* length says 5, start carries 2 and a continuation 4 */
    uint8_t part[] = {0x05, 0x00, 0x04, 0x00, 0x0a, (uint8_t)E.h_name};
    fake_inject_ll(&E.link, 1, AKIRA_BLE_LLID_START, part, sizeof part);
    LIE(AKIRA_BLE_LLID_CONT, cont, 4);
    /* a continuation without a start; a start shorter than the header; a bad LLID */
    LIE(AKIRA_BLE_LLID_CONT, cont, 3);
    LIE(AKIRA_BLE_LLID_START, cont, 3);
    LIE(3, cont, 5);
    /* an unknown channel */
    fake_inject(&E.link, 1, 0x0040, req, 3);
    assert_null(fake_last(&E.link, 1, AKIRA_BLE_CID_ATT));
    akira_ble_host_stats(B, &st);
    assert_int_equal(st.l2cap_dropped - st0.l2cap_dropped, 8);
#undef LIE

    /* a PDU in three fragments, with an empty continuation between, is taken */
    uint8_t f1[] = {0x03, 0x00, 0x04, 0x00};
    uint8_t f2[] = {0x0a};
    uint8_t f3[] = {(uint8_t)E.h_name, 0};
    fake_inject_ll(&E.link, 1, AKIRA_BLE_LLID_START, f1, 4);
    fake_inject_ll(&E.link, 1, AKIRA_BLE_LLID_CONT, f2, 1);
    fake_inject_ll(&E.link, 1, AKIRA_BLE_LLID_CONT, f2, 0);
    fake_inject_ll(&E.link, 1, AKIRA_BLE_LLID_CONT, f3, 2);
    const struct fake_pdu *p = fake_last(&E.link, 1, AKIRA_BLE_CID_ATT);
    assert_non_null(p);
    assert_int_equal(p->data[0], 0x0b);

    /* an ATT PDU longer than the MTU in force (23) */
    uint8_t w[40] = {0x12, (uint8_t)E.h_rw, 0};
    fake_clear(&E.link);
    fake_inject(&E.link, 1, AKIRA_BLE_CID_ATT, w, sizeof w);
    p = fake_last(&E.link, 1, AKIRA_BLE_CID_ATT);
    assert_non_null(p);
    assert_int_equal(p->data[4], AKIRA_BLE_ATT_ERR_INVALID_PDU);
    assert_memory_equal(E.rw, "hello", 5);

    /* signaling: unknown command rejected, parameter update refused by the central */
    uint8_t sig[] = {0x20, 0x07, 0x00, 0x00};
    fake_clear(&E.link);
    fake_inject(&E.link, 1, AKIRA_BLE_CID_SIG, sig, 4);
    p = fake_last(&E.link, 1, AKIRA_BLE_CID_SIG);
    assert_non_null(p);
    assert_int_equal(p->data[0], 0x01);
    assert_int_equal(p->data[1], 0x07);
    uint8_t upd[] = {0x12, 0x09, 0x08, 0x00, 6, 0, 12, 0, 0, 0, 200, 0};
    fake_inject(&E.link, 0, AKIRA_BLE_CID_SIG, upd, sizeof upd);
    p = fake_last(&E.link, 0, AKIRA_BLE_CID_SIG);
    assert_non_null(p);
    assert_int_equal(p->data[0], 0x13);
    assert_int_equal(p->data[4], 0x01);
    uint8_t lie[] = {0x14, 0x02, 0x20, 0x00, 1, 2};
    fake_clear(&E.link);
    fake_inject(&E.link, 1, AKIRA_BLE_CID_SIG, lie, sizeof lie);
    p = fake_last(&E.link, 1, AKIRA_BLE_CID_SIG);
    assert_non_null(p);
    assert_int_equal(p->data[0], 0x01);
}

static void test_flow_control(void **state)
{
    (void)state;
    /* The link layer refuses fragments for a while: the host keeps them and retries. */
    E.link.eagain_left = 5;
    uint8_t buf[400];
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_long, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_true(r.done);
    assert_int_equal(r.len, 300);
    for (int i = 0; i < 300; i++)
        assert_int_equal(buf[i], (uint8_t)i);
}

static void test_timeout_and_disconnect(void **state)
{
    (void)state;
    /* A request nobody answers ends ATT on the link after 30 s. */
    uint8_t buf[8];
    struct result r = {0};
    E.link.connected = false; /* the request goes nowhere */
    E.link.connected = true;
    E.link.eagain_left = 1000000;
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_name, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    akira_ble_host_poll(A, 1000);
    assert_false(r.done);
    akira_ble_host_poll(A, 30999);
    assert_false(r.done);
    akira_ble_host_poll(A, 31000);
    assert_true(r.done);
    assert_int_equal(r.err, AKIRA_ETIMEDOUT);
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_name, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_ESTATE);
    E.link.eagain_left = 0;
    fake_pump(&E.link);
    /* disconnect ends a procedure in flight */
    struct result r2 = {0};
    E.link.eagain_left = 1000000;
    assert_int_equal(akira_ble_gattc_exchange_mtu(A, CONN, env_done_cb, &r2), AKIRA_ESTATE);
    E.link.eagain_left = 0;
    assert_int_equal(akira_ble_host_disconnect(A, CONN, AKIRA_BLE_REASON_REMOTE_USER), AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(E.side[0].disconnected, 1);
    assert_int_equal(E.side[1].disconnected, 1);
    assert_int_equal(E.side[1].last_disc_reason, AKIRA_BLE_REASON_REMOTE_USER);
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_name, buf, 8, env_done_cb, &r),
                     AKIRA_ENOTCONN);
}

static void test_gatts_table(void **state)
{
    (void)state;
    /* The attribute table is bounded: a service that does not fit is refused whole. */
    static akira_ble_gatt_chr_t many[40];
    for (int i = 0; i < 40; i++) {
        many[i].uuid = (akira_ble_uuid_t)AKIRA_BLE_UUID16(0x3000 + i);
        many[i].props = 0;
    }
    akira_ble_gatt_svc_t s = {.uuid = AKIRA_BLE_UUID16(0x1234), .chrs = many, .n_chrs = 40};
    s.n_chrs = 39;
    assert_int_equal(akira_ble_gatts_add(B, &s, NULL), AKIRA_OK); /* 16 + 79 = 95 */
    s.n_chrs = 1;
    assert_int_equal(akira_ble_gatts_add(B, &s, NULL), AKIRA_ENOSPC);
    akira_ble_gatt_chr_t bad = {.uuid = {3, {0}}, .props = 0};
    akira_ble_gatt_svc_t sb = {.uuid = AKIRA_BLE_UUID16(0x1235), .chrs = &bad, .n_chrs = 1};
    assert_int_equal(akira_ble_gatts_add(B, &sb, NULL), AKIRA_EINVAL);
    akira_ble_gatt_chr_t noread = {.uuid = AKIRA_BLE_UUID16(1), .props = AKIRA_BLE_CHR_READ};
    sb.chrs = &noread;
    assert_int_equal(akira_ble_gatts_add(B, &sb, NULL), AKIRA_EINVAL);
    size_t per;
    size_t total = akira_ble_host_ram_bytes(&per);
    assert_true(per > 0 && total > per * AKIRA_BLE_HOST_MAX_CONN);
}

static int rd_one(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    return akira_ble_gatt_read_bytes(u, 1, off, buf, cap);
}

/* The services side 0 discovers on side 1: their count, the start handles in starts. */
static size_t discover(uint16_t *starts, akira_ble_uuid_t *uuids)
{
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_discover_services(A, CONN, NULL, env_item_cb, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    for (size_t i = 0; i < r.n_items; i++) {
        starts[i] = r.items[i].handle;
        uuids[i] = r.items[i].uuid;
    }
    return r.n_items;
}

/* A service removed at run time (an app that stops): its handles become a hole that
 * discovery skips and reads refuse; others keep their handles; a later service that
 * fits takes the hole; its CCCD slot and subscriptions go. */
static void test_gatts_remove(void **state)
{
    (void)state;
    static uint8_t one = 0x42, two = 0x43;
    static const akira_ble_gatt_chr_t c1[] = {{.uuid = AKIRA_BLE_UUID16(0x2a6e),
                                               .props = AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_NOTIFY,
                                               .read = rd_one,
                                               .user = &one}};
    static const akira_ble_gatt_chr_t c2[] = {{.uuid = AKIRA_BLE_UUID16(0x2a6f),
                                               .props = AKIRA_BLE_CHR_READ,
                                               .read = rd_one,
                                               .user = &two}};
    static const akira_ble_gatt_svc_t s1 = {
        .uuid = AKIRA_BLE_UUID16(0x181a), .chrs = c1, .n_chrs = 1};
    static const akira_ble_gatt_svc_t s2 = {
        .uuid = AKIRA_BLE_UUID16(0x181b), .chrs = c2, .n_chrs = 1};
    static const akira_ble_gatt_svc_t s3 = {
        .uuid = AKIRA_BLE_UUID16(0x181c), .chrs = c2, .n_chrs = 1};
    uint16_t starts[16], vh1, vh2, vh3;
    akira_ble_uuid_t uuids[16];
    size_t before = discover(starts, uuids);
    assert_int_equal(akira_ble_gatts_add(B, &s1, &vh1), AKIRA_OK);
    assert_int_equal(akira_ble_gatts_add(B, &s2, &vh2), AKIRA_OK);
    assert_int_equal(discover(starts, uuids), before + 2);
    uint16_t s2_start = starts[before + 1];

    /* subscribe to s1's value, then remove s1 */
    struct result w = {0};
    assert_int_equal(akira_ble_gattc_subscribe(A, CONN, (uint16_t)(vh1 + 1), 1, env_done_cb, &w),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(w.err, 0);
    assert_int_equal(akira_ble_gatts_subscription(B, E.link.conn[1], vh1), 1);
    assert_int_equal(akira_ble_gatts_remove(B, &s1), AKIRA_OK);
    assert_int_equal(akira_ble_gatts_remove(B, &s1), AKIRA_ENOENT);
    assert_int_equal(akira_ble_gatts_notify(B, E.link.conn[1], vh1, &one, 1), AKIRA_ENOENT);
    assert_int_equal(akira_ble_gatts_subscription(B, E.link.conn[1], vh1), 0);
    assert_int_equal(discover(starts, uuids), before + 1);
    assert_int_equal(starts[before], s2_start); /* s2 did not move */
    akira_ble_uuid_t u181b = AKIRA_BLE_UUID16(0x181b);
    assert_true(akira_ble_uuid_eq(&uuids[before], &u181b));
    struct result r = {0};
    uint8_t buf[8];
    assert_int_equal(akira_ble_gattc_read(A, CONN, vh1, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, AKIRA_BLE_ATT_ERR_INVALID_HANDLE);
    struct result fi = {0}; /* Find Information over the hole lists s2's handles only */
    assert_int_equal(akira_ble_gattc_discover_dscs(A, CONN, (uint16_t)(vh1 - 2), s2_start,
                                                   env_item_cb, env_done_cb, &fi),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(fi.err, 0);
    assert_int_equal(fi.n_items, 1);
    assert_int_equal(fi.items[0].handle, s2_start);

    /* s3 (3 handles) fits in s1's hole (4 handles) */
    assert_int_equal(akira_ble_gatts_add(B, &s3, &vh3), AKIRA_OK);
    assert_int_equal(vh3, vh1);
    memset(&r, 0, sizeof r);
    assert_int_equal(akira_ble_gattc_read(A, CONN, vh3, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.err, 0);
    assert_int_equal(buf[0], 0x43);
    /* removing the last service shrinks the table: s1 goes back at the end */
    assert_int_equal(akira_ble_gatts_remove(B, &s2), AKIRA_OK);
    assert_int_equal(akira_ble_gatts_remove(B, &s3), AKIRA_OK);
    assert_int_equal(discover(starts, uuids), before);
    assert_int_equal(akira_ble_gatts_add(B, &s1, &vh3), AKIRA_OK);
    assert_int_equal(vh3, vh1);
    assert_int_equal(akira_ble_gatts_subscription(B, E.link.conn[1], vh3), 0); /* a fresh CCCD */
}

/* Side 0 on the ble_ll.h binding (host_ll.c) instead of the lower ops. */
static int setup_ll(void **state)
{
    (void)state;
    fake_init(&E.link);
    env_hosts(AKIRA_BLE_IO_NONE, AKIRA_BLE_IO_NONE, false);
    env_db();
    akira_ble_host_destroy(E.link.host[0]);
    fake_use_ll(&E.link);
    akira_ble_host_cfg_t cfg = {.io_cap = AKIRA_BLE_IO_NONE};
    assert_int_equal(akira_ble_host_ll_start(&cfg, &E.link.host[0]), AKIRA_OK);
    assert_int_equal(akira_ble_host_ll_start(&cfg, &E.link.host[0]), AKIRA_EEXIST);
    fake_connect(&E.link);
    fake_pump(&E.link);
    return 0;
}

static int teardown_ll(void **state)
{
    (void)state;
    akira_ble_host_ll_stop();
    E.link.host[0] = NULL;
    env_teardown();
    return 0;
}

static void test_over_ble_ll(void **state)
{
    (void)state;
    mtu();
    uint8_t buf[400];
    struct result r = {0};
    assert_int_equal(akira_ble_gattc_read(A, CONN, E.h_long, buf, sizeof buf, env_done_cb, &r),
                     AKIRA_OK);
    fake_pump(&E.link);
    assert_int_equal(r.len, 300);
    assert_int_equal(buf[299], (uint8_t)299);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_discovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mtu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_indicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_att, setup, teardown),
        cmocka_unit_test_setup_teardown(test_l2cap_lies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flow_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_and_disconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gatts_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gatts_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_over_ble_ll, setup_ll, teardown_ll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

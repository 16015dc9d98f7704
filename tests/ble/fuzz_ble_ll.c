/*
 * libFuzzer target for the BLE link layer's PDU parsing (connectivity/ble/ll_pdu.c):
 * what a node does with an advertising-channel PDU or a data-channel control PDU that
 * came off the air with a good CRC. The first byte picks the path:
 *  - an advertising PDU: ll_adv_parse, then for CONNECT_IND the LLData
 *    (ll_conn_req_parse/valid and, when valid, channel selection #1 over a few hundred
 *    events), for the others the AD structures (ll_ad_valid, akira_ble_ad_find);
 *  - a control PDU: its length check (ll_ctrl_len), for connection update and channel
 *    map indications what ll_instant_ind_parse accepts (a connection whose channel
 *    selection only gives used channels), and, for ENC_REQ-sized input, a decryption
 *    attempt (which must fail its MIC on random data).
 * Checked: memory safety, every pointer returned inside the input, parse results
 * within their documented ranges, channel selection always a used data channel.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ll_pdu.h"

static void check(int cond)
{
    if (!cond) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    if ((mode & 1) == 0) {
        struct ll_adv_pdu p;
        if (ll_adv_parse(data, size, &p) != 0) return 0;
        check(size == (size_t)data[1] + 2);
        check(p.type <= LL_ADV_SCAN_IND);
        if (p.data) check(p.data >= data && p.data + p.data_len <= data + size);
        if (p.type == LL_CONNECT_IND) {
            struct ll_conn_req r;
            ll_conn_req_parse(p.data, &r);
            uint8_t back[22];
            ll_conn_req_build(back, &r);
            check(memcmp(back, p.data, 22) == 0);
            if (ll_conn_req_valid(&r)) {
                uint8_t used[37], last = 0, n = ll_chm_used(r.chm, used);
                check(n >= 2 && n <= 37);
                for (int e = 0; e < 300; e++) {
                    uint8_t ch = ll_chsel1(&last, r.hop, r.chm, used, n);
                    check(ch < 37 && (r.chm[ch / 8] & (1u << (ch % 8))));
                }
            }
        } else if (p.data) {
            bool ok = ll_ad_valid(p.data, p.data_len);
            size_t l = 0;
            const uint8_t *v = akira_ble_ad_find(p.data, p.data_len, 0x09, &l);
            if (v) check(v >= p.data && v + l <= p.data + p.data_len);
            (void)ok;
        }
    } else {
        if (size < 1) return 0;
        int want = ll_ctrl_len(data[0]);
        check(want >= -1 && want <= 22);
        if (want >= 0 && size == 1 + (size_t)want &&
            (data[0] == LL_CONNECTION_UPDATE_IND || data[0] == LL_CHANNEL_MAP_IND)) {
            /* what the peripheral accepts from an update must be a connection it can run */
            const struct ll_conn_req cur = {.aa = 0x5B2D8BEF,
                                            .interval = 40,
                                            .timeout = 400,
                                            .chm = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F},
                                            .hop = 7};
            struct ll_conn_req out;
            uint16_t instant = 0;
            if (ll_instant_ind_parse(data, &cur, &out, &instant)) {
                uint8_t used[37], last = 0;
                uint8_t n = ll_chm_used(out.chm, used);
                check(n >= 2 && out.interval >= 6 && out.interval <= 3200 && out.win_size >= 1);
                for (int e = 0; e < 64; e++) {
                    uint8_t ch = ll_chsel1(&last, out.hop, out.chm, used, n);
                    check(ch < 37 && (out.chm[ch / 8] & (1u << (ch % 8))));
                }
            }
            (void)ll_instant_passed((uint16_t)size, instant);
        }
        if (size >= 5 && size <= 27 + 4) {
            static const uint8_t sk[16] = {1}, iv[8] = {2};
            uint8_t buf[64];
            memcpy(buf, data, size);
            int rc = ll_ccm_decrypt(sk, iv, mode >> 1, mode & 2, 0x03, buf, size);
            check(rc == 0 || rc == AKIRA_EAUTH);
        }
    }
    return 0;
}

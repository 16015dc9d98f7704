/* BLE link-layer PDU formats (ll_pdu.h): pure functions. */
#include <stdio.h>
#include <string.h>

#include "ll_pdu.h"

uint32_t ll_crc24(uint32_t init, const uint8_t *pdu, size_t len)
{
    /* The LFSR of Vol 6 Part B §3.1.1 (x^24 + x^10 + x^9 + x^6 + x^4 + x^3 + x + 1)
     * preset with CRCInit, fed the PDU's bits in air order (LSB first). The register's
     * last position goes out first, so the value sent LSB first is its bit reversal. */
    uint32_t state = init & 0xFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = pdu[i];
        for (int j = 0; j < 8; j++, b >>= 1) {
            uint32_t in = ((state >> 23) ^ b) & 1u;
            state = (state << 1) & 0xFFFFFFu;
            if (in) state ^= 0x00065Bu;
        }
    }
    uint32_t out = 0;
    for (int i = 0; i < 24; i++)
        if (state & (1u << i)) out |= 1u << (23 - i);
    return out;
}

static void addr_get(akira_ble_addr_t *a, const uint8_t *p, uint8_t type)
{
    a->type = type;
    memcpy(a->a, p, 6);
}

int ll_adv_parse(const uint8_t *pdu, size_t len, struct ll_adv_pdu *out)
{
    if (!pdu || len < 2) return AKIRA_EFORMAT;
    memset(out, 0, sizeof(*out));
    uint8_t plen = pdu[1];
    if ((size_t)plen + 2 != len) return AKIRA_EFORMAT;
    out->type = pdu[0] & 0x0F;
    out->chsel = (pdu[0] >> 5) & 1;
    out->tx_add = (pdu[0] >> 6) & 1;
    out->rx_add = (pdu[0] >> 7) & 1;
    const uint8_t *p = pdu + 2;
    switch (out->type) {
    case LL_ADV_IND:
    case LL_ADV_NONCONN_IND:
    case LL_ADV_SCAN_IND:
    case LL_SCAN_RSP:
        if (plen < 6 || plen > 6 + LL_ADV_DATA_MAX) return AKIRA_EFORMAT;
        addr_get(&out->a, p, out->tx_add);
        out->data = p + 6;
        out->data_len = plen - 6u;
        return 0;
    case LL_ADV_DIRECT_IND:
        if (plen != 12) return AKIRA_EFORMAT;
        addr_get(&out->a, p, out->tx_add);
        addr_get(&out->peer, p + 6, out->rx_add);
        return 0;
    case LL_SCAN_REQ:
        if (plen != 12) return AKIRA_EFORMAT;
        addr_get(&out->a, p, out->tx_add);
        addr_get(&out->peer, p + 6, out->rx_add);
        return 0;
    case LL_CONNECT_IND:
        if (plen != LL_CONNECT_IND_LEN) return AKIRA_EFORMAT;
        addr_get(&out->a, p, out->tx_add);
        addr_get(&out->peer, p + 6, out->rx_add);
        out->data = p + 12;
        out->data_len = 22;
        return 0;
    default: return AKIRA_EFORMAT;
    }
}

size_t ll_adv_build(uint8_t *out, uint8_t type, const akira_ble_addr_t *a,
                    const akira_ble_addr_t *a2, const uint8_t *data, size_t len)
{
    size_t n = 2;
    out[0] = (uint8_t)(type | (a->type ? 0x40 : 0) | (a2 && a2->type ? 0x80 : 0));
    memcpy(out + n, a->a, 6);
    n += 6;
    if (a2) {
        memcpy(out + n, a2->a, 6);
        n += 6;
    }
    if (data && len) {
        memcpy(out + n, data, len);
        n += len;
    }
    out[1] = (uint8_t)(n - 2);
    return n;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void ll_conn_req_parse(const uint8_t d[22], struct ll_conn_req *r)
{
    r->aa = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
    r->crc_init = (uint32_t)d[4] | (uint32_t)d[5] << 8 | (uint32_t)d[6] << 16;
    r->win_size = d[7];
    r->win_offset = get16(d + 8);
    r->interval = get16(d + 10);
    r->latency = get16(d + 12);
    r->timeout = get16(d + 14);
    memcpy(r->chm, d + 16, 5);
    r->hop = d[21] & 0x1F;
    r->sca = d[21] >> 5;
}

void ll_conn_req_build(uint8_t d[22], const struct ll_conn_req *r)
{
    for (int i = 0; i < 4; i++)
        d[i] = (uint8_t)(r->aa >> (8 * i));
    for (int i = 0; i < 3; i++)
        d[4 + i] = (uint8_t)(r->crc_init >> (8 * i));
    d[7] = r->win_size;
    put16(d + 8, r->win_offset);
    put16(d + 10, r->interval);
    put16(d + 12, r->latency);
    put16(d + 14, r->timeout);
    memcpy(d + 16, r->chm, 5);
    d[21] = (uint8_t)((r->hop & 0x1F) | (r->sca << 5));
}

bool ll_aa_valid(uint32_t aa)
{
    if (aa == 0x8E89BED6u) return false;
    /* not differing from the advertising AA in only one bit */
    uint32_t x = aa ^ 0x8E89BED6u;
    if ((x & (x - 1)) == 0) return false;
    /* all four octets equal */
    if ((aa & 0xFF) == (aa >> 8 & 0xFF) && (aa & 0xFF) == (aa >> 16 & 0xFF) &&
        (aa & 0xFF) == (aa >> 24))
        return false;
    /* no more than six consecutive equal bits */
    int run = 1;
    for (int i = 1; i < 32; i++) {
        run = ((aa >> i) & 1) == ((aa >> (i - 1)) & 1) ? run + 1 : 1;
        if (run > 6) return false;
    }
    /* more than 24 transitions in all */
    int tr = 0;
    for (int i = 1; i < 32; i++)
        tr += ((aa >> i) & 1) != ((aa >> (i - 1)) & 1);
    if (tr > 24) return false;
    /* at least two transitions in the six most significant bits */
    int t6 = 0;
    for (int i = 27; i < 32; i++)
        t6 += ((aa >> i) & 1) != ((aa >> (i - 1)) & 1);
    return t6 >= 2;
}

uint8_t ll_chm_used(const uint8_t chm[5], uint8_t used[37])
{
    uint8_t n = 0;
    for (uint8_t c = 0; c < 37; c++)
        if (chm[c / 8] & (1u << (c % 8))) used[n++] = c;
    return n;
}

bool ll_conn_req_valid(const struct ll_conn_req *r)
{
    uint8_t used[37];
    if (r->interval < 6 || r->interval > 3200) return false;
    if (r->latency > 499) return false;
    if (r->timeout < 10 || r->timeout > 3200) return false;
    /* timeout (10 ms units) > (1 + latency) * interval (1.25 ms units) * 2 */
    if ((uint32_t)r->timeout * 8 <= (uint32_t)(1 + r->latency) * r->interval * 2) return false;
    if (r->hop < 5 || r->hop > 16) return false;
    if (r->chm[4] & 0xE0) return false; /* channels 37..39 are not data channels */
    if (ll_chm_used(r->chm, used) < 2) return false;
    if (r->win_size < 1 || r->win_size > 8 || r->win_size > r->interval - 1) return false;
    if (r->win_offset > r->interval) return false;
    return ll_aa_valid(r->aa);
}

bool ll_instant_ind_parse(const uint8_t *p, const struct ll_conn_req *cur, struct ll_conn_req *out,
                          uint16_t *instant)
{
    *out = *cur;
    out->win_size = 1;
    out->win_offset = 0;
    if (p[0] == LL_CONNECTION_UPDATE_IND) {
        out->win_size = p[1];
        out->win_offset = (uint16_t)(p[2] | p[3] << 8);
        out->interval = (uint16_t)(p[4] | p[5] << 8);
        out->latency = (uint16_t)(p[6] | p[7] << 8);
        out->timeout = (uint16_t)(p[8] | p[9] << 8);
        *instant = (uint16_t)(p[10] | p[11] << 8);
    } else if (p[0] == LL_CHANNEL_MAP_IND) {
        memcpy(out->chm, p + 1, 5);
        *instant = (uint16_t)(p[6] | p[7] << 8);
    } else {
        return false;
    }
    return ll_conn_req_valid(out);
}

bool ll_instant_passed(uint16_t counter, uint16_t instant)
{
    /* (instant - counter) mod 65536 is 0 (this event: too late to switch at its start)
     * or 32767 and more */
    return (uint16_t)(instant - counter - 1u) >= 32766u;
}

uint8_t ll_chsel1(uint8_t *last_unmapped, uint8_t hop, const uint8_t chm[5], const uint8_t *used,
                  uint8_t n_used)
{
    uint8_t un = (uint8_t)((*last_unmapped + hop) % 37);
    *last_unmapped = un;
    if (chm[un / 8] & (1u << (un % 8))) return un;
    return used[un % n_used];
}

int ll_ctrl_len(uint8_t op)
{
    switch (op) {
    case LL_CONNECTION_UPDATE_IND: return 11;
    case LL_CHANNEL_MAP_IND: return 7;
    case LL_TERMINATE_IND: return 1;
    case LL_ENC_REQ: return 22;
    case LL_ENC_RSP: return 12;
    case LL_START_ENC_REQ: return 0;
    case LL_START_ENC_RSP: return 0;
    case LL_UNKNOWN_RSP: return 1;
    case LL_FEATURE_REQ: return 8;
    case LL_FEATURE_RSP: return 8;
    case LL_PAUSE_ENC_REQ: return 0;
    case LL_PAUSE_ENC_RSP: return 0;
    case LL_VERSION_IND: return 5;
    case LL_REJECT_IND: return 1;
    case LL_PERIPHERAL_FEATURE_REQ: return 8;
    case LL_REJECT_EXT_IND: return 2;
    case LL_LENGTH_REQ: return 8;
    case LL_LENGTH_RSP: return 8;
    default: return -1;
    }
}

bool ll_ad_valid(const uint8_t *ad, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t l = ad[i];
        if (l == 0) return true; /* early termination: the rest is padding */
        if (i + 1 + l > n) return false;
        i += 1u + l;
    }
    return true;
}

const uint8_t *akira_ble_ad_find(const uint8_t *ad, size_t n, uint8_t type, size_t *len)
{
    size_t i = 0;
    while (i < n) {
        uint8_t l = ad[i];
        if (l == 0 || i + 1 + l > n) return NULL;
        if (ad[i + 1] == type) {
            *len = l - 1u;
            return ad + i + 2;
        }
        i += 1u + l;
    }
    return NULL;
}

void akira_ble_addr_format(const akira_ble_addr_t *a, char buf[18])
{
    snprintf(buf, 18, "%02X:%02X:%02X:%02X:%02X:%02X", a->a[5], a->a[4], a->a[3], a->a[2], a->a[1],
             a->a[0]);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

akira_err_t akira_ble_addr_parse(const char *s, akira_ble_addr_t *out)
{
    if (!s || strlen(s) != 17) return AKIRA_EINVAL;
    for (int i = 0; i < 6; i++) {
        int h = hexval(s[3 * i]), l = hexval(s[3 * i + 1]);
        if (h < 0 || l < 0 || (i < 5 && s[3 * i + 2] != ':')) return AKIRA_EINVAL;
        out->a[5 - i] = (uint8_t)(h << 4 | l);
    }
    out->type = (out->a[5] & 0xC0) == 0xC0 ? 1 : 0;
    return 0;
}

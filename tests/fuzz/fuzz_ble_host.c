/*
 * Fuzz target: the BLE host's PDU parsing. One host with a GATT database (plain,
 * encrypted, notifying and long values, HID over GATT) holds two links: one as the
 * peripheral (the fuzzer is a client, an SMP initiator), one as the central with a
 * discovery and a pairing in flight (the fuzzer answers as the server and responder).
 * The input is a list of LL fragments [selector][length][bytes], with encryption and
 * LTK events mixed in; the HID report map parser and decoder get the input too.
 * Checks: no crash, no sanitizer report, no leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "akira/ble_hogp.h"
#include "akira/hid_report.h"
#include "akira/mutex.h"
#include "akira/random.h"
#include "akira/settings.h"

/* The kernel services the host uses, for this single-threaded process. */
struct akira_mutex {
    int depth;
};
int akira_mutex_create(akira_mutex_t **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? 0 : -2;
}
void akira_mutex_destroy(akira_mutex_t *m)
{
    free(m);
}
int akira_mutex_lock(akira_mutex_t *m, int32_t timeout_ms)
{
    (void)timeout_ms;
    m->depth++;
    return 0;
}
int akira_mutex_unlock(akira_mutex_t *m)
{
    m->depth--;
    return 0;
}
static uint32_t rng = 1;
int akira_random_fill(void *buf, size_t len) /* deterministic: runs must replay */
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        rng = rng * 1103515245u + 12345u;
        p[i] = (uint8_t)(rng >> 16);
    }
    return 0;
}
/* No settings store is given to the host: these are never reached. */
int akira_settings_set(struct akira_settings *st, const char *k, const void *v, size_t n)
{
    (void)st, (void)k, (void)v, (void)n;
    abort();
}
int akira_settings_get(struct akira_settings *st, const char *k, void *b, size_t c)
{
    (void)st, (void)k, (void)b, (void)c;
    abort();
}
int akira_settings_delete(struct akira_settings *st, const char *k)
{
    (void)st, (void)k;
    abort();
}
int akira_settings_foreach(struct akira_settings *st, const char *p, akira_settings_visit_fn fn,
                           void *ctx)
{
    (void)st, (void)p, (void)fn, (void)ctx;
    abort();
}

static akira_err_t l_send(void *c, uint16_t conn, uint8_t llid, const uint8_t *d, size_t n)
{
    (void)c, (void)conn, (void)llid, (void)d;
    return n <= AKIRA_BLE_LL_DATA_MAX ? AKIRA_OK : AKIRA_ETOOBIG;
}
static akira_err_t l_enc(void *c, uint16_t conn, const uint8_t k[16], const uint8_t r[8],
                         uint16_t e)
{
    (void)c, (void)conn, (void)k, (void)r, (void)e;
    return AKIRA_OK;
}
static akira_err_t l_ltk(void *c, uint16_t conn, const uint8_t *k)
{
    (void)c, (void)conn, (void)k;
    return AKIRA_OK;
}
static akira_err_t l_disc(void *c, uint16_t conn, uint8_t r)
{
    (void)c, (void)conn, (void)r;
    return AKIRA_OK;
}

static uint8_t value[64];
static int rd(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)u, (void)conn;
    return akira_ble_gatt_read_bytes(value, sizeof value, off, buf, cap);
}
static int wr(void *u, uint16_t conn, uint16_t off, const uint8_t *d, size_t n)
{
    (void)u, (void)conn;
    if (off > sizeof value || n > sizeof value - off) return -AKIRA_BLE_ATT_ERR_INVALID_ATTR_LEN;
    memcpy(value + off, d, n);
    return 0;
}
static void item(void *u, uint16_t conn, const akira_ble_gattc_item_t *it)
{
    (void)u, (void)conn, (void)it;
}
static void done(void *u, uint16_t conn, int err, size_t len)
{
    (void)u, (void)conn, (void)err, (void)len;
}
static void usage(void *u, uint16_t page, uint16_t us, int32_t v)
{
    (void)u, (void)page, (void)us, (void)v;
}
static void host_usage(void *u, uint16_t conn, uint16_t page, uint16_t us, int32_t v)
{
    (void)u, (void)conn, (void)page, (void)us, (void)v;
}
static akira_hid_host_t *hid_host;
static void notif(void *u, uint16_t conn, uint16_t h, const uint8_t *d, size_t n, bool ind)
{
    (void)u, (void)ind;
    if (hid_host) akira_hid_host_notification(hid_host, conn, h, d, n);
}
static void passkey_entry(void *u, uint16_t conn);
static akira_ble_host_t *host;
static void passkey_entry(void *u, uint16_t conn)
{
    (void)u;
    akira_ble_smp_passkey_reply(host, conn, 123456);
}
static void compare(void *u, uint16_t conn, uint32_t v)
{
    (void)u;
    akira_ble_smp_confirm_reply(host, conn, v & 1);
}

static const akira_ble_gatt_dsc_t dscs[] = {
    {.uuid = AKIRA_BLE_UUID16(0x2901), .read = rd, .write = wr}};
static const akira_ble_gatt_chr_t chrs[] = {
    {.uuid = AKIRA_BLE_UUID16(0x2a00), .props = 0x0a, .read = rd, .write = wr},
    {.uuid = {16, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
     .props = 0x3e,
     .read = rd,
     .write = wr,
     .dscs = dscs,
     .n_dscs = 1},
    {.uuid = AKIRA_BLE_UUID16(0x2a38), .props = 0x02, .perm = AKIRA_BLE_PERM_READ_ENC, .read = rd},
};
static const akira_ble_gatt_svc_t svc = {
    .uuid = AKIRA_BLE_UUID16(0x1800), .chrs = chrs, .n_chrs = 3};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rng = 1;
    akira_ble_host_cfg_t cfg = {
        .lower = {l_send, l_enc, l_ltk, l_disc, NULL},
        .own_addr = {0, {1, 2, 3, 4, 5, 6}},
        .io_cap = size ? data[0] % 5 : 3,
        .mitm = size > 1 && (data[1] & 1),
        .bondable = true,
        .cb = {.notification = notif, .passkey_entry = passkey_entry, .numeric_compare = compare},
    };
    if (akira_ble_host_create(&cfg, &host) != AKIRA_OK) return 0;
    akira_ble_gatts_add(host, &svc, NULL);
    akira_hogp_cfg_t hcfg = {.kinds = 7, .battery = 50};
    akira_hogp_t *dev = NULL;
    akira_hogp_create(host, &hcfg, &dev);
    const akira_ble_addr_t peer = {1, {9, 8, 7, 6, 5, 0x44}};
    akira_ble_host_on_connected(host, 1, AKIRA_BLE_ROLE_PERIPHERAL, &peer);
    akira_ble_host_on_connected(host, 2, AKIRA_BLE_ROLE_CENTRAL, &peer);
    if (size > 2 && (data[2] & 1)) {
        akira_hid_host_cb_t hcb = {.usage = host_usage};
        akira_hid_host_start(host, 2, data[2] & 2, &hcb, &hid_host);
    } else {
        akira_ble_gattc_discover_services(host, 2, NULL, item, done, NULL);
    }
    akira_ble_smp_start(host, 2);
    static uint8_t rbuf[300];
    for (size_t at = 3; at + 2 <= size;) {
        uint8_t sel = data[at], n = data[at + 1];
        at += 2;
        if (n > size - at) n = (uint8_t)(size - at);
        uint16_t conn = (sel & 1) ? 2 : 1;
        switch ((sel >> 1) & 7) {
        case 0:
        case 1:
        case 2:
        case 3: akira_ble_host_on_acl(host, conn, (sel >> 1) & 3, data + at, n); break;
        case 4:
            akira_ble_host_on_encryption(host, conn, (sel & 0x10) ? AKIRA_EAUTH : AKIRA_OK);
            break;
        case 5: {
            static const uint8_t zero8[8];
            akira_ble_host_on_ltk_request(host, conn, zero8, 0);
            break;
        }
        case 6: akira_ble_host_poll(host, (uint64_t)sel * 1000); break;
        default:
            if (sel & 0x10)
                akira_ble_gattc_read(host, 2, (uint16_t)(n + 1), rbuf, sizeof rbuf, done, NULL);
            else
                akira_ble_gattc_write(host, 2, (uint16_t)(n + 1), data + at, n, done, NULL);
            break;
        }
        at += n;
    }
    akira_ble_host_on_disconnected(host, 1, 0x13);
    akira_ble_host_on_disconnected(host, 2, 0x13);
    akira_hid_host_destroy(hid_host);
    hid_host = NULL;
    akira_hogp_destroy(dev);
    akira_ble_host_destroy(host);
    host = NULL;

    /* The report map parser and decoder on the raw input. */
    akira_hid_map_t m;
    if (akira_hid_map_parse(&m, data, size) == AKIRA_OK && size > 1)
        akira_hid_report_decode(&m, data + size / 2, size - size / 2, usage, NULL);
    return 0;
}

/*
 * ble-peer (test app, tests/ble/compat_ble_e2e.py): the GATT client of the
 * upstream-style peripheral upgatt, written with our SDK ("ble" module). Scans until an
 * advertiser lists upgatt's 128-bit service UUID, connects, finds the service and its
 * characteristic, reads it, subscribes, writes "ping" and logs the notification that
 * comes back.
 */
#include <akira/akira.h>

/* 8a5e0001-2f3c-4d1e-9b7a-6c5d4e3f2a10, little endian as on air; the characteristic's
 * UUID differs in byte 12 (0x02). */
static const uint8_t svc_uuid[16] = {0x10, 0x2a, 0x3f, 0x4e, 0x5d, 0x6c, 0x7a, 0x9b,
                                     0x1e, 0x4d, 0x3c, 0x2f, 0x01, 0x00, 0x5e, 0x8a};
static uint8_t peer[7];
static int found, conn = -1, notes;

static int same(const uint8_t *a, const uint8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static void on_scan(const struct akira_ble_record *r)
{
    for (uint32_t i = 0; i + 1 < r->len && r->data[i];) {
        uint32_t l = r->data[i];
        if (i + 1 + l > r->len) break;
        if (l == 17 && r->data[i + 1] == 0x07 && same(r->data + i + 2, svc_uuid, 16) && !found) {
            for (int k = 0; k < 6; k++)
                peer[k] = r->addr[k];
            peer[6] = r->addr_type;
            found = 1;
            akira_printf("peer: found upgatt\n");
        }
        i += l + 1;
    }
}

static void client(void)
{
    akira_ble_scan_stop();
    conn = akira_ble_connect(peer, 10000);
    if (conn < 0) {
        akira_printf("peer: connect error %d\n", conn);
        return;
    }
    static struct akira_ble_item svcs[16], chrs[8];
    int32_t n = akira_ble_discover(conn, AKIRA_BLE_DISC_SERVICES, 1, 0xFFFF, svcs, 16);
    for (int s = 0; s < n; s++) {
        if (svcs[s].uuid_len != 16 || !same(svcs[s].uuid, svc_uuid, 16)) continue;
        int32_t nc = akira_ble_discover(conn, AKIRA_BLE_DISC_CHARACTERISTICS, svcs[s].handle,
                                        svcs[s].end, chrs, 8);
        akira_printf("peer: service 0x%04x, %d characteristic(s), props 0x%02x\n",
                     (unsigned)svcs[s].handle, (int)nc, nc > 0 ? chrs[0].props : 0);
        if (nc < 1 || chrs[0].uuid[12] != 0x02) return;
        uint16_t vh = chrs[0].end;
        uint8_t v[24] = {0};
        int32_t got = akira_ble_read(conn, vh, v, sizeof v - 1);
        akira_printf("peer: read %d '%s'\n", (int)got, (const char *)v);
        akira_printf("peer: subscribe %d\n", (int)akira_ble_subscribe(conn, vh + 1, 1));
        akira_printf("peer: write %d\n", (int)akira_ble_write(conn, vh, "ping", 4));
        return;
    }
    akira_printf("peer: no upgatt service among %d\n", (int)n);
}

__attribute__((export_name("main"))) int app_main(void)
{
    akira_printf("peer: scanning %d\n", (int)akira_ble_scan_start(0));
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type != AKIRA_EVENT_BLE) return;
    static struct akira_ble_record r;
    while (akira_ble_next(&r, sizeof r) > 0) {
        if (r.kind == AKIRA_BLE_EV_SCAN) on_scan(&r);
        if (r.kind == AKIRA_BLE_EV_NOTIFY && notes++ < 3) {
            char t[25] = {0};
            for (int i = 0; i < r.len && i < 24; i++)
                t[i] = (char)r.data[i];
            akira_printf("peer: notify '%s'\n", t);
        }
    }
    if (found == 1) {
        found = 2;
        client();
    }
}

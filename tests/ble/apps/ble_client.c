/*
 * ble-client (test app, tests/ble/ble_apps_e2e.py): the GATT client side of the "ble"
 * module. Scans until it hears an advertiser with Environmental Sensing service data
 * (0x16, UUID 0x181A), logs the values it carries, connects, discovers the peer's
 * services, reads Temperature, Humidity and Pressure of every ESS instance, tries to
 * write the last instance's temperature (refused), subscribes to it and logs the
 * notifications that come.
 */
#include <akira/akira.h>

static uint8_t peer[7];
static int found, conn = -1;
static uint32_t notes;

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static void on_scan(const struct akira_ble_record *r)
{
    for (uint32_t i = 0; i + 1 < r->len && r->data[i];) {
        uint32_t l = r->data[i];
        const uint8_t *d = r->data + i + 1;
        if (i + 1 + l > r->len) break;
        if (l == 11 && d[0] == 0x16 && get16(d + 1) == 0x181A && !found) {
            akira_printf("scan: %02x:%02x T=%d H=%u P=%u\n", r->addr[1], r->addr[0],
                         (int)(int16_t)get16(d + 3), (unsigned)get16(d + 5),
                         (unsigned)(get16(d + 7) | get16(d + 9) << 16));
            for (int k = 0; k < 6; k++)
                peer[k] = r->addr[k];
            peer[6] = r->addr_type;
            found = 1;
        }
        i += l + 1;
    }
}

static void client(void)
{
    akira_ble_scan_stop();
    conn = akira_ble_connect(peer, 10000);
    if (conn < 0) {
        akira_printf("client: connect error %d\n", conn);
        return;
    }
    static struct akira_ble_item svcs[16], chrs[16];
    int32_t n = akira_ble_discover(conn, AKIRA_BLE_DISC_SERVICES, 1, 0xFFFF, svcs, 16);
    int ess = 0;
    int32_t temp_vh = 0;
    for (int s = 0; s < n; s++) {
        if (svcs[s].uuid_len != 2 || get16(svcs[s].uuid) != 0x181A) continue;
        ess++;
        int32_t nc = akira_ble_discover(conn, AKIRA_BLE_DISC_CHARACTERISTICS, svcs[s].handle,
                                        svcs[s].end, chrs, 16);
        int32_t t = 0, h = 0, p = 0;
        for (int c = 0; c < nc; c++) {
            uint8_t v[8] = {0};
            int32_t got = akira_ble_read(conn, chrs[c].end, v, sizeof v);
            uint32_t u = get16(chrs[c].uuid);
            if (got < 0) akira_printf("client: read %u: %d\n", (unsigned)chrs[c].end, (int)got);
            if (u == 0x2A6E) t = (int16_t)get16(v);
            if (u == 0x2A6F) h = (int32_t)get16(v);
            if (u == 0x2A6D) p = (int32_t)(get16(v) | get16(v + 2) << 16);
            if (u == 0x2A6E && (chrs[c].props & AKIRA_BLE_NOTIFY)) temp_vh = chrs[c].end;
        }
        akira_printf("ess %d: 0x%04x-0x%04x T=%d H=%d P=%d\n", ess, (unsigned)svcs[s].handle,
                     (unsigned)svcs[s].end, (int)t, (int)h, (int)p);
    }
    akira_printf("client: %d service(s), %d ESS\n", (int)n, ess);
    if (temp_vh) {
        /* Temperature is read and notify only: the peer refuses a write (ATT error). */
        uint8_t v[2] = {0, 0};
        akira_printf("client: write %d\n", (int)akira_ble_write(conn, temp_vh, v, 2));
        int32_t rc = akira_ble_subscribe(conn, temp_vh + 1, 1);
        akira_printf("client: subscribe %u: %d\n", (unsigned)(temp_vh + 1), (int)rc);
    }
}

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t rc = akira_ble_scan_start(0);
    akira_printf("client: scanning %d\n", (int)rc);
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)c;
    if (type != AKIRA_EVENT_BLE) return;
    static struct akira_ble_record r;
    while (akira_ble_next(&r, sizeof r) > 0) {
        if (r.kind == AKIRA_BLE_EV_SCAN) on_scan(&r);
        if (r.kind == AKIRA_BLE_EV_NOTIFY && notes++ < 3)
            akira_printf("notify: handle %u T=%d\n", (unsigned)r.handle,
                         (int)(int16_t)get16(r.data));
    }
    if (found == 1) {
        found = 2;
        client();
    }
    (void)a, (void)b;
}

/*
 * ble-hostile (test app, tests/ble/ble_apps_e2e.py): calls the "ble" and "hid" modules
 * the wrong ways and logs each result as "NAME=RESULT"; the test compares them with
 * the errors the modules must give. Built three ways:
 *   ble-hostile  capabilities ble, hid; ble_services: a 128-bit UUID; no ble_scan
 *   ble-nocap    no ble, no hid (-DNOCAP): every call is AKIRA_EACCES
 *   ble-thief    ble_services: 181a (-DTHIEF): the beacon has it, AKIRA_EBUSY
 */
#include <akira/akira.h>

#define BAD 0xFFFFFFF0u

__attribute__((unused)) /* 12345678-5678-5678-5678-9abcdef01234, little endian (the manifest's). */
static const uint8_t OWN[16] = {0x34, 0x12, 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56,
                                0x78, 0x56, 0x78, 0x56, 0x78, 0x56, 0x34, 0x12};

static void svc(struct akira_ble_svc_def *d, const uint8_t *uuid, int len)
{
    for (int i = 0; i < len; i++)
        d->uuid[i] = uuid[i];
    d->uuid_len = (uint8_t)len;
    d->n_chrs = 1;
    d->chrs[0].uuid[0] = 0x01;
    d->chrs[0].uuid[1] = 0xff;
    d->chrs[0].uuid_len = 2;
    d->chrs[0].props = AKIRA_BLE_READ | AKIRA_BLE_WRITE | AKIRA_BLE_NOTIFY;
    d->chrs[0].max_len = 8;
}

__attribute__((export_name("main"))) int app_main(void)
{
    static struct akira_ble_svc_def d;
    static const uint8_t ess[2] = {0x1a, 0x18};
    static const uint8_t ad[3] = {2, 0x01, 0x06};
    uint8_t keys[6] = {0};
#if defined(NOCAP)
    akira_printf("adv=%d\n", (int)akira_ble_adv_start(0, ad, 3, ad, 0));
    svc(&d, ess, 2);
    akira_printf("svc=%d\n", (int)akira_ble_svc_add(&d, 40));
    akira_printf("hid=%d\n", (int)akira_hid_keyboard(0, keys));
#elif defined(THIEF)
    (void)ad, (void)keys;
    svc(&d, ess, 2);
    akira_printf("thief=%d\n", (int)akira_ble_svc_add(&d, 40));
#else
    akira_printf("adv_fault=%d\n", (int)akira_ble_adv_start(0, (const void *)BAD, 3, ad, 0));
    static const uint8_t bad_ad[3] = {7, 0x01, 0x06};
    akira_printf("adv_bad=%d\n", (int)akira_ble_adv_start(0, bad_ad, 3, ad, 0));
    akira_printf("svc_fault=%d\n", (int)akira_ble_svc_add((const void *)BAD, 40));
    svc(&d, ess, 2);
    akira_printf("svc_unlisted=%d\n", (int)akira_ble_svc_add(&d, 40));
    akira_printf("scan=%d\n", (int)akira_ble_scan_start(0));
    akira_printf("next_fault=%d\n", (int)akira_ble_next((void *)BAD, 80));
    akira_printf("hid_fault=%d\n", (int)akira_hid_keyboard(0, (const uint8_t *)BAD));
    akira_printf("read_noconn=%d\n", (int)akira_ble_read(0, 3, keys, 6));
    svc(&d, OWN, 16);
    int32_t id = akira_ble_svc_add(&d, 40);
    akira_printf("svc_own=%d\n", (int)id);
    akira_printf("svc_twice=%d\n", (int)akira_ble_svc_add(&d, 40));
    /* A flood: every call at once, nobody subscribed. */
    int64_t t0 = akira_uptime_ms();
    int ok = 0, again = 0;
    for (int i = 0; i < 3000; i++) {
        int32_t rc = akira_ble_notify(id, 0, keys, 4);
        ok += rc >= 0;
        again += rc == AKIRA_EAGAIN;
    }
    akira_printf("flood ok=%d again=%d ms=%d\n", ok, again, (int)(akira_uptime_ms() - t0));
#endif
    akira_printf("hostile: done\n");
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)type, (void)a, (void)b, (void)c;
}

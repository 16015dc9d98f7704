/*
 * ble-beacon: a Bluetooth LE sensor beacon. Every second it samples the BME280 and
 *  - advertises the values: service data of the Environmental Sensing service (AD type
 *    0x16, UUID 0x181A) carrying temperature (sint16, 0.01 C), humidity (uint16,
 *    0.01 %) and pressure (uint32, 0.1 Pa), little endian, then the name "akira-env";
 *  - serves them in a GATT Environmental Sensing service (0x181A): Temperature 0x2A6E,
 *    Humidity 0x2A6F and Pressure 0x2A6D in those standard formats, readable, and
 *    notified to the peers that subscribed.
 * It logs "beacon: T=... H=... P=..." with the raw characteristic values.
 */
#include <akira/akira.h>

static const char SENSOR[] = "bme280";
static int32_t svc = -1;
static uint32_t rounds;

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void chr(struct akira_ble_chr_def *c, uint16_t uuid, uint8_t len)
{
    put16(c->uuid, uuid);
    c->uuid_len = 2;
    c->props = AKIRA_BLE_READ | AKIRA_BLE_NOTIFY;
    c->max_len = len;
}

static void sample(void)
{
    struct akira_sensor_value t, h, p;
    int32_t rc = akira_sensor_fetch(SENSOR, sizeof SENSOR - 1);
    if (rc == 0) rc = akira_sensor_get(SENSOR, sizeof SENSOR - 1, AKIRA_SENSOR_AMBIENT_TEMP, &t);
    if (rc == 0) rc = akira_sensor_get(SENSOR, sizeof SENSOR - 1, AKIRA_SENSOR_HUMIDITY, &h);
    if (rc == 0) rc = akira_sensor_get(SENSOR, sizeof SENSOR - 1, AKIRA_SENSOR_PRESS, &p);
    if (rc < 0) {
        akira_printf("beacon: sensor error %d\n", (int)rc);
        return;
    }
    /* The characteristics' units: 0.01 C, 0.01 %, 0.1 Pa (the sensor gives C, %, kPa). */
    int32_t temp = t.val1 * 100 + t.val2 / 10000;
    uint32_t hum = (uint32_t)(h.val1 * 100 + h.val2 / 10000);
    uint32_t press = (uint32_t)(p.val1 * 10000 + p.val2 / 100);
    uint8_t tv[2], hv[2], pv[4];
    put16(tv, (uint32_t)temp);
    put16(hv, hum);
    put32(pv, press);
    if (svc >= 0) {
        akira_ble_notify(svc, 0, tv, 2);
        akira_ble_notify(svc, 1, hv, 2);
        akira_ble_notify(svc, 2, pv, 4);
    }
    /* Flags, Service Data (ESS: T, H, P), Complete Local Name. */
    uint8_t ad[31];
    int n = 0;
    ad[n++] = 2, ad[n++] = 0x01, ad[n++] = 0x06;
    ad[n++] = 11, ad[n++] = 0x16, ad[n++] = 0x1A, ad[n++] = 0x18;
    put16(ad + n, (uint32_t)temp), n += 2;
    put16(ad + n, hum), n += 2;
    put32(ad + n, press), n += 4;
    static const char name[] = "akira-env";
    ad[n++] = (uint8_t)(sizeof name), ad[n++] = 0x09;
    for (unsigned i = 0; i + 1 < sizeof name; i++)
        ad[n++] = (uint8_t)name[i];
    rc = akira_ble_adv_start(AKIRA_BLE_ADV_IND, ad, (uint32_t)n, ad, 0);
    if (rc < 0) akira_printf("beacon: advertising error %d\n", (int)rc);
    rounds++;
    akira_printf("beacon: T=%d H=%u P=%u (%u)\n", (int)temp, (unsigned)hum, (unsigned)press,
                 (unsigned)rounds);
}

__attribute__((export_name("main"))) int app_main(void)
{
    struct akira_ble_svc_def def = {0};
    put16(def.uuid, 0x181A);
    def.uuid_len = 2;
    def.n_chrs = 3;
    chr(&def.chrs[0], 0x2A6E, 2); /* Temperature */
    chr(&def.chrs[1], 0x2A6F, 2); /* Humidity */
    chr(&def.chrs[2], 0x2A6D, 4); /* Pressure */
    svc = akira_ble_svc_add(&def, 20 + 20 * 3);
    if (svc < 0) {
        akira_printf("beacon: no GATT service: %d\n", (int)svc);
        return 1;
    }
    akira_printf("beacon: Environmental Sensing service %d\n", (int)svc);
    sample();
    int32_t rc = akira_timer_start(1000, 1000);
    if (rc < 0) {
        akira_printf("beacon: no timer: %d\n", (int)rc);
        return 1;
    }
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type == AKIRA_EVENT_TIMER) sample();
    if (type == AKIRA_EVENT_BLE && AKIRA_BLE_EV_KIND(a) == AKIRA_BLE_EV_SUBSCRIBE)
        akira_printf("beacon: conn %u subscribed to %u (%u)\n", (unsigned)b,
                     (unsigned)AKIRA_BLE_EV_CHR(a), (unsigned)c);
}

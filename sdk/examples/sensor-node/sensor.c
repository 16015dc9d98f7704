/*
 * sensor-node: every 2 s one BME280 sample (temperature, pressure, humidity) sent
 * across AkiraMesh to the collector (sdk/examples/collector), which announces its node
 * id on topic "sensor/collector"; until one is heard the samples are only logged. A
 * sample travels as 7 little-endian int32: its number, then val1/val2 (integer part,
 * millionths) of each channel, on topic "sensor/bme280", acknowledged end to end.
 */
#include <akira/akira.h>

static const char SENSOR[] = "bme280";
static const char DATA[] = "sensor/bme280";
static const char ANNOUNCE[] = "sensor/collector";
static uint32_t collector, samples, delivered;

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t rc = akira_mesh_subscribe(ANNOUNCE, sizeof ANNOUNCE - 1);
    if (rc >= 0) rc = akira_timer_start(500, 2000);
    if (rc < 0) {
        akira_printf("sensor-node: cannot start: %d\n", (int)rc);
        return 1;
    }
    return 0;
}

static void log_sample(const struct akira_sensor_value v[3])
{
    int neg = v[0].val1 < 0 || v[0].val2 < 0; /* val1 and val2 share the sign */
    akira_printf("sensor-node: sample %u: T=%s%d.%06d P=%d.%06d H=%d.%06d\n", (unsigned)samples,
                 neg ? "-" : "", (int)(v[0].val1 < 0 ? -v[0].val1 : v[0].val1),
                 (int)(v[0].val2 < 0 ? -v[0].val2 : v[0].val2), (int)v[1].val1, (int)v[1].val2,
                 (int)v[2].val1, (int)v[2].val2);
}

static void sample(void)
{
    static const int32_t chans[3] = {AKIRA_SENSOR_AMBIENT_TEMP, AKIRA_SENSOR_PRESS,
                                     AKIRA_SENSOR_HUMIDITY};
    struct akira_sensor_value v[3];
    int32_t rc = akira_sensor_fetch(SENSOR, sizeof SENSOR - 1);
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = akira_sensor_get(SENSOR, sizeof SENSOR - 1, chans[i], &v[i]);
    if (rc < 0) {
        akira_printf("sensor-node: sensor error %d\n", (int)rc);
        return;
    }
    samples++;
    log_sample(v);
    if (!collector) return;
    int32_t msg[7] = {(int32_t)samples, v[0].val1, v[0].val2, v[1].val1,
                      v[1].val2,        v[2].val1, v[2].val2};
    rc = akira_mesh_send(collector, DATA, sizeof DATA - 1, msg, sizeof msg);
    if (rc < 0) akira_printf("sensor-node: sample %u not sent: %d\n", (unsigned)samples, (int)rc);
}

static void announcements(void)
{
    uint8_t buf[8];
    struct akira_mesh_info info;
    while (akira_mesh_recv(buf, sizeof buf, &info) >= 0) {
        if (info.origin != collector)
            akira_printf("sensor-node: collector is node %u (%u hops)\n", (unsigned)info.origin,
                         (unsigned)info.hops);
        collector = info.origin;
    }
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    if (type == AKIRA_EVENT_TIMER) sample();
    if (type == AKIRA_EVENT_MESH && a == AKIRA_MESH_EVT_MESSAGE) announcements();
    if (type == AKIRA_EVENT_MESH && a == AKIRA_MESH_EVT_SENT) {
        if (c == 0)
            delivered++;
        else
            akira_printf("sensor-node: message #%u lost (%d)\n", (unsigned)b, (int)(int32_t)c);
    }
}

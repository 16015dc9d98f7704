/*
 * collector: announces its node id on topic "sensor/collector" every 5 s (a mesh
 * broadcast) and logs each sample the sensor-node apps send it on "sensor/bme280":
 *
 *   collector: node 1 (3 hops) sample 7: T=21.500000 P=101.325000 H=45.000000
 */
#include <akira/akira.h>

static const char DATA[] = "sensor/bme280";
static const char ANNOUNCE[] = "sensor/collector";
static uint32_t received;

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t rc = akira_mesh_subscribe(DATA, sizeof DATA - 1);
    if (rc >= 0) rc = akira_timer_start(200, 5000);
    if (rc < 0) {
        akira_printf("collector: cannot start: %d\n", (int)rc);
        return 1;
    }
    return 0;
}

static int32_t get32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
}

static void samples(void)
{
    uint8_t buf[AKIRA_MESH_MSG_MAX];
    struct akira_mesh_info info;
    int32_t n;
    while ((n = akira_mesh_recv(buf, sizeof buf, &info)) >= 0) {
        if (n != 28) {
            akira_printf("collector: %d bytes from node %u: not a sample\n", (int)n,
                         (unsigned)info.origin);
            continue;
        }
        int32_t v[7];
        for (int i = 0; i < 7; i++)
            v[i] = get32(buf + 4 * i);
        int neg = v[1] < 0 || v[2] < 0;
        received++;
        akira_printf("collector: node %u (%u hops) sample %d: T=%s%d.%06d P=%d.%06d H=%d.%06d\n",
                     (unsigned)info.origin, (unsigned)info.hops, (int)v[0], neg ? "-" : "",
                     (int)(v[1] < 0 ? -v[1] : v[1]), (int)(v[2] < 0 ? -v[2] : v[2]), (int)v[3],
                     (int)v[4], (int)v[5], (int)v[6]);
    }
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)b, (void)c;
    if (type == AKIRA_EVENT_TIMER) {
        int32_t rc = akira_mesh_send(AKIRA_MESH_BROADCAST, ANNOUNCE, sizeof ANNOUNCE - 1, "c", 1);
        if (rc < 0) akira_printf("collector: announce not sent: %d\n", (int)rc);
    }
    if (type == AKIRA_EVENT_MESH && a == AKIRA_MESH_EVT_MESSAGE) samples();
}

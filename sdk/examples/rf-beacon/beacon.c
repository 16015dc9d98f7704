/*
 * rf-beacon: raw packets on the packet radio (module "rf"), channel 3 at 1 Mbit/s.
 * Every second it sends "beacon N from T" (T: its uptime in ms) after listening
 * before talking, and logs every packet it hears with its RSSI and link quality:
 *
 *   rf-beacon: heard 22 bytes at -61 dBm, lq 143: beacon 4 from 5012
 *
 * The radio is the mesh's too: while AkiraMesh runs on it rf_configure says
 * AKIRA_EBUSY (stop the mesh, or run this on a node without a network key).
 */
#include <akira/akira.h>

static uint32_t sent;

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t rc = akira_rf_configure(3, AKIRA_RF_1M, 0);
    if (rc < 0) {
        akira_printf("rf-beacon: no radio: %d\n", (int)rc);
        return 1;
    }
    rc = akira_timer_start(300, 1000);
    if (rc < 0) return 1;
    akira_printf("rf-beacon: on channel 3\n");
    return 0;
}

/* Decimal digits of v at p; returns how many. */
static int put_uint(char *p, uint32_t v)
{
    char t[10];
    int n = 0, k = 0;
    do
        t[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    while (n)
        p[k++] = t[--n];
    return k;
}

static void beacon(void)
{
    static const char a[] = "beacon ", b[] = " from ";
    char pkt[48];
    int n = 0;
    for (int i = 0; a[i]; i++)
        pkt[n++] = a[i];
    n += put_uint(pkt + n, ++sent);
    for (int i = 0; b[i]; i++)
        pkt[n++] = b[i];
    n += put_uint(pkt + n, (uint32_t)akira_uptime_ms());
    int32_t rc = akira_rf_send(pkt, (uint32_t)n);
    if (rc < 0) akira_printf("rf-beacon: beacon %u not sent: %d\n", (unsigned)sent, (int)rc);
}

static void heard(void)
{
    char pkt[AKIRA_RF_PACKET_MAX + 1];
    struct akira_rf_info info;
    int32_t n;
    while ((n = akira_rf_recv(pkt, AKIRA_RF_PACKET_MAX, &info, 0)) >= 0) {
        pkt[n] = '\0'; /* printf's %s: no '*' precision */
        akira_printf("rf-beacon: heard %d bytes at %d dBm, lq %u: %s\n", (int)n, (int)info.rssi_dbm,
                     (unsigned)info.lqi, pkt);
    }
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type == AKIRA_EVENT_TIMER) beacon();
    if (type == AKIRA_EVENT_RF) heard();
}

/*
 * Test app of tests/mesh/mesh_apps_e2e.py: what a hostile app gets from the rf and
 * mesh modules. main prints one line per call, "hostile: NAME = RC", then every 2 s
 * what was dropped for it ("hostile: rf dropped N, mesh dropped M"), never reading its
 * queues. Built
 * three times (tests/mesh/CMakeLists.txt): with capabilities rf and mesh (channel 5,
 * topic "ok"), with neither, as RF_FLOOD: configure channel 5 and send 60 packets
 * back to back ("flood: sent N"), and as MESH_FLOOD: 30 mesh broadcasts on "ok"
 * ("meshflood: sent N").
 */
#include <akira/akira.h>

#define BAD 0xFFFFFFF0u /* outside any 64 KiB memory */

#if !defined(RF_FLOOD) && !defined(MESH_FLOOD)
static uint8_t buf[300];

static void show(const char *what, int32_t rc)
{
    akira_printf("hostile: %s = %d\n", what, (int)rc);
}
#endif

__attribute__((export_name("main"))) int app_main(void)
{
#if defined(RF_FLOOD)
    int32_t rc = akira_rf_configure(5, AKIRA_RF_1M, 0), sent = 0;
    for (int i = 0; rc == 0 && i < 60; i++)
        if (akira_rf_send("flood packet", 12) == 0) sent++;
    akira_printf("flood: configure %d, sent %d\n", (int)rc, (int)sent);
    return 0;
#elif defined(MESH_FLOOD)
    int32_t sent = 0, rc = 0;
    for (int i = 0; i < 200 && sent < 30; i++) { /* the node's queue takes 12 at a time */
        rc = akira_mesh_send(AKIRA_MESH_BROADCAST, "ok", 2, "flood message", 13);
        if (rc == 0) sent++;
        akira_delay(rc == 0 ? 20 : 50);
    }
    akira_printf("meshflood: sent %d (last %d)\n", (int)sent, (int)rc);
    return 0;
#else
    struct akira_rf_info rinfo;
    struct akira_mesh_info minfo;
    show("rf_configure channel 6", akira_rf_configure(6, AKIRA_RF_1M, 0));
    show("rf_configure channel 5", akira_rf_configure(5, AKIRA_RF_1M, 0));
    show("rf_send bad pointer", akira_rf_send((const void *)BAD, 10));
    show("rf_send 256 bytes", akira_rf_send(buf, 256));
    show("rf_recv bad info", akira_rf_recv(buf, 10, (struct akira_rf_info *)BAD, 0));
    show("rf_recv bad timeout", akira_rf_recv(buf, 10, &rinfo, -5));
    show("mesh_subscribe nope", akira_mesh_subscribe("nope", 4));
    show("mesh_subscribe ok", akira_mesh_subscribe("ok", 2));
    show("mesh_send bad pointer", akira_mesh_send(2, "ok", 2, (const void *)BAD, 4));
    show("mesh_send nope", akira_mesh_send(2, "nope", 4, buf, 4));
    show("mesh_send 257 bytes", akira_mesh_send(2, "ok", 2, buf, 257));
    show("mesh_send to 0", akira_mesh_send(0, "ok", 2, buf, 4));
    show("mesh_recv bad info", akira_mesh_recv(buf, 10, (struct akira_mesh_info *)BAD));
    show("mesh_neighbours bad pointer",
         akira_mesh_neighbours((struct akira_mesh_neighbour *)BAD, 4));
    show("mesh_recv", akira_mesh_recv(buf, 10, &minfo));
    akira_printf("hostile: done\n");
    akira_timer_start(2000, 2000);
    return 0;
#endif
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type == AKIRA_EVENT_TIMER)
        akira_printf("hostile: rf dropped %d, mesh dropped %d, events dropped %d\n",
                     (int)akira_rf_dropped(), (int)akira_mesh_dropped(),
                     (int)akira_event_dropped());
}

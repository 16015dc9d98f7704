/*
 * pong: answers every message on topic "ping" with the same bytes on topic "pong".
 * Written as an event handler: main subscribes and returns, the system then calls
 * on_event for each event until the app is stopped.
 */
#include <akira/akira.h>

static int32_t sub;
static uint32_t answered;

__attribute__((export_name("main"))) int app_main(void)
{
    sub = akira_ipc_sub("ping");
    if (sub < 0) {
        akira_printf("cannot subscribe to ping: %d\n", (int)sub);
        return 1;
    }
    akira_printf("listening on ping\n");
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type != AKIRA_EVENT_IPC) return;
    uint8_t msg[AKIRA_IPC_MSG_MAX];
    int32_t n;
    /* Drain: one event may stand for several messages (see akira/ipc.h). */
    while ((n = akira_ipc_recv(sub, msg, sizeof(msg))) >= 0) {
        akira_ipc_pub("pong", msg, (uint32_t)n);
        answered++;
        akira_printf("answered %u\n", (unsigned)answered);
    }
}

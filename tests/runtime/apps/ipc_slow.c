/* A slow subscriber: subscribes to "flood" and reads nothing until it gets a RESUME;
 * then it drains its queue and logs "slow: got N, dropped D", and does so again on
 * every RESUME until STOP. */
#include <akira/akira.h>

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t id = akira_ipc_sub("flood");
    if (id < 0) return id;
    akira_printf("slow: subscribed\n");
    struct akira_event ev;
    uint8_t buf[AKIRA_IPC_MSG_MAX];
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r == 0) continue;
        if (ev.type == AKIRA_EVENT_STOP) return 0;
        if (ev.type != AKIRA_EVENT_RESUME) continue;
        int got = 0;
        uint32_t last = 0;
        while (akira_ipc_recv(id, buf, sizeof(buf)) == 4) {
            got++;
            last = (uint32_t)buf[0] | (uint32_t)buf[1] << 8;
        }
        akira_printf("slow: got %d, dropped %d, last %u\n", got, (int)akira_ipc_dropped(id),
                     (unsigned)last);
    }
}

/* Subscribes to IPC topic "weather" and logs every message ("listen: <text>"), so
 * tests/runtime/test_hw_examples.c sees what the weather example publishes. */
#include <akira/akira.h>

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t sub = akira_ipc_sub("weather");
    akira_printf("listen: subscribed %d\n", (int)sub);
    struct akira_event ev;
    char msg[AKIRA_IPC_MSG_MAX + 1];
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r == 0) continue;
        if (ev.type == AKIRA_EVENT_STOP) return 0;
        int32_t n;
        while (ev.type == AKIRA_EVENT_IPC && (n = akira_ipc_recv(sub, msg, sizeof msg - 1)) > 0) {
            msg[n] = '\0';
            akira_printf("listen: %s\n", msg);
        }
    }
}

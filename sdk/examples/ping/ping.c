/*
 * ping: measures IPC round trips. Every 200 ms it publishes {seq, sent_ms} on topic
 * "ping"; the pong app answers on "pong" with the same bytes. After 5 answers it logs
 * the average and stops. Start pong first: ping says so while nobody listens.
 */
#include <akira/akira.h>

#define ROUNDS 5

struct probe {
    uint32_t seq;
    uint32_t pad;
    int64_t sent_ms;
};

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t sub = akira_ipc_sub("pong");
    if (sub < 0) {
        akira_printf("cannot subscribe to pong: %d\n", (int)sub);
        return 1;
    }
    int32_t timer = akira_timer_start(0, 200);
    if (timer < 0) {
        akira_printf("no timer: %d\n", (int)timer);
        return 1;
    }
    uint32_t seq = 0, answered = 0;
    int64_t total_ms = 0;
    struct akira_event ev;
    while (answered < ROUNDS) {
        if (akira_event_wait(&ev, -1) != 1) continue;
        if (ev.type == AKIRA_EVENT_STOP) return 2;
        if (ev.type == AKIRA_EVENT_TIMER) {
            struct probe p = {++seq, 0, akira_uptime_ms()};
            int32_t n = akira_ipc_pub("ping", &p, sizeof(p));
            if (n == 0) akira_printf("nobody listens on ping (start pong)\n");
        } else if (ev.type == AKIRA_EVENT_IPC) {
            struct probe p;
            while (akira_ipc_recv(sub, &p, sizeof(p)) == (int32_t)sizeof(p)) {
                int64_t rtt = akira_uptime_ms() - p.sent_ms;
                total_ms += rtt;
                answered++;
                akira_printf("round trip %u: seq %u in %d ms\n", (unsigned)answered,
                             (unsigned)p.seq, (int)rtt);
            }
        }
    }
    akira_timer_stop(timer);
    akira_printf("done, %u round trips, average %d ms\n", (unsigned)answered,
                 (int)(total_ms / answered));
    return 0;
}

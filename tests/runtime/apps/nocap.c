/* Hostile: calls APIs it holds no capability for. On each RESUME it tries a timer again
 * and logs the result ("timer -9" denied, "timer 1" granted), so a test can grant and
 * revoke at run time. */
#include <akira/lifecycle.h>
#include <akira/memory.h>
#include <akira/timer.h>

__attribute__((export_name("main"))) int main(void)
{
    akira_printf("alloc %d\n", (int)akira_mem_alloc(16));
    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r == 0) continue;
        if (ev.type == AKIRA_EVENT_STOP) return 0;
        if (ev.type == AKIRA_EVENT_RESUME) {
            int id = akira_timer_start(100000, 0);
            akira_printf("timer %d\n", id);
            if (id > 0) akira_timer_stop(id);
        }
    }
}

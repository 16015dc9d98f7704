/* A slow consumer of a fast periodic timer: the timer never waits for it, the queue
 * drops and counts. Logs what it saw, then returns the drop count. */
#include <akira/lifecycle.h>
#include <akira/timer.h>

__attribute__((export_name("main"))) int main(void)
{
    int id = akira_timer_start(1, 1);
    if (id < 0) return id;
    akira_delay(200); /* ~200 expiries into a queue of 16 */
    struct akira_event ev;
    int timers = 0;
    while (akira_event_poll(&ev) == 1)
        if (ev.type == AKIRA_EVENT_TIMER) timers++;
    int dropped = akira_event_dropped();
    akira_printf("queued %d dropped %d\n", timers, dropped);
    return dropped;
}

/*
 * blink-timer: a periodic timer toggling a (logged) LED every 500 ms until stopped.
 * The GPIO API has its own issue; this example shows timers and the log.
 */
#include <akira/akira.h>

static uint32_t toggles;

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t id = akira_timer_start(500, 500);
    if (id < 0) {
        akira_printf("no timer: %d\n", (int)id);
        return 1;
    }
    akira_printf("timer %d every 500 ms\n", (int)id);
    return 0; /* events go to on_event from here on */
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)c;
    if (type == AKIRA_EVENT_TIMER) {
        toggles++;
        akira_printf("led %s (tick %u)\n", toggles % 2 ? "on" : "off", (unsigned)b);
    } else if (type == AKIRA_EVENT_STOP) {
        akira_printf("stopped after %u toggles\n", (unsigned)toggles);
    }
}

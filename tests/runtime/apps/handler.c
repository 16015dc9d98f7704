/* Events through an exported handler: main returns at once, the runtime then calls
 * on_event for START, TIMER... and STOP. Logs what it gets; starts a periodic timer. */
#include <akira/lifecycle.h>
#include <akira/timer.h>

static int ticks;

__attribute__((export_name("main"))) int main(void)
{
    return akira_timer_start(10, 10);
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)c;
    if (type == AKIRA_EVENT_TIMER && ++ticks == 3) {
        akira_printf("tick %u fired %u\n", a, b);
        akira_timer_stop((int32_t)a);
    } else if (type != AKIRA_EVENT_TIMER) {
        akira_printf("event %u\n", type);
    }
}

/* A periodic timer that logs every tick (issue 21: revoking `timer` must stop it). */
#include <akira/akira.h>

static int ticks;

__attribute__((export_name("main"))) int app_main(void)
{
    return akira_timer_start(100, 100) > 0 ? 0 : 1;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a;
    (void)b;
    (void)c;
    if (type == AKIRA_EVENT_TIMER) akira_printf("tick %d\n", ++ticks);
}

/* An app with only the input capability: asking for the buttons must not take the
 * display (it has nothing to show), so it is told EBUSY while the launcher shows. */
#include <akira/akira.h>

__attribute__((export_name("main"))) int app_main(void)
{
    struct akira_input_state st;
    akira_printf("input_only: state %d\n", (int)akira_input_state(&st));
    struct akira_event ev;
    for (;;)
        if (akira_event_wait(&ev, -1) == 1 && ev.type == AKIRA_EVENT_STOP) return 0;
}

/* A well-behaved app: answers every RESUME event with a log line "answer N", ends on
 * STOP. The hostile tests run it beside each hostile app and check it keeps answering. */
#include <akira/lifecycle.h>

__attribute__((export_name("main"))) int main(void)
{
    struct akira_event ev;
    int answers = 0;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r == 0) continue;
        if (ev.type == AKIRA_EVENT_STOP) return answers;
        if (ev.type == AKIRA_EVENT_RESUME) akira_printf("answer %d\n", ++answers);
    }
}

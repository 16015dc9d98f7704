/* Hostile: a million widgets, then wild handles, texts and pointers. Each refusal is
 * logged; the app then waits to be stopped (its widgets must go with it). */
#include <akira/akira.h>

static char big[2000];

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t first = 0, n = 0, rc = 0;
    for (; n < 1000000; n++) {
        rc = akira_ui_create(AKIRA_UI_LABEL, 0);
        if (rc < 0) break;
        if (!first) first = rc;
    }
    akira_printf("flood: %d widgets, then %d; first %d\n", (int)n, (int)rc, (int)first);
    for (uint32_t i = 0; i < sizeof big; i++)
        big[i] = 'x';
    akira_printf("flood: bad parent %d, bad type %d, long text %d, wild text %d, wild out %d\n",
                 (int)akira_ui_create(AKIRA_UI_LABEL, 65000), (int)akira_ui_create(999, 0),
                 (int)akira_ui_set_text(first, big, sizeof big),
                 (int)akira_ui_set_text(first, (const char *)0xFFFFFFF0u, 64),
                 (int)akira_ui_get(first, AKIRA_UI_P_X, (int32_t *)0xFFFFFFFCu));
    akira_printf("flood: huge image %d\n",
                 (int)akira_ui_image(first, 10000, 10000, (const uint16_t *)big, sizeof big, -1));
    /* Freed widgets can be made again: the budget is given back. */
    int32_t del = akira_ui_delete(first);
    akira_printf("flood: delete %d, again %d\n", (int)del,
                 (int)(akira_ui_create(AKIRA_UI_LABEL, 0) > 0));
    struct akira_event ev;
    for (;;)
        if (akira_event_wait(&ev, -1) == 1 && ev.type == AKIRA_EVENT_STOP) return 0;
}

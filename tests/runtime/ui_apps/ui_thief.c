/* Hostile: every handle another app may hold, set and deleted; drawing while another
 * app owns the display. It makes no widget of its own, so no handle may work. */
#include <akira/akira.h>

__attribute__((export_name("main"))) int app_main(void)
{
    int ok = 0, eperm = 0, enoent = 0, other = 0;
    for (int32_t h = 1; h <= 2000; h++) {
        int32_t rc = akira_ui_set(h, AKIRA_UI_P_X, 5);
        int32_t rd = akira_ui_delete(h);
        if (rc == 0 || rd == 0)
            ok++;
        else if (rc == AKIRA_EPERM && rd == AKIRA_EPERM)
            eperm++;
        else if (rc == AKIRA_ENOENT && rd == AKIRA_ENOENT)
            enoent++;
        else
            other++;
    }
    akira_printf("thief: ok %d eperm %d enoent %d other %d\n", ok, eperm, enoent, other);
    akira_printf("thief: draw %d flush %d\n", (int)akira_display_rect(0, 0, 320, 240, AKIRA_RED),
                 (int)akira_display_flush());
    struct akira_event ev;
    for (;;)
        if (akira_event_wait(&ev, -1) == 1 && ev.type == AKIRA_EVENT_STOP) return 0;
}

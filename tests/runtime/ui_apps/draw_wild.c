/* Hostile: drawing far outside the screen, a 10,000 x 10,000 bitmap, pointers outside
 * memory. Every call must return (clipped or refused); at the end a green square in
 * the middle shows the app still draws. */
#include <akira/akira.h>

static uint16_t px[16];

__attribute__((export_name("main"))) int app_main(void)
{
    const int32_t F = 2000000000;
    int64_t t0 = akira_uptime_ms();
    int32_t r[12];
    r[0] = akira_display_rect(-F, -F, F, F, AKIRA_BLUE) |
           akira_display_rect(-F, -F, 2147483647, 2147483647, AKIRA_BLUE) |
           akira_display_rounded_rect_fill(-F, -F, 2147483647, 2147483647, F, AKIRA_BLUE);
    r[1] = akira_display_line(-F, -F, F, F, AKIRA_WHITE) |
           akira_display_line(F, -F, -F, F, AKIRA_WHITE);
    r[2] = akira_display_circle(160, 120, F, AKIRA_WHITE) | akira_display_circle_fill(-F, F, F, 0);
    r[3] = akira_display_triangle_fill(-F, -F, F, 0, 0, F, AKIRA_BLUE) |
           akira_display_triangle(F, F, -F, F, 0, -F, AKIRA_WHITE);
    r[4] = akira_display_pixel(100000, -5, AKIRA_WHITE) | akira_display_pixel(-F, F, 0);
    r[5] = akira_display_text(0, 0, "x", 100000, 16, AKIRA_WHITE);
    r[6] = akira_display_text(0, 0, (const char *)0xFFFFFF00u, 200, 16, AKIRA_WHITE);
    r[7] = akira_display_bitmap(0, 0, 10000, 10000, px, sizeof px);
    r[8] = akira_display_bitmap(0, 0, 4, 4, (const uint16_t *)0xFFFFFFF0u, 32);
    r[9] = akira_display_bitmap(0, 0, 4, 4, px, 31);
    r[10] = akira_display_bitmap_key(-F, -F, 4, 4, px, sizeof px, 0);
    r[11] = akira_display_size((struct akira_display_size *)0xFFFFFFFCu);
    akira_printf("wild: rect %d line %d circle %d tri %d pixel %d text_long %d\n", (int)r[0],
                 (int)r[1], (int)r[2], (int)r[3], (int)r[4], (int)r[5]);
    akira_printf("wild: text_fault %d bmp_huge %d bmp_fault %d bmp_short %d bmp_far %d "
                 "size_fault %d\n",
                 (int)r[6], (int)r[7], (int)r[8], (int)r[9], (int)r[10], (int)r[11]);
    akira_display_clear(AKIRA_BLACK);
    akira_display_rect(150, 110, 20, 20, AKIRA_GREEN);
    akira_printf("wild: flush %d after %d ms\n", (int)akira_display_flush(),
                 (int)(akira_uptime_ms() - t0));
    struct akira_event ev;
    for (;;)
        if (akira_event_wait(&ev, -1) == 1 && ev.type == AKIRA_EVENT_STOP) return 0;
}

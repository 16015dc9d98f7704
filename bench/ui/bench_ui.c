/*
 * UI benchmark (host): full-screen redraw time and frames per second of the launcher
 * and of a busy widget screen on a 320x240 RGB565 panel, through a band buffer, against
 * a plain memset + memcpy of the same frame measured in the same run; a partial redraw;
 * the RAM of the UI layer (context, draw buffer, bytes per widget type) and the fonts.
 */
#define _POSIX_C_SOURCE 200809L
#include "akira/ui.h"
#include "scenes.h"
#include "ui_priv.h" /* sizeof the widget object */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SW BENCH_UI_W
#define SH BENCH_UI_H

static akira_color_t panel[SW * SH];

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* median over runs of fn() in microseconds */
#define RUNS 41
static double median(double *v)
{
    qsort(v, RUNS, sizeof *v, cmp_d);
    return v[RUNS / 2];
}

static void bench_frame(const char *name, akira_ui_t *ui, double base_us, size_t band_px)
{
    double t[RUNS];
    for (int i = 0; i < RUNS; i++) {
        akira_ui_invalidate_all(ui);
        double t0 = now_us();
        if (akira_ui_refresh(ui) <= 0) abort();
        t[i] = now_us() - t0;
    }
    double m = median(t);
    printf("  %-34s %8.0f us  %7.1f fps  %5.1fx memset+memcpy  (band %zu px = %zu B)\n", name, m,
           1e6 / m, m / base_us, band_px, band_px * 2);
}

int main(void)
{
    static akira_color_t frame[SW * SH];
    double t[RUNS];
    for (int i = 0; i < RUNS; i++) { /* the same frame, cleared and sent as plain memory */
        double t0 = now_us();
        memset(frame, i, sizeof frame);
        memcpy(panel, frame, sizeof frame);
        t[i] = now_us() - t0;
    }
    double base = median(t);
    printf("ui bench: %dx%d RGB565 panel, medians of %d frames (CPU time)\n", SW, SH, RUNS);
    printf("  %-34s %8.1f us\n", "baseline memset+memcpy of a frame", base);

    static const size_t bands[] = {SW * 10, SW * 20, SW * 40};
    for (size_t b = 0; b < sizeof bands / sizeof bands[0]; b++) {
        static akira_color_t buf[SW * 40];
        akira_gfx_port_t port = {SW, SH, panel, bench_ui_flush, NULL};
        akira_gfx_t g;
        akira_ui_t ui;
        akira_gfx_init(&g, &port, buf, bands[b]);
        akira_ui_init(&ui, &g, &akira_ui_theme_light);
        akira_ui_owner_t ow = {0, bench_ui_heap, 1 << 20, 0, 0, NULL, NULL};
        akira_ui_owner_add(&ui, &ow);
        akira_ui_obj_t *ls, *bs, *slider;
        if (bench_ui_launcher_build(&ui, &ow, &ls)) abort();
        akira_ui_screen_push(&ui, ls, 0, 0);
        bench_frame("launcher, full screen", &ui, base, bands[b]);
        if (bench_ui_dashboard_build(&ui, &ow, &bs, &slider)) abort();
        akira_ui_screen_push(&ui, bs, 0, 0);
        akira_ui_refresh(&ui);
        bench_frame("dashboard (gauge, chart...), full", &ui, base, bands[b]);
        if (b == 1) {
            for (int i = 0; i < RUNS; i++) {
                akira_ui_set(slider, AKIRA_UI_P_VALUE, i % 100);
                double t0 = now_us();
                akira_ui_refresh(&ui);
                t[i] = now_us() - t0;
            }
            printf("  %-34s %8.1f us  (dirty area only)\n", "slider value change", median(t));
            /* a screen transition frame: both screens drawn */
            akira_ui_tick(&ui, 1000);
            for (int i = 0; i < RUNS; i++) { /* stack [launcher, dashboard]: pop, push */
                uint32_t tm = 1000 + 300 * (uint32_t)i;
                akira_ui_tick(&ui, tm);
                if (i % 2 == 0)
                    akira_ui_screen_pop(&ui, AKIRA_UI_ANIM_SLIDE_RIGHT, 300);
                else
                    akira_ui_screen_push(&ui, bs, AKIRA_UI_ANIM_SLIDE_LEFT, 300);
                akira_ui_tick(&ui, tm + 150);
                double t0 = now_us();
                if (akira_ui_refresh(&ui) <= 0) abort();
                t[i] = now_us() - t0;
                akira_ui_tick(&ui, tm + 300);
            }
            printf("  %-34s %8.0f us  %7.1f fps\n", "slide transition frame", median(t),
                   1e6 / median(t));
            printf("  RAM: akira_ui_t %zu B, akira_gfx_t %zu B, draw buffer %zu B, "
                   "launcher of 6 apps %zu B of widgets\n",
                   sizeof(akira_ui_t), sizeof(akira_gfx_t), bands[b] * 2, ow.used);
        }
        akira_ui_deinit(&ui);
    }

    /* bytes per widget: what one bare widget of each type charges its owner */
    printf("  bytes per widget (charged to the owner, no text; object header %zu B):\n",
           sizeof(akira_ui_obj_t));
    {
        static akira_color_t buf[SW * 20];
        akira_gfx_port_t port = {SW, SH, panel, bench_ui_flush, NULL};
        akira_gfx_t g;
        akira_ui_t ui;
        akira_gfx_init(&g, &port, buf, SW * 20);
        akira_ui_init(&ui, &g, &akira_ui_theme_light);
        akira_ui_owner_t ow = {0, bench_ui_heap, 1 << 20, 0, 0, NULL, NULL};
        akira_ui_owner_add(&ui, &ow);
        akira_ui_obj_t *s, *o;
        akira_ui_screen_create(&ui, &ow, &s);
        printf("   ");
        for (int ty = 1; ty < AKIRA_UI_TYPE_COUNT; ty++) {
            size_t before = ow.used;
            if (ty == AKIRA_UI_TOAST) {
                akira_ui_toast(&ui, &ow, "x", 1000, &o);
                before += 2; /* its text */
            } else if (ty == AKIRA_UI_MSGBOX) {
                akira_ui_msgbox(&ui, &ow, NULL, "x", NULL, &o);
                before += 2;
            } else {
                akira_ui_create(&ui, &ow, s, (akira_ui_type_t)ty, &o);
            }
            printf(" %s %zu%s", akira_ui_type_name(ty), ow.used - before,
                   ty % 8 == 0 ? "\n   " : ",");
        }
        printf("\n");
        akira_ui_deinit(&ui);
    }
    size_t flash = 0;
    for (int i = 0; akira_fonts[i]; i++) {
        const akira_font_t *f = akira_fonts[i];
        size_t tbl = f->count * sizeof(akira_font_glyph_t);
        printf("  font %-7s %2u px: %u glyphs, %u B compressed (%u B raw 4-bit, %.0f%%) + %zu B "
               "table\n",
               f->name, f->size, f->count, f->data_size, f->raw_size,
               100.0 * f->data_size / f->raw_size, tbl);
        flash += f->data_size + tbl;
    }
    printf("  fonts flash total: %zu B (%.1f KiB)\n", flash, flash / 1024.0);
    return 0;
}

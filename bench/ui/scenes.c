/*
 * The benchmark screens (scenes.h): built only through the UI layer's public calls, so
 * the host and the Cortex-M image draw the same widgets; the framebuffer flush and the
 * owner allocator both benches use.
 */
#include "scenes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bench_ui_flush(void *fb, const akira_area_t *a, const akira_color_t *px)
{
    akira_color_t *panel = fb;
    int32_t w = akira_area_w(a);
    for (int32_t y = a->y1; y <= a->y2; y++)
        memcpy(&panel[y * BENCH_UI_W + a->x1], px + (size_t)(y - a->y1) * (size_t)w,
               (size_t)w * sizeof *px);
    return 0;
}

static void *heap_alloc(void *c, size_t n)
{
    (void)c;
    return malloc(n);
}

static void heap_free(void *c, void *p, size_t n)
{
    (void)c, (void)n;
    free(p);
}

const akira_ui_alloc_t bench_ui_heap = {heap_alloc, heap_free, NULL};

static int fk_count(void *c)
{
    (void)c;
    return 6;
}

static int fk_name(void *c, int i, char *b, size_t n)
{
    (void)c;
    static const char *const names[] = {"clock", "weather",  "sensors",
                                        "snake", "settings", "music"};
    snprintf(b, n, "%s", names[i]);
    return 0;
}

static int fk_state(void *c, int i)
{
    (void)c;
    return i == 0 ? AKIRA_UI_APP_RUNNING : AKIRA_UI_APP_STOPPED;
}

static int fk_op(void *c, int i)
{
    (void)c, (void)i;
    return 0;
}

static const akira_ui_launcher_provider_t provider = {fk_count, fk_name, fk_state,
                                                      fk_op,    fk_op,   NULL};

int bench_ui_launcher_build(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t **screen)
{
    int rc = akira_ui_launcher_create(ui, owner, &provider, screen);
    return rc ? rc : akira_ui_launcher_status(*screen, "09:41", 76);
}

/* A widget of type t at (x, y) under p; the first error sticks in *rc. */
static akira_ui_obj_t *mk(akira_ui_t *ui, akira_ui_owner_t *ow, akira_ui_obj_t *p, int t, int x,
                          int y, int *rc)
{
    akira_ui_obj_t *o = NULL;
    if (*rc) return NULL;
    *rc = akira_ui_create(ui, ow, p, (akira_ui_type_t)t, &o);
    if (*rc) return NULL;
    akira_ui_set(o, AKIRA_UI_P_X, x);
    akira_ui_set(o, AKIRA_UI_P_Y, y);
    return o;
}

int bench_ui_dashboard_build(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t **screen,
                             akira_ui_obj_t **slider)
{
    static const int16_t pts[] = {10, 30, 20, 50, 45, 70, 60, 85, 75, 90};
    akira_ui_obj_t *s, *o;
    int rc = akira_ui_screen_create(ui, owner, &s);
    if (rc) return rc;
    o = mk(ui, owner, s, AKIRA_UI_STATUSBAR, 0, 0, &rc);
    if (o) {
        akira_ui_set_title(o, "Dashboard");
        akira_ui_set_text(o, "12:00");
        akira_ui_set(o, AKIRA_UI_P_VALUE, 80);
    }
    o = mk(ui, owner, s, AKIRA_UI_GAUGE, 4, 28, &rc);
    if (o) akira_ui_set(o, AKIRA_UI_P_VALUE, 63);
    o = mk(ui, owner, s, AKIRA_UI_CHART, 150, 28, &rc);
    if (o) {
        akira_ui_set(o, AKIRA_UI_P_W, 164);
        akira_ui_chart_set_points(o, 0, pts, 10);
    }
    o = mk(ui, owner, s, AKIRA_UI_LIST, 150, 152, &rc);
    if (o) {
        akira_ui_set(o, AKIRA_UI_P_W, 164);
        akira_ui_set(o, AKIRA_UI_P_H, 84);
        akira_ui_set_options(o, "Temperature\nHumidity\nPressure");
    }
    *slider = mk(ui, owner, s, AKIRA_UI_SLIDER, 4, 172, &rc);
    if (*slider) akira_ui_set(*slider, AKIRA_UI_P_W, 140);
    o = mk(ui, owner, s, AKIRA_UI_BUTTON, 4, 200, &rc);
    if (o) akira_ui_set_text(o, "Start logging");
    *screen = s;
    return rc;
}

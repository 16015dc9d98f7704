/* Layouts (absolute, flex row/column with wrap/grow/align, grid, percent sizes, scroll),
 * screens and the navigation stack with transitions, dirty-area redraw, the launcher. */
#include "scenes.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static fx_t *F;
static akira_ui_obj_t *SCR;

static int setup(void **s)
{
    (void)s;
    F = fx_new_with_screen(&SCR);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    fx_free(F);
    return 0;
}

static akira_ui_obj_t *box(akira_ui_obj_t *parent, int w, int h)
{
    akira_ui_obj_t *o;
    assert_int_equal(akira_ui_create(&F->ui, &F->app, parent, AKIRA_UI_CONTAINER, &o), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_W, w), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_H, h), 0);
    return o;
}

static akira_area_t area(akira_ui_obj_t *o)
{
    akira_area_t a;
    assert_int_equal(akira_ui_area(o, &a), 0);
    return a;
}

/* a container at (0,0) of w x h with no padding or border */
static akira_ui_obj_t *bare(int w, int h, int layout)
{
    akira_ui_obj_t *c = box(SCR, w, h);
    akira_ui_set(c, AKIRA_UI_P_PAD, 0);
    akira_ui_set(c, AKIRA_UI_P_BORDER_W, 0);
    akira_ui_set(c, AKIRA_UI_P_LAYOUT, layout);
    return c;
}

static void absolute(void **s)
{
    (void)s;
    akira_ui_obj_t *c = box(SCR, 200, 100), *a = box(c, 20, 10);
    akira_ui_set(c, AKIRA_UI_P_X, 10);
    akira_ui_set(c, AKIRA_UI_P_Y, 20);
    akira_ui_set(a, AKIRA_UI_P_X, 5);
    akira_ui_set(a, AKIRA_UI_P_Y, 7);
    akira_area_t r = area(a);
    int p = 6 + 1; /* default pad + border */
    assert_int_equal(r.x1, 10 + p + 5);
    assert_int_equal(r.y1, 20 + p + 7);
    assert_int_equal(r.x2, 10 + p + 5 + 19);
    assert_int_equal(r.y2, 20 + p + 7 + 9);
}

static void row_and_column(void **s)
{
    (void)s;
    akira_ui_obj_t *c = bare(200, 50, AKIRA_UI_LAYOUT_ROW), *a = box(c, 30, 10),
                   *b = box(c, 40, 20);
    akira_ui_set(c, AKIRA_UI_P_GAP, 5);
    assert_int_equal(area(a).x1, 0);
    assert_int_equal(area(b).x1, 35);
    akira_ui_set(c, AKIRA_UI_P_ALIGN, AKIRA_UI_ALIGN_END);
    assert_int_equal(area(b).x2, 199);
    akira_ui_set(c, AKIRA_UI_P_ALIGN, AKIRA_UI_ALIGN_CENTER);
    assert_int_equal(area(a).x1, (200 - 75) / 2);
    akira_ui_set(c, AKIRA_UI_P_ALIGN, AKIRA_UI_ALIGN_SPACE_BETWEEN);
    assert_int_equal(area(a).x1, 0);
    assert_int_equal(area(b).x2, 199);
    akira_ui_set(c, AKIRA_UI_P_CROSS, AKIRA_UI_ALIGN_CENTER);
    assert_int_equal(area(a).y1, 5); /* (20 - 10) / 2 within the line */
    akira_ui_set(c, AKIRA_UI_P_CROSS, AKIRA_UI_ALIGN_STRETCH);
    assert_int_equal(akira_area_h(&(akira_area_t){area(a).x1, area(a).y1, area(a).x2, area(a).y2}),
                     50);
    assert_int_equal(akira_ui_set(c, AKIRA_UI_P_CROSS, AKIRA_UI_ALIGN_SPACE_BETWEEN), AKIRA_EINVAL);
    /* grow takes the rest */
    akira_ui_set(c, AKIRA_UI_P_CROSS, AKIRA_UI_ALIGN_START);
    akira_ui_set(c, AKIRA_UI_P_ALIGN, AKIRA_UI_ALIGN_START);
    akira_ui_set(b, AKIRA_UI_P_GROW, 1);
    assert_int_equal(area(b).x2, 199);
    /* column */
    akira_ui_set(c, AKIRA_UI_P_LAYOUT, AKIRA_UI_LAYOUT_COLUMN);
    akira_ui_set(b, AKIRA_UI_P_GROW, 0);
    assert_int_equal(area(a).y1, 0);
    assert_int_equal(area(b).y1, 15);
    assert_int_equal(area(b).x1, 0);
    /* hidden children take no room */
    akira_ui_set(a, AKIRA_UI_P_HIDDEN, 1);
    assert_int_equal(area(b).y1, 0);
}

static void wrap(void **s)
{
    (void)s;
    akira_ui_obj_t *c = bare(100, AKIRA_UI_SIZE_CONTENT, AKIRA_UI_LAYOUT_ROW), *k[5];
    akira_ui_set(c, AKIRA_UI_P_WRAP, 1);
    akira_ui_set(c, AKIRA_UI_P_GAP, 4);
    for (int i = 0; i < 5; i++)
        k[i] = box(c, 30, 10 + i);
    /* 30+4+30+4+30 = 98 fits three per line */
    assert_int_equal(area(k[2]).x1, 68);
    assert_int_equal(area(k[3]).x1, 0);
    assert_int_equal(area(k[3]).y1, 12 + 4); /* line 1 is as tall as its tallest (12) */
    /* the container's own height follows the lines */
    assert_int_equal(akira_area_h(&(akira_area_t){0, area(c).y1, 0, area(c).y2}), 12 + 4 + 14);
    akira_ui_set(c, AKIRA_UI_P_WRAP, 0);
    assert_int_equal(area(k[3]).y1, 0); /* one line, overflowing */
}

static void grid(void **s)
{
    (void)s;
    akira_ui_obj_t *c = bare(206, 200, AKIRA_UI_LAYOUT_GRID), *k[5];
    akira_ui_set(c, AKIRA_UI_P_GRID_COLS, 3);
    akira_ui_set(c, AKIRA_UI_P_GAP, 4);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(akira_ui_create(&F->ui, &F->app, c, AKIRA_UI_CONTAINER, &k[i]), 0);
        akira_ui_set(k[i], AKIRA_UI_P_H, 20);
    }
    /* (206 - 8) / 3 = 66 wide cells */
    assert_int_equal(akira_area_w(&(akira_area_t){area(k[0]).x1, 0, area(k[0]).x2, 0}), 66);
    assert_int_equal(area(k[1]).x1, 70);
    assert_int_equal(area(k[2]).x1, 140);
    assert_int_equal(area(k[3]).x1, 0);
    assert_int_equal(area(k[3]).y1, 24);
    assert_int_equal(akira_ui_set(c, AKIRA_UI_P_GRID_COLS, 0), AKIRA_EINVAL);
}

static void percent(void **s)
{
    (void)s;
    akira_ui_obj_t *c = bare(200, 100, AKIRA_UI_LAYOUT_NONE),
                   *a = box(c, AKIRA_UI_PCT(50), AKIRA_UI_PCT(25));
    assert_int_equal(akira_area_w(&(akira_area_t){area(a).x1, 0, area(a).x2, 0}), 100);
    assert_int_equal(akira_area_h(&(akira_area_t){0, area(a).y1, 0, area(a).y2}), 25);
    assert_int_equal(akira_ui_set(a, AKIRA_UI_P_W, AKIRA_UI_PCT(100)), 0);
    assert_int_equal(akira_ui_set(a, AKIRA_UI_P_W, AKIRA_UI_PCT(101)), AKIRA_EINVAL);
}

static void scroll(void **s)
{
    (void)s;
    akira_ui_obj_t *c = bare(100, 100, AKIRA_UI_LAYOUT_COLUMN), *k[10];
    for (int i = 0; i < 10; i++)
        k[i] = box(c, 100, 30);
    assert_int_equal(akira_ui_set(c, AKIRA_UI_P_SCROLL_Y, 10), AKIRA_ENOTSUP);
    akira_ui_set(c, AKIRA_UI_P_SCROLLABLE, 1);
    fx_refresh(F);
    assert_int_equal(akira_ui_set(c, AKIRA_UI_P_SCROLL_Y, 50), 0);
    assert_int_equal(area(k[0]).y1, -50);
    akira_ui_set(c, AKIRA_UI_P_SCROLL_Y, 1000);
    int32_t v;
    akira_ui_get(c, AKIRA_UI_P_SCROLL_Y, &v);
    assert_int_equal(v, 300 - 100); /* clamped to the content */
    fx_tick(F, 1);                  /* events go out at the next tick or input */
    assert_true(fx_count(F, AKIRA_UI_EV_SCROLLED, akira_ui_id(c)) == 2);
    /* focusing a child out of view scrolls it in */
    akira_ui_set(c, AKIRA_UI_P_SCROLL_Y, 0);
    akira_ui_set(k[8], AKIRA_UI_P_FOCUSABLE, 1);
    fx_refresh(F);
    assert_int_equal(akira_ui_focus(k[8]), 0);
    akira_ui_get(c, AKIRA_UI_P_SCROLL_Y, &v);
    assert_int_equal(v, 8 * 30 + 30 - 100);
    /* a child scrolled out of the container is not drawn outside it */
    akira_ui_set(k[0], AKIRA_UI_P_BG_COLOR, 0xF800);
    akira_ui_set(c, AKIRA_UI_P_Y, 120);
    akira_ui_set(c, AKIRA_UI_P_SCROLL_Y, 15);
    fx_refresh(F);
    for (int y = 100; y < 120; y++)
        assert_int_not_equal(F->fb[y * 320 + 50], 0xF800);
    assert_int_equal(F->fb[120 * 320 + 50], 0xF800);
}

static void dirty_areas(void **s)
{
    (void)s;
    akira_ui_obj_t *b;
    assert_int_equal(akira_ui_create(&F->ui, &F->app, SCR, AKIRA_UI_SLIDER, &b), 0);
    akira_ui_set(b, AKIRA_UI_P_X, 40);
    akira_ui_set(b, AKIRA_UI_P_Y, 100);
    fx_refresh(F);
    assert_int_equal(fx_refresh(F), 0); /* nothing invalid: nothing sent */
    F->flushed_px = 0;
    akira_ui_set(b, AKIRA_UI_P_VALUE, 50);
    assert_true(fx_refresh(F) > 0);
    /* only the slider's area and the 3 px margin of its focus ring went to the display */
    akira_area_t a = area(b);
    assert_int_equal(F->flushed_px, (uint32_t)((akira_area_w(&a) + 6) * (akira_area_h(&a) + 6)));
    /* the whole screen after a theme change, band by band (the fixture's draw buffer
     * holds 9600 pixels: 30 rows of 320) */
    akira_ui_set_theme(&F->ui, &akira_ui_theme_dark);
    F->flushed_px = 0;
    assert_int_equal(fx_refresh(F), 240 / (int)(sizeof F->band / sizeof F->band[0] / 320));
    assert_int_equal(F->flushed_px, 320 * 240);
    assert_int_equal(F->fb[0], akira_ui_theme_dark.bg);
}

/* Moving the focus erases the old ring: its pixels lie outside the widget's area. */
static void focus_ring_erased(void **s)
{
    (void)s;
    akira_ui_obj_t *a, *b;
    assert_int_equal(akira_ui_create(&F->ui, &F->app, SCR, AKIRA_UI_BUTTON, &a), 0);
    assert_int_equal(akira_ui_create(&F->ui, &F->app, SCR, AKIRA_UI_BUTTON, &b), 0);
    akira_ui_set(a, AKIRA_UI_P_X, 20);
    akira_ui_set(a, AKIRA_UI_P_Y, 20);
    akira_ui_set(b, AKIRA_UI_P_X, 20);
    akira_ui_set(b, AKIRA_UI_P_Y, 120);
    fx_refresh(F);
    akira_area_t r = area(a);
    akira_color_t bg = F->fb[(r.y1 - 2) * 320 + (r.x1 + r.x2) / 2];
    akira_ui_focus(a);
    fx_refresh(F);
    assert_int_equal(F->fb[(r.y1 - 2) * 320 + (r.x1 + r.x2) / 2], akira_ui_theme_light.focus);
    akira_ui_focus(b);
    fx_refresh(F);
    assert_int_equal(F->fb[(r.y1 - 2) * 320 + (r.x1 + r.x2) / 2], bg);
}

static void screens(void **s)
{
    (void)s;
    akira_ui_obj_t *k[AKIRA_UI_MAX_SCREENS], *x;
    k[0] = SCR;
    for (int i = 1; i < AKIRA_UI_MAX_SCREENS; i++)
        assert_int_equal(akira_ui_screen_create(&F->ui, &F->app, &k[i]), 0);
    assert_int_equal(akira_ui_screen_create(&F->ui, &F->app, &x), AKIRA_ENOSPC);
    for (int i = 1; i < AKIRA_UI_MAX_SCREENS; i++) {
        akira_ui_set(k[i], AKIRA_UI_P_BG_COLOR, (int32_t)(0x1000 * i));
        assert_int_equal(akira_ui_screen_push(&F->ui, k[i], AKIRA_UI_ANIM_SLIDE_LEFT, 200), 0);
    }
    assert_int_equal(akira_ui_stack_depth(&F->ui), 8);
    assert_int_equal(akira_ui_screen_push(&F->ui, k[3], 0, 0), AKIRA_EEXIST);
    fx_tick(F, 10);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_SCREEN_LOADED, 0), 7);
    /* mid-transition both screens show: the old one on the left, the new one coming in */
    fx_clear_events(F);
    assert_int_equal(akira_ui_screen_pop(&F->ui, AKIRA_UI_ANIM_SLIDE_RIGHT, 200), 0);
    fx_tick(F, 100);
    fx_refresh(F);
    assert_int_equal(F->fb[120 * 320 + 2], 0x6000);   /* k[6] slides in from the left */
    assert_int_equal(F->fb[120 * 320 + 317], 0x7000); /* k[7] leaving on the right */
    fx_tick(F, 150);
    fx_refresh(F);
    assert_int_equal(F->fb[120 * 320 + 317], 0x6000); /* done */
    assert_ptr_equal(akira_ui_screen_active(&F->ui), k[6]);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_SCREEN_LOADED, akira_ui_id(k[6])), 1);
    /* back pops too */
    fx_key(F, AKIRA_UI_KEY_BACK);
    assert_ptr_equal(akira_ui_screen_active(&F->ui), k[5]);
    /* load replaces the top; delete of a stacked screen drops it */
    assert_int_equal(akira_ui_screen_load(&F->ui, k[7], AKIRA_UI_ANIM_COVER, 100), 0);
    assert_int_equal(akira_ui_stack_depth(&F->ui), 6);
    assert_int_equal(akira_ui_screen_delete(k[7]), 0);
    assert_ptr_equal(akira_ui_screen_active(&F->ui), k[4]);
    while (akira_ui_stack_depth(&F->ui) > 1)
        assert_int_equal(akira_ui_screen_pop(&F->ui, 0, 0), 0);
    assert_int_equal(akira_ui_screen_pop(&F->ui, 0, 0), AKIRA_ESTATE);
    assert_int_equal(akira_ui_screen_push(&F->ui, k[1], 99, 0), AKIRA_EINVAL);
    assert_int_equal(akira_ui_screen_push(&F->ui, NULL, 0, 0), AKIRA_EINVAL);
}

static void launcher(void **s)
{
    (void)s;
    fake_apps_t apps;
    akira_ui_launcher_provider_t p;
    akira_ui_obj_t *scr = fake_launcher(F, &apps, &p);
    fx_refresh(F);
    /* select the second tile (weather, stopped) with the buttons: it starts */
    fx_key(F, AKIRA_UI_KEY_DOWN);
    fx_key(F, AKIRA_UI_KEY_DOWN);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(apps.starts, 1);
    assert_int_equal(apps.state[1], AKIRA_UI_APP_RUNNING);
    fx_key(F, AKIRA_UI_KEY_SELECT); /* running: stops */
    assert_int_equal(apps.stops, 1);
    /* a failing start shows a toast */
    fx_key(F, AKIRA_UI_KEY_DOWN);
    fx_key(F, AKIRA_UI_KEY_DOWN);
    assert_null(F->ui.top);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(apps.state[3], AKIRA_UI_APP_STOPPED);
    assert_non_null(F->ui.top);
    char buf[96];
    akira_ui_get_text(F->ui.top, buf, sizeof buf);
    assert_non_null(strstr(buf, "Cannot start snake"));
    /* by touch: tap the first tile (clock, running) */
    fx_refresh(F);
    akira_ui_obj_t *grid = akira_ui_child(scr, 1), *t0 = akira_ui_child(grid, 1);
    int x, y;
    fx_center(t0, &x, &y);
    fx_tap(F, x, y);
    assert_int_equal(apps.state[0], AKIRA_UI_APP_STOPPED);
    int32_t hidden;
    akira_ui_get(akira_ui_child(grid, 0), AKIRA_UI_P_HIDDEN, &hidden);
    assert_int_equal(hidden, 1); /* apps listed: no "No apps installed" */
    /* the app set changes: sync adds and drops tiles */
    apps.n = 2;
    assert_int_equal(akira_ui_launcher_sync(scr), 2);
    assert_null(akira_ui_child(grid, 3));
    apps.n = 0;
    assert_int_equal(akira_ui_launcher_sync(scr), 0);
    akira_ui_get(akira_ui_child(grid, 0), AKIRA_UI_P_HIDDEN, &hidden);
    assert_int_equal(hidden, 0); /* "No apps installed" */
    assert_int_equal(akira_ui_launcher_status(scr, "10:00", 101), AKIRA_EINVAL);
    assert_int_equal(akira_ui_launcher_sync(SCR), AKIRA_EINVAL); /* not a launcher */
    akira_ui_screen_delete(scr);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(absolute),    T(row_and_column),    T(wrap),    T(grid),     T(percent), T(scroll),
        T(dirty_areas), T(focus_ring_erased), T(screens), T(launcher),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

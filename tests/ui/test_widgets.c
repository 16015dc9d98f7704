/* Unit tests per widget type: properties, touch and button use, events to the owner. */
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

static akira_ui_obj_t *mk(int type)
{
    akira_ui_obj_t *o;
    assert_int_equal(akira_ui_create(&F->ui, &F->app, SCR, (akira_ui_type_t)type, &o), 0);
    assert_int_equal(akira_ui_type(o), type);
    return o;
}

static int32_t get(akira_ui_obj_t *o, akira_ui_prop_t p)
{
    int32_t v = -999;
    assert_int_equal(akira_ui_get(o, p, &v), 0);
    return v;
}

static void tap(akira_ui_obj_t *o)
{
    int x, y;
    fx_center(o, &x, &y);
    fx_tap(F, x, y);
}

static void tap_at(akira_ui_obj_t *o, int dx, int dy)
{
    akira_area_t a;
    akira_ui_area(o, &a);
    fx_tap(F, a.x1 + dx, a.y1 + dy);
}

/* focus o with the buttons (down until it has the ring) */
static void focus_by_keys(akira_ui_obj_t *o)
{
    for (int i = 0; i < 40 && akira_ui_focused(&F->ui) != o; i++)
        fx_key(F, AKIRA_UI_KEY_DOWN);
    assert_ptr_equal(akira_ui_focused(&F->ui), o);
}

static void t_label(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_LABEL);
    assert_int_equal(akira_ui_set_text(o, "Hello"), 0);
    char buf[4];
    assert_int_equal(akira_ui_get_text(o, buf, sizeof buf), 5); /* full length, truncated copy */
    assert_string_equal(buf, "Hel");
    akira_area_t a;
    akira_ui_area(o, &a);
    assert_int_equal(akira_area_w(&a), akira_font_text_width(&akira_font_sans16, "Hello", -1));
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 1), AKIRA_ENOTSUP);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_FONT, 3), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_FONT, 24), 0);
    akira_ui_area(o, &a);
    assert_int_equal(akira_area_h(&a), akira_font_sans24.line_height);
    /* wrapping at a fixed width makes it taller */
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_FONT, 16), 0);
    assert_int_equal(akira_ui_set_text(o, "one two three four five six seven"), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_W, 60), 0);
    akira_ui_area(o, &a);
    assert_true(akira_area_h(&a) >= 3 * akira_font_sans16.line_height);
    static char big[AKIRA_UI_MAX_TEXT + 2];
    memset(big, 'x', sizeof big - 1);
    assert_int_equal(akira_ui_set_text(o, big), AKIRA_ETOOBIG);
    assert_int_equal(akira_ui_get_text(o, buf, sizeof buf), 33); /* unchanged */
    fx_refresh(F);
}

static void t_button(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_BUTTON);
    akira_ui_set_text(o, "OK");
    akira_ui_set_user(o, 77);
    fx_refresh(F);
    tap(o);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_PRESSED, akira_ui_id(o)), 1);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_RELEASED, akira_ui_id(o)), 1);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_CLICKED, akira_ui_id(o)), 1);
    assert_int_equal(F->ev[F->nev - 1].user, 77);
    assert_int_equal(F->ev[F->nev - 1].owner_id, 7);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_FOCUSED, akira_ui_id(o)), 1); /* a tap focuses */
    /* by buttons: focus then select */
    fx_key(F, AKIRA_UI_KEY_DOWN); /* the ring moves off (wraps to the only one: stays) */
    fx_clear_events(F);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_CLICKED, akira_ui_id(o)), 1);
    /* long press */
    fx_clear_events(F);
    int x, y;
    fx_center(o, &x, &y);
    fx_touch(F, x, y, 1, 10);
    fx_tick(F, 600);
    fx_touch(F, x, y, 0, 10);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_LONG_PRESSED, akira_ui_id(o)), 1);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_CLICKED, akira_ui_id(o)), 0);
    /* disabled: no events */
    fx_clear_events(F);
    akira_ui_set(o, AKIRA_UI_P_DISABLED, 1);
    tap(o);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_CLICKED, 0), 0);
}

static void t_image(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_IMAGE);
    static akira_color_t px[16 * 8];
    for (int i = 0; i < 16 * 8; i++)
        px[i] = (akira_color_t)i;
    size_t before = F->app.used;
    assert_int_equal(akira_ui_image_set_rgb565(o, 16, 8, px, NULL), 0);
    assert_int_equal(F->app.used - before, 16 * 8 * 2); /* copied and charged */
    px[0] = 0xFFFF; /* the app's buffer changing does not change the image */
    akira_ui_set(o, AKIRA_UI_P_X, 5);
    akira_ui_set(o, AKIRA_UI_P_Y, 6);
    fx_refresh(F);
    assert_int_equal(F->fb[6 * 320 + 5], 0);
    assert_int_equal(F->fb[7 * 320 + 6], 17);
    assert_int_equal(akira_ui_image_set_rgb565(o, 10000, 10000, px, NULL), AKIRA_ETOOBIG);
    assert_int_equal(akira_ui_image_set_rgb565(o, 0, 8, px, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_ui_image_set_rgb565(o, 16, 8, NULL, NULL), AKIRA_EINVAL);
    static const uint8_t idx[4] = {0, 1, 1, 0};
    static const akira_color_t pal[2] = {0x1111, 0x2222};
    assert_int_equal(akira_ui_image_set_indexed(o, 2, 2, idx, pal, 2, 0), 0);
    assert_int_equal(F->app.used - before, 4 + 2 * 2); /* the old pixels were freed */
    fx_refresh(F);
    assert_int_equal(F->fb[6 * 320 + 6], 0x2222);
    assert_int_not_equal(F->fb[6 * 320 + 5], 0x1111); /* transparent index */
    assert_int_equal(akira_ui_image_set_indexed(o, 2, 2, idx, pal, 0, -1), AKIRA_EINVAL);
    akira_ui_obj_t *l = mk(AKIRA_UI_LABEL);
    assert_int_equal(akira_ui_image_set_rgb565(l, 2, 2, px, NULL), AKIRA_ENOTSUP);
}

static void toggles(int type)
{
    akira_ui_obj_t *o = mk(type);
    akira_ui_set_text(o, "opt");
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 0);
    fx_refresh(F);
    tap(o);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 1);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_VALUE_CHANGED, akira_ui_id(o)), 1);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 0);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_VALUE_CHANGED, akira_ui_id(o)), 2);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 2), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 1), 0);
    /* setting in code does not echo an event to the owner */
    assert_int_equal(fx_count(F, AKIRA_UI_EV_VALUE_CHANGED, akira_ui_id(o)), 2);
}

static void t_checkbox(void **s)
{
    (void)s;
    toggles(AKIRA_UI_CHECKBOX);
}

static void t_switch(void **s)
{
    (void)s;
    toggles(AKIRA_UI_SWITCH);
}

static void t_slider(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_SLIDER);
    akira_ui_set(o, AKIRA_UI_P_W, 224); /* track 200 px */
    akira_ui_set(o, AKIRA_UI_P_Y, 100);
    fx_refresh(F);
    akira_area_t a;
    akira_ui_area(o, &a);
    int cy = (a.y1 + a.y2) / 2;
    fx_touch(F, a.x1 + 12, cy, 1, 10);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 0);
    for (int x = a.x1 + 12; x <= a.x1 + 112; x += 10)
        fx_touch(F, x, cy, 1, 16); /* drag */
    fx_touch(F, a.x1 + 112, cy, 0, 10);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 50);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_VALUE_CHANGED, akira_ui_id(o)), 50);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_GESTURE, 0), 0); /* a drag on a slider is no swipe */
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT); /* edit mode */
    fx_key(F, AKIRA_UI_KEY_RIGHT);
    fx_key(F, AKIRA_UI_KEY_RIGHT);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 54); /* a key moves 1/50 of the range */
    fx_key(F, AKIRA_UI_KEY_SELECT);                 /* done */
    fx_key(F, AKIRA_UI_KEY_RIGHT);                  /* moves focus now */
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 54);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_MIN, 200), AKIRA_EINVAL); /* min >= max */
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_MAX, 40), 0);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 40); /* clamped */
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 1000), 0);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 40);
}

static void t_bar(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_BAR);
    akira_ui_set(o, AKIRA_UI_P_VALUE, 30);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 30);
    akira_ui_set(o, AKIRA_UI_P_W, 101);
    akira_ui_set(o, AKIRA_UI_P_Y, 50);
    fx_refresh(F);
    /* indicator up to 30% of the width */
    assert_int_equal(F->fb[56 * 320 + 20], akira_ui_theme_light.primary);
    assert_int_equal(F->fb[56 * 320 + 40], akira_ui_theme_light.surface2);
    assert_int_equal(akira_ui_get(o, AKIRA_UI_P_CURSOR, &(int32_t){0}), AKIRA_ENOTSUP);
    tap(o);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_CLICKED, 0), 0); /* not clickable */
}

static void t_arc(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_ARC);
    akira_ui_set(o, AKIRA_UI_P_W, 120);
    akira_ui_set(o, AKIRA_UI_P_H, 120);
    fx_refresh(F);
    /* press at the top of the ring: 270 degrees, half of the 270 degree sweep */
    tap_at(o, 60, 5);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 50);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_UP);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 52);
}

static void t_spinner(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_SPINNER);
    fx_refresh(F);
    akira_color_t snap[48 * 48];
    for (int y = 0; y < 48; y++)
        memcpy(&snap[y * 48], &F->fb[y * 320], 96);
    fx_tick(F, 300);
    assert_true(fx_refresh(F) > 0); /* it animates: invalid again */
    int changed = 0;
    for (int y = 0; y < 48; y++)
        changed += memcmp(&snap[y * 48], &F->fb[y * 320], 96) != 0;
    assert_true(changed > 0);
    (void)o;
}

static void t_led(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_LED);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 255);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 256), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 0), 0);
    fx_refresh(F);
    akira_color_t off = F->fb[12 * 320 + 12];
    akira_ui_set(o, AKIRA_UI_P_VALUE, 255);
    fx_refresh(F);
    assert_int_not_equal(F->fb[12 * 320 + 12], off);
}

static void t_line(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_LINE);
    static const int16_t pts[] = {0, 0, 50, 0, 50, 20};
    assert_int_equal(akira_ui_line_set_points(o, pts, 3), 0);
    assert_int_equal(akira_ui_line_set_points(o, pts, 1), AKIRA_EINVAL);
    assert_int_equal(akira_ui_line_set_points(o, pts, 33), AKIRA_ETOOBIG);
    static const int16_t bad[] = {0, 0, -5, 3};
    assert_int_equal(akira_ui_line_set_points(o, bad, 2), AKIRA_EINVAL);
    akira_area_t a;
    akira_ui_area(o, &a);
    assert_int_equal(akira_area_w(&a), 53);
    assert_int_equal(akira_area_h(&a), 23);
    fx_refresh(F);
    assert_int_equal(F->fb[1 * 320 + 25], akira_ui_theme_light.primary);
}

static void t_container(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_CONTAINER), *c;
    assert_int_equal(akira_ui_create(&F->ui, &F->app, o, AKIRA_UI_BUTTON, &c), 0);
    assert_ptr_equal(akira_ui_parent(c), o);
    assert_ptr_equal(akira_ui_child(o, 0), c);
    assert_null(akira_ui_child(o, 1));
    uint32_t n = F->app.objs;
    uint16_t cid = akira_ui_id(c);
    assert_int_equal(akira_ui_delete(o), 0);
    assert_int_equal(F->app.objs, n - 2); /* subtree gone */
    assert_null(akira_ui_find(&F->ui, NULL, cid));
}

static void t_list(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_LIST);
    assert_int_equal(akira_ui_set_options(o, "a\nb\nc\nd\ne\nf\ng\nh\ni\nj"), 0);
    akira_ui_set(o, AKIRA_UI_P_H, 100);
    fx_refresh(F);
    char buf[8];
    assert_int_equal(akira_ui_get_option(o, 2, buf, sizeof buf), 1);
    assert_string_equal(buf, "c");
    assert_int_equal(akira_ui_get_option(o, 10, buf, sizeof buf), AKIRA_ENOENT);
    int32_t rh = akira_font_sans16.line_height + 12;
    tap_at(o, 20, 1 + rh + rh / 2);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 1);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_CLICKED, akira_ui_id(o)), 1);
    /* drag scrolls it */
    akira_area_t a;
    akira_ui_area(o, &a);
    fx_touch(F, a.x1 + 20, a.y2 - 5, 1, 10);
    for (int d = 10; d <= 60; d += 10)
        fx_touch(F, a.x1 + 20, a.y2 - 5 - d, 1, 30);
    fx_touch(F, a.x1 + 20, a.y2 - 65, 0, 10);
    assert_true(get(o, AKIRA_UI_P_SCROLL_Y) > 0);
    assert_true(fx_count(F, AKIRA_UI_EV_SCROLLED, akira_ui_id(o)) > 0);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_GESTURE, 0), 0); /* a scroll is no swipe */
    /* scrolling is clamped to the content */
    akira_ui_set(o, AKIRA_UI_P_SCROLL_Y, 100000);
    assert_int_equal(get(o, AKIRA_UI_P_SCROLL_Y), 10 * rh - (100 - 2));
    /* keys: select enters, down moves and scrolls into view, select clicks */
    akira_ui_set(o, AKIRA_UI_P_SCROLL_Y, 0);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    for (int i = 0; i < 8; i++)
        fx_key(F, AKIRA_UI_KEY_DOWN);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 9);
    assert_true(get(o, AKIRA_UI_P_SCROLL_Y) > 0);
    fx_clear_events(F);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_CLICKED, akira_ui_id(o)), 9);
}

static void t_table(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_TABLE);
    assert_int_equal(akira_ui_table_set_cell(o, 0, 0, "x"), AKIRA_ERANGE); /* no cells yet */
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_ROWS, 3), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_COLS, 2), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_COLS, 9), AKIRA_EINVAL);
    assert_int_equal(akira_ui_table_set_cell(o, 2, 1, "last"), 0);
    assert_int_equal(akira_ui_table_set_cell(o, 3, 0, "x"), AKIRA_ERANGE);
    char buf[8];
    assert_int_equal(akira_ui_table_get_cell(o, 2, 1, buf, sizeof buf), 4);
    assert_string_equal(buf, "last");
    /* growing keeps the cells */
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_ROWS, 5), 0);
    assert_int_equal(akira_ui_table_get_cell(o, 2, 1, buf, sizeof buf), 4);
    fx_refresh(F);
    int32_t rh = akira_font_sans16.line_height + 8;
    tap_at(o, 60, 1 + 2 * rh + 4);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 2 * 2 + 1);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_DOWN);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 7);
    size_t used = F->app.used;
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_ROWS, 1), 0);
    assert_true(F->app.used < used); /* dropped cells freed */
}

static void t_textarea_keyboard(void **s)
{
    (void)s;
    akira_ui_obj_t *ta = mk(AKIRA_UI_TEXTAREA), *kb = mk(AKIRA_UI_KEYBOARD);
    akira_ui_set(kb, AKIRA_UI_P_Y, 80);
    assert_int_equal(akira_ui_keyboard_set_target(kb, ta), 0);
    assert_int_equal(akira_ui_keyboard_set_target(ta, kb), AKIRA_ENOTSUP);
    assert_int_equal(akira_ui_textarea_insert(ta, "héllo"), 0);
    assert_int_equal(get(ta, AKIRA_UI_P_CURSOR), 6);
    assert_int_equal(akira_ui_textarea_backspace(ta), 0);
    assert_int_equal(akira_ui_textarea_backspace(ta), 0);
    char buf[16];
    akira_ui_get_text(ta, buf, sizeof buf);
    assert_string_equal(buf, "hél");
    assert_int_equal(akira_ui_textarea_backspace(ta), 0); /* a 2-byte char at once */
    akira_ui_get_text(ta, buf, sizeof buf);
    assert_string_equal(buf, "hé");
    akira_ui_set(ta, AKIRA_UI_P_CURSOR, 2); /* inside é: moved to its start */
    assert_int_equal(get(ta, AKIRA_UI_P_CURSOR), 1);
    akira_ui_set(ta, AKIRA_UI_P_CURSOR, 100);
    assert_int_equal(get(ta, AKIRA_UI_P_CURSOR), 3);
    akira_ui_set(ta, AKIRA_UI_P_MAX, 5);
    assert_int_equal(akira_ui_textarea_insert(ta, "xyz"), AKIRA_ETOOBIG);
    assert_int_equal(akira_ui_set_text(ta, "123456"), AKIRA_ETOOBIG);
    akira_ui_get_text(ta, buf, sizeof buf);
    assert_string_equal(buf, "hé"); /* unchanged */
    akira_ui_set(ta, AKIRA_UI_P_MAX, 64);
    fx_refresh(F);
    /* tap keys on the on-screen keyboard: 'q' is the top-left key */
    akira_area_t a;
    akira_ui_area(kb, &a);
    int32_t rh = (akira_area_h(&a) - 6) / 4;
    fx_tap(F, a.x1 + 12, a.y1 + 3 + rh / 2);
    akira_ui_get_text(ta, buf, sizeof buf);
    assert_string_equal(buf, "héq");
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_VALUE_CHANGED, akira_ui_id(kb)), 'q');
    /* by buttons: select enters the keyboard, down-down-right... backspace on row 3 */
    focus_by_keys(kb);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_DOWN);
    fx_key(F, AKIRA_UI_KEY_DOWN);
    fx_key(F, AKIRA_UI_KEY_LEFT); /* wraps to the last key: backspace */
    fx_key(F, AKIRA_UI_KEY_SELECT);
    akira_ui_get_text(ta, buf, sizeof buf);
    assert_string_equal(buf, "hé");
    fx_key(F, AKIRA_UI_KEY_DOWN); /* the bottom row is shorter: the last key, enter */
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_READY, akira_ui_id(kb)), 1);
    fx_key(F, AKIRA_UI_KEY_BACK);
    /* the textarea's own edit mode moves the cursor */
    focus_by_keys(ta);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_LEFT);
    assert_int_equal(get(ta, AKIRA_UI_P_CURSOR), 1);
    /* a deleted target: the keyboard types into nothing */
    akira_ui_delete(ta);
    fx_key(F, AKIRA_UI_KEY_BACK);
    focus_by_keys(kb);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_SELECT);
}

static void t_dropdown(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_DROPDOWN);
    akira_ui_set_options(o, "Red\nGreen\nBlue");
    fx_refresh(F);
    tap(o);
    assert_int_equal(get(o, AKIRA_UI_P_OPEN), 1);
    fx_refresh(F);
    akira_area_t a;
    akira_ui_area(o, &a);
    int32_t rh = akira_font_sans16.line_height + 12;
    fx_tap(F, a.x1 + 20, a.y2 + 3 + 2 * rh + rh / 2); /* "Blue" in the list */
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 2);
    assert_int_equal(get(o, AKIRA_UI_P_OPEN), 0);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_VALUE_CHANGED, akira_ui_id(o)), 2);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(get(o, AKIRA_UI_P_OPEN), 1);
    fx_key(F, AKIRA_UI_KEY_UP);
    fx_key(F, AKIRA_UI_KEY_UP);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 0);
    assert_int_equal(get(o, AKIRA_UI_P_OPEN), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 3), AKIRA_EINVAL);
    /* a tap elsewhere closes it without a choice */
    akira_ui_set(o, AKIRA_UI_P_OPEN, 1);
    fx_tap(F, 300, 230);
    assert_int_equal(get(o, AKIRA_UI_P_OPEN), 0);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 0);
}

static void t_roller(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_ROLLER);
    akira_ui_set_options(o, "0\n1\n2\n3\n4\n5\n6");
    akira_ui_set(o, AKIRA_UI_P_VALUE, 3);
    fx_refresh(F);
    akira_area_t a;
    akira_ui_area(o, &a);
    int32_t rh = akira_font_sans16.line_height + 8;
    fx_tap(F, (a.x1 + a.x2) / 2, a.y1 + 8 + rh / 2); /* the row above the middle */
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 2);
    /* drag up two rows: value + 2 */
    int x = (a.x1 + a.x2) / 2, y = (a.y1 + a.y2) / 2;
    fx_touch(F, x, y, 1, 10);
    fx_touch(F, x, y - rh, 1, 30);
    fx_touch(F, x, y - 2 * rh, 1, 30);
    fx_touch(F, x, y - 2 * rh, 0, 30);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 4);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_DOWN);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 5);
}

static void t_spinbox(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_SPINBOX);
    akira_ui_set(o, AKIRA_UI_P_MIN, 0);
    akira_ui_set(o, AKIRA_UI_P_MAX, 10);
    akira_ui_set(o, AKIRA_UI_P_STEP, 5);
    fx_refresh(F);
    akira_area_t a;
    akira_ui_area(o, &a);
    tap_at(o, akira_area_w(&a) - 5, 5); /* + */
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 5);
    tap_at(o, akira_area_w(&a) - 5, 5);
    tap_at(o, akira_area_w(&a) - 5, 5);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 10); /* clamped */
    tap_at(o, 5, 5);                                /* - */
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 5);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_DOWN);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_STEP, 0), AKIRA_EINVAL);
}

static void t_chart(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_CHART);
    static int16_t v[65] = {0, 100};
    assert_int_equal(akira_ui_chart_set_points(o, 0, v, 2), 0);
    assert_int_equal(akira_ui_chart_set_points(o, 2, v, 2), AKIRA_EINVAL);
    assert_int_equal(akira_ui_chart_set_points(o, 0, v, 65), AKIRA_ETOOBIG);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_CHART_TYPE, 2), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_CHART_TYPE, 1), 0);
    assert_int_equal(get(o, AKIRA_UI_P_CHART_TYPE), 1);
    fx_refresh(F);
    /* bar chart: the 100 bar reaches the top of the plot, the 0 bar does not */
    akira_area_t a;
    akira_ui_area(o, &a);
    int top = a.y1 + 7 + 2, right = a.x1 + 7 + (200 - 14) * 3 / 4;
    assert_int_equal(F->fb[top * 320 + right], akira_ui_theme_light.primary);
    assert_int_not_equal(F->fb[top * 320 + a.x1 + 7 + (200 - 14) / 4],
                         akira_ui_theme_light.primary);
}

static void t_gauge(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_GAUGE);
    akira_ui_set(o, AKIRA_UI_P_MIN, -50);
    akira_ui_set(o, AKIRA_UI_P_MAX, 50);
    akira_ui_set(o, AKIRA_UI_P_VALUE, 0); /* needle straight up */
    fx_refresh(F);
    akira_area_t a;
    akira_ui_area(o, &a);
    int cx = (a.x1 + a.x2 + 1) / 2, cy = (a.y1 + a.y2 + 1) / 2;
    assert_int_equal(F->fb[(cy - 30) * 320 + cx], akira_ui_theme_light.primary);
    akira_ui_set(o, AKIRA_UI_P_VALUE, 50);
    fx_refresh(F);
    assert_int_not_equal(F->fb[(cy - 30) * 320 + cx], akira_ui_theme_light.primary);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_MAX, -60), AKIRA_EINVAL);
}

static void t_tabview(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_TABVIEW), *l;
    assert_int_equal(akira_ui_set_options(o, "A\nB\nC"), 0);
    assert_non_null(akira_ui_page(o, 2));
    assert_null(akira_ui_page(o, 3));
    assert_int_equal(akira_ui_set_options(o, "A\nB"), AKIRA_EINVAL); /* fewer tabs than pages */
    assert_int_equal(akira_ui_create(&F->ui, &F->app, akira_ui_page(o, 1), AKIRA_UI_BUTTON, &l), 0);
    fx_refresh(F);
    tap_at(o, 320 / 2, 10); /* tab B */
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 1);
    int32_t h;
    akira_ui_get(akira_ui_page(o, 0), AKIRA_UI_P_HIDDEN, &h);
    assert_int_equal(h, 1);
    fx_refresh(F);
    tap(l); /* the button on the shown page works */
    assert_int_equal(fx_count(F, AKIRA_UI_EV_CLICKED, akira_ui_id(l)), 1);
    /* swipe left: next tab */
    fx_touch(F, 250, 150, 1, 10);
    fx_touch(F, 200, 152, 1, 40);
    fx_touch(F, 150, 152, 1, 40);
    fx_touch(F, 150, 152, 0, 40);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 2);
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_LEFT);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 1);
}

static void t_tileview(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_TILEVIEW), *t;
    akira_ui_set(o, AKIRA_UI_P_COLS, 2);
    for (int i = 0; i < 4; i++)
        assert_int_equal(akira_ui_create(&F->ui, &F->app, o, AKIRA_UI_CONTAINER, &t), 0);
    fx_refresh(F);
    fx_touch(F, 250, 100, 1, 10);
    fx_touch(F, 150, 100, 1, 50);
    fx_touch(F, 100, 100, 0, 50);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 1); /* right neighbour */
    fx_touch(F, 150, 200, 1, 10);
    fx_touch(F, 150, 100, 1, 50);
    fx_touch(F, 150, 60, 0, 50);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 3); /* below */
    fx_touch(F, 100, 100, 1, 10);
    fx_touch(F, 200, 100, 1, 50);
    fx_touch(F, 250, 100, 0, 50);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 2);
    /* at the left edge a swipe right goes to the screen as a gesture */
    fx_clear_events(F);
    fx_touch(F, 100, 100, 1, 10);
    fx_touch(F, 250, 100, 0, 50);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 2);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_GESTURE, akira_ui_id(SCR)), AKIRA_UI_DIR_RIGHT);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 4), AKIRA_EINVAL);
}

static void t_msgbox(void **s)
{
    (void)s;
    akira_ui_obj_t *b = mk(AKIRA_UI_BUTTON), *m;
    akira_ui_set_text(b, "under");
    assert_int_equal(akira_ui_msgbox(&F->ui, &F->app, "T", "Body", "No\nYes", &m), 0);
    uint16_t id = akira_ui_id(m);
    fx_refresh(F);
    tap(b); /* modal: the button under it gets nothing */
    assert_int_equal(fx_count(F, AKIRA_UI_EV_CLICKED, akira_ui_id(b)), 0);
    fx_key(F, AKIRA_UI_KEY_RIGHT);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_VALUE_CHANGED, id), 1);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_READY, id), 1);
    assert_null(akira_ui_find(&F->ui, NULL, id)); /* closed and freed */
    /* by touch */
    assert_int_equal(akira_ui_msgbox(&F->ui, &F->app, NULL, "Body", "OK", &m), 0);
    id = akira_ui_id(m);
    fx_refresh(F);
    akira_area_t a;
    akira_ui_area(m, &a);
    fx_tap(F, (a.x1 + a.x2) / 2, a.y2 - 20);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_VALUE_CHANGED, id), 0);
    assert_null(akira_ui_find(&F->ui, NULL, id));
    /* back dismisses with -1 */
    assert_int_equal(akira_ui_msgbox(&F->ui, &F->app, NULL, "Body", "OK", &m), 0);
    id = akira_ui_id(m);
    fx_key(F, AKIRA_UI_KEY_BACK);
    assert_int_equal(fx_last_value(F, AKIRA_UI_EV_READY, id), -1);
    tap(b);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_CLICKED, akira_ui_id(b)), 1);
}

static void t_window(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_WINDOW), *c;
    assert_int_equal(akira_ui_set_title(o, "Title"), 0);
    assert_int_equal(akira_ui_create(&F->ui, &F->app, o, AKIRA_UI_LABEL, &c), 0);
    akira_ui_set_text(c, "x");
    akira_area_t wa, ca;
    akira_ui_area(o, &wa);
    akira_ui_area(c, &ca);
    assert_true(ca.y1 >= wa.y1 + 34); /* content below the title bar */
    fx_refresh(F);
    tap_at(o, akira_area_w(&wa) - 10, 10);
    assert_int_equal(fx_count(F, AKIRA_UI_EV_READY, akira_ui_id(o)), 1);
    assert_int_equal(akira_ui_set_title(c, "x"), AKIRA_ENOTSUP);
}

static void t_menu(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_MENU);
    akira_ui_set_title(o, "Menu");
    akira_ui_set_options(o, "One\nTwo\nThree");
    fx_refresh(F);
    int32_t rh = akira_font_sans16.line_height + 12;
    tap_at(o, 30, 1 + rh + 2 * rh + rh / 2); /* under the header: "Three" */
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 2);
    tap_at(o, 30, 5); /* the header chooses nothing */
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 2);
}

static void t_calendar(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_CALENDAR);
    akira_ui_set(o, AKIRA_UI_P_YEAR, 2024);
    akira_ui_set(o, AKIRA_UI_P_MONTH, 2);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 29), 0); /* leap year */
    akira_ui_set(o, AKIRA_UI_P_YEAR, 2025);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 28); /* clamped */
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 29), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_MONTH, 13), AKIRA_EINVAL);
    /* keys cross the month end */
    focus_by_keys(o);
    fx_key(F, AKIRA_UI_KEY_SELECT);
    fx_key(F, AKIRA_UI_KEY_RIGHT);
    assert_int_equal(get(o, AKIRA_UI_P_MONTH), 3);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 1);
    fx_key(F, AKIRA_UI_KEY_UP);
    assert_int_equal(get(o, AKIRA_UI_P_MONTH), 2);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 22);
    fx_key(F, AKIRA_UI_KEY_BACK);
    fx_refresh(F);
    /* 1 March 2025 is a Saturday: column 5 of the first row */
    akira_ui_set(o, AKIRA_UI_P_MONTH, 3);
    fx_refresh(F);
    int32_t lh = akira_font_sans16.line_height,
            cw = (akira_area_w(&(akira_area_t){0, 0, 223, 0}) - 0) / 7;
    (void)cw;
    akira_area_t a;
    akira_ui_area(o, &a);
    int32_t p = 4 + 1, w = (akira_area_w(&a) - 2 * p) / 7;
    tap_at(o, p + 5 * w + w / 2, p + 2 * lh + 8 + 3);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 1);
    tap_at(o, p + 6 * w + w / 2, p + 4); /* next month arrow */
    assert_int_equal(get(o, AKIRA_UI_P_MONTH), 4);
}

static int cv_draw(akira_gfx_t *g, void *arg)
{
    (void)arg;
    akira_gfx_pixel(g, 3, 2, 0x1234);
    akira_gfx_pixel(g, 1000, 2, 0x1234); /* clipped to the canvas */
    return 0;
}

static void t_canvas(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_CANVAS);
    assert_int_equal(akira_ui_canvas_pixel(o, 0, 0, 1), AKIRA_ESTATE);
    assert_int_equal(akira_ui_canvas_size(o, 10000, 10000, 0), AKIRA_ETOOBIG);
    assert_int_equal(akira_ui_canvas_size(o, 8, 4, 0x0001), 0);
    assert_int_equal(akira_ui_canvas_pixel(o, 8, 0, 1), AKIRA_ERANGE);
    assert_int_equal(akira_ui_canvas_pixel(o, -1, 0, 1), AKIRA_ERANGE);
    assert_int_equal(akira_ui_canvas_pixel(o, 7, 3, 0xABCD), 0);
    assert_int_equal(akira_ui_canvas_draw(o, cv_draw, NULL), 0);
    fx_refresh(F);
    assert_int_equal(F->fb[3 * 320 + 7], 0xABCD);
    assert_int_equal(F->fb[2 * 320 + 3], 0x1234);
    assert_int_equal(F->fb[0], 0x0001);
}

static void t_qrcode(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_QRCODE);
    assert_int_equal(akira_ui_set_text(o, "hi"), 0);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 21); /* version 1 */
    char s107[108];
    memset(s107, 'a', 107);
    s107[107] = 0;
    assert_int_equal(akira_ui_set_text(o, s107), AKIRA_ETOOBIG);
    s107[106] = 0;
    assert_int_equal(akira_ui_set_text(o, s107), 0);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 37); /* version 5 */
    akira_ui_set_text(o, "https://akiraos.dev/apps");
    akira_ui_set(o, AKIRA_UI_P_W, 120);
    akira_ui_set(o, AKIRA_UI_P_H, 120);
    fx_refresh(F);
    /* the top-left finder: dark corner module, light ring inside it */
    int32_t n = get(o, AKIRA_UI_P_VALUE), m = (120 - 8) / n;
    int32_t x0 = 4 + (120 - 8 - m * n) / 2;
    assert_int_equal(F->fb[x0 * 320 + x0], 0);
    assert_int_equal(F->fb[(x0 + m + 1) * 320 + x0 + m + 1], 0xFFFF);
    assert_int_equal(F->fb[(x0 + 3 * m + 1) * 320 + x0 + 3 * m + 1], 0);
    /* decoded by a real reader (zbar, Debian's zbar-tools) */
    char path[512];
    snprintf(path, sizeof path, "%s/qr_unit.png", UI_OUT_DIR);
    assert_int_equal(fx_png_write(F, path), 0);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "zbarimg -q --raw %s 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char out[128] = "";
    if (!fgets(out, sizeof out, p)) out[0] = 0;
    pclose(p);
    assert_string_equal(out, "https://akiraos.dev/apps\n");
}

static void t_progress_ring(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_PROGRESS_RING);
    akira_ui_set(o, AKIRA_UI_P_VALUE, 25);
    fx_refresh(F);
    /* 25%: the ring from 12 to 3 o'clock is drawn, 6 o'clock is not */
    assert_int_equal(F->fb[(40 - 25) * 320 + 40 + 25], akira_ui_theme_light.primary);
    assert_int_not_equal(F->fb[(40 + 36) * 320 + 40], akira_ui_theme_light.primary);
    assert_int_equal(get(o, AKIRA_UI_P_VALUE), 25);
}

static void t_toast(void **s)
{
    (void)s;
    akira_ui_obj_t *o;
    assert_int_equal(akira_ui_toast(&F->ui, &F->app, "Hi", 1000, &o), 0);
    uint16_t id = akira_ui_id(o);
    assert_int_equal(akira_ui_toast(&F->ui, &F->app, "Hi", 0, &o), AKIRA_EINVAL);
    fx_tick(F, 500);
    assert_non_null(akira_ui_find(&F->ui, NULL, id));
    size_t used = F->app.used;
    fx_tick(F, 600);
    assert_null(akira_ui_find(&F->ui, NULL, id)); /* expired and freed */
    assert_true(F->app.used < used);
}

static void t_statusbar(void **s)
{
    (void)s;
    akira_ui_obj_t *o = mk(AKIRA_UI_STATUSBAR);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 101), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_VALUE, 50), 0);
    assert_int_equal(akira_ui_set_title(o, "T"), 0);
    akira_area_t a;
    akira_ui_area(o, &a);
    assert_int_equal(akira_area_w(&a), 320); /* full width */
    fx_refresh(F);
}

static void t_generic(void **s)
{
    (void)s;
    akira_ui_obj_t *o;
    assert_int_equal(akira_ui_create(&F->ui, &F->app, SCR, AKIRA_UI_TYPE_COUNT, &o), AKIRA_EINVAL);
    assert_int_equal(akira_ui_create(&F->ui, &F->app, SCR, AKIRA_UI_SCREEN, &o), AKIRA_EINVAL);
    assert_int_equal(akira_ui_create(&F->ui, &F->app, NULL, AKIRA_UI_LABEL, &o), AKIRA_EINVAL);
    /* another owner may not add to this tree */
    assert_int_equal(akira_ui_create(&F->ui, &F->sys, SCR, AKIRA_UI_LABEL, &o), AKIRA_EPERM);
    o = mk(AKIRA_UI_BUTTON);
    assert_ptr_equal(akira_ui_find(&F->ui, &F->app, akira_ui_id(o)), o);
    assert_null(akira_ui_find(&F->ui, &F->sys, akira_ui_id(o))); /* not sys's */
    assert_int_equal(akira_ui_owner_id(o), 7);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_W, -5), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_W, AKIRA_UI_PCT(50)), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_BG_COLOR, 0x10000), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_HIDDEN, 2), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_COUNT_, 0), AKIRA_ENOTSUP);
    assert_int_equal(akira_ui_set(o, (akira_ui_prop_t)999, 0), AKIRA_ENOTSUP);
    assert_int_equal(akira_ui_set_options(o, "a"), AKIRA_ENOTSUP);
    /* every type has a name and can be created and deleted */
    for (int t = 1; t < AKIRA_UI_TYPE_COUNT; t++) {
        assert_non_null(akira_ui_type_name(t));
        if (t == AKIRA_UI_TOAST || t == AKIRA_UI_MSGBOX) continue; /* top layer */
        akira_ui_obj_t *w = mk(t);
        fx_refresh(F);
        assert_int_equal(akira_ui_delete(w), 0);
    }
    assert_null(akira_ui_type_name(AKIRA_UI_TYPE_COUNT));
    /* theme switch keeps an overridden color */
    akira_ui_set(o, AKIRA_UI_P_BG_COLOR, 0x1234);
    assert_int_equal(akira_ui_set_theme(&F->ui, &akira_ui_theme_dark), 0);
    int32_t v;
    akira_ui_get(o, AKIRA_UI_P_BG_COLOR, &v);
    assert_int_equal(v, 0x1234);
    akira_ui_get(o, AKIRA_UI_P_FG_COLOR, &v);
    assert_int_equal(v, akira_ui_theme_dark.on_primary);
    akira_ui_get(SCR, AKIRA_UI_P_BG_COLOR, &v);
    assert_int_equal(v, akira_ui_theme_dark.bg);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(t_label),     T(t_button),    T(t_image),   T(t_checkbox),      T(t_switch),
        T(t_slider),    T(t_bar),       T(t_arc),     T(t_spinner),       T(t_led),
        T(t_line),      T(t_container), T(t_list),    T(t_table),         T(t_textarea_keyboard),
        T(t_dropdown),  T(t_roller),    T(t_spinbox), T(t_chart),         T(t_gauge),
        T(t_tabview),   T(t_tileview),  T(t_msgbox),  T(t_window),        T(t_menu),
        T(t_calendar),  T(t_canvas),    T(t_qrcode),  T(t_progress_ring), T(t_toast),
        T(t_statusbar), T(t_generic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

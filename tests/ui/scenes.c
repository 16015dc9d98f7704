#include "scenes.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static akira_ui_obj_t *mk(fx_t *f, akira_ui_obj_t *parent, int type)
{
    akira_ui_obj_t *o;
    assert_int_equal(akira_ui_create(&f->ui, &f->app, parent, (akira_ui_type_t)type, &o), 0);
    return o;
}

static void at(akira_ui_obj_t *o, int x, int y)
{
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_X, x), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_Y, y), 0);
}

static void size(akira_ui_obj_t *o, int w, int h)
{
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_W, w), 0);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_H, h), 0);
}

static void set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    assert_int_equal(akira_ui_set(o, p, v), 0);
}

static void text(akira_ui_obj_t *o, const char *s)
{
    assert_int_equal(akira_ui_set_text(o, s), 0);
}

static int canvas_art(akira_gfx_t *g, void *arg)
{
    (void)arg;
    akira_area_t all = {0, 0, 159, 99};
    akira_gfx_fill(g, &all, AKIRA_RGB(0x10, 0x18, 0x30));
    akira_gfx_circle(g, 40, 50, 30, 0, AKIRA_RGB(0xF5, 0x9E, 0x0B));
    akira_gfx_triangle(g, 80, 90, 120, 10, 155, 90, 1, AKIRA_RGB(0x16, 0xA3, 0x4A));
    akira_gfx_triangle(g, 80, 90, 120, 10, 155, 90, 0, AKIRA_RGB(0xFF, 0xFF, 0xFF));
    akira_gfx_line(g, 0, 99, 159, 0, 2, AKIRA_RGB(0xE1, 0x1D, 0x48));
    akira_area_t r = {8, 8, 60, 30};
    akira_gfx_rrect(g, &r, 8, 2, AKIRA_RGB(0x4C, 0x8D, 0xF6));
    return 0;
}

akira_ui_obj_t *scene_build(fx_t *f, int type)
{
    akira_ui_obj_t *scr, *o = NULL, *b;
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->app, &scr), 0);
    assert_int_equal(akira_ui_screen_push(&f->ui, scr, AKIRA_UI_ANIM_NONE, 0), 0);
    const akira_ui_theme_t *th = f->ui.theme;
    switch (type) {
    case AKIRA_UI_LABEL:
        o = mk(f, scr, type);
        at(o, 10, 10);
        set(o, AKIRA_UI_P_W, 220);
        text(o, "Grüße aus Ålesund! Café 21°C ±2, ½ price. The label wraps long lines "
                "at spaces.");
        b = mk(f, scr, type);
        at(b, 10, 120);
        set(b, AKIRA_UI_P_FONT, 24);
        text(b, "Big 24 px");
        b = mk(f, scr, type);
        at(b, 10, 160);
        set(b, AKIRA_UI_P_FONT, 12);
        set(b, AKIRA_UI_P_FG_COLOR, th->text_muted);
        text(b, "small 12 px " AKIRA_SYM_CHECK " " AKIRA_SYM_STAR " " AKIRA_SYM_SETTINGS);
        break;
    case AKIRA_UI_BUTTON:
        o = mk(f, scr, type);
        at(o, 20, 20);
        text(o, "Start");
        b = mk(f, scr, type);
        at(b, 20, 80);
        size(b, 200, 48);
        set(b, AKIRA_UI_P_BG_COLOR, th->danger);
        text(b, AKIRA_SYM_STOP " Stop all");
        b = mk(f, scr, type);
        at(b, 20, 150);
        set(b, AKIRA_UI_P_DISABLED, 1);
        text(b, "Disabled");
        break;
    case AKIRA_UI_IMAGE: {
        static akira_color_t px[64 * 64];
        static uint8_t idx[32 * 32];
        static const akira_color_t pal[4] = {0, AKIRA_RGB(0xE1, 0x1D, 0x48),
                                             AKIRA_RGB(0xFF, 0xFF, 0xFF),
                                             AKIRA_RGB(0x1E, 0x6F, 0xE8)};
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++) {
                int dx = x - 32, dy = y - 32;
                px[y * 64 + x] = dx * dx + dy * dy > 30 * 30 ? 0xF81F /* key */
                                                             : AKIRA_RGB(x * 4, y * 4, 255 - x * 2);
            }
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                idx[y * 32 + x] = (uint8_t)((x / 8 + y / 8) % 2 ? 1 + (x + y) % 3 : 0);
        akira_color_t key = 0xF81F;
        o = mk(f, scr, type);
        at(o, 20, 20);
        assert_int_equal(akira_ui_image_set_rgb565(o, 64, 64, px, &key), 0);
        b = mk(f, scr, type);
        at(b, 120, 36);
        assert_int_equal(akira_ui_image_set_indexed(b, 32, 32, idx, pal, 4, 0), 0);
        b = mk(f, scr, type);
        at(b, 20, 120);
        assert_int_equal(akira_ui_image_set_rgb565(b, 64, 64, px, NULL), 0);
        break;
    }
    case AKIRA_UI_CHECKBOX:
        o = mk(f, scr, type);
        at(o, 20, 20);
        text(o, "Wi-Fi");
        set(o, AKIRA_UI_P_VALUE, 1);
        b = mk(f, scr, type);
        at(b, 20, 60);
        text(b, "Bluetooth");
        b = mk(f, scr, type);
        at(b, 20, 100);
        text(b, "Disabled");
        set(b, AKIRA_UI_P_DISABLED, 1);
        break;
    case AKIRA_UI_SWITCH:
        o = mk(f, scr, type);
        at(o, 20, 20);
        set(o, AKIRA_UI_P_VALUE, 1);
        b = mk(f, scr, type);
        at(b, 100, 20);
        b = mk(f, scr, type);
        at(b, 20, 70);
        size(b, 80, 40);
        set(b, AKIRA_UI_P_VALUE, 1);
        set(b, AKIRA_UI_P_ACCENT_COLOR, th->ok);
        break;
    case AKIRA_UI_SLIDER:
        o = mk(f, scr, type);
        at(o, 20, 20);
        set(o, AKIRA_UI_P_W, 200);
        set(o, AKIRA_UI_P_VALUE, 60);
        b = mk(f, scr, type);
        at(b, 20, 70);
        set(b, AKIRA_UI_P_W, 200);
        set(b, AKIRA_UI_P_VALUE, 15);
        set(b, AKIRA_UI_P_ACCENT_COLOR, th->danger);
        break;
    case AKIRA_UI_BAR:
        o = mk(f, scr, type);
        at(o, 20, 20);
        set(o, AKIRA_UI_P_W, 200);
        set(o, AKIRA_UI_P_VALUE, 70);
        b = mk(f, scr, type);
        at(b, 20, 60);
        size(b, 20, 150);
        set(b, AKIRA_UI_P_VALUE, 40);
        set(b, AKIRA_UI_P_ACCENT_COLOR, th->ok);
        break;
    case AKIRA_UI_ARC:
        o = mk(f, scr, type);
        at(o, 20, 20);
        size(o, 140, 140);
        set(o, AKIRA_UI_P_VALUE, 65);
        break;
    case AKIRA_UI_SPINNER:
        o = mk(f, scr, type);
        at(o, 20, 20);
        b = mk(f, scr, type);
        at(b, 100, 20);
        size(b, 96, 96);
        break;
    case AKIRA_UI_LED:
        o = mk(f, scr, type);
        at(o, 20, 20);
        b = mk(f, scr, type);
        at(b, 60, 20);
        set(b, AKIRA_UI_P_VALUE, 60);
        b = mk(f, scr, type);
        at(b, 100, 20);
        set(b, AKIRA_UI_P_VALUE, 0);
        b = mk(f, scr, type);
        at(b, 140, 12);
        size(b, 40, 40);
        set(b, AKIRA_UI_P_ACCENT_COLOR, AKIRA_RGB(0xE1, 0x1D, 0x48));
        break;
    case AKIRA_UI_LINE: {
        static const int16_t pts[] = {0, 60, 40, 0, 80, 80, 120, 20, 160, 70, 200, 10};
        o = mk(f, scr, type);
        at(o, 10, 20);
        assert_int_equal(akira_ui_line_set_points(o, pts, 6), 0);
        break;
    }
    case AKIRA_UI_CONTAINER:
        o = mk(f, scr, type);
        at(o, 10, 10);
        size(o, 220, AKIRA_UI_SIZE_CONTENT);
        set(o, AKIRA_UI_P_LAYOUT, AKIRA_UI_LAYOUT_ROW);
        set(o, AKIRA_UI_P_WRAP, 1);
        set(o, AKIRA_UI_P_GAP, 6);
        for (int i = 0; i < 5; i++) {
            b = mk(f, o, AKIRA_UI_BUTTON);
            char buf[8];
            snprintf(buf, sizeof buf, "B%d", i);
            text(b, buf);
        }
        break;
    case AKIRA_UI_LIST:
        o = mk(f, scr, type);
        at(o, 10, 10);
        size(o, 220, 200);
        assert_int_equal(
            akira_ui_set_options(o, "Display\nSound\nNetwork\nBluetooth\nStorage\nAbout"), 0);
        set(o, AKIRA_UI_P_VALUE, 1);
        break;
    case AKIRA_UI_TABLE:
        o = mk(f, scr, type);
        at(o, 10, 10);
        set(o, AKIRA_UI_P_ROWS, 4);
        set(o, AKIRA_UI_P_COLS, 3);
        {
            static const char *cells[4][3] = {{"App", "RAM", "CPU"},
                                              {"clock", "64K", "2%"},
                                              {"game", "256K", "31%"},
                                              {"sensors", "96K", "5%"}};
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 3; c++)
                    assert_int_equal(akira_ui_table_set_cell(o, r, c, cells[r][c]), 0);
        }
        break;
    case AKIRA_UI_TEXTAREA:
        o = mk(f, scr, type);
        at(o, 10, 10);
        size(o, 220, 90);
        text(o, "Type here: a text area with a cursor");
        assert_int_equal(akira_ui_focus(o), 0);
        break;
    case AKIRA_UI_KEYBOARD:
        b = mk(f, scr, AKIRA_UI_TEXTAREA);
        at(b, 10, 10);
        size(b, 220, 40);
        text(b, "hello");
        o = mk(f, scr, type);
        at(o, 0, 80);
        size(o, 240, 160);
        assert_int_equal(akira_ui_keyboard_set_target(o, b), 0);
        break;
    case AKIRA_UI_DROPDOWN:
        o = mk(f, scr, type);
        at(o, 20, 20);
        set(o, AKIRA_UI_P_W, 200);
        assert_int_equal(akira_ui_set_options(o, "Light\nDark\nAuto\nHigh contrast"), 0);
        set(o, AKIRA_UI_P_VALUE, 1);
        set(o, AKIRA_UI_P_OPEN, 1);
        break;
    case AKIRA_UI_ROLLER:
        o = mk(f, scr, type);
        at(o, 20, 20);
        assert_int_equal(akira_ui_set_options(o, "January\nFebruary\nMarch\nApril\nMay"), 0);
        set(o, AKIRA_UI_P_VALUE, 2);
        set(o, AKIRA_UI_P_ROWS, 5);
        break;
    case AKIRA_UI_SPINBOX:
        o = mk(f, scr, type);
        at(o, 20, 20);
        text(o, "°C");
        set(o, AKIRA_UI_P_VALUE, 42);
        break;
    case AKIRA_UI_CHART: {
        static const int16_t s0[] = {10, 35, 25, 60, 55, 80, 70, 90};
        static const int16_t s1[] = {5, 15, 30, 20, 40, 35, 50, 45};
        o = mk(f, scr, type);
        at(o, 10, 10);
        size(o, 220, 100);
        assert_int_equal(akira_ui_chart_set_points(o, 0, s0, 8), 0);
        assert_int_equal(akira_ui_chart_set_points(o, 1, s1, 8), 0);
        b = mk(f, scr, type);
        at(b, 10, 125);
        size(b, 220, 100);
        set(b, AKIRA_UI_P_CHART_TYPE, 1);
        assert_int_equal(akira_ui_chart_set_points(b, 0, s0, 8), 0);
        break;
    }
    case AKIRA_UI_GAUGE:
        o = mk(f, scr, type);
        at(o, 20, 20);
        size(o, 200, 200);
        set(o, AKIRA_UI_P_VALUE, 72);
        break;
    case AKIRA_UI_TABVIEW:
        o = mk(f, scr, type);
        assert_int_equal(akira_ui_set_options(o, "Home\nStats\nInfo"), 0);
        b = mk(f, akira_ui_page(o, 0), AKIRA_UI_LABEL);
        text(b, "First page of the tab view.");
        b = mk(f, akira_ui_page(o, 1), AKIRA_UI_LABEL);
        text(b, "Second page");
        break;
    case AKIRA_UI_TILEVIEW:
        o = mk(f, scr, type);
        set(o, AKIRA_UI_P_COLS, 2);
        for (int i = 0; i < 4; i++) {
            akira_ui_obj_t *t = mk(f, o, AKIRA_UI_CONTAINER);
            b = mk(f, t, AKIRA_UI_LABEL);
            char buf[32];
            snprintf(buf, sizeof buf, "Tile %d of 4", i + 1);
            text(b, buf);
            set(b, AKIRA_UI_P_FONT, 24);
        }
        set(o, AKIRA_UI_P_VALUE, 1);
        break;
    case AKIRA_UI_MSGBOX:
        b = mk(f, scr, AKIRA_UI_LABEL);
        text(b, "Screen under the box");
        assert_int_equal(akira_ui_msgbox(&f->ui, &f->app, "Delete app?",
                                         "The app and its data are removed.", "Cancel\nDelete", &o),
                         0);
        break;
    case AKIRA_UI_WINDOW:
        o = mk(f, scr, type);
        at(o, 10, 10);
        size(o, 220, 180);
        assert_int_equal(akira_ui_set_title(o, "Window"), 0);
        b = mk(f, o, AKIRA_UI_LABEL);
        text(b, "Content under the title bar.");
        set(b, AKIRA_UI_P_W, 190);
        break;
    case AKIRA_UI_MENU:
        o = mk(f, scr, type);
        at(o, 10, 10);
        size(o, 220, 210);
        assert_int_equal(akira_ui_set_title(o, AKIRA_SYM_SETTINGS " Settings"), 0);
        assert_int_equal(akira_ui_set_options(o, "Display\nSound\nApps\nAbout"), 0);
        set(o, AKIRA_UI_P_VALUE, 2);
        break;
    case AKIRA_UI_CALENDAR:
        o = mk(f, scr, type);
        at(o, 5, 5);
        set(o, AKIRA_UI_P_YEAR, 2026);
        set(o, AKIRA_UI_P_MONTH, 12);
        set(o, AKIRA_UI_P_VALUE, 7);
        break;
    case AKIRA_UI_CANVAS:
        o = mk(f, scr, type);
        at(o, 40, 40);
        assert_int_equal(akira_ui_canvas_size(o, 160, 100, 0), 0);
        assert_int_equal(akira_ui_canvas_draw(o, canvas_art, NULL), 0);
        break;
    case AKIRA_UI_QRCODE:
        o = mk(f, scr, type);
        at(o, 20, 20);
        size(o, 200, 200);
        text(o, "https://akiraos.dev/apps");
        break;
    case AKIRA_UI_PROGRESS_RING:
        o = mk(f, scr, type);
        at(o, 20, 20);
        set(o, AKIRA_UI_P_VALUE, 75);
        b = mk(f, scr, type);
        at(b, 120, 20);
        size(b, 110, 110);
        set(b, AKIRA_UI_P_VALUE, 30);
        set(b, AKIRA_UI_P_ACCENT_COLOR, th->ok);
        break;
    case AKIRA_UI_TOAST:
        b = mk(f, scr, AKIRA_UI_LABEL);
        text(b, "Screen under the toast");
        assert_int_equal(
            akira_ui_toast(&f->ui, &f->app, AKIRA_SYM_CHECK " Settings saved", 3000, &o), 0);
        break;
    case AKIRA_UI_STATUSBAR:
        o = mk(f, scr, type);
        assert_int_equal(akira_ui_set_title(o, "AkiraOS"), 0);
        text(o, "12:34");
        set(o, AKIRA_UI_P_VALUE, 80);
        b = mk(f, scr, type);
        at(b, 0, 60);
        assert_int_equal(akira_ui_set_title(b, "Low battery"), 0);
        text(b, "23:59");
        set(b, AKIRA_UI_P_VALUE, 10);
        break;
    default: fail_msg("no scene for type %d", type);
    }
    return o;
}

static int fk_count(void *ctx)
{
    return ((fake_apps_t *)ctx)->n;
}

static int fk_name(void *ctx, int i, char *buf, size_t cap)
{
    fake_apps_t *a = ctx;
    if (i < 0 || i >= a->n) return AKIRA_ENOENT;
    snprintf(buf, cap, "%s", a->names[i]);
    return 0;
}

static int fk_state(void *ctx, int i)
{
    fake_apps_t *a = ctx;
    return i >= 0 && i < a->n ? a->state[i] : AKIRA_ENOENT;
}

static int fk_start(void *ctx, int i)
{
    fake_apps_t *a = ctx;
    a->starts++;
    if (i == a->fail_start) return AKIRA_ENOMEM;
    a->state[i] = AKIRA_UI_APP_RUNNING;
    return 0;
}

static int fk_stop(void *ctx, int i)
{
    fake_apps_t *a = ctx;
    a->stops++;
    a->state[i] = AKIRA_UI_APP_STOPPED;
    return 0;
}

const akira_ui_launcher_provider_t fake_provider = {fk_count, fk_name, fk_state,
                                                    fk_start, fk_stop, NULL};

void fake_apps_init(fake_apps_t *a)
{
    static const char *names[] = {"clock", "weather", "sensors", "snake", "settings"};
    memset(a, 0, sizeof *a);
    a->n = 5;
    for (int i = 0; i < 5; i++)
        a->names[i] = names[i];
    a->state[0] = AKIRA_UI_APP_RUNNING;
    a->state[2] = AKIRA_UI_APP_FAILED;
    a->fail_start = 3;
}

akira_ui_obj_t *fake_launcher(fx_t *f, fake_apps_t *apps, akira_ui_launcher_provider_t *p)
{
    akira_ui_obj_t *scr;
    fake_apps_init(apps);
    *p = fake_provider;
    p->ctx = apps;
    assert_int_equal(akira_ui_launcher_create(&f->ui, &f->sys, p, &scr), 0);
    assert_int_equal(akira_ui_screen_push(&f->ui, scr, AKIRA_UI_ANIM_NONE, 0), 0);
    return scr;
}

/* Replayed input sessions: tests/ui/sessions/NAME.txt drives a settings screen with
 * timestamped touch and button input, checks the events its owner receives and the
 * widgets' state, and ends with a golden image of the resulting screen.
 *
 * Lines: touch X Y | move X Y | release | press KEY | wait MS |
 *        expect EVENT WIDGET [VALUE] | expect-none EVENT WIDGET |
 *        expect-prop WIDGET value|open N | golden NAME */
#include "scenes.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

typedef struct {
    const char *name;
    akira_ui_obj_t *o;
} named_t;

static named_t W[16];
static int NW;
static fx_t *F;
static akira_ui_obj_t *MAIN, *ABOUT;

static akira_ui_obj_t *widget(const char *name)
{
    for (int i = 0; i < NW; i++)
        if (!strcmp(W[i].name, name)) return W[i].o;
    fail_msg("no widget %s", name);
    return NULL;
}

static akira_ui_obj_t *add(const char *name, akira_ui_obj_t *parent, int type, int x, int y)
{
    akira_ui_obj_t *o;
    assert_int_equal(akira_ui_create(&F->ui, &F->app, parent, (akira_ui_type_t)type, &o), 0);
    akira_ui_set(o, AKIRA_UI_P_X, x);
    akira_ui_set(o, AKIRA_UI_P_Y, y);
    assert_true(NW < 16);
    W[NW++] = (named_t){name, o};
    return o;
}

/* The app's event handler: "save" opens the about screen. */
static void app_events(const akira_ui_event_t *e, void *user)
{
    fx_t *f = user;
    if (f->nev < FX_MAX_EVENTS) f->ev[f->nev++] = *e;
    if (e->type == AKIRA_UI_EV_CLICKED && e->obj_id == akira_ui_id(widget("save")))
        akira_ui_screen_push(&f->ui, ABOUT, AKIRA_UI_ANIM_SLIDE_LEFT, 250);
}

static void build(void)
{
    NW = 0;
    F = fx_new(320, 240, &akira_ui_theme_light, 128 * 1024);
    F->app.cb = app_events;
    assert_int_equal(akira_ui_screen_create(&F->ui, &F->app, &MAIN), 0);
    assert_int_equal(akira_ui_screen_create(&F->ui, &F->app, &ABOUT), 0);
    W[NW++] = (named_t){"main", MAIN};
    W[NW++] = (named_t){"about", ABOUT};
    akira_ui_obj_t *t = add("title", MAIN, AKIRA_UI_LABEL, 10, 8), *o;
    akira_ui_set_text(t, "Settings");
    t = add("wifi_l", MAIN, AKIRA_UI_LABEL, 10, 36);
    akira_ui_set_text(t, "Wi-Fi");
    add("wifi", MAIN, AKIRA_UI_SWITCH, 266, 31);
    o = add("volume", MAIN, AKIRA_UI_SLIDER, 140, 72);
    akira_ui_set(o, AKIRA_UI_P_W, 172); /* track x 152..300 */
    o = add("theme", MAIN, AKIRA_UI_DROPDOWN, 140, 106);
    akira_ui_set_options(o, "Light\nDark\nAuto");
    o = add("apps", MAIN, AKIRA_UI_LIST, 10, 150);
    akira_ui_set(o, AKIRA_UI_P_H, 84);
    akira_ui_set(o, AKIRA_UI_P_W, 200);
    akira_ui_set_options(o, "clock\nweather\nsensors\nsnake\nsettings");
    o = add("save", MAIN, AKIRA_UI_BUTTON, 230, 200);
    akira_ui_set_text(o, "Save");
    t = add("about_l", ABOUT, AKIRA_UI_LABEL, 10, 10);
    akira_ui_set_text(t, "About this device");
    assert_int_equal(akira_ui_screen_push(&F->ui, MAIN, 0, 0), 0);
    fx_tick(F, 10);
    fx_refresh(F);
    fx_clear_events(F);
}

static int ev_type(const char *s)
{
    static const char *names[] = {
        "",        "pressed",   "released", "clicked",       "long_pressed", "value_changed",
        "focused", "defocused", "scrolled", "screen_loaded", "gesture",      "ready"};
    for (int i = 1; i < (int)(sizeof names / sizeof names[0]); i++)
        if (!strcmp(s, names[i])) return i;
    fail_msg("no event %s", s);
    return 0;
}

static int key_id(const char *s)
{
    static const char *names[] = {"", "up", "down", "left", "right", "select", "back", "a", "b"};
    for (int i = 1; i < 9; i++)
        if (!strcmp(s, names[i])) return i;
    fail_msg("no key %s", s);
    return 0;
}

static void replay(const char *file)
{
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/%s", UI_SESSION_DIR, file);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    build();
    int lx = 0, ly = 0, n = 0;
    while (fgets(line, sizeof line, fp)) {
        n++;
        char a[64] = "", b[64] = "", c[64] = "", d[64] = "";
        if (line[0] == '#' || sscanf(line, "%63s %63s %63s %63s", a, b, c, d) < 1) continue;
        fx_refresh(F); /* the screen is drawn between samples, as on the device */
        if (!strcmp(a, "touch") || !strcmp(a, "move")) {
            lx = atoi(b), ly = atoi(c);
            fx_touch(F, lx, ly, 1, 30);
        } else if (!strcmp(a, "release")) {
            fx_touch(F, lx, ly, 0, 30);
        } else if (!strcmp(a, "press")) {
            fx_key(F, key_id(b));
        } else if (!strcmp(a, "wait")) {
            fx_tick(F, (uint32_t)atoi(b));
        } else if (!strcmp(a, "expect") || !strcmp(a, "expect-none")) {
            int t = ev_type(b);
            uint16_t id = akira_ui_id(widget(c));
            int cnt = fx_count(F, t, id);
            if (!strcmp(a, "expect-none")) {
                if (cnt) fail_msg("%s:%d: unexpected %s on %s", file, n, b, c);
            } else if (!cnt) {
                fail_msg("%s:%d: no %s on %s", file, n, b, c);
            } else if (d[0] && fx_last_value(F, t, id) != atoi(d)) {
                fail_msg("%s:%d: %s on %s has value %d, not %s", file, n, b, c,
                         (int)fx_last_value(F, t, id), d);
            }
        } else if (!strcmp(a, "expect-prop")) {
            int32_t v;
            akira_ui_prop_t p = !strcmp(c, "open") ? AKIRA_UI_P_OPEN : AKIRA_UI_P_VALUE;
            assert_int_equal(akira_ui_get(widget(b), p, &v), 0);
            if (v != atoi(d)) fail_msg("%s:%d: %s %s is %d, not %s", file, n, b, c, (int)v, d);
        } else if (!strcmp(a, "golden")) {
            fx_tick(F, 1000); /* transitions finished */
            fx_refresh(F);
            fx_golden(F, b);
        } else {
            fail_msg("%s:%d: bad line", file, n);
        }
    }
    fclose(fp);
    fx_free(F);
}

static void settings_touch(void **s)
{
    (void)s;
    replay("settings_touch.txt");
}

static void settings_keys(void **s)
{
    (void)s;
    replay("settings_keys.txt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(settings_touch),
                                       cmocka_unit_test(settings_keys)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

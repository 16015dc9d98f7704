/* Hostile use of the UI layer, as an untrusted app would try it through the API: a
 * million widgets, another owner's handles, drawing far off the screen, huge bitmaps,
 * deep nesting, event floods, malformed input, a failing allocator. The UI must refuse
 * or clip, stay consistent, and give every byte back when the owner is released. */
#include "scenes.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void million_widgets(void **s)
{
    (void)s;
    fx_t *f = fx_new(320, 240, &akira_ui_theme_light, 64 * 1024);
    akira_ui_obj_t *scr, *o;
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->app, &scr), 0);
    assert_int_equal(akira_ui_screen_push(&f->ui, scr, 0, 0), 0);
    long made = 0;
    int r = 0;
    for (long i = 0; i < 1000000; i++) {
        r = akira_ui_create(&f->ui, &f->app, scr, AKIRA_UI_BUTTON, &o);
        if (r) break;
        made++;
    }
    assert_int_equal(r, AKIRA_EQUOTA);
    assert_true(made > 100 && made < 1000);
    assert_true(f->app.used <= f->app.budget);
    print_message("budget 64 KiB: %ld buttons, %zu bytes\n", made, f->app.used);
    /* a text past the budget fails and leaves the widget as it was */
    static char big[1000];
    memset(big, 'x', sizeof big - 1);
    size_t used = f->app.used;
    assert_int_equal(akira_ui_set_text(o, big), AKIRA_EQUOTA);
    assert_int_equal(f->app.used, used);
    /* the device is alive: the system draws, the app's tree renders */
    akira_ui_obj_t *ss, *l;
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->sys, &ss), 0);
    assert_int_equal(akira_ui_create(&f->ui, &f->sys, ss, AKIRA_UI_LABEL, &l), 0);
    assert_true(fx_refresh(f) > 0);
    /* the app stops: everything it had goes back */
    assert_int_equal(akira_ui_owner_release(&f->ui, &f->app), 0);
    assert_int_equal(f->app.used, 0);
    assert_int_equal(f->app.objs, 0);
    assert_int_equal(akira_ui_stack_depth(&f->ui), 0);
    assert_int_equal(akira_ui_owner_add(&f->ui, &f->app), 0); /* for fx_free */
    fx_free(f);
}

static void other_owner(void **s)
{
    (void)s;
    fx_t *f = fx_new(320, 240, &akira_ui_theme_light, 64 * 1024);
    akira_ui_obj_t *sys_scr, *sys_btn, *app_scr, *kb, *ta;
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->sys, &sys_scr), 0);
    assert_int_equal(akira_ui_create(&f->ui, &f->sys, sys_scr, AKIRA_UI_BUTTON, &sys_btn), 0);
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->app, &app_scr), 0);
    /* the app guesses the system's ids: none resolve for it */
    for (uint16_t id = 1; id < 100; id++) {
        akira_ui_obj_t *o = akira_ui_find(&f->ui, &f->app, id);
        if (o) assert_int_equal(akira_ui_owner_id(o), 7);
    }
    assert_null(akira_ui_find(&f->ui, &f->app, akira_ui_id(sys_btn)));
    assert_int_equal(akira_ui_create(&f->ui, &f->app, sys_scr, AKIRA_UI_LABEL, &kb), AKIRA_EPERM);
    assert_int_equal(akira_ui_create(&f->ui, &f->app, app_scr, AKIRA_UI_KEYBOARD, &kb), 0);
    assert_int_equal(akira_ui_create(&f->ui, &f->sys, sys_scr, AKIRA_UI_TEXTAREA, &ta), 0);
    assert_int_equal(akira_ui_keyboard_set_target(kb, ta), AKIRA_EPERM);
    /* an unregistered owner can do nothing */
    akira_ui_owner_t stranger = f->app;
    stranger.id = 99;
    assert_int_equal(akira_ui_create(&f->ui, &stranger, app_scr, AKIRA_UI_LABEL, &kb),
                     AKIRA_EINVAL);
    assert_int_equal(akira_ui_screen_create(&f->ui, &stranger, &kb), AKIRA_EINVAL);
    assert_int_equal(akira_ui_owner_release(&f->ui, &stranger), AKIRA_EINVAL);
    /* an id registered twice is refused */
    akira_ui_owner_t twin = f->app;
    assert_int_equal(akira_ui_owner_add(&f->ui, &twin), AKIRA_EEXIST);
    /* the app's screen over the system's; release pops it, the system's shows again */
    assert_int_equal(akira_ui_screen_push(&f->ui, sys_scr, 0, 0), 0);
    assert_int_equal(akira_ui_screen_push(&f->ui, app_scr, AKIRA_UI_ANIM_SLIDE_LEFT, 300), 0);
    assert_int_equal(akira_ui_msgbox(&f->ui, &f->app, "x", "y", "OK", NULL), 0);
    fx_tick(f, 10);
    assert_int_equal(akira_ui_owner_release(&f->ui, &f->app), 0);
    assert_ptr_equal(akira_ui_screen_active(&f->ui), sys_scr);
    assert_null(f->ui.top);
    assert_true(fx_refresh(f) > 0);
    fx_tap(f, 10, 10);
    assert_int_equal(akira_ui_owner_add(&f->ui, &f->app), 0);
    fx_free(f);
}

static void far_off_screen(void **s)
{
    (void)s;
    fx_t *f = fx_new(320, 240, &akira_ui_theme_light, 256 * 1024);
    akira_ui_obj_t *scr, *o;
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->app, &scr), 0);
    assert_int_equal(akira_ui_screen_push(&f->ui, scr, 0, 0), 0);
    static const int pos[][2] = {
        {-16384, -16384}, {16384, 16384}, {-16000, 100}, {100, 16000}, {300, 200}};
    for (int t = 1; t < AKIRA_UI_TYPE_COUNT; t++) {
        if (t == AKIRA_UI_TOAST || t == AKIRA_UI_MSGBOX) continue;
        for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++) {
            assert_int_equal(akira_ui_create(&f->ui, &f->app, scr, (akira_ui_type_t)t, &o), 0);
            assert_int_equal(akira_ui_set(o, AKIRA_UI_P_X, pos[i][0]), 0);
            assert_int_equal(akira_ui_set(o, AKIRA_UI_P_Y, pos[i][1]), 0);
            assert_int_equal(akira_ui_set(o, AKIRA_UI_P_W, 4096), 0);
            assert_int_equal(akira_ui_set(o, AKIRA_UI_P_H, 4096), 0);
        }
    }
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_X, 16385), AKIRA_EINVAL);
    assert_int_equal(akira_ui_set(o, AKIRA_UI_P_W, 4097), AKIRA_EINVAL);
    assert_true(fx_refresh(f) > 0); /* everything clipped to the 320x240 panel (ASan checks) */
    fx_tap(f, 319, 239);
    fx_touch(f, -30000, -30000, 1, 10);
    fx_touch(f, 30000, 30000, 0, 10);
    /* a 10000x10000 bitmap is refused before any byte is read */
    akira_ui_obj_t *img;
    assert_int_equal(akira_ui_create(&f->ui, &f->app, scr, AKIRA_UI_IMAGE, &img), 0);
    static akira_color_t one = 0;
    assert_int_equal(akira_ui_image_set_rgb565(img, 10000, 10000, &one, NULL), AKIRA_ETOOBIG);
    assert_int_equal(akira_ui_image_set_rgb565(img, 1024, 1024, &one, NULL), AKIRA_EQUOTA);
    akira_ui_obj_t *cv;
    assert_int_equal(akira_ui_create(&f->ui, &f->app, scr, AKIRA_UI_CANVAS, &cv), 0);
    assert_int_equal(akira_ui_canvas_size(cv, 10000, 10000, 0), AKIRA_ETOOBIG);
    fx_free(f);
}

static void deep_nesting(void **s)
{
    (void)s;
    fx_t *f = fx_new(320, 240, &akira_ui_theme_light, 1024 * 1024);
    akira_ui_obj_t *p, *o;
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->app, &p), 0);
    assert_int_equal(akira_ui_screen_push(&f->ui, p, 0, 0), 0);
    int depth = 0, r;
    while ((r = akira_ui_create(&f->ui, &f->app, p, AKIRA_UI_CONTAINER, &o)) == 0) {
        p = o;
        depth++;
        assert_true(depth <= AKIRA_UI_MAX_DEPTH);
    }
    assert_int_equal(r, AKIRA_ETOOBIG);
    assert_int_equal(depth, AKIRA_UI_MAX_DEPTH);
    assert_true(fx_refresh(f) > 0);
    fx_free(f);
}

static void event_flood(void **s)
{
    (void)s;
    fx_t *f = fx_new(320, 240, &akira_ui_theme_light, 64 * 1024);
    akira_ui_obj_t *a, *b;
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->app, &a), 0);
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->app, &b), 0);
    assert_int_equal(akira_ui_screen_push(&f->ui, a, 0, 0), 0);
    for (int i = 0; i < 40; i++) { /* 81 SCREEN_LOADED events with no delivery between */
        assert_int_equal(akira_ui_screen_push(&f->ui, b, 0, 0), 0);
        assert_int_equal(akira_ui_screen_pop(&f->ui, 0, 0), 0);
    }
    assert_int_equal(akira_ui_events_dropped(&f->ui), 81 - AKIRA_UI_MAX_EVENTS);
    fx_tick(f, 1);
    assert_int_equal(f->nev, AKIRA_UI_MAX_EVENTS);
    fx_free(f);
}

static void bad_input(void **s)
{
    (void)s;
    fx_t *f = fx_new(320, 240, &akira_ui_theme_light, 64 * 1024);
    akira_ui_input_t in = {9, 0, 1, 0, 0, 5};
    assert_int_equal(akira_ui_input(&f->ui, &in), AKIRA_EINVAL);
    in = (akira_ui_input_t){AKIRA_UI_IN_BUTTON, 0, 1, 0, 0, 5};
    assert_int_equal(akira_ui_input(&f->ui, &in), AKIRA_EINVAL);
    in.button = AKIRA_UI_KEY_B + 1;
    assert_int_equal(akira_ui_input(&f->ui, &in), AKIRA_EINVAL);
    in = (akira_ui_input_t){AKIRA_UI_IN_TOUCH, 0, 2, 0, 0, 5};
    assert_int_equal(akira_ui_input(&f->ui, &in), AKIRA_EINVAL);
    assert_int_equal(akira_ui_input(&f->ui, NULL), AKIRA_EINVAL);
    /* input with no screen at all, releases without presses, time going backwards */
    fx_key(f, AKIRA_UI_KEY_SELECT);
    fx_key(f, AKIRA_UI_KEY_BACK);
    fx_touch(f, 10, 10, 0, 1);
    in = (akira_ui_input_t){AKIRA_UI_IN_TOUCH, 0, 1, 5, 5, 0};
    assert_int_equal(akira_ui_input(&f->ui, &in), 0);
    fx_free(f);
}

static int fail_after;
static void *flaky_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return fail_after-- > 0 ? malloc(n) : NULL;
}
static void flaky_free(void *ctx, void *p, size_t n)
{
    (void)ctx, (void)n;
    free(p);
}

static void failing_allocator(void **s)
{
    (void)s;
    fx_t *f = fx_new(320, 240, &akira_ui_theme_light, 64 * 1024);
    akira_ui_owner_t ow = {42, {flaky_alloc, flaky_free, NULL}, 1 << 20, 0, 0, NULL, NULL};
    assert_int_equal(akira_ui_owner_add(&f->ui, &ow), 0);
    akira_ui_obj_t *scr, *o;
    fail_after = 2;
    assert_int_equal(akira_ui_screen_create(&f->ui, &ow, &scr), 0);
    assert_int_equal(akira_ui_create(&f->ui, &ow, scr, AKIRA_UI_LABEL, &o), 0);
    size_t used = ow.used;
    assert_int_equal(akira_ui_set_text(o, "no memory"), AKIRA_ENOMEM);
    assert_int_equal(akira_ui_create(&f->ui, &ow, scr, AKIRA_UI_LABEL, &o), AKIRA_ENOMEM);
    assert_int_equal(ow.used, used);
    /* the launcher cleans up a half-built screen */
    fake_apps_t apps;
    fake_apps_init(&apps);
    akira_ui_launcher_provider_t p = fake_provider;
    p.ctx = &apps;
    for (int k = 0; k < 12; k++) {
        fail_after = k;
        size_t before = ow.used;
        int r = akira_ui_launcher_create(&f->ui, &ow, &p, &o);
        if (r == 0) {
            akira_ui_screen_delete(o);
        } else {
            assert_int_equal(r, AKIRA_ENOMEM);
        }
        assert_int_equal(ow.used, before);
    }
    assert_int_equal(akira_ui_owner_release(&f->ui, &ow), 0);
    assert_int_equal(ow.used, 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(million_widgets),   cmocka_unit_test(other_owner),
        cmocka_unit_test(far_off_screen),    cmocka_unit_test(deep_nesting),
        cmocka_unit_test(event_flood),       cmocka_unit_test(bad_input),
        cmocka_unit_test(failing_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

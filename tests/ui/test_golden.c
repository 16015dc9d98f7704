/* Golden images: every widget type in both themes, and the launcher, rendered through
 * the 20-row band buffer into an in-RAM framebuffer and compared to tests/ui/golden/. */
#include "scenes.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

typedef struct {
    int type;
    int dark;
} case_t;

static void widget_golden(void **state)
{
    const case_t *c = *state;
    fx_t *f = fx_new(SCENE_W, SCENE_H, c->dark ? &akira_ui_theme_dark : &akira_ui_theme_light,
                     256 * 1024);
    scene_build(f, c->type);
    fx_tick(f, 300); /* spinner angle, cursor blink: a fixed time */
    assert_true(fx_refresh(f) > 0);
    char name[64];
    snprintf(name, sizeof name, "%s_%s", akira_ui_type_name(c->type), c->dark ? "dark" : "light");
    fx_golden(f, name);
    fx_free(f);
}

static void launcher_golden(void **state)
{
    int dark = *(int *)*state;
    fx_t *f = fx_new(320, 240, dark ? &akira_ui_theme_dark : &akira_ui_theme_light, 1024);
    fake_apps_t apps;
    akira_ui_launcher_provider_t p;
    akira_ui_obj_t *scr = fake_launcher(f, &apps, &p);
    assert_int_equal(akira_ui_launcher_status(scr, "09:41", 76), 0);
    fx_key(f, AKIRA_UI_KEY_DOWN); /* focus ring on the first tile */
    fx_refresh(f);
    fx_golden(f, dark ? "launcher_dark" : "launcher_light");
    akira_ui_screen_delete(scr);
    fx_free(f);
}

int main(void)
{
    static case_t cases[2 * (AKIRA_UI_TYPE_COUNT - 1)];
    static int darks[2] = {0, 1};
    struct CMUnitTest tests[2 * (AKIRA_UI_TYPE_COUNT - 1) + 2];
    int n = 0;
    for (int dark = 0; dark < 2; dark++)
        for (int t = 1; t < AKIRA_UI_TYPE_COUNT; t++) {
            cases[n] = (case_t){t, dark};
            tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(widget_golden, &cases[n]);
            tests[n].name = akira_ui_type_name(t);
            n++;
        }
    tests[n++] = (struct CMUnitTest)cmocka_unit_test_prestate(launcher_golden, &darks[0]);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test_prestate(launcher_golden, &darks[1]);
    return _cmocka_run_group_tests("ui_golden", tests, (size_t)n, NULL, NULL);
}

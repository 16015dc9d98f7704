/* Scenes of the golden-image tests and the docs: one per widget type, and the launcher. */
#ifndef UI_SCENES_H
#define UI_SCENES_H

#include "ui_fixture.h"

#define SCENE_W 240
#define SCENE_H 240

/* Build the scene of widget `type` on a new screen of the app owner, pushed. Returns the
 * main widget. */
akira_ui_obj_t *scene_build(fx_t *f, int type);

/* A fake app manager for the launcher. */
typedef struct {
    int n;
    const char *names[AKIRA_UI_LAUNCHER_MAX_APPS];
    int state[AKIRA_UI_LAUNCHER_MAX_APPS];
    int fail_start; /* index whose start fails, -1 none */
    int starts, stops;
} fake_apps_t;
extern const akira_ui_launcher_provider_t fake_provider;
void fake_apps_init(fake_apps_t *a);
/* The system owner's launcher over fake apps (5: clock running, sensors failed, snake
 * failing to start), pushed; `p` holds the provider and must outlive the screen. */
akira_ui_obj_t *fake_launcher(fx_t *f, fake_apps_t *apps, akira_ui_launcher_provider_t *p);

#endif

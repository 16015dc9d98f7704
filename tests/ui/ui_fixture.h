/* Test fixture of the UI layer: an in-RAM framebuffer port, owners on a counting malloc,
 * an event log, and PNG write/read/compare (libpng) for the golden-image tests. */
#ifndef UI_FIXTURE_H
#define UI_FIXTURE_H

#include "akira/ui.h"

#include <stdint.h>

#define FX_MAX_W      480
#define FX_MAX_H      320
#define FX_MAX_EVENTS 256

typedef struct fx {
    akira_gfx_port_t port;
    akira_gfx_t gfx;
    akira_ui_t ui;
    akira_ui_owner_t sys, app;
    akira_color_t fb[FX_MAX_W * FX_MAX_H];
    akira_color_t band[FX_MAX_W * 20]; /* 20 rows: the draw buffer of the tests */
    uint32_t flushes, flushed_px;
    akira_ui_event_t ev[FX_MAX_EVENTS];
    int nev;
    uint32_t now;
} fx_t;

/* A fixture of w x h (<= FX_MAX_*) with the given theme; two owners: sys (id 0, 1 MiB)
 * and app (id 7, budget app_budget). Aborts the test on failure. */
fx_t *fx_new(int w, int h, const akira_ui_theme_t *theme, size_t app_budget);
void fx_free(fx_t *f);
/* A fixture of 320x240, light theme, app budget 512 KiB, with one app screen pushed and
 * the event log empty. */
fx_t *fx_new_with_screen(akira_ui_obj_t **scr);
/* Refresh (asserting no error) and return the number of bands flushed. */
int fx_refresh(fx_t *f);
/* Input helpers; time advances by dt ms before each sample. */
void fx_key(fx_t *f, int key);
void fx_touch(fx_t *f, int x, int y, int pressed, uint32_t dt);
void fx_tap(fx_t *f, int x, int y);
void fx_tick(fx_t *f, uint32_t dt);
/* Count events of a type (and obj id, 0 for any) in the log; last value of one. */
int fx_count(const fx_t *f, int type, uint16_t id);
int32_t fx_last_value(const fx_t *f, int type, uint16_t id);
void fx_clear_events(fx_t *f);
/* Centre of a widget on screen. */
void fx_center(akira_ui_obj_t *o, int *x, int *y);

/* PNG of the framebuffer (w x h). 0 or -1. */
int fx_png_write(const fx_t *f, const char *path);
/* Compare the framebuffer with a reference PNG: returns the number of pixels whose
 * channels differ by more than `tol` (8-bit), or -1 if the file cannot be read or the
 * size differs. */
long fx_png_compare(const fx_t *f, const char *path, int tol);
/* Golden check: render already done; writes OUT_DIR/name.png, compares with
 * GOLDEN_DIR/name.png (at most 0.5% pixels off by more than 24/255). With
 * AKIRA_UI_GOLDEN_UPDATE=1 in the environment it (re)writes the reference instead. */
void fx_golden(const fx_t *f, const char *name);

#endif

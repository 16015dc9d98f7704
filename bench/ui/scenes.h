/*
 * The two screens the UI benchmarks redraw, shared by the host bench (bench_ui.c) and
 * the on-target image (bench/mcu/bench_main.c): the launcher with six apps (one running)
 * and a busy dashboard (status bar, gauge, chart, list, slider, button).
 */
#ifndef AKIRA_BENCH_UI_SCENES_H
#define AKIRA_BENCH_UI_SCENES_H

#include "akira/ui.h"

/* The benchmarks' panel: 320x240 RGB565. */
#define BENCH_UI_W 320
#define BENCH_UI_H 240

/* A port's flush that copies each band into the framebuffer `fb` (BENCH_UI_W pixels a
 * row), as a display driver's SPI/DMA write would. */
int bench_ui_flush(void *fb, const akira_area_t *a, const akira_color_t *px);

/* An owner's allocator on the C heap. */
extern const akira_ui_alloc_t bench_ui_heap;

/* The launcher of six fake apps ("clock" running) with its status bar at 09:41, 76%.
 * 0 or the error of the UI call that failed. */
int bench_ui_launcher_build(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t **screen);

/* The dashboard screen; *slider is its slider (the partial-redraw figure moves it).
 * 0 or the error of the UI call that failed. */
int bench_ui_dashboard_build(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t **screen,
                             akira_ui_obj_t **slider);

#endif

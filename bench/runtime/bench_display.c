/*
 * Display benchmark (issue 12 figures): the cost of one draw call from an app through
 * the bridge, whole frames through flush, and the RAM of the display and input drivers
 * and the screen service.
 *
 *   akira_bench_display DRAW.wasm
 *
 * The app's loop_pixel/rect/text(n) make n drawing calls (capability "display", the
 * app owns the display), loop_empty(n) the same loop without them; per call =
 * (calls - empty) / n in thread CPU time, median of 5. loop_frame: clear the back
 * buffer and flush it to the native_sim panel, per frame.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <akira/bridge.h>
#include <akira/device.h>
#include <akira/drivers/input.h>
#include <akira/kernel.h>
#include <akira/screen.h>

#include "bench_time.h"
#include "bridge_rig.h"

#define ROUNDS 5

static double time_export(struct bench_rig *r, const char *name, int n)
{
    aw_val arg = {.i32 = n}, res;
    aw_error err;
    aw_func *f = aw_instance_func(r->inst, name);
    double t0 = cpu_ns();
    if (!f || aw_call(r->store, f, &arg, 1, &res, 1, &err) != AW_OK) {
        fprintf(stderr, "%s: %s\n", name, f ? err.msg : "no such export");
        exit(1);
    }
    return cpu_ns() - t0;
}

/* Median per-iteration time of export name over n iterations, less the empty loop's. */
static double per_call(struct bench_rig *r, const char *name, int n)
{
    double d[ROUNDS];
    for (int i = 0; i < ROUNDS; i++)
        d[i] = (time_export(r, name, n) - time_export(r, "loop_empty", n)) / n;
    return median(d, ROUNDS);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: akira_bench_display DRAW.wasm\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    static uint8_t mod[64 * 1024];
    size_t n = f ? fread(mod, 1, sizeof mod, f) : 0;
    if (f) fclose(f);
    if (!n || akira_kernel_init() || akira_device_init_all(AKIRA_INIT_POST_KERNEL) ||
        akira_screen_start(NULL)) {
        fprintf(stderr, "cannot boot the display\n");
        return 1;
    }
    struct bench_rig r;
    if (bench_rig_up(&r, mod, (uint32_t)n) != 0) {
        fprintf(stderr, "bench app does not instantiate\n");
        return 1;
    }
    atomic_store(&r.ctx.caps, AKIRA_CAP_DISPLAY);
    if (akira_screen_focus("") != 0) return 1;
    printf("draw call (wasm -> bridge -> capability check -> ownership -> renderer), median "
           "of %d:\n",
           ROUNDS);
    printf("  display_pixel             %8.1f ns\n", per_call(&r, "loop_pixel", 200000));
    printf("  display_rect 32x32        %8.1f ns\n", per_call(&r, "loop_rect", 50000));
    printf("  display_text 14 chars 16px %7.1f ns\n", per_call(&r, "loop_text", 5000));
    double fr = per_call(&r, "loop_frame", 200);
    printf("  clear + flush 320x240     %8.1f us  (%.0f frames/s CPU-bound)\n", fr / 1000.0,
           1e9 / fr);
    struct akira_screen_stats st;
    akira_screen_stats_get(&st);
    printf("RAM:\n");
    printf("  display0 panel memory     %8u B (the panel's own GRAM on hardware)\n",
           320u * 240u * 2u);
    printf("  input0 queue + state      %8zu B (%u events of %zu B)\n",
           AKIRA_INPUT_QUEUE_DEPTH * sizeof(struct akira_input_event) +
               sizeof(struct akira_input_state),
           AKIRA_INPUT_QUEUE_DEPTH, sizeof(struct akira_input_event));
    printf("  screen back buffer        %8u B (app heap pool / PSRAM)\n", st.back_bytes);
    printf("  screen UI band            %8u B (%u rows)\n", st.band_bytes, AKIRA_SCREEN_BAND_ROWS);
    printf("  screen service state      %8u B (static: ui context, app slots, launcher list)\n",
           st.state_bytes);
    printf("  draws %llu, flushes %llu\n", (unsigned long long)st.draws,
           (unsigned long long)st.flushes);
    bench_rig_down(&r);
    akira_screen_stop();
    akira_kernel_shutdown();
    return 0;
}

/*
 * On-target benchmark image for mps2_an386 (bench/mcu, run by bench_mcu.py under QEMU
 * with -icount shift=0): CoreMark compiled natively for Thumb-2, the same CoreMark
 * compiled to wasm32 and run on the engine, a thread context switch (two threads
 * ping-ponging on semaphores) and a native call through the bridge (bench/runtime's
 * calls.wasm: n calls of mem_used against the same loop without them) and full-screen UI
 * redraws of bench/ui's two screens into a framebuffer in PSRAM, against a plain memset +
 * memcpy of one frame. Everything is timed on the
 * board's 25 MHz cycle counter and printed on UART0 as `name=value` lines; QEMU then ends through
 * semihosting.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>

#include <akira/cortex_m.h>
#include <akira/kernel.h>
#include <akira/semihost.h>
#include <akira/sem.h>
#include <akira/thread.h>
#include <stdbool.h>

#include <akira/exec_mem.h>
#include <akira/wasm.h>

#include "bridge_rig.h"
#include "scenes.h"

#define SWITCH_ROUNDS 2000u
#define BRIDGE_CALLS  20000
#define UI_W          BENCH_UI_W /* the panel: 320x240 RGB565, as bench/ui */
#define UI_H          BENCH_UI_H
#define UI_BAND_ROWS  20
#define UI_FRAMES     5

int coremark_main(void); /* CoreMark's main, compiled for Thumb-2 (-Dmain=coremark_main) */
extern const uint8_t coremark_wasm[];
extern const uint8_t coremark_wasm_end[];
/* akira-aot -t thumbv7em of coremark_wasm (empty when the host tool was not built) */
extern const uint8_t coremark_aot[];
extern const uint8_t coremark_aot_end[];
extern const uint8_t calls_wasm[];
extern const uint8_t calls_wasm_end[];

unsigned cm_cycles(void)
{
    return akira_cm_board_cycles();
}

void cm_putc(int c)
{
    char ch = (char)c;
    akira_cm_console_out(&ch, 1);
}

static void out(const char *fmt, unsigned long v)
{
    char line[96];
    int n = snprintf(line, sizeof line, fmt, v);
    akira_cm_console_out(line, (size_t)n);
}

/* --- context switch: each round is two switches (main -> peer -> main) ------------- */

static akira_sem_t *ping, *pong;

static int peer(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < SWITCH_ROUNDS; i++) {
        akira_sem_take(ping, AKIRA_FOREVER);
        akira_sem_give(pong);
    }
    return 0;
}

static void bench_switch(void)
{
    akira_thread_t *t;
    if (akira_sem_create(&ping, 0, 1) != 0 || akira_sem_create(&pong, 0, 1) != 0 ||
        akira_thread_create(&t, "peer", peer, NULL, AKIRA_PRIO_DEFAULT, 0) != 0) {
        out("switch_error=%lu\n", 1);
        return;
    }
    uint32_t c0 = akira_cm_board_cycles();
    for (uint32_t i = 0; i < SWITCH_ROUNDS; i++) {
        akira_sem_give(ping);
        akira_sem_take(pong, AKIRA_FOREVER);
    }
    uint32_t c1 = akira_cm_board_cycles();
    akira_thread_join(t, AKIRA_FOREVER, NULL);
    out("switch_rounds=%lu\n", SWITCH_ROUNDS);
    out("switch_ticks=%lu\n", c1 - c0);
}

/* --- CoreMark on the engine ------------------------------------------------------------ */

static aw_status host_cycles(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller;
    (void)user;
    io[0].u32 = cm_cycles();
    return AW_OK;
}

static aw_status host_putc(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller;
    (void)user;
    cm_putc(io[0].i32);
    return AW_OK;
}

/* --- native code attached from the image's flash: copied, or run in place ---------- */

/* The image's read-only data lies in the Code region, where the core executes. */
static const void *span_in_place(void *ctx, aw_read_fn read, void *rctx, uint32_t off, uint32_t len)
{
    (void)ctx;
    const aw_span *b = rctx;
    if (read != aw_span_read || off > b->n || len > b->n - off) return NULL;
    return akira_exec_in_place(b->p + off, len);
}

enum aot_mode { AOT_OFF, AOT_COPY, AOT_XIP };

/* Attach native code [p, end) to m, copied (AOT_COPY) or in place (AOT_XIP); prints
 * PREFIX_ram (system heap bytes it took: the copy, the slot table, the engine's record)
 * and PREFIX_attach_ticks. */
static aw_status attach(aw_module *m, const uint8_t *p, const uint8_t *end, enum aot_mode mode,
                        const char *prefix, aw_error *err)
{
    static const aw_aot_exec copy = {
        .alloc = akira_exec_alloc, .seal = akira_exec_seal, .free = akira_exec_free};
    static const aw_aot_exec place = {.alloc = akira_exec_alloc,
                                      .seal = akira_exec_seal,
                                      .free = akira_exec_free,
                                      .in_place = span_in_place};
    aw_span b = {p, (uint32_t)(end - p)};
    size_t before = mallinfo().uordblks;
    uint32_t c0 = akira_cm_board_cycles();
    aw_status st =
        aw_module_attach_aot(m, aw_span_read, &b, 0, b.n, mode == AOT_XIP ? &place : &copy, err);
    uint32_t c1 = akira_cm_board_cycles();
    if (st == AW_OK) {
        char line[96];
        int n = snprintf(line, sizeof line, "%s_ram=%lu\n%s_attach_ticks=%lu\n", prefix,
                         (unsigned long)(mallinfo().uordblks - before), prefix,
                         (unsigned long)(c1 - c0));
        akira_cm_console_out(line, (size_t)n);
        if (err->msg[0]) { /* copied after all: why */
            n = snprintf(line, sizeof line, "%s_note=%s\n", prefix, err->msg);
            akira_cm_console_out(line, (size_t)n);
        }
    }
    return st;
}

/* CoreMark on the interpreter, or on its native code copied to RAM or in place. */
static void bench_wasm(enum aot_mode aot)
{
    /* As bench/wasm: 4096 operand slots (32 KiB); CoreMark needs 2 pages of memory. */
    aw_config cfg = {.stack_slots = 4096, .max_call_depth = 256, .max_memory_pages = 4};
    aw_error err = {0};
    aw_module *m = aw_module_load_buffer(&cfg, coremark_wasm,
                                         (size_t)(coremark_wasm_end - coremark_wasm), &err);
    if (m && aot && attach(m, coremark_aot, coremark_aot_end, aot, "aot", &err) != AW_OK) {
        out("aot_refused=%lu\n", (unsigned long)-err.status);
        akira_cm_console_out(err.msg, strlen(err.msg));
        cm_putc('\n');
        aw_module_delete(m);
        return;
    }
    aw_store *s = m ? aw_store_new(&cfg) : NULL;
    if (s) aw_store_set_native_stack(s, 8192); /* main's stack: 14 KiB */
    aw_instance *inst = NULL;
    if (s) {
        aw_import imps[2] = {
            {"env", "cm_cycles", {.kind = AW_EXTERN_FUNC}},
            {"env", "cm_putc", {.kind = AW_EXTERN_FUNC}},
        };
        imps[0].ext.of.func = aw_host_func_new(s, "()i", host_cycles, NULL);
        imps[1].ext.of.func = aw_host_func_new(s, "(i)", host_putc, NULL);
        inst = aw_instantiate(s, m, imps, 2, &err);
    }
    aw_func *f = inst ? aw_instance_func(inst, "coremark_main") : NULL;
    aw_val res;
    if (!f || aw_call(s, f, NULL, 0, &res, 1, &err) != AW_OK) {
        out("wasm_error=%lu\n", (unsigned long)err.status);
        out("wasm_stage=%lu\n", !m ? 1ul : !s ? 2ul : !inst ? 3ul : !f ? 4ul : 5ul);
        akira_cm_console_out(err.msg, strlen(err.msg));
        cm_putc('\n');
    }
    if (s) aw_store_delete(s);
    if (m) aw_module_delete(m);
}

/* --- the engine workloads (bench/wasm/workloads): native, interpreter, AOT ------------ */

#define WORKLOAD(w)                                                                                \
    uint32_t bench_##w(void);                                                                      \
    extern const uint8_t wl_##w##_wasm[], wl_##w##_wasm_end[], wl_##w##_aot[], wl_##w##_aot_end[];
WORKLOAD(mix)
WORKLOAD(fib)
WORKLOAD(loops)
WORKLOAD(memops)
WORKLOAD(calls)
WORKLOAD(nbody)
WORKLOAD(mandel)

struct workload {
    const char *name;
    uint32_t (*native)(void);
    const uint8_t *wasm, *wasm_end, *aot, *aot_end;
};
#define WL(w)                                                                                      \
    {                                                                                              \
#w, bench_##w, wl_##w##_wasm, wl_##w##_wasm_end, wl_##w##_aot, wl_##w##_aot_end            \
    }
static const struct workload workloads[] = {WL(mix),   WL(fib),   WL(loops), WL(memops),
                                            WL(calls), WL(nbody), WL(mandel)};

static void out_wl(const struct workload *w, const char *what, unsigned long v)
{
    char line[96];
    int n = snprintf(line, sizeof line, "wl_%s_%s=%lu\n", w->name, what, v);
    akira_cm_console_out(line, (size_t)n);
}

/* One call of the workload's bench() export on the interpreter, or (aot) on its native
 * code copied to RAM: the ticks of the call alone (load and instantiation excluded). */
static void bench_workload_wasm(const struct workload *w, bool aot)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "wl_%s_aot", w->name);
    const char *tier = aot ? "aot" : "interp";
    aw_config cfg = {.stack_slots = 4096, .max_call_depth = 256, .max_memory_pages = 4};
    aw_error err = {0};
    aw_module *m = aw_module_load_buffer(&cfg, w->wasm, (size_t)(w->wasm_end - w->wasm), &err);
    if (m && aot && attach(m, w->aot, w->aot_end, AOT_COPY, prefix, &err) != AW_OK) {
        out_wl(w, "aot_refused", (unsigned long)-err.status);
        aw_module_delete(m);
        return;
    }
    aw_store *s = m ? aw_store_new(&cfg) : NULL;
    if (s) aw_store_set_native_stack(s, 8192);
    aw_instance *inst = s ? aw_instantiate(s, m, NULL, 0, &err) : NULL;
    aw_func *f = inst ? aw_instance_func(inst, "bench") : NULL;
    aw_val res = {0};
    uint32_t c0 = akira_cm_board_cycles();
    aw_status st = f ? aw_call(s, f, NULL, 0, &res, 1, &err) : AW_ERR_TRAP;
    uint32_t c1 = akira_cm_board_cycles();
    if (st != AW_OK) {
        char line[48];
        snprintf(line, sizeof line, "wl_%s_%s_error=", w->name, tier);
        akira_cm_console_out(line, strlen(line));
        akira_cm_console_out(err.msg, strlen(err.msg));
        cm_putc('\n');
    } else {
        char what[24];
        snprintf(what, sizeof what, "%s_ticks", tier);
        out_wl(w, what, c1 - c0);
        snprintf(what, sizeof what, "%s_sum", tier);
        out_wl(w, what, res.u32);
    }
    if (s) aw_store_delete(s);
    if (m) aw_module_delete(m);
}

static void bench_workloads(void)
{
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        const struct workload *w = &workloads[i];
        uint32_t c0 = akira_cm_board_cycles();
        uint32_t sum = w->native();
        out_wl(w, "native_ticks", akira_cm_board_cycles() - c0);
        out_wl(w, "native_sum", sum);
        bench_workload_wasm(w, false);
        if (w->aot_end > w->aot) bench_workload_wasm(w, true);
        /* the same code in place: its RAM and attach only (the instructions it runs are
         * the copy's) */
        aw_error err = {0};
        aw_config cfg = {.stack_slots = 4096, .max_call_depth = 256, .max_memory_pages = 4};
        aw_module *m =
            w->aot_end > w->aot
                ? aw_module_load_buffer(&cfg, w->wasm, (size_t)(w->wasm_end - w->wasm), &err)
                : NULL;
        char prefix[32];
        snprintf(prefix, sizeof prefix, "wl_%s_xip", w->name);
        if (m && attach(m, w->aot, w->aot_end, AOT_XIP, prefix, &err) != AW_OK)
            out_wl(w, "xip_refused", (unsigned long)-err.status);
        if (m) aw_module_delete(m);
    }
}

/* --- native call through the bridge ---------------------------------------------------- */

static uint32_t time_export(struct bench_rig *r, const char *name)
{
    aw_val arg = {.i32 = BRIDGE_CALLS}, res;
    aw_error err;
    aw_func *f = aw_instance_func(r->inst, name);
    uint32_t c0 = akira_cm_board_cycles();
    aw_status st = f ? aw_call(r->store, f, &arg, 1, &res, 1, &err) : AW_ERR_TRAP;
    uint32_t c1 = akira_cm_board_cycles();
    return st == AW_OK ? c1 - c0 : 0;
}

static void bench_bridge(void)
{
    struct bench_rig r;
    if (bench_rig_up(&r, calls_wasm, (uint32_t)(calls_wasm_end - calls_wasm)) != 0) {
        out("bridge_error=%lu\n", 1);
        return;
    }
    out("bridge_calls=%lu\n", BRIDGE_CALLS);
    out("bridge_empty_ticks=%lu\n", time_export(&r, "loop_empty"));
    out("bridge_calls_ticks=%lu\n", time_export(&r, "loop_calls"));
    out("bridge_counted=%lu\n", (unsigned long)atomic_load(&r.ctx.native_calls));
    bench_rig_down(&r);
}

/* --- UI: full-screen redraws through a band buffer into a framebuffer in PSRAM ---------- */

/* Both frames sit in the half of the PSRAM the app heap pool leaves unused (this image
 * starts no pool): the panel's framebuffer and the baseline's source frame. */
#define UI_FB  ((akira_color_t *)(AKIRA_BOARD_PSRAM_BASE + AKIRA_BOARD_APP_HEAP_POOL_SIZE))
#define UI_SRC (UI_FB + UI_W * UI_H)

static akira_color_t ui_band[UI_W * UI_BAND_ROWS]; /* the draw buffer, internal RAM */

/* Ticks of UI_FRAMES full redraws of the current screen; 0 if one drew nothing. */
static uint32_t ui_full_frames(akira_ui_t *ui)
{
    uint32_t c0 = akira_cm_board_cycles();
    for (int i = 0; i < UI_FRAMES; i++) {
        akira_ui_invalidate_all(ui);
        if (akira_ui_refresh(ui) <= 0) return 0;
    }
    return akira_cm_board_cycles() - c0;
}

static void bench_ui(void)
{
    uint32_t c0 = akira_cm_board_cycles();
    for (int i = 0; i < UI_FRAMES; i++) {
        memset(UI_SRC, i, UI_W * UI_H * sizeof(akira_color_t));
        memcpy(UI_FB, UI_SRC, UI_W * UI_H * sizeof(akira_color_t));
    }
    uint32_t base = akira_cm_board_cycles() - c0;

    akira_gfx_port_t port = {UI_W, UI_H, UI_FB, bench_ui_flush, NULL};
    akira_gfx_t g;
    akira_ui_t ui;
    akira_ui_owner_t ow = {0, bench_ui_heap, 1u << 20, 0, 0, NULL, NULL};
    akira_ui_obj_t *ls, *ds, *slider = NULL;
    int rc = akira_gfx_init(&g, &port, ui_band, UI_W * UI_BAND_ROWS);
    if (rc == 0) rc = akira_ui_init(&ui, &g, &akira_ui_theme_light);
    if (rc != 0) {
        out("ui_error=%lu\n", (unsigned long)(rc < 0 ? -rc : rc));
        return;
    }
    akira_ui_owner_add(&ui, &ow);
    rc = bench_ui_launcher_build(&ui, &ow, &ls);
    if (rc == 0) rc = akira_ui_screen_push(&ui, ls, 0, 0);
    uint32_t launcher = rc == 0 ? ui_full_frames(&ui) : 0;
    size_t launcher_bytes = ow.used;
    if (rc == 0) rc = bench_ui_dashboard_build(&ui, &ow, &ds, &slider);
    if (rc == 0) rc = akira_ui_screen_push(&ui, ds, 0, 0);
    if (rc == 0) akira_ui_refresh(&ui);
    uint32_t dashboard = rc == 0 ? ui_full_frames(&ui) : 0;
    uint32_t slide = 0;
    c0 = akira_cm_board_cycles();
    for (int i = 0; rc == 0 && i < UI_FRAMES; i++) { /* only the slider's dirty area */
        akira_ui_set(slider, AKIRA_UI_P_VALUE, 20 + 15 * i);
        if (akira_ui_refresh(&ui) <= 0) rc = -1;
    }
    if (rc == 0) slide = akira_cm_board_cycles() - c0;
    akira_ui_deinit(&ui);
    if (rc != 0 || !launcher || !dashboard) {
        out("ui_error=%lu\n", (unsigned long)(rc < 0 ? -rc : rc + 1000));
        return;
    }
    out("ui_frames=%lu\n", UI_FRAMES);
    out("ui_band_px=%lu\n", UI_W * UI_BAND_ROWS);
    out("ui_launcher_bytes=%lu\n", (unsigned long)launcher_bytes);
    out("ui_base_ticks=%lu\n", base);
    out("ui_launcher_ticks=%lu\n", launcher);
    out("ui_dashboard_ticks=%lu\n", dashboard);
    out("ui_slider_ticks=%lu\n", slide);
}

int main(void)
{
    akira_kernel_init();
    out("bench=native%lu\n", 0);
    coremark_main();
    out("bench=wasm%lu\n", 0);
    bench_wasm(AOT_OFF);
    out("bench=aot%lu\n", 0);
    if ((uintptr_t)coremark_aot_end > (uintptr_t)coremark_aot) bench_wasm(AOT_COPY);
    out("bench=xip%lu\n", 0);
    if ((uintptr_t)coremark_aot_end > (uintptr_t)coremark_aot) bench_wasm(AOT_XIP);
    out("bench=workloads%lu\n", 0);
    bench_workloads();
    out("bench=switch%lu\n", 0);
    bench_switch();
    out("bench=bridge%lu\n", 0);
    bench_bridge();
    out("bench=ui%lu\n", 0);
    bench_ui();
    out("bench=done%lu\n", 0);
    akira_semihost_exit(0);
}

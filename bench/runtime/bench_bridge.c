/*
 * Runtime benchmark (issue 5 item 10, app manager part): native call overhead through
 * the bridge, app start latency, RAM per running app beyond its linear memory.
 *
 *   akira_bench_bridge CALLS.wasm [LARGE.wasm]
 *
 * Native call: the app's loop_calls(n) makes n calls of the cheapest native
 * (mem_used, capability "memory" granted, so the check is taken and passes); its
 * loop_empty(n) is the same loop without the call. Per call = (calls - empty) / n, in
 * thread CPU time, median of 7. Beside it, the same native function called n times
 * from C through a function pointer (the direct call the bridge adds to).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <akira/package.h>
#include <akira/app_manager.h>
#include <akira/appstore.h>
#include <akira/board_config.h>
#include <akira/sim_flash.h>
#include <akira/storage.h>
#include <akira/bridge.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/heap.h>
#include <akira/kernel.h>

#include "bench_time.h"
#include "bridge_rig.h"

#define N      20000000
#define ROUNDS 7

static uint8_t *app;
static uint32_t app_size;

static int buf_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    (void)ctx;
    if (off > app_size || len > app_size - off) return -1;
    memcpy(buf, app + off, len);
    return 0;
}

/* An instance with the bridge bound, as the manager makes it (no thread). */
static double time_export(struct bench_rig *r, const char *name, int n)
{
    aw_val arg = {.i32 = n}, res;
    aw_error err;
    aw_func *f = aw_instance_func(r->inst, name);
    double t0 = cpu_ns();
    if (aw_call(r->store, f, &arg, 1, &res, 1, &err) != AW_OK) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        exit(1);
    }
    return cpu_ns() - t0;
}

/* The direct C call: the same native through a pointer the compiler cannot see
 * through. */
static akira_native_fn volatile direct_fn;

static double time_direct(struct bench_rig *r, int n)
{
    aw_val io[1];
    double t0 = cpu_ns();
    for (int i = 0; i < n; i++)
        direct_fn(&r->ctx, io);
    return cpu_ns() - t0;
}

static void bench_calls(void)
{
    struct bench_rig r;
    if (bench_rig_up(&r, app, app_size) != 0) {
        fprintf(stderr, "bench app does not instantiate\n");
        exit(1);
    }
    direct_fn = akira_bridge_find("akira", "mem_used")->fn;
    double empty[ROUNDS], calls[ROUNDS], direct[ROUNDS], diff[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        empty[i] = time_export(&r, "loop_empty", N) / N;
        calls[i] = time_export(&r, "loop_calls", N) / N;
        direct[i] = time_direct(&r, N) / N;
        diff[i] = calls[i] - empty[i];
    }
    uint64_t counted = atomic_load(&r.ctx.native_calls);
    double d = median(diff, ROUNDS), e = median(empty, ROUNDS), c = median(calls, ROUNDS),
           x = median(direct, ROUNDS);
    printf("native call (wasm -> bridge -> capability check -> native), %d calls x %d:\n", N,
           ROUNDS);
    printf("  empty loop iteration      %6.2f ns\n", e);
    printf("  loop iteration + call     %6.2f ns\n", c);
    printf("  per native call           %6.2f ns   (target < 50 ns: %s)\n", d,
           d < 50 ? "met" : "NOT met");
    printf("  direct C call of the same %6.2f ns   (bridge call = %.1fx a direct C call)\n", x,
           x > 0 ? d / x : 0);
    printf("  calls counted by the bridge: %llu\n", (unsigned long long)counted);
    bench_rig_down(&r);
}

static void bench_start_and_ram(void)
{
    char text[] = "name: bench\nversion: 1\nstack_size: 4K\ncapabilities: memory\n";
    struct akira_manifest m;
    struct akira_manifest_error merr;
    if (akira_manifest_parse(text, strlen(text), &m, &merr) != 0) exit(1);
    /* The manager takes its memory from an app heap pool, as on the boards, so what a
     * start allocates is measured, not estimated. */
    enum { POOL = 4u << 20 };
    void *region = malloc(POOL);
    akira_heap_t *pool;
    if (!region || akira_heap_create(&pool, region, POOL) != 0) exit(1);
    struct akira_appmgr_config cfg = {.pool = pool};
    struct akira_heap_stats before, installed, running;
    akira_heap_stats_get(pool, &before);
    if (akira_appmgr_init(&cfg) != 0 || akira_appmgr_add(&m, buf_read, NULL, app_size, false))
        exit(1);
    akira_heap_stats_get(pool, &installed);

    /* Start latency: start -> RUNNING (loaded, bound, instantiated, entry running)
     * and start -> first wait (entry returned, the manager waits for its first event
     * past START). Wall time, median of 21. */
    enum { STARTS = 21 };
    double running_ms[STARTS], stop_ms[STARTS];
    struct akira_app_info info;
    for (int i = 0; i < STARTS; i++) {
        uint64_t t0 = akira_uptime_us();
        akira_app_start("bench");
        akira_app_wait_running("bench", AKIRA_FOREVER);
        running_ms[i] = (double)(akira_uptime_us() - t0) / 1000.0;
        uint64_t t1 = akira_uptime_us();
        akira_app_stop("bench");
        stop_ms[i] = (double)(akira_uptime_us() - t1) / 1000.0;
    }
    printf("app start (%u-byte module, thread + load + bind + instantiate), median of %d:\n",
           (unsigned)app_size, STARTS);
    printf("  start -> RUNNING          %6.3f ms\n", median(running_ms, STARTS));
    printf("  stop of a waiting app     %6.3f ms\n", median(stop_ms, STARTS));

    /* RAM one more running app costs beyond its linear memory, measured as on the MCU
     * (bench/mcu): what its start takes from the pool (everything charged to its
     * quota: linear memory, engine structures, the operand stack as allocated so far)
     * minus the linear memory, plus the native stack its kernel thread really used (a
     * device thread reserves at least that). The operand stack starts small and grows
     * on demand up to stack_size (the rest of stack_size stays set aside in the quota,
     * not taken from the pool). The installed app's entry (manifest, log ring, event
     * queue, context) was allocated at install, running or not: shown apart. */
    akira_app_start("bench");
    akira_app_wait_running("bench", AKIRA_FOREVER);
    akira_sleep_ms(20); /* let it reach its event wait */
    akira_app_info("bench", &info);
    akira_heap_stats_get(pool, &running);
    size_t linear = 65536, stack = m.stack_size, held = info.stats.stack_held;
    size_t entry = installed.used_bytes - before.used_bytes;
    size_t delta = running.used_bytes - installed.used_bytes;
    size_t thread = info.stats.thread_stack_used;
    size_t engine = delta - linear - held;
    size_t beyond = delta - linear + thread;
    printf("RAM per running app (stack_size %zu):\n", stack);
    printf("  charged to its quota      %7zu B (linear memory %zu, operand stack %zu: allocated "
           "and set aside)\n",
           info.stats.mem_used, linear, stack);
    printf(
        "  pool taken by the start   %7zu B (the allocated bytes and the pool's block headers)\n",
        delta);
    printf("  operand stack allocated   %7zu B (grows on demand up to stack_size %zu)\n", held,
           stack);
    printf("  engine + bridge state     %7zu B (beyond linear memory and operand stack)\n", engine);
    printf("  thread stack used         %7zu B (high-water; POSIX threads reserve 64 KiB)\n",
           thread);
    printf("  beyond linear memory      %7zu B   (all of the above; seed < 24 KB: %s)\n", beyond,
           beyond < 24576 ? "met" : "NOT met");
    printf("  per installed app         %7zu B (its entry in the pool: manifest, log ring, "
           "event queue, context; %zu B of struct)\n",
           entry, akira_appmgr_entry_bytes());
    /* The figure of issue 15 item 4: a running app is also an installed one, so its
     * entry counts, and so does its operand stack (as allocated). */
    size_t whole = beyond + entry;
    printf("  running app, entry and operand stack included, beyond linear memory %7zu B   "
           "(goal <= 16 KiB: %s)\n",
           whole, whole <= 16384 ? "met" : "NOT met");
    printf("  the same beyond linear memory and operand stack                     %7zu B\n",
           whole - held);
    printf("  the same if the operand stack grew to all of stack_size             %7zu B\n",
           whole - held + stack);
    akira_app_stop("bench");
    akira_appmgr_deinit();
    akira_heap_destroy(pool);
    free(region);
}

/* The module bytes + its manifest section: a package. */
static size_t with_manifest(uint8_t *out, const uint8_t *mod, size_t n, const char *text)
{
    memcpy(out, mod, n);
    return akira_package_section_put(out, n, AKIRA_MANIFEST_SECTION, text, strlen(text));
}

/* Start latency of a ~100 KB app installed in the app store on (RAM-backed) flash:
 * the module is read from flash through the store's reader at every start. */
static void bench_start_from_flash(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    static uint8_t mod[200 * 1024], pkg[200 * 1024 + 256];
    size_t n = fread(mod, 1, sizeof(mod), f);
    fclose(f);
    size_t len =
        with_manifest(pkg, mod, n, "name: large\nversion: 1\nentry: run\nmemory_quota: 1M\n");
    static struct akira_sim_flash fl;
    struct akira_storage_report rep;
    if (akira_sim_flash_open(&fl, "flash0", NULL, AKIRA_BOARD_FLASH_SIZE,
                             AKIRA_BOARD_FLASH_SECTOR_SIZE, AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE) ||
        akira_storage_init(&fl.dev, &rep) || akira_appstore_init()) {
        fprintf(stderr, "no store\n");
        exit(1);
    }
    struct akira_appmgr_config cfg = {0};
    if (akira_appmgr_init(&cfg) != 0) exit(1);
    static struct akira_appstore_writer w;
    struct akira_manifest_error merr;
    int rc = akira_appstore_install_begin(&w, (uint32_t)len);
    if (rc == 0) rc = akira_appstore_install_write(&w, pkg, len);
    if (rc == 0) rc = akira_app_install_finish(&w, NULL, &merr);
    if (rc != 0) {
        fprintf(stderr, "install: %s: %s %s\n", akira_err_str(rc), merr.field, merr.reason);
        exit(1);
    }
    enum { STARTS = 11 };
    double ms[STARTS];
    struct akira_app_info info;
    for (int i = 0; i < STARTS; i++) {
        uint64_t t0 = akira_uptime_us();
        akira_app_start("large");
        if (akira_app_wait_running("large", 10000) != 0) {
            akira_app_info("large", &info);
            fprintf(stderr, "large: %s %s\n", akira_app_state_name(info.state), info.detail);
            exit(1);
        }
        ms[i] = (double)(akira_uptime_us() - t0) / 1000.0;
        if (i == 0) akira_app_info("large", &info);
        akira_app_stop("large");
    }
    printf("app start from flash (%zu-byte package in the app store), median of %d:\n", len,
           STARTS);
    aw_error err;
    aw_module *m = aw_module_load_buffer(NULL, mod, n, &err);
    size_t code = m ? aw_module_ram(m) : 0;
    if (m) aw_module_delete(m);
    printf("  start -> RUNNING          %6.3f ms\n", median(ms, STARTS));
    printf("  charged while running     %7zu B (of which the decoded, compiled module %zu B)\n",
           info.stats.mem_used, code);
    akira_appmgr_deinit();
    akira_appstore_deinit();
    akira_storage_deinit();
    akira_sim_flash_close(&fl);
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s CALLS.wasm [LARGE.wasm]\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    app_size = (uint32_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    app = malloc(app_size);
    if (!app || fread(app, 1, app_size, f) != app_size) return 1;
    fclose(f);
    akira_log_default_level_set(AKIRA_LOG_WARN);
    if (akira_kernel_init() != 0) return 1;
    bench_calls();
    bench_start_and_ram();
    if (argc == 3) bench_start_from_flash(argv[2]);
    akira_kernel_shutdown();
    free(app);
    return 0;
}

/*
 * driver.c - akira-bench: engine measurements that need the embedding API.
 *
 *   akira-bench time FILE [REPS [BUDGET]]
 *                                 instantiate FILE, call its `bench` export REPS times
 *                                 (with BUDGET: yield every BUDGET units and resume);
 *                                 prints "checksum=<u32> median_ms=<t> min_ms=<t>
 *                                 slices_per_call=<n>"
 *   akira-bench ram FILE          bytes the engine allocates (through a counting
 *                                 realloc hook) for the module, the store and the
 *                                 instance, and the instance's bytes beyond its linear
 *                                 memory and operand stack
 *   akira-bench load FILE [REPS]  median time of aw_module_load (decode + validate +
 *                                 compile) from a buffer, and microseconds per KiB
 *   akira-bench aotload FILE SECTION [REPS]
 *                                 median time of aw_module_attach_aot of akira-aot's
 *                                 SECTION to FILE (hash, copy, relocations, seal)
 *
 * With AKIRA_BENCH_AOT=SECTION in the environment, `time` runs FILE on that native
 * code (docs/aot.md) instead of the interpreter.
 *
 * Exit status 0, or 1 with a message when the module does not load or run.
 */
#include <akira/exec_mem.h>
#include <akira/vmem.h>
#include <akira/wasm.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPS 100

typedef struct counter {
    size_t cur, peak;
    size_t stack; /* of cur: the operand stack (allocated as it grows) */
} counter;

static void *count_realloc(void *ctx, void *p, size_t old, size_t n)
{
    counter *c = ctx;
    if (n == 0) {
        free(p);
        c->cur -= old;
        return NULL;
    }
    void *q = realloc(p, n);
    if (!q) return NULL;
    c->cur = c->cur - old + n;
    if (c->cur > c->peak) c->peak = c->cur;
    return q;
}

static void *count_stack_realloc(void *ctx, void *p, size_t old, size_t n)
{
    counter *c = ctx;
    void *q = count_realloc(ctx, p, old, n);
    if (q || n == 0) c->stack = c->stack - old + n;
    return q;
}

/* CPU time of this (single-threaded) process: on a machine shared with builds, time
 * spent descheduled would otherwise count against whichever runner it hit. */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static void print_err(const char *what, const aw_error *e)
{
    fprintf(stderr, "akira-bench: %s: %s %s at 0x%x: %s (trap: %s)\n", what,
            aw_status_str(e->status), e->section, (unsigned)e->offset, e->msg,
            aw_trap_str(e->trap));
}

static const aw_aot_exec exec = {
    .alloc = akira_exec_alloc, .seal = akira_exec_seal, .free = akira_exec_free};
/* memories with guard pages, which akira-aot's default x86_64 code needs */
static const aw_vmem vmem = {
    .reserve = akira_vmem_reserve, .commit = akira_vmem_commit, .release = akira_vmem_release};
/* and asynchronous interruption (its loop headers have no poll) */
static const aw_async_intr async = {.self = akira_async_intr_self, .kick = akira_async_intr_kick};

static uint8_t *read_file(const char *path, size_t *size);

/* Attach the native code in file `sec` to m; 0 or 1 (message printed). */
static int attach(aw_module *m, const char *sec)
{
    size_t n;
    uint8_t *b = read_file(sec, &n);
    if (!b) return 1;
    aw_error err;
    aw_status st = aw_module_attach_aot_buffer(m, b, n, &exec, &err);
    free(b);
    if (st != AW_OK) fprintf(stderr, "akira-bench: %s: %s\n", sec, err.msg);
    return st == AW_OK ? 0 : 1;
}

static int cmd_time(const char *path, int reps, uint64_t budget)
{
    size_t size;
    uint8_t *buf = read_file(path, &size);
    if (!buf) return 1;
    aw_config cfg = {0};
    aw_error err;
    int rc = 1;
    aw_store *s = NULL;
    aw_module *m = aw_module_load_buffer(&cfg, buf, size, &err);
    if (!m) {
        print_err(path, &err);
        goto out;
    }
    const char *sec = getenv("AKIRA_BENCH_AOT");
    if (sec && sec[0]) {
        if (attach(m, sec) != 0) goto out;
        cfg.vmem = &vmem;
        akira_fault_hook_set(aw_aot_fault);
        cfg.async_intr = &async;
        akira_async_intr_set(aw_aot_interrupt_pc);
    }
    s = aw_store_new(&cfg);
    aw_instance *inst = s ? aw_instantiate(s, m, NULL, 0, &err) : NULL;
    aw_func *f = inst ? aw_instance_func(inst, "bench") : NULL;
    if (!f) {
        print_err("instantiate / find bench", &err);
        goto out;
    }
    if (sec && sec[0] && strcmp(aw_instance_tier(inst), "interp") == 0) {
        fprintf(stderr, "akira-bench: %s: the instance runs on the interpreter\n", sec);
        goto out;
    }
    double t[MAX_REPS];
    aw_val res = {0};
    uint64_t slices = 0;
    aw_store_set_budget(s, budget);
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        aw_status st = aw_call(s, f, NULL, 0, &res, 1, &err);
        /* time slicing as the runtime does it: yield when the budget runs out, resume */
        while (st == AW_ERR_YIELD) {
            slices++;
            st = aw_resume(s, &res, 1, &err);
        }
        if (st != AW_OK) {
            print_err("bench()", &err);
            goto out;
        }
        t[i] = now_ms() - t0;
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp);
    printf("checksum=%u median_ms=%.2f min_ms=%.2f slices_per_call=%llu\n", res.u32, t[reps / 2],
           t[0], (unsigned long long)(slices / (uint64_t)reps));
    rc = 0;
out:
    if (s) aw_store_delete(s);
    if (m) aw_module_delete(m);
    free(buf);
    return rc;
}

static int cmd_ram(const char *path)
{
    size_t size;
    uint8_t *buf = read_file(path, &size);
    if (!buf) return 1;
    counter c = {0, 0, 0};
    /* A device-sized configuration: up to 32 KiB of operand stack (as allocated when the
     * instance is made: subtracted below) and 256 call frames (counted: the frame stack
     * is per-store RAM beyond the operand stack). */
    aw_config cfg = {.realloc = count_realloc,
                     .stack_realloc = count_stack_realloc,
                     .alloc_ctx = &c,
                     .stack_slots = 4096,
                     .max_call_depth = 256};
    aw_error err;
    int rc = 1;
    aw_store *s = NULL;
    aw_module *m = aw_module_load_buffer(&cfg, buf, size, &err);
    if (!m) {
        print_err(path, &err);
        goto out;
    }
    size_t module_bytes = c.cur;
    s = aw_store_new(&cfg);
    size_t store_bytes = c.cur - module_bytes;
    aw_instance *inst = s ? aw_instantiate(s, m, NULL, 0, &err) : NULL;
    if (!inst) {
        print_err("instantiate", &err);
        goto out;
    }
    size_t inst_bytes = c.cur - module_bytes - store_bytes;
    aw_memory *mem = aw_instance_memory(inst, 0);
    uint64_t linear = mem ? aw_memory_size(mem) : 0;
    uint64_t stack = c.stack;
    long long beyond = (long long)(store_bytes + inst_bytes) - (long long)linear - (long long)stack;
    printf("file_bytes=%zu module_alloc=%zu module_ram=%zu store_alloc=%zu instance_alloc=%zu "
           "linear=%llu stack=%llu instance_beyond_linear=%lld beyond_linear_and_stack=%lld\n",
           size, module_bytes, aw_module_ram(m), store_bytes, inst_bytes,
           (unsigned long long)linear, (unsigned long long)stack,
           (long long)inst_bytes - (long long)linear, beyond);
    rc = 0;
out:
    if (s) aw_store_delete(s);
    if (m) aw_module_delete(m);
    free(buf);
    return rc;
}

static int cmd_load(const char *path, int reps)
{
    size_t size;
    uint8_t *buf = read_file(path, &size);
    if (!buf) return 1;
    aw_config cfg = {0};
    aw_error err;
    double t[MAX_REPS];
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        aw_module *m = aw_module_load_buffer(&cfg, buf, size, &err);
        t[i] = now_ms() - t0;
        if (!m) {
            print_err(path, &err);
            free(buf);
            return 1;
        }
        aw_module_delete(m);
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp);
    double kib = (double)size / 1024.0;
    printf("bytes=%zu median_ms=%.3f us_per_kib=%.2f\n", size, t[reps / 2],
           t[reps / 2] * 1000.0 / kib);
    free(buf);
    return 0;
}

static int cmd_aotload(const char *path, const char *sec, int reps)
{
    size_t size;
    uint8_t *buf = read_file(path, &size);
    if (!buf) return 1;
    double t[MAX_REPS];
    aw_error err;
    if (reps < 1 || reps > MAX_REPS) reps = 9;
    for (int i = 0; i < reps; i++) {
        aw_module *m = aw_module_load_buffer(NULL, buf, size, &err);
        if (!m) {
            print_err(path, &err);
            free(buf);
            return 1;
        }
        double t0 = now_ms();
        int rc = attach(m, sec);
        t[i] = now_ms() - t0;
        aw_module_delete(m);
        if (rc) {
            free(buf);
            return 1;
        }
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp);
    printf("bytes=%zu median_ms=%.3f\n", size, t[reps / 2]);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: akira-bench time|ram|load FILE [REPS]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    if (reps < 1 || reps > MAX_REPS) reps = 3;
    if (strcmp(argv[1], "time") == 0)
        return cmd_time(argv[2], reps, argc > 4 ? strtoull(argv[4], NULL, 10) : 0);
    if (strcmp(argv[1], "ram") == 0) return cmd_ram(argv[2]);
    if (strcmp(argv[1], "load") == 0) return cmd_load(argv[2], reps);
    if (strcmp(argv[1], "aotload") == 0 && argc > 3)
        return cmd_aotload(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 9);
    fprintf(stderr, "akira-bench: unknown command %s\n", argv[1]);
    return 2;
}

/*
 * Engine tests through the public API on real modules: linking errors, segments at
 * instantiation, memory.init/data.drop, memory growth refused by a quota, budget
 * yield/resume, interrupts from another thread, host functions calling back into the
 * same store, and the RAM an instance costs.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "akira/wasm.h"
#include "exec_modules.h"

static aw_module *load(const uint8_t *b, size_t n, const aw_config *cfg)
{
    aw_error err;
    aw_module *m = aw_module_load_buffer(cfg, b, n, &err);
    if (!m) fail_msg("load: %s", err.msg);
    return m;
}

static aw_instance *inst_of(aw_store *s, const aw_module *m)
{
    aw_error err;
    aw_instance *i = aw_instantiate(s, m, NULL, 0, &err);
    if (!i) fail_msg("instantiate: %s", err.msg);
    return i;
}

static int32_t call1(aw_store *s, aw_instance *i, const char *name, int32_t arg, aw_status *st)
{
    aw_val a = {.i32 = arg}, r = {0};
    aw_error err;
    *st = aw_call(s, aw_instance_func(i, name), &a, 1, &r, 1, &err);
    return r.i32;
}

/* ---- linking ---- */

static aw_status noop_host(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller;
    (void)user;
    (void)io;
    return AW_OK;
}

static void expect_unlinkable(aw_store *s, const aw_module *m, const aw_import *imp, uint32_t n,
                              const char *msg)
{
    aw_error err;
    assert_null(aw_instantiate(s, m, imp, n, &err));
    assert_int_equal(err.status, AW_ERR_UNLINKABLE);
    assert_string_equal(err.msg, msg);
}

static void test_imports_are_type_checked(void **state)
{
    (void)state;
    aw_store *s = aw_store_new(NULL);
    aw_module *m = load(wasm_link, sizeof wasm_link, NULL);
    aw_func *f = aw_host_func_new(s, "(i)", noop_host, NULL);
    aw_func *wrong = aw_host_func_new(s, "(I)", noop_host, NULL);
    aw_memory *mem = aw_memory_new(s, 2, 3, true);
    aw_memory *small = aw_memory_new(s, 1, 3, true);
    aw_memory *unbounded = aw_memory_new(s, 2, 0, false);
    aw_global *g = aw_global_new(s, AW_I32, true, (aw_val){.i32 = 1});
    aw_global *konst = aw_global_new(s, AW_I32, false, (aw_val){.i32 = 1});
    aw_import imp[3] = {
        {"env", "f", {AW_EXTERN_FUNC, {.func = f}}},
        {"env", "mem", {AW_EXTERN_MEMORY, {.memory = mem}}},
        {"env", "g", {AW_EXTERN_GLOBAL, {.global = g}}},
    };
    expect_unlinkable(s, m, imp, 2, "env.g: unknown import");
    imp[0].ext.of.func = wrong;
    expect_unlinkable(s, m, imp, 3, "env.f: incompatible import type");
    imp[0].ext.of.func = f;
    imp[1].ext.of.memory = small; /* fewer pages than the import's minimum */
    expect_unlinkable(s, m, imp, 3, "env.mem: incompatible import type");
    imp[1].ext.of.memory = unbounded; /* the import requires a maximum <= 4 */
    expect_unlinkable(s, m, imp, 3, "env.mem: incompatible import type");
    imp[1].ext.of.memory = mem;
    imp[2].ext.of.global = konst;
    expect_unlinkable(s, m, imp, 3, "env.g: incompatible import type");
    imp[2].ext = (aw_extern){AW_EXTERN_FUNC, {.func = f}};
    expect_unlinkable(s, m, imp, 3, "env.g: incompatible import type");
    imp[2].ext = (aw_extern){AW_EXTERN_GLOBAL, {.global = g}};
    aw_error err;
    assert_non_null(aw_instantiate(s, m, imp, 3, &err));
    aw_store_delete(s);
    aw_module_delete(m);
}

/* ---- segments ---- */

static void test_data_segment_trap_keeps_earlier_writes(void **state)
{
    (void)state;
    aw_store *s = aw_store_new(NULL);
    aw_module *m = load(wasm_data, sizeof wasm_data, NULL);
    aw_memory *mem = aw_memory_new(s, 1, 0, false);
    aw_import imp = {"env", "mem", {AW_EXTERN_MEMORY, {.memory = mem}}};
    aw_error err;
    assert_null(aw_instantiate(s, m, &imp, 1, &err));
    assert_int_equal(err.status, AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_MEMORY_OOB);
    assert_string_equal(err.msg, "out of bounds memory access");
    const char *p = aw_memory_ptr(mem, 0, 3);
    assert_non_null(p);
    assert_memory_equal(p, "abc", 3);
    assert_int_equal(*(const char *)aw_memory_ptr(mem, 65535, 1), 0); /* nothing partial */
    assert_null(aw_memory_ptr(mem, 65535, 2));
    assert_null(aw_memory_ptr(mem, UINT64_MAX, 2));
    aw_store_delete(s);
    aw_module_delete(m);
}

static void test_memory_init_and_data_drop(void **state)
{
    (void)state;
    aw_store *s = aw_store_new(NULL);
    aw_module *m = load(wasm_passive, sizeof wasm_passive, NULL);
    aw_instance *i = inst_of(s, m);
    aw_func *init = aw_instance_func(i, "init");
    aw_error err;
    aw_val a[3] = {{.i32 = 10}, {.i32 = 1}, {.i32 = 4}};
    assert_int_equal(aw_call(s, init, a, 3, NULL, 0, &err), AW_OK);
    aw_memory *mem = aw_instance_memory(i, 0);
    assert_memory_equal(aw_memory_ptr(mem, 10, 4), "ello", 4);
    a[1].i32 = 2; /* 2 + 4 > 5 bytes */
    assert_int_equal(aw_call(s, init, a, 3, NULL, 0, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_MEMORY_OOB);
    assert_int_equal(aw_call(s, aw_instance_func(i, "drop"), NULL, 0, NULL, 0, &err), AW_OK);
    a[1].i32 = 0;
    a[2].i32 = 0; /* a dropped segment has length 0: empty init still fine */
    assert_int_equal(aw_call(s, init, a, 3, NULL, 0, &err), AW_OK);
    a[2].i32 = 1;
    assert_int_equal(aw_call(s, init, a, 3, NULL, 0, &err), AW_ERR_TRAP);
    aw_store_delete(s);
    aw_module_delete(m);
}

/* ---- memory quota through the allocation hook ---- */

typedef struct quota {
    size_t used, limit, peak;
} quota;

static void *quota_realloc(void *ctx, void *p, size_t old, size_t n)
{
    quota *q = ctx;
    if (n == 0) {
        free(p);
        q->used -= old;
        return NULL;
    }
    if (q->used - old + n > q->limit) return NULL;
    void *r = realloc(p, n);
    if (!r) return NULL;
    q->used = q->used - old + n;
    if (q->used > q->peak) q->peak = q->used;
    return r;
}

static void test_memory_grow_refused_by_quota(void **state)
{
    (void)state;
    quota q = {0, SIZE_MAX, 0};
    aw_config cfg = {
        .realloc = quota_realloc, .alloc_ctx = &q, .stack_slots = 1024, .max_call_depth = 100};
    aw_module *m = load(wasm_grow, sizeof wasm_grow, &cfg);
    aw_store *s = aw_store_new(&cfg);
    aw_instance *i = inst_of(s, m);
    q.limit = q.used + 2 * 65536; /* room for two more pages */
    aw_status st;
    assert_int_equal(call1(s, i, "grow", 1, &st), 1);
    assert_int_equal(call1(s, i, "grow", 1, &st), 2);
    assert_int_equal(call1(s, i, "grow", 1, &st), -1); /* refused: memory unchanged */
    assert_int_equal(st, AW_OK);
    aw_error err;
    aw_val r;
    assert_int_equal(aw_call(s, aw_instance_func(i, "size"), NULL, 0, &r, 1, &err), AW_OK);
    assert_int_equal(r.i32, 3);
    aw_val a[2] = {{.i32 = 3 * 65536 - 1}, {.i32 = 7}};
    assert_int_equal(aw_call(s, aw_instance_func(i, "poke"), a, 2, NULL, 0, &err), AW_OK);
    a[0].i32 = 3 * 65536;
    assert_int_equal(aw_call(s, aw_instance_func(i, "poke"), a, 2, NULL, 0, &err), AW_ERR_TRAP);
    /* the configured page cap refuses too, without asking the hook */
    aw_config capped = cfg;
    capped.max_memory_pages = 2;
    q.limit = SIZE_MAX;
    aw_store *s2 = aw_store_new(&capped);
    aw_instance *i2 = inst_of(s2, m);
    assert_int_equal(call1(s2, i2, "grow", 1, &st), 1);
    assert_int_equal(call1(s2, i2, "grow", 1, &st), -1);
    aw_store_delete(s2);
    aw_store_delete(s);
    aw_module_delete(m);
    assert_int_equal(q.used, 0); /* everything freed through the hook */
}

/* RAM of one instance beyond its linear memory (and the store's stacks): the goal is
 * under 4 KiB per instance. */
static void test_instance_ram(void **state)
{
    (void)state;
    quota q = {0, SIZE_MAX, 0};
    aw_config cfg = {.realloc = quota_realloc, .alloc_ctx = &q, .stack_slots = 1024};
    aw_module *m = load(wasm_loop, sizeof wasm_loop, &cfg);
    size_t before = q.used;
    aw_store *s = aw_store_new(&cfg);
    /* a store costs a small fixed part: the operand stack and the frame stack start
     * small and grow on demand (the operand stack's 1024 slots alone are 8 KiB) */
    size_t store = q.used - before;
    print_message("store RAM with its first stack slots: %zu bytes\n", store);
    assert_true(store < 2048);
    before = q.used;
    inst_of(s, m);
    size_t one = q.used - before;
    aw_module *g = load(wasm_grow, sizeof wasm_grow, &cfg);
    before = q.used;
    inst_of(s, g);
    size_t with_mem = q.used - before - 65536;
    print_message("instance RAM: %zu bytes (2 functions), %zu bytes (3 functions + memory "
                  "object)\n",
                  one, with_mem);
    assert_true(one < 4096);
    assert_true(with_mem < 4096);
    aw_store_delete(s);
    aw_module_delete(m);
    aw_module_delete(g);
}

/* The operand stack starts small and grows (moving) as calls need it, up to exactly
 * stack_slots, where the call traps as it did with the whole stack allocated up front;
 * a growth the allocator refuses traps the same way and leaves the store usable. */
static aw_status host_zero(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller, (void)user;
    io[0].i32 = 0;
    return AW_OK;
}

static void test_operand_stack_grows_to_its_limit(void **state)
{
    (void)state;
    enum { SLOTS = 1024 };
    quota q = {0, SIZE_MAX, 0};
    aw_config cfg = {.realloc = quota_realloc, .alloc_ctx = &q, .stack_slots = SLOTS};
    aw_module *m = load(wasm_deep, sizeof wasm_deep, &cfg);
    size_t before = q.used;
    aw_store *s = aw_store_new(&cfg);
    assert_true(q.used - before < SLOTS * sizeof(aw_val) / 4);
    aw_import imp = {
        "env", "host", {AW_EXTERN_FUNC, {.func = aw_host_func_new(s, "(i)i", host_zero, NULL)}}};
    aw_error err;
    aw_instance *i = aw_instantiate(s, m, &imp, 1, &err);
    assert_non_null(i);
    aw_status st;
    uint32_t p10, p11, peak;
    assert_int_equal(call1(s, i, "rec", 10, &st), 10);
    aw_store_stack_peak(s, &p10, NULL);
    assert_int_equal(call1(s, i, "rec", 11, &st), 11);
    aw_store_stack_peak(s, &p11, NULL);
    uint32_t per_frame = p11 - p10;
    assert_true(per_frame > 0);
    /* the deepest call that fits, then one frame more */
    int32_t n = 11;
    while (call1(s, i, "rec", n + 1, &st) == n + 1 && st == AW_OK)
        n++;
    assert_int_equal(st, AW_ERR_TRAP);
    aw_store_stack_peak(s, &peak, NULL);
    print_message("operand stack: %u slots per frame, %d frames deep, %u of %d slots\n", per_frame,
                  n, peak, SLOTS);
    assert_true(peak <= SLOTS);
    assert_true(peak + per_frame > SLOTS); /* the whole stack_slots was usable */
    aw_val a = {.i32 = n + 1}, r;
    assert_int_equal(aw_call(s, aw_instance_func(i, "rec"), &a, 1, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_STACK_EXHAUSTED);
    assert_int_equal(call1(s, i, "rec", n, &st), n); /* and the store still runs */
    assert_int_equal(st, AW_OK);
    aw_store_delete(s);

    /* a growth refused by the allocator: the same trap, then smaller calls still run */
    s = aw_store_new(&cfg);
    imp.ext.of.func = aw_host_func_new(s, "(i)i", host_zero, NULL);
    i = aw_instantiate(s, m, &imp, 1, &err);
    assert_non_null(i);
    q.limit = q.used + 64; /* no room for a bigger stack */
    a.i32 = n;
    assert_int_equal(aw_call(s, aw_instance_func(i, "rec"), &a, 1, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_STACK_EXHAUSTED);
    assert_int_equal(call1(s, i, "rec", 3, &st), 3);
    assert_int_equal(st, AW_OK);
    q.limit = SIZE_MAX;
    assert_int_equal(call1(s, i, "rec", n, &st), n);
    aw_store_delete(s);
    aw_module_delete(m);
    assert_int_equal(q.used, 0); /* every stack freed through the hook */
}

/* ---- budget ---- */

static void test_budget_yield_resume_gives_the_same_result(void **state)
{
    (void)state;
    aw_module *m = load(wasm_loop, sizeof wasm_loop, NULL);
    aw_store *s = aw_store_new(NULL);
    aw_instance *i = inst_of(s, m);
    aw_func *fib = aw_instance_func(i, "fib");
    aw_val a = {.i32 = 20}, r = {0}, r2 = {0};
    aw_error err;
    assert_int_equal(aw_call(s, fib, &a, 1, &r, 1, &err), AW_OK);
    assert_int_equal(r.i32, 6765);

    aw_store_set_budget(s, 100);
    aw_status st = aw_call(s, fib, &a, 1, &r2, 1, &err);
    int yields = 0;
    while (st == AW_ERR_YIELD) {
        yields++;
        /* nothing else may run on the store while a call is suspended */
        assert_int_equal(aw_call(s, fib, &a, 1, &r, 1, &err), AW_ERR_ARGS);
        st = aw_resume(s, &r2, 1, &err);
    }
    assert_int_equal(st, AW_OK);
    assert_int_equal(r2.i32, 6765);
    /* fib(20) makes 21890 calls, one unit each; taken branches may count too */
    assert_in_range(yields, 21890 / 100 - 2, 2 * 21890 / 100 + 2);

    /* abandon a suspended call; the store runs new calls afterwards */
    aw_func *spin = aw_instance_func(i, "spin");
    a.i32 = 1000;
    assert_int_equal(aw_call(s, spin, &a, 1, &r, 1, &err), AW_ERR_YIELD);
    aw_abort(s);
    assert_int_equal(aw_resume(s, &r, 1, &err), AW_ERR_ARGS);
    aw_store_set_budget(s, 0);
    assert_int_equal(aw_call(s, spin, &a, 1, &r, 1, &err), AW_OK);
    assert_int_equal(r.i32, 999 * 1000 / 2);
    aw_store_delete(s);
    aw_module_delete(m);
}

/* ---- interrupt from another thread ---- */

static void *interrupter(void *arg)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    aw_store_interrupt(arg);
    return NULL;
}

static void test_interrupt_from_another_thread(void **state)
{
    (void)state;
    aw_module *m = load(wasm_loop, sizeof wasm_loop, NULL);
    aw_store *s = aw_store_new(NULL);
    aw_instance *i = inst_of(s, m);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, interrupter, s), 0);
    aw_status st;
    /* spin(0) counts until i wraps to 0 again: 2^32 iterations, minutes of work */
    call1(s, i, "spin", 0, &st);
    pthread_join(t, NULL);
    assert_int_equal(st, AW_ERR_TRAP);
    aw_val a = {.i32 = 0}, r;
    aw_error err;
    assert_int_equal(aw_call(s, aw_instance_func(i, "spin"), &a, 1, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_INTERRUPTED); /* the flag stays set */
    aw_store_clear_interrupt(s);
    assert_int_equal(call1(s, i, "spin", 10, &st), 45);
    assert_int_equal(st, AW_OK);
    aw_store_delete(s);
    aw_module_delete(m);
}

/* ---- host functions calling back into the same store ---- */

typedef struct reenter {
    aw_store *s;
    aw_instance *inst;
    bool trap;
} reenter;

static aw_status host_reenter(aw_instance *caller, void *user, aw_val *io)
{
    reenter *re = user;
    assert_ptr_equal(caller, re->inst);
    if (re->trap) {
        aw_store_set_trap_msg(re->s, "host says no");
        return AW_ERR_TRAP;
    }
    aw_val r;
    aw_error err;
    aw_status st = aw_call(re->s, aw_instance_func(re->inst, "twice"), io, 1, &r, 1, &err);
    if (st != AW_OK) return st;
    io[0].i32 = r.i32 + 100;
    return AW_OK;
}

static void test_host_function_reenters_the_store(void **state)
{
    (void)state;
    aw_module *m = load(wasm_host, sizeof wasm_host, NULL);
    aw_store *s = aw_store_new(NULL);
    reenter re = {s, NULL, false};
    aw_func *h = aw_host_func_new(s, "(i)i", host_reenter, &re);
    assert_string_equal(aw_func_signature(h), "(i)i");
    aw_import imp = {"env", "host", {AW_EXTERN_FUNC, {.func = h}}};
    aw_error err;
    re.inst = aw_instantiate(s, m, &imp, 1, &err);
    assert_non_null(re.inst);
    aw_status st;
    assert_int_equal(call1(s, re.inst, "outer", 5, &st), 5 * 2 + 100 + 1);
    assert_int_equal(st, AW_OK);
    re.trap = true;
    aw_val a = {.i32 = 5}, r;
    assert_int_equal(aw_call(s, aw_instance_func(re.inst, "outer"), &a, 1, &r, 1, &err),
                     AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_HOST);
    assert_string_equal(err.msg, "host says no");
    re.trap = false;
    assert_int_equal(call1(s, re.inst, "outer", 1, &st), 103);
    /* bad signatures are refused */
    assert_null(aw_host_func_new(s, "(x)", noop_host, NULL));
    assert_null(aw_host_func_new(s, "i)", noop_host, NULL));
    aw_store_delete(s);
    aw_module_delete(m);
}

/* A host function called at wasm depth 20 recurses 200 deep in a nested run: the frame
 * stack grows (and moves) under the outer run, which must carry on correctly. */
typedef struct deep {
    aw_store *s;
    aw_instance *inst;
    int level;
    bool interrupt; /* interrupt the store before the nested call */
} deep;

static aw_status host_deep(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller;
    deep *d = user;
    if (d->level++ > 0) {
        io[0].i32 = 0;
        return AW_OK;
    }
    aw_val a = {.i32 = 200}, r;
    aw_error err;
    if (d->interrupt) aw_store_interrupt(d->s);
    aw_status st = aw_call(d->s, aw_instance_func(d->inst, "rec"), &a, 1, &r, 1, &err);
    if (st != AW_OK) return st;
    io[0].i32 = r.i32 + 1000;
    return AW_OK;
}

static void test_nested_run_grows_the_frame_stack(void **state)
{
    (void)state;
    aw_module *m = load(wasm_deep, sizeof wasm_deep, NULL);
    aw_store *s = aw_store_new(NULL);
    deep d = {s, NULL, 0, false};
    aw_import imp = {
        "env", "host", {AW_EXTERN_FUNC, {.func = aw_host_func_new(s, "(i)i", host_deep, &d)}}};
    aw_error err;
    d.inst = aw_instantiate(s, m, &imp, 1, &err);
    assert_non_null(d.inst);
    aw_status st;
    assert_int_equal(call1(s, d.inst, "rec", 20, &st), 20 + 1000 + 200);
    assert_int_equal(st, AW_OK);
    uint32_t depth;
    aw_store_stack_peak(s, NULL, &depth);
    assert_true(depth > 220);
    /* the nested call traps on an interrupt; passed on by the host, the outer call
     * reports the interrupt, not a generic host trap */
    d.level = 0;
    d.interrupt = true;
    aw_val a = {.i32 = 3}, r;
    assert_int_equal(aw_call(s, aw_instance_func(d.inst, "rec"), &a, 1, &r, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_INTERRUPTED);
    aw_store_clear_interrupt(s);
    d.level = 1;
    assert_int_equal(call1(s, d.inst, "rec", 3, &st), 3);
    aw_store_delete(s);
    aw_module_delete(m);
}

/* A calls B's function: B reads its own memory, then A reads its own after the return
 * (the interpreter switches the memory cache both ways). */
static void test_cross_instance_call_switches_memory(void **state)
{
    (void)state;
    aw_module *ma = load(wasm_xa, sizeof wasm_xa, NULL);
    aw_module *mb = load(wasm_xb, sizeof wasm_xb, NULL);
    aw_store *s = aw_store_new(NULL);
    aw_instance *b = inst_of(s, mb);
    aw_import imp = {"b", "peek", {AW_EXTERN_FUNC, {.func = aw_instance_func(b, "peek")}}};
    aw_error err;
    aw_instance *a = aw_instantiate(s, ma, &imp, 1, &err);
    assert_non_null(a);
    aw_val r;
    assert_int_equal(aw_call(s, aw_instance_func(a, "both"), NULL, 0, &r, 1, &err), AW_OK);
    assert_int_equal(r.i32, 42 * 100 + 7);
    aw_store_delete(s);
    aw_module_delete(ma);
    aw_module_delete(mb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_imports_are_type_checked),
        cmocka_unit_test(test_data_segment_trap_keeps_earlier_writes),
        cmocka_unit_test(test_memory_init_and_data_drop),
        cmocka_unit_test(test_memory_grow_refused_by_quota),
        cmocka_unit_test(test_instance_ram),
        cmocka_unit_test(test_budget_yield_resume_gives_the_same_result),
        cmocka_unit_test(test_interrupt_from_another_thread),
        cmocka_unit_test(test_host_function_reenters_the_store),
        cmocka_unit_test(test_nested_run_grows_the_frame_stack),
        cmocka_unit_test(test_operand_stack_grows_to_its_limit),
        cmocka_unit_test(test_cross_instance_call_switches_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

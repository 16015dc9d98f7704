/*
 * The AOT tier through the embedding API (docs/aot.md): attaching a section and every
 * reason to refuse one (damaged, other bytecode, foreign target, other ABI), then what
 * native code must keep from the interpreter: traps with the same reasons, bounded
 * recursion, interruption at loop back-edges without calls, and the budget (calls then
 * run on the interpreter, which can yield). The .aot files are akira-aot's output for
 * aot/tiers.wat, made at build time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <akira/exec_mem.h>
#include <akira/vmem.h>
#include <akira/wasm.h>

#include "aot_files.h"
#include "aot_format.h"

static const aw_aot_exec exec = {
    .alloc = akira_exec_alloc, .seal = akira_exec_seal, .free = akira_exec_free};
static const aw_vmem vmem = {
    .reserve = akira_vmem_reserve, .commit = akira_vmem_commit, .release = akira_vmem_release};

static file wasm, other, sec, checked;

static int setup(void **state)
{
    (void)state;
    wasm = slurp("tiers.wasm");
    other = slurp("other.wasm");
    sec = slurp("tiers.wasm.aot");
    checked = slurp("tiers.wasm.check.aot");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(wasm.p);
    free(other.p);
    free(sec.p);
    free(checked.p);
    return 0;
}

static aw_store *poke_store; /* the store the host function interrupts */

static aw_status poke(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller, (void)user, (void)io;
    aw_store_interrupt(poke_store);
    return AW_OK;
}

typedef struct run {
    aw_module *m;
    aw_store *s;
    aw_instance *inst;
} run;

/* A store with guard-page memories (vm) or ordinary ones. */
static uint32_t cfg_depth; /* the stores' max_call_depth (0: the default) */

static run start_in(const file *mod, const file *code, aw_status want, bool vm)
{
    run r;
    aw_error err;
    r.m = aw_module_load_buffer(NULL, mod->p, mod->n, &err);
    assert_non_null(r.m);
    aw_status st = aw_module_attach_aot(r.m, rd, (void *)code, 0, (uint32_t)code->n, &exec, &err);
    if (st != want) fail_msg("attach: %d (%s), wanted %d", st, err.msg, want);
    aw_config cfg = {.vmem = vm ? &vmem : NULL, .max_call_depth = cfg_depth};
    /* guard-page faults become traps (again in front of cmocka's handler of this test);
     * TEST_AOT_NO_FAULT_HOOK=1 shows that without the hook they crash instead */
    const char *no = getenv("TEST_AOT_NO_FAULT_HOOK");
    if (!no || strcmp(no, "1") != 0) akira_fault_hook_set(aw_aot_fault);
    r.s = aw_store_new(&cfg);
    poke_store = r.s;
    aw_import imp = {"env", "poke", {.kind = AW_EXTERN_FUNC}};
    imp.ext.of.func = aw_host_func_new(r.s, "()", poke, NULL);
    r.inst = aw_instantiate(r.s, r.m, &imp, 1, &err);
    assert_non_null(r.inst);
    return r;
}

static run start(const file *mod, const file *code, aw_status want)
{
    return start_in(mod, code, want, true);
}

static void stop(run *r)
{
    aw_store_delete(r->s);
    aw_module_delete(r->m);
}

static aw_status call1(run *r, const char *name, int32_t a, int32_t b, int32_t *out, aw_error *err)
{
    aw_func *f = aw_instance_func(r->inst, name);
    assert_non_null(f);
    uint32_t np, nr;
    const uint8_t *pt, *rt;
    aw_func_type(f, &np, &pt, &nr, &rt);
    aw_val args[2] = {{.i32 = a}, {.i32 = b}}, res[1] = {{0}};
    aw_status st = aw_call(r->s, f, args, np, res, nr, err);
    if (out) *out = res[0].i32;
    return st;
}

static void test_attach_and_call(void **state)
{
    (void)state;
    run r = start(&wasm, &sec, AW_OK);
    assert_string_equal(aw_module_tier(r.m), "aot x86_64");
    assert_string_equal(aw_aot_target(), "x86_64");
    int32_t v;
    aw_error err;
    assert_int_equal(call1(&r, "add", 2, 3, &v, &err), AW_OK);
    assert_int_equal(v, 5);
    /* a trap keeps the interpreter's reason and message */
    assert_int_equal(call1(&r, "peek", 65533, 0, &v, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_MEMORY_OOB);
    assert_string_equal(err.msg, "out of bounds memory access");
    assert_int_equal(call1(&r, "peek", 65532, 0, &v, &err), AW_OK);
    stop(&r);
}

/* Every way out of the memory traps with the interpreter's message: one byte past the
 * end, far past it, past 4 GiB with the largest offset, past a grown memory, and bulk
 * memory ranges (checked before memset/memmove, even for 0 bytes). In guard-page mode
 * the loads and stores carry no check: the fault handler makes the trap. */
static void oob_traps(run *r)
{
    int32_t v;
    aw_error err;
    const int32_t bad[][3] = {
        {0, 65533, 0}, {0, 65536, 0}, {0, -4, 0},    {0, 0x7fffffff, 0}, {1, 0, 0},
        {1, -1, 0},    {2, 65536, 1}, {3, 65535, 2}, {3, 65537, 0},      {4, 1, 65536},
        {4, 65537, 0}, {5, 65532, 0}, {6, 0, 65536}, {7, 65536, 0},      {8, 0, 65536},
    };
    static const char *const fn[] = {"peek",      "peek_far", "poke8",   "fill",    "copy",
                                     "peek_more", "peek_set", "peek_if", "peek_tee"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (call1(r, fn[bad[i][0]], bad[i][1], bad[i][2], &v, &err) != AW_ERR_TRAP)
            fail_msg("%s(%d, %d) did not trap", fn[bad[i][0]], bad[i][1], bad[i][2]);
        assert_int_equal(err.trap, AW_TRAP_MEMORY_OOB);
        assert_string_equal(err.msg, "out of bounds memory access");
    }
    /* the store goes on, in bounds works, and a grown page is there and zero */
    assert_int_equal(call1(r, "poke8", 65535, 9, NULL, &err), AW_OK);
    assert_int_equal(call1(r, "fill", 65535, 1, NULL, &err), AW_OK);
    assert_int_equal(call1(r, "copy", 65535, 1, NULL, &err), AW_OK);
    assert_int_equal(call1(r, "peek", 65532, 0, &v, &err), AW_OK);
    assert_int_equal(call1(r, "peek_more", 65528, 0, &v, &err), AW_OK);
    assert_int_equal(call1(r, "peek_if", 65532, 1, &v, &err), AW_OK);
    assert_int_equal(call1(r, "grow", 0, 0, &v, &err), AW_OK);
    assert_int_equal(v, 2);
    assert_int_equal(call1(r, "peek", 65536, 0, &v, &err), AW_OK);
    assert_int_equal(v, 0);
    assert_int_equal(call1(r, "poke8", 131071, 1, NULL, &err), AW_OK);
    assert_int_equal(call1(r, "peek", 131069, 0, &v, &err), AW_ERR_TRAP);
    assert_string_equal(err.msg, "out of bounds memory access");
}

/* oob_traps on `code` in a store with guard pages (vm) or without, on the tier wanted. */
static void oob_case(const file *code, bool vm, const char *tier)
{
    run r = start_in(&wasm, code, AW_OK, vm);
    assert_string_equal(aw_module_tier(r.m), "aot x86_64");
    assert_string_equal(aw_instance_tier(r.inst), tier);
    oob_traps(&r);
    stop(&r);
}

static void test_guard_pages(void **state)
{
    (void)state;
    oob_case(&sec, true, "aot x86_64");
}

/* Explicit checks (--bounds check) run natively on ordinary memories, same traps. */
static void test_explicit_checks(void **state)
{
    (void)state;
    oob_case(&checked, false, "aot x86_64");
}

/* Guard-page code on a store without guard pages: that instance runs on the
 * interpreter, with the same results and traps. */
static void test_guard_code_without_guard_pages(void **state)
{
    (void)state;
    oob_case(&sec, false, "interp");
}

/* A copy of the section with one byte changed (and the checksum redone if fix). */
static file changed(size_t at, uint8_t xor_, bool fix)
{
    file c = {malloc(sec.n), sec.n};
    memcpy(c.p, sec.p, sec.n);
    c.p[at] ^= xor_;
    if (fix) {
        uint32_t s = aw_aot_checksum(c.p, (uint32_t)c.n);
        memcpy(c.p + AW_AOT_OFF_CHECKSUM, &s, 4);
    }
    return c;
}

static void refused(file *c, aw_status want, const char *msg_part)
{
    aw_error err;
    aw_module *m = aw_module_load_buffer(NULL, wasm.p, wasm.n, &err);
    assert_int_equal(aw_module_attach_aot(m, rd, c, 0, (uint32_t)c->n, &exec, &err), want);
    if (!strstr(err.msg, msg_part)) fail_msg("message '%s' lacks '%s'", err.msg, msg_part);
    assert_string_equal(aw_module_tier(m), "interp");
    aw_module_delete(m);
    free(c->p);
}

static void test_refusals(void **state)
{
    (void)state;
    file c = changed(sec.n - 7, 0x40, false); /* a byte of the image */
    refused(&c, AW_ERR_MALFORMED, "checksum");
    c = changed(AW_AOT_OFF_TARGET, 3, true); /* 1 -> 2: thumbv7em */
    refused(&c, AW_ERR_UNSUPPORTED, "code for thumbv7em, this board runs x86_64");
    c = changed(AW_AOT_OFF_ABI, 0x10, true);
    refused(&c, AW_ERR_UNSUPPORTED, "engine ABI");
    c = changed(AW_AOT_OFF_HASH + 5, 1, true);
    refused(&c, AW_ERR_INVALID, "hash mismatch");
    /* the right section on other bytecode: refused, and that module still runs */
    run r = start(&other, &sec, AW_ERR_INVALID);
    assert_string_equal(aw_module_tier(r.m), "interp");
    int32_t v;
    aw_error err;
    assert_int_equal(call1(&r, "add", 2, 3, &v, &err), AW_OK);
    assert_int_equal(v, -1);
    stop(&r);
}

static void test_recursion_is_a_trap(void **state)
{
    (void)state;
    run r = start(&wasm, &sec, AW_OK);
    aw_error err;
    assert_int_equal(call1(&r, "rec", 0, 0, NULL, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_STACK_EXHAUSTED);
    int32_t v;
    assert_int_equal(call1(&r, "add", 40, 2, &v, &err), AW_OK); /* the store goes on */
    assert_int_equal(v, 42);
    stop(&r);
}

/* A call depth the thread's stack cannot hold (100 million frames): the native stack
 * limit ends the recursion with the same trap, before the stack overflows. */
static void test_native_stack_is_bounded(void **state)
{
    (void)state;
    cfg_depth = 100000000;
    run r = start(&wasm, &sec, AW_OK);
    cfg_depth = 0;
    aw_error err;
    assert_int_equal(call1(&r, "rec", 0, 0, NULL, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_STACK_EXHAUSTED);
    int32_t v;
    assert_int_equal(call1(&r, "add", 40, 2, &v, &err), AW_OK);
    assert_int_equal(v, 42);
    stop(&r);
}

static void *interrupter(void *arg)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    aw_store_interrupt(arg);
    return NULL;
}

static void test_interrupts(void **state)
{
    (void)state;
    run r = start(&wasm, &sec, AW_OK);
    aw_error err;
    /* at the call after the host asked */
    assert_int_equal(call1(&r, "spin_call", 0, 0, NULL, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_INTERRUPTED);
    aw_store_clear_interrupt(r.s);
    /* at a back-edge, from another thread */
    pthread_t t;
    pthread_create(&t, NULL, interrupter, r.s);
    assert_int_equal(call1(&r, "spin", 0, 0, NULL, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_INTERRUPTED);
    pthread_join(t, NULL);
    aw_store_clear_interrupt(r.s);
    /* with a budget the interpreter runs the call and yields */
    aw_store_set_budget(r.s, 100000);
    assert_int_equal(call1(&r, "spin", 0, 0, NULL, &err), AW_ERR_YIELD);
    aw_abort(r.s);
    stop(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attach_and_call),
        cmocka_unit_test(test_guard_pages),
        cmocka_unit_test(test_explicit_checks),
        cmocka_unit_test(test_guard_code_without_guard_pages),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_recursion_is_a_trap),
        cmocka_unit_test(test_native_stack_is_bounded),
        cmocka_unit_test(test_interrupts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

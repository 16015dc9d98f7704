/*
 * The AOT tier through the embedding API (docs/aot.md): attaching a section and every
 * reason to refuse one (damaged, other bytecode, foreign target, other ABI), then what
 * native code must keep from the interpreter: traps with the same reasons, bounded
 * recursion, interruption at loop back-edges without calls (and at loops that only look
 * bounded), asynchronous interruption of code without loop-header polls (a signal to
 * the thread, the default on x86-64), the budget (calls then run on the interpreter, which can
 * yield), and call_indirect's inline check after every kind of table write and on shared tables.
 * The .aot files are akira-aot's output for aot/tiers.wat and aot/indirect*.wat, made
 * at build time.
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

static file wasm, other, sec, checked, polled;
static file ind, ind_sec, peer, peer_sec; /* call_indirect: aot/indirect*.wat */

static int setup(void **state)
{
    (void)state;
    wasm = slurp("tiers.wasm");
    other = slurp("other.wasm");
    sec = slurp("tiers.wasm.aot");
    checked = slurp("tiers.wasm.check.aot");
    polled = slurp("tiers.wasm.poll.aot");
    ind = slurp("indirect.wasm");
    ind_sec = slurp("indirect.wasm.aot");
    peer = slurp("indirect_peer.wasm");
    peer_sec = slurp("indirect_peer.wasm.aot");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(wasm.p);
    free(other.p);
    free(sec.p);
    free(checked.p);
    free(polled.p);
    free(ind.p);
    free(ind_sec.p);
    free(peer.p);
    free(peer_sec.p);
    return 0;
}

static aw_store *poke_store; /* the store the host function interrupts */
/* poke_nap: the host function sleeps 200 ms holding nap_lock instead (an interrupt
 * comes meanwhile), and counts the naps it finished */
static bool poke_nap;
static int naps_done;
static pthread_mutex_t nap_lock = PTHREAD_MUTEX_INITIALIZER;

static aw_status poke(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller, (void)user, (void)io;
    if (!poke_nap) {
        aw_store_interrupt(poke_store);
        return AW_OK;
    }
    pthread_mutex_lock(&nap_lock);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 200 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
    /* the interrupt's signals end the sleep early (EINTR): sleep on */
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) != 0) {
    }
    naps_done++;
    pthread_mutex_unlock(&nap_lock);
    return AW_OK;
}

/* The port's asynchronous interruption (x86-64 code's loop headers have no poll);
 * no_async: a store without it */
static const aw_async_intr async = {.self = akira_async_intr_self, .kick = akira_async_intr_kick};
static bool no_async;

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
    aw_config cfg = {.vmem = vm ? &vmem : NULL,
                     .max_call_depth = cfg_depth,
                     .async_intr = no_async ? NULL : &async};
    akira_async_intr_set(aw_aot_interrupt_pc);
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
    /* loops that only look bounded keep their poll (translate.c, bounded()) */
    static const char *const spins[] = {"spin_ne",    "spin_reset",  "spin_back",
                                        "spin_other", "spin_other2", "spin_entry"};
    for (size_t i = 0; i < sizeof spins / sizeof spins[0]; i++) {
        pthread_create(&t, NULL, interrupter, r.s);
        if (call1(&r, spins[i], 0, 1, NULL, &err) != AW_ERR_TRAP) fail_msg("%s ended", spins[i]);
        assert_int_equal(err.trap, AW_TRAP_INTERRUPTED);
        pthread_join(t, NULL);
        aw_store_clear_interrupt(r.s);
    }
    /* one that is bounded runs without its poll, with the same result */
    int32_t v;
    assert_int_equal(call1(&r, "count", 0, 0, &v, &err), AW_OK);
    assert_int_equal(v, 4950);
    /* with a budget the interpreter runs the call and yields */
    aw_store_set_budget(r.s, 100000);
    assert_int_equal(call1(&r, "spin", 0, 0, NULL, &err), AW_ERR_YIELD);
    aw_abort(r.s);
    stop(&r);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double interrupted_at;

static void *interrupter_timed(void *arg)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    interrupted_at = now_ms();
    aw_store_interrupt(arg);
    return NULL;
}

/* Run export `name` (no arguments) while another thread interrupts the store 50 ms
 * later: it must end with "interrupted"; returns the ms from the interrupt to the end. */
static double interrupt_run(run *r, const char *name)
{
    pthread_t t;
    aw_error err;
    pthread_create(&t, NULL, interrupter_timed, r->s);
    if (call1(r, name, 0, 0, NULL, &err) != AW_ERR_TRAP) fail_msg("%s ended", name);
    double ms = now_ms() - interrupted_at;
    if (getenv("TEST_AOT_SHOW")) printf("%s: %.2f ms\n", name, ms);
    assert_int_equal(err.trap, AW_TRAP_INTERRUPTED);
    assert_string_equal(err.msg, "interrupted");
    pthread_join(t, NULL);
    aw_store_clear_interrupt(r->s);
    return ms;
}

/* x86-64 code's loop headers have no poll: the store's interrupt signals the thread
 * that runs its native code (docs/aot.md, "Interruption") */
static void test_async_interrupts(void **state)
{
    (void)state;
    run r = start(&wasm, &sec, AW_OK);
    assert_string_equal(aw_instance_tier(r.inst), "aot x86_64");
    aw_error err;
    int32_t v;
    /* a loop without calls or memory accesses: no check of any kind in it, ended within
     * a bounded time (the signal; 1 s allows for a loaded host and the sanitizers) */
    for (int i = 0; i < 5; i++) {
        double ms = interrupt_run(&r, "spin");
        if (ms > 1000) fail_msg("spin ended %.1f ms after the interrupt", ms);
    }
    /* the store is usable afterwards */
    assert_int_equal(call1(&r, "add", 40, 2, &v, &err), AW_OK);
    assert_int_equal(v, 42);
    /* the interrupt comes while the host function sleeps (the signal finds the thread
     * outside native code and does nothing there): the host function finishes, then the
     * loop after it is interrupted */
    poke_nap = true;
    naps_done = 0;
    interrupt_run(&r, "spin_after_call");
    poke_nap = false;
    assert_int_equal(naps_done, 1);
    assert_int_equal(pthread_mutex_trylock(&nap_lock), 0);
    pthread_mutex_unlock(&nap_lock);
    /* most of the time in memset, or in a short helper (where the signals of a tight
     * loop land nearly always): the helper's return ends them */
    static const char *const helpers[] = {"spin_fill", "spin_helper"};
    for (int i = 0; i < 10; i++) {
        double ms = interrupt_run(&r, helpers[i % 2]);
        if (ms > 1000) fail_msg("%s ended %.1f ms after the interrupt", helpers[i % 2], ms);
    }
    /* an interrupt of a store that runs nothing does nothing but set its flag */
    aw_store_interrupt(r.s);
    aw_store_clear_interrupt(r.s);
    assert_int_equal(call1(&r, "add", 1, 2, &v, &err), AW_OK);
    assert_int_equal(v, 3);
    /* the flag set before the call: the call ends at once */
    aw_store_interrupt(r.s);
    assert_int_equal(call1(&r, "spin", 0, 0, NULL, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_INTERRUPTED);
    aw_store_clear_interrupt(r.s);
    stop(&r);

    /* a store without the port's asynchronous interruption runs such code on the
     * interpreter, which is interrupted as always; code compiled with polls
     * (--interrupt poll) runs natively there */
    const struct {
        const file *code;
        const char *tier;
    } plain[] = {{&sec, "interp"}, {&polled, "aot x86_64"}};
    no_async = true;
    for (size_t i = 0; i < 2; i++) {
        r = start(&wasm, plain[i].code, AW_OK);
        assert_string_equal(aw_instance_tier(r.inst), plain[i].tier);
        interrupt_run(&r, "spin");
        stop(&r);
    }
    no_async = false;
}

/* ---- call_indirect: the inline check of native code (aot/indirect.wat) ---- */

/* Call export `name` of inst with up to 3 i32 arguments; its i32 result in *out. */
static aw_status callv(aw_store *s, aw_instance *inst, const char *name, int32_t *out,
                       aw_error *err, int nargs, ...)
{
    aw_func *f = aw_instance_func(inst, name);
    if (!f) fail_msg("no export %s", name);
    aw_val args[3] = {{0}}, res[1] = {{0}};
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++)
        args[i].i32 = va_arg(ap, int32_t);
    va_end(ap);
    uint32_t np, nr;
    const uint8_t *pt, *rt;
    aw_func_type(f, &np, &pt, &nr, &rt);
    assert_int_equal(np, (uint32_t)nargs);
    aw_status st = aw_call(s, f, args, np, res, nr, err);
    if (out) *out = res[0].i32;
    return st;
}

#define OK(inst, name, ...)                                                                        \
    do {                                                                                           \
        aw_error e_;                                                                               \
        aw_status st_ = callv(S, inst, name, NULL, &e_, __VA_ARGS__);                              \
        if (st_ != AW_OK) fail_msg("%s: %d %s", name, st_, e_.msg);                                \
    } while (0)

/* inst's `call` (or another caller export) of slot i with x returns want */
static void expect(aw_store *s, aw_instance *inst, const char *caller, int32_t i, int32_t x,
                   int32_t want)
{
    int32_t v;
    aw_error err;
    aw_status st = callv(s, inst, caller, &v, &err, 2, i, x);
    if (st != AW_OK) fail_msg("%s(%d, %d): trap '%s', wanted %d", caller, i, x, err.msg, want);
    if (v != want) fail_msg("%s(%d, %d) = %d, wanted %d", caller, i, x, v, want);
}

/* inst's `caller` of slot i traps with reason t and the interpreter's message */
static void expect_trap(aw_store *s, aw_instance *inst, const char *caller, int32_t i, aw_trap t)
{
    aw_error err;
    aw_status st = strcmp(caller, "call_v") == 0 ? callv(s, inst, caller, NULL, &err, 1, i)
                                                 : callv(s, inst, caller, NULL, &err, 2, i, 5);
    if (st != AW_ERR_TRAP) fail_msg("%s(%d) did not trap (%d)", caller, i, st);
    assert_int_equal(err.trap, t);
    assert_string_equal(err.msg, aw_trap_str(t));
}

static aw_status plus100(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller, (void)user;
    io[0].i32 += 100;
    return AW_OK;
}

typedef struct pair {
    aw_module *m;
    aw_instance *inst;
} pair;

/* Module `mod` with section `sec_` (native when code) in store s, importing table
 * `tab` as a.tab when given (indirect_peer.wat), with its id. */
static pair inst_new(aw_store *s, const file *mod, const file *sec_, aw_table *tab, bool code,
                     int32_t id)
{
    aw_error err;
    pair p = {aw_module_load_buffer(NULL, mod->p, mod->n, &err), NULL};
    assert_non_null(p.m);
    if (code)
        assert_int_equal(
            aw_module_attach_aot(p.m, rd, (void *)sec_, 0, (uint32_t)sec_->n, &exec, &err), AW_OK);
    aw_import imp = {"a", "tab", {.kind = AW_EXTERN_TABLE}};
    imp.ext.of.table = tab;
    p.inst = aw_instantiate(s, p.m, &imp, tab ? 1 : 0, &err);
    if (!p.inst) fail_msg("instantiate: %s", err.msg);
    assert_string_equal(aw_instance_tier(p.inst), code ? "aot x86_64" : "interp");
    assert_int_equal(callv(s, p.inst, "set_id", NULL, &err, 1, id), AW_OK);
    return p;
}

static pair ind_new(aw_store *s, bool code, int32_t id)
{
    return inst_new(s, &ind, &ind_sec, NULL, code, id);
}

static pair peer_new(aw_store *s, aw_table *tab, bool code, int32_t id)
{
    return inst_new(s, &peer, &peer_sec, tab, code, id);
}

static aw_store *ind_store(void)
{
    aw_config cfg = {.vmem = &vmem, .async_intr = &async};
    akira_fault_hook_set(aw_aot_fault);
    akira_async_intr_set(aw_aot_interrupt_pc);
    return aw_store_new(&cfg);
}

/* The checks of the inline path, each with the interpreter's message; every kind of
 * table write is seen by the next call through the table. Run on both tiers, so the
 * interpreter states what native code must do. */
static void indirect_writes(bool code)
{
    aw_store *S = ind_store();
    pair a = ind_new(S, code, 7);
    /* slots 0..2 from the active segment: $inc, $dbl (type $ii2, same signature), $nop */
    expect(S, a.inst, "call", 0, 5, 6);
    expect(S, a.inst, "call", 1, 5, 10);
    expect(S, a.inst, "call2", 0, 5, 6);                        /* $ii2 call of an $ii function */
    expect_trap(S, a.inst, "call", 2, AW_TRAP_INDIRECT_TYPE);   /* $nop: () -> () */
    expect_trap(S, a.inst, "call_v", 0, AW_TRAP_INDIRECT_TYPE); /* $inc as () -> () */
    OK(a.inst, "call_v", 1, 2);
    expect_trap(S, a.inst, "call", 3, AW_TRAP_UNINITIALIZED);
    expect_trap(S, a.inst, "call_v", 3, AW_TRAP_UNINITIALIZED);
    expect_trap(S, a.inst, "call", 4, AW_TRAP_UNDEFINED_ELEMENT);
    expect_trap(S, a.inst, "call", 1000000, AW_TRAP_UNDEFINED_ELEMENT);
    expect_trap(S, a.inst, "call", -1, AW_TRAP_UNDEFINED_ELEMENT);
    /* table.set: a function, then null */
    OK(a.inst, "set_who", 1, 3);
    expect(S, a.inst, "call", 3, 5, 12);
    OK(a.inst, "set_null", 1, 3);
    expect_trap(S, a.inst, "call", 3, AW_TRAP_UNINITIALIZED);
    /* table.grow: the new slots are there ($who), the one after them is not */
    int32_t v;
    aw_error err;
    assert_int_equal(callv(S, a.inst, "grow", &v, &err, 1, 2), AW_OK);
    assert_int_equal(v, 4);
    expect(S, a.inst, "call", 5, 1, 8);
    expect_trap(S, a.inst, "call", 6, AW_TRAP_UNDEFINED_ELEMENT);
    /* table.fill with $dbl */
    OK(a.inst, "fill", 2, 4, 2);
    expect(S, a.inst, "call", 4, 3, 6);
    expect(S, a.inst, "call", 5, 3, 6);
    /* table.copy: slot 0 ($inc) over slot 5 */
    OK(a.inst, "copy", 3, 5, 0, 1);
    expect(S, a.inst, "call", 5, 3, 4);
    /* table.init from the passive segment ($who $dbl), then elem.drop: init traps */
    OK(a.inst, "init", 3, 0, 0, 2);
    expect(S, a.inst, "call", 0, 1, 8);
    expect(S, a.inst, "call", 1, 3, 6);
    OK(a.inst, "drop", 0);
    assert_int_equal(callv(S, a.inst, "init", NULL, &err, 3, 2, 0, 1), AW_ERR_TRAP);
    assert_string_equal(err.msg, "out of bounds table access");
    expect_trap(S, a.inst, "call", 2, AW_TRAP_INDIRECT_TYPE); /* unchanged: still $nop */
    /* the embedding API writes: null, then a function of this instance */
    aw_extern tab;
    assert_int_equal(aw_instance_export(a.inst, "tab", &tab), AW_OK);
    aw_val nul = {.ref = NULL};
    assert_true(aw_table_set(tab.of.table, 1, nul));
    expect_trap(S, a.inst, "call", 1, AW_TRAP_UNINITIALIZED);
    aw_val inc;
    assert_true(aw_table_get(tab.of.table, 5, &inc)); /* $inc, copied there above */
    assert_true(aw_table_set(tab.of.table, 1, inc));
    expect(S, a.inst, "call", 1, 1, 2);
    /* a host function in the table: called through the helper, its type checked */
    aw_val h = {.ref = aw_host_func_new(S, "(i)i", plus100, NULL)};
    assert_true(aw_table_set(tab.of.table, 1, h));
    expect(S, a.inst, "call", 1, 1, 101);
    expect_trap(S, a.inst, "call_v", 1, AW_TRAP_INDIRECT_TYPE);
    aw_store_delete(S);
    aw_module_delete(a.m);
}

static void test_indirect_checks_and_writes(void **state)
{
    (void)state;
    indirect_writes(false); /* the interpreter: what native code must match */
    indirect_writes(true);
}

/* A table shared with other instances: each calls the functions the others wrote, and
 * each such call runs in the instance the function belongs to (its id in the result),
 * whatever tier each runs on. peer_code: the peers are native. */
static void indirect_shared(bool a_code, bool peer_code)
{
    aw_store *S = ind_store();
    pair a = ind_new(S, a_code, 7);
    aw_extern tab;
    assert_int_equal(aw_instance_export(a.inst, "tab", &tab), AW_OK);
    pair b1 = peer_new(S, tab.of.table, peer_code, 1);
    pair b2 = peer_new(S, tab.of.table, peer_code, 2);
    /* the peers call a's functions: a's instance runs them */
    expect(S, b1.inst, "call", 0, 5, 6);
    OK(a.inst, "set_who", 1, 3);
    expect(S, b1.inst, "call", 3, 5, 12);
    expect_trap(S, b1.inst, "call", 2, AW_TRAP_INDIRECT_TYPE);
    /* b1 writes its function: a and b2 call it, b1's instance runs it */
    OK(b1.inst, "put", 1, 2);
    expect(S, a.inst, "call", 2, 5, 1006);
    expect(S, b2.inst, "call", 2, 5, 1006);
    expect(S, b1.inst, "call", 2, 5, 1006);
    OK(b2.inst, "put", 1, 2);
    expect(S, a.inst, "call", 2, 5, 1007);
    expect(S, b1.inst, "call", 2, 5, 1007);
    /* a grows the shared table: the peers see the new slots */
    int32_t v;
    aw_error err;
    expect_trap(S, b1.inst, "call", 4, AW_TRAP_UNDEFINED_ELEMENT);
    assert_int_equal(callv(S, a.inst, "grow", &v, &err, 1, 1), AW_OK);
    expect(S, b1.inst, "call", 4, 5, 12);
    OK(b1.inst, "put", 1, 4);
    expect(S, a.inst, "call", 4, 5, 1006);
    expect(S, a.inst, "call2", 4, 5, 1006); /* another type index, the same signature */
    aw_store_delete(S);
    aw_module_delete(b2.m);
    aw_module_delete(b1.m);
    aw_module_delete(a.m);
}

static void test_indirect_shared_table(void **state)
{
    (void)state;
    indirect_shared(true, true);
    indirect_shared(true, false);
    indirect_shared(false, true);
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
        cmocka_unit_test(test_async_interrupts),
        cmocka_unit_test(test_indirect_checks_and_writes),
        cmocka_unit_test(test_indirect_shared_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

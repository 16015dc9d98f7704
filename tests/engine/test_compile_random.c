/*
 * Random valid programs through the whole engine: a deterministic generator builds
 * modules of several functions (nested blocks, loops with counters, if/else, br_if and
 * br_table carrying values, multi-value blocks and block parameters, local.tee, select,
 * calls, masked loads and stores, i32/i64 arithmetic with constants), so that every
 * fusion and aliasing path of the compiler meets every other. Each module must
 * validate, its compiled code must pass code_verify.h (slots inside the frame, targets
 * on instructions), and main() must run without a trap, to the same result twice
 * (once in a fresh instance).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "akira/wasm.h"
#include "code_verify.h"
#include "modbuild.h"

typedef struct gen {
    uint64_t rng;
    mb *out;
    uint32_t fi; /* function being generated: it may call 0..fi-1 */
} gen;

static uint32_t rnd(gen *g, uint32_t n)
{
    g->rng ^= g->rng << 13, g->rng ^= g->rng >> 7, g->rng ^= g->rng << 17;
    return (uint32_t)(g->rng % n);
}

static void b1(gen *g, uint8_t x)
{
    g->out->b[g->out->n++] = x;
}

static void sleb(gen *g, int64_t v)
{
    for (;;) {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        b1(g, byte | (done ? 0 : 0x80));
        if (done) return;
    }
}

/* Locals: 0 i32 param, 1 i64 param, 2-4 i32, 5-6 i64, 7-8 loop counters (i32). */
enum { T32 = 0x7f, T64 = 0x7e };
static const uint8_t loc32[] = {0, 2, 3, 4}, loc64[] = {1, 5, 6};

static void expr(gen *g, uint8_t t, int d);

static void constant(gen *g, uint8_t t)
{
    static const int64_t pick[] = {0, 1, -1, 7, 255, 0x7fffffff, -0x80000000ll, 0x100000000ll};
    int64_t v = rnd(g, 3) ? pick[rnd(g, 8)] : (int64_t)g->rng;
    b1(g, t == T32 ? 0x41 : 0x42);
    sleb(g, t == T32 ? (int32_t)v : v);
}

static void stmt(gen *g, int d, int loopd)
{
    switch (d <= 0 ? 0 : rnd(g, 5)) {
    case 0: { /* local.set */
        bool i64 = rnd(g, 2);
        expr(g, i64 ? T64 : T32, d);
        b1(g, 0x21), b1(g, i64 ? loc64[rnd(g, 3)] : loc32[rnd(g, 4)]);
        return;
    }
    case 1: /* i64.store at a masked address */
        expr(g, T32, d - 1);
        b1(g, 0x41), sleb(g, 0xff00), b1(g, 0x71);
        expr(g, T64, d - 1);
        b1(g, 0x37), b1(g, 3), b1(g, (uint8_t)rnd(g, 8));
        return;
    case 2: /* loop with its own counter */
        if (loopd < 2) {
            uint8_t c = (uint8_t)(7 + loopd);
            b1(g, 0x41), sleb(g, 1 + rnd(g, 4)), b1(g, 0x21), b1(g, c);
            b1(g, 0x03), b1(g, 0x40);
            stmt(g, d - 1, loopd + 1);
            b1(g, 0x20), b1(g, c), b1(g, 0x41), b1(g, 1), b1(g, 0x6b), b1(g, 0x22), b1(g, c);
            b1(g, 0x0d), b1(g, 0), b1(g, 0x0b);
            return;
        }
        /* fall through */
    case 3: /* if / else */
        expr(g, T32, d - 1);
        b1(g, 0x04), b1(g, 0x40);
        stmt(g, d - 1, loopd);
        b1(g, 0x05);
        stmt(g, d - 1, loopd);
        b1(g, 0x0b);
        return;
    default: /* block left early by br_if */
        b1(g, 0x02), b1(g, 0x40);
        stmt(g, d - 1, loopd);
        expr(g, T32, d - 1);
        b1(g, 0x0d), b1(g, 0);
        stmt(g, d - 1, loopd);
        b1(g, 0x0b);
        return;
    }
}

static void expr(gen *g, uint8_t t, int d)
{
    uint8_t o = rnd(g, 2) ? T32 : T64;
    if (d <= 0 || rnd(g, 8) == 0) {
        if (rnd(g, 2)) {
            constant(g, t);
        } else {
            b1(g, 0x20), b1(g, t == T32 ? loc32[rnd(g, 4)] : loc64[rnd(g, 3)]);
        }
        return;
    }
    switch (rnd(g, 14)) {
    case 0: /* binary operator (no division: no traps) */
    case 1: {
        static const uint8_t ops32[] = {0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77};
        uint8_t op = ops32[rnd(g, 10)];
        expr(g, t, d - 1);
        if (rnd(g, 2))
            constant(g, t);
        else
            expr(g, t, d - 1);
        b1(g, t == T32 ? op : (uint8_t)(op + 0x12));
        return;
    }
    case 2: /* comparison, or eqz, as an i32 */
        if (t == T32) {
            expr(g, o, d - 1);
            if (rnd(g, 4) == 0) {
                b1(g, o == T32 ? 0x45 : 0x50);
                return;
            }
            if (rnd(g, 2))
                constant(g, o);
            else
                expr(g, o, d - 1);
            b1(g, (uint8_t)((o == T32 ? 0x46 : 0x51) + rnd(g, 10)));
            return;
        }
        /* fall through */
    case 3: /* conversion */
        expr(g, t == T32 ? T64 : T32, d - 1);
        b1(g, t == T32 ? 0xa7 : (uint8_t)(0xac + rnd(g, 2)));
        return;
    case 4: /* if with a result */
        expr(g, T32, d - 1);
        b1(g, 0x04), b1(g, t);
        expr(g, t, d - 1);
        b1(g, 0x05);
        expr(g, t, d - 1);
        b1(g, 0x0b);
        return;
    case 5: /* block: statement then value */
        b1(g, 0x02), b1(g, t);
        stmt(g, d - 1, 2);
        expr(g, t, d - 1);
        b1(g, 0x0b);
        return;
    case 6: /* br_if carrying a value out of a block */
        b1(g, 0x02), b1(g, t);
        expr(g, t, d - 1);
        expr(g, T32, d - 1);
        b1(g, 0x0d), b1(g, 0), b1(g, 0x1a);
        expr(g, t, d - 1);
        b1(g, 0x0b);
        return;
    case 7: /* local.tee */
        expr(g, t, d - 1);
        b1(g, 0x22), b1(g, t == T32 ? loc32[rnd(g, 4)] : loc64[rnd(g, 3)]);
        return;
    case 8: /* select */
        expr(g, t, d - 1);
        expr(g, t, d - 1);
        expr(g, T32, d - 1);
        b1(g, 0x1b);
        return;
    case 9: /* call an earlier function: (i32, i64) -> i64 */
        if (g->fi > 0) {
            expr(g, T32, d - 1);
            expr(g, T64, d - 1);
            b1(g, 0x10), b1(g, (uint8_t)rnd(g, g->fi));
            if (t == T32) b1(g, 0xa7);
            return;
        }
        /* fall through */
    case 10: /* masked load, with an add of a constant in the address sometimes */
        expr(g, T32, d - 1);
        b1(g, 0x41), sleb(g, 0xff00), b1(g, 0x71);
        if (rnd(g, 2)) b1(g, 0x41), sleb(g, rnd(g, 8)), b1(g, 0x6a);
        if (t == T32) {
            static const uint8_t ld[] = {0x28, 0x2c, 0x2d, 0x2e, 0x2f};
            b1(g, ld[rnd(g, 5)]), b1(g, 0), b1(g, (uint8_t)rnd(g, 4));
        } else {
            b1(g, 0x29), b1(g, 0), b1(g, (uint8_t)rnd(g, 4));
        }
        return;
    case 11: /* br_table choosing between two blocks, carrying a value */
        b1(g, 0x02), b1(g, t);
        b1(g, 0x02), b1(g, t);
        expr(g, t, d - 1);
        expr(g, T32, d - 1);
        b1(g, 0x0e), b1(g, 2), b1(g, 1), b1(g, 0), b1(g, (uint8_t)rnd(g, 2));
        b1(g, 0x0b);
        expr(g, t, d - 1);
        b1(g, t == T32 ? 0x6a : 0x7c);
        b1(g, 0x0b);
        return;
    case 12: /* multi-value block (type 1 or 2: [] -> [t t]) feeding xor */
        b1(g, 0x02), b1(g, t == T32 ? 1 : 2);
        expr(g, t, d - 1);
        expr(g, t, d - 1);
        b1(g, 0x0b);
        b1(g, t == T32 ? 0x73 : 0x85);
        return;
    default: /* block with a parameter (type 3 or 4: [t] -> [t]) */
        expr(g, t, d - 1);
        b1(g, 0x02), b1(g, t == T32 ? 3 : 4);
        expr(g, t, d - 1);
        b1(g, t == T32 ? 0x6b : 0x7d);
        b1(g, 0x0b);
        return;
    }
}

/* Builds module `seed` into m: memory of one page, NF functions, main exported. */
static void build(mb *m, uint64_t seed)
{
    static mb code;
    gen g = {.rng = seed * 0x9e3779b97f4a7c15ull + 1, .out = &code};
    uint32_t nf = 1 + rnd(&g, 4);
    mb_header(m);
    /* 0: (i32 i64) -> i64, 1: [] -> [i32 i32], 2: [] -> [i64 i64], 3: [i32] -> [i32],
     * 4: [i64] -> [i64], 5: [] -> [i64] (main) */
    static const uint8_t types[] = {6,    0x60, 2,    0x7f, 0x7e, 1,    0x7e, 0x60, 0,    2, 0x7f,
                                    0x7f, 0x60, 0,    2,    0x7e, 0x7e, 0x60, 1,    0x7f, 1, 0x7f,
                                    0x60, 1,    0x7e, 1,    0x7e, 0x60, 0,    1,    0x7e};
    mb_section(m, 1, types, sizeof types);
    uint8_t funcs[8] = {(uint8_t)(nf + 1)};
    for (uint32_t i = 0; i < nf; i++)
        funcs[1 + i] = 0;
    funcs[1 + nf] = 5;
    mb_section(m, 3, funcs, nf + 2);
    mb_section(m, 5, "\1\0\1", 3);
    uint8_t ex[] = {1, 4, 'm', 'a', 'i', 'n', 0, (uint8_t)nf};
    mb_section(m, 7, ex, sizeof ex);
    mb sec = {.n = 0};
    mb_u32(&sec, nf + 1);
    for (uint32_t i = 0; i < nf; i++) {
        g.fi = i;
        code.n = 0;
        b1(&g, 3), b1(&g, 3), b1(&g, T32), b1(&g, 2), b1(&g, T64), b1(&g, 2), b1(&g, T32);
        for (uint32_t k = 1 + rnd(&g, 3); k > 0; k--)
            stmt(&g, 4, 0);
        expr(&g, T64, 5);
        b1(&g, 0x0b);
        mb_u32(&sec, (uint32_t)code.n);
        mb_bytes(&sec, code.b, code.n);
    }
    /* main: call f(nf-1) with constant arguments */
    code.n = 0;
    b1(&g, 0), b1(&g, 0x41), sleb(&g, (int32_t)rnd(&g, 200) - 100);
    b1(&g, 0x42), sleb(&g, (int64_t)g.rng >> 20), b1(&g, 0x10), b1(&g, (uint8_t)(nf - 1)),
        b1(&g, 0x0b);
    mb_u32(&sec, (uint32_t)code.n);
    mb_bytes(&sec, code.b, code.n);
    mb_section(m, 10, sec.b, sec.n);
}

static uint64_t run_main(const aw_module *mod)
{
    aw_error err;
    aw_store *s = aw_store_new(NULL);
    assert_non_null(s);
    aw_instance *inst = aw_instantiate(s, mod, NULL, 0, &err);
    assert_non_null(inst);
    aw_val res;
    aw_status st = aw_call(s, aw_instance_func(inst, "main"), NULL, 0, &res, 1, &err);
    if (st != AW_OK) fail_msg("main failed: %d %s", st, err.msg);
    aw_store_delete(s);
    return res.u64;
}

static void test_random_programs(void **state)
{
    (void)state;
    static mb m;
    uint32_t distinct = 0;
    uint64_t prev = 0;
    for (uint64_t seed = 1; seed <= 400; seed++) {
        build(&m, seed);
        aw_error err;
        aw_module *mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
        if (!mod)
            fail_msg("seed %llu: %s @%u: %s", (unsigned long long)seed, err.section, err.offset,
                     err.msg);
        for (uint32_t f = 0; f < mod->nfuncs - mod->nfunc_imports; f++) {
            char buf[160];
            const char *bad = cv_verify(mod, f, buf, sizeof buf);
            if (bad) fail_msg("seed %llu func %u: %s", (unsigned long long)seed, f, bad);
        }
        uint64_t r = run_main(mod);
        assert_int_equal(r, run_main(mod));
        distinct += r != prev;
        prev = r;
        aw_module_delete(mod);
    }
    /* the generator is not degenerate: results vary from program to program */
    assert_true(distinct > 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Compiler tests: the exact code.h words emitted for small functions. The
 * interpreter relies on these shapes (operand slots, branch targets, where results
 * land), so they are pinned here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "akira/wasm.h"
#include "module.h"
#include "modbuild.h"

static aw_module *compile(const void *type, size_t tn, const void *body, size_t bn)
{
    static mb m;
    mb_func_module(&m, type, tn, body, bn);
    aw_error err;
    aw_module *mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
    if (!mod) fail_msg("load failed: %s @%u: %s", err.section, err.offset, err.msg);
    return mod;
}

static void expect_code(const aw_module *m, const uint32_t *words, uint32_t n)
{
    const aw_code *c = &m->funcs[0].code;
    if (c->nwords != n || memcmp(c->words, words, n * 4) != 0) {
        for (uint32_t i = 0; i < c->nwords; i++)
            print_message("%u ", c->words[i]);
        print_message("\n");
        fail_msg("unexpected code (%u words, expected %u)", c->nwords, n);
    }
}

/* local.get emits nothing: the add reads the parameters in place. */
static void test_add_reads_locals_in_place(void **state)
{
    (void)state;
    aw_module *m = compile("\x60\2\x7f\x7f\1\x7f", 6, "\0\x20\0\x20\1\x6a\x0b", 7);
    /* the add and the return are a pair (code.h AW_PAIRS) */
    const uint32_t w[] = {AW_OP_I32_ADD_RETURN, 2, 0, 1, AW_OP_RETURN, 2, 1};
    expect_code(m, w, 7);
    assert_int_equal(m->funcs[0].code.nparams, 2);
    assert_int_equal(m->funcs[0].code.nlocals, 2);
    assert_int_equal(m->funcs[0].code.frame_slots, 4);
    aw_module_delete(m);
}

/* local.set after an operation writes the local directly; an i32.const operand
 * becomes an immediate. */
static void test_local_set_retargets_producer(void **state)
{
    (void)state;
    static const uint8_t body[] = {1, 1, 0x7f, 0x20, 0, 0x41, 1, 0x6a, 0x21, 1, 0x0b};
    aw_module *m = compile("\x60\1\x7f\0", 4, body, sizeof body);
    const uint32_t w[] = {AW_OP_I32_ADD_I, 1, 0, 1, AW_OP_RETURN, 0, 0};
    expect_code(m, w, 7);
    aw_module_delete(m);
}

/* i32.sub of a constant is an add of its negation. */
static void test_sub_const_is_add_imm(void **state)
{
    (void)state;
    static const uint8_t body[] = {0, 0x20, 0, 0x41, 5, 0x6b, 0x0b};
    aw_module *m = compile("\x60\1\x7f\1\x7f", 5, body, sizeof body);
    const uint32_t w[] = {AW_OP_I32_ADD_I, 1, 0, (uint32_t)-5, AW_OP_RETURN, 1, 1};
    expect_code(m, w, 7);
    aw_module_delete(m);
}

/* A comparison feeding br_if becomes one compare-and-branch; i32.eqz feeding if
 * becomes "jump to the else arm unless x == 0". */
static void test_compare_branch_fused(void **state)
{
    (void)state;
    /* (block (br_if 0 (i32.lt_s (local.get 0) (local.get 1)))) */
    static const uint8_t b1[] = {0, 0x02, 0x40, 0x20, 0, 0x20, 1, 0x48, 0x0d, 0, 0x0b, 0x0b};
    aw_module *m = compile("\x60\2\x7f\x7f\0", 5, b1, sizeof b1);
    const uint32_t w1[] = {AW_OP_BR_I32_LT_S, 0, 1, 4, AW_OP_RETURN, 0, 0};
    expect_code(m, w1, 7);
    aw_module_delete(m);
    /* (if (i32.eqz (local.get 0)) (then (i32.const 9) (local.set 0))) */
    static const uint8_t b2[] = {0, 0x20, 0, 0x45, 0x04, 0x40, 0x41, 9, 0x21, 0, 0x0b, 0x0b};
    m = compile("\x60\1\x7f\0", 4, b2, sizeof b2);
    const uint32_t w2[] = {AW_OP_BR_I32_NE_I, 0, 0, 7, AW_OP_CONST32, 0, 9, AW_OP_RETURN, 0, 0};
    expect_code(m, w2, 10);
    aw_module_delete(m);
    /* a comparison against a constant, branching back to a loop:
     * (loop (br_if 0 (i32.ne (local.get 0) (i32.const 7)))) */
    static const uint8_t b3[] = {0, 0x03, 0x40, 0x20, 0, 0x41, 7, 0x47, 0x0d, 0, 0x0b, 0x0b};
    m = compile("\x60\1\x7f\0", 4, b3, sizeof b3);
    const uint32_t w3[] = {AW_OP_BR_I32_NE_I, 0, 7, 0, AW_OP_RETURN, 0, 0};
    expect_code(m, w3, 7);
    aw_module_delete(m);
}

/* A stack value aliasing a local is copied home before the local changes. */
static void test_alias_materialised_before_write(void **state)
{
    (void)state;
    static const uint8_t body[] = {0, 0x20, 0, 0x41, 5, 0x21, 0, 0x0b};
    aw_module *m = compile("\x60\1\x7f\1\x7f", 5, body, sizeof body);
    /* the constant and the first copy make a pair (code.h AW_PAIRS) */
    const uint32_t w[] = {AW_OP_CONST32_COPY, 2, 5, AW_OP_COPY,   1, 0,
                          AW_OP_COPY,         0, 2, AW_OP_RETURN, 1, 1};
    expect_code(m, w, 12);
    aw_module_delete(m);
}

/* loop + br_if 0 is a back-edge (fuel check), with an absolute target. */
static void test_loop_back_edge(void **state)
{
    (void)state;
    /* (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))) */
    static const uint8_t body[] = {0,    0x03, 0x40, 0x20, 0, 0x41, 1,
                                   0x6b, 0x22, 0,    0x0d, 0, 0x0b, 0x0b};
    aw_module *m = compile("\x60\1\x7f\0", 4, body, sizeof body);
    /* the sub becomes an add of -1 written straight into local 0 (local.tee); the
     * condition is local 0 itself */
    const uint32_t w[] = {AW_OP_I32_ADD_I, 0, 0, (uint32_t)-1, AW_OP_BR_IF_BACK, 0, 0,
                          AW_OP_RETURN,    0, 0};
    expect_code(m, w, 10);
    aw_module_delete(m);
}

/* Code after br is validated but not emitted; the block's result is moved to its
 * slot and the forward branch lands after the block. */
static void test_br_moves_result_and_skips_dead_code(void **state)
{
    (void)state;
    /* (block (result i32) (local.get 0) (br 0) (i32.const 7)) end */
    static const uint8_t body[] = {0, 0x02, 0x7f, 0x20, 0, 0x0c, 0, 0x41, 7, 0x0b, 0x0b};
    aw_module *m = compile("\x60\1\x7f\1\x7f", 5, body, sizeof body);
    const uint32_t w[] = {AW_OP_COPY, 1, 0, AW_OP_BR, 5, AW_OP_RETURN, 1, 1};
    expect_code(m, w, 8);
    aw_module_delete(m);
}

/* if/else: BR_UNLESS to the else arm, BR over it, both arms leave the result in the
 * same home slot. */
static void test_if_else_joins_in_one_slot(void **state)
{
    (void)state;
    static const uint8_t body[] = {0, 0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b, 0x0b};
    aw_module *m = compile("\x60\1\x7f\1\x7f", 5, body, sizeof body);
    const uint32_t w[] = {AW_OP_BR_UNLESS, 0, 8, AW_OP_CONST32, 1, 1, AW_OP_BR, 11,
                          AW_OP_CONST32,   1, 2, AW_OP_RETURN,  1, 1};
    expect_code(m, w, 14);
    aw_module_delete(m);
}

/* Call arguments sit in consecutive home slots; the callee frame starts there and
 * the result comes back in the same slot. */
static void test_call_frame_base(void **state)
{
    (void)state;
    /* (call 0 (local.get 0) (i32.const 3)) in a function of type (i32)->i32
     * that calls itself: arguments must be copied home */
    static const uint8_t body[] = {0, 0x20, 0, 0x10, 0, 0x0b};
    aw_module *m = compile("\x60\1\x7f\1\x7f", 5, body, sizeof body);
    /* the argument move and the call are a pair (code.h AW_PAIRS) */
    const uint32_t w[] = {AW_OP_COPY_CALL, 1, 0, AW_OP_CALL, 0, 1, AW_OP_RETURN, 1, 1};
    expect_code(m, w, 9);
    aw_module_delete(m);
}

/* br_table to blocks with results: move stubs after the table. */
static void test_br_table_stubs(void **state)
{
    (void)state;
    /* (block (result i32) (block (result i32) (local.get 0) (local.get 0)
     *   (br_table 0 1 0)) ... ) */
    static const uint8_t body[] = {0, 0x02, 0x7f, 0x02, 0x7f, 0x20, 0,    0x20,
                                   0, 0x0e, 1,    0,    1,    0x0b, 0x0b, 0x0b};
    aw_module *m = compile("\x60\1\x7f\1\x7f", 5, body, sizeof body);
    /* each label needs the value copied from local 0 into slot 1: a stub per label,
     * placed after the table, ending in a jump past the blocks */
    const uint32_t w[] = {AW_OP_BR_TABLE, 0, 1, 5,        10, AW_OP_COPY,   1, 0, AW_OP_BR, 15,
                          AW_OP_COPY,     1, 0, AW_OP_BR, 15, AW_OP_RETURN, 1, 1};
    expect_code(m, w, 18);
    aw_module_delete(m);
}

/* i64 constants become 64-bit immediates; i64.eqz / i64.ne feed branches directly. */
static void test_i64_immediates_and_branches(void **state)
{
    (void)state;
    /* (block (br_if 0 (i64.eqz (local.get 0))))
     * (i64.ne (i64.add (local.get 0) (i64.const -5)) (i64.const 0x100000000)) */
    static const uint8_t body[] = {0,    0x02, 0x40, 0x20, 0,    0x50, 0x0d, 0,
                                   0x0b, 0x20, 0,    0x42, 0x7b, 0x7c, 0x42, 0x80,
                                   0x80, 0x80, 0x80, 0x10, 0x52, 0x0b};
    aw_module *m = compile("\x60\1\x7e\1\x7f", 5, body, sizeof body);
    const uint32_t w[] = {
        AW_OP_BR_I64_EQ_I, 0, 0, 0, 5, AW_OP_I64_ADD_I, 1, 0, (uint32_t)-5, (uint32_t)-1,
        AW_OP_I64_NE_I,    1, 1, 0, 1, AW_OP_RETURN,    1, 1};
    expect_code(m, w, 18);
    aw_store *s = aw_store_new(NULL);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, m, NULL, 0, &err);
    assert_non_null(inst);
    aw_func *f = aw_instance_func(inst, "f");
    aw_val arg = {.u64 = 0x100000005ull}, res;
    assert_int_equal(aw_call(s, f, &arg, 1, &res, 1, &err), AW_OK);
    assert_int_equal(res.u32, 0); /* the high word of the immediate counts */
    arg.u64 = 5;
    assert_int_equal(aw_call(s, f, &arg, 1, &res, 1, &err), AW_OK);
    assert_int_equal(res.u32, 1);
    aw_store_delete(s);
    aw_module_delete(m);
}

/* An address computed by i32.add of a constant becomes part of the access. */
static void test_address_add_folded(void **state)
{
    (void)state;
    mb m;
    mb_header(&m);
    mb_section(&m, 1, "\1\x60\2\x7f\x7f\1\x7f", 7);
    mb_section(&m, 3, "\1\0", 2);
    mb_section(&m, 5, "\1\0\1", 3);
    mb_section(&m, 7, "\1\1f\0\0", 5);
    /* (i32.store (i32.add (local.get 0) (i32.const 16)) (local.get 1))
     * (i32.load offset=4 (i32.add (local.get 1) (i32.const -8))) */
    static const uint8_t code[] = {1, 20, 0,    0x20, 0,    0x41, 16,   0x6a, 0x20, 1, 0x36,
                                   2, 0,  0x20, 1,    0x41, 0x78, 0x6a, 0x28, 2,    4, 0x0b};
    mb_section(&m, 10, code, sizeof code);
    aw_error err;
    aw_module *mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
    assert_non_null(mod);
    const uint32_t w[] = {AW_OP_I32_STORE_I, 0, 1, 16, 0, AW_OP_I32_LOAD_I, 2, 1, (uint32_t)-8, 4,
                          AW_OP_RETURN,      2, 1};
    expect_code(mod, w, 13);

    /* a + imm wraps at 32 bits as the i32.add did; the offset is added after,
     * without wrapping */
    aw_store *s = aw_store_new(NULL);
    assert_non_null(s);
    aw_instance *inst = aw_instantiate(s, mod, NULL, 0, &err);
    assert_non_null(inst);
    aw_func *f = aw_instance_func(inst, "f");
    aw_val args[2] = {{.u32 = 0xfffffffcu}, {.u32 = 8}}, res;
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_OK); /* stores 8 at 12 */
    args[0].u32 = 4, args[1].u32 = 16;
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_OK); /* loads 16 - 8 + 4 */
    assert_int_equal(res.u32, 8);
    args[0].u32 = 0, args[1].u32 = 4; /* 4 - 8 wraps to 0xfffffffc, + 4 is past 4 GiB */
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_MEMORY_OOB);
    args[0].u32 = 65532, args[1].u32 = 8; /* store at 65548: out of bounds */
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_MEMORY_OOB);
    aw_store_delete(s);
    aw_module_delete(mod);
}

/* Instantiate a one-function module exporting "f" (type section bytes, code section
 * bytes): the module in *mod, the function returned, its store in *s. */
static aw_func *instantiate_f(const char *type, size_t tn, const uint8_t *code, size_t cn,
                              aw_module **mod, aw_store **s)
{
    mb m;
    mb_header(&m);
    mb_section(&m, 1, type, tn);
    mb_section(&m, 3, "\1\0", 2);
    mb_section(&m, 7, "\1\1f\0\0", 5);
    mb_section(&m, 10, code, cn);
    aw_error err;
    *mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
    assert_non_null(*mod);
    *s = aw_store_new(NULL);
    assert_non_null(*s);
    aw_instance *inst = aw_instantiate(*s, *mod, NULL, 0, &err);
    assert_non_null(inst);
    return aw_instance_func(inst, "f");
}

/* A shift right feeding an and of a constant, and an add feeding an add of a
 * constant, are one instruction each when the first result is a stack value; the
 * shift count is taken mod 32 and the sum wraps, as the two wasm operations did. */
static void test_pairs_fused(void **state)
{
    (void)state;
    /* (i32.xor (i32.and (i32.shr_u (local.get 0) (i32.const 35)) (i32.const 31))
     *          (i32.add (i32.add (local.get 0) (local.get 1)) (i32.const -3))) */
    static const uint8_t code[] = {1,    19, 0,    0x20, 0,    0x41, 35,   0x76, 0x41, 0x1f, 0x71,
                                   0x20, 0,  0x20, 1,    0x6a, 0x41, 0x7d, 0x6a, 0x73, 0x0b};
    aw_module *mod;
    aw_store *s;
    aw_func *f = instantiate_f("\1\x60\2\x7f\x7f\1\x7f", 7, code, sizeof code, &mod, &s);
    aw_error err;
    const uint32_t w[] = {AW_OP_I32_SHR_U_AND_I,
                          2,
                          0,
                          35,
                          31,
                          AW_OP_I32_ADD_ADD_I,
                          3,
                          0,
                          1,
                          (uint32_t)-3,
                          AW_OP_I32_XOR_RETURN,
                          2,
                          2,
                          3,
                          AW_OP_RETURN,
                          2,
                          1};
    expect_code(mod, w, 17);
    aw_val args[2] = {{.u32 = 0xf0000078u}, {.u32 = 5}}, res;
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_OK);
    assert_int_equal(res.u32, 0xf0000075u); /* 15 ^ 0xf000007a */
    args[0].u32 = 0xffffffffu, args[1].u32 = 2;
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_OK);
    assert_int_equal(res.u32, 0xffffffe1u); /* 31 ^ 0xfffffffe */
    aw_store_delete(s);
    aw_module_delete(mod);
}

/* An i32.and of a constant feeding br_if, directly or through i32.eqz, is one
 * test-and-branch. */
static void test_and_branch_fused(void **state)
{
    (void)state;
    /* block (br_if 0 (i32.eqz (i32.and x 6))) block (br_if 0 (i32.and x 1)) return 10
     * end return 20 end 30 */
    static const uint8_t code[] = {1,    31, 0,    0x02, 0x40, 0x20, 0,    0x41, 6,    0x71, 0x45,
                                   0x0d, 0,  0x02, 0x40, 0x20, 0,    0x41, 1,    0x71, 0x0d, 0,
                                   0x41, 10, 0x0f, 0x0b, 0x41, 20,   0x0f, 0x0b, 0x41, 30,   0x0b};
    aw_module *mod;
    aw_store *s;
    aw_func *f = instantiate_f("\1\x60\1\x7f\1\x7f", 6, code, sizeof code, &mod, &s);
    aw_error err;
    const uint32_t *w = mod->funcs[0].code.words;
    assert_int_equal(w[0], AW_OP_BR_I32_TESTZ);
    assert_int_equal(w[1], 0);
    assert_int_equal(w[2], 6);
    assert_int_equal(w[4], AW_OP_BR_I32_TESTNZ);
    assert_int_equal(w[5], 0);
    assert_int_equal(w[6], 1);
    static const uint32_t in[] = {0, 2, 3, 4, 0x80000001u, 0xfffffffbu},
                          out[] = {30, 10, 20, 10, 30, 20};
    for (unsigned i = 0; i < sizeof in / sizeof in[0]; i++) {
        aw_val arg = {.u32 = in[i]}, res;
        assert_int_equal(aw_call(s, f, &arg, 1, &res, 1, &err), AW_OK);
        assert_int_equal(res.u32, out[i]);
    }
    aw_store_delete(s);
    aw_module_delete(mod);
}

/* The last pass makes pairs of adjacent instructions (code.h AW_PAIRS) in place: the
 * code keeps its length, and a branch to the second of a pair (here the block end)
 * still runs it alone. */
static void test_adjacent_pairs(void **state)
{
    (void)state;
    /* block (br_if 0 (local.get 0)) (local.set 1 (i32.add (local.get 1) (i32.const 5)))
     * end (local.set 1 (i32.add (local.get 1) (i32.const 7))) (local.get 1) */
    static const uint8_t code[] = {1,    0x19, 0,    2,    0x40, 0x20, 0,    0xd, 0,
                                   0x20, 1,    0x41, 5,    0x6a, 0x21, 1,    0xb, 0x20,
                                   1,    0x41, 7,    0x6a, 0x21, 1,    0x20, 1,   0xb};
    aw_module *mod;
    aw_store *s;
    aw_func *f = instantiate_f("\1\x60\2\x7f\x7f\1\x7f", 7, code, sizeof code, &mod, &s);
    aw_error err;
    const uint32_t w[] = {
        AW_OP_BR_IF,  0, 7, AW_OP_I32_ADD_I_I32_ADD_I, 1, 1, 5, AW_OP_I32_ADD_I, 1, 1, 7,
        AW_OP_RETURN, 1, 1};
    expect_code(mod, w, 14);
    aw_val args[2] = {{.u32 = 0}, {.u32 = 100}}, res;
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_OK);
    assert_int_equal(res.u32, 112);
    args[0].u32 = 1;
    assert_int_equal(aw_call(s, f, args, 2, &res, 1, &err), AW_OK);
    assert_int_equal(res.u32, 107);
    aw_store_delete(s);
    aw_module_delete(mod);
}

/* X_RETURN writes X's result to slot 0 itself, so an add followed by a return of
 * something else (here the add sets local 1, the return is local 0) is no pair. */
static void test_return_pair_only_of_its_result(void **state)
{
    (void)state;
    static const uint8_t body[] = {0, 0x20, 0, 0x20, 1, 0x6a, 0x21, 1, 0x20, 0, 0x0b};
    aw_module *m = compile("\x60\2\x7f\x7f\1\x7f", 6, body, sizeof body);
    const uint32_t w[] = {AW_OP_I32_ADD, 1, 0, 1, AW_OP_RETURN, 0, 1};
    expect_code(m, w, 7);
    aw_module_delete(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_reads_locals_in_place),
        cmocka_unit_test(test_local_set_retargets_producer),
        cmocka_unit_test(test_sub_const_is_add_imm),
        cmocka_unit_test(test_compare_branch_fused),
        cmocka_unit_test(test_address_add_folded),
        cmocka_unit_test(test_pairs_fused),
        cmocka_unit_test(test_and_branch_fused),
        cmocka_unit_test(test_adjacent_pairs),
        cmocka_unit_test(test_return_pair_only_of_its_result),
        cmocka_unit_test(test_i64_immediates_and_branches),
        cmocka_unit_test(test_alias_materialised_before_write),
        cmocka_unit_test(test_loop_back_edge),
        cmocka_unit_test(test_br_moves_result_and_skips_dead_code),
        cmocka_unit_test(test_if_else_joins_in_one_slot),
        cmocka_unit_test(test_call_frame_base),
        cmocka_unit_test(test_br_table_stubs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

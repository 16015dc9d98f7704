/*
 * Edges the spec scripts alone used to guard, pinned in the engine's own tests:
 *  - memory bounds at the very end of linear memory, for every load and store width
 *    and every fused address form (i32.add of a constant folded into the access): an
 *    access at size - width works, one at size - width + 1 traps and changes nothing;
 *  - rotations by counts 0, 1, width - 1, width, width + 1 and negative ones.
 * Each on hand-assembled code (every interpreter op as it is) and on compiled modules
 * (what the compiler really emits, fused forms checked to be there). Built twice: with
 * computed-goto dispatch (test_exec_edges) and with the switch (test_exec_edges_switch).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exec_util.h"
#include "modbuild.h"

#define PAGE 65536u

/* The last 8 bytes of memory hold 11 22 .. 88 before each access. */
static const uint64_t PATTERN = 0x8877665544332211u;
/* What stores write (its low `width` bytes). */
static const uint64_t VALUE = 0xa1a2a3a4a5a6a7a8u;

/* One memory access op of code.h. */
typedef struct access {
    const char *name;
    uint32_t op;    /* aw_op */
    uint32_t width; /* bytes */
    bool store;
    bool fused; /* [op, dst|a, a|val, imm, offset] */
    bool is64;  /* i64 result (loads) */
    bool sign;  /* sign-extending load */
} access;

/* name, op, width, store, fused, is64, sign */
// clang-format off
#define A(op, ...) {#op, AW_OP_##op, __VA_ARGS__}
static const access ACCESSES[] = {
    A(I32_LOAD, 4, false, false, false, false),    A(I64_LOAD, 8, false, false, true, false),
    A(I32_LOAD8_S, 1, false, false, false, true),  A(I32_LOAD8_U, 1, false, false, false, false),
    A(I32_LOAD16_S, 2, false, false, false, true), A(I32_LOAD16_U, 2, false, false, false, false),
    A(I64_LOAD8_S, 1, false, false, true, true),   A(I64_LOAD8_U, 1, false, false, true, false),
    A(I64_LOAD16_S, 2, false, false, true, true),  A(I64_LOAD16_U, 2, false, false, true, false),
    A(I64_LOAD32_S, 4, false, false, true, true),  A(I64_LOAD32_U, 4, false, false, true, false),
    A(I32_STORE, 4, true, false, false, false),    A(I64_STORE, 8, true, false, false, false),
    A(I32_STORE8, 1, true, false, false, false),   A(I32_STORE16, 2, true, false, false, false),
    A(I64_STORE8, 1, true, false, false, false),   A(I64_STORE16, 2, true, false, false, false),
    A(I64_STORE32, 4, true, false, false, false),
    A(I32_LOAD_I, 4, false, true, false, false),      A(I64_LOAD_I, 8, false, true, true, false),
    A(I32_LOAD8_S_I, 1, false, true, false, true),    A(I32_LOAD8_U_I, 1, false, true, false, false),
    A(I32_LOAD16_S_I, 2, false, true, false, true),   A(I32_LOAD16_U_I, 2, false, true, false, false),
    A(I32_STORE_I, 4, true, true, false, false),      A(I64_STORE_I, 8, true, true, false, false),
    A(I32_STORE8_I, 1, true, true, false, false),     A(I32_STORE16_I, 2, true, true, false, false),
};
// clang-format on
#undef A
#define NACCESSES (sizeof ACCESSES / sizeof ACCESSES[0])

/* Every memory access op of code.h is in the table: a new one must be added here. */
static void test_every_access_op_is_listed(void **state)
{
    (void)state;
    uint32_t listed = 0;
#define COUNT_MEM(name, cls)                                                                       \
    if (!strcmp(#cls, "LOAD") || !strcmp(#cls, "STORE") || !strcmp(#cls, "LOADI") ||               \
        !strcmp(#cls, "STOREI")) {                                                                 \
        bool found = false;                                                                        \
        for (size_t i = 0; i < NACCESSES; i++)                                                     \
            found |= ACCESSES[i].op == AW_OP_##name;                                               \
        if (!found) fail_msg("%s is not in ACCESSES", #name);                                      \
        listed++;                                                                                  \
    }
    AW_OPS(COUNT_MEM)
#undef COUNT_MEM
    assert_int_equal(listed, NACCESSES);
}

/* What a load of `width` bytes at size - width returns from the pattern. */
static uint64_t expect_load(const access *a)
{
    uint32_t bits = a->width * 8;
    uint64_t v = PATTERN >> (64 - bits);
    if (a->sign && bits < 64 && (v >> (bits - 1)) & 1) v |= ~0ull << bits;
    return a->is64 ? v : (uint32_t)v;
}

/* The last 8 bytes after a store of `width` bytes at size - width. */
static uint64_t expect_stored(uint32_t width)
{
    if (width == 8) return VALUE;
    uint32_t keep = 64 - width * 8;
    return (PATTERN & ((1ull << keep) - 1)) | (VALUE << keep);
}

static uint64_t last8(aw_memory *mem)
{
    uint64_t size = aw_memory_size(mem), v;
    memcpy(&v, aw_memory_ptr(mem, size - 8, 8), 8);
    return v;
}

/* ---- hand-assembled ------------------------------------------------------------------ */

/* Runs `a` with effective address at (a, imm, offset) on a memory of `pages` pages
 * (grown to 2 first when pages is 2, so the interpreter's cached size is the grown
 * one), after writing the pattern to its last 8 bytes. Frame: s0 address, s1 value,
 * s2 result, s3 scratch. Returns the call's status; *out gets the result of a load
 * and *mem_after the last 8 bytes. */
static aw_status run_access(const access *a, uint32_t pages, uint32_t addr, uint32_t imm,
                            uint32_t offset, uint64_t *out, uint64_t *mem_after)
{
    uint32_t w[64], n = 0;
    uint32_t size = pages * PAGE;
    if (pages == 2) {
        w[n++] = AW_OP_CONST32, w[n++] = 3, w[n++] = 1;
        w[n++] = AW_OP_MEMORY_GROW, w[n++] = 3, w[n++] = 3;
    }
    w[n++] = AW_OP_CONST32, w[n++] = 3, w[n++] = size - 8;
    w[n++] = AW_OP_CONST64, w[n++] = 2, w[n++] = (uint32_t)PATTERN,
    w[n++] = (uint32_t)(PATTERN >> 32);
    w[n++] = AW_OP_I64_STORE, w[n++] = 3, w[n++] = 2, w[n++] = 0;
    w[n++] = a->op;
    if (a->store) {
        w[n++] = 0, w[n++] = 1;
    } else {
        w[n++] = 2, w[n++] = 0;
    }
    if (a->fused) w[n++] = imm;
    w[n++] = offset;
    w[n++] = AW_OP_RETURN, w[n++] = 2, w[n++] = 1;

    hb h = {0};
    hb_type(&h, 0, "(II)I");
    hb_func(&h, 0, 0, w, n, 2, 4);
    aw_store *s = aw_store_new(NULL);
    assert_non_null(s);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, hb_module(&h), NULL, 0, &err);
    assert_non_null(inst);
    aw_val args[2] = {{.u64 = 0xdeadbeef00000000u | addr}, {.u64 = VALUE}}, r = {0};
    aw_status st = aw_call(s, hb_fn(inst, 0), args, 2, &r, 1, &err);
    if (st == AW_ERR_TRAP) assert_int_equal(err.trap, AW_TRAP_MEMORY_OOB);
    aw_memory *mem = aw_instance_memory(inst, 0);
    assert_int_equal(aw_memory_size(mem), size);
    *out = a->is64 ? r.u64 : r.u32;
    *mem_after = last8(mem);
    aw_store_delete(s);
    return st;
}

/* One access at effective address `ea` = addr (+ imm) + offset: in bounds when
 * ea <= size - width. */
static void check_access(const access *a, uint32_t pages, uint32_t addr, uint32_t imm,
                         uint32_t offset)
{
    if (!a->fused) { /* no immediate: it goes into the operand */
        addr += imm;
        imm = 0;
    }
    uint64_t ea = (uint64_t)(uint32_t)(addr + imm) + offset;
    uint64_t size = (uint64_t)pages * PAGE;
    uint64_t v, after;
    aw_status st = run_access(a, pages, addr, imm, offset, &v, &after);
    if (ea + a->width > size) {
        if (st != AW_ERR_TRAP)
            fail_msg("%s at %llu (addr %u imm %u offset %u, %u pages): no trap", a->name,
                     (unsigned long long)ea, addr, imm, offset, pages);
        if (after != PATTERN) fail_msg("%s: a trapping store wrote memory", a->name);
        return;
    }
    if (st != AW_OK)
        fail_msg("%s at %llu (addr %u imm %u offset %u, %u pages): status %d", a->name,
                 (unsigned long long)ea, addr, imm, offset, pages, st);
    if (ea + a->width != size) return; /* only the last bytes are checked for values */
    if (a->store) {
        if (after != expect_stored(a->width))
            fail_msg("%s: memory ends %016llx", a->name, (unsigned long long)after);
    } else if (v != expect_load(a)) {
        fail_msg("%s: loaded %llx, want %llx", a->name, (unsigned long long)v,
                 (unsigned long long)expect_load(a));
    }
}

/* size - width and size - width + 1, reached through each part of the address: the
 * operand, the fused immediate, the offset, a mix, and a fused sum that wraps at 32
 * bits (as the i32.add it replaces does). */
static void test_end_of_memory_every_op(void **state)
{
    (void)state;
    for (size_t i = 0; i < NACCESSES; i++) {
        const access *a = &ACCESSES[i];
        for (uint32_t pages = 1; pages <= 2; pages++) {
            uint32_t last = pages * PAGE - a->width; /* the last valid address */
            for (uint32_t e = last; e <= last + 1; e++) {
                check_access(a, pages, e, 0, 0);
                check_access(a, pages, 0, 0, e);
                check_access(a, pages, e - 7, 4, 3);
                if (a->fused) {
                    check_access(a, pages, 0, e, 0);
                    check_access(a, pages, e - 2 + 16, (uint32_t)-16, 2);
                }
            }
            /* far out: the address and the offset do not wrap to a small address */
            check_access(a, pages, 0xffffffffu, 0, pages * PAGE);
            check_access(a, pages, 0xffffffffu, 0, 0xffffffffu);
        }
    }
}

/* ---- compiled -------------------------------------------------------------------------- */

typedef struct wasm_access {
    uint8_t opcode; /* 0x28..0x3e */
    uint8_t type;   /* value type */
    uint32_t width;
    uint32_t op;  /* code.h op the plain form compiles to */
    uint32_t fop; /* the fused form, 0 when the compiler has none */
    bool sign;
} wasm_access;

static const wasm_access WASM_ACCESSES[] = {
    {0x28, 0x7f, 4, AW_OP_I32_LOAD, AW_OP_I32_LOAD_I, false},
    {0x29, 0x7e, 8, AW_OP_I64_LOAD, AW_OP_I64_LOAD_I, false},
    {0x2a, 0x7d, 4, AW_OP_I32_LOAD, AW_OP_I32_LOAD_I, false},
    {0x2b, 0x7c, 8, AW_OP_I64_LOAD, AW_OP_I64_LOAD_I, false},
    {0x2c, 0x7f, 1, AW_OP_I32_LOAD8_S, AW_OP_I32_LOAD8_S_I, true},
    {0x2d, 0x7f, 1, AW_OP_I32_LOAD8_U, AW_OP_I32_LOAD8_U_I, false},
    {0x2e, 0x7f, 2, AW_OP_I32_LOAD16_S, AW_OP_I32_LOAD16_S_I, true},
    {0x2f, 0x7f, 2, AW_OP_I32_LOAD16_U, AW_OP_I32_LOAD16_U_I, false},
    {0x30, 0x7e, 1, AW_OP_I64_LOAD8_S, 0, true},
    {0x31, 0x7e, 1, AW_OP_I64_LOAD8_U, 0, false},
    {0x32, 0x7e, 2, AW_OP_I64_LOAD16_S, 0, true},
    {0x33, 0x7e, 2, AW_OP_I64_LOAD16_U, 0, false},
    {0x34, 0x7e, 4, AW_OP_I64_LOAD32_S, 0, true},
    {0x35, 0x7e, 4, AW_OP_I64_LOAD32_U, 0, false},
    {0x36, 0x7f, 4, AW_OP_I32_STORE, AW_OP_I32_STORE_I, false},
    {0x37, 0x7e, 8, AW_OP_I64_STORE, AW_OP_I64_STORE_I, false},
    {0x38, 0x7d, 4, AW_OP_I32_STORE, AW_OP_I32_STORE_I, false},
    {0x39, 0x7c, 8, AW_OP_I64_STORE, AW_OP_I64_STORE_I, false},
    {0x3a, 0x7f, 1, AW_OP_I32_STORE8, AW_OP_I32_STORE8_I, false},
    {0x3b, 0x7f, 2, AW_OP_I32_STORE16, AW_OP_I32_STORE16_I, false},
    {0x3c, 0x7e, 1, AW_OP_I64_STORE8, 0, false},
    {0x3d, 0x7e, 2, AW_OP_I64_STORE16, 0, false},
    {0x3e, 0x7e, 4, AW_OP_I64_STORE32, 0, false},
};
#define NWASM (sizeof WASM_ACCESSES / sizeof WASM_ACCESSES[0])

static bool is_store(const wasm_access *x)
{
    return x->opcode >= 0x36;
}

/* Every load and store opcode of Wasm 2.0 (0x28..0x3e) is in the table. */
static void test_every_wasm_access_is_listed(void **state)
{
    (void)state;
    assert_int_equal(NWASM, 0x3e - 0x28 + 1);
    for (size_t i = 0; i < NWASM; i++)
        assert_int_equal(WASM_ACCESSES[i].opcode, 0x28 + i);
}

/* A module with memory of `pages` pages whose last 8 bytes hold the pattern, and "f":
 *   load:  (param i32) (result T)  local.get 0 [i32.const imm i32.add] T.load offset
 *   store: (param i32 T)           local.get 0 [i32.const imm i32.add] local.get 1
 *                                  T.store offset
 * The compiled body is checked to use the fused op when `add` and the compiler has
 * one, else the plain op. */
static aw_module *access_module(const wasm_access *x, uint32_t pages, bool add, int32_t imm,
                                uint32_t offset)
{
    uint8_t type[5] = {0x60, 1, 0x7f, 1, x->type};
    size_t tn = 5;
    if (is_store(x)) {
        type[1] = 2, type[3] = x->type, type[4] = 0;
    }
    mb body = {.n = 0};
    body.b[body.n++] = 0;    /* no locals */
    body.b[body.n++] = 0x20; /* local.get 0 */
    body.b[body.n++] = 0;
    if (add) {
        body.b[body.n++] = 0x41;
        mb_s32(&body, imm);
        body.b[body.n++] = 0x6a;
    }
    if (is_store(x)) {
        body.b[body.n++] = 0x20;
        body.b[body.n++] = 1;
    }
    body.b[body.n++] = x->opcode;
    body.b[body.n++] = 0; /* align 1: any address */
    mb_u32(&body, offset);
    body.b[body.n++] = 0x0b;

    static mb m;
    mb_func_module_mem(&m, pages, type, tn, body.b, body.n);
    uint8_t pat[8];
    memcpy(pat, &PATTERN, 8); /* little-endian hosts: the pattern's bytes in order */
    mb_data(&m, pages * PAGE - 8, pat, 8);
    aw_error err;
    aw_module *mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
    if (!mod) fail_msg("load failed: %s @%u: %s", err.section, err.offset, err.msg);
    const aw_code *c = &mod->funcs[0].code;
    uint32_t want = add && x->fop ? x->fop : x->op;
    bool found = false;
    for (uint32_t i = 0; i < c->nwords && !found; i++)
        found = c->words[i] == want;
    if (!found || (add && x->fop && c->words[0] != x->fop))
        fail_msg("opcode 0x%02x (add %d): op %u not emitted as expected", x->opcode, add, want);
    return mod;
}

static void check_compiled(const wasm_access *x, uint32_t pages, bool add, int32_t imm,
                           uint32_t offset, uint32_t addr)
{
    uint64_t ea = (uint64_t)(uint32_t)(addr + (uint32_t)imm) + offset;
    uint64_t size = (uint64_t)pages * PAGE;
    aw_module *mod = access_module(x, pages, add, imm, offset);
    aw_store *s = aw_store_new(NULL);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, mod, NULL, 0, &err);
    assert_non_null(inst);
    aw_val args[2] = {{.u64 = addr}, {.u64 = VALUE}}, r = {.u64 = 0};
    aw_status st = aw_call(s, aw_instance_func(inst, "f"), args, is_store(x) ? 2 : 1, &r,
                           is_store(x) ? 0 : 1, &err);
    uint64_t after = last8(aw_instance_memory(inst, 0));
    if (ea + x->width > size) {
        if (st != AW_ERR_TRAP || err.trap != AW_TRAP_MEMORY_OOB)
            fail_msg("opcode 0x%02x at %llu (addr %u imm %d offset %u add %d): no trap", x->opcode,
                     (unsigned long long)ea, addr, imm, offset, add);
        assert_true(after == PATTERN);
    } else {
        if (st != AW_OK)
            fail_msg("opcode 0x%02x at %llu (addr %u imm %d offset %u add %d): status %d",
                     x->opcode, (unsigned long long)ea, addr, imm, offset, add, st);
        if (ea + x->width == size) {
            access a = {"",     0, x->width, is_store(x), false, x->type == 0x7e || x->type == 0x7c,
                        x->sign};
            if (is_store(x)) {
                assert_true(after == expect_stored(x->width));
            } else {
                uint64_t got = a.is64 ? r.u64 : r.u32;
                if (got != expect_load(&a))
                    fail_msg("opcode 0x%02x: loaded %llx", x->opcode, (unsigned long long)got);
            }
        }
    }
    aw_store_delete(s);
    aw_module_delete(mod);
}

static void test_end_of_memory_compiled(void **state)
{
    (void)state;
    for (size_t i = 0; i < NWASM; i++) {
        const wasm_access *x = &WASM_ACCESSES[i];
        for (uint32_t pages = 1; pages <= 2; pages++) {
            uint32_t last = pages * PAGE - x->width;
            for (uint32_t e = last; e <= last + 1; e++) {
                /* plain: the address, the offset, both */
                check_compiled(x, pages, false, 0, 0, e);
                check_compiled(x, pages, false, 0, e, 0);
                check_compiled(x, pages, false, 0, 3, e - 3);
                /* with an added constant: in the constant, the operand, a mix, and a
                 * sum that wraps at 32 bits */
                check_compiled(x, pages, true, (int32_t)e, 0, 0);
                check_compiled(x, pages, true, 0, 0, e);
                check_compiled(x, pages, true, 5, 3, e - 8);
                check_compiled(x, pages, true, -16, 2, e - 2 + 16);
                check_compiled(x, pages, true, 0, e, 0);
            }
        }
    }
}

/* ---- rotations ------------------------------------------------------------------------- */

/* Bit by bit, independently of the engine's formula. */
static uint64_t ref_rotl(uint64_t x, uint64_t k, uint32_t bits)
{
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    x &= mask;
    for (uint64_t i = 0; i < k % bits; i++)
        x = ((x << 1) | (x >> (bits - 1))) & mask;
    return x;
}

static const int64_t COUNTS[] = {0,   1,  2,   7,   31,  32,  33,  63,  64,        65,       127,
                                 128, -1, -31, -32, -33, -63, -64, -65, INT64_MIN, INT64_MAX};
static const uint64_t ROT_INPUTS[] = {0x0123456789abcdefu, 0x8000000000000001u, 1, ~0ull};

typedef struct rot {
    uint32_t op;
    uint8_t opcode;
    uint32_t bits;
    bool left;
} rot;

static const rot ROTS[] = {
    {AW_OP_I32_ROTL, 0x77, 32, true},
    {AW_OP_I32_ROTR, 0x78, 32, false},
    {AW_OP_I64_ROTL, 0x89, 64, true},
    {AW_OP_I64_ROTR, 0x8a, 64, false},
};

static uint64_t ref_rot(const rot *r, uint64_t x, int64_t count)
{
    /* the count is taken modulo the width (as an unsigned number of that width) */
    uint64_t k = r->bits == 32 ? (uint32_t)count % 32u : (uint64_t)count % 64u;
    return ref_rotl(x, r->left ? k : (r->bits - k) % r->bits, r->bits);
}

static void check_rot(const rot *r, uint64_t x, int64_t count, aw_status st, aw_val got)
{
    assert_int_equal(st, AW_OK);
    uint64_t want = ref_rot(r, x, count);
    uint64_t v = r->bits == 32 ? got.u32 : got.u64;
    if (v != want)
        fail_msg("%s%u(%#llx, %lld) = %#llx, want %#llx", r->left ? "rotl" : "rotr", r->bits,
                 (unsigned long long)x, (long long)count, (unsigned long long)v,
                 (unsigned long long)want);
}

static void test_rotations_hand_assembled(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROTS / sizeof ROTS[0]; i++) {
        const uint32_t w[] = {ROTS[i].op, 2, 0, 1, AW_OP_RETURN, 2, 1};
        hb h = {0};
        hb_type(&h, 0, "(II)I");
        hb_func(&h, 0, 0, w, 7, 2, 3);
        aw_store *s = aw_store_new(NULL);
        aw_error err;
        aw_instance *inst = aw_instantiate(s, hb_module(&h), NULL, 0, &err);
        assert_non_null(inst);
        for (size_t xi = 0; xi < sizeof ROT_INPUTS / sizeof ROT_INPUTS[0]; xi++) {
            for (size_t ci = 0; ci < sizeof COUNTS / sizeof COUNTS[0]; ci++) {
                /* i32 operands: garbage in the upper halves, as i32 slots may have */
                uint64_t junk = ROTS[i].bits == 32 ? 0x5a5a5a5a00000000u : 0;
                aw_val args[2] = {{.u64 = ROT_INPUTS[xi]}, {.i64 = COUNTS[ci]}}, r;
                if (junk) {
                    args[0].u64 = junk | (uint32_t)ROT_INPUTS[xi];
                    args[1].u64 = junk | (uint32_t)COUNTS[ci];
                }
                aw_status st = aw_call(s, hb_fn(inst, 0), args, 2, &r, 1, &err);
                check_rot(&ROTS[i], ROT_INPUTS[xi], COUNTS[ci], st, r);
            }
        }
        aw_store_delete(s);
    }
}

/* The same through the compiler: (local.get 0) (local.get 1) rot, and with the count
 * as a constant (i32.const / i64.const). */
static void test_rotations_compiled(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROTS / sizeof ROTS[0]; i++) {
        const rot *rt = &ROTS[i];
        uint8_t t = rt->bits == 32 ? 0x7f : 0x7e;
        uint8_t type[6] = {0x60, 2, t, t, 1, t};
        const uint8_t body[] = {0, 0x20, 0, 0x20, 1, rt->opcode, 0x0b};
        static mb m;
        mb_func_module(&m, type, sizeof type, body, sizeof body);
        aw_error err;
        aw_module *mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
        assert_non_null(mod);
        aw_store *s = aw_store_new(NULL);
        aw_instance *inst = aw_instantiate(s, mod, NULL, 0, &err);
        assert_non_null(inst);
        for (size_t xi = 0; xi < sizeof ROT_INPUTS / sizeof ROT_INPUTS[0]; xi++) {
            for (size_t ci = 0; ci < sizeof COUNTS / sizeof COUNTS[0]; ci++) {
                aw_val args[2] = {{.u64 = ROT_INPUTS[xi]}, {.i64 = COUNTS[ci]}}, r;
                if (rt->bits == 32) {
                    args[0].u64 = (uint32_t)ROT_INPUTS[xi];
                    args[1].u64 = (uint32_t)COUNTS[ci];
                }
                check_rot(rt, ROT_INPUTS[xi], COUNTS[ci],
                          aw_call(s, aw_instance_func(inst, "f"), args, 2, &r, 1, &err), r);
            }
        }
        aw_store_delete(s);
        aw_module_delete(mod);
        /* constant count: (param T) (result T) local.get 0 T.const k rot */
        for (size_t ci = 0; ci < sizeof COUNTS / sizeof COUNTS[0]; ci++) {
            uint8_t type1[5] = {0x60, 1, t, 1, t};
            mb b = {.n = 0};
            b.b[b.n++] = 0;
            b.b[b.n++] = 0x20;
            b.b[b.n++] = 0;
            if (rt->bits == 32) {
                b.b[b.n++] = 0x41;
                mb_s32(&b, (int32_t)COUNTS[ci]);
            } else {
                b.b[b.n++] = 0x42;
                mb_s64(&b, COUNTS[ci]);
            }
            b.b[b.n++] = rt->opcode;
            b.b[b.n++] = 0x0b;
            mb_func_module(&m, type1, sizeof type1, b.b, b.n);
            mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
            if (!mod) fail_msg("load failed: %s", err.msg);
            s = aw_store_new(NULL);
            inst = aw_instantiate(s, mod, NULL, 0, &err);
            assert_non_null(inst);
            for (size_t xi = 0; xi < sizeof ROT_INPUTS / sizeof ROT_INPUTS[0]; xi++) {
                aw_val arg = {.u64 = rt->bits == 32 ? (uint32_t)ROT_INPUTS[xi] : ROT_INPUTS[xi]}, r;
                check_rot(rt, ROT_INPUTS[xi], COUNTS[ci],
                          aw_call(s, aw_instance_func(inst, "f"), &arg, 1, &r, 1, &err), r);
            }
            aw_store_delete(s);
            aw_module_delete(mod);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_access_op_is_listed),
        cmocka_unit_test(test_end_of_memory_every_op),
        cmocka_unit_test(test_every_wasm_access_is_listed),
        cmocka_unit_test(test_end_of_memory_compiled),
        cmocka_unit_test(test_rotations_hand_assembled),
        cmocka_unit_test(test_rotations_compiled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

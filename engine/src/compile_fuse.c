/*
 * compile_fuse.c - peepholes that fold the instruction just emitted into the one
 * being emitted: an i32/i64 constant operand becomes an immediate (BINI, BINI64), and
 * a comparison feeding br_if / if becomes a compare-and-branch (BRCMP*). Each
 * removes a dispatch and a slot write from the hottest loop shapes of compiled C.
 * An i32.add of a constant that computes a load or store address is folded into
 * the access (LOADI, STOREI): compiled C does this for negative and array offsets.
 *
 * Folding is sound only when the folded instruction is the last one emitted and its
 * result is read by nothing else: c->last_dst names the dst word of the last
 * instruction, and is cleared by every other emission and at every label.
 */
#include "compile.h"

/* The _I form of an i32 binary operator, adjusting the immediate (sub -> add -imm). */
static uint32_t imm_form(uint32_t op, uint32_t *imm)
{
    switch (op) {
    case AW_OP_I32_ADD: return AW_OP_I32_ADD_I;
    case AW_OP_I32_SUB: *imm = 0u - *imm; return AW_OP_I32_ADD_I;
    case AW_OP_I32_MUL: return AW_OP_I32_MUL_I;
    case AW_OP_I32_AND: return AW_OP_I32_AND_I;
    case AW_OP_I32_OR: return AW_OP_I32_OR_I;
    case AW_OP_I32_XOR: return AW_OP_I32_XOR_I;
    case AW_OP_I32_SHL: return AW_OP_I32_SHL_I;
    case AW_OP_I32_SHR_S: return AW_OP_I32_SHR_S_I;
    case AW_OP_I32_SHR_U: return AW_OP_I32_SHR_U_I;
    default:
        if (op >= AW_OP_I32_EQ && op <= AW_OP_I32_GE_U) return AW_OP_I32_EQ_I + (op - AW_OP_I32_EQ);
        return 0;
    }
}

/* Is the last instruction `len` words long, at `at`, writing slot `dst`? */
static bool last_writes(const aw_compiler *c, uint32_t dst, uint32_t len)
{
    return c->live && c->last_dst && c->code[c->last_dst] == dst &&
           c->last_dst - 1 + len == c->ncode;
}

/* The _I form of an i64 binary operator, adjusting the immediate (sub -> add -imm). */
static uint32_t imm_form64(uint32_t op, uint64_t *imm)
{
    switch (op) {
    case AW_OP_I64_ADD: return AW_OP_I64_ADD_I;
    case AW_OP_I64_SUB: *imm = 0u - *imm; return AW_OP_I64_ADD_I;
    case AW_OP_I64_MUL: return AW_OP_I64_MUL_I;
    case AW_OP_I64_AND: return AW_OP_I64_AND_I;
    case AW_OP_I64_OR: return AW_OP_I64_OR_I;
    case AW_OP_I64_XOR: return AW_OP_I64_XOR_I;
    case AW_OP_I64_SHL: return AW_OP_I64_SHL_I;
    case AW_OP_I64_SHR_S: return AW_OP_I64_SHR_S_I;
    case AW_OP_I64_SHR_U: return AW_OP_I64_SHR_U_I;
    case AW_OP_I64_EQ: return AW_OP_I64_EQ_I;
    case AW_OP_I64_NE: return AW_OP_I64_NE_I;
    default: return 0;
    }
}

static bool fuse_bin64(aw_compiler *c, uint32_t op, uint32_t dst, uint32_t a, uint32_t b)
{
    if (!last_writes(c, b, 4) || c->code[c->last_dst - 1] != AW_OP_CONST64) return false;
    uint64_t imm = c->code[c->last_dst + 1] | (uint64_t)c->code[c->last_dst + 2] << 32;
    uint32_t fop = imm_form64(op, &imm);
    if (!fop) return false;
    c->ncode -= 4;
    uint32_t ops[3] = {a, (uint32_t)imm, (uint32_t)(imm >> 32)};
    aw_emit_dst(c, fop, dst, 3, ops);
    return true;
}

/* dst = a OP imm, where the last instruction computed `a` into a stack slot that
 * nothing else reads: a shift right feeding an and (a bit field), or an add feeding an
 * add of a constant, becomes one instruction. */
static bool fuse_pair(aw_compiler *c, uint32_t fop, uint32_t dst, uint32_t a, uint32_t imm)
{
    if (a < c->nlocals) return false;
    uint32_t at = c->last_dst - 1;
    if (fop == AW_OP_I32_AND_I && last_writes(c, a, 4) && c->code[at] == AW_OP_I32_SHR_U_I) {
        uint32_t ops[3] = {c->code[at + 2], c->code[at + 3], imm};
        c->ncode = at;
        aw_emit_dst(c, AW_OP_I32_SHR_U_AND_I, dst, 3, ops);
        return true;
    }
    if (fop == AW_OP_I32_ADD_I && last_writes(c, a, 4) && c->code[at] == AW_OP_I32_ADD) {
        uint32_t ops[3] = {c->code[at + 2], c->code[at + 3], imm};
        c->ncode = at;
        aw_emit_dst(c, AW_OP_I32_ADD_ADD_I, dst, 3, ops);
        return true;
    }
    return false;
}

bool aw_fuse_bin(aw_compiler *c, uint32_t op, uint32_t dst, uint32_t a, uint32_t b)
{
    if (op >= AW_OP_I64_EQZ && op <= AW_OP_I64_ROTR) return fuse_bin64(c, op, dst, a, b);
    if (!last_writes(c, b, 3) || c->code[c->last_dst - 1] != AW_OP_CONST32) return false;
    uint32_t imm = c->code[c->last_dst + 1];
    uint32_t fop = imm_form(op, &imm);
    if (!fop) return false;
    c->ncode -= 3;
    /* the instruction before the constant is the last one again */
    c->last_dst = c->prev_dst;
    c->prev_dst = 0;
    if (fuse_pair(c, fop, dst, a, imm)) return true;
    uint32_t ops[2] = {a, imm};
    aw_emit_dst(c, fop, dst, 2, ops);
    return true;
}

void aw_fuse_cond(aw_compiler *c, uint32_t slot, aw_cond *k)
{
    k->fused = false;
    k->slot = slot;
    if (!c->live || !c->last_dst || c->code[c->last_dst] != slot || slot < c->nlocals) return;
    uint32_t at = c->last_dst - 1, op = c->code[at], prev = c->prev_dst;
    if (op == AW_OP_I32_EQZ && last_writes(c, slot, 3)) {
        k->op = AW_OP_BR_I32_EQ_I;
        k->a = c->code[at + 2];
        k->b = 0;
    } else if (op >= AW_OP_I32_EQ && op <= AW_OP_I32_GE_U && last_writes(c, slot, 4)) {
        k->op = AW_OP_BR_I32_EQ + (op - AW_OP_I32_EQ);
        k->a = c->code[at + 2];
        k->b = c->code[at + 3];
    } else if (op >= AW_OP_I32_EQ_I && op <= AW_OP_I32_GE_U_I && last_writes(c, slot, 4)) {
        k->op = AW_OP_BR_I32_EQ_I + (op - AW_OP_I32_EQ_I);
        k->a = c->code[at + 2];
        k->b = c->code[at + 3];
    } else if (op == AW_OP_I64_EQZ && last_writes(c, slot, 3)) {
        k->op = AW_OP_BR_I64_EQ_I;
        k->a = c->code[at + 2];
        k->b = k->hi = 0;
    } else if ((op == AW_OP_I64_EQ || op == AW_OP_I64_NE) && last_writes(c, slot, 4)) {
        k->op = op == AW_OP_I64_EQ ? AW_OP_BR_I64_EQ : AW_OP_BR_I64_NE;
        k->a = c->code[at + 2];
        k->b = c->code[at + 3];
    } else if ((op == AW_OP_I64_EQ_I || op == AW_OP_I64_NE_I) && last_writes(c, slot, 5)) {
        k->op = op == AW_OP_I64_EQ_I ? AW_OP_BR_I64_EQ_I : AW_OP_BR_I64_NE_I;
        k->a = c->code[at + 2];
        k->b = c->code[at + 3];
        k->hi = c->code[at + 4];
    } else if (op == AW_OP_I32_AND_I && last_writes(c, slot, 4)) {
        k->op = AW_OP_BR_I32_TESTNZ;
        k->a = c->code[at + 2];
        k->b = c->code[at + 3];
    } else {
        return;
    }
    c->ncode = at;
    c->last_dst = c->prev_dst = 0;
    k->fused = true;
    if (!prev || (k->op != AW_OP_BR_I32_EQ_I && k->op != AW_OP_BR_I32_NE_I) || k->b != 0 ||
        k->a < c->nlocals || c->code[prev] != k->a || c->code[prev - 1] != AW_OP_I32_AND_I ||
        prev + 3 != at)
        return;
    /* (x & mask) == 0 or != 0, the and's result read by nothing else: one test */
    k->op = k->op == AW_OP_BR_I32_EQ_I ? AW_OP_BR_I32_TESTZ : AW_OP_BR_I32_TESTNZ;
    k->a = c->code[prev + 1];
    k->b = c->code[prev + 2];
    c->ncode = prev - 1;
}

/* The comparison that is true exactly when `op`'s is false (integers: no NaN). */
static uint32_t negate(uint32_t op)
{
    static const uint8_t inv[10] = {1, 0, 8, 9, 6, 7, 4, 5, 2, 3};
    switch (op) {
    case AW_OP_BR_I64_EQ: return AW_OP_BR_I64_NE;
    case AW_OP_BR_I64_NE: return AW_OP_BR_I64_EQ;
    case AW_OP_BR_I64_EQ_I: return AW_OP_BR_I64_NE_I;
    case AW_OP_BR_I64_NE_I: return AW_OP_BR_I64_EQ_I;
    case AW_OP_BR_I32_TESTZ: return AW_OP_BR_I32_TESTNZ;
    case AW_OP_BR_I32_TESTNZ: return AW_OP_BR_I32_TESTZ;
    }
    if (op >= AW_OP_BR_I32_EQ_I) return AW_OP_BR_I32_EQ_I + inv[op - AW_OP_BR_I32_EQ_I];
    return AW_OP_BR_I32_EQ + inv[op - AW_OP_BR_I32_EQ];
}

uint32_t aw_emit_condjump(aw_compiler *c, const aw_cond *k, bool if_true, bool back,
                          uint32_t target)
{
    if (!c->live) return 0;
    uint32_t op = k->fused && !if_true ? negate(k->op) : k->op;
    if (k->fused && (op == AW_OP_BR_I64_EQ_I || op == AW_OP_BR_I64_NE_I))
        aw_emit5(c, op, k->a, k->b, k->hi, target);
    else if (k->fused)
        aw_emit4(c, op, k->a, k->b, target);
    else if (if_true)
        aw_emit3(c, back ? AW_OP_BR_IF_BACK : AW_OP_BR_IF, k->slot, target);
    else
        aw_emit3(c, AW_OP_BR_UNLESS, k->slot, target);
    return c->ncode - 1;
}

/* The i32.add of a constant just emitted into `addr`: take its operand and
 * immediate, removing it. */
static bool take_add_imm(aw_compiler *c, uint32_t addr, uint32_t *a, uint32_t *imm)
{
    if (!last_writes(c, addr, 4) || c->code[c->last_dst - 1] != AW_OP_I32_ADD_I) return false;
    *a = c->code[c->last_dst + 1];
    *imm = c->code[c->last_dst + 2];
    c->ncode -= 4;
    c->last_dst = c->prev_dst = 0;
    return true;
}

bool aw_fuse_load(aw_compiler *c, uint32_t op, uint32_t dst, uint32_t addr, uint32_t offset)
{
    uint32_t fop;
    switch (op) {
    case AW_OP_I32_LOAD: fop = AW_OP_I32_LOAD_I; break;
    case AW_OP_I64_LOAD: fop = AW_OP_I64_LOAD_I; break;
    case AW_OP_I32_LOAD8_S: fop = AW_OP_I32_LOAD8_S_I; break;
    case AW_OP_I32_LOAD8_U: fop = AW_OP_I32_LOAD8_U_I; break;
    case AW_OP_I32_LOAD16_S: fop = AW_OP_I32_LOAD16_S_I; break;
    case AW_OP_I32_LOAD16_U: fop = AW_OP_I32_LOAD16_U_I; break;
    default: return false;
    }
    uint32_t a, imm;
    if (!take_add_imm(c, addr, &a, &imm)) return false;
    uint32_t ops[3] = {a, imm, offset};
    aw_emit_dst(c, fop, dst, 3, ops);
    return true;
}

bool aw_fuse_store(aw_compiler *c, uint32_t op, uint32_t addr, uint32_t val, uint32_t offset)
{
    uint32_t fop;
    switch (op) {
    case AW_OP_I32_STORE: fop = AW_OP_I32_STORE_I; break;
    case AW_OP_I64_STORE: fop = AW_OP_I64_STORE_I; break;
    case AW_OP_I32_STORE8: fop = AW_OP_I32_STORE8_I; break;
    case AW_OP_I32_STORE16: fop = AW_OP_I32_STORE16_I; break;
    default: return false;
    }
    /* only when the value needed no code (a local or a constant emitted earlier):
     * then the add is the last instruction and reads what it read before */
    uint32_t a, imm;
    if (!take_add_imm(c, addr, &a, &imm)) return false;
    aw_emit5(c, fop, a, val, imm, offset);
    return true;
}

/* Words of the instruction at w (code.h's layouts), 0 where this pass stops: a SIMD
 * instruction (its length depends on its sub-opcode) ends the walk, and the rest of
 * that function keeps its single instructions. One table lookup per instruction (a
 * switch here was a mispredicted jump per instruction: half the load time again). */
/* clang-format off */
#define LEN_UN(name) 3
#define LEN_BIN(name) 4
#define LEN_LOAD(name) 4
#define LEN_STORE(name) 4
#define LEN_BINI(name) 4
#define LEN_BRCMP(name) 4
#define LEN_BRCMPI(name) 4
#define LEN_LOADI(name) 5
#define LEN_STOREI(name) 5
#define LEN_BINI64(name) 5
#define LEN_BRCMP64(name) 4
#define LEN_BRCMP64I(name) 5
#define LEN_FUSE2(name) 5
#define LEN_PAIR(name) 0
#define LEN_SPECIAL(name) LEN_##name
#define LEN_UNREACHABLE 1
#define LEN_BR 2
#define LEN_BR_BACK 2
#define LEN_BR_IF 3
#define LEN_BR_IF_BACK 3
#define LEN_BR_UNLESS 3
#define LEN_BR_TABLE 0 /* 4 + n: below */
#define LEN_COPY 3
#define LEN_CONST32 3
#define LEN_CONST64 4
#define LEN_CALL 3
#define LEN_CALL_INDIRECT 5
#define LEN_RETURN 3
#define LEN_SELECT 5
#define LEN_GLOBAL_GET 3
#define LEN_GLOBAL_SET 3
#define LEN_REF_NULL 2
#define LEN_REF_IS_NULL 3
#define LEN_REF_FUNC 3
#define LEN_MEMORY_SIZE 2
#define LEN_MEMORY_GROW 3
#define LEN_MEMORY_FILL 4
#define LEN_MEMORY_COPY 4
#define LEN_MEMORY_INIT 5
#define LEN_DATA_DROP 2
#define LEN_TABLE_GET 4
#define LEN_TABLE_SET 4
#define LEN_TABLE_SIZE 3
#define LEN_TABLE_GROW 5
#define LEN_TABLE_FILL 5
#define LEN_TABLE_COPY 6
#define LEN_TABLE_INIT 6
#define LEN_ELEM_DROP 2
#define LEN_SIMD 0
/* clang-format on */
static uint32_t insn_len(const uint32_t *w)
{
    static const uint8_t len[AW_OP_COUNT] = {
#define AW_LEN(name, cls) LEN_##cls(name),
        AW_OPS(AW_LEN)
#undef AW_LEN
    };
    uint32_t l = len[w[0]];
    if (!l && w[0] == AW_OP_BR_TABLE) return 4 + w[2];
    return l;
}

/* The pair of (X, Y) through a hash of the two opcodes: slot (4 X + Y) mod 256 holds
 * k + 1 for pairs[k], 0 for none. The list gives every pair its own slot (a collision
 * is a duplicate initializer, which the build's warnings refuse: then pick other
 * multipliers, e.g. 12 X + 3 Y, by a search over the pair list), and a hit is checked
 * against the pair's X and Y all the same. One lookup per instruction: searching the
 * list took a third of the load time of compiled C. */
#define PAIR_HASH(x, y) ((4u * (x) + (y)) & 255u)

void aw_fuse_pairs(uint32_t *w, uint32_t n)
{
    /* clang-format off */
    static const uint16_t pairs[][3] = {
#define AW_PAIR_ROW(X, a, b) {AW_OP_##a, AW_OP_##b, AW_OP_##a##_##b},
        AW_PAIRS(AW_PAIR_ROW, _)
#undef AW_PAIR_ROW
    };
    enum {
#define AW_PAIR_K(X, a, b) K_##a##_##b,
        AW_PAIRS(AW_PAIR_K, _)
#undef AW_PAIR_K
    };
    static const uint8_t slot[256] = {
#define AW_PAIR_SLOT(X, a, b) [PAIR_HASH(AW_OP_##a, AW_OP_##b)] = K_##a##_##b + 1,
        AW_PAIRS(AW_PAIR_SLOT, _)
#undef AW_PAIR_SLOT
    };
    /* clang-format on */
    uint32_t i = 0;
    while (i < n) {
        uint32_t l = insn_len(w + i);
        if (!l) return;
        if (i + l < n) {
            uint32_t x = w[i], y = w[i + l], k = slot[PAIR_HASH(x, y)];
            /* X_RETURN writes X's result to slot 0 itself: only for a return of exactly
             * that one result */
            if (k && pairs[k - 1][0] == x && pairs[k - 1][1] == y &&
                (y != AW_OP_RETURN || (w[i + l + 1] == w[i + 1] && w[i + l + 2] == 1))) {
                w[i] = pairs[k - 1][2];
                /* Y is now part of the pair: the next pair starts after it */
                uint32_t ly = insn_len(w + i + l);
                if (!ly) return;
                l += ly;
            }
        }
        i += l;
    }
}

/*
 * compile.c - validates a function body and compiles it to code.h in the same single
 * pass: the validator's operand and control stacks (the algorithm of the spec's
 * validation appendix) also record where each value lives, and every instruction is
 * emitted as soon as it has been checked. Unreachable code is validated, not emitted.
 */
#include <string.h>

#include "compile.h"
#include "decode.h"
#include "mem.h"

static _Noreturn void mismatch(aw_compiler *c)
{
    aw_load_fail(c->L, AW_ERR_INVALID, "type mismatch");
}

/* ---- operand stack ---- */

#if AW_SIMD
/* push() once a v128 is about: the home slot follows the value below. */
__attribute__((noinline)) static uint32_t push_wide(aw_compiler *c, uint32_t h, uint8_t type)
{
    if (!c->wide) aw_compile_wide(c);
    if (h >= c->caphomes) aw_cgrow(c, (void **)&c->homes, &c->caphomes, h + 1, sizeof(uint32_t));
    uint32_t home = aw_home(c, h), end = home + aw_type_slots(type);
    c->homes[h] = home;
    c->vals[h].slot = home;
    c->vals[h].type = type;
    if (end > c->maxslots) c->maxslots = end;
    return home;
}
#endif

static uint32_t push(aw_compiler *c, uint8_t type)
{
    if (c->nvals == c->capvals)
        aw_cgrow(c, (void **)&c->vals, &c->capvals, c->nvals + 1, sizeof(aw_cval));
    uint32_t h = c->nvals++;
#if AW_SIMD
    if (c->wide || type == AW_V128) return push_wide(c, h, type);
#endif
    uint32_t home = c->nlocals + h;
    c->vals[h].slot = home;
    c->vals[h].type = type;
    if (home >= c->maxslots) c->maxslots = home + 1;
    return home;
}

static void push_alias(aw_compiler *c, uint8_t type, uint32_t slot)
{
    push(c, type);
    uint32_t h = c->nvals - 1;
    c->vals[h].slot = slot;
    if (slot < c->nlocals) {
        /* lower bounds of where aliases sit, so scans skip the clean part of the stack */
        if (h < c->alias_lo) c->alias_lo = h;
        if (h < c->local_lo[slot]) c->local_lo[slot] = h;
    }
}

static aw_cval pop(aw_compiler *c, uint8_t expect)
{
    aw_cframe *f = &c->frames[c->nframes - 1];
    if (c->nvals == f->height) {
        if (!f->unreachable) mismatch(c);
        return (aw_cval){.slot = 0, .type = expect};
    }
    aw_cval v = c->vals[--c->nvals];
    if (expect != AW_T_ANY && v.type != AW_T_ANY && v.type != expect) mismatch(c);
    if (v.type == AW_T_ANY) v.type = expect;
    return v;
}

/* Rest of the frame is unreachable: drop its operands, stop emitting. */
static void set_unreachable(aw_compiler *c)
{
    aw_cframe *f = &c->frames[c->nframes - 1];
    c->nvals = f->height;
    f->unreachable = true;
    c->live = false;
}

static uint8_t frame_param(const aw_compiler *c, const aw_cframe *f, uint32_t i)
{
    return c->m->types[f->typeidx].types[i];
}

static uint8_t frame_result(const aw_compiler *c, const aw_cframe *f, uint32_t i)
{
    if (f->typeidx < 0) return f->single;
    const aw_functype *t = &c->m->types[f->typeidx];
    return t->types[t->nparams + i];
}

static uint8_t label_type(const aw_compiler *c, const aw_cframe *f, uint32_t i)
{
    return f->kind == AW_K_LOOP ? frame_param(c, f, i) : frame_result(c, f, i);
}

/* Pop and check the label types of `f`, then put back: the label's types (br_if), or
 * what was popped (br_table: unknown operands of the polymorphic stack stay unknown,
 * so labels of different types may meet there). Values that were on the stack stay
 * in their slots. */
static void check_label(aw_compiler *c, const aw_cframe *f, uint32_t arity, bool keep_popped)
{
    uint32_t before = c->nvals;
    uint32_t height = c->frames[c->nframes - 1].height;
    for (uint32_t i = arity; i-- > 0;)
        pop(c, label_type(c, f, i));
    if (before - height >= arity) {
        c->nvals = before;
        return;
    }
    /* short stack (unreachable code, nothing is emitted): rebuild the entries */
    uint32_t real = before - height, synth = arity - real;
#if AW_SIMD
    /* the rebuilt types may hold a v128 */
    if (!c->wide) aw_compile_wide(c);
    aw_cgrow(c, (void **)&c->homes, &c->caphomes, height + arity, sizeof(uint32_t));
#endif
    aw_cgrow(c, (void **)&c->vals, &c->capvals, height + arity, sizeof(aw_cval));
    memmove(c->vals + height + synth, c->vals + height, real * sizeof(aw_cval));
    for (uint32_t i = 0; i < arity; i++) {
        if (!keep_popped)
            c->vals[height + i].type = label_type(c, f, i);
        else if (i < synth)
            c->vals[height + i].type = AW_T_ANY;
        uint32_t home = aw_home(c, height + i),
                 end = home + aw_type_slots(c->vals[height + i].type);
#if AW_SIMD
        c->homes[height + i] = home;
#endif
        c->vals[height + i].slot = home;
        if (end > c->maxslots) c->maxslots = end;
    }
    c->nvals = height + arity;
}

/* ---- control ---- */

static aw_cframe *frame_at(aw_compiler *c, uint32_t depth)
{
    if (depth >= c->nframes) aw_load_fail(c->L, AW_ERR_INVALID, "unknown label");
    return &c->frames[c->nframes - 1 - depth];
}

static void read_blocktype(aw_compiler *c, aw_cframe *f)
{
    aw_load *L = c->L;
    f->typeidx = -1;
    f->single = 0;
    uint8_t b = aw_rd_u8(L);
    if (b == 0x40) return;
    if (b == AW_I32 || b == AW_I64 || b == AW_F32 || b == AW_F64 || b == AW_FUNCREF ||
        b == AW_EXTERNREF) {
        f->single = b;
        return;
    }
#if AW_SIMD
    if (b == AW_V128) {
        f->single = b;
        return;
    }
#else
    if (b == AW_V128) aw_load_fail(L, AW_ERR_UNSUPPORTED, "SIMD is not supported");
#endif
    L->r.pos--;
    int64_t idx = aw_rd_s33(L);
    if (idx < 0) aw_load_fail(L, AW_ERR_MALFORMED, "malformed block type");
    if (idx >= c->m->ntypes) {
        /* validated as an empty block type meanwhile; the load fails at its end */
        if (!L->blocktype_use) {
            L->blocktype_use = L->r.pos;
            L->blocktype_index = (uint32_t)idx;
        }
        return;
    }
    f->typeidx = idx;
}

static void begin_block(aw_compiler *c, uint8_t kind)
{
    aw_cframe nf = {.kind = kind};
    read_blocktype(c, &nf);
    aw_cond cond = {.fused = false};
    if (kind == AW_K_IF) aw_fuse_cond(c, pop(c, AW_I32).slot, &cond);
    /* an alias could be made real on one path only inside the block; do it now */
    aw_emit_materialize(c, c->alias_lo < c->nvals ? c->alias_lo : c->nvals, c->nvals);
    c->alias_lo = UINT32_MAX;
    uint32_t np = aw_frame_nparams(c, &nf);
    for (uint32_t i = np; i-- > 0;)
        pop(c, frame_param(c, &nf, i));
    nf.height = c->nvals;
    nf.dead = !c->live;
    aw_cgrow(c, (void **)&c->frames, &c->capframes, c->nframes + 1, sizeof(aw_cframe));
    c->frames[c->nframes++] = nf;
    for (uint32_t i = 0; i < np; i++)
        push(c, frame_param(c, &nf, i));
    aw_cframe *f = &c->frames[c->nframes - 1];
    if (kind == AW_K_LOOP) {
        f->target = c->ncode;
        aw_emit_label(c);
    } else if (kind == AW_K_IF && c->live) {
        f->else_fixup = aw_emit_condjump(c, &cond, false, false, 0);
    }
}

/* Check that the frame ends with exactly its results, and put them in their slots. */
static void end_results(aw_compiler *c, aw_cframe *f)
{
    uint32_t nr = aw_frame_nresults(c, f);
    for (uint32_t i = nr; i-- > 0;)
        pop(c, frame_result(c, f, i));
    if (c->nvals != f->height) mismatch(c);
    if (c->live && f->kind != AW_K_FUNC) aw_emit_materialize(c, f->height, f->height + nr);
}

static void do_else(aw_compiler *c)
{
    aw_cframe *f = &c->frames[c->nframes - 1];
    if (f->kind != AW_K_IF) aw_load_fail(c->L, AW_ERR_MALFORMED, "else without if");
    end_results(c, f);
    if (c->live) {
        aw_emit2(c, AW_OP_BR, f->fixups);
        f->fixups = c->ncode - 1;
    }
    f->kind = AW_K_ELSE;
    f->unreachable = false;
    c->live = !f->dead;
    if (f->else_fixup) {
        c->code[f->else_fixup] = c->ncode;
        f->else_fixup = 0;
    }
    aw_emit_label(c);
    uint32_t np = aw_frame_nparams(c, f);
    for (uint32_t i = 0; i < np; i++)
        push(c, frame_param(c, f, i));
}

/* `end`: returns true when it closed the function body. */
static bool do_end(aw_compiler *c)
{
    aw_cframe *f = &c->frames[c->nframes - 1];
    if (f->kind == AW_K_IF) {
        /* no else: the false path passes the parameters through as results */
        uint32_t np = aw_frame_nparams(c, f), nr = aw_frame_nresults(c, f);
        if (np != nr) mismatch(c);
        for (uint32_t i = 0; i < np; i++)
            if (frame_param(c, f, i) != frame_result(c, f, i)) mismatch(c);
    }
    end_results(c, f);
    if (f->kind == AW_K_FUNC) {
        /* live code ends with the results really on the stack: return them */
        c->nvals = f->height + aw_frame_nresults(c, f);
        aw_emit_return(c);
        c->nframes--;
        return true;
    }
    bool reached = c->live || f->fixups || f->else_fixup;
    if (f->kind == AW_K_LOOP) reached = c->live;
    aw_emit_patch(c, f->fixups, c->ncode);
    if (f->else_fixup) c->code[f->else_fixup] = c->ncode;
    aw_emit_label(c);
    aw_cframe done = *f;
    c->nframes--;
    c->live = reached && !done.dead;
    uint32_t nr = aw_frame_nresults(c, &done);
    for (uint32_t i = 0; i < nr; i++)
        push(c, frame_result(c, &done, i));
    return false;
}

static void do_br(aw_compiler *c, uint32_t depth)
{
    aw_cframe *f = frame_at(c, depth);
    check_label(c, f, aw_frame_arity(c, f), false);
    aw_emit_branch(c, f, NULL);
    set_unreachable(c);
}

static void do_br_if(aw_compiler *c, uint32_t depth)
{
    aw_cframe *f = frame_at(c, depth);
    aw_cond cond;
    aw_fuse_cond(c, pop(c, AW_I32).slot, &cond);
    check_label(c, f, aw_frame_arity(c, f), false);
    aw_emit_branch(c, f, &cond);
}

static void do_br_table(aw_compiler *c)
{
    aw_load *L = c->L;
    uint32_t n = aw_rd_count(L, 1);
    aw_cgrow(c, (void **)&c->labels, &c->caplabels, n + 1, sizeof(uint32_t));
    for (uint32_t i = 0; i <= n; i++) {
        c->labels[i] = aw_rd_u32(L);
        frame_at(c, c->labels[i]);
    }
    uint32_t idx = pop(c, AW_I32).slot;
    uint32_t arity = aw_frame_arity(c, frame_at(c, c->labels[n]));
    /* every label checks (and may move) `arity` values: bound the product so a
     * hostile table cannot make validation quadratic */
    if ((uint64_t)(n + 1) * arity > (1u << 22))
        aw_load_fail(L, AW_ERR_LIMIT, "br_table too large: %u labels of %u values", (unsigned)n + 1,
                     (unsigned)arity);
    for (uint32_t i = 0; i <= n; i++) {
        aw_cframe *f = frame_at(c, c->labels[i]);
        if (aw_frame_arity(c, f) != arity) mismatch(c);
        check_label(c, f, arity, true);
    }
    aw_emit_br_table(c, idx, n, arity);
    set_unreachable(c);
}

static void do_return(aw_compiler *c)
{
    aw_cframe *f = &c->frames[0];
    check_label(c, f, aw_frame_arity(c, f), false);
    aw_emit_branch(c, f, NULL);
    set_unreachable(c);
}

/* Pop a call's arguments and push its results; the callee frame starts at the
 * first argument's home slot. */
static uint32_t call_args(aw_compiler *c, const aw_functype *ft)
{
    for (uint32_t i = ft->nparams; i-- > 0;)
        pop(c, ft->types[i]);
    uint32_t base = c->nvals;
    /* live code pops real entries; unreachable code may have popped past them */
    if (c->live) aw_emit_materialize(c, base, base + ft->nparams);
    return aw_home(c, base);
}

static void call_results(aw_compiler *c, const aw_functype *ft)
{
    for (uint32_t i = 0; i < ft->nresults; i++)
        push(c, ft->types[ft->nparams + i]);
}

static void do_call(aw_compiler *c)
{
    aw_module *m = c->m;
    uint32_t f = aw_rd_u32(c->L);
    if (f >= m->nfuncs) aw_load_fail(c->L, AW_ERR_INVALID, "unknown function %u", (unsigned)f);
    const aw_functype *ft = &m->types[m->func_types[f]];
    uint32_t base = call_args(c, ft);
    aw_emit3(c, AW_OP_CALL, f, base);
    call_results(c, ft);
}

static void do_call_indirect(aw_compiler *c)
{
    aw_module *m = c->m;
    uint32_t t = aw_rd_u32(c->L);
    uint32_t table = aw_rd_u32(c->L);
    if (table >= m->ntables)
        aw_load_fail(c->L, AW_ERR_INVALID, "unknown table %u", (unsigned)table);
    if (t >= m->ntypes) aw_load_fail(c->L, AW_ERR_INVALID, "unknown type %u", (unsigned)t);
    if (m->tables[table].elem != AW_FUNCREF) mismatch(c);
    const aw_functype *ft = &m->types[t];
    uint32_t idx = pop(c, AW_I32).slot;
    uint32_t base = call_args(c, ft);
    aw_emit5(c, AW_OP_CALL_INDIRECT, t, table, idx, base);
    call_results(c, ft);
}

/* ---- variables ---- */

#if AW_SIMD
#define LSLOT(c, x) ((c)->lslot[x])
#else
#define LSLOT(c, x) (x)
#endif

static uint32_t local_index(aw_compiler *c)
{
    uint32_t x = aw_rd_u32(c->L);
    if (x >= c->nlocal_idx) aw_load_fail(c->L, AW_ERR_INVALID, "unknown local %u", (unsigned)x);
    return x;
}

/* Write value `v` (just popped from height c->nvals) to the local at slot `x`. */
static void set_local(aw_compiler *c, uint32_t x, aw_cval v)
{
    if (!c->live) return;
    aw_emit_unalias(c, x);
    uint32_t home = aw_home(c, c->nvals);
    if (v.slot == home && c->last_dst && c->code[c->last_dst] == home) {
        /* the instruction that produced v writes the local directly */
        c->code[c->last_dst] = x;
        c->last_dst = c->prev_dst = 0;
        return;
    }
    if (v.slot != x) aw_emit_copy(c, v.type, x, v.slot);
}

static uint32_t global_index(aw_compiler *c)
{
    uint32_t g = aw_rd_u32(c->L);
    if (g >= c->m->nglobals) aw_load_fail(c->L, AW_ERR_INVALID, "unknown global %u", (unsigned)g);
    return g;
}

/* ---- memory ---- */

static void need_memory(aw_compiler *c)
{
    if (c->m->nmems == 0) aw_load_fail(c->L, AW_ERR_INVALID, "unknown memory 0");
}

static void zero_byte(aw_compiler *c)
{
    if (aw_rd_u8(c->L) != 0) aw_load_fail(c->L, AW_ERR_MALFORMED, "zero byte expected");
}

/* memarg: alignment exponent, then offset. */
static uint32_t memarg(aw_compiler *c, uint32_t natural)
{
    uint32_t align = aw_rd_u32(c->L);
    uint32_t offset = aw_rd_u32(c->L);
    need_memory(c);
    if (align > natural)
        aw_load_fail(c->L, AW_ERR_INVALID, "alignment must not be larger than natural");
    return offset;
}

static const struct {
    uint8_t op, type, align;
} loads[14] = {
    {AW_OP_I32_LOAD, AW_I32, 2},     {AW_OP_I64_LOAD, AW_I64, 3},
    {AW_OP_I32_LOAD, AW_F32, 2},     {AW_OP_I64_LOAD, AW_F64, 3},
    {AW_OP_I32_LOAD8_S, AW_I32, 0},  {AW_OP_I32_LOAD8_U, AW_I32, 0},
    {AW_OP_I32_LOAD16_S, AW_I32, 1}, {AW_OP_I32_LOAD16_U, AW_I32, 1},
    {AW_OP_I64_LOAD8_S, AW_I64, 0},  {AW_OP_I64_LOAD8_U, AW_I64, 0},
    {AW_OP_I64_LOAD16_S, AW_I64, 1}, {AW_OP_I64_LOAD16_U, AW_I64, 1},
    {AW_OP_I64_LOAD32_S, AW_I64, 2}, {AW_OP_I64_LOAD32_U, AW_I64, 2},
};

static const struct {
    uint8_t op, type, align;
} stores[9] = {
    {AW_OP_I32_STORE, AW_I32, 2},  {AW_OP_I64_STORE, AW_I64, 3},   {AW_OP_I32_STORE, AW_F32, 2},
    {AW_OP_I64_STORE, AW_F64, 3},  {AW_OP_I32_STORE8, AW_I32, 0},  {AW_OP_I32_STORE16, AW_I32, 1},
    {AW_OP_I64_STORE8, AW_I64, 0}, {AW_OP_I64_STORE16, AW_I64, 1}, {AW_OP_I64_STORE32, AW_I64, 2},
};

#if AW_SIMD
void aw_compile_wide(aw_compiler *c)
{
    aw_cgrow(c, (void **)&c->homes, &c->caphomes, c->nvals + 1, sizeof(uint32_t));
    for (uint32_t i = 0; i < c->nvals; i++)
        c->homes[i] = c->nlocals + i;
    c->wide = true;
}

uint32_t aw_cpush(aw_compiler *c, uint8_t type)
{
    return push(c, type);
}

aw_cval aw_cpop(aw_compiler *c, uint8_t expect)
{
    return pop(c, expect);
}

uint32_t aw_cmemarg(aw_compiler *c, uint32_t natural)
{
    return memarg(c, natural);
}
#endif

/* ---- numeric instructions: operand and result types from the opcode ---- */

typedef struct numop {
    uint8_t op;      /* aw_op, or NUM_NOP for reinterpretations (same bits, nothing to do) */
    uint8_t a, b, r; /* b == 0: unary */
} numop;

#define NUM_NOP 0xff

/* Conversions 0xa7..0xbf: (operand, result) */
static const uint8_t conv[25][2] = {
    {AW_I64, AW_I32}, {AW_F32, AW_I32}, {AW_F32, AW_I32}, {AW_F64, AW_I32}, {AW_F64, AW_I32},
    {AW_I32, AW_I64}, {AW_I32, AW_I64}, {AW_F32, AW_I64}, {AW_F32, AW_I64}, {AW_F64, AW_I64},
    {AW_F64, AW_I64}, {AW_I32, AW_F32}, {AW_I32, AW_F32}, {AW_I64, AW_F32}, {AW_I64, AW_F32},
    {AW_F64, AW_F32}, {AW_I32, AW_F64}, {AW_I32, AW_F64}, {AW_I64, AW_F64}, {AW_I64, AW_F64},
    {AW_F32, AW_F64}, {AW_F32, AW_I32}, {AW_F64, AW_I64}, {AW_I32, AW_F32}, {AW_I64, AW_F64},
};

static bool numeric(uint8_t x, numop *n)
{
#define RANGE(lo, hi, first, ta, tb, tr)                                                           \
    if (x >= lo && x <= hi) {                                                                      \
        *n = (numop){(uint8_t)(first + (x - lo)), ta, tb, tr};                                     \
        return true;                                                                               \
    }
    RANGE(0x45, 0x45, AW_OP_I32_EQZ, AW_I32, 0, AW_I32)
    RANGE(0x46, 0x4f, AW_OP_I32_EQ, AW_I32, AW_I32, AW_I32)
    RANGE(0x50, 0x50, AW_OP_I64_EQZ, AW_I64, 0, AW_I32)
    RANGE(0x51, 0x5a, AW_OP_I64_EQ, AW_I64, AW_I64, AW_I32)
    RANGE(0x5b, 0x60, AW_OP_F32_EQ, AW_F32, AW_F32, AW_I32)
    RANGE(0x61, 0x66, AW_OP_F64_EQ, AW_F64, AW_F64, AW_I32)
    RANGE(0x67, 0x69, AW_OP_I32_CLZ, AW_I32, 0, AW_I32)
    RANGE(0x6a, 0x78, AW_OP_I32_ADD, AW_I32, AW_I32, AW_I32)
    RANGE(0x79, 0x7b, AW_OP_I64_CLZ, AW_I64, 0, AW_I64)
    RANGE(0x7c, 0x8a, AW_OP_I64_ADD, AW_I64, AW_I64, AW_I64)
    RANGE(0x8b, 0x91, AW_OP_F32_ABS, AW_F32, 0, AW_F32)
    RANGE(0x92, 0x98, AW_OP_F32_ADD, AW_F32, AW_F32, AW_F32)
    RANGE(0x99, 0x9f, AW_OP_F64_ABS, AW_F64, 0, AW_F64)
    RANGE(0xa0, 0xa6, AW_OP_F64_ADD, AW_F64, AW_F64, AW_F64)
    RANGE(0xc0, 0xc1, AW_OP_I32_EXTEND8_S, AW_I32, 0, AW_I32)
    RANGE(0xc2, 0xc4, AW_OP_I64_EXTEND8_S, AW_I64, 0, AW_I64)
#undef RANGE
    if (x >= 0xa7 && x <= 0xbf) {
        uint8_t op = x >= 0xbc ? NUM_NOP : (uint8_t)(AW_OP_I32_WRAP_I64 + (x - 0xa7));
        *n = (numop){op, conv[x - 0xa7][0], 0, conv[x - 0xa7][1]};
        return true;
    }
    return false;
}

static void emit_numeric(aw_compiler *c, const numop *n)
{
    if (n->op == NUM_NOP) {
        /* reinterpret: same bits in the same slot, only the type changes */
        aw_cval v = pop(c, n->a);
        push_alias(c, n->r, v.slot);
        return;
    }
    if (n->b) {
        aw_cval b = pop(c, n->b);
        aw_cval a = pop(c, n->a);
        uint32_t dst = push(c, n->r);
        if ((n->a == AW_I32 || n->a == AW_I64) && aw_fuse_bin(c, n->op, dst, a.slot, b.slot))
            return;
        uint32_t ops[2] = {a.slot, b.slot};
        aw_emit_dst(c, n->op, dst, 2, ops);
    } else {
        aw_cval a = pop(c, n->a);
        uint32_t dst = push(c, n->r);
        aw_emit_dst(c, n->op, dst, 1, &a.slot);
    }
}

bool aw_opcode_exists(uint8_t op)
{
    return op <= 0x05 || (op >= 0x0b && op <= 0x11) || (op >= 0x1a && op <= 0x1c) ||
           (op >= 0x20 && op <= 0x26) || (op >= 0x28 && op <= 0xc4) || (op >= 0xd0 && op <= 0xd2) ||
           op == 0xfc || op == 0xfd;
}

/* ---- 0xfc prefix: saturating truncation, bulk memory, tables ---- */

static uint32_t check_data(aw_compiler *c, uint32_t d)
{
    aw_load *L = c->L;
    if (!c->m->has_datacount) {
        /* malformed if a data section follows, else merely an unknown segment: only
         * the end of the module tells (see aw_decode_module) */
        if (!L->datacount_use) {
            L->datacount_use = L->r.pos;
            L->datacount_index = d;
        }
        return d;
    }
    if (d >= c->m->ndatas) aw_load_fail(L, AW_ERR_INVALID, "unknown data segment %u", (unsigned)d);
    return d;
}

static uint32_t check_elem(aw_compiler *c, uint32_t e)
{
    if (e >= c->m->nelems)
        aw_load_fail(c->L, AW_ERR_INVALID, "unknown elem segment %u", (unsigned)e);
    return e;
}

static uint32_t table_index(aw_compiler *c)
{
    uint32_t t = aw_rd_u32(c->L);
    if (t >= c->m->ntables) aw_load_fail(c->L, AW_ERR_INVALID, "unknown table %u", (unsigned)t);
    return t;
}

static void prefix_fc(aw_compiler *c)
{
    aw_module *m = c->m;
    uint32_t sub = aw_rd_u32(c->L);
    if (sub <= 7) {
        static const uint8_t from[8] = {AW_F32, AW_F32, AW_F64, AW_F64,
                                        AW_F32, AW_F32, AW_F64, AW_F64};
        numop n = {(uint8_t)(AW_OP_I32_TRUNC_SAT_F32_S + sub), from[sub], 0,
                   sub < 4 ? AW_I32 : AW_I64};
        emit_numeric(c, &n);
        return;
    }
    switch (sub) {
    case 8: { /* memory.init */
        uint32_t d = aw_rd_u32(c->L);
        zero_byte(c);
        need_memory(c);
        check_data(c, d);
        uint32_t n = pop(c, AW_I32).slot, s = pop(c, AW_I32).slot, dst = pop(c, AW_I32).slot;
        aw_emit5(c, AW_OP_MEMORY_INIT, d, dst, s, n);
        return;
    }
    case 9: aw_emit2(c, AW_OP_DATA_DROP, check_data(c, aw_rd_u32(c->L))); return;
    case 10: { /* memory.copy */
        zero_byte(c);
        zero_byte(c);
        need_memory(c);
        uint32_t n = pop(c, AW_I32).slot, s = pop(c, AW_I32).slot, d = pop(c, AW_I32).slot;
        aw_emit4(c, AW_OP_MEMORY_COPY, d, s, n);
        return;
    }
    case 11: { /* memory.fill */
        zero_byte(c);
        need_memory(c);
        uint32_t n = pop(c, AW_I32).slot, v = pop(c, AW_I32).slot, d = pop(c, AW_I32).slot;
        aw_emit4(c, AW_OP_MEMORY_FILL, d, v, n);
        return;
    }
    case 12: { /* table.init elem table */
        uint32_t e = aw_rd_u32(c->L);
        uint32_t t = table_index(c);
        check_elem(c, e);
        if (m->elems[e].type != m->tables[t].elem) mismatch(c);
        uint32_t n = pop(c, AW_I32).slot, s = pop(c, AW_I32).slot, d = pop(c, AW_I32).slot;
        aw_emit6(c, AW_OP_TABLE_INIT, t, e, d, s, n);
        return;
    }
    case 13: aw_emit2(c, AW_OP_ELEM_DROP, check_elem(c, aw_rd_u32(c->L))); return;
    case 14: { /* table.copy dst src */
        uint32_t td = table_index(c);
        uint32_t ts = table_index(c);
        if (m->tables[td].elem != m->tables[ts].elem) mismatch(c);
        uint32_t n = pop(c, AW_I32).slot, s = pop(c, AW_I32).slot, d = pop(c, AW_I32).slot;
        aw_emit6(c, AW_OP_TABLE_COPY, td, ts, d, s, n);
        return;
    }
    case 15: { /* table.grow */
        uint32_t t = table_index(c);
        uint32_t n = pop(c, AW_I32).slot;
        uint32_t init = pop(c, m->tables[t].elem).slot;
        uint32_t dst = push(c, AW_I32);
        uint32_t ops[3] = {t, init, n};
        aw_emit_dst(c, AW_OP_TABLE_GROW, dst, 3, ops);
        return;
    }
    case 16: { /* table.size */
        uint32_t t = table_index(c);
        uint32_t dst = push(c, AW_I32);
        aw_emit_dst(c, AW_OP_TABLE_SIZE, dst, 1, &t);
        return;
    }
    case 17: { /* table.fill */
        uint32_t t = table_index(c);
        uint32_t n = pop(c, AW_I32).slot;
        uint32_t v = pop(c, m->tables[t].elem).slot;
        uint32_t i = pop(c, AW_I32).slot;
        aw_emit5(c, AW_OP_TABLE_FILL, t, i, v, n);
        return;
    }
    default: aw_load_fail(c->L, AW_ERR_MALFORMED, "illegal opcode");
    }
}

/* ---- the instruction loop ---- */

static void do_select(aw_compiler *c, bool typed)
{
    uint8_t t = AW_T_ANY;
    if (typed) {
        uint32_t n = aw_rd_u32(c->L);
        if (n != 1) aw_load_fail(c->L, AW_ERR_INVALID, "invalid result arity");
        t = aw_decode_valtype(c->L);
    }
    uint32_t cond = pop(c, AW_I32).slot;
    aw_cval b = pop(c, t);
    aw_cval a = pop(c, t);
    if (!typed) {
        /* untyped select takes numeric operands of one type */
        if (aw_valtype_is_ref(a.type) || aw_valtype_is_ref(b.type)) mismatch(c);
        if (a.type != AW_T_ANY && b.type != AW_T_ANY && a.type != b.type) mismatch(c);
        t = a.type != AW_T_ANY ? a.type : b.type;
    }
    uint32_t dst = push(c, t);
#if AW_SIMD
    if (t == AW_V128) {
        uint32_t ops[4] = {AW_SIMD_SELECT, a.slot, b.slot, cond};
        aw_emit_dst(c, AW_OP_SIMD, dst, 4, ops);
        return;
    }
#endif
    uint32_t ops[3] = {a.slot, b.slot, cond};
    aw_emit_dst(c, AW_OP_SELECT, dst, 3, ops);
}

static void body(aw_compiler *c)
{
    aw_load *L = c->L;
    aw_module *m = c->m;
    for (;;) {
        if (aw_rd_left(L) == 0) aw_load_fail(L, AW_ERR_MALFORMED, "END opcode expected");
        uint8_t op = aw_rd_u8(L);
        numop n;
        if (op >= 0x45 && op <= 0xc4 && numeric(op, &n)) {
            emit_numeric(c, &n);
            continue;
        }
        switch (op) {
        case 0x00:
            aw_emit1(c, AW_OP_UNREACHABLE);
            set_unreachable(c);
            break;
        case 0x01: break;
        case 0x02: begin_block(c, AW_K_BLOCK); break;
        case 0x03: begin_block(c, AW_K_LOOP); break;
        case 0x04: begin_block(c, AW_K_IF); break;
        case 0x05: do_else(c); break;
        case 0x0b:
            if (do_end(c)) return;
            break;
        case 0x0c: do_br(c, aw_rd_u32(L)); break;
        case 0x0d: do_br_if(c, aw_rd_u32(L)); break;
        case 0x0e: do_br_table(c); break;
        case 0x0f: do_return(c); break;
        case 0x10: do_call(c); break;
        case 0x11: do_call_indirect(c); break;
        case 0x1a: pop(c, AW_T_ANY); break;
        case 0x1b: do_select(c, false); break;
        case 0x1c: do_select(c, true); break;
        case 0x20: {
            uint32_t x = local_index(c);
            push_alias(c, c->ltypes[x], LSLOT(c, x));
            break;
        }
        case 0x21: {
            uint32_t x = local_index(c);
            set_local(c, LSLOT(c, x), pop(c, c->ltypes[x]));
            break;
        }
        case 0x22: {
            uint32_t x = local_index(c);
            aw_cval v = pop(c, c->ltypes[x]);
            set_local(c, LSLOT(c, x), v);
            push_alias(c, c->ltypes[x], LSLOT(c, x));
            break;
        }
        case 0x23: {
            uint32_t g = global_index(c);
            uint32_t dst = push(c, m->global_types[g].type);
#if AW_SIMD
            if (m->global_types[g].type == AW_V128) {
                uint32_t ops[2] = {AW_SIMD_GLOBAL_GET, g};
                aw_emit_dst(c, AW_OP_SIMD, dst, 2, ops);
                break;
            }
#endif
            aw_emit_dst(c, AW_OP_GLOBAL_GET, dst, 1, &g);
            break;
        }
        case 0x24: {
            uint32_t g = global_index(c);
            if (!m->global_types[g].mut) aw_load_fail(L, AW_ERR_INVALID, "global is immutable");
            uint32_t src = pop(c, m->global_types[g].type).slot;
#if AW_SIMD
            if (m->global_types[g].type == AW_V128) {
                aw_emit5(c, AW_OP_SIMD, 0, AW_SIMD_GLOBAL_SET, g, src);
                break;
            }
#endif
            aw_emit3(c, AW_OP_GLOBAL_SET, g, src);
            break;
        }
        case 0x25: { /* table.get */
            uint32_t t = table_index(c);
            uint32_t i = pop(c, AW_I32).slot;
            uint32_t dst = push(c, m->tables[t].elem);
            uint32_t ops[2] = {t, i};
            aw_emit_dst(c, AW_OP_TABLE_GET, dst, 2, ops);
            break;
        }
        case 0x26: { /* table.set */
            uint32_t t = table_index(c);
            uint32_t v = pop(c, m->tables[t].elem).slot;
            uint32_t i = pop(c, AW_I32).slot;
            aw_emit4(c, AW_OP_TABLE_SET, t, i, v);
            break;
        }
        case 0x28 ... 0x35: {
            const __typeof__(loads[0]) *ld = &loads[op - 0x28];
            uint32_t off = memarg(c, ld->align);
            uint32_t addr = pop(c, AW_I32).slot;
            uint32_t dst = push(c, ld->type);
            if (aw_fuse_load(c, ld->op, dst, addr, off)) break;
            uint32_t ops[2] = {addr, off};
            aw_emit_dst(c, ld->op, dst, 2, ops);
            break;
        }
        case 0x36 ... 0x3e: {
            const __typeof__(stores[0]) *st = &stores[op - 0x36];
            uint32_t off = memarg(c, st->align);
            uint32_t v = pop(c, st->type).slot;
            uint32_t addr = pop(c, AW_I32).slot;
            if (aw_fuse_store(c, st->op, addr, v, off)) break;
            aw_emit4(c, st->op, addr, v, off);
            break;
        }
        case 0x3f:
            zero_byte(c);
            need_memory(c);
            aw_emit_dst(c, AW_OP_MEMORY_SIZE, push(c, AW_I32), 0, NULL);
            break;
        case 0x40: {
            zero_byte(c);
            need_memory(c);
            uint32_t delta = pop(c, AW_I32).slot;
            aw_emit_dst(c, AW_OP_MEMORY_GROW, push(c, AW_I32), 1, &delta);
            break;
        }
        case 0x41: {
            uint32_t v = (uint32_t)aw_rd_s32(L);
            aw_emit_dst(c, AW_OP_CONST32, push(c, AW_I32), 1, &v);
            break;
        }
        case 0x42: {
            uint64_t v = (uint64_t)aw_rd_s64(L);
            uint32_t w[2] = {(uint32_t)v, (uint32_t)(v >> 32)};
            aw_emit_dst(c, AW_OP_CONST64, push(c, AW_I64), 2, w);
            break;
        }
        case 0x43: {
            uint32_t v = aw_rd_fixed32(L);
            aw_emit_dst(c, AW_OP_CONST32, push(c, AW_F32), 1, &v);
            break;
        }
        case 0x44: {
            uint64_t v = aw_rd_fixed64(L);
            uint32_t w[2] = {(uint32_t)v, (uint32_t)(v >> 32)};
            aw_emit_dst(c, AW_OP_CONST64, push(c, AW_F64), 2, w);
            break;
        }
        case 0xd0: {
            uint8_t t = aw_decode_reftype(L);
            aw_emit_dst(c, AW_OP_REF_NULL, push(c, t), 0, NULL);
            break;
        }
        case 0xd1: {
            aw_cval v = pop(c, AW_T_ANY);
            if (v.type != AW_T_ANY && !aw_valtype_is_ref(v.type)) mismatch(c);
            aw_emit_dst(c, AW_OP_REF_IS_NULL, push(c, AW_I32), 1, &v.slot);
            break;
        }
        case 0xd2: {
            uint32_t f = aw_rd_u32(L);
            if (f >= m->nfuncs) aw_load_fail(L, AW_ERR_INVALID, "unknown function %u", (unsigned)f);
            if (!(L->declared[f >> 3] & (1u << (f & 7))))
                aw_load_fail(L, AW_ERR_INVALID, "undeclared function reference");
            aw_emit_dst(c, AW_OP_REF_FUNC, push(c, AW_FUNCREF), 1, &f);
            break;
        }
        case 0xfc: prefix_fc(c); break;
#if AW_SIMD
        case 0xfd: aw_compile_simd(c); break;
#else
        case 0xfd: aw_load_fail(L, AW_ERR_UNSUPPORTED, "SIMD is not supported");
#endif
        default: aw_load_fail(L, AW_ERR_MALFORMED, "illegal opcode");
        }
    }
}

static aw_compiler *compiler(aw_load *L)
{
    if (!L->comp) {
        L->comp = aw_mem_zalloc(&L->m->cfg, sizeof(aw_compiler));
        if (!L->comp) aw_load_fail(L, AW_ERR_NOMEM, "out of memory");
        L->comp->L = L;
        L->comp->m = L->m;
    }
    return L->comp;
}

void aw_compile_free(aw_load *L)
{
    aw_compiler *c = L->comp;
    if (!c) return;
    const aw_config *cfg = &L->m->cfg;
    aw_mem_free(cfg, c->code, (size_t)c->capcode * sizeof(uint32_t));
    aw_mem_free(cfg, c->ltypes, c->capltypes);
    aw_mem_free(cfg, c->local_lo, (size_t)c->caplocal_lo * sizeof(uint32_t));
    aw_mem_free(cfg, c->lslot, (size_t)c->caplslot * sizeof(uint32_t));
    aw_mem_free(cfg, c->homes, (size_t)c->caphomes * sizeof(uint32_t));
    aw_mem_free(cfg, c->vals, (size_t)c->capvals * sizeof(aw_cval));
    aw_mem_free(cfg, c->frames, (size_t)c->capframes * sizeof(aw_cframe));
    aw_mem_free(cfg, c->labels, (size_t)c->caplabels * sizeof(uint32_t));
    aw_mem_free(cfg, c, sizeof *c);
    L->comp = NULL;
}

void aw_compile_body(aw_load *L, uint32_t index)
{
    aw_module *m = L->m;
    aw_compiler *c = compiler(L);
    uint32_t typeidx = m->func_types[index];
    const aw_functype *ft = &m->types[typeidx];
    uint32_t body_size = aw_rd_left(L);

    /* locals: runs of (count, type); the total is capped before anything is sized */
    uint32_t nruns = aw_rd_count(L, 2);
    uint64_t total = ft->nparams;
    aw_cgrow(c, (void **)&c->ltypes, &c->capltypes, ft->nparams ? ft->nparams : 1, 1);
    memcpy(c->ltypes, ft->types, ft->nparams);
    /* scratch per local: a lower bound of the stack index of its aliases */
    for (uint32_t i = 0; i < nruns; i++) {
        uint32_t n = aw_rd_u32(L);
        if (total + n > AW_MAX_LOCALS) aw_load_fail(L, AW_ERR_MALFORMED, "too many locals");
        uint8_t t = aw_decode_valtype(L);
        aw_cgrow(c, (void **)&c->ltypes, &c->capltypes, (uint32_t)(total + n), 1);
        memset(c->ltypes + total, t, n);
        total += n;
    }
    c->nlocal_idx = (uint32_t)total;
    c->nlocals = (uint32_t)total;
#if AW_SIMD
    /* slot of each local: a v128 takes two */
    aw_cgrow(c, (void **)&c->lslot, &c->caplslot, c->nlocal_idx ? c->nlocal_idx : 1,
             sizeof(uint32_t));
    c->nlocals = 0;
    for (uint32_t i = 0; i < c->nlocal_idx; i++) {
        c->lslot[i] = c->nlocals;
        c->nlocals += aw_type_slots(c->ltypes[i]);
    }
    c->wide = false;
    if (c->nlocals != c->nlocal_idx) aw_compile_wide(c);
#endif
    aw_cgrow(c, (void **)&c->local_lo, &c->caplocal_lo, c->nlocals ? c->nlocals : 1,
             sizeof(uint32_t));
    memset(c->local_lo, 0xff, (size_t)c->nlocals * sizeof(uint32_t));
    c->alias_lo = UINT32_MAX;
    c->ncode = 0;
    c->last_dst = c->prev_dst = 0;
    c->maxcode = 64 + 32 * body_size;
    c->nvals = 0;
    c->maxslots = c->nlocals;
    c->nframes = 0;
    c->live = true;
    aw_cgrow(c, (void **)&c->frames, &c->capframes, 1, sizeof(aw_cframe));
    c->frames[0] = (aw_cframe){.kind = AW_K_FUNC, .typeidx = typeidx};
    c->nframes = 1;

    body(c);
    aw_fuse_pairs(c->code, c->ncode);

    aw_funcdef *fd = &m->funcs[index - m->nfunc_imports];
    fd->code.words = aw_load_alloc(L, c->ncode, sizeof(uint32_t));
    fd->code.nwords = c->ncode;
    memcpy(fd->code.words, c->code, (size_t)c->ncode * sizeof(uint32_t));
    fd->code.nparams = ft->pslots;
    fd->code.nlocals = c->nlocals;
    fd->code.frame_slots = c->maxslots;
}

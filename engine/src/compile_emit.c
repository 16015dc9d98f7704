/*
 * compile_emit.c - appends code.h instructions for the body compiler: raw emission,
 * branch targets (forward fixup chains, loop back-edges, br_table move stubs) and the
 * moves that put values where a branch target, a call or a return expects them.
 */
#include <string.h>

#include "compile.h"
#include "mem.h"

void aw_cgrow(aw_compiler *c, void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap) return;
    uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    if (ncap > UINT32_MAX) ncap = UINT32_MAX;
    void *p = aw_mem_realloc(&c->m->cfg, *arr, (size_t)*cap * elem, (size_t)ncap * elem);
    if (!p) aw_load_fail(c->L, AW_ERR_NOMEM, "out of memory");
    *arr = p;
    *cap = (uint32_t)ncap;
}

static uint32_t *reserve(aw_compiler *c, uint32_t n)
{
    if (c->ncode + n > c->maxcode)
        aw_load_fail(c->L, AW_ERR_LIMIT, "function too large once compiled");
    if (c->ncode + n > c->capcode)
        aw_cgrow(c, (void **)&c->code, &c->capcode, c->ncode + n, sizeof(uint32_t));
    uint32_t *w = c->code + c->ncode;
    c->ncode += n;
    c->last_dst = 0;
    c->prev_dst = 0;
    return w;
}

void aw_emit1(aw_compiler *c, uint32_t op)
{
    if (c->live) reserve(c, 1)[0] = op;
}

void aw_emit2(aw_compiler *c, uint32_t op, uint32_t a)
{
    if (!c->live) return;
    uint32_t *w = reserve(c, 2);
    w[0] = op, w[1] = a;
}

void aw_emit3(aw_compiler *c, uint32_t op, uint32_t a, uint32_t b)
{
    if (!c->live) return;
    uint32_t *w = reserve(c, 3);
    w[0] = op, w[1] = a, w[2] = b;
}

void aw_emit4(aw_compiler *c, uint32_t op, uint32_t a, uint32_t b, uint32_t d)
{
    if (!c->live) return;
    uint32_t *w = reserve(c, 4);
    w[0] = op, w[1] = a, w[2] = b, w[3] = d;
}

void aw_emit5(aw_compiler *c, uint32_t op, uint32_t a, uint32_t b, uint32_t d, uint32_t e)
{
    if (!c->live) return;
    uint32_t *w = reserve(c, 5);
    w[0] = op, w[1] = a, w[2] = b, w[3] = d, w[4] = e;
}

void aw_emit6(aw_compiler *c, uint32_t op, uint32_t a, uint32_t b, uint32_t d, uint32_t e,
              uint32_t f)
{
    if (!c->live) return;
    uint32_t *w = reserve(c, 6);
    w[0] = op, w[1] = a, w[2] = b, w[3] = d, w[4] = e, w[5] = f;
}

void aw_emitn(aw_compiler *c, uint32_t n, const uint32_t *w)
{
    if (!c->live) return;
    memcpy(reserve(c, n), w, (size_t)n * sizeof(uint32_t));
}

void aw_emit_dst(aw_compiler *c, uint32_t op, uint32_t dst, uint32_t nextra, const uint32_t *extra)
{
    if (!c->live) return;
    uint32_t at = c->ncode, prev = c->last_dst;
    uint32_t *w = reserve(c, 2 + nextra);
    w[0] = op;
    w[1] = dst;
    for (uint32_t i = 0; i < nextra; i++)
        w[2 + i] = extra[i];
    c->last_dst = at + 1;
    c->prev_dst = prev;
}

void aw_emit_label(aw_compiler *c)
{
    c->last_dst = 0;
    c->prev_dst = 0;
}

void aw_emit_patch(aw_compiler *c, uint32_t chain, uint32_t target)
{
    while (chain) {
        uint32_t next = c->code[chain];
        c->code[chain] = target;
        chain = next;
    }
}

void aw_emit_copy(aw_compiler *c, uint8_t t, uint32_t dst, uint32_t src)
{
#if AW_SIMD
    if (t == AW_V128) {
        aw_emit4(c, AW_OP_SIMD, dst, AW_SIMD_COPY, src);
        return;
    }
#endif
    (void)t;
    aw_emit3(c, AW_OP_COPY, dst, src);
}

void aw_emit_materialize(aw_compiler *c, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++) {
        uint32_t home = aw_val_home(c, i);
        if (c->vals[i].slot != home) {
            aw_emit_copy(c, c->vals[i].type, home, c->vals[i].slot);
            c->vals[i].slot = home;
        }
    }
}

void aw_emit_unalias(aw_compiler *c, uint32_t x)
{
    uint32_t from = c->local_lo[x];
    c->local_lo[x] = UINT32_MAX;
    for (uint32_t i = from; i < c->nvals; i++) {
        if (c->vals[i].slot == x) {
            aw_emit_copy(c, c->vals[i].type, aw_val_home(c, i), x);
            c->vals[i].slot = aw_val_home(c, i);
        }
    }
}

uint32_t aw_frame_nparams(const aw_compiler *c, const aw_cframe *f)
{
    if (f->kind == AW_K_FUNC || f->typeidx < 0) return 0;
    return c->m->types[f->typeidx].nparams;
}

uint32_t aw_frame_nresults(const aw_compiler *c, const aw_cframe *f)
{
    if (f->typeidx < 0) return f->single != 0;
    return c->m->types[f->typeidx].nresults;
}

uint32_t aw_frame_arity(const aw_compiler *c, const aw_cframe *f)
{
    return f->kind == AW_K_LOOP ? aw_frame_nparams(c, f) : aw_frame_nresults(c, f);
}

/* The slot of the label's value i, when the top `arity` values (of the label's
 * types) are to be moved there: the label's values sit where the block's stack
 * begins, laid out like the top values. */
static uint32_t label_slot(const aw_compiler *c, const aw_cframe *f, uint32_t arity, uint32_t i)
{
    uint32_t first = c->nvals - arity;
    return aw_home(c, f->height) + (aw_val_home(c, first + i) - aw_val_home(c, first));
}

/* Do the top `arity` values already sit in the label's result slots? */
static bool in_place(const aw_compiler *c, const aw_cframe *f, uint32_t arity)
{
    uint32_t first = c->nvals - arity;
    for (uint32_t i = 0; i < arity; i++)
        if (c->vals[first + i].slot != label_slot(c, f, arity, i)) return false;
    return true;
}

/* Copy the top `arity` values to the label's slots. Ascending order is safe: a source
 * is either a local or a home slot at or above its destination (a v128 copy reads
 * both its source slots before writing). */
static void moves(aw_compiler *c, const aw_cframe *f, uint32_t arity)
{
    uint32_t first = c->nvals - arity;
    for (uint32_t i = 0; i < arity; i++) {
        uint32_t dst = label_slot(c, f, arity, i), src = c->vals[first + i].slot;
        if (dst != src) aw_emit_copy(c, c->vals[first + i].type, dst, src);
    }
}

/* A jump to `f`: its start for a loop, else appended to its fixup chain. */
static void jump(aw_compiler *c, aw_cframe *f, const aw_cond *cond)
{
    bool back = f->kind == AW_K_LOOP;
    uint32_t target = back ? f->target : f->fixups;
    uint32_t word;
    if (!cond) {
        aw_emit2(c, back ? AW_OP_BR_BACK : AW_OP_BR, target);
        word = c->ncode - 1;
    } else {
        word = aw_emit_condjump(c, cond, true, back, target);
    }
    if (!back) f->fixups = word;
}

void aw_emit_return(aw_compiler *c)
{
    if (!c->live) return;
    uint32_t n = aw_frame_nresults(c, &c->frames[0]);
    if (n == 0) {
        aw_emit3(c, AW_OP_RETURN, 0, 0);
    } else if (n == 1) {
        const aw_cval *v = &c->vals[c->nvals - 1];
        aw_emit3(c, AW_OP_RETURN, v->slot, aw_type_slots(v->type));
    } else {
        aw_emit_materialize(c, c->nvals - n, c->nvals);
        const aw_cval *top = &c->vals[c->nvals - 1];
        uint32_t first = aw_val_home(c, c->nvals - n);
        aw_emit3(c, AW_OP_RETURN, first,
                 aw_val_home(c, c->nvals - 1) + aw_type_slots(top->type) - first);
    }
}

void aw_emit_branch(aw_compiler *c, aw_cframe *f, const aw_cond *cond)
{
    if (!c->live) return;
    uint32_t arity = aw_frame_arity(c, f);
    if (f->kind == AW_K_FUNC) {
        /* values must be consecutive for RETURN: copying them home first is harmless
         * on the path that does not return */
        if (arity > 1) aw_emit_materialize(c, c->nvals - arity, c->nvals);
        if (!cond) {
            aw_emit_return(c);
            return;
        }
        uint32_t skip = aw_emit_condjump(c, cond, false, false, 0);
        aw_emit_return(c);
        c->code[skip] = c->ncode;
        aw_emit_label(c);
        return;
    }
    if (in_place(c, f, arity)) {
        jump(c, f, cond);
        return;
    }
    uint32_t skip = 0;
    if (cond) skip = aw_emit_condjump(c, cond, false, false, 0);
    moves(c, f, arity);
    jump(c, f, NULL);
    if (skip) {
        c->code[skip] = c->ncode;
        aw_emit_label(c);
    }
}

void aw_emit_br_table(aw_compiler *c, uint32_t idx, uint32_t n, uint32_t arity)
{
    if (!c->live) return;
    /* a return target needs consecutive values; copying home is harmless elsewhere */
    for (uint32_t k = 0; k <= n && arity > 1; k++) {
        if (c->frames[c->nframes - 1 - c->labels[k]].kind == AW_K_FUNC) {
            aw_emit_materialize(c, c->nvals - arity, c->nvals);
            break;
        }
    }
    uint32_t at = c->ncode;
    uint32_t *w = reserve(c, 3 + n + 1);
    w[0] = AW_OP_BR_TABLE;
    w[1] = idx;
    w[2] = n;
    bool stubs = false;
    for (uint32_t k = 0; k <= n; k++) {
        aw_cframe *f = &c->frames[c->nframes - 1 - c->labels[k]];
        uint32_t word = at + 3 + k;
        if (f->kind == AW_K_FUNC || !in_place(c, f, arity)) {
            c->code[word] = 0;
            stubs = true;
        } else if (f->kind == AW_K_LOOP) {
            c->code[word] = f->target;
        } else {
            c->code[word] = f->fixups;
            f->fixups = word;
        }
    }
    if (!stubs) return;
    /* one move stub per distinct label that needs moves, after the table */
    for (uint32_t k = 0; k <= n; k++) {
        aw_cframe *f = &c->frames[c->nframes - 1 - c->labels[k]];
        if (!(f->kind == AW_K_FUNC || !in_place(c, f, arity))) continue;
        if (!f->stub) {
            f->stub = c->ncode;
            if (f->kind == AW_K_FUNC) {
                aw_emit_return(c);
            } else {
                moves(c, f, arity);
                jump(c, f, NULL);
            }
        }
        c->code[at + 3 + k] = f->stub;
    }
    for (uint32_t k = 0; k <= n; k++)
        c->frames[c->nframes - 1 - c->labels[k]].stub = 0;
}

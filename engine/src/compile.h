/*
 * compile.h - the body compiler's state, shared by the walker (compile.c, which
 * validates each instruction and decides what to emit) and the emitter
 * (compile_emit.c, which appends code.h instructions, resolves branch targets and
 * moves values between slots). Engine-private.
 *
 * The operand stack of the validator doubles as the compiler's map of where each
 * value lives: entry i sits in its home slot (nlocals + i without v128, see aw_home),
 * or is an alias of the local
 * it was read from (local.get emits nothing). Aliases are made real (copied home)
 * before that local is written, at block/loop/if entry, and wherever code.h needs
 * values in consecutive slots (call arguments, multi-value returns, block results).
 */
#ifndef AW_COMPILE_H
#define AW_COMPILE_H

#include "load.h"

/* Value type of an operand only known in unreachable code (the polymorphic stack). */
#define AW_T_ANY 0

typedef struct aw_cval {
    uint32_t slot; /* where the value is now: its home (aw_val_home), or a local's slot */
    uint8_t type;
} aw_cval;

enum { AW_K_BLOCK, AW_K_LOOP, AW_K_IF, AW_K_ELSE, AW_K_FUNC };

typedef struct aw_cframe {
    uint8_t kind;
    bool unreachable;    /* validator: the rest of this frame is stack-polymorphic */
    bool dead;           /* entered from unreachable code: nothing inside is emitted */
    uint8_t single;      /* result type of a one-value block type, 0 otherwise */
    int64_t typeidx;     /* type index of the block type, -1 for empty / single */
    uint32_t height;     /* operand stack height below the block's parameters */
    uint32_t target;     /* loop: code position of its start */
    uint32_t fixups;     /* chain of target words to patch with the end position */
    uint32_t else_fixup; /* if: the BR_UNLESS target word, until else/end binds it */
    uint32_t stub;       /* br_table: move stub emitted for this label, 0 if none */
} aw_cframe;

struct aw_compiler {
    aw_load *L;
    aw_module *m;

    uint32_t *code; /* emitted words of the current function */
    uint32_t ncode, capcode;
    uint32_t maxcode;  /* cap for this body, proportional to its size */
    uint32_t last_dst; /* word index of the dst operand of the last instruction, if
                          retargetable by a following local.set; 0 otherwise */
    uint32_t prev_dst; /* the same for the instruction before it, when both came from
                          aw_emit_dst back to back; 0 otherwise */
    bool live;         /* code at this point is reachable: emit it */

    uint32_t nlocals;    /* slots of parameters + locals (a v128 takes two) */
    uint32_t nlocal_idx; /* parameters + locals (the local index space) */
    uint8_t *ltypes;     /* by local index */
    uint32_t capltypes;
    uint32_t *lslot; /* by local index: its first slot (SIMD builds; else the index) */
    uint32_t caplslot;
    /* a v128 local or stack value so far: homes are no longer nlocals + h but in
     * homes[] (filled from then on), so functions without v128 compile as before */
    bool wide;
    uint32_t *homes;
    uint32_t caphomes;
    /* Lower bounds of the stack index of any alias (alias_lo) and of the aliases of
     * each local (local_lo[x]). Entries never move down the stack, so a bound stays
     * valid until the scan it shortens resets it: every alias is scanned past a
     * bounded number of times and compilation stays linear in the body size. */
    uint32_t alias_lo;
    uint32_t *local_lo; /* by local slot */
    uint32_t caplocal_lo;

    aw_cval *vals;
    uint32_t nvals, capvals;
    uint32_t maxslots; /* frame slots used so far: locals + the highest stack end */
    aw_cframe *frames;
    uint32_t nframes, capframes;
    uint32_t *labels; /* br_table scratch */
    uint32_t caplabels;
};

/* The home slot of stack entry i. */
static inline uint32_t aw_val_home(const aw_compiler *c, uint32_t i)
{
#if AW_SIMD
    if (c->wide) return c->homes[i];
#endif
    return c->nlocals + i; /* every value below takes one slot */
}

/* The home slot of a value pushed at height h over the entries now below it. */
static inline uint32_t aw_home(const aw_compiler *c, uint32_t h)
{
#if AW_SIMD
    if (c->wide && h > 0) return c->homes[h - 1] + aw_type_slots(c->vals[h - 1].type);
#endif
    return c->nlocals + h;
}

#if AW_SIMD
/* From now on this function's homes are in homes[] (a v128 appeared). */
void aw_compile_wide(aw_compiler *c);
#endif

/* Slot copy of a value of type t (two slots for a v128). */
void aw_emit_copy(aw_compiler *c, uint8_t t, uint32_t dst, uint32_t src);

/* Grow a scratch array to hold `need` entries (allocation failures fail the load). */
void aw_cgrow(aw_compiler *c, void **arr, uint32_t *cap, uint32_t need, size_t elem);

/* ---- emitter (compile_emit.c); every function emits only when c->live ---- */

void aw_emit1(aw_compiler *c, uint32_t op);
void aw_emit2(aw_compiler *c, uint32_t op, uint32_t a);
void aw_emit3(aw_compiler *c, uint32_t op, uint32_t a, uint32_t b);
void aw_emit4(aw_compiler *c, uint32_t op, uint32_t a, uint32_t b, uint32_t d);
void aw_emit5(aw_compiler *c, uint32_t op, uint32_t a, uint32_t b, uint32_t d, uint32_t e);
void aw_emit6(aw_compiler *c, uint32_t op, uint32_t a, uint32_t b, uint32_t d, uint32_t e,
              uint32_t f);
/* Emit an instruction whose first operand is the dst slot of a value just pushed: a
 * following local.set may retarget it to the local. */
void aw_emit_dst(aw_compiler *c, uint32_t op, uint32_t dst, uint32_t nextra, const uint32_t *extra);

/* Bind the current position as a label: no retargeting across it. */
void aw_emit_label(aw_compiler *c);
/* Patch a fixup chain to point at `target`. */
void aw_emit_patch(aw_compiler *c, uint32_t chain, uint32_t target);

/* Copy stack entries [from, to) that alias a local into their home slots. */
void aw_emit_materialize(aw_compiler *c, uint32_t from, uint32_t to);
/* Before writing the local at slot `x`: materialise every entry that aliases it. */
void aw_emit_unalias(aw_compiler *c, uint32_t x);

/* Emit n raw words (an instruction without a retargetable dst). */
void aw_emitn(aw_compiler *c, uint32_t n, const uint32_t *w);

#if AW_SIMD
/* ---- the validator's stack for compile_simd.c (compile.c) ---- */

uint32_t aw_cpush(aw_compiler *c, uint8_t type); /* returns the new value's slot */
aw_cval aw_cpop(aw_compiler *c, uint8_t expect);
/* A memarg (alignment checked against `natural`, a memory required): its offset. */
uint32_t aw_cmemarg(aw_compiler *c, uint32_t natural);

/* One 0xfd-prefixed instruction (compile_simd.c); the prefix byte was read. */
void aw_compile_simd(aw_compiler *c);
#endif

/* ---- peepholes (compile_fuse.c) ---- */

/* A branch condition: the i32 in `slot`, or a comparison folded into the branch. */
typedef struct aw_cond {
    bool fused;
    uint32_t slot;
    uint32_t op, a, b; /* fused: BRCMP* opcode jumping when true, operands */
    uint32_t hi;       /* BRCMP64I: high word of the immediate (b is the low word) */
} aw_cond;

/* Emit `op` (an i32 or i64 binary operator) on a and b as a BINI / BINI64 when b
 * was produced by the constant just emitted; false if it does not apply (nothing
 * emitted). */
bool aw_fuse_bin(aw_compiler *c, uint32_t op, uint32_t dst, uint32_t a, uint32_t b);
/* Emit a load / store whose address in `addr` was produced by the i32.add of a
 * constant just emitted, as one LOADI / STOREI; false if it does not apply. */
bool aw_fuse_load(aw_compiler *c, uint32_t op, uint32_t dst, uint32_t addr, uint32_t offset);
bool aw_fuse_store(aw_compiler *c, uint32_t op, uint32_t addr, uint32_t val, uint32_t offset);
/* The last pass over a finished body: X followed by Y becomes the pair X_Y in place
 * (code.h AW_PAIRS); the code keeps its length and targets. */
void aw_fuse_pairs(uint32_t *w, uint32_t n);
/* Describe the condition in `slot` (just popped), folding in the comparison that
 * produced it when it was the last instruction emitted. */
void aw_fuse_cond(aw_compiler *c, uint32_t slot, aw_cond *k);
/* A jump taken when the condition is true (if_true) or false; returns the index of
 * its target word. `back`: the target is a loop start. */
uint32_t aw_emit_condjump(aw_compiler *c, const aw_cond *k, bool if_true, bool back,
                          uint32_t target);

/* Branch to label frame `f` carrying the top values of the stack (its label arity);
 * conditional on `cond` unless it is NULL. */
void aw_emit_branch(aw_compiler *c, aw_cframe *f, const aw_cond *cond);
/* br_table over c->labels[0..n] (n targets then the default); `idx` is the slot of the
 * index, `arity` the label arity. */
void aw_emit_br_table(aw_compiler *c, uint32_t idx, uint32_t n, uint32_t arity);
/* Return the function's results from the top of the stack. */
void aw_emit_return(aw_compiler *c);

uint32_t aw_frame_arity(const aw_compiler *c, const aw_cframe *f);
uint32_t aw_frame_nparams(const aw_compiler *c, const aw_cframe *f);
uint32_t aw_frame_nresults(const aw_compiler *c, const aw_cframe *f);

#endif /* AW_COMPILE_H */

/*
 * translate.c - validated WebAssembly to C with the sandbox built in (see docs/aot.md).
 *
 * One C function per Wasm function, with typed C variables for locals and for each
 * (operand-stack height, type) pair, so the C compiler sees plain scalar code. Blocks
 * become labels and gotos; a branch copies the values it carries into the variables
 * of the target's height. Code after an unconditional branch is skipped up to the end
 * of its block, as the validator allows any operands there.
 *
 * The sandbox: every load/store checks address + offset + size against the memory size
 * held in a local (reloaded after anything that may grow the memory), or, compiled for
 * guard pages, relies on the 8 GiB reservation around the memory (an access past it
 * faults and the port turns the fault into the trap); memory.fill/copy check their
 * range, then call memset/memmove; integer division and float-to-int truncation check
 * their traps; call_indirect checks bounds, null and the callee's key (its instance and
 * canonical type) inline and calls it directly, else goes through a helper;
 * every function gets the call depth it may still use as a parameter (a register
 * compare), and functions that call check the native stack; each loop header, and the
 * entry of each function that calls, reads the store's interrupt flag. Traps call the
 * runtime helper aot_rt_trap, which never returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aot_format.h"
#include "translate.h"

typedef struct rd {
    const uint8_t *p, *end;
    int bad;
} rd;

static uint8_t rd_u8(rd *r)
{
    if (r->p >= r->end) {
        r->bad = 1;
        return 0x0b;
    }
    return *r->p++;
}

static uint64_t rd_leb(rd *r, int sign, int bits)
{
    uint64_t v = 0;
    int shift = 0;
    uint8_t b;
    do {
        b = rd_u8(r);
        if (shift < 64) v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while ((b & 0x80) && !r->bad);
    if (sign && shift < 64 && (b & 0x40)) v |= ~(uint64_t)0 << shift;
    if (bits < 64 && !sign) v &= (((uint64_t)1 << bits) - 1);
    return v;
}

static uint32_t rd_u32(rd *r)
{
    return (uint32_t)rd_leb(r, 0, 32);
}

/* ---- types ---- */

static char tchar(uint8_t t)
{
    switch (t) {
    case AW_I32: return 'i';
    case AW_I64: return 'j';
    case AW_F32: return 'f';
    case AW_F64: return 'd';
    default: return 'r';
    }
}

static const char *ctype(char t)
{
    switch (t) {
    case 'i': return "uint32_t";
    case 'j': return "uint64_t";
    case 'f': return "float";
    case 'd': return "double";
    default: return "void *";
    }
}

static const char *valfield(char t)
{
    switch (t) {
    case 'i': return "i32";
    case 'j': return "i64";
    case 'f': return "f32";
    case 'd': return "f64";
    default: return "ref";
    }
}

#define MAXSTACK 65536
#define MAXCTRL  65536

typedef struct ctrl {
    uint8_t kind; /* 0 func, 1 block, 2 loop, 3 if */
    uint32_t label;
    uint32_t height; /* stack height below the block's parameters */
    uint32_t np, nr;
    const uint8_t *pt, *rt; /* param / result AW_* types */
    uint8_t one;            /* storage for a single-result block type */
    int dead;               /* rest of the block is unreachable */
    int has_else;
    /* a loop's header poll (its place in the body), and whether every way around the
     * loop calls a function that checks at entry (Cortex-M; see call()) */
    size_t poll_at, poll_len;
    int branched; /* a branch back to the header that no such call preceded */
    int covered;  /* such a call at the loop's own level, before any such branch */
    /* a loop: its branches back to the header; whether its body loops, calls or runs a
     * helper of unbounded work; the basic block and instruction count at its entry */
    uint32_t backs;
    int impure;
    uint32_t entry_gen, entry_seq;
} ctrl;

typedef struct tr {
    const aw_module *m;
    int target;
    int guard; /* no bounds checks on loads and stores (guard pages) */
    int async; /* no loop-header polls: the port interrupts the code asynchronously */
    sbuf *out;
    sbuf body;
    uint32_t *canon; /* canonical type index per type index */
    /* per function */
    char stack[MAXSTACK];
    uint32_t sp;
    uint32_t maxd[5]; /* max height+1 used per type (i j f d r) */
    ctrl *cs;
    uint32_t ncs;
    uint32_t nlabels;
    char *ltypes; /* local types */
    uint32_t nlocals;
    int dead_depth;   /* nesting inside skipped code */
    int calls, loops; /* the function calls something / has a loop */
    uint32_t nio;     /* most aw_val cells of an import or foreign call */
    /* Cortex-M: bounds checks already made in this basic block (see addr_check) */
    uint32_t *from; /* per stack height: 1 + the local it was read from, unchanged since */
    struct chk {
        uint32_t gen, k;
    } * chk;      /* per local: the largest offset + size checked on it in block gen */
    uint32_t gen; /* the basic block: a new one at every label */
    /* bounded loops (see bounded()): the last instructions translated (seq counts them),
     * and per local its last write (the i32 constant written, in block gen; gen 0: not
     * a constant) and the one before it */
    struct hist {
        uint8_t op;
        uint32_t imm;
    } hist[8];
    uint32_t seq;
    struct lw {
        uint32_t gen, k;
    } * lw, *lw_prev;
    uint8_t *nonleaf; /* per function: it calls (so checks at entry), from a first pass */
    uint8_t *gused;   /* per global: the function reads or writes it */
    char err[160];
    const char *pfx; /* names of this module's C symbols start with it */
} tr;

static int tidx(char t)
{
    switch (t) {
    case 'i': return 0;
    case 'j': return 1;
    case 'f': return 2;
    case 'd': return 3;
    default: return 4;
    }
}

/* Name of the stack variable at height h of type t. */
static const char *sv(tr *T, uint32_t h, char t)
{
    static char names[8][24];
    static int k;
    char *n = names[k++ & 7];
    snprintf(n, 24, "s%c%u", t, h);
    if (h + 1 > T->maxd[tidx(t)]) T->maxd[tidx(t)] = h + 1;
    return n;
}

static const char *push(tr *T, char t)
{
    T->stack[T->sp] = t;
    T->from[T->sp] = 0;
    const char *n = sv(T, T->sp, t);
    T->sp++;
    return n;
}

static const char *pop(tr *T)
{
    T->sp--;
    return sv(T, T->sp, T->stack[T->sp]);
}

static const char *top(tr *T, uint32_t k) /* k = 0: top of stack */
{
    uint32_t h = T->sp - 1 - k;
    return sv(T, h, T->stack[h]);
}

#define E(...) sb_printf(&T->body, __VA_ARGS__)

static const aw_functype *ftype(tr *T, uint32_t fidx)
{
    return &T->m->types[T->m->func_types[fidx]];
}

/* ---- the prelude: what every generated file starts with ---- */

/* asm constraint of a float register, per target: an SSE register on x86-64; on
 * Cortex-M4 (single-precision FPU, doubles in core register pairs) a core register */
#define OPQ(T) ((T)->target == AW_AOT_TARGET_X86_64 ? "x" : "r")

static void prelude(tr *T)
{
    sbuf *o = T->out;
    sb_printf(o, "/* generated by akira-aot: do not edit */\n#define OPQV \"%s\"\n", OPQ(T));
    sb_printf(o, "#include <stdint.h>\n"
                 "typedef union aw_val { uint32_t i32; uint64_t i64; float f32; double f64; "
                 "void *ref; } aw_val;\n"
                 "typedef struct aot_mem { uint8_t *data; uint64_t size; } aot_mem;\n"
                 "typedef struct aot_tab { void **elems; uint32_t size; } aot_tab;\n"
                 "typedef struct aot_func { const void *type, *inst, *code; uintptr_t key; void "
                 "*fn; } aot_func;\n"
                 "typedef struct aot_ctx { const int *intr; uintptr_t stack_limit; aot_mem *mem; "
                 "aw_val **g; aot_tab **tables; } aot_ctx;\n"
                 "#define U(x) __builtin_expect(!!(x), 0)\n"
                 "#define H extern __attribute__((visibility(\"default\")))\n");
    sb_printf(o, "H _Noreturn void aot_rt_trap(aot_ctx *, int);\n"
                 "H void aot_rt_poll(aot_ctx *);\n"
                 "H void aot_rt_call_import(aot_ctx *, uint32_t, aw_val *, uint32_t);\n"
                 "H void *aot_rt_indirect(aot_ctx *, uint32_t, uint32_t, uint32_t);\n"
                 "H void aot_rt_call_ref(aot_ctx *, uint32_t, uint32_t, aw_val *, uint32_t);\n"
                 "H uint32_t aot_rt_memory_grow(aot_ctx *, uint32_t);\n"
                 "H void *aot_rt_memset(void *, int, __SIZE_TYPE__);\n"
                 "H void *aot_rt_memmove(void *, const void *, __SIZE_TYPE__);\n"
                 "H void aot_rt_memory_init(aot_ctx *, uint32_t, uint32_t, uint32_t, uint32_t);\n"
                 "H void aot_rt_data_drop(aot_ctx *, uint32_t);\n"
                 "H void *aot_rt_table_get(aot_ctx *, uint32_t, uint32_t);\n"
                 "H void aot_rt_table_set(aot_ctx *, uint32_t, uint32_t, void *);\n"
                 "H uint32_t aot_rt_table_size(aot_ctx *, uint32_t);\n"
                 "H uint32_t aot_rt_table_grow(aot_ctx *, uint32_t, void *, uint32_t);\n"
                 "H void aot_rt_table_fill(aot_ctx *, uint32_t, uint32_t, void *, uint32_t);\n"
                 "H void aot_rt_table_copy(aot_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, "
                 "uint32_t);\n"
                 "H void aot_rt_table_init(aot_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, "
                 "uint32_t);\n"
                 "H void aot_rt_elem_drop(aot_ctx *, uint32_t);\n"
                 "H void *aot_rt_ref_func(aot_ctx *, uint32_t);\n");
    if (T->target == AW_AOT_TARGET_X86_64) {
        /* SSE4.1 rounds inline; nearbyint rounds to nearest-even without raising */
        sb_printf(o, "#define FCEIL(x) __builtin_ceilf(x)\n#define FFLOOR(x) __builtin_floorf(x)\n"
                     "#define FTRUNC(x) __builtin_truncf(x)\n#define FNEAR(x) "
                     "__builtin_nearbyintf(x)\n"
                     "#define DCEIL(x) __builtin_ceil(x)\n#define DFLOOR(x) __builtin_floor(x)\n"
                     "#define DTRUNC(x) __builtin_trunc(x)\n#define DNEAR(x) "
                     "__builtin_nearbyint(x)\n");
    } else {
        sb_printf(o, "H float aot_rt_f32_ceil(float); H float aot_rt_f32_floor(float);\n"
                     "H float aot_rt_f32_trunc(float); H float aot_rt_f32_nearest(float);\n"
                     "H double aot_rt_f64_ceil(double); H double aot_rt_f64_floor(double);\n"
                     "H double aot_rt_f64_trunc(double); H double aot_rt_f64_nearest(double);\n"
                     "#define FCEIL aot_rt_f32_ceil\n#define FFLOOR aot_rt_f32_floor\n"
                     "#define FTRUNC aot_rt_f32_trunc\n#define FNEAR aot_rt_f32_nearest\n"
                     "#define DCEIL aot_rt_f64_ceil\n#define DFLOOR aot_rt_f64_floor\n"
                     "#define DTRUNC aot_rt_f64_trunc\n#define DNEAR aot_rt_f64_nearest\n");
    }
    sb_printf(
        o,
        "#define L(n) static inline uint##n##_t ld##n(const uint8_t *p) { uint##n##_t v; "
        "__builtin_memcpy(&v, p, sizeof v); return v; } "
        "static inline void st##n(uint8_t *p, uint##n##_t v) { __builtin_memcpy(p, &v, sizeof "
        "v); }\nL(16) L(32) L(64)\n"
        "static inline float fb(uint32_t u) { float f; __builtin_memcpy(&f, &u, 4); return f; }\n"
        "static inline double db(uint64_t u) { double f; __builtin_memcpy(&f, &u, 8); return f; "
        "}\n"
        "static inline uint32_t bf(float f) { uint32_t u; __builtin_memcpy(&u, &f, 4); return u; "
        "}\n"
        "static inline uint64_t bd(double f) { uint64_t u; __builtin_memcpy(&u, &f, 8); return "
        "u; }\n"
        "#define MINMAX(T, n) \\\n"
        "static inline T n##min(T a, T b) { if (a != a || b != b) return a + b; if (a == b) "
        "return __builtin_signbit(a) ? a : b; return a < b ? a : b; } \\\n"
        "static inline T n##max(T a, T b) { if (a != a || b != b) return a + b; if (a == b) "
        "return __builtin_signbit(a) ? b : a; return a > b ? a : b; }\n"
        "MINMAX(float, f) MINMAX(double, d)\n"
        /* the compiler folds demote(promote(x)) to x, which quiets no signalling NaN */
        "static inline double promote(float f) { double d = f; __asm__(\"\" : \"+\" OPQV(d)); "
        "return d; }\n"
        "static inline float demote(double d) { float f = (float)d; __asm__(\"\" : \"+\" "
        "OPQV(f)); return f; }\n"
        "static inline uint32_t clz32(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; "
        "}\n"
        "static inline uint64_t clz64(uint64_t x) { return x ? (uint64_t)__builtin_clzll(x) : "
        "64; }\n"
        "static inline uint32_t ctz32(uint32_t x) { return x ? (uint32_t)__builtin_ctz(x) : 32; "
        "}\n"
        "static inline uint64_t ctz64(uint64_t x) { return x ? (uint64_t)__builtin_ctzll(x) : "
        "64; }\n"
        "static inline uint32_t pop32(uint32_t x) { x = x - ((x >> 1) & 0x55555555u); x = (x & "
        "0x33333333u) + ((x >> 2) & 0x33333333u); return (((x + (x >> 4)) & 0x0f0f0f0fu) * "
        "0x01010101u) >> 24; }\n"
        "static inline uint64_t pop64(uint64_t x) { return pop32((uint32_t)x) + pop32((uint32_t)(x "
        ">> 32)); }\n"
        "static inline uint32_t rotl32(uint32_t x, uint32_t k) { k &= 31; return (x << k) | (x >> "
        "((32 - k) & 31)); }\n"
        "static inline uint32_t rotr32(uint32_t x, uint32_t k) { k &= 31; return (x >> k) | (x << "
        "((32 - k) & 31)); }\n"
        "static inline uint64_t rotl64(uint64_t x, uint64_t k) { k &= 63; return (x << k) | (x >> "
        "((64 - k) & 63)); }\n"
        "static inline uint64_t rotr64(uint64_t x, uint64_t k) { k &= 63; return (x >> k) | (x << "
        "((64 - k) & 63)); }\n");
    sb_printf(o, "struct aot_fn { void *fn; uintptr_t type; };\n"
                 "typedef void (*aot_wrap)(aot_ctx *, void *, aw_val *, uint32_t);\n"
                 "struct aot_root { uintptr_t nfuncs, ntypes; const struct aot_fn *funcs; "
                 "const aot_wrap *wraps; };\n");
    /* float -> int: NaN is an invalid conversion, out of range an overflow (trapping),
     * or NaN -> 0 and clamping (saturating). The bounds are exact in double. */
    sb_printf(
        o,
        "#define TC(c) aot_rt_trap(c, %d)\n#define TO(c) aot_rt_trap(c, %d)\n"
        "static inline uint32_t tis(aot_ctx *c, double x) { if (x != x) TC(c); if (!(x > "
        "-2147483649.0 && x < 2147483648.0)) TO(c); return (uint32_t)(int32_t)x; }\n"
        "static inline uint32_t tiu(aot_ctx *c, double x) { if (x != x) TC(c); if (!(x > -1.0 && x "
        "< 4294967296.0)) TO(c); return (uint32_t)(int64_t)x; }\n"
        "static inline uint64_t tjs(aot_ctx *c, double x) { if (x != x) TC(c); if (!(x >= "
        "-9223372036854775808.0 && x < 9223372036854775808.0)) TO(c); return "
        "(uint64_t)(int64_t)x; }\n"
        "static inline uint64_t tju(aot_ctx *c, double x) { if (x != x) TC(c); if (!(x > -1.0 && x "
        "< 18446744073709551616.0)) TO(c); return x < 1.0 ? 0 : (uint64_t)x; }\n"
        "static inline uint32_t sis(double x) { if (x != x) return 0; if (x <= -2147483648.0) "
        "return 0x80000000u; if (x >= 2147483647.0) return 0x7fffffffu; return "
        "(uint32_t)(int32_t)x; }\n"
        "static inline uint32_t siu(double x) { if (!(x >= 1.0)) return 0; if (x >= "
        "4294967295.0) return 0xffffffffu; return (uint32_t)x; }\n"
        "static inline uint64_t sjs(double x) { if (x != x) return 0; if (x <= "
        "-9223372036854775808.0) return 0x8000000000000000ull; if (x >= 9223372036854775808.0) "
        "return 0x7fffffffffffffffull; return (uint64_t)(int64_t)x; }\n"
        "static inline uint64_t sju(double x) { if (!(x >= 1.0)) return 0; if (x >= "
        "18446744073709551616.0) return ~0ull; return (uint64_t)x; }\n",
        AW_TRAP_INVALID_CONVERSION, AW_TRAP_INT_OVERFLOW);
}

/* C function type pieces for a (canonical) type index. */
static void ret_type(tr *T, sbuf *o, uint32_t ti)
{
    const aw_functype *t = &T->m->types[ti];
    if (t->nresults == 0)
        sb_printf(o, "void");
    else if (t->nresults == 1)
        sb_printf(o, "%s", ctype(tchar(t->types[t->nparams])));
    else
        sb_printf(o, "struct %sr%u", T->pfx, T->canon[ti]);
}

/* The depth argument: x86-64 passes the call depth left (see the function's entry); on
 * Cortex-M the native stack bounds the depth on its own (DEPTH_ARG is empty there). */
#define HAS_DEPTH(T) ((T)->target == AW_AOT_TARGET_X86_64)

static void param_list(tr *T, sbuf *o, uint32_t ti, int names)
{
    const aw_functype *t = &T->m->types[ti];
    if (HAS_DEPTH(T))
        sb_printf(o, names ? "(aot_ctx *c, uint32_t d" : "(aot_ctx *c, uint32_t");
    else
        sb_printf(o, "(aot_ctx *c");
    for (uint32_t i = 0; i < t->nparams; i++) {
        if (names)
            sb_printf(o, ", %s l%u", ctype(tchar(t->types[i])), i);
        else
            sb_printf(o, ", %s", ctype(tchar(t->types[i])));
    }
    sb_printf(o, ")");
}

/* ---- branches ---- */

/* Copy the n values on top of the stack into the variables at height h.. (a branch to a
 * label whose values live there). */
static void move_vals(tr *T, uint32_t h, uint32_t n)
{
    uint32_t from = T->sp - n;
    if (from == h) return;
    for (uint32_t k = 0; k < n; k++) {
        char t = T->stack[from + k];
        E("%s = ", sv(T, h + k, t));
        E("%s;\n", sv(T, from + k, t));
    }
}

static void branch_to(tr *T, uint32_t depth)
{
    ctrl *c = &T->cs[T->ncs - 1 - depth];
    uint32_t n = c->kind == 2 ? c->np : c->nr;
    if (c->kind == 2 && !c->covered) c->branched = 1;
    if (c->kind == 2) c->backs++;
    move_vals(T, c->height, n);
    E("goto L%u;\n", c->label);
}

static void block_types(tr *T, rd *r, ctrl *c)
{
    int64_t bt = (int64_t)rd_leb(r, 1, 33);
    c->np = c->nr = 0;
    c->pt = c->rt = NULL;
    if (bt == -64) return; /* 0x40: empty */
    if (bt < 0) {
        c->one = (uint8_t)(bt & 0x7f);
        c->rt = &c->one;
        c->nr = 1;
        return;
    }
    const aw_functype *t = &T->m->types[bt];
    c->np = t->nparams;
    c->nr = t->nresults;
    c->pt = t->types;
    c->rt = t->types + t->nparams;
}

static void mem_reload(tr *T)
{
    /* a guard-page memory grows in place: its base never changes */
    if (T->m->nmems)
        E(T->guard ? "ms = c->mem->size;\n" : "mb = c->mem->data; ms = c->mem->size;\n");
    if (T->m->nmems && T->target != AW_AOT_TARGET_X86_64) E("m32 = (uint32_t)ms;\n");
}

/* A label starts a basic block: what was checked before it may not hold on every path
 * into it. */
static void label(tr *T, uint32_t l)
{
    E("L%u:;\n", l);
    T->gen++;
}

/* Whether the address just popped (from height T->sp) was read from a local that this
 * basic block already checked with an offset + size of k or more: the local has not
 * changed since, and a memory never shrinks, so the check would pass again. Otherwise
 * the caller emits the check, which is recorded here. */
static int checked(tr *T, uint64_t k)
{
    uint32_t src = T->from[T->sp];
    if (!src || k > 0xffffffffu) return 0;
    struct chk *ck = &T->chk[src - 1];
    if (ck->gen == T->gen && ck->k >= k) return 1;
    ck->gen = T->gen;
    ck->k = (uint32_t)k;
    return 0;
}

/* ea = address + offset, checked against the memory size unless guard pages catch it
 * (or this basic block checked it already). The address was popped from height T->sp. */
static void addr_check(tr *T, const char *a, uint32_t off, int n)
{
    uint64_t k = (uint64_t)off + (uint64_t)n;
    if (T->target != AW_AOT_TARGET_X86_64) {
        /* 32-bit: a memory there is under 4 GiB, so a + off + n <= size in 32-bit
         * arithmetic, with the two compares hoisted out of loops */
        if (k > 0xffffffffu)
            E("goto T_oob; ");
        else if (!checked(T, k))
            E("if (U(m32 < %lluu || %s > m32 - %lluu)) goto T_oob; ", (unsigned long long)k, a,
              (unsigned long long)k);
        E("ea = %s + %uu; ", a, off);
        return;
    }
    E("ea = (uint64_t)%s + %uu; ", a, off);
    if (!T->guard && !checked(T, k)) E("if (U(ea + %d > ms)) goto T_oob; ", n);
}

/* ---- memory access ---- */

static void load(tr *T, rd *r, char rt, int n, const char *expr)
{
    rd_u32(r);
    uint32_t off = rd_u32(r);
    addr_check(T, pop(T), off, n);
    const char *d = push(T, rt);
    E("%s = ", d);
    E(expr, "mb + ea");
    E(";\n");
    /* with guard pages the access itself is the check: keep it even when its value is
     * dead (dropped, or folded away), by handing the value to an empty asm */
    if (T->guard)
        E("__asm__ volatile(\"\" : : \"%s\"(%s));\n", rt == 'f' || rt == 'd' ? OPQ(T) : "r", d);
}

static void store(tr *T, rd *r, int n, const char *fn)
{
    rd_u32(r);
    uint32_t off = rd_u32(r);
    const char *v = pop(T);
    char vb[24];
    snprintf(vb, sizeof vb, "%s", v);
    addr_check(T, pop(T), off, n);
    E(fn, vb);
    E(";\n");
}

/* ---- numeric instructions ---- */

typedef struct numop {
    uint8_t op;
    char a, b, r; /* operand types ('-' none), result */
    const char *fmt;
} numop;

/* %1$s is the first operand, %2$s the second. */
static const numop NUM[] = {
    {0x45, 'i', '-', 'i', "%1$s == 0"},
    {0x46, 'i', 'i', 'i', "%1$s == %2$s"},
    {0x47, 'i', 'i', 'i', "%1$s != %2$s"},
    {0x48, 'i', 'i', 'i', "(int32_t)%1$s < (int32_t)%2$s"},
    {0x49, 'i', 'i', 'i', "%1$s < %2$s"},
    {0x4a, 'i', 'i', 'i', "(int32_t)%1$s > (int32_t)%2$s"},
    {0x4b, 'i', 'i', 'i', "%1$s > %2$s"},
    {0x4c, 'i', 'i', 'i', "(int32_t)%1$s <= (int32_t)%2$s"},
    {0x4d, 'i', 'i', 'i', "%1$s <= %2$s"},
    {0x4e, 'i', 'i', 'i', "(int32_t)%1$s >= (int32_t)%2$s"},
    {0x4f, 'i', 'i', 'i', "%1$s >= %2$s"},
    {0x50, 'j', '-', 'i', "%1$s == 0"},
    {0x51, 'j', 'j', 'i', "%1$s == %2$s"},
    {0x52, 'j', 'j', 'i', "%1$s != %2$s"},
    {0x53, 'j', 'j', 'i', "(int64_t)%1$s < (int64_t)%2$s"},
    {0x54, 'j', 'j', 'i', "%1$s < %2$s"},
    {0x55, 'j', 'j', 'i', "(int64_t)%1$s > (int64_t)%2$s"},
    {0x56, 'j', 'j', 'i', "%1$s > %2$s"},
    {0x57, 'j', 'j', 'i', "(int64_t)%1$s <= (int64_t)%2$s"},
    {0x58, 'j', 'j', 'i', "%1$s <= %2$s"},
    {0x59, 'j', 'j', 'i', "(int64_t)%1$s >= (int64_t)%2$s"},
    {0x5a, 'j', 'j', 'i', "%1$s >= %2$s"},
    {0x5b, 'f', 'f', 'i', "%1$s == %2$s"},
    {0x5c, 'f', 'f', 'i', "%1$s != %2$s"},
    {0x5d, 'f', 'f', 'i', "%1$s < %2$s"},
    {0x5e, 'f', 'f', 'i', "%1$s > %2$s"},
    {0x5f, 'f', 'f', 'i', "%1$s <= %2$s"},
    {0x60, 'f', 'f', 'i', "%1$s >= %2$s"},
    {0x61, 'd', 'd', 'i', "%1$s == %2$s"},
    {0x62, 'd', 'd', 'i', "%1$s != %2$s"},
    {0x63, 'd', 'd', 'i', "%1$s < %2$s"},
    {0x64, 'd', 'd', 'i', "%1$s > %2$s"},
    {0x65, 'd', 'd', 'i', "%1$s <= %2$s"},
    {0x66, 'd', 'd', 'i', "%1$s >= %2$s"},
    {0x67, 'i', '-', 'i', "clz32(%1$s)"},
    {0x68, 'i', '-', 'i', "ctz32(%1$s)"},
    {0x69, 'i', '-', 'i', "pop32(%1$s)"},
    {0x6a, 'i', 'i', 'i', "%1$s + %2$s"},
    {0x6b, 'i', 'i', 'i', "%1$s - %2$s"},
    {0x6c, 'i', 'i', 'i', "%1$s * %2$s"},
    {0x71, 'i', 'i', 'i', "%1$s & %2$s"},
    {0x72, 'i', 'i', 'i', "%1$s | %2$s"},
    {0x73, 'i', 'i', 'i', "%1$s ^ %2$s"},
    {0x74, 'i', 'i', 'i', "%1$s << (%2$s & 31)"},
    {0x75, 'i', 'i', 'i', "(uint32_t)((int32_t)%1$s >> (%2$s & 31))"},
    {0x76, 'i', 'i', 'i', "%1$s >> (%2$s & 31)"},
    {0x77, 'i', 'i', 'i', "rotl32(%1$s, %2$s)"},
    {0x78, 'i', 'i', 'i', "rotr32(%1$s, %2$s)"},
    {0x79, 'j', '-', 'j', "clz64(%1$s)"},
    {0x7a, 'j', '-', 'j', "ctz64(%1$s)"},
    {0x7b, 'j', '-', 'j', "pop64(%1$s)"},
    {0x7c, 'j', 'j', 'j', "%1$s + %2$s"},
    {0x7d, 'j', 'j', 'j', "%1$s - %2$s"},
    {0x7e, 'j', 'j', 'j', "%1$s * %2$s"},
    {0x83, 'j', 'j', 'j', "%1$s & %2$s"},
    {0x84, 'j', 'j', 'j', "%1$s | %2$s"},
    {0x85, 'j', 'j', 'j', "%1$s ^ %2$s"},
    {0x86, 'j', 'j', 'j', "%1$s << (%2$s & 63)"},
    {0x87, 'j', 'j', 'j', "(uint64_t)((int64_t)%1$s >> (%2$s & 63))"},
    {0x88, 'j', 'j', 'j', "%1$s >> (%2$s & 63)"},
    {0x89, 'j', 'j', 'j', "rotl64(%1$s, %2$s)"},
    {0x8a, 'j', 'j', 'j', "rotr64(%1$s, %2$s)"},
    {0x8b, 'f', '-', 'f', "__builtin_fabsf(%1$s)"},
    {0x8c, 'f', '-', 'f', "-%1$s"},
    {0x8d, 'f', '-', 'f', "FCEIL(%1$s)"},
    {0x8e, 'f', '-', 'f', "FFLOOR(%1$s)"},
    {0x8f, 'f', '-', 'f', "FTRUNC(%1$s)"},
    {0x90, 'f', '-', 'f', "FNEAR(%1$s)"},
    {0x91, 'f', '-', 'f', "__builtin_sqrtf(%1$s)"},
    {0x92, 'f', 'f', 'f', "%1$s + %2$s"},
    {0x93, 'f', 'f', 'f', "%1$s - %2$s"},
    {0x94, 'f', 'f', 'f', "%1$s * %2$s"},
    {0x95, 'f', 'f', 'f', "%1$s / %2$s"},
    {0x96, 'f', 'f', 'f', "fmin(%1$s, %2$s)"},
    {0x97, 'f', 'f', 'f', "fmax(%1$s, %2$s)"},
    {0x98, 'f', 'f', 'f', "__builtin_copysignf(%1$s, %2$s)"},
    {0x99, 'd', '-', 'd', "__builtin_fabs(%1$s)"},
    {0x9a, 'd', '-', 'd', "-%1$s"},
    {0x9b, 'd', '-', 'd', "DCEIL(%1$s)"},
    {0x9c, 'd', '-', 'd', "DFLOOR(%1$s)"},
    {0x9d, 'd', '-', 'd', "DTRUNC(%1$s)"},
    {0x9e, 'd', '-', 'd', "DNEAR(%1$s)"},
    {0x9f, 'd', '-', 'd', "__builtin_sqrt(%1$s)"},
    {0xa0, 'd', 'd', 'd', "%1$s + %2$s"},
    {0xa1, 'd', 'd', 'd', "%1$s - %2$s"},
    {0xa2, 'd', 'd', 'd', "%1$s * %2$s"},
    {0xa3, 'd', 'd', 'd', "%1$s / %2$s"},
    {0xa4, 'd', 'd', 'd', "dmin(%1$s, %2$s)"},
    {0xa5, 'd', 'd', 'd', "dmax(%1$s, %2$s)"},
    {0xa6, 'd', 'd', 'd', "__builtin_copysign(%1$s, %2$s)"},
    {0xa7, 'j', '-', 'i', "(uint32_t)%1$s"},
    {0xa8, 'f', '-', 'i', "tis(c, %1$s)"},
    {0xa9, 'f', '-', 'i', "tiu(c, %1$s)"},
    {0xaa, 'd', '-', 'i', "tis(c, %1$s)"},
    {0xab, 'd', '-', 'i', "tiu(c, %1$s)"},
    {0xac, 'i', '-', 'j', "(uint64_t)(int64_t)(int32_t)%1$s"},
    {0xad, 'i', '-', 'j', "(uint64_t)%1$s"},
    {0xae, 'f', '-', 'j', "tjs(c, %1$s)"},
    {0xaf, 'f', '-', 'j', "tju(c, %1$s)"},
    {0xb0, 'd', '-', 'j', "tjs(c, %1$s)"},
    {0xb1, 'd', '-', 'j', "tju(c, %1$s)"},
    {0xb2, 'i', '-', 'f', "(float)(int32_t)%1$s"},
    {0xb3, 'i', '-', 'f', "(float)%1$s"},
    {0xb4, 'j', '-', 'f', "(float)(int64_t)%1$s"},
    {0xb5, 'j', '-', 'f', "(float)%1$s"},
    {0xb6, 'd', '-', 'f', "demote(%1$s)"},
    {0xb7, 'i', '-', 'd', "(double)(int32_t)%1$s"},
    {0xb8, 'i', '-', 'd', "(double)%1$s"},
    {0xb9, 'j', '-', 'd', "(double)(int64_t)%1$s"},
    {0xba, 'j', '-', 'd', "(double)%1$s"},
    {0xbb, 'f', '-', 'd', "promote(%1$s)"},
    {0xbc, 'f', '-', 'i', "bf(%1$s)"},
    {0xbd, 'd', '-', 'j', "bd(%1$s)"},
    {0xbe, 'i', '-', 'f', "fb(%1$s)"},
    {0xbf, 'j', '-', 'd', "db(%1$s)"},
    {0xc0, 'i', '-', 'i', "(uint32_t)(int32_t)(int8_t)%1$s"},
    {0xc1, 'i', '-', 'i', "(uint32_t)(int32_t)(int16_t)%1$s"},
    {0xc2, 'j', '-', 'j', "(uint64_t)(int64_t)(int8_t)%1$s"},
    {0xc3, 'j', '-', 'j', "(uint64_t)(int64_t)(int16_t)%1$s"},
    {0xc4, 'j', '-', 'j', "(uint64_t)(int64_t)(int32_t)%1$s"},
};

/* 0xfc 0..7: saturating truncation */
static const numop SAT[] = {
    {0, 'f', '-', 'i', "sis(%1$s)"}, {1, 'f', '-', 'i', "siu(%1$s)"},
    {2, 'd', '-', 'i', "sis(%1$s)"}, {3, 'd', '-', 'i', "siu(%1$s)"},
    {4, 'f', '-', 'j', "sjs(%1$s)"}, {5, 'f', '-', 'j', "sju(%1$s)"},
    {6, 'd', '-', 'j', "sjs(%1$s)"}, {7, 'd', '-', 'j', "sju(%1$s)"},
};

static void numeric(tr *T, const numop *n)
{
    char a[24], b[24] = "";
    if (n->b != '-') snprintf(b, sizeof b, "%s", pop(T));
    snprintf(a, sizeof a, "%s", pop(T));
    const char *d = push(T, n->r);
    E("%s = ", d);
    E(n->fmt, a, b);
    E(";\n");
}

/* Division and remainder: their traps. */
static void divrem(tr *T, uint8_t op)
{
    char a[24], b[24];
    int w64 = op >= 0x7f;
    snprintf(b, sizeof b, "%s", pop(T));
    snprintf(a, sizeof a, "%s", pop(T));
    const char *d = push(T, w64 ? 'j' : 'i');
    const char *st = w64 ? "int64_t" : "int32_t";
    const char *mn = w64 ? "0x8000000000000000ull" : "0x80000000u";
    const char *m1 = w64 ? "~0ull" : "~0u";
    E("if (U(%s == 0)) aot_rt_trap(c, %d);\n", b, AW_TRAP_DIV_ZERO);
    switch (w64 ? op - 0x7f + 0x6d : op) {
    case 0x6d: /* div_s */
        E("if (U(%s == %s && %s == %s)) aot_rt_trap(c, %d);\n", a, mn, b, m1, AW_TRAP_INT_OVERFLOW);
        E("%s = (%s)((%s)%s / (%s)%s);\n", d, ctype(w64 ? 'j' : 'i'), st, a, st, b);
        break;
    case 0x6e: E("%s = %s / %s;\n", d, a, b); break;
    case 0x6f: /* rem_s: INT_MIN % -1 is 0, not a trap */
        E("%s = %s == %s ? 0 : (%s)((%s)%s %% (%s)%s);\n", d, b, m1, ctype(w64 ? 'j' : 'i'), st, a,
          st, b);
        break;
    default: E("%s = %s %% %s;\n", d, a, b); break;
    }
}

/* ---- calls ---- */

/* Call function `fidx` (or, with indirect, a function of type `ti` found through the
 * table): arguments are the top nparams values. */
static void call(tr *T, uint32_t fidx, int indirect, uint32_t ti, uint32_t table)
{
    const aw_functype *t = indirect ? &T->m->types[ti] : ftype(T, fidx);
    uint32_t canon = indirect ? T->canon[ti] : T->canon[T->m->func_types[fidx]];
    char elem[24] = "";
    if (indirect) snprintf(elem, sizeof elem, "%s", pop(T));
    uint32_t base = T->sp - t->nparams;
    uint32_t nio = t->nparams > t->nresults ? t->nparams : t->nresults;
    int direct = !indirect && fidx >= T->m->nfunc_imports;
    T->calls = 1;
    if (!direct && nio > T->nio) T->nio = nio;
    /* Cortex-M: a function that calls checks the stack limit at entry, which an
     * interrupt raises (AW_AOT_FOLD_INTERRUPT). A direct call to one (nonleaf, from the
     * first pass) at a loop's own level, with no branch back to the header before it,
     * runs in every iteration: the header's poll is redundant. */
    ctrl *lp = &T->cs[T->ncs - 1];
    if (T->target != AW_AOT_TARGET_X86_64 && direct && lp->kind == 2 && !lp->branched &&
        T->nonleaf[fidx])
        lp->covered = 1;
    E("{\n");
    if (indirect) {
        /* inline: an element in bounds, not null, whose key is this context + the
         * canonical type (a function of this instance of that signature) is called
         * directly; anything else goes to the helper, which traps as the interpreter
         * does or says (NULL) to call through aw_call */
        uint32_t l = T->nlabels++; /* the typed call, not a basic block's start */
        E("aot_tab *tb = c->tables[%u];\naot_func *fe;\nvoid *fp;\n", table);
        E("if (__builtin_expect(%s < tb->size && (fe = (aot_func *)tb->elems[%s]) != 0 && "
          "fe->key == (uintptr_t)c + %uu, 1)) { fp = fe->fn; goto L%u; }\n",
          elem, elem, canon, l);
        E("fp = aot_rt_indirect(c, %u, %s, %u);\nif (fp) {\nL%u:;\n", table, elem, ti, l);
    }
    if (direct || indirect) {
        /* a typed native call */
        if (t->nresults > 1) E("struct %sr%u rv = ", T->pfx, canon);
        if (t->nresults == 1) E("%s = ", sv(T, base, tchar(t->types[t->nparams])));
        if (indirect) {
            E("((");
            ret_type(T, &T->body, canon);
            E(" (*)");
            param_list(T, &T->body, canon, 0);
            E(")fp)(c%s", HAS_DEPTH(T) ? ", d - 1" : "");
        } else {
            E("%sf%u(c%s", T->pfx, fidx, HAS_DEPTH(T) ? ", d - 1" : "");
        }
        for (uint32_t i = 0; i < t->nparams; i++)
            E(", %s", sv(T, base + i, tchar(t->types[i])));
        E(");\n");
        for (uint32_t i = 0; t->nresults > 1 && i < t->nresults; i++)
            E("%s = rv.r%u;\n", sv(T, base + i, tchar(t->types[t->nparams + i])), i);
    }
    if (indirect) E("} else {\n");
    if (!direct) {
        /* through aw_val cells: an import, or a function of another instance */
        E("aw_val io[%u];\n", nio ? nio : 1);
        for (uint32_t i = 0; i < t->nparams; i++)
            E("io[%u].%s = %s;\n", i, valfield(tchar(t->types[i])),
              sv(T, base + i, tchar(t->types[i])));
        if (indirect)
            E("aot_rt_call_ref(c, %u, %s, io, %s);\n", table, elem, HAS_DEPTH(T) ? "d - 1" : "0");
        else
            E("aot_rt_call_import(c, %u, io, %s);\n", fidx, HAS_DEPTH(T) ? "d - 1" : "0");
        for (uint32_t i = 0; i < t->nresults; i++) {
            char rt = tchar(t->types[t->nparams + i]);
            E("%s = io[%u].%s;\n", sv(T, base + i, rt), i, valfield(rt));
        }
    }
    if (indirect) E("}\n");
    mem_reload(T);
    E("}\n");
    T->sp = base;
    for (uint32_t i = 0; i < t->nresults; i++)
        push(T, tchar(t->types[t->nparams + i]));
}

/* at a loop header: one load through the flag's address, held in a local */
static void poll(tr *T)
{
    if (T->async) return; /* a signal interrupts the loop (AW_AOT_FLAG_ASYNC) */
    T->loops = 1;
    E("if (U(__atomic_load_n(ip, __ATOMIC_RELAXED))) { aot_rt_poll(c); PU; }\n");
}

/* ---- loops of bounded length ---- */

/* Work a loop whose poll is left out may do from its entry to its exit, in Wasm
 * instructions: its iterations times its body's length. */
#define BOUNDED_WORK 65536u

/* What the loops around this point do cannot be bounded at translation time: a nested
 * loop, a call, memory.grow, a bulk memory or table operation. */
static void impure(tr *T)
{
    for (uint32_t i = 0; i < T->ncs; i++)
        if (T->cs[i].kind == 2) T->cs[i].impure = 1;
}

/* Whether the loop c, at its end, runs a bounded number of iterations, each of bounded
 * length, so that its header needs no interrupt poll. It must have no nested loop, call
 * or unbounded helper (impure), one branch back to its header: the last instruction of
 * its body, `br_if 0` on a counter local x of type i32 stepped by a constant just before
 *
 *   local.get x; i32.const s; i32.add|i32.sub; local.tee x; [i32.const n; cmp | i32.eqz]
 *   (or local.set x; local.get x instead of local.tee x)
 *
 * with no other write of x in the body, and x set to an i32.const in the basic block
 * that enters the loop (so on its only way in: the header is reached from nowhere else).
 * Its values are then known: running them through the condition at translation time
 * finds the iteration that leaves, if it comes within BOUNDED_WORK. The interrupt then
 * comes at the next poll after the loop, at most BOUNDED_WORK instructions later. */
static int bounded(tr *T, const ctrl *c)
{
    uint32_t n = T->seq - 1, len = n - c->entry_seq; /* T->seq: this `end` */
    if (c->impure || c->backs != 1 || len < 5) return 0;
#define H(k) (&T->hist[(n - (k)) % 8]) /* H(0): the last instruction */
    if (H(0)->op != 0x0d || H(0)->imm != 0) return 0;
    uint32_t k = 1, cmp = 0, lim = 0, x;
    if (H(1)->op >= 0x46 && H(1)->op <= 0x4f && H(2)->op == 0x41) {
        cmp = H(1)->op;
        lim = H(2)->imm;
        k = 3;
    } else if (H(1)->op == 0x45) {
        cmp = 0x45;
        k = 2;
    }
    if (H(k)->op == 0x22) {
        x = H(k)->imm;
        k += 1;
    } else if (H(k)->op == 0x20 && H(k + 1)->op == 0x21 && H(k + 1)->imm == H(k)->imm) {
        x = H(k)->imm;
        k += 2;
    } else {
        return 0;
    }
    if ((H(k)->op != 0x6a && H(k)->op != 0x6b) || H(k + 1)->op != 0x41 || H(k + 2)->op != 0x20 ||
        H(k + 2)->imm != x || k + 2 >= len || T->ltypes[x] != 'i')
        return 0;
    int add = H(k)->op == 0x6a;
    uint32_t step = H(k + 1)->imm;
#undef H
    /* the write before the tail's: an i32.const in the block that enters the loop (so
     * before the loop, and no other write since: a write in the body has a later block) */
    const struct lw *init = &T->lw_prev[x];
    if (init->gen != c->entry_gen) return 0;
    uint32_t v = init->k;
    for (uint32_t it = 1; (uint64_t)it * len <= BOUNDED_WORK; it++) {
        v = add ? v + step : v - step;
        int32_t sv = (int32_t)v, sl = (int32_t)lim;
        int again;
        switch (cmp) {
        case 0: again = v != 0; break;
        case 0x45: again = v == 0; break;
        case 0x46: again = v == lim; break;
        case 0x47: again = v != lim; break;
        case 0x48: again = sv < sl; break;
        case 0x49: again = v < lim; break;
        case 0x4a: again = sv > sl; break;
        case 0x4b: again = v > lim; break;
        case 0x4c: again = sv <= sl; break;
        case 0x4d: again = v <= lim; break;
        case 0x4e: again = sv >= sl; break;
        default: again = v >= lim; break;
        }
        if (!again) return 1;
    }
    return 0;
}

/* ---- one function ---- */

static int fail(tr *T, const char *why, uint32_t fidx)
{
    snprintf(T->err, sizeof T->err, "function %u: %s", fidx, why);
    return -1;
}

static int function(tr *T, uint32_t fidx, rd *r)
{
    const aw_module *m = T->m;
    uint32_t ti = m->func_types[fidx];
    const aw_functype *t = &m->types[ti];
    sbuf *o = T->out;
    T->body.len = 0;
    memset(T->maxd, 0, sizeof T->maxd);
    T->sp = 0;
    T->ncs = 0;
    T->nlabels = 0;
    T->dead_depth = 0;
    T->calls = T->loops = 0;
    T->nio = 0;
    memset(T->gused, 0, T->m->nglobals + 1);

    /* locals */
    uint32_t ngroups = rd_u32(r);
    uint64_t nloc = t->nparams;
    const uint8_t *save = r->p;
    for (uint32_t g = 0; g < ngroups && !r->bad; g++) {
        nloc += rd_u32(r);
        rd_u8(r);
    }
    if (nloc > 50000) return fail(T, "too many locals", fidx);
    free(T->ltypes);
    T->ltypes = malloc(nloc + 1);
    free(T->chk);
    T->chk = calloc(nloc + 1, sizeof *T->chk);
    free(T->lw);
    free(T->lw_prev);
    T->lw = calloc(nloc + 1, sizeof *T->lw);
    T->lw_prev = calloc(nloc + 1, sizeof *T->lw_prev);
    if (!T->ltypes || !T->chk || !T->lw || !T->lw_prev) return fail(T, "out of memory", fidx);
    T->seq = 1;
    memset(T->hist, 0, sizeof T->hist);
    T->gen = 1;
    T->nlocals = (uint32_t)nloc;
    for (uint32_t i = 0; i < t->nparams; i++)
        T->ltypes[i] = tchar(t->types[i]);
    r->p = save;
    uint32_t li = t->nparams;
    for (uint32_t g = 0; g < ngroups && !r->bad; g++) {
        uint32_t n = rd_u32(r);
        uint8_t vt = rd_u8(r);
        if (vt == AW_V128) return fail(T, "SIMD (a v128 local) is not translated", fidx);
        char ty = tchar(vt);
        for (uint32_t k = 0; k < n; k++)
            T->ltypes[li++] = ty;
    }

    ctrl *fc = &T->cs[T->ncs++];
    memset(fc, 0, sizeof *fc);
    fc->kind = 0;
    fc->label = T->nlabels++;
    fc->nr = t->nresults;
    fc->rt = t->types + t->nparams;

    for (;;) {
        if (r->bad) return fail(T, "truncated body", fidx);
        uint8_t op = rd_u8(r);
        ctrl *c = &T->cs[T->ncs - 1];
        int dead = c->dead;
        /* skipped code: follow nesting only */
        if (dead && op != 0x0b && op != 0x05 && op != 0x02 && op != 0x03 && op != 0x04) {
            /* read and drop immediates */
            switch (op) {
            case 0x0c:
            case 0x0d:
            case 0x10:
            case 0x20:
            case 0x21:
            case 0x22:
            case 0x23:
            case 0x24:
            case 0x25:
            case 0x26:
            case 0xd2: rd_u32(r); break;
            case 0x0e: {
                uint32_t n = rd_u32(r);
                for (uint32_t i = 0; i <= n && !r->bad; i++)
                    rd_u32(r);
                break;
            }
            case 0x11:
                rd_u32(r);
                rd_u32(r);
                break;
            case 0x1c: {
                uint32_t n = rd_u32(r);
                for (uint32_t i = 0; i < n; i++)
                    rd_u8(r);
                break;
            }
            case 0x3f:
            case 0x40:
            case 0xd0: rd_u8(r); break;
            case 0x41: rd_leb(r, 1, 32); break;
            case 0x42: rd_leb(r, 1, 64); break;
            case 0x43: r->p += 4; break;
            case 0x44: r->p += 8; break;
            case 0xfc: {
                uint32_t sub = rd_u32(r);
                switch (sub) {
                case 8:
                    rd_u32(r);
                    rd_u8(r);
                    break;
                case 9:
                case 13:
                case 15:
                case 16:
                case 17: rd_u32(r); break;
                case 10:
                    rd_u8(r);
                    rd_u8(r);
                    break;
                case 11: rd_u8(r); break;
                case 12:
                case 14:
                    rd_u32(r);
                    rd_u32(r);
                    break;
                default: break;
                }
                break;
            }
            case 0xfd: return fail(T, "SIMD is not translated", fidx);
            default:
                if (op >= 0x28 && op <= 0x3e) {
                    rd_u32(r);
                    rd_u32(r);
                }
                break;
            }
            continue;
        }
        if (dead && T->dead_depth && (op == 0x02 || op == 0x03 || op == 0x04)) {
            rd_leb(r, 1, 33);
            T->dead_depth++;
            continue;
        }
        if (dead && T->dead_depth && op == 0x05) continue;
        if (dead && T->dead_depth && op == 0x0b) {
            T->dead_depth--;
            continue;
        }
        if (dead && (op == 0x02 || op == 0x03 || op == 0x04)) {
            rd_leb(r, 1, 33);
            T->dead_depth++;
            continue;
        }
        uint32_t imm = 0; /* the immediate bounded() looks at */
        T->seq++;
        if (op == 0x03 || op == 0x10 || op == 0x11 || op == 0x40 || op == 0xfc)
            impure(T); /* 0xfc: bulk memory and tables (and saturating conversions) */
        switch (op) {
        case 0x00:
            E("aot_rt_trap(c, %d);\n", AW_TRAP_UNREACHABLE);
            c->dead = 1;
            break;
        case 0x01: break;
        case 0x02:
        case 0x03:
        case 0x04: {
            if (T->ncs >= MAXCTRL) return fail(T, "blocks nested too deep", fidx);
            ctrl *n = &T->cs[T->ncs];
            memset(n, 0, sizeof *n);
            block_types(T, r, n);
            n->kind = op == 0x02 ? 1 : op == 0x03 ? 2 : 3;
            char cond[24] = "";
            if (op == 0x04) snprintf(cond, sizeof cond, "%s", pop(T));
            n->height = T->sp - n->np;
            n->label = T->nlabels;
            T->nlabels += 2; /* label, else-label */
            T->ncs++;
            if (op == 0x03) {
                n->entry_gen = T->gen;
                n->entry_seq = T->seq;
                label(T, n->label);
                n->poll_at = T->body.len;
                poll(T);
                n->poll_len = T->body.len - n->poll_at;
            } else if (op == 0x04) {
                E("if (!%s) goto L%u;\n", cond, n->label + 1);
            }
            break;
        }
        case 0x05: { /* else */
            if (!c->dead) move_vals(T, c->height, c->nr), E("goto L%u;\n", c->label);
            label(T, c->label + 1);
            c->has_else = 1;
            c->dead = 0;
            T->sp = c->height;
            for (uint32_t i = 0; i < c->np; i++)
                push(T, tchar(c->pt[i]));
            break;
        }
        case 0x0b: { /* end */
            if (!c->dead) move_vals(T, c->height, c->nr);
            if (c->kind == 3 && !c->has_else) label(T, c->label + 1);
            if (c->kind != 2) label(T, c->label);
            if (c->kind == 2 && c->poll_len &&
                (c->covered || bounded(T, c))) /* the poll becomes blanks */
                memset(T->body.p + c->poll_at, ' ', c->poll_len - 1);
            T->sp = c->height;
            for (uint32_t i = 0; i < c->nr; i++)
                push(T, tchar(c->rt[i]));
            T->ncs--;
            if (T->ncs == 0) goto done;
            break;
        }
        case 0x0c:
            branch_to(T, rd_u32(r));
            c->dead = 1;
            break;
        case 0x0d: {
            uint32_t d = rd_u32(r);
            imm = d;
            E("if (%s) {\n", pop(T));
            branch_to(T, d);
            E("}\n");
            break;
        }
        case 0x0e: {
            uint32_t n = rd_u32(r);
            char idx[24];
            snprintf(idx, sizeof idx, "%s", pop(T));
            E("switch (%s) {\n", idx);
            for (uint32_t i = 0; i <= n && !r->bad; i++) {
                uint32_t d = rd_u32(r);
                if (i < n)
                    E("case %u: ", i);
                else
                    E("default: ");
                E("{\n");
                branch_to(T, d);
                E("}\n");
            }
            E("}\n");
            c->dead = 1;
            break;
        }
        case 0x0f:
            branch_to(T, T->ncs - 1);
            c->dead = 1;
            break;
        case 0x10: call(T, rd_u32(r), 0, 0, 0); break;
        case 0x11: {
            uint32_t tyi = rd_u32(r);
            uint32_t tab = rd_u32(r);
            call(T, 0, 1, tyi, tab);
            break;
        }
        case 0x1a: pop(T); break;
        case 0x1b:
        case 0x1c: {
            if (op == 0x1c) {
                uint32_t n = rd_u32(r);
                for (uint32_t i = 0; i < n; i++)
                    rd_u8(r);
            }
            char cnd[24], b[24], a[24];
            snprintf(cnd, sizeof cnd, "%s", pop(T));
            snprintf(b, sizeof b, "%s", pop(T));
            snprintf(a, sizeof a, "%s", pop(T));
            const char *d = push(T, T->stack[T->sp]); /* same type as the operands */
            if (strcmp(d, a) != 0)
                E("%s = %s ? %s : %s;\n", d, cnd, a, b);
            else
                E("if (!%s) %s = %s;\n", cnd, d, b);
            break;
        }
        case 0x20: {
            uint32_t x = rd_u32(r);
            imm = x;
            const char *d = push(T, T->ltypes[x]);
            T->from[T->sp - 1] = x + 1;
            E("%s = l%u;\n", d, x);
            break;
        }
        case 0x21:
        case 0x22: {
            uint32_t x = rd_u32(r);
            if (x >= T->nlocals) return fail(T, "local index", fidx);
            imm = x;
            T->lw_prev[x] = T->lw[x];
            T->lw[x].gen = T->hist[(T->seq - 1) % 8].op == 0x41 ? T->gen : 0;
            T->lw[x].k = T->hist[(T->seq - 1) % 8].imm;
            E("l%u = %s;\n", x, op == 0x21 ? pop(T) : top(T, 0));
            /* values read from it before are no longer its value */
            T->chk[x].gen = 0;
            for (uint32_t h = 0; h < T->sp; h++)
                if (T->from[h] == x + 1) T->from[h] = 0;
            if (op == 0x22) T->from[T->sp - 1] = x + 1; /* the value it now holds */
            break;
        }
        case 0x23: {
            uint32_t x = rd_u32(r);
            char ty = tchar(m->global_types[x].type);
            const char *d = push(T, ty);
            T->gused[x] = 1;
            E("%s = g%u->%s;\n", d, x, valfield(ty));
            break;
        }
        case 0x24: {
            uint32_t x = rd_u32(r);
            char ty = tchar(m->global_types[x].type);
            T->gused[x] = 1;
            E("g%u->%s = %s;\n", x, valfield(ty), pop(T));
            break;
        }
        case 0x25: {
            uint32_t x = rd_u32(r);
            char i[24];
            snprintf(i, sizeof i, "%s", pop(T));
            E("%s = aot_rt_table_get(c, %u, %s);\n", push(T, 'r'), x, i);
            break;
        }
        case 0x26: {
            uint32_t x = rd_u32(r);
            char v[24];
            snprintf(v, sizeof v, "%s", pop(T));
            E("aot_rt_table_set(c, %u, %s, %s);\n", x, pop(T), v);
            break;
        }
        case 0x28: load(T, r, 'i', 4, "ld32(%s)"); break;
        case 0x29: load(T, r, 'j', 8, "ld64(%s)"); break;
        case 0x2a: load(T, r, 'f', 4, "fb(ld32(%s))"); break;
        case 0x2b: load(T, r, 'd', 8, "db(ld64(%s))"); break;
        case 0x2c: load(T, r, 'i', 1, "(uint32_t)(int32_t)*(const int8_t *)(%s)"); break;
        case 0x2d: load(T, r, 'i', 1, "*(%s)"); break;
        case 0x2e: load(T, r, 'i', 2, "(uint32_t)(int32_t)(int16_t)ld16(%s)"); break;
        case 0x2f: load(T, r, 'i', 2, "ld16(%s)"); break;
        case 0x30: load(T, r, 'j', 1, "(uint64_t)(int64_t)*(const int8_t *)(%s)"); break;
        case 0x31: load(T, r, 'j', 1, "*(%s)"); break;
        case 0x32: load(T, r, 'j', 2, "(uint64_t)(int64_t)(int16_t)ld16(%s)"); break;
        case 0x33: load(T, r, 'j', 2, "ld16(%s)"); break;
        case 0x34: load(T, r, 'j', 4, "(uint64_t)(int64_t)(int32_t)ld32(%s)"); break;
        case 0x35: load(T, r, 'j', 4, "ld32(%s)"); break;
        case 0x36: store(T, r, 4, "st32(mb + ea, %s)"); break;
        case 0x37: store(T, r, 8, "st64(mb + ea, %s)"); break;
        case 0x38: store(T, r, 4, "st32(mb + ea, bf(%s))"); break;
        case 0x39: store(T, r, 8, "st64(mb + ea, bd(%s))"); break;
        case 0x3a: store(T, r, 1, "mb[ea] = (uint8_t)%s"); break;
        case 0x3b: store(T, r, 2, "st16(mb + ea, (uint16_t)%s)"); break;
        case 0x3c: store(T, r, 1, "mb[ea] = (uint8_t)%s"); break;
        case 0x3d: store(T, r, 2, "st16(mb + ea, (uint16_t)%s)"); break;
        case 0x3e: store(T, r, 4, "st32(mb + ea, (uint32_t)%s)"); break;
        case 0x3f:
            rd_u8(r);
            E("%s = (uint32_t)(ms >> 16);\n", push(T, 'i'));
            break;
        case 0x40: {
            rd_u8(r);
            char d[24];
            snprintf(d, sizeof d, "%s", pop(T));
            E("%s = aot_rt_memory_grow(c, %s);\n", push(T, 'i'), d);
            mem_reload(T);
            break;
        }
        case 0x41:
            imm = (uint32_t)rd_leb(r, 1, 32);
            E("%s = 0x%xu;\n", push(T, 'i'), imm);
            break;
        case 0x42:
            E("%s = 0x%llxull;\n", push(T, 'j'), (unsigned long long)rd_leb(r, 1, 64));
            break;
        case 0x43: {
            uint32_t v = 0;
            for (int i = 0; i < 4; i++)
                v |= (uint32_t)rd_u8(r) << (8 * i);
            E("%s = fb(0x%xu);\n", push(T, 'f'), v);
            break;
        }
        case 0x44: {
            uint64_t v = 0;
            for (int i = 0; i < 8; i++)
                v |= (uint64_t)rd_u8(r) << (8 * i);
            E("%s = db(0x%llxull);\n", push(T, 'd'), (unsigned long long)v);
            break;
        }
        case 0x6d:
        case 0x6e:
        case 0x6f:
        case 0x70:
        case 0x7f:
        case 0x80:
        case 0x81:
        case 0x82: divrem(T, op); break;
        case 0xd0:
            rd_u8(r);
            E("%s = (void *)0;\n", push(T, 'r'));
            break;
        case 0xd1: {
            char a[24];
            snprintf(a, sizeof a, "%s", pop(T));
            E("%s = %s == (void *)0;\n", push(T, 'i'), a);
            break;
        }
        case 0xd2: E("%s = aot_rt_ref_func(c, %u);\n", push(T, 'r'), rd_u32(r)); break;
        case 0xfc: {
            uint32_t sub = rd_u32(r);
            if (sub <= 7) {
                numeric(T, &SAT[sub]);
                break;
            }
            char a[24], b[24], d[24];
            switch (sub) {
            case 8: { /* memory.init seg: d s n */
                uint32_t seg = rd_u32(r);
                rd_u8(r);
                snprintf(a, sizeof a, "%s", pop(T));
                snprintf(b, sizeof b, "%s", pop(T));
                snprintf(d, sizeof d, "%s", pop(T));
                E("aot_rt_memory_init(c, %u, %s, %s, %s);\n", seg, d, b, a);
                break;
            }
            case 9: E("aot_rt_data_drop(c, %u);\n", rd_u32(r)); break;
            case 10:
            case 11: {
                rd_u8(r);
                if (sub == 10) rd_u8(r);
                snprintf(a, sizeof a, "%s", pop(T));
                snprintf(b, sizeof b, "%s", pop(T));
                snprintf(d, sizeof d, "%s", pop(T));
                /* the range checked here (as the interpreter does, even for n = 0),
                 * then the C library's memmove / memset */
                if (sub == 10)
                    E("if (U((uint64_t)%s + %s > ms || (uint64_t)%s + %s > ms)) goto T_oob;\n"
                      "aot_rt_memmove(mb + %s, mb + %s, %s);\n",
                      d, a, b, a, d, b, a);
                else
                    E("if (U((uint64_t)%s + %s > ms)) goto T_oob;\n"
                      "aot_rt_memset(mb + %s, (int)(%s & 0xff), %s);\n",
                      d, a, d, b, a);
                break;
            }
            case 12: { /* table.init elem table: d s n */
                uint32_t seg = rd_u32(r), tab = rd_u32(r);
                snprintf(a, sizeof a, "%s", pop(T));
                snprintf(b, sizeof b, "%s", pop(T));
                snprintf(d, sizeof d, "%s", pop(T));
                E("aot_rt_table_init(c, %u, %u, %s, %s, %s);\n", tab, seg, d, b, a);
                break;
            }
            case 13: E("aot_rt_elem_drop(c, %u);\n", rd_u32(r)); break;
            case 14: {
                uint32_t dt = rd_u32(r), st = rd_u32(r);
                snprintf(a, sizeof a, "%s", pop(T));
                snprintf(b, sizeof b, "%s", pop(T));
                snprintf(d, sizeof d, "%s", pop(T));
                E("aot_rt_table_copy(c, %u, %u, %s, %s, %s);\n", dt, st, d, b, a);
                break;
            }
            case 15: { /* table.grow: init n -> old */
                uint32_t tab = rd_u32(r);
                snprintf(a, sizeof a, "%s", pop(T));
                snprintf(b, sizeof b, "%s", pop(T));
                E("%s = aot_rt_table_grow(c, %u, %s, %s);\n", push(T, 'i'), tab, b, a);
                break;
            }
            case 16: E("%s = aot_rt_table_size(c, %u);\n", push(T, 'i'), rd_u32(r)); break;
            case 17: { /* table.fill: i v n */
                uint32_t tab = rd_u32(r);
                snprintf(a, sizeof a, "%s", pop(T));
                snprintf(b, sizeof b, "%s", pop(T));
                snprintf(d, sizeof d, "%s", pop(T));
                E("aot_rt_table_fill(c, %u, %s, %s, %s);\n", tab, d, b, a);
                break;
            }
            default: return fail(T, "unknown 0xfc instruction", fidx);
            }
            break;
        }
        case 0xfd: return fail(T, "SIMD is not translated", fidx);
        default: {
            const numop *n = NULL;
            for (size_t i = 0; i < sizeof NUM / sizeof NUM[0]; i++)
                if (NUM[i].op == op) n = &NUM[i];
            if (!n) return fail(T, "unknown instruction", fidx);
            numeric(T, n);
            break;
        }
        }
        T->hist[T->seq % 8] = (struct hist){op, imm};
        if (T->sp + 8 >= MAXSTACK) return fail(T, "operand stack too deep", fidx);
    }
done:
    /* the function itself */
    /* aot_rt_poll never returns (it traps); saying so helps a function that calls (no
     * registers saved around the poll: fib 0.79x -> 0.93x native) and costs one
     * that does not (mix 0.90x -> 0.88x, 0.84x -> 0.80x with explicit checks) */
    /* (x86-64 only: on Cortex-M the poll returns when it finds an interrupt's raised
     * stack limit without the interrupt, AW_AOT_FOLD_INTERRUPT) */
    if (T->loops || T->calls)
        sb_printf(o, "#undef PU\n#define PU %s\n",
                  T->calls && T->target == AW_AOT_TARGET_X86_64 ? "__builtin_unreachable()"
                                                                : "(void)0");
    ret_type(T, o, T->canon[ti]);
    sb_printf(o, " %sf%u", T->pfx, fidx);
    param_list(T, o, T->canon[ti], 1);
    sb_printf(o, "\n{\n");
    for (uint32_t i = t->nparams; i < T->nlocals; i++)
        sb_printf(o, "%s l%u = 0;\n", ctype(T->ltypes[i]), i);
    static const char tys[5] = {'i', 'j', 'f', 'd', 'r'};
    for (int k = 0; k < 5; k++)
        for (uint32_t h = 0; h < T->maxd[k]; h++)
            sb_printf(o, "%s s%c%u = 0;\n", ctype(tys[k]), tys[k], h);
    if (m->nmems)
        sb_printf(o, T->target == AW_AOT_TARGET_X86_64
                         ? "uint8_t *mb = c->mem->data; uint64_t ms = c->mem->size; uint64_t ea;\n"
                         : "uint8_t *mb = c->mem->data; uint64_t ms = c->mem->size; uint32_t "
                           "m32 = (uint32_t)ms, ea;\n");
    /* Call depth: d is what this call may still use (a register). The native stack: a
     * function that calls is checked against the limit; a leaf with a small frame fits
     * in the reserve below it (AW_AOT_STACK_RESERVE: 8 KiB on x86-64, 1 KiB on an MCU),
     * a leaf with many variables not. */
    uint32_t nvars = T->nlocals;
    for (int k = 0; k < 5; k++)
        nvars += T->maxd[k];
    if (T->target == AW_AOT_TARGET_X86_64) {
        /* the stack pointer itself, so that the function needs no frame pointer (the
         * frame address forces one) */
        if (T->calls || nvars > 256u)
            sb_printf(o, "if (U(d == 0 || %s < c->stack_limit)) aot_rt_trap(c, %d);\n",
                      "({ uintptr_t sp_; __asm__(\"mov %%rsp, %0\" : \"=r\"(sp_)); sp_; })",
                      AW_TRAP_STACK_EXHAUSTED);
        else
            sb_printf(o, "if (U(d == 0)) aot_rt_trap(c, %d);\n", AW_TRAP_STACK_EXHAUSTED);
    } else {
        /* Cortex-M: no depth argument. Every call is a real call (the tool turns sibling
         * calls off), so a function that calls saves at least its return address: the
         * stack bytes bound the depth. A small frame (at most 256 bytes of variables and
         * import cells) reads the stack pointer itself, with no frame pointer; a larger
         * one compares its frame address, which lies below all of its frame. A leaf with
         * a small frame fits in the reserve below the limit and is not checked. An
         * interrupt raises the limit to all ones (the engine's AW_AOT_FOLD_INTERRUPT), so
         * this compare is the entry's interrupt check too: aot_rt_poll traps an
         * interrupt, else puts back a limit an interrupt cleared since left raised, and
         * the stack is checked again. */
        uint32_t bytes = T->nio * 8u;
        for (uint32_t i = 0; i < T->nlocals; i++)
            bytes += T->ltypes[i] == 'j' || T->ltypes[i] == 'd' ? 8u : 4u;
        for (int k = 0; k < 5; k++)
            bytes += T->maxd[k] * (k == 1 || k == 3 ? 8u : 4u);
        const char *where = NULL;
        if (bytes > 256u)
            where = "uintptr_t sp = (uintptr_t)__builtin_frame_address(0);";
        else if (T->calls)
            where = "uintptr_t sp; __asm__(\"mov %0, sp\" : \"=r\"(sp));";
        if (where)
            sb_printf(o,
                      "{ %s if (U(sp < c->stack_limit)) { aot_rt_poll(c); "
                      "if (sp < c->stack_limit) aot_rt_trap(c, %d); } }\n",
                      where, AW_TRAP_STACK_EXHAUSTED);
    }
    if (T->loops) sb_printf(o, "const int *ip = c->intr;\n");
    /* each global's cell, once: its address never changes for an instance */
    for (uint32_t g = 0; g < m->nglobals; g++)
        if (T->gused[g]) sb_printf(o, "aw_val *const g%u = c->g[%u];\n", g, g);
    /* interruption: at loop headers, and here when this function calls (recursion
     * without loops); a function that neither loops nor calls ends in bounded time. On
     * Cortex-M the stack check above is this check. */
    if (T->calls && T->target == AW_AOT_TARGET_X86_64)
        sb_printf(o,
                  "if (U(__atomic_load_n(c->intr, __ATOMIC_RELAXED))) { aot_rt_poll(c); PU; }\n");
    sb_put(o, T->body.p, T->body.len);
    if (t->nresults == 1) {
        sb_printf(o, "return s%c0;\n", tchar(t->types[t->nparams]));
    } else if (t->nresults > 1) {
        sb_printf(o, "struct %sr%u rv = {", T->pfx, T->canon[ti]);
        for (uint32_t i = 0; i < t->nresults; i++)
            sb_printf(o, "%ss%c%u", i ? ", " : "", tchar(t->types[t->nparams + i]), i);
        sb_printf(o, "};\nreturn rv;\n");
    } else {
        sb_printf(o, "return;\n");
    }
    if (m->nmems) sb_printf(o, "T_oob: aot_rt_trap(c, %d);\n", AW_TRAP_MEMORY_OOB);
    sb_printf(o, "}\n\n");
    return 0;
}

/* ---- the module ---- */

void aot_prelude(int target, sbuf *out)
{
    tr T = {.target = target, .out = out};
    prelude(&T);
}

int aot_translate(const aw_module *m, const uint8_t *wasm, size_t size, int target, unsigned flags,
                  const char *prefix, sbuf *out, char *err, size_t errlen)
{
    tr *T = calloc(1, sizeof *T);
    if (!T) return -1;
    T->m = m;
    T->target = target;
    T->guard = (flags & AW_AOT_FLAG_GUARD) != 0;
    T->async = (flags & AW_AOT_FLAG_ASYNC) != 0;
    T->out = out;
    T->pfx = prefix;
    T->cs = calloc(MAXCTRL, sizeof(ctrl));
    T->gused = calloc(m->nglobals + 1, 1);
    T->from = calloc(MAXSTACK, sizeof(uint32_t));
    T->nonleaf = calloc(m->nfuncs + 1, 1);
    T->canon = calloc(m->ntypes + 1, sizeof(uint32_t));
    int rc = -1;
    if (!T->cs || !T->gused || !T->canon || !T->from || !T->nonleaf) {
        snprintf(T->err, sizeof T->err, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < m->ntypes; i++) {
        T->canon[i] = i;
        for (uint32_t j = 0; j < i; j++)
            if (aw_functype_eq(&m->types[i], &m->types[j])) {
                T->canon[i] = T->canon[j];
                break;
            }
    }
    /* v128 anywhere in a signature or a global: SIMD, which the translator leaves to the
     * interpreter (tchar would otherwise take it for a reference) */
    for (uint32_t i = 0; i < m->ntypes; i++)
        for (uint32_t k = 0; k < m->types[i].nparams + m->types[i].nresults; k++)
            if (m->types[i].types[k] == AW_V128) {
                snprintf(T->err, sizeof T->err, "type %u: SIMD (v128) is not translated", i);
                goto out;
            }
    for (uint32_t i = 0; i < m->nglobals; i++)
        if (m->global_types[i].type == AW_V128) {
            snprintf(T->err, sizeof T->err, "global %u: SIMD (v128) is not translated", i);
            goto out;
        }
    /* multi-value result structs and prototypes */
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const aw_functype *t = &m->types[i];
        if (T->canon[i] != i || t->nresults < 2) continue;
        sb_printf(out, "struct %sr%u {", T->pfx, i);
        for (uint32_t k = 0; k < t->nresults; k++)
            sb_printf(out, " %s r%u;", ctype(tchar(t->types[t->nparams + k])), k);
        sb_printf(out, " };\n");
    }
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        /* Cortex-M: -mlong-calls is for the helpers; a call between our own functions
         * is a bl, which the tool resolves (R_ARM_THM_CALL) */
        sb_printf(out, T->target == AW_AOT_TARGET_X86_64 ? "static "
                                                         : "static __attribute__((short_call)) ");
        ret_type(T, out, T->canon[m->func_types[f]]);
        sb_printf(out, " %sf%u", T->pfx, f);
        param_list(T, out, T->canon[m->func_types[f]], 0);
        sb_printf(out, ";\n");
    }
    /* find the code section */
    rd r = {wasm + 8, wasm + size, 0};
    const uint8_t *code = NULL, *code_end = NULL;
    while (r.p < r.end && !r.bad) {
        uint8_t id = rd_u8(&r);
        uint32_t len = rd_u32(&r);
        if (r.bad || len > (size_t)(r.end - r.p)) break;
        if (id == 10) {
            code = r.p;
            code_end = r.p + len;
        }
        r.p += len;
    }
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    if (ndef && !code) {
        snprintf(T->err, sizeof T->err, "no code section");
        goto out;
    }
    /* Cortex-M: a first pass, its C thrown away, finds which functions call (call()
     * uses it to leave out loop polls); x86-64 needs one pass */
    sbuf scratch = {0};
    for (int pass = T->target == AW_AOT_TARGET_X86_64; ndef && pass < 2; pass++) {
        T->out = pass ? out : &scratch;
        rd c = {code, code_end, 0};
        uint32_t n = rd_u32(&c);
        if (n != ndef) {
            snprintf(T->err, sizeof T->err, "code section count");
            break;
        }
        for (uint32_t i = 0; i < n && !T->err[0]; i++) {
            uint32_t len = rd_u32(&c);
            if (c.bad || len > (size_t)(c.end - c.p)) {
                snprintf(T->err, sizeof T->err, "code section truncated");
                break;
            }
            rd body = {c.p, c.p + len, 0};
            if (function(T, m->nfunc_imports + i, &body) != 0) break;
            if (!pass) T->nonleaf[m->nfunc_imports + i] = (uint8_t)T->calls;
            c.p += len;
        }
        if (T->err[0]) break;
    }
    T->out = out;
    sb_free(&scratch);
    if (T->err[0]) goto out;
    /* wrappers: one per canonical type, from aw_val cells to the typed function */
    for (uint32_t i = 0; i < m->ntypes; i++) {
        if (T->canon[i] != i) continue;
        const aw_functype *t = &m->types[i];
        sb_printf(out, "static void %sw%u(aot_ctx *c, void *fn, aw_val *io, uint32_t d)\n{\n",
                  T->pfx, i);
        if (t->nresults == 1)
            sb_printf(out, "io[0].%s = ", valfield(tchar(t->types[t->nparams])));
        else if (t->nresults > 1)
            sb_printf(out, "struct %sr%u rv = ", T->pfx, i);
        sb_printf(out, "((");
        ret_type(T, out, i);
        sb_printf(out, " (*)");
        param_list(T, out, i, 0);
        sb_printf(out, ")fn)(c%s", HAS_DEPTH(T) ? ", d" : "");
        for (uint32_t k = 0; k < t->nparams; k++)
            sb_printf(out, ", io[%u].%s", k, valfield(tchar(t->types[k])));
        sb_printf(out, ");\n");
        for (uint32_t k = 0; t->nresults > 1 && k < t->nresults; k++)
            sb_printf(out, "io[%u].%s = rv.r%u;\n", k, valfield(tchar(t->types[t->nparams + k])),
                      k);
        sb_printf(out, "}\n");
    }
    /* the root table */
    sb_printf(out, "static const struct aot_fn %sfuncs[%u] = {", T->pfx, ndef ? ndef : 1);
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        sb_printf(out, "{(void *)%sf%u, %u},\n", T->pfx, f, T->canon[m->func_types[f]]);
    sb_printf(out, "};\nstatic const aot_wrap %swraps[%u] = {", T->pfx, m->ntypes ? m->ntypes : 1);
    for (uint32_t i = 0; i < m->ntypes; i++)
        sb_printf(out, "%sw%u, ", T->pfx, T->canon[i]);
    sb_printf(out,
              "};\n__attribute__((visibility(\"hidden\"))) const struct aot_root %saot_root = "
              "{%u, %u, %sfuncs, %swraps};\n",
              T->pfx, ndef, m->ntypes, T->pfx, T->pfx);
    rc = 0;
out:
    if (rc) snprintf(err, errlen, "%s", T->err);
    free(T->ltypes);
    free(T->chk);
    free(T->lw);
    free(T->lw_prev);
    free(T->from);
    free(T->nonleaf);
    free(T->cs);
    free(T->gused);
    free(T->canon);
    sb_free(&T->body);
    free(T);
    return rc;
}

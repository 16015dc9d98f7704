/*
 * interp.c - the interpreter of code.h's slot-addressed code.
 *
 * One function, with the hot state in locals (pc, fp, the current function and
 * instance, the memory base and size, fuel, the frame stack top) so the compiler keeps
 * them in registers. Dispatch is computed goto on GNU C (a label per opcode, built from
 * the AW_OPS X-macro), a switch otherwise or when AW_NO_COMPUTED_GOTO is defined.
 *
 * Wasm calls never recurse on the C stack: a call pushes (return pc, return fp, caller)
 * on the store's frame stack. Host functions are called directly, and may call
 * aw_call() on the same store: that nests a new run above the current frames.
 *
 * Fuel: back-edges, br_table and calls decrement a local counter; when it reaches zero
 * refuel() looks at the interrupt flag and the budget. A yield or trap at that point
 * leaves pc on the instruction itself, which has had no effect yet, so aw_resume()
 * simply executes it again.
 */
#include <string.h>

#include "numeric.h"
#include "runtime.h"

#if defined(__GNUC__) && !defined(AW_NO_COMPUTED_GOTO)
#define AW_GOTO 1
#endif

#ifdef __GNUC__
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define UNLIKELY(x) (x)
#endif

/* Little-endian access to linear memory at any alignment. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LE16(x) __builtin_bswap16(x)
#define LE32(x) __builtin_bswap32(x)
#define LE64(x) __builtin_bswap64(x)
#else
#define LE16(x) (x)
#define LE32(x) (x)
#define LE64(x) (x)
#endif

static inline uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return LE16(v);
}
static inline uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return LE32(v);
}
static inline uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return LE64(v);
}
static inline void st16(uint8_t *p, uint16_t v)
{
    v = LE16(v);
    memcpy(p, &v, 2);
}
static inline void st32(uint8_t *p, uint32_t v)
{
    v = LE32(v);
    memcpy(p, &v, 4);
}
static inline void st64(uint8_t *p, uint64_t v)
{
    v = LE64(v);
    memcpy(p, &v, 8);
}

/* Fuel for the next stretch. Only the outermost run counts against the budget and may
 * yield: a nested run sits on the C stack under a host function and cannot be
 * suspended. Returns AW_OK, AW_ERR_TRAP (interrupt) or AW_ERR_YIELD. */
static aw_status refuel(aw_store *s, uint32_t *fuel, bool first)
{
    if (atomic_load_explicit(&s->interrupt, memory_order_relaxed)) {
        s->trap = AW_TRAP_INTERRUPTED;
        return AW_ERR_TRAP;
    }
    if (!s->budget || s->nest > 1) {
        *fuel = AW_FUEL_CHUNK;
        return AW_OK;
    }
    if (!first) s->budget_left -= s->granted;
    if (s->budget_left == 0) return AW_ERR_YIELD;
    s->granted = s->budget_left < AW_FUEL_CHUNK ? (uint32_t)s->budget_left : AW_FUEL_CHUNK;
    *fuel = s->granted;
    return AW_OK;
}

/* Elements [s, s+n) of segment `idx` into table t at d (table.init and instantiation).
 * Items are evaluated now: they are constants (ref.func, ref.null, global.get of an
 * immutable import), so no per-instance copy of the segment is needed. */
aw_trap aw_interp_table_init(const aw_instance *inst, aw_table *t, uint32_t idx, uint64_t d,
                             uint64_t s, uint64_t n)
{
    const aw_elemdef *e = &inst->m->elems[idx];
    uint64_t len = (inst->dropped[idx >> 3] >> (idx & 7)) & 1 ? 0 : e->count;
    if (s + n > len || d + n > t->size) return AW_TRAP_TABLE_OOB;
    for (uint64_t k = 0; k < n; k++)
        t->elems[d + k] = aw_const_eval(inst, &e->items[s + k]).ref;
    return AW_TRAP_NONE;
}

/* Bytes [s, s+n) of data segment `idx` into memory at d, read through the module's
 * reader straight into linear memory. */
aw_trap aw_interp_memory_init(aw_store *st, const aw_instance *inst, uint32_t idx, uint64_t d,
                              uint64_t s, uint64_t n)
{
    const aw_module *m = inst->m;
    const aw_datadef *dd = &m->datas[idx];
    uint32_t bit = m->nelems + idx;
    uint64_t len = (inst->dropped[bit >> 3] >> (bit & 7)) & 1 ? 0 : dd->size;
    aw_memory *mem = inst->mem;
    if (s + n > len || d + n > mem->size) return AW_TRAP_MEMORY_OOB;
    if (n && m->read(m->read_ctx, dd->file_offset + (uint32_t)s, mem->data + d, (uint32_t)n) < 0) {
        memcpy(st->trap_msg, "module reader failed", sizeof "module reader failed");
        return AW_TRAP_HOST;
    }
    return AW_TRAP_NONE;
}

aw_status aw_interp_run(aw_store *s, uint32_t entry, aw_instance *inst, const aw_code *code,
                        const uint32_t *pc, aw_val *fp)
{
    const uint32_t *words = code->words;
    aw_frame *fr = s->frames + s->nframes;
    /* what only calls use (stack limits, peaks) stays in the store, not in locals */
    uint8_t *mem = NULL;
    uint64_t msize = 0;
    uint32_t fuel = 0;
    aw_trap trap;
    aw_status st;
    const aw_func *callee;
    const aw_code *ccode;
    aw_instance *cinst;
    aw_val *nfp, *frame_end;
    const uint32_t *pc_next;

#define RELOAD_MEM()                                                                               \
    do {                                                                                           \
        if (inst->mem) {                                                                           \
            mem = inst->mem->data;                                                                 \
            msize = inst->mem->size;                                                               \
        } else {                                                                                   \
            mem = NULL;                                                                            \
            msize = 0;                                                                             \
        }                                                                                          \
    } while (0)

#define TRAP(k)                                                                                    \
    do {                                                                                           \
        trap = (k);                                                                                \
        goto do_trap;                                                                              \
    } while (0)

#define FUEL()                                                                                     \
    do {                                                                                           \
        if (UNLIKELY(--fuel == 0)) {                                                               \
            st = refuel(s, &fuel, false);                                                          \
            if (st != AW_OK) goto out_of_fuel;                                                     \
        }                                                                                          \
    } while (0)

#define S(i) fp[pc[i]]
    /* A result to slot i. On 64-bit hosts the whole slot is written, the upper half zero
     * for a 32-bit value: COPY, RETURN, SELECT and call arguments move whole slots, and
     * an 8-byte load of a slot just written by a 4-byte store is not forwarded from that
     * store (it waits for it to retire: about 12 cycles on x86-64, the largest single
     * cost of a call returning an i32). On 32-bit targets the value alone is written. */
#if UINTPTR_MAX > 0xffffffffu
#define SET(i, f, v)                                                                               \
    do {                                                                                           \
        aw_val set_ = {.u64 = 0};                                                                  \
        set_.f = (v);                                                                              \
        S(i) = set_;                                                                               \
    } while (0)
#else
#define SET(i, f, v) (S(i).f = (v))
#endif

    RELOAD_MEM();
    st = refuel(s, &fuel, true);
    if (st != AW_OK) goto out_of_fuel;

#ifdef AW_GOTO
    static const void *const dispatch[] = {
#define AW_LABEL(name, cls) &&L_##name,
        AW_OPS(AW_LABEL)
#undef AW_LABEL
    };
#define OP(name) L_##name:
#define NEXT()   goto *dispatch[*pc]
    NEXT();
#define DISPATCH_BEGIN {
#define DISPATCH_END   }
#else
#define OP(name) case AW_OP_##name:
#define NEXT()   goto next
#define DISPATCH_BEGIN                                                                             \
    next:                                                                                          \
    switch ((aw_op)*pc) {
        /* not an opcode: the compiler never emits one */
#define DISPATCH_END                                                                               \
    case AW_OP_COUNT: break;                                                                       \
        }                                                                                          \
        TRAP(AW_TRAP_UNREACHABLE);
#endif

    DISPATCH_BEGIN
    /* ---- control ---- */
    OP(UNREACHABLE) TRAP(AW_TRAP_UNREACHABLE);
    OP(BR) pc = words + pc[1];
    NEXT();
    OP(BR_BACK) FUEL();
    pc = words + pc[1];
    NEXT();
    OP(BR_IF) pc = S(1).u32 ? words + pc[2] : pc + 3;
    NEXT();
    OP(BR_IF_BACK)
    if (S(1).u32) {
        FUEL();
        pc = words + pc[2];
    } else {
        pc += 3;
    }
    NEXT();
    OP(BR_UNLESS) pc = S(1).u32 ? pc + 3 : words + pc[2];
    NEXT();
    OP(BR_TABLE)
    {
        FUEL();
        uint32_t i = S(1).u32, n = pc[2];
        pc = words + pc[3 + (i < n ? i : n)];
        NEXT();
    }
    OP(COPY) S(1) = S(2);
    pc += 3;
    NEXT();
    OP(CONST32) SET(1, u32, pc[2]);
    pc += 3;
    NEXT();
    OP(CONST64) S(1).u64 = (uint64_t)pc[2] | (uint64_t)pc[3] << 32;
    pc += 4;
    NEXT();
    OP(CALL)
    {
        uint32_t idx = pc[1];
        nfp = fp + pc[2];
        pc_next = pc + 3;
        if (idx < inst->nfimp) {
            callee = inst->fimp[idx];
            goto do_call;
        }
        /* a function of this instance: straight to its code, no aw_func needed */
        ccode = &inst->fdefs[idx - inst->nfimp].code;
        cinst = inst;
        FUEL();
        goto enter;
    }
    OP(CALL_INDIRECT)
    {
        const aw_table *t = inst->tables[pc[2]];
        uint32_t i = S(3).u32;
        if (i >= t->size) TRAP(AW_TRAP_UNDEFINED_ELEMENT);
        callee = t->elems[i];
        if (!callee) TRAP(AW_TRAP_UNINITIALIZED);
        const aw_functype *want = &inst->m->types[pc[1]];
        /* same module: the same type entry; otherwise compare the signatures */
        if (callee->type != want && !aw_functype_eq(callee->type, want))
            TRAP(AW_TRAP_INDIRECT_TYPE);
        nfp = fp + pc[4];
        pc_next = pc + 5;
        goto do_call;
    }
    OP(RETURN)
    {
        /* results to slots 0..n-1; one result is the common case */
        uint32_t src = pc[1], n = pc[2];
        if (n == 1) {
            fp[0] = fp[src];
        } else {
            for (uint32_t k = 0; k < n; k++)
                fp[k] = fp[src + k];
        }
#ifdef AW_GOTO
    return_pop: /* from the pairs that wrote their one result to slot 0 themselves */
#endif
        --fr;
        if (!fr->code) {
            s->nframes = (uint32_t)(fr - s->frames);
            return AW_OK;
        }
        pc = fr->pc;
        fp = fr->fp;
        code = fr->code;
        words = code->words;
        /* mem and msize follow memory.grow in this instance and host calls (both
         * reload), so only a return from another instance (which may have grown a
         * shared memory) needs them reloaded, as on entry */
        if (fr->inst != inst) {
            inst = fr->inst;
            RELOAD_MEM();
        }
        NEXT();
    }
    /* The operand is picked by a mask, not by a branch: the condition is often data
     * (CoreMark's CRCs), where a branch would be mispredicted half the time; both
     * operands and the condition load in parallel (picking the slot index from the
     * condition first made a chain of three dependent loads). */
#define SELECT_BITS()                                                                              \
    ((S(2).u64 & -(uint64_t)(S(4).u32 != 0)) | (S(3).u64 & -(uint64_t)(S(4).u32 == 0)))
    OP(SELECT) S(1).u64 = SELECT_BITS();
    pc += 5;
    NEXT();
    OP(GLOBAL_GET) S(1) = inst->globals[pc[2]]->val;
    pc += 3;
    NEXT();
    OP(GLOBAL_SET) inst->globals[pc[1]]->val = S(2);
    pc += 3;
    NEXT();
    OP(REF_NULL) S(1).ref = NULL;
    pc += 2;
    NEXT();
    OP(REF_IS_NULL) SET(1, u32, S(2).ref == NULL);
    pc += 3;
    NEXT();
    OP(REF_FUNC) S(1).ref = aw_inst_func(inst, pc[2]);
    pc += 3;
    NEXT();

    /* ---- memory ---- */
    OP(MEMORY_SIZE) SET(1, u32, inst->mem->pages);
    pc += 2;
    NEXT();
    OP(MEMORY_GROW)
    SET(1, i32, aw_memory_grow(inst->mem, S(2).u32));
    RELOAD_MEM();
    pc += 3;
    NEXT();
    OP(MEMORY_FILL)
    {
        uint64_t d = S(1).u32, n = S(3).u32;
        if (d + n > msize) TRAP(AW_TRAP_MEMORY_OOB);
        if (n) memset(mem + d, (int)(S(2).u32 & 0xff), (size_t)n);
        pc += 4;
        NEXT();
    }
    OP(MEMORY_COPY)
    {
        uint64_t d = S(1).u32, sa = S(2).u32, n = S(3).u32;
        if (d + n > msize || sa + n > msize) TRAP(AW_TRAP_MEMORY_OOB);
        if (n) memmove(mem + d, mem + sa, (size_t)n);
        pc += 4;
        NEXT();
    }
    OP(MEMORY_INIT)
    trap = aw_interp_memory_init(s, inst, pc[1], S(2).u32, S(3).u32, S(4).u32);
    if (trap) goto do_trap;
    pc += 5;
    NEXT();
    OP(DATA_DROP)
    {
        uint32_t bit = inst->m->nelems + pc[1];
        inst->dropped[bit >> 3] |= (uint8_t)(1u << (bit & 7));
        pc += 2;
        NEXT();
    }

    /* ---- tables ---- */
    OP(TABLE_GET)
    {
        const aw_table *t = inst->tables[pc[2]];
        uint32_t i = S(3).u32;
        if (i >= t->size) TRAP(AW_TRAP_TABLE_OOB);
        S(1).ref = t->elems[i];
        pc += 4;
        NEXT();
    }
    OP(TABLE_SET)
    {
        aw_table *t = inst->tables[pc[1]];
        uint32_t i = S(2).u32;
        if (i >= t->size) TRAP(AW_TRAP_TABLE_OOB);
        t->elems[i] = S(3).ref;
        pc += 4;
        NEXT();
    }
    OP(TABLE_SIZE) SET(1, u32, inst->tables[pc[2]]->size);
    pc += 3;
    NEXT();
    OP(TABLE_GROW)
    SET(1, i32, aw_table_grow_by(inst->tables[pc[2]], S(4).u32, S(3).ref));
    pc += 5;
    NEXT();
    OP(TABLE_FILL)
    {
        aw_table *t = inst->tables[pc[1]];
        uint64_t i = S(2).u32, n = S(4).u32;
        void *v = S(3).ref;
        if (i + n > t->size) TRAP(AW_TRAP_TABLE_OOB);
        for (uint64_t k = 0; k < n; k++)
            t->elems[i + k] = v;
        pc += 5;
        NEXT();
    }
    OP(TABLE_COPY)
    {
        aw_table *dt = inst->tables[pc[1]], *stb = inst->tables[pc[2]];
        uint64_t d = S(3).u32, sa = S(4).u32, n = S(5).u32;
        if (d + n > dt->size || sa + n > stb->size) TRAP(AW_TRAP_TABLE_OOB);
        if (n) memmove(dt->elems + d, stb->elems + sa, (size_t)n * sizeof(void *));
        pc += 6;
        NEXT();
    }
    OP(TABLE_INIT)
    trap = aw_interp_table_init(inst, inst->tables[pc[1]], pc[2], S(3).u32, S(4).u32, S(5).u32);
    if (trap) goto do_trap;
    pc += 6;
    NEXT();
    OP(ELEM_DROP) inst->dropped[pc[1] >> 3] |= (uint8_t)(1u << (pc[1] & 7));
    pc += 2;
    NEXT();

    /* ---- loads and stores: effective address in 64 bits, so it cannot wrap ---- */
#define LOAD(name, N, expr)                                                                        \
    OP(name)                                                                                       \
    {                                                                                              \
        uint64_t ea = (uint64_t)S(2).u32 + pc[3];                                                  \
        if (UNLIKELY(ea + N > msize)) TRAP(AW_TRAP_MEMORY_OOB);                                    \
        const uint8_t *p = mem + ea;                                                               \
        expr;                                                                                      \
        pc += 4;                                                                                   \
        NEXT();                                                                                    \
    }
    LOAD(I32_LOAD, 4, SET(1, u32, ld32(p)))
    LOAD(I64_LOAD, 8, S(1).u64 = ld64(p))
    LOAD(I32_LOAD8_S, 1, SET(1, i32, (int8_t)p[0]))
    LOAD(I32_LOAD8_U, 1, SET(1, u32, p[0]))
    LOAD(I32_LOAD16_S, 2, SET(1, i32, (int16_t)ld16(p)))
    LOAD(I32_LOAD16_U, 2, SET(1, u32, ld16(p)))
    LOAD(I64_LOAD8_S, 1, S(1).i64 = (int8_t)p[0])
    LOAD(I64_LOAD8_U, 1, S(1).u64 = p[0])
    LOAD(I64_LOAD16_S, 2, S(1).i64 = (int16_t)ld16(p))
    LOAD(I64_LOAD16_U, 2, S(1).u64 = ld16(p))
    LOAD(I64_LOAD32_S, 4, S(1).i64 = (int32_t)ld32(p))
    LOAD(I64_LOAD32_U, 4, S(1).u64 = ld32(p))
#undef LOAD
#define STORE(name, N, expr)                                                                       \
    OP(name)                                                                                       \
    {                                                                                              \
        uint64_t ea = (uint64_t)S(1).u32 + pc[3];                                                  \
        if (UNLIKELY(ea + N > msize)) TRAP(AW_TRAP_MEMORY_OOB);                                    \
        uint8_t *p = mem + ea;                                                                     \
        expr;                                                                                      \
        pc += 4;                                                                                   \
        NEXT();                                                                                    \
    }
    STORE(I32_STORE, 4, st32(p, S(2).u32))
    STORE(I64_STORE, 8, st64(p, S(2).u64))
    STORE(I32_STORE8, 1, p[0] = (uint8_t)S(2).u32)
    STORE(I32_STORE16, 2, st16(p, (uint16_t)S(2).u32))
    STORE(I64_STORE8, 1, p[0] = (uint8_t)S(2).u64)
    STORE(I64_STORE16, 2, st16(p, (uint16_t)S(2).u64))
    STORE(I64_STORE32, 4, st32(p, (uint32_t)S(2).u64))
#undef STORE
    /* fused address arithmetic: [op, dst|a, a|val, imm, offset]; a + imm wraps at 32
     * bits as the i32.add it replaces did */
#define LOADI(name, N, expr)                                                                       \
    OP(name)                                                                                       \
    {                                                                                              \
        uint64_t ea = (uint64_t)(uint32_t)(S(2).u32 + pc[3]) + pc[4];                              \
        if (UNLIKELY(ea + N > msize)) TRAP(AW_TRAP_MEMORY_OOB);                                    \
        const uint8_t *p = mem + ea;                                                               \
        expr;                                                                                      \
        pc += 5;                                                                                   \
        NEXT();                                                                                    \
    }
    LOADI(I32_LOAD_I, 4, SET(1, u32, ld32(p)))
    LOADI(I64_LOAD_I, 8, S(1).u64 = ld64(p))
    LOADI(I32_LOAD8_S_I, 1, SET(1, i32, (int8_t)p[0]))
    LOADI(I32_LOAD8_U_I, 1, SET(1, u32, p[0]))
    LOADI(I32_LOAD16_S_I, 2, SET(1, i32, (int16_t)ld16(p)))
    LOADI(I32_LOAD16_U_I, 2, SET(1, u32, ld16(p)))
#undef LOADI
#define STOREI(name, N, expr)                                                                      \
    OP(name)                                                                                       \
    {                                                                                              \
        uint64_t ea = (uint64_t)(uint32_t)(S(1).u32 + pc[3]) + pc[4];                              \
        if (UNLIKELY(ea + N > msize)) TRAP(AW_TRAP_MEMORY_OOB);                                    \
        uint8_t *p = mem + ea;                                                                     \
        expr;                                                                                      \
        pc += 5;                                                                                   \
        NEXT();                                                                                    \
    }
    STOREI(I32_STORE_I, 4, st32(p, S(2).u32))
    STOREI(I64_STORE_I, 8, st64(p, S(2).u64))
    STOREI(I32_STORE8_I, 1, p[0] = (uint8_t)S(2).u32)
    STOREI(I32_STORE16_I, 2, st16(p, (uint16_t)S(2).u32))
#undef STOREI

    /* ---- arithmetic. UN: [op, dst, a]; BIN: [op, dst, a, b] ---- */
#define UN(name, T, f, R, rf, expr)                                                                \
    OP(name)                                                                                       \
    {                                                                                              \
        T a = S(2).f;                                                                              \
        SET(1, rf, (R)(expr));                                                                     \
        pc += 3;                                                                                   \
        NEXT();                                                                                    \
    }
#define BIN(name, T, f, R, rf, expr)                                                               \
    OP(name)                                                                                       \
    {                                                                                              \
        T a = S(2).f, b = S(3).f;                                                                  \
        SET(1, rf, (R)(expr));                                                                     \
        pc += 4;                                                                                   \
        NEXT();                                                                                    \
    }
    /* ---- fused: BINI [op, dst, a, imm]; BRCMP [op, a, b, target]; BRCMPI [op, a, imm,
     * target]. A taken fused branch checks fuel: its target may be a loop. ---- */
#define BINI(name, T, f, expr)                                                                     \
    OP(name)                                                                                       \
    {                                                                                              \
        T a = S(2).f, b = (T)pc[3];                                                                \
        SET(1, u32, (uint32_t)(expr));                                                             \
        pc += 4;                                                                                   \
        NEXT();                                                                                    \
    }
    BINI(I32_ADD_I, uint32_t, u32, a + b)
    BINI(I32_MUL_I, uint32_t, u32, a * b)
    BINI(I32_AND_I, uint32_t, u32, a & b)
    BINI(I32_OR_I, uint32_t, u32, a | b)
    BINI(I32_XOR_I, uint32_t, u32, a ^ b)
    BINI(I32_SHL_I, uint32_t, u32, a << (b & 31))
    BINI(I32_SHR_S_I, int32_t, i32, a >> (b & 31))
    BINI(I32_SHR_U_I, uint32_t, u32, a >> (b & 31))
    BINI(I32_EQ_I, uint32_t, u32, a == b)
    BINI(I32_NE_I, uint32_t, u32, a != b)
    BINI(I32_LT_S_I, int32_t, i32, a < b)
    BINI(I32_LT_U_I, uint32_t, u32, a < b)
    BINI(I32_GT_S_I, int32_t, i32, a > b)
    BINI(I32_GT_U_I, uint32_t, u32, a > b)
    BINI(I32_LE_S_I, int32_t, i32, a <= b)
    BINI(I32_LE_U_I, uint32_t, u32, a <= b)
    BINI(I32_GE_S_I, int32_t, i32, a >= b)
    BINI(I32_GE_U_I, uint32_t, u32, a >= b)
#undef BINI
#define BRCMP(name, T, f, cmp, bexpr)                                                              \
    OP(name)                                                                                       \
    {                                                                                              \
        T a = S(1).f, b = (bexpr);                                                                 \
        if (a cmp b) {                                                                             \
            FUEL();                                                                                \
            pc = words + pc[3];                                                                    \
        } else {                                                                                   \
            pc += 4;                                                                               \
        }                                                                                          \
        NEXT();                                                                                    \
    }
    BRCMP(BR_I32_EQ, uint32_t, u32, ==, S(2).u32)
    BRCMP(BR_I32_NE, uint32_t, u32, !=, S(2).u32)
    BRCMP(BR_I32_LT_S, int32_t, i32, <, S(2).i32)
    BRCMP(BR_I32_LT_U, uint32_t, u32, <, S(2).u32)
    BRCMP(BR_I32_GT_S, int32_t, i32, >, S(2).i32)
    BRCMP(BR_I32_GT_U, uint32_t, u32, >, S(2).u32)
    BRCMP(BR_I32_LE_S, int32_t, i32, <=, S(2).i32)
    BRCMP(BR_I32_LE_U, uint32_t, u32, <=, S(2).u32)
    BRCMP(BR_I32_GE_S, int32_t, i32, >=, S(2).i32)
    BRCMP(BR_I32_GE_U, uint32_t, u32, >=, S(2).u32)
    BRCMP(BR_I32_EQ_I, uint32_t, u32, ==, pc[2])
    BRCMP(BR_I32_NE_I, uint32_t, u32, !=, pc[2])
    BRCMP(BR_I32_LT_S_I, int32_t, i32, <, (int32_t)pc[2])
    BRCMP(BR_I32_LT_U_I, uint32_t, u32, <, pc[2])
    BRCMP(BR_I32_GT_S_I, int32_t, i32, >, (int32_t)pc[2])
    BRCMP(BR_I32_GT_U_I, uint32_t, u32, >, pc[2])
    BRCMP(BR_I32_LE_S_I, int32_t, i32, <=, (int32_t)pc[2])
    BRCMP(BR_I32_LE_U_I, uint32_t, u32, <=, pc[2])
    BRCMP(BR_I32_GE_S_I, int32_t, i32, >=, (int32_t)pc[2])
    BRCMP(BR_I32_GE_U_I, uint32_t, u32, >=, pc[2])
#undef BRCMP
    /* i64 forms: BINI64 [op, dst, a, lo, hi]; BRCMP64 [op, a, b, target];
     * BRCMP64I [op, a, lo, hi, target] */
#define BINI64(name, T, f, R, rf, expr)                                                            \
    OP(name)                                                                                       \
    {                                                                                              \
        T a = S(2).f, b = (T)((uint64_t)pc[3] | (uint64_t)pc[4] << 32);                            \
        SET(1, rf, (R)(expr));                                                                     \
        pc += 5;                                                                                   \
        NEXT();                                                                                    \
    }
    BINI64(I64_ADD_I, uint64_t, u64, uint64_t, u64, a + b)
    BINI64(I64_MUL_I, uint64_t, u64, uint64_t, u64, a * b)
    BINI64(I64_AND_I, uint64_t, u64, uint64_t, u64, a & b)
    BINI64(I64_OR_I, uint64_t, u64, uint64_t, u64, a | b)
    BINI64(I64_XOR_I, uint64_t, u64, uint64_t, u64, a ^ b)
    BINI64(I64_SHL_I, uint64_t, u64, uint64_t, u64, a << (b & 63))
    BINI64(I64_SHR_S_I, int64_t, i64, int64_t, i64, a >> (b & 63))
    BINI64(I64_SHR_U_I, uint64_t, u64, uint64_t, u64, a >> (b & 63))
    BINI64(I64_EQ_I, uint64_t, u64, uint32_t, u32, a == b)
    BINI64(I64_NE_I, uint64_t, u64, uint32_t, u32, a != b)
#undef BINI64
#define BRCMP64(name, cmp, bexpr, len)                                                             \
    OP(name)                                                                                       \
    {                                                                                              \
        uint64_t a = S(1).u64, b = (bexpr);                                                        \
        if (a cmp b) {                                                                             \
            FUEL();                                                                                \
            pc = words + pc[len - 1];                                                              \
        } else {                                                                                   \
            pc += len;                                                                             \
        }                                                                                          \
        NEXT();                                                                                    \
    }
    BRCMP64(BR_I64_EQ, ==, S(2).u64, 4)
    BRCMP64(BR_I64_NE, !=, S(2).u64, 4)
    BRCMP64(BR_I64_EQ_I, ==, (uint64_t)pc[2] | (uint64_t)pc[3] << 32, 5)
    BRCMP64(BR_I64_NE_I, !=, (uint64_t)pc[2] | (uint64_t)pc[3] << 32, 5)
#undef BRCMP64

    OP(BR_I32_TESTZ)
    if ((S(1).u32 & pc[2]) == 0) {
        FUEL();
        pc = words + pc[3];
    } else {
        pc += 4;
    }
    NEXT();
    OP(BR_I32_TESTNZ)
    if (S(1).u32 & pc[2]) {
        FUEL();
        pc = words + pc[3];
    } else {
        pc += 4;
    }
    NEXT();
    /* two operations in one: [op, dst, a, x, y] */
    OP(I32_SHR_U_AND_I) SET(1, u32, (S(2).u32 >> (pc[3] & 31)) & pc[4]);
    pc += 5;
    NEXT();
    OP(I32_ADD_ADD_I) SET(1, u32, S(2).u32 + S(3).u32 + pc[4]);
    pc += 5;
    NEXT();

    /* ---- pairs (code.h AW_PAIRS): X's work, then straight into Y's handler, whose
     * words follow X's. pc is on Y before Y runs, so a trap or yield in Y leaves it
     * there with X done. The switch build dispatches Y as usual. ---- */
#ifdef AW_GOTO
#define THEN(y) goto L_##y
#else
#define THEN(y) NEXT()
#endif
    /* [X_Y, dst, a, imm, Y...] */
#define PAIR_ADD_I(y)                                                                              \
    OP(I32_ADD_I_##y) SET(1, u32, S(2).u32 + pc[3]);                                               \
    pc += 4;                                                                                       \
    THEN(y);
    PAIR_ADD_I(I32_ADD_I)
    PAIR_ADD_I(I32_LOAD8_U)
    PAIR_ADD_I(I32_AND_I)
    PAIR_ADD_I(I32_STORE)
    PAIR_ADD_I(I32_LOAD8_U_I)
    PAIR_ADD_I(F64_MUL)
#undef PAIR_ADD_I
#define PAIR_AND_I(y)                                                                              \
    OP(I32_AND_I_##y) SET(1, u32, S(2).u32 &pc[3]);                                                \
    pc += 4;                                                                                       \
    THEN(y);
    PAIR_AND_I(BR_I32_EQ_I)
    PAIR_AND_I(BR_I32_EQ)
#undef PAIR_AND_I
    OP(I32_XOR_I_I32_SHR_U_I) SET(1, u32, S(2).u32 ^ pc[3]);
    pc += 4;
    THEN(I32_SHR_U_I);
    OP(I32_SHL_I_I32_ADD) SET(1, u32, S(2).u32 << (pc[3] & 31));
    pc += 4;
    THEN(I32_ADD);
    OP(I32_SHL_I_I32_XOR) SET(1, u32, S(2).u32 << (pc[3] & 31));
    pc += 4;
    THEN(I32_XOR);
    /* [X_Y, dst, a, lo, hi, Y...] */
#define PAIR_BINI64(x, y, expr)                                                                    \
    OP(x##_##y)                                                                                    \
    {                                                                                              \
        uint64_t a = S(2).u64, b = (uint64_t)pc[3] | (uint64_t)pc[4] << 32;                        \
        SET(1, u64, expr);                                                                         \
        pc += 5;                                                                                   \
        THEN(y);                                                                                   \
    }
    PAIR_BINI64(I64_AND_I, I64_EQZ, a & b)
    PAIR_BINI64(I64_SHR_U_I, I64_MUL_I, a >> (b & 63))
    PAIR_BINI64(I64_ADD_I, I64_AND_I, a + b)
#undef PAIR_BINI64
    /* [X_Y, dst, a, Y...] */
    OP(I64_EQZ_SELECT) SET(1, u32, S(2).u64 == 0);
    pc += 3;
    THEN(SELECT);
    /* [X_Y, dst, a, shift, mask, Y...] */
    OP(I32_SHR_U_AND_I_I32_XOR_I) SET(1, u32, (S(2).u32 >> (pc[3] & 31)) & pc[4]);
    pc += 5;
    THEN(I32_XOR_I);
    /* [X_Y, dst, a, b, imm, Y...] */
    OP(I32_ADD_ADD_I_I32_STORE8) SET(1, u32, S(2).u32 + S(3).u32 + pc[4]);
    pc += 5;
    THEN(I32_STORE8);
    /* [X_Y, dst, a, imm, offset, Y...] */
    OP(I32_LOAD8_U_I_I32_XOR)
    {
        uint64_t ea = (uint64_t)(uint32_t)(S(2).u32 + pc[3]) + pc[4];
        if (UNLIKELY(ea + 1 > msize)) TRAP(AW_TRAP_MEMORY_OOB);
        SET(1, u32, mem[ea]);
        pc += 5;
        THEN(I32_XOR);
    }
    /* [X_Y, dst, a, b, cond, Y...] */
    OP(SELECT_I32_SHR_U_AND_I) S(1).u64 = SELECT_BITS();
    pc += 5;
    THEN(I32_SHR_U_AND_I);
    /* [X_Y, dst, a, b, Y...] */
#define PAIR_BIN(x, y, T, f, expr)                                                                 \
    OP(x##_##y)                                                                                    \
    {                                                                                              \
        T a = S(2).f, b = S(3).f;                                                                  \
        SET(1, f, expr);                                                                           \
        pc += 4;                                                                                   \
        THEN(y);                                                                                   \
    }
    PAIR_BIN(I32_ADD, I32_ADD_I, uint32_t, u32, a + b)
    PAIR_BIN(I32_MUL, I32_ADD, uint32_t, u32, a * b)
    PAIR_BIN(I32_XOR, I32_AND_I, uint32_t, u32, a ^ b)
    PAIR_BIN(I32_SUB, I32_SUB, uint32_t, u32, a - b)
    PAIR_BIN(I32_GT_U, SELECT, uint32_t, u32, a > b)
    PAIR_BIN(I32_XOR, I32_ADD_ADD_I, uint32_t, u32, a ^ b)
    PAIR_BIN(F64_MUL, F64_MUL, double, f64, a *b)
    PAIR_BIN(F64_MUL, F64_SUB, double, f64, a *b)
    PAIR_BIN(F64_SUB, I64_STORE, double, f64, a - b)
    PAIR_BIN(F64_ADD, I64_STORE, double, f64, a + b)
    PAIR_BIN(F64_MUL, I64_LOAD, double, f64, a *b)
    PAIR_BIN(F64_MUL, F64_ADD, double, f64, a *b)
    PAIR_BIN(F64_ADD, F64_MUL, double, f64, a + b)
#undef PAIR_BIN
    /* [X_RETURN, dst, a, b, RETURN, dst, 1]: the compiler pairs only a return of X's
     * one result, so the result goes straight to slot 0 and the frame is popped (no
     * store and reload of dst); the switch build runs the RETURN as usual. */
#ifdef AW_GOTO
#define PAIR_BIN_RETURN(x, expr)                                                                   \
    OP(x##_RETURN)                                                                                 \
    {                                                                                              \
        uint32_t a = S(2).u32, b = S(3).u32;                                                       \
        fp[0].u64 = (uint32_t)(expr);                                                              \
        goto return_pop;                                                                           \
    }
#else
#define PAIR_BIN_RETURN(x, expr)                                                                   \
    OP(x##_RETURN)                                                                                 \
    {                                                                                              \
        uint32_t a = S(2).u32, b = S(3).u32;                                                       \
        SET(1, u32, expr);                                                                         \
        pc += 4;                                                                                   \
        NEXT();                                                                                    \
    }
#endif
    PAIR_BIN_RETURN(I32_ADD, a + b)
    PAIR_BIN_RETURN(I32_XOR, a ^ b)
#undef PAIR_BIN_RETURN
    /* [X_Y, dst, src, Y...] and [X_Y, dst, imm32, Y...] */
#define PAIR_COPY(y)                                                                               \
    OP(COPY_##y) S(1) = S(2);                                                                      \
    pc += 3;                                                                                       \
    THEN(y);
    PAIR_COPY(I32_LOAD)
    PAIR_COPY(BR_IF_BACK)
    PAIR_COPY(BR_I32_NE_I)
    PAIR_COPY(CALL)
#undef PAIR_COPY
    OP(CONST32_COPY) SET(1, u32, pc[2]);
    pc += 3;
    THEN(COPY);
    /* [X_Y, dst, addr, offset, Y...] (loads: address in word 2) and [X_Y, addr, val,
     * offset, Y...] (stores: address in word 1) */
#define PAIR_MEM(x, at, N, expr, y)                                                                \
    OP(x##_##y)                                                                                    \
    {                                                                                              \
        uint64_t ea = (uint64_t)S(at).u32 + pc[3];                                                 \
        if (UNLIKELY(ea + N > msize)) TRAP(AW_TRAP_MEMORY_OOB);                                    \
        expr;                                                                                      \
        pc += 4;                                                                                   \
        THEN(y);                                                                                   \
    }
    PAIR_MEM(I32_LOAD, 2, 4, SET(1, u32, ld32(mem + ea)), I32_STORE)
    PAIR_MEM(I32_LOAD, 2, 4, SET(1, u32, ld32(mem + ea)), BR_IF_BACK)
    PAIR_MEM(I32_LOAD, 2, 4, SET(1, u32, ld32(mem + ea)), I32_LOAD8_U)
    PAIR_MEM(I32_LOAD8_U, 2, 1, SET(1, u32, mem[ea]), BR_I32_EQ_I)
    PAIR_MEM(I32_LOAD, 2, 4, SET(1, u32, ld32(mem + ea)), I32_ADD_I)
    PAIR_MEM(I32_LOAD16_U, 2, 2, SET(1, u32, ld16(mem + ea)), I32_LOAD16_U)
    PAIR_MEM(I32_LOAD16_U, 2, 2, SET(1, u32, ld16(mem + ea)), I32_MUL)
    PAIR_MEM(I64_LOAD, 2, 8, SET(1, u64, ld64(mem + ea)), F64_ADD)
    PAIR_MEM(I32_STORE, 1, 4, st32(mem + ea, S(2).u32), COPY)
    PAIR_MEM(I32_STORE8, 1, 1, mem[ea] = (uint8_t)S(2).u32, I32_ADD_I)
    PAIR_MEM(I64_STORE, 1, 8, st64(mem + ea, S(2).u64), I32_ADD_I)
#undef PAIR_MEM
#undef THEN

    UN(I32_EQZ, uint32_t, u32, uint32_t, u32, a == 0)
    BIN(I32_EQ, uint32_t, u32, uint32_t, u32, a == b)
    BIN(I32_NE, uint32_t, u32, uint32_t, u32, a != b)
    BIN(I32_LT_S, int32_t, i32, uint32_t, u32, a < b)
    BIN(I32_LT_U, uint32_t, u32, uint32_t, u32, a < b)
    BIN(I32_GT_S, int32_t, i32, uint32_t, u32, a > b)
    BIN(I32_GT_U, uint32_t, u32, uint32_t, u32, a > b)
    BIN(I32_LE_S, int32_t, i32, uint32_t, u32, a <= b)
    BIN(I32_LE_U, uint32_t, u32, uint32_t, u32, a <= b)
    BIN(I32_GE_S, int32_t, i32, uint32_t, u32, a >= b)
    BIN(I32_GE_U, uint32_t, u32, uint32_t, u32, a >= b)
    UN(I32_CLZ, uint32_t, u32, uint32_t, u32, aw_clz32(a))
    UN(I32_CTZ, uint32_t, u32, uint32_t, u32, aw_ctz32(a))
    UN(I32_POPCNT, uint32_t, u32, uint32_t, u32, aw_popcnt32(a))
    BIN(I32_ADD, uint32_t, u32, uint32_t, u32, a + b)
    BIN(I32_SUB, uint32_t, u32, uint32_t, u32, a - b)
    BIN(I32_MUL, uint32_t, u32, uint32_t, u32, a * b)
    OP(I32_DIV_S)
    {
        int32_t a = S(2).i32, b = S(3).i32;
        if (UNLIKELY(b == 0)) TRAP(AW_TRAP_DIV_ZERO);
        if (UNLIKELY(a == INT32_MIN && b == -1)) TRAP(AW_TRAP_INT_OVERFLOW);
        SET(1, i32, a / b);
        pc += 4;
        NEXT();
    }
    OP(I32_DIV_U)
    {
        uint32_t a = S(2).u32, b = S(3).u32;
        if (UNLIKELY(b == 0)) TRAP(AW_TRAP_DIV_ZERO);
        SET(1, u32, a / b);
        pc += 4;
        NEXT();
    }
    OP(I32_REM_S)
    {
        int32_t a = S(2).i32, b = S(3).i32;
        if (UNLIKELY(b == 0)) TRAP(AW_TRAP_DIV_ZERO);
        SET(1, i32, b == -1 ? 0 : a % b);
        pc += 4;
        NEXT();
    }
    OP(I32_REM_U)
    {
        uint32_t a = S(2).u32, b = S(3).u32;
        if (UNLIKELY(b == 0)) TRAP(AW_TRAP_DIV_ZERO);
        SET(1, u32, a % b);
        pc += 4;
        NEXT();
    }
    BIN(I32_AND, uint32_t, u32, uint32_t, u32, a & b)
    BIN(I32_OR, uint32_t, u32, uint32_t, u32, a | b)
    BIN(I32_XOR, uint32_t, u32, uint32_t, u32, a ^ b)
    BIN(I32_SHL, uint32_t, u32, uint32_t, u32, a << (b & 31))
    BIN(I32_SHR_S, uint32_t, u32, uint32_t, u32, aw_shr_s32(a, b))
    BIN(I32_SHR_U, uint32_t, u32, uint32_t, u32, a >> (b & 31))
    BIN(I32_ROTL, uint32_t, u32, uint32_t, u32, aw_rotl32(a, b))
    BIN(I32_ROTR, uint32_t, u32, uint32_t, u32, aw_rotr32(a, b))

    UN(I64_EQZ, uint64_t, u64, uint32_t, u32, a == 0)
    BIN(I64_EQ, uint64_t, u64, uint32_t, u32, a == b)
    BIN(I64_NE, uint64_t, u64, uint32_t, u32, a != b)
    BIN(I64_LT_S, int64_t, i64, uint32_t, u32, a < b)
    BIN(I64_LT_U, uint64_t, u64, uint32_t, u32, a < b)
    BIN(I64_GT_S, int64_t, i64, uint32_t, u32, a > b)
    BIN(I64_GT_U, uint64_t, u64, uint32_t, u32, a > b)
    BIN(I64_LE_S, int64_t, i64, uint32_t, u32, a <= b)
    BIN(I64_LE_U, uint64_t, u64, uint32_t, u32, a <= b)
    BIN(I64_GE_S, int64_t, i64, uint32_t, u32, a >= b)
    BIN(I64_GE_U, uint64_t, u64, uint32_t, u32, a >= b)
    UN(I64_CLZ, uint64_t, u64, uint64_t, u64, aw_clz64(a))
    UN(I64_CTZ, uint64_t, u64, uint64_t, u64, aw_ctz64(a))
    UN(I64_POPCNT, uint64_t, u64, uint64_t, u64, aw_popcnt64(a))
    BIN(I64_ADD, uint64_t, u64, uint64_t, u64, a + b)
    BIN(I64_SUB, uint64_t, u64, uint64_t, u64, a - b)
    BIN(I64_MUL, uint64_t, u64, uint64_t, u64, a * b)
    OP(I64_DIV_S)
    {
        int64_t a = S(2).i64, b = S(3).i64;
        if (UNLIKELY(b == 0)) TRAP(AW_TRAP_DIV_ZERO);
        if (UNLIKELY(a == INT64_MIN && b == -1)) TRAP(AW_TRAP_INT_OVERFLOW);
        S(1).i64 = a / b;
        pc += 4;
        NEXT();
    }
    OP(I64_DIV_U)
    {
        uint64_t a = S(2).u64, b = S(3).u64;
        if (UNLIKELY(b == 0)) TRAP(AW_TRAP_DIV_ZERO);
        S(1).u64 = a / b;
        pc += 4;
        NEXT();
    }
    OP(I64_REM_S)
    {
        int64_t a = S(2).i64, b = S(3).i64;
        if (UNLIKELY(b == 0)) TRAP(AW_TRAP_DIV_ZERO);
        S(1).i64 = b == -1 ? 0 : a % b;
        pc += 4;
        NEXT();
    }
    OP(I64_REM_U)
    {
        uint64_t a = S(2).u64, b = S(3).u64;
        if (UNLIKELY(b == 0)) TRAP(AW_TRAP_DIV_ZERO);
        S(1).u64 = a % b;
        pc += 4;
        NEXT();
    }
    BIN(I64_AND, uint64_t, u64, uint64_t, u64, a & b)
    BIN(I64_OR, uint64_t, u64, uint64_t, u64, a | b)
    BIN(I64_XOR, uint64_t, u64, uint64_t, u64, a ^ b)
    BIN(I64_SHL, uint64_t, u64, uint64_t, u64, a << (b & 63))
    BIN(I64_SHR_S, uint64_t, u64, uint64_t, u64, aw_shr_s64(a, b))
    BIN(I64_SHR_U, uint64_t, u64, uint64_t, u64, a >> (b & 63))
    BIN(I64_ROTL, uint64_t, u64, uint64_t, u64, aw_rotl64(a, b))
    BIN(I64_ROTR, uint64_t, u64, uint64_t, u64, aw_rotr64(a, b))

    BIN(F32_EQ, float, f32, uint32_t, u32, a == b)
    BIN(F32_NE, float, f32, uint32_t, u32, a != b)
    BIN(F32_LT, float, f32, uint32_t, u32, a < b)
    BIN(F32_GT, float, f32, uint32_t, u32, a > b)
    BIN(F32_LE, float, f32, uint32_t, u32, a <= b)
    BIN(F32_GE, float, f32, uint32_t, u32, a >= b)
    BIN(F64_EQ, double, f64, uint32_t, u32, a == b)
    BIN(F64_NE, double, f64, uint32_t, u32, a != b)
    BIN(F64_LT, double, f64, uint32_t, u32, a < b)
    BIN(F64_GT, double, f64, uint32_t, u32, a > b)
    BIN(F64_LE, double, f64, uint32_t, u32, a <= b)
    BIN(F64_GE, double, f64, uint32_t, u32, a >= b)

    /* sign operations touch only the sign bit, NaN payloads included */
    UN(F32_ABS, uint32_t, u32, uint32_t, u32, a & 0x7fffffffu)
    UN(F32_NEG, uint32_t, u32, uint32_t, u32, a ^ 0x80000000u)
    UN(F32_CEIL, float, f32, float, f32, aw_f32_ceil(a))
    UN(F32_FLOOR, float, f32, float, f32, aw_f32_floor(a))
    UN(F32_TRUNC, float, f32, float, f32, aw_f32_trunc(a))
    UN(F32_NEAREST, float, f32, float, f32, aw_f32_nearest(a))
    UN(F32_SQRT, float, f32, float, f32, aw_f32_sqrt(a))
    BIN(F32_ADD, float, f32, float, f32, a + b)
    BIN(F32_SUB, float, f32, float, f32, a - b)
    BIN(F32_MUL, float, f32, float, f32, a *b)
    BIN(F32_DIV, float, f32, float, f32, a / b)
    BIN(F32_MIN, float, f32, float, f32, aw_f32_min(a, b))
    BIN(F32_MAX, float, f32, float, f32, aw_f32_max(a, b))
    BIN(F32_COPYSIGN, uint32_t, u32, uint32_t, u32, (a & 0x7fffffffu) | (b & 0x80000000u))
    UN(F64_ABS, uint64_t, u64, uint64_t, u64, a & 0x7fffffffffffffffu)
    UN(F64_NEG, uint64_t, u64, uint64_t, u64, a ^ 0x8000000000000000u)
    UN(F64_CEIL, double, f64, double, f64, aw_f64_ceil(a))
    UN(F64_FLOOR, double, f64, double, f64, aw_f64_floor(a))
    UN(F64_TRUNC, double, f64, double, f64, aw_f64_trunc(a))
    UN(F64_NEAREST, double, f64, double, f64, aw_f64_nearest(a))
    UN(F64_SQRT, double, f64, double, f64, aw_f64_sqrt(a))
    BIN(F64_ADD, double, f64, double, f64, a + b)
    BIN(F64_SUB, double, f64, double, f64, a - b)
    BIN(F64_MUL, double, f64, double, f64, a *b)
    BIN(F64_DIV, double, f64, double, f64, a / b)
    BIN(F64_MIN, double, f64, double, f64, aw_f64_min(a, b))
    BIN(F64_MAX, double, f64, double, f64, aw_f64_max(a, b))
    BIN(F64_COPYSIGN, uint64_t, u64, uint64_t, u64,
        (a & 0x7fffffffffffffffu) | (b & 0x8000000000000000u))

    /* ---- conversions ---- */
    UN(I32_WRAP_I64, uint64_t, u64, uint32_t, u32, a)
#define TRUNC(name, T, f, R, rf, fn)                                                               \
    OP(name)                                                                                       \
    {                                                                                              \
        R r;                                                                                       \
        trap = fn((double)S(2).f, &r);                                                             \
        if (UNLIKELY(trap)) goto do_trap;                                                          \
        SET(1, rf, r);                                                                             \
        pc += 3;                                                                                   \
        NEXT();                                                                                    \
    }
    TRUNC(I32_TRUNC_F32_S, float, f32, int32_t, i32, aw_trunc_i32_s)
    TRUNC(I32_TRUNC_F32_U, float, f32, uint32_t, u32, aw_trunc_i32_u)
    TRUNC(I32_TRUNC_F64_S, double, f64, int32_t, i32, aw_trunc_i32_s)
    TRUNC(I32_TRUNC_F64_U, double, f64, uint32_t, u32, aw_trunc_i32_u)
    UN(I64_EXTEND_I32_S, int32_t, i32, int64_t, i64, a)
    UN(I64_EXTEND_I32_U, uint32_t, u32, uint64_t, u64, a)
    TRUNC(I64_TRUNC_F32_S, float, f32, int64_t, i64, aw_trunc_i64_s)
    TRUNC(I64_TRUNC_F32_U, float, f32, uint64_t, u64, aw_trunc_i64_u)
    TRUNC(I64_TRUNC_F64_S, double, f64, int64_t, i64, aw_trunc_i64_s)
    TRUNC(I64_TRUNC_F64_U, double, f64, uint64_t, u64, aw_trunc_i64_u)
#undef TRUNC
    UN(F32_CONVERT_I32_S, int32_t, i32, float, f32, a)
    UN(F32_CONVERT_I32_U, uint32_t, u32, float, f32, a)
    UN(F32_CONVERT_I64_S, int64_t, i64, float, f32, a)
    UN(F32_CONVERT_I64_U, uint64_t, u64, float, f32, a)
    UN(F32_DEMOTE_F64, double, f64, float, f32, a)
    UN(F64_CONVERT_I32_S, int32_t, i32, double, f64, a)
    UN(F64_CONVERT_I32_U, uint32_t, u32, double, f64, a)
    UN(F64_CONVERT_I64_S, int64_t, i64, double, f64, a)
    UN(F64_CONVERT_I64_U, uint64_t, u64, double, f64, a)
    UN(F64_PROMOTE_F32, float, f32, double, f64, a)
    UN(I32_EXTEND8_S, uint32_t, u32, int32_t, i32, (int8_t)(uint8_t)a)
    UN(I32_EXTEND16_S, uint32_t, u32, int32_t, i32, (int16_t)(uint16_t)a)
    UN(I64_EXTEND8_S, uint64_t, u64, int64_t, i64, (int8_t)(uint8_t)a)
    UN(I64_EXTEND16_S, uint64_t, u64, int64_t, i64, (int16_t)(uint16_t)a)
    UN(I64_EXTEND32_S, uint64_t, u64, int64_t, i64, (int32_t)(uint32_t)a)
    UN(I32_TRUNC_SAT_F32_S, float, f32, int32_t, i32, aw_trunc_sat_i32_s(a))
    UN(I32_TRUNC_SAT_F32_U, float, f32, uint32_t, u32, aw_trunc_sat_i32_u(a))
    UN(I32_TRUNC_SAT_F64_S, double, f64, int32_t, i32, aw_trunc_sat_i32_s(a))
    UN(I32_TRUNC_SAT_F64_U, double, f64, uint32_t, u32, aw_trunc_sat_i32_u(a))
    UN(I64_TRUNC_SAT_F32_S, float, f32, int64_t, i64, aw_trunc_sat_i64_s(a))
    UN(I64_TRUNC_SAT_F32_U, float, f32, uint64_t, u64, aw_trunc_sat_i64_u(a))
    UN(I64_TRUNC_SAT_F64_S, double, f64, int64_t, i64, aw_trunc_sat_i64_s(a))
    UN(I64_TRUNC_SAT_F64_U, double, f64, uint64_t, u64, aw_trunc_sat_i64_u(a))
#undef UN
#undef BIN

#if AW_SIMD
    OP(SIMD)
    {
        /* out of line (interp_simd.c): SIMD code pays a call, scalar code nothing */
        const uint32_t *next = aw_simd_exec(pc, fp, inst, mem, msize, &trap);
        if (UNLIKELY(!next)) goto do_trap;
        pc = next;
        NEXT();
    }
#endif

    DISPATCH_END

do_call:
    FUEL();
    if (!callee->inst) {
        /* host function: arguments and results in place, nested calls go above them */
        const aw_hostfunc *h = (const aw_hostfunc *)callee;
        uint32_t np = h->type.nparams, nr = h->type.nresults;
        aw_val *old_top = s->top;
        aw_val *top = nfp + (np > nr ? np : nr);
        uint32_t depth = (uint32_t)(fr - s->frames);
        s->nframes = depth;
        if (UNLIKELY(top > s->stack_end)) {
            /* past the slots allocated: grow (the stack moves) up to cfg.stack_slots */
            size_t f = (size_t)(fp - s->stack), at = (size_t)(nfp - s->stack);
            size_t t = (size_t)(old_top - s->stack), n = (size_t)(top - nfp);
            if (!aw_store_stack_grow(s, at + n, s->nest > 1)) TRAP(AW_TRAP_STACK_EXHAUSTED);
            fp = s->stack + f;
            nfp = s->stack + at;
            top = nfp + n;
            old_top = s->stack + t;
        }
        s->top = top;
        s->trap_msg[0] = 0;
        s->trap = AW_TRAP_NONE;
        st = h->fn(inst, h->user, nfp);
        /* a nested run may have moved the frame stack by growing it */
        fr = s->frames + depth;
        if (UNLIKELY(s->retired != NULL)) {
            /* and maybe the operand stack: then the host wrote its results in the old
             * one, which stays allocated (retired) until the outermost call returns.
             * Slots [old_top, top) come across (the host's among them): nothing else
             * wrote below top since the move (nested runs use the stack above it), and
             * s->top is top in the new stack (the nested call put it back there). */
            const aw_val *stack = aw_store_stack_of(s, old_top);
            if (stack != s->stack) {
                size_t t = (size_t)(old_top - stack);
                memcpy(s->stack + t, old_top, (size_t)(s->top - (s->stack + t)) * sizeof(aw_val));
                fp = s->stack + (fp - stack);
                old_top = s->stack + t;
            }
        }
        s->top = old_top;
        /* a trap of a nested call the host passes on keeps its kind (an interrupt stays
         * an interrupt) unless the host gave its own message */
        if (st != AW_OK) TRAP(s->trap != AW_TRAP_NONE && !s->trap_msg[0] ? s->trap : AW_TRAP_HOST);
        RELOAD_MEM();
        pc = pc_next;
        NEXT();
    }
    ccode = callee->code;
    cinst = callee->inst;
enter:
    /* One test per limit in the common case: the peaks never pass the limits
     * (slot_peak <= stack_end, peak_depth <= the frames allocated), so a frame within
     * the peaks is within the limits, and only a new peak checks the limit itself. */
    frame_end = nfp + ccode->frame_slots;
    if (UNLIKELY(frame_end > s->slot_peak)) {
        if (frame_end > s->stack_end) {
            /* past the slots allocated: grow (the stack moves) up to cfg.stack_slots */
            size_t f = (size_t)(fp - s->stack), at = (size_t)(nfp - s->stack);
            s->nframes = (uint32_t)(fr - s->frames);
            if (!aw_store_stack_grow(s, at + ccode->frame_slots, s->nest > 1))
                TRAP(AW_TRAP_STACK_EXHAUSTED);
            fp = s->stack + f;
            nfp = s->stack + at;
            frame_end = nfp + ccode->frame_slots;
        }
        s->slot_peak = frame_end;
    }
    if (UNLIKELY(fr >= s->frames + s->peak_depth)) {
        uint32_t depth = (uint32_t)(fr - s->frames);
        if (fr >= s->frames_end) {
            if (depth >= s->max_depth || !aw_store_frames_grow(s)) TRAP(AW_TRAP_STACK_EXHAUSTED);
            fr = s->frames + depth;
        }
        s->peak_depth = depth + 1;
    }
    fr->pc = pc_next;
    fr->fp = fp;
    fr->code = code;
    fr->inst = inst;
    fr++;
    /* declared locals start at zero; a loop beats a memset call for the usual few */
    for (aw_val *p = nfp + ccode->nparams, *e = nfp + ccode->nlocals; p < e; p++)
        p->u64 = 0;
    fp = nfp;
    code = ccode;
    pc = words = code->words;
    if (cinst != inst) {
        inst = cinst;
        RELOAD_MEM();
    }
    NEXT();

out_of_fuel:
    if (st == AW_ERR_YIELD) {
        s->nframes = (uint32_t)(fr - s->frames);
        s->susp.active = true;
        s->susp.pc = pc;
        s->susp.fp = fp;
        s->susp.code = code;
        s->susp.inst = inst;
        return AW_ERR_YIELD;
    }
    trap = s->trap;

do_trap:
    s->trap = trap;
    s->nframes = entry;
    return AW_ERR_TRAP;

#undef S
#undef SET
#undef SELECT_BITS
#undef OP
#undef NEXT
#undef FUEL
#undef TRAP
#undef RELOAD_MEM
}

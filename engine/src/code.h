/*
 * code.h - the internal code the compiler emits and the interpreter runs.
 *
 * Why this shape: the interpreter never sees WebAssembly bytes. Every operand is
 * resolved at load time to a *slot* of the current frame, so an instruction reads its
 * inputs and writes its output directly, without push/pop bookkeeping, and branches
 * carry absolute targets.
 *
 * Frame: an array of 8-byte slots (aw_val) starting at `fp`:
 *     [0, nparams)            parameters (the caller's argument slots, in place)
 *     [nparams, nlocals)      declared locals, zeroed at entry
 *     [nlocals, frame_slots)  operand stack: the value at stack height h lives in its
 *                             "home slot", nlocals + the slots of the values below it
 * i32/f32 values occupy the low 4 bytes of a slot through the union members (.i32,
 * .f32); the other 4 bytes are unspecified. i64/f64/refs use the whole slot. A v128
 * (SIMD builds) takes two consecutive slots, low 64 bits first; without v128 a value's
 * home slot is simply nlocals + h. Slot counts here (nparams, nlocals, RETURN's n) are
 * slots, not values.
 *
 * Calls: the caller's arguments sit in consecutive home slots starting at `base`; the
 * callee's frame starts there (fp' = fp + base), so arguments are not copied. The
 * callee returns its results in its slots [0, nresults), i.e. the caller's
 * [base, base + nresults), which are exactly the home slots where wasm expects them.
 *
 * Code: an array of uint32_t words. Word 0 of an instruction is its opcode (an
 * aw_op); operands follow, each one word unless noted. "slot" operands are frame slot
 * indices; "target" operands are absolute word indices into the same code array.
 * 64-bit immediates take two words, low word first.
 *
 * The compiler may alias a stack value to the slot of the local it was read from
 * (local.get emits nothing) as long as it materialises such aliases into their home
 * slots before that local is written, at block/loop/if entry, at block ends, before
 * branches that carry values, calls and returns.
 *
 * Contract between compiler and interpreter: every opcode listed here is emitted only
 * with the operand layout given here, and the interpreter implements every one. Whoever
 * adds an opcode (a fused sequence, say) adds its handler in interp.c in the same
 * change.
 */
#ifndef AW_CODE_H
#define AW_CODE_H

#include <stdint.h>

/* AW_SIMD (0 or 1) comes from the build (engine/CMakeLists.txt, AKIRA_WASM_SIMD): every
 * file using these headers must agree on it. */
#ifndef AW_SIMD
#error "AW_SIMD is not defined: build with the engine's compile definitions"
#endif

/* Operand layout classes for the X-macro list below. */
/*   UN     [op, dst, a]                dst = OP(a)
 *   BIN    [op, dst, a, b]             dst = a OP b
 *   LOAD   [op, dst, addr, offset]     dst = mem[addr + offset] (offset: memarg u32)
 *   STORE  [op, addr, val, offset]     mem[addr + offset] = val
 *   SPECIAL see the comment beside it */
/* The opcode table stays aligned by hand: one line per opcode with its layout. */
/* clang-format off */
#define AW_OPS(X)                                                                          \
    /* --- control --- */                                                                \
    X(UNREACHABLE, SPECIAL)   /* [op]                      trap "unreachable" */         \
    X(BR, SPECIAL)            /* [op, target] */                                         \
    X(BR_BACK, SPECIAL)       /* [op, target]              loop back-edge: fuel/interrupt check */ \
    X(BR_IF, SPECIAL)         /* [op, cond, target]        jump if cond.i32 != 0 */      \
    X(BR_IF_BACK, SPECIAL)    /* [op, cond, target]        as BR_IF, with the back-edge check */ \
    X(BR_UNLESS, SPECIAL)     /* [op, cond, target]        jump if cond.i32 == 0 */      \
    X(BR_TABLE, SPECIAL)      /* [op, idx, n, t0..t(n-1), tdefault]  fuel check; targets may be move stubs */ \
    X(COPY, SPECIAL)          /* [op, dst, src]            64-bit slot copy */           \
    X(CONST32, SPECIAL)       /* [op, dst, imm32] */                                     \
    X(CONST64, SPECIAL)       /* [op, dst, lo, hi] */                                    \
    X(CALL, SPECIAL)          /* [op, funcidx, base]       funcidx: instance function index space */ \
    X(CALL_INDIRECT, SPECIAL) /* [op, typeidx, tableidx, idx, base]  idx: slot of the table index */ \
    X(RETURN, SPECIAL)        /* [op, src, n]              copy n slots src.. to 0.. (ascending), pop frame */ \
    X(SELECT, SPECIAL)        /* [op, dst, a, b, cond]     dst = cond.i32 ? a : b (whole slot) */ \
    X(GLOBAL_GET, SPECIAL)    /* [op, dst, globalidx] */                                 \
    X(GLOBAL_SET, SPECIAL)    /* [op, globalidx, src] */                                 \
    X(REF_NULL, SPECIAL)      /* [op, dst] */                                            \
    X(REF_IS_NULL, SPECIAL)   /* [op, dst, src] */                                       \
    X(REF_FUNC, SPECIAL)      /* [op, dst, funcidx] */                                   \
    /* --- memory (memory index is 0 in Wasm 2.0) --- */                                 \
    X(MEMORY_SIZE, SPECIAL)   /* [op, dst] */                                            \
    X(MEMORY_GROW, SPECIAL)   /* [op, dst, delta]          dst = old pages or -1 */      \
    X(MEMORY_FILL, SPECIAL)   /* [op, d, val, n] */                                      \
    X(MEMORY_COPY, SPECIAL)   /* [op, d, s, n] */                                        \
    X(MEMORY_INIT, SPECIAL)   /* [op, dataidx, d, s, n] */                               \
    X(DATA_DROP, SPECIAL)     /* [op, dataidx] */                                        \
    /* --- tables --- */                                                                 \
    X(TABLE_GET, SPECIAL)     /* [op, dst, tableidx, idx] */                             \
    X(TABLE_SET, SPECIAL)     /* [op, tableidx, idx, val] */                             \
    X(TABLE_SIZE, SPECIAL)    /* [op, dst, tableidx] */                                  \
    X(TABLE_GROW, SPECIAL)    /* [op, dst, tableidx, init, n]  dst = old size or -1 */   \
    X(TABLE_FILL, SPECIAL)    /* [op, tableidx, i, val, n] */                            \
    X(TABLE_COPY, SPECIAL)    /* [op, dsttable, srctable, d, s, n] */                    \
    X(TABLE_INIT, SPECIAL)    /* [op, tableidx, elemidx, d, s, n] */                     \
    X(ELEM_DROP, SPECIAL)     /* [op, elemidx] */                                        \
    /* --- loads and stores (f32/f64 use the i32/i64 forms: same bits) --- */            \
    X(I32_LOAD, LOAD) X(I64_LOAD, LOAD)                                                  \
    X(I32_LOAD8_S, LOAD) X(I32_LOAD8_U, LOAD) X(I32_LOAD16_S, LOAD) X(I32_LOAD16_U, LOAD) \
    X(I64_LOAD8_S, LOAD) X(I64_LOAD8_U, LOAD) X(I64_LOAD16_S, LOAD) X(I64_LOAD16_U, LOAD) \
    X(I64_LOAD32_S, LOAD) X(I64_LOAD32_U, LOAD)                                          \
    X(I32_STORE, STORE) X(I64_STORE, STORE) X(I32_STORE8, STORE) X(I32_STORE16, STORE)   \
    X(I64_STORE8, STORE) X(I64_STORE16, STORE) X(I64_STORE32, STORE)                     \
    /* --- i32 --- */                                                                    \
    X(I32_EQZ, UN) X(I32_EQ, BIN) X(I32_NE, BIN) X(I32_LT_S, BIN) X(I32_LT_U, BIN)      \
    X(I32_GT_S, BIN) X(I32_GT_U, BIN) X(I32_LE_S, BIN) X(I32_LE_U, BIN)                 \
    X(I32_GE_S, BIN) X(I32_GE_U, BIN)                                                    \
    X(I32_CLZ, UN) X(I32_CTZ, UN) X(I32_POPCNT, UN)                                      \
    X(I32_ADD, BIN) X(I32_SUB, BIN) X(I32_MUL, BIN) X(I32_DIV_S, BIN) X(I32_DIV_U, BIN)  \
    X(I32_REM_S, BIN) X(I32_REM_U, BIN) X(I32_AND, BIN) X(I32_OR, BIN) X(I32_XOR, BIN)   \
    X(I32_SHL, BIN) X(I32_SHR_S, BIN) X(I32_SHR_U, BIN) X(I32_ROTL, BIN) X(I32_ROTR, BIN) \
    /* --- i64 (comparisons produce i32) --- */                                          \
    X(I64_EQZ, UN) X(I64_EQ, BIN) X(I64_NE, BIN) X(I64_LT_S, BIN) X(I64_LT_U, BIN)      \
    X(I64_GT_S, BIN) X(I64_GT_U, BIN) X(I64_LE_S, BIN) X(I64_LE_U, BIN)                 \
    X(I64_GE_S, BIN) X(I64_GE_U, BIN)                                                    \
    X(I64_CLZ, UN) X(I64_CTZ, UN) X(I64_POPCNT, UN)                                      \
    X(I64_ADD, BIN) X(I64_SUB, BIN) X(I64_MUL, BIN) X(I64_DIV_S, BIN) X(I64_DIV_U, BIN)  \
    X(I64_REM_S, BIN) X(I64_REM_U, BIN) X(I64_AND, BIN) X(I64_OR, BIN) X(I64_XOR, BIN)   \
    X(I64_SHL, BIN) X(I64_SHR_S, BIN) X(I64_SHR_U, BIN) X(I64_ROTL, BIN) X(I64_ROTR, BIN) \
    /* --- f32 / f64 (comparisons produce i32) --- */                                    \
    X(F32_EQ, BIN) X(F32_NE, BIN) X(F32_LT, BIN) X(F32_GT, BIN) X(F32_LE, BIN) X(F32_GE, BIN) \
    X(F64_EQ, BIN) X(F64_NE, BIN) X(F64_LT, BIN) X(F64_GT, BIN) X(F64_LE, BIN) X(F64_GE, BIN) \
    X(F32_ABS, UN) X(F32_NEG, UN) X(F32_CEIL, UN) X(F32_FLOOR, UN) X(F32_TRUNC, UN)      \
    X(F32_NEAREST, UN) X(F32_SQRT, UN)                                                   \
    X(F32_ADD, BIN) X(F32_SUB, BIN) X(F32_MUL, BIN) X(F32_DIV, BIN) X(F32_MIN, BIN)      \
    X(F32_MAX, BIN) X(F32_COPYSIGN, BIN)                                                 \
    X(F64_ABS, UN) X(F64_NEG, UN) X(F64_CEIL, UN) X(F64_FLOOR, UN) X(F64_TRUNC, UN)      \
    X(F64_NEAREST, UN) X(F64_SQRT, UN)                                                   \
    X(F64_ADD, BIN) X(F64_SUB, BIN) X(F64_MUL, BIN) X(F64_DIV, BIN) X(F64_MIN, BIN)      \
    X(F64_MAX, BIN) X(F64_COPYSIGN, BIN)                                                 \
    /* --- conversions (reinterpret casts emit nothing: the bits already match) --- */   \
    X(I32_WRAP_I64, UN) X(I32_TRUNC_F32_S, UN) X(I32_TRUNC_F32_U, UN)                    \
    X(I32_TRUNC_F64_S, UN) X(I32_TRUNC_F64_U, UN)                                        \
    X(I64_EXTEND_I32_S, UN) X(I64_EXTEND_I32_U, UN) X(I64_TRUNC_F32_S, UN)               \
    X(I64_TRUNC_F32_U, UN) X(I64_TRUNC_F64_S, UN) X(I64_TRUNC_F64_U, UN)                 \
    X(F32_CONVERT_I32_S, UN) X(F32_CONVERT_I32_U, UN) X(F32_CONVERT_I64_S, UN)           \
    X(F32_CONVERT_I64_U, UN) X(F32_DEMOTE_F64, UN)                                       \
    X(F64_CONVERT_I32_S, UN) X(F64_CONVERT_I32_U, UN) X(F64_CONVERT_I64_S, UN)           \
    X(F64_CONVERT_I64_U, UN) X(F64_PROMOTE_F32, UN)                                      \
    X(I32_EXTEND8_S, UN) X(I32_EXTEND16_S, UN)                                           \
    X(I64_EXTEND8_S, UN) X(I64_EXTEND16_S, UN) X(I64_EXTEND32_S, UN)                     \
    X(I32_TRUNC_SAT_F32_S, UN) X(I32_TRUNC_SAT_F32_U, UN)                                \
    X(I32_TRUNC_SAT_F64_S, UN) X(I32_TRUNC_SAT_F64_U, UN)                                \
    X(I64_TRUNC_SAT_F32_S, UN) X(I64_TRUNC_SAT_F32_U, UN)                                \
    X(I64_TRUNC_SAT_F64_S, UN) X(I64_TRUNC_SAT_F64_U, UN)                                \
    /* --- fused sequences the compiler makes from common patterns --- */                \
    /* BINI [op, dst, a, imm32]: dst = a OP imm (i32); from i32.const + binop */         \
    X(I32_ADD_I, BINI) X(I32_MUL_I, BINI) X(I32_AND_I, BINI) X(I32_OR_I, BINI)           \
    X(I32_XOR_I, BINI) X(I32_SHL_I, BINI) X(I32_SHR_S_I, BINI) X(I32_SHR_U_I, BINI)      \
    X(I32_EQ_I, BINI) X(I32_NE_I, BINI) X(I32_LT_S_I, BINI) X(I32_LT_U_I, BINI)          \
    X(I32_GT_S_I, BINI) X(I32_GT_U_I, BINI) X(I32_LE_S_I, BINI) X(I32_LE_U_I, BINI)      \
    X(I32_GE_S_I, BINI) X(I32_GE_U_I, BINI)                                              \
    /* BRCMP [op, a, b, target]: jump if a CMP b (i32); BRCMPI [op, a, imm32, target]. \
     * From an i32 comparison followed by br_if / if. A taken jump counts as a       \
     * back-edge for the budget and interrupt check (the target may be a loop). */     \
    X(BR_I32_EQ, BRCMP) X(BR_I32_NE, BRCMP) X(BR_I32_LT_S, BRCMP) X(BR_I32_LT_U, BRCMP)  \
    X(BR_I32_GT_S, BRCMP) X(BR_I32_GT_U, BRCMP) X(BR_I32_LE_S, BRCMP)                    \
    X(BR_I32_LE_U, BRCMP) X(BR_I32_GE_S, BRCMP) X(BR_I32_GE_U, BRCMP)                    \
    X(BR_I32_EQ_I, BRCMPI) X(BR_I32_NE_I, BRCMPI) X(BR_I32_LT_S_I, BRCMPI)               \
    X(BR_I32_LT_U_I, BRCMPI) X(BR_I32_GT_S_I, BRCMPI) X(BR_I32_GT_U_I, BRCMPI)           \
    X(BR_I32_LE_S_I, BRCMPI) X(BR_I32_LE_U_I, BRCMPI) X(BR_I32_GE_S_I, BRCMPI)           \
    X(BR_I32_GE_U_I, BRCMPI)                                                             \
    /* LOADI [op, dst, a, imm32, offset]: dst = mem[(uint32_t)(a + imm) + offset];      \
     * STOREI [op, a, val, imm32, offset]. From i32.add of a constant feeding the     \
     * address (the sum wraps at 32 bits as in wasm, the offset does not). */          \
    X(I32_LOAD_I, LOADI) X(I64_LOAD_I, LOADI) X(I32_LOAD8_S_I, LOADI)                   \
    X(I32_LOAD8_U_I, LOADI) X(I32_LOAD16_S_I, LOADI) X(I32_LOAD16_U_I, LOADI)           \
    X(I32_STORE_I, STOREI) X(I64_STORE_I, STOREI) X(I32_STORE8_I, STOREI)               \
    X(I32_STORE16_I, STOREI)                                                             \
    /* BINI64 [op, dst, a, lo, hi]: dst = a OP imm64 (i64; compares give an i32);     \
     * BRCMP64 [op, a, b, target]: jump if a CMP b (i64);                              \
     * BRCMP64I [op, a, lo, hi, target]: jump if a CMP imm64 (i64.eqz x: x == 0).     \
     * A taken BRCMP64/BRCMP64I runs the back-edge check, as BRCMP does. */            \
    X(I64_ADD_I, BINI64) X(I64_MUL_I, BINI64) X(I64_AND_I, BINI64) X(I64_OR_I, BINI64)   \
    X(I64_XOR_I, BINI64) X(I64_SHL_I, BINI64) X(I64_SHR_S_I, BINI64)                     \
    X(I64_SHR_U_I, BINI64) X(I64_EQ_I, BINI64) X(I64_NE_I, BINI64)                       \
    X(BR_I64_EQ, BRCMP64) X(BR_I64_NE, BRCMP64)                                          \
    X(BR_I64_EQ_I, BRCMP64I) X(BR_I64_NE_I, BRCMP64I)                                   \
    /* Two operations whose first result only feeds the second (CoreMark's bit       \
     * fields and sums): I32_SHR_U_AND_I [op, dst, a, shift, mask]: dst = (a >> shift) \
     * & mask; I32_ADD_ADD_I [op, dst, a, b, imm]: dst = a + b + imm (mod 2^32). */      \
    X(I32_SHR_U_AND_I, FUSE2) X(I32_ADD_ADD_I, FUSE2)                                   \
    /* BRTEST [op, a, mask, target]: jump if (a & mask) == 0 (TESTZ) or != 0 (TESTNZ);  \
     * from an i32.and of a constant feeding br_if / if, directly or through i32.eqz   \
     * or a compare with 0. A taken jump runs the back-edge check, as BRCMP does. */   \
    X(BR_I32_TESTZ, BRCMPI) X(BR_I32_TESTNZ, BRCMPI)                                     \
    AW_PAIRS(AW_PAIR_OP, X)                                                              \
    AW_OPS_SIMD(X)
/* clang-format on */

/* Pairs: [X_Y, X's operands..., Y's whole instruction]. The compiler's last pass
 * (aw_fuse_pairs) rewrites the opcode word of an X directly followed by a Y into X_Y
 * and leaves every other word as it was, so the code keeps its length and its branch
 * targets. The handler of X_Y does X's work and jumps straight to Y's handler: one
 * indirect dispatch (the jump a CPU mispredicts) where there were two. Y keeps its own
 * opcode: a branch to Y runs Y alone, and a trap or yield in Y leaves pc on Y with X
 * done, exactly as without the pair. A pair X_RETURN is made only when the RETURN
 * returns X's one result (src = X's dst, n = 1): its handler writes the result to
 * slot 0 itself and pops the frame. The list is CoreMark's dynamic pair histogram
 * (a counting build of interp.c, bench/RESULTS.md), most frequent first; each pair
 * replaces a dispatch in a hot loop of compiled C:
 *   I32_ADD_I  I32_ADD_I   two pointer / counter increments in a loop step
 *   I32_ADD    I32_ADD_I   a sum then an increment (matrix loops)
 *   I32_AND_I  BR_I32_EQ_I a masked byte compared with a character (state machine)
 *   COPY       I32_LOAD    p = next; next = p->next (list walks)
 *   I32_STORE  COPY        p->next = q; q = p (list reversal)
 *   CONST32    COPY        a state constant and a value carried to a block end
 *   I32_LOAD   I32_STORE   a load whose value is stored (copies, list links)
 *   COPY       BR_IF_BACK  the loop-carried move before the back-edge
 *   I32_LOAD   BR_IF_BACK  while (p = p->next) (list find)
 *   I32_LOAD   I32_LOAD8_U p->field then a byte through it
 *   I32_MUL    I32_ADD     multiply-accumulate
 *   I32_LOAD8_U BR_I32_EQ_I a byte compared with a character
 *   COPY       BR_I32_NE_I a loop-carried move before a compare-and-branch
 *   I32_XOR    I32_AND_I   CRC steps
 *   I32_ADD_I  I32_LOAD8_U p + 1 then *p (string walks)
 * and then, from the histogram with the pairs above in place (CoreMark's CRC and
 * matrix steps; the calls workload's returns and argument moves; f64 multiply-add):
 *   SELECT I32_SHR_U_AND_I, I32_SHR_U_AND_I I32_XOR_I, I32_XOR_I I32_SHR_U_I,
 *   I32_ADD_I I32_AND_I, I32_ADD_I I32_STORE, I32_LOAD I32_ADD_I,
 *   I32_LOAD16_U I32_LOAD16_U, I32_LOAD16_U I32_MUL, I32_SHL_I I32_ADD,
 *   I32_AND_I BR_I32_EQ, I32_ADD RETURN, COPY CALL, I32_XOR RETURN,
 *   F64_MUL F64_ADD, F64_ADD F64_MUL, and a - b, b - a, a > b, select (|a - b|) as
 *   I32_SUB I32_SUB, I32_GT_U SELECT; and the memops workload's byte loop
 *   b[i] = (a[i] ^ k) + i, unrolled: I32_ADD_I I32_LOAD8_U_I, I32_LOAD8_U_I I32_XOR,
 *   I32_XOR I32_ADD_ADD_I, I32_ADD_ADD_I I32_STORE8, I32_STORE8 I32_ADD_I; the
 *   nbody workload's f64 loads, products, differences and stores; the loops workload's
 *   Collatz step (i64 and/eqz/select, shift-multiply-add) and xorshift. */
/* clang-format off */
#define AW_PAIRS(P, X)                                                                     \
    P(X, I32_ADD_I, I32_ADD_I) P(X, I32_ADD, I32_ADD_I) P(X, I32_AND_I, BR_I32_EQ_I)      \
    P(X, COPY, I32_LOAD) P(X, I32_STORE, COPY) P(X, CONST32, COPY)                       \
    P(X, I32_LOAD, I32_STORE) P(X, COPY, BR_IF_BACK) P(X, I32_LOAD, BR_IF_BACK)          \
    P(X, I32_LOAD, I32_LOAD8_U) P(X, I32_MUL, I32_ADD) P(X, I32_LOAD8_U, BR_I32_EQ_I)    \
    P(X, COPY, BR_I32_NE_I) P(X, I32_XOR, I32_AND_I) P(X, I32_ADD_I, I32_LOAD8_U)        \
    P(X, SELECT, I32_SHR_U_AND_I) P(X, I32_SHR_U_AND_I, I32_XOR_I)                       \
    P(X, I32_XOR_I, I32_SHR_U_I) P(X, I32_ADD_I, I32_AND_I) P(X, I32_ADD_I, I32_STORE)   \
    P(X, I32_LOAD, I32_ADD_I) P(X, I32_LOAD16_U, I32_LOAD16_U) P(X, I32_LOAD16_U, I32_MUL) \
    P(X, I32_SHL_I, I32_ADD) P(X, I32_AND_I, BR_I32_EQ) P(X, I32_ADD, RETURN)           \
    P(X, COPY, CALL) P(X, I32_XOR, RETURN) P(X, F64_MUL, F64_ADD) P(X, F64_ADD, F64_MUL) \
    P(X, I32_SUB, I32_SUB) P(X, I32_GT_U, SELECT) P(X, I32_ADD_I, I32_LOAD8_U_I)           \
    P(X, I32_LOAD8_U_I, I32_XOR) P(X, I32_XOR, I32_ADD_ADD_I) P(X, I32_ADD_ADD_I, I32_STORE8) \
    P(X, I32_STORE8, I32_ADD_I) P(X, F64_MUL, F64_MUL) P(X, F64_MUL, F64_SUB)               \
    P(X, F64_SUB, I64_STORE) P(X, F64_ADD, I64_STORE) P(X, I64_LOAD, F64_ADD)             \
    P(X, I32_ADD_I, F64_MUL) P(X, F64_MUL, I64_LOAD) P(X, I64_STORE, I32_ADD_I)           \
    P(X, I64_AND_I, I64_EQZ) P(X, I64_EQZ, SELECT) P(X, I64_SHR_U_I, I64_MUL_I)            \
    P(X, I64_ADD_I, I64_AND_I) P(X, I32_SHL_I, I32_XOR)
/* clang-format on */
#define AW_PAIR_OP(X, a, b) X(a##_##b, PAIR)

/* SIMD (AW_SIMD builds only): one opcode for every v128 instruction, run by
 * aw_simd_exec() (interp_simd.c) so the scalar dispatch table stays as it was.
 *   [SIMD, dst, sub, operands...]
 * `sub` is the instruction's 0xfd opcode, or one of AW_SIMD_* below for the moves the
 * compiler needs; dst is word 1 like every other instruction with a result (so a
 * following local.set can retarget it), 0 for those without one. Operands by `sub`:
 *   loads (incl. splat/zero/extend)  addr, offset     lane loads   addr, vec, offset, lane
 *   v128.store                       addr, vec, offset   lane stores  addr, vec, offset, lane
 *   v128.const                       4 words (the 16 bytes, little-endian)
 *   i8x16.shuffle                    a, b, 4 words of lane indices
 *   extract_lane                     a, lane           replace_lane  a, x, lane
 *   unary, splat, tests              a                 binary, shifts  a, b
 *   bitselect                        a, b, mask
 * A v128 takes two consecutive slots (low 64 bits first); an instruction reads all its
 * operands before it writes dst, which may overlap them. */
#if AW_SIMD
#define AW_OPS_SIMD(X) X(SIMD, SPECIAL)
enum {
    AW_SIMD_COPY = 0x100,       /* [SIMD, dst, COPY, src] */
    AW_SIMD_SELECT = 0x101,     /* [SIMD, dst, SELECT, a, b, cond] */
    AW_SIMD_GLOBAL_GET = 0x102, /* [SIMD, dst, GLOBAL_GET, globalidx] */
    AW_SIMD_GLOBAL_SET = 0x103, /* [SIMD, 0, GLOBAL_SET, globalidx, src] */
};
#else
#define AW_OPS_SIMD(X)
#endif

typedef enum aw_op {
#define AW_OP_ENUM(name, cls) AW_OP_##name,
    AW_OPS(AW_OP_ENUM)
#undef AW_OP_ENUM
        AW_OP_COUNT
} aw_op;

/* A compiled function body. */
typedef struct aw_code {
    uint32_t *words; /* the instructions */
    uint32_t nwords;
    uint32_t nparams;     /* parameter slots */
    uint32_t nlocals;     /* parameter + declared local slots */
    uint32_t frame_slots; /* nlocals + maximum operand stack height */
} aw_code;

#endif /* AW_CODE_H */

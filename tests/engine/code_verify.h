/*
 * code_verify.h - structural check of compiled code for the loader's tests.
 *
 * The interpreter trusts the compiler: slot operands index the frame unchecked and
 * branch targets are jumped to directly. This walks a compiled function and checks
 * that every slot operand is below frame_slots, every call frame fits in it, every
 * branch target is the start of an instruction, and the code ends on an instruction
 * boundary. Returns NULL when the code is sound, else a description in `buf`.
 */
#ifndef AKIRA_TEST_CODE_VERIFY_H
#define AKIRA_TEST_CODE_VERIFY_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

/* Word layout of an instruction: its length and which words are slots / targets
 * (bit k set: word k). */
typedef struct cv_shape {
    uint32_t len, slots, targets;
} cv_shape;

#if AW_SIMD
/* SIMD instructions, from the layout of each class in code.h (bit 1 is dst). `wide`:
 * the slot operands holding a v128, which take two slots from there. */
typedef struct cv_simd {
    char cls;
    uint32_t len, slots, wide;
} cv_simd;

static inline cv_simd cv_simd_of(const uint32_t *w)
{
    static const cv_simd shapes[] = {
        {'c', 4, 0xa, 0xa},  {'e', 6, 0x3a, 0x1a}, {'g', 4, 2, 2},       {'h', 5, 0x10, 0x10},
        {'L', 5, 0xa, 2},    {'S', 6, 0x18, 0x10}, {'l', 7, 0x1a, 0x12}, {'s', 7, 0x18, 0x10},
        {'C', 7, 2, 2},      {'H', 9, 0x1a, 0x1a}, {'P', 4, 0xa, 2},     {'E', 5, 0xa, 8},
        {'R', 6, 0x1a, 0xa}, {'U', 4, 0xa, 0xa},   {'Q', 4, 0xa, 8},     {'B', 5, 0x1a, 0x1a},
        {'X', 5, 0x1a, 0xa}, {'T', 6, 0x3a, 0x3a}};
    /* the compiler's moves: copy, select, global get / set */
    char cls = w[2] == AW_SIMD_COPY         ? 'c'
               : w[2] == AW_SIMD_SELECT     ? 'e'
               : w[2] == AW_SIMD_GLOBAL_GET ? 'g'
               : w[2] == AW_SIMD_GLOBAL_SET ? 'h'
                                            : aw_simd_class(w[2]);
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (shapes[i].cls == cls) return shapes[i];
    return (cv_simd){'.', 0, 0, 0};
}
#endif

/* A pair X_Y (code.h AW_PAIRS): true with its X and Y. */
static inline bool cv_pair(uint32_t op, uint32_t *x, uint32_t *y)
{
    static const uint16_t pairs[][3] = {
#define CV_PAIR(X, a, b) {AW_OP_##a##_##b, AW_OP_##a, AW_OP_##b},
        AW_PAIRS(CV_PAIR, _)
#undef CV_PAIR
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (pairs[i][0] == op) {
            *x = pairs[i][1];
            *y = pairs[i][2];
            return true;
        }
    }
    return false;
}

/* A pair has X's shape; Y follows as an instruction of its own. */
static inline cv_shape cv_shape_of(const uint32_t *w)
{
    uint32_t px, py;
    if (cv_pair(w[0], &px, &py)) {
        const uint32_t x[3] = {px, w[1], w[2]};
        return cv_shape_of(x);
    }
    switch (w[0]) {
#if AW_SIMD
    case AW_OP_SIMD: {
        cv_simd k = cv_simd_of(w);
        return (cv_shape){k.len, k.slots, 0};
    }
#endif
    case AW_OP_UNREACHABLE: return (cv_shape){1, 0, 0};
    case AW_OP_BR:
    case AW_OP_BR_BACK: return (cv_shape){2, 0, 1u << 1};
    case AW_OP_BR_IF:
    case AW_OP_BR_IF_BACK:
    case AW_OP_BR_UNLESS: return (cv_shape){3, 1u << 1, 1u << 2};
    case AW_OP_BR_TABLE: return (cv_shape){4 + w[2], 1u << 1, 0}; /* targets: see below */
    case AW_OP_COPY: return (cv_shape){3, 6, 0};
    case AW_OP_CONST32: return (cv_shape){3, 2, 0};
    case AW_OP_CONST64: return (cv_shape){4, 2, 0};
    case AW_OP_CALL: return (cv_shape){3, 0, 0};
    case AW_OP_CALL_INDIRECT: return (cv_shape){5, 1u << 3, 0};
    case AW_OP_RETURN: return (cv_shape){3, 0, 0};
    case AW_OP_SELECT: return (cv_shape){5, 0x1e, 0};
    case AW_OP_GLOBAL_GET: return (cv_shape){3, 2, 0};
    case AW_OP_GLOBAL_SET: return (cv_shape){3, 4, 0};
    case AW_OP_REF_NULL:
    case AW_OP_MEMORY_SIZE: return (cv_shape){2, 2, 0};
    case AW_OP_REF_IS_NULL:
    case AW_OP_MEMORY_GROW: return (cv_shape){3, 6, 0};
    case AW_OP_REF_FUNC: return (cv_shape){3, 2, 0};
    case AW_OP_MEMORY_FILL:
    case AW_OP_MEMORY_COPY: return (cv_shape){4, 0xe, 0};
    case AW_OP_MEMORY_INIT: return (cv_shape){5, 0x1c, 0};
    case AW_OP_DATA_DROP:
    case AW_OP_ELEM_DROP: return (cv_shape){2, 0, 0};
    case AW_OP_TABLE_GET: return (cv_shape){4, 0xa, 0};
    case AW_OP_TABLE_SET: return (cv_shape){4, 0xc, 0};
    case AW_OP_TABLE_SIZE: return (cv_shape){3, 2, 0};
    case AW_OP_TABLE_GROW: return (cv_shape){5, 0x1a, 0};
    case AW_OP_TABLE_FILL: return (cv_shape){5, 0x1c, 0};
    case AW_OP_TABLE_COPY:
    case AW_OP_TABLE_INIT: return (cv_shape){6, 0x38, 0};
    case AW_OP_BR_I64_EQ:
    case AW_OP_BR_I64_NE: return (cv_shape){4, 6, 1u << 3};
    case AW_OP_BR_I64_EQ_I:
    case AW_OP_BR_I64_NE_I: return (cv_shape){5, 2, 1u << 4};
    case AW_OP_I32_SHR_U_AND_I: return (cv_shape){5, 6, 0};
    case AW_OP_I32_ADD_ADD_I: return (cv_shape){5, 0xe, 0};
    case AW_OP_BR_I32_TESTZ:
    case AW_OP_BR_I32_TESTNZ: return (cv_shape){4, 2, 1u << 3};
    }
    uint32_t op = w[0];
    if (op >= AW_OP_I32_LOAD && op <= AW_OP_I64_STORE32) return (cv_shape){4, 6, 0};
    if (op >= AW_OP_I32_ADD_I && op <= AW_OP_I32_GE_U_I) return (cv_shape){4, 6, 0};
    if (op >= AW_OP_BR_I32_EQ && op <= AW_OP_BR_I32_GE_U) return (cv_shape){4, 6, 1u << 3};
    if (op >= AW_OP_BR_I32_EQ_I && op <= AW_OP_BR_I32_GE_U_I) return (cv_shape){4, 2, 1u << 3};
    if (op >= AW_OP_I32_LOAD_I && op <= AW_OP_I32_STORE16_I) return (cv_shape){5, 6, 0};
    if (op >= AW_OP_I64_ADD_I && op <= AW_OP_I64_NE_I) return (cv_shape){5, 6, 0};
    /* the numeric UN / BIN classes */
    static const uint8_t cls[] = {
#define CV_CLASS(name, c)                                                                          \
    [AW_OP_##name] = sizeof(#c) == sizeof("UN") ? 1 : sizeof(#c) == sizeof("BIN") ? 2 : 0,
        AW_OPS(CV_CLASS)
#undef CV_CLASS
    };
    if (op < AW_OP_COUNT && cls[op] == 1) return (cv_shape){3, 6, 0};
    if (op < AW_OP_COUNT && cls[op] == 2) return (cv_shape){4, 0xe, 0};
    return (cv_shape){0, 0, 0};
}

static inline const char *cv_verify(const aw_module *m, uint32_t defined, char *buf, size_t bn)
{
    const aw_code *c = &m->funcs[defined].code;
    const aw_functype *self = &m->types[m->funcs[defined].type];
    const uint32_t *w = c->words;
    uint32_t n = c->nwords, fs = c->frame_slots;
    uint8_t *start = calloc(n + 1, 1);
#define CV_BAD(...)                                                                                \
    do {                                                                                           \
        snprintf(buf, bn, __VA_ARGS__);                                                            \
        free(start);                                                                               \
        return buf;                                                                                \
    } while (0)
    if (c->nparams != self->pslots || c->nlocals < c->nparams || fs < c->nlocals)
        CV_BAD("bad frame counts");
    for (uint32_t pc = 0; pc < n;) {
        start[pc] = 1;
        if (w[pc] >= AW_OP_COUNT) CV_BAD("opcode %u at %u", w[pc], pc);
        cv_shape s = cv_shape_of(w + pc);
        if (!s.len || pc + s.len > n) CV_BAD("length of op %u at %u", w[pc], pc);
        uint32_t px, py;
        if (cv_pair(w[pc], &px, &py) && (pc + s.len >= n || w[pc + s.len] != py))
            CV_BAD("pair %u at %u not followed by op %u", w[pc], pc, py);
        if (cv_pair(w[pc], &px, &py) && py == AW_OP_RETURN &&
            (w[pc + s.len + 1] != w[pc + 1] || w[pc + s.len + 2] != 1))
            CV_BAD("pair %u at %u returns another value than its own", w[pc], pc);
        uint32_t wide = 0;
#if AW_SIMD
        if (w[pc] == AW_OP_SIMD) wide = cv_simd_of(w + pc).wide;
#endif
        for (uint32_t k = 1; k < s.len; k++)
            if (k < 32 && (s.slots >> k & 1) &&
                (uint64_t)w[pc + k] + (wide >> k & 1) >= fs) /* br_table: longer */
                CV_BAD("slot %u >= frame %u at %u (op %u)", w[pc + k], fs, pc, w[pc]);
        if (w[pc] == AW_OP_CALL || w[pc] == AW_OP_CALL_INDIRECT) {
            bool ind = w[pc] == AW_OP_CALL_INDIRECT;
            uint32_t t = ind ? w[pc + 1] : m->func_types[w[pc + 1]], base = w[pc + (ind ? 4 : 2)];
            const aw_functype *ft = &m->types[t];
            uint32_t need = ft->pslots > ft->rslots ? ft->pslots : ft->rslots;
            if ((uint64_t)base + need > fs || base < c->nlocals) CV_BAD("call frame at %u", pc);
        }
        if (w[pc] == AW_OP_RETURN) {
            if (w[pc + 2] != self->rslots) CV_BAD("return count at %u", pc);
            if (w[pc + 2] && (uint64_t)w[pc + 1] + w[pc + 2] > fs) CV_BAD("return range at %u", pc);
        }
        pc += s.len;
    }
    /* execution never runs off the end: the last instruction leaves the function */
    uint32_t last = 0;
    for (uint32_t pc = 0; pc < n; pc += cv_shape_of(w + pc).len)
        last = pc;
    if (n == 0 || (w[last] != AW_OP_RETURN && w[last] != AW_OP_BR && w[last] != AW_OP_BR_BACK &&
                   w[last] != AW_OP_BR_TABLE && w[last] != AW_OP_UNREACHABLE))
        CV_BAD("code falls off its end");
    for (uint32_t pc = 0; pc < n;) {
        cv_shape s = cv_shape_of(w + pc);
        for (uint32_t k = 1; k < s.len; k++) {
            bool target = (k < 32 && (s.targets >> k & 1)) || (w[pc] == AW_OP_BR_TABLE && k >= 3);
            if (target && (w[pc + k] >= n || !start[w[pc + k]]))
                CV_BAD("target %u at %u (op %u)", w[pc + k], pc, w[pc]);
        }
        pc += s.len;
    }
    free(start);
    return NULL;
#undef CV_BAD
}

#endif

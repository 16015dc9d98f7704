/*
 * compile_simd.c - validation and compilation of the 0xfd prefix (fixed-width SIMD,
 * AW_SIMD builds only): each instruction's operand and result types come from its
 * class in the table below, and it is emitted as one code.h SIMD instruction whose
 * `sub` is its own opcode (interp_simd.c runs it).
 */
#include "compile.h"

#if AW_SIMD

/* Class of every 0xfd opcode, one character each ('.' = no such instruction):
 *   L load [i32]->[v128]          S v128.store [i32 v128]->[]     C v128.const
 *   H i8x16.shuffle               P splat [scalar]->[v128]        E extract_lane
 *   R replace_lane                l load_lane [i32 v128]->[v128]  s store_lane
 *   U [v128]->[v128]              B [v128 v128]->[v128]           T [v128 v128 v128]->[v128]
 *   Q [v128]->[i32] (any_true, all_true, bitmask)                 X shift [v128 i32]->[v128] */
static const char classes[257] = "LLLLLLLLLLLSCHBPPPPPPEEREERERERE" /* 00 */
                                 "RERBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" /* 20 */
                                 "BBBBBBBBBBBBBUBBBBTQllllssssLLUU" /* 40 */
                                 "UUUQQBBUUUUXXXBBBBBBUUBBBBUBUUUU" /* 60 */
                                 "UUBQQBBUUUUXXXBBBBBBUBBBBB.BBBBB" /* 80 */
                                 "UU.QQ..UUUUXXXB..B...BBBBBB.BBBB" /* a0 */
                                 "UU.QQ..UUUUXXXB..B...BBBBBBBBBBB" /* c0 */
                                 "UU.UBBBBBBBBUU.UBBBBBBBBUUUUUUUU" /* e0 */;

bool aw_simd_opcode_exists(uint32_t sub)
{
    return sub < 256 && classes[sub] != '.';
}

char aw_simd_class(uint32_t sub)
{
    return sub < 256 ? classes[sub] : '.';
}

/* Natural alignment (log2 of the bytes accessed) of a load or store. */
static uint32_t natural_align(uint32_t sub)
{
    switch (sub) {
    case 0x00:
    case 0x0b: return 4;
    case 0x07:
    case 0x54:
    case 0x58: return 0;
    case 0x08:
    case 0x55:
    case 0x59: return 1;
    case 0x09:
    case 0x56:
    case 0x5a:
    case 0x5c: return 2;
    default: return 3; /* 0x01-0x06 (8 bytes), 0x0a, 0x57, 0x5b, 0x5d */
    }
}

/* The scalar type and lane count of a splat (0x0f-0x14) or lane access (0x15-0x22). */
static uint8_t lane_type(uint32_t sub, uint32_t *lanes)
{
    static const uint8_t splat[6] = {AW_I32, AW_I32, AW_I32, AW_I64, AW_F32, AW_F64};
    static const uint8_t nlanes[6] = {16, 8, 4, 2, 4, 2};
    uint32_t k;
    if (sub <= 0x14)
        k = sub - 0x0f;
    else if (sub <= 0x1a)
        k = (sub - 0x15) / 3; /* i8x16: 15 16 17, i16x8: 18 19 1a */
    else
        k = 2 + (sub - 0x1b) / 2; /* i32x4 1b 1c, i64x2 1d 1e, f32x4 1f 20, f64x2 21 22 */
    *lanes = nlanes[k];
    return splat[k];
}

static uint32_t lane_index(aw_compiler *c, uint32_t lanes)
{
    uint32_t l = aw_rd_u8(c->L);
    if (l >= lanes) aw_load_fail(c->L, AW_ERR_INVALID, "invalid lane index");
    return l;
}

static void emit_result(aw_compiler *c, uint8_t type, uint32_t n, const uint32_t *ops)
{
    aw_emit_dst(c, AW_OP_SIMD, aw_cpush(c, type), n, ops);
}

void aw_compile_simd(aw_compiler *c)
{
    aw_load *L = c->L;
    uint32_t sub = aw_rd_u32(L);
    if (!aw_simd_opcode_exists(sub)) aw_load_fail(L, AW_ERR_MALFORMED, "illegal opcode");
    uint32_t ops[7] = {sub};
    switch (classes[sub]) {
    case 'L': {
        uint32_t off = aw_cmemarg(c, natural_align(sub));
        ops[1] = aw_cpop(c, AW_I32).slot;
        ops[2] = off;
        emit_result(c, AW_V128, 3, ops);
        return;
    }
    case 'S': {
        uint32_t off = aw_cmemarg(c, natural_align(sub));
        uint32_t v = aw_cpop(c, AW_V128).slot;
        uint32_t w[6] = {AW_OP_SIMD, 0, sub, aw_cpop(c, AW_I32).slot, v, off};
        aw_emitn(c, 6, w);
        return;
    }
    case 'l':
    case 's': {
        uint32_t off = aw_cmemarg(c, natural_align(sub));
        uint32_t lane = lane_index(c, 16u >> natural_align(sub));
        uint32_t v = aw_cpop(c, AW_V128).slot;
        uint32_t w[7] = {AW_OP_SIMD, 0, sub, aw_cpop(c, AW_I32).slot, v, off, lane};
        if (classes[sub] == 's') {
            aw_emitn(c, 7, w);
            return;
        }
        emit_result(c, AW_V128, 5, w + 2);
        return;
    }
    case 'C':
    case 'H': {
        uint32_t bytes[4];
        aw_rd_bytes(L, bytes, 16);
        uint32_t n = 1;
        if (classes[sub] == 'H') {
            const uint8_t *lanes = (const uint8_t *)bytes;
            for (int i = 0; i < 16; i++)
                if (lanes[i] >= 32) aw_load_fail(L, AW_ERR_INVALID, "invalid lane index");
            uint32_t b = aw_cpop(c, AW_V128).slot;
            ops[1] = aw_cpop(c, AW_V128).slot;
            ops[2] = b;
            n = 3;
        }
        /* the lane bytes as they are in the module: little-endian words */
        for (int i = 0; i < 4; i++) {
            const uint8_t *p = (const uint8_t *)&bytes[i];
            ops[n + i] =
                (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        }
        emit_result(c, AW_V128, n + 4, ops);
        return;
    }
    case 'P': {
        uint32_t lanes;
        ops[1] = aw_cpop(c, lane_type(sub, &lanes)).slot;
        emit_result(c, AW_V128, 2, ops);
        return;
    }
    case 'E':
    case 'R': { /* extract: [a, lane] -> scalar; replace: [a, x, lane] -> v128 */
        uint32_t lanes;
        uint8_t t = lane_type(sub, &lanes);
        bool replace = classes[sub] == 'R';
        ops[replace ? 3 : 2] = lane_index(c, lanes);
        if (replace) ops[2] = aw_cpop(c, t).slot;
        ops[1] = aw_cpop(c, AW_V128).slot;
        emit_result(c, replace ? AW_V128 : t, replace ? 4 : 3, ops);
        return;
    }
    case 'U':
    case 'Q':
        ops[1] = aw_cpop(c, AW_V128).slot;
        emit_result(c, classes[sub] == 'Q' ? AW_I32 : AW_V128, 2, ops);
        return;
    case 'B':
    case 'X':
        ops[2] = aw_cpop(c, classes[sub] == 'X' ? AW_I32 : AW_V128).slot;
        ops[1] = aw_cpop(c, AW_V128).slot;
        emit_result(c, AW_V128, 3, ops);
        return;
    default: /* 'T' */
        ops[3] = aw_cpop(c, AW_V128).slot;
        ops[2] = aw_cpop(c, AW_V128).slot;
        ops[1] = aw_cpop(c, AW_V128).slot;
        emit_result(c, AW_V128, 4, ops);
        return;
    }
}

#endif /* AW_SIMD */

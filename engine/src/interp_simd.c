/*
 * interp_simd.c - the SIMD instructions of code.h (AW_SIMD builds only), called by the
 * interpreter's one SIMD handler so the scalar dispatch is untouched.
 *
 * Plain C over lane arrays: every operation reads its operands into local copies,
 * computes the result lane by lane (compilers vectorise these loops where the target
 * has vector units) and only then writes the destination, which may overlap an
 * operand. Lane i of a v128 is at bytes [i * size, (i + 1) * size) of its slots, as in
 * linear memory, so loads and stores are plain copies on a little-endian host.
 */
#include <string.h>

#include "numeric.h"
#include "runtime.h"

#if AW_SIMD

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "the SIMD instructions assume a little-endian host (lanes in memory order)"
#endif

typedef union v128 {
    uint8_t u8[16];
    int8_t i8[16];
    uint16_t u16[8];
    int16_t i16[8];
    uint32_t u32[4];
    int32_t i32[4];
    uint64_t u64[2];
    int64_t i64[2];
    float f32[4];
    double f64[2];
} v128;

static inline v128 get(const aw_val *fp, uint32_t slot)
{
    v128 v;
    memcpy(&v, fp + slot, sizeof v);
    return v;
}

static inline int8_t sat_s8(int32_t x)
{
    return (int8_t)(x < INT8_MIN ? INT8_MIN : x > INT8_MAX ? INT8_MAX : x);
}
static inline uint8_t sat_u8(int32_t x)
{
    return (uint8_t)(x < 0 ? 0 : x > UINT8_MAX ? UINT8_MAX : x);
}
static inline int16_t sat_s16(int32_t x)
{
    return (int16_t)(x < INT16_MIN ? INT16_MIN : x > INT16_MAX ? INT16_MAX : x);
}
static inline uint16_t sat_u16(int32_t x)
{
    return (uint16_t)(x < 0 ? 0 : x > UINT16_MAX ? UINT16_MAX : x);
}
/* Arithmetic right shift of a narrow signed lane (k below its width). */
static inline uint32_t sar(int32_t x, uint32_t k)
{
    return aw_shr_s32((uint32_t)x, k);
}

/* Lane loops: r.R[i] = expr over a.A[i], b.A[i] (i the lane). */
#define LANES(N, stmt)                                                                             \
    for (int i = 0; i < (N); i++) {                                                                \
        stmt;                                                                                      \
    }
#define MASK(R, N, cond) LANES(N, r.R[i] = (cond) ? (__typeof__(r.R[0]))-1 : 0)

/* Bytes accessed by the memory instructions, by opcode. */
static uint32_t access_size(uint32_t sub)
{
    switch (sub) {
    case 0x00:
    case 0x0b: return 16;
    case 0x07:
    case 0x54:
    case 0x58: return 1;
    case 0x08:
    case 0x55:
    case 0x59: return 2;
    case 0x09:
    case 0x56:
    case 0x5a:
    case 0x5c: return 4;
    default: return 8;
    }
}

/* Loads and stores: returns the next pc, or NULL with *trap set. */
static const uint32_t *memory_op(const uint32_t *pc, aw_val *fp, uint8_t *mem, uint64_t msize,
                                 aw_trap *trap)
{
    uint32_t sub = pc[2], n = access_size(sub);
    bool lane_op = sub >= 0x54 && sub <= 0x5b;
    bool store = sub == 0x0b || (sub >= 0x58 && sub <= 0x5b);
    uint32_t off = lane_op || store ? pc[5] : pc[4];
    uint64_t ea = (uint64_t)fp[pc[3]].u32 + off;
    if (ea + n > msize) {
        *trap = AW_TRAP_MEMORY_OOB;
        return NULL;
    }
    uint8_t *p = mem + ea;
    v128 r;
    if (lane_op) {
        r = get(fp, pc[4]);
        if (store) {
            memcpy(p, &r.u8[pc[6] * n], n);
        } else {
            memcpy(&r.u8[pc[6] * n], p, n);
            memcpy(fp + pc[1], &r, 16);
        }
        return pc + 7;
    }
    if (store) {
        memcpy(p, fp + pc[4], 16);
        return pc + 6;
    }
    memset(&r, 0, sizeof r);
    switch (sub) {
    case 0x01: LANES(8, r.i16[i] = (int8_t)p[i]) break;
    case 0x02: LANES(8, r.u16[i] = p[i]) break;
    case 0x03:
    case 0x04:
    case 0x05:
    case 0x06: {
        v128 m;
        memcpy(&m, p, 8);
        if (sub == 0x03) LANES(4, r.i32[i] = m.i16[i])
        if (sub == 0x04) LANES(4, r.u32[i] = m.u16[i])
        if (sub == 0x05) LANES(2, r.i64[i] = m.i32[i])
        if (sub == 0x06) LANES(2, r.u64[i] = m.u32[i])
        break;
    }
    case 0x07:
    case 0x08:
    case 0x09:
    case 0x0a:
        for (uint32_t k = 0; k < 16; k += n)
            memcpy(&r.u8[k], p, n);
        break;
    default: memcpy(&r, p, n); /* v128.load, load32_zero, load64_zero */
    }
    memcpy(fp + pc[1], &r, 16);
    return pc + 5;
}

const uint32_t *aw_simd_exec(const uint32_t *pc, aw_val *fp, aw_instance *inst, uint8_t *mem,
                             uint64_t msize, aw_trap *trap)
{
    uint32_t sub = pc[2];
    aw_val *d = fp + pc[1];
    v128 a, b, c, r;
    switch (sub) {
    /* ---- moves the compiler needs ---- */
    case AW_SIMD_COPY: memmove(d, fp + pc[3], 16); return pc + 4;
    case AW_SIMD_SELECT: memmove(d, fp + (fp[pc[5]].u32 ? pc[3] : pc[4]), 16); return pc + 6;
    case AW_SIMD_GLOBAL_GET: memcpy(d, inst->globals[pc[3]]->val.ref, 16); return pc + 4;
    case AW_SIMD_GLOBAL_SET: memcpy(inst->globals[pc[3]]->val.ref, fp + pc[4], 16); return pc + 5;

    /* ---- memory ---- */
    case 0x00 ... 0x0b:
    case 0x54 ... 0x5d: return memory_op(pc, fp, mem, msize, trap);

    case 0x0c: memcpy(d, pc + 3, 16); return pc + 7; /* v128.const: little-endian words */
    case 0x0d:                                       /* i8x16.shuffle */
        a = get(fp, pc[3]), b = get(fp, pc[4]);
        LANES(16, {
            uint32_t k = (pc[5 + i / 4] >> (8 * (i % 4))) & 0xff;
            r.u8[i] = k < 16 ? a.u8[k] : b.u8[k - 16];
        })
        memcpy(d, &r, 16);
        return pc + 9;

    /* ---- splat, lanes ---- */
    case 0x0f ... 0x14: {
        uint64_t x = fp[pc[3]].u64;
        uint32_t n = sub == 0x0f ? 1 : sub == 0x10 ? 2 : (sub == 0x11 || sub == 0x13) ? 4 : 8;
        for (uint32_t k = 0; k < 16; k += n)
            memcpy(&r.u8[k], &x, n);
        memcpy(d, &r, 16);
        return pc + 4;
    }
    case 0x15 ... 0x22: {
        /* extract_lane: [dst, sub, a, lane] */
        a = get(fp, pc[3]);
        uint32_t l = pc[4];
        switch (sub) {
        case 0x15: d->i32 = a.i8[l]; return pc + 5;
        case 0x16: d->u32 = a.u8[l]; return pc + 5;
        case 0x18: d->i32 = a.i16[l]; return pc + 5;
        case 0x19: d->u32 = a.u16[l]; return pc + 5;
        case 0x1b:
        case 0x1f: d->u32 = a.u32[l]; return pc + 5;
        case 0x1d:
        case 0x21: d->u64 = a.u64[l]; return pc + 5;
        }
        /* replace_lane: [dst, sub, a, x, lane] */
        l = pc[5];
        aw_val x = fp[pc[4]];
        if (sub == 0x17) a.u8[l] = (uint8_t)x.u32;
        if (sub == 0x1a) a.u16[l] = (uint16_t)x.u32;
        if (sub == 0x1c || sub == 0x20) a.u32[l] = x.u32;
        if (sub == 0x1e || sub == 0x22) a.u64[l] = x.u64;
        memcpy(d, &a, 16);
        return pc + 6;
    }

    /* ---- [v128] -> i32 ---- */
    case 0x53:
        a = get(fp, pc[3]);
        d->u32 = (a.u64[0] | a.u64[1]) != 0;
        return pc + 4;
    case 0x63:
    case 0x83:
    case 0xa3:
    case 0xc3: {
        a = get(fp, pc[3]);
        uint32_t all = 1;
        if (sub == 0x63) LANES(16, all &= a.u8[i] != 0)
        if (sub == 0x83) LANES(8, all &= a.u16[i] != 0)
        if (sub == 0xa3) LANES(4, all &= a.u32[i] != 0)
        if (sub == 0xc3) LANES(2, all &= a.u64[i] != 0)
        d->u32 = all;
        return pc + 4;
    }
    case 0x64:
    case 0x84:
    case 0xa4:
    case 0xc4: {
        a = get(fp, pc[3]);
        uint32_t m = 0;
        if (sub == 0x64) LANES(16, m |= (uint32_t)(a.i8[i] < 0) << i)
        if (sub == 0x84) LANES(8, m |= (uint32_t)(a.i16[i] < 0) << i)
        if (sub == 0xa4) LANES(4, m |= (uint32_t)(a.i32[i] < 0) << i)
        if (sub == 0xc4) LANES(2, m |= (uint32_t)(a.i64[i] < 0) << i)
        d->u32 = m;
        return pc + 4;
    }

    /* ---- shifts: [v128 i32] -> v128, the count modulo the lane width ---- */
    case 0x6b ... 0x6d:
    case 0x8b ... 0x8d:
    case 0xab ... 0xad:
    case 0xcb ... 0xcd: {
        a = get(fp, pc[3]);
        uint32_t k = fp[pc[4]].u32;
        switch (sub) {
        case 0x6b: LANES(16, r.u8[i] = (uint8_t)(a.u8[i] << (k & 7))) break;
        case 0x6c: LANES(16, r.u8[i] = (uint8_t)sar(a.i8[i], k & 7)) break;
        case 0x6d: LANES(16, r.u8[i] = (uint8_t)(a.u8[i] >> (k & 7))) break;
        case 0x8b: LANES(8, r.u16[i] = (uint16_t)(a.u16[i] << (k & 15))) break;
        case 0x8c: LANES(8, r.u16[i] = (uint16_t)sar(a.i16[i], k & 15)) break;
        case 0x8d: LANES(8, r.u16[i] = (uint16_t)(a.u16[i] >> (k & 15))) break;
        case 0xab: LANES(4, r.u32[i] = a.u32[i] << (k & 31)) break;
        case 0xac: LANES(4, r.u32[i] = aw_shr_s32(a.u32[i], k)) break;
        case 0xad: LANES(4, r.u32[i] = a.u32[i] >> (k & 31)) break;
        case 0xcb: LANES(2, r.u64[i] = a.u64[i] << (k & 63)) break;
        case 0xcc: LANES(2, r.u64[i] = aw_shr_s64(a.u64[i], k)) break;
        default: LANES(2, r.u64[i] = a.u64[i] >> (k & 63)) break;
        }
        memcpy(d, &r, 16);
        return pc + 5;
    }

    case 0x52: /* v128.bitselect */
        a = get(fp, pc[3]), b = get(fp, pc[4]), c = get(fp, pc[5]);
        LANES(2, r.u64[i] = (a.u64[i] & c.u64[i]) | (b.u64[i] & ~c.u64[i]))
        memcpy(d, &r, 16);
        return pc + 6;

    /* ---- unary [v128] -> v128 ---- */
    case 0x4d:
    case 0x5e ... 0x62:
    case 0x67 ... 0x6a:
    case 0x74:
    case 0x75:
    case 0x7a:
    case 0x7c ... 0x81:
    case 0x87 ... 0x8a:
    case 0x94:
    case 0xa0:
    case 0xa1:
    case 0xa7 ... 0xaa:
    case 0xc0:
    case 0xc1:
    case 0xc7 ... 0xca:
    case 0xe0:
    case 0xe1:
    case 0xe3:
    case 0xec:
    case 0xed:
    case 0xef:
    case 0xf8 ... 0xff:
        a = get(fp, pc[3]);
        memset(&r, 0, sizeof r);
        switch (sub) {
        case 0x4d: LANES(2, r.u64[i] = ~a.u64[i]) break;
        case 0x5e: LANES(2, r.f32[i] = (float)a.f64[i]) break;
        case 0x5f: LANES(2, r.f64[i] = a.f32[i]) break;
        case 0x60: LANES(16, r.u8[i] = a.i8[i] < 0 ? (uint8_t)(0u - a.u8[i]) : a.u8[i]) break;
        case 0x61: LANES(16, r.u8[i] = (uint8_t)(0u - a.u8[i])) break;
        case 0x62: LANES(16, r.u8[i] = (uint8_t)aw_popcnt32(a.u8[i])) break;
        case 0x67: LANES(4, r.f32[i] = aw_f32_ceil(a.f32[i])) break;
        case 0x68: LANES(4, r.f32[i] = aw_f32_floor(a.f32[i])) break;
        case 0x69: LANES(4, r.f32[i] = aw_f32_trunc(a.f32[i])) break;
        case 0x6a: LANES(4, r.f32[i] = aw_f32_nearest(a.f32[i])) break;
        case 0x74: LANES(2, r.f64[i] = aw_f64_ceil(a.f64[i])) break;
        case 0x75: LANES(2, r.f64[i] = aw_f64_floor(a.f64[i])) break;
        case 0x7a: LANES(2, r.f64[i] = aw_f64_trunc(a.f64[i])) break;
        case 0x94: LANES(2, r.f64[i] = aw_f64_nearest(a.f64[i])) break;
        case 0x7c: LANES(8, r.i16[i] = (int16_t)(a.i8[2 * i] + a.i8[2 * i + 1])) break;
        case 0x7d: LANES(8, r.u16[i] = (uint16_t)(a.u8[2 * i] + a.u8[2 * i + 1])) break;
        case 0x7e: LANES(4, r.i32[i] = a.i16[2 * i] + a.i16[2 * i + 1]) break;
        case 0x7f: LANES(4, r.u32[i] = (uint32_t)a.u16[2 * i] + a.u16[2 * i + 1]) break;
        case 0x80: LANES(8, r.u16[i] = a.i16[i] < 0 ? (uint16_t)(0u - a.u16[i]) : a.u16[i]) break;
        case 0x81: LANES(8, r.u16[i] = (uint16_t)(0u - a.u16[i])) break;
        case 0x87: LANES(8, r.i16[i] = a.i8[i]) break;
        case 0x88: LANES(8, r.i16[i] = a.i8[i + 8]) break;
        case 0x89: LANES(8, r.u16[i] = a.u8[i]) break;
        case 0x8a: LANES(8, r.u16[i] = a.u8[i + 8]) break;
        case 0xa0: LANES(4, r.u32[i] = a.i32[i] < 0 ? 0u - a.u32[i] : a.u32[i]) break;
        case 0xa1: LANES(4, r.u32[i] = 0u - a.u32[i]) break;
        case 0xa7: LANES(4, r.i32[i] = a.i16[i]) break;
        case 0xa8: LANES(4, r.i32[i] = a.i16[i + 4]) break;
        case 0xa9: LANES(4, r.u32[i] = a.u16[i]) break;
        case 0xaa: LANES(4, r.u32[i] = a.u16[i + 4]) break;
        case 0xc0: LANES(2, r.u64[i] = a.i64[i] < 0 ? 0u - a.u64[i] : a.u64[i]) break;
        case 0xc1: LANES(2, r.u64[i] = 0u - a.u64[i]) break;
        case 0xc7: LANES(2, r.i64[i] = a.i32[i]) break;
        case 0xc8: LANES(2, r.i64[i] = a.i32[i + 2]) break;
        case 0xc9: LANES(2, r.u64[i] = a.u32[i]) break;
        case 0xca: LANES(2, r.u64[i] = a.u32[i + 2]) break;
        case 0xe0: LANES(4, r.u32[i] = a.u32[i] & 0x7fffffffu) break;
        case 0xe1: LANES(4, r.u32[i] = a.u32[i] ^ 0x80000000u) break;
        case 0xe3: LANES(4, r.f32[i] = aw_f32_sqrt(a.f32[i])) break;
        case 0xec: LANES(2, r.u64[i] = a.u64[i] & 0x7fffffffffffffffu) break;
        case 0xed: LANES(2, r.u64[i] = a.u64[i] ^ 0x8000000000000000u) break;
        case 0xef: LANES(2, r.f64[i] = aw_f64_sqrt(a.f64[i])) break;
        case 0xf8: LANES(4, r.i32[i] = aw_trunc_sat_i32_s(a.f32[i])) break;
        case 0xf9: LANES(4, r.u32[i] = aw_trunc_sat_i32_u(a.f32[i])) break;
        case 0xfa: LANES(4, r.f32[i] = (float)a.i32[i]) break;
        case 0xfb: LANES(4, r.f32[i] = (float)a.u32[i]) break;
        case 0xfc: LANES(2, r.i32[i] = aw_trunc_sat_i32_s(a.f64[i])) break;
        case 0xfd: LANES(2, r.u32[i] = aw_trunc_sat_i32_u(a.f64[i])) break;
        case 0xfe: LANES(2, r.f64[i] = a.i32[i]) break;
        default: LANES(2, r.f64[i] = a.u32[i]) break; /* 0xff */
        }
        memcpy(d, &r, 16);
        return pc + 4;

    default: break;
    }

    /* ---- binary [v128 v128] -> v128 (every other opcode the compiler emits) ---- */
    a = get(fp, pc[3]), b = get(fp, pc[4]);
    switch (sub) {
    case 0x0e: LANES(16, r.u8[i] = b.u8[i] < 16 ? a.u8[b.u8[i]] : 0) break;
    /* comparisons: all ones where true */
    case 0x23: MASK(u8, 16, a.u8[i] == b.u8[i]) break;
    case 0x24: MASK(u8, 16, a.u8[i] != b.u8[i]) break;
    case 0x25: MASK(u8, 16, a.i8[i] < b.i8[i]) break;
    case 0x26: MASK(u8, 16, a.u8[i] < b.u8[i]) break;
    case 0x27: MASK(u8, 16, a.i8[i] > b.i8[i]) break;
    case 0x28: MASK(u8, 16, a.u8[i] > b.u8[i]) break;
    case 0x29: MASK(u8, 16, a.i8[i] <= b.i8[i]) break;
    case 0x2a: MASK(u8, 16, a.u8[i] <= b.u8[i]) break;
    case 0x2b: MASK(u8, 16, a.i8[i] >= b.i8[i]) break;
    case 0x2c: MASK(u8, 16, a.u8[i] >= b.u8[i]) break;
    case 0x2d: MASK(u16, 8, a.u16[i] == b.u16[i]) break;
    case 0x2e: MASK(u16, 8, a.u16[i] != b.u16[i]) break;
    case 0x2f: MASK(u16, 8, a.i16[i] < b.i16[i]) break;
    case 0x30: MASK(u16, 8, a.u16[i] < b.u16[i]) break;
    case 0x31: MASK(u16, 8, a.i16[i] > b.i16[i]) break;
    case 0x32: MASK(u16, 8, a.u16[i] > b.u16[i]) break;
    case 0x33: MASK(u16, 8, a.i16[i] <= b.i16[i]) break;
    case 0x34: MASK(u16, 8, a.u16[i] <= b.u16[i]) break;
    case 0x35: MASK(u16, 8, a.i16[i] >= b.i16[i]) break;
    case 0x36: MASK(u16, 8, a.u16[i] >= b.u16[i]) break;
    case 0x37: MASK(u32, 4, a.u32[i] == b.u32[i]) break;
    case 0x38: MASK(u32, 4, a.u32[i] != b.u32[i]) break;
    case 0x39: MASK(u32, 4, a.i32[i] < b.i32[i]) break;
    case 0x3a: MASK(u32, 4, a.u32[i] < b.u32[i]) break;
    case 0x3b: MASK(u32, 4, a.i32[i] > b.i32[i]) break;
    case 0x3c: MASK(u32, 4, a.u32[i] > b.u32[i]) break;
    case 0x3d: MASK(u32, 4, a.i32[i] <= b.i32[i]) break;
    case 0x3e: MASK(u32, 4, a.u32[i] <= b.u32[i]) break;
    case 0x3f: MASK(u32, 4, a.i32[i] >= b.i32[i]) break;
    case 0x40: MASK(u32, 4, a.u32[i] >= b.u32[i]) break;
    case 0x41: MASK(u32, 4, a.f32[i] == b.f32[i]) break;
    case 0x42: MASK(u32, 4, a.f32[i] != b.f32[i]) break;
    case 0x43: MASK(u32, 4, a.f32[i] < b.f32[i]) break;
    case 0x44: MASK(u32, 4, a.f32[i] > b.f32[i]) break;
    case 0x45: MASK(u32, 4, a.f32[i] <= b.f32[i]) break;
    case 0x46: MASK(u32, 4, a.f32[i] >= b.f32[i]) break;
    case 0x47: MASK(u64, 2, a.f64[i] == b.f64[i]) break;
    case 0x48: MASK(u64, 2, a.f64[i] != b.f64[i]) break;
    case 0x49: MASK(u64, 2, a.f64[i] < b.f64[i]) break;
    case 0x4a: MASK(u64, 2, a.f64[i] > b.f64[i]) break;
    case 0x4b: MASK(u64, 2, a.f64[i] <= b.f64[i]) break;
    case 0x4c: MASK(u64, 2, a.f64[i] >= b.f64[i]) break;
    case 0xd6: MASK(u64, 2, a.u64[i] == b.u64[i]) break;
    case 0xd7: MASK(u64, 2, a.u64[i] != b.u64[i]) break;
    case 0xd8: MASK(u64, 2, a.i64[i] < b.i64[i]) break;
    case 0xd9: MASK(u64, 2, a.i64[i] > b.i64[i]) break;
    case 0xda: MASK(u64, 2, a.i64[i] <= b.i64[i]) break;
    case 0xdb: MASK(u64, 2, a.i64[i] >= b.i64[i]) break;
    /* bitwise */
    case 0x4e: LANES(2, r.u64[i] = a.u64[i] & b.u64[i]) break;
    case 0x4f: LANES(2, r.u64[i] = a.u64[i] & ~b.u64[i]) break;
    case 0x50: LANES(2, r.u64[i] = a.u64[i] | b.u64[i]) break;
    case 0x51: LANES(2, r.u64[i] = a.u64[i] ^ b.u64[i]) break;
    /* narrowing with signed saturation of signed inputs */
    case 0x65: LANES(8, (r.i8[i] = sat_s8(a.i16[i]), r.i8[i + 8] = sat_s8(b.i16[i]))) break;
    case 0x66: LANES(8, (r.u8[i] = sat_u8(a.i16[i]), r.u8[i + 8] = sat_u8(b.i16[i]))) break;
    case 0x85: LANES(4, (r.i16[i] = sat_s16(a.i32[i]), r.i16[i + 4] = sat_s16(b.i32[i]))) break;
    case 0x86: LANES(4, (r.u16[i] = sat_u16(a.i32[i]), r.u16[i + 4] = sat_u16(b.i32[i]))) break;
    /* i8x16 */
    case 0x6e: LANES(16, r.u8[i] = (uint8_t)(a.u8[i] + b.u8[i])) break;
    case 0x6f: LANES(16, r.i8[i] = sat_s8(a.i8[i] + b.i8[i])) break;
    case 0x70: LANES(16, r.u8[i] = sat_u8(a.u8[i] + b.u8[i])) break;
    case 0x71: LANES(16, r.u8[i] = (uint8_t)(a.u8[i] - b.u8[i])) break;
    case 0x72: LANES(16, r.i8[i] = sat_s8(a.i8[i] - b.i8[i])) break;
    case 0x73: LANES(16, r.u8[i] = sat_u8(a.u8[i] - b.u8[i])) break;
    case 0x76: LANES(16, r.i8[i] = a.i8[i] < b.i8[i] ? a.i8[i] : b.i8[i]) break;
    case 0x77: LANES(16, r.u8[i] = a.u8[i] < b.u8[i] ? a.u8[i] : b.u8[i]) break;
    case 0x78: LANES(16, r.i8[i] = a.i8[i] > b.i8[i] ? a.i8[i] : b.i8[i]) break;
    case 0x79: LANES(16, r.u8[i] = a.u8[i] > b.u8[i] ? a.u8[i] : b.u8[i]) break;
    case 0x7b: LANES(16, r.u8[i] = (uint8_t)((a.u8[i] + b.u8[i] + 1u) >> 1)) break;
    /* i16x8 */
    case 0x82: LANES(8, r.i16[i] = sat_s16((int32_t)sar(a.i16[i] * b.i16[i] + 0x4000, 15))) break;
    case 0x8e: LANES(8, r.u16[i] = (uint16_t)(a.u16[i] + b.u16[i])) break;
    case 0x8f: LANES(8, r.i16[i] = sat_s16(a.i16[i] + b.i16[i])) break;
    case 0x90: LANES(8, r.u16[i] = sat_u16(a.u16[i] + b.u16[i])) break;
    case 0x91: LANES(8, r.u16[i] = (uint16_t)(a.u16[i] - b.u16[i])) break;
    case 0x92: LANES(8, r.i16[i] = sat_s16(a.i16[i] - b.i16[i])) break;
    case 0x93: LANES(8, r.u16[i] = sat_u16(a.u16[i] - b.u16[i])) break;
    case 0x95: LANES(8, r.u16[i] = (uint16_t)((uint32_t)a.u16[i] * b.u16[i])) break;
    case 0x96: LANES(8, r.i16[i] = a.i16[i] < b.i16[i] ? a.i16[i] : b.i16[i]) break;
    case 0x97: LANES(8, r.u16[i] = a.u16[i] < b.u16[i] ? a.u16[i] : b.u16[i]) break;
    case 0x98: LANES(8, r.i16[i] = a.i16[i] > b.i16[i] ? a.i16[i] : b.i16[i]) break;
    case 0x99: LANES(8, r.u16[i] = a.u16[i] > b.u16[i] ? a.u16[i] : b.u16[i]) break;
    case 0x9b: LANES(8, r.u16[i] = (uint16_t)((a.u16[i] + b.u16[i] + 1u) >> 1)) break;
    case 0x9c: LANES(8, r.i16[i] = (int16_t)(a.i8[i] * b.i8[i])) break;
    case 0x9d: LANES(8, r.i16[i] = (int16_t)(a.i8[i + 8] * b.i8[i + 8])) break;
    case 0x9e: LANES(8, r.u16[i] = (uint16_t)(a.u8[i] * b.u8[i])) break;
    case 0x9f: LANES(8, r.u16[i] = (uint16_t)(a.u8[i + 8] * b.u8[i + 8])) break;
    /* i32x4 */
    case 0xae: LANES(4, r.u32[i] = a.u32[i] + b.u32[i]) break;
    case 0xb1: LANES(4, r.u32[i] = a.u32[i] - b.u32[i]) break;
    case 0xb5: LANES(4, r.u32[i] = a.u32[i] * b.u32[i]) break;
    case 0xb6: LANES(4, r.i32[i] = a.i32[i] < b.i32[i] ? a.i32[i] : b.i32[i]) break;
    case 0xb7: LANES(4, r.u32[i] = a.u32[i] < b.u32[i] ? a.u32[i] : b.u32[i]) break;
    case 0xb8: LANES(4, r.i32[i] = a.i32[i] > b.i32[i] ? a.i32[i] : b.i32[i]) break;
    case 0xb9: LANES(4, r.u32[i] = a.u32[i] > b.u32[i] ? a.u32[i] : b.u32[i]) break;
    case 0xba:
        LANES(4, r.u32[i] = (uint32_t)((int64_t)a.i16[2 * i] * b.i16[2 * i] +
                                       (int64_t)a.i16[2 * i + 1] * b.i16[2 * i + 1]))
        break;
    case 0xbc: LANES(4, r.i32[i] = a.i16[i] * b.i16[i]) break;
    case 0xbd: LANES(4, r.i32[i] = a.i16[i + 4] * b.i16[i + 4]) break;
    case 0xbe: LANES(4, r.u32[i] = (uint32_t)a.u16[i] * b.u16[i]) break;
    case 0xbf: LANES(4, r.u32[i] = (uint32_t)a.u16[i + 4] * b.u16[i + 4]) break;
    /* i64x2 */
    case 0xce: LANES(2, r.u64[i] = a.u64[i] + b.u64[i]) break;
    case 0xd1: LANES(2, r.u64[i] = a.u64[i] - b.u64[i]) break;
    case 0xd5: LANES(2, r.u64[i] = a.u64[i] * b.u64[i]) break;
    case 0xdc: LANES(2, r.i64[i] = (int64_t)a.i32[i] * b.i32[i]) break;
    case 0xdd: LANES(2, r.i64[i] = (int64_t)a.i32[i + 2] * b.i32[i + 2]) break;
    case 0xde: LANES(2, r.u64[i] = (uint64_t)a.u32[i] * b.u32[i]) break;
    case 0xdf: LANES(2, r.u64[i] = (uint64_t)a.u32[i + 2] * b.u32[i + 2]) break;
    /* f32x4: min/max propagate NaN and order -0 < +0; pmin/pmax are b < a ? b : a */
    case 0xe4: LANES(4, r.f32[i] = a.f32[i] + b.f32[i]) break;
    case 0xe5: LANES(4, r.f32[i] = a.f32[i] - b.f32[i]) break;
    case 0xe6: LANES(4, r.f32[i] = a.f32[i] * b.f32[i]) break;
    case 0xe7: LANES(4, r.f32[i] = a.f32[i] / b.f32[i]) break;
    case 0xe8: LANES(4, r.f32[i] = aw_f32_min(a.f32[i], b.f32[i])) break;
    case 0xe9: LANES(4, r.f32[i] = aw_f32_max(a.f32[i], b.f32[i])) break;
    case 0xea: LANES(4, r.u32[i] = b.f32[i] < a.f32[i] ? b.u32[i] : a.u32[i]) break;
    case 0xeb: LANES(4, r.u32[i] = a.f32[i] < b.f32[i] ? b.u32[i] : a.u32[i]) break;
    /* f64x2 */
    case 0xf0: LANES(2, r.f64[i] = a.f64[i] + b.f64[i]) break;
    case 0xf1: LANES(2, r.f64[i] = a.f64[i] - b.f64[i]) break;
    case 0xf2: LANES(2, r.f64[i] = a.f64[i] * b.f64[i]) break;
    case 0xf3: LANES(2, r.f64[i] = a.f64[i] / b.f64[i]) break;
    case 0xf4: LANES(2, r.f64[i] = aw_f64_min(a.f64[i], b.f64[i])) break;
    case 0xf5: LANES(2, r.f64[i] = aw_f64_max(a.f64[i], b.f64[i])) break;
    case 0xf6: LANES(2, r.u64[i] = b.f64[i] < a.f64[i] ? b.u64[i] : a.u64[i]) break;
    default: LANES(2, r.u64[i] = a.f64[i] < b.f64[i] ? b.u64[i] : a.u64[i]) break; /* 0xf7 */
    }
    memcpy(d, &r, 16);
    return pc + 5;
}

#endif /* AW_SIMD */

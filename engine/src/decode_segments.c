/*
 * decode_segments.c - constant expressions, and the sections built from them:
 * globals, element segments and data segments.
 */
#include <string.h>

#include "decode.h"

static bool is_const_opcode(uint8_t op)
{
    return (op >= 0x41 && op <= 0x44) || op == 0xd0 || op == 0xd2 || op == 0x23;
}

/* An instruction that is not allowed here: invalid if it exists at all, else malformed. */
static _Noreturn void not_const(aw_load *L, uint8_t op)
{
    if (aw_opcode_exists(op)) aw_load_fail(L, AW_ERR_INVALID, "constant expression required");
    aw_load_fail(L, AW_ERR_MALFORMED, "illegal opcode");
}

/* One constant instruction (its opcode already read) into *out. */
static void const_instr(aw_load *L, uint8_t op, aw_constexpr *out)
{
    aw_module *m = L->m;
    memset(out, 0, sizeof *out);
    switch (op) {
    case 0x41:
        out->kind = AW_CONST_I32, out->type = AW_I32;
        out->value.i32 = aw_rd_s32(L);
        break;
    case 0x42:
        out->kind = AW_CONST_I64, out->type = AW_I64;
        out->value.i64 = aw_rd_s64(L);
        break;
    case 0x43:
        out->kind = AW_CONST_F32, out->type = AW_F32;
        out->value.u32 = aw_rd_fixed32(L);
        break;
    case 0x44:
        out->kind = AW_CONST_F64, out->type = AW_F64;
        out->value.u64 = aw_rd_fixed64(L);
        break;
    case 0xd0:
        out->kind = AW_CONST_REF_NULL;
        out->type = aw_decode_reftype(L);
        break;
    case 0xd2:
        out->kind = AW_CONST_REF_FUNC, out->type = AW_FUNCREF;
        out->index = aw_rd_u32(L);
        if (out->index >= m->nfuncs)
            aw_load_fail(L, AW_ERR_INVALID, "unknown function %u", (unsigned)out->index);
        aw_decode_declare(L, out->index);
        break;
    default: /* 0x23 global.get */
        out->kind = AW_CONST_GLOBAL_GET;
        out->index = aw_rd_u32(L);
        if (out->index >= m->nglobal_imports)
            aw_load_fail(L, AW_ERR_INVALID, "unknown global %u", (unsigned)out->index);
        if (m->global_types[out->index].mut)
            aw_load_fail(L, AW_ERR_INVALID, "constant expression required");
        out->type = m->global_types[out->index].type;
        break;
    }
}

void aw_decode_constexpr(aw_load *L, aw_constexpr *out, uint8_t type)
{
    /* Every instruction must be constant (checked first, as the reference interpreter
     * does), then the expression must leave exactly one value of the right type. */
    uint32_t count = 0;
    aw_constexpr tmp;
#if AW_SIMD
    uint8_t tmpv[16];
#endif
    for (;;) {
        uint8_t op = aw_rd_u8(L);
        if (op == 0x0b) break;
#if AW_SIMD
        if (op == 0xfd) {
            /* v128.const: the only constant instruction under the prefix */
            uint32_t sub = aw_rd_u32(L);
            if (sub != 12) {
                if (aw_simd_opcode_exists(sub))
                    aw_load_fail(L, AW_ERR_INVALID, "constant expression required");
                aw_load_fail(L, AW_ERR_MALFORMED, "illegal opcode");
            }
            aw_constexpr *o = count == 0 ? out : &tmp;
            memset(o, 0, sizeof *o);
            o->kind = AW_CONST_V128, o->type = AW_V128;
            aw_rd_bytes(L, count == 0 ? L->v128 : tmpv, 16);
            count++;
            continue;
        }
#endif
        if (!is_const_opcode(op)) not_const(L, op);
        const_instr(L, op, count == 0 ? out : &tmp);
        count++;
    }
    if (count != 1 || (type && out->type != type)) aw_load_fail(L, AW_ERR_INVALID, "type mismatch");
}

void aw_decode_global_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    aw_decode_globals_close(L, n);
    for (uint32_t i = 0; i < n; i++) {
        aw_globaldef *g = &m->globals[i];
        aw_decode_globaltype(L, &g->type);
        m->global_types[m->nglobal_imports + i] = g->type;
        aw_decode_constexpr(L, &g->init, g->type.type);
#if AW_SIMD
        if (g->init.kind == AW_CONST_V128) memcpy(g->v128, L->v128, 16);
#endif
    }
}

static uint32_t table_index(aw_load *L)
{
    uint32_t t = aw_rd_u32(L);
    if (t >= L->m->ntables) aw_load_fail(L, AW_ERR_INVALID, "unknown table %u", (unsigned)t);
    return t;
}

/* The eight encodings of an element segment: bit 0 passive/declarative (else
 * active), bit 1 explicit table index (active) or declarative (passive), bit 2
 * items are expressions rather than function indices. */
void aw_decode_element_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    m->elems = aw_load_alloc(L, n, sizeof(aw_elemdef));
    m->nelems = n;
    for (uint32_t i = 0; i < n; i++) {
        aw_elemdef *e = &m->elems[i];
        uint32_t flags = aw_rd_u32(L);
        if (flags > 7) aw_load_fail(L, AW_ERR_MALFORMED, "malformed elements segment kind");
        bool exprs = flags & 4;
        e->type = AW_FUNCREF;
        if (flags & 1) {
            e->mode = (flags & 2) ? AW_SEG_DECLARATIVE : AW_SEG_PASSIVE;
        } else {
            e->mode = AW_SEG_ACTIVE;
            e->table = (flags & 2) ? table_index(L) : 0;
            if (!(flags & 2) && m->ntables == 0) aw_load_fail(L, AW_ERR_INVALID, "unknown table 0");
            aw_decode_constexpr(L, &e->offset, AW_I32);
        }
        if (flags & 3) { /* an element kind or reference type follows */
            if (exprs) {
                e->type = aw_decode_reftype(L);
            } else if (aw_rd_u8(L) != 0x00) {
                aw_load_fail(L, AW_ERR_MALFORMED, "malformed element kind");
            }
        }
        uint32_t count = aw_rd_count(L, exprs ? 2 : 1);
        e->items = aw_load_alloc(L, count, sizeof(aw_constexpr));
        e->count = count;
        for (uint32_t k = 0; k < count; k++) {
            aw_constexpr *it = &e->items[k];
            if (exprs) {
                aw_decode_constexpr(L, it, e->type);
            } else {
                uint32_t f = aw_rd_u32(L);
                if (f >= m->nfuncs)
                    aw_load_fail(L, AW_ERR_INVALID, "unknown function %u", (unsigned)f);
                aw_decode_declare(L, f);
                it->kind = AW_CONST_REF_FUNC;
                it->type = AW_FUNCREF;
                it->index = f;
            }
        }
        if (e->mode == AW_SEG_ACTIVE && m->tables[e->table].elem != e->type)
            aw_load_fail(L, AW_ERR_INVALID, "type mismatch");
    }
}

void aw_decode_data_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    L->saw_data = true;
    if (m->has_datacount && n != m->ndatas)
        aw_load_fail(L, AW_ERR_MALFORMED, "data count and data section have inconsistent lengths");
    m->datas = aw_load_alloc(L, n, sizeof(aw_datadef));
    m->ndatas = n;
    for (uint32_t i = 0; i < n; i++) {
        aw_datadef *d = &m->datas[i];
        uint32_t flags = aw_rd_u32(L);
        if (flags > 2) aw_load_fail(L, AW_ERR_MALFORMED, "malformed data segment kind");
        if (flags == 1) {
            d->mode = AW_SEG_PASSIVE;
        } else {
            d->mode = AW_SEG_ACTIVE;
            d->memory = flags == 2 ? aw_rd_u32(L) : 0;
            if (d->memory >= m->nmems)
                aw_load_fail(L, AW_ERR_INVALID, "unknown memory %u", (unsigned)d->memory);
            aw_decode_constexpr(L, &d->offset, AW_I32);
        }
        d->size = aw_rd_u32(L);
        d->file_offset = L->r.pos;
        aw_rd_skip(L, d->size);
    }
}

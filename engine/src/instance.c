/*
 * instance.c - aw_instantiate() in the spec's order (link imports, allocate, apply
 * element then data segments, run start) and export lookup.
 *
 * An instance is one block on the store's list: the instance, its pointer arrays, its
 * defined functions and globals and the dropped-segment bitmap, so the per-instance
 * RAM is that block plus any tables and memories it defines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "aot.h"

#ifdef __GNUC__
static void fail(aw_error *err, aw_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#endif

static void fail(aw_error *err, aw_status st, const char *fmt, ...)
{
    memset(err, 0, sizeof *err);
    err->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

aw_val aw_const_eval(const aw_instance *inst, const aw_constexpr *e)
{
    aw_val v;
    switch (e->kind) {
    case AW_CONST_REF_NULL:
        v.u64 = 0;
        v.ref = NULL;
        return v;
    case AW_CONST_REF_FUNC:
        v.u64 = 0;
        v.ref = aw_inst_func(inst, e->index);
        return v;
    case AW_CONST_GLOBAL_GET: return inst->globals[e->index]->val;
    default: return e->value;
    }
}

/* Import subtyping of limits: the actual object is at least as large as required and
 * its declared maximum, if the import has one, is no larger. */
static bool limits_match(uint32_t cur, bool has_max, uint32_t max, const aw_limits *want)
{
    if (cur < want->min) return false;
    if (!want->has_max) return true;
    return has_max && max <= want->max;
}

/* Finds the import for `im`; returns NULL with a reason when absent or mismatched. */
static const aw_extern *resolve(const aw_module *m, const aw_importdef *im,
                                const aw_import *imports, uint32_t n, const char **why)
{
    const aw_extern *found = NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (!imports[i].module || !imports[i].name) continue;
        if (strcmp(imports[i].module, im->module) || strcmp(imports[i].name, im->name)) continue;
        found = &imports[i].ext;
        if (found->kind == im->kind) break;
    }
    if (!found) {
        *why = "unknown import";
        return NULL;
    }
    *why = "incompatible import type";
    if (found->kind != im->kind) return NULL;
    switch (im->kind) {
    case AW_EXTERN_FUNC:
        if (!found->of.func || !aw_functype_eq(found->of.func->type, &m->types[im->u.type]))
            return NULL;
        break;
    case AW_EXTERN_TABLE: {
        const aw_table *t = found->of.table;
        if (!t || t->elem != im->u.table.elem ||
            !limits_match(t->size, t->has_max, t->decl_max, &im->u.table.lim))
            return NULL;
        break;
    }
    case AW_EXTERN_MEMORY: {
        const aw_memory *mem = found->of.memory;
        if (!mem || !limits_match(mem->pages, mem->has_max, mem->decl_max, &im->u.memory))
            return NULL;
        break;
    }
    case AW_EXTERN_GLOBAL: {
        const aw_global *g = found->of.global;
        if (!g || g->type != im->u.global.type || g->mut != im->u.global.mut) return NULL;
        break;
    }
    default: return NULL;
    }
    return found;
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Mark the defined functions that can become values (C.refs: exports, element items,
 * global initialisers) and the start function, in a bitmap over defined functions. */
static uint32_t mark_refs(const aw_module *m, uint8_t *bits)
{
    uint32_t nimp = m->nfunc_imports, n = 0;
#define MARK(idx)                                                                                  \
    do {                                                                                           \
        uint32_t x_ = (idx);                                                                       \
        if (x_ >= nimp && x_ < m->nfuncs &&                                                        \
            !(bits[(x_ - nimp) >> 3] & (1u << ((x_ - nimp) & 7)))) {                               \
            bits[(x_ - nimp) >> 3] |= (uint8_t)(1u << ((x_ - nimp) & 7));                          \
            n++;                                                                                   \
        }                                                                                          \
    } while (0)
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == AW_EXTERN_FUNC) MARK(m->exports[i].index);
    for (uint32_t i = 0; i < m->nelems; i++)
        for (uint32_t k = 0; k < m->elems[i].count; k++)
            if (m->elems[i].items[k].kind == AW_CONST_REF_FUNC) MARK(m->elems[i].items[k].index);
    for (uint32_t i = 0; i < m->nglobals - m->nglobal_imports; i++)
        if (m->globals[i].init.kind == AW_CONST_REF_FUNC) MARK(m->globals[i].init.index);
    if (m->has_start) MARK(m->start);
#undef MARK
    return n;
}

static aw_instance *alloc_instance(aw_store *s, const aw_module *m)
{
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    uint32_t ngdef = m->nglobals - m->nglobal_imports;
    size_t nbits = ((size_t)ndef + 7) / 8;
    uint8_t *bits = aw_mem_zalloc(&s->cfg, nbits);
    if (!bits) return NULL;
    uint32_t nrefs = mark_refs(m, bits);
    size_t off_fimp = align8(sizeof(aw_instance));
    size_t off_tables = off_fimp + align8((size_t)m->nfunc_imports * sizeof(aw_func *));
    size_t off_globals = off_tables + align8((size_t)m->ntables * sizeof(aw_table *));
    size_t off_frefs = off_globals + align8((size_t)m->nglobals * sizeof(aw_global *));
    size_t off_gdefs = off_frefs + align8((size_t)nrefs * sizeof(aw_func));
    /* the 16 bytes of each v128 global follow the globals (none without SIMD) */
    uint32_t nv128 = 0;
#if AW_SIMD
    for (uint32_t i = 0; i < ngdef; i++)
        nv128 += m->globals[i].type.type == AW_V128;
#endif
    size_t off_fref_idx = off_gdefs + align8((size_t)ngdef * sizeof(aw_global)) + 16u * nv128;
    size_t off_dropped = off_fref_idx + align8((size_t)nrefs * sizeof(uint32_t));
    size_t total = off_dropped + ((size_t)m->nelems + m->ndatas + 7) / 8;
    uint8_t *b = aw_store_alloc(s, total);
    if (!b) {
        aw_mem_free(&s->cfg, bits, nbits);
        return NULL;
    }
    aw_instance *inst = (aw_instance *)b;
    inst->store = s;
    inst->m = m;
    inst->nfimp = m->nfunc_imports;
    inst->fimp = (aw_func **)(b + off_fimp);
    inst->fdefs = m->funcs;
    inst->tables = (aw_table **)(b + off_tables);
    inst->globals = (aw_global **)(b + off_globals);
    inst->frefs = (aw_func *)(b + off_frefs);
    inst->fref_idx = (uint32_t *)(b + off_fref_idx);
    aw_global *gdefs = (aw_global *)(b + off_gdefs);
    uint8_t *v128 = b + off_gdefs + align8((size_t)ngdef * sizeof(aw_global));
    for (uint32_t i = 0; i < ngdef; i++) {
        inst->globals[m->nglobal_imports + i] = &gdefs[i];
        if (nv128 && m->globals[i].type.type == AW_V128) {
            gdefs[i].val.ref = v128;
            v128 += 16;
        }
    }
    inst->dropped = b + off_dropped;
    for (uint32_t i = 0; i < ndef; i++) {
        if (!(bits[i >> 3] & (1u << (i & 7)))) continue;
        aw_func *f = &inst->frefs[inst->nfrefs];
        f->type = &m->types[m->funcs[i].type];
        f->inst = inst;
        f->code = &m->funcs[i].code;
        inst->fref_idx[inst->nfrefs++] = m->nfunc_imports + i;
    }
    aw_mem_free(&s->cfg, bits, nbits);
    return inst;
}

static void mark_dropped(aw_instance *inst, uint32_t bit)
{
    inst->dropped[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

static bool trapped(aw_error *err, aw_store *s, aw_trap t)
{
    if (t == AW_TRAP_NONE) return false;
    fail(err, AW_ERR_TRAP, "%s", t == AW_TRAP_HOST ? s->trap_msg : aw_trap_str(t));
    err->trap = t;
    return true;
}

aw_instance *aw_instantiate(aw_store *s, const aw_module *m, const aw_import *imports,
                            uint32_t nimports, aw_error *err)
{
    aw_error dummy;
    if (!err) err = &dummy;
    memset(err, 0, sizeof *err);
    if (!s || !m || (nimports && !imports)) {
        fail(err, AW_ERR_ARGS, "no store or module");
        return NULL;
    }
    /* link first: a module that does not link allocates nothing */
    for (uint32_t i = 0; i < m->nimports; i++) {
        const char *why;
        if (!resolve(m, &m->imports[i], imports, nimports, &why)) {
            fail(err, AW_ERR_UNLINKABLE, "%s.%s: %s", m->imports[i].module, m->imports[i].name,
                 why);
            return NULL;
        }
    }
    aw_instance *inst = alloc_instance(s, m);
    if (!inst) {
        fail(err, AW_ERR_NOMEM, "out of memory");
        return NULL;
    }
    uint32_t nf = 0, nt = 0, ng = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const char *why;
        const aw_extern *e = resolve(m, &m->imports[i], imports, nimports, &why);
        switch (e->kind) {
        case AW_EXTERN_FUNC: inst->fimp[nf++] = e->of.func; break;
        case AW_EXTERN_TABLE: inst->tables[nt++] = e->of.table; break;
        case AW_EXTERN_MEMORY: inst->mem = e->of.memory; break;
        case AW_EXTERN_GLOBAL: inst->globals[ng++] = e->of.global; break;
        }
    }
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        const aw_globaldef *g = &m->globals[i - m->nglobal_imports];
        inst->globals[i]->type = g->type.type;
        inst->globals[i]->mut = g->type.mut;
#if AW_SIMD
        if (g->type.type == AW_V128) {
            const void *src = g->init.kind == AW_CONST_V128 ? (const void *)g->v128
                                                            : inst->globals[g->init.index]->val.ref;
            memcpy(inst->globals[i]->val.ref, src, 16);
            continue;
        }
#endif
        inst->globals[i]->val = aw_const_eval(inst, &g->init);
    }
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        const aw_tabletype *t = &m->tables[i];
        inst->tables[i] = aw_store_table_make(s, t->elem, t->lim.min, t->lim.max, t->lim.has_max);
        if (!inst->tables[i]) {
            bool limit = t->lim.min > s->cfg.max_table_elems;
            fail(err, limit ? AW_ERR_LIMIT : AW_ERR_NOMEM, "table %lu of %lu elements: %s",
                 (unsigned long)i, (unsigned long)t->lim.min,
                 limit ? "over the configured limit" : "out of memory");
            return NULL;
        }
    }
    if (m->nmems > m->nmem_imports) {
        const aw_limits *l = &m->mems[0];
        inst->mem = aw_store_memory_make(s, l->min, l->max, l->has_max);
        if (!inst->mem) {
            bool limit = l->min > s->cfg.max_memory_pages;
            fail(err, limit ? AW_ERR_LIMIT : AW_ERR_NOMEM, "memory of %lu pages: %s",
                 (unsigned long)l->min, limit ? "over the configured limit" : "out of memory");
            return NULL;
        }
    }
    /* element segments, then data segments, each in order; a trap leaves the writes
     * of earlier segments in place */
    for (uint32_t i = 0; i < m->nelems; i++) {
        const aw_elemdef *e = &m->elems[i];
        if (e->mode == AW_SEG_ACTIVE) {
            uint32_t off = aw_const_eval(inst, &e->offset).u32;
            aw_trap t = aw_interp_table_init(inst, inst->tables[e->table], i, off, 0, e->count);
            if (trapped(err, s, t)) return NULL;
        }
        if (e->mode != AW_SEG_PASSIVE) mark_dropped(inst, i);
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const aw_datadef *d = &m->datas[i];
        if (d->mode != AW_SEG_ACTIVE) continue;
        uint32_t off = aw_const_eval(inst, &d->offset).u32;
        aw_trap t = aw_interp_memory_init(s, inst, i, off, 0, d->size);
        if (trapped(err, s, t)) return NULL;
        mark_dropped(inst, m->nelems + i);
    }
    aw_aot_instance_init(s, inst);
    if (m->has_start) {
        aw_status st = aw_call(s, aw_inst_func(inst, m->start), NULL, 0, NULL, 0, err);
        if (st == AW_ERR_YIELD) {
            /* nobody could resume it: the caller never gets this instance */
            aw_abort(s);
            fail(err, AW_ERR_LIMIT, "start function: instruction budget exhausted");
        }
        if (st != AW_OK) return NULL;
    }
    return inst;
}

/* Module names keep their byte length in front of them (see load.h). */
static size_t name_len(const char *s)
{
    uint32_t n;
    memcpy(&n, s - sizeof n, sizeof n);
    return n;
}

aw_status aw_instance_export(aw_instance *inst, const char *name, aw_extern *out)
{
    return aw_instance_export_n(inst, name, strlen(name), out);
}

aw_status aw_instance_export_n(aw_instance *inst, const char *name, size_t len, aw_extern *out)
{
    const aw_module *m = inst->m;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const aw_exportdef *e = &m->exports[i];
        if (name_len(e->name) != len || memcmp(e->name, name, len) != 0) continue;
        out->kind = (aw_extern_kind)e->kind;
        switch (e->kind) {
        case AW_EXTERN_FUNC: out->of.func = aw_inst_func(inst, e->index); break;
        case AW_EXTERN_TABLE: out->of.table = inst->tables[e->index]; break;
        case AW_EXTERN_MEMORY: out->of.memory = inst->mem; break;
        case AW_EXTERN_GLOBAL: out->of.global = inst->globals[e->index]; break;
        }
        return AW_OK;
    }
    return AW_ERR_NOT_FOUND;
}

aw_func *aw_instance_func(aw_instance *inst, const char *name)
{
    aw_extern e;
    if (aw_instance_export(inst, name, &e) != AW_OK || e.kind != AW_EXTERN_FUNC) return NULL;
    return e.of.func;
}

aw_memory *aw_instance_memory(aw_instance *inst, uint32_t index)
{
    return index == 0 ? inst->mem : NULL;
}

aw_store *aw_instance_store(aw_instance *inst)
{
    return inst->store;
}

/*
 * module.c - aw_module_load*(), aw_module_delete() and the module getters: owns the
 * load context, its error path, and the module's memory accounting.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aot.h"
#include "decode.h"
#include "mem.h"

_Noreturn void aw_load_fail(aw_load *L, aw_status status, const char *fmt, ...)
{
    aw_error *e = L->err;
    memset(e, 0, sizeof *e);
    e->status = status;
    e->trap = AW_TRAP_NONE;
    e->offset = L->r.pos;
    snprintf(e->section, sizeof e->section, "%s", L->section ? L->section : "module");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    longjmp(L->fail, 1);
}

void *aw_load_alloc(aw_load *L, size_t count, size_t size)
{
    void *p = aw_mem_calloc(&L->m->cfg, count, size);
    if (!p) aw_load_fail(L, AW_ERR_NOMEM, "out of memory");
    L->m->ram += count * size;
    return p;
}

char *aw_load_name_alloc(aw_load *L, uint32_t n)
{
    char *p = aw_load_alloc(L, (size_t)n + 1 + sizeof(uint32_t), 1);
    memcpy(p, &n, sizeof n);
    return p + sizeof(uint32_t);
}

void aw_name_free(const aw_config *cfg, char *s)
{
    if (!s) return;
    uint32_t n;
    memcpy(&n, s - sizeof n, sizeof n);
    aw_mem_free(cfg, s - sizeof n, (size_t)n + 1 + sizeof n);
}

uint32_t aw_custom_capacity(uint32_t n);

void aw_module_delete(aw_module *m)
{
    if (!m) return;
    aw_aot_module_free(m);
    const aw_config *cfg = &m->cfg;
    for (uint32_t i = 0; i < m->ntypes; i++) {
        aw_functype *t = &m->types[i];
        aw_mem_free(cfg, t->types, (size_t)t->nparams + t->nresults);
        aw_name_free(cfg, t->sig);
    }
    aw_mem_free(cfg, m->types, (size_t)m->ntypes * sizeof(aw_functype));
    for (uint32_t i = 0; i < m->nimports; i++) {
        aw_name_free(cfg, m->imports[i].module);
        aw_name_free(cfg, m->imports[i].name);
    }
    aw_mem_free(cfg, m->imports, (size_t)m->nimports * sizeof(aw_importdef));
    uint32_t ndefined = m->nfuncs - m->nfunc_imports;
    if (m->funcs)
        for (uint32_t i = 0; i < ndefined; i++)
            aw_mem_free(cfg, m->funcs[i].code.words, (size_t)m->funcs[i].code.nwords * 4);
    aw_mem_free(cfg, m->func_types, (size_t)m->nfuncs * sizeof(uint32_t));
    aw_mem_free(cfg, m->funcs, (size_t)ndefined * sizeof(aw_funcdef));
    aw_mem_free(cfg, m->tables, (size_t)m->ntables * sizeof(aw_tabletype));
    aw_mem_free(cfg, m->mems, (size_t)m->nmems * sizeof(aw_limits));
    aw_mem_free(cfg, m->global_types, (size_t)m->nglobals * sizeof(aw_globaltype));
    aw_mem_free(cfg, m->globals, (size_t)(m->nglobals - m->nglobal_imports) * sizeof(aw_globaldef));
    for (uint32_t i = 0; i < m->nexports; i++)
        aw_name_free(cfg, m->exports[i].name);
    aw_mem_free(cfg, m->exports, (size_t)m->nexports * sizeof(aw_exportdef));
    for (uint32_t i = 0; i < m->nelems; i++)
        aw_mem_free(cfg, m->elems[i].items, (size_t)m->elems[i].count * sizeof(aw_constexpr));
    aw_mem_free(cfg, m->elems, (size_t)m->nelems * sizeof(aw_elemdef));
    if (m->datas) aw_mem_free(cfg, m->datas, (size_t)m->ndatas * sizeof(aw_datadef));
    for (uint32_t i = 0; i < m->ncustoms; i++)
        aw_name_free(cfg, m->customs[i].name);
    if (m->customs)
        aw_mem_free(cfg, m->customs,
                    (size_t)aw_custom_capacity(m->ncustoms) * sizeof(aw_customdef));
    aw_config c = m->cfg;
    aw_mem_free(&c, m, sizeof *m);
}

/* The part of a load that may unwind: kept apart so that no local of
 * aw_module_load() is modified between setjmp and longjmp. */
static bool load_run(aw_load *L)
{
    if (setjmp(L->fail)) return false;
    aw_decode_module(L);
    return true;
}

aw_module *aw_module_load(const aw_config *cfg, aw_read_fn read, void *ctx, uint32_t size,
                          aw_error *err)
{
    aw_error dummy;
    if (!err) err = &dummy;
    memset(err, 0, sizeof *err);
    aw_config c = {0};
    if (cfg) c = *cfg;
    if (!read) {
        err->status = AW_ERR_ARGS;
        snprintf(err->msg, sizeof err->msg, "no reader");
        return NULL;
    }
    aw_module *m = aw_mem_zalloc(&c, sizeof *m);
    if (!m) {
        err->status = AW_ERR_NOMEM;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return NULL;
    }
    m->cfg = c;
    m->read = read;
    m->read_ctx = ctx;
    m->size = size;
    m->ram = sizeof *m;

    aw_load *L = aw_mem_zalloc(&c, sizeof *L);
    if (!L) {
        aw_mem_free(&c, m, sizeof *m);
        err->status = AW_ERR_NOMEM;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return NULL;
    }
    L->m = m;
    L->err = err;
    aw_rd_init(L, read, ctx, size);
    bool ok = load_run(L);
    aw_compile_free(L);
    aw_name_free(&c, L->pending_name);
    aw_mem_free(&c, L->declared, L->declared_size);
    aw_mem_free(&c, L, sizeof *L);
    if (!ok) {
        aw_module_delete(m);
        return NULL;
    }
    return m;
}

int aw_span_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
    const aw_span *b = ctx;
    if (offset > b->n || len > b->n - offset) return -1;
    memcpy(buf, b->p + offset, len);
    return 0;
}

static int buffer_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
    memcpy(buf, (const uint8_t *)ctx + offset, len);
    return 0;
}

aw_module *aw_module_load_buffer(const aw_config *cfg, const uint8_t *buf, size_t size,
                                 aw_error *err)
{
    if (size > UINT32_MAX) {
        aw_error dummy;
        if (!err) err = &dummy;
        memset(err, 0, sizeof *err);
        err->status = AW_ERR_LIMIT;
        snprintf(err->msg, sizeof err->msg, "module larger than 4 GiB");
        return NULL;
    }
    /* the reader never reads past `size`, so a cast-away const is never written */
    return aw_module_load(cfg, buffer_read, (void *)buf, (uint32_t)size, err);
}

uint32_t aw_module_import_count(const aw_module *m)
{
    return m->nimports;
}

bool aw_module_import(const aw_module *m, uint32_t i, aw_extern_desc *out)
{
    if (i >= m->nimports) return false;
    const aw_importdef *im = &m->imports[i];
    out->module = im->module;
    out->name = im->name;
    out->kind = (aw_extern_kind)im->kind;
    out->signature = im->kind == AW_EXTERN_FUNC ? m->types[im->u.type].sig : NULL;
    return true;
}

uint32_t aw_module_export_count(const aw_module *m)
{
    return m->nexports;
}

bool aw_module_export(const aw_module *m, uint32_t i, aw_extern_desc *out)
{
    if (i >= m->nexports) return false;
    const aw_exportdef *ex = &m->exports[i];
    out->module = NULL;
    out->name = ex->name;
    out->kind = (aw_extern_kind)ex->kind;
    out->signature = ex->kind == AW_EXTERN_FUNC ? m->types[m->func_types[ex->index]].sig : NULL;
    return true;
}

bool aw_module_custom_section(const aw_module *m, const char *name, uint32_t *offset,
                              uint32_t *size)
{
    for (uint32_t i = 0; i < m->ncustoms; i++) {
        if (strcmp(m->customs[i].name, name) == 0) {
            if (offset) *offset = m->customs[i].offset;
            if (size) *size = m->customs[i].size;
            return true;
        }
    }
    return false;
}

size_t aw_module_ram(const aw_module *m)
{
    return m->ram;
}

/*
 * decode.c - the section walk of the binary format: header, section order and sizes,
 * and the sections that declare types, imports, functions, tables, memories, exports,
 * the start function and custom sections. Globals, element and data segments are in
 * decode_segments.c; function bodies go to the compiler (compile.c).
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "mem.h"

/* Section ids in the order the format requires (the datacount section, id 12, sits
 * between element and code). */
enum {
    ORD_NONE,
    ORD_TYPE,
    ORD_IMPORT,
    ORD_FUNCTION,
    ORD_TABLE,
    ORD_MEMORY,
    ORD_GLOBAL,
    ORD_EXPORT,
    ORD_START,
    ORD_ELEMENT,
    ORD_DATACOUNT,
    ORD_CODE,
    ORD_DATA,
};

static const struct {
    uint8_t order;
    const char *name;
} sections[13] = {
    [0] = {0, "custom"},
    [1] = {ORD_TYPE, "type"},
    [2] = {ORD_IMPORT, "import"},
    [3] = {ORD_FUNCTION, "function"},
    [4] = {ORD_TABLE, "table"},
    [5] = {ORD_MEMORY, "memory"},
    [6] = {ORD_GLOBAL, "global"},
    [7] = {ORD_EXPORT, "export"},
    [8] = {ORD_START, "start"},
    [9] = {ORD_ELEMENT, "element"},
    [10] = {ORD_CODE, "code"},
    [11] = {ORD_DATA, "data"},
    [12] = {ORD_DATACOUNT, "datacount"},
};

bool aw_valtype_is_ref(uint8_t t)
{
    return t == AW_FUNCREF || t == AW_EXTERNREF;
}

uint8_t aw_decode_valtype(aw_load *L)
{
    uint8_t t = aw_rd_u8(L);
    switch (t) {
    case AW_I32:
    case AW_I64:
    case AW_F32:
    case AW_F64:
    case AW_FUNCREF:
    case AW_EXTERNREF: return t;
#if AW_SIMD
    case AW_V128: return t;
#else
    case AW_V128: aw_load_fail(L, AW_ERR_UNSUPPORTED, "SIMD is not supported");
#endif
    default: aw_load_fail(L, AW_ERR_MALFORMED, "malformed value type");
    }
}

uint8_t aw_decode_reftype(aw_load *L)
{
    uint8_t t = aw_rd_u8(L);
    if (!aw_valtype_is_ref(t)) aw_load_fail(L, AW_ERR_MALFORMED, "malformed reference type");
    return t;
}

/* ---- index spaces: imports first, then the module's own definitions ---- */

void aw_decode_funcs_close(aw_load *L, uint32_t ndefined)
{
    aw_module *m = L->m;
    if (m->func_types) return;
    m->nfuncs = m->nfunc_imports + ndefined;
    m->func_types = aw_load_alloc(L, m->nfuncs, sizeof(uint32_t));
    m->funcs = aw_load_alloc(L, ndefined, sizeof(aw_funcdef));
    L->declared_size = (m->nfuncs + 7) / 8;
    L->declared = aw_mem_zalloc(&m->cfg, L->declared_size);
    if (!L->declared) aw_load_fail(L, AW_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0, f = 0; i < m->nimports; i++)
        if (m->imports[i].kind == AW_EXTERN_FUNC) m->func_types[f++] = m->imports[i].u.type;
}

static void tables_close(aw_load *L, uint32_t ndefined)
{
    aw_module *m = L->m;
    if (m->tables) return;
    m->ntables = m->ntable_imports + ndefined;
    m->tables = aw_load_alloc(L, m->ntables, sizeof(aw_tabletype));
    for (uint32_t i = 0, t = 0; i < m->nimports; i++)
        if (m->imports[i].kind == AW_EXTERN_TABLE) m->tables[t++] = m->imports[i].u.table;
}

static void mems_close(aw_load *L, uint32_t ndefined)
{
    aw_module *m = L->m;
    if (m->mems) return;
    if ((uint64_t)m->nmem_imports + ndefined > 1)
        aw_load_fail(L, AW_ERR_INVALID, "multiple memories");
    m->nmems = m->nmem_imports + ndefined;
    m->mems = aw_load_alloc(L, m->nmems, sizeof(aw_limits));
    for (uint32_t i = 0, k = 0; i < m->nimports; i++)
        if (m->imports[i].kind == AW_EXTERN_MEMORY) m->mems[k++] = m->imports[i].u.memory;
}

void aw_decode_globals_close(aw_load *L, uint32_t ndefined)
{
    aw_module *m = L->m;
    if (m->global_types) return;
    m->nglobals = m->nglobal_imports + ndefined;
    m->global_types = aw_load_alloc(L, m->nglobals, sizeof(aw_globaltype));
    m->globals = aw_load_alloc(L, ndefined, sizeof(aw_globaldef));
    for (uint32_t i = 0, g = 0; i < m->nimports; i++)
        if (m->imports[i].kind == AW_EXTERN_GLOBAL) m->global_types[g++] = m->imports[i].u.global;
}

/* Sections may be absent: before decoding a section of order `ord`, the index spaces
 * of every earlier section are fixed (imports only when their section was absent). */
static void close_before(aw_load *L, int ord)
{
    if (ord > ORD_FUNCTION) aw_decode_funcs_close(L, 0);
    if (ord > ORD_TABLE) tables_close(L, 0);
    if (ord > ORD_MEMORY) mems_close(L, 0);
    if (ord > ORD_GLOBAL) aw_decode_globals_close(L, 0);
}

/* ---- types, limits ---- */

static void limits(aw_load *L, aw_limits *lim)
{
    uint8_t flags = aw_rd_u8(L);
    if (flags & 0x80) aw_load_fail(L, AW_ERR_MALFORMED, "integer representation too long");
    if (flags > 1) aw_load_fail(L, AW_ERR_MALFORMED, "integer too large");
    lim->min = aw_rd_u32(L);
    lim->has_max = flags == 1;
    lim->max = lim->has_max ? aw_rd_u32(L) : 0;
}

static void table_type(aw_load *L, aw_tabletype *t)
{
    t->elem = aw_decode_reftype(L);
    limits(L, &t->lim);
    if (t->lim.has_max && t->lim.min > t->lim.max)
        aw_load_fail(L, AW_ERR_INVALID, "size minimum must not be greater than maximum");
}

static void memory_type(aw_load *L, aw_limits *lim)
{
    limits(L, lim);
    if (lim->min > 65536 || (lim->has_max && lim->max > 65536))
        aw_load_fail(L, AW_ERR_INVALID, "memory size must be at most 65536 pages (4GiB)");
    if (lim->has_max && lim->min > lim->max)
        aw_load_fail(L, AW_ERR_INVALID, "size minimum must not be greater than maximum");
}

void aw_decode_globaltype(aw_load *L, aw_globaltype *g)
{
    g->type = aw_decode_valtype(L);
    uint8_t mut = aw_rd_u8(L);
    if (mut > 1) aw_load_fail(L, AW_ERR_MALFORMED, "malformed mutability");
    g->mut = mut;
}

static char sig_letter(uint8_t t)
{
    switch (t) {
    case AW_I32: return 'i';
    case AW_I64: return 'I';
    case AW_F32: return 'f';
    case AW_F64: return 'F';
    case AW_FUNCREF: return 'r';
    case AW_V128: return 'V';
    default: return 'e';
    }
}

static void type_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    m->types = aw_load_alloc(L, n, sizeof(aw_functype));
    m->ntypes = n;
    for (uint32_t i = 0; i < n; i++) {
        aw_functype *ft = &m->types[i];
        if (aw_rd_u8(L) != 0x60)
            aw_load_fail(L, AW_ERR_MALFORMED, "integer representation too long");
        /* each vector was checked against the section, so the sizes are bounded */
        uint32_t np = aw_rd_count(L, 1);
        ft->types = aw_load_alloc(L, np, 1);
        ft->nparams = np;
        for (uint32_t k = 0; k < np; k++)
            ft->types[k] = aw_decode_valtype(L);
        uint32_t nr = aw_rd_count(L, 1);
        if (nr) {
            /* sizes as aw_mem_zalloc made them: a zero-size block is one byte */
            uint8_t *t = aw_mem_realloc(&m->cfg, ft->types, np ? np : 1, (size_t)np + nr);
            if (!t) aw_load_fail(L, AW_ERR_NOMEM, "out of memory");
            memset(t + np, 0, nr);
            m->ram += (size_t)np + nr - (np ? np : 1);
            ft->types = t;
            ft->nresults = nr;
        }
        for (uint32_t k = 0; k < nr; k++)
            ft->types[np + k] = aw_decode_valtype(L);
        ft->pslots = np, ft->rslots = nr;
#if AW_SIMD
        for (uint32_t k = 0; k < np + nr; k++)
            if (ft->types[k] == AW_V128) ++*(k < np ? &ft->pslots : &ft->rslots);
#endif
        char *sig = aw_load_name_alloc(L, np + nr + 2);
        uint32_t j = 0;
        sig[j++] = '(';
        for (uint32_t k = 0; k < np; k++)
            sig[j++] = sig_letter(ft->types[k]);
        sig[j++] = ')';
        for (uint32_t k = 0; k < nr; k++)
            sig[j++] = sig_letter(ft->types[np + k]);
        ft->sig = sig;
    }
}

static void import_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    m->imports = aw_load_alloc(L, n, sizeof(aw_importdef));
    m->nimports = n;
    for (uint32_t i = 0; i < n; i++) {
        aw_importdef *im = &m->imports[i];
        im->module = aw_rd_name(L);
        im->name = aw_rd_name(L);
        uint8_t kind = aw_rd_u8(L);
        switch (kind) {
        case AW_EXTERN_FUNC:
            im->u.type = aw_rd_u32(L);
            if (im->u.type >= m->ntypes)
                aw_load_fail(L, AW_ERR_INVALID, "unknown type %u", (unsigned)im->u.type);
            m->nfunc_imports++;
            break;
        case AW_EXTERN_TABLE:
            table_type(L, &im->u.table);
            m->ntable_imports++;
            break;
        case AW_EXTERN_MEMORY:
            memory_type(L, &im->u.memory);
            m->nmem_imports++;
            break;
        case AW_EXTERN_GLOBAL:
            aw_decode_globaltype(L, &im->u.global);
            m->nglobal_imports++;
            break;
        default: aw_load_fail(L, AW_ERR_MALFORMED, "malformed import kind");
        }
        im->kind = kind;
    }
}

static void function_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    aw_decode_funcs_close(L, n);
    L->nfunc_decl = n;
    L->have_func_section = true;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = aw_rd_u32(L);
        if (t >= m->ntypes) aw_load_fail(L, AW_ERR_INVALID, "unknown type %u", (unsigned)t);
        m->func_types[m->nfunc_imports + i] = t;
        m->funcs[i].type = t;
    }
}

static void table_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    tables_close(L, n);
    for (uint32_t i = 0; i < n; i++)
        table_type(L, &m->tables[m->ntable_imports + i]);
}

static void memory_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    mems_close(L, n);
    for (uint32_t i = 0; i < n; i++)
        memory_type(L, &m->mems[m->nmem_imports + i]);
}

/* Names may contain NUL, so they compare by their stored length. */
static int name_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    uint32_t lx, ly;
    memcpy(&lx, x - sizeof(uint32_t), sizeof lx);
    memcpy(&ly, y - sizeof(uint32_t), sizeof ly);
    int c = memcmp(x, y, lx < ly ? lx : ly);
    if (c) return c;
    return lx < ly ? -1 : lx > ly;
}

static void export_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_count(L, 1);
    m->exports = aw_load_alloc(L, n, sizeof(aw_exportdef));
    m->nexports = n;
    for (uint32_t i = 0; i < n; i++) {
        aw_exportdef *ex = &m->exports[i];
        ex->name = aw_rd_name(L);
        uint8_t kind = aw_rd_u8(L);
        uint32_t idx = aw_rd_u32(L);
        static const char *const what[] = {"function", "table", "memory", "global"};
        uint32_t limit;
        switch (kind) {
        case AW_EXTERN_FUNC: limit = m->nfuncs; break;
        case AW_EXTERN_TABLE: limit = m->ntables; break;
        case AW_EXTERN_MEMORY: limit = m->nmems; break;
        case AW_EXTERN_GLOBAL: limit = m->nglobals; break;
        default: aw_load_fail(L, AW_ERR_MALFORMED, "malformed export kind");
        }
        if (idx >= limit)
            aw_load_fail(L, AW_ERR_INVALID, "unknown %s %u", what[kind], (unsigned)idx);
        if (kind == AW_EXTERN_FUNC) aw_decode_declare(L, idx);
        ex->kind = kind;
        ex->index = idx;
    }
    if (n < 2) return;
    /* uniqueness: sort a scratch array of the names and compare neighbours */
    char **names = aw_mem_calloc(&m->cfg, n, sizeof(char *));
    if (!names) aw_load_fail(L, AW_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++)
        names[i] = m->exports[i].name;
    qsort(names, n, sizeof(char *), name_cmp);
    bool dup = false;
    for (uint32_t i = 1; i < n && !dup; i++)
        dup = name_cmp(&names[i - 1], &names[i]) == 0;
    aw_mem_free(&m->cfg, names, (size_t)n * sizeof(char *));
    if (dup) aw_load_fail(L, AW_ERR_INVALID, "duplicate export name");
}

static void start_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t f = aw_rd_u32(L);
    if (f >= m->nfuncs) aw_load_fail(L, AW_ERR_INVALID, "unknown function %u", (unsigned)f);
    const aw_functype *ft = &m->types[m->func_types[f]];
    if (ft->nparams || ft->nresults) aw_load_fail(L, AW_ERR_INVALID, "start function");
    m->has_start = true;
    m->start = f;
}

static void datacount_section(aw_load *L)
{
    L->m->ndatas = aw_rd_u32(L);
    L->m->has_datacount = true;
}

static void code_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t n = aw_rd_u32(L);
    if (n != L->nfunc_decl)
        aw_load_fail(L, AW_ERR_MALFORMED, "function and code section have inconsistent lengths");
    uint32_t section_end = L->r.end;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t size = aw_rd_u32(L);
        if (size > aw_rd_left(L))
            aw_load_fail(L, AW_ERR_MALFORMED, "unexpected end of section or function");
        L->r.end = L->r.pos + size;
        aw_compile_body(L, m->nfunc_imports + i);
        if (L->r.pos != L->r.end) aw_load_fail(L, AW_ERR_MALFORMED, "section size mismatch");
        L->r.end = section_end;
    }
    L->have_func_section = false; /* bodies matched: nothing left to check at the end */
}

/* Custom sections are kept in an array grown by doubling; its capacity is derived
 * from the count so that aw_module_delete() frees it with the size it has. */
uint32_t aw_custom_capacity(uint32_t n)
{
    uint32_t c = 4;
    while (c < n)
        c *= 2;
    return c;
}

static void custom_section(aw_load *L)
{
    aw_module *m = L->m;
    uint32_t cap = aw_custom_capacity(m->ncustoms);
    if (!m->customs || m->ncustoms == cap) {
        uint32_t ncap = m->customs ? cap * 2 : cap;
        aw_customdef *c = aw_load_alloc(L, ncap, sizeof(aw_customdef));
        if (m->customs) {
            memcpy(c, m->customs, (size_t)m->ncustoms * sizeof(aw_customdef));
            aw_mem_free(&m->cfg, m->customs, (size_t)cap * sizeof(aw_customdef));
            m->ram -= (size_t)cap * sizeof(aw_customdef);
        }
        m->customs = c;
    }
    /* Claim the slot before reading the name: if that read fails, the count must
     * already match the capacity just allocated, or the delete frees the wrong size. */
    aw_customdef *c = &m->customs[m->ncustoms++];
    c->name = NULL;
    c->name = aw_rd_name(L);
    c->offset = L->r.pos;
    c->size = aw_rd_left(L);
    L->r.pos = L->r.end;
}

void aw_decode_module(aw_load *L)
{
    aw_module *m = L->m;
    L->section = "header";
    uint8_t hdr[4];
    aw_rd_bytes(L, hdr, 4);
    if (memcmp(hdr, "\0asm", 4) != 0)
        aw_load_fail(L, AW_ERR_MALFORMED, "magic header not detected");
    aw_rd_bytes(L, hdr, 4);
    if (memcmp(hdr, "\1\0\0\0", 4) != 0)
        aw_load_fail(L, AW_ERR_MALFORMED, "unknown binary version");

    int last = ORD_NONE;
    while (L->r.pos < m->size) {
        L->section = "module";
        uint8_t id = aw_rd_u8(L);
        if (id > 12) aw_load_fail(L, AW_ERR_MALFORMED, "malformed section id");
        L->section = sections[id].name;
        uint32_t size = aw_rd_u32(L);
        if (size > aw_rd_left(L)) aw_load_fail(L, AW_ERR_MALFORMED, "length out of bounds");
        int ord = sections[id].order;
        if (id != 0) {
            if (ord <= last)
                aw_load_fail(L, AW_ERR_MALFORMED, "unexpected content after last section");
            last = ord;
            close_before(L, ord);
        }
        L->r.end = L->r.pos + size;
        L->in_section = true;
        switch (id) {
        case 0: custom_section(L); break;
        case 1: type_section(L); break;
        case 2: import_section(L); break;
        case 3: function_section(L); break;
        case 4: table_section(L); break;
        case 5: memory_section(L); break;
        case 6: aw_decode_global_section(L); break;
        case 7: export_section(L); break;
        case 8: start_section(L); break;
        case 9: aw_decode_element_section(L); break;
        case 10: code_section(L); break;
        case 11: aw_decode_data_section(L); break;
        case 12: datacount_section(L); break;
        }
        if (L->r.pos != L->r.end) aw_load_fail(L, AW_ERR_MALFORMED, "section size mismatch");
        L->r.end = m->size;
        L->in_section = false;
    }
    L->section = "module";
    close_before(L, ORD_DATA + 1);
    if (L->have_func_section && L->nfunc_decl > 0)
        aw_load_fail(L, AW_ERR_MALFORMED, "function and code section have inconsistent lengths");
    if (L->datacount_use) {
        L->section = "code";
        L->r.pos = L->datacount_use;
        if (L->saw_data) aw_load_fail(L, AW_ERR_MALFORMED, "data count section required");
        aw_load_fail(L, AW_ERR_INVALID, "unknown data segment %u", (unsigned)L->datacount_index);
    }
    if (m->has_datacount && m->ndatas > 0 && !m->datas)
        aw_load_fail(L, AW_ERR_MALFORMED, "data count and data section have inconsistent lengths");
    if (L->blocktype_use) {
        L->section = "code";
        L->r.pos = L->blocktype_use;
        aw_load_fail(L, AW_ERR_INVALID, "unknown type %u", (unsigned)L->blocktype_index);
    }
}

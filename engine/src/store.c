/*
 * store.c - stores and the externs they own: host functions, memories, tables,
 * globals. Every object is a block on the store's list, freed all at once.
 */
#include <string.h>

#include "mem.h"
#include "runtime.h"

#define PAGE 65536u

/* The config the operand stack is allocated with: its own hook when given. */
static aw_config stack_cfg(const aw_config *c)
{
    aw_config sc = *c;
    if (c->stack_realloc) sc.realloc = c->stack_realloc;
    return sc;
}

void *aw_store_alloc(aw_store *s, size_t n)
{
    if (n > SIZE_MAX - sizeof(aw_block)) return NULL;
    aw_block *b = aw_mem_zalloc(&s->cfg, sizeof(aw_block) + n);
    if (!b) return NULL;
    b->size = sizeof(aw_block) + n;
    b->next = s->blocks;
    s->blocks = b;
    return b + 1;
}

aw_store *aw_store_new(const aw_config *cfg)
{
    aw_config c = {0};
    if (cfg) c = *cfg;
    if (!c.max_memory_pages || c.max_memory_pages > 65536) c.max_memory_pages = 65536;
    if (!c.max_table_elems) c.max_table_elems = 10000000;
    if (!c.stack_slots) c.stack_slots = 65536;
    if (!c.max_call_depth) c.max_call_depth = 10000;
    /* room for the sentinels of nested calls without wrapping frames_cap */
    if (c.max_call_depth > UINT32_MAX - AW_MAX_NESTING - 1)
        c.max_call_depth = UINT32_MAX - AW_MAX_NESTING - 1;
    aw_store *s = aw_mem_zalloc(&c, sizeof *s);
    if (!s) return NULL;
    s->cfg = c;
    s->max_depth = c.max_call_depth;
    s->frames_cap = c.max_call_depth + AW_MAX_NESTING + 1;
    /* the operand stack too starts small (a block with its size in front, so that a
     * replaced stack can wait on the retired list) */
    s->stack_alloc = c.stack_slots < AW_STACK_INITIAL ? c.stack_slots : AW_STACK_INITIAL;
    aw_config sc = stack_cfg(&c);
    aw_block *sb = aw_mem_zalloc(&sc, sizeof(aw_block) + (size_t)s->stack_alloc * sizeof(aw_val));
    if (sb) {
        sb->size = sizeof(aw_block) + (size_t)s->stack_alloc * sizeof(aw_val);
        s->stack = (aw_val *)(sb + 1);
    }
    /* the frame stack starts small and doubles on demand: most apps never come near
     * max_call_depth, and every frame costs RAM on a microcontroller */
    s->frames_alloc = s->frames_cap < AW_FRAMES_INITIAL ? s->frames_cap : AW_FRAMES_INITIAL;
    s->frames = aw_mem_calloc(&c, s->frames_alloc, sizeof(aw_frame));
    if (!s->stack || !s->frames) {
        aw_store_delete(s);
        return NULL;
    }
    s->stack_end = s->stack + s->stack_alloc;
    s->top = s->stack;
    s->slot_peak = s->stack;
    s->frames_end = s->frames + (s->frames_alloc < s->max_depth ? s->frames_alloc : s->max_depth);
    atomic_init(&s->interrupt, 0);
    return s;
}

void aw_store_delete(aw_store *s)
{
    if (!s) return;
    const aw_config *c = &s->cfg;
    for (aw_memory *m = s->memories; m; m = m->next)
        if (m->guard)
            c->vmem->release(c->vmem->ctx, m->data, AW_VMEM_RESERVE, m->size);
        else
            aw_mem_free(c, m->data, (size_t)m->size);
    for (aw_table *t = s->tables; t; t = t->next)
        aw_mem_free(c, t->elems, (size_t)t->size * sizeof(void *));
    for (aw_block *b = s->blocks, *next; b; b = next) {
        next = b->next;
        aw_mem_free(c, b, b->size);
    }
    aw_store_stack_retire_free(s);
    if (s->stack) {
        aw_config sc = stack_cfg(c);
        aw_block *sb = (aw_block *)(void *)s->stack - 1;
        aw_mem_free(&sc, sb, sb->size);
    }
    aw_mem_free(c, s->frames, (size_t)s->frames_alloc * sizeof(aw_frame));
    aw_config copy = *c;
    aw_mem_free(&copy, s, sizeof *s);
}

bool aw_store_frames_grow(aw_store *s)
{
    if (s->frames_alloc >= s->frames_cap) return false;
    uint32_t n = s->frames_alloc * 2;
    if (n > s->frames_cap || n < s->frames_alloc) n = s->frames_cap;
    if ((uint64_t)n * sizeof(aw_frame) > SIZE_MAX) return false;
    aw_frame *f = aw_mem_realloc(&s->cfg, s->frames, (size_t)s->frames_alloc * sizeof(aw_frame),
                                 (size_t)n * sizeof(aw_frame));
    if (!f) return false;
    s->frames = f;
    s->frames_alloc = n;
    s->frames_end = f + (n < s->max_depth ? n : s->max_depth);
    return true;
}

/* An address inside [lo, lo + bytes] (the old stack, compared as an integer: it may be
 * freed already) moved to the same place in `to`. */
static void relocate(aw_val **p, uintptr_t lo, size_t bytes, aw_val *to)
{
    uintptr_t a = (uintptr_t)*p;
    if (*p && a >= lo && a <= lo + bytes) *p = to + (a - lo) / sizeof(aw_val);
}

bool aw_store_stack_grow(aw_store *s, size_t need, bool keep_old)
{
    size_t limit = s->cfg.stack_slots, n = s->stack_alloc;
    if (need > limit) return false;
    if (need <= n) return true;
    while (n < need && n < limit)
        n = n > limit / 2 ? limit : n * 2;
    size_t had = s->stack_alloc, bytes = sizeof(aw_block) + n * sizeof(aw_val);
    aw_config sc = stack_cfg(&s->cfg);
    aw_block *ob = (aw_block *)(void *)s->stack - 1, *nb;
    uintptr_t lo = (uintptr_t)s->stack;
    if (keep_old) {
        /* a new block and a copy; the old one waits on the retired list */
        nb = aw_mem_zalloc(&sc, bytes);
        if (!nb) return false;
        memcpy(nb + 1, s->stack, had * sizeof(aw_val));
        ob->next = s->retired;
        s->retired = ob;
    } else {
        /* a realloc: the embedder charges only the growth (a quota full but for the
         * stack's own share can still give it) */
        nb = aw_mem_realloc(&sc, ob, ob->size, bytes);
        if (!nb) return false;
        memset((aw_val *)(nb + 1) + had, 0, (n - had) * sizeof(aw_val));
    }
    nb->size = bytes;
    aw_val *to = (aw_val *)(nb + 1);
    size_t span = had * sizeof(aw_val);
    for (uint32_t i = 0; i < s->nframes; i++)
        if (s->frames[i].code) relocate(&s->frames[i].fp, lo, span, to);
    relocate(&s->top, lo, span, to);
    relocate(&s->slot_peak, lo, span, to);
    relocate(&s->susp.base, lo, span, to);
    relocate(&s->susp.fp, lo, span, to);
    s->stack = to;
    s->stack_alloc = (uint32_t)n;
    s->stack_end = to + n;
    return true;
}

const aw_val *aw_store_stack_of(const aw_store *s, const aw_val *p)
{
    /* compared as integers: the blocks are distinct objects */
    uintptr_t a = (uintptr_t)p;
    for (const aw_block *b = s->retired; b; b = b->next) {
        uintptr_t lo = (uintptr_t)(b + 1), hi = (uintptr_t)b + b->size;
        if (a >= lo && a <= hi) return (const aw_val *)(b + 1);
    }
    return s->stack;
}

void aw_store_stack_retire_free(aw_store *s)
{
    aw_config sc = stack_cfg(&s->cfg);
    for (aw_block *b = s->retired, *next; b; b = next) {
        next = b->next;
        aw_mem_free(&sc, b, b->size);
    }
    s->retired = NULL;
}

bool aw_functype_eq(const aw_functype *a, const aw_functype *b)
{
    if (a == b) return true;
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           memcmp(a->types, b->types, a->nparams + a->nresults) == 0;
}

/* ---- host functions ---- */

static int sig_type(char c)
{
    switch (c) {
    case 'i': return AW_I32;
    case 'I': return AW_I64;
    case 'f': return AW_F32;
    case 'F': return AW_F64;
    case 'r': return AW_FUNCREF;
    case 'e': return AW_EXTERNREF;
    }
    return -1;
}

aw_func *aw_host_func_new(aw_store *s, const char *signature, aw_host_fn fn, void *user)
{
    if (!s || !signature || !fn || signature[0] != '(') return NULL;
    const char *close = strchr(signature, ')');
    if (!close) return NULL;
    size_t np = (size_t)(close - signature - 1), nr = strlen(close + 1);
    if (np + nr > 1000) return NULL;
    aw_hostfunc *h = aw_store_alloc(s, sizeof *h + np + nr + np + nr + 4);
    if (!h) return NULL;
    uint8_t *types = (uint8_t *)(h + 1);
    char *sig = (char *)types + np + nr;
    for (size_t i = 0; i < np + nr; i++) {
        char c = i < np ? signature[1 + i] : close[1 + i - np];
        int t = sig_type(c);
        if (t < 0) return NULL; /* the block stays on the store's list until it is freed */
        types[i] = (uint8_t)t;
    }
    memcpy(sig, signature, np + nr + 2);
    h->type.nparams = (uint32_t)np;
    h->type.nresults = (uint32_t)nr;
    h->type.pslots = (uint32_t)np; /* no v128 in host signatures */
    h->type.rslots = (uint32_t)nr;
    h->type.types = types;
    h->type.sig = sig;
    h->base.type = &h->type;
    h->base.inst = NULL;
    h->fn = fn;
    h->user = user;
    return &h->base;
}

void aw_func_type(const aw_func *f, uint32_t *nparams, const uint8_t **params, uint32_t *nresults,
                  const uint8_t **results)
{
    const aw_functype *t = f->type;
    if (nparams) *nparams = t->nparams;
    if (params) *params = t->types;
    if (nresults) *nresults = t->nresults;
    if (results) *results = t->types + t->nparams;
}

const char *aw_func_signature(const aw_func *f)
{
    return f->type->sig;
}

/* ---- memories ---- */

aw_memory *aw_store_memory_make(aw_store *s, uint32_t min, uint32_t max, bool has_max)
{
    uint32_t cap = s->cfg.max_memory_pages;
    if (min > cap || (has_max && max < min)) return NULL;
    aw_memory *m = aw_store_alloc(s, sizeof *m);
    if (!m) return NULL;
    m->store = s;
    m->has_max = has_max;
    m->decl_max = has_max ? max : 65536;
    m->max = has_max && max < cap ? max : cap;
    const aw_vmem *v = s->cfg.vmem;
    if (v && sizeof(void *) == 8) {
        /* a reservation the memory grows in place in (guard pages); if refused, or if
         * the first pages cannot be committed, an ordinary allocation */
        uint8_t *base = v->reserve(v->ctx, AW_VMEM_RESERVE);
        if (base && (!min || v->commit(v->ctx, base, 0, (uint64_t)min * PAGE) == 0)) {
            m->data = base;
            m->guard = true;
            m->size = (uint64_t)min * PAGE;
            m->pages = min;
            m->next = s->memories;
            s->memories = m;
            return m;
        }
        if (base) v->release(v->ctx, base, AW_VMEM_RESERVE, 0);
    }
    if (min) {
        uint64_t bytes = (uint64_t)min * PAGE;
        if (bytes > SIZE_MAX) return NULL;
        m->data = aw_mem_zalloc(&s->cfg, (size_t)bytes);
        if (!m->data) return NULL;
        m->size = bytes;
        m->pages = min;
    }
    m->next = s->memories;
    s->memories = m;
    return m;
}

aw_memory *aw_memory_new(aw_store *s, uint32_t min_pages, uint32_t max_pages, bool has_max)
{
    if (!s || min_pages > 65536 || (has_max && max_pages > 65536)) return NULL;
    return aw_store_memory_make(s, min_pages, max_pages, has_max);
}

int32_t aw_memory_grow_host(aw_memory *m, uint32_t delta)
{
    uint32_t cap = m->store->cfg.max_memory_pages, saved = m->max;
    if (delta > cap - m->pages) return -1;
    if (m->max < m->pages + delta) m->max = m->pages + delta;
    int32_t old = aw_memory_grow(m, delta);
    if (old < 0) m->max = saved;
    return old;
}

int32_t aw_memory_grow(aw_memory *m, uint32_t delta)
{
    uint32_t old = m->pages;
    if (delta == 0) return (int32_t)old;
    if (delta > m->max - old) return -1;
    uint64_t bytes = (uint64_t)(old + delta) * PAGE;
    if (bytes > SIZE_MAX) return -1;
    const aw_config *c = &m->store->cfg;
    uint8_t *p;
    if (m->guard) {
        /* in place: native code keeps its base */
        if (c->vmem->commit(c->vmem->ctx, m->data, m->size, bytes) != 0) return -1;
        m->size = bytes;
        m->pages = old + delta;
        return (int32_t)old;
    }
    if (m->data) {
        p = aw_mem_realloc(c, m->data, (size_t)m->size, (size_t)bytes);
    } else {
        p = aw_mem_realloc(c, NULL, 0, (size_t)bytes);
    }
    if (!p) return -1;
    memset(p + m->size, 0, (size_t)(bytes - m->size));
    m->data = p;
    m->size = bytes;
    m->pages = old + delta;
    return (int32_t)old;
}

void *aw_memory_ptr(aw_memory *m, uint64_t offset, uint64_t len)
{
    if (!m || offset > m->size || len > m->size - offset || !m->data) return NULL;
    return m->data + offset;
}

uint64_t aw_memory_size(const aw_memory *m)
{
    return m->size;
}

uint32_t aw_memory_pages(const aw_memory *m)
{
    return m->pages;
}

/* ---- tables ---- */

aw_table *aw_store_table_make(aw_store *s, uint8_t elem, uint32_t min, uint32_t max, bool has_max)
{
    uint32_t cap = s->cfg.max_table_elems;
    if (min > cap || (has_max && max < min)) return NULL;
    aw_table *t = aw_store_alloc(s, sizeof *t);
    if (!t) return NULL;
    t->store = s;
    t->elem = elem;
    t->has_max = has_max;
    t->decl_max = has_max ? max : UINT32_MAX;
    t->max = has_max && max < cap ? max : cap;
    if (min) {
        t->elems = aw_mem_calloc(&s->cfg, min, sizeof(void *));
        if (!t->elems) return NULL;
        t->size = min;
    }
    t->next = s->tables;
    s->tables = t;
    return t;
}

aw_table *aw_table_new(aw_store *s, aw_valtype elem, uint32_t min, uint32_t max, bool has_max)
{
    if (!s || (elem != AW_FUNCREF && elem != AW_EXTERNREF)) return NULL;
    return aw_store_table_make(s, (uint8_t)elem, min, max, has_max);
}

int32_t aw_table_grow_by(aw_table *t, uint32_t n, void *init)
{
    uint32_t old = t->size;
    if (n > t->max - old || old + n > INT32_MAX) return -1;
    if (n == 0) return (int32_t)old;
    size_t nsize = (size_t)(old + n);
    if (nsize > SIZE_MAX / sizeof(void *)) return -1;
    void **p =
        aw_mem_realloc(&t->store->cfg, t->elems, old * sizeof(void *), nsize * sizeof(void *));
    if (!p) return -1;
    for (uint32_t i = old; i < old + n; i++)
        p[i] = init;
    t->elems = p;
    t->size = old + n;
    return (int32_t)old;
}

uint32_t aw_table_size(const aw_table *t)
{
    return t->size;
}

bool aw_table_get(const aw_table *t, uint32_t i, aw_val *out)
{
    if (i >= t->size) return false;
    out->ref = t->elems[i];
    return true;
}

bool aw_table_set(aw_table *t, uint32_t i, aw_val v)
{
    if (i >= t->size) return false;
    t->elems[i] = v.ref;
    return true;
}

/* ---- globals ---- */

aw_global *aw_global_new(aw_store *s, aw_valtype type, bool mutable_, aw_val value)
{
    if (!s) return NULL;
    switch (type) {
    case AW_I32:
    case AW_I64:
    case AW_F32:
    case AW_F64:
    case AW_FUNCREF:
    case AW_EXTERNREF: break;
    default: return NULL;
    }
    aw_global *g = aw_store_alloc(s, sizeof *g);
    if (!g) return NULL;
    g->type = (uint8_t)type;
    g->mut = mutable_;
    g->val = value;
    return g;
}

aw_valtype aw_global_type(const aw_global *g)
{
    return (aw_valtype)g->type;
}

aw_val aw_global_get(const aw_global *g)
{
    return g->val;
}

bool aw_global_set(aw_global *g, aw_val v)
{
    if (!g->mut || g->type == AW_V128) return false;
    g->val = v;
    return true;
}

bool aw_global_get_v128(const aw_global *g, uint8_t out[16])
{
    if (g->type != AW_V128) return false;
    memcpy(out, g->val.ref, 16);
    return true;
}

bool aw_simd_supported(void)
{
    return AW_SIMD != 0;
}

/*
 * aot_rt.c - what native code runs with: its per-instance context, the call from the
 * embedding API into it (aw_aot_run) and the runtime helpers it calls (traps,
 * interrupts, imports, indirect calls, bulk memory and tables), with the interpreter's
 * semantics and trap reasons.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "aot.h"
#include "numeric.h"

/* Native stack kept free below the limit for helpers and host functions. */
#if defined(__x86_64__)
#define AW_AOT_STACK_RESERVE 8192u
#else /* an MCU: app threads of a few KiB; leaf functions there have small frames */
#define AW_AOT_STACK_RESERVE 1024u
#endif

void aw_store_set_native_stack(aw_store *s, size_t bytes)
{
    if (s) s->aot_stack = bytes;
}

/* What call_indirect's inline check reads (translate.c declares them as its own). */
_Static_assert(offsetof(aw_table, elems) == 0 && offsetof(aw_table, size) == sizeof(void *),
               "generated code reads aw_table as {elems, size}");
_Static_assert(offsetof(aw_func, aot_key) == 3 * sizeof(void *) &&
                   offsetof(aw_func, aot_fn) == 4 * sizeof(void *),
               "generated code reads aw_func as {type, inst, code, aot_key, aot_fn}");
_Static_assert(offsetof(aw_aot_ctx, tables) == 4 * sizeof(void *),
               "generated code reads the context as {intr, stack_limit, mem, g, tables}");

void aw_aot_instance_init(aw_store *s, aw_instance *inst)
{
    const aw_module *m = inst->m;
    if (!m->aot) return;
    if (m->aot->guard && inst->mem && !inst->mem->guard) return;
    if (m->aot->async && !s->cfg.async_intr) return; /* nobody would interrupt its loops */
    /* at least ntypes bytes: the keys c + t (t < ntypes) then lie inside this block, so
     * no two (context, type) pairs of the store share a key */
    aw_aot_ctx *c = aw_store_alloc(s, sizeof *c > m->ntypes ? sizeof *c : m->ntypes);
    if (!c) return;
    c->intr = &s->interrupt;
    c->left = s->max_depth;
    c->mem = inst->mem;
    c->g = inst->globals;
    c->tables = inst->tables;
    c->inst = inst;
    for (uint32_t k = 0; k < inst->nfrefs; k++) {
        uint32_t def = inst->fref_idx[k] - inst->nfimp;
        inst->frefs[k].aot_fn = aw_aot_entry(m->aot, def); /* absolute, also for a PIC image */
        inst->frefs[k].aot_key = (uintptr_t)c + m->aot->funcs[def].type;
    }
    c->s = s;
    c->am = m->aot;
    inst->aot = c;
    c->next = atomic_load(&s->aot_ctxs);
    atomic_store(&s->aot_ctxs, c); /* an interrupt may walk the list from another thread */
}

void aw_aot_interrupt(aw_store *s, bool on)
{
#if AW_AOT_FOLD_INTERRUPT
    for (aw_aot_ctx *c = atomic_load(&s->aot_ctxs); c; c = atomic_load(&c->next))
        atomic_store(&c->stack_limit, on ? UINTPTR_MAX : s->aot_stack_limit);
    /* an interrupt between the flag's clearing and the limits put back stays raised */
    if (!on && atomic_load(&s->interrupt)) aw_aot_interrupt(s, true);
#endif
    /* after the flag's store (sequentially consistent), as aw_aot_run stores the thread
     * before it reads the flag: either the run sees the flag or this sees the thread */
    uintptr_t t = on && s->cfg.async_intr ? atomic_load(&s->aot_thread) : 0;
    if (t) s->cfg.async_intr->kick(t);
}

const char *aw_instance_tier(const aw_instance *inst)
{
    return inst && inst->aot ? inst->m->aot->tier : "interp";
}

static _Noreturn void trap(aw_aot_ctx *c, aw_trap t)
{
    c->s->trap = t;
    longjmp(*c->jb, 1);
}

#if defined(__x86_64__)
/* The context whose native code this thread runs (innermost aw_aot_run), for faults. */
static _Thread_local aw_aot_ctx *running;
#define AW_AOT_GUARD 1

int aw_aot_fault(const void *addr, const void *pc)
{
    aw_aot_ctx *c = running;
    if (!c || !c->mem || !c->mem->guard) return 0;
    uintptr_t a = (uintptr_t)addr, p = (uintptr_t)pc, img = (uintptr_t)c->am->image;
    uintptr_t base = (uintptr_t)c->mem->data;
    if (p < img || p - img >= c->am->size || a < base || a - base >= AW_VMEM_RESERVE) return 0;
    trap(c, AW_TRAP_MEMORY_OOB);
}

int aw_aot_interrupt_pc(const void *pc)
{
    aw_aot_ctx *c = running;
    if (!c || !atomic_load(c->intr)) return 0;
    uintptr_t p = (uintptr_t)pc, img = (uintptr_t)c->am->image;
    /* c->jb is this run's from before the code was entered (running is set before it,
     * and put back after the code returned, where the instruction is not in the image) */
    if (p >= img && p - img < c->am->size) trap(c, AW_TRAP_INTERRUPTED);
    return 1;
}
#else
#define AW_AOT_GUARD 0

int aw_aot_fault(const void *addr, const void *pc)
{
    (void)addr, (void)pc;
    return 0;
}

int aw_aot_interrupt_pc(const void *pc)
{
    (void)pc;
    return 0;
}
#endif

#if defined(__thumb2__) && defined(__ARM_ARCH_7EM__)
/* The way into native code compiled -fpic -msingle-pic-base -mpic-register=r9: calls
 * w(c, fn, io, left) with r9 = slots (the image's slot table), and gives the caller its
 * r9 back (callee-saved in the AAPCS: the firmware, not built with a fixed r9, keeps it
 * across every helper and host function the code calls, and a nested run for another
 * instance sets and restores its own; a trap's longjmp restores the r9 of its setjmp). */
__attribute__((naked, noinline)) static void enter(aw_aot_ctx *c, void *fn, aw_val *io,
                                                   uint32_t left, aw_aot_wrap w, void **slots)
{
    (void)c, (void)fn, (void)io, (void)left, (void)w, (void)slots;
    __asm__ volatile("push {r9, lr}\n\t"
                     "ldr ip, [sp, #8]\n\t"
                     "ldr r9, [sp, #12]\n\t"
                     "blx ip\n\t"
                     "pop {r9, pc}\n\t");
}
#define AW_AOT_ENTER(am, w, c, fn, io, left) enter(c, fn, io, left, w, (am)->slots)
#else
#define AW_AOT_ENTER(am, w, c, fn, io, left) (w)(c, fn, io, left)
#endif

aw_status aw_aot_run(aw_store *s, const aw_func *f, aw_val *io)
{
    aw_aot_ctx *c = f->inst->aot;
    const aw_instance *inst = f->inst;
    uint32_t k = (uint32_t)(f - inst->frefs);
    uint32_t def = inst->fref_idx[k] - inst->nfimp;
    const struct aw_aot_module *am = c->am;
    jmp_buf jb;
    jmp_buf *volatile saved_jb = c->jb;
    volatile uint32_t saved_left = c->left;
#if AW_AOT_GUARD
    aw_aot_ctx *volatile saved_running = running;
    running = c;
    /* code without loop-header polls: the interrupter signals this thread */
    const aw_async_intr *ai = am->async ? s->cfg.async_intr : NULL;
    volatile uintptr_t saved_thread = 0;
    if (ai) {
        saved_thread = atomic_load(&s->aot_thread);
        atomic_store(&s->aot_thread, ai->self());
    }
#endif
    volatile uintptr_t here = (uintptr_t)&jb;
    if (s->nest == 1) {
        size_t budget = s->aot_stack ? s->aot_stack : AW_AOT_STACK_DEFAULT;
        s->aot_stack_limit = budget > AW_AOT_STACK_RESERVE && here > budget
                                 ? here - budget + AW_AOT_STACK_RESERVE
                                 : here;
    }
    atomic_store(&c->stack_limit, s->aot_stack_limit);
#if AW_AOT_FOLD_INTERRUPT
    /* after the store above: an interrupt that came before it is seen here, one that
     * comes after it raises the limit again */
    if (atomic_load(&s->interrupt)) atomic_store(&c->stack_limit, UINTPTR_MAX);
#endif
    c->jb = &jb;
    s->trap = AW_TRAP_NONE;
    aw_status st = AW_OK;
    if (setjmp(jb) == 0) {
#if AW_AOT_GUARD
        /* after the thread's store above: an interrupt that came before it ends the
         * call here, one that comes after it signals this thread */
        if (ai && atomic_load(&s->interrupt)) trap(c, AW_TRAP_INTERRUPTED);
#endif
        AW_AOT_ENTER(am, aw_aot_wrapper(am, am->funcs[def].type), c, aw_aot_entry(am, def), io,
                     c->left);
    } else {
        st = AW_ERR_TRAP;
    }
    c->jb = saved_jb;
    c->left = saved_left;
#if AW_AOT_GUARD
    running = saved_running;
    if (ai) atomic_store(&s->aot_thread, saved_thread);
#endif
    return st;
}

/* ---- helpers ---- */

static void h_trap(aw_aot_ctx *c, int t)
{
    trap(c, (aw_trap)t);
}

#if AW_AOT_FOLD_INTERRUPT
/* At a loop header whose flag read was set, or at a function entry whose stack check
 * failed: an interrupt traps; a limit still raised by an interrupt cleared since is put
 * back, and the caller checks the stack again (so this may return). */
static void h_poll(aw_aot_ctx *c)
{
    if (atomic_load(c->intr)) trap(c, AW_TRAP_INTERRUPTED);
    uintptr_t raised = UINTPTR_MAX;
    atomic_compare_exchange_strong(&c->stack_limit, &raised, c->s->aot_stack_limit);
#else
/* Called when the code saw the interrupt flag set: the call ends there, even if the flag
 * was cleared since (x86-64 code is compiled with this helper as noreturn, PU). */
static _Noreturn void h_poll(aw_aot_ctx *c)
{
    trap(c, AW_TRAP_INTERRUPTED);
#endif
}

/* Code without loop-header polls (AW_AOT_FLAG_ASYNC): every helper that returns to the
 * code, and every host function, ends with this, so that an interrupt whose signal
 * found the thread outside the code (in the helper) traps on the way back. A loop that
 * calls helpers then ends at the next one; one that does not is in the code when the
 * next signal comes (docs/aot.md, "Interruption"). */
static inline void async_check(aw_aot_ctx *c)
{
    if (c->am->async && atomic_load(c->intr)) trap(c, AW_TRAP_INTERRUPTED);
}

/* Call f (a host function or another instance's) with io; traps pass on. */
static void call_func(aw_aot_ctx *c, aw_func *f, aw_val *io)
{
    aw_store *s = c->s;
    if (!f->inst) {
        const aw_hostfunc *h = (const aw_hostfunc *)f;
        s->trap_msg[0] = 0;
        s->trap = AW_TRAP_NONE;
        aw_status st = h->fn(c->inst, h->user, io);
        if (st != AW_OK)
            trap(c, s->trap != AW_TRAP_NONE && !s->trap_msg[0] ? s->trap : AW_TRAP_HOST);
        async_check(c);
        return;
    }
    aw_error err;
    uint32_t np = f->type->nparams, nr = f->type->nresults;
    aw_status st = aw_call(s, f, io, np, io, nr, &err);
    if (st == AW_OK) {
        async_check(c);
        return;
    }
    if (st == AW_ERR_TRAP && err.trap == AW_TRAP_HOST) aw_store_set_trap_msg(s, err.msg);
    trap(c, st == AW_ERR_TRAP ? err.trap : AW_TRAP_HOST);
}

/* `left`: the depth the caller's callees may use, for a nested run of this instance. */
static void h_call_import(aw_aot_ctx *c, uint32_t fidx, aw_val *io, uint32_t left)
{
    uint32_t saved = c->left;
    c->left = left;
    call_func(c, c->inst->fimp[fidx], io);
    c->left = saved;
}

static aw_func *elem_checked(aw_aot_ctx *c, uint32_t table, uint32_t i, uint32_t type)
{
    const aw_table *t = c->inst->tables[table];
    if (i >= t->size) trap(c, AW_TRAP_UNDEFINED_ELEMENT);
    aw_func *f = t->elems[i];
    if (!f) trap(c, AW_TRAP_UNINITIALIZED);
    const aw_functype *want = &c->inst->m->types[type];
    if (f->type != want && !aw_functype_eq(f->type, want)) trap(c, AW_TRAP_INDIRECT_TYPE);
    return f;
}

static void *h_indirect(aw_aot_ctx *c, uint32_t table, uint32_t i, uint32_t type)
{
    aw_func *f = elem_checked(c, table, i, type);
    const aw_instance *inst = c->inst;
    async_check(c);
    if (f->inst != inst) return NULL;
    uint32_t def = inst->fref_idx[f - inst->frefs] - inst->nfimp;
    return aw_aot_entry(c->am, def);
}

static void h_call_ref(aw_aot_ctx *c, uint32_t table, uint32_t i, aw_val *io, uint32_t left)
{
    /* the checks passed in h_indirect; the table cannot have changed since */
    uint32_t saved = c->left;
    c->left = left;
    call_func(c, c->inst->tables[table]->elems[i], io);
    c->left = saved;
}

static uint32_t h_memory_grow(aw_aot_ctx *c, uint32_t delta)
{
    uint32_t r = (uint32_t)aw_memory_grow(c->inst->mem, delta);
    async_check(c);
    return r;
}

static void h_memory_init(aw_aot_ctx *c, uint32_t seg, uint32_t d, uint32_t sa, uint32_t n)
{
    aw_trap t = aw_interp_memory_init(c->s, c->inst, seg, d, sa, n);
    if (t) trap(c, t);
    async_check(c);
}

#if AW_AOT_GUARD
/* memory.fill and memory.copy (up to 4 GiB each): the C library's, then the check */
static void *h_memset(void *d, int v, size_t n)
{
    memset(d, v, n);
    if (running) async_check(running);
    return d;
}

static void *h_memmove(void *d, const void *a, size_t n)
{
    memmove(d, a, n);
    if (running) async_check(running);
    return d;
}
#else
#define h_memset  memset
#define h_memmove memmove
#endif

static void h_data_drop(aw_aot_ctx *c, uint32_t seg)
{
    uint32_t bit = c->inst->m->nelems + seg;
    c->inst->dropped[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    async_check(c);
}

static void *h_table_get(aw_aot_ctx *c, uint32_t table, uint32_t i)
{
    const aw_table *t = c->inst->tables[table];
    if (i >= t->size) trap(c, AW_TRAP_TABLE_OOB);
    async_check(c);
    return t->elems[i];
}

static void h_table_set(aw_aot_ctx *c, uint32_t table, uint32_t i, void *v)
{
    aw_table *t = c->inst->tables[table];
    if (i >= t->size) trap(c, AW_TRAP_TABLE_OOB);
    t->elems[i] = v;
    async_check(c);
}

static uint32_t h_table_size(aw_aot_ctx *c, uint32_t table)
{
    async_check(c);
    return c->inst->tables[table]->size;
}

static uint32_t h_table_grow(aw_aot_ctx *c, uint32_t table, void *init, uint32_t n)
{
    uint32_t r = (uint32_t)aw_table_grow_by(c->inst->tables[table], n, init);
    async_check(c);
    return r;
}

static void h_table_fill(aw_aot_ctx *c, uint32_t table, uint32_t i, void *v, uint32_t n)
{
    aw_table *t = c->inst->tables[table];
    if ((uint64_t)i + n > t->size) trap(c, AW_TRAP_TABLE_OOB);
    for (uint32_t k = 0; k < n; k++)
        t->elems[i + k] = v;
    async_check(c);
}

static void h_table_copy(aw_aot_ctx *c, uint32_t dt, uint32_t st, uint32_t d, uint32_t sa,
                         uint32_t n)
{
    aw_table *a = c->inst->tables[dt], *b = c->inst->tables[st];
    if ((uint64_t)d + n > a->size || (uint64_t)sa + n > b->size) trap(c, AW_TRAP_TABLE_OOB);
    if (n) memmove(a->elems + d, b->elems + sa, (size_t)n * sizeof(void *));
    async_check(c);
}

static void h_table_init(aw_aot_ctx *c, uint32_t table, uint32_t seg, uint32_t d, uint32_t sa,
                         uint32_t n)
{
    aw_trap t = aw_interp_table_init(c->inst, c->inst->tables[table], seg, d, sa, n);
    if (t) trap(c, t);
    async_check(c);
}

static void h_elem_drop(aw_aot_ctx *c, uint32_t seg)
{
    c->inst->dropped[seg >> 3] |= (uint8_t)(1u << (seg & 7));
    async_check(c);
}

static void *h_ref_func(aw_aot_ctx *c, uint32_t idx)
{
    async_check(c);
    return aw_inst_func(c->inst, idx);
}

/* Function pointers stored as data: the helper table the loader resolves against, then
 * the compiler's runtime routines where this target's code calls them. */
#define FP(f) (void *)(uintptr_t)(f)
#if defined(__thumb2__) && defined(__ARM_ARCH_7EM__)
/* libgcc's routines, declared only to take their addresses */
#define AW_AOT_LIBGCC_DECL(n) extern void n(void);
AW_AOT_LIBGCC(AW_AOT_LIBGCC_DECL)
#undef AW_AOT_LIBGCC_DECL
#define AW_AOT_LIBCALL_PTR(n) FP(n),
#else
#define AW_AOT_LIBCALL_PTR(n) NULL,
#endif
void *const aw_aot_helpers[AW_AOT_SYM_COUNT] = {
    FP(h_trap),        FP(h_poll),        FP(h_call_import),  FP(h_indirect),
    FP(h_call_ref),    FP(h_memory_grow), FP(h_memset),       FP(h_memmove),
    FP(h_memory_init), FP(h_data_drop),   FP(h_table_get),    FP(h_table_set),
    FP(h_table_size),  FP(h_table_grow),  FP(h_table_fill),   FP(h_table_copy),
    FP(h_table_init),  FP(h_elem_drop),   FP(h_ref_func),     FP(aw_f32_ceil),
    FP(aw_f32_floor),  FP(aw_f32_trunc),  FP(aw_f32_nearest), FP(aw_f64_ceil),
    FP(aw_f64_floor),  FP(aw_f64_trunc),  FP(aw_f64_nearest), AW_AOT_LIBCALLS(AW_AOT_LIBCALL_PTR)};

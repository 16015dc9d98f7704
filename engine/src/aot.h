/*
 * aot.h - the AOT tier inside the engine (engine-private): native code attached to a
 * module (aot_load.c) and the context and helpers it runs with (aot_rt.c).
 *
 * The generated code (tools/akira-aot/translate.c) sees the first fields of
 * aw_aot_ctx, aw_memory's first two fields, aw_global's value, aw_table's first two
 * fields and aw_func's aot_key and aot_fn under its own declarations; AW_AOT_ABI
 * (aot_format.h) changes whenever any of them does.
 */
#ifndef AW_AOT_H
#define AW_AOT_H

#include <setjmp.h>
#include <string.h>

#include "aot_format.h"
#include "runtime.h"

typedef struct aw_aot_ctx aw_aot_ctx;
/* Calls fn with the arguments in io, results back in io; `left` is the call depth the
 * callee may still use (it traps "call stack exhausted" at 0). */
typedef void (*aw_aot_wrap)(aw_aot_ctx *c, void *fn, aw_val *io, uint32_t left);

/* The root table the generated code exports (aot_root). */
typedef struct aw_aot_fn {
    void *fn;
    uintptr_t type;
} aw_aot_fn;

typedef struct aw_aot_root {
    uintptr_t nfuncs, ntypes;
    const aw_aot_fn *funcs;
    const aw_aot_wrap *wraps;
} aw_aot_root;

struct aw_aot_module {
    uint8_t *image; /* where the code runs: a copy from exec.alloc, or the section itself */
    size_t size;
    aw_aot_exec exec;
    const aw_aot_root *root;
    /* the root table's arrays, and what is added to their entries (0, or the image's
     * address for a PIC image, whose entries are offsets) */
    const aw_aot_fn *funcs;
    const uintptr_t *wraps;
    uintptr_t base;
    void **slots; /* a PIC image's slot table (RAM, from the module's allocator) */
    uint32_t nslots;
    bool in_place; /* runs where the reader's bytes lie (flash): nothing to free there */
    bool guard;    /* compiled without bounds checks: needs a guard-page memory */
    bool async;    /* no loop-header polls: needs a store with aw_config.async_intr */
    char tier[32];
};

/* The native entry of defined function `def`, and the wrapper of canonical type t. */
static inline void *aw_aot_entry(const struct aw_aot_module *am, uint32_t def)
{
    return (void *)(am->base + (uintptr_t)am->funcs[def].fn);
}

static inline aw_aot_wrap aw_aot_wrapper(const struct aw_aot_module *am, uintptr_t t)
{
    uintptr_t w = am->base + am->wraps[t];
    aw_aot_wrap f;
    memcpy(&f, &w, sizeof f);
    return f;
}

/* On Cortex-M an interrupt also raises every context's stack_limit to all ones, so the
 * stack check at a function's entry is the interrupt check too (one compare per call);
 * the slow path (aot_rt_poll) tells the two apart. x86-64 keeps the flag alone. */
#if defined(__x86_64__)
#define AW_AOT_FOLD_INTERRUPT 0
#else
#define AW_AOT_FOLD_INTERRUPT 1
#endif

struct aw_aot_ctx {
    /* seen by generated code, in this order */
    const atomic_int *intr;
    atomic_uintptr_t stack_limit;
    aw_memory *mem;
    aw_global **g;
    aw_table **tables; /* the instance's tables, read as {elems, size} */
    /* engine only */
    uint32_t left; /* call depth left at the import being called (for a nested run) */
    aw_instance *inst;
    aw_store *s;
    const struct aw_aot_module *am;
    jmp_buf *jb; /* where a trap goes: the innermost aw_aot_run of this instance */
    struct aw_aot_ctx *_Atomic next; /* the store's contexts (aw_store.aot_ctxs) */
};

/* aot_load.c */
void aw_aot_module_free(aw_module *m);

/* aot_rt.c */
/* Give a new instance of a module with native code its context; without one (the
 * store refused the bytes, or the code needs guard pages and the instance's memory has
 * none) the instance simply stays on the interpreter. */
void aw_aot_instance_init(aw_store *s, aw_instance *inst);
/* Run defined function f of an AOT instance with its arguments in io and results back
 * in io (room for max(params, results) cells). AW_OK or AW_ERR_TRAP (s->trap set). */
aw_status aw_aot_run(aw_store *s, const aw_func *f, aw_val *io);
/* The store's interrupt flag was set (on) or cleared: with AW_AOT_FOLD_INTERRUPT, raise
 * or restore the stack limit of every context of the store. Any thread. */
void aw_aot_interrupt(aw_store *s, bool on);
/* The helper table, in aw_aot_helper order, then the aw_aot_libcall routines (NULL
 * where this target's code never calls them). */
extern void *const aw_aot_helpers[AW_AOT_SYM_COUNT];

#endif /* AW_AOT_H */

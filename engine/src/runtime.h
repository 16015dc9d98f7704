/*
 * runtime.h - the run-time objects of a store (engine-private): externs, instances, the
 * execution stacks and the state of a suspended call.
 *
 * Written by store.c (store, externs), instance.c (instantiation) and api.c (calls);
 * read and updated by the interpreter (interp.c). Everything here belongs to one store
 * and is used by one thread at a time, except `interrupt`, which any thread may set.
 */
#ifndef AW_RUNTIME_H
#define AW_RUNTIME_H

#include <stdatomic.h>

#include "module.h"

/* Nested executions (host function -> aw_call -> ...) allowed at once: each level costs
 * C stack, which is small on a microcontroller. */
#define AW_MAX_NESTING 32

/* Back-edges and calls run between two looks at the interrupt flag and the budget. */
#define AW_FUEL_CHUNK 4096u

/* Frame records allocated by a new store; the stack doubles from there on demand. */
#define AW_FRAMES_INITIAL 8u

/* Operand stack slots allocated by a new store (up to cfg.stack_slots); the stack
 * doubles from there when a call needs more, up to cfg.stack_slots, where it traps as
 * it always did. Most apps use a few hundred bytes of a stack_size of kilobytes. */
#define AW_STACK_INITIAL 64u

/* A function as a value: an export, a table element, a ref.func result, an import.
 * An instance makes one only for each of its functions that can be referenced that way
 * (C.refs: exports, element items, global initialisers), so functions that are only
 * called cost no RAM per instance. Host functions are an aw_hostfunc (inst == NULL). */
struct aw_func {
    const aw_functype *type;
    aw_instance *inst;
    const aw_code *code; /* wasm functions only */
    /* Native code's call_indirect (docs/aot.md): a function of an instance running
     * native code has aot_key = its context's address + the canonical index of its
     * type in its module, and aot_fn = its native entry; anything else has 0 and NULL.
     * Generated code calls aot_fn directly when aot_key is its own context + the type
     * it wants; set once at instantiation, never changed, so any table write keeps them. */
    uintptr_t aot_key;
    void *aot_fn;
};

typedef struct aw_hostfunc {
    aw_func base; /* first: an aw_func * of a host function is an aw_hostfunc * */
    aw_host_fn fn;
    void *user;
    aw_functype type; /* parsed from the signature string, owned by the store */
} aw_hostfunc;

struct aw_memory {
    uint8_t *data;
    uint64_t size; /* bytes = pages * 65536 */
    uint32_t pages;
    uint32_t max; /* effective cap in pages: declared max and cfg.max_memory_pages */
    uint32_t decl_max;
    bool has_max; /* a declared maximum (for import matching) */
    bool guard;   /* data is the start of an AW_VMEM_RESERVE reservation (cfg.vmem) */
    aw_store *store;
    aw_memory *next; /* all memories of the store, to free their data */
};

struct aw_table {
    void **elems;
    uint32_t size;
    uint32_t max; /* effective cap: declared max and cfg.max_table_elems */
    uint32_t decl_max;
    bool has_max;
    uint8_t elem; /* AW_FUNCREF or AW_EXTERNREF */
    aw_store *store;
    aw_table *next;
};

/* A v128 global (SIMD builds, defined by a module) keeps its 16 bytes outside: val.ref
 * points at them, in its instance's block. */
struct aw_global {
    aw_val val;
    uint8_t type;
    bool mut;
};

struct aw_instance {
    aw_store *store;
    const aw_module *m;
    aw_memory *mem; /* memory 0, NULL if the module has none */
    aw_func **fimp; /* imported functions */
    uint32_t nfimp;
    const aw_funcdef *fdefs; /* the module's defined functions (m->funcs) */
    aw_func *frefs;          /* referable defined functions, by ascending index */
    uint32_t *fref_idx;      /* their function indices */
    uint32_t nfrefs;
    aw_table **tables;
    aw_global **globals;
    uint8_t *dropped; /* bitmap: element segments [0, nelems), then data segments */
    /* native code's context (aot_rt.c), NULL: interpreter */
    struct aw_aot_ctx *aot;
};

/* One activation record of the frame stack: where to go back to (the caller's code,
 * instance, pc and frame). A record with code == NULL is the sentinel pushed by aw_call:
 * returning through it leaves the interpreter. */
typedef struct aw_frame {
    const uint32_t *pc;
    aw_val *fp;
    const aw_code *code;
    aw_instance *inst;
} aw_frame;

/* A call suspended by the budget. */
typedef struct aw_suspended {
    bool active;
    const aw_func *callee; /* the function aw_call was asked to run */
    aw_val *base;          /* its frame: results come back here */
    uint32_t entry;        /* index of its sentinel frame */
    const uint32_t *pc;    /* where to continue */
    aw_val *fp;
    const aw_code *code;
    aw_instance *inst;
} aw_suspended;

/* A block on the store's list of allocations, all freed by aw_store_delete(). */
typedef struct aw_block {
    struct aw_block *next;
    size_t size;
} aw_block;

struct aw_store {
    aw_config cfg;
    /* [stack, stack_end): the slots allocated (stack_alloc of them, after an aw_block
     * header); a frame past stack_end grows the stack, past stack + cfg.stack_slots it
     * traps. The stack moves when it grows: pointers into it are re-derived. */
    aw_val *stack, *stack_end;
    uint32_t stack_alloc;
    aw_block *retired; /* stacks replaced while a host function held a pointer into them:
                          freed when the outermost call returns */
    aw_val *top;       /* first free slot: where the next aw_call puts its frame */
    aw_frame *frames;
    uint32_t nframes;      /* frames in use (the interpreter keeps its own copy) */
    uint32_t max_depth;    /* wasm frames */
    uint32_t frames_cap;   /* max_depth plus a sentinel per nesting level */
    uint32_t frames_alloc; /* entries allocated: grown on demand up to frames_cap */
    aw_frame *frames_end;  /* frames + min(frames_alloc, max_depth): a call grows or traps */
    uint32_t nest;         /* executions in progress on the C stack */
    aw_val *slot_peak;     /* highest frame end so far */
    uint32_t peak_depth;
    atomic_int interrupt;
    uint64_t budget;      /* units per aw_call/aw_resume, 0 = unlimited */
    uint64_t budget_left; /* of the current slice */
    uint32_t granted;     /* fuel handed to the outermost run at its last refill */
    aw_trap trap;
    char trap_msg[96];
    aw_suspended susp;
    size_t aot_stack;          /* native stack AOT code may use (aw_store_set_native_stack) */
    uintptr_t aot_stack_limit; /* lowest address it may reach, set by the outermost call */
    struct aw_aot_ctx *_Atomic aot_ctxs; /* the AOT contexts of its instances (a list) */
    _Atomic uintptr_t aot_thread;        /* async_intr->self() of the thread in native code, or 0 */
    aw_block *blocks;
    aw_memory *memories;
    aw_table *tables;
};

/* ---- store.c ---- */

/* Zeroed block of n bytes owned by the store until aw_store_delete(); NULL if refused. */
void *aw_store_alloc(aw_store *s, size_t n);
/* A memory / table owned by the store (the extern constructors without argument
 * checks beyond limits). */
aw_memory *aw_store_memory_make(aw_store *s, uint32_t min, uint32_t max, bool has_max);
aw_table *aw_store_table_make(aw_store *s, uint8_t elem, uint32_t min, uint32_t max, bool has_max);
/* Double the frame stack (up to frames_cap); false when at the cap or refused. The
 * array moves: callers re-derive pointers into it from indices. */
bool aw_store_frames_grow(aw_store *s);
/* Grow the operand stack to at least `need` slots (<= cfg.stack_slots; doubling); false
 * when refused (the caller traps as on exhaustion). The stack moves: top, slot_peak,
 * the fp of frames [0, s->nframes) and the suspended call are relocated, callers
 * re-derive their own pointers from offsets. `keep_old`: a host function (or native
 * code) below on the C stack holds a pointer into the old stack and may still write its
 * results there: the old stack stays allocated until the outermost call returns. */
bool aw_store_stack_grow(aw_store *s, size_t need, bool keep_old);
/* The start of the operand stack, current or retired, that holds slot p. */
const aw_val *aw_store_stack_of(const aw_store *s, const aw_val *p);
/* Free the stacks kept by aw_store_stack_grow (no call in progress). */
void aw_store_stack_retire_free(aw_store *s);
/* Grow a table by n entries set to init; returns the old size or -1. */
int32_t aw_table_grow_by(aw_table *t, uint32_t n, void *init);
bool aw_functype_eq(const aw_functype *a, const aw_functype *b);

/* ---- interp.c ---- */

/* Run wasm code (`code` of `inst` from pc, frame fp) with s->nframes frames in use, until the
 * sentinel frame at index `entry` is returned through (AW_OK), a trap (AW_ERR_TRAP, s->trap set,
 * frames popped down to `entry`), or the budget runs out at the outermost level
 * (AW_ERR_YIELD, state saved in s->susp for aw_resume). */
aw_status aw_interp_run(aw_store *s, uint32_t entry, aw_instance *inst, const aw_code *code,
                        const uint32_t *pc, aw_val *fp);

/* table.init / memory.init of segment `idx` of `inst` (also used for active segments at
 * instantiation): bounds-checked against the segment (0 bytes once dropped) and the
 * destination; AW_TRAP_NONE or the trap, with nothing written when it traps. */
aw_trap aw_interp_table_init(const aw_instance *inst, aw_table *t, uint32_t idx, uint64_t d,
                             uint64_t s, uint64_t n);
aw_trap aw_interp_memory_init(aw_store *st, const aw_instance *inst, uint32_t idx, uint64_t d,
                              uint64_t s, uint64_t n);

#if AW_SIMD
/* Run the SIMD instruction at pc (code.h) on the frame fp: returns the next pc, or
 * NULL with *trap set (out-of-bounds memory access). interp_simd.c. */
const uint32_t *aw_simd_exec(const uint32_t *pc, aw_val *fp, aw_instance *inst, uint8_t *mem,
                             uint64_t msize, aw_trap *trap);
#endif

/* The function `idx` of an instance's function index space as a value; NULL for a
 * defined function outside C.refs (validation keeps ref.func and exports inside it). */
static inline aw_func *aw_inst_func(const aw_instance *inst, uint32_t idx)
{
    if (idx < inst->nfimp) return inst->fimp[idx];
    uint32_t lo = 0, hi = inst->nfrefs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (inst->fref_idx[mid] < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < inst->nfrefs && inst->fref_idx[lo] == idx ? &inst->frefs[lo] : NULL;
}

/* ---- instance.c ---- */

/* Evaluate a constant expression of `inst` (globals, element items). */
aw_val aw_const_eval(const aw_instance *inst, const aw_constexpr *e);

#endif /* AW_RUNTIME_H */

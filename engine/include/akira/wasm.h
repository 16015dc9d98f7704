/*
 * akira/wasm.h - the AkiraOS WebAssembly engine: embedding API.
 *
 * The engine decodes, validates and compiles a Wasm 2.0 module (with fixed-width SIMD
 * when built with AKIRA_WASM_SIMD, see aw_simd_supported()) into an internal code for a fast
 * interpreter, instantiates it against host imports, and runs its exports. It is portable C11 with
 * no OS calls: every byte it allocates goes through the allocator hooks of an aw_config, so an
 * embedder (the AkiraOS runtime) can charge each byte to an app and refuse past its quota.
 *
 * Objects and lifetimes
 *   aw_module    decoded + validated + compiled code; immutable, may be shared by
 *                several stores. Keeps the reader it was loaded with (data segments are
 *                re-read through it), so the reader's ctx must outlive the module.
 *                Instances run the module's code in place: delete a module only after
 *                the stores holding its instances (or never call into them again).
 *   aw_store     owns every runtime object made in it (instances, functions, memories,
 *                tables, globals) and the execution stack. Freed all at once by
 *                aw_store_delete(). One thread at a time may use a store; different
 *                stores run on different threads concurrently (the engine has no
 *                global mutable state).
 *   aw_instance  a module instantiated in a store.
 *   aw_func, aw_memory, aw_table, aw_global: externs, owned by their store; an extern
 *                may be imported by another instance of the same store.
 *
 * Threads: all calls on a store come from the thread using it, except
 * aw_store_interrupt(), which any thread may call at any time.
 */
#ifndef AKIRA_WASM_H
#define AKIRA_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- results ------------------------------------------------------------------ */

typedef enum aw_status {
    AW_OK = 0,
    AW_ERR_MALFORMED = -1,    /* the binary does not decode (bad LEB, bad section...) */
    AW_ERR_INVALID = -2,      /* decodes but fails validation (type error...) */
    AW_ERR_UNLINKABLE = -3,   /* an import is missing or its type does not match */
    AW_ERR_TRAP = -4,         /* execution trapped; aw_error.trap says why */
    AW_ERR_NOMEM = -5,        /* an allocation hook refused */
    AW_ERR_IO = -6,           /* the module reader failed */
    AW_ERR_NOT_FOUND = -7,    /* no export of that name / kind */
    AW_ERR_ARGS = -8,         /* wrong argument count or type for a call, bad parameter */
    AW_ERR_YIELD = -9,        /* the instruction budget ran out; aw_resume() continues */
    AW_ERR_UNSUPPORTED = -10, /* a feature left out of this build (SIMD) */
    AW_ERR_LIMIT = -11,       /* a configured limit (pages, table size, ...) exceeded */
} aw_status;

/* Why execution trapped. Messages follow the spec testsuite's wording. */
typedef enum aw_trap {
    AW_TRAP_NONE = 0,
    AW_TRAP_UNREACHABLE,        /* "unreachable" */
    AW_TRAP_MEMORY_OOB,         /* "out of bounds memory access" */
    AW_TRAP_TABLE_OOB,          /* "out of bounds table access" */
    AW_TRAP_DIV_ZERO,           /* "integer divide by zero" */
    AW_TRAP_INT_OVERFLOW,       /* "integer overflow" */
    AW_TRAP_INVALID_CONVERSION, /* "invalid conversion to integer" */
    AW_TRAP_UNDEFINED_ELEMENT,  /* "undefined element" */
    AW_TRAP_UNINITIALIZED,      /* "uninitialized element" */
    AW_TRAP_INDIRECT_TYPE,      /* "indirect call type mismatch" */
    AW_TRAP_STACK_EXHAUSTED,    /* "call stack exhausted" */
    AW_TRAP_INTERRUPTED,        /* aw_store_interrupt() was called */
    AW_TRAP_HOST,               /* a host function asked to trap */
} aw_trap;

/* Detail of the last failure. `offset` is the byte offset in the module for load
 * errors, `section` the section being decoded ("type", "code", ...). */
typedef struct aw_error {
    aw_status status;
    aw_trap trap;
    uint32_t offset;
    char section[16];
    char msg[160];
} aw_error;

const char *aw_status_str(aw_status s);
const char *aw_trap_str(aw_trap t);

/* ---- values --------------------------------------------------------------------- */

typedef enum aw_valtype {
    AW_I32 = 0x7f,
    AW_I64 = 0x7e,
    AW_F32 = 0x7d,
    AW_F64 = 0x7c,
    AW_V128 = 0x7b,
    AW_FUNCREF = 0x70,
    AW_EXTERNREF = 0x6f,
} aw_valtype;

/* One value. Untagged: its type is known from the signature it travels with.
 * funcref: an aw_func * (NULL is ref.null); externref: any host pointer (NULL is null).
 * A v128 travels as two consecutive aw_val: bytes 0-7 (lanes in little-endian order) in
 * the first one's u64, bytes 8-15 in the second's; argument and result arrays count
 * aw_val entries, so a v128 counts two. */
typedef union aw_val {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f32;
    double f64;
    void *ref;
} aw_val;

/* ---- configuration -------------------------------------------------------------- */

/* Allocation hooks. realloc(ctx, NULL, 0, n) allocates; realloc(ctx, p, old, 0) frees
 * and returns NULL. A NULL result for n > 0 means "refused" (out of memory or past a
 * quota); the engine then fails the operation cleanly (memory.grow returns -1). */
typedef void *(*aw_realloc_fn)(void *ctx, void *ptr, size_t old_size, size_t new_size);

/* Linear memories in reserved address space (ports with virtual memory: native_sim).
 * reserve returns `bytes` of inaccessible address space (NULL if refused); commit makes
 * [old, new) of it readable, writable and zero (0, or -1 if refused: memory.grow then
 * returns -1); release returns the whole reservation. With these hooks each memory of a
 * store sits at the start of AW_VMEM_RESERVE bytes it never moves out of, so native code
 * compiled for guard pages (docs/aot.md) needs no bounds check: an access past the
 * memory faults, and the port's fault handler turns the fault into the trap
 * (aw_aot_fault). Committed bytes are not charged through `realloc`: the hooks charge
 * them (the runtime's do, to the app's quota). */
/* 4 GiB of addresses + 4 GiB of offsets + the widest access */
#define AW_VMEM_RESERVE (((uint64_t)8 << 30) + 65536u)
typedef struct aw_vmem {
    void *(*reserve)(void *ctx, uint64_t bytes);
    int (*commit)(void *ctx, void *base, uint64_t old_size, uint64_t new_size);
    void (*release)(void *ctx, void *base, uint64_t bytes, uint64_t committed);
    void *ctx;
} aw_vmem;

/* Asynchronous interruption of native code (ports that can signal a thread: native_sim;
 * docs/aot.md "Interruption"). Native code compiled with `--interrupt async` has no
 * interrupt poll at its loop headers and runs only in a store given these hooks (else
 * on the interpreter). self() names the calling thread (never 0); the engine calls it
 * when a thread enters native code. kick(thread) makes that thread call
 * aw_aot_interrupt_pc() with its interrupted instruction from a signal handler, soon,
 * and again every few milliseconds (of its CPU time) for as long as aw_aot_interrupt_pc() returns
 * 1; aw_store_interrupt() calls it (any thread) when a thread runs the store's native code. */
typedef struct aw_async_intr {
    uintptr_t (*self)(void);
    void (*kick)(uintptr_t thread);
} aw_async_intr;

typedef struct aw_config {
    aw_realloc_fn realloc; /* NULL: the C library's realloc/free */
    void *alloc_ctx;
    uint32_t max_memory_pages;       /* cap on any linear memory, in 64 KiB pages; 0 = 65536 */
    uint32_t max_table_elems;        /* cap on any table; 0 = 10,000,000 */
    uint32_t stack_slots;            /* value stack size in 8-byte slots; 0 = 64 Ki slots. The
                                        stack starts small and grows (moving) on demand up to
                                        this, where a call traps with "call stack exhausted" */
    uint32_t max_call_depth;         /* wasm call frames; 0 = 10,000 */
    const aw_vmem *vmem;             /* NULL: memories from `realloc` (a reservation that fails
                                        falls back to it too) */
    aw_realloc_fn stack_realloc;     /* the value stack's allocations (ctx: alloc_ctx), e.g. to
                                        draw on bytes set aside for it; NULL: `realloc` */
    const aw_async_intr *async_intr; /* NULL: native code compiled for asynchronous
                                        interruption runs on the interpreter */
} aw_config;

/* ---- modules -------------------------------------------------------------------- */

/* Reads `len` bytes at `offset` of the module into `buf`. Returns 0, or a negative
 * value on failure (the load then fails with AW_ERR_IO). Called from the loading
 * thread only; must stay valid for the module's lifetime. */
typedef int (*aw_read_fn)(void *ctx, uint32_t offset, void *buf, uint32_t len);

/* A reader over bytes that lie in memory (a buffer, ROM, memory-mapped flash): its ctx
 * is an aw_span; a read outside [0, n) fails. Needs no state, so any thread may use it. */
typedef struct aw_span {
    const uint8_t *p;
    uint32_t n;
} aw_span;
int aw_span_read(void *ctx, uint32_t offset, void *buf, uint32_t len);

typedef struct aw_module aw_module;

/* Decode, validate and compile a module of `size` bytes read through `read`. The bytes
 * are streamed: the whole file is never held in RAM at once. On failure returns NULL
 * and fills *err (section, offset and reason). */
aw_module *aw_module_load(const aw_config *cfg, aw_read_fn read, void *ctx, uint32_t size,
                          aw_error *err);

/* The same from a buffer, which must outlive the module (it is the reader's ctx). */
aw_module *aw_module_load_buffer(const aw_config *cfg, const uint8_t *buf, size_t size,
                                 aw_error *err);

void aw_module_delete(aw_module *m);

typedef enum aw_extern_kind {
    AW_EXTERN_FUNC = 0,
    AW_EXTERN_TABLE = 1,
    AW_EXTERN_MEMORY = 2,
    AW_EXTERN_GLOBAL = 3,
} aw_extern_kind;

/* Import and export descriptors, by index. Strings are owned by the module. For a
 * function, `signature` is its signature string (see aw_host_func). */
typedef struct aw_extern_desc {
    const char *module; /* imports only */
    const char *name;
    aw_extern_kind kind;
    const char *signature; /* functions only, else NULL */
} aw_extern_desc;

uint32_t aw_module_import_count(const aw_module *m);
bool aw_module_import(const aw_module *m, uint32_t i, aw_extern_desc *out);
uint32_t aw_module_export_count(const aw_module *m);
bool aw_module_export(const aw_module *m, uint32_t i, aw_extern_desc *out);

/* Locate the custom section `name`: its payload's byte offset in the module and size.
 * Returns false when absent. Read it with the module's reader. */
bool aw_module_custom_section(const aw_module *m, const char *name, uint32_t *offset,
                              uint32_t *size);

/* Bytes of RAM the module holds (decoded structures plus compiled code). */
size_t aw_module_ram(const aw_module *m);

/* ---- the AOT tier (docs/aot.md) ------------------------------------------------- */

/* Executable memory, from the port (the engine makes no OS calls): alloc returns
 * `size` writable bytes aligned to `align` (NULL if refused); seal makes them read-only
 * and executable (0, or -1 on failure); free releases them. */
typedef struct aw_aot_exec {
    void *(*alloc)(void *ctx, size_t size, size_t align);
    int (*seal)(void *ctx, void *p, size_t size);
    void (*free)(void *ctx, void *p, size_t size);
    void *ctx;
    /* Optional (NULL: always copy): the address where the bytes [off, off+len) of the
     * reader `read`/`rctx` lie in memory the core can read and execute as they are (a
     * memory-mapped flash), or NULL. Those bytes must stay unchanged while the module
     * lives. A position-independent image (thumbv7em) found there at its alignment is
     * checked and run in place: only its slot table takes RAM. */
    const void *(*in_place)(void *ctx, aw_read_fn read, void *rctx, uint32_t off, uint32_t len);
} aw_aot_exec;

/* Attach native code to a loaded module: the AOT section payload of `len` bytes at
 * `offset`, read through `read` (an app's "akira-aot.<target>" custom section, or a
 * file written by akira-aot). Checks the format, the engine ABI, the target (this
 * build's), the checksum and the bytecode hash against the module, then places the
 * image through `exec`, resolves its relocations and seals it. On any failure returns
 * an error with the reason in *err and the module stays on the interpreter; it is never
 * half-attached. On success err->msg is empty, or a note on why code that could run in
 * place (exec->in_place) was copied to RAM. Instances made afterwards run the native code through
 * the same API (aw_call...), except while a budget is set (aw_store_set_budget), where calls run on
 * the interpreter, which can yield. */
aw_status aw_module_attach_aot(aw_module *m, aw_read_fn read, void *ctx, uint32_t offset,
                               uint32_t len, const aw_aot_exec *exec, aw_error *err);

/* The same from a buffer of `len` bytes (read during the call only). */
aw_status aw_module_attach_aot_buffer(aw_module *m, const uint8_t *buf, size_t len,
                                      const aw_aot_exec *exec, aw_error *err);

/* "aot x86_64" / "aot thumbv7em" when native code is attached, else "interp". */
const char *aw_module_tier(const aw_module *m);

/* What runs an instance's calls: its module's tier, or "interp" when the module's
 * native code needs guard pages and the instance's memory has none (its store has no
 * aw_vmem hooks, or the reservation was refused). */
typedef struct aw_instance aw_instance;
const char *aw_instance_tier(const aw_instance *inst);

/* This build's AOT target name ("x86_64", "thumbv7em"), or NULL if it has none. */
const char *aw_aot_target(void);

/* For the port's memory-fault handler (guard-page mode, docs/aot.md): when the faulting
 * instruction at `pc` is native code the calling thread is running and `addr` lies in
 * the guard reservation of its memory, ends the call with the trap "out of bounds
 * memory access" and does not return (it longjmps out of the handler, which must let
 * the signal nest: SA_NODEFER). Otherwise returns 0: not ours (always on builds without
 * guard pages, i.e. other than x86-64). */
int aw_aot_fault(const void *addr, const void *pc);

/* For the port's interrupt signal handler (aw_async_intr.kick): when the calling thread
 * runs native code of a store whose interrupt flag is set and `pc` lies in that code,
 * ends the call with the trap "interrupted" as a poll would, and does not return (it
 * longjmps out of the handler, which must let the signal nest: SA_NODEFER). Otherwise
 * returns 1 when the thread runs native code of an interrupted store (the instruction
 * is elsewhere: a helper, a host function, the C library; signal it again soon), else 0
 * (nothing to do). Async-signal-safe. */
int aw_aot_interrupt_pc(const void *pc);

/* ---- stores, instances, externs ------------------------------------------------- */

typedef struct aw_store aw_store;
typedef struct aw_instance aw_instance;
typedef struct aw_func aw_func;
typedef struct aw_memory aw_memory;
typedef struct aw_table aw_table;
typedef struct aw_global aw_global;

aw_store *aw_store_new(const aw_config *cfg);
void aw_store_delete(aw_store *s);

/* Bytes of native stack AOT code of `s` may use below the outermost aw_call (default
 * AW_AOT_STACK_DEFAULT): deeper recursion traps "call stack exhausted". Must fit the
 * calling thread's stack with room for host functions. */
#define AW_AOT_STACK_DEFAULT (32u * 1024u)
void aw_store_set_native_stack(aw_store *s, size_t bytes);

/* A host function receives its arguments in io[0..nparams) and writes its results to
 * io[0..nresults). `caller` is the instance whose code made the call (use it to reach
 * that instance's memory). Return AW_OK to continue, AW_ERR_TRAP to trap the calling
 * wasm code (set a message first with aw_store_set_trap_msg()). */
typedef aw_status (*aw_host_fn)(aw_instance *caller, void *user, aw_val *io);

/* Signature strings: parameters in parentheses then results, one letter a type:
 * i=i32 I=i64 f=f32 F=f64 r=funcref e=externref; e.g. "(iI)f", "()", "(i)iI". Wasm
 * functions with v128 show it as V ("(V)V"); host functions take no v128. */
aw_func *aw_host_func_new(aw_store *s, const char *signature, aw_host_fn fn, void *user);
aw_memory *aw_memory_new(aw_store *s, uint32_t min_pages, uint32_t max_pages, bool has_max);
aw_table *aw_table_new(aw_store *s, aw_valtype elem, uint32_t min, uint32_t max, bool has_max);
aw_global *aw_global_new(aw_store *s, aw_valtype type, bool mutable_, aw_val value);

typedef struct aw_extern {
    aw_extern_kind kind;
    union {
        aw_func *func;
        aw_table *table;
        aw_memory *memory;
        aw_global *global;
    } of;
} aw_extern;

typedef struct aw_import {
    const char *module;
    const char *name;
    aw_extern ext;
} aw_import;

/* Instantiate `m` in `s`: resolve each import by (module, name) in `imports` (order
 * does not matter), check its type (a mismatch fails with AW_ERR_UNLINKABLE and a
 * message naming the import), allocate memories, tables and globals, apply element
 * and data segments, run the start function. A trap during initialisation returns
 * NULL with AW_ERR_TRAP (writes already made by segments stay, as the spec says). A
 * start function that exhausts the store's budget (aw_store_set_budget) is abandoned:
 * NULL with AW_ERR_LIMIT, and the store stays usable. */
aw_instance *aw_instantiate(aw_store *s, const aw_module *m, const aw_import *imports,
                            uint32_t nimports, aw_error *err);

/* Look up an export of `inst` by name. */
aw_status aw_instance_export(aw_instance *inst, const char *name, aw_extern *out);
/* The same for a name of `len` bytes that may contain NUL bytes (Wasm names may). */
aw_status aw_instance_export_n(aw_instance *inst, const char *name, size_t len, aw_extern *out);
aw_func *aw_instance_func(aw_instance *inst, const char *name);   /* NULL if none */
aw_memory *aw_instance_memory(aw_instance *inst, uint32_t index); /* NULL if none */

/* ---- calling -------------------------------------------------------------------- */

/* Types of a function: *params and *results point at AW_* bytes. */
void aw_func_type(const aw_func *f, uint32_t *nparams, const uint8_t **params, uint32_t *nresults,
                  const uint8_t **results);
const char *aw_func_signature(const aw_func *f); /* e.g. "(ii)i"; owned by the func */

/* Call `f` with `args` (exactly nparams values, a v128 as two aw_val) and receive its
 * results in `results` (room for at least nresults values, a v128 as two). Returns AW_OK,
 * AW_ERR_TRAP (err says which), AW_ERR_ARGS (wrong counts, or a call of this store is suspended:
 * resume or abort it first), or AW_ERR_YIELD when the budget set by aw_store_set_budget() ran out:
 * the call is suspended and aw_resume() continues it. Reentrant from a host function, up to 32
 * levels deep (deeper: AW_TRAP_STACK_EXHAUSTED); such a nested call never yields, since the host
 * function's C frame cannot be suspended. */
aw_status aw_call(aw_store *s, aw_func *f, const aw_val *args, uint32_t nargs, aw_val *results,
                  uint32_t nresults, aw_error *err);

/* Continue a call suspended by AW_ERR_YIELD; same results contract as aw_call. */
aw_status aw_resume(aw_store *s, aw_val *results, uint32_t nresults, aw_error *err);

/* Abandon a call suspended by AW_ERR_YIELD. */
void aw_abort(aw_store *s);

/* Instruction budget for time slicing: execution yields after about `units` loop
 * back-edges, taken branches and calls. Each aw_call/aw_resume gets a fresh slice of
 * `units`. 0 = unlimited (the default). */
void aw_store_set_budget(aw_store *s, uint64_t units);

/* Ask running code in `s` to stop: it traps with AW_TRAP_INTERRUPTED at the next loop
 * back-edge or call. Safe from any thread and from signal handlers. The flag stays set
 * until aw_store_clear_interrupt(). */
void aw_store_interrupt(aw_store *s);
void aw_store_clear_interrupt(aw_store *s);

/* From inside a host function: the message of the trap it is about to return. */
void aw_store_set_trap_msg(aw_store *s, const char *msg);
aw_store *aw_instance_store(aw_instance *inst);

/* Peak value-stack slots and call depth used so far (for stack quotas and stats). */
void aw_store_stack_peak(const aw_store *s, uint32_t *slots, uint32_t *depth);

/* ---- memory, tables, globals ---------------------------------------------------- */

/* Bounds-checked translation of an app address range to a host pointer: NULL unless
 * [offset, offset+len) lies inside the memory. The pointer is valid until the memory
 * grows (any call back into wasm may grow it). */
void *aw_memory_ptr(aw_memory *mem, uint64_t offset, uint64_t len);
uint64_t aw_memory_size(const aw_memory *mem); /* bytes */
uint32_t aw_memory_pages(const aw_memory *mem);
/* Grow by `delta` pages; returns the old size in pages, or -1 (limit, quota). */
int32_t aw_memory_grow(aw_memory *mem, uint32_t delta);
/* Grow by delta pages for the host, past the maximum the module declares (never past
 * the store's max_memory_pages): the memory's maximum becomes its new size, so the
 * module itself cannot grow it further. For a host that keeps its own data in the
 * module's memory, as an app heap (upstream AkiraOS apps declare exactly the pages they
 * use). Old size in pages, or -1. */
int32_t aw_memory_grow_host(aw_memory *m, uint32_t delta);

uint32_t aw_table_size(const aw_table *t);
bool aw_table_get(const aw_table *t, uint32_t i, aw_val *out);
bool aw_table_set(aw_table *t, uint32_t i, aw_val v);

aw_valtype aw_global_type(const aw_global *g);
aw_val aw_global_get(const aw_global *g);   /* not for v128 globals */
bool aw_global_set(aw_global *g, aw_val v); /* false if immutable or v128 */
/* The 16 bytes of a v128 global; false if `g` is not one. */
bool aw_global_get_v128(const aw_global *g, uint8_t out[16]);

/* Whether this engine was built with SIMD (AKIRA_WASM_SIMD): without it, modules that
 * use v128 fail to load with AW_ERR_UNSUPPORTED. */
bool aw_simd_supported(void);

#ifdef __cplusplus
}
#endif
#endif /* AKIRA_WASM_H */

/*
 * fuzz_engine.c - libFuzzer target over the whole engine, for one input taken as a module:
 *
 *   1. aw_module_load() through a reader callback (the streaming path flash uses), then
 *      the module's import, export and custom-section getters;
 *   2. a store with small limits, and every import satisfied by a generic extern made
 *      from its descriptor: host functions that return zeros, write the caller's
 *      memory, trap on every 5th call, grow the caller's memory on every 7th and now
 *      and then call back into wasm (bounded by the interrupt flag, since a nested
 *      call never yields); memories; tables (funcref ones filled with host
 *      functions, so that call_indirect crosses into the host and compares signatures
 *      across modules); globals of the imported type;
 *   3. aw_instantiate() twice on the same imports (segments, start function), then every
 *      exported function called, in the first instance with zero arguments and in the
 *      second with arguments drawn from the input's hash (boundary values half the
 *      time), each under an instruction budget (yield, resume while the pass has
 *      resumes left, growing the memory between slices, then abort); then the exported memories,
 * tables and globals through their accessors;
 *   4. for one input in four that loads, all of it again with one allocation refused,
 *      or with the reader failing from some read on (during the load, or when data
 *      segments are re-read at instantiation), the number drawn from the hash: every
 *      operation must fail cleanly.
 *
 * Besides the sanitizers (ASan, UBSan, LeakSanitizer), it aborts on: compiled code that
 * fails tests/engine/code_verify.h (a slot outside the frame, a branch target off an
 * instruction, code running off its end), a status outside
 * the documented set for the operation, a failure without a message, a load error offset
 * past the input, a bounds-checked accessor that lets an out-of-range access through,
 * and any byte allocated through the config's hook and not freed by the time the module
 * and the store are deleted (the engine's own accounting, also on refusal paths).
 *
 * Bounded: memories at most FZ_MAX_PAGES pages, tables FZ_MAX_ELEMS, a small value and
 * frame stack, FZ_SLICE budget units per call or resume and at most FZ_MAX_CALLS calls
 * and FZ_RESUMES resumes per pass, and a cap on bytes live through the hook, so no input
 * hangs or exhausts RAM.
 *
 * It includes module.h (engine-private) for what the public descriptors do not carry:
 * the limits of imported memories and tables and the type of imported globals.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "akira/wasm.h"
#include "code_verify.h" /* tests/engine: structural check of compiled code */
#include "module.h"

#define FZ_MAX_PAGES 4u    /* 256 KiB per memory: memory.fill/copy stay cheap */
#define FZ_MAX_ELEMS 1024u /* per table */
/* Value stack (8-byte slots) and call depth: a roomy one, one past the frame stack's
 * first doubling (16 records), one that exhausts at once; picked by the input's hash. */
static const uint32_t fz_stacks[3][2] = {{16384, 256}, {600, 20}, {48, 2}};
#define FZ_LIVE_CAP  (64u << 20) /* bytes live through the hook at once */
#define FZ_SLICE     1000u       /* budget units per aw_call / aw_resume */
#define FZ_MAX_CALLS 200u        /* export calls per pass, each one slice */
#define FZ_RESUMES   16u         /* aw_resume slices per pass, over all calls */
#define FZ_REENTRIES 8u          /* host functions calling back into wasm, per pass */

#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_engine: check failed at line %d: %s\n", __LINE__, #cond);        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* ---- allocation hook: accounting, a cap, and an optional refusal ---------------- */

typedef struct fz_alloc {
    size_t live;
    uint64_t count;   /* allocations and growths made so far */
    uint64_t fail_at; /* refuse the fail_at-th one (1-based); 0 = none */
    bool refused;
} fz_alloc;

static void *fz_realloc(void *ctx, void *p, size_t old_size, size_t new_size)
{
    fz_alloc *a = ctx;
    if (new_size == 0) {
        FZ_CHECK(p != NULL && a->live >= old_size);
        a->live -= old_size;
        free(p);
        return NULL;
    }
    if (p == NULL) FZ_CHECK(old_size == 0);
    if (new_size > old_size && a->live + (new_size - old_size) > FZ_LIVE_CAP) return NULL;
    a->count++;
    if (a->fail_at && a->count == a->fail_at) {
        a->refused = true;
        return NULL;
    }
    void *q = realloc(p, new_size);
    if (!q) return NULL;
    a->live = a->live - old_size + new_size;
    return q;
}

/* ---- the input as a module, read through the streaming reader ------------------- */

typedef struct fz_input {
    const uint8_t *data;
    size_t size;
    uint64_t reads;   /* reader calls so far */
    uint64_t fail_at; /* fail the fail_at-th one (1-based) and all after it; 0 = none */
} fz_input;

static int fz_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
    fz_input *in = ctx;
    /* the engine promises to stay inside the module it was given the size of */
    FZ_CHECK(offset <= in->size && len <= in->size - offset);
    in->reads++;
    if (in->fail_at && in->reads >= in->fail_at) return -1; /* flash read error */
    memcpy(buf, in->data + offset, len);
    return 0;
}

static uint64_t fz_hash(const uint8_t *d, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ d[i]) * 1099511628211ull;
    return h;
}

static uint64_t fz_next(uint64_t *state) /* splitmix64 */
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void fz_check_error(const aw_error *err)
{
    FZ_CHECK(err->msg[0] != 0);
    FZ_CHECK(memchr(err->msg, 0, sizeof err->msg) != NULL);
    FZ_CHECK(memchr(err->section, 0, sizeof err->section) != NULL);
}

/* ---- generic host functions ----------------------------------------------------- */

typedef struct fz_run {
    aw_store *store;
    uint64_t host_calls;
    uint32_t resumes_left;
    uint32_t calls_left;
    uint32_t reentries_left;
    uint32_t host_depth;
    aw_func *reenter; /* an export of the first instance, called back from the host */
    uint64_t rng;
} fz_run;

typedef struct fz_host {
    fz_run *run;
    uint32_t nresults;
} fz_host;

/* aw_val entries for values of these types (a v128 takes two). */
static uint32_t fz_slots(const uint8_t *types, uint32_t n)
{
    uint32_t k = n;
    for (uint32_t i = 0; i < n; i++)
        k += types[i] == AW_V128;
    return k;
}

static aw_status fz_host_fn(aw_instance *caller, void *user, aw_val *io)
{
    fz_host *h = user;
    fz_run *r = h->run;
    r->host_calls++;
    if (caller) { /* the caller's memory, through the bounds-checked translation */
        aw_memory *mem = aw_instance_memory(caller, 0);
        if (mem) {
            uint64_t size = aw_memory_size(mem);
            FZ_CHECK(aw_memory_ptr(mem, size, 1) == NULL);
            if (size) {
                uint8_t *p = aw_memory_ptr(mem, size - 1, 1);
                FZ_CHECK(p != NULL);
                *p ^= 1;
            }
            /* growing moves the memory: the caller must not go on with a stale base */
            if (r->host_calls % 7 == 0) (void)aw_memory_grow(mem, 1);
        }
    }
    if (r->host_calls % 5 == 0) {
        aw_store_set_trap_msg(r->store, "fuzz host trap");
        return AW_ERR_TRAP;
    }
    if (r->host_calls % 3 == 0 && r->reenter && r->reentries_left && r->host_depth == 0) {
        /* A nested call never yields, so the interrupt flag bounds it instead: it traps
         * at the first check (within a fuel chunk). The flag is cleared before the
         * outer run can see it. */
        r->reentries_left--;
        r->host_depth++;
        uint32_t np, nr;
        const uint8_t *pt, *rt;
        aw_func_type(r->reenter, &np, &pt, &nr, &rt);
        np = fz_slots(pt, np), nr = fz_slots(rt, nr);
        aw_val args[np ? np : 1], res[nr ? nr : 1];
        memset(args, 0, sizeof args);
        aw_error err;
        aw_store_interrupt(r->store);
        aw_status st = aw_call(r->store, r->reenter, args, np, res, nr, &err);
        aw_store_clear_interrupt(r->store);
        r->host_depth--;
        FZ_CHECK(st == AW_OK || st == AW_ERR_TRAP || st == AW_ERR_NOMEM);
        if (st == AW_ERR_TRAP) fz_check_error(&err);
    }
    memset(io, 0, h->nresults * sizeof *io);
    return AW_OK;
}

/* ---- one pass over the input ---------------------------------------------------- */

static aw_val fz_arg(fz_run *r, uint8_t type, bool zero)
{
    aw_val v;
    memset(&v, 0, sizeof v);
    if (zero) return v;
    uint64_t x = fz_next(&r->rng);
    if (x & 1) { /* half the time a boundary value of the type */
        static const uint64_t edge64[] = {0,
                                          1,
                                          UINT64_MAX,
                                          INT64_MIN,
                                          INT64_MAX,
                                          0x7ff8000000000000ull,
                                          0x7ff0000000000000ull,
                                          0x8000000000000000ull,
                                          0x43e0000000000000ull};
        static const uint32_t edge32[] = {0,           1,           UINT32_MAX,  0x80000000u,
                                          0x7fffffffu, 0x7fc00000u, 0x7f800000u, 0xffff,
                                          0x10000,     0x4f000000u};
        uint64_t e64 = edge64[(x >> 8) % (sizeof edge64 / sizeof *edge64)];
        uint32_t e32 = edge32[(x >> 8) % (sizeof edge32 / sizeof *edge32)];
        x = (type == AW_I64 || type == AW_F64) ? e64 : e32;
    }
    switch (type) {
    case AW_I32: v.u32 = (uint32_t)x; break;
    case AW_F32: {
        uint32_t b = (uint32_t)x;
        memcpy(&v.f32, &b, 4);
    } break;
    case AW_F64: memcpy(&v.f64, &x, 8); break;
    case AW_I64: v.u64 = x; break;
    default: v.ref = NULL; break; /* funcref and externref arguments: null */
    }
    return v;
}

/* One call of f under the budget: yield, resume while slices remain, then abort. */
static void fz_call(fz_run *r, aw_instance *inst, aw_func *f, bool zero_args)
{
    uint32_t np, nr;
    const uint8_t *pt, *rt;
    aw_func_type(f, &np, &pt, &nr, &rt);
    FZ_CHECK(aw_func_signature(f) != NULL);
    uint32_t nvals = np;
    np = fz_slots(pt, np), nr = fz_slots(rt, nr);
    aw_val args[np ? np : 1], results[nr ? nr : 1];
    for (uint32_t i = 0, k = 0; i < nvals; i++) {
        /* a v128 takes two aw_val: two random 64-bit halves */
        args[k++] = fz_arg(r, pt[i] == AW_V128 ? AW_I64 : pt[i], zero_args);
        if (pt[i] == AW_V128) args[k++] = fz_arg(r, AW_I64, zero_args);
    }
    aw_error err;
    aw_status st = aw_call(r->store, f, args, np, results, nr, &err);
    while (st == AW_ERR_YIELD && r->resumes_left > 0) {
        r->resumes_left--;
        /* while suspended: no other call, and the embedder may grow the memory */
        aw_error e2;
        FZ_CHECK(aw_call(r->store, f, args, np, results, nr, &e2) == AW_ERR_ARGS);
        aw_memory *mem = aw_instance_memory(inst, 0);
        if (mem && (r->resumes_left & 1)) (void)aw_memory_grow(mem, 1);
        st = aw_resume(r->store, results, nr, &err);
    }
    if (st == AW_ERR_YIELD) aw_abort(r->store);
    FZ_CHECK(st == AW_OK || st == AW_ERR_TRAP || st == AW_ERR_YIELD || st == AW_ERR_NOMEM);
    if (st == AW_ERR_TRAP) {
        fz_check_error(&err);
        FZ_CHECK(err.trap != AW_TRAP_NONE && err.trap != AW_TRAP_INTERRUPTED);
    }
}

static aw_extern fz_import_extern(fz_run *r, const aw_module *m, uint32_t i, fz_host *hosts,
                                  aw_func *filler[2])
{
    const aw_importdef *d = &m->imports[i];
    aw_extern e;
    memset(&e, 0, sizeof e);
    e.kind = (aw_extern_kind)d->kind;
    switch (d->kind) {
    case AW_EXTERN_FUNC: {
        const aw_functype *t = &m->types[d->u.type];
        hosts[i].run = r;
        hosts[i].nresults = t->nresults;
        e.of.func = aw_host_func_new(r->store, t->sig, fz_host_fn, &hosts[i]);
        break;
    }
    case AW_EXTERN_MEMORY: {
        const aw_limits *l = &d->u.memory;
        if (l->min <= FZ_MAX_PAGES)
            e.of.memory = aw_memory_new(r->store, l->min, l->max, l->has_max);
        break;
    }
    case AW_EXTERN_TABLE: {
        const aw_tabletype *t = &d->u.table;
        if (t->lim.min > FZ_MAX_ELEMS) break;
        e.of.table =
            aw_table_new(r->store, (aw_valtype)t->elem, t->lim.min, t->lim.max, t->lim.has_max);
        if (e.of.table && t->elem == AW_FUNCREF) {
            for (uint32_t k = 0; k < t->lim.min; k++) {
                aw_val v = {.ref = filler[k % 2]};
                FZ_CHECK(aw_table_set(e.of.table, k, v));
            }
            aw_val v = {.ref = NULL};
            FZ_CHECK(!aw_table_set(e.of.table, t->lim.min, v));
        }
        break;
    }
    case AW_EXTERN_GLOBAL: {
        aw_val v = fz_arg(r, d->u.global.type, false);
        static int extern_target;
        if (d->u.global.type == AW_EXTERNREF) v.ref = &extern_target;
        if (d->u.global.type == AW_FUNCREF) v.ref = filler[0];
        e.of.global = aw_global_new(r->store, (aw_valtype)d->u.global.type, d->u.global.mut, v);
        break;
    }
    }
    return e;
}

static void fz_exports(fz_run *r, const aw_module *m, aw_instance *inst, bool zero_args)
{
    uint32_t n = aw_module_export_count(m);
    for (uint32_t i = 0; i < n && r->calls_left; i++) {
        aw_extern_desc d;
        FZ_CHECK(aw_module_export(m, i, &d));
        aw_extern e;
        if (aw_instance_export(inst, d.name, &e) != AW_OK) continue; /* a name with a NUL */
        if (e.kind != AW_EXTERN_FUNC || d.kind != AW_EXTERN_FUNC) continue;
        r->calls_left--;
        fz_call(r, inst, e.of.func, zero_args);
    }
}

static void fz_check_externs(const aw_module *m, aw_instance *inst)
{
    uint32_t n = aw_module_export_count(m);
    for (uint32_t i = 0; i < n; i++) {
        aw_extern_desc d;
        aw_extern e;
        FZ_CHECK(aw_module_export(m, i, &d));
        if (aw_instance_export(inst, d.name, &e) != AW_OK || e.kind != d.kind) continue;
        switch (e.kind) {
        case AW_EXTERN_MEMORY: {
            uint64_t size = aw_memory_size(e.of.memory);
            FZ_CHECK(size == (uint64_t)aw_memory_pages(e.of.memory) * 65536u);
            FZ_CHECK(aw_memory_pages(e.of.memory) <= FZ_MAX_PAGES);
            FZ_CHECK(aw_memory_ptr(e.of.memory, size, 1) == NULL);
            FZ_CHECK(aw_memory_ptr(e.of.memory, UINT64_MAX, 2) == NULL);
            FZ_CHECK(aw_memory_ptr(e.of.memory, 1, UINT64_MAX) == NULL);
            if (size) FZ_CHECK(aw_memory_ptr(e.of.memory, 0, size) != NULL);
            uint32_t pages = aw_memory_pages(e.of.memory);
            int32_t old = aw_memory_grow(e.of.memory, 1);
            FZ_CHECK(old == -1 || (uint32_t)old == pages);
            FZ_CHECK(aw_memory_pages(e.of.memory) == pages + (old != -1));
            FZ_CHECK(aw_memory_grow(e.of.memory, UINT32_MAX) == -1);
            break;
        }
        case AW_EXTERN_TABLE: {
            uint32_t size = aw_table_size(e.of.table);
            FZ_CHECK(size <= FZ_MAX_ELEMS);
            aw_val v;
            FZ_CHECK(!aw_table_get(e.of.table, size, &v));
            for (uint32_t k = 0; k < size && k < 64; k++)
                FZ_CHECK(aw_table_get(e.of.table, k, &v));
            break;
        }
        case AW_EXTERN_GLOBAL: {
            aw_val v = aw_global_get(e.of.global);
            (void)aw_global_type(e.of.global);
            (void)aw_global_set(e.of.global, v);
            break;
        }
        case AW_EXTERN_FUNC: break;
        }
    }
}

static void fz_check_instantiate_error(const aw_error *err)
{
    FZ_CHECK(err->status == AW_ERR_UNLINKABLE || err->status == AW_ERR_TRAP ||
             err->status == AW_ERR_NOMEM || err->status == AW_ERR_LIMIT);
    fz_check_error(err);
}

/* Everything for one input, refusing the fail_alloc-th allocation and failing the
 * fail_read-th read and all later ones (0: none); returns how many allocations and
 * reads it made. */
static void fz_pass(fz_input *in, uint64_t hash, uint64_t fail_alloc, uint64_t fail_read,
                    uint64_t *allocs, bool *loaded)
{
    in->reads = 0;
    in->fail_at = fail_read;
    fz_alloc alloc = {.fail_at = fail_alloc};
    aw_config cfg = {
        .realloc = fz_realloc,
        .alloc_ctx = &alloc,
        .max_memory_pages = FZ_MAX_PAGES,
        .max_table_elems = FZ_MAX_ELEMS,
        .stack_slots = fz_stacks[(hash >> 4) % 3][0],
        .max_call_depth = fz_stacks[(hash >> 4) % 3][1],
    };
    aw_error err;
    aw_module *m = aw_module_load(&cfg, fz_read, (void *)in, (uint32_t)in->size, &err);
    *loaded = m != NULL;
    if (!m) {
        FZ_CHECK(err.status == AW_ERR_MALFORMED || err.status == AW_ERR_INVALID ||
                 err.status == AW_ERR_UNSUPPORTED || err.status == AW_ERR_LIMIT ||
                 err.status == AW_ERR_NOMEM || (err.status == AW_ERR_IO && in->fail_at));
        fz_check_error(&err);
        FZ_CHECK(err.offset <= in->size);
        FZ_CHECK(alloc.live == 0);
        *allocs = alloc.count;
        return;
    }
    FZ_CHECK(aw_module_ram(m) > 0);
    /* the interpreter trusts the compiler: slots in the frame, targets on instructions */
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
        char why[160];
        if (cv_verify(m, i, why, sizeof why)) {
            fprintf(stderr, "fuzz_engine: compiled code of function %u: %s\n", i, why);
            abort();
        }
    }
    uint32_t nimp = aw_module_import_count(m);
    for (uint32_t i = 0; i < nimp; i++) {
        aw_extern_desc d;
        FZ_CHECK(aw_module_import(m, i, &d));
        FZ_CHECK(d.module && d.name && (d.kind == AW_EXTERN_FUNC) == (d.signature != NULL));
    }
    FZ_CHECK(!aw_module_import(m, nimp, &(aw_extern_desc){0}));
    for (uint32_t i = 0; i < m->ncustoms; i++) {
        uint32_t off, size;
        if (aw_module_custom_section(m, m->customs[i].name, &off, &size))
            FZ_CHECK(off <= in->size && size <= in->size - off);
    }

    fz_run run = {.resumes_left = FZ_RESUMES,
                  .calls_left = FZ_MAX_CALLS,
                  .reentries_left = FZ_REENTRIES,
                  .rng = hash};
    run.store = aw_store_new(&cfg);
    if (run.store) {
        aw_store_set_budget(run.store, FZ_SLICE);
        fz_host *hosts = calloc(nimp ? nimp : 1, sizeof *hosts);
        aw_import *imports = calloc(nimp ? nimp : 1, sizeof *imports);
        FZ_CHECK(hosts && imports);
        static fz_host filler_host[2];
        filler_host[0] = (fz_host){.run = &run, .nresults = 0};
        filler_host[1] = (fz_host){.run = &run, .nresults = 1};
        aw_func *filler[2] = {aw_host_func_new(run.store, "()", fz_host_fn, &filler_host[0]),
                              aw_host_func_new(run.store, "(i)i", fz_host_fn, &filler_host[1])};
        uint32_t n = 0;
        for (uint32_t i = 0; i < nimp; i++) {
            aw_extern e = fz_import_extern(&run, m, i, hosts, filler);
            if (!e.of.func) continue; /* not satisfiable here: instantiation must say so */
            imports[n].module = m->imports[i].module;
            imports[n].name = m->imports[i].name;
            imports[n].ext = e;
            n++;
        }
        aw_instance *inst = aw_instantiate(run.store, m, imports, n, &err);
        if (!inst) {
            fz_check_instantiate_error(&err);
        } else {
            /* A second instance on the same imports: the tables both fill hold functions
             * of the other instance, so call_indirect crosses instances. */
            aw_instance *inst2 = aw_instantiate(run.store, m, imports, n, &err);
            if (!inst2) fz_check_instantiate_error(&err);
            uint32_t nexp = aw_module_export_count(m);
            for (uint32_t i = 0; i < nexp && !run.reenter; i++) {
                aw_extern_desc d;
                FZ_CHECK(aw_module_export(m, i, &d));
                if (d.kind == AW_EXTERN_FUNC) run.reenter = aw_instance_func(inst, d.name);
            }
            fz_exports(&run, m, inst, true);
            if (inst2) fz_exports(&run, m, inst2, false);
            fz_check_externs(m, inst);
        }
        free(hosts);
        free(imports);
        aw_store_delete(run.store);
    }
    aw_module_delete(m);
    FZ_CHECK(alloc.live == 0);
    *allocs = alloc.count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UINT32_MAX) return 0;
    fz_input in = {.data = data, .size = size};
    uint64_t hash = fz_hash(data, size);
    bool loaded;
    uint64_t allocs;
    fz_pass(&in, hash, 0, 0, &allocs, &loaded);
    uint64_t reads = in.reads;
    if (!loaded || hash % 4 != 0) return 0;
    /* again with one failure: an allocation refused, or the reader failing from
     * some read on (during the load, or at instantiation when segments are re-read) */
    if ((hash >> 2) & 1)
        fz_pass(&in, hash, 1 + (hash >> 8) % allocs, 0, &allocs, &loaded);
    else
        fz_pass(&in, hash, 0, 1 + (hash >> 8) % reads, &allocs, &loaded);
    return 0;
}

/*
 * module.h - the decoded, validated and compiled form of a module (engine-private).
 *
 * Written once by the loader (decode.c, validate/compile), read by instantiation and
 * the interpreter; immutable after aw_module_load() returns. Every array here is
 * allocated through the config's realloc hook (see mem.h) and sized only after its
 * length was checked against the bytes left in the section that declares it.
 */
#ifndef AW_MODULE_H
#define AW_MODULE_H

#include "akira/wasm.h"
#include "code.h"

/* A function type. `types` holds nparams parameter types then nresults result
 * types (AW_* bytes). `sig` is its signature string, e.g. "(ii)i". pslots / rslots:
 * the frame slots its parameters / results take (a v128 takes two; see code.h). */
typedef struct aw_functype {
    uint32_t nparams, nresults;
    uint32_t pslots, rslots;
    uint8_t *types;
    char *sig;
} aw_functype;

typedef struct aw_limits {
    uint32_t min, max;
    bool has_max;
} aw_limits;

typedef struct aw_tabletype {
    uint8_t elem; /* AW_FUNCREF or AW_EXTERNREF */
    aw_limits lim;
} aw_tabletype;

typedef struct aw_globaltype {
    uint8_t type;
    bool mut;
} aw_globaltype;

/* A constant expression of Wasm 2.0: exactly one instruction then `end`. */
typedef enum aw_const_kind {
    AW_CONST_I32,
    AW_CONST_I64,
    AW_CONST_F32,
    AW_CONST_F64,
    AW_CONST_REF_NULL,
    AW_CONST_REF_FUNC,   /* index = function index */
    AW_CONST_GLOBAL_GET, /* index = global index (an imported global in 2.0) */
    AW_CONST_V128,       /* globals only: the bytes are in aw_globaldef.v128 */
} aw_const_kind;

typedef struct aw_constexpr {
    uint8_t kind; /* aw_const_kind */
    uint8_t type; /* the value type it produces */
    uint32_t index;
    aw_val value; /* for the numeric kinds (bit pattern as decoded) */
} aw_constexpr;

typedef struct aw_importdef {
    char *module, *name;
    uint8_t kind; /* aw_extern_kind */
    union {
        uint32_t type; /* AW_EXTERN_FUNC: type index */
        aw_tabletype table;
        aw_limits memory;
        aw_globaltype global;
    } u;
} aw_importdef;

typedef struct aw_exportdef {
    char *name;
    uint8_t kind;   /* aw_extern_kind */
    uint32_t index; /* in the kind's index space (imports first) */
} aw_exportdef;

typedef struct aw_globaldef {
    aw_globaltype type;
    aw_constexpr init;
#if AW_SIMD
    uint8_t v128[16]; /* init of kind AW_CONST_V128 */
#endif
} aw_globaldef;

/* Frame slots a value of type t takes. */
static inline uint32_t aw_type_slots(uint8_t t)
{
    return t == AW_V128 ? 2 : 1;
}

typedef enum aw_segmode {
    AW_SEG_ACTIVE,
    AW_SEG_PASSIVE,
    AW_SEG_DECLARATIVE, /* element segments only */
} aw_segmode;

typedef struct aw_elemdef {
    uint8_t mode;        /* aw_segmode */
    uint8_t type;        /* AW_FUNCREF or AW_EXTERNREF */
    uint32_t table;      /* active only */
    aw_constexpr offset; /* active only */
    uint32_t count;
    aw_constexpr *items; /* count items: REF_FUNC, REF_NULL or GLOBAL_GET */
} aw_elemdef;

typedef struct aw_datadef {
    uint8_t mode;         /* AW_SEG_ACTIVE or AW_SEG_PASSIVE */
    uint32_t memory;      /* active only */
    aw_constexpr offset;  /* active only */
    uint32_t file_offset; /* where the bytes are in the module: re-read via the reader */
    uint32_t size;
} aw_datadef;

typedef struct aw_customdef {
    char *name;
    uint32_t offset, size; /* payload, after the name */
} aw_customdef;

/* A function defined in the module (imports are not here). */
typedef struct aw_funcdef {
    uint32_t type; /* type index */
    aw_code code;  /* compiled body, see code.h */
} aw_funcdef;

struct aw_module {
    aw_config cfg;
    aw_read_fn read;
    void *read_ctx;
    uint32_t size;

    uint32_t ntypes;
    aw_functype *types;

    uint32_t nimports;
    aw_importdef *imports;
    /* counts of imported entities of each kind: they come first in each index space */
    uint32_t nfunc_imports, ntable_imports, nmem_imports, nglobal_imports;

    uint32_t nfuncs;      /* total = imported + defined */
    uint32_t *func_types; /* nfuncs entries: type index of every function */
    aw_funcdef *funcs;    /* nfuncs - nfunc_imports defined functions */

    uint32_t ntables;     /* total */
    aw_tabletype *tables; /* ntables entries (imports first) */

    uint32_t nmems; /* total, 0 or 1 in 2.0 */
    aw_limits *mems;

    uint32_t nglobals;           /* total */
    aw_globaltype *global_types; /* nglobals entries */
    aw_globaldef *globals;       /* nglobals - nglobal_imports defined globals */

    uint32_t nexports;
    aw_exportdef *exports;

    bool has_start;
    uint32_t start;

    uint32_t nelems;
    aw_elemdef *elems;

    bool has_datacount;
    uint32_t ndatas;
    aw_datadef *datas;

    uint32_t ncustoms;
    aw_customdef *customs;

    size_t ram; /* bytes allocated for this module, for aw_module_ram() */

    struct aw_aot_module *aot; /* native code (aot_load.c), NULL: interpreter only */
};

#endif /* AW_MODULE_H */

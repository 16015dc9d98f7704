/*
 * load.h - state shared by the module loader's files (engine-private).
 *
 * aw_module_load() (module.c) owns one aw_load for the duration of a load. The decoder
 * (decode*.c) walks the sections through the buffered reader (reader.c); the code
 * section hands each body to the compiler (compile*.c), which validates and compiles
 * it in one pass. Any failure calls aw_load_fail(), which fills the caller's aw_error
 * and unwinds to aw_module_load() with longjmp: every allocation made so far is either
 * owned by the module (freed by aw_module_delete) or registered as scratch in the
 * aw_load (freed by module.c), so nothing leaks on that path.
 */
#ifndef AW_LOAD_H
#define AW_LOAD_H

#include <setjmp.h>

#include "module.h"

/* Bytes of the module held in RAM at once while loading. */
#define AW_READER_WINDOW 256

/* Cap on parameters + declared locals of one function. Keeps frame_slots (locals plus
 * operand stack, itself bounded by the body size) far from overflowing a uint32_t and
 * the per-function local-type table small. */
#define AW_MAX_LOCALS 50000u

/* A window on the module; `pos` is an absolute offset, reads never pass `end`. */
typedef struct aw_reader {
    aw_read_fn read;
    void *ctx;
    uint32_t size; /* module size */
    uint32_t base; /* module offset of buf[0] */
    uint32_t len;  /* valid bytes in buf */
    uint32_t pos;  /* next byte to read */
    uint32_t end;  /* limit of the current section or function body */
    uint8_t buf[AW_READER_WINDOW];
} aw_reader;

typedef struct aw_compiler aw_compiler;

typedef struct aw_load {
    aw_module *m;
    aw_error *err;
    jmp_buf fail;
    aw_reader r;
    const char *section; /* name reported in errors */
    bool in_section;     /* reading a section's contents (for the wording of errors) */

    /* bitmap over the function index space: functions that may appear in ref.func
     * inside bodies (C.refs: referenced by elements, exports or global initialisers) */
    uint8_t *declared;
    size_t declared_size;
    uint32_t nfunc_decl; /* entries announced by the function section */
    bool have_func_section;

    /* first memory.init/data.drop seen without a datacount section (offset, index) */
    uint32_t datacount_use, datacount_index;
    bool saw_data;
    /* first block type naming a type index past the type section (offset, index): it
     * is invalid, but only once the rest of the module decodes, since the spec makes
     * a malformed module malformed whatever else is wrong with it */
    uint32_t blocktype_use, blocktype_index;
    char *pending_name; /* a name being read, freed if the load fails meanwhile */
    aw_compiler *comp;  /* scratch of the body compiler, freed by aw_compile_free() */
#if AW_SIMD
    uint8_t v128[16]; /* the bytes of the last v128.const constant expression */
#endif
} aw_load;

/* Fail the load: fills *L->err (section, current offset, formatted reason) and unwinds
 * to aw_module_load(). */
_Noreturn void aw_load_fail(aw_load *L, aw_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Zeroed allocation owned by the module (counted in its RAM); fails the load with
 * AW_ERR_NOMEM when refused. */
void *aw_load_alloc(aw_load *L, size_t count, size_t size);

/* A NUL-terminated string of n bytes owned by the module (aw_name_free releases it):
 * its length is kept in front of it because names may contain NUL. */
char *aw_load_name_alloc(aw_load *L, uint32_t n);
void aw_name_free(const aw_config *cfg, char *s);

/* ---- reader (reader.c) ---- */

void aw_rd_init(aw_load *L, aw_read_fn read, void *ctx, uint32_t size);
void aw_rd_refill(aw_load *L);
_Noreturn void aw_rd_eof(aw_load *L);

static inline uint8_t aw_rd_u8(aw_load *L)
{
    aw_reader *r = &L->r;
    if (r->pos >= r->end) aw_rd_eof(L);
    if (r->pos - r->base >= r->len) aw_rd_refill(L);
    return r->buf[r->pos++ - r->base];
}

/* Bytes left before the current limit. */
static inline uint32_t aw_rd_left(const aw_load *L)
{
    return L->r.end - L->r.pos;
}

uint32_t aw_rd_u32(aw_load *L); /* unsigned LEB128, at most 5 bytes */
int32_t aw_rd_s32(aw_load *L);  /* signed LEB128, at most 5 bytes */
int64_t aw_rd_s33(aw_load *L);  /* signed LEB128 of 33 bits (block types) */
int64_t aw_rd_s64(aw_load *L);  /* signed LEB128, at most 10 bytes */
uint32_t aw_rd_fixed32(aw_load *L);
uint64_t aw_rd_fixed64(aw_load *L);
void aw_rd_bytes(aw_load *L, void *dst, uint32_t n);
void aw_rd_skip(aw_load *L, uint32_t n);
/* A vector length whose entries take at least `min_entry` bytes each: fails with
 * "unexpected end of section or function" when the section cannot hold that many, so callers may
 * allocate `count` entries safely. */
uint32_t aw_rd_count(aw_load *L, uint32_t min_entry);
/* A name: length-prefixed UTF-8, returned NUL-terminated and owned by the module. */
char *aw_rd_name(aw_load *L);

/* ---- decoding helpers shared with the compiler (decode.c) ---- */

/* Reads a value type; v128 is AW_ERR_UNSUPPORTED without AW_SIMD, other unknown bytes
 * are malformed. */
uint8_t aw_decode_valtype(aw_load *L);
bool aw_valtype_is_ref(uint8_t t);
bool aw_opcode_exists(uint8_t op);

/* ---- body compiler (compile.c) ---- */

/* Validate and compile the body of defined function `index` (in the function index
 * space) spanning [L->r.pos, L->r.end), into L->m->funcs[...].code. */
void aw_compile_body(aw_load *L, uint32_t index);
void aw_compile_free(aw_load *L);

#if AW_SIMD
/* ---- SIMD instructions (compile_simd.c) ---- */

/* Whether `sub` is an instruction of the 0xfd prefix. */
bool aw_simd_opcode_exists(uint32_t sub);
/* Its operand class (compile_simd.c's table, '.' for none): the code.h layout. */
char aw_simd_class(uint32_t sub);
#endif

#endif /* AW_LOAD_H */

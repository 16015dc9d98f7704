/*
 * Loader tests: what an embedder relies on when it hands the engine untrusted bytes.
 * Valid modules load and describe themselves; every malformed one fails cleanly with
 * the right status, section and offset; allocations are bounded by the input; the
 * module streams through the reader in small windows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "akira/wasm.h"
#include "load.h"
#include "modbuild.h"

/* (i32,i32)->i32 "add" exported, importing env.log, with a custom section "note". */
static const uint8_t add_mod[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                               /* header */
    0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,                         /* type */
    0x02, 0x0b, 0x01, 0x03, 'e',  'n',  'v',  0x03, 'l',  'o',  'g',  0x00, 0x00, /* import */
    0x03, 0x02, 0x01, 0x00,                                                       /* function */
    0x00, 0x07, 0x04, 'n',  'o',  't',  'e',  'h',  'i',              /* custom "note" */
    0x07, 0x07, 0x01, 0x03, 'a',  'd',  'd',  0x00, 0x01,             /* export add = func 1 */
    0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, /* code */
};

static void test_valid_module_describes_itself(void **state)
{
    (void)state;
    aw_error err;
    aw_module *m = aw_module_load_buffer(NULL, add_mod, sizeof add_mod, &err);
    assert_non_null(m);
    assert_int_equal(aw_module_import_count(m), 1);
    aw_extern_desc d;
    assert_true(aw_module_import(m, 0, &d));
    assert_string_equal(d.module, "env");
    assert_string_equal(d.name, "log");
    assert_int_equal(d.kind, AW_EXTERN_FUNC);
    assert_string_equal(d.signature, "(ii)i");
    assert_false(aw_module_import(m, 1, &d));
    assert_int_equal(aw_module_export_count(m), 1);
    assert_true(aw_module_export(m, 0, &d));
    assert_string_equal(d.name, "add");
    assert_string_equal(d.signature, "(ii)i");
    uint32_t off, size;
    assert_true(aw_module_custom_section(m, "note", &off, &size));
    assert_int_equal(size, 2);
    assert_memory_equal(add_mod + off, "hi", 2);
    assert_false(aw_module_custom_section(m, "missing", &off, &size));
    assert_true(aw_module_ram(m) > sizeof(aw_module));
    aw_module_delete(m);
}

static void test_every_truncation_fails_cleanly(void **state)
{
    (void)state;
    for (size_t n = 0; n < sizeof add_mod; n++) {
        aw_error err;
        /* a copy of exactly n bytes, so ASan sees any read past the end */
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, add_mod, n);
        aw_module *m = aw_module_load_buffer(NULL, copy, n, &err);
        free(copy);
        /* cut right after the header, the type or the import section, what is left
         * is a complete module; every other cut is malformed */
        if (n == 8 || n == 17 || n == 30) {
            assert_non_null(m);
            aw_module_delete(m);
            continue;
        }
        assert_null(m);
        assert_int_equal(err.status, AW_ERR_MALFORMED);
        assert_true(err.offset <= n);
        assert_true(err.msg[0] != '\0');
        assert_true(err.section[0] != '\0');
    }
}

static aw_error load_fail(const void *bytes, size_t n)
{
    aw_error err;
    aw_module *m = aw_module_load_buffer(NULL, bytes, n, &err);
    assert_null(m);
    return err;
}

static void test_header_errors(void **state)
{
    (void)state;
    aw_error e = load_fail("\0asx\1\0\0\0", 8);
    assert_string_equal(e.msg, "magic header not detected");
    e = load_fail("\0asm\2\0\0\0", 8);
    assert_string_equal(e.msg, "unknown binary version");
    e = load_fail("\0asm\1\0\0\0\x0d\0", 10);
    assert_string_equal(e.msg, "malformed section id");
}

/* Allocation hook that remembers the largest single request. */
static size_t biggest;
static void *track_realloc(void *ctx, void *p, size_t old, size_t n)
{
    (void)ctx;
    (void)old;
    if (n > biggest) biggest = n;
    if (n == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, n);
}

static void test_huge_counts_do_not_allocate(void **state)
{
    (void)state;
    aw_config cfg = {.realloc = track_realloc};
    /* each section claims 0xffffffff entries in a few bytes */
    static const uint8_t ids[] = {1, 2, 3, 4, 5, 6, 7, 9, 11};
    for (size_t i = 0; i < sizeof ids; i++) {
        mb m;
        mb_header(&m);
        mb_section(&m, ids[i], "\xff\xff\xff\xff\x0f\0\0", 7);
        biggest = 0;
        aw_error err;
        assert_null(aw_module_load_buffer(&cfg, m.b, m.n, &err));
        assert_int_equal(err.status, AW_ERR_MALFORMED);
        assert_true(biggest < 4096);
    }
}

static void test_leb_rules(void **state)
{
    (void)state;
    mb m;
    /* function section whose count is a 6-byte LEB */
    mb_header(&m);
    mb_section(&m, 3, "\x80\x80\x80\x80\x80\x00", 6);
    aw_error e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_MALFORMED);
    assert_string_equal(e.msg, "integer representation too long");
    assert_string_equal(e.section, "function");
    /* unused bits of the 5th byte set */
    mb_header(&m);
    mb_section(&m, 3, "\x80\x80\x80\x80\x70", 5);
    e = load_fail(m.b, m.n);
    assert_string_equal(e.msg, "integer too large");
    assert_int_equal(e.offset, 8 + 2 + 5); /* just past the offending byte */
    /* a signed i32.const with bad sign-extension bits */
    static const uint8_t body[] = {0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x1a, 0x0b};
    mb_func_module(&m, "\x60\0\0", 3, body, sizeof body);
    e = load_fail(m.b, m.n);
    assert_string_equal(e.msg, "integer too large");
    assert_string_equal(e.section, "code");
}

#if !AW_SIMD
/* An engine built without SIMD (AKIRA_WASM_SIMD off) refuses v128 wherever it is: a
 * clear "unsupported" rather than "malformed". With SIMD, test_exec_simd checks that
 * these load. */
static void test_simd_is_unsupported(void **state)
{
    (void)state;
    mb m;
    mb_func_module(&m, "\x60\1\x7b\0", 4, "\0\x0b", 2);
    aw_error e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_UNSUPPORTED);
    assert_string_equal(e.msg, "SIMD is not supported");
    static const uint8_t body[] = {0x00, 0xfd, 0x0c, 0x0b};
    mb_func_module(&m, "\x60\0\0", 3, body, sizeof body);
    e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_UNSUPPORTED);
    /* a v128 block type, local and global */
    static const uint8_t block[] = {0x00, 0x02, 0x7b, 0x00, 0x0b, 0x0b};
    mb_func_module(&m, "\x60\0\0", 3, block, sizeof block);
    assert_int_equal(load_fail(m.b, m.n).status, AW_ERR_UNSUPPORTED);
    static const uint8_t local[] = {0x01, 0x01, 0x7b, 0x0b};
    mb_func_module(&m, "\x60\0\0", 3, local, sizeof local);
    assert_int_equal(load_fail(m.b, m.n).status, AW_ERR_UNSUPPORTED);
    assert_false(aw_simd_supported());
}
#endif

/* Found by fuzzing: a call in unreachable code pops its arguments from the
 * polymorphic stack; the compiler must not touch entries that do not exist. */
static void test_call_in_unreachable_code(void **state)
{
    (void)state;
    mb m;
    mb_header(&m);
    mb_section(&m, 1, "\2\x60\0\0\x60\3\x7f\x7f\x7f\0", 10);
    mb_section(&m, 3, "\2\0\1", 3);
    /* function 0: unreachable, call 1 (three i32 arguments), end */
    static const uint8_t code[] = {2, 5, 0, 0x00, 0x10, 1, 0x0b, 2, 0, 0x0b};
    mb_section(&m, 10, code, sizeof code);
    aw_error err;
    aw_module *mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
    assert_non_null(mod);
    aw_module_delete(mod);
}

static void test_invalid_vs_malformed(void **state)
{
    (void)state;
    mb m;
    /* i32.add on an empty stack: type error, the binary is well formed */
    mb_func_module(&m, "\x60\0\0", 3, "\0\x6a\x0b", 3);
    aw_error e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_INVALID);
    assert_string_equal(e.msg, "type mismatch");
    assert_string_equal(e.section, "code");
    /* unknown local */
    mb_func_module(&m, "\x60\0\0", 3, "\0\x20\x05\x1a\x0b", 5);
    e = load_fail(m.b, m.n);
    assert_string_equal(e.msg, "unknown local 5");
    /* a body with trailing bytes after its end */
    mb_func_module(&m, "\x60\0\0", 3, "\0\x0b\x01", 3);
    e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_MALFORMED);
    /* too many locals, counts that overflow 32 bits together */
    mb_func_module(&m, "\x60\0\0", 3, "\2\xff\xff\xff\xff\x0f\x7f\x02\x7e\x0b", 10);
    e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_MALFORMED);
    assert_string_equal(e.msg, "too many locals");
    /* function section without code section */
    mb_header(&m);
    mb_section(&m, 1, "\1\x60\0\0", 4);
    mb_section(&m, 3, "\1\0", 2);
    e = load_fail(m.b, m.n);
    assert_string_equal(e.msg, "function and code section have inconsistent lengths");
    /* duplicate export names */
    mb_header(&m);
    mb_section(&m, 1, "\1\x60\0\0", 4);
    mb_section(&m, 3, "\1\0", 2);
    mb_section(&m, 7, "\2\1a\0\0\1a\0\0", 9);
    mb_section(&m, 10, "\1\2\0\x0b", 4);
    e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_INVALID);
    assert_string_equal(e.msg, "duplicate export name");
    /* sections out of order */
    mb_header(&m);
    mb_section(&m, 3, "\0", 1);
    mb_section(&m, 1, "\0", 1);
    e = load_fail(m.b, m.n);
    assert_string_equal(e.msg, "unexpected content after last section");
    /* a block of unknown type 11 is invalid once the module decodes to its end ... */
    mb_func_module(&m, "\x60\0\0", 3, "\0\x02\x0b\x0b\x0b", 5);
    e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_INVALID);
    assert_string_equal(e.msg, "unknown type 11");
    assert_string_equal(e.section, "code");
    /* ... but malformed when a later byte does not decode (the spec's binary.wast) */
    mb_func_module(&m, "\x60\0\0", 3, "\0\x02\x0b\x0b", 4);
    e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_MALFORMED);
    mb_func_module(&m, "\x60\0\0", 3, "\0\x02\x0b\x0b\x0b", 5);
    m.b[m.n++] = 0x0d; /* a section id that does not exist */
    m.b[m.n++] = 0x00;
    e = load_fail(m.b, m.n);
    assert_int_equal(e.status, AW_ERR_MALFORMED);
    /* a name that is not UTF-8 */
    mb_header(&m);
    mb_section(&m, 0, "\2\xc0\x80", 3);
    e = load_fail(m.b, m.n);
    assert_string_equal(e.msg, "malformed UTF-8 encoding");
}

/* aw_span_read, the engine's reader over bytes in memory: reads inside the span give
 * its bytes; a read that ends past it, starts past it or wraps around fails and leaves
 * the destination alone. */
static void test_span_reader_stays_inside(void **state)
{
    (void)state;
    static const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    aw_span s = {bytes, 6}; /* the last two bytes are not the span's */
    uint8_t out[8] = {0};
    assert_int_equal(aw_span_read(&s, 2, out, 4), 0);
    assert_memory_equal(out, bytes + 2, 4);
    assert_int_equal(aw_span_read(&s, 6, out, 0), 0);
    memset(out, 0xee, sizeof out);
    assert_true(aw_span_read(&s, 3, out, 4) < 0);
    assert_true(aw_span_read(&s, 7, out, 0) < 0);
    assert_true(aw_span_read(&s, 2, out, UINT32_MAX - 1) < 0);
    assert_true(aw_span_read(&s, UINT32_MAX, out, 2) < 0);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0xee);
    /* a module loads through it */
    aw_span m = {add_mod, sizeof add_mod};
    aw_error err;
    aw_module *mod = aw_module_load(NULL, aw_span_read, &m, m.n, &err);
    assert_non_null(mod);
    aw_module_delete(mod);
}

/* A reader over a buffer that checks the engine's window discipline. */
typedef struct flash {
    const uint8_t *bytes;
    uint32_t size, max_len, calls, fail_at;
} flash;

static int flash_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    flash *f = ctx;
    f->calls++;
    if (len > f->max_len) f->max_len = len;
    if (off + (uint64_t)len > f->size) return -1;
    if (f->fail_at && f->calls >= f->fail_at) return -1;
    memcpy(buf, f->bytes + off, len);
    return 0;
}

static void test_streams_in_small_windows(void **state)
{
    (void)state;
    /* a module with a 3000-byte custom section: its payload is never read */
    static uint8_t big[4096];
    mb m;
    mb_header(&m);
    uint8_t payload[3001] = {4, 'b', 'l', 'o', 'b'};
    mb_section(&m, 0, payload, sizeof payload);
    memcpy(big, m.b, m.n);
    memcpy(big + m.n, add_mod + 8, sizeof add_mod - 8);
    uint32_t size = (uint32_t)(m.n + sizeof add_mod - 8);
    flash f = {.bytes = big, .size = size};
    aw_error err;
    aw_module *mod = aw_module_load(NULL, flash_read, &f, size, &err);
    assert_non_null(mod);
    assert_true(f.max_len <= AW_READER_WINDOW);
    assert_true(f.calls < 8);
    aw_module_delete(mod);

    /* a reader failure is an I/O error, not a malformed module */
    flash g = {.bytes = add_mod, .size = sizeof add_mod, .fail_at = 1};
    assert_null(aw_module_load(NULL, flash_read, &g, sizeof add_mod, &err));
    assert_int_equal(err.status, AW_ERR_IO);
}

/* Refuses the n-th allocation: every refusal must fail the load cleanly (ASan
 * checks that nothing leaks). */
static int allow_left;
static void *failing_realloc(void *ctx, void *p, size_t old, size_t n)
{
    (void)ctx;
    (void)old;
    if (n == 0) {
        free(p);
        return NULL;
    }
    if (allow_left-- <= 0) return NULL;
    return realloc(p, n);
}

static void test_allocation_refusals(void **state)
{
    (void)state;
    aw_config cfg = {.realloc = failing_realloc};
    int n;
    for (n = 0; n < 200; n++) {
        allow_left = n;
        aw_error err;
        aw_module *m = aw_module_load_buffer(&cfg, add_mod, sizeof add_mod, &err);
        if (m) {
            aw_module_delete(m);
            break;
        }
        assert_int_equal(err.status, AW_ERR_NOMEM);
    }
    assert_true(n > 5 && n < 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_module_describes_itself),
        cmocka_unit_test(test_every_truncation_fails_cleanly),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_huge_counts_do_not_allocate),
        cmocka_unit_test(test_leb_rules),
#if !AW_SIMD
        cmocka_unit_test(test_simd_is_unsupported),
#endif
        cmocka_unit_test(test_invalid_vs_malformed),
        cmocka_unit_test(test_call_in_unreachable_code),
        cmocka_unit_test(test_streams_in_small_windows),
        cmocka_unit_test(test_span_reader_stays_inside),
        cmocka_unit_test(test_allocation_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

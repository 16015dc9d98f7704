/*
 * SIMD (v128) where the spec scripts leave gaps, on compiled modules: built twice, with
 * computed-goto dispatch (test_exec_simd) and with the switch (test_exec_simd_switch).
 *  - memory bounds at the very end of linear memory for every SIMD load and store
 *    (plain, splat, zero, extend and lane forms): an access at size - width works, one
 *    at size - width + 1 traps and changes nothing;
 *  - v128 beside scalars in parameters, locals, results, a global, select, calls,
 *    multi-value blocks, a loop with a parameter and br_table (wat/simd_mix.wat, its
 *    path in argv[1]): a v128 takes two frame slots, and a slot counted wrong anywhere
 *    moves every value after it;
 *  - the loader's answers: SIMD modules load, unknown 0xfd opcodes are malformed, lane
 *    indices and alignments out of range are invalid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "akira/wasm.h"
#include "modbuild.h"

#define PAGE 65536u

static const char *mix_path;

/* One SIMD memory instruction: opcode, bytes accessed, store, lane form. */
typedef struct simd_access {
    uint8_t sub;
    uint32_t width;
    bool store, lane;
} simd_access;

static const simd_access ACCESSES[] = {
    {0x00, 16, false, false}, {0x01, 8, false, false}, {0x02, 8, false, false},
    {0x03, 8, false, false},  {0x04, 8, false, false}, {0x05, 8, false, false},
    {0x06, 8, false, false},  {0x07, 1, false, false}, {0x08, 2, false, false},
    {0x09, 4, false, false},  {0x0a, 8, false, false}, {0x0b, 16, true, false},
    {0x54, 1, false, true},   {0x55, 2, false, true},  {0x56, 4, false, true},
    {0x57, 8, false, true},   {0x58, 1, true, true},   {0x59, 2, true, true},
    {0x5a, 4, true, true},    {0x5b, 8, true, true},   {0x5c, 4, false, false},
    {0x5d, 8, false, false},
};

/* "f": (param i32) [(result v128)]: the access at local 0 + offset; lane forms on
 * lane 1 of a constant, stores storing the constant (bytes 0xa0..0xaf). */
static aw_module *access_module(const simd_access *x, uint32_t pages, uint32_t offset)
{
    uint8_t type[5] = {0x60, 1, 0x7f, 1, 0x7b};
    if (x->store) type[3] = 0;
    mb body = {.n = 0};
    body.b[body.n++] = 0;    /* no locals */
    body.b[body.n++] = 0x20; /* local.get 0 */
    body.b[body.n++] = 0;
    if (x->store || x->lane) {
        body.b[body.n++] = 0xfd; /* v128.const */
        body.b[body.n++] = 0x0c;
        for (int i = 0; i < 16; i++)
            body.b[body.n++] = (uint8_t)(0xa0 + i);
    }
    body.b[body.n++] = 0xfd;
    body.b[body.n++] = x->sub;
    body.b[body.n++] = 0; /* align 1: any address */
    mb_u32(&body, offset);
    if (x->lane) body.b[body.n++] = 1;
    body.b[body.n++] = 0x0b;
    static mb m;
    mb_func_module_mem(&m, pages, type, x->store ? 4 : 5, body.b, body.n);
    uint8_t pat[16];
    for (int i = 0; i < 16; i++)
        pat[i] = (uint8_t)(0x11 * (i + 1));
    mb_data(&m, pages * PAGE - 16, pat, 16);
    aw_error err;
    aw_module *mod = aw_module_load_buffer(NULL, m.b, m.n, &err);
    if (!mod)
        fail_msg("0xfd %02x: load failed: %s @%u: %s", x->sub, err.section, err.offset, err.msg);
    return mod;
}

static void check_access(const simd_access *x, uint32_t pages, uint32_t offset, uint32_t addr)
{
    uint64_t ea = (uint64_t)addr + offset, size = (uint64_t)pages * PAGE;
    aw_module *mod = access_module(x, pages, offset);
    aw_store *s = aw_store_new(NULL);
    aw_error err;
    aw_instance *inst = aw_instantiate(s, mod, NULL, 0, &err);
    assert_non_null(inst);
    aw_memory *mem = aw_instance_memory(inst, 0);
    uint8_t before[16], after[16];
    memcpy(before, aw_memory_ptr(mem, size - 16, 16), 16);
    aw_val arg = {.u64 = addr}, r[2] = {{.u64 = 0}, {.u64 = 0}};
    aw_status st = aw_call(s, aw_instance_func(inst, "f"), &arg, 1, r, x->store ? 0 : 2, &err);
    memcpy(after, aw_memory_ptr(mem, size - 16, 16), 16);
    if (ea + x->width > size) {
        if (st != AW_ERR_TRAP || err.trap != AW_TRAP_MEMORY_OOB)
            fail_msg("0xfd %02x at %llu (addr %u offset %u): no trap", x->sub,
                     (unsigned long long)ea, addr, offset);
        assert_memory_equal(before, after, 16);
    } else {
        if (st != AW_OK)
            fail_msg("0xfd %02x at %llu (addr %u offset %u): status %d", x->sub,
                     (unsigned long long)ea, addr, offset, st);
        const uint8_t *got = (const uint8_t *)r;
        if (ea + x->width == size) {
            /* the last `width` bytes of memory were read or written */
            if (x->sub == 0x00) assert_memory_equal(got, before, 16);
            if (x->sub == 0x0b)
                assert_memory_equal(after,
                                    "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7"
                                    "\xa8\xa9\xaa\xab\xac\xad\xae\xaf",
                                    16);
            if (x->lane && !x->store) {
                assert_memory_equal(got + x->width, before + 16 - x->width, x->width);
                assert_int_equal(got[0], 0xa0); /* the other lanes stay */
            }
            if (x->lane && x->store) /* lane 1 of the constant */
                assert_memory_equal(after + 16 - x->width,
                                    "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8"
                                    "\xa9\xaa\xab\xac\xad\xae\xaf" +
                                        x->width,
                                    x->width);
        }
    }
    aw_store_delete(s);
    aw_module_delete(mod);
}

static void test_end_of_memory_every_simd_access(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ACCESSES / sizeof ACCESSES[0]; i++) {
        const simd_access *x = &ACCESSES[i];
        for (uint32_t pages = 1; pages <= 2; pages++) {
            uint32_t last = pages * PAGE - x->width;
            for (uint32_t e = last; e <= last + 1; e++) {
                check_access(x, pages, 0, e);
                check_access(x, pages, e, 0);
                check_access(x, pages, 3, e - 3);
            }
        }
    }
}

/* ---- v128 beside scalars ---- */

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static uint8_t buf[4096];
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

static void v128_i32x4(aw_val *out, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint32_t l[4] = {a, b, c, d};
    memcpy(out, l, 16);
}

static void test_v128_beside_scalars(void **state)
{
    (void)state;
    size_t n = 0;
    const uint8_t *bytes = read_file(mix_path, &n);
    assert_non_null(bytes);
    aw_error err;
    aw_module *mod = aw_module_load_buffer(NULL, bytes, n, &err);
    if (!mod) fail_msg("load: %s", err.msg);
    aw_store *s = aw_store_new(NULL);
    aw_instance *inst = aw_instantiate(s, mod, NULL, 0, &err);
    assert_non_null(inst);
    aw_func *mix = aw_instance_func(inst, "mix");
    assert_string_equal(aw_func_signature(mix), "(iVIV)ViV");
    for (uint32_t a = 0; a <= 5; a += 5) {
        for (uint64_t c = 0; c <= 1; c++) { /* br_table to the block, then to the function */
            aw_val args[6], res[5], want[5];
            args[0].u64 = a;
            v128_i32x4(&args[1], 1, 2, 3, 4);
            args[3].u64 = c;
            v128_i32x4(&args[4], 10, 20, 30, 40);
            memset(res, 0x5a, sizeof res);
            /* a v128 counts two aw_val: 4 values, 6 entries */
            assert_int_equal(aw_call(s, mix, args, 4, res, 5, &err), AW_ERR_ARGS);
            assert_int_equal(aw_call(s, mix, args, 6, res, 5, &err), AW_OK);
            if (a)
                v128_i32x4(&want[0], 1, 2, 3, 4);
            else
                v128_i32x4(&want[0], 10, 20, 30, 40);
            v128_i32x4(&want[3], 11, 22, 33, 44);
            assert_memory_equal(&res[0], &want[0], 16);
            assert_int_equal(res[2].u32, a + c);
            assert_memory_equal(&res[3], &want[3], 16);
        }
    }
    aw_val args[2] = {{.u64 = 7}, {.u64 = 5}}, res[3], want[2];
    assert_int_equal(aw_call(s, aw_instance_func(inst, "count"), args, 2, res, 3, &err), AW_OK);
    v128_i32x4(want, 35, 35, 35, 35);
    assert_memory_equal(res, want, 16);
    assert_int_equal(res[2].u32, 0);
    aw_store_delete(s);
    aw_module_delete(mod);
}

/* ---- the loader ---- */

static aw_status load_body(const uint8_t *body, size_t n, aw_error *err)
{
    static mb m;
    mb_func_module_mem(&m, 1, "\x60\0\0", 3, body, n);
    aw_module *mod = aw_module_load_buffer(NULL, m.b, m.n, err);
    if (mod) aw_module_delete(mod);
    return mod ? AW_OK : err->status;
}

static void test_loader_answers(void **state)
{
    (void)state;
    aw_error e;
    /* v128.const; i8x16.extract_lane_u 15; drop */
    uint8_t ok[] = {0,  0xfd, 0x0c, 1,  2,  3,  4,  5,    6,    7,  8,    9,
                    10, 11,   12,   13, 14, 15, 16, 0xfd, 0x16, 15, 0x1a, 0x0b};
    assert_int_equal(load_body(ok, sizeof ok, &e), AW_OK);
    ok[21] = 16; /* lane 16 of 16 */
    assert_int_equal(load_body(ok, sizeof ok, &e), AW_ERR_INVALID);
    assert_string_equal(e.msg, "invalid lane index");
    /* i8x16.shuffle of two constants, its last lane index 31, then 32 */
    uint8_t body[64] = {0};
    size_t k = 1;
    for (int c = 0; c < 2; c++) {
        body[k++] = 0xfd, body[k++] = 0x0c; /* v128.const 0 */
        k += 16;
    }
    body[k++] = 0xfd, body[k++] = 0x0d;
    for (int i = 0; i < 16; i++)
        body[k++] = (uint8_t)(i == 15 ? 31 : i);
    body[k++] = 0x1a, body[k++] = 0x0b;
    assert_int_equal(load_body(body, k, &e), AW_OK);
    body[k - 3] = 32;
    assert_int_equal(load_body(body, k, &e), AW_ERR_INVALID);
    assert_string_equal(e.msg, "invalid lane index");
    /* opcodes with no instruction: 0x9a (one byte of LEB: 0x9a 0x01), 0x100 */
    static const uint8_t bad1[] = {0, 0xfd, 0x9a, 0x01, 0x0b};
    assert_int_equal(load_body(bad1, sizeof bad1, &e), AW_ERR_MALFORMED);
    static const uint8_t bad2[] = {0, 0xfd, 0x80, 0x02, 0x0b};
    assert_int_equal(load_body(bad2, sizeof bad2, &e), AW_ERR_MALFORMED);
    /* v128.load with alignment 2^5 > 16 */
    static const uint8_t align[] = {0, 0x41, 0, 0xfd, 0x00, 5, 0, 0x1a, 0x0b};
    assert_int_equal(load_body(align, sizeof align, &e), AW_ERR_INVALID);
    assert_string_equal(e.msg, "alignment must not be larger than natural");
    /* a v128 where an i32 is expected */
    static const uint8_t mism[] = {0, 0xfd, 0x0c, 0, 0, 0, 0, 0, 0,    0,    0,
                                   0, 0,    0,    0, 0, 0, 0, 0, 0x45, 0x1a, 0x0b};
    assert_int_equal(load_body(mism, sizeof mism, &e), AW_ERR_INVALID);
    assert_string_equal(e.msg, "type mismatch");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s simd_mix.wasm\n", argv[0]);
        return 2;
    }
    mix_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_end_of_memory_every_simd_access),
        cmocka_unit_test(test_v128_beside_scalars),
        cmocka_unit_test(test_loader_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

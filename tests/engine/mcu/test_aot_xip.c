/*
 * The AOT tier's execute in place on the Cortex-M4F (docs/aot.md, "Execute in place"),
 * on the board in QEMU: tiers.wat's thumbv7em code lies in the image's read-only data,
 * in the Code region the core executes from, as an app's package lies in flash0.
 *
 * Attached through an in_place hook, the code runs where it lies: the tier says so, the
 * attach takes only the slot table and the engine's record from the heap, results and
 * traps are the interpreter's, and r9 (the slot table) is right after a nested call
 * from a host function back into the instance and after a trap. Code that cannot run in
 * place is copied, with the reason as a note: 4 bytes off its alignment, or in memory
 * the port does not call executable. Damage is refused on the in-place path too (a
 * flipped bit, caught by the checksum over the bytes in place; a slot past the table and
 * an entry without its Thumb bit, with the checksum made right).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <akira/exec_mem.h>
#include <akira/wasm.h>

#include "aot_format.h"

extern const uint8_t xip_wasm[], xip_wasm_end[], xip_aot[], xip_aot_end[], xip_aot_off[];

/* The port's answer, as the runtime's hook gives it for an app in flash. */
static const void *port_in_place(void *ctx, aw_read_fn read, void *rctx, uint32_t off, uint32_t len)
{
    (void)ctx;
    const aw_span *b = rctx;
    if (read != aw_span_read || off > b->n || len > b->n - off) return NULL;
    return akira_exec_in_place(b->p + off, len);
}

/* Any bytes as they lie (SRAM is executable on the M4 too): for damaged copies. */
static const void *any_in_place(void *ctx, aw_read_fn read, void *rctx, uint32_t off, uint32_t len)
{
    (void)ctx, (void)read, (void)len;
    return ((const aw_span *)rctx)->p + off;
}

static aw_aot_exec hooks(const void *(*in_place)(void *, aw_read_fn, void *, uint32_t, uint32_t))
{
    return (aw_aot_exec){.alloc = akira_exec_alloc,
                         .seal = akira_exec_seal,
                         .free = akira_exec_free,
                         .in_place = in_place};
}

static uint32_t aot_len(void)
{
    return (uint32_t)(xip_aot_end - xip_aot);
}

static aw_module *load(void)
{
    aw_error err;
    aw_module *m = aw_module_load_buffer(NULL, xip_wasm, (size_t)(xip_wasm_end - xip_wasm), &err);
    assert_non_null(m);
    return m;
}

/* Attach [p, p+n) through x; the status, the note or reason in err, the heap it took. */
static aw_status attach(aw_module *m, const uint8_t *p, uint32_t n, const aw_aot_exec *x,
                        aw_error *err, size_t *heap)
{
    aw_span b = {p, n};
    size_t before = mallinfo().uordblks;
    aw_status st = aw_module_attach_aot(m, aw_span_read, &b, 0, n, x, err);
    if (heap) *heap = mallinfo().uordblks - before;
    return st;
}

static aw_store *store;
static aw_instance *inst;
static int nested; /* add(40, 2) from inside the host function, native, nested */

static aw_status poke(aw_instance *caller, void *user, aw_val *io)
{
    (void)caller, (void)user, (void)io;
    aw_val args[2] = {{.i32 = 40}, {.i32 = 2}}, res[1];
    aw_error err;
    if (aw_call(store, aw_instance_func(inst, "add"), args, 2, res, 1, &err) == AW_OK)
        nested = res[0].i32;
    aw_store_interrupt(store);
    return AW_OK;
}

static aw_status call(const char *name, int32_t a, int32_t b, int32_t *out, aw_error *err)
{
    aw_func *f = aw_instance_func(inst, name);
    assert_non_null(f);
    uint32_t np, nr;
    const uint8_t *pt, *rt;
    aw_func_type(f, &np, &pt, &nr, &rt);
    aw_val args[2] = {{.i32 = a}, {.i32 = b}}, res[1] = {{0}};
    aw_status st = aw_call(store, f, args, np, res, nr, err);
    if (out) *out = res[0].i32;
    return st;
}

/* Instantiate m and run the checks every placement must pass. */
static void exercise(aw_module *m)
{
    aw_config cfg = {0};
    store = aw_store_new(&cfg);
    assert_non_null(store);
    aw_store_set_native_stack(store, 2048); /* main runs on the 4 KiB MSP stack */
    aw_error err;
    aw_import imp = {"env", "poke", {.kind = AW_EXTERN_FUNC}};
    imp.ext.of.func = aw_host_func_new(store, "()", poke, NULL);
    inst = aw_instantiate(store, m, &imp, 1, &err);
    assert_non_null(inst);
    assert_string_equal(aw_instance_tier(inst), aw_module_tier(m));
    int32_t v;
    assert_int_equal(call("add", 2, 3, &v, &err), AW_OK);
    assert_int_equal(v, 5);
    /* a trap keeps the interpreter's reason and message; the code runs on after it */
    assert_int_equal(call("peek", 65533, 0, &v, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_MEMORY_OOB);
    assert_string_equal(err.msg, "out of bounds memory access");
    assert_int_equal(call("poke8", 100, 0x5a, NULL, &err), AW_OK);
    assert_int_equal(call("peek", 100, 0, &v, &err), AW_OK);
    assert_int_equal(v, 0x5a);
    /* an import that calls back into the instance, then the interrupt it asked for:
     * the helpers after the import (the poll) are reached through r9 */
    nested = 0;
    assert_int_equal(call("spin_call", 0, 0, NULL, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_INTERRUPTED);
    assert_int_equal(nested, 42);
    aw_store_clear_interrupt(store);
    /* deep recursion: the stack check traps */
    assert_int_equal(call("rec", 0, 0, NULL, &err), AW_ERR_TRAP);
    assert_int_equal(err.trap, AW_TRAP_STACK_EXHAUSTED);
    assert_int_equal(call("add", -7, 7, &v, &err), AW_OK);
    assert_int_equal(v, 0);
    aw_store_delete(store);
}

static void test_runs_in_place(void **state)
{
    (void)state;
    aw_module *m = load();
    aw_aot_exec x = hooks(port_in_place);
    aw_error err;
    size_t heap;
    assert_int_equal(attach(m, xip_aot, aot_len(), &x, &err, &heap), AW_OK);
    assert_string_equal(err.msg, "");
    assert_string_equal(aw_module_tier(m), "aot thumbv7em (in place)");
    /* the record and the slot table only, not the image */
    uint32_t isize = aw_aot_rd32(xip_aot + AW_AOT_OFF_IMGSIZE);
    assert_true(heap < 256);
    assert_true(heap < isize);
    exercise(m);
    aw_module_delete(m);
}

static void test_copied_when_it_cannot(void **state)
{
    (void)state;
    aw_aot_exec x = hooks(port_in_place);
    aw_error err;
    size_t heap;
    uint32_t isize = aw_aot_rd32(xip_aot + AW_AOT_OFF_IMGSIZE);
    /* 4 bytes past the alignment: copied */
    aw_module *m = load();
    assert_int_equal(attach(m, xip_aot_off, aot_len(), &x, &err, &heap), AW_OK);
    assert_string_equal(err.msg, "image not aligned in place");
    assert_string_equal(aw_module_tier(m), "aot thumbv7em");
    assert_true(heap >= isize);
    exercise(m);
    aw_module_delete(m);
    /* in SRAM, which the port does not offer: copied */
    uint8_t *ram = memalign(16, aot_len());
    assert_non_null(ram);
    memcpy(ram, xip_aot, aot_len());
    m = load();
    assert_int_equal(attach(m, ram, aot_len(), &x, &err, NULL), AW_OK);
    assert_string_equal(err.msg, "the section is not mapped executable");
    assert_string_equal(aw_module_tier(m), "aot thumbv7em");
    exercise(m);
    aw_module_delete(m);
    /* no hook: copied, no note */
    x.in_place = NULL;
    m = load();
    assert_int_equal(attach(m, ram, aot_len(), &x, &err, NULL), AW_OK);
    assert_string_equal(err.msg, "");
    assert_string_equal(aw_module_tier(m), "aot thumbv7em");
    aw_module_delete(m);
    free(ram);
}

static void fix_checksum(uint8_t *sec, uint32_t n)
{
    uint32_t sum = aw_aot_checksum(sec, n);
    memcpy(sec + AW_AOT_OFF_CHECKSUM, &sum, 4);
}

/* A copy of the section, aligned, damaged by `how`, attached in place: refused. */
static void refused(int how, const char *why)
{
    uint32_t n = aot_len();
    uint8_t *sec = memalign(16, n);
    assert_non_null(sec);
    memcpy(sec, xip_aot, n);
    uint32_t nrel = aw_aot_rd32(sec + AW_AOT_OFF_NRELOCS);
    uint8_t *img = sec + AW_AOT_HEADER_SIZE + 8 * nrel + aw_aot_rd32(sec + AW_AOT_OFF_IMGPAD);
    if (how == 0) { /* one bit of the first instruction */
        img[0] ^= 1;
    } else if (how == 1) { /* the first relocation fills the slot past the table */
        uint32_t past = 4 * nrel;
        memcpy(sec + AW_AOT_HEADER_SIZE, &past, 4);
        fix_checksum(sec, n);
    } else { /* the first function's entry without its Thumb bit */
        const uint8_t *root = img + aw_aot_rd32(sec + AW_AOT_OFF_ROOT);
        uint8_t *fn = img + aw_aot_rd32(root + 8);
        fn[0] &= 0xfe;
        fix_checksum(sec, n);
    }
    aw_module *m = load();
    aw_aot_exec x = hooks(any_in_place);
    aw_error err;
    assert_int_equal(attach(m, sec, n, &x, &err, NULL), AW_ERR_MALFORMED);
    assert_non_null(strstr(err.msg, why));
    assert_string_equal(aw_module_tier(m), "interp");
    aw_module_delete(m);
    free(sec);
}

static void test_damage_refused_in_place(void **state)
{
    (void)state;
    refused(0, "checksum mismatch");
    refused(1, "bad relocation or root table");
    refused(2, "bad relocation or root table");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_in_place),
        cmocka_unit_test(test_copied_when_it_cannot),
        cmocka_unit_test(test_damage_refused_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

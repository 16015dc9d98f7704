/*
 * test_fuzz_regress.c - inputs found by tests/fuzz/fuzz_engine, each reduced to the
 * smallest module that shows the bug, with the behaviour the fix guarantees.
 *
 * The allocator here keeps the engine to its contract that every byte it takes through
 * the config's hook is given back, with the size it was taken with, once the module and
 * the store are deleted (an embedder charging an app's quota relies on the sizes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "akira/wasm.h"
#include "modbuild.h"

typedef struct acct {
    size_t live;
} acct;

static void *acct_realloc(void *ctx, void *p, size_t old, size_t n)
{
    acct *a = ctx;
    if (n == 0) {
        assert_true(a->live >= old);
        a->live -= old;
        free(p);
        return NULL;
    }
    void *q = realloc(p, n);
    if (q) a->live = a->live - old + n;
    return q;
}

/* A load that fails after the custom-section table has grown (five sections, the
 * fifth with a name running past its section) frees that table with the size it was
 * allocated with. Before the fix the table was freed as 4 entries while 8 were held. */
static void test_custom_table_freed_whole_when_a_name_fails(void **state)
{
    (void)state;
    for (int before = 0; before <= 9; before++) {
        mb m;
        mb_header(&m);
        for (int i = 0; i < before; i++)
            mb_section(&m, 0, "\1c", 2);
        mb_section(&m, 0, "\x70pad", 4); /* name length 112 in a 4-byte section */
        acct a = {0};
        aw_config cfg = {.realloc = acct_realloc, .alloc_ctx = &a};
        aw_error err;
        aw_module *mod = aw_module_load_buffer(&cfg, m.b, m.n, &err);
        assert_null(mod);
        assert_int_equal(err.status, AW_ERR_MALFORMED);
        assert_string_equal(err.msg, "length out of bounds");
        assert_int_equal(a.live, 0);
    }
}

/* A start function that runs out of the instruction budget: the call cannot be resumed
 * (the caller never gets the instance), so instantiation fails with AW_ERR_LIMIT and
 * leaves the store usable. Before the fix it returned AW_ERR_YIELD with the start call
 * still suspended, and every later aw_call on the store failed with AW_ERR_ARGS. */
static void test_start_out_of_budget_leaves_store_usable(void **state)
{
    (void)state;
    mb m;
    mb_header(&m);
    mb_section(&m, 1, "\1\x60\0\0", 4);
    mb_section(&m, 3, "\1\0", 2);
    mb_section(&m, 8, "\0", 1);                            /* start: function 0 */
    mb_section(&m, 10, "\1\7\0\x03\x40\x0c\0\x0b\x0b", 9); /* loop br 0 end end */
    mb ok;
    mb_func_module(&ok, "\x60\0\1\x7f", 4, "\0\x41\x2a\x0b", 4); /* f: i32.const 42 */
    acct a = {0};
    aw_config cfg = {.realloc = acct_realloc, .alloc_ctx = &a};
    aw_error err;
    aw_module *spin = aw_module_load_buffer(&cfg, m.b, m.n, &err);
    aw_module *good = aw_module_load_buffer(&cfg, ok.b, ok.n, &err);
    assert_non_null(spin);
    assert_non_null(good);
    aw_store *s = aw_store_new(&cfg);
    assert_non_null(s);
    aw_store_set_budget(s, 10000);
    assert_null(aw_instantiate(s, spin, NULL, 0, &err));
    assert_int_equal(err.status, AW_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "budget"));
    assert_int_equal(aw_resume(s, NULL, 0, &err), AW_ERR_ARGS); /* nothing suspended */
    aw_instance *inst = aw_instantiate(s, good, NULL, 0, &err);
    assert_non_null(inst);
    aw_val r;
    assert_int_equal(aw_call(s, aw_instance_func(inst, "f"), NULL, 0, &r, 1, &err), AW_OK);
    assert_int_equal(r.i32, 42);
    aw_store_delete(s);
    aw_module_delete(spin);
    aw_module_delete(good);
    assert_int_equal(a.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_custom_table_freed_whole_when_a_name_fails),
        cmocka_unit_test(test_start_out_of_budget_leaves_store_usable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

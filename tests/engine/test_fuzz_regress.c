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
        for (int i = 0; i < before; i++) mb_section(&m, 0, "\1c", 2);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_custom_table_freed_whole_when_a_name_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

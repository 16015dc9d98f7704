/*
 * An app's native code is charged to its memory quota (runtime/src/app_aot.c): the
 * executable memory of the code when it is attached (refused with a reason naming
 * memory_quota when it does not fit, the module then staying on the interpreter), and
 * the committed pages of a guard-page memory as it grows, all given back at the end.
 * Uses tests/engine's AOT test module (tiers.wat) and its akira-aot output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/quota.h>
#include <akira/wasm.h>

#include "aot_files.h"
#include "app_aot.h"

/* the image's bytes: the section less its header and relocations */
static size_t image_bytes(const file *sec)
{
    uint32_t nrel;
    memcpy(&nrel, sec->p + 60, 4);
    return sec->n - 96 - 8u * nrel;
}

/* The test module and its section, the module loaded with its allocations charged to a
 * fresh 1 MiB quota. */
typedef struct fixture {
    file wasm, sec;
    struct akira_quota q;
    aw_config cfg;
    aw_module *m;
} fixture;

static void load(fixture *f)
{
    f->wasm = slurp("tiers.wasm");
    f->sec = slurp("tiers.wasm.aot");
    akira_quota_init(&f->q, 1u << 20, NULL);
    f->cfg = (aw_config){.realloc = akira_quota_realloc, .alloc_ctx = &f->q};
    f->m = aw_module_load_buffer(&f->cfg, f->wasm.p, f->wasm.n, NULL);
    assert_non_null(f->m);
}

static int attach(fixture *f, char *why, size_t n)
{
    return akira_app_aot_attach(&f->q, f->m, rd, &f->sec, 0, (uint32_t)f->sec.n, why, n);
}

static void test_code_charged_or_refused(void **state)
{
    (void)state;
    fixture f;
    load(&f);
    size_t module = akira_quota_used(&f.q), img = image_bytes(&f.sec);
    char why[200];

    /* one byte short: refused, nothing charged, the module stays on the interpreter */
    f.q.limit = module + img - 1;
    assert_int_equal(attach(&f, why, sizeof why), -1);
    if (!strstr(why, "does not fit memory_quota")) fail_msg("reason: %s", why);
    assert_int_equal(akira_quota_used(&f.q), module);
    assert_string_equal(aw_module_tier(f.m), "interp");

    /* room for it: charged while attached, given back with the module (the module's
     * own bookkeeping of the section is charged through the same quota) */
    f.q.limit = 1u << 20;
    assert_int_equal(attach(&f, why, sizeof why), 0);
    assert_string_equal(aw_module_tier(f.m), "aot x86_64");
    assert_true(akira_quota_used(&f.q) >= module + img);
    aw_module_delete(f.m);
    assert_int_equal(akira_quota_used(&f.q), 0);
    free(f.wasm.p);
    free(f.sec.p);
}

static void test_guard_memory_charged(void **state)
{
    (void)state;
    fixture f;
    load(&f);
    char why[200];
    assert_int_equal(attach(&f, why, sizeof why), 0);
    aw_vmem v;
    f.cfg.vmem = akira_app_aot_vmem(&f.q, &v);
    assert_non_null(f.cfg.vmem);
    aw_store *s = aw_store_new(&f.cfg);
    aw_memory *mem = aw_memory_new(s, 1, 3, true);
    assert_non_null(mem);
    size_t used = akira_quota_used(&f.q);
    /* two more pages: charged; then past the quota: memory.grow fails, nothing charged */
    assert_int_equal(aw_memory_grow(mem, 2), 1);
    assert_int_equal(akira_quota_used(&f.q), used + 2 * 65536);
    aw_memory *mem2 = aw_memory_new(s, 0, 1, true);
    assert_non_null(mem2);
    used = akira_quota_used(&f.q);
    f.q.limit = used + 1000;
    assert_int_equal(aw_memory_grow(mem2, 1), -1);
    assert_int_equal(akira_quota_used(&f.q), used);
    aw_store_delete(s);
    aw_module_delete(f.m);
    assert_int_equal(akira_quota_used(&f.q), 0);
    free(f.wasm.p);
    free(f.sec.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_charged_or_refused),
        cmocka_unit_test(test_guard_memory_charged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

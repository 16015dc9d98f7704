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

/* The test module loaded with its allocations charged to a fresh 1 MiB quota q. */
static aw_module *load(const file *wasm, struct akira_quota *q, aw_config *cfg)
{
    akira_quota_init(q, 1u << 20, NULL);
    *cfg = (aw_config){.realloc = akira_quota_realloc, .alloc_ctx = q};
    aw_module *m = aw_module_load_buffer(cfg, wasm->p, wasm->n, NULL);
    assert_non_null(m);
    return m;
}

static void test_code_charged_or_refused(void **state)
{
    (void)state;
    file wasm = slurp("tiers.wasm"), sec = slurp("tiers.wasm.aot");
    struct akira_quota q;
    aw_config cfg;
    aw_module *m = load(&wasm, &q, &cfg);
    size_t module = akira_quota_used(&q), img = image_bytes(&sec);
    char why[200];

    /* one byte short: refused, nothing charged, the module stays on the interpreter */
    q.limit = module + img - 1;
    assert_int_equal(akira_app_aot_attach(&q, m, rd, &sec, 0, (uint32_t)sec.n, why, sizeof why),
                     -1);
    if (!strstr(why, "does not fit memory_quota")) fail_msg("reason: %s", why);
    assert_int_equal(akira_quota_used(&q), module);
    assert_string_equal(aw_module_tier(m), "interp");

    /* room for it: charged while attached, given back with the module (the module's
     * own bookkeeping of the section is charged through the same quota) */
    q.limit = 1u << 20;
    assert_int_equal(akira_app_aot_attach(&q, m, rd, &sec, 0, (uint32_t)sec.n, why, sizeof why), 0);
    assert_string_equal(aw_module_tier(m), "aot x86_64");
    assert_true(akira_quota_used(&q) >= module + img);
    aw_module_delete(m);
    assert_int_equal(akira_quota_used(&q), 0);
    free(wasm.p);
    free(sec.p);
}

static void test_guard_memory_charged(void **state)
{
    (void)state;
    file wasm = slurp("tiers.wasm"), sec = slurp("tiers.wasm.aot");
    struct akira_quota q;
    aw_config cfg;
    aw_module *m = load(&wasm, &q, &cfg);
    char why[200];
    assert_int_equal(akira_app_aot_attach(&q, m, rd, &sec, 0, (uint32_t)sec.n, why, sizeof why), 0);
    aw_vmem v;
    cfg.vmem = akira_app_aot_vmem(&q, &v);
    assert_non_null(cfg.vmem);
    aw_store *s = aw_store_new(&cfg);
    aw_memory *mem = aw_memory_new(s, 1, 3, true);
    assert_non_null(mem);
    size_t used = akira_quota_used(&q);
    /* two more pages: charged; then past the quota: memory.grow fails, nothing charged */
    assert_int_equal(aw_memory_grow(mem, 2), 1);
    assert_int_equal(akira_quota_used(&q), used + 2 * 65536);
    aw_memory *mem2 = aw_memory_new(s, 0, 1, true);
    assert_non_null(mem2);
    used = akira_quota_used(&q);
    q.limit = used + 1000;
    assert_int_equal(aw_memory_grow(mem2, 1), -1);
    assert_int_equal(akira_quota_used(&q), used);
    aw_store_delete(s);
    aw_module_delete(m);
    assert_int_equal(akira_quota_used(&q), 0);
    free(wasm.p);
    free(sec.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_charged_or_refused),
        cmocka_unit_test(test_guard_memory_charged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

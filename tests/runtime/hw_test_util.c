#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_test_util.h"

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    p[n] = 0;
    *len = (size_t)n;
    return p;
}

void hw_example_add(struct test_app *app, const char *name)
{
    char path[512];
    size_t n;
    snprintf(path, sizeof path, "%s/%s.wasm", EXAMPLES_DIR, name);
    app->bytes = slurp(path, &n);
    app->size = (uint32_t)n;
    snprintf(path, sizeof path, "%s/%s/manifest", EXAMPLES_SRC, name);
    char *text = (char *)slurp(path, &n);
    struct akira_manifest_error e;
    int rc = akira_manifest_parse(text, n, &app->m, &e);
    free(text);
    if (rc != 0) fail_msg("%s manifest: %s: %s", name, e.field, e.reason);
    test_app_add(app);
}

void hw_expect_log(const char *name, const char *needle, int ms)
{
    if (test_wait_log(name, needle, ms)) return;
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    while (akira_app_log_next(name, &cur, &ln) == 0)
        print_message("  %s: %s\n", name, ln.text);
    fail_msg("no '%s' in the log of %s", needle, name);
}

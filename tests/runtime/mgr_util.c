#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/thread.h>

#include "mgr_util.h"

/* The AOT variants of the tests run the packages with native code (X.aot.wasm). */
#ifndef APP_EXT
#define APP_EXT ".wasm"
#endif

void test_app_load(struct test_app *app, const char *file, const char *name, const char *extra)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s%s", APP_DIR, file, APP_EXT);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    app->bytes = malloc((size_t)n);
    assert_non_null(app->bytes);
    assert_int_equal(fread(app->bytes, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    app->size = (uint32_t)n;
    char text[512];
    snprintf(text, sizeof(text), "name: %s\nversion: 1\n%s", name, extra ? extra : "");
    struct akira_manifest_error e;
    int rc = akira_manifest_parse(text, strlen(text), &app->m, &e);
    if (rc != 0) fail_msg("manifest: %s: %s", e.field, e.reason);
}

void test_app_free(struct test_app *app)
{
    free(app->bytes);
    app->bytes = NULL;
}

int test_app_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct test_app *app = ctx;
    if (off > app->size || len > app->size - off) return -1;
    memcpy(buf, app->bytes + off, len);
    return 0;
}

void test_app_add(struct test_app *app)
{
    assert_int_equal(akira_appmgr_add(&app->m, test_app_read, app, app->size, false), 0);
}

bool test_wait_log(const char *name, const char *needle, int ms)
{
    uint64_t end = akira_uptime_ms() + (uint64_t)ms;
    do {
        uint64_t cur = 0;
        struct akira_app_log_line ln;
        while (akira_app_log_next(name, &cur, &ln) == 0)
            if (strstr(ln.text, needle)) return true;
        akira_sleep_ms(5);
    } while (akira_uptime_ms() < end);
    return false;
}

int test_log_count(const char *name, const char *needle)
{
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    int n = 0;
    while (akira_app_log_next(name, &cur, &ln) == 0)
        n += strstr(ln.text, needle) != NULL;
    return n;
}

bool test_wait_state(const char *name, enum akira_app_state s, int ms)
{
    uint64_t end = akira_uptime_ms() + (uint64_t)ms;
    struct akira_app_info info;
    do {
        if (akira_app_info(name, &info) == 0 && info.state == s && !info.restart_pending)
            return true;
        akira_sleep_ms(5);
    } while (akira_uptime_ms() < end);
    return false;
}

bool test_responder_answers(const char *name, int ms)
{
    if (!test_wait_state(name, AKIRA_APP_RUNNING, ms)) return false;
    /* Skip what is logged so far, ask once more, wait for a new answer line. */
    uint64_t cur = 0;
    struct akira_app_log_line ln;
    while (akira_app_log_next(name, &cur, &ln) == 0) {
    }
    if (akira_app_resume(name) != 0) return false;
    uint64_t end = akira_uptime_ms() + (uint64_t)ms;
    do {
        while (akira_app_log_next(name, &cur, &ln) == 0) {
            int n;
            if (sscanf(ln.text, "answer %d", &n) == 1) return true;
        }
        akira_sleep_ms(5);
    } while (akira_uptime_ms() < end);
    return false;
}

/* Helpers of the app manager tests: apps from files into buffers, manifests from text,
 * waiting for log lines. */
#ifndef TESTS_RUNTIME_MGR_UTIL_H
#define TESTS_RUNTIME_MGR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/app_manager.h>
#include <akira/manifest.h>

struct test_app {
    uint8_t *bytes;
    uint32_t size;
    struct akira_manifest m;
};

/* Read APP_DIR/<file>.wasm and parse "name: <name>\nversion: 1\n" + extra (more
 * manifest lines). Fails the test on error. */
void test_app_load(struct test_app *app, const char *file, const char *name, const char *extra);
void test_app_free(struct test_app *app);
/* aw_read_fn over a struct test_app. */
int test_app_read(void *ctx, uint32_t off, void *buf, uint32_t len);
/* Register it with the manager (asserts success). */
void test_app_add(struct test_app *app);

/* Wait up to ms for a line of `name`'s log containing `needle`; true when seen. */
bool test_wait_log(const char *name, const char *needle, int ms);
/* Lines of name's log ring that contain needle. */
int test_log_count(const char *name, const char *needle);
/* Wait up to ms until `name` is in state s. */
bool test_wait_state(const char *name, enum akira_app_state s, int ms);

/* Ask the responder app `name` for one more answer (RESUME) and wait for it. */
bool test_responder_answers(const char *name, int ms);

#endif

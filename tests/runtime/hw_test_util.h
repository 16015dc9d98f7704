/* Helpers of the hardware/net API tests: SDK example packages with their own manifest
 * files, app logs on failure. */
#ifndef TESTS_RUNTIME_HW_TEST_UTIL_H
#define TESTS_RUNTIME_HW_TEST_UTIL_H

#include "mgr_util.h"

/* EXAMPLES_DIR/<name>.wasm with the manifest of sdk/examples/<name>/manifest
 * (EXAMPLES_SRC), registered with the manager. Fails the test on error. */
void hw_example_add(struct test_app *app, const char *name);
/* Fails the test, printing the app's log, unless needle shows up within ms. */
void hw_expect_log(const char *name, const char *needle, int ms);

#endif

/* The minimal cmocka runner for bare-metal test images (cmocka.h). */
#include "cmocka.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <akira/semihost.h>
#include <akira/thread.h>

static jmp_buf test_jump;
static akira_thread_t *runner;
static bool in_test;

enum { RESULT_PASS, RESULT_FAIL, RESULT_SKIP };

void mcu_cmocka_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printf("[  ERROR   ] --- %s\n[   LINE   ] --- %s:%d: error: Failure!\n", msg, file, line);
    if (in_test && akira_thread_current() == runner) longjmp(test_jump, RESULT_FAIL);
    printf("[  FAILED  ] assertion failed outside the test runner's thread\n");
    akira_semihost_exit(1);
}

void mcu_cmocka_skip(const char *file, int line)
{
    (void)file;
    (void)line;
    if (in_test && akira_thread_current() == runner) longjmp(test_jump, RESULT_SKIP);
    akira_semihost_exit(1);
}

int mcu_cmocka_strcmp(const char *a, const char *b)
{
    if (a == NULL || b == NULL) return a == b ? 0 : 1;
    return strcmp(a, b);
}

void mcu_cmocka_memory_equal(const void *a, const void *b, size_t n, const char *file, int line)
{
    if (memcmp(a, b, n) != 0) mcu_cmocka_fail(file, line, "%zu bytes differ", n);
}

int mcu_cmocka_run(const char *group, const struct CMUnitTest *tests, size_t count,
                   CMFixtureFunction setup, CMFixtureFunction teardown)
{
    void *group_state = NULL;
    printf("[==========] %s: Running %zu test(s).\n", group, count);
    if (setup && setup(&group_state) != 0) {
        printf("[  ERROR   ] %s: group setup failed\n", group);
        return (int)count;
    }
    /* After the group setup: it may have made this thread a kernel thread. */
    runner = akira_thread_current();
    size_t failed = 0, skipped = 0;
    for (size_t i = 0; i < count; i++) {
        const struct CMUnitTest *t = &tests[i];
        void *state = t->initial_state ? t->initial_state : group_state;
        printf("[ RUN      ] %s\n", t->name);
        volatile int result = RESULT_PASS;
        in_test = true;
        int jumped = setjmp(test_jump);
        if (jumped == 0) {
            if (t->setup_func && t->setup_func(&state) != 0) {
                printf("[  ERROR   ] %s: setup failed\n", t->name);
                result = RESULT_FAIL;
            } else {
                t->test_func(&state);
            }
        } else {
            result = jumped;
        }
        in_test = false;
        if (t->teardown_func && t->teardown_func(&state) != 0 && result == RESULT_PASS)
            result = RESULT_FAIL;
        if (result == RESULT_PASS) printf("[       OK ] %s\n", t->name);
        if (result == RESULT_SKIP) printf("[  SKIPPED ] %s\n", t->name);
        if (result == RESULT_FAIL) printf("[  FAILED  ] %s\n", t->name);
        failed += result == RESULT_FAIL;
        skipped += result == RESULT_SKIP;
    }
    if (teardown) teardown(&group_state);
    printf("[==========] %s: %zu test(s) run.\n", group, count);
    printf("[  PASSED  ] %zu test(s).\n", count - failed - skipped);
    if (failed) printf("[  FAILED  ] %zu test(s).\n", failed);
    return (int)failed;
}

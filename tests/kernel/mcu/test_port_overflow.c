/*
 * Cortex-M port: a thread that overflows its stack hits the MPU guard below it; the
 * fault handler names the thread and resets (the test runner turns the expected
 * overflow into exit status 0). Reaching the end of this test means the overflow went
 * unnoticed and wrote over whatever lies below the stack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/thread.h>

static int deep(int n)
{
    volatile char frame[64];
    frame[0] = (char)n;
    if (n == 0) return frame[0];
    return deep(n - 1) + frame[0];
}

static int overflow(void *arg)
{
    (void)arg;
    return deep(1 << 20);
}

static void test_stack_overflow_caught(void **state)
{
    (void)state;
    akira_thread_t *t;
    mcu_expect_overflow("overflow");
    assert_int_equal(akira_thread_create(&t, "overflow", overflow, NULL, 10, 2048), 0);
    akira_thread_join(t, 5000, NULL);
    fail(); /* not reached when the guard works */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack_overflow_caught),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

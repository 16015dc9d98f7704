/*
 * A minimal cmocka-compatible test harness for bare-metal images (Debian ships cmocka
 * for the host only). It implements the subset the kernel tests use: the assert_*
 * macros, skip(), fail(), CMUnitTest with per-test setup/teardown and
 * cmocka_run_group_tests with group setup/teardown. Output follows cmocka's
 * "[ RUN ]/[ OK ]/[ FAILED ]" lines on the console.
 *
 * A failed assertion on the thread running the group ends that test (longjmp back to
 * the runner, as cmocka does); on any other thread it reports and ends the whole image
 * with a failure status, since one thread cannot unwind another.
 */
#ifndef AKIRA_MCU_CMOCKA_H
#define AKIRA_MCU_CMOCKA_H

#include <stddef.h>
#include <stdint.h>

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
    const char *name;
    CMUnitTestFunction test_func;
    CMFixtureFunction setup_func;
    CMFixtureFunction teardown_func;
    void *initial_state;
};

#define cmocka_unit_test(f)                                                                        \
    {                                                                                              \
#f, f, NULL, NULL, NULL                                                                    \
    }
#define cmocka_unit_test_setup(f, s)                                                               \
    {                                                                                              \
#f, f, s, NULL, NULL                                                                       \
    }
#define cmocka_unit_test_teardown(f, t)                                                            \
    {                                                                                              \
#f, f, NULL, t, NULL                                                                       \
    }
#define cmocka_unit_test_setup_teardown(f, s, t)                                                   \
    {                                                                                              \
#f, f, s, t, NULL                                                                          \
    }

int mcu_cmocka_run(const char *group, const struct CMUnitTest *tests, size_t count,
                   CMFixtureFunction setup, CMFixtureFunction teardown);
#define cmocka_run_group_tests(tests, setup, teardown)                                             \
    mcu_cmocka_run(#tests, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

/* Failure reporting: never returns. */
__attribute__((noreturn)) void mcu_cmocka_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
__attribute__((noreturn)) void mcu_cmocka_skip(const char *file, int line);
void mcu_cmocka_memory_equal(const void *a, const void *b, size_t n, const char *file, int line);

#define fail() mcu_cmocka_fail(__FILE__, __LINE__, "fail()")
#define skip() mcu_cmocka_skip(__FILE__, __LINE__)

#define assert_true(c)                                                                             \
    do {                                                                                           \
        if (!(c)) mcu_cmocka_fail(__FILE__, __LINE__, "%s", #c);                                   \
    } while (0)
#define assert_false(c)                                                                            \
    do {                                                                                           \
        if (c) mcu_cmocka_fail(__FILE__, __LINE__, "!(%s)", #c);                                   \
    } while (0)
#define assert_int_equal(a, b)                                                                     \
    do {                                                                                           \
        intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                                           \
        if (a_ != b_)                                                                              \
            mcu_cmocka_fail(__FILE__, __LINE__, "%lld != %lld (%s, %s)", (long long)a_,            \
                            (long long)b_, #a, #b);                                                \
    } while (0)
#define assert_int_not_equal(a, b)                                                                 \
    do {                                                                                           \
        intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                                           \
        if (a_ == b_)                                                                              \
            mcu_cmocka_fail(__FILE__, __LINE__, "%lld == %lld", (long long)a_, (long long)b_);     \
    } while (0)
#define assert_null(p)     assert_true((p) == NULL)
#define assert_non_null(p) assert_true((p) != NULL)
#define assert_ptr_equal(a, b)                                                                     \
    assert_true((const void *)(uintptr_t)(a) == (const void *)(uintptr_t)(b))
#define assert_string_equal(a, b)                                                                  \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (mcu_cmocka_strcmp(a_, b_) != 0)                                                        \
            mcu_cmocka_fail(__FILE__, __LINE__, "\"%s\" != \"%s\"", a_ ? a_ : "(null)",            \
                            b_ ? b_ : "(null)");                                                   \
    } while (0)
#define assert_string_not_equal(a, b)                                                              \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (mcu_cmocka_strcmp(a_, b_) == 0)                                                        \
            mcu_cmocka_fail(__FILE__, __LINE__, "\"%s\" == \"%s\"", a_ ? a_ : "(null)",            \
                            b_ ? b_ : "(null)");                                                   \
    } while (0)
#define assert_memory_equal(a, b, n) mcu_cmocka_memory_equal((a), (b), (n), __FILE__, __LINE__)

int mcu_cmocka_strcmp(const char *a, const char *b);

/* Port tests only: the fault that follows is a stack overflow of this thread; the
 * image then ends with status 0 instead of the fault status (runner.c). */
void mcu_expect_overflow(const char *thread);

#endif /* AKIRA_MCU_CMOCKA_H */

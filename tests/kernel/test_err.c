/* Error strings: every code has its own name, unknown codes never give NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/err.h>

static void test_known_codes_have_distinct_names(void **state)
{
    (void)state;
    assert_string_equal(akira_err_str(AKIRA_OK), "OK");
    for (int a = AKIRA_ERR_LAST_; a < 0; a++) {
        const char *sa = akira_err_str(a);
        assert_non_null(sa);
        assert_null(strstr(sa, "unknown"));
        for (int b = a + 1; b < 0; b++)
            assert_string_not_equal(sa, akira_err_str(b));
    }
    assert_non_null(strstr(akira_err_str(AKIRA_ETIMEDOUT), "ETIMEDOUT"));
    assert_non_null(strstr(akira_err_str(AKIRA_ENOMEM), "ENOMEM"));
}

static void test_unknown_codes_show_the_number(void **state)
{
    (void)state;
    assert_string_equal(akira_err_str(-999), "unknown error -999");
    char want[32];
    snprintf(want, sizeof(want), "unknown error %d", AKIRA_ERR_LAST_ - 1);
    assert_string_equal(akira_err_str(AKIRA_ERR_LAST_ - 1), want);
    assert_string_equal(akira_err_str(5), "unknown error 5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_codes_have_distinct_names),
        cmocka_unit_test(test_unknown_codes_show_the_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

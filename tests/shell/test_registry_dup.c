/*
 * Two layers registering the same command name is a build mistake the boot check must
 * catch (otherwise one command silently shadows the other).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <akira/shell.h>

static int noop(struct akira_shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    (void)argv;
    return 0;
}

AKIRA_SHELL_SUBCMDS(dup_sub, AKIRA_SHELL_CMD("x", "first", NULL, noop, NULL, 0, 0),
                    AKIRA_SHELL_CMD("x", "second", NULL, noop, NULL, 0, 0));

AKIRA_SHELL_CMD_REGISTER(one, "status", "first", NULL, noop, NULL, 0, 0);
AKIRA_SHELL_CMD_REGISTER(two, "status", "second", NULL, noop, NULL, 0, 0);
AKIRA_SHELL_CMD_REGISTER(grp, "grp", "dup subcommands", NULL, NULL, dup_sub, 0, 0);
AKIRA_SHELL_CMD_REGISTER(bad, "bad", "no handler", NULL, NULL, NULL, 0, 0);

static void test_duplicate_and_invalid_are_reported(void **state)
{
    (void)state;
    const char *name = NULL;
    assert_int_equal(akira_shell_cmd_count(), 4);
    assert_int_equal(akira_shell_registry_check(&name), AKIRA_EINVAL);
    assert_non_null(name);
    assert_true(strcmp(name, "status") == 0 || strcmp(name, "x") == 0 || strcmp(name, "bad") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicate_and_invalid_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

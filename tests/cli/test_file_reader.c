/* The module reader of akira-wasm (tools/akira-wasm/file_reader.c): exact reads at any
 * offset, a read past the end (a file that shrank) is an error rather than stale bytes,
 * and what cannot be a module (missing, a directory) is refused at open with a reason. */
#include "../../tools/akira-wasm/file_reader.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char path[64];

static int setup(void **state)
{
    (void)state;
    strcpy(path, "/tmp/akira-reader-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unsigned char buf[100];
    for (int i = 0; i < 100; i++)
        buf[i] = (unsigned char)i;
    int ok = write(fd, buf, sizeof buf) == (ssize_t)sizeof buf;
    close(fd);
    return ok ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void test_reads_exact_bytes(void **state)
{
    (void)state;
    akira_cli_file f;
    char msg[128];
    assert_int_equal(akira_cli_file_open(&f, path, msg, sizeof msg), 0);
    assert_int_equal(f.size, 100);
    unsigned char b[10];
    assert_int_equal(akira_cli_file_read(&f, 90, b, 10), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(b[i], 90 + i);
    assert_int_equal(akira_cli_file_read(&f, 0, b, 1), 0);
    assert_int_equal(b[0], 0);
    akira_cli_file_close(&f);
}

static void test_past_end_fails(void **state)
{
    (void)state;
    akira_cli_file f;
    char msg[128];
    assert_int_equal(akira_cli_file_open(&f, path, msg, sizeof msg), 0);
    unsigned char b[10];
    assert_int_not_equal(akira_cli_file_read(&f, 95, b, 10), 0);
    assert_int_not_equal(akira_cli_file_read(&f, 100, b, 1), 0);
    /* the file shrinks under the module: later reads fail, never return old bytes */
    assert_int_equal(truncate(path, 50), 0);
    assert_int_not_equal(akira_cli_file_read(&f, 60, b, 4), 0);
    assert_int_equal(akira_cli_file_read(&f, 40, b, 4), 0);
    akira_cli_file_close(&f);
}

static void test_refuses_non_modules(void **state)
{
    (void)state;
    akira_cli_file f;
    char msg[128] = "";
    assert_int_not_equal(akira_cli_file_open(&f, "/nonexistent/x.wasm", msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "No such file"));
    assert_int_not_equal(akira_cli_file_open(&f, "/tmp", msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "not a regular file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reads_exact_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_past_end_fails, setup, teardown),
        cmocka_unit_test(test_refuses_non_modules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

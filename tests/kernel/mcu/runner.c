/*
 * Entry of a bare-metal test image: the board's startup runs this as the main thread;
 * it runs the test file's main (compiled as akira_test_main), prints the end marker
 * run.sh looks for and ends QEMU through semihosting with the result as exit status.
 * A fault or a watchdog expiry ends QEMU with status 70 instead of a reset, unless the
 * test declared the stack overflow it provokes (mcu_expect_overflow).
 */
#include <stdio.h>
#include <string.h>

#include <akira/semihost.h>

#include "cmocka.h"

int akira_test_main(void);

#define EXIT_FAULT 70

static const char *expected_overflow;

void mcu_expect_overflow(const char *thread)
{
    expected_overflow = thread;
}

void board_fault_hook(const char *overflowed)
{
    if (expected_overflow && overflowed && strcmp(overflowed, expected_overflow) == 0) {
        printf("mcu-test: stack overflow of %s caught as expected\nmcu-test: exit 0\n", overflowed);
        akira_semihost_exit(0);
    }
    printf("mcu-test: exit %d (fault)\n", EXIT_FAULT);
    akira_semihost_exit(EXIT_FAULT);
}

int main(void)
{
    int rc = akira_test_main();
    printf("mcu-test: exit %d\n", rc);
    fflush(stdout);
    akira_semihost_exit(rc);
}

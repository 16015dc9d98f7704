/*
 * A reset of the simulated device. Started by akira-boot (AKIRA_BOOT_EXE in the
 * environment), a reset runs the bootloader again: `reboot`, a watchdog expiry and a
 * fault exec akira-boot with the firmware's arguments, in the same process (same pid,
 * same console). Started alone, `reboot` re-executes the firmware itself and the
 * watchdog ends the process, as before.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"

static char boot_exe[4096];
static char **saved_argv;

void board_reset_init(char **argv)
{
    saved_argv = argv;
    const char *b = getenv("AKIRA_BOOT_EXE");
    if (b && strlen(b) < sizeof boot_exe) strcpy(boot_exe, b);
}

bool board_reset_to_boot(void)
{
    return boot_exe[0] != 0;
}

void board_reset_exec(void)
{
    /* async-signal-safe: execv only */
    execv(boot_exe[0] ? boot_exe : "/proc/self/exe", saved_argv);
}

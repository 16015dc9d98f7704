/*
 * System commands: `version`, `uptime`, `sleep MS`, `reboot`, `poweroff`.
 *
 * reboot and poweroff do not act themselves: they end the session with a reason, and
 * the owner of the session (the board) shuts the system down cleanly and then powers
 * off or restarts. The shell stays free of any host or hardware call.
 */
#include <inttypes.h>

#include <akira/clock.h>
#include <akira/shell.h>
#include <akira/shell_cmds.h>
#include <akira/thread.h>
#include <akira/version.h>

static const char *board_name = "unknown";

void akira_shell_board_set(const char *board)
{
    if (board) board_name = board;
}

static int cmd_version(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_shell_print(sh, "AkiraOS %s (board %s)\n", AKIRA_VERSION_STRING, board_name);
    return 0;
}

static int cmd_uptime(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t ms = akira_uptime_ms();
    uint64_t s = ms / 1000;
    akira_shell_print(sh,
                      "up %" PRIu64 "d %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64
                      " (%" PRIu64 " ms)\n",
                      s / 86400, s / 3600 % 24, s / 60 % 60, s % 60, ms % 1000, ms);
    return 0;
}

/* Slices short enough that a shutdown request ends a long sleep promptly. */
#define SLEEP_SLICE_MS 20u

static int cmd_sleep(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    uint32_t ms;
    if (akira_shell_arg_u32(argv[1], 0, 24u * 3600u * 1000u, &ms) != 0) {
        akira_shell_print(sh, "sleep: '%s' is not a number of milliseconds (0..86400000)\n",
                          argv[1]);
        return AKIRA_EINVAL;
    }
    uint64_t end = akira_uptime_ms() + ms;
    for (;;) {
        uint64_t now = akira_uptime_ms();
        if (now >= end) return 0;
        if (akira_shell_cancelled(sh)) return AKIRA_ECANCELED;
        uint64_t left = end - now;
        akira_sleep_ms(left < SLEEP_SLICE_MS ? (uint32_t)left : SLEEP_SLICE_MS);
    }
}

static int cmd_reboot(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_shell_exit_request(sh, AKIRA_SHELL_EXIT_REBOOT);
    return 0;
}

static int cmd_poweroff(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    akira_shell_exit_request(sh, AKIRA_SHELL_EXIT_POWEROFF);
    return 0;
}

AKIRA_SHELL_CMD_REGISTER(version, "version", "show the AkiraOS version and the board", NULL,
                         cmd_version, NULL, 0, 0);
AKIRA_SHELL_CMD_REGISTER(uptime, "uptime", "show the time since boot", NULL, cmd_uptime, NULL, 0,
                         0);
AKIRA_SHELL_CMD_REGISTER(sleep, "sleep", "wait MS milliseconds (for scripts)", "MS", cmd_sleep,
                         NULL, 1, 1);
AKIRA_SHELL_CMD_REGISTER(reboot, "reboot", "shut down cleanly and restart", NULL, cmd_reboot, NULL,
                         0, 0);
AKIRA_SHELL_CMD_REGISTER(poweroff, "poweroff", "shut down cleanly and stop", NULL, cmd_poweroff,
                         NULL, 0, 0);

/* Shell command `time`: the wall clock (akira/walltime.h), SNTP sync, time zone. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/settings.h>
#include <akira/shell.h>
#include <akira/sntp.h>
#include <akira/storage.h>
#include <akira/walltime.h>

static int cmd_show(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int64_t now;
    int tz = akira_walltime_tz();
    if (akira_walltime_now(&now)) {
        akira_shell_print(sh, "time not set (uptime %" PRIu64 " ms); `time sync` or set %s\n",
                          akira_uptime_ms(), AKIRA_TIME_SNTP_KEY);
        return 0;
    }
    char t[AKIRA_TIME_STR_MAX], src[48] = "?";
    uint64_t at = 0;
    akira_walltime_format(now, tz, t, sizeof(t));
    akira_walltime_last_set(&at, src, sizeof(src));
    akira_shell_print(sh, "%s (unix %" PRId64 ")\nset by %s %" PRIu64 " s ago\n", t, now / 1000,
                      src, (akira_uptime_ms() - at) / 1000);
    return 0;
}

static int cmd_sync(struct akira_shell *sh, int argc, char **argv)
{
    const char *why = NULL;
    int rc = akira_sntp_sync(argc > 1 ? argv[1] : NULL, 3000, &why);
    if (rc == AKIRA_ENOENT) {
        akira_shell_print(sh, "no SNTP server: time sync ADDR[:PORT], or set %s\n",
                          AKIRA_TIME_SNTP_KEY);
        return rc;
    }
    if (rc) {
        akira_shell_print(sh, "sync failed: %s%s%s\n", akira_err_str(rc), why ? ": " : "",
                          why ? why : "");
        return rc;
    }
    return cmd_show(sh, 1, argv);
}

static int cmd_tz(struct akira_shell *sh, int argc, char **argv)
{
    if (argc < 2) {
        int tz = akira_walltime_tz();
        akira_shell_print(sh, "UTC%c%02d:%02d\n", tz < 0 ? '-' : '+', (tz < 0 ? -tz : tz) / 60,
                          (tz < 0 ? -tz : tz) % 60);
        return 0;
    }
    int tz;
    if (akira_walltime_tz_parse(argv[1], &tz)) {
        akira_shell_print(sh, "not a UTC offset: %s (+HH:MM, -HH:MM or Z)\n", argv[1]);
        return AKIRA_EINVAL;
    }
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int rc =
        st ? akira_settings_set(st, AKIRA_TIME_TZ_KEY, argv[1], strlen(argv[1])) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc) akira_shell_print(sh, "cannot store the zone: %s\n", akira_err_str(rc));
    return rc;
}

AKIRA_SHELL_SUBCMDS(time_sub,
                    AKIRA_SHELL_CMD("show", "the wall-clock time and where it came from", NULL,
                                    cmd_show, NULL, 0, 0),
                    AKIRA_SHELL_CMD("sync",
                                    "sync now with SNTP (the setting's server, or ADDR:PORT)",
                                    "[ADDR[:PORT]]", cmd_sync, NULL, 0, 1),
                    AKIRA_SHELL_CMD("tz", "show or set the time zone (+HH:MM, -HH:MM, Z)",
                                    "[OFFSET]", cmd_tz, NULL, 0, 1));
AKIRA_SHELL_CMD_REGISTER(time, "time", "wall-clock time: show, SNTP sync, time zone", NULL,
                         cmd_show, time_sub, 0, 0);

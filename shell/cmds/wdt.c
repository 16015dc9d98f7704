/*
 * `wdt`: the watchdog service's channels and margins, and a way to prove the
 * hardware watchdog resets the device.
 *   wdt          status, then one line per channel with its margin
 *   wdt starve   add a channel "starve" that nobody feeds: it expires, the service
 *                stops feeding the hardware watchdog, and the hardware resets the
 *                device (on native_sim: the process ends with the watchdog status)
 */
#include <inttypes.h>

#include <akira/shell.h>
#include <akira/watchdog.h>

/* Short so the reset follows quickly; the hardware timeout decides the rest. */
#define STARVE_TIMEOUT_MS 100

static int cmd_wdt_show(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct akira_wdt_status st;
    akira_wdt_status_get(&st);
    akira_shell_print(sh, "service: %s, check every %u ms\n", st.running ? "running" : "stopped",
                      (unsigned)st.check_period_ms);
    if (st.hw_attached) {
        akira_shell_print(
            sh, "hardware: %s, timeout %u ms, %" PRIu64 " feeds, last at %" PRIu64 " ms\n",
            st.hw_feeding ? "fed" : "NOT FED (reset pending)", (unsigned)st.hw_timeout_ms,
            st.hw_feeds, st.last_hw_feed_ms);
    } else {
        akira_shell_puts(sh, "hardware: none\n");
    }
    struct akira_wdt_channel_info ch[AKIRA_WDT_MAX_CHANNELS];
    size_t n = akira_wdt_list(ch, AKIRA_WDT_MAX_CHANNELS);
    if (n > AKIRA_WDT_MAX_CHANNELS) n = AKIRA_WDT_MAX_CHANNELS;
    akira_shell_print(sh, "%3s %-24s %9s %9s %-8s %8s\n", "ID", "CHANNEL", "TIMEOUT", "MARGIN",
                      "STATE", "EXPIRIES");
    for (size_t i = 0; i < n; i++) {
        akira_shell_print(sh, "%3d %-24s %9u %9" PRId64 " %-8s %8u\n", ch[i].id, ch[i].name,
                          (unsigned)ch[i].timeout_ms, ch[i].margin_ms,
                          ch[i].expired ? "EXPIRED" : "ok", (unsigned)ch[i].expiries);
    }
    akira_shell_print(sh, "%zu channels\n", n);
    return 0;
}

static int cmd_wdt_starve(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int id = akira_wdt_channel_add("starve", STARVE_TIMEOUT_MS, NULL, NULL);
    if (id < 0) return id;
    akira_shell_print(sh, "channel %d 'starve' added and never fed: expect a watchdog reset\n", id);
    return 0;
}

AKIRA_SHELL_SUBCMDS(wdt_sub, AKIRA_SHELL_CMD("starve",
                                             "add a channel nobody feeds (forces a watchdog reset)",
                                             NULL, cmd_wdt_starve, NULL, 0, 0));

AKIRA_SHELL_CMD_REGISTER(wdt, "wdt", "show watchdog channels and their margins", NULL, cmd_wdt_show,
                         wdt_sub, 0, 0);

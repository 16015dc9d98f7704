/* A log flood (issue 21): an app with no capability logs as fast as it can, with C1
 * control bytes in its lines (CSI raw and UTF-8 encoded, which would drive a terminal),
 * then says how long it took. The runtime must drop past the rate limit and count. */
#include <akira/akira.h>

__attribute__((export_name("main"))) int app_main(void)
{
    static const char c1[] = "c1:\x9b"
                             "31m raw, \xc2\x9b"
                             "31m utf8, \xc2\x85 nel, \xc3\xa9 kept";
    int64_t t0 = akira_uptime_ms();
    for (int i = 0; i < 20000; i++)
        akira_log(AKIRA_LOG_INF, "flood line", 10);
    akira_delay(300); /* enough credit for the last lines */
    akira_printf("flood done in %d ms\n", (int)(akira_uptime_ms() - t0));
    akira_log(AKIRA_LOG_INF, c1, sizeof c1 - 1);
    return 0;
}

/* A fast publisher: 1000 messages on "flood" as fast as it can, then logs how many
 * subscribers each reached in total and how long it took. Must never block on a
 * subscriber that does not read. */
#include <akira/akira.h>

__attribute__((export_name("main"))) int app_main(void)
{
    int64_t t0 = akira_uptime_ms();
    int reached = 0;
    for (uint32_t i = 1; i <= 1000; i++) {
        int32_t n = akira_ipc_pub("flood", &i, 4);
        if (n < 0) return n;
        reached += n;
    }
    akira_printf("flood: published 1000, reached %d, in %d ms\n", reached,
                 (int)(akira_uptime_ms() - t0));
    return 0;
}

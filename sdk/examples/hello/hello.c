/* hello: the smallest AkiraOS app. Logs a greeting and stops. */
#include <akira/akira.h>

__attribute__((export_name("main"))) int app_main(void)
{
    akira_printf("Hello from AkiraOS! (uptime %d ms)\n", (int)akira_uptime_ms());
    return 0;
}

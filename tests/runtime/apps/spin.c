/* Hostile: an endless loop that never waits (watchdog, stop by interrupt). */
#include <akira/common.h>

__attribute__((export_name("main"))) int main(void)
{
    akira_printf("spinning\n");
    volatile unsigned n = 0;
    for (;;)
        n++;
}

/* An upstream-style app that never yields: the watchdog ends it, as it ends ours. */
#include "up_env.h"

int main(void)
{
    printf_native("spinning");
    volatile int n = 0;
    for (;;)
        n++;
}

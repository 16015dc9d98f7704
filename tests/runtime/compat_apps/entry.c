/* Exports both main and _start (-Wl,--export=_start besides upstream's flags): upstream
 * runs main first, so an upstream app must see main run here too. */
#include "up_env.h"

int main(void)
{
    printf_native("entry: main ran");
    return 0;
}

void _start(void)
{
    printf_native("entry: _start ran");
}

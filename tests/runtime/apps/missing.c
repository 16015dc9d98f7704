/* Hostile: imports a function the system does not provide. */
#include <akira/common.h>

AKIRA_IMPORT("format_flash") int32_t format_flash(void);

__attribute__((export_name("main"))) int main(void)
{
    return format_flash();
}

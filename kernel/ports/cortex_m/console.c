/* Console output on Cortex-M: the board's polled console (akira_cm_console_out). */
#include "kernel_internal.h"
#include "port.h"

void akira_port_console_write(const char *s, size_t len)
{
    akira_cm_console_out(s, len);
}

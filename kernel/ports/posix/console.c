/* Console output on POSIX: the process's stdout, flushed per write so that log lines
 * appear immediately even when stdout is a pipe. */
#include <stdio.h>

#include "kernel_internal.h"

void akira_port_console_write(const char *s, size_t len)
{
    fwrite(s, 1, len, stdout);
    fflush(stdout);
}

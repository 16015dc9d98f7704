/*
 * The board's command line: QEMU's semihosting arguments
 * (-semihosting-config enable=on,target=native,arg=akiraos,arg=--flash,arg=FILE).
 *   --flash FILE   host file of flash0 (default: flash.img in QEMU's directory)
 *   --plain        console without prompt and echo (scripts driving the UART)
 */
#include <string.h>

#include <akira/semihost.h>

#include "board.h"

/* ---- options ---- */

static struct board_options opts = {.flash_path = "flash.img"};
static char cmdline[256];

const struct board_options *board_options(void)
{
    return &opts;
}

void board_options_parse(void)
{
    if (akira_semihost_cmdline(cmdline, sizeof(cmdline)) != 0) return;
    char *save = NULL;
    for (char *w = strtok_r(cmdline, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (strcmp(w, "--flash") == 0) {
            char *v = strtok_r(NULL, " ", &save);
            if (v) opts.flash_path = v;
        } else if (strcmp(w, "--plain") == 0) {
            opts.plain = true;
        }
    }
}

/*
 * The board's command line: QEMU's semihosting arguments
 * (-semihosting-config enable=on,target=native,arg=akiraos,arg=--flash,arg=FILE).
 *   --flash FILE   host file of flash0 (default: flash.img in QEMU's directory)
 *   --plain        console without prompt and echo (scripts driving the UART)
 *   --image FILE   (the bootloader) a signed image to flash into the primary slot, as
 *                  a flashing tool would: on first run and after a rebuild
 *   --install FILE install this host package at boot unless that version is in the
 *                  store (up to BOARD_INSTALL_MAX; `make run BOARD=mps2_an386` passes
 *                  the SDK examples)
 */
#include <string.h>

#include <akira/semihost.h>

#include "board.h"

/* ---- options ---- */

static struct board_options opts = {.flash_path = "flash.img"};
static char cmdline[1024];

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
        } else if (strcmp(w, "--image") == 0) {
            char *v = strtok_r(NULL, " ", &save);
            if (v) opts.image_path = v;
        } else if (strcmp(w, "--plain") == 0) {
            opts.plain = true;
        } else if (strcmp(w, "--install") == 0) {
            char *v = strtok_r(NULL, " ", &save);
            if (v && opts.install_count < BOARD_INSTALL_MAX) opts.install[opts.install_count++] = v;
        }
    }
}

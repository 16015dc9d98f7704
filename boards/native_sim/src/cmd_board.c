/*
 * `board`: the board's limits, flash layout and the options it booted with. A board
 * command lives with the board: the shell layer below cannot see board_config.h.
 */
#include <akira/board_config.h>
#include <akira/native_sim.h>
#include <akira/shell.h>

static int cmd_board(struct akira_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct akira_board_options *o = akira_board_options();
    akira_shell_print(sh, "board %s\n", AKIRA_BOARD_NAME);
    akira_shell_print(sh,
                      "apps: %d installed (slots of %u KiB), %d running, linear memory "
                      "%u..%u KiB, heap pool %u KiB\n",
                      AKIRA_BOARD_APPS_INSTALLED_MAX, AKIRA_BOARD_APP_SLOT_SIZE / 1024u,
                      AKIRA_BOARD_APPS_RUNNING_MAX, AKIRA_BOARD_APP_MEM_QUOTA_MIN / 1024u,
                      AKIRA_BOARD_APP_MEM_QUOTA_MAX / 1024u,
                      AKIRA_BOARD_APP_HEAP_POOL_SIZE / 1024u);
    akira_shell_print(sh, "flash: %u KiB, sector %u, write block %u, image %s\n",
                      AKIRA_BOARD_FLASH_SIZE / 1024u, AKIRA_BOARD_FLASH_SECTOR_SIZE,
                      AKIRA_BOARD_FLASH_WRITE_BLOCK_SIZE, o->flash_path ? o->flash_path : "(none)");
    akira_shell_print(sh, "%-12s %10s %10s\n", "PARTITION", "OFFSET", "SIZE");
#define ROW(ID, name, offset, size)                                                                \
    akira_shell_print(sh, "%-12s   0x%06x %6u KiB\n", name, (unsigned)(offset),                    \
                      (unsigned)(size) / 1024u);
    AKIRA_BOARD_PARTITIONS(ROW)
#undef ROW
    akira_shell_print(sh, "ports: http %u, shell %u\n", (unsigned)o->http_port,
                      (unsigned)o->shell_port);
    return 0;
}

AKIRA_SHELL_CMD_REGISTER(board, "board", "show the board's limits, partitions and options", NULL,
                         cmd_board, NULL, 0, 0);

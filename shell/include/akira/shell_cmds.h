/*
 * Hooks of the built-in commands (shell/cmds/): what the board tells them at boot.
 *
 * The built-in commands live in the OBJECT library `akira_shell_cmds`; the firmware
 * executable links it directly so every registration is kept. These setters are
 * called once by the board's main before the first session starts, from that thread.
 */
#ifndef AKIRA_SHELL_CMDS_H
#define AKIRA_SHELL_CMDS_H

#include <akira/heap.h>

/* Board name shown by `version` (e.g. "native_sim"); the string must stay valid. */
void akira_shell_board_set(const char *board);

/* Most heaps `mem` reports besides the system heap. */
#define AKIRA_SHELL_MEM_HEAPS_MAX 4

/* Adds a heap (e.g. the app heap pool) to `mem`'s report under name (kept, not
 * copied). 0, AKIRA_ENOSPC when AKIRA_SHELL_MEM_HEAPS_MAX are registered,
 * AKIRA_EINVAL for NULL arguments. */
int akira_shell_mem_heap_add(const char *name, akira_heap_t *heap);

struct akira_shell;
struct akira_manifest;

/* The storage lines of `app info NAME` (files, flash, settings, wear and write budget),
 * with the limits of manifest m (NULL: the board's defaults). Prints nothing for a
 * bad name. */
void akira_shell_app_storage_print(struct akira_shell *sh, const char *name,
                                   const struct akira_manifest *m);

#endif /* AKIRA_SHELL_CMDS_H */

/*
 * Executable memory for native code (the engine's AOT tier): write first, then seal to
 * read + execute (posix: never both at once, W^X by mmap/mprotect; cortex_m: the system
 * heap, which the M4 may execute from, sealed by a barrier). On a port without them
 * these functions do not exist, so a caller that needs them does not link there.
 *
 * Who calls: the runtime when it attaches an app's AOT section, and host tools. Any
 * thread.
 */
#ifndef AKIRA_EXEC_MEM_H
#define AKIRA_EXEC_MEM_H

#include <stddef.h>

/* The shape of the engine's aw_aot_exec hooks, so a caller passes them as they are:
 *   aw_aot_exec x = {.alloc = akira_exec_alloc, .seal = akira_exec_seal,
 *                    .free = akira_exec_free};
 * `ctx` is not used. */

/* size writable bytes aligned to align (at most a page), or NULL. */
void *akira_exec_alloc(void *ctx, size_t size, size_t align);
/* Make [p, p+size) read-only and executable: 0, or an akira_err_t. */
int akira_exec_seal(void *ctx, void *p, size_t size);
/* Release a block from akira_exec_alloc (sealed or not). */
void akira_exec_free(void *ctx, void *p, size_t size);
/* p when [p, p+size) is memory the core may execute as it stands, without a copy (a
 * memory-mapped flash: execute in place), else NULL. posix: always NULL (code runs
 * only from sealed mappings); cortex_m: the Code region of the memory map. */
const void *akira_exec_in_place(const void *p, size_t size);

#endif

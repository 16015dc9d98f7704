/*
 * app_aot.h - an app's native code (docs/aot.md), charged to its memory quota
 * (runtime-private): the executable memory of the code and, for code compiled for guard
 * pages, the committed pages of its linear memory.
 */
#ifndef AKIRA_APP_AOT_H
#define AKIRA_APP_AOT_H

#include <stddef.h>
#include <stdint.h>

#include <akira/quota.h>
#include <akira/wasm.h>

/* Attach the AOT section at [off, off+len) of the app (read through read/rctx) to mod,
 * its executable memory charged to q. 0 on success; otherwise -1 with the reason, for
 * the app's log, in why (e.g. "native code of 5120 bytes does not fit memory_quota
 * (65536 bytes, 61440 in use)"): the module then stays on the interpreter. On success
 * why is empty, or says why code that could run in place was copied to RAM. An app of
 * the app store (read = akira_appstore_ref_read) on a memory-mapped flash runs its
 * position-independent code in place (aw_aot_exec.in_place). */
int akira_app_aot_attach(struct akira_quota *q, aw_module *mod, aw_read_fn read, void *rctx,
                         uint32_t off, uint32_t len, char *why, size_t whylen);

/* The aw_vmem hooks for a store of the app when the port has guard pages (NULL
 * otherwise): every committed page is charged to q as the memory grows. Also puts the
 * engine's fault hook (aw_aot_fault) in front of the process's fault handlers. */
const aw_vmem *akira_app_aot_vmem(struct akira_quota *q, aw_vmem *storage);
/* The port's asynchronous interruption of native code for the store's config (its
 * signal handler installed), or NULL on a port without it: native code compiled for it
 * then runs on the interpreter. */
const aw_async_intr *akira_app_aot_async_intr(void);

#endif

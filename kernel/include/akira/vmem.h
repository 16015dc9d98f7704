/*
 * Reserved address space for linear memories with guard pages, and the memory-fault
 * hook that turns a fault in them into a trap (the engine's AOT tier in guard-page
 * mode, docs/aot.md). Provided by ports with virtual memory (posix: mmap/mprotect and
 * a SIGSEGV/SIGBUS handler); on a port without it these functions do not exist, so a
 * caller that needs them does not link there (AKIRA_HAVE_VMEM says whether they do).
 *
 * Who calls: the runtime (the engine's aw_vmem hooks, charged to the app's quota) and
 * host tools and tests. Any thread.
 */
#ifndef AKIRA_VMEM_H
#define AKIRA_VMEM_H

#include <stdint.h>

/* The shape of the engine's aw_vmem hooks (`ctx` is not used):
 *   aw_vmem v = {.reserve = akira_vmem_reserve, .commit = akira_vmem_commit,
 *                .release = akira_vmem_release}; */

/* `bytes` of address space that faults on any access, or NULL. */
void *akira_vmem_reserve(void *ctx, uint64_t bytes);
/* Make [old, new) of a reservation readable and writable (it reads as zero): 0, or an
 * akira_err_t. */
int akira_vmem_commit(void *ctx, void *base, uint64_t old_size, uint64_t new_size);
/* Return a whole reservation (`committed` is not used by this port). */
void akira_vmem_release(void *ctx, void *base, uint64_t bytes, uint64_t committed);

/* Call `fn` with the faulting address and instruction on every memory fault (SIGSEGV,
 * SIGBUS) of any thread, first; `fn` either does not return (it handled the fault by
 * jumping out: the handler lets the signal nest, so that is allowed) or returns 0, and
 * the fault goes to the handler installed before (a sanitizer's) or kills the process
 * as usual. One hook per process; NULL removes it. A handler installed since the last
 * call (a test framework's) goes behind the hook again at the next call. 0, or an
 * akira_err_t. */
int akira_fault_hook_set(int (*fn)(const void *addr, const void *pc));

/* Asynchronous interruption of native code (the engine's aw_async_intr hooks, docs/aot.md
 * "Interruption"). akira_async_intr_set installs, once per process, the handler of the
 * interrupt signal (SIGURG on posix) and makes it call `fn` with the interrupted
 * instruction; `fn` does not return (it jumped out of native code), or returns 1 (ask
 * again: the thread's timer signals it again 1 ms later) or 0 (nothing to do). 0, or an
 * akira_err_t. akira_async_intr_self names the calling thread (its id; it creates the
 * thread's timer the first time, deleted when the thread ends); akira_async_intr_kick
 * signals that thread (any thread may call). */
int akira_async_intr_set(int (*fn)(const void *pc));
uintptr_t akira_async_intr_self(void);
void akira_async_intr_kick(uintptr_t thread);

#endif

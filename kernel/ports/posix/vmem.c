/*
 * POSIX port: reserved address space (akira/vmem.h) from PROT_NONE mappings opened
 * page by page, and the memory-fault hook from a SIGSEGV/SIGBUS handler that chains to
 * the handler it replaced. Linux on x86-64 and AArch64 give the faulting instruction;
 * elsewhere the hook is never asked (it needs the instruction to know the fault is
 * native code's).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <akira/err.h>
#include <akira/vmem.h>

void *akira_vmem_reserve(void *ctx, uint64_t bytes)
{
    (void)ctx;
    if (bytes > SIZE_MAX) return NULL;
    void *p =
        mmap(NULL, (size_t)bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int akira_vmem_commit(void *ctx, void *base, uint64_t old_size, uint64_t new_size)
{
    (void)ctx;
    uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t from = old_size / ps * ps, to = (new_size + ps - 1) / ps * ps;
    if (to <= from) return AKIRA_OK;
    /* fresh anonymous pages read as zero; a partial page below old_size is open already */
    return mprotect((char *)base + from, (size_t)(to - from), PROT_READ | PROT_WRITE) == 0
               ? AKIRA_OK
               : AKIRA_ENOMEM;
}

void akira_vmem_release(void *ctx, void *base, uint64_t bytes, uint64_t committed)
{
    (void)ctx, (void)committed;
    if (base) munmap(base, (size_t)bytes);
}

static _Atomic(int (*)(const void *, const void *)) hook;
static struct sigaction prev_segv, prev_bus;
static const void *fault_pc(void *uc_)
{
    const ucontext_t *uc = uc_;
#if defined(__linux__) && defined(__x86_64__)
    return (const void *)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__linux__) && defined(__aarch64__)
    return (const void *)uc->uc_mcontext.pc;
#else
    (void)uc;
    return NULL;
#endif
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    int (*fn)(const void *, const void *) = atomic_load(&hook);
    const void *pc = fault_pc(uc);
    if (fn && pc) fn(si->si_addr, pc); /* returns only when the fault is not its own */
    const struct sigaction *p = sig == SIGSEGV ? &prev_segv : &prev_bus;
    if (p->sa_flags & SA_SIGINFO) {
        p->sa_sigaction(sig, si, uc);
    } else if (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
        p->sa_handler(sig);
    } else {
        /* the default action: returning repeats the fault, which now kills */
        signal(sig, SIG_DFL);
    }
}

/* Put on_fault in front of sig's current handler unless it is there already. */
static int install(int sig, struct sigaction *prev)
{
    struct sigaction cur, sa;
    if (sigaction(sig, NULL, &cur) != 0) return AKIRA_EIO;
    if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_fault) return AKIRA_OK;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    /* SA_NODEFER: the hook leaves by longjmp, which restores no signal mask */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    *prev = cur;
    return sigaction(sig, &sa, NULL) == 0 ? AKIRA_OK : AKIRA_EIO;
}

int akira_fault_hook_set(int (*fn)(const void *addr, const void *pc))
{
    atomic_store(&hook, fn);
    if (!fn) return AKIRA_OK;
    /* again on each call: a handler installed since (a test framework's, a
     * sanitizer's) goes behind this one */
    int rc = install(SIGSEGV, &prev_segv);
    return rc == AKIRA_OK ? install(SIGBUS, &prev_bus) : rc;
}

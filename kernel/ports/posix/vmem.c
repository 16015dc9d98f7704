/*
 * POSIX port: reserved address space (akira/vmem.h) from PROT_NONE mappings opened
 * page by page, and the memory-fault hook from a SIGSEGV/SIGBUS handler that chains to
 * the handler it replaced. Linux on x86-64 and AArch64 give the faulting instruction;
 * elsewhere the hook is never asked (it needs the instruction to know the fault is
 * native code's). The asynchronous interruption of native code (a signal to the thread
 * that runs it) is here too: it reads the interrupted instruction the same way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
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

/* ---- asynchronous interruption of native code (akira_async_intr_*) ----
 * The interrupter sends SIGURG to the thread (tgkill: that thread, never another); the
 * handler hands the interrupted instruction to the hook (the engine's
 * aw_aot_interrupt_pc), which traps out of native code or says to ask again; then a
 * one-shot timer of that thread, created when it first entered native code, sends the
 * signal again after 1 ms more of the thread's CPU time. SIGURG: ignored by default, so a signal
 * that arrives before the handler is installed, or at a thread that runs no native code, does
 * nothing. */
#define INTR_SIG      SIGURG
#define INTR_AGAIN_NS 1000000L

static _Atomic(int (*)(const void *)) intr_hook;
static pthread_once_t intr_once = PTHREAD_ONCE_INIT;
static pthread_key_t intr_key; /* its destructor deletes the thread's timer */
static _Thread_local struct {
    pid_t tid;
    bool has_timer;
    timer_t timer;
} intr_self;

static void on_intr(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si;
    int saved = errno;
    int (*fn)(const void *) = atomic_load(&intr_hook);
    const void *pc = fault_pc(uc);
    /* fn does not return when it traps; 1: native code runs elsewhere (a helper, a host
     * function), so look again in a moment (timer_settime is async-signal-safe) */
    if (fn && pc && fn(pc) == 1 && intr_self.has_timer) {
        struct itimerspec again = {.it_value = {.tv_sec = 0, .tv_nsec = INTR_AGAIN_NS}};
        timer_settime(intr_self.timer, 0, &again, NULL);
    }
    errno = saved;
}

static void intr_thread_end(void *p)
{
    (void)p;
    if (intr_self.has_timer) timer_delete(intr_self.timer);
    intr_self.has_timer = false;
}

static void intr_init(void)
{
    (void)pthread_key_create(&intr_key, intr_thread_end);
}

int akira_async_intr_set(int (*fn)(const void *pc))
{
    atomic_store(&intr_hook, fn);
    if (!fn) return AKIRA_OK;
    struct sigaction cur, sa;
    if (sigaction(INTR_SIG, NULL, &cur) != 0) return AKIRA_EIO;
    if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_intr) return AKIRA_OK;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_intr;
    /* SA_NODEFER: the hook leaves by longjmp, which restores no signal mask; SA_RESTART:
     * a host function's system call goes on */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    return sigaction(INTR_SIG, &sa, NULL) == 0 ? AKIRA_OK : AKIRA_EIO;
}

uintptr_t akira_async_intr_self(void)
{
    if (!intr_self.tid) {
        intr_self.tid = (pid_t)syscall(SYS_gettid);
        pthread_once(&intr_once, intr_init);
        struct sigevent ev;
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_THREAD_ID;
        ev.sigev_signo = INTR_SIG;
#ifdef sigev_notify_thread_id
        ev.sigev_notify_thread_id = intr_self.tid;
#else
        ev._sigev_un._tid = intr_self.tid;
#endif
        /* without a timer the first signal still comes; later ones from the remaining
         * checks (docs/aot.md) */
        /* the thread's own CPU time: a thread the host does not schedule is not signalled
         * again and again (which, at a load that keeps it waiting for more than the
         * interval, would leave it running nothing but the handler) */
        if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &intr_self.timer) == 0) {
            intr_self.has_timer = true;
            (void)pthread_setspecific(intr_key, &intr_self);
        }
    }
    return (uintptr_t)intr_self.tid;
}

void akira_async_intr_kick(uintptr_t thread)
{
    /* a thread id is never reused while its thread runs native code; if it ended since,
     * the signal goes nowhere or to a thread of ours that ignores it */
    (void)syscall(SYS_tgkill, (pid_t)getpid(), (pid_t)thread, INTR_SIG);
}

/*
 * Threads: named, with a priority and a stack the kernel allocates and measures.
 *
 * Priorities follow Zephyr: a lower number is more urgent, 0..AKIRA_PRIO_LOWEST.
 * The POSIX port records the priority and shows it in the registry but cannot enforce it
 * (Linux schedules unprivileged threads fairly); the Cortex-M port enforces it (a
 * spinning thread starves less urgent ones; equals share the CPU by time slice). Code
 * must not rely on priority for correctness - use the synchronisation objects.
 *
 * Stacks: the kernel allocates each stack (rounded up to whole pages and to the port's
 * minimum, AKIRA_THREAD_STACK_MIN), fills it with a known pattern and, when asked,
 * scans it for the deepest byte ever written (the high-water mark). On POSIX a guard
 * page below the stack turns overflow into a crash instead of silent corruption.
 *
 * Lifetime: a created thread runs at once. When its function returns (or it calls
 * akira_thread_exit) it is DEAD but stays in the registry until someone joins it, or
 * is freed at once if it was detached. Exactly one of join/detach must be called per
 * thread.
 */
#ifndef AKIRA_THREAD_H
#define AKIRA_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct akira_thread akira_thread_t;

/* Thread body; its return value is the exit status seen by akira_thread_join. */
typedef int (*akira_thread_fn)(void *arg);

#define AKIRA_PRIO_HIGHEST    0
#define AKIRA_PRIO_LOWEST     31
#define AKIRA_PRIO_DEFAULT    15
#define AKIRA_THREAD_NAME_MAX 32 /* bytes incl. NUL; longer names are cut */
#if defined(AKIRA_PORT_CORTEX_M)
/* An MCU sizes its stacks by its board (akira/board_config.h of the board). */
#include <akira/board_config.h>
#define AKIRA_THREAD_STACK_MIN     AKIRA_BOARD_THREAD_STACK_MIN
#define AKIRA_THREAD_STACK_DEFAULT AKIRA_BOARD_THREAD_STACK_DEFAULT
#else
#define AKIRA_THREAD_STACK_MIN     (64 * 1024) /* POSIX: glibc TLS + sanitizers live there */
#define AKIRA_THREAD_STACK_DEFAULT AKIRA_THREAD_STACK_MIN
#endif
/* Stacks of the system's own service threads. 0 is AKIRA_THREAD_STACK_DEFAULT; an MCU
 * board sizes each from its measured high-water mark plus a margin in its
 * board_config.h (on POSIX every thread gets the host's minimum anyway). */
#ifndef AKIRA_BOARD_STACK_TIMER
#define AKIRA_BOARD_STACK_TIMER 0 /* kernel timers' callbacks */
#endif
#ifndef AKIRA_BOARD_STACK_SYSWORKQ
#define AKIRA_BOARD_STACK_SYSWORKQ 0 /* the system work queue's items */
#endif
#ifndef AKIRA_BOARD_STACK_WDT
#define AKIRA_BOARD_STACK_WDT 0 /* the watchdog service's supervisor */
#endif
#ifndef AKIRA_BOARD_STACK_APP_HEALTH
#define AKIRA_BOARD_STACK_APP_HEALTH 0 /* the app manager's health check */
#endif
#ifndef AKIRA_BOARD_STACK_SERIAL_RX
#define AKIRA_BOARD_STACK_SERIAL_RX 0 /* the serial link's frame receiver */
#endif

enum akira_thread_state {
    AKIRA_THREAD_RUNNING,  /* runnable: running or ready (POSIX cannot tell which) */
    AKIRA_THREAD_BLOCKED,  /* waiting in a kernel object (mutex, sem, msgq, join, ...) */
    AKIRA_THREAD_SLEEPING, /* in akira_sleep_ms/us */
    AKIRA_THREAD_DEAD,     /* returned, not yet joined */
};

/*
 * Create and start a thread running fn(arg). name may be NULL ("thread-<id>").
 * stack_size 0 means AKIRA_THREAD_STACK_DEFAULT. Returns 0 and *out, or AKIRA_EINVAL
 * (fn NULL, priority out of range), AKIRA_ENOMEM (stack or bookkeeping), AKIRA_EAGAIN
 * (the host refused another thread). Any thread may call.
 */
int akira_thread_create(akira_thread_t **out, const char *name, akira_thread_fn fn, void *arg,
                        int priority, size_t stack_size);

/*
 * The same, with the stack taken from `heap` (akira/heap.h) instead of the system's
 * memory, and given back to it when the thread is freed (join, or the reaping of a
 * detached thread); heap NULL is akira_thread_create. The heap must outlive the
 * thread. For a stack that must not come out of what the system shares, e.g. an app
 * thread's stack from the app heap pool (AKIRA_ENOMEM when it has no room). The POSIX
 * port maps every stack itself, with a guard page, and ignores heap.
 */
struct akira_heap;
int akira_thread_create_in(akira_thread_t **out, const char *name, akira_thread_fn fn, void *arg,
                           int priority, size_t stack_size, struct akira_heap *heap);

/*
 * Wait up to timeout_ms (akira/clock.h) for t to finish, store its exit status in
 * *status (if non-NULL), free t and remove it from the registry. AKIRA_ETIMEDOUT /
 * AKIRA_EAGAIN leave t alive and joinable. AKIRA_EDEADLK if t is the caller,
 * AKIRA_EINVAL if t was detached. Only one thread may join a given thread.
 */
int akira_thread_join(akira_thread_t *t, int32_t timeout_ms, int *status);

/* Let t free itself when it finishes (or now, if it already has). t must not be used
 * afterwards. AKIRA_EINVAL if already detached. A thread may detach itself. Its stack is
 * freed at the next akira_thread_create or akira_thread_list after it finished (a
 * thread cannot free the stack it runs on). */
int akira_thread_detach(akira_thread_t *t);

/* End the calling thread with `status` as if its function returned it. Must be called
 * from a thread created by akira_thread_create. Does not return. */
__attribute__((noreturn)) void akira_thread_exit(int status);

/* The calling thread's handle; the main thread once akira_kernel_init adopted it; NULL
 * for host threads the kernel did not create. */
akira_thread_t *akira_thread_current(void);

const char *akira_thread_name(const akira_thread_t *t);
int akira_thread_priority(const akira_thread_t *t);
/* Registry id: small, unique, never reused during a run. */
uint32_t akira_thread_id(const akira_thread_t *t);

/* Change the recorded priority (see the note on enforcement). AKIRA_EINVAL if out of
 * range. */
int akira_thread_priority_set(akira_thread_t *t, int priority);

/* Sleep at least ms milliseconds / us microseconds; the thread shows SLEEPING. */
void akira_sleep_ms(uint32_t ms);
void akira_sleep_us(uint32_t us);

/* Give the CPU to another runnable thread. */
void akira_yield(void);

/* ---- registry, for `ps` ---- */

struct akira_thread_info {
    uint32_t id;
    char name[AKIRA_THREAD_NAME_MAX];
    int priority;
    enum akira_thread_state state;
    size_t stack_size;     /* usable bytes (main: the host main stack size, 0 if unknown) */
    size_t stack_used_max; /* high-water mark in bytes; 0 if not measured (main) */
    uint64_t cpu_time_us;  /* CPU time consumed so far; 0 once dead or if unknown */
};

/*
 * Snapshot of all registered threads (oldest first) into out[0..max-1], including
 * stack high-water marks (this scans each stack: O(stack bytes), meant for a shell
 * command, not a hot path). Returns the total number of registered threads, which can
 * exceed max (then only max were written). out may be NULL with max 0 to count (cheap:
 * no stack is scanned), which also frees the threads that finished detached.
 */
size_t akira_thread_list(struct akira_thread_info *out, size_t max);

/* CPU time the calling thread has consumed so far, in microseconds (0 if unknown).
 * Cheap, unlike akira_thread_list (no stack scan, no snapshot array). */
uint64_t akira_thread_cpu_us(void);

/* High-water mark of one thread's stack in bytes (0 if unknown). */
size_t akira_thread_stack_used(const akira_thread_t *t);

/* Name of a state: "running", "blocked", "sleeping", "dead". */
const char *akira_thread_state_name(enum akira_thread_state s);

#endif /* AKIRA_THREAD_H */

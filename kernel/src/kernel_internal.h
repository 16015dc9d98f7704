/*
 * Kernel-private interfaces between the portable sources (src/) and the port
 * (ports/<port>/). Nothing outside kernel/ may include this.
 */
#ifndef AKIRA_KERNEL_INTERNAL_H
#define AKIRA_KERNEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <akira/thread.h>

/* Mark the calling thread as blocked/sleeping/running for the registry; returns the
 * previous state for akira_thread_state_restore. No-op for threads the kernel does not
 * know (returns AKIRA_THREAD_RUNNING). */
enum akira_thread_state akira_thread_state_enter(enum akira_thread_state s);
void akira_thread_state_restore(enum akira_thread_state prev);

/* Register the calling (main) thread as "main"; idempotent. 0 or AKIRA_ENOMEM. */
int akira_thread_adopt_main(void);
/* Undo akira_thread_adopt_main (kernel shutdown). */
void akira_thread_release_main(void);
/* Free detached threads that have finished. Called from create/list/shutdown. */
void akira_thread_reap(void);

/* Timer thread and system work queue, started/stopped by kernel.c. */
int akira_timer_subsys_start(void);
void akira_timer_subsys_stop(void);
int akira_workq_system_start(void);
void akira_workq_system_stop(void);

/* Convert an akira/clock.h timeout into an absolute uptime deadline in us.
 * Returns 0, or AKIRA_EINVAL for negative values other than AKIRA_FOREVER.
 * *forever is set for AKIRA_FOREVER (deadline then unused). */
int akira_timeout_deadline(int32_t timeout_ms, uint64_t *deadline_us, int *forever);

/* Run fn exactly once over all threads; later callers wait until it has returned.
 * Portable (atomics + yield) so that src/ needs no pthread_once. */
typedef struct {
    _Atomic int state; /* 0 not run, 1 running, 2 done */
} akira_once_t;
#define AKIRA_ONCE_INIT                                                                            \
    {                                                                                              \
        0                                                                                          \
    }
void akira_once(akira_once_t *once, void (*fn)(void));

/* Write raw text to the console (POSIX: stdout, flushed). Used by the default log
 * sink. */
void akira_port_console_write(const char *s, size_t len);

#endif /* AKIRA_KERNEL_INTERNAL_H */

/*
 * The kernel layer in one include, and its start/stop.
 *
 * Boot sequence (the board's main):
 *     akira_device_init_all(AKIRA_INIT_PRE_KERNEL);
 *     akira_kernel_init();
 *     akira_device_init_all(AKIRA_INIT_POST_KERNEL);
 *     akira_device_init_all(AKIRA_INIT_APPLICATION);
 *     ... run ...
 *     akira_kernel_shutdown();
 */
#ifndef AKIRA_KERNEL_H
#define AKIRA_KERNEL_H

#include <akira/err.h>
#include <akira/clock.h>
#include <akira/log.h>
#include <akira/thread.h>
#include <akira/mutex.h>
#include <akira/condvar.h>
#include <akira/sem.h>
#include <akira/msgq.h>
#include <akira/timer.h>
#include <akira/work.h>
#include <akira/device.h>
#include <akira/watchdog.h>
#include <akira/heap.h>

/*
 * Adopt the calling thread as "main" in the thread registry, start the timer thread,
 * the system work queue and the watchdog supervisor (with the AKIRA_HWWDT_DEVICE_NAME
 * device if it is ready, default timeouts). Call once, from main, before anything uses
 * timers or the system work queue. 0, AKIRA_EBUSY (already initialised), or the error
 * of the part that failed (everything started so far is stopped again).
 */
int akira_kernel_init(void);

/*
 * Stop what akira_kernel_init started, in reverse order: watchdog supervisor (disables
 * the hardware watchdog), system work queue (runs what is already due), timer thread.
 * Threads created by the application must be stopped by the application first.
 * Afterwards akira_kernel_init may be called again. 0 or AKIRA_ESTATE (not running).
 */
int akira_kernel_shutdown(void);

/* True between a successful akira_kernel_init and akira_kernel_shutdown. */
bool akira_kernel_is_running(void);

#endif /* AKIRA_KERNEL_H */

/*
 * native_sim hardware watchdog, device "wdt0" (AKIRA_HWWDT_DEVICE_NAME).
 *
 * Real watchdog hardware counts down independently of the CPU and resets the chip at
 * zero. Here a host thread plays the counter: it sleeps until the deadline (each feed
 * moves it) and, if it is reached, runs the expiry hook, which by default logs and
 * ends the process with AKIRA_BOARD_EXIT_WATCHDOG. The thread is simulated hardware,
 * not an AkiraOS thread, so it is a plain pthread and does not show in `ps`.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <akira/clock.h>
#include <akira/device.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/watchdog.h>

#include "board.h"

AKIRA_LOG_MODULE_REGISTER(hwwdt);

struct hwwdt {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool thread_started;
    bool armed;
    uint32_t timeout_ms;
    uint64_t deadline_ms; /* uptime at which the watchdog fires */
};

static struct hwwdt wdt = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
};
static akira_board_hwwdt_hook_fn hook;

static void default_expiry(uint32_t timeout_ms)
{
    AKIRA_LOG_ERR("hardware watchdog expired (not fed for %u ms): reset", (unsigned)timeout_ms);
    board_console_restore();
    /* Under akira-boot the reset runs the bootloader, which reverts an image that
     * hung in test boot. */
    if (board_reset_to_boot()) board_reset_exec();
    /* _exit: a reset does not run shutdown code; atexit handlers could block on the
     * very thing that hung. */
    _exit(AKIRA_BOARD_EXIT_WATCHDOG);
}

void akira_board_hwwdt_hook_set(akira_board_hwwdt_hook_fn fn)
{
    pthread_mutex_lock(&wdt.lock);
    hook = fn;
    pthread_mutex_unlock(&wdt.lock);
}

static void deadline_to_timespec(uint64_t wait_ms, struct timespec *ts)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)(wait_ms / 1000);
    ts->tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *counter_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wdt.lock);
    for (;;) {
        if (!wdt.armed) {
            pthread_cond_wait(&wdt.cond, &wdt.lock);
            continue;
        }
        uint64_t now = akira_uptime_ms();
        if (now < wdt.deadline_ms) {
            struct timespec ts;
            deadline_to_timespec(wdt.deadline_ms - now, &ts);
            pthread_cond_timedwait(&wdt.cond, &wdt.lock, &ts);
            continue;
        }
        wdt.armed = false;
        uint32_t timeout = wdt.timeout_ms;
        akira_board_hwwdt_hook_fn fn = hook ? hook : default_expiry;
        pthread_mutex_unlock(&wdt.lock);
        fn(timeout);
        pthread_mutex_lock(&wdt.lock);
    }
    return NULL;
}

static int hwwdt_init(const struct akira_device *dev)
{
    (void)dev;
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) return AKIRA_ENOMEM;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&wdt.cond, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0) return AKIRA_ENOMEM;
    pthread_t t;
    if (pthread_create(&t, NULL, counter_thread, NULL) != 0) return AKIRA_EAGAIN;
    pthread_detach(t);
    wdt.thread_started = true;
    return 0;
}

static int hwwdt_setup(const struct akira_device *dev, uint32_t timeout_ms)
{
    (void)dev;
    if (timeout_ms == 0) return AKIRA_EINVAL;
    pthread_mutex_lock(&wdt.lock);
    if (!wdt.thread_started) {
        pthread_mutex_unlock(&wdt.lock);
        return AKIRA_ENODEV;
    }
    wdt.timeout_ms = timeout_ms;
    wdt.deadline_ms = akira_uptime_ms() + timeout_ms;
    wdt.armed = true;
    pthread_cond_signal(&wdt.cond);
    pthread_mutex_unlock(&wdt.lock);
    AKIRA_LOG_INF("armed, timeout %u ms", (unsigned)timeout_ms);
    return 0;
}

static int hwwdt_feed(const struct akira_device *dev)
{
    (void)dev;
    pthread_mutex_lock(&wdt.lock);
    int rc = AKIRA_ESTATE;
    if (wdt.armed) {
        wdt.deadline_ms = akira_uptime_ms() + wdt.timeout_ms;
        rc = 0;
    }
    pthread_mutex_unlock(&wdt.lock);
    return rc;
}

static int hwwdt_disable(const struct akira_device *dev)
{
    (void)dev;
    pthread_mutex_lock(&wdt.lock);
    wdt.armed = false;
    pthread_cond_signal(&wdt.cond);
    pthread_mutex_unlock(&wdt.lock);
    return 0;
}

static const struct akira_hwwdt_api hwwdt_api = {
    .setup = hwwdt_setup,
    .feed = hwwdt_feed,
    .disable = hwwdt_disable,
};

AKIRA_DEVICE_DEFINE(native_sim_wdt0, AKIRA_HWWDT_DEVICE_NAME, hwwdt_init, NULL, NULL,
                    AKIRA_INIT_PRE_KERNEL, 10, &hwwdt_api);

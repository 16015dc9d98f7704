/*
 * Watchdog service: software channels supervised by one thread, backed by an optional
 * hardware watchdog.
 *
 * A channel is something that must show progress: it is added with a timeout and must
 * be fed (akira_wdt_feed) more often than that. The supervisor thread ("wdt") checks the
 * channels every check period. A channel that was not fed within its timeout EXPIRES:
 * its callback runs once on the supervisor thread (log, restart the stuck part, ...).
 * Feeding it again RECOVERS it.
 *
 * Hardware: the service feeds the hardware watchdog device each check while no channel
 * is expired, and stops feeding as soon as one is expired and has not recovered. The
 * hardware then resets the device after its own timeout. If the supervisor itself hangs,
 * the feeding stops too. On clean shutdown the service disables the hardware watchdog.
 *
 * The hardware is a device (akira/device.h) named AKIRA_HWWDT_DEVICE_NAME whose api is
 * a struct akira_hwwdt_api; boards provide it. akira_kernel_init starts the service with
 * that device if it exists and is ready (so it should be at AKIRA_INIT_PRE_KERNEL), and
 * without hardware otherwise.
 *
 * Channel functions may be called from any thread, including callbacks.
 */
#ifndef AKIRA_WATCHDOG_H
#define AKIRA_WATCHDOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/device.h>

#define AKIRA_HWWDT_DEVICE_NAME        "wdt0"
#define AKIRA_WDT_MAX_CHANNELS         16
#define AKIRA_WDT_NAME_MAX             24   /* bytes incl. NUL */
#define AKIRA_WDT_HW_TIMEOUT_DEFAULT   2000 /* ms */
#define AKIRA_WDT_CHECK_PERIOD_DEFAULT 100  /* ms; must be well below the hw timeout */

/* Hardware watchdog class API. All return 0 or a negative akira_err_t. */
struct akira_hwwdt_api {
    /* Arm the watchdog: reset the device unless fed within timeout_ms from now. */
    int (*setup)(const struct akira_device *dev, uint32_t timeout_ms);
    /* Restart the countdown. */
    int (*feed)(const struct akira_device *dev);
    /* Disarm (clean shutdown). */
    int (*disable)(const struct akira_device *dev);
};

/* Expiry callback, on the supervisor thread. `user` is the pointer given at add. Keep
 * it short: while it runs nothing is checked and the hardware is not fed. */
typedef void (*akira_wdt_expiry_fn)(int channel, void *user);

/*
 * Add a channel, considered fed now. name is copied (cut to AKIRA_WDT_NAME_MAX - 1).
 * on_expiry may be NULL. Returns the channel id (>= 0), AKIRA_EINVAL (timeout 0),
 * AKIRA_ENOSPC (all AKIRA_WDT_MAX_CHANNELS in use).
 */
int akira_wdt_channel_add(const char *name, uint32_t timeout_ms, akira_wdt_expiry_fn on_expiry,
                          void *user);

/* Remove a channel (an expired one too: that un-blocks hardware feeding).
 * 0 or AKIRA_ENOENT. */
int akira_wdt_channel_remove(int channel);

/* Feed a channel: restarts its timeout and recovers it if expired. 0 or AKIRA_ENOENT. */
int akira_wdt_feed(int channel);

struct akira_wdt_channel_info {
    int id;
    char name[AKIRA_WDT_NAME_MAX];
    uint32_t timeout_ms;
    int64_t margin_ms; /* time left before expiry; negative: overdue by that much */
    bool expired;      /* expired and not fed since */
    uint32_t expiries; /* times it expired since added */
};

/* Snapshot of the channels into out[0..max-1]; returns the number of channels. */
size_t akira_wdt_list(struct akira_wdt_channel_info *out, size_t max);

struct akira_wdt_status {
    bool running;     /* supervisor thread running */
    bool hw_attached; /* a hardware watchdog is being driven */
    bool hw_feeding;  /* true while all channels are healthy */
    uint32_t hw_timeout_ms;
    uint32_t check_period_ms;
    uint64_t hw_feeds;        /* successful hardware feeds */
    uint64_t last_hw_feed_ms; /* uptime of the last feed */
};
void akira_wdt_status_get(struct akira_wdt_status *out);

/*
 * Start the supervisor (akira_kernel_init does this). hw may be NULL (software channels
 * only); otherwise its setup(hw_timeout_ms) is called first. check_period_ms must be
 * > 0 and, with hw, below hw_timeout_ms / 2. Returns 0, AKIRA_EINVAL, AKIRA_EBUSY
 * (already running), AKIRA_ENODEV (hw not ready), or the hw setup error.
 */
int akira_wdt_service_start(const struct akira_device *hw, uint32_t hw_timeout_ms,
                            uint32_t check_period_ms);

/* Stop the supervisor and disable the hardware watchdog. Channels stay registered.
 * 0 or AKIRA_ESTATE (not running). */
int akira_wdt_service_stop(void);

#endif /* AKIRA_WATCHDOG_H */

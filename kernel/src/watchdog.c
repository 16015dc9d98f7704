/*
 * Watchdog service: a table of software channels and a supervisor thread that checks
 * them every period, runs expiry callbacks, and feeds the hardware watchdog only while
 * no channel is left expired.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/thread.h>
#include <akira/watchdog.h>

#include "kernel_internal.h"

AKIRA_LOG_MODULE_REGISTER(wdt);

struct channel {
    int id; /* -1: slot free; else generation * MAX + slot, so stale ids miss */
    char name[AKIRA_WDT_NAME_MAX];
    uint32_t timeout_ms;
    uint64_t last_feed_ms;
    akira_wdt_expiry_fn on_expiry;
    void *user;
    bool expired;
    uint32_t expiries;
};

static akira_once_t wdt_once = AKIRA_ONCE_INIT;
static akira_mutex_t *wdt_lock;
static akira_condvar_t *wdt_wake; /* stop request */
static struct channel chans[AKIRA_WDT_MAX_CHANNELS];
static uint32_t generation;

static akira_thread_t *sup_thread;
static bool sup_stop;
static const struct akira_device *hw;
static struct akira_wdt_status st;

static void wdt_init(void)
{
    if (akira_mutex_create(&wdt_lock) != 0 || akira_condvar_create(&wdt_wake) != 0)
        __builtin_trap();
    for (size_t i = 0; i < AKIRA_WDT_MAX_CHANNELS; i++)
        chans[i].id = -1;
}

static void wdt_ready(void)
{
    akira_once(&wdt_once, wdt_init);
}

static struct channel *chan_find(int id)
{
    if (id < 0) return NULL;
    struct channel *c = &chans[(unsigned)id % AKIRA_WDT_MAX_CHANNELS];
    return c->id == id ? c : NULL;
}

int akira_wdt_channel_add(const char *name, uint32_t timeout_ms, akira_wdt_expiry_fn on_expiry,
                          void *user)
{
    if (timeout_ms == 0) return AKIRA_EINVAL;
    wdt_ready();
    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    int rc = AKIRA_ENOSPC;
    for (size_t i = 0; i < AKIRA_WDT_MAX_CHANNELS; i++) {
        struct channel *c = &chans[i];
        if (c->id >= 0) continue;
        generation = (generation + 1) % (1u << 20);
        c->id = (int)(generation * AKIRA_WDT_MAX_CHANNELS + i);
        snprintf(c->name, sizeof(c->name), "%s", name ? name : "?");
        c->timeout_ms = timeout_ms;
        c->last_feed_ms = akira_uptime_ms();
        c->on_expiry = on_expiry;
        c->user = user;
        c->expired = false;
        c->expiries = 0;
        rc = c->id;
        break;
    }
    akira_mutex_unlock(wdt_lock);
    return rc;
}

int akira_wdt_channel_remove(int channel)
{
    wdt_ready();
    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    struct channel *c = chan_find(channel);
    if (c) c->id = -1;
    akira_mutex_unlock(wdt_lock);
    return c ? 0 : AKIRA_ENOENT;
}

int akira_wdt_feed(int channel)
{
    wdt_ready();
    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    struct channel *c = chan_find(channel);
    if (c) {
        c->last_feed_ms = akira_uptime_ms();
        if (c->expired) AKIRA_LOG_INF("channel %s recovered", c->name);
        c->expired = false;
    }
    akira_mutex_unlock(wdt_lock);
    return c ? 0 : AKIRA_ENOENT;
}

size_t akira_wdt_list(struct akira_wdt_channel_info *out, size_t max)
{
    wdt_ready();
    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    uint64_t now = akira_uptime_ms();
    size_t n = 0;
    for (size_t i = 0; i < AKIRA_WDT_MAX_CHANNELS; i++) {
        const struct channel *c = &chans[i];
        if (c->id < 0) continue;
        if (out && n < max) {
            struct akira_wdt_channel_info *o = &out[n];
            o->id = c->id;
            memcpy(o->name, c->name, sizeof(o->name));
            o->timeout_ms = c->timeout_ms;
            o->margin_ms = (int64_t)c->timeout_ms - (int64_t)(now - c->last_feed_ms);
            o->expired = c->expired;
            o->expiries = c->expiries;
        }
        n++;
    }
    akira_mutex_unlock(wdt_lock);
    return n;
}

void akira_wdt_status_get(struct akira_wdt_status *out)
{
    wdt_ready();
    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    *out = st;
    akira_mutex_unlock(wdt_lock);
}

static const struct akira_hwwdt_api *hw_api(void)
{
    return hw->api;
}

/* One supervision round. Called on the supervisor thread without the lock. */
static void check_round(void)
{
    struct {
        int id;
        akira_wdt_expiry_fn fn;
        void *user;
    } fire[AKIRA_WDT_MAX_CHANNELS];
    size_t nfire = 0;

    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    uint64_t now = akira_uptime_ms();
    for (size_t i = 0; i < AKIRA_WDT_MAX_CHANNELS; i++) {
        struct channel *c = &chans[i];
        if (c->id < 0 || c->expired || now - c->last_feed_ms < c->timeout_ms) continue;
        c->expired = true;
        c->expiries++;
        AKIRA_LOG_ERR("channel %s expired (timeout %u ms)", c->name, (unsigned)c->timeout_ms);
        if (c->on_expiry) {
            fire[nfire].id = c->id;
            fire[nfire].fn = c->on_expiry;
            fire[nfire].user = c->user;
            nfire++;
        }
    }
    akira_mutex_unlock(wdt_lock);

    /* Callbacks run unlocked so they may feed or remove channels to recover. */
    for (size_t i = 0; i < nfire; i++)
        fire[i].fn(fire[i].id, fire[i].user);

    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    bool healthy = true;
    for (size_t i = 0; i < AKIRA_WDT_MAX_CHANNELS; i++)
        if (chans[i].id >= 0 && chans[i].expired) healthy = false;
    if (st.hw_attached) {
        if (healthy && hw_api()->feed(hw) == 0) {
            st.hw_feeds++;
            st.last_hw_feed_ms = akira_uptime_ms();
        }
        if (st.hw_feeding && !healthy)
            AKIRA_LOG_ERR("channel expired: hardware watchdog no longer fed, reset follows");
    }
    st.hw_feeding = st.hw_attached && healthy;
    akira_mutex_unlock(wdt_lock);
}

static int supervisor(void *arg)
{
    (void)arg;
    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    uint64_t next = akira_uptime_us();
    while (!sup_stop) {
        if (akira_uptime_us() < next) {
            akira_condvar_wait_until(wdt_wake, wdt_lock, next);
            continue;
        }
        next += (uint64_t)st.check_period_ms * 1000u;
        akira_mutex_unlock(wdt_lock);
        check_round();
        akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    }
    akira_mutex_unlock(wdt_lock);
    return 0;
}

int akira_wdt_service_start(const struct akira_device *hw_dev, uint32_t hw_timeout_ms,
                            uint32_t check_period_ms)
{
    if (check_period_ms == 0) return AKIRA_EINVAL;
    if (hw_dev && (hw_dev->api == NULL || check_period_ms >= hw_timeout_ms / 2))
        return AKIRA_EINVAL;
    if (hw_dev && !akira_device_is_ready(hw_dev)) return AKIRA_ENODEV;
    wdt_ready();
    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    if (sup_thread != NULL) {
        akira_mutex_unlock(wdt_lock);
        return AKIRA_EBUSY;
    }
    int rc = 0;
    if (hw_dev) {
        const struct akira_hwwdt_api *api = hw_dev->api;
        rc = api->setup(hw_dev, hw_timeout_ms);
        if (rc != 0) {
            akira_mutex_unlock(wdt_lock);
            AKIRA_LOG_ERR("%s: setup failed: %s", hw_dev->name, akira_err_str(rc));
            return rc;
        }
    }
    hw = hw_dev;
    memset(&st, 0, sizeof(st));
    st.hw_attached = hw_dev != NULL;
    st.hw_feeding = st.hw_attached;
    st.hw_timeout_ms = hw_dev ? hw_timeout_ms : 0;
    st.check_period_ms = check_period_ms;
    sup_stop = false;
    rc = akira_thread_create(&sup_thread, "wdt", supervisor, NULL, AKIRA_PRIO_HIGHEST,
                             AKIRA_BOARD_STACK_WDT);
    if (rc != 0) {
        sup_thread = NULL;
        if (hw_dev) ((const struct akira_hwwdt_api *)hw_dev->api)->disable(hw_dev);
        hw = NULL;
        memset(&st, 0, sizeof(st));
    } else {
        st.running = true;
    }
    akira_mutex_unlock(wdt_lock);
    if (rc == 0)
        AKIRA_LOG_INF("supervisor started (%s, check every %u ms)",
                      hw_dev ? hw_dev->name : "no hardware watchdog", (unsigned)check_period_ms);
    return rc;
}

int akira_wdt_service_stop(void)
{
    wdt_ready();
    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    akira_thread_t *th = sup_thread;
    if (th == NULL) {
        akira_mutex_unlock(wdt_lock);
        return AKIRA_ESTATE;
    }
    sup_stop = true;
    akira_condvar_broadcast(wdt_wake);
    akira_mutex_unlock(wdt_lock);
    akira_thread_join(th, AKIRA_FOREVER, NULL);

    akira_mutex_lock(wdt_lock, AKIRA_FOREVER);
    if (hw) hw_api()->disable(hw);
    hw = NULL;
    sup_thread = NULL;
    st.running = false;
    st.hw_attached = false;
    st.hw_feeding = false;
    akira_mutex_unlock(wdt_lock);
    return 0;
}

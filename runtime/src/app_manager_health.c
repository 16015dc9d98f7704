/*
 * The system health thread: the app watchdog, supervised itself by the kernel watchdog
 * service.
 *
 * Every health period it looks at each running app: one that has been running (not
 * waiting in a blocking call) for longer than the watchdog budget is interrupted
 * through the engine and its run is marked as ended by the watchdog (the app's thread
 * then reports FAILED, reason watchdog). The thread then feeds its own channel of the
 * kernel watchdog service; the service feeds the hardware watchdog only while every
 * channel is fed, so a hung health thread (or a hung manager lock) resets the device
 * while a hung app never does.
 */
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/watchdog.h>

#include "app_manager_priv.h"

AKIRA_LOG_MODULE_DECLARE(appmgr);

/* The health channel's timeout: generous against host scheduling hiccups, still well
 * inside the hardware timeout the service leaves it. */
#define HEALTH_WDT_TIMEOUT_MS 1000u

static void check_apps(uint64_t now_us)
{
    uint64_t budget_us = (uint64_t)akira_mgr.cfg.watchdog_ms * 1000u;
    akira_mutex_lock(akira_mgr.lock, AKIRA_FOREVER);
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        struct akira_app *a = akira_mgr.apps[i];
        if (!a || !a->active || !a->ctx.store || a->wd_fired) continue;
        uint64_t since = atomic_load(&a->ctx.running_since_us);
        if (since == 0 || now_us <= since || now_us - since <= budget_us) continue;
        a->wd_fired = true;
        aw_store_interrupt(a->ctx.store);
        AKIRA_LOG_WRN("%s: ran %llu ms without waiting: interrupted (watchdog)", a->m.name,
                      (unsigned long long)((now_us - since) / 1000u));
    }
    akira_mutex_unlock(akira_mgr.lock);
}

static int health_thread(void *arg)
{
    (void)arg;
    while (!atomic_load(&akira_mgr.health_stop)) {
        check_apps(akira_uptime_us());
        /* Frees the stacks of app threads that ended by themselves (they detach). */
        (void)akira_thread_list(NULL, 0);
        if (akira_mgr.wdt_channel >= 0) akira_wdt_feed(akira_mgr.wdt_channel);
        akira_sleep_ms(akira_mgr.cfg.health_period_ms);
    }
    return 0;
}

int akira_appmgr_health_start(void)
{
    atomic_store(&akira_mgr.health_stop, false);
    int ch = akira_wdt_channel_add("app-health", HEALTH_WDT_TIMEOUT_MS, NULL, NULL);
    if (ch < 0) return ch;
    akira_mgr.wdt_channel = ch;
    int rc = akira_thread_create(&akira_mgr.health, "app-health", health_thread, NULL,
                                 AKIRA_PRIO_DEFAULT - 2, AKIRA_BOARD_STACK_APP_HEALTH);
    if (rc != 0) {
        akira_wdt_channel_remove(ch);
        akira_mgr.wdt_channel = -1;
    }
    return rc;
}

void akira_appmgr_health_stop(void)
{
    atomic_store(&akira_mgr.health_stop, true);
    if (akira_mgr.health) akira_thread_join(akira_mgr.health, AKIRA_FOREVER, NULL);
    akira_mgr.health = NULL;
    if (akira_mgr.wdt_channel >= 0) akira_wdt_channel_remove(akira_mgr.wdt_channel);
    akira_mgr.wdt_channel = -1;
}

/*
 * API module "pwm": channels of the board's PWM controllers, capability "pwm",
 * narrowed to the manifest's `pwm` DEV:CHANNELS items.
 *
 *   pwm_set(dev i32, dev_len i32, channel i32, period_ns i32, pulse_ns i32) -> i32
 *        0 | EFAULT | EINVAL | EACCES | EBUSY | ENODEV
 *   pwm_get(dev i32, dev_len i32, channel i32, out i32) -> i32
 *        0, out = {period_ns u32, pulse_ns u32} | the same errors
 *
 * period_ns and pulse_ns are unsigned 32-bit; the driver's limits apply (period
 * 1000..1e9 ns, pulse <= period; EINVAL otherwise, nothing changes). A channel number
 * at or above the controller's count is EINVAL; a channel not in the manifest EACCES;
 * a channel another running app has set EBUSY. pwm_set claims the channel for the app;
 * when the app ends each claimed channel is turned off (pulse 0, output held low).
 */
#include <akira/drivers/driver.h>
#include <akira/drivers/pwm.h>

#include "hw_util.h"

#define CLAIMS_MAX (AKIRA_BOARD_APPS_INSTALLED_MAX * AKIRA_MANIFEST_PWM_MAX * 4u)

struct pwm_claim {
    struct akira_app_ctx *app; /* NULL: free */
    const struct akira_device *dev;
    uint32_t channel;
};

static struct hw_lock lock;
static struct pwm_claim claims[CLAIMS_MAX];

/* Device, channel and manifest checks shared by set and get. */
static int channel_check(struct akira_app_ctx *app, const char *name, int32_t ch,
                         const struct akira_device **out)
{
    const struct akira_device *dev = akira_driver_get(AKIRA_DRIVER_PWM, name);
    if (!dev) {
        /* Unknown device: EACCES when the manifest does not name it either, so an app
         * cannot probe which controllers exist beyond its own. */
        return akira_manifest_pwm_allowed(app->manifest, name, ch < 0 ? 0 : (uint32_t)ch)
                   ? AKIRA_ENODEV
                   : hw_deny(app, "pwm %s is not in the manifest's pwm list", name);
    }
    if (ch < 0 || (uint32_t)ch >= akira_pwm_channel_count(dev)) return AKIRA_EINVAL;
    if (!akira_manifest_pwm_allowed(app->manifest, name, (uint32_t)ch))
        return hw_deny(app, "pwm %s:%d is not in the manifest's pwm list", name, (int)ch);
    *out = dev;
    return 0;
}

/* EBUSY when another app holds the channel; with take, record it for app (*taken: it
 * was not the app's before). */
static int claim(struct akira_app_ctx *app, const struct akira_device *dev, uint32_t ch, bool take,
                 struct pwm_claim **taken)
{
    if (!hw_lock(&lock)) return AKIRA_ENOMEM;
    struct pwm_claim *free_c = NULL;
    int rc = 0;
    bool mine = false;
    for (size_t i = 0; i < CLAIMS_MAX; i++) {
        struct pwm_claim *c = &claims[i];
        if (!c->app) {
            if (!free_c) free_c = c;
        } else if (c->dev == dev && c->channel == ch) {
            if (c->app == app)
                mine = true;
            else
                rc = AKIRA_EBUSY;
        }
    }
    if (rc == 0 && take && !mine) {
        if (free_c) {
            *free_c = (struct pwm_claim){app, dev, ch};
            if (taken) *taken = free_c;
        } else
            rc = AKIRA_ENOSPC;
    }
    hw_unlock(&lock);
    return rc;
}

int hw_pwm_set(struct akira_app_ctx *app, const char *name, int32_t ch, uint32_t period_ns,
               uint32_t pulse_ns)
{
    const struct akira_device *dev;
    struct pwm_claim *taken = NULL;
    int rc = channel_check(app, name, ch, &dev);
    if (rc == 0) rc = claim(app, dev, (uint32_t)ch, true, &taken);
    if (rc == 0) rc = akira_pwm_set(dev, (uint32_t)ch, period_ns, pulse_ns);
    /* A refused setting changes nothing: not even a claim, which would turn off at the
     * app's end a channel someone else (the shell) set up. */
    if (rc && taken && hw_lock(&lock)) {
        memset(taken, 0, sizeof(*taken));
        hw_unlock(&lock);
    }
    return rc;
}

static aw_status api_set(struct akira_app_ctx *app, aw_val *io)
{
    char name[AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    int rc = hw_dev_name(app, io[0].u32, io[1].u32, name);
    return hw_ret(io, rc ? rc : hw_pwm_set(app, name, io[2].i32, io[3].u32, io[4].u32));
}

static aw_status api_get(struct akira_app_ctx *app, aw_val *io)
{
    uint8_t *out = akira_bridge_mem(app, io[3].u32, 8);
    if (!out) return hw_ret(io, AKIRA_EFAULT);
    char name[AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    const struct akira_device *dev;
    int rc = hw_dev_name(app, io[0].u32, io[1].u32, name);
    if (rc == 0) rc = channel_check(app, name, io[2].i32, &dev);
    if (rc == 0) rc = claim(app, dev, io[2].u32, false, NULL);
    uint32_t period = 0, pulse = 0;
    if (rc == 0) rc = akira_pwm_get(dev, io[2].u32, &period, &pulse);
    if (rc == 0) {
        hw_put_u32(out, period);
        hw_put_u32(out + 4, pulse);
    }
    return hw_ret(io, rc);
}

static void pwm_app_end(struct akira_app_ctx *app)
{
    if (!atomic_load(&lock.m) || !hw_lock(&lock)) return;
    for (size_t i = 0; i < CLAIMS_MAX; i++) {
        struct pwm_claim *c = &claims[i];
        if (c->app != app) continue;
        uint32_t period = 0, pulse = 0;
        if (akira_pwm_get(c->dev, c->channel, &period, &pulse) == 0 && period)
            akira_pwm_set(c->dev, c->channel, period, 0);
        memset(c, 0, sizeof(*c));
    }
    hw_unlock(&lock);
}

static const struct akira_bridge_entry entries[] = {
    {"pwm_set", "(iiiii)i", AKIRA_CAP_PWM, api_set},
    {"pwm_get", "(iiii)i", AKIRA_CAP_PWM, api_get},
};

const struct akira_bridge_module akira_api_pwm = {
    .name = "pwm",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = pwm_app_end,
};

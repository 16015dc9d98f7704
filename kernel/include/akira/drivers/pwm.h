/*
 * PWM driver class: a controller with numbered channels, each a period and a pulse
 * width in nanoseconds (Zephyr-like). Pulse 0 holds the output low, pulse == period
 * holds it high.
 *
 * Threads: any thread; calls do not block. A new setting takes effect at once.
 * Errors: AKIRA_EINVAL (channel >= the controller's count, period outside
 * [AKIRA_PWM_PERIOD_MIN_NS, AKIRA_PWM_PERIOD_MAX_NS], pulse > period),
 * AKIRA_ENODEV (not ready). A refused setting changes nothing.
 */
#ifndef AKIRA_DRIVERS_PWM_H
#define AKIRA_DRIVERS_PWM_H

#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

#define AKIRA_PWM_PERIOD_MIN_NS 1000u       /* 1 MHz */
#define AKIRA_PWM_PERIOD_MAX_NS 1000000000u /* 1 Hz */

struct akira_pwm_api {
    int (*set)(const struct akira_device *dev, uint32_t channel, uint32_t period_ns,
               uint32_t pulse_ns);
    /* The channel's setting; a channel never set reports period 0 and pulse 0 (off). */
    int (*get)(const struct akira_device *dev, uint32_t channel, uint32_t *period_ns,
               uint32_t *pulse_ns);
    uint32_t (*channel_count)(const struct akira_device *dev);
};

static inline const struct akira_pwm_api *akira_pwm_api_of_(const struct akira_device *dev)
{
    return (dev && akira_device_is_ready(dev)) ? (const struct akira_pwm_api *)dev->api : NULL;
}

static inline uint32_t akira_pwm_channel_count(const struct akira_device *dev)
{
    const struct akira_pwm_api *api = akira_pwm_api_of_(dev);
    return api ? api->channel_count(dev) : 0;
}

static inline int akira_pwm_set(const struct akira_device *dev, uint32_t channel,
                                uint32_t period_ns, uint32_t pulse_ns)
{
    const struct akira_pwm_api *api = akira_pwm_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (channel >= api->channel_count(dev) || period_ns < AKIRA_PWM_PERIOD_MIN_NS ||
        period_ns > AKIRA_PWM_PERIOD_MAX_NS || pulse_ns > period_ns)
        return AKIRA_EINVAL;
    return api->set(dev, channel, period_ns, pulse_ns);
}

static inline int akira_pwm_get(const struct akira_device *dev, uint32_t channel,
                                uint32_t *period_ns, uint32_t *pulse_ns)
{
    const struct akira_pwm_api *api = akira_pwm_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (channel >= api->channel_count(dev) || !period_ns || !pulse_ns) return AKIRA_EINVAL;
    return api->get(dev, channel, period_ns, pulse_ns);
}

#endif /* AKIRA_DRIVERS_PWM_H */

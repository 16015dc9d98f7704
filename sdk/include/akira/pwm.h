/*
 * AkiraOS app SDK - module "pwm": PWM channels, capability "pwm", only the channels
 * the manifest's `pwm:` line names as DEV:CHANNELS items (e.g. `pwm: pwm0:0-3`).
 *
 * A channel is a period and a pulse width in nanoseconds: pulse 0 holds the output
 * low, pulse == period high; the period lies in 1000..1000000000 ns. Errors:
 * AKIRA_EFAULT, AKIRA_EINVAL (name, channel at or above the controller's count, times
 * out of range: nothing changes), AKIRA_EACCES, AKIRA_EBUSY (another app set that
 * channel), AKIRA_ENODEV. Channels the app set are turned off when it ends.
 */
#ifndef AKIRA_SDK_PWM_H
#define AKIRA_SDK_PWM_H

#include <akira/common.h>

struct akira_pwm_setting {
    uint32_t period_ns;
    uint32_t pulse_ns;
};

AKIRA_IMPORT("pwm_set")
int32_t akira_pwm_set(const char *dev, uint32_t dev_len, int32_t channel, uint32_t period_ns,
                      uint32_t pulse_ns);
/* The channel's setting into *out (a channel never set: 0 and 0). */
AKIRA_IMPORT("pwm_get")
int32_t akira_pwm_get(const char *dev, uint32_t dev_len, int32_t channel,
                      struct akira_pwm_setting *out);

#endif /* AKIRA_SDK_PWM_H */

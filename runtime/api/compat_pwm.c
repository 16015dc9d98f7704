/*
 * API module "compat_pwm": upstream AkiraOS's pwm_set and pwm_disable ("env" import
 * module, akira/compat.h, docs/compat.md) over our pwm module (runtime/api/pwm.c, whose
 * hw_pwm_set does the work with its manifest check, the claim that makes another app's
 * channel -EBUSY and the channel turned off at the app's end). Upstream's channels are
 * those of our "pwm0"; its frequency and duty cycle become our period and pulse.
 */
#include "compat_priv.h"

#define UP_PWM_DEV "pwm0"
#define NS_PER_S   1000000000u

static aw_status up_set(struct akira_app_ctx *app, aw_val *io)
{
    int32_t ch = io[0].i32, hz = io[1].i32, duty = io[2].i32;
    COMPAT_REQUIRE(app, io, UPBIT(PWM), "pwm_set");
    if (hz < 1 || hz > 10000000 || duty < 0 || duty > 100) return hw_ret(io, -AKIRA_UP_EINVAL);
    uint32_t period = NS_PER_S / (uint32_t)hz;
    uint32_t pulse = (uint32_t)((uint64_t)period * (uint32_t)duty / 100u);
    return compat_ret(io, hw_pwm_set(app, UP_PWM_DEV, ch, period, pulse));
}

/* pwm_disable: the output held low (pulse 0) at a period the driver takes. */
static aw_status up_disable(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(PWM), "pwm_disable");
    return compat_ret(io, hw_pwm_set(app, UP_PWM_DEV, io[0].i32, NS_PER_S / 1000u, 0));
}

static const struct akira_bridge_entry entries[] = {
    {"pwm_set", "(iii)i", AKIRA_CAP_PWM, up_set},
    {"pwm_disable", "(i)i", AKIRA_CAP_PWM, up_disable},
};

const struct akira_bridge_module akira_api_compat_pwm = {
    .name = "compat_pwm",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

/*
 * native_sim "pwm0": AKIRA_SIM_PWM_CHANNELS channels. There is no pin to look at, so
 * the duty cycle of each channel is what is observable (akira_sim_pwm_duty_ppm, the
 * `pwm` shell command).
 */
#include <pthread.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/pwm.h>
#include <akira/err.h>

#include "sim.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    uint32_t period_ns, pulse_ns;
} ch[AKIRA_SIM_PWM_CHANNELS];

static int pwm_set(const struct akira_device *dev, uint32_t channel, uint32_t period_ns,
                   uint32_t pulse_ns)
{
    (void)dev;
    if (channel >= AKIRA_SIM_PWM_CHANNELS || period_ns < AKIRA_PWM_PERIOD_MIN_NS ||
        period_ns > AKIRA_PWM_PERIOD_MAX_NS || pulse_ns > period_ns)
        return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    ch[channel].period_ns = period_ns;
    ch[channel].pulse_ns = pulse_ns;
    pthread_mutex_unlock(&lock);
    return 0;
}

static int pwm_get(const struct akira_device *dev, uint32_t channel, uint32_t *period_ns,
                   uint32_t *pulse_ns)
{
    (void)dev;
    if (channel >= AKIRA_SIM_PWM_CHANNELS || !period_ns || !pulse_ns) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    *period_ns = ch[channel].period_ns;
    *pulse_ns = ch[channel].pulse_ns;
    pthread_mutex_unlock(&lock);
    return 0;
}

static uint32_t pwm_count(const struct akira_device *dev)
{
    (void)dev;
    return AKIRA_SIM_PWM_CHANNELS;
}

int32_t akira_sim_pwm_duty_ppm(unsigned channel)
{
    if (channel >= AKIRA_SIM_PWM_CHANNELS) return -1;
    pthread_mutex_lock(&lock);
    uint32_t per = ch[channel].period_ns, pul = ch[channel].pulse_ns;
    pthread_mutex_unlock(&lock);
    return per ? (int32_t)((uint64_t)pul * 1000000u / per) : 0;
}

static const struct akira_pwm_api pwm_api = {
    .set = pwm_set,
    .get = pwm_get,
    .channel_count = pwm_count,
};

AKIRA_DRIVER_DEFINE(native_sim_pwm0, AKIRA_DRIVER_PWM, "pwm0", NULL, NULL, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &pwm_api);

/*
 * fader: ramps the duty of pwm0 channel 0 from 0 to 100 % and back in 5 % steps, one
 * step every 40 ms, at 1 kHz (period 1 ms) - an LED fading in and out.
 */
#include <akira/akira.h>

#define PERIOD_NS 1000000u
#define STEP_PCT  5

static int pct, dir = 1;

static void step(void)
{
    int32_t rc = akira_pwm_set("pwm0", 4, 0, PERIOD_NS, (uint32_t)pct * (PERIOD_NS / 100));
    if (rc < 0) akira_printf("fader: pwm_set gave %d\n", (int)rc);
    if (pct % 25 == 0) akira_printf("fader: duty %d%%\n", pct);
    if (pct + dir * STEP_PCT > 100 || pct + dir * STEP_PCT < 0) dir = -dir;
    pct += dir * STEP_PCT;
}

__attribute__((export_name("main"))) int app_main(void)
{
    step();
    int32_t rc = akira_timer_start(40, 40);
    if (rc < 0) {
        akira_printf("no timer: %d\n", (int)rc);
        return 1;
    }
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type == AKIRA_EVENT_TIMER) step();
}

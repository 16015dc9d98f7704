/*
 * blink: drives the LED on gpio0 pin 13, toggling it every 250 ms with a periodic
 * timer. On native_sim the pin's level is what the shell's `gpio get 13` shows.
 */
#include <akira/akira.h>

#define LED 13

static uint32_t toggles;

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t rc = akira_gpio_configure(LED, AKIRA_GPIO_OUTPUT | AKIRA_GPIO_OUTPUT_INIT_LOW);
    if (rc < 0) {
        akira_printf("cannot drive pin %d: %d\n", LED, (int)rc);
        return 1;
    }
    if ((rc = akira_timer_start(250, 250)) < 0) {
        akira_printf("no timer: %d\n", (int)rc);
        return 1;
    }
    akira_printf("blinking pin %d\n", LED);
    return 0; /* events go to on_event from here on */
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)a, (void)b, (void)c;
    if (type == AKIRA_EVENT_TIMER) {
        akira_gpio_toggle(LED);
        toggles++;
        akira_printf("led %s\n", akira_gpio_get(LED) == 1 ? "on" : "off");
    } else if (type == AKIRA_EVENT_STOP) {
        akira_printf("stopped after %u toggles\n", (unsigned)toggles);
    }
}

/*
 * AkiraOS app SDK - module "gpio": the pins of the board's GPIO port, capability
 * "gpio", and only the pins the manifest's `gpio_pins:` names (e.g. `gpio_pins: 2,13,
 * 20-23`; without that line no pin is allowed).
 *
 * A pin number at or above the port's count (32 on native_sim) gives AKIRA_EINVAL; a
 * pin not in gpio_pins AKIRA_EACCES; a pin another running app has configured
 * AKIRA_EBUSY. Configuring a pin (or its interrupt) makes it the app's until the app
 * ends; then its interrupt is disabled and it is disconnected. Edges of a pin with an
 * interrupt enabled arrive as AKIRA_EVENT_GPIO {a = pin, b = level after the edge}
 * (akira/lifecycle.h: akira_event_wait, or an on_event handler).
 */
#ifndef AKIRA_SDK_GPIO_H
#define AKIRA_SDK_GPIO_H

#include <akira/common.h>

#define AKIRA_EVENT_GPIO 8

/* Flags for akira_gpio_configure: exactly one of INPUT / OUTPUT (neither: disconnect). */
#define AKIRA_GPIO_INPUT            (1u << 0)
#define AKIRA_GPIO_OUTPUT           (1u << 1)
#define AKIRA_GPIO_OUTPUT_INIT_LOW  (1u << 2)
#define AKIRA_GPIO_OUTPUT_INIT_HIGH (1u << 3)
#define AKIRA_GPIO_PULL_UP          (1u << 4)
#define AKIRA_GPIO_PULL_DOWN        (1u << 5)

/* Modes for akira_gpio_irq. */
enum {
    AKIRA_GPIO_IRQ_OFF = 0,
    AKIRA_GPIO_IRQ_RISING = 1,
    AKIRA_GPIO_IRQ_FALLING = 2,
    AKIRA_GPIO_IRQ_BOTH = 3,
};

/* Direction, initial level, pulls. 0, AKIRA_EINVAL (pin, unknown or conflicting
 * flags), AKIRA_EACCES, AKIRA_EBUSY, AKIRA_ENODEV. */
AKIRA_IMPORT("gpio_configure") int32_t akira_gpio_configure(int32_t pin, uint32_t flags);
/* The pin's level: 0 or 1, or an error as above. */
AKIRA_IMPORT("gpio_get") int32_t akira_gpio_get(int32_t pin);
/* Drive an output low (0) or high (any other value). AKIRA_ESTATE: not an output. */
AKIRA_IMPORT("gpio_set") int32_t akira_gpio_set(int32_t pin, int32_t value);
AKIRA_IMPORT("gpio_toggle") int32_t akira_gpio_toggle(int32_t pin);
/* Edge interrupt mode (AKIRA_GPIO_IRQ_*). 0 or an error as above. */
AKIRA_IMPORT("gpio_irq") int32_t akira_gpio_irq(int32_t pin, int32_t mode);

#endif /* AKIRA_SDK_GPIO_H */

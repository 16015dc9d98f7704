/*
 * GPIO driver class: a port of up to 32 pins (Zephyr-like).
 *
 * A board supplies one device per port (class AKIRA_DRIVER_GPIO) whose api is a
 * struct akira_gpio_api. Callers use the static inline wrappers below; they check the
 * pin number (AKIRA_EINVAL when pin >= the port's pin count) before the driver runs.
 *
 * Threads: every call may be made from any thread, none blocks for long (register
 * access). Edge callbacks run in interrupt context (on native_sim: the board's
 * interrupt thread): keep them short, do not block; they may call get/set/toggle.
 * After akira_gpio_remove_callback returns, the callback is not running and will not
 * run again.
 *
 * A pin after reset is an input without pull and without interrupt (reads 0 when
 * nothing drives it). Errors: AKIRA_EINVAL (bad pin, conflicting flags),
 * AKIRA_ESTATE (set/toggle on a pin that is not an output), AKIRA_ENOTSUP (a flag the
 * hardware cannot do), AKIRA_ENODEV (device not ready).
 */
#ifndef AKIRA_DRIVERS_GPIO_H
#define AKIRA_DRIVERS_GPIO_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

#define AKIRA_GPIO_MAX_PINS 32

/* Configure flags. Exactly one of INPUT/OUTPUT (or neither: disconnect). */
#define AKIRA_GPIO_INPUT            (1u << 0)
#define AKIRA_GPIO_OUTPUT           (1u << 1)
#define AKIRA_GPIO_OUTPUT_INIT_LOW  (1u << 2) /* with OUTPUT: start low (the default) */
#define AKIRA_GPIO_OUTPUT_INIT_HIGH (1u << 3) /* with OUTPUT: start high */
#define AKIRA_GPIO_PULL_UP          (1u << 4)
#define AKIRA_GPIO_PULL_DOWN        (1u << 5)
#define AKIRA_GPIO_OUTPUT_LOW       (AKIRA_GPIO_OUTPUT | AKIRA_GPIO_OUTPUT_INIT_LOW)
#define AKIRA_GPIO_OUTPUT_HIGH      (AKIRA_GPIO_OUTPUT | AKIRA_GPIO_OUTPUT_INIT_HIGH)

/* Interrupt modes for akira_gpio_interrupt_configure. An edge is a change of the
 * pin's level, whoever causes it (an external driver on an input, or the pin's own
 * output). */
enum akira_gpio_int_mode {
    AKIRA_GPIO_INT_DISABLE = 0,
    AKIRA_GPIO_INT_EDGE_RISING,
    AKIRA_GPIO_INT_EDGE_FALLING,
    AKIRA_GPIO_INT_EDGE_BOTH,
};

struct akira_gpio_callback;
/* pins: the mask of pins whose edges are pending (edges close together on one pin may
 * merge into one call, as with an interrupt status register). */
typedef void (*akira_gpio_callback_handler_t)(const struct akira_device *port,
                                              struct akira_gpio_callback *cb, uint32_t pins);

/* Caller-owned; must stay valid while added. Fill with akira_gpio_init_callback. */
struct akira_gpio_callback {
    struct akira_gpio_callback *next; /* driver's list link */
    akira_gpio_callback_handler_t handler;
    uint32_t pin_mask; /* pins this callback wants */
};

/* A snapshot of a port, for listings (shell, HTTP). */
struct akira_gpio_port_info {
    uint8_t pin_count;
    uint32_t inputs;   /* pins configured as input */
    uint32_t outputs;  /* pins configured as output */
    uint32_t levels;   /* current level of every pin */
    uint32_t int_mask; /* pins with an edge interrupt enabled */
};

struct akira_gpio_api {
    int (*pin_configure)(const struct akira_device *port, uint8_t pin, uint32_t flags);
    /* Levels of all pins (bit n = pin n). */
    int (*port_get)(const struct akira_device *port, uint32_t *value);
    /* Drive the output pins in mask to the bits of value; AKIRA_ESTATE if mask names a
     * pin that is not an output (nothing changes then). */
    int (*port_set_masked)(const struct akira_device *port, uint32_t mask, uint32_t value);
    int (*port_toggle)(const struct akira_device *port, uint32_t mask);
    int (*pin_interrupt_configure)(const struct akira_device *port, uint8_t pin,
                                   enum akira_gpio_int_mode mode);
    int (*add_callback)(const struct akira_device *port, struct akira_gpio_callback *cb);
    /* AKIRA_ENOENT if cb was not added. */
    int (*remove_callback)(const struct akira_device *port, struct akira_gpio_callback *cb);
    int (*port_info)(const struct akira_device *port, struct akira_gpio_port_info *out);
};

static inline const struct akira_gpio_api *akira_gpio_api_of_(const struct akira_device *port)
{
    return (port && akira_device_is_ready(port)) ? (const struct akira_gpio_api *)port->api : NULL;
}

static inline int akira_gpio_pin_check_(const struct akira_device *port, uint8_t pin)
{
    const struct akira_gpio_api *api = akira_gpio_api_of_(port);
    if (!api) return AKIRA_ENODEV;
    struct akira_gpio_port_info info;
    int rc = api->port_info(port, &info);
    if (rc != 0) return rc;
    return pin < info.pin_count ? 0 : AKIRA_EINVAL;
}

/* Configure one pin (direction, initial output level, pulls). */
static inline int akira_gpio_configure(const struct akira_device *port, uint8_t pin, uint32_t flags)
{
    int rc = akira_gpio_pin_check_(port, pin);
    return rc ? rc : akira_gpio_api_of_(port)->pin_configure(port, pin, flags);
}

/* The pin's level: 0 or 1, or a negative akira_err_t. */
static inline int akira_gpio_get(const struct akira_device *port, uint8_t pin)
{
    int rc = akira_gpio_pin_check_(port, pin);
    if (rc) return rc;
    uint32_t v;
    rc = akira_gpio_api_of_(port)->port_get(port, &v);
    return rc ? rc : (int)((v >> pin) & 1u);
}

/* Drive an output pin low (value 0) or high (any other value). */
static inline int akira_gpio_set(const struct akira_device *port, uint8_t pin, int value)
{
    int rc = akira_gpio_pin_check_(port, pin);
    return rc ? rc
              : akira_gpio_api_of_(port)->port_set_masked(port, 1u << pin,
                                                          value ? (1u << pin) : 0u);
}

static inline int akira_gpio_toggle(const struct akira_device *port, uint8_t pin)
{
    int rc = akira_gpio_pin_check_(port, pin);
    return rc ? rc : akira_gpio_api_of_(port)->port_toggle(port, 1u << pin);
}

static inline int akira_gpio_interrupt_configure(const struct akira_device *port, uint8_t pin,
                                                 enum akira_gpio_int_mode mode)
{
    int rc = akira_gpio_pin_check_(port, pin);
    if (rc) return rc;
    if ((unsigned)mode > AKIRA_GPIO_INT_EDGE_BOTH) return AKIRA_EINVAL;
    return akira_gpio_api_of_(port)->pin_interrupt_configure(port, pin, mode);
}

static inline void akira_gpio_init_callback(struct akira_gpio_callback *cb,
                                            akira_gpio_callback_handler_t handler,
                                            uint32_t pin_mask)
{
    cb->next = NULL;
    cb->handler = handler;
    cb->pin_mask = pin_mask;
}

static inline int akira_gpio_add_callback(const struct akira_device *port,
                                          struct akira_gpio_callback *cb)
{
    const struct akira_gpio_api *api = akira_gpio_api_of_(port);
    if (!api) return AKIRA_ENODEV;
    if (!cb || !cb->handler) return AKIRA_EINVAL;
    return api->add_callback(port, cb);
}

static inline int akira_gpio_remove_callback(const struct akira_device *port,
                                             struct akira_gpio_callback *cb)
{
    const struct akira_gpio_api *api = akira_gpio_api_of_(port);
    if (!api) return AKIRA_ENODEV;
    if (!cb) return AKIRA_EINVAL;
    return api->remove_callback(port, cb);
}

static inline int akira_gpio_port_info(const struct akira_device *port,
                                       struct akira_gpio_port_info *out)
{
    const struct akira_gpio_api *api = akira_gpio_api_of_(port);
    if (!api) return AKIRA_ENODEV;
    if (!out) return AKIRA_EINVAL;
    return api->port_info(port, out);
}

#endif /* AKIRA_DRIVERS_GPIO_H */

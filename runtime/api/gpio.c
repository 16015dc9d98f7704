/*
 * API module "gpio": the pins of the board's GPIO port "gpio0", capability "gpio",
 * narrowed to the manifest's `gpio_pins`.
 *
 *   gpio_configure(pin i32, flags i32) -> i32   0 | EINVAL | EACCES | EBUSY | ENODEV
 *   gpio_get(pin i32) -> i32                    0 or 1 | EINVAL | EACCES | EBUSY | ENODEV
 *   gpio_set(pin i32, value i32) -> i32         0 | ESTATE (not an output) | the above
 *   gpio_toggle(pin i32) -> i32                 same as gpio_set
 *   gpio_irq(pin i32, mode i32) -> i32          0 | EINVAL | EACCES | EBUSY | ENODEV
 *
 * flags are the driver's (akira/drivers/gpio.h: INPUT 1, OUTPUT 2, OUTPUT_INIT_LOW 4,
 * OUTPUT_INIT_HIGH 8, PULL_UP 16, PULL_DOWN 32); modes 0 off, 1 rising, 2 falling,
 * 3 both. Each edge of an enabled pin posts AKIRA_EVENT_GPIO {a = pin, b = level now}.
 *
 * Order of checks: a pin >= the port's pin count is EINVAL (a bad number, whatever the
 * manifest says); a pin not in gpio_pins is EACCES; a pin another running app has
 * configured is EBUSY. configure and irq claim the pin for the app until it ends;
 * then every claimed pin gets its interrupt disabled and is disconnected (flags 0),
 * and the app's edge callback is removed, so the next app starts from reset pins.
 */
#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/event.h>

#include "hw_util.h"

#define FLAGS_KNOWN 0x3fu

struct gpio_app {
    struct akira_app_ctx *app;     /* NULL: slot free */
    struct akira_gpio_callback cb; /* pin_mask: the app's whole gpio_pins, set once */
    _Atomic uint32_t irq_pins;     /* pins whose edges the app asked for */
    bool cb_added;
    uint32_t claimed; /* pins configured by this app */
};

static struct hw_lock lock;
static struct gpio_app slots[AKIRA_BOARD_APPS_INSTALLED_MAX];

static const struct akira_device *port(void)
{
    return akira_driver_get(AKIRA_DRIVER_GPIO, "gpio0");
}

/* On the board's interrupt thread: post one event per pending pin; never blocks. */
static void on_edge(const struct akira_device *dev, struct akira_gpio_callback *cb, uint32_t pins)
{
    struct gpio_app *g = (struct gpio_app *)((char *)cb - offsetof(struct gpio_app, cb));
    uint32_t levels = 0;
    const struct akira_gpio_api *api = akira_gpio_api_of_(dev);
    if (api) api->port_get(dev, &levels);
    for (uint32_t pin = 0; pin < AKIRA_GPIO_MAX_PINS; pin++) {
        if (!(pins & atomic_load(&g->irq_pins) & (1u << pin))) continue;
        struct akira_event e = {AKIRA_EVENT_GPIO, pin, (levels >> pin) & 1u, 0};
        akira_evq_post(g->app->evq, &e);
    }
}

/* Checks pin for app; with claim, records it as the app's. Returns 0 and *out; *fresh
 * (when given) says the pin was not the app's before this call. */
static int pin_check(struct akira_app_ctx *app, int32_t pin, bool claim, struct gpio_app **out,
                     bool *fresh)
{
    if (fresh) *fresh = false;
    const struct akira_device *dev = port();
    struct akira_gpio_port_info info;
    if (!dev || akira_gpio_port_info(dev, &info) != 0) return AKIRA_ENODEV;
    if (pin < 0 || pin >= info.pin_count) return AKIRA_EINVAL;
    if (!akira_manifest_gpio_allowed(app->manifest, (uint32_t)pin))
        return hw_deny(app, "gpio0 pin %d is not in the manifest's gpio_pins", (int)pin);
    if (!hw_lock(&lock)) return AKIRA_ENOMEM;
    struct gpio_app *mine = NULL, *free_slot = NULL;
    int rc = 0;
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        struct gpio_app *g = &slots[i];
        if (g->app == app)
            mine = g;
        else if (!g->app && !free_slot)
            free_slot = g;
        else if (g->app && (g->claimed & (1u << pin)))
            rc = AKIRA_EBUSY;
    }
    if (rc == 0 && claim && !mine) {
        if (!free_slot) {
            rc = AKIRA_ENOSPC;
        } else {
            mine = free_slot;
            mine->app = app;
            mine->claimed = 0;
            mine->cb_added = false;
            atomic_store(&mine->irq_pins, 0);
        }
    }
    if (fresh) *fresh = rc == 0 && claim && !(mine->claimed & (1u << pin));
    if (rc == 0 && claim) mine->claimed |= 1u << pin;
    hw_unlock(&lock);
    if (out) *out = mine;
    return rc;
}

/* Undoes the claim of a call the driver refused: a refused call changes nothing, so
 * the pin is not reset at the app's end (someone else, the shell, may have set it up). */
static void pin_unclaim(struct gpio_app *g, int32_t pin)
{
    if (!hw_lock(&lock)) return;
    g->claimed &= ~(1u << pin);
    hw_unlock(&lock);
}

static aw_status api_configure(struct akira_app_ctx *app, aw_val *io)
{
    int32_t pin = io[0].i32;
    uint32_t flags = io[1].u32;
    if (flags & ~FLAGS_KNOWN) return hw_ret(io, AKIRA_EINVAL);
    struct gpio_app *g = NULL;
    bool fresh = false;
    int rc = pin_check(app, pin, true, &g, &fresh);
    if (rc == 0) rc = akira_gpio_configure(port(), (uint8_t)pin, flags);
    if (rc && fresh) pin_unclaim(g, pin);
    return hw_ret(io, rc);
}

static aw_status api_get(struct akira_app_ctx *app, aw_val *io)
{
    int32_t pin = io[0].i32;
    int rc = pin_check(app, pin, false, NULL, NULL);
    return hw_ret(io, rc ? rc : akira_gpio_get(port(), (uint8_t)pin));
}

static aw_status api_set(struct akira_app_ctx *app, aw_val *io)
{
    int32_t pin = io[0].i32;
    int rc = pin_check(app, pin, false, NULL, NULL);
    return hw_ret(io, rc ? rc : akira_gpio_set(port(), (uint8_t)pin, io[1].i32 != 0));
}

static aw_status api_toggle(struct akira_app_ctx *app, aw_val *io)
{
    int32_t pin = io[0].i32;
    int rc = pin_check(app, pin, false, NULL, NULL);
    return hw_ret(io, rc ? rc : akira_gpio_toggle(port(), (uint8_t)pin));
}

static aw_status api_irq(struct akira_app_ctx *app, aw_val *io)
{
    int32_t pin = io[0].i32, mode = io[1].i32;
    if (mode < AKIRA_GPIO_INT_DISABLE || mode > AKIRA_GPIO_INT_EDGE_BOTH)
        return hw_ret(io, AKIRA_EINVAL);
    struct gpio_app *g;
    int rc = pin_check(app, pin, true, &g, NULL);
    if (rc) return hw_ret(io, rc);
    const struct akira_device *dev = port();
    /* The driver's callback mask is fixed at add time (the driver reads it from its
     * interrupt thread); which of those pins the app wants is the atomic irq_pins,
     * set before the interrupt is enabled and cleared after it is disabled. */
    if (!g->cb_added) {
        akira_gpio_init_callback(&g->cb, on_edge, app->manifest->gpio_pins);
        rc = akira_gpio_add_callback(dev, &g->cb);
        if (rc) return hw_ret(io, rc);
        g->cb_added = true;
    }
    if (mode != AKIRA_GPIO_INT_DISABLE) atomic_fetch_or(&g->irq_pins, 1u << pin);
    rc = akira_gpio_interrupt_configure(dev, (uint8_t)pin, (enum akira_gpio_int_mode)mode);
    if (mode == AKIRA_GPIO_INT_DISABLE || rc) atomic_fetch_and(&g->irq_pins, ~(1u << pin));
    return hw_ret(io, rc);
}

static void gpio_app_end(struct akira_app_ctx *app)
{
    if (!atomic_load(&lock.m) || !hw_lock(&lock)) return;
    const struct akira_device *dev = port();
    for (size_t i = 0; i < AKIRA_BOARD_APPS_INSTALLED_MAX; i++) {
        struct gpio_app *g = &slots[i];
        if (g->app != app) continue;
        for (uint8_t pin = 0; pin < AKIRA_GPIO_MAX_PINS; pin++) {
            if (!(g->claimed & (1u << pin))) continue;
            akira_gpio_interrupt_configure(dev, pin, AKIRA_GPIO_INT_DISABLE);
            akira_gpio_configure(dev, pin, 0);
        }
        if (g->cb_added) akira_gpio_remove_callback(dev, &g->cb);
        memset(g, 0, sizeof(*g));
    }
    hw_unlock(&lock);
}

static const struct akira_bridge_entry entries[] = {
    {"gpio_configure", "(ii)i", AKIRA_CAP_GPIO, api_configure},
    {"gpio_get", "(i)i", AKIRA_CAP_GPIO, api_get},
    {"gpio_set", "(ii)i", AKIRA_CAP_GPIO, api_set},
    {"gpio_toggle", "(i)i", AKIRA_CAP_GPIO, api_toggle},
    {"gpio_irq", "(ii)i", AKIRA_CAP_GPIO, api_irq},
};

const struct akira_bridge_module akira_api_gpio = {
    .name = "gpio",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = gpio_app_end,
};

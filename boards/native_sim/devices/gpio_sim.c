/*
 * native_sim "gpio0": 32 pins. A pin's level is its own output when it is an output,
 * else what the outside drives (akira_sim_gpio_drive), else its pull (floating: 0).
 * Edge detection works like an interrupt status register: a level change on a pin
 * with an enabled edge sets its pending bit; the board's interrupt thread (a plain
 * host thread, the simulated interrupt controller) takes the pending bits and calls
 * the callbacks whose pin mask matches, outside the state lock.
 */
#include <pthread.h>
#include <stdbool.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/gpio.h>
#include <akira/err.h>

#include "sim.h"

AKIRA_DEVICE_DECLARE(native_sim_gpio0);

struct pin {
    bool input, output, pull_up, pull_down;
    bool out_level;
    int ext; /* AKIRA_SIM_GPIO_FLOAT, 0 or 1 */
    enum akira_gpio_int_mode irq;
};

static struct {
    pthread_mutex_t lock;    /* pin state, pending */
    pthread_mutex_t cb_lock; /* callback list and delivery (recursive) */
    pthread_cond_t cond;
    struct pin pins[AKIRA_SIM_GPIO_PINS];
    uint32_t levels; /* last computed level of every pin */
    uint32_t pending;
    struct akira_gpio_callback *callbacks;
    bool thread_up;
} g = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static bool level_of(const struct pin *p)
{
    if (p->output) return p->out_level;
    if (p->input && p->ext != AKIRA_SIM_GPIO_FLOAT) return p->ext;
    return p->pull_up && !p->pull_down;
}

/* Recomputes the levels after a change, latching edges; lock held. */
static void update_locked(void)
{
    uint32_t now = 0;
    for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++)
        if (level_of(&g.pins[i])) now |= 1u << i;
    uint32_t changed = now ^ g.levels;
    uint32_t fire = 0;
    for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++) {
        if (!(changed & (1u << i))) continue;
        bool rising = now & (1u << i);
        enum akira_gpio_int_mode m = g.pins[i].irq;
        if (m == AKIRA_GPIO_INT_EDGE_BOTH || (m == AKIRA_GPIO_INT_EDGE_RISING && rising) ||
            (m == AKIRA_GPIO_INT_EDGE_FALLING && !rising))
            fire |= 1u << i;
    }
    g.levels = now;
    if (fire) {
        g.pending |= fire;
        pthread_cond_signal(&g.cond);
    }
}

static void *irq_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g.lock);
    for (;;) {
        while (!g.pending)
            pthread_cond_wait(&g.cond, &g.lock);
        uint32_t pins = g.pending;
        g.pending = 0;
        pthread_mutex_unlock(&g.lock);
        pthread_mutex_lock(&g.cb_lock);
        struct akira_gpio_callback *cb = g.callbacks;
        while (cb) {
            struct akira_gpio_callback *next = cb->next; /* cb may remove itself */
            if (cb->pin_mask & pins)
                cb->handler(AKIRA_DEVICE_GET(native_sim_gpio0), cb, cb->pin_mask & pins);
            cb = next;
        }
        pthread_mutex_unlock(&g.cb_lock);
        pthread_mutex_lock(&g.lock);
    }
    return NULL;
}

static int gpio_init(const struct akira_device *dev)
{
    (void)dev;
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    int rc = pthread_mutex_init(&g.cb_lock, &a);
    pthread_mutexattr_destroy(&a);
    if (rc != 0) return AKIRA_ENOMEM;
    pthread_mutex_lock(&g.lock);
    for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++)
        g.pins[i] = (struct pin){.input = true, .ext = AKIRA_SIM_GPIO_FLOAT};
    g.levels = 0;
    pthread_mutex_unlock(&g.lock);
    pthread_t t;
    if (pthread_create(&t, NULL, irq_thread, NULL) != 0) return AKIRA_EAGAIN;
    pthread_detach(t);
    g.thread_up = true;
    return 0;
}

static int gpio_configure(const struct akira_device *dev, uint8_t pin, uint32_t flags)
{
    (void)dev;
    const uint32_t known = AKIRA_GPIO_INPUT | AKIRA_GPIO_OUTPUT | AKIRA_GPIO_OUTPUT_INIT_LOW |
                           AKIRA_GPIO_OUTPUT_INIT_HIGH | AKIRA_GPIO_PULL_UP | AKIRA_GPIO_PULL_DOWN;
    if (pin >= AKIRA_SIM_GPIO_PINS || (flags & ~known)) return AKIRA_EINVAL;
    bool in = flags & AKIRA_GPIO_INPUT, out = flags & AKIRA_GPIO_OUTPUT;
    if ((in && out) || ((flags & AKIRA_GPIO_PULL_UP) && (flags & AKIRA_GPIO_PULL_DOWN)) ||
        ((flags & AKIRA_GPIO_OUTPUT_INIT_LOW) && (flags & AKIRA_GPIO_OUTPUT_INIT_HIGH)) ||
        (!out && (flags & (AKIRA_GPIO_OUTPUT_INIT_LOW | AKIRA_GPIO_OUTPUT_INIT_HIGH))))
        return AKIRA_EINVAL;
    pthread_mutex_lock(&g.lock);
    struct pin *p = &g.pins[pin];
    p->input = in;
    p->output = out;
    p->pull_up = flags & AKIRA_GPIO_PULL_UP;
    p->pull_down = flags & AKIRA_GPIO_PULL_DOWN;
    if (out) p->out_level = (flags & AKIRA_GPIO_OUTPUT_INIT_HIGH) != 0;
    update_locked();
    pthread_mutex_unlock(&g.lock);
    return 0;
}

static int gpio_port_get(const struct akira_device *dev, uint32_t *value)
{
    (void)dev;
    if (!value) return AKIRA_EINVAL;
    pthread_mutex_lock(&g.lock);
    *value = g.levels;
    pthread_mutex_unlock(&g.lock);
    return 0;
}

static uint32_t outputs_locked(void)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++)
        if (g.pins[i].output) m |= 1u << i;
    return m;
}

static int gpio_set_masked(const struct akira_device *dev, uint32_t mask, uint32_t value)
{
    (void)dev;
    pthread_mutex_lock(&g.lock);
    int rc = 0;
    if (mask & ~outputs_locked()) {
        rc = AKIRA_ESTATE;
    } else {
        for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++)
            if (mask & (1u << i)) g.pins[i].out_level = (value >> i) & 1u;
        update_locked();
    }
    pthread_mutex_unlock(&g.lock);
    return rc;
}

static int gpio_toggle(const struct akira_device *dev, uint32_t mask)
{
    (void)dev;
    pthread_mutex_lock(&g.lock);
    int rc = 0;
    if (mask & ~outputs_locked()) {
        rc = AKIRA_ESTATE;
    } else {
        for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++)
            if (mask & (1u << i)) g.pins[i].out_level = !g.pins[i].out_level;
        update_locked();
    }
    pthread_mutex_unlock(&g.lock);
    return rc;
}

static int gpio_irq_configure(const struct akira_device *dev, uint8_t pin,
                              enum akira_gpio_int_mode mode)
{
    (void)dev;
    if (pin >= AKIRA_SIM_GPIO_PINS || (unsigned)mode > AKIRA_GPIO_INT_EDGE_BOTH)
        return AKIRA_EINVAL;
    pthread_mutex_lock(&g.lock);
    g.pins[pin].irq = mode;
    if (mode == AKIRA_GPIO_INT_DISABLE) g.pending &= ~(1u << pin);
    pthread_mutex_unlock(&g.lock);
    return 0;
}

static int gpio_add_callback(const struct akira_device *dev, struct akira_gpio_callback *cb)
{
    (void)dev;
    pthread_mutex_lock(&g.cb_lock);
    int rc = 0;
    for (struct akira_gpio_callback *c = g.callbacks; c; c = c->next)
        if (c == cb) rc = AKIRA_EEXIST;
    if (rc == 0) {
        cb->next = g.callbacks;
        g.callbacks = cb;
    }
    pthread_mutex_unlock(&g.cb_lock);
    return rc;
}

static int gpio_remove_callback(const struct akira_device *dev, struct akira_gpio_callback *cb)
{
    (void)dev;
    /* cb_lock is held while callbacks run, so once we hold it none is running. */
    pthread_mutex_lock(&g.cb_lock);
    int rc = AKIRA_ENOENT;
    for (struct akira_gpio_callback **pp = &g.callbacks; *pp; pp = &(*pp)->next) {
        if (*pp != cb) continue;
        *pp = cb->next;
        cb->next = NULL;
        rc = 0;
        break;
    }
    pthread_mutex_unlock(&g.cb_lock);
    return rc;
}

static int gpio_port_info(const struct akira_device *dev, struct akira_gpio_port_info *out)
{
    (void)dev;
    if (!out) return AKIRA_EINVAL;
    pthread_mutex_lock(&g.lock);
    *out = (struct akira_gpio_port_info){.pin_count = AKIRA_SIM_GPIO_PINS, .levels = g.levels};
    for (unsigned i = 0; i < AKIRA_SIM_GPIO_PINS; i++) {
        if (g.pins[i].input) out->inputs |= 1u << i;
        if (g.pins[i].output) out->outputs |= 1u << i;
        if (g.pins[i].irq != AKIRA_GPIO_INT_DISABLE) out->int_mask |= 1u << i;
    }
    pthread_mutex_unlock(&g.lock);
    return 0;
}

int akira_sim_gpio_drive(unsigned pin, int level)
{
    if (pin >= AKIRA_SIM_GPIO_PINS || (level != 0 && level != 1 && level != AKIRA_SIM_GPIO_FLOAT))
        return AKIRA_EINVAL;
    pthread_mutex_lock(&g.lock);
    g.pins[pin].ext = level;
    update_locked();
    pthread_mutex_unlock(&g.lock);
    return 0;
}

static const struct akira_gpio_api gpio_api = {
    .pin_configure = gpio_configure,
    .port_get = gpio_port_get,
    .port_set_masked = gpio_set_masked,
    .port_toggle = gpio_toggle,
    .pin_interrupt_configure = gpio_irq_configure,
    .add_callback = gpio_add_callback,
    .remove_callback = gpio_remove_callback,
    .port_info = gpio_port_info,
};

AKIRA_DRIVER_DEFINE(native_sim_gpio0, AKIRA_DRIVER_GPIO, "gpio0", gpio_init, NULL, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &gpio_api);

/*
 * Device registry: build-time devices from the "akira_device" linker section plus a
 * list of run-time registered ones. Init order is computed on the fly (repeated
 * minimum search) because device counts are small and it needs no allocation.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <akira/device.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>

#include "kernel_internal.h"

AKIRA_LOG_MODULE_REGISTER(device);

extern const struct akira_device __start_akira_device[] __attribute__((weak));
extern const struct akira_device __stop_akira_device[] __attribute__((weak));

static akira_once_t dev_once = AKIRA_ONCE_INIT;
static akira_mutex_t *dev_lock; /* guards the run-time list and device states */
static const struct akira_device *rt_head, *rt_tail;

static void dev_init_lock(void)
{
    if (akira_mutex_create(&dev_lock) != 0) __builtin_trap();
}

static void dev_ready(void)
{
    akira_once(&dev_once, dev_init_lock);
}

static bool is_static(const struct akira_device *dev)
{
    return __start_akira_device != NULL && dev >= __start_akira_device && dev < __stop_akira_device;
}

/* Calls fn(dev, ctx) for all devices in the documented order until it returns true. */
static const struct akira_device *dev_find_if(bool (*fn)(const struct akira_device *, const void *),
                                              const void *ctx)
{
    if (__start_akira_device != NULL)
        for (const struct akira_device *d = __start_akira_device; d < __stop_akira_device; d++)
            if (fn(d, ctx)) return d;
    for (const struct akira_device *d = rt_head; d; d = d->state->next)
        if (fn(d, ctx)) return d;
    return NULL;
}

static bool name_is(const struct akira_device *d, const void *name)
{
    return d->name != NULL && strcmp(d->name, name) == 0;
}

int akira_device_register(const struct akira_device *dev)
{
    if (dev == NULL || dev->name == NULL || dev->state == NULL ||
        dev->level >= AKIRA_INIT_LEVEL_COUNT_)
        return AKIRA_EINVAL;
    dev_ready();
    akira_mutex_lock(dev_lock, AKIRA_FOREVER);
    int rc = 0;
    if (dev_find_if(name_is, dev->name) != NULL) {
        rc = AKIRA_EEXIST;
    } else {
        dev->state->initialized = false;
        dev->state->init_result = 0;
        dev->state->next = NULL;
        if (rt_tail)
            rt_tail->state->next = dev;
        else
            rt_head = dev;
        rt_tail = dev;
    }
    akira_mutex_unlock(dev_lock);
    return rc;
}

int akira_device_unregister(const struct akira_device *dev)
{
    if (dev == NULL) return AKIRA_EINVAL;
    if (is_static(dev)) return AKIRA_EPERM;
    dev_ready();
    akira_mutex_lock(dev_lock, AKIRA_FOREVER);
    int rc = AKIRA_ENOENT;
    const struct akira_device *prev = NULL;
    for (const struct akira_device *d = rt_head; d; prev = d, d = d->state->next) {
        if (d != dev) continue;
        if (prev)
            prev->state->next = d->state->next;
        else
            rt_head = d->state->next;
        if (rt_tail == d) rt_tail = prev;
        rc = 0;
        break;
    }
    akira_mutex_unlock(dev_lock);
    return rc;
}

const struct akira_device *akira_device_get(const char *name)
{
    if (name == NULL) return NULL;
    dev_ready();
    akira_mutex_lock(dev_lock, AKIRA_FOREVER);
    const struct akira_device *d = dev_find_if(name_is, name);
    akira_mutex_unlock(dev_lock);
    return d;
}

bool akira_device_is_ready(const struct akira_device *dev)
{
    if (dev == NULL || dev->state == NULL) return false;
    dev_ready();
    akira_mutex_lock(dev_lock, AKIRA_FOREVER);
    bool ready = dev->state->initialized && dev->state->init_result == 0;
    akira_mutex_unlock(dev_lock);
    return ready;
}

/* The lock is held across the driver's init so that a device is never initialised
 * twice; it is recursive, so an init may look up other devices. */
static int dev_init_locked(const struct akira_device *dev)
{
    if (dev->state->initialized) return dev->state->init_result;
    int rc = dev->init ? dev->init(dev) : 0;
    dev->state->initialized = true;
    dev->state->init_result = rc;
    if (rc == AKIRA_ENODEV) /* the hardware is absent on this run: not a failure */
        AKIRA_LOG_DBG("%s: absent", dev->name);
    else if (rc != 0)
        AKIRA_LOG_ERR("%s: init failed: %s", dev->name, akira_err_str(rc));
    else
        AKIRA_LOG_DBG("%s: ready", dev->name);
    return rc;
}

int akira_device_init(const struct akira_device *dev)
{
    if (dev == NULL || dev->state == NULL) return AKIRA_EINVAL;
    dev_ready();
    akira_mutex_lock(dev_lock, AKIRA_FOREVER);
    int rc = dev_init_locked(dev);
    akira_mutex_unlock(dev_lock);
    return rc;
}

struct pick {
    unsigned level;
    int best_prio;
    const struct akira_device *best;
};

/* Remember the first not-yet-initialised device of the level with the lowest
 * priority; never "found" so dev_find_if visits every device. */
static bool pick_next(const struct akira_device *d, const void *ctx)
{
    struct pick *p = (struct pick *)ctx;
    if (d->level == p->level && !d->state->initialized && (int)d->priority < p->best_prio) {
        p->best_prio = d->priority;
        p->best = d;
    }
    return false;
}

int akira_device_init_all(enum akira_init_level level)
{
    if ((unsigned)level >= AKIRA_INIT_LEVEL_COUNT_) return AKIRA_EINVAL;
    dev_ready();
    akira_mutex_lock(dev_lock, AKIRA_FOREVER);
    int failed = 0;
    for (;;) {
        struct pick p = {.level = level, .best_prio = 256, .best = NULL};
        dev_find_if(pick_next, &p);
        if (p.best == NULL) break;
        int rc = dev_init_locked(p.best);
        if (rc != 0 && rc != AKIRA_ENODEV) failed++;
    }
    akira_mutex_unlock(dev_lock);
    return failed;
}

const char *akira_init_level_name(enum akira_init_level level)
{
    static const char *const names[] = {"pre-kernel", "post-kernel", "application"};
    return (unsigned)level < AKIRA_INIT_LEVEL_COUNT_ ? names[level] : "?";
}

struct boot_report {
    enum akira_init_level level;
    akira_device_report_fn report;
    void *user;
    int failed;
};

static void boot_report_one(const struct akira_device *dev, void *user)
{
    struct boot_report *r = user;
    if (dev->level != r->level) return;
    int rc = akira_device_init_result(dev);
    if (rc != 0 && rc != AKIRA_ENODEV) r->failed++; /* ENODEV: absent, not broken */
    if (!r->report) return;
    char what[AKIRA_DEVICE_NAME_MAX + 32];
    snprintf(what, sizeof(what), "device %s (%s)", dev->name, akira_init_level_name(r->level));
    r->report(what, rc, r->user);
}

bool akira_device_boot_level(enum akira_init_level level, akira_device_report_fn report, void *user)
{
    if ((unsigned)level >= AKIRA_INIT_LEVEL_COUNT_) return false;
    akira_device_init_all(level);
    struct boot_report r = {level, report, user, 0};
    akira_device_foreach(boot_report_one, &r);
    if (r.failed == 0) return true;
    if (level == AKIRA_INIT_PRE_KERNEL) return false;
    AKIRA_LOG_WRN("%d %s device(s) failed to initialise; booting without them", r.failed,
                  akira_init_level_name(level));
    return true;
}

int akira_device_init_result(const struct akira_device *dev)
{
    if (dev == NULL || dev->state == NULL) return AKIRA_EINVAL;
    dev_ready();
    akira_mutex_lock(dev_lock, AKIRA_FOREVER);
    int rc = dev->state->initialized ? dev->state->init_result : AKIRA_ESTATE;
    akira_mutex_unlock(dev_lock);
    return rc;
}

size_t akira_device_foreach(akira_device_cb cb, void *user)
{
    dev_ready();
    akira_mutex_lock(dev_lock, AKIRA_FOREVER);
    size_t n = 0;
    if (__start_akira_device != NULL)
        for (const struct akira_device *d = __start_akira_device; d < __stop_akira_device; d++, n++)
            if (cb) cb(d, user);
    for (const struct akira_device *d = rt_head; d; d = d->state->next, n++)
        if (cb) cb(d, user);
    akira_mutex_unlock(dev_lock);
    return n;
}

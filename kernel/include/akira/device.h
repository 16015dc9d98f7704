/*
 * Device (driver) registry, after Zephyr's device model.
 *
 * A driver instance is a const struct akira_device: a unique name, an API table (a
 * struct of function pointers defined by the device class, e.g. akira_hwwdt_api), its
 * private data and config, and an init function run once at boot at its init level,
 * in ascending priority within the level.
 *
 * Two ways to register:
 *  - at build time with AKIRA_DEVICE_DEFINE, which places the descriptor in the linker
 *    section "akira_device" (found through __start_/__stop_ symbols, no call needed);
 *  - at run time with akira_device_register (e.g. devices discovered on a bus).
 *
 * LINKING RULE: the linker only pulls an object file out of a static library when
 * something references a symbol in it. A .c file that only defines devices is never
 * referenced, so its devices silently vanish. Either (a) build drivers into an OBJECT
 * library or directly into the executable, or (b) link their static library whole:
 *     target_link_libraries(app PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,my_drivers>")
 * or (c) reference the device by id with AKIRA_DEVICE_GET(id). The kernel's tests prove
 * (b) works.
 *
 * Boot order expected by the kernel: akira_device_init_all(AKIRA_INIT_PRE_KERNEL),
 * akira_kernel_init(), then akira_device_init_all for POST_KERNEL and APPLICATION.
 * Lookups may be called from any thread; init_all from one thread at boot.
 */
#ifndef AKIRA_DEVICE_H
#define AKIRA_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum akira_init_level {
    AKIRA_INIT_PRE_KERNEL = 0, /* before akira_kernel_init: no threads, timers, work */
    AKIRA_INIT_POST_KERNEL = 1,
    AKIRA_INIT_APPLICATION = 2,
    AKIRA_INIT_LEVEL_COUNT_
};

#define AKIRA_DEVICE_NAME_MAX 32 /* bytes incl. NUL */

/* Run-time state of a device; private to the registry. */
struct akira_device_state {
    int init_result;                 /* result of init; valid when initialized */
    bool initialized;                /* init was attempted */
    const struct akira_device *next; /* run-time registered list */
};

struct akira_device {
    const char *name;   /* unique; lookups compare it with strcmp */
    const void *api;    /* class API table, cast by the class header's helpers */
    void *data;         /* driver's mutable per-instance data */
    const void *config; /* driver's constant per-instance config */
    /* Bring the device up; 0 or a negative akira_err_t. NULL: nothing to do. */
    int (*init)(const struct akira_device *dev);
    uint8_t level;    /* enum akira_init_level */
    uint8_t priority; /* 0..255, lower first within a level */
    struct akira_device_state *state;
};

/* Define a device at build time. `id` is a C identifier unique in the program; the
 * descriptor is the global `akira_device_<id>`. */
#define AKIRA_DEVICE_DEFINE(id, dev_name, init_fn, data_ptr, config_ptr, init_level, prio,         \
                            api_ptr)                                                               \
    static struct akira_device_state akira_device_state_##id;                                      \
    const struct akira_device akira_device_##id                                                    \
        __attribute__((used, section("akira_device"), aligned(sizeof(void *)))) = {                \
            .name = (dev_name),                                                                    \
            .api = (api_ptr),                                                                      \
            .data = (data_ptr),                                                                    \
            .config = (config_ptr),                                                                \
            .init = (init_fn),                                                                     \
            .level = (init_level),                                                                 \
            .priority = (prio),                                                                    \
            .state = &akira_device_state_##id,                                                     \
    }

/* Reference a build-time device by id (this also forces the linker to keep it). */
#define AKIRA_DEVICE_DECLARE(id) extern const struct akira_device akira_device_##id
#define AKIRA_DEVICE_GET(id)     (&akira_device_##id)

/*
 * Register dev at run time. dev and dev->state must stay valid until unregistered.
 * It is not initialised here: call akira_device_init if its level already ran.
 * 0, AKIRA_EINVAL (no name/state, bad level), AKIRA_EEXIST (name taken).
 */
int akira_device_register(const struct akira_device *dev);

/* Remove a run-time registered device. 0 or AKIRA_ENOENT. Build-time devices cannot
 * be removed (AKIRA_EPERM). The caller ensures nobody still uses it. */
int akira_device_unregister(const struct akira_device *dev);

/* Find a device by name, ready or not; NULL if none. */
const struct akira_device *akira_device_get(const char *name);

/* True if dev's init ran and succeeded (a device without init is ready once its level
 * ran or akira_device_init was called). */
bool akira_device_is_ready(const struct akira_device *dev);

/* Initialise one device now if not done yet; returns its (possibly earlier) init
 * result. Init runs at most once per device. */
int akira_device_init(const struct akira_device *dev);

/*
 * Initialise every not-yet-initialised device of `level`, build-time and run-time
 * ones together, by ascending priority (ties: build-time first, in link order).
 * A failing init is recorded and logged; the others still run. Returns the number of
 * devices whose init failed (0 = all good), or AKIRA_EINVAL for a bad level. An init
 * answering AKIRA_ENODEV (hardware absent on this run) leaves its device not ready but
 * is not counted.
 */
int akira_device_init_all(enum akira_init_level level);

/* The recorded init result of dev, or AKIRA_ESTATE if its init has not run. */
int akira_device_init_result(const struct akira_device *dev);

/* Calls cb for every device (build-time in link order, then run-time in registration
 * order). Returns the number of devices. cb must not register or unregister. */
typedef void (*akira_device_cb)(const struct akira_device *dev, void *user);
size_t akira_device_foreach(akira_device_cb cb, void *user);

/* "pre-kernel", "post-kernel", "application" ("?" for anything else). */
const char *akira_init_level_name(enum akira_init_level level);

/*
 * A board's boot step for one level: akira_device_init_all(level), then report(what,
 * rc, user) for every device of that level (what = "device NAME (LEVEL)", rc its init
 * result), in registry order, for the board's status lines. A pre-kernel device is one
 * the system cannot run without: returns false when one failed. A device of a later
 * level that failed stays not ready (its lookups answer AKIRA_ENODEV), a warning is
 * logged and the answer is true: the rest of the device boots. An init that answers
 * AKIRA_ENODEV says the hardware is absent on this run (e.g. native_sim's radio without
 * --radio): it stays not ready and is reported, but is no failure. False for a bad level.
 */
typedef void (*akira_device_report_fn)(const char *what, int rc, void *user);
bool akira_device_boot_level(enum akira_init_level level, akira_device_report_fn report,
                             void *user);

#endif /* AKIRA_DEVICE_H */

/*
 * Power driver class: the battery (voltage, state of charge, charger state) and sleep
 * requests.
 *
 * Threads: any thread. battery_get does not block. sleep_request blocks the calling
 * thread for the sleep and returns when the device is awake again; other threads keep
 * running on native_sim, on hardware the scheduler decides what runs.
 * Errors: AKIRA_EINVAL (NULL out, unknown mode, zero duration), AKIRA_ENOTSUP (a
 * sleep mode the device does not have), AKIRA_ENODEV (not ready).
 */
#ifndef AKIRA_DRIVERS_POWER_H
#define AKIRA_DRIVERS_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

enum akira_power_charge_state {
    AKIRA_POWER_DISCHARGING = 0, /* no charger: running from the battery */
    AKIRA_POWER_CHARGING,        /* charger connected, current flows into the cell */
    AKIRA_POWER_FULL,            /* charger connected, cell full (charge terminated) */
};

enum akira_power_sleep_mode {
    AKIRA_POWER_SLEEP_LIGHT = 0, /* CPU stopped, RAM and peripherals kept; resumes here */
    AKIRA_POWER_SLEEP_DEEP,      /* everything but the RTC off; wakes through a reset */
};

struct akira_power_battery {
    uint32_t voltage_mv; /* terminal voltage now (under the present load) */
    uint8_t percent;     /* state of charge, 0..100 */
    int32_t current_ma;  /* > 0 into the cell (charging), < 0 out of it */
    enum akira_power_charge_state state;
};

struct akira_power_api {
    int (*battery_get)(const struct akira_device *dev, struct akira_power_battery *out);
    int (*sleep_request)(const struct akira_device *dev, enum akira_power_sleep_mode mode,
                         uint32_t duration_ms);
};

static inline const struct akira_power_api *akira_power_api_of_(const struct akira_device *dev)
{
    return (dev && akira_device_is_ready(dev)) ? (const struct akira_power_api *)dev->api : NULL;
}

static inline int akira_power_battery_get(const struct akira_device *dev,
                                          struct akira_power_battery *out)
{
    const struct akira_power_api *api = akira_power_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    return out ? api->battery_get(dev, out) : AKIRA_EINVAL;
}

static inline int akira_power_sleep_request(const struct akira_device *dev,
                                            enum akira_power_sleep_mode mode, uint32_t duration_ms)
{
    const struct akira_power_api *api = akira_power_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if ((unsigned)mode > AKIRA_POWER_SLEEP_DEEP || duration_ms == 0) return AKIRA_EINVAL;
    return api->sleep_request(dev, mode, duration_ms);
}

/* "discharging", "charging", "full". */
static inline const char *akira_power_charge_state_name(enum akira_power_charge_state s)
{
    return s == AKIRA_POWER_CHARGING ? "charging" : s == AKIRA_POWER_FULL ? "full" : "discharging";
}

#endif /* AKIRA_DRIVERS_POWER_H */

/*
 * AkiraOS app SDK - module "power": battery and sleep, capability "power".
 *
 * Every call can give AKIRA_ENODEV when the board has no power device.
 */
#ifndef AKIRA_SDK_POWER_H
#define AKIRA_SDK_POWER_H

#include <akira/common.h>

enum { AKIRA_POWER_DISCHARGING = 0, AKIRA_POWER_CHARGING = 1, AKIRA_POWER_FULL = 2 };
enum { AKIRA_POWER_SLEEP_LIGHT = 0, AKIRA_POWER_SLEEP_DEEP = 1 };

struct akira_power_battery {
    uint32_t voltage_mv; /* terminal voltage under the present load */
    uint32_t percent;    /* state of charge 0..100 */
    int32_t current_ma;  /* > 0 charging, < 0 discharging */
    uint32_t state;      /* AKIRA_POWER_DISCHARGING / CHARGING / FULL */
};

/* 0 and *out, AKIRA_EFAULT. */
AKIRA_IMPORT("power_battery") int32_t akira_power_battery(struct akira_power_battery *out);
/* State of charge 0..100. */
AKIRA_IMPORT("power_level") int32_t akira_power_level(void);
/* AKIRA_POWER_DISCHARGING, _CHARGING or _FULL. */
AKIRA_IMPORT("power_charging") int32_t akira_power_charging(void);
/* Light sleep for ms (1..60000) milliseconds: 0 when awake again; AKIRA_EINVAL; deep
 * sleep resets the device, so apps get AKIRA_EPERM for it. A stop ends the sleep. */
AKIRA_IMPORT("power_sleep") int32_t akira_power_sleep(int32_t mode, int32_t ms);

#endif /* AKIRA_SDK_POWER_H */

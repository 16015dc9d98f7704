/*
 * Helpers for the native_sim driver tests: bring the board's devices up once, wait
 * for asynchronous events with a generous limit (sanitizers and a loaded machine slow
 * threads down; the assertions check what happened, not how fast).
 */
#ifndef TESTS_DRIVERS_DRV_TEST_H
#define TESTS_DRIVERS_DRV_TEST_H

#include <stdatomic.h>
#include <stdbool.h>

#include <akira/device.h>
#include <akira/kernel.h>
#include <akira/thread.h>

static inline int drv_boot(bool with_sensors)
{
    if (akira_kernel_init() != 0) return -1;
    if (akira_device_init_all(AKIRA_INIT_POST_KERNEL) != 0) return -1;
    if (with_sensors && akira_device_init_all(AKIRA_INIT_APPLICATION) != 0) return -1;
    return 0;
}

static inline int drv_boot_group(void **state)
{
    (void)state;
    return drv_boot(false);
}

static inline int drv_boot_group_sensors(void **state)
{
    (void)state;
    return drv_boot(true);
}

static inline int drv_shutdown_group(void **state)
{
    (void)state;
    akira_kernel_shutdown();
    return 0;
}

/* Waits until *counter >= want, at most limit_ms; returns whether it got there. */
static inline bool drv_wait_count(atomic_int *counter, int want, unsigned limit_ms)
{
    for (unsigned t = 0; t < limit_ms; t += 2) {
        if (atomic_load(counter) >= want) return true;
        akira_sleep_ms(2);
    }
    return atomic_load(counter) >= want;
}

#endif /* TESTS_DRIVERS_DRV_TEST_H */

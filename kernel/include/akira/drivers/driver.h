/*
 * Driver classes: which devices of the registry (akira/device.h) are GPIO ports, I2C
 * buses, UARTs, PWM controllers, sensors, power supplies, displays, input devices or
 * radios, so that the shell, the HTTP API and the app API modules can list them
 * ("every sensor") without knowing the board.
 *
 * A driver instance is defined with AKIRA_DRIVER_DEFINE instead of AKIRA_DEVICE_DEFINE:
 * same arguments plus its class. The class header (akira/drivers/<class>.h) defines the
 * API struct the device's api pointer must point to; the class tag is what makes the
 * cast in that header's wrappers safe.
 *
 * Lookups may be called from any thread at any time (the tags are constant data).
 */
#ifndef AKIRA_DRIVERS_DRIVER_H
#define AKIRA_DRIVERS_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include <akira/device.h>

enum akira_driver_class {
    AKIRA_DRIVER_NONE = 0, /* a device that is not one of the classes below */
    AKIRA_DRIVER_GPIO,     /* struct akira_gpio_api */
    AKIRA_DRIVER_I2C,      /* struct akira_i2c_api */
    AKIRA_DRIVER_UART,     /* struct akira_uart_api */
    AKIRA_DRIVER_PWM,      /* struct akira_pwm_api */
    AKIRA_DRIVER_SENSOR,   /* struct akira_sensor_api */
    AKIRA_DRIVER_POWER,    /* struct akira_power_api */
    AKIRA_DRIVER_DISPLAY,  /* struct akira_display_api */
    AKIRA_DRIVER_INPUT,    /* struct akira_input_api */
    AKIRA_DRIVER_RADIO,    /* struct akira_radio_api */
    AKIRA_DRIVER_CLASS_COUNT_
};

struct akira_driver_tag {
    const struct akira_device *dev;
    uint8_t cls; /* enum akira_driver_class */
};

/* Defines device `id` (see AKIRA_DEVICE_DEFINE) and tags it with class `cls`. Tag
 * pointers go in the linker section "akira_driver_tags" (pointer-sized entries, so the
 * section is a dense array). The same linking rule as for devices applies. */
#define AKIRA_DRIVER_DEFINE(id, cls, dev_name, init_fn, data_ptr, config_ptr, init_level, prio,    \
                            api_ptr)                                                               \
    AKIRA_DEVICE_DEFINE(id, dev_name, init_fn, data_ptr, config_ptr, init_level, prio, api_ptr);   \
    static const struct akira_driver_tag akira_driver_tag_##id = {&akira_device_##id, (cls)};      \
    static const struct akira_driver_tag *const akira_driver_tag_ptr_##id                          \
        __attribute__((used, section("akira_driver_tags"), aligned(sizeof(void *)))) =             \
            &akira_driver_tag_##id

/* The class dev was defined with, or AKIRA_DRIVER_NONE (also for NULL). */
enum akira_driver_class akira_driver_class_of(const struct akira_device *dev);

/* The device called name if it is of class cls, else NULL (unknown name, other class). */
const struct akira_device *akira_driver_get(enum akira_driver_class cls, const char *name);

/* Calls cb for every device of class cls in link order; returns how many there are.
 * cb may be NULL (count only). */
size_t akira_driver_foreach(enum akira_driver_class cls, akira_device_cb cb, void *user);

/* "gpio", "i2c", ... ; "none" for anything else. */
const char *akira_driver_class_name(enum akira_driver_class cls);

#endif /* AKIRA_DRIVERS_DRIVER_H */

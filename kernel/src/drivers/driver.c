/*
 * Driver class tags: walks the "akira_driver_tags" section AKIRA_DRIVER_DEFINE fills.
 */
#include <string.h>

#include <akira/drivers/driver.h>

extern const struct akira_driver_tag *const __start_akira_driver_tags[] __attribute__((weak));
extern const struct akira_driver_tag *const __stop_akira_driver_tags[] __attribute__((weak));

enum akira_driver_class akira_driver_class_of(const struct akira_device *dev)
{
    if (dev == NULL || __start_akira_driver_tags == NULL) return AKIRA_DRIVER_NONE;
    for (const struct akira_driver_tag *const *t = __start_akira_driver_tags;
         t < __stop_akira_driver_tags; t++)
        if ((*t)->dev == dev) return (enum akira_driver_class)(*t)->cls;
    return AKIRA_DRIVER_NONE;
}

const struct akira_device *akira_driver_get(enum akira_driver_class cls, const char *name)
{
    const struct akira_device *dev = akira_device_get(name);
    return (dev && akira_driver_class_of(dev) == cls) ? dev : NULL;
}

size_t akira_driver_foreach(enum akira_driver_class cls, akira_device_cb cb, void *user)
{
    size_t n = 0;
    if (__start_akira_driver_tags == NULL) return 0;
    for (const struct akira_driver_tag *const *t = __start_akira_driver_tags;
         t < __stop_akira_driver_tags; t++) {
        if ((*t)->cls != (uint8_t)cls) continue;
        n++;
        if (cb) cb((*t)->dev, user);
    }
    return n;
}

const char *akira_driver_class_name(enum akira_driver_class cls)
{
    static const char *const names[AKIRA_DRIVER_CLASS_COUNT_] = {
        "none", "gpio", "i2c", "uart", "pwm", "sensor", "power", "display", "input", "radio"};
    return (unsigned)cls < AKIRA_DRIVER_CLASS_COUNT_ ? names[cls] : "none";
}

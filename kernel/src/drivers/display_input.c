/* Helpers of the display, input and radio classes (akira/drivers/display.h, input.h,
 * radio.h). */
#include <string.h>

#include <akira/drivers/display.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/input.h>
#include <akira/drivers/radio.h>

struct first_ready {
    const struct akira_device *dev;
};

static void take_first_ready(const struct akira_device *dev, void *user)
{
    struct first_ready *f = user;
    if (!f->dev && akira_device_is_ready(dev)) f->dev = dev;
}

const struct akira_device *akira_display_default(void)
{
    struct first_ready f = {NULL};
    akira_driver_foreach(AKIRA_DRIVER_DISPLAY, take_first_ready, &f);
    return f.dev;
}

const struct akira_device *akira_input_default(void)
{
    struct first_ready f = {NULL};
    akira_driver_foreach(AKIRA_DRIVER_INPUT, take_first_ready, &f);
    return f.dev;
}

/* Link order puts the tags of one file in no promised order: the radio whose name
 * sorts first ("radio0" before "radio1") is the default. */
static void take_first_name(const struct akira_device *dev, void *user)
{
    struct first_ready *f = user;
    if (akira_device_is_ready(dev) && (!f->dev || strcmp(dev->name, f->dev->name) < 0))
        f->dev = dev;
}

const struct akira_device *akira_radio_default(void)
{
    struct first_ready f = {NULL};
    akira_driver_foreach(AKIRA_DRIVER_RADIO, take_first_name, &f);
    return f.dev;
}

static const char *const button_names[AKIRA_INPUT_BTN_COUNT_] = {"up",     "down", "left", "right",
                                                                 "select", "back", "a",    "b"};

const char *akira_input_button_name(unsigned code)
{
    return code < AKIRA_INPUT_BTN_COUNT_ ? button_names[code] : NULL;
}

int akira_input_button_from_name(const char *name)
{
    if (!name) return AKIRA_EINVAL;
    for (unsigned i = 0; i < AKIRA_INPUT_BTN_COUNT_; i++)
        if (strcmp(name, button_names[i]) == 0) return (int)i;
    return AKIRA_EINVAL;
}

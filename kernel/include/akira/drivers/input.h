/*
 * Input driver class: the device's buttons and its touch panel, as a bounded queue of
 * timestamped events plus the state they leave (buttons held, where the touch is).
 *
 * Buttons: the eight every AkiraOS device has (a D-pad, select, back, A and B).
 * Touch: one resistive-style point; a touch event carries x, y (panel pixels) and
 * whether the panel is pressed (a release carries the last point).
 *
 * The driver queues AKIRA_INPUT_QUEUE_DEPTH events; when the consumer is slower than
 * the hands, new events are dropped and counted (the state stays right: it is updated
 * whether or not the event found room). One consumer reads the queue (the runtime's
 * input router); anyone may read the state.
 *
 * Threads: any thread; read blocks up to its timeout.
 */
#ifndef AKIRA_DRIVERS_INPUT_H
#define AKIRA_DRIVERS_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

#define AKIRA_INPUT_QUEUE_DEPTH 32u

/* Button codes (stable: part of the app ABI, sdk/include/akira/input.h). */
enum akira_input_button {
    AKIRA_INPUT_BTN_UP = 0,
    AKIRA_INPUT_BTN_DOWN = 1,
    AKIRA_INPUT_BTN_LEFT = 2,
    AKIRA_INPUT_BTN_RIGHT = 3,
    AKIRA_INPUT_BTN_SELECT = 4,
    AKIRA_INPUT_BTN_BACK = 5,
    AKIRA_INPUT_BTN_A = 6,
    AKIRA_INPUT_BTN_B = 7,
    AKIRA_INPUT_BTN_COUNT_
};

enum akira_input_type {
    AKIRA_INPUT_BUTTON = 1, /* code = enum akira_input_button */
    AKIRA_INPUT_TOUCH = 2,  /* x, y; code 0 */
};

struct akira_input_event {
    uint64_t time_us; /* uptime when it happened */
    uint8_t type;     /* enum akira_input_type */
    uint8_t code;     /* the button */
    uint8_t pressed;  /* 1 pressed (touching), 0 released */
    int16_t x, y;     /* touch point */
};

struct akira_input_state {
    uint32_t buttons; /* bit (1 << code) set while held */
    int16_t x, y;     /* last touch point */
    bool touching;
    uint32_t queued;  /* events waiting */
    uint32_t dropped; /* events lost to a full queue since boot */
};

struct akira_input_api {
    /* The oldest event, waiting up to timeout_ms (akira/clock.h convention): 0,
     * AKIRA_EAGAIN (NO_WAIT and empty), AKIRA_ETIMEDOUT. */
    int (*read)(const struct akira_device *dev, struct akira_input_event *out, int32_t timeout_ms);
    void (*state)(const struct akira_device *dev, struct akira_input_state *out);
};

static inline const struct akira_input_api *akira_input_api_of_(const struct akira_device *dev)
{
    return (dev && akira_device_is_ready(dev)) ? (const struct akira_input_api *)dev->api : NULL;
}

static inline int akira_input_read(const struct akira_device *dev, struct akira_input_event *out,
                                   int32_t timeout_ms)
{
    const struct akira_input_api *api = akira_input_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!out) return AKIRA_EINVAL;
    return api->read(dev, out, timeout_ms);
}

static inline int akira_input_state_get(const struct akira_device *dev,
                                        struct akira_input_state *out)
{
    const struct akira_input_api *api = akira_input_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!out) return AKIRA_EINVAL;
    api->state(dev, out);
    return 0;
}

/* "up", "down", "left", "right", "select", "back", "a", "b"; NULL for others. */
const char *akira_input_button_name(unsigned code);
/* The code for a name (lower case, as above), or AKIRA_EINVAL. */
int akira_input_button_from_name(const char *name);

/* The first ready input device of the board, or NULL. */
const struct akira_device *akira_input_default(void);

#endif /* AKIRA_DRIVERS_INPUT_H */

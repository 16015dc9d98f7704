/*
 * App capabilities: what an app may touch, one bit each.
 *
 * An app declares its capabilities by name in its manifest (`capabilities: timer, ipc`);
 * the manifest parser turns the names into a mask, the app manager copies the mask into
 * the running instance, and every native-bridge entry names the one bit it needs. The
 * check at a native call is a single AND against the instance's mask; grant and revoke
 * (shell `app caps`) change the mask and take effect at the next call.
 *
 * Calls that need no capability (common: log, delay, uptime; lifecycle events) use
 * AKIRA_CAP_NONE. Bit values are stable: they are stored in the app store's records and
 * shown by the HTTP API, so new capabilities are only ever appended.
 *
 * Include-only header except for the two name lookups (runtime/src/caps.c).
 */
#ifndef AKIRA_CAPS_H
#define AKIRA_CAPS_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t akira_caps_t;

#define AKIRA_CAP_NONE    0u
#define AKIRA_CAP_MEMORY  (1u << 0) /* app heap: alloc/free beyond linear memory */
#define AKIRA_CAP_TIMER   (1u << 1) /* one-shot and periodic timers */
#define AKIRA_CAP_IPC     (1u << 2) /* publish to and subscribe to IPC topics */
#define AKIRA_CAP_STORAGE (1u << 3) /* the app's own files and settings keys */
#define AKIRA_CAP_GPIO    (1u << 4)
#define AKIRA_CAP_I2C     (1u << 5)
#define AKIRA_CAP_UART    (1u << 6)
#define AKIRA_CAP_PWM     (1u << 7)
#define AKIRA_CAP_SENSOR  (1u << 8)
#define AKIRA_CAP_POWER   (1u << 9)
#define AKIRA_CAP_NET     (1u << 10)
#define AKIRA_CAP_DISPLAY (1u << 11) /* raw drawing on the screen the app owns */
#define AKIRA_CAP_INPUT   (1u << 12) /* buttons, touch, HID */
#define AKIRA_CAP_BLE     (1u << 13)
#define AKIRA_CAP_RF      (1u << 14)
#define AKIRA_CAP_UI      (1u << 15) /* widgets on the app's own screen */
#define AKIRA_CAP_HID     (1u << 16) /* send HID reports as a keyboard/mouse/gamepad */
#define AKIRA_CAP_MESH    (1u << 17) /* AkiraMesh messages to other nodes */
#define AKIRA_CAP_MQTT    (1u << 18) /* MQTT publish/subscribe under the app's prefix */
#define AKIRA_CAP_CRYPTO  (1u << 19) /* hashes, ciphers, signatures, random bytes */
#define AKIRA_CAP_COUNT_  20u        /* internal: number of defined bits */
#define AKIRA_CAP_ALL_    ((1u << AKIRA_CAP_COUNT_) - 1u)

/*
 * X-macro of the capability table (bit, manifest name), for code that iterates it:
 *   #define ROW(bit, name) { bit, name },
 *   AKIRA_CAPS(ROW)
 */
#define AKIRA_CAPS(X)                                                                              \
    X(AKIRA_CAP_MEMORY, "memory")                                                                  \
    X(AKIRA_CAP_TIMER, "timer")                                                                    \
    X(AKIRA_CAP_IPC, "ipc")                                                                        \
    X(AKIRA_CAP_STORAGE, "storage")                                                                \
    X(AKIRA_CAP_GPIO, "gpio")                                                                      \
    X(AKIRA_CAP_I2C, "i2c")                                                                        \
    X(AKIRA_CAP_UART, "uart")                                                                      \
    X(AKIRA_CAP_PWM, "pwm")                                                                        \
    X(AKIRA_CAP_SENSOR, "sensor")                                                                  \
    X(AKIRA_CAP_POWER, "power")                                                                    \
    X(AKIRA_CAP_NET, "net")                                                                        \
    X(AKIRA_CAP_DISPLAY, "display")                                                                \
    X(AKIRA_CAP_INPUT, "input")                                                                    \
    X(AKIRA_CAP_BLE, "ble")                                                                        \
    X(AKIRA_CAP_RF, "rf")                                                                          \
    X(AKIRA_CAP_UI, "ui")                                                                          \
    X(AKIRA_CAP_HID, "hid")                                                                        \
    X(AKIRA_CAP_MESH, "mesh")                                                                      \
    X(AKIRA_CAP_MQTT, "mqtt")                                                                      \
    X(AKIRA_CAP_CRYPTO, "crypto")

/* The bit for a manifest name (exact, lower case), or 0 when there is none. */
akira_caps_t akira_cap_from_name(const char *name, size_t len);

/* The manifest name of one bit, or NULL when `bit` is not exactly one defined bit. */
const char *akira_cap_name(akira_caps_t bit);

#endif /* AKIRA_CAPS_H */

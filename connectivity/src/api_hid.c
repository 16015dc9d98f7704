/*
 * API module "hid" (capability "hid"; docs/runtime_api.md, sdk/include/akira/hid.h):
 * the device's HID over GATT keyboard, mouse and gamepad (the HID manager), for apps.
 *
 *   hid_keyboard(modifiers, keys) -> i32    one keyboard report: modifier bits and 6
 *                                           key codes (Keyboard page usages, 0 none)
 *   hid_mouse(buttons, dx, dy, wheel) -> i32
 *   hid_gamepad(buttons, x, y, z, rz) -> i32
 *
 * Reports go to every HID host subscribed to the device (AKIRA_EAGAIN when a link's
 * queue is full: retry; AKIRA_ESTATE without a HID device, AKIRA_ENODEV without
 * Bluetooth). The keyboard LEDs a host writes arrive at every app that has called the
 * module as AKIRA_EVENT_HID (a = LED bits, b = connection). When an app ends with keys
 * or mouse buttons held, the module sends the empty reports: nothing stays pressed.
 */
#include <string.h>

#include <akira/event.h>
#include <akira/hid_manager.h>

#include "api_ble_priv.h"

#define EV_HID 15u /* AKIRA_EVENT_HID */

#define HID_APPS AKIRA_API_BLE_APPS

static struct {
    struct {
        struct akira_app_ctx *app;
        bool keys_down, buttons_down;
    } apps[HID_APPS];
} H;

#define ret    api_ble_ret
#define lock   api_ble_lock
#define unlock api_ble_unlock

/* Note that the app uses the module (for LED events and its end); what it holds down. */
static int note(struct akira_app_ctx *app, int keys, int buttons)
{
    if (!api_ble_host()) return AKIRA_ENODEV;
    if (!lock()) return AKIRA_ENOMEM;
    int at = -1;
    for (int i = 0; i < (int)HID_APPS; i++) {
        if (H.apps[i].app == app) {
            at = i;
            break;
        }
        if (!H.apps[i].app && at < 0) at = i;
    }
    if (at >= 0) {
        if (H.apps[at].app != app) H.apps[at].keys_down = H.apps[at].buttons_down = false;
        H.apps[at].app = app;
        if (keys >= 0) H.apps[at].keys_down = keys;
        if (buttons >= 0) H.apps[at].buttons_down = buttons;
    }
    unlock();
    return at >= 0 ? 0 : AKIRA_ENOSPC;
}

static aw_status api_keyboard(struct akira_app_ctx *app, aw_val *io)
{
    const uint8_t *k = akira_bridge_mem(app, io[1].u32, 6);
    if (!k) return ret(io, AKIRA_EFAULT);
    if (io[0].u32 > 0xff) return ret(io, AKIRA_EINVAL);
    uint8_t keys[6];
    memcpy(keys, k, 6);
    bool down = io[0].u32 != 0;
    for (int i = 0; i < 6; i++)
        down |= keys[i] != 0;
    int rc = note(app, down, -1);
    if (rc) return ret(io, rc);
    return ret(io, akira_hid_manager_keyboard((uint8_t)io[0].u32, keys));
}

static bool i8(int32_t v)
{
    return v >= -127 && v <= 127;
}

static aw_status api_mouse(struct akira_app_ctx *app, aw_val *io)
{
    if (io[0].u32 > 7 || !i8(io[1].i32) || !i8(io[2].i32) || !i8(io[3].i32))
        return ret(io, AKIRA_EINVAL);
    int rc = note(app, -1, io[0].u32 != 0);
    if (rc) return ret(io, rc);
    return ret(io, akira_hid_manager_mouse((uint8_t)io[0].u32, (int8_t)io[1].i32, (int8_t)io[2].i32,
                                           (int8_t)io[3].i32));
}

static aw_status api_gamepad(struct akira_app_ctx *app, aw_val *io)
{
    if (io[0].u32 > 0xffff || !i8(io[1].i32) || !i8(io[2].i32) || !i8(io[3].i32) || !i8(io[4].i32))
        return ret(io, AKIRA_EINVAL);
    int rc = note(app, -1, -1);
    if (rc) return ret(io, rc);
    return ret(io,
               akira_hid_manager_gamepad((uint16_t)io[0].u32, (int8_t)io[1].i32, (int8_t)io[2].i32,
                                         (int8_t)io[3].i32, (int8_t)io[4].i32));
}

static void on_leds(void *user, uint16_t conn, uint8_t leds)
{
    (void)user;
    if (!lock()) return;
    for (size_t i = 0; i < HID_APPS; i++) {
        if (!H.apps[i].app) continue;
        struct akira_event e = {EV_HID, leds, conn, 0};
        akira_evq_post(H.apps[i].app->evq, &e);
    }
    unlock();
}

static void hid_app_end(struct akira_app_ctx *app)
{
    if (!lock()) return;
    bool keys = false, buttons = false;
    for (size_t i = 0; i < HID_APPS; i++)
        if (H.apps[i].app == app) {
            keys = H.apps[i].keys_down;
            buttons = H.apps[i].buttons_down;
            H.apps[i].app = NULL;
        }
    unlock();
    /* Nothing the app pressed stays pressed on the hosts. */
    static const uint8_t none[6];
    if (keys) akira_hid_manager_keyboard(0, none);
    if (buttons) akira_hid_manager_mouse(0, 0, 0, 0);
}

/* clang-format off */
static const struct akira_bridge_entry entries[] = {
    {"hid_keyboard", "(ii)i",    AKIRA_CAP_HID, api_keyboard},
    {"hid_mouse",    "(iiii)i",  AKIRA_CAP_HID, api_mouse},
    {"hid_gamepad",  "(iiiii)i", AKIRA_CAP_HID, api_gamepad},
};
/* clang-format on */

const struct akira_bridge_module akira_api_hid = {
    .name = "hid",
    .entries = entries,
    .count = sizeof entries / sizeof entries[0],
    .app_end = hid_app_end,
};

size_t akira_api_hid_ram(void)
{
    return sizeof H;
}

void api_hid_attach(void)
{
    akira_hid_manager_on_leds(on_leds, NULL);
}

/*
 * AkiraOS app SDK - module "hid": the device as a Bluetooth keyboard, mouse and
 * gamepad (HID over GATT), capability "hid" (docs/runtime_api.md). Reports go to every
 * HID host connected to the device and subscribed (a host pairs first).
 *
 * Errors: AKIRA_EFAULT, AKIRA_EINVAL (a value out of range), AKIRA_EAGAIN (a link's
 * queue is full: retry), AKIRA_ESTATE (no HID device), AKIRA_ENODEV (no Bluetooth).
 * The keyboard LEDs a host sets arrive as AKIRA_EVENT_HID (a = LED bits: 1 Num Lock,
 * 2 Caps Lock, 4 Scroll Lock; b = connection). When the app ends, keys and buttons it
 * left down are released.
 */
#ifndef AKIRA_SDK_HID_H
#define AKIRA_SDK_HID_H

#include <akira/common.h>

enum { AKIRA_EVENT_HID = 15 };

/* Modifier bits (usages 0xE0..0xE7). */
enum {
    AKIRA_HID_MOD_LCTRL = 0x01,
    AKIRA_HID_MOD_LSHIFT = 0x02,
    AKIRA_HID_MOD_LALT = 0x04,
    AKIRA_HID_MOD_LGUI = 0x08,
};

/* A few Keyboard page usages; the others are in the HID Usage Tables. */
enum {
    AKIRA_HID_KEY_A = 0x04, /* ... Z = 0x1D */
    AKIRA_HID_KEY_1 = 0x1E, /* ... 9 = 0x26, 0 = 0x27 */
    AKIRA_HID_KEY_ENTER = 0x28,
    AKIRA_HID_KEY_ESC = 0x29,
    AKIRA_HID_KEY_TAB = 0x2B,
    AKIRA_HID_KEY_SPACE = 0x2C,
    AKIRA_HID_KEY_F1 = 0x3A, /* ... F12 = 0x45 */
};

/* One keyboard report: modifier bits and the 6 keys held (0: none). Keys stay down
 * until a report without them. */
AKIRA_IMPORT("hid_keyboard") int32_t akira_hid_keyboard(int32_t modifiers, const uint8_t keys[6]);
/* Buttons (bit 0 left, 1 right, 2 middle), motion and wheel in -127..127. */
AKIRA_IMPORT("hid_mouse")
int32_t akira_hid_mouse(int32_t buttons, int32_t dx, int32_t dy, int32_t wheel);
/* 16 buttons, axes in -127..127. */
AKIRA_IMPORT("hid_gamepad")
int32_t akira_hid_gamepad(int32_t buttons, int32_t x, int32_t y, int32_t z, int32_t rz);

#endif /* AKIRA_SDK_HID_H */

/*
 * hid_manager.h - the HID manager: the device as a HID over GATT keyboard/mouse/gamepad
 * (ble_hogp.h) with typing helpers, and the device as a HID host of other nodes, whose
 * key presses it collects as key codes. One instance on the device's BLE host; the BT
 * manager starts it, the shell and apps call it.
 */
#ifndef AKIRA_HID_MANAGER_H
#define AKIRA_HID_MANAGER_H

#include <stdbool.h>
#include <stdint.h>

#include "akira/ble_hogp.h"

/** Use host h (for the host role alone). AKIRA_EEXIST when already attached. */
akira_err_t akira_hid_manager_attach(akira_ble_host_t *h);
/** Attach to h and make the device a HID device on it (services added to its table). */
akira_err_t akira_hid_manager_start(akira_ble_host_t *h, const akira_hogp_cfg_t *cfg);
void akira_hid_manager_stop(void);

/** The HID usage (Keyboard page) and shift need of an ASCII character, US layout.
 *  AKIRA_ENOENT for a character no key types. */
akira_err_t akira_hid_ascii_to_key(char c, uint8_t *code, bool *shift);

/** Press and release one key (code: Keyboard page usage, modifiers: E0..E7 bits). */
akira_err_t akira_hid_manager_tap(uint8_t code, uint8_t modifiers);
/** Type ASCII text as key presses and releases; stops at the first error (AKIRA_ENOENT
 *  for an untypable character, AKIRA_EAGAIN when the link's queue is full: retry). */
akira_err_t akira_hid_manager_type(const char *text);
/** Send one keyboard report: modifier bits and up to 6 key codes held (0: none); the
 *  keys stay down until a report without them. AKIRA_ESTATE without a HID device. */
akira_err_t akira_hid_manager_keyboard(uint8_t modifiers, const uint8_t keys[6]);
akira_err_t akira_hid_manager_mouse(uint8_t buttons, int8_t dx, int8_t dy, int8_t wheel);
akira_err_t akira_hid_manager_gamepad(uint16_t buttons, int8_t x, int8_t y, int8_t z, int8_t rz);
akira_err_t akira_hid_manager_battery(uint8_t percent);
/** Whether the device is a HID device and conn subscribed to its input reports. */
bool akira_hid_manager_subscribed(uint16_t conn);

/** One more receiver of the keyboard LEDs a host writes (the app API module "hid"),
 *  besides the device configuration's leds(); called under the host's lock. NULL: none. */
void akira_hid_manager_on_leds(void (*fn)(void *user, uint16_t conn, uint8_t leds), void *user);

/* ---- host role: keys from another node's keyboard ---- */

/** Start the HID host on conn (encrypted first). Keys pressed on it queue up for
 *  akira_hid_manager_next_key(). */
akira_err_t akira_hid_manager_connect(uint16_t conn, bool boot);
/** Pass the host's notifications here (the BT manager does). */
void akira_hid_manager_notification(uint16_t conn, uint16_t handle, const uint8_t *data,
                                    size_t len);
/** Write the keyboard LEDs (output report) of the peer the host role serves.
 *  AKIRA_ESTATE before it is ready. */
akira_err_t akira_hid_manager_set_leds(uint8_t leds);
/** 1 when a HID host is ready, 0 while it sets up, or its error. */
int akira_hid_manager_host_state(void);
/** Take the oldest key event: AKIRA_OK, or AKIRA_ENOENT when none. The queue keeps the
 *  last 32 events (older ones are dropped and counted). */
akira_err_t akira_hid_manager_next_key(uint16_t *code, bool *pressed);
uint32_t akira_hid_manager_keys_dropped(void);

#endif /* AKIRA_HID_MANAGER_H */

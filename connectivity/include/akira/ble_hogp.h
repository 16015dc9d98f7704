/*
 * ble_hogp.h - HID over GATT (HOGP 1.0).
 *
 * Device side (HID device): the HID service (0x1812) with a report map for a keyboard,
 * a mouse and/or a gamepad, report and boot protocol, the Battery (0x180F) and Device
 * Information (0x180A) services. Reports and the control point need an encrypted link,
 * as HOGP asks; the host pairs first.
 *
 * Host side (HID host): discovers a peer's HID service, reads its report map and report
 * references, subscribes to its input reports and turns them into events: key codes
 * (HID usage IDs of the Keyboard page) pressed and released, mouse motion, and every
 * other usage's value. Boot protocol on request (keyboard boot reports, no map needed).
 *
 * Callbacks run under the host's lock (ble_host.h).
 */
#ifndef AKIRA_BLE_HOGP_H
#define AKIRA_BLE_HOGP_H

#include "akira/ble_host.h"
#include "akira/hid_report.h"

#define AKIRA_HOGP_KEYBOARD 0x01
#define AKIRA_HOGP_MOUSE    0x02
#define AKIRA_HOGP_GAMEPAD  0x04

#define AKIRA_HOGP_PROTOCOL_BOOT   0
#define AKIRA_HOGP_PROTOCOL_REPORT 1

/* Report IDs in our report map. */
#define AKIRA_HOGP_ID_KEYBOARD 1
#define AKIRA_HOGP_ID_MOUSE    2
#define AKIRA_HOGP_ID_GAMEPAD  3

typedef struct {
    uint8_t kinds; /* AKIRA_HOGP_KEYBOARD | _MOUSE | _GAMEPAD */
    const char *manufacturer, *model;
    uint16_t vendor_id, product_id, version; /* PnP ID (USB vendor ID source) */
    uint8_t battery;                         /* percent */
    /** The host wrote the keyboard LEDs (bit 0 Num Lock, 1 Caps Lock, 2 Scroll Lock...). */
    void (*leds)(void *user, uint16_t conn, uint8_t leds);
    /** The host switched protocol (AKIRA_HOGP_PROTOCOL_*) or suspended (control point). */
    void (*protocol)(void *user, uint16_t conn, uint8_t mode);
    void (*suspend)(void *user, uint16_t conn, bool suspended);
    void *user;
} akira_hogp_cfg_t;

typedef struct akira_hogp akira_hogp_t;

/** Add the services to host h (before connections). One bounded allocation. */
akira_err_t akira_hogp_create(akira_ble_host_t *h, const akira_hogp_cfg_t *cfg, akira_hogp_t **out);
void akira_hogp_destroy(akira_hogp_t *d);
/** Our report map (for tests and docs). */
const uint8_t *akira_hogp_report_map(akira_hogp_t *d, size_t *len);

/** Send a keyboard report: modifier bits (E0..E7) and up to 6 key codes (0: none).
 *  Goes to every subscribed host, in the protocol it chose. AKIRA_ENOTSUP when the
 *  device has no keyboard, AKIRA_EAGAIN when a link's queue is full. */
akira_err_t akira_hogp_keyboard(akira_hogp_t *d, uint8_t modifiers, const uint8_t keys[6]);
akira_err_t akira_hogp_mouse(akira_hogp_t *d, uint8_t buttons, int8_t dx, int8_t dy, int8_t wheel);
akira_err_t akira_hogp_gamepad(akira_hogp_t *d, uint16_t buttons, int8_t x, int8_t y, int8_t z,
                               int8_t rz);
akira_err_t akira_hogp_battery(akira_hogp_t *d, uint8_t percent);
/** Whether connection conn has subscribed to one of the device's input reports. */
bool akira_hogp_subscribed(akira_hogp_t *d, uint16_t conn);

/* ---- HID host ---- */

typedef struct {
    /** Ready (err 0: subscribed) or failed (the GATT error, ble_host.h's convention). */
    void (*ready)(void *user, uint16_t conn, int err);
    /** A key (Keyboard page usage; modifiers are 0xE0..0xE7) went down or up. */
    void (*key)(void *user, uint16_t conn, uint16_t code, bool pressed);
    void (*mouse)(void *user, uint16_t conn, uint8_t buttons, int32_t dx, int32_t dy,
                  int32_t wheel);
    /** Any other usage's value (gamepad buttons and axes...). */
    void (*usage)(void *user, uint16_t conn, uint16_t page, uint16_t usage, int32_t value);
    void *user;
} akira_hid_host_cb_t;

typedef struct akira_hid_host akira_hid_host_t;

/** Start the HID host on a connection (the link should be encrypted first). Runs the
 *  discovery as GATT procedures; cb.ready tells when it is done. boot: use the boot
 *  keyboard protocol instead of the report map. The notifications of h must be passed
 *  to akira_hid_host_notification(). */
akira_err_t akira_hid_host_start(akira_ble_host_t *h, uint16_t conn, bool boot,
                                 const akira_hid_host_cb_t *cb, akira_hid_host_t **out);
void akira_hid_host_destroy(akira_hid_host_t *hh);
/** Feed a notification; returns true when it was one of this HID host's reports. */
bool akira_hid_host_notification(akira_hid_host_t *hh, uint16_t conn, uint16_t handle,
                                 const uint8_t *data, size_t len);
/** The parsed report map (report protocol) once ready. */
const akira_hid_map_t *akira_hid_host_map(akira_hid_host_t *hh);
/** Write the keyboard's output report (LEDs). */
akira_err_t akira_hid_host_set_leds(akira_hid_host_t *hh, uint8_t leds);

#endif /* AKIRA_BLE_HOGP_H */

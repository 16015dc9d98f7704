/*
 * AkiraOS app SDK - module "ui": widgets on the app's own screen, capability "ui".
 *
 * A widget is a handle (1..65535) returned by akira_ui_create; 0 names the app's screen,
 * which its first widget makes and which shows while the app is in front (see
 * akira/display.h for who is in front). Properties, types and events are the ui
 * layer's (docs/ui.md has a picture of each widget). Widget events come as lifecycle
 * events AKIRA_EVENT_UI (akira/input.h):
 *   a = event << 24 | widget type << 16 | handle, b = value, c = x << 16 | y
 *
 * Errors: AKIRA_ENOENT (no such widget), AKIRA_EPERM (another app's handle),
 * AKIRA_EQUOTA (the app's widgets past its memory quota or its 64 KiB UI budget:
 * nothing made), AKIRA_ENOTSUP (a property the type lacks), AKIRA_EINVAL, AKIRA_EFAULT,
 * AKIRA_ETOOBIG (text over 1024 bytes, image side over 1024). The widgets are freed
 * when the app ends.
 */
#ifndef AKIRA_SDK_UI_H
#define AKIRA_SDK_UI_H

#include <akira/common.h>
#include <akira/input.h>

/* Widget types. */
enum {
    AKIRA_UI_SCREEN = 0,
    AKIRA_UI_LABEL = 1,
    AKIRA_UI_BUTTON = 2,
    AKIRA_UI_IMAGE = 3,
    AKIRA_UI_CHECKBOX = 4,
    AKIRA_UI_SWITCH = 5,
    AKIRA_UI_SLIDER = 6,
    AKIRA_UI_BAR = 7,
    AKIRA_UI_ARC = 8,
    AKIRA_UI_SPINNER = 9,
    AKIRA_UI_LED = 10,
    AKIRA_UI_LINE = 11,
    AKIRA_UI_CONTAINER = 12,
    AKIRA_UI_LIST = 13,
    AKIRA_UI_TABLE = 14,
    AKIRA_UI_TEXTAREA = 15,
    AKIRA_UI_KEYBOARD = 16,
    AKIRA_UI_DROPDOWN = 17,
    AKIRA_UI_ROLLER = 18,
    AKIRA_UI_SPINBOX = 19,
    AKIRA_UI_CHART = 20,
    AKIRA_UI_GAUGE = 21,
    AKIRA_UI_TABVIEW = 22,
    AKIRA_UI_TILEVIEW = 23,
    AKIRA_UI_MSGBOX = 24,
    AKIRA_UI_WINDOW = 25,
    AKIRA_UI_MENU = 26,
    AKIRA_UI_CALENDAR = 27,
    AKIRA_UI_CANVAS = 28,
    AKIRA_UI_QRCODE = 29,
    AKIRA_UI_PROGRESS_RING = 30,
    AKIRA_UI_TOAST = 31,
    AKIRA_UI_STATUSBAR = 32,
};

/* Integer properties. */
enum {
    AKIRA_UI_P_X = 0,
    AKIRA_UI_P_Y = 1,
    AKIRA_UI_P_W = 2,
    AKIRA_UI_P_H = 3,
    AKIRA_UI_P_HIDDEN = 4,
    AKIRA_UI_P_DISABLED = 5,
    AKIRA_UI_P_FOCUSABLE = 6,
    AKIRA_UI_P_CLICKABLE = 7,
    AKIRA_UI_P_BG_COLOR = 8,
    AKIRA_UI_P_FG_COLOR = 9,
    AKIRA_UI_P_BORDER_COLOR = 10,
    AKIRA_UI_P_ACCENT_COLOR = 11,
    AKIRA_UI_P_BG_OPA = 12,
    AKIRA_UI_P_BORDER_W = 13,
    AKIRA_UI_P_RADIUS = 14,
    AKIRA_UI_P_PAD = 15,
    AKIRA_UI_P_FONT = 16,
    AKIRA_UI_P_LAYOUT = 17,
    AKIRA_UI_P_WRAP = 18,
    AKIRA_UI_P_GAP = 19,
    AKIRA_UI_P_ALIGN = 20,
    AKIRA_UI_P_CROSS = 21,
    AKIRA_UI_P_GROW = 22,
    AKIRA_UI_P_GRID_COLS = 23,
    AKIRA_UI_P_SCROLL_X = 24,
    AKIRA_UI_P_SCROLL_Y = 25,
    AKIRA_UI_P_SCROLLABLE = 26,
    AKIRA_UI_P_VALUE = 27,
    AKIRA_UI_P_MIN = 28,
    AKIRA_UI_P_MAX = 29,
    AKIRA_UI_P_ROWS = 30,
    AKIRA_UI_P_COLS = 31,
    AKIRA_UI_P_CURSOR = 32,
    AKIRA_UI_P_MONTH = 33,
    AKIRA_UI_P_YEAR = 34,
    AKIRA_UI_P_CHART_TYPE = 35,
    AKIRA_UI_P_DURATION = 36,
    AKIRA_UI_P_TEXT_ALIGN = 37,
    AKIRA_UI_P_STEP = 38,
    AKIRA_UI_P_OPEN = 39,
};

/* Widget events (the top byte of the event's a). */
enum {
    AKIRA_UI_EV_PRESSED = 1,
    AKIRA_UI_EV_RELEASED = 2,
    AKIRA_UI_EV_CLICKED = 3,
    AKIRA_UI_EV_LONG_PRESSED = 4,
    AKIRA_UI_EV_VALUE_CHANGED = 5,
    AKIRA_UI_EV_FOCUSED = 6,
    AKIRA_UI_EV_DEFOCUSED = 7,
    AKIRA_UI_EV_SCROLLED = 8,
    AKIRA_UI_EV_SCREEN_LOADED = 9,
    AKIRA_UI_EV_GESTURE = 10,
    AKIRA_UI_EV_READY = 11,
};

#define AKIRA_UI_EVENT_OF(a)  ((a) >> 24)
#define AKIRA_UI_HANDLE_OF(a) ((a)&0xFFFFu)

/* A new widget of type as the last child of parent (0: the app's screen): its handle. */
AKIRA_IMPORT("ui_create") int32_t akira_ui_create(int32_t type, int32_t parent);
AKIRA_IMPORT("ui_delete") int32_t akira_ui_delete(int32_t h);
AKIRA_IMPORT("ui_set") int32_t akira_ui_set(int32_t h, int32_t prop, int32_t value);
AKIRA_IMPORT("ui_get") int32_t akira_ui_get(int32_t h, int32_t prop, int32_t *out);
/* The main text (label, button, checkbox...), the title (window, menu, msgbox) and the
 * '\n'-separated options (list, dropdown, roller, menu). */
AKIRA_IMPORT("ui_set_text") int32_t akira_ui_set_text(int32_t h, const char *s, uint32_t len);
AKIRA_IMPORT("ui_set_title") int32_t akira_ui_set_title(int32_t h, const char *s, uint32_t len);
AKIRA_IMPORT("ui_set_options")
int32_t akira_ui_set_options(int32_t h, const char *s, uint32_t len);
/* The text into buf (NUL-terminated, cut to cap - 1): its full length. */
AKIRA_IMPORT("ui_get_text") int32_t akira_ui_get_text(int32_t h, char *buf, uint32_t cap);
/* An image widget's pixels: w x h RGB565, copied; key < 0: none transparent. */
AKIRA_IMPORT("ui_image")
int32_t akira_ui_image(int32_t h, int32_t w, int32_t hgt, const uint16_t *px, uint32_t len,
                       int32_t key);
AKIRA_IMPORT("ui_focus") int32_t akira_ui_focus(int32_t h);

#endif /* AKIRA_SDK_UI_H */

/*
 * AkiraOS app SDK - module "input": buttons and touch, capability "input", for the app
 * in front only (AKIRA_EBUSY otherwise).
 *
 * Edges come as events (lifecycle API): AKIRA_EVENT_INPUT with
 *   a = kind << 16 | button << 8 | pressed   (kind AKIRA_INPUT_BUTTON or _TOUCH)
 *   b = x, c = y                               (touch point)
 * akira_input_state() says what is held now (polling games).
 */
#ifndef AKIRA_SDK_INPUT_H
#define AKIRA_SDK_INPUT_H

#include <akira/common.h>

enum {
    AKIRA_EVENT_INPUT = 11,
    AKIRA_EVENT_UI = 12,
    AKIRA_EVENT_FOCUS = 13, /* a = 1: the app owns the display now, 0: lost it */
};

enum { AKIRA_INPUT_BUTTON = 1, AKIRA_INPUT_TOUCH = 2 };

enum {
    AKIRA_BTN_UP = 0,
    AKIRA_BTN_DOWN = 1,
    AKIRA_BTN_LEFT = 2,
    AKIRA_BTN_RIGHT = 3,
    AKIRA_BTN_SELECT = 4,
    AKIRA_BTN_BACK = 5,
    AKIRA_BTN_A = 6,
    AKIRA_BTN_B = 7,
};

#define AKIRA_INPUT_KIND(a)      (((a) >> 16) & 0xFFu)
#define AKIRA_INPUT_BUTTON_OF(a) (((a) >> 8) & 0xFFu)
#define AKIRA_INPUT_PRESSED(a)   ((a)&1u)

struct akira_input_state {
    uint32_t buttons; /* bit (1 << AKIRA_BTN_*) while held */
    int32_t x, y;     /* last touch point */
    uint32_t touching;
};

AKIRA_IMPORT("input_state") int32_t akira_input_state(struct akira_input_state *out);

#endif /* AKIRA_SDK_INPUT_H */

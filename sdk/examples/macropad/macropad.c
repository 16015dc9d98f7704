/*
 * macropad: a Bluetooth macro pad. Each of the eight buttons is one key of a HID
 * keyboard (HID over GATT, the device's HID service): held down while the button is,
 * released with it, several at once. up 1, down 2, left 3, right 4, select Enter,
 * back Esc, a F1, b F2. The HID hosts connected to the device (paired) get the key
 * codes; the keyboard LEDs they set are logged. It shows a label so that it owns the
 * display, and with it the buttons.
 */
#include <akira/akira.h>

static const uint8_t KEYS[8] = {
    AKIRA_HID_KEY_1,     AKIRA_HID_KEY_1 + 1, AKIRA_HID_KEY_1 + 2, AKIRA_HID_KEY_1 + 3,
    AKIRA_HID_KEY_ENTER, AKIRA_HID_KEY_ESC,   AKIRA_HID_KEY_F1,    AKIRA_HID_KEY_F1 + 1,
};
static uint32_t held; /* bit n: button n is down */

/* The report for what is held now (6 keys at most, in button order). */
static void report(void)
{
    uint8_t keys[6] = {0};
    int n = 0;
    for (int b = 0; b < 8 && n < 6; b++)
        if (held & (1u << b)) keys[n++] = KEYS[b];
    int32_t rc;
    /* A full link queue clears in a connection interval or two. */
    for (int tries = 0; (rc = akira_hid_keyboard(0, keys)) == AKIRA_EAGAIN && tries < 20; tries++)
        akira_delay(10);
    if (rc < 0) akira_printf("macropad: report error %d\n", (int)rc);
}

__attribute__((export_name("main"))) int app_main(void)
{
    static const char title[] = "Macro pad";
    int32_t label = akira_ui_create(AKIRA_UI_LABEL, 0);
    if (label >= 0) {
        akira_ui_set(label, AKIRA_UI_P_X, 12);
        akira_ui_set(label, AKIRA_UI_P_Y, 8);
        akira_ui_set_text(label, title, sizeof title - 1);
    }
    akira_printf("macropad: ready\n");
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)c;
    if (type == AKIRA_EVENT_INPUT && AKIRA_INPUT_KIND(a) == AKIRA_INPUT_BUTTON) {
        uint32_t btn = AKIRA_INPUT_BUTTON_OF(a);
        if (btn >= 8) return;
        if (AKIRA_INPUT_PRESSED(a))
            held |= 1u << btn;
        else
            held &= ~(1u << btn);
        report();
        akira_printf("macropad: button %u %s: key 0x%02x\n", (unsigned)btn,
                     AKIRA_INPUT_PRESSED(a) ? "down" : "up", (unsigned)KEYS[btn]);
    } else if (type == AKIRA_EVENT_HID) {
        akira_printf("macropad: LEDs 0x%02x from conn %u\n", (unsigned)a, (unsigned)b);
    }
}

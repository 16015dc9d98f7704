/*
 * settings: a settings screen made of the system's widgets, driven by touch or by the
 * buttons alone (the focus ring moves with up/down, select acts, left/right change a
 * slider). A title, a Wi-Fi switch, a brightness slider, a theme dropdown and a list
 * of sections; every change is logged (`app logs settings`), e.g. "brightness 80".
 */
#include <akira/akira.h>

static int32_t wifi, bright, theme, sections;

static uint32_t slen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* A widget of type under parent with geometry and text; its handle (or the error). */
static int32_t make(int32_t type, int32_t parent, int32_t x, int32_t y, int32_t w, int32_t h,
                    const char *text)
{
    int32_t id = akira_ui_create(type, parent);
    if (id < 0) return id;
    akira_ui_set(id, AKIRA_UI_P_X, x);
    akira_ui_set(id, AKIRA_UI_P_Y, y);
    if (w) akira_ui_set(id, AKIRA_UI_P_W, w);
    if (h) akira_ui_set(id, AKIRA_UI_P_H, h);
    if (text) akira_ui_set_text(id, text, slen(text));
    return id;
}

static int32_t build(void)
{
    int32_t title = make(AKIRA_UI_LABEL, 0, 12, 8, 0, 0, "Settings");
    if (title < 0) return title;
    akira_ui_set(title, AKIRA_UI_P_FONT, 24);
    make(AKIRA_UI_LABEL, 0, 12, 50, 0, 0, "Wi-Fi");
    wifi = make(AKIRA_UI_SWITCH, 0, 250, 46, 56, 28, 0);
    make(AKIRA_UI_LABEL, 0, 12, 90, 0, 0, "Brightness");
    bright = make(AKIRA_UI_SLIDER, 0, 130, 92, 176, 16, 0);
    akira_ui_set(bright, AKIRA_UI_P_MIN, 0);
    akira_ui_set(bright, AKIRA_UI_P_MAX, 100);
    akira_ui_set(bright, AKIRA_UI_P_VALUE, 70);
    akira_ui_set(bright, AKIRA_UI_P_STEP, 10);
    make(AKIRA_UI_LABEL, 0, 12, 128, 0, 0, "Theme");
    theme = make(AKIRA_UI_DROPDOWN, 0, 170, 122, 136, 30, 0);
    const char *themes = "Dark\nLight\nHigh contrast";
    akira_ui_set_options(theme, themes, slen(themes));
    sections = make(AKIRA_UI_LIST, 0, 12, 164, 296, 70, 0);
    const char *items = "About this device\nStorage\nSoftware update";
    akira_ui_set_options(sections, items, slen(items));
    if (wifi < 0 || bright < 0 || theme < 0 || sections < 0) return -1;
    akira_ui_focus(wifi);
    return 0;
}

static void changed(int32_t h, int32_t value)
{
    if (h == wifi)
        akira_printf("wifi %s\n", value ? "on" : "off");
    else if (h == bright)
        akira_printf("brightness %d\n", (int)value);
    else if (h == theme)
        akira_printf("theme %d\n", (int)value);
    else if (h == sections)
        akira_printf("section %d\n", (int)value);
}

__attribute__((export_name("main"))) int app_main(void)
{
    int32_t rc = build();
    if (rc) {
        akira_printf("cannot build the screen: %d\n", (int)rc);
        return 1;
    }
    akira_printf("settings ready\n");
    for (;;) {
        struct akira_event ev;
        if (akira_event_wait(&ev, -1) != 1) continue;
        if (ev.type == AKIRA_EVENT_STOP) return 0;
        if (ev.type != AKIRA_EVENT_UI) continue;
        uint32_t what = AKIRA_UI_EVENT_OF(ev.a);
        int32_t h = (int32_t)AKIRA_UI_HANDLE_OF(ev.a);
        if (what == AKIRA_UI_EV_VALUE_CHANGED) changed(h, (int32_t)ev.b);
        if (what == AKIRA_UI_EV_CLICKED && h == sections) changed(h, (int32_t)ev.b);
    }
}

/*
 * Private to the display, input and ui API modules (runtime/api/{screen,display,input,
 * ui}.c): the screen service's state for one app and the locked sections the natives
 * draw in. Everything here is called with no lock held unless it says so.
 */
#ifndef AKIRA_API_SCREEN_PRIV_H
#define AKIRA_API_SCREEN_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <akira/bridge.h>
#include <akira/gfx.h>
#include <akira/screen.h>
#include <akira/ui.h>

/* What the service keeps for one app that has used the display, input or ui API. */
struct scr_app {
    struct akira_app_ctx *app; /* NULL: slot free */
    bool claimed;              /* it had its chance to take a free display */
    bool owner_added;          /* owner is registered with the ui */
    akira_ui_owner_t owner;
    akira_ui_obj_t *screen; /* its UI screen, made by its first widget */
};

/* How a call treats display ownership. */
enum scr_claim {
    SCR_OWN = 0, /* must own the display (drawing): AKIRA_EBUSY otherwise */
    SCR_TAKE,    /* takes a free display, works without it (widgets, input state) */
    SCR_LOOK,    /* neither (the size) */
};

/* Takes the service lock, finds (or makes) the app's slot and applies mode: a free
 * display is taken by an app's first call that may take it. 0 with the lock held and
 * *slot set, or an error with the lock released: AKIRA_EBUSY, AKIRA_ENODEV (no
 * service), AKIRA_ENOSPC (no slot). */
int scr_enter(struct akira_app_ctx *app, struct scr_app **slot, enum scr_claim mode);
/* With the lock held: whether the slot's app owns the display. */
bool scr_in_front(const struct scr_app *s);
void scr_leave(void);

/* With the lock held: the back buffer's renderer, and the area drawing touched (NULL:
 * nothing); counts the draw and re-arms the auto-flush. */
akira_gfx_t *scr_back(void);
void scr_drawn(const akira_area_t *touched);
/* With the lock held: put what was drawn since the last flush on the panel. */
int scr_flush_locked(void);
uint16_t scr_width(void);
uint16_t scr_height(void);

/* With the lock held: the ui, and the app's owner and screen (registered and made on
 * first use; the screen shows at once when the app is in front). */
akira_ui_t *scr_ui(void);
int scr_app_ui(struct scr_app *s);

/* The w x h RGB565 pixels an app passes at (ptr, len): the host pointer, or NULL and
 * *rc = AKIRA_EINVAL (w or h <= 0, len below w*h*2, an odd address), AKIRA_ETOOBIG (a
 * side over max_side), AKIRA_EFAULT (outside memory). No lock needed. */
const akira_color_t *scr_app_pixels(struct akira_app_ctx *app, int32_t w, int32_t h, uint32_t ptr,
                                    uint32_t len, int32_t max_side, int *rc);

/* The display module's app_end: the app's widgets go, its slot is freed, and when it
 * owned the display the system screen comes back. */
void scr_app_end(struct akira_app_ctx *app);

#endif /* AKIRA_API_SCREEN_PRIV_H */

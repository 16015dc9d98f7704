/*
 * The UI layer: widgets in a tree, styles and themes, layouts, screens with a navigation
 * stack, input routing (touch and buttons) and dirty-area redraw through the band
 * renderer (akira/gfx.h).
 *
 * Who calls: one UI thread owns an akira_ui_t and makes every call on it (the layer is
 * not locked; the display service serialises app requests onto that thread). Time comes
 * only from the caller (input timestamps, akira_ui_tick), so the layer has no OS calls.
 *
 * Memory: every widget, and every string or pixel buffer it holds, is allocated from
 * its owner's allocator and charged to the owner's byte budget. A creation or setter
 * past the budget fails with AKIRA_EQUOTA and changes nothing; a failed allocator gives
 * AKIRA_ENOMEM. akira_ui_owner_release frees everything an owner has, so the runtime can
 * charge an app's quota and drop its whole tree when the app stops.
 *
 * Errors: functions return 0 (or a count) or a negative akira_err_t: EINVAL for a NULL
 * or out-of-range argument, ENOTSUP for a property or call the widget type does not have,
 * EPERM when an owner touches another owner's widget, ENOSPC when a bounded table
 * (screens, owners, points) is full, ETOOBIG for data beyond a documented maximum.
 */
#ifndef AKIRA_UI_H
#define AKIRA_UI_H

#include <stddef.h>
#include <stdint.h>

#include "akira/err.h"
#include "akira/font.h"
#include "akira/gfx.h"

#define AKIRA_UI_MAX_SCREENS   8    /* screens alive at once, all owners */
#define AKIRA_UI_MAX_OWNERS    8    /* owners registered at once */
#define AKIRA_UI_MAX_DIRTY     16   /* invalid areas kept before they are merged */
#define AKIRA_UI_MAX_EVENTS    32   /* events queued between two deliveries */
#define AKIRA_UI_MAX_TEXT      1024 /* longest string a widget takes (bytes, NUL excluded) */
#define AKIRA_UI_MAX_IMAGE     1024 /* longest side of an image/canvas (pixels) */
#define AKIRA_UI_MAX_DEPTH     16   /* nesting of widgets under a screen (bounds recursion) */
#define AKIRA_UI_LONG_PRESS_MS 500
#define AKIRA_UI_DRAG_PX       8 /* movement that turns a press into a drag */

/* The widget types (the numbers cross the WASM API: append only). */
typedef enum akira_ui_type {
    AKIRA_UI_SCREEN = 0,
    AKIRA_UI_LABEL,
    AKIRA_UI_BUTTON,
    AKIRA_UI_IMAGE,
    AKIRA_UI_CHECKBOX,
    AKIRA_UI_SWITCH,
    AKIRA_UI_SLIDER,
    AKIRA_UI_BAR,
    AKIRA_UI_ARC,
    AKIRA_UI_SPINNER,
    AKIRA_UI_LED,
    AKIRA_UI_LINE,
    AKIRA_UI_CONTAINER,
    AKIRA_UI_LIST,
    AKIRA_UI_TABLE,
    AKIRA_UI_TEXTAREA,
    AKIRA_UI_KEYBOARD,
    AKIRA_UI_DROPDOWN,
    AKIRA_UI_ROLLER,
    AKIRA_UI_SPINBOX,
    AKIRA_UI_CHART,
    AKIRA_UI_GAUGE,
    AKIRA_UI_TABVIEW,
    AKIRA_UI_TILEVIEW,
    AKIRA_UI_MSGBOX,
    AKIRA_UI_WINDOW,
    AKIRA_UI_MENU,
    AKIRA_UI_CALENDAR,
    AKIRA_UI_CANVAS,
    AKIRA_UI_QRCODE,
    AKIRA_UI_PROGRESS_RING,
    AKIRA_UI_TOAST,
    AKIRA_UI_STATUSBAR,
    AKIRA_UI_TYPE_COUNT
} akira_ui_type_t;

/* Name of a type ("label", ...), or NULL for an unknown number. */
const char *akira_ui_type_name(int type);

/* ---- theme and style ---------------------------------------------------------------- */

typedef struct akira_ui_theme {
    const char *name;
    akira_color_t bg;       /* screen background */
    akira_color_t surface;  /* cards, containers, inputs */
    akira_color_t surface2; /* tracks, unselected parts, table grid */
    akira_color_t text;
    akira_color_t text_muted;
    akira_color_t primary; /* accent: buttons, indicators, selection */
    akira_color_t on_primary;
    akira_color_t border;
    akira_color_t focus; /* focus ring */
    akira_color_t danger;
    akira_color_t ok;
} akira_ui_theme_t;

extern const akira_ui_theme_t akira_ui_theme_light;
extern const akira_ui_theme_t akira_ui_theme_dark;

/* A widget's style, set from the theme at creation; a property setter overrides one
 * field, and the override survives a theme change. */
typedef struct akira_ui_style {
    akira_color_t bg, fg, border, accent;
    uint8_t bg_opa; /* 0: transparent background, 255: opaque */
    uint8_t border_w, radius, pad;
    uint8_t font_px; /* 12, 16 or 24 (akira_font_for_size) */
} akira_ui_style_t;

/* ---- owners and memory -------------------------------------------------------------- */

typedef struct akira_ui_event akira_ui_event_t;
typedef void (*akira_ui_event_fn)(const akira_ui_event_t *ev, void *user);

/* The caller's allocator: alloc returns NULL when it cannot give the bytes. */
typedef struct akira_ui_alloc {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
} akira_ui_alloc_t;

/* An owner (the system, or one app): its id, allocator, budget and event callback.
 * The struct is the caller's; it must stay in place while registered. */
typedef struct akira_ui_owner {
    uint32_t id;
    akira_ui_alloc_t alloc;
    size_t budget;        /* bytes this owner may hold */
    size_t used;          /* bytes it holds now (read-only for the caller) */
    uint32_t objs;        /* widgets it holds now (read-only) */
    akira_ui_event_fn cb; /* events of its widgets, on the UI thread (may be NULL) */
    void *user;
} akira_ui_owner_t;

/* ---- widgets ------------------------------------------------------------------------ */

typedef struct akira_ui_obj akira_ui_obj_t; /* opaque */
typedef struct akira_ui akira_ui_t;

/* Layouts a widget applies to its children (property AKIRA_UI_P_LAYOUT). */
enum {
    AKIRA_UI_LAYOUT_NONE = 0, /* absolute: children at their own x, y */
    AKIRA_UI_LAYOUT_ROW,      /* flex row (AKIRA_UI_P_WRAP to wrap) */
    AKIRA_UI_LAYOUT_COLUMN,   /* flex column */
    AKIRA_UI_LAYOUT_GRID,     /* AKIRA_UI_P_GRID_COLS equal columns, rows in order */
};
/* Main-axis placement of flex children (AKIRA_UI_P_ALIGN) and cross-axis
 * (AKIRA_UI_P_CROSS). */
enum {
    AKIRA_UI_ALIGN_START = 0,
    AKIRA_UI_ALIGN_CENTER,
    AKIRA_UI_ALIGN_END,
    AKIRA_UI_ALIGN_SPACE_BETWEEN,
    AKIRA_UI_ALIGN_STRETCH, /* cross axis only */
};
/* Special sizes for AKIRA_UI_P_W / AKIRA_UI_P_H. */
#define AKIRA_UI_SIZE_CONTENT (-1)                   /* fit the content */
#define AKIRA_UI_PCT(p)       (-1000 - (int32_t)(p)) /* percent of the parent's content box */

/* Integer properties (akira_ui_set / akira_ui_get). A type answers ENOTSUP for one it
 * does not have. Values out of range are EINVAL and change nothing. */
typedef enum akira_ui_prop {
    AKIRA_UI_P_X = 0,
    AKIRA_UI_P_Y,
    AKIRA_UI_P_W,
    AKIRA_UI_P_H,
    AKIRA_UI_P_HIDDEN,
    AKIRA_UI_P_DISABLED,
    AKIRA_UI_P_FOCUSABLE,
    AKIRA_UI_P_CLICKABLE,
    AKIRA_UI_P_BG_COLOR,
    AKIRA_UI_P_FG_COLOR, /* text / foreground */
    AKIRA_UI_P_BORDER_COLOR,
    AKIRA_UI_P_ACCENT_COLOR, /* indicator (slider, bar, arc, led, line, chart...) */
    AKIRA_UI_P_BG_OPA,
    AKIRA_UI_P_BORDER_W,
    AKIRA_UI_P_RADIUS,
    AKIRA_UI_P_PAD,
    AKIRA_UI_P_FONT, /* pixel size */
    AKIRA_UI_P_LAYOUT,
    AKIRA_UI_P_WRAP,
    AKIRA_UI_P_GAP,
    AKIRA_UI_P_ALIGN,
    AKIRA_UI_P_CROSS,
    AKIRA_UI_P_GROW, /* flex grow of this child (0 = none) */
    AKIRA_UI_P_GRID_COLS,
    AKIRA_UI_P_SCROLL_X,
    AKIRA_UI_P_SCROLL_Y,
    AKIRA_UI_P_SCROLLABLE,
    AKIRA_UI_P_VALUE, /* the widget's value: slider, bar, arc, switch, checkbox, led
                         brightness, spinbox, gauge, roller/dropdown/list/menu selected,
                         tabview/tileview active page, calendar day, progress ring... */
    AKIRA_UI_P_MIN,
    AKIRA_UI_P_MAX,
    AKIRA_UI_P_ROWS,       /* table rows, textarea lines shown */
    AKIRA_UI_P_COLS,       /* table columns, tileview columns */
    AKIRA_UI_P_CURSOR,     /* textarea cursor (byte offset) */
    AKIRA_UI_P_MONTH,      /* calendar shown month 1..12 */
    AKIRA_UI_P_YEAR,       /* calendar shown year */
    AKIRA_UI_P_CHART_TYPE, /* 0 line, 1 bar */
    AKIRA_UI_P_DURATION,   /* toast life in ms */
    AKIRA_UI_P_TEXT_ALIGN, /* 0 left, 1 centre, 2 right */
    AKIRA_UI_P_STEP,       /* spinbox/slider key step */
    AKIRA_UI_P_OPEN,       /* dropdown list open (read, or 0/1 to close/open) */
    AKIRA_UI_P_COUNT_      /* internal */
} akira_ui_prop_t;

/*
 * Create a widget of `type` as the last child of `parent` (a screen or any widget),
 * owned by `owner` (parent must belong to the same owner, else EPERM). Style from the
 * current theme; size AKIRA_UI_SIZE_CONTENT. EQUOTA past the owner's budget, ETOOBIG
 * deeper than AKIRA_UI_MAX_DEPTH.
 */
int akira_ui_create(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t *parent,
                    akira_ui_type_t type, akira_ui_obj_t **out);
/* Delete a widget and its subtree (screens: akira_ui_screen_delete). */
int akira_ui_delete(akira_ui_obj_t *obj);

int akira_ui_set(akira_ui_obj_t *obj, akira_ui_prop_t p, int32_t v);
int akira_ui_get(const akira_ui_obj_t *obj, akira_ui_prop_t p, int32_t *v);
/* The main text: label, button, checkbox, textarea, msgbox body, toast, statusbar (its
 * right-hand text, e.g. the time), qrcode (its data), window/menu title, spinbox suffix.
 * Copied (charged to the owner). */
int akira_ui_set_text(akira_ui_obj_t *obj, const char *text);
/* Copy the main text into buf (NUL-terminated, truncated to cap); returns its length. */
int akira_ui_get_text(const akira_ui_obj_t *obj, char *buf, size_t cap);
/* Title of a msgbox/window/menu/statusbar (the left-hand text). */
int akira_ui_set_title(akira_ui_obj_t *obj, const char *title);
/* Options, '\n'-separated: dropdown, roller, list, menu (items), msgbox (buttons),
 * tabview (tab names: one page child per tab is created/kept in step). */
int akira_ui_set_options(akira_ui_obj_t *obj, const char *opts);
/* The text of option i into buf; returns its length or ENOENT. */
int akira_ui_get_option(const akira_ui_obj_t *obj, int32_t i, char *buf, size_t cap);

/* Widget identity: a number unique within the ui while the widget lives (never 0), the
 * type, the owner id, and a caller word carried in every event. */
uint16_t akira_ui_id(const akira_ui_obj_t *obj);
akira_ui_type_t akira_ui_type(const akira_ui_obj_t *obj);
uint32_t akira_ui_owner_id(const akira_ui_obj_t *obj);
void akira_ui_set_user(akira_ui_obj_t *obj, uint32_t user);
/* Find a live widget by id; NULL if none or if it is not `owner`'s (owner NULL: any). */
akira_ui_obj_t *akira_ui_find(akira_ui_t *ui, const akira_ui_owner_t *owner, uint16_t id);
akira_ui_obj_t *akira_ui_parent(const akira_ui_obj_t *obj);
akira_ui_obj_t *akira_ui_child(const akira_ui_obj_t *obj, int32_t i);
/* The screen area a widget covers after the last layout (akira_ui_refresh lays out). */
int akira_ui_area(akira_ui_obj_t *obj, akira_area_t *out);
/* Mark a widget for redraw (setters do it themselves). */
void akira_ui_invalidate(akira_ui_obj_t *obj);

/* ---- type-specific calls (ENOTSUP on another type) ---------------------------------- */

/* Image from the caller's pixels (copied, charged): RGB565, w*h <= and sides <=
 * AKIRA_UI_MAX_IMAGE (ETOOBIG otherwise), `key` transparent color or NULL. */
int akira_ui_image_set_rgb565(akira_ui_obj_t *img, int32_t w, int32_t h, const akira_color_t *px,
                              const akira_color_t *key);
/* Indexed image: one byte per pixel into palette[ncolors] (<= 256), `transparent` index or
 * -1. */
int akira_ui_image_set_indexed(akira_ui_obj_t *img, int32_t w, int32_t h, const uint8_t *idx,
                               const akira_color_t *palette, int32_t ncolors, int32_t transparent);
/* Table cell text (rows/cols set by AKIRA_UI_P_ROWS/COLS, at most 16 x 8). */
int akira_ui_table_set_cell(akira_ui_obj_t *t, int32_t row, int32_t col, const char *text);
int akira_ui_table_get_cell(const akira_ui_obj_t *t, int32_t row, int32_t col, char *buf,
                            size_t cap);
/* Chart series 0 or 1: n (<= 64) points, values within MIN..MAX are drawn. */
int akira_ui_chart_set_points(akira_ui_obj_t *c, int32_t series, const int16_t *v, int32_t n);
/* Line widget: n (2..32) points, pairs x,y relative to the widget. */
int akira_ui_line_set_points(akira_ui_obj_t *l, const int16_t *xy, int32_t n);
/* Keyboard types into this textarea (NULL: none); both must have the same owner. */
int akira_ui_keyboard_set_target(akira_ui_obj_t *kb, akira_ui_obj_t *ta);
/* Textarea editing at the cursor. */
int akira_ui_textarea_insert(akira_ui_obj_t *ta, const char *text);
int akira_ui_textarea_backspace(akira_ui_obj_t *ta);
/* Page i of a tabview or tileview (tileview: pages are added as children in reading
 * order, AKIRA_UI_P_COLS per row). */
akira_ui_obj_t *akira_ui_page(const akira_ui_obj_t *view, int32_t i);
/* Canvas: allocate its w x h pixel buffer (charged), filled with bg. */
int akira_ui_canvas_size(akira_ui_obj_t *cv, int32_t w, int32_t h, akira_color_t bg);
/* Draw on the canvas with the gfx primitives (coordinates relative to the canvas). */
int akira_ui_canvas_draw(akira_ui_obj_t *cv, akira_gfx_draw_fn draw, void *arg);
int akira_ui_canvas_pixel(akira_ui_obj_t *cv, int32_t x, int32_t y, akira_color_t c);

/* ---- screens and navigation --------------------------------------------------------- */

/* Screen transitions. */
enum {
    AKIRA_UI_ANIM_NONE = 0,
    AKIRA_UI_ANIM_SLIDE_LEFT, /* the new screen comes in from the right */
    AKIRA_UI_ANIM_SLIDE_RIGHT,
    AKIRA_UI_ANIM_SLIDE_UP,
    AKIRA_UI_ANIM_SLIDE_DOWN,
    AKIRA_UI_ANIM_COVER, /* the new screen slides over the old one from the bottom */
};

/* A new, empty screen of the full display size (ENOSPC past AKIRA_UI_MAX_SCREENS). */
int akira_ui_screen_create(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t **out);
/* Delete a screen and its tree; it leaves the navigation stack (the one under it shows). */
int akira_ui_screen_delete(akira_ui_obj_t *scr);
/* Push a screen on the navigation stack (depth AKIRA_UI_MAX_SCREENS) with a transition of
 * `ms` milliseconds driven by akira_ui_tick; SCREEN_LOADED goes to its owner. */
int akira_ui_screen_push(akira_ui_t *ui, akira_ui_obj_t *scr, int anim, uint32_t ms);
/* Replace the top of the stack. */
int akira_ui_screen_load(akira_ui_t *ui, akira_ui_obj_t *scr, int anim, uint32_t ms);
/* Pop back to the screen below (ESTATE when only one is left). */
int akira_ui_screen_pop(akira_ui_t *ui, int anim, uint32_t ms);
akira_ui_obj_t *akira_ui_screen_active(const akira_ui_t *ui);
int akira_ui_stack_depth(const akira_ui_t *ui);
/* A toast (text, shown `ms` then removed) on the top layer, owned by `owner`. */
int akira_ui_toast(akira_ui_t *ui, akira_ui_owner_t *owner, const char *text, uint32_t ms,
                   akira_ui_obj_t **out);
/* A modal message box on the top layer: title, body, '\n'-separated buttons. A button
 * sends VALUE_CHANGED (value = button index) and closes the box. */
int akira_ui_msgbox(akira_ui_t *ui, akira_ui_owner_t *owner, const char *title, const char *text,
                    const char *buttons, akira_ui_obj_t **out);

/* ---- input and events --------------------------------------------------------------- */

enum {
    AKIRA_UI_KEY_UP = 1,
    AKIRA_UI_KEY_DOWN,
    AKIRA_UI_KEY_LEFT,
    AKIRA_UI_KEY_RIGHT,
    AKIRA_UI_KEY_SELECT,
    AKIRA_UI_KEY_BACK,
    AKIRA_UI_KEY_A,
    AKIRA_UI_KEY_B,
};
enum { AKIRA_UI_IN_BUTTON = 1, AKIRA_UI_IN_TOUCH = 2 };

/* One input sample, as the input driver reports it. time_ms is the caller's clock (the
 * same as akira_ui_tick's) and must not go backwards. */
typedef struct akira_ui_input {
    uint8_t kind;    /* AKIRA_UI_IN_BUTTON or AKIRA_UI_IN_TOUCH */
    uint8_t button;  /* AKIRA_UI_KEY_* for a button */
    uint8_t pressed; /* 1 pressed, 0 released */
    int16_t x, y;    /* touch point (screen pixels) */
    uint32_t time_ms;
} akira_ui_input_t;

typedef enum akira_ui_event_type {
    AKIRA_UI_EV_PRESSED = 1,
    AKIRA_UI_EV_RELEASED,
    AKIRA_UI_EV_CLICKED,
    AKIRA_UI_EV_LONG_PRESSED,
    AKIRA_UI_EV_VALUE_CHANGED,
    AKIRA_UI_EV_FOCUSED,
    AKIRA_UI_EV_DEFOCUSED,
    AKIRA_UI_EV_SCROLLED,
    AKIRA_UI_EV_SCREEN_LOADED,
    AKIRA_UI_EV_GESTURE, /* value: AKIRA_UI_DIR_* of a swipe, to the screen's owner */
    AKIRA_UI_EV_READY,   /* keyboard enter, msgbox closed */
} akira_ui_event_type_t;
enum { AKIRA_UI_DIR_LEFT = 1, AKIRA_UI_DIR_RIGHT, AKIRA_UI_DIR_UP, AKIRA_UI_DIR_DOWN };

struct akira_ui_event {
    uint8_t type;      /* akira_ui_event_type_t */
    uint8_t obj_type;  /* akira_ui_type_t of the widget */
    uint16_t obj_id;   /* akira_ui_id of the widget (it may be gone by delivery) */
    uint32_t owner_id; /* the widget's owner */
    uint32_t user;     /* the widget's akira_ui_set_user word */
    int32_t value;     /* new value, option index, direction... */
    int16_t x, y;      /* touch point when touch caused it */
};

/* Feed one input sample: routes it (hit-test, focus, keys), queues the events and
 * delivers them to the owners' callbacks before returning. */
int akira_ui_input(akira_ui_t *ui, const akira_ui_input_t *in);
/* Advance time: long-press, animations (screen transitions, spinner, cursor blink),
 * toast expiry. Delivers queued events. */
int akira_ui_tick(akira_ui_t *ui, uint32_t now_ms);
/* Events dropped because the queue was full (since init). */
uint32_t akira_ui_events_dropped(const akira_ui_t *ui);
/* The focused widget (NULL if none) and moving focus in code. */
akira_ui_obj_t *akira_ui_focused(const akira_ui_t *ui);
int akira_ui_focus(akira_ui_obj_t *obj);

/* ---- the context -------------------------------------------------------------------- */

/* Set up a UI on a renderer (the caller's; it must outlive the ui). */
int akira_ui_init(akira_ui_t *ui, akira_gfx_t *gfx, const akira_ui_theme_t *theme);
/* Release every owner's widgets (the ui can then be dropped). */
void akira_ui_deinit(akira_ui_t *ui);
/* Register / release an owner. Release deletes all its widgets and screens (popping its
 * screens off the stack) and unregisters it. */
int akira_ui_owner_add(akira_ui_t *ui, akira_ui_owner_t *owner);
int akira_ui_owner_release(akira_ui_t *ui, akira_ui_owner_t *owner);
/* Change the theme of every widget (overridden style fields are kept). */
int akira_ui_set_theme(akira_ui_t *ui, const akira_ui_theme_t *theme);
/* Lay out and redraw what is invalid, band by band through the renderer, flushing each
 * band. Returns the number of bands flushed, or the first flush error. */
int akira_ui_refresh(akira_ui_t *ui);
/* Mark the whole display for redraw. */
void akira_ui_invalidate_all(akira_ui_t *ui);

/* ---- launcher / system screen ------------------------------------------------------- */

enum { AKIRA_UI_APP_STOPPED = 0, AKIRA_UI_APP_RUNNING, AKIRA_UI_APP_FAILED };

/* Where the launcher gets its data (the app manager, bound by the display service).
 * Called on the UI thread from akira_ui_launcher_sync and from the launcher's buttons. */
typedef struct akira_ui_launcher_provider {
    int (*count)(void *ctx);                              /* installed apps */
    int (*name)(void *ctx, int i, char *buf, size_t cap); /* 0 or err */
    int (*state)(void *ctx, int i);                       /* AKIRA_UI_APP_* or err */
    int (*start)(void *ctx, int i);                       /* 0 or err */
    int (*stop)(void *ctx, int i);                        /* 0 or err */
    void *ctx;
} akira_ui_launcher_provider_t;

#define AKIRA_UI_LAUNCHER_MAX_APPS 16

/* Build the system screen on `owner` (status bar, a grid of app tiles showing name and
 * state; selecting a tile starts a stopped app or stops a running one, with a toast on
 * an error). The provider struct must outlive the screen. */
int akira_ui_launcher_create(akira_ui_t *ui, akira_ui_owner_t *owner,
                             const akira_ui_launcher_provider_t *p, akira_ui_obj_t **screen);
/* Re-read names and states from the provider (call when the app set changes). */
int akira_ui_launcher_sync(akira_ui_obj_t *screen);
/* Status bar contents: right-hand text (clock) and battery percent (-1 hides it). */
int akira_ui_launcher_status(akira_ui_obj_t *screen, const char *clock, int32_t battery);

/* ---- internals the caller allocates (do not touch the fields) ------------------------ */

struct akira_ui {
    akira_gfx_t *gfx;
    const akira_ui_theme_t *theme;
    akira_ui_owner_t *owners[AKIRA_UI_MAX_OWNERS];
    akira_ui_obj_t *screens[AKIRA_UI_MAX_SCREENS]; /* alive */
    akira_ui_obj_t *stack[AKIRA_UI_MAX_SCREENS];   /* navigation, [depth-1] on top */
    int32_t depth;
    akira_ui_obj_t *top;  /* top layer: toasts and msgboxes, in drawing order */
    akira_ui_obj_t *open; /* the dropdown whose list is open */
    akira_area_t dirty[AKIRA_UI_MAX_DIRTY];
    int32_t ndirty;
    akira_ui_event_t events[AKIRA_UI_MAX_EVENTS];
    int32_t nevents;
    uint32_t dropped;
    uint16_t next_id;
    uint8_t delivering;
    uint8_t layout_dirty;
    uint32_t now;
    /* screen transition */
    akira_ui_obj_t *anim_from;
    int32_t anim_kind;
    uint32_t anim_start, anim_ms;
    /* input state */
    akira_ui_obj_t *focused;
    akira_ui_obj_t *pressed;
    akira_ui_obj_t *scroll_obj;
    akira_ui_obj_t *gesture_obj;
    int16_t press_x, press_y, last_x, last_y;
    uint32_t press_t;
    uint8_t touch_down, long_sent, dragging, editing;
};

#endif /* AKIRA_UI_H */

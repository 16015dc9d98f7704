/* Private to ui/: the widget object, the class interface and the helpers widgets share. */
#ifndef AKIRA_UI_PRIV_H
#define AKIRA_UI_PRIV_H

#include "akira/ui.h"

#include <string.h>

/* obj->flags */
enum {
    F_HIDDEN = 1 << 0,
    F_DISABLED = 1 << 1,
    F_FOCUSABLE = 1 << 2,
    F_CLICKABLE = 1 << 3,
    F_SCROLLABLE = 1 << 4,
    F_PRESSED = 1 << 5,
    F_TOP = 1 << 6,  /* on the top layer (toast, msgbox) */
    F_PAGE = 1 << 7, /* a page of a tabview/tileview: placed by the view */
};

typedef struct dc {
    akira_gfx_t *g;
    int32_t dx, dy; /* screen transition offset */
    const akira_ui_theme_t *th;
} dc_t;

typedef struct cls {
    uint8_t type;
    uint16_t ext; /* bytes of type state after the object */
    uint16_t flags;
    void (*init)(akira_ui_obj_t *o);
    void (*draw)(akira_ui_obj_t *o, dc_t *dc, akira_area_t a);
    void (*content)(akira_ui_obj_t *o, int32_t *w, int32_t *h); /* natural content size */
    int (*set)(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v);
    int (*get)(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v);
    /* a key while editing; returns 1 if used, 0 to end editing */
    int (*key)(akira_ui_obj_t *o, int key);
    /* touch on the widget: phase 0 press, 1 drag, 2 release; x, y relative to its area */
    void (*touch)(akira_ui_obj_t *o, int phase, int32_t x, int32_t y);
    void (*click)(akira_ui_obj_t *o, int32_t x, int32_t y); /* x < 0: from the select key */
    void (*destroy)(akira_ui_obj_t *o);
    void (*tick)(akira_ui_obj_t *o, uint32_t now);
    /* adjust the content box *cb the children are laid out in; return 1 if it placed the
     * children itself (and set content_w/h), 0 for the generic layout in *cb */
    int (*layout)(akira_ui_obj_t *o, akira_area_t *cb);
    int (*gesture)(akira_ui_obj_t *o, int dir);
    uint8_t editable; /* select enters an edit mode that takes the arrow keys */
} cls_t;

struct akira_ui_obj {
    const cls_t *cls;
    akira_ui_t *ui;
    akira_ui_owner_t *owner;
    akira_ui_obj_t *parent, *child, *next;
    akira_area_t area; /* on screen, after layout (scroll of ancestors applied) */
    int16_t x, y, w, h;
    int16_t scroll_x, scroll_y;
    int16_t content_w, content_h; /* extent of the children (scroll limits) */
    uint16_t id;
    uint16_t flags;
    uint8_t layout, wrap, gap, align, cross, grow, grid_cols, text_align;
    uint16_t st_set; /* style fields set by the caller (bit per P_ property) */
    akira_ui_style_t st;
    uint32_t user;
    int32_t value, min, max;
    char *text, *title, *opts;
    uint16_t text_cap, title_cap, opts_cap;
    uint16_t nopts;
    /* called for each event of this widget before the owner sees it (launcher, msgbox) */
    void (*handler)(akira_ui_obj_t *o, int ev, int32_t value);
    void *priv; /* a component's state on this widget (launcher), charged, freed with it */
    uint16_t priv_size;
    uint32_t size; /* bytes charged for this block */
};

#define EXT(o, T) ((T *)(void *)((o) + 1))

/* memory charged to an owner */
void *ui_mem_alloc(akira_ui_owner_t *ow, size_t n, int *err);
void ui_mem_free(akira_ui_owner_t *ow, void *p, size_t n);
/* copy s into *slot (capacity *cap), charged; NULL s clears */
int ui_str_set(akira_ui_obj_t *o, char **slot, uint16_t *cap, const char *s);

void ui_event(akira_ui_obj_t *o, int type, int32_t value, int16_t x, int16_t y);
void ui_relayout(akira_ui_t *ui);
void ui_layout_now(akira_ui_t *ui);
const akira_font_t *ui_font(const akira_ui_obj_t *o);
akira_area_t ui_content(const akira_ui_obj_t *o, akira_area_t a);
void ui_draw_bg(akira_ui_obj_t *o, dc_t *dc, akira_area_t a);
/* Lines of text wrapped at maxw (<= 0: only at '\n'); calls fn for each line. */
typedef void (*ui_line_fn)(void *arg, int32_t line, const char *s, int32_t len);
int32_t ui_text_lines(const akira_font_t *f, const char *s, int32_t maxw, ui_line_fn fn, void *arg);
void ui_text_size(const akira_font_t *f, const char *s, int32_t maxw, int32_t *w, int32_t *h);
void ui_text_box(akira_gfx_t *g, const akira_font_t *f, akira_area_t a, const char *s, int align,
                 akira_color_t c);
/* option i of a '\n' list: start and length, or -1 */
int32_t ui_opt(const char *opts, int32_t i, int32_t *len);
int32_t ui_clamp(int32_t v, int32_t lo, int32_t hi);
void ui_layout_obj(akira_ui_obj_t *o);
void ui_size_of(akira_ui_obj_t *c, int32_t pw, int32_t ph, int32_t *w, int32_t *h);
int ui_set_value(akira_ui_obj_t *o, int32_t v, int notify);
/* The value/min/max/step properties of the range widgets (slider, bar, arc, spinbox,
 * gauge, ring); a type whose state starts with range_t has a key step. */
typedef struct {
    int32_t step;
} range_t;
int ui_range_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v);
int ui_range_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v);
void ui_range_init(akira_ui_obj_t *o);
int ui_create_raw(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t *parent,
                  akira_ui_type_t type, akira_ui_obj_t **out);
void ui_remove_top(akira_ui_obj_t *o);
akira_color_t ui_darken(akira_color_t c, uint8_t by);

extern const cls_t *const ui_classes[AKIRA_UI_TYPE_COUNT];
void ui_dropdown_draw_list(akira_ui_obj_t *o, dc_t *dc);
int ui_dropdown_list_area(akira_ui_obj_t *o, akira_area_t *a);
void ui_dropdown_list_click(akira_ui_obj_t *o, int32_t x, int32_t y);

#endif

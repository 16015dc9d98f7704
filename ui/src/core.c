/*
 * The widget tree: memory charged to owners, properties and styles, layout, dirty-area
 * redraw through the band renderer, screens and the navigation stack.
 */
#include "ui_priv.h"

/* ---- memory ----------------------------------------------------------------------- */

void *ui_mem_alloc(akira_ui_owner_t *ow, size_t n, int *err)
{
    if (n == 0 || n > ow->budget || ow->used > ow->budget - n) {
        *err = AKIRA_EQUOTA;
        return NULL;
    }
    void *p = ow->alloc.alloc(ow->alloc.ctx, n);
    if (!p) {
        *err = AKIRA_ENOMEM;
        return NULL;
    }
    ow->used += n;
    memset(p, 0, n);
    return p;
}

void ui_mem_free(akira_ui_owner_t *ow, void *p, size_t n)
{
    if (!p) return;
    ow->alloc.free(ow->alloc.ctx, p, n);
    ow->used -= n;
}

int ui_str_set(akira_ui_obj_t *o, char **slot, uint16_t *cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > AKIRA_UI_MAX_TEXT) return AKIRA_ETOOBIG;
    if (!s || !n) {
        ui_mem_free(o->owner, *slot, *cap);
        *slot = NULL;
        *cap = 0;
        return AKIRA_OK;
    }
    if (*slot && *cap >= n + 1 && *cap <= 2 * (n + 1) + 16) {
        memcpy(*slot, s, n + 1);
        return AKIRA_OK;
    }
    int err = 0;
    char *p = ui_mem_alloc(o->owner, n + 1, &err);
    if (!p) return err;
    memcpy(p, s, n + 1);
    ui_mem_free(o->owner, *slot, *cap);
    *slot = p;
    *cap = (uint16_t)(n + 1);
    return AKIRA_OK;
}

int32_t ui_clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

int32_t ui_opt(const char *opts, int32_t i, int32_t *len)
{
    if (!opts || i < 0) return -1;
    const char *s = opts;
    for (int32_t k = 0; k < i; k++) {
        s = strchr(s, '\n');
        if (!s) return -1;
        s++;
    }
    const char *e = strchr(s, '\n');
    *len = e ? (int32_t)(e - s) : (int32_t)strlen(s);
    return (int32_t)(s - opts);
}

akira_color_t ui_darken(akira_color_t c, uint8_t by)
{
    return akira_color_mix(0, c, by);
}

/* ---- themes and styles ------------------------------------------------------------ */

const akira_ui_theme_t akira_ui_theme_light = {
    "light",
    AKIRA_RGB(0xF2, 0xF4, 0xF7),
    AKIRA_RGB(0xFF, 0xFF, 0xFF),
    AKIRA_RGB(0xDD, 0xE1, 0xE7),
    AKIRA_RGB(0x1C, 0x21, 0x28),
    AKIRA_RGB(0x6B, 0x72, 0x80),
    AKIRA_RGB(0x1E, 0x6F, 0xE8),
    AKIRA_RGB(0xFF, 0xFF, 0xFF),
    AKIRA_RGB(0xC4, 0xCA, 0xD4),
    AKIRA_RGB(0xF5, 0x9E, 0x0B),
    AKIRA_RGB(0xDC, 0x26, 0x26),
    AKIRA_RGB(0x16, 0xA3, 0x4A),
};

const akira_ui_theme_t akira_ui_theme_dark = {
    "dark",
    AKIRA_RGB(0x12, 0x14, 0x18),
    AKIRA_RGB(0x22, 0x26, 0x2E),
    AKIRA_RGB(0x3A, 0x40, 0x4C),
    AKIRA_RGB(0xE8, 0xEA, 0xEE),
    AKIRA_RGB(0x9A, 0xA1, 0xAD),
    AKIRA_RGB(0x4C, 0x8D, 0xF6),
    AKIRA_RGB(0xFF, 0xFF, 0xFF),
    AKIRA_RGB(0x44, 0x4B, 0x57),
    AKIRA_RGB(0xFB, 0xBF, 0x24),
    AKIRA_RGB(0xF8, 0x71, 0x71),
    AKIRA_RGB(0x4A, 0xDE, 0x80),
};

/* The theme's style of a widget type. */
static void theme_style(const akira_ui_theme_t *t, int type, akira_ui_style_t *s)
{
    memset(s, 0, sizeof *s);
    s->bg = t->surface;
    s->fg = t->text;
    s->border = t->border;
    s->accent = t->primary;
    s->font_px = 16;
    switch (type) {
    case AKIRA_UI_SCREEN:
        s->bg = t->bg;
        s->bg_opa = 255;
        break;
    case AKIRA_UI_LABEL:
    case AKIRA_UI_LINE:
    case AKIRA_UI_SPINNER:
    case AKIRA_UI_LED:
    case AKIRA_UI_IMAGE:
    case AKIRA_UI_CHECKBOX:
    case AKIRA_UI_SWITCH:
    case AKIRA_UI_SLIDER:
    case AKIRA_UI_BAR:
    case AKIRA_UI_ARC:
    case AKIRA_UI_GAUGE:
    case AKIRA_UI_PROGRESS_RING:
    case AKIRA_UI_QRCODE:
    case AKIRA_UI_CANVAS: s->bg = t->surface2; break;
    case AKIRA_UI_BUTTON:
        s->bg = t->primary;
        s->fg = t->on_primary;
        s->bg_opa = 255;
        s->radius = 8;
        s->pad = 8;
        break;
    case AKIRA_UI_TOAST:
        s->bg = AKIRA_RGB(0x30, 0x33, 0x3A);
        s->fg = AKIRA_RGB(0xFF, 0xFF, 0xFF);
        s->bg_opa = 255;
        s->radius = 12;
        s->pad = 10;
        break;
    case AKIRA_UI_STATUSBAR:
        s->bg = t->surface;
        s->bg_opa = 255;
        s->pad = 4;
        s->font_px = 12;
        break;
    case AKIRA_UI_KEYBOARD:
        s->bg = t->surface2;
        s->bg_opa = 255;
        s->pad = 3;
        s->radius = 0;
        break;
    default: /* containers and the boxed widgets */
        s->bg_opa = 255;
        s->border_w = 1;
        s->radius = 6;
        s->pad = 6;
        break;
    }
    if (type == AKIRA_UI_QRCODE) {
        s->bg = AKIRA_RGB(0xFF, 0xFF, 0xFF);
        s->fg = 0;
        s->bg_opa = 255;
        s->pad = 4;
    }
    if (type == AKIRA_UI_TILEVIEW || type == AKIRA_UI_TABVIEW) {
        s->border_w = 0;
        s->radius = 0;
        s->pad = 0;
        s->bg = t->bg;
    }
}

/* The style properties in the order of their override bits. */
static const akira_ui_prop_t style_props[] = {
    AKIRA_UI_P_BG_COLOR,     AKIRA_UI_P_FG_COLOR, AKIRA_UI_P_BORDER_COLOR,
    AKIRA_UI_P_ACCENT_COLOR, AKIRA_UI_P_BG_OPA,   AKIRA_UI_P_BORDER_W,
    AKIRA_UI_P_RADIUS,       AKIRA_UI_P_PAD,      AKIRA_UI_P_FONT,
};

static int style_bit(akira_ui_prop_t p)
{
    for (int i = 0; i < (int)(sizeof style_props / sizeof style_props[0]); i++)
        if (style_props[i] == p) return i;
    return -1;
}

static void style_field(akira_ui_style_t *s, akira_ui_prop_t p, int32_t v)
{
    switch (p) {
    case AKIRA_UI_P_BG_COLOR: s->bg = (akira_color_t)v; break;
    case AKIRA_UI_P_FG_COLOR: s->fg = (akira_color_t)v; break;
    case AKIRA_UI_P_BORDER_COLOR: s->border = (akira_color_t)v; break;
    case AKIRA_UI_P_ACCENT_COLOR: s->accent = (akira_color_t)v; break;
    case AKIRA_UI_P_BG_OPA: s->bg_opa = (uint8_t)v; break;
    case AKIRA_UI_P_BORDER_W: s->border_w = (uint8_t)v; break;
    case AKIRA_UI_P_RADIUS: s->radius = (uint8_t)v; break;
    case AKIRA_UI_P_PAD: s->pad = (uint8_t)v; break;
    case AKIRA_UI_P_FONT: s->font_px = (uint8_t)v; break;
    default: break;
    }
}

static int32_t style_get(const akira_ui_style_t *s, akira_ui_prop_t p)
{
    switch (p) {
    case AKIRA_UI_P_BG_COLOR: return s->bg;
    case AKIRA_UI_P_FG_COLOR: return s->fg;
    case AKIRA_UI_P_BORDER_COLOR: return s->border;
    case AKIRA_UI_P_ACCENT_COLOR: return s->accent;
    case AKIRA_UI_P_BG_OPA: return s->bg_opa;
    case AKIRA_UI_P_BORDER_W: return s->border_w;
    case AKIRA_UI_P_RADIUS: return s->radius;
    case AKIRA_UI_P_PAD: return s->pad;
    case AKIRA_UI_P_FONT: return s->font_px;
    default: return 0;
    }
}

static void restyle(akira_ui_obj_t *o, const akira_ui_theme_t *t)
{
    akira_ui_style_t th;
    theme_style(t, o->cls->type, &th);
    for (int i = 0; i < (int)(sizeof style_props / sizeof style_props[0]); i++)
        if (!(o->st_set & (1u << i)))
            style_field(&o->st, style_props[i], style_get(&th, style_props[i]));
    for (akira_ui_obj_t *c = o->child; c; c = c->next)
        restyle(c, t);
}

const akira_font_t *ui_font(const akira_ui_obj_t *o)
{
    return akira_font_for_size(o->st.font_px);
}

akira_area_t ui_content(const akira_ui_obj_t *o, akira_area_t a)
{
    int32_t p = o->st.pad + o->st.border_w;
    a.x1 = (int16_t)(a.x1 + p);
    a.y1 = (int16_t)(a.y1 + p);
    a.x2 = (int16_t)(a.x2 - p);
    a.y2 = (int16_t)(a.y2 - p);
    return a;
}

void ui_draw_bg(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    if (o->st.bg_opa) {
        uint8_t opa = dc->g->opa;
        dc->g->opa = (uint8_t)(opa * o->st.bg_opa / 255);
        akira_color_t bg = o->st.bg;
        if ((o->flags & F_PRESSED) && o->cls->type == AKIRA_UI_BUTTON) bg = ui_darken(bg, 60);
        if (o->flags & F_DISABLED) bg = akira_color_mix(bg, dc->th->surface2, 110);
        akira_gfx_rrect(dc->g, &a, o->st.radius, 0, bg);
        dc->g->opa = opa;
    }
    if (o->st.border_w) akira_gfx_rrect(dc->g, &a, o->st.radius, o->st.border_w, o->st.border);
}

/* ---- text helpers ----------------------------------------------------------------- */

int32_t ui_text_lines(const akira_font_t *f, const char *s, int32_t maxw, ui_line_fn fn, void *arg)
{
    if (!s) return 0;
    int32_t line = 0, i = 0, n = (int32_t)strlen(s);
    while (i <= n) {
        /* find the end of this line: '\n', end, or the last space before maxw */
        int32_t start = i, w = 0, brk = -1, end = i;
        while (end < n && s[end] != '\n') {
            uint32_t cp;
            int32_t k = akira_utf8_next(s + end, n - end, &cp);
            const akira_font_glyph_t *gl = akira_font_glyph(f, cp);
            int32_t adv = gl ? gl->adv : 0;
            if (maxw > 0 && w + adv > maxw && end > start) {
                if (brk > start) end = brk;
                break;
            }
            if (cp == ' ') brk = end;
            w += adv;
            end += k;
        }
        if (fn) fn(arg, line, s + start, end - start);
        line++;
        if (end >= n) break;
        i = end + 1; /* skip the '\n' or the space we broke at */
        if (s[end] != '\n' && s[end] != ' ') i = end;
    }
    return line;
}

typedef struct {
    akira_gfx_t *g;
    const akira_font_t *f;
    akira_area_t a;
    int align;
    akira_color_t c;
    int32_t y0;
} tb_t;

static void tb_line(void *arg, int32_t line, const char *s, int32_t len)
{
    tb_t *t = arg;
    int32_t w = akira_font_text_width(t->f, s, len), aw = akira_area_w(&t->a);
    int32_t x = t->a.x1 + (t->align == 1 ? (aw - w) / 2 : t->align == 2 ? aw - w : 0);
    akira_gfx_text(t->g, t->f, x, t->y0 + line * t->f->line_height, s, len, t->c);
}

static void count_line(void *arg, int32_t line, const char *s, int32_t len)
{
    (void)line;
    tb_t *t = arg;
    int32_t w = akira_font_text_width(t->f, s, len);
    if (w > t->y0) t->y0 = w;
}

/* Text wrapped to the box, aligned; vertically centred when align has bit 4. */
void ui_text_box(akira_gfx_t *g, const akira_font_t *f, akira_area_t a, const char *s, int align,
                 akira_color_t c)
{
    if (!s) return;
    tb_t t = {g, f, a, align & 3, c, a.y1};
    if (align & 16) {
        int32_t n = ui_text_lines(f, s, akira_area_w(&a), NULL, NULL);
        t.y0 = a.y1 + (akira_area_h(&a) - n * f->line_height) / 2;
    }
    akira_area_t saved;
    akira_gfx_clip_push(g, &a, &saved);
    ui_text_lines(f, s, akira_area_w(&a), tb_line, &t);
    akira_gfx_clip_restore(g, &saved);
}

/* Size of text: widest line and line count times the line height. */
void ui_text_size(const akira_font_t *f, const char *s, int32_t maxw, int32_t *w, int32_t *h)
{
    tb_t t = {0};
    t.f = f;
    t.y0 = 0;
    int32_t n = s && *s ? ui_text_lines(f, s, maxw, count_line, &t) : 1;
    *w = t.y0;
    *h = n * f->line_height;
}

/* ---- objects ---------------------------------------------------------------------- */

static akira_ui_obj_t *screen_of(akira_ui_obj_t *o)
{
    while (o->parent)
        o = o->parent;
    return o;
}

static int visible_root(akira_ui_t *ui, akira_ui_obj_t *root)
{
    if (root->flags & F_TOP) return 1;
    if (ui->depth && ui->stack[ui->depth - 1] == root) return 1;
    return ui->anim_from == root;
}

static void dirty_add(akira_ui_t *ui, const akira_area_t *a0)
{
    akira_area_t scr = {0, 0, (int16_t)(ui->gfx->port->width - 1),
                        (int16_t)(ui->gfx->port->height - 1)};
    akira_area_t a;
    if (!akira_area_intersect(&a, a0, &scr)) return;
    for (int32_t i = 0; i < ui->ndirty; i++) {
        akira_area_t x;
        if (akira_area_intersect(&x, &ui->dirty[i], &a)) {
            akira_area_union(&ui->dirty[i], &ui->dirty[i], &a);
            return;
        }
    }
    if (ui->ndirty == AKIRA_UI_MAX_DIRTY) {
        for (int32_t i = 1; i < ui->ndirty; i++)
            akira_area_union(&ui->dirty[0], &ui->dirty[0], &ui->dirty[i]);
        ui->ndirty = 1;
        akira_area_union(&ui->dirty[0], &ui->dirty[0], &a);
        return;
    }
    ui->dirty[ui->ndirty++] = a;
}

void akira_ui_invalidate(akira_ui_obj_t *o)
{
    if (!o) return;
    akira_ui_t *ui = o->ui;
    if (ui->layout_dirty) return; /* the whole screen is redrawn after layout */
    if (!visible_root(ui, screen_of(o))) return;
    /* the focus ring is drawn 3 px outside the widget */
    akira_area_t a = {(int16_t)(o->area.x1 - 3), (int16_t)(o->area.y1 - 3),
                      (int16_t)(o->area.x2 + 3), (int16_t)(o->area.y2 + 3)};
    if (o->flags & F_TOP) { /* toasts, msgboxes: their shadow/dim too */
        akira_ui_invalidate_all(ui);
        return;
    }
    dirty_add(ui, &a);
}

void akira_ui_invalidate_all(akira_ui_t *ui)
{
    akira_area_t a = {0, 0, (int16_t)(ui->gfx->port->width - 1),
                      (int16_t)(ui->gfx->port->height - 1)};
    ui->ndirty = 0;
    dirty_add(ui, &a);
}

void ui_relayout(akira_ui_t *ui)
{
    ui->layout_dirty = 1;
}

const char *akira_ui_type_name(int type)
{
    static const char *const names[AKIRA_UI_TYPE_COUNT] = {
        "screen", "label",    "button",        "image",    "checkbox", "switch",    "slider",
        "bar",    "arc",      "spinner",       "led",      "line",     "container", "list",
        "table",  "textarea", "keyboard",      "dropdown", "roller",   "spinbox",   "chart",
        "gauge",  "tabview",  "tileview",      "msgbox",   "window",   "menu",      "calendar",
        "canvas", "qrcode",   "progress_ring", "toast",    "statusbar"};
    return type >= 0 && type < AKIRA_UI_TYPE_COUNT ? names[type] : NULL;
}

static int owner_known(akira_ui_t *ui, const akira_ui_owner_t *ow)
{
    for (int i = 0; i < AKIRA_UI_MAX_OWNERS; i++)
        if (ui->owners[i] == ow) return 1;
    return 0;
}

static uint16_t new_id(akira_ui_t *ui)
{
    /* ids wrap at 65535; a live widget's id is never reused */
    for (;;) {
        uint16_t id = ++ui->next_id;
        if (id && !akira_ui_find(ui, NULL, id)) return id;
    }
}

int ui_create_raw(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t *parent,
                  akira_ui_type_t type, akira_ui_obj_t **out)
{
    if (!ui || !owner || !out || (unsigned)type >= (unsigned)AKIRA_UI_TYPE_COUNT)
        return AKIRA_EINVAL;
    if (!owner_known(ui, owner)) return AKIRA_EINVAL;
    if (parent && parent->owner != owner) return AKIRA_EPERM;
    int depth = 0;
    for (akira_ui_obj_t *p = parent; p; p = p->parent)
        depth++;
    if (depth > AKIRA_UI_MAX_DEPTH) return AKIRA_ETOOBIG;
    const cls_t *c = ui_classes[type];
    int err = 0;
    size_t n = sizeof(akira_ui_obj_t) + c->ext;
    akira_ui_obj_t *o = ui_mem_alloc(owner, n, &err);
    if (!o) return err;
    o->cls = c;
    o->ui = ui;
    o->owner = owner;
    o->size = (uint32_t)n;
    o->id = new_id(ui);
    o->flags = c->flags;
    o->w = o->h = AKIRA_UI_SIZE_CONTENT;
    o->max = 100;
    theme_style(ui->theme, type, &o->st);
    o->parent = parent;
    if (parent) {
        akira_ui_obj_t **pp = &parent->child;
        while (*pp)
            pp = &(*pp)->next;
        *pp = o;
    }
    owner->objs++;
    if (c->init) c->init(o);
    ui_relayout(ui);
    *out = o;
    return AKIRA_OK;
}

int akira_ui_create(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t *parent,
                    akira_ui_type_t type, akira_ui_obj_t **out)
{
    if (!parent || type == AKIRA_UI_SCREEN) return AKIRA_EINVAL;
    if (parent->ui != ui) return AKIRA_EINVAL;
    return ui_create_raw(ui, owner, parent, type, out);
}

static void free_tree(akira_ui_obj_t *o)
{
    akira_ui_t *ui = o->ui;
    while (o->child) {
        akira_ui_obj_t *c = o->child;
        o->child = c->next;
        free_tree(c);
    }
    if (ui->focused == o) ui->focused = NULL, ui->editing = 0;
    if (ui->pressed == o) ui->pressed = NULL;
    if (ui->scroll_obj == o) ui->scroll_obj = NULL;
    if (ui->gesture_obj == o) ui->gesture_obj = NULL;
    if (ui->open == o) ui->open = NULL;
    if (o->cls->destroy) o->cls->destroy(o);
    ui_mem_free(o->owner, o->text, o->text_cap);
    ui_mem_free(o->owner, o->title, o->title_cap);
    ui_mem_free(o->owner, o->opts, o->opts_cap);
    ui_mem_free(o->owner, o->priv, o->priv_size);
    o->owner->objs--;
    ui_mem_free(o->owner, o, o->size);
}

void ui_remove_top(akira_ui_obj_t *o)
{
    akira_ui_t *ui = o->ui;
    for (akira_ui_obj_t **pp = &ui->top; *pp; pp = &(*pp)->next)
        if (*pp == o) {
            *pp = o->next;
            break;
        }
}

int akira_ui_delete(akira_ui_obj_t *o)
{
    if (!o) return AKIRA_EINVAL;
    if (o->cls->type == AKIRA_UI_SCREEN) return akira_ui_screen_delete(o);
    akira_ui_t *ui = o->ui;
    if (o->parent) {
        for (akira_ui_obj_t **pp = &o->parent->child; *pp; pp = &(*pp)->next)
            if (*pp == o) {
                *pp = o->next;
                break;
            }
    } else {
        ui_remove_top(o);
    }
    free_tree(o);
    ui_relayout(ui);
    return AKIRA_OK;
}

uint16_t akira_ui_id(const akira_ui_obj_t *o)
{
    return o ? o->id : 0;
}
akira_ui_type_t akira_ui_type(const akira_ui_obj_t *o)
{
    return (akira_ui_type_t)o->cls->type;
}
uint32_t akira_ui_owner_id(const akira_ui_obj_t *o)
{
    return o->owner->id;
}
void akira_ui_set_user(akira_ui_obj_t *o, uint32_t user)
{
    if (o) o->user = user;
}
akira_ui_obj_t *akira_ui_parent(const akira_ui_obj_t *o)
{
    return o ? o->parent : NULL;
}
akira_ui_obj_t *akira_ui_child(const akira_ui_obj_t *o, int32_t i)
{
    if (!o || i < 0) return NULL;
    akira_ui_obj_t *c = o->child;
    while (c && i--)
        c = c->next;
    return c;
}

static akira_ui_obj_t *find_in(akira_ui_obj_t *o, uint16_t id)
{
    for (; o; o = o->next) {
        if (o->id == id) return o;
        akira_ui_obj_t *r = find_in(o->child, id);
        if (r) return r;
    }
    return NULL;
}

akira_ui_obj_t *akira_ui_find(akira_ui_t *ui, const akira_ui_owner_t *owner, uint16_t id)
{
    if (!ui || !id) return NULL;
    akira_ui_obj_t *r = NULL;
    for (int i = 0; i < AKIRA_UI_MAX_SCREENS && !r; i++)
        if (ui->screens[i]) {
            if (ui->screens[i]->id == id)
                r = ui->screens[i];
            else
                r = find_in(ui->screens[i]->child, id);
        }
    if (!r) r = find_in(ui->top, id);
    if (r && owner && r->owner != owner) return NULL;
    return r;
}

int akira_ui_area(akira_ui_obj_t *o, akira_area_t *out)
{
    if (!o || !out) return AKIRA_EINVAL;
    if (o->ui->layout_dirty) ui_layout_now(o->ui);
    *out = o->area;
    return AKIRA_OK;
}

/* ---- properties ------------------------------------------------------------------- */

static int geom_prop(akira_ui_prop_t p)
{
    return p <= AKIRA_UI_P_H || p == AKIRA_UI_P_HIDDEN || p == AKIRA_UI_P_LAYOUT ||
           p == AKIRA_UI_P_WRAP || p == AKIRA_UI_P_GAP || p == AKIRA_UI_P_ALIGN ||
           p == AKIRA_UI_P_CROSS || p == AKIRA_UI_P_GROW || p == AKIRA_UI_P_GRID_COLS ||
           p == AKIRA_UI_P_PAD || p == AKIRA_UI_P_FONT || p == AKIRA_UI_P_BORDER_W;
}

int ui_set_value(akira_ui_obj_t *o, int32_t v, int notify)
{
    v = ui_clamp(v, o->min, o->max);
    if (v == o->value) return AKIRA_OK;
    o->value = v;
    akira_ui_invalidate(o);
    if (notify) ui_event(o, AKIRA_UI_EV_VALUE_CHANGED, v, -1, -1);
    return AKIRA_OK;
}

static int set_flag(akira_ui_obj_t *o, uint16_t f, int32_t v)
{
    if (v != 0 && v != 1) return AKIRA_EINVAL;
    if (v)
        o->flags |= f;
    else
        o->flags &= (uint16_t)~f;
    if (f == F_HIDDEN && v && o->ui->focused == o) o->ui->focused = NULL, o->ui->editing = 0;
    return AKIRA_OK;
}

int akira_ui_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (!o) return AKIRA_EINVAL;
    /* the type's own handling first (it may refine a generic property) */
    if (o->cls->set) {
        int r = o->cls->set(o, p, v);
        if (r != AKIRA_ENOTSUP) {
            if (r == AKIRA_OK) {
                if (geom_prop(p)) ui_relayout(o->ui);
                akira_ui_invalidate(o);
            }
            return r;
        }
    }
    int b = style_bit(p);
    if (b >= 0) {
        int32_t max = p <= AKIRA_UI_P_ACCENT_COLOR ? 0xFFFF : 255;
        if (p == AKIRA_UI_P_FONT && (v < 8 || v > 64)) return AKIRA_EINVAL;
        if (v < 0 || v > max) return AKIRA_EINVAL;
        style_field(&o->st, p, v);
        o->st_set |= (uint16_t)(1u << b);
        if (geom_prop(p)) ui_relayout(o->ui);
        akira_ui_invalidate(o);
        return AKIRA_OK;
    }
    int r = AKIRA_OK;
    switch (p) {
    case AKIRA_UI_P_X:
    case AKIRA_UI_P_Y:
        if (v < -16384 || v > 16384) return AKIRA_EINVAL;
        if (p == AKIRA_UI_P_X)
            o->x = (int16_t)v;
        else
            o->y = (int16_t)v;
        break;
    case AKIRA_UI_P_W:
    case AKIRA_UI_P_H:
        if (!(v == AKIRA_UI_SIZE_CONTENT || (v >= 0 && v <= 4096) || (v <= -1000 && v >= -1100)))
            return AKIRA_EINVAL;
        if (p == AKIRA_UI_P_W)
            o->w = (int16_t)v;
        else
            o->h = (int16_t)v;
        break;
    case AKIRA_UI_P_HIDDEN: r = set_flag(o, F_HIDDEN, v); break;
    case AKIRA_UI_P_DISABLED: r = set_flag(o, F_DISABLED, v); break;
    case AKIRA_UI_P_FOCUSABLE: r = set_flag(o, F_FOCUSABLE, v); break;
    case AKIRA_UI_P_CLICKABLE: r = set_flag(o, F_CLICKABLE, v); break;
    case AKIRA_UI_P_SCROLLABLE: r = set_flag(o, F_SCROLLABLE, v); break;
    case AKIRA_UI_P_LAYOUT:
        if (v < 0 || v > AKIRA_UI_LAYOUT_GRID) return AKIRA_EINVAL;
        o->layout = (uint8_t)v;
        break;
    case AKIRA_UI_P_WRAP:
        if (v != 0 && v != 1) return AKIRA_EINVAL;
        o->wrap = (uint8_t)v;
        break;
    case AKIRA_UI_P_GAP:
        if (v < 0 || v > 255) return AKIRA_EINVAL;
        o->gap = (uint8_t)v;
        break;
    case AKIRA_UI_P_ALIGN:
        if (v < 0 || v > AKIRA_UI_ALIGN_SPACE_BETWEEN) return AKIRA_EINVAL;
        o->align = (uint8_t)v;
        break;
    case AKIRA_UI_P_CROSS:
        if (v < 0 || v > AKIRA_UI_ALIGN_STRETCH || v == AKIRA_UI_ALIGN_SPACE_BETWEEN)
            return AKIRA_EINVAL;
        o->cross = (uint8_t)v;
        break;
    case AKIRA_UI_P_GROW:
        if (v < 0 || v > 255) return AKIRA_EINVAL;
        o->grow = (uint8_t)v;
        break;
    case AKIRA_UI_P_GRID_COLS:
        if (v < 1 || v > 16) return AKIRA_EINVAL;
        o->grid_cols = (uint8_t)v;
        break;
    case AKIRA_UI_P_TEXT_ALIGN:
        if (v < 0 || v > 2) return AKIRA_EINVAL;
        o->text_align = (uint8_t)v;
        break;
    case AKIRA_UI_P_SCROLL_X:
    case AKIRA_UI_P_SCROLL_Y: {
        if (!(o->flags & F_SCROLLABLE)) return AKIRA_ENOTSUP;
        int32_t lim =
            p == AKIRA_UI_P_SCROLL_X
                ? o->content_w - akira_area_w(&o->area) + 2 * (o->st.pad + o->st.border_w)
                : o->content_h - akira_area_h(&o->area) + 2 * (o->st.pad + o->st.border_w);
        v = ui_clamp(v, 0, lim > 0 ? lim : 0);
        int16_t *s = p == AKIRA_UI_P_SCROLL_X ? &o->scroll_x : &o->scroll_y;
        if (*s != v) {
            *s = (int16_t)v;
            ui_event(o, AKIRA_UI_EV_SCROLLED, v, -1, -1);
        }
        ui_relayout(o->ui);
        return AKIRA_OK;
    }
    default: return AKIRA_ENOTSUP;
    }
    if (r) return r;
    if (geom_prop(p)) ui_relayout(o->ui);
    akira_ui_invalidate(o);
    return AKIRA_OK;
}

int akira_ui_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (!o || !v) return AKIRA_EINVAL;
    if (o->cls->get) {
        int r = o->cls->get(o, p, v);
        if (r != AKIRA_ENOTSUP) return r;
    }
    if (style_bit(p) >= 0) {
        *v = style_get(&o->st, p);
        return AKIRA_OK;
    }
    switch (p) {
    case AKIRA_UI_P_X: *v = o->x; break;
    case AKIRA_UI_P_Y: *v = o->y; break;
    case AKIRA_UI_P_W: *v = o->w; break;
    case AKIRA_UI_P_H: *v = o->h; break;
    case AKIRA_UI_P_HIDDEN: *v = !!(o->flags & F_HIDDEN); break;
    case AKIRA_UI_P_DISABLED: *v = !!(o->flags & F_DISABLED); break;
    case AKIRA_UI_P_FOCUSABLE: *v = !!(o->flags & F_FOCUSABLE); break;
    case AKIRA_UI_P_CLICKABLE: *v = !!(o->flags & F_CLICKABLE); break;
    case AKIRA_UI_P_SCROLLABLE: *v = !!(o->flags & F_SCROLLABLE); break;
    case AKIRA_UI_P_LAYOUT: *v = o->layout; break;
    case AKIRA_UI_P_WRAP: *v = o->wrap; break;
    case AKIRA_UI_P_GAP: *v = o->gap; break;
    case AKIRA_UI_P_ALIGN: *v = o->align; break;
    case AKIRA_UI_P_CROSS: *v = o->cross; break;
    case AKIRA_UI_P_GROW: *v = o->grow; break;
    case AKIRA_UI_P_GRID_COLS: *v = o->grid_cols; break;
    case AKIRA_UI_P_TEXT_ALIGN: *v = o->text_align; break;
    case AKIRA_UI_P_SCROLL_X: *v = o->scroll_x; break;
    case AKIRA_UI_P_SCROLL_Y: *v = o->scroll_y; break;
    default: return AKIRA_ENOTSUP;
    }
    return AKIRA_OK;
}

int akira_ui_set_text(akira_ui_obj_t *o, const char *t)
{
    if (!o) return AKIRA_EINVAL;
    if (o->cls->type == AKIRA_UI_QRCODE && t && strlen(t) > 106) return AKIRA_ETOOBIG;
    if (o->cls->type == AKIRA_UI_TEXTAREA && t && strlen(t) > (size_t)o->max)
        return AKIRA_ETOOBIG; /* its P_MAX */
    int r = ui_str_set(o, &o->text, &o->text_cap, t);
    if (r) return r;
    if (o->cls->type == AKIRA_UI_TEXTAREA)
        o->cls->set(o, AKIRA_UI_P_CURSOR, o->text ? (int32_t)strlen(o->text) : 0);
    if (o->cls->type == AKIRA_UI_QRCODE) o->cls->set(o, AKIRA_UI_P_COUNT_, 0); /* re-encode */
    ui_relayout(o->ui);
    akira_ui_invalidate(o);
    return AKIRA_OK;
}

int akira_ui_get_text(const akira_ui_obj_t *o, char *buf, size_t cap)
{
    if (!o || !buf || !cap) return AKIRA_EINVAL;
    size_t n = o->text ? strlen(o->text) : 0;
    size_t k = n < cap - 1 ? n : cap - 1;
    if (k) memcpy(buf, o->text, k);
    buf[k] = 0;
    return (int)n;
}

int akira_ui_set_title(akira_ui_obj_t *o, const char *t)
{
    if (!o) return AKIRA_EINVAL;
    int ty = o->cls->type;
    if (ty != AKIRA_UI_MSGBOX && ty != AKIRA_UI_WINDOW && ty != AKIRA_UI_MENU &&
        ty != AKIRA_UI_STATUSBAR)
        return AKIRA_ENOTSUP;
    int r = ui_str_set(o, &o->title, &o->title_cap, t);
    if (!r) akira_ui_invalidate(o);
    return r;
}

int akira_ui_set_options(akira_ui_obj_t *o, const char *opts)
{
    if (!o) return AKIRA_EINVAL;
    int ty = o->cls->type;
    if (ty != AKIRA_UI_DROPDOWN && ty != AKIRA_UI_ROLLER && ty != AKIRA_UI_LIST &&
        ty != AKIRA_UI_MENU && ty != AKIRA_UI_MSGBOX && ty != AKIRA_UI_TABVIEW)
        return AKIRA_ENOTSUP;
    int32_t n = opts && *opts ? 1 : 0;
    for (const char *s = opts; s && *s; s++)
        n += *s == '\n';
    if (n > 255) return AKIRA_ETOOBIG;
    if (ty == AKIRA_UI_TABVIEW) {
        /* one page per tab: add the missing ones first, so a failure changes nothing */
        int32_t have = 0;
        for (akira_ui_obj_t *c = o->child; c; c = c->next)
            have++;
        if (n < have) return AKIRA_EINVAL; /* pages are deleted with akira_ui_delete */
        if (n > 8) return AKIRA_ETOOBIG;
        size_t need =
            (size_t)(n - have) * (sizeof(akira_ui_obj_t) + ui_classes[AKIRA_UI_CONTAINER]->ext) +
            (opts ? strlen(opts) + 1 : 0);
        if (o->owner->used + need > o->owner->budget) return AKIRA_EQUOTA;
    }
    int r = ui_str_set(o, &o->opts, &o->opts_cap, opts);
    if (r) return r;
    o->nopts = (uint16_t)n;
    o->min = 0;
    o->max = n > 0 ? n - 1 : 0;
    if (ty == AKIRA_UI_MSGBOX) o->max = n > 0 ? n - 1 : 0;
    o->value = ui_clamp(o->value, o->min, o->max);
    if (o->cls->set) o->cls->set(o, AKIRA_UI_P_COUNT_, 1); /* options changed */
    ui_relayout(o->ui);
    akira_ui_invalidate(o);
    return AKIRA_OK;
}

int akira_ui_get_option(const akira_ui_obj_t *o, int32_t i, char *buf, size_t cap)
{
    if (!o || !buf || !cap) return AKIRA_EINVAL;
    int32_t len, at = ui_opt(o->opts, i, &len);
    if (at < 0 || i >= o->nopts) return AKIRA_ENOENT;
    size_t k = (size_t)len < cap - 1 ? (size_t)len : cap - 1;
    memcpy(buf, o->opts + at, k);
    buf[k] = 0;
    return len;
}

/* ---- classes ---------------------------------------------------------------------- */

extern const cls_t ui_screen_cls, ui_label_cls, ui_button_cls, ui_image_cls, ui_checkbox_cls,
    ui_switch_cls, ui_slider_cls, ui_bar_cls, ui_arc_cls, ui_spinner_cls, ui_led_cls, ui_line_cls,
    ui_container_cls, ui_list_cls, ui_table_cls, ui_textarea_cls, ui_keyboard_cls, ui_dropdown_cls,
    ui_roller_cls, ui_spinbox_cls, ui_chart_cls, ui_gauge_cls, ui_tabview_cls, ui_tileview_cls,
    ui_msgbox_cls, ui_window_cls, ui_menu_cls, ui_calendar_cls, ui_canvas_cls, ui_qrcode_cls,
    ui_ring_cls, ui_toast_cls, ui_statusbar_cls;

const cls_t *const ui_classes[AKIRA_UI_TYPE_COUNT] = {
    &ui_screen_cls,   &ui_label_cls,    &ui_button_cls,    &ui_image_cls,    &ui_checkbox_cls,
    &ui_switch_cls,   &ui_slider_cls,   &ui_bar_cls,       &ui_arc_cls,      &ui_spinner_cls,
    &ui_led_cls,      &ui_line_cls,     &ui_container_cls, &ui_list_cls,     &ui_table_cls,
    &ui_textarea_cls, &ui_keyboard_cls, &ui_dropdown_cls,  &ui_roller_cls,   &ui_spinbox_cls,
    &ui_chart_cls,    &ui_gauge_cls,    &ui_tabview_cls,   &ui_tileview_cls, &ui_msgbox_cls,
    &ui_window_cls,   &ui_menu_cls,     &ui_calendar_cls,  &ui_canvas_cls,   &ui_qrcode_cls,
    &ui_ring_cls,     &ui_toast_cls,    &ui_statusbar_cls,
};

/* ---- layout ----------------------------------------------------------------------- */

/* Natural size of a widget (content plus padding and border). */
static void natural(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    int32_t cw = 0, ch = 0;
    if (o->cls->content) {
        o->cls->content(o, &cw, &ch);
    } else if (o->child) { /* a container: its children by its layout */
        int32_t n = 0, sumw = 0, sumh = 0, maxw = 0, maxh = 0;
        for (akira_ui_obj_t *c = o->child; c; c = c->next) {
            if (c->flags & F_HIDDEN) continue;
            int32_t a, b;
            ui_size_of(c, 0, 0, &a, &b);
            if (o->layout == AKIRA_UI_LAYOUT_NONE) {
                a += c->x;
                b += c->y;
            }
            sumw += a;
            sumh += b;
            maxw = a > maxw ? a : maxw;
            maxh = b > maxh ? b : maxh;
            n++;
        }
        int32_t gaps = n > 1 ? (n - 1) * o->gap : 0;
        int32_t avail = o->w >= 0 ? o->w - 2 * (o->st.pad + o->st.border_w) : 0;
        if (o->layout == AKIRA_UI_LAYOUT_ROW && o->wrap && avail > 0) {
            /* wrapped rows: the lines a fixed width gives */
            int32_t x = 0, line_h = 0, k = 0;
            cw = ch = 0;
            for (akira_ui_obj_t *c = o->child; c; c = c->next) {
                if (c->flags & F_HIDDEN) continue;
                int32_t a, b;
                ui_size_of(c, avail, 0, &a, &b);
                if (k && x + o->gap + a > avail) {
                    ch += line_h + o->gap;
                    x = 0, line_h = 0, k = 0;
                }
                x += (k ? o->gap : 0) + a;
                cw = x > cw ? x : cw;
                line_h = b > line_h ? b : line_h;
                k++;
            }
            ch += line_h;
            sumw = -1;
        }
        switch (sumw < 0 ? -1 : o->layout) {
        case -1: break;
        case AKIRA_UI_LAYOUT_ROW: cw = sumw + gaps, ch = maxh; break;
        case AKIRA_UI_LAYOUT_COLUMN: cw = maxw, ch = sumh + gaps; break;
        case AKIRA_UI_LAYOUT_GRID: {
            int32_t cols = o->grid_cols ? o->grid_cols : 1, rows = (n + cols - 1) / cols;
            cw = cols * maxw + (cols - 1) * o->gap;
            ch = rows * maxh + (rows > 1 ? rows - 1 : 0) * o->gap;
            break;
        }
        default: cw = maxw, ch = maxh; break;
        }
    } else {
        cw = ch = 0;
    }
    int32_t p = 2 * (o->st.pad + o->st.border_w);
    *w = cw + p;
    *h = ch + p;
}

void ui_size_of(akira_ui_obj_t *c, int32_t pw, int32_t ph, int32_t *w, int32_t *h)
{
    int32_t nw = 0, nh = 0;
    if (c->w == AKIRA_UI_SIZE_CONTENT || c->h == AKIRA_UI_SIZE_CONTENT) natural(c, &nw, &nh);
    *w = c->w >= 0 ? c->w : c->w == AKIRA_UI_SIZE_CONTENT ? nw : pw * (-1000 - c->w) / 100;
    *h = c->h >= 0 ? c->h : c->h == AKIRA_UI_SIZE_CONTENT ? nh : ph * (-1000 - c->h) / 100;
}

static void place(akira_ui_obj_t *c, int32_t x, int32_t y, int32_t w, int32_t h)
{
    c->area.x1 = (int16_t)ui_clamp(x, -16384, 16384);
    c->area.y1 = (int16_t)ui_clamp(y, -16384, 16384);
    c->area.x2 = (int16_t)ui_clamp(x + w - 1, -16385, 16384);
    c->area.y2 = (int16_t)ui_clamp(y + h - 1, -16385, 16384);
}

/* One flex line: children [first, last) with their sizes; places them on the main axis. */
static void flex_line(akira_ui_obj_t *o, akira_ui_obj_t *first, akira_ui_obj_t *last, int row,
                      int32_t main0, int32_t main_len, int32_t cross0, int32_t line_cross)
{
    int32_t n = 0, used = 0, grow = 0;
    for (akira_ui_obj_t *c = first; c != last; c = c->next) {
        if (c->flags & F_HIDDEN) continue;
        used += row ? akira_area_w(&c->area) : akira_area_h(&c->area);
        grow += c->grow;
        n++;
    }
    if (!n) return;
    used += (n - 1) * o->gap;
    int32_t free_ = main_len - used, pos = main0, extra_gap = 0;
    if (grow == 0 && free_ > 0) {
        if (o->align == AKIRA_UI_ALIGN_CENTER)
            pos += free_ / 2;
        else if (o->align == AKIRA_UI_ALIGN_END)
            pos += free_;
        else if (o->align == AKIRA_UI_ALIGN_SPACE_BETWEEN && n > 1)
            extra_gap = free_ / (n - 1);
    }
    for (akira_ui_obj_t *c = first; c != last; c = c->next) {
        if (c->flags & F_HIDDEN) continue;
        int32_t mw = row ? akira_area_w(&c->area) : akira_area_h(&c->area);
        int32_t cw = row ? akira_area_h(&c->area) : akira_area_w(&c->area);
        if (grow && free_ > 0 && c->grow) mw += free_ * c->grow / grow;
        int32_t cp = cross0;
        if (o->cross == AKIRA_UI_ALIGN_CENTER)
            cp += (line_cross - cw) / 2;
        else if (o->cross == AKIRA_UI_ALIGN_END)
            cp += line_cross - cw;
        else if (o->cross == AKIRA_UI_ALIGN_STRETCH)
            cw = line_cross;
        if (row)
            place(c, pos, cp, mw, cw);
        else
            place(c, cp, pos, cw, mw);
        pos += mw + o->gap + extra_gap;
    }
}

void ui_layout_obj(akira_ui_obj_t *o)
{
    akira_area_t cb = ui_content(o, o->area);
    int own = 0;
    if (o->cls->layout) {
        int32_t cw0 = akira_area_w(&cb), ch0 = akira_area_h(&cb);
        for (akira_ui_obj_t *c = o->child; c; c = c->next) {
            int32_t w, h;
            ui_size_of(c, cw0, ch0, &w, &h);
            place(c, 0, 0, w, h);
        }
        own = o->cls->layout(o, &cb);
    }
    int32_t cw = akira_area_w(&cb), ch = akira_area_h(&cb);
    int32_t x0 = cb.x1 - o->scroll_x, y0 = cb.y1 - o->scroll_y;
    /* sizes first */
    if (!own)
        for (akira_ui_obj_t *c = o->child; c; c = c->next) {
            int32_t w, h;
            ui_size_of(c, cw, ch, &w, &h);
            place(c, 0, 0, w, h);
        }
    int32_t ext_w = 0, ext_h = 0;
    if (own) {
        /* placed by the widget */
    } else if (o->layout == AKIRA_UI_LAYOUT_ROW || o->layout == AKIRA_UI_LAYOUT_COLUMN) {
        int row = o->layout == AKIRA_UI_LAYOUT_ROW;
        int32_t main_len = row ? cw : ch, cross = 0;
        akira_ui_obj_t *first = o->child;
        while (first) {
            int32_t used = 0, line_cross = 0, n = 0;
            akira_ui_obj_t *c = first;
            for (; c; c = c->next) {
                if (c->flags & F_HIDDEN) continue;
                int32_t m = row ? akira_area_w(&c->area) : akira_area_h(&c->area);
                int32_t k = row ? akira_area_h(&c->area) : akira_area_w(&c->area);
                if (o->wrap && n && used + o->gap + m > main_len) break;
                used += (n ? o->gap : 0) + m;
                line_cross = k > line_cross ? k : line_cross;
                n++;
            }
            if (!o->wrap && o->cross == AKIRA_UI_ALIGN_STRETCH) line_cross = row ? ch : cw;
            flex_line(o, first, c, row, row ? x0 : y0, main_len, (row ? y0 : x0) + cross,
                      line_cross);
            cross += line_cross + o->gap;
            first = c;
        }
    } else if (o->layout == AKIRA_UI_LAYOUT_GRID) {
        int32_t cols = o->grid_cols ? o->grid_cols : 1;
        int32_t cell = (cw - (cols - 1) * o->gap) / cols, i = 0, y = y0, row_h = 0;
        for (akira_ui_obj_t *c = o->child; c; c = c->next) {
            if (c->flags & F_HIDDEN) continue;
            int32_t w = c->w == AKIRA_UI_SIZE_CONTENT ? cell : akira_area_w(&c->area);
            int32_t h = akira_area_h(&c->area);
            place(c, x0 + (i % cols) * (cell + o->gap), y, w, h);
            row_h = h > row_h ? h : row_h;
            if (++i % cols == 0) {
                y += row_h + o->gap;
                row_h = 0;
            }
        }
    } else {
        for (akira_ui_obj_t *c = o->child; c; c = c->next) {
            if (c->flags & F_PAGE) continue;
            int32_t w = akira_area_w(&c->area), h = akira_area_h(&c->area);
            place(c, x0 + c->x, y0 + c->y, w, h);
        }
    }
    for (akira_ui_obj_t *c = o->child; c; c = c->next) {
        if (c->flags & F_HIDDEN) continue;
        int32_t r = c->area.x2 + 1 - x0, b = c->area.y2 + 1 - y0;
        ext_w = r > ext_w ? r : ext_w;
        ext_h = b > ext_h ? b : ext_h;
        ui_layout_obj(c);
    }
    if (own) return;
    o->content_w = (int16_t)ui_clamp(ext_w, 0, 16384);
    o->content_h = (int16_t)ui_clamp(ext_h, 0, 16384);
}

void ui_layout_now(akira_ui_t *ui)
{
    int32_t w = ui->gfx->port->width, h = ui->gfx->port->height;
    for (int i = 0; i < AKIRA_UI_MAX_SCREENS; i++) {
        akira_ui_obj_t *s = ui->screens[i];
        if (!s) continue;
        place(s, 0, 0, w, h);
        ui_layout_obj(s);
    }
    for (akira_ui_obj_t *t = ui->top; t; t = t->next) {
        int32_t tw, th;
        ui_size_of(t, w, h, &tw, &th);
        int32_t x = (w - tw) / 2, y = (h - th) / 2;
        if (t->cls->type == AKIRA_UI_TOAST) y = h - th - 16;
        if (t->cls->type == AKIRA_UI_MSGBOX)
            place(t, x, y, tw, th);
        else
            place(t, x, y, tw, th);
        ui_layout_obj(t);
    }
    ui->layout_dirty = 0;
    akira_ui_invalidate_all(ui); /* geometry changed: everything may have moved */
}

/* ---- drawing ---------------------------------------------------------------------- */

static void draw_obj(akira_ui_obj_t *o, dc_t *dc)
{
    if (o->flags & F_HIDDEN) return;
    akira_area_t a = o->area, vis;
    a.x1 = (int16_t)(a.x1 + dc->dx);
    a.x2 = (int16_t)(a.x2 + dc->dx);
    a.y1 = (int16_t)(a.y1 + dc->dy);
    a.y2 = (int16_t)(a.y2 + dc->dy);
    /* the focus ring lies 2 px outside the widget */
    akira_area_t ring = {(int16_t)(a.x1 - 3), (int16_t)(a.y1 - 3), (int16_t)(a.x2 + 3),
                         (int16_t)(a.y2 + 3)};
    if (!akira_area_intersect(&vis, &ring, &dc->g->clip)) return;
    akira_area_t saved;
    akira_gfx_clip_push(dc->g, &a, &saved);
    if (o->cls->draw)
        o->cls->draw(o, dc, a);
    else
        ui_draw_bg(o, dc, a);
    for (akira_ui_obj_t *c = o->child; c; c = c->next)
        draw_obj(c, dc);
    akira_gfx_clip_restore(dc->g, &saved);
    if (o->ui->focused == o) {
        akira_color_t fc = o->ui->editing ? dc->th->primary : dc->th->focus;
        akira_gfx_rrect(dc->g, &ring, o->st.radius + 3, 2, fc);
    }
}

static void draw_top(akira_ui_t *ui, dc_t *dc)
{
    for (akira_ui_obj_t *t = ui->top; t; t = t->next) {
        if (t->cls->type == AKIRA_UI_MSGBOX) { /* modal: dim what is under it */
            uint8_t opa = dc->g->opa;
            dc->g->opa = 110;
            akira_area_t all = {0, 0, (int16_t)(ui->gfx->port->width - 1),
                                (int16_t)(ui->gfx->port->height - 1)};
            akira_gfx_fill(dc->g, &all, 0);
            dc->g->opa = opa;
        }
        draw_obj(t, dc);
    }
    if (ui->open) ui_dropdown_draw_list(ui->open, dc);
}

/* Offsets of the two screens of a running transition at time now. */
static void anim_offsets(akira_ui_t *ui, int32_t *fx, int32_t *fy, int32_t *tx, int32_t *ty)
{
    int32_t w = ui->gfx->port->width, h = ui->gfx->port->height;
    uint32_t el = ui->now - ui->anim_start;
    int32_t p =
        ui->anim_ms ? (int32_t)((el >= ui->anim_ms ? ui->anim_ms : el) * 1024 / ui->anim_ms) : 1024;
    /* ease out: 1 - (1 - p)^2 */
    int32_t q = 1024 - (1024 - p) * (1024 - p) / 1024;
    *fx = *fy = *tx = *ty = 0;
    switch (ui->anim_kind) {
    case AKIRA_UI_ANIM_SLIDE_LEFT: *fx = -w * q / 1024, *tx = w - w * q / 1024; break;
    case AKIRA_UI_ANIM_SLIDE_RIGHT: *fx = w * q / 1024, *tx = -w + w * q / 1024; break;
    case AKIRA_UI_ANIM_SLIDE_UP: *fy = -h * q / 1024, *ty = h - h * q / 1024; break;
    case AKIRA_UI_ANIM_SLIDE_DOWN: *fy = h * q / 1024, *ty = -h + h * q / 1024; break;
    case AKIRA_UI_ANIM_COVER: *ty = h - h * q / 1024; break;
    default: break;
    }
}

int akira_ui_refresh(akira_ui_t *ui)
{
    if (!ui) return AKIRA_EINVAL;
    if (ui->layout_dirty) ui_layout_now(ui);
    if (!ui->ndirty) return 0;
    akira_gfx_t *g = ui->gfx;
    akira_ui_obj_t *scr = ui->depth ? ui->stack[ui->depth - 1] : NULL;
    dc_t dc = {g, 0, 0, ui->theme};
    int32_t fx, fy, tx, ty;
    anim_offsets(ui, &fx, &fy, &tx, &ty);
    int bands = 0;
    akira_area_t dirty[AKIRA_UI_MAX_DIRTY];
    int32_t nd = ui->ndirty;
    memcpy(dirty, ui->dirty, sizeof(akira_area_t) * (size_t)nd);
    ui->ndirty = 0;
    for (int32_t i = 0; i < nd; i++) {
        akira_area_t *d = &dirty[i];
        int32_t rows = akira_gfx_band_rows(g, akira_area_w(d));
        for (int32_t y = d->y1; y <= d->y2; y += rows) {
            akira_area_t band = {d->x1, (int16_t)y, d->x2,
                                 (int16_t)(y + rows - 1 < d->y2 ? y + rows - 1 : d->y2)};
            int err = akira_gfx_band_begin(g, &band);
            if (err) return err;
            g->opa = 255;
            akira_gfx_fill(g, &band, ui->theme->bg);
            if (ui->anim_from && scr) {
                dc.dx = fx, dc.dy = fy;
                draw_obj(ui->anim_from, &dc);
                dc.dx = tx, dc.dy = ty;
                draw_obj(scr, &dc);
                dc.dx = dc.dy = 0;
            } else if (scr) {
                draw_obj(scr, &dc);
            }
            draw_top(ui, &dc);
            err = akira_gfx_band_flush(g);
            if (err) return err;
            bands++;
        }
    }
    return bands;
}

/* ---- screens ---------------------------------------------------------------------- */

int akira_ui_screen_create(akira_ui_t *ui, akira_ui_owner_t *owner, akira_ui_obj_t **out)
{
    if (!ui || !owner || !out) return AKIRA_EINVAL;
    int slot = -1;
    for (int i = 0; i < AKIRA_UI_MAX_SCREENS; i++)
        if (!ui->screens[i]) {
            slot = i;
            break;
        }
    if (slot < 0) return AKIRA_ENOSPC;
    akira_ui_obj_t *s;
    int r = ui_create_raw(ui, owner, NULL, AKIRA_UI_SCREEN, &s);
    if (r) return r;
    s->w = (int16_t)ui->gfx->port->width;
    s->h = (int16_t)ui->gfx->port->height;
    ui->screens[slot] = s;
    *out = s;
    return AKIRA_OK;
}

static void start_anim(akira_ui_t *ui, akira_ui_obj_t *from, int anim, uint32_t ms)
{
    ui->anim_from = anim && ms && from ? from : NULL;
    ui->anim_kind = anim;
    ui->anim_start = ui->now;
    ui->anim_ms = ms;
    ui->focused = NULL;
    ui->editing = 0;
    ui->pressed = NULL;
    ui->scroll_obj = NULL;
    ui->gesture_obj = NULL;
    ui->open = NULL;
    ui_relayout(ui);
}

static int is_screen(akira_ui_t *ui, akira_ui_obj_t *s)
{
    if (!ui || !s || s->ui != ui || s->cls->type != AKIRA_UI_SCREEN) return 0;
    for (int i = 0; i < AKIRA_UI_MAX_SCREENS; i++)
        if (ui->screens[i] == s) return 1;
    return 0;
}

int akira_ui_screen_push(akira_ui_t *ui, akira_ui_obj_t *s, int anim, uint32_t ms)
{
    if (!is_screen(ui, s) || anim < 0 || anim > AKIRA_UI_ANIM_COVER || ms > 10000)
        return AKIRA_EINVAL;
    for (int32_t i = 0; i < ui->depth; i++)
        if (ui->stack[i] == s) return AKIRA_EEXIST;
    if (ui->depth == AKIRA_UI_MAX_SCREENS) return AKIRA_ENOSPC;
    akira_ui_obj_t *from = ui->depth ? ui->stack[ui->depth - 1] : NULL;
    ui->stack[ui->depth++] = s;
    start_anim(ui, from, anim, ms);
    ui_event(s, AKIRA_UI_EV_SCREEN_LOADED, ui->depth, -1, -1);
    return AKIRA_OK;
}

int akira_ui_screen_load(akira_ui_t *ui, akira_ui_obj_t *s, int anim, uint32_t ms)
{
    if (!is_screen(ui, s) || anim < 0 || anim > AKIRA_UI_ANIM_COVER || ms > 10000)
        return AKIRA_EINVAL;
    if (!ui->depth) return akira_ui_screen_push(ui, s, anim, ms);
    for (int32_t i = 0; i < ui->depth - 1; i++)
        if (ui->stack[i] == s) return AKIRA_EEXIST;
    akira_ui_obj_t *from = ui->stack[ui->depth - 1];
    if (from == s) return AKIRA_OK;
    ui->stack[ui->depth - 1] = s;
    start_anim(ui, from, anim, ms);
    ui_event(s, AKIRA_UI_EV_SCREEN_LOADED, ui->depth, -1, -1);
    return AKIRA_OK;
}

int akira_ui_screen_pop(akira_ui_t *ui, int anim, uint32_t ms)
{
    if (!ui || anim < 0 || anim > AKIRA_UI_ANIM_COVER || ms > 10000) return AKIRA_EINVAL;
    if (ui->depth <= 1) return AKIRA_ESTATE;
    akira_ui_obj_t *from = ui->stack[--ui->depth];
    start_anim(ui, from, anim, ms);
    ui_event(ui->stack[ui->depth - 1], AKIRA_UI_EV_SCREEN_LOADED, ui->depth, -1, -1);
    return AKIRA_OK;
}

int akira_ui_screen_delete(akira_ui_obj_t *s)
{
    if (!s || !is_screen(s->ui, s)) return AKIRA_EINVAL;
    akira_ui_t *ui = s->ui;
    int32_t k = 0, was_top = ui->depth && ui->stack[ui->depth - 1] == s;
    for (int32_t i = 0; i < ui->depth; i++)
        if (ui->stack[i] != s) ui->stack[k++] = ui->stack[i];
    ui->depth = k;
    if (ui->anim_from == s) ui->anim_from = NULL;
    for (int i = 0; i < AKIRA_UI_MAX_SCREENS; i++)
        if (ui->screens[i] == s) ui->screens[i] = NULL;
    free_tree(s);
    if (was_top) {
        start_anim(ui, NULL, 0, 0);
        if (ui->depth)
            ui_event(ui->stack[ui->depth - 1], AKIRA_UI_EV_SCREEN_LOADED, ui->depth, -1, -1);
    }
    ui_relayout(ui);
    return AKIRA_OK;
}

akira_ui_obj_t *akira_ui_screen_active(const akira_ui_t *ui)
{
    return ui && ui->depth ? ui->stack[ui->depth - 1] : NULL;
}

int akira_ui_stack_depth(const akira_ui_t *ui)
{
    return ui ? ui->depth : AKIRA_EINVAL;
}

/* ---- context and owners ------------------------------------------------------------ */

int akira_ui_init(akira_ui_t *ui, akira_gfx_t *gfx, const akira_ui_theme_t *theme)
{
    if (!ui || !gfx || !gfx->port || !theme) return AKIRA_EINVAL;
    memset(ui, 0, sizeof *ui);
    ui->gfx = gfx;
    ui->theme = theme;
    akira_ui_invalidate_all(ui);
    return AKIRA_OK;
}

int akira_ui_owner_add(akira_ui_t *ui, akira_ui_owner_t *ow)
{
    if (!ui || !ow || !ow->alloc.alloc || !ow->alloc.free) return AKIRA_EINVAL;
    if (owner_known(ui, ow)) return AKIRA_EEXIST;
    for (int i = 0; i < AKIRA_UI_MAX_OWNERS; i++)
        if (ui->owners[i] && ui->owners[i]->id == ow->id) return AKIRA_EEXIST;
    for (int i = 0; i < AKIRA_UI_MAX_OWNERS; i++)
        if (!ui->owners[i]) {
            ui->owners[i] = ow;
            ow->used = 0;
            ow->objs = 0;
            return AKIRA_OK;
        }
    return AKIRA_ENOSPC;
}

int akira_ui_owner_release(akira_ui_t *ui, akira_ui_owner_t *ow)
{
    if (!ui || !ow || !owner_known(ui, ow)) return AKIRA_EINVAL;
    for (akira_ui_obj_t *t = ui->top, *n; t; t = n) {
        n = t->next;
        if (t->owner == ow) akira_ui_delete(t);
    }
    for (int i = 0; i < AKIRA_UI_MAX_SCREENS; i++)
        if (ui->screens[i] && ui->screens[i]->owner == ow) akira_ui_screen_delete(ui->screens[i]);
    /* drop its queued events: nobody is left to take them */
    int32_t k = 0;
    for (int32_t i = 0; i < ui->nevents; i++)
        if (ui->events[i].owner_id != ow->id) ui->events[k++] = ui->events[i];
    ui->nevents = k;
    for (int i = 0; i < AKIRA_UI_MAX_OWNERS; i++)
        if (ui->owners[i] == ow) ui->owners[i] = NULL;
    akira_ui_invalidate_all(ui);
    return AKIRA_OK;
}

void akira_ui_deinit(akira_ui_t *ui)
{
    if (!ui) return;
    for (int i = 0; i < AKIRA_UI_MAX_OWNERS; i++)
        if (ui->owners[i]) akira_ui_owner_release(ui, ui->owners[i]);
}

int akira_ui_set_theme(akira_ui_t *ui, const akira_ui_theme_t *t)
{
    if (!ui || !t) return AKIRA_EINVAL;
    ui->theme = t;
    for (int i = 0; i < AKIRA_UI_MAX_SCREENS; i++)
        if (ui->screens[i]) restyle(ui->screens[i], t);
    for (akira_ui_obj_t *o = ui->top; o; o = o->next)
        restyle(o, t);
    ui_relayout(ui);
    return AKIRA_OK;
}

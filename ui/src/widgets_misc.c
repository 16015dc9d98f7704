/* Text entry (textarea, keyboard, spinbox), data views (chart, gauge, calendar) and the
 * containers with pages (tabview, tileview, window). */
#include "ui_priv.h"

#include <math.h>
#include <stdio.h>

/* ---- textarea --------------------------------------------------------------------- */

typedef struct {
    int32_t cursor;
    uint32_t blink_at;
    uint8_t blink_on;
} ta_t;

static void ta_init(akira_ui_obj_t *o)
{
    o->w = 200;
    o->max = 256; /* longest text in bytes */
    o->min = 0;
    EXT(o, ta_t)->blink_on = 1;
}

static int32_t ta_len(const akira_ui_obj_t *o)
{
    return o->text ? (int32_t)strlen(o->text) : 0;
}

static int ta_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    ta_t *t = EXT(o, ta_t);
    switch (p) {
    case AKIRA_UI_P_CURSOR:
        t->cursor = ui_clamp(v, 0, ta_len(o));
        /* never inside a UTF-8 sequence */
        while (t->cursor > 0 && ((uint8_t)o->text[t->cursor] & 0xC0) == 0x80)
            t->cursor--;
        return AKIRA_OK;
    case AKIRA_UI_P_MAX:
        if (v < 1 || v > AKIRA_UI_MAX_TEXT) return AKIRA_EINVAL;
        o->max = v;
        return AKIRA_OK;
    default: return AKIRA_ENOTSUP;
    }
}

static int ta_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    switch (p) {
    case AKIRA_UI_P_CURSOR: *v = EXT(o, ta_t)->cursor; return AKIRA_OK;
    case AKIRA_UI_P_MAX: *v = o->max; return AKIRA_OK;
    case AKIRA_UI_P_VALUE: *v = ta_len(o); return AKIRA_OK;
    default: return AKIRA_ENOTSUP;
    }
}

/* Replace bytes [at, at+del) by ins; the new text is one fresh charged copy. */
static int ta_edit(akira_ui_obj_t *o, int32_t at, int32_t del, const char *ins)
{
    int32_t n = ta_len(o), k = (int32_t)strlen(ins);
    if (n - del + k > o->max) return AKIRA_ETOOBIG;
    int err = 0;
    size_t cap = (size_t)(n - del + k + 1);
    char *s = ui_mem_alloc(o->owner, cap, &err);
    if (!s) return err;
    if (at) memcpy(s, o->text, (size_t)at);
    memcpy(s + at, ins, (size_t)k);
    if (n - at - del > 0) memcpy(s + at + k, o->text + at + del, (size_t)(n - at - del));
    s[n - del + k] = 0;
    ui_mem_free(o->owner, o->text, o->text_cap);
    o->text = s;
    o->text_cap = (uint16_t)cap;
    EXT(o, ta_t)->cursor = at + k;
    ui_relayout(o->ui);
    ui_event(o, AKIRA_UI_EV_VALUE_CHANGED, n - del + k, -1, -1);
    return AKIRA_OK;
}

int akira_ui_textarea_insert(akira_ui_obj_t *o, const char *text)
{
    if (!o || !text) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_TEXTAREA) return AKIRA_ENOTSUP;
    if (!*text) return AKIRA_OK;
    return ta_edit(o, EXT(o, ta_t)->cursor, 0, text);
}

int akira_ui_textarea_backspace(akira_ui_obj_t *o)
{
    if (!o) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_TEXTAREA) return AKIRA_ENOTSUP;
    int32_t c = EXT(o, ta_t)->cursor, s = c;
    if (!c) return AKIRA_OK;
    do
        s--;
    while (s > 0 && ((uint8_t)o->text[s] & 0xC0) == 0x80);
    return ta_edit(o, s, c - s, "");
}

static void ta_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    int32_t tw, th, iw = o->w >= 0 ? o->w - 2 * (o->st.pad + o->st.border_w) - 4 : 0;
    ui_text_size(ui_font(o), o->text ? o->text : "", iw, &tw, &th);
    *w = tw + 4;
    *h = th;
}

typedef struct {
    const akira_ui_obj_t *o;
    akira_gfx_t *g;
    const akira_font_t *f;
    akira_area_t c;
    int32_t cursor, cx, cy;
} ta_draw_t;

static void ta_line(void *arg, int32_t line, const char *s, int32_t len)
{
    ta_draw_t *d = arg;
    int32_t y = d->c.y1 + line * d->f->line_height, off = (int32_t)(s - d->o->text);
    akira_gfx_text(d->g, d->f, d->c.x1 + 2, y, s, len, d->o->st.fg);
    if (d->cursor >= off && d->cursor <= off + len) {
        d->cx = d->c.x1 + 2 + akira_font_text_width(d->f, s, d->cursor - off);
        d->cy = y;
    }
}

static void ta_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a), saved;
    ta_draw_t d = {o, dc->g, ui_font(o), c, EXT(o, ta_t)->cursor, c.x1 + 2, c.y1};
    akira_gfx_clip_push(dc->g, &c, &saved);
    if (o->text) ui_text_lines(d.f, o->text, akira_area_w(&c) - 4, ta_line, &d);
    if (o->ui->focused == o && EXT(o, ta_t)->blink_on) {
        akira_area_t cur = {(int16_t)d.cx, (int16_t)(d.cy + 2), (int16_t)(d.cx + 1),
                            (int16_t)(d.cy + d.f->line_height - 2)};
        akira_gfx_fill(dc->g, &cur, o->st.accent);
    }
    akira_gfx_clip_restore(dc->g, &saved);
}

static int ta_key(akira_ui_obj_t *o, int k)
{
    int32_t c = EXT(o, ta_t)->cursor;
    if (k == 0) return 1;
    if (k == AKIRA_UI_KEY_LEFT && c > 0) {
        do
            c--;
        while (c > 0 && ((uint8_t)o->text[c] & 0xC0) == 0x80);
    } else if (k == AKIRA_UI_KEY_RIGHT && c < ta_len(o)) {
        do
            c++;
        while (c < ta_len(o) && ((uint8_t)o->text[c] & 0xC0) == 0x80);
    } else if (k == AKIRA_UI_KEY_UP) {
        c = 0;
    } else if (k == AKIRA_UI_KEY_DOWN) {
        c = ta_len(o);
    } else if (k == AKIRA_UI_KEY_SELECT) {
        return 0;
    }
    EXT(o, ta_t)->cursor = c;
    EXT(o, ta_t)->blink_on = 1;
    akira_ui_invalidate(o);
    return 1;
}

static void ta_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    (void)x, (void)y;
    EXT(o, ta_t)->cursor = ta_len(o);
    akira_ui_invalidate(o);
}

static void ta_tick(akira_ui_obj_t *o, uint32_t now)
{
    ta_t *t = EXT(o, ta_t);
    if (o->ui->focused != o) {
        t->blink_at = 0;
        t->blink_on = 1;
        return;
    }
    if (!t->blink_at) t->blink_at = now; /* focused: the cursor shows first */
    if (now - t->blink_at >= 500) {
        t->blink_at = now;
        t->blink_on = !t->blink_on;
        akira_ui_invalidate(o);
    }
}

const cls_t ui_textarea_cls = {.type = AKIRA_UI_TEXTAREA,
                               .ext = sizeof(ta_t),
                               .flags = F_CLICKABLE | F_FOCUSABLE,
                               .init = ta_init,
                               .draw = ta_draw,
                               .content = ta_content,
                               .set = ta_set,
                               .get = ta_get,
                               .key = ta_key,
                               .click = ta_click,
                               .tick = ta_tick,
                               .editable = 1};

/* ---- keyboard --------------------------------------------------------------------- */

/* Keys by mode (lower, upper, symbols) and row: label and width in half-key units. */
#define KB_ROWS 4
#define KB_COLS 10
typedef struct {
    const char *s;
    uint8_t units;
} kbkey_t;

#define K(x)                                                                                       \
    {                                                                                              \
        x, 2                                                                                       \
    }
#define BOTTOM(m)                                                                                  \
    {m, 3}, {",", 2}, {" ", 10}, {".", 2},                                                         \
    {                                                                                              \
        AKIRA_SYM_ENTER, 3                                                                         \
    }
static const kbkey_t kb_keys[3][KB_ROWS][KB_COLS] = {
    {{K("q"), K("w"), K("e"), K("r"), K("t"), K("y"), K("u"), K("i"), K("o"), K("p")},
     {K("a"), K("s"), K("d"), K("f"), K("g"), K("h"), K("j"), K("k"), K("l")},
     {{AKIRA_SYM_SHIFT, 3},
      K("z"),
      K("x"),
      K("c"),
      K("v"),
      K("b"),
      K("n"),
      K("m"),
      {AKIRA_SYM_BACKSPACE, 3}},
     {BOTTOM("123")}},
    {{K("Q"), K("W"), K("E"), K("R"), K("T"), K("Y"), K("U"), K("I"), K("O"), K("P")},
     {K("A"), K("S"), K("D"), K("F"), K("G"), K("H"), K("J"), K("K"), K("L")},
     {{AKIRA_SYM_SHIFT, 3},
      K("Z"),
      K("X"),
      K("C"),
      K("V"),
      K("B"),
      K("N"),
      K("M"),
      {AKIRA_SYM_BACKSPACE, 3}},
     {BOTTOM("123")}},
    {{K("1"), K("2"), K("3"), K("4"), K("5"), K("6"), K("7"), K("8"), K("9"), K("0")},
     {K("-"), K("/"), K(":"), K(";"), K("("), K(")"), K("$"), K("&"), K("@")},
     {{"#", 3}, K("?"), K("!"), K("'"), K("\""), K("+"), K("="), K("%"), {AKIRA_SYM_BACKSPACE, 3}},
     {BOTTOM("abc")}},
};

typedef struct {
    uint16_t target;
    uint8_t mode, sel_row, sel_col;
} kb_t;

static int32_t kb_row_keys(const kbkey_t *row)
{
    int32_t n = 0;
    while (n < KB_COLS && row[n].s)
        n++;
    return n;
}

static void kb_init(akira_ui_obj_t *o)
{
    o->w = AKIRA_UI_PCT(100);
    o->h = 140;
}

/* Area of key (r, i) inside content c. */
static void kb_key_area(akira_ui_obj_t *o, akira_area_t c, int32_t r, int32_t i, akira_area_t *out)
{
    kb_t *kb = EXT(o, kb_t);
    const kbkey_t *row = kb_keys[kb->mode][r];
    int32_t total = 0, before = 0, n = kb_row_keys(row);
    for (int32_t j = 0; j < n; j++) {
        if (j < i) before += row[j].units;
        total += row[j].units;
    }
    const kbkey_t k = row[i];
    int32_t full = 20; /* the widest row, in units */
    int32_t w = akira_area_w(&c), h = akira_area_h(&c), rh = h / KB_ROWS;
    int32_t x0 = c.x1 + (w - w * total / full) / 2;
    out->x1 = (int16_t)(x0 + w * before / full + 1);
    out->x2 = (int16_t)(x0 + w * (before + k.units) / full - 2);
    out->y1 = (int16_t)(c.y1 + r * rh + 1);
    out->y2 = (int16_t)(c.y1 + (r + 1) * rh - 2);
}

static void kb_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    kb_t *kb = EXT(o, kb_t);
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    const akira_font_t *f = ui_font(o);
    for (int32_t r = 0; r < KB_ROWS; r++) {
        const kbkey_t *row = kb_keys[kb->mode][r];
        for (int32_t i = 0; i < kb_row_keys(row); i++) {
            const kbkey_t k = row[i];
            akira_area_t ka;
            kb_key_area(o, c, r, i, &ka);
            int sel = o->ui->focused == o && o->ui->editing && r == kb->sel_row && i == kb->sel_col;
            int special = k.units != 2 && k.units != 10;
            akira_color_t bg = sel ? o->st.accent : special ? dc->th->border : dc->th->surface;
            akira_gfx_rrect(dc->g, &ka, 4, 0, bg);
            int32_t tw = akira_font_text_width(f, k.s, -1);
            akira_gfx_text(dc->g, f, (ka.x1 + ka.x2 + 1 - tw) / 2,
                           (ka.y1 + ka.y2 + 1 - f->line_height) / 2, k.s, -1,
                           sel ? dc->th->on_primary : o->st.fg);
        }
    }
}

static void kb_press(akira_ui_obj_t *o, int32_t r, int32_t i)
{
    kb_t *kb = EXT(o, kb_t);
    if (r < 0 || r >= KB_ROWS || i < 0 || i >= kb_row_keys(kb_keys[kb->mode][r])) return;
    const char *lab = kb_keys[kb->mode][r][i].s;
    akira_ui_obj_t *ta = kb->target ? akira_ui_find(o->ui, o->owner, kb->target) : NULL;
    if (!strcmp(lab, AKIRA_SYM_SHIFT)) {
        kb->mode = kb->mode == 0 ? 1 : 0;
    } else if (!strcmp(lab, "123")) {
        kb->mode = 2;
    } else if (!strcmp(lab, "abc")) {
        kb->mode = 0;
    } else if (!strcmp(lab, "#")) {
        kb->mode = 2;
    } else if (!strcmp(lab, AKIRA_SYM_BACKSPACE)) {
        if (ta) akira_ui_textarea_backspace(ta);
    } else if (!strcmp(lab, AKIRA_SYM_ENTER)) {
        ui_event(o, AKIRA_UI_EV_READY, 0, -1, -1);
    } else {
        if (ta) akira_ui_textarea_insert(ta, lab);
        if (kb->mode == 1) kb->mode = 0; /* shift is for one letter */
    }
    uint32_t cp;
    akira_utf8_next(lab, (int32_t)strlen(lab), &cp);
    o->value = (int32_t)cp;
    ui_event(o, AKIRA_UI_EV_VALUE_CHANGED, (int32_t)cp, -1, -1);
    akira_ui_invalidate(o);
}

static void kb_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    kb_t *kb = EXT(o, kb_t);
    if (x < 0) return;
    akira_area_t c = ui_content(o, o->area);
    for (int32_t r = 0; r < KB_ROWS; r++) {
        for (int32_t i = 0; i < kb_row_keys(kb_keys[kb->mode][r]); i++) {
            akira_area_t ka;
            kb_key_area(o, c, r, i, &ka);
            if (x + o->area.x1 >= ka.x1 - 1 && x + o->area.x1 <= ka.x2 + 1 &&
                y + o->area.y1 >= ka.y1 - 1 && y + o->area.y1 <= ka.y2 + 1) {
                kb_press(o, r, i);
                return;
            }
        }
    }
}

static int kb_key_in(akira_ui_obj_t *o, int k)
{
    kb_t *kb = EXT(o, kb_t);
    int32_t n = kb_row_keys(kb_keys[kb->mode][kb->sel_row]);
    switch (k) {
    case 0: return 1;
    case AKIRA_UI_KEY_LEFT: kb->sel_col = (uint8_t)(kb->sel_col ? kb->sel_col - 1 : n - 1); break;
    case AKIRA_UI_KEY_RIGHT: kb->sel_col = (uint8_t)((kb->sel_col + 1) % n); break;
    case AKIRA_UI_KEY_UP:
        kb->sel_row = (uint8_t)(kb->sel_row ? kb->sel_row - 1 : KB_ROWS - 1);
        break;
    case AKIRA_UI_KEY_DOWN: kb->sel_row = (uint8_t)((kb->sel_row + 1) % KB_ROWS); break;
    case AKIRA_UI_KEY_SELECT: kb_press(o, kb->sel_row, kb->sel_col); return 1;
    default: return 0;
    }
    n = kb_row_keys(kb_keys[kb->mode][kb->sel_row]);
    if (kb->sel_col >= n) kb->sel_col = (uint8_t)(n - 1);
    return 1;
}

int akira_ui_keyboard_set_target(akira_ui_obj_t *kb, akira_ui_obj_t *ta)
{
    if (!kb) return AKIRA_EINVAL;
    if (kb->cls->type != AKIRA_UI_KEYBOARD || (ta && ta->cls->type != AKIRA_UI_TEXTAREA))
        return AKIRA_ENOTSUP;
    if (ta && ta->owner != kb->owner) return AKIRA_EPERM;
    EXT(kb, kb_t)->target = ta ? ta->id : 0;
    return AKIRA_OK;
}

static int kb_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP; /* mode 0 lower, 1 upper, 2 symbols */
    if (v < 0 || v > 2) return AKIRA_EINVAL;
    EXT(o, kb_t)->mode = (uint8_t)v;
    return AKIRA_OK;
}

static int kb_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    *v = EXT(o, kb_t)->mode;
    return AKIRA_OK;
}

const cls_t ui_keyboard_cls = {.type = AKIRA_UI_KEYBOARD,
                               .ext = sizeof(kb_t),
                               .flags = F_CLICKABLE | F_FOCUSABLE,
                               .init = kb_init,
                               .draw = kb_draw,
                               .set = kb_set,
                               .get = kb_get,
                               .key = kb_key_in,
                               .click = kb_click,
                               .editable = 1};

/* ---- spinbox ---------------------------------------------------------------------- */

static void sb_init(akira_ui_obj_t *o)
{
    o->min = -9999;
    o->max = 9999;
    EXT(o, range_t)->step = 1;
}

static void sb_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    *w = 140;
    *h = ui_font(o)->line_height + 8;
}

static void sb_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    int32_t h = akira_area_h(&a);
    akira_area_t l = {a.x1, a.y1, (int16_t)(a.x1 + h - 1), a.y2};
    akira_area_t r = {(int16_t)(a.x2 - h + 1), a.y1, a.x2, a.y2};
    akira_gfx_rrect(dc->g, &l, o->st.radius, 0, o->st.accent);
    akira_gfx_rrect(dc->g, &r, o->st.radius, 0, o->st.accent);
    const akira_font_t *f = ui_font(o);
    int32_t ty = a.y1 + (h - f->line_height) / 2;
    akira_gfx_text(dc->g, f, l.x1 + (h - akira_font_text_width(f, "-", -1)) / 2, ty, "-", -1,
                   dc->th->on_primary);
    akira_gfx_text(dc->g, f, r.x1 + (h - akira_font_text_width(f, "+", -1)) / 2, ty, "+", -1,
                   dc->th->on_primary);
    char buf[24];
    snprintf(buf, sizeof buf, "%ld%s", (long)o->value, o->text ? o->text : "");
    int32_t tw = akira_font_text_width(f, buf, -1);
    akira_gfx_text(dc->g, f, (a.x1 + a.x2 + 1 - tw) / 2, ty, buf, -1, o->st.fg);
}

static void sb_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    (void)y;
    int32_t h = akira_area_h(&o->area), w = akira_area_w(&o->area);
    if (x < 0) return;
    if (x < h)
        ui_set_value(o, o->value - EXT(o, range_t)->step, 1);
    else if (x >= w - h)
        ui_set_value(o, o->value + EXT(o, range_t)->step, 1);
}

static int sb_key(akira_ui_obj_t *o, int k)
{
    int32_t s = EXT(o, range_t)->step;
    if (k == 0) return 1;
    if (k == AKIRA_UI_KEY_UP || k == AKIRA_UI_KEY_RIGHT)
        ui_set_value(o, o->value + s, 1);
    else if (k == AKIRA_UI_KEY_DOWN || k == AKIRA_UI_KEY_LEFT)
        ui_set_value(o, o->value - s, 1);
    else
        return 0;
    return 1;
}

const cls_t ui_spinbox_cls = {.type = AKIRA_UI_SPINBOX,
                              .ext = sizeof(range_t),
                              .flags = F_CLICKABLE | F_FOCUSABLE,
                              .init = sb_init,
                              .draw = sb_draw,
                              .content = sb_content,
                              .set = ui_range_set,
                              .get = ui_range_get,
                              .key = sb_key,
                              .click = sb_click,
                              .editable = 1};

/* ---- chart ------------------------------------------------------------------------ */

#define CHART_POINTS 64

typedef struct {
    uint8_t type, n[2];
    int16_t v[2][CHART_POINTS];
} chart_t;

static void chart_init(akira_ui_obj_t *o)
{
    o->w = 200;
    o->h = 120;
}

int akira_ui_chart_set_points(akira_ui_obj_t *o, int32_t series, const int16_t *v, int32_t n)
{
    if (!o || (!v && n)) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_CHART) return AKIRA_ENOTSUP;
    if (series < 0 || series > 1 || n < 0) return AKIRA_EINVAL;
    if (n > CHART_POINTS) return AKIRA_ETOOBIG;
    chart_t *c = EXT(o, chart_t);
    if (n) memcpy(c->v[series], v, sizeof(int16_t) * (size_t)n);
    c->n[series] = (uint8_t)n;
    akira_ui_invalidate(o);
    return AKIRA_OK;
}

static int chart_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p == AKIRA_UI_P_CHART_TYPE) {
        if (v != 0 && v != 1) return AKIRA_EINVAL;
        EXT(o, chart_t)->type = (uint8_t)v;
        return AKIRA_OK;
    }
    if (p != AKIRA_UI_P_MIN && p != AKIRA_UI_P_MAX) return AKIRA_ENOTSUP;
    if (v < -32768 || v > 32767) return AKIRA_EINVAL; /* the points are int16 */
    return ui_range_set(o, p, v);
}

static int chart_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p == AKIRA_UI_P_CHART_TYPE) {
        *v = EXT(o, chart_t)->type;
        return AKIRA_OK;
    }
    if (p != AKIRA_UI_P_MIN && p != AKIRA_UI_P_MAX) return AKIRA_ENOTSUP;
    return ui_range_get(o, p, v);
}

static void chart_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    chart_t *ch = EXT(o, chart_t);
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    int32_t w = akira_area_w(&c), h = akira_area_h(&c);
    for (int32_t i = 0; i <= 4; i++) {
        int32_t y = c.y1 + i * (h - 1) / 4;
        akira_area_t gl = {c.x1, (int16_t)y, c.x2, (int16_t)y};
        akira_gfx_fill(dc->g, &gl, dc->th->surface2);
    }
    akira_color_t col[2] = {o->st.accent, dc->th->ok};
    int64_t range = (int64_t)o->max - o->min;
    for (int s = 0; s < 2; s++) {
        int32_t n = ch->n[s];
        if (!n) continue;
        int32_t px = 0, py = 0;
        for (int32_t i = 0; i < n; i++) {
            int32_t v = ui_clamp(ch->v[s][i], o->min, o->max);
            int32_t y = c.y2 - (int32_t)(((int64_t)v - o->min) * (h - 1) / range);
            if (ch->type == 1) {
                int32_t slot = w / n, bw = slot / 3 > 1 ? slot / 3 : 1;
                int32_t x =
                    c.x1 + i * slot + slot / 2 + (s ? 1 : -bw - 1) + (ch->n[1] ? 0 : bw / 2);
                akira_area_t b = {(int16_t)x, (int16_t)y, (int16_t)(x + bw - 1), c.y2};
                akira_gfx_fill(dc->g, &b, col[s]);
            } else {
                int32_t x = c.x1 + (n > 1 ? i * (w - 1) / (n - 1) : 0);
                if (i) akira_gfx_line(dc->g, px, py, x, y, 2, col[s]);
                akira_gfx_circle(dc->g, x, y, 2, 0, col[s]);
                px = x, py = y;
            }
        }
    }
}

const cls_t ui_chart_cls = {.type = AKIRA_UI_CHART,
                            .ext = sizeof(chart_t),
                            .init = chart_init,
                            .draw = chart_draw,
                            .set = chart_set,
                            .get = chart_get};

/* ---- gauge ------------------------------------------------------------------------ */

static void gauge_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    (void)o;
    *w = *h = 140;
}

static void gauge_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    int32_t w = akira_area_w(&c), h = akira_area_h(&c);
    int32_t cx = c.x1 + w / 2, cy = c.y1 + h / 2, r = (w < h ? w : h) / 2 - 2;
    akira_gfx_arc(dc->g, cx, cy, r, 3, 135, 45, 0, o->st.fg);
    akira_gfx_arc(dc->g, cx, cy, r, 6, 351, 45, 0, dc->th->danger); /* last 20% */
    const akira_font_t *sf = akira_font_for_size(12);
    int64_t range = (int64_t)o->max - o->min;
    for (int32_t i = 0; i <= 10; i++) {
        float ang = (135.f + 27.f * (float)i) * 0.0174533f;
        float ca = cosf(ang), sa = sinf(ang);
        int32_t len = i % 5 == 0 ? 12 : 7;
        akira_gfx_line(dc->g, cx + (int32_t)lroundf(ca * (float)(r - len)),
                       cy + (int32_t)lroundf(sa * (float)(r - len)),
                       cx + (int32_t)lroundf(ca * (float)(r - 1)),
                       cy + (int32_t)lroundf(sa * (float)(r - 1)), 2, o->st.fg);
        if (i % 5 == 0) {
            char buf[12];
            snprintf(buf, sizeof buf, "%ld", (long)(o->min + range * i / 10));
            int32_t tw = akira_font_text_width(sf, buf, -1);
            int32_t lx = cx + (int32_t)lroundf(ca * (float)(r - 24)) - tw / 2;
            int32_t ly = cy + (int32_t)lroundf(sa * (float)(r - 24)) - sf->line_height / 2;
            akira_gfx_text(dc->g, sf, lx, ly, buf, -1, dc->th->text_muted);
        }
    }
    float frac = range ? (float)((int64_t)o->value - o->min) / (float)range : 0.f;
    float ang = (135.f + 270.f * frac) * 0.0174533f;
    akira_gfx_line(dc->g, cx, cy, cx + (int32_t)lroundf(cosf(ang) * (float)(r - 16)),
                   cy + (int32_t)lroundf(sinf(ang) * (float)(r - 16)), 3, o->st.accent);
    akira_gfx_circle(dc->g, cx, cy, 6, 0, o->st.accent);
    char buf[16];
    snprintf(buf, sizeof buf, "%ld", (long)o->value);
    const akira_font_t *f = ui_font(o);
    akira_gfx_text(dc->g, f, cx - akira_font_text_width(f, buf, -1) / 2, cy + r / 2 - 4, buf, -1,
                   o->st.fg);
}

const cls_t ui_gauge_cls = {.type = AKIRA_UI_GAUGE,
                            .draw = gauge_draw,
                            .content = gauge_content,
                            .set = ui_range_set,
                            .get = ui_range_get};

/* ---- tabview and tileview: pages are children, one shown -------------------------- */

#define TAB_H 36

static int32_t page_count(const akira_ui_obj_t *o)
{
    int32_t n = 0;
    for (akira_ui_obj_t *c = o->child; c; c = c->next)
        n++;
    return n;
}

akira_ui_obj_t *akira_ui_page(const akira_ui_obj_t *v, int32_t i)
{
    if (!v || (v->cls->type != AKIRA_UI_TABVIEW && v->cls->type != AKIRA_UI_TILEVIEW)) return NULL;
    return akira_ui_child(v, i);
}

static void view_init(akira_ui_obj_t *o)
{
    o->w = AKIRA_UI_PCT(100);
    o->h = AKIRA_UI_PCT(100);
    o->max = 0;
}

static int view_show(akira_ui_obj_t *o, int32_t v, int notify)
{
    int32_t n = page_count(o);
    if (v < 0 || v >= (n ? n : 1)) return AKIRA_EINVAL;
    o->max = n ? n - 1 : 0;
    if (v == o->value) return AKIRA_OK;
    o->value = v;
    int32_t i = 0;
    for (akira_ui_obj_t *c = o->child; c; c = c->next, i++) {
        if (i == v)
            c->flags &= (uint16_t)~F_HIDDEN;
        else
            c->flags |= F_HIDDEN;
    }
    ui_relayout(o->ui);
    if (notify) ui_event(o, AKIRA_UI_EV_VALUE_CHANGED, v, -1, -1);
    return AKIRA_OK;
}

/* Pages fill the content box (below the tab bar); only the active one is shown. */
static int view_layout(akira_ui_obj_t *o, akira_area_t *cb)
{
    if (o->cls->type == AKIRA_UI_TABVIEW) cb->y1 = (int16_t)(cb->y1 + TAB_H);
    int32_t i = 0;
    for (akira_ui_obj_t *c = o->child; c; c = c->next, i++) {
        c->flags |= F_PAGE;
        if (i == o->value)
            c->flags &= (uint16_t)~F_HIDDEN;
        else
            c->flags |= F_HIDDEN;
        c->area = *cb;
    }
    o->max = i ? i - 1 : 0;
    o->content_w = o->content_h = 0;
    return 1;
}

static int tab_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p == AKIRA_UI_P_COUNT_) { /* options changed: one page per tab */
        for (int32_t n = page_count(o); n < o->nopts; n++) {
            akira_ui_obj_t *pg;
            if (ui_create_raw(o->ui, o->owner, o, AKIRA_UI_CONTAINER, &pg)) break;
            pg->st.border_w = 0;
            pg->st.radius = 0;
            pg->st.bg_opa = 0;
            pg->st.pad = 8;
            pg->flags |= F_PAGE;
        }
        return AKIRA_OK;
    }
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    return view_show(o, v, 0);
}

static int view_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p == AKIRA_UI_P_VALUE) {
        *v = o->value;
        return AKIRA_OK;
    }
    if (p == AKIRA_UI_P_COLS && o->cls->type == AKIRA_UI_TILEVIEW) {
        *v = o->grid_cols ? o->grid_cols : 1;
        return AKIRA_OK;
    }
    return AKIRA_ENOTSUP;
}

static void tab_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t bar = {a.x1, a.y1, a.x2, (int16_t)(a.y1 + TAB_H - 1)};
    akira_gfx_fill(dc->g, &bar, dc->th->surface);
    int32_t n = o->nopts ? o->nopts : 1, w = akira_area_w(&a);
    const akira_font_t *f = ui_font(o);
    for (int32_t i = 0; i < o->nopts; i++) {
        int32_t x1 = a.x1 + i * w / n, x2 = a.x1 + (i + 1) * w / n - 1, len;
        int32_t at = ui_opt(o->opts, i, &len);
        int32_t tw = akira_font_text_width(f, o->opts + at, len);
        akira_gfx_text(dc->g, f, (x1 + x2 + 1 - tw) / 2, a.y1 + (TAB_H - 3 - f->line_height) / 2,
                       o->opts + at, len, i == o->value ? o->st.accent : dc->th->text_muted);
        if (i == o->value) {
            akira_area_t ul = {(int16_t)x1, (int16_t)(a.y1 + TAB_H - 3), (int16_t)x2,
                               (int16_t)(a.y1 + TAB_H - 1)};
            akira_gfx_fill(dc->g, &ul, o->st.accent);
        }
    }
    akira_area_t sep = {a.x1, (int16_t)(a.y1 + TAB_H), a.x2, (int16_t)(a.y1 + TAB_H)};
    akira_gfx_fill(dc->g, &sep, dc->th->border);
}

static void tab_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    if (x < 0 || y >= TAB_H || !o->nopts) return;
    view_show(o, x * o->nopts / akira_area_w(&o->area), 1);
}

static int tab_key(akira_ui_obj_t *o, int k)
{
    if (k == 0) return 1;
    if (k == AKIRA_UI_KEY_LEFT || k == AKIRA_UI_KEY_UP) {
        if (o->value > 0) view_show(o, o->value - 1, 1);
    } else if (k == AKIRA_UI_KEY_RIGHT || k == AKIRA_UI_KEY_DOWN) {
        if (o->value < o->max) view_show(o, o->value + 1, 1);
    } else {
        return 0;
    }
    return 1;
}

static int tab_gesture(akira_ui_obj_t *o, int dir)
{
    if (dir == AKIRA_UI_DIR_LEFT && o->value < o->max) return !view_show(o, o->value + 1, 1);
    if (dir == AKIRA_UI_DIR_RIGHT && o->value > 0) return !view_show(o, o->value - 1, 1);
    return 0;
}

const cls_t ui_tabview_cls = {.type = AKIRA_UI_TABVIEW,
                              .flags = F_CLICKABLE | F_FOCUSABLE,
                              .init = view_init,
                              .draw = tab_draw,
                              .set = tab_set,
                              .get = view_get,
                              .key = tab_key,
                              .click = tab_click,
                              .layout = view_layout,
                              .gesture = tab_gesture,
                              .editable = 1};

static int tile_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p == AKIRA_UI_P_COLS) {
        if (v < 1 || v > 16) return AKIRA_EINVAL;
        o->grid_cols = (uint8_t)v;
        return AKIRA_OK;
    }
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    return view_show(o, v, 0);
}

static int tile_move(akira_ui_obj_t *o, int dir)
{
    int32_t cols = o->grid_cols ? o->grid_cols : 1, n = page_count(o), v = o->value;
    int32_t c = v % cols;
    if (dir == AKIRA_UI_DIR_LEFT && c + 1 < cols && v + 1 < n)
        v++;
    else if (dir == AKIRA_UI_DIR_RIGHT && c > 0)
        v--;
    else if (dir == AKIRA_UI_DIR_UP && v + cols < n)
        v += cols;
    else if (dir == AKIRA_UI_DIR_DOWN && v - cols >= 0)
        v -= cols;
    else
        return 0;
    view_show(o, v, 1);
    return 1;
}

static int tile_key(akira_ui_obj_t *o, int k)
{
    static const int map[] = {0, AKIRA_UI_DIR_DOWN, AKIRA_UI_DIR_UP, AKIRA_UI_DIR_RIGHT,
                              AKIRA_UI_DIR_LEFT};
    if (k == 0) return 1;
    if (k >= AKIRA_UI_KEY_UP && k <= AKIRA_UI_KEY_RIGHT) {
        tile_move(o, map[k]);
        return 1;
    }
    return 0;
}

static void tile_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
}

const cls_t ui_tileview_cls = {.type = AKIRA_UI_TILEVIEW,
                               .flags = F_FOCUSABLE,
                               .init = view_init,
                               .draw = tile_draw,
                               .set = tile_set,
                               .get = view_get,
                               .key = tile_key,
                               .layout = view_layout,
                               .gesture = tile_move,
                               .editable = 1};

/* ---- window ----------------------------------------------------------------------- */

#define WIN_BAR 34

static void win_init(akira_ui_obj_t *o)
{
    o->w = 240;
    o->h = 160;
    o->st.pad = 8;
}

static int win_layout(akira_ui_obj_t *o, akira_area_t *cb)
{
    (void)o;
    cb->y1 = (int16_t)(cb->y1 + WIN_BAR - o->st.pad + 4);
    return 0;
}

static void win_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t bar = {a.x1, a.y1, a.x2, (int16_t)(a.y1 + WIN_BAR - 1)}, saved;
    akira_gfx_clip_push(dc->g, &bar, &saved);
    akira_area_t rb = bar;
    rb.y2 = (int16_t)(rb.y2 + o->st.radius); /* square bottom corners */
    akira_gfx_rrect(dc->g, &rb, o->st.radius, 0, o->st.accent);
    const akira_font_t *f = ui_font(o);
    int32_t ty = a.y1 + (WIN_BAR - f->line_height) / 2;
    if (o->title) akira_gfx_text(dc->g, f, a.x1 + 10, ty, o->title, -1, dc->th->on_primary);
    akira_gfx_text(dc->g, f, a.x2 - 8 - akira_font_text_width(f, AKIRA_SYM_CLOSE, -1), ty,
                   AKIRA_SYM_CLOSE, -1, dc->th->on_primary);
    akira_gfx_clip_restore(dc->g, &saved);
}

static void win_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    if (x >= 0 && y < WIN_BAR && x >= akira_area_w(&o->area) - WIN_BAR)
        ui_event(o, AKIRA_UI_EV_READY, 0, -1, -1); /* the close button */
}

const cls_t ui_window_cls = {.type = AKIRA_UI_WINDOW,
                             .flags = F_CLICKABLE,
                             .init = win_init,
                             .draw = win_draw,
                             .click = win_click,
                             .layout = win_layout};

/* ---- calendar --------------------------------------------------------------------- */

typedef struct {
    int16_t year;
    int8_t month;
} cal_t;

static int days_in(int32_t y, int32_t m)
{
    static const int8_t d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

/* Day of week of y-m-d, 0 = Monday. */
static int dow(int32_t y, int32_t m, int32_t d)
{
    static const int8_t t[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3) y--;
    int w = (int)((y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7); /* 0 = Sunday */
    return (w + 6) % 7;
}

static void cal_init(akira_ui_obj_t *o)
{
    cal_t *c = EXT(o, cal_t);
    c->year = 2026;
    c->month = 1;
    o->min = 1;
    o->max = 31;
    o->value = 1;
    o->st.pad = 4;
}

static void cal_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    int32_t lh = ui_font(o)->line_height;
    *w = 7 * 32;
    *h = (lh + 8) + lh + 6 * (lh + 6);
}

static void cal_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    static const char *const months[12] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};
    static const char *const wd[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
    cal_t *cal = EXT(o, cal_t);
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    const akira_font_t *f = ui_font(o), *sf = akira_font_for_size(12);
    int32_t lh = f->line_height, cw = akira_area_w(&c) / 7, rh = lh + 6;
    char buf[24];
    snprintf(buf, sizeof buf, "%s %d", months[cal->month - 1], cal->year);
    akira_gfx_text(dc->g, f, (c.x1 + c.x2 - akira_font_text_width(f, buf, -1)) / 2, c.y1 + 4, buf,
                   -1, o->st.fg);
    akira_gfx_text(dc->g, f, c.x1 + 6, c.y1 + 4, AKIRA_SYM_LEFT, -1, o->st.accent);
    akira_gfx_text(dc->g, f, c.x2 - 6 - akira_font_text_width(f, AKIRA_SYM_RIGHT, -1), c.y1 + 4,
                   AKIRA_SYM_RIGHT, -1, o->st.accent);
    int32_t y = c.y1 + lh + 8;
    for (int i = 0; i < 7; i++)
        akira_gfx_text(dc->g, sf, c.x1 + i * cw + (cw - akira_font_text_width(sf, wd[i], -1)) / 2,
                       y + (lh - sf->line_height) / 2, wd[i], -1,
                       i >= 5 ? dc->th->danger : dc->th->text_muted);
    y += lh;
    int32_t first = dow(cal->year, cal->month, 1), nd = days_in(cal->year, cal->month);
    for (int32_t d = 1; d <= nd; d++) {
        int32_t cell = first + d - 1, x = c.x1 + (cell % 7) * cw, yy = y + (cell / 7) * rh;
        snprintf(buf, sizeof buf, "%ld", (long)d);
        akira_color_t fg = o->st.fg;
        if (d == o->value) {
            akira_gfx_circle(dc->g, x + cw / 2, yy + rh / 2, rh / 2, 0, o->st.accent);
            fg = dc->th->on_primary;
        }
        akira_gfx_text(dc->g, f, x + (cw - akira_font_text_width(f, buf, -1)) / 2, yy + 3, buf, -1,
                       fg);
    }
}

static void cal_month(akira_ui_obj_t *o, int32_t delta)
{
    cal_t *c = EXT(o, cal_t);
    int32_t m = c->month - 1 + delta, y = c->year;
    while (m < 0)
        m += 12, y--;
    while (m > 11)
        m -= 12, y++;
    if (y < 1 || y > 9999) return;
    c->year = (int16_t)y;
    c->month = (int8_t)(m + 1);
    o->max = days_in(y, m + 1);
    o->value = ui_clamp(o->value, 1, o->max);
    akira_ui_invalidate(o);
}

static void cal_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    if (x < 0) return;
    cal_t *cal = EXT(o, cal_t);
    int32_t p = o->st.pad + o->st.border_w, lh = ui_font(o)->line_height;
    int32_t cw = (akira_area_w(&o->area) - 2 * p) / 7, rh = lh + 6;
    x -= p, y -= p;
    if (y < lh + 8) {
        if (x < cw)
            cal_month(o, -1);
        else if (x >= 6 * cw)
            cal_month(o, 1);
        else
            return;
        ui_event(o, AKIRA_UI_EV_VALUE_CHANGED, o->value, -1, -1);
        return;
    }
    y -= 2 * lh + 8;
    if (y < 0 || cw <= 0) return;
    int32_t cell = (y / rh) * 7 + x / cw, d = cell - dow(cal->year, cal->month, 1) + 1;
    if (d >= 1 && d <= days_in(cal->year, cal->month)) ui_set_value(o, d, 1);
}

static int cal_key(akira_ui_obj_t *o, int k)
{
    int32_t d = o->value;
    if (k == 0) return 1;
    if (k == AKIRA_UI_KEY_LEFT)
        d -= 1;
    else if (k == AKIRA_UI_KEY_RIGHT)
        d += 1;
    else if (k == AKIRA_UI_KEY_UP)
        d -= 7;
    else if (k == AKIRA_UI_KEY_DOWN)
        d += 7;
    else
        return 0;
    cal_t *c = EXT(o, cal_t);
    if (d < 1) {
        cal_month(o, -1);
        d += days_in(c->year, c->month);
    } else if (d > days_in(c->year, c->month)) {
        d -= days_in(c->year, c->month);
        cal_month(o, 1);
    }
    o->value = 0;
    ui_set_value(o, d, 1);
    return 1;
}

static int cal_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    cal_t *c = EXT(o, cal_t);
    switch (p) {
    case AKIRA_UI_P_VALUE:
        if (v < 1 || v > days_in(c->year, c->month)) return AKIRA_EINVAL;
        return ui_set_value(o, v, 0);
    case AKIRA_UI_P_MONTH:
        if (v < 1 || v > 12) return AKIRA_EINVAL;
        cal_month(o, v - c->month);
        return AKIRA_OK;
    case AKIRA_UI_P_YEAR:
        if (v < 1 || v > 9999) return AKIRA_EINVAL;
        cal_month(o, (v - c->year) * 12);
        return AKIRA_OK;
    default: return AKIRA_ENOTSUP;
    }
}

static int cal_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    const cal_t *c = EXT(o, cal_t);
    switch (p) {
    case AKIRA_UI_P_VALUE: *v = o->value; return AKIRA_OK;
    case AKIRA_UI_P_MONTH: *v = c->month; return AKIRA_OK;
    case AKIRA_UI_P_YEAR: *v = c->year; return AKIRA_OK;
    default: return AKIRA_ENOTSUP;
    }
}

const cls_t ui_calendar_cls = {.type = AKIRA_UI_CALENDAR,
                               .ext = sizeof(cal_t),
                               .flags = F_CLICKABLE | F_FOCUSABLE,
                               .init = cal_init,
                               .draw = cal_draw,
                               .content = cal_content,
                               .set = cal_set,
                               .get = cal_get,
                               .key = cal_key,
                               .click = cal_click,
                               .editable = 1};

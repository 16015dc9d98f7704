/* Widgets over a list of options or cells: list, menu, table, dropdown, roller, msgbox. */
#include "ui_priv.h"

static int32_t row_h(const akira_ui_obj_t *o)
{
    return ui_font(o)->line_height + 12;
}

static int sel_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    *v = o->value;
    return AKIRA_OK;
}

static int sel_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p == AKIRA_UI_P_COUNT_) return AKIRA_OK; /* options changed */
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    if (v < 0 || v >= (o->nopts ? o->nopts : 1)) return AKIRA_EINVAL;
    return ui_set_value(o, v, 0);
}

/* ---- list and menu ---------------------------------------------------------------- */

static int32_t header_h(const akira_ui_obj_t *o)
{
    return o->cls->type == AKIRA_UI_MENU && o->title ? row_h(o) : 0;
}

static void list_init(akira_ui_obj_t *o)
{
    o->max = 0;
    o->st.pad = 0;
    o->w = 200;
    o->h = 160;
}

static void list_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    *w = 200;
    *h = header_h(o) + o->nopts * row_h(o);
}

static int list_layout(akira_ui_obj_t *o, akira_area_t *cb)
{
    (void)cb;
    o->content_w = 0;
    o->content_h = (int16_t)ui_clamp(header_h(o) + o->nopts * row_h(o), 0, 16384);
    return 1;
}

static void list_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    const akira_font_t *f = ui_font(o);
    int32_t rh = row_h(o), hh = header_h(o);
    if (hh) {
        akira_area_t hd = {c.x1, c.y1, c.x2, (int16_t)(c.y1 + hh - 1)};
        akira_gfx_fill(dc->g, &hd, dc->th->surface2);
        akira_gfx_text(dc->g, f, c.x1 + 10, c.y1 + 6, o->title, -1, o->st.fg);
    }
    akira_area_t body = {c.x1, (int16_t)(c.y1 + hh), c.x2, c.y2}, saved;
    akira_gfx_clip_push(dc->g, &body, &saved);
    for (int32_t i = 0; i < o->nopts; i++) {
        int32_t y = body.y1 + i * rh - o->scroll_y;
        if (y > dc->g->clip.y2 || y + rh < dc->g->clip.y1) continue;
        akira_area_t r = {c.x1, (int16_t)y, c.x2, (int16_t)(y + rh - 1)};
        if (i == o->value) akira_gfx_fill(dc->g, &r, akira_color_mix(o->st.accent, o->st.bg, 60));
        int32_t len, at = ui_opt(o->opts, i, &len);
        akira_gfx_text(dc->g, f, c.x1 + 10, y + 6, o->opts + at, len, o->st.fg);
        if (o->cls->type == AKIRA_UI_MENU)
            akira_gfx_text(dc->g, f, c.x2 - 10 - akira_font_text_width(f, AKIRA_SYM_RIGHT, -1),
                           y + 6, AKIRA_SYM_RIGHT, -1, dc->th->text_muted);
        if (i + 1 < o->nopts) {
            akira_area_t sep = {(int16_t)(c.x1 + 8), (int16_t)(y + rh - 1), (int16_t)(c.x2 - 8),
                                (int16_t)(y + rh - 1)};
            akira_gfx_fill(dc->g, &sep, dc->th->surface2);
        }
    }
    akira_gfx_clip_restore(dc->g, &saved);
}

static void list_show_sel(akira_ui_obj_t *o)
{
    int32_t rh = row_h(o), top = o->value * rh,
            view = akira_area_h(&o->area) - header_h(o) - 2 * (o->st.pad + o->st.border_w);
    int32_t sy = o->scroll_y;
    if (top < sy)
        sy = top;
    else if (top + rh > sy + view)
        sy = top + rh - view;
    if (sy != o->scroll_y) akira_ui_set(o, AKIRA_UI_P_SCROLL_Y, sy);
}

static void list_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    (void)x;
    if (y < 0) return; /* select key: the current row is the click */
    int32_t i = (y - o->st.border_w - o->st.pad - header_h(o) + o->scroll_y) / row_h(o);
    if (y - o->st.border_w - o->st.pad < header_h(o) || i < 0 || i >= o->nopts) return;
    ui_set_value(o, i, 1);
}

static int list_key(akira_ui_obj_t *o, int k)
{
    if (k == 0) return 1;
    if (k == AKIRA_UI_KEY_UP || k == AKIRA_UI_KEY_LEFT) {
        if (o->value > 0) ui_set_value(o, o->value - 1, 1);
    } else if (k == AKIRA_UI_KEY_DOWN || k == AKIRA_UI_KEY_RIGHT) {
        if (o->value + 1 < o->nopts) ui_set_value(o, o->value + 1, 1);
    } else if (k == AKIRA_UI_KEY_SELECT) {
        ui_event(o, AKIRA_UI_EV_CLICKED, o->value, -1, -1);
        return 1;
    }
    list_show_sel(o);
    return 1;
}

const cls_t ui_list_cls = {.type = AKIRA_UI_LIST,
                           .flags = F_CLICKABLE | F_FOCUSABLE | F_SCROLLABLE,
                           .init = list_init,
                           .draw = list_draw,
                           .content = list_content,
                           .set = sel_set,
                           .get = sel_get,
                           .key = list_key,
                           .click = list_click,
                           .layout = list_layout,
                           .editable = 1};

const cls_t ui_menu_cls = {.type = AKIRA_UI_MENU,
                           .flags = F_CLICKABLE | F_FOCUSABLE | F_SCROLLABLE,
                           .init = list_init,
                           .draw = list_draw,
                           .content = list_content,
                           .set = sel_set,
                           .get = sel_get,
                           .key = list_key,
                           .click = list_click,
                           .layout = list_layout,
                           .editable = 1};

/* ---- table ------------------------------------------------------------------------ */

typedef struct {
    char *s;
    uint16_t cap;
} cell_t;

typedef struct {
    uint8_t rows, cols;
    cell_t *cells;
    uint32_t bytes;
} table_t;

static void table_free(akira_ui_obj_t *o)
{
    table_t *t = EXT(o, table_t);
    for (int32_t i = 0; t->cells && i < t->rows * t->cols; i++)
        ui_mem_free(o->owner, t->cells[i].s, t->cells[i].cap);
    ui_mem_free(o->owner, t->cells, t->bytes);
    t->cells = NULL;
    t->bytes = 0;
}

static int table_resize(akira_ui_obj_t *o, int32_t rows, int32_t cols)
{
    table_t *t = EXT(o, table_t);
    if (rows < 1 || rows > 16 || cols < 1 || cols > 8) return AKIRA_EINVAL;
    size_t n = (size_t)rows * (size_t)cols * sizeof(cell_t);
    int err = 0;
    cell_t *c = ui_mem_alloc(o->owner, n, &err);
    if (!c) return err;
    /* keep the cells that are still inside */
    for (int32_t r = 0; r < t->rows; r++)
        for (int32_t k = 0; k < t->cols; k++) {
            cell_t *old = &t->cells[r * t->cols + k];
            if (r < rows && k < cols) {
                c[r * cols + k] = *old;
                old->s = NULL;
            }
        }
    table_free(o);
    t->cells = c;
    t->bytes = (uint32_t)n;
    t->rows = (uint8_t)rows;
    t->cols = (uint8_t)cols;
    o->min = -1;
    o->max = rows * cols - 1;
    o->value = ui_clamp(o->value, -1, o->max);
    return AKIRA_OK;
}

static void table_init(akira_ui_obj_t *o)
{
    o->st.pad = 0;
    o->value = -1;
    o->min = -1;
}

static int table_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    table_t *t = EXT(o, table_t);
    switch (p) {
    case AKIRA_UI_P_ROWS: return table_resize(o, v, t->cols ? t->cols : 1);
    case AKIRA_UI_P_COLS: return table_resize(o, t->rows ? t->rows : 1, v);
    case AKIRA_UI_P_VALUE:
        if (v < -1 || v > o->max) return AKIRA_EINVAL;
        return ui_set_value(o, v, 0);
    default: return AKIRA_ENOTSUP;
    }
}

static int table_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    const table_t *t = EXT(o, table_t);
    switch (p) {
    case AKIRA_UI_P_ROWS: *v = t->rows; return AKIRA_OK;
    case AKIRA_UI_P_COLS: *v = t->cols; return AKIRA_OK;
    case AKIRA_UI_P_VALUE: *v = o->value; return AKIRA_OK;
    default: return AKIRA_ENOTSUP;
    }
}

int akira_ui_table_set_cell(akira_ui_obj_t *o, int32_t row, int32_t col, const char *text)
{
    if (!o) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_TABLE) return AKIRA_ENOTSUP;
    table_t *t = EXT(o, table_t);
    if (row < 0 || col < 0 || row >= t->rows || col >= t->cols) return AKIRA_ERANGE;
    cell_t *c = &t->cells[row * t->cols + col];
    int r = ui_str_set(o, &c->s, &c->cap, text);
    if (!r) {
        ui_relayout(o->ui);
        akira_ui_invalidate(o);
    }
    return r;
}

int akira_ui_table_get_cell(const akira_ui_obj_t *o, int32_t row, int32_t col, char *buf,
                            size_t cap)
{
    if (!o || !buf || !cap) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_TABLE) return AKIRA_ENOTSUP;
    const table_t *t = EXT(o, table_t);
    if (row < 0 || col < 0 || row >= t->rows || col >= t->cols) return AKIRA_ERANGE;
    const char *s = t->cells[row * t->cols + col].s;
    size_t n = s ? strlen(s) : 0, k = n < cap - 1 ? n : cap - 1;
    if (k) memcpy(buf, s, k);
    buf[k] = 0;
    return (int)n;
}

static int32_t col_w(const akira_ui_obj_t *o, int32_t col)
{
    /* the widest text of the column, at least 40 px */
    const table_t *t = EXT(o, table_t);
    const akira_font_t *f = ui_font(o);
    int32_t w = 40;
    for (int32_t r = 0; r < t->rows; r++) {
        const char *s = t->cells[r * t->cols + col].s;
        int32_t tw = s ? akira_font_text_width(f, s, -1) + 12 : 0;
        w = tw > w ? tw : w;
    }
    return w;
}

static void table_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    table_t *t = EXT(o, table_t);
    *w = 0;
    for (int32_t k = 0; k < t->cols; k++)
        *w += col_w(o, k);
    *h = t->rows * (ui_font(o)->line_height + 8);
}

static int table_layout(akira_ui_obj_t *o, akira_area_t *cb)
{
    (void)cb;
    int32_t w, h;
    table_content(o, &w, &h);
    o->content_w = (int16_t)w;
    o->content_h = (int16_t)h;
    return 1;
}

static void table_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    table_t *t = EXT(o, table_t);
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    const akira_font_t *f = ui_font(o);
    int32_t rh = f->line_height + 8, y = c.y1 - o->scroll_y;
    for (int32_t r = 0; r < t->rows; r++, y += rh) {
        int32_t x = c.x1 - o->scroll_x;
        for (int32_t k = 0; k < t->cols; k++) {
            int32_t cw = col_w(o, k);
            akira_area_t cell = {(int16_t)x, (int16_t)y, (int16_t)(x + cw - 1),
                                 (int16_t)(y + rh - 1)};
            if (r == 0) akira_gfx_fill(dc->g, &cell, dc->th->surface2);
            if (o->value == r * t->cols + k)
                akira_gfx_fill(dc->g, &cell, akira_color_mix(o->st.accent, o->st.bg, 70));
            const char *s = t->cells[r * t->cols + k].s;
            if (s) {
                akira_area_t saved, in = cell;
                in.x1 = (int16_t)(in.x1 + 6);
                akira_gfx_clip_push(dc->g, &in, &saved);
                akira_gfx_text(dc->g, f, x + 6, y + 4, s, -1, o->st.fg);
                akira_gfx_clip_restore(dc->g, &saved);
            }
            akira_area_t vl = {(int16_t)(x + cw - 1), (int16_t)y, (int16_t)(x + cw - 1),
                               (int16_t)(y + rh - 1)};
            if (k + 1 < t->cols) akira_gfx_fill(dc->g, &vl, o->st.border);
            x += cw;
        }
        akira_area_t hl = {c.x1, (int16_t)(y + rh - 1), c.x2, (int16_t)(y + rh - 1)};
        if (r + 1 < t->rows) akira_gfx_fill(dc->g, &hl, o->st.border);
    }
}

static void table_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    table_t *t = EXT(o, table_t);
    if (x < 0 || !t->cells) return;
    int32_t rh = ui_font(o)->line_height + 8;
    int32_t r = (y - o->st.border_w + o->scroll_y) / rh, cx = x - o->st.border_w + o->scroll_x;
    for (int32_t k = 0; k < t->cols; k++) {
        int32_t cw = col_w(o, k);
        if (cx < cw) {
            if (r >= 0 && r < t->rows) ui_set_value(o, r * t->cols + k, 1);
            return;
        }
        cx -= cw;
    }
}

static int table_key(akira_ui_obj_t *o, int k)
{
    table_t *t = EXT(o, table_t);
    if (!t->cells) return 0;
    int32_t v = o->value < 0 ? 0 : o->value;
    if (k == 0) {
        ui_set_value(o, v, 1);
        return 1;
    }
    int32_t n = t->rows * t->cols;
    if (k == AKIRA_UI_KEY_LEFT)
        v = v > 0 ? v - 1 : v;
    else if (k == AKIRA_UI_KEY_RIGHT)
        v = v + 1 < n ? v + 1 : v;
    else if (k == AKIRA_UI_KEY_UP)
        v = v - t->cols >= 0 ? v - t->cols : v;
    else if (k == AKIRA_UI_KEY_DOWN)
        v = v + t->cols < n ? v + t->cols : v;
    else if (k == AKIRA_UI_KEY_SELECT) {
        ui_event(o, AKIRA_UI_EV_CLICKED, v, -1, -1);
        return 1;
    }
    ui_set_value(o, v, 1);
    return 1;
}

const cls_t ui_table_cls = {.type = AKIRA_UI_TABLE,
                            .ext = sizeof(table_t),
                            .flags = F_CLICKABLE | F_FOCUSABLE | F_SCROLLABLE,
                            .init = table_init,
                            .draw = table_draw,
                            .content = table_content,
                            .set = table_set,
                            .get = table_get,
                            .key = table_key,
                            .click = table_click,
                            .destroy = table_free,
                            .layout = table_layout,
                            .editable = 1};

/* ---- dropdown --------------------------------------------------------------------- */

#define DD_ROWS 5

static void dd_init(akira_ui_obj_t *o)
{
    o->max = 0;
}

static void dd_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    *w = 160;
    *h = ui_font(o)->line_height + 4;
}

static void dd_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    const akira_font_t *f = ui_font(o);
    int32_t len, at = ui_opt(o->opts, o->value, &len);
    int32_t ty = c.y1 + (akira_area_h(&c) - f->line_height) / 2;
    int32_t aw = akira_font_text_width(f, AKIRA_SYM_DOWN, -1);
    akira_area_t tx = c, saved;
    tx.x2 = (int16_t)(c.x2 - aw - 4);
    akira_gfx_clip_push(dc->g, &tx, &saved);
    if (at >= 0) akira_gfx_text(dc->g, f, c.x1 + 2, ty, o->opts + at, len, o->st.fg);
    akira_gfx_clip_restore(dc->g, &saved);
    akira_gfx_text(dc->g, f, c.x2 - aw, ty, o->ui->open == o ? AKIRA_SYM_UP : AKIRA_SYM_DOWN, -1,
                   dc->th->text_muted);
}

int ui_dropdown_list_area(akira_ui_obj_t *o, akira_area_t *a)
{
    int32_t rh = row_h(o), n = o->nopts < DD_ROWS ? o->nopts : DD_ROWS;
    int32_t h = n * rh + 2, sh = o->ui->gfx->port->height;
    *a = o->area;
    if (o->area.y2 + h < sh) {
        a->y1 = (int16_t)(o->area.y2 + 2);
        a->y2 = (int16_t)(a->y1 + h - 1);
    } else {
        a->y2 = (int16_t)(o->area.y1 - 2);
        a->y1 = (int16_t)(a->y2 - h + 1);
    }
    return n > 0;
}

typedef struct {
    int16_t hl, first;
} dd_t;

void ui_dropdown_draw_list(akira_ui_obj_t *o, dc_t *dc)
{
    akira_area_t a;
    if (!ui_dropdown_list_area(o, &a)) return;
    dd_t *d = EXT(o, dd_t);
    akira_gfx_rrect(dc->g, &a, 6, 0, o->st.bg);
    akira_gfx_rrect(dc->g, &a, 6, 1, o->st.border);
    const akira_font_t *f = ui_font(o);
    int32_t rh = row_h(o);
    for (int32_t k = 0; k < DD_ROWS && d->first + k < o->nopts; k++) {
        int32_t i = d->first + k, y = a.y1 + 1 + k * rh, len, at = ui_opt(o->opts, i, &len);
        akira_area_t r = {(int16_t)(a.x1 + 1), (int16_t)y, (int16_t)(a.x2 - 1),
                          (int16_t)(y + rh - 1)};
        if (i == d->hl) akira_gfx_fill(dc->g, &r, o->st.accent);
        akira_gfx_text(dc->g, f, a.x1 + 8, y + 6, o->opts + at, len,
                       i == d->hl ? dc->th->on_primary : o->st.fg);
    }
}

static void dd_open(akira_ui_obj_t *o, int open)
{
    dd_t *d = EXT(o, dd_t);
    o->ui->open = open ? o : NULL;
    d->hl = (int16_t)o->value;
    d->first = (int16_t)(o->value >= DD_ROWS ? o->value - DD_ROWS + 1 : 0);
    akira_ui_invalidate_all(o->ui);
}

void ui_dropdown_list_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    (void)x;
    int32_t i = EXT(o, dd_t)->first + (y - 1) / row_h(o);
    if (i >= 0 && i < o->nopts) ui_set_value(o, i, 1);
    dd_open(o, 0);
}

static void dd_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    (void)x, (void)y;
    dd_open(o, o->ui->open != o);
}

static int dd_key(akira_ui_obj_t *o, int k)
{
    dd_t *d = EXT(o, dd_t);
    switch (k) {
    case 0: dd_open(o, 1); return 1;
    case AKIRA_UI_KEY_UP:
    case AKIRA_UI_KEY_LEFT:
        if (d->hl > 0) d->hl--;
        break;
    case AKIRA_UI_KEY_DOWN:
    case AKIRA_UI_KEY_RIGHT:
        if (d->hl + 1 < o->nopts) d->hl++;
        break;
    case AKIRA_UI_KEY_SELECT:
        ui_set_value(o, d->hl, 1);
        dd_open(o, 0);
        return 0;
    default: return 0;
    }
    if (d->hl < d->first) d->first = d->hl;
    if (d->hl >= d->first + DD_ROWS) d->first = (int16_t)(d->hl - DD_ROWS + 1);
    akira_ui_invalidate_all(o->ui);
    return 1;
}

static int dd_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p == AKIRA_UI_P_OPEN) {
        if (v != 0 && v != 1) return AKIRA_EINVAL;
        if (v && !o->nopts) return AKIRA_ESTATE;
        dd_open(o, v);
        return AKIRA_OK;
    }
    if (p == AKIRA_UI_P_COUNT_ && o->ui->open == o) dd_open(o, 0);
    return sel_set(o, p, v);
}

static int dd_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p == AKIRA_UI_P_OPEN) {
        *v = o->ui->open == o;
        return AKIRA_OK;
    }
    return sel_get(o, p, v);
}

const cls_t ui_dropdown_cls = {.type = AKIRA_UI_DROPDOWN,
                               .ext = sizeof(dd_t),
                               .flags = F_CLICKABLE | F_FOCUSABLE,
                               .init = dd_init,
                               .draw = dd_draw,
                               .content = dd_content,
                               .set = dd_set,
                               .get = dd_get,
                               .key = dd_key,
                               .click = dd_click,
                               .editable = 1};

/* ---- roller ----------------------------------------------------------------------- */

typedef struct {
    int32_t rows, start_val, start_y;
} roller_t;

static void roller_init(akira_ui_obj_t *o)
{
    EXT(o, roller_t)->rows = 3;
    o->max = 0;
}

static void roller_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    const akira_font_t *f = ui_font(o);
    int32_t mw = 60;
    for (int32_t i = 0; i < o->nopts; i++) {
        int32_t len, at = ui_opt(o->opts, i, &len);
        int32_t tw = akira_font_text_width(f, o->opts + at, len) + 24;
        mw = tw > mw ? tw : mw;
    }
    *w = mw;
    *h = EXT(o, roller_t)->rows * (f->line_height + 8);
}

static void roller_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    const akira_font_t *f = ui_font(o);
    int32_t rh = f->line_height + 8, mid = (c.y1 + c.y2) / 2;
    akira_area_t band = {c.x1, (int16_t)(mid - rh / 2), c.x2, (int16_t)(mid - rh / 2 + rh - 1)};
    akira_gfx_rrect(dc->g, &band, 4, 0, akira_color_mix(o->st.accent, o->st.bg, 60));
    akira_area_t saved;
    akira_gfx_clip_push(dc->g, &c, &saved);
    for (int32_t i = 0; i < o->nopts; i++) {
        int32_t y = mid - rh / 2 + (i - o->value) * rh;
        if (y > c.y2 || y + rh < c.y1) continue;
        int32_t len, at = ui_opt(o->opts, i, &len);
        int32_t tw = akira_font_text_width(f, o->opts + at, len);
        akira_gfx_text(dc->g, f, (c.x1 + c.x2 - tw) / 2, y + 4, o->opts + at, len,
                       i == o->value ? o->st.fg : dc->th->text_muted);
    }
    akira_gfx_clip_restore(dc->g, &saved);
}

static void roller_touch(akira_ui_obj_t *o, int phase, int32_t x, int32_t y)
{
    (void)x;
    roller_t *r = EXT(o, roller_t);
    if (phase == 0) {
        r->start_val = o->value;
        r->start_y = y;
    } else if (phase == 1) {
        int32_t rh = ui_font(o)->line_height + 8;
        ui_set_value(o, r->start_val - (y - r->start_y) / rh, 1);
    }
}

static void roller_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    (void)x;
    if (y < 0) return;
    int32_t rh = ui_font(o)->line_height + 8, mid = akira_area_h(&o->area) / 2;
    int32_t d = y - (mid - rh / 2);
    int32_t off = d < 0 ? -((rh - 1 - d) / rh) : d / rh;
    ui_set_value(o, o->value + off, 1);
}

static int roller_key(akira_ui_obj_t *o, int k)
{
    if (k == 0) return 1;
    if (k == AKIRA_UI_KEY_UP || k == AKIRA_UI_KEY_LEFT)
        ui_set_value(o, o->value - 1, 1);
    else if (k == AKIRA_UI_KEY_DOWN || k == AKIRA_UI_KEY_RIGHT)
        ui_set_value(o, o->value + 1, 1);
    else
        return 0;
    return 1;
}

static int roller_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p == AKIRA_UI_P_ROWS) {
        if (v < 1 || v > 9) return AKIRA_EINVAL;
        EXT(o, roller_t)->rows = v;
        return AKIRA_OK;
    }
    return sel_set(o, p, v);
}

static int roller_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p == AKIRA_UI_P_ROWS) {
        *v = EXT(o, roller_t)->rows;
        return AKIRA_OK;
    }
    return sel_get(o, p, v);
}

const cls_t ui_roller_cls = {.type = AKIRA_UI_ROLLER,
                             .ext = sizeof(roller_t),
                             .flags = F_CLICKABLE | F_FOCUSABLE,
                             .init = roller_init,
                             .draw = roller_draw,
                             .content = roller_content,
                             .set = roller_set,
                             .get = roller_get,
                             .key = roller_key,
                             .touch = roller_touch,
                             .click = roller_click,
                             .editable = 1};

/* ---- message box ------------------------------------------------------------------ */

#define MB_W 240

static void mb_init(akira_ui_obj_t *o)
{
    o->w = MB_W;
    o->st.pad = 12;
    o->st.radius = 10;
    o->max = 0;
}

static int32_t mb_text_h(akira_ui_obj_t *o)
{
    int32_t w, h;
    ui_text_size(ui_font(o), o->text ? o->text : "", MB_W - 24, &w, &h);
    return h;
}

static void mb_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    *w = MB_W - 24;
    *h = (o->title ? ui_font(o)->line_height + 8 : 0) + mb_text_h(o) + 12 + 34;
}

static void mb_button(akira_ui_obj_t *o, akira_area_t c, int32_t i, akira_area_t *b)
{
    int32_t n = o->nopts ? o->nopts : 1, gap = 8, bw = (akira_area_w(&c) - (n - 1) * gap) / n;
    b->x1 = (int16_t)(c.x1 + i * (bw + gap));
    b->x2 = (int16_t)(b->x1 + bw - 1);
    b->y2 = c.y2;
    b->y1 = (int16_t)(c.y2 - 33);
}

static void mb_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t c = ui_content(o, a);
    const akira_font_t *f = ui_font(o);
    int32_t y = c.y1;
    if (o->title) {
        akira_gfx_text(dc->g, akira_font_for_size(16), c.x1, y, o->title, -1, o->st.fg);
        y += f->line_height + 8;
    }
    akira_area_t tb = {c.x1, (int16_t)y, c.x2, (int16_t)(y + mb_text_h(o))};
    ui_text_box(dc->g, f, tb, o->text, 0, dc->th->text_muted);
    for (int32_t i = 0; i < o->nopts; i++) {
        akira_area_t b;
        mb_button(o, c, i, &b);
        akira_gfx_rrect(dc->g, &b, 6, 0, i == o->value ? o->st.accent : dc->th->surface2);
        int32_t len, at = ui_opt(o->opts, i, &len);
        int32_t tw = akira_font_text_width(f, o->opts + at, len);
        akira_gfx_text(dc->g, f, (b.x1 + b.x2 - tw) / 2, b.y1 + (34 - f->line_height) / 2,
                       o->opts + at, len, i == o->value ? dc->th->on_primary : o->st.fg);
    }
}

static void mb_choose(akira_ui_obj_t *o, int32_t i)
{
    ui_event(o, AKIRA_UI_EV_VALUE_CHANGED, i, -1, -1);
    ui_event(o, AKIRA_UI_EV_READY, i, -1, -1);
    akira_ui_invalidate_all(o->ui);
    akira_ui_delete(o);
}

static void mb_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    akira_area_t c = ui_content(o, o->area);
    for (int32_t i = 0; i < o->nopts; i++) {
        akira_area_t b;
        mb_button(o, c, i, &b);
        if (x + o->area.x1 >= b.x1 && x + o->area.x1 <= b.x2 && y + o->area.y1 >= b.y1 &&
            y + o->area.y1 <= b.y2) {
            mb_choose(o, i);
            return;
        }
    }
}

static int mb_key(akira_ui_obj_t *o, int k)
{
    if (k == AKIRA_UI_KEY_LEFT || k == AKIRA_UI_KEY_UP)
        ui_set_value(o, o->value - 1, 0);
    else if (k == AKIRA_UI_KEY_RIGHT || k == AKIRA_UI_KEY_DOWN)
        ui_set_value(o, o->value + 1, 0);
    else if (k == AKIRA_UI_KEY_SELECT)
        mb_choose(o, o->nopts ? o->value : -1);
    else if (k == AKIRA_UI_KEY_BACK)
        mb_choose(o, -1);
    return 1;
}

const cls_t ui_msgbox_cls = {.type = AKIRA_UI_MSGBOX,
                             .flags = F_CLICKABLE,
                             .init = mb_init,
                             .draw = mb_draw,
                             .content = mb_content,
                             .set = sel_set,
                             .get = sel_get,
                             .key = mb_key,
                             .click = mb_click};

int akira_ui_msgbox(akira_ui_t *ui, akira_ui_owner_t *owner, const char *title, const char *text,
                    const char *buttons, akira_ui_obj_t **out)
{
    if (!ui || !owner || !text) return AKIRA_EINVAL;
    akira_ui_obj_t *o;
    int r = ui_create_raw(ui, owner, NULL, AKIRA_UI_MSGBOX, &o);
    if (r) return r;
    if ((r = akira_ui_set_text(o, text)) || (title && (r = akira_ui_set_title(o, title))) ||
        (buttons && (r = akira_ui_set_options(o, buttons)))) {
        akira_ui_delete(o);
        return r;
    }
    o->flags |= F_TOP;
    akira_ui_obj_t **pp = &ui->top;
    while (*pp)
        pp = &(*pp)->next;
    *pp = o;
    if (ui->focused) {
        akira_ui_invalidate(ui->focused);
        ui->focused = NULL;
        ui->editing = 0;
    }
    ui->open = NULL;
    ui_relayout(ui);
    if (out) *out = o;
    return AKIRA_OK;
}

/* The simple widgets: screen, label, button, image, checkbox, switch, slider, bar, arc,
 * spinner, LED, line, container, canvas, progress ring, toast, status bar. */
#include "ui_priv.h"

#include <stdio.h>

static int toggle_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v);
static int value_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v);

static int32_t inner_w(const akira_ui_obj_t *o)
{
    return o->w >= 0 ? o->w - 2 * (o->st.pad + o->st.border_w) : 0;
}

/* ---- screen, container ------------------------------------------------------------ */

static void screen_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    akira_gfx_fill(dc->g, &a, o->st.bg);
}

const cls_t ui_screen_cls = {.type = AKIRA_UI_SCREEN, .draw = screen_draw};
const cls_t ui_container_cls = {.type = AKIRA_UI_CONTAINER};

/* ---- label, button ---------------------------------------------------------------- */

static void label_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    ui_text_size(ui_font(o), o->text ? o->text : "", inner_w(o), w, h);
}

static void label_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    ui_text_box(dc->g, ui_font(o), ui_content(o, a), o->text, o->text_align, o->st.fg);
}

const cls_t ui_label_cls = {.type = AKIRA_UI_LABEL, .draw = label_draw, .content = label_content};

static void button_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    ui_text_box(dc->g, ui_font(o), ui_content(o, a), o->text, 1 | 16, o->st.fg);
}

const cls_t ui_button_cls = {.type = AKIRA_UI_BUTTON,
                             .flags = F_CLICKABLE | F_FOCUSABLE,
                             .draw = button_draw,
                             .content = label_content};

/* ---- image ------------------------------------------------------------------------ */

typedef struct {
    int16_t w, h;
    int16_t ncolors, transparent;
    uint8_t indexed, has_key;
    akira_color_t key;
    void *data; /* pixels (or indices), then the palette */
    uint32_t bytes;
} image_t;

static void image_free(akira_ui_obj_t *o)
{
    image_t *im = EXT(o, image_t);
    ui_mem_free(o->owner, im->data, im->bytes);
    im->data = NULL;
    im->bytes = 0;
}

static int image_take(akira_ui_obj_t *o, int32_t w, int32_t h, const void *px, size_t pxbytes,
                      const akira_color_t *pal, int32_t ncolors)
{
    if (o->cls->type != AKIRA_UI_IMAGE) return AKIRA_ENOTSUP;
    if (!px || w <= 0 || h <= 0) return AKIRA_EINVAL;
    if (w > AKIRA_UI_MAX_IMAGE || h > AKIRA_UI_MAX_IMAGE) return AKIRA_ETOOBIG;
    size_t n = pxbytes + (size_t)ncolors * sizeof(akira_color_t);
    int err = 0;
    uint8_t *d = ui_mem_alloc(o->owner, n, &err);
    if (!d) return err;
    memcpy(d, px, pxbytes);
    if (ncolors) memcpy(d + pxbytes, pal, (size_t)ncolors * sizeof(akira_color_t));
    image_free(o);
    image_t *im = EXT(o, image_t);
    im->data = d;
    im->bytes = (uint32_t)n;
    im->w = (int16_t)w;
    im->h = (int16_t)h;
    ui_relayout(o->ui);
    return AKIRA_OK;
}

int akira_ui_image_set_rgb565(akira_ui_obj_t *o, int32_t w, int32_t h, const akira_color_t *px,
                              const akira_color_t *key)
{
    if (!o) return AKIRA_EINVAL;
    int r = image_take(o, w, h, px, (size_t)(w > 0 ? w : 0) * (size_t)(h > 0 ? h : 0) * 2, NULL, 0);
    if (r) return r;
    image_t *im = EXT(o, image_t);
    im->indexed = 0;
    im->has_key = key != NULL;
    im->key = key ? *key : 0;
    return AKIRA_OK;
}

int akira_ui_image_set_indexed(akira_ui_obj_t *o, int32_t w, int32_t h, const uint8_t *idx,
                               const akira_color_t *palette, int32_t ncolors, int32_t transparent)
{
    if (!o) return AKIRA_EINVAL;
    if (!palette || ncolors < 1 || ncolors > 256 || transparent < -1 || transparent > 255)
        return AKIRA_EINVAL;
    int r = image_take(o, w, h, idx, (size_t)(w > 0 ? w : 0) * (size_t)(h > 0 ? h : 0), palette,
                       ncolors);
    if (r) return r;
    image_t *im = EXT(o, image_t);
    im->indexed = 1;
    im->ncolors = (int16_t)ncolors;
    im->transparent = (int16_t)transparent;
    return AKIRA_OK;
}

static void image_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    *w = EXT(o, image_t)->w;
    *h = EXT(o, image_t)->h;
}

static void image_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    image_t *im = EXT(o, image_t);
    ui_draw_bg(o, dc, a);
    if (!im->data) return;
    akira_area_t c = ui_content(o, a);
    if (im->indexed)
        akira_gfx_bitmap_indexed(
            dc->g, c.x1, c.y1, im->w, im->h, im->data, im->w,
            (const akira_color_t *)(void *)((uint8_t *)im->data + (size_t)im->w * im->h),
            im->ncolors, im->transparent);
    else
        akira_gfx_bitmap(dc->g, c.x1, c.y1, im->w, im->h, im->data, im->w,
                         im->has_key ? &im->key : NULL);
}

const cls_t ui_image_cls = {.type = AKIRA_UI_IMAGE,
                            .ext = sizeof(image_t),
                            .draw = image_draw,
                            .content = image_content,
                            .destroy = image_free};

/* ---- checkbox, switch -------------------------------------------------------------- */

static void toggle_init(akira_ui_obj_t *o)
{
    o->max = 1;
}

static void toggle_click(akira_ui_obj_t *o, int32_t x, int32_t y)
{
    (void)x, (void)y;
    ui_set_value(o, !o->value, 1);
}

static void checkbox_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    const akira_font_t *f = ui_font(o);
    *w = 22 + (o->text ? 6 + akira_font_text_width(f, o->text, -1) : 0);
    *h = f->line_height > 22 ? f->line_height : 22;
}

static void checkbox_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    const akira_font_t *f = ui_font(o);
    int32_t cy = (a.y1 + a.y2) / 2;
    akira_area_t box = {a.x1, (int16_t)(cy - 10), (int16_t)(a.x1 + 20), (int16_t)(cy + 10)};
    akira_color_t acc = (o->flags & F_DISABLED) ? dc->th->surface2 : o->st.accent;
    if (o->value) {
        akira_gfx_rrect(dc->g, &box, 4, 0, acc);
        const akira_font_t *f16 = akira_font_for_size(16);
        int32_t cw = akira_font_text_width(f16, AKIRA_SYM_CHECK, -1);
        akira_gfx_text(dc->g, f16, box.x1 + (21 - cw) / 2, cy - f16->line_height / 2,
                       AKIRA_SYM_CHECK, -1, dc->th->on_primary);
    } else {
        akira_gfx_rrect(dc->g, &box, 4, 0, dc->th->surface);
        akira_gfx_rrect(dc->g, &box, 4, 2, o->st.border);
    }
    if (o->text)
        akira_gfx_text(dc->g, f, a.x1 + 28, cy - f->line_height / 2, o->text, -1,
                       (o->flags & F_DISABLED) ? dc->th->text_muted : o->st.fg);
}

const cls_t ui_checkbox_cls = {.type = AKIRA_UI_CHECKBOX,
                               .flags = F_CLICKABLE | F_FOCUSABLE,
                               .init = toggle_init,
                               .draw = checkbox_draw,
                               .content = checkbox_content,
                               .set = toggle_set,
                               .get = value_get,
                               .click = toggle_click};

static void switch_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    (void)o;
    *w = 46;
    *h = 26;
}

static void switch_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    int32_t h = akira_area_h(&a), w = akira_area_w(&a), r = h / 2;
    akira_gfx_rrect(dc->g, &a, r, 0, o->value ? o->st.accent : dc->th->surface2);
    int32_t kx = o->value ? a.x1 + w - r - 1 : a.x1 + r;
    akira_gfx_circle(dc->g, kx, a.y1 + r, r - 3, 0, AKIRA_RGB(0xFF, 0xFF, 0xFF));
}

const cls_t ui_switch_cls = {.type = AKIRA_UI_SWITCH,
                             .flags = F_CLICKABLE | F_FOCUSABLE,
                             .init = toggle_init,
                             .draw = switch_draw,
                             .content = switch_content,
                             .set = toggle_set,
                             .get = value_get,
                             .click = toggle_click};

/* ---- slider, bar ----------------------------------------------------------------- */

int ui_range_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    switch (p) {
    case AKIRA_UI_P_VALUE: return ui_set_value(o, v, 0);
    case AKIRA_UI_P_MIN:
    case AKIRA_UI_P_MAX:
        if (v < -1000000 || v > 1000000) return AKIRA_EINVAL;
        if (p == AKIRA_UI_P_MIN ? v >= o->max : v <= o->min) return AKIRA_EINVAL;
        if (p == AKIRA_UI_P_MIN)
            o->min = v;
        else
            o->max = v;
        o->value = ui_clamp(o->value, o->min, o->max);
        return AKIRA_OK;
    case AKIRA_UI_P_STEP:
        if (o->cls->ext < sizeof(range_t)) return AKIRA_ENOTSUP;
        if (v < 1 || v > 1000000) return AKIRA_EINVAL;
        EXT(o, range_t)->step = v;
        return AKIRA_OK;
    default: return AKIRA_ENOTSUP;
    }
}

int ui_range_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    switch (p) {
    case AKIRA_UI_P_VALUE: *v = o->value; return AKIRA_OK;
    case AKIRA_UI_P_MIN: *v = o->min; return AKIRA_OK;
    case AKIRA_UI_P_MAX: *v = o->max; return AKIRA_OK;
    case AKIRA_UI_P_STEP:
        if (o->cls->ext < sizeof(range_t)) return AKIRA_ENOTSUP;
        *v = EXT(o, range_t)->step;
        return AKIRA_OK;
    default: return AKIRA_ENOTSUP;
    }
}

static int toggle_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    if (v != 0 && v != 1) return AKIRA_EINVAL;
    return ui_set_value(o, v, 0);
}

static int value_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    *v = o->value;
    return AKIRA_OK;
}

void ui_range_init(akira_ui_obj_t *o)
{
    EXT(o, range_t)->step = 1;
}

/* The step a key moves: the set step, at least 1/50 of the range. */
static int32_t key_step(akira_ui_obj_t *o)
{
    int32_t s = EXT(o, range_t)->step, m = (o->max - o->min) / 50;
    return s > m ? s : (m ? m : 1);
}

static int range_key(akira_ui_obj_t *o, int k)
{
    switch (k) {
    case 0: return 1;
    case AKIRA_UI_KEY_LEFT:
    case AKIRA_UI_KEY_DOWN: ui_set_value(o, o->value - key_step(o), 1); return 1;
    case AKIRA_UI_KEY_RIGHT:
    case AKIRA_UI_KEY_UP: ui_set_value(o, o->value + key_step(o), 1); return 1;
    default: return 0; /* select: done */
    }
}

static int32_t frac_px(const akira_ui_obj_t *o, int32_t len)
{
    int64_t r = (int64_t)o->max - o->min;
    return r > 0 ? (int32_t)(((int64_t)o->value - o->min) * len / r) : 0;
}

static void slider_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    (void)o;
    *w = 160;
    *h = 24;
}

static void slider_touch(akira_ui_obj_t *o, int phase, int32_t x, int32_t y)
{
    (void)y;
    if (phase == 2) return;
    int32_t w = akira_area_w(&o->area) - 24;
    if (w <= 0) return;
    int64_t v = o->min + ((int64_t)ui_clamp(x - 12, 0, w) * (o->max - o->min) + w / 2) / w;
    ui_set_value(o, (int32_t)v, 1);
}

static void slider_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    int32_t cy = (a.y1 + a.y2) / 2, x1 = a.x1 + 12, x2 = a.x2 - 12;
    akira_area_t tr = {(int16_t)x1, (int16_t)(cy - 3), (int16_t)x2, (int16_t)(cy + 3)};
    akira_gfx_rrect(dc->g, &tr, 3, 0, dc->th->surface2);
    int32_t kx = x1 + frac_px(o, x2 - x1);
    akira_area_t ind = tr;
    ind.x2 = (int16_t)kx;
    akira_gfx_rrect(dc->g, &ind, 3, 0, o->st.accent);
    akira_gfx_circle(dc->g, kx, cy, 10, 0, o->st.accent);
    akira_gfx_circle(dc->g, kx, cy, 6, 0, AKIRA_RGB(0xFF, 0xFF, 0xFF));
}

const cls_t ui_slider_cls = {.type = AKIRA_UI_SLIDER,
                             .ext = sizeof(range_t),
                             .flags = F_CLICKABLE | F_FOCUSABLE,
                             .init = ui_range_init,
                             .draw = slider_draw,
                             .content = slider_content,
                             .set = ui_range_set,
                             .get = ui_range_get,
                             .key = range_key,
                             .touch = slider_touch,
                             .editable = 1};

static void bar_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    (void)o;
    *w = 160;
    *h = 14;
}

static void bar_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    int32_t w = akira_area_w(&a), h = akira_area_h(&a);
    int32_t r = (w < h ? w : h) / 2;
    akira_gfx_rrect(dc->g, &a, r, 0, dc->th->surface2);
    akira_area_t ind = a;
    if (h > w)
        ind.y1 = (int16_t)(a.y2 - frac_px(o, h - 1));
    else
        ind.x2 = (int16_t)(a.x1 + frac_px(o, w - 1));
    if (o->value > o->min) akira_gfx_rrect(dc->g, &ind, r, 0, o->st.accent);
}

const cls_t ui_bar_cls = {.type = AKIRA_UI_BAR,
                          .draw = bar_draw,
                          .content = bar_content,
                          .set = ui_range_set,
                          .get = ui_range_get};

/* ---- arc, spinner, progress ring, gauge share the ring geometry ------------------- */

static void ring_geom(akira_area_t a, int32_t *cx, int32_t *cy, int32_t *r)
{
    int32_t w = akira_area_w(&a), h = akira_area_h(&a);
    *cx = a.x1 + w / 2;
    *cy = a.y1 + h / 2;
    *r = (w < h ? w : h) / 2 - 1;
}

static void square_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    int32_t s = o->cls->type == AKIRA_UI_SPINNER ? 48 : o->cls->type == AKIRA_UI_GAUGE ? 140 : 100;
    *w = *h = s;
}

static void arc_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    int32_t cx, cy, r;
    ring_geom(a, &cx, &cy, &r);
    int32_t w = r / 6 + 2;
    akira_gfx_arc(dc->g, cx, cy, r, w, 135, 45, 1, dc->th->surface2);
    int32_t end = 135 + frac_px(o, 270);
    if (o->value > o->min) akira_gfx_arc(dc->g, cx, cy, r, w, 135, end % 360, 1, o->st.accent);
    char buf[16];
    snprintf(buf, sizeof buf, "%ld", (long)o->value);
    const akira_font_t *f = ui_font(o);
    akira_gfx_text(dc->g, f, cx - akira_font_text_width(f, buf, -1) / 2, cy - f->line_height / 2,
                   buf, -1, o->st.fg);
}

static void arc_touch(akira_ui_obj_t *o, int phase, int32_t x, int32_t y)
{
    if (phase == 2) return;
    int32_t w = akira_area_w(&o->area), h = akira_area_h(&o->area);
    int32_t dx = x - w / 2, dy = y - h / 2;
    if (dx == 0 && dy == 0) return;
    /* angle from 135 degrees clockwise, in 0..360, from an integer octant walk */
    int32_t best = 0, bestd = 0x7FFFFFFF;
    static const int16_t cs[24][2] = {
        {1000, 0},  {966, 259},   {866, 500},   {707, 707},   {500, 866},   {259, 966},
        {0, 1000},  {-259, 966},  {-500, 866},  {-707, 707},  {-866, 500},  {-966, 259},
        {-1000, 0}, {-966, -259}, {-866, -500}, {-707, -707}, {-500, -866}, {-259, -966},
        {0, -1000}, {259, -966},  {500, -866},  {707, -707},  {866, -500},  {966, -259}};
    for (int i = 0; i < 24; i++) {
        int32_t d = -(dx * cs[i][0] + dy * cs[i][1]);
        if (d < bestd) bestd = d, best = i * 15;
    }
    int32_t rel = (best - 135 + 360) % 360;
    if (rel > 270) rel = rel > 315 ? 0 : 270;
    ui_set_value(o, o->min + (int32_t)((int64_t)rel * (o->max - o->min) / 270), 1);
}

const cls_t ui_arc_cls = {.type = AKIRA_UI_ARC,
                          .ext = sizeof(range_t),
                          .flags = F_CLICKABLE | F_FOCUSABLE,
                          .init = ui_range_init,
                          .draw = arc_draw,
                          .content = square_content,
                          .set = ui_range_set,
                          .get = ui_range_get,
                          .key = range_key,
                          .touch = arc_touch,
                          .editable = 1};

typedef struct {
    int32_t angle;
} spin_t;

static void spinner_tick(akira_ui_obj_t *o, uint32_t now)
{
    int32_t a = (int32_t)((now % 1200u) * 360u / 1200u);
    if (a / 6 != EXT(o, spin_t)->angle / 6) {
        EXT(o, spin_t)->angle = a;
        akira_ui_invalidate(o);
    }
}

static void spinner_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    int32_t cx, cy, r;
    ring_geom(a, &cx, &cy, &r);
    int32_t w = r / 4 + 1, s = EXT(o, spin_t)->angle;
    akira_gfx_arc(dc->g, cx, cy, r, w, 0, 0, 0, dc->th->surface2);
    akira_gfx_arc(dc->g, cx, cy, r, w, s, (s + 90) % 360, 1, o->st.accent);
}

const cls_t ui_spinner_cls = {.type = AKIRA_UI_SPINNER,
                              .ext = sizeof(spin_t),
                              .draw = spinner_draw,
                              .content = square_content,
                              .tick = spinner_tick};

static void ring_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    (void)o;
    *w = *h = 80;
}

static void ring_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    int32_t cx, cy, r;
    ring_geom(a, &cx, &cy, &r);
    int32_t w = r / 5 + 2;
    akira_gfx_arc(dc->g, cx, cy, r, w, 0, 0, 0, dc->th->surface2);
    int32_t sweep = frac_px(o, 360);
    if (sweep >= 360)
        akira_gfx_arc(dc->g, cx, cy, r, w, 0, 0, 0, o->st.accent);
    else if (sweep > 0)
        akira_gfx_arc(dc->g, cx, cy, r, w, 270, (270 + sweep) % 360, 1, o->st.accent);
    char buf[16];
    int64_t range = (int64_t)o->max - o->min;
    snprintf(buf, sizeof buf, "%ld%%",
             (long)(range ? ((int64_t)o->value - o->min) * 100 / range : 0));
    const akira_font_t *f = akira_font_for_size(r > 40 ? 24 : 16);
    akira_gfx_text(dc->g, f, cx - akira_font_text_width(f, buf, -1) / 2, cy - f->line_height / 2,
                   buf, -1, o->st.fg);
}

const cls_t ui_ring_cls = {.type = AKIRA_UI_PROGRESS_RING,
                           .draw = ring_draw,
                           .content = ring_content,
                           .set = ui_range_set,
                           .get = ui_range_get};

/* ---- LED, line -------------------------------------------------------------------- */

static void led_init(akira_ui_obj_t *o)
{
    o->max = 255;
    o->value = 255;
    o->st.accent = AKIRA_RGB(0x22, 0xC5, 0x5E);
}

static void led_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    (void)o;
    *w = *h = 24;
}

static void led_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    int32_t cx, cy, r;
    ring_geom(a, &cx, &cy, &r);
    uint8_t b = (uint8_t)(60 + o->value * 195 / 255);
    akira_color_t c = akira_color_mix(o->st.accent, AKIRA_RGB(0x20, 0x20, 0x20), b);
    akira_gfx_circle(dc->g, cx, cy, r, 0, c);
    if (o->value > 128) /* a highlight: lit */
        akira_gfx_circle(dc->g, cx - r / 3, cy - r / 3, r / 4, 0,
                         akira_color_mix(AKIRA_RGB(0xFF, 0xFF, 0xFF), c, 140));
    akira_gfx_circle(dc->g, cx, cy, r, 1, ui_darken(c, 80));
}

static int led_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    if (v < 0 || v > 255) return AKIRA_EINVAL;
    return ui_set_value(o, v, 0);
}

const cls_t ui_led_cls = {.type = AKIRA_UI_LED,
                          .init = led_init,
                          .draw = led_draw,
                          .content = led_content,
                          .set = led_set,
                          .get = value_get};

typedef struct {
    uint8_t n, width;
    int16_t xy[64];
} line_t;

int akira_ui_line_set_points(akira_ui_obj_t *o, const int16_t *xy, int32_t n)
{
    if (!o || !xy) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_LINE) return AKIRA_ENOTSUP;
    if (n < 2 || n > 32) return n > 32 ? AKIRA_ETOOBIG : AKIRA_EINVAL;
    for (int32_t i = 0; i < 2 * n; i++)
        if (xy[i] < 0 || xy[i] > 4096) return AKIRA_EINVAL;
    line_t *l = EXT(o, line_t);
    memcpy(l->xy, xy, sizeof(int16_t) * 2 * (size_t)n);
    l->n = (uint8_t)n;
    ui_relayout(o->ui);
    return AKIRA_OK;
}

static void line_init(akira_ui_obj_t *o)
{
    EXT(o, line_t)->width = 3;
}

static void line_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    line_t *l = EXT(o, line_t);
    *w = *h = 0;
    for (int i = 0; i < l->n; i++) {
        if (l->xy[2 * i] + l->width > *w) *w = l->xy[2 * i] + l->width;
        if (l->xy[2 * i + 1] + l->width > *h) *h = l->xy[2 * i + 1] + l->width;
    }
}

static void line_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    line_t *l = EXT(o, line_t);
    int32_t hw = l->width / 2;
    for (int i = 0; i + 1 < l->n; i++)
        akira_gfx_line(dc->g, a.x1 + hw + l->xy[2 * i], a.y1 + hw + l->xy[2 * i + 1],
                       a.x1 + hw + l->xy[2 * i + 2], a.y1 + hw + l->xy[2 * i + 3], l->width,
                       o->st.accent);
}

static int line_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p != AKIRA_UI_P_BORDER_W) return AKIRA_ENOTSUP;
    if (v < 1 || v > 32) return AKIRA_EINVAL;
    EXT(o, line_t)->width = (uint8_t)v;
    ui_relayout(o->ui);
    return AKIRA_OK;
}

static int line_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p != AKIRA_UI_P_BORDER_W) return AKIRA_ENOTSUP;
    *v = EXT(o, line_t)->width;
    return AKIRA_OK;
}

const cls_t ui_line_cls = {.type = AKIRA_UI_LINE,
                           .ext = sizeof(line_t),
                           .init = line_init,
                           .draw = line_draw,
                           .content = line_content,
                           .set = line_set,
                           .get = line_get};

/* ---- canvas ----------------------------------------------------------------------- */

typedef struct {
    int16_t w, h;
    akira_color_t *px;
    uint32_t bytes;
} canvas_t;

static void canvas_free(akira_ui_obj_t *o)
{
    canvas_t *c = EXT(o, canvas_t);
    ui_mem_free(o->owner, c->px, c->bytes);
    c->px = NULL;
    c->bytes = 0;
}

int akira_ui_canvas_size(akira_ui_obj_t *o, int32_t w, int32_t h, akira_color_t bg)
{
    if (!o) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_CANVAS) return AKIRA_ENOTSUP;
    if (w <= 0 || h <= 0) return AKIRA_EINVAL;
    if (w > AKIRA_UI_MAX_IMAGE || h > AKIRA_UI_MAX_IMAGE) return AKIRA_ETOOBIG;
    size_t n = (size_t)w * (size_t)h * sizeof(akira_color_t);
    int err = 0;
    akira_color_t *px = ui_mem_alloc(o->owner, n, &err);
    if (!px) return err;
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
        px[i] = bg;
    canvas_free(o);
    canvas_t *c = EXT(o, canvas_t);
    c->px = px;
    c->bytes = (uint32_t)n;
    c->w = (int16_t)w;
    c->h = (int16_t)h;
    ui_relayout(o->ui);
    return AKIRA_OK;
}

static int canvas_flush(void *ctx, const akira_area_t *a, const akira_color_t *px)
{
    (void)ctx, (void)a, (void)px;
    return AKIRA_OK; /* the band is the canvas itself */
}

int akira_ui_canvas_draw(akira_ui_obj_t *o, akira_gfx_draw_fn draw, void *arg)
{
    if (!o || !draw) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_CANVAS) return AKIRA_ENOTSUP;
    canvas_t *c = EXT(o, canvas_t);
    if (!c->px) return AKIRA_ESTATE;
    akira_gfx_port_t port = {(uint16_t)c->w, (uint16_t)c->h, NULL, canvas_flush, NULL};
    akira_gfx_t g;
    int r = akira_gfx_init(&g, &port, c->px, (size_t)c->w * (size_t)c->h);
    if (r) return r;
    akira_area_t all = {0, 0, (int16_t)(c->w - 1), (int16_t)(c->h - 1)};
    r = akira_gfx_band_begin(&g, &all);
    if (r) return r;
    r = draw(&g, arg);
    akira_ui_invalidate(o);
    return r < 0 ? r : AKIRA_OK;
}

int akira_ui_canvas_pixel(akira_ui_obj_t *o, int32_t x, int32_t y, akira_color_t col)
{
    if (!o) return AKIRA_EINVAL;
    if (o->cls->type != AKIRA_UI_CANVAS) return AKIRA_ENOTSUP;
    canvas_t *c = EXT(o, canvas_t);
    if (!c->px) return AKIRA_ESTATE;
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return AKIRA_ERANGE;
    c->px[(size_t)y * (size_t)c->w + (size_t)x] = col;
    akira_ui_invalidate(o);
    return AKIRA_OK;
}

static void canvas_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    *w = EXT(o, canvas_t)->w;
    *h = EXT(o, canvas_t)->h;
}

static void canvas_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    canvas_t *c = EXT(o, canvas_t);
    ui_draw_bg(o, dc, a);
    akira_area_t in = ui_content(o, a);
    if (c->px) akira_gfx_bitmap(dc->g, in.x1, in.y1, c->w, c->h, c->px, c->w, NULL);
}

const cls_t ui_canvas_cls = {.type = AKIRA_UI_CANVAS,
                             .ext = sizeof(canvas_t),
                             .draw = canvas_draw,
                             .content = canvas_content,
                             .destroy = canvas_free};

/* ---- toast, status bar ------------------------------------------------------------ */

typedef struct {
    uint32_t start, ms;
} toast_t;

static void toast_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    ui_text_size(ui_font(o), o->text ? o->text : "", 260, w, h);
}

static void toast_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    ui_text_box(dc->g, ui_font(o), ui_content(o, a), o->text, 1, o->st.fg);
}

static void toast_tick(akira_ui_obj_t *o, uint32_t now)
{
    toast_t *t = EXT(o, toast_t);
    if (now - t->start >= t->ms) {
        akira_ui_invalidate(o);
        akira_ui_delete(o);
    }
}

static int toast_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p != AKIRA_UI_P_DURATION) return AKIRA_ENOTSUP;
    if (v < 1 || v > 600000) return AKIRA_EINVAL;
    EXT(o, toast_t)->ms = (uint32_t)v;
    EXT(o, toast_t)->start = o->ui->now;
    return AKIRA_OK;
}

static int toast_get(const akira_ui_obj_t *o, akira_ui_prop_t p, int32_t *v)
{
    if (p != AKIRA_UI_P_DURATION) return AKIRA_ENOTSUP;
    *v = (int32_t)EXT(o, toast_t)->ms;
    return AKIRA_OK;
}

const cls_t ui_toast_cls = {.type = AKIRA_UI_TOAST,
                            .ext = sizeof(toast_t),
                            .draw = toast_draw,
                            .content = toast_content,
                            .tick = toast_tick,
                            .set = toast_set,
                            .get = toast_get};

int akira_ui_toast(akira_ui_t *ui, akira_ui_owner_t *owner, const char *text, uint32_t ms,
                   akira_ui_obj_t **out)
{
    if (!ui || !owner || !text || ms == 0 || ms > 600000) return AKIRA_EINVAL;
    akira_ui_obj_t *o;
    int r = ui_create_raw(ui, owner, NULL, AKIRA_UI_TOAST, &o);
    if (r) return r;
    r = akira_ui_set_text(o, text);
    if (r) {
        akira_ui_delete(o);
        return r;
    }
    o->flags |= F_TOP;
    EXT(o, toast_t)->start = ui->now;
    EXT(o, toast_t)->ms = ms;
    akira_ui_obj_t **pp = &ui->top;
    while (*pp)
        pp = &(*pp)->next;
    *pp = o;
    if (out) *out = o;
    return AKIRA_OK;
}

static void statusbar_init(akira_ui_obj_t *o)
{
    o->w = AKIRA_UI_PCT(100);
    o->min = -1;
    o->value = -1;
}

static void statusbar_content(akira_ui_obj_t *o, int32_t *w, int32_t *h)
{
    *w = 0;
    *h = ui_font(o)->line_height + 4;
}

static void statusbar_draw(akira_ui_obj_t *o, dc_t *dc, akira_area_t a)
{
    ui_draw_bg(o, dc, a);
    akira_area_t bl = {a.x1, a.y2, a.x2, a.y2};
    akira_gfx_fill(dc->g, &bl, dc->th->border);
    akira_area_t c = ui_content(o, a);
    const akira_font_t *f = ui_font(o);
    int32_t ty = c.y1 + (akira_area_h(&c) - f->line_height) / 2;
    if (o->title) akira_gfx_text(dc->g, f, c.x1 + 2, ty, o->title, -1, o->st.fg);
    int32_t x = c.x2 - 2;
    if (o->text) {
        x -= akira_font_text_width(f, o->text, -1);
        akira_gfx_text(dc->g, f, x, ty, o->text, -1, o->st.fg);
        x -= 8;
    }
    if (o->value >= 0) { /* battery: body, cap, fill, percent */
        int32_t cy = (c.y1 + c.y2) / 2;
        akira_area_t body = {(int16_t)(x - 22), (int16_t)(cy - 5), (int16_t)(x - 3),
                             (int16_t)(cy + 5)};
        akira_area_t cap = {(int16_t)(x - 2), (int16_t)(cy - 2), (int16_t)(x - 1),
                            (int16_t)(cy + 2)};
        akira_gfx_rrect(dc->g, &body, 2, 1, o->st.fg);
        akira_gfx_fill(dc->g, &cap, o->st.fg);
        akira_area_t lvl = {(int16_t)(body.x1 + 2), (int16_t)(body.y1 + 2),
                            (int16_t)(body.x1 + 2 + o->value * 15 / 100), (int16_t)(body.y2 - 2)};
        if (o->value > 0) akira_gfx_fill(dc->g, &lvl, o->value <= 15 ? dc->th->danger : dc->th->ok);
        char buf[16];
        snprintf(buf, sizeof buf, "%ld%%", (long)o->value);
        akira_gfx_text(dc->g, f, body.x1 - 4 - akira_font_text_width(f, buf, -1), ty, buf, -1,
                       o->st.fg);
    }
}

static int statusbar_set(akira_ui_obj_t *o, akira_ui_prop_t p, int32_t v)
{
    if (p != AKIRA_UI_P_VALUE) return AKIRA_ENOTSUP;
    if (v < -1 || v > 100) return AKIRA_EINVAL;
    o->min = -1;
    o->max = 100;
    return ui_set_value(o, v, 0);
}

const cls_t ui_statusbar_cls = {.type = AKIRA_UI_STATUSBAR,
                                .init = statusbar_init,
                                .draw = statusbar_draw,
                                .content = statusbar_content,
                                .set = statusbar_set,
                                .get = value_get};

/*
 * API module "display": raw drawing for apps that draw themselves, capability
 * "display". Everything is drawn by the ui layer's renderer (akira/gfx.h) into the
 * back buffer of the app in front; display_flush puts what changed on the panel (and
 * so does the service 50 ms after the last draw if the app does not). Colors are
 * RGB565 in the low 16 bits. Coordinates may lie anywhere: what falls off the screen
 * is clipped (coordinates beyond +-8192 are clamped first, lines are cut to the screen
 * exactly).
 *
 *   display_clear(color) -> i32
 *   display_pixel(x, y, color) -> i32
 *   display_line(x0, y0, x1, y1, color) -> i32
 *   display_rect(x, y, w, h, color) -> i32            filled; w or h <= 0 draws nothing
 *   display_rect_outline(x, y, w, h, color) -> i32
 *   display_rounded_rect(x, y, w, h, r, color) -> i32  outline
 *   display_rounded_rect_fill(x, y, w, h, r, color) -> i32
 *   display_circle(cx, cy, r, color) -> i32 / display_circle_fill
 *   display_triangle(x0, y0, x1, y1, x2, y2, color) -> i32 / display_triangle_fill
 *   display_text(x, y, ptr, len, size_px, color) -> i32   the x after the text
 *   display_text_width(ptr, len, size_px) -> i32
 *   display_bitmap(x, y, w, h, ptr, len) -> i32           RGB565, w*h pixels, row-major
 *   display_bitmap_key(x, y, w, h, ptr, len, key) -> i32  pixels equal to key skipped
 *   display_flush() -> i32
 *   display_size(out) -> i32                             out = {width u32, height u32}
 *
 * Errors: AKIRA_EBUSY (another app, or the system screen, owns the display: nothing
 * drawn), AKIRA_EFAULT (text or pixels outside app memory), AKIRA_EINVAL (text longer
 * than 256 bytes, bitmap data shorter than w*h*2 or at an odd address, size_px not
 * 12/16/24 or 0 for the default 16), AKIRA_ETOOBIG (a bitmap side over 4096),
 * AKIRA_ENODEV (no display).
 */
#include <akira/font.h>

#include "hw_util.h"
#include "screen_priv.h"

#define COORD_MAX 8192
#define TEXT_MAX  256u
#define BMP_SIDE  4096

static int16_t clampc(int64_t v)
{
    return (int16_t)(v < -COORD_MAX ? -COORD_MAX : v > COORD_MAX ? COORD_MAX : v);
}

/* The area of (x, y, w, h); false when empty. */
static bool rect_area(int32_t x, int32_t y, int32_t w, int32_t h, akira_area_t *a)
{
    if (w <= 0 || h <= 0) return false;
    *a = (akira_area_t){clampc(x), clampc(y), clampc((int64_t)x + w - 1),
                        clampc((int64_t)y + h - 1)};
    return true;
}

static akira_color_t col(aw_val v)
{
    return (akira_color_t)(v.u32 & 0xFFFFu);
}

/* Every drawing native: enter (ownership), draw, note the area, leave. */
#define DRAW_BEGIN(app, io)                                                                        \
    struct scr_app *slot_;                                                                         \
    int rc_ = scr_enter((app), &slot_, SCR_OWN);                                                   \
    if (rc_) return hw_ret((io), rc_);                                                             \
    akira_gfx_t *g = scr_back();                                                                   \
    (void)slot_

static aw_status done(aw_val *io, const akira_area_t *touched, int32_t rv)
{
    scr_drawn(touched);
    scr_leave();
    return hw_ret(io, rv);
}

static aw_status api_clear(struct akira_app_ctx *app, aw_val *io)
{
    DRAW_BEGIN(app, io);
    akira_area_t all = {0, 0, (int16_t)(scr_width() - 1), (int16_t)(scr_height() - 1)};
    akira_gfx_fill(g, &all, col(io[0]));
    return done(io, &all, 0);
}

static aw_status api_pixel(struct akira_app_ctx *app, aw_val *io)
{
    DRAW_BEGIN(app, io);
    int16_t x = clampc(io[0].i32), y = clampc(io[1].i32);
    akira_gfx_pixel(g, x, y, col(io[2]));
    akira_area_t a = {x, y, x, y};
    return done(io, &a, 0);
}

static int64_t rnd(double v)
{
    return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

/* Cuts the segment to the box around the screen (Liang-Barsky): false when it misses.
 * Exact for any coordinates, so a line towards a far point keeps its slope. */
static bool clip_line(int64_t *x0, int64_t *y0, int64_t *x1, int64_t *y1, int64_t w, int64_t h)
{
    double t0 = 0.0, t1 = 1.0;
    double dx = (double)(*x1 - *x0), dy = (double)(*y1 - *y0);
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {(double)*x0 + 1.0, (double)(w - *x0), (double)*y0 + 1.0, (double)(h - *y0)};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0.0) {
            if (q[i] < 0.0) return false;
            continue;
        }
        double r = q[i] / p[i];
        if (p[i] < 0.0) {
            if (r > t1) return false;
            if (r > t0) t0 = r;
        } else {
            if (r < t0) return false;
            if (r < t1) t1 = r;
        }
    }
    double ax = (double)*x0, ay = (double)*y0;
    *x0 = rnd(ax + t0 * dx);
    *y0 = rnd(ay + t0 * dy);
    *x1 = rnd(ax + t1 * dx);
    *y1 = rnd(ay + t1 * dy);
    return true;
}

static aw_status api_line(struct akira_app_ctx *app, aw_val *io)
{
    DRAW_BEGIN(app, io);
    int64_t x0 = io[0].i32, y0 = io[1].i32, x1 = io[2].i32, y1 = io[3].i32;
    if (!clip_line(&x0, &y0, &x1, &y1, scr_width(), scr_height())) return done(io, NULL, 0);
    akira_gfx_line(g, (int32_t)x0, (int32_t)y0, (int32_t)x1, (int32_t)y1, 1, col(io[4]));
    akira_area_t a = {clampc(x0 < x1 ? x0 : x1), clampc(y0 < y1 ? y0 : y1),
                      clampc(x0 < x1 ? x1 : x0), clampc(y0 < y1 ? y1 : y0)};
    return done(io, &a, 0);
}

static aw_status rect_common(struct akira_app_ctx *app, aw_val *io, int kind)
{
    DRAW_BEGIN(app, io);
    akira_area_t a;
    if (!rect_area(io[0].i32, io[1].i32, io[2].i32, io[3].i32, &a)) return done(io, NULL, 0);
    int32_t r = kind >= 2 ? io[4].i32 : 0;
    akira_color_t c = col(io[kind >= 2 ? 5 : 4]);
    if (r < 0) r = 0;
    if (r > COORD_MAX) r = COORD_MAX;
    switch (kind) {
    case 0: akira_gfx_fill(g, &a, c); break;
    case 1: akira_gfx_rect(g, &a, 1, c); break;
    case 2: akira_gfx_rrect(g, &a, r, 1, c); break;
    default: akira_gfx_rrect(g, &a, r, 0, c); break;
    }
    return done(io, &a, 0);
}

static aw_status api_rect(struct akira_app_ctx *app, aw_val *io)
{
    return rect_common(app, io, 0);
}
static aw_status api_rect_outline(struct akira_app_ctx *app, aw_val *io)
{
    return rect_common(app, io, 1);
}
static aw_status api_rrect(struct akira_app_ctx *app, aw_val *io)
{
    return rect_common(app, io, 2);
}
static aw_status api_rrect_fill(struct akira_app_ctx *app, aw_val *io)
{
    return rect_common(app, io, 3);
}

static aw_status circle_common(struct akira_app_ctx *app, aw_val *io, bool fill)
{
    DRAW_BEGIN(app, io);
    int32_t r = io[2].i32;
    if (r <= 0) return done(io, NULL, 0);
    if (r > COORD_MAX) r = COORD_MAX;
    int16_t cx = clampc(io[0].i32), cy = clampc(io[1].i32);
    akira_gfx_circle(g, cx, cy, r, fill ? 0 : 1, col(io[3]));
    akira_area_t a = {clampc((int64_t)cx - r), clampc((int64_t)cy - r), clampc((int64_t)cx + r),
                      clampc((int64_t)cy + r)};
    return done(io, &a, 0);
}

static aw_status api_circle(struct akira_app_ctx *app, aw_val *io)
{
    return circle_common(app, io, false);
}
static aw_status api_circle_fill(struct akira_app_ctx *app, aw_val *io)
{
    return circle_common(app, io, true);
}

static aw_status tri_common(struct akira_app_ctx *app, aw_val *io, bool fill)
{
    DRAW_BEGIN(app, io);
    int16_t v[6];
    for (int i = 0; i < 6; i++)
        v[i] = clampc(io[i].i32);
    akira_gfx_triangle(g, v[0], v[1], v[2], v[3], v[4], v[5], fill, col(io[6]));
    akira_area_t a = {v[0], v[1], v[0], v[1]};
    for (int i = 2; i < 6; i += 2) {
        if (v[i] < a.x1) a.x1 = v[i];
        if (v[i] > a.x2) a.x2 = v[i];
        if (v[i + 1] < a.y1) a.y1 = v[i + 1];
        if (v[i + 1] > a.y2) a.y2 = v[i + 1];
    }
    return done(io, &a, 0);
}

static aw_status api_triangle(struct akira_app_ctx *app, aw_val *io)
{
    return tri_common(app, io, false);
}
static aw_status api_triangle_fill(struct akira_app_ctx *app, aw_val *io)
{
    return tri_common(app, io, true);
}

/* The font for size_px (0: the default 16), or NULL for a size the system lacks. */
static const akira_font_t *font_of(int32_t px)
{
    if (px == 0) px = 16;
    if (px != 12 && px != 16 && px != 24) return NULL;
    return akira_font_for_size(px);
}

static aw_status api_text(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[3].u32;
    const akira_font_t *f = font_of(io[4].i32);
    if (len > TEXT_MAX || !f) return hw_ret(io, AKIRA_EINVAL);
    const char *s = akira_bridge_mem(app, io[2].u32, len);
    if (!s) return hw_ret(io, AKIRA_EFAULT);
    DRAW_BEGIN(app, io);
    int16_t x = clampc(io[0].i32), y = clampc(io[1].i32);
    int32_t end = akira_gfx_text(g, f, x, y, s, (int32_t)len, col(io[5]));
    akira_area_t a = {x, y, clampc(end), clampc((int64_t)y + f->line_height)};
    return done(io, &a, end);
}

static aw_status api_text_width(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[1].u32;
    const akira_font_t *f = font_of(io[2].i32);
    if (len > TEXT_MAX || !f) return hw_ret(io, AKIRA_EINVAL);
    const char *s = akira_bridge_mem(app, io[0].u32, len);
    if (!s) return hw_ret(io, AKIRA_EFAULT);
    return hw_ret(io, akira_font_text_width(f, s, (int32_t)len));
}

static aw_status bitmap_common(struct akira_app_ctx *app, aw_val *io, bool keyed)
{
    int32_t w = io[2].i32, h = io[3].i32;
    int rc;
    const akira_color_t *px = scr_app_pixels(app, w, h, io[4].u32, io[5].u32, BMP_SIDE, &rc);
    if (!px) return hw_ret(io, rc);
    akira_color_t key = keyed ? col(io[6]) : 0;
    DRAW_BEGIN(app, io);
    int16_t x = clampc(io[0].i32), y = clampc(io[1].i32);
    rc = akira_gfx_bitmap(g, x, y, w, h, px, w, keyed ? &key : NULL);
    akira_area_t a = {x, y, clampc((int64_t)x + w - 1), clampc((int64_t)y + h - 1)};
    return done(io, rc ? NULL : &a, rc);
}

static aw_status api_bitmap(struct akira_app_ctx *app, aw_val *io)
{
    return bitmap_common(app, io, false);
}
static aw_status api_bitmap_key(struct akira_app_ctx *app, aw_val *io)
{
    return bitmap_common(app, io, true);
}

static aw_status api_flush(struct akira_app_ctx *app, aw_val *io)
{
    struct scr_app *s;
    int rc = scr_enter(app, &s, SCR_OWN);
    if (rc) return hw_ret(io, rc);
    rc = scr_flush_locked();
    scr_leave();
    return hw_ret(io, rc);
}

/* The size needs no ownership: an app lays itself out before it is in front. */
static aw_status api_size(struct akira_app_ctx *app, aw_val *io)
{
    uint8_t *out = akira_bridge_mem(app, io[0].u32, 8);
    if (!out) return hw_ret(io, AKIRA_EFAULT);
    struct scr_app *s;
    int rc = scr_enter(app, &s, SCR_LOOK);
    if (rc) return hw_ret(io, rc);
    uint16_t w = scr_width(), h = scr_height();
    scr_leave();
    out = akira_bridge_mem(app, io[0].u32, 8);
    hw_put_u32(out, w);
    hw_put_u32(out + 4, h);
    return hw_ret(io, 0);
}

static const struct akira_bridge_entry entries[] = {
    {"display_clear", "(i)i", AKIRA_CAP_DISPLAY, api_clear},
    {"display_pixel", "(iii)i", AKIRA_CAP_DISPLAY, api_pixel},
    {"display_line", "(iiiii)i", AKIRA_CAP_DISPLAY, api_line},
    {"display_rect", "(iiiii)i", AKIRA_CAP_DISPLAY, api_rect},
    {"display_rect_outline", "(iiiii)i", AKIRA_CAP_DISPLAY, api_rect_outline},
    {"display_rounded_rect", "(iiiiii)i", AKIRA_CAP_DISPLAY, api_rrect},
    {"display_rounded_rect_fill", "(iiiiii)i", AKIRA_CAP_DISPLAY, api_rrect_fill},
    {"display_circle", "(iiii)i", AKIRA_CAP_DISPLAY, api_circle},
    {"display_circle_fill", "(iiii)i", AKIRA_CAP_DISPLAY, api_circle_fill},
    {"display_triangle", "(iiiiiii)i", AKIRA_CAP_DISPLAY, api_triangle},
    {"display_triangle_fill", "(iiiiiii)i", AKIRA_CAP_DISPLAY, api_triangle_fill},
    {"display_text", "(iiiiii)i", AKIRA_CAP_DISPLAY, api_text},
    {"display_text_width", "(iii)i", AKIRA_CAP_DISPLAY, api_text_width},
    {"display_bitmap", "(iiiiii)i", AKIRA_CAP_DISPLAY, api_bitmap},
    {"display_bitmap_key", "(iiiiiii)i", AKIRA_CAP_DISPLAY, api_bitmap_key},
    {"display_flush", "()i", AKIRA_CAP_DISPLAY, api_flush},
    {"display_size", "(i)i", AKIRA_CAP_DISPLAY, api_size},
};

const struct akira_bridge_module akira_api_display = {
    .name = "display",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .app_end = scr_app_end,
};

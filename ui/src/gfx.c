/*
 * Band renderer: every primitive clips against g->clip (which lies within the band and
 * the screen) before touching the buffer, so no coordinate can reach memory outside it.
 * Anti-aliasing computes a coverage per pixel from the distance to the shape's edge.
 */
#include "akira/gfx.h"

#include <math.h>
#include <string.h>

#define BITMAP_MAX 4096
/* coordinates beyond this are off any screen (and keep x + w in int32 range) */
#define FAR (1 << 20)

int akira_area_intersect(akira_area_t *out, const akira_area_t *a, const akira_area_t *b)
{
    akira_area_t r = {a->x1 > b->x1 ? a->x1 : b->x1, a->y1 > b->y1 ? a->y1 : b->y1,
                      a->x2 < b->x2 ? a->x2 : b->x2, a->y2 < b->y2 ? a->y2 : b->y2};
    if (r.x2 < r.x1 || r.y2 < r.y1) return 0;
    *out = r;
    return 1;
}

void akira_area_union(akira_area_t *out, const akira_area_t *a, const akira_area_t *b)
{
    if (!akira_area_w(a) || !akira_area_h(a)) {
        *out = *b;
        return;
    }
    if (!akira_area_w(b) || !akira_area_h(b)) {
        *out = *a;
        return;
    }
    akira_area_t r = {a->x1 < b->x1 ? a->x1 : b->x1, a->y1 < b->y1 ? a->y1 : b->y1,
                      a->x2 > b->x2 ? a->x2 : b->x2, a->y2 > b->y2 ? a->y2 : b->y2};
    *out = r;
}

akira_color_t akira_color_mix(akira_color_t fg, akira_color_t bg, uint8_t mix)
{
    if (mix >= 255) return fg;
    if (mix == 0) return bg;
    uint32_t a = (uint32_t)mix + 1, na = 256 - a;
    uint32_t r = (((fg >> 11) & 31) * a + ((bg >> 11) & 31) * na) >> 8;
    uint32_t gg = (((fg >> 5) & 63) * a + ((bg >> 5) & 63) * na) >> 8;
    uint32_t b = ((fg & 31) * a + (bg & 31) * na) >> 8;
    return (akira_color_t)(r << 11 | gg << 5 | b);
}

static akira_area_t screen_area(const akira_gfx_t *g)
{
    akira_area_t s = {0, 0, (int16_t)(g->port->width - 1), (int16_t)(g->port->height - 1)};
    return s;
}

int akira_gfx_init(akira_gfx_t *g, const akira_gfx_port_t *port, akira_color_t *buf, size_t pixels)
{
    if (!g || !port || !port->flush || !buf || !port->width || !port->height ||
        port->width > 4096 || port->height > 4096 || pixels < port->width)
        return AKIRA_EINVAL;
    memset(g, 0, sizeof *g);
    g->port = port;
    g->buf = buf;
    g->cap = pixels;
    g->opa = 255;
    g->band = (akira_area_t){0, 0, -1, -1};
    g->clip = g->band;
    return AKIRA_OK;
}

int32_t akira_gfx_band_rows(const akira_gfx_t *g, int32_t w)
{
    if (w <= 0) return 0;
    return (int32_t)(g->cap / (size_t)w);
}

int akira_gfx_band_begin(akira_gfx_t *g, const akira_area_t *area)
{
    akira_area_t s = screen_area(g), a;
    if (!area || !akira_area_intersect(&a, area, &s)) return AKIRA_EINVAL;
    if ((size_t)akira_area_w(&a) * (size_t)akira_area_h(&a) > g->cap) return AKIRA_ETOOBIG;
    g->band = a;
    g->clip = a;
    return AKIRA_OK;
}

int akira_gfx_band_flush(akira_gfx_t *g)
{
    if (!akira_area_w(&g->band)) return AKIRA_ESTATE;
    return g->port->flush(g->port->ctx, &g->band, g->buf);
}

void akira_gfx_clip_push(akira_gfx_t *g, const akira_area_t *area, akira_area_t *saved)
{
    if (saved) *saved = g->clip;
    akira_area_t c;
    if (akira_area_intersect(&c, &g->clip, area))
        g->clip = c;
    else
        g->clip = (akira_area_t){0, 0, -1, -1};
}

void akira_gfx_clip_restore(akira_gfx_t *g, const akira_area_t *saved)
{
    g->clip = *saved;
}

static inline akira_color_t *at(akira_gfx_t *g, int32_t x, int32_t y)
{
    return g->buf + (size_t)(y - g->band.y1) * (size_t)akira_area_w(&g->band) +
           (size_t)(x - g->band.x1);
}

static inline int inclip(const akira_gfx_t *g, int32_t x, int32_t y)
{
    return x >= g->clip.x1 && x <= g->clip.x2 && y >= g->clip.y1 && y <= g->clip.y2;
}

/* Blend c over the pixel with coverage a (0..255), times the global opacity. */
static inline void blend(akira_gfx_t *g, int32_t x, int32_t y, akira_color_t c, uint32_t a)
{
    if (!inclip(g, x, y)) return;
    a = a * g->opa / 255;
    if (!a) return;
    akira_color_t *p = at(g, x, y);
    *p = a >= 255 ? c : akira_color_mix(c, *p, (uint8_t)a);
}

/* Clip a box given in int32 to the clip; returns 0 when nothing is left. */
static int clip_box(const akira_gfx_t *g, int32_t x1, int32_t y1, int32_t x2, int32_t y2,
                    akira_area_t *out)
{
    if (x1 < g->clip.x1) x1 = g->clip.x1;
    if (y1 < g->clip.y1) y1 = g->clip.y1;
    if (x2 > g->clip.x2) x2 = g->clip.x2;
    if (y2 > g->clip.y2) y2 = g->clip.y2;
    if (x2 < x1 || y2 < y1) return 0;
    *out = (akira_area_t){(int16_t)x1, (int16_t)y1, (int16_t)x2, (int16_t)y2};
    return 1;
}

void akira_gfx_fill(akira_gfx_t *g, const akira_area_t *area, akira_color_t c)
{
    akira_area_t a;
    if (!area || !clip_box(g, area->x1, area->y1, area->x2, area->y2, &a)) return;
    int32_t w = akira_area_w(&a);
    for (int32_t y = a.y1; y <= a.y2; y++) {
        akira_color_t *p = at(g, a.x1, y);
        if (g->opa == 255) {
            for (int32_t i = 0; i < w; i++)
                p[i] = c;
        } else {
            for (int32_t i = 0; i < w; i++)
                p[i] = akira_color_mix(c, p[i], g->opa);
        }
    }
}

void akira_gfx_pixel(akira_gfx_t *g, int32_t x, int32_t y, akira_color_t c)
{
    blend(g, x, y, c, 255);
}

static inline float clampf(float v)
{
    return v < 0.f ? 0.f : v > 1.f ? 1.f : v;
}

void akira_gfx_line(akira_gfx_t *g, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int32_t width,
                    akira_color_t c)
{
    if (width < 1 || width > 64) return;
    /* far-off endpoints: nothing on screen can be further than the box below */
    const int32_t lim = 1 << 14;
    if (x0 < -lim || x0 > lim || x1 < -lim || x1 > lim || y0 < -lim || y0 > lim || y1 < -lim ||
        y1 > lim)
        return;
    if (width == 1) {
        int32_t dx = x1 > x0 ? x1 - x0 : x0 - x1, sx = x0 < x1 ? 1 : -1;
        int32_t dy = -(y1 > y0 ? y1 - y0 : y0 - y1), sy = y0 < y1 ? 1 : -1;
        int32_t err = dx + dy;
        for (;;) {
            blend(g, x0, y0, c, 255);
            if (x0 == x1 && y0 == y1) break;
            int32_t e2 = 2 * err;
            if (e2 >= dy) {
                err += dy;
                x0 += sx;
            }
            if (e2 <= dx) {
                err += dx;
                y0 += sy;
            }
        }
        return;
    }
    float hw = (float)width / 2.f;
    int32_t m = width / 2 + 2;
    akira_area_t b;
    if (!clip_box(g, (x0 < x1 ? x0 : x1) - m, (y0 < y1 ? y0 : y1) - m, (x0 > x1 ? x0 : x1) + m,
                  (y0 > y1 ? y0 : y1) + m, &b))
        return;
    float ax = (float)x0 + .5f, ay = (float)y0 + .5f, vx = (float)(x1 - x0), vy = (float)(y1 - y0);
    float len2 = vx * vx + vy * vy;
    for (int32_t y = b.y1; y <= b.y2; y++)
        for (int32_t x = b.x1; x <= b.x2; x++) {
            float px = (float)x + .5f - ax, py = (float)y + .5f - ay;
            float t = len2 > 0 ? (px * vx + py * vy) / len2 : 0.f;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            float dx = px - t * vx, dy = py - t * vy;
            float cov = clampf(hw - sqrtf(dx * dx + dy * dy) + .5f);
            if (cov > 0) blend(g, x, y, c, (uint32_t)(cov * 255.f));
        }
}

void akira_gfx_rect(akira_gfx_t *g, const akira_area_t *a, int32_t border, akira_color_t c)
{
    if (!a || border <= 0) return;
    int32_t w = akira_area_w(a), h = akira_area_h(a);
    if (!w || !h) return;
    if (border * 2 >= w || border * 2 >= h) {
        akira_gfx_fill(g, a, c);
        return;
    }
    akira_area_t s[4] = {
        {a->x1, a->y1, a->x2, (int16_t)(a->y1 + border - 1)},
        {a->x1, (int16_t)(a->y2 - border + 1), a->x2, a->y2},
        {a->x1, (int16_t)(a->y1 + border), (int16_t)(a->x1 + border - 1),
         (int16_t)(a->y2 - border)},
        {(int16_t)(a->x2 - border + 1), (int16_t)(a->y1 + border), a->x2,
         (int16_t)(a->y2 - border)},
    };
    for (int i = 0; i < 4; i++)
        akira_gfx_fill(g, &s[i], c);
}

/* Coverage (0..1) of pixel (x, y) by the rounded box [x1, x2+1) x [y1, y2+1) of radius r
 * (continuous coordinates, pixel centres at +0.5). */
static float rr_cov(float x, float y, float x1, float y1, float x2, float y2, float r)
{
    if (x2 <= x1 || y2 <= y1) return 0;
    float cx = x < x1 + r ? x1 + r : x > x2 - r ? x2 - r : x;
    float cy = y < y1 + r ? y1 + r : y > y2 - r ? y2 - r : y;
    if (cx == x && cy == y) /* not in a corner: a straight edge (or inside) */
        return clampf(x - x1 + .5f) * clampf(x2 - x + .5f) * clampf(y - y1 + .5f) *
               clampf(y2 - y + .5f);
    float dx = x - cx, dy = y - cy;
    return clampf(r - sqrtf(dx * dx + dy * dy) + .5f);
}

static void rr_draw(akira_gfx_t *g, const akira_area_t *a, float r, int32_t border, akira_color_t c)
{
    int32_t w = akira_area_w(a), h = akira_area_h(a);
    if (!w || !h) return;
    float half = (float)(w < h ? w : h) / 2.f;
    if (r > half) r = half;
    if (r < 0) r = 0;
    float x1 = a->x1, y1 = a->y1, x2 = (float)a->x2 + 1.f, y2 = (float)a->y2 + 1.f;
    int ring = border > 0 && border * 2 < (w < h ? w : h);
    float b = (float)border, ri = r - b < 0 ? 0 : r - b;
    int32_t ir = (int32_t)ceilf(r) + 1; /* rows/cols that may be partly covered */
    akira_area_t cb;
    if (!clip_box(g, a->x1, a->y1, a->x2, a->y2, &cb)) return;
    for (int32_t y = cb.y1; y <= cb.y2; y++) {
        int corner_row = y < a->y1 + ir || y > a->y2 - ir;
        int edge_row = ring && (y < a->y1 + border + 1 || y > a->y2 - border - 1);
        for (int32_t x = cb.x1; x <= cb.x2; x++) {
            float px = (float)x + .5f, py = (float)y + .5f;
            if (!corner_row && !edge_row && x >= a->x1 + ir && x <= a->x2 - ir &&
                (!ring || (x > a->x1 + border && x < a->x2 - border))) {
                if (!ring) {
                    blend(g, x, y, c, 255);
                } else if (x >= a->x1 + border + ir && x <= a->x2 - border - ir) {
                    /* inside the ring's hole: skip the rest of the straight part */
                    x = a->x2 - border - ir;
                }
                continue;
            }
            float cov = rr_cov(px, py, x1, y1, x2, y2, r);
            if (ring && cov > 0) cov -= rr_cov(px, py, x1 + b, y1 + b, x2 - b, y2 - b, ri);
            if (cov > 0.002f) blend(g, x, y, c, (uint32_t)(cov * 255.f + .5f));
        }
    }
}

void akira_gfx_rrect(akira_gfx_t *g, const akira_area_t *a, int32_t radius, int32_t border,
                     akira_color_t c)
{
    if (!a || radius < 0 || border < 0) return;
    if (radius == 0) {
        if (border)
            akira_gfx_rect(g, a, border, c);
        else
            akira_gfx_fill(g, a, c);
        return;
    }
    rr_draw(g, a, (float)radius, border, c);
}

void akira_gfx_circle(akira_gfx_t *g, int32_t cx, int32_t cy, int32_t r, int32_t border,
                      akira_color_t c)
{
    if (r < 0 || r > 4096 || border < 0) return;
    if (cx < -8192 || cx > 8192 || cy < -8192 || cy > 8192) return;
    akira_area_t a = {(int16_t)(cx - r), (int16_t)(cy - r), (int16_t)(cx + r), (int16_t)(cy + r)};
    rr_draw(g, &a, (float)r + .5f, border, c);
}

void akira_gfx_arc(akira_gfx_t *g, int32_t cx, int32_t cy, int32_t r, int32_t w, int32_t a0,
                   int32_t a1, int round, akira_color_t c)
{
    if (r <= 0 || r > 4096 || w <= 0 || cx < -8192 || cx > 8192 || cy < -8192 || cy > 8192) return;
    if (w > r) w = r;
    a0 %= 360;
    a1 %= 360;
    if (a0 < 0) a0 += 360;
    if (a1 < 0) a1 += 360;
    int full = a0 == a1;
    float span = (float)(a1 >= a0 ? a1 - a0 : a1 + 360 - a0);
    float ro = (float)r + .5f, ri = ro - (float)w;
    float ox = (float)cx + .5f, oy = (float)cy + .5f;
    akira_area_t b;
    if (!clip_box(g, cx - r - 1, cy - r - 1, cx + r + 1, cy + r + 1, &b)) return;
    const float deg = 57.29578f;
    for (int32_t y = b.y1; y <= b.y2; y++)
        for (int32_t x = b.x1; x <= b.x2; x++) {
            float dx = (float)x + .5f - ox, dy = (float)y + .5f - oy;
            float d = sqrtf(dx * dx + dy * dy);
            float cov = clampf(ro - d + .5f) * clampf(d - ri + .5f);
            if (cov <= 0) continue;
            if (!full) {
                float ang = atan2f(dy, dx) * deg;
                if (ang < 0) ang += 360.f;
                float rel = ang - (float)a0;
                if (rel < 0) rel += 360.f;
                /* distance in pixels outside the angular range, along the circle */
                float out = 0;
                if (rel > span) {
                    float past = rel - span, before = 360.f - rel;
                    out = (past < before ? past : before) / deg * d;
                    cov *= clampf(.5f - out);
                } else {
                    float in = (rel < span - rel ? rel : span - rel) / deg * d;
                    cov *= clampf(in + .5f);
                }
                if (cov <= 0) continue;
            }
            blend(g, x, y, c, (uint32_t)(cov * 255.f + .5f));
        }
    if (round && !full) {
        float rm = ((float)r - (float)w / 2.f);
        int32_t hw = w / 2;
        for (int e = 0; e < 2; e++) {
            float ang = (float)(e ? a1 : a0) / deg;
            int32_t ex = (int32_t)lroundf((float)cx + rm * cosf(ang));
            int32_t ey = (int32_t)lroundf((float)cy + rm * sinf(ang));
            akira_gfx_circle(g, ex, ey, hw, 0, c);
        }
    }
}

static int64_t edge(int32_t ax, int32_t ay, int32_t bx, int32_t by, int32_t px, int32_t py)
{
    return (int64_t)(bx - ax) * (py - ay) - (int64_t)(by - ay) * (px - ax);
}

void akira_gfx_triangle(akira_gfx_t *g, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int32_t x2,
                        int32_t y2, int filled, akira_color_t c)
{
    if (!filled) {
        akira_gfx_line(g, x0, y0, x1, y1, 1, c);
        akira_gfx_line(g, x1, y1, x2, y2, 1, c);
        akira_gfx_line(g, x2, y2, x0, y0, 1, c);
        return;
    }
    const int32_t lim = 1 << 14;
    if (x0 < -lim || x0 > lim || x1 < -lim || x1 > lim || x2 < -lim || x2 > lim || y0 < -lim ||
        y0 > lim || y1 < -lim || y1 > lim || y2 < -lim || y2 > lim)
        return;
    int32_t minx = x0 < x1 ? (x0 < x2 ? x0 : x2) : (x1 < x2 ? x1 : x2);
    int32_t maxx = x0 > x1 ? (x0 > x2 ? x0 : x2) : (x1 > x2 ? x1 : x2);
    int32_t miny = y0 < y1 ? (y0 < y2 ? y0 : y2) : (y1 < y2 ? y1 : y2);
    int32_t maxy = y0 > y1 ? (y0 > y2 ? y0 : y2) : (y1 > y2 ? y1 : y2);
    akira_area_t b;
    if (!clip_box(g, minx, miny, maxx, maxy, &b)) return;
    int64_t area = edge(x0, y0, x1, y1, x2, y2);
    if (area == 0) {
        akira_gfx_triangle(g, x0, y0, x1, y1, x2, y2, 0, c);
        return;
    }
    for (int32_t y = b.y1; y <= b.y2; y++)
        for (int32_t x = b.x1; x <= b.x2; x++) {
            int64_t w0 = edge(x1, y1, x2, y2, x, y), w1 = edge(x2, y2, x0, y0, x, y),
                    w2 = edge(x0, y0, x1, y1, x, y);
            if (area < 0) {
                w0 = -w0;
                w1 = -w1;
                w2 = -w2;
            }
            if (w0 >= 0 && w1 >= 0 && w2 >= 0) blend(g, x, y, c, 255);
        }
}

/* Checks shared by the bitmaps: 1 with the visible box in *b, 0 when nothing shows, or
 * a negative error. */
static int bitmap_box(akira_gfx_t *g, int32_t x, int32_t y, int32_t w, int32_t h, int32_t stride,
                      akira_area_t *b)
{
    if (w < 0 || h < 0 || stride < w) return AKIRA_EINVAL;
    if (w > BITMAP_MAX || h > BITMAP_MAX) return AKIRA_ETOOBIG;
    return w && h && x >= -FAR && x <= FAR && y >= -FAR && y <= FAR &&
           clip_box(g, x, y, x + w - 1, y + h - 1, b);
}

int akira_gfx_bitmap(akira_gfx_t *g, int32_t x, int32_t y, int32_t w, int32_t h,
                     const akira_color_t *px, int32_t stride, const akira_color_t *key)
{
    akira_area_t b;
    if (!px) return AKIRA_EINVAL;
    int r = bitmap_box(g, x, y, w, h, stride, &b);
    if (r <= 0) return r;
    for (int32_t yy = b.y1; yy <= b.y2; yy++) {
        const akira_color_t *src = px + (size_t)(yy - y) * (size_t)stride;
        for (int32_t xx = b.x1; xx <= b.x2; xx++) {
            akira_color_t c = src[xx - x];
            if (key && c == *key) continue;
            blend(g, xx, yy, c, 255);
        }
    }
    return AKIRA_OK;
}

int akira_gfx_bitmap_indexed(akira_gfx_t *g, int32_t x, int32_t y, int32_t w, int32_t h,
                             const uint8_t *idx, int32_t stride, const akira_color_t *palette,
                             int32_t ncolors, int32_t transparent)
{
    akira_area_t b;
    if (!idx || !palette || ncolors <= 0 || ncolors > 256) return AKIRA_EINVAL;
    int r = bitmap_box(g, x, y, w, h, stride, &b);
    if (r <= 0) return r;
    for (int32_t yy = b.y1; yy <= b.y2; yy++) {
        const uint8_t *src = idx + (size_t)(yy - y) * (size_t)stride;
        for (int32_t xx = b.x1; xx <= b.x2; xx++) {
            int32_t i = src[xx - x];
            if (i >= ncolors || i == transparent) continue;
            blend(g, xx, yy, palette[i], 255);
        }
    }
    return AKIRA_OK;
}

int akira_gfx_draw(akira_gfx_t *g, const akira_area_t *area, akira_color_t bg,
                   akira_gfx_draw_fn draw, void *arg)
{
    akira_area_t s = screen_area(g), a;
    if (!area || !draw) return AKIRA_EINVAL;
    if (!akira_area_intersect(&a, area, &s)) return AKIRA_OK;
    int32_t rows = akira_gfx_band_rows(g, akira_area_w(&a));
    for (int32_t y = a.y1; y <= a.y2; y += rows) {
        akira_area_t band = {a.x1, (int16_t)y, a.x2,
                             (int16_t)(y + rows - 1 > a.y2 ? a.y2 : y + rows - 1)};
        int err = akira_gfx_band_begin(g, &band);
        if (err) return err;
        if (!g->port->read || g->port->read(g->port->ctx, &g->band, g->buf) != 0) {
            uint8_t opa = g->opa;
            g->opa = 255;
            akira_gfx_fill(g, &g->band, bg);
            g->opa = opa;
        }
        err = draw(g, arg);
        if (err < 0) return err;
        err = akira_gfx_band_flush(g);
        if (err) return err;
    }
    return AKIRA_OK;
}

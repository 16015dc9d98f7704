/*
 * Software renderer of the UI layer: RGB565 drawing into a band buffer.
 *
 * The renderer never holds a framebuffer. The caller gives it a small buffer (a band:
 * some rows of the screen, or any rectangle that fits the buffer); drawing functions
 * write only the pixels that fall inside both the band and the clip rectangle, so
 * anything outside the screen, the band or the clip is silently clipped, never written.
 * A finished band goes to the display through the port's flush callback.
 *
 * Coordinates are screen pixels, int16_t; areas are inclusive (x1..x2, y1..y2), so an
 * area with x2 < x1 or y2 < y1 is empty. Colors are RGB565 in host order.
 *
 * Threads: a akira_gfx_t is not locked; one thread (the UI thread) uses it at a time.
 * Portable C, no OS calls, no allocation.
 */
#ifndef AKIRA_GFX_H
#define AKIRA_GFX_H

#include <stddef.h>
#include <stdint.h>

#include "akira/err.h"

typedef uint16_t akira_color_t; /* RGB565: rrrrrggggggbbbbb */

#define AKIRA_RGB(r, g, b)                                                                         \
    ((akira_color_t)((((unsigned)(r)&0xF8u) << 8) | (((unsigned)(g)&0xFCu) << 3) |                 \
                     ((unsigned)(b) >> 3)))

typedef struct akira_area {
    int16_t x1, y1, x2, y2; /* inclusive corners */
} akira_area_t;

/* Width and height of an area (0 when empty). */
static inline int32_t akira_area_w(const akira_area_t *a)
{
    return a->x2 >= a->x1 ? (int32_t)a->x2 - a->x1 + 1 : 0;
}
static inline int32_t akira_area_h(const akira_area_t *a)
{
    return a->y2 >= a->y1 ? (int32_t)a->y2 - a->y1 + 1 : 0;
}
/* out = a ∩ b; returns 1 when the intersection is not empty (out is then valid). */
int akira_area_intersect(akira_area_t *out, const akira_area_t *a, const akira_area_t *b);
/* out = smallest area holding a and b (an empty a or b is ignored). */
void akira_area_union(akira_area_t *out, const akira_area_t *a, const akira_area_t *b);

/*
 * The display port: what the renderer needs of a display. The disp layer binds it to the
 * display driver; tests bind it to an in-RAM framebuffer.
 *   flush: write the w*h pixels (row-major, stride = area width) to that screen area.
 *          Called on the UI thread; returns 0 or a negative akira_err_t, which the
 *          renderer passes back to its caller (the band is then lost, nothing else).
 *   read:  optional (NULL if the panel cannot be read): fetch the current pixels of an
 *          area, so immediate drawing (akira_gfx_draw_begin) blends anti-aliased edges
 *          with what is on the screen. Without it the band starts from the given
 *          background color.
 */
typedef struct akira_gfx_port {
    uint16_t width, height; /* panel size in pixels */
    void *ctx;
    int (*flush)(void *ctx, const akira_area_t *area, const akira_color_t *pixels);
    int (*read)(void *ctx, const akira_area_t *area, akira_color_t *pixels);
} akira_gfx_port_t;

/* A renderer: the port, the band buffer, the band it holds now and the clip. */
typedef struct akira_gfx {
    const akira_gfx_port_t *port;
    akira_color_t *buf; /* caller's band buffer */
    size_t cap;         /* its size in pixels */
    akira_area_t band;  /* screen area the buffer holds now (stride = its width) */
    akira_area_t clip;  /* drawing limit, always within band and screen */
    uint8_t opa;        /* global opacity 0..255 applied to every primitive */
} akira_gfx_t;

/*
 * Bind a renderer to a port and a band buffer of `pixels` pixels (at least one screen
 * row, port->width). EINVAL for a NULL port/flush/buffer, a zero-size panel or a buffer
 * smaller than one row. The buffer stays the caller's; it must outlive the renderer.
 */
int akira_gfx_init(akira_gfx_t *g, const akira_gfx_port_t *port, akira_color_t *buf, size_t pixels);

/* Rows of a band of width w that fit the buffer (>= 1 for w <= port width). */
int32_t akira_gfx_band_rows(const akira_gfx_t *g, int32_t w);

/*
 * Start a band: the buffer now stands for `area` (clipped to the screen), the clip is
 * reset to it. The area must fit the buffer (w*h <= cap): ETOOBIG otherwise, EINVAL if
 * it lies wholly off screen. The pixels are undefined until drawn (fill first).
 */
int akira_gfx_band_begin(akira_gfx_t *g, const akira_area_t *area);
/* Send the band to the port's flush; returns what flush returned. */
int akira_gfx_band_flush(akira_gfx_t *g);

/* Narrow the clip to `area` ∩ band ∩ screen (an empty result draws nothing). The old
 * clip is stored in *saved (may be NULL) for akira_gfx_clip_restore. */
void akira_gfx_clip_push(akira_gfx_t *g, const akira_area_t *area, akira_area_t *saved);
void akira_gfx_clip_restore(akira_gfx_t *g, const akira_area_t *saved);

/* Mix two colors: mix = 0 gives bg, 255 gives fg. */
akira_color_t akira_color_mix(akira_color_t fg, akira_color_t bg, uint8_t mix);

/* ---- primitives: draw into the band, clipped; none can fail (bad sizes draw nothing) */
void akira_gfx_fill(akira_gfx_t *g, const akira_area_t *area, akira_color_t c);
void akira_gfx_pixel(akira_gfx_t *g, int32_t x, int32_t y, akira_color_t c);
/* A line of `width` pixels (1..64), anti-aliased when width > 1. */
void akira_gfx_line(akira_gfx_t *g, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int32_t width,
                    akira_color_t c);
/* Outline of `border` pixels inside the area. */
void akira_gfx_rect(akira_gfx_t *g, const akira_area_t *area, int32_t border, akira_color_t c);
/* Rounded rectangle with anti-aliased corners; radius is clamped to half the short side.
 * border == 0 fills it; border > 0 draws only a ring of that width. */
void akira_gfx_rrect(akira_gfx_t *g, const akira_area_t *area, int32_t radius, int32_t border,
                     akira_color_t c);
/* Circle centre (cx, cy), radius r; border 0 = filled disc, else a ring; anti-aliased. */
void akira_gfx_circle(akira_gfx_t *g, int32_t cx, int32_t cy, int32_t r, int32_t border,
                      akira_color_t c);
/* Arc of a ring (radius r, width w) from angle a0 to a1 in degrees, 0 = 3 o'clock,
 * clockwise on screen; a1 < a0 wraps through 360. Round ends when `round` != 0. */
void akira_gfx_arc(akira_gfx_t *g, int32_t cx, int32_t cy, int32_t r, int32_t w, int32_t a0,
                   int32_t a1, int round, akira_color_t c);
void akira_gfx_triangle(akira_gfx_t *g, int32_t x0, int32_t y0, int32_t x1, int32_t y1, int32_t x2,
                        int32_t y2, int filled, akira_color_t c);

/*
 * Bitmaps. `stride` is in pixels (>= w). A bitmap larger than 4096 in either side is
 * refused (ETOOBIG) before anything is read; otherwise it is clipped like any primitive
 * and only the visible part of `px` is read. With `key` != NULL, pixels equal to *key
 * are transparent.
 */
int akira_gfx_bitmap(akira_gfx_t *g, int32_t x, int32_t y, int32_t w, int32_t h,
                     const akira_color_t *px, int32_t stride, const akira_color_t *key);
/* Indexed bitmap: one byte per pixel, index into palette[ncolors]; indices >= ncolors
 * and the index `transparent` (-1 for none) are not drawn. EINVAL for no palette. */
int akira_gfx_bitmap_indexed(akira_gfx_t *g, int32_t x, int32_t y, int32_t w, int32_t h,
                             const uint8_t *idx, int32_t stride, const akira_color_t *palette,
                             int32_t ncolors, int32_t transparent);

/*
 * Immediate drawing (for apps that draw themselves): run `draw` once per band covering
 * `area` (clipped to the screen): each band is preloaded from port->read if the port
 * has it, else filled with `bg`, drawn by the callback (any primitives, any coordinates:
 * the band clips them) and flushed. Returns 0, or the first error of flush/draw.
 */
typedef int (*akira_gfx_draw_fn)(akira_gfx_t *g, void *arg);
int akira_gfx_draw(akira_gfx_t *g, const akira_area_t *area, akira_color_t bg,
                   akira_gfx_draw_fn draw, void *arg);

#endif /* AKIRA_GFX_H */

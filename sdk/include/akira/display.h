/*
 * AkiraOS app SDK - module "display": raw drawing, capability "display".
 *
 * One app at a time owns the display: the one in front (chosen from the launcher or
 * with `app focus NAME`; an app whose first call finds the display free takes it).
 * Every other app draws into nothing and gets AKIRA_EBUSY; AKIRA_EVENT_FOCUS (lifecycle
 * events, a = 1 gained, 0 lost) says when that changes. The app in front begins on a
 * black screen.
 *
 * Drawing goes to a back buffer; akira_display_flush() shows what changed (the system
 * also shows it 50 ms after the last draw when the app does not flush). Colors are
 * RGB565 (AKIRA_RGB565 below). Anything off the screen is clipped; coordinates beyond
 * +-8192 are clamped. Errors: AKIRA_EBUSY, AKIRA_EACCES (no capability), AKIRA_EFAULT
 * (text or pixels outside memory), AKIRA_EINVAL, AKIRA_ETOOBIG (a bitmap side > 4096).
 */
#ifndef AKIRA_SDK_DISPLAY_H
#define AKIRA_SDK_DISPLAY_H

#include <akira/common.h>

#define AKIRA_RGB565(r, g, b)                                                                      \
    ((uint32_t)((((r)&0xF8u) << 8) | (((g)&0xFCu) << 3) | ((uint32_t)(b) >> 3)))
#define AKIRA_BLACK  0x0000u
#define AKIRA_WHITE  0xFFFFu
#define AKIRA_RED    0xF800u
#define AKIRA_GREEN  0x07E0u
#define AKIRA_BLUE   0x001Fu
#define AKIRA_YELLOW 0xFFE0u
#define AKIRA_CYAN   0x07FFu
#define AKIRA_GRAY   0x7BEFu

struct akira_display_size {
    uint32_t width, height;
};

AKIRA_IMPORT("display_clear") int32_t akira_display_clear(uint32_t color);
AKIRA_IMPORT("display_pixel") int32_t akira_display_pixel(int32_t x, int32_t y, uint32_t color);
AKIRA_IMPORT("display_line")
int32_t akira_display_line(int32_t x0, int32_t y0, int32_t x1, int32_t y1, uint32_t color);
/* Filled; w or h <= 0 draws nothing. */
AKIRA_IMPORT("display_rect")
int32_t akira_display_rect(int32_t x, int32_t y, int32_t w, int32_t h, uint32_t color);
AKIRA_IMPORT("display_rect_outline")
int32_t akira_display_rect_outline(int32_t x, int32_t y, int32_t w, int32_t h, uint32_t color);
AKIRA_IMPORT("display_rounded_rect")
int32_t akira_display_rounded_rect(int32_t x, int32_t y, int32_t w, int32_t h, int32_t r,
                                   uint32_t color);
AKIRA_IMPORT("display_rounded_rect_fill")
int32_t akira_display_rounded_rect_fill(int32_t x, int32_t y, int32_t w, int32_t h, int32_t r,
                                        uint32_t color);
AKIRA_IMPORT("display_circle")
int32_t akira_display_circle(int32_t cx, int32_t cy, int32_t r, uint32_t color);
AKIRA_IMPORT("display_circle_fill")
int32_t akira_display_circle_fill(int32_t cx, int32_t cy, int32_t r, uint32_t color);
AKIRA_IMPORT("display_triangle")
int32_t akira_display_triangle(int32_t x0, int32_t y0, int32_t x1, int32_t y1, int32_t x2,
                               int32_t y2, uint32_t color);
AKIRA_IMPORT("display_triangle_fill")
int32_t akira_display_triangle_fill(int32_t x0, int32_t y0, int32_t x1, int32_t y1, int32_t x2,
                                    int32_t y2, uint32_t color);
/* len bytes of UTF-8 (at most 256) in the system font of size_px (12, 16, 24; 0: 16),
 * (x, y) the top-left of the line, anti-aliased. Returns the x after the text. */
AKIRA_IMPORT("display_text")
int32_t akira_display_text(int32_t x, int32_t y, const char *text, uint32_t len, int32_t size_px,
                           uint32_t color);
AKIRA_IMPORT("display_text_width")
int32_t akira_display_text_width(const char *text, uint32_t len, int32_t size_px);
/* w x h RGB565 pixels, row-major, 2-byte aligned, len >= w*h*2. */
AKIRA_IMPORT("display_bitmap")
int32_t akira_display_bitmap(int32_t x, int32_t y, int32_t w, int32_t h, const uint16_t *px,
                             uint32_t len);
/* As above; pixels equal to key are not drawn. */
AKIRA_IMPORT("display_bitmap_key")
int32_t akira_display_bitmap_key(int32_t x, int32_t y, int32_t w, int32_t h, const uint16_t *px,
                                 uint32_t len, uint32_t key);
AKIRA_IMPORT("display_flush") int32_t akira_display_flush(void);
/* Needs no ownership: lay out before you are in front. */
AKIRA_IMPORT("display_size") int32_t akira_display_size(struct akira_display_size *out);

#endif /* AKIRA_SDK_DISPLAY_H */

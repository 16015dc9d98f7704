/*
 * Bitmap fonts of the UI layer and anti-aliased text drawing.
 *
 * The fonts are generated at build time by ui/tools/fontgen (FreeType rendering of
 * DejaVu Sans, both from Debian) into const data: Latin-1 (U+0020..U+007E,
 * U+00A0..U+00FF) plus the symbols the widgets draw (AKIRA_SYM_*), 4-bit coverage per
 * pixel, each glyph compressed with the run-length code below. Text is UTF-8; a code
 * point the font lacks is drawn as '?' (malformed UTF-8 bytes likewise), never skipped
 * silently and never read past the string.
 *
 * Glyph data code (one byte per token, decoded row-major over the glyph box):
 *   0x00..0x3F  run of (n + 1) pixels of coverage 0   (n = byte & 0x3F)
 *   0x40..0x7F  run of (n + 1) pixels of coverage 15
 *   0x80..0xFF  (n + 1) literal pixels follow (n = byte & 0x7F), two per byte, the
 *               first in the high nibble (an odd count leaves the last low nibble 0)
 *
 * Threads: fonts are const; any thread may measure. Drawing goes through an akira_gfx_t
 * (one thread at a time).
 */
#ifndef AKIRA_FONT_H
#define AKIRA_FONT_H

#include <stdint.h>

#include "akira/gfx.h"

typedef struct akira_font_glyph {
    uint16_t cp;     /* Unicode code point (BMP; table sorted by it) */
    uint16_t offset; /* start of its tokens in font->data (fontgen keeps a font < 64 KiB) */
    uint8_t w, h;    /* box size in pixels */
    int8_t ox, oy;   /* box origin: x from the pen, y from the baseline (up = negative) */
    uint8_t adv;     /* pen advance in pixels */
} akira_font_glyph_t;

typedef struct akira_font {
    const char *name;
    uint8_t size;        /* pixel size asked of FreeType */
    uint8_t line_height; /* baseline to baseline */
    uint8_t ascent;      /* baseline below the line top */
    uint16_t count;
    const akira_font_glyph_t *glyphs;
    const uint8_t *data;
    uint32_t data_size; /* compressed bytes */
    uint32_t raw_size;  /* the same glyphs at 4 bits per pixel, uncompressed */
} akira_font_t;

/* The built-in fonts: 12, 16 and 24 pixels (the UI default is 16). */
extern const akira_font_t akira_font_sans12;
extern const akira_font_t akira_font_sans16;
extern const akira_font_t akira_font_sans24;
/* All built-in fonts, smallest first, NULL-terminated (for lookup by size). */
extern const akira_font_t *const akira_fonts[];

/* Symbols the widgets use, as UTF-8 strings (every one is in every built-in font). */
#define AKIRA_SYM_CHECK     "\xE2\x9C\x93" /* U+2713 check mark */
#define AKIRA_SYM_CLOSE     "\xE2\x9C\x95" /* U+2715 multiplication x */
#define AKIRA_SYM_LEFT      "\xE2\x97\x80" /* U+25C0 */
#define AKIRA_SYM_RIGHT     "\xE2\x96\xB6" /* U+25B6 */
#define AKIRA_SYM_UP        "\xE2\x96\xB2" /* U+25B2 */
#define AKIRA_SYM_DOWN      "\xE2\x96\xBC" /* U+25BC */
#define AKIRA_SYM_BULLET    "\xE2\x80\xA2" /* U+2022 */
#define AKIRA_SYM_ELLIPSIS  "\xE2\x80\xA6" /* U+2026 */
#define AKIRA_SYM_BACKSPACE "\xE2\x8C\xAB" /* U+232B */
#define AKIRA_SYM_ENTER     "\xE2\x86\xB5" /* U+21B5 */
#define AKIRA_SYM_MENU      "\xE2\x98\xB0" /* U+2630 */
#define AKIRA_SYM_SETTINGS  "\xE2\x9A\x99" /* U+2699 */
#define AKIRA_SYM_WARNING   "\xE2\x9A\xA0" /* U+26A0 */
#define AKIRA_SYM_PLAY      "\xE2\x96\xB6" /* U+25B6 */
#define AKIRA_SYM_STOP      "\xE2\x96\xA0" /* U+25A0 */
#define AKIRA_SYM_STAR      "\xE2\x98\x85" /* U+2605 */
#define AKIRA_SYM_HOME      "\xE2\x8C\x82" /* U+2302 */
#define AKIRA_SYM_SHIFT     "\xE2\x87\xA7" /* U+21E7 */
#define AKIRA_SYM_ARROW_L   "\xE2\x86\x90" /* U+2190 */
#define AKIRA_SYM_ARROW_R   "\xE2\x86\x92" /* U+2192 */

/* Font for a pixel size: the largest built-in font not larger than px (the smallest
 * for px below it). Never NULL. */
const akira_font_t *akira_font_for_size(int32_t px);

/* Glyph of a code point, or NULL if the font lacks it. */
const akira_font_glyph_t *akira_font_glyph(const akira_font_t *f, uint32_t cp);

/* Decode one UTF-8 code point at s (at most `len` bytes); returns the bytes used (>= 1
 * when len >= 1) and stores U+FFFD in *cp for malformed input. */
int32_t akira_utf8_next(const char *s, int32_t len, uint32_t *cp);

/* Width in pixels of `len` bytes of text (len < 0: up to the NUL) on one line. */
int32_t akira_font_text_width(const akira_font_t *f, const char *s, int32_t len);

/*
 * Draw `len` bytes (len < 0: up to the NUL) of text on one line, top-left of the line
 * box at (x, y), anti-aliased against what the band holds, clipped. Returns the x after
 * the last glyph. '\n' is not interpreted here (the label widget wraps lines).
 */
int32_t akira_gfx_text(akira_gfx_t *g, const akira_font_t *f, int32_t x, int32_t y, const char *s,
                       int32_t len, akira_color_t c);

#endif /* AKIRA_FONT_H */

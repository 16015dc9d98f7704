/* Font lookup, UTF-8 decoding and anti-aliased text through the band renderer. */
#include "akira/font.h"

const akira_font_t *const akira_fonts[] = {&akira_font_sans12, &akira_font_sans16,
                                           &akira_font_sans24, NULL};

const akira_font_t *akira_font_for_size(int32_t px)
{
    const akira_font_t *best = akira_fonts[0];
    for (int i = 0; akira_fonts[i]; i++)
        if (akira_fonts[i]->size <= px) best = akira_fonts[i];
    return best;
}

const akira_font_glyph_t *akira_font_glyph(const akira_font_t *f, uint32_t cp)
{
    if (cp > 0xFFFF) return NULL;
    int32_t lo = 0, hi = (int32_t)f->count - 1;
    while (lo <= hi) {
        int32_t mid = (lo + hi) / 2;
        if (f->glyphs[mid].cp == cp) return &f->glyphs[mid];
        if (f->glyphs[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

int32_t akira_utf8_next(const char *s, int32_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len <= 0) {
        *cp = 0xFFFD;
        return 0;
    }
    uint32_t c = u[0];
    int32_t n;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2;
        c &= 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        c &= 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (n > len) {
        *cp = 0xFFFD;
        return 1;
    }
    for (int32_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return i;
        }
        c = c << 6 | (u[i] & 0x3F);
    }
    *cp = (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) ? 0xFFFD : c;
    return n;
}

static const akira_font_glyph_t *glyph_or_q(const akira_font_t *f, uint32_t cp)
{
    const akira_font_glyph_t *gl = akira_font_glyph(f, cp);
    return gl ? gl : akira_font_glyph(f, '?');
}

static int32_t text_len(const char *s, int32_t len)
{
    if (len >= 0) return len;
    int32_t n = 0;
    while (s[n])
        n++;
    return n;
}

int32_t akira_font_text_width(const akira_font_t *f, const char *s, int32_t len)
{
    if (!f || !s) return 0;
    len = text_len(s, len);
    int32_t w = 0;
    for (int32_t i = 0; i < len;) {
        uint32_t cp;
        i += akira_utf8_next(s + i, len - i, &cp);
        w += glyph_or_q(f, cp)->adv;
    }
    return w;
}

/* Decode the glyph's tokens row-major and blend each covered pixel that is in the clip. */
static void draw_glyph(akira_gfx_t *g, const akira_font_t *f, const akira_font_glyph_t *gl,
                       int32_t x0, int32_t y0, akira_color_t c)
{
    if (x0 > g->clip.x2 || y0 > g->clip.y2 || x0 + gl->w <= g->clip.x1 || y0 + gl->h <= g->clip.y1)
        return;
    const uint8_t *p = f->data + gl->offset;
    int32_t total = (int32_t)gl->w * gl->h, i = 0;
    while (i < total) {
        uint8_t t = *p++;
        int32_t n, lit = 0, v = 0;
        if (t < 0x80) {
            n = (t & 0x3F) + 1;
            v = t < 0x40 ? 0 : 15;
        } else {
            n = (t & 0x7F) + 1;
            lit = 1;
        }
        for (int32_t k = 0; k < n && i < total; k++, i++) {
            if (lit) v = (k & 1) ? (p[k / 2] & 15) : (p[k / 2] >> 4);
            if (!v) continue;
            int32_t x = x0 + i % gl->w, y = y0 + i / gl->w;
            if (x < g->clip.x1 || x > g->clip.x2 || y < g->clip.y1 || y > g->clip.y2) continue;
            uint32_t a = (uint32_t)v * 17 * g->opa / 255;
            akira_color_t *d = g->buf + (size_t)(y - g->band.y1) * (size_t)akira_area_w(&g->band) +
                               (size_t)(x - g->band.x1);
            *d = akira_color_mix(c, *d, (uint8_t)a);
        }
        if (lit) p += (n + 1) / 2;
        /* rows entirely below the clip are not needed */
        if (y0 + i / (gl->w ? gl->w : 1) > g->clip.y2) break;
    }
}

int32_t akira_gfx_text(akira_gfx_t *g, const akira_font_t *f, int32_t x, int32_t y, const char *s,
                       int32_t len, akira_color_t c)
{
    if (!g || !f || !s) return x;
    len = text_len(s, len);
    if (y > g->clip.y2 || y + f->line_height < g->clip.y1)
        return x + akira_font_text_width(f, s, len);
    int32_t base = y + f->ascent;
    for (int32_t i = 0; i < len;) {
        uint32_t cp;
        i += akira_utf8_next(s + i, len - i, &cp);
        const akira_font_glyph_t *gl = glyph_or_q(f, cp);
        if (x > g->clip.x2) {
            x += gl->adv;
            continue;
        }
        if (gl->w && gl->h) draw_glyph(g, f, gl, x + gl->ox, base + gl->oy, c);
        x += gl->adv;
    }
    return x;
}

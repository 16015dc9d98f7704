/* Unit tests of the band renderer and the fonts: clipping, primitives, bitmaps, text. */
#include "akira/font.h"
#include "akira/gfx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define W      64
#define H      48
#define GUARD  64
#define CANARY 0x5A5A

typedef struct {
    akira_color_t mem[GUARD + W * 8 + GUARD]; /* an 8-row band with canaries around */
    akira_color_t screen[W * H];
    akira_gfx_port_t port;
    akira_gfx_t g;
    int flushes;
} rig_t;

static int flush(void *ctx, const akira_area_t *a, const akira_color_t *px)
{
    rig_t *r = ctx;
    int32_t w = akira_area_w(a);
    for (int32_t y = a->y1; y <= a->y2; y++)
        memcpy(&r->screen[y * W + a->x1], px + (y - a->y1) * w, (size_t)w * 2);
    r->flushes++;
    return 0;
}

static int read_px(void *ctx, const akira_area_t *a, akira_color_t *px)
{
    rig_t *r = ctx;
    int32_t w = akira_area_w(a);
    for (int32_t y = a->y1; y <= a->y2; y++)
        memcpy(px + (y - a->y1) * w, &r->screen[y * W + a->x1], (size_t)w * 2);
    return 0;
}

static rig_t *rig(int with_read)
{
    rig_t *r = calloc(1, sizeof *r);
    for (int i = 0; i < GUARD; i++)
        r->mem[i] = r->mem[GUARD + W * 8 + i] = CANARY;
    r->port = (akira_gfx_port_t){W, H, r, flush, with_read ? read_px : NULL};
    assert_int_equal(akira_gfx_init(&r->g, &r->port, r->mem + GUARD, W * 8), 0);
    return r;
}

static void canaries(rig_t *r)
{
    for (int i = 0; i < GUARD; i++) {
        assert_int_equal(r->mem[i], CANARY);
        assert_int_equal(r->mem[GUARD + W * 8 + i], CANARY);
    }
}

static akira_color_t px(rig_t *r, int x, int y)
{
    return r->g.buf[(y - r->g.band.y1) * akira_area_w(&r->g.band) + (x - r->g.band.x1)];
}

static void begin(rig_t *r, int16_t x1, int16_t y1, int16_t x2, int16_t y2)
{
    akira_area_t a = {x1, y1, x2, y2};
    assert_int_equal(akira_gfx_band_begin(&r->g, &a), 0);
    akira_gfx_fill(&r->g, &a, 0);
}

static void init_errors(void **s)
{
    (void)s;
    akira_gfx_t g;
    akira_color_t buf[W];
    akira_gfx_port_t p = {W, H, NULL, flush, NULL};
    assert_int_equal(akira_gfx_init(&g, NULL, buf, W), AKIRA_EINVAL);
    assert_int_equal(akira_gfx_init(&g, &p, NULL, W), AKIRA_EINVAL);
    assert_int_equal(akira_gfx_init(&g, &p, buf, W - 1), AKIRA_EINVAL); /* less than a row */
    akira_gfx_port_t nf = {W, H, NULL, NULL, NULL};
    assert_int_equal(akira_gfx_init(&g, &nf, buf, W), AKIRA_EINVAL);
    assert_int_equal(akira_gfx_init(&g, &p, buf, W), 0);
    akira_area_t big = {0, 0, W - 1, 1};
    assert_int_equal(akira_gfx_band_begin(&g, &big), AKIRA_ETOOBIG);
    akira_area_t off = {W + 10, 0, W + 20, 0};
    assert_int_equal(akira_gfx_band_begin(&g, &off), AKIRA_EINVAL);
    assert_int_equal(akira_gfx_band_flush(&g), AKIRA_ESTATE); /* no band yet */
}

static void fill_clips_to_band(void **s)
{
    (void)s;
    rig_t *r = rig(0);
    begin(r, 0, 8, W - 1, 15);
    akira_area_t huge = {-30000, -30000, 30000, 30000};
    akira_gfx_fill(&r->g, &huge, 0xFFFF);
    canaries(r);
    assert_int_equal(px(r, 0, 8), 0xFFFF);
    assert_int_equal(px(r, W - 1, 15), 0xFFFF);
    /* a clip narrows it */
    begin(r, 0, 8, W - 1, 15);
    akira_area_t c = {10, 10, 12, 11}, saved;
    akira_gfx_clip_push(&r->g, &c, &saved);
    akira_gfx_fill(&r->g, &huge, 0x1234);
    akira_gfx_clip_restore(&r->g, &saved);
    assert_int_equal(px(r, 10, 10), 0x1234);
    assert_int_equal(px(r, 12, 11), 0x1234);
    assert_int_equal(px(r, 13, 11), 0);
    assert_int_equal(px(r, 10, 12), 0);
    assert_int_equal(px(r, 9, 10), 0);
    free(r);
}

static void primitives_far_outside(void **s)
{
    (void)s;
    rig_t *r = rig(0);
    begin(r, 0, 0, W - 1, 7);
    akira_gfx_pixel(&r->g, -1, 0, 0xFFFF);
    akira_gfx_pixel(&r->g, W, 0, 0xFFFF);
    akira_gfx_pixel(&r->g, 0, 8, 0xFFFF);
    akira_gfx_line(&r->g, -2000000000, 5, 2000000000, 5, 3, 0xFFFF);
    akira_gfx_line(&r->g, -100000, -100000, 100000, 100000, 1, 0xFFFF);
    akira_gfx_circle(&r->g, 30000, 30000, 4000, 0, 0xFFFF);
    akira_gfx_circle(&r->g, -5, -5, 100000, 0, 0xFFFF);
    akira_gfx_arc(&r->g, -8000, 4, 100, 10, 0, 180, 1, 0xFFFF);
    akira_gfx_triangle(&r->g, -30000, -30000, 30000, -30000, 0, 30000, 1, 0xFFFF);
    akira_area_t a = {-32768, -32768, 32767, 32767};
    akira_gfx_rrect(&r->g, &a, 1000, 3, 0xFFFF);
    canaries(r);
    free(r);
}

static void line_and_shapes(void **s)
{
    (void)s;
    rig_t *r = rig(0);
    begin(r, 0, 0, W - 1, 7);
    akira_gfx_line(&r->g, 2, 1, 20, 1, 1, 0xF800);
    assert_int_equal(px(r, 2, 1), 0xF800);
    assert_int_equal(px(r, 20, 1), 0xF800);
    assert_int_equal(px(r, 21, 1), 0);
    assert_int_equal(px(r, 11, 2), 0);
    /* a disc: centre full, outside untouched, symmetric edge coverage */
    begin(r, 0, 0, W - 1, 7);
    akira_gfx_circle(&r->g, 30, 3, 3, 0, 0xFFFF);
    assert_int_equal(px(r, 30, 3), 0xFFFF);
    assert_int_equal(px(r, 34, 3), 0);
    assert_int_equal(px(r, 26, 3), 0);
    assert_int_equal(px(r, 27, 1), px(r, 33, 5));
    assert_int_equal(px(r, 27, 5), px(r, 33, 1));
    /* a ring leaves its centre alone */
    begin(r, 0, 0, W - 1, 7);
    akira_area_t box = {4, 0, 40, 7};
    akira_gfx_rrect(&r->g, &box, 3, 1, 0x07E0);
    assert_int_equal(px(r, 20, 4), 0);
    assert_int_equal(px(r, 20, 0), 0x07E0);
    assert_int_equal(px(r, 4, 4), 0x07E0);
    /* a filled triangle covers its inside only */
    begin(r, 0, 0, W - 1, 7);
    akira_gfx_triangle(&r->g, 0, 0, 14, 0, 0, 7, 1, 0x001F);
    assert_int_equal(px(r, 1, 1), 0x001F);
    assert_int_equal(px(r, 13, 6), 0);
    /* the outline leaves the inside */
    begin(r, 0, 0, W - 1, 7);
    akira_gfx_triangle(&r->g, 0, 0, 30, 0, 0, 7, 0, 0x001F);
    assert_int_equal(px(r, 0, 0), 0x001F);
    assert_int_equal(px(r, 3, 3), 0);
    canaries(r);
    free(r);
}

static void bitmaps(void **s)
{
    (void)s;
    rig_t *r = rig(0);
    begin(r, 0, 0, W - 1, 7);
    static akira_color_t one[4] = {1, 2, 0xF81F, 4};
    assert_int_equal(akira_gfx_bitmap(&r->g, 10000, 10000, 10000, 10000, one, 10000, NULL),
                     AKIRA_ETOOBIG);
    assert_int_equal(akira_gfx_bitmap(&r->g, 0, 0, 10000, 1, one, 10000, NULL), AKIRA_ETOOBIG);
    assert_int_equal(akira_gfx_bitmap(&r->g, 0, 0, 2, 2, NULL, 2, NULL), AKIRA_EINVAL);
    assert_int_equal(akira_gfx_bitmap(&r->g, 0, 0, 2, 2, one, 1, NULL), AKIRA_EINVAL);
    akira_color_t key = 0xF81F;
    assert_int_equal(akira_gfx_bitmap(&r->g, 5, 5, 2, 2, one, 2, &key), 0);
    assert_int_equal(px(r, 5, 5), 1);
    assert_int_equal(px(r, 6, 5), 2);
    assert_int_equal(px(r, 5, 6), 0); /* keyed out */
    assert_int_equal(px(r, 6, 6), 4);
    /* far away: nothing, no error */
    assert_int_equal(akira_gfx_bitmap(&r->g, -2000000000, 0, 2, 2, one, 2, NULL), 0);
    assert_int_equal(akira_gfx_bitmap(&r->g, 2000000000, 0, 2, 2, one, 2, NULL), 0);
    /* indexed: transparent index and indices past the palette are skipped */
    static const uint8_t idx[4] = {0, 1, 2, 9};
    static const akira_color_t pal[3] = {0x1111, 0x2222, 0x3333};
    begin(r, 0, 0, W - 1, 7);
    assert_int_equal(akira_gfx_bitmap_indexed(&r->g, 0, 0, 4, 1, idx, 4, pal, 3, 1), 0);
    assert_int_equal(px(r, 0, 0), 0x1111);
    assert_int_equal(px(r, 1, 0), 0);
    assert_int_equal(px(r, 2, 0), 0x3333);
    assert_int_equal(px(r, 3, 0), 0);
    assert_int_equal(akira_gfx_bitmap_indexed(&r->g, 0, 0, 4, 1, idx, 4, NULL, 3, -1),
                     AKIRA_EINVAL);
    assert_int_equal(akira_gfx_bitmap_indexed(&r->g, 0, 0, 4, 1, idx, 4, pal, 257, -1),
                     AKIRA_EINVAL);
    canaries(r);
    free(r);
}

static void color_mix(void **s)
{
    (void)s;
    assert_int_equal(akira_color_mix(0xFFFF, 0, 255), 0xFFFF);
    assert_int_equal(akira_color_mix(0xFFFF, 0, 0), 0);
    akira_color_t half = akira_color_mix(0xFFFF, 0, 128);
    assert_in_range((half >> 11) & 31, 15, 16);
    assert_in_range((half >> 5) & 63, 31, 32);
}

static void utf8(void **s)
{
    (void)s;
    uint32_t cp;
    assert_int_equal(akira_utf8_next("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(akira_utf8_next("\xC3\xA9", 2, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(akira_utf8_next("\xE2\x9C\x93", 3, &cp), 3);
    assert_int_equal(cp, 0x2713);
    assert_int_equal(akira_utf8_next("\xE2\x9C", 2, &cp), 1); /* truncated */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(akira_utf8_next("\xC0\x80", 2, &cp), 2); /* overlong */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(akira_utf8_next("\xED\xA0\x80", 3, &cp), 3); /* surrogate */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(akira_utf8_next("\xFF", 1, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
}

/* Every glyph's token stream decodes to exactly w*h pixels and ends where the next
 * glyph's starts: the generated data is whole. */
static void font_data_whole(void **s)
{
    (void)s;
    for (int k = 0; akira_fonts[k]; k++) {
        const akira_font_t *f = akira_fonts[k];
        assert_true(f->count >= 96 + 96);
        uint32_t raw = 0;
        for (uint16_t i = 0; i < f->count; i++) {
            const akira_font_glyph_t *g = &f->glyphs[i];
            if (i) assert_true(g->cp > f->glyphs[i - 1].cp);
            const uint8_t *p = f->data + g->offset;
            int32_t n = 0, total = g->w * g->h;
            while (n < total) {
                uint8_t t = *p++;
                if (t < 0x80) {
                    n += (t & 0x3F) + 1;
                } else {
                    n += (t & 0x7F) + 1;
                    p += ((t & 0x7F) + 2) / 2;
                }
            }
            assert_int_equal(n, total);
            uint32_t end = i + 1 < f->count ? f->glyphs[i + 1].offset : f->data_size;
            assert_int_equal((uint32_t)(p - f->data), end);
            raw += (uint32_t)(total + 1) / 2;
        }
        assert_int_equal(raw, f->raw_size);
        /* Latin-1 and every widget symbol are there */
        for (uint32_t cp = 0x20; cp <= 0xFF; cp++)
            if (cp < 0x7F || cp >= 0xA0) assert_non_null(akira_font_glyph(f, cp));
        static const char *syms[] = {
            AKIRA_SYM_CHECK,     AKIRA_SYM_CLOSE,   AKIRA_SYM_LEFT,   AKIRA_SYM_RIGHT,
            AKIRA_SYM_UP,        AKIRA_SYM_DOWN,    AKIRA_SYM_BULLET, AKIRA_SYM_ELLIPSIS,
            AKIRA_SYM_BACKSPACE, AKIRA_SYM_ENTER,   AKIRA_SYM_MENU,   AKIRA_SYM_SETTINGS,
            AKIRA_SYM_WARNING,   AKIRA_SYM_STOP,    AKIRA_SYM_STAR,   AKIRA_SYM_HOME,
            AKIRA_SYM_SHIFT,     AKIRA_SYM_ARROW_L, AKIRA_SYM_ARROW_R};
        for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
            uint32_t cp;
            akira_utf8_next(syms[i], 3, &cp);
            assert_non_null(akira_font_glyph(f, cp));
        }
    }
    assert_ptr_equal(akira_font_for_size(16), &akira_font_sans16);
    assert_ptr_equal(akira_font_for_size(20), &akira_font_sans16);
    assert_ptr_equal(akira_font_for_size(1), &akira_font_sans12);
    assert_ptr_equal(akira_font_for_size(99), &akira_font_sans24);
}

static void text_draw(void **s)
{
    (void)s;
    rig_t *r = rig(0);
    const akira_font_t *f = &akira_font_sans12;
    assert_int_equal(akira_font_text_width(f, "A", -1), akira_font_glyph(f, 'A')->adv);
    assert_int_equal(akira_font_text_width(f, "\x01", -1), akira_font_glyph(f, '?')->adv);
    assert_int_equal(akira_font_text_width(f, "ab", 1), akira_font_glyph(f, 'a')->adv);
    begin(r, 0, 0, W - 1, 7);
    /* 24 px text at y = -8 (partly above the band): only in-band pixels change, stems are
     * solid, edges anti-aliased */
    f = &akira_font_sans24;
    int32_t end = akira_gfx_text(&r->g, f, 2, -8, "Hi", -1, 0xFFFF);
    assert_int_equal(end, 2 + akira_font_text_width(f, "Hi", -1));
    int full = 0, partial = 0;
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < W; x++) {
            akira_color_t c = px(r, x, y);
            if (c == 0xFFFF)
                full++;
            else if (c)
                partial++;
            if (c) assert_true(x >= 2 && x < end);
        }
    assert_true(full > 4);
    assert_true(partial > 0); /* anti-aliased edges */
    canaries(r);
    /* far off: nothing drawn, no crash */
    akira_gfx_text(&r->g, &akira_font_sans24, 30000, 30000, "far", -1, 0xFFFF);
    akira_gfx_text(&r->g, &akira_font_sans24, -30000, 0, "far", -1, 0xFFFF);
    canaries(r);
    free(r);
}

static int draw_dot(akira_gfx_t *g, void *arg)
{
    (void)arg;
    akira_gfx_circle(g, 20, 20, 10, 0, 0xF800);
    return 0;
}

static void immediate(void **s)
{
    (void)s;
    rig_t *r = rig(1);
    for (int i = 0; i < W * H; i++)
        r->screen[i] = 0x001F; /* what the panel shows */
    akira_area_t a = {0, 0, W - 1, H - 1};
    assert_int_equal(akira_gfx_draw(&r->g, &a, 0xFFFF, draw_dot, NULL), 0);
    assert_int_equal(r->flushes, H / 8);
    assert_int_equal(r->screen[20 * W + 20], 0xF800);
    assert_int_equal(r->screen[0], 0x001F); /* preloaded from the panel, not bg */
    /* without read the band starts from bg */
    rig_t *q = rig(0);
    assert_int_equal(akira_gfx_draw(&q->g, &a, 0x07E0, draw_dot, NULL), 0);
    assert_int_equal(q->screen[0], 0x07E0);
    /* an edge pixel blends with the panel (AA against what is there) */
    akira_color_t e1 = r->screen[27 * W + 28], e2 = q->screen[27 * W + 28];
    assert_true(e1 != e2);
    free(r);
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_errors),
        cmocka_unit_test(fill_clips_to_band),
        cmocka_unit_test(primitives_far_outside),
        cmocka_unit_test(line_and_shapes),
        cmocka_unit_test(bitmaps),
        cmocka_unit_test(color_mix),
        cmocka_unit_test(utf8),
        cmocka_unit_test(font_data_whole),
        cmocka_unit_test(text_draw),
        cmocka_unit_test(immediate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

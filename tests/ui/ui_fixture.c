#include "ui_fixture.h"

#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static int fb_flush(void *ctx, const akira_area_t *a, const akira_color_t *px)
{
    fx_t *f = ctx;
    int32_t w = akira_area_w(a);
    for (int32_t y = a->y1; y <= a->y2; y++)
        memcpy(&f->fb[y * f->port.width + a->x1], px + (size_t)(y - a->y1) * (size_t)w,
               (size_t)w * sizeof *px);
    f->flushes++;
    f->flushed_px += (uint32_t)(w * akira_area_h(a));
    return 0;
}

static void *m_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void m_free(void *ctx, void *p, size_t n)
{
    (void)ctx, (void)n;
    free(p);
}

static void on_event(const akira_ui_event_t *e, void *user)
{
    fx_t *f = user;
    if (f->nev < FX_MAX_EVENTS) f->ev[f->nev++] = *e;
}

fx_t *fx_new(int w, int h, const akira_ui_theme_t *theme, size_t app_budget)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_true(w <= FX_MAX_W && h <= FX_MAX_H);
    f->port = (akira_gfx_port_t){(uint16_t)w, (uint16_t)h, f, fb_flush, NULL};
    assert_int_equal(akira_gfx_init(&f->gfx, &f->port, f->band, sizeof f->band / sizeof f->band[0]),
                     0);
    assert_int_equal(akira_ui_init(&f->ui, &f->gfx, theme), 0);
    f->sys = (akira_ui_owner_t){0, {m_alloc, m_free, NULL}, 1u << 20, 0, 0, on_event, f};
    f->app = (akira_ui_owner_t){7, {m_alloc, m_free, NULL}, app_budget, 0, 0, on_event, f};
    assert_int_equal(akira_ui_owner_add(&f->ui, &f->sys), 0);
    assert_int_equal(akira_ui_owner_add(&f->ui, &f->app), 0);
    f->now = 1000;
    akira_ui_tick(&f->ui, f->now);
    return f;
}

void fx_free(fx_t *f)
{
    akira_ui_deinit(&f->ui);
    assert_int_equal(f->sys.used, 0);
    assert_int_equal(f->app.used, 0);
    free(f);
}

fx_t *fx_new_with_screen(akira_ui_obj_t **scr)
{
    fx_t *f = fx_new(320, 240, &akira_ui_theme_light, 512 * 1024);
    assert_int_equal(akira_ui_screen_create(&f->ui, &f->app, scr), 0);
    assert_int_equal(akira_ui_screen_push(&f->ui, *scr, AKIRA_UI_ANIM_NONE, 0), 0);
    fx_tick(f, 10);
    fx_clear_events(f);
    return f;
}

int fx_refresh(fx_t *f)
{
    int n = akira_ui_refresh(&f->ui);
    assert_true(n >= 0);
    return n;
}

void fx_key(fx_t *f, int key)
{
    f->now += 50;
    akira_ui_input_t in = {AKIRA_UI_IN_BUTTON, (uint8_t)key, 1, 0, 0, f->now};
    assert_int_equal(akira_ui_input(&f->ui, &in), 0);
    f->now += 50;
    in.pressed = 0;
    in.time_ms = f->now;
    assert_int_equal(akira_ui_input(&f->ui, &in), 0);
}

void fx_touch(fx_t *f, int x, int y, int pressed, uint32_t dt)
{
    f->now += dt;
    akira_ui_input_t in = {AKIRA_UI_IN_TOUCH, 0, (uint8_t)pressed, (int16_t)x, (int16_t)y, f->now};
    assert_int_equal(akira_ui_input(&f->ui, &in), 0);
}

void fx_tap(fx_t *f, int x, int y)
{
    fx_touch(f, x, y, 1, 20);
    fx_touch(f, x, y, 0, 80);
}

void fx_tick(fx_t *f, uint32_t dt)
{
    f->now += dt;
    assert_int_equal(akira_ui_tick(&f->ui, f->now), 0);
}

int fx_count(const fx_t *f, int type, uint16_t id)
{
    int n = 0;
    for (int i = 0; i < f->nev; i++)
        if (f->ev[i].type == type && (!id || f->ev[i].obj_id == id)) n++;
    return n;
}

int32_t fx_last_value(const fx_t *f, int type, uint16_t id)
{
    int32_t v = -12345;
    for (int i = 0; i < f->nev; i++)
        if (f->ev[i].type == type && (!id || f->ev[i].obj_id == id)) v = f->ev[i].value;
    return v;
}

void fx_clear_events(fx_t *f)
{
    f->nev = 0;
}

void fx_center(akira_ui_obj_t *o, int *x, int *y)
{
    akira_area_t a;
    assert_int_equal(akira_ui_area(o, &a), 0);
    *x = (a.x1 + a.x2) / 2;
    *y = (a.y1 + a.y2) / 2;
}

int fx_png_write(const fx_t *f, const char *path)
{
    int w = f->port.width, h = f->port.height;
    FILE *fp = fopen(path, "wb");
    if (!fp) return -1;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = malloc((size_t)w * 3);
    if (!png || !info || !row || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(fp);
        return -1;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            akira_color_t c = f->fb[y * w + x];
            unsigned r = (c >> 11) & 31, g = (c >> 5) & 63, b = c & 31;
            row[3 * x] = (uint8_t)(r << 3 | r >> 2);
            row[3 * x + 1] = (uint8_t)(g << 2 | g >> 4);
            row[3 * x + 2] = (uint8_t)(b << 3 | b >> 2);
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    fclose(fp);
    return 0;
}

long fx_png_compare(const fx_t *f, const char *path, int tol)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) return -1;
    if ((int)img.width != f->port.width || (int)img.height != f->port.height) {
        png_image_free(&img);
        return -1;
    }
    img.format = PNG_FORMAT_RGB;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
    if (!buf || !png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        free(buf);
        png_image_free(&img);
        return -1;
    }
    long bad = 0;
    for (int i = 0; i < f->port.width * f->port.height; i++) {
        akira_color_t c = f->fb[i];
        unsigned r = (c >> 11) & 31, g = (c >> 5) & 63, b = c & 31;
        int ch[3] = {(int)(r << 3 | r >> 2), (int)(g << 2 | g >> 4), (int)(b << 3 | b >> 2)};
        for (int k = 0; k < 3; k++)
            if (abs(ch[k] - buf[3 * i + k]) > tol) {
                bad++;
                break;
            }
    }
    free(buf);
    return bad;
}

void fx_golden(const fx_t *f, const char *name)
{
    char out[512], ref[512];
    snprintf(out, sizeof out, "%s/%s.png", UI_OUT_DIR, name);
    snprintf(ref, sizeof ref, "%s/%s.png", UI_GOLDEN_DIR, name);
    assert_int_equal(fx_png_write(f, out), 0);
    const char *upd = getenv("AKIRA_UI_GOLDEN_UPDATE");
    if (upd && !strcmp(upd, "1")) {
        assert_int_equal(fx_png_write(f, ref), 0);
        return;
    }
    long bad = fx_png_compare(f, ref, 24);
    long limit = (long)f->port.width * f->port.height / 200;
    if (bad < 0 || bad > limit)
        fail_msg("golden %s: %ld pixels differ (limit %ld); see %s", name, bad, limit, out);
}

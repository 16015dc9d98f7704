/*
 * native_sim "display0": a 320x240 RGB565 TFT panel (size and format from the board
 * config) whose pixel memory is host RAM. What a person would see (the memory, dark
 * while blanked, dimmed by the backlight) is what the bench side gives out: a PNG
 * through Debian's libpng (`display snapshot FILE`, GET /api/display.png), and the
 * areas written since a change number, for a live view that fetches only what changed
 * (GET /api/display/changes).
 */
#include <png.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <akira/board_config.h>
#include <akira/drivers/display.h>
#include <akira/drivers/driver.h>
#include <akira/err.h>

#include "sim.h"

#define W AKIRA_BOARD_DISPLAY_WIDTH
#define H AKIRA_BOARD_DISPLAY_HEIGHT
_Static_assert(AKIRA_BOARD_DISPLAY_FORMAT == AKIRA_DISPLAY_RGB565, "the sim panel is RGB565");

#define CHANGES_MAX 64u /* areas remembered for the live view */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static uint16_t fb[W * H];
static bool blanked;
static uint8_t brightness = 255;
static uint64_t seq; /* change number: one per write, blanking or brightness change */
static struct akira_display_area log_[CHANGES_MAX];
static uint64_t log_seq[CHANGES_MAX];

/* With lock held: one more change, of area (x, y, w, h). */
static void note_change(uint16_t x, uint16_t y, uint16_t w, uint16_t h)
{
    seq++;
    size_t i = seq % CHANGES_MAX;
    log_[i] = (struct akira_display_area){x, y, w, h};
    log_seq[i] = seq;
    pthread_cond_broadcast(&changed);
}

static void disp_caps(const struct akira_device *dev, struct akira_display_caps *out)
{
    (void)dev;
    *out = (struct akira_display_caps){.width = W,
                                       .height = H,
                                       .supported_formats = AKIRA_DISPLAY_RGB565,
                                       .format = AKIRA_DISPLAY_RGB565,
                                       .brightness = true};
}

static int disp_write(const struct akira_device *dev, uint16_t x, uint16_t y,
                      const struct akira_display_buf *d, const void *buf)
{
    (void)dev;
    const uint16_t *src = buf;
    pthread_mutex_lock(&lock);
    for (uint32_t r = 0; r < d->height; r++)
        memcpy(&fb[(y + r) * W + x], src + (size_t)r * d->pitch, (size_t)d->width * 2u);
    note_change(x, y, d->width, d->height);
    pthread_mutex_unlock(&lock);
    return 0;
}

static int disp_read(const struct akira_device *dev, uint16_t x, uint16_t y,
                     const struct akira_display_buf *d, void *buf)
{
    (void)dev;
    uint16_t *dst = buf;
    pthread_mutex_lock(&lock);
    for (uint32_t r = 0; r < d->height; r++)
        memcpy(dst + (size_t)r * d->pitch, &fb[(y + r) * W + x], (size_t)d->width * 2u);
    pthread_mutex_unlock(&lock);
    return 0;
}

static int disp_blanking(const struct akira_device *dev, bool on)
{
    (void)dev;
    pthread_mutex_lock(&lock);
    if (blanked != on) {
        blanked = on;
        note_change(0, 0, W, H);
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

static int disp_brightness(const struct akira_device *dev, uint8_t level)
{
    (void)dev;
    pthread_mutex_lock(&lock);
    if (brightness != level) {
        brightness = level;
        note_change(0, 0, W, H);
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

static const struct akira_display_api display_api = {
    .get_caps = disp_caps,
    .write = disp_write,
    .read = disp_read,
    .blanking = disp_blanking,
    .set_brightness = disp_brightness,
};

AKIRA_DRIVER_DEFINE(native_sim_display0, AKIRA_DRIVER_DISPLAY, "display0", NULL, NULL, NULL,
                    AKIRA_INIT_POST_KERNEL, 30, &display_api);

/* --- bench side ------------------------------------------------------------------ */

void akira_sim_display_info(struct akira_sim_display_info *out)
{
    pthread_mutex_lock(&lock);
    *out = (struct akira_sim_display_info){W, H, blanked, brightness, seq};
    pthread_mutex_unlock(&lock);
}

int akira_sim_display_changes(uint64_t since, int32_t timeout_ms, struct akira_display_area *out,
                              size_t max, uint64_t *now)
{
    if (!out || !now || max == 0 || timeout_ms < -1) return AKIRA_EINVAL;
    pthread_mutex_lock(&lock);
    if (timeout_ms != 0 && seq == since) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        uint64_t ns =
            (uint64_t)until.tv_nsec + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000u;
        until.tv_sec += (time_t)(ns / 1000000000u);
        until.tv_nsec = (long)(ns % 1000000000u);
        while (seq == since) {
            int rc = timeout_ms < 0 ? pthread_cond_wait(&changed, &lock)
                                    : pthread_cond_timedwait(&changed, &lock, &until);
            if (rc != 0) break;
        }
    }
    *now = seq;
    int n = 0;
    if (seq != since) {
        /* Older than the log remembers, a number from before a reboot, or more areas
         * than the caller takes: the whole panel, which covers them all. */
        if (since > seq || seq - since > CHANGES_MAX || seq - since > max) {
            out[0] = (struct akira_display_area){0, 0, W, H};
            n = 1;
        } else {
            for (uint64_t s = since + 1; s <= seq; s++)
                out[n++] = log_[s % CHANGES_MAX];
        }
    }
    pthread_mutex_unlock(&lock);
    return n;
}

/* The visible colour of one pixel as 8-bit RGB. */
static void visible_rgb(uint16_t p, bool dark, uint8_t level, uint8_t rgb[3])
{
    if (dark) {
        rgb[0] = rgb[1] = rgb[2] = 0;
        return;
    }
    unsigned r = (p >> 11) & 0x1f, g = (p >> 5) & 0x3f, b = p & 0x1f;
    /* Expand 5/6 bits to 8 with the high bits repeated, so white is 255. */
    unsigned c[3] = {(r << 3) | (r >> 2), (g << 2) | (g >> 4), (b << 3) | (b >> 2)};
    for (int i = 0; i < 3; i++)
        rgb[i] = (uint8_t)((c[i] * level + 127u) / 255u);
}

struct png_sink {
    akira_sim_write_fn write;
    void *ctx;
    int err;
};

static void png_write_cb(png_structp png, png_bytep data, size_t len)
{
    struct png_sink *s = png_get_io_ptr(png);
    if (s->err == 0) s->err = s->write(s->ctx, data, len);
    if (s->err) png_error(png, "write failed");
}

static void png_flush_cb(png_structp png)
{
    (void)png;
}

/* Encodes rows [y, y+h) x [x, x+w) of a copy of the visible picture. The copy is taken
 * first so the panel's lock is not held while the sink (a socket) is slow. */
static int encode_png(const uint16_t *pix, uint16_t w, uint16_t h, bool dark, uint8_t level,
                      akira_sim_write_fn write, void *ctx)
{
    struct png_sink sink = {write, ctx, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    if (!png) return AKIRA_ENOMEM;
    png_infop info = png_create_info_struct(png);
    uint8_t *row = malloc((size_t)w * 3u);
    volatile int rc = 0;
    if (!info || !row) {
        rc = AKIRA_ENOMEM;
        goto out;
    }
    if (setjmp(png_jmpbuf(png))) {
        rc = sink.err ? sink.err : AKIRA_EIO;
        goto out;
    }
    png_set_write_fn(png, &sink, png_write_cb, png_flush_cb);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 3);
    png_write_info(png, info);
    for (uint32_t r = 0; r < h; r++) {
        for (uint32_t c = 0; c < w; c++)
            visible_rgb(pix[(size_t)r * w + c], dark, level, row + c * 3u);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
out:
    png_destroy_write_struct(&png, info ? &info : NULL);
    free(row);
    return rc;
}

int akira_sim_display_png(uint16_t x, uint16_t y, uint16_t w, uint16_t h, akira_sim_write_fn write,
                          void *ctx)
{
    if (!write || x >= W || y >= H) return AKIRA_EINVAL;
    if (w == 0) w = (uint16_t)(W - x);
    if (h == 0) h = (uint16_t)(H - y);
    if ((uint32_t)x + w > W || (uint32_t)y + h > H) return AKIRA_EINVAL;
    uint16_t *copy = malloc((size_t)w * h * 2u);
    if (!copy) return AKIRA_ENOMEM;
    pthread_mutex_lock(&lock);
    for (uint32_t r = 0; r < h; r++)
        memcpy(copy + (size_t)r * w, &fb[(y + r) * W + x], (size_t)w * 2u);
    bool dark = blanked;
    uint8_t level = brightness;
    pthread_mutex_unlock(&lock);
    int rc = encode_png(copy, w, h, dark, level, write, ctx);
    free(copy);
    return rc;
}

static int file_write(void *ctx, const void *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : AKIRA_EIO;
}

int akira_sim_display_snapshot(const char *path)
{
    if (!path || !*path) return AKIRA_EINVAL;
    FILE *f = fopen(path, "wb");
    if (!f) return AKIRA_EIO;
    int rc = akira_sim_display_png(0, 0, W, H, file_write, f);
    if (fclose(f) != 0 && rc == 0) rc = AKIRA_EIO;
    if (rc) remove(path);
    return rc;
}

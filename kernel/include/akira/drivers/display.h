/*
 * Display driver class: a panel with its own pixel memory, after Zephyr's display API.
 *
 * The panel says what it is (capabilities: resolution, the pixel formats it takes, the
 * current one); a writer puts a rectangle of pixels at (x, y) from a buffer described
 * by width, height and pitch (pixels from one row's start to the next); a reader gets
 * a rectangle back the same way. Blanking turns the picture off (the panel keeps its
 * memory and takes writes; blanking off shows it again); brightness 0..255 is the
 * backlight.
 *
 * Pixels are in the panel's current format; AKIRA_DISPLAY_RGB565 pixels are uint16_t
 * values in CPU order (red in bits 15..11, green 10..5, blue 4..0): the driver converts
 * to the bus order of its chip.
 *
 * Threads: any thread; a write is whole before it returns (nobody sees half of it).
 * Errors: AKIRA_EINVAL (an area not wholly on the panel, an empty area, pitch below
 * width, a buffer too small for the descriptor, a NULL pointer), AKIRA_ENOTSUP (a
 * feature the panel has not: brightness on a panel without backlight control),
 * AKIRA_ENODEV (not ready). A refused write changes no pixel.
 */
#ifndef AKIRA_DRIVERS_DISPLAY_H
#define AKIRA_DRIVERS_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/device.h>
#include <akira/err.h>

/* Pixel formats, one bit each (supported_formats is a mask of them). */
#define AKIRA_DISPLAY_RGB565 (1u << 0) /* 16 bits: 5 red, 6 green, 5 blue */
#define AKIRA_DISPLAY_RGB888 (1u << 1) /* 24 bits: 8 each, red first */
#define AKIRA_DISPLAY_MONO01 (1u << 2) /* 1 bit per pixel, 1 = lit */

struct akira_display_caps {
    uint16_t width, height;     /* pixels */
    uint32_t supported_formats; /* AKIRA_DISPLAY_* mask */
    uint32_t format;            /* the current one (one bit) */
    bool brightness;            /* set_brightness works */
};

/* An area of the panel in pixels (changed areas, crops). */
struct akira_display_area {
    uint16_t x, y, w, h;
};

/* A rectangle of pixels in a caller's buffer: width x height pixels, rows pitch pixels
 * apart, buf_size bytes in the buffer (the last row needs only width pixels). */
struct akira_display_buf {
    uint16_t width, height, pitch;
    uint32_t buf_size;
};

struct akira_display_api {
    void (*get_caps)(const struct akira_device *dev, struct akira_display_caps *out);
    /* Called only with an area on the panel and a buffer big enough (the wrappers
     * check). */
    int (*write)(const struct akira_device *dev, uint16_t x, uint16_t y,
                 const struct akira_display_buf *desc, const void *buf);
    int (*read)(const struct akira_device *dev, uint16_t x, uint16_t y,
                const struct akira_display_buf *desc, void *buf);
    int (*blanking)(const struct akira_device *dev, bool on);
    /* NULL when the panel has no backlight control. */
    int (*set_brightness)(const struct akira_device *dev, uint8_t level);
};

/* Bytes per pixel of one format bit (MONO01: 0, it packs 8 to a byte), 0 for others. */
static inline uint32_t akira_display_bytes_per_pixel(uint32_t format)
{
    return format == AKIRA_DISPLAY_RGB565 ? 2u : format == AKIRA_DISPLAY_RGB888 ? 3u : 0u;
}

static inline const struct akira_display_api *akira_display_api_of_(const struct akira_device *dev)
{
    return (dev && akira_device_is_ready(dev)) ? (const struct akira_display_api *)dev->api : NULL;
}

/* AKIRA_ENODEV, or 0 with *out filled. */
static inline int akira_display_caps_get(const struct akira_device *dev,
                                         struct akira_display_caps *out)
{
    const struct akira_display_api *api = akira_display_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!out) return AKIRA_EINVAL;
    api->get_caps(dev, out);
    return 0;
}

/* The shared checks of write and read: the area lies on the panel, the descriptor is
 * consistent and the buffer holds it. */
static inline int akira_display_area_check_(const struct akira_device *dev,
                                            const struct akira_display_api *api, uint16_t x,
                                            uint16_t y, const struct akira_display_buf *d,
                                            const void *buf)
{
    if (!d || !buf) return AKIRA_EINVAL;
    struct akira_display_caps c;
    api->get_caps(dev, &c);
    uint32_t bpp = akira_display_bytes_per_pixel(c.format);
    if (bpp == 0) return AKIRA_ENOTSUP;
    if (d->width == 0 || d->height == 0 || d->pitch < d->width) return AKIRA_EINVAL;
    if ((uint32_t)x + d->width > c.width || (uint32_t)y + d->height > c.height) return AKIRA_EINVAL;
    uint64_t need = ((uint64_t)d->pitch * (d->height - 1u) + d->width) * bpp;
    return need > d->buf_size ? AKIRA_EINVAL : 0;
}

static inline int akira_display_write(const struct akira_device *dev, uint16_t x, uint16_t y,
                                      const struct akira_display_buf *desc, const void *buf)
{
    const struct akira_display_api *api = akira_display_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    int rc = akira_display_area_check_(dev, api, x, y, desc, buf);
    return rc ? rc : api->write(dev, x, y, desc, buf);
}

static inline int akira_display_read(const struct akira_device *dev, uint16_t x, uint16_t y,
                                     const struct akira_display_buf *desc, void *buf)
{
    const struct akira_display_api *api = akira_display_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    int rc = akira_display_area_check_(dev, api, x, y, desc, buf);
    return rc ? rc : api->read(dev, x, y, desc, buf);
}

/* on: the picture goes dark (memory kept, writes still land); off: shown again. */
static inline int akira_display_blanking(const struct akira_device *dev, bool on)
{
    const struct akira_display_api *api = akira_display_api_of_(dev);
    return api ? api->blanking(dev, on) : AKIRA_ENODEV;
}

static inline int akira_display_brightness_set(const struct akira_device *dev, uint8_t level)
{
    const struct akira_display_api *api = akira_display_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    return api->set_brightness ? api->set_brightness(dev, level) : AKIRA_ENOTSUP;
}

/* The first ready display of the board (the one the system and apps draw on), or NULL. */
const struct akira_device *akira_display_default(void);

#endif /* AKIRA_DRIVERS_DISPLAY_H */

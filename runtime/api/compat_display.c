/*
 * API module "compat_display": upstream AkiraOS's display_*, input_* and the GPIO pins
 * its console apps read their buttons from ("env" import module, akira/compat.h,
 * docs/compat.md).
 *
 * Drawing goes through our screen service (runtime/api/screen.c) exactly as our own
 * display module's does: into the back buffer of the app in front, put on the panel
 * by display_flush or 50 ms after the last draw; an app that does not own the display
 * gets upstream's -EBUSY. Where a function is the same shape as ours (clear, pixel,
 * line, rects, circles, triangles, bitmaps, flush) our native does the work and only
 * the result is translated. Text uses upstream's character cells (7x10, 11x18, 16x28
 * with a fixed advance) over our fonts.
 *
 * Buttons: ours are up, down, left, right, select, back, a, b; upstream's bitmask has
 * bit N for the key code N (POWER 0, SETTINGS 1, UP 2, DOWN 3, LEFT 4, RIGHT 5, A 6,
 * B 7, X 8, Y 9): select is SETTINGS (upstream's OK key) and back is Y; POWER and X have
 * no button here. Apps built for upstream's core firmware read the buttons as GPIO
 * pins instead: the pins of both wirings upstream ships (akira_buttons.h and the sample
 * apps) read the same buttons, with the level the configured flags give.
 */
#include <akira/drivers/input.h>
#include <akira/font.h>

#include "compat_priv.h"
#include "screen_priv.h"

#define UP_GPIO_INPUT      (1u << 0)
#define UP_GPIO_OUTPUT     (1u << 1)
#define UP_GPIO_PULL_UP    (1u << 4)
#define UP_GPIO_ACTIVE_LOW (1u << 6)
#define UP_SENSOR_ERROR    INT32_MIN
#define TEXT_MAX           256u
#define BTN_NONE           0xFFu

/* ------------------------------------------------------------- delegation */

/* Our display module's native `name` (same arguments) with its result translated. */
static aw_status ours(struct akira_app_ctx *app, aw_val *io, const char *name,
                      const struct akira_bridge_entry **cache)
{
    int32_t rc;
    aw_status st = compat_call(app, name, cache, io, &rc);
    if (st == AW_OK) io[0].i32 = rc < 0 ? akira_compat_errno(rc) : rc;
    return st;
}

#define DELEGATE(fn, name)                                                                         \
    static aw_status fn(struct akira_app_ctx *app, aw_val *io)                                     \
    {                                                                                              \
        static const struct akira_bridge_entry *cache;                                             \
        return ours(app, io, name, &cache);                                                        \
    }

DELEGATE(up_clear, "display_clear")
DELEGATE(up_pixel, "display_pixel")
DELEGATE(up_line, "display_line")
DELEGATE(up_rect, "display_rect")
DELEGATE(up_rect_outline, "display_rect_outline")
DELEGATE(up_rrect, "display_rounded_rect")
DELEGATE(up_rrect_fill, "display_rounded_rect_fill")
DELEGATE(up_circle, "display_circle")
DELEGATE(up_circle_fill, "display_circle_fill")
DELEGATE(up_triangle, "display_triangle")
DELEGATE(up_triangle_fill, "display_triangle_fill")
DELEGATE(up_flush, "display_flush")

/* Bitmaps: upstream's engine traps on data outside memory (`*~`); sizes as ours. */
static aw_status bitmap(struct akira_app_ctx *app, aw_val *io, bool key, bool raw)
{
    static const struct akira_bridge_entry *plain, *keyed, *flush;
    uint32_t ptr = io[4].u32, size = io[5].u32;
    if (size && !akira_bridge_mem(app, ptr, size)) return compat_oob(app);
    if (ptr == 0 || io[2].i32 <= 0 || io[3].i32 <= 0 ||
        (uint64_t)size < (uint64_t)io[2].i32 * (uint64_t)io[3].i32 * 2u)
        return hw_ret(io, -AKIRA_UP_EINVAL);
    aw_status st =
        ours(app, io, key ? "display_bitmap_key" : "display_bitmap", key ? &keyed : &plain);
    /* raw_write: upstream puts these pixels on the panel at once. */
    if (st == AW_OK && raw && io[0].i32 == 0) st = ours(app, io, "display_flush", &flush);
    return st;
}

COMPAT_WRAP(up_bitmap, bitmap, false, false)
COMPAT_WRAP(up_bitmap_transparent, bitmap, true, false)
COMPAT_WRAP(up_raw_write, bitmap, false, true)

/* ------------------------------------------------------- drawn here directly */

static akira_color_t col(uint32_t v)
{
    return (akira_color_t)(v & 0xFFFFu);
}

static int16_t clampc(int64_t v)
{
    return (int16_t)(v < -8192 ? -8192 : v > 8192 ? 8192 : v);
}

static akira_area_t box(int64_t x, int64_t y, int64_t w, int64_t h)
{
    return (akira_area_t){clampc(x), clampc(y), clampc(x + w - 1), clampc(y + h - 1)};
}

/* Enter as the display's owner: 0 with the lock held and *g set, or upstream's error. */
static int32_t draw_enter(struct akira_app_ctx *app, akira_gfx_t **g)
{
    struct scr_app *s;
    int rc = scr_enter(app, &s, SCR_OWN);
    if (rc) return akira_compat_errno(rc);
    *g = scr_back();
    return 0;
}

static aw_status draw_leave(aw_val *io, const akira_area_t *touched)
{
    scr_drawn(touched);
    scr_leave();
    return hw_ret(io, 0);
}

static aw_status up_hline(struct akira_app_ctx *app, aw_val *io)
{
    akira_gfx_t *g = NULL;
    int32_t rc = draw_enter(app, &g);
    if (rc) return hw_ret(io, rc);
    akira_area_t a = box(io[0].i32, io[1].i32, io[2].i32, 1);
    bool any = io[2].i32 > 0;
    if (any) akira_gfx_fill(g, &a, col(io[3].u32));
    return draw_leave(io, any ? &a : NULL);
}

static aw_status up_vline(struct akira_app_ctx *app, aw_val *io)
{
    akira_gfx_t *g = NULL;
    int32_t rc = draw_enter(app, &g);
    if (rc) return hw_ret(io, rc);
    akira_area_t a = box(io[0].i32, io[1].i32, 1, io[2].i32);
    bool any = io[2].i32 > 0;
    if (any) akira_gfx_fill(g, &a, col(io[3].u32));
    return draw_leave(io, any ? &a : NULL);
}

static aw_status up_progress(struct akira_app_ctx *app, aw_val *io)
{
    int32_t x = io[0].i32, y = io[1].i32, w = io[2].i32, h = io[3].i32;
    int32_t v = io[4].i32, max = io[5].i32;
    akira_gfx_t *g = NULL;
    int32_t rc = draw_enter(app, &g);
    if (rc) return hw_ret(io, rc);
    if (max <= 0 || w <= 0 || h <= 0) return draw_leave(io, NULL);
    v = v < 0 ? 0 : v > max ? max : v;
    akira_area_t all = box(x, y, w, h);
    akira_gfx_fill(g, &all, col(io[7].u32));
    int64_t fw = (int64_t)w * v / max;
    if (fw > 0) {
        akira_area_t f = box(x, y, fw, h);
        akira_gfx_fill(g, &f, col(io[6].u32));
    }
    akira_gfx_rect(g, &all, 1, col(io[6].u32));
    return draw_leave(io, &all);
}

/* Upstream's fonts as character cells over ours: advance, cell height, our font. */
struct cell {
    int32_t adv, h;
    const akira_font_t *font;
};

static aw_status text_cells(struct akira_app_ctx *app, aw_val *io, const char *s, size_t len,
                            struct cell c)
{
    akira_gfx_t *g = NULL;
    int32_t rc = draw_enter(app, &g);
    if (rc) return hw_ret(io, rc);
    int32_t x = io[0].i32, y = io[1].i32;
    if (len == 0) return draw_leave(io, NULL);
    /* The baseline sits a capital's height (3/4 of the font size) below the cell's top,
     * so capitals fill the cell; each character is clipped to its cell's columns (and
     * two rows below it, for descenders). */
    int32_t cap = c.font->size * 3 / 4;
    int32_t ty = y + (cap < c.h - 1 ? cap : c.h - 1) - c.font->ascent;
    for (size_t i = 0; i < len; i++) {
        int32_t cx = x + (int32_t)i * c.adv;
        akira_area_t cell = box(cx, y, c.adv, c.h + 2), saved;
        akira_gfx_clip_push(g, &cell, &saved);
        akira_gfx_text(g, c.font, cx, ty, s + i, 1, col(io[3].u32));
        akira_gfx_clip_restore(g, &saved);
    }
    akira_area_t all = box(x, y, (int64_t)c.adv * (int64_t)len, c.h + 2);
    return draw_leave(io, &all);
}

static aw_status text(struct akira_app_ctx *app, aw_val *io, struct cell c)
{
    size_t len;
    if (io[2].u32 == 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    const char *s = akira_bridge_cstr(app, io[2].u32, UINT32_MAX - 1u, &len);
    if (!s) return compat_oob(app);
    return text_cells(app, io, s, len > TEXT_MAX ? TEXT_MAX : len, c);
}

COMPAT_WRAP(up_text, text, (struct cell){7, 10, &akira_font_sans12})
COMPAT_WRAP(up_text_large, text, (struct cell){11, 18, &akira_font_sans16})
COMPAT_WRAP(up_text_huge, text, (struct cell){16, 28, &akira_font_sans24})

static aw_status up_number(struct akira_app_ctx *app, aw_val *io)
{
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%ld", (long)io[2].i32);
    return text_cells(app, io, buf, n > 0 ? (size_t)n : 0,
                      (struct cell){7, 10, &akira_font_sans12});
}

static int32_t size_of(struct akira_app_ctx *app, uint16_t *w, uint16_t *h)
{
    struct scr_app *s;
    int rc = scr_enter(app, &s, SCR_LOOK);
    if (rc) return akira_compat_errno(rc);
    *w = scr_width();
    *h = scr_height();
    scr_leave();
    return 0;
}

static aw_status up_get_size(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t pw = io[0].u32, ph = io[1].u32;
    if (pw == 0 || ph == 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    uint8_t *ow = akira_bridge_mem(app, pw, 4), *oh = akira_bridge_mem(app, ph, 4);
    if (!ow || !oh) return compat_oob(app);
    uint16_t w = 0, h = 0;
    int32_t rc = size_of(app, &w, &h);
    if (rc) return hw_ret(io, rc);
    hw_put_u32(ow, w);
    hw_put_u32(oh, h);
    return hw_ret(io, 0);
}

static aw_status up_get_width(struct akira_app_ctx *app, aw_val *io)
{
    uint16_t w = 0, h = 0;
    int32_t rc = size_of(app, &w, &h);
    return hw_ret(io, rc ? rc : w);
}

static aw_status up_get_height(struct akira_app_ctx *app, aw_val *io)
{
    uint16_t w = 0, h = 0;
    int32_t rc = size_of(app, &w, &h);
    return hw_ret(io, rc ? rc : h);
}

/* ------------------------------------------------------------------ input */

/* Our button code -> upstream's key code. */
static const uint8_t up_code[8] = {
    2, /* up */
    3, /* down */
    4, /* left */
    5, /* right */
    1, /* select: SETTINGS / OK */
    9, /* back: Y */
    6, /* a */
    7, /* b */
};

static uint32_t up_mask(uint32_t ours)
{
    uint32_t m = 0;
    for (unsigned b = 0; b < 8; b++)
        if (ours & (1u << b)) m |= 1u << up_code[b];
    return m;
}

/* Our buttons held, for the app in front (0 for an app behind: what it cannot see is
 * never pressed). AKIRA_OK or our error. */
static int held(struct akira_app_ctx *app, uint32_t *buttons)
{
    struct scr_app *s;
    *buttons = 0;
    int rc = scr_enter(app, &s, SCR_TAKE);
    if (rc) return rc;
    bool front = scr_in_front(s);
    scr_leave();
    if (!front) return AKIRA_OK;
    struct akira_input_state st;
    rc = akira_input_state_get(akira_input_default(), &st);
    if (rc == AKIRA_OK) *buttons = st.buttons;
    return rc;
}

static aw_status up_get_buttons(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(INPUT_READ), "input_get_buttons");
    uint32_t b;
    int rc = held(app, &b);
    return rc ? compat_ret(io, rc) : hw_ret(io, (int32_t)up_mask(b));
}

/* Moves the button edges the screen service queued for the app (our INPUT events) into
 * upstream's 16-deep queue; other events mean nothing to an upstream app. */
static void drain_events(struct akira_app_ctx *app, struct akira_compat_app *s)
{
    struct akira_event e;
    while (akira_evq_wait(app->evq, &e, AKIRA_NO_WAIT) == 0) {
        if (e.type != AKIRA_EVENT_INPUT || (e.a >> 16) != 1) continue;
        uint32_t btn = (e.a >> 8) & 0xFFu;
        if (btn >= 8 || s->q_count == COMPAT_INPUT_QUEUE) continue; /* full: dropped */
        uint32_t i = (s->q_head + s->q_count++) % COMPAT_INPUT_QUEUE;
        s->q[i].id = up_code[btn];
        s->q[i].pressed = e.a & 1u;
    }
}

static aw_status up_poll_event(struct akira_app_ctx *app, aw_val *io)
{
    COMPAT_REQUIRE(app, io, UPBIT(INPUT_READ), "input_poll_event");
    uint32_t ptr = io[0].u32, len = io[1].u32;
    if (len && !akira_bridge_mem(app, ptr, len)) return compat_oob(app);
    if (len < 8) return hw_ret(io, -AKIRA_UP_EINVAL);
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    uint32_t b;
    (void)held(app, &b); /* takes a free display like upstream's first call would */
    drain_events(app, s);
    if (s->q_count == 0) return hw_ret(io, 0);
    uint8_t *out = akira_bridge_mem(app, ptr, 8);
    hw_put_u32(out, s->q[s->q_head].id);
    hw_put_u32(out + 4, s->q[s->q_head].pressed);
    s->q_head = (s->q_head + 1) % COMPAT_INPUT_QUEUE;
    s->q_count--;
    return hw_ret(io, 1);
}

/* ------------------------------------------------------------------- GPIO */

/* Our button behind an upstream pin, or BTN_NONE. Both wirings upstream ships:
 * akira_buttons.h (OK 0, UP 4, DOWN 5, LEFT 6, RIGHT 7, A 15, B 16, X 17, Y 40) and
 * the sample apps (SETTINGS 2, Y 41). */
static uint8_t pin_button(uint32_t pin)
{
    switch (pin) {
    case 0:
    case 2: return 4;  /* select */
    case 4: return 0;  /* up */
    case 5: return 1;  /* down */
    case 6: return 2;  /* left */
    case 7: return 3;  /* right */
    case 15: return 6; /* a */
    case 16: return 7; /* b */
    case 40:
    case 41: return 5; /* back */
    default: return BTN_NONE;
    }
}

/* The other pins are gpio0's (upstream's 0..31; 32..48, its gpio1, does not exist here:
 * our module answers -EINVAL) through our gpio module's natives, with its checks: the
 * manifest's gpio_pins and the pin claimed by the app that configured it first (-EBUSY
 * for the others). Upstream's flag bits 0..5 are our driver's; ACTIVE_LOW is applied
 * here to the levels read and written, ACTIVE_HIGH is the default. */
#define UP_GPIO_DRIVER_FLAGS 0x3fu
#define UP_GPIO_ACTIVE_HIGH  (1u << 7)

/* Our gpio module's native `name` with (pin, arg); its result, our code, in *rc. */
static aw_status gpio_ours(struct akira_app_ctx *app, const char *name,
                           const struct akira_bridge_entry **cache, uint32_t pin, uint32_t arg,
                           int32_t *rc)
{
    aw_val a[2] = {{.u32 = pin}, {.u32 = arg}};
    return compat_call(app, name, cache, a, rc);
}

static aw_status up_gpio_configure(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *cache;
    uint32_t pin = io[0].u32, flags = io[1].u32;
    bool out = flags & UP_GPIO_OUTPUT;
    COMPAT_REQUIRE(app, io, out ? UPBIT(GPIO_WRITE) : UPBIT(GPIO_READ), "gpio_configure");
    if (pin >= COMPAT_GPIO_PINS) return hw_ret(io, -AKIRA_UP_EINVAL);
    if (flags & ~(UP_GPIO_DRIVER_FLAGS | UP_GPIO_ACTIVE_LOW | UP_GPIO_ACTIVE_HIGH))
        return hw_ret(io, -AKIRA_UP_EINVAL);
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    if (pin_button(pin) != BTN_NONE) {
        if (out) return hw_ret(io, -AKIRA_UP_EINVAL); /* a button is not driven */
        s->pin_flags[pin] = (uint8_t)(flags | UP_GPIO_INPUT);
        return hw_ret(io, 0);
    }
    int32_t rc;
    aw_status st = gpio_ours(app, "gpio_configure", &cache, pin, flags & UP_GPIO_DRIVER_FLAGS, &rc);
    if (st != AW_OK) return st;
    if (rc == 0) s->pin_flags[pin] = (uint8_t)(flags | (out ? 0u : UP_GPIO_INPUT));
    return compat_ret(io, rc);
}

static aw_status up_gpio_read(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *cache;
    uint32_t pin = io[0].u32;
    COMPAT_REQUIRE(app, io, UPBIT(GPIO_READ), "gpio_read");
    if (pin >= COMPAT_GPIO_PINS) return hw_ret(io, -AKIRA_UP_EINVAL);
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    uint8_t f = s->pin_flags[pin];
    bool level;
    if (pin_button(pin) != BTN_NONE) {
        uint32_t b;
        int rc = held(app, &b);
        if (rc) return compat_ret(io, rc);
        bool pressed = b & (1u << pin_button(pin));
        /* A pull-up button reads low while pressed. */
        level = (f & UP_GPIO_PULL_UP) ? !pressed : pressed;
    } else {
        int32_t rc;
        aw_status st = gpio_ours(app, "gpio_get", &cache, pin, 0, &rc);
        if (st != AW_OK) return st;
        if (rc < 0) return compat_ret(io, rc);
        level = rc != 0;
    }
    return hw_ret(io, (f & UP_GPIO_ACTIVE_LOW) ? !level : level); /* the logical level */
}

static aw_status up_gpio_write(struct akira_app_ctx *app, aw_val *io)
{
    static const struct akira_bridge_entry *cache;
    uint32_t pin = io[0].u32;
    COMPAT_REQUIRE(app, io, UPBIT(GPIO_WRITE), "gpio_write");
    if (pin >= COMPAT_GPIO_PINS || pin_button(pin) != BTN_NONE)
        return hw_ret(io, -AKIRA_UP_EINVAL); /* the button pins are inputs */
    struct akira_compat_app *s = compat_state(app);
    if (!s) return hw_ret(io, -AKIRA_UP_ENOMEM);
    bool level = (io[1].u32 != 0) != ((s->pin_flags[pin] & UP_GPIO_ACTIVE_LOW) != 0);
    int32_t rc;
    aw_status st = gpio_ours(app, "gpio_set", &cache, pin, level, &rc);
    if (st != AW_OK) return st;
    return compat_ret(io, rc);
}

static const struct akira_bridge_entry entries[] = {
    {"display_clear", "(i)i", AKIRA_CAP_DISPLAY, up_clear},
    {"display_pixel", "(iii)i", AKIRA_CAP_DISPLAY, up_pixel},
    {"display_rect", "(iiiii)i", AKIRA_CAP_DISPLAY, up_rect},
    {"display_text", "(iiii)i", AKIRA_CAP_DISPLAY, up_text},
    {"display_text_large", "(iiii)i", AKIRA_CAP_DISPLAY, up_text_large},
    {"display_text_huge", "(iiii)i", AKIRA_CAP_DISPLAY, up_text_huge},
    {"display_flush", "()i", AKIRA_CAP_DISPLAY, up_flush},
    {"display_get_size", "(ii)i", AKIRA_CAP_DISPLAY, up_get_size},
    {"display_get_width", "()i", AKIRA_CAP_DISPLAY, up_get_width},
    {"display_get_height", "()i", AKIRA_CAP_DISPLAY, up_get_height},
    {"display_line", "(iiiii)i", AKIRA_CAP_DISPLAY, up_line},
    {"display_circle", "(iiii)i", AKIRA_CAP_DISPLAY, up_circle},
    {"display_circle_fill", "(iiii)i", AKIRA_CAP_DISPLAY, up_circle_fill},
    {"display_triangle", "(iiiiiii)i", AKIRA_CAP_DISPLAY, up_triangle},
    {"display_triangle_fill", "(iiiiiii)i", AKIRA_CAP_DISPLAY, up_triangle_fill},
    {"display_rect_outline", "(iiiii)i", AKIRA_CAP_DISPLAY, up_rect_outline},
    {"display_bitmap", "(iiiiii)i", AKIRA_CAP_DISPLAY, up_bitmap},
    {"display_bitmap_transparent", "(iiiiiii)i", AKIRA_CAP_DISPLAY, up_bitmap_transparent},
    {"display_raw_write", "(iiiiii)i", AKIRA_CAP_DISPLAY, up_raw_write},
    {"display_hline", "(iiii)i", AKIRA_CAP_DISPLAY, up_hline},
    {"display_vline", "(iiii)i", AKIRA_CAP_DISPLAY, up_vline},
    {"display_number", "(iiii)i", AKIRA_CAP_DISPLAY, up_number},
    {"display_progress_bar", "(iiiiiiii)i", AKIRA_CAP_DISPLAY, up_progress},
    {"display_rounded_rect", "(iiiiii)i", AKIRA_CAP_DISPLAY, up_rrect},
    {"display_rounded_rect_fill", "(iiiiii)i", AKIRA_CAP_DISPLAY, up_rrect_fill},
    {"input_get_buttons", "()i", AKIRA_CAP_INPUT, up_get_buttons},
    {"input_poll_event", "(ii)i", AKIRA_CAP_INPUT, up_poll_event},
    {"gpio_configure", "(ii)i", AKIRA_CAP_GPIO, up_gpio_configure},
    {"gpio_read", "(i)i", AKIRA_CAP_GPIO, up_gpio_read},
    {"gpio_write", "(ii)i", AKIRA_CAP_GPIO, up_gpio_write},
};

const struct akira_bridge_module akira_api_compat_display = {
    .name = "compat_display",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

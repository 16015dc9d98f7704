/*
 * API module "ui": widgets of the ui layer on the app's own screen, through handles,
 * capability "ui". A handle is the widget's id (1..65535); 0 names the app's screen
 * (made by its first widget, shown while the app is in front).
 *
 *   ui_create(type, parent) -> i32          the new widget's handle | error
 *   ui_delete(h) -> i32
 *   ui_set(h, prop, value) -> i32
 *   ui_get(h, prop, out) -> i32             out = value (i32)
 *   ui_set_text(h, ptr, len) -> i32         also ui_set_title, ui_set_options
 *   ui_get_text(h, buf, cap) -> i32         the text's length (cut to cap - 1, NUL ended)
 *   ui_image(h, w, h, ptr, len, key) -> i32 RGB565 pixels, key < 0: none transparent
 *   ui_focus(h) -> i32
 *
 * Types and properties are the ui layer's numbers (sdk/include/akira/ui.h). Widget
 * events come in the app's queue: AKIRA_EVENT_UI, a = event << 24 | type << 16 | handle,
 * b = value, c = x << 16 | y.
 *
 * Every handle is checked: AKIRA_ENOENT (no such widget), AKIRA_EPERM (another app's);
 * every widget and string is charged to the app's quota and to its UI budget
 * (AKIRA_SCREEN_APP_UI_BUDGET): AKIRA_EQUOTA past either, nothing changed. The tree is
 * freed when the app ends. Texts longer than 1024 bytes: AKIRA_ETOOBIG.
 */
#include <akira/ui.h>

#include "hw_util.h"
#include "screen_priv.h"

/* The widget for handle h of app slot s (lock held): 0 or ENOENT / EPERM. */
static int widget(struct scr_app *s, int32_t h, akira_ui_obj_t **out)
{
    int rc = scr_app_ui(s);
    if (rc) return rc;
    if (h == 0) {
        *out = s->screen;
        return 0;
    }
    if (h < 0 || h > 0xFFFF) return AKIRA_ENOENT;
    akira_ui_obj_t *o = akira_ui_find(scr_ui(), &s->owner, (uint16_t)h);
    /* The screen is named by 0 only: no app can delete or move its own screen. */
    if (o && o == s->screen) return AKIRA_ENOENT;
    if (o) {
        *out = o;
        return 0;
    }
    return akira_ui_find(scr_ui(), NULL, (uint16_t)h) ? AKIRA_EPERM : AKIRA_ENOENT;
}

#define UI_BEGIN(app, io, h, obj)                                                                  \
    struct scr_app *s_;                                                                            \
    akira_ui_obj_t *obj;                                                                           \
    int rc_ = scr_enter((app), &s_, SCR_TAKE);                                                     \
    if (rc_) return hw_ret((io), rc_);                                                             \
    rc_ = widget(s_, (h), &obj);                                                                   \
    if (rc_) {                                                                                     \
        scr_leave();                                                                               \
        return hw_ret((io), rc_);                                                                  \
    }

static aw_status ret(aw_val *io, int32_t v)
{
    scr_leave();
    return hw_ret(io, v);
}

static aw_status api_create(struct akira_app_ctx *app, aw_val *io)
{
    int32_t type = io[0].i32;
    if (type <= AKIRA_UI_SCREEN || type >= AKIRA_UI_TYPE_COUNT) return hw_ret(io, AKIRA_EINVAL);
    UI_BEGIN(app, io, io[1].i32, parent);
    akira_ui_obj_t *o;
    int rc = akira_ui_create(scr_ui(), &s_->owner, parent, (akira_ui_type_t)type, &o);
    return ret(io, rc ? rc : akira_ui_id(o));
}

static aw_status api_delete(struct akira_app_ctx *app, aw_val *io)
{
    if (io[0].i32 == 0) return hw_ret(io, AKIRA_EINVAL); /* the screen goes with the app */
    UI_BEGIN(app, io, io[0].i32, o);
    return ret(io, akira_ui_delete(o));
}

static aw_status api_set(struct akira_app_ctx *app, aw_val *io)
{
    UI_BEGIN(app, io, io[0].i32, o);
    if (io[1].i32 < 0 || io[1].i32 >= AKIRA_UI_P_COUNT_) return ret(io, AKIRA_EINVAL);
    return ret(io, akira_ui_set(o, (akira_ui_prop_t)io[1].i32, io[2].i32));
}

static aw_status api_get(struct akira_app_ctx *app, aw_val *io)
{
    if (!akira_bridge_mem(app, io[2].u32, 4)) return hw_ret(io, AKIRA_EFAULT);
    UI_BEGIN(app, io, io[0].i32, o);
    if (io[1].i32 < 0 || io[1].i32 >= AKIRA_UI_P_COUNT_) return ret(io, AKIRA_EINVAL);
    int32_t v = 0;
    int rc = akira_ui_get(o, (akira_ui_prop_t)io[1].i32, &v);
    if (rc == 0) hw_put_u32(akira_bridge_mem(app, io[2].u32, 4), (uint32_t)v);
    return ret(io, rc);
}

/* A text from app memory, NUL-terminated in buf: 0, EFAULT, ETOOBIG, EINVAL (a NUL). */
static int text_in(struct akira_app_ctx *app, uint32_t ptr, uint32_t len,
                   char buf[AKIRA_UI_MAX_TEXT + 1])
{
    if (len > AKIRA_UI_MAX_TEXT) return AKIRA_ETOOBIG;
    const char *p = akira_bridge_mem(app, ptr, len);
    if (!p) return AKIRA_EFAULT;
    if (memchr(p, '\0', len)) return AKIRA_EINVAL;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return 0;
}

static aw_status text_common(struct akira_app_ctx *app, aw_val *io, int which)
{
    char buf[AKIRA_UI_MAX_TEXT + 1];
    int rc = text_in(app, io[1].u32, io[2].u32, buf);
    if (rc) return hw_ret(io, rc);
    UI_BEGIN(app, io, io[0].i32, o);
    rc = which == 0   ? akira_ui_set_text(o, buf)
         : which == 1 ? akira_ui_set_title(o, buf)
                      : akira_ui_set_options(o, buf);
    return ret(io, rc);
}

static aw_status api_set_text(struct akira_app_ctx *app, aw_val *io)
{
    return text_common(app, io, 0);
}
static aw_status api_set_title(struct akira_app_ctx *app, aw_val *io)
{
    return text_common(app, io, 1);
}
static aw_status api_set_options(struct akira_app_ctx *app, aw_val *io)
{
    return text_common(app, io, 2);
}

static aw_status api_get_text(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t cap = io[2].u32;
    if (cap == 0) return hw_ret(io, AKIRA_EINVAL);
    if (cap > AKIRA_UI_MAX_TEXT + 1) cap = AKIRA_UI_MAX_TEXT + 1;
    if (!akira_bridge_mem(app, io[1].u32, cap)) return hw_ret(io, AKIRA_EFAULT);
    char buf[AKIRA_UI_MAX_TEXT + 1];
    UI_BEGIN(app, io, io[0].i32, o);
    int n = akira_ui_get_text(o, buf, cap);
    if (n >= 0) memcpy(akira_bridge_mem(app, io[1].u32, cap), buf, strnlen(buf, cap - 1) + 1);
    return ret(io, n);
}

static aw_status api_image(struct akira_app_ctx *app, aw_val *io)
{
    int32_t w = io[1].i32, h = io[2].i32;
    int rc;
    const akira_color_t *px =
        scr_app_pixels(app, w, h, io[3].u32, io[4].u32, AKIRA_UI_MAX_IMAGE, &rc);
    if (!px) return hw_ret(io, rc);
    akira_color_t key = (akira_color_t)(io[5].u32 & 0xFFFFu);
    UI_BEGIN(app, io, io[0].i32, o);
    return ret(io, akira_ui_image_set_rgb565(o, w, h, px, io[5].i32 < 0 ? NULL : &key));
}

static aw_status api_focus(struct akira_app_ctx *app, aw_val *io)
{
    UI_BEGIN(app, io, io[0].i32, o);
    return ret(io, akira_ui_focus(o));
}

static const struct akira_bridge_entry entries[] = {
    {"ui_create", "(ii)i", AKIRA_CAP_UI, api_create},
    {"ui_delete", "(i)i", AKIRA_CAP_UI, api_delete},
    {"ui_set", "(iii)i", AKIRA_CAP_UI, api_set},
    {"ui_get", "(iii)i", AKIRA_CAP_UI, api_get},
    {"ui_set_text", "(iii)i", AKIRA_CAP_UI, api_set_text},
    {"ui_set_title", "(iii)i", AKIRA_CAP_UI, api_set_title},
    {"ui_set_options", "(iii)i", AKIRA_CAP_UI, api_set_options},
    {"ui_get_text", "(iii)i", AKIRA_CAP_UI, api_get_text},
    {"ui_image", "(iiiiii)i", AKIRA_CAP_UI, api_image},
    {"ui_focus", "(i)i", AKIRA_CAP_UI, api_focus},
};

const struct akira_bridge_module akira_api_ui = {
    .name = "ui",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
};

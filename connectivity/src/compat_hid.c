/*
 * API module "compat_hid": upstream AkiraOS's hid_* natives (import module "env",
 * akira/compat.h, docs/compat.md) over the device's HID over GATT (the HID manager,
 * hid_manager.h), beside the app API module "hid" (api_hid.c).
 *
 * Upstream's model: the app picks a transport and device types, enables HID, then
 * presses and releases keys, buttons and axes; the firmware keeps the report state and
 * sends a report at each change. Here the app's state (keys held, modifiers, mouse and
 * gamepad state, named actions) is allocated from its quota at its first call; one
 * upstream app at a time has HID enabled (another's hid_enable is -EBUSY). Our report
 * map has a keyboard, a mouse and a gamepad with 16 buttons and 4 axes: no consumer
 * control, no raw reports, no hat switch, no fifth and sixth axis (-ENOTSUP), and no
 * USB (-ENOTSUP). When the app ends, what it held is released on the hosts.
 *
 * Capability: upstream's `hid`, which grants our `hid` (nothing else does): the bridge's
 * check, -EPERM when denied or revoked.
 */
#include <string.h>

#include <akira/app_table.h>
#include <akira/compat.h>
#include <akira/event.h>
#include <akira/hid_manager.h>
#include <akira/quota.h>

#include "api_ble_priv.h"

#define SLOTS        AKIRA_API_BLE_APPS
#define ACTIONS      8u
#define ACTION_NAME  15u
#define TYPE_MAX     256u /* hid_type_string: characters at most */
#define RETRY_MS     5u
#define RETRIES      200u /* a report the link cannot take now: 1 s of retries */
#define UP_TR_NONE   0
#define UP_TR_BLE    1
#define UP_TR_USB    2
#define UP_KEYBOARD  1
#define UP_GAMEPAD   2
#define UP_MOUSE     4
#define UP_TYPES_ALL 7
#define RAW_MAX      64u
#define AXIS_OF(v)   ((int8_t)((v) / 256 > 127 ? 127 : (v) / 256 < -127 ? -127 : (v) / 256))

/* A native that is impl(app, io, arg). */
#define COMPAT_HID_WRAP(fn, impl, arg)                                                             \
    static aw_status fn(struct akira_app_ctx *app, aw_val *io)                                     \
    {                                                                                              \
        return impl(app, io, arg);                                                                 \
    }

struct ch_app {
    struct akira_app_ctx *app;
    bool enabled;
    uint8_t transport, types;
    uint8_t mods, keys[6];
    uint8_t mouse_buttons;
    uint16_t pad_buttons;
    int8_t axes[4];
    struct {
        char name[ACTION_NAME + 1];
        uint8_t mods, key;
    } act[ACTIONS];
};

static struct {
    void *st[SLOTS];             /* struct ch_app (akira/app_table.h) */
    struct akira_app_ctx *owner; /* the app with HID enabled */
} H;
AKIRA_APP_TABLE_STATE(struct ch_app);

/* The app's state (lock held), made from its quota; NULL when the quota has no room or
 * every slot is taken. */
static struct ch_app *state_of(struct akira_app_ctx *app, bool create)
{
    int rc;
    struct ch_app *s = akira_app_table_get(H.st, SLOTS, app, sizeof *s, false, &rc);
    if (s || !create) return s;
    s = akira_app_table_get(H.st, SLOTS, app, sizeof *s, true, &rc);
    if (s) {
        s->transport = UP_TR_BLE;
        s->types = UP_KEYBOARD;
    }
    return s;
}

/* Enter: the lock and the app's state, or an upstream errno (> 0). */
static int enter(struct akira_app_ctx *app, struct ch_app **s)
{
    if (!api_ble_host()) return AKIRA_UP_ENODEV;
    if (!api_ble_lock()) return AKIRA_UP_ENOMEM;
    *s = state_of(app, true);
    if (!*s) {
        api_ble_unlock();
        return AKIRA_UP_ENOMEM;
    }
    return 0;
}

/* Enter for a report of `type`: HID enabled by this app with that device type. */
static int enter_dev(struct akira_app_ctx *app, struct ch_app **s, uint8_t type)
{
    int e = enter(app, s);
    if (e) return e;
    if (!(*s)->enabled)
        e = AKIRA_UP_ENODEV; /* hid_enable first */
    else if (!((*s)->types & type))
        e = AKIRA_UP_ENOTSUP; /* not a type it enabled */
    if (e) api_ble_unlock();
    return e;
}

/* Send a report, retrying while the link's queue is full (the app waits meanwhile). */
static aw_status send(struct akira_app_ctx *app, aw_val *io, int (*fn)(const void *), const void *r)
{
    int rc = fn(r);
    for (uint32_t i = 0; rc == AKIRA_EAGAIN && i < RETRIES; i++) {
        akira_bridge_wait_begin(app);
        int stop = akira_evq_sleep(app->evq, RETRY_MS);
        aw_status st = akira_bridge_wait_end(app);
        if (st != AW_OK) return st;
        if (stop) break;
        rc = fn(r);
    }
    return compat_up_ret(io, rc == AKIRA_ESTATE ? AKIRA_ENODEV : rc);
}

struct kbd {
    uint8_t mods, keys[6];
};
static int send_kbd(const void *p)
{
    const struct kbd *k = p;
    return akira_hid_manager_keyboard(k->mods, k->keys);
}
struct mouse {
    uint8_t buttons;
    int8_t dx, dy, wheel;
};
static int send_mouse(const void *p)
{
    const struct mouse *m = p;
    return akira_hid_manager_mouse(m->buttons, m->dx, m->dy, m->wheel);
}
struct pad {
    uint16_t buttons;
    int8_t a[4];
};
static int send_pad(const void *p)
{
    const struct pad *g = p;
    return akira_hid_manager_gamepad(g->buttons, g->a[0], g->a[1], g->a[2], g->a[3]);
}

static struct kbd kbd_of(const struct ch_app *s)
{
    struct kbd k = {.mods = s->mods};
    memcpy(k.keys, s->keys, 6);
    return k;
}

static struct pad pad_of(const struct ch_app *s)
{
    struct pad g = {.buttons = s->pad_buttons};
    memcpy(g.a, s->axes, 4);
    return g;
}

/* ------------------------------------------------------------------ setup natives */

static aw_status up_set_transport(struct akira_app_ctx *app, aw_val *io)
{
    int32_t t = io[0].i32;
    if (t == UP_TR_USB) return compat_up_err(io, AKIRA_UP_ENOTSUP); /* no USB device here */
    if (t != UP_TR_NONE && t != UP_TR_BLE) return compat_up_err(io, AKIRA_UP_EINVAL);
    struct ch_app *s;
    int e = enter(app, &s);
    if (e) return compat_up_err(io, e);
    int rc = s->enabled ? AKIRA_EBUSY : 0;
    if (!rc) s->transport = (uint8_t)t;
    api_ble_unlock();
    return compat_up_ret(io, rc);
}

static aw_status up_set_device_types(struct akira_app_ctx *app, aw_val *io)
{
    int32_t t = io[0].i32;
    if (t < 1 || t > UP_TYPES_ALL) return compat_up_err(io, AKIRA_UP_EINVAL);
    struct ch_app *s;
    int e = enter(app, &s);
    if (e) return compat_up_err(io, e);
    int rc = s->enabled ? AKIRA_EBUSY : 0;
    if (!rc) s->types = (uint8_t)t;
    api_ble_unlock();
    return compat_up_ret(io, rc);
}

static aw_status up_enable(struct akira_app_ctx *app, aw_val *io)
{
    struct ch_app *s;
    int e = enter(app, &s);
    if (e) return compat_up_err(io, e);
    int rc = 0;
    if (H.owner && H.owner != app)
        rc = AKIRA_EBUSY; /* another upstream app has HID */
    else if (s->transport != UP_TR_BLE)
        rc = AKIRA_EINVAL; /* transport NONE */
    else {
        s->enabled = true;
        H.owner = app;
    }
    api_ble_unlock();
    return compat_up_ret(io, rc);
}

/* Release what the app holds on the hosts (lock not held). */
static void release_all(const struct ch_app *was)
{
    static const uint8_t none[6];
    bool keys = was->mods != 0;
    for (int i = 0; i < 6; i++)
        keys |= was->keys[i] != 0;
    if (keys) akira_hid_manager_keyboard(0, none);
    if (was->mouse_buttons) akira_hid_manager_mouse(0, 0, 0, 0);
    if (was->pad_buttons || was->axes[0] || was->axes[1] || was->axes[2] || was->axes[3])
        akira_hid_manager_gamepad(0, 0, 0, 0, 0);
}

static aw_status up_disable(struct akira_app_ctx *app, aw_val *io)
{
    struct ch_app *s;
    int e = enter(app, &s);
    if (e) return compat_up_err(io, e);
    struct ch_app was = *s;
    s->enabled = false;
    s->mods = s->mouse_buttons = 0;
    s->pad_buttons = 0;
    memset(s->keys, 0, sizeof s->keys);
    memset(s->axes, 0, sizeof s->axes);
    if (H.owner == app) H.owner = NULL;
    api_ble_unlock();
    if (was.enabled) release_all(&was);
    return compat_up_ret(io, 0);
}

static aw_status up_init(struct akira_app_ctx *app, aw_val *io)
{
    aw_val a[1] = {{.i32 = io[0].i32}};
    aw_status st = up_set_transport(app, a);
    if (st != AW_OK || a[0].i32) return io[0].i32 = a[0].i32, st;
    a[0].i32 = io[1].i32;
    st = up_set_device_types(app, a);
    if (st != AW_OK || a[0].i32) return io[0].i32 = a[0].i32, st;
    return up_enable(app, io);
}

static aw_status up_is_connected(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    if (!api_ble_host()) return compat_up_err(io, AKIRA_UP_ENODEV);
    uint16_t conns[AKIRA_BLE_LL_CONN_MAX];
    size_t n = api_ble_conns(conns, AKIRA_BLE_LL_CONN_MAX);
    int yes = 0;
    for (size_t i = 0; i < n; i++)
        yes |= akira_hid_manager_subscribed(conns[i]);
    return compat_up_ret(io, yes);
}

/* -------------------------------------------------------------------- keyboard */

static bool key_ok(int32_t k)
{
    return (k >= 0x04 && k <= 0xA4) || (k >= 0xE0 && k <= 0xE7);
}

static aw_status up_key(struct akira_app_ctx *app, aw_val *io, bool down)
{
    int32_t k = io[0].i32;
    if (!key_ok(k)) return compat_up_err(io, AKIRA_UP_EINVAL);
    struct ch_app *s;
    int e = enter_dev(app, &s, UP_KEYBOARD);
    if (e) return compat_up_err(io, e);
    int rc = 0;
    if (k >= 0xE0) {
        uint8_t bit = (uint8_t)(1u << (k - 0xE0));
        s->mods = down ? s->mods | bit : s->mods & (uint8_t)~bit;
    } else {
        int at = -1, free_i = -1;
        for (int i = 0; i < 6; i++) {
            if (s->keys[i] == k) at = i;
            if (!s->keys[i] && free_i < 0) free_i = i;
        }
        if (down && at < 0 && free_i < 0)
            rc = AKIRA_ENOMEM; /* six keys held already (the report's room) */
        else if (down && at < 0)
            s->keys[free_i] = (uint8_t)k;
        else if (!down && at >= 0)
            s->keys[at] = 0;
    }
    struct kbd r = kbd_of(s);
    api_ble_unlock();
    if (rc) return compat_up_ret(io, rc);
    return send(app, io, send_kbd, &r);
}

COMPAT_HID_WRAP(up_key_press, up_key, true)
COMPAT_HID_WRAP(up_key_release, up_key, false)

static aw_status up_set_modifiers(struct akira_app_ctx *app, aw_val *io)
{
    if (io[0].u32 > 0xff) return compat_up_err(io, AKIRA_UP_EINVAL);
    struct ch_app *s;
    int e = enter_dev(app, &s, UP_KEYBOARD);
    if (e) return compat_up_err(io, e);
    s->mods = (uint8_t)io[0].u32;
    struct kbd r = kbd_of(s);
    api_ble_unlock();
    return send(app, io, send_kbd, &r);
}

static aw_status up_key_release_all(struct akira_app_ctx *app, aw_val *io)
{
    struct ch_app *s;
    int e = enter_dev(app, &s, UP_KEYBOARD);
    if (e) return compat_up_err(io, e);
    s->mods = 0;
    memset(s->keys, 0, 6);
    struct kbd r = kbd_of(s);
    api_ble_unlock();
    return send(app, io, send_kbd, &r);
}

/* Press and release one key with modifiers (the latched ones too), then the state. */
static aw_status tap(struct akira_app_ctx *app, aw_val *io, struct ch_app *s, uint8_t key,
                     uint8_t mods)
{
    struct kbd r = kbd_of(s);
    struct kbd down = r;
    down.mods |= mods;
    for (int i = 0; i < 6; i++)
        if (!down.keys[i]) {
            down.keys[i] = key;
            break;
        }
    aw_status st = send(app, io, send_kbd, &down);
    if (st != AW_OK || io[0].i32) return st;
    return send(app, io, send_kbd, &r);
}

static aw_status up_type_string(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    if (!akira_bridge_cstr(app, io[0].u32, UINT32_MAX - 1u, &len)) {
        return compat_up_trap(app);
    }
    if (len > TYPE_MAX) return compat_up_err(io, AKIRA_UP_EINVAL);
    char text[TYPE_MAX + 1];
    memcpy(text, akira_bridge_cstr(app, io[0].u32, TYPE_MAX, &len), len + 1);
    uint8_t codes[TYPE_MAX];
    bool shifts[TYPE_MAX];
    for (size_t i = 0; i < len; i++)
        if (akira_hid_ascii_to_key(text[i], &codes[i], &shifts[i]) != AKIRA_OK)
            return compat_up_err(io, AKIRA_UP_EINVAL); /* a character no key types: nothing sent */
    struct ch_app *s;
    int e = enter_dev(app, &s, UP_KEYBOARD);
    if (e) return compat_up_err(io, e);
    struct ch_app snap = *s;
    api_ble_unlock();
    for (size_t i = 0; i < len; i++) {
        aw_status st = tap(app, io, &snap, codes[i], shifts[i] ? 0x02 : 0);
        if (st != AW_OK || io[0].i32) return st;
    }
    return compat_up_ret(io, 0);
}

static aw_status up_action_register(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    if (!akira_bridge_cstr(app, io[0].u32, UINT32_MAX - 1u, &len)) {
        return compat_up_trap(app);
    }
    int32_t mods = io[1].i32, key = io[2].i32;
    if (len == 0 || len > ACTION_NAME || mods < 0 || mods > 0xff || !key_ok(key))
        return compat_up_err(io, AKIRA_UP_EINVAL);
    const char *name = akira_bridge_cstr(app, io[0].u32, ACTION_NAME, &len);
    struct ch_app *s;
    int e = enter(app, &s);
    if (e) return compat_up_err(io, e);
    int at = -1;
    for (int i = 0; i < (int)ACTIONS && at < 0; i++)
        if (strcmp(s->act[i].name, name) == 0) at = i; /* the same name: replaced */
    for (int i = 0; i < (int)ACTIONS && at < 0; i++)
        if (!s->act[i].name[0]) at = i;
    if (at >= 0) {
        memcpy(s->act[at].name, name, len);
        s->act[at].name[len] = 0;
        s->act[at].mods = (uint8_t)mods;
        s->act[at].key = (uint8_t)key;
    }
    api_ble_unlock();
    return compat_up_ret(io, at < 0 ? AKIRA_ENOMEM : 0);
}

static aw_status up_action_trigger(struct akira_app_ctx *app, aw_val *io)
{
    size_t len;
    if (!akira_bridge_cstr(app, io[0].u32, UINT32_MAX - 1u, &len)) {
        return compat_up_trap(app);
    }
    const char *name = akira_bridge_cstr(app, io[0].u32, ACTION_NAME, &len);
    struct ch_app *s;
    int e = enter_dev(app, &s, UP_KEYBOARD);
    if (e) return compat_up_err(io, e);
    int at = -1;
    for (int i = 0; name && len && i < (int)ACTIONS && at < 0; i++)
        if (strcmp(s->act[i].name, name) == 0) at = i;
    uint8_t key = at >= 0 ? s->act[at].key : 0, mods = at >= 0 ? s->act[at].mods : 0;
    struct ch_app snap = *s;
    api_ble_unlock();
    if (at < 0) return compat_up_err(io, AKIRA_UP_ENOENT);
    if (key >= 0xE0) return tap(app, io, &snap, 0, (uint8_t)(mods | 1u << (key - 0xE0)));
    return tap(app, io, &snap, key, mods);
}

/* ---------------------------------------------------------------------- mouse */

static bool i8(int32_t v)
{
    return v >= -127 && v <= 127;
}

static aw_status mouse(struct akira_app_ctx *app, aw_val *io, int op)
{
    int32_t a = io[0].i32, b = op == 0 ? io[1].i32 : 0;
    if (op == 0 && (!i8(a) || !i8(b))) return compat_up_err(io, AKIRA_UP_EINVAL);
    if ((op == 1 || op == 2) && (a < 1 || a > 7)) return compat_up_err(io, AKIRA_UP_EINVAL);
    if (op == 3 && !i8(a)) return compat_up_err(io, AKIRA_UP_EINVAL);
    struct ch_app *s;
    int e = enter_dev(app, &s, UP_MOUSE);
    if (e) return compat_up_err(io, e);
    if (op == 1) s->mouse_buttons |= (uint8_t)a;
    if (op == 2) s->mouse_buttons &= (uint8_t)~a;
    struct mouse m = {.buttons = s->mouse_buttons};
    if (op == 0) m.dx = (int8_t)a, m.dy = (int8_t)b;
    if (op == 3) m.wheel = (int8_t)a;
    api_ble_unlock();
    return send(app, io, send_mouse, &m);
}

COMPAT_HID_WRAP(up_mouse_move, mouse, 0)
COMPAT_HID_WRAP(up_mouse_btn_press, mouse, 1)
COMPAT_HID_WRAP(up_mouse_btn_release, mouse, 2)
COMPAT_HID_WRAP(up_mouse_scroll, mouse, 3)

/* -------------------------------------------------------------------- gamepad */

static aw_status pad(struct akira_app_ctx *app, aw_val *io, int op)
{
    int32_t a = io[0].i32, b = op == 3 ? io[1].i32 : 0;
    if ((op == 1 || op == 2) && (a & ~0xffff)) return compat_up_err(io, AKIRA_UP_EINVAL);
    if (op == 3 && (a < 0 || a > 5 || b < -32768 || b > 32767))
        return compat_up_err(io, AKIRA_UP_EINVAL);
    if (op == 3 && a > 3) return compat_up_err(io, AKIRA_UP_ENOTSUP); /* 4 axes in our map */
    if (op == 4 && (a < 0 || a > 8)) return compat_up_err(io, AKIRA_UP_EINVAL);
    if (op == 4 && a != 0) return compat_up_err(io, AKIRA_UP_ENOTSUP); /* no hat switch */
    struct ch_app *s;
    int e = enter_dev(app, &s, UP_GAMEPAD);
    if (e) return compat_up_err(io, e);
    if (op == 0) s->pad_buttons = 0, memset(s->axes, 0, 4);
    if (op == 1) s->pad_buttons |= (uint16_t)a;
    if (op == 2) s->pad_buttons &= (uint16_t)~a;
    if (op == 3) s->axes[a] = AXIS_OF(b);
    struct pad g = pad_of(s);
    api_ble_unlock();
    return send(app, io, send_pad, &g);
}

COMPAT_HID_WRAP(up_gamepad_reset, pad, 0)
COMPAT_HID_WRAP(up_gamepad_press, pad, 1)
COMPAT_HID_WRAP(up_gamepad_release, pad, 2)
COMPAT_HID_WRAP(up_gamepad_set_axis, pad, 3)
COMPAT_HID_WRAP(up_gamepad_set_dpad, pad, 4)

static aw_status up_gamepad_send_report(struct akira_app_ctx *app, aw_val *io)
{
    int32_t buttons = io[0].i32, hat = io[1].i32;
    if ((buttons & ~0xffff) || hat < 0 || hat > 8) return compat_up_err(io, AKIRA_UP_EINVAL);
    for (int i = 2; i < 8; i++)
        if (io[i].i32 < -32768 || io[i].i32 > 32767) return compat_up_err(io, AKIRA_UP_EINVAL);
    if (hat != 0 || io[6].i32 != 0 || io[7].i32 != 0) return compat_up_err(io, AKIRA_UP_ENOTSUP);
    struct ch_app *s;
    int e = enter_dev(app, &s, UP_GAMEPAD);
    if (e) return compat_up_err(io, e);
    s->pad_buttons = (uint16_t)buttons;
    for (int i = 0; i < 4; i++)
        s->axes[i] = AXIS_OF(io[2 + i].i32);
    struct pad g = pad_of(s);
    api_ble_unlock();
    return send(app, io, send_pad, &g);
}

/* ------------------------------------------------------- reports our map lacks */

static aw_status up_consumer_send(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    if (io[0].i32 < 0 || io[0].i32 > 0xffff) return compat_up_err(io, AKIRA_UP_EINVAL);
    return compat_up_err(io, AKIRA_UP_ENOTSUP); /* no consumer control collection */
}

static aw_status up_send_raw_report(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[2].u32;
    if (!akira_bridge_mem(app, io[1].u32, len)) return compat_up_err(io, AKIRA_UP_EFAULT);
    if (len == 0 || len > RAW_MAX || io[0].i32 < 0 || io[0].i32 > 0xff)
        return compat_up_err(io, AKIRA_UP_EINVAL);
    return compat_up_err(io, AKIRA_UP_ENOTSUP); /* no vendor report in our map */
}

/* ------------------------------------------------------------------- the app's end */

static void ch_app_end(struct akira_app_ctx *app)
{
    if (!api_ble_lock()) return;
    struct ch_app *s = akira_app_table_take(H.st, SLOTS, app);
    bool owner = H.owner == app;
    if (owner) H.owner = NULL;
    api_ble_unlock();
    if (!s) return;
    if (owner) release_all(s); /* nothing the app pressed stays pressed on the hosts */
    akira_quota_realloc(app->quota, s, sizeof *s, 0);
}

/* clang-format off */
static const struct akira_bridge_entry entries[] = {
    {"hid_enable",              "()i",        AKIRA_CAP_HID, up_enable},
    {"hid_disable",             "()i",        AKIRA_CAP_HID, up_disable},
    {"hid_is_connected",        "()i",        AKIRA_CAP_HID, up_is_connected},
    {"hid_key_press",           "(i)i",       AKIRA_CAP_HID, up_key_press},
    {"hid_key_release",         "(i)i",       AKIRA_CAP_HID, up_key_release},
    {"hid_key_release_all",     "()i",        AKIRA_CAP_HID, up_key_release_all},
    {"hid_type_string",         "(i)i",       AKIRA_CAP_HID, up_type_string},
    {"hid_set_modifiers",       "(i)i",       AKIRA_CAP_HID, up_set_modifiers},
    {"hid_gamepad_press",       "(i)i",       AKIRA_CAP_HID, up_gamepad_press},
    {"hid_gamepad_release",     "(i)i",       AKIRA_CAP_HID, up_gamepad_release},
    {"hid_gamepad_set_axis",    "(ii)i",      AKIRA_CAP_HID, up_gamepad_set_axis},
    {"hid_gamepad_set_dpad",    "(i)i",       AKIRA_CAP_HID, up_gamepad_set_dpad},
    {"hid_gamepad_reset",       "()i",        AKIRA_CAP_HID, up_gamepad_reset},
    {"hid_gamepad_send_report", "(iiiiiiii)i", AKIRA_CAP_HID, up_gamepad_send_report},
    {"hid_mouse_move",          "(ii)i",      AKIRA_CAP_HID, up_mouse_move},
    {"hid_mouse_btn_press",     "(i)i",       AKIRA_CAP_HID, up_mouse_btn_press},
    {"hid_mouse_btn_release",   "(i)i",       AKIRA_CAP_HID, up_mouse_btn_release},
    {"hid_mouse_scroll",        "(i)i",       AKIRA_CAP_HID, up_mouse_scroll},
    {"hid_consumer_send",       "(i)i",       AKIRA_CAP_HID, up_consumer_send},
    {"hid_send_raw_report",     "(iii)i",     AKIRA_CAP_HID, up_send_raw_report},
    {"hid_action_register",     "(iii)i",     AKIRA_CAP_HID, up_action_register},
    {"hid_action_trigger",      "(i)i",       AKIRA_CAP_HID, up_action_trigger},
    {"hid_set_transport",       "(i)i",       AKIRA_CAP_HID, up_set_transport},
    {"hid_set_device_types",    "(i)i",       AKIRA_CAP_HID, up_set_device_types},
    {"hid_init",                "(ii)i",      AKIRA_CAP_HID, up_init},
};
/* clang-format on */

const struct akira_bridge_module akira_api_compat_hid = {
    .name = "compat_hid",
    .entries = entries,
    .count = sizeof entries / sizeof entries[0],
    .app_end = ch_app_end,
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

size_t akira_compat_hid_app_ram(void)
{
    return sizeof(struct ch_app);
}

/* The HID manager (akira/hid_manager.h). */
#include <string.h>

#include "akira/hid_manager.h"
#include "akira/mutex.h"

#define KEYQ 32

static struct {
    akira_mutex_t *lock; /* the key queue: filled under the host's lock, read by callers */
    akira_ble_host_t *h;
    akira_hogp_t *dev;
    akira_hid_host_t *host;
    int host_state;
    struct {
        uint16_t code;
        bool pressed;
    } q[KEYQ];
    unsigned head, n;
    uint32_t dropped;
    akira_hogp_cfg_t cfg; /* the device's, whose leds() the manager passes on */
    void (*leds)(void *user, uint16_t conn, uint8_t leds);
    void *leds_user;
} M;

static void on_leds(void *u, uint16_t conn, uint8_t leds)
{
    (void)u;
    if (M.cfg.leds) M.cfg.leds(M.cfg.user, conn, leds);
    if (M.leds) M.leds(M.leds_user, conn, leds);
}

void akira_hid_manager_on_leds(void (*fn)(void *user, uint16_t conn, uint8_t leds), void *user)
{
    M.leds = fn;
    M.leds_user = user;
}

akira_err_t akira_hid_manager_attach(akira_ble_host_t *h)
{
    if (!h) return AKIRA_EINVAL;
    if (M.h) return AKIRA_EEXIST;
    if (akira_mutex_create(&M.lock) != 0) return AKIRA_ENOMEM;
    M.h = h;
    return AKIRA_OK;
}

akira_err_t akira_hid_manager_start(akira_ble_host_t *h, const akira_hogp_cfg_t *cfg)
{
    if (!h || !cfg) return AKIRA_EINVAL;
    akira_err_t rc = akira_hid_manager_attach(h);
    if (rc != AKIRA_OK) return rc;
    M.cfg = *cfg;
    akira_hogp_cfg_t c = *cfg;
    c.leds = on_leds;
    rc = akira_hogp_create(h, &c, &M.dev);
    if (rc != AKIRA_OK) akira_hid_manager_stop();
    return rc;
}

void akira_hid_manager_stop(void)
{
    akira_hid_host_destroy(M.host);
    akira_hogp_destroy(M.dev);
    if (M.lock) akira_mutex_destroy(M.lock);
    void (*leds)(void *, uint16_t, uint8_t) = M.leds;
    void *leds_user = M.leds_user;
    memset(&M, 0, sizeof(M));
    M.leds = leds; /* a listener stays for the next start */
    M.leds_user = leds_user;
}

akira_err_t akira_hid_manager_keyboard(uint8_t modifiers, const uint8_t keys[6])
{
    if (!keys) return AKIRA_EINVAL;
    return M.dev ? akira_hogp_keyboard(M.dev, modifiers, keys) : AKIRA_ESTATE;
}

akira_err_t akira_hid_ascii_to_key(char c, uint8_t *code, bool *shift)
{
    static const char plain[] = "-=[]\\;'`,./";
    static const char shifted[] = "_+{}|:\"~<>?";
    static const uint8_t punct[] = {0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x33,
                                    0x34, 0x35, 0x36, 0x37, 0x38};
    static const char digits_shifted[] = ")!@#$%^&*(";
    *shift = false;
    if (c >= 'a' && c <= 'z') {
        *code = (uint8_t)(0x04 + (c - 'a'));
    } else if (c >= 'A' && c <= 'Z') {
        *code = (uint8_t)(0x04 + (c - 'A'));
        *shift = true;
    } else if (c >= '1' && c <= '9') {
        *code = (uint8_t)(0x1e + (c - '1'));
    } else if (c == '0') {
        *code = 0x27;
    } else if (c == '\n') {
        *code = 0x28;
    } else if (c == '\t') {
        *code = 0x2b;
    } else if (c == ' ') {
        *code = 0x2c;
    } else {
        const char *p;
        if (c && (p = strchr(plain, c))) {
            *code = punct[p - plain];
        } else if (c && (p = strchr(shifted, c))) {
            *code = punct[p - shifted];
            *shift = true;
        } else if (c && (p = strchr(digits_shifted, c))) {
            *code = (uint8_t)(p == digits_shifted ? 0x27 : 0x1e + (p - digits_shifted) - 1);
            *shift = true;
        } else {
            return AKIRA_ENOENT;
        }
    }
    return AKIRA_OK;
}

akira_err_t akira_hid_manager_tap(uint8_t code, uint8_t modifiers)
{
    if (!M.dev) return AKIRA_ESTATE;
    uint8_t keys[6] = {code};
    akira_err_t rc = akira_hogp_keyboard(M.dev, modifiers, keys);
    if (rc != AKIRA_OK) return rc;
    memset(keys, 0, sizeof keys);
    return akira_hogp_keyboard(M.dev, 0, keys);
}

akira_err_t akira_hid_manager_type(const char *text)
{
    if (!text) return AKIRA_EINVAL;
    for (; *text; text++) {
        uint8_t code;
        bool shift;
        akira_err_t rc = akira_hid_ascii_to_key(*text, &code, &shift);
        if (rc == AKIRA_OK) rc = akira_hid_manager_tap(code, shift ? 0x02 : 0);
        if (rc != AKIRA_OK) return rc;
    }
    return AKIRA_OK;
}

akira_err_t akira_hid_manager_mouse(uint8_t buttons, int8_t dx, int8_t dy, int8_t wheel)
{
    return M.dev ? akira_hogp_mouse(M.dev, buttons, dx, dy, wheel) : AKIRA_ESTATE;
}

akira_err_t akira_hid_manager_gamepad(uint16_t buttons, int8_t x, int8_t y, int8_t z, int8_t rz)
{
    return M.dev ? akira_hogp_gamepad(M.dev, buttons, x, y, z, rz) : AKIRA_ESTATE;
}

bool akira_hid_manager_subscribed(uint16_t conn)
{
    return M.dev && akira_hogp_subscribed(M.dev, conn);
}

akira_err_t akira_hid_manager_battery(uint8_t percent)
{
    return M.dev ? akira_hogp_battery(M.dev, percent) : AKIRA_ESTATE;
}

static void on_ready(void *u, uint16_t conn, int err)
{
    (void)u;
    (void)conn;
    M.host_state = err ? err : 1;
}

static void on_key(void *u, uint16_t conn, uint16_t code, bool pressed)
{
    (void)u;
    (void)conn;
    akira_mutex_lock(M.lock, -1);
    if (M.n == KEYQ) { /* the oldest goes */
        M.head = (M.head + 1) % KEYQ;
        M.n--;
        M.dropped++;
    }
    unsigned i = (M.head + M.n++) % KEYQ;
    M.q[i].code = code;
    M.q[i].pressed = pressed;
    akira_mutex_unlock(M.lock);
}

akira_err_t akira_hid_manager_connect(uint16_t conn, bool boot)
{
    if (!M.h) return AKIRA_ESTATE;
    if (M.host) return AKIRA_EBUSY;
    static const akira_hid_host_cb_t cb = {.ready = on_ready, .key = on_key};
    M.host_state = 0;
    return akira_hid_host_start(M.h, conn, boot, &cb, &M.host);
}

void akira_hid_manager_notification(uint16_t conn, uint16_t handle, const uint8_t *data, size_t len)
{
    if (M.host) akira_hid_host_notification(M.host, conn, handle, data, len);
}

akira_err_t akira_hid_manager_set_leds(uint8_t leds)
{
    return M.host && M.host_state == 1 ? akira_hid_host_set_leds(M.host, leds) : AKIRA_ESTATE;
}

int akira_hid_manager_host_state(void)
{
    return M.host_state;
}

akira_err_t akira_hid_manager_next_key(uint16_t *code, bool *pressed)
{
    if (!M.lock) return AKIRA_ESTATE;
    akira_mutex_lock(M.lock, -1);
    akira_err_t rc = AKIRA_ENOENT;
    if (M.n) {
        *code = M.q[M.head].code;
        *pressed = M.q[M.head].pressed;
        M.head = (M.head + 1) % KEYQ;
        M.n--;
        rc = AKIRA_OK;
    }
    akira_mutex_unlock(M.lock);
    return rc;
}

uint32_t akira_hid_manager_keys_dropped(void)
{
    return M.dropped;
}

/*
 * HID over GATT, device side: the HID, Battery and Device Information services, the
 * report map of the kinds asked for, report and boot protocol.
 */
#include <stdlib.h>
#include <string.h>

#include "akira/ble_hogp.h"

/* clang-format off */
static const uint8_t map_keyboard[] = {
    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x85, AKIRA_HOGP_ID_KEYBOARD,
    0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, /* modifiers */
    0x75, 0x01, 0x95, 0x08, 0x81, 0x02,
    0x95, 0x01, 0x75, 0x08, 0x81, 0x01,                         /* reserved */
    0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, /* LEDs */
    0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01,
    0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65,             /* 6 key codes */
    0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00,
    0xc0,
};
static const uint8_t map_mouse[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x85, AKIRA_HOGP_ID_MOUSE,
    0x09, 0x01, 0xa1, 0x00,
    0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01, /* 3 buttons */
    0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05, 0x81, 0x01,
    0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x09, 0x38,             /* X, Y, wheel */
    0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x03, 0x81, 0x06,
    0xc0, 0xc0,
};
static const uint8_t map_gamepad[] = {
    0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0x85, AKIRA_HOGP_ID_GAMEPAD,
    0x05, 0x09, 0x19, 0x01, 0x29, 0x10, 0x15, 0x00, 0x25, 0x01, /* 16 buttons */
    0x75, 0x01, 0x95, 0x10, 0x81, 0x02,
    0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x09, 0x32, 0x09, 0x35, /* X, Y, Z, Rz */
    0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x04, 0x81, 0x02,
    0xc0,
};
/* clang-format on */

enum { R_KBD_IN, R_KBD_OUT, R_MOUSE, R_PAD, R_COUNT };

struct report {
    struct akira_hogp *d;
    uint8_t id, type, len;
    uint8_t value[8];
};

struct akira_hogp {
    akira_ble_host_t *h;
    akira_hogp_cfg_t cfg;
    uint8_t protocol;
    uint8_t battery;
    uint8_t map[sizeof map_keyboard + sizeof map_mouse + sizeof map_gamepad];
    size_t map_len;
    struct report reports[R_COUNT];
    uint8_t boot_kbd[8], boot_mouse[3], leds;
    /* definitions the host points at (they live as long as this) */
    akira_ble_gatt_dsc_t refs[R_COUNT];
    akira_ble_gatt_chr_t hid_chrs[12], bas_chrs[1], dis_chrs[3];
    akira_ble_gatt_svc_t hid, bas, dis;
    uint16_t hid_handles[12], bas_handle, dis_handles[3];
    uint16_t h_report[R_COUNT], h_boot_kbd, h_boot_mouse;
    uint8_t pnp[7];
};

static int rd_map(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    return akira_ble_gatt_read_bytes(d->map, d->map_len, off, buf, cap);
}

static int rd_info(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)u;
    (void)conn;
    static const uint8_t info[4] = {0x11, 0x01, 0x00, 0x02}; /* HID 1.11, normally connectable */
    return akira_ble_gatt_read_bytes(info, 4, off, buf, cap);
}

static int wr_control(void *u, uint16_t conn, uint16_t off, const uint8_t *v, size_t n)
{
    struct akira_hogp *d = u;
    if (off || n != 1 || v[0] > 1) return -AKIRA_BLE_ATT_ERR_VALUE_NOT_ALLOWED;
    if (d->cfg.suspend) d->cfg.suspend(d->cfg.user, conn, v[0] == 0);
    return 0;
}

static int rd_protocol(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    return akira_ble_gatt_read_bytes(&d->protocol, 1, off, buf, cap);
}

static int wr_protocol(void *u, uint16_t conn, uint16_t off, const uint8_t *v, size_t n)
{
    struct akira_hogp *d = u;
    if (off || n != 1 || v[0] > 1) return -AKIRA_BLE_ATT_ERR_VALUE_NOT_ALLOWED;
    d->protocol = v[0];
    if (d->cfg.protocol) d->cfg.protocol(d->cfg.user, conn, v[0]);
    return 0;
}

static int rd_report(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct report *r = u;
    return akira_ble_gatt_read_bytes(r->value, r->len, off, buf, cap);
}

static int wr_leds(struct akira_hogp *d, uint16_t conn, uint16_t off, const uint8_t *v, size_t n)
{
    if (off || n != 1) return -AKIRA_BLE_ATT_ERR_INVALID_ATTR_LEN;
    d->leds = v[0];
    d->reports[R_KBD_OUT].value[0] = v[0];
    if (d->cfg.leds) d->cfg.leds(d->cfg.user, conn, v[0]);
    return 0;
}

static int wr_report_out(void *u, uint16_t conn, uint16_t off, const uint8_t *v, size_t n)
{
    struct report *r = u;
    return wr_leds(r->d, conn, off, v, n);
}

static int wr_boot_out(void *u, uint16_t conn, uint16_t off, const uint8_t *v, size_t n)
{
    return wr_leds(u, conn, off, v, n);
}

static int rd_boot_kbd(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    return akira_ble_gatt_read_bytes(d->boot_kbd, 8, off, buf, cap);
}

static int rd_boot_out(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    return akira_ble_gatt_read_bytes(&d->leds, 1, off, buf, cap);
}

static int rd_boot_mouse(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    return akira_ble_gatt_read_bytes(d->boot_mouse, 3, off, buf, cap);
}

static int rd_ref(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct report *r = u;
    uint8_t v[2] = {r->id, r->type};
    return akira_ble_gatt_read_bytes(v, 2, off, buf, cap);
}

static int rd_battery(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    return akira_ble_gatt_read_bytes(&d->battery, 1, off, buf, cap);
}

static int rd_manuf(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    const char *s = d->cfg.manufacturer ? d->cfg.manufacturer : "AkiraOS";
    return akira_ble_gatt_read_bytes((const uint8_t *)s, strlen(s), off, buf, cap);
}

static int rd_model(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    const char *s = d->cfg.model ? d->cfg.model : "akira-hid";
    return akira_ble_gatt_read_bytes((const uint8_t *)s, strlen(s), off, buf, cap);
}

static int rd_pnp(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    struct akira_hogp *d = u;
    return akira_ble_gatt_read_bytes(d->pnp, 7, off, buf, cap);
}

#define ENC_R  AKIRA_BLE_PERM_READ_ENC
#define ENC_RW (AKIRA_BLE_PERM_READ_ENC | AKIRA_BLE_PERM_WRITE_ENC)

akira_err_t akira_hogp_create(akira_ble_host_t *h, const akira_hogp_cfg_t *cfg, akira_hogp_t **out)
{
    if (!h || !cfg || !out || !cfg->kinds || (cfg->kinds & ~7u) || cfg->battery > 100)
        return AKIRA_EINVAL;
    struct akira_hogp *d = calloc(1, sizeof(*d));
    if (!d) return AKIRA_ENOMEM;
    d->h = h;
    d->cfg = *cfg;
    d->protocol = AKIRA_HOGP_PROTOCOL_REPORT;
    d->battery = cfg->battery;
    if (cfg->kinds & AKIRA_HOGP_KEYBOARD) {
        memcpy(d->map + d->map_len, map_keyboard, sizeof map_keyboard);
        d->map_len += sizeof map_keyboard;
    }
    if (cfg->kinds & AKIRA_HOGP_MOUSE) {
        memcpy(d->map + d->map_len, map_mouse, sizeof map_mouse);
        d->map_len += sizeof map_mouse;
    }
    if (cfg->kinds & AKIRA_HOGP_GAMEPAD) {
        memcpy(d->map + d->map_len, map_gamepad, sizeof map_gamepad);
        d->map_len += sizeof map_gamepad;
    }
    static const uint8_t rid[R_COUNT] = {AKIRA_HOGP_ID_KEYBOARD, AKIRA_HOGP_ID_KEYBOARD,
                                         AKIRA_HOGP_ID_MOUSE, AKIRA_HOGP_ID_GAMEPAD};
    static const uint8_t rtype[R_COUNT] = {1, 2, 1, 1};
    static const uint8_t rlen[R_COUNT] = {8, 1, 4, 6};
    for (int i = 0; i < R_COUNT; i++) {
        d->reports[i] = (struct report){.d = d, .id = rid[i], .type = rtype[i], .len = rlen[i]};
        d->refs[i] = (akira_ble_gatt_dsc_t){.uuid = AKIRA_BLE_UUID16(0x2908),
                                            .perm = ENC_R,
                                            .read = rd_ref,
                                            .user = &d->reports[i]};
    }
    bool boot = cfg->kinds & (AKIRA_HOGP_KEYBOARD | AKIRA_HOGP_MOUSE);
    uint8_t n = 0;
    int slot[R_COUNT] = {-1, -1, -1, -1};
    akira_ble_gatt_chr_t *c = d->hid_chrs;
    c[n++] = (akira_ble_gatt_chr_t){.uuid = AKIRA_BLE_UUID16(0x2a4a),
                                    .props = AKIRA_BLE_CHR_READ,
                                    .perm = ENC_R,
                                    .read = rd_info,
                                    .user = d};
    c[n++] = (akira_ble_gatt_chr_t){.uuid = AKIRA_BLE_UUID16(0x2a4b),
                                    .props = AKIRA_BLE_CHR_READ,
                                    .perm = ENC_R,
                                    .read = rd_map,
                                    .user = d};
    c[n++] = (akira_ble_gatt_chr_t){.uuid = AKIRA_BLE_UUID16(0x2a4c),
                                    .props = AKIRA_BLE_CHR_WRITE_NO_RSP,
                                    .perm = ENC_RW,
                                    .write = wr_control,
                                    .user = d};
    int proto_slot = -1;
    if (boot) {
        proto_slot = n;
        c[n++] = (akira_ble_gatt_chr_t){.uuid = AKIRA_BLE_UUID16(0x2a4e),
                                        .props = AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_WRITE_NO_RSP,
                                        .perm = ENC_RW,
                                        .read = rd_protocol,
                                        .write = wr_protocol,
                                        .user = d};
    }
    for (int i = 0; i < R_COUNT; i++) {
        bool want = (i <= R_KBD_OUT && (cfg->kinds & AKIRA_HOGP_KEYBOARD)) ||
                    (i == R_MOUSE && (cfg->kinds & AKIRA_HOGP_MOUSE)) ||
                    (i == R_PAD && (cfg->kinds & AKIRA_HOGP_GAMEPAD));
        if (!want) continue;
        slot[i] = n;
        bool out_report = i == R_KBD_OUT;
        c[n++] = (akira_ble_gatt_chr_t){
            .uuid = AKIRA_BLE_UUID16(0x2a4d),
            .props = out_report
                         ? (AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_WRITE | AKIRA_BLE_CHR_WRITE_NO_RSP)
                         : (AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_NOTIFY),
            .perm = ENC_RW,
            .read = rd_report,
            .write = out_report ? wr_report_out : NULL,
            .user = &d->reports[i],
            .dscs = &d->refs[i],
            .n_dscs = 1};
    }
    int bk = -1, bm = -1;
    if (cfg->kinds & AKIRA_HOGP_KEYBOARD) {
        bk = n;
        c[n++] = (akira_ble_gatt_chr_t){.uuid = AKIRA_BLE_UUID16(0x2a22),
                                        .props = AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_NOTIFY,
                                        .perm = ENC_RW,
                                        .read = rd_boot_kbd,
                                        .user = d};
        c[n++] = (akira_ble_gatt_chr_t){.uuid = AKIRA_BLE_UUID16(0x2a32),
                                        .props = AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_WRITE |
                                                 AKIRA_BLE_CHR_WRITE_NO_RSP,
                                        .perm = ENC_RW,
                                        .read = rd_boot_out,
                                        .write = wr_boot_out,
                                        .user = d};
    }
    if (cfg->kinds & AKIRA_HOGP_MOUSE) {
        bm = n;
        c[n++] = (akira_ble_gatt_chr_t){.uuid = AKIRA_BLE_UUID16(0x2a33),
                                        .props = AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_NOTIFY,
                                        .perm = ENC_RW,
                                        .read = rd_boot_mouse,
                                        .user = d};
    }
    (void)proto_slot;
    d->hid = (akira_ble_gatt_svc_t){.uuid = AKIRA_BLE_UUID16(0x1812), .chrs = c, .n_chrs = n};
    d->bas_chrs[0] = (akira_ble_gatt_chr_t){.uuid = AKIRA_BLE_UUID16(0x2a19),
                                            .props = AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_NOTIFY,
                                            .read = rd_battery,
                                            .user = d};
    d->bas =
        (akira_ble_gatt_svc_t){.uuid = AKIRA_BLE_UUID16(0x180f), .chrs = d->bas_chrs, .n_chrs = 1};
    d->pnp[0] = 0x02; /* USB Implementer's Forum vendor ID */
    d->pnp[1] = (uint8_t)cfg->vendor_id;
    d->pnp[2] = (uint8_t)(cfg->vendor_id >> 8);
    d->pnp[3] = (uint8_t)cfg->product_id;
    d->pnp[4] = (uint8_t)(cfg->product_id >> 8);
    d->pnp[5] = (uint8_t)cfg->version;
    d->pnp[6] = (uint8_t)(cfg->version >> 8);
    d->dis_chrs[0] = (akira_ble_gatt_chr_t){
        .uuid = AKIRA_BLE_UUID16(0x2a29), .props = AKIRA_BLE_CHR_READ, .read = rd_manuf, .user = d};
    d->dis_chrs[1] = (akira_ble_gatt_chr_t){
        .uuid = AKIRA_BLE_UUID16(0x2a24), .props = AKIRA_BLE_CHR_READ, .read = rd_model, .user = d};
    d->dis_chrs[2] = (akira_ble_gatt_chr_t){
        .uuid = AKIRA_BLE_UUID16(0x2a50), .props = AKIRA_BLE_CHR_READ, .read = rd_pnp, .user = d};
    d->dis =
        (akira_ble_gatt_svc_t){.uuid = AKIRA_BLE_UUID16(0x180a), .chrs = d->dis_chrs, .n_chrs = 3};
    akira_err_t rc = akira_ble_gatts_add(h, &d->hid, d->hid_handles);
    if (rc == AKIRA_OK) rc = akira_ble_gatts_add(h, &d->bas, &d->bas_handle);
    if (rc == AKIRA_OK) rc = akira_ble_gatts_add(h, &d->dis, d->dis_handles);
    if (rc != AKIRA_OK) {
        /* The table keeps what was added (it has no removal): the definitions stay. */
        *out = d;
        return rc;
    }
    for (int i = 0; i < R_COUNT; i++)
        if (slot[i] >= 0) d->h_report[i] = d->hid_handles[slot[i]];
    if (bk >= 0) d->h_boot_kbd = d->hid_handles[bk];
    if (bm >= 0) d->h_boot_mouse = d->hid_handles[bm];
    *out = d;
    return AKIRA_OK;
}

void akira_hogp_destroy(akira_hogp_t *d)
{
    free(d);
}

const uint8_t *akira_hogp_report_map(akira_hogp_t *d, size_t *len)
{
    *len = d->map_len;
    return d->map;
}

/* Notify every subscriber; ESTATE (nobody subscribed) is not an error for a report. */
static akira_err_t send(akira_hogp_t *d, uint16_t handle, const uint8_t *v, size_t n)
{
    akira_err_t rc = akira_ble_gatts_notify(d->h, AKIRA_BLE_CONN_ALL, handle, v, n);
    return rc == AKIRA_ESTATE ? AKIRA_OK : rc;
}

akira_err_t akira_hogp_keyboard(akira_hogp_t *d, uint8_t modifiers, const uint8_t keys[6])
{
    if (!d || !keys) return AKIRA_EINVAL;
    if (!d->h_report[R_KBD_IN]) return AKIRA_ENOTSUP;
    uint8_t *v = d->reports[R_KBD_IN].value;
    v[0] = modifiers;
    v[1] = 0;
    memcpy(v + 2, keys, 6);
    memcpy(d->boot_kbd, v, 8); /* the boot report has the same layout */
    if (d->protocol == AKIRA_HOGP_PROTOCOL_BOOT) return send(d, d->h_boot_kbd, d->boot_kbd, 8);
    return send(d, d->h_report[R_KBD_IN], v, 8);
}

akira_err_t akira_hogp_mouse(akira_hogp_t *d, uint8_t buttons, int8_t dx, int8_t dy, int8_t wheel)
{
    if (!d) return AKIRA_EINVAL;
    if (!d->h_report[R_MOUSE]) return AKIRA_ENOTSUP;
    uint8_t *v = d->reports[R_MOUSE].value;
    v[0] = buttons & 7;
    v[1] = (uint8_t)dx;
    v[2] = (uint8_t)dy;
    v[3] = (uint8_t)wheel;
    memcpy(d->boot_mouse, v, 3);
    if (d->protocol == AKIRA_HOGP_PROTOCOL_BOOT) return send(d, d->h_boot_mouse, d->boot_mouse, 3);
    return send(d, d->h_report[R_MOUSE], v, 4);
}

akira_err_t akira_hogp_gamepad(akira_hogp_t *d, uint16_t buttons, int8_t x, int8_t y, int8_t z,
                               int8_t rz)
{
    if (!d) return AKIRA_EINVAL;
    if (!d->h_report[R_PAD]) return AKIRA_ENOTSUP;
    uint8_t *v = d->reports[R_PAD].value;
    v[0] = (uint8_t)buttons;
    v[1] = (uint8_t)(buttons >> 8);
    v[2] = (uint8_t)x;
    v[3] = (uint8_t)y;
    v[4] = (uint8_t)z;
    v[5] = (uint8_t)rz;
    if (d->protocol == AKIRA_HOGP_PROTOCOL_BOOT) return AKIRA_OK; /* no boot gamepad */
    return send(d, d->h_report[R_PAD], v, 6);
}

bool akira_hogp_subscribed(akira_hogp_t *d, uint16_t conn)
{
    if (!d) return false;
    const uint16_t in[] = {d->h_report[R_KBD_IN], d->h_report[R_MOUSE], d->h_report[R_PAD],
                           d->h_boot_kbd, d->h_boot_mouse};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        if (in[i] && (akira_ble_gatts_subscription(d->h, conn, in[i]) & 1)) return true;
    return false;
}

akira_err_t akira_hogp_battery(akira_hogp_t *d, uint8_t percent)
{
    if (!d || percent > 100) return AKIRA_EINVAL;
    d->battery = percent;
    return send(d, d->bas_handle, &percent, 1);
}

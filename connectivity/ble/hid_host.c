/*
 * HID over GATT, host side: find the peer's HID service, its reports and report map,
 * subscribe, and turn input reports into key presses and releases, mouse motion and
 * usage values.
 */
#include <stdlib.h>
#include <string.h>

#include "akira/ble_hogp.h"

#define MAX_REPORTS 8
#define MAX_KEYS    14 /* 8 modifiers and 6 keys */
#define MAP_MAX     512

struct hh_report {
    uint16_t decl, value, cccd, ref;
    uint8_t props, id, type;
};

enum { S_SVC, S_CHRS, S_DSCS, S_REFS, S_MAP, S_PROTO, S_SUB, S_READY, S_FAILED };

struct akira_hid_host {
    akira_ble_host_t *h;
    uint16_t conn;
    bool boot;
    akira_hid_host_cb_t cb;
    uint8_t state;
    uint8_t idx; /* the report being worked on */
    uint16_t svc_start, svc_end;
    uint16_t map_handle, proto_handle, boot_out;
    struct hh_report r[MAX_REPORTS];
    uint8_t n;
    uint8_t buf[MAP_MAX];
    akira_hid_map_t map;
    uint16_t keys[MAX_KEYS];
    uint8_t n_keys;
    /* scratch of one report's decode */
    uint16_t now_keys[MAX_KEYS];
    uint8_t n_now;
    uint8_t buttons;
    int32_t dx, dy, wheel;
    bool mouse_seen;
};

static void advance(struct akira_hid_host *hh);

static void fail(struct akira_hid_host *hh, int err)
{
    hh->state = S_FAILED;
    if (hh->cb.ready) hh->cb.ready(hh->cb.user, hh->conn, err ? err : AKIRA_ENOENT);
}

static void on_item(void *user, uint16_t conn, const akira_ble_gattc_item_t *it)
{
    (void)conn;
    struct akira_hid_host *hh = user;
    akira_ble_uuid_t u;
    if (it->kind == AKIRA_BLE_GATTC_SERVICE && !hh->svc_start) {
        hh->svc_start = it->handle;
        hh->svc_end = it->end;
    } else if (it->kind == AKIRA_BLE_GATTC_CHARACTERISTIC) {
        uint16_t want = hh->boot ? 0x2a22 : 0x2a4d;
        u = AKIRA_BLE_UUID16(0x2a4b);
        if (akira_ble_uuid_eq(&it->uuid, &u)) hh->map_handle = it->end;
        u = AKIRA_BLE_UUID16(0x2a4e);
        if (akira_ble_uuid_eq(&it->uuid, &u)) hh->proto_handle = it->end;
        u = AKIRA_BLE_UUID16(0x2a32);
        if (akira_ble_uuid_eq(&it->uuid, &u)) hh->boot_out = it->end;
        /* A report's descriptors end where the next declaration starts. */
        if (hh->n && !hh->r[hh->n - 1].decl) hh->r[hh->n - 1].decl = it->handle;
        u = AKIRA_BLE_UUID16(want);
        if (akira_ble_uuid_eq(&it->uuid, &u) && hh->n < MAX_REPORTS) {
            hh->r[hh->n] = (struct hh_report){.value = it->end, .props = it->props};
            hh->n++;
        }
    } else if (it->kind == AKIRA_BLE_GATTC_DESCRIPTOR) {
        struct hh_report *r = &hh->r[hh->idx];
        u = AKIRA_BLE_UUID16(AKIRA_BLE_UUID_CCCD);
        if (akira_ble_uuid_eq(&it->uuid, &u)) r->cccd = it->handle;
        u = AKIRA_BLE_UUID16(0x2908);
        if (akira_ble_uuid_eq(&it->uuid, &u)) r->ref = it->handle;
    }
}

static void on_done(void *user, uint16_t conn, int err, size_t len)
{
    (void)conn;
    struct akira_hid_host *hh = user;
    if (err) {
        fail(hh, err);
        return;
    }
    switch (hh->state) {
    case S_SVC:
        if (!hh->svc_start) {
            fail(hh, AKIRA_ENOENT);
            return;
        }
        hh->state = S_CHRS;
        break;
    case S_CHRS:
        if (!hh->n) {
            fail(hh, AKIRA_ENOENT);
            return;
        }
        hh->state = S_DSCS;
        hh->idx = 0;
        break;
    case S_DSCS:
        if (++hh->idx == hh->n) {
            hh->idx = 0;
            hh->state = hh->boot ? S_PROTO : S_REFS;
        }
        break;
    case S_REFS:
        if (len == 2) {
            hh->r[hh->idx].id = hh->buf[0];
            hh->r[hh->idx].type = hh->buf[1];
        }
        if (++hh->idx == hh->n) {
            hh->idx = 0;
            hh->state = S_MAP;
        }
        break;
    case S_MAP: {
        akira_err_t e = akira_hid_map_parse(&hh->map, hh->buf, len);
        if (e != AKIRA_OK) {
            fail(hh, e);
            return;
        }
        hh->state = S_SUB;
        hh->idx = 0;
        break;
    }
    case S_SUB: hh->idx++; break;
    default: return;
    }
    advance(hh);
}

static void advance(struct akira_hid_host *hh)
{
    akira_err_t rc = AKIRA_OK;
    akira_ble_uuid_t hid = AKIRA_BLE_UUID16(0x1812);
    switch (hh->state) {
    case S_SVC:
        rc = akira_ble_gattc_discover_services(hh->h, hh->conn, &hid, on_item, on_done, hh);
        break;
    case S_CHRS:
        rc = akira_ble_gattc_discover_chrs(hh->h, hh->conn, hh->svc_start, hh->svc_end, on_item,
                                           on_done, hh);
        break;
    case S_DSCS: {
        struct hh_report *r = &hh->r[hh->idx];
        uint16_t end = r->decl ? (uint16_t)(r->decl - 1) : hh->svc_end;
        if (end <= r->value) { /* no descriptors */
            on_done(hh, hh->conn, 0, 0);
            return;
        }
        rc = akira_ble_gattc_discover_dscs(hh->h, hh->conn, (uint16_t)(r->value + 1), end, on_item,
                                           on_done, hh);
        break;
    }
    case S_REFS:
        if (!hh->r[hh->idx].ref) {
            on_done(hh, hh->conn, 0, 0);
            return;
        }
        rc = akira_ble_gattc_read(hh->h, hh->conn, hh->r[hh->idx].ref, hh->buf, 2, on_done, hh);
        break;
    case S_MAP:
        if (!hh->map_handle) {
            fail(hh, AKIRA_ENOENT);
            return;
        }
        rc = akira_ble_gattc_read(hh->h, hh->conn, hh->map_handle, hh->buf, sizeof hh->buf, on_done,
                                  hh);
        break;
    case S_PROTO: {
        /* Boot protocol: no map; tell the device with a Write Command. */
        uint8_t zero = AKIRA_HOGP_PROTOCOL_BOOT;
        if (!hh->proto_handle) {
            fail(hh, AKIRA_ENOENT);
            return;
        }
        rc = akira_ble_gattc_write_cmd(hh->h, hh->conn, hh->proto_handle, &zero, 1);
        hh->state = S_SUB;
        hh->idx = 0;
        if (rc == AKIRA_OK) advance(hh);
        break;
    }
    case S_SUB:
        while (hh->idx < hh->n && (!hh->r[hh->idx].cccd || (!hh->boot && hh->r[hh->idx].type != 1)))
            hh->idx++;
        if (hh->idx == hh->n) {
            hh->state = S_READY;
            if (hh->cb.ready) hh->cb.ready(hh->cb.user, hh->conn, 0);
            return;
        }
        rc = akira_ble_gattc_subscribe(hh->h, hh->conn, hh->r[hh->idx].cccd, 1, on_done, hh);
        break;
    default: return;
    }
    if (rc != AKIRA_OK) fail(hh, rc);
}

akira_err_t akira_hid_host_start(akira_ble_host_t *h, uint16_t conn, bool boot,
                                 const akira_hid_host_cb_t *cb, akira_hid_host_t **out)
{
    if (!h || !cb || !out) return AKIRA_EINVAL;
    struct akira_hid_host *hh = calloc(1, sizeof(*hh));
    if (!hh) return AKIRA_ENOMEM;
    hh->h = h;
    hh->conn = conn;
    hh->boot = boot;
    hh->cb = *cb;
    hh->state = S_SVC;
    akira_ble_uuid_t hid = AKIRA_BLE_UUID16(0x1812);
    akira_err_t rc = akira_ble_gattc_discover_services(h, conn, &hid, on_item, on_done, hh);
    if (rc != AKIRA_OK) {
        free(hh);
        return rc;
    }
    *out = hh;
    return AKIRA_OK;
}

void akira_hid_host_destroy(akira_hid_host_t *hh)
{
    free(hh);
}

const akira_hid_map_t *akira_hid_host_map(akira_hid_host_t *hh)
{
    return hh->state == S_READY && !hh->boot ? &hh->map : NULL;
}

static void add_key(struct akira_hid_host *hh, uint16_t code)
{
    if (hh->n_now < MAX_KEYS) hh->now_keys[hh->n_now++] = code;
}

static void on_usage(void *user, uint16_t page, uint16_t usage, int32_t value)
{
    struct akira_hid_host *hh = user;
    if (page == 0x07) {
        if (usage > 3 && value) add_key(hh, usage); /* 1..3 are error codes, not keys */
    } else if (page == 0x09 && usage >= 1 && usage <= 8 && hh->mouse_seen) {
        if (value) hh->buttons |= (uint8_t)(1u << (usage - 1));
    } else if (page == 0x01 && (usage == 0x30 || usage == 0x31 || usage == 0x38) &&
               hh->mouse_seen) {
        if (usage == 0x30) hh->dx = value;
        if (usage == 0x31) hh->dy = value;
        if (usage == 0x38) hh->wheel = value;
    } else if (hh->cb.usage) {
        hh->cb.usage(hh->cb.user, hh->conn, page, usage, value);
    }
}

static bool has(const uint16_t *set, uint8_t n, uint16_t k)
{
    for (uint8_t i = 0; i < n; i++)
        if (set[i] == k) return true;
    return false;
}

/* Key events for the difference between the last report's keys and this one's. */
static void key_diff(struct akira_hid_host *hh)
{
    if (hh->cb.key) {
        for (uint8_t i = 0; i < hh->n_keys; i++)
            if (!has(hh->now_keys, hh->n_now, hh->keys[i]))
                hh->cb.key(hh->cb.user, hh->conn, hh->keys[i], false);
        for (uint8_t i = 0; i < hh->n_now; i++)
            if (!has(hh->keys, hh->n_keys, hh->now_keys[i]))
                hh->cb.key(hh->cb.user, hh->conn, hh->now_keys[i], true);
    }
    memcpy(hh->keys, hh->now_keys, sizeof(hh->keys));
    hh->n_keys = hh->n_now;
}

/* Does this report (by ID) carry a mouse, i.e. X/Y on the Generic Desktop page? */
static bool is_mouse(const akira_hid_map_t *m, uint8_t id)
{
    for (size_t i = 0; i < m->n_fields; i++) {
        const akira_hid_field_t *f = &m->fields[i];
        if (f->report_id != id || f->page != 0x01 || !f->variable) continue;
        for (uint8_t k = 0; k < f->n_usages; k++)
            if (f->usages[k] == 0x38) return true; /* a wheel: a mouse, not a stick */
    }
    return false;
}

bool akira_hid_host_notification(akira_hid_host_t *hh, uint16_t conn, uint16_t handle,
                                 const uint8_t *data, size_t len)
{
    if (!hh || conn != hh->conn || hh->state != S_READY) return false;
    const struct hh_report *r = NULL;
    for (uint8_t i = 0; i < hh->n && !r; i++)
        if (hh->r[i].value == handle) r = &hh->r[i];
    if (!r) return false;
    hh->n_now = 0;
    if (hh->boot) { /* boot keyboard: modifiers, reserved, 6 key codes */
        if (len < 8) return true;
        for (int b = 0; b < 8; b++)
            if (data[0] & (1u << b)) add_key(hh, (uint16_t)(0xe0 + b));
        for (int k = 2; k < 8; k++)
            if (data[k] > 3) add_key(hh, data[k]);
        key_diff(hh);
        return true;
    }
    uint8_t rep[AKIRA_HID_REPORT_MAX];
    size_t n = 0;
    if (hh->map.uses_ids) rep[n++] = r->id;
    if (len > sizeof(rep) - n) return true; /* longer than any report of the map */
    memcpy(rep + n, data, len);
    n += len;
    bool keyboard = false;
    for (size_t i = 0; i < hh->map.n_fields; i++)
        if (hh->map.fields[i].report_id == r->id && hh->map.fields[i].page == 0x07) keyboard = true;
    hh->mouse_seen = is_mouse(&hh->map, r->id);
    hh->buttons = 0;
    hh->dx = hh->dy = hh->wheel = 0;
    if (akira_hid_report_decode(&hh->map, rep, n, on_usage, hh) != AKIRA_OK) return true;
    if (keyboard) key_diff(hh);
    if (hh->mouse_seen && hh->cb.mouse)
        hh->cb.mouse(hh->cb.user, hh->conn, hh->buttons, hh->dx, hh->dy, hh->wheel);
    return true;
}

akira_err_t akira_hid_host_set_leds(akira_hid_host_t *hh, uint8_t leds)
{
    if (!hh || hh->state != S_READY) return AKIRA_ESTATE;
    uint16_t handle = 0;
    if (hh->boot) {
        handle = hh->boot_out;
    } else {
        for (uint8_t i = 0; i < hh->n; i++)
            if (hh->r[i].type == 2) handle = hh->r[i].value;
    }
    if (!handle) return AKIRA_ENOTSUP;
    return akira_ble_gattc_write_cmd(hh->h, hh->conn, handle, &leds, 1);
}

/* The shared setup of the BLE host tests (ble_test_env.h). */
#include "ble_test_env.h"

#include <stdlib.h>
#include <string.h>

struct env E;

static void cb_connected(void *u, uint16_t conn, uint8_t role, const akira_ble_addr_t *peer)
{
    (void)conn;
    (void)role;
    (void)peer;
    ((struct env_side *)u)->connected++;
}
static void cb_disconnected(void *u, uint16_t conn, uint8_t reason)
{
    (void)conn;
    struct env_side *s = u;
    s->disconnected++;
    s->last_disc_reason = reason;
}
static void cb_sec(void *u, uint16_t conn, uint8_t level, akira_err_t err)
{
    (void)conn;
    struct env_side *s = u;
    s->sec_changes++;
    s->sec_level = level;
    s->sec_err = err;
}
static void cb_pair(void *u, uint16_t conn, uint8_t reason, bool bonded)
{
    (void)conn;
    struct env_side *s = u;
    s->pair_done++;
    s->pair_reason = reason;
    s->bonded = bonded;
}
static void cb_display(void *u, uint16_t conn, uint32_t pk)
{
    (void)conn;
    ((struct env_side *)u)->displayed = pk;
}
static void cb_entry(void *u, uint16_t conn)
{
    (void)conn;
    ((struct env_side *)u)->entry_asked = true;
}
static void cb_compare(void *u, uint16_t conn, uint32_t v)
{
    (void)conn;
    ((struct env_side *)u)->compared = v + 1; /* 0 means "not asked" */
}
static void cb_notify(void *u, uint16_t conn, uint16_t handle, const uint8_t *d, size_t n, bool ind)
{
    struct env_side *s = u;
    s->notifies++;
    s->notify_handle = handle;
    s->notify_len = n < sizeof(s->notify_data) ? n : sizeof(s->notify_data);
    memcpy(s->notify_data, d, s->notify_len);
    s->notify_ind = ind;
    if (s == &E.side[0] && E.notify_hook) E.notify_hook(conn, handle, d, n);
}
static void cb_ind_done(void *u, uint16_t conn, uint16_t handle, akira_err_t err)
{
    (void)conn;
    (void)handle;
    struct env_side *s = u;
    s->ind_done++;
    s->ind_err = err;
}
static void cb_sub(void *u, uint16_t conn, uint16_t vh, uint16_t v)
{
    (void)conn;
    (void)vh;
    (void)v;
    ((struct env_side *)u)->subs++;
}

void env_setup_store(void)
{
    for (int s = 0; s < 2; s++) {
        if (akira_sim_flash_open(&E.flash[s], s ? "f1" : "f0", NULL, 4 * 4096, 4096, 4)) abort();
        if (akira_flash_area_from_range(&E.flash[s].dev, "settings", 0, 4 * 4096, true, &E.fa[s]))
            abort();
        if (akira_settings_mount(&E.st[s], &E.fa[s])) abort();
    }
    E.have_store = true;
}

void env_hosts(uint8_t io0, uint8_t io1, bool mitm)
{
    static const akira_ble_host_cb_t cb = {
        .connected = cb_connected,
        .disconnected = cb_disconnected,
        .security_changed = cb_sec,
        .pairing_complete = cb_pair,
        .passkey_display = cb_display,
        .passkey_entry = cb_entry,
        .numeric_compare = cb_compare,
        .notification = cb_notify,
        .indicate_done = cb_ind_done,
        .subscribed = cb_sub,
    };
    for (int s = 0; s < 2; s++) {
        akira_ble_host_cfg_t cfg = {
            .lower = fake_lower(&E.link, s),
            .own_addr = E.link.addr[s],
            .io_cap = s ? io1 : io0,
            .mitm = mitm,
            .bondable = true,
            .settings = E.have_store ? &E.st[s] : NULL,
            .cb = cb,
            .cb_user = &E.side[s],
        };
        memset(&E.side[s], 0, sizeof(E.side[s]));
        if (akira_ble_host_create(&cfg, &E.link.host[s]) != AKIRA_OK) abort();
    }
}

/* ---- the test database ---- */

static int rd_name(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)u;
    (void)conn;
    static const char name[] = "akira-test";
    return akira_ble_gatt_read_bytes(name, sizeof name - 1, off, buf, cap);
}
static int rd_long(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)u;
    (void)conn;
    if (off > 300) return -AKIRA_BLE_ATT_ERR_INVALID_OFFSET;
    size_t n = 300u - off < cap ? 300u - off : cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(off + i);
    return (int)n;
}
static int rd_rw(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)u;
    (void)conn;
    return akira_ble_gatt_read_bytes(E.rw, E.rw_len, off, buf, cap);
}
static int wr_rw(void *u, uint16_t conn, uint16_t off, const uint8_t *d, size_t n)
{
    (void)u;
    (void)conn;
    if (off > E.rw_len && off != 0) return -AKIRA_BLE_ATT_ERR_INVALID_OFFSET;
    if (off + n > sizeof(E.rw)) return -AKIRA_BLE_ATT_ERR_INVALID_ATTR_LEN;
    memcpy(E.rw + off, d, n);
    E.rw_len = off + n;
    E.rw_writes++;
    return 0;
}
static int rd_secret(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    return rd_name(u, conn, off, buf, cap);
}
static int rd_dsc(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)u;
    (void)conn;
    static const char d[] = "rw value";
    return akira_ble_gatt_read_bytes(d, sizeof d - 1, off, buf, cap);
}

static const akira_ble_gatt_chr_t gap_chrs[] = {
    {.uuid = AKIRA_BLE_UUID16(0x2a00), .props = AKIRA_BLE_CHR_READ, .read = rd_name},
};
static const akira_ble_gatt_svc_t gap = {
    .uuid = AKIRA_BLE_UUID16(0x1800), .chrs = gap_chrs, .n_chrs = 1};
static const akira_ble_gatt_dsc_t rw_dscs[] = {
    {.uuid = AKIRA_BLE_UUID16(0x2901), .read = rd_dsc},
};
#define U128(last)                                                                                 \
    {                                                                                              \
        16,                                                                                        \
        {                                                                                          \
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,    \
                0x0f, last                                                                         \
        }                                                                                          \
    }
static const akira_ble_gatt_chr_t test_chrs[] = {
    {.uuid = U128(0x11), .props = AKIRA_BLE_CHR_READ, .read = rd_long},
    {.uuid = U128(0x12),
     .props = AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_WRITE | AKIRA_BLE_CHR_WRITE_NO_RSP,
     .read = rd_rw,
     .write = wr_rw,
     .dscs = rw_dscs,
     .n_dscs = 1},
    {.uuid = AKIRA_BLE_UUID16(0x2a37),
     .props = AKIRA_BLE_CHR_READ | AKIRA_BLE_CHR_NOTIFY | AKIRA_BLE_CHR_INDICATE,
     .read = rd_rw},
    {.uuid = AKIRA_BLE_UUID16(0x2a38),
     .props = AKIRA_BLE_CHR_READ,
     .perm = AKIRA_BLE_PERM_READ_ENC,
     .read = rd_secret},
    {.uuid = AKIRA_BLE_UUID16(0x2a39),
     .props = AKIRA_BLE_CHR_READ,
     .perm = AKIRA_BLE_PERM_READ_AUTHEN,
     .read = rd_secret},
};
static const akira_ble_gatt_svc_t test_svc = {.uuid = U128(0x10), .chrs = test_chrs, .n_chrs = 5};

void env_db(void)
{
    uint16_t vh[5];
    if (akira_ble_gatts_add(E.link.host[1], &gap, &E.h_name) != AKIRA_OK) abort();
    if (akira_ble_gatts_add(E.link.host[1], &test_svc, vh) != AKIRA_OK) abort();
    E.h_long = vh[0];
    E.h_rw = vh[1];
    E.h_dsc = (uint16_t)(vh[1] + 1);
    E.h_notify = vh[2];
    E.h_enc = vh[3];
    E.h_auth = vh[4];
    memcpy(E.rw, "hello", 5);
    E.rw_len = 5;
}

void env_teardown(void)
{
    for (int s = 0; s < 2; s++) {
        akira_ble_host_destroy(E.link.host[s]);
        E.link.host[s] = NULL;
    }
    if (E.have_store)
        for (int s = 0; s < 2; s++)
            akira_sim_flash_close(&E.flash[s]);
    E.have_store = false;
    E.notify_hook = NULL;
}

void env_done_cb(void *user, uint16_t conn, int err, size_t len)
{
    (void)conn;
    struct result *r = user;
    r->done = true;
    r->err = err;
    r->len = len;
}

void env_item_cb(void *user, uint16_t conn, const akira_ble_gattc_item_t *it)
{
    (void)conn;
    struct result *r = user;
    if (r->n_items < 32) r->items[r->n_items++] = *it;
}

/* The device's BLE host (akira/bt_host.h). */
#include <stdio.h>
#include <string.h>

#include <akira/ble_host_ll.h>
#include <akira/bt_host.h>
#include <akira/clock.h>
#include <akira/device.h>
#include <akira/drivers/sensor.h>
#include <akira/hid_manager.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/storage.h>
#include <akira/timer.h>

AKIRA_LOG_MODULE_REGISTER(ble_host);

static akira_ble_host_t *host;
static akira_timer_t *poll_timer;
static char dev_name[32];

static int rd_name(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)u;
    (void)conn;
    return akira_ble_gatt_read_bytes((const uint8_t *)dev_name, strlen(dev_name), off, buf, cap);
}

/* One BME280 channel, fetched now, scaled to the characteristic's unit. */
static int rd_env(void *u, uint16_t conn, uint16_t off, uint8_t *buf, size_t cap)
{
    (void)conn;
    uintptr_t which = (uintptr_t)u;
    const struct akira_device *dev = akira_device_get("bme280");
    struct akira_sensor_value v;
    enum akira_sensor_channel ch = which == AKIRA_BT_UUID_TEMPERATURE
                                       ? AKIRA_SENSOR_CHAN_AMBIENT_TEMP
                                   : which == AKIRA_BT_UUID_HUMIDITY ? AKIRA_SENSOR_CHAN_HUMIDITY
                                                                     : AKIRA_SENSOR_CHAN_PRESS;
    if (!dev || akira_sensor_sample_fetch(dev) != 0 || akira_sensor_channel_get(dev, ch, &v) != 0)
        return -AKIRA_BLE_ATT_ERR_UNLIKELY;
    uint8_t out[4];
    size_t n;
    if (which == AKIRA_BT_UUID_PRESSURE) { /* kPa in the sensor API; 0.1 Pa here */
        int64_t dpa = (int64_t)v.val1 * 10000 + v.val2 / 100;
        uint32_t p = dpa < 0 ? 0 : (uint32_t)dpa;
        out[0] = (uint8_t)p;
        out[1] = (uint8_t)(p >> 8);
        out[2] = (uint8_t)(p >> 16);
        out[3] = (uint8_t)(p >> 24);
        n = 4;
    } else { /* degC or %: hundredths */
        int32_t c = v.val1 * 100 + v.val2 / 10000;
        out[0] = (uint8_t)c;
        out[1] = (uint8_t)((uint32_t)c >> 8);
        n = 2;
    }
    return akira_ble_gatt_read_bytes(out, n, off, buf, cap);
}

static const akira_ble_gatt_chr_t gap_chrs[] = {
    {.uuid = AKIRA_BLE_UUID16(0x2a00), .props = AKIRA_BLE_CHR_READ, .read = rd_name},
};
static const akira_ble_gatt_svc_t gap = {
    .uuid = AKIRA_BLE_UUID16(0x1800), .chrs = gap_chrs, .n_chrs = 1};
static const akira_ble_gatt_chr_t ess_chrs[] = {
    {.uuid = AKIRA_BLE_UUID16(AKIRA_BT_UUID_TEMPERATURE),
     .props = AKIRA_BLE_CHR_READ,
     .read = rd_env,
     .user = (void *)(uintptr_t)AKIRA_BT_UUID_TEMPERATURE},
    {.uuid = AKIRA_BLE_UUID16(AKIRA_BT_UUID_HUMIDITY),
     .props = AKIRA_BLE_CHR_READ,
     .read = rd_env,
     .user = (void *)(uintptr_t)AKIRA_BT_UUID_HUMIDITY},
    {.uuid = AKIRA_BLE_UUID16(AKIRA_BT_UUID_PRESSURE),
     .props = AKIRA_BLE_CHR_READ,
     .read = rd_env,
     .user = (void *)(uintptr_t)AKIRA_BT_UUID_PRESSURE},
};
static const akira_ble_gatt_svc_t ess = {
    .uuid = AKIRA_BLE_UUID16(AKIRA_BT_UUID_ESS), .chrs = ess_chrs, .n_chrs = 3};

/* The other receivers of the host's events, after the BT host's own handling: the app
 * API module "ble" and the BLE transport (akira_bt_host_listen). A fixed table, filled
 * at start-up; the callbacks read it without a lock (a slot is written once). */
#define LISTENERS_MAX 2
static struct {
    const akira_ble_host_cb_t *volatile cb;
    void *user;
} listeners[LISTENERS_MAX];

void akira_bt_host_listen(const akira_ble_host_cb_t *cb, void *user)
{
    if (!cb) return;
    for (size_t i = 0; i < LISTENERS_MAX; i++) {
        if (listeners[i].cb == cb || !listeners[i].cb) {
            listeners[i].user = user;
            listeners[i].cb = cb;
            return;
        }
    }
    AKIRA_LOG_ERR("bt: more than %d receivers of the host's events", LISTENERS_MAX);
}

/* Calls field f of every receiver that has one, with the arguments after the user. */
#define EACH_LISTENER(f, ...)                                                                      \
    for (size_t i_ = 0; i_ < LISTENERS_MAX; i_++) {                                                \
        const akira_ble_host_cb_t *l_ = listeners[i_].cb;                                          \
        if (l_ && l_->f) l_->f(listeners[i_].user, __VA_ARGS__);                                   \
    }

static void on_notification(void *u, uint16_t conn, uint16_t handle, const uint8_t *d, size_t n,
                            bool ind)
{
    (void)u;
    akira_hid_manager_notification(conn, handle, d, n);
    EACH_LISTENER(notification, conn, handle, d, n, ind)
}

static void on_connected(void *u, uint16_t conn, uint8_t role, const akira_ble_addr_t *peer)
{
    (void)u;
    EACH_LISTENER(connected, conn, role, peer)
}

static void on_disconnected(void *u, uint16_t conn, uint8_t reason)
{
    (void)u;
    EACH_LISTENER(disconnected, conn, reason)
}

static void on_subscribed(void *u, uint16_t conn, uint16_t handle, uint16_t value)
{
    (void)u;
    EACH_LISTENER(subscribed, conn, handle, value)
}

static void on_indicate_done(void *u, uint16_t conn, uint16_t handle, akira_err_t err)
{
    (void)u;
    EACH_LISTENER(indicate_done, conn, handle, err)
}

static struct {
    akira_mutex_t *lock;
    uint32_t count;
    uint8_t reason;
    bool bonded;
} pairings;

uint32_t akira_bt_host_pairings(uint8_t *last_reason, bool *last_bonded)
{
    if (!pairings.lock) return 0;
    akira_mutex_lock(pairings.lock, -1);
    uint32_t n = pairings.count;
    if (last_reason) *last_reason = pairings.reason;
    if (last_bonded) *last_bonded = pairings.bonded;
    akira_mutex_unlock(pairings.lock);
    return n;
}

static void on_pairing(void *u, uint16_t conn, uint8_t reason, bool bonded)
{
    (void)u;
    akira_mutex_lock(pairings.lock, -1);
    pairings.count++;
    pairings.reason = reason;
    pairings.bonded = bonded;
    akira_mutex_unlock(pairings.lock);
    if (reason)
        AKIRA_LOG_WRN("bt: conn %u: pairing failed (SMP reason 0x%02x)", conn, reason);
    else
        AKIRA_LOG_INF("bt: conn %u: paired%s", conn, bonded ? ", bonded" : "");
}

static void poll_fn(akira_timer_t *t, void *user)
{
    (void)t;
    (void)user;
    if (host) akira_ble_host_poll(host, akira_uptime_ms());
}

akira_err_t akira_bt_host_start(const char *name)
{
    if (host) return AKIRA_EEXIST;
    if (!pairings.lock && akira_mutex_create(&pairings.lock) != 0) return AKIRA_ENOMEM;
    snprintf(dev_name, sizeof dev_name, "%s", name ? name : "akira");
    akira_ble_host_cfg_t cfg = {
        .io_cap = AKIRA_BLE_IO_NONE,
        /* Whole 251-byte pieces: the link layer cuts them to the connection's payload
         * size (27 before the length exchange), and a full notification at MTU 247 is
         * one queued PDU instead of ten (bench/ble/gatt_throughput.py). */
        .ll_payload = AKIRA_BLE_LL_DATA_MAX,
        .bondable = true,
        .settings = akira_storage_settings(),
        .settings_lock = akira_storage_lock,
        .settings_unlock = akira_storage_unlock,
        .cb = {.notification = on_notification,
               .pairing_complete = on_pairing,
               .connected = on_connected,
               .disconnected = on_disconnected,
               .subscribed = on_subscribed,
               .indicate_done = on_indicate_done},
    };
    akira_err_t rc = akira_ble_host_ll_start(&cfg, &host);
    if (rc != AKIRA_OK) return rc;
    if ((rc = akira_ble_gatts_add(host, &gap, NULL)) != AKIRA_OK ||
        (rc = akira_ble_gatts_add(host, &ess, NULL)) != AKIRA_OK ||
        (rc = (akira_err_t)akira_timer_create(&poll_timer, poll_fn, NULL)) != AKIRA_OK ||
        (rc = (akira_err_t)akira_timer_start(poll_timer, 50, 50)) != AKIRA_OK) {
        akira_bt_host_stop();
        return rc;
    }
    /* The device is a HID keyboard, mouse and gamepad (HOGP) for apps with `hid`; its
     * HID host role takes other nodes' keyboards. */
    static const akira_hogp_cfg_t hid = {
        .kinds = AKIRA_HOGP_KEYBOARD | AKIRA_HOGP_MOUSE | AKIRA_HOGP_GAMEPAD,
        .manufacturer = "AkiraOS",
        .model = "akira-hid",
        .vendor_id = 0x1d6b,
        .product_id = 0x0104,
        .version = 0x0100,
        .battery = 100,
    };
    if ((rc = akira_hid_manager_start(host, &hid)) != AKIRA_OK) {
        akira_bt_host_stop();
        return rc;
    }
    return AKIRA_OK;
}

void akira_bt_host_stop(void)
{
    if (poll_timer) {
        akira_timer_stop(poll_timer);
        akira_timer_destroy(poll_timer);
        poll_timer = NULL;
    }
    if (host) {
        akira_hid_manager_stop();
        akira_ble_host_ll_stop();
        host = NULL;
    }
}

akira_ble_host_t *akira_bt_host(void)
{
    return host;
}

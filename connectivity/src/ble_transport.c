/* The BLE transport (akira/ble_transport.h): the serial management protocol over a
 * GATT service, device side and central bridge. */
#include <akira/ble_transport.h>

#include <string.h>

#include <akira/board_config.h>
#include <akira/bt_host.h>
#include <akira/clock.h>
#include <akira/device.h>
#include <akira/drivers/uart.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/sem.h>
#include <akira/serial_link.h>
#include <akira/thread.h>

AKIRA_LOG_MODULE_DECLARE(connectivity);

#define RX_RING      1024u /* frame bytes from GATT writes not yet decoded (4 frames) */
#define NO_CONN      0xffffu
#define TX_WAIT_MS   2000 /* longest wait for room in the host's queue for one frame */
#define GATT_WAIT_MS 10000

/* 414b4952-4100-4d47-4d54-00000000000N, little endian. */
#define MGMT_UUID(n)                                                                               \
    {                                                                                              \
        16,                                                                                        \
        {                                                                                          \
            n, 0, 0, 0, 0, 0, 0x54, 0x4d, 0x47, 0x4d, 0x00, 0x41, 0x52, 0x49, 0x4b, 0x41           \
        }                                                                                          \
    }
const akira_ble_uuid_t akira_ble_mgmt_uuid_svc = MGMT_UUID(1);
const akira_ble_uuid_t akira_ble_mgmt_uuid_rx = MGMT_UUID(2);
const akira_ble_uuid_t akira_ble_mgmt_uuid_tx = MGMT_UUID(3);

/* --- Device side ---------------------------------------------------------------------- */

static struct {
    akira_mutex_t *lock; /* everything below */
    akira_ble_host_t *host;
    akira_ble_host_t *added; /* the host the service was added to */
    uint16_t handles[2];     /* value handles: RX, TX */
    struct akira_serial_link *link;
    uint16_t conn; /* the peer answered on TX */
    uint8_t ring[RX_RING];
    size_t head, len;
    struct akira_ble_transport_stats stats;
} D; /* zero: .bss (conn is set when the locks are made) */

static int wr_rx(void *u, uint16_t conn, uint16_t off, const uint8_t *data, size_t len)
{
    (void)u;
    if (off) return -AKIRA_BLE_ATT_ERR_INVALID_OFFSET;
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    struct akira_serial_link *link = D.link;
    if (link) {
        if (D.conn != conn) D.stats.peers++;
        D.conn = conn;
        size_t n = 0;
        for (; n < len && D.len < RX_RING; n++, D.len++)
            D.ring[(D.head + D.len) % RX_RING] = data[n];
        D.stats.rx_bytes += (uint32_t)n;
        D.stats.rx_dropped += (uint32_t)(len - n); /* the frame fails its CRC: resent */
    }
    akira_mutex_unlock(D.lock);
    if (link) akira_serial_link_rx_ready(link);
    return 0;
}

static int pipe_read(void *ctx, uint8_t *buf, size_t cap)
{
    (void)ctx;
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    size_t n = 0;
    for (; n < cap && D.len > 0; n++, D.len--) {
        buf[n] = D.ring[D.head];
        D.head = (D.head + 1) % RX_RING;
    }
    akira_mutex_unlock(D.lock);
    return (int)n;
}

/* One frame to the peer, in notifications of MTU - 3 bytes. */
static int pipe_write(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    uint16_t conn = D.conn, tx = D.handles[1];
    akira_ble_host_t *h = D.host;
    akira_mutex_unlock(D.lock);
    uint16_t mtu;
    if (conn == NO_CONN || !h || akira_ble_host_conn_info(h, conn, NULL, NULL, &mtu, NULL))
        return AKIRA_ENOTCONN;
    uint64_t t0 = akira_uptime_ms();
    for (size_t off = 0; off < len;) {
        size_t n = len - off < (size_t)mtu - 3 ? len - off : (size_t)mtu - 3;
        akira_err_t rc = akira_ble_gatts_notify(h, conn, tx, buf + off, n);
        if (rc == AKIRA_EAGAIN) {
            if (akira_uptime_ms() - t0 > TX_WAIT_MS) return AKIRA_ETIMEDOUT;
            akira_sleep_ms(5);
            continue;
        }
        if (rc != AKIRA_OK) return AKIRA_ENOTCONN; /* gone, or not subscribed */
        off += n;
    }
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    D.stats.tx_bytes += (uint32_t)len;
    akira_mutex_unlock(D.lock);
    return 0;
}

static const struct akira_serial_pipe ble_pipe = {"ble", pipe_read, pipe_write, NULL};

static const akira_ble_gatt_chr_t mgmt_chrs[] = {
    {.uuid = MGMT_UUID(2),
     .props = AKIRA_BLE_CHR_WRITE | AKIRA_BLE_CHR_WRITE_NO_RSP,
     .write = wr_rx},
    {.uuid = MGMT_UUID(3), .props = AKIRA_BLE_CHR_NOTIFY},
};
static const akira_ble_gatt_svc_t mgmt_svc = {.uuid = MGMT_UUID(1), .chrs = mgmt_chrs, .n_chrs = 2};

static void dev_disconnected(uint16_t conn)
{
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    if (D.conn == conn) D.conn = NO_CONN; /* the session waits for the peer's resume */
    akira_mutex_unlock(D.lock);
}

int akira_ble_transport_flood(uint16_t conn, uint32_t ms, uint32_t *count, uint16_t *mtu)
{
    *count = 0;
    if (!D.lock) return AKIRA_ENODEV;
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    akira_ble_host_t *h = D.added;
    uint16_t tx = D.handles[1];
    akira_mutex_unlock(D.lock);
    if (!h) return AKIRA_ENODEV;
    int rc = akira_ble_host_conn_info(h, conn, NULL, NULL, mtu, NULL);
    if (rc) return rc;
    static const uint8_t zeros[AKIRA_BLE_ATT_MTU_MAX - 3];
    uint64_t end = akira_uptime_ms() + ms;
    while (akira_uptime_ms() < end) {
        rc = akira_ble_gatts_notify(h, conn, tx, zeros, (size_t)*mtu - 3);
        if (rc == AKIRA_EAGAIN) {
            akira_sleep_ms(1);
            continue;
        }
        if (rc) return rc;
        (*count)++;
    }
    return 0;
}

/* --- Central side: the bridge --------------------------------------------------------- */

static struct {
    akira_mutex_t *lock; /* conn, the handles, uart */
    akira_sem_t *done, *rx;
    akira_thread_t *thread;
    akira_ble_host_t *host;
    const struct akira_device *uart;
    uint16_t conn, rx_handle, tx_handle, cccd, mtu;
    bool stop;
    int err;
    akira_ble_gattc_item_t svc;
} B;

static void on_listen_disc(void *u, uint16_t conn, uint8_t reason)
{
    (void)u;
    (void)reason;
    if (D.lock) dev_disconnected(conn);
    if (!B.lock) return;
    akira_mutex_lock(B.lock, AKIRA_FOREVER);
    if (B.conn == conn) {
        AKIRA_LOG_INF("ble link: conn %u lost (reason 0x%02x)", conn, reason);
        B.stop = true;
    }
    akira_mutex_unlock(B.lock);
    if (B.rx) akira_sem_give(B.rx);
}

static void on_listen_notify(void *u, uint16_t conn, uint16_t handle, const uint8_t *d, size_t n,
                             bool ind)
{
    (void)u;
    (void)ind;
    if (!B.lock) return;
    akira_mutex_lock(B.lock, AKIRA_FOREVER);
    if (conn == B.conn && handle == B.tx_handle && B.uart) {
        /* A UART that cannot take it all loses the rest: the frame is resent. */
        for (size_t off = 0; off < n;) {
            int w = akira_uart_write(B.uart, d + off, n - off);
            if (w <= 0) break;
            off += (size_t)w;
        }
    }
    akira_mutex_unlock(B.lock);
}

static const akira_ble_host_cb_t listener = {.disconnected = on_listen_disc,
                                             .notification = on_listen_notify};

static int ensure_locks(void)
{
    if (!D.lock) {
        D.conn = B.conn = NO_CONN;
        if (akira_mutex_create(&D.lock)) return AKIRA_ENOMEM;
    }
    if (!B.lock && (akira_mutex_create(&B.lock) || akira_sem_create(&B.done, 0, 1) ||
                    akira_sem_create(&B.rx, 0, 1)))
        return AKIRA_ENOMEM;
    akira_bt_host_listen(&listener, NULL);
    return 0;
}

int akira_ble_transport_start(akira_ble_host_t *host, struct akira_http_server *api,
                              uint32_t resume_ms)
{
    if (!host) return AKIRA_ENODEV;
    int rc = ensure_locks();
    if (rc) return rc;
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    if (D.link) {
        akira_mutex_unlock(D.lock);
        return AKIRA_EBUSY;
    }
    if (D.added != host) {
        rc = akira_ble_gatts_add(host, &mgmt_svc, D.handles);
        if (!rc) D.added = host;
    }
    D.host = host;
    D.conn = NO_CONN;
    D.head = D.len = 0;
    akira_mutex_unlock(D.lock);
    if (rc) return rc;
    struct akira_serial_link_config sc = {.pipe = &ble_pipe,
                                          .resume_ms = resume_ms,
                                          .api = api,
                                          .worker_stack = AKIRA_BOARD_SERIAL_STACK_SIZE};
    struct akira_serial_link *l;
    rc = akira_serial_link_start(&l, &sc);
    if (rc) return rc;
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    D.link = l;
    akira_mutex_unlock(D.lock);
    return 0;
}

void akira_ble_transport_stop(void)
{
    if (!D.lock) return;
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    struct akira_serial_link *l = D.link;
    D.link = NULL;
    D.conn = NO_CONN;
    akira_mutex_unlock(D.lock);
    akira_serial_link_stop(l);
}

void akira_ble_transport_stats(struct akira_ble_transport_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!D.lock) return;
    akira_mutex_lock(D.lock, AKIRA_FOREVER);
    *out = D.stats;
    akira_mutex_unlock(D.lock);
}

/* GATT client steps, one at a time, each waited for. */
static void g_done(void *u, uint16_t conn, int err, size_t len)
{
    (void)u;
    (void)conn;
    (void)len;
    B.err = err;
    akira_sem_give(B.done);
}

static void g_item(void *u, uint16_t conn, const akira_ble_gattc_item_t *it)
{
    (void)u;
    (void)conn;
    if (it->kind == AKIRA_BLE_GATTC_SERVICE) {
        B.svc = *it;
    } else if (it->kind == AKIRA_BLE_GATTC_CHARACTERISTIC) {
        if (akira_ble_uuid_eq(&it->uuid, &akira_ble_mgmt_uuid_rx)) B.rx_handle = it->end;
        if (akira_ble_uuid_eq(&it->uuid, &akira_ble_mgmt_uuid_tx)) B.tx_handle = it->end;
    } else if (it->kind == AKIRA_BLE_GATTC_DESCRIPTOR) {
        akira_ble_uuid_t cccd = AKIRA_BLE_UUID16(AKIRA_BLE_UUID_CCCD);
        if (!B.cccd && akira_ble_uuid_eq(&it->uuid, &cccd)) B.cccd = it->handle;
    }
}

static int g_wait(akira_err_t started)
{
    if (started != AKIRA_OK) return started;
    if (akira_sem_take(B.done, GATT_WAIT_MS) != 0) return AKIRA_ETIMEDOUT;
    return B.err > 0 ? AKIRA_EIO : B.err;
}

static void uart_cb(const struct akira_device *dev, uint32_t events, void *user)
{
    (void)dev;
    (void)user;
    if (events & AKIRA_UART_EVT_RX_READY) akira_sem_give(B.rx);
}

/* UART bytes to the peer's RX characteristic, MTU - 3 at a time. */
static int bridge_main(void *arg)
{
    (void)arg;
    uint8_t buf[AKIRA_BLE_ATT_MTU_MAX];
    for (;;) {
        akira_sem_take(B.rx, 100);
        akira_mutex_lock(B.lock, AKIRA_FOREVER);
        bool stop = B.stop;
        uint16_t conn = B.conn, h = B.rx_handle, seg = (uint16_t)(B.mtu - 3);
        akira_mutex_unlock(B.lock);
        if (stop) return 0;
        for (;;) {
            int n = akira_uart_read(B.uart, buf, seg);
            if (n <= 0) break;
            uint64_t t0 = akira_uptime_ms();
            akira_err_t rc;
            while ((rc = akira_ble_gattc_write_cmd(B.host, conn, h, buf, (size_t)n)) ==
                       AKIRA_EAGAIN &&
                   akira_uptime_ms() - t0 < TX_WAIT_MS)
                akira_sleep_ms(5);
            if (rc != AKIRA_OK) break; /* lost: the client's frames are resent */
        }
    }
}

int akira_ble_transport_link(akira_ble_host_t *host, uint16_t conn, const char *uart, uint16_t *mtu)
{
    if (!host || !uart) return AKIRA_EINVAL;
    int rc = ensure_locks();
    if (rc) return rc;
    const struct akira_device *u = akira_device_get(uart);
    if (!u || !akira_device_is_ready(u)) return AKIRA_ENODEV;
    akira_mutex_lock(B.lock, AKIRA_FOREVER);
    bool ended = B.thread && B.stop; /* the last bridge's link was lost */
    if (B.thread && !ended) {
        akira_mutex_unlock(B.lock);
        return AKIRA_EBUSY;
    }
    akira_mutex_unlock(B.lock);
    if (ended) akira_ble_transport_unlink();
    akira_mutex_lock(B.lock, AKIRA_FOREVER);
    B.host = host;
    B.conn = NO_CONN;
    B.rx_handle = B.tx_handle = B.cccd = 0;
    memset(&B.svc, 0, sizeof(B.svc));
    B.stop = false;
    akira_mutex_unlock(B.lock);
    while (akira_sem_take(B.done, 0) == 0) {
    }
    /* MTU, the service by UUID, its characteristics, the CCCD after TX's value. */
    rc = g_wait(akira_ble_gattc_exchange_mtu(host, conn, g_done, NULL));
    if (!rc)
        rc = g_wait(akira_ble_gattc_discover_services(host, conn, &akira_ble_mgmt_uuid_svc, g_item,
                                                      g_done, NULL));
    if (!rc && !B.svc.handle) rc = AKIRA_ENOENT;
    if (!rc)
        rc = g_wait(akira_ble_gattc_discover_chrs(host, conn, B.svc.handle, B.svc.end, g_item,
                                                  g_done, NULL));
    if (!rc && (!B.rx_handle || !B.tx_handle)) rc = AKIRA_ENOENT;
    if (!rc)
        rc = g_wait(akira_ble_gattc_discover_dscs(host, conn, (uint16_t)(B.tx_handle + 1),
                                                  B.svc.end, g_item, g_done, NULL));
    if (!rc && !B.cccd) rc = AKIRA_ENOENT;
    uint16_t m = AKIRA_BLE_ATT_MTU_MIN;
    if (!rc) rc = akira_ble_host_conn_info(host, conn, NULL, NULL, &m, NULL);
    if (rc) return rc == AKIRA_EIO ? AKIRA_ENOENT : rc; /* an ATT error: not found */
    /* Frames from the peer may come as soon as we subscribe: the bridge is set first. */
    while (akira_uart_read(u, (uint8_t[64]){0}, 64) > 0) {
    } /* stale bytes on the line */
    akira_mutex_lock(B.lock, AKIRA_FOREVER);
    B.uart = u;
    B.conn = conn;
    B.mtu = m;
    akira_mutex_unlock(B.lock);
    rc = g_wait(akira_ble_gattc_subscribe(host, conn, B.cccd, 1, g_done, NULL));
    if (!rc) rc = akira_uart_callback_set(u, uart_cb, NULL);
    if (!rc)
        rc = akira_thread_create(&B.thread, "ble-link", bridge_main, NULL, AKIRA_PRIO_DEFAULT,
                                 AKIRA_THREAD_STACK_DEFAULT);
    if (rc) {
        akira_uart_callback_set(u, NULL, NULL);
        akira_mutex_lock(B.lock, AKIRA_FOREVER);
        B.conn = NO_CONN;
        B.uart = NULL;
        akira_mutex_unlock(B.lock);
        return rc;
    }
    if (mtu) *mtu = m;
    return 0;
}

void akira_ble_transport_unlink(void)
{
    if (!B.lock || !B.thread) return;
    akira_mutex_lock(B.lock, AKIRA_FOREVER);
    B.stop = true;
    akira_mutex_unlock(B.lock);
    akira_sem_give(B.rx);
    akira_thread_join(B.thread, AKIRA_FOREVER, NULL);
    B.thread = NULL;
    akira_uart_callback_set(B.uart, NULL, NULL);
    akira_mutex_lock(B.lock, AKIRA_FOREVER);
    B.conn = NO_CONN;
    B.uart = NULL;
    akira_mutex_unlock(B.lock);
}

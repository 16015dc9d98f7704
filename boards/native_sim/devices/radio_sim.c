/*
 * native_sim radios "radio0" and "radio1" (akira/drivers/radio.h) on the simulated
 * medium: each a connection to the akira-radio broker on the Unix socket given with
 * --radio (docs/ble.md), at the node's position. radio0 is the Bluetooth LE radio (the
 * link layer owns it); radio1 is a second transceiver for raw RF and the mesh, a node
 * of its own on the medium (id --radio-node + 65536 when the node id is given). Without
 * --radio both are absent (init answers AKIRA_ENODEV).
 *
 * A host thread plays the receiver and its interrupt: it reads the broker's messages,
 * keeps the frames heard on the tuned frequency and access address while the receiver
 * is on, and hands each to the callback (outside the state lock) or to a bounded queue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <akira/clock.h>
#include <akira/drivers/driver.h>
#include <akira/drivers/radio.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/native_sim.h>
#include <akira/radio_medium.h>

AKIRA_LOG_MODULE_REGISTER(radio_sim);

#define RX_QUEUE 16

struct radio_sim {
    pthread_mutex_t lock;    /* everything below but the callback */
    pthread_cond_t cond;     /* queue or energy answer changed */
    pthread_mutex_t cb_lock; /* held while the callback runs */
    pthread_mutex_t tx_lock; /* one message at a time on the socket */
    int fd;
    bool failed;
    struct akira_radio_info info;
    struct akira_radio_config cfg;
    bool rx_on;
    akira_radio_rx_cb_t cb;
    void *cb_user;
    struct akira_radio_frame q[RX_QUEUE];
    unsigned qh, qn;
    uint32_t energy_token, energy_answered;
    int8_t energy_dbm;
    struct akira_radio_stats st;
    uint32_t id_offset;                /* added to --radio-node for this radio */
    struct akira_radio_frame cb_frame; /* the receive thread's frame for the callback */
};

#define RADIO_SIM_INIT(offset)                                                                     \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER, .cb_lock = PTHREAD_MUTEX_INITIALIZER,                   \
        .tx_lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1,                                            \
        .cfg = {2402, AKIRA_RADIO_BLE_1M, 0, AKIRA_RADIO_BLE_ADV_AA}, .id_offset = (offset),       \
    }
static struct radio_sim r0 = RADIO_SIM_INIT(0), r1 = RADIO_SIM_INIT(65536);

static int msg_send(struct radio_sim *r, const uint8_t *m, size_t len)
{
    pthread_mutex_lock(&r->tx_lock);
    ssize_t n = send(r->fd, m, len, MSG_NOSIGNAL);
    pthread_mutex_unlock(&r->tx_lock);
    return n == (ssize_t)len ? 0 : AKIRA_EIO;
}

static void on_rx(const struct akira_device *dev, struct radio_sim *r, const uint8_t *m, size_t n)
{
    if (n <= AKIRA_MEDIUM_RX_HDR || n > AKIRA_MEDIUM_MSG_MAX) return;
    uint16_t freq = akira_medium_get16(m + 1);
    uint32_t aa = akira_medium_get32(m + 6);
    pthread_mutex_lock(&r->lock);
    if (!r->rx_on || freq != r->cfg.freq_mhz || m[3] != r->cfg.rate) {
        pthread_mutex_unlock(&r->lock);
        return;
    }
    if (aa != r->cfg.access_address) {
        r->st.rx_filtered++;
        pthread_mutex_unlock(&r->lock);
        return;
    }
    struct akira_radio_frame *f;
    bool to_cb = r->cb != NULL;
    if (to_cb) {
        f = &r->cb_frame;
    } else if (r->qn == RX_QUEUE) {
        r->st.rx_dropped++;
        pthread_mutex_unlock(&r->lock);
        return;
    } else {
        f = &r->q[(r->qh + r->qn) % RX_QUEUE];
    }
    f->timestamp_us = akira_uptime_us();
    f->access_address = aa;
    f->freq_mhz = freq;
    f->rate = m[3];
    f->rssi_dbm = (int8_t)m[4];
    f->lqi = m[5];
    f->len = (uint16_t)(n - AKIRA_MEDIUM_RX_HDR);
    memcpy(f->data, m + AKIRA_MEDIUM_RX_HDR, f->len);
    r->st.rx_frames++;
    if (!to_cb) {
        r->qn++;
        pthread_cond_broadcast(&r->cond);
    }
    pthread_mutex_unlock(&r->lock);
    if (to_cb) {
        pthread_mutex_lock(&r->cb_lock);
        if (r->cb) r->cb(dev, f, r->cb_user);
        pthread_mutex_unlock(&r->cb_lock);
    }
}

static void *radio_thread(void *arg)
{
    const struct akira_device *dev = arg;
    struct radio_sim *r = dev->data;
    uint8_t m[AKIRA_MEDIUM_MSG_MAX + 16];
    for (;;) {
        ssize_t n = recv(r->fd, m, sizeof(m), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (m[0] == AKIRA_MEDIUM_RX) {
            on_rx(dev, r, m, (size_t)n);
        } else if (m[0] == AKIRA_MEDIUM_ENERGY_A && n >= 6) {
            pthread_mutex_lock(&r->lock);
            r->energy_answered = akira_medium_get32(m + 1);
            r->energy_dbm = (int8_t)m[5];
            pthread_cond_broadcast(&r->cond);
            pthread_mutex_unlock(&r->lock);
        }
    }
    pthread_mutex_lock(&r->lock);
    r->failed = true;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
    AKIRA_LOG_ERR("%s: the medium closed the connection", dev->name);
    return NULL;
}

static int radio_init(const struct akira_device *dev)
{
    struct radio_sim *r = dev->data;
    const struct akira_board_options *o = akira_board_options();
    if (!o->radio_socket) return AKIRA_ENODEV;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cond, &ca);
    pthread_condattr_destroy(&ca);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(o->radio_socket) >= sizeof(sa.sun_path)) return AKIRA_EINVAL;
    strcpy(sa.sun_path, o->radio_socket);
    r->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (r->fd < 0 || connect(r->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        AKIRA_LOG_ERR("%s: no medium at %s: %s", dev->name, o->radio_socket, strerror(errno));
        if (r->fd >= 0) close(r->fd);
        r->fd = -1;
        return AKIRA_EIO;
    }
    uint8_t hello[13] = {AKIRA_MEDIUM_HELLO};
    akira_medium_put32(hello + 1, o->radio_node ? o->radio_node + r->id_offset : 0);
    akira_medium_put32(hello + 5, (uint32_t)o->radio_x_cm);
    akira_medium_put32(hello + 9, (uint32_t)o->radio_y_cm);
    uint8_t ans[256];
    struct timeval tv = {5, 0};
    setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ssize_t n = msg_send(r, hello, sizeof(hello)) == 0 ? recv(r->fd, ans, sizeof(ans) - 1, 0) : -1;
    tv.tv_sec = 0;
    setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (n < 5 || ans[0] != AKIRA_MEDIUM_WELCOME) {
        if (n > 1 && ans[0] == AKIRA_MEDIUM_REFUSED) {
            ans[n] = '\0';
            AKIRA_LOG_ERR("%s: the medium refused: %s", dev->name, (char *)ans + 1);
        } else {
            AKIRA_LOG_ERR("%s: no answer from the medium at %s", dev->name, o->radio_socket);
        }
        close(r->fd);
        r->fd = -1;
        return AKIRA_EIO;
    }
    r->info.node_id = akira_medium_get32(ans + 1);
    r->info.x_cm = o->radio_x_cm;
    r->info.y_cm = o->radio_y_cm;
    r->cfg.tx_power_dbm = o->radio_tx_power;
    pthread_t t;
    if (pthread_create(&t, NULL, radio_thread, (void *)dev) != 0) return AKIRA_EAGAIN;
    pthread_detach(t);
    AKIRA_LOG_INF("%s: node %u on the medium %s at %.2f,%.2f m, %d dBm", dev->name, r->info.node_id,
                  o->radio_socket, o->radio_x_cm / 100.0, o->radio_y_cm / 100.0, o->radio_tx_power);
    return 0;
}

static int radio_configure(const struct akira_device *dev, const struct akira_radio_config *cfg)
{
    struct radio_sim *r = dev->data;
    pthread_mutex_lock(&r->lock);
    r->cfg = *cfg;
    r->qn = 0;
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static int radio_send(const struct akira_device *dev, const uint8_t *data, size_t len)
{
    struct radio_sim *r = dev->data;
    uint8_t m[AKIRA_MEDIUM_TX_HDR + AKIRA_RADIO_FRAME_MAX];
    pthread_mutex_lock(&r->lock);
    struct akira_radio_config c = r->cfg;
    bool failed = r->failed;
    if (!failed) r->st.tx_frames++;
    pthread_mutex_unlock(&r->lock);
    if (failed) return AKIRA_EIO;
    m[0] = AKIRA_MEDIUM_TX;
    akira_medium_put16(m + 1, c.freq_mhz);
    m[3] = c.rate;
    m[4] = (uint8_t)c.tx_power_dbm;
    akira_medium_put32(m + 5, c.access_address);
    memcpy(m + AKIRA_MEDIUM_TX_HDR, data, len);
    return msg_send(r, m, AKIRA_MEDIUM_TX_HDR + len);
}

static int radio_rx_enable(const struct akira_device *dev, bool on)
{
    struct radio_sim *r = dev->data;
    pthread_mutex_lock(&r->lock);
    r->rx_on = on;
    if (!on) r->qn = 0;
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static void deadline_of(struct timespec *ts, int32_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static int radio_recv(const struct akira_device *dev, struct akira_radio_frame *out,
                      int32_t timeout_ms)
{
    struct radio_sim *r = dev->data;
    struct timespec dl;
    if (timeout_ms > 0) deadline_of(&dl, timeout_ms);
    pthread_mutex_lock(&r->lock);
    int rc = 0;
    for (;;) {
        if (!r->rx_on || r->cb) {
            rc = AKIRA_ESTATE;
            break;
        }
        if (r->qn > 0) {
            *out = r->q[r->qh];
            r->qh = (r->qh + 1) % RX_QUEUE;
            r->qn--;
            break;
        }
        if (r->failed) {
            rc = AKIRA_EIO;
            break;
        }
        if (timeout_ms == AKIRA_NO_WAIT) {
            rc = AKIRA_EAGAIN;
            break;
        }
        if (timeout_ms == AKIRA_FOREVER) {
            pthread_cond_wait(&r->cond, &r->lock);
        } else if (pthread_cond_timedwait(&r->cond, &r->lock, &dl) == ETIMEDOUT && r->qn == 0) {
            rc = AKIRA_ETIMEDOUT;
            break;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

static int radio_callback_set(const struct akira_device *dev, akira_radio_rx_cb_t cb, void *user)
{
    struct radio_sim *r = dev->data;
    pthread_mutex_lock(&r->cb_lock);
    pthread_mutex_lock(&r->lock);
    r->cb = cb;
    r->cb_user = user;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
    pthread_mutex_unlock(&r->cb_lock);
    return 0;
}

static int radio_energy(const struct akira_device *dev, int8_t *dbm)
{
    struct radio_sim *r = dev->data;
    uint8_t m[7] = {AKIRA_MEDIUM_ENERGY};
    pthread_mutex_lock(&r->lock);
    uint32_t token = ++r->energy_token;
    akira_medium_put16(m + 1, r->cfg.freq_mhz);
    pthread_mutex_unlock(&r->lock);
    akira_medium_put32(m + 3, token);
    int rc = msg_send(r, m, sizeof(m));
    if (rc != 0) return rc;
    struct timespec dl;
    deadline_of(&dl, 1000);
    pthread_mutex_lock(&r->lock);
    while (r->energy_answered != token && !r->failed && rc == 0)
        if (pthread_cond_timedwait(&r->cond, &r->lock, &dl) == ETIMEDOUT) rc = AKIRA_EIO;
    if (r->energy_answered == token) {
        *dbm = r->energy_dbm;
        rc = 0;
    } else {
        rc = AKIRA_EIO;
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

static int radio_stats_get(const struct akira_device *dev, struct akira_radio_stats *out)
{
    struct radio_sim *r = dev->data;
    pthread_mutex_lock(&r->lock);
    *out = r->st;
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static int radio_info_get(const struct akira_device *dev, struct akira_radio_info *out)
{
    struct radio_sim *r = dev->data;
    pthread_mutex_lock(&r->lock);
    *out = r->info;
    out->tx_power_dbm = r->cfg.tx_power_dbm;
    out->sensitivity_dbm = (int8_t)akira_medium_sensitivity(r->cfg.rate);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static const struct akira_radio_api radio_api = {
    .configure = radio_configure,
    .send = radio_send,
    .rx_enable = radio_rx_enable,
    .recv = radio_recv,
    .callback_set = radio_callback_set,
    .energy = radio_energy,
    .stats_get = radio_stats_get,
    .info_get = radio_info_get,
};

AKIRA_DRIVER_DEFINE(native_sim_radio0, AKIRA_DRIVER_RADIO, "radio0", radio_init, &r0, NULL,
                    AKIRA_INIT_POST_KERNEL, 30, &radio_api);
AKIRA_DRIVER_DEFINE(native_sim_radio1, AKIRA_DRIVER_RADIO, "radio1", radio_init, &r1, NULL,
                    AKIRA_INIT_POST_KERNEL, 31, &radio_api);

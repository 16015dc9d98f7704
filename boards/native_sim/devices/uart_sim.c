/*
 * native_sim UARTs: "uart0" with its TX wired to its RX (a loopback plug), "uart1" on
 * a host pseudo-terminal for apps (its slave path is logged at boot; connect with
 * `screen /dev/pts/N` or open it in a test), and "mgmt" on a pty of its own: the
 * serial management link's line (docs/serial.md), the board's second serial port.
 *
 * Each UART has a transmit and a receive ring buffer and a host thread playing the
 * UART hardware and its interrupt: it drains TX (into RX for uart0, into the pty for
 * uart1), fills RX (from the pty for uart1), and calls the callback with the events,
 * outside the buffer lock. Bytes arriving with RX full are dropped and reported as
 * RX_OVERRUN, like a hardware FIFO overrun.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <akira/drivers/driver.h>
#include <akira/drivers/uart.h>
#include <akira/err.h>
#include <akira/log.h>

#include "sim.h"

AKIRA_LOG_MODULE_REGISTER(uart_sim);

#define RING_SIZE 512

struct ring {
    uint8_t b[RING_SIZE];
    size_t head, len;
};

static size_t ring_put(struct ring *r, const uint8_t *p, size_t n)
{
    size_t k = 0;
    for (; k < n && r->len < RING_SIZE; k++, r->len++)
        r->b[(r->head + r->len) % RING_SIZE] = p[k];
    return k;
}

static size_t ring_get(struct ring *r, uint8_t *p, size_t n)
{
    size_t k = 0;
    for (; k < n && r->len > 0; k++, r->len--, r->head = (r->head + 1) % RING_SIZE)
        p[k] = r->b[r->head];
    return k;
}

struct uart {
    pthread_mutex_t lock;    /* rings, flags */
    pthread_mutex_t cb_lock; /* held while the callback runs */
    int wake[2];             /* pipe: write a byte to wake the UART thread */
    struct ring tx, rx;
    uint32_t events; /* to deliver */
    akira_uart_callback_t cb;
    void *cb_user;
    bool loopback;
    int pty;       /* uart1: master fd; -1 otherwise */
    int pty_slave; /* kept open so the master never sees a hangup */
    char pty_path[64];
    bool failed; /* the pty went away */
};

static struct uart u0 = {.lock = PTHREAD_MUTEX_INITIALIZER,
                         .cb_lock = PTHREAD_MUTEX_INITIALIZER,
                         .loopback = true,
                         .pty = -1,
                         .pty_slave = -1};
static struct uart u1 = {.lock = PTHREAD_MUTEX_INITIALIZER,
                         .cb_lock = PTHREAD_MUTEX_INITIALIZER,
                         .pty = -1,
                         .pty_slave = -1};

static struct uart u2 = {.lock = PTHREAD_MUTEX_INITIALIZER,
                         .cb_lock = PTHREAD_MUTEX_INITIALIZER,
                         .pty = -1,
                         .pty_slave = -1};

static void wake(struct uart *u)
{
    char c = 1;
    ssize_t rc = write(u->wake[1], &c, 1); /* a full pipe already means "wake up" */
    (void)rc;
}

static void deliver(const struct akira_device *dev, struct uart *u)
{
    pthread_mutex_lock(&u->lock);
    uint32_t ev = u->events;
    u->events = 0;
    pthread_mutex_unlock(&u->lock);
    if (!ev) return;
    pthread_mutex_lock(&u->cb_lock);
    if (u->cb) u->cb(dev, ev, u->cb_user);
    pthread_mutex_unlock(&u->cb_lock);
}

/* Moves bytes along the wires; lock held. */
static void pump_locked(struct uart *u)
{
    if (u->tx.len == 0) return;
    if (u->loopback) {
        uint8_t buf[RING_SIZE];
        size_t n = ring_get(&u->tx, buf, sizeof(buf));
        size_t put = ring_put(&u->rx, buf, n);
        if (put > 0) u->events |= AKIRA_UART_EVT_RX_READY;
        if (put < n) u->events |= AKIRA_UART_EVT_RX_OVERRUN;
        u->events |= AKIRA_UART_EVT_TX_DONE;
        return;
    }
    /* pty: write what the host takes now; the rest waits for POLLOUT. */
    while (u->tx.len > 0) {
        size_t first = RING_SIZE - u->tx.head;
        if (first > u->tx.len) first = u->tx.len;
        ssize_t w = write(u->pty, u->tx.b + u->tx.head, first);
        if (w <= 0) {
            if (w < 0 && errno != EAGAIN && errno != EINTR) u->failed = true;
            break;
        }
        u->tx.head = (u->tx.head + (size_t)w) % RING_SIZE;
        u->tx.len -= (size_t)w;
    }
    if (u->tx.len == 0) u->events |= AKIRA_UART_EVT_TX_DONE;
}

static void *uart_thread(void *arg)
{
    const struct akira_device *dev = arg;
    struct uart *u = dev->data;
    for (;;) {
        pthread_mutex_lock(&u->lock);
        pump_locked(u);
        bool want_out = u->pty >= 0 && u->tx.len > 0 && !u->failed;
        pthread_mutex_unlock(&u->lock);
        deliver(dev, u);
        struct pollfd p[2] = {{.fd = u->wake[0], .events = POLLIN},
                              {.fd = u->pty, .events = (short)(POLLIN | (want_out ? POLLOUT : 0))}};
        int n = poll(p, u->pty >= 0 && !u->failed ? 2 : 1, -1);
        if (n < 0) continue;
        if (p[0].revents & POLLIN) {
            char drain[64];
            ssize_t r = read(u->wake[0], drain, sizeof(drain));
            (void)r;
        }
        if (u->pty >= 0 && (p[1].revents & POLLIN)) {
            uint8_t buf[256];
            ssize_t r = read(u->pty, buf, sizeof(buf));
            pthread_mutex_lock(&u->lock);
            if (r > 0) {
                size_t put = ring_put(&u->rx, buf, (size_t)r);
                if (put > 0) u->events |= AKIRA_UART_EVT_RX_READY;
                if (put < (size_t)r) u->events |= AKIRA_UART_EVT_RX_OVERRUN;
            }
            pthread_mutex_unlock(&u->lock);
        }
        if (u->pty >= 0 && (p[1].revents & (POLLERR | POLLNVAL))) {
            pthread_mutex_lock(&u->lock);
            u->failed = true;
            pthread_mutex_unlock(&u->lock);
        }
    }
    return NULL;
}

static int open_pty(struct uart *u)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (m < 0) return AKIRA_EIO;
    if (grantpt(m) != 0 || unlockpt(m) != 0 ||
        ptsname_r(m, u->pty_path, sizeof(u->pty_path)) != 0) {
        close(m);
        return AKIRA_EIO;
    }
    int s = open(u->pty_path, O_RDWR | O_NOCTTY);
    if (s < 0) {
        close(m);
        return AKIRA_EIO;
    }
    /* A raw line: bytes pass unchanged (no echo, no CR/LF translation). */
    struct termios t;
    if (tcgetattr(s, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(s, TCSANOW, &t);
    }
    u->pty = m;
    u->pty_slave = s;
    return 0;
}

static int uart_init(const struct akira_device *dev)
{
    struct uart *u = dev->data;
    if (pipe2(u->wake, O_NONBLOCK | O_CLOEXEC) != 0) return AKIRA_EIO;
    if (!u->loopback) {
        int rc = open_pty(u);
        if (rc != 0) return rc;
        AKIRA_LOG_INF("%s on pty %s", dev->name, u->pty_path);
    }
    pthread_t t;
    if (pthread_create(&t, NULL, uart_thread, (void *)dev) != 0) return AKIRA_EAGAIN;
    pthread_detach(t);
    return 0;
}

static int uart_write(const struct akira_device *dev, const uint8_t *buf, size_t len)
{
    struct uart *u = dev->data;
    pthread_mutex_lock(&u->lock);
    int rc = u->failed ? AKIRA_EIO : (int)ring_put(&u->tx, buf, len > INT32_MAX ? INT32_MAX : len);
    pthread_mutex_unlock(&u->lock);
    if (rc == 0) return AKIRA_EAGAIN;
    if (rc > 0) wake(u);
    return rc;
}

static int uart_read(const struct akira_device *dev, uint8_t *buf, size_t len)
{
    struct uart *u = dev->data;
    pthread_mutex_lock(&u->lock);
    int rc = (int)ring_get(&u->rx, buf, len > INT32_MAX ? INT32_MAX : len);
    if (rc == 0 && u->failed) rc = AKIRA_EIO;
    pthread_mutex_unlock(&u->lock);
    return rc == 0 ? AKIRA_EAGAIN : rc;
}

static int uart_callback_set(const struct akira_device *dev, akira_uart_callback_t cb, void *user)
{
    struct uart *u = dev->data;
    pthread_mutex_lock(&u->cb_lock);
    u->cb = cb;
    u->cb_user = user;
    pthread_mutex_unlock(&u->cb_lock);
    return 0;
}

const char *akira_sim_uart1_pty_path(void)
{
    return u1.pty >= 0 ? u1.pty_path : NULL;
}

const char *akira_sim_mgmt_pty_path(void)
{
    return u2.pty >= 0 ? u2.pty_path : NULL;
}

static const struct akira_uart_api uart_api = {
    .write = uart_write,
    .read = uart_read,
    .callback_set = uart_callback_set,
};

AKIRA_DRIVER_DEFINE(native_sim_uart0, AKIRA_DRIVER_UART, "uart0", uart_init, &u0, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &uart_api);
AKIRA_DRIVER_DEFINE(native_sim_uart1, AKIRA_DRIVER_UART, "uart1", uart_init, &u1, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &uart_api);
AKIRA_DRIVER_DEFINE(native_sim_mgmt, AKIRA_DRIVER_UART, "mgmt", uart_init, &u2, NULL,
                    AKIRA_INIT_POST_KERNEL, 20, &uart_api);

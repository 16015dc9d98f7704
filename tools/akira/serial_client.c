/* The serial management link, host side (see serial_client.h and docs/serial.md). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* cfmakeraw */
#include "serial_client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SC_ANSWER_MAX (4u << 20) /* as HC_RESPONSE_MAX: a guard, answers are small */

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
            struct pollfd pfd = {fd, POLLOUT, 0};
            poll(&pfd, 1, 100);
            continue;
        }
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_frame(struct sc_link *sc, uint8_t type, uint16_t seq, const void *data, size_t len)
{
    struct akira_serial_frame f = {.type = type, .seq = seq, .len = (uint16_t)len};
    if (len) memcpy(f.payload, data, len);
    uint8_t wire[AKIRA_SERIAL_WIRE_MAX];
    size_t n = akira_serial_encode(&f, wire);
    return n ? write_all(sc->fd, wire, n) : -1;
}

static void keep(struct sc_link *sc, const uint8_t *p, size_t n)
{
    if (sc->in_len + n > sc->in_cap) {
        size_t cap = sc->in_cap ? sc->in_cap * 2 : 4096;
        while (cap < sc->in_len + n)
            cap *= 2;
        if (cap > SC_ANSWER_MAX) return; /* the guard: the answer is cut, the parse fails */
        unsigned char *d = realloc(sc->in, cap);
        if (!d) return;
        sc->in = d;
        sc->in_cap = cap;
    }
    memcpy(sc->in + sc->in_len, p, n);
    sc->in_len += n;
}

static void on_frame(void *ctx, const struct akira_serial_frame *f)
{
    struct sc_link *sc = ctx;
    switch (f->type) {
    case AKIRA_SERIAL_HELLO_ACK:
        if (f->len == AKIRA_SERIAL_HELLO_ACK_LEN && !memcmp(f->payload, AKIRA_SERIAL_MAGIC, 4) &&
            akira_serial_get32(f->payload + 4) == sc->id) {
            sc->hello_ok = true;
            sc->rst = false;
            sc->received = akira_serial_get32(f->payload + 8);
            sc->resumed = f->payload[12] != 0;
        }
        return;
    case AKIRA_SERIAL_ACK:
        if (f->seq == sc->tx_seq) sc->acked = true;
        return;
    case AKIRA_SERIAL_RST:
        /* Before our HELLO_ACK an RST answers an earlier client's frames, not ours. */
        if (sc->hello_ok) sc->rst = true;
        return;
    case AKIRA_SERIAL_DATA:
    case AKIRA_SERIAL_FIN:
        if (!sc->hello_ok) return;
        if (f->seq == sc->rx_expect && !sc->fin) {
            if (f->type == AKIRA_SERIAL_DATA) {
                keep(sc, f->payload, f->len);
                sc->answered = true;
            } else
                sc->fin = true;
            sc->rx_expect++;
        } else if (f->seq == (uint16_t)(sc->rx_expect - 1)) {
            sc->counters.duplicates++;
        } else {
            sc->counters.bad_seq++;
            return;
        }
        send_frame(sc, AKIRA_SERIAL_ACK, f->seq, NULL, 0);
        return;
    default: sc->counters.bad_coding++; return;
    }
}

/* Reads what arrives within ms and handles its frames. -1 when the line failed. */
static int pump(struct sc_link *sc, int ms)
{
    struct pollfd pfd = {sc->fd, POLLIN, 0};
    int rc = poll(&pfd, 1, ms < 0 ? 0 : ms);
    if (rc < 0) return errno == EINTR ? 0 : -1;
    if (rc == 0) return 0;
    if (pfd.revents & (POLLERR | POLLNVAL)) return -1;
    uint8_t buf[512];
    ssize_t n = read(sc->fd, buf, sizeof(buf));
    if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0) return -1;
    akira_serial_decoder_feed(&sc->dec, buf, (size_t)n, on_frame, sc);
    return 0;
}

static void seterr(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

int sc_open(struct sc_link *sc, const char *path, uint32_t id, int timeout_ms, char *err,
            size_t cap)
{
    memset(sc, 0, sizeof(*sc));
    sc->id = id;
    sc->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    sc->rto_ms = 300;
    akira_serial_decoder_init(&sc->dec, &sc->counters);
    sc->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (sc->fd < 0) {
        seterr(err, cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    /* One client at a time on a line: another one would read half of our frames.
     * Wait for the other `akira` (a `logs -f` between its polls) to let go. */
    long long busy_until = now_ms() + sc->timeout_ms;
    while (flock(sc->fd, LOCK_EX | LOCK_NB) != 0) {
        if ((errno != EWOULDBLOCK && errno != EINTR) || now_ms() >= busy_until) {
            seterr(err, cap, "%s: %s", path,
                   errno == EWOULDBLOCK ? "in use by another client" : strerror(errno));
            sc_close(sc);
            return -1;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    struct termios t;
    if (tcgetattr(sc->fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(sc->fd, TCSANOW, &t);
    }
    /* Frames of an earlier session nobody read (a killed client's) are not ours. */
    tcflush(sc->fd, TCIFLUSH);
    /* A 0x00 first ends whatever half frame the device's decoder holds. */
    static const uint8_t zero = 0;
    uint8_t hello[AKIRA_SERIAL_HELLO_LEN];
    memcpy(hello, AKIRA_SERIAL_MAGIC, 4);
    akira_serial_put32(hello + 4, id);
    long long give_up = now_ms() + sc->timeout_ms;
    int wait = sc->rto_ms;
    long long sent = 0;
    while (!sc->hello_ok) {
        if (now_ms() >= give_up) {
            seterr(err, cap, "%s: no answer from a device (is it the management line?)", path);
            sc_close(sc);
            return -1;
        }
        if (write_all(sc->fd, &zero, 1) ||
            send_frame(sc, AKIRA_SERIAL_HELLO, 0, hello, sizeof(hello))) {
            seterr(err, cap, "%s: %s", path, strerror(errno));
            sc_close(sc);
            return -1;
        }
        /* A slow line (QEMU's UART) answers later than the retransmit timeout:
         * wait longer each time, and take twice the round trip (at most 1 s) as the retransmit
         * timeout after. */
        sent = now_ms();
        long long until = sent + wait;
        wait = wait * 2 > 2000 ? 2000 : wait * 2;
        while (!sc->hello_ok && now_ms() < until)
            if (pump(sc, (int)(until - now_ms()))) {
                seterr(err, cap, "%s: the line failed", path);
                sc_close(sc);
                return -1;
            }
    }
    long long rtt = now_ms() - sent;
    if (rtt * 2 > sc->rto_ms) sc->rto_ms = (int)(rtt * 2 > 1000 ? 1000 : rtt * 2);
    return 0;
}

void sc_close(struct sc_link *sc)
{
    if (sc->fd >= 0) close(sc->fd);
    sc->fd = -1;
    free(sc->in);
    sc->in = NULL;
    sc->in_len = sc->in_cap = 0;
}

/* One DATA frame, retransmitted until acked (or the device reset the session). */
static int send_reliable(struct sc_link *sc, const uint8_t *p, size_t n)
{
    sc->acked = false;
    long long give_up = now_ms() + sc->timeout_ms;
    for (;;) {
        /* The whole answer is here (the device answered before taking everything,
         * or an ack was lost): nothing more to send, the caller reads it. */
        if (sc->fin) return 0;
        if (send_frame(sc, AKIRA_SERIAL_DATA, sc->tx_seq, p, n)) return -1;
        long long until = now_ms() + sc->rto_ms;
        while (!sc->acked && !sc->rst && !sc->fin && now_ms() < until)
            if (pump(sc, (int)(until - now_ms()))) return -1;
        if (sc->acked) {
            sc->tx_seq++;
            return 0;
        }
        if (sc->rst) {
            errno = ECONNRESET;
            return -1;
        }
        if (now_ms() >= give_up) {
            errno = ETIMEDOUT;
            return -1;
        }
        sc->counters.retransmits++;
    }
}

static int sc_send_all(void *ctx, const void *data, size_t len)
{
    struct sc_link *sc = ctx;
    const uint8_t *p = data;
    /* What the device holds already (a resumed session) is not sent again. */
    if (sc->offered < sc->received) {
        uint64_t skip = sc->received - sc->offered;
        if (skip > len) skip = len;
        p += skip;
        len -= (size_t)skip;
        sc->offered += skip;
    }
    while (len) {
        size_t n = len < AKIRA_SERIAL_PAYLOAD_MAX ? len : AKIRA_SERIAL_PAYLOAD_MAX;
        if (send_reliable(sc, p, n)) return -1;
        p += n;
        len -= n;
        sc->offered += n;
    }
    return 0;
}

static ssize_t sc_recv(void *ctx, void *buf, size_t cap)
{
    struct sc_link *sc = ctx;
    long long give_up = now_ms() + sc->timeout_ms;
    long long rst_grace = 0;
    while (!sc->in_len && !sc->fin) {
        if (sc->rst) {
            /* The device answered before taking the whole body (a refusal) and then
             * reset the frames of the body still on their way: its FIN follows the RST
             * on the line, so wait for it a little before calling the session lost. */
            if (!sc->answered || (rst_grace && now_ms() >= rst_grace)) {
                errno = ECONNRESET;
                return -1;
            }
            if (!rst_grace) rst_grace = now_ms() + 2 * sc->rto_ms + 500;
        }
        if (now_ms() >= give_up) {
            errno = EAGAIN;
            return -1;
        }
        long long until = rst_grace && rst_grace < give_up ? rst_grace : give_up;
        if (pump(sc, (int)(until > now_ms() ? until - now_ms() : 0))) {
            errno = EIO;
            return -1;
        }
    }
    size_t n = sc->in_len < cap ? sc->in_len : cap;
    memcpy(buf, sc->in, n);
    memmove(sc->in, sc->in + n, sc->in_len - n);
    sc->in_len -= n;
    return (ssize_t)n;
}

static int sc_readable(void *ctx, int ms)
{
    struct sc_link *sc = ctx;
    long long until = now_ms() + ms;
    while (!sc->in_len && !sc->fin && !sc->rst && now_ms() < until)
        if (pump(sc, (int)(until - now_ms()))) break;
    return sc->in_len > 0 || sc->fin;
}

struct hc_conn sc_conn(struct sc_link *sc, const char *what)
{
    return (struct hc_conn){sc_send_all, sc_recv, sc_readable, sc, what};
}

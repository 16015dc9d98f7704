/*
 * The serial management link (see akira/serial_link.h and docs/serial.md): frames from
 * a UART into a resumable byte stream per session, served by the HTTP API's handlers.
 */
#include <akira/serial_link.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/condvar.h>
#include <akira/drivers/uart.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/sem.h>
#include <akira/thread.h>

AKIRA_LOG_MODULE_DECLARE(connectivity);

#define RX_RING    1024u /* stream bytes taken but not yet read by the HTTP parser */
#define TX_WAIT_MS 1000  /* longest wait for room in the UART's transmit buffer */

struct akira_serial_link {
    struct akira_serial_link_config cfg;
    const struct akira_device *uart;      /* or */
    const struct akira_serial_pipe *pipe; /* cfg.pipe */
    akira_thread_t *rx_thread, *worker;
    akira_sem_t *rx_sem, *tx_sem;
    akira_mutex_t *lock;    /* everything below, and the counters */
    akira_mutex_t *tx_lock; /* one frame at a time on the UART */
    akira_condvar_t *cv;
    bool stopping;
    struct akira_serial_decoder dec; /* receive thread only */
    struct akira_serial_link_stats stats;
    atomic_uint overruns; /* counted in the UART callback (interrupt context) */

    /* The session. */
    bool active;  /* a session is open (the worker serves it) */
    bool closing; /* its requests are done: only the FIN is left */
    bool reset;   /* ended by another client or the stop: io calls fail */
    uint32_t id;  /* the client's session id */
    uint32_t gen; /* HELLOs taken for this session (a resume starts the seqs anew) */
    uint16_t rx_expect;
    uint32_t rx_taken; /* stream bytes acknowledged */
    uint8_t ring[RX_RING];
    size_t ring_head, ring_len;
    bool held; /* the next DATA frame, waiting for room in the ring (not acked) */
    uint16_t held_seq;
    uint16_t held_len;
    uint8_t held_data[AKIRA_SERIAL_PAYLOAD_MAX];
    uint16_t tx_seq; /* seq of the device's frame in flight */
    bool tx_acked;
};

/* --- UART --------------------------------------------------------------------------- */

static void uart_cb(const struct akira_device *dev, uint32_t events, void *user)
{
    (void)dev;
    struct akira_serial_link *l = user;
    if (events & AKIRA_UART_EVT_RX_READY) akira_sem_give(l->rx_sem);
    if (events & AKIRA_UART_EVT_TX_DONE) akira_sem_give(l->tx_sem);
    if (events & AKIRA_UART_EVT_RX_OVERRUN) {
        atomic_fetch_add(&l->overruns, 1u);
        akira_sem_give(l->rx_sem);
    }
}

/* One frame onto the line, whole (a frame cut in the middle would only be garbage). */
static int send_frame(struct akira_serial_link *l, uint8_t type, uint16_t seq, const void *data,
                      size_t len)
{
    struct akira_serial_frame f = {.type = type, .seq = seq, .len = (uint16_t)len};
    if (len) memcpy(f.payload, data, len);
    uint8_t wire[AKIRA_SERIAL_WIRE_MAX];
    size_t n = akira_serial_encode(&f, wire);
    if (!n) return AKIRA_EINVAL;
    akira_mutex_lock(l->tx_lock, AKIRA_FOREVER);
    if (l->pipe) {
        int w = l->pipe->write(l->pipe->ctx, wire, n);
        akira_mutex_unlock(l->tx_lock);
        return w < 0 ? w : 0;
    }
    size_t off = 0;
    uint64_t t0 = akira_uptime_ms();
    int rc = 0;
    while (off < n) {
        int w = akira_uart_write(l->uart, wire + off, n - off);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w != AKIRA_EAGAIN || akira_uptime_ms() - t0 > TX_WAIT_MS) {
            rc = w == AKIRA_EAGAIN ? AKIRA_ETIMEDOUT : w;
            break;
        }
        akira_sem_take(l->tx_sem, 20);
    }
    akira_mutex_unlock(l->tx_lock);
    return rc;
}

/* --- Receive thread ------------------------------------------------------------------ */

static size_t ring_room(const struct akira_serial_link *l)
{
    return RX_RING - l->ring_len;
}

static void ring_put(struct akira_serial_link *l, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        l->ring[(l->ring_head + l->ring_len + i) % RX_RING] = p[i];
    l->ring_len += n;
}

/* Takes a DATA frame into the stream (lock held): the bytes count as received and the
 * frame is to be acked. */
static void take_data(struct akira_serial_link *l, const uint8_t *p, uint16_t len)
{
    ring_put(l, p, len);
    l->rx_taken += len;
    l->stats.rx_bytes += len;
    l->rx_expect++;
    akira_condvar_broadcast(l->cv);
}

static void on_hello(struct akira_serial_link *l, const struct akira_serial_frame *f)
{
    if (f->len != AKIRA_SERIAL_HELLO_LEN || memcmp(f->payload, AKIRA_SERIAL_MAGIC, 4) != 0) {
        l->stats.frames.bad_coding++;
        return;
    }
    uint32_t id = akira_serial_get32(f->payload + 4);
    bool answer = true, resumed = false;
    if (l->active && !l->closing && !l->reset && id == l->id) {
        /* The same client back: both directions start their seqs anew; what was taken
         * stays taken, a held frame is dropped (unacked: the client sends it again). */
        resumed = true;
        l->gen++;
        l->rx_expect = 0;
        l->tx_seq = 0;
        l->held = false;
        if (l->rx_taken) l->stats.resumes++; /* not a repeat of the first HELLO */
        akira_condvar_broadcast(l->cv);
    } else if (l->active) {
        /* Another client: the old session ends first (its upload is aborted); this
         * one is answered once the worker is free (the client repeats its HELLO). */
        l->reset = true;
        answer = false;
        akira_condvar_broadcast(l->cv);
    } else {
        l->active = true;
        l->closing = l->reset = false;
        l->id = id;
        l->gen = 0;
        l->rx_expect = l->tx_seq = 0;
        l->rx_taken = 0;
        l->ring_head = l->ring_len = 0;
        l->held = false;
        l->stats.sessions++;
        akira_condvar_broadcast(l->cv);
    }
    if (!answer) return;
    uint8_t p[AKIRA_SERIAL_HELLO_ACK_LEN];
    memcpy(p, AKIRA_SERIAL_MAGIC, 4);
    akira_serial_put32(p + 4, id);
    akira_serial_put32(p + 8, l->rx_taken);
    p[12] = resumed;
    akira_mutex_unlock(l->lock);
    send_frame(l, AKIRA_SERIAL_HELLO_ACK, 0, p, sizeof(p));
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
}

/* A frame from the client (lock held; released around sends). */
static void on_frame(void *ctx, const struct akira_serial_frame *f)
{
    struct akira_serial_link *l = ctx;
    switch (f->type) {
    case AKIRA_SERIAL_HELLO: on_hello(l, f); return;
    case AKIRA_SERIAL_ACK:
        if (l->active && f->seq == l->tx_seq && !l->tx_acked) {
            l->tx_acked = true;
            akira_condvar_broadcast(l->cv);
        }
        return; /* a late ack of an earlier frame: harmless */
    case AKIRA_SERIAL_DATA: break;
    default: l->stats.frames.bad_coding++; return; /* the device's own kinds */
    }
    bool dup = l->active && !l->reset && f->seq == (uint16_t)(l->rx_expect - 1);
    if (!dup && (!l->active || l->reset || l->closing)) {
        akira_mutex_unlock(l->lock);
        send_frame(l, AKIRA_SERIAL_RST, f->seq, NULL, 0);
        akira_mutex_lock(l->lock, AKIRA_FOREVER);
        return;
    }
    bool ack = false;
    if (dup) {
        /* Its ack was lost (even while the answer is on its way): ack again, take
         * nothing. */
        l->stats.frames.duplicates++;
        ack = true;
    } else if (f->seq == l->rx_expect) {
        if (l->held) return; /* a repeat of the frame waiting for room */
        if (ring_room(l) >= f->len) {
            take_data(l, f->payload, f->len);
            ack = true;
        } else {
            /* No room: keep it, ack it when the reader makes room. */
            l->held = true;
            l->held_seq = f->seq;
            l->held_len = f->len;
            memcpy(l->held_data, f->payload, f->len);
        }
    } else {
        l->stats.frames.bad_seq++;
    }
    if (!ack) return;
    akira_mutex_unlock(l->lock);
    send_frame(l, AKIRA_SERIAL_ACK, f->seq, NULL, 0);
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
}

static int rx_main(void *arg)
{
    struct akira_serial_link *l = arg;
    uint8_t buf[128];
    for (;;) {
        akira_sem_take(l->rx_sem, 100);
        akira_mutex_lock(l->lock, AKIRA_FOREVER);
        if (l->stopping) {
            akira_mutex_unlock(l->lock);
            return 0;
        }
        for (;;) {
            int n = l->pipe ? l->pipe->read(l->pipe->ctx, buf, sizeof(buf))
                            : akira_uart_read(l->uart, buf, sizeof(buf));
            if (n <= 0) break;
            akira_serial_decoder_feed(&l->dec, buf, (size_t)n, on_frame, l);
        }
        akira_mutex_unlock(l->lock);
    }
}

/* --- The session's byte stream, for the HTTP server ------------------------------------ */

static int io_recv(void *ctx, void *buf, size_t cap, int32_t timeout_ms)
{
    struct akira_serial_link *l = ctx;
    uint64_t deadline = akira_uptime_us() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000u;
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    while (l->ring_len == 0 && !l->reset && !l->stopping) {
        if (akira_condvar_wait_until(l->cv, l->lock, deadline) == AKIRA_ETIMEDOUT &&
            l->ring_len == 0) {
            akira_mutex_unlock(l->lock);
            return AKIRA_ETIMEDOUT;
        }
    }
    if (l->ring_len == 0) {
        akira_mutex_unlock(l->lock);
        return AKIRA_ECONNRESET;
    }
    size_t n = 0;
    uint8_t *out = buf;
    while (n < cap && l->ring_len > 0) {
        out[n++] = l->ring[l->ring_head];
        l->ring_head = (l->ring_head + 1) % RX_RING;
        l->ring_len--;
    }
    int ack = -1;
    if (l->held && ring_room(l) >= l->held_len) {
        l->held = false;
        take_data(l, l->held_data, l->held_len);
        ack = l->held_seq;
    }
    akira_mutex_unlock(l->lock);
    if (ack >= 0) send_frame(l, AKIRA_SERIAL_ACK, (uint16_t)ack, NULL, 0);
    return (int)n;
}

/* One frame of the device's, retransmitted until acked, for up to limit_ms of
 * silence; a resume sends it again at once under the new seq. */
static int send_reliable(struct akira_serial_link *l, uint8_t type, const void *data, size_t len,
                         uint32_t limit_ms)
{
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    l->tx_acked = false;
    uint64_t give_up = akira_uptime_ms() + limit_ms;
    for (;;) {
        if (l->reset || l->stopping) {
            akira_mutex_unlock(l->lock);
            return AKIRA_ECONNRESET;
        }
        uint16_t seq = l->tx_seq;
        uint32_t gen = l->gen;
        akira_mutex_unlock(l->lock);
        int rc = send_frame(l, type, seq, data, len);
        akira_mutex_lock(l->lock, AKIRA_FOREVER);
        if (rc == AKIRA_EIO) {
            akira_mutex_unlock(l->lock);
            return rc;
        }
        uint64_t deadline = akira_uptime_us() + (uint64_t)l->cfg.rto_ms * 1000u;
        while (!l->tx_acked && !l->reset && !l->stopping && l->gen == gen &&
               akira_condvar_wait_until(l->cv, l->lock, deadline) != AKIRA_ETIMEDOUT) {
        }
        if (l->tx_acked && l->gen == gen) {
            l->tx_seq++;
            l->stats.tx_bytes += type == AKIRA_SERIAL_DATA ? len : 0;
            akira_mutex_unlock(l->lock);
            return 0;
        }
        if (l->gen != gen) {
            /* Resumed: the client may have acked under the old seq; send again. */
            l->tx_acked = false;
            give_up = akira_uptime_ms() + limit_ms;
            continue;
        }
        if (akira_uptime_ms() >= give_up) {
            akira_mutex_unlock(l->lock);
            return AKIRA_ETIMEDOUT;
        }
        if (!l->reset && !l->stopping) l->stats.frames.retransmits++;
    }
}

static int io_send(void *ctx, const void *buf, size_t len, int32_t timeout_ms)
{
    (void)timeout_ms; /* the resume window bounds a silent client instead */
    struct akira_serial_link *l = ctx;
    const uint8_t *p = buf;
    while (len > 0) {
        size_t n = len < AKIRA_SERIAL_PAYLOAD_MAX ? len : AKIRA_SERIAL_PAYLOAD_MAX;
        int rc = send_reliable(l, AKIRA_SERIAL_DATA, p, n, l->cfg.resume_ms);
        if (rc) return rc;
        p += n;
        len -= n;
    }
    return 0;
}

static const struct akira_http_io serial_io = {io_recv, io_send};

static int worker_main(void *arg)
{
    struct akira_serial_link *l = arg;
    char peer[48];
    snprintf(peer, sizeof(peer), "serial:%s", l->pipe ? l->pipe->name : l->cfg.uart);
    for (;;) {
        akira_mutex_lock(l->lock, AKIRA_FOREVER);
        while (!l->active && !l->stopping)
            akira_condvar_wait(l->cv, l->lock, AKIRA_FOREVER);
        if (l->stopping) {
            akira_mutex_unlock(l->lock);
            return 0;
        }
        uint32_t id = l->id;
        akira_mutex_unlock(l->lock);
        AKIRA_LOG_DBG("serial session %08x opened", (unsigned)id);
        akira_http_server_serve_io(l->cfg.api, &serial_io, l, peer);
        akira_mutex_lock(l->lock, AKIRA_FOREVER);
        l->closing = true;
        bool reset = l->reset;
        akira_mutex_unlock(l->lock);
        if (!reset) send_reliable(l, AKIRA_SERIAL_FIN, NULL, 0, l->cfg.fin_ms);
        akira_mutex_lock(l->lock, AKIRA_FOREVER);
        l->active = l->closing = l->reset = false;
        l->held = false;
        l->ring_len = 0;
        akira_condvar_broadcast(l->cv);
        akira_mutex_unlock(l->lock);
        AKIRA_LOG_DBG("serial session %08x closed%s", (unsigned)id, reset ? " (reset)" : "");
    }
}

/* --- Life cycle ------------------------------------------------------------------------ */

static void link_free(struct akira_serial_link *l)
{
    if (l->cv) akira_condvar_destroy(l->cv);
    if (l->tx_lock) akira_mutex_destroy(l->tx_lock);
    if (l->lock) akira_mutex_destroy(l->lock);
    if (l->tx_sem) akira_sem_destroy(l->tx_sem);
    if (l->rx_sem) akira_sem_destroy(l->rx_sem);
    free(l);
}

int akira_serial_link_start(struct akira_serial_link **out,
                            const struct akira_serial_link_config *cfg)
{
    if (!out || !cfg || !cfg->uart == !cfg->pipe || !cfg->api) return AKIRA_EINVAL;
    if (cfg->pipe && (!cfg->pipe->read || !cfg->pipe->write || !cfg->pipe->name))
        return AKIRA_EINVAL;
    const struct akira_device *uart = cfg->uart ? akira_device_get(cfg->uart) : NULL;
    if (cfg->uart && (!uart || !akira_device_is_ready(uart))) return AKIRA_ENODEV;
    struct akira_serial_link *l = calloc(1, sizeof(*l));
    if (!l) return AKIRA_ENOMEM;
    l->cfg = *cfg;
    if (!l->cfg.rto_ms) l->cfg.rto_ms = 300;
    if (!l->cfg.resume_ms) l->cfg.resume_ms = 30000;
    if (!l->cfg.fin_ms) l->cfg.fin_ms = 2000;
    l->uart = uart;
    l->pipe = cfg->pipe;
    akira_serial_decoder_init(&l->dec, &l->stats.frames);
    int rc = akira_sem_create(&l->rx_sem, 0, 1);
    if (!rc) rc = akira_sem_create(&l->tx_sem, 0, 1);
    if (!rc) rc = akira_mutex_create(&l->lock);
    if (!rc) rc = akira_mutex_create(&l->tx_lock);
    if (!rc) rc = akira_condvar_create(&l->cv);
    if (!rc && uart) rc = akira_uart_callback_set(uart, uart_cb, l);
    if (rc) {
        link_free(l);
        return rc;
    }
    rc = akira_thread_create(&l->rx_thread, "serial-rx", rx_main, l, AKIRA_PRIO_DEFAULT,
                             AKIRA_BOARD_STACK_SERIAL_RX);
    if (!rc)
        rc =
            akira_thread_create(&l->worker, "serial-api", worker_main, l, AKIRA_PRIO_DEFAULT,
                                cfg->worker_stack ? cfg->worker_stack : AKIRA_THREAD_STACK_DEFAULT);
    if (rc) {
        akira_serial_link_stop(l);
        return rc;
    }
    akira_sem_give(l->rx_sem); /* bytes that came before the callback */
    *out = l;
    return 0;
}

void akira_serial_link_stop(struct akira_serial_link *l)
{
    if (!l) return;
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    l->stopping = true;
    akira_condvar_broadcast(l->cv);
    akira_mutex_unlock(l->lock);
    akira_sem_give(l->rx_sem);
    if (l->worker) akira_thread_join(l->worker, AKIRA_FOREVER, NULL);
    if (l->rx_thread) akira_thread_join(l->rx_thread, AKIRA_FOREVER, NULL);
    if (l->uart) akira_uart_callback_set(l->uart, NULL, NULL);
    link_free(l);
}

void akira_serial_link_rx_ready(struct akira_serial_link *l)
{
    if (l) akira_sem_give(l->rx_sem);
}

void akira_serial_link_stats(struct akira_serial_link *l, struct akira_serial_link_stats *out)
{
    akira_mutex_lock(l->lock, AKIRA_FOREVER);
    *out = l->stats;
    akira_mutex_unlock(l->lock);
    out->overruns = atomic_load(&l->overruns);
}

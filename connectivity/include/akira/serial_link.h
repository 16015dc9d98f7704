/*
 * The serial management link: the device API over a UART of the kernel device model
 * (akira/drivers/uart.h), for boards without a network (docs/serial.md).
 *
 * Frames (akira/serial_proto.h) carry a reliable byte stream per session: the client
 * opens a session with HELLO, sends DATA frames (one outstanding at a time, each
 * acknowledged, retransmitted by the client until it is), the device answers the same
 * way and ends with FIN. The stream holds HTTP/1.1 requests, served by an HTTP server
 * instance that is never started on a socket (akira_http_server_serve_io): the same
 * routes, handlers, token check, slow-down and limits as the network API, so every
 * operation (status, apps, install, start, stop, logs, uninstall) is the very code the
 * HTTP routes run.
 *
 * Resume: a session whose client vanished (line cut, tool killed) stays open for the
 * server's idle timeout (cfg.resume_ms). A client that says HELLO with the same session
 * id gets the number of stream bytes the device has acknowledged and continues from
 * there; the request in progress (an app upload) never notices. A HELLO with another id
 * ends the old session first (its upload is aborted, nothing installed).
 *
 * Threads: one receive thread (UART bytes to frames) and one worker (serves the
 * session). RAM: the HTTP instance's one connection (about 5 KiB + head_max), a 1 KiB
 * receive ring, one held frame, the decoder (about 270 bytes), the two stacks.
 */
#ifndef AKIRA_SERIAL_LINK_H
#define AKIRA_SERIAL_LINK_H

#include <stdint.h>

#include <akira/http.h>
#include <akira/serial_proto.h>

struct akira_serial_link;

/* A byte pipe under the link instead of a UART: the BLE transport's GATT
 * characteristics (akira/ble_transport.h). The link calls read from its receive
 * thread after akira_serial_link_rx_ready(), and write with one whole encoded frame
 * (the pipe cuts it to its own unit, e.g. the ATT MTU). */
struct akira_serial_pipe {
    const char *name; /* for the peer label of the API ("ble": "serial:ble") */
    /* Up to cap received bytes: their count, 0 when there are none. */
    int (*read)(void *ctx, uint8_t *buf, size_t cap);
    /* All len bytes, or a negative akira_err_t (AKIRA_ENOTCONN: no peer now; the link
     * retransmits as after a lost frame). */
    int (*write)(void *ctx, const uint8_t *buf, size_t len);
    void *ctx;
};

struct akira_serial_link_config {
    const char *uart;                     /* UART device name (the board config's), or */
    const struct akira_serial_pipe *pipe; /* a pipe instead (uart NULL) */
    uint32_t rto_ms;                      /* retransmit timeout of the device's frames (300) */
    uint32_t resume_ms;            /* how long a silent session waits for its client (30000) */
    uint32_t fin_ms;               /* how long the device retransmits its FIN (2000) */
    struct akira_http_server *api; /* not started; routes and token set */
    /* Stack of the worker, which runs the API's handlers (an install's verification):
     * the board's AKIRA_BOARD_SERIAL_STACK_SIZE; 0: AKIRA_THREAD_STACK_DEFAULT. */
    size_t worker_stack;
};

/* Binds the UART (AKIRA_ENODEV when it is missing or not ready) or the pipe, and starts the two
 * threads. */
int akira_serial_link_start(struct akira_serial_link **out,
                            const struct akira_serial_link_config *cfg);
/* The pipe has bytes to read (any thread; a link on a UART needs no call). */
void akira_serial_link_rx_ready(struct akira_serial_link *l);
/* Ends the session in progress and joins the threads; frees the link. */
void akira_serial_link_stop(struct akira_serial_link *l);

struct akira_serial_link_stats {
    struct akira_serial_counters frames; /* refused and taken frames */
    uint32_t overruns;                   /* UART receive overruns reported by the driver */
    uint32_t sessions, resumes;          /* HELLOs that opened / resumed a session */
    uint64_t rx_bytes, tx_bytes;         /* stream bytes in and out */
};
void akira_serial_link_stats(struct akira_serial_link *l, struct akira_serial_link_stats *out);

#endif /* AKIRA_SERIAL_LINK_H */

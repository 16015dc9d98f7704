/* The `akira` tool's end of the serial management link (docs/serial.md): a session on
 * a serial line (a pty of native_sim or QEMU, a USB serial adapter), carrying the same
 * HTTP/1.1 requests as the network, through hc_request_over (http_client.h). Host
 * tool: POSIX termios and poll. */
#ifndef AKIRA_TOOL_SERIAL_CLIENT_H
#define AKIRA_TOOL_SERIAL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/serial_proto.h>

#include "http_client.h"

struct sc_link {
    int fd;
    uint32_t id;
    int timeout_ms; /* longest wait for an ack or an answer */
    int rto_ms;     /* retransmit timeout */
    uint16_t tx_seq, rx_expect;
    bool acked, rst, fin, hello_ok, resumed;
    bool answered;     /* some of the device's answer came in this session */
    uint32_t received; /* stream bytes the device held at HELLO (skipped on send) */
    uint64_t offered;  /* stream bytes the caller gave to send_all */
    unsigned char *in; /* answer bytes not yet read */
    size_t in_len, in_cap;
    struct akira_serial_decoder dec;
    struct akira_serial_counters counters;
};

/* Opens the line at path and says HELLO with session id (the same id resumes the
 * device's session of that id: sc->received bytes are then not sent again). 0, or -1
 * with the reason in err. */
int sc_open(struct sc_link *sc, const char *path, uint32_t id, int timeout_ms, char *err,
            size_t cap);
void sc_close(struct sc_link *sc);
/* The link as an hc_conn (what: the line's path). */
struct hc_conn sc_conn(struct sc_link *sc, const char *what);

#endif

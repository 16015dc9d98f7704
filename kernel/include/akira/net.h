/*
 * Kernel sockets: TCP and UDP over IPv4, with timeouts, for the layers above the
 * kernel (connectivity/: HTTP server, network shell; later OTA and the mesh).
 *
 * Portable contract: no host types. The POSIX port (kernel/ports/posix/net.c) maps it
 * to BSD sockets; a Zephyr port maps it one to one to zsock_*. Sockets are opaque
 * handles allocated by the port; every call that waits takes an akira/clock.h timeout:
 * AKIRA_NO_WAIT is the non-blocking form (AKIRA_EAGAIN when nothing can be done now),
 * AKIRA_FOREVER waits without limit, a positive value waits at most that long
 * (AKIRA_ETIMEDOUT). akira_net_poll waits on several sockets at once.
 *
 * Threads: a socket may be used by one thread for receiving and another for sending
 * at the same time; akira_net_shutdown may be called from any thread to wake a thread
 * blocked on the socket. akira_net_close must be the last call on a socket.
 * Sending never raises a signal when the peer is gone (AKIRA_ECONNRESET instead).
 * Sockets are not inherited across a reboot (exec on native_sim).
 *
 * Errors common to all calls: AKIRA_EINVAL (NULL socket or buffer, bad timeout),
 * AKIRA_ENOMEM, AKIRA_ENOSPC (the host or stack is out of sockets), AKIRA_EIO (any
 * other stack failure).
 */
#ifndef AKIRA_NET_H
#define AKIRA_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct akira_sock akira_sock_t;

/* An IPv4 endpoint: ip[0] is the first byte of the dotted form, port in host order. */
struct akira_net_addr {
    uint8_t ip[4];
    uint16_t port;
};

/* Longest "255.255.255.255:65535" plus NUL. */
#define AKIRA_NET_ADDR_STR_MAX 22

/* Builds 127.0.0.1:port (loopback) and 0.0.0.0:port (any interface). */
struct akira_net_addr akira_net_addr_loopback(uint16_t port);
struct akira_net_addr akira_net_addr_any(uint16_t port);
/* Parses dotted IPv4 "a.b.c.d" (no port) into out->ip; out->port is set to port.
 * AKIRA_EINVAL when s is not exactly four decimal numbers 0..255. */
int akira_net_addr_parse(const char *s, uint16_t port, struct akira_net_addr *out);
/* "a.b.c.d:port" into buf (AKIRA_NET_ADDR_STR_MAX bytes are always enough). Returns
 * the length, or AKIRA_ERANGE when buf is too small (buf then holds ""). */
int akira_net_addr_format(const struct akira_net_addr *a, char *buf, size_t size);

/* --- TCP ---------------------------------------------------------------------- */

/* Listens on addr (port 0: the stack picks a free one; see akira_net_local_addr).
 * backlog: connections the stack queues before accept (at least 1). Errors:
 * AKIRA_EBUSY (address in use), AKIRA_EACCES (privileged port). */
int akira_net_tcp_listen(akira_sock_t **out, const struct akira_net_addr *addr, int backlog);
/* Takes one queued connection; *peer (may be NULL) gets its address. The new socket
 * has TCP_NODELAY set (request/response traffic). Errors: AKIRA_EAGAIN,
 * AKIRA_ETIMEDOUT, AKIRA_ENOSPC (out of sockets: the connection stays queued),
 * AKIRA_ECANCELED (the listener was shut down). */
int akira_net_accept(akira_sock_t *listener, akira_sock_t **out, struct akira_net_addr *peer,
                     int32_t timeout_ms);
/* Connects to addr within timeout_ms (AKIRA_NO_WAIT is not accepted: EINVAL).
 * Errors: AKIRA_ECONNREFUSED, AKIRA_ETIMEDOUT. */
int akira_net_tcp_connect(akira_sock_t **out, const struct akira_net_addr *addr,
                          int32_t timeout_ms);

/* Sends up to len bytes; returns how many were queued (>= 1; fewer than len when the
 * send buffer filled), as soon as any could be. len 0 returns 0. Errors: AKIRA_EAGAIN,
 * AKIRA_ETIMEDOUT, AKIRA_ECONNRESET (peer gone), AKIRA_ENOTCONN. */
int akira_net_send(akira_sock_t *s, const void *buf, size_t len, int32_t timeout_ms);
/* Sends all len bytes within timeout_ms in total. Returns 0, or the error; on
 * AKIRA_ETIMEDOUT an unknown prefix was sent (the stream is then unusable: close it). */
int akira_net_send_all(akira_sock_t *s, const void *buf, size_t len, int32_t timeout_ms);
/* Receives 1..cap bytes (whatever has arrived), 0 at the peer's orderly close.
 * Errors: AKIRA_EAGAIN, AKIRA_ETIMEDOUT, AKIRA_ECONNRESET, AKIRA_ENOTCONN. */
int akira_net_recv(akira_sock_t *s, void *buf, size_t cap, int32_t timeout_ms);

/* --- UDP ---------------------------------------------------------------------- */

/* A datagram socket bound to addr (port 0: any free port). */
int akira_net_udp_open(akira_sock_t **out, const struct akira_net_addr *addr);
/* Sends one datagram of len bytes to `to`. Returns len. AKIRA_ETOOBIG when the stack
 * refuses the size. */
int akira_net_sendto(akira_sock_t *s, const void *buf, size_t len, const struct akira_net_addr *to,
                     int32_t timeout_ms);
/* Receives one datagram: returns its length (a longer one is cut to cap), *from (may
 * be NULL) gets the sender. Errors: AKIRA_EAGAIN, AKIRA_ETIMEDOUT. */
int akira_net_recvfrom(akira_sock_t *s, void *buf, size_t cap, struct akira_net_addr *from,
                       int32_t timeout_ms);

/* --- Any socket ----------------------------------------------------------------- */

/* The address the socket is bound to (after listen/open/connect). */
int akira_net_local_addr(const akira_sock_t *s, struct akira_net_addr *out);

#define AKIRA_NET_POLL_IN  0x1u /* data (or a connection, or the peer's close) to read */
#define AKIRA_NET_POLL_OUT 0x2u /* room to send */
#define AKIRA_NET_POLL_ERR 0x4u /* revents only: error or hang-up on the socket */

struct akira_net_pollfd {
    akira_sock_t *sock; /* NULL entries are skipped (revents 0) */
    uint8_t events;     /* AKIRA_NET_POLL_IN | AKIRA_NET_POLL_OUT */
    uint8_t revents;    /* set by akira_net_poll */
};
/* Waits until at least one socket is ready as asked. Returns the number of entries
 * with nonzero revents (>= 1), or AKIRA_EAGAIN / AKIRA_ETIMEDOUT when none became
 * ready. n may be 0 (then it only waits). */
int akira_net_poll(struct akira_net_pollfd *fds, size_t n, int32_t timeout_ms);

/* Stops further receiving (the peer's data is dropped, blocked receivers and
 * acceptors return: recv gives 0, accept AKIRA_ECANCELED) and, for TCP, sends the
 * peer an orderly close. Any thread; safe on a socket already shut down. */
void akira_net_shutdown(akira_sock_t *s);
/* Closes and frees the socket; NULL is a no-op. No other thread may be using it. */
void akira_net_close(akira_sock_t *s);

#endif /* AKIRA_NET_H */

/*
 * AkiraOS app SDK - module "net": TCP and UDP sockets, capability "net", only to the
 * endpoints the manifest's `net_hosts:` line names (e.g. `net_hosts: 127.0.0.1:8080,
 * localhost:*`; IPv4 literals or localhost, a port or *; without the line nothing).
 *
 * At most 4 sockets per app, all closed when it ends. Only connect waits (up to its
 * timeout); send and recv move what they can now or give AKIRA_EAGAIN. Readiness
 * arrives as AKIRA_EVENT_NET {a = socket, b = AKIRA_NET_READABLE | _WRITABLE | _ERROR}:
 * "readable" once, then again after each akira_net_recv; "writable" after connect and
 * after a send that gave AKIRA_EAGAIN. A UDP socket talks to the one peer its connect
 * named; datagrams from anyone else are dropped.
 */
#ifndef AKIRA_SDK_NET_H
#define AKIRA_SDK_NET_H

#include <akira/common.h>

#define AKIRA_EVENT_NET 10

enum { AKIRA_NET_TCP = 1, AKIRA_NET_UDP = 2 };
enum { AKIRA_NET_READABLE = 1, AKIRA_NET_WRITABLE = 2, AKIRA_NET_ERROR = 4 };

/* a.b.c.d as the ip argument of akira_net_connect. */
#define AKIRA_NET_IPV4(a, b, c, d)                                                                 \
    ((int32_t)(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) |              \
               (uint32_t)(d)))

/* A socket handle (1..4), AKIRA_EINVAL (type), AKIRA_ENOSPC (4 open). */
AKIRA_IMPORT("net_socket") int32_t akira_net_socket(int32_t type);
/* TCP: connect within timeout_ms (1..10000). UDP: fix the peer. 0, AKIRA_EINVAL,
 * AKIRA_EACCES (not in net_hosts), AKIRA_ECONNREFUSED, AKIRA_ETIMEDOUT, AKIRA_ESTATE
 * (already connected), AKIRA_ENOENT (handle). */
AKIRA_IMPORT("net_connect")
int32_t akira_net_connect(int32_t s, int32_t ip, int32_t port, int32_t timeout_ms);
/* Bytes queued (UDP: one datagram of at most 1472), AKIRA_EAGAIN, AKIRA_ENOTCONN,
 * AKIRA_ECONNRESET, AKIRA_ETOOBIG, AKIRA_EFAULT, AKIRA_ENOENT. */
AKIRA_IMPORT("net_send") int32_t akira_net_send(int32_t s, const void *buf, uint32_t len);
/* Bytes received (UDP: one datagram, cut to cap), 0 when a TCP peer closed,
 * AKIRA_EAGAIN, AKIRA_ENOTCONN, AKIRA_ECONNRESET, AKIRA_EFAULT, AKIRA_ENOENT. */
AKIRA_IMPORT("net_recv") int32_t akira_net_recv(int32_t s, void *buf, uint32_t cap);
/* 0, AKIRA_ENOENT. */
AKIRA_IMPORT("net_close") int32_t akira_net_close(int32_t s);

#endif /* AKIRA_SDK_NET_H */

/*
 * POSIX port of akira/net.h: BSD sockets on the host.
 *
 * Every descriptor is non-blocking and close-on-exec (a reboot re-executes the
 * firmware, which must find its ports free); waiting is done with poll(), so one code
 * path serves AKIRA_NO_WAIT, finite timeouts and AKIRA_FOREVER.
 */
#define _GNU_SOURCE /* accept4 */
#include <akira/net.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <akira/clock.h>
#include <akira/err.h>

struct akira_sock {
    int fd;
    bool listener;
    atomic_bool shut; /* akira_net_shutdown was called */
};

static int map_errno(int e)
{
    switch (e) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return AKIRA_EAGAIN;
    case ECONNREFUSED: return AKIRA_ECONNREFUSED;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED: return AKIRA_ECONNRESET;
    case ENOTCONN: return AKIRA_ENOTCONN;
    case ETIMEDOUT: return AKIRA_ETIMEDOUT;
    case EADDRINUSE: return AKIRA_EBUSY;
    case EACCES:
    case EPERM: return AKIRA_EACCES;
    case EMFILE:
    case ENFILE:
    case ENOBUFS: return AKIRA_ENOSPC;
    case ENOMEM: return AKIRA_ENOMEM;
    case EMSGSIZE: return AKIRA_ETOOBIG;
    case EINVAL: return AKIRA_EINVAL;
    default: return AKIRA_EIO;
    }
}

static struct sockaddr_in to_sin(const struct akira_net_addr *a)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(a->port);
    memcpy(&sin.sin_addr.s_addr, a->ip, 4);
    return sin;
}

static void from_sin(const struct sockaddr_in *sin, struct akira_net_addr *a)
{
    memcpy(a->ip, &sin->sin_addr.s_addr, 4);
    a->port = ntohs(sin->sin_port);
}

struct akira_net_addr akira_net_addr_loopback(uint16_t port)
{
    return (struct akira_net_addr){.ip = {127, 0, 0, 1}, .port = port};
}

struct akira_net_addr akira_net_addr_any(uint16_t port)
{
    return (struct akira_net_addr){.ip = {0, 0, 0, 0}, .port = port};
}

int akira_net_addr_parse(const char *s, uint16_t port, struct akira_net_addr *out)
{
    if (!s || !out) return AKIRA_EINVAL;
    struct akira_net_addr a = {.port = port};
    for (int i = 0; i < 4; i++) {
        unsigned v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255) return AKIRA_EINVAL;
        }
        if (digits == 0) return AKIRA_EINVAL;
        a.ip[i] = (uint8_t)v;
        if (i < 3 && *s++ != '.') return AKIRA_EINVAL;
    }
    if (*s != '\0') return AKIRA_EINVAL;
    *out = a;
    return 0;
}

int akira_net_addr_format(const struct akira_net_addr *a, char *buf, size_t size)
{
    if (!a || !buf || size == 0) return AKIRA_EINVAL;
    int n = snprintf(buf, size, "%u.%u.%u.%u:%u", a->ip[0], a->ip[1], a->ip[2], a->ip[3],
                     (unsigned)a->port);
    if (n < 0 || (size_t)n >= size) {
        buf[0] = '\0';
        return AKIRA_ERANGE;
    }
    return n;
}

/* Waits for events on one descriptor until the deadline. 0 when ready, else
 * AKIRA_EAGAIN (NO_WAIT), AKIRA_ETIMEDOUT, AKIRA_EINVAL (bad timeout). */
static int wait_fd(const struct akira_sock *s, short events, int32_t timeout_ms, uint64_t start_ms)
{
    if (timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    for (;;) {
        int wait;
        if (timeout_ms == AKIRA_FOREVER) {
            wait = -1;
        } else {
            uint64_t spent = akira_uptime_ms() - start_ms;
            wait = spent >= (uint64_t)timeout_ms ? 0 : (int)((uint64_t)timeout_ms - spent);
        }
        struct pollfd p = {.fd = s->fd, .events = events};
        int n = poll(&p, 1, wait);
        if (n > 0) return 0;
        if (n == 0) return timeout_ms == AKIRA_NO_WAIT ? AKIRA_EAGAIN : AKIRA_ETIMEDOUT;
        if (errno != EINTR) return map_errno(errno);
    }
}

static int sock_new(akira_sock_t **out, int type)
{
    akira_sock_t *s = calloc(1, sizeof(*s));
    if (!s) return AKIRA_ENOMEM;
    s->fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) {
        int err = map_errno(errno);
        free(s);
        return err;
    }
    atomic_init(&s->shut, false);
    *out = s;
    return 0;
}

static void set_nodelay(int fd)
{
    int one = 1;
    /* Best effort: a socket without it is still correct, only slower. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int akira_net_tcp_listen(akira_sock_t **out, const struct akira_net_addr *addr, int backlog)
{
    if (!out || !addr || backlog < 1) return AKIRA_EINVAL;
    akira_sock_t *s;
    int err = sock_new(&s, SOCK_STREAM);
    if (err) return err;
    int one = 1;
    /* A restarted device must be able to bind while old connections sit in TIME_WAIT. */
    (void)setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sin = to_sin(addr);
    if (bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(s->fd, backlog) != 0) {
        err = map_errno(errno);
        akira_net_close(s);
        return err;
    }
    s->listener = true;
    *out = s;
    return 0;
}

int akira_net_accept(akira_sock_t *l, akira_sock_t **out, struct akira_net_addr *peer,
                     int32_t timeout_ms)
{
    if (!l || !out || !l->listener) return AKIRA_EINVAL;
    uint64_t start = akira_uptime_ms();
    for (;;) {
        if (atomic_load(&l->shut)) return AKIRA_ECANCELED;
        struct sockaddr_in sin;
        socklen_t len = sizeof(sin);
        int fd = accept4(l->fd, (struct sockaddr *)&sin, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            akira_sock_t *s = calloc(1, sizeof(*s));
            if (!s) {
                close(fd);
                return AKIRA_ENOMEM;
            }
            s->fd = fd;
            atomic_init(&s->shut, false);
            set_nodelay(fd);
            if (peer) from_sin(&sin, peer);
            *out = s;
            return 0;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return atomic_load(&l->shut) ? AKIRA_ECANCELED : map_errno(errno);
        }
        int err = wait_fd(l, POLLIN, timeout_ms, start);
        if (err) return err;
    }
}

int akira_net_tcp_connect(akira_sock_t **out, const struct akira_net_addr *addr, int32_t timeout_ms)
{
    if (!out || !addr || timeout_ms == AKIRA_NO_WAIT || timeout_ms < AKIRA_FOREVER) {
        return AKIRA_EINVAL;
    }
    uint64_t start = akira_uptime_ms();
    akira_sock_t *s;
    int err = sock_new(&s, SOCK_STREAM);
    if (err) return err;
    struct sockaddr_in sin = to_sin(addr);
    if (connect(s->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        if (errno != EINPROGRESS && errno != EINTR) {
            err = map_errno(errno);
            akira_net_close(s);
            return err;
        }
        err = wait_fd(s, POLLOUT, timeout_ms, start);
        int so = 0;
        socklen_t len = sizeof(so);
        if (!err && getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &so, &len) != 0) so = errno;
        if (!err && so != 0) err = map_errno(so);
        if (err) {
            akira_net_close(s);
            return err;
        }
    }
    set_nodelay(s->fd);
    *out = s;
    return 0;
}

int akira_net_send(akira_sock_t *s, const void *buf, size_t len, int32_t timeout_ms)
{
    if (!s || (!buf && len)) return AKIRA_EINVAL;
    if (timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    if (len == 0) return 0;
    if (len > INT32_MAX) len = INT32_MAX;
    uint64_t start = akira_uptime_ms();
    for (;;) {
        ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0) return (int)n;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return map_errno(errno);
        int err = wait_fd(s, POLLOUT, timeout_ms, start);
        if (err) return err;
    }
}

int akira_net_send_all(akira_sock_t *s, const void *buf, size_t len, int32_t timeout_ms)
{
    if (!s || (!buf && len) || timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    const char *p = buf;
    uint64_t start = akira_uptime_ms();
    while (len > 0) {
        int32_t left = timeout_ms;
        if (timeout_ms > 0) {
            uint64_t spent = akira_uptime_ms() - start;
            if (spent >= (uint64_t)timeout_ms) return AKIRA_ETIMEDOUT;
            left = (int32_t)((uint64_t)timeout_ms - spent);
        }
        int n = akira_net_send(s, p, len, left);
        if (n < 0) return n;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int akira_net_recv(akira_sock_t *s, void *buf, size_t cap, int32_t timeout_ms)
{
    if (!s || !buf || cap == 0 || timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    if (cap > INT32_MAX) cap = INT32_MAX;
    uint64_t start = akira_uptime_ms();
    for (;;) {
        if (atomic_load(&s->shut)) return 0;
        ssize_t n = recv(s->fd, buf, cap, 0);
        if (n >= 0) return (int)n;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return map_errno(errno);
        int err = wait_fd(s, POLLIN, timeout_ms, start);
        if (err) return err;
    }
}

int akira_net_udp_open(akira_sock_t **out, const struct akira_net_addr *addr)
{
    if (!out || !addr) return AKIRA_EINVAL;
    akira_sock_t *s;
    int err = sock_new(&s, SOCK_DGRAM);
    if (err) return err;
    struct sockaddr_in sin = to_sin(addr);
    if (bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        err = map_errno(errno);
        akira_net_close(s);
        return err;
    }
    *out = s;
    return 0;
}

int akira_net_sendto(akira_sock_t *s, const void *buf, size_t len, const struct akira_net_addr *to,
                     int32_t timeout_ms)
{
    if (!s || !to || (!buf && len) || len > INT32_MAX || timeout_ms < AKIRA_FOREVER) {
        return AKIRA_EINVAL;
    }
    struct sockaddr_in sin = to_sin(to);
    uint64_t start = akira_uptime_ms();
    for (;;) {
        ssize_t n = sendto(s->fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&sin, sizeof(sin));
        if (n >= 0) return (int)n;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return map_errno(errno);
        int err = wait_fd(s, POLLOUT, timeout_ms, start);
        if (err) return err;
    }
}

int akira_net_recvfrom(akira_sock_t *s, void *buf, size_t cap, struct akira_net_addr *from,
                       int32_t timeout_ms)
{
    if (!s || !buf || cap == 0 || timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    if (cap > INT32_MAX) cap = INT32_MAX;
    uint64_t start = akira_uptime_ms();
    for (;;) {
        struct sockaddr_in sin;
        socklen_t len = sizeof(sin);
        ssize_t n = recvfrom(s->fd, buf, cap, 0, (struct sockaddr *)&sin, &len);
        if (n >= 0) {
            if (from) from_sin(&sin, from);
            return (int)n;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return map_errno(errno);
        if (atomic_load(&s->shut)) return AKIRA_ECANCELED;
        int err = wait_fd(s, POLLIN, timeout_ms, start);
        if (err) return err;
    }
}

int akira_net_local_addr(const akira_sock_t *s, struct akira_net_addr *out)
{
    if (!s || !out) return AKIRA_EINVAL;
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    if (getsockname(s->fd, (struct sockaddr *)&sin, &len) != 0) return map_errno(errno);
    from_sin(&sin, out);
    return 0;
}

int akira_net_poll(struct akira_net_pollfd *fds, size_t n, int32_t timeout_ms)
{
    if ((!fds && n) || timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    enum { POLL_BATCH = 64 };
    struct pollfd stack_p[POLL_BATCH];
    struct pollfd *p = stack_p;
    if (n > POLL_BATCH) {
        p = calloc(n, sizeof(*p));
        if (!p) return AKIRA_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        p[i].fd = fds[i].sock ? fds[i].sock->fd : -1; /* poll() skips negative fds */
        p[i].events = (short)(((fds[i].events & AKIRA_NET_POLL_IN) ? POLLIN : 0) |
                              ((fds[i].events & AKIRA_NET_POLL_OUT) ? POLLOUT : 0));
        p[i].revents = 0;
        fds[i].revents = 0;
    }
    uint64_t start = akira_uptime_ms();
    int rc;
    for (;;) {
        int wait = -1;
        if (timeout_ms != AKIRA_FOREVER) {
            uint64_t spent = akira_uptime_ms() - start;
            wait = spent >= (uint64_t)timeout_ms ? 0 : (int)((uint64_t)timeout_ms - spent);
        }
        rc = poll(p, (nfds_t)n, wait);
        if (rc >= 0 || errno != EINTR) break;
    }
    if (rc < 0) {
        rc = map_errno(errno);
    } else if (rc == 0) {
        rc = timeout_ms == AKIRA_NO_WAIT ? AKIRA_EAGAIN : AKIRA_ETIMEDOUT;
    } else {
        for (size_t i = 0; i < n; i++) {
            short r = p[i].revents;
            fds[i].revents =
                (uint8_t)(((r & POLLIN) ? AKIRA_NET_POLL_IN : 0) |
                          ((r & POLLOUT) ? AKIRA_NET_POLL_OUT : 0) |
                          ((r & (POLLERR | POLLHUP | POLLNVAL)) ? AKIRA_NET_POLL_ERR : 0));
        }
    }
    if (p != stack_p) free(p);
    return rc;
}

void akira_net_shutdown(akira_sock_t *s)
{
    if (!s) return;
    atomic_store(&s->shut, true);
    /* Wakes threads blocked in poll() on it; ENOTCONN on a listener or UDP is fine. */
    (void)shutdown(s->fd, SHUT_RDWR);
}

void akira_net_close(akira_sock_t *s)
{
    if (!s) return;
    close(s->fd);
    free(s);
}

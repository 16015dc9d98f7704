/*
 * wasi_sock.c - WASI preview1 socket calls on sockets the runner was given.
 *
 * The app cannot create or connect sockets (preview1 has no such call); it can only use
 * a socket the user handed it as stdio (inetd / socket-activation style), or accept on
 * one. Every other fd answers ENOTSOCK, which is what the host says too.
 */
#define _GNU_SOURCE /* accept4: the accepted socket is close-on-exec atomically */
#include "wasi_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define RIGHT_SOCK_SHUTDOWN (1ull << 28)
#define RIGHT_SOCK_ACCEPT   (1ull << 29)

static akira_cli_fd *sock_fd(akira_cli_wasi *w, uint32_t fd, uint64_t need, uint16_t *err)
{
    akira_cli_fd *f = akira_cli_wasi_fd_get(w, fd);
    *err = !f                                           ? WASI_EBADF
           : (f->rights_base & need) != need            ? WASI_ENOTCAPABLE
           : f->filetype != WASI_FILETYPE_SOCKET_STREAM ? WASI_ENOTSOCK
                                                        : WASI_ESUCCESS;
    return *err ? NULL : f;
}

/* sock_recv(fd, iovs, iovs_len, riflags, *datalen, *roflags) */
static aw_status sock_recv(aw_instance *c, void *user, aw_val *io)
{
    uint16_t e;
    akira_cli_fd *f = sock_fd(user, io[0].u32, WASI_RIGHT_FD_READ, &e);
    if (!f) return wasi_ret(io, e);
    if (io[3].u32 & ~3u) return wasi_ret(io, WASI_EINVAL); /* recv_peek 1, recv_waitall 2 */
    struct iovec v[AKIRA_CLI_MAX_IOVS];
    int n = 0;
    if ((e = akira_cli_wasi_gather(c, io[1].u32, io[2].u32, v, &n))) return wasi_ret(io, e);
    if (!wasi_ptr(c, io[4].u32, 4) || !wasi_ptr(c, io[5].u32, 2)) return wasi_ret(io, WASI_EFAULT);
    struct msghdr msg = {.msg_iov = v, .msg_iovlen = (size_t)n};
    int flags = ((io[3].u32 & 1) ? MSG_PEEK : 0) | ((io[3].u32 & 2) ? MSG_WAITALL : 0);
    ssize_t r = recvmsg(f->host, &msg, flags); /* not retried on EINTR (wasi.h) */
    if (r < 0) return akira_cli_wasi_fail(user, c, io, errno);
    wasi_put32(c, io[4].u32, (uint32_t)r);
    wasi_st16(wasi_ptr(c, io[5].u32, 2), (msg.msg_flags & MSG_TRUNC) ? 1 : 0); /* data_truncated */
    return wasi_ret(io, WASI_ESUCCESS);
}

/* sock_send(fd, iovs, iovs_len, siflags, *datalen) */
static aw_status sock_send(aw_instance *c, void *user, aw_val *io)
{
    uint16_t e;
    akira_cli_fd *f = sock_fd(user, io[0].u32, WASI_RIGHT_FD_WRITE, &e);
    if (!f) return wasi_ret(io, e);
    struct iovec v[AKIRA_CLI_MAX_IOVS];
    int n = 0;
    if ((e = akira_cli_wasi_gather(c, io[1].u32, io[2].u32, v, &n))) return wasi_ret(io, e);
    if (!wasi_ptr(c, io[4].u32, 4)) return wasi_ret(io, WASI_EFAULT);
    struct msghdr msg = {.msg_iov = v, .msg_iovlen = (size_t)n};
    ssize_t r = sendmsg(f->host, &msg, MSG_NOSIGNAL);
    if (r < 0) return akira_cli_wasi_fail(user, c, io, errno);
    wasi_put32(c, io[4].u32, (uint32_t)r);
    return wasi_ret(io, WASI_ESUCCESS);
}

/* sock_shutdown(fd, sdflags): rd 1, wr 2 */
static aw_status sock_shutdown(aw_instance *c, void *user, aw_val *io)
{
    (void)c;
    uint16_t e;
    akira_cli_fd *f = sock_fd(user, io[0].u32, RIGHT_SOCK_SHUTDOWN, &e);
    if (!f) return wasi_ret(io, e);
    static const int how[] = {-1, SHUT_RD, SHUT_WR, SHUT_RDWR};
    if (io[1].u32 == 0 || io[1].u32 > 3) return wasi_ret(io, WASI_EINVAL);
    return wasi_ret(io, shutdown(f->host, how[io[1].u32]) == 0 ? 0 : akira_cli_wasi_errno(errno));
}

/* sock_accept(fd, fdflags, *fd): the connection inherits the listener's rights. */
static aw_status sock_accept(aw_instance *c, void *user, aw_val *io)
{
    akira_cli_wasi *w = user;
    uint16_t e;
    akira_cli_fd *f = sock_fd(w, io[0].u32, RIGHT_SOCK_ACCEPT, &e);
    if (!f) return wasi_ret(io, e);
    if (io[1].u32 & ~(uint32_t)WASI_FDFLAG_NONBLOCK) return wasi_ret(io, WASI_EINVAL);
    if (!wasi_ptr(c, io[2].u32, 4)) return wasi_ret(io, WASI_EFAULT);
    int flags = SOCK_CLOEXEC | ((io[1].u32 & WASI_FDFLAG_NONBLOCK) ? SOCK_NONBLOCK : 0);
    int h = accept4(f->host, NULL, NULL, flags);
    if (h < 0) return akira_cli_wasi_fail(w, c, io, errno);
    uint64_t rights = f->rights_base, inh = f->rights_inheriting;
    int g =
        akira_cli_wasi_fd_add(w, h, WASI_FILETYPE_SOCKET_STREAM, rights, inh, (uint16_t)io[1].u32);
    if (g < 0) {
        close(h);
        return wasi_ret(io, WASI_ENFILE);
    }
    wasi_put32(c, io[2].u32, (uint32_t)g);
    return wasi_ret(io, WASI_ESUCCESS);
}

const akira_cli_wasi_entry akira_cli_wasi_sock_entries[] = {
    {"sock_recv", "(iiiiii)i", sock_recv},
    {"sock_send", "(iiiii)i", sock_send},
    {"sock_shutdown", "(ii)i", sock_shutdown},
    {"sock_accept", "(iii)i", sock_accept},
    {NULL, NULL, NULL},
};

/* sock: a socket handed over as stdin (inetd style) is usable with recv/send/shutdown;
 * a non-socket fd answers ENOTSOCK. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void)
{
    char buf[64], out[128];
    ssize_t n = recv(0, buf, sizeof buf - 1, MSG_WAITALL);
    if (n < 0) {
        fprintf(stderr, "recv: %s\n", strerror(errno));
        return 1;
    }
    buf[n] = '\0';
    errno = 0;
    ssize_t bad = recv(2, out, sizeof out, 0); /* stderr: a pipe, not a socket */
    int len = snprintf(out, sizeof out, "pong:%s recv(stderr)=%zd %s", buf, bad,
                       errno == ENOTSOCK ? "ENOTSOCK" : strerror(errno));
    if (send(0, out, (size_t)len, 0) != len || shutdown(0, SHUT_WR) != 0) {
        fprintf(stderr, "send/shutdown: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

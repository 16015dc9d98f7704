/*
 * http-get: waits for a URL "127.0.0.1:PORT/PATH" on IPC topic "http-get/url", fetches
 * it with HTTP/1.0 over a non-blocking TCP socket driven by readiness events, and logs
 * the status line, the body size and the body's first line. Its manifest allows
 * loopback only (net_hosts: localhost:*): any other host is refused by the runtime.
 */
#include <akira/akira.h>

static int32_t url_sub, sock = -1;
static char resp[1024];
static uint32_t got;

static int parse_url(const char *u, uint32_t n, int32_t *ip, int32_t *port, const char **path)
{
    uint32_t i = 0, part = 0, v = 0, b[4];
    for (; i < n && part < 4; i++) {
        char c = u[i];
        if (c >= '0' && c <= '9') {
            v = v * 10 + (uint32_t)(c - '0');
        } else if ((c == '.' && part < 3) || (c == ':' && part == 3)) {
            b[part++] = v, v = 0;
        } else {
            return -1;
        }
        if (part == 4) break;
    }
    if (part != 4) return -1;
    uint32_t p = 0;
    for (i++; i < n && u[i] >= '0' && u[i] <= '9'; i++)
        p = p * 10 + (uint32_t)(u[i] - '0');
    *ip = AKIRA_NET_IPV4(b[0], b[1], b[2], b[3]);
    *port = (int32_t)p;
    *path = i < n && u[i] == '/' ? u + i : "/";
    return 0;
}

static void fetch(char *url, int32_t n)
{
    url[n] = '\0';
    int32_t ip, port;
    const char *path;
    if (parse_url(url, (uint32_t)n, &ip, &port, &path) < 0) {
        akira_printf("http-get: bad url '%s'\n", url);
        return;
    }
    sock = akira_net_socket(AKIRA_NET_TCP);
    int32_t rc = sock < 0 ? sock : akira_net_connect(sock, ip, port, 2000);
    if (rc < 0) {
        akira_printf("http-get: connect to %s gave %d\n", url, (int)rc);
        if (sock > 0) akira_net_close(sock);
        sock = -1;
        return;
    }
    char req[160];
    int k = 0;
    const char *a = "GET ", *z = " HTTP/1.0\r\nConnection: close\r\n\r\n";
    while (*a)
        req[k++] = *a++;
    while (*path && k < 100)
        req[k++] = *path++;
    while (*z)
        req[k++] = *z++;
    got = 0;
    rc = akira_net_send(sock, req, (uint32_t)k);
    if (rc != k) akira_printf("http-get: send gave %d of %d\n", (int)rc, k);
}

static void finish(void)
{
    resp[got < sizeof resp ? got : sizeof resp - 1] = '\0';
    char *body = resp;
    uint32_t status_end = 0;
    while (status_end < got && resp[status_end] != '\r')
        status_end++;
    for (uint32_t i = 0; i + 3 < got; i++) {
        if (resp[i] == '\r' && resp[i + 1] == '\n' && resp[i + 2] == '\r' && resp[i + 3] == '\n') {
            body = resp + i + 4;
            break;
        }
    }
    uint32_t blen = got - (uint32_t)(body - resp), first = 0;
    while (first < blen && body[first] != '\n')
        first++;
    resp[status_end] = '\0';
    akira_printf("http-get: %s, %u body bytes\n", resp, (unsigned)blen);
    body[first] = '\0';
    akira_printf("http-get: body: %s\n", body);
    akira_net_close(sock);
    sock = -1;
}

__attribute__((export_name("main"))) int app_main(void)
{
    url_sub = akira_ipc_sub("http-get/url");
    if (url_sub < 0) {
        akira_printf("http-get: no subscription: %d\n", (int)url_sub);
        return 1;
    }
    akira_printf("http-get: waiting for a url\n");
    return 0;
}

__attribute__((export_name("on_event"))) void on_event(uint32_t type, uint32_t a, uint32_t b,
                                                       uint32_t c)
{
    (void)c;
    if (type == AKIRA_EVENT_IPC) {
        char url[AKIRA_IPC_MSG_MAX + 1];
        int32_t n;
        while ((n = akira_ipc_recv(url_sub, url, sizeof url - 1)) > 0)
            if (sock < 0) fetch(url, n);
    } else if (type == AKIRA_EVENT_NET && (int32_t)a == sock && (b & AKIRA_NET_READABLE)) {
        int32_t n;
        while ((n = akira_net_recv(sock, resp + got, sizeof resp - 1 - got)) > 0)
            got += (uint32_t)n;
        if (n == 0 || got >= sizeof resp - 1) finish();
    }
}

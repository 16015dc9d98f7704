/* The net module from a WASM app against the test's loopback servers
 * (tests/runtime/test_net_api.c). Waits for "TCPPORT UDPPORT" on IPC topic "net/ports";
 * connects TCP and sends "hello", fixes its UDP peer and sends "dgram", logs what comes
 * back as readiness events arrive ("net: tcp got 'HELLO'", "net: udp got 'DGRAM'"),
 * tries a port its manifest does not list ("net: other port gave -9") and a listed one
 * nobody listens on ("net: no listener gave -27"), then holds its
 * sockets open until STOP. */
#include <akira/akira.h>

static int32_t sub, tcp = -1, udp = -1;

static int32_t num(const char *s, int *i, int n)
{
    int32_t v = 0;
    while (*i < n && s[*i] == ' ')
        (*i)++;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9')
        v = v * 10 + (s[(*i)++] - '0');
    return v;
}

static void start(const char *msg, int n)
{
    int i = 0;
    int32_t tport = num(msg, &i, n), uport = num(msg, &i, n), lo = AKIRA_NET_IPV4(127, 0, 0, 1);
    int32_t other = akira_net_socket(AKIRA_NET_TCP);
    akira_printf("net: other port gave %d\n", (int)akira_net_connect(other, lo, tport + 1, 500));
    akira_net_close(other);
    /* The UDP port is listed but nobody listens there for TCP. */
    other = akira_net_socket(AKIRA_NET_TCP);
    akira_printf("net: no listener gave %d\n", (int)akira_net_connect(other, lo, uport, 500));
    akira_net_close(other);
    tcp = akira_net_socket(AKIRA_NET_TCP);
    int32_t rc = akira_net_connect(tcp, lo, tport, 2000);
    if (rc == 0) rc = akira_net_send(tcp, "hello", 5);
    akira_printf("net: tcp connect+send %d\n", (int)rc);
    udp = akira_net_socket(AKIRA_NET_UDP);
    rc = akira_net_connect(udp, lo, uport, 100);
    if (rc == 0) rc = akira_net_send(udp, "dgram", 5);
    akira_printf("net: udp send %d\n", (int)rc);
}

static void readable(int32_t s)
{
    char buf[64];
    int32_t n;
    while ((n = akira_net_recv(s, buf, sizeof buf - 1)) > 0) {
        buf[n] = '\0';
        akira_printf("net: %s got '%s'\n", s == tcp ? "tcp" : "udp", buf);
    }
    if (n == 0) akira_printf("net: tcp closed by the peer\n");
}

__attribute__((export_name("main"))) int app_main(void)
{
    sub = akira_ipc_sub("net/ports");
    akira_printf("net: waiting (%d)\n", (int)sub);
    struct akira_event ev;
    for (;;) {
        int r = akira_event_wait(&ev, -1);
        if (r < 0) return r;
        if (r == 0) continue;
        if (ev.type == AKIRA_EVENT_STOP) return 0;
        if (ev.type == AKIRA_EVENT_IPC) {
            char msg[AKIRA_IPC_MSG_MAX];
            int32_t n = akira_ipc_recv(sub, msg, sizeof msg);
            if (n > 0) start(msg, n);
        } else if (ev.type == AKIRA_EVENT_NET && (ev.b & AKIRA_NET_READABLE)) {
            readable((int32_t)ev.a);
        }
    }
}

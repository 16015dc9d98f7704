/* An app in upstream AkiraOS's style that talks over the network: upstream's rings in
 * its own memory, events polled with net_event_pop, against the test's loopback echo
 * servers (their ports arrive on IPC topic "netcli.ports" as "TCP,UDP,CLOSED"). Good
 * and bad arguments; every result is logged as `name: value`. */
#include "up_env.h"

#define R(name, expr) printf("%s: %d\n", name, (int)(expr))
#define RING_HDR      16

static unsigned char tx[RING_HDR + 256], rx[RING_HDR + 512];
static unsigned char utx[RING_HDR + 128], urx[RING_HDR + 1200];
static char buf[700];
static unsigned char ev[8];

static u32 rd32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void wr32(unsigned char *p, u32 v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* One message into a ring (the producer's side of upstream's layout). */
static int ring_write(unsigned char *ring, const char *d, int n)
{
    u32 w = rd32(ring), r = rd32(ring + 4), cap = rd32(ring + 8);
    unsigned char *data = ring + RING_HDR;
    if (cap - (w - r) < (u32)n + 2) return -1;
    data[w % cap] = (unsigned char)n;
    data[(w + 1) % cap] = (unsigned char)(n >> 8);
    for (int i = 0; i < n; i++)
        data[(w + 2 + i) % cap] = (unsigned char)d[i];
    wr32(ring, w + 2 + n);
    return n;
}

/* One message out of a ring (the consumer's side): its length, -1 when empty. */
static int ring_read(unsigned char *ring, char *out, int room)
{
    u32 w = rd32(ring), r = rd32(ring + 4), cap = rd32(ring + 8);
    unsigned char *data = ring + RING_HDR;
    if (w == r) return -1;
    int len = data[r % cap] | data[(r + 1) % cap] << 8;
    for (int i = 0; i < len && i < room; i++)
        out[i] = (char)data[(r + 2 + i) % cap];
    wr32(ring + 4, r + 2 + len);
    return len;
}

/* Waits (3 s at most) for an event of type t on handle h: its extra, or -1000. */
static int wait_event(int t, int h)
{
    for (int i = 0; i < 300; i++) {
        int n = net_event_pop(ev, sizeof ev);
        if (n > 0 && ev[0] == t && ev[1] == h) return ev[2] | ev[3] << 8;
        if (n == 0) delay(10000);
    }
    return -1000;
}

static int number(const char **p)
{
    int v = 0;
    while (**p == ',')
        (*p)++;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + *(*p)++ - '0';
    return v;
}

int main(void)
{
    R("msg_subscribe", msg_subscribe("netcli.ports"));
    printf_native("netcli waiting");
    int got = msg_recv("netcli.ports", buf, 64, -1);
    buf[got > 0 ? got : 0] = 0;
    const char *p = buf;
    int tcp = number(&p), udp = number(&p), closed = number(&p);

    /* TCP to the echo server */
    R("net_open_tls", net_open(2));
    int h = net_open(UP_NET_TCP);
    R("net_open_tcp", h);
    R("net_tx_bind", net_tx_bind(h, tx, sizeof tx));
    R("net_rx_bind", net_rx_bind(h, rx, sizeof rx));
    R("net_rx_bind_capacity", rd32(rx + 8));
    R("net_tx_bind_small", net_tx_bind(h, tx, 16));
    R("net_rx_bind_oob", net_rx_bind(h, (void *)0xFFFFFF00u, 64));
    R("net_tx_bind_bad_handle", net_tx_bind(9, tx, sizeof tx));
    R("net_tx_flush_unconnected", net_tx_flush(h));
    R("net_connect_name", net_connect(h, "example.com", tcp));
    R("net_connect_not_allowed", net_connect(h, "10.1.2.3", tcp));
    R("net_connect_bad_port", net_connect(h, "127.0.0.1", 0));
    R("net_connect_bad_handle", net_connect(7, "127.0.0.1", tcp));
    R("net_connect", net_connect(h, "localhost", tcp));
    R("ev_connected", wait_event(UP_NET_EVT_CONNECTED, h));
    R("net_connect_again", net_connect(h, "127.0.0.1", tcp));
    R("ring_write", ring_write(tx, "hello upstream", 14));
    R("net_tx_flush", net_tx_flush(h));
    R("ev_data", wait_event(UP_NET_EVT_DATA_READY, h) > 0);
    memset(buf, 0, 32);
    R("ring_read", ring_read(rx, buf, 32));
    R("echo_same", strcmp(buf, "hello upstream"));
    /* 40 messages through a 256-byte ring (it wraps), the echo gathered */
    char msg[8] = "m-00|";
    int want = 0, have = 0;
    for (int i = 0; i < 40; i++) {
        msg[2] = (char)('0' + i / 10);
        msg[3] = (char)('0' + i % 10);
        while (ring_write(tx, msg, 5) < 0)
            net_tx_flush(h);
        want += 5;
    }
    net_tx_flush(h);
    for (int i = 0; i < 300 && have < want; i++) {
        int n = ring_read(rx, buf + have, (int)sizeof buf - have);
        if (n > 0) {
            have += n;
        } else if (net_event_pop(ev, sizeof ev) == 0) {
            delay(10000);
        }
    }
    buf[have] = 0;
    R("echo_bytes", have);
    R("echo_order", strncmp(buf, "m-00|m-01|", 10) == 0 && strncmp(buf + 195, "m-39|", 5) == 0);
    /* indices that do not hold together: an ERROR event, the ring emptied */
    u32 r0 = rd32(tx + 4);
    ring_write(tx, "zz", 2); /* a whole message, then a write index past the capacity */
    wr32(tx, r0 + 300);
    R("net_tx_flush_broken", net_tx_flush(h));
    R("ev_broken", wait_event(UP_NET_EVT_ERROR, h));
    R("tx_emptied", rd32(tx) == rd32(tx + 4));
    /* and nothing of it went out (the echo server would have sent it back) */
    for (int i = 0; i < 20; i++) {
        while (net_event_pop(ev, sizeof ev) > 0)
            ;
        delay(10000);
    }
    R("nothing_sent", rd32(rx) == rd32(rx + 4));
    /* the server closes on "bye" */
    ring_write(tx, "bye", 3);
    net_tx_flush(h);
    R("ev_disconnected", wait_event(UP_NET_EVT_DISCONNECT, h));
    R("net_tx_flush_ended", net_tx_flush(h));
    R("net_close", net_close(h));
    R("net_close_again", net_close(h));
    /* nobody listening */
    h = net_open(UP_NET_TCP);
    R("net_connect_refused", net_connect(h, "127.0.0.1", closed));
    R("ev_refused", wait_event(UP_NET_EVT_ERROR, h));
    net_close(h);

    /* UDP: each message one datagram, each datagram one message */
    int u = net_open(UP_NET_UDP);
    R("net_open_udp", u > 0);
    net_tx_bind(u, utx, sizeof utx);
    net_rx_bind(u, urx, sizeof urx);
    R("udp_connect", net_connect(u, "127.0.0.1", udp));
    R("udp_ev_connected", wait_event(UP_NET_EVT_CONNECTED, u));
    ring_write(utx, "ping", 4);
    ring_write(utx, "pong!", 5);
    R("udp_flush", net_tx_flush(u));
    int msgs = 0, lens = 0;
    for (int i = 0; i < 300 && msgs < 2; i++) {
        int n = ring_read(urx, buf, 64);
        if (n >= 0) {
            msgs++;
            lens = lens * 10 + n;
        } else if (net_event_pop(ev, sizeof ev) == 0) {
            delay(10000);
        }
    }
    R("udp_msgs", msgs);
    R("udp_lens", lens);

    while (net_event_pop(ev, sizeof ev) > 0)
        ;
    R("net_event_pop_empty", net_event_pop(ev, 4));
    R("net_event_pop_short", net_event_pop(ev, 3));
    R("net_event_pop_oob", net_event_pop((void *)0xFFFFFF00u, 4));
    R("net_get_ip", net_get_ip(buf, 16));
    R("net_get_ip_short", net_get_ip(buf, 8));
    /* our net module's 4 sockets per app: u and three more */
    int last = 0;
    for (int i = 0; i < 4; i++)
        last = net_open(UP_NET_TCP);
    R("net_open_fifth", last);
    printf_native("netcli done");
    /* a host string outside memory traps, as upstream's `$` argument */
    R("net_connect_oob", net_connect(u, (const char *)0xFFFFFF00u, udp));
    printf_native("not reached");
    return 0;
}

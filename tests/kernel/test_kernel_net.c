/* Kernel sockets on loopback: TCP accept/connect/stream, UDP datagrams, timeouts that
 * really wait, non-blocking calls, poll over several sockets, shutdown waking a
 * blocked thread, errors as akira_err_t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/net.h>
#include <akira/thread.h>

static int setup(void **state)
{
    (void)state;
    return akira_kernel_init();
}

static int teardown(void **state)
{
    (void)state;
    return akira_kernel_shutdown();
}

/* A listener on a free loopback port, and a connected pair through it. */
static akira_sock_t *listen_any(struct akira_net_addr *bound)
{
    akira_sock_t *l = NULL;
    struct akira_net_addr a = akira_net_addr_loopback(0);
    assert_int_equal(akira_net_tcp_listen(&l, &a, 4), 0);
    assert_int_equal(akira_net_local_addr(l, bound), 0);
    assert_int_not_equal(bound->port, 0);
    return l;
}

static void pair(akira_sock_t **l, akira_sock_t **c, akira_sock_t **s)
{
    struct akira_net_addr at;
    *l = listen_any(&at);
    assert_int_equal(akira_net_tcp_connect(c, &at, 2000), 0);
    struct akira_net_addr peer;
    assert_int_equal(akira_net_accept(*l, s, &peer, 2000), 0);
    assert_int_equal(peer.ip[0], 127);
    struct akira_net_addr cl;
    assert_int_equal(akira_net_local_addr(*c, &cl), 0);
    assert_int_equal(peer.port, cl.port);
}

static void test_addr(void **state)
{
    (void)state;
    struct akira_net_addr a;
    assert_int_equal(akira_net_addr_parse("10.0.255.7", 99, &a), 0);
    assert_int_equal(a.ip[0], 10);
    assert_int_equal(a.ip[2], 255);
    assert_int_equal(a.ip[3], 7);
    char buf[AKIRA_NET_ADDR_STR_MAX];
    assert_int_equal(akira_net_addr_format(&a, buf, sizeof(buf)), 13);
    assert_string_equal(buf, "10.0.255.7:99");
    assert_int_equal(akira_net_addr_format(&a, buf, 5), AKIRA_ERANGE);
    assert_string_equal(buf, "");
    const char *bad[] = {"",         "1.2.3",   "1.2.3.4.5", "256.1.1.1",
                         "1.2.3.4 ", "a.b.c.d", "1..2.3",    "0001.2.3.4"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(akira_net_addr_parse(bad[i], 1, &a), AKIRA_EINVAL);
}

enum { BIG = 1 << 20 };
static unsigned char big_out[BIG], big_in[BIG];

static int sender(void *arg)
{
    return akira_net_send_all(arg, big_out, BIG, 10000);
}

static void test_tcp_stream(void **state)
{
    (void)state;
    akira_sock_t *l, *c, *s;
    pair(&l, &c, &s);
    /* 1 MiB does not fit the socket buffers: send_all must loop while we read. */
    for (size_t i = 0; i < BIG; i++)
        big_out[i] = (unsigned char)(i * 31u + 7u);
    akira_thread_t *t;
    assert_int_equal(akira_thread_create(&t, "sender", sender, c, AKIRA_PRIO_DEFAULT, 0), 0);
    size_t got = 0;
    while (got < BIG) {
        int n = akira_net_recv(s, big_in + got, BIG - got, 5000);
        assert_true(n > 0);
        got += (size_t)n;
    }
    int status = -1;
    assert_int_equal(akira_thread_join(t, 5000, &status), 0);
    assert_int_equal(status, 0);
    assert_memory_equal(big_in, big_out, BIG);
    /* Orderly close: the reader sees 0, then sending to the closed peer fails cleanly
     * (no SIGPIPE kills the test). */
    akira_net_close(c);
    char b;
    assert_int_equal(akira_net_recv(s, &b, 1, 2000), 0);
    int rc = 0;
    for (int i = 0; i < 50 && rc >= 0; i++) {
        rc = akira_net_send(s, "x", 1, 1000);
        if (rc >= 0) akira_sleep_ms(5);
    }
    assert_int_equal(rc, AKIRA_ECONNRESET);
    akira_net_close(s);
    akira_net_close(l);
}

static void test_timeouts_and_nonblocking(void **state)
{
    (void)state;
    akira_sock_t *l, *c, *s;
    pair(&l, &c, &s);
    char b[8];
    assert_int_equal(akira_net_recv(s, b, sizeof(b), AKIRA_NO_WAIT), AKIRA_EAGAIN);
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_net_recv(s, b, sizeof(b), 120), AKIRA_ETIMEDOUT);
    uint64_t spent = akira_uptime_ms() - t0;
    assert_true(spent >= 110);
    akira_sock_t *none;
    assert_int_equal(akira_net_accept(l, &none, NULL, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    t0 = akira_uptime_ms();
    assert_int_equal(akira_net_accept(l, &none, NULL, 80), AKIRA_ETIMEDOUT);
    assert_true(akira_uptime_ms() - t0 >= 70);
    /* Non-blocking send fills the buffers, then says EAGAIN rather than blocking. */
    static char chunk[65536];
    int rc;
    size_t sent = 0;
    while ((rc = akira_net_send(c, chunk, sizeof(chunk), AKIRA_NO_WAIT)) > 0)
        sent += (size_t)rc;
    assert_int_equal(rc, AKIRA_EAGAIN);
    assert_true(sent > 0);
    assert_int_equal(akira_net_recv(s, b, sizeof(b), -2), AKIRA_EINVAL);
    assert_int_equal(akira_net_recv(NULL, b, sizeof(b), 0), AKIRA_EINVAL);
    assert_int_equal(
        akira_net_tcp_connect(&none, &(struct akira_net_addr){{127, 0, 0, 1}, 1}, AKIRA_NO_WAIT),
        AKIRA_EINVAL);
    akira_net_close(c);
    akira_net_close(s);
    akira_net_close(l);
}

static void test_errors(void **state)
{
    (void)state;
    struct akira_net_addr at;
    akira_sock_t *l = listen_any(&at);
    akira_sock_t *l2;
    assert_int_equal(akira_net_tcp_listen(&l2, &at, 1), AKIRA_EBUSY);
    akira_net_close(l);
    /* Nobody listens there any more. */
    akira_sock_t *c;
    assert_int_equal(akira_net_tcp_connect(&c, &at, 2000), AKIRA_ECONNREFUSED);
}

static void test_udp(void **state)
{
    (void)state;
    akira_sock_t *a, *b;
    struct akira_net_addr any = akira_net_addr_loopback(0), aa, ba;
    assert_int_equal(akira_net_udp_open(&a, &any), 0);
    assert_int_equal(akira_net_udp_open(&b, &any), 0);
    assert_int_equal(akira_net_local_addr(a, &aa), 0);
    assert_int_equal(akira_net_local_addr(b, &ba), 0);
    char buf[16];
    assert_int_equal(akira_net_recvfrom(b, buf, sizeof(buf), NULL, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    assert_int_equal(akira_net_sendto(a, "hello", 5, &ba, 1000), 5);
    assert_int_equal(akira_net_sendto(a, "0123456789abcdefXYZ", 19, &ba, 1000), 19);
    struct akira_net_addr from;
    assert_int_equal(akira_net_recvfrom(b, buf, sizeof(buf), &from, 1000), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(from.port, aa.port);
    /* Datagram boundaries are kept; a long one is cut to the buffer. */
    assert_int_equal(akira_net_recvfrom(b, buf, sizeof(buf), NULL, 1000), 16);
    assert_memory_equal(buf, "0123456789abcdef", 16);
    assert_int_equal(akira_net_recvfrom(b, buf, sizeof(buf), NULL, 50), AKIRA_ETIMEDOUT);
    akira_net_close(a);
    akira_net_close(b);
}

static void test_poll_several(void **state)
{
    (void)state;
    akira_sock_t *l1, *c1, *s1, *l2, *c2, *s2;
    pair(&l1, &c1, &s1);
    pair(&l2, &c2, &s2);
    struct akira_net_pollfd p[3] = {
        {.sock = s1, .events = AKIRA_NET_POLL_IN},
        {.sock = NULL, .events = AKIRA_NET_POLL_IN},
        {.sock = s2, .events = AKIRA_NET_POLL_IN},
    };
    assert_int_equal(akira_net_poll(p, 3, AKIRA_NO_WAIT), AKIRA_EAGAIN);
    assert_int_equal(akira_net_poll(p, 3, 50), AKIRA_ETIMEDOUT);
    assert_int_equal(akira_net_send(c2, "z", 1, 1000), 1);
    assert_int_equal(akira_net_poll(p, 3, 2000), 1);
    assert_int_equal(p[0].revents, 0);
    assert_int_equal(p[1].revents, 0);
    assert_true(p[2].revents & AKIRA_NET_POLL_IN);
    /* Room to send is reported for OUT. */
    struct akira_net_pollfd o = {.sock = c1, .events = AKIRA_NET_POLL_OUT};
    assert_int_equal(akira_net_poll(&o, 1, 1000), 1);
    assert_true(o.revents & AKIRA_NET_POLL_OUT);
    /* A listener with a pending connection is readable. */
    akira_sock_t *c3;
    struct akira_net_addr at;
    assert_int_equal(akira_net_local_addr(l1, &at), 0);
    assert_int_equal(akira_net_tcp_connect(&c3, &at, 1000), 0);
    struct akira_net_pollfd lp = {.sock = l1, .events = AKIRA_NET_POLL_IN};
    assert_int_equal(akira_net_poll(&lp, 1, 1000), 1);
    akira_net_close(c3);
    akira_sock_t *all[] = {c1, s1, l1, c2, s2, l2};
    for (size_t i = 0; i < 6; i++)
        akira_net_close(all[i]);
}

struct blocked {
    akira_sock_t *sock;
    int rc;
};

static int block_recv(void *arg)
{
    struct blocked *b = arg;
    char c;
    b->rc = akira_net_recv(b->sock, &c, 1, AKIRA_FOREVER);
    return 0;
}

static int block_accept(void *arg)
{
    struct blocked *b = arg;
    akira_sock_t *s;
    b->rc = akira_net_accept(b->sock, &s, NULL, AKIRA_FOREVER);
    return 0;
}

static void test_shutdown_wakes(void **state)
{
    (void)state;
    akira_sock_t *l, *c, *s;
    pair(&l, &c, &s);
    struct blocked br = {s, 99}, ba = {l, 99};
    akira_thread_t *tr, *ta;
    assert_int_equal(akira_thread_create(&tr, "rx", block_recv, &br, AKIRA_PRIO_DEFAULT, 0), 0);
    assert_int_equal(akira_thread_create(&ta, "acc", block_accept, &ba, AKIRA_PRIO_DEFAULT, 0), 0);
    akira_sleep_ms(50);
    assert_int_equal(br.rc, 99);
    assert_int_equal(ba.rc, 99);
    akira_net_shutdown(s);
    akira_net_shutdown(l);
    assert_int_equal(akira_thread_join(tr, 2000, NULL), 0);
    assert_int_equal(akira_thread_join(ta, 2000, NULL), 0);
    assert_int_equal(br.rc, 0);
    assert_int_equal(ba.rc, AKIRA_ECANCELED);
    /* The peer sees the orderly close. */
    char b;
    assert_int_equal(akira_net_recv(c, &b, 1, 2000), 0);
    akira_net_close(c);
    akira_net_close(s);
    akira_net_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr),
        cmocka_unit_test(test_tcp_stream),
        cmocka_unit_test(test_timeouts_and_nonblocking),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_udp),
        cmocka_unit_test(test_poll_several),
        cmocka_unit_test(test_shutdown_wakes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

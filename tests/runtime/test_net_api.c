/*
 * Net module from a WASM app (issue 7 items 3 and 6) against servers the test runs on
 * loopback: TCP and UDP round trips driven by readiness events, only the manifest's
 * endpoints reachable, datagrams from other senders dropped, the app's sockets closed
 * when it stops, another app answering throughout. The http-get example fetches a
 * page from a tiny HTTP server here too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <akira/app_ipc.h>
#include <akira/app_manager.h>
#include <akira/clock.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/net.h>

#include "hw_test_util.h"

static struct test_app apps[2];
static akira_sock_t *listener, *dgram;
static struct akira_net_addr tcp_at, udp_at;

static int setup(void **state)
{
    (void)state;
    struct akira_appmgr_config cfg = {.stop_grace_ms = 300};
    assert_int_equal(akira_appmgr_init(&cfg), 0);
    test_app_load(&apps[0], "responder", "responder", NULL);
    test_app_add(&apps[0]);
    assert_int_equal(akira_app_start("responder"), 0);
    assert_true(test_responder_answers("responder", 2000));
    struct akira_net_addr any = akira_net_addr_loopback(0);
    assert_int_equal(akira_net_tcp_listen(&listener, &any, 4), 0);
    assert_int_equal(akira_net_local_addr(listener, &tcp_at), 0);
    assert_int_equal(akira_net_udp_open(&dgram, &any), 0);
    assert_int_equal(akira_net_local_addr(dgram, &udp_at), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_appmgr_deinit();
    akira_net_close(listener);
    akira_net_close(dgram);
    test_app_free(&apps[0]);
    test_app_free(&apps[1]);
    return 0;
}

static void test_tcp_udp_round_trips_and_close_at_stop(void **state)
{
    (void)state;
    char extra[256];
    snprintf(
        extra, sizeof extra,
        "capabilities: net, ipc\nipc_subscribe: net/ports\nnet_hosts: 127.0.0.1:%u, localhost:%u\n",
        (unsigned)tcp_at.port, (unsigned)udp_at.port);
    test_app_load(&apps[1], "hw_net", "net", extra);
    test_app_add(&apps[1]);
    assert_int_equal(akira_app_start("net"), 0);
    hw_expect_log("net", "net: waiting (1)", 2000);
    char ports[32];
    int n = snprintf(ports, sizeof ports, "%u %u", (unsigned)tcp_at.port, (unsigned)udp_at.port);
    assert_int_equal(akira_ipc_publish("net/ports", ports, (size_t)n), 1);

    /* A port the manifest does not list is refused before any packet leaves. */
    hw_expect_log("net", "net: other port gave -9", 2000);
    hw_expect_log("net", "net: no listener gave -27", 2000); /* ECONNREFUSED */
    /* TCP: the app connected and sent; we answer, readiness brings it the reply. */
    akira_sock_t *conn = NULL;
    assert_int_equal(akira_net_accept(listener, &conn, NULL, 2000), 0);
    char buf[64];
    int got = 0;
    while (got < 5) {
        int r = akira_net_recv(conn, buf + got, sizeof buf - (size_t)got, 2000);
        assert_true(r > 0);
        got += r;
    }
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(akira_net_send_all(conn, "HELLO", 5, 1000), 0);
    hw_expect_log("net", "net: tcp got 'HELLO'", 2000);
    /* UDP: a datagram from a stranger is dropped, the peer's reply delivered. */
    struct akira_net_addr from;
    int r = akira_net_recvfrom(dgram, buf, sizeof buf, &from, 2000);
    assert_int_equal(r, 5);
    assert_memory_equal(buf, "dgram", 5);
    akira_sock_t *stranger;
    struct akira_net_addr any = akira_net_addr_loopback(0);
    assert_int_equal(akira_net_udp_open(&stranger, &any), 0);
    assert_int_equal(akira_net_sendto(stranger, "EVIL", 4, &from, 1000), 4);
    akira_net_close(stranger);
    akira_sleep_ms(50);
    assert_int_equal(akira_net_sendto(dgram, "DGRAM", 5, &from, 1000), 5);
    hw_expect_log("net", "net: udp got 'DGRAM'", 2000);
    assert_false(test_wait_log("net", "EVIL", 100));
    assert_true(test_responder_answers("responder", 2000));
    struct akira_app_info info;
    assert_int_equal(akira_app_info("net", &info), 0);
    assert_int_equal(info.stats.traps, 0);

    /* Stopping it closes its sockets: our end sees the orderly close. */
    assert_int_equal(akira_app_stop("net"), 0);
    assert_int_equal(akira_net_recv(conn, buf, sizeof buf, 2000), 0);
    akira_net_close(conn);
    assert_true(test_responder_answers("responder", 2000));
}

/* One GET answered with a fixed page, on this test's thread after accept. */
static void serve_one(const char *body)
{
    akira_sock_t *c = NULL;
    assert_int_equal(akira_net_accept(listener, &c, NULL, 3000), 0);
    char req[512];
    int got = 0;
    while (got < (int)sizeof req - 1) {
        int r = akira_net_recv(c, req + got, sizeof req - 1 - (size_t)got, 2000);
        assert_true(r > 0);
        got += r;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n")) break;
    }
    assert_non_null(strstr(req, "GET /status HTTP/1.0\r\n"));
    char resp[256];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
    assert_int_equal(akira_net_send_all(c, resp, (size_t)n, 2000), 0);
    akira_net_shutdown(c);
    akira_net_close(c);
}

static void test_http_get_example(void **state)
{
    (void)state;
    hw_example_add(&apps[1], "http-get"); /* its manifest: net_hosts: localhost:* */
    assert_int_equal(akira_app_start("http-get"), 0);
    hw_expect_log("http-get", "http-get: waiting for a url", 2000);
    char url[64];
    int n = snprintf(url, sizeof url, "127.0.0.1:%u/status", (unsigned)tcp_at.port);
    assert_int_equal(akira_ipc_publish("http-get/url", url, (size_t)n), 1);
    serve_one("hello from the test server\nsecond line\n");
    hw_expect_log("http-get", "http-get: HTTP/1.0 200 OK, 39 body bytes", 3000);
    hw_expect_log("http-get", "http-get: body: hello from the test server", 1000);
    /* Hosts outside its manifest are refused. */
    n = snprintf(url, sizeof url, "10.9.8.7:%u/status", (unsigned)tcp_at.port);
    assert_int_equal(akira_ipc_publish("http-get/url", url, (size_t)n), 1);
    hw_expect_log("http-get", "gave -9", 2000);
    assert_true(test_responder_answers("responder", 2000));
}

int main(void)
{
    akira_log_sink_enable(false);
    assert_int_equal(akira_kernel_init(), 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tcp_udp_round_trips_and_close_at_stop, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_http_get_example, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    akira_kernel_shutdown();
    return rc;
}

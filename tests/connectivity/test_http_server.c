/* HTTP server core on loopback with short limits: routes and {name} parameters, bodies
 * streamed to the handler in bounded pieces, per-route body limits, the head deadline
 * (slowloris), the idle timeout, the full queue (503), keep-alive, graceful stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/http.h>
#include <akira/kernel.h>
#include <akira/net.h>
#include <akira/thread.h>
#include <akira/transport.h>

static struct akira_http_server *srv;
static struct akira_net_addr at;
static size_t max_piece;

static int h_echo_param(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    char b[300];
    int n = snprintf(b, sizeof(b), "%s|%s|%s", akira_http_req_param(r, "a"),
                     akira_http_req_param(r, "rest") ? akira_http_req_param(r, "rest") : "-",
                     akira_http_req_query(r));
    return akira_http_resp_send(r, 200, "text/plain", b, (size_t)n);
}

/* Sums the body (FNV-1a) reading it in 700-byte pieces. */
static int h_sum(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    unsigned char buf[700];
    uint32_t h = 2166136261u;
    uint64_t total = 0;
    int n;
    while ((n = akira_http_req_body_read(r, buf, sizeof(buf))) > 0) {
        if ((size_t)n > max_piece) max_piece = (size_t)n;
        for (int i = 0; i < n; i++)
            h = (h ^ buf[i]) * 16777619u;
        total += (uint64_t)n;
    }
    if (n < 0) return n;
    char out[64];
    int k = snprintf(out, sizeof(out), "%llu %08x", (unsigned long long)total, h);
    return akira_http_resp_send(r, 200, "text/plain", out, (size_t)k);
}

static int h_slow(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    akira_sleep_ms(300);
    return akira_http_resp_send(r, 200, "text/plain", "slow", 4);
}

/* A server-push handler: a line every 50 ms until akira_http_req_wait says the client
 * left (or the server stops); push_end gets why, push_ms how long after the close. */
static volatile int push_end = 1;
static int h_push(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    int rc = akira_http_resp_begin(r, 200, "text/event-stream");
    while (!rc) {
        rc = akira_http_resp_write(r, "data: x\n\n", 9);
        if (!rc) rc = akira_http_req_wait(r, 50);
    }
    push_end = rc;
    return 0;
}

static bool reads_locked;
static bool reads_need_token(void)
{
    return reads_locked;
}

static int h_fail(struct akira_http_req *r, void *ctx)
{
    (void)r;
    (void)ctx;
    return AKIRA_ENOSPC; /* no response: the server answers from the error */
}

/* A stream service (kind OTA) that checksums what it gets and can be told to fail. */
static struct {
    char name[64];
    uint64_t bytes, announced;
    uint32_t sum;
    size_t max_piece;
    int close_status, closes, fail_after;
    uint64_t t_slow_us; /* sleep per piece: back-pressure */
} ota;

static int ota_open(void *ctx, const struct akira_transport_stream_info *info, void **stream)
{
    (void)ctx;
    if (info->name && strcmp(info->name, "refuse") == 0) return AKIRA_EBUSY;
    snprintf(ota.name, sizeof(ota.name), "%s", info->name ? info->name : "");
    ota.bytes = 0;
    ota.sum = 2166136261u;
    ota.announced = info->length;
    *stream = &ota;
    return 0;
}

static int ota_write(void *stream, const void *data, size_t len)
{
    (void)stream;
    if (len > ota.max_piece) ota.max_piece = len;
    if (ota.fail_after && ota.bytes >= (uint64_t)ota.fail_after) return AKIRA_ENOSPC;
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        ota.sum = (ota.sum ^ p[i]) * 16777619u;
    ota.bytes += len;
    if (ota.t_slow_us) akira_sleep_us((uint32_t)ota.t_slow_us);
    return 0;
}

static int ota_close(void *stream, int status, char *result, size_t cap)
{
    (void)stream;
    ota.closes++;
    ota.close_status = status;
    if (status == 0) snprintf(result, cap, "%08x", ota.sum);
    return status;
}

static const struct akira_transport_handler ota_handler = {ota_open, ota_write, ota_close, NULL};
static const struct akira_http_stream_route ota_route = {AKIRA_TRANSPORT_KIND_OTA, "name", 201};
static const struct akira_http_stream_route api_route = {AKIRA_TRANSPORT_KIND_API, NULL, 0};

static int setup(void **state)
{
    (void)state;
    assert_int_equal(akira_kernel_init(), 0);
    struct akira_http_config cfg = akira_http_config_default(akira_net_addr_loopback(0));
    cfg.workers = 2;
    cfg.queue = 1;
    cfg.head_max = 512;
    cfg.head_timeout_ms = 400;
    cfg.idle_timeout_ms = 600;
    cfg.idle_busy_timeout_ms = 200;
    cfg.body_max_default = 100;
    cfg.reads_need_token = reads_need_token;
    assert_int_equal(akira_http_server_create(&srv, &cfg), 0);
    struct akira_http_route routes[] = {
        {.method = "GET", .pattern = "/p/{a}", .handler = h_echo_param},
        {.method = "GET", .pattern = "/p/{a}/t/{rest*}", .handler = h_echo_param},
        {.method = "POST", .pattern = "/sum", .body_max = 1 << 20, .handler = h_sum},
        {.method = "POST", .pattern = "/small", .handler = h_sum},
        {.method = "POST", .pattern = "/auth", .auth = true, .handler = h_sum},
        {.method = "GET", .pattern = "/slow", .handler = h_slow},
        {.method = "GET", .pattern = "/fail", .handler = h_fail},
        {.method = "GET", .pattern = "/push", .handler = h_push},
        {.method = "GET", .pattern = "/always", .always_open = true, .handler = h_slow},
        {.method = "POST",
         .pattern = "/stream/{name}",
         .body_max = 1 << 20,
         .handler = akira_http_stream_handler,
         .ctx = (void *)&ota_route},
        {.method = "POST",
         .pattern = "/api-stream",
         .handler = akira_http_stream_handler,
         .ctx = (void *)&api_route},
    };
    assert_int_equal(akira_transport_handler_set(AKIRA_TRANSPORT_KIND_OTA, &ota_handler), 0);
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        assert_int_equal(akira_http_route_add(srv, &routes[i]), 0);
    assert_int_equal(akira_http_route_add(srv, &routes[0]), AKIRA_EEXIST);
    struct akira_http_route bad = {.method = "GET", .pattern = "/x/{a*}/y", .handler = h_fail};
    assert_int_equal(akira_http_route_add(srv, &bad), AKIRA_EINVAL);
    bad.pattern = "noslash";
    assert_int_equal(akira_http_route_add(srv, &bad), AKIRA_EINVAL);
    bad.pattern = "/x/{}";
    assert_int_equal(akira_http_route_add(srv, &bad), AKIRA_EINVAL);
    assert_int_equal(akira_http_server_token_set(srv, "secret"), 0);
    assert_int_equal(akira_http_server_token_set(srv, "has space"), AKIRA_EINVAL);
    assert_int_equal(akira_http_server_start(srv), 0);
    assert_int_equal(akira_http_server_addr(srv, &at), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_http_server_stop(srv, 1000);
    akira_http_server_destroy(srv);
    return akira_kernel_shutdown();
}

static akira_sock_t *client(void)
{
    akira_sock_t *c;
    assert_int_equal(akira_net_tcp_connect(&c, &at, 2000), 0);
    return c;
}

/* Reads until the peer closes or `want` responses' worth of data (by "HTTP/1.1 "
 * count, with their bodies) arrived; returns the length. */
static size_t read_all(akira_sock_t *c, char *buf, size_t cap, int32_t timeout)
{
    size_t n = 0;
    while (n + 1 < cap) {
        int k = akira_net_recv(c, buf + n, cap - 1 - n, timeout);
        if (k <= 0) break;
        n += (size_t)k;
    }
    buf[n] = '\0';
    return n;
}

static void exchange(const char *req, size_t len, char *out, size_t cap)
{
    akira_sock_t *c = client();
    assert_int_equal(akira_net_send_all(c, req, len, 2000), 0);
    read_all(c, out, cap, 2000);
    akira_net_close(c);
}

#define EXCHANGE(req, out) exchange((req), strlen(req), (out), sizeof(out))

static void test_routes_and_params(void **state)
{
    (void)state;
    char out[2048];
    EXCHANGE("GET /p/hello%20w?q=1 HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 200 OK"));
    assert_non_null(strstr(out, "\r\n\r\nhello w|-|q=1"));
    EXCHANGE("GET /p/x/t/a/b/c HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "\r\n\r\nx|a/b/c|"));
    const char *bad[] = {"/p/..", "/p/%2e",        "/p/a%2fb",    "/p/%c3%28", "/p/%00",
                         "/p/%4", "/p/x/t/a/../b", "/p/x/t/a//b", "/p/x/t/a/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char req[128];
        snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nConnection: close\r\n\r\n", bad[i]);
        EXCHANGE(req, out);
        assert_non_null(strstr(out, "HTTP/1.1 400 "));
        assert_non_null(strstr(out, "\"status\":400"));
    }
    EXCHANGE("GET /p HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 404 "));
    EXCHANGE("PUT /p/x HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 405 "));
    /* RFC 9110 15.5.6: a 405 names the methods the path has. */
    assert_non_null(strstr(out, "\r\nAllow: GET\r\n"));
    EXCHANGE("GET /sum HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 405 "));
    assert_non_null(strstr(out, "\r\nAllow: POST\r\n"));
    EXCHANGE("GET /fail HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 507 "));
}

static void test_body_streaming(void **state)
{
    (void)state;
    enum { N = 200000 };
    static char req[N + 256];
    int h = snprintf(req, sizeof(req),
                     "POST /sum HTTP/1.1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", N);
    uint32_t f = 2166136261u;
    for (int i = 0; i < N; i++) {
        req[h + i] = (char)(i * 13 + 1);
        f = (f ^ (unsigned char)req[h + i]) * 16777619u;
    }
    char out[1024], want[64];
    max_piece = 0;
    exchange(req, (size_t)h + N, out, sizeof(out));
    snprintf(want, sizeof(want), "\r\n\r\n%d %08x", N, f);
    assert_non_null(strstr(out, want));
    assert_true(max_piece <= 700);
    /* chunked, same answer */
    EXCHANGE("POST /sum HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
             "3\r\nabc\r\n0\r\n\r\n",
             out);
    assert_non_null(strstr(out, "\r\n\r\n3 "));
    /* the route's limit: 100 bytes by default */
    EXCHANGE("POST /small HTTP/1.1\r\nContent-Length: 101\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 413 "));
    static char big[512];
    int k = snprintf(big, sizeof(big),
                     "POST /small HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n");
    memset(big + k, 'x', 101);
    memcpy(big + k + 101, "\r\n0\r\n\r\n", 7);
    exchange(big, (size_t)k + 108, out, sizeof(out));
    assert_non_null(strstr(out, "HTTP/1.1 413 "));
}

static void test_stream_route(void **state)
{
    (void)state;
    enum { N = 100000 };
    static char req[N + 256];
    int h = snprintf(req, sizeof(req),
                     "POST /stream/fw%%2d1 HTTP/1.1\r\nContent-Length: %d\r\n"
                     "Connection: close\r\n\r\n",
                     N);
    uint32_t f = 2166136261u;
    for (int i = 0; i < N; i++) {
        req[h + i] = (char)(i * 7 + 3);
        f = (f ^ (unsigned char)req[h + i]) * 16777619u;
    }
    char out[1024], want[64];
    ota.t_slow_us = 200; /* a slow service: the sender waits, nothing piles up */
    uint64_t t0 = akira_uptime_ms();
    exchange(req, (size_t)h + N, out, sizeof(out));
    ota.t_slow_us = 0;
    assert_true(akira_uptime_ms() - t0 >= (N / 1024) * 200 / 1000);
    assert_non_null(strstr(out, "HTTP/1.1 201 "));
    snprintf(want, sizeof(want), "\"result\":\"%08x\"", f);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "\"kind\":\"ota\",\"name\":\"fw-1\",\"bytes\":100000"));
    assert_string_equal(ota.name, "fw-1");
    assert_int_equal(ota.announced, N);
    assert_true(ota.max_piece <= AKIRA_TRANSPORT_CHUNK_MAX);
    /* the service refuses at open: its error, mapped */
    EXCHANGE("POST /stream/refuse HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", out);
    assert_non_null(strstr(out, "HTTP/1.1 409 "));
    /* the service fails mid-stream: 507, and its close is told why */
    ota.fail_after = 2048;
    exchange(req, (size_t)h + N, out, sizeof(out));
    ota.fail_after = 0;
    assert_non_null(strstr(out, "HTTP/1.1 507 "));
    assert_int_equal(ota.close_status, AKIRA_ENOSPC);
    /* the client goes away mid-body: the service's close gets the error, to undo */
    akira_sock_t *c = client();
    assert_int_equal(akira_net_send_all(c, req, (size_t)h + 5000, 1000), 0);
    int closes = ota.closes;
    akira_net_close(c);
    for (int i = 0; i < 100 && ota.closes == closes; i++)
        akira_sleep_ms(10);
    assert_int_equal(ota.closes, closes + 1);
    assert_true(ota.close_status == AKIRA_ECONNRESET);
    /* chunked: the length is unknown to the service, the bytes the same */
    EXCHANGE("POST /stream/c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
             "3\r\nabc\r\n0\r\n\r\n",
             out);
    assert_non_null(strstr(out, "HTTP/1.1 201 "));
    assert_int_equal(ota.announced, AKIRA_TRANSPORT_LENGTH_UNKNOWN);
    assert_int_equal(ota.bytes, 3);
    /* no service for the kind */
    EXCHANGE("POST /api-stream HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", out);
    assert_non_null(strstr(out, "HTTP/1.1 503 "));
}

static void test_auth(void **state)
{
    (void)state;
    char out[1024];
    EXCHANGE("POST /auth HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 401 "));
    assert_non_null(strstr(out, "WWW-Authenticate: Bearer"));
    EXCHANGE("POST /auth HTTP/1.1\r\nAuthorization: Bearer secreT\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n",
             out);
    assert_non_null(strstr(out, "HTTP/1.1 401 "));
    EXCHANGE("POST /auth HTTP/1.1\r\nAuthorization: Bearer secret\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n",
             out);
    assert_non_null(strstr(out, "HTTP/1.1 200 "));
    EXCHANGE("POST /auth HTTP/1.1\r\nAuthorization: bEARER secret\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n",
             out);
    assert_non_null(strstr(out, "HTTP/1.1 200 "));
    EXCHANGE("POST /auth HTTP/1.1\r\nAuthorization: Basic secret\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n",
             out);
    assert_non_null(strstr(out, "HTTP/1.1 401 "));
}

/* reads_need_token: routes without auth need the token while it says so, except
 * always_open ones. */
static void test_reads_need_token(void **state)
{
    (void)state;
    char out[1024];
    reads_locked = true;
    EXCHANGE("GET /p/x HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 401 "));
    EXCHANGE("GET /p/x HTTP/1.1\r\nAuthorization: Bearer secret\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 200 "));
    EXCHANGE("GET /always HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 200 "));
    reads_locked = false;
    EXCHANGE("GET /p/x HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 200 "));
}

/* akira_http_req_wait: a push handler learns at once that its client left, and its
 * worker is free for the next connection. */
static void test_push_client_leaves(void **state)
{
    (void)state;
    akira_sock_t *c = client();
    const char *req = "GET /push HTTP/1.1\r\n\r\n";
    assert_int_equal(akira_net_send_all(c, req, strlen(req), 1000), 0);
    char buf[512];
    size_t n = 0;
    buf[0] = '\0';
    /* the head and the first event may come in any number of pieces: read until the
     * event is there (or 5 s pass on a loaded machine) */
    uint64_t t_read = akira_uptime_ms();
    while (!strstr(buf, "data: x") && n < sizeof(buf) - 1 && akira_uptime_ms() - t_read < 5000) {
        int k = akira_net_recv(c, buf + n, sizeof(buf) - 1 - n, 1000);
        if (k == AKIRA_ETIMEDOUT) continue;
        assert_true(k > 0);
        n += (size_t)k;
        buf[n] = '\0';
    }
    assert_non_null(strstr(buf, "HTTP/1.1 200 "));
    assert_non_null(strstr(buf, "data: x"));
    push_end = 1;
    akira_net_close(c);
    uint64_t t0 = akira_uptime_ms();
    while (push_end == 1 && akira_uptime_ms() - t0 < 5000)
        akira_sleep_ms(10);
    assert_true(push_end < 0); /* the wait (or a write) saw the close */
}

static void test_keepalive_and_pipelining(void **state)
{
    (void)state;
    akira_sock_t *c = client();
    const char *two = "GET /p/a HTTP/1.1\r\n\r\nGET /p/b HTTP/1.1\r\nConnection: close\r\n\r\n";
    assert_int_equal(akira_net_send_all(c, two, strlen(two), 1000), 0);
    char out[2048];
    read_all(c, out, sizeof(out), 2000);
    char *first = strstr(out, "Connection: keep-alive");
    char *second = strstr(out, "\r\n\r\nb|-|");
    assert_non_null(first);
    assert_non_null(strstr(out, "\r\n\r\na|-|"));
    assert_non_null(second);
    akira_net_close(c);
}

static void test_slowloris_and_idle(void **state)
{
    (void)state;
    char out[512];
    /* a head trickling in is cut at the head deadline (400 ms) with 408 */
    akira_sock_t *c = client();
    uint64_t t0 = akira_uptime_ms();
    assert_int_equal(akira_net_send_all(c, "GET /p/a HTTP/1.1\r\n", 19, 1000), 0);
    int rc = 0;
    while (rc >= 0 && akira_uptime_ms() - t0 < 3000) {
        akira_sleep_ms(50);
        rc = akira_net_send(c, "X", 1, 100);
        struct akira_net_pollfd p = {.sock = c, .events = AKIRA_NET_POLL_IN};
        if (akira_net_poll(&p, 1, AKIRA_NO_WAIT) > 0) break;
    }
    read_all(c, out, sizeof(out), 1000);
    uint64_t spent = akira_uptime_ms() - t0;
    assert_non_null(strstr(out, "HTTP/1.1 408 "));
    assert_true(spent >= 350 && spent < 1500);
    akira_net_close(c);
    /* a body that stops coming: the connection closes after the idle timeout */
    c = client();
    const char *req = "POST /sum HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc";
    t0 = akira_uptime_ms();
    assert_int_equal(akira_net_send_all(c, req, strlen(req), 1000), 0);
    read_all(c, out, sizeof(out), 3000);
    spent = akira_uptime_ms() - t0;
    assert_true(spent >= 550 && spent < 2000);
    akira_net_close(c);
    /* a silent connection also goes after the idle timeout */
    c = client();
    t0 = akira_uptime_ms();
    read_all(c, out, sizeof(out), 3000);
    spent = akira_uptime_ms() - t0;
    assert_int_equal(strlen(out), 0);
    assert_true(spent >= 150 && spent < 2000);
    akira_net_close(c);
}

static void test_queue_full(void **state)
{
    (void)state;
    /* 2 workers busy with /slow, 1 waiting in the queue: the next connection is 503 */
    akira_sock_t *busy[3];
    const char *req = "GET /slow HTTP/1.1\r\nConnection: close\r\n\r\n";
    for (int i = 0; i < 3; i++) {
        busy[i] = client();
        assert_int_equal(akira_net_send_all(busy[i], req, strlen(req), 1000), 0);
        akira_sleep_ms(30);
    }
    char out[512];
    EXCHANGE("GET /p/a HTTP/1.1\r\n\r\n", out);
    assert_non_null(strstr(out, "HTTP/1.1 503 "));
    assert_non_null(strstr(out, "too many connections"));
    for (int i = 0; i < 3; i++) {
        read_all(busy[i], out, sizeof(out), 3000);
        assert_non_null(strstr(out, "HTTP/1.1 200 "));
        akira_net_close(busy[i]);
    }
    struct akira_http_stats st;
    akira_http_server_stats(srv, &st);
    assert_true(st.rejected_busy >= 1);
    assert_true(st.bytes_per_connection > 512);
}

struct drip {
    akira_sock_t *c;
    volatile int stop;
    int sent;
};

static int dripper(void *arg)
{
    struct drip *d = arg;
    const char *head = "POST /sum HTTP/1.1\r\nContent-Length: 1000\r\n\r\n";
    if (akira_net_send_all(d->c, head, strlen(head), 1000)) return 0;
    while (!d->stop && akira_net_send(d->c, "x", 1, 100) == 1) {
        d->sent++;
        akira_sleep_ms(400); /* under the idle timeout (600), over the busy one (200) */
    }
    return 0;
}

/* Two clients trickling their bodies hold both workers while nobody waits; once a
 * third connection waits, they give their workers up and it is served. */
static void test_trickle_yields(void **state)
{
    (void)state;
    struct drip d[2];
    akira_thread_t *t[2];
    for (int i = 0; i < 2; i++) {
        d[i] = (struct drip){.c = client()};
        assert_int_equal(akira_thread_create(&t[i], "drip", dripper, &d[i], AKIRA_PRIO_DEFAULT, 0),
                         0);
    }
    akira_sleep_ms(1500); /* alone, they are kept past the idle timeout */
    assert_true(d[0].sent >= 3 && d[1].sent >= 3);
    char out[512];
    uint64_t t0 = akira_uptime_ms();
    EXCHANGE("GET /p/z HTTP/1.1\r\nConnection: close\r\n\r\n", out);
    assert_non_null(strstr(out, "\r\n\r\nz|-|"));
    assert_true(akira_uptime_ms() - t0 < 1500);
    for (int i = 0; i < 2; i++) {
        d[i].stop = 1;
        akira_thread_join(t[i], AKIRA_FOREVER, NULL);
        akira_net_close(d[i].c);
    }
}

static void test_graceful_stop(void **state)
{
    (void)state;
    /* a request in progress is answered; an idle connection is closed; afterwards
     * nothing listens */
    akira_sock_t *idle = client();
    akira_sock_t *c = client();
    const char *req = "GET /slow HTTP/1.1\r\n\r\n";
    assert_int_equal(akira_net_send_all(c, req, strlen(req), 1000), 0);
    akira_sleep_ms(100);
    akira_http_server_stop(srv, 2000);
    char out[512];
    read_all(c, out, sizeof(out), 2000);
    assert_non_null(strstr(out, "HTTP/1.1 200 "));
    assert_non_null(strstr(out, "Connection: close"));
    char b;
    assert_true(akira_net_recv(idle, &b, 1, 1000) <= 0);
    akira_net_close(idle);
    akira_net_close(c);
    akira_sock_t *none;
    assert_int_equal(akira_net_tcp_connect(&none, &at, 1000), AKIRA_ECONNREFUSED);
}

/* ?after=N&limit=M as the log endpoints read them: numbers, absent, or refused. */
static void test_query_u64(void **state)
{
    (void)state;
    uint64_t v = 7;
    assert_true(akira_http_query_u64("", "after", &v));
    assert_int_equal(v, 7); /* absent: unchanged */
    assert_true(akira_http_query_u64(NULL, "after", &v));
    assert_true(akira_http_query_u64("after=12&limit=3", "limit", &v));
    assert_int_equal(v, 3);
    assert_true(akira_http_query_u64("limit=3&after=18446744073709551614", "after", &v));
    assert_true(v == 18446744073709551614ull);
    assert_true(akira_http_query_u64("xafter=5", "after", &v)); /* another name */
    assert_true(v == 18446744073709551614ull);
    assert_false(akira_http_query_u64("after=", "after", &v));
    assert_false(akira_http_query_u64("after=1x", "after", &v));
    assert_false(akira_http_query_u64("after=-1", "after", &v));
    assert_false(akira_http_query_u64("after=99999999999999999999", "after", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_u64),
        cmocka_unit_test(test_routes_and_params),
        cmocka_unit_test(test_body_streaming),
        cmocka_unit_test(test_stream_route),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_reads_need_token),
        cmocka_unit_test(test_push_client_leaves),
        cmocka_unit_test(test_keepalive_and_pipelining),
        cmocka_unit_test(test_slowloris_and_idle),
        cmocka_unit_test(test_queue_full),
        cmocka_unit_test(test_trickle_yields),
        cmocka_unit_test(test_graceful_stop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

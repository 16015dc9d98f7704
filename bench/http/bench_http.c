/*
 * HTTP server benchmark (in-process, loopback): upload throughput of a 1 MiB body to
 * an endpoint that streams it through a checksum and discards it, with Content-Length
 * and chunked framing; the reference is the same 1 MiB through a bare TCP pair of the
 * kernel socket API in the same run (what loopback itself gives). Also prints the RAM
 * the server reserves per connection. Median of RUNS transfers each.
 *
 * usage: akira_bench_http [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/http.h>
#include <akira/kernel.h>
#include <akira/net.h>
#include <akira/thread.h>

#define BODY (1024u * 1024u)

static unsigned char body[BODY];
static uint32_t expect_sum;

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static int h_sum(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    unsigned char buf[1024];
    uint32_t h = 2166136261u;
    int n;
    while ((n = akira_http_req_body_read(r, buf, sizeof(buf))) > 0)
        h = fnv(h, buf, (size_t)n);
    if (n < 0) return n;
    char out[16];
    int k = snprintf(out, sizeof(out), "%08x", h);
    return akira_http_resp_send(r, 200, "text/plain", out, (size_t)k);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_http: %s: %s\n", what, akira_err_str(rc));
    exit(1);
}

/* One upload; returns seconds from the first byte sent to the whole response read. */
static double upload(const struct akira_net_addr *at, bool chunked)
{
    akira_sock_t *c;
    int rc = akira_net_tcp_connect(&c, at, 5000);
    if (rc) die("connect", rc);
    char head[160];
    int n = chunked ? snprintf(head, sizeof(head),
                               "POST /sum HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                    : snprintf(head, sizeof(head),
                               "POST /sum HTTP/1.1\r\nContent-Length: %u\r\n\r\n", BODY);
    uint64_t t0 = akira_uptime_us();
    rc = akira_net_send_all(c, head, (size_t)n, 10000);
    if (chunked) {
        /* 16 KiB chunks, as curl sends from a pipe */
        for (size_t off = 0; !rc && off < BODY; off += 16384) {
            char sz[16];
            int k = snprintf(sz, sizeof(sz), "4000\r\n");
            rc = akira_net_send_all(c, sz, (size_t)k, 10000);
            if (!rc) rc = akira_net_send_all(c, body + off, 16384, 10000);
            if (!rc) rc = akira_net_send_all(c, "\r\n", 2, 10000);
        }
        if (!rc) rc = akira_net_send_all(c, "0\r\n\r\n", 5, 10000);
    } else if (!rc) {
        rc = akira_net_send_all(c, body, BODY, 10000);
    }
    if (rc) die("send", rc);
    char resp[512];
    size_t got = 0;
    while (got < sizeof(resp) - 1) {
        int k = akira_net_recv(c, resp + got, sizeof(resp) - 1 - got, 10000);
        if (k <= 0) break;
        got += (size_t)k;
        resp[got] = '\0';
        if (strstr(resp, "\r\n\r\n") && got - (size_t)(strstr(resp, "\r\n\r\n") - resp) >= 12)
            break;
    }
    double secs = (double)(akira_uptime_us() - t0) / 1e6;
    resp[got] = '\0';
    char want[16];
    snprintf(want, sizeof(want), "%08x", expect_sum);
    if (!strstr(resp, "200 OK") || !strstr(resp, want)) {
        fprintf(stderr, "bench_http: bad response: %s\n", resp);
        exit(1);
    }
    akira_net_close(c);
    return secs;
}

struct raw_ctx {
    akira_sock_t *s;
    int rc;
};

static int raw_reader(void *arg)
{
    struct raw_ctx *r = arg;
    static unsigned char buf[65536];
    size_t got = 0;
    while (got < BODY) {
        int n = akira_net_recv(r->s, buf, sizeof(buf), 10000);
        if (n <= 0) {
            r->rc = n ? n : AKIRA_ECONNRESET;
            return 0;
        }
        got += (size_t)n;
    }
    r->rc = akira_net_send_all(r->s, "k", 1, 10000);
    return 0;
}

/* The reference: 1 MiB through a bare TCP pair, one-byte answer at the end. */
static double raw_transfer(void)
{
    akira_sock_t *l, *c, *s;
    struct akira_net_addr a = akira_net_addr_loopback(0);
    int rc = akira_net_tcp_listen(&l, &a, 1);
    if (!rc) rc = akira_net_local_addr(l, &a);
    if (!rc) rc = akira_net_tcp_connect(&c, &a, 5000);
    if (!rc) rc = akira_net_accept(l, &s, NULL, 5000);
    if (rc) die("raw pair", rc);
    struct raw_ctx r = {s, 0};
    akira_thread_t *t;
    rc = akira_thread_create(&t, "raw-rx", raw_reader, &r, AKIRA_PRIO_DEFAULT, 0);
    if (rc) die("thread", rc);
    uint64_t t0 = akira_uptime_us();
    rc = akira_net_send_all(c, body, BODY, 10000);
    char k;
    if (!rc) rc = akira_net_recv(c, &k, 1, 10000) == 1 ? 0 : AKIRA_EIO;
    double secs = (double)(akira_uptime_us() - t0) / 1e6;
    akira_thread_join(t, AKIRA_FOREVER, NULL);
    if (rc || r.rc) die("raw transfer", rc ? rc : r.rc);
    akira_net_close(c);
    akira_net_close(s);
    akira_net_close(l);
    return secs;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 15;
    if (runs < 1 || runs > 1000) runs = 15;
    if (akira_kernel_init()) return 1;
    for (size_t i = 0; i < BODY; i++)
        body[i] = (unsigned char)(i * 2654435761u >> 24);
    expect_sum = fnv(2166136261u, body, BODY);

    struct akira_http_config cfg = akira_http_config_default(akira_net_addr_loopback(0));
    struct akira_http_server *srv;
    int rc = akira_http_server_create(&srv, &cfg);
    struct akira_http_route r = {
        .method = "POST", .pattern = "/sum", .body_max = 16u << 20, .handler = h_sum};
    if (!rc) rc = akira_http_route_add(srv, &r);
    if (!rc) rc = akira_http_server_start(srv);
    struct akira_net_addr at;
    if (!rc) rc = akira_http_server_addr(srv, &at);
    if (rc) die("server", rc);

    double *cl = calloc((size_t)runs, sizeof(double)), *ch = calloc((size_t)runs, sizeof(double)),
           *raw = calloc((size_t)runs, sizeof(double));
    for (int i = 0; i < runs; i++) {
        raw[i] = raw_transfer();
        cl[i] = upload(&at, false);
        ch[i] = upload(&at, true);
    }
    double mb = (double)BODY / 1e6;
    double m_raw = mb / median(raw, runs), m_cl = mb / median(cl, runs),
           m_ch = mb / median(ch, runs);
    printf("upload 1 MiB, Content-Length: %8.1f MB/s\n", m_cl);
    printf("upload 1 MiB, chunked 16 KiB: %8.1f MB/s\n", m_ch);
    printf("raw loopback TCP (reference): %8.1f MB/s\n", m_raw);
    printf("ratio to raw loopback:        %8.2f (Content-Length), %.2f (chunked)\n", m_cl / m_raw,
           m_ch / m_raw);
    struct akira_http_stats st;
    akira_http_server_stats(srv, &st);
    size_t stack = AKIRA_THREAD_STACK_MIN; /* what the server gives each worker */
    printf("RAM per connection: %zu bytes reserved (%zu of buffers and state + %zu of worker "
           "stack, %u workers)\n",
           st.bytes_per_connection, st.bytes_per_connection - stack, stack, cfg.workers);
    printf("(median of %d runs each)\n", runs);
    akira_http_server_stop(srv, 1000);
    akira_http_server_destroy(srv);
    free(cl);
    free(ch);
    free(raw);
    akira_kernel_shutdown();
    return 0;
}

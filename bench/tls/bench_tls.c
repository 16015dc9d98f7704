/*
 * TLS figures (docs/tls.md, bench/RESULTS.md "TLS"), all measured in one run on
 * loopback with the device's own code (akira/tls.h and the HTTP server):
 *  - handshake time: ECDHE-ECDSA P-256 (TLS 1.2, AES-128-GCM) client + server in this
 *    process, median of N, beside a plain TCP connect + one round trip (the ratio);
 *  - RAM per TLS connection: what mbedTLS (and our connection struct) hold on the heap
 *    for one session on the server side and on the client side, steady after the
 *    handshake, and the peak during the handshake; counted by a malloc/free interposer
 *    in this program with per-thread counters (Debian's mbedTLS has no
 *    MBEDTLS_PLATFORM_MEMORY, so mbedtls_platform_set_calloc_free is not available);
 *  - throughput: a large GET (8 MiB streamed by a route) over HTTPS and over plain HTTP
 *    from the same server code, MB/s and the ratio.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/http.h>
#include <akira/kernel.h>
#include <akira/net.h>
#include <akira/thread.h>
#include <akira/tls.h>

/* --- Counting allocator (this program only) ---------------------------------------- */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static _Thread_local long long t_cur, t_peak;

static void count(long long d)
{
    t_cur += d;
    if (t_cur > t_peak) t_peak = t_cur;
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    if (p) count((long long)malloc_usable_size(p));
    return p;
}

void *calloc(size_t a, size_t b)
{
    void *p = __libc_calloc(a, b);
    if (p) count((long long)malloc_usable_size(p));
    return p;
}

void *realloc(void *o, size_t n)
{
    long long before = o ? (long long)malloc_usable_size(o) : 0;
    void *p = __libc_realloc(o, n);
    if (p) count((long long)malloc_usable_size(p) - before);
    return p;
}

void free(void *p)
{
    if (p) count(-(long long)malloc_usable_size(p));
    __libc_free(p);
}

/* --- Setup -------------------------------------------------------------------------- */

#define HANDSHAKES 40
#define BIG        (8u << 20)

static uint8_t key[200], cert[700];
static size_t key_len, cert_len;
static uint8_t fp[AKIRA_TLS_FP_LEN];
static struct akira_tls_server *tls_srv;
static akira_sock_t *listener;
static struct akira_net_addr addr;
static atomic_llong srv_steady, srv_peak;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_u64);
    return v[n / 2];
}

/* Accepts n connections: TLS (tls) or plain; answers one byte per byte received. */
struct srv_arg {
    int n;
    bool tls;
};

static int server(void *arg)
{
    struct srv_arg *a = arg;
    for (int i = 0; i < a->n; i++) {
        akira_sock_t *s;
        if (akira_net_accept(listener, &s, NULL, 10000)) return 1;
        struct akira_tls_conn *c = NULL;
        long long base = t_cur;
        t_peak = t_cur;
        if (a->tls) {
            if (akira_tls_server_accept(tls_srv, &c, s, 10000)) {
                akira_net_close(s);
                continue;
            }
            atomic_store(&srv_steady, t_cur - base);
            atomic_store(&srv_peak, t_peak - base);
        }
        char b[16];
        int n = c ? akira_tls_recv(c, b, sizeof(b), 10000) : akira_net_recv(s, b, sizeof(b), 10000);
        if (n > 0) {
            if (c)
                akira_tls_send_all(c, b, 1, 10000);
            else
                akira_net_send_all(s, b, 1, 10000);
        }
        akira_tls_close(c);
        akira_net_close(s);
    }
    return 0;
}

static uint64_t one_connection(bool tls, long long *client_steady, long long *client_peak)
{
    uint64_t t0 = akira_uptime_us();
    akira_sock_t *s;
    if (akira_net_tcp_connect(&s, &addr, 5000)) exit(1);
    char b = 'x';
    if (tls) {
        struct akira_tls_client_opts o = {.pin = true};
        memcpy(o.pin_sha256, fp, sizeof(fp));
        struct akira_tls_conn *c;
        long long base = t_cur;
        t_peak = t_cur;
        if (akira_tls_client_connect(&c, s, &o, 10000)) exit(1);
        if (client_steady) *client_steady = t_cur - base;
        if (client_peak) *client_peak = t_peak - base;
        akira_tls_send_all(c, &b, 1, 5000);
        akira_tls_recv(c, &b, 1, 5000);
        uint64_t t = akira_uptime_us() - t0;
        akira_tls_close(c);
        return t;
    }
    akira_net_send_all(s, &b, 1, 5000);
    akira_net_recv(s, &b, 1, 5000);
    uint64_t t = akira_uptime_us() - t0;
    akira_net_close(s);
    return t;
}

/* --- Throughput --------------------------------------------------------------------- */

static int big_get(struct akira_http_req *r, void *ctx)
{
    (void)ctx;
    static char chunk[16384];
    memset(chunk, 'a', sizeof(chunk));
    int rc = akira_http_resp_begin(r, 200, "application/octet-stream");
    for (unsigned sent = 0; !rc && sent < BIG; sent += sizeof(chunk))
        rc = akira_http_resp_write(r, chunk, sizeof(chunk));
    return rc ? rc : akira_http_resp_end(r);
}

static double get_big(uint16_t port, bool tls)
{
    struct akira_net_addr a = akira_net_addr_loopback(port);
    uint64_t t0 = akira_uptime_us();
    akira_sock_t *s;
    if (akira_net_tcp_connect(&s, &a, 5000)) exit(1);
    struct akira_tls_conn *c = NULL;
    if (tls) {
        struct akira_tls_client_opts o = {.pin = true};
        memcpy(o.pin_sha256, fp, sizeof(fp));
        if (akira_tls_client_connect(&c, s, &o, 10000)) exit(1);
    }
    static const char req[] = "GET /big HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n";
    if (c)
        akira_tls_send_all(c, req, sizeof(req) - 1, 5000);
    else
        akira_net_send_all(s, req, sizeof(req) - 1, 5000);
    uint64_t total = 0;
    static char buf[32768];
    for (;;) {
        int n = c ? akira_tls_recv(c, buf, sizeof(buf), 10000)
                  : akira_net_recv(s, buf, sizeof(buf), 10000);
        if (n <= 0) break;
        total += (uint64_t)n;
    }
    double secs = (double)(akira_uptime_us() - t0) / 1e6;
    akira_tls_close(c);
    if (!c) akira_net_close(s);
    if (total < BIG) {
        fprintf(stderr, "short body: %" PRIu64 "\n", total);
        exit(1);
    }
    return (double)total / secs / 1e6;
}

static uint16_t start_http(struct akira_http_server **out, struct akira_tls_server *t)
{
    struct akira_http_config hc = akira_http_config_default(akira_net_addr_loopback(0));
    hc.workers = 2;
    hc.tls = t;
    static const struct akira_http_route r = {
        .method = "GET", .pattern = "/big", .handler = big_get};
    if (akira_http_server_create(out, &hc) || akira_http_route_add(*out, &r) ||
        akira_http_server_start(*out))
        exit(1);
    struct akira_net_addr a;
    akira_http_server_addr(*out, &a);
    return a.port;
}

int main(void)
{
    if (akira_kernel_init()) return 1;
    if (akira_tls_identity_make("bench", 0, key, sizeof(key), &key_len, cert, sizeof(cert),
                                &cert_len))
        return 1;
    akira_tls_sha256(cert, cert_len, fp);
    if (akira_tls_server_create(&tls_srv, cert, cert_len, key, key_len, 4)) return 1;
    struct akira_net_addr any = akira_net_addr_loopback(0);
    if (akira_net_tcp_listen(&listener, &any, 16) || akira_net_local_addr(listener, &addr))
        return 1;
    addr = akira_net_addr_loopback(addr.port);

    /* Handshakes, interleaved with plain connections. */
    uint64_t th[HANDSHAKES], tp[HANDSHAKES];
    long long cl_steady = 0, cl_peak = 0;
    for (int round = 0; round < 2; round++) {
        bool tls = round == 0;
        struct srv_arg a = {HANDSHAKES, tls};
        akira_thread_t *t;
        if (akira_thread_create(&t, "bench-srv", server, &a, AKIRA_PRIO_DEFAULT,
                                AKIRA_THREAD_STACK_MIN))
            return 1;
        for (int i = 0; i < HANDSHAKES; i++) {
            uint64_t us = one_connection(tls, i == 0 ? &cl_steady : NULL, i == 0 ? &cl_peak : NULL);
            (tls ? th : tp)[i] = us;
        }
        akira_thread_join(t, AKIRA_FOREVER, NULL);
    }
    uint64_t mh = median(th, HANDSHAKES), mp = median(tp, HANDSHAKES);
    printf("handshake ECDHE-ECDSA P-256 (TLS 1.2, AES-128-GCM) + 1 round trip: median %.2f ms "
           "(%d runs; best %.2f ms)\n",
           (double)mh / 1000.0, HANDSHAKES, (double)th[0] / 1000.0);
    printf("plain TCP connect + 1 round trip: median %.3f ms; ratio TLS/plain %.0fx\n",
           (double)mp / 1000.0, (double)mh / (double)(mp ? mp : 1));
    printf("RAM per TLS connection, server side: %lld bytes steady, %lld bytes peak in the "
           "handshake\n",
           (long long)atomic_load(&srv_steady), (long long)atomic_load(&srv_peak));
    printf("RAM per TLS connection, client side (pin): %lld bytes steady, %lld bytes peak in "
           "the handshake\n",
           cl_steady, cl_peak);

    /* Throughput: the same HTTP server code, plain and over TLS. */
    struct akira_http_server *plain, *https;
    struct akira_tls_server *ts;
    if (akira_tls_server_create(&ts, cert, cert_len, key, key_len, 2)) return 1;
    uint16_t pp = start_http(&plain, NULL), hp = start_http(&https, ts);
    double bp = 0, bh = 0;
    for (int i = 0; i < 3; i++) { /* best of 3 each, interleaved */
        double x = get_big(pp, false), y = get_big(hp, true);
        if (x > bp) bp = x;
        if (y > bh) bh = y;
    }
    printf("GET of %u MiB: plain HTTP %.0f MB/s, HTTPS %.0f MB/s (best of 3); ratio "
           "HTTPS/plain %.2f\n",
           BIG >> 20, bp, bh, bh / bp);
    akira_http_server_stop(plain, 1000);
    akira_http_server_stop(https, 1000);
    akira_http_server_destroy(plain);
    akira_http_server_destroy(https);
    akira_tls_server_destroy(ts);
    akira_tls_server_destroy(tls_srv);
    akira_net_close(listener);
    return 0;
}

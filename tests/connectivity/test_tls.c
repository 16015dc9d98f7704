/* TLS layer (akira/tls.h) on loopback: a client trusts a server by pin or by CA and
 * refuses a wrong one (the handshake fails, AKIRA_EACCES); no trust at all is refused;
 * a malformed record ends that connection only; the server bounds its sessions; the
 * identities made are ECDSA P-256 pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/kernel.h>
#include <akira/net.h>
#include <akira/thread.h>
#include <akira/tls.h>

struct ident {
    uint8_t key[200], cert[700];
    size_t key_len, cert_len;
    uint8_t fp[AKIRA_TLS_FP_LEN];
};

static struct ident id_a, id_b;
static akira_sock_t *listener;
static struct akira_net_addr addr;

/* The server side of one test: accepts `n` connections, echoes each until it closes;
 * results[i] is the accept's or the last recv's error. */
struct srv_run {
    struct akira_tls_server *tls;
    int n;
    int results[4];
    bool hold; /* keep the first session open until released */
    volatile bool release;
};

static int serve(void *arg)
{
    struct srv_run *r = arg;
    for (int i = 0; i < r->n; i++) {
        akira_sock_t *s;
        int rc = akira_net_accept(listener, &s, NULL, 5000);
        if (rc) {
            r->results[i] = rc;
            continue;
        }
        struct akira_tls_conn *c = NULL;
        rc = akira_tls_server_accept(r->tls, &c, s, 5000);
        if (rc == 0 && r->hold && i == 0) {
            /* The second connection arrives while this one is held: the bound. */
            akira_sock_t *s2;
            struct akira_tls_conn *c2 = NULL;
            if (akira_net_accept(listener, &s2, NULL, 5000) == 0) {
                r->results[1] = akira_tls_server_accept(r->tls, &c2, s2, 2000);
                akira_net_close(s2);
            }
            while (!r->release)
                akira_sleep_ms(5);
            i++;
        }
        while (rc == 0) {
            char buf[256];
            int n = akira_tls_recv(c, buf, sizeof(buf), 5000);
            if (n <= 0) {
                rc = n;
                break;
            }
            rc = akira_tls_send_all(c, buf, (size_t)n, 5000);
        }
        r->results[r->hold && i == 1 ? 0 : i] = rc;
        akira_tls_close(c);
        akira_net_close(s);
    }
    return 0;
}

static void start(struct srv_run *r, akira_thread_t **t, unsigned sessions)
{
    assert_int_equal(akira_tls_server_create(&r->tls, id_a.cert, id_a.cert_len, id_a.key,
                                             id_a.key_len, sessions),
                     0);
    assert_int_equal(
        akira_thread_create(t, "tls-srv", serve, r, AKIRA_PRIO_DEFAULT, AKIRA_THREAD_STACK_MIN), 0);
}

static void finish(struct srv_run *r, akira_thread_t *t)
{
    assert_int_equal(akira_thread_join(t, 10000, NULL), 0);
    akira_tls_server_destroy(r->tls);
}

static int dial(struct akira_tls_conn **c, const struct akira_tls_client_opts *o,
                akira_sock_t **raw)
{
    akira_sock_t *s;
    assert_int_equal(akira_net_tcp_connect(&s, &addr, 2000), 0);
    if (raw) *raw = s;
    return akira_tls_client_connect(c, s, o, 5000);
}

static void echo(struct akira_tls_conn *c)
{
    assert_int_equal(akira_tls_send_all(c, "hello", 5, 2000), 0);
    char buf[16];
    int got = 0;
    while (got < 5) {
        int n = akira_tls_recv(c, buf + got, sizeof(buf) - (size_t)got, 2000);
        assert_true(n > 0);
        got += n;
    }
    assert_memory_equal(buf, "hello", 5);
}

static void echo_and_close(struct akira_tls_conn *c)
{
    echo(c);
    akira_tls_close(c);
}

/* Client options trusting dev-a by its pin. */
static struct akira_tls_client_opts pin_a(void)
{
    struct akira_tls_client_opts o = {.pin = true};
    memcpy(o.pin_sha256, id_a.fp, AKIRA_TLS_FP_LEN);
    return o;
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(akira_kernel_init(), 0);
    struct ident *ids[] = {&id_a, &id_b};
    const char *cns[] = {"dev-a", "dev-b"};
    for (int i = 0; i < 2; i++) {
        struct ident *d = ids[i];
        assert_int_equal(akira_tls_identity_make(cns[i], 0, d->key, sizeof(d->key), &d->key_len,
                                                 d->cert, sizeof(d->cert), &d->cert_len),
                         0);
        assert_true(akira_tls_identity_check(d->key, d->key_len, d->cert, d->cert_len));
        akira_tls_sha256(d->cert, d->cert_len, d->fp);
    }
    /* A key with the other's certificate is no pair. */
    assert_false(akira_tls_identity_check(id_a.key, id_a.key_len, id_b.cert, id_b.cert_len));
    struct akira_net_addr any = akira_net_addr_loopback(0);
    assert_int_equal(akira_net_tcp_listen(&listener, &any, 8), 0);
    assert_int_equal(akira_net_local_addr(listener, &addr), 0);
    addr = akira_net_addr_loopback(addr.port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    akira_net_close(listener);
    return 0;
}

static void test_pin(void **state)
{
    (void)state;
    struct srv_run r = {.n = 2};
    akira_thread_t *t;
    start(&r, &t, 2);
    struct akira_tls_client_opts o = pin_a();
    struct akira_tls_conn *c;
    assert_int_equal(dial(&c, &o, NULL), 0);
    uint8_t fp[AKIRA_TLS_FP_LEN];
    assert_int_equal(akira_tls_peer_fingerprint(c, fp), 0);
    assert_memory_equal(fp, id_a.fp, AKIRA_TLS_FP_LEN);
    assert_non_null(strstr(akira_tls_ciphersuite(c), "ECDHE-ECDSA"));
    echo_and_close(c);
    /* Another device's pin: the handshake fails, the server is told (an alert). */
    memcpy(o.pin_sha256, id_b.fp, AKIRA_TLS_FP_LEN);
    c = NULL;
    assert_int_equal(dial(&c, &o, NULL), AKIRA_EACCES);
    assert_null(c);
    finish(&r, t);
    assert_int_equal(r.results[0], 0);
    assert_true(r.results[1] < 0);
}

static void test_ca(void **state)
{
    (void)state;
    struct srv_run r = {.n = 3};
    akira_thread_t *t;
    start(&r, &t, 2);
    /* The self-signed certificate as its own trust anchor, with its name. */
    struct akira_tls_client_opts o = {
        .server_name = "dev-a", .ca_pem = id_a.cert, .ca_len = id_a.cert_len};
    struct akira_tls_conn *c;
    assert_int_equal(dial(&c, &o, NULL), 0);
    echo_and_close(c);
    /* Another CA: refused. */
    o.ca_pem = id_b.cert;
    o.ca_len = id_b.cert_len;
    assert_int_equal(dial(&c, &o, NULL), AKIRA_EACCES);
    /* The right CA but another name: refused. */
    o.ca_pem = id_a.cert;
    o.ca_len = id_a.cert_len;
    o.server_name = "dev-b";
    assert_int_equal(dial(&c, &o, NULL), AKIRA_EACCES);
    finish(&r, t);
    assert_int_equal(r.results[0], 0);
    assert_true(r.results[1] < 0 && r.results[2] < 0);
}

static void test_no_trust(void **state)
{
    (void)state;
    akira_sock_t *s;
    struct akira_net_addr any = akira_net_addr_any(0);
    assert_int_equal(akira_net_udp_open(&s, &any), 0); /* any socket: it is closed */
    struct akira_tls_client_opts o = {0};
    struct akira_tls_conn *c = NULL;
    assert_int_equal(akira_tls_client_connect(&c, s, &o, 1000), AKIRA_EINVAL);
    assert_null(c);
}

static void test_bad_record(void **state)
{
    (void)state;
    struct srv_run r = {.n = 2};
    akira_thread_t *t;
    start(&r, &t, 2);
    struct akira_tls_client_opts o = pin_a();
    struct akira_tls_conn *c;
    akira_sock_t *raw;
    assert_int_equal(dial(&c, &o, &raw), 0);
    echo(c);
    /* An application-data record whose content is junk (fails authentication). */
    uint8_t junk[5 + 40] = {23, 3, 3, 0, 40};
    for (size_t i = 5; i < sizeof(junk); i++)
        junk[i] = (uint8_t)(i * 37);
    assert_int_equal(akira_net_send_all(raw, junk, sizeof(junk), 1000), 0);
    char buf[16];
    int n = akira_tls_recv(c, buf, sizeof(buf), 3000);
    assert_true(n <= 0); /* the server dropped this connection (alert or close) */
    akira_tls_close(c);
    /* The server still serves the next one. */
    assert_int_equal(dial(&c, &o, NULL), 0);
    echo_and_close(c);
    finish(&r, t);
    assert_int_equal(r.results[0], AKIRA_EFORMAT);
    assert_int_equal(r.results[1], 0);
}

static void test_sessions_bound(void **state)
{
    (void)state;
    struct srv_run r = {.n = 1, .hold = true};
    akira_thread_t *t;
    start(&r, &t, 1);
    struct akira_tls_client_opts o = pin_a();
    struct akira_tls_conn *c, *c2 = NULL;
    assert_int_equal(dial(&c, &o, NULL), 0);
    /* The second is refused by the server at once: the client's handshake fails. */
    assert_true(dial(&c2, &o, NULL) < 0);
    r.release = true;
    echo_and_close(c);
    finish(&r, t);
    assert_int_equal(r.results[1], AKIRA_EBUSY);
    assert_int_equal(r.results[0], 0);
}

static void test_fp_text(void **state)
{
    (void)state;
    char s[AKIRA_TLS_FP_HEX_MAX];
    akira_tls_fp_format(id_a.fp, s, sizeof(s));
    assert_int_equal(strlen(s), 95);
    uint8_t back[AKIRA_TLS_FP_LEN];
    assert_int_equal(akira_tls_fp_parse(s, back), 0);
    assert_memory_equal(back, id_a.fp, AKIRA_TLS_FP_LEN);
    assert_int_equal(akira_tls_fp_parse("abcd", back), AKIRA_EINVAL);
    assert_int_equal(akira_tls_fp_parse("zz", back), AKIRA_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pin),
        cmocka_unit_test(test_ca),
        cmocka_unit_test(test_no_trust),
        cmocka_unit_test(test_bad_record),
        cmocka_unit_test(test_sessions_bound),
        cmocka_unit_test(test_fp_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

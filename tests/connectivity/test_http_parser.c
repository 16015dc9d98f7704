/* HTTP request parser: framing (Content-Length, chunked), every limit, strictness
 * against smuggling, pipelining; each case fed whole and byte by byte, which must
 * give the same result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <akira/http_parser.h>

struct result {
    int heads, dones, status; /* status: 0 or the error's */
    char body[4096];
    size_t body_len;
    size_t max_piece;
    size_t consumed; /* input consumed when the first request was DONE */
    char method[16], target[256];
    int keep_alive;
    int body_kind;
};

/* Feeds s in pieces of `step` bytes (0: all at once) until one request is DONE or an
 * error; stops there. */
static struct result run(const char *s, size_t n, size_t step, char *head, size_t head_cap)
{
    struct result r;
    memset(&r, 0, sizeof(r));
    struct akira_http_parser p;
    akira_http_parser_init(&p, head, head_cap);
    size_t off = 0;
    const uint8_t *d = (const uint8_t *)s;
    for (;;) {
        size_t avail_end = step ? (off + step < n ? off + step : n) : n;
        size_t used;
        struct akira_http_event ev;
        akira_http_parser_feed(&p, d + off, avail_end - off, &used, &ev);
        off += used;
        switch (ev.type) {
        case AKIRA_HTTP_EV_HEAD:
            r.heads++;
            snprintf(r.method, sizeof(r.method), "%s", p.method);
            snprintf(r.target, sizeof(r.target), "%s", p.target);
            r.keep_alive = p.keep_alive;
            r.body_kind = p.body;
            break;
        case AKIRA_HTTP_EV_BODY:
            assert_true(ev.len > 0);
            assert_true(r.body_len + ev.len <= sizeof(r.body));
            memcpy(r.body + r.body_len, ev.data, ev.len);
            r.body_len += ev.len;
            if (ev.len > r.max_piece) r.max_piece = ev.len;
            break;
        case AKIRA_HTTP_EV_DONE:
            r.dones++;
            r.consumed = off;
            return r;
        case AKIRA_HTTP_EV_ERROR:
            r.status = ev.status;
            assert_non_null(ev.reason);
            return r;
        case AKIRA_HTTP_EV_NEED_MORE:
            if (off == n) return r; /* input ran out mid-request */
            break;
        }
    }
}

/* Same answer whole and byte by byte. */
static struct result both(const char *s, size_t head_cap)
{
    static char h1[8192], h2[8192];
    struct result a = run(s, strlen(s), 0, h1, head_cap);
    struct result b = run(s, strlen(s), 1, h2, head_cap);
    assert_int_equal(a.status, b.status);
    assert_int_equal(a.dones, b.dones);
    assert_int_equal(a.body_len, b.body_len);
    assert_memory_equal(a.body, b.body, a.body_len);
    assert_true(b.max_piece <= 1);
    return a;
}

static int status_of(const char *s)
{
    return both(s, 1024).status;
}

static void test_simple_get(void **state)
{
    (void)state;
    struct result r = both("GET /api/status?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", 1024);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.heads, 1);
    assert_int_equal(r.dones, 1);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.target, "/api/status?x=1");
    assert_true(r.keep_alive);
    assert_int_equal(r.body_kind, AKIRA_HTTP_BODY_NONE);
}

static void test_headers_lookup(void **state)
{
    (void)state;
    char head[512];
    struct akira_http_parser p;
    akira_http_parser_init(&p, head, sizeof(head));
    const char *req = "PUT /x HTTP/1.0\r\nX-A:  spaced value \t\r\nAuthorization: Bearer t0k\r\n"
                      "Connection: Keep-Alive\r\nContent-Length: 3\r\n\r\nabc";
    size_t used;
    struct akira_http_event ev;
    akira_http_parser_feed(&p, (const uint8_t *)req, strlen(req), &used, &ev);
    assert_int_equal(ev.type, AKIRA_HTTP_EV_HEAD);
    assert_string_equal(akira_http_parser_header(&p, "x-a"), "spaced value");
    assert_string_equal(akira_http_parser_header(&p, "AUTHORIZATION"), "Bearer t0k");
    assert_null(akira_http_parser_header(&p, "missing"));
    assert_int_equal(p.version_minor, 0);
    assert_true(p.keep_alive); /* 1.0 with keep-alive */
    assert_int_equal(p.content_length, 3);
    assert_int_equal(strlen(req) - used, 3);
}

static void test_connection_semantics(void **state)
{
    (void)state;
    assert_false(both("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 1024).keep_alive);
    assert_false(both("GET / HTTP/1.1\r\nConnection: foo, Close\r\n\r\n", 1024).keep_alive);
    assert_false(both("GET / HTTP/1.0\r\n\r\n", 1024).keep_alive);
    assert_true(both("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", 1024).keep_alive);
}

static void test_content_length_body(void **state)
{
    (void)state;
    struct result r = both("POST /u HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world", 1024);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.dones, 1);
    assert_int_equal(r.body_len, 11);
    assert_memory_equal(r.body, "hello world", 11);
    r = both("POST /u HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 1024);
    assert_int_equal(r.dones, 1);
    assert_int_equal(r.body_len, 0);
    /* Truncated body: no DONE, no error; the server's timeout handles it. */
    r = both("POST /u HTTP/1.1\r\nContent-Length: 20\r\n\r\nshort", 1024);
    assert_int_equal(r.dones, 0);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.body_len, 5);
}

static void test_content_length_bad(void **state)
{
    (void)state;
    assert_int_equal(status_of("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nContent-Length: \r\n\r\n"), 400);
    assert_int_equal(
        status_of("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"),
                     400);
    /* Identical duplicates are one length. */
    assert_int_equal(
        both("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", 1024).dones, 1);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nContent-Length: 3\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n"),
                     400);
}

static void test_chunked(void **state)
{
    (void)state;
    struct result r = both("POST /c HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
                           "5\r\nhello\r\n1;ext=1\r\n \r\nA \r\n0123456789\r\n0\r\n\r\n",
                           1024);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.dones, 1);
    assert_int_equal(r.body_len, 16);
    assert_memory_equal(r.body, "hello 0123456789", 16);
    /* Trailers are read and dropped. */
    r = both("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
             "2\r\nok\r\n0\r\nX-Sum: 1\r\nX-Other: 2\r\n\r\n",
             1024);
    assert_int_equal(r.dones, 1);
    assert_int_equal(r.body_len, 2);
    /* Empty body. */
    r = both("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 1024);
    assert_int_equal(r.dones, 1);
    assert_int_equal(r.body_len, 0);
}

static void test_chunked_bad(void **state)
{
    (void)state;
    const char *h = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    const char *bad[] = {
        "x\r\n",                   /* not hex */
        "\r\n",                    /* empty size */
        "5\nhello\r\n0\r\n\r\n",   /* bare LF */
        "5\r\nhelloX\r\n",         /* data longer than the size */
        "5\r\nhello\r0\r\n",       /* CR without LF */
        "1000000000000000000\r\n", /* size overflows 64 bits */
        "5 x\r\n",                 /* junk after the size */
        "1;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        "0\r\nX: 1\n\r\n", /* trailer with bare LF */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char req[512];
        snprintf(req, sizeof(req), "%s%s", h, bad[i]);
        assert_int_equal(status_of(req), 400);
    }
    assert_int_equal(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"), 501);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n"),
                     501);
}

/* Body limit set after HEAD: 413 for a Content-Length over it and for a chunked body
 * once its total passes it, nothing past the limit is delivered. */
static void test_body_limit(void **state)
{
    (void)state;
    char head[256];
    const char *reqs[] = {
        "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello "
        "\r\n5\r\nworld\r\n0\r\n\r\n",
    };
    for (int k = 0; k < 2; k++) {
        for (uint64_t lim = 10; lim <= 11; lim++) {
            struct akira_http_parser p;
            akira_http_parser_init(&p, head, sizeof(head));
            const uint8_t *d = (const uint8_t *)reqs[k];
            size_t n = strlen(reqs[k]), off = 0, body = 0;
            int status = 0, done = 0;
            while (!status && !done) {
                size_t used;
                struct akira_http_event ev;
                akira_http_parser_feed(&p, d + off, n - off, &used, &ev);
                off += used;
                if (ev.type == AKIRA_HTTP_EV_HEAD) akira_http_parser_body_limit(&p, lim);
                if (ev.type == AKIRA_HTTP_EV_BODY) body += ev.len;
                if (ev.type == AKIRA_HTTP_EV_ERROR) status = ev.status;
                if (ev.type == AKIRA_HTTP_EV_DONE) done = 1;
                assert_true(ev.type != AKIRA_HTTP_EV_NEED_MORE);
            }
            assert_true(body <= lim);
            if (lim == 10) {
                assert_int_equal(status, 413);
            } else {
                assert_int_equal(done, 1);
                assert_int_equal(body, 11);
            }
        }
    }
}

static void test_request_line(void **state)
{
    (void)state;
    assert_int_equal(status_of("GET\r\n\r\n"), 400);
    assert_int_equal(status_of("GET /\r\n\r\n"), 400);
    assert_int_equal(status_of("GET  / HTTP/1.1\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1 \r\n\r\n"), 400);
    assert_int_equal(status_of("G(T / HTTP/1.1\r\n\r\n"), 400);
    assert_int_equal(status_of("GET x HTTP/1.1\r\n\r\n"), 400);
    assert_int_equal(status_of("GET http://a/ HTTP/1.1\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/2.0\r\n\r\n"), 505);
    assert_int_equal(status_of("GET / HTTP/1.2\r\n\r\n"), 505);
    assert_int_equal(status_of("GET / HTTX/1.1\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\n\n"), 400);
    assert_int_equal(status_of("GET /\x80\xff HTTP/1.1\r\n\r\n"), 400); /* not ASCII */
    assert_int_equal(status_of("GET /a\tb HTTP/1.1\r\n\r\n"), 400);
    static const char tls[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
    char h[64];
    assert_int_equal(run(tls, 1, 0, h, sizeof(h)).status, 400); /* refused at byte 1 */
    /* Blank lines before the request line are skipped. */
    assert_int_equal(both("\r\n\r\nGET / HTTP/1.1\r\n\r\n", 1024).dones, 1);
}

static void test_header_strictness(void **state)
{
    (void)state;
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nNoColon\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\n: empty\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nA: b\nc\r\n\r\n"), 400);
    static const char nul[] = "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n";
    char h[256];
    assert_int_equal(run(nul, sizeof(nul) - 1, 0, h, sizeof(h)).status, 400);
    /* obs-text (bytes >= 0x80) is allowed in values. */
    assert_int_equal(both("GET / HTTP/1.1\r\nA: caf\xc3\xa9 \xff\r\n\r\n", 1024).dones, 1);
}

static void test_head_limits(void **state)
{
    (void)state;
    char req[4096];
    /* The request line alone over the buffer: 414. */
    int n = snprintf(req, sizeof(req), "GET /");
    while (n < 300)
        req[n++] = 'a';
    snprintf(req + n, sizeof(req) - (size_t)n, " HTTP/1.1\r\n\r\n");
    assert_int_equal(both(req, 256).status, 414);
    /* Headers over the buffer: 431; a head exactly at the limit passes. */
    const char *base = "GET / HTTP/1.1\r\nX: ";
    n = snprintf(req, sizeof(req), "%s", base);
    while (n < 256 - 4)
        req[n++] = 'v';
    snprintf(req + n, sizeof(req) - (size_t)n, "\r\n\r\n");
    assert_int_equal(strlen(req), 256);
    assert_int_equal(both(req, 256).dones, 1);
    assert_int_equal(both(req, 255).status, 431);
    /* Too many header lines: 431. */
    n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\n");
    for (int i = 0; i <= AKIRA_HTTP_HEADERS_MAX; i++)
        n += snprintf(req + n, sizeof(req) - (size_t)n, "H%d: x\r\n", i);
    snprintf(req + n, sizeof(req) - (size_t)n, "\r\n");
    assert_int_equal(both(req, 4096).status, 431);
    /* Trailers count against the same limit. */
    n = snprintf(req, sizeof(req), "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
    while (n < 600)
        n += snprintf(req + n, sizeof(req) - (size_t)n, "T: xxxxxxxxxx\r\n");
    snprintf(req + n, sizeof(req) - (size_t)n, "\r\n");
    assert_int_equal(both(req, 256).status, 431);
}

/* Errors are sticky: no later event but the same error. */
static void test_error_sticky(void **state)
{
    (void)state;
    char head[256];
    struct akira_http_parser p;
    akira_http_parser_init(&p, head, sizeof(head));
    size_t used;
    struct akira_http_event ev;
    akira_http_parser_feed(&p, (const uint8_t *)"BAD\r\n", 5, &used, &ev);
    assert_int_equal(ev.type, AKIRA_HTTP_EV_ERROR);
    akira_http_parser_feed(&p, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18, &used, &ev);
    assert_int_equal(ev.type, AKIRA_HTTP_EV_ERROR);
    assert_int_equal(ev.status, 400);
    assert_int_equal(used, 0);
}

/* Several requests in one buffer: each comes out in order after a reset; bytes of the
 * next request are never consumed as part of this one. */
static void test_pipelining(void **state)
{
    (void)state;
    const char *s = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                    "GET /b HTTP/1.1\r\n\r\n"
                    "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n"
                    "GET /d HTTP/1.1\r\nConnection: close\r\n\r\n";
    const char *targets[] = {"/a", "/b", "/c", "/d"};
    const char *bodies[] = {"abc", "", "xyz", ""};
    for (size_t step = 0; step <= 7; step += 7) {
        char head[256];
        struct akira_http_parser p;
        akira_http_parser_init(&p, head, sizeof(head));
        size_t n = strlen(s), off = 0;
        int req = 0;
        char body[16];
        size_t bl = 0;
        while (req < 4) {
            size_t end = step ? (off + step < n ? off + step : n) : n;
            size_t used;
            struct akira_http_event ev;
            akira_http_parser_feed(&p, (const uint8_t *)s + off, end - off, &used, &ev);
            off += used;
            if (ev.type == AKIRA_HTTP_EV_HEAD) {
                assert_string_equal(p.target, targets[req]);
                bl = 0;
            } else if (ev.type == AKIRA_HTTP_EV_BODY) {
                memcpy(body + bl, ev.data, ev.len);
                bl += ev.len;
            } else if (ev.type == AKIRA_HTTP_EV_DONE) {
                assert_int_equal(bl, strlen(bodies[req]));
                assert_memory_equal(body, bodies[req], bl);
                if (req == 3) assert_false(p.keep_alive);
                akira_http_parser_reset(&p);
                req++;
            } else {
                assert_int_equal(ev.type, AKIRA_HTTP_EV_NEED_MORE);
                assert_true(off < n);
            }
        }
        assert_int_equal(off, n);
    }
}

static void test_expect_continue(void **state)
{
    (void)state;
    char head[256];
    struct akira_http_parser p;
    akira_http_parser_init(&p, head, sizeof(head));
    const char *r = "PUT / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n";
    size_t used;
    struct akira_http_event ev;
    akira_http_parser_feed(&p, (const uint8_t *)r, strlen(r), &used, &ev);
    assert_int_equal(ev.type, AKIRA_HTTP_EV_HEAD);
    assert_true(p.expect_continue);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_get),           cmocka_unit_test(test_headers_lookup),
        cmocka_unit_test(test_connection_semantics), cmocka_unit_test(test_content_length_body),
        cmocka_unit_test(test_content_length_bad),   cmocka_unit_test(test_chunked),
        cmocka_unit_test(test_chunked_bad),          cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_request_line),         cmocka_unit_test(test_header_strictness),
        cmocka_unit_test(test_head_limits),          cmocka_unit_test(test_error_sticky),
        cmocka_unit_test(test_pipelining),           cmocka_unit_test(test_expect_continue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The `akira` CLI's own HTTP client and JSON reader (tools/akira/http_client.c,
 * json_read.c): device URLs, the device's JSON writer read back value for value,
 * malformed JSON refused, and requests against a scripted loopback server (chunked
 * answers, 100 Continue before the body, a refusal that arrives before any body byte
 * is sent, a device that is not there). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <akira/json.h>

#include "http_client.h"
#include "json_read.h"

static void test_url(void **state)
{
    (void)state;
    struct hc_url u;
    char err[200];
    assert_int_equal(hc_url_parse("http://127.0.0.1:8080", &u, err, sizeof(err)), 0);
    assert_string_equal(u.host, "127.0.0.1");
    assert_string_equal(u.port, "8080");
    assert_int_equal(hc_url_parse("http://dev.local/", &u, err, sizeof(err)), 0);
    assert_string_equal(u.host, "dev.local");
    assert_string_equal(u.port, "80");
    assert_int_equal(hc_url_parse("localhost:81", &u, err, sizeof(err)), 0);
    assert_string_equal(u.port, "81");
    assert_int_equal(hc_url_parse("https://dev.local", &u, err, sizeof(err)), 0);
    assert_true(u.tls && !u.pinned);
    assert_string_equal(u.port, "443");
    const char *bad[] = {"ftp://h",    "http://h:0",      "http://h:99999", "http://h:8x",
                         "http://:80", "http://h:80/api", "http://",        "http://h:"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_int_equal(hc_url_parse(bad[i], &u, err, sizeof(err)), -1);
        assert_true(err[0] != '\0');
    }
}

/* What the device writes (akira/json.h), the CLI reads back. */
static void test_json_round_trip(void **state)
{
    (void)state;
    char buf[1024];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "name", "ticker");
    akira_json_kv_str(&w, "text", "a \"quoted\"\\ line\n\twith \x01 control");
    akira_json_kv_str(&w, "bad", "\xff\xfe ok");
    akira_json_kv_uint(&w, "size", 205451);
    akira_json_kv_int(&w, "exit", -3);
    akira_json_kv_bool(&w, "signed", true);
    akira_json_key(&w, "caps");
    akira_json_arr_begin(&w);
    akira_json_str(&w, "timer");
    akira_json_str(&w, "gpio");
    akira_json_arr_end(&w);
    akira_json_key(&w, "none");
    akira_json_null(&w);
    akira_json_key(&w, "empty");
    akira_json_obj_begin(&w);
    akira_json_obj_end(&w);
    akira_json_obj_end(&w);
    assert_int_equal(akira_json_end(&w), 0);

    struct jr_doc d;
    assert_int_equal(jr_parse(&d, buf, w.len), 0);
    const struct jr_node *root = &d.nodes[0];
    assert_string_equal(jr_str(&d, root, "name", NULL), "ticker");
    assert_string_equal(jr_str(&d, root, "text", NULL), "a \"quoted\"\\ line\n\twith \x01 control");
    assert_string_equal(jr_str(&d, root, "bad", NULL), "\xef\xbf\xbd\xef\xbf\xbd ok");
    assert_true(jr_num(&d, root, "size", 0) == 205451.0);
    assert_true(jr_num(&d, root, "exit", 0) == -3.0);
    assert_true(jr_bool(&d, root, "signed", false));
    assert_int_equal(jr_get(&d, root, "none")->type, JR_NULL);
    assert_null(jr_first(&d, jr_get(&d, root, "empty")));
    const struct jr_node *c = jr_first(&d, jr_get(&d, root, "caps"));
    assert_string_equal(c->str, "timer");
    assert_string_equal(jr_next(&d, c)->str, "gpio");
    assert_null(jr_next(&d, jr_next(&d, c)));
    assert_null(jr_get(&d, root, "missing"));
    assert_string_equal(jr_str(&d, root, "size", "def"), "def"); /* wrong type: default */
    jr_free(&d);
}

static void test_json_unicode_and_malformed(void **state)
{
    (void)state;
    struct jr_doc d;
    const char *ok = "{\"e\":\"\\ud83d\\ude00\",\"lone\":\"\\ud800x\",\"a\":\"\\u00e9\"}";
    assert_int_equal(jr_parse(&d, ok, strlen(ok)), 0);
    assert_string_equal(jr_str(&d, &d.nodes[0], "e", NULL), "\xf0\x9f\x98\x80");
    assert_string_equal(jr_str(&d, &d.nodes[0], "lone", NULL), "\xef\xbf\xbdx");
    assert_string_equal(jr_str(&d, &d.nodes[0], "a", NULL), "\xc3\xa9");
    jr_free(&d);
    const char *bad[] = {"",       "{",           "{\"a\":}", "{\"a\":1,}", "[1 2]",
                         "\"open", "{\"a\":1} x", "\"\\q\"",  "\"\\u12\"",  "tru",
                         "{1:2}",  "[-]",         "\"a\nb\"", "{\"a\" 1}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(jr_parse(&d, bad[i], strlen(bad[i])), -1);
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    assert_int_equal(jr_parse(&d, deep, sizeof(deep)), -1); /* past the depth limit */
    assert_int_equal(jr_parse(&d, deep + 80, 40), 0);       /* 20 deep is fine */
    jr_free(&d);
}

/* A one-connection scripted server: reads the request head, optionally answers
 * `interim` first, reads body_expect bytes of body, then sends `reply` and closes. */
struct script {
    int lfd;
    const char *interim;
    size_t body_expect;
    const char *reply;
    char head[2048];
    size_t body_got;
};

static void *serve(void *arg)
{
    struct script *s = arg;
    int c = accept(s->lfd, NULL, NULL);
    if (c < 0) return NULL;
    size_t n = 0;
    char buf[65536];
    while (!strstr(s->head, "\r\n\r\n") && n < sizeof(s->head) - 1) {
        ssize_t k = recv(c, s->head + n, 1, 0);
        if (k <= 0) break;
        n += (size_t)k;
        s->head[n] = '\0';
    }
    if (s->interim) send(c, s->interim, strlen(s->interim), MSG_NOSIGNAL);
    while (s->body_got < s->body_expect) {
        ssize_t k = recv(c, buf, sizeof(buf), 0);
        if (k <= 0) break;
        s->body_got += (size_t)k;
    }
    send(c, s->reply, strlen(s->reply), MSG_NOSIGNAL);
    shutdown(c, SHUT_WR);
    ssize_t k;
    while ((k = recv(c, buf, sizeof(buf), 0)) > 0)
        s->body_got += (size_t)k; /* whatever the client sends after the answer */
    close(c);
    return NULL;
}

static void start_server(struct script *s, struct hc_url *u, pthread_t *th)
{
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s->lfd, 1), 0);
    socklen_t sl = sizeof(a);
    getsockname(s->lfd, (struct sockaddr *)&a, &sl);
    *u = (struct hc_url){0}; /* plain HTTP */
    snprintf(u->host, sizeof(u->host), "127.0.0.1");
    snprintf(u->port, sizeof(u->port), "%u", ntohs(a.sin_port));
    assert_int_equal(pthread_create(th, NULL, serve, s), 0);
}

static void stop_server(struct script *s, pthread_t th)
{
    pthread_join(th, NULL);
    close(s->lfd);
}

static void test_chunked_answer(void **state)
{
    (void)state;
    struct script s = {.reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "5\r\n{\"a\":\r\n3\r\n42}\r\n0\r\n\r\n"};
    struct hc_url u;
    pthread_t th;
    start_server(&s, &u, &th);
    struct hc_request req = {.method = "GET", .path = "/api/apps", .token = "tok"};
    struct hc_response r;
    char err[200];
    assert_int_equal(hc_request(&u, &req, &r, err, sizeof(err)), 0);
    stop_server(&s, th);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"a\":42}");
    assert_non_null(strstr(s.head, "GET /api/apps HTTP/1.1\r\n"));
    assert_non_null(strstr(s.head, "Authorization: Bearer tok\r\n"));
    hc_response_free(&r);
}

/* A hostile or broken device: chunk sizes that would overflow the bounds check (2^64-1,
 * a negative number strtoul would wrap), chunk data not followed by CRLF. Each is an
 * error, never a read past the answer. */
static void test_chunked_hostile(void **state)
{
    (void)state;
    const char *replies[] = {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nab\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffe\r\nab\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
        struct script s = {.reply = replies[i]};
        struct hc_url u;
        pthread_t th;
        start_server(&s, &u, &th);
        struct hc_request req = {.method = "GET", .path = "/api/status"};
        struct hc_response r;
        char err[200] = "";
        assert_int_equal(hc_request(&u, &req, &r, err, sizeof(err)), -1);
        stop_server(&s, th);
        assert_true(strstr(err, "cut short") || strstr(err, "malformed chunk"));
    }
}

static int progress_calls;
static uint64_t progress_last;

static void progress(void *ctx, uint64_t sent, uint64_t total)
{
    (void)ctx;
    assert_true(sent <= total);
    progress_calls++;
    progress_last = sent;
}

static FILE *body_file(size_t n)
{
    FILE *f = tmpfile();
    for (size_t i = 0; i < n; i++)
        fputc((int)(i * 7u), f);
    rewind(f);
    return f;
}

/* 100 Continue, then the whole body, then the final answer. */
static void test_upload_after_continue(void **state)
{
    (void)state;
    const size_t n = 100000;
    struct script s = {.interim = "HTTP/1.1 100 Continue\r\n\r\n",
                       .body_expect = n,
                       .reply =
                           "HTTP/1.1 201 Created\r\nContent-Length: 14\r\n\r\n{\"name\":\"big\"}"};
    struct hc_url u;
    pthread_t th;
    start_server(&s, &u, &th);
    FILE *f = body_file(n);
    progress_calls = 0;
    struct hc_request req = {.method = "POST",
                             .path = "/api/apps",
                             .token = "t",
                             .body = f,
                             .body_len = n,
                             .progress = progress};
    struct hc_response r;
    char err[200];
    assert_int_equal(hc_request(&u, &req, &r, err, sizeof(err)), 0);
    stop_server(&s, th);
    fclose(f);
    assert_int_equal(r.status, 201);
    assert_string_equal(r.body, "{\"name\":\"big\"}");
    assert_int_equal(s.body_got, n);
    assert_non_null(strstr(s.head, "Expect: 100-continue\r\n"));
    assert_non_null(strstr(s.head, "Content-Length: 100000\r\n"));
    assert_true(progress_calls >= 2);
    assert_int_equal(progress_last, n);
    hc_response_free(&r);
}

/* The device refuses before reading the body (401, 413): no body byte is sent. */
static void test_refusal_before_body(void **state)
{
    (void)state;
    struct script s = {.reply = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 47\r\n\r\n"
                                "{\"error\":\"missing or wrong token\",\"status\":401}"};
    struct hc_url u;
    pthread_t th;
    start_server(&s, &u, &th);
    FILE *f = body_file(50000);
    struct hc_request req = {.method = "POST", .path = "/api/apps", .body = f, .body_len = 50000};
    struct hc_response r;
    char err[200];
    assert_int_equal(hc_request(&u, &req, &r, err, sizeof(err)), 0);
    stop_server(&s, th);
    fclose(f);
    assert_int_equal(r.status, 401);
    assert_int_equal(s.body_got, 0);
    assert_non_null(strstr(r.body, "wrong token"));
    hc_response_free(&r);
}

static void test_unreachable_and_cut(void **state)
{
    (void)state;
    struct script s = {.reply = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"};
    struct hc_url u;
    pthread_t th;
    start_server(&s, &u, &th);
    struct hc_request req = {.method = "GET", .path = "/api/status"};
    struct hc_response r;
    char err[200] = "";
    assert_int_equal(hc_request(&u, &req, &r, err, sizeof(err)), -1);
    stop_server(&s, th);
    assert_non_null(strstr(err, "cut short"));
    /* Nobody listens on the port now. */
    err[0] = '\0';
    assert_int_equal(hc_request(&u, &req, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Connection refused"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_json_unicode_and_malformed),
        cmocka_unit_test(test_chunked_answer),
        cmocka_unit_test(test_chunked_hostile),
        cmocka_unit_test(test_upload_after_continue),
        cmocka_unit_test(test_refusal_before_body),
        cmocka_unit_test(test_unreachable_and_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

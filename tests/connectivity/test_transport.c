/* Transport registries: one handler per kind, streams delivered in bounded pieces in
 * order, the announced length enforced, short streams reported as cancelled, handler
 * refusals and errors passed back; transports started and stopped in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/err.h>
#include <akira/transport.h>

struct sink {
    unsigned char data[8192];
    size_t len, max_piece;
    int opens, closes, close_status, fail_write_at, writes;
    uint64_t announced;
};

static int h_open(void *ctx, const struct akira_transport_stream_info *info, void **stream)
{
    struct sink *s = ctx;
    if (info->length != AKIRA_TRANSPORT_LENGTH_UNKNOWN && info->length > sizeof(s->data))
        return AKIRA_ETOOBIG;
    s->opens++;
    s->len = 0;
    s->announced = info->length;
    *stream = s;
    return 0;
}

static int h_write(void *stream, const void *data, size_t len)
{
    struct sink *s = stream;
    assert_true(len >= 1 && len <= AKIRA_TRANSPORT_CHUNK_MAX);
    if (++s->writes == s->fail_write_at) return AKIRA_ENOSPC;
    assert_true(s->len + len <= sizeof(s->data));
    memcpy(s->data + s->len, data, len);
    s->len += len;
    if (len > s->max_piece) s->max_piece = len;
    return 0;
}

static int h_close(void *stream, int status, char *result, size_t cap)
{
    struct sink *s = stream;
    s->closes++;
    s->close_status = status;
    if (cap) strncpy(result, status ? "undone" : "stored", cap - 1);
    return status;
}

static struct sink sink;
static const struct akira_transport_handler handler = {h_open, h_write, h_close, &sink};

static void test_handlers(void **state)
{
    (void)state;
    memset(&sink, 0, sizeof(sink));
    struct akira_transport_stream st;
    struct akira_transport_stream_info info = {.kind = AKIRA_TRANSPORT_KIND_APP_UPLOAD,
                                               .length = 5000};
    assert_int_equal(akira_transport_stream_open(&st, &info), AKIRA_ENOENT);
    assert_int_equal(akira_transport_handler_set(AKIRA_TRANSPORT_KIND_APP_UPLOAD, &handler), 0);
    assert_int_equal(akira_transport_handler_set(AKIRA_TRANSPORT_KIND_APP_UPLOAD, &handler),
                     AKIRA_EBUSY);
    assert_int_equal(akira_transport_handler_set(AKIRA_TRANSPORT_KIND_COUNT_, &handler),
                     AKIRA_EINVAL);
    /* other kinds are not routed here */
    info.kind = AKIRA_TRANSPORT_KIND_OTA;
    assert_int_equal(akira_transport_stream_open(&st, &info), AKIRA_ENOENT);
    info.kind = AKIRA_TRANSPORT_KIND_APP_UPLOAD;

    /* 5000 bytes given in one 3000-byte write and one of 2000: pieces of <= 1 KiB */
    static unsigned char payload[5000];
    for (size_t i = 0; i < sizeof(payload); i++)
        payload[i] = (unsigned char)(i * 7);
    assert_int_equal(akira_transport_stream_open(&st, &info), 0);
    assert_int_equal(akira_transport_stream_write(&st, payload, 3000), 0);
    assert_int_equal(akira_transport_stream_write(&st, payload + 3000, 2000), 0);
    /* past the announced length: refused, nothing delivered */
    assert_int_equal(akira_transport_stream_write(&st, payload, 1), AKIRA_ETOOBIG);
    char res[16];
    assert_int_equal(akira_transport_stream_close(&st, 0, res, sizeof(res)), 0);
    assert_string_equal(res, "stored");
    assert_int_equal(sink.len, 5000);
    assert_memory_equal(sink.data, payload, 5000);
    assert_int_equal(sink.max_piece, AKIRA_TRANSPORT_CHUNK_MAX);

    /* a stream that ends short is cancelled for the handler */
    assert_int_equal(akira_transport_stream_open(&st, &info), 0);
    assert_int_equal(akira_transport_stream_write(&st, payload, 10), 0);
    assert_int_equal(akira_transport_stream_close(&st, 0, res, sizeof(res)), AKIRA_ECANCELED);
    assert_int_equal(sink.close_status, AKIRA_ECANCELED);
    assert_string_equal(res, "undone");

    /* the handler's refusal and its write error come back to the transport */
    info.length = 9000;
    assert_int_equal(akira_transport_stream_open(&st, &info), AKIRA_ETOOBIG);
    info.length = AKIRA_TRANSPORT_LENGTH_UNKNOWN;
    sink.writes = 0;
    sink.fail_write_at = 2;
    assert_int_equal(akira_transport_stream_open(&st, &info), 0);
    assert_int_equal(akira_transport_stream_write(&st, payload, 2048), AKIRA_ENOSPC);
    assert_int_equal(akira_transport_stream_close(&st, AKIRA_ENOSPC, NULL, 0), AKIRA_ENOSPC);
    assert_int_equal(sink.len, 1024); /* only the first piece got through */
    assert_int_equal(akira_transport_stream_write(&st, payload, 1), AKIRA_EINVAL); /* closed */
    akira_transport_handler_clear(AKIRA_TRANSPORT_KIND_APP_UPLOAD);
    assert_int_equal(akira_transport_stream_open(&st, &info), AKIRA_ENOENT);
}

static char order[16];
static size_t order_len;
static int fail_start_of_b;

static int start_a(void *ctx)
{
    (void)ctx;
    order[order_len++] = 'a';
    return 0;
}

static int start_b(void *ctx)
{
    (void)ctx;
    if (fail_start_of_b) return AKIRA_EBUSY;
    order[order_len++] = 'b';
    return 0;
}

static void stop_a(void *ctx)
{
    (void)ctx;
    order[order_len++] = 'A';
}

static void stop_b(void *ctx)
{
    (void)ctx;
    order[order_len++] = 'B';
}

static void test_transports(void **state)
{
    (void)state;
    static const struct akira_transport a = {"tcp", start_a, stop_a, NULL};
    static const struct akira_transport b = {"ble", start_b, stop_b, NULL};
    static const struct akira_transport a2 = {"tcp", start_b, stop_b, NULL};
    assert_int_equal(akira_transport_register(&a), 0);
    assert_int_equal(akira_transport_register(&a2), AKIRA_EEXIST);
    assert_int_equal(akira_transport_register(&b), 0);
    fail_start_of_b = 1;
    assert_int_equal(akira_transport_start_all(), AKIRA_EBUSY);
    fail_start_of_b = 0;
    assert_int_equal(akira_transport_start_all(), 0); /* only b is started now */
    akira_transport_stop_all();
    akira_transport_stop_all(); /* nothing started: no stop called twice */
    order[order_len] = '\0';
    assert_string_equal(order, "abBA");
    akira_transport_unregister(&a);
    akira_transport_unregister(&b);
    static struct akira_transport many[AKIRA_TRANSPORT_MAX + 1];
    static char names[AKIRA_TRANSPORT_MAX + 1][8];
    int rc = 0;
    for (int i = 0; i <= AKIRA_TRANSPORT_MAX; i++) {
        names[i][0] = (char)('a' + i);
        many[i] = (struct akira_transport){names[i], start_a, stop_a, NULL};
        rc = akira_transport_register(&many[i]);
    }
    assert_int_equal(rc, AKIRA_ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handlers),
        cmocka_unit_test(test_transports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* JSON writer: nesting and commas, escaping to valid JSON and UTF-8, misuse recorded,
 * streaming through a flush callback gives the same document as one buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <akira/err.h>
#include <akira/json.h>

static void test_document(void **state)
{
    (void)state;
    char buf[256];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_kv_str(&w, "name", "demo");
    akira_json_kv_int(&w, "neg", -42);
    akira_json_kv_uint(&w, "big", UINT64_MAX);
    akira_json_kv_bool(&w, "on", true);
    akira_json_key(&w, "none");
    akira_json_null(&w);
    akira_json_key(&w, "list");
    akira_json_arr_begin(&w);
    akira_json_int(&w, 1);
    akira_json_arr_begin(&w);
    akira_json_arr_end(&w);
    akira_json_obj_begin(&w);
    akira_json_obj_end(&w);
    akira_json_str(&w, "");
    akira_json_arr_end(&w);
    akira_json_obj_end(&w);
    assert_int_equal(akira_json_end(&w), 0);
    assert_string_equal(buf, "{\"name\":\"demo\",\"neg\":-42,\"big\":18446744073709551615,"
                             "\"on\":true,\"none\":null,\"list\":[1,[],{},\"\"]}");
}

static void test_escaping(void **state)
{
    (void)state;
    char buf[256];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_arr_begin(&w);
    akira_json_str(&w, "q\"b\\n\nr\rt\t\x01\x1f\x7f");
    /* valid UTF-8 passes; ill-formed bytes (lone continuation, overlong, surrogate,
     * truncated) become U+FFFD each */
    akira_json_str(&w, "caf\xc3\xa9 \xf0\x9f\x98\x80");
    akira_json_str(&w, "\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
    akira_json_strn(&w, "a\0b", 3);
    akira_json_arr_end(&w);
    assert_int_equal(akira_json_end(&w), 0);
    assert_string_equal(buf, "[\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\\u001f\\u007f\","
                             "\"caf\xc3\xa9 \xf0\x9f\x98\x80\","
                             "\"\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef"
                             "\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\","
                             "\"a\\u0000b\"]");
}

static void test_misuse(void **state)
{
    (void)state;
    char buf[64];
    struct akira_json w;
    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_obj_begin(&w);
    akira_json_int(&w, 1); /* a value where a key is due */
    assert_int_equal(akira_json_end(&w), AKIRA_EINVAL);

    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_arr_begin(&w);
    akira_json_key(&w, "k"); /* a key in an array */
    assert_int_equal(akira_json_end(&w), AKIRA_EINVAL);

    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_arr_begin(&w);
    akira_json_obj_end(&w); /* wrong closer */
    assert_int_equal(akira_json_end(&w), AKIRA_EINVAL);

    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_arr_begin(&w); /* not closed */
    assert_int_equal(akira_json_end(&w), AKIRA_EINVAL);

    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    akira_json_int(&w, 1);
    akira_json_int(&w, 2); /* two top-level values */
    assert_int_equal(akira_json_end(&w), AKIRA_EINVAL);

    akira_json_init(&w, buf, sizeof(buf), NULL, NULL);
    for (int i = 0; i <= AKIRA_JSON_DEPTH_MAX; i++)
        akira_json_arr_begin(&w);
    assert_int_equal(akira_json_end(&w), AKIRA_EOVERFLOW);

    /* past the buffer without flush: ERANGE, nothing written past cap */
    char small[16];
    memset(small, 'Z', sizeof(small));
    akira_json_init(&w, small, 12, NULL, NULL);
    akira_json_str(&w, "this does not fit");
    assert_int_equal(akira_json_end(&w), AKIRA_ERANGE);
    assert_int_equal(small[12], 'Z');
}

struct sink {
    char out[1024];
    size_t len;
    int calls;
    int fail_at;
};

static int flush(void *ctx, const char *buf, size_t len)
{
    struct sink *s = ctx;
    if (++s->calls == s->fail_at) return AKIRA_ECONNRESET;
    assert_true(s->len + len <= sizeof(s->out));
    memcpy(s->out + s->len, buf, len);
    s->len += len;
    return 0;
}

static void build(struct akira_json *w)
{
    akira_json_obj_begin(w);
    akira_json_key(w, "entries");
    akira_json_arr_begin(w);
    for (int i = 0; i < 20; i++) {
        akira_json_obj_begin(w);
        akira_json_kv_int(w, "seq", i);
        akira_json_kv_str(w, "msg", "a \"quoted\" message\n");
        akira_json_obj_end(w);
    }
    akira_json_arr_end(w);
    akira_json_obj_end(w);
}

static void test_streaming(void **state)
{
    (void)state;
    char whole[1024];
    struct akira_json w;
    akira_json_init(&w, whole, sizeof(whole), NULL, NULL);
    build(&w);
    assert_int_equal(akira_json_end(&w), 0);
    struct sink s = {.fail_at = 0};
    char small[8];
    akira_json_init(&w, small, sizeof(small), flush, &s);
    build(&w);
    assert_int_equal(akira_json_end(&w), 0);
    assert_true(s.calls > 10);
    assert_int_equal(s.len, strlen(whole));
    assert_memory_equal(s.out, whole, s.len);
    /* a failing flush (client gone) sticks */
    struct sink f = {.fail_at = 3};
    akira_json_init(&w, small, sizeof(small), flush, &f);
    build(&w);
    assert_int_equal(akira_json_end(&w), AKIRA_ECONNRESET);
    assert_int_equal(f.calls, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_streaming),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

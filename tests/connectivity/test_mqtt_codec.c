/* MQTT 3.1.1 codec (akira/mqtt_codec.h): every packet type encoded and decoded back,
 * remaining lengths at their byte boundaries, topic filters, and what decode refuses
 * (bad remaining length, string lengths that lie, bad UTF-8, wrong flags, QoS 3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <akira/err.h>
#include <akira/mqtt.h>
#include <akira/mqtt_codec.h>

static void test_remlen(void **state)
{
    (void)state;
    /* clang-format off */
    static const struct { uint32_t v; int n; uint8_t b[4]; } cases[] = {
        {0, 1, {0}},             {127, 1, {0x7F}},
        {128, 2, {0x80, 0x01}},  {16383, 2, {0xFF, 0x7F}},
        {16384, 3, {0x80, 0x80, 0x01}},
        {2097151, 3, {0xFF, 0xFF, 0x7F}},
        {2097152, 4, {0x80, 0x80, 0x80, 0x01}},
        {268435455, 4, {0xFF, 0xFF, 0xFF, 0x7F}},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t out[4], pkt[6] = {0x30};
        int n = akira_mqtt_remlen_encode(cases[i].v, out);
        assert_int_equal(n, cases[i].n);
        assert_memory_equal(out, cases[i].b, (size_t)n);
        memcpy(pkt + 1, out, (size_t)n);
        size_t hdr;
        uint32_t rem;
        assert_int_equal(akira_mqtt_frame(pkt, 1 + (size_t)n, &hdr, &rem), 0);
        assert_int_equal(hdr, 1 + (size_t)n);
        assert_int_equal(rem, cases[i].v);
        /* One byte short: the header is not complete yet. */
        assert_int_equal(akira_mqtt_frame(pkt, (size_t)n, &hdr, &rem), AKIRA_EAGAIN);
    }
    uint8_t out[4];
    assert_int_equal(akira_mqtt_remlen_encode(268435456u, out), AKIRA_EINVAL);
    /* A fifth length byte is malformed. */
    const uint8_t five[] = {0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    size_t hdr;
    uint32_t rem;
    assert_int_equal(akira_mqtt_frame(five, sizeof(five), &hdr, &rem), AKIRA_EFORMAT);
}

static void test_connect(void **state)
{
    (void)state;
    uint8_t buf[256];
    struct akira_mqtt_connect c = {
        .client_id = {"dev-1", 5},
        .user = {"u", 1},
        .password = {"pw", 2},
        .clean_session = false,
        .keepalive_s = 30,
        .will = true,
        .will_topic = {"akira/d/status", 14},
        .will_payload = (const uint8_t *)"off",
        .will_len = 3,
        .will_qos = 1,
        .will_retain = true,
    };
    int n = akira_mqtt_encode_connect(buf, sizeof(buf), &c);
    assert_true(n > 0);
    assert_int_equal(buf[0], 0x10);
    struct akira_mqtt_packet p;
    assert_int_equal(akira_mqtt_decode(buf, (size_t)n, &p), 0);
    assert_int_equal(p.type, AKIRA_MQTT_CONNECT);
    const struct akira_mqtt_connect *d = &p.u.connect;
    assert_int_equal(d->keepalive_s, 30);
    assert_false(d->clean_session);
    assert_true(d->will && d->will_retain);
    assert_int_equal(d->will_qos, 1);
    assert_memory_equal(d->client_id.p, "dev-1", 5);
    assert_memory_equal(d->will_topic.p, "akira/d/status", 14);
    assert_memory_equal(d->will_payload, "off", 3);
    assert_memory_equal(d->user.p, "u", 1);
    assert_memory_equal(d->password.p, "pw", 2);
    /* Too small a buffer. */
    assert_int_equal(akira_mqtt_encode_connect(buf, 10, &c), AKIRA_ERANGE);
    /* A password without a user cannot be said (3.1.2.9). */
    c.user = (struct akira_mqtt_str){NULL, 0};
    assert_int_equal(akira_mqtt_encode_connect(buf, sizeof(buf), &c), AKIRA_EINVAL);
}

static void test_publish(void **state)
{
    (void)state;
    uint8_t buf[64];
    struct akira_mqtt_publish m = {
        .topic = {"a/b", 3},
        .payload = (const uint8_t *)"hi",
        .len = 2,
        .qos = 1,
        .retain = true,
        .dup = true,
        .packet_id = 7,
    };
    int n = akira_mqtt_encode_publish(buf, sizeof(buf), &m);
    assert_int_equal(n, 2 + 2 + 3 + 2 + 2);
    assert_int_equal(buf[0], 0x3B);
    struct akira_mqtt_packet p;
    assert_int_equal(akira_mqtt_decode(buf, (size_t)n, &p), 0);
    assert_int_equal(p.type, AKIRA_MQTT_PUBLISH);
    assert_int_equal(p.u.publish.qos, 1);
    assert_true(p.u.publish.retain && p.u.publish.dup);
    assert_int_equal(p.u.publish.packet_id, 7);
    assert_int_equal(p.u.publish.len, 2);
    assert_memory_equal(p.u.publish.payload, "hi", 2);
    /* QoS 0 has no packet id; the topic may not carry wildcards. */
    m.qos = 0;
    m.dup = false;
    n = akira_mqtt_encode_publish(buf, sizeof(buf), &m);
    assert_int_equal(n, 2 + 2 + 3 + 2);
    m.topic = (struct akira_mqtt_str){"a/+", 3};
    assert_int_equal(akira_mqtt_encode_publish(buf, sizeof(buf), &m), AKIRA_EINVAL);
    m.topic = (struct akira_mqtt_str){"a/b", 3};
    m.qos = 1;
    m.packet_id = 0;
    assert_int_equal(akira_mqtt_encode_publish(buf, sizeof(buf), &m), AKIRA_EINVAL);
}

static void test_acks_and_empty(void **state)
{
    (void)state;
    uint8_t buf[8];
    struct akira_mqtt_packet p;
    const enum akira_mqtt_type acks[] = {AKIRA_MQTT_PUBACK, AKIRA_MQTT_PUBREC, AKIRA_MQTT_PUBREL,
                                         AKIRA_MQTT_PUBCOMP, AKIRA_MQTT_UNSUBACK};
    for (size_t i = 0; i < 5; i++) {
        int n = akira_mqtt_encode_ack(buf, sizeof(buf), acks[i], 0x1234);
        assert_int_equal(n, 4);
        assert_int_equal(akira_mqtt_decode(buf, 4, &p), 0);
        assert_int_equal(p.type, acks[i]);
        assert_int_equal(p.u.packet_id, 0x1234);
    }
    assert_int_equal(akira_mqtt_encode_ack(buf, sizeof(buf), AKIRA_MQTT_PUBACK, 0), AKIRA_EINVAL);
    const enum akira_mqtt_type empty[] = {AKIRA_MQTT_PINGREQ, AKIRA_MQTT_PINGRESP,
                                          AKIRA_MQTT_DISCONNECT};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(akira_mqtt_encode_empty(buf, sizeof(buf), empty[i]), 2);
        assert_int_equal(akira_mqtt_decode(buf, 2, &p), 0);
        assert_int_equal(p.type, empty[i]);
    }
    assert_int_equal(akira_mqtt_encode_connack(buf, sizeof(buf), true, 5), 4);
    assert_int_equal(akira_mqtt_decode(buf, 4, &p), 0);
    assert_true(p.u.connack.session_present);
    assert_int_equal(p.u.connack.rc, 5);
}

static void test_subscribe(void **state)
{
    (void)state;
    uint8_t buf[128];
    const char *f[] = {"akira/+/status", "akira/#"};
    const uint8_t q[] = {1, 0};
    int n = akira_mqtt_encode_subscribe(buf, sizeof(buf), 9, f, q, 2);
    assert_true(n > 0);
    assert_int_equal(buf[0], 0x82);
    struct akira_mqtt_packet p;
    assert_int_equal(akira_mqtt_decode(buf, (size_t)n, &p), 0);
    assert_int_equal(p.u.sub.packet_id, 9);
    assert_int_equal(p.u.sub.n, 2);
    assert_memory_equal(p.u.sub.filters[1].p, "akira/#", 7);
    assert_int_equal(p.u.sub.qos[0], 1);
    n = akira_mqtt_encode_unsubscribe(buf, sizeof(buf), 10, f, 1);
    assert_int_equal(buf[0], 0xA2);
    assert_int_equal(akira_mqtt_decode(buf, (size_t)n, &p), 0);
    assert_int_equal(p.type, AKIRA_MQTT_UNSUBSCRIBE);
    assert_int_equal(p.u.sub.n, 1);
    const uint8_t rcs[] = {1, 0x80};
    n = akira_mqtt_encode_suback(buf, sizeof(buf), 9, rcs, 2);
    assert_int_equal(akira_mqtt_decode(buf, (size_t)n, &p), 0);
    assert_int_equal(p.u.suback.n, 2);
    assert_int_equal(p.u.suback.rcs[1], 0x80);
    const char *bad[] = {"a/#/b"};
    assert_int_equal(akira_mqtt_encode_subscribe(buf, sizeof(buf), 1, bad, q, 1), AKIRA_EINVAL);
}

static void test_filters(void **state)
{
    (void)state;
    assert_true(akira_mqtt_topic_match("a/+/c", "a/b/c", 5));
    assert_false(akira_mqtt_topic_match("a/+/c", "a/b/d", 5));
    assert_true(akira_mqtt_topic_match("a/#", "a/b/c", 5));
    assert_true(akira_mqtt_topic_match("a/#", "a", 1));
    assert_true(akira_mqtt_topic_match("#", "x/y", 3));
    assert_false(akira_mqtt_topic_match("#", "$SYS/x", 6));
    assert_true(akira_mqtt_topic_match("+/+", "/x", 2));
    assert_false(akira_mqtt_topic_match("a/b", "a/bc", 4));
    assert_false(akira_mqtt_topic_match("a/+", "a/b/c", 5));
    assert_true(akira_mqtt_topic_match("a/+/", "a/b/", 4));
    assert_true(akira_mqtt_filter_ok("a/+/#", 5));
    assert_false(akira_mqtt_filter_ok("a+", 2));
    assert_false(akira_mqtt_filter_ok("#/a", 3));
    assert_false(akira_mqtt_filter_ok("", 0));
    assert_true(akira_mqtt_utf8_ok("caf\xc3\xa9", 5));
    assert_false(akira_mqtt_utf8_ok("\xc0\xaf", 2));         /* overlong */
    assert_false(akira_mqtt_utf8_ok("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(akira_mqtt_utf8_ok("a\0b", 3));             /* U+0000 */
    assert_false(akira_mqtt_utf8_ok("\xe2\x82", 2));         /* cut */
    assert_false(akira_mqtt_utf8_ok("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
}

static void test_malformed(void **state)
{
    (void)state;
    struct akira_mqtt_packet p;
    /* The topic length says 10, the packet has 3 (valid text follows it in memory:
     * only the length check can tell). */
    const uint8_t lie[] = {0x30, 0x05, 0x00, 0x0A, 'a', '/', 'b',
                           'c',  'd',  'e',  'f',  'g', 'h', 'i'};
    assert_int_equal(akira_mqtt_decode(lie, 7, &p), AKIRA_EFORMAT);
    /* Remaining length larger than the bytes given, and smaller. */
    const uint8_t longer[] = {0x30, 0x09, 0x00, 0x01, 'a'};
    assert_int_equal(akira_mqtt_decode(longer, sizeof(longer), &p), AKIRA_EFORMAT);
    const uint8_t ping_extra[] = {0xC0, 0x01, 0x00};
    assert_int_equal(akira_mqtt_decode(ping_extra, sizeof(ping_extra), &p), AKIRA_EFORMAT);
    /* Bad UTF-8 in a topic. */
    const uint8_t utf[] = {0x30, 0x04, 0x00, 0x02, 0xC0, 0xAF};
    assert_int_equal(akira_mqtt_decode(utf, sizeof(utf), &p), AKIRA_EFORMAT);
    /* A wildcard in a PUBLISH topic, an empty topic. */
    const uint8_t wild[] = {0x30, 0x03, 0x00, 0x01, '#'};
    assert_int_equal(akira_mqtt_decode(wild, sizeof(wild), &p), AKIRA_EFORMAT);
    const uint8_t empty[] = {0x30, 0x02, 0x00, 0x00};
    assert_int_equal(akira_mqtt_decode(empty, sizeof(empty), &p), AKIRA_EFORMAT);
    /* QoS 3; QoS 1 with packet id 0; DUP on QoS 0. */
    const uint8_t q3[] = {0x36, 0x05, 0x00, 0x01, 'a', 0x00, 0x01};
    assert_int_equal(akira_mqtt_decode(q3, sizeof(q3), &p), AKIRA_EFORMAT);
    const uint8_t id0[] = {0x32, 0x05, 0x00, 0x01, 'a', 0x00, 0x00};
    assert_int_equal(akira_mqtt_decode(id0, sizeof(id0), &p), AKIRA_EFORMAT);
    const uint8_t dup0[] = {0x38, 0x03, 0x00, 0x01, 'a'};
    assert_int_equal(akira_mqtt_decode(dup0, sizeof(dup0), &p), AKIRA_EFORMAT);
    /* Reserved flags: a SUBSCRIBE must carry 0010, a PUBACK 0000. */
    const uint8_t sub_flags[] = {0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00};
    assert_int_equal(akira_mqtt_decode(sub_flags, sizeof(sub_flags), &p), AKIRA_EFORMAT);
    const uint8_t ack_flags[] = {0x41, 0x02, 0x00, 0x01};
    assert_int_equal(akira_mqtt_decode(ack_flags, sizeof(ack_flags), &p), AKIRA_EFORMAT);
    /* Types 0 and 15 are reserved; a CONNACK of 3 bytes; a SUBACK code 3. */
    const uint8_t t0[] = {0x00, 0x00};
    assert_int_equal(akira_mqtt_decode(t0, sizeof(t0), &p), AKIRA_EFORMAT);
    const uint8_t t15[] = {0xF0, 0x00};
    assert_int_equal(akira_mqtt_decode(t15, sizeof(t15), &p), AKIRA_EFORMAT);
    const uint8_t connack3[] = {0x20, 0x03, 0x00, 0x00, 0x00};
    assert_int_equal(akira_mqtt_decode(connack3, sizeof(connack3), &p), AKIRA_EFORMAT);
    const uint8_t suback3[] = {0x90, 0x03, 0x00, 0x01, 0x03};
    assert_int_equal(akira_mqtt_decode(suback3, sizeof(suback3), &p), AKIRA_EFORMAT);
    /* A SUBSCRIBE without any filter. */
    const uint8_t nosub[] = {0x82, 0x02, 0x00, 0x01};
    assert_int_equal(akira_mqtt_decode(nosub, sizeof(nosub), &p), AKIRA_EFORMAT);
    /* A CONNECT of another protocol level. */
    const uint8_t lvl[] = {0x10, 0x0C, 0x00, 0x04, 'M',  'Q',  'T',
                           'T',  0x05, 0x02, 0x00, 0x1E, 0x00, 0x00};
    assert_int_equal(akira_mqtt_decode(lvl, sizeof(lvl), &p), AKIRA_EFORMAT);
}

static void test_large_publish(void **state)
{
    (void)state;
    /* A PUBLISH whose remaining length needs 3 bytes (16384 and more). */
    size_t plen = 20000;
    uint8_t *payload = calloc(1, plen), *buf = malloc(plen + 64);
    assert_non_null(payload);
    assert_non_null(buf);
    struct akira_mqtt_publish m = {.topic = {"t", 1}, .payload = payload, .len = plen};
    int n = akira_mqtt_encode_publish(buf, plen + 64, &m);
    assert_int_equal(n, 1 + 3 + 2 + 1 + (int)plen);
    size_t hdr;
    uint32_t rem;
    assert_int_equal(akira_mqtt_frame(buf, (size_t)n, &hdr, &rem), 0);
    assert_int_equal(hdr, 4);
    struct akira_mqtt_packet p;
    assert_int_equal(akira_mqtt_decode(buf, (size_t)n, &p), 0);
    assert_int_equal(p.u.publish.len, plen);
    free(payload);
    free(buf);
}

static void test_backoff(void **state)
{
    (void)state;
    uint32_t d = 0, seq[8];
    for (int i = 0; i < 8; i++)
        seq[i] = d = akira_mqtt_backoff_next(d, 1000, 60000);
    const uint32_t want[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    assert_memory_equal(seq, want, sizeof(want));
    for (uint32_t r = 0; r < 100000; r += 997) {
        uint32_t j = akira_mqtt_backoff_jitter(8000, r * 2654435761u);
        assert_true(j >= 4000 && j <= 8000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remlen),    cmocka_unit_test(test_connect),
        cmocka_unit_test(test_publish),   cmocka_unit_test(test_acks_and_empty),
        cmocka_unit_test(test_subscribe), cmocka_unit_test(test_filters),
        cmocka_unit_test(test_malformed), cmocka_unit_test(test_large_publish),
        cmocka_unit_test(test_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

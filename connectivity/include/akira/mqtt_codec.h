/*
 * MQTT 3.1.1 packets: encoder and decoder (OASIS mqtt-v3.1.1, sections 2 and 3).
 *
 * Pure C, no OS calls, no allocation: the client (akira/mqtt.h), its unit tests and
 * the fuzzer use it. Encoders write one whole packet into a caller buffer and return
 * its length, or AKIRA_ERANGE when it does not fit (nothing useful is then in buf),
 * or AKIRA_EINVAL for an argument the protocol cannot carry (a string over 65535
 * bytes, QoS > 1 from this client, packet id 0 where one is needed, a topic with
 * wildcards in a PUBLISH, a remaining length over 268435455).
 *
 * Decoding is in two steps: akira_mqtt_frame() finds the end of the packet at the
 * start of a byte stream (the fixed header's remaining length), then
 * akira_mqtt_decode() checks and splits one whole packet. Pointers in a decoded
 * packet point into the caller's buffer (no copies). What decode refuses with
 * AKIRA_EFORMAT: an unknown type, reserved flag bits that are wrong for the type,
 * a remaining length that disagrees with the type's fixed layout, a string whose
 * length runs past the packet, a topic or filter that is not well-formed UTF-8 (or
 * holds U+0000, as 1.5.3 forbids), a PUBLISH topic with wildcards or empty, QoS 3,
 * packet id 0 where one is needed, a SUBSCRIBE/UNSUBSCRIBE without filters.
 * Only QoS 0 and 1 are supported: a PUBLISH with QoS 2 decodes (qos 2) so that the
 * client can refuse it by name; PUBREC/PUBREL/PUBCOMP decode as plain acks.
 */
#ifndef AKIRA_MQTT_CODEC_H
#define AKIRA_MQTT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum akira_mqtt_type {
    AKIRA_MQTT_CONNECT = 1,
    AKIRA_MQTT_CONNACK = 2,
    AKIRA_MQTT_PUBLISH = 3,
    AKIRA_MQTT_PUBACK = 4,
    AKIRA_MQTT_PUBREC = 5,
    AKIRA_MQTT_PUBREL = 6,
    AKIRA_MQTT_PUBCOMP = 7,
    AKIRA_MQTT_SUBSCRIBE = 8,
    AKIRA_MQTT_SUBACK = 9,
    AKIRA_MQTT_UNSUBSCRIBE = 10,
    AKIRA_MQTT_UNSUBACK = 11,
    AKIRA_MQTT_PINGREQ = 12,
    AKIRA_MQTT_PINGRESP = 13,
    AKIRA_MQTT_DISCONNECT = 14,
};

/* Largest remaining length the 4-byte encoding can carry. */
#define AKIRA_MQTT_REMLEN_MAX 268435455u
/* Longest fixed header: type byte + 4 length bytes. */
#define AKIRA_MQTT_FIXED_HDR_MAX 5u
/* SUBSCRIBE/UNSUBSCRIBE filters one decoded packet lists at most (decode refuses more). */
#define AKIRA_MQTT_FILTERS_MAX 8u

/* A length-prefixed string inside a packet (not NUL-terminated). */
struct akira_mqtt_str {
    const char *p;
    uint16_t len;
};

struct akira_mqtt_connect {
    struct akira_mqtt_str client_id;
    struct akira_mqtt_str user;     /* len 0 and p NULL: absent */
    struct akira_mqtt_str password; /* binary data; p NULL: absent */
    bool clean_session;
    uint16_t keepalive_s;
    bool will;
    struct akira_mqtt_str will_topic;
    const uint8_t *will_payload;
    uint16_t will_len;
    uint8_t will_qos;
    bool will_retain;
};

struct akira_mqtt_publish {
    struct akira_mqtt_str topic;
    const uint8_t *payload;
    size_t len;
    uint8_t qos;
    bool retain, dup;
    uint16_t packet_id; /* QoS > 0 only */
};

struct akira_mqtt_packet {
    enum akira_mqtt_type type;
    uint8_t flags; /* low nibble of the first byte */
    union {
        struct akira_mqtt_connect connect;
        struct {
            bool session_present;
            uint8_t rc; /* 0 accepted; 1..5 refusals (3.2.2.3) */
        } connack;
        struct akira_mqtt_publish publish;
        uint16_t packet_id; /* PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK */
        struct {
            uint16_t packet_id;
            const uint8_t *rcs; /* one return code per filter: 0, 1, 2 or 0x80 (failure) */
            size_t n;
        } suback;
        struct {
            uint16_t packet_id;
            struct akira_mqtt_str filters[AKIRA_MQTT_FILTERS_MAX];
            uint8_t qos[AKIRA_MQTT_FILTERS_MAX]; /* SUBSCRIBE only */
            size_t n;
        } sub; /* SUBSCRIBE, UNSUBSCRIBE */
    } u;
};

/*
 * The packet at the start of buf[0..len): on 0, *hdr is the fixed header's size and
 * *rem the remaining length (the packet is *hdr + *rem bytes, which may be more than
 * len: read on). AKIRA_EAGAIN: the fixed header is not complete yet. AKIRA_EFORMAT:
 * the remaining length runs over 4 bytes.
 */
int akira_mqtt_frame(const uint8_t *buf, size_t len, size_t *hdr, uint32_t *rem);

/* Decode one whole packet of exactly len bytes (fixed header included). 0 or
 * AKIRA_EFORMAT (see above), AKIRA_EINVAL (NULL). */
int akira_mqtt_decode(const uint8_t *pkt, size_t len, struct akira_mqtt_packet *out);

/* Writes the remaining-length bytes of v into out (4 bytes are always enough); returns
 * how many (1..4), AKIRA_EINVAL over AKIRA_MQTT_REMLEN_MAX. */
int akira_mqtt_remlen_encode(uint32_t v, uint8_t out[4]);

int akira_mqtt_encode_connect(uint8_t *buf, size_t cap, const struct akira_mqtt_connect *c);
/* CONNACK (a broker's packet: tests and fake brokers). */
int akira_mqtt_encode_connack(uint8_t *buf, size_t cap, bool session_present, uint8_t rc);
int akira_mqtt_encode_publish(uint8_t *buf, size_t cap, const struct akira_mqtt_publish *p);
/* PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK: type and packet id. */
int akira_mqtt_encode_ack(uint8_t *buf, size_t cap, enum akira_mqtt_type type, uint16_t id);
/* SUBSCRIBE of n filters (1..AKIRA_MQTT_FILTERS_MAX) with their requested QoS. */
int akira_mqtt_encode_subscribe(uint8_t *buf, size_t cap, uint16_t id, const char *const *filters,
                                const uint8_t *qos, size_t n);
int akira_mqtt_encode_unsubscribe(uint8_t *buf, size_t cap, uint16_t id, const char *const *filters,
                                  size_t n);
/* SUBACK (a broker's packet: tests). */
int akira_mqtt_encode_suback(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *rcs, size_t n);
/* PINGREQ, PINGRESP, DISCONNECT: two bytes. */
int akira_mqtt_encode_empty(uint8_t *buf, size_t cap, enum akira_mqtt_type type);

/* Whether s[0..len) is well-formed UTF-8 without U+0000 and without surrogates. */
bool akira_mqtt_utf8_ok(const char *s, size_t len);
/* Whether a topic filter is valid: non-empty, '#' only as the whole last level, '+'
 * only as a whole level, well-formed UTF-8. */
bool akira_mqtt_filter_ok(const char *f, size_t len);
/* Whether topic (a PUBLISH topic, no wildcards) matches filter (4.7). Topics starting
 * with '$' are not matched by a filter starting with a wildcard (4.7.2). */
bool akira_mqtt_topic_match(const char *filter, const char *topic, size_t topic_len);

/* The next back-off wait after `prev_ms` (0 for the first): doubled within [min, max].
 * And its jittered form: in [d/2, d]. The client's reconnect policy
 * (akira/mqtt.h), here because it is pure. */
uint32_t akira_mqtt_backoff_next(uint32_t prev_ms, uint32_t min_ms, uint32_t max_ms);
uint32_t akira_mqtt_backoff_jitter(uint32_t d_ms, uint32_t random);

#endif /* AKIRA_MQTT_CODEC_H */

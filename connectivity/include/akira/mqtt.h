/*
 * MQTT 3.1.1 client (docs/fleet.md): one connection to one broker, run by a thread of
 * its own, over a byte transport (plain TCP by default, TLS when one is given).
 *
 * What it does:
 *  - CONNECT with the client id, user/password, the clean-session flag and a last
 *    will (topic, payload, QoS, retain); waits for CONNACK (refusals are logged and
 *    retried like a failed connection).
 *  - Keep-alive: a PINGREQ when nothing was sent for keepalive_s; when nothing at all
 *    comes from the broker for 1.5 x keepalive_s the broker is taken for dead and the
 *    connection is closed and made again.
 *  - QoS 0 and 1 both ways. Outgoing QoS 1 messages stay in a bounded inflight table
 *    (AKIRA_MQTT_INFLIGHT_MAX packets of at most AKIRA_MQTT_QOS1_PACKET_MAX bytes)
 *    until their PUBACK; after a reconnect they are sent again with DUP set. A
 *    QoS 1 publish while disconnected is queued there (sent at the next connect).
 *    Incoming QoS 1 messages are acknowledged after the callback returned
 *    (at least once: a duplicate may be delivered). QoS 2 is not supported: the
 *    client subscribes with QoS <= 1 so a broker never sends it; a QoS 2 PUBLISH
 *    that arrives anyway closes the connection.
 *  - Subscriptions (filters with + and #) are kept in a table of
 *    AKIRA_MQTT_SUBS_MAX and sent again after every connect.
 *  - Reconnect with exponential back-off: 1 s doubling to 60 s, "equal jitter" (the
 *    wait is d/2 + a random part of d/2); a CONNACK resets it to 1 s.
 *  - Fixed RAM: one receive buffer for one packet of at most AKIRA_MQTT_RX_MAX bytes,
 *    one send buffer, the inflight and subscription tables, all inside struct
 *    akira_mqtt (allocated once by create). A packet that is larger, or malformed
 *    (akira/mqtt_codec.h: bad remaining length, a string length that runs past the
 *    packet, bad UTF-8 in a topic), closes the connection with a log line, and the
 *    client reconnects.
 *
 * Threads: publish, subscribe, unsubscribe, stats may be called from any thread
 * (one lock; the socket's sends are serialized by it). The callbacks run on the
 * client's thread with no lock held; they may call publish/subscribe (QoS 1 publish
 * from a callback never waits: AKIRA_EBUSY when the table is full).
 */
#ifndef AKIRA_MQTT_H
#define AKIRA_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/net.h>

#define AKIRA_MQTT_RX_MAX          (4096u + 512u) /* largest packet received (with headers) */
#define AKIRA_MQTT_TX_MAX          (1024u + 256u) /* largest packet sent */
#define AKIRA_MQTT_QOS1_PACKET_MAX 1024u          /* largest QoS 1 packet kept for resending */
#define AKIRA_MQTT_INFLIGHT_MAX    4u
#define AKIRA_MQTT_SUBS_MAX        10u  /* fleet: cmd, 4 mqtt module, 4 env module, 1 spare */
#define AKIRA_MQTT_FILTER_MAX      128u /* bytes of one filter, NUL included */
#define AKIRA_MQTT_ID_MAX          48u  /* client id, user, password: bytes, NUL included */
#define AKIRA_MQTT_WILL_TOPIC_MAX  96u
#define AKIRA_MQTT_WILL_MAX        128u
#define AKIRA_MQTT_BACKOFF_MIN_MS  1000u
#define AKIRA_MQTT_BACKOFF_MAX_MS  60000u
/* The client thread's stack (callbacks run on it; an install validates the module
 * there): 14.7 KiB measured (bench/RESULTS.md); at least AKIRA_THREAD_STACK_MIN. */
#define AKIRA_MQTT_STACK_SIZE (24u * 1024u)

/*
 * The byte stream under the client: plain TCP (akira/net.h) when the config gives none.
 * A TLS transport (akira/tls.h) fills the same four calls. Semantics are those of
 * akira_net_tcp_connect / akira_net_send_all / akira_net_recv / akira_net_close: recv
 * returns 1..cap bytes, 0 at the peer's close, AKIRA_ETIMEDOUT/AKIRA_EAGAIN when
 * nothing came within the timeout, another negative error when the stream is broken.
 */
struct akira_mqtt_transport {
    /* ctx: the config's transport_ctx (e.g. the TLS transport's peer check). */
    int (*connect)(void **conn, const struct akira_net_addr *addr, int32_t timeout_ms, void *ctx);
    int (*send_all)(void *conn, const void *buf, size_t len, int32_t timeout_ms);
    int (*recv)(void *conn, void *buf, size_t cap, int32_t timeout_ms);
    void (*close)(void *conn);
};

/* The plain TCP transport (the default). */
extern const struct akira_mqtt_transport akira_mqtt_tcp;

struct akira_mqtt_config {
    struct akira_net_addr broker;
    const struct akira_mqtt_transport *transport; /* NULL: akira_mqtt_tcp */
    void *transport_ctx;                          /* for transport->connect; kept */
    const char *client_id;                        /* 1..AKIRA_MQTT_ID_MAX-1 bytes */
    const char *user, *password;                  /* NULL: none */
    bool clean_session;
    uint16_t keepalive_s; /* 0: 30 */
    /* Last will: will_topic NULL for none. */
    const char *will_topic;
    const void *will_payload;
    size_t will_len;
    uint8_t will_qos;
    bool will_retain;
    /* A message arrived (topic not NUL-terminated). Client thread. */
    void (*on_message)(void *ctx, const char *topic, size_t topic_len, const uint8_t *payload,
                       size_t len, bool retained);
    /* Connected (CONNACK accepted, subscriptions and inflight messages re-sent).
     * Client thread. May be NULL. */
    void (*on_connect)(void *ctx, bool session_present);
    /* Called about every 250 ms on the client thread, connected or not (timers of
     * the user: telemetry, time-outs). May be NULL. */
    void (*on_tick)(void *ctx, bool connected);
    void *ctx;
    uint32_t backoff_min_ms, backoff_max_ms; /* 0: the defaults above */
};

struct akira_mqtt_stats {
    bool connected;
    uint32_t connects;         /* CONNACKs accepted */
    uint32_t connect_fails;    /* connections or CONNACKs that failed */
    uint32_t malformed;        /* connections closed for a malformed or too large packet */
    uint32_t dead_broker;      /* connections closed by the keep-alive */
    uint64_t rx_msgs, tx_msgs; /* PUBLISH packets */
    uint64_t rx_bytes, tx_bytes;
    uint32_t retransmits; /* QoS 1 messages sent again with DUP */
    uint32_t inflight;    /* QoS 1 messages waiting for their PUBACK now */
    uint32_t next_backoff_ms;
    size_t stack_used; /* high-water mark of the client thread's stack (bytes) */
};

struct akira_mqtt;

/* Bytes of struct akira_mqtt (all the client's RAM besides its thread's stack). */
size_t akira_mqtt_bytes(void);

/*
 * Allocate the client (one allocation, akira_mqtt_bytes()) and start its thread,
 * which connects and keeps connecting. Errors: AKIRA_EINVAL (a string over its
 * limit, a bad will topic), AKIRA_ENOMEM, the thread's.
 */
int akira_mqtt_start(struct akira_mqtt **out, const struct akira_mqtt_config *cfg);

/*
 * Stop: when connected, publishes publish_before (a retained message, e.g. the
 * "offline" status; topic NULL for none) at QoS 0, sends DISCONNECT (so the will is
 * not published), closes and joins the thread (within about 1 s), frees. NULL: no-op.
 */
void akira_mqtt_stop(struct akira_mqtt *c, const char *topic_before, const void *payload_before,
                     size_t len_before);

/*
 * Publish. QoS 0: sent now when connected, else AKIRA_ENOTCONN. QoS 1: queued in the
 * inflight table (sent now when connected); waits up to timeout_ms for room when the
 * table is full (AKIRA_EBUSY after; never waits on the client's own thread).
 * AKIRA_ETOOBIG: the packet is over AKIRA_MQTT_TX_MAX (QoS 0) or
 * AKIRA_MQTT_QOS1_PACKET_MAX (QoS 1). AKIRA_EINVAL: bad topic (wildcards, UTF-8),
 * qos > 1. A send error closes the connection (the thread reconnects) and returns it.
 */
int akira_mqtt_publish(struct akira_mqtt *c, const char *topic, const void *payload, size_t len,
                       uint8_t qos, bool retain, int32_t timeout_ms);

/* Add a filter to the table (sent now when connected, and after every connect).
 * AKIRA_EINVAL (bad filter, qos > 1), AKIRA_ENOSPC (table full), AKIRA_EEXIST. */
int akira_mqtt_subscribe(struct akira_mqtt *c, const char *filter, uint8_t qos);
/* Remove it (UNSUBSCRIBE sent when connected). AKIRA_ENOENT when not there. */
int akira_mqtt_unsubscribe(struct akira_mqtt *c, const char *filter);

void akira_mqtt_stats(struct akira_mqtt *c, struct akira_mqtt_stats *out);

#endif /* AKIRA_MQTT_H */

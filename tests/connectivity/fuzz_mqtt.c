/*
 * libFuzzer target for the MQTT packet decoder (connectivity/src/mqtt_codec.c) and the
 * fleet's command reader (connectivity/src/fleet_cmd.c, without the signature check).
 *
 * The input is a byte stream from a broker. It is framed as the client frames it
 * (akira_mqtt_frame, packets up to AKIRA_MQTT_RX_MAX) and every whole packet decoded.
 * Checked: memory safety (ASan/UBSan); a decoded packet's pointers lie inside the
 * packet; a decoded PUBLISH re-encodes to the same bytes when it is one the client
 * could send (QoS <= 1, minimal length encoding); the PUBLISH payloads go through the
 * command parser and the data-message parser too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <akira/fleet.h>
#include <akira/mqtt.h>
#include <akira/mqtt_codec.h>

static int json_cb(void *ctx, const char *k, const char *v, size_t vl, bool is_str)
{
    (void)ctx;
    (void)is_str;
    if (strlen(k) > 63 || strlen(v) != vl) abort();
    return 0;
}

static void inside(const uint8_t *pkt, size_t len, const void *p, size_t n)
{
    if (!n) return;
    const uint8_t *q = p;
    if (q < pkt || q + n > pkt + len) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    while (off < size) {
        size_t hdr;
        uint32_t rem;
        if (akira_mqtt_frame(data + off, size - off, &hdr, &rem)) break;
        if (hdr + rem > AKIRA_MQTT_RX_MAX || hdr + rem > size - off) break;
        const uint8_t *pkt = data + off;
        size_t len = hdr + rem;
        off += len;
        /* A copy of exactly len bytes, so that ASan sees any read past it. */
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, pkt, len);
        struct akira_mqtt_packet p;
        if (akira_mqtt_decode(copy, len, &p) == 0 && p.type == AKIRA_MQTT_PUBLISH) {
            const struct akira_mqtt_publish *m = &p.u.publish;
            inside(copy, len, m->topic.p, m->topic.len);
            inside(copy, len, m->payload, m->len);
            if (m->qos <= 1) {
                uint8_t *again = malloc(len + 8);
                int n = akira_mqtt_encode_publish(again, len + 8, m);
                if (n < 0) abort(); /* what decodes can be said again */
                if ((size_t)n == len && memcmp(again, copy, len)) abort();
                free(again);
            }
            struct akira_fleet_cmd c;
            (void)akira_fleet_cmd_parse(m->payload, m->len, &c);
            (void)akira_fleet_json_each((const char *)m->payload, m->len, json_cb, NULL);
            const char *id;
            size_t il, dl;
            uint32_t idx;
            const uint8_t *d;
            if (!akira_fleet_data_parse(m->payload, m->len, &id, &il, &idx, &d, &dl))
                inside(m->payload, m->len, d, dl);
        }
        free(copy);
    }
    return 0;
}

/*
 * The serial management protocol's framing (docs/serial.md): pure code shared by the
 * device's serial link (connectivity/src/serial_link.c) and the host tool
 * (tools/akira/serial_client.c). No OS calls, no allocation.
 *
 * A frame on the wire is COBS-encoded between two 0x00 bytes, so a receiver that lost
 * bytes or saw garbage resynchronises at the next 0x00, and the frame after garbage is
 * not lost with it (empty frames between two 0x00 are ignored). Decoded, a frame is:
 *
 *   type u8 | flags u8 | seq u16 LE | len u16 LE | payload[len] | crc32 u32 LE
 *
 * with the CRC-32 (IEEE 802.3, reflected, as zlib's crc32) over everything before it.
 * A decoded frame whose size is not 10 + len, whose len is over
 * AKIRA_SERIAL_PAYLOAD_MAX, whose CRC does not match, whose COBS coding is broken or
 * whose encoded size passes AKIRA_SERIAL_WIRE_MAX before its delimiter is refused
 * whole and counted (struct akira_serial_counters); nothing of it is used.
 */
#ifndef AKIRA_SERIAL_PROTO_H
#define AKIRA_SERIAL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_SERIAL_PAYLOAD_MAX 256u /* bytes of payload in one frame */
#define AKIRA_SERIAL_HEADER      6u
#define AKIRA_SERIAL_FRAME_MAX   (AKIRA_SERIAL_HEADER + AKIRA_SERIAL_PAYLOAD_MAX + 4u)
/* COBS adds one byte per 254 and one at the start; plus the two 0x00 delimiters. */
#define AKIRA_SERIAL_WIRE_MAX (AKIRA_SERIAL_FRAME_MAX + AKIRA_SERIAL_FRAME_MAX / 254u + 3u)

enum akira_serial_type {
    AKIRA_SERIAL_HELLO = 1,     /* client: open or resume a session (payload: session id) */
    AKIRA_SERIAL_HELLO_ACK = 2, /* device: session id, bytes received, resumed flag */
    AKIRA_SERIAL_DATA = 3,      /* stream bytes, sequenced, acknowledged */
    AKIRA_SERIAL_ACK = 4,       /* acknowledges the DATA/FIN of the same seq */
    AKIRA_SERIAL_FIN = 5,       /* device: the answer is complete (sequenced like DATA) */
    AKIRA_SERIAL_RST = 6,       /* device: no session (DATA without HELLO); client re-HELLOs */
};

/* HELLO payload: magic "AKS1" | session id u32 LE. HELLO_ACK: magic | session id |
 * received u32 LE (stream bytes of the session the device holds) | resumed u8. */
#define AKIRA_SERIAL_MAGIC         "AKS1"
#define AKIRA_SERIAL_HELLO_LEN     8u
#define AKIRA_SERIAL_HELLO_ACK_LEN 13u

struct akira_serial_frame {
    uint8_t type, flags;
    uint16_t seq;
    uint16_t len;
    uint8_t payload[AKIRA_SERIAL_PAYLOAD_MAX];
};

/* Frames refused, by reason, and frames taken. Counted by the decoder (crc, length,
 * coding, too_long) and by the link that checks sequence numbers (seq). */
struct akira_serial_counters {
    uint32_t frames_ok;
    uint32_t bad_crc;    /* CRC mismatch */
    uint32_t bad_length; /* size not 10 + len, len over the maximum, shorter than a header */
    uint32_t bad_coding; /* COBS coding broken, or a frame type nobody knows */
    uint32_t too_long;   /* no delimiter within AKIRA_SERIAL_WIRE_MAX bytes */
    uint32_t bad_seq;    /* sequence number neither the expected one nor a repeat */
    uint32_t duplicates; /* a repeat of the last frame (its ack was lost): acked again */
    uint32_t retransmits;
};

/* CRC-32 (IEEE, reflected, init and final xor 0xffffffff); chain with crc = previous. */
uint32_t akira_serial_crc32(uint32_t crc, const void *data, size_t len);

/* Encodes f into out (at least AKIRA_SERIAL_WIRE_MAX bytes), delimiter included.
 * Returns the wire length, or 0 when f->len is over AKIRA_SERIAL_PAYLOAD_MAX. */
size_t akira_serial_encode(const struct akira_serial_frame *f, uint8_t *out);

/* Receive side: feed bytes as they come; each complete valid frame is given to cb. */
struct akira_serial_decoder {
    uint8_t wire[AKIRA_SERIAL_WIRE_MAX];
    size_t n;
    bool overflow; /* dropping bytes until the next delimiter */
    struct akira_serial_counters *counters;
};
typedef void (*akira_serial_frame_cb)(void *ctx, const struct akira_serial_frame *f);

void akira_serial_decoder_init(struct akira_serial_decoder *d, struct akira_serial_counters *c);
void akira_serial_decoder_feed(struct akira_serial_decoder *d, const uint8_t *data, size_t len,
                               akira_serial_frame_cb cb, void *ctx);

/* Little-endian helpers for payload fields. */
static inline void akira_serial_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t akira_serial_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif /* AKIRA_SERIAL_PROTO_H */

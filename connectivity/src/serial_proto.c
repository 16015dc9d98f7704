/* Serial protocol framing: CRC-32, COBS, frame check (see akira/serial_proto.h). */
#include <akira/serial_proto.h>

#include <string.h>

uint32_t akira_serial_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

size_t akira_serial_encode(const struct akira_serial_frame *f, uint8_t *out)
{
    if (f->len > AKIRA_SERIAL_PAYLOAD_MAX) return 0;
    uint8_t raw[AKIRA_SERIAL_FRAME_MAX];
    raw[0] = f->type;
    raw[1] = f->flags;
    raw[2] = (uint8_t)f->seq;
    raw[3] = (uint8_t)(f->seq >> 8);
    raw[4] = (uint8_t)f->len;
    raw[5] = (uint8_t)(f->len >> 8);
    memcpy(raw + AKIRA_SERIAL_HEADER, f->payload, f->len);
    size_t n = AKIRA_SERIAL_HEADER + f->len;
    akira_serial_put32(raw + n, akira_serial_crc32(0, raw, n));
    n += 4;
    /* A leading delimiter ends any garbage before the frame, so a frame after line
     * noise is not lost with it. COBS: each block starts with the distance to the next
     * zero (or block end). */
    out[0] = 0;
    size_t o = 2, code_at = 1;
    uint8_t code = 1;
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == 0) {
            out[code_at] = code;
            code_at = o++;
            code = 1;
            continue;
        }
        out[o++] = raw[i];
        /* A full block of 254: a new one only when bytes follow (canonical COBS). */
        if (++code == 0xff && i + 1 < n) {
            out[code_at] = code;
            code_at = o++;
            code = 1;
        }
    }
    out[code_at] = code;
    out[o++] = 0;
    return o;
}

void akira_serial_decoder_init(struct akira_serial_decoder *d, struct akira_serial_counters *c)
{
    d->n = 0;
    d->overflow = false;
    d->counters = c;
}

/* Decodes the COBS bytes in wire[0..n) into raw; its length, or -1 when broken. */
static int cobs_decode(const uint8_t *wire, size_t n, uint8_t *raw, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < n) {
        uint8_t code = wire[i++];
        if (code == 0 || i + code - 1 > n) return -1;
        for (uint8_t k = 1; k < code; k++) {
            if (o == cap) return -1;
            raw[o++] = wire[i++];
        }
        if (code != 0xff && i < n) {
            if (o == cap) return -1;
            raw[o++] = 0;
        }
    }
    return (int)o;
}

static void frame_end(struct akira_serial_decoder *d, akira_serial_frame_cb cb, void *ctx)
{
    struct akira_serial_counters *c = d->counters;
    uint8_t raw[AKIRA_SERIAL_FRAME_MAX + 2];
    int n = cobs_decode(d->wire, d->n, raw, sizeof(raw));
    if (n < 0) {
        c->bad_coding++;
        return;
    }
    if ((size_t)n < AKIRA_SERIAL_HEADER + 4) {
        c->bad_length++;
        return;
    }
    uint16_t len = (uint16_t)(raw[4] | raw[5] << 8);
    if (len > AKIRA_SERIAL_PAYLOAD_MAX || (size_t)n != AKIRA_SERIAL_HEADER + len + 4u) {
        c->bad_length++;
        return;
    }
    size_t body = AKIRA_SERIAL_HEADER + len;
    if (akira_serial_crc32(0, raw, body) != akira_serial_get32(raw + body)) {
        c->bad_crc++;
        return;
    }
    if (raw[0] < AKIRA_SERIAL_HELLO || raw[0] > AKIRA_SERIAL_RST) {
        c->bad_coding++;
        return;
    }
    struct akira_serial_frame f;
    f.type = raw[0];
    f.flags = raw[1];
    f.seq = (uint16_t)(raw[2] | raw[3] << 8);
    f.len = len;
    memcpy(f.payload, raw + AKIRA_SERIAL_HEADER, len);
    c->frames_ok++;
    cb(ctx, &f);
}

void akira_serial_decoder_feed(struct akira_serial_decoder *d, const uint8_t *data, size_t len,
                               akira_serial_frame_cb cb, void *ctx)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t b = data[i];
        if (b == 0) {
            /* Empty frames are idle fill (a sender may start with a 0x00 to end any
             * garbage before it): not counted. */
            if (!d->overflow && d->n > 0) frame_end(d, cb, ctx);
            d->n = 0;
            d->overflow = false;
            continue;
        }
        if (d->overflow) continue;
        if (d->n == sizeof(d->wire)) {
            d->counters->too_long++;
            d->overflow = true;
            continue;
        }
        d->wire[d->n++] = b;
    }
}

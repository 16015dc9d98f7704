/*
 * reader.c - the loader's buffered window on the module and the primitive encodings
 * of the binary format (LEB128 integers, fixed-width floats, names).
 *
 * The module is never held in RAM whole: bytes come through the embedder's read
 * callback AW_READER_WINDOW at a time, so a module can stream from flash.
 */
#include <string.h>

#include "load.h"

void aw_rd_init(aw_load *L, aw_read_fn read, void *ctx, uint32_t size)
{
    aw_reader *r = &L->r;
    r->read = read;
    r->ctx = ctx;
    r->size = size;
    r->base = 0;
    r->len = 0;
    r->pos = 0;
    r->end = size;
}

void aw_rd_refill(aw_load *L)
{
    aw_reader *r = &L->r;
    uint32_t n = r->size - r->pos;
    if (n > AW_READER_WINDOW) n = AW_READER_WINDOW;
    r->base = r->pos;
    r->len = 0;
    if (r->read(r->ctx, r->pos, r->buf, n) < 0)
        aw_load_fail(L, AW_ERR_IO, "module read failed at offset %u", (unsigned)r->pos);
    r->len = n;
}

_Noreturn void aw_rd_eof(aw_load *L)
{
    if (!L->in_section) aw_load_fail(L, AW_ERR_MALFORMED, "unexpected end");
    aw_load_fail(L, AW_ERR_MALFORMED, "unexpected end of section or function");
}

/* LEB128 with the binary format's length rules: at most ceil(bits/7) bytes, and the
 * unused bits of the last byte must be zero (unsigned) or copies of the sign bit. */
static uint64_t rd_leb(aw_load *L, unsigned bits, bool is_signed)
{
    unsigned maxbytes = (bits + 6) / 7;
    uint64_t v = 0;
    for (unsigned i = 0; i < maxbytes; i++) {
        uint8_t b = aw_rd_u8(L);
        unsigned shift = 7 * i;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (i == maxbytes - 1) {
            if (b & 0x80) aw_load_fail(L, AW_ERR_MALFORMED, "integer representation too long");
            unsigned used = bits - shift; /* payload bits that belong to the value */
            uint8_t extra = (uint8_t)((b & 0x7f) >> used);
            uint8_t mask = (uint8_t)(0x7f >> used);
            if (!is_signed && extra != 0) aw_load_fail(L, AW_ERR_MALFORMED, "integer too large");
            if (is_signed) {
                bool neg = (b >> (used - 1)) & 1;
                if (extra != (neg ? mask : 0))
                    aw_load_fail(L, AW_ERR_MALFORMED, "integer too large");
                if (neg && bits < 64) v |= ~(uint64_t)0 << bits;
            }
            return v;
        }
        if (!(b & 0x80)) {
            if (is_signed && (b & 0x40) && shift + 7 < 64) v |= ~(uint64_t)0 << (shift + 7);
            return v;
        }
    }
    return v; /* not reached: the last byte returns above */
}

uint32_t aw_rd_u32(aw_load *L)
{
    aw_reader *r = &L->r;
    /* fast path: a one-byte LEB inside the window */
    if (r->pos < r->end && r->pos - r->base < r->len) {
        uint8_t b = r->buf[r->pos - r->base];
        if (!(b & 0x80)) {
            r->pos++;
            return b;
        }
    }
    return (uint32_t)rd_leb(L, 32, false);
}

int32_t aw_rd_s32(aw_load *L)
{
    return (int32_t)(uint32_t)rd_leb(L, 32, true);
}

int64_t aw_rd_s33(aw_load *L)
{
    return (int64_t)rd_leb(L, 33, true);
}

int64_t aw_rd_s64(aw_load *L)
{
    return (int64_t)rd_leb(L, 64, true);
}

void aw_rd_bytes(aw_load *L, void *dst, uint32_t n)
{
    aw_reader *r = &L->r;
    uint8_t *d = dst;
    if (n > aw_rd_left(L)) {
        r->pos = r->end;
        aw_rd_eof(L);
    }
    while (n) {
        if (r->pos - r->base >= r->len) aw_rd_refill(L);
        uint32_t avail = r->len - (r->pos - r->base);
        uint32_t k = n < avail ? n : avail;
        memcpy(d, r->buf + (r->pos - r->base), k);
        d += k;
        r->pos += k;
        n -= k;
    }
}

void aw_rd_skip(aw_load *L, uint32_t n)
{
    if (n > aw_rd_left(L)) {
        L->r.pos = L->r.end;
        aw_rd_eof(L);
    }
    L->r.pos += n;
}

uint32_t aw_rd_fixed32(aw_load *L)
{
    uint8_t b[4];
    aw_rd_bytes(L, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint64_t aw_rd_fixed64(aw_load *L)
{
    uint64_t lo = aw_rd_fixed32(L);
    uint64_t hi = aw_rd_fixed32(L);
    return lo | hi << 32;
}

uint32_t aw_rd_count(aw_load *L, uint32_t min_entry)
{
    uint32_t n = aw_rd_u32(L);
    if ((uint64_t)n * min_entry > aw_rd_left(L))
        aw_load_fail(L, AW_ERR_MALFORMED, "unexpected end of section or function");
    return n;
}

/* Well-formed UTF-8 as Unicode defines it: shortest form, no surrogates, <= U+10FFFF. */
static bool utf8_valid(const uint8_t *s, uint32_t n)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        uint32_t len, cp, min;
        if ((c & 0xe0) == 0xc0) {
            len = 2, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len) return false;
        for (uint32_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += len;
    }
    return true;
}

char *aw_rd_name(aw_load *L)
{
    uint32_t n = aw_rd_u32(L);
    if (n > aw_rd_left(L)) aw_load_fail(L, AW_ERR_MALFORMED, "length out of bounds");
    char *s = aw_load_name_alloc(L, n);
    L->pending_name = s; /* owned by the load until the caller stores it */
    aw_rd_bytes(L, s, n);
    if (!utf8_valid((const uint8_t *)s, n))
        aw_load_fail(L, AW_ERR_MALFORMED, "malformed UTF-8 encoding");
    L->pending_name = NULL;
    return s;
}

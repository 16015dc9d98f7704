/*
 * Package scan (sections, manifest, signature position), buffer reader and section
 * writer (akira/package.h). Portable: the signatures are in runtime/src/sig/.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <akira/compat.h>
#include <akira/err.h>
#include <akira/package.h>

#define WIN 64u /* bytes fetched at once while walking section headers */

/* A small window over the reader: LEB128 numbers are read byte by byte from it. */
struct win {
    aw_read_fn read;
    void *ctx;
    uint32_t size;
    uint32_t base; /* file offset of buf[0] */
    uint32_t len;  /* valid bytes in buf */
    uint8_t buf[WIN];
};

static int pfail(struct akira_manifest_error *err, int code, const char *field, const char *fmt,
                 ...)
{
    if (err) {
        snprintf(err->field, sizeof err->field, "%s", field);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->reason, sizeof err->reason, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Byte at file offset off (< size). */
static int win_byte(struct win *w, uint32_t off, uint8_t *out)
{
    if (off < w->base || off >= w->base + w->len) {
        uint32_t n = w->size - off < WIN ? w->size - off : WIN;
        if (w->read(w->ctx, off, w->buf, n) != 0) return AKIRA_EIO;
        w->base = off;
        w->len = n;
    }
    *out = w->buf[off - w->base];
    return AKIRA_OK;
}

/* An unsigned LEB128 u32 at *pos that must end before `end`. */
static int win_leb(struct win *w, uint32_t *pos, uint32_t end, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*pos >= end) return AKIRA_EFORMAT;
        uint8_t b;
        int rc = win_byte(w, *pos, &b);
        if (rc) return rc;
        (*pos)++;
        if (shift == 28 && (b & 0x70u)) return AKIRA_EFORMAT; /* more than 32 bits */
        v |= (uint32_t)(b & 0x7Fu) << shift;
        if (!(b & 0x80u)) {
            *out = v;
            return AKIRA_OK;
        }
    }
    return AKIRA_EFORMAT;
}

static int read_exact(struct win *w, uint32_t off, void *buf, uint32_t len)
{
    return len == 0 || w->read(w->ctx, off, buf, len) == 0 ? AKIRA_OK : AKIRA_EIO;
}

int akira_package_scan(aw_read_fn read, void *ctx, uint32_t size, struct akira_package *out,
                       struct akira_manifest_error *err)
{
    if (err) err->field[0] = err->reason[0] = '\0';
    if (!read || !out) return pfail(err, AKIRA_EINVAL, "module", "no reader");
    memset(out, 0, sizeof *out);
    out->size = size;
    out->sig_section_offset = size;
    struct win w = {.read = read, .ctx = ctx, .size = size};
    static const uint8_t magic[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    uint8_t head[8];
    if (size < 8) return pfail(err, AKIRA_ENOEXEC, "module", "%u bytes: not a wasm module", size);
    if (read_exact(&w, 0, head, 8)) return pfail(err, AKIRA_EIO, "module", "read failed");
    if (memcmp(head, magic, 8) != 0)
        return pfail(err, AKIRA_ENOEXEC, "module", "no wasm magic and version 1 header");

    bool have_manifest = false, have_compat = false;
    uint32_t pos = 8;
    while (pos < size) {
        uint32_t sec_start = pos;
        uint8_t id;
        int rc = win_byte(&w, pos++, &id);
        if (rc) return pfail(err, rc, "module", "read failed");
        uint32_t len;
        rc = win_leb(&w, &pos, size, &len);
        if (rc == AKIRA_EIO) return pfail(err, rc, "module", "read failed");
        if (rc) return pfail(err, rc, "module", "bad section length at offset %u", sec_start);
        if (len > size - pos)
            return pfail(err, AKIRA_EFORMAT, "module",
                         "section at offset %u runs %u bytes past the end", sec_start,
                         len - (size - pos));
        uint32_t end = pos + len;
        if (out->is_signed)
            return pfail(err, AKIRA_EFORMAT, "signature",
                         "is not the last section (section at offset %u follows)", sec_start);
        if (id == 0) {
            uint32_t nlen;
            uint32_t p = pos;
            rc = win_leb(&w, &p, end, &nlen);
            if (rc == AKIRA_EIO) return pfail(err, rc, "module", "read failed");
            if (rc || nlen > end - p)
                return pfail(err, AKIRA_EFORMAT, "module",
                             "custom section at offset %u: bad name length", sec_start);
            char name[sizeof AKIRA_SIGNATURE_SECTION];
            /* Only names of our two lengths can be ours; others are not read. */
            if (nlen == strlen(AKIRA_MANIFEST_SECTION) || nlen == strlen(AKIRA_SIGNATURE_SECTION) ||
                nlen == strlen(AKIRA_COMPAT_MANIFEST_SECTION)) {
                if (read_exact(&w, p, name, nlen))
                    return pfail(err, AKIRA_EIO, "module", "read failed");
                name[nlen] = '\0';
            } else {
                name[0] = '\0';
            }
            uint32_t payload = p + nlen;
            uint32_t plen = end - payload;
            if (strcmp(name, AKIRA_COMPAT_MANIFEST_SECTION) == 0) {
                /* Upstream's JSON manifest: the first one counts (as upstream reads
                 * it), and our own manifest, when the module has both, wins. */
                if (!have_manifest && !have_compat) {
                    rc = akira_compat_manifest_parse(read, ctx, payload, plen, &out->manifest, err);
                    if (rc) return rc;
                    out->manifest_offset = payload;
                    out->manifest_len = plen;
                }
                have_compat = true;
            } else if (strcmp(name, AKIRA_MANIFEST_SECTION) == 0) {
                if (have_manifest)
                    return pfail(err, AKIRA_EFORMAT, "manifest",
                                 "two akira-manifest sections (second at offset %u)", sec_start);
                have_manifest = true;
                if (plen > AKIRA_MANIFEST_MAX)
                    /* EFORMAT, not ETOOBIG: the package is malformed, not too large for
                     * the store (callers say "larger than an app slot" for ETOOBIG). */
                    return pfail(err, AKIRA_EFORMAT, "manifest",
                                 "%u bytes, a manifest has at most %u", plen,
                                 (unsigned)AKIRA_MANIFEST_MAX);
                char text[AKIRA_MANIFEST_MAX];
                if (read_exact(&w, payload, text, plen))
                    return pfail(err, AKIRA_EIO, "module", "read failed");
                rc = akira_manifest_parse(text, plen, &out->manifest, err);
                if (rc) return rc;
                out->manifest_offset = payload;
                out->manifest_len = plen;
            } else if (strcmp(name, AKIRA_SIGNATURE_SECTION) == 0) {
                if (plen != AKIRA_PKG_SIG_PAYLOAD_LEN)
                    return pfail(err, AKIRA_EFORMAT, "signature", "payload is %u bytes, not %u",
                                 plen, (unsigned)AKIRA_PKG_SIG_PAYLOAD_LEN);
                uint8_t sp[AKIRA_PKG_SIG_PAYLOAD_LEN];
                if (read_exact(&w, payload, sp, plen))
                    return pfail(err, AKIRA_EIO, "module", "read failed");
                memcpy(out->key_id, sp, AKIRA_PKG_KEY_ID_LEN);
                memcpy(out->sig, sp + AKIRA_PKG_KEY_ID_LEN, AKIRA_PKG_SIG_LEN);
                out->is_signed = true;
                out->sig_section_offset = sec_start;
            }
        }
        pos = end;
    }
    if (!have_manifest && !have_compat)
        return pfail(err, AKIRA_EFORMAT, "manifest",
                     "no akira-manifest (or upstream .akira.manifest) custom section");
    return AKIRA_OK;
}

int akira_package_buf_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
    const struct akira_package_buf *b = ctx;
    if (!b || offset > b->size || len > b->size - offset) return AKIRA_EIO;
    if (len) memcpy(buf, b->data + offset, len);
    return AKIRA_OK;
}

static size_t leb_put(uint8_t *p, uint32_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7Fu;
        v >>= 7;
        p[n++] = (uint8_t)(b | (v ? 0x80u : 0));
    } while (v);
    return n;
}

size_t akira_package_section_put(uint8_t *out, size_t at, const char *name, const void *data,
                                 size_t len)
{
    uint8_t tmp[5];
    size_t nl = strlen(name);
    out[at++] = 0;
    at += leb_put(out + at, (uint32_t)(leb_put(tmp, (uint32_t)nl) + nl + len));
    at += leb_put(out + at, (uint32_t)nl);
    memcpy(out + at, name, nl);
    memcpy(out + at + nl, data, len);
    return at + nl + len;
}

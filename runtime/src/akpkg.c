/* Upstream .akpkg (gzip tar) into our package stream (akpkg.h), through Debian's zlib. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/compat.h>
#include <akira/err.h>
#include <akira/package.h>
#include <akira/trust.h>

#include "akpkg.h"

#ifndef AKIRA_HAVE_ZLIB
/* Built without zlib (a cross build: Debian has none for arm-none-eabi): no .akpkg. */
bool akira_akpkg_supported(void)
{
    return false;
}
struct akira_akpkg *akira_akpkg_new(akira_akpkg_out_fn out, void *ctx)
{
    (void)out;
    (void)ctx;
    return NULL;
}
int akira_akpkg_write(struct akira_akpkg *p, const void *buf, size_t len)
{
    (void)p;
    (void)buf;
    (void)len;
    return AKIRA_ENOTSUP;
}
int akira_akpkg_finish(struct akira_akpkg *p, char *why, size_t why_len)
{
    (void)p;
    snprintf(why, why_len, "this firmware is built without zlib");
    return AKIRA_ENOTSUP;
}
int akira_akpkg_signature(struct akira_akpkg *p, struct akira_settings *st, char *why,
                          size_t why_len)
{
    (void)p;
    (void)st;
    snprintf(why, why_len, "this firmware is built without zlib");
    return AKIRA_ENOTSUP;
}
void akira_akpkg_free(struct akira_akpkg *p)
{
    (void)p;
}
#else
#include <zlib.h>

#define BLOCK        512u
/* Most a package may unpack to: an app slot is 224 KiB, a model and the tar framing
 * come on top; past this a small upload could keep the CPU inflating for long. */
#define UNPACKED_MAX (4u * 1024u * 1024u)

enum member { M_SKIP, M_WASM, M_MANIFEST, M_SIG };
enum tar_state { T_HEADER, T_DATA, T_PAD, T_END };

struct akira_akpkg {
    z_stream z;
    bool z_done;
    akira_akpkg_out_fn out;
    void *ctx;
    enum tar_state st;
    uint8_t hdr[BLOCK];
    uint32_t hdr_fill;
    uint64_t left; /* data bytes of the member still to come */
    uint32_t pad;  /* padding bytes after it */
    enum member m;
    bool have_wasm, have_manifest, have_sig;
    /* sig.ed25519 and the Ed25519ph state over the module as written (hash_ok: the
     * backend could start one) */
    uint8_t sig[AKIRA_PKG_SIG_LEN];
    uint32_t sig_len;
    struct akira_sig_stream hash;
    bool hash_ok;
    uint32_t zero_blocks;
    uint32_t manifest_len;
    uint32_t unpacked; /* tar bytes so far */
    int err;           /* the first error, kept for finish */
    char why[96];
    char manifest[AKIRA_AKPKG_MANIFEST_MAX];
};

bool akira_akpkg_supported(void)
{
    return true;
}

static int fail(char *why, size_t n, int code, const char *fmt, const char *arg)
{
    if (why && n) snprintf(why, n, fmt, arg);
    return code;
}

struct akira_akpkg *akira_akpkg_new(akira_akpkg_out_fn out, void *ctx)
{
    struct akira_akpkg *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->out = out;
    p->ctx = ctx;
    /* 16 + window bits: a gzip wrapper, not zlib's */
    if (inflateInit2(&p->z, 16 + MAX_WBITS) != Z_OK) {
        free(p);
        return NULL;
    }
    p->hash_ok = akira_sig_stream_init(&p->hash) == AKIRA_OK;
    return p;
}

/* Module bytes to the store, hashed on the way for sig.ed25519. */
static int emit(struct akira_akpkg *p, const void *buf, size_t len)
{
    if (p->hash_ok) akira_sig_stream_update(&p->hash, buf, len);
    return p->out(p->ctx, buf, len);
}

void akira_akpkg_free(struct akira_akpkg *p)
{
    if (!p) return;
    inflateEnd(&p->z);
    free(p);
}

/* An octal field of the tar header. */
static bool octal(const uint8_t *f, size_t n, uint64_t *v)
{
    *v = 0;
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    bool any = false;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
        *v = *v * 8u + (uint64_t)(f[i] - '0');
        any = true;
        if (*v > UINT32_MAX) return false;
    }
    return any && (i == n || f[i] == ' ' || f[i] == '\0');
}

static int header(struct akira_akpkg *p, char *why, size_t wl)
{
    bool zero = true;
    for (uint32_t i = 0; i < BLOCK && zero; i++)
        zero = p->hdr[i] == 0;
    if (zero) {
        if (++p->zero_blocks == 2) p->st = T_END;
        return AKIRA_OK;
    }
    p->zero_blocks = 0;
    uint64_t sum = 0, want;
    for (uint32_t i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : p->hdr[i];
    if (!octal(p->hdr + 148, 8, &want) || want != sum)
        return fail(why, wl, AKIRA_EFORMAT, "not a tar archive (header checksum)%s", "");
    uint64_t size;
    if (!octal(p->hdr + 124, 12, &size))
        return fail(why, wl, AKIRA_EFORMAT, "tar header: bad size%s", "");
    char name[101];
    memcpy(name, p->hdr, 100);
    name[100] = '\0';
    const char *n = name;
    while (n[0] == '.' && n[1] == '/')
        n += 2;
    char type = (char)p->hdr[156];
    bool file = type == '0' || type == '\0';
    p->m = M_SKIP;
    if (file && strcmp(n, "app.wasm") == 0) {
        if (p->have_wasm) return fail(why, wl, AKIRA_EFORMAT, "two app.wasm members%s", "");
        p->m = M_WASM;
        p->have_wasm = true;
    } else if (file && strcmp(n, "manifest.json") == 0) {
        if (size > AKIRA_AKPKG_MANIFEST_MAX)
            return fail(why, wl, AKIRA_ETOOBIG, "manifest.json over 8192 bytes%s", "");
        p->m = M_MANIFEST;
        p->have_manifest = true;
        p->manifest_len = 0;
    } else if (file && strcmp(n, "sig.ed25519") == 0) {
        if (p->have_sig) return fail(why, wl, AKIRA_EFORMAT, "two sig.ed25519 members%s", "");
        if (size != AKIRA_PKG_SIG_LEN)
            return fail(why, wl, AKIRA_ESIG,
                        "sig.ed25519 is not 64 bytes (a raw Ed25519ph signature)%s", "");
        p->m = M_SIG;
        p->have_sig = true;
    }
    p->left = size;
    p->pad = (uint32_t)((BLOCK - size % BLOCK) % BLOCK);
    p->st = size ? T_DATA : T_PAD;
    return AKIRA_OK;
}

/* Tar bytes out of the decompressor. */
static int tar_bytes(struct akira_akpkg *p, const uint8_t *b, size_t n, char *why, size_t wl)
{
    if (n > UNPACKED_MAX - p->unpacked)
        return fail(why, wl, AKIRA_ETOOBIG, "unpacks to more than 4 MiB%s", "");
    p->unpacked += (uint32_t)n;
    while (n) {
        switch (p->st) {
        case T_HEADER: {
            size_t k = BLOCK - p->hdr_fill < n ? BLOCK - p->hdr_fill : n;
            memcpy(p->hdr + p->hdr_fill, b, k);
            p->hdr_fill += (uint32_t)k;
            b += k;
            n -= k;
            if (p->hdr_fill == BLOCK) {
                p->hdr_fill = 0;
                int rc = header(p, why, wl);
                if (rc) return rc;
            }
            break;
        }
        case T_DATA: {
            size_t k = p->left < n ? (size_t)p->left : n;
            if (p->m == M_WASM) {
                int rc = emit(p, b, k);
                if (rc) return fail(why, wl, rc, "app.wasm: the store refused it%s", "");
            } else if (p->m == M_MANIFEST) {
                memcpy(p->manifest + p->manifest_len, b, k);
                p->manifest_len += (uint32_t)k;
            } else if (p->m == M_SIG) {
                memcpy(p->sig + p->sig_len, b, k);
                p->sig_len += (uint32_t)k;
            }
            p->left -= k;
            b += k;
            n -= k;
            if (p->left == 0) p->st = p->pad ? T_PAD : T_HEADER;
            break;
        }
        case T_PAD: {
            size_t k = p->pad < n ? p->pad : n;
            p->pad -= (uint32_t)k;
            b += k;
            n -= k;
            if (p->pad == 0) p->st = T_HEADER;
            break;
        }
        case T_END: return AKIRA_OK; /* what follows the end marker is ignored (padding) */
        }
    }
    return AKIRA_OK;
}

int akira_akpkg_write(struct akira_akpkg *p, const void *buf, size_t len)
{
    char *why = p->why;
    size_t wl = sizeof p->why;
    if (p->err) return p->err;
    uint8_t out[BLOCK];
    p->z.next_in = (Bytef *)(uintptr_t)buf;
    p->z.avail_in = (uInt)len;
    while (p->z.avail_in && !p->z_done) {
        p->z.next_out = out;
        p->z.avail_out = sizeof out;
        int zr = inflate(&p->z, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END && !(zr == Z_BUF_ERROR && p->z.avail_out == 0))
            return p->err = fail(why, wl, AKIRA_EFORMAT, "gzip data is corrupt (%s)",
                                 p->z.msg ? p->z.msg : "inflate");
        int rc = tar_bytes(p, out, sizeof out - p->z.avail_out, why, wl);
        if (rc) return p->err = rc;
        if (zr == Z_STREAM_END) p->z_done = true;
    }
    return AKIRA_OK;
}

int akira_akpkg_finish(struct akira_akpkg *p, char *why, size_t wl)
{
    if (p->err) {
        snprintf(why, wl, "%s", p->why);
        return p->err;
    }
    /* What zlib still holds (its output is bounded by our buffer). */
    for (int i = 0; i < 1024 && !p->z_done; i++) {
        uint8_t out[BLOCK];
        p->z.next_in = NULL;
        p->z.avail_in = 0;
        p->z.next_out = out;
        p->z.avail_out = sizeof out;
        int zr = inflate(&p->z, Z_SYNC_FLUSH);
        size_t got = sizeof out - p->z.avail_out;
        int rc = tar_bytes(p, out, got, why, wl);
        if (rc) return rc;
        if (zr == Z_STREAM_END)
            p->z_done = true;
        else if (got == 0)
            break;
    }
    if (!p->z_done) return fail(why, wl, AKIRA_EFORMAT, "gzip data is cut short%s", "");
    if (p->st == T_DATA || p->st == T_PAD || p->hdr_fill)
        return fail(why, wl, AKIRA_EFORMAT, "tar archive is cut short%s", "");
    if (!p->have_wasm) return fail(why, wl, AKIRA_EFORMAT, "no app.wasm in the package%s", "");
    if (p->have_manifest) {
        /* The manifest goes on as the module's upstream manifest section. */
        static const char name[] = AKIRA_COMPAT_MANIFEST_SECTION;
        uint8_t head[16 + sizeof name];
        size_t at = 0, nl = sizeof name - 1;
        uint32_t body = (uint32_t)(1 + nl + p->manifest_len);
        head[at++] = 0;
        for (uint32_t v = body;; v >>= 7) {
            head[at++] = (uint8_t)((v & 0x7F) | (v >> 7 ? 0x80 : 0));
            if (!(v >> 7)) break;
        }
        head[at++] = (uint8_t)nl;
        memcpy(head + at, name, nl);
        at += nl;
        int rc = emit(p, head, at);
        if (!rc && p->manifest_len) rc = emit(p, p->manifest, p->manifest_len);
        if (rc) return fail(why, wl, rc, "the store refused the manifest%s", "");
    }
    return AKIRA_OK;
}
/* A trusted key that sig.ed25519 verifies with: its id into ctx. */
struct signer {
    struct akira_akpkg *p;
    uint8_t id[AKIRA_PKG_KEY_ID_LEN];
};

static int try_key(void *ctx, const char *name, const uint8_t pub[AKIRA_PKG_PUBKEY_LEN])
{
    (void)name;
    struct signer *s = ctx;
    if (akira_sig_stream_verify(&s->p->hash, s->p->sig, pub) != AKIRA_OK) return 0;
    return akira_package_key_id(pub, s->id) == AKIRA_OK ? 1 : 0;
}

int akira_akpkg_signature(struct akira_akpkg *p, struct akira_settings *st, char *why, size_t wl)
{
    if (!p->have_sig) return AKIRA_OK; /* unsigned: the trust policy's allow_unsigned */
    if (!p->hash_ok || !akira_package_sig_supported())
        return fail(why, wl, AKIRA_ESIG,
                    "sig.ed25519: this firmware cannot check signatures (built without an "
                    "Ed25519 library)%s",
                    "");
    struct signer s = {.p = p};
    int rc = akira_trust_key_foreach(st, try_key, &s);
    if (rc < 0) return fail(why, wl, rc, "sig.ed25519: the trusted keys cannot be read%s", "");
    if (rc != 1)
        return fail(why, wl, AKIRA_ESIG,
                    "sig.ed25519 matches no trusted key (tampered, or signed by a key this "
                    "device does not trust)%s",
                    "");
    /* Our signature section with the signer's id: the store's trust check verifies it
     * again over the bytes on flash (the same bytes, hashed the same way). */
    static const char name[] = AKIRA_SIGNATURE_SECTION;
    uint8_t sec[4 + sizeof name + AKIRA_PKG_SIG_PAYLOAD_LEN];
    uint8_t payload[AKIRA_PKG_SIG_PAYLOAD_LEN];
    memcpy(payload, s.id, AKIRA_PKG_KEY_ID_LEN);
    memcpy(payload + AKIRA_PKG_KEY_ID_LEN, p->sig, AKIRA_PKG_SIG_LEN);
    size_t n = akira_package_section_put(sec, 0, name, payload, sizeof payload);
    rc = p->out(p->ctx, sec, n);
    return rc ? fail(why, wl, rc, "the store refused the signature%s", "") : AKIRA_OK;
}
#endif /* AKIRA_HAVE_ZLIB */

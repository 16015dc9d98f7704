/*
 * Test helper: build app packages in memory (a wasm module, custom sections, the
 * manifest, a signature), the way `akira pack` lays them out.
 */
#ifndef TEST_PKG_BUILD_H
#define TEST_PKG_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <akira/package.h>

static inline size_t pb_leb(uint8_t *p, uint32_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7Fu;
        v >>= 7;
        p[n++] = (uint8_t)(b | (v ? 0x80u : 0));
    } while (v);
    return n;
}

/* The 8-byte header of an empty module (which is valid). */
static inline size_t pb_header(uint8_t *out)
{
    static const uint8_t h[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    memcpy(out, h, 8);
    return 8;
}

/* Append a custom section `name` with `len` payload bytes (copied from data, or
 * filled with `fill` when data is NULL) at out[at]. Returns the new length. */
static inline size_t pb_custom(uint8_t *out, size_t at, const char *name, const void *data,
                               size_t len, uint8_t fill)
{
    uint8_t tmp[5];
    size_t nl = strlen(name);
    size_t body = pb_leb(tmp, (uint32_t)nl) + nl + len;
    out[at++] = 0;
    at += pb_leb(out + at, (uint32_t)body);
    at += pb_leb(out + at, (uint32_t)nl);
    memcpy(out + at, name, nl);
    at += nl;
    if (data) {
        memcpy(out + at, data, len);
    } else {
        memset(out + at, fill, len);
    }
    return at + len;
}

/* A module with one exported function "run" returning 42 (type, function, export and
 * code sections), so the engine has something real to decode and validate. */
static inline size_t pb_code(uint8_t *out, size_t at)
{
    static const uint8_t secs[] = {
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,             /* type: () -> i32 */
        0x03, 0x02, 0x01, 0x00,                               /* function 0: type 0 */
        0x07, 0x07, 0x01, 0x03, 'r',  'u',  'n',  0x00, 0x00, /* export "run" */
        0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2A, 0x0B,       /* code: i32.const 42 */
    };
    memcpy(out + at, secs, sizeof secs);
    return at + sizeof secs;
}

/* A package: module with code, `pad` bytes of a custom "pad" section, then the
 * manifest text. out must hold pad + manifest + 64 bytes. */
static inline size_t pb_package(uint8_t *out, const char *manifest, size_t pad, uint8_t fill)
{
    size_t n = pb_header(out);
    n = pb_code(out, n);
    if (pad) n = pb_custom(out, n, "pad", NULL, pad, fill);
    return pb_custom(out, n, AKIRA_MANIFEST_SECTION, manifest, strlen(manifest), 0);
}

/* Append the signature section over out[0..len). out must hold len + 96 bytes. */
static inline size_t pb_sign(uint8_t *out, size_t len, const uint8_t sk[AKIRA_PKG_SECKEY_LEN])
{
    uint8_t payload[AKIRA_PKG_SIG_PAYLOAD_LEN];
    if (akira_package_sign(out, len, sk, payload) != 0) return 0;
    return pb_custom(out, len, AKIRA_SIGNATURE_SECTION, payload, sizeof payload, 0);
}

#endif

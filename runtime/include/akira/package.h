/*
 * App packages: a .wasm module carrying its manifest and, optionally, its signature.
 *
 * Format (docs/runtime.md has the full story):
 *
 *   [ wasm header and sections ... ][ custom "akira-manifest" ]...[ custom "akira-signature" ]
 *
 *  - exactly one custom section named "akira-manifest" (anywhere after the header),
 *    payload = the manifest text of akira/manifest.h (at most AKIRA_MANIFEST_MAX bytes);
 *  - at most one custom section named "akira-signature", which must be the last
 *    section of the file; payload = exactly 72 bytes:
 *        key_id[8]     first 8 bytes of SHA-512(public key): which key signed
 *        sig[64]       Ed25519ph (RFC 8032 section 5.1, the pre-hashed variant,
 *                      empty context) over every byte of the file before the
 *                      signature section's id byte (offset signed_len).
 *    Ed25519ph hashes the message with SHA-512 as it streams, so the device checks a
 *    200 KB app read from flash in small chunks with a few hundred bytes of state;
 *    libsodium verifies plain Ed25519 only over one whole buffer. It is a standard,
 *    named variant (libsodium's crypto_sign_init/update/final_*), not a home-made
 *    "sign the hash" construction.
 *
 * Scanning reads only section headers, custom-section names and the manifest payload,
 * through a reader callback with the engine's aw_read_fn contract, in pieces of at
 * most 64 bytes (plus the manifest); every length is checked against the bytes left in
 * the file before it is used. RAM: about 2.5 KiB of stack.
 *
 * Who calls: the app store (device, on bytes in flash) and the `akira` host tool
 * (on a file). Pure functions of their input plus the reader; any thread.
 */
#ifndef AKIRA_PACKAGE_H
#define AKIRA_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/manifest.h>
#include <akira/wasm.h>

#define AKIRA_PKG_KEY_ID_LEN      8u
#define AKIRA_PKG_PUBKEY_LEN      32u
#define AKIRA_PKG_SECKEY_LEN      64u /* libsodium's form: seed[32] then public key[32] */
#define AKIRA_PKG_SIG_LEN         64u
#define AKIRA_PKG_SIG_PAYLOAD_LEN (AKIRA_PKG_KEY_ID_LEN + AKIRA_PKG_SIG_LEN)

/* What a scan found. */
struct akira_package {
    struct akira_manifest manifest;
    uint32_t size;            /* file bytes */
    uint32_t manifest_offset; /* file offset of the manifest payload */
    uint32_t manifest_len;
    uint32_t sig_section_offset; /* offset of the signature section's id byte; == size
                                    when unsigned: the bytes a signature covers */
    bool is_signed;
    uint8_t key_id[AKIRA_PKG_KEY_ID_LEN];
    uint8_t sig[AKIRA_PKG_SIG_LEN];
};

/*
 * Scan a package of `size` bytes. Fills *out and returns AKIRA_OK, or:
 *   AKIRA_ENOEXEC  not a WebAssembly binary (magic or version);
 *   AKIRA_EFORMAT  a section runs past the end or has a bad length, no or two
 *                  manifests, a signature that is not last or not 72 bytes;
 *   AKIRA_ERANGE / AKIRA_EFORMAT  from the manifest parser (a manifest section over
 *                  AKIRA_MANIFEST_MAX bytes is AKIRA_EFORMAT, field "manifest");
 *   AKIRA_EIO      the reader failed.
 * err (may be NULL) names the field: a manifest key, "manifest", "signature" or
 * "module", and says why. Does not check the signature (akira_package_verify).
 */
int akira_package_scan(aw_read_fn read, void *ctx, uint32_t size, struct akira_package *out,
                       struct akira_manifest_error *err);

/*
 * Signatures come from a backend chosen at build time (runtime/src/sig/): libsodium
 * where it is linked, or none (a board without a crypto library, as mps2_an386), where
 * key ids, verify, sign and keygen answer AKIRA_ENOTSUP. Whether this build has them:
 */
bool akira_package_sig_supported(void);

/* The 8-byte id of a public key (first bytes of its SHA-512). AKIRA_OK or AKIRA_ENOTSUP. */
int akira_package_key_id(const uint8_t pub[AKIRA_PKG_PUBKEY_LEN], uint8_t id[AKIRA_PKG_KEY_ID_LEN]);

/*
 * Check a scanned, signed package's signature with `pub`, streaming the signed bytes
 * through the reader in 512-byte pieces. AKIRA_OK, AKIRA_ESIG (the key id is not
 * pub's, or the signature does not match the bytes), AKIRA_ESTATE (unsigned package),
 * AKIRA_EIO (reader), AKIRA_ENOTSUP (no crypto library, or it failed to initialise).
 */
int akira_package_verify(aw_read_fn read, void *ctx, const struct akira_package *pkg,
                         const uint8_t pub[AKIRA_PKG_PUBKEY_LEN]);

/*
 * The same Ed25519ph check over bytes given in pieces (the .akpkg converter hashes the
 * module as it writes it): init, update with every byte in order, then verify with as
 * many keys as needed (verify leaves the state as it was). init: AKIRA_OK or
 * AKIRA_ENOTSUP. verify: AKIRA_OK, AKIRA_ESIG (no match), AKIRA_ENOTSUP.
 */
struct akira_sig_stream {
    _Alignas(16) uint8_t opaque[256]; /* the backend's hash state */
};
int akira_sig_stream_init(struct akira_sig_stream *s);
void akira_sig_stream_update(struct akira_sig_stream *s, const void *buf, size_t len);
int akira_sig_stream_verify(const struct akira_sig_stream *s, const uint8_t sig[AKIRA_PKG_SIG_LEN],
                            const uint8_t pub[AKIRA_PKG_PUBKEY_LEN]);

/*
 * Sign the first `len` bytes of `data` (a module whose signature section will start
 * at offset len) with secret key `sk`, writing the 72-byte signature payload. For the
 * host tool. AKIRA_OK, AKIRA_EINVAL, AKIRA_ENOTSUP (crypto library).
 */
int akira_package_sign(const uint8_t *data, size_t len, const uint8_t sk[AKIRA_PKG_SECKEY_LEN],
                       uint8_t payload[AKIRA_PKG_SIG_PAYLOAD_LEN]);

/*
 * Append a custom section `name` with payload data[0..len) at out[at]: id 0, the LEB128
 * size, the LEB128 name length, the name, the payload. The caller gives room for
 * len + strlen(name) + 11 bytes. Returns the offset just after it. For the host tool
 * (`akira pack` writes the manifest and signature sections this way) and benchmarks.
 */
size_t akira_package_section_put(uint8_t *out, size_t at, const char *name, const void *data,
                                 size_t len);

/* A fresh key pair from the system's random source. AKIRA_OK or AKIRA_ENOTSUP. */
int akira_package_keygen(uint8_t pub[AKIRA_PKG_PUBKEY_LEN], uint8_t sk[AKIRA_PKG_SECKEY_LEN]);

/* Reader over a buffer (ctx = struct akira_package_buf *), for tools and tests. */
struct akira_package_buf {
    const uint8_t *data;
    size_t size;
};
int akira_package_buf_read(void *ctx, uint32_t offset, void *buf, uint32_t len);

#endif /* AKIRA_PACKAGE_H */

/*
 * Upstream AkiraOS's package form ".akpkg" (docs/compat.md): a gzip-compressed POSIX tar
 * holding manifest.json, app.wasm and optionally model.tflite and sig.ed25519. The app
 * store's writer (appstore.c) turns one into the package it stores as the bytes arrive:
 * app.wasm's bytes go on to flash, manifest.json is kept (at most
 * AKIRA_AKPKG_MANIFEST_MAX bytes) and appended as the module's ".akira.manifest"
 * section at the end. Never the whole package in RAM: zlib's state and 32 KiB window,
 * one tar header and the manifest (about 50 KiB, from the C heap, for the install).
 * Private to the runtime.
 */
#ifndef AKIRA_RT_AKPKG_H
#define AKIRA_RT_AKPKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_AKPKG_MANIFEST_MAX 8192u

struct akira_akpkg;
/* Where app.wasm's bytes (and at the end the manifest section) go: 0 or an error. */
typedef int (*akira_akpkg_out_fn)(void *ctx, const void *buf, size_t len);

/* Whether this firmware reads .akpkg (built with zlib). */
bool akira_akpkg_supported(void);

/* A converter, or NULL (no memory, or not supported). */
struct akira_akpkg *akira_akpkg_new(akira_akpkg_out_fn out, void *ctx);
/* Feed compressed bytes. 0, or the first error (kept: finish returns it with its
 * reason; later writes do nothing). */
int akira_akpkg_write(struct akira_akpkg *p, const void *buf, size_t len);
/* The end of the compressed bytes: checks the archive is whole and has app.wasm, and
 * emits the manifest section. 0 or an error with why. */
int akira_akpkg_finish(struct akira_akpkg *p, char *why, size_t why_len);
/* After a successful finish: sig.ed25519, when the package has one, checked against
 * the device's trusted keys (akira/trust.h, settings st; the caller holds the storage
 * lock). The signature is Ed25519ph (RFC 8032, empty context), as ours, over the module
 * the converter wrote: app.wasm's bytes, then the ".akira.manifest" custom section
 * holding manifest.json (id 0, LEB128 size, LEB128 15, the name, the JSON bytes as
 * they are in the package), which is the module upstream's embed_manifest.py makes.
 * The package does not say which key signed it: every trusted key is tried. A match
 * appends our "akira-signature" section (the key's id and the signature), so the store
 * installs the app as signed by that key. Unsigned: AKIRA_OK, nothing appended (the
 * trust policy decides). No match: AKIRA_ESIG with why. */
struct akira_settings;
int akira_akpkg_signature(struct akira_akpkg *p, struct akira_settings *st, char *why,
                          size_t why_len);
void akira_akpkg_free(struct akira_akpkg *p);

#endif /* AKIRA_RT_AKPKG_H */

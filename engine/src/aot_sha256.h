/*
 * aot_sha256.h - SHA-256 (FIPS 180-4) for binding an AOT section to its bytecode
 * (engine-private; also linked by the akira-aot host tool, so both hash alike).
 */
#ifndef AW_AOT_SHA256_H
#define AW_AOT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "akira/wasm.h"

typedef struct aw_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    uint32_t nbuf;
} aw_sha256;

void aw_sha256_init(aw_sha256 *c);
void aw_sha256_update(aw_sha256 *c, const void *data, size_t n);
void aw_sha256_final(aw_sha256 *c, uint8_t out[32]);

/* The bytecode hash: SHA-256 over the module header and every non-custom section (id,
 * size and payload), read through `read`: custom sections (manifest, signature, the
 * AOT sections themselves, names) do not change the code. 0 or -1 (read failed, or
 * the section structure is broken). */
int aw_aot_module_hash(aw_read_fn read, void *ctx, uint32_t size, uint8_t out[32]);

#endif

/*
 * Test and bench helper: an upstream AkiraOS .akpkg in memory (docs/compat.md): the
 * members as a POSIX (ustar) tar, gzip-compressed with zlib.
 */
#ifndef TEST_AKPKG_BUILD_H
#define TEST_AKPKG_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

struct akpkg_member {
    const char *name;
    const void *data;
    size_t len;
};

/* One ustar member at out[at]; the offset after it (header, data, padding). */
static inline size_t akpkg_tar_add(uint8_t *out, size_t at, const char *name, const void *data,
                                   size_t len)
{
    uint8_t *h = out + at;
    memset(h, 0, 512);
    snprintf((char *)h, 100, "%s", name);
    memcpy(h + 100, "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    snprintf((char *)h + 124, 12, "%011o", (unsigned)len);
    memcpy(h + 136, "00000000000", 12);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    at += 512;
    memcpy(out + at, data, len);
    at += len;
    size_t pad = (512 - len % 512) % 512;
    memset(out + at, 0, pad);
    return at + pad;
}

/* The members as a tar (in tar, tar_cap bytes) gzip-compressed into gz: its length,
 * 0 when a buffer is too small. */
static inline size_t akpkg_build(const struct akpkg_member *m, size_t n, uint8_t *tar,
                                 size_t tar_cap, uint8_t *gz, size_t gz_cap)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (at + 512 + m[i].len + 512 + 1024 > tar_cap) return 0;
        at = akpkg_tar_add(tar, at, m[i].name, m[i].data, m[i].len);
    }
    memset(tar + at, 0, 1024);
    at += 1024;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    z.next_in = tar;
    z.avail_in = (uInt)at;
    z.next_out = gz;
    z.avail_out = (uInt)gz_cap;
    int zr = deflate(&z, Z_FINISH);
    size_t len = gz_cap - z.avail_out;
    deflateEnd(&z);
    return zr == Z_STREAM_END ? len : 0;
}

#endif /* TEST_AKPKG_BUILD_H */

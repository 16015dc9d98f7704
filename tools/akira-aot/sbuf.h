/*
 * sbuf.h - a growable text/byte buffer for the AOT translator (host tool only).
 */
#ifndef AKIRA_AOT_SBUF_H
#define AKIRA_AOT_SBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_put(sbuf *b, const void *data, size_t n);
void sb_u32(sbuf *b, uint32_t v); /* little-endian */
void sb_free(sbuf *b);

#endif

/* Small helpers of the `akira` host tool: whole-file I/O and hex. */
#ifndef AKIRA_TOOL_UTIL_H
#define AKIRA_TOOL_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Read a whole file (at most max bytes) into a malloc'd buffer. NULL on failure, with
 * the reason printed to stderr. */
uint8_t *tool_read_file(const char *path, size_t max, size_t *len);

/* Write a whole file (created with mode, replaced atomically through path.tmp).
 * 0 or -1 with the reason printed. */
int tool_write_file(const char *path, const void *data, size_t len, unsigned mode);

/* Hex of n bytes into out (2n+1 bytes). */
void tool_hex(const uint8_t *in, size_t n, char *out);

/* Exactly 2n hex digits, optionally followed by whitespace, into n bytes. 0 or -1. */
int tool_unhex(const char *text, size_t text_len, uint8_t *out, size_t n);

/* A key file: exactly n bytes in hex (what: "secret key", "public key"). 0 or -1 with
 * the reason printed. */
int tool_read_hex_file(const char *path, uint8_t *out, size_t n, const char *what);

#endif

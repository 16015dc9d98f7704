/* Whole-file I/O and hex for the `akira` tool (util.h). */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint8_t *tool_read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "akira: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "akira: %s: read failed\n", path);
        free(buf);
        return NULL;
    }
    if (n > max) {
        fprintf(stderr, "akira: %s: larger than %zu bytes\n", path, max);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int tool_write_file(const char *path, const void *data, size_t len, unsigned mode)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        fprintf(stderr, "akira: %s: path too long\n", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)mode);
    if (fd < 0) {
        fprintf(stderr, "akira: %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    const uint8_t *p = data;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, p + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            fprintf(stderr, "akira: %s: %s\n", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "akira: %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

void tool_hex(const uint8_t *in, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int nib(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int tool_unhex(const char *text, size_t text_len, uint8_t *out, size_t n)
{
    if (text_len < 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = nib(text[2 * i]), lo = nib(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    for (size_t i = 2 * n; i < text_len; i++) {
        if (text[i] != '\n' && text[i] != '\r' && text[i] != ' ' && text[i] != '\t') return -1;
    }
    return 0;
}

int tool_read_hex_file(const char *path, uint8_t *out, size_t n, const char *what)
{
    size_t len;
    uint8_t *t = tool_read_file(path, 1024, &len);
    if (!t) return -1;
    int rc = tool_unhex((const char *)t, len, out, n);
    free(t);
    if (rc) fprintf(stderr, "akira: %s: not a %s file (%zu hex digits)\n", path, what, 2 * n);
    return rc;
}

/*
 * A tiny streaming JSON writer for responses: values go into a caller's buffer, and
 * when it fills, a flush callback takes the bytes (a socket, a chunked HTTP body), so
 * a response of any length needs only the buffer. Without a flush callback the output
 * must fit the buffer: past it the writer records AKIRA_ERANGE and stops writing.
 *
 * Strings are escaped so the output is always valid JSON and valid UTF-8: quote,
 * backslash and control bytes are escaped, and bytes that are not well-formed UTF-8
 * become U+FFFD (a name the device got from the network is echoed safely).
 *
 * Commas and nesting are handled by the writer (depth up to AKIRA_JSON_DEPTH_MAX);
 * misuse (a value where a key is due, unbalanced ends) records AKIRA_EINVAL. The first
 * error sticks; akira_json_end() reports it. One thread per writer.
 */
#ifndef AKIRA_JSON_H
#define AKIRA_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_JSON_DEPTH_MAX 16

/* Takes len bytes of output; returns 0 or a negative akira_err_t (then sticky). */
typedef int (*akira_json_flush_fn)(void *ctx, const char *buf, size_t len);

struct akira_json {
    char *buf;
    size_t cap, len;
    akira_json_flush_fn flush;
    void *ctx;
    int err;
    unsigned depth;
    bool need_comma[AKIRA_JSON_DEPTH_MAX + 1];
    bool in_object[AKIRA_JSON_DEPTH_MAX + 1];
    bool after_key;
};

/* buf: cap >= 8 bytes. flush may be NULL (the output must fit buf). */
void akira_json_init(struct akira_json *w, char *buf, size_t cap, akira_json_flush_fn flush,
                     void *ctx);
void akira_json_obj_begin(struct akira_json *w);
void akira_json_obj_end(struct akira_json *w);
void akira_json_arr_begin(struct akira_json *w);
void akira_json_arr_end(struct akira_json *w);
/* An object key (then exactly one value). */
void akira_json_key(struct akira_json *w, const char *key);
void akira_json_str(struct akira_json *w, const char *s);
void akira_json_strn(struct akira_json *w, const char *s, size_t n);
void akira_json_int(struct akira_json *w, int64_t v);
void akira_json_uint(struct akira_json *w, uint64_t v);
void akira_json_bool(struct akira_json *w, bool v);
void akira_json_null(struct akira_json *w);
/* Shorthands for a key and its value. */
void akira_json_kv_str(struct akira_json *w, const char *key, const char *s);
void akira_json_kv_int(struct akira_json *w, const char *key, int64_t v);
void akira_json_kv_uint(struct akira_json *w, const char *key, uint64_t v);
void akira_json_kv_bool(struct akira_json *w, const char *key, bool v);

/* Checks the document is closed and flushes what is buffered (when there is a flush
 * callback). Returns 0, or the first error. Without flush, w->buf[0..w->len) is the
 * document (NUL-terminated when it fits). */
int akira_json_end(struct akira_json *w);

#endif /* AKIRA_JSON_H */

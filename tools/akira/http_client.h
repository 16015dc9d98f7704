/* The `akira` tool's HTTP/1.1 client (POSIX sockets; host tool): one request per
 * connection (Connection: close), a body streamed from a file, the whole answer
 * collected (device answers are small). */
#ifndef AKIRA_TOOL_HTTP_CLIENT_H
#define AKIRA_TOOL_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct hc_url {
    char host[256];
    char port[8];
    /* https://: TLS (tls_client.h), the device checked against pin when pinned (else
     * any certificate is taken and its fingerprint reported: first use). */
    bool tls, pinned;
    uint8_t pin[32];
};

/* "http://host[:port][/]" (port 80 by default) or "https://..." (443). 0 or -1
 * (message in err). */
int hc_url_parse(const char *url, struct hc_url *out, char *err, size_t cap);

struct hc_response {
    int status; /* 100..599 */
    char *body; /* NUL-terminated, malloc'd (free with hc_response_free) */
    size_t len;
    /* HTTPS: the device certificate's SHA-256 (fp_seen), and whether it was not the
     * pin (fp_changed: the request was not sent). */
    bool fp_seen, fp_changed;
    uint8_t fp[32];
};
void hc_response_free(struct hc_response *r);

/* Progress of an upload: bytes sent of total. */
typedef void (*hc_progress_fn)(void *ctx, uint64_t sent, uint64_t total);

struct hc_request {
    const char *method, *path;
    const char *token; /* Authorization: Bearer, or NULL */
    FILE *body;        /* streamed as the body (body_len bytes), or NULL */
    uint64_t body_len;
    hc_progress_fn progress;
    void *progress_ctx;
    int timeout_ms; /* connect and every read or write; 0: 10 s */
};

/* Sends the request and reads the answer. 0, or -1 with a message in err ("connect to
 * 127.0.0.1:8080: Connection refused"). A body is sent after "100 Continue" (or after
 * a second without an answer), so a refusal (401, 413) costs no upload. */
int hc_request(const struct hc_url *u, const struct hc_request *req, struct hc_response *out,
               char *err, size_t cap);

/* A byte stream to the device that is not a TCP connection (the serial link,
 * serial_client.h): hc_request_over speaks the same HTTP/1.1 over it. */
struct hc_conn {
    /* All len bytes: 0, or -1 with errno set. */
    int (*send_all)(void *ctx, const void *data, size_t len);
    /* Up to cap bytes (blocking up to the stream's timeout): the count, 0 at the end of
     * the answer, -1 with errno (EAGAIN on a timeout). */
    ssize_t (*recv)(void *ctx, void *buf, size_t cap);
    /* Whether bytes arrive within ms. */
    int (*readable)(void *ctx, int ms);
    void *ctx;
    const char *what; /* "host:port" or the serial line's path: Host header, messages */
};

int hc_request_over(const struct hc_conn *c, const struct hc_request *req, struct hc_response *out,
                    char *err, size_t cap);

#endif

/* HTTPS for the `akira` tool: TLS 1.2 with Debian's mbedTLS on a connected socket, the
 * device trusted by the SHA-256 fingerprint of its certificate (pinned at `akira device
 * add`, trust on first use; docs/tls.md). */
#ifndef AKIRA_TOOL_TLS_CLIENT_H
#define AKIRA_TOOL_TLS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "http_client.h"

#define TC_FP_LEN 32

struct tc;

/* Handshake on fd (connected, with its send/receive timeouts set). pin: the expected
 * fingerprint, NULL to accept any (first use); *seen gets the server's. Returns the
 * session, or NULL with a message in err; *changed is set when the handshake went
 * through but the fingerprint is not the pin (the session is then closed: NULL). */
struct tc *tc_open(int fd, const char *host, const uint8_t *pin, uint8_t seen[TC_FP_LEN],
                   int *changed, char *err, size_t cap);
/* The session as an hc_conn (what: "host:port"). */
struct hc_conn tc_conn(struct tc *t, const char *what);
/* close_notify and free (the fd stays the caller's). */
void tc_close(struct tc *t);
/* "AB:CD:..." (96 bytes with the NUL). */
void tc_fp_format(const uint8_t fp[TC_FP_LEN], char out[96]);
/* 64 hex digits with or without colons. 0 or -1. */
int tc_fp_parse(const char *s, uint8_t fp[TC_FP_LEN]);

#endif

/*
 * TLS 1.2 over the kernel's TCP sockets (akira/net.h), with Debian's mbedTLS (2.28):
 * the device's HTTPS server and TLS network shell (server side), and clients such as
 * the MQTT connection to a broker (client side). docs/tls.md.
 *
 * A client connection owns its socket from the call that makes it: akira_tls_close
 * sends the TLS close_notify and closes the socket. A server connection leaves its
 * socket to the accepting code (which may shut it down from another thread). Every call that waits
 * takes an akira/clock.h timeout, as akira_net_send_all / akira_net_recv do, with the same results.
 *
 * Threads: one thread may receive while another sends on the same connection (the
 * network shell does): the calls are serialised inside, and a receiver never holds the
 * connection while it waits for bytes. akira_tls_shutdown may be called from any thread
 * to wake a blocked receiver.
 *
 * Peer checks (client): a CA (PEM or DER; the chain must verify and, with server_name,
 * the name must match) or a pin (SHA-256 of the peer certificate's DER), or both: there
 * is no "trust anything". A peer that fails the check gets a bad_certificate alert before
 * any application data, and the connect returns AKIRA_EACCES (logged with the reason).
 *
 * RAM: mbedTLS allocates its record buffers per connection (Debian's build:
 * MBEDTLS_SSL_MAX_CONTENT_LEN 16384, so about 2 x 16.7 KiB in and out) plus the
 * session: about 37 KB per server session and 39 KB per client one, 45-47 KB at the
 * handshake's peak (bench/tls). Servers bound their sessions (sessions_max).
 */
#ifndef AKIRA_TLS_H
#define AKIRA_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/net.h>

#define AKIRA_TLS_FP_LEN     32 /* SHA-256 */
#define AKIRA_TLS_FP_HEX_MAX 96 /* "ab:cd:..." 32 x 3 bytes incl. NUL */

struct akira_tls_conn;

struct akira_tls_client_opts {
    /* SNI and, with a CA, the name the certificate must carry (NULL: none sent or
     * checked). */
    const char *server_name;
    /* Trusted CA certificates, PEM (NUL included in ca_len, as mbedTLS wants) or DER;
     * NULL: no CA check (then pin must be set). */
    const uint8_t *ca_pem;
    size_t ca_len;
    bool pin;
    uint8_t pin_sha256[AKIRA_TLS_FP_LEN]; /* SHA-256 of the peer certificate's DER */
};

/* TLS client handshake on sock (a connected TCP socket, owned by the connection from
 * now on, closed on failure too) within timeout_ms. Errors: AKIRA_EINVAL (neither CA
 * nor pin, bad CA), AKIRA_EACCES (the peer's certificate failed the CA or pin check),
 * AKIRA_EFORMAT (the peer broke the protocol or sent an alert), AKIRA_ETIMEDOUT,
 * AKIRA_ECONNRESET, AKIRA_ENOMEM. */
int akira_tls_client_connect(struct akira_tls_conn **out, akira_sock_t *sock,
                             const struct akira_tls_client_opts *opts, int32_t timeout_ms);

/* All len bytes within timeout_ms in total: 0 or the error (AKIRA_ETIMEDOUT: an unknown
 * prefix went out, close the connection). */
int akira_tls_send_all(struct akira_tls_conn *c, const void *buf, size_t len, int32_t timeout_ms);
/* 1..cap bytes of application data, 0 at the peer's close (close_notify or TCP close).
 * Errors: AKIRA_EAGAIN (AKIRA_NO_WAIT and nothing there), AKIRA_ETIMEDOUT,
 * AKIRA_ECONNRESET, AKIRA_EFORMAT (a record that does not decrypt or parse: the
 * connection is unusable). */
int akira_tls_recv(struct akira_tls_conn *c, void *buf, size_t cap, int32_t timeout_ms);
/* Wakes a receiver blocked in akira_tls_recv (it returns 0) and stops the socket; any
 * thread. The connection must still be closed. */
void akira_tls_shutdown(struct akira_tls_conn *c);
/* close_notify (best effort, 200 ms at most), closes the socket (a client's; a server
 * connection's socket stays the caller's), frees. NULL: no-op. */
void akira_tls_close(struct akira_tls_conn *c);
/* The peer certificate's SHA-256 (after the handshake). AKIRA_ENOENT when the peer
 * sent none (a client to our server). */
int akira_tls_peer_fingerprint(const struct akira_tls_conn *c, uint8_t out[AKIRA_TLS_FP_LEN]);
/* The negotiated cipher suite's name ("TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"). */
const char *akira_tls_ciphersuite(const struct akira_tls_conn *c);

/* --- Server side ------------------------------------------------------------------ */

struct akira_tls_server;

/* A server identity from a certificate and its private key, both DER; at most
 * sessions_max connections exist at once (akira_tls_server_accept then refuses with
 * AKIRA_EBUSY), which bounds the RAM TLS takes. */
int akira_tls_server_create(struct akira_tls_server **out, const uint8_t *cert_der, size_t cert_len,
                            const uint8_t *key_der, size_t key_len, unsigned sessions_max);
/* Server handshake on an accepted socket. The socket stays the caller's (so another
 * thread may shut it down while the handshake runs): close it after akira_tls_close, or
 * after a failure here. AKIRA_EBUSY (sessions_max reached), AKIRA_EFORMAT (not TLS, or a bad
 * handshake), AKIRA_ETIMEDOUT, AKIRA_ECONNRESET, AKIRA_ENOMEM. */
int akira_tls_server_accept(struct akira_tls_server *s, struct akira_tls_conn **out,
                            akira_sock_t *sock, int32_t timeout_ms);
/* The server's certificate fingerprint. */
void akira_tls_server_fingerprint(const struct akira_tls_server *s, uint8_t out[AKIRA_TLS_FP_LEN]);
/* Sessions open now, and handshakes that failed since create. */
void akira_tls_server_counts(const struct akira_tls_server *s, unsigned *open,
                             unsigned long *failed);
/* No connection may remain. NULL: no-op. */
void akira_tls_server_destroy(struct akira_tls_server *s);

/* --- Identities ------------------------------------------------------------------- */

/* A new ECDSA P-256 key and a self-signed certificate (CN=cn, serial random, valid from
 * not_before_unix (0: 2025-01-01) for 30 years), both DER, into key (key_cap bytes) and
 * cert (cert_cap). Lengths in *key_len, *cert_len. AKIRA_ERANGE when a buffer is too
 * small (160 bytes for the key and 600 for the certificate are enough). */
int akira_tls_identity_make(const char *cn, int64_t not_before_unix, uint8_t *key, size_t key_cap,
                            size_t *key_len, uint8_t *cert, size_t cert_cap, size_t *cert_len);
/* Whether key and cert are a usable pair (parse, and the key is the certificate's). */
bool akira_tls_identity_check(const uint8_t *key, size_t key_len, const uint8_t *cert,
                              size_t cert_len);

/* SHA-256 of data; "AB:CD:..." (upper-case hex, colons) into out (AKIRA_TLS_FP_HEX_MAX). */
void akira_tls_sha256(const void *data, size_t len, uint8_t out[AKIRA_TLS_FP_LEN]);
void akira_tls_fp_format(const uint8_t fp[AKIRA_TLS_FP_LEN], char *out, size_t cap);
/* Parses 64 hex digits, with or without colons, either case. AKIRA_EINVAL otherwise. */
int akira_tls_fp_parse(const char *s, uint8_t out[AKIRA_TLS_FP_LEN]);

#endif /* AKIRA_TLS_H */

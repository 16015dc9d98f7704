/*
 * TLS over the kernel's sockets with mbedTLS 2.28 (akira/tls.h, docs/tls.md).
 *
 * The record layer reaches the socket through two BIO callbacks on akira_net_send /
 * akira_net_recv. A call that may wait sets the connection's deadline; the callbacks
 * wait at most until then. Receiving never waits inside mbedTLS: the receiver polls the
 * socket with the connection unlocked and reads with AKIRA_NO_WAIT under the lock, so a
 * sender on another thread (the network shell's output) is never held by a silent peer.
 * Randomness comes from the port (akira_random_fill), so no DRBG state is shared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <akira/clock.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/mutex.h>
#include <akira/random.h>
#include <akira/tls.h>

AKIRA_LOG_MODULE_REGISTER(tls);

struct akira_tls_server {
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
    uint8_t fp[AKIRA_TLS_FP_LEN];
    akira_mutex_t *lock;
    unsigned open, max;
    unsigned long failed;
};

struct akira_tls_conn {
    mbedtls_ssl_context ssl;
    akira_sock_t *sock;
    akira_mutex_t *lock;
    struct akira_tls_server *srv; /* accepted by this server, else a client */
    /* Client only: its own configuration and trust. */
    mbedtls_ssl_config *conf;
    mbedtls_x509_crt ca;
    bool has_ca, pin, pin_failed;
    bool own_sock; /* a client's socket is closed with it; a server's stays the caller's */
    uint8_t pin_sha256[AKIRA_TLS_FP_LEN];
    /* The current call's limit for the BIO: forever, none (AKIRA_NO_WAIT) or until. */
    bool forever, no_wait;
    uint64_t until_ms;
    int net_err; /* the socket's error behind the last BIO failure */
};

/* clang-format off */
static const int server_suites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    0,
};
/* clang-format on */

static int rng(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    return akira_random_fill(buf, len) ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : 0;
}

/* --- Helpers ------------------------------------------------------------------------ */

void akira_tls_sha256(const void *data, size_t len, uint8_t out[AKIRA_TLS_FP_LEN])
{
    mbedtls_sha256_ret(data, len, out, 0);
}

void akira_tls_fp_format(const uint8_t fp[AKIRA_TLS_FP_LEN], char *out, size_t cap)
{
    if (!cap) return;
    out[0] = '\0';
    if (cap < AKIRA_TLS_FP_LEN * 3) return;
    for (size_t i = 0; i < AKIRA_TLS_FP_LEN; i++)
        snprintf(out + 3 * i, 4, i + 1 < AKIRA_TLS_FP_LEN ? "%02X:" : "%02X", fp[i]);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int akira_tls_fp_parse(const char *s, uint8_t out[AKIRA_TLS_FP_LEN])
{
    if (!s) return AKIRA_EINVAL;
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ':') continue;
        int hi = hexval(*p), lo = p[1] ? hexval(p[1]) : -1;
        if (hi < 0 || lo < 0 || n == AKIRA_TLS_FP_LEN) return AKIRA_EINVAL;
        out[n++] = (uint8_t)(hi << 4 | lo);
        p++;
    }
    return n == AKIRA_TLS_FP_LEN ? 0 : AKIRA_EINVAL;
}

static const char *why(int ret, char *buf, size_t cap)
{
    mbedtls_strerror(ret, buf, cap);
    return buf;
}

/* --- BIO on akira/net.h ------------------------------------------------------------- */

static int32_t remaining(const struct akira_tls_conn *c)
{
    if (c->forever) return AKIRA_FOREVER;
    if (c->no_wait) return AKIRA_NO_WAIT;
    uint64_t now = akira_uptime_ms();
    if (now >= c->until_ms) return AKIRA_NO_WAIT;
    uint64_t left = c->until_ms - now;
    return left > INT32_MAX ? INT32_MAX : (int32_t)left;
}

static void set_deadline(struct akira_tls_conn *c, int32_t timeout_ms)
{
    c->forever = timeout_ms == AKIRA_FOREVER;
    c->no_wait = timeout_ms == AKIRA_NO_WAIT;
    c->until_ms = timeout_ms > 0 ? akira_uptime_ms() + (uint64_t)timeout_ms : 0;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct akira_tls_conn *c = ctx;
    int32_t t = remaining(c);
    int n = akira_net_send(c->sock, buf, len, t);
    if (n >= 0) return n;
    if (n == AKIRA_EAGAIN && !c->no_wait) n = AKIRA_ETIMEDOUT; /* the deadline passed */
    if (n == AKIRA_EAGAIN) return MBEDTLS_ERR_SSL_WANT_WRITE;
    c->net_err = n;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct akira_tls_conn *c = ctx;
    int32_t t = remaining(c);
    int n = akira_net_recv(c->sock, buf, len, t);
    if (n >= 0) return n; /* 0: the peer closed (mbedTLS: CONN_EOF) */
    if (n == AKIRA_EAGAIN && !c->no_wait) n = AKIRA_ETIMEDOUT;
    if (n == AKIRA_EAGAIN) return MBEDTLS_ERR_SSL_WANT_READ;
    c->net_err = n;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* An mbedTLS result as an akira_err_t. */
static int map_err(struct akira_tls_conn *c, int ret)
{
    if (c->net_err) return c->net_err;
    switch (ret) {
    case MBEDTLS_ERR_SSL_WANT_READ:
    case MBEDTLS_ERR_SSL_WANT_WRITE: return AKIRA_EAGAIN;
    case MBEDTLS_ERR_SSL_TIMEOUT: return AKIRA_ETIMEDOUT;
    case MBEDTLS_ERR_SSL_CONN_EOF:
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY: return AKIRA_ECONNRESET;
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
    case MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED: return AKIRA_EACCES;
    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
    case MBEDTLS_ERR_X509_ALLOC_FAILED:
    case MBEDTLS_ERR_PK_ALLOC_FAILED: return AKIRA_ENOMEM;
    default: return c->pin_failed ? AKIRA_EACCES : AKIRA_EFORMAT;
    }
}

/* --- Connections ---------------------------------------------------------------------- */

static int conn_new(struct akira_tls_conn **out, akira_sock_t *sock)
{
    struct akira_tls_conn *c = calloc(1, sizeof(*c));
    if (!c) return AKIRA_ENOMEM;
    if (akira_mutex_create(&c->lock)) {
        free(c);
        return AKIRA_ENOMEM;
    }
    mbedtls_ssl_init(&c->ssl);
    mbedtls_x509_crt_init(&c->ca);
    c->sock = sock;
    *out = c;
    return 0;
}

/* Frees c without a close_notify (and closes its socket). */
static void conn_free(struct akira_tls_conn *c)
{
    mbedtls_ssl_free(&c->ssl);
    if (c->conf) {
        mbedtls_ssl_config_free(c->conf);
        free(c->conf);
    }
    mbedtls_x509_crt_free(&c->ca);
    if (c->own_sock) akira_net_close(c->sock);
    if (c->srv) {
        akira_mutex_lock(c->srv->lock, AKIRA_FOREVER);
        c->srv->open--;
        akira_mutex_unlock(c->srv->lock);
    }
    akira_mutex_destroy(c->lock);
    free(c);
}

static int handshake(struct akira_tls_conn *c, int32_t timeout_ms)
{
    set_deadline(c, timeout_ms);
    int ret;
    do {
        c->net_err = 0;
        ret = mbedtls_ssl_handshake(&c->ssl);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    return ret;
}

/* The client's check of the peer's chain: with a pin, the leaf must hash to it (and,
 * without a CA, that match is the whole trust: the chain's own flags are cleared). */
static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct akira_tls_conn *c = ctx;
    if (!c->pin) return 0;
    if (!c->has_ca) *flags = 0;
    if (depth != 0) return 0;
    uint8_t fp[AKIRA_TLS_FP_LEN];
    akira_tls_sha256(crt->raw.p, crt->raw.len, fp);
    if (memcmp(fp, c->pin_sha256, sizeof(fp)) != 0) {
        c->pin_failed = true;
        *flags |= MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    }
    return 0;
}

int akira_tls_client_connect(struct akira_tls_conn **out, akira_sock_t *sock,
                             const struct akira_tls_client_opts *opts, int32_t timeout_ms)
{
    if (!out || !sock || !opts || (!opts->ca_pem && !opts->pin) ||
        (opts->ca_pem && !opts->ca_len)) {
        akira_net_close(sock);
        return AKIRA_EINVAL;
    }
    struct akira_tls_conn *c;
    int rc = conn_new(&c, sock);
    if (rc) {
        akira_net_close(sock);
        return rc;
    }
    c->own_sock = true;
    char msg[120];
    c->conf = calloc(1, sizeof(*c->conf));
    if (!c->conf) {
        conn_free(c);
        return AKIRA_ENOMEM;
    }
    mbedtls_ssl_config_init(c->conf);
    int ret = mbedtls_ssl_config_defaults(c->conf, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (!ret && opts->ca_pem) {
        ret = mbedtls_x509_crt_parse(&c->ca, opts->ca_pem, opts->ca_len);
        if (ret) {
            AKIRA_LOG_ERR("client: CA certificates do not parse: %s", why(ret, msg, sizeof(msg)));
            conn_free(c);
            return AKIRA_EINVAL;
        }
        c->has_ca = true;
        mbedtls_ssl_conf_ca_chain(c->conf, &c->ca, NULL);
    }
    if (ret) {
        conn_free(c);
        return AKIRA_ENOMEM;
    }
    c->pin = opts->pin;
    memcpy(c->pin_sha256, opts->pin_sha256, sizeof(c->pin_sha256));
    mbedtls_ssl_conf_min_version(c->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_rng(c->conf, rng, NULL);
    /* Pin only: mbedTLS has no chain to check against, the pin decides (verify_cb and
     * the check after the handshake); a CA: the chain must verify. */
    mbedtls_ssl_conf_authmode(c->conf, c->has_ca ? MBEDTLS_SSL_VERIFY_REQUIRED
                                                 : MBEDTLS_SSL_VERIFY_OPTIONAL);
    mbedtls_ssl_conf_verify(c->conf, verify_cb, c);
    ret = mbedtls_ssl_setup(&c->ssl, c->conf);
    if (!ret && opts->server_name) ret = mbedtls_ssl_set_hostname(&c->ssl, opts->server_name);
    if (ret) {
        conn_free(c);
        return AKIRA_ENOMEM;
    }
    mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
    ret = handshake(c, timeout_ms);
    if (!ret && c->pin) {
        /* The pin again, on what the session holds (a callback not run is no pass). */
        const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&c->ssl);
        uint8_t fp[AKIRA_TLS_FP_LEN];
        if (peer) akira_tls_sha256(peer->raw.p, peer->raw.len, fp);
        if (!peer || memcmp(fp, c->pin_sha256, sizeof(fp)) != 0) {
            c->pin_failed = true;
            ret = MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
        }
    }
    if (ret) {
        rc = map_err(c, ret);
        if (c->pin_failed) rc = AKIRA_EACCES;
        if (rc == AKIRA_EACCES) {
            uint32_t flags = mbedtls_ssl_get_verify_result(&c->ssl);
            char info[160] = "";
            if (flags && flags != (uint32_t)-1)
                mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags);
            char *nl = strchr(info, '\n');
            if (nl) *nl = '\0';
            AKIRA_LOG_ERR("client: %s: the server's certificate failed the check: %s",
                          opts->server_name ? opts->server_name : "peer",
                          c->pin_failed ? "not the pinned fingerprint" : info);
            /* The handshake itself ended well only when the CA was not asked: tell the
             * server why we leave. */
            mbedtls_ssl_send_alert_message(&c->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                           MBEDTLS_SSL_ALERT_MSG_BAD_CERT);
        } else {
            AKIRA_LOG_WRN("client: handshake failed: %s", why(ret, msg, sizeof(msg)));
        }
        conn_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int akira_tls_send_all(struct akira_tls_conn *c, const void *buf, size_t len, int32_t timeout_ms)
{
    if (!c || (!buf && len)) return AKIRA_EINVAL;
    const unsigned char *p = buf;
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    set_deadline(c, timeout_ms);
    int rc = 0;
    while (len) {
        c->net_err = 0;
        int n = mbedtls_ssl_write(&c->ssl, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        rc = map_err(c, n);
        break;
    }
    akira_mutex_unlock(c->lock);
    return rc;
}

int akira_tls_recv(struct akira_tls_conn *c, void *buf, size_t cap, int32_t timeout_ms)
{
    if (!c || !buf || !cap || timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    uint64_t until = timeout_ms > 0 ? akira_uptime_ms() + (uint64_t)timeout_ms : 0;
    for (;;) {
        akira_mutex_lock(c->lock, AKIRA_FOREVER);
        set_deadline(c, AKIRA_NO_WAIT);
        c->net_err = 0;
        int n = mbedtls_ssl_read(&c->ssl, buf, cap);
        akira_mutex_unlock(c->lock);
        if (n > 0) return n;
        if (n == 0 || n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || n == MBEDTLS_ERR_SSL_CONN_EOF)
            return 0;
        if (n != MBEDTLS_ERR_SSL_WANT_READ) {
            int rc = map_err(c, n);
            if (rc == AKIRA_EFORMAT) {
                char msg[100];
                AKIRA_LOG_WRN("bad record from the peer: %s", why(n, msg, sizeof(msg)));
            }
            return rc;
        }
        /* Nothing whole yet: wait for bytes without holding the connection. */
        int32_t wait = AKIRA_FOREVER;
        if (timeout_ms == AKIRA_NO_WAIT) return AKIRA_EAGAIN;
        if (timeout_ms > 0) {
            uint64_t now = akira_uptime_ms();
            if (now >= until) return AKIRA_ETIMEDOUT;
            wait = (int32_t)(until - now);
        }
        struct akira_net_pollfd pfd = {.sock = c->sock, .events = AKIRA_NET_POLL_IN};
        int rc = akira_net_poll(&pfd, 1, wait);
        if (rc == AKIRA_EAGAIN) return AKIRA_ETIMEDOUT;
        if (rc < 0) return rc;
    }
}

void akira_tls_shutdown(struct akira_tls_conn *c)
{
    if (c) akira_net_shutdown(c->sock);
}

void akira_tls_close(struct akira_tls_conn *c)
{
    if (!c) return;
    akira_mutex_lock(c->lock, AKIRA_FOREVER);
    set_deadline(c, 200);
    c->net_err = 0;
    (void)mbedtls_ssl_close_notify(&c->ssl);
    akira_mutex_unlock(c->lock);
    conn_free(c);
}

int akira_tls_peer_fingerprint(const struct akira_tls_conn *c, uint8_t out[AKIRA_TLS_FP_LEN])
{
    const mbedtls_x509_crt *peer = c ? mbedtls_ssl_get_peer_cert(&c->ssl) : NULL;
    if (!peer) return AKIRA_ENOENT;
    akira_tls_sha256(peer->raw.p, peer->raw.len, out);
    return 0;
}

const char *akira_tls_ciphersuite(const struct akira_tls_conn *c)
{
    return c ? mbedtls_ssl_get_ciphersuite(&c->ssl) : NULL;
}

/* --- Server ------------------------------------------------------------------------- */

int akira_tls_server_create(struct akira_tls_server **out, const uint8_t *cert_der, size_t cert_len,
                            const uint8_t *key_der, size_t key_len, unsigned sessions_max)
{
    if (!out || !cert_der || !key_der || !sessions_max) return AKIRA_EINVAL;
    struct akira_tls_server *s = calloc(1, sizeof(*s));
    if (!s) return AKIRA_ENOMEM;
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_x509_crt_init(&s->cert);
    mbedtls_pk_init(&s->key);
    s->max = sessions_max;
    int rc = akira_mutex_create(&s->lock);
    int ret = 0;
    if (!rc) {
        ret = mbedtls_x509_crt_parse_der(&s->cert, cert_der, cert_len);
        if (!ret) ret = mbedtls_pk_parse_key(&s->key, key_der, key_len, NULL, 0);
        if (!ret) ret = mbedtls_pk_check_pair(&s->cert.pk, &s->key);
        if (ret) rc = AKIRA_EINVAL;
    }
    if (!rc) {
        ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
                                          MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
        if (!ret) ret = mbedtls_ssl_conf_own_cert(&s->conf, &s->cert, &s->key);
        if (ret) rc = AKIRA_ENOMEM;
    }
    if (rc) {
        akira_tls_server_destroy(s);
        return rc;
    }
    mbedtls_ssl_conf_rng(&s->conf, rng, NULL);
    mbedtls_ssl_conf_min_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(&s->conf, server_suites);
    mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_renegotiation(&s->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
    akira_tls_sha256(s->cert.raw.p, s->cert.raw.len, s->fp);
    *out = s;
    return 0;
}

int akira_tls_server_accept(struct akira_tls_server *s, struct akira_tls_conn **out,
                            akira_sock_t *sock, int32_t timeout_ms)
{
    if (!s || !out || !sock) return AKIRA_EINVAL;
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    bool full = s->open >= s->max;
    if (!full) s->open++;
    akira_mutex_unlock(s->lock);
    if (full) return AKIRA_EBUSY;
    struct akira_tls_conn *c;
    int rc = conn_new(&c, sock);
    if (rc) {
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        s->open--;
        akira_mutex_unlock(s->lock);
        return rc;
    }
    c->srv = s;
    int ret = mbedtls_ssl_setup(&c->ssl, &s->conf);
    if (ret) {
        conn_free(c);
        return AKIRA_ENOMEM;
    }
    mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
    ret = handshake(c, timeout_ms);
    if (ret) {
        rc = map_err(c, ret);
        char msg[100];
        AKIRA_LOG_WRN("handshake with a client failed: %s", why(ret, msg, sizeof(msg)));
        akira_mutex_lock(s->lock, AKIRA_FOREVER);
        s->failed++;
        akira_mutex_unlock(s->lock);
        conn_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void akira_tls_server_fingerprint(const struct akira_tls_server *s, uint8_t out[AKIRA_TLS_FP_LEN])
{
    memcpy(out, s->fp, AKIRA_TLS_FP_LEN);
}

void akira_tls_server_counts(const struct akira_tls_server *s, unsigned *open,
                             unsigned long *failed)
{
    akira_mutex_lock(s->lock, AKIRA_FOREVER);
    if (open) *open = s->open;
    if (failed) *failed = s->failed;
    akira_mutex_unlock(s->lock);
}

void akira_tls_server_destroy(struct akira_tls_server *s)
{
    if (!s) return;
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->cert);
    mbedtls_pk_free(&s->key);
    if (s->lock) akira_mutex_destroy(s->lock);
    free(s);
}

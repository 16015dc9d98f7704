/* HTTPS for the `akira` tool (tls_client.h). */
#include "tls_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>

struct tc {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    int fd;
};

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct tc *t = ctx;
    for (;;) {
        ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0) return (int)n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return MBEDTLS_ERR_SSL_TIMEOUT;
        return MBEDTLS_ERR_NET_SEND_FAILED;
    }
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct tc *t = ctx;
    for (;;) {
        ssize_t n = recv(t->fd, buf, len, 0);
        if (n >= 0) return (int)n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return MBEDTLS_ERR_SSL_TIMEOUT;
        return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
    }
}

void tc_fp_format(const uint8_t fp[TC_FP_LEN], char out[96])
{
    for (int i = 0; i < TC_FP_LEN; i++)
        snprintf(out + 3 * i, 4, i + 1 < TC_FP_LEN ? "%02X:" : "%02X", fp[i]);
}

int tc_fp_parse(const char *s, uint8_t fp[TC_FP_LEN])
{
    int n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ':') continue;
        unsigned v;
        if (n == TC_FP_LEN || !p[1] || sscanf(p, "%2x", &v) != 1 ||
            !strchr("0123456789abcdefABCDEF", p[0]) || !strchr("0123456789abcdefABCDEF", p[1]))
            return -1;
        fp[n++] = (uint8_t)v;
        p++;
    }
    return n == TC_FP_LEN ? 0 : -1;
}

static void free_tc(struct tc *t)
{
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_ctr_drbg_free(&t->drbg);
    mbedtls_entropy_free(&t->entropy);
    free(t);
}

struct tc *tc_open(int fd, const char *host, const uint8_t *pin, uint8_t seen[TC_FP_LEN],
                   int *changed, char *err, size_t cap)
{
    *changed = 0;
    struct tc *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    t->fd = fd;
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_entropy_init(&t->entropy);
    mbedtls_ctr_drbg_init(&t->drbg);
    static const unsigned char pers[] = "akira-tool";
    int ret =
        mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy, pers, sizeof(pers) - 1);
    if (!ret)
        ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (!ret) {
        mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
        mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     MBEDTLS_SSL_MINOR_VERSION_3);
        /* The device is self-signed: no CA can vouch for it. Its fingerprint is
         * checked right after the handshake, before any request is sent. */
        mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
        ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
    }
    if (!ret) ret = mbedtls_ssl_set_hostname(&t->ssl, host);
    if (!ret) {
        mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
        do {
            ret = mbedtls_ssl_handshake(&t->ssl);
        } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    }
    if (ret) {
        char why[128];
        mbedtls_strerror(ret, why, sizeof(why));
        snprintf(err, cap, "TLS handshake with %s failed: %s", host,
                 ret == MBEDTLS_ERR_SSL_TIMEOUT ? "timed out" : why);
        free_tc(t);
        return NULL;
    }
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&t->ssl);
    if (!peer) {
        snprintf(err, cap, "%s sent no certificate", host);
        free_tc(t);
        return NULL;
    }
    mbedtls_sha256_ret(peer->raw.p, peer->raw.len, seen, 0);
    if (pin && memcmp(pin, seen, TC_FP_LEN) != 0) {
        *changed = 1;
        char a[96], b[96];
        tc_fp_format(pin, a);
        tc_fp_format(seen, b);
        snprintf(err, cap,
                 "the device's certificate CHANGED: pinned %s, now %s (another device, a "
                 "reset, or someone in between); nothing was sent",
                 a, b);
        mbedtls_ssl_send_alert_message(&t->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                       MBEDTLS_SSL_ALERT_MSG_BAD_CERT);
        free_tc(t);
        return NULL;
    }
    return t;
}

static int conn_send_all(void *ctx, const void *data, size_t len)
{
    struct tc *t = ctx;
    const unsigned char *p = data;
    while (len) {
        int n = mbedtls_ssl_write(&t->ssl, p, len);
        if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        if (n <= 0) {
            errno = n == MBEDTLS_ERR_SSL_TIMEOUT ? EAGAIN : ECONNRESET;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static ssize_t conn_recv(void *ctx, void *buf, size_t cap)
{
    struct tc *t = ctx;
    for (;;) {
        int n = mbedtls_ssl_read(&t->ssl, buf, cap);
        if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
        if (n >= 0) return n;
        if (n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || n == MBEDTLS_ERR_SSL_CONN_EOF) return 0;
        errno = n == MBEDTLS_ERR_SSL_TIMEOUT ? EAGAIN : ECONNRESET;
        return -1;
    }
}

static int conn_readable(void *ctx, int ms)
{
    struct tc *t = ctx;
    if (mbedtls_ssl_get_bytes_avail(&t->ssl)) return 1;
    struct pollfd pfd = {t->fd, POLLIN, 0};
    int rc;
    do {
        rc = poll(&pfd, 1, ms);
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
}

struct hc_conn tc_conn(struct tc *t, const char *what)
{
    return (struct hc_conn){conn_send_all, conn_recv, conn_readable, t, what};
}

void tc_close(struct tc *t)
{
    if (!t) return;
    (void)mbedtls_ssl_close_notify(&t->ssl);
    free_tc(t);
}

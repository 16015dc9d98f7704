/* MQTT over TLS (akira/mqtt_tls.h): TCP connect, then the TLS client handshake with the
 * peer check the caller gave; the rest maps one to one onto akira/tls.h. */
#include <akira/err.h>
#include <akira/mqtt_tls.h>
#include <akira/tls.h>

static int tls_connect(void **conn, const struct akira_net_addr *addr, int32_t timeout_ms,
                       void *ctx)
{
    const struct akira_tls_client_opts *opts = ctx;
    *conn = NULL;
    if (!opts) return AKIRA_EINVAL; /* no peer check given: never "trust anything" */
    akira_sock_t *s = NULL;
    int rc = akira_net_tcp_connect(&s, addr, timeout_ms);
    if (rc) return rc;
    /* The connection owns the socket from here, on failure too. */
    struct akira_tls_conn *c = NULL;
    rc = akira_tls_client_connect(&c, s, opts, timeout_ms);
    if (rc) return rc;
    *conn = c;
    return 0;
}

static int tls_send_all(void *conn, const void *buf, size_t len, int32_t timeout_ms)
{
    return akira_tls_send_all(conn, buf, len, timeout_ms);
}

static int tls_recv(void *conn, void *buf, size_t cap, int32_t timeout_ms)
{
    return akira_tls_recv(conn, buf, cap, timeout_ms);
}

static void tls_close(void *conn)
{
    akira_tls_close(conn);
}

const struct akira_mqtt_transport akira_mqtt_tls = {tls_connect, tls_send_all, tls_recv, tls_close};

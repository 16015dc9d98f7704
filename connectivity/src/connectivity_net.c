/*
 * The network services of connectivity (boards with sockets, akira/net.h): the HTTP
 * API and the network shell over TCP on loopback, in clear ("http", "tcp-shell": only
 * when plain services are allowed, docs/tls.md) and over TLS ("https", "tls-shell"),
 * all with the same routes, token and shell.
 */
#include <stdio.h>

#include <akira/err.h>
#include <akira/log.h>
#include <akira/tls.h>
#include <akira/transport.h>

#include "connectivity_priv.h"

AKIRA_LOG_MODULE_DECLARE(connectivity);

/* TLS sessions at once: the HTTPS workers and the TLS shell's sessions. */
#define HTTPS_WORKERS      4
#define HTTPS_QUEUE        8
#define SHELL_TLS_SESSIONS 4

struct http_svc {
    struct akira_http_server *srv;
    struct akira_tls_server *tls; /* HTTPS only */
    uint16_t port;
    bool https;
};

struct shell_link {
    struct akira_tcp_shell *link;
    struct akira_tls_server *tls;
    uint16_t port;
    bool use_tls;
};

static struct http_svc http_plain, http_tls = {.https = true};
static struct akira_shell_service *shell_service;
static unsigned shell_links; /* links running on shell_service */
static struct shell_link shell_plain, shell_tls = {.use_tls = true};
static bool plain_on;

static int http_start(void *ctx)
{
    struct http_svc *v = ctx;
    const struct akira_connectivity_config *cfg = akira_connectivity_config_get();
    struct akira_http_config hc = akira_http_config_default(
        akira_net_addr_loopback(v->https ? cfg->https_port : cfg->http_port));
    int rc = 0;
    if (v->https) {
        hc.workers = HTTPS_WORKERS;
        hc.queue = HTTPS_QUEUE;
        rc = akira_connectivity_tls_server(&v->tls, HTTPS_WORKERS);
        hc.tls = v->tls;
    }
    if (!rc) rc = akira_connectivity_api_create(&v->srv, &hc);
    if (rc) {
        akira_tls_server_destroy(v->tls);
        v->tls = NULL;
        return rc;
    }
    /* The dashboard and its push channel: for browsers, so on the network only. */
    rc = akira_connectivity_dashboard_routes(v->srv);
    if (!rc) rc = akira_connectivity_events_routes(v->srv, cfg);
    if (!rc) rc = akira_http_server_start(v->srv);
    struct akira_net_addr a;
    if (!rc && akira_http_server_addr(v->srv, &a) == 0) v->port = a.port;
    if (rc) {
        akira_http_server_destroy(v->srv);
        v->srv = NULL;
        akira_tls_server_destroy(v->tls);
        v->tls = NULL;
    }
    return rc;
}

static void http_stop(void *ctx)
{
    struct http_svc *v = ctx;
    akira_http_server_stop(v->srv, 2000);
    akira_http_server_destroy(v->srv);
    akira_tls_server_destroy(v->tls);
    v->srv = NULL;
    v->tls = NULL;
    v->port = 0;
}

/* The shell service is shared by the plain and TLS links: made with the first. */
static int shell_start(void *ctx)
{
    struct shell_link *l = ctx;
    const struct akira_connectivity_config *cfg = akira_connectivity_config_get();
    int rc = 0;
    if (!shell_links) {
        struct akira_shell_service_config sc = {
            .sessions = 4,
            .login_timeout_ms = 30000,
            .login_busy_ms = 5000,
            .logins_per_peer = 2,
            .idle_timeout_ms = 15u * 60u * 1000u,
            .fail_delay_ms = 1000,
            .on_exit = cfg->on_shell_exit,
        };
        rc = akira_shell_service_start(&shell_service, &sc, akira_connectivity_token_str());
        if (rc) return rc;
    }
    struct akira_net_addr a =
        akira_net_addr_loopback(l->use_tls ? cfg->shell_tls_port : cfg->shell_port);
    if (l->use_tls) rc = akira_connectivity_tls_server(&l->tls, SHELL_TLS_SESSIONS);
    if (!rc) rc = akira_tcp_shell_start(&l->link, &a, l->tls);
    if (!rc && akira_tcp_shell_addr(l->link, &a) == 0) l->port = a.port;
    if (!rc) shell_links++;
    if (rc) {
        akira_tls_server_destroy(l->tls);
        l->tls = NULL;
        if (!shell_links) {
            akira_shell_service_destroy(shell_service);
            shell_service = NULL;
        }
    }
    return rc;
}

static void shell_stop(void *ctx)
{
    struct shell_link *l = ctx;
    if (!l->link) return;
    /* Sessions end with the service: the first link to stop ends them all. */
    if (shell_service) akira_shell_service_stop(shell_service);
    akira_tcp_shell_stop(l->link);
    akira_tls_server_destroy(l->tls);
    l->link = NULL;
    l->tls = NULL;
    l->port = 0;
    if (--shell_links == 0) {
        akira_shell_service_destroy(shell_service);
        shell_service = NULL;
    }
}

/* clang-format off */
static const struct akira_transport http_transport = {"http", http_start, http_stop, &http_plain};
static const struct akira_transport https_transport = {"https", http_start, http_stop, &http_tls};
static const struct akira_transport shell_transport = {"tcp-shell", shell_start, shell_stop,
                                                       &shell_plain};
static const struct akira_transport shell_tls_transport = {"tls-shell", shell_start, shell_stop,
                                                           &shell_tls};
/* clang-format on */

int akira_connectivity_net_register(void)
{
    const struct akira_connectivity_config *cfg = akira_connectivity_config_get();
    int rc = 0;
    plain_on = akira_connectivity_plain_allowed(cfg->plain_default);
    if ((cfg->http_port || cfg->shell_port) && !plain_on)
        AKIRA_LOG_WRN("plain HTTP and shell refused (%s is 0): only TLS services run",
                      AKIRA_NET_PLAIN_KEY);
    if (cfg->https_port || cfg->shell_tls_port) {
        bool made = false;
        rc = akira_connectivity_tls_identity(&made);
        char fp[AKIRA_TLS_FP_HEX_MAX];
        if (!rc && made && akira_connectivity_tls_fingerprint(fp, sizeof(fp)) == 0 && cfg->print) {
            char line[160];
            snprintf(line, sizeof(line), "       TLS certificate made; SHA-256 fingerprint %s\n",
                     fp);
            cfg->print(line);
        }
    }
    if (!rc && cfg->http_port && plain_on) rc = akira_transport_register(&http_transport);
    if (!rc && cfg->https_port) rc = akira_transport_register(&https_transport);
    if (!rc && cfg->shell_port && plain_on) rc = akira_transport_register(&shell_transport);
    if (!rc && cfg->shell_tls_port) rc = akira_transport_register(&shell_tls_transport);
    return rc;
}

void akira_connectivity_net_unregister(void)
{
    akira_transport_unregister(&http_transport);
    akira_transport_unregister(&https_transport);
    akira_transport_unregister(&shell_transport);
    akira_transport_unregister(&shell_tls_transport);
}

uint16_t akira_connectivity_http_port(void)
{
    return http_plain.port;
}

uint16_t akira_connectivity_https_port(void)
{
    return http_tls.port;
}

uint16_t akira_connectivity_shell_port(void)
{
    return shell_plain.port;
}

uint16_t akira_connectivity_shell_tls_port(void)
{
    return shell_tls.port;
}

void akira_connectivity_tls_counts(unsigned *open, unsigned long *failed)
{
    *open = 0;
    *failed = 0;
    struct akira_tls_server *servers[] = {http_tls.tls, shell_tls.tls};
    for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
        unsigned o = 0;
        unsigned long f = 0;
        if (!servers[i]) continue;
        akira_tls_server_counts(servers[i], &o, &f);
        *open += o;
        *failed += f;
    }
}

bool akira_connectivity_plain_on(void)
{
    return plain_on;
}

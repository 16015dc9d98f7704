/*
 * The network services of connectivity (boards with sockets, akira/net.h): the HTTP
 * API and the network shell over TCP on loopback, as transports "http" and
 * "tcp-shell".
 */
#include <akira/err.h>
#include <akira/transport.h>

#include "connectivity_priv.h"

static struct akira_http_server *http;
static struct akira_shell_service *shell_service;
static struct akira_tcp_shell *tcp_shell;
static uint16_t http_port, shell_port;

static int http_start(void *ctx)
{
    (void)ctx;
    const struct akira_connectivity_config *cfg = akira_connectivity_config_get();
    struct akira_http_config hc =
        akira_http_config_default(akira_net_addr_loopback(cfg->http_port));
    int rc = akira_connectivity_api_create(&http, &hc);
    if (rc) return rc;
    /* The dashboard and its push channel: for browsers, so on the network only. */
    rc = akira_connectivity_dashboard_routes(http);
    if (!rc) rc = akira_connectivity_events_routes(http, cfg);
    if (!rc) rc = akira_http_server_start(http);
    struct akira_net_addr a;
    if (!rc && akira_http_server_addr(http, &a) == 0) http_port = a.port;
    if (rc) {
        akira_http_server_destroy(http);
        http = NULL;
    }
    return rc;
}

static void http_stop(void *ctx)
{
    (void)ctx;
    akira_http_server_stop(http, 2000);
    akira_http_server_destroy(http);
    http = NULL;
    http_port = 0;
}

static int shell_start(void *ctx)
{
    (void)ctx;
    const struct akira_connectivity_config *cfg = akira_connectivity_config_get();
    struct akira_shell_service_config sc = {
        .sessions = 4,
        .login_timeout_ms = 30000,
        .login_busy_ms = 5000,
        .logins_per_peer = 2,
        .idle_timeout_ms = 15u * 60u * 1000u,
        .fail_delay_ms = 1000,
        .on_exit = cfg->on_shell_exit,
    };
    int rc = akira_shell_service_start(&shell_service, &sc, akira_connectivity_token_str());
    struct akira_net_addr a = akira_net_addr_loopback(cfg->shell_port);
    if (!rc) rc = akira_tcp_shell_start(&tcp_shell, &a);
    if (!rc && akira_tcp_shell_addr(tcp_shell, &a) == 0) shell_port = a.port;
    if (rc) {
        akira_shell_service_destroy(shell_service);
        shell_service = NULL;
    }
    return rc;
}

static void shell_stop(void *ctx)
{
    (void)ctx;
    akira_shell_service_stop(shell_service);
    akira_tcp_shell_stop(tcp_shell);
    akira_shell_service_destroy(shell_service);
    tcp_shell = NULL;
    shell_service = NULL;
    shell_port = 0;
}

static const struct akira_transport http_transport = {"http", http_start, http_stop, NULL};
static const struct akira_transport shell_transport = {"tcp-shell", shell_start, shell_stop, NULL};

int akira_connectivity_net_register(void)
{
    const struct akira_connectivity_config *cfg = akira_connectivity_config_get();
    int rc = 0;
    if (cfg->http_port) rc = akira_transport_register(&http_transport);
    if (!rc && cfg->shell_port) rc = akira_transport_register(&shell_transport);
    return rc;
}

void akira_connectivity_net_unregister(void)
{
    akira_transport_unregister(&http_transport);
    akira_transport_unregister(&shell_transport);
}

uint16_t akira_connectivity_http_port(void)
{
    return http_port;
}

uint16_t akira_connectivity_shell_port(void)
{
    return shell_port;
}

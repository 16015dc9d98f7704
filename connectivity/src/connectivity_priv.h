/* Connectivity internals shared by its source files (not a public header). */
#ifndef AKIRA_CONNECTIVITY_PRIV_H
#define AKIRA_CONNECTIVITY_PRIV_H

#include <akira/connectivity.h>
#include <akira/http.h>

/* http_api.c: adds the device API routes; cfg must outlive the server. */
int akira_connectivity_api_routes(struct akira_http_server *s,
                                  const struct akira_connectivity_config *cfg);
/* http_api_display.c: GET /api/display.png, GET /api/display/changes, POST /api/input. */
int akira_connectivity_display_routes(struct akira_http_server *s,
                                      const struct akira_connectivity_config *cfg);
/* http_api_hw.c: adds GET /api/gpio, POST /api/gpio/{pin}, GET /api/sensors. */
/* A tiny body read whole before acting (so a cut request changes nothing) into buf,
 * NUL-terminated: its length, or, after answering 413/408/400 itself, AKIRA_ECANCELED
 * (or the error of sending that answer). */
int akira_connectivity_small_body(struct akira_http_req *r, char *buf, size_t cap);
int akira_connectivity_hw_routes(struct akira_http_server *s,
                                 const struct akira_connectivity_config *cfg);
/* connectivity.c: the configuration and token the services share, and an HTTP server
 * with the device API's routes and the token (not started). */
const struct akira_connectivity_config *akira_connectivity_config_get(void);
const char *akira_connectivity_token_str(void);
int akira_connectivity_api_create(struct akira_http_server **out,
                                  const struct akira_http_config *hc);
/* The device API for one byte stream at a time without a socket (the serial link, the
 * mesh tunnel): one worker, a small head buffer, idle_ms as head and idle timeout. */
int akira_connectivity_stream_api_create(struct akira_http_server **out, uint32_t idle_ms);
/* connectivity_net.c (boards with sockets): registers the transports "http" and
 * "tcp-shell" as the configuration asks; unregisters them. */
int akira_connectivity_net_register(void);
void akira_connectivity_net_unregister(void);

/* http_api.c: {"memory":{...}} and {"fs":{...}} members of /api/status and the
 * dashboard's status event. */
struct akira_json;
void akira_connectivity_json_memory(struct akira_json *w);
void akira_connectivity_json_fs(struct akira_json *w);
/* http_api.c: one device log entry {seq,uptime_ms,level,module,msg} (/api/logs, events). */
struct akira_log_entry;
void akira_connectivity_json_log_entry(struct akira_json *w, const struct akira_log_entry *e);
/* http_api.c: the setting AKIRA_HTTP_READ_AUTH_KEY ("1": reads need the token) read
 * again (at start, and when it is set or deleted over HTTP), and the server's
 * reads_need_token callback that answers from it. */
void akira_connectivity_read_auth_load(void);
bool (*akira_connectivity_read_auth_fn(void))(void);
/* http_api_hw.c: the body of GET /api/sensors (one fresh reading of every sensor). */
void akira_connectivity_json_sensors(struct akira_json *w);
/* api_events.c: GET /api/events (Server-Sent Events for the dashboard). */
int akira_connectivity_events_routes(struct akira_http_server *s,
                                     const struct akira_connectivity_config *cfg);
/* http_dashboard.c: GET / (the dashboard, gzip-compressed, embedded at build time). */
int akira_connectivity_dashboard_routes(struct akira_http_server *s);

/* Keys no network client may read or write (the token, akira/security/...). */
bool akira_connectivity_key_secret(const char *key);

/* api_ota.c: GET/POST /api/ota, POST /api/ota/confirm and /api/ota/revert. */
int akira_connectivity_ota_routes(struct akira_http_server *s);

/* api_keys.c: GET /api/keys, PUT and DELETE /api/keys/{name} (trusted signing keys). */
int akira_connectivity_key_routes(struct akira_http_server *s);
/* fleet_api.c (builds with the fleet): GET/PUT /api/fleet, DELETE /api/fleet/keys/{name}. */
int akira_connectivity_fleet_routes(struct akira_http_server *s);

/* shell_service.c: the shell as the handler of AKIRA_TRANSPORT_KIND_SHELL streams. */
struct akira_shell_service;
struct akira_shell_service_config {
    unsigned sessions;         /* at once; more are refused (AKIRA_EBUSY at open) */
    uint32_t login_timeout_ms; /* to type the token */
    /* When every session is taken, a new stream ends a session still at the token
     * prompt (its open is still refused: the link retries, and finds that slot kept
     * for it): at once one nobody typed at, one being typed at only after this long. So
     * clients that connect and say nothing cannot keep the shell from its user. 0:
     * only the idle ones. */
    uint32_t login_busy_ms;
    /* Pending logins one address may hold (0: no limit); a further stream from it ends
     * its own oldest (idle first) instead of others'. */
    unsigned logins_per_peer;
    uint32_t idle_timeout_ms; /* silence that ends a session */
    uint32_t fail_delay_ms;   /* pause after a wrong token */
    void (*on_exit)(enum akira_shell_exit why);
};
/* Registers the handler. AKIRA_EBUSY when another one handles the kind. */
int akira_shell_service_start(struct akira_shell_service **out,
                              const struct akira_shell_service_config *cfg, const char *token);
/* Ends every session (links are hung up); call before the links stop. */
void akira_shell_service_stop(struct akira_shell_service *svc);
/* After the links stopped (no stream open): unregisters and frees. */
void akira_shell_service_destroy(struct akira_shell_service *svc);

/* tcp_shell.c: the TCP link that opens a shell stream per connection. */
struct akira_tcp_shell;
int akira_tcp_shell_start(struct akira_tcp_shell **out, const struct akira_net_addr *addr);
int akira_tcp_shell_addr(const struct akira_tcp_shell *s, struct akira_net_addr *out);
void akira_tcp_shell_stop(struct akira_tcp_shell *s);

#endif /* AKIRA_CONNECTIVITY_PRIV_H */

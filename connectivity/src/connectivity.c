/*
 * Connectivity bring-up: the device token, the serial management link, and (on a board
 * with sockets, connectivity_net.c) the two TCP transports (the HTTP API and the
 * network shell), registered with the transport registry and started.
 */
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/log.h>
#if AKIRA_CONNECTIVITY_FLEET
#include <akira/fleet.h>
#endif
#if AKIRA_CONNECTIVITY_MESH
#include <akira/mesh_service.h>
#endif
#include <akira/random.h>
#include <akira/serial_link.h>
#include <akira/settings.h>
#include <akira/storage.h>
#include <akira/transport.h>

#include "api_apps.h"
#include "connectivity_priv.h"

AKIRA_LOG_MODULE_REGISTER(connectivity);

static struct akira_connectivity_config config;
static struct akira_http_server *serial_api;
static struct akira_serial_link *serial_link;
static char token[AKIRA_HTTP_TOKEN_HEX_LEN + 1];

const struct akira_connectivity_config *akira_connectivity_config_get(void)
{
    return &config;
}

const char *akira_connectivity_token_str(void)
{
    return token;
}

int akira_connectivity_token(char *buf, size_t cap)
{
    if (!buf || cap < AKIRA_HTTP_TOKEN_HEX_LEN + 1) return AKIRA_ERANGE;
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    int n = st ? akira_settings_get(st, AKIRA_HTTP_TOKEN_KEY, buf, cap - 1) : AKIRA_ENODEV;
    akira_storage_unlock();
    if (n == AKIRA_ERANGE) return AKIRA_ECORRUPT;
    if (n < 0) return n;
    buf[n] = '\0';
    return n;
}

/* The stored token, or a new one stored now (*made tells). A stored value that is not
 * a token (someone wrote junk there) is replaced, so the device is never left without
 * a usable one. Power cut: the token is one settings set, which survives whole or not
 * at all; it is printed only after the set returned, so a printed token is a stored
 * one, and a cut before that makes (and prints) a fresh token at the next boot. */
static int token_load_or_make(bool *made)
{
    *made = false;
    char buf[AKIRA_HTTP_TOKEN_HEX_LEN + 8];
    int n = akira_connectivity_token(buf, sizeof(buf));
    if (n == AKIRA_HTTP_TOKEN_HEX_LEN && strspn(buf, "0123456789abcdef") == (size_t)n) {
        memcpy(token, buf, (size_t)n + 1);
        return 0;
    }
    if (n == AKIRA_ENODEV) return n;
    if (n >= 0 || n == AKIRA_ECORRUPT) AKIRA_LOG_WRN("stored token malformed: making a new one");
    unsigned char raw[AKIRA_HTTP_TOKEN_HEX_LEN / 2];
    int rc = akira_random_fill(raw, sizeof(raw));
    if (rc) return rc;
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(token + 2 * i, 3, "%02x", raw[i]);
    akira_storage_lock();
    struct akira_settings *st = akira_storage_settings();
    rc = st ? akira_settings_set(st, AKIRA_HTTP_TOKEN_KEY, token, AKIRA_HTTP_TOKEN_HEX_LEN)
            : AKIRA_ENODEV;
    akira_storage_unlock();
    if (rc) return rc;
    *made = true;
    return 0;
}

/* An HTTP server with the device API's routes and the token (not started). */
int akira_connectivity_api_create(struct akira_http_server **out,
                                  const struct akira_http_config *hc)
{
    struct akira_http_config c = *hc;
    akira_connectivity_read_auth_load();
    c.reads_need_token = akira_connectivity_read_auth_fn();
    int rc = akira_http_server_create(out, &c);
    if (rc) return rc;
    rc = akira_connectivity_api_routes(*out, &config);
    if (!rc) rc = akira_connectivity_hw_routes(*out, &config);
    if (!rc) rc = akira_connectivity_display_routes(*out, &config);
    if (!rc) rc = akira_connectivity_app_routes(*out);
    if (!rc) rc = akira_connectivity_key_routes(*out);
    if (!rc) rc = akira_connectivity_ota_routes(*out);
#if AKIRA_CONNECTIVITY_FLEET
    if (!rc) rc = akira_connectivity_fleet_routes(*out);
#endif
    if (!rc) rc = akira_http_server_token_set(*out, token);
    if (rc) {
        akira_http_server_destroy(*out);
        *out = NULL;
    }
    return rc;
}

#define SERIAL_RESUME_MS 30000

/* The serial link serves the same API through an HTTP instance without a socket:
 * one connection, a small head buffer, and the resume window as its idle timeout (a
 * session whose client is gone waits that long for it to come back). */
int akira_connectivity_stream_api_create(struct akira_http_server **out, uint32_t idle_ms)
{
    struct akira_http_config hc = akira_http_config_default((struct akira_net_addr){0});
    hc.workers = 1;
    hc.queue = 1;
    hc.head_max = 1024;
    hc.head_timeout_ms = idle_ms;
    hc.idle_timeout_ms = idle_ms;
    return akira_connectivity_api_create(out, &hc);
}

static int serial_start(void *ctx)
{
    (void)ctx;
    int rc = akira_connectivity_stream_api_create(&serial_api, SERIAL_RESUME_MS);
    if (rc) return rc;
    struct akira_serial_link_config sc = {.uart = config.serial_uart,
                                          .resume_ms = SERIAL_RESUME_MS,
                                          .api = serial_api,
                                          .worker_stack = AKIRA_BOARD_SERIAL_STACK_SIZE};
    rc = akira_serial_link_start(&serial_link, &sc);
    if (rc) {
        akira_http_server_destroy(serial_api);
        serial_api = NULL;
    }
    return rc;
}

static void serial_stop(void *ctx)
{
    (void)ctx;
    akira_serial_link_stop(serial_link);
    serial_link = NULL;
    akira_http_server_destroy(serial_api);
    serial_api = NULL;
}

int akira_connectivity_serial_stats(struct akira_serial_link_stats *out)
{
    if (!serial_link) return AKIRA_ENODEV;
    akira_serial_link_stats(serial_link, out);
    return 0;
}

const char *akira_connectivity_serial_uart(void)
{
    return serial_link ? config.serial_uart : NULL;
}

static const struct akira_transport serial_transport = {"serial", serial_start, serial_stop, NULL};

int akira_connectivity_start(const struct akira_connectivity_config *cfg, char *detail, size_t cap)
{
    if (!cfg) return AKIRA_EINVAL;
    config = *cfg;
    if (detail && cap) detail[0] = '\0';
    bool made;
    int rc = token_load_or_make(&made);
    if (rc) return rc;
    if (made && cfg->print) {
        char line[128];
        snprintf(line, sizeof(line), "       device token (shown once; later: `http token`): %s\n",
                 token);
        cfg->print(line);
    }
    if (cfg->http_port || cfg->serial_uart) rc = akira_app_upload_service_start();
#if AKIRA_CONNECTIVITY_NET
    if (!rc) rc = akira_connectivity_net_register();
#else
    if (!rc && (cfg->http_port || cfg->shell_port)) rc = AKIRA_ENOTSUP; /* no sockets here */
#endif
    if (!rc && cfg->serial_uart) rc = akira_transport_register(&serial_transport);
#if AKIRA_CONNECTIVITY_MESH
    if (!rc) rc = akira_mesh_service_register();
#endif
#if AKIRA_CONNECTIVITY_FLEET
    if (!rc) rc = akira_fleet_register();
#endif
    if (!rc) rc = akira_transport_start_all();
    if (detail && cap) {
        char h[24] = "off", sh[24] = "off";
        if (akira_connectivity_http_port())
            snprintf(h, sizeof(h), "127.0.0.1:%u", akira_connectivity_http_port());
        if (akira_connectivity_shell_port())
            snprintf(sh, sizeof(sh), "127.0.0.1:%u", akira_connectivity_shell_port());
        snprintf(detail, cap, "http %s, shell %s, serial %s", h, sh,
                 serial_link ? config.serial_uart : "off");
    }
    return rc;
}

void akira_connectivity_stop(void)
{
    akira_transport_stop_all();
#if AKIRA_CONNECTIVITY_NET
    akira_connectivity_net_unregister();
#endif
    akira_transport_unregister(&serial_transport);
#if AKIRA_CONNECTIVITY_MESH
    akira_mesh_service_unregister();
#endif
#if AKIRA_CONNECTIVITY_FLEET
    akira_fleet_unregister();
#endif
    akira_app_upload_service_stop();
}

#if !AKIRA_CONNECTIVITY_NET
/* A board without sockets runs neither service. */
uint16_t akira_connectivity_http_port(void)
{
    return 0;
}

uint16_t akira_connectivity_shell_port(void)
{
    return 0;
}
#endif

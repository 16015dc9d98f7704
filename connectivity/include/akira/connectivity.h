/*
 * Connectivity bring-up: the device's network services (the HTTP API and the network
 * shell over TCP), started by the board after the storage and the shell are up.
 *
 * The device token: made at first boot from the port's random source
 * (akira_random_fill), kept in settings under AKIRA_HTTP_TOKEN_KEY, shown once at
 * that boot through cfg->print (never through the log, which GET /api/logs serves)
 * and afterwards by the shell command `http token`. Every endpoint that changes the
 * device, and every network shell session, needs it.
 */
#ifndef AKIRA_CONNECTIVITY_H
#define AKIRA_CONNECTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/drivers/display.h>
#include <akira/shell.h>

#define AKIRA_HTTP_TOKEN_KEY "akira/http/token"
#define AKIRA_SECRET_PREFIX  "akira/security/"
/* "1": the API's reading routes (status, logs, apps, gpio, events...) need the token
 * too; anything else or absent: they are open (docs/dashboard.md). */
#define AKIRA_HTTP_READ_AUTH_KEY "akira/http/read_auth"
#define AKIRA_HTTP_TOKEN_HEX_LEN 32 /* 16 random bytes as hex */
/* "1": the plain (non-TLS) HTTP API and network shell may run on their ports; "0":
 * they do not start (only HTTPS and the TLS shell); absent: the board's default
 * (plain_default below). Read at start (docs/tls.md). */
#define AKIRA_NET_PLAIN_KEY "akira/net/plain"
/* The device's TLS identity (secrets: never served over the network). DER. */
#define AKIRA_TLS_KEY_KEY  AKIRA_SECRET_PREFIX "tls_key"
#define AKIRA_TLS_CERT_KEY AKIRA_SECRET_PREFIX "tls_cert"

struct akira_connectivity_config {
    const char *board;       /* board name for /api/status */
    const char *version;     /* firmware version for /api/status */
    uint16_t http_port;      /* 0: no HTTP server */
    uint16_t shell_port;     /* 0: no network shell */
    uint16_t https_port;     /* 0: no HTTPS API (docs/tls.md) */
    uint16_t shell_tls_port; /* 0: no network shell over TLS */
    /* Whether the plain HTTP API and shell run when AKIRA_NET_PLAIN_KEY is absent. */
    bool plain_default;
    /* "a.b.c.d:port" of an SNTP server for this run (NULL: the setting
     * akira/time/sntp, if any). */
    const char *sntp_server;
    /* The UART of the serial management link (docs/serial.md), NULL: none. The device
     * API over it needs no network. */
    const char *serial_uart;
    /* Console output that must not go to the log ring (the first-boot token line).
     * Called from the booting thread. */
    void (*print)(const char *line);
    /* A network shell session ran `poweroff` or `reboot`: the board shuts down (or
     * restarts) as if the console had. Called from the session's thread; must not
     * block on the connectivity services (they are stopped later, from the board). */
    void (*on_shell_exit)(enum akira_shell_exit why);
    /* Flash partitions are listed in /api/status when true. */
    bool list_partitions;
    /* Drives a pin of gpio0 from outside (POST /api/gpio/{pin}): level 0 or 1, or -1
     * to let go of it (it floats to its pull). Returns 0 or an akira_err_t. A board
     * that cannot (real hardware) leaves it NULL: 501. Called from an HTTP worker. */
    int (*gpio_drive)(unsigned pin, int level);
    /* What the panel shows, for GET /api/display.png and /api/display/changes (board
     * hooks because reading the picture back is the panel's bench side; NULL: 501).
     * display_png: area (x, y, w, h) (w, h 0: to the edge) as a PNG handed to write in pieces; 0,
     * or an akira_err_t (AKIRA_EINVAL: area not on the panel). display_changes: the areas changed
     * after change number since, waiting up to timeout_ms for one; returns how many (a whole-panel
     * area when more than max), *now the current number. Called from HTTP workers. */
    int (*display_png)(uint16_t x, uint16_t y, uint16_t w, uint16_t h,
                       int (*write)(void *ctx, const void *data, size_t len), void *ctx);
    int (*display_changes)(uint64_t since, int32_t timeout_ms, struct akira_display_area *out,
                           size_t max, uint64_t *now);
    /* One input action in the shell's words ("press select", "touch 120 80",
     * "release"), for POST /api/input; AKIRA_EINVAL with a reason in why. NULL: 501. */
    int (*input_apply)(const char *line, char *why, size_t why_len);
};

/*
 * Creates the token if missing, starts the HTTP server and the network shell on
 * 127.0.0.1 at the configured ports, and the serial management link on its UART. detail (cap bytes)
 * gets a line for the boot log
 * ("http 127.0.0.1:8080, shell 127.0.0.1:2323"). Returns 0 or the first error
 * (AKIRA_EBUSY: a port is in use; AKIRA_ENODEV: settings are not up, so no token).
 * Boot thread only.
 */
int akira_connectivity_start(const struct akira_connectivity_config *cfg, char *detail, size_t cap);

/* Adds the app API modules of this layer that this build has (the `mesh` module,
 * akira_mesh_api_register) to the native bridge. Boot thread, before the first app
 * starts (autostart); 0 or akira_bridge_register's error. */
int akira_connectivity_app_apis_register(void);
/* Graceful stop of the services (requests in progress get a short grace period). */
void akira_connectivity_stop(void);

/* The device token into buf (at least AKIRA_HTTP_TOKEN_HEX_LEN + 1 bytes). Returns
 * its length, AKIRA_ENODEV (settings not up), AKIRA_ENOENT (none made yet). */
int akira_connectivity_token(char *buf, size_t cap);

/* The serial management link's counters (akira/serial_link.h). 0, or AKIRA_ENODEV when
 * the link is not running. */
struct akira_serial_link_stats;
int akira_connectivity_serial_stats(struct akira_serial_link_stats *out);
/* Its UART's name, or NULL when the link is not running. */
const char *akira_connectivity_serial_uart(void);
/* The management API over BLE (the transport "ble", akira/ble_transport.h), on the
 * device's BLE host: call after akira_connectivity_start and akira_bt_start. Only in
 * builds with BLE (AKIRA_CONNECTIVITY_BLE). */
int akira_connectivity_ble_start(void);

/* The bound ports (0 when that service is not running): tests start on port 0. */
uint16_t akira_connectivity_http_port(void);
uint16_t akira_connectivity_shell_port(void);
uint16_t akira_connectivity_https_port(void);
uint16_t akira_connectivity_shell_tls_port(void);
/* Deletes the device's TLS key and certificate from settings: the next start makes a
 * new pair (a new fingerprint every host must re-pin). The running services keep the
 * old one until then. AKIRA_ENOENT without TLS. */
int akira_connectivity_tls_forget(void);
/* TLS sessions open now and handshakes that failed since start (HTTPS and TLS shell
 * together); 0 and 0 without TLS services. */
void akira_connectivity_tls_counts(unsigned *open, unsigned long *failed);
/* Whether the plain HTTP API and shell were allowed at start. */
bool akira_connectivity_plain_on(void);

/* The device certificate's SHA-256 fingerprint ("AB:CD:...", AKIRA_TLS_FP_HEX_MAX
 * bytes) into buf. AKIRA_ENOENT when there is no TLS identity (no network build). */
int akira_connectivity_tls_fingerprint(char *buf, size_t cap);

#endif /* AKIRA_CONNECTIVITY_H */

/*
 * native_sim command line: --flash, --http-port, --shell-port, --serial-uart,
 * --log-level, --install, --radio, --radio-pos, --radio-tx-power, --radio-node, --mqtt,
 * --help.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <akira/board_config.h>
#include <akira/err.h>
#include <akira/log.h>
#include <akira/native_sim.h>

#include "board.h"

static const char usage[] =
    "usage: akiraos [OPTIONS]\n"
    "Boot AkiraOS on the native_sim board; the shell runs on stdin/stdout.\n"
    "\n"
    "  --flash FILE        flash image (created filled with 0xFF when absent)\n"
    "  --http-port N       run the HTTP API on 127.0.0.1:N, 1..65535 (off when absent)\n"
    "  --shell-port N      run the network shell on 127.0.0.1:N (off when absent)\n"
    "  --serial-uart NAME  UART of the serial management link, or off (default mgmt,\n"
    "                      a host pty whose path the boot prints)\n"
    "  --log-level LEVEL   default log level: none, err, wrn, inf, dbg (default inf)\n"
    "  --install FILE      install the app package FILE at boot unless an app of its\n"
    "                      name is installed (repeatable, at most 16)\n"
    "  --radio SOCK        join the radio medium whose akira-radio listens on the Unix\n"
    "                      socket SOCK (no radio when absent)\n"
    "  --radio-pos X,Y     this node's position on the medium in metres (default 0,0)\n"
    "  --radio-tx-power DBM  TX power, -40..20 dBm (default 0)\n"
    "  --radio-node N      node id on the medium, 1..65535 (default: the medium assigns)\n"
    "  --mqtt ADDR:PORT    the fleet's MQTT broker (a.b.c.d:port), stored in the setting\n"
    "                      akira/fleet/broker at boot (docs/fleet.md)\n"
    "  -h, --help          print this help and exit\n"
    "\n"
    "Exit status: 0 poweroff/EOF/SIGTERM, 1 boot failure, 2 bad usage,\n"
    "3 hardware watchdog reset.\n";

const char *akira_board_usage(void)
{
    return usage;
}

static int fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t size, const char *fmt, ...)
{
    if (size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, size, fmt, ap);
        va_end(ap);
    }
    return AKIRA_EINVAL;
}

static bool parse_port(const char *s, uint16_t *out)
{
    if (!s || *s == '\0') return false;
    unsigned v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (unsigned)(*p - '0');
        if (v > 65535) return false;
    }
    if (v == 0) return false;
    *out = (uint16_t)v;
    return true;
}

enum opt_id {
    OPT_FLASH,
    OPT_HTTP_PORT,
    OPT_SHELL_PORT,
    OPT_SERIAL_UART,
    OPT_LOG_LEVEL,
    OPT_INSTALL,
    OPT_RADIO,
    OPT_RADIO_POS,
    OPT_RADIO_TX_POWER,
    OPT_RADIO_NODE,
    OPT_MQTT,
    OPT_HELP
};

static const struct {
    const char *name;
    enum opt_id id;
    bool has_value;
} opts[] = {
    {"--flash", OPT_FLASH, true},
    {"--http-port", OPT_HTTP_PORT, true},
    {"--shell-port", OPT_SHELL_PORT, true},
    {"--serial-uart", OPT_SERIAL_UART, true},
    {"--log-level", OPT_LOG_LEVEL, true},
    {"--install", OPT_INSTALL, true},
    {"--radio", OPT_RADIO, true},
    {"--radio-pos", OPT_RADIO_POS, true},
    {"--radio-tx-power", OPT_RADIO_TX_POWER, true},
    {"--radio-node", OPT_RADIO_NODE, true},
    {"--mqtt", OPT_MQTT, true},
    {"--help", OPT_HELP, false},
    {"-h", OPT_HELP, false},
};

int akira_board_options_parse(struct akira_board_options *out, int argc, char *const argv[],
                              char *err, size_t err_size)
{
    struct akira_board_options o = {
        .flash_path = NULL,
        .http_port = AKIRA_BOARD_HTTP_PORT_DEFAULT,
        .shell_port = AKIRA_BOARD_SHELL_PORT_DEFAULT,
        .serial_uart = AKIRA_BOARD_SERIAL_MGMT_UART,
        .log_level = -1,
        .help = false,
    };
    if (err_size > 0) err[0] = '\0';

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        size_t k;
        for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
            if (strlen(opts[k].name) == name_len && strncmp(opts[k].name, arg, name_len) == 0) {
                break;
            }
        }
        if (k == sizeof(opts) / sizeof(opts[0])) {
            if (arg[0] == '-') return fail(err, err_size, "unknown option '%s'", arg);
            return fail(err, err_size, "unexpected argument '%s'", arg);
        }
        const char *value = NULL;
        if (opts[k].has_value) {
            if (eq) {
                value = eq + 1;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return fail(err, err_size, "option '%s' needs a value", opts[k].name);
            }
        } else if (eq) {
            return fail(err, err_size, "option '%s' takes no value", opts[k].name);
        }

        switch (opts[k].id) {
        case OPT_FLASH:
            if (value[0] == '\0') return fail(err, err_size, "--flash needs a file name");
            o.flash_path = value;
            break;
        case OPT_HTTP_PORT:
            if (!parse_port(value, &o.http_port)) {
                return fail(err, err_size, "--http-port '%s' is not a port (1..65535)", value);
            }
            o.http_port_set = true;
            break;
        case OPT_SHELL_PORT:
            if (!parse_port(value, &o.shell_port)) {
                return fail(err, err_size, "--shell-port '%s' is not a port (1..65535)", value);
            }
            o.shell_port_set = true;
            break;
        case OPT_SERIAL_UART:
            if (value[0] == '\0')
                return fail(err, err_size, "--serial-uart needs a UART name or off");
            o.serial_uart = strcmp(value, "off") == 0 ? NULL : value;
            break;
        case OPT_LOG_LEVEL: {
            int level = akira_log_level_parse(value);
            if (level < 0) {
                return fail(err, err_size,
                            "--log-level '%s' is not a level (none, err, wrn, inf, dbg)", value);
            }
            o.log_level = level;
            break;
        }
        case OPT_INSTALL:
            if (value[0] == '\0') return fail(err, err_size, "--install needs a file name");
            if (o.install_count == AKIRA_BOARD_INSTALL_MAX)
                return fail(err, err_size, "at most %d --install options", AKIRA_BOARD_INSTALL_MAX);
            o.install[o.install_count++] = value;
            break;
        case OPT_RADIO:
            if (value[0] == '\0') return fail(err, err_size, "--radio needs a socket path");
            o.radio_socket = value;
            break;
        case OPT_RADIO_POS: {
            double x, y;
            char tail;
            if (sscanf(value, "%lf,%lf%c", &x, &y, &tail) != 2 || x < -1e6 || x > 1e6 || y < -1e6 ||
                y > 1e6) {
                return fail(err, err_size, "--radio-pos '%s' is not X,Y in metres", value);
            }
            o.radio_x_cm = (int32_t)(x * 100.0);
            o.radio_y_cm = (int32_t)(y * 100.0);
            break;
        }
        case OPT_RADIO_TX_POWER: {
            int v;
            char tail;
            if (sscanf(value, "%d%c", &v, &tail) != 1 || v < -40 || v > 20)
                return fail(err, err_size, "--radio-tx-power '%s' is not -40..20 dBm", value);
            o.radio_tx_power = (int8_t)v;
            break;
        }
        case OPT_RADIO_NODE: {
            uint16_t n;
            if (!parse_port(value, &n))
                return fail(err, err_size, "--radio-node '%s' is not 1..65535", value);
            o.radio_node = n;
            break;
        }
        case OPT_MQTT: {
            unsigned a, b, c, d, port;
            char tail;
            if (sscanf(value, "%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &port, &tail) != 5 || a > 255 ||
                b > 255 || c > 255 || d > 255 || port == 0 || port > 65535)
                return fail(err, err_size, "--mqtt '%s' is not ADDR:PORT (a.b.c.d:port)", value);
            o.mqtt = value;
            break;
        }
        case OPT_HELP: o.help = true; break;
        }
    }
    *out = o;
    return 0;
}

/* Defaults until main commits the parsed command line. */
static struct akira_board_options current = {
    .flash_path = NULL,
    .http_port = AKIRA_BOARD_HTTP_PORT_DEFAULT,
    .shell_port = AKIRA_BOARD_SHELL_PORT_DEFAULT,
    .serial_uart = AKIRA_BOARD_SERIAL_MGMT_UART,
    .log_level = -1,
};

const struct akira_board_options *akira_board_options(void)
{
    return &current;
}

void board_options_commit(const struct akira_board_options *o)
{
    current = *o;
}

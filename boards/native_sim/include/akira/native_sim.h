/*
 * native_sim board: command-line options, board state, exit statuses.
 *
 * native_sim is AkiraOS as one Linux process. Its main (boards/native_sim/src/main.c)
 * parses the options, boots the layers and runs the shell on stdin/stdout. Drivers of
 * this board (the simulated flash, the network servers later) read the options the
 * process was started with through akira_board_options(); they are set before any
 * device init runs and never change afterwards, so any thread may read them.
 */
#ifndef AKIRA_NATIVE_SIM_H
#define AKIRA_NATIVE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Process exit statuses: what the simulated device "did". */
#define AKIRA_BOARD_EXIT_OK       0 /* poweroff, EOF on stdin, SIGTERM/SIGINT/SIGHUP */
#define AKIRA_BOARD_EXIT_BOOT     1 /* a layer failed to start, or reboot (exec) failed */
#define AKIRA_BOARD_EXIT_USAGE    2 /* bad command line */
#define AKIRA_BOARD_EXIT_WATCHDOG 3 /* the hardware watchdog was not fed in time */

#define AKIRA_BOARD_HTTP_PORT_DEFAULT  8080
#define AKIRA_BOARD_SHELL_PORT_DEFAULT 2323

#define AKIRA_BOARD_INSTALL_MAX 16 /* --install options accepted */

struct akira_board_options {
    const char *flash_path; /* --flash FILE: the flash image; NULL when not given */
    uint16_t http_port;     /* --http-port N, 1..65535 */
    uint16_t shell_port;    /* --shell-port N, 1..65535 */
    bool http_port_set;     /* --http-port given: the HTTP server runs (else not) */
    bool shell_port_set;    /* --shell-port given: the network shell runs (else not) */
    /* --serial-uart NAME: the serial management link's UART (default the board
     * config's AKIRA_BOARD_SERIAL_MGMT_UART); NULL with `off`. */
    const char *serial_uart;
    int log_level; /* --log-level LEVEL as an akira_log_level; -1 when not given */
    bool help;     /* --help / -h */
    /* --mqtt ADDR:PORT: the fleet's broker, stored at boot; NULL when absent. */
    const char *mqtt;
    /* --install FILE, repeatable: packages installed at boot unless an app of that
     * name is installed already (scripts/run.sh passes the SDK examples). */
    const char *install[AKIRA_BOARD_INSTALL_MAX];
    unsigned install_count;
    /* The radio medium (docs/ble.md): --radio SOCK, the broker's Unix socket (NULL: no
     * radio); --radio-pos X,Y in metres (kept in cm); --radio-tx-power DBM (default 0);
     * --radio-node N (0: the medium assigns one). */
    const char *radio_socket;
    int32_t radio_x_cm, radio_y_cm;
    int8_t radio_tx_power;
    uint16_t radio_node;
};

/*
 * Parses argv[1..argc-1] into *out (defaults first). Accepts "--opt VALUE" and
 * "--opt=VALUE". Returns 0, or AKIRA_EINVAL with a one-line reason in err (unknown
 * option, missing value, port not a number in 1..65535, unknown log level, stray
 * argument). argv is not modified; out keeps pointers into it.
 */
int akira_board_options_parse(struct akira_board_options *out, int argc, char *const argv[],
                              char *err, size_t err_size);

/* The --help text. */
const char *akira_board_usage(void);

/* The options this process booted with (set by main before devices start). */
const struct akira_board_options *akira_board_options(void);

/*
 * Makes sure the flash image at path exists with `size` bytes, and locks it for this
 * process. Creates it filled with the erased value (0xFF) when absent - written to a
 * temporary file and linked into place, so a crash never leaves a short image.
 * *created tells whether it was made now. The lock (flock, held until exit; a reboot's
 * exec drops it and the new image takes it again) refuses a second process on the same
 * image, which would otherwise boot and lose its writes to the first. Returns 0,
 * AKIRA_EINVAL (not a regular file, or another size: refuse rather than guess; the file
 * is left as it is), AKIRA_EBUSY (another process has it) or AKIRA_EIO (host I/O
 * error); on failure `why` (cap bytes) gets a sentence for the user saying which, with
 * the expected and actual sizes for a wrong size.
 */
int akira_board_flash_image_prepare(const char *path, size_t size, bool *created, char *why,
                                    size_t cap);

/*
 * Hardware watchdog (device AKIRA_HWWDT_DEVICE_NAME, "wdt0", at PRE_KERNEL): a host
 * thread counts down from each feed. When it reaches zero the expiry hook runs on
 * that thread; the default hook logs an error line and ends the process with
 * AKIRA_BOARD_EXIT_WATCHDOG, as a real watchdog resets the chip. Tests replace the
 * hook to observe expiries without dying; NULL restores the default. After the hook
 * returns the watchdog is disarmed until the next setup.
 */
typedef void (*akira_board_hwwdt_hook_fn)(uint32_t timeout_ms);
void akira_board_hwwdt_hook_set(akira_board_hwwdt_hook_fn hook);

#endif /* AKIRA_NATIVE_SIM_H */

/*
 * The app manifest: what an app is and what it may do, carried inside its own .wasm.
 *
 * Format. A custom section named "akira-manifest" whose payload is UTF-8 text, one
 * `key: value` per line (LF or CRLF; blank lines and lines starting with '#' ignored;
 * spaces around key and value trimmed). Keys, each at most once:
 *
 *   name          required; 1..AKIRA_APP_NAME_MAX chars of [a-z0-9_-], starting with a
 *                 letter. The app's identity in the store, the shell, HTTP and the fs.
 *   version       required; 1..AKIRA_APP_VERSION_MAX printable chars, no spaces.
 *   entry         export called to run the app; default "_start" (wasi-libc's entry
 *                 for a command) or, when absent from the module, "main".
 *   capabilities  comma list of names from akira/caps.h; empty or absent: none.
 *   memory_quota  bytes charged to the app in all (linear memory, stacks, runtime
 *                 allocations, app heap); a number with optional K or M suffix
 *                 (binary: 64K = 65536). Default 256K. Must lie within the board's
 *                 AKIRA_BOARD_APP_MEM_QUOTA_MIN..MAX.
 *   stack_size    WASM operand stack in bytes (same number syntax); default 16K,
 *                 range 4K..256K. Charged to memory_quota.
 *   heap_size     app heap (memory API) in bytes; default 0; charged to memory_quota.
 *   thread_stack  native stack of the app's thread in bytes (number syntax as
 *                 memory_quota), a whole number of KiB within the board's
 *                 AKIRA_BOARD_APP_THREAD_STACK_MIN..MAX; absent: the board's default
 *                 (stored as 0 here, in KiB). Native (AOT) code
 *                 recurses on it: a larger one lets it go deeper (docs/aot.md). A stack
 *                 above the board's default is charged whole to memory_quota at start
 *                 (and, on an MCU, taken from the app heap pool, not the system's RAM).
 *                 Not with wasi-libc (its malloc would overlap it): refused at start.
 *   autostart     true|false; default false. Started by the app manager at boot.
 *   restart       `never` (default) or `on-failure` optionally followed by
 *                 `max_retries=N` (0..100, default 3) and `delay_ms=N` (0..3600000,
 *                 default 1000), space separated; the delay doubles after each retry.
 *   description   free text, at most AKIRA_APP_DESC_MAX bytes.
 *   author        free text, at most AKIRA_APP_AUTHOR_MAX bytes.
 *   tier          `auto` (default: the native code the package carries for this board,
 *                 if valid, else the interpreter) or `interp` (always the interpreter).
 *
 * Storage limits (issue 21; absent: the board's default, stored as 0 here):
 *   storage_files      files and directories the app may hold, within the board's
 *                      AKIRA_BOARD_APP_FILES_MIN..MAX.
 *   settings_keys      settings keys it may hold, AKIRA_BOARD_APP_SETTINGS_KEYS_MIN..MAX.
 *   flash_write_rate   write budget refill in bytes per second (number syntax as
 *                      memory_quota), AKIRA_BOARD_APP_FLASH_RATE_MIN..MAX.
 *   flash_write_burst  most the budget holds, AKIRA_BOARD_APP_FLASH_BURST_MIN..MAX.
 *
 * Hardware and network narrowing (issue 7). A capability says which API module an app
 * may call; these keys say which pins, buses, addresses, channels, sensors and hosts it
 * may use through it. A capability without its list grants nothing: every pin, bus,
 * sensor or host is refused with AKIRA_EACCES (the safe default - an app names what
 * it touches). A list without its capability grants nothing either. Lists are comma
 * separated, spaces around items ignored, an item given twice is an error. Device
 * names are 1..AKIRA_MANIFEST_DEV_NAME_MAX chars of [a-z0-9_] starting with a letter;
 * numbers are decimal or 0x hex.
 *   gpio_pins     pins of the board's GPIO port "gpio0": numbers 0..31 and ranges
 *                 `a-b` (a <= b), e.g. `2,13,20-23`.
 *   i2c           BUS:ADDR items, ADDR a 7-bit target 0x00..0x7f, e.g.
 *                 `i2c0:0x76, i2c0:0x6a`, or BUS:* (every address of that bus, as
 *                 upstream AkiraOS's `i2c` capability grants; an address of a bus that
 *                 also has BUS:* is an error); at most AKIRA_MANIFEST_I2C_MAX.
 *   uart          UART device names, e.g. `uart0`; at most AKIRA_MANIFEST_UARTS_MAX.
 *   pwm           DEV:CHANNELS items, CHANNELS a number 0..15 or a range `a-b`, e.g.
 *                 `pwm0:0-3`; a device may appear in several items (their channels
 *                 add up); at most AKIRA_MANIFEST_PWM_MAX devices.
 *   sensors       sensor device names, e.g. `bme280, lsm6ds3`; at most
 *                 AKIRA_MANIFEST_SENSORS_MAX.
 *   net_hosts     HOST:PORT items, HOST a dotted IPv4 address or `localhost` (the same
 *                 as 127.0.0.1), PORT 1..65535 or `*` (any port of that host), e.g.
 *                 `127.0.0.1:8080, localhost:*`; at most AKIRA_MANIFEST_NET_HOSTS_MAX.
 *                 There is no host wildcard and no DNS: an app names every address.
 *                 Addresses that are not one remote host are refused (AKIRA_EINVAL):
 *                 0.0.0.0/8 (0.0.0.0 reaches the device's own services on Linux),
 *                 loopback aliases other than 127.0.0.1, 255.255.255.255, multicast
 *                 224.0.0.0/4 and reserved 240.0.0.0/4.
 *                 A UDP socket may only send to and receive from these endpoints; a
 *                 TCP socket may only connect to them (apps cannot listen).
 *   ipc_publish   topics the app may publish on, ipc_subscribe: topics it may subscribe
 *   ipc_subscribe to (API module "ipc"; capability "ipc" needed as well). Items are
 *                 topic names (akira/app_ipc.h syntax), a topic name followed by '/'
 *                 and '*' (every topic below it: `chat/` `*` covers chat/a and
 *                 chat/a/b, not chat) or a lone `*` (every topic); at most
 *                 AKIRA_MANIFEST_TOPICS_MAX each. Topics under
 *                 "sys/" (and "sys") are reserved for the system: no ipc_publish item
 *                 may cover one (`*` in ipc_publish covers every other topic), while
 *                 ipc_subscribe may name them. A call on a topic the list does not
 *                 cover is AKIRA_EACCES, counted and logged like other denials.
 *   ble_services  GATT service UUIDs the app may define (API module "ble", capability
 *                 "ble"): 16-bit ones as 4 hex digits (`181a`), 128-bit ones in the
 *                 8-4-4-4-12 form; at most AKIRA_MANIFEST_BLE_SERVICES_MAX. A 16-bit
 *                 UUID and its 128-bit form (Bluetooth base UUID) are the same item.
 *   ble_scan      true: the app may scan (default false).
 *   mqtt_topics   topics below the app's MQTT prefix akira/<device>/app/<name>/ it may
 *                 publish and subscribe on (API module "mqtt", capability "mqtt",
 *                 docs/fleet.md); items as for ipc_publish (topic, PREFIX/ `*`, `*`),
 *                 at most AKIRA_MANIFEST_TOPICS_MAX.
 *   rf_channels   raw radio channels (API module "rf", capability "rf"): numbers
 *                 0..125 (frequency 2400 + n MHz) and ranges `a-b`, e.g. `3, 4, 10-12`.
 *   mesh_topics   topics the app may send on and receive across AkiraMesh (API module
 *                 "mesh", capability "mesh"); items as in ipc_subscribe (a topic,
 *                 PREFIX/`*` or `*`), at most AKIRA_MANIFEST_TOPICS_MAX.
 *
 * An unknown key, a repeated key, a missing required key, a value out of range, a
 * line without ':' or text that is not UTF-8 are errors; the error names the field
 * (or line) and says why. The sum stack_size + heap_size + one 64 KiB page (+
 * thread_stack when given) must fit memory_quota.
 *
 * Who calls: the app store (install) and `akira pack` (host tool, before embedding).
 * Pure function of its input: no allocation, no I/O, any thread.
 */
#ifndef AKIRA_MANIFEST_H
#define AKIRA_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/caps.h>

#define AKIRA_MANIFEST_SECTION  "akira-manifest"
#define AKIRA_SIGNATURE_SECTION "akira-signature"
/* Native code for one target: "akira-aot.x86_64", ... (docs/aot.md); before the
 * signature, so the signature covers it. */
#define AKIRA_AOT_SECTION_PREFIX "akira-aot."

#define AKIRA_APP_NAME_MAX    31u
#define AKIRA_APP_VERSION_MAX 23u
#define AKIRA_APP_ENTRY_MAX   63u
#define AKIRA_APP_DESC_MAX    127u
#define AKIRA_APP_AUTHOR_MAX  63u
/* Largest manifest section payload accepted (bounded RAM when streaming it in). */
#define AKIRA_MANIFEST_MAX 2048u

#define AKIRA_MANIFEST_DEV_NAME_MAX     15u
#define AKIRA_MANIFEST_I2C_MAX          8u
#define AKIRA_MANIFEST_UARTS_MAX        4u
#define AKIRA_MANIFEST_PWM_MAX          4u
#define AKIRA_MANIFEST_PWM_CHANNEL_MAX  15u /* highest channel number a `pwm` item names */
#define AKIRA_MANIFEST_SENSORS_MAX      4u
#define AKIRA_MANIFEST_NET_HOSTS_MAX    8u
#define AKIRA_MANIFEST_TOPICS_MAX       4u  /* items of ipc_publish, of ipc_subscribe */
#define AKIRA_MANIFEST_TOPIC_MAX        31u /* bytes of a topic (= AKIRA_IPC_TOPIC_MAX) */
#define AKIRA_MANIFEST_BLE_SERVICES_MAX 4u
#define AKIRA_MANIFEST_RF_CHANNEL_MAX   125u /* highest `rf_channels` number: 2525 MHz */
/* Topics under this prefix (and "sys" itself) are the system's: no app publishes there. */
#define AKIRA_IPC_SYSTEM_PREFIX "sys"

/* One `i2c` item: a target address on a named bus, or AKIRA_MANIFEST_I2C_ANY (BUS:*). */
#define AKIRA_MANIFEST_I2C_ANY 0xFFu
struct akira_manifest_i2c {
    char bus[AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    uint8_t addr;
};

/* The `pwm` channels of one controller, bit n = channel n. */
struct akira_manifest_pwm {
    char dev[AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    uint32_t channels;
};

/* One `net_hosts` item. */
struct akira_manifest_host {
    uint8_t ip[4];
    uint16_t port; /* 0: any port */
};

enum akira_restart_policy {
    AKIRA_RESTART_NEVER = 0,
    AKIRA_RESTART_ON_FAILURE = 1,
};

struct akira_manifest {
    char name[AKIRA_APP_NAME_MAX + 1];
    char version[AKIRA_APP_VERSION_MAX + 1];
    char entry[AKIRA_APP_ENTRY_MAX + 1]; /* "" when absent: _start, else main */
    akira_caps_t caps;
    uint32_t memory_quota; /* bytes */
    uint32_t stack_size;   /* bytes */
    uint32_t heap_size;    /* bytes */
    bool autostart;
    enum akira_restart_policy restart;
    uint16_t thread_stack_kib; /* KiB; 0: the board's default (in a hole of the layout) */
    uint32_t restart_max_retries;
    uint32_t restart_delay_ms;
    char description[AKIRA_APP_DESC_MAX + 1];
    char author[AKIRA_APP_AUTHOR_MAX + 1];
    bool force_interp; /* tier: interp */
    /* Storage limits; 0: the board's default. */
    uint32_t storage_files, settings_keys, flash_write_rate, flash_write_burst;
    /* Narrowing of the hardware and network capabilities (see above); the n_* counts
     * say how many entries of each array are used, the rest is zero. */
    uint32_t gpio_pins; /* bit n = pin n of gpio0 */
    uint8_t n_i2c, n_uarts, n_pwm, n_sensors, n_net_hosts;
    struct akira_manifest_i2c i2c[AKIRA_MANIFEST_I2C_MAX];
    char uarts[AKIRA_MANIFEST_UARTS_MAX][AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    struct akira_manifest_pwm pwm[AKIRA_MANIFEST_PWM_MAX];
    char sensors[AKIRA_MANIFEST_SENSORS_MAX][AKIRA_MANIFEST_DEV_NAME_MAX + 1];
    struct akira_manifest_host net_hosts[AKIRA_MANIFEST_NET_HOSTS_MAX];
    uint8_t n_ipc_pub, n_ipc_sub;
    /* Items as written: a topic, a topic + "/" + "*", or "*" (hence + 3). */
    char ipc_pub[AKIRA_MANIFEST_TOPICS_MAX][AKIRA_MANIFEST_TOPIC_MAX + 3];
    char ipc_sub[AKIRA_MANIFEST_TOPICS_MAX][AKIRA_MANIFEST_TOPIC_MAX + 3];
    /* ble_services as 128-bit UUIDs, little endian (16-bit ones on the base UUID);
     * ble_scan. */
    uint8_t n_ble_services;
    bool ble_scan;
    uint8_t ble_services[AKIRA_MANIFEST_BLE_SERVICES_MAX][16];
    uint8_t n_mqtt_topics;
    char mqtt_topics[AKIRA_MANIFEST_TOPICS_MAX][AKIRA_MANIFEST_TOPIC_MAX + 3];
    uint32_t rf_channels[4]; /* bit n % 32 of word n / 32: channel n */
    uint8_t n_mesh_topics;
    char mesh_topics[AKIRA_MANIFEST_TOPICS_MAX][AKIRA_MANIFEST_TOPIC_MAX + 3];
    /* Apps built for upstream AkiraOS (akira/compat.h), set only by a ".akira.manifest":
     * the env ABI's entry names and errno values, upstream's capability bits for the
     * env natives' finer checks, and the capability strings that grant nothing here
     * (unknown, or a subsystem this firmware lacks), reported at install. */
    bool compat;
    uint64_t compat_caps;
    char compat_ignored[64];
};

/* Where parsing failed: the field (key) or, for a line that has none, "line N". */
struct akira_manifest_error {
    char field[32];
    char reason[96];
};

/*
 * Parse manifest text. On success fills `out` (defaults for absent keys) and returns
 * AKIRA_OK. On failure returns AKIRA_EFORMAT (bad syntax or value), AKIRA_ERANGE (a
 * number out of range) or AKIRA_ETOOBIG (len > AKIRA_MANIFEST_MAX), fills `err` when
 * not NULL, and leaves `out` unspecified.
 */
int akira_manifest_parse(const char *text, size_t len, struct akira_manifest *out,
                         struct akira_manifest_error *err);

/*
 * Write `m` back as manifest text (the canonical form: every key, defaults included,
 * except `entry` when it is "" since its default depends on the module, and the
 * hardware/network lists when they are empty) into buf,
 * NUL-terminated. Returns the text's length (without the NUL) or AKIRA_ERANGE when cap
 * cannot hold text and NUL. Parsing the result gives `m` again (for any `m` that parse
 * could have produced; AKIRA_MANIFEST_MAX bytes always suffice).
 */
int akira_manifest_format(const struct akira_manifest *m, char *buf, size_t cap);

/* What the lists allow (for the API modules; names are NUL-terminated device names).
 * A false answer is the module's AKIRA_EACCES. */
bool akira_manifest_gpio_allowed(const struct akira_manifest *m, uint32_t pin);
bool akira_manifest_i2c_allowed(const struct akira_manifest *m, const char *bus, uint32_t addr);
bool akira_manifest_uart_allowed(const struct akira_manifest *m, const char *dev);
bool akira_manifest_pwm_allowed(const struct akira_manifest *m, const char *dev, uint32_t channel);
bool akira_manifest_sensor_allowed(const struct akira_manifest *m, const char *dev);
bool akira_manifest_host_allowed(const struct akira_manifest *m, const uint8_t ip[4],
                                 uint16_t port);
/* Whether topic[0..len) (a valid topic) is covered by the manifest's ipc_publish
 * (publish true) or ipc_subscribe list. */
bool akira_manifest_topic_allowed(const struct akira_manifest *m, bool publish, const char *topic,
                                  size_t len);
/* Whether mqtt_topics covers topic[0..len) (relative to the app's prefix); a topic
 * ending in "/" "*" (a subscription to all below) must be covered whole by one item. */
bool akira_manifest_mqtt_allowed(const struct akira_manifest *m, const char *topic, size_t len);

/* Whether the manifest's ble_services names uuid (len 2 or 16 bytes, little endian). */
bool akira_manifest_ble_service_allowed(const struct akira_manifest *m, const uint8_t *uuid,
                                        size_t len);
/* uuid (2 or 16 bytes, little endian) as 16 bytes on the Bluetooth base UUID; false for
 * another length. */
bool akira_manifest_uuid128(const uint8_t *uuid, size_t len, uint8_t out[16]);

/* Whether `rf_channels` names channel (0..AKIRA_MANIFEST_RF_CHANNEL_MAX). */
bool akira_manifest_rf_channel_allowed(const struct akira_manifest *m, uint32_t channel);
/* Whether topic[0..len) (a valid topic) is covered by the manifest's mesh_topics. */
bool akira_manifest_mesh_topic_allowed(const struct akira_manifest *m, const char *topic,
                                       size_t len);

/* Check a topic name (len bytes, need not be NUL-terminated): 0, AKIRA_EINVAL (empty,
 * a character outside [a-z0-9_-./], an empty segment), AKIRA_ENAMETOOLONG. The one
 * syntax of IPC topics (akira_ipc_topic_check is this). */
int akira_manifest_topic_check(const char *topic, size_t len);

#endif /* AKIRA_MANIFEST_H */

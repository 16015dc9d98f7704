/*
 * The fleet agent (docs/fleet.md): the device's side of `akira fleet`, over the MQTT
 * client (akira/mqtt.h). It publishes the device's status and apps (retained, with a
 * last will that marks it offline), telemetry and log lines, and runs the signed
 * commands that arrive on akira/<id>/cmd, answering each on akira/<id>/result.
 *
 * It runs when akira/fleet/broker is set (board option --mqtt, shell `fleet broker`,
 * PUT /api/fleet), as a transport of the connectivity services (started and stopped
 * with them). Commands are verified with Ed25519 against the keys under
 * akira/fleet/keys/ (libsodium; the fleet exists in builds with sockets and libsodium
 * only), refused when their ts is not above akira/fleet/last_ts (kept in settings) or
 * when their `to` names another device.
 *
 * Threads: every call below may come from any thread.
 */
#ifndef AKIRA_FLEET_H
#define AKIRA_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKIRA_FLEET_BROKER_KEY    "akira/fleet/broker"
#define AKIRA_FLEET_ID_KEY        "akira/fleet/id"
#define AKIRA_FLEET_TAGS_KEY      "akira/fleet/tags"
#define AKIRA_FLEET_KEYS_PREFIX   "akira/fleet/keys/"
#define AKIRA_FLEET_TS_KEY        "akira/fleet/last_ts"
#define AKIRA_FLEET_TELEM_KEY     "akira/fleet/telemetry_s"
#define AKIRA_FLEET_USER_KEY      "akira/fleet/user"
#define AKIRA_FLEET_PASSWORD_KEY  "akira/security/fleet/password" /* a secret */
#define AKIRA_FLEET_KEEPALIVE_KEY "akira/fleet/keepalive_s"       /* 2..3600 s, default 30 */
/* "1": the broker connection is TLS (akira/mqtt_tls.h), checked by a CA (PEM or DER),
 * a pin (SHA-256 of the broker's certificate, hex) or both; tls_name is the name the
 * CA-checked certificate must carry (and SNI). docs/fleet.md, "TLS". */
#define AKIRA_FLEET_TLS_KEY          "akira/fleet/tls"
#define AKIRA_FLEET_TLS_CA_KEY       "akira/fleet/tls_ca"
#define AKIRA_FLEET_TLS_PIN_KEY      "akira/fleet/tls_pin"
#define AKIRA_FLEET_TLS_NAME_KEY     "akira/fleet/tls_name"
#define AKIRA_FLEET_TLS_CA_MAX       2048u /* bytes of tls_ca the agent reads */
#define AKIRA_FLEET_ID_MAX           32u   /* [a-z0-9-]{1,32} */
#define AKIRA_FLEET_TAGS_MAX         8u
#define AKIRA_FLEET_TAG_MAX          16u
#define AKIRA_FLEET_KEY_NAME_MAX     31u /* [A-Za-z0-9_.-]{1,31} */
#define AKIRA_FLEET_KEYS_MAX         4u
#define AKIRA_FLEET_CHUNK_MAX        4096u
#define AKIRA_FLEET_CHUNK_TIMEOUT_MS 60000u
#define AKIRA_FLEET_LOG_PER_S        5u /* log lines published per second at most */

/* ---- pure parts (fleet_cmd.c; unit-tested) ---------------------------------------- */

/* Whether s is a device id ([a-z0-9-]{1,32}), a tag list ("a,b": [a-z0-9-]{1,16}
 * each, at most 8; "" is no tags), a key name. */
bool akira_fleet_id_ok(const char *s);
bool akira_fleet_tags_ok(const char *s);
bool akira_fleet_key_name_ok(const char *s);

/*
 * A flat JSON object's members, one call per member: key, and the value as text
 * (a string's unescaped bytes, or the literal of a number/true/false/null), with
 * is_str telling which. Nested objects or arrays, bad escapes (\u above 0x7F
 * included), trailing bytes: AKIRA_EFORMAT. A value longer than 512 bytes:
 * AKIRA_ETOOBIG. A nonzero return of fn stops and is returned.
 */
int akira_fleet_json_each(const char *json, size_t len,
                          int (*fn)(void *ctx, const char *key, const char *val, size_t vlen,
                                    bool is_str),
                          void *ctx);

enum akira_fleet_op {
    AKIRA_FLEET_OP_NONE = 0,
    AKIRA_FLEET_OP_INSTALL,
    AKIRA_FLEET_OP_START,
    AKIRA_FLEET_OP_STOP,
    AKIRA_FLEET_OP_UNINSTALL,
    AKIRA_FLEET_OP_SET,
    AKIRA_FLEET_OP_STATUS,
    AKIRA_FLEET_OP_OTA,
};

struct akira_fleet_cmd {
    char id[33]; /* [A-Za-z0-9_-]{1,32} */
    uint64_t ts;
    enum akira_fleet_op op;
    char op_name[16];
    bool has_to;
    char to[AKIRA_FLEET_ID_MAX + 1];
    char app[32];  /* start/stop/uninstall */
    char name[32]; /* install */
    uint32_t size, chunks;
    bool has_sha;
    uint8_t sha256[32];
    char key[65]; /* set */
    char value[257];
    /* Where the signed bytes are, in the message given to parse. */
    const char *json;
    size_t json_len;
    uint8_t sig[64];
};

/*
 * Splits a command message (the JSON, '\n', 128 hex digits of the signature, an
 * optional final '\n') and reads the JSON's fields into out. Returns:
 *  0               well-formed (the signature is NOT checked here);
 *  AKIRA_EFORMAT   no newline or the signature is not 128 hex digits (out->json set
 *                  when a JSON part exists, out->id when one could be read);
 *  AKIRA_EINVAL    the JSON is not a flat object, or a field is missing, of the wrong
 *                  type or out of its range for the op (out->id when one was read);
 *  AKIRA_ENOTSUP   an unknown op.
 */
int akira_fleet_cmd_parse(const uint8_t *msg, size_t len, struct akira_fleet_cmd *out);

/* Ed25519 (detached) check of cmd->json against pub. 0 or AKIRA_ESIG. */
int akira_fleet_cmd_verify(const struct akira_fleet_cmd *cmd, const uint8_t pub[32]);

#define AKIRA_FLEET_DATA_MAGIC "AKD1"
/* A data message: "AKD1", u8 id length, the id, u32 LE index, data. On 0 the id
 * (not NUL-terminated), index and data point into msg. AKIRA_EFORMAT otherwise
 * (including more than AKIRA_FLEET_CHUNK_MAX bytes of data). */
int akira_fleet_data_parse(const uint8_t *msg, size_t len, const char **id, size_t *id_len,
                           uint32_t *index, const uint8_t **data, size_t *data_len);
/* Whether a message on the cmd topic is a data message (starts with "AKD1"). */
bool akira_fleet_is_data(const uint8_t *msg, size_t len);

/* ---- the agent (fleet.c) ------------------------------------------------------------ */

/* Registers the agent as a connectivity transport (boot thread). */
int akira_fleet_register(void);
void akira_fleet_unregister(void);

/* Applies changed settings: stops the agent and, when a broker is set, starts it
 * again on the new settings (the shell and HTTP call it after a change). */
int akira_fleet_restart(void);

struct akira_fleet_status {
    bool running;   /* a broker is set and the client runs */
    bool connected; /* to the broker now */
    char id[AKIRA_FLEET_ID_MAX + 1];
    char broker[32]; /* "" when none */
    char tags[AKIRA_FLEET_TAGS_MAX * (AKIRA_FLEET_TAG_MAX + 1)];
    uint64_t last_ts;
    uint32_t cmds_ok, cmds_refused;
    uint64_t rx_msgs, tx_msgs;
    uint32_t connects, inflight, next_backoff_ms;
    size_t client_bytes;  /* RAM of the MQTT client */
    size_t agent_bytes;   /* RAM of the agent (install writer, hashes, buffers) */
    size_t app_api_bytes; /* static RAM of the app API module "mqtt" */
    size_t stack_used;    /* high-water mark of the MQTT thread's stack */
};
int akira_fleet_status(struct akira_fleet_status *out);

/* The device id (made at first boot and stored when absent). 0 or an error. */
int akira_fleet_id(char out[AKIRA_FLEET_ID_MAX + 1]);

/* Settings writers for the shell and HTTP (validate, store; no restart). */
int akira_fleet_set_broker(const char *addr_port); /* "a.b.c.d:port", or "off" */
int akira_fleet_set_id(const char *id);
int akira_fleet_set_tags(const char *tags);
int akira_fleet_trust(const char *name, const uint8_t pub[32]);
int akira_fleet_untrust(const char *name);
/* Calls fn for every trusted key (name, pub). */
int akira_fleet_keys_foreach(int (*fn)(void *ctx, const char *name, const uint8_t pub[32]),
                             void *ctx);

/* For the app API module "mqtt" (akira/api_mqtt.h): publish on, and (un)subscribe
 * to, akira/<id>/app/<app>/<topic> (topic "X/" "*": everything below X). The
 * subscriptions are kept and made again when the agent restarts. Publish:
 * AKIRA_ENOTCONN when the agent is off or (QoS 0) not connected. Subscribe:
 * AKIRA_ENOSPC when AKIRA_API_MQTT_SUBS_MAX are in use. */
int akira_fleet_app_publish(const char *app, const char *topic, const void *data, size_t len,
                            bool qos1, bool retain);
int akira_fleet_app_subscribe(const char *app, const char *topic, bool on);

/* For the env module (akira/env_compat.h): whether the agent is connected to its
 * broker now; the full topic akira/<id>/app/<app>/<topic> (AKIRA_ESTATE before the
 * agent first ran, AKIRA_ENAMETOOLONG); and a Home Assistant discovery config,
 * published retained at QoS 1 on homeassistant/<component>/<id>_<app>/<object_id>/config
 * (the only topic outside the app prefixes an app's call reaches: ids [A-Za-z0-9_-],
 * object_id at most AKIRA_FLEET_HA_OBJECT_MAX, else AKIRA_EINVAL; AKIRA_ENOTCONN when
 * the agent is off). */
#define AKIRA_FLEET_HA_PREFIX     "homeassistant"
#define AKIRA_FLEET_HA_OBJECT_MAX 32u
bool akira_fleet_app_connected(void);
int akira_fleet_app_topic(const char *app, const char *topic, char *out, size_t cap);
int akira_fleet_ha_discovery(const char *component, const char *app, const char *object_id,
                             const void *config, size_t len);

#endif /* AKIRA_FLEET_H */

/*
 * Upstream AkiraOS's `env` natives whose subsystems live in connectivity/ (docs/compat.md,
 * akira/compat.h): MQTT and the Home Assistant light (`mqtt_*`, `ha_light_*`, over the
 * fleet agent's MQTT connection, builds with the fleet) and crypto (`crypto_*`, over
 * libsodium and mbedTLS, builds with both). One bridge module, import module "env",
 * registered by the board at boot before the app store starts (its manifests map
 * upstream's `mqtt` and `crypto` strings only onto capabilities some module serves).
 */
#ifndef AKIRA_ENV_COMPAT_H
#define AKIRA_ENV_COMPAT_H

#include <stddef.h>
#include <stdint.h>

#define AKIRA_ENV_MQTT_SUBS_MAX  4u   /* env subscriptions (lights included), all apps */
#define AKIRA_ENV_MQTT_APP_SUBS  4u   /* ... of one app */
#define AKIRA_ENV_MQTT_QUEUE     8u   /* messages waiting per app (the oldest dropped) */
#define AKIRA_ENV_MQTT_TOPIC_MAX 79u  /* bytes of an app's topic (upstream's 80 with NUL) */
#define AKIRA_ENV_MQTT_MSG_MAX   160u /* bytes of a message kept for the app (upstream's) */
#define AKIRA_ENV_MQTT_PUB_MAX   512u /* bytes an app may publish */

/* Boot thread, before the app store starts. 0, or akira_bridge_register's error. */
int akira_env_compat_register(void);

/* The fleet agent hands a message on akira/<id>/app/<app>/<topic> to the env module
 * (the MQTT thread). */
void akira_env_mqtt_deliver(const char *app, const char *topic, size_t tlen, const uint8_t *data,
                            size_t len);

/* A Home Assistant MQTT light command (JSON schema), len bytes, not NUL-terminated:
 * the bitmask of what it holds, 1 "state" ("ON" *on = 1, "OFF" *on = 0), 2
 * "brightness" (clamped to 0..255), 4 "color" (with all of "r", "g", "b", each
 * clamped); only those are written. 0 for anything that is not one JSON object
 * (nesting deeper than 8 included). Pure: for ha_light_poll and the tests. */
int akira_env_ha_parse(const char *json, size_t len, int *on, int *brightness, int *r, int *g,
                       int *b);

#endif /* AKIRA_ENV_COMPAT_H */

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

#endif /* AKIRA_ENV_COMPAT_H */

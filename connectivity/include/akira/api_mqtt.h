/*
 * The app API module "mqtt" (connectivity/src/api_mqtt.c; the ABI is in
 * docs/runtime_api.md): registered with the bridge at boot by the board, before the
 * app store and the app manager start (akira_bridge_register's rule), in builds with
 * the fleet agent.
 */
#ifndef AKIRA_API_MQTT_H
#define AKIRA_API_MQTT_H

#include <stddef.h>
#include <stdint.h>

#define AKIRA_API_MQTT_SUBS_MAX 4u   /* app subscriptions, all apps together */
#define AKIRA_API_MQTT_QUEUE    4u   /* messages waiting per subscription */
#define AKIRA_API_MQTT_MSG_MAX  256u /* bytes of an app's message, both ways */

/* Boot thread, before the first app starts. 0, or akira_bridge_register's error. */
int akira_api_mqtt_register(void);

/* The fleet agent hands a message on akira/<id>/app/<app>/<topic> to the app's
 * subscriptions that cover topic (any thread). */
void akira_api_mqtt_deliver(const char *app, const char *topic, size_t tlen, const uint8_t *data,
                            size_t len);

/* Static RAM of the module (its subscription rings). */
size_t akira_api_mqtt_bytes(void);

#endif /* AKIRA_API_MQTT_H */

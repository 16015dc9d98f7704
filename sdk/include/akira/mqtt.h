/*
 * AkiraOS app SDK - module "mqtt": publish and subscribe through the device's fleet
 * connection to its MQTT broker (docs/fleet.md), capability "mqtt". Without it every
 * call returns AKIRA_EACCES.
 *
 * Topics are relative to the app's own prefix akira/<device-id>/app/<app-name>/ and
 * use the manifest topic syntax (1..31 bytes of [a-z0-9_-.] in '/' segments); the
 * manifest's `mqtt_topics:` list (a topic, PREFIX/ `*`, or `*`) says which ones the app
 * may use: others are AKIRA_EACCES. Messages are 0..256 bytes, copied.
 *
 * Receiving: subscribe (a topic, or "PREFIX/" "*" for everything below PREFIX) gives
 * a subscription id; each message posts AKIRA_EVENT_MQTT {a = id, b = length}; take it
 * with akira_mqtt_recv (a queue of 4 per subscription; read until AKIRA_EAGAIN).
 * At most 4 subscriptions in the system. All of an app's end when it stops.
 */
#ifndef AKIRA_SDK_MQTT_H
#define AKIRA_SDK_MQTT_H

#include <akira/common.h>

#define AKIRA_EVENT_MQTT   14
#define AKIRA_MQTT_MSG_MAX 256
#define AKIRA_MQTT_QOS1    1 /* flags: at-least-once delivery to the broker */
#define AKIRA_MQTT_RETAIN  2 /* flags: the broker keeps it for later subscribers */

/* Publish data[0..len) on topic[0..tlen): 0, AKIRA_EINVAL (topic, flags),
 * AKIRA_ETOOBIG (len > 256), AKIRA_EFAULT, AKIRA_EACCES (no `mqtt` capability, or not
 * in mqtt_topics), AKIRA_ENOTCONN (no broker connection; a QoS 1 message is queued
 * while the fleet runs and only then). */
AKIRA_IMPORT("mqtt_publish")
int32_t akira_mqtt_publish(const char *topic, uint32_t tlen, const void *data, uint32_t len,
                           uint32_t flags);

/* Subscribe: the subscription id (>= 1), AKIRA_EINVAL, AKIRA_EEXIST, AKIRA_ENOSPC,
 * AKIRA_ESTATE (the fleet is off), AKIRA_EFAULT, AKIRA_EACCES. */
AKIRA_IMPORT("mqtt_subscribe") int32_t akira_mqtt_subscribe(const char *topic, uint32_t len);

/* End a subscription: 0, AKIRA_ENOENT. */
AKIRA_IMPORT("mqtt_unsubscribe") int32_t akira_mqtt_unsubscribe(int32_t id);

/* Take the oldest message of subscription id: its length, AKIRA_EAGAIN (none),
 * AKIRA_ERANGE (cap too small: it stays queued), AKIRA_ENOENT, AKIRA_EFAULT. */
AKIRA_IMPORT("mqtt_recv") int32_t akira_mqtt_recv(int32_t id, void *buf, uint32_t cap);

#endif /* AKIRA_SDK_MQTT_H */

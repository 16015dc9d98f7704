/*
 * MQTT over TLS: the transport (akira/mqtt.h) that runs the MQTT client's bytes through
 * the TLS layer (akira/tls.h) to a broker on port 8883 or any other. The config's
 * transport_ctx is a struct akira_tls_client_opts (a CA, a pin or both; see tls.h),
 * which must stay valid while the client runs. A broker whose certificate fails the
 * check is a failed connect (AKIRA_EACCES, logged by the TLS layer); the client then
 * retries with its back-off like after any failed connect.
 *
 * Who uses it: the fleet agent when akira/fleet/tls is "1" (docs/fleet.md, "TLS").
 */
#ifndef AKIRA_MQTT_TLS_H
#define AKIRA_MQTT_TLS_H

#include <akira/mqtt.h>

extern const struct akira_mqtt_transport akira_mqtt_tls;

#endif /* AKIRA_MQTT_TLS_H */

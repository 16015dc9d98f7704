/*
 * The BLE transport (docs/ble.md, "Management over BLE"): the serial management
 * protocol (docs/serial.md: COBS frames, sessions, acks, resume, HTTP/1.1 requests
 * with the device token) carried by a GATT service instead of a UART.
 *
 *   service  414b4952-4100-4d47-4d54-000000000001 ("AKIRA" MGMT)
 *   RX  ...0002  write, write without response: frame bytes from the peer
 *   TX  ...0003  notify: frame bytes to the peer, cut to the ATT MTU - 3
 *
 * Device side: the service on the device's host and a serial link (akira/serial_link.h)
 * on that pipe, registered as the transport "ble" (akira/transport.h). The peer that
 * wrote to RX last is the one answered on TX. Authentication is the API's token, as on
 * the serial line and TCP.
 *
 * Central side (`bt link CONN UART`): bridges a local UART to a connected peer's
 * service: bytes read from the UART go to RX as Write Commands, TX notifications go to
 * the UART. `akira --ble NODE` drives a helper akiraos doing this and speaks the serial
 * protocol on its UART's pty.
 */
#ifndef AKIRA_BLE_TRANSPORT_H
#define AKIRA_BLE_TRANSPORT_H

#include <stdint.h>

#include <akira/ble_host.h>
#include <akira/err.h>

struct akira_http_server;

/* The service and characteristic UUIDs (128-bit, little endian as on air). */
extern const akira_ble_uuid_t akira_ble_mgmt_uuid_svc, akira_ble_mgmt_uuid_rx,
    akira_ble_mgmt_uuid_tx;

/* Device side: adds the service to the host (once per host: a service is never
 * removed) and starts a serial link on it serving api. resume_ms: the link's resume
 * window. AKIRA_ENODEV without a host, AKIRA_EBUSY when running. */
int akira_ble_transport_start(akira_ble_host_t *host, struct akira_http_server *api,
                              uint32_t resume_ms);
void akira_ble_transport_stop(void);

struct akira_ble_transport_stats {
    uint32_t rx_bytes, tx_bytes; /* frame bytes over GATT */
    uint32_t rx_dropped;         /* written while the receive ring was full (resent) */
    uint32_t peers;              /* connections that wrote to RX (a new one answered) */
};
void akira_ble_transport_stats(struct akira_ble_transport_stats *out);

/* A throughput test (bench/ble/gatt_throughput.py): notifies full values (ATT MTU - 3
 * bytes of 0x00, which a bridge's frame decoder skips as delimiters) on TX to conn, as
 * fast as the host queues them, for ms milliseconds. *count gets the notifications
 * queued. AKIRA_ESTATE when conn has not subscribed to TX, AKIRA_ENOTCONN. */
int akira_ble_transport_flood(uint16_t conn, uint32_t ms, uint32_t *count, uint16_t *mtu);

/* Central side: discovers the service on conn, subscribes to TX and bridges it to the
 * UART named uart until the connection ends or akira_ble_transport_unlink(). mtu gets
 * the ATT MTU in force. AKIRA_ENOENT when the peer has no such service, AKIRA_EBUSY
 * when a bridge runs, AKIRA_ENODEV for an unknown UART. */
int akira_ble_transport_link(akira_ble_host_t *host, uint16_t conn, const char *uart,
                             uint16_t *mtu);
void akira_ble_transport_unlink(void);

#endif /* AKIRA_BLE_TRANSPORT_H */

/*
 * ble_ll.h - the boundary between the BLE link layer (controller) and the BLE host.
 *
 * It plays the role of HCI in a split stack, as plain function calls: the link layer
 * (connectivity/ble/ll_*.c) owns the radio, advertising, scanning, connections and link
 * encryption; the host (connectivity/ble/host_*.c: L2CAP, ATT/GATT, SMP, HID) owns
 * everything above a connection's data channel. Neither includes the other's private
 * headers; this file is the whole contract.
 *
 * Threads: the link layer calls the host's callbacks from its own thread, one call at a
 * time, never with a link-layer lock held, so a callback may call back into the
 * akira_ble_ll_* functions. Callbacks must not block for longer than a connection event
 * (they queue work instead). The akira_ble_ll_* functions may be called from any thread.
 */
#ifndef AKIRA_BLE_LL_H
#define AKIRA_BLE_LL_H

#include <stddef.h>
#include <stdint.h>

#include "akira/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest LL data PDU payload (Data Length Extension's maximum). */
#define AKIRA_BLE_LL_DATA_MAX 251

/** LLID of a data PDU: 2 starts an L2CAP PDU (or carries a whole one), 1 continues it. */
#define AKIRA_BLE_LLID_CONT  1
#define AKIRA_BLE_LLID_START 2

/** Connection roles. */
#define AKIRA_BLE_ROLE_CENTRAL    0
#define AKIRA_BLE_ROLE_PERIPHERAL 1

/** Disconnect reasons (the Core specification's error codes). */
#define AKIRA_BLE_REASON_AUTH_FAILURE        0x05
#define AKIRA_BLE_REASON_CONN_TIMEOUT        0x08 /* supervision timeout */
#define AKIRA_BLE_REASON_REMOTE_USER         0x13 /* the peer's host asked */
#define AKIRA_BLE_REASON_LOCAL_HOST          0x16 /* our host asked */
#define AKIRA_BLE_REASON_INSTANT_PASSED      0x28 /* an update heard after its instant */
#define AKIRA_BLE_REASON_MIC_FAILURE         0x3d /* an encrypted PDU failed its MIC */
#define AKIRA_BLE_REASON_FAILED_TO_ESTABLISH 0x3e

/** A device address: 6 bytes little endian as on air, and its type. */
typedef struct {
    uint8_t type; /* 0 public, 1 random */
    uint8_t a[6];
} akira_ble_addr_t;

/** Parameters of a connection, as the link layer runs it. */
typedef struct {
    uint16_t interval_1250us; /* connection interval, units of 1.25 ms */
    uint16_t latency;         /* peripheral latency, in connection events */
    uint16_t timeout_10ms;    /* supervision timeout, units of 10 ms */
} akira_ble_conn_params_t;

/**
 * The host's side: the link layer reports to it through these. Set once with
 * akira_ble_ll_set_host() before advertising or connecting; any member may be NULL.
 */
typedef struct {
    /** A connection exists (either role); conn is the handle used in every later call. */
    void (*connected)(uint16_t conn, uint8_t role, const akira_ble_addr_t *peer,
                      const akira_ble_conn_params_t *params);
    /** The connection is gone; the handle is free after this returns. */
    void (*disconnected)(uint16_t conn, uint8_t reason);
    /** One LL data PDU's payload (len <= AKIRA_BLE_LL_DATA_MAX), in order, decrypted. */
    void (*acl_received)(uint16_t conn, uint8_t llid, const uint8_t *data, size_t len);
    /** Encryption started (status AKIRA_OK) or failed (e.g. the peer had no key). */
    void (*encryption_changed)(uint16_t conn, akira_err_t status);
    /** Peripheral side: the central asks to encrypt with the key of (rand, ediv).
     *  The host answers with akira_ble_ll_ltk_reply(). */
    void (*ltk_request)(uint16_t conn, const uint8_t rand[8], uint16_t ediv);
    /** Scanning: one advertising or scan-response PDU heard (AD structures in data). */
    void (*adv_report)(const akira_ble_addr_t *adv, uint8_t pdu_type, int8_t rssi_dbm,
                       const uint8_t *data, size_t len);
} akira_ble_host_ops_t;

/** Register the host (replaces any earlier one). */
void akira_ble_ll_set_host(const akira_ble_host_ops_t *ops);

/**
 * Queue one LL data PDU on a connection. The host splits an L2CAP PDU into LLID_START
 * then LLID_CONT pieces of at most AKIRA_BLE_LL_DATA_MAX bytes; a piece longer than the
 * connection's negotiated payload size (27 bytes until the length exchange, which the
 * host does not see) is sent by the link layer as that many bytes under its LLID and the
 * rest as LLID_CONT PDUs, in order. Does not block: AKIRA_EAGAIN when the connection's TX queue
 * is full (retry after the next connection event), AKIRA_ENOTCONN for a dead handle,
 * AKIRA_ETOOBIG for len above AKIRA_BLE_LL_DATA_MAX.
 */
akira_err_t akira_ble_ll_acl_send(uint16_t conn, uint8_t llid, const uint8_t *data, size_t len);

/** Central side: start link encryption with a key the host knows (from SMP or a bond). */
akira_err_t akira_ble_ll_encrypt_start(uint16_t conn, const uint8_t ltk[16], const uint8_t rand[8],
                                       uint16_t ediv);

/** Peripheral side: answer an ltk_request; ltk NULL is the negative reply. */
akira_err_t akira_ble_ll_ltk_reply(uint16_t conn, const uint8_t ltk[16]);

/** Close a connection with a reason (AKIRA_BLE_REASON_*). */
akira_err_t akira_ble_ll_disconnect(uint16_t conn, uint8_t reason);

/** Our identity address. */
akira_err_t akira_ble_ll_own_addr(akira_ble_addr_t *out);

#ifdef __cplusplus
}
#endif

#endif /* AKIRA_BLE_LL_H */

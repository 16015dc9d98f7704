/*
 * ble_ctrl.h - control of the BLE link layer beside the host contract (ble_ll.h):
 * starting it on a radio, advertising, scanning, initiating connections, and what it
 * is doing (the role of HCI's LE controller commands). The BT manager and the shell
 * use it; the host (L2CAP and above) needs only ble_ll.h.
 *
 * One link layer per device, on one radio (akira/drivers/radio.h), run by its own
 * thread: advertising events on channels 37/38/39, scan windows, and the connection
 * events of up to AKIRA_BLE_LL_CONN_MAX connections in either role. Any thread may
 * call these functions; none blocks on the radio.
 */
#ifndef AKIRA_BLE_CTRL_H
#define AKIRA_BLE_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/ble_ll.h>
#include <akira/device.h>
#include <akira/err.h>

#define AKIRA_BLE_LL_CONN_MAX 4 /* connections at once, both roles */
/* Queued data PDUs per connection (akira_ble_ll_acl_send). A queued PDU longer than the
 * connection's negotiated payload size (27 until the LENGTH_REQ/RSP exchange at the
 * start of each connection, then 251) goes out in pieces: its LLID first, then
 * LLID_CONT, which the peer's L2CAP reassembles the same way. */
#define AKIRA_BLE_LL_TXQ 8
#define AKIRA_BLE_AD_MAX 31

/* Advertising PDU types an advertiser may use (the on-air type numbers). */
#define AKIRA_BLE_ADV_IND         0 /* connectable and scannable */
#define AKIRA_BLE_ADV_NONCONN_IND 2 /* neither (a beacon) */
#define AKIRA_BLE_ADV_SCAN_IND    6 /* scannable only */
#define AKIRA_BLE_SCAN_RSP        4 /* in scan reports: a scan response */

struct akira_ble_adv_params {
    uint8_t type;         /* AKIRA_BLE_ADV_* */
    uint16_t interval_ms; /* 20..10240; a random 0..10 ms is added per event */
    uint8_t data[AKIRA_BLE_AD_MAX];
    uint8_t data_len;
    uint8_t scan_rsp[AKIRA_BLE_AD_MAX]; /* answered to SCAN_REQ (scannable types) */
    uint8_t scan_rsp_len;
};

/* A scan report: one advertising PDU or scan response heard. */
typedef void (*akira_ble_scan_cb_t)(const akira_ble_addr_t *addr, uint8_t pdu_type, int8_t rssi_dbm,
                                    const uint8_t *data, size_t len, void *user);

struct akira_ble_conn_info {
    uint16_t handle;
    uint8_t role;     /* AKIRA_BLE_ROLE_* */
    bool established; /* a packet came from the peer */
    bool encrypted;
    akira_ble_addr_t peer;
    akira_ble_conn_params_t params;
    int8_t rssi_dbm;    /* of the last packet from the peer */
    uint16_t tx_octets; /* negotiated payload size (27 until LENGTH_REQ/RSP) */
    uint16_t rx_octets;
    uint8_t peer_version; /* VersNr from VERSION_IND, 0 before */
    uint32_t events;      /* connection events run */
    uint32_t rx_pdus, rx_crc_errors, tx_retransmits;
    uint32_t rx_data_bytes; /* payload of data PDUs received (decrypted) */
};

struct akira_ble_ctrl_status {
    bool running;
    bool advertising, scanning, initiating;
    akira_ble_addr_t addr;
    uint32_t adv_events;
    uint32_t rx_adv;       /* advertising-channel PDUs heard */
    uint32_t rx_bad;       /* failed CRC or malformed PDUs (both channels) */
    uint32_t conn_refused; /* CONNECT_INDs refused: bad parameters or no room */
    uint32_t conns;        /* connections now */
};

/* Start the link layer on radio (own address: static random from the radio's node
 * id, C0:00:00:00:xx:xx). AKIRA_ENODEV without a radio, AKIRA_EBUSY when running. */
akira_err_t akira_ble_ctrl_start(const struct akira_device *radio);

/* Advertise with p (copied) until stopped; paused while a peripheral connection
 * exists and while scanning or initiating, resumed when they end. AKIRA_EINVAL: bad type, interval
 * or AD structures. */
akira_err_t akira_ble_ctrl_adv_start(const struct akira_ble_adv_params *p);
akira_err_t akira_ble_ctrl_adv_stop(void);

/* Scan (active: send SCAN_REQ to scannable advertisers once per address) until
 * stopped; reports go to cb (from the link-layer thread) and to the host's
 * adv_report. */
akira_err_t akira_ble_ctrl_scan_start(bool active, akira_ble_scan_cb_t cb, void *user);
akira_err_t akira_ble_ctrl_scan_stop(void);

/* Initiate a connection to peer as central with params (NULL: 50 ms interval, no
 * latency, 4 s supervision timeout); the host's connected() tells when it exists.
 * AKIRA_EBUSY while initiating, AKIRA_ENOSPC with no free connection. */
akira_err_t akira_ble_ctrl_connect(const akira_ble_addr_t *peer,
                                   const akira_ble_conn_params_t *params);
akira_err_t akira_ble_ctrl_connect_cancel(void);

/* Central: change a connection's interval, latency and supervision timeout
 * (LL_CONNECTION_UPDATE_IND), or its data channel map (LL_CHANNEL_MAP_IND: chm is 37
 * bits, channel k at chm[k / 8] bit k % 8, at least two set). Both sides switch at the
 * instant, 8 connection events after the call; a peripheral that hears the indication
 * after its instant closes the connection with 0x28 (instant passed). AKIRA_EPERM as
 * peripheral, AKIRA_EBUSY while one of the same kind is pending, AKIRA_EINVAL for
 * values a CONNECT_IND could not carry, AKIRA_ENOTCONN. */
akira_err_t akira_ble_ctrl_conn_update(uint16_t handle, const akira_ble_conn_params_t *params);
akira_err_t akira_ble_ctrl_channel_map(uint16_t handle, const uint8_t chm[5]);

/* Connections now: fills up to max entries, returns how many exist. */
size_t akira_ble_ctrl_conns(struct akira_ble_conn_info *out, size_t max);

akira_err_t akira_ble_ctrl_status(struct akira_ble_ctrl_status *out);

/* Finds the first AD structure of type `type` (e.g. 0x09 Complete Local Name) in
 * advertising data; returns its data and *len, or NULL (also for a malformed list). */
const uint8_t *akira_ble_ad_find(const uint8_t *ad, size_t ad_len, uint8_t type, size_t *len);

/* "C0:00:00:00:00:01" (most significant byte first); buf has 18 bytes. Parse: 0 or
 * AKIRA_EINVAL; the type is random when the top two bits are 11 (static random). */
void akira_ble_addr_format(const akira_ble_addr_t *a, char buf[18]);
akira_err_t akira_ble_addr_parse(const char *s, akira_ble_addr_t *out);

/* Bytes of RAM the link layer's state takes, and per connection (for docs/bench). */
size_t akira_ble_ctrl_ram(size_t *per_conn);

#endif /* AKIRA_BLE_CTRL_H */

/*
 * AkiraOS app SDK - module "ble": Bluetooth LE for apps, capability "ble"
 * (docs/runtime_api.md). The device must run Bluetooth (native_sim: --radio SOCK),
 * else every call returns AKIRA_ENODEV.
 *
 * Advertising: an app sets its own advertising set (AD structures, 31 bytes at most,
 * and a scan response); the device's own set and every app's take turns on the one
 * advertiser, 100 ms each. Scanning needs `ble_scan: true` in the manifest.
 *
 * GATT server: akira_ble_svc_add() defines a primary service whose UUID the manifest's
 * `ble_services:` line names (else AKIRA_EACCES; another app serving it: AKIRA_EBUSY).
 * Values live on the device (64 bytes at most per characteristic): peers read what
 * akira_ble_chr_set() or _notify() last set, and what they write arrives as an event
 * and a record. When the app stops, its services, advertising set, scan and the
 * connections it opened go.
 *
 * GATT client: akira_ble_connect() a peer (blocking up to timeout_ms), then discover,
 * read, write and subscribe on that connection (each blocks up to 10 s). Notifications
 * arrive as records.
 *
 * Events (lifecycle API): AKIRA_EVENT_BLE with a = kind << 24 | detail:
 *   SCAN        records are waiting (sent when the ring stops being empty)
 *   WRITE       detail = svc << 8 | chr, b = connection, c = length (and a record)
 *   SUBSCRIBE   detail = svc << 8 | chr, b = connection, c = CCCD value (1 notify, 2 indicate)
 *   CONNECTED   b = connection, c = role (0 central, 1 peripheral)
 *   DISCONNECTED b = connection, c = reason
 *   NOTIFY      b = connection, c = value handle (and a record)
 * Records (scan reports, writes, notifications) queue up, 8 per app (more are dropped):
 * akira_ble_next() takes the oldest.
 *
 * Errors: AKIRA_EFAULT (a pointer outside memory), AKIRA_EINVAL, AKIRA_ETOOBIG,
 * AKIRA_EACCES, AKIRA_EBUSY, AKIRA_ENOSPC (the device's tables are full), AKIRA_ENOENT
 * (no such service), AKIRA_ENOTCONN (a connection the app did not open),
 * AKIRA_ETIMEDOUT, AKIRA_EIO (the peer answered with an ATT error), AKIRA_EAGAIN.
 */
#ifndef AKIRA_SDK_BLE_H
#define AKIRA_SDK_BLE_H

#include <akira/common.h>

enum { AKIRA_EVENT_BLE = 14 };

enum {
    AKIRA_BLE_EV_SCAN = 1,
    AKIRA_BLE_EV_WRITE = 2,
    AKIRA_BLE_EV_SUBSCRIBE = 3,
    AKIRA_BLE_EV_CONNECTED = 4,
    AKIRA_BLE_EV_DISCONNECTED = 5,
    AKIRA_BLE_EV_NOTIFY = 6,
};
#define AKIRA_BLE_EV_KIND(a) ((a) >> 24)
#define AKIRA_BLE_EV_SVC(a)  (((a) >> 8) & 0xFFu)
#define AKIRA_BLE_EV_CHR(a)  ((a)&0xFFu)

/* Advertising PDU types. */
enum { AKIRA_BLE_ADV_IND = 0, AKIRA_BLE_ADV_NONCONN_IND = 2, AKIRA_BLE_ADV_SCAN_IND = 6 };

/* Characteristic properties. */
enum {
    AKIRA_BLE_READ = 0x02,
    AKIRA_BLE_WRITE_NO_RSP = 0x04,
    AKIRA_BLE_WRITE = 0x08,
    AKIRA_BLE_NOTIFY = 0x10,
    AKIRA_BLE_INDICATE = 0x20,
};

#define AKIRA_BLE_CHR_MAX 4
#define AKIRA_BLE_VAL_MAX 64

/* A UUID: 2 or 16 bytes, little endian (as on air) in uuid[0..uuid_len). */
struct akira_ble_chr_def {
    uint8_t uuid[16];
    uint8_t uuid_len;
    uint8_t props;   /* AKIRA_BLE_READ | ... */
    uint8_t max_len; /* 1..AKIRA_BLE_VAL_MAX */
    uint8_t reserved;
};

struct akira_ble_svc_def {
    uint8_t uuid[16];
    uint8_t uuid_len;
    uint8_t n_chrs; /* 1..AKIRA_BLE_CHR_MAX */
    uint8_t reserved[2];
    struct akira_ble_chr_def chrs[AKIRA_BLE_CHR_MAX];
};

struct akira_ble_record {
    uint8_t kind;      /* AKIRA_BLE_EV_SCAN, _WRITE, _NOTIFY */
    uint8_t type;      /* scan: advertising PDU type; notify: 1 for an indication */
    int8_t rssi;       /* scan: dBm */
    uint8_t addr_type; /* scan: 0 public, 1 random */
    uint16_t conn;     /* write, notify */
    uint16_t handle;   /* write: svc << 8 | chr; notify: the value handle */
    uint8_t addr[6];   /* scan: the advertiser, little endian */
    uint16_t len;
    uint8_t data[AKIRA_BLE_VAL_MAX]; /* scan: AD structures; write, notify: the value */
};

/* A discovered item (akira_ble_discover). */
enum {
    AKIRA_BLE_DISC_SERVICES = 1,
    AKIRA_BLE_DISC_CHARACTERISTICS = 2,
    AKIRA_BLE_DISC_DESCRIPTORS = 3
};
struct akira_ble_item {
    uint8_t kind;    /* the AKIRA_BLE_DISC_* that found it */
    uint8_t props;   /* characteristic properties */
    uint16_t handle; /* service start, characteristic declaration, descriptor */
    uint16_t end;    /* service end handle; characteristic value handle */
    uint8_t uuid_len;
    uint8_t reserved;
    uint8_t uuid[16];
};

AKIRA_IMPORT("ble_adv_start")
int32_t akira_ble_adv_start(int32_t type, const void *data, uint32_t len, const void *scan_rsp,
                            uint32_t rsp_len);
AKIRA_IMPORT("ble_adv_stop") int32_t akira_ble_adv_stop(void);
/* Passive scanning (active must be 0: AKIRA_ENOTSUP otherwise; one scan serves every
 * app). The shell's `bt scan` takes the scanner over while it runs; start again after. */
AKIRA_IMPORT("ble_scan_start") int32_t akira_ble_scan_start(int32_t active);
AKIRA_IMPORT("ble_scan_stop") int32_t akira_ble_scan_stop(void);
/* The oldest record into out (cap >= sizeof *out): its size, or AKIRA_EAGAIN. */
AKIRA_IMPORT("ble_next") int32_t akira_ble_next(struct akira_ble_record *out, uint32_t cap);

/* Add a service: its id (0..3), used by the calls below. len = 20 + 20 * n_chrs. */
AKIRA_IMPORT("ble_svc_add")
int32_t akira_ble_svc_add(const struct akira_ble_svc_def *def, uint32_t len);
AKIRA_IMPORT("ble_svc_remove") int32_t akira_ble_svc_remove(int32_t svc);
AKIRA_IMPORT("ble_chr_set")
int32_t akira_ble_chr_set(int32_t svc, int32_t chr, const void *data, uint32_t len);
AKIRA_IMPORT("ble_chr_get")
int32_t akira_ble_chr_get(int32_t svc, int32_t chr, void *buf, uint32_t cap);
/* Set the value and send it to every subscriber (notification or indication, as each
 * subscribed): how many peers it went to. At most 16 at once, then one per 10 ms:
 * AKIRA_EAGAIN beyond. */
AKIRA_IMPORT("ble_notify")
int32_t akira_ble_notify(int32_t svc, int32_t chr, const void *data, uint32_t len);

/* Connect to addr (6 bytes little endian, then the type byte) as central: the
 * connection handle. */
AKIRA_IMPORT("ble_connect") int32_t akira_ble_connect(const uint8_t addr[7], int32_t timeout_ms);
AKIRA_IMPORT("ble_disconnect") int32_t akira_ble_disconnect(int32_t conn);
/* Services (start, end ignored), or the characteristics / descriptors in start..end:
 * the number of items written to out (cap items at most, 16 per call). */
AKIRA_IMPORT("ble_discover")
int32_t akira_ble_discover(int32_t conn, int32_t what, int32_t start, int32_t end,
                           struct akira_ble_item *out, uint32_t cap);
/* Read a value (128 bytes at most): the bytes read. */
AKIRA_IMPORT("ble_read")
int32_t akira_ble_read(int32_t conn, int32_t handle, void *buf, uint32_t cap);
AKIRA_IMPORT("ble_write")
int32_t akira_ble_write(int32_t conn, int32_t handle, const void *data, uint32_t len);
/* Write a CCCD: 1 notifications, 2 indications, 0 off. */
AKIRA_IMPORT("ble_subscribe")
int32_t akira_ble_subscribe(int32_t conn, int32_t cccd_handle, int32_t value);

#endif /* AKIRA_SDK_BLE_H */

/*
 * ble_host.h - the BLE host: L2CAP (basic mode, fixed channels), ATT, GATT server and
 * client, SMP (LE Secure Connections: just works, numeric comparison, passkey entry),
 * bonding. Portable C over the kernel API; the link layer below is reached through the
 * lower ops (akira_ble_host_lower_t), which connectivity/ble/host_ll.c binds to the
 * link layer of ble_ll.h for the device's one host, and which a test binds to anything.
 *
 * Who calls what:
 *  - the link layer (or its stand-in) reports connections, data, encryption changes and
 *    LTK requests with akira_ble_host_on_*();
 *  - the device and apps call akira_ble_gatts_*, akira_ble_gattc_*, akira_ble_smp_*;
 *  - something calls akira_ble_host_poll() now and then (every connection interval is
 *    plenty): it retries data the link layer refused with AKIRA_EAGAIN and runs the ATT
 *    and SMP 30 s transaction timeouts.
 * Every entry point takes the host's (recursive) lock; callbacks into the application
 * (akira_ble_host_cb_t, GATT read/write handlers, GATT client completions) run with it
 * held, on the caller's thread, and may call back into the host.
 *
 * Sizes are fixed at build time (below): no allocation after akira_ble_host_create().
 */
#ifndef AKIRA_BLE_HOST_H
#define AKIRA_BLE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "akira/ble_ll.h"
#include "akira/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds (per host instance). */
#define AKIRA_BLE_HOST_MAX_CONN  4       /* simultaneous connections */
#define AKIRA_BLE_ATT_MTU_MIN    23      /* the ATT default MTU */
#define AKIRA_BLE_ATT_MTU_MAX    247     /* our ATT_MTU: an L2CAP PDU fits one 251-byte LL PDU */
#define AKIRA_BLE_GATT_MAX_ATTRS 96      /* attribute table entries */
#define AKIRA_BLE_GATT_MAX_CCCD  16      /* characteristics with notify/indicate */
#define AKIRA_BLE_ATT_PREP_MAX   512     /* queued Prepare Write bytes per connection */
#define AKIRA_BLE_BOND_MAX       8       /* bonded peers */
#define AKIRA_BLE_CONN_ALL       0xffffu /* notify: every subscribed connection */

/* L2CAP fixed channels. */
#define AKIRA_BLE_CID_ATT 0x0004
#define AKIRA_BLE_CID_SIG 0x0005
#define AKIRA_BLE_CID_SMP 0x0006

/* ATT error codes (Core Vol 3 Part F 3.4.1.1). A GATT read/write handler returns one of
 * them negated; the GATT client reports a peer's as a positive err. */
#define AKIRA_BLE_ATT_ERR_INVALID_HANDLE     0x01
#define AKIRA_BLE_ATT_ERR_READ_NOT_PERMITTED 0x02
#define AKIRA_BLE_ATT_ERR_WRITE_NOT_PERMIT   0x03
#define AKIRA_BLE_ATT_ERR_INVALID_PDU        0x04
#define AKIRA_BLE_ATT_ERR_INSUFF_AUTHEN      0x05
#define AKIRA_BLE_ATT_ERR_REQ_NOT_SUPPORTED  0x06
#define AKIRA_BLE_ATT_ERR_INVALID_OFFSET     0x07
#define AKIRA_BLE_ATT_ERR_INSUFF_AUTHOR      0x08
#define AKIRA_BLE_ATT_ERR_PREP_QUEUE_FULL    0x09
#define AKIRA_BLE_ATT_ERR_ATTR_NOT_FOUND     0x0a
#define AKIRA_BLE_ATT_ERR_ATTR_NOT_LONG      0x0b
#define AKIRA_BLE_ATT_ERR_ENC_KEY_SIZE       0x0c
#define AKIRA_BLE_ATT_ERR_INVALID_ATTR_LEN   0x0d
#define AKIRA_BLE_ATT_ERR_UNLIKELY           0x0e
#define AKIRA_BLE_ATT_ERR_INSUFF_ENC         0x0f
#define AKIRA_BLE_ATT_ERR_UNSUPP_GROUP_TYPE  0x10
#define AKIRA_BLE_ATT_ERR_INSUFF_RESOURCES   0x11
#define AKIRA_BLE_ATT_ERR_VALUE_NOT_ALLOWED  0x13
#define AKIRA_BLE_ATT_ERR_CCCD_IMPROPER      0xfd

/* SMP Pairing Failed reasons (Core Vol 3 Part H 3.5.5). */
#define AKIRA_BLE_SMP_ERR_PASSKEY_ENTRY_FAILED 0x01
#define AKIRA_BLE_SMP_ERR_OOB_NOT_AVAILABLE    0x02
#define AKIRA_BLE_SMP_ERR_AUTH_REQUIREMENTS    0x03
#define AKIRA_BLE_SMP_ERR_CONFIRM_FAILED       0x04
#define AKIRA_BLE_SMP_ERR_PAIRING_NOT_SUPP     0x05
#define AKIRA_BLE_SMP_ERR_ENC_KEY_SIZE         0x06
#define AKIRA_BLE_SMP_ERR_CMD_NOT_SUPP         0x07
#define AKIRA_BLE_SMP_ERR_UNSPECIFIED          0x08
#define AKIRA_BLE_SMP_ERR_REPEATED_ATTEMPTS    0x09
#define AKIRA_BLE_SMP_ERR_INVALID_PARAMS       0x0a
#define AKIRA_BLE_SMP_ERR_DHKEY_CHECK_FAILED   0x0b
#define AKIRA_BLE_SMP_ERR_NUMERIC_COMP_FAILED  0x0c

/* SMP IO capabilities. */
#define AKIRA_BLE_IO_DISPLAY_ONLY     0
#define AKIRA_BLE_IO_DISPLAY_YESNO    1
#define AKIRA_BLE_IO_KEYBOARD_ONLY    2
#define AKIRA_BLE_IO_NONE             3
#define AKIRA_BLE_IO_KEYBOARD_DISPLAY 4

/* Security levels of a link (Core Vol 3 Part C 10.2, LE security mode 1). */
#define AKIRA_BLE_SEC_NONE   1 /* no encryption */
#define AKIRA_BLE_SEC_ENC    2 /* encrypted, unauthenticated key (just works) */
#define AKIRA_BLE_SEC_AUTHEN 4 /* encrypted, authenticated LE SC key (passkey, comparison) */

/* A UUID: 2 or 16 bytes, little endian as on air. */
typedef struct {
    uint8_t len;
    uint8_t b[16];
} akira_ble_uuid_t;

#define AKIRA_BLE_UUID16(v) ((akira_ble_uuid_t){2, {(uint8_t)((v)&0xff), (uint8_t)((v) >> 8)}})

/* Well-known GATT UUIDs. */
#define AKIRA_BLE_UUID_PRIMARY_SERVICE   0x2800
#define AKIRA_BLE_UUID_SECONDARY_SERVICE 0x2801
#define AKIRA_BLE_UUID_CHARACTERISTIC    0x2803
#define AKIRA_BLE_UUID_CCCD              0x2902

/** True when a and b name the same UUID (a 16-bit one equals its 128-bit form). */
bool akira_ble_uuid_eq(const akira_ble_uuid_t *a, const akira_ble_uuid_t *b);

/* Characteristic properties (the declaration's byte). */
#define AKIRA_BLE_CHR_READ         0x02
#define AKIRA_BLE_CHR_WRITE_NO_RSP 0x04
#define AKIRA_BLE_CHR_WRITE        0x08
#define AKIRA_BLE_CHR_NOTIFY       0x10
#define AKIRA_BLE_CHR_INDICATE     0x20

/* Security a value or descriptor needs (in addition to the properties). */
#define AKIRA_BLE_PERM_READ_ENC     0x01
#define AKIRA_BLE_PERM_WRITE_ENC    0x02
#define AKIRA_BLE_PERM_READ_AUTHEN  0x04
#define AKIRA_BLE_PERM_WRITE_AUTHEN 0x08

/**
 * Read handler: copy the value from `offset` into buf (cap bytes at most). Returns the
 * bytes copied (0..cap), or a negated ATT error (-AKIRA_BLE_ATT_ERR_INVALID_OFFSET when
 * offset is past the value's end).
 */
typedef int (*akira_ble_gatt_read_fn)(void *user, uint16_t conn, uint16_t offset, uint8_t *buf,
                                      size_t cap);
/** For read handlers: copy value[offset..] into buf (cap bytes at most); the bytes
 *  copied, or -AKIRA_BLE_ATT_ERR_INVALID_OFFSET when offset is past len. */
int akira_ble_gatt_read_bytes(const void *value, size_t len, uint16_t offset, uint8_t *buf,
                              size_t cap);

/** Write handler: 0, or a negated ATT error (e.g. INVALID_ATTR_LEN, VALUE_NOT_ALLOWED). */
typedef int (*akira_ble_gatt_write_fn)(void *user, uint16_t conn, uint16_t offset,
                                       const uint8_t *data, size_t len);

typedef struct {
    akira_ble_uuid_t uuid;
    uint8_t perm;                  /* AKIRA_BLE_PERM_* */
    akira_ble_gatt_read_fn read;   /* NULL: not readable */
    akira_ble_gatt_write_fn write; /* NULL: not writable */
    void *user;
} akira_ble_gatt_dsc_t;

typedef struct {
    akira_ble_uuid_t uuid;
    uint8_t props; /* AKIRA_BLE_CHR_*; NOTIFY/INDICATE add a CCCD */
    uint8_t perm;  /* AKIRA_BLE_PERM_* on the value */
    akira_ble_gatt_read_fn read;
    akira_ble_gatt_write_fn write;
    void *user;
    const akira_ble_gatt_dsc_t *dscs; /* further descriptors, after the CCCD */
    uint8_t n_dscs;
} akira_ble_gatt_chr_t;

typedef struct {
    akira_ble_uuid_t uuid;
    bool secondary;
    const akira_ble_gatt_chr_t *chrs;
    uint8_t n_chrs;
} akira_ble_gatt_svc_t;

/** Events for the application; every member may be NULL. */
typedef struct {
    void (*connected)(void *user, uint16_t conn, uint8_t role, const akira_ble_addr_t *peer);
    void (*disconnected)(void *user, uint16_t conn, uint8_t reason);
    /** Security level changed (err AKIRA_OK) or encryption failed. */
    void (*security_changed)(void *user, uint16_t conn, uint8_t level, akira_err_t err);
    /** Pairing ended: reason 0 on success, else the SMP reason (ours or the peer's). */
    void (*pairing_complete)(void *user, uint16_t conn, uint8_t reason, bool bonded);
    /** Show this passkey (000000..999999) to the user. */
    void (*passkey_display)(void *user, uint16_t conn, uint32_t passkey);
    /** Ask the user for the passkey; answer with akira_ble_smp_passkey_reply(). */
    void (*passkey_entry)(void *user, uint16_t conn);
    /** Numeric comparison: answer with akira_ble_smp_confirm_reply(). */
    void (*numeric_compare)(void *user, uint16_t conn, uint32_t value);
    /** A notification or indication (confirmed after this returns). */
    void (*notification)(void *user, uint16_t conn, uint16_t handle, const uint8_t *data,
                         size_t len, bool indication);
    /** An indication we sent was confirmed (err AKIRA_OK) or its link dropped. */
    void (*indicate_done)(void *user, uint16_t conn, uint16_t handle, akira_err_t err);
    void (*mtu_changed)(void *user, uint16_t conn, uint16_t mtu);
    /** A CCCD was written by a peer (value: bit 0 notify, bit 1 indicate). */
    void (*subscribed)(void *user, uint16_t conn, uint16_t value_handle, uint16_t value);
} akira_ble_host_cb_t;

/** What the host needs from the link layer (the functions of ble_ll.h, with a ctx). */
typedef struct {
    akira_err_t (*acl_send)(void *ctx, uint16_t conn, uint8_t llid, const uint8_t *data,
                            size_t len);
    akira_err_t (*encrypt_start)(void *ctx, uint16_t conn, const uint8_t ltk[16],
                                 const uint8_t rand[8], uint16_t ediv);
    akira_err_t (*ltk_reply)(void *ctx, uint16_t conn, const uint8_t *ltk);
    akira_err_t (*disconnect)(void *ctx, uint16_t conn, uint8_t reason);
    void *ctx;
} akira_ble_host_lower_t;

struct akira_settings;

typedef struct {
    akira_ble_host_lower_t lower;
    akira_ble_addr_t own_addr; /* our identity address */
    uint8_t ll_payload;        /* LL payload per fragment: 27..251 (0: 27) */
    uint8_t io_cap;            /* AKIRA_BLE_IO_* */
    bool mitm;                 /* ask for an authenticated key */
    bool bondable;             /* keep keys after pairing */
    /* Where bonds persist ("akira/bt/bond/..."); NULL keeps them in RAM only. The host
     * is the only user of these keys; other users of the store are kept apart by
     * settings_lock/settings_unlock (the store is not thread-safe). */
    struct akira_settings *settings;
    /* Taken around every use of settings when set (the device's storage lock). */
    void (*settings_lock)(void);
    void (*settings_unlock)(void);
    akira_ble_host_cb_t cb;
    void *cb_user;
} akira_ble_host_cfg_t;

typedef struct akira_ble_host akira_ble_host_t;

/** Create a host (one bounded allocation); loads the bonds from cfg->settings. */
akira_err_t akira_ble_host_create(const akira_ble_host_cfg_t *cfg, akira_ble_host_t **out);
void akira_ble_host_destroy(akira_ble_host_t *h);
/** Bytes one host instance takes, and the part of it each connection adds. */
size_t akira_ble_host_ram_bytes(size_t *per_conn);

/* From the link layer (same meaning as akira_ble_host_ops_t in ble_ll.h). */
void akira_ble_host_on_connected(akira_ble_host_t *h, uint16_t conn, uint8_t role,
                                 const akira_ble_addr_t *peer);
void akira_ble_host_on_disconnected(akira_ble_host_t *h, uint16_t conn, uint8_t reason);
void akira_ble_host_on_acl(akira_ble_host_t *h, uint16_t conn, uint8_t llid, const uint8_t *data,
                           size_t len);
void akira_ble_host_on_encryption(akira_ble_host_t *h, uint16_t conn, akira_err_t status);
void akira_ble_host_on_ltk_request(akira_ble_host_t *h, uint16_t conn, const uint8_t rand[8],
                                   uint16_t ediv);

/** Retry queued transmissions; run the 30 s ATT/SMP timeouts against now_ms. */
void akira_ble_host_poll(akira_ble_host_t *h, uint64_t now_ms);

/** Counters of input the host refused (for tests and the shell). */
typedef struct {
    uint32_t l2cap_dropped; /* PDUs whose length lied, orphan fragments, unknown CIDs */
    uint32_t att_errors;    /* ATT Error Responses sent */
    uint32_t smp_failed;    /* pairings that failed */
} akira_ble_host_stats_t;
void akira_ble_host_stats(akira_ble_host_t *h, akira_ble_host_stats_t *out);

/** A connection's state: AKIRA_ENOTCONN for an unknown handle. */
akira_err_t akira_ble_host_conn_info(akira_ble_host_t *h, uint16_t conn, uint8_t *role,
                                     akira_ble_addr_t *peer, uint16_t *mtu, uint8_t *sec_level);

/** Ask the link layer to close a connection (reason AKIRA_BLE_REASON_*). */
akira_err_t akira_ble_host_disconnect(akira_ble_host_t *h, uint16_t conn, uint8_t reason);

/* ---- GATT server ---- */

/**
 * Add a service. The definition (and everything it points to) must outlive the host.
 * value_handles (n_chrs entries, may be NULL) receives each characteristic's value
 * handle. AKIRA_ENOSPC when the attribute or CCCD table is full (nothing is added),
 * AKIRA_EINVAL for a bad definition.
 */
akira_err_t akira_ble_gatts_add(akira_ble_host_t *h, const akira_ble_gatt_svc_t *svc,
                                uint16_t *value_handles);

/**
 * Remove a service added with akira_ble_gatts_add (the same definition pointer): its
 * handles become a hole that discovery skips and reads answer Invalid Handle, until a
 * later service that fits takes them; its CCCDs and subscriptions go. The handles of
 * other services do not move. AKIRA_ENOENT when svc is not in the table. (There is no
 * Service Changed characteristic: a peer that cached handles discovers again.)
 */
akira_err_t akira_ble_gatts_remove(akira_ble_host_t *h, const akira_ble_gatt_svc_t *svc);

/** Whether the table holds a service with this UUID (a 16-bit UUID equals its 128-bit
 *  form): the env module refuses an app a UUID the system or another app serves. */
bool akira_ble_gatts_has_service(akira_ble_host_t *h, const akira_ble_uuid_t *uuid);

/** Notify a value to conn (or AKIRA_BLE_CONN_ALL: every subscriber). len is cut to
 *  MTU-3. AKIRA_ESTATE when conn has not subscribed, AKIRA_EAGAIN when the link's
 *  queue is full, AKIRA_ENOENT for a handle without a CCCD. */
akira_err_t akira_ble_gatts_notify(akira_ble_host_t *h, uint16_t conn, uint16_t value_handle,
                                   const uint8_t *data, size_t len);
/** Indicate a value to one connection; one outstanding per connection (AKIRA_EBUSY). */
akira_err_t akira_ble_gatts_indicate(akira_ble_host_t *h, uint16_t conn, uint16_t value_handle,
                                     const uint8_t *data, size_t len);
/** The CCCD value a connection wrote for a characteristic (0 when none). */
uint16_t akira_ble_gatts_subscription(akira_ble_host_t *h, uint16_t conn, uint16_t value_handle);

/* ---- GATT client ---- (one procedure per connection at a time: AKIRA_EBUSY) */

/** A discovered item. */
typedef struct {
    uint8_t kind;    /* AKIRA_BLE_GATTC_SERVICE, _CHARACTERISTIC, _DESCRIPTOR */
    uint16_t handle; /* service start, characteristic declaration, descriptor */
    uint16_t end;    /* service: end handle; characteristic: value handle */
    uint8_t props;   /* characteristic properties */
    akira_ble_uuid_t uuid;
} akira_ble_gattc_item_t;
#define AKIRA_BLE_GATTC_SERVICE        1
#define AKIRA_BLE_GATTC_CHARACTERISTIC 2
#define AKIRA_BLE_GATTC_DESCRIPTOR     3

/** A procedure's end: err 0, a negative akira_err_t, or the peer's ATT error (> 0);
 *  len is the bytes read (reads) or 0. */
typedef void (*akira_ble_gattc_done_fn)(void *user, uint16_t conn, int err, size_t len);
typedef void (*akira_ble_gattc_item_fn)(void *user, uint16_t conn,
                                        const akira_ble_gattc_item_t *item);

akira_err_t akira_ble_gattc_exchange_mtu(akira_ble_host_t *h, uint16_t conn,
                                         akira_ble_gattc_done_fn done, void *user);
/** Primary services; uuid NULL for all, else by UUID (Find By Type Value). */
akira_err_t akira_ble_gattc_discover_services(akira_ble_host_t *h, uint16_t conn,
                                              const akira_ble_uuid_t *uuid,
                                              akira_ble_gattc_item_fn item,
                                              akira_ble_gattc_done_fn done, void *user);
akira_err_t akira_ble_gattc_discover_chrs(akira_ble_host_t *h, uint16_t conn, uint16_t start,
                                          uint16_t end, akira_ble_gattc_item_fn item,
                                          akira_ble_gattc_done_fn done, void *user);
akira_err_t akira_ble_gattc_discover_dscs(akira_ble_host_t *h, uint16_t conn, uint16_t start,
                                          uint16_t end, akira_ble_gattc_item_fn item,
                                          akira_ble_gattc_done_fn done, void *user);
/** Read a value into buf (cap bytes), long values with Read Blob until cap or the end.
 *  buf must stay valid until done. */
akira_err_t akira_ble_gattc_read(akira_ble_host_t *h, uint16_t conn, uint16_t handle, uint8_t *buf,
                                 size_t cap, akira_ble_gattc_done_fn done, void *user);
/** Write (Write Request; Prepare/Execute Write when len > MTU-3). data stays valid until
 *  done. */
akira_err_t akira_ble_gattc_write(akira_ble_host_t *h, uint16_t conn, uint16_t handle,
                                  const uint8_t *data, size_t len, akira_ble_gattc_done_fn done,
                                  void *user);
/** Write Command: no response, no done; len at most MTU-3. */
akira_err_t akira_ble_gattc_write_cmd(akira_ble_host_t *h, uint16_t conn, uint16_t handle,
                                      const uint8_t *data, size_t len);
/** Write a CCCD (value 1 notify, 2 indicate, 0 off). */
akira_err_t akira_ble_gattc_subscribe(akira_ble_host_t *h, uint16_t conn, uint16_t cccd_handle,
                                      uint16_t value, akira_ble_gattc_done_fn done, void *user);

/* ---- SMP and bonds ---- */

/** Raise a link's security: encrypt with a bond's key if there is one, else pair
 *  (central: Pairing Request; peripheral: Security Request). AKIRA_ENOTSUP in a
 *  build without the crypto library. */
akira_err_t akira_ble_smp_start(akira_ble_host_t *h, uint16_t conn);
/** Answer passkey_entry (passkey 0..999999). */
akira_err_t akira_ble_smp_passkey_reply(akira_ble_host_t *h, uint16_t conn, uint32_t passkey);
/** Answer numeric_compare. */
akira_err_t akira_ble_smp_confirm_reply(akira_ble_host_t *h, uint16_t conn, bool match);

typedef struct {
    akira_ble_addr_t addr; /* identity address */
    uint8_t ltk[16];
    uint8_t irk[16];
    bool has_irk;
    bool authenticated;
    uint8_t key_size;
} akira_ble_bond_t;

/** Number of bonds; copies up to cap of them into out (may be NULL). */
size_t akira_ble_bonds(akira_ble_host_t *h, akira_ble_bond_t *out, size_t cap);
/** Forget one bond (addr) or all (NULL), in RAM and in settings. */
akira_err_t akira_ble_bond_forget(akira_ble_host_t *h, const akira_ble_addr_t *addr);

#ifdef __cplusplus
}
#endif

#endif /* AKIRA_BLE_HOST_H */

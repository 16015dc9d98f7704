/*
 * host_priv.h - the BLE host's private state, shared by host_*.c. Nothing outside
 * connectivity/ble includes it (the fuzz target does, to drive the parsers directly).
 */
#ifndef AKIRA_BLE_HOST_PRIV_H
#define AKIRA_BLE_HOST_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "akira/ble_host.h"
#include "akira/mutex.h"

/* One L2CAP PDU: basic header (length, CID) and the largest payload we take. */
#define BLE_L2CAP_HDR   4
#define BLE_L2CAP_MAX   (BLE_L2CAP_HDR + AKIRA_BLE_ATT_MTU_MAX)
#define BLE_SMP_PDU_MAX 65 /* Pairing Public Key */
#define BLE_SIG_PDU_MAX 64 /* signaling commands we accept */
/* Queued LL fragments per connection: two full L2CAP PDUs cut into 27-byte pieces. */
#define BLE_TXQ_BYTES      640
#define BLE_ATT_TIMEOUT_MS 30000u
#define BLE_SMP_TIMEOUT_MS 30000u

static inline uint16_t ble_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline void ble_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* Attribute kinds of the table. */
enum { ATTR_FREE = 0, ATTR_SVC = 1, ATTR_CHR, ATTR_VAL, ATTR_CCCD, ATTR_DSC };

struct ble_attr {
    uint8_t kind;
    uint8_t cccd;    /* VAL/CCCD: index in the CCCD table, 0xff none */
    uint16_t end;    /* SVC: the group's end handle; CHR: the value handle */
    const void *def; /* svc, chr or dsc definition */
};

/* GATT client procedures. */
enum {
    GATTC_NONE = 0,
    GATTC_MTU,
    GATTC_SVC_ALL,
    GATTC_SVC_UUID,
    GATTC_CHRS,
    GATTC_DSCS,
    GATTC_READ,
    GATTC_WRITE,
    GATTC_WRITE_LONG,
};

struct ble_gattc {
    uint8_t proc;
    uint8_t req_op;    /* the request in flight (0: none) */
    uint64_t deadline; /* 0: armed at the next poll */
    uint16_t start, end, handle, offset;
    akira_ble_uuid_t uuid;
    uint8_t *buf;
    const uint8_t *wdata;
    size_t cap, len;
    akira_ble_gattc_item_fn item;
    akira_ble_gattc_done_fn done;
    void *user;
};

/* SMP pairing state (host_smp.c). */
struct ble_smp {
    uint8_t state;
    uint8_t method;
    bool initiator;
    bool passkey_known;
    bool user_confirmed;
    bool have_remote_confirm;
    bool have_remote_ea;
    bool bonding;
    bool authenticated;
    uint8_t round;
    uint8_t key_size;
    uint8_t preq[7], pres[7];
    uint8_t local_dist, remote_dist; /* keys still to send / to receive */
    uint8_t sk[32], pk[64], peer_pk[64], dhkey[32];
    uint8_t na[16], nb[16], confirm[16], mackey[16], ltk[16], remote_ea[16];
    uint32_t passkey;
    uint8_t peer_irk[16];
    bool have_peer_irk;
    akira_ble_addr_t peer_id;
    uint64_t deadline;
};

struct ble_conn {
    bool used;
    uint16_t handle;
    uint8_t role;
    uint8_t sec_level;
    bool encrypted;
    bool enc_from_bond;
    akira_ble_addr_t peer;
    uint16_t mtu;
    /* L2CAP reassembly. */
    uint16_t rx_len, rx_need;
    bool rx_active;
    uint8_t rx[BLE_L2CAP_MAX];
    /* LL fragments the link layer has not taken yet: [llid][len][data] records. */
    uint16_t tx_len;
    uint8_t tx[BLE_TXQ_BYTES];
    /* ATT server. */
    uint16_t prep_len;
    uint8_t prep[AKIRA_BLE_ATT_PREP_MAX]; /* [handle][offset][len][data] records */
    uint16_t cccd[AKIRA_BLE_GATT_MAX_CCCD];
    bool ind_pending;
    uint16_t ind_handle;
    uint64_t ind_deadline;
    bool att_dead; /* a transaction timed out: no more ATT on this link */
    struct ble_gattc gattc;
    struct ble_smp smp;
};

struct akira_ble_host {
    akira_ble_host_cfg_t cfg;
    akira_mutex_t *lock;
    uint8_t frag; /* LL payload per fragment */
    uint64_t now;
    akira_ble_host_stats_t stats;
    struct ble_conn conns[AKIRA_BLE_HOST_MAX_CONN];
    uint16_t n_attrs;
    uint8_t n_cccd;
    uint16_t cccd_handle[AKIRA_BLE_GATT_MAX_CCCD]; /* the value handle of each CCCD */
    struct ble_attr attrs[AKIRA_BLE_GATT_MAX_ATTRS];
    size_t n_bonds;
    akira_ble_bond_t bonds[AKIRA_BLE_BOND_MAX];
    uint8_t irk[16];
    uint8_t pdu[BLE_L2CAP_MAX]; /* scratch for building one PDU (lock held) */
};

/* host_core.c */
struct ble_conn *ble_conn_find(akira_ble_host_t *h, uint16_t conn);
void ble_lock(akira_ble_host_t *h);
void ble_unlock(akira_ble_host_t *h);

/* host_l2cap.c */
void ble_l2cap_rx(akira_ble_host_t *h, struct ble_conn *c, uint8_t llid, const uint8_t *d,
                  size_t len);
/* Queue one L2CAP PDU (payload on cid); AKIRA_EAGAIN when the queue lacks room. */
akira_err_t ble_l2cap_send(akira_ble_host_t *h, struct ble_conn *c, uint16_t cid,
                           const uint8_t *payload, size_t len);
/* Room for one PDU of len payload bytes in the queue. */
bool ble_l2cap_room(akira_ble_host_t *h, struct ble_conn *c, size_t len);
void ble_l2cap_flush(akira_ble_host_t *h, struct ble_conn *c);

/* host_att.c: an ATT PDU from the peer. */
void ble_att_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *pdu, size_t len);
void ble_att_disconnected(akira_ble_host_t *h, struct ble_conn *c);
void ble_att_poll(akira_ble_host_t *h, struct ble_conn *c);
/* Send an ATT Error Response. */
void ble_att_error(akira_ble_host_t *h, struct ble_conn *c, uint8_t req, uint16_t handle,
                   uint8_t code);

/* host_gatt_server.c */
const struct ble_attr *ble_gatts_attr(akira_ble_host_t *h, uint16_t handle);
void ble_gatts_type(const struct ble_attr *a, akira_ble_uuid_t *out);
/* Read an attribute's value; returns bytes or a negated ATT error. */
int ble_gatts_read(akira_ble_host_t *h, struct ble_conn *c, uint16_t handle, uint16_t offset,
                   uint8_t *buf, size_t cap);
/* Permission check for a write (cmd: Write Command), then nothing else. 0 or -err. */
int ble_gatts_write_check(akira_ble_host_t *h, struct ble_conn *c, uint16_t handle, bool cmd);
int ble_gatts_write(akira_ble_host_t *h, struct ble_conn *c, uint16_t handle, uint16_t offset,
                    const uint8_t *data, size_t len, bool cmd);

/* host_gatt_client.c: responses, notifications. Returns true when it took the PDU. */
bool ble_gattc_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *pdu, size_t len);
void ble_gattc_fail(akira_ble_host_t *h, struct ble_conn *c, int err);

/* host_smp.c */
void ble_smp_rx(akira_ble_host_t *h, struct ble_conn *c, const uint8_t *pdu, size_t len);
void ble_smp_encryption(akira_ble_host_t *h, struct ble_conn *c, akira_err_t status);
void ble_smp_ltk_request(akira_ble_host_t *h, struct ble_conn *c, const uint8_t rand[8],
                         uint16_t ediv);
void ble_smp_poll(akira_ble_host_t *h, struct ble_conn *c);
void ble_smp_disconnected(akira_ble_host_t *h, struct ble_conn *c);

/* host_bonds.c */
void ble_bonds_load(akira_ble_host_t *h);
const akira_ble_bond_t *ble_bond_find(akira_ble_host_t *h, const akira_ble_addr_t *peer);
akira_err_t ble_bond_store(akira_ble_host_t *h, const akira_ble_bond_t *b);
/* Our identity resolving key (made once, kept in settings). */
const uint8_t *ble_local_irk(akira_ble_host_t *h);

#endif /* AKIRA_BLE_HOST_PRIV_H */

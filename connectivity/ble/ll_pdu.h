/*
 * BLE link-layer PDU formats (Core spec Vol 6 Part B §2): the pure part of the link
 * layer, shared by ll.c, the unit tests and the fuzz target. Nothing here touches the
 * radio, the clock or global state. Multi-byte fields are little endian as on air.
 */
#ifndef AKIRA_BLE_LL_PDU_H
#define AKIRA_BLE_LL_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "akira/ble_ctrl.h"
#include "akira/ble_ll.h"

/* Advertising channel PDU types. */
#define LL_ADV_IND         0x0
#define LL_ADV_DIRECT_IND  0x1
#define LL_ADV_NONCONN_IND 0x2
#define LL_SCAN_REQ        0x3
#define LL_SCAN_RSP        0x4
#define LL_CONNECT_IND     0x5
#define LL_ADV_SCAN_IND    0x6

#define LL_ADV_DATA_MAX    31
#define LL_CRC_INIT_ADV    0x555555u
#define LL_CONNECT_IND_LEN 34

/* Data channel PDU header bits (first byte). */
#define LL_LLID_MASK 0x03
#define LL_LLID_CTRL 3
#define LL_NESN      0x04
#define LL_SN        0x08
#define LL_MD        0x10

/* LL control opcodes. */
#define LL_CONNECTION_UPDATE_IND  0x00
#define LL_CHANNEL_MAP_IND        0x01
#define LL_TERMINATE_IND          0x02
#define LL_ENC_REQ                0x03
#define LL_ENC_RSP                0x04
#define LL_START_ENC_REQ          0x05
#define LL_START_ENC_RSP          0x06
#define LL_UNKNOWN_RSP            0x07
#define LL_FEATURE_REQ            0x08
#define LL_FEATURE_RSP            0x09
#define LL_PAUSE_ENC_REQ          0x0A
#define LL_PAUSE_ENC_RSP          0x0B
#define LL_VERSION_IND            0x0C
#define LL_REJECT_IND             0x0D
#define LL_PERIPHERAL_FEATURE_REQ 0x0E
#define LL_REJECT_EXT_IND         0x11
#define LL_LENGTH_REQ             0x14
#define LL_LENGTH_RSP             0x15

/* Our features: LE Encryption (bit 0), LE Data Packet Length Extension (bit 5). */
#define LL_FEATURES 0x21u
/* VERSION_IND: Core 5.0 (VersNr 9), company 0xFFFF (none assigned), our sub-version. */
#define LL_VERSION_NR    9
#define LL_COMPANY_ID    0xFFFFu
#define LL_SUBVERSION_NR 0x0001u

/* A parsed advertising-channel PDU. */
struct ll_adv_pdu {
    uint8_t type;
    uint8_t chsel, tx_add, rx_add;
    akira_ble_addr_t a;    /* AdvA, or ScanA / InitA for SCAN_REQ / CONNECT_IND */
    akira_ble_addr_t peer; /* AdvA of SCAN_REQ / CONNECT_IND, TargetA of ADV_DIRECT_IND */
    const uint8_t *data;   /* AdvData / ScanRspData / LLData */
    size_t data_len;
};

/* CONNECT_IND's LLData. */
struct ll_conn_req {
    uint32_t aa;
    uint32_t crc_init;
    uint8_t win_size;    /* 1.25 ms units */
    uint16_t win_offset; /* 1.25 ms units */
    uint16_t interval;   /* 1.25 ms units */
    uint16_t latency;
    uint16_t timeout; /* 10 ms units */
    uint8_t chm[5];
    uint8_t hop;
    uint8_t sca;
};

/* CRC-24 of pdu (header + payload) from init, as transmitted (3 bytes, LSB first). */
uint32_t ll_crc24(uint32_t init, const uint8_t *pdu, size_t len);

/* Splits an advertising PDU (header + payload, no CRC). 0, or AKIRA_EFORMAT when the
 * length field disagrees with len or the payload is short for its type. */
int ll_adv_parse(const uint8_t *pdu, size_t len, struct ll_adv_pdu *out);

/* Writes an advertising PDU: header (type, TxAdd, RxAdd) + addresses + data; returns
 * its length. a2 is the second address (SCAN_REQ, CONNECT_IND) or NULL. */
size_t ll_adv_build(uint8_t *out, uint8_t type, const akira_ble_addr_t *a,
                    const akira_ble_addr_t *a2, const uint8_t *data, size_t len);

/* CONNECT_IND's LLData (22 bytes) from/to a struct. */
void ll_conn_req_parse(const uint8_t lldata[22], struct ll_conn_req *out);
void ll_conn_req_build(uint8_t lldata[22], const struct ll_conn_req *req);

/* Whether a CONNECT_IND's parameters are inside the specification's ranges (interval
 * 7.5 ms..4 s, latency, timeout long enough, hop 5..16, at least two data channels,
 * window size and offset, a usable access address). */
bool ll_conn_req_valid(const struct ll_conn_req *req);

/* LL_CONNECTION_UPDATE_IND / LL_CHANNEL_MAP_IND (p: opcode and its CtrData, of
 * ll_ctrl_len's length) applied to a connection's current parameters cur: *out gets the
 * connection as it would be after the instant, *instant the instant. False when the
 * result is not a connection a CONNECT_IND could set up (ll_conn_req_valid), or for
 * another opcode. */
bool ll_instant_ind_parse(const uint8_t *p, const struct ll_conn_req *cur, struct ll_conn_req *out,
                          uint16_t *instant);
/* True when instant is not ahead of the event counter (the one the PDU came in):
 * (instant - counter) mod 65536 is 0 or 32767 and more (the specification's "instant
 * passed"). */
bool ll_instant_passed(uint16_t counter, uint16_t instant);

/* Whether aa follows the rules for a connection's access address. */
bool ll_aa_valid(uint32_t aa);

/* Channel selection algorithm #1: the used-channel table from a channel map, and the
 * data channel of the next event from the last unmapped channel. */
uint8_t ll_chm_used(const uint8_t chm[5], uint8_t used[37]);
uint8_t ll_chsel1(uint8_t *last_unmapped, uint8_t hop, const uint8_t chm[5], const uint8_t *used,
                  uint8_t n_used);

/* Expected CtrData length of an LL control opcode, or -1 for one we do not know. */
int ll_ctrl_len(uint8_t opcode);

/* Whether AdvData is a well-formed list of AD structures. */
bool ll_ad_valid(const uint8_t *ad, size_t ad_len);

/* Session key and CCM (ll_crypto.c). sk = e(LTK, SKDm || SKDs): ltk, skdm, skds
 * little endian as on air, sk as the CCM functions take it (most significant octet
 * first: 66 C6 C2 27 ... for the specification's sample data). */
int ll_session_key(const uint8_t ltk[16], const uint8_t skdm[8], const uint8_t skds[8],
                   uint8_t sk[16]);
/* Encrypts a data PDU's payload in place and appends the 4-byte MIC: hdr0 is the
 * header's first byte (the AAD is hdr0 & 0xE3), counter the 39-bit packet counter,
 * dir 1 for central to peripheral. Returns 0 or AKIRA_EIO. */
int ll_ccm_encrypt(const uint8_t sk[16], const uint8_t iv[8], uint64_t counter, uint8_t dir,
                   uint8_t hdr0, uint8_t *payload, size_t len);
/* Decrypts len bytes (payload + MIC) in place; 0, or AKIRA_EAUTH when the MIC fails. */
int ll_ccm_decrypt(const uint8_t sk[16], const uint8_t iv[8], uint64_t counter, uint8_t dir,
                   uint8_t hdr0, uint8_t *payload, size_t len);

#endif /* AKIRA_BLE_LL_PDU_H */

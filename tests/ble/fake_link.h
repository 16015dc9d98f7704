/*
 * fake_link.h - two BLE hosts connected in-process through a stand-in link layer.
 * Side 0 is the central, side 1 the peripheral. Deliveries are queued and run by
 * fake_pump(), from the test's thread, as the real link layer runs them from its own.
 * Side 0 can instead sit on the ble_ll.h binding (host_ll.c): the test then implements
 * akira_ble_ll_* here.
 */
#ifndef FAKE_LINK_H
#define FAKE_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "akira/ble_host.h"

#define FAKE_QMAX 512
#define FAKE_CAP  32

struct fake_msg {
    uint8_t to, kind, llid;
    uint8_t data[AKIRA_BLE_LL_DATA_MAX];
    uint16_t len;
};

struct fake_pdu {
    uint16_t cid, len;
    uint8_t data[260];
};

struct fake_link {
    akira_ble_host_t *host[2];
    uint16_t conn[2];
    akira_ble_addr_t addr[2];
    bool connected;
    struct fake_msg q[FAKE_QMAX];
    unsigned qh, qn;
    uint8_t central_ltk[16];
    bool enc_pending;
    unsigned eagain_left; /* acl_send answers EAGAIN this many times */
    /* What each side sent, reassembled (the last FAKE_CAP PDUs). */
    struct fake_pdu sent[2][FAKE_CAP];
    unsigned n_sent[2];
    uint8_t rx[2][300];
    uint16_t rx_len[2];
    unsigned sends[2]; /* LL fragments sent */
    bool mute[2];      /* drop what goes to this side */
};

/* Lower ops for side s of link l (ctx points into the link). */
akira_ble_host_lower_t fake_lower(struct fake_link *l, int side);
void fake_init(struct fake_link *l);
/* Side 0 goes through ble_ll.h (akira_ble_host_ll_start) instead of the lower ops. */
void fake_use_ll(struct fake_link *l);
void fake_connect(struct fake_link *l);
void fake_disconnect(struct fake_link *l, uint8_t reason);
void fake_pump(struct fake_link *l);
/* Hand side `to` one raw LL fragment / one whole L2CAP PDU as if from the other side. */
void fake_inject_ll(struct fake_link *l, int to, uint8_t llid, const uint8_t *d, size_t n);
void fake_inject(struct fake_link *l, int to, uint16_t cid, const uint8_t *p, size_t n);
/* The last PDU side s sent on cid (NULL when none since the last fake_clear). */
const struct fake_pdu *fake_last(struct fake_link *l, int side, uint16_t cid);
void fake_clear(struct fake_link *l);

#endif

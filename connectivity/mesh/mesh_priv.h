/*
 * AkiraMesh internals shared by its files (frame layouts in docs/mesh.md). Private to
 * connectivity/mesh/ and its tests.
 */
#ifndef AKIRA_MESH_PRIV_H
#define AKIRA_MESH_PRIV_H

#include <akira/mesh.h>

/* ---- outer frame: cleartext header (authenticated), ciphertext, tag ---- */
#define MESH_MAGIC_V1 0xA1u
#define MESH_HDR_LEN  10u
#define MESH_TAG_LEN  16u
#define MESH_OVERHEAD (MESH_HDR_LEN + MESH_TAG_LEN)

struct mesh_outer {
    uint8_t net_id;
    uint16_t src, dst;
    uint32_t counter;
};

/* ---- inner frame types ---- */
enum mesh_type {
    MESH_T_HELLO = 1,
    MESH_T_ACK = 2,
    MESH_T_RREQ = 3,
    MESH_T_BCAST = 4,
    MESH_T_DATA = 5,
    MESH_T_EACK = 6,
    MESH_T_RREP = 7,
    MESH_T_RERR = 8,
};

/* The routed header every multi-hop frame starts with. */
#define MESH_R_TYPE   0
#define MESH_R_FLAGS  1
#define MESH_R_ORIGIN 2
#define MESH_R_DST    4
#define MESH_R_TTL    6
#define MESH_R_HOPS   7
#define MESH_R_SEQ    8
#define MESH_R_LEN    10u
/* DATA and BCAST */
#define MESH_D_FRAG  10
#define MESH_D_NFRAG 11
#define MESH_D_PORT  12
#define MESH_D_TOTAL 13
#define MESH_D_LEN   15u
/* RREQ */
#define MESH_Q_OSEQ   10
#define MESH_Q_TARGET 14
#define MESH_Q_TSEQ   16
#define MESH_Q_TFLAGS 20
#define MESH_Q_METRIC 21
#define MESH_Q_LEN    23u
/* RREP */
#define MESH_P_TSEQ   10
#define MESH_P_METRIC 14
#define MESH_P_LEN    16u
/* RERR */
#define MESH_E_UNREACH 10
#define MESH_E_USEQ    12
#define MESH_E_LEN     16u
/* HELLO */
#define MESH_H_N     1
#define MESH_H_SEQ   2
#define MESH_H_LEN   4u
#define MESH_H_ENTRY 3u
/* ACK */
#define MESH_A_CTR 1
#define MESH_A_LEN 5u

#define MESH_ATTEMPT_MASK 0x0Fu

/* Duplicate-cache kinds. */
enum mesh_dup_kind { DUP_BCAST = 1, DUP_FWD, DUP_RREQ, DUP_DELIVERED };

/* Out-store states. */
enum mesh_out_state { OUT_WAIT_ROUTE = 1, OUT_SENDING, OUT_WAIT_ACK };

#define MESH_COST_MAX   1023u
#define MESH_METRIC_MAX 0xFFFFu

static inline uint16_t mesh_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t mesh_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void mesh_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void mesh_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
/* Sequence numbers compare with wrap-around (RFC 3561 6.1). */
static inline bool mesh_seq_newer(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

/* mesh_frame.c: the codec */
int mesh_frame_seal(const uint8_t key[AKIRA_MESH_KEY_LEN], const struct mesh_outer *h,
                    const uint8_t *inner, size_t inner_len, uint8_t *out, size_t cap);
int mesh_frame_open(const uint8_t key[AKIRA_MESH_KEY_LEN], const uint8_t *frame, size_t len,
                    struct mesh_outer *h, uint8_t *inner, size_t *inner_len);
int mesh_frame_peek(const uint8_t *frame, size_t len, struct mesh_outer *h);
int mesh_inner_check(const uint8_t *p, size_t len);
int mesh_crypto_init(void);

/* mesh_node.c: shared helpers */
uint32_t mesh_rand(struct akira_mesh_node *n);
int mesh_tx_now(struct akira_mesh_node *n, uint16_t link_dst, const uint8_t *inner, size_t len,
                uint32_t *ctr);

/* mesh_nbr.c */
struct akira_mesh_nbr_ *mesh_nbr_find(struct akira_mesh_node *n, uint16_t id);
struct akira_mesh_nbr_ *mesh_nbr_touch(struct akira_mesh_node *n, uint16_t id, int8_t rssi);
bool mesh_nbr_replay_ok(const struct akira_mesh_nbr_ *nb, uint32_t ctr);
void mesh_nbr_replay_mark(struct akira_mesh_nbr_ *nb, uint32_t ctr);
uint16_t mesh_nbr_cost(const struct akira_mesh_nbr_ *nb);
void mesh_nbr_hello_rx(struct akira_mesh_node *n, struct akira_mesh_nbr_ *nb, const uint8_t *p,
                       size_t len);
void mesh_nbr_tick(struct akira_mesh_node *n);
void mesh_nbr_lost(struct akira_mesh_node *n, uint16_t id);

/* mesh_flood.c */
struct akira_mesh_dup_ *mesh_dup_find(struct akira_mesh_node *n, uint8_t kind, uint16_t origin,
                                      uint16_t seq, uint16_t aux);
struct akira_mesh_dup_ *mesh_dup_add(struct akira_mesh_node *n, uint8_t kind, uint16_t origin,
                                     uint16_t seq, uint16_t aux);
void mesh_flood_rx(struct akira_mesh_node *n, uint8_t *p, size_t len);
int mesh_flood_relay(struct akira_mesh_node *n, const uint8_t *p, size_t len);

/* mesh_route.c */
/* The routed header of a frame this node originates (flags 0, full TTL, no hops). */
void mesh_routed_header(const struct akira_mesh_node *n, uint8_t *p, uint8_t type, uint16_t dst,
                        uint16_t seq);
struct akira_mesh_route_ *mesh_route_get(struct akira_mesh_node *n, uint16_t dst);
bool mesh_route_update(struct akira_mesh_node *n, uint16_t dst, uint16_t via, uint32_t seq,
                       uint8_t hops, uint16_t metric);
void mesh_route_drop_via(struct akira_mesh_node *n, uint16_t via);
void mesh_route_discover(struct akira_mesh_node *n, uint16_t target);
void mesh_route_rreq_rx(struct akira_mesh_node *n, uint16_t from, uint8_t *p, size_t len);
void mesh_route_rrep_rx(struct akira_mesh_node *n, uint16_t from, uint8_t *p, size_t len);
void mesh_route_rerr_rx(struct akira_mesh_node *n, uint16_t from, uint8_t *p, size_t len);
void mesh_route_broken(struct akira_mesh_node *n, uint16_t via, const uint8_t *p, size_t len);
int mesh_route_forward(struct akira_mesh_node *n, uint8_t *p, size_t len);
int mesh_route_relay(struct akira_mesh_node *n, uint8_t *p, size_t len);
void mesh_route_tick(struct akira_mesh_node *n);

/* mesh_xfer.c: queues, acks, fragments, messages */
int mesh_txq_push(struct akira_mesh_node *n, uint16_t next_hop, bool need_ack, const uint8_t *p,
                  size_t len, uint64_t due);
unsigned mesh_txq_free(const struct akira_mesh_node *n);
void mesh_txq_ack(struct akira_mesh_node *n, uint16_t from, uint32_t ctr);
void mesh_txq_tick(struct akira_mesh_node *n);
void mesh_xfer_data_rx(struct akira_mesh_node *n, const uint8_t *p, size_t len);
void mesh_xfer_eack_rx(struct akira_mesh_node *n, const uint8_t *p, size_t len);
void mesh_xfer_route_ready(struct akira_mesh_node *n, uint16_t dst);
void mesh_xfer_route_lost(struct akira_mesh_node *n, uint16_t dst);
void mesh_xfer_tick(struct akira_mesh_node *n);
void mesh_xfer_reassemble(struct akira_mesh_node *n, const uint8_t *p, size_t len);

#endif /* AKIRA_MESH_PRIV_H */

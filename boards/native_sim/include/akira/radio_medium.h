/*
 * The simulated radio medium of native_sim (docs/ble.md): its wire protocol between the
 * broker (`akira-radio`, boards/native_sim/medium/) and the nodes' radio drivers
 * (boards/native_sim/devices/radio_sim.c), and its physics, which is pure code
 * (medium_model.c) so that a unit test checks it without processes.
 *
 * Transport: a Unix SOCK_SEQPACKET socket (one message per packet, little endian).
 * A node sends HELLO first and gets WELCOME (its node id and the medium's seed) or
 * REFUSED (text). Then TX frames, POS moves, ENERGY queries; the broker sends RX for
 * every frame the node hears and ENERGY_A answers. CTRL carries a text command from
 * `akira-radio ctl` and gets CTRL_A.
 */
#ifndef AKIRA_RADIO_MEDIUM_H
#define AKIRA_RADIO_MEDIUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/drivers/radio.h>

enum akira_medium_msg {
    AKIRA_MEDIUM_HELLO = 1,    /* u32 node (0: assign), i32 x_cm, i32 y_cm */
    AKIRA_MEDIUM_WELCOME = 2,  /* u32 node, u64 seed */
    AKIRA_MEDIUM_REFUSED = 3,  /* text */
    AKIRA_MEDIUM_POS = 4,      /* i32 x_cm, i32 y_cm */
    AKIRA_MEDIUM_TX = 5,       /* u16 freq, u8 rate, i8 power, u32 aa, data */
    AKIRA_MEDIUM_ENERGY = 6,   /* u16 freq, u32 token */
    AKIRA_MEDIUM_ENERGY_A = 7, /* u32 token, i8 dbm */
    AKIRA_MEDIUM_CTRL = 8,     /* text */
    AKIRA_MEDIUM_CTRL_A = 9,   /* text */
    AKIRA_MEDIUM_RX = 10,      /* u16 freq, u8 rate, i8 rssi, u8 lqi, u32 aa, u32 src, data */
};

#define AKIRA_MEDIUM_TX_HDR  9  /* type + freq + rate + power + aa */
#define AKIRA_MEDIUM_RX_HDR  14 /* type + freq + rate + rssi + lqi + aa + src */
#define AKIRA_MEDIUM_MSG_MAX (AKIRA_MEDIUM_RX_HDR + AKIRA_RADIO_FRAME_MAX)

/* The medium's parameters (akira-radio's options). */
struct akira_medium_params {
    uint64_t seed;
    double exponent;   /* log-distance path loss exponent (2 free space, 3 indoor) */
    double loss;       /* random loss probability of every delivery, 0..1 */
    double capture_db; /* a frame survives an overlap when it is this much stronger */
    double fade_db;    /* within this margin above sensitivity the loss rises to 100 % */
};

void akira_medium_params_default(struct akira_medium_params *p);

/* Path loss in dB at distance d_m metres on freq_mhz: free-space loss at 1 m, then
 * 10 * exponent * log10(d) (distances below 0.1 m count as 0.1 m). */
double akira_medium_path_loss_db(const struct akira_medium_params *p, double d_m,
                                 uint16_t freq_mhz);

/* Received power in dBm of a frame sent with tx_dbm from (x1,y1) to (x2,y2) (cm). */
int akira_medium_rssi(const struct akira_medium_params *p, int8_t tx_dbm, int32_t x1, int32_t y1,
                      int32_t x2, int32_t y2, uint16_t freq_mhz);

/* Receiver sensitivity at a rate, dBm. */
int akira_medium_sensitivity(uint8_t rate);

/* Air time of a frame of len bytes (after the access address) at rate, microseconds. */
uint32_t akira_medium_airtime_us(uint8_t rate, size_t len);

/* Link quality 0..255 from the margin above sensitivity (6.4 per dB, 255 at >= 40 dB). */
uint8_t akira_medium_lqi(int rssi, uint8_t rate);

/* Whether the random loss drops the seq-th frame of node src at node dst: a pure
 * function of (seed, src, dst, seq) and the margin above sensitivity, so a run with
 * the same seed and the same frames loses the same ones. */
bool akira_medium_lost(const struct akira_medium_params *p, uint32_t src, uint32_t dst,
                       uint32_t seq, int rssi, uint8_t rate);

/* One transmission as the collision check sees it, at one receiver. */
struct akira_medium_tx {
    uint64_t start_us, end_us;
    uint16_t freq_mhz;
    int rssi; /* at the receiver */
};

/* Whether frame `f` survives the other transmissions `others` (n of them) heard at the
 * same receiver: it is lost when another one on the same frequency overlaps it in
 * time and is not at least capture_db weaker. */
bool akira_medium_survives(const struct akira_medium_params *p, const struct akira_medium_tx *f,
                           const struct akira_medium_tx *others, size_t n);

/* Little-endian helpers for the messages. */
static inline void akira_medium_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void akira_medium_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t akira_medium_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t akira_medium_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif /* AKIRA_RADIO_MEDIUM_H */

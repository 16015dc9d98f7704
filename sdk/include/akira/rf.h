/*
 * AkiraOS app SDK - module "rf": raw packets on the device's packet radio (a 2.4 GHz
 * proprietary radio: channel n is 2400 + n MHz), capability "rf", only on the channels
 * the manifest's `rf_channels:` line names (e.g. `rf_channels: 3, 10-12`).
 *
 * akira_rf_configure tunes the radio and claims it for this app: one app at a time,
 * and not while AkiraMesh runs on it (AKIRA_EBUSY; the app log names the holder).
 * Packets are 1..255 bytes; only radios tuned to the same channel and rate hear them.
 * Each packet received waits in a queue of 8 (when full the newest is dropped and
 * counted: akira_rf_dropped) and posts AKIRA_EVENT_RF {a = length, b = RSSI in dBm
 * (a signed value: (int32_t)b), c = link quality 0..255}. The claim ends with
 * akira_rf_release or when the app stops.
 */
#ifndef AKIRA_SDK_RF_H
#define AKIRA_SDK_RF_H

#include <akira/common.h>

#define AKIRA_EVENT_RF       17
#define AKIRA_RF_PACKET_MAX  255
#define AKIRA_RF_CHANNEL_MAX 125

enum { AKIRA_RF_250K = 0, AKIRA_RF_1M = 1, AKIRA_RF_2M = 2 };

/* What came with a received packet. */
struct akira_rf_info {
    int8_t rssi_dbm;  /* received signal strength */
    uint8_t lqi;      /* link quality: margin above the sensitivity, 255 = 40 dB or more */
    uint8_t channel;  /* the channel it was heard on */
    uint8_t reserved; /* 0 */
    uint32_t time_ms; /* uptime when it arrived */
};

/* Tune to channel (0..125) at rate (AKIRA_RF_*) with tx_dbm (-40..20) of transmit
 * power and turn the receiver on: 0, AKIRA_EINVAL, AKIRA_EACCES (channel not in the
 * manifest), AKIRA_ENODEV (no radio), AKIRA_EBUSY (the mesh or another app holds it).
 * Queued packets of the old channel are dropped. */
AKIRA_IMPORT("rf_configure")
int32_t akira_rf_configure(int32_t channel, int32_t rate, int32_t tx_dbm);

/* Send one packet after listening before talking: 0, AKIRA_EINVAL (len 0),
 * AKIRA_ETOOBIG (len > 255), AKIRA_EFAULT, AKIRA_ESTATE (not configured), AKIRA_EBUSY
 * (the channel stayed busy), AKIRA_EIO. */
AKIRA_IMPORT("rf_send") int32_t akira_rf_send(const void *buf, uint32_t len);

/* Take the oldest packet, waiting up to timeout_ms (0..60000; 0: do not wait): its
 * length, AKIRA_EAGAIN (timeout 0, none), AKIRA_ETIMEDOUT, AKIRA_ERANGE (cap is smaller:
 * it stays queued), AKIRA_EFAULT, AKIRA_EINVAL, AKIRA_ESTATE (not configured). */
AKIRA_IMPORT("rf_recv")
int32_t akira_rf_recv(void *buf, uint32_t cap, struct akira_rf_info *info, int32_t timeout_ms);

/* Give the radio back (the mesh may use it again): 0, AKIRA_ENOENT (not held). */
AKIRA_IMPORT("rf_release") int32_t akira_rf_release(void);

/* Packets dropped because the queue was full, AKIRA_ESTATE (not configured). */
AKIRA_IMPORT("rf_dropped") int32_t akira_rf_dropped(void);

#endif /* AKIRA_SDK_RF_H */

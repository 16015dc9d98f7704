/*
 * Radio driver class: a half-duplex packet transceiver (a BLE controller's radio, or a
 * proprietary 2.4 GHz / sub-GHz packet radio), after Zephyr's IEEE 802.15.4 and nRF
 * RADIO drivers reduced to what a link layer needs.
 *
 * A radio is tuned to one frequency at a time (configure): frequency in MHz, data rate,
 * TX power and the access address (the sync word: a frame whose access address differs
 * is not received, as on real silicon). The same setting applies to transmit and
 * receive. Frames are opaque bytes: the link layer above builds headers and CRCs.
 *
 * Transmit: send() puts one frame in the air now and returns when the radio accepted
 * it (the frame takes its air time from there; the driver keeps frames of one caller
 * in order). Receive: the receiver is on while rx_enable(dev, true) holds; frames heard
 * on the tuned frequency with the tuned access address go to the callback if one is
 * set, else into a bounded queue that recv() takes from (oldest first; when the queue
 * is full the newest frame is dropped and counted). configure() flushes the queue
 * (frames heard on the old frequency are not returned after a retune).
 * cca() measures the energy on the tuned frequency now, for listen-before-talk.
 *
 * Threads: any thread may call; calls are serialised inside the driver. The callback
 * runs in interrupt context (on native_sim: the radio's receive thread); it may call
 * send/configure/rx_enable, must not block, and must not call recv.
 * Errors: AKIRA_EINVAL (NULL pointer, frequency/rate/power out of range, len 0),
 * AKIRA_ETOOBIG (len > AKIRA_RADIO_FRAME_MAX), AKIRA_ETIMEDOUT (recv: nothing within
 * the timeout), AKIRA_EAGAIN (recv with AKIRA_NO_WAIT and nothing queued),
 * AKIRA_ESTATE (recv while the receiver is off, or while a callback is set),
 * AKIRA_ENODEV (not ready), AKIRA_EIO (the medium or transceiver failed).
 */
#ifndef AKIRA_DRIVERS_RADIO_H
#define AKIRA_DRIVERS_RADIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <akira/clock.h>
#include <akira/device.h>
#include <akira/err.h>

/* Largest frame: an encrypted BLE data PDU (2 header + 251 payload + 4 MIC + 3 CRC)
 * or an RF packet (length byte + 255 payload + 2 CRC) both fit. */
#define AKIRA_RADIO_FRAME_MAX 260

/* Frequencies the class accepts, in MHz: 2.4 GHz ISM (BLE channel 37 is 2402, 39 is
 * 2480; proprietary channels 2400..2525 as nRF24-style radios number them) and the
 * sub-GHz SRD bands (863..870, 902..928). */
#define AKIRA_RADIO_FREQ_24_MIN  2400
#define AKIRA_RADIO_FREQ_24_MAX  2525
#define AKIRA_RADIO_FREQ_SUB_MIN 863
#define AKIRA_RADIO_FREQ_SUB_MAX 928

#define AKIRA_RADIO_TX_POWER_MIN (-40) /* dBm */
#define AKIRA_RADIO_TX_POWER_MAX 20    /* dBm */

/* The BLE advertising access address (Core spec Vol 6 Part B 2.1.2). */
#define AKIRA_RADIO_BLE_ADV_AA 0x8E89BED6u

/* Data rates (modulations). Air time of a frame of n bytes: (preamble + 4-byte access
 * address + n) * 8 / bit rate. */
enum akira_radio_rate {
    AKIRA_RADIO_BLE_1M = 0,  /* BLE LE 1M PHY: 1 Mbit/s, 1-byte preamble */
    AKIRA_RADIO_BLE_2M = 1,  /* BLE LE 2M PHY: 2 Mbit/s, 2-byte preamble */
    AKIRA_RADIO_RF_250K = 2, /* proprietary GFSK 250 kbit/s (longest range) */
    AKIRA_RADIO_RF_1M = 3,   /* proprietary GFSK 1 Mbit/s */
    AKIRA_RADIO_RF_2M = 4,   /* proprietary GFSK 2 Mbit/s */
    AKIRA_RADIO_RATE_COUNT_
};

/* BLE channel index (0..39, data 0..36, advertising 37..39) to its frequency in MHz;
 * 0 for an index out of range. */
static inline uint16_t akira_radio_ble_channel_freq(uint8_t ch)
{
    if (ch <= 10) return (uint16_t)(2404 + 2 * ch);
    if (ch <= 36) return (uint16_t)(2428 + 2 * (ch - 11));
    if (ch == 37) return 2402;
    if (ch == 38) return 2426;
    if (ch == 39) return 2480;
    return 0;
}

struct akira_radio_config {
    uint16_t freq_mhz;       /* see AKIRA_RADIO_FREQ_* */
    uint8_t rate;            /* enum akira_radio_rate */
    int8_t tx_power_dbm;     /* AKIRA_RADIO_TX_POWER_MIN..MAX */
    uint32_t access_address; /* sync word; frames with another one are not received */
};

/* One received frame. */
struct akira_radio_frame {
    uint64_t timestamp_us;   /* uptime (akira_uptime_us) when the frame's last bit arrived */
    uint32_t access_address; /* as configured when it was heard */
    uint16_t freq_mhz;
    uint16_t len;    /* bytes in data */
    int8_t rssi_dbm; /* received signal strength */
    uint8_t lqi;     /* link quality 0..255: the margin above sensitivity, 255 = >= 40 dB */
    uint8_t rate;
    uint8_t data[AKIRA_RADIO_FRAME_MAX];
};

/* Counters since boot. */
struct akira_radio_stats {
    uint32_t tx_frames;
    uint32_t rx_frames;   /* delivered to the callback or the queue */
    uint32_t rx_dropped;  /* heard but the queue was full */
    uint32_t rx_filtered; /* heard on the tuned frequency with another access address */
};

/* Where the radio is, for the shell and the tests (native_sim: its place on the medium;
 * a real board: node id from its hardware, position 0). */
struct akira_radio_info {
    uint32_t node_id;       /* unique on the medium */
    int32_t x_cm, y_cm;     /* position */
    int8_t tx_power_dbm;    /* the configured one */
    int8_t sensitivity_dbm; /* at the configured rate */
};

typedef void (*akira_radio_rx_cb_t)(const struct akira_device *dev,
                                    const struct akira_radio_frame *frame, void *user);

struct akira_radio_api {
    int (*configure)(const struct akira_device *dev, const struct akira_radio_config *cfg);
    /* 0, or an error; the frame is in the air when it returns. */
    int (*send)(const struct akira_device *dev, const uint8_t *data, size_t len);
    int (*rx_enable)(const struct akira_device *dev, bool on);
    /* 0 and *out, or AKIRA_ETIMEDOUT / AKIRA_EAGAIN / AKIRA_ESTATE. */
    int (*recv)(const struct akira_device *dev, struct akira_radio_frame *out, int32_t timeout_ms);
    /* One callback per radio; NULL removes it. After the call returns the old callback
     * is not running. */
    int (*callback_set)(const struct akira_device *dev, akira_radio_rx_cb_t cb, void *user);
    /* Strongest signal on the tuned frequency now, dBm; -127 when nothing transmits. */
    int (*energy)(const struct akira_device *dev, int8_t *dbm);
    int (*stats_get)(const struct akira_device *dev, struct akira_radio_stats *out);
    int (*info_get)(const struct akira_device *dev, struct akira_radio_info *out);
};

static inline const struct akira_radio_api *akira_radio_api_of_(const struct akira_device *dev)
{
    return (dev && akira_device_is_ready(dev)) ? (const struct akira_radio_api *)dev->api : NULL;
}

/* Whether cfg is inside the class's ranges (checked before any driver runs). */
static inline bool akira_radio_config_valid(const struct akira_radio_config *cfg)
{
    if (!cfg) return false;
    bool f24 = cfg->freq_mhz >= AKIRA_RADIO_FREQ_24_MIN && cfg->freq_mhz <= AKIRA_RADIO_FREQ_24_MAX;
    bool fsub =
        cfg->freq_mhz >= AKIRA_RADIO_FREQ_SUB_MIN && cfg->freq_mhz <= AKIRA_RADIO_FREQ_SUB_MAX;
    return (f24 || fsub) && cfg->rate < AKIRA_RADIO_RATE_COUNT_ &&
           cfg->tx_power_dbm >= AKIRA_RADIO_TX_POWER_MIN &&
           cfg->tx_power_dbm <= AKIRA_RADIO_TX_POWER_MAX;
}

/* Tune: frequency, rate, TX power, access address; flushes the receive queue. */
static inline int akira_radio_configure(const struct akira_device *dev,
                                        const struct akira_radio_config *cfg)
{
    const struct akira_radio_api *api = akira_radio_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!akira_radio_config_valid(cfg)) return AKIRA_EINVAL;
    return api->configure(dev, cfg);
}

/* Transmit one frame on the tuned frequency now. */
static inline int akira_radio_send(const struct akira_device *dev, const uint8_t *data, size_t len)
{
    const struct akira_radio_api *api = akira_radio_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!data || len == 0) return AKIRA_EINVAL;
    if (len > AKIRA_RADIO_FRAME_MAX) return AKIRA_ETOOBIG;
    return api->send(dev, data, len);
}

/* Turn the receiver on (frames are queued or go to the callback) or off. */
static inline int akira_radio_rx_enable(const struct akira_device *dev, bool on)
{
    const struct akira_radio_api *api = akira_radio_api_of_(dev);
    return api ? api->rx_enable(dev, on) : AKIRA_ENODEV;
}

/* Take the oldest queued frame, waiting up to timeout_ms (AKIRA_NO_WAIT, AKIRA_FOREVER). */
static inline int akira_radio_recv(const struct akira_device *dev, struct akira_radio_frame *out,
                                   int32_t timeout_ms)
{
    const struct akira_radio_api *api = akira_radio_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!out || timeout_ms < AKIRA_FOREVER) return AKIRA_EINVAL;
    return api->recv(dev, out, timeout_ms);
}

static inline int akira_radio_callback_set(const struct akira_device *dev, akira_radio_rx_cb_t cb,
                                           void *user)
{
    const struct akira_radio_api *api = akira_radio_api_of_(dev);
    return api ? api->callback_set(dev, cb, user) : AKIRA_ENODEV;
}

/* Energy detection on the tuned frequency (dBm). */
static inline int akira_radio_energy(const struct akira_device *dev, int8_t *dbm)
{
    const struct akira_radio_api *api = akira_radio_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!dbm) return AKIRA_EINVAL;
    return api->energy(dev, dbm);
}

/* Clear-channel assessment for listen-before-talk: 1 when the channel is clear (energy
 * below threshold_dbm), 0 when busy, or an error. */
static inline int akira_radio_cca(const struct akira_device *dev, int8_t threshold_dbm)
{
    int8_t e;
    int rc = akira_radio_energy(dev, &e);
    if (rc < 0) return rc;
    return e < threshold_dbm ? 1 : 0;
}

static inline int akira_radio_stats_get(const struct akira_device *dev,
                                        struct akira_radio_stats *out)
{
    const struct akira_radio_api *api = akira_radio_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!out) return AKIRA_EINVAL;
    return api->stats_get(dev, out);
}

static inline int akira_radio_info_get(const struct akira_device *dev, struct akira_radio_info *out)
{
    const struct akira_radio_api *api = akira_radio_api_of_(dev);
    if (!api) return AKIRA_ENODEV;
    if (!out) return AKIRA_EINVAL;
    return api->info_get(dev, out);
}

/* The board's first radio: of the ready ones, the one whose name sorts first
 * (native_sim: "radio0", the Bluetooth LE radio; "radio1" is its second transceiver),
 * or NULL when none is ready (no medium). */
const struct akira_device *akira_radio_default(void);

#endif /* AKIRA_DRIVERS_RADIO_H */

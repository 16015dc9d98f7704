/*
 * API module "compat_rf": upstream AkiraOS's RF transceiver natives (`rf_*` of import
 * module "env", capability `rf.transceive`, docs/compat.md "RF") over our rf module's
 * transceiver (runtime/api/rf.c through rf_priv.h): the same claim (one app or the mesh
 * at a time, -EBUSY with the holder logged), the same receive queue, released when the
 * app ends.
 *
 * Our radio is a 2.4 GHz GFSK packet transceiver numbered like an nRF24 (channel n =
 * 2400 + n MHz, 250 kbit/s, 1 and 2 Mbit/s), so it answers to upstream's chip id NRF24
 * and to modulation GFSK; LoRa settings, CW, sync words and raw OOK capture are
 * -ENOTSUP, as upstream answers on a chip without them. The first call that needs the
 * radio claims and tunes it: the frequency set before (default 2410 MHz), 1 Mbit/s,
 * 0 dBm until the app sets others.
 */
#include <akira/drivers/radio.h>

#include "compat_priv.h"
#include "rf_priv.h"

#define RF_DEFAULT_CH  10u  /* 2410 MHz */
#define RF_PAYLOAD_MAX 255u /* our rf module's packet */
#define RF_CHIP_NRF24  1    /* upstream's chip ids 0..6 */
#define RF_CHIP_MAX    6
#define RF_MOD_GFSK    2 /* upstream's modulation ids 1..8 */
#define RF_MOD_MAX     8
#define RF_RECV_INFO   8u

/* The app's settings, made on its first RF call. */
static struct compat_rf *settings(struct akira_app_ctx *app)
{
    struct akira_compat_app *s = compat_state(app);
    if (!s) return NULL;
    if (!s->rf.set) {
        s->rf.channel = RF_DEFAULT_CH;
        s->rf.rate = AKIRA_RADIO_RF_1M;
        s->rf.dbm = 0;
        s->rf.set = true;
    }
    return &s->rf;
}

/* Claims and tunes the radio to the app's settings (our code). */
static int tune(struct akira_app_ctx *app)
{
    struct compat_rf *r = settings(app);
    if (!r) return AKIRA_ENOMEM;
    return akira_rf_app_tune(app, r->channel, r->rate, r->dbm);
}

/* Holds the radio (tuned on first use): 0 or our code. */
static int hold(struct akira_app_ctx *app)
{
    return akira_rf_app_holds(app) ? 0 : tune(app);
}

static aw_status up_rf_set_frequency(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t hz = io[0].u32, mhz = hz / 1000000u;
    /* our plan: whole MHz of 2400..2525 (channels 0..125) */
    if (hz % 1000000u != 0 || mhz < AKIRA_RADIO_FREQ_24_MIN ||
        mhz > AKIRA_RADIO_FREQ_24_MIN + AKIRA_MANIFEST_RF_CHANNEL_MAX)
        return hw_ret(io, -AKIRA_UP_EINVAL);
    struct compat_rf *r = settings(app);
    if (!r) return hw_ret(io, -AKIRA_UP_ENOMEM);
    uint8_t old = r->channel;
    r->channel = (uint8_t)(mhz - AKIRA_RADIO_FREQ_24_MIN);
    int rc = tune(app);
    if (rc) r->channel = old;
    return compat_ret(io, rc);
}

static aw_status up_rf_set_power(struct akira_app_ctx *app, aw_val *io)
{
    int32_t dbm = io[0].i32;
    if (dbm < AKIRA_RADIO_TX_POWER_MIN || dbm > AKIRA_RADIO_TX_POWER_MAX)
        return hw_ret(io, -AKIRA_UP_EINVAL);
    struct compat_rf *r = settings(app);
    if (!r) return hw_ret(io, -AKIRA_UP_ENOMEM);
    int8_t old = r->dbm;
    r->dbm = (int8_t)dbm;
    int rc = tune(app);
    if (rc) r->dbm = old;
    return compat_ret(io, rc);
}

static aw_status up_rf_set_bitrate(struct akira_app_ctx *app, aw_val *io)
{
    int32_t bps = io[0].i32;
    uint8_t rate = bps == 250000    ? AKIRA_RADIO_RF_250K
                   : bps == 1000000 ? AKIRA_RADIO_RF_1M
                   : bps == 2000000 ? AKIRA_RADIO_RF_2M
                                    : AKIRA_RADIO_RATE_COUNT_;
    if (bps <= 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    if (rate == AKIRA_RADIO_RATE_COUNT_) return hw_ret(io, -AKIRA_UP_ENOTSUP);
    struct compat_rf *r = settings(app);
    if (!r) return hw_ret(io, -AKIRA_UP_ENOMEM);
    uint8_t old = r->rate;
    r->rate = rate;
    int rc = tune(app);
    if (rc) r->rate = old;
    return compat_ret(io, rc);
}

static aw_status up_rf_get_rssi(struct akira_app_ctx *app, aw_val *io)
{
    int rc = hold(app);
    int8_t dbm = 0;
    if (!rc) rc = akira_rf_app_energy(app, &dbm);
    return rc ? compat_ret(io, rc) : hw_ret(io, dbm);
}

static aw_status up_rf_send(struct akira_app_ctx *app, aw_val *io)
{
    uint32_t len = io[1].u32;
    /* upstream's `*`: the engine traps on a payload outside memory */
    const uint8_t *p = akira_bridge_mem(app, io[0].u32, len ? len : 1u);
    if (!p) return compat_oob(app);
    if (len == 0) return hw_ret(io, -AKIRA_UP_EINVAL);
    if (len > RF_PAYLOAD_MAX) return hw_ret(io, -AKIRA_UP_EMSGSIZE);
    int rc = hold(app);
    if (!rc) rc = akira_rf_app_send(app, p, len);
    return compat_ret(io, rc);
}

static aw_status up_rf_select(struct akira_app_ctx *app, aw_val *io)
{
    int32_t chip = io[0].i32;
    if (chip < 0 || chip > RF_CHIP_MAX) return hw_ret(io, -AKIRA_UP_EINVAL);
    if (chip == 0) { /* NONE: the radio goes back */
        akira_rf_app_release(app);
        return hw_ret(io, 0);
    }
    if (chip != RF_CHIP_NRF24) return hw_ret(io, -AKIRA_UP_ENODEV);
    return compat_ret(io, hold(app));
}

/* rf_recv_pop / rf_receive (buf, max_len, timeout_ms): the oldest packet, waiting up to
 * the timeout; nothing is `empty` (-ENOMSG for the pop, -ETIMEDOUT for the receive). */
static aw_status receive(struct akira_app_ctx *app, aw_val *io, int32_t empty)
{
    uint32_t cap = io[1].u32, timeout = io[2].u32;
    uint8_t *buf = akira_bridge_mem(app, io[0].u32, cap);
    if (!buf || cap == 0) return hw_ret(io, buf ? -AKIRA_UP_EINVAL : -AKIRA_UP_EFAULT);
    int rc = hold(app);
    if (rc) return compat_ret(io, rc);
    uint8_t info[RF_RECV_INFO];
    int32_t got;
    aw_status st = akira_rf_app_recv(app, buf, cap, info, timeout, &got);
    if (got == AKIRA_EAGAIN || got == AKIRA_ETIMEDOUT)
        io[0].i32 = empty;
    else if (got == AKIRA_ERANGE)
        io[0].i32 = -AKIRA_UP_EMSGSIZE;
    else
        io[0].i32 = got < 0 ? akira_compat_errno(got) : got;
    return st;
}

COMPAT_WRAP(up_rf_recv_pop, receive, -AKIRA_UP_ENOMSG)
COMPAT_WRAP(up_rf_receive, receive, -AKIRA_UP_ETIMEDOUT)

static aw_status up_rf_set_modulation(struct akira_app_ctx *app, aw_val *io)
{
    int32_t mod = io[0].i32;
    if (mod < 1 || mod > RF_MOD_MAX) return hw_ret(io, -AKIRA_UP_EINVAL);
    if (mod != RF_MOD_GFSK) return hw_ret(io, -AKIRA_UP_ENOTSUP);
    return compat_ret(io, hold(app));
}

/* What our radio does not have (LoRa, CW, sync words, raw OOK): upstream's answer on a
 * chip without it. */
static aw_status up_rf_unsupported(struct akira_app_ctx *app, aw_val *io)
{
    (void)app;
    return hw_ret(io, -AKIRA_UP_ENOTSUP);
}

static const struct akira_bridge_entry entries[] = {
    {"rf_set_frequency", "(i)i", AKIRA_CAP_RF, up_rf_set_frequency},
    {"rf_set_power", "(i)i", AKIRA_CAP_RF, up_rf_set_power},
    {"rf_get_rssi", "()i", AKIRA_CAP_RF, up_rf_get_rssi},
    {"rf_send", "(ii)i", AKIRA_CAP_RF, up_rf_send},
    {"rf_select", "(i)i", AKIRA_CAP_RF, up_rf_select},
    {"rf_recv_pop", "(iii)i", AKIRA_CAP_RF, up_rf_recv_pop},
    {"rf_receive", "(iii)i", AKIRA_CAP_RF, up_rf_receive},
    {"rf_set_modulation", "(i)i", AKIRA_CAP_RF, up_rf_set_modulation},
    {"rf_set_spreading_factor", "(i)i", AKIRA_CAP_RF, up_rf_unsupported},
    {"rf_set_bandwidth", "(i)i", AKIRA_CAP_RF, up_rf_unsupported},
    {"rf_set_coding_rate", "(i)i", AKIRA_CAP_RF, up_rf_unsupported},
    {"rf_set_bitrate", "(i)i", AKIRA_CAP_RF, up_rf_set_bitrate},
    {"rf_tx_cw_start", "()i", AKIRA_CAP_RF, up_rf_unsupported},
    {"rf_tx_cw_stop", "()i", AKIRA_CAP_RF, up_rf_unsupported},
    {"rf_tx_cw_set_freq", "(i)i", AKIRA_CAP_RF, up_rf_unsupported},
    {"rf_set_sync_word", "(i)i", AKIRA_CAP_RF, up_rf_unsupported},
    {"rf_raw_capture", "(iiii)i", AKIRA_CAP_RF, up_rf_unsupported},
    {"rf_raw_replay", "(iiii)i", AKIRA_CAP_RF, up_rf_unsupported},
};

/* The claim is the rf module's: its app_end releases it. */
const struct akira_bridge_module akira_api_compat_rf = {
    .name = "compat_rf",
    .entries = entries,
    .count = sizeof(entries) / sizeof(entries[0]),
    .import_module = "env",
    .denied_result = -AKIRA_UP_EPERM,
};

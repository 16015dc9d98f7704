/* The radio medium's physics (akira/radio_medium.h): pure functions, no I/O. */
#include <math.h>

#include <akira/radio_medium.h>

void akira_medium_params_default(struct akira_medium_params *p)
{
    p->seed = 1;
    p->exponent = 3.0;
    p->loss = 0.0;
    p->capture_db = 6.0;
    p->fade_db = 3.0;
}

double akira_medium_path_loss_db(const struct akira_medium_params *p, double d_m, uint16_t freq_mhz)
{
    if (d_m < 0.1) d_m = 0.1;
    /* Free-space loss at 1 m: 20 log10(f_MHz) - 27.55 (40.2 dB at 2440 MHz). */
    double fspl_1m = 20.0 * log10((double)freq_mhz) - 27.55;
    return fspl_1m + 10.0 * p->exponent * log10(d_m);
}

int akira_medium_rssi(const struct akira_medium_params *p, int8_t tx_dbm, int32_t x1, int32_t y1,
                      int32_t x2, int32_t y2, uint16_t freq_mhz)
{
    double dx = (double)x1 - x2, dy = (double)y1 - y2;
    double d_m = sqrt(dx * dx + dy * dy) / 100.0;
    double r = tx_dbm - akira_medium_path_loss_db(p, d_m, freq_mhz);
    if (r < -127) r = -127;
    if (r > 20) r = 20;
    return (int)lround(r);
}

int akira_medium_sensitivity(uint8_t rate)
{
    switch (rate) {
    case AKIRA_RADIO_BLE_1M: return -95;
    case AKIRA_RADIO_BLE_2M: return -92;
    case AKIRA_RADIO_RF_250K: return -100;
    case AKIRA_RADIO_RF_1M: return -93;
    case AKIRA_RADIO_RF_2M: return -90;
    default: return 0;
    }
}

uint32_t akira_medium_airtime_us(uint8_t rate, size_t len)
{
    /* preamble + 4-byte access address + the frame */
    switch (rate) {
    case AKIRA_RADIO_BLE_2M: return (uint32_t)((2 + 4 + len) * 8 / 2);
    case AKIRA_RADIO_RF_250K: return (uint32_t)((1 + 4 + len) * 8 * 4);
    case AKIRA_RADIO_RF_2M: return (uint32_t)((1 + 4 + len) * 8 / 2);
    default: return (uint32_t)((1 + 4 + len) * 8); /* 1 Mbit/s */
    }
}

uint8_t akira_medium_lqi(int rssi, uint8_t rate)
{
    int margin = rssi - akira_medium_sensitivity(rate);
    if (margin <= 0) return 0;
    if (margin >= 40) return 255;
    return (uint8_t)(margin * 64 / 10);
}

/* splitmix64: a well-mixed hash of the inputs. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

bool akira_medium_lost(const struct akira_medium_params *p, uint32_t src, uint32_t dst,
                       uint32_t seq, int rssi, uint8_t rate)
{
    int margin = rssi - akira_medium_sensitivity(rate);
    if (margin < 0) return true;
    double prob = p->loss;
    if (p->fade_db > 0 && margin < p->fade_db) {
        double fade = 1.0 - margin / p->fade_db; /* 1 at sensitivity, 0 at fade_db */
        prob = prob + (1.0 - prob) * fade;
    }
    if (prob <= 0) return false;
    uint64_t h = mix64(p->seed ^ mix64(((uint64_t)src << 32 | dst) ^ mix64(seq)));
    double u = (double)(h >> 11) / 9007199254740992.0; /* [0, 1) */
    return u < prob;
}

bool akira_medium_survives(const struct akira_medium_params *p, const struct akira_medium_tx *f,
                           const struct akira_medium_tx *others, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct akira_medium_tx *o = &others[i];
        if (o->freq_mhz != f->freq_mhz) continue;
        if (o->end_us <= f->start_us || o->start_us >= f->end_us) continue;
        if (f->rssi - o->rssi < p->capture_db) return false;
    }
    return true;
}

/*
 * Register-level model of a Bosch BME280 at 0x76 on i2c0.
 *
 * What a driver sees is the datasheet's register map: chip id 0x60 at 0xD0, soft reset
 * at 0xE0 (0xB6), ctrl_hum/status/ctrl_meas/config at 0xF2..0xF5, trimming values at
 * 0x88..0xA1 and 0xE1..0xE7, the 20/20/16-bit ADC outputs at 0xF7..0xFE. Reads
 * auto-increment; writes are (register, value) pairs (datasheet 6.2.1).
 *
 * Measurements: forced mode measures once, then the chip is back in sleep; normal mode
 * measures every t_measure + t_standby. A measurement takes the datasheet's maximum
 * time (appendix 9.1) during which status.measuring reads 1, and its result appears
 * in the data registers when it ends. The raw ADC values are made by inverting the
 * datasheet's floating-point compensation (section 8.1) with a bisection, so a driver
 * that applies the integer compensation gets the signal back to within its resolution.
 * Oversampling only costs time here (the model has no noise to average); the IIR
 * filter is applied to temperature and pressure as the datasheet describes.
 */
#include <math.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/drivers/bme280.h>

#include "sim.h"

/* Trimming values: the datasheet's example set for T and P, humidity values of the
 * kind real parts carry. */
static const struct akira_bme280_calib trim = {
    .dig_T1 = 27504,
    .dig_T2 = 26435,
    .dig_T3 = -1000,
    .dig_P1 = 36477,
    .dig_P2 = -10685,
    .dig_P3 = 3024,
    .dig_P4 = 2855,
    .dig_P5 = 140,
    .dig_P6 = -7,
    .dig_P7 = 15500,
    .dig_P8 = -14600,
    .dig_P9 = 6000,
    .dig_H1 = 75,
    .dig_H2 = 362,
    .dig_H3 = 0,
    .dig_H4 = 313,
    .dig_H5 = 50,
    .dig_H6 = 30,
};

static struct {
    uint8_t ptr;
    uint8_t ctrl_hum, ctrl_meas, config;
    uint8_t nvm[256]; /* trimming bytes at their addresses */
    uint32_t adc_P, adc_T, adc_H;
    double filt_T, filt_P; /* IIR filter state, raw units */
    bool filt_valid;
    bool measuring;
    uint64_t done_us;         /* end of the running measurement */
    uint64_t next_us;         /* normal mode: start of the next measurement */
    bool write_pending_value; /* inside a pair: the next byte is the value */
    uint8_t pair_reg;
} c;

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void chip_reset(void)
{
    memset(&c, 0, sizeof(c));
    uint8_t *n = c.nvm;
    put_le16(n + 0x88, trim.dig_T1);
    put_le16(n + 0x8A, (uint16_t)trim.dig_T2);
    put_le16(n + 0x8C, (uint16_t)trim.dig_T3);
    put_le16(n + 0x8E, trim.dig_P1);
    const int16_t p[] = {trim.dig_P2, trim.dig_P3, trim.dig_P4, trim.dig_P5,
                         trim.dig_P6, trim.dig_P7, trim.dig_P8, trim.dig_P9};
    for (int i = 0; i < 8; i++)
        put_le16(n + 0x90 + 2 * i, (uint16_t)p[i]);
    n[0xA1] = trim.dig_H1;
    put_le16(n + 0xE1, (uint16_t)trim.dig_H2);
    n[0xE3] = trim.dig_H3;
    n[0xE4] = (uint8_t)((trim.dig_H4 >> 4) & 0xFF);
    n[0xE5] = (uint8_t)((trim.dig_H4 & 0x0F) | ((trim.dig_H5 & 0x0F) << 4));
    n[0xE6] = (uint8_t)((trim.dig_H5 >> 4) & 0xFF);
    n[0xE7] = (uint8_t)trim.dig_H6;
    c.adc_P = c.adc_T = 0x80000; /* reset values of the data registers */
    c.adc_H = 0x8000;
}

/* --- the datasheet's double-precision compensation, and its inverse ---------------- */

static double comp_T(double adc, double *t_fine)
{
    double v1 = (adc / 16384.0 - trim.dig_T1 / 1024.0) * trim.dig_T2;
    double d = adc / 131072.0 - trim.dig_T1 / 8192.0;
    double v2 = d * d * trim.dig_T3;
    *t_fine = v1 + v2;
    return (v1 + v2) / 5120.0;
}

static double comp_P(double adc, double t_fine)
{
    double v1 = t_fine / 2.0 - 64000.0;
    double v2 = v1 * v1 * trim.dig_P6 / 32768.0;
    v2 = v2 + v1 * trim.dig_P5 * 2.0;
    v2 = v2 / 4.0 + trim.dig_P4 * 65536.0;
    v1 = (trim.dig_P3 * v1 * v1 / 524288.0 + trim.dig_P2 * v1) / 524288.0;
    v1 = (1.0 + v1 / 32768.0) * trim.dig_P1;
    if (v1 == 0.0) return 0;
    double p = 1048576.0 - adc;
    p = (p - v2 / 4096.0) * 6250.0 / v1;
    v1 = trim.dig_P9 * p * p / 2147483648.0;
    v2 = p * trim.dig_P8 / 32768.0;
    return p + (v1 + v2 + trim.dig_P7) / 16.0;
}

static double comp_H(double adc, double t_fine)
{
    double h = t_fine - 76800.0;
    h = (adc - (trim.dig_H4 * 64.0 + trim.dig_H5 / 16384.0 * h)) *
        (trim.dig_H2 / 65536.0 *
         (1.0 + trim.dig_H6 / 67108864.0 * h * (1.0 + trim.dig_H3 / 67108864.0 * h)));
    h = h * (1.0 - trim.dig_H1 * h / 524288.0);
    return h < 0 ? 0 : h > 100 ? 100 : h;
}

/* The raw value in [0, max] whose compensation is closest to target, for a monotonic
 * compensation f (increasing or decreasing). */
static uint32_t invert(double (*f)(double, double), double aux, double target, uint32_t max)
{
    double lo = 0, hi = max;
    bool up = f(hi, aux) > f(lo, aux);
    for (int i = 0; i < 40 && hi - lo > 0.25; i++) {
        double mid = (lo + hi) / 2;
        if ((f(mid, aux) < target) == up)
            lo = mid;
        else
            hi = mid;
    }
    double r = floor((lo + hi) / 2 + 0.5);
    return r < 0 ? 0 : r > max ? max : (uint32_t)r;
}

static double comp_T2(double adc, double unused)
{
    (void)unused;
    double tf;
    return comp_T(adc, &tf);
}

static void measure(void)
{
    unsigned osrs_t = c.ctrl_meas >> 5, osrs_p = (c.ctrl_meas >> 2) & 7, osrs_h = c.ctrl_hum & 7;
    double T = sim_signal_sample(AKIRA_SIM_SIG_TEMP);
    double P = sim_signal_sample(AKIRA_SIM_SIG_PRESS);
    double H = sim_signal_sample(AKIRA_SIM_SIG_HUM);
    /* 20-bit results (the full resolution an IIR filter or x16 gives; the xlsb low
     * nibble carries the extra bits). */
    double rawT = invert(comp_T2, 0, T, 0xFFFFF);
    double t_fine;
    comp_T(rawT, &t_fine);
    double rawP = invert(comp_P, t_fine, P, 0xFFFFF);
    double rawH = invert(comp_H, t_fine, H, 0xFFFF);
    unsigned filter = (c.config >> 2) & 7; /* coefficient 0, 2, 4, 8, 16 */
    if (filter && c.filt_valid) {
        double k = (double)(1u << (filter > 4 ? 4 : filter));
        c.filt_T = (c.filt_T * (k - 1) + rawT) / k;
        c.filt_P = (c.filt_P * (k - 1) + rawP) / k;
    } else {
        c.filt_T = rawT;
        c.filt_P = rawP;
    }
    c.filt_valid = true;
    c.adc_T = osrs_t ? (uint32_t)c.filt_T : 0x80000;
    c.adc_P = osrs_p ? (uint32_t)c.filt_P : 0x80000;
    c.adc_H = osrs_h ? (uint32_t)rawH : 0x8000;
}

static const unsigned os_factor[8] = {0, 1, 2, 4, 8, 16, 16, 16};

/* Maximum measurement time in microseconds (datasheet appendix 9.1). */
static uint64_t t_measure_us(void)
{
    unsigned t = os_factor[c.ctrl_meas >> 5], p = os_factor[(c.ctrl_meas >> 2) & 7],
             h = os_factor[c.ctrl_hum & 7];
    return 1250 + 2300 * t + (p ? 2300 * p + 575 : 0) + (h ? 2300 * h + 575 : 0);
}

static const uint32_t t_standby_us[8] = {500, 62500, 125000, 250000, 500000, 1000000, 10000, 20000};

/* Brings the model up to now: finishes a running measurement, starts normal-mode ones. */
static void advance(void)
{
    uint64_t now = akira_uptime_us();
    if (c.measuring && now >= c.done_us) {
        c.measuring = false;
        measure();
        if ((c.ctrl_meas & 3) == AKIRA_BME280_MODE_FORCED) c.ctrl_meas &= (uint8_t)~3u;
    }
    if ((c.ctrl_meas & 3) == AKIRA_BME280_MODE_NORMAL && !c.measuring && now >= c.next_us) {
        /* Skip the cycles nobody looked at: only the latest result is visible. */
        c.measuring = true;
        c.done_us = now + t_measure_us();
        c.next_us = c.done_us + t_standby_us[c.config >> 5];
    }
}

static uint8_t reg_get(uint8_t r)
{
    switch (r) {
    case AKIRA_BME280_REG_ID: return AKIRA_BME280_CHIP_ID;
    case AKIRA_BME280_REG_RESET: return 0;
    case AKIRA_BME280_REG_CTRL_HUM: return c.ctrl_hum;
    case AKIRA_BME280_REG_STATUS: return c.measuring ? AKIRA_BME280_STATUS_MEASURING : 0;
    case AKIRA_BME280_REG_CTRL_MEAS: return c.ctrl_meas;
    case AKIRA_BME280_REG_CONFIG: return c.config;
    case 0xF7: return (uint8_t)(c.adc_P >> 12);
    case 0xF8: return (uint8_t)(c.adc_P >> 4);
    case 0xF9: return (uint8_t)((c.adc_P & 0xF) << 4);
    case 0xFA: return (uint8_t)(c.adc_T >> 12);
    case 0xFB: return (uint8_t)(c.adc_T >> 4);
    case 0xFC: return (uint8_t)((c.adc_T & 0xF) << 4);
    case 0xFD: return (uint8_t)(c.adc_H >> 8);
    case 0xFE: return (uint8_t)c.adc_H;
    default: return c.nvm[r]; /* trimming bytes; 0 elsewhere */
    }
}

static void reg_set(uint8_t r, uint8_t v)
{
    switch (r) {
    case AKIRA_BME280_REG_RESET:
        if (v == AKIRA_BME280_RESET_WORD) chip_reset();
        break;
    case AKIRA_BME280_REG_CTRL_HUM: c.ctrl_hum = v & 7; break;
    case AKIRA_BME280_REG_CONFIG: c.config = v & 0xFD; break; /* bit 1 is reserved */
    case AKIRA_BME280_REG_CTRL_MEAS: {
        c.ctrl_meas = v;
        unsigned mode = v & 3;
        if ((mode == AKIRA_BME280_MODE_FORCED || mode == 2) && !c.measuring) {
            c.ctrl_meas = (uint8_t)((v & ~3u) | AKIRA_BME280_MODE_FORCED);
            c.measuring = true;
            c.done_us = akira_uptime_us() + t_measure_us();
        } else if (mode == AKIRA_BME280_MODE_NORMAL) {
            c.next_us = 0;
        }
        break;
    }
    default: break; /* read-only */
    }
}

static void bme_start(struct sim_i2c_target *t)
{
    (void)t;
    static bool powered;
    if (!powered) { /* power-on reset the first time the bus talks to the chip */
        chip_reset();
        powered = true;
    }
    c.write_pending_value = false;
    advance();
}

static void bme_write(struct sim_i2c_target *t, const uint8_t *buf, uint32_t len, bool first)
{
    (void)t;
    if (first) c.write_pending_value = false;
    for (uint32_t i = 0; i < len; i++) {
        if (!c.write_pending_value) {
            c.ptr = c.pair_reg = buf[i];
            c.write_pending_value = true;
        } else {
            reg_set(c.pair_reg, buf[i]);
            c.write_pending_value = false;
        }
    }
}

static void bme_read(struct sim_i2c_target *t, uint8_t *buf, uint32_t len)
{
    (void)t;
    for (uint32_t i = 0; i < len; i++)
        buf[i] = reg_get(c.ptr++);
}

struct sim_i2c_target sim_bme280_target = {
    .addr = AKIRA_SIM_BME280_ADDR,
    .name = "bme280",
    .start = bme_start,
    .write = bme_write,
    .read = bme_read,
};

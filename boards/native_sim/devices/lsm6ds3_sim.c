/*
 * Register-level model of an ST LSM6DS3 at 0x6A on i2c0: WHO_AM_I 0x69, CTRL1_XL /
 * CTRL2_G (output data rate and full scale), CTRL3_C (IF_INC auto-increment, SW_RESET,
 * BOOT), STATUS_REG, and the little-endian outputs OUT_TEMP (0x20), OUTX_L_G (0x22..)
 * and OUTX_L_XL (0x28..). Each sensor produces a sample every 1/ODR while its ODR is
 * not power-down; a sample is the signal converted with the datasheet's sensitivity
 * for the selected full scale, saturated to 16 bits. Data-ready bits clear when the
 * sensor's outputs are read. Samples are taken at the start of a transaction, so one
 * burst read sees one consistent sample (what BDU guarantees on the real part).
 */
#include <math.h>
#include <string.h>

#include <akira/clock.h>
#include <akira/drivers/lsm6ds3.h>

#include "sim.h"

#define STATUS_XLDA 0x01
#define STATUS_GDA  0x02
#define STATUS_TDA  0x04

static struct {
    uint8_t regs[128];
    uint8_t ptr;
    uint64_t next_xl_us, next_g_us;
} m;

/* Hz x10 by ODR code 1..10. */
static const uint32_t odr_dhz[11] = {0, 125, 260, 520, 1040, 2080, 4160, 8330, 16600, 33300, 66600};

static void chip_reset(void)
{
    memset(&m, 0, sizeof(m));
    m.regs[AKIRA_LSM6DS3_REG_WHO_AM_I] = AKIRA_LSM6DS3_WHO_AM_I_VALUE;
    m.regs[AKIRA_LSM6DS3_REG_CTRL3_C] = AKIRA_LSM6DS3_CTRL3_IF_INC; /* reset value 0x04 */
}

static double accel_mg_per_lsb(void)
{
    static const double t[4] = {0.061, 0.488, 0.122, 0.244}; /* FS_XL 00 01 10 11 */
    return t[(m.regs[AKIRA_LSM6DS3_REG_CTRL1_XL] >> 2) & 3];
}

static double gyro_mdps_per_lsb(void)
{
    uint8_t c2 = m.regs[AKIRA_LSM6DS3_REG_CTRL2_G];
    if (c2 & 0x02) return 4.375; /* FS_125 */
    static const double t[4] = {8.75, 17.5, 35.0, 70.0};
    return t[(c2 >> 2) & 3];
}

static int16_t sat16(double v)
{
    v = floor(v + 0.5);
    return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v;
}

static void put16(uint8_t reg, int16_t v)
{
    m.regs[reg] = (uint8_t)((uint16_t)v & 0xFF);
    m.regs[reg + 1] = (uint8_t)((uint16_t)v >> 8);
}

static void sample_temp(void)
{
    put16(AKIRA_LSM6DS3_REG_OUT_TEMP_L,
          sat16((sim_signal_sample(AKIRA_SIM_SIG_IMU_TEMP) - 25.0) * 16.0));
    m.regs[AKIRA_LSM6DS3_REG_STATUS] |= STATUS_TDA;
}

/* Takes a sample of each running sensor whose period has come. */
static void advance(void)
{
    uint64_t now = akira_uptime_us();
    unsigned xl = m.regs[AKIRA_LSM6DS3_REG_CTRL1_XL] >> 4,
             g = m.regs[AKIRA_LSM6DS3_REG_CTRL2_G] >> 4;
    if (xl > 10) xl = 10;
    if (g > 8) g = 8; /* the gyroscope's fastest rate is 1.66 kHz */
    if (xl && now >= m.next_xl_us) {
        for (int i = 0; i < 3; i++) {
            double a = sim_signal_sample((enum akira_sim_signal)(AKIRA_SIM_SIG_ACCEL_X + i));
            put16((uint8_t)(AKIRA_LSM6DS3_REG_OUTX_L_XL + 2 * i),
                  sat16(a / 9.80665 * 1000.0 / accel_mg_per_lsb()));
        }
        m.regs[AKIRA_LSM6DS3_REG_STATUS] |= STATUS_XLDA;
        sample_temp();
        m.next_xl_us = now + 10000000ull / odr_dhz[xl];
    }
    if (g && now >= m.next_g_us) {
        for (int i = 0; i < 3; i++) {
            double r = sim_signal_sample((enum akira_sim_signal)(AKIRA_SIM_SIG_GYRO_X + i));
            put16((uint8_t)(AKIRA_LSM6DS3_REG_OUTX_L_G + 2 * i),
                  sat16(r * 1000.0 / gyro_mdps_per_lsb()));
        }
        m.regs[AKIRA_LSM6DS3_REG_STATUS] |= STATUS_GDA;
        if (!xl) sample_temp();
        m.next_g_us = now + 10000000ull / odr_dhz[g];
    }
}

static void lsm_start(struct sim_i2c_target *t)
{
    (void)t;
    static bool powered;
    if (!powered) {
        chip_reset();
        powered = true;
    }
    advance();
}

static void ptr_next(void)
{
    if (m.regs[AKIRA_LSM6DS3_REG_CTRL3_C] & AKIRA_LSM6DS3_CTRL3_IF_INC) m.ptr = (m.ptr + 1) & 0x7F;
}

static void reg_set(uint8_t r, uint8_t v)
{
    switch (r) {
    case AKIRA_LSM6DS3_REG_CTRL1_XL:
        m.regs[r] = v;
        m.next_xl_us = 0; /* a new rate starts sampling now */
        break;
    case AKIRA_LSM6DS3_REG_CTRL2_G:
        m.regs[r] = v;
        m.next_g_us = 0;
        break;
    case AKIRA_LSM6DS3_REG_CTRL3_C:
        /* SW_RESET and BOOT restore the defaults and clear themselves. */
        if (v & (AKIRA_LSM6DS3_CTRL3_SW_RESET | 0x80)) {
            uint8_t ptr = m.ptr;
            chip_reset();
            m.ptr = ptr;
        } else {
            m.regs[r] = v;
        }
        break;
    default:
        /* The other control registers hold what is written; outputs, status and
         * WHO_AM_I are read-only. */
        if (r >= 0x01 && r <= 0x19 && r != AKIRA_LSM6DS3_REG_WHO_AM_I) m.regs[r] = v;
        break;
    }
}

static void lsm_write(struct sim_i2c_target *t, const uint8_t *buf, uint32_t len, bool first)
{
    (void)t;
    uint32_t i = 0;
    if (first && len > 0) m.ptr = buf[i++] & 0x7F;
    for (; i < len; i++) {
        reg_set(m.ptr, buf[i]);
        ptr_next();
    }
}

static void lsm_read(struct sim_i2c_target *t, uint8_t *buf, uint32_t len)
{
    (void)t;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t r = m.ptr;
        buf[i] = m.regs[r];
        if (r >= 0x20 && r <= 0x21) m.regs[AKIRA_LSM6DS3_REG_STATUS] &= (uint8_t)~STATUS_TDA;
        if (r >= 0x22 && r <= 0x27) m.regs[AKIRA_LSM6DS3_REG_STATUS] &= (uint8_t)~STATUS_GDA;
        if (r >= 0x28 && r <= 0x2D) m.regs[AKIRA_LSM6DS3_REG_STATUS] &= (uint8_t)~STATUS_XLDA;
        ptr_next();
    }
}

struct sim_i2c_target sim_lsm6ds3_target = {
    .addr = AKIRA_SIM_LSM6DS3_ADDR,
    .name = "lsm6ds3",
    .start = lsm_start,
    .write = lsm_write,
    .read = lsm_read,
};

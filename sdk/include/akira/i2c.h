/*
 * AkiraOS app SDK - module "i2c": transactions on the board's I2C buses, capability
 * "i2c", only to the targets the manifest's `i2c:` line names as BUS:ADDR items
 * (e.g. `i2c: i2c0:0x76, i2c0:0x6a`; without that line no target is allowed).
 *
 * Checks, in order: buffers inside memory (AKIRA_EFAULT) and at most 256 bytes each
 * (AKIRA_ETOOBIG), a bus name of 1..15 chars and an address 0..0x7f (AKIRA_EINVAL),
 * the manifest (AKIRA_EACCES), the bus (AKIRA_ENODEV). AKIRA_EIO: the target did not
 * acknowledge (nobody at that address, or a data byte refused).
 */
#ifndef AKIRA_SDK_I2C_H
#define AKIRA_SDK_I2C_H

#include <akira/common.h>

/* One transaction: write wlen bytes of w (if any), then after a repeated START read
 * rlen bytes into r (if any). Both 0: an address probe. 0 or an error above. */
AKIRA_IMPORT("i2c_transfer")
int32_t akira_i2c_transfer(const char *bus, uint32_t bus_len, int32_t addr, const void *w,
                           uint32_t wlen, void *r, uint32_t rlen);

static inline uint32_t akira_i2c_strlen_(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Read len registers from reg on (register-pointer targets like the BME280). */
static inline int32_t akira_i2c_reg_read(const char *bus, int32_t addr, uint8_t reg, void *buf,
                                         uint32_t len)
{
    return akira_i2c_transfer(bus, akira_i2c_strlen_(bus), addr, &reg, 1, buf, len);
}

static inline int32_t akira_i2c_reg_write(const char *bus, int32_t addr, uint8_t reg, uint8_t v)
{
    uint8_t b[2] = {reg, v};
    return akira_i2c_transfer(bus, akira_i2c_strlen_(bus), addr, b, 2, 0, 0);
}

#endif /* AKIRA_SDK_I2C_H */
